"""Batch summaries and incubatee files validate against the schemas ``sep`` publishes.

Integrators validate a batch run's summary (3.1/4.2.1, 4.3.5, 4.3.7-b over many rows)
against ``sep schema batch-summary`` and an incubatee's saved file (4.3.2, 4.3.6) against
``sep schema incubatee-file``. Generated batches and random walks through the incubation
process write documents that must validate; and because sep reads an incubatee file back
(:meth:`~sep.lifecycle.IncubationProcess.open`), a file the schema refuses must be refused
by that reader too: the schema never promises more than sep keeps.
"""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter
from decimal import Decimal
from typing import Any

import attrs
import jsonschema
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sep._written import (
    WRITTEN_SCHEMAS,
    audit_report_schema,
    batch_summary,
    decision_schema,
)
from sep.domain import Incubatee, Origin, PlatformResource, from_json, to_dict, to_json
from sep.errors import SepError, TransitionError, ValidationError
from sep.evaluation import (
    batch_summary_schema,
    builtin_pack,
    builtin_packs,
    check,
    check_batch,
    check_graduation,
    columns_from,
)
from sep.lifecycle import (
    IncubationFile,
    IncubationProcess,
    Rubric,
    RubricItem,
    Score,
    incubatee_file_schema,
    screen,
    standard_definition,
)
from tests.strategies import incubatee_s, mutated_json
from tests.test_schema_truth import dumps
from tests.test_written_schemas import _leaf_values

pytestmark = pytest.mark.clause("3.1", "4.2.1", "4.3.2", "4.3.5", "4.3.6", "4.3.7-b")

ON = dt.date(2026, 1, 1)
BATCH = jsonschema.Draft202012Validator(batch_summary_schema())
FILE = jsonschema.Draft202012Validator(
    incubatee_file_schema(), format_checker=jsonschema.FormatChecker()
)


def _errors(validator: jsonschema.Draft202012Validator, document: Any) -> list[str]:
    return [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(document)]


def test_the_registry_names_every_written_document() -> None:
    """WRITTEN_SCHEMAS holds the four documents sep writes, each a valid draft 2020-12
    schema with its own title; the older names still build the same schemas."""
    assert sorted(WRITTEN_SCHEMAS) == [
        "audit-report",
        "batch-summary",
        "decision",
        "incubatee-file",
    ]
    titles = set()
    for build in WRITTEN_SCHEMAS.values():
        schema = build()
        jsonschema.Draft202012Validator.check_schema(schema)
        titles.add(schema["title"])
    assert len(titles) == 4
    assert WRITTEN_SCHEMAS["decision"]() == decision_schema()
    assert WRITTEN_SCHEMAS["audit-report"]() == audit_report_schema()


# -- batch summaries ------------------------------------------------------------------------


@settings(deadline=None)
@given(data=st.data(), pack_id=st.sampled_from(sorted(builtin_packs())))
def test_every_batch_summary_validates(data: st.DataObject, pack_id: str) -> None:
    """Any batch of any shipped pack (0–12 rows of any facts): its summary validates, has
    one outcome per row, counts that add up to them, and each row's outcome is the
    direct evaluator's."""
    values = _leaf_values(pack_id)
    row = st.sets(st.sampled_from(sorted(values))).flatmap(
        lambda names: st.fixed_dictionaries({n: values[n] for n in sorted(names)})
    )
    rows = data.draw(st.lists(row, max_size=12))
    pack = builtin_pack(pack_id)
    result = check_batch(pack, columns_from(rows, pack), on=ON)
    document = json.loads(json.dumps(batch_summary(result)))
    assert not _errors(BATCH, document), _errors(BATCH, document)[:5]
    assert document["rows"] == len(document["outcomes"]) == len(rows)
    counts = Counter(document["outcomes"])
    assert document["summary"]["outcome"] == {k: counts[k] for k in ("met", "not_met", "unknown")}
    for criterion, tally in document["summary"].items():
        assert sum(tally.values()) == len(rows), criterion
    for facts, outcome in zip(rows[:3], document["outcomes"], strict=False):
        assert check(pack, facts, on=ON).outcome.value == outcome


def test_the_batch_schema_refuses_what_sep_never_writes() -> None:
    """A summary without its counts, with an outcome sep never writes or a negative count
    is refused, so the schema is not a blank cheque."""
    result = check_batch(builtin_pack("t-cate-0001-2020/graduation"), {"listed": [True]}, on=ON)
    good = batch_summary(result)
    assert BATCH.is_valid(good)
    assert not BATCH.is_valid({k: v for k, v in good.items() if k != "summary"})
    assert not BATCH.is_valid({**good, "outcomes": ["maybe"]})
    assert not BATCH.is_valid({**good, "summary": {"outcome": {"met": -1, "not_met": 0,
                                                               "unknown": 0}}})  # fmt: skip
    assert not BATCH.is_valid({**good, "summary": {}})


# -- incubatee files -------------------------------------------------------------------------

GRADUATION_DECISIONS = [
    check_graduation({"acquired_by_founder": True}, on=ON),
    check_graduation({"listed": True}, on=ON),
    check_graduation({"largest_financing_round": "60000000"}, on=ON),
    check_graduation({}, on=ON),
]
_SCREENED = screen(
    Rubric((RubricItem("team", "Team"),)),
    [
        Score(a, r, {"team": m}, f"{r}: {a}")
        for a, m in (("good", 9), ("weak", 1))
        for r in ("r1", "r2", "r3")
    ],
    on=ON,
)
START = dt.datetime(2024, 1, 1, tzinfo=dt.UTC)
#: Mostly plain incubatees (the walk is what varies); now and then any valid one.
incubatees = (
    st.builds(
        Incubatee,
        id=st.sampled_from(["h-1", "初创-2"]),
        name=st.sampled_from(["Leishen", "雷神"]),
        origin=st.sampled_from(list(Origin)),
    )
    | incubatee_s()
)
_ENDINGS = {"withdraw", "terminate", "reject"}
reasons = st.sampled_from([None, "board decision", "term expired"])


def _arguments(trigger: str, file: IncubationFile, data: st.DataObject) -> dict[str, Any]:
    """Plausible arguments for ``trigger``: the walks reach every part of the process."""
    draw = data.draw
    if trigger == "admit":
        return {"decision": draw(st.sampled_from([_SCREENED["good"], _SCREENED["weak"]])),
                "agreement": "AG-1"}  # fmt: skip
    if trigger == "reject":
        return {"decision": _SCREENED["weak"].decision, "reason": draw(reasons)}
    if trigger in ("refer_to_committee", "issue_certificate") and file.state != "committee_review":
        return {"decision": draw(st.sampled_from(GRADUATION_DECISIONS))}
    if trigger in ("issue_certificate", "issue_non_completion_notice"):
        return {"committee": ["Wang", "Li"], "reason": draw(reasons)}
    if trigger == "grant_resource":
        n = draw(st.integers(0, 2))
        return {"resource": PlatformResource(id=f"res-{n}", kind="desk")}
    if trigger == "return_resource":
        held = [r.id for r in file.held_resources] or ["nothing"]
        return {"resource_id": draw(st.sampled_from(held))}
    if trigger == "issue_attestation":
        return {"reference": "AT-1"}
    if trigger == "create_archive":
        return {"reference": "AR-1", "documents": ["certificate", "attestation"]}
    if trigger in ("terminate", "record_follow_up", "withdraw"):
        return {"reason": draw(reasons)}
    return {}


def _walk(data: st.DataObject, steps: int) -> tuple[IncubationFile, list[dict[str, Any]]]:
    """A new file driven by ``steps`` legal triggers (those the file allows), with the
    document written after each step that was recorded."""
    incubatee = data.draw(incubatees)
    process = IncubationProcess()
    file = process.open(attrs.evolve(incubatee, process=None, archive=None))
    documents = [json.loads(to_json(file.incubatee))]
    for _ in range(steps):
        allowed = file.triggers()
        if not allowed:
            break
        # Withdrawal and termination end a walk; pick them now and then, so most walks
        # go on towards graduation (4.3.6) and tracking.
        onward = sorted(set(allowed) - _ENDINGS) or sorted(allowed)
        trigger = data.draw(st.sampled_from(onward if data.draw(st.integers(0, 7)) else allowed))
        at = (file.history[-1].at if file.history else START) + dt.timedelta(days=30)
        try:
            file.fire(trigger, at=at, **_arguments(trigger, file, data))
        except (TransitionError, ValidationError):
            continue  # a guard refused (4.3.3 screening failed, 4.3.6 review needed, ...)
        documents.append(json.loads(to_json(file.incubatee)))
    return file, documents


@settings(deadline=None)
@given(data=st.data(), steps=st.integers(1, 20))
def test_every_incubatee_file_validates(data: st.DataObject, steps: int) -> None:
    """After every step of a random legal trigger sequence, the file sep writes validates,
    and reading it back gives the same state and history."""
    file, documents = _walk(data, steps)
    for document in documents:
        assert not _errors(FILE, document), _errors(FILE, document)[:5]
    last = documents[-1]
    assert last["process"]["state"] == file.state
    assert len(last["process"]["history"]) == len(file.history) == len(documents) - 1
    again = IncubationProcess().open(from_json(Incubatee, json.dumps(last)))
    assert again.state == file.state and again.history == file.history


def _reader_refuses(document: Any) -> bool:
    """sep's reader of a saved file: the incubatee's JSON, then the process opening it."""
    try:
        IncubationProcess().open(from_json(Incubatee, dumps(document)))
    except SepError:
        return True
    return False


STATES = list(standard_definition().state_names)
TRIGGERS = sorted(standard_definition().triggers)
_names = st.sampled_from([*STATES, *TRIGGERS, "Applied", "graduate", "", "x"])


@settings(deadline=None)
@given(data=st.data(), steps=st.integers(1, 10))
def test_a_file_the_schema_refuses_is_refused_by_seps_reader(
    data: st.DataObject, steps: int
) -> None:
    """A saved file with one change anywhere (a value replaced, by a state or trigger name
    among others, a key dropped or added, an item repeated): whenever the schema refuses
    it, IncubationProcess.open refuses it too (4.3.2: state and history are sep's)."""
    _, documents = _walk(data, steps)
    document = data.draw(st.sampled_from(documents))
    mutated = data.draw(mutated_json(document, leaves=_names))
    if not FILE.is_valid(json.loads(dumps(mutated), parse_float=Decimal)):
        assert _reader_refuses(mutated), (_errors(FILE, mutated)[:3], mutated.get("process"))


@pytest.mark.parametrize(
    ("path", "value"),
    [
        (("process", "state"), "graduate"),
        (("process", "state"), "Applied"),
        (("process", "history", 0, "trigger"), "admitted"),
        (("process", "history", 0, "to_state"), "screened"),
        (("process", "history", 0, "from_state"), ""),
    ],
)
def test_state_and_trigger_names_outside_the_process_are_refused_by_both(
    path: tuple[Any, ...], value: str
) -> None:
    """A state or trigger the standard process does not have is refused by the schema and
    by sep's reader alike (4.3.2)."""
    process = IncubationProcess()
    file = process.open(Incubatee(id="h-1", name="Leishen", origin=Origin.INTERNAL))
    file.fire("start_screening", at=START)
    document = to_dict(file.incubatee)
    assert FILE.is_valid(document) and not _reader_refuses(document)
    target = document
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    assert not FILE.is_valid(document)
    assert _reader_refuses(document)
