"""Hypothesis strategies for every domain object of ``sep``, in one place.

Valid objects come from the ``*_s`` strategies; :data:`invalid_values` yields values that
each domain field must refuse (negative amounts, NaN, wrong enums, bad GB/T codes, wrong
types).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from hypothesis import strategies as st

from sep._limits import MAX_AMOUNT, MAX_DECIMALS
from sep.domain import (
    Alignment,
    Archive,
    AuditRecord,
    BusinessModule,
    Capabilities,
    ChainResources,
    CoCreator,
    CoCreatorKind,
    CycleInputs,
    DecisionRef,
    DevelopmentPlan,
    Enterprise,
    EvaluationBody,
    EvaluationBodyKind,
    Event,
    EventKind,
    FeasibilityAssessment,
    FeasibilityPoint,
    FeasibilityStudy,
    FinancingRound,
    FinancingStage,
    GrowthClass,
    ImprovementPlan,
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
    ProcessRecord,
    Revision,
    ScoringModule,
    Service,
    ServiceProvider,
    ServiceTarget,
    ServiceTier,
    StaffMember,
    StaffOrigin,
)

text_s = st.text(
    alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), min_size=1, max_size=12
).filter(str.strip)
tri_s = st.none() | st.booleans()
dates_s = st.dates(min_value=dt.date(1990, 1, 1), max_value=dt.date(2035, 12, 31))
amounts_s = st.decimals(
    min_value=Decimal("-1e12"),
    max_value=Decimal("1e12"),
    allow_nan=False,
    allow_infinity=False,
    places=2,
)
money_s = st.builds(Money, amounts_s, st.sampled_from(["CNY", "CNY", "USD"]))
nonneg_money_s = st.builds(Money, amounts_s.map(abs))
cny_s = st.builds(Money, amounts_s.map(abs))
periods_s = st.builds(Period, st.integers(2000, 2030), st.none() | st.integers(1, 4))
share_s = st.decimals(min_value=0, max_value=1, places=3)
#: Amounts of a cash-flow window as the readers admit them: up to the bound, up to 30
#: decimals, mostly near one another so that the stability ratio lands near thresholds.
window_amount_s = st.one_of(
    st.decimals(min_value=-(10**15), max_value=10**15, places=0),
    st.decimals(min_value=-(10**15), max_value=10**15, places=30),
    st.integers(-100_000, 1_000_000).map(Decimal),
    st.integers(1, 20).map(lambda k: Decimal(k * 5_000)),
)
#: Thresholds of a ratio, on the four-decimal steps the ratio is rounded to and off them.
ratio_threshold_s = st.one_of(
    st.decimals(min_value=-2, max_value=2, places=4),
    st.decimals(min_value=-2, max_value=2, places=9),
    st.sampled_from([Decimal("0.5"), Decimal("0.0002"), Decimal("0.99995"), Decimal(1)]),
)
industry_s = st.sampled_from(
    [
        "A",
        "B",
        "C",
        "C38",
        "C3851",
        "D",
        "E",
        "F",
        "51",
        "52",
        "54",
        "59",
        "60",
        "61",
        "62",
        "63",
        "65",
        "7010",
        "702",
        "703",
        "L",
        "M",
        "N",
        "O",
        "85",
        "R",
        "J",
        "K",
        "70",
        "Q",
        "S",
        "P",
    ]
)


def opt(strategy: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    """``None`` (unknown) or a value."""
    return st.none() | strategy


def tuples(strategy: st.SearchStrategy[Any], max_size: int = 3) -> st.SearchStrategy[Any]:
    """A short tuple of ``strategy``'s values."""
    return st.lists(strategy, max_size=max_size).map(tuple)


chain_s = st.builds(ChainResources, tri_s, tri_s, tri_s)
enterprise_s = st.builds(
    Enterprise,
    name=text_s,
    industry=industry_s,
    employees=opt(st.integers(0, 500_000)),
    operating_revenue=opt(cny_s),
    total_assets=opt(cny_s),
    field_focus=opt(text_s),
    focused_industry=tri_s,
    strong_rd=tri_s,
    high_brand_premium=tri_s,
    chain=chain_s,
    group_enterprise=tri_s,
    in_transformation=tri_s,
    open_innovation_architecture=tri_s,
    reform_autonomy=tri_s,
    industrial_scale=tri_s,
    can_open_industry_resources=tri_s,
    free_cash_flow=opt(st.builds(Money, amounts_s)),
    early_funding_capacity=opt(cny_s),
)
financing_round_s = st.builds(
    FinancingRound,
    amount=nonneg_money_s,
    on=opt(dates_s),
    stage=opt(st.sampled_from(FinancingStage)),
    investors=tuples(text_s),
    post_money_valuation=opt(nonneg_money_s),
    independent=tri_s,
)
financials_s = st.builds(
    PeriodFinancials,
    period=periods_s,
    revenue=opt(nonneg_money_s),
    profit=opt(money_s),
    operating_cash_flow=opt(money_s),
)
event_s = st.builds(Event, st.sampled_from(EventKind), opt(dates_s), opt(text_s))
resource_s = st.builds(
    PlatformResource, text_s, text_s, opt(text_s), opt(text_s), opt(dates_s), opt(dates_s)
)
archive_s = st.builds(Archive, text_s, dates_s, tuples(text_s))
decision_ref_s = st.builds(
    DecisionRef, text_s, text_s, text_s, st.sampled_from(["met", "not_met", "unknown"])
)
aware_s = st.datetimes(
    min_value=dt.datetime(2000, 1, 1),
    max_value=dt.datetime(2035, 1, 1),
    timezones=st.just(dt.UTC),
)
audit_s = st.builds(
    AuditRecord,
    text_s,
    text_s,
    text_s,
    aware_s,
    opt(text_s),
    opt(text_s),
    opt(decision_ref_s),
    tuples(st.tuples(text_s, text_s)),
)
process_s = st.builds(ProcessRecord, text_s, tuples(audit_s))


@st.composite
def incubatee_s(draw: st.DrawFn) -> Incubatee:
    """A valid incubatee: unique periods and resource ids, events consistent with facts."""
    financials = draw(st.lists(financials_s, max_size=5, unique_by=lambda f: f.period))
    resources = draw(st.lists(resource_s, max_size=3, unique_by=lambda r: r.id))
    events = draw(tuples(event_s))
    kinds = {e.kind for e in events}

    def fact(kind: EventKind) -> bool | None:
        value = draw(tri_s)
        return None if value is False and kind in kinds else value

    return Incubatee(
        id=draw(text_s),
        name=draw(text_s),
        origin=draw(st.sampled_from(Origin)),
        founded=draw(opt(dates_s)),
        admitted=draw(opt(dates_s)),
        accelerated=draw(tri_s),
        financing_stage=draw(opt(st.sampled_from(FinancingStage))),
        growth=draw(opt(st.sampled_from(GrowthClass))),
        financing_rounds=draw(tuples(financing_round_s)),
        valuation=draw(opt(nonneg_money_s)),
        financials=tuple(financials),
        organisation_complete=draw(tri_s),
        needs_platform_services=draw(tri_s),
        acquired_by_founder=fact(EventKind.ACQUIRED_BY_FOUNDER),
        listed=fact(EventKind.LISTED),
        platform_equity_exited=fact(EventKind.PLATFORM_EQUITY_EXIT),
        high_tech_enterprise=fact(EventKind.HIGH_TECH_CERTIFIED),
        acquired_by_other=fact(EventKind.ACQUIRED_BY_OTHER),
        events=events,
        resources=tuple(resources),
        archive=draw(opt(archive_s)),
        process=draw(opt(process_s)),
    )


co_creator_s = st.builds(
    CoCreator, text_s, st.sampled_from(CoCreatorKind), tuples(text_s), opt(share_s)
)
staff_s = st.builds(StaffMember, text_s, st.sampled_from(StaffOrigin), opt(text_s))
module_s = st.builds(BusinessModule, st.sampled_from(ModuleKind), tuples(staff_s))
service_s = st.builds(
    Service, text_s, st.sampled_from(ServiceTier), st.sampled_from(ServiceProvider), opt(dates_s)
)
plan_item_s = st.builds(
    PlanItem, st.sampled_from(PlanAspect), text_s, st.frozensets(st.sampled_from(Alignment))
)
plan_s = st.builds(
    DevelopmentPlan,
    periods_s.map(lambda p: Period(p.year)),
    st.integers(1, 20),
    st.lists(plan_item_s, max_size=6, unique_by=lambda i: i.aspect).map(tuple),
)


@st.composite
def norm_s(draw: st.DrawFn) -> ManagementNorm:
    """A norm whose revisions are dated in order with unique versions (append-only)."""
    days = sorted(draw(st.lists(dates_s, max_size=4)))
    revisions = tuple(Revision(f"{i + 1}.0", day, draw(opt(text_s))) for i, day in enumerate(days))
    return ManagementNorm(draw(st.sampled_from(NormArea)), draw(text_s), revisions)


performance_s = st.builds(
    PerformanceRecord,
    text_s,
    periods_s,
    st.sampled_from(PerformanceDimension),
    opt(st.decimals(min_value=0, max_value=100, places=1)),
    opt(text_s),
)
feasibility_s = st.builds(
    FeasibilityStudy,
    st.integers(3, 5),
    opt(dates_s),
    st.lists(
        st.builds(FeasibilityAssessment, st.sampled_from(FeasibilityPoint), text_s, tri_s),
        max_size=7,
        unique_by=lambda a: a.point,
    ).map(tuple),
)
mentor_s = st.builds(Mentor, text_s, st.sampled_from(MentorKind), tri_s)
capabilities_s = st.builds(
    Capabilities,
    tuples(text_s),
    tuples(text_s),
    opt(nonneg_money_s),
    tuples(text_s),
    tuples(mentor_s),
)
ratings_s = st.decimals(min_value=0, max_value=100, places=2)
internal_s = st.builds(StaffMember, text_s, st.just(StaffOrigin.INTERNAL), opt(text_s))
external_s = st.builds(StaffMember, text_s, st.just(StaffOrigin.EXTERNAL), opt(text_s))


@st.composite
def evaluation_body_s(draw: st.DrawFn) -> EvaluationBody:
    """A valid evaluating body of any of the three kinds (4.3.7-a)."""
    kind = draw(st.sampled_from(EvaluationBodyKind))
    inside = st.lists(internal_s, min_size=1, max_size=3)
    outside = st.lists(external_s, min_size=1, max_size=3)
    if kind is EvaluationBodyKind.INTERNAL_COMMITTEE:
        members = draw(inside)
    elif kind is EvaluationBodyKind.THIRD_PARTY_EXPERTS:
        members = draw(outside)
    else:
        members = draw(st.permutations(draw(inside) + draw(outside)))
    return EvaluationBody(kind, tuple(members), draw(opt(text_s)))


years_s = st.builds(Period, st.integers(2000, 2030))

cycle_inputs_s = st.builds(
    CycleInputs,
    years_s,
    st.integers(1, 5),
    opt(ratings_s),
    opt(cny_s),
    opt(ratings_s),
    opt(ratings_s),
    opt(cny_s),
    opt(st.builds(Money, amounts_s)),
    opt(cny_s),
    opt(dates_s),
)

improvement_plan_s = st.builds(
    ImprovementPlan,
    st.sampled_from(ScoringModule),
    years_s,
    st.lists(external_s, min_size=1, max_size=3).map(tuple),
    text_s,
    opt(dates_s),
)


platform_s = st.builds(
    Platform,
    name=text_s,
    leading_founder=enterprise_s,
    established=opt(dates_s),
    co_founders=tuples(enterprise_s, 2),
    co_creators=tuples(co_creator_s),
    service_targets=st.frozensets(st.sampled_from(ServiceTarget)),
    feasibility=opt(feasibility_s),
    organisational_adaptation=opt(text_s),
    modules=st.lists(module_s, max_size=4, unique_by=lambda m: m.kind).map(tuple),
    services=tuples(service_s),
    development_plan=opt(plan_s),
    norms=st.lists(norm_s(), max_size=3, unique_by=lambda n: n.area).map(tuple),
    performance=tuples(performance_s),
    capabilities=opt(capabilities_s),
    incubatees=st.lists(incubatee_s(), max_size=2, unique_by=lambda i: i.id).map(tuple),
    incubation_process=opt(text_s),
    graduation_pack=opt(
        st.sampled_from(["t-cate-0001-2020/graduation", "gkfq-2018-300/graduation", "nope"])
    ),
    graduation_procedure=opt(text_s),
    evaluation_body=opt(evaluation_body_s()),
    evaluation_scheme=opt(st.sampled_from(["sep-example-2020", "nope"])),
)
platform_with_evaluation_s = platform_s

#: Every top-level and nested domain class with its strategy.
DOMAIN_STRATEGIES: dict[type, st.SearchStrategy[Any]] = {
    Money: money_s,
    Period: periods_s,
    ChainResources: chain_s,
    Enterprise: enterprise_s,
    FinancingRound: financing_round_s,
    PeriodFinancials: financials_s,
    Event: event_s,
    PlatformResource: resource_s,
    Archive: archive_s,
    DecisionRef: decision_ref_s,
    AuditRecord: audit_s,
    ProcessRecord: process_s,
    Incubatee: incubatee_s(),
    CoCreator: co_creator_s,
    StaffMember: staff_s,
    BusinessModule: module_s,
    Service: service_s,
    PlanItem: plan_item_s,
    DevelopmentPlan: plan_s,
    ManagementNorm: norm_s(),
    PerformanceRecord: performance_s,
    FeasibilityStudy: feasibility_s,
    Mentor: mentor_s,
    Capabilities: capabilities_s,
    Platform: platform_s,
}
#: The evaluation records of 4.3.7 (a subset, also tested against their own schemas).
ASSESSMENT_STRATEGIES: dict[type, st.SearchStrategy[Any]] = {
    EvaluationBody: evaluation_body_s(),
    CycleInputs: cycle_inputs_s,
    ImprovementPlan: improvement_plan_s,
}
DOMAIN_STRATEGIES.update(ASSESSMENT_STRATEGIES)

#: Values no field of the domain accepts where a number, amount, enum or code is expected.
invalid_numbers = st.sampled_from(
    [float("nan"), float("inf"), "NaN", "Infinity", "abc", True, [], {}, None]
)
invalid_codes = st.sampled_from(["00", "99", "Z", "C99", "1", "12345", "", "c-38", 38])
invalid_enums = st.sampled_from(["martian", "", "INTERNAL ", 3, True, None, ["internal"]])


# -- amounts within the bounds of sep._limits (the amount grammar, tests/test_amounts.py) ----

_EXTREME_AMOUNTS = (
    MAX_AMOUNT,
    -MAX_AMOUNT,
    Decimal("0." + "0" * (MAX_DECIMALS - 1) + "1"),
    Decimal("-0." + "0" * (MAX_DECIMALS - 1) + "1"),
    Decimal("999999999999999." + "9" * MAX_DECIMALS),
    Decimal("-999999999999999." + "9" * MAX_DECIMALS),
    Decimal("1E+7"),
    Decimal("-0"),
    Decimal(0),
)


def accepted_amount_s(*, non_negative: bool = False) -> st.SearchStrategy[Decimal]:
    """Decimals the amount reader accepts: up to ±10^15, up to 30 decimals, extremes too."""
    low = Decimal(0) if non_negative else -MAX_AMOUNT
    return st.one_of(
        st.sampled_from([e for e in _EXTREME_AMOUNTS if not non_negative or e >= 0]),
        st.integers(0, MAX_DECIMALS).flatmap(
            lambda places: st.decimals(
                min_value=low,
                max_value=MAX_AMOUNT,
                places=places,
                allow_nan=False,
                allow_infinity=False,
            )
        ),
        st.integers(int(low), int(MAX_AMOUNT)).map(Decimal),
    )


@st.composite
def accepted_amount_text_s(draw: st.DrawFn) -> str:
    """Texts of the amount grammar: signed, grouped by thousands or not, up to 30 decimals."""
    whole = draw(st.integers(0, int(MAX_AMOUNT)))
    places = 0 if whole == int(MAX_AMOUNT) else draw(st.integers(0, MAX_DECIMALS))
    fraction = "".join(
        draw(st.lists(st.sampled_from("0123456789"), min_size=places, max_size=places))
    )
    grouped = draw(st.booleans())
    sign = draw(st.sampled_from(["", "+", "-"]))
    text = f"{sign}{whole:,}" if grouped else f"{sign}{whole}"
    return f"{text}.{fraction}" if fraction else text


# --- Schema truth: JSON values to mutate documents and named inputs with -------------------
# Used by tests/test_schema_truth.py to check that each JSON Schema accepts a document
# exactly when sep does. The values are JSON (str, int, bool, None, Decimal for JSON numbers
# with a fraction or exponent, lists, dicts); every family mixes values sep accepts with
# near misses it must refuse, so both sides of each bound are tried.


def grammar_sensitive(value: Any) -> bool:
    """Whether reading ``value`` as an amount depends on the grammar's finer points.

    True for a text a lenient reader (blanks and separators stripped, any Unicode digit,
    exponents) reads as a number while the amount grammar of sep._limits refuses it; such
    values are tried by the amount grammar tests, kept out of the others.
    """
    import re
    from decimal import InvalidOperation

    from sep._limits import AMOUNT_PATTERN

    if not isinstance(value, str) or re.fullmatch(AMOUNT_PATTERN, value):
        return False
    try:
        Decimal(value.strip().replace(",", "").replace("_", ""))
    except InvalidOperation:
        return False
    return True


#: Amount strings whose acceptance does not depend on the amount grammar's finer points.
plain_amount_texts = st.sampled_from(
    ["0", "5", "-5", "-0", "8200000", "-120000.50", "0.10", "1000000000000000", "abc", "", "-"]
)
#: Amount strings at the edges of the grammar of sep._limits (separators, exponents,
#: non-ASCII digits, blanks, the 10^15 bound, decimals and length bounds).
grammar_amount_texts = st.sampled_from(
    [
        "8,200,000",
        "1,000",
        "1,5",
        "12,5",
        "1,0000",
        "1e3",
        "1E+7",
        "1e400",
        "１２３",
        "١٢٣",
        " 5",
        "5 ",
        "5\n",
        ".5",
        "5.",
        "1_000",
        "0005",
        "1000000000000000.0",
        "1000000000000000.1",
        "1000000000000001",
        "1,000,000,000,000,000",
        "999999999999999.999999999999999999999999999999",
        "0." + "0" * 30 + "1",
        "0" * 65,
        "+5",
        "NaN",
        "Infinity",
    ]
)
#: JSON numbers within the amount bound (Decimal: written with a fraction or exponent).
json_numbers = st.one_of(
    st.integers(-(10**15), 10**15),
    st.sampled_from([0, -1, 1, 5, 100, 2025, 10**15, -(10**15)]),
    st.decimals(min_value=Decimal("-1e15"), max_value=Decimal("1e15"), allow_nan=False, places=3),
    st.sampled_from([Decimal("0.5"), Decimal("1E+3"), Decimal("2025.0"), Decimal("-0.0")]),
)
#: JSON numbers past the amount bound of sep._limits (or its decimals).
out_of_bound_numbers = st.sampled_from(
    [
        10**15 + 1,
        -(10**15) - 1,
        10**16,
        10**40 - 1,
        Decimal("1000000000000000.5"),
        Decimal("1E+400"),
    ]
)
json_texts = st.one_of(
    st.sampled_from(
        [
            "",
            " ",
            "\u3000",
            "x",
            "internal",
            "martian",
            "CNY",
            "USD",
            "cny",
            "CNY\n",
            "2025",
            "2025Q1",
            "2025-Q4",
            "2025Q5",
            "1899",
            "3000",
            "２０２５",
            "2025 ",
            "2025-01-31",
            "2025-02-30",
            "20250131",
            "2025-W01-1",
            "2025-01-31T09:00:00+08:00",
            "2025-01-31T09:00:00Z",
            "2025-01-31T09:00:00",
            "2025-01-31 09:00:00+00:00",
            "2025-01-31T24:00:00Z",
            "C",
            "c38",
            " C3851 ",
            "C99",
            "00",
            "T97",
            "ſ91",
            "met",
        ]
    ),
    st.text(max_size=4),
).filter(lambda text: not grammar_sensitive(text))
#: Any JSON leaf a document or an input might be given.
json_leaves = st.one_of(st.none(), st.booleans(), json_numbers, json_texts, plain_amount_texts)
json_values = st.one_of(
    json_leaves,
    st.just([]),
    st.just({}),
    st.lists(json_leaves, max_size=3),
    st.dictionaries(
        st.sampled_from(["amount", "currency", "period", "x"]), json_leaves, max_size=3
    ),
)


def _paths(node: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [path]
    if isinstance(node, dict):
        for key, value in node.items():
            found.extend(_paths(value, (*path, key)))
    elif isinstance(node, list):
        for i, value in enumerate(node):
            found.extend(_paths(value, (*path, i)))
    return found


def _at(node: Any, path: tuple[Any, ...]) -> Any:
    for step in path:
        node = node[step]
    return node


@st.composite
def mutated_json(
    draw: st.DrawFn, document: Any, leaves: st.SearchStrategy[Any] | None = None
) -> Any:
    """``document`` (plain JSON data) with one change at a drawn place.

    The change replaces a value (by a JSON value, or by one from ``leaves``), drops a key,
    adds an unknown key, repeats an array item or empties an array.
    """
    import copy

    doc = copy.deepcopy(document)
    path = draw(st.sampled_from(_paths(doc)))
    target = _at(doc, path)
    choices = ["replace"]
    if isinstance(target, dict):
        choices += ["drop", "add"] if target else ["add"]
    if isinstance(target, list) and target:
        choices += ["repeat", "empty"]
    action = draw(st.sampled_from(choices))
    if action == "replace":
        value = draw(leaves if leaves is not None and draw(st.booleans()) else json_values)
        if not path:
            return value
        _at(doc, path[:-1])[path[-1]] = value
    elif action == "drop":
        del target[draw(st.sampled_from(sorted(target)))]
    elif action == "add":
        target[draw(st.sampled_from(["x", "Name", "revenu", "amount", "kind"]))] = draw(json_leaves)
    elif action == "repeat":
        target.append(copy.deepcopy(draw(st.sampled_from(target))))
    else:
        target.clear()
    return doc


#: Names no shipped pack reads (misspellings and case slips of real ones).
unknown_input_names = st.sampled_from(["revenu", "Listed", "x", "profit ", "score"])
period_labels = st.sampled_from(
    ["2024", "2025", "2026", "2025Q1", "2025Q2", "2025-Q3", "2025Q4", "2026Q1"]
)
bad_period_labels = st.sampled_from(
    ["2025Q5", "1899", "3000", "２０２５", "2025 ", "2025q1", "25Q1", "", "2025-1"]
)


# ---------------------------------------------------------------------------------------
# Junk for the hostile suite (tests/test_fuzz_*.py): input real CRMs, spreadsheets and
# services send, and input a hostile tester sends. Each strategy yields values that a
# boundary must refuse with a SepError or, where "missing" is a reading, treat as unknown;
# never values a boundary may legitimately read as a real figure.
# ---------------------------------------------------------------------------------------


def pick(values: Any) -> st.SearchStrategy[Any]:
    """One of ``values``, by index: Hypothesis never hashes or compares the values (junk
    may raise from ``__hash__``/``__eq__``, or be 5,000 levels deep)."""
    items = list(values)
    return st.integers(0, len(items) - 1).map(items.__getitem__)


class HostileError(Exception):
    """Raised by the dunder methods of :class:`Hostile` values."""


class Hostile:
    """A value whose ``__str__``/``__eq__``/``__hash__``/``__bool__``/… raise on purpose.

    ``sep`` must refuse it by its type without calling any of them (or, if it calls one,
    still answer with a SepError). ``__repr__`` raises only when asked for by name: the
    test runner's own reports call it.
    """

    def __init__(self, *raising: str) -> None:
        self._raising = frozenset(raising) or frozenset(
            ("str", "eq", "hash", "bool", "format", "iter", "len")
        )

    def _boom(self, what: str) -> None:
        if what in self._raising:
            raise HostileError(f"hostile {what}")

    def __str__(self) -> str:
        self._boom("str")
        return "hostile"

    def __repr__(self) -> str:
        self._boom("repr")
        return f"Hostile({', '.join(sorted(self._raising))})"

    def __eq__(self, other: object) -> bool:
        self._boom("eq")
        return self is other

    def __hash__(self) -> int:
        self._boom("hash")
        return 0

    def __bool__(self) -> bool:
        self._boom("bool")
        return True

    def __format__(self, spec: str) -> str:
        self._boom("format")
        return "hostile"

    def __iter__(self) -> Any:
        self._boom("iter")
        return iter(())

    def __len__(self) -> int:
        self._boom("len")
        return 0


class NoneOffset(dt.tzinfo):
    """A tzinfo whose ``utcoffset()`` returns None: a datetime with it is naive in fact."""

    def utcoffset(self, d: dt.datetime | None) -> dt.timedelta | None:
        return None

    def dst(self, d: dt.datetime | None) -> dt.timedelta | None:
        return None

    def tzname(self, d: dt.datetime | None) -> str | None:
        return None


class RaisingOffset(dt.tzinfo):
    """A tzinfo whose ``utcoffset()`` raises."""

    def utcoffset(self, d: dt.datetime | None) -> dt.timedelta | None:
        raise HostileError("hostile utcoffset")

    def dst(self, d: dt.datetime | None) -> dt.timedelta | None:
        raise HostileError("hostile dst")

    def tzname(self, d: dt.datetime | None) -> str | None:
        return "hostile"


class JunkMapping(Mapping[Any, Any]):
    """A read-only mapping that is not a dict (holds unhashable keys; may raise when read)."""

    def __init__(self, pairs: Any = (), *, raise_on: str = "") -> None:
        self._pairs = list(pairs.items()) if isinstance(pairs, dict) else list(pairs)
        self._raise_on = raise_on

    def __getitem__(self, key: Any) -> Any:
        if self._raise_on == "getitem":
            raise HostileError("hostile __getitem__")
        for k, v in self._pairs:
            if k is key or (type(k) is type(key) is str and k == key):
                return v
        raise KeyError(key)

    def __iter__(self) -> Any:
        if self._raise_on == "iter":
            raise HostileError("hostile __iter__")
        return iter([k for k, _ in self._pairs])

    def __len__(self) -> int:
        if self._raise_on == "len":
            raise HostileError("hostile __len__")
        return len(self._pairs)

    def __repr__(self) -> str:
        return f"JunkMapping({self._pairs!r:.200}, raise_on={self._raise_on!r})"


class RaisingFacts:
    """An object whose ``facts()`` raises, or returns something that is not a mapping."""

    def __init__(self, result: Any = None, exc: BaseException | None = None) -> None:
        self._result, self._exc = result, exc

    def facts(self) -> Any:
        if self._exc is not None:
            raise self._exc
        return self._result

    def __repr__(self) -> str:
        return f"RaisingFacts(result={self._result!r:.60}, exc={self._exc!r})"


class _DeepList(list[Any]):
    """The outermost list of a deep nesting: a short repr for the test runner's reports."""

    def __repr__(self) -> str:
        return "[[[... nested list ...]]]"


class _DeepDict(dict[str, Any]):
    """The outermost dict of a deep nesting: a short repr for the test runner's reports."""

    def __repr__(self) -> str:
        return "{'a': {'a': ... nested dict ...}}"


def deep_list(depth: int) -> Any:
    """``[[[...]]]`` nested ``depth`` levels."""
    out: Any = []
    for _ in range(depth - 1):
        out = [out]
    return _DeepList([out])


def deep_dict(depth: int, key: str = "a") -> Any:
    """``{"a": {"a": ...}}`` nested ``depth`` levels."""
    out: Any = {}
    for _ in range(depth - 1):
        out = {key: out}
    return _DeepDict({key: out})


#: Texts no amount grammar of sep may read as a figure: ambiguous separators, exponents
#: past every bound, non-ASCII digits, non-finite words, 5,000 digits, control characters.
JUNK_AMOUNT_TEXTS = (
    "1,5",
    "12,5",
    "1,0000",
    "1,00,000",
    "5,",
    ",5",
    "1 000",
    "1_000",
    "1.2.3",
    "--5",
    "+-1",
    "0x10",
    "1e400",
    "1e999999999",
    "-1e999999999",
    "1E+999999999",
    "1e-999999999",
    "1e3",
    "1E+7",
    "１２３",
    "١٢٣",
    "१२३",
    "NaN",
    "nan",
    "-NaN",
    "sNaN",
    "Infinity",
    "-inf",
    "inf",
    "null",
    "true",
    "None",
    "12 CNY",
    "￥100",
    "$5",
    "5%",
    "\x00",
    "5\x00",
    "\ud800",
    "🙂",
    "9" * 5000,
    "1" + "0" * 400,
    "0." + "0" * 400 + "1",
    "1" * 65,
)

#: Values of a type no input of any type reads (missing-like values excluded).
JUNK_OBJECTS: tuple[Any, ...] = (
    float("nan"),
    float("inf"),
    float("-inf"),
    Decimal("sNaN"),
    Decimal("NaN"),
    Decimal("-Infinity"),
    Decimal("1e400"),
    Decimal("1E+999999999"),
    10**5000,
    -(10**5000),
    10**400,
    b"5",
    bytearray(b"true"),
    complex(1, 2),
    dt.date(2026, 1, 1),
    dt.datetime(2026, 1, 1, 12, 0),
    dt.timedelta(days=1),
    object(),
    [],
    [1, 2, 3],
    {},
    {"nested": {"deeper": [1]}},
    {1, 2},
    frozenset(),
    range(3),
    Money(Decimal("5"), "USD"),
    print,
    Ellipsis,
)


@st.composite
def hostile_s(draw: st.DrawFn) -> Any:
    """A :class:`Hostile` raising from a few (or all) of its dunders."""
    which = draw(
        st.lists(
            pick(["str", "eq", "hash", "bool", "format", "iter", "len"]),
            max_size=3,
            unique=True,
        )
    )
    return Hostile(*which)


junk_amount_text_s = pick(JUNK_AMOUNT_TEXTS)
big_junk_s = pick(
    [
        [0] * 100_000,
        {str(i): i for i in range(20_000)},
        "1" * 1_000_000,
        deep_list(5_000),
        deep_dict(5_000),
    ]
)
junk_object_s = pick(JUNK_OBJECTS) | hostile_s() | big_junk_s

#: Junk for an input of each type of a rule pack: nothing here is a valid value of that
#: type (``None`` and ``""`` are left out: they mean "missing" on purpose).
_NOT_BOOL = pick(
    ["true", "false", "True", "yes", "no", "1", "0", "-0", "是", 1, 0, 1.0, Decimal(1), "Y"]
)
_NOT_NUMBER = pick([True, False, "1e400", "1e999999999", "-1e999999999", "1E+999999999"])
_NOT_ENUM = pick(["martian", "LARGE ", " large", "大型", 3, True, ["large"], {"v": 1}])
_NOT_SERIES = st.one_of(
    pick(
        [
            "123",
            5,
            True,
            [1, 2],
            [("2025Q1",)],
            {"2025Q5": "1"},
            {"2025Q0": "1"},
            {"Q1": "1"},
            {"": "1"},
            {"2025 Q1 ": "1"},
            {"20251": "1"},
            {"99999": "1"},
            {"-2025": "1"},
            {"１２３４": "1"},
            {"2025Q1": "1", "2024": "1"},
            {"1900Q1": "1", "2999Q4": "1"},
            {"0001": "1", "9999": "1"},
            {f"{1000 + i}": "1" for i in range(2_000)},
            {"2025Q1": "-1e40", "2025Q2": "1e40", "2025Q3": "1", "2025Q4": "1"},
            {"2025Q1": {"amount": "1", "currency": "USD"}},
            {"2025Q1": 1.5},
            {"2025Q1": True},
            {2025: "1"},
            {None: "1"},
            {("2025", 1): "1"},
            {"2025": {"2025": {"2025": "1"}}},
        ]
    ),
    st.builds(
        lambda t: {"2025Q1": t, "2025Q2": "1", "2025Q3": "1", "2025Q4": "1"}, junk_amount_text_s
    ),
    st.builds(lambda o: {"2025": o}, junk_object_s),
)
_NOT_MONEY = st.one_of(
    junk_amount_text_s,
    pick(
        [
            True,
            False,
            1.5,
            0.1,
            {"amount": "5", "currency": "USD"},
            {"amount": "5", "currency": "cny"},
            {"amount": "5", "currency": 5},
            {"currency": "CNY"},
            {"amount": None, "currency": "CNY"},
            {"amount": "1,5"},
            {"amount": {"amount": "5"}},
            Money(Decimal("100000000"), "USD"),
            Decimal("1e16"),
            Decimal("-1e16"),
            10**16,
            Decimal("1." + "1" * 40),
        ]
    ),
    st.builds(lambda t: {"amount": t, "currency": "CNY"}, junk_amount_text_s),
)


def junk_for(kind: str) -> st.SearchStrategy[Any]:
    """Junk for an input of type ``kind``: bool, money, number, enum or series."""
    own = {
        "bool": _NOT_BOOL,
        "money": _NOT_MONEY,
        "number": _NOT_NUMBER | junk_amount_text_s.filter(lambda t: t not in ("1e3",)),
        "enum": _NOT_ENUM,
        "series": _NOT_SERIES,
    }[kind]
    return own | junk_object_s


def misspell(name: str) -> st.SearchStrategy[str]:
    """Misspellings of ``name`` a person or a CRM export makes."""
    variants = {
        name[:-1],
        name + "s",
        name.capitalize(),
        name.upper(),
        name.replace("_", "-"),
        name.replace("_", " "),
        name.replace("_", ""),
        f" {name}",
        f"{name} ",
        name[1:],
        name[:1] + name[2:] if len(name) > 2 else name + name,
        name[::-1],
        name + "\u200b",
        name.replace("e", "é", 1),
        f"inputs.{name}",
    }
    variants.discard(name)
    return pick(sorted(variants))


#: Names no pack reads and no domain document carries.
unknown_name_s = pick(
    ["foo", "revenu", "Listed", "listed_", "size", "score", "total", "", " ", "__class__", "0"]
)
non_str_key_s = pick([1, 0, None, True, 1.5, ("listed",), b"listed", Decimal(1)])

#: Top-level "facts" that are not mappings of named inputs, or mappings that raise.
junk_facts_s = st.one_of(
    pick(
        [
            None,
            5,
            "listed",
            b"{}",
            [("listed", True)],
            [{"listed": True}],
            (),
            object(),
            RaisingFacts(result=[("listed", True)]),
            RaisingFacts(result=None),
            RaisingFacts(result="listed"),
            RaisingFacts(exc=ZeroDivisionError("in facts()")),
            RaisingFacts(exc=KeyError("revenue")),
            RaisingFacts(exc=RecursionError()),
            JunkMapping({"listed": "yes"}, raise_on="iter"),
            JunkMapping({"listed": "yes"}, raise_on="getitem"),
            JunkMapping({"listed": "yes"}, raise_on="len"),
            deep_dict(10_000),
        ]
    ),
    hostile_s(),
)

#: Dates that are not dates: strings, numbers, naive and odd datetimes.
junk_date_s = pick(
    [
        "2026-01-01",
        "2026-13-01",
        "",
        20260101,
        1.5,
        True,
        b"2026-01-01",
        dt.datetime(2026, 1, 1),
        dt.datetime(2026, 1, 1, tzinfo=NoneOffset()),
        dt.datetime(2026, 1, 1, tzinfo=RaisingOffset()),
        dt.time(12, 0),
        dt.timedelta(days=1),
        Decimal("sNaN"),
        [2026, 1, 1],
        {"year": 2026},
        object(),
        Hostile(),
    ]
)

#: Datetimes a lifecycle trigger must refuse: naive, with a None offset, or not datetimes.
junk_datetime_s = pick(
    [
        dt.datetime(2026, 3, 1, 9, 0),
        dt.datetime(2026, 3, 1, 9, 0, tzinfo=NoneOffset()),
        dt.datetime(2026, 3, 1, 9, 0, tzinfo=RaisingOffset()),
        dt.date(2026, 3, 1),
        "2026-03-01T09:00:00+00:00",
        "2026-03-01T09:00:00",
        1772355600,
        1772355600.0,
        True,
        b"2026",
        Decimal("sNaN"),
        object(),
        Hostile(),
        [dt.datetime(2026, 3, 1, tzinfo=dt.UTC)],
    ]
)
