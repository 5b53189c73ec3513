"""Money and calendar periods: the units the standard's figures come in.

Amounts are :class:`~decimal.Decimal` with a currency, never floats (the figures of
3.1, 4.2.1(4), 4.3.5(b)/(c) and 4.3.7-d are money). An amount is read by the grammar and
within the bounds of :mod:`sep._limits` (a plain decimal, at most 10^15 in magnitude, at
most 30 decimals) and Money arithmetic is exact: it runs in
:data:`sep._limits.MONEY_CONTEXT`, never in the caller's 28-digit default context.
Chinese sources state amounts in
万元 (ten thousand yuan); :meth:`Money.wan` and :attr:`Money.in_wan` convert.
Periods (4.3.5(c) "stable over the last N periods", 4.3.7-b cycles) are calendar years
or quarters.
"""

from __future__ import annotations

import re
from decimal import Decimal
from functools import total_ordering
from typing import Any

import attrs

from sep._i18n import N_, format_cny_zh, group_digits
from sep._limits import MONEY_CONTEXT
from sep._reason import R_
from sep.domain._fields import fail, to_decimal
from sep.errors import CurrencyMismatchError, ValidationError

__all__ = ["CNY", "Money", "Period"]

CNY = "CNY"
_WAN = Decimal(10_000)
_CURRENCY = re.compile(r"^[A-Z]{3}$")


def _check_currency(_inst: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    if not isinstance(value, str) or not _CURRENCY.fullmatch(value):
        raise fail(attribute, value, N_("must be an ISO 4217 code of three capital letters"))


@total_ordering
@attrs.frozen(order=False)
class Money:
    """An amount of money: a finite :class:`Decimal` and an ISO 4217 currency (CNY default).

    Amounts of different currencies are never combined or compared: doing so raises
    :class:`~sep.errors.CurrencyMismatchError`.

    Example:
        >>> m = Money.wan(820)
        >>> m
        Money(amount=Decimal('8200000'), currency='CNY')
        >>> m.in_wan, str(m)
        (Decimal('820'), '8,200,000 CNY')
        >>> Money(10_000_000) - m
        Money(amount=Decimal('1800000'), currency='CNY')
        >>> Money("1.5") > Money(1)
        True
    """

    amount: Decimal = attrs.field(
        converter=to_decimal, metadata={"clause": "", "doc": "The amount, in the currency's unit."}
    )
    currency: str = attrs.field(
        default=CNY,
        validator=_check_currency,
        metadata={"clause": "", "doc": "ISO 4217 currency code."},
    )

    @classmethod
    def wan(cls, amount: int | str | Decimal, currency: str = CNY) -> Money:
        """An amount given in 万元 (units of 10,000)."""
        return cls(MONEY_CONTEXT.multiply(to_decimal(amount), _WAN), currency)

    @classmethod
    def zero(cls, currency: str = CNY) -> Money:
        """Zero in ``currency``."""
        return cls(Decimal(0), currency)

    @property
    def in_wan(self) -> Decimal:
        """The amount in 万元 (units of 10,000)."""
        return MONEY_CONTEXT.divide(self.amount, _WAN)

    def _same(self, other: Money, op: str) -> None:
        if not isinstance(other, Money):
            raise ValidationError(
                "", other, R_("cannot {op} Money and {type}", op=op, type=type(other).__name__)
            )
        if other.currency != self.currency:
            raise CurrencyMismatchError(
                "currency",
                other.currency,
                R_(
                    "cannot {op} {currency} and {currency2}",
                    op=op,
                    currency=self.currency,
                    currency2=other.currency,
                ),
            )

    def __add__(self, other: Money) -> Money:
        self._same(other, "add")
        return Money(MONEY_CONTEXT.add(self.amount, other.amount), self.currency)

    def __sub__(self, other: Money) -> Money:
        self._same(other, "subtract")
        return Money(MONEY_CONTEXT.subtract(self.amount, other.amount), self.currency)

    def __neg__(self) -> Money:
        return Money(MONEY_CONTEXT.minus(self.amount), self.currency)

    def __mul__(self, factor: int | Decimal) -> Money:
        return Money(MONEY_CONTEXT.multiply(self.amount, to_decimal(factor)), self.currency)

    def __lt__(self, other: Money) -> bool:
        self._same(other, "compare")
        return self.amount < other.amount

    def __str__(self) -> str:
        return self.format()

    def format(self, lang: str = "en") -> str:
        """Render for people: ``8,200,000 CNY`` or, in Chinese, ``820万元``.

        Example:
            >>> Money(32_000_000).format("zh"), Money(-120_000).format()
            ('3,200万元', '-120,000 CNY')
        """
        return format_amount(self.amount, self.currency, lang)


def format_amount(amount: Decimal, currency: str = CNY, lang: str = "en") -> str:
    """Render any finite amount as :meth:`Money.format` does, without Money's bound: sums,
    margins and windows of amounts may go beyond 10^15 and are still explained.

    Example:
        >>> format_amount(Decimal("4000000000000000"), lang="zh")
        '40,000,000亿元'
    """
    if lang == "zh" and currency == CNY:
        return format_cny_zh(amount)
    return f"{group_digits(amount)} {currency}"


# ASCII digits only (``\d`` would read "２０２５"), nothing around the label: the grammar
# of sep._limits.PERIOD_PATTERN, which the JSON Schemas state.
_PERIOD = re.compile(r"(?P<year>[0-9]{4})(?:-?Q(?P<quarter>[1-4]))?")


@total_ordering
@attrs.frozen(order=False)
class Period:
    """A calendar year (``quarter=None``) or a calendar quarter.

    Example:
        >>> Period.parse("2025Q2"), str(Period(2024))
        (Period(year=2025, quarter=2), '2024')
        >>> Period(2025, 4).next()
        Period(year=2026, quarter=1)
        >>> sorted([Period(2025, 2), Period(2024, 4)])
        [Period(year=2024, quarter=4), Period(year=2025, quarter=2)]
    """

    year: int = attrs.field(metadata={"clause": "", "doc": "Calendar year."})
    quarter: int | None = attrs.field(
        default=None, metadata={"clause": "", "doc": "Quarter 1-4, or null for the whole year."}
    )

    @year.validator
    def _check_year(self, attribute: attrs.Attribute[Any], value: Any) -> None:
        if not isinstance(value, int) or isinstance(value, bool) or not 1900 <= value <= 2999:
            raise fail(attribute, value, N_("must be a year from 1900 to 2999"))

    @quarter.validator
    def _check_quarter(self, attribute: attrs.Attribute[Any], value: Any) -> None:
        if value is None:
            return
        if not isinstance(value, int) or isinstance(value, bool) or not 1 <= value <= 4:
            raise fail(attribute, value, N_("must be 1, 2, 3 or 4 (or null for a year)"))

    @classmethod
    def parse(cls, text: str) -> Period:
        """Parse ``"2025"`` or ``"2025Q2"`` (also ``"2025-Q2"``)."""
        match = _PERIOD.fullmatch(text) if isinstance(text, str) else None
        if match is None:
            raise ValidationError("", text, N_("is not a period: write 2025 or 2025Q2"))
        quarter = match.group("quarter")
        return cls(int(match.group("year")), int(quarter) if quarter else None)

    def _key(self) -> tuple[int, int]:
        return (self.year, self.quarter or 0)

    def __lt__(self, other: Period) -> bool:
        if not isinstance(other, Period):
            return NotImplemented
        if (self.quarter is None) != (other.quarter is None):
            raise ValidationError("", other, N_("cannot order a year against a quarter"))
        return self._key() < other._key()

    def next(self) -> Period:
        """The period right after this one, of the same kind."""
        if self.quarter is None:
            return Period(self.year + 1)
        if self.quarter == 4:
            return Period(self.year + 1, 1)
        return Period(self.year, self.quarter + 1)

    def __str__(self) -> str:
        return f"{self.year}" if self.quarter is None else f"{self.year}Q{self.quarter}"
