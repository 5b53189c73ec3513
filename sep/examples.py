"""Built-in example data: the Annex C platform and a seeded synthetic portfolio.

Annex C of T/CATE 0001—2020 describes group "H" and its platform "H+" (founded May
2014). Its published figures (as of March 2020) are kept verbatim in
:data:`ANNEX_C_FIGURES`; :func:`annex_c_platform` builds a platform whose portfolio
reproduces them exactly. The standard publishes no size indicators or finances for the
founder, nor details of single projects: where the example needs them they are
*illustrative* values, marked so in the data, chosen to be plausible, not sourced.

:func:`synthetic_incubatees` generates portfolios of any size from a seed, for tests,
notebooks and benchmarks.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Iterator
from decimal import Decimal
from typing import Any, Final

from sep.domain import (
    Alignment,
    BusinessModule,
    Capabilities,
    ChainResources,
    CoCreator,
    CoCreatorKind,
    DevelopmentPlan,
    Enterprise,
    Event,
    EventKind,
    FeasibilityAssessment,
    FeasibilityPoint,
    FeasibilityStudy,
    FinancingRound,
    FinancingStage,
    GrowthClass,
    Incubatee,
    ManagementNorm,
    Mentor,
    MentorKind,
    ModuleKind,
    Money,
    NormArea,
    Origin,
    PerformanceDimension,
    PerformanceRecord,
    Period,
    PeriodFinancials,
    PlanAspect,
    PlanItem,
    Platform,
    PlatformResource,
    Revision,
    Service,
    ServiceProvider,
    ServiceTarget,
    ServiceTier,
    StaffMember,
    StaffOrigin,
)

__all__ = [
    "ANNEX_C_FIGURES",
    "annex_c_founder",
    "annex_c_platform",
    "demo_incubatees",
    "synthetic_incubatees",
]

ANNEX_C_FIGURES: Final[dict[str, Any]] = {
    "source": "T/CATE 0001—2020, Annex C.4 (figures as of March 2020)",
    "as_of": dt.date(2020, 3, 31),
    "platform_founded": dt.date(2014, 5, 1),
    "business_lines": ["H+云", "H+空间", "H+加速营", "H+基金"],
    "communities": 6,
    "projects_attracted_min": 4000,  # "超过4000家"
    "total_valuation": Money(120_000_000_000),  # 1200亿
    "accelerated": 343,
    "accelerated_by_stage": {"seed": 215, "angel": 45, "series_a_plus": 83},
    "listed": 2,
    "unicorns": 5,
    "gazelles": 23,
    "internal_projects": 68,
    "internal_listed": 2,
    "internal_unicorns": 3,
    "internal_valuation_about": Money(60_000_000_000),  # 近600亿
}
"""Annex C's published figures, verbatim, with their source."""

_ILLUSTRATIVE = "illustrative value, not published in the standard"


def annex_c_founder() -> Enterprise:
    """Group "H" of Annex C as a founding enterprise.

    Annex C states its fields (appliances and more, C.1), its transformation since 2012
    and its open-innovation system ("10+N", C.1–C.2). Its size indicators and free cash
    flow are illustrative.
    """
    return Enterprise(
        name="H Group",
        industry="C38",  # 电气机械和器材制造业: household appliances (C.1)
        employees=99_000,  # illustrative
        operating_revenue=Money.wan(20_000_000),  # illustrative: 2,000亿元
        total_assets=Money.wan(30_000_000),  # illustrative
        field_focus="smart home appliances and IoT ecosystems (C.1)",
        focused_industry=True,
        strong_rd=True,
        high_brand_premium=True,
        chain=ChainResources(
            True, True, True
        ),  # 25 parks, 122 manufacturing, 108 marketing centres
        group_enterprise=True,
        in_transformation=True,  # ecosystem-brand strategy since end of 2012 (C.1)
        open_innovation_architecture=True,  # "10+N open innovation system" (C.1)
        reform_autonomy=True,
        industrial_scale=True,
        can_open_industry_resources=True,  # supply chain, R&D, channels opened (C.3)
        free_cash_flow=Money.wan(1_500_000),  # illustrative
        early_funding_capacity=Money.wan(200_000),  # illustrative
    )


def demo_incubatees() -> tuple[Incubatee, ...]:
    """A handful of illustrative H+ incubatees, one per graduation path of 4.3.5."""
    q = [Period(2025, i) for i in (1, 2, 3, 4)]
    return (
        Incubatee(
            id="hplus-0001",
            name="Thunder Gaming",
            origin=Origin.INTERNAL,
            accelerated=True,
            financing_stage=FinancingStage.SERIES_A_PLUS,
            growth=GrowthClass.UNICORN,
            acquired_by_founder=True,
            events=(Event(EventKind.ACQUIRED_BY_FOUNDER, dt.date(2025, 6, 30), "new subsidiary"),),
            resources=(PlatformResource("desk-12", "space", "co-working desks"),),
        ),
        Incubatee(
            id="hplus-0002",
            name="Kitchen Cloud",
            origin=Origin.EXTERNAL,
            accelerated=True,
            financing_stage=FinancingStage.SERIES_A_PLUS,
            listed=False,
            financing_rounds=(
                FinancingRound(
                    Money.wan(3_200),
                    dt.date(2025, 3, 1),
                    FinancingStage.SERIES_A_PLUS,
                    independent=True,
                ),
            ),
            financials=tuple(
                PeriodFinancials(p, Money.wan(r), Money.wan(pr), Money.wan(cf))
                for p, r, pr, cf in zip(
                    q, (180, 200, 210, 230), (10, 12, 15, 20), (30, -12, 25, 40), strict=True
                )
            ),
            organisation_complete=True,
            needs_platform_services=False,
        ),
        Incubatee(
            id="hplus-0003",
            name="Cold Chain Link",
            origin=Origin.INDUSTRY_CHAIN,
            accelerated=True,
            financing_stage=FinancingStage.SERIES_A_PLUS,
            growth=GrowthClass.GAZELLE,
            acquired_by_founder=False,
            listed=False,
            platform_equity_exited=False,
            financing_rounds=(
                FinancingRound(
                    Money.wan(2_000),
                    dt.date(2024, 9, 1),
                    FinancingStage.SERIES_A_PLUS,
                    independent=True,
                ),
            ),
            financials=tuple(
                PeriodFinancials(p, Money.wan(r), Money.wan(pr), Money.wan(cf))
                for p, r, pr, cf in zip(
                    q, (400, 420, 450, 480), (60, 70, 72, 80), (50, 55, 60, 62), strict=True
                )
            ),
            organisation_complete=True,
            needs_platform_services=False,
            resources=(
                PlatformResource("lab-3", "equipment", "test lab bench", "return on graduation"),
            ),
        ),
        Incubatee(
            id="hplus-0004",
            name="Smart Laundry",
            origin=Origin.EXTERNAL,
            accelerated=True,
            financing_stage=FinancingStage.ANGEL,
            platform_equity_exited=True,
            events=(Event(EventKind.PLATFORM_EQUITY_EXIT, dt.date(2025, 11, 2)),),
        ),
        Incubatee(
            id="hplus-0005",
            name="Seedling Robotics",
            origin=Origin.EXTERNAL,
            financing_stage=FinancingStage.SEED,
        ),
    )


def _services() -> tuple[Service, ...]:
    updated = dt.date(2020, 1, 15)
    return (
        Service("H+空间 co-working space", ServiceTier.BASIC, ServiceProvider.FOUNDER, updated),
        Service("legal and finance desk", ServiceTier.BASIC, ServiceProvider.EXTERNAL, updated),
        Service("supply-chain access", ServiceTier.VALUE_ADDED, ServiceProvider.FOUNDER, updated),
        Service(
            "R&D and industrial internet", ServiceTier.VALUE_ADDED, ServiceProvider.FOUNDER, updated
        ),
        Service("H+VC fund", ServiceTier.INVESTMENT, ServiceProvider.FOUNDER, updated),
        Service("partner VC network", ServiceTier.INVESTMENT, ServiceProvider.EXTERNAL, updated),
    )


def _staff(kind: ModuleKind) -> BusinessModule:
    return BusinessModule(
        kind,
        (
            StaffMember(f"{kind.value} lead", StaffOrigin.INTERNAL, "lead"),
            StaffMember(f"{kind.value} partner", StaffOrigin.EXTERNAL, "partner"),
        ),
    )


def _norms() -> tuple[ManagementNorm, ...]:
    return tuple(
        ManagementNorm(area, f"H+ {area.value.replace('_', ' ')} rules").revise(
            Revision("1.0", dt.date(2015, 1, 1), "first edition")
        )
        for area in NormArea
    )


def annex_c_platform(*, portfolio: bool = True) -> Platform:
    """The H+ platform of Annex C.

    With ``portfolio=True`` its incubatees reproduce every figure of
    :data:`ANNEX_C_FIGURES` (4,001 projects); the five :func:`demo_incubatees` come
    first. With ``portfolio=False`` it holds only those five.

    Example:
        >>> p = annex_c_platform()
        >>> len(p.incubatees), sum(1 for i in p.incubatees if i.accelerated)
        (4001, 343)
    """
    incubatees = demo_incubatees()
    if portfolio:
        incubatees = _annex_c_portfolio(incubatees)
    return Platform(
        name="H+",
        leading_founder=annex_c_founder(),
        established=ANNEX_C_FIGURES["platform_founded"],
        co_creators=(
            CoCreator(
                "a key-resource partner",
                CoCreatorKind.KEY_RESOURCE_ENTERPRISE,
                ("industrial internet",),
                Decimal("0.1"),
            ),
            CoCreator(
                "a partner university",
                CoCreatorKind.UNIVERSITY_OR_INSTITUTE,
                ("research",),
                Decimal("0.05"),
            ),
        ),
        service_targets=frozenset(ServiceTarget),  # C.3: three levels, inside out
        feasibility=FeasibilityStudy(
            5,
            dt.date(2014, 3, 1),
            tuple(
                FeasibilityAssessment(p, "assessed (illustrative)", True) for p in FeasibilityPoint
            ),
        ),
        organisational_adaptation="企业平台化、用户个性化、员工创客化 (C.2): serial → parallel",
        modules=tuple(_staff(kind) for kind in ModuleKind),
        services=_services(),
        development_plan=DevelopmentPlan(
            Period(2020),
            5,
            tuple(
                PlanItem(aspect, f"{aspect.value} (illustrative)", frozenset(Alignment))
                for aspect in PlanAspect
            ),
        ),
        norms=_norms(),
        performance=tuple(
            PerformanceRecord("acceleration team", Period(2019), dim, Decimal(80))
            for dim in PerformanceDimension
        ),
        capabilities=Capabilities(
            internal_resources_opened=("supply chain", "R&D", "channels"),  # C.3
            external_resources_integrated=("40+ startup bases", "accelerators in 11 countries"),
            own_fund=None,
            capital_partners=("H+VC",),
            mentors=(
                Mentor("internal expert", MentorKind.INTERNAL_EXPERT, True),
                Mentor("serial entrepreneur", MentorKind.ENTREPRENEUR, True),
                Mentor("external mentor", MentorKind.EXTERNAL_MENTOR, True),
            ),
        ),
        incubatees=incubatees,
    )


def _annex_c_portfolio(head: tuple[Incubatee, ...]) -> tuple[Incubatee, ...]:
    """Complete ``head`` into a portfolio matching every Annex C figure exactly."""
    f = ANNEX_C_FIGURES
    target_stage = dict(f["accelerated_by_stage"])
    counts = {
        "listed": 0,
        "unicorns": 0,
        "gazelles": 0,
        "internal": 0,
        "internal_listed": 0,
        "internal_unicorns": 0,
    }
    for inc in head:
        if inc.accelerated and inc.financing_stage is not None:
            target_stage[inc.financing_stage.value] -= 1
        counts["listed"] += bool(inc.listed)
        counts["unicorns"] += inc.growth is GrowthClass.UNICORN
        counts["gazelles"] += inc.growth is GrowthClass.GAZELLE
        counts["internal"] += inc.origin is Origin.INTERNAL
        counts["internal_unicorns"] += (
            inc.origin is Origin.INTERNAL and inc.growth is GrowthClass.UNICORN
        )
    # Accelerated projects, in stage order; the listed, unicorns and gazelles are A+.
    accelerated_left = sum(target_stage.values())
    stages = [FinancingStage(s) for s, n in target_stage.items() for _ in range(n)]
    need = {
        "listed_internal": f["internal_listed"] - counts["internal_listed"],
        "listed_external": f["listed"]
        - f["internal_listed"]
        - (counts["listed"] - counts["internal_listed"]),
        "unicorn_internal": f["internal_unicorns"] - counts["internal_unicorns"],
        "unicorn_external": f["unicorns"]
        - f["internal_unicorns"]
        - (counts["unicorns"] - counts["internal_unicorns"]),
        "gazelle": f["gazelles"] - counts["gazelles"],
        "internal": f["internal_projects"] - counts["internal"],
    }
    extra: list[dict[str, Any]] = []
    for k in range(accelerated_left):
        extra.append({"accelerated": True, "financing_stage": stages[k]})
    a_plus = [e for e in extra if e["financing_stage"] is FinancingStage.SERIES_A_PLUS]
    cursor = iter(a_plus)

    def take(n: int, **fields: Any) -> None:
        for _ in range(n):
            next(cursor).update(fields)

    take(
        need["listed_internal"],
        origin=Origin.INTERNAL,
        listed=True,
        events=(Event(EventKind.LISTED),),
    )
    take(need["listed_external"], listed=True, events=(Event(EventKind.LISTED),))
    take(need["unicorn_internal"], origin=Origin.INTERNAL, growth=GrowthClass.UNICORN)
    take(need["unicorn_external"], growth=GrowthClass.UNICORN)
    take(need["gazelle"], growth=GrowthClass.GAZELLE)
    internal_now = sum(1 for e in extra if e.get("origin") is Origin.INTERNAL)
    for e in extra:
        if internal_now >= need["internal"]:
            break
        if "origin" not in e:
            e["origin"] = Origin.INTERNAL
            internal_now += 1
    total = f["projects_attracted_min"] + 1 - len(head)
    extra += [{"accelerated": False} for _ in range(total - len(extra))]
    # Valuations: the accelerated projects carry the published totals exactly.
    internal = [e for e in extra if e.get("origin") is Origin.INTERNAL]
    external_acc = [e for e in extra if e.get("origin") is not Origin.INTERNAL and e["accelerated"]]
    _spread(internal, f["internal_valuation_about"])
    _spread(external_acc, f["total_valuation"] - f["internal_valuation_about"])
    made = []
    for n, fields in enumerate(extra, start=len(head) + 1):
        fields.setdefault("origin", Origin.EXTERNAL)
        made.append(Incubatee(id=f"hplus-{n:04d}", name=f"H+ project {n}", **fields))
    return head + tuple(made)


def _spread(items: list[dict[str, Any]], total: Money) -> None:
    """Give ``items`` valuations summing exactly to ``total``, unicorns the largest."""
    weights = [
        50 if e.get("growth") is GrowthClass.UNICORN else 5 if e.get("listed") else 1 for e in items
    ]
    unit = total.amount // sum(weights)
    for e, w in zip(items, weights, strict=True):
        e["valuation"] = Money(unit * w)
    if items:
        items[-1]["valuation"] = items[-1]["valuation"] + Money(total.amount - unit * sum(weights))


def synthetic_incubatees(
    n: int, *, seed: int = 0, missing_rate: float = 0.1
) -> Iterator[Incubatee]:
    """Yield ``n`` synthetic incubatees, the same for the same ``seed``.

    Each has four quarters of 2025 financials, maybe financing rounds and events; about
    ``missing_rate`` of the yes/no facts and figures are left unknown, as real files are.

    Example:
        >>> a = list(synthetic_incubatees(3, seed=7))
        >>> a == list(synthetic_incubatees(3, seed=7)), len(a)
        (True, 3)
    """
    rng = random.Random(seed)

    def maybe(value: Any) -> Any:
        return None if rng.random() < missing_rate else value

    def flag(p: float) -> bool | None:
        value: bool | None = maybe(rng.random() < p)
        return value

    for k in range(n):
        scale = rng.choice((20, 80, 200, 600))
        financials = tuple(
            PeriodFinancials(
                Period(2025, q),
                maybe(Money.wan(rng.randint(0, scale))),
                maybe(Money.wan(rng.randint(-scale // 4, scale // 3))),
                maybe(Money.wan(rng.randint(-scale // 5, scale // 2))),
            )
            for q in (1, 2, 3, 4)
        )
        rounds = tuple(
            FinancingRound(
                Money.wan(rng.choice((100, 500, 1_000, 3_000, 6_000, 20_000))), independent=True
            )
            for _ in range(rng.choice((0, 0, 1, 1, 2, 3)))
        )
        yield Incubatee(
            id=f"syn-{seed}-{k}",
            name=f"Synthetic {k}",
            origin=rng.choice(list(Origin)),
            accelerated=flag(0.1),
            financing_stage=rng.choice([*FinancingStage, None]),
            financing_rounds=rounds,
            financials=financials,
            organisation_complete=flag(0.5),
            needs_platform_services=flag(0.6),
            acquired_by_founder=flag(0.02),
            listed=flag(0.01),
            platform_equity_exited=flag(0.03),
            high_tech_enterprise=flag(0.2),
        )
