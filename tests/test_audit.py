"""The conformance audit, clause by clause (4.1–4.3.7): conforming, failing, missing data."""

from __future__ import annotations

import datetime as dt
import html.parser
import json
from collections.abc import Callable
from decimal import Decimal

import attrs
import pytest
from hypothesis import given, settings

from sep._i18n import translation
from sep.assessment import (
    AuditParameters,
    EvaluationHistory,
    ScoringScheme,
    Status,
    audit,
    builtin_scheme,
)
from sep.assessment._messages import MESSAGES, TITLES
from sep.domain import (
    BusinessModule,
    CoCreator,
    CoCreatorKind,
    FeasibilityStudy,
    Incubatee,
    ManagementNorm,
    Money,
    NormArea,
    Origin,
    PerformanceDimension,
    Period,
    PeriodFinancials,
    PlanAspect,
    Platform,
    ProcessRecord,
    Service,
    ServiceProvider,
    ServiceTarget,
    ServiceTier,
    StaffMember,
    StaffOrigin,
)
from sep.domain._assessment import CycleInputs, ImprovementPlan, ScoringModule
from sep.domain._platform import EvaluationBody, EvaluationBodyKind
from sep.errors import ValidationError
from sep.examples import annex_c_platform
from tests.strategies import platform_with_evaluation_s

pytestmark = pytest.mark.clause(
    "4.1-a",
    "4.1-b",
    "4.2.1",
    "4.2.1(1)",
    "4.2.1(2)",
    "4.2.1(3)",
    "4.2.1(4)",
    "4.2.1-b",
    "4.2.1-c",
    "4.2.2",
    "4.2.3",
    "4.2.4",
    "4.2.5",
    "4.2.6",
    "4.3.1",
    "4.3.2",
    "4.3.3",
    "4.3.4",
    "4.3.5",
    "4.3.6",
    "4.3.7-a",
    "4.3.7-b",
    "4.3.7-c",
    "4.3.7-d",
)

ON = dt.date(2020, 9, 30)
INSIDE = StaffMember("Wang", StaffOrigin.INTERNAL)
OUTSIDE = StaffMember("Prof. Zhao", StaffOrigin.EXTERNAL)

Case = tuple[Platform, EvaluationHistory | None]
Edit = Callable[[Platform, EvaluationHistory | None], Case]


def _portfolio() -> tuple[Incubatee, ...]:
    return tuple(
        Incubatee(
            id=f"inc-{k}",
            name=f"Startup {k}",
            origin=Origin.EXTERNAL,
            valuation=Money(150_000_000),
            financials=(PeriodFinancials(Period(2019), revenue=Money(15_000_000)),),
        )
        for k in range(60)
    )


def conforming() -> Platform:
    """The Annex C platform, completed with everything 4.3.2–4.3.7 asks to configure."""
    return attrs.evolve(
        annex_c_platform(portfolio=False),
        incubatees=_portfolio(),
        incubation_process="sep standard incubation process (recruitment to tracking)",
        graduation_pack="t-cate-0001-2020/graduation",
        graduation_procedure="H+ graduation procedure v1 (4.3.6 steps 1–5)",
        evaluation_body=EvaluationBody(EvaluationBodyKind.JOINT_COMMITTEE, [INSIDE, OUTSIDE]),
        evaluation_scheme="sep-example-2020",
    )


def _inputs(year: int, profit: int = 6_000_000) -> CycleInputs:
    return CycleInputs(
        Period(year),
        service_development=80,
        founder_financial=Money(90_000_000),
        founder_technical=85,
        founder_cultural=75,
        platform_revenue=Money(40_000_000),
        platform_profit=Money(profit),
        platform_valuation=Money(900_000_000),
    )


def passing_history(platform: Platform) -> EvaluationHistory:
    """One passing cycle, 2019, current on the audit date."""
    return EvaluationHistory().evaluate(platform, _inputs(2019))


def _failing_history(platform: Platform) -> EvaluationHistory:
    return EvaluationHistory().evaluate(platform, _inputs(2019, profit=-50_000_000))


def _founder(p: Platform, **changes: object) -> Platform:
    return attrs.evolve(p, leading_founder=attrs.evolve(p.leading_founder, **changes))


def _p(edit: Callable[[Platform], Platform]) -> Edit:
    return lambda p, h: (edit(p), h)


def _stale(p: Platform) -> Platform:
    old = Service("old desk", ServiceTier.BASIC, ServiceProvider.FOUNDER, dt.date(2018, 1, 1))
    return attrs.evolve(p, services=(*p.services, old))


def _three_dimensions(p: Platform) -> Platform:
    records = [
        r for r in p.performance if r.dimension is not PerformanceDimension.INCUBATION_OUTCOMES
    ]
    return attrs.evolve(p, performance=tuple(records))


def _without_norm(area: NormArea) -> Callable[[Platform], Platform]:
    return lambda p: attrs.evolve(p, norms=tuple(n for n in p.norms if n.area is not area))


def _unpublished(p: Platform) -> Platform:
    norms = tuple(
        ManagementNorm(n.area, n.title) if n.area is NormArea.STATISTICS else n for n in p.norms
    )
    return attrs.evolve(p, norms=norms)


def _short_plan(p: Platform) -> Platform:
    assert p.development_plan is not None
    items = tuple(i for i in p.development_plan.items if i.aspect is not PlanAspect.PLATFORM_GROWTH)
    return attrs.evolve(p, development_plan=attrs.evolve(p.development_plan, items=items))


def _short_study(p: Platform) -> Platform:
    assert p.feasibility is not None
    return attrs.evolve(
        p,
        feasibility=FeasibilityStudy(5, None, p.feasibility.assessments[:-1]),
    )


def _one_sided_module(p: Platform) -> Platform:
    modules = tuple(
        BusinessModule(m.kind, (INSIDE,)) if i == 0 else m for i, m in enumerate(p.modules)
    )
    return attrs.evolve(p, modules=modules)


def _graduate_without_archive(p: Platform) -> Platform:
    grad = Incubatee(
        id="g-1", name="Grad", origin=Origin.INTERNAL, process=ProcessRecord("graduated")
    )
    return attrs.evolve(p, incubatees=(*p.incubatees, grad))


def _zero_share(p: Platform) -> Platform:
    bad = CoCreator("a city", CoCreatorKind.GOVERNMENT_BODY, ("land",), Decimal(0))
    return attrs.evolve(p, co_creators=(*p.co_creators, bad))


#: clause → (an edit that makes it fail, an edit that removes its data).
#: None for a failing edit: the data cannot show a failure (see the test's docstring).
CASES: dict[str, tuple[Edit | None, Edit]] = {
    "4.1-a": (
        _p(lambda p: _founder(p, in_transformation=False)),
        _p(lambda p: _founder(p, in_transformation=None)),
    ),
    "4.1-b": (_p(_short_plan), _p(lambda p: attrs.evolve(p, incubation_process=None))),
    "4.2.1": (
        _p(lambda p: _founder(p, industrial_scale=False)),
        _p(lambda p: _founder(p, industrial_scale=None)),
    ),
    "4.2.1(1)": (
        _p(lambda p: _founder(p, in_transformation=False)),
        _p(lambda p: _founder(p, in_transformation=None)),
    ),
    "4.2.1(2)": (
        _p(lambda p: _founder(p, open_innovation_architecture=False, reform_autonomy=False)),
        _p(lambda p: _founder(p, open_innovation_architecture=None, reform_autonomy=None)),
    ),
    "4.2.1(3)": (
        _p(lambda p: _founder(p, industrial_scale=False)),
        _p(lambda p: _founder(p, industrial_scale=None)),
    ),
    "4.2.1(4)": (
        _p(lambda p: _founder(p, free_cash_flow=Money(-1))),
        _p(lambda p: _founder(p, free_cash_flow=None)),
    ),
    "4.2.1-b": (
        _p(
            lambda p: _founder(
                p, employees=50, operating_revenue=Money(1_000_000), total_assets=None
            )
        ),
        _p(lambda p: _founder(p, can_open_industry_resources=None)),
    ),
    "4.2.1-c": (_p(_zero_share), _p(lambda p: attrs.evolve(p, co_creators=()))),
    "4.2.2": (
        _p(lambda p: attrs.evolve(p, service_targets=frozenset({ServiceTarget.EXTERNAL}))),
        _p(lambda p: attrs.evolve(p, service_targets=frozenset())),
    ),
    "4.2.3": (_p(_short_study), _p(lambda p: attrs.evolve(p, feasibility=None))),
    "4.2.4": (None, _p(lambda p: attrs.evolve(p, organisational_adaptation=None))),
    "4.2.5": (_p(_one_sided_module), _p(lambda p: attrs.evolve(p, modules=()))),
    "4.2.6": (_p(_stale), _p(lambda p: attrs.evolve(p, services=()))),
    "4.3.1": (_p(_short_plan), _p(lambda p: attrs.evolve(p, development_plan=None))),
    "4.3.2": (
        _p(_without_norm(NormArea.PROJECT_SCREENING)),
        _p(lambda p: attrs.evolve(p, incubation_process=None)),
    ),
    "4.3.3": (_p(_unpublished), _p(lambda p: attrs.evolve(p, norms=()))),
    "4.3.4": (_p(_three_dimensions), _p(lambda p: attrs.evolve(p, performance=()))),
    "4.3.5": (
        _p(lambda p: attrs.evolve(p, graduation_pack="gkfq-2018-300/graduation")),
        _p(lambda p: attrs.evolve(p, graduation_pack=None)),
    ),
    "4.3.6": (
        _p(_graduate_without_archive),
        _p(lambda p: attrs.evolve(p, graduation_procedure=None)),
    ),
    "4.3.7-a": (None, _p(lambda p: attrs.evolve(p, evaluation_body=None))),
    "4.3.7-b": (lambda p, h: (p, _failing_history(p)), lambda p, h: (p, None)),
    "4.3.7-c": (lambda p, h: (p, _failing_history(p)), lambda p, h: (p, None)),
    "4.3.7-d": (
        _p(lambda p: attrs.evolve(p, evaluation_scheme="no-such-scheme")),
        _p(lambda p: attrs.evolve(p, evaluation_scheme=None)),
    ),
}


@pytest.fixture(scope="module")
def base() -> Case:
    platform = conforming()
    return platform, passing_history(platform)


def test_every_clause_of_4_1_to_4_3_7_has_a_case() -> None:
    """4.1–4.3.7: the audit has a row, and this file a case, for every auditable clause."""
    report = audit(conforming(), on=ON)
    assert [r.clause for r in report.rows] == list(TITLES)
    assert set(CASES) == set(TITLES)


def test_conforming_platform_satisfies_every_row(base: Case) -> None:
    """4.1–4.3.7: the completed Annex C platform with a passing cycle satisfies every row."""
    platform, history = base
    report = audit(platform, on=ON, history=history)
    unsatisfied = {r.clause: r.status for r in report.rows if r.status is not Status.SATISFIED}
    assert unsatisfied == {}
    assert all(r.evidence for r in report.rows)


@pytest.mark.parametrize("clause", [c for c, (fail, _) in CASES.items() if fail is not None])
def test_row_fails_on_wrong_data(base: Case, clause: str) -> None:
    """Each clause: data present and wrong gives NOT_SATISFIED, with a problem named."""
    fail = CASES[clause][0]
    assert fail is not None
    platform, history = fail(*base)
    row = audit(platform, on=ON, history=history).row(clause)
    assert row.status is Status.NOT_SATISFIED, row
    assert row.problems


@pytest.mark.parametrize("clause", list(CASES))
def test_row_is_unknown_without_its_data(base: Case, clause: str) -> None:
    """Each clause: removing its data gives UNKNOWN (never NOT_SATISFIED), naming what is missing.

    4.2.4 (a free-text account) and 4.3.7-a (a body validated when built) cannot fail from
    data, so they have no failing case; see test_evaluating_body_cannot_be_built_wrong.
    """
    missing = CASES[clause][1]
    platform, history = missing(*base)
    row = audit(platform, on=ON, history=history).row(clause)
    assert row.status is Status.UNKNOWN, row
    assert row.missing
    assert not row.problems


def test_evaluating_body_cannot_be_built_wrong() -> None:
    """4.3.7-a: a wrongly composed body never reaches the audit: construction refuses it."""
    with pytest.raises(ValueError, match=r"4\.3\.7-a"):
        EvaluationBody(EvaluationBodyKind.THIRD_PARTY_EXPERTS, [INSIDE])


def test_service_age_is_an_explicit_parameter(base: Case) -> None:
    """4.2.6: 'kept up to date' uses the recorded max age, judged as of the audit date."""
    platform, history = base
    late = dt.date(2021, 3, 1)  # services were last updated on 2020-01-15
    assert audit(platform, on=late, history=history).status_of("4.2.6") is Status.NOT_SATISFIED
    lenient = AuditParameters(service_max_age_days=800)
    report = audit(platform, on=late, history=history, parameters=lenient)
    assert report.status_of("4.2.6") is Status.SATISFIED
    assert report.to_dict()["parameters"]["service_max_age_days"] == 800


def test_overdue_evaluation_fails_4_3_7_b(base: Case) -> None:
    """4.3.7-b: with no cycle after 2019, an audit in late 2021 finds the evaluation overdue."""
    platform, history = base
    report = audit(platform, on=dt.date(2021, 9, 1), history=history)
    row = report.row("4.3.7-b")
    assert row.status is Status.NOT_SATISFIED
    assert [n.key for n in row.problems] == ["cycle_overdue"]


def test_failing_total_is_named_as_a_problem(base: Case) -> None:
    """4.3.7-b: a total under its pass mark is named even when a module also fails."""
    platform, _ = base
    history = EvaluationHistory().evaluate(
        platform, _inputs(2019, profit=-50_000_000), scheme=_strict_total()
    )
    row = audit(platform, on=ON, history=history).row("4.3.7-b")
    assert row.status is Status.NOT_SATISFIED
    assert {n.text("en") for n in row.problems} == {
        "sustainability failed in 2019",
        "4.3.7-b.total not met",
    }


def _strict_total() -> ScoringScheme:
    base_scheme = builtin_scheme()
    return attrs.evolve(base_scheme, thresholds={**base_scheme.thresholds, "total": Decimal(99)})


def test_remediation_with_a_plan_satisfies_4_3_7_c(base: Case) -> None:
    """4.3.7-c: a failing module with an external experts' plan satisfies the clause."""
    platform, _ = base
    history = _failing_history(platform).add_plan(
        ImprovementPlan(ScoringModule.SUSTAINABILITY, Period(2019), [OUTSIDE], "cut costs")
    )
    report = audit(platform, on=ON, history=history)
    assert report.status_of("4.3.7-c") is Status.SATISFIED
    assert report.status_of("4.3.7-b") is Status.NOT_SATISFIED


def test_audit_date_before_the_standard_is_refused(base: Case) -> None:
    """4.1: the standard is in force from 2020-09-05; an earlier audit date is refused."""
    platform, history = base
    with pytest.raises(ValidationError) as err:
        audit(platform, on=dt.date(2020, 9, 4), history=history)
    assert err.value.field == "on"


def test_whole_annex_c_portfolio_is_audited() -> None:
    """4.3.6: the 4,001-project Annex C platform audits; no graduate lacks its archive."""
    report = audit(annex_c_platform(), on=ON)
    assert report.status_of("4.3.6") is Status.UNKNOWN  # no procedure configured
    assert not report.row("4.3.6").problems


def test_missing_data_never_fails_the_founder(base: Case) -> None:
    """4.2.1: an enterprise about which nothing is recorded is UNKNOWN, not ineligible."""
    platform, history = base
    blank = attrs.evolve(
        platform,
        leading_founder=type(platform.leading_founder)(name="X", industry="C38"),
    )
    report = audit(blank, on=ON, history=history)
    for clause in ("4.1-a", "4.2.1", "4.2.1(1)", "4.2.1(4)", "4.2.1-b"):
        assert report.status_of(clause) is Status.UNKNOWN


class _Checker(html.parser.HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.stack: list[str] = []
        self.rows = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in {"meta", "br"}:
            self.stack.append(tag)
        self.rows += tag == "tr"

    def handle_endtag(self, tag: str) -> None:
        assert self.stack.pop() == tag


def test_report_renders_in_json_markdown_and_html_in_both_languages(base: Case) -> None:
    """Reports render as JSON, Markdown and well-formed, escaped HTML, in English and Chinese."""
    platform, history = base
    platform = attrs.evolve(platform, incubation_process="<script>alert(1)</script> & co")
    report = audit(platform, on=ON, history=history)
    data = json.loads(report.to_json())
    assert data["as_of"] == "2020-09-30"
    assert len(data["rows"]) == len(TITLES)
    assert data["rows"][0]["title_zh"] == translation("zh").gettext(TITLES["4.1-a"])
    md_en, md_zh = report.to_markdown("en"), report.to_markdown("zh")
    assert "| 4.2.5 |" in md_en
    assert "SATISFIED" in md_en
    assert "符合" in md_zh
    assert "审核参数" in md_zh
    for lang in ("en", "zh"):
        page = report.to_html(lang)
        assert "<script>" not in page
        assert "&lt;script&gt;" in page
        checker = _Checker()
        checker.feed(page)
        assert checker.stack == []
        assert checker.rows == len(TITLES) + 1
    assert 'lang="zh-CN"' in report.to_html("zh")


def test_every_message_has_both_languages() -> None:
    """Reports in English and Chinese: every note and title has a Chinese translation."""
    zh = translation("zh").gettext
    for en in (*MESSAGES.values(), *TITLES.values()):
        assert en.strip()
        assert zh(en).strip()
        assert en != zh(en) or en.startswith("{")


@settings(max_examples=25)
@given(platform_with_evaluation_s)
def test_status_follows_from_problems_and_missing_data(platform: Platform) -> None:
    """4.1–4.3.7: NOT_SATISFIED exactly when a problem is found; UNKNOWN only with missing data."""
    report = audit(platform, on=dt.date(2026, 1, 1))
    for row in report.rows:
        assert (row.status is Status.NOT_SATISFIED) == bool(row.problems), row
        if row.status is Status.UNKNOWN:
            assert row.missing, row
    json.loads(report.to_json())


def test_row_of_a_clause_the_report_has_not_is_refused() -> None:
    """``row``/``status_of`` of a clause id the report has no row for (``"9.9"``, a
    misspelling, a non-string) is a ValidationError naming the clause, not a KeyError
    or a raw error from comparing the id."""
    report = audit(annex_c_platform(portfolio=False), on=dt.date(2020, 9, 30))
    for bad in ("9.9", "4.3.5(B)", "", None, 5, ["4.3.5"]):
        with pytest.raises(ValidationError) as info:
            report.row(bad)  # type: ignore[arg-type]
        assert info.value.field == "clause" and "4.1" in info.value.reason
        with pytest.raises(ValidationError):
            report.status_of(bad)  # type: ignore[arg-type]
