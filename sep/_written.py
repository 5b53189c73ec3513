"""JSON Schemas of the documents ``sep`` writes: a decision record and an audit report.

Integrators store and exchange what ``sep`` answers (3.1/4.2.1 eligibility, 4.3.5
graduation, 4.3.7-b evaluation decisions; the 4.1–4.3.7 audit report) and validate it in
their own language. The schemas follow :meth:`~sep.evaluation.Decision.to_dict` and
:meth:`~sep.assessment.AuditReport.to_dict` field for field; tests check that every
document ``sep`` writes validates, so they cannot drift apart silently.
"""

from __future__ import annotations

from typing import Any

__all__ = ["audit_report_schema", "decision_schema"]

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
    parameter = _object(
        {"name": _TEXT, "value": _DECIMAL, "unit": _TEXT, "since": _DATE, "source": _TEXT}
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
            "ParameterUse": parameter,
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
