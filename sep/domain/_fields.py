"""Field declarations and boundary validators shared by every domain class.

Every field of a domain class records, in its attrs metadata, the clause of
T/CATE 0001—2020 whose data it holds and a one-line description. Validators raise
:class:`sep.errors.ValidationError` naming that field and clause, so bad input is refused
at construction with an error a caller can act on.
"""

from __future__ import annotations

import datetime as dt
import difflib
import enum
import functools
import math
import re
from collections.abc import Callable, Iterable
from decimal import Decimal
from typing import Any, TypeVar

import attrs

from sep._i18n import N_
from sep._limits import MAX_AMOUNT, MAX_DECIMALS, MAX_NUMBER_CHARS, MONEY_CONTEXT
from sep._reason import R_
from sep.errors import ValidationError

T = TypeVar("T")
Validator = Callable[[Any, "attrs.Attribute[Any]", Any], None]


class OwnFacts(dict[str, Any]):
    """The named inputs a domain object's ``facts()`` gives (a plain ``dict`` otherwise).

    They may serve several rule packs at once (an incubatee's facts feed both graduation
    packs), so the rules do not refuse the names a pack does not read in them, even when
    they are passed on as a mapping; a caller's own mapping is checked.
    """

    __slots__ = ()


def close_match(key: str, names: Iterable[str]) -> str | None:
    """The name ``key`` most likely meant: the same letters ignoring case and ``-``/space
    for ``_``, else the closest spelling (difflib), else ``None``.

    Example:
        >>> close_match("Listed", ["listed", "revenue"]), close_match("revenu", ["revenue"])
        ('listed', 'revenue')
    """
    names = list(names)
    folded = key.casefold().replace("-", "_").replace(" ", "_")
    for name in names:
        if name.casefold() == folded:
            return name
    close = difflib.get_close_matches(key, names, n=1)
    return close[0] if close else None


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
                raise fail(
                    attribute,
                    value,
                    R_("must be a {tp}, one of {allowed}", tp=tp.__name__, allowed=allowed),
                )
            raise fail(attribute, value, R_("must be {type_name}", type_name=_type_name(tp)))

    return check


def non_negative(*, optional: bool = True) -> Validator:
    """A number or :class:`~sep.domain.Money` that must not be below zero."""

    def check(_inst: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
        if value is None and optional:
            return
        amount = getattr(value, "amount", value)
        if amount < 0:
            raise fail(attribute, value, N_("must not be negative"))

    return schema_hint(check, minimum=0)


def in_range(low: Any, high: Any, *, optional: bool = True) -> Validator:
    """A number in the closed interval [low, high]."""

    def check(_inst: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
        if value is None and optional:
            return
        if not low <= value <= high:
            raise fail(attribute, value, R_("must be between {low} and {high}", low=low, high=high))

    return schema_hint(check, minimum=low, maximum=high)


def non_empty_str(_inst: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    """A string with at least one non-blank character, valid Unicode (see :func:`unicode_str`)."""
    if not isinstance(value, str):
        raise fail(attribute, value, N_("must be a string"))
    if not value.strip():
        raise fail(attribute, value, N_("must not be empty"))
    unicode_str(_inst, attribute, value)


def unicode_str(_inst: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    """A string (or ``None``) that is valid Unicode: no lone surrogate such as ``"\\ud800"``.

    Python strings may hold lone surrogates (from ``json.loads`` of an escaped ``"\\ud800"``,
    or a file read with ``errors="surrogateescape"``); such text cannot be written out as
    UTF-8, so a report or a JSON export of it would fail long after it was accepted.
    """
    if value is None:
        return
    if not isinstance(value, str):
        raise fail(attribute, value, N_("must be a string"))
    try:
        value.encode("utf-8")
    except UnicodeEncodeError as err:
        shown = value.encode("utf-8", "backslashreplace").decode("utf-8")
        raise fail(
            attribute,
            shown,
            R_("is not valid Unicode text (a lone surrogate at {start})", start=err.start),
        ) from None


# Python's ``\S`` is exactly "not str.isspace()", the test ``strip()`` makes above.
schema_hint(non_empty_str, pattern="\\S")


def items_are(tp: type, *, unique_by: Callable[[Any], Any] | None = None) -> Validator:
    """A tuple or frozenset whose every item is a ``tp``; optionally unique by a key."""

    def check(_inst: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
        if not isinstance(value, tuple | frozenset):
            raise fail(attribute, value, N_("must be a tuple (a JSON array)"))
        seen: set[Any] = set()
        for i, item in enumerate(value):
            if not isinstance(item, tp):
                raise ValidationError(
                    f"{attribute.name}[{i}]",
                    item,
                    R_("must be a {tp}", tp=tp.__name__),
                    clause=clause_of(attribute),
                )
            if unique_by is not None:
                key = unique_by(item)
                if key in seen:
                    raise ValidationError(
                        f"{attribute.name}[{i}]",
                        key,
                        N_("duplicates an earlier item"),
                        clause=clause_of(attribute),
                    )
                seen.add(key)

    return check


# -- amounts and numbers ------------------------------------------------------------------
#
# The one reader of amounts and numbers, shared by the domain objects, the named inputs of
# every engine, the pack loader and the column-wise engine; its grammar and bounds are those
# of :mod:`sep._limits`.

#: A plain decimal: optional sign, ASCII digits (in correct groups of three when commas are
#: used; a grouped number does not start with 0), optionally a point and ASCII digits.
_PLAIN = re.compile(r"[+-]?(?:[1-9][0-9]{0,2}(?:,[0-9]{3})+|[0-9]+)(?:\.([0-9]+))?")
_ONE = Decimal(1)
_MAX_INT = int(MAX_AMOUNT)
#: A text of at most this many characters (sign and point included) is below MAX_AMOUNT.
_SHORT = len(str(_MAX_INT)) - 1
_ASCII_SPACE = " \t\r\n"
_SIGNS = ("+", "-")


def _shown(value: Any) -> Any:
    # A refused text is shown in the error as given, up to a readable length.
    if isinstance(value, str) and len(value) > MAX_NUMBER_CHARS:
        return value[:24] + "…"
    return value


def _why_not_plain(text: str) -> str:
    """Say which clause of the grammar ``text`` breaks (only called on refusal)."""
    if any(ch.isdigit() and not "0" <= ch <= "9" for ch in text):
        return N_("must be written with ASCII digits 0-9 (no full-width or other scripts)")
    lowered = text.lower()
    if "e" in lowered and any(ch.isdigit() for ch in lowered.split("e", 1)[0]):
        return N_("must be written without an exponent (write 1000, not 1e3)")
    if lowered in ("nan", "inf", "infinity", "+inf", "-inf", "+infinity", "-infinity", "snan"):
        return N_("must be a finite number")
    if "_" in text:
        return N_("must be written without underscores (write 8200000 or 8,200,000)")
    if "," in text:
        return N_(
            "has a comma that is not a thousands separator: commas only between groups of "
            "three digits (8,200,000); '1,5' is ambiguous, write 1.5 or 15"
        )
    return N_("is not a plain decimal number (write 8200000, -120000.50 or 8,200,000)")


def _bounded(result: Decimal, value: Any, field: str, clause: str | None) -> Decimal:
    """Refuse a finite Decimal beyond MAX_AMOUNT or MAX_DECIMALS; write it without exponent."""
    exponent = result.as_tuple().exponent
    if not isinstance(exponent, int):
        raise ValidationError(field, _shown(value), N_("must be a finite number"), clause=clause)
    if exponent < -MAX_DECIMALS:
        raise ValidationError(
            field,
            _shown(value),
            R_(
                "has more than {max_decimals} digits after the decimal point",
                max_decimals=MAX_DECIMALS,
            ),
            clause=clause,
        )
    if result.adjusted() >= _SHORT and result.copy_abs() > MAX_AMOUNT:
        raise ValidationError(
            field, _shown(value), N_("is beyond the bound of ±10^15 for amounts"), clause=clause
        )
    if exponent > 0:
        # Decimal("1E+7") is the number 10000000: keep it so, so it is written that way.
        result = result.quantize(_ONE, context=MONEY_CONTEXT)
    return result


def read_text(text: str, field: str = "amount", clause: str | None = None) -> Decimal:
    """Read a number written as text, by the grammar of :mod:`sep._limits`.

    Example:
        >>> read_text("8,200,000.50"), read_text(" -120000 ")
        (Decimal('8200000.50'), Decimal('-120000'))
        >>> for bad in ("1,5", "1e3", "１２３"):
        ...     try:
        ...         read_text(bad, "revenue")
        ...     except ValidationError as err:
        ...         print(err.field, "|", err.reason.split(":")[0])
        revenue | has a comma that is not a thousands separator
        revenue | must be written without an exponent (write 1000, not 1e3)
        revenue | must be written with ASCII digits 0-9 (no full-width or other scripts)
    """
    if len(text) <= _SHORT and text.isascii():
        # The common forms ("8200000", "-120000.50") in a few C calls: ASCII digits with
        # at most one inner point, and too short to pass the bound or MAX_DECIMALS.
        body = text[1:] if text[:1] in _SIGNS else text
        if body.isdigit() or (
            body[:1].isdigit() and body[-1:].isdigit() and body.replace(".", "", 1).isdigit()
        ):
            return Decimal(text)
    if len(text) > MAX_NUMBER_CHARS:
        # Checked before anything else: a number of 5,000 digits is refused at once.
        text = text.strip(_ASCII_SPACE)
        if len(text) > MAX_NUMBER_CHARS:
            raise ValidationError(
                field,
                _shown(text),
                R_(
                    "is longer than {max_number_chars} characters, too long for a number",
                    max_number_chars=MAX_NUMBER_CHARS,
                ),
                clause=clause,
            )
    match = _PLAIN.fullmatch(text)
    if match is None:
        stripped = text.strip(_ASCII_SPACE)
        match = _PLAIN.fullmatch(stripped) if stripped != text else None
        if match is None:
            raise ValidationError(field, text, _why_not_plain(stripped), clause=clause)
        text = stripped
    decimals = match.group(1)
    if decimals is not None and len(decimals) > MAX_DECIMALS:
        raise ValidationError(
            field,
            text,
            R_(
                "has more than {max_decimals} digits after the decimal point",
                max_decimals=MAX_DECIMALS,
            ),
            clause=clause,
        )
    result = Decimal(text.replace(",", "") if "," in text else text)
    if len(text) > _SHORT and result.copy_abs() > MAX_AMOUNT:
        raise ValidationError(
            field, text, N_("is beyond the bound of ±10^15 for amounts"), clause=clause
        )
    return result


def read_decimal(
    value: Any, field: str = "amount", clause: str | None = None, *, floats: bool = True
) -> Decimal:
    """Read an amount or number: a text by the grammar, or an int, Decimal or float.

    What each type may be (the same bounds for all, :mod:`sep._limits`):

    * ``str``: a plain decimal, see :func:`read_text`;
    * ``int``: at most 10^15 in magnitude;
    * ``Decimal``: finite, at most 10^15 in magnitude, at most 30 digits after the point
      (its exponent form does not matter: ``Decimal("1E+7")`` is read as ``10000000``);
    * ``float`` (when ``floats``): finite, read through its shortest repr (``0.1`` is
      ``Decimal('0.1')``), then as a Decimal. Named money inputs pass ``floats=False``.

    Booleans are never numbers.

    Raises:
        ValidationError: naming ``field`` and ``clause`` and the broken rule.
    """
    kind = type(value)
    if kind is str:
        return read_text(value, field, clause)
    if kind is int:
        if -_MAX_INT <= value <= _MAX_INT:
            return Decimal(value)
        raise ValidationError(
            field, _shown_int(value), N_("is beyond the bound of ±10^15 for amounts"), clause=clause
        )
    if kind is Decimal:
        return _bounded(value, value, field, clause)
    if isinstance(value, bool):
        raise ValidationError(field, value, N_("must be a number, not true/false"), clause=clause)
    if isinstance(value, str):
        return read_text(str(value), field, clause)
    if isinstance(value, int):
        return read_decimal(int(value), field, clause)
    if isinstance(value, Decimal):
        return _bounded(Decimal(value), value, field, clause)
    if isinstance(value, float):
        if not floats:
            raise ValidationError(
                field,
                value,
                N_("money is never a float: pass a string or a Decimal"),
                clause=clause,
            )
        if not math.isfinite(value):
            raise ValidationError(field, value, N_("must be a finite number"), clause=clause)
        return _bounded(Decimal(repr(value)), value, field, clause)
    raise ValidationError(field, value, N_("must be a decimal number"), clause=clause)


def _shown_int(value: int) -> Any:
    # str() of an int of more than 4,300 digits raises; show its size instead.
    if abs(value) < 10**MAX_NUMBER_CHARS:
        return value
    return f"an integer of {value.bit_length()} bits"


def to_decimal(value: Any) -> Decimal:
    """Convert an int, str, float or Decimal to a bounded :class:`Decimal` (see
    :func:`read_decimal`).

    Floats are converted through their shortest repr (``0.1`` becomes ``Decimal('0.1')``),
    so no binary noise enters money. NaN and infinities are refused, and so is text that is
    not a plain decimal (``"1,5"``, ``"1e3"``, ``"１２３"``).

    Example:
        >>> to_decimal("8,200,000"), to_decimal(0.1), to_decimal(Decimal("1E+3"))
        (Decimal('8200000'), Decimal('0.1'), Decimal('1000'))
    """
    return read_decimal(value)


def plain(value: Decimal) -> str:
    """Write a Decimal as :func:`read_text` reads it back: no exponent, digits kept.

    Example:
        >>> plain(Decimal("1E+7")), plain(Decimal("1E-7")), plain(Decimal("-120000.50"))
        ('10000000', '0.0000001', '-120000.50')
    """
    return format(value, "f")


_ZERO = Decimal(0)


def money_sum(values: Iterable[Decimal]) -> Decimal:
    """The exact sum of amounts, in :data:`sep._limits.MONEY_CONTEXT` (never rounded).

    Example:
        >>> money_sum([Decimal("2499999.9999999999999999999999999")] * 4)
        Decimal('9999999.9999999999999999999999996')
    """
    # The same additions from zero, in order, looped in C: this runs in every window measure.
    total: Decimal = functools.reduce(MONEY_CONTEXT.add, values, _ZERO)
    return total


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
            raise fail(attribute, value, N_("must be a date (YYYY-MM-DD)"))

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
        return attrs.field(default=None, validator=unicode_str, metadata=meta(clause, doc))
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
