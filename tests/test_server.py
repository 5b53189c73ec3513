"""The HTTP service (``sep serve``), tested over real HTTP against a running uvicorn server.

Each server listens on a free loopback port (127.0.0.1 only) in a thread of the test
process; every request goes through the network stack with httpx. Answers must equal
the library's (3.1/4.2.1 eligibility, 4.3.5 graduation, 4.3.7-b evaluation, the 4.1–4.3.7
audit, the 4.3.2/4.3.6 lifecycle), and every refusal must be an RFC 9457 problem document
with a 4xx status naming the field, the value and the clause, never a 500 or a traceback.
"""

from __future__ import annotations

import asyncio
import copy
import datetime as dt
import json
import re
import socket
import sys
import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest

pytestmark = pytest.mark.clause("3.1", "4.3.2", "4.3.3", "4.3.5", "4.3.6", "4.3.7-b")

pytest.importorskip("fastapi")
pytest.importorskip("uvicorn")
httpx = pytest.importorskip("httpx")

import attrs  # noqa: E402
import jsonschema  # noqa: E402
import uvicorn  # noqa: E402
from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

import sep  # noqa: E402
from sep._written import WRITTEN_SCHEMAS  # noqa: E402
from sep.assessment import EvaluationHistory, Status, audit_report_schema  # noqa: E402
from sep.domain import (  # noqa: E402
    ImprovementPlan,
    Incubatee,
    Money,
    Origin,
    Period,
    PeriodFinancials,
    Platform,
    ScoringModule,
    StaffMember,
    StaffOrigin,
    from_dict,
    json_schema,
    to_dict,
)
from sep.evaluation import (  # noqa: E402
    GRADUATION,
    TORCH_2018_GRADUATION,
    batch_summary_schema,
    builtin_pack,
    builtin_packs,
    check,
    check_batch,
    columns_from,
    decision_schema,
    input_schema,
)
from sep.examples import annex_c_founder, annex_c_platform, demo_incubatees  # noqa: E402
from sep.lifecycle import incubatee_file_schema  # noqa: E402
from sep.server import MAX_BATCH_ROWS, create_app, document_version  # noqa: E402
from sep.server import _app as app_module  # noqa: E402
from sep.server._work import THREAD_NAME, Overtime, Workers  # noqa: E402
from tests.test_audit import _inputs as _audit_inputs  # noqa: E402

ON = "2026-01-01"


class _Server:
    """A uvicorn server for ``app`` on a free loopback port, in a daemon thread."""

    def __init__(self, app: Any) -> None:
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind(("127.0.0.1", 0))
        self.port = self.sock.getsockname()[1]
        config = uvicorn.Config(app, log_level="critical", access_log=False, lifespan="off")
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(
            target=self.server.run, kwargs={"sockets": [self.sock]}, daemon=True
        )

    def __enter__(self) -> httpx.Client:
        self.thread.start()
        deadline = time.monotonic() + 10
        while not self.server.started:
            if time.monotonic() > deadline or not self.thread.is_alive():
                raise RuntimeError("the server did not start")
            time.sleep(0.01)
        self.client = httpx.Client(base_url=f"http://127.0.0.1:{self.port}", timeout=10)
        return self.client

    def __exit__(self, *_: object) -> None:
        self.client.close()
        self.server.should_exit = True
        self.thread.join(timeout=10)
        self.sock.close()


@pytest.fixture(scope="module")
def client() -> Iterator[httpx.Client]:
    """The service with its default bounds."""
    with _Server(create_app()) as c:
        yield c


@pytest.fixture(scope="module")
def tight() -> Iterator[httpx.Client]:
    """The service with a 4 KiB body limit."""
    with _Server(create_app(max_body_bytes=4096)) as c:
        yield c


@pytest.fixture(scope="module")
def slow() -> Iterator[httpx.Client]:
    """The service with a time limit no request can meet."""
    with _Server(create_app(time_limit=1e-9)) as c:
        yield c


def _problem(response: httpx.Response, status: int, **expected: Any) -> dict[str, Any]:
    """Assert ``response`` is an RFC 9457 problem with ``status`` and ``expected`` members."""
    assert response.status_code == status, response.text[:500]
    assert response.headers["content-type"].startswith("application/problem+json")
    body: dict[str, Any] = response.json()
    assert body["status"] == status
    assert body["type"].startswith("urn:sep:problem:")
    assert body["title"] and body["detail"]
    assert "Traceback" not in response.text
    for key, value in expected.items():
        if key.endswith("^"):
            assert str(body.get(key[:-1])).startswith(value), (key, body)
        else:
            assert body.get(key) == value, (key, body)
    return body


def _post_raw(c: httpx.Client, path: str, content: bytes, **headers: str) -> httpx.Response:
    return c.post(path, content=content, headers={"content-type": "application/json", **headers})


def _incubatee_doc() -> dict[str, Any]:
    doc: dict[str, Any] = to_dict(demo_incubatees()[0])
    return doc


# -- reading ------------------------------------------------------------------------------


def test_health_names_version_and_packs(client: httpx.Client) -> None:
    """GET /v1/health answers ok with sep's version and the shipped packs."""
    r = client.get("/v1/health")
    assert r.status_code == 200
    assert r.json() == {"status": "ok", "version": sep.__version__, "packs": list(builtin_packs())}


def _refs(node: Any) -> Iterator[str]:
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "$ref":
                yield value
            else:
                yield from _refs(value)
    elif isinstance(node, list):
        for value in node:
            yield from _refs(value)


def test_openapi_is_built_from_seps_schemas(client: httpx.Client) -> None:
    """The OpenAPI 3.1 document lists every route, its references resolve, and its
    Incubatee and graduation-input (4.3.5) components are sep's own JSON Schemas."""
    doc = client.get("/v1/openapi.json").json()
    assert doc["openapi"].startswith("3.1")
    for path in (
        "/v1/check/graduation",
        "/v1/check/eligibility/batch",
        "/v1/why-not/evaluation",
        "/v1/decisions/verify",
        "/v1/audit",
        "/v1/lifecycle/fire",
        "/v1/parameters",
    ):
        assert path in doc["paths"]
    components = doc["components"]["schemas"]
    for ref in _refs(doc):
        assert ref.startswith("#/components/schemas/")
        assert ref.rsplit("/", 1)[1] in components, ref
    own = json.dumps(json_schema(Incubatee)["$defs"]["Incubatee"]).replace(
        "#/$defs/", "#/components/schemas/"
    )
    assert components["Incubatee"] == json.loads(own)
    inputs = {k: v for k, v in input_schema(GRADUATION).items() if k != "$schema"}
    assert components["Inputs_t-cate-0001-2020_graduation"] == inputs
    # A batch answers a batch summary; an audit takes the evaluation history (4.3.7-b/c).
    batch = doc["paths"]["/v1/check/graduation/batch"]["post"]["responses"]["200"]
    assert batch["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/BatchSummary"
    }
    assert components["BatchSummary"]["title"] == batch_summary_schema()["title"]
    history = components["AuditRequest"]["properties"]["history"]["properties"]
    assert history["cycles"]["items"] == {"$ref": "#/components/schemas/CycleInputs"}
    assert history["plans"]["items"] == {"$ref": "#/components/schemas/ImprovementPlan"}


def test_interactive_docs_load_the_openapi_document(client: httpx.Client) -> None:
    """GET /docs is the Swagger UI page reading /v1/openapi.json."""
    r = client.get("/docs")
    assert r.status_code == 200
    assert "text/html" in r.headers["content-type"]
    assert "/v1/openapi.json" in r.text


_ASSET_MEDIA = {".js": "javascript", ".css": "text/css", ".png": "image/png"}


def test_interactive_docs_work_offline(client: httpx.Client) -> None:
    """Every file the /docs page loads (script, style sheet, icon) is served by the service
    itself, with its media type and content; none comes from another host."""
    page = client.get("/docs").text
    urls = re.findall(r"""(?:src|href)=["']([^"']+)["']""", page)
    assert len(urls) >= 3, urls
    kinds = set()
    for url in urls:
        assert url.startswith("/") and not url.startswith("//"), f"{url} is not served here"
        r = client.get(url)
        assert r.status_code == 200, (url, r.status_code)
        suffix = url[url.rindex(".") :]
        assert _ASSET_MEDIA[suffix] in r.headers["content-type"], (url, r.headers)
        kinds.add(suffix)
        if suffix == ".js":
            assert "SwaggerUIBundle" in r.text and len(r.content) > 100_000
    assert kinds == set(_ASSET_MEDIA)
    # The OpenAPI document it reads is here too; a file the package does not ship is a 404.
    assert client.get("/v1/openapi.json").json()["openapi"] == "3.1.0"
    _problem(client.get("/docs/assets/missing.js"), 404)
    _problem(client.get("/docs/assets/%2e%2e/%2e%2e/pyproject.toml"), 404)


def test_packs_lists_the_shipped_packs(client: httpx.Client) -> None:
    """GET /v1/packs gives every shipped pack with its clause, inputs and criteria."""
    packs = client.get("/v1/packs").json()["packs"]
    assert [p["id"] for p in packs] == list(builtin_packs())
    grad = next(p for p in packs if p["id"] == GRADUATION)
    assert grad["clause"] == "4.3.5"
    assert "4.3.5(c).revenue" in grad["criteria"]
    assert grad["inputs"] == sorted(builtin_pack(GRADUATION).inputs)


def test_parameters_give_dated_values_and_sources(client: httpx.Client) -> None:
    """GET /v1/parameters lists each parameter's dated values with their sources and the
    value in force on ``on``, as the pack declares them (4.3.5 thresholds)."""
    r = client.get("/v1/parameters", params={"pack": GRADUATION, "on": ON})
    assert r.status_code == 200
    body = r.json()
    assert body["on"] == ON
    pack = builtin_pack(GRADUATION)
    assert {p["name"] for p in body["parameters"]} == set(pack.parameters)
    for p in body["parameters"]:
        spec = pack.parameters[p["name"]]
        assert [v["since"] for v in p["values"]] == [v.since.isoformat() for v in spec.values]
        assert all(v["source"] for v in p["values"])
        current = spec.value_on(dt.date(2026, 1, 1))
        assert p["value_on"] == (None if current is None else str(current.value))


@pytest.mark.parametrize(
    ("query", "field"),
    [({"pack": "no/such"}, "pack"), ({"on": "2026-13-01"}, "on"), ({"on": "tomorrow"}, "on")],
)
def test_parameters_refuse_unknown_packs_and_bad_dates(
    client: httpx.Client, query: dict[str, str], field: str
) -> None:
    """An unknown pack or a malformed date is a 422 problem naming the query field."""
    _problem(client.get("/v1/parameters", params=query), 422, field=field)


def test_schemas_are_seps_json_schemas(client: httpx.Client) -> None:
    """/v1/schemas serves json_schema() of each document and input_schema() of each pack."""
    names = client.get("/v1/schemas").json()["schemas"]
    assert "incubatee" in names and f"inputs/{GRADUATION}" in names
    assert client.get("/v1/schemas/incubatee").json() == json_schema(Incubatee)
    assert client.get(f"/v1/schemas/inputs/{GRADUATION}").json() == input_schema(GRADUATION)
    assert client.get("/v1/schemas/decision").json() == decision_schema()
    assert client.get("/v1/schemas/audit-report").json() == audit_report_schema()
    assert client.get("/v1/schemas/batch-summary").json() == batch_summary_schema()
    assert client.get("/v1/schemas/incubatee-file").json() == incubatee_file_schema()
    assert set(WRITTEN_SCHEMAS) <= set(names)
    for name, build in WRITTEN_SCHEMAS.items():
        assert client.get(f"/v1/schemas/{name}").json() == build()
    _problem(client.get("/v1/schemas/nothing"), 404)


# -- decisions ----------------------------------------------------------------------------


def _library(pack: str, facts: Any, **kwargs: Any) -> dict[str, Any]:
    return json.loads(check(pack, facts, **kwargs).to_json())


def test_check_facts_equals_the_library(client: httpx.Client) -> None:
    """POST /v1/check/graduation with named inputs gives the library's decision record,
    same digest (4.3.5(c)), and an explanation in the asked language."""
    facts = {"revenue": "8,200,000", "profit": "2000000", "listed": False}
    r = client.post(
        "/v1/check/graduation",
        json={"facts": facts, "on": ON, "params": {"revenue_min": "8000000"}, "lang": "zh"},
    )
    assert r.status_code == 200, r.text
    body = r.json()
    decision = check(GRADUATION, facts, on=dt.date(2026, 1, 1), params={"revenue_min": "8000000"})
    assert body.pop("explanation") == decision.explain("zh")
    assert body == json.loads(decision.to_json())
    jsonschema.validate(body, decision_schema())
    assert decision.outcome_of("4.3.5(c).revenue").value == "met"  # the override applied


def test_check_document_equals_the_library(client: httpx.Client) -> None:
    """A graduation (4.3.5) incubatee document and an eligibility (3.1, 4.2.1) enterprise
    document are validated and decided as the library decides them."""
    doc = _incubatee_doc()
    r = client.post("/v1/check/graduation", json={"document": doc, "on": ON})
    assert r.status_code == 200, r.text
    assert r.json() == _library(GRADUATION, from_dict(Incubatee, doc), on=dt.date(2026, 1, 1))
    founder = to_dict(annex_c_founder())
    r = client.post("/v1/check/eligibility", json={"document": founder, "on": ON})
    assert r.status_code == 200, r.text
    assert r.json()["digest"] == sep.check_eligibility(founder, on=dt.date(2026, 1, 1)).digest


def test_check_evaluation_and_another_pack(client: httpx.Client) -> None:
    """Evaluation (4.3.7-b) takes scores as facts; graduation may name the 2018 Torch pack."""
    scores = {"score_service_system": 72, "score_total": 55}
    r = client.post("/v1/check/evaluation", json={"facts": scores, "on": ON})
    assert r.json()["outcome"] == "not_met"
    r = client.post(
        "/v1/check/graduation",
        json={"facts": {"high_tech_enterprise": True}, "pack": TORCH_2018_GRADUATION},
    )
    assert r.json()["pack"] == TORCH_2018_GRADUATION
    assert r.json()["outcome"] == "met"


BAD_BODIES = [
    # (raw body, status, expected problem members)
    (b"{", 400, {"field": "body"}),
    (b"", 400, {"field": "body"}),
    (b"[" * 200 + b"]" * 200, 400, {"field^": "body[0]"}),
    (b'{"facts": {}, "facts": {}}', 400, {"field": "body"}),
    (b'{"facts": {"revenue": NaN}}', 400, {"field": "body"}),
    (b'{"facts": {"n": ' + b"9" * 100 + b"}}", 400, {"field": "body"}),
    (b'{"facts": "\xff"}', 400, {"field": "body"}),
    (b'{"facts": "\\ud800"}', 400, {}),
    (b"[1, 2]", 422, {"field": ""}),
    (b"{}", 422, {"field": ""}),
    (b'{"facts": {}, "document": {}}', 422, {"field": ""}),
    (b'{"facts": [1]}', 422, {"field": "facts"}),
    (b'{"facts": {}, "colour": 1}', 422, {"field": "colour"}),
    pytest.param(
        b'{"facts": {"revenue": "1,5"}}', 422, {"field": "facts.revenue", "clause": "4.3.5(c)"}
    ),
    (b'{"facts": {"revenue": "abc"}}', 422, {"field": "facts.revenue", "value": "abc"}),
    pytest.param(b'{"facts": {"revenue": 1e400}}', 400, {"field": "body"}),
    (b'{"facts": {"revenue": "-"}}', 422, {"field": "facts.revenue", "clause": "4.3.5(c)"}),
    (b'{"facts": {"listed": "yes"}}', 422, {"field": "facts.listed", "clause": "4.3.5(b)"}),
    (b'{"facts": {}, "pack": "no/such"}', 422, {"field": "pack"}),
    (b'{"facts": {}, "pack": "/etc/passwd.toml"}', 422, {"field": "pack"}),
    (b'{"facts": {}, "pack": "t-cate-0001-2020/eligibility"}', 422, {"field": "pack"}),
    (b'{"facts": {}, "on": "2026-02-30"}', 422, {"field": "on"}),
    (b'{"facts": {}, "on": 20260101}', 422, {"field": "on"}),
    (b'{"facts": {}, "on": "1900-01-01"}', 422, {"field": "on"}),
    (b'{"facts": {}, "lang": "fr"}', 422, {"field": "lang"}),
    (b'{"facts": {}, "params": [1]}', 422, {"field": "params"}),
    (b'{"facts": {}, "params": {"nope": 1}}', 422, {"field": "params.nope"}),
    (b'{"facts": {}, "params": {"revenue_min": "x"}}', 422, {"field": "params.revenue_min"}),
    (
        b'{"facts": {}, "params": {"revenue_min": [{"since": "x", "value": "1"}]}}',
        422,
        {"field": "params.revenue_min[0].since"},
    ),
    (b'{"document": {"id": 1}}', 422, {}),
    (b'{"document": []}', 422, {"field": "document"}),
]


@pytest.mark.parametrize(("raw", "status", "expected"), BAD_BODIES)
def test_check_refuses_bad_bodies_with_a_problem(
    client: httpx.Client, raw: bytes, status: int, expected: dict[str, Any]
) -> None:
    """Junk JSON (400), JSON of the wrong shape and bad values (422) are problem documents
    naming the field, the value and the clause (4.3.5(b), 4.3.5(c)) — never a 500."""
    _problem(_post_raw(client, "/v1/check/graduation", raw), status, **expected)


def test_document_errors_name_the_document_path(client: httpx.Client) -> None:
    """A bad field inside a graduation document is named from the request's top."""
    doc = _incubatee_doc()
    doc["origin"] = "martian"
    body = _problem(client.post("/v1/check/graduation", json={"document": doc}), 422)
    assert body["field"] == "document.origin"
    assert body["value"] == "martian"


@pytest.mark.parametrize("path", ["/v1/check/graduation", "/v1/why-not/graduation"])
def test_a_misspelled_input_is_refused_as_the_library_refuses_it(
    client: httpx.Client, path: str
) -> None:
    """A name the pack does not read (``listd``) is a 422 naming ``facts.listd`` with a
    "did you mean", as :func:`sep.check` refuses it, not an UNKNOWN decision; with
    ``"extra": "ignore"`` it is left out, and a bad ``extra`` is itself refused."""
    body = _problem(client.post(path, json={"facts": {"listd": True}}), 422, field="facts.listd")
    assert "did you mean 'listed'" in body["detail"]
    ok = client.post(path, json={"facts": {"listd": True, "listed": True}, "extra": "ignore"})
    assert ok.status_code == 200, ok.text[:300]
    assert ok.json()["outcome"] == "met"
    _problem(client.post(path, json={"facts": {}, "extra": "maybe"}), 422, field="extra")


def test_batch_refuses_a_misspelled_input_unless_told_to_ignore_it(client: httpx.Client) -> None:
    """The batch endpoint names the row and the name (``facts[0].listd``); ``extra:
    "ignore"`` decides the rows on the names the pack reads (4.3.5(b): listed)."""
    path = "/v1/check/graduation/batch"
    _problem(client.post(path, json={"facts": [{"listd": True}]}), 422, field="facts[0].listd")
    ok = client.post(path, json={"facts": [{"listd": 1, "listed": True}], "extra": "ignore"})
    assert ok.status_code == 200, ok.text[:300]
    assert ok.json()["outcomes"] == ["met"]


def test_evaluation_has_no_document(client: httpx.Client) -> None:
    """Evaluation (4.3.7-b) takes scores only: a document is refused, naming the field."""
    r = client.post("/v1/check/evaluation", json={"document": {}})
    _problem(r, 422, field="document")


def test_protocol_errors_are_problems(client: httpx.Client) -> None:
    """Wrong media type (415), unknown question or route (404), wrong method (405)."""
    r = client.post("/v1/check/graduation", content=b"{}", headers={"content-type": "text/plain"})
    _problem(r, 415)
    _problem(client.post("/v1/check/happiness", json={"facts": {}}), 404)
    _problem(client.get("/v1/nothing"), 404)
    _problem(client.get("/v1/check/graduation"), 405)


def test_body_size_is_bounded(tight: httpx.Client) -> None:
    """A body past the limit is 413, declared (Content-Length) or streamed (chunked)."""
    big = json.dumps({"facts": {"x": "a" * 5000}}).encode()
    _problem(_post_raw(tight, "/v1/check/graduation", big), 413)

    def chunks() -> Iterator[bytes]:
        yield big[:3000]
        yield big[3000:]

    r = tight.post(
        "/v1/check/graduation", content=chunks(), headers={"content-type": "application/json"}
    )
    _problem(r, 413)
    ok = tight.post("/v1/check/graduation", json={"facts": {"listed": True}})
    assert ok.status_code == 200


def test_time_limit_answers_503(slow: httpx.Client) -> None:
    """A request past the time limit is a 503 problem with Retry-After, not a hang."""
    r = slow.post("/v1/check/graduation", json={"facts": {}})
    _problem(r, 503)
    assert r.headers["retry-after"] == "1"


def _workers_alive() -> int:
    return sum(1 for t in threading.enumerate() if t.name == THREAD_NAME)


def _settle(at_most: int, within: float = 10.0) -> int:
    """Wait until at most ``at_most`` worker threads are alive; return how many are."""
    deadline = time.monotonic() + within
    while _workers_alive() > at_most and time.monotonic() < deadline:
        time.sleep(0.01)
    return _workers_alive()


def _answered(c: httpx.Client, method: str, path: str, **kwargs: Any) -> httpx.Response:
    """The first 200 of a few tries: a small request under a tight time limit may miss it
    on a busy machine, but one whose worker never comes free misses it every time."""
    for _ in range(5):
        r = c.request(method, path, **kwargs)
        if r.status_code == 200:
            break
        _problem(r, 503)
    return r


@pytest.fixture
def finalisers_may_drop_overtime() -> Iterator[list[Any]]:
    """Record what Python drops from finalisers while a worker is being stopped.

    An :class:`Overtime` raised in a worker thread while it runs a finaliser (a weak
    reference's callback, ``__del__``) is handed to ``sys.unraisablehook`` and dropped;
    the worker pool raises it again until the work ends (see ``sep.server._work``). The
    test runner would count such a drop as a failure of whichever test it lands in, so the
    tests that stop workers take it here, and fail on anything dropped that is not it.
    """
    dropped: list[Any] = []
    # Not monkeypatch: a test may undo its own patches halfway, and this must stay in place.
    runner_hook = sys.unraisablehook
    sys.unraisablehook = dropped.append
    try:
        yield dropped
        _settle(0)  # the stopped threads have ended: nothing more can be dropped
    finally:
        sys.unraisablehook = runner_hook
    others = [u for u in dropped if not isinstance(u.exc_value, Overtime)]
    assert others == [], [repr(u.exc_value) for u in others]


def _endless() -> None:
    while True:
        pass


@pytest.mark.usefixtures("finalisers_may_drop_overtime")
def test_workers_stop_an_endless_loop() -> None:
    """Work that would never end on its own is stopped at the time limit: the call raises
    Overtime, the thread ends, and the worker takes the next work."""
    workers = Workers(1, 0.2)

    async def scenario() -> tuple[Any, ...]:
        try:
            await workers.run(_endless)
        except Overtime:
            stopped = True
        else:
            stopped = False
        return stopped, await workers.run(lambda: 42)

    before = _settle(0)
    assert asyncio.run(scenario()) == (True, 42)
    assert _settle(before) <= before


def test_a_stopped_workers_error_reaches_the_caller() -> None:
    """An exception raised by the work is raised to the caller as it was."""

    def fail() -> None:
        raise sep.ValidationError("x", 1, "bad")

    async def scenario() -> None:
        await Workers(2, 5.0).run(fail)

    with pytest.raises(sep.ValidationError, match="bad"):
        asyncio.run(scenario())


@pytest.mark.usefixtures("finalisers_may_drop_overtime")
def test_work_past_the_time_limit_is_stopped_and_the_worker_freed(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """After a 503 the request's work is stopped, not left running: more over-limit
    requests than there are workers leave no worker thread behind, the thread count does
    not grow, and the next request is answered at once."""
    monkeypatch.setattr(app_module, "_packs", _endless)
    with _Server(create_app(time_limit=0.3, workers=2)) as c:
        before_threads = threading.active_count()
        before = _settle(0)
        for _ in range(5):
            _problem(c.get("/v1/packs"), 503, type="urn:sep:problem:time-limit")
        # Each endless loop was stopped: the two workers are free, not five threads spinning.
        assert _settle(before) <= before
        assert threading.active_count() <= before_threads
        monkeypatch.undo()
        r = _answered(c, "GET", "/v1/packs")
        assert r.status_code == 200 and r.json()["packs"]
        r = _answered(c, "POST", "/v1/check/graduation", json={"facts": {"listed": True}})
        assert r.status_code == 200


@pytest.mark.usefixtures("finalisers_may_drop_overtime")
def test_a_long_library_call_is_stopped_too(monkeypatch: pytest.MonkeyPatch) -> None:
    """Work inside the library (reading a platform of 12,000 incubatees: no loop of the
    service's own) is stopped past the limit too, before it ends; afterwards the one
    worker answers a small request within the limit."""
    platform = to_dict(annex_c_platform())
    portfolio = platform["incubatees"]
    platform["incubatees"] = [
        {**incubatee, "id": f"{incubatee['id']}-{copy_}"}
        for copy_ in range(3)
        for incubatee in portfolio
    ]
    finished: list[Platform] = []
    read = app_module._platform_of

    def watched(body: Any) -> Platform:
        found = read(body)
        finished.append(found)
        return found

    monkeypatch.setattr(app_module, "_platform_of", watched)
    with _Server(create_app(time_limit=0.2, workers=1)) as c:
        before = _settle(0)
        for _ in range(3):
            r = c.post("/v1/audit", json={"platform": platform})
            _problem(r, 503, type="urn:sep:problem:time-limit")
        assert _settle(before) <= before
        assert finished == [], "a platform was read to the end after its 503"
        r = _answered(c, "POST", "/v1/check/graduation", json={"facts": {"listed": True}})
        assert r.status_code == 200 and r.json()["outcome"] == "met"


@settings(max_examples=40)
@given(
    facts=st.dictionaries(
        st.sampled_from(["revenue", "profit", "listed", "cash_flow", "x"]),
        st.recursive(
            st.none() | st.booleans() | st.integers() | st.text(max_size=12),
            lambda inner: (
                st.lists(inner, max_size=3)
                | st.dictionaries(st.text(max_size=6), inner, max_size=3)
            ),
            max_leaves=6,
        ),
        max_size=4,
    )
)
def test_no_json_body_gives_a_server_error(client: httpx.Client, facts: dict[str, Any]) -> None:
    """Whatever JSON facts a client sends, the answer is a decision (200) or a 4xx problem
    naming a field under ``facts`` (4.3.5 inputs) — never a 5xx."""
    r = client.post("/v1/check/graduation", json={"facts": facts})
    if r.status_code == 200:
        assert r.json()["pack"] == GRADUATION
    else:
        body = _problem(r, 422)
        assert body["field"].startswith("facts")


# -- batch, why-not, replay ---------------------------------------------------------------


def test_batch_equals_the_column_engine(client: httpx.Client) -> None:
    """POST /v1/check/graduation/batch gives each row's 4.3.5 outcome and the counts, in
    a batch summary that validates against ``batch-summary``."""
    rows = [{"listed": True}, {"revenue": "1"}, {}, {"revenue": "12000000", "profit": "3000000"}]
    r = client.post("/v1/check/graduation/batch", json={"facts": rows, "on": ON})
    assert r.status_code == 200, r.text
    body = r.json()
    jsonschema.validate(body, batch_summary_schema())
    result = check_batch(GRADUATION, columns_from(rows), on=dt.date(2026, 1, 1))
    assert body["outcomes"] == [result.CODES[int(c)].value for c in result.outcome]
    assert body["summary"] == result.summary()
    assert body["rows"] == 4
    docs = [to_dict(i) for i in demo_incubatees()]
    r = client.post("/v1/check/graduation/batch", json={"documents": docs, "on": ON})
    assert r.json()["outcomes"] == [
        sep.check_graduation(i, on=dt.date(2026, 1, 1)).outcome.value for i in demo_incubatees()
    ]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"facts": [{}, {"revenue": "abc"}]}, "facts[1].revenue"),
        ({"facts": [{}, 3]}, "facts[1]"),
        ({"facts": {}}, "facts"),
        ({"documents": [{"id": "x"}]}, "documents[0]"),
        ({"facts": [{}] * (MAX_BATCH_ROWS + 1)}, "facts"),
        ({}, ""),
    ],
)
def test_batch_refuses_bad_rows(client: httpx.Client, body: dict[str, Any], field: str) -> None:
    """A bad row is a 422 naming it (``facts[1].revenue``, 4.3.5(c)); so are too many rows."""
    r = client.post("/v1/check/graduation/batch", json=body)
    problem = _problem(r, 422)
    assert problem["field"].startswith(field), problem


def test_why_not_gives_the_librarys_change_sets(client: httpx.Client) -> None:
    """POST /v1/why-not/graduation lists the smallest changes to meet 4.3.5."""
    facts = {"revenue": "8200000", "profit": "2000000", "listed": False}
    r = client.post("/v1/why-not/graduation", json={"facts": facts, "on": ON})
    assert r.status_code == 200, r.text
    decision = check(GRADUATION, facts, on=dt.date(2026, 1, 1))
    expected = [[c.to_dict() for c in s] for s in decision.why_not()]
    assert json.loads(json.dumps(r.json()["why_not"])) == json.loads(json.dumps(expected))
    assert r.json()["outcome"] == decision.outcome.value


def test_replay_and_verify_a_record(client: httpx.Client) -> None:
    """A decision record replays to its digest and verifies; a tampered one does not."""
    record = _library(GRADUATION, {"revenue": "12000000", "listed": False}, on=dt.date(2026, 1, 1))
    r = client.post("/v1/decisions/replay", json=record)
    assert r.status_code == 200, r.text
    assert r.json()["digest"] == record["digest"]
    v = client.post("/v1/decisions/verify", json=record).json()
    assert v["verified"] is True and v["replayed_digest"] == record["digest"]
    record["inputs"]["listed"] = True
    v = client.post("/v1/decisions/verify", json=record).json()
    assert v["verified"] is False and v["replayed_outcome"] == "met"


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"pack": "/tmp/rules.toml"}, "pack"),
        ({"as_of": "yesterday"}, "as_of"),
        ({"parameters": "none"}, "parameters"),
        ({"parameters": [{"name": "revenue_min"}]}, "parameters[0].since"),
        ({"inputs": {"revenue": "abc"}}, "revenue"),
    ],
)
def test_replay_refuses_bad_records(
    client: httpx.Client, change: dict[str, Any], field: str
) -> None:
    """A record naming a file as its pack, or of the wrong shape, is a 422 naming the field."""
    record = _library(GRADUATION, {"revenue": "12000000"}, on=dt.date(2026, 1, 1))
    record.update(change)
    for path in ("/v1/decisions/replay", "/v1/decisions/verify"):
        problem = _problem(client.post(path, json=record), 422)
        assert problem["field"] == field or problem["field"].endswith(field), problem


# -- audit --------------------------------------------------------------------------------


def test_audit_in_json_markdown_and_html(client: httpx.Client) -> None:
    """POST /v1/audit gives the 4.1–4.3.7 report as JSON, Markdown (``format``) or HTML
    (Accept), equal to the library's."""
    platform = annex_c_platform(portfolio=False)
    body = {"platform": to_dict(platform), "on": "2020-09-30"}
    report = sep.audit(platform, on=dt.date(2020, 9, 30))
    r = client.post("/v1/audit", json=body)
    assert r.status_code == 200, r.text
    assert r.json() == json.loads(report.to_json())
    jsonschema.validate(r.json(), audit_report_schema())
    r = client.post("/v1/audit", params={"format": "markdown", "lang": "zh"}, json=body)
    assert r.headers["content-type"].startswith("text/markdown")
    assert r.text == report.to_markdown("zh")
    r = client.post("/v1/audit", headers={"accept": "text/html"}, json=body)
    assert r.headers["content-type"].startswith("text/html")
    assert r.text == report.to_html("en")


@pytest.mark.parametrize(
    ("query", "body", "field"),
    [
        ({"format": "pdf"}, {"platform": {}}, "format"),
        ({"lang": "fr"}, {"platform": {}}, "lang"),
        ({}, {}, "platform"),
        ({}, {"platform": {"name": 5}}, "platform"),
        ({}, {"platform": "p", "on": "x"}, "platform"),
        ({}, {"platform": None, "parameters": {"service_max_age_days": 0}}, "platform"),
    ],
)
def test_audit_refuses_bad_requests(
    client: httpx.Client, query: dict[str, str], body: dict[str, Any], field: str
) -> None:
    """A bad format, language or platform document is a 422 problem naming the field."""
    problem = _problem(client.post("/v1/audit", params=query, json=body), 422)
    assert problem["field"].startswith(field), problem


def test_audit_parameters_are_checked(client: httpx.Client) -> None:
    """The audit's own thresholds (4.2.6, 4.3.7-b) must be whole days in range."""
    platform = to_dict(annex_c_platform(portfolio=False))
    for bad in ({"service_max_age_days": 0}, {"evaluation_grace_days": "9"}, {"other": 1}):
        r = client.post("/v1/audit", json={"platform": platform, "parameters": bad})
        assert _problem(r, 422)["field"].startswith("parameters")


def _evaluated_platform() -> Platform:
    """The Annex C platform with a portfolio its 4.3.7-d scheme can score (2019 figures)."""
    portfolio = tuple(
        Incubatee(
            id=f"inc-{k}",
            name=f"Startup {k}",
            origin=Origin.EXTERNAL,
            valuation=Money(150_000_000),
            financials=(PeriodFinancials(Period(2019), revenue=Money(15_000_000)),),
        )
        for k in range(60)
    )
    return attrs.evolve(
        annex_c_platform(portfolio=False),
        incubatees=portfolio,
        evaluation_scheme="sep-example-2020",
    )


# One evaluation cycle's inputs (4.3.7-b), as the audit's own tests build them.
_cycle = _audit_inputs


_PLAN = ImprovementPlan(
    ScoringModule.SUSTAINABILITY,
    Period(2019),
    [StaffMember("Prof. Zhao", StaffOrigin.EXTERNAL)],
    "cut costs",
)


@pytest.mark.parametrize(
    ("profit", "plans", "b", "c"),
    [
        (6_000_000, [], Status.SATISFIED, Status.SATISFIED),
        (-50_000_000, [], Status.NOT_SATISFIED, Status.NOT_SATISFIED),
        (-50_000_000, [_PLAN], Status.NOT_SATISFIED, Status.SATISFIED),
    ],
)
def test_audit_with_evaluation_history_decides_4_3_7_b_and_c(
    client: httpx.Client, profit: int, plans: list[ImprovementPlan], b: Status, c: Status
) -> None:
    """With the platform's evaluation cycles and improvement plans, the audit decides
    4.3.7-b (every module and the total pass) and 4.3.7-c (a plan for each failing module)
    instead of leaving them unknown, and answers exactly the library's report."""
    platform = _evaluated_platform()
    on = dt.date(2020, 9, 30)
    history = EvaluationHistory().evaluate(platform, _cycle(2019, profit))
    for plan in plans:
        history = history.add_plan(plan)
    report = sep.audit(platform, on=on, history=history)
    assert (report.status_of("4.3.7-b"), report.status_of("4.3.7-c")) == (b, c)
    body = {
        "platform": to_dict(platform),
        "on": on.isoformat(),
        "history": {
            "cycles": [to_dict(_cycle(2019, profit))],
            "plans": [to_dict(p) for p in plans],
        },
    }
    r = client.post("/v1/audit", json=body)
    assert r.status_code == 200, r.text
    assert r.json() == json.loads(report.to_json())
    jsonschema.validate(r.json(), audit_report_schema())
    without = client.post("/v1/audit", json={k: v for k, v in body.items() if k != "history"})
    rows = {row["clause"]: row["status"] for row in without.json()["rows"]}
    assert rows["4.3.7-b"] == rows["4.3.7-c"] == "unknown"


def _history_body(**history: Any) -> dict[str, Any]:
    return {
        "platform": to_dict(_evaluated_platform()),
        "on": "2020-09-30",
        "history": {"cycles": [to_dict(_cycle(2019, -50_000_000))], **history},
    }


@pytest.mark.parametrize(
    ("change", "field", "clause"),
    [
        ({"history": []}, "history", None),
        ({"history": {"cycle": []}}, "history.cycle", None),
        ({"history": {"cycles": {}}}, "history.cycles", None),
        ({"history": {"cycles": [7]}}, "history.cycles[0]", None),
        ({"history": {"cycles": [{"period": "2019Q1"}]}}, "history.cycles[0].period", None),
        ({"history": {"cycles": [{"period": "2019", "years": 0}]}},
         "history.cycles[0].years", None),
        ({"history": {"cycles": [{"period": "2019", "founder_technical": 101}]}},
         "history.cycles[0].founder_technical", None),
        ({"history": {"cycles": [{"period": "2019"}, {"period": "2019"}]}},
         "history.cycles[1].period", "4.3.7-b"),
        ({"history": {"cycles": [{"period": "2019"}], "scheme": "scheme.toml"}},
         "history.scheme", "4.3.7-d"),
        ({"history": {"cycles": [{"period": "2019"}] * 201}}, "history.cycles", None),
    ],
)  # fmt: skip
def test_audit_refuses_a_bad_history(
    client: httpx.Client, change: dict[str, Any], field: str, clause: str | None
) -> None:
    """A history that sep's readers refuse (not an object, an unknown key, a cycle that is
    not CycleInputs, cycles out of order, an unknown scheme, too many cycles) is a 422
    problem naming the field path, and the clause where sep gives one."""
    body = {**_history_body(), **change}
    problem = _problem(client.post("/v1/audit", json=body), 422)
    assert problem["field"] == field, problem
    if clause is not None:
        assert problem["clause"] == clause, problem


def test_audit_refuses_plans_sep_refuses(client: httpx.Client) -> None:
    """4.3.7-c: a plan for a module that did not fail, or written by an insider, is refused
    naming the plan's field."""
    passing = {**_history_body(), "history": {"cycles": [to_dict(_cycle(2019, 6_000_000))]}}
    passing["history"]["plans"] = [to_dict(_PLAN)]
    problem = _problem(client.post("/v1/audit", json=passing), 422, clause="4.3.7-c")
    assert problem["field"] == "history.plans[0].module"
    insider = to_dict(_PLAN)
    insider["authors"][0]["origin"] = "internal"
    problem = _problem(client.post("/v1/audit", json=_history_body(plans=[insider])), 422)
    assert problem["field"].startswith("history.plans[0].authors"), problem


def test_audit_never_reads_a_scheme_file_named_by_the_client(client: httpx.Client) -> None:
    """4.3.7-d: a platform naming a scheme file (not a shipped scheme) is refused before
    anything is read, so a client cannot make the service open its files."""
    platform = to_dict(_evaluated_platform())
    for name in ("/etc/passwd.toml", "../pyproject.toml", "scheme.yaml", "sep-example"):
        platform["evaluation_scheme"] = name
        problem = _problem(
            client.post("/v1/audit", json={"platform": platform}),
            422,
            field="platform.evaluation_scheme",
            clause="4.3.7-d",
        )
        assert problem["value"] == name


# -- lifecycle ----------------------------------------------------------------------------


def _new_file() -> dict[str, Any]:
    doc: dict[str, Any] = to_dict(Incubatee(id="h-1", name="Leishen", origin=Origin.INTERNAL))
    return doc


def test_lifecycle_definition_and_state(client: httpx.Client) -> None:
    """GET /v1/lifecycle gives the 4.3.2 process; /state gives a document's state,
    allowed triggers and version (its ETag)."""
    definition = client.get("/v1/lifecycle").json()
    assert definition["initial"] == "applied"
    assert any(t["trigger"] == "create_archive" for t in definition["transitions"])
    r = client.post("/v1/lifecycle/state", json={"incubatee": _new_file()})
    assert r.status_code == 200, r.text
    version = document_version(from_dict(Incubatee, _new_file()))
    assert r.json() == {
        "state": "applied",
        "triggers": ["start_screening", "withdraw"],
        "records": 0,
        "version": version,
    }
    assert r.headers["etag"] == f'"{version}"'


def test_fire_returns_the_new_document_and_refuses_stale_files(client: httpx.Client) -> None:
    """Firing 4.3.2 triggers returns the new document with one more history record and a
    new ETag; an If-Match naming another version is a 412 and nothing is fired."""
    doc = _new_file()
    etag = client.post("/v1/lifecycle/state", json={"incubatee": doc}).headers["etag"]
    body = {"incubatee": doc, "trigger": "start_screening", "actor": "desk",
            "at": "2026-01-05T09:00:00+08:00"}  # fmt: skip
    r = client.post("/v1/lifecycle/fire", json=body, headers={"if-match": etag})
    assert r.status_code == 200, r.text
    fired = r.json()
    jsonschema.validate(fired["incubatee"], incubatee_file_schema())
    assert fired["state"] == "screening"
    assert fired["incubatee"]["process"]["history"][0]["trigger"] == "start_screening"
    assert fired["previous_version"] == etag.strip('"')
    new_etag = r.headers["etag"]
    assert new_etag != etag and new_etag == f'"{fired["version"]}"'
    assert fired["version"].startswith("1-")
    # the caller's old copy, sent with the version it has since seen: refused
    stale = client.post("/v1/lifecycle/fire", json=body, headers={"if-match": new_etag})
    problem = _problem(stale, 412, clause="4.3.2")
    assert "older" in problem["detail"]
    # the new document with the old version: refused too
    again = {**body, "incubatee": fired["incubatee"], "trigger": "withdraw"}
    _problem(client.post("/v1/lifecycle/fire", json=again, headers={"if-match": etag}), 412)
    ok = client.post("/v1/lifecycle/fire", json=again, headers={"if-match": new_etag})
    assert ok.status_code == 200 and ok.json()["state"] == "withdrawn"
    jsonschema.validate(ok.json()["incubatee"], incubatee_file_schema())
    assert len(ok.json()["incubatee"]["process"]["history"]) == 2


@pytest.mark.parametrize(
    ("change", "status", "expected"),
    [
        ({"trigger": "create_archive"}, 409, {"trigger": "create_archive", "state": "applied"}),
        ({"trigger": "fly"}, 409, {"trigger": "fly"}),
        ({"trigger": 3}, 422, {"field": "trigger"}),
        ({"at": "2026-01-05T09:00:00"}, 422, {"field": "at"}),
        ({"args": {"colour": "red"}}, 422, {"field": "colour"}),
        ({"args": {"actor": "x"}}, 422, {"field": "args.actor"}),
        ({"actor": ""}, 422, {"field": "actor", "clause": "4.3.2"}),
        ({"incubatee": {"id": "x"}}, 422, {}),
        ({"incubatee": None}, 422, {"field": "incubatee"}),
        ({"extra": 1}, 422, {"field": "extra"}),
    ],
)
def test_fire_refuses_bad_requests(
    client: httpx.Client, change: dict[str, Any], status: int, expected: dict[str, Any]
) -> None:
    """A trigger not allowed from the state is a 409 naming trigger and state (4.3.2);
    bad arguments, times and documents are 422 problems naming the field."""
    body = {"incubatee": _new_file(), "trigger": "start_screening", **change}
    _problem(client.post("/v1/lifecycle/fire", json=body), status, **expected)


def test_verify_accepts_a_digest_of_the_earlier_scheme(client: httpx.Client) -> None:
    """A record with an untagged digest of the earlier scheme still verifies over HTTP, as
    in the library (4.3.5); replaying it gives the tagged canonical digest."""
    from tests.test_digest import _old_style

    record = _library(GRADUATION, {"revenue": "12000000", "listed": False}, on=dt.date(2026, 1, 1))
    canonical = record["digest"]
    record["digest"] = _old_style(record)
    v = client.post("/v1/decisions/verify", json=record).json()
    assert v["verified"] is True and v["replayed_digest"] == canonical
    record["inputs"]["listed"] = True
    assert client.post("/v1/decisions/verify", json=record).json()["verified"] is False


def test_fire_verifies_decision_records_and_resources(client: httpx.Client) -> None:
    """A decision sent as a trigger argument is replayed: a forged record is refused
    (4.3.3); a bad platform resource names its field (4.3.6)."""
    screening = client.post(
        "/v1/lifecycle/fire",
        json={"incubatee": _new_file(), "trigger": "start_screening"},
    ).json()["incubatee"]
    forged = _library(GRADUATION, {"listed": True}, on=dt.date(2026, 1, 1))
    forged["digest"] = "0" * 64
    r = client.post(
        "/v1/lifecycle/fire",
        json={"incubatee": screening, "trigger": "admit",
              "args": {"decision": forged, "agreement": "A-1"}},
    )  # fmt: skip
    _problem(r, 422, field="args.decision.digest")
    r = client.post(
        "/v1/lifecycle/fire",
        json={"incubatee": screening, "trigger": "grant_resource", "args": {"resource": {}}},
    )
    assert _problem(r, 422)["field"].startswith("args.resource")


# -- the command ---------------------------------------------------------------------------


def test_sep_serve_runs_the_service_on_loopback() -> None:
    """``sep serve --host 127.0.0.1 --port N`` starts uvicorn with the service; it answers
    a 4.3.5 check over HTTP and stops on a signal."""
    import subprocess
    import sys

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    proc = subprocess.Popen(
        [sys.executable, "-m", "sep", "serve", "--host", "127.0.0.1", "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                r = httpx.post(
                    f"http://127.0.0.1:{port}/v1/check/graduation",
                    json={"facts": {"listed": True}},
                    timeout=2,
                )
                break
            except httpx.TransportError:
                if time.monotonic() > deadline or proc.poll() is not None:
                    raise
                time.sleep(0.1)
        assert r.status_code == 200
        assert r.json()["outcome"] == "met"
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def test_sep_serve_refuses_a_bad_time_limit(capsys: pytest.CaptureFixture[str]) -> None:
    """A time limit out of range is refused with exit status 2 before anything listens."""
    from sep._cli import main

    assert main(["serve", "--time-limit", "0"]) == 2
    assert "time_limit" in capsys.readouterr().err


# -- fuzz: one field of a valid request replaced by junk ------------------------------------

_JUNK = st.sampled_from(
    [None, True, 0, -1, 10**30, "", "x", "1,5", "2026-13-01", [], {}, [1], {"a": 1}, "\u0000"]
)


def _valid_bodies() -> dict[str, dict[str, Any]]:
    record = sep.check_graduation({"listed": True}, on=dt.date(2026, 1, 1)).to_dict()
    return {
        "/v1/check/graduation": {"document": _incubatee_doc(), "params": {"revenue_min": "1"},
                                 "on": ON},
        "/v1/check/eligibility/batch": {"facts": [{"size_class": "large"}], "on": ON},
        "/v1/why-not/evaluation": {"facts": {"score_total": 50}, "on": ON},
        "/v1/screen": {"rubric": copy.deepcopy(RUBRIC), "scores": _scores(),
                       "params": {"min_reviewers": 2}, "applicants": ["z"]},
        "/v1/decisions/verify": record,
        "/v1/audit": {"platform": to_dict(annex_c_platform(portfolio=False)), "on": ON,
                      "history": {"cycles": [to_dict(_cycle(2019, -50_000_000)),
                                             to_dict(_cycle(2020, 6_000_000))],
                                  "plans": [to_dict(_PLAN)], "scheme": "sep-example-2020"}},
        "/v1/lifecycle/fire": {"incubatee": _new_file(), "trigger": "start_screening",
                               "args": {"decision": record, "resource": {}, "on": ON,
                                        "committee": ["a"], "reference": "R-1"}},
    }  # fmt: skip


def _paths(node: Any, prefix: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    yield prefix
    if isinstance(node, dict):
        for key, value in node.items():
            yield from _paths(value, (*prefix, key))
    elif isinstance(node, list):
        for i, value in enumerate(node[:2]):
            yield from _paths(value, (*prefix, i))


@settings(max_examples=60)
@given(data=st.data())
def test_no_mutated_request_gives_a_server_error(client: httpx.Client, data: st.DataObject) -> None:
    """A valid request to any endpoint with one field (at any depth) replaced by junk, or
    a lifecycle trigger swapped (4.3.2, 4.3.6), is answered 200 or a 4xx problem, never 5xx."""
    bodies = _valid_bodies()
    path = data.draw(st.sampled_from(sorted(bodies)))
    body = bodies[path]
    where = data.draw(st.sampled_from([p for p in _paths(body) if p]))
    target: Any = body
    for key in where[:-1]:
        target = target[key]
    target[where[-1]] = data.draw(_JUNK)
    if path.endswith("/fire") and isinstance(body, dict):
        body["trigger"] = data.draw(
            st.sampled_from(["admit", "reject", "grant_resource", "return_resource",
                             "issue_certificate", "refer_to_committee", "create_archive"])
        )  # fmt: skip
    r = client.post(path, json=body)
    assert r.status_code < 500, r.text[:300]
    if r.status_code >= 400:
        _problem(r, r.status_code)


# -- screening (4.3.3) and admission over HTTP -------------------------------------------

RUBRIC = {"items": [{"id": "team", "en": "Team"}, {"id": "market", "en": "Market", "weight": 2}]}


def _scores() -> list[dict[str, Any]]:
    marks = {("x", "harsh"): (2, 3), ("y", "harsh"): (5, 6), ("x", "kind"): (7, 6),
             ("y", "kind"): (10, 9)}  # fmt: skip
    return [
        {"applicant": a, "reviewer": r, "marks": {"team": t, "market": m}, "reason": "pitch"}
        for (a, r), (t, m) in marks.items()
    ]


def test_screen_then_admit_with_the_screening_record(client: httpx.Client) -> None:
    """POST /v1/screen decides a cohort as sep.lifecycle.screen does (4.3.3); the met
    applicant's decision record, sent back as ``args.decision``, admits its file."""
    from sep.lifecycle import Rubric, RubricItem, Score, screen

    params = {"min_reviewers": 2, "pass_mark": 55}
    body = {"rubric": RUBRIC, "scores": _scores(), "params": params, "on": ON}
    r = client.post("/v1/screen", json=body)
    assert r.status_code == 200, r.text
    got = r.json()["screenings"]
    rubric = Rubric((RubricItem("team", "Team"), RubricItem("market", "Market", weight=2)))
    scores = [Score(s["applicant"], s["reviewer"], s["marks"], s["reason"]) for s in _scores()]
    expected = screen(rubric, scores, params=params, on=dt.date(2026, 1, 1))
    assert {a: g["decision"]["outcome"] for a, g in got.items()} == {
        a: s.decision.outcome.value for a, s in expected.items()
    }
    assert got["y"]["decision"]["digest"] == expected["y"].decision.digest
    assert got["y"]["decision"]["outcome"] == "met"
    screening = client.post(
        "/v1/lifecycle/fire", json={"incubatee": _new_file(), "trigger": "start_screening"}
    ).json()["incubatee"]
    admitted = client.post(
        "/v1/lifecycle/fire",
        json={"incubatee": screening, "trigger": "admit",
              "args": {"decision": got["y"]["decision"], "agreement": "IA-1"}},
    )  # fmt: skip
    assert admitted.status_code == 200, admitted.text
    assert admitted.json()["state"] == "admitted"
    record = admitted.json()["record"]
    assert record["decision"]["digest"] == got["y"]["decision"]["digest"]
    refused = client.post(
        "/v1/lifecycle/fire",
        json={"incubatee": screening, "trigger": "admit",
              "args": {"decision": got["x"]["decision"], "agreement": "IA-1"}},
    )  # fmt: skip
    _problem(refused, 409, trigger="admit", state="screening", clause="4.3.3")


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"rubric": {"items": []}}, "rubric.items"),
        ({"rubric": {"items": [{"id": "team", "en": "Team", "weight": 0}]}}, "rubric.items[0]"),
        ({"rubric": {"items": [{"id": "team", "en": "Team", "weight": "abc"}]}},
         "rubric.items[0].weight"),
        ({"rubric": {"items": [{"id": "team", "en": "Team", "weight": True}]}},
         "rubric.items[0].weight"),
        ({"rubric": {"items": [{"id": 3, "en": "Team"}]}}, "rubric.items[0].id"),
        ({"rubric": None}, "rubric"),
        ({"scores": None}, "scores"),
        ({"scores": [{"applicant": "x", "reviewer": "r", "marks": {"team": 11, "market": 1},
                      "reason": "p"}]}, "scores[0].marks.team"),
        ({"scores": [{"applicant": "", "reviewer": "r", "marks": {"team": 1, "market": 1},
                      "reason": "p"}]}, "scores[0].applicant"),
        ({"applicants": [1]}, "applicants"),
        ({"params": {"pass_mark": "high"}}, "params.pass_mark"),
    ],
)  # fmt: skip
def test_screen_refuses_bad_cohorts(
    client: httpx.Client, change: dict[str, Any], field: str
) -> None:
    """A bad rubric, mark, applicant or parameter is a 422 naming its field (4.3.3)."""
    body = {"rubric": RUBRIC, "scores": _scores(), **change}
    problem = _problem(client.post("/v1/screen", json=body), 422)
    assert problem["field"].startswith(field), problem
