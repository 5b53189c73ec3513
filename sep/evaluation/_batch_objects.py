"""Incubatees to columns fast: the graduation inputs (4.3.5(a)–(d)) read straight off the
attrs objects, for portfolios of hundreds of thousands.

:meth:`sep.domain.Incubatee.facts` builds every fact of both graduation packs with
:class:`~sep.domain.Money` arithmetic and :class:`~sep.domain.Period` objects; this reads
only the inputs a pack declares, in integer fen, with the same rules (latest full year,
events that imply a flag, the largest CNY round, the cash-flow periods). Anything
unusual (another currency, an amount below the fen or beyond the float range, a value
below an input's minimum, years mixed with quarters across rows) gives up, so the exact
reader runs and raises its own error: results are always those of ``facts()``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from decimal import Decimal
from operator import attrgetter
from typing import Any

import numpy as np

from sep.domain._enums import EventKind
from sep.domain._incubatee import Incubatee
from sep.domain._money import CNY
from sep.evaluation._batch_columns import SeriesColumn
from sep.evaluation._inputs import label_of
from sep.evaluation._spec import RulePack

__all__ = ["STEP", "incubatee_columns"]

_NAN = float("nan")
_PLAIN = 10**15  # fen: 1e13 CNY, where floats hold amounts to the fen exactly
_TYPES = {
    "acquired_by_founder": "bool",
    "listed": "bool",
    "platform_equity_exited": "bool",
    "organisation_complete": "bool",
    "needs_platform_services": "bool",
    "largest_financing_round": "money",
    "revenue": "money",
    "profit": "money",
    "operating_cash_flow": "series",
}
_EVENT_OF = {
    "acquired_by_founder": EventKind.ACQUIRED_BY_FOUNDER,
    "listed": EventKind.LISTED,
    "platform_equity_exited": EventKind.PLATFORM_EQUITY_EXIT,
}


class _GiveUp(Exception):
    """Not a plain case: the exact reader decides (and names any error)."""


# Amounts recur across a portfolio (round figures): each distinct Decimal is converted
# once (a bounded cache); a lookup costs a hash, a conversion several Decimal operations.
_FenCache = dict[Decimal, int]
_cache: _FenCache = {}


def _convert(amount: Decimal) -> int:
    scaled = amount.scaleb(2)
    fen = int(scaled)
    if fen != scaled or not -_PLAIN < fen < _PLAIN:
        raise _GiveUp
    if len(_cache) > 100_000:
        _cache.clear()
    _cache[amount] = fen
    return fen


def _fen(money: Any) -> int | None:
    if money is None:
        return None
    if money.currency != CNY:
        raise _GiveUp
    fen = _cache.get(money.amount)
    return _convert(money.amount) if fen is None else fen


def incubatee_columns(
    objects: Sequence[Any], pack: RulePack, tick: Callable[[int], Any] | None = None
) -> dict[str, Any] | None:
    """The columns :func:`~sep.evaluation.columns_from` gives for ``objects``, or ``None``
    when they are not all :class:`~sep.domain.Incubatee`, the pack asks for other inputs,
    or a value needs the exact reader. ``tick(n)`` is told of every ``STEP`` objects read."""
    wanted = pack.inputs
    if any(_TYPES.get(name) != spec.type for name, spec in wanted.items()):
        return None
    if any(type(o) is not Incubatee for o in objects):
        return None
    try:
        return _read(objects, pack, tick)
    except _GiveUp:
        return None


#: Objects read between two progress reports.
STEP = 10_000


def _ticking(objects: Sequence[Any], tick: Callable[[int], Any]) -> Iterator[tuple[int, Any]]:
    for start in range(0, len(objects), STEP):
        chunk = objects[start : start + STEP]
        yield from enumerate(chunk, start)
        tick(len(chunk))


def _read(
    objects: Sequence[Any], pack: RulePack, tick: Callable[[int], Any] | None = None
) -> dict[str, Any]:
    names = list(pack.inputs)
    need_years = "revenue" in names or "profit" in names
    need_cash = "operating_cash_flow" in names
    need_rounds = "largest_financing_round" in names
    flags = [n for n in names if _TYPES[n] == "bool"]
    # One C-level getter per object for the flags and the collections it reads.
    grab = attrgetter("events", "financing_rounds", "financials", *flags)
    raw_flags: list[tuple[Any, ...]] = []
    with_events: list[tuple[int, set[Any]]] = []
    rounds: list[float] = []
    revenue: list[float] = []
    profit: list[float] = []
    cash_rows: list[dict[int, int]] = []
    kinds: set[bool] = set()
    get = _cache.get
    for i, obj in enumerate(objects) if tick is None else _ticking(objects, tick):
        events, financing_rounds, financials, *values = grab(obj)
        raw_flags.append(tuple(values))
        if events:
            with_events.append((i, {e.kind for e in events}))
        if need_rounds:
            # The domain's own reading of 4.3.5(b) (independent rounds, three-valued); a
            # round in another currency gives up, so the exact reader refuses it by name.
            if any(r.amount.currency != CNY for r in financing_rounds):
                raise _GiveUp
            best = _fen(obj.largest_independent_round())
            rounds.append(_NAN if best is None else best / 100)
        if not financials:
            if need_years:
                revenue.append(_NAN)
                profit.append(_NAN)
            if need_cash:
                cash_rows.append({})
            continue
        yearly: list[tuple[int, Any]] = []
        quarterly: list[tuple[int, Any]] = []
        ordered = True
        for record in financials:
            for money in (record.revenue, record.profit, record.operating_cash_flow):
                if money is not None and money.currency != CNY:
                    raise _GiveUp  # the exact reader refuses it, naming the figure
            period = record.period
            if period.quarter is None:
                yearly.append((period.year, record))
            else:
                key = period.year * 4 + period.quarter - 1
                if quarterly and key < quarterly[-1][0]:
                    ordered = False
                quarterly.append((key, record))
        if not ordered:
            quarterly.sort(key=_first)
        if need_years:
            # The domain's own "latest complete year" (4.3.5(c)), never a second copy of it.
            rev, pro = _fen(obj._latest_year("revenue")), _fen(obj._latest_year("profit"))
            revenue.append(_NAN if rev is None else rev / 100)
            profit.append(_NAN if pro is None else pro / 100)
        if need_cash:
            records = quarterly or yearly
            kinds.add(bool(quarterly))
            row: dict[int, int] = {}
            for key, record in records:
                money = record.operating_cash_flow
                if money is not None:
                    if money.currency != CNY:
                        raise _GiveUp
                    amount = money.amount
                    fen = get(amount)
                    row[key] = _convert(amount) if fen is None else fen
            cash_rows.append(row)
    if len(kinds) > 1:
        raise _GiveUp  # the exact reader names the row that mixes years and quarters
    out: dict[str, Any] = {}
    flag_columns = _flags(raw_flags, len(flags), len(objects))
    for k, name in enumerate(flags):
        kind = _EVENT_OF.get(name)
        if kind is not None:
            for i, seen in with_events:
                if kind in seen:
                    flag_columns[k][i] = 1.0  # a recorded event implies the flag
    for name in names:
        declared = _TYPES[name]
        if declared == "bool":
            out[name] = flag_columns[flags.index(name)]
        elif name == "largest_financing_round":
            out[name] = np.array(rounds, np.float64)
        elif name == "revenue":
            out[name] = np.array(revenue, np.float64)
        elif name == "profit":
            out[name] = np.array(profit, np.float64)
        else:
            out[name] = _series(cash_rows, bool(kinds and kinds.pop()))
    for name, spec in pack.inputs.items():
        if spec.type == "money" and spec.minimum is not None:
            values = out[name]
            if (values[~np.isnan(values)] < float(spec.minimum)).any():
                raise _GiveUp  # the exact reader names the row and the clause
    return out


def _first(pair: tuple[int, Any]) -> int:
    return pair[0]


def _flags(rows: list[tuple[Any, ...]], width: int, n: int) -> list[np.ndarray[Any, Any]]:
    """``True``/``False``/``None`` per row and flag to ``float64`` 1/0/``NaN`` columns."""
    table = np.empty((n, width), object)
    if n and width:
        table[:] = rows
    missing: np.ndarray[Any, Any] = table == None  # noqa: E711 - elementwise, on objects
    values = np.where(missing, False, table).astype(np.bool_).astype(np.float64)
    values[missing] = np.nan
    return [np.ascontiguousarray(values[:, k]) for k in range(width)]


def _series(rows: list[dict[int, int]], quarterly: bool) -> SeriesColumn:
    keys = sorted({k for row in rows for k in row})
    position = {k: j for j, k in enumerate(keys)}
    grid = np.full((len(rows), len(keys)), np.nan)
    for i, row in enumerate(rows):
        for key, fen in row.items():
            grid[i, position[key]] = fen / 100
    return SeriesColumn(grid, tuple(label_of(k, quarterly) for k in keys))
