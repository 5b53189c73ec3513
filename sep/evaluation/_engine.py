"""The direct evaluator: a rule pack compiled to closures, once per pack and parameter set.

Serves 3.1/4.2.1 (eligibility), 4.3.5 (graduation), 4.3.7-b (evaluation) and any loaded pack.
A decision's *outcome* is computed eagerly by closures with the parameter values bound
(Kleene logic, missing → UNKNOWN); the per-criterion *trace* (values, thresholds, margins,
missing inputs) and the *flip sets* of why-not are computed on demand from the same facts,
so the common call — "may this incubatee graduate?" — costs only the outcome.
"""

from __future__ import annotations

import datetime as dt
import itertools
import operator
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterable, Mapping, Sequence
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal
from typing import Any, cast

from sep._i18n import N_
from sep._limits import MAX_PARAMETER_VALUES, MONEY_CONTEXT
from sep._reason import R_
from sep.domain._fields import money_sum
from sep.domain._money import Money
from sep.errors import ValidationError
from sep.evaluation._codegen import function
from sep.evaluation._decision import Change, Check, CriterionResult, ParameterUse
from sep.evaluation._digest import digest_parts, legacy_digest, pack_sha256, tagged
from sep.evaluation._inputs import (
    Series,
    jsonable_input,
    label_of,
    normalise_all,
    ordinal,
)
from sep.evaluation._loader import iso_date, parameter_number, scale_problem, threshold_scales
from sep.evaluation._outcome import Outcome
from sep.evaluation._spec import (
    OPS,
    All,
    AnyOf,
    Condition,
    Criterion,
    Leaf,
    Not,
    ParameterValue,
    RulePack,
)

__all__ = ["Evaluator", "evaluator_for", "stability"]

MET, NOT_MET, UNKNOWN = Outcome.MET, Outcome.NOT_MET, Outcome.UNKNOWN

# Shared with the batch evaluator, where the same operators compare whole arrays.
_OPS: dict[str, Callable[[Any, Any], Any]] = {
    "==": operator.eq,
    "!=": operator.ne,
    "<": operator.lt,
    "<=": operator.le,
    ">": operator.gt,
    ">=": operator.ge,
}
_NEGATED = {"==": "!=", "!=": "==", "<": ">=", "<=": ">", ">": "<=", ">=": "<"}

Facts = dict[str, Any]
Fast = Callable[[Facts], Outcome]
Decide = Callable[[Facts], tuple[Outcome, dict[str, Outcome]]]
_CACHE_SIZE = 256
_RATIO = Decimal("0.0001")
_HALF_STEP = Decimal("0.00005")
_FLIP_CAP = 32


def _margin(op: str, actual: Decimal, threshold: Decimal) -> Decimal | None:
    # Exact: the default 28-digit context would round a margin of a 30-decimal amount.
    if op in (">", ">="):
        return MONEY_CONTEXT.subtract(actual, threshold)
    if op in ("<", "<="):
        return MONEY_CONTEXT.subtract(threshold, actual)
    return None


def stability(amounts: Sequence[Decimal], n: int) -> Decimal | None:
    """4.3.5(c)'s stability of a complete window: lowest / mean, rounded to four decimals
    (half even); ``None`` when the mean is not above zero (not stable).

    The sum is exact (:func:`~sep.domain._fields.money_sum`) and the division runs in
    :data:`sep._limits.MONEY_CONTEXT`, so the ratio is rounded once, from 80 digits. The
    column-wise engine redoes near-threshold rows with this function.

    Example:
        >>> stability([Decimal(90), Decimal(110)], 2), stability([Decimal(-1), Decimal(1)], 2)
        (Decimal('0.9000'), None)
    """
    return stability_of_total(money_sum(amounts), amounts, n)


def stability_of_total(total: Decimal, amounts: Sequence[Decimal], n: int) -> Decimal | None:
    """:func:`stability` of ``amounts`` whose exact sum ``total`` the caller has already
    (the streaming engine posts the sum too)."""
    if total <= 0:
        return None
    mean = MONEY_CONTEXT.divide(total, n)
    # The context's own quantize: the same rounding as Decimal.quantize(context=...),
    # without parsing a keyword argument (a measurable part of a streamed decision).
    return MONEY_CONTEXT.quantize(MONEY_CONTEXT.divide(min(amounts), mean), _RATIO)


def ratio_bound(op: str, threshold: Any) -> tuple[Decimal, bool] | None:
    """How to decide ``stability(amounts, n) <op> threshold`` without dividing.

    The ratio is rounded to four decimals, so it reaches a step ``c`` exactly when the
    unrounded ``lowest / mean`` is above ``c - 0.00005``. For ``>=`` (``<``) ``c`` is the
    first step at or above the threshold, for ``>`` (``<=``) the first step above it. The
    answer is ``(c - 0.00005, MET above the bound?)``, or ``None`` where this does not
    apply: ``==``, ``!=``, a threshold that is not a ``Decimal`` or whose digits would make
    the products of :meth:`_LeafRuntime.judge` round.

    Example:
        >>> ratio_bound(">=", Decimal("0.5")), ratio_bound("<", Decimal("0.50001"))
        ((Decimal('0.49995'), True), (Decimal('0.50005'), False))
    """
    if op not in (">=", ">", "<", "<=") or type(threshold) is not Decimal:
        return None
    if not threshold.is_finite() or threshold.adjusted() > 12:
        return None
    if op in (">=", "<"):
        step = threshold.quantize(_RATIO, rounding=ROUND_CEILING, context=MONEY_CONTEXT)
    else:
        step = MONEY_CONTEXT.add(
            threshold.quantize(_RATIO, rounding=ROUND_FLOOR, context=MONEY_CONTEXT), _RATIO
        )
    return MONEY_CONTEXT.subtract(step, _HALF_STEP), op in (">=", ">")


def _last_amounts(series: Series, n: int) -> list[Decimal]:
    """The recorded amounts of the last ``n`` periods up to the newest, oldest first.

    Every window measure but ``max_window_sum`` reads only these, so leaves on the same
    series and window share one reading.

    Example:
        >>> from sep.domain._money import Period
        >>> _last_amounts(((Period(2024, 4), Decimal(1)), (Period(2025, 2), Decimal(2))), 3)
        [Decimal('1'), Decimal('2')]
    """
    newest = series[-1][0]
    if len(series) >= n:
        # The common case, a complete window: sorted and unique, its last n periods are
        # it when the first of them is n - 1 periods before the newest (ordinal inlined:
        # this runs for every decision with a series).
        oldest = series[-n][0]
        span = newest.year - oldest.year
        if newest.quarter is not None:
            span = span * 4 + newest.quarter - oldest.quarter  # type: ignore[operator]
        if span == n - 1:
            return [amount for _, amount in series[-n:]]
    low = ordinal(newest) - n + 1
    values: list[Decimal] = []
    # The series is sorted and unique by period: the window is a tail of it.
    for period, amount in reversed(series):
        if ordinal(period) < low:
            break
        values.append(amount)
    values.reverse()
    return values


class _LeafRuntime:
    """One leaf with its threshold and window bound: a fast outcome and a full check."""

    def __init__(self, leaf: Leaf, threshold: Any, periods: int | None) -> None:
        self.leaf = leaf
        self.threshold = threshold
        self.periods = periods
        self.compare = _OPS[leaf.op]
        self._bound = (
            ratio_bound(leaf.op, threshold) if leaf.measure == "min_to_mean_of_last" else None
        )
        # The last series measured and its outcome: a decision asked for its outcome and
        # then for every criterion measures the same (immutable) series twice otherwise.
        # One tuple, replaced whole, so concurrent callers never see a torn pair.
        self._memo: tuple[Series | None, Outcome] = (None, UNKNOWN)

    @property
    def fast(self) -> Fast:
        """The outcome-only function of this leaf.

        A property, not an attribute: a bound method kept on its own object is a reference
        cycle, and cycles keep evicted packs alive until a full garbage collection.
        """
        return self._fast_value if self.leaf.measure == "value" else self._fast_series

    def _fast_value(self, facts: Facts) -> Outcome:
        value = facts.get(self.leaf.input)
        if value is None:
            return UNKNOWN
        return MET if self.compare(value, self.threshold) else NOT_MET

    def _fast_series(self, facts: Facts) -> Outcome:
        series: Series | None = facts.get(self.leaf.input)
        if series is None:
            return UNKNOWN
        memo = self._memo
        if memo[0] is series:
            return memo[1]
        outcome = self._measure_series(series, facts)
        self._memo = (series, outcome)
        return outcome

    def _measure_series(self, series: Series, facts: Facts) -> Outcome:
        if self.leaf.measure == "max_window_sum":
            return self.check(facts).outcome
        return self.judge(_last_amounts(series, self.periods or 1))

    def judge(self, values: list[Decimal]) -> Outcome:
        """The outcome of ``each_of_last`` or ``min_to_mean_of_last`` on the recorded
        amounts of the window (see :func:`_last_amounts`)."""
        compare, threshold = self.compare, self.threshold
        if self.leaf.measure == "each_of_last":
            for amount in values:
                if not compare(amount, threshold):
                    return NOT_MET
            return MET if len(values) == (self.periods or 1) else UNKNOWN
        n = self.periods or 1
        if len(values) < n:
            return UNKNOWN
        bound = self._bound
        if bound is not None:
            # lowest / (total / n) against the bound is lowest * n against bound * total
            # (total > 0): two exact products (amounts carry at most 30 decimals and the
            # bound 17 digits, far inside 80) instead of two 80-digit divisions. Apart from
            # an exact tie the rounded ratio falls on the same side of the step: the
            # divisions err by under 1e-78, nearer than two distinct such ratios can be.
            total = money_sum(values)
            if total <= 0:
                return NOT_MET
            low = MONEY_CONTEXT.multiply(min(values), n)
            high = MONEY_CONTEXT.multiply(bound[0], total)
            if low != high:
                return MET if (low > high) is bound[1] else NOT_MET
        ratio = stability(values, n)
        if ratio is None:
            return NOT_MET
        return MET if compare(ratio, threshold) else NOT_MET

    def check(self, facts: Facts) -> Check:
        leaf = self.leaf
        value = facts.get(leaf.input)
        threshold = self.threshold
        if leaf.measure == "value":
            # Positional construction: this runs for every leaf of every traced decision.
            if value is None:
                return Check(
                    leaf.input, leaf.op, "value", leaf.param, threshold, None,
                    None, UNKNOWN, None, (leaf.input,),
                )  # fmt: skip
            outcome = MET if self.compare(value, threshold) else NOT_MET
            margin = (
                _margin(leaf.op, value, threshold)
                if isinstance(value, Decimal) and isinstance(threshold, Decimal)
                else None
            )
            return Check(
                leaf.input, leaf.op, "value", leaf.param, threshold, None,
                value, outcome, margin, (),
            )  # fmt: skip
        base: dict[str, Any] = {
            "input": leaf.input,
            "op": leaf.op,
            "measure": leaf.measure,
            "parameter": leaf.param,
            "threshold": threshold,
            "periods": self.periods,
        }
        if value is None:
            return Check(**base, actual=None, outcome=UNKNOWN, margin=None, missing=(leaf.input,))
        series: Series = value
        if leaf.measure == "max_window_sum":
            return self._window_sum(base, series)
        return self._last(base, series)

    def _last(self, base: dict[str, Any], series: Series) -> Check:
        leaf, n = self.leaf, self.periods or 1
        quarterly = series[-1][0].quarter is not None
        known = {ordinal(p): a for p, a in series}
        last = ordinal(series[-1][0])
        window = [label_of(o, quarterly) for o in range(last - n + 1, last + 1)]
        amounts = [known.get(o) for o in range(last - n + 1, last + 1)]
        shown = tuple(zip(window, amounts, strict=True))
        missing = tuple(
            f"{leaf.input}[{p}]" for p, a in zip(window, amounts, strict=True) if a is None
        )
        present = [a for a in amounts if a is not None]
        if leaf.measure == "each_of_last":
            failing = [a for a in present if not self.compare(a, self.threshold)]
            low = min(present)
            margin = _margin(leaf.op, low, self.threshold)
            outcome = NOT_MET if failing else (UNKNOWN if missing else MET)
            return Check(
                **base, actual=low, outcome=outcome, margin=margin, missing=missing, window=shown
            )
        # min_to_mean_of_last: stability needs every period of the window.
        if missing:
            return Check(
                **base, actual=None, outcome=UNKNOWN, margin=None, missing=missing, window=shown
            )
        ratio = stability(present, n)
        if ratio is None:
            return Check(
                **base, actual=None, outcome=NOT_MET, margin=None, missing=(), window=shown
            )
        outcome = MET if self.compare(ratio, self.threshold) else NOT_MET
        margin = _margin(leaf.op, ratio, self.threshold)
        return Check(**base, actual=ratio, outcome=outcome, margin=margin, missing=(), window=shown)

    def _window_sum(self, base: dict[str, Any], series: Series) -> Check:
        leaf, n = self.leaf, self.periods or 1
        quarterly = series[-1][0].quarter is not None
        known = {ordinal(p): a for p, a in series}
        first, last = ordinal(series[0][0]), ordinal(series[-1][0])
        span = list(range(first, max(last, first + n - 1) + 1))
        best: Decimal | None = None
        best_window: tuple[tuple[str, Decimal | None], ...] = ()
        missing: list[str] = []
        for start in range(len(span) - n + 1):
            periods = span[start : start + n]
            amounts = [known.get(p) for p in periods]
            if any(a is None for a in amounts):
                missing.extend(
                    f"{leaf.input}[{label_of(p, quarterly)}]"
                    for p, a in zip(periods, amounts, strict=True)
                    if a is None
                )
                continue
            total = money_sum(a for a in amounts if a is not None)
            if best is None or total > best:
                best = total
                best_window = tuple(
                    (label_of(p, quarterly), a) for p, a in zip(periods, amounts, strict=True)
                )
        if best is not None and self.compare(best, self.threshold):
            outcome = MET
        else:
            outcome = UNKNOWN if missing else NOT_MET
        margin = None if best is None else _margin(leaf.op, best, self.threshold)
        return Check(
            **base,
            actual=best,
            outcome=outcome,
            margin=margin,
            missing=tuple(dict.fromkeys(missing)) if outcome is not MET else (),
            window=best_window,
        )


def _all(fns: Sequence[Fast]) -> Fast:
    def run(facts: Facts) -> Outcome:
        result = MET
        for fn in fns:
            out = fn(facts)
            if out is NOT_MET:
                return NOT_MET
            if out is UNKNOWN:
                result = UNKNOWN
        return result

    return run


def _any(fns: Sequence[Fast]) -> Fast:
    def run(facts: Facts) -> Outcome:
        result = NOT_MET
        for fn in fns:
            out = fn(facts)
            if out is MET:
                return MET
            if out is UNKNOWN:
                result = UNKNOWN
        return result

    return run


def _not(fn: Fast) -> Fast:
    def run(facts: Facts) -> Outcome:
        return ~fn(facts)

    return run


_KLEENE = {
    # combine: (the outcome that decides at once, the outcome of no operands)
    "all": (NOT_MET, MET),
    "any": (MET, NOT_MET),
}
_UNSET: Any = object()


class _Source:
    """Python source of one function deciding a pack, compiled once per evaluator.

    Each leaf becomes one line (a value leaf a comparison inline; leaves on the same series
    and window share one reading of it) and each combination one Kleene expression, so a
    decision costs one call, not a closure call per node. A node whose outcome nothing
    reads is skipped: a flag guards it that is false once an earlier sibling decides their
    combination or the parent itself is skipped. Flags chain sibling to sibling, so the
    source grows linearly with the pack.

    Args:
        leaves: The evaluator's leaf runtimes by ``id(leaf)``.
        every: Decide every criterion (no criterion is then skipped, and value leaves are
            cheaper computed than guarded), or only the pack's outcome.
    """

    def __init__(self, leaves: Mapping[int, _LeafRuntime], *, every: bool) -> None:
        self.leaves = leaves
        self.every = every
        self.lines: list[str] = []
        self.names: dict[str, Any] = {
            "MET": MET, "NOT_MET": NOT_MET, "UNKNOWN": UNKNOWN, "UNSET": _UNSET
        }  # fmt: skip
        #: Each criterion's local in evaluation order (children first), when ``every``.
        self.results: list[tuple[str, str]] = []
        self._count = itertools.count()
        self._reads: dict[str, str] = {}
        self._windows: dict[tuple[str, int], tuple[str, bool]] = {}

    def _new(self, prefix: str) -> str:
        return f"{prefix}{next(self._count)}"

    def _bind(self, value: Any) -> str:
        name = f"c{len(self.names)}"
        self.names[name] = value
        return name

    def _set(self, out: str, expression: str, need: str) -> None:
        guarded = f"({expression}) if {need} else UNKNOWN" if need else expression
        self.lines.append(f"{out} = {guarded}")

    def _read(self, name: str) -> str:
        # Never guarded: a later node may read the same input.
        local = self._reads.get(name)
        if local is None:
            local = self._reads[name] = self._new("v")
            self.lines.append(f"{local} = get({name!r})")
        return local

    def pack(self, pack: RulePack) -> str:
        """The local holding the pack's outcome."""
        return self.items(pack.combine, pack.criteria, "", guard=not self.every)

    def criterion(self, criterion: Criterion, need: str) -> str:
        """The local holding ``criterion``'s outcome."""
        if criterion.condition is not None:
            local = self.condition(criterion.condition, need)
        else:
            local = self.items(criterion.combine, criterion.children, need, guard=not self.every)
        if self.every:
            self.results.append((criterion.id, local))
        return local

    def condition(self, condition: Condition, need: str) -> str:
        """The local holding ``condition``'s outcome."""
        if isinstance(condition, All):
            return self.items("all", condition.items, need, guard=True)
        if isinstance(condition, AnyOf):
            return self.items("any", condition.items, need, guard=True)
        if isinstance(condition, Not):
            part, out = self.condition(condition.item, need), self._new("o")
            self.lines.append(
                f"{out} = NOT_MET if {part} is MET else MET if {part} is NOT_MET else UNKNOWN"
            )
            return out
        return self.leaf(self.leaves[id(condition)], need)

    def items(
        self,
        combine: str | None,
        items: Sequence[Criterion] | Sequence[Condition],
        need: str,
        *,
        guard: bool,
    ) -> str:
        """The local holding the Kleene ``all`` (or ``any``) of ``items``; with ``guard``,
        an item after one that decides is skipped."""
        decisive, empty = _KLEENE["any" if combine == "any" else "all"]
        parts: list[str] = []
        for item in items:
            if parts and guard:
                flag, settled = self._new("n"), f"{parts[-1]} is not {decisive.name}"
                self.lines.append(
                    f"{flag} = {need} and {settled}" if need else f"{flag} = {settled}"
                )
                need = flag
            if isinstance(item, Criterion):
                parts.append(self.criterion(item, need))
            else:
                parts.append(self.condition(item, need))
        out = self._new("o")
        if not parts:
            self.lines.append(f"{out} = {empty.name}")
        elif len(parts) == 1:
            self.lines.append(f"{out} = {parts[0]}")
        else:
            wins = " or ".join(f"{p} is {decisive.name}" for p in parts)
            unknown = " or ".join(f"{p} is UNKNOWN" for p in parts)
            self.lines.append(
                f"{out} = {decisive.name} if {wins} else "
                f"UNKNOWN if {unknown} else {(~decisive).name}"
            )
        return out

    def leaf(self, runtime: _LeafRuntime, need: str) -> str:
        """The local holding the outcome of one leaf."""
        leaf, out = runtime.leaf, self._new("o")
        if leaf.measure == "value":
            value, threshold = self._read(leaf.input), self._bind(runtime.threshold)
            op = _SOURCE_OPS[leaf.op]  # the source only ever holds one of six operators
            self._set(
                out,
                f"UNKNOWN if {value} is None else MET if {value} {op} {threshold} else NOT_MET",
                "" if self.every else need,
            )
        elif self.every and leaf.measure == "each_of_last" and leaf.op in _EXTREME:
            # Every amount compares true exactly when the least (for > and >=) or the
            # greatest (for < and <=) does: one C call instead of the judge's loop.
            window, op = self._window(runtime, need), _SOURCE_OPS[leaf.op]
            extreme, threshold = self._bind(_EXTREME[leaf.op]), self._bind(runtime.threshold)
            n = self._bind(runtime.periods or 1)
            self._set(
                out,
                f"UNKNOWN if {window} is None else NOT_MET if not {extreme}({window}) {op} "
                f"{threshold} else MET if len({window}) == {n} else UNKNOWN",
                need,
            )
        elif self.every and leaf.measure in ("each_of_last", "min_to_mean_of_last"):
            window = self._window(runtime, need)
            judge = self._bind(runtime.judge)
            self._set(out, f"UNKNOWN if {window} is None else {judge}({window})", need)
        else:
            # The leaf's own measurement, memoised: the outcome and the criteria share it.
            self._set(out, f"{self._bind(runtime.fast)}(facts)", need)
        return out

    def _window(self, runtime: _LeafRuntime, need: str) -> str:
        # The local holding the window's amounts (None: no series), read where first
        # needed: a leaf skipped may share the window with one that is not.
        key = (runtime.leaf.input, runtime.periods or 1)
        found = self._windows.get(key)
        if found is not None and found[1]:
            return found[0]
        series, last = self._read(key[0]), self._bind(_last_amounts)
        if found is None:
            window = self._new("w")
            if need:
                self.lines.append(f"{window} = UNSET")
        else:
            window = found[0]
        read = f"{window} = None if {series} is None else {last}({series}, {key[1]})"
        if found is None and not need:
            self.lines.append(read)
        else:
            test = f"{need} and {window} is UNSET" if need else f"{window} is UNSET"
            self.lines.append(f"if {test}: {read}")
        self._windows[key] = (window, not need)
        return window

    def function(self, top: str) -> Any:
        """Compile the lines into ``decide(facts)``: the pack's outcome, and with ``every``
        every criterion's outcome by id."""
        if self.every:
            entries = ", ".join(f"{cid!r}: {local}" for cid, local in self.results)
            done = f"return {top}, {{{entries}}}"
        else:
            done = f"return {top}"
        return function("decide", "facts", ["get = facts.get", *self.lines, done], self.names)


#: Each comparison as it is written in generated source: a table, so that nothing of a
#: pack's text (a Leaf built by hand bypasses the loader's check) is pasted into code.
_SOURCE_OPS = {op: op for op in OPS}
#: The amount of a window that decides ``each_of_last`` for an ordering comparison.
_EXTREME: dict[str, Callable[..., Any]] = {">": min, ">=": min, "<": max, "<=": max}

#: Packs with more criteria and leaves than this are decided by the closures instead of
#: generated functions: Python compiles generated source at about 60 µs a node, which a
#: pack of thousands of criteria would pay for every evaluator.
_GENERATED_NODES = 1_000


def _stepwise(
    steps: Sequence[tuple[str, Fast | None, bool, tuple[int, ...]]],
    tops: tuple[int, ...],
    any_top: bool,
) -> Decide:
    """``decide`` of a large pack: each criterion once, children first, from the closures.

    A function of the steps alone, never of the evaluator: a bound method kept on the
    evaluator would be a reference cycle.
    """
    ids = tuple(step[0] for step in steps)

    def decide(facts: Facts) -> tuple[Outcome, dict[str, Outcome]]:
        results: list[Outcome] = []
        append = results.append
        for _, fn, is_any, children in steps:
            if fn is not None:
                append(fn(facts))
                continue
            parts = [results[i] for i in children]
            if is_any:
                append(MET if MET in parts else UNKNOWN if UNKNOWN in parts else NOT_MET)
            else:
                append(NOT_MET if NOT_MET in parts else UNKNOWN if UNKNOWN in parts else MET)
        top = [results[i] for i in tops]
        outcome = Outcome.any_of(top) if any_top else Outcome.all_of(top)
        return outcome, dict(zip(ids, results, strict=True))

    return decide


class _PackRuntime:
    """What is fixed per pack: input converters, the pack digest, evaluator caches."""

    def __init__(self, pack: RulePack) -> None:
        self.pack = pack
        self.normalise = normalise_all(pack.inputs)
        self.pack_sha256 = pack_sha256(pack.definition)
        self.by_date: OrderedDict[dt.date, Evaluator] = OrderedDict()
        self.by_params: OrderedDict[tuple[Any, ...], Evaluator] = OrderedDict()
        self.scales = threshold_scales(pack.criteria, pack.inputs)


_RUNTIME_LOCK = threading.Lock()


def _runtime(pack: RulePack) -> _PackRuntime:
    # Kept on the pack itself, not in a module-level table: the compiled evaluators live
    # exactly as long as the pack (a table keyed by pack kept every pack ever checked).
    runtime: _PackRuntime | None = pack._runtime
    if runtime is None:
        with _RUNTIME_LOCK:
            runtime = pack._runtime
            if runtime is None:
                runtime = _PackRuntime(pack)
                object.__setattr__(pack, "_runtime", runtime)
    return runtime


def _override(pack: RulePack, name: str, raw: Any, as_of: dt.date) -> ParameterUse:
    spec = pack.parameters.get(name)
    field = f"params.{name}"
    if spec is None:
        raise ValidationError(
            field,
            raw,
            R_(
                "unknown parameter; {pack} has {parameters}",
                pack=pack.id,
                parameters=sorted(pack.parameters),
            ),
        )
    if isinstance(raw, ParameterUse | ParameterValue):
        raw = [raw]  # keeps its own since and source
    if isinstance(raw, Sequence) and not isinstance(raw, str | bytes):
        if len(raw) > MAX_PARAMETER_VALUES:
            raise ValidationError(
                field,
                f"{len(raw)} dated values",
                R_(
                    "a parameter holds at most {max_parameter_values} dated values",
                    max_parameter_values=MAX_PARAMETER_VALUES,
                ),
            )
        chosen: Any = None
        for i, item in enumerate(raw):
            if isinstance(item, Mapping):
                for key in item:
                    if key not in ("since", "value", "source"):
                        raise ValidationError(
                            f"{field}[{i}].{key}", item[key], N_("is not a field of a dated value")
                        )
                since, picked, source = item.get("since"), item.get("value"), item.get("source")
            elif isinstance(item, ParameterUse | ParameterValue):
                since, picked, source = item.since, item.value, item.source
            else:
                raise ValidationError(
                    f"{field}[{i}]", item, N_("must be a {since, value, source} entry")
                )
            try:
                since = iso_date(since)
            except ValidationError as err:
                raise ValidationError(f"{field}[{i}].since", err.value, err.reason) from None
            if source is not None and not isinstance(source, str):
                raise ValidationError(f"{field}[{i}].source", source, N_("must be text"))
            if since <= as_of and (chosen is None or since >= chosen[0]):
                chosen = (since, picked, source or "override", f"{field}[{i}].value")
        if chosen is None:
            raise ValidationError(
                field, raw, R_("has no value in force on {as_of}", as_of=as_of.isoformat())
            )
        since, raw, source, field = chosen
    else:
        since, source = as_of, "override"
    if isinstance(raw, Money):
        if raw.currency != "CNY":  # thresholds are in CNY: another currency is never relabelled
            raise ValidationError(
                field, raw, R_("must be in CNY, not {currency}", currency=raw.currency)
            )
        raw = raw.amount
    if isinstance(raw, float) and spec.type == "money":
        raise ValidationError(field, raw, N_("money is never a float: pass a string or a Decimal"))
    if isinstance(raw, bool) or not isinstance(raw, int | str | Decimal | float):
        raise ValidationError(field, raw, R_("must be a {type} value", type=spec.type))
    try:
        value = parameter_number(raw, spec.type)
    except ValidationError as err:
        raise ValidationError(field, raw, err.reason) from None
    return ParameterUse(name, value, spec.unit, since, source)


def _as_of(on: Any) -> dt.date:
    if on is None:
        return dt.date.today()
    try:
        return iso_date(on)
    except ValidationError as err:
        raise ValidationError("on", err.value, err.reason) from None


def _params(params: Any) -> Mapping[str, Any] | None:
    if params is None:
        return None
    if not isinstance(params, Mapping):
        shown = params if isinstance(params, int | float | str) else type(params).__name__
        raise ValidationError("params", shown, N_("must be a mapping of parameter name to value"))
    if type(params) is not dict:
        try:  # a caller's mapping type, read once here: its reads may fail
            params = dict(params.items())
        except Exception as exc:
            raise ValidationError(
                "params", type(params).__name__, R_("could not be read: {exc!r}", exc=exc)
            ) from None
    for name in params:
        if not isinstance(name, str):
            raise ValidationError("params", name, N_("parameter names must be strings"))
    return cast(Mapping[str, Any], params)


def evaluator_for(
    pack: RulePack,
    on: dt.date | str | None = None,
    params: Mapping[str, Any] | None = None,
) -> Evaluator:
    """The compiled evaluator of ``pack`` with parameters in force ``on`` (default today).

    Evaluators are cached per pack, date and parameter values (at most 256 of each per
    pack, least recently used dropped first), so repeated calls cost a dictionary lookup.

    Raises:
        ValidationError: ``on`` is not a date (or ``YYYY-MM-DD``), ``params`` is not a
            mapping, or an override is unknown or out of bounds (naming ``params.NAME``).
    """
    runtime: _PackRuntime | None = pack._runtime
    if runtime is None:
        runtime = _runtime(pack)
    if params is None and type(on) is dt.date:  # the common call, as below without checks
        found = runtime.by_date.get(on)
        if found is not None:
            runtime.by_date.move_to_end(on)
            return found
    as_of = _as_of(on)
    params = _params(params)
    if not params:
        found = runtime.by_date.get(as_of)
        if found is not None:
            runtime.by_date.move_to_end(as_of)
            return found
    uses: list[ParameterUse] = []
    for name, spec in pack.parameters.items():
        if params and name in params:
            continue
        pv = spec.value_on(as_of)
        if pv is None:
            raise ValidationError(
                "on",
                as_of.isoformat(),
                R_(
                    "parameter {name!r} of {pack} has no value before {since}",
                    name=name,
                    pack=pack.id,
                    since=spec.values[0].since,
                ),
            )
        uses.append(ParameterUse(name, pv.value, spec.unit, pv.since, pv.source))
    for name, raw in (params or {}).items():
        use = _override(pack, name, raw, as_of)
        for scored, clause, _ in runtime.scales.get(name, ()):
            problem = scale_problem(use.value, scored)
            if problem:
                raise ValidationError(f"params.{name}", raw, problem, clause=clause)
        uses.append(use)
    uses.sort(key=lambda u: u.name)
    key = (as_of, *uses)
    found = runtime.by_params.get(key)
    if found is None:
        found = Evaluator(runtime, as_of, tuple(uses))
        _remember(runtime.by_params, key, found)
    else:
        runtime.by_params.move_to_end(key)
    if not params:
        _remember(runtime.by_date, as_of, found)
    return found


def _remember(cache: OrderedDict[Any, Evaluator], key: Any, value: Evaluator) -> None:
    cache[key] = value
    cache.move_to_end(key)
    while len(cache) > _CACHE_SIZE:
        cache.popitem(last=False)


class Evaluator:
    """A pack bound to one set of parameter values: evaluates facts to outcomes and traces.

    Attributes:
        pack: The rule pack.
        as_of: The date parameters were resolved for.
        parameters: The parameter values used, sorted by name.
        pack_sha256: sha256 hex of the RFC 8785 canonical JSON of the pack definition.
    """

    # Made by compile_pack, never by users: the compiled runtime is private, so its
    # parameter is too (the reference shows no class a user cannot import).
    def __init__(
        self, _runtime: _PackRuntime, as_of: dt.date, parameters: tuple[ParameterUse, ...]
    ) -> None:
        runtime = self._runtime = _runtime
        # What facts() calls, one call shorter for check(): it runs on every decision.
        self._normalise = runtime.normalise
        self.pack = runtime.pack
        self.as_of = as_of
        self.parameters = parameters
        self._values = {u.name: u.value for u in parameters}
        self._leaves: dict[int, _LeafRuntime] = {}
        #: The compiled outcome of each criterion by id, for cheap single questions.
        self.criterion_outcomes: dict[str, Fast] = {}
        # Every criterion in evaluation order (children first): id, its condition's closure
        # or (combine is any, positions of its children).
        self._steps: list[tuple[str, Fast | None, bool, tuple[int, ...]]] = []
        tops = [self._criterion(c) for c in self.pack.criteria]
        fns = [fn for fn, _ in tops]
        #: The pack's outcome of normalised facts.
        self.outcome_of: Fast
        #: The pack's outcome of normalised facts and every criterion's outcome by id, each
        #: computed once.
        self.decide: Decide
        if len(self._steps) + len(self._leaves) <= _GENERATED_NODES:
            self.outcome_of = self._compile(every=False)
            self.decide = self._compile(every=True)
        else:
            self.outcome_of = _any(fns) if self.pack.combine == "any" else _all(fns)
            self.decide = _stepwise(
                self._steps, tuple(i for _, i in tops), self.pack.combine == "any"
            )
        self.pack_sha256 = runtime.pack_sha256
        # The canonical bytes around the inputs are fixed per evaluator: a digest writes
        # only the inputs (and is only computed when read).
        self._digest_head, self._digest_tail = digest_parts(
            self.pack.id,
            runtime.pack_sha256,
            as_of.isoformat(),
            [(u.name, u.since.isoformat(), str(u.value)) for u in parameters],
        )

    # -- compilation -------------------------------------------------------------------

    def _criterion(self, criterion: Criterion) -> tuple[Fast, int]:
        if criterion.condition is not None:
            fn = self._condition(criterion.condition)
            self._steps.append((criterion.id, fn, False, ()))
        else:
            compiled = [self._criterion(c) for c in criterion.children]
            fns = [f for f, _ in compiled]
            is_any = criterion.combine == "any"
            fn = _any(fns) if is_any else _all(fns)
            self._steps.append((criterion.id, None, is_any, tuple(i for _, i in compiled)))
        self.criterion_outcomes[criterion.id] = fn
        return fn, len(self._steps) - 1

    def _compile(self, *, every: bool) -> Any:
        # After the closures: the source reads the leaves' bound thresholds and periods.
        source = _Source(self._leaves, every=every)
        return source.function(source.pack(self.pack))

    def outcomes(self, facts: Facts) -> dict[str, Outcome]:
        """Every criterion's outcome by id, each computed once (what reading them all costs)."""
        return self.decide(facts)[1]

    def _condition(self, condition: Condition) -> Fast:
        if isinstance(condition, Leaf):
            threshold = (
                self._values[condition.param] if condition.param is not None else condition.value
            )
            periods = condition.periods
            count = int(self._values[periods]) if isinstance(periods, str) else periods
            runtime = _LeafRuntime(condition, threshold, count)
            self._leaves[id(condition)] = runtime
            return runtime.fast
        if isinstance(condition, All):
            return _all([self._condition(c) for c in condition.items])
        if isinstance(condition, AnyOf):
            return _any([self._condition(c) for c in condition.items])
        return _not(self._condition(condition.item))

    # -- evaluation --------------------------------------------------------------------

    def facts(self, raw: Mapping[str, Any]) -> Facts:
        """Normalise ``raw`` to the pack's inputs; absent, ``None`` and unknown are dropped."""
        return self._runtime.normalise(raw)

    def digest(self, facts: Facts) -> str:
        """``jcs-sha256:<hex>`` over the pack, the parameter values, the date and the inputs."""
        inputs = {k: jsonable_input(v) for k, v in facts.items()}
        return tagged(self._digest_head, inputs, self._digest_tail)

    def legacy_digest(self, facts: Facts) -> str:
        """The digest of the earlier (untagged) scheme, so older records still verify."""
        return legacy_digest(
            self.pack.definition,
            self.as_of.isoformat(),
            [(u.name, str(u.value)) for u in self.parameters],
            {k: jsonable_input(v) for k, v in facts.items()},
        )

    def trace(self, facts: Facts) -> tuple[tuple[CriterionResult, ...], dict[int, Check]]:
        """Per-criterion results with checks, and each leaf's check by ``id(leaf)``."""
        checks: dict[int, Check] = {}
        results = tuple(self._trace(c, facts, checks) for c in self.pack.criteria)
        return results, checks

    def _trace(
        self, criterion: Criterion, facts: Facts, checks: dict[int, Check]
    ) -> CriterionResult:
        children: tuple[CriterionResult, ...] = ()
        mine: list[Check] = []
        if criterion.condition is not None:
            outcome = self._trace_condition(criterion.condition, facts, checks, mine)
        else:
            children = tuple(self._trace(c, facts, checks) for c in criterion.children)
            combine = Outcome.any_of if criterion.combine == "any" else Outcome.all_of
            outcome = combine(c.outcome for c in children)
        values: dict[str, Any] = {}
        thresholds: dict[str, Any] = {}
        missing: list[str] = []
        margin: Decimal | None = None
        for check in mine:
            if check.actual is not None and check.measure == "value":
                values[check.input] = check.actual
            elif check.input in facts:
                values[check.input] = facts[check.input]
            thresholds[check.parameter or f"{check.input} {check.op}"] = check.threshold
            missing.extend(check.missing)
            if margin is None and check.margin is not None and check.outcome is not MET:
                margin = check.margin
        if margin is None:
            margins = [c.margin for c in mine if c.margin is not None]
            margin = min(margins) if margins else None
        for child in children:
            missing.extend(child.missing)
        return CriterionResult(
            criterion.id, criterion.clause, outcome, criterion.en, criterion.zh,
            values, thresholds, margin, tuple(dict.fromkeys(missing)), children,
            tuple(mine), criterion.combine if children else None,
        )  # fmt: skip

    def _trace_condition(
        self, condition: Condition, facts: Facts, checks: dict[int, Check], out: list[Check]
    ) -> Outcome:
        if isinstance(condition, Leaf):
            check = self._leaves[id(condition)].check(facts)
            checks[id(condition)] = check
            out.append(check)
            return check.outcome
        if isinstance(condition, All):
            return Outcome.all_of(
                [self._trace_condition(c, facts, checks, out) for c in condition.items]
            )
        if isinstance(condition, AnyOf):
            return Outcome.any_of(
                [self._trace_condition(c, facts, checks, out) for c in condition.items]
            )
        return ~self._trace_condition(condition.item, facts, checks, out)

    # -- why not -----------------------------------------------------------------------

    def flips(self, checks: Mapping[int, Check], target: Outcome) -> list[tuple[Change, ...]]:
        """Inclusion-minimal sets of changes that would make the pack's outcome ``target``."""
        want_met = target is MET
        sets = self._combine(
            [self._flip_criterion(c, checks, want_met) for c in self.pack.criteria],
            conjunctive=(self.pack.combine == "all") == want_met,
        )
        return [tuple(sorted(s, key=_change_key)) for s in sets if s]

    def _flip_criterion(
        self, criterion: Criterion, checks: Mapping[int, Check], want_met: bool
    ) -> list[frozenset[Change]]:
        if criterion.condition is not None:
            return self._flip_condition(criterion, criterion.condition, checks, want_met)
        return self._combine(
            [self._flip_criterion(c, checks, want_met) for c in criterion.children],
            conjunctive=(criterion.combine == "all") == want_met,
        )

    def _flip_condition(
        self,
        criterion: Criterion,
        condition: Condition,
        checks: Mapping[int, Check],
        want_met: bool,
    ) -> list[frozenset[Change]]:
        if isinstance(condition, Leaf):
            check = checks[id(condition)]
            if check.outcome is (MET if want_met else NOT_MET):
                return [frozenset()]
            op = condition.op if want_met else _NEGATED[condition.op]
            shortfall = None
            if check.margin is not None and check.outcome is not UNKNOWN:
                shortfall = -check.margin if want_met else check.margin
            failing = tuple(
                p
                for p, a in check.window
                if a is None
                or (condition.measure == "each_of_last" and not _OPS[op](a, check.threshold))
            )
            return [
                frozenset(
                    {
                        Change(
                            criterion=criterion.id,
                            clause=criterion.clause,
                            input=condition.input,
                            op=op,
                            measure=condition.measure,
                            parameter=condition.param,
                            threshold=check.threshold,
                            actual=check.actual,
                            shortfall=shortfall,
                            missing=check.outcome is UNKNOWN,
                            periods=failing,
                        )
                    }
                )
            ]
        if isinstance(condition, Not):
            return self._flip_condition(criterion, condition.item, checks, not want_met)
        parts = [self._flip_condition(criterion, c, checks, want_met) for c in condition.items]
        return self._combine(parts, conjunctive=isinstance(condition, All) == want_met)

    @staticmethod
    def _combine(
        parts: Iterable[list[frozenset[Change]]], *, conjunctive: bool
    ) -> list[frozenset[Change]]:
        if conjunctive:
            acc: list[frozenset[Change]] = [frozenset()]
            for options in parts:
                acc = _minimal(a | b for a in acc for b in options)
            return acc
        return _minimal(s for options in parts for s in options)


def _change_key(change: Change) -> tuple[str, str, str]:
    return (change.criterion, change.input, change.op)


def _minimal(sets: Iterable[frozenset[Change]]) -> list[frozenset[Change]]:
    ordered = sorted(set(sets), key=lambda s: (len(s), sorted(_change_key(c) for c in s)))
    kept: list[frozenset[Change]] = []
    for candidate in ordered:
        if not any(k <= candidate for k in kept):
            kept.append(candidate)
        if len(kept) >= _FLIP_CAP:
            break
    return kept
