"""The OpenAPI 3.1 document of the service, built from ``sep``'s own JSON Schemas.

The domain documents' schemas (:func:`sep.domain.json_schema`) and each shipped pack's
input schema (:func:`sep.evaluation.input_schema`) become components; their ``$defs``
are lifted into ``components/schemas`` and references rewritten, so the document cannot
drift from what the library reads.
"""

from __future__ import annotations

import copy
from typing import Any

__all__ = ["openapi_document", "shipped_schemes"]

_DEFS = "#/$defs/"
_COMPONENTS = "#/components/schemas/"


def _rewrite(node: Any) -> Any:
    if isinstance(node, dict):
        out = {}
        for key, value in node.items():
            if key == "$ref" and isinstance(value, str) and value.startswith(_DEFS):
                out[key] = _COMPONENTS + value[len(_DEFS) :]
            elif key not in ("$schema", "$id", "$defs"):
                out[key] = _rewrite(value)
        return out
    if isinstance(node, list):
        return [_rewrite(v) for v in node]
    return node


def _component_name(pack_id: str) -> str:
    return "Inputs_" + pack_id.replace("/", "_")


def _ref(name: str) -> dict[str, str]:
    return {"$ref": _COMPONENTS + name}


def _components() -> dict[str, Any]:
    from sep._written import audit_report_schema, batch_summary_schema, decision_schema
    from sep.domain import (
        CycleInputs,
        Enterprise,
        ImprovementPlan,
        Incubatee,
        Platform,
        json_schema,
    )
    from sep.evaluation import builtin_packs, input_schema

    schemas: dict[str, Any] = {}
    for cls in (Enterprise, Incubatee, Platform, CycleInputs, ImprovementPlan):
        for name, schema in json_schema(cls).get("$defs", {}).items():
            schemas.setdefault(name, _rewrite(schema))
    written_documents = (
        ("Decision", decision_schema()),
        ("AuditReport", audit_report_schema()),
        ("BatchSummary", batch_summary_schema()),
    )
    for title, written in written_documents:
        for name, schema in written["$defs"].items():
            schemas.setdefault(name, _rewrite(schema))
        schemas[title] = _rewrite(written)
    for pack_id in builtin_packs():
        schemas[_component_name(pack_id)] = _rewrite(copy.deepcopy(input_schema(pack_id)))
    schemas["Problem"] = {
        "type": "object",
        "description": "RFC 9457 problem details, with sep's error attributes as extensions.",
        "properties": {
            "type": {"type": "string"},
            "title": {"type": "string"},
            "status": {"type": "integer"},
            "detail": {"type": "string"},
            "instance": {"type": "string"},
            "error": {"type": "string", "description": "the sep error class"},
            "field": {"type": "string", "description": "dotted path of the bad field"},
            "value": {"description": "the bad value as given"},
            "reason": {"type": "string"},
            "clause": {"type": "string", "description": "clause of T/CATE 0001—2020"},
            "clause_text": {
                "type": "string",
                "description": "the clause with its title in the language of ?lang=",
            },
            "reason_text": {
                "type": "string",
                "description": "the reason in the language of ?lang=",
            },
            "detail_text": {
                "type": "string",
                "description": "the detail in the language of ?lang=",
            },
            "trigger": {"type": "string"},
            "state": {"type": "string"},
            "version": {"type": "string"},
        },
        "required": ["type", "title", "status", "detail"],
    }
    common = {
        "params": {
            "type": "object",
            "description": "parameter overrides: a value, or a list of {since, value, source}",
        },
        "on": {"type": "string", "format": "date", "description": "date of parameter values"},
        "extra": {
            "enum": ["forbid", "ignore"],
            "description": "a name in facts that the pack does not read: refused with a "
            "'did you mean' (forbid, the default) or left out (ignore)",
        },
    }
    schemas["DecisionRecord"] = {
        "type": "object",
        "description": "a decision as sep writes it (Decision.to_dict)",
        "properties": {
            "pack": {"type": "string"},
            "as_of": {"type": "string", "format": "date"},
            "digest": {
                "type": "string",
                "description": "jcs-sha256:<hex> (RFC 8785 canonical JSON); an untagged "
                "64-hex digest of the earlier scheme still verifies",
            },
            "pack_sha256": {"type": "string"},
            "outcome": {"enum": ["met", "not_met", "unknown"]},
            "inputs": {"type": "object"},
            "parameters": {"type": "array", "items": {"type": "object"}},
            "criteria": {"type": "array", "items": {"type": "object"}},
            "why_not": {"type": "array"},
        },
        "required": ["pack", "as_of", "inputs", "parameters"],
    }
    schemas["AuditRequest"] = {
        "type": "object",
        "properties": {
            "platform": _ref("Platform"),
            "history": {
                "type": "object",
                "description": "the platform's evaluation cycles in order and the improvement "
                "plans given for failing modules (4.3.7-b, 4.3.7-c); each cycle is scored "
                "with the scheme named (the platform's, else the shipped example)",
                "properties": {
                    "cycles": {"type": "array", "items": _ref("CycleInputs")},
                    "plans": {"type": "array", "items": _ref("ImprovementPlan")},
                    "scheme": {"enum": list(shipped_schemes())},
                },
                "additionalProperties": False,
            },
            "on": common["on"],
            "parameters": {
                "type": "object",
                "properties": {
                    "service_max_age_days": {"type": "integer", "minimum": 1},
                    "evaluation_grace_days": {"type": "integer", "minimum": 0},
                },
                "additionalProperties": False,
            },
        },
        "required": ["platform"],
        "additionalProperties": False,
    }
    number = {"anyOf": [{"type": "integer"}, {"type": "string", "pattern": r"^-?\d+(\.\d+)?$"}]}
    schemas["ScreenRequest"] = {
        "type": "object",
        "description": "a cohort to screen (4.3.3): the rubric and every reviewer's marks",
        "properties": {
            "rubric": {
                "type": "object",
                "properties": {
                    "items": {
                        "type": "array",
                        "items": {
                            "type": "object",
                            "properties": {
                                "id": {"type": "string"},
                                "en": {"type": "string"},
                                "weight": number,
                                "minimum": number,
                                "maximum": number,
                            },
                            "required": ["id", "en"],
                            "additionalProperties": False,
                        },
                    },
                    "source": {"type": "string"},
                },
                "required": ["items"],
                "additionalProperties": False,
            },
            "scores": {
                "type": "array",
                "items": {
                    "type": "object",
                    "properties": {
                        "applicant": {"type": "string"},
                        "reviewer": {"type": "string"},
                        "marks": {"type": "object", "additionalProperties": number},
                        "reason": {"type": "string"},
                    },
                    "required": ["applicant", "reviewer", "marks", "reason"],
                    "additionalProperties": False,
                },
            },
            "applicants": {"type": "array", "items": {"type": "string"}},
            **common,
        },
        "required": ["rubric", "scores"],
        "additionalProperties": False,
    }
    schemas["LifecycleStateRequest"] = {
        "type": "object",
        "properties": {"incubatee": _ref("Incubatee")},
        "required": ["incubatee"],
        "additionalProperties": False,
    }
    schemas["LifecycleFireRequest"] = {
        "type": "object",
        "properties": {
            "incubatee": _ref("Incubatee"),
            "trigger": {"type": "string"},
            "args": {
                "type": "object",
                "description": "the trigger's arguments; a decision is a decision record "
                "(replayed and verified), a resource a PlatformResource",
            },
            "actor": {"type": "string"},
            "reason": {"type": "string"},
            "at": {"type": "string", "format": "date-time"},
        },
        "required": ["incubatee", "trigger"],
        "additionalProperties": False,
    }
    for question, document in (
        ("eligibility", "Enterprise"),
        ("graduation", "Incubatee"),
        ("evaluation", None),
    ):
        facts = {"anyOf": [_ref(_component_name(p)) for p in _packs_for(question)]}
        variants: list[dict[str, Any]] = [{"required": ["facts"]}]
        props: dict[str, Any] = {
            "facts": facts,
            "pack": {"enum": list(_packs_for(question))},
            "lang": {"enum": ["en", "zh"]},
            **common,
        }
        if document is not None:
            props["document"] = _ref(document)
            variants.append({"required": ["document"]})
        name = question.capitalize()
        schemas[f"{name}CheckRequest"] = {
            "type": "object",
            "properties": props,
            "oneOf": variants,
            "additionalProperties": False,
        }
        batch: dict[str, Any] = {
            "facts": {"type": "array", "items": facts},
            "pack": props["pack"],
            **common,
        }
        batch_variants: list[dict[str, Any]] = [{"required": ["facts"]}]
        if document is not None:
            batch["documents"] = {"type": "array", "items": _ref(document)}
            batch_variants.append({"required": ["documents"]})
        schemas[f"{name}BatchRequest"] = {
            "type": "object",
            "properties": batch,
            "oneOf": batch_variants,
            "additionalProperties": False,
        }
    return schemas


def shipped_schemes() -> tuple[str, ...]:
    """Ids of the scoring schemes sep ships (4.3.7-d): the only ones a client may name."""
    from sep.assessment._scheme import _FILES

    return tuple(sorted(_FILES))


def _packs_for(question: str) -> tuple[str, ...]:
    from sep.evaluation import builtin_pack, builtin_packs

    return tuple(p for p in builtin_packs() if builtin_pack(p).question == question)


def _problems(*codes: int) -> dict[str, Any]:
    return {
        str(code): {
            "description": "problem details (RFC 9457)",
            "content": {"application/problem+json": {"schema": _ref("Problem")}},
        }
        for code in codes
    }


def _post(summary: str, request: str | None, answer: str | None = None) -> dict[str, Any]:
    schema = _ref(answer) if answer is not None else {}
    op: dict[str, Any] = {
        "summary": summary,
        "responses": {
            "200": {
                "description": "the answer",
                "content": {"application/json": {"schema": schema}},
            },
            **_problems(400, 413, 415, 422, 503),
        },
    }
    if request is not None:
        op["requestBody"] = {
            "required": True,
            "content": {"application/json": {"schema": _ref(request)}},
        }
    return {"post": op}


def _get(summary: str, *params: dict[str, Any]) -> dict[str, Any]:
    return {
        "get": {
            "summary": summary,
            "parameters": list(params),
            "responses": {"200": {"description": "the answer"}, **_problems(404, 422)},
        }
    }


def openapi_document(version: str) -> dict[str, Any]:
    """The OpenAPI 3.1 document of the service for ``sep`` ``version``."""
    query = {"in": "query", "required": False, "schema": {"type": "string"}}
    paths: dict[str, Any] = {
        "/v1/health": _get("liveness, version and shipped packs"),
        "/v1/packs": _get("the shipped rule packs, their inputs, parameters and criteria"),
        "/v1/parameters": _get(
            "parameters with every dated value and its source, and the value on a date",
            {**query, "name": "pack"},
            {**query, "name": "on", "schema": {"type": "string", "format": "date"}},
        ),
        "/v1/schemas": _get("names of the JSON Schemas served"),
        "/v1/schemas/{name}": _get(
            "a JSON Schema: enterprise, incubatee, platform, decision, batch-summary, "
            "audit-report, incubatee-file or inputs/<pack id>",
            {"in": "path", "name": "name", "required": True, "schema": {"type": "string"}},
        ),
        "/v1/decisions/replay": _post(
            "evaluate a decision record again (same inputs, parameters, date)",
            "DecisionRecord",
            "Decision",
        ),
        "/v1/decisions/verify": _post(
            "does a decision record replay to its digest and outcomes?", "DecisionRecord"
        ),
        "/v1/screen": _post(
            "screen a cohort (4.3.3): normalised scores and a decision per applicant, whose "
            "record admits the applicant's file",
            "ScreenRequest",
        ),
        "/v1/lifecycle": _get("states and triggers of the incubation process (4.3.2, 4.3.6)"),
        "/v1/lifecycle/state": _post(
            "state, allowed triggers and version (ETag) of an incubatee document",
            "LifecycleStateRequest",
        ),
    }
    fire = _post(
        "fire a trigger on an incubatee document; returns the new document (4.3.2, 4.3.6)",
        "LifecycleFireRequest",
    )
    fire["post"]["parameters"] = [
        {
            "in": "header",
            "name": "If-Match",
            "required": False,
            "description": "the version (ETag) the caller last read; 412 when the document "
            "sent is another",
            "schema": {"type": "string"},
        }
    ]
    fire["post"]["responses"].update(_problems(409, 412))
    paths["/v1/lifecycle/fire"] = fire
    audit = _post("audit a platform clause by clause (4.1–4.3.7)", "AuditRequest")
    audit["post"]["parameters"] = [
        {**query, "name": "format", "schema": {"enum": ["json", "markdown", "html"]}},
        {**query, "name": "lang", "schema": {"enum": ["en", "zh"]}},
    ]
    audit["post"]["responses"]["200"]["content"] = {
        "application/json": {"schema": _ref("AuditReport")},
        "text/markdown": {"schema": {"type": "string"}},
        "text/html": {"schema": {"type": "string"}},
    }
    paths["/v1/audit"] = audit
    for question, clause in (
        ("eligibility", "3.1, 4.2.1"),
        ("graduation", "4.3.5"),
        ("evaluation", "4.3.7-b"),
    ):
        name = question.capitalize()
        paths[f"/v1/check/{question}"] = _post(
            f"decide {question} ({clause}) for named inputs or a document",
            f"{name}CheckRequest",
            "Decision",
        )
        paths[f"/v1/check/{question}/batch"] = _post(
            f"decide {question} ({clause}) for many rows: outcomes and counts",
            f"{name}BatchRequest",
            "BatchSummary",
        )
        paths[f"/v1/why-not/{question}"] = _post(
            f"the smallest changes that would make {question} met ({clause})",
            f"{name}CheckRequest",
        )
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "sep: T/CATE 0001—2020 as a service",
            "version": version,
            "description": "Eligibility (3.1, 4.2.1), graduation (4.3.5), evaluation "
            "(4.3.7) decisions, the incubation lifecycle (4.3.2, 4.3.6) and the audit "
            "(4.1–4.3.7). Errors are RFC 9457 problem details.",
        },
        "paths": dict(sorted(paths.items())),
        "components": {"schemas": _components()},
    }
