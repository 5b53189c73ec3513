"""Incubatees to columns fast: the graduation inputs (4.3.5(a)–(d)) read straight off the
attrs objects, for portfolios of hundreds of thousands.

:meth:`sep.domain.Incubatee.facts` builds every fact of both graduation packs with
:class:`~sep.domain.Money` arithmetic and :class:`~sep.domain.Period` objects, one object
at a time. This reads only the inputs a pack declares, field by field over the whole
portfolio (C-level ``map`` of ``attrgetter``; the figures of financial records and rounds
as the plain floats they keep, :mod:`sep.domain._plain`), and decides the per-row rules
with NumPy on integer fen held in ``float64`` (exact below 2**53): the latest complete year of
4.3.5(c) (a yearly record, else four known quarters summed), the largest independent
round of 4.3.5(b) (three-valued), events that imply a flag, the cash-flow periods.
Anything unusual (another currency, an amount below the fen or beyond 1e13 CNY, a value
below an input's minimum, years mixed with quarters across rows, a series wider than
sep's bound) gives up, so the exact reader runs and raises its own error: results are
always those of ``facts()`` (tests compare the two on any incubatees).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from itertools import chain
from operator import attrgetter
from typing import Any

import numpy as np

from sep._limits import MAX_SERIES_SPAN
from sep.domain._enums import EventKind
from sep.domain._incubatee import Incubatee
from sep.domain._plain import plain_of
from sep.evaluation._batch_columns import SeriesColumn, unique_inverse
from sep.evaluation._inputs import label_of
from sep.evaluation._spec import RulePack

__all__ = ["STEP", "incubatee_columns"]

Floats = np.ndarray[Any, np.dtype[np.float64]]
Ints = np.ndarray[Any, np.dtype[np.intp]]

_NAN = float("nan")
_PLAIN = 10**15  # fen: 1e13 CNY; sums of four stay below 2**53, where float64 is exact
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
_FLAG = {True: 1.0, False: 0.0, None: _NAN}

_events = attrgetter("events")
_rounds = attrgetter("financing_rounds")
_financials = attrgetter("financials")
_plain = attrgetter("_plain")
_kind = attrgetter("kind")


class _GiveUp(Exception):
    """Not a plain case: the exact reader decides (and names any error)."""


def _figures(records: list[Any], width: int) -> Floats:
    """The plain figures of ``records`` (:mod:`sep.domain._plain`), one row of ``width``
    each: one C-level pass over the records, none over their fields."""
    try:
        packed = b"".join(map(_plain, records))
    except AttributeError:  # records copied or unpickled: their figures are made again
        packed = b"".join(map(plain_of, records))
    return np.frombuffer(packed, np.float64).reshape(len(records), width)


def _plain_fen(values: Floats) -> Floats:
    """``values`` (fen, ``NaN`` missing) when every amount is plain; else gives up."""
    if np.isinf(values).any():
        raise _GiveUp  # another currency, a fraction of a fen, 1e13 CNY or more
    return values


def incubatee_columns(
    objects: Sequence[Any], pack: RulePack, tick: Callable[[int], Any] | None = None
) -> dict[str, Any] | None:
    """The columns :func:`~sep.evaluation.columns_from` gives for ``objects``, or ``None``
    when they are not all :class:`~sep.domain.Incubatee`, the pack asks for other inputs,
    or a value needs the exact reader. ``tick(n)`` is told of every ``STEP`` objects read."""
    wanted = pack.inputs
    if any(_TYPES.get(name) != spec.type for name, spec in wanted.items()):
        return None
    if objects and set(map(type, objects)) != {Incubatee}:
        return None
    try:
        return _read(objects, pack, tick)
    except _GiveUp:
        return None


#: Objects read between two progress reports.
STEP = 10_000
#: Objects read field by field at a time: few enough that theirs stay in the CPU's caches
#: from one field's pass to the next (the reads are bound by memory, not by Python), and
#: enough that NumPy's cost per call stays small (records' figures are one pass each).
CHUNK = 2_500


class _Part:
    """What one chunk of objects holds, field by field (row numbers within the chunk)."""

    def __init__(self, objects: Sequence[Any], flags: list[str], pack: RulePack) -> None:
        n = len(objects)
        self.n = n
        self.flags = {
            name: np.fromiter(map(_FLAG.__getitem__, map(attrgetter(name), objects)), float, n)
            for name in flags
        }
        events = list(map(_events, objects))
        self.events = [(i, set(map(_kind, e))) for i, e in enumerate(events) if e]
        names = pack.inputs
        if "largest_financing_round" in names:
            self.rounds = _largest_rounds(list(map(_rounds, objects)), n)
        if "revenue" in names or "profit" in names or "operating_cash_flow" in names:
            financials = list(map(_financials, objects))
            counts = np.fromiter(map(len, financials), np.intp, n)
            self.owner: Ints = np.repeat(np.arange(n), counts)
            # Year, quarter (0: the whole year), revenue, profit, cash flow: one row each.
            grid = _figures(list(chain.from_iterable(financials)), 5)
            self.year = grid[:, 0].astype(np.intp)
            self.quarter = grid[:, 1].astype(np.intp)
            self.revenue = _plain_fen(grid[:, 2]) if "revenue" in names else None
            self.profit = _plain_fen(grid[:, 3]) if "profit" in names else None
            self.cash = _plain_fen(grid[:, 4]) if "operating_cash_flow" in names else None


def _largest_rounds(per_object: list[tuple[Any, ...]], n: int) -> Floats:
    """4.3.5(b) per row, as :meth:`Incubatee.largest_independent_round`: the largest round
    marked independent (zero if none is), unknown when a round of unknown independence is
    larger, or when no round is recorded; in fen."""
    counts = np.fromiter(map(len, per_object), np.intp, n)
    flat = list(chain.from_iterable(per_object))
    out = np.full(n, np.nan)
    if not flat:
        return out
    grid = _figures(flat, 2)  # fen, independence (1 yes, 0 unknown, -1 no)
    fen = _plain_fen(grid[:, 0])
    kind = grid[:, 1]
    owner = np.repeat(np.arange(n), counts)
    best = np.zeros(n)
    np.maximum.at(best, owner[kind == 1], fen[kind == 1])
    unsure = np.full(n, -1.0)
    np.maximum.at(unsure, owner[kind == 0], fen[kind == 0])
    known = (counts > 0) & (unsure <= best)
    out[known] = best[known]
    return out


def _read(
    objects: Sequence[Any], pack: RulePack, tick: Callable[[int], Any] | None = None
) -> dict[str, Any]:
    names = list(pack.inputs)
    flags = [n for n in names if _TYPES[n] == "bool"]
    n = len(objects)
    parts = []
    for step in range(0, n, STEP):
        block = objects[step : step + STEP]
        for start in range(0, len(block), CHUNK):
            parts.append(_Part(block[start : start + CHUNK], flags, pack))
        if tick is not None:
            tick(len(block))
    starts = np.cumsum([0] + [p.n for p in parts])
    out: dict[str, Any] = {}
    for name in flags:
        column = np.concatenate([p.flags[name] for p in parts]) if parts else np.empty(0)
        kind = _EVENT_OF.get(name)
        if kind is not None:
            for start, part in zip(starts, parts, strict=False):
                for i, seen in part.events:
                    if kind in seen:
                        column[start + i] = 1.0  # a recorded event implies the flag
        out[name] = column
    if "largest_financing_round" in names:
        out["largest_financing_round"] = _concat([p.rounds for p in parts]) / 100
    if {"revenue", "profit", "operating_cash_flow"} & set(names):
        owner = _concat([p.owner + s for p, s in zip(parts, starts, strict=False)], np.intp)
        year = _concat([p.year for p in parts], np.intp)
        quarter = _concat([p.quarter for p in parts], np.intp)
        if "revenue" in names or "profit" in names:
            years = _Years(owner, year, quarter, n)
            for field in ("revenue", "profit"):
                if field in names:
                    out[field] = years.latest(_concat([getattr(p, field) for p in parts])) / 100
        if "operating_cash_flow" in names:
            cash = _concat([p.cash for p in parts])
            out["operating_cash_flow"] = _series(owner, year, quarter, cash, n, pack)
    for name, spec in pack.inputs.items():
        if spec.type == "money" and spec.minimum is not None:
            values = out[name]
            if (values[~np.isnan(values)] < float(spec.minimum)).any():
                raise _GiveUp  # the exact reader names the row and the clause
    return {name: out[name] for name in names}


def _concat(arrays: list[Any], dtype: Any = np.float64) -> Any:
    return np.concatenate(arrays) if arrays else np.empty(0, dtype)


class _Years:
    """4.3.5(c)'s "latest full year" as :meth:`Incubatee._latest_year` reads it, per row:
    the latest calendar year with a yearly record or all four quarters recorded; its
    figure is the yearly record's, else the four quarters' sum when all four are known."""

    def __init__(self, owner: Ints, year: Ints, quarter: Ints, n: int) -> None:
        span = int(year.max()) - int(year.min()) + 1 if len(year) else 1
        group = owner.astype(np.int64) * span + (year - (int(year.min()) if len(year) else 0))
        keys, self.inverse = unique_inverse(group, n * span)
        self.groups = len(keys)
        self.is_year = quarter == 0
        in_quarters = self.inverse[~self.is_year]
        self.quarters = np.bincount(in_quarters, minlength=self.groups)
        has_year = np.zeros(self.groups, np.bool_)
        has_year[self.inverse[self.is_year]] = True
        complete = np.flatnonzero(has_year | (self.quarters == 4))
        # Groups are sorted by row, then year: a row's latest complete year is its last.
        rows = keys[complete] // span
        last = np.ones(len(rows), np.bool_)
        last[:-1] = rows[1:] != rows[:-1]
        self.rows, self.latest_groups = rows[last], complete[last]
        self.n = n

    def latest(self, value: Floats) -> Floats:
        found = np.full(self.groups, np.nan)
        found[self.inverse[self.is_year]] = value[self.is_year]
        quarters = ~self.is_year
        in_quarters = self.inverse[quarters]
        q = value[quarters]
        known = np.bincount(in_quarters, ~np.isnan(q), minlength=self.groups)
        total = np.bincount(in_quarters, np.nan_to_num(q), minlength=self.groups)
        summed = np.isnan(found) & (self.quarters == 4) & (known == 4)
        found[summed] = total[summed]
        out = np.full(self.n, np.nan)
        out[self.rows] = found[self.latest_groups]
        if (np.abs(out[~np.isnan(out)]) >= _PLAIN).any():
            raise _GiveUp  # beyond plain floats: the exact reader sums in Decimal
        return out


def _series(
    owner: Ints, year: Ints, quarter: Ints, cash: Floats, n: int, pack: RulePack
) -> SeriesColumn:
    """4.3.5(c)'s cash-flow periods as :meth:`Incubatee.cash_flow_series` gives them: a
    row's quarters when it has any, else its years; only known amounts make columns."""
    is_quarter = quarter > 0
    has_records = np.bincount(owner, minlength=n) > 0
    has_quarters = np.bincount(owner, is_quarter, minlength=n) > 0
    quarterly = bool(has_quarters.any())
    if quarterly and (has_records & ~has_quarters).any():
        raise _GiveUp  # the exact reader names the row that mixes years and quarters
    declared = pack.inputs["operating_cash_flow"].period
    if {"quarter": not quarterly, "year": quarterly}.get(declared, False) and len(owner):
        raise _GiveUp  # the exact reader names the period of the wrong kind
    key = year * 4 + quarter - 1 if quarterly else year
    keep = ~np.isnan(cash) & (is_quarter if quarterly else True)
    key, rows, amounts = key[keep], owner[keep], cash[keep]
    if len(key) and int(key.max()) - int(key.min()) >= MAX_SERIES_SPAN:
        raise _GiveUp  # the exact reader names the row beyond the bound
    low = int(key.min()) if len(key) else 0
    offsets, position = unique_inverse(key - low, MAX_SERIES_SPAN)
    labels = offsets + low
    grid = np.full((n, len(labels)), np.nan)
    grid[rows, position] = amounts / 100
    return SeriesColumn(grid, tuple(label_of(int(k), quarterly) for k in labels))
