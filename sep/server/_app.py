"""The ASGI application of ``sep serve``: routes, the bounded body reader, problem documents.

Every route reads its body through :func:`_body` (size bound, media type) and, in a
worker thread under the time limit (:mod:`sep.server._work`, stopped past it), parses it
with :func:`sep._json.loads` and hands it to the library's own calls. What the library
refuses becomes a problem document (RFC 9457) through :func:`_problem_of`; nothing a
client sends reaches a traceback.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
from collections.abc import Awaitable, Callable, Mapping
from decimal import Decimal
from functools import cache
from typing import Any

from fastapi import FastAPI, Request
from fastapi.openapi.docs import get_swagger_ui_html
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.responses import HTMLResponse, Response
from starlette.staticfiles import StaticFiles

import sep
from sep._i18n import N_
from sep._json import loads
from sep._limits import MAX_JSON_BYTES
from sep._reason import R_, said
from sep._written import WRITTEN_SCHEMAS, batch_summary
from sep.domain import Enterprise, Incubatee, Platform, PlatformResource, from_dict, to_dict
from sep.errors import (
    MISSING,
    EngineError,
    EngineUnavailableError,
    RuleDefinitionError,
    SepError,
    TransitionError,
    ValidationError,
)
from sep.evaluation import Decision
from sep.evaluation._digest import digest_matches
from sep.server._work import Overtime, Workers, checkpoint

__all__ = [
    "DEFAULT_TIME_LIMIT",
    "DEFAULT_WORKERS",
    "MAX_BATCH_ROWS",
    "create_app",
    "document_version",
    "serve",
]

_log = logging.getLogger("sep.server")

#: Seconds a request may take before the service answers 503 (and stops its work).
DEFAULT_TIME_LIMIT = 10.0

#: Requests worked on at once by default (CPU-bound work shares one interpreter lock, so
#: more threads add no speed; a few keep a slow request from holding up quick ones).
DEFAULT_WORKERS = 8

#: Most worker threads a service may be given.
MAX_WORKERS = 256

#: Most evaluation cycles one audit request may carry (4.3.7-b: a cycle is a year or more).
MAX_HISTORY_CYCLES = 200

#: Most rows one batch request may carry.
MAX_BATCH_ROWS = 10_000

_QUESTIONS = ("eligibility", "graduation", "evaluation")
_LANGS = ("en", "zh")
_DOCUMENTS: dict[str, type] = {"graduation": Incubatee, "eligibility": Enterprise}
_DOMAIN_SCHEMAS: dict[str, type] = {
    "enterprise": Enterprise,
    "incubatee": Incubatee,
    "platform": Platform,
}
_PROBLEM = "application/problem+json"
#: Where the Swagger UI files of ``/docs`` are served.
_ASSETS = "/docs/assets"
_JSON = "application/json"
_AUDIT_MEDIA = {"json": _JSON, "markdown": "text/markdown", "html": "text/html"}


# -- problems ------------------------------------------------------------------------------


class _Problem(Exception):
    """A refusal the service itself makes (size, media type, precondition, time)."""

    def __init__(
        self,
        status: int,
        title: str,
        detail: str,
        *,
        kind: str,
        headers: Mapping[str, str] | None = None,
        cause: SepError | None = None,
        **extra: Any,
    ) -> None:
        super().__init__(detail)
        self.status = status
        self.title = title
        self.detail = detail
        self.kind = kind
        self.headers = dict(headers or {})
        self.cause = cause
        self.extra = extra

    def said(self, lang: str) -> str:
        """The detail in ``lang``; a refusal by ``sep`` (``cause``) says all of itself."""
        if self.cause is not None:
            return self.cause.text(lang)
        return said(self.detail, lang)


def _jsonable(value: Any) -> Any:
    if value is MISSING:
        return None
    if isinstance(value, str | int | float | bool) or value is None:
        return value
    if isinstance(value, Decimal | dt.date):
        return str(value)
    return repr(value)[:200]


def _dumps(data: Any) -> bytes:
    return json.dumps(data, ensure_ascii=False, default=_jsonable).encode("utf-8")


def _problem_response(
    status: int,
    title: str,
    detail: str,
    kind: str,
    instance: str,
    extra: Mapping[str, Any],
    headers: Mapping[str, str] | None = None,
) -> Response:
    body: dict[str, Any] = {
        "type": f"urn:sep:problem:{kind}",
        "title": title,
        "status": status,
        "detail": detail,
        "instance": instance,
    }
    body.update({k: v for k, v in extra.items() if v is not None})
    return Response(_dumps(body), status_code=status, media_type=_PROBLEM, headers=headers)


def _problem_of(err: SepError, instance: str, lang: str | None = None) -> Response:
    """The problem document of a refusal by ``sep``: its attributes, never its traceback;
    with ``?lang=`` also the clause with its title in that language (``clause_text``)."""
    extra: dict[str, Any] = {"error": type(err).__name__, "clause": err.clause}
    if lang in _LANGS:
        extra["clause_text"] = err.clause_text(lang)
        extra["reason_text"] = err.reason_text(lang)
        extra["detail_text"] = err.text(lang)
    if isinstance(err, ValidationError):
        value = err.value
        extra.update(field=err.field, reason=err.reason)
        if value is not MISSING:
            extra["value"] = _jsonable(value)
        return _problem_response(422, "Invalid input", str(err), "validation", instance, extra)
    if isinstance(err, TransitionError):
        extra.update(trigger=err.trigger, state=err.state, reason=err.reason)
        return _problem_response(409, "Transition refused", str(err), "transition", instance, extra)
    if isinstance(err, RuleDefinitionError):
        extra.update(source=err.source, key=err.key, reason=err.reason)
        return _problem_response(
            500, "Rule definition error", str(err), "rule-definition", instance, extra
        )
    if isinstance(err, EngineUnavailableError | EngineError):
        extra["engine"] = err.engine
        return _problem_response(503, "Engine unavailable", str(err), "engine", instance, extra)
    return _problem_response(500, "Error", str(err), "error", instance, extra)


# -- reading requests ----------------------------------------------------------------------


async def _body(request: Request, limit: int) -> bytes:
    """The request's body, refused past ``limit`` bytes or unless sent as JSON.

    It is parsed by :func:`_parse` in the request's worker, under its time limit, so a
    large body never holds up the event loop.
    """
    media = request.headers.get("content-type", "").split(";", 1)[0].strip().lower()
    if media != _JSON and not (media.startswith("application/") and media.endswith("+json")):
        raise _Problem(
            415,
            "Unsupported media type",
            R_(
                "send the body as {media} (got {got!r})",
                media=_JSON,
                got=media or "no content type",
            ),
            kind="media-type",
        )
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > limit:
        raise _Problem(
            413,
            "Body too large",
            R_("the body is larger than {limit} bytes", limit=limit),
            kind="too-large",
        )
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise _Problem(
                413,
                "Body too large",
                R_("the body is larger than {limit} bytes", limit=limit),
                kind="too-large",
            )
        chunks.append(chunk)
    return b"".join(chunks)


def _parse(raw: bytes) -> Any:
    """The JSON of a request body, read by ``sep``'s bounded reader; 400 when it cannot."""
    try:
        return loads(raw, what="body")
    except ValidationError as err:
        raise _Problem(
            400,
            "Malformed JSON",
            str(err),
            kind="malformed",
            cause=err,
            field=err.field,
            reason=err.reason,
            value=None if err.value is MISSING else _jsonable(err.value),
        ) from None


def _object(data: Any, field: str) -> dict[str, Any]:
    if not isinstance(data, dict):
        raise ValidationError(field, _jsonable(data), N_("must be a JSON object"))
    return data


def _only(body: Mapping[str, Any], allowed: tuple[str, ...], at: str = "") -> None:
    for key in body:
        if key not in allowed:
            field = f"{at}.{key}" if at else key
            raise ValidationError(
                field, MISSING, R_("is not a field here; use {allowed}", allowed=list(allowed))
            )


def _date(value: Any, field: str) -> dt.date | None:
    if value is None:
        return None
    if isinstance(value, str) and len(value) == 10:
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            pass
    raise ValidationError(field, _jsonable(value), N_("must be a date written YYYY-MM-DD"))


def _datetime(value: Any, field: str) -> dt.datetime | None:
    if value is None:
        return None
    if isinstance(value, str) and len(value) <= 40:
        try:
            found = dt.datetime.fromisoformat(value)
        except ValueError:
            found = None
        if found is not None and found.tzinfo is not None:
            return found
    raise ValidationError(
        field, _jsonable(value), N_("must be an ISO 8601 date and time with a UTC offset")
    )


def _lang(value: Any, field: str = "lang") -> str | None:
    if value is None or value in _LANGS:
        return None if value is None else str(value)
    raise ValidationError(field, _jsonable(value), R_("must be one of {langs}", langs=list(_LANGS)))


def _params(value: Any) -> dict[str, Any] | None:
    if value is None:
        return None
    return _object(value, "params")


def _question(question: str) -> str:
    if question not in _QUESTIONS:
        raise _Problem(
            404,
            "Not found",
            R_(
                "no question {question!r}; one of {questions}",
                question=question,
                questions=list(_QUESTIONS),
            ),
            kind="not-found",
        )
    return question


def _pack_for(question: str, value: Any) -> Any:
    """A shipped pack answering ``question``; never a file named by the client."""
    from sep.evaluation import builtin_pack, builtin_packs

    if value is None:
        return builtin_pack(f"t-cate-0001-2020/{question}")
    if not isinstance(value, str) or value not in builtin_packs():
        raise ValidationError(
            "pack",
            _jsonable(value),
            R_("unknown rule pack; one of {builtin_packs}", builtin_packs=list(builtin_packs())),
        )
    pack = builtin_pack(value)
    if pack.question != question:
        raise ValidationError(
            "pack",
            value,
            R_(
                "answers {question!r}, not {question2!r}",
                question=pack.question,
                question2=question,
            ),
            clause=pack.clause,
        )
    return pack


def _facts_of(body: Mapping[str, Any], question: str) -> tuple[str, Any]:
    """Which of ``facts``/``document`` was sent, and its named inputs."""
    has_facts, has_document = "facts" in body, "document" in body
    if has_facts == has_document:
        raise ValidationError(
            "", MISSING, N_("give exactly one of 'facts' (named inputs) or 'document'")
        )
    if has_facts:
        return "facts", _object(body["facts"], "facts")
    cls = _DOCUMENTS.get(question)
    if cls is None:
        raise ValidationError(
            "document",
            MISSING,
            R_("{question} has no domain document; send 'facts'", question=question),
        )
    try:
        document: Any = from_dict(cls, _object(body["document"], "document"))
    except ValidationError as err:
        raise (err if err.field.startswith("document") else err.at("document")) from None
    return "document", document.facts()


# -- lifecycle documents -------------------------------------------------------------------


def document_version(incubatee: Incubatee) -> str:
    """The version of an incubatee document: ``<history length>-<digest>``, used as its ETag.

    The digest is the sha256 (first 16 hex digits) of the document's canonical JSON as
    ``sep`` writes it (keys sorted, no spaces), so a reformatted file keeps its version
    and any change of content gives another.

    Example:
        >>> from sep.domain import Incubatee, Origin
        >>> v = document_version(Incubatee(id="h-1", name="Leishen", origin=Origin.INTERNAL))
        >>> v.split("-")[0], len(v.split("-")[1])
        ('0', 16)
    """
    text = json.dumps(to_dict(incubatee), sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    records = len(incubatee.process.history) if incubatee.process is not None else 0
    return f"{records}-{hashlib.sha256(text.encode('utf-8')).hexdigest()[:16]}"


def _etag(version: str) -> str:
    return f'"{version}"'


def _check_if_match(header: str | None, version: str) -> None:
    if header is None:
        return
    tags = [t.strip() for t in header.split(",") if t.strip()]
    if "*" in tags or _etag(version) in tags:
        return
    shown = ", ".join(tags) or "(empty)"
    newer = ""
    for tag in tags:
        head = tag.strip('"').split("-", 1)[0]
        if head.isdigit() and int(head) > int(version.split("-", 1)[0]):
            newer = R_(" (this file is older than the one the caller last saw)")
    raise _Problem(
        412,
        "Stale document",
        R_(
            "the incubatee document sent has version {version}, If-Match names {shown}{newer}: "
            "reload the file, its history may have moved on",
            version=version,
            shown=shown,
            newer=newer,
        ),
        kind="stale",
        clause="4.3.2",
        version=version,
    )


@cache
def _screening_pack() -> Any:
    from sep.lifecycle import screening_pack

    return screening_pack()


def _decision_arg(record: Any) -> Any:
    """A decision record sent as a trigger argument, re-evaluated; refused if it does not verify."""
    from sep.evaluation import builtin_pack, builtin_packs, replay
    from sep.lifecycle import SCREENING

    data = _object(record, "args.decision")
    pack_id = data.get("pack")
    if pack_id == SCREENING:
        pack = _screening_pack()
    elif isinstance(pack_id, str) and pack_id in builtin_packs():
        pack = builtin_pack(pack_id)
    else:
        raise ValidationError("args.decision.pack", _jsonable(pack_id), N_("unknown rule pack"))
    try:
        again = replay(data, pack=pack)
    except ValidationError as err:
        raise err.at("args.decision") from None
    if not digest_matches(again, data.get("digest")):
        raise ValidationError(
            "args.decision.digest",
            _jsonable(data.get("digest")),
            N_("the decision record does not verify: replaying it gives another digest"),
        )
    return again


def _trigger_args(args: Mapping[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for name, value in args.items():
        if name == "decision":
            out[name] = _decision_arg(value)
        elif name == "resource":
            try:
                out[name] = from_dict(PlatformResource, value)
            except ValidationError as err:
                raise err.at("args.resource") from None
        elif name == "on":
            out[name] = _date(value, "args.on")
        elif name in ("actor", "reason", "at"):
            raise ValidationError(f"args.{name}", MISSING, N_("give it at the top of the request"))
        else:
            out[name] = value
    return out


def _fire(body: Any, if_match: str | None) -> tuple[dict[str, Any], str]:
    from sep.lifecycle import IncubationProcess

    body = _object(body, "")
    _only(body, ("incubatee", "trigger", "args", "actor", "reason", "at"))
    incubatee = _incubatee(body)
    version = document_version(incubatee)
    _check_if_match(if_match, version)
    trigger = body.get("trigger")
    if not isinstance(trigger, str):
        raise ValidationError("trigger", _jsonable(trigger), N_("must be a trigger's name"))
    kwargs = _trigger_args(_object(body.get("args", {}), "args"))
    for name in ("actor", "reason"):
        if body.get(name) is not None:
            kwargs[name] = body[name]
    at = _datetime(body.get("at"), "at")
    if at is not None:
        kwargs["at"] = at
    process = IncubationProcess()
    file = process.open(incubatee)
    record = file.fire(trigger, **kwargs)
    after = file.incubatee
    new_version = document_version(after)
    return {
        "incubatee": to_dict(after),
        "record": to_dict(record),
        "state": file.state,
        "triggers": list(file.triggers()),
        "version": new_version,
        "previous_version": version,
    }, new_version


def _incubatee(body: Mapping[str, Any]) -> Incubatee:
    if "incubatee" not in body:
        raise ValidationError("incubatee", MISSING, N_("the incubatee document is required"))
    try:
        return from_dict(Incubatee, _object(body["incubatee"], "incubatee"))
    except ValidationError as err:
        if err.field.startswith("incubatee"):
            raise
        raise err.at("incubatee") from None


def _state(body: Any) -> tuple[dict[str, Any], str]:
    from sep.lifecycle import IncubationProcess

    body = _object(body, "")
    _only(body, ("incubatee",))
    incubatee = _incubatee(body)
    file = IncubationProcess().open(incubatee)
    version = document_version(incubatee)
    return {
        "state": file.state,
        "triggers": list(file.triggers()),
        "records": len(file.history),
        "version": version,
    }, version


def _lifecycle() -> dict[str, Any]:
    from sep.lifecycle import standard_definition

    definition = standard_definition()
    return {
        "initial": definition.initial,
        "states": list(definition.state_names),
        "transitions": [
            {
                "trigger": t.trigger,
                "sources": list(t.sources),
                "dest": t.dest,
                "clause": t.clause,
                "source": t.source,
                "guards": list(t.guards),
                "args": list(t.args),
            }
            for t in definition.transitions
        ],
        "mermaid": definition.to_mermaid(),
    }


# -- screening (4.3.3) --------------------------------------------------------------------


def _number(value: Any, field: str) -> Decimal:
    """A rubric number: an integer or a plain decimal (string or JSON number)."""
    if type(value) is int and abs(value) <= 10**6:
        return Decimal(value)
    if isinstance(value, Decimal) and value.is_finite() and abs(value) <= 10**6:
        return value
    if isinstance(value, str) and len(value) <= 20:
        text = value.strip()
        body = text.removeprefix("-")
        head, _, tail = body.partition(".")
        if (
            head.isdecimal()
            and head.isascii()
            and (not tail or (tail.isdecimal() and tail.isascii()))
        ):
            return Decimal(text)
    raise ValidationError(field, _jsonable(value), N_("must be a number"), clause="4.3.3")


def _text_field(data: Mapping[str, Any], name: str, at: str) -> str:
    value = data.get(name)
    if not isinstance(value, str):
        raise ValidationError(
            f"{at}.{name}", _jsonable(value), N_("must be a string"), clause="4.3.3"
        )
    return value


def _rubric(raw: Any) -> Any:
    from sep.lifecycle import Rubric, RubricItem

    data = _object(raw, "rubric")
    _only(data, ("items", "source"), "rubric")
    rows = data.get("items")
    if not isinstance(rows, list):
        raise ValidationError(
            "rubric.items", _jsonable(rows), N_("must be a JSON array"), clause="4.3.3"
        )
    items = []
    for i, row in enumerate(rows):
        at = f"rubric.items[{i}]"
        row = _object(row, at)
        _only(row, ("id", "en", "weight", "minimum", "maximum"), at)
        numbers = {
            name: _number(row[name], f"{at}.{name}")
            for name in ("weight", "minimum", "maximum")
            if name in row
        }
        items.append(RubricItem(_text_field(row, "id", at), _text_field(row, "en", at), **numbers))
    try:
        return Rubric(tuple(items), source="rubric")
    except RuleDefinitionError as err:
        raise ValidationError(f"rubric.{err.key}", MISSING, err.reason, clause=err.clause) from None


def _screen(body: Any) -> dict[str, Any]:
    from sep.lifecycle import Score, screen

    body = _object(body, "")
    _only(body, ("rubric", "scores", "applicants", "params", "on"))
    rubric = _rubric(body.get("rubric"))
    rows = body.get("scores")
    if not isinstance(rows, list):
        raise ValidationError("scores", _jsonable(rows), N_("must be a JSON array"), clause="4.3.3")
    scores = []
    for i, row in enumerate(rows):
        checkpoint()
        at = f"scores[{i}]"
        row = _object(row, at)
        _only(row, ("applicant", "reviewer", "marks", "reason"), at)
        marks = _object(row.get("marks"), f"{at}.marks")
        rubric.total(marks, field=f"{at}.marks")
        # Score itself refuses a missing or non-text applicant, reviewer or reason.
        who: Any = row.get("applicant")
        by: Any = row.get("reviewer")
        why: Any = row.get("reason")
        try:
            scores.append(Score(who, by, marks, why))
        except ValidationError as err:
            raise err.at(at) from None
    applicants = body.get("applicants", [])
    if not isinstance(applicants, list) or not all(isinstance(a, str) for a in applicants):
        raise ValidationError("applicants", _jsonable(applicants), N_("must be a list of ids"))
    result = screen(
        rubric,
        scores,
        applicants=applicants,
        params=_params(body.get("params")),
        on=_date(body.get("on"), "on"),
    )
    return {
        "screenings": {
            applicant: {
                "mean": None if s.mean is None else str(s.mean),
                "scores": [
                    {
                        "reviewer": n.score.reviewer,
                        "raw": str(n.raw),
                        "normalised": str(n.normalised),
                    }
                    for n in s.scores
                ],
                "decision": s.decision.to_dict(),
            }
            for applicant, s in result.items()
        }
    }


# -- the questions -------------------------------------------------------------------------

_CHECK_FIELDS = ("facts", "document", "params", "on", "pack", "lang", "extra")


def _decide(question: str, body: Any) -> tuple[Decision, str | None]:
    from sep.evaluation import compile_pack
    from sep.evaluation._api import _facts, _refuse_extra

    body = _object(body, "")
    _only(body, _CHECK_FIELDS)
    _refuse_extra(body.get("extra", "forbid"))
    pack = _pack_for(question, body.get("pack"))
    lang = _lang(body.get("lang"))
    where, raw = _facts_of(body, question)
    if where == "facts":
        # The library's own reader of named inputs, as check() uses: a misspelled name is
        # refused with a "did you mean" (extra="ignore" lets wider records through), never
        # read as a missing input.
        try:
            raw = _facts(raw, pack, body.get("extra", "forbid"))
        except ValidationError as err:
            raise err.at(where) from None
    evaluator = compile_pack(
        pack, params=_params(body.get("params")), on=_date(body.get("on"), "on")
    )
    try:
        facts = evaluator.facts(raw)
    except ValidationError as err:
        raise err.at(where) from None
    return Decision.of(evaluator, facts), lang


def _check(question: str, body: Any) -> dict[str, Any]:
    decision, lang = _decide(question, body)
    out = decision.to_dict()
    if lang is not None:
        out["explanation"] = decision.explain(lang)
    return out


def _why_not(question: str, body: Any) -> dict[str, Any]:
    decision, lang = _decide(question, body)
    out = {
        "pack": decision.pack,
        "outcome": decision.outcome.value,
        "digest": decision.digest,
        "missing": list(decision.missing),
        "why_not": [[c.to_dict() for c in s] for s in decision.why_not()],
    }
    if lang is not None:
        out["explanation"] = decision.explain(lang)
    return out


def _batch(question: str, body: Any) -> dict[str, Any]:
    from sep.evaluation import check_batch, columns_from
    from sep.evaluation._api import _refuse_extra

    body = _object(body, "")
    _only(body, ("facts", "documents", "params", "on", "pack", "extra"))
    extra = body.get("extra", "forbid")
    _refuse_extra(extra)
    pack = _pack_for(question, body.get("pack"))
    if ("facts" in body) == ("documents" in body):
        raise ValidationError("", MISSING, N_("give exactly one of 'facts' or 'documents' (lists)"))
    key = "facts" if "facts" in body else "documents"
    rows = body[key]
    if not isinstance(rows, list):
        raise ValidationError(key, _jsonable(rows), N_("must be a JSON array"))
    if len(rows) > MAX_BATCH_ROWS:
        raise ValidationError(
            key, len(rows), R_("has more than {max_batch_rows} rows", max_batch_rows=MAX_BATCH_ROWS)
        )
    items: list[Any] = []
    for i, row in enumerate(rows):
        checkpoint()
        item = _object(row, f"{key}[{i}]")
        if key == "documents":
            cls = _DOCUMENTS.get(question)
            if cls is None:
                raise ValidationError(
                    key, MISSING, R_("{question} has no domain document", question=question)
                )
            try:
                item = from_dict(cls, item)
            except ValidationError as err:
                raise err.at(f"{key}[{i}]") from None
        items.append(item)
    try:
        columns = columns_from(items, pack, extra=extra)
    except ValidationError as err:
        raise err.at(key) from None
    result = check_batch(
        pack, columns, params=_params(body.get("params")), on=_date(body.get("on"), "on")
    )
    return batch_summary(result)


def _record_of(body: Any) -> tuple[dict[str, Any], Any]:
    from sep.evaluation import builtin_pack, builtin_packs

    data = _object(body, "")
    pack_id = data.get("pack")
    if not isinstance(pack_id, str) or pack_id not in builtin_packs():
        raise ValidationError(
            "pack",
            _jsonable(pack_id),
            R_("unknown rule pack; one of {builtin_packs}", builtin_packs=list(builtin_packs())),
        )
    for name, kind in (("parameters", list), ("inputs", dict), ("as_of", str)):
        if not isinstance(data.get(name), kind):
            raise ValidationError(
                name, _jsonable(data.get(name)), N_("missing or of the wrong type")
            )
    for i, use in enumerate(data["parameters"]):
        use = _object(use, f"parameters[{i}]")
        for name in ("name", "since", "value", "source"):
            if not isinstance(use.get(name), str):
                raise ValidationError(
                    f"parameters[{i}].{name}", _jsonable(use.get(name)), N_("must be a string")
                )
        _date(use["since"], f"parameters[{i}].since")
    _date(data["as_of"], "as_of")
    return data, builtin_pack(pack_id)


def _replay(body: Any) -> dict[str, Any]:
    from sep.evaluation import replay

    data, pack = _record_of(body)
    return replay(data, pack=pack).to_dict()


def _verify(body: Any) -> dict[str, Any]:
    from sep.evaluation import replay, verify

    data, pack = _record_of(body)
    again = replay(data, pack=pack)
    return {
        "verified": verify(data, pack=pack),
        "digest": _jsonable(data.get("digest")),
        "replayed_digest": again.digest,
        "outcome": _jsonable(data.get("outcome")),
        "replayed_outcome": again.outcome.value,
    }


def _platform_of(body: Mapping[str, Any]) -> Platform:
    from sep.server._openapi import shipped_schemes

    if "platform" not in body:
        raise ValidationError("platform", MISSING, N_("the platform document is required"))
    try:
        platform = from_dict(Platform, _object(body["platform"], "platform"))
    except ValidationError as err:
        raise (err if err.field.startswith("platform") else err.at("platform")) from None
    scheme = platform.evaluation_scheme
    if scheme is not None and scheme not in shipped_schemes():
        # A scheme may name a file; a client must not make the service read its files.
        raise ValidationError(
            "platform.evaluation_scheme",
            scheme,
            R_(
                "the service reads only shipped scoring schemes: one of {shipped_schemes}",
                shipped_schemes=list(shipped_schemes()),
            ),
            clause="4.3.7-d",
        )
    return platform


def _rows(data: Mapping[str, Any], name: str, at: str, bound: int) -> list[Any]:
    rows = data.get(name, [])
    if not isinstance(rows, list):
        raise ValidationError(f"{at}.{name}", _jsonable(rows), N_("must be a JSON array"))
    if len(rows) > bound:
        raise ValidationError(
            f"{at}.{name}", len(rows), R_("has more than {bound} items", bound=bound)
        )
    return rows


def _history(raw: Any, platform: Platform, on: dt.date | None) -> Any:
    """The evaluation history (4.3.7-b, 4.3.7-c) sent with an audit, evaluated cycle by cycle.

    Each cycle is read as :class:`~sep.domain.CycleInputs` and scored as
    :meth:`~sep.assessment.EvaluationHistory.evaluate` does (modules failing in one cycle
    are monitored in the next); each plan is read as :class:`~sep.domain.ImprovementPlan`
    and kept by :meth:`~sep.assessment.EvaluationHistory.add_plan`, which refuses a plan
    for a module that did not fail.
    """
    from sep.assessment import EvaluationHistory
    from sep.domain import CycleInputs, ImprovementPlan
    from sep.server._openapi import shipped_schemes

    if raw is None:
        return None
    data = _object(raw, "history")
    _only(data, ("cycles", "plans", "scheme"), "history")
    scheme = data.get("scheme")
    if scheme is not None and scheme not in shipped_schemes():
        raise ValidationError(
            "history.scheme",
            _jsonable(scheme),
            R_(
                "unknown scoring scheme; one of {shipped_schemes}",
                shipped_schemes=list(shipped_schemes()),
            ),
            clause="4.3.7-d",
        )
    history = EvaluationHistory()
    for i, row in enumerate(_rows(data, "cycles", "history", MAX_HISTORY_CYCLES)):
        checkpoint()
        at = f"history.cycles[{i}]"
        try:
            inputs = from_dict(CycleInputs, _object(row, at))
            history = history.evaluate(platform, inputs, scheme=scheme, on=on)
        except ValidationError as err:
            raise (err if err.field.startswith(at) else err.at(at)) from None
    for i, row in enumerate(_rows(data, "plans", "history", MAX_HISTORY_CYCLES * 4)):
        checkpoint()
        at = f"history.plans[{i}]"
        try:
            history = history.add_plan(from_dict(ImprovementPlan, _object(row, at)))
        except ValidationError as err:
            raise (err if err.field.startswith(at) else err.at(at)) from None
    return history


def _audit(body: Any, fmt: str, lang: str) -> tuple[str, str]:
    from sep.assessment import AuditParameters, audit

    body = _object(body, "")
    _only(body, ("platform", "history", "on", "parameters"))
    platform = _platform_of(body)
    raw = _object(body.get("parameters", {}), "parameters")
    values: dict[str, int] = {}
    for name, value in raw.items():
        if name not in ("service_max_age_days", "evaluation_grace_days"):
            raise ValidationError(f"parameters.{name}", MISSING, N_("is not an audit parameter"))
        if type(value) is not int or not 0 <= value <= 100_000:
            raise ValidationError(
                f"parameters.{name}", _jsonable(value), N_("must be a whole number of days")
            )
        values[name] = value
    try:
        parameters = AuditParameters(**values)
    except ValueError as err:
        raise ValidationError("parameters", MISSING, str(err)) from None
    on = _date(body.get("on"), "on")
    history = _history(body.get("history"), platform, on)
    report = audit(platform, on=on, history=history, parameters=parameters)
    if fmt == "markdown":
        return report.to_markdown(lang), _AUDIT_MEDIA[fmt]
    if fmt == "html":
        return report.to_html(lang), _AUDIT_MEDIA[fmt]
    return report.to_json(), _JSON


def _audit_format(request: Request) -> str:
    fmt = request.query_params.get("format")
    if fmt is not None:
        if fmt not in _AUDIT_MEDIA:
            raise ValidationError(
                "format", fmt, R_("must be one of {audit_media}", audit_media=list(_AUDIT_MEDIA))
            )
        return fmt
    accept = request.headers.get("accept", "")
    for part in accept.split(","):
        media = part.split(";", 1)[0].strip().lower()
        for name, known in _AUDIT_MEDIA.items():
            if media == known:
                return name
    return "json"


# -- reading the rules ---------------------------------------------------------------------


def _packs() -> dict[str, Any]:
    from sep.evaluation import builtin_pack, builtin_packs

    return {"packs": [builtin_pack(pack_id).summary() for pack_id in builtin_packs()]}


def _parameters(pack_id: str | None, on_text: str | None) -> dict[str, Any]:
    from sep.evaluation import builtin_pack, builtin_packs

    ids = builtin_packs() if pack_id is None else (pack_id,)
    if pack_id is not None and pack_id not in builtin_packs():
        raise ValidationError(
            "pack",
            pack_id,
            R_("unknown rule pack; one of {builtin_packs}", builtin_packs=list(builtin_packs())),
        )
    on = _date(on_text, "on") or dt.date.today()
    out: list[dict[str, Any]] = []
    for one in ids:
        pack = builtin_pack(one)
        out.extend({"pack": pack.id, **spec.to_dict(on)} for spec in pack.parameters.values())
    return {"on": on.isoformat(), "parameters": out}


def _schema_names() -> list[str]:
    from sep.evaluation import builtin_packs

    return [
        *sorted(_DOMAIN_SCHEMAS),
        *sorted(WRITTEN_SCHEMAS),
        *(f"inputs/{p}" for p in builtin_packs()),
    ]


def _schema(name: str) -> dict[str, Any]:
    from sep.domain import json_schema
    from sep.evaluation import builtin_packs, input_schema

    if name in _DOMAIN_SCHEMAS:
        return json_schema(_DOMAIN_SCHEMAS[name])
    if name in WRITTEN_SCHEMAS:
        return WRITTEN_SCHEMAS[name]()
    pack_id = name.removeprefix("inputs/")
    if name.startswith("inputs/") and pack_id in builtin_packs():
        return input_schema(pack_id)
    raise _Problem(
        404,
        "Not found",
        R_("no schema {name!r}; one of {names}", name=name, names=_schema_names()),
        kind="not-found",
    )


# -- the application -----------------------------------------------------------------------


def _warm() -> None:
    """Import what the routes import lazily, before any worker can be stopped mid-import."""
    import sep.assessment
    import sep.evaluation
    import sep.lifecycle  # noqa: F401

    _screening_pack()


def create_app(
    *,
    max_body_bytes: int = MAX_JSON_BYTES,
    time_limit: float = DEFAULT_TIME_LIMIT,
    workers: int = DEFAULT_WORKERS,
) -> FastAPI:
    """The ASGI application of the ``sep`` service.

    Args:
        max_body_bytes: Largest request body read (413 past it); at most
            :data:`sep._limits.MAX_JSON_BYTES`.
        time_limit: Seconds a request may take; past it the service answers 503 and
            stops the request's work (see :mod:`sep.server`).
        workers: Most requests worked on at once (each in a thread of its own); the others
            wait for a free worker, within their time limit.

    Raises:
        ValidationError: a bound out of range.

    Example:
        >>> app = create_app(max_body_bytes=65536)
        >>> app.openapi()["info"]["title"]
        'sep: T/CATE 0001—2020 as a service'
    """
    if type(max_body_bytes) is not int or not 0 < max_body_bytes <= MAX_JSON_BYTES:
        raise ValidationError(
            "max_body_bytes",
            max_body_bytes,
            R_("must be between 1 and {max_json_bytes}", max_json_bytes=MAX_JSON_BYTES),
        )
    if not isinstance(time_limit, int | float) or not 0 < time_limit <= 3600:
        raise ValidationError("time_limit", time_limit, N_("must be between 0 and 3600 seconds"))
    if type(workers) is not int or not 1 <= workers <= MAX_WORKERS:
        raise ValidationError(
            "workers", workers, R_("must be between 1 and {max_workers}", max_workers=MAX_WORKERS)
        )
    _warm()
    app = FastAPI(
        title="sep: T/CATE 0001—2020 as a service",
        version=sep.__version__,
        openapi_url=None,
        docs_url=None,
        redoc_url=None,
    )
    from sep.server._openapi import openapi_document

    document = openapi_document(sep.__version__)
    # The document is sep's, not one FastAPI derives from the (untyped) routes.
    setattr(app, "openapi", lambda: document)  # noqa: B010

    pool = Workers(workers, float(time_limit))

    async def run(fn: Callable[[], Any]) -> Any:
        try:
            return await pool.run(fn)
        except Overtime:
            raise _Problem(
                503,
                "Time limit",
                R_(
                    "the request took longer than {time_limit} s; its work was stopped",
                    time_limit=time_limit,
                ),
                kind="time-limit",
                headers={"Retry-After": "1"},
            ) from None

    def json_response(data: Any, headers: Mapping[str, str] | None = None) -> Response:
        return Response(_dumps(data), media_type=_JSON, headers=headers)

    async def read(request: Request) -> bytes:
        return await _body(request, max_body_bytes)

    @app.exception_handler(_Problem)
    async def on_problem(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, _Problem)
        extra = dict(exc.extra)
        lang = request.query_params.get("lang")
        if lang in _LANGS:  # a bad lang is not refused here: the problem is already one
            extra["detail_text"] = exc.said(lang)
            if isinstance(extra.get("reason"), str):
                extra["reason_text"] = said(extra["reason"], lang)
        return _problem_response(
            exc.status, exc.title, exc.detail, exc.kind, request.url.path, extra, exc.headers
        )

    @app.exception_handler(SepError)
    async def on_sep_error(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, SepError)
        return _problem_of(exc, request.url.path, request.query_params.get("lang"))

    @app.exception_handler(StarletteHTTPException)
    async def on_http(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, StarletteHTTPException)
        titles = {404: "Not found", 405: "Method not allowed"}
        return _problem_response(
            exc.status_code,
            titles.get(exc.status_code, "HTTP error"),
            str(exc.detail),
            "not-found" if exc.status_code == 404 else "http",
            request.url.path,
            {},
            exc.headers,
        )

    @app.exception_handler(Exception)
    async def on_bug(request: Request, exc: Exception) -> Response:
        _log.exception("unexpected error on %s", request.url.path)
        return _problem_response(
            500,
            "Internal error",
            "sep failed on this request; the error is logged on the server",
            "internal",
            request.url.path,
            {},
        )

    def route(
        method: str, path: str
    ) -> Callable[[Callable[..., Awaitable[Response]]], Callable[..., Awaitable[Response]]]:
        def register(fn: Callable[..., Awaitable[Response]]) -> Callable[..., Awaitable[Response]]:
            app.add_api_route(path, fn, methods=[method], include_in_schema=False)
            return fn

        return register

    @route("GET", "/v1/health")
    async def health(request: Request) -> Response:
        from sep.evaluation import builtin_packs

        return json_response(
            {"status": "ok", "version": sep.__version__, "packs": list(builtin_packs())}
        )

    @route("GET", "/v1/packs")
    async def packs(request: Request) -> Response:
        return json_response(await run(_packs))

    @route("GET", "/v1/parameters")
    async def parameters(request: Request) -> Response:
        q = request.query_params
        return json_response(await run(lambda: _parameters(q.get("pack"), q.get("on"))))

    @route("GET", "/v1/schemas")
    async def schemas(request: Request) -> Response:
        return json_response({"schemas": _schema_names()})

    @route("GET", "/v1/schemas/{name:path}")
    async def schema(request: Request) -> Response:
        name = request.path_params["name"]
        return json_response(await run(lambda: _schema(name)))

    @route("POST", "/v1/check/{question}")
    async def check(request: Request) -> Response:
        question = _question(request.path_params["question"])
        body = await read(request)
        return json_response(await run(lambda: _check(question, _parse(body))))

    @route("POST", "/v1/check/{question}/batch")
    async def batch(request: Request) -> Response:
        question = _question(request.path_params["question"])
        body = await read(request)
        return json_response(await run(lambda: _batch(question, _parse(body))))

    @route("POST", "/v1/why-not/{question}")
    async def why_not(request: Request) -> Response:
        question = _question(request.path_params["question"])
        body = await read(request)
        return json_response(await run(lambda: _why_not(question, _parse(body))))

    @route("POST", "/v1/decisions/replay")
    async def replay(request: Request) -> Response:
        body = await read(request)
        return json_response(await run(lambda: _replay(_parse(body))))

    @route("POST", "/v1/decisions/verify")
    async def verify(request: Request) -> Response:
        body = await read(request)
        return json_response(await run(lambda: _verify(_parse(body))))

    @route("POST", "/v1/audit")
    async def audit(request: Request) -> Response:
        fmt = _audit_format(request)
        lang = _lang(request.query_params.get("lang"), "lang") or "en"
        body = await read(request)
        text, media = await run(lambda: _audit(_parse(body), fmt, lang))
        return Response(text.encode("utf-8"), media_type=media)

    @route("POST", "/v1/screen")
    async def screen(request: Request) -> Response:
        body = await read(request)
        return json_response(await run(lambda: _screen(_parse(body))))

    @route("GET", "/v1/lifecycle")
    async def lifecycle(request: Request) -> Response:
        return json_response(await run(_lifecycle))

    @route("POST", "/v1/lifecycle/state")
    async def state(request: Request) -> Response:
        body = await read(request)
        data, version = await run(lambda: _state(_parse(body)))
        return json_response(data, headers={"ETag": _etag(version)})

    @route("POST", "/v1/lifecycle/fire")
    async def fire(request: Request) -> Response:
        if_match = request.headers.get("if-match")
        body = await read(request)
        data, version = await run(lambda: _fire(_parse(body), if_match))
        return json_response(data, headers={"ETag": _etag(version)})

    @route("GET", "/v1/openapi.json")
    async def openapi(request: Request) -> Response:
        return json_response(document)

    # Swagger UI's files come from the fastapi-offline package, not from a CDN, so the
    # interactive documentation works where the service has no way out to the internet.
    app.mount(
        _ASSETS,
        StaticFiles(packages=[("fastapi_offline", "static")]),
        name="docs-assets",
    )

    @route("GET", "/docs")
    async def docs(request: Request) -> HTMLResponse:
        root = request.scope.get("root_path", "")
        return get_swagger_ui_html(
            openapi_url=f"{root}/v1/openapi.json",
            title=app.title,
            swagger_js_url=f"{root}{_ASSETS}/swagger-ui-bundle.js",
            swagger_css_url=f"{root}{_ASSETS}/swagger-ui.css",
            swagger_favicon_url=f"{root}{_ASSETS}/favicon.png",
        )

    return app


def serve(host: str = "127.0.0.1", port: int = 8000, **options: Any) -> None:
    """Run the service with uvicorn until interrupted (what ``sep serve`` does).

    Args:
        host: Address to listen on; the loopback address by default.
        port: TCP port.
        **options: Passed to :func:`create_app` (``max_body_bytes``, ``time_limit``,
            ``workers``).
    """
    import uvicorn

    uvicorn.run(create_app(**options), host=host, port=port, log_level="info")
