"""The streaming engine: a rule pack decided by durable-rules as facts arrive over time.

Serves every shipped pack — graduation (4.3.5(a)–(d)), founder eligibility (3.1, 4.2.1),
platform evaluation (4.3.7-b), the 2018 incubator measures — and any loaded pack. Facts
about an incubatee arrive one at a time (a period's financials, a financing round, an
acquisition, an equity exit); :class:`RuleStream` merges them per key and answers with the
same :class:`~sep.evaluation.Decision` the direct evaluator gives for the merged facts.

How the work is split (durable-rules 2.0.28, through :mod:`sep.evaluation._durable`):

* **Parameters and inputs are the direct evaluator's.** The pack is compiled with
  :func:`~sep.evaluation.compile_pack` (same parameter resolution, same effective dates,
  same overrides), and every update is normalised by the pack's own input converters, so a
  bad value is refused with the same :class:`~sep.errors.ValidationError` as
  :func:`~sep.evaluation.check` gives.
* **durable-rules decides every leaf predicate.** Each leaf ``input op threshold`` of the
  pack's condition trees becomes a durable-rules leaf (a rule and its complement); the
  merged facts are posted and the verdicts (true, false, unknown) come back from the rules
  durable-rules fired.
* **Series measures are measured in Python, compared in durable-rules.** A leaf over a
  period series is measured with the direct evaluator's own measurement of that leaf (the
  window of the last periods, the stability ratio, the best window sum) and the measured
  scalars are posted:

  - ``each_of_last``: for ``>``/``>=`` (``<``/``<=``) the lowest (highest) recorded amount
    of the window ``op threshold``, Kleene *all* with "the window is complete", which is
    unknown while a period of it is not recorded (so one failing period is NOT_MET even
    with gaps, as in the direct evaluator); for ``==``/``!=`` one durable leaf per period
    of the window, a period not recorded being unknown;
  - ``min_to_mean_of_last``: ``window total > 0`` (a mean at or below zero is not stable)
    and ``ratio op threshold``, both unknown while the window has a gap; Kleene *all*;
  - ``max_window_sum``: ``best complete window sum op threshold``, Kleene *any* with "a
    window with unrecorded periods reaches it", which is unknown while such a window exists
    and false otherwise.

* **Kleene logic combines the verdicts** into every criterion's outcome and the pack's
  outcome; :meth:`~sep.evaluation.Decision.outcome_of` and
  :attr:`~sep.evaluation.Decision.met_by` of a streamed decision answer from these. The
  explanation's detail (values, thresholds, margins, missing periods, why-not) is the
  direct evaluator's trace of the same facts, so ``explain()``, ``to_dict()`` and the digest
  are those of :func:`~sep.evaluation.check`.
* **Numbers are doubles inside durable-rules**, posted so that they compare with every
  threshold as the decimal does: decisions equal the direct evaluator's for every amount
  and score its readers accept (:mod:`sep._limits`); a number that does not fit a double is
  refused with :class:`~sep.errors.ValidationError`.

``import sep`` works where durable-rules cannot be imported (Python 3.13 without the build
fix): only creating a stream raises :class:`~sep.errors.EngineUnavailableError`.

Example:
    >>> import datetime as dt
    >>> with GraduationStream(on=dt.date(2026, 1, 1)) as stream:
    ...     d = stream.post("acme", {"revenue": "12000000", "profit": "1500000"})
    ...     print(d.outcome.value, d.outcome_of("4.3.5(c)").value)
    ...     d = stream.financing_round("acme", "60000000")
    ...     print(d.outcome.value, d.met_by)
    unknown unknown
    met ('4.3.5(b)',)
"""

from __future__ import annotations

import copy
import datetime as dt
import itertools
import threading
from collections.abc import Callable, Hashable, Iterable, Mapping, Sequence
from decimal import Decimal
from types import TracebackType
from typing import Any, Literal

from sep._i18n import N_
from sep._reason import R_
from sep.domain._fields import money_sum
from sep.domain._money import Period
from sep.errors import ValidationError
from sep.evaluation import _durable
from sep.evaluation._api import GRADUATION, _facts, _pack, _refuse_extra, compile_pack
from sep.evaluation._codegen import function
from sep.evaluation._decision import Decision
from sep.evaluation._engine import Evaluator, stability_of_total
from sep.evaluation._inputs import (
    MISSING_INPUT,
    Series,
    normaliser,
    ordinal,
    period_kind_error,
)
from sep.evaluation._outcome import Outcome
from sep.evaluation._spec import All, AnyOf, Condition, Criterion, Leaf, RulePack

__all__ = ["GraduationStream", "RuleStream", "check_stream"]

MET, NOT_MET, UNKNOWN = Outcome.MET, Outcome.NOT_MET, Outcome.UNKNOWN

Codes = list[Any]  # durable's verdict per leaf (True, False or None), in leaf order
Code = str  # the local holding a code in the generated source (see _Combiner)
Outcomes = dict[str, Outcome]
Facts = dict[str, Any]


def _key(key: Any) -> Hashable:
    """``key`` if it can identify facts: hashable, and hashing it does not raise."""
    try:
        hash(key)
    except Exception:
        raise ValidationError(
            "key", key, N_("must be hashable (an id or a name, not a list or a mapping)")
        ) from None
    return key  # type: ignore[no-any-return]


class _StreamFacts(dict[str, Any]):
    """Normalised facts that carry the outcomes durable-rules gave for them.

    A streamed :class:`Decision` holds these facts; its criterion queries find durable's
    outcomes here instead of evaluating again.
    """

    __slots__ = ("outcomes",)
    outcomes: dict[str, Outcome]


# Kleene logic on codes: NOT_MET < UNKNOWN < MET, so "all" is min, "any" is max and
# "not" mirrors; cheaper than combining Outcome members, and the same algebra.
_FALSE, _UNKNOWN, _TRUE = 0, 1, 2
_CODE: Mapping[bool | None, int] = {True: _TRUE, False: _FALSE, None: _UNKNOWN}
_OUTCOME: tuple[Outcome, ...] = (NOT_MET, UNKNOWN, MET)


class _Combiner:
    """Source of one function from durable's verdicts (in leaf order) to every criterion's
    outcome and the pack's: Kleene logic on codes, one line per node."""

    def __init__(self) -> None:
        self.lines: list[str] = []
        self._count = itertools.count()

    def _set(self, expression: str) -> Code:
        local = f"k{next(self._count)}"
        self.lines.append(f"{local} = {expression}")
        return local

    def verdict(self, index: int) -> Code:
        """The code of the leaf at ``index``."""
        return self._set(f"CODE[v[{index}]]")

    def all(self, parts: Sequence[Code]) -> Code:
        """The Kleene conjunction of ``parts`` (MET for none)."""
        if len(parts) == 1:
            return parts[0]
        return self._set(f"min({', '.join(parts)})" if parts else str(_TRUE))

    def any(self, parts: Sequence[Code]) -> Code:
        """The Kleene disjunction of ``parts`` (NOT_MET for none)."""
        if len(parts) == 1:
            return parts[0]
        return self._set(f"max({', '.join(parts)})" if parts else str(_FALSE))

    def negate(self, part: Code) -> Code:
        """The Kleene negation of ``part``."""
        return self._set(f"{_TRUE} - {part}")

    def function(self, results: Sequence[tuple[str, Code]]) -> Callable[[Codes], Outcomes]:
        """Compile into ``outcomes(verdicts)``: id → outcome of each of ``results``."""
        entries = ", ".join(f"{cid!r}: OUTCOME[{local}]" for cid, local in results)
        names = {"CODE": _CODE, "OUTCOME": _OUTCOME}
        combine: Callable[[Codes], Outcomes] = function(
            "outcomes", "v", [*self.lines, f"return {{{entries}}}"], names
        )
        return combine


class _Measured:
    """A leaf over a period series: the scalars it posts for durable-rules to compare."""

    def __init__(self, leaf: Leaf, runtime: Any, fields: Sequence[str]) -> None:
        self.leaf = leaf
        self.runtime = runtime  # the direct evaluator's runtime of this leaf
        self.fields = tuple(fields)
        # Read on every post: held here rather than looked up through the leaf each time.
        self.input = leaf.input
        self.measure = leaf.measure
        self.periods = runtime.periods or 1
        self.window_key = (leaf.input, self.periods)
        # each_of_last with an ordering op: the extreme recorded period decides them all.
        self.extreme: Callable[..., Any] | None = (
            min if leaf.op in (">", ">=") else max if leaf.op in ("<", "<=") else None
        )

    def post(self, facts: Facts, out: dict[str, Any], windows: dict[Any, Any]) -> None:
        """Write the measured scalars of ``facts`` into ``out`` (absent means unknown).

        ``windows`` keeps the last-periods windows measured so far for these facts, by
        input and length, so leaves over the same window measure it once per input.
        """
        series = facts.get(self.input)
        if series is None:
            return
        measure = self.measure
        fields = self.fields
        if measure == "max_window_sum":
            # The direct evaluator's own measurement: the best complete window's sum.
            check = self.runtime.check(facts)
            if check.actual is not None:
                out[fields[0]] = check.actual
            if not check.missing:
                out[fields[1]] = False
            return
        n = self.periods
        key = self.window_key
        window = windows.get(key)
        if window is None:
            amounts = _last_window(series, n)
            # Told apart by identity: ``None in amounts`` would ask each Decimal whether it
            # equals None, an abstract-class check each time.
            window = windows[key] = (amounts, [a for a in amounts if a is not None])
        amounts, recorded = window
        if measure == "each_of_last":
            if self.extreme is None:
                for field, amount in zip(fields, amounts, strict=True):
                    if amount is not None:
                        out[field] = amount
                return
            # The window ends at the newest recorded period: something is always recorded.
            out[fields[0]] = self.extreme(recorded)
            if len(recorded) == n:
                out[fields[1]] = True
        elif len(recorded) == n:  # min_to_mean_of_last: needs every period of the window
            total = out[fields[0]] = money_sum(recorded)
            ratio = stability_of_total(total, recorded, n)
            if ratio is not None:
                out[fields[1]] = ratio


def _last_window(series: Series, n: int) -> list[Decimal | None]:
    """The amounts of the last ``n`` periods up to the newest recorded one (``None``: not
    recorded), as the direct evaluator's window of ``each_of_last`` and
    ``min_to_mean_of_last`` has them; without its labels, margins and missing paths, which
    only an explanation needs."""
    low = ordinal(series[-1][0]) - n + 1
    if len(series) >= n and ordinal(series[-n][0]) == low:
        # The common case, a complete window: sorted and unique, its last n periods are it.
        return [amount for _, amount in series[-n:]]
    amounts: list[Decimal | None] = [None] * n
    # The series is sorted and unique by period: the window is a tail of it.
    for period, amount in reversed(series):
        at = ordinal(period) - low
        if at < 0:
            break
        amounts[at] = amount
    return amounts


class _Compiled:
    """One evaluator's leaves compiled into durable-rules rulesets."""

    def __init__(self, evaluator: Evaluator) -> None:
        self.evaluator = evaluator
        pack = evaluator.pack
        self.pack = pack
        self.leaves: list[_durable.Leaf] = []
        # durable field -> (pack input, clause) for error messages
        self.origin: dict[str, tuple[str, str]] = {}
        self.value_fields: dict[str, str] = {}  # pack input -> durable field
        self.measured: list[_Measured] = []
        runtimes: Mapping[int, Any] = evaluator._leaves
        self._runtimes = runtimes
        # Criteria in evaluation order (children before parents), with their locals.
        code = self._code = _Combiner()
        self._results: list[tuple[str, Code]] = []
        tops = [self._criterion(c) for c in pack.criteria]
        self.ids = tuple(cid for cid, _ in self._results)
        overall = code.any(tops) if pack.combine == "any" else code.all(tops)
        self._combine = code.function([*self._results, ("", overall)])
        del self._code, self._results  # only the compiled function is needed from here
        self.leaf_ids = tuple(leaf.id for leaf in self.leaves)
        size = _durable.MAX_LEAVES
        chunks = [self.leaves[i : i + size] for i in range(0, len(self.leaves), size)]
        self.rulesets: list[_durable.DurableRuleset] = []
        try:
            for chunk in chunks:
                self.rulesets.append(_durable.DurableRuleset(chunk, source=pack.source))
        except BaseException:
            self.close()
            raise

    # -- compiling ---------------------------------------------------------------------

    def _criterion(self, criterion: Criterion) -> Code:
        """Compile ``criterion``; return the local of its result."""
        if criterion.condition is not None:
            local = self._condition(criterion.condition, criterion.clause)
        else:
            parts = [self._criterion(c) for c in criterion.children]
            local = self._code.any(parts) if criterion.combine == "any" else self._code.all(parts)
        self._results.append((criterion.id, local))
        return local

    def _field(self, name: str, clause: str, suffix: str = "") -> str:
        index = list(self.pack.inputs).index(name)
        field = f"x{index}{suffix}"
        self.origin[field] = (name, self.pack.inputs[name].clause or clause)
        return field

    def _leaf(self, field: str, op: str, value: Any, clause: str) -> Code:
        index = len(self.leaves)
        self.leaves.append(_durable.Leaf(f"l{index}", field, op, value, clause))
        return self._code.verdict(index)

    def _condition(self, condition: Condition, clause: str) -> Code:
        if isinstance(condition, All):
            return self._code.all([self._condition(c, clause) for c in condition.items])
        if isinstance(condition, AnyOf):
            return self._code.any([self._condition(c, clause) for c in condition.items])
        if not isinstance(condition, Leaf):
            return self._code.negate(self._condition(condition.item, clause))
        runtime = self._runtimes[id(condition)]
        threshold = runtime.threshold
        name = condition.input
        if condition.measure == "value":
            field = self.value_fields.get(name) or self._field(name, clause)
            self.value_fields[name] = field
            return self._leaf(field, condition.op, threshold, clause)
        tag = f"_m{len(self.measured)}"
        if condition.measure == "each_of_last":
            measured = _Measured(condition, runtime, ())
            if measured.extreme is None:  # == or !=: every period is compared
                periods = range(runtime.periods or 1)
                measured.fields = tuple(self._field(name, clause, f"{tag}_{i}") for i in periods)
                self.measured.append(measured)
                return self._code.all(
                    [self._leaf(f, condition.op, threshold, clause) for f in measured.fields]
                )
            # The lowest (highest) recorded period of the window meets a > (<) threshold
            # exactly when each recorded period does; "complete" is unknown while a period
            # of the window is not recorded.
            extreme = self._field(name, clause, f"{tag}_extreme")
            complete = self._field(name, clause, f"{tag}_complete")
            measured.fields = (extreme, complete)
            self.measured.append(measured)
            return self._code.all(
                [
                    self._leaf(extreme, condition.op, threshold, clause),
                    self._leaf(complete, "==", True, clause),
                ]
            )
        if condition.measure == "min_to_mean_of_last":
            total = self._field(name, clause, f"{tag}_total")
            ratio = self._field(name, clause, f"{tag}_ratio")
            self.measured.append(_Measured(condition, runtime, (total, ratio)))
            return self._code.all(
                [
                    self._leaf(total, ">", 0, clause),
                    self._leaf(ratio, condition.op, threshold, clause),
                ]
            )
        best = self._field(name, clause, f"{tag}_best")
        gapped = self._field(name, clause, f"{tag}_gapped")
        self.measured.append(_Measured(condition, runtime, (best, gapped)))
        return self._code.any(
            [
                self._leaf(best, condition.op, threshold, clause),
                self._leaf(gapped, "==", True, clause),
            ]
        )

    # -- evaluating --------------------------------------------------------------------

    def posted(self, facts: Facts) -> dict[str, Any]:
        """The durable fields of normalised ``facts``: values as they are, series measured."""
        posted: dict[str, Any] = {}
        for name, field in self.value_fields.items():
            value = facts.get(name)
            if value is not None:
                posted[field] = value
        windows: dict[Any, Any] = {}
        for measured in self.measured:
            measured.post(facts, posted, windows)
        return posted

    def outcomes(self, facts: Facts) -> dict[str, Outcome]:
        """Every criterion's outcome (and the pack's, under ``""``) decided by durable."""
        posted = self.posted(facts)
        try:
            # Chunks in leaf order: the verdicts line up with the leaves.
            rulesets = self.rulesets
            verdicts = (
                rulesets[0]._ordered(posted)
                if len(rulesets) == 1
                else [v for ruleset in rulesets for v in ruleset._ordered(posted)]
            )
        except ValidationError as err:
            # The durable field is ours; name the pack's input instead.
            name, clause = self.origin.get(err.field, (err.field, None))
            raise ValidationError(
                name, facts.get(name, err.value), err.reason, clause=clause
            ) from None
        return self._combine(verdicts)

    def close(self) -> None:
        for ruleset in self.rulesets:
            ruleset.close()


def _durable_outcomes(compiled: _Compiled, facts: Facts) -> dict[str, Outcome]:
    """durable's outcomes of ``facts``: kept with streamed facts, else evaluated again."""
    found: dict[str, Outcome] | None = getattr(facts, "outcomes", None)
    if found is None:
        found = compiled.outcomes(facts)
    return found


def _decider(compiled: _Compiled) -> Callable[[Facts], tuple[Outcome, dict[str, Outcome]]]:
    def decide(facts: Facts) -> tuple[Outcome, dict[str, Outcome]]:
        found = _durable_outcomes(compiled, facts)
        return found[""], {cid: outcome for cid, outcome in found.items() if cid}

    return decide


def _criteria_outcomes(compiled: _Compiled) -> Callable[[Facts], dict[str, Outcome]]:
    decide = _decider(compiled)

    def outcomes(facts: Facts) -> dict[str, Outcome]:
        return decide(facts)[1]

    return outcomes


def _answers(compiled: _Compiled) -> Callable[[str], Callable[[Facts], Outcome]]:
    def answer(criterion_id: str) -> Callable[[Facts], Outcome]:
        def run(facts: Facts) -> Outcome:
            return _durable_outcomes(compiled, facts)[criterion_id]

        return run

    return answer


class RuleStream:
    """A rule pack decided by durable-rules over facts that arrive over time, per key.

    Each :meth:`post` merges an update into the facts of a key (an incubatee, a founder, a
    platform) and returns the :class:`~sep.evaluation.Decision` for the merged facts — the
    same decision :func:`~sep.evaluation.check` gives for them, explained the same way.

    Merging: a value replaces the previous one; ``None`` (or ``""``, or an enum's
    "unknown") erases it, so it becomes unknown again; keys the pack does not read are
    ignored. A series update merges per period: new periods are added, a given period
    replaces the old amount, a period given as ``None`` is erased.

    Args:
        pack: A :class:`~sep.evaluation.RulePack`, a shipped pack id or a pack file path.
        params: Parameter overrides, as for :func:`~sep.evaluation.check`.
        on: The date whose parameter values apply (default: today, fixed when the stream
            is created).
        extra: ``"forbid"`` (default) refuses a posted name the pack does not read, with
            the closest input name; ``"ignore"`` skips such names (as for
            :func:`~sep.evaluation.check`).

    Raises:
        EngineUnavailableError: durable-rules cannot be imported here.
        ValidationError: An unknown pack, parameter override or ``extra``.
        RuleDefinitionError: A leaf durable-rules cannot decide exactly (a string or a
            bool compared with ``<``, ``<=``, ``>`` or ``>=``; a threshold beyond a double).

    Example:
        >>> import datetime as dt
        >>> with RuleStream("t-cate-0001-2020/evaluation", on=dt.date(2026, 1, 1)) as s:
        ...     s.post("p1", {"score_total": 72}).outcome.value
        ...     s.post("p1", {"score_service_system": 40}).outcome.value
        ...     s.decision("p1").outcome_of("4.3.7-b.total").value
        'unknown'
        'not_met'
        'met'
    """

    def __init__(
        self,
        pack: RulePack | str,
        *,
        params: Mapping[str, Any] | None = None,
        on: dt.date | None = None,
        extra: Literal["forbid", "ignore"] = "forbid",
    ) -> None:
        _refuse_extra(extra)
        self._extra = extra
        base = compile_pack(pack, params=params, on=on if on is not None else dt.date.today())
        self._pack = base.pack
        self._compiled = _Compiled(base)
        # The direct evaluator with its criterion questions answered from durable's
        # outcomes: decisions built on it explain themselves with the direct trace.
        evaluator = copy.copy(base)
        # The answers close over the compiled rulesets, never over the stream: a stream in
        # a reference cycle outlived its last user until a full garbage collection, and so
        # did its durable-rules rulesets (about 50 KB of C memory each). Without the cycle
        # a dropped stream is freed at once and its rulesets' finalizers release them.
        answer = _answers(self._compiled)
        evaluator.outcome_of = answer("")
        evaluator.criterion_outcomes = {cid: answer(cid) for cid in self._compiled.ids}
        evaluator.outcomes = _criteria_outcomes(self._compiled)  # type: ignore[method-assign,assignment]
        evaluator.decide = _decider(self._compiled)
        self._evaluator = evaluator
        self._converters = {name: normaliser(spec) for name, spec in self._pack.inputs.items()}
        self._state: dict[Hashable, tuple[_StreamFacts, Decision]] = {}
        self._lock = threading.RLock()

    # -- properties --------------------------------------------------------------------

    @property
    def pack(self) -> RulePack:
        """The rule pack."""
        return self._pack

    @property
    def evaluator(self) -> Evaluator:
        """The evaluator whose parameters and date the stream uses."""
        return self._evaluator

    @property
    def leaf_count(self) -> int:
        """How many durable-rules leaves the pack compiled into."""
        return len(self._compiled.leaves)

    # -- deciding ----------------------------------------------------------------------

    def _decide(self, facts: _StreamFacts) -> Decision:
        outcomes = self._compiled.outcomes(facts)
        facts.outcomes = outcomes
        return Decision.of(self._evaluator, facts, outcomes[""])

    def evaluate(self, facts: Any) -> Decision:
        """Decide one complete fact set (nothing is merged or kept).

        Example:
            >>> import datetime as dt
            >>> with RuleStream("gkfq-2018-300/graduation", on=dt.date(2026, 1, 1)) as s:
            ...     s.evaluate({"annual_revenue": {"2024": "6000000", "2025": "5000000"}}).met_by
            ('第九条(十)3',)
        """
        normal = self._evaluator.facts(_facts(facts, self._pack, self._extra))
        return self._decide(_StreamFacts(normal))

    def post(self, key: Hashable, update: Any) -> Decision:
        """Merge ``update`` into the facts of ``key`` and decide the merged facts.

        Args:
            key: Who the facts are about (any hashable: an id, a name).
            update: A mapping of named inputs, a domain document, or an object with a
                ``facts()`` method (read as by :func:`~sep.evaluation.check`).

        Raises:
            ValidationError: A bad value, naming the input and its clause; a name the pack
                does not read (unless the stream was made with ``extra="ignore"``); the
                facts of ``key`` are left as they were.

        Example:
            >>> import datetime as dt
            >>> with GraduationStream(on=dt.date(2026, 1, 1)) as s:
            ...     s.post("acme", {"listed": True}).met_by
            ('4.3.5(b)',)
        """
        key = _key(key)
        raw = _facts(update, self._pack, self._extra)
        with self._lock:
            found = self._state.get(key)
            merged = _StreamFacts(found[0] if found is not None else ())
            for name, value in raw.items():
                convert = self._converters.get(name)
                if convert is None:
                    continue
                spec = self._pack.inputs[name]
                empty = value is None or (type(value) is str and not value)
                if spec.type == "series" and not empty:
                    self._merge_series(merged, name, value, convert)
                    continue
                normal = MISSING_INPUT if empty else convert(value)
                if normal is MISSING_INPUT:
                    merged.pop(name, None)
                else:
                    merged[name] = normal
            decision = self._decide(merged)
            self._state[key] = (merged, decision)
            return decision

    def _merge_series(
        self, merged: Facts, name: str, value: Any, convert: Callable[[Any], Any]
    ) -> None:
        clause = self._pack.inputs[name].clause
        erased: list[Any] = []
        if isinstance(value, Mapping):
            erased = [label for label, amount in value.items() if amount is None]
        elif isinstance(value, Sequence) and not isinstance(value, str | bytes):
            erased = [
                row["period"]
                for row in value
                if isinstance(row, Mapping) and "period" in row and row.get("amount") is None
            ]
        new = convert(value)  # refuses a bad series, naming it and its clause
        old: Series = merged.get(name, ())
        periods = {ordinal(p): (p, a) for p, a in old}
        if new is not MISSING_INPUT:
            quarterly = old[0][0].quarter is not None if old else None
            if quarterly is not None and (new[0][0].quarter is not None) is not quarterly:
                kind = "quarters" if quarterly else "years"
                raise ValidationError(
                    name,
                    value,
                    R_("mixes years and quarters (recorded so far: {kind})", kind=kind),
                    clause=clause,
                )
            periods.update((ordinal(p), (p, a)) for p, a in new)
        for label in erased:
            try:
                period = label if isinstance(label, Period) else Period.parse(str(label))
            except (ValidationError, ValueError):
                raise ValidationError(
                    f"{name}[{label}]", label, N_("is not a period"), clause=clause
                ) from None
            wrong_kind = period_kind_error(self._pack.inputs[name], period, f"{name}[{label}]")
            if wrong_kind is not None:
                raise wrong_kind
            periods.pop(ordinal(period), None)
        if periods:
            merged[name] = tuple(periods[k] for k in sorted(periods))
        else:
            merged.pop(name, None)

    def decision(self, key: Hashable) -> Decision:
        """The latest decision for ``key``.

        Raises:
            ValidationError: Nothing was posted for ``key`` (or it was forgotten).
        """
        key = _key(key)
        with self._lock:
            found = self._state.get(key)
        if found is None:
            raise ValidationError("key", key, N_("nothing was posted for this key"))
        return found[1]

    def outcomes(self, key: Hashable) -> dict[str, Outcome]:
        """durable-rules' outcome of every criterion of ``key``'s latest decision, by id.

        Example:
            >>> import datetime as dt
            >>> with GraduationStream(on=dt.date(2026, 1, 1)) as s:
            ...     _ = s.post("acme", {"acquired_by_founder": False})
            ...     s.outcomes("acme")["4.3.5(a)"].value
            'not_met'
        """
        self.decision(key)
        with self._lock:
            found = self._state[key][0].outcomes
        return {cid: outcome for cid, outcome in found.items() if cid}

    def facts(self, key: Hashable) -> dict[str, Any]:
        """A copy of the merged, normalised facts of ``key`` (empty when none)."""
        key = _key(key)
        with self._lock:
            found = self._state.get(key)
        return dict(found[0]) if found is not None else {}

    def forget(self, key: Hashable) -> None:
        """Drop everything known about ``key``; forgetting an unknown key does nothing."""
        key = _key(key)
        with self._lock:
            self._state.pop(key, None)

    def keys(self) -> tuple[Hashable, ...]:
        """The keys with facts, in order of first post."""
        with self._lock:
            return tuple(self._state)

    def __len__(self) -> int:
        return len(self._state)

    def __contains__(self, key: object) -> bool:
        return key in self._state

    # -- lifetime ----------------------------------------------------------------------

    def close(self) -> None:
        """Free the durable-rules rulesets; later posts raise :class:`~sep.errors.EngineError`.

        Safe to call more than once; decisions already made keep working.
        """
        self._compiled.close()

    def __enter__(self) -> RuleStream:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"<RuleStream {self._pack.id} as of {self._evaluator.as_of} keys={len(self)}>"


class GraduationStream(RuleStream):
    """A :class:`RuleStream` of the graduation pack (4.3.5), with the events it hears.

    Example:
        >>> import datetime as dt
        >>> with GraduationStream(on=dt.date(2026, 1, 1)) as s:
        ...     for quarter in ("2025Q1", "2025Q2", "2025Q3", "2025Q4"):
        ...         d = s.financials("acme", quarter, operating_cash_flow="300000")
        ...     d.outcome_of("4.3.5(c).cash_flow").value
        ...     s.equity_exit("acme").met_by
        'met'
        ('4.3.5(d)',)
    """

    def __init__(
        self,
        *,
        params: Mapping[str, Any] | None = None,
        on: dt.date | None = None,
        pack: RulePack | str = GRADUATION,
        extra: Literal["forbid", "ignore"] = "forbid",
    ) -> None:
        super().__init__(pack, params=params, on=on, extra=extra)

    def financials(
        self,
        key: Hashable,
        period: str | Period,
        *,
        operating_cash_flow: Any = None,
        revenue: Any = None,
        profit: Any = None,
    ) -> Decision:
        """A period's financials: its operating cash flow (4.3.5(c)), and revenue and profit
        when they are the latest full year's (only the figures given are posted)."""
        if not isinstance(period, str | Period):
            # str() of anything would make a label of it (or raise, or recurse).
            raise ValidationError(
                "period",
                period,
                N_("must be a period label ('2025', '2025Q1') or a Period"),
                clause="4.3.5(c)",
            )
        update: dict[str, Any] = {}
        if operating_cash_flow is not None:
            update["operating_cash_flow"] = {str(period): operating_cash_flow}
        if revenue is not None:
            update["revenue"] = revenue
        if profit is not None:
            update["profit"] = profit
        return self.post(key, update)

    def financing_round(self, key: Hashable, amount: Any) -> Decision:
        """An independent financing round (4.3.5(b)): the largest round so far is kept.

        Example:
            >>> import datetime as dt
            >>> with GraduationStream(on=dt.date(2026, 1, 1)) as s:
            ...     _ = s.financing_round("acme", "70000000")
            ...     _ = s.financing_round("acme", "2000000")
            ...     s.facts("acme")["largest_financing_round"]
            Decimal('70000000')
        """
        field = "largest_financing_round"
        convert = self._converters[field]
        with self._lock:  # reentrant: the read and the post are one step for other threads
            new = amount
            current = self.facts(key).get(field)
            if current is not None and new is not None and convert(new) <= current:
                new = current
            return self.post(key, {field: new})

    def acquisition(self, key: Hashable, *, by_founder: bool) -> Decision:
        """An acquisition; internal acquisition by the founding enterprise is 4.3.5(a)."""
        return self.post(key, {"acquired_by_founder": by_founder})

    def listing(self, key: Hashable) -> Decision:
        """An independent listing (4.3.5(b))."""
        return self.post(key, {"listed": True})

    def equity_exit(self, key: Hashable) -> Decision:
        """The platform's investment and equity have exited (4.3.5(d))."""
        return self.post(key, {"platform_equity_exited": True})


def check_stream(
    pack: RulePack | str,
    many: Iterable[Any],
    *,
    params: Mapping[str, Any] | None = None,
    on: dt.date | None = None,
    extra: Literal["forbid", "ignore"] = "forbid",
) -> list[Decision]:
    """Decide ``pack``'s question for each complete fact set of ``many`` through durable-rules.

    Example:
        >>> import datetime as dt
        >>> [d.outcome.value for d in check_stream(
        ...     "t-cate-0001-2020/graduation", [{"listed": True}, {"listed": False}, {}],
        ...     on=dt.date(2026, 1, 1))]
        ['met', 'unknown', 'unknown']
    """
    try:
        items = iter(many)
    except Exception:  # not iterable, or its __iter__ failed
        raise ValidationError("many", many, N_("must be an iterable of fact sets")) from None
    with RuleStream(_pack(pack), params=params, on=on, extra=extra) as stream:
        out: list[Decision] = []
        while True:
            try:
                facts = next(items)
            except StopIteration:
                return out
            except Exception as err:  # the caller's iterator failed, not sep
                raise ValidationError(
                    "many",
                    f"item {len(out)}",
                    R_("could not be read: {type}: {err}", type=type(err).__name__, err=err),
                ) from err
            out.append(stream.evaluate(facts))
