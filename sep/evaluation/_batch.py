"""The column-wise evaluator: one rule pack over many rows at once, on NumPy.

Serves the same questions as :func:`sep.evaluation.check` — eligibility (3.1, 4.2.1),
graduation (4.3.5), evaluation (4.3.7-b) and any loaded pack — for thousands to millions
of incubatees or enterprises, as analysts hold them: columns. The pack's condition tree is
compiled once per pack, parameter values and date into vectorised operations with Kleene
logic, and every criterion of the tree (top-level and nested) gets an outcome per row.

Outcome codes (``int8``) of :class:`BatchResult`:

====  ===========================
code  :class:`~sep.evaluation.Outcome`
====  ===========================
 1    ``MET``
 0    ``NOT_MET``
-1    ``UNKNOWN`` (missing data; never ``NOT_MET``)
====  ===========================

Column encodings. A column not given means every row's value is missing; in ``object``
columns ``None``, ``NaN``, ``pandas.NA`` and ``""`` (a blank form field) are missing:

* **bool**: a ``bool`` array (nothing missing); ``float`` with ``1.0``/``0.0`` and ``NaN``
  for missing; ``object`` with ``True``/``False``/``None``; a pandas ``boolean`` column; or a
  :class:`numpy.ma.MaskedArray` whose mask marks the missing rows.
* **money**: CNY, as ``float64`` (``NaN`` missing), whole-yuan integers, or ``object`` holding
  ``Decimal``/``str``/``Money``/``None``. Results equal the direct evaluator's (which works
  in ``Decimal``) for every amount with at most two decimals: below 1e13 CNY in magnitude
  from floats, below 1e15 CNY from integers and decimals. Floats are compared as given
  where that is exact (thresholds to the fen below 1e13 CNY); elsewhere, and inside series
  measures, amounts are ``int64`` fen (floats rounded to the fen). A decimal or string
  with a part below the fen is refused, as is anything beyond ±1e15 CNY.
* **number**: ``float64`` (``NaN`` missing) or ``object``; exact against the direct evaluator
  for values written with at most 15 significant digits.
* **enum**: strings (``str`` or ``object``); the input's "unknown" strings are missing too;
  any other string is refused.
* **series**: :class:`SeriesColumn` (an ``n × k`` array, oldest period first, ``NaN`` a missing
  period, with the ``k`` period labels), a mapping ``{period label: money column}``, a
  DataFrame whose columns are period labels, or an ``object`` column of per-row mappings
  ``{period: amount}``. As in the direct evaluator, "the last periods" of a row end at its
  newest *known* period.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping
from decimal import ROUND_FLOOR, Decimal
from typing import Any, ClassVar, Literal

import attrs
import numpy as np

from sep._i18n import N_
from sep._limits import MONEY_CONTEXT
from sep._progress import progress_bar
from sep._reason import R_
from sep.errors import ValidationError
from sep.evaluation._api import (
    ELIGIBILITY,
    EVALUATION,
    GRADUATION,
    _facts,
    _pack,
    _refuse_extra,
    compile_pack,
    refuse_unknown_names,
)
from sep.evaluation._batch_columns import (
    BoolColumn,
    Encoded,
    EnumColumn,
    MoneyColumn,
    NumberColumn,
    SeriesColumn,
    SeriesGrid,
    encode,
    missing,
    rows_of,
)
from sep.evaluation._batch_objects import STEP, incubatee_columns
from sep.evaluation._decision import Decision, ParameterUse
from sep.evaluation._engine import _OPS, Evaluator, ratio_bound, stability
from sep.evaluation._inputs import MISSING_INPUT, label_of, normaliser, ordinal
from sep.evaluation._outcome import Outcome
from sep.evaluation._spec import All, AnyOf, Condition, Criterion, InputSpec, Leaf, RulePack

__all__ = [
    "BatchResult",
    "SeriesColumn",
    "check_batch",
    "check_eligibility_batch",
    "check_evaluation_batch",
    "check_graduation_batch",
    "columns_from",
    "synthetic_graduation_columns",
]

# Arrays are typed loosely: NumPy's dtype-precise stubs fight shifts and views.
Codes = np.ndarray[Any, Any]
Int8s = np.ndarray[Any, Any]
Bools = np.ndarray[Any, Any]
Floats = np.ndarray[Any, Any]

# Inside the plan outcomes are ordered NOT_MET < UNKNOWN < MET, so Kleene "all" is a
# minimum, "any" a maximum and "not" a reflection; they are mapped to the public codes once.
_NOT, _UNK, _MET = 0, 1, 2
# A float ratio farther than this from the threshold is on the same side after rounding to
# four decimals (rounding moves it by at most 0.00005; the float's own error is some ulps of
# a ratio that, near the threshold, is about the threshold): only nearer rows are redone
# exactly. Twice the rounding step keeps a wide margin; 1e-3 redid ten times the rows.
_RATIO_SLACK = 1e-4
# Against ratio_bound's edge, the float ratio's error is its own: a few ulps (the fen are
# exact in a double below 2**53, the wide rows are redone anyway); 1e-9 of the edge is a
# margin of millions of ulps.
_BOUND_SLACK = 1e-9
_CLAMP = 2**62
_PLAIN_FEN = 10**15  # 1e13 CNY


@attrs.frozen
class _Window:
    """A series window of every row (``parts``: amounts and known mask per period, oldest
    first), right for all rows but ``odd``, whose own windows are ``shifted`` (the same
    per period, one entry per odd row)."""

    parts: list[tuple[Any, Any]]
    odd: Any
    shifted: list[tuple[Any, Any]]

    def decide(self, rows: int, fn: Callable[[list[tuple[Any, Any]], int, Any], Codes]) -> Codes:
        """``fn(parts, rows, where)`` for every row, then the odd rows' answers from their
        own windows written over theirs; ``where`` is the rows' place in the chunk
        (``None`` for all of them, else ``odd``)."""
        out = fn(self.parts, rows, None)
        if self.odd.size:
            out[self.odd] = fn(self.shifted, self.odd.size, self.odd)
        return out


class _Env:
    """One run: the encoded columns and the per-series preparations shared by leaves."""

    def __init__(self, pack: RulePack, raw: Mapping[str, Any], n: int) -> None:
        self.n = n
        self.encoded: dict[str, Encoded] = {}
        for name, spec in pack.inputs.items():
            self.encoded[name] = encode(spec, raw[name], n) if name in raw else missing(spec, n)
        self.memo: dict[tuple[Any, ...], Any] = {}
        self.results: dict[str, Codes] = {}

    def rows(self, start: int, stop: int) -> _Env:
        """The same run over rows ``start:stop`` only: views of the encoded columns."""
        part = object.__new__(_Env)
        part.n = stop - start
        part.encoded = {name: _rows(column, start, stop) for name, column in self.encoded.items()}
        part.memo = {}
        part.results = {}
        return part

    def grid(self, name: str) -> SeriesGrid:
        found = self.encoded[name]
        assert isinstance(found, SeriesGrid)
        return found

    def newest(self, name: str) -> Any:
        """Index of each row's newest known period (``-1`` when none is known), ``int16``
        (a grid spans at most :data:`~sep._limits.MAX_SERIES_SPAN` periods)."""
        key = ("newest", name)
        found = self.memo.get(key)
        if found is None:
            known = self.grid(name).known
            found = np.full(self.n, -1, np.int16)
            for j in range(known.shape[0]):
                # j where period j is known, else -1, kept at the maximum: arithmetic on
                # small integers, a seventh of the cost of a masked copy on int64.
                np.maximum(found, known[j].view(np.int8) * np.int16(j + 1) - 1, out=found)
            self.memo[key] = found
        return found

    def bounds(self, name: str) -> tuple[Any, Any]:
        """Index of each row's first and last known period (``-1`` when none is known)."""
        key = ("bounds", name)
        found = self.memo.get(key)
        if found is None:
            known = self.grid(name).known
            width = known.shape[0]
            first = np.full(self.n, width, np.int16)
            for j in range(width):
                # j where period j is known, else width, kept at the minimum (as newest).
                np.minimum(first, known[j].view(np.int8) * np.int16(j - width) + width, out=first)
            first[first == width] = -1
            found = self.memo[key] = (first.astype(np.int64), self.newest(name).astype(np.int64))
        return found

    def window(self, name: str, size: int) -> _Window:
        """Amounts and known mask of each row's last ``size`` periods, oldest first.

        As in the direct evaluator, the window ends at the row's newest *known* period, and
        periods before the grid are unknown.
        """
        key = ("window", name, size)
        found = self.memo.get(key)
        if found is not None:
            return found  # type: ignore[no-any-return]
        grid = self.grid(name)
        width = grid.known.shape[0]
        last = self.newest(name)
        # Most rows know the newest period: their window is the grid's last period rows,
        # taken as views. The others (a tenth, with a tenth of amounts missing) are
        # gathered into small arrays of their own, which the leaves decide apart and write
        # over the first answer for those rows: copying every period row to patch them in
        # place cost more than the leaves themselves.
        parts: list[tuple[Any, Any]] = []
        for p in range(size):
            col = width - size + p
            if col >= 0:
                parts.append((grid.fen[col], grid.known[col]))
            else:
                parts.append((np.zeros(self.n, np.int64), np.zeros(self.n, np.bool_)))
        odd = np.flatnonzero(last != width - 1)
        shifted: list[tuple[Any, Any]] = []
        if odd.size:
            newest = last[odd]
            for p in range(size):
                col = newest - (size - 1) + p
                inside = col >= 0
                col = np.maximum(col, 0)
                if width:
                    shifted.append((grid.fen[col, odd], grid.known[col, odd] & inside))
                else:
                    shifted.append((np.zeros(odd.size, np.int64), np.zeros(odd.size, np.bool_)))
        found = self.memo[key] = _Window(parts, odd, shifted)
        return found

    def wide_rows(self, name: str, terms: int) -> Any:
        """Rows of series ``name`` whose sum of ``terms`` periods might leave ``int64``.

        Amounts are at most 10^17 fen, so sums of up to 92 periods always fit; longer
        windows (up to :data:`~sep._limits.MAX_SERIES_SPAN`) of amounts that large are
        summed exactly on Python integers, row by row. Normally there are none, and one
        pass over the grid's extremes tells.
        """
        key = ("wide", name, terms)
        found = self.memo.get(key)
        if found is None:
            fen = self.grid(name).fen
            safe = (2**63 - 1) // max(terms, 1)
            if fen.size == 0 or max(-int(fen.min()), int(fen.max())) <= safe:
                found = np.zeros(0, np.int64)
            else:
                found = np.flatnonzero(np.abs(fen).max(axis=0) > safe)
            self.memo[key] = found
        return found


def _rows(column: Encoded, start: int, stop: int) -> Encoded:
    """Rows ``start:stop`` of an encoded column, as views (nothing is copied)."""
    if isinstance(column, BoolColumn):
        return BoolColumn(column.codes[start:stop])
    if isinstance(column, EnumColumn):
        return EnumColumn(column.codes[start:stop])
    if isinstance(column, NumberColumn):
        return NumberColumn(column.values[start:stop])
    if isinstance(column, MoneyColumn):
        if column.floats is not None:
            return MoneyColumn(floats=column.floats[start:stop])
        return MoneyColumn(fen=column.fen[start:stop], known=column.known[start:stop])
    return SeriesGrid(
        column.fen[:, start:stop], column.known[:, start:stop], column.first, column.quarterly
    )


#: Rows decided at a time by :func:`check_batch`: the temporaries of one chunk stay in the
#: CPU's caches between the steps of the plan, and a progress bar can count chunks.
CHUNK_ROWS = 1 << 18


Op = Callable[[_Env], Codes]


def _codes(cmp: Bools, known: Bools) -> Codes:
    """Leaf codes: MET where ``cmp`` holds, NOT_MET where not, UNKNOWN where not ``known``."""
    out = (cmp & known).view(np.uint8) << 1
    out |= (~known).view(np.uint8)
    return out


def _compare_fen(values: Any, op: str, threshold_fen: Decimal) -> Bools:
    """``values op threshold`` exactly, for integer ``values`` and a decimal threshold."""
    if threshold_fen == threshold_fen.to_integral_value():
        whole = max(-_CLAMP, min(_CLAMP, int(threshold_fen)))
        result: Bools = _OPS[op](values, whole)
        return result
    # Between two integers: only the integer below it matters.
    floor = max(-_CLAMP, min(_CLAMP, int(threshold_fen.to_integral_value(ROUND_FLOOR))))
    if op in ("<", "<="):
        return np.asarray(values <= floor)
    if op in (">", ">="):
        return np.asarray(values > floor)
    return np.full(np.shape(values), op == "!=", np.bool_)


def _fen(threshold: Any) -> Decimal:
    return Decimal(threshold).scaleb(2, MONEY_CONTEXT)  # exact, whatever its digits


def _compare_number(values: Any, op: str, threshold: Any) -> Bools:
    """``Decimal(repr(x)) op threshold`` as the direct evaluator reads a float ``x``."""
    exact = Decimal(threshold)
    as_float = float(exact)
    if Decimal(repr(as_float)) == exact:
        # Shortest reprs are ordered like the floats they denote, so comparing floats with
        # the threshold's own float agrees with comparing the decimals.
        return np.asarray(_OPS[op](values, as_float))
    compare = _OPS[op]
    flat = [v == v and compare(Decimal(repr(float(v))), exact) for v in values.tolist()]
    return np.asarray(flat, np.bool_)


def _leaf_value(leaf: Leaf, spec: InputSpec, threshold: Any) -> Op:
    name, compare = leaf.input, _OPS[leaf.op]
    if spec.type == "bool":
        pair = (compare(False, threshold), compare(True, threshold))

        def flag(env: _Env) -> Codes:
            column = env.encoded[name]
            assert isinstance(column, BoolColumn)
            if pair == (False, True):  # "== true": the codes are already the outcome
                return column.codes
            if pair == (True, False):
                return np.subtract(_MET, column.codes, dtype=np.uint8)
            table = np.array([_MET if pair[0] else _NOT, _UNK, _MET if pair[1] else _NOT])
            return np.take(table.astype(np.uint8), column.codes)

        return flag
    if spec.type == "enum":
        table = np.array(
            [_MET if compare(v, threshold) else _NOT for v in spec.values] + [_UNK], np.uint8
        )

        def choice(env: _Env) -> Codes:
            column = env.encoded[name]
            assert isinstance(column, EnumColumn)
            return np.take(table, column.codes)

        return choice
    if spec.type == "money":
        limit = _fen(threshold)
        # Two floats written with at most two decimals below 1e13 are ordered as their
        # decimals, so a threshold of that kind compares float columns as they are.
        plain = limit == limit.to_integral_value() and abs(limit) < _PLAIN_FEN
        as_float = float(Decimal(threshold))

        def money(env: _Env) -> Codes:
            column = env.encoded[name]
            assert isinstance(column, MoneyColumn)
            if plain and column.floats is not None:
                return _codes(np.asarray(compare(column.floats, as_float)), column.known)
            return _codes(_compare_fen(column.fen, leaf.op, limit), column.known)

        return money

    def number(env: _Env) -> Codes:
        column = env.encoded[name]
        assert isinstance(column, NumberColumn)
        known = ~np.isnan(column.values)
        return _codes(_compare_number(column.values, leaf.op, threshold), known)

    return number


def _each_of_last(leaf: Leaf, threshold: Any, size: int) -> Op:
    limit = _fen(threshold)

    def each(parts: list[tuple[Any, Any]], rows: int, where: Any) -> Codes:
        failing = np.zeros(rows, np.bool_)
        gaps = np.zeros(rows, np.bool_)
        for fen, known in parts:
            failing |= known & ~_compare_fen(fen, leaf.op, limit)
            gaps |= ~known
        # NOT_MET if a known period fails, else UNKNOWN if one is missing, else MET.
        out = np.subtract(_MET, gaps.view(np.uint8), dtype=np.uint8)
        out *= (~failing).view(np.uint8)
        return out

    def run(env: _Env) -> Codes:
        return env.window(leaf.input, size).decide(env.n, each)

    return run


def _min_to_mean(leaf: Leaf, threshold: Any, size: int) -> Op:
    exact, as_float, compare = Decimal(threshold), float(threshold), _OPS[leaf.op]
    # The rounded ratio is on the threshold's side exactly when the unrounded one is on
    # the bound's (ratio_bound): compared with the bound, the float ratio is wrong only
    # within its own few ulps of it, so only rows that near are redone in Decimal (a
    # handful in a million, against one in seven hundred within the rounding step).
    bound = ratio_bound(leaf.op, exact)
    if bound is not None:
        edge, above = float(bound[0]), bound[1]
        slack = _BOUND_SLACK * max(1.0, abs(edge))
    else:  # == or != : compare the float ratio with the threshold itself
        edge, above, slack = as_float, None, _RATIO_SLACK

    def ratios(parts: list[tuple[Any, Any]], rows: int, wide: Any) -> Codes:
        # wide: the rows (by place in ``parts``) whose window total might leave int64.
        complete = parts[0][1].copy()
        total = parts[0][0].copy()
        low = parts[0][0].copy()
        for fen, known in parts[1:]:
            complete &= known
            total += fen
            np.minimum(low, fen, out=low)
        positive = total > 0
        ratio = np.zeros(rows)
        np.divide(low * float(size), total, out=ratio, where=positive)
        if above is None:
            met = np.asarray(compare(ratio, as_float))
        else:
            met = ratio > edge if above else ratio < edge
        met &= positive
        # The direct evaluator rounds the ratio to four decimals (half even) before comparing:
        # near the edge, redo its Decimal arithmetic for those rows only.
        near = np.abs(ratio - edge) <= slack
        near &= complete & positive
        # So are rows whose window total might have left int64 (amounts near 10^15 CNY).
        redo = np.union1d(np.flatnonzero(near), wide)
        for i in redo.tolist():
            if not complete[i]:
                continue
            amounts = [Decimal(int(fen[i])).scaleb(-2) for fen, _ in parts]
            stable = stability(amounts, size)
            met[i] = stable is not None and compare(stable, exact)
        return _codes(met, complete)

    def run(env: _Env) -> Codes:
        wide = env.wide_rows(leaf.input, size)

        def decide(parts: list[tuple[Any, Any]], rows: int, where: Any) -> Codes:
            # The wide rows among ``where`` (the odd ones), by their place there.
            if where is not None and wide.size:
                return ratios(parts, rows, np.flatnonzero(np.isin(where, wide)))
            return ratios(parts, rows, wide)

        return env.window(leaf.input, size).decide(env.n, decide)

    return run


def _max_window_sum(leaf: Leaf, threshold: Any, size: int) -> Op:
    limit = _fen(threshold)

    def run(env: _Env) -> Codes:
        grid = env.grid(leaf.input)
        first, last = env.bounds(leaf.input)
        width = grid.known.shape[0]
        # Windows start at each row's first known period, up to the last start that fits
        # before its newest known period (or just the first, when fewer periods are known).
        upper = np.maximum(last - size + 1, first)
        best = np.full(env.n, np.iinfo(np.int64).min, np.int64)
        found = np.zeros(env.n, np.bool_)
        gaps = last < 0
        if width:
            sums = np.concatenate([np.zeros((1, env.n), np.int64), grid.fen.cumsum(axis=0)])
            counts = np.concatenate(
                [np.zeros((1, env.n), np.int64), grid.known.cumsum(axis=0, dtype=np.int64)]
            )
        for start in range(width):
            valid = (first <= start) & (upper >= start)
            end = start + size
            if end > width:  # runs past the grid: some period is unknown
                gaps |= valid
                continue
            complete = (counts[end] - counts[start]) == size
            usable = valid & complete
            gaps |= valid & ~complete
            np.copyto(best, np.maximum(best, sums[end] - sums[start]), where=usable)
            found |= usable
        met = found & _compare_fen(best, leaf.op, limit)
        for i in env.wide_rows(leaf.input, width + 1).tolist():
            met[i], gaps[i] = _max_window_sum_row(
                grid, int(first[i]), int(upper[i]), i, size, leaf.op, limit
            )
        return _codes(met, met | ~gaps)

    return run


def _max_window_sum_row(
    grid: SeriesGrid, first: int, upper: int, row: int, size: int, op: str, limit: Decimal
) -> tuple[bool, bool]:
    """One row of :func:`_max_window_sum` on Python integers: (met, has a gappy window)."""
    fen = grid.fen[:, row].tolist()
    known = grid.known[:, row].tolist()
    width = len(fen)
    best: int | None = None
    gaps = first < 0
    for start in range(max(first, 0), min(upper, width - 1) + 1):
        end = start + size
        if end > width or not all(known[start:end]):
            gaps = True
            continue
        total = sum(fen[start:end])
        best = total if best is None else max(best, total)
    met = best is not None and bool(_OPS[op](Decimal(best), limit))
    return met, gaps


def _public(codes: Codes) -> Int8s:
    """Internal 0/1/2 (NOT_MET/UNKNOWN/MET) to public 0/-1/1, without a lookup."""
    signed = codes.view(np.int8)
    out = signed >> 1
    out *= 3
    out -= signed
    return out


def _all(ops: list[Op]) -> Op:
    def run(env: _Env) -> Codes:
        if not ops:
            return np.full(env.n, _MET, np.uint8)
        out = ops[0](env).copy()
        for op in ops[1:]:
            np.minimum(out, op(env), out=out)
        return out

    return run


def _any(ops: list[Op]) -> Op:
    def run(env: _Env) -> Codes:
        if not ops:
            return np.full(env.n, _NOT, np.uint8)
        out = ops[0](env).copy()
        for op in ops[1:]:
            np.maximum(out, op(env), out=out)
        return out

    return run


def _not(op: Op) -> Op:
    def run(env: _Env) -> Codes:
        return np.subtract(_MET, op(env), dtype=np.uint8)

    return run


class _Plan:
    """A pack's condition tree compiled to vectorised operations for one parameter set."""

    def __init__(self, evaluator: Evaluator) -> None:
        self.evaluator = evaluator
        self.pack = evaluator.pack
        self._values = {u.name: u.value for u in evaluator.parameters}
        self.ids: list[str] = []
        tops = [self._criterion(c) for c in self.pack.criteria]
        self.run: Op = _any(tops) if self.pack.combine == "any" else _all(tops)

    def _criterion(self, criterion: Criterion) -> Op:
        self.ids.append(criterion.id)
        if criterion.condition is not None:
            inner = self._condition(criterion.condition)
        else:
            children = [self._criterion(c) for c in criterion.children]
            inner = _any(children) if criterion.combine == "any" else _all(children)
        key = criterion.id

        def run(env: _Env) -> Codes:
            out = env.results[key] = inner(env)
            return out

        return run

    def _condition(self, condition: Condition) -> Op:
        if isinstance(condition, Leaf):
            threshold = (
                self._values[condition.param] if condition.param is not None else condition.value
            )
            spec = self.pack.inputs[condition.input]
            if condition.measure == "value":
                return _leaf_value(condition, spec, threshold)
            periods = condition.periods
            size = int(self._values[periods]) if isinstance(periods, str) else int(periods or 1)
            if condition.measure == "each_of_last":
                return _each_of_last(condition, threshold, size)
            if condition.measure == "min_to_mean_of_last":
                return _min_to_mean(condition, threshold, size)
            return _max_window_sum(condition, threshold, size)
        if isinstance(condition, All):
            return _all([self._condition(c) for c in condition.items])
        if isinstance(condition, AnyOf):
            return _any([self._condition(c) for c in condition.items])
        return _not(self._condition(condition.item))


def _plan_for(evaluator: Evaluator) -> _Plan:
    # Kept on the evaluator (cached per pack, date and parameters), so a plan lives as long
    # as its evaluator and no module-level table keeps packs alive.
    plan: _Plan | None = getattr(evaluator, "_batch_plan", None)
    if plan is None:
        plan = _Plan(evaluator)
        evaluator._batch_plan = plan  # type: ignore[attr-defined]
    return plan


@attrs.frozen(eq=False)
class BatchResult:
    """The outcomes of a rule pack for every row and every criterion.

    Outcomes are ``int8`` codes: ``1`` MET, ``0`` NOT_MET, ``-1`` UNKNOWN (``CODES``).

    Attributes:
        pack: Pack id.
        edition: The edition of the document the pack implements.
        question: What was asked (``graduation``, ``eligibility``, ``evaluation``, …).
        as_of: The date parameters were taken for.
        parameters: The parameter values used, sorted by name.
        outcome: The pack's outcome per row.
        criteria: Outcome per row of every criterion id, top-level and nested, in the
            pack's order (depth first).

    Example:
        >>> import numpy as np
        >>> r = check_graduation_batch({"listed": np.array([True, False, False]),
        ...                             "platform_equity_exited": [np.nan, 0.0, 1.0]})
        >>> r.outcome.tolist(), r.outcome_of("4.3.5(b).listing").tolist()
        ([1, -1, 1], [1, 0, 0])
        >>> r.row(1)["4.3.5(d)"], r.summary()["outcome"]
        (<Outcome.NOT_MET: 'not_met'>, {'met': 2, 'not_met': 0, 'unknown': 1})
    """

    CODES: ClassVar[Mapping[int, Outcome]] = {
        1: Outcome.MET,
        0: Outcome.NOT_MET,
        -1: Outcome.UNKNOWN,
    }

    pack: str
    edition: str
    question: str
    as_of: dt.date
    parameters: tuple[ParameterUse, ...]
    outcome: Int8s = attrs.field(repr=False)
    criteria: Mapping[str, Int8s] = attrs.field(repr=False)
    _evaluator: Evaluator = attrs.field(repr=False, alias="evaluator")
    # Any, not the private column classes: the constructor is in the documentation, and the
    # encodings are not API (the methods below read them; nothing else should).
    _encoded: Mapping[str, Any] = attrs.field(repr=False, alias="encoded")

    def __len__(self) -> int:
        return int(self.outcome.shape[0])

    @property
    def parameter_values(self) -> dict[str, Decimal | int]:
        """The parameter values used, by name."""
        return {u.name: u.value for u in self.parameters}

    def outcome_of(self, criterion_id: str) -> Int8s:
        """The codes of criterion ``criterion_id`` (any level of the tree) for every row.

        Raises:
            ValidationError: ``criterion_id`` is not a criterion of the pack.
        """
        found = self.criteria.get(criterion_id)
        if found is None:
            raise ValidationError(
                "criterion_id",
                criterion_id,
                R_(
                    "not a criterion of {pack}: {criteria}",
                    pack=self.pack,
                    criteria=list(self.criteria),
                ),
            )
        return found

    def summary(self) -> dict[str, dict[str, int]]:
        """Counts of ``met``/``not_met``/``unknown`` rows, overall (key ``"outcome"``) and per
        criterion."""
        out: dict[str, dict[str, int]] = {}
        for key, codes in self.to_columns().items():
            unknown, not_met, met = _counts(codes)
            out[key] = {"met": met, "not_met": not_met, "unknown": unknown}
        return out

    def to_columns(self) -> dict[str, Int8s]:
        """``{"outcome": codes, criterion id: codes, ...}``, ready for ``pandas.DataFrame``."""
        return {"outcome": self.outcome, **self.criteria}

    def facts(self, index: int) -> dict[str, Any]:
        """The inputs of row ``index`` as the direct evaluator reads them (missing left out).

        Money is given to the fen, as the batch compared it.
        """
        out: dict[str, Any] = {}
        spec_of = self._evaluator.pack.inputs
        for name, column in self._encoded.items():
            value = _value_at(spec_of[name], column, index)
            if value is not None:
                out[name] = value
        return out

    def decision(self, index: int) -> Decision:
        """The direct evaluator's :class:`~sep.evaluation.Decision` for row ``index``, to
        explain it (``explain()``, ``why_not()``, ``to_json()``) with the same parameters.

        Example:
            >>> r = check_graduation_batch({"revenue": [8_200_000.0, 12_000_000.0]})
            >>> d = r.decision(0)
            >>> d.outcome_of("4.3.5(c).revenue").value, str(d.result_of("4.3.5(c).revenue").margin)
            ('not_met', '-1800000')
        """
        evaluator = self._evaluator
        return Decision.of(evaluator, evaluator.facts(self.facts(index)))

    def _repr_html_(self) -> str:
        # A notebook shows the counts per criterion as a table rather than the repr.
        from html import escape

        rows = "".join(
            f"<tr><td>{escape(key)}</td><td>{c['met']}</td><td>{c['not_met']}</td>"
            f"<td>{c['unknown']}</td></tr>"
            for key, c in self.summary().items()
        )
        return (
            f"<p><b>{escape(self.pack)}</b> on {self.as_of.isoformat()}: {len(self)} rows</p>"
            "<table><tr><th>criterion</th><th>met</th><th>not_met</th><th>unknown</th></tr>"
            f"{rows}</table>"
        )

    def row(self, index: int) -> dict[str, Outcome]:
        """The outcomes of row ``index``: ``"outcome"`` (the pack's) and each criterion id."""
        codes = self.CODES
        return {key: codes[int(column[index])] for key, column in self.to_columns().items()}


def _yuan(fen: Any) -> Decimal:
    # Whole yuan without decimals, as most amounts are written.
    whole, part = divmod(int(fen), 100)
    return Decimal(whole) if part == 0 else Decimal(int(fen)).scaleb(-2)


def _value_at(spec: InputSpec, column: Encoded, i: int) -> Any:
    if isinstance(column, BoolColumn):
        return (False, None, True)[int(column.codes[i])]
    if isinstance(column, EnumColumn):
        code = int(column.codes[i])
        return spec.values[code] if code < len(spec.values) else None
    if isinstance(column, MoneyColumn):
        return _yuan(column.fen[i]) if column.known[i] else None
    if isinstance(column, NumberColumn):
        number = float(column.values[i])
        return None if number != number else Decimal(repr(number))
    series = {
        label_of(column.first + j, column.quarterly): _yuan(column.fen[j, i])
        for j in np.flatnonzero(column.known[:, i]).tolist()
    }
    return series or None


def _counts(codes: Int8s) -> tuple[int, int, int]:
    counted = np.bincount(codes.astype(np.int64) + 1, minlength=3)
    return int(counted[0]), int(counted[1]), int(counted[2])


def _keys(columns: Any) -> list[str] | None:
    try:
        if isinstance(columns, Mapping):
            return [str(k) for k in columns]
        listed = getattr(columns, "columns", None)
        if listed is not None:
            return [str(k) for k in listed]
    except Exception as exc:  # a caller's mapping or frame whose names cannot be read
        raise ValidationError(
            "columns", type(columns).__name__, R_("its names could not be read: {exc!r}", exc=exc)
        ) from None
    if not callable(getattr(columns, "__getitem__", None)) or isinstance(columns, str | bytes):
        raise ValidationError(
            "columns", columns, N_("must map input names to columns (a mapping or a DataFrame)")
        )
    return None


def _gather(pack: RulePack, columns: Any, extra: str, n: int | None) -> tuple[dict[str, Any], int]:
    keys = _keys(columns)
    if _refuse_extra(extra) and keys is not None:
        refuse_unknown_names(pack, keys, what=N_("input"), hint=N_("columns"))
    raw: dict[str, Any] = {}
    for name in pack.inputs:
        if keys is not None and name not in keys:
            continue
        try:
            raw[name] = columns[name]
        except (KeyError, IndexError):
            continue
        except Exception as exc:  # a list of rows, or a column whose read fails
            raise ValidationError(
                name, type(columns).__name__, R_("the column could not be read: {exc!r}", exc=exc)
            ) from None
    rows = n
    if rows is None:
        for value in raw.values():
            rows = rows_of(value)
            if rows is not None:
                break
    if rows is None:
        raise ValidationError(
            "columns",
            keys,
            R_(
                "no input column of {pack} given: pass n= to evaluate rows with every input "
                "missing",
                pack=pack.id,
            ),
            clause=pack.clause,
        )
    return raw, rows


def check_batch(
    pack: RulePack | str,
    columns: Any,
    *,
    params: Mapping[str, Any] | None = None,
    on: dt.date | None = None,
    extra: Literal["forbid", "error", "ignore"] = "error",
    n: int | None = None,
    progress: bool | None = None,
) -> BatchResult:
    """Decide ``pack``'s question for every row of ``columns`` at once.

    Args:
        pack: A :class:`RulePack`, a shipped pack id, or a pack file path.
        columns: A mapping (or anything with ``__getitem__``, e.g. a pandas DataFrame) from
            input names to columns; see the module documentation for the encodings. An
            input without a column is missing for every row (UNKNOWN).
        params: Parameter overrides, as for :func:`~sep.evaluation.check`.
        on: The date whose parameter values apply (default: today).
        extra: ``"error"`` (or ``"forbid"``, the spelling of :func:`~sep.evaluation.check`)
            refuses column names that are not inputs of the pack (a typo would otherwise
            leave an input missing), ``"ignore"`` skips them; anything else is refused.
        n: The number of rows, needed only when no input column is given.
        progress: A progress bar (tqdm, if installed) over the chunks of 262,144 rows the
            plan runs on: ``None`` (the default) only in a terminal or notebook and for
            more than one chunk, ``False`` never, ``True`` always.

    With pandas, pass the DataFrame itself (``extra="ignore"`` if it holds other columns);
    a series input is a sub-frame whose columns are period labels, e.g.
    ``{**dict(df.items()), "operating_cash_flow": df[["2025Q1", "2025Q2"]]}`` with
    ``extra="ignore"``.

    Raises:
        ValidationError: A bad column (length, name, value), naming it and its clause.

    Example:
        >>> r = check_batch("t-cate-0001-2020/evaluation",
        ...                 {"score_total": [72.0, 55.0, float("nan")]})
        >>> r.outcome.tolist(), r.outcome_of("4.3.7-b.total").tolist()
        ([-1, 0, -1], [1, 0, -1])
    """
    _refuse_extra(extra)
    evaluator = compile_pack(pack, params=params, on=on)
    rules = evaluator.pack
    plan = _plan_for(evaluator)
    raw, rows = _gather(rules, columns, extra, n)
    env = _Env(rules, raw, rows)
    if rows <= CHUNK_ROWS:
        overall = _public(plan.run(env))
        criteria = {key: _public(env.results[key]) for key in plan.ids}
    else:
        overall = np.empty(rows, np.int8)
        criteria = {key: np.empty(rows, np.int8) for key in plan.ids}
        steps = -(-rows // CHUNK_ROWS)
        with progress_bar(rows, "rows", enabled=progress, steps=steps) as bar:
            for start in range(0, rows, CHUNK_ROWS):
                stop = min(start + CHUNK_ROWS, rows)
                part = env.rows(start, stop)
                overall[start:stop] = _public(plan.run(part))
                for key in plan.ids:
                    criteria[key][start:stop] = _public(part.results[key])
                bar.update(stop - start)
    return BatchResult(
        pack=rules.id,
        edition=rules.edition,
        question=rules.question,
        as_of=evaluator.as_of,
        parameters=evaluator.parameters,
        outcome=overall,
        criteria=criteria,
        evaluator=evaluator,
        encoded=env.encoded,
    )


def check_graduation_batch(
    columns: Any,
    *,
    params: Mapping[str, Any] | None = None,
    on: dt.date | None = None,
    extra: Literal["forbid", "error", "ignore"] = "error",
    n: int | None = None,
    pack: RulePack | str = GRADUATION,
) -> BatchResult:
    """May these incubatees graduate? Any one of 4.3.5(a)–(d), column-wise.

    Example:
        >>> r = check_graduation_batch(synthetic_graduation_columns(1000, seed=1))
        >>> len(r), sorted(r.summary()["outcome"])
        (1000, ['met', 'not_met', 'unknown'])
    """
    return check_batch(pack, columns, params=params, on=on, extra=extra, n=n)


def check_eligibility_batch(
    columns: Any,
    *,
    params: Mapping[str, Any] | None = None,
    on: dt.date | None = None,
    extra: Literal["forbid", "error", "ignore"] = "error",
    n: int | None = None,
    pack: RulePack | str = ELIGIBILITY,
) -> BatchResult:
    """May these enterprises found a platform? 3.1 and all of 4.2.1(1)–(4), column-wise.

    Example:
        >>> r = check_eligibility_batch({"size_class": ["medium", "unknown", None]})
        >>> r.outcome.tolist(), r.outcome_of("3.1.size").tolist()
        ([0, -1, -1], [0, -1, -1])
    """
    return check_batch(pack, columns, params=params, on=on, extra=extra, n=n)


def check_evaluation_batch(
    columns: Any,
    *,
    params: Mapping[str, Any] | None = None,
    on: dt.date | None = None,
    extra: Literal["forbid", "error", "ignore"] = "error",
    n: int | None = None,
    pack: RulePack | str = EVALUATION,
) -> BatchResult:
    """Do these platforms' evaluations pass? Each 4.3.7-d module and the total (4.3.7-b).

    Example:
        >>> r = check_evaluation_batch({"score_total": [60.0, 59.5]})
        >>> r.outcome_of("4.3.7-b.total").tolist()
        [1, 0]
    """
    return check_batch(pack, columns, params=params, on=on, extra=extra, n=n)


# -- building columns ---------------------------------------------------------------------


def _exact_float(amount: Decimal) -> bool:
    fen = amount.scaleb(2, MONEY_CONTEXT)  # the default context would round it to the fen
    return fen == fen.to_integral_value() and abs(amount) < 10**13


def _money_column(values: list[Decimal | None]) -> np.ndarray[Any, Any]:
    if all(v is None or _exact_float(v) for v in values):
        return np.array([np.nan if v is None else float(v) for v in values], np.float64)
    out = np.empty(len(values), object)
    out[:] = values
    return out


def _column(spec: InputSpec, values: list[Any]) -> Any:
    if spec.type == "bool":
        return np.array([np.nan if v is None else float(v) for v in values], np.float64)
    if spec.type == "money":
        return _money_column(values)
    if spec.type == "number":
        return np.array([np.nan if v is None else float(v) for v in values], np.float64)
    if spec.type == "enum":
        out = np.empty(len(values), object)
        out[:] = values
        return out
    by_ordinal: dict[int, str] = {}
    kinds: set[bool] = set()
    for i, series in enumerate(values):
        for period, _ in series or ():
            kinds.add(period.quarter is not None)
            if len(kinds) > 1:
                raise ValidationError(
                    f"[{i}].{spec.name}",
                    str(period),
                    N_("a series column holds quarters or years, not both across rows"),
                    clause=spec.clause,
                )
            by_ordinal.setdefault(ordinal(period), str(period))
    order = sorted(by_ordinal)
    position = {key: j for j, key in enumerate(order)}
    cells: list[list[Decimal | None]] = [[None] * len(order) for _ in values]
    for i, series in enumerate(values):
        for period, amount in series or ():
            cells[i][position[ordinal(period)]] = amount
    labels = tuple(by_ordinal[k] for k in order)
    flat = [a for row in cells for a in row]
    if all(a is None or _exact_float(a) for a in flat):
        grid: Any = np.array(
            [[np.nan if a is None else float(a) for a in row] for row in cells], np.float64
        ).reshape(len(values), len(order))
    else:
        grid = np.empty((len(values), len(order)), object)
        for i, row in enumerate(cells):
            grid[i, :] = row
    return SeriesColumn(grid, labels)


def _row_facts(i: int, obj: Any, rules: RulePack, extra: str) -> Mapping[str, Any]:
    # The one reading of a caller's object (check()'s), its refusals naming the row.
    try:
        return _facts(obj, rules, extra)
    except ValidationError as err:
        raise err.at(f"[{i}]") from None


def columns_from(
    objects: Iterable[Any],
    pack: RulePack | str = GRADUATION,
    *,
    extra: str = "forbid",
    progress: bool | None = None,
) -> dict[str, Any]:
    """Columns of ``pack``'s inputs from domain objects (anything with ``facts()``, such as
    :class:`sep.domain.Incubatee`) or fact mappings, one row per object.

    Values are normalised exactly as the direct evaluator does; money becomes ``float64``
    when every amount is exact there (at most two decimals, below 1e13 CNY), else an
    ``object`` column of ``Decimal``.

    Each object is read as :func:`~sep.evaluation.check` reads it: a domain document is
    validated whole, and a name the pack does not read is refused unless
    ``extra="ignore"``.

    ``progress`` draws a progress bar (tqdm, if installed) over the objects: ``None`` (the
    default) only in a terminal or notebook and for more than one step of 10,000 objects,
    ``False`` never, ``True`` always.

    Raises:
        ValidationError: A bad value, its field prefixed with the row (``[3].revenue``);
            an unknown name or a half-document, likewise.

    Example:
        >>> cols = columns_from([{"revenue": "12000000.50", "listed": True}, {}])
        >>> cols["revenue"].tolist(), cols["listed"].tolist()
        ([12000000.5, nan], [1.0, nan])
    """
    rules = _pack(pack)
    _refuse_extra(extra)
    objects = list(objects)
    steps = -(-len(objects) // STEP)
    with progress_bar(len(objects), "incubatees", enabled=progress, steps=steps) as bar:
        counted = 0

        def tick(n: int) -> None:
            nonlocal counted
            counted += n
            bar.update(n)

        fast = incubatee_columns(objects, rules, tick)
        if fast is not None:
            return fast
        if counted:
            bar.update(-counted)  # the fast reader gave up: the exact reader starts over
        rows: list[Mapping[str, Any]] = []
        for start in range(0, len(objects), STEP):
            chunk = objects[start : start + STEP]
            rows.extend(_row_facts(start + j, o, rules, extra) for j, o in enumerate(chunk))
            bar.update(len(chunk))
    out: dict[str, Any] = {}
    for name, spec in rules.inputs.items():
        convert = normaliser(spec)
        values: list[Any] = []
        for i, facts in enumerate(rows):
            value = facts.get(name)
            if value is not None and not (type(value) is str and not value):  # blank: missing
                try:
                    value = convert(value)
                except ValidationError as err:
                    raise err.at(f"[{i}]") from None
                if value is MISSING_INPUT:
                    value = None
            values.append(None if type(value) is str and not value else value)
        out[name] = _column(spec, values)
    return out


def synthetic_graduation_columns(
    n: int, seed: int = 0, missing_rate: float = 0.1
) -> dict[str, Any]:
    """Columns of ``n`` synthetic incubatees for the graduation pack (4.3.5), from ``seed``.

    Pure NumPy: a million rows take well under a second. Distributions follow
    :func:`sep.examples.synthetic_incubatees` (four quarters of 2025, scale of 20–600 万元,
    0–3 financing rounds); about ``missing_rate`` of each input's values are missing.
    Money is ``float64`` CNY to the fen, flags ``float64`` 1/0 with ``NaN`` missing.

    Example:
        >>> cols = synthetic_graduation_columns(5, seed=3)
        >>> cols["revenue"].shape, cols["operating_cash_flow"].periods
        ((5,), ('2025Q1', '2025Q2', '2025Q3', '2025Q4'))
    """
    if n < 0:
        raise ValidationError("n", n, N_("must be a count >= 0"))
    if not 0.0 <= missing_rate <= 1.0:
        raise ValidationError("missing_rate", missing_rate, N_("must be between 0 and 1"))
    rng = np.random.default_rng(seed)
    wan = 10_000.0
    # One draw of uniforms for everything, one for the missing masks: a few passes in all.
    uniform = rng.random((17, n))
    hidden = rng.integers(0, 1 << 16, (17, n), dtype=np.uint16) < round(missing_rate * (1 << 16))

    def integers(row: int, low: Any, high: Any) -> Floats:
        # Uniform integers in [low, high], as floats, from one row of uniforms.
        values: Floats = np.floor(uniform[row] * (high - low + 1)) + low
        return values

    def hide(values: Floats, row: int) -> Floats:
        values[hidden[row]] = np.nan
        return values

    def flag(row: int, p: float) -> Floats:
        return hide((uniform[row] < p).astype(np.float64), row)

    scale = np.array([20.0, 80.0, 200.0, 600.0])[(uniform[0] * 4).astype(np.intp)]
    revenue = np.zeros(n)
    profit = np.zeros(n)
    cash = np.empty((n, 4))
    for q in range(4):
        # The latest year is known only when all four quarters are (NaN propagates).
        revenue += hide(integers(1 + q, 0, scale) * wan, 1 + q)
        profit += hide(integers(5 + q, -(scale // 4), scale // 3) * wan, 5 + q)
        fen = np.floor(uniform[9 + q] * 1e6 % 100) / 100  # reuse the low digits as fen
        cash[:, q] = hide(integers(9 + q, -(scale // 5), scale // 2) * wan + fen, 9 + q)
    rounds = np.array([0, 0, 1, 1, 2, 3])[(uniform[13] * 6).astype(np.intp)]
    sizes = np.array([100, 500, 1_000, 3_000, 6_000, 20_000]) * wan
    largest = np.full(n, np.nan)
    for k in (1, 2, 3):
        # The largest of k rounds: the k-th power of a uniform is the max of k uniforms.
        pick = sizes[(uniform[14] ** (1 / k) * 6).astype(np.intp)]
        np.copyto(largest, pick, where=rounds == k)
    return {
        "acquired_by_founder": flag(15, 0.02),
        "listed": flag(16, 0.01),
        "largest_financing_round": largest,
        "revenue": revenue,
        "profit": profit,
        "operating_cash_flow": SeriesColumn(cash, ("2025Q1", "2025Q2", "2025Q3", "2025Q4")),
        "organisation_complete": flag(0, 0.5),
        "needs_platform_services": flag(14, 0.6),
        "platform_equity_exited": flag(13, 0.03),
    }
