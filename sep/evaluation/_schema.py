"""JSON Schema of a rule pack's named inputs (3.1, 4.2.1, 4.3.5, 4.3.7 and other packs).

Integrators who send flat facts rather than domain documents validate them against
:func:`input_schema`; it is derived from the pack's declared inputs and from the grammars
of :mod:`sep._limits` the readers use, so it cannot drift from what the evaluator reads.
Every property is optional: a missing input (absent, ``null`` or ``""``) is *unknown*.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from sep._limits import MAX_AMOUNT, MAX_DECIMALS, MAX_SERIES_SPAN, QUARTER_PATTERN, YEAR_PATTERN
from sep.domain._serde import SCHEMA_DIALECT, amount_schema, bounded_number_schema
from sep.evaluation._api import _pack
from sep.evaluation._spec import InputSpec, RulePack

__all__ = ["input_schema"]

#: What JSON Schema cannot say about named inputs and ``sep`` still checks.
INPUT_SCHEMA_LIMITS = (
    "a period given twice in one series (two rows for 2025Q1, or both 2025Q1 and "
    "2025-Q1): JSON Schema cannot say 'unique by period'; sep refuses the repeat",
    f"a series spanning more than {MAX_SERIES_SPAN} periods from its first to its last",
    f"an amount written as a JSON number with more than {MAX_DECIMALS} digits after the "
    "point (as a string, the pattern says so)",
)


def _money(spec: InputSpec) -> dict[str, Any]:
    if spec.minimum is not None and spec.minimum != 0:
        amount = bounded_number_schema(spec.minimum, MAX_AMOUNT)
    else:
        amount = amount_schema(non_negative=spec.minimum == 0)
    return {
        "anyOf": [
            *amount["anyOf"],
            {
                "type": "object",
                "properties": {"amount": amount, "currency": {"const": "CNY"}},
                "required": ["amount"],
                "additionalProperties": False,
            },
        ]
    }


def _series(spec: InputSpec) -> dict[str, Any]:
    amount = {"anyOf": [_money(spec), {"type": "null"}]}
    forms: list[dict[str, Any]] = []
    # Years and quarters are never mixed in one series: one form for each kind.
    # A pack may hold a series to one kind (``period = "year"``, as 第九条(十)3 does).
    kinds = {"year": (True,), "quarter": (False,)}.get(spec.period, (True, False))
    patterns = {True: YEAR_PATTERN, False: QUARTER_PATTERN}
    for integer_years in kinds:
        label = patterns[integer_years]
        period: dict[str, Any] = {"type": "string", "pattern": label}
        if integer_years:
            period = {"anyOf": [period, {"type": "integer", "minimum": 1900, "maximum": 2999}]}
        forms.append(
            {
                "type": "object",
                "propertyNames": {"pattern": label},
                "additionalProperties": amount,
            }
        )
        forms.append(
            {
                "type": "array",
                "items": {
                    "type": "object",
                    "properties": {"period": period, "amount": amount},
                    "required": ["period"],
                    "additionalProperties": False,
                },
            }
        )
    return {"anyOf": forms}


def _property(spec: InputSpec) -> dict[str, Any]:
    schema: dict[str, Any]
    if spec.type == "bool":
        schema = {"type": "boolean"}
    elif spec.type == "money":
        schema = _money(spec)
    elif spec.type == "number":
        low = spec.minimum if spec.minimum is not None else -MAX_AMOUNT
        high = spec.maximum if spec.maximum is not None else MAX_AMOUNT
        schema = bounded_number_schema(Decimal(low), Decimal(high))
    elif spec.type == "enum":
        schema = {"enum": [*spec.values, *spec.unknown]}
    else:  # a series: amounts per period, as a table or a list of rows
        schema = _series(spec)
    unit = f" ({spec.unit})" if spec.unit else ""
    return {
        # An absent input, null and an empty form field all mean "not known".
        "anyOf": [schema, {"type": "null"}, {"const": ""}],
        "description": f"{spec.en}{unit} — {spec.zh} [{spec.clause}]",
    }


def input_schema(pack: RulePack | str) -> dict[str, Any]:
    """A JSON Schema (draft 2020-12) for the flat inputs of ``pack``.

    It accepts exactly what :func:`~sep.evaluation.check` accepts as named inputs, but for
    what its description lists as not expressible in JSON Schema (a period repeated in a
    series). Unknown names are refused; amounts follow the grammar of :mod:`sep._limits`.

    Args:
        pack: A :class:`RulePack`, a shipped pack id, or ``"graduation"``,
            ``"eligibility"``, ``"evaluation"`` for the T/CATE packs.

    Example:
        >>> schema = input_schema("graduation")
        >>> sorted(schema["properties"])[:3], schema.get("required", [])
        (['acquired_by_founder', 'largest_financing_round', 'listed'], [])
        >>> schema["additionalProperties"]
        False
    """
    aliases = {
        "graduation": "t-cate-0001-2020/graduation",
        "eligibility": "t-cate-0001-2020/eligibility",
        "evaluation": "t-cate-0001-2020/evaluation",
    }
    rules = _pack(aliases.get(pack, pack) if isinstance(pack, str) else pack)
    limits = "; ".join(INPUT_SCHEMA_LIMITS)
    return {
        "$schema": SCHEMA_DIALECT,
        "title": f"{rules.en} — inputs",
        "description": f"Named inputs of rule pack {rules.id} ({rules.edition}); "
        "every input is optional: a missing one is unknown; a name the pack does not read "
        f"is refused. Not expressible here, checked by sep: {limits}.",
        "type": "object",
        "properties": {name: _property(spec) for name, spec in sorted(rules.inputs.items())},
        "additionalProperties": False,
    }
