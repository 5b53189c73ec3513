"""JSON Schema of a rule pack's named inputs (3.1, 4.2.1, 4.3.5, 4.3.7 and other packs).

Integrators who send flat facts rather than domain documents validate them against
:func:`input_schema`; it is derived from the pack's declared inputs, so it cannot drift
from what the evaluator reads. Every property is optional: a missing input is *unknown*.
"""

from __future__ import annotations

from typing import Any

from sep.evaluation._api import _pack
from sep.evaluation._spec import InputSpec, RulePack

__all__ = ["input_schema"]

_DECIMAL = {"type": "string", "pattern": r"^-?\d+(\.\d+)?$"}
_MONEY = {
    "anyOf": [
        _DECIMAL,
        {"type": "integer"},
        {
            "type": "object",
            "properties": {
                "amount": {"anyOf": [_DECIMAL, {"type": "integer"}]},
                "currency": {"const": "CNY"},
            },
            "required": ["amount"],
            "additionalProperties": False,
        },
    ]
}
_PERIOD = r"^\d{4}(-?Q[1-4])?$"
_NON_NEGATIVE = {"type": "string", "pattern": r"^\d+(\.\d+)?$"}
_NON_NEGATIVE_MONEY = {
    "anyOf": [
        _NON_NEGATIVE,
        {"type": "integer", "minimum": 0},
        {
            "type": "object",
            "properties": {
                "amount": {"anyOf": [_NON_NEGATIVE, {"type": "integer", "minimum": 0}]},
                "currency": {"const": "CNY"},
            },
            "required": ["amount"],
            "additionalProperties": False,
        },
    ]
}


def _property(spec: InputSpec) -> dict[str, Any]:
    schema: dict[str, Any]
    if spec.type == "bool":
        schema = {"type": "boolean"}
    elif spec.type == "money":
        schema = dict(_NON_NEGATIVE_MONEY if spec.minimum == 0 else _MONEY)
    elif spec.type == "number":
        bounds: dict[str, Any] = {}
        if spec.minimum is not None:
            bounds["minimum"] = float(spec.minimum)
        if spec.maximum is not None:
            bounds["maximum"] = float(spec.maximum)
        schema = {"anyOf": [{"type": "number", **bounds}, _DECIMAL]}
    elif spec.type == "enum":
        schema = {"enum": [*spec.values, *spec.unknown]}
    else:  # a series: amounts per period, as a table or a list of rows
        amount = _NON_NEGATIVE_MONEY if spec.minimum == 0 else _MONEY
        period = {"year": r"^\d{4}$", "quarter": r"^\d{4}-?Q[1-4]$"}.get(spec.period, _PERIOD)
        schema = {
            "anyOf": [
                {
                    "type": "object",
                    "propertyNames": {"pattern": period},
                    "additionalProperties": {"anyOf": [amount, {"type": "null"}]},
                },
                {
                    "type": "array",
                    "items": {
                        "type": "object",
                        "properties": {
                            "period": {"type": "string", "pattern": period},
                            "amount": {"anyOf": [amount, {"type": "null"}]},
                        },
                        "required": ["period"],
                    },
                },
            ]
        }
    unit = f" ({spec.unit})" if spec.unit else ""
    return {
        "anyOf": [schema, {"type": "null"}],
        "description": f"{spec.en}{unit} — {spec.zh} [{spec.clause}]",
    }


def input_schema(pack: RulePack | str) -> dict[str, Any]:
    """A JSON Schema (draft 2020-12) for the flat inputs of ``pack``.

    Args:
        pack: A :class:`RulePack`, a shipped pack id, or ``"graduation"``,
            ``"eligibility"``, ``"evaluation"`` for the T/CATE packs.

    Example:
        >>> schema = input_schema("graduation")
        >>> sorted(schema["properties"])[:3], schema.get("required", [])
        (['acquired_by_founder', 'largest_financing_round', 'listed'], [])
    """
    aliases = {
        "graduation": "t-cate-0001-2020/graduation",
        "eligibility": "t-cate-0001-2020/eligibility",
        "evaluation": "t-cate-0001-2020/evaluation",
    }
    rules = _pack(aliases.get(pack, pack) if isinstance(pack, str) else pack)
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": f"{rules.en} — inputs",
        "description": f"Named inputs of rule pack {rules.id} ({rules.edition}); "
        "every input is optional: a missing one is unknown.",
        "type": "object",
        "properties": {name: _property(spec) for name, spec in sorted(rules.inputs.items())},
        "additionalProperties": False,
    }
