"""Field declarations and boundary validators shared by every domain class.

Every field of a domain class records, in its attrs metadata, the clause of
T/CATE 0001—2020 whose data it holds and a one-line description. Validators raise
:class:`sep.errors.ValidationError` naming that field and clause, so bad input is refused
at construction with an error a caller can act on.
"""

from __future__ import annotations

import datetime as dt
import enum
import math
from collections.abc import Callable, Iterable
from decimal import Decimal, InvalidOperation
from typing import Any, TypeVar

import attrs

from sep.errors import ValidationError

T = TypeVar("T")
Validator = Callable[[Any, "attrs.Attribute[Any]", Any], None]


def schema_hint(validator: Validator, **keywords: Any) -> Validator:
    """Record on ``validator`` the JSON Schema keywords that say what it checks.

    :func:`sep.domain.json_schema` reads them, so a field's schema states the same bound its
    validator enforces (``minimum``, ``maximum``, ``pattern``) and cannot drift from it.
    """
    validator.json_schema = keywords  # type: ignore[attr-defined]
    return validator


def clause_of(attribute: attrs.Attribute[Any]) -> str | None:
    """The clause id recorded on ``attribute``'s metadata."""
    clause = attribute.metadata.get("clause")
    return clause if isinstance(clause, str) else None


def fail(attribute: attrs.Attribute[Any], value: Any, reason: str) -> ValidationError:
    """Build the :class:`ValidationError` for ``attribute``."""
    return ValidationError(attribute.name, value, reason, clause=clause_of(attribute))


def _type_name(tp: type | tuple[type, ...]) -> str:
    if isinstance(tp, tuple):
        return " or ".join(t.__name__ for t in tp)
    return tp.__name__


def is_a(tp: type | tuple[type, ...], *, optional: bool = False) -> Validator:
    """Exact type check; ``bool`` is never accepted as a number."""

    def check(_inst: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
        if value is None and optional:
            return
        numeric = tp in (int, Decimal) or (isinstance(tp, tuple) and int in tp)
        if not isinstance(value, tp) or (numeric and isinstance(value, bool)):
            if isinstance(tp, type) and issubclass(tp, enum.Enum):
                allowed = ", ".join(repr(m.value) for m in tp)
                raise fail(attribute, value, f"must be a {tp.__name__}, one of {allowed}")
            raise fail(attribute, value, f"must be {_type_name(tp)}")

    return check


def non_negative(*, optional: bool = True) -> Validator:
    """A number or :class:`~sep.domain.Money` that must not be below zero."""

    def check(_inst: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
        if value is None and optional:
            return
        amount = getattr(value, "amount", value)
        if amount < 0:
            raise fail(attribute, value, "must not be negative")

    return schema_hint(check, minimum=0)


def in_range(low: Any, high: Any, *, optional: bool = True) -> Validator:
    """A number in the closed interval [low, high]."""

    def check(_inst: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
        if value is None and optional:
            return
        if not low <= value <= high:
            raise fail(attribute, value, f"must be between {low} and {high}")

    return schema_hint(check, minimum=low, maximum=high)


def non_empty_str(_inst: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    """A string with at least one non-blank character."""
    if not isinstance(value, str):
        raise fail(attribute, value, "must be a string")
    if not value.strip():
        raise fail(attribute, value, "must not be empty")


# Python's ``\S`` is exactly "not str.isspace()", the test ``strip()`` makes above.
schema_hint(non_empty_str, pattern="\\S")


def items_are(tp: type, *, unique_by: Callable[[Any], Any] | None = None) -> Validator:
    """A tuple or frozenset whose every item is a ``tp``; optionally unique by a key."""

    def check(_inst: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
        if not isinstance(value, tuple | frozenset):
            raise fail(attribute, value, "must be a tuple (a JSON array)")
        seen: set[Any] = set()
        for i, item in enumerate(value):
            if not isinstance(item, tp):
                raise ValidationError(
                    f"{attribute.name}[{i}]",
                    item,
                    f"must be a {tp.__name__}",
                    clause=clause_of(attribute),
                )
            if unique_by is not None:
                key = unique_by(item)
                if key in seen:
                    raise ValidationError(
                        f"{attribute.name}[{i}]",
                        key,
                        "duplicates an earlier item",
                        clause=clause_of(attribute),
                    )
                seen.add(key)

    return check


def to_decimal(value: Any) -> Decimal:
    """Convert an int, str, float or Decimal to a finite :class:`Decimal`.

    Floats are converted through their shortest repr (``0.1`` becomes ``Decimal('0.1')``),
    so no binary noise enters money. NaN and infinities are refused.
    """
    if isinstance(value, bool):
        raise ValidationError("amount", value, "must be a number, not a boolean")
    if isinstance(value, Decimal):
        result = value
    elif isinstance(value, int):
        result = Decimal(value)
    elif isinstance(value, float):
        if not math.isfinite(value):
            raise ValidationError("amount", value, "must be a finite number")
        result = Decimal(repr(value))
    elif isinstance(value, str):
        try:
            result = Decimal(value.strip().replace(",", "").replace("_", ""))
        except InvalidOperation:
            raise ValidationError("amount", value, "is not a decimal number") from None
    else:
        raise ValidationError("amount", value, "must be a decimal number")
    if not result.is_finite():
        raise ValidationError("amount", value, "must be a finite number")
    return result


def to_tuple(value: Any) -> Any:
    """Accept any iterable (a list from JSON, a generator) and freeze it as a tuple."""
    if isinstance(value, tuple):
        return value
    if isinstance(value, str | bytes | dict) or not isinstance(value, Iterable):
        return value  # the validator reports it by name
    return tuple(value)


def to_frozenset(value: Any) -> Any:
    """Accept any iterable and freeze it as a frozenset."""
    if isinstance(value, frozenset):
        return value
    if isinstance(value, str | bytes | dict) or not isinstance(value, Iterable):
        return value  # the validator reports it by name
    return frozenset(value)


def meta(clause: str, doc: str) -> dict[str, str]:
    """The metadata every domain field carries."""
    return {"clause": clause, "doc": doc}


def date_field(clause: str, doc: str, *, optional: bool = True) -> Any:
    """A :class:`datetime.date` field (not a datetime)."""

    def check(_inst: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
        if value is None and optional:
            return
        if not isinstance(value, dt.date) or isinstance(value, dt.datetime):
            raise fail(attribute, value, "must be a date (YYYY-MM-DD)")

    if optional:
        return attrs.field(default=None, validator=check, metadata=meta(clause, doc))
    return attrs.field(validator=check, metadata=meta(clause, doc))


def tri(clause: str, doc: str) -> Any:
    """A yes/no fact that may be unknown (``None``): missing data is never *false*."""
    return attrs.field(
        default=None, validator=is_a(bool, optional=True), metadata=meta(clause, doc)
    )


def text(clause: str, doc: str, *, optional: bool = True) -> Any:
    """A free-text field."""
    if optional:
        return attrs.field(
            default=None, validator=is_a(str, optional=True), metadata=meta(clause, doc)
        )
    return attrs.field(validator=non_empty_str, metadata=meta(clause, doc))


def many(tp: type, clause: str, doc: str, *, unique_by: Callable[[Any], Any] | None = None) -> Any:
    """A tuple of ``tp`` (a JSON array), empty by default."""
    return attrs.field(
        factory=tuple,
        converter=to_tuple,
        validator=items_are(tp, unique_by=unique_by),
        metadata=meta(clause, doc),
    )


def one_of(tp: type, clause: str, doc: str, *, optional: bool = False) -> Any:
    """A field of exactly type ``tp`` (an enum, a nested value object)."""
    if optional:
        return attrs.field(
            default=None, validator=is_a(tp, optional=True), metadata=meta(clause, doc)
        )
    return attrs.field(validator=is_a(tp), metadata=meta(clause, doc))
