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
import types
import typing
from collections.abc import Iterable, Mapping
from decimal import Decimal
from functools import cache
from typing import Any, TypeVar, get_args, get_origin

import attrs
import cattrs
import cattrs.gen
from cattrs.errors import AttributeValidationNote, ForbiddenExtraKeysError, IterableValidationNote

from sep._json import loads
from sep._limits import MAX_INT_DIGITS
from sep.domain._enterprise import Enterprise
from sep.domain._fields import close_match, plain, to_decimal
from sep.domain._incubatee import Incubatee
from sep.domain._industry import IndustryCode
from sep.domain._money import Money, Period
from sep.errors import MISSING, SepError, ValidationError

__all__ = ["from_dict", "from_json", "json_schema", "to_dict", "to_json"]

T = TypeVar("T")

#: The optional marker a document may carry to say what it is (``"kind": "incubatee"``),
#: read by :func:`from_dict` and by the rule checks (which tell documents from named inputs).
KIND = "kind"
#: The ``kind`` of each class whose documents may carry the marker.
DOCUMENT_KINDS: dict[type, str] = {Incubatee: "incubatee", Enterprise: "enterprise"}
SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"


def _structure_decimal(value: Any, _tp: Any) -> Decimal:
    return to_decimal(value)


def _structure_money(value: Any, _tp: Any) -> Money:
    if isinstance(value, Money):
        return value
    if isinstance(value, Mapping):
        extra = set(value) - {"amount", "currency"}
        if extra:
            raise ValidationError(sorted(extra)[0], MISSING, "is not a field of Money")
        if "amount" not in value:
            raise ValidationError("amount", MISSING, "is required")
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
    if not isinstance(value, str):
        raise ValidationError("", value, "must be a date written YYYY-MM-DD")
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise ValidationError("", value, "must be a date written YYYY-MM-DD") from None


def _structure_datetime(value: Any, _tp: Any) -> dt.datetime:
    if isinstance(value, dt.datetime):
        return value
    if not isinstance(value, str):
        raise ValidationError("", value, "must be an ISO 8601 date-time with offset")
    try:
        return dt.datetime.fromisoformat(value)
    except ValueError:
        raise ValidationError("", value, "must be an ISO 8601 date-time with offset") from None


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
            raise ValidationError("", value, f"must be {_json_type_name(tp)}")
        if tp is int and not -_INT_BOUND < value < _INT_BOUND:
            raise ValidationError("", value, f"has more than {MAX_INT_DIGITS} digits")
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


def _json_type_name(tp: type) -> str:
    return {str: "a string", int: "an integer", bool: "true or false"}.get(tp, tp.__name__)


def _structure_enum(value: Any, tp: type[enum.Enum]) -> enum.Enum:
    try:
        return tp(value)
    except ValueError:
        allowed = ", ".join(repr(m.value) for m in tp)
        raise ValidationError("", value, f"must be one of {allowed}") from None


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
            raise ValidationError("", value, "must be a JSON array")
        item_type = get_args(tp)[0]
        items = []
        for i, item in enumerate(value):
            try:
                items.append(conv.structure(item, item_type))
            except Exception as exc:
                raise _translate(exc, item_type).at(f"[{i}]") from None
        return get_origin(tp)(items)

    conv.register_structure_hook_func(_is_many, structure_many)
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
                raise ValidationError(KIND, value[KIND], f"must be {kind!r} for {cls.__name__}")
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
        guess = f"; did you mean {close!r}?" if close else ""
        return ValidationError(
            _join(path, key),
            MISSING,
            f"is not a field of {leaf.cl.__name__}{guess}",
            clause=clause,
        )
    if isinstance(leaf, KeyError):
        name = str(leaf.args[0]) if leaf.args else "?"
        # cattrs already notes the missing attribute's name on the path.
        full = path if path.rsplit(".", 1)[-1] == name else _join(path, name)
        return ValidationError(full, MISSING, "is required", clause=_clause_at(cls, full))
    if isinstance(leaf, SepError):
        return ValidationError(path, MISSING, str(leaf), clause=clause)
    if isinstance(leaf, AttributeError) and not path:
        return ValidationError("", type(exc).__name__, "must be a JSON object", clause=clause)
    if isinstance(leaf, TypeError | ValueError | AttributeError):
        return ValidationError(path, MISSING, f"has the wrong shape: {leaf}", clause=clause)
    return ValidationError(path, MISSING, f"could not be read: {leaf!r}", clause=clause)


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

_DECIMAL = {"type": "string", "pattern": r"^-?\d+(\.\d+)?$"}


def json_schema(cls: type) -> dict[str, Any]:
    """A JSON Schema (draft 2020-12) for the JSON form of ``cls``.

    Every object lists its fields with their description and clause; amounts are decimal
    strings (or integers); enums list their values; unknown fields are refused.

    Example:
        >>> from sep.domain import Incubatee
        >>> schema = json_schema(Incubatee)
        >>> schema["$ref"], sorted(schema["$defs"]["Incubatee"]["required"])
        ('#/$defs/Incubatee', ['id', 'name', 'origin'])
    """
    defs: dict[str, Any] = {}
    root = _schema_for(cls, defs)
    return {
        "$schema": SCHEMA_DIALECT,
        "$id": f"https://sep.invalid/schema/{cls.__name__}.json",
        "title": cls.__name__,
        **root,
        "$defs": defs,
    }


def _schema_for(tp: Any, defs: dict[str, Any]) -> dict[str, Any]:
    origin = get_origin(tp)
    if origin in (typing.Union, types.UnionType):
        options = [a for a in get_args(tp) if a is not type(None)]
        inner = (
            _schema_for(options[0], defs)
            if len(options) == 1
            else {"anyOf": [_schema_for(o, defs) for o in options]}
        )
        return {"anyOf": [inner, {"type": "null"}]}
    if origin is tuple:
        args = get_args(tp)
        if len(args) == 2 and args[1] is Ellipsis:
            return {"type": "array", "items": _schema_for(args[0], defs)}
        return {
            "type": "array",
            "prefixItems": [_schema_for(a, defs) for a in args],
            "minItems": len(args),
            "maxItems": len(args),
        }
    if origin is frozenset:
        return {"type": "array", "uniqueItems": True, "items": _schema_for(get_args(tp)[0], defs)}
    if tp is bool:
        return {"type": "boolean"}
    if tp is int:
        return {"type": "integer"}
    if tp is str:
        return {"type": "string", "minLength": 1}
    if tp is Decimal:
        return {"anyOf": [_DECIMAL, {"type": "number"}]}
    if tp is dt.datetime:
        return {"type": "string", "format": "date-time"}
    if tp is dt.date:
        return {"type": "string", "format": "date"}
    if tp is Period:
        return {"type": "string", "pattern": r"^\d{4}(-?Q[1-4])?$", "description": "2025 or 2025Q2"}
    if tp is IndustryCode:
        return {
            "type": "string",
            "pattern": r"^([A-T]|[A-T]?\d{2,4})$",
            "description": "GB/T 4754-2017 code: section letter, division, group or class",
        }
    if isinstance(tp, type) and issubclass(tp, enum.Enum):
        return {"enum": [m.value for m in tp]}
    if tp is Money:
        defs.setdefault(
            "Money",
            {
                "type": "object",
                "description": "An amount of money: a decimal string and an ISO 4217 currency.",
                "properties": {
                    "amount": {"anyOf": [_DECIMAL, {"type": "integer"}]},
                    "currency": {"type": "string", "pattern": "^[A-Z]{3}$", "default": "CNY"},
                },
                "required": ["amount"],
                "additionalProperties": False,
            },
        )
        return {"$ref": "#/$defs/Money"}
    if isinstance(tp, type) and attrs.has(tp):
        name = tp.__name__
        if name not in defs:
            defs[name] = {}  # placeholder against recursion
            hints = _resolved_types(tp)
            properties: dict[str, Any] = {}
            required: list[str] = []
            for field in attrs.fields(tp):
                prop = dict(_schema_for(hints[field.name], defs))
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
