"""JSON Schemas of the documents ``sep`` writes: decisions, batch summaries, audit reports
and incubatee files.

Integrators store and exchange what ``sep`` answers (3.1/4.2.1 eligibility, 4.3.5
graduation, 4.3.7-b evaluation decisions, one at a time or as a batch; the 4.1–4.3.7 audit
report; an incubatee's file with its 4.3.2/4.3.6 history) and validate it in their own
language. The schemas follow :meth:`~sep.evaluation.Decision.to_dict`, the service's batch
summary, :meth:`~sep.assessment.AuditReport.to_dict` and :func:`~sep.domain.to_dict` of an
:attr:`~sep.lifecycle.IncubationFile.incubatee` field for field; tests check that every
document ``sep`` writes validates, so they cannot drift apart silently.
:data:`WRITTEN_SCHEMAS` is the registry ``sep schema NAME`` and the service's
``/v1/schemas/NAME`` read.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from sep.evaluation import BatchResult

__all__ = [
    "WRITTEN_SCHEMAS",
    "audit_report_schema",
    "batch_summary",
    "batch_summary_schema",
    "decision_schema",
    "incubatee_file_schema",
]

_DRAFT = "https://json-schema.org/draft/2020-12/schema"
_OUTCOME = {"enum": ["met", "not_met", "unknown"]}
_DECIMAL = {"type": "string", "pattern": r"^-?\d+(\.\d+)?(E[+-]?\d+)?$"}
_DATE = {"type": "string", "pattern": r"^\d{4}-\d{2}-\d{2}$"}
_TEXT = {"type": "string"}
_ANY: dict[str, Any] = {}
_STRINGS = {"type": "array", "items": _TEXT}


def _object(properties: dict[str, Any], **extra: Any) -> dict[str, Any]:
    return {
        "type": "object",
        "properties": properties,
        "required": sorted(properties),
        "additionalProperties": False,
        **extra,
    }


def _nullable(schema: dict[str, Any]) -> dict[str, Any]:
    return {"anyOf": [schema, {"type": "null"}]}


_PARAMETER_USE = _object(
    {"name": _TEXT, "value": _DECIMAL, "unit": _TEXT, "since": _DATE, "source": _TEXT}
)
_COUNTS = _object(
    {name: {"type": "integer", "minimum": 0} for name in ("met", "not_met", "unknown")}
)


def decision_schema() -> dict[str, Any]:
    """A JSON Schema (draft 2020-12) of a decision record, as ``Decision.to_dict`` writes it.

    Example:
        >>> schema = decision_schema()
        >>> schema["title"], schema["properties"]["outcome"]
        ('sep decision record', {'enum': ['met', 'not_met', 'unknown']})
    """
    check = _object(
        {
            "input": _TEXT,
            "op": _TEXT,
            "measure": _TEXT,
            "parameter": _nullable(_TEXT),
            "threshold": _ANY,
            "periods": _nullable({"type": "integer"}),
            "actual": _ANY,
            "outcome": _OUTCOME,
            "margin": _nullable(_DECIMAL),
            "missing": _STRINGS,
            "window": {
                "type": "array",
                "items": {
                    "type": "array",
                    "prefixItems": [_TEXT, _nullable(_DECIMAL)],
                    "minItems": 2,
                    "maxItems": 2,
                },
            },
        }
    )
    criterion = _object(
        {
            "id": _TEXT,
            "clause": _TEXT,
            "outcome": _OUTCOME,
            "text_en": _TEXT,
            "text_zh": _TEXT,
            "values": {"type": "object"},
            "thresholds": {"type": "object"},
            "margin": _nullable(_DECIMAL),
            "missing": _STRINGS,
            "combine": _nullable({"enum": ["all", "any"]}),
            "checks": {"type": "array", "items": {"$ref": "#/$defs/Check"}},
            "children": {"type": "array", "items": {"$ref": "#/$defs/Criterion"}},
        }
    )
    change = _object(
        {
            "criterion": _TEXT,
            "clause": _TEXT,
            "input": _TEXT,
            "op": _TEXT,
            "measure": _TEXT,
            "parameter": _nullable(_TEXT),
            "threshold": _ANY,
            "actual": _ANY,
            "shortfall": _nullable(_DECIMAL),
            "missing": {"type": "boolean"},
            "periods": _STRINGS,
        }
    )
    return {
        "$schema": _DRAFT,
        "title": "sep decision record",
        "description": "One answer of a rule pack (eligibility 3.1/4.2.1, graduation 4.3.5, "
        "evaluation 4.3.7-b, or a loaded pack) with its reasons, the parameters it used "
        "and the digest to replay and verify it.",
        **_object(
            {
                "pack": _TEXT,
                "pack_version": _TEXT,
                "document": _TEXT,
                "edition": _TEXT,
                "question": _TEXT,
                "outcome": _OUTCOME,
                "as_of": _DATE,
                "digest": {"type": "string", "pattern": "^jcs-sha256:[0-9a-f]{64}$"},
                "pack_sha256": {"type": "string", "pattern": "^[0-9a-f]{64}$"},
                "inputs": {"type": "object"},
                "missing": _STRINGS,
                "parameters": {"type": "array", "items": {"$ref": "#/$defs/ParameterUse"}},
                "criteria": {"type": "array", "items": {"$ref": "#/$defs/Criterion"}},
                "why_not": {
                    "type": "array",
                    "items": {"type": "array", "items": {"$ref": "#/$defs/Change"}},
                },
            }
        ),
        "$defs": {
            "Check": check,
            "Criterion": criterion,
            "Change": change,
            "ParameterUse": _PARAMETER_USE,
        },
    }


def audit_report_schema() -> dict[str, Any]:
    """A JSON Schema (draft 2020-12) of an audit report, as ``AuditReport.to_dict`` writes it.

    Example:
        >>> sorted(audit_report_schema()["properties"])
        ['as_of', 'counts', 'parameters', 'platform', 'rows', 'standard']
    """
    note = _object(
        {"key": _TEXT, "args": {"type": "object"}, "en": _TEXT, "zh": _TEXT},
    )
    status = {"enum": ["satisfied", "not_satisfied", "unknown"]}
    notes = {"type": "array", "items": {"$ref": "#/$defs/Note"}}
    row = _object(
        {
            "clause": _TEXT,
            "title_en": _TEXT,
            "title_zh": _TEXT,
            "status": status,
            "evidence": notes,
            "problems": notes,
            "missing": notes,
        }
    )
    count = {"type": "integer", "minimum": 0}
    return {
        "$schema": _DRAFT,
        "title": "sep audit report",
        "description": "The conformance audit of a platform against T/CATE 0001—2020 "
        "4.1–4.3.7, clause by clause, with the evidence, problems and missing data.",
        **_object(
            {
                "standard": _TEXT,
                "platform": _TEXT,
                "as_of": _DATE,
                "parameters": _object(
                    {
                        "service_max_age_days": {"type": "integer", "minimum": 1},
                        "evaluation_grace_days": {"type": "integer", "minimum": 0},
                    }
                ),
                "counts": _object({"satisfied": count, "not_satisfied": count, "unknown": count}),
                "rows": {"type": "array", "items": {"$ref": "#/$defs/AuditRow"}},
            }
        ),
        "$defs": {"AuditRow": row, "Note": note},
    }


def batch_summary(result: BatchResult) -> dict[str, Any]:
    """The JSON document of a batch run: the pack, its parameters, counts and each row's outcome.

    What the service's batch endpoint answers; :func:`batch_summary_schema` describes it.

    Example:
        >>> import datetime as dt
        >>> from sep.evaluation import check_graduation_batch
        >>> r = check_graduation_batch({"listed": [True, False]}, on=dt.date(2026, 1, 1))
        >>> doc = batch_summary(r)
        >>> doc["rows"], doc["outcomes"], doc["summary"]["outcome"]
        (2, ['met', 'unknown'], {'met': 1, 'not_met': 0, 'unknown': 1})
    """
    codes = result.CODES
    return {
        "pack": result.pack,
        "edition": result.edition,
        "question": result.question,
        "as_of": result.as_of.isoformat(),
        "rows": len(result),
        "parameters": [p.to_dict() for p in result.parameters],
        "summary": result.summary(),
        "outcomes": [codes[int(c)].value for c in result.outcome],
    }


def batch_summary_schema() -> dict[str, Any]:
    """A JSON Schema (draft 2020-12) of a batch summary, as ``POST /v1/check/{q}/batch`` answers.

    ``summary`` holds the counts of the pack's outcome (key ``"outcome"``) and of every
    criterion by id; ``outcomes`` holds one outcome per row, in the order sent (its length
    equals ``rows``, which JSON Schema cannot say).

    Example:
        >>> schema = batch_summary_schema()
        >>> schema["title"], schema["properties"]["outcomes"]["items"]
        ('sep batch summary', {'enum': ['met', 'not_met', 'unknown']})
    """
    return {
        "$schema": _DRAFT,
        "title": "sep batch summary",
        "description": "The outcomes of one rule pack (eligibility 3.1/4.2.1, graduation "
        "4.3.5, evaluation 4.3.7-b) over a list of rows: the parameters used, the counts "
        "per criterion and overall, and each row's outcome in the order sent.",
        **_object(
            {
                "pack": _TEXT,
                "edition": _TEXT,
                "question": _TEXT,
                "as_of": _DATE,
                "rows": {"type": "integer", "minimum": 0},
                "parameters": {"type": "array", "items": {"$ref": "#/$defs/ParameterUse"}},
                "summary": {
                    "type": "object",
                    "properties": {"outcome": {"$ref": "#/$defs/Counts"}},
                    "required": ["outcome"],
                    "additionalProperties": {"$ref": "#/$defs/Counts"},
                },
                "outcomes": {"type": "array", "items": _OUTCOME},
            }
        ),
        "$defs": {"Counts": _COUNTS, "ParameterUse": _PARAMETER_USE},
    }


def incubatee_file_schema() -> dict[str, Any]:
    """A JSON Schema (draft 2020-12) of an incubatee file with its history (4.3.2, 4.3.6).

    The document :attr:`~sep.lifecycle.IncubationFile.incubatee` writes and
    :meth:`~sep.lifecycle.IncubationProcess.open` reads back: the incubatee's JSON
    Schema, with the state and every record's states and trigger drawn from the standard
    process. What it cannot say, ``open`` still checks: the history must be a walk of the
    process from its initial state, in time order, ending in the recorded state. A file
    never opened has no ``process`` (or ``null``); ``open`` starts it at the initial state.

    Example:
        >>> schema = incubatee_file_schema()
        >>> record = schema["$defs"]["ProcessRecord"]["properties"]
        >>> schema["title"], "graduated" in record["state"]["enum"]
        ('sep incubatee file', True)
    """
    from sep.domain import Incubatee, json_schema
    from sep.lifecycle import standard_definition

    definition = standard_definition()
    schema = copy.deepcopy(json_schema(Incubatee))
    states = {"enum": list(definition.state_names)}
    triggers = {"enum": sorted(definition.triggers)}
    defs = schema["$defs"]
    process = defs["ProcessRecord"]["properties"]
    process["state"] = {**process["state"], **states}
    record = defs["AuditRecord"]["properties"]
    for name, allowed in (("from_state", states), ("to_state", states), ("trigger", triggers)):
        record[name] = {**record[name], **allowed}
    schema.pop("$id", None)
    schema["title"] = "sep incubatee file"
    schema["description"] = (
        "An incubatee's file in the incubation process of T/CATE 0001—2020 (4.3.2, 4.3.6): "
        "the incubatee with its state and append-only history, as sep saves it and reads "
        "it back. " + schema.get("description", "")
    ).strip()
    return schema


#: The documents ``sep`` writes, by the name ``sep schema NAME`` and ``/v1/schemas/NAME``
#: know them, with the function building each one's JSON Schema.
WRITTEN_SCHEMAS: dict[str, Callable[[], dict[str, Any]]] = {
    "audit-report": audit_report_schema,
    "batch-summary": batch_summary_schema,
    "decision": decision_schema,
    "incubatee-file": incubatee_file_schema,
}
