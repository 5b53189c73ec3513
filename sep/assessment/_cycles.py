"""Evaluation cycles of a platform (4.3.7-b), their remediation (4.3.7-c) and history.

One cycle (a year or a planning cycle) scores the four modules of Table 2 (4.3.7-d) with
a :class:`~sep.assessment.ScoringScheme`: incubation performance and the service system's
current state are computed from the platform's own data; the rest comes from the cycle's
:class:`~sep.domain._assessment.CycleInputs`. The rules layer then checks each module and
the total against their pass marks (4.3.7-b) and returns the usual explained Decision.

An :class:`EvaluationHistory` holds the cycles in order: a module that failed in one cycle
needs an improvement plan by external experts and is under focused monitoring in the next
(4.3.7-c), whose result shows whether it recovered.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

import attrs

from sep._i18n import N_, join, label, translation
from sep._reason import R_
from sep._suggest import check_lang, unknown
from sep.assessment._scheme import ScoringScheme, resolve_scheme
from sep.domain._assessment import CycleInputs, ImprovementPlan, ScoringModule
from sep.domain._enums import ServiceTier
from sep.domain._fields import money_sum
from sep.domain._money import CNY, Money, Period
from sep.domain._platform import Platform
from sep.errors import ValidationError
from sep.evaluation import Decision, Outcome, check_evaluation

__all__ = ["CycleResult", "EvaluationHistory", "IndicatorResult", "evaluate_cycle"]

_CENT = Decimal("0.01")


@attrs.frozen
class IndicatorResult:
    """One indicator's value and score in a cycle.

    Attributes:
        id: Indicator source id (``"incubatee_count"``).
        module: Its module (4.3.7-d).
        value: The value used (``None`` when unknown).
        score: Its score 0–100 (``None`` when the value is unknown).
        weight: Its weight within the module.
        computed: True when computed from the platform's data, False when recorded.
        note: How it was computed (coverage of the portfolio, …).
    """

    id: str
    module: ScoringModule
    value: Decimal | None
    score: Decimal | None
    weight: Decimal
    computed: bool
    note: str = ""

    def to_dict(self) -> dict[str, Any]:
        """JSON-able form."""
        return {
            "id": self.id,
            "module": self.module.value,
            "value": None if self.value is None else str(self.value),
            "score": None if self.score is None else str(self.score),
            "weight": str(self.weight),
            "computed": self.computed,
            "note": self.note,
        }


def _amount(money: Money | None) -> Decimal | None:
    if money is None or money.currency != CNY:
        return None
    return money.amount


def _computed(
    platform: Platform, inputs: CycleInputs, max_age_days: int
) -> dict[str, tuple[Decimal | None, str]]:
    """The indicator values 4.3.7-d asks for that the platform's own data give."""
    out: dict[str, tuple[Decimal | None, str]] = {}
    services = platform.services
    if services:
        tiers = {s.tier for s in services}
        out["service_tier_coverage"] = (
            (Decimal(len(tiers)) / Decimal(len(ServiceTier))).quantize(Decimal("0.0001")),
            f"{len(tiers)} of {len(ServiceTier)} tiers offered",
        )
        dated = [s.last_updated for s in services if s.last_updated is not None]
        if len(dated) < len(services):
            out["service_freshness"] = (
                None,
                f"{len(services) - len(dated)} of {len(services)} services lack last_updated",
            )
        else:
            fresh = sum(1 for d in dated if (inputs.end - d).days <= max_age_days)
            out["service_freshness"] = (
                (Decimal(fresh) / Decimal(len(services))).quantize(Decimal("0.0001")),
                f"{fresh} of {len(services)} updated within {max_age_days} days of {inputs.end}",
            )
    else:
        out["service_tier_coverage"] = (None, "no services recorded")
        out["service_freshness"] = (None, "no services recorded")
    # Incubatees on record by the end of the cycle; those without an admission date count.
    portfolio = [i for i in platform.incubatees if i.admitted is None or i.admitted <= inputs.end]
    if not portfolio:
        for key in ("incubatee_count", "incubatee_valuation", "incubatee_revenue"):
            out[key] = (None, "no incubatees recorded")
        return out
    out["incubatee_count"] = (Decimal(len(portfolio)), f"{len(portfolio)} incubatees on record")
    valued = [v for v in (_amount(i.valuation) for i in portfolio) if v is not None]
    out["incubatee_valuation"] = (
        money_sum(valued) if valued else None,
        f"valuation known for {len(valued)} of {len(portfolio)}",
    )
    years = [Period(y) for y in range(inputs.period.year, inputs.last_year + 1)]
    revenues: list[Decimal] = []
    for incubatee in portfolio:
        annual = incubatee.annual_revenue()
        values = [_amount(annual.get(y)) for y in years]
        if all(v is not None for v in values):
            revenues.append(money_sum(v for v in values if v is not None))
    out["incubatee_revenue"] = (
        money_sum(revenues) if revenues else None,
        f"revenue reported by {len(revenues)} of {len(portfolio)} for {inputs.period.year}"
        + (f"–{inputs.last_year}" if inputs.years > 1 else ""),
    )
    return out


def _recorded(inputs: CycleInputs) -> dict[str, tuple[Decimal | None, str]]:
    return {
        "service_development": (inputs.service_development, "recorded rating"),
        "founder_financial": (_amount(inputs.founder_financial), "recorded"),
        "founder_technical": (inputs.founder_technical, "recorded rating"),
        "founder_cultural": (inputs.founder_cultural, "recorded rating"),
        "platform_revenue": (_amount(inputs.platform_revenue), "recorded"),
        "platform_profit": (_amount(inputs.platform_profit), "recorded"),
        "platform_valuation": (_amount(inputs.platform_valuation), "recorded"),
    }


def _weighted(pairs: list[tuple[Decimal | None, Decimal]]) -> Decimal | None:
    if any(score is None for score, _ in pairs):
        return None
    total_weight = sum((w for _, w in pairs), Decimal(0))
    value = sum((s * w for s, w in pairs if s is not None), Decimal(0)) / total_weight
    return value.quantize(_CENT)


@attrs.frozen(eq=False)
class CycleResult:
    """The evaluation of one cycle: indicator and module scores and the rules' decision.

    Attributes:
        inputs: The cycle's recorded inputs.
        scheme: The scoring scheme used.
        indicators: Every indicator's value and score.
        module_scores: Score 0–100 per module (``None`` when an indicator is unknown).
        total: The weighted total (``None`` when a module is unknown).
        decision: The rules layer's 4.3.7-b decision on the scores.
        monitored: Modules under focused monitoring in this cycle (failed in the previous).

    Example:
        >>> from sep.examples import annex_c_platform
        >>> r = evaluate_cycle(annex_c_platform(portfolio=False), CycleInputs(Period(2020),
        ...     founder_financial=Money(1_000_000), founder_technical=20, founder_cultural=30))
        >>> r.module_scores[ScoringModule.FOUNDER_CONTRIBUTION], sorted(r.failing)
        (Decimal('15.40'), [<ScoringModule.FOUNDER_CONTRIBUTION: 'founder_contribution'>])
    """

    inputs: CycleInputs
    scheme: ScoringScheme
    indicators: tuple[IndicatorResult, ...]
    module_scores: Mapping[ScoringModule, Decimal | None]
    total: Decimal | None
    decision: Decision
    monitored: frozenset[ScoringModule] = frozenset()

    @property
    def period(self) -> Period:
        """First year of the cycle."""
        return self.inputs.period

    @property
    def outcome(self) -> Outcome:
        """MET when every module and the total pass (4.3.7-b)."""
        return self.decision.outcome

    def outcome_of(self, module: ScoringModule) -> Outcome:
        """The pass/fail outcome of ``module`` (4.3.7-b)."""
        return self.decision.outcome_of(f"4.3.7-b.{module.value}")

    @property
    def failing(self) -> frozenset[ScoringModule]:
        """Modules that did not meet their pass mark: each needs a plan (4.3.7-c)."""
        return frozenset(m for m in ScoringModule if self.outcome_of(m) is Outcome.NOT_MET)

    @property
    def recovered(self) -> frozenset[ScoringModule]:
        """Monitored modules that now pass (4.3.7-c)."""
        return frozenset(m for m in self.monitored if self.outcome_of(m) is Outcome.MET)

    @property
    def still_failing(self) -> frozenset[ScoringModule]:
        """Monitored modules that fail again."""
        return self.monitored & self.failing

    def to_dict(self) -> dict[str, Any]:
        """JSON-able form, including the full decision record."""
        return {
            "cycle": str(self.period),
            "years": self.inputs.years,
            "scheme": {
                "id": self.scheme.id,
                "version": self.scheme.version,
                "example": self.scheme.example,
            },
            "indicators": [i.to_dict() for i in self.indicators],
            "module_scores": {
                m.value: None if s is None else str(s) for m, s in self.module_scores.items()
            },
            "total": None if self.total is None else str(self.total),
            "outcome": self.outcome.value,
            "failing": sorted(m.value for m in self.failing),
            "monitored": sorted(m.value for m in self.monitored),
            "recovered": sorted(m.value for m in self.recovered),
            "decision": self.decision.to_dict(),
        }


def evaluate_cycle(
    platform: Platform,
    inputs: CycleInputs,
    *,
    scheme: ScoringScheme | str | None = None,
    on: dt.date | None = None,
    monitored: frozenset[ScoringModule] = frozenset(),
) -> CycleResult:
    """Score one evaluation cycle of ``platform`` and check it (4.3.7-b, 4.3.7-d).

    Args:
        platform: The platform as it stood at the end of the cycle.
        inputs: The cycle and its recorded ratings and finances.
        scheme: A scheme, a shipped scheme id, a scheme file, or ``None`` for the platform's
            configured scheme (else the shipped example).
        on: Date whose pass-mark parameters apply (default: the cycle's last day).
        monitored: Modules under focused monitoring in this cycle (4.3.7-c).

    Example:
        >>> from sep.examples import annex_c_platform
        >>> r = evaluate_cycle(annex_c_platform(), CycleInputs(Period(2021),
        ...     service_development=80, founder_financial=Money(90_000_000),
        ...     founder_technical=85, founder_cultural=75, platform_revenue=Money(40_000_000),
        ...     platform_profit=Money(6_000_000), platform_valuation=Money(900_000_000)))
        >>> r.module_scores[ScoringModule.FOUNDER_CONTRIBUTION], r.outcome.value
        (Decimal('84.00'), 'unknown')
        >>> r.decision.missing
        ('score_incubation_performance', 'score_total')
    """
    chosen = resolve_scheme(scheme if scheme is not None else platform.evaluation_scheme)
    computed = _computed(platform, inputs, chosen.service_max_age_days)
    values = {**computed, **_recorded(inputs)}
    results: list[IndicatorResult] = []
    for indicator in chosen.indicators:
        value, note = values[indicator.id]
        score = None if value is None else indicator.scoring.score(value)
        results.append(
            IndicatorResult(
                indicator.id,
                indicator.module,
                value,
                score,
                indicator.weight,
                indicator.id in computed,
                note,
            )
        )
    modules: dict[ScoringModule, Decimal | None] = {}
    for module in ScoringModule:
        percent = _weighted([(r.score, r.weight) for r in results if r.module is module])
        modules[module] = None if percent is None else chosen.module_score(module, percent)
    total = chosen.total_of(modules)  # on the scheme's scale (4.3.7-b)
    facts: dict[str, Any] = {
        f"score_{m.value}": modules[m] for m in ScoringModule if modules[m] is not None
    }
    if total is not None:
        facts["score_total"] = total
    decision = check_evaluation(
        facts, params=chosen.params(), on=on or inputs.end, pack=chosen.evaluation_pack()
    )
    return CycleResult(inputs, chosen, tuple(results), modules, total, decision, monitored)


#: The modules as a table heading names them.
_MODULE_NAMES = {
    ScoringModule.SERVICE_SYSTEM: N_("service system"),
    ScoringModule.INCUBATION_PERFORMANCE: N_("incubation performance"),
    ScoringModule.FOUNDER_CONTRIBUTION: N_("founder contribution"),
    ScoringModule.SUSTAINABILITY: N_("sustainability"),
}


@attrs.frozen
class EvaluationHistory:
    """The evaluation cycles of a platform in order, with the improvement plans (4.3.7).

    Immutable: :meth:`evaluate` and :meth:`add_plan` return a new history.

    Example:
        >>> h = EvaluationHistory()
        >>> len(h.cycles), h.outstanding_plans()
        (0, ())
    """

    cycles: tuple[CycleResult, ...] = ()
    plans: tuple[ImprovementPlan, ...] = ()

    @property
    def latest(self) -> CycleResult | None:
        """The most recent cycle, if any."""
        return self.cycles[-1] if self.cycles else None

    def cycle(self, period: Period | int) -> CycleResult:
        """The cycle starting in ``period`` (a Period or a year)."""
        if isinstance(period, Period):
            year = period.year
        elif isinstance(period, int) and not isinstance(period, bool):
            year = period
        else:
            raise ValidationError(
                "period", period, N_("must be a Period or a year (int)"), clause="4.3.7-b"
            )
        for result in self.cycles:
            if result.period.year == year:
                return result
        raise unknown(
            "period",
            str(period),
            (str(r.period) for r in self.cycles),
            what=N_("evaluation cycle (none starts then)"),
            clause="4.3.7-b",
        )

    def evaluate(
        self,
        platform: Platform,
        inputs: CycleInputs,
        *,
        scheme: ScoringScheme | str | None = None,
        on: dt.date | None = None,
    ) -> EvaluationHistory:
        """Evaluate the next cycle; modules failing in the previous one are monitored.

        Raises:
            ValidationError: if the cycle does not start after the previous one ends.
        """
        if not isinstance(platform, Platform):
            raise ValidationError("platform", type(platform).__name__, N_("must be a Platform"))
        if not isinstance(inputs, CycleInputs):
            raise ValidationError(
                "inputs", type(inputs).__name__, N_("must be CycleInputs"), clause="4.3.7-b"
            )
        previous = self.latest
        if previous is not None and inputs.period.year <= previous.inputs.last_year:
            raise ValidationError(
                "period",
                str(inputs.period),
                R_(
                    "must start after the previous cycle ends ({last_year})",
                    last_year=previous.inputs.last_year,
                ),
                clause="4.3.7-b",
            )
        monitored = previous.failing if previous is not None else frozenset()
        result = evaluate_cycle(platform, inputs, scheme=scheme, on=on, monitored=monitored)
        return attrs.evolve(self, cycles=(*self.cycles, result))

    def add_plan(self, plan: ImprovementPlan) -> EvaluationHistory:
        """Record an improvement plan by external experts for a failing module (4.3.7-c).

        Raises:
            ValidationError: if the module did not fail in that cycle.
        """
        if not isinstance(plan, ImprovementPlan):
            raise ValidationError(
                "plan", type(plan).__name__, N_("must be an ImprovementPlan"), clause="4.3.7-c"
            )
        result = self.cycle(plan.cycle)
        if plan.module not in result.failing:
            raise ValidationError(
                "module",
                plan.module.value,
                R_(
                    "did not fail in the cycle {cycle}; no improvement plan is due",
                    cycle=plan.cycle,
                ),
                clause="4.3.7-c",
            )
        return attrs.evolve(self, plans=(*self.plans, plan))

    def plans_for(self, period: Period, module: ScoringModule) -> tuple[ImprovementPlan, ...]:
        """The improvement plans given for ``module`` failing in the cycle ``period``."""
        return tuple(p for p in self.plans if p.cycle.year == period.year and p.module is module)

    def outstanding_plans(self) -> tuple[tuple[Period, ScoringModule], ...]:
        """Failing modules still without an improvement plan, oldest first (4.3.7-c)."""
        return tuple(
            (result.period, module)
            for result in self.cycles
            for module in sorted(result.failing)
            if not self.plans_for(result.period, module)
        )

    def rows(self) -> list[dict[str, Any]]:
        """One row per cycle: scores, outcomes, monitored and recovered modules.

        Suited to a table or a plot (``pandas.DataFrame(history.rows())``).
        """
        rows: list[dict[str, Any]] = []
        for result in self.cycles:
            row: dict[str, Any] = {"cycle": str(result.period), "years": result.inputs.years}
            for module in ScoringModule:
                row[module.value] = result.module_scores[module]
                row[f"{module.value}_outcome"] = result.outcome_of(module).value
            row["total"] = result.total
            row["outcome"] = result.outcome.value
            row["monitored"] = sorted(m.value for m in result.monitored)
            row["recovered"] = sorted(m.value for m in result.recovered)
            row["failing"] = sorted(m.value for m in result.failing)
            rows.append(row)
        return rows

    def to_markdown(self, lang: str = "en") -> str:
        """The history as a Markdown table, in English (``en``) or Chinese (``zh``)."""
        check_lang(lang)
        _ = translation(lang).gettext
        names = [_(_MODULE_NAMES[m]) for m in ScoringModule]
        head = [_("cycle"), *names, _("total"), _("outcome"), _("monitored"), _("recovered")]
        lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
        marks = {"met": "✓", "not_met": "✗", "unknown": "?"}
        for row in self.rows():
            cells = [row["cycle"]]
            for module in ScoringModule:
                score = row[module.value]
                mark = marks[row[f"{module.value}_outcome"]]
                cells.append(f"{'–' if score is None else score} {mark}")
            cells.append("–" if row["total"] is None else str(row["total"]))
            cells.append(label(row["outcome"], lang))
            cells.append(join((label(m, lang) for m in row["monitored"]), lang) or "–")
            cells.append(join((label(m, lang) for m in row["recovered"]), lang) or "–")
            lines.append("| " + " | ".join(cells) + " |")
        return "\n".join(lines) + "\n"

    def to_dict(self) -> dict[str, Any]:
        """JSON-able form: every cycle and plan."""
        return {
            "cycles": [c.to_dict() for c in self.cycles],
            "plans": [
                {
                    "cycle": str(p.cycle),
                    "module": p.module.value,
                    "authors": [a.name for a in p.authors],
                    "summary": p.summary,
                    "issued_on": None if p.issued_on is None else p.issued_on.isoformat(),
                }
                for p in self.plans
            ],
            "outstanding_plans": [[str(p), m.value] for p, m in self.outstanding_plans()],
        }
