"""JSON in and out for every domain object, and a JSON Schema for each.

cattrs does the structuring; this module teaches it the domain's value types (Decimal,
:class:`Money`, :class:`Period`, GB/T 4754 codes, dates) and turns every structuring
failure into one :class:`~sep.errors.ValidationError` naming the field path and the
clause whose data it is. The round trip is lossless: amounts travel as decimal strings.
"""

from __future__ import annotations

import datetime as dt
import enum
import json
import re
import sys
import types
import typing
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal
from functools import cache
from itertools import repeat
from typing import Any, TypeVar, get_args, get_origin

import attrs
import cattrs
import cattrs.gen
from cattrs.errors import AttributeValidationNote, ForbiddenExtraKeysError, IterableValidationNote

from sep._i18n import N_
from sep._json import loads
from sep._limits import (
    AMOUNT_PATTERN,
    DATE_PATTERN,
    DATETIME_PATTERN,
    END,
    MAX_AMOUNT,
    MAX_DECIMALS,
    MAX_INT_DIGITS,
    MAX_NUMBER_CHARS,
    NON_NEGATIVE_AMOUNT_PATTERN,
    PERIOD_PATTERN,
    YEAR_PATTERN,
    decimal_pattern,
)
from sep._reason import R_
from sep.domain._enterprise import Enterprise
from sep.domain._fields import close_match, plain, to_decimal
from sep.domain._incubatee import Incubatee
from sep.domain._industry import GBT_4754_2017_SECTIONS, IndustryCode
from sep.domain._money import Money, Period
from sep.errors import MISSING, SepError, ValidationError

__all__ = ["from_dict", "from_json", "json_schema", "to_dict", "to_json"]
# amount_schema, bounded_number_schema and SCHEMA_LIMITS serve sep.evaluation's input schema.

T = TypeVar("T")

#: The optional marker a document may carry to say what it is (``"kind": "incubatee"``),
#: read by :func:`from_dict` and by the rule checks (which tell documents from named inputs).
KIND = "kind"
#: The ``kind`` of each class whose documents may carry the marker.
DOCUMENT_KINDS: dict[type, str] = {Incubatee: "incubatee", Enterprise: "enterprise"}
# Dates and times are read by the grammar their schema states (no "20250101", no week dates,
# no naive times), then checked for a real day by the standard library.
_DATE = re.compile(DATE_PATTERN)
_DATETIME = re.compile(DATETIME_PATTERN)
SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"


def _structure_decimal(value: Any, _tp: Any) -> Decimal:
    return to_decimal(value)


def _structure_money(value: Any, _tp: Any) -> Money:
    if isinstance(value, Money):
        return value
    if isinstance(value, Mapping):
        extra = set(value) - {"amount", "currency"}
        if extra:
            raise ValidationError(sorted(extra)[0], MISSING, N_("is not a field of Money"))
        if "amount" not in value:
            raise ValidationError("amount", MISSING, N_("is required"))
        return Money(value["amount"], value.get("currency", "CNY"))
    # A bare number or numeric string is an amount in CNY, the standard's currency.
    return Money(value)


def _structure_period(value: Any, _tp: Any) -> Period:
    if isinstance(value, Period):
        return value
    if isinstance(value, int) and not isinstance(value, bool):
        return Period(value)
    return Period.parse(value)


def _structure_date(value: Any, _tp: Any) -> dt.date:
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return value
    if not isinstance(value, str) or _DATE.fullmatch(value) is None:
        raise ValidationError("", value, N_("must be a date written YYYY-MM-DD"))
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise ValidationError("", value, N_("must be a date written YYYY-MM-DD")) from None


def _structure_datetime(value: Any, _tp: Any) -> dt.datetime:
    if isinstance(value, dt.datetime):
        return value
    if not isinstance(value, str) or _DATETIME.fullmatch(value) is None:
        raise ValidationError("", value, N_("must be an ISO 8601 date-time with offset"))
    try:
        return dt.datetime.fromisoformat(value)
    except ValueError:
        raise ValidationError("", value, N_("must be an ISO 8601 date-time with offset")) from None


def _structure_industry(value: Any, _tp: Any) -> IndustryCode:
    if isinstance(value, IndustryCode):
        return value
    try:
        return IndustryCode.parse(value)
    except ValidationError as err:
        # The path to the field is added by the caller; keep only the reason here.
        raise ValidationError("", value, err.reason, clause=err.clause) from None


_INT_BOUND = 10**MAX_INT_DIGITS


def _structure_strict(tp: type) -> Any:
    def hook(value: Any, actual: Any) -> Any:
        if isinstance(actual, type) and issubclass(actual, enum.Enum):
            # StrEnums are strs: the dispatch on ``str`` reaches here for them too.
            return _structure_enum(value, actual)
        if not isinstance(value, tp) or (tp is int and isinstance(value, bool)):
            raise ValidationError(
                "", value, R_("must be {json_type_name}", json_type_name=_json_type_name(tp))
            )
        if tp is int and not -_INT_BOUND < value < _INT_BOUND:
            raise ValidationError(
                "",
                value,
                R_("has more than {max_int_digits} digits", max_int_digits=MAX_INT_DIGITS),
            )
        return value

    return hook


def _is_optional_strict(tp: Any) -> bool:
    if get_origin(tp) not in (typing.Union, types.UnionType):
        return False
    args = get_args(tp)
    return len(args) == 2 and type(None) in args and any(a in (str, int, bool) for a in args)


def _structure_optional_strict(value: Any, tp: Any) -> Any:
    if value is None:
        return None
    inner = next(a for a in get_args(tp) if a is not type(None))
    return _structure_strict(inner)(value, inner)


def _origin(tp: Any) -> Any:
    return get_origin(tp)


def _is_many(tp: Any) -> bool:
    origin: Any = get_origin(tp)
    args = get_args(tp)
    return origin is frozenset or (origin is tuple and len(args) == 2 and args[1] is Ellipsis)


def _is_fixed(tp: Any) -> bool:
    args = get_args(tp)
    return get_origin(tp) is tuple and bool(args) and Ellipsis not in args


def _json_type_name(tp: type) -> str:
    return {str: "a string", int: "an integer", bool: "true or false"}.get(tp, tp.__name__)


def _structure_enum(value: Any, tp: type[enum.Enum]) -> enum.Enum:
    try:
        return tp(value)
    except ValueError:
        allowed = ", ".join(repr(m.value) for m in tp)
        raise ValidationError("", value, R_("must be one of {allowed}", allowed=allowed)) from None


def _make_converter() -> cattrs.Converter:
    conv = cattrs.Converter(forbid_extra_keys=True, detailed_validation=True)
    conv.register_structure_hook(Decimal, _structure_decimal)
    # Plain decimals (never "1E+7"): what the amount reader and the schema accept back.
    conv.register_unstructure_hook(Decimal, plain)
    conv.register_structure_hook(Money, _structure_money)
    conv.register_unstructure_hook(
        Money, lambda m: {"amount": plain(m.amount), "currency": m.currency}
    )
    conv.register_structure_hook(Period, _structure_period)
    conv.register_unstructure_hook(Period, str)
    conv.register_structure_hook(dt.datetime, _structure_datetime)
    conv.register_unstructure_hook(dt.datetime, lambda d: d.isoformat())
    conv.register_structure_hook(dt.date, _structure_date)
    conv.register_unstructure_hook(dt.date, lambda d: d.isoformat())
    conv.register_structure_hook(IndustryCode, _structure_industry)
    conv.register_unstructure_hook(IndustryCode, str)
    for tp in (str, int, bool):
        conv.register_structure_hook(tp, _structure_strict(tp))
    conv.register_structure_hook_func(_is_optional_strict, _structure_optional_strict)
    conv.register_structure_hook(enum.Enum, _structure_enum)

    def structure_many(value: Any, tp: Any) -> Any:
        # cattrs would happily split a string into characters; JSON arrays only.
        if isinstance(value, str | bytes | Mapping) or not isinstance(value, Iterable):
            raise ValidationError("", value, N_("must be a JSON array"))
        return get_origin(tp)(structure_items(zip(value, repeat(get_args(tp)[0]))))

    def structure_items(typed: Iterable[tuple[Any, Any]]) -> list[Any]:
        # Each item by its type, a refusal naming the item's index.
        items = []
        for i, (item, item_type) in enumerate(typed):
            try:
                items.append(conv.structure(item, item_type))
            except Exception as exc:
                raise _translate(exc, item_type).at(f"[{i}]") from None
        return items

    conv.register_structure_hook_func(_is_many, structure_many)

    def structure_fixed(value: Any, tp: Any) -> Any:
        # A pair (key, value) is a JSON array of two: cattrs would read "ab" as ("a", "b").
        item_types = get_args(tp)
        if isinstance(value, str | bytes | Mapping) or not isinstance(value, Sequence):
            raise ValidationError("", value, N_("must be a JSON array"))
        if len(value) != len(item_types):
            raise ValidationError(
                "", value, R_("must be a JSON array of {n} items", n=len(item_types))
            )
        return tuple(structure_items(zip(value, item_types, strict=True)))

    conv.register_structure_hook_func(_is_fixed, structure_fixed)
    for cls, kind in DOCUMENT_KINDS.items():  # last: the generated hooks use those above
        conv.register_structure_hook(cls, _kind_marked(cls, kind, conv))
    conv.register_unstructure_hook_func(
        lambda t: _origin(t) is frozenset,
        lambda s: sorted(conv.unstructure(item) for item in s),
    )
    return conv


def _kind_marked(cls: type, kind: str, conv: cattrs.Converter) -> Any:
    base: Any = cattrs.gen.make_dict_structure_fn(cls, conv)

    def hook(value: Any, tp: Any) -> Any:
        # A document may say what it is; it must then say it right, and the marker is no field.
        if isinstance(value, Mapping) and KIND in value:
            if value[KIND] != kind or type(value[KIND]) is not str:
                raise ValidationError(
                    KIND, value[KIND], R_("must be {kind!r} for {cls}", kind=kind, cls=cls.__name__)
                )
            value = {k: v for k, v in value.items() if k != KIND}
        return base(value, tp)

    return hook


_CONVERTER = _make_converter()


def to_dict(obj: Any) -> Any:
    """Turn a domain object into plain JSON-able data (dicts, lists, strings, numbers).

    Example:
        >>> to_dict(Money.wan(5))
        {'amount': '50000', 'currency': 'CNY'}
    """
    return _CONVERTER.unstructure(obj)


def to_json(obj: Any, *, indent: int | None = None) -> str:
    """Serialise a domain object to JSON text (amounts as decimal strings)."""
    return json.dumps(to_dict(obj), ensure_ascii=False, indent=indent)


def from_dict(cls: type[T], data: Any) -> T:
    """Build ``cls`` from plain data, validating everything.

    Raises:
        ValidationError: naming the field path (``financials[1].revenue.amount``), the
            bad value and the clause whose data the field is.

    Example:
        >>> from sep.domain import Incubatee
        >>> from_dict(Incubatee, {"id": "x", "name": "X", "origin": "martian"})
        ... # doctest: +ELLIPSIS
        Traceback (most recent call last):
        ...
        sep.errors.ValidationError: origin: must be one of 'internal', ... (got 'martian') [...]
    """
    try:
        return _CONVERTER.structure(data, cls)
    except Exception as exc:  # every failure becomes one ValidationError with a path
        raise _translate(exc, cls) from None


def from_json(cls: type[T], text: str | bytes) -> T:
    """Parse JSON text into ``cls`` (numbers are read as Decimal, never float).

    The text is read by the bounded JSON reader (:func:`sep._json.loads`): UTF-8, at most
    :data:`~sep._limits.MAX_JSON_BYTES` bytes and :data:`~sep._limits.MAX_DEPTH` levels,
    no duplicate keys, no ``NaN`` and no oversized integers.

    Raises:
        ValidationError: the text is not such JSON, or the data is not a valid ``cls``.

    Example:
        >>> from sep.domain import Incubatee
        >>> from_json(Incubatee, '{"id": "a", "id": "b"}')
        Traceback (most recent call last):
        ...
        sep.errors.ValidationError: the key 'id' is given twice (got 'id')
    """
    return from_dict(cls, loads(text))


def _segment(exc: BaseException) -> str:
    for note in getattr(exc, "__notes__", ()):
        if isinstance(note, AttributeValidationNote):
            return note.name
        if isinstance(note, IterableValidationNote):
            return f"[{note.index}]"
    return ""


def _join(path: str, segment: str) -> str:
    if not segment:
        return path
    if not path or segment.startswith("["):
        return f"{path}{segment}"
    return f"{path}.{segment}"


def _leaf(exc: BaseException, path: str) -> tuple[BaseException, str]:
    while isinstance(exc, BaseExceptionGroup):
        sub = exc.exceptions[0]
        path = _join(path, _segment(sub))
        exc = sub
    return exc, path


def _translate(exc: BaseException, cls: type) -> ValidationError:
    leaf, path = _leaf(exc, "")
    clause = _clause_at(cls, path)
    if isinstance(leaf, ValidationError):
        err = leaf.at(path)
        if err.clause is None and clause is not None:
            return ValidationError(err.field, err.value, err.reason, clause=clause)
        return err
    if isinstance(leaf, ForbiddenExtraKeysError):
        key = sorted(leaf.extra_fields)[0]
        names = [f.name for f in attrs.fields(leaf.cl)] if attrs.has(leaf.cl) else []
        close = close_match(str(key), names)
        guess = R_("; did you mean {close!r}?", close=close) if close else ""
        return ValidationError(
            _join(path, key),
            MISSING,
            R_("is not a field of {cl}{guess}", cl=leaf.cl.__name__, guess=guess),
            clause=clause,
        )
    if isinstance(leaf, KeyError):
        name = str(leaf.args[0]) if leaf.args else "?"
        # cattrs already notes the missing attribute's name on the path.
        full = path if path.rsplit(".", 1)[-1] == name else _join(path, name)
        return ValidationError(full, MISSING, N_("is required"), clause=_clause_at(cls, full))
    if isinstance(leaf, SepError):
        return ValidationError(path, MISSING, str(leaf), clause=clause)
    if isinstance(leaf, AttributeError) and not path:
        return ValidationError("", type(exc).__name__, N_("must be a JSON object"), clause=clause)
    if isinstance(leaf, TypeError | ValueError | AttributeError):
        return ValidationError(
            path, MISSING, R_("has the wrong shape: {leaf}", leaf=leaf), clause=clause
        )
    return ValidationError(
        path, MISSING, R_("could not be read: {leaf!r}", leaf=leaf), clause=clause
    )


def _clause_at(cls: type, path: str) -> str | None:
    """The clause recorded on the deepest attrs field named along ``path``."""
    clause: str | None = None
    current: Any = cls
    for part in path.replace("[", ".[").split("."):
        if not part or part.startswith("["):
            current = _item_type(current)
            continue
        if not (isinstance(current, type) and attrs.has(current)):
            break
        field = attrs.fields_dict(current).get(part)
        if field is None:
            break
        clause = field.metadata.get("clause") or clause
        current = _resolved_types(current).get(part)
    return clause


def _item_type(tp: Any) -> Any:
    args = [a for a in get_args(tp) if a is not Ellipsis and a is not type(None)]
    if get_origin(tp) in (tuple, frozenset, list) and args:
        return args[0]
    if args:
        return _item_type(args[0])
    return tp


@cache
def _resolved_types(cls: type) -> dict[str, Any]:
    return typing.get_type_hints(cls)


# --- JSON Schema -------------------------------------------------------------------------
# The schema states what ``from_dict`` accepts, built from the same definitions: the
# grammars of :mod:`sep._limits`, the validators' own bounds (:func:`schema_hint`), the
# enum values and the GB/T 4754 table. tests/test_schema_truth.py checks the two agree.

#: What JSON Schema cannot say and ``sep`` still checks (each schema's description lists
#: them, so an integrator knows a schema-valid document may yet be refused for these).
SCHEMA_LIMITS = (
    "items that must be unique by a key (one financial record per period, one resource "
    "per id, one module per kind, one incubatee per id, ...): sep refuses the repeat",
    "rules across fields (events agree with the yes/no facts, an evaluating body's members "
    "agree with its kind, revisions are dated in order, ...)",
    "a date-time whose day does not exist in its month (2025-02-30T09:00:00Z)",
    "text holding a lone surrogate (\\ud800), which is not Unicode text",
    f"an amount written as a JSON number with more than {MAX_DECIMALS} digits after the "
    "point (as a string, the pattern says so)",
)

_MAX = int(MAX_AMOUNT)


def amount_schema(*, non_negative: bool = False) -> dict[str, Any]:
    """The JSON forms of an amount: a decimal string by the amount grammar, or a number.

    A JSON number is read exactly (as a Decimal, never a float); both forms are bounded by
    :data:`~sep._limits.MAX_AMOUNT`.
    """
    pattern = NON_NEGATIVE_AMOUNT_PATTERN if non_negative else AMOUNT_PATTERN
    return {
        "anyOf": [
            {"type": "string", "pattern": pattern, "maxLength": MAX_NUMBER_CHARS},
            {"type": "number", "minimum": 0 if non_negative else -_MAX, "maximum": _MAX},
        ]
    }


def _money_schema(*, non_negative: bool) -> dict[str, Any]:
    amount = amount_schema(non_negative=non_negative)
    sign = "not negative, " if non_negative else ""
    return {
        "description": f"An amount of money ({sign}a decimal string or a number, at most "
        f"{_MAX:,} in magnitude) with an ISO 4217 currency; a bare amount is in CNY.",
        "anyOf": [
            {
                "type": "object",
                "properties": {
                    "amount": amount,
                    "currency": {"type": "string", "pattern": "^[A-Z]{3}" + END, "default": "CNY"},
                },
                "required": ["amount"],
                "additionalProperties": False,
            },
            *amount["anyOf"],
        ],
    }


def bounded_number_schema(low: Decimal, high: Decimal) -> dict[str, Any]:
    """A number in [low, high], as a JSON number or a decimal string by the amount grammar.

    The string form can state the bound exactly for the ranges amounts and scores have:
    0 up to a power of ten, or ± :data:`~sep._limits.MAX_AMOUNT`; any other range states
    the bound on the number form and the amount grammar's own bound on strings.
    """
    top = Decimal(high)
    power = top == Decimal(10) ** (len(str(int(top))) - 1) and top == int(top)
    if Decimal(low) == 0 and power:
        pattern = decimal_pattern(top, signed=False)
    elif Decimal(low) >= 0 and Decimal(low) <= MAX_AMOUNT:
        pattern = NON_NEGATIVE_AMOUNT_PATTERN
    else:
        pattern = AMOUNT_PATTERN
    return {
        "anyOf": [
            {"type": "string", "pattern": pattern, "maxLength": MAX_NUMBER_CHARS},
            {"type": "number", "minimum": _json_number(low), "maximum": _json_number(high)},
        ]
    }


def _json_number(value: Any) -> int | float:
    number = Decimal(value)
    return int(number) if number == number.to_integral_value() else float(number)


def _integer(hints: Mapping[str, Any]) -> dict[str, Any]:
    # Unbounded integers are still bounded by the JSON reader (MAX_INT_DIGITS digits).
    biggest = 10**MAX_INT_DIGITS - 1
    low = hints.get("minimum", -biggest)
    high = hints.get("maximum", biggest)
    return {"type": "integer", "minimum": int(low), "maximum": int(high)}


def _period_schema(*, years_only: bool = False) -> dict[str, Any]:
    return {
        "description": "a year (2025) or, where quarters are allowed, a quarter (2025Q2)"
        if not years_only
        else "a year (2025)",
        "anyOf": [
            {"type": "string", "pattern": YEAR_PATTERN if years_only else PERIOD_PATTERN},
            {"type": "integer", "minimum": 1900, "maximum": 2999},
        ],
    }


def _unicode_class(chars: Iterable[str]) -> str:
    out = []
    for char in sorted(chars):
        out.append(re.escape(char) if char.isascii() and char.isalnum() else f"\\u{ord(char):04x}")
    return "[" + "".join(out) + "]"


@cache
def _industry_pattern() -> str:
    """GB/T 4754-2017 codes exactly as :meth:`IndustryCode.parse` reads them.

    Surrounding blanks (whatever ``str.strip`` removes) are allowed, the letter in either
    case (whatever ``str.upper`` turns into it, such as "ſ" for S), the division must be
    one of the table's and must belong to the letter given.
    """
    blanks: list[str] = []
    spellings: dict[str, list[str]] = {s.letter: [] for s in GBT_4754_2017_SECTIONS}
    for code in range(sys.maxunicode + 1):
        char = chr(code)
        if char.isspace():
            blanks.append(char)
        upper = char.upper()
        if upper in spellings:
            spellings[upper].append(char)
    sections = []
    for section in GBT_4754_2017_SECTIONS:
        letter = _unicode_class(spellings[section.letter])
        divisions = "|".join(
            f"{d:02d}" for d in range(section.first_division, section.last_division + 1)
        )
        sections.append(f"{letter}|{letter}?(?:{divisions})[0-9]{{0,2}}")
    space = _unicode_class(blanks)
    return f"^{space}*(?:{'|'.join(sections)}){space}*$"


def _hints(field: attrs.Attribute[Any]) -> dict[str, Any]:
    validator = field.validator
    validators = getattr(validator, "_validators", None) or ((validator,) if validator else ())
    hints: dict[str, Any] = {}
    for each in validators:
        hints.update(getattr(each, "json_schema", {}))
    return hints


def json_schema(cls: type) -> dict[str, Any]:
    """A JSON Schema (draft 2020-12) for the JSON form of ``cls``.

    It accepts exactly what :func:`from_dict` accepts, but for ``SCHEMA_LIMITS`` (which
    its description lists): every object lists its fields with their description and
    clause; amounts are decimal strings by the amount grammar of :mod:`sep._limits` or
    numbers, both bounded; enums list their values; unknown fields are refused.

    Example:
        >>> from sep.domain import Incubatee
        >>> schema = json_schema(Incubatee)
        >>> schema["$ref"], sorted(schema["$defs"]["Incubatee"]["required"])
        ('#/$defs/Incubatee', ['id', 'name', 'origin'])
    """
    defs: dict[str, Any] = {}
    root = _schema_for(cls, defs, {})
    first = (cls.__doc__ or cls.__name__).strip().splitlines()[0]
    limits = "; ".join(SCHEMA_LIMITS)
    return {
        "$schema": SCHEMA_DIALECT,
        "$id": f"https://sep.invalid/schema/{cls.__name__}.json",
        "title": cls.__name__,
        "description": f"{first} Not expressible here, checked by sep: {limits}.",
        **root,
        "$defs": defs,
    }


def _schema_for(tp: Any, defs: dict[str, Any], hints: Mapping[str, Any]) -> dict[str, Any]:
    origin = get_origin(tp)
    if origin in (typing.Union, types.UnionType):
        options = [a for a in get_args(tp) if a is not type(None)]
        inner = (
            _schema_for(options[0], defs, hints)
            if len(options) == 1
            else {"anyOf": [_schema_for(o, defs, hints) for o in options]}
        )
        return {"anyOf": [inner, {"type": "null"}]}
    if origin is tuple:
        args = get_args(tp)
        if len(args) == 2 and args[1] is Ellipsis:
            items = {"type": "array", "items": _schema_for(args[0], defs, {})}
            return {**items, **({"minItems": hints["minItems"]} if "minItems" in hints else {})}
        return {
            "type": "array",
            "prefixItems": [_schema_for(a, defs, {}) for a in args],
            "minItems": len(args),
            "maxItems": len(args),
        }
    if origin is frozenset:
        # A set: a repeated item is the same item, so repeats are allowed (and dropped).
        return {"type": "array", "items": _schema_for(get_args(tp)[0], defs, {})}
    if tp is bool:
        return {"type": "boolean"}
    if tp is int:
        return _integer(hints)
    if tp is str:
        return {"type": "string", **({"pattern": hints["pattern"]} if "pattern" in hints else {})}
    if tp is Decimal:
        if "minimum" in hints or "maximum" in hints:
            return bounded_number_schema(hints.get("minimum", -_MAX), hints.get("maximum", _MAX))
        return amount_schema()
    if tp is dt.datetime:
        # No "format": date-time: RFC 3339 has no offsets with seconds, which sep writes.
        return {"type": "string", "pattern": DATETIME_PATTERN}
    if tp is dt.date:
        return {"type": "string", "format": "date", "pattern": DATE_PATTERN}
    if tp is Period:
        return _period_schema(years_only=hints.get("period") == "year")
    if tp is IndustryCode:
        return {
            "type": "string",
            "pattern": _industry_pattern(),
            "description": "GB/T 4754-2017 code: section letter, division, group or class",
        }
    if isinstance(tp, type) and issubclass(tp, enum.Enum):
        return {"enum": [m.value for m in tp]}
    if tp is Money:
        name = "NonNegativeMoney" if hints.get("minimum") == 0 else "Money"
        defs.setdefault(name, _money_schema(non_negative=name != "Money"))
        return {"$ref": f"#/$defs/{name}"}
    if isinstance(tp, type) and attrs.has(tp):
        name = tp.__name__
        if name not in defs:
            defs[name] = {}  # placeholder against recursion
            types_of = _resolved_types(tp)
            properties: dict[str, Any] = {}
            required: list[str] = []
            for field in attrs.fields(tp):
                prop = dict(_schema_for(types_of[field.name], defs, _hints(field)))
                doc = field.metadata.get("doc")
                clause = field.metadata.get("clause")
                if doc:
                    prop["description"] = f"{doc} [{clause}]" if clause else doc
                if field.default is attrs.NOTHING:
                    required.append(field.name)
                properties[field.name] = prop
            defs[name] = {
                "type": "object",
                "description": (tp.__doc__ or name).strip().splitlines()[0],
                "properties": properties,
                "required": required,
                "additionalProperties": False,
            }
            if tp in DOCUMENT_KINDS:  # the optional marker from_dict accepts
                defs[name]["properties"][KIND] = {
                    "const": DOCUMENT_KINDS[tp],
                    "description": "Optional: what this document is.",
                }
        return {"$ref": f"#/$defs/{name}"}
    raise TypeError(f"no JSON Schema for {tp!r}")  # a programming error, caught by tests
