"""Figures of frozen domain objects as plain floats, computed once when they are built.

:func:`sep.evaluation.columns_from` reads a portfolio of hundreds of thousands of incubatees
column by column, for analysts deciding 4.3.5(b) (the largest independent round) and
4.3.5(c) (revenue, profit, cash flow) over whole portfolios. Reading each figure there
means, per record, the period's year and quarter and each amount's currency and
:class:`~decimal.Decimal` value: a dozen attribute reads and a conversion to fen. The
objects are frozen, so the records that hold figures (:class:`~sep.domain.PeriodFinancials`,
:class:`~sep.domain.FinancingRound`) keep those numbers at construction, packed as native
``float64`` in one :class:`bytes` (the reader joins them and NumPy reads the buffer, with no
Python float per figure), in a slot that is not an attrs field: it takes no part in
equality, hashing, ``repr``, :func:`attrs.evolve` or serialisation.

Each amount becomes its fen as a float (exact: below 10^15 fen, under 2**53), ``NaN``
when the figure is ``None``, and :data:`NOT_PLAIN` when a float would not say it exactly (a
currency other than CNY, a fraction of a fen, 10^13 CNY or more): the reader then gives the
objects to the exact reader, which decides them (or names the error).
"""

from __future__ import annotations

import struct
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from sep._limits import MONEY_CONTEXT
from sep.domain._money import CNY, Money

__all__ = ["NOT_PLAIN", "PlainFigures", "fen_of", "packer", "plain_of"]

#: The figure of an amount a float does not hold exactly (or that is not in CNY).
NOT_PLAIN = float("inf")
_NAN = float("nan")
_LIMIT = 10**15  # fen: 1e13 CNY; sums of four stay below 2**53, where float64 is exact

# Amounts recur across a portfolio (round figures): each distinct Decimal is converted
# once (a bounded cache); a lookup costs a hash, a conversion several Decimal operations.
_fen: dict[Decimal, float] = {}


def _convert(amount: Decimal) -> float:
    # In MONEY_CONTEXT, as the exact reader: the caller's context (28 digits by default)
    # would round 1.0000000000000000000000000001 to a whole fen.
    scaled = amount.scaleb(2, MONEY_CONTEXT)
    fen = int(scaled)
    value = float(fen) if fen == scaled and -_LIMIT < fen < _LIMIT else NOT_PLAIN
    if len(_fen) > 100_000:
        _fen.clear()
    _fen[amount] = value
    return value


def packer(width: int) -> Callable[..., bytes]:
    """The function packing ``width`` floats as the bytes :func:`plain_of` gives."""
    return struct.Struct(f"={width}d").pack


def fen_of(money: Money | None) -> float:
    """``money`` in fen as a float: ``NaN`` for ``None``, :data:`NOT_PLAIN` unless it is an
    amount in CNY of whole fen below 10^13 CNY.

    Example:
        >>> fen_of(Money("12.50")), fen_of(None), fen_of(Money("0.001")), fen_of(Money(1, "USD"))
        (1250.0, nan, inf, inf)
    """
    if money is None:
        return _NAN
    if money.currency != CNY:
        return NOT_PLAIN
    amount = money.amount
    found = _fen.get(amount)
    return _convert(amount) if found is None else found


class PlainFigures:
    """A slot for an object's figures as plain floats (see the module), set at construction.

    Objects copied or unpickled do not carry it (attrs restores fields only): read it
    with :func:`plain_of`, which computes it again then. A class with its own
    ``__attrs_post_init__`` calls this one too, or its objects are read the slow way.
    """

    __slots__ = ("_plain",)

    def _figures(self) -> bytes:
        """The figures, computed from the object's fields, packed by :func:`packer`."""
        raise NotImplementedError

    def __attrs_post_init__(self) -> None:
        # The object is frozen: its fields, and so its figures, never change.
        object.__setattr__(self, "_plain", self._figures())


def plain_of(obj: Any) -> bytes:
    """The plain figures of ``obj`` (a :class:`PlainFigures`), computing them if it lost them.

    Example:
        >>> from sep.domain import FinancingRound
        >>> struct.unpack("=2d", plain_of(FinancingRound(Money("2.5"), independent=True)))
        (250.0, 1.0)
    """
    try:
        found: bytes = obj._plain
    except AttributeError:
        found = obj._figures()
    return found
