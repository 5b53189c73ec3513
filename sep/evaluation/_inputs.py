"""Normalising the flat named inputs a rule pack reads (facts for 3.1, 4.2.1, 4.3.5, 4.3.7).

Inputs arrive from a CRM, a form or the domain model as plain values; here each becomes
the one internal form the evaluator compares: ``bool``, :class:`~decimal.Decimal` (money in
CNY and numbers, never floats for money), an enum string, or a period series (a sorted tuple
of ``(Period, Decimal)``). ``None``, an absent key or an "unknown" enum value is *missing*
(UNKNOWN), never false. Bad values raise :class:`~sep.errors.ValidationError` naming the
input and its clause.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable, Mapping, Sequence
from decimal import Decimal
from itertools import repeat
from typing import Any

from sep._i18n import N_
from sep._limits import MAX_AMOUNT, MAX_SERIES_SPAN, MONEY_CONTEXT
from sep._reason import R_
from sep.domain._fields import plain, read_decimal, read_text
from sep.domain._money import CNY, Money, Period
from sep.errors import CurrencyMismatchError, ValidationError
from sep.evaluation._codegen import function
from sep.evaluation._spec import InputSpec

__all__ = [
    "MISSING_INPUT",
    "Series",
    "from_ordinal",
    "is_missing",
    "jsonable_input",
    "label_of",
    "normalise_all",
    "normaliser",
    "ordinal",
    "period_kind_check",
    "period_kind_error",
]

#: A period series: ``((Period, amount), ...)`` sorted by period, all years or all quarters.
Series = tuple[tuple[Period, Decimal], ...]

_MAX_INT = int(MAX_AMOUNT)

#: ``Decimal(n)`` of a bounded int, exact (80 digits), and a third cheaper than the
#: constructor; never ``Decimal(0) + n``, which would round in a caller's own context.
_whole = MONEY_CONTEXT.create_decimal

#: What a converter returns for a value that means "not known" (``"unknown"``).
MISSING_INPUT: Any = object()


def _money(spec: InputSpec) -> Callable[..., Any]:
    name, clause, lo = spec.name, spec.clause, spec.minimum
    convert = _money_converter(name, clause)
    if lo is None:
        return convert

    def bounded(value: Any, field: str = name) -> Decimal:
        # Revenue, financing and the like cannot be negative (the pack says minimum = 0).
        result = convert(value, field)
        if result < lo:
            reason = "must not be negative" if lo == 0 else f"must be at least {lo}"
            raise ValidationError(field, value, reason, clause=clause)
        return result

    return bounded


def _money_converter(name: str, clause: str) -> Callable[..., Decimal]:
    # The domain's reader (sep.domain._fields.read_decimal), with the common types first:
    # this runs for every money input of every call.
    def convert(value: Any, field: str = name) -> Decimal:
        kind = type(value)
        if kind is str:
            return read_text(value, field, clause)
        if kind is int:
            if -_MAX_INT <= value <= _MAX_INT:
                return Decimal(value)
            return read_decimal(value, field, clause)
        if kind is Decimal:
            return read_decimal(value, field, clause)
        if isinstance(value, Money):
            if value.currency != CNY:
                raise CurrencyMismatchError(
                    field,
                    value,
                    R_("must be in {cny}, not {currency}", cny=CNY, currency=value.currency),
                    clause=clause,
                )
            return value.amount
        if isinstance(value, Mapping):
            # The JSON form of Money, {amount, currency}: nothing else, and not nested.
            for key in value:
                if key not in ("amount", "currency"):
                    raise ValidationError(
                        f"{field}.{key}", value[key], N_("is not a field of Money"), clause=clause
                    )
            currency = value.get("currency", CNY)
            if type(currency) is not str or currency != CNY:
                raise CurrencyMismatchError(
                    f"{field}.currency", currency, R_("must be {cny}", cny=CNY), clause=clause
                )
            if "amount" not in value:
                raise ValidationError(f"{field}.amount", value, N_("is required"), clause=clause)
            amount = value["amount"]
            if isinstance(amount, Mapping | Money):
                raise ValidationError(
                    f"{field}.amount",
                    amount,
                    N_("must be a number, not another amount"),
                    clause=clause,
                )
            return convert(amount, f"{field}.amount")
        if isinstance(value, bool):
            raise ValidationError(
                field, value, N_("must be an amount, not true/false"), clause=clause
            )
        if isinstance(value, int | Decimal | str | float):
            # Subclasses of the number types; floats are refused by name.
            return read_decimal(value, field, clause, floats=False)
        raise ValidationError(field, value, N_("must be an amount of money"), clause=clause)

    return convert


def _number(spec: InputSpec) -> Callable[[Any], Any]:
    name, clause, lo, hi = spec.name, spec.clause, spec.minimum, spec.maximum

    def convert(value: Any) -> Decimal:
        # The amount grammar and bounds, then the pack's range (scores of 4.3.7-d: 0-100).
        if isinstance(value, bool):
            raise ValidationError(
                name, value, N_("must be a number, not true/false"), clause=clause
            )
        if not isinstance(value, int | Decimal | str | float):
            raise ValidationError(name, value, N_("must be a number"), clause=clause)
        result = read_decimal(value, name, clause)
        if (lo is not None and result < lo) or (hi is not None and result > hi):
            raise ValidationError(
                name, value, R_("must be between {lo} and {hi}", lo=lo, hi=hi), clause=clause
            )
        return result

    return convert


def _bool(spec: InputSpec) -> Callable[[Any], Any]:
    name, clause = spec.name, spec.clause

    def convert(value: Any) -> bool:
        if value is True or value is False:
            return bool(value)
        raise ValidationError(name, value, N_("must be true or false (or absent)"), clause=clause)

    return convert


def _enum(spec: InputSpec) -> Callable[[Any], Any]:
    name, clause, values, unknown = spec.name, spec.clause, spec.values, spec.unknown

    def convert(value: Any) -> Any:
        if isinstance(value, str) and value in values:
            return value
        value = getattr(value, "value", value)  # an Enum member of the domain model
        if isinstance(value, str):
            if value in values:
                return value
            if value in unknown:
                return MISSING_INPUT
        allowed = ", ".join(repr(v) for v in (*values, *unknown))
        raise ValidationError(
            name, value, R_("must be one of {allowed}", allowed=allowed), clause=clause
        )

    return convert


def _series(spec: InputSpec) -> Callable[[Any], Any]:
    return _series_readers(spec)[1]


def _series_readers(
    spec: InputSpec,
) -> tuple[Callable[[dict[Any, Any]], Series | None], Callable[[Any], Any]]:
    """The common path of a series input (a dict of period texts to whole amounts, or
    ``None``) and its whole reader; the generated normaliser calls the first directly."""
    name, clause = spec.name, spec.clause
    money = _money(spec)
    kind = period_kind_check(spec)
    floor, ceiling = whole_range(spec)

    def simple(value: dict[Any, Any]) -> Series | None:
        """The common series, period texts in order to whole amounts, read without the
        general path's bookkeeping; ``None`` for anything else, which the general path
        reads the same way or refuses naming the problem."""
        out: list[tuple[Period, Decimal]] = []
        first = last = 0
        quarterly = False
        known = _LABELS.get
        for label, amount in value.items():
            if type(amount) is not int or not floor <= amount <= ceiling:
                return None
            info = known(label)  # only str labels are kept there
            if info is None:
                if type(label) is not str:
                    return None
                try:
                    info = _label_info(label)
                except ValidationError:
                    return None
            key, found, is_quarter = info
            if not out:
                if kind is not None and kind is not is_quarter:
                    return None
                first, quarterly = key, is_quarter
            elif key <= last or is_quarter is not quarterly:
                return None
            last = key
            out.append((found, _whole(amount)))
        if not out or last - first >= MAX_SERIES_SPAN:
            return None
        return tuple(out)

    def where(label: Any, row: int | None, part: str = "") -> str:
        # Field paths are built only when something is wrong (this runs per call).
        if row is None:
            return f"{name}[{label}]"
        return f"{name}[{row}]{part}"

    def convert(value: Any) -> Any:
        if type(value) is dict:
            quick = simple(value)
            if quick is not None:
                return quick
            # Every label is a period, known amount or not (``None`` = that period missing).
            pairs: Any = zip(value.keys(), value.values(), repeat(None))
        elif isinstance(value, Mapping):
            pairs = ((label, amount, None) for label, amount in value.items())
        elif isinstance(value, Sequence) and not isinstance(value, str | bytes):
            rows: list[tuple[Any, Any, int | None]] = []
            for i, row in enumerate(value):
                if not isinstance(row, Mapping) or "period" not in row:
                    raise ValidationError(
                        f"{name}[{i}]", row, N_("must be {period, amount}"), clause=clause
                    )
                if len(row) > 2 or (len(row) == 2 and "amount" not in row):
                    # A misspelt "amont" would otherwise leave the period silently missing.
                    extra = next(str(k) for k in row if k not in ("period", "amount"))
                    raise ValidationError(
                        f"{name}[{i}].{extra}",
                        row,
                        N_("is not a key of a series row: give period and amount only"),
                        clause=clause,
                    )
                rows.append((row["period"], row.get("amount"), i))
            pairs = rows
        else:
            raise ValidationError(
                name, value, N_("must map periods to amounts ({'2025Q1': '100000'})"), clause=clause
            )
        by_ordinal: dict[int, tuple[Period, Decimal] | None] = {}
        quarterly: bool | None = None
        gaps = False
        for label, amount, row in pairs:
            try:
                key, found, is_quarter = (
                    _label_info(label) if type(label) is str else _period_info(label)
                )
            except ValidationError as err:
                raise ValidationError(
                    where(label, row, ".period"), label, err.reason, clause=clause
                ) from None
            if is_quarter is not quarterly:
                # Only the first period, or one of the other kind: every later period of
                # the kind of the first passed the kind check with it.
                if kind is not None and kind is not is_quarter:
                    raise ValidationError(
                        where(label, row, ".period"), label, _KIND_REASON[kind], clause=clause
                    )
                if quarterly is not None:
                    raise ValidationError(
                        name, value, N_("mixes years and quarters"), clause=clause
                    )
                quarterly = is_quarter
            if key in by_ordinal:
                raise ValidationError(
                    where(label, row), str(found), N_("is given twice"), clause=clause
                )
            if amount is None:
                by_ordinal[key] = None  # a known period whose amount is missing
                gaps = True
                continue
            try:
                by_ordinal[key] = (found, money(amount))
            except ValidationError as err:
                raise ValidationError(
                    where(label, row), amount, err.reason, clause=clause
                ) from None
        keys = sorted(by_ordinal)
        if gaps:
            keys = [k for k in keys if by_ordinal[k] is not None]
        if not keys:
            return MISSING_INPUT  # an empty series says nothing: missing, not zero
        if keys[-1] - keys[0] >= MAX_SERIES_SPAN:
            first, last = by_ordinal[keys[0]], by_ordinal[keys[-1]]
            assert first is not None
            assert last is not None
            raise ValidationError(
                name,
                f"{first[0]} to {last[0]}",
                R_(
                    "spans {n} periods; a series spans at most {max_series_span}",
                    n=keys[-1] - keys[0] + 1,
                    max_series_span=MAX_SERIES_SPAN,
                ),
                clause=clause,
            )
        return tuple(map(by_ordinal.__getitem__, keys))

    return simple, convert


_KIND_REASON = {
    False: N_("must be a calendar year (2025): the input is a yearly series"),
    True: N_("must be a quarter (2025Q1): the input is a quarterly series"),
}


def period_kind_check(spec: InputSpec) -> bool | None:
    """Whether ``spec``'s series must hold quarters (``True``), years (``False``) or either."""
    return {"year": False, "quarter": True}.get(spec.period)


def period_kind_error(spec: InputSpec, label: Any, field: str) -> ValidationError | None:
    """The refusal of ``label`` (a parsed Period or text) for ``spec``'s period kind, if any.

    Shared by the direct, streaming and column-wise engines.
    """
    kind = period_kind_check(spec)
    if kind is None:
        return None
    try:
        found = label if isinstance(label, Period) else _parse_period(str(label))
    except ValidationError as err:
        return ValidationError(field, label, err.reason, clause=spec.clause)
    if (found.quarter is not None) is kind:
        return None
    return ValidationError(field, label, _KIND_REASON[kind], clause=spec.clause)


#: Each label's ordinal, period and kind, read by a plain dict lookup (an lru_cache call
#: costs twice as much, and this runs for every period of every decision); cleared when
#: full, so that a stream of distinct labels cannot grow it.
_LABELS: dict[str, tuple[int, Period, bool]] = {}
_MAX_LABELS = 4096


def _label_info(label: str) -> tuple[int, Period, bool]:
    # The same quarters recur for every incubatee: parse and number each label once.
    info = _LABELS.get(label)
    if info is None:
        found = _parse_period(label)
        info = ordinal(found), found, found.quarter is not None
        if len(_LABELS) >= _MAX_LABELS:
            _LABELS.clear()
        _LABELS[label] = info
    return info


def _period_info(label: Any) -> tuple[int, Period, bool]:
    found = label if isinstance(label, Period) else _parse_period(str(label))
    return ordinal(found), found, found.quarter is not None


@functools.lru_cache(maxsize=4096)
def _parse_period(label: str) -> Period:
    # Labels repeat across calls (the same quarters for every incubatee): parse each once.
    return Period.parse(label)


def ordinal(period: Period) -> int:
    """Consecutive periods have consecutive ordinals (years and quarters separately)."""
    return period.year if period.quarter is None else period.year * 4 + period.quarter - 1


def from_ordinal(number: int, quarterly: bool) -> Period:
    """The inverse of :func:`ordinal`."""
    if quarterly:
        return Period(number // 4, number % 4 + 1)
    return Period(number)


def label_of(number: int, quarterly: bool) -> str:
    """The label (``2025Q2`` or ``2025``) of an ordinal, without building a Period."""
    if quarterly:
        return f"{number // 4}Q{number % 4 + 1}"
    return str(number)


def whole_range(spec: InputSpec) -> tuple[int, int]:
    """The ints that ``spec``'s reader turns into ``Decimal(value)`` with nothing more to
    check: within the amount bound and the input's own range (for a series, of its
    amounts). Meaningful for ``money``, ``number`` and ``series`` inputs.

    Example:
        >>> from sep.evaluation import GRADUATION, builtin_pack
        >>> inputs = builtin_pack(GRADUATION).inputs
        >>> whole_range(inputs["revenue"]), whole_range(inputs["profit"])
        ((0, 1000000000000000), (-1000000000000000, 1000000000000000))
    """
    low, high = -_MAX_INT, _MAX_INT
    if spec.minimum is not None:
        low = max(low, math.ceil(spec.minimum))
    if spec.maximum is not None and spec.type == "number":  # money reads no maximum
        high = min(high, math.floor(spec.maximum))
    return low, high


def normalise_all(specs: Mapping[str, InputSpec]) -> Callable[[Mapping[str, Any]], dict[str, Any]]:
    """One function normalising every input of ``specs``: absent, ``None``, ``""`` and
    unknown are dropped, the rest converted by :func:`normaliser`, in the order of ``specs``.

    Generated once per pack, with each input's common case inline (a yes/no already
    ``True`` or ``False``; an int amount or number in its range): this runs for every
    decision, once per input.

    Example:
        >>> from sep.evaluation import GRADUATION, builtin_pack
        >>> facts = normalise_all(builtin_pack(GRADUATION).inputs)
        >>> facts({"listed": True, "revenue": 12_000_000, "profit": ""})
        {'listed': True, 'revenue': Decimal('12000000')}
        >>> facts({"listed": None, "operating_cash_flow": {"2025Q1": None}})
        {}
    """
    names: dict[str, Any] = {"MISSING": MISSING_INPUT, "whole": _whole}
    lines = ["out = {}", "get = raw.get"]
    for index, (name, spec) in enumerate(specs.items()):
        key, convert = repr(name), f"c{index}"
        lines += [f"v = get({key})", "if v is not None:"]
        read = "if"
        if spec.type == "series":
            names[f"s{index}"], names[convert] = _series_readers(spec)
            lines.append(
                f"    if type(v) is dict and (s := s{index}(v)) is not None: out[{key}] = s"
            )
            read = "elif"
        else:
            names[convert] = normaliser(spec)
        if spec.type == "bool":
            lines.append(f"    if v is True or v is False: out[{key}] = v")
            read = "elif"
        elif spec.type in ("money", "number"):
            low, high = whole_range(spec)
            lines.append(f"    if type(v) is int and {low} <= v <= {high}: out[{key}] = whole(v)")
            read = "elif"
        # An empty form field is missing, and a foreign value is never compared (its
        # __eq__ may raise): only the converter reads it.
        lines += [
            f"    {read} type(v) is not str or v:",
            f"        v = {convert}(v)",
            f"        if v is not MISSING: out[{key}] = v",
        ]
    normalise: Callable[[Mapping[str, Any]], dict[str, Any]] = function(
        "facts", "raw", [*lines, "return out"], names
    )
    return normalise


def normaliser(spec: InputSpec) -> Callable[[Any], Any]:
    """The converter of one input: raw value → internal form, or a marker for missing."""
    factory = {
        "bool": _bool,
        "money": _money,
        "number": _number,
        "enum": _enum,
        "series": _series,
    }[spec.type]
    return factory(spec)


def is_missing(value: Any) -> bool:
    """True for the marker the enum converter returns for an "unknown" value."""
    return value is MISSING_INPUT


def jsonable_input(value: Any) -> Any:
    """The JSON form of a normalised input (Decimal → plain decimal text, series →
    {period: amount}); the text is what the input readers accept back (never ``1E+7``)."""
    if isinstance(value, Decimal):
        return plain(value)
    if isinstance(value, tuple):
        return {str(p): plain(a) for p, a in value}
    return value
