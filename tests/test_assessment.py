"""Platform evaluation: evaluating body (4.3.7-a), scheme (4.3.7-d), cycles (4.3.7-b/c)."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import attrs
import jsonschema
import pytest
from hypothesis import given

from sep.assessment import (
    EXAMPLE_SCHEME,
    EvaluationHistory,
    ScoringFunction,
    builtin_scheme,
    evaluate_cycle,
    load_scheme,
    scheme_from_mapping,
)
from sep.domain import (
    Incubatee,
    Money,
    Origin,
    Period,
    PeriodFinancials,
    Platform,
    Service,
    ServiceProvider,
    ServiceTier,
    StaffMember,
    StaffOrigin,
    from_json,
    json_schema,
    to_json,
)
from sep.domain._assessment import CycleInputs, ImprovementPlan, ScoringModule
from sep.domain._platform import EvaluationBody, EvaluationBodyKind
from sep.errors import RuleDefinitionError, ValidationError
from sep.evaluation import Outcome
from sep.examples import annex_c_platform
from tests.strategies import ASSESSMENT_STRATEGIES, evaluation_body_s

pytestmark = pytest.mark.clause("4.3.7-a", "4.3.7-b", "4.3.7-c", "4.3.7-d")

SUS = ScoringModule.SUSTAINABILITY
FOUNDER = ScoringModule.FOUNDER_CONTRIBUTION
INTERNAL = StaffMember("Wang", StaffOrigin.INTERNAL)
EXTERNAL = StaffMember("Prof. Zhao", StaffOrigin.EXTERNAL)

# -- 4.3.7-a: the evaluating body ---------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "members"),
    [
        (EvaluationBodyKind.INTERNAL_COMMITTEE, [INTERNAL]),
        (EvaluationBodyKind.THIRD_PARTY_EXPERTS, [EXTERNAL]),
        (EvaluationBodyKind.JOINT_COMMITTEE, [INTERNAL, EXTERNAL]),
    ],
)
def test_body_of_each_allowed_composition_is_accepted(
    kind: EvaluationBodyKind, members: list[StaffMember]
) -> None:
    """4.3.7-a: each of the three bodies is accepted with its own composition."""
    body = EvaluationBody(kind, members)
    assert body.kind is kind
    assert body.members == tuple(members)


@pytest.mark.parametrize(
    ("kind", "members"),
    [
        (EvaluationBodyKind.INTERNAL_COMMITTEE, [INTERNAL, EXTERNAL]),
        (EvaluationBodyKind.INTERNAL_COMMITTEE, [EXTERNAL]),
        (EvaluationBodyKind.THIRD_PARTY_EXPERTS, [EXTERNAL, INTERNAL]),
        (EvaluationBodyKind.JOINT_COMMITTEE, [INTERNAL]),
        (EvaluationBodyKind.JOINT_COMMITTEE, [EXTERNAL, EXTERNAL]),
        (EvaluationBodyKind.JOINT_COMMITTEE, []),
    ],
)
def test_body_of_wrong_composition_is_refused(
    kind: EvaluationBodyKind, members: list[StaffMember]
) -> None:
    """4.3.7-a: internal is all founder staff, third party all external, joint both."""
    with pytest.raises(ValidationError) as err:
        EvaluationBody(kind, members)
    assert err.value.clause == "4.3.7-a"
    assert err.value.field == "members"


@given(evaluation_body_s())
def test_generated_bodies_satisfy_their_kind(body: EvaluationBody) -> None:
    """4.3.7-a: every valid body's member origins match its kind exactly."""
    origins = {m.origin for m in body.members}
    expected = {
        EvaluationBodyKind.INTERNAL_COMMITTEE: {StaffOrigin.INTERNAL},
        EvaluationBodyKind.THIRD_PARTY_EXPERTS: {StaffOrigin.EXTERNAL},
        EvaluationBodyKind.JOINT_COMMITTEE: set(StaffOrigin),
    }[body.kind]
    assert origins == expected


@pytest.mark.parametrize("cls", sorted(ASSESSMENT_STRATEGIES, key=lambda c: c.__name__))
def test_evaluation_classes_round_trip_through_json(cls: type) -> None:
    """4.3.7: the evaluation records travel through JSON losslessly and fit their schema."""

    validator = jsonschema.Draft202012Validator(json_schema(cls))

    @given(ASSESSMENT_STRATEGIES[cls])
    def check(value: Any) -> None:
        text = to_json(value)
        assert from_json(cls, text) == value
        validator.validate(json.loads(text))

    check()


def test_improvement_plan_must_come_from_external_experts() -> None:
    """4.3.7-c: a plan written by founder staff is refused, naming the author."""
    with pytest.raises(ValidationError) as err:
        ImprovementPlan(SUS, Period(2021), [EXTERNAL, INTERNAL], "cut costs")
    assert err.value.clause == "4.3.7-c"
    assert err.value.field == "authors[1]"
    with pytest.raises(ValidationError):
        ImprovementPlan(SUS, Period(2021), [], "cut costs")


def test_cycle_starts_with_a_whole_year() -> None:
    """4.3.7-b: a cycle is a year or a planning cycle, never a quarter."""
    with pytest.raises(ValidationError) as err:
        CycleInputs(Period(2021, 2))
    assert err.value.clause == "4.3.7-b"
    assert CycleInputs(Period(2021), years=5).end == dt.date(2025, 12, 31)


# -- 4.3.7-d: the scoring scheme ----------------------------------------------------------


def test_shipped_scheme_is_an_example_covering_all_four_modules() -> None:
    """4.3.7-d: the default scheme is labelled an example and scores every module."""
    scheme = builtin_scheme()
    assert scheme.id == EXAMPLE_SCHEME
    assert scheme.example is True
    assert "example" in scheme.title_en.lower()
    for module in ScoringModule:
        assert scheme.indicators_of(module)
        assert scheme.module_weights[module] > 0


def test_scoring_functions_clamp_and_step() -> None:
    """4.3.7-d: linear scores clamp to 0–100; bands give the highest band reached."""
    linear = ScoringFunction("linear", zero=Decimal(0), full=Decimal(10))
    assert linear.score(Decimal(-5)) == 0
    assert linear.score(Decimal(5)) == 50
    assert linear.score(Decimal(50)) == 100
    bands = ScoringFunction("bands", bands=((Decimal(0), Decimal(50)), (Decimal(10), Decimal(90))))
    assert bands.score(Decimal(-1)) == 0
    assert bands.score(Decimal(9)) == 50
    assert bands.score(Decimal(10)) == 90


def _scheme_data() -> dict[str, Any]:
    import tomllib

    path = Path(__file__).parent.parent / "sep" / "assessment" / "schemes" / "example_2020.toml"
    return tomllib.loads(path.read_text(encoding="utf-8"))


@pytest.mark.parametrize(
    ("edit", "key"),
    [
        (lambda d: d["modules"].pop("sustainability"), "modules.sustainability"),
        (
            lambda d: d["modules"]["sustainability"].update(weight=0),
            "modules.sustainability.weight",
        ),
        (lambda d: d["indicators"][0].update(id="vibes"), "indicators[0].id"),
        (lambda d: d["indicators"][0].update(module="sustainability"), "indicators[0].module"),
        (lambda d: d["indicators"][0].update(scoring={"function": "cubic"}), "indicators[0]"),
        (lambda d: d["thresholds"].update(total=150), "thresholds.total"),
        (
            lambda d: d.update(
                indicators=[i for i in d["indicators"] if i["module"] != "sustainability"]
            ),
            "indicators",
        ),
    ],
)
def test_bad_scheme_names_the_key(edit: Any, key: str) -> None:
    """4.3.7-d: a wrong scheme entry raises RuleDefinitionError naming its key."""
    data = _scheme_data()
    edit(data)
    with pytest.raises(RuleDefinitionError) as err:
        scheme_from_mapping(data, source="mine.toml")
    assert key in str(err.value)
    assert "mine.toml" in str(err.value)


def test_scheme_loads_from_a_file(tmp_path: Path) -> None:
    """4.3.7-d: a platform's own scheme file loads, with its own weights and pass marks."""
    text = (Path(__file__).parent.parent / "sep/assessment/schemes/example_2020.toml").read_text(
        encoding="utf-8"
    )
    text = text.replace('id = "sep-example-2020"', 'id = "ours"').replace("example = true", "")
    text = text.replace("total = 60", "total = 75")
    path = tmp_path / "ours.toml"
    path.write_text(text, encoding="utf-8")
    scheme = load_scheme(path)
    assert scheme.id == "ours"
    assert scheme.example is False
    assert scheme.params()["total_min"] == 75


# -- 4.3.7-b/c: three cycles, a failing module that recovers --------------------------------


def _platform(year: int) -> Platform:
    """A platform at the end of ``year``: 60 incubatees (10 admitted in 2022), fresh services."""
    incubatees = tuple(
        Incubatee(
            id=f"inc-{k}",
            name=f"Startup {k}",
            origin=Origin.EXTERNAL,
            admitted=dt.date(2022, 3, 1) if k >= 50 else dt.date(2020, 1, 1),
            valuation=Money(150_000_000),
            financials=tuple(
                PeriodFinancials(Period(y), revenue=Money(15_000_000)) for y in (2021, 2022, 2023)
            ),
        )
        for k in range(60)
    )
    services = tuple(
        Service(f"{tier.value} service", tier, ServiceProvider.FOUNDER, dt.date(year, 6, 1))
        for tier in ServiceTier
    )
    return attrs.evolve(annex_c_platform(portfolio=False), incubatees=incubatees, services=services)


def _inputs(
    year: int,
    financial: int,
    technical: int,
    cultural: int,
    revenue: int,
    profit: int,
    valuation: int,
) -> CycleInputs:
    return CycleInputs(
        Period(year),
        service_development=80,
        founder_financial=Money(financial),
        founder_technical=technical,
        founder_cultural=cultural,
        platform_revenue=Money(revenue),
        platform_profit=Money(profit),
        platform_valuation=Money(valuation),
    )


CYCLES = {
    2021: _inputs(2021, 90_000_000, 85, 75, 5_000_000, -1_000_000, 100_000_000),
    2022: _inputs(2022, 10_000_000, 40, 50, 40_000_000, 6_000_000, 900_000_000),
    2023: _inputs(2023, 30_000_000, 50, 50, 45_000_000, 8_000_000, 950_000_000),
}


def _history() -> EvaluationHistory:
    history = EvaluationHistory()
    history = history.evaluate(_platform(2021), CYCLES[2021])
    history = history.add_plan(ImprovementPlan(SUS, Period(2021), [EXTERNAL], "grow revenue"))
    history = history.evaluate(_platform(2022), CYCLES[2022])
    history = history.add_plan(ImprovementPlan(FOUNDER, Period(2022), [EXTERNAL], "invest"))
    return history.evaluate(_platform(2023), CYCLES[2023])


def test_module_scores_follow_the_scheme() -> None:
    """4.3.7-d: module scores are the weighted indicator scores of the example scheme."""
    first = _history().cycle(2021)
    assert first.module_scores == {
        ScoringModule.SERVICE_SYSTEM: Decimal("94.00"),
        ScoringModule.INCUBATION_PERFORMANCE: Decimal("70.50"),
        FOUNDER: Decimal("84.00"),
        SUS: Decimal("7.00"),
    }
    # (94·25 + 70.5·30 + 84·20 + 7·25) / 100
    assert first.total == Decimal("63.20")


def test_incubation_performance_is_computed_from_the_portfolio() -> None:
    """Table 2: number, scale and revenue of incubatees come from the portfolio by cycle."""
    history = _history()
    values = {
        year: {i.id: i.value for i in history.cycle(year).indicators if i.computed}
        for year in (2021, 2022)
    }
    assert values[2021]["incubatee_count"] == 50  # ten were admitted only in 2022
    assert values[2022]["incubatee_count"] == 60
    assert values[2021]["incubatee_revenue"] == 50 * 15_000_000
    assert values[2022]["incubatee_valuation"] == 60 * 150_000_000
    assert values[2021]["service_tier_coverage"] == 1


def test_failing_module_is_monitored_and_recovers() -> None:
    """4.3.7-b/c: a failing module is monitored next cycle, whose result shows recovery."""
    history = _history()
    c21, c22, c23 = history.cycles
    assert c21.outcome is Outcome.NOT_MET
    assert c21.failing == {SUS}
    assert c21.decision.outcome_of("4.3.7-b.total") is Outcome.MET
    assert c22.monitored == {SUS}
    assert c22.recovered == {SUS}
    assert c22.failing == {FOUNDER}
    assert c23.monitored == {FOUNDER}
    assert c23.recovered == frozenset()
    assert c23.still_failing == {FOUNDER}
    assert history.outstanding_plans() == ((Period(2023), FOUNDER),)


def test_history_table_has_one_row_per_cycle() -> None:
    """4.3.7-b: the history reads as a table, in English and Chinese."""
    history = _history()
    rows = history.rows()
    assert [r["cycle"] for r in rows] == ["2021", "2022", "2023"]
    assert rows[1]["recovered"] == ["sustainability"]
    assert rows[0]["sustainability"] == Decimal("7.00")
    table = history.to_markdown()
    assert table.count("\n") == 5  # header, rule, three cycles
    assert "sustainability" in table
    assert "平台可持续发展" in history.to_markdown("zh")
    assert history.to_dict()["outstanding_plans"] == [["2023", "founder_contribution"]]


def test_plan_for_a_passing_module_is_refused() -> None:
    """4.3.7-c: an improvement plan is due only for a module that failed in that cycle."""
    history = EvaluationHistory().evaluate(_platform(2021), CYCLES[2021])
    with pytest.raises(ValidationError) as err:
        history.add_plan(ImprovementPlan(FOUNDER, Period(2021), [EXTERNAL], "more"))
    assert err.value.clause == "4.3.7-c"


def test_cycles_must_follow_each_other() -> None:
    """4.3.7-b: a cycle that does not start after the previous one ends is refused."""
    history = EvaluationHistory().evaluate(_platform(2021), attrs.evolve(CYCLES[2021], years=2))
    with pytest.raises(ValidationError) as err:
        history.evaluate(_platform(2022), CYCLES[2022])
    assert err.value.clause == "4.3.7-b"


def test_missing_inputs_make_the_module_unknown_not_failing() -> None:
    """4.3.7-b: an unrecorded indicator leaves its module UNKNOWN, never NOT_MET."""
    inputs = attrs.evolve(CYCLES[2022], founder_cultural=None)
    result = evaluate_cycle(_platform(2022), inputs)
    assert result.module_scores[FOUNDER] is None
    assert result.outcome_of(FOUNDER) is Outcome.UNKNOWN
    assert result.total is None
    assert "score_founder_contribution" in result.decision.missing


def test_scheme_pass_marks_reach_the_rules_layer() -> None:
    """4.3.7-b: a scheme's pass marks are the thresholds the Decision reports."""
    data = _scheme_data()
    data["thresholds"]["sustainability"] = 5
    scheme = scheme_from_mapping(data)
    result = evaluate_cycle(_platform(2021), CYCLES[2021], scheme=scheme)
    assert result.outcome_of(SUS) is Outcome.MET
    used = {p.name: p.value for p in result.decision.parameters}
    assert used["sustainability_min"] == 5
    assert "4.3.7-b.sustainability" in result.decision.explain("en")
