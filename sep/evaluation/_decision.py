"""Decisions that explain themselves: the answer of a rule pack with its reasons.

Serves 3.1/4.2.1 (eligibility), 4.3.5 (graduation), 4.3.7-b (evaluation) and loaded packs.
A :class:`Decision` carries the outcome (MET, NOT_MET or UNKNOWN), and per criterion its
clause, the values and thresholds used, the margin and the missing inputs; the parameters
and the edition it used; a digest to replay and check it. The detail is computed when first
read, so deciding is cheap and explaining costs only when someone asks.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Mapping
from decimal import Decimal
from typing import TYPE_CHECKING, Any

import attrs

from sep._reason import R_
from sep._suggest import check_indent, check_lang, unknown
from sep.domain._fields import plain
from sep.errors import ValidationError
from sep.evaluation._inputs import jsonable_input
from sep.evaluation._outcome import Outcome

if TYPE_CHECKING:
    from sep.evaluation._engine import Evaluator

__all__ = ["Change", "Check", "CriterionResult", "Decision", "ParameterUse"]


def _json(value: Any) -> Any:
    if isinstance(value, Decimal):
        return plain(value)  # "0.0000004", never "4E-7": what the readers accept back
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Outcome):
        return value.value
    if isinstance(value, tuple) and value and isinstance(value[0], tuple):
        return (
            jsonable_input(value)
            if not isinstance(value[0][0], str)
            else [[p, _json(a)] for p, a in value]
        )
    if isinstance(value, list | tuple):
        return [_json(v) for v in value]
    if isinstance(value, Mapping):
        return {str(k): _json(v) for k, v in value.items()}
    return value


@attrs.frozen
class ParameterUse:
    """A parameter value a decision used.

    Example:
        >>> from sep.evaluation import check_graduation
        >>> use = check_graduation({}, on=dt.date(2026, 1, 1)).parameters[2]
        >>> use.name, use.value, use.unit, use.since
        ('large_financing_min', Decimal('50000000'), 'CNY', datetime.date(2020, 9, 5))

    Attributes:
        name: Parameter name (``"large_financing_min"``).
        value: The value (Decimal, or int for counts).
        unit: Its unit (``"CNY"``).
        since: The date from which this value is in force.
        source: Where the value comes from.
    """

    name: str
    value: Decimal | int
    unit: str
    since: dt.date
    source: str

    def to_dict(self) -> dict[str, Any]:
        """JSON-able form."""
        return {
            "name": self.name,
            "value": str(self.value),
            "unit": self.unit,
            "since": self.since.isoformat(),
            "source": self.source,
        }


@attrs.frozen
class Check:
    """The result of one leaf predicate ``measure(input) op threshold``.

    Example:
        >>> from sep.evaluation import check_graduation
        >>> d = check_graduation({"revenue": "8200000"}, on=dt.date(2026, 1, 1))
        >>> c = d.result_of("4.3.5(c).revenue").checks[0]
        >>> c.input, c.op, c.parameter, c.threshold
        ('revenue', '>=', 'revenue_min', Decimal('10000000'))
        >>> c.actual, c.margin, c.outcome.value
        (Decimal('8200000'), Decimal('-1800000'), 'not_met')

    Attributes:
        input: The input read.
        op: The comparison.
        measure: ``value`` or a series measure (``each_of_last``, …).
        parameter: The threshold's parameter name, or ``None`` for a constant.
        threshold: The threshold value used.
        periods: Window length for series measures.
        actual: The measured value (``None`` when unknown).
        outcome: MET, NOT_MET or UNKNOWN.
        margin: ``actual - threshold`` in the input's unit (for ``<``/``<=`` the reverse):
            negative means short by that much.
        missing: Missing inputs, series periods as ``name[2025Q2]``.
        window: The periods examined and their amounts (``None`` if missing).
    """

    input: str
    op: str
    measure: str
    parameter: str | None
    threshold: Any
    periods: int | None
    actual: Any
    outcome: Outcome
    margin: Decimal | None
    missing: tuple[str, ...]
    window: tuple[tuple[str, Decimal | None], ...] = ()

    def to_dict(self) -> dict[str, Any]:
        """JSON-able form."""
        out: dict[str, Any] = {
            k: _json(v) for k, v in attrs.asdict(self, recurse=False).items() if k != "window"
        }
        out["window"] = [[p, _json(a)] for p, a in self.window]
        return out


@attrs.frozen
class Change:
    """One change in a why-not flip set: an input that must meet ``op threshold``.

    Example:
        >>> from sep.evaluation import check_evaluation
        >>> d = check_evaluation({"score_service_system": 70, "score_incubation_performance": 70,
        ...     "score_founder_contribution": 70, "score_sustainability": 70, "score_total": 58},
        ...     on=dt.date(2026, 1, 1))
        >>> [(c.input, c.op, c.threshold, c.shortfall) for c in d.why_not()[0]]
        [('score_total', '>=', Decimal('60'), Decimal('2'))]

    Attributes:
        criterion: The criterion the leaf belongs to.
        clause: Its clause id.
        input: The input to change or to record.
        op: The comparison it must satisfy.
        measure: ``value`` or a series measure.
        parameter: The threshold's parameter name, if any.
        threshold: The threshold.
        actual: The current value (``None`` if missing).
        shortfall: How much the value must move, in the input's unit (``None`` if not
            numeric or unknown).
        missing: True when the input (or some of its periods) is missing.
        periods: Periods of a series that must be recorded or changed.
    """

    criterion: str
    clause: str
    input: str
    op: str
    measure: str
    parameter: str | None
    threshold: Any
    actual: Any
    shortfall: Decimal | None
    missing: bool
    periods: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        """JSON-able form."""
        return {k: _json(v) for k, v in attrs.asdict(self, recurse=False).items()}


@attrs.frozen
class CriterionResult:
    """The outcome of one criterion, with what it was decided on.

    Example:
        >>> from sep.evaluation import check_graduation
        >>> r = check_graduation({"listed": False}, on=dt.date(2026, 1, 1)).result_of("4.3.5(b)")
        >>> r.outcome.value, r.missing
        ('unknown', ('largest_financing_round',))
        >>> [(c.id, c.outcome.value) for c in r.children]
        [('4.3.5(b).listing', 'not_met'), ('4.3.5(b).financing', 'unknown')]

    Attributes:
        id: Criterion id (``"4.3.5(c).revenue"``).
        clause: Clause id (``"4.3.5(c)"``).
        outcome: MET, NOT_MET or UNKNOWN.
        text_en: Short English text of the criterion.
        text_zh: Short Chinese text.
        values: Input values used, by input name.
        thresholds: Thresholds used, by parameter name (or ``"input op"`` for constants).
        margin: How far from passing, in the input's unit (negative: short by that much).
        missing: Missing inputs (series periods as ``name[period]``).
        children: Sub-criteria results.
        checks: Leaf results of this criterion's own condition.
        combine: ``all``/``any`` when the criterion has children.
    """

    id: str
    clause: str
    outcome: Outcome
    text_en: str
    text_zh: str
    values: Mapping[str, Any]
    thresholds: Mapping[str, Any]
    margin: Decimal | None
    missing: tuple[str, ...]
    children: tuple[CriterionResult, ...] = ()
    checks: tuple[Check, ...] = ()
    combine: str | None = None

    def walk(self) -> tuple[CriterionResult, ...]:
        """This result and its descendants, depth first."""
        out: list[CriterionResult] = [self]
        for child in self.children:
            out.extend(child.walk())
        return tuple(out)

    def to_dict(self) -> dict[str, Any]:
        """JSON-able form."""
        return {
            "id": self.id,
            "clause": self.clause,
            "outcome": self.outcome.value,
            "text_en": self.text_en,
            "text_zh": self.text_zh,
            "values": _json(self.values),
            "thresholds": _json(self.thresholds),
            "margin": _json(self.margin),
            "missing": list(self.missing),
            "combine": self.combine,
            "checks": [c.to_dict() for c in self.checks],
            "children": [c.to_dict() for c in self.children],
        }


@attrs.frozen(eq=False)
class Decision:
    """The answer of a rule pack to one question, with everything needed to explain it.

    ``criteria``, ``inputs``, ``missing`` and ``digest`` are computed when first read.

    Attributes:
        pack: Pack id.
        edition: The edition of the document the pack implements.
        question: What was asked (``graduation``, ``eligibility``, ``evaluation``, …).
        outcome: MET, NOT_MET or UNKNOWN.
        as_of: The date parameters were taken for.

    Example:
        >>> from sep.evaluation import check_graduation
        >>> d = check_graduation({"listed": True}, on=dt.date(2026, 1, 1))
        >>> d.outcome, d.met_by, d.outcome_of("4.3.5(b).listing")
        (<Outcome.MET: 'met'>, ('4.3.5(b)',), <Outcome.MET: 'met'>)
    """

    pack: str
    edition: str
    question: str
    outcome: Outcome
    as_of: dt.date
    _evaluator: Evaluator = attrs.field(repr=False, alias="evaluator")
    _facts: dict[str, Any] = attrs.field(repr=False, alias="facts")
    _cache: dict[str, Any] = attrs.field(factory=dict, repr=False, init=False)
    # Every criterion's outcome by id, once known: a slot of its own rather than a cache
    # entry, because outcome_of reads it once per criterion of every decision.
    _known: dict[str, Outcome] | None = attrs.field(default=None, repr=False, alias="outcomes")

    @classmethod
    def of(
        cls, evaluator: Evaluator, facts: dict[str, Any], outcome: Outcome | None = None
    ) -> Decision:
        """Build a decision from normalised ``facts`` (see :meth:`Evaluator.facts`).

        Another engine that computed ``outcome`` itself passes it; the decision then
        explains itself with the direct evaluator's trace.

        Example:
            >>> from sep.evaluation import compile_pack, GRADUATION
            >>> ev = compile_pack(GRADUATION, on=dt.date(2026, 1, 1))
            >>> Decision.of(ev, ev.facts({"listed": True})).outcome
            <Outcome.MET: 'met'>
        """
        pack = evaluator.pack
        outcomes = None
        if outcome is None:
            # Every criterion's outcome with the pack's, in one generated call: about what
            # the pack's alone costs, and callers often read the criteria next.
            outcome, outcomes = evaluator.decide(facts)
        if cls is not Decision or _SLOTS is None:
            return cls(
                pack.id, pack.edition, pack.question, outcome, evaluator.as_of, evaluator,
                facts, outcomes,
            )  # fmt: skip
        # The slots written directly: the generated __init__ costs half as much again, for
        # fields that have neither validators nor converters.
        decision: Decision = _new(Decision)
        put_pack, put_edition, put_question, put_outcome, put_as_of, put_ev, put_facts, \
            put_cache, put_known = _SLOTS  # fmt: skip
        put_pack(decision, pack.id)
        put_edition(decision, pack.edition)
        put_question(decision, pack.question)
        put_outcome(decision, outcome)
        put_as_of(decision, evaluator.as_of)
        put_ev(decision, evaluator)
        put_facts(decision, facts)
        put_cache(decision, {})
        put_known(decision, outcomes)
        return decision

    # -- lazily computed ---------------------------------------------------------------

    def _trace(self) -> tuple[tuple[CriterionResult, ...], dict[int, Check]]:
        found = self._cache.get("trace")
        if found is None:
            found = self._cache["trace"] = self._evaluator.trace(self._facts)
        return found

    @property
    def criteria(self) -> tuple[CriterionResult, ...]:
        """Top-level criteria results, with nested children."""
        return self._trace()[0]

    @property
    def inputs(self) -> Mapping[str, Any]:
        """The facts used, normalised and JSON-able (money as decimal strings)."""
        return {k: jsonable_input(v) for k, v in sorted(self._facts.items())}

    @property
    def missing(self) -> tuple[str, ...]:
        """Every input the decision lacked (an incomplete series counts), sorted."""
        names = set(self._evaluator.pack.inputs) - set(self._facts)
        for top in self.criteria:
            for result in top.walk():
                names.update(m.split("[", 1)[0] for m in result.missing)
        return tuple(sorted(names))

    @property
    def parameters(self) -> tuple[ParameterUse, ...]:
        """Parameter values used, sorted by name."""
        return self._evaluator.parameters

    @property
    def digest(self) -> str:
        """``jcs-sha256:<hex>``: sha256 over the RFC 8785 canonical JSON of one object.

        Recipe (so anyone can recompute it from the record alone, in any language)::

            {"as_of": as_of, "inputs": inputs,
             "pack": {"id": pack, "sha256": pack_sha256},
             "parameters": [[name, since, value], ...]}

        with the record's fields (``parameters`` sorted by name, each value the record's
        decimal text). Amounts and parameter values are text, never JSON numbers: JCS numbers
        are IEEE doubles and would round money. ``pack_sha256`` is the sha256 hex of the JCS
        of the parsed pack file. An untagged digest (64 hex digits) is of the earlier scheme;
        :func:`~sep.evaluation.verify` still accepts it, recomputed the earlier way.
        """
        found = self._cache.get("digest")
        if found is None:
            found = self._cache["digest"] = self._evaluator.digest(self._facts)
        return found

    @property
    def pack_sha256(self) -> str:
        """sha256 hex of the RFC 8785 canonical JSON of the pack definition used."""
        return self._evaluator.pack_sha256

    def _legacy_digest(self) -> str:
        # Only to verify records written before the canonical (JCS) digest.
        return self._evaluator.legacy_digest(self._facts)

    @property
    def pack_version(self) -> str:
        """Version of the rule pack used."""
        return self._evaluator.pack.version

    @property
    def document(self) -> str:
        """The document (standard) the pack's clause ids belong to."""
        return self._evaluator.pack.document

    # -- queries -----------------------------------------------------------------------

    def outcome_of(self, criterion_id: str) -> Outcome:
        """The outcome of the criterion ``criterion_id`` (searched at every depth).

        Raises:
            ValidationError: if the pack has no such criterion.
        """
        if type(criterion_id) is str:
            # The common question, answered first: the outcomes are usually known (they
            # are the trace's, where there is one). No outcomes yet (None) or another id
            # goes the long way.
            try:
                return self._known[criterion_id]  # type: ignore[index]
            except (KeyError, TypeError):
                pass
        if not isinstance(criterion_id, str):  # never hashed or compared: it may raise
            raise self._unknown(criterion_id)
        if "trace" not in self._cache:
            # Answer without tracing: every criterion's outcome from one pass, kept for the
            # next question (callers often read them all).
            outcome = self._outcomes().get(criterion_id)
            if outcome is not None:
                return outcome
        for top in self.criteria:
            for result in top.walk():
                if result.id == criterion_id:
                    return result.outcome
        raise self._unknown(criterion_id)

    def result_of(self, criterion_id: str) -> CriterionResult:
        """The :class:`CriterionResult` of ``criterion_id`` (searched at every depth)."""
        if not isinstance(criterion_id, str):  # never compared: a foreign __eq__ may raise
            raise self._unknown(criterion_id)
        for top in self.criteria:
            for result in top.walk():
                if result.id == criterion_id:
                    return result
        raise self._unknown(criterion_id)

    def _unknown(self, criterion_id: Any) -> ValidationError:
        known = (r.id for top in self.criteria for r in top.walk())
        return unknown(
            "criterion_id", criterion_id, known, what=R_("criterion of {pack}", pack=self.pack)
        )

    def _outcomes(self) -> dict[str, Outcome]:
        found = self._known
        if found is None:
            found = self._evaluator.outcomes(self._facts)
            object.__setattr__(self, "_known", found)
        return found

    @property
    def met_by(self) -> tuple[str, ...]:
        """Ids of the top-level criteria that are MET."""
        outcomes = self._outcomes()
        return tuple(c.id for c in self._evaluator.pack.criteria if outcomes[c.id] is Outcome.MET)

    def why_not(self) -> list[tuple[Change, ...]]:
        """For NOT_MET or UNKNOWN: the smallest sets of changes that would make it MET.

        Each set lists inputs to record or change (with the threshold to reach); sets are
        inclusion-minimal and sorted smallest first. A MET decision returns ``[]``.
        """
        if self.outcome is Outcome.MET:
            return []
        found = self._cache.get("flips")
        if found is None:
            found = self._cache["flips"] = self._evaluator.flips(self._trace()[1], Outcome.MET)
        return list(found)

    def _repr_html_(self) -> str:
        # A notebook shows the criteria as a table rather than the repr.
        from html import escape

        rows = "".join(
            f"<tr><td>{escape(c.id)}</td><td>{escape(c.outcome.value)}</td>"
            f"<td>{'' if c.margin is None else escape(str(c.margin))}</td>"
            f"<td>{escape(', '.join(c.missing))}</td><td>{escape(c.text_en)}</td></tr>"
            for top in self.criteria
            for c in top.walk()
        )
        return (
            f"<p><b>{escape(self.pack)}</b>: {escape(self.outcome.value)}</p><table>"
            "<tr><th>criterion</th><th>outcome</th><th>margin</th><th>missing</th>"
            f"<th></th></tr>{rows}</table>"
        )

    def explain(self, lang: str = "en") -> str:
        """Render the decision for people, in English (``en``) or Chinese (``zh``)."""
        from sep.evaluation._explain import render

        return render(self, check_lang(lang))

    # -- records -----------------------------------------------------------------------

    def to_dict(self) -> dict[str, Any]:
        """JSON-able form: everything the explanation says, for machines."""
        return {
            "pack": self.pack,
            "pack_version": self.pack_version,
            "document": self.document,
            "edition": self.edition,
            "question": self.question,
            "outcome": self.outcome.value,
            "as_of": self.as_of.isoformat(),
            "digest": self.digest,
            "pack_sha256": self.pack_sha256,
            "inputs": dict(self.inputs),
            "missing": list(self.missing),
            "parameters": [p.to_dict() for p in self.parameters],
            "criteria": [c.to_dict() for c in self.criteria],
            "why_not": [[c.to_dict() for c in s] for s in self.why_not()],
        }

    def to_json(self, *, indent: int | None = None) -> str:
        """The :meth:`to_dict` form as a JSON string."""
        return json.dumps(self.to_dict(), ensure_ascii=False, indent=check_indent(indent))

    def replay(self) -> Decision:
        """Evaluate the recorded inputs again with the recorded parameters and date."""
        from sep.evaluation._api import replay

        return replay(self.to_dict(), pack=self._evaluator.pack)

    def verify(self) -> bool:
        """True if replaying gives the same digest and outcome."""
        from sep.evaluation._api import verify

        return verify(self.to_dict(), pack=self._evaluator.pack)


_DECISION_FIELDS = (
    "pack", "edition", "question", "outcome", "as_of", "_evaluator", "_facts", "_cache", "_known"
)  # fmt: skip
_new = object.__new__
#: The slot setters :meth:`Decision.of` writes through, or ``None`` (the constructor is used)
#: should the class gain, lose or reorder a field, or a field gain a validator or converter.
_SLOTS: tuple[Callable[[Decision, Any], None], ...] | None = (
    tuple(getattr(Decision, name).__set__ for name in _DECISION_FIELDS)
    if tuple(a.name for a in attrs.fields(Decision)) == _DECISION_FIELDS
    and not any(a.validator or a.converter for a in attrs.fields(Decision))
    else None
)
