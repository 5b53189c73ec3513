"""Decisions that explain themselves: explain() in English and Chinese, and why-not sets.

Serves 4.3.5 (graduation), 3.1/4.2.1 (eligibility) and 4.3.7-b (evaluation): every line
cites its clause, shows values, thresholds with parameter source and date, the margin in
the input's unit, missing inputs by field name, and what would settle the question.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sep.errors import ValidationError
from sep.evaluation import (
    TORCH_2018_GRADUATION,
    Change,
    Outcome,
    check,
    check_eligibility,
    check_evaluation,
    check_graduation,
)

pytestmark = pytest.mark.clause(
    "4.2.1",
    "4.2.1(2)",
    "4.3.5",
    "4.3.5(a)",
    "4.3.5(b)",
    "4.3.5(c)",
    "4.3.5(d)",
    "4.3.7-b",
)

ON = dt.date(2026, 6, 30)
EXAMPLE: dict[str, Any] = {
    "listed": False,
    "largest_financing_round": "32000000",
    "revenue": "8200000",
    "profit": "2000000",
    "organisation_complete": True,
    "needs_platform_services": False,
    "operating_cash_flow": {
        "2025Q1": "100000",
        "2025Q2": "-120000",
        "2025Q3": "200000",
        "2025Q4": "300000",
    },
}


def _line(text: str, *needles: str) -> str:
    """The one line of ``text`` containing every needle."""
    found = [line for line in text.splitlines() if all(n in line for n in needles)]
    assert found, f"no line with {needles!r} in:\n{text}"
    return found[0]


def test_explain_en_leads_with_outcome() -> None:
    """The first line gives the question, the clause and the outcome with its reason."""
    first = check_graduation(EXAMPLE, on=ON).explain().splitlines()[0]
    assert first.startswith("Graduation of an incubatee (T/CATE 0001—2020, 4.3.5): UNKNOWN")
    assert "4.3.5(a), 4.3.5(d)" in first


def test_explain_en_values_thresholds_margin() -> None:
    """4.3.5(c) revenue: value < threshold, parameter name and date, short by 1.8M CNY."""
    text = check_graduation(EXAMPLE, on=ON).explain()
    line = _line(text, "8,200,000 CNY")
    assert "8,200,000 CNY < 10,000,000 CNY" in line
    assert "revenue_min" in line
    assert "since 2020-09-05" in line
    assert line.endswith("short by 1,800,000 CNY")
    fin = _line(text, "32,000,000 CNY")
    assert "< 50,000,000 CNY" in fin
    assert "short by 18,000,000 CNY" in fin


def test_explain_en_cash_flow_names_the_bad_quarter() -> None:
    """4.3.5(c) cash flow shows 3 of 4 quarters positive and the failing quarter's amount."""
    line = _line(check_graduation(EXAMPLE, on=ON).explain(), "each of the last 4")
    assert "3 of 4" in line
    assert "2025Q2: -120,000 CNY" in line


def test_explain_en_missing_fields_by_name() -> None:
    """Missing inputs appear as the field names a caller sends, on their criterion's line."""
    text = check_graduation(EXAMPLE, on=ON).explain()
    assert "UNKNOWN  missing: acquired_by_founder" in _line(text, "4.3.5(a) internal")
    assert "missing: platform_equity_exited" in _line(text, "4.3.5(d) platform")
    assert _line(text, "Missing inputs").endswith("acquired_by_founder, platform_equity_exited")


def test_explain_en_what_would_settle_it() -> None:
    """The why-not section says what to record or change, citing criteria."""
    text = check_graduation(EXAMPLE, on=ON).explain()
    assert "What would settle it" in text
    assert "record acquired_by_founder (= yes) [4.3.5(a)]" in text
    line = _line(text, "revenue +1,800,000 CNY")
    assert "operating_cash_flow 2025Q2 > 0" in line
    assert "[4.3.5(c).revenue]" in line


def test_explain_en_identity_footer() -> None:
    """The last line names pack, version, edition, parameter date and the digest prefix."""
    d = check_graduation(EXAMPLE, on=ON)
    last = d.explain().splitlines()[-1]
    assert "t-cate-0001-2020/graduation 2020.1" in last
    assert "2026-06-30" in last
    assert d.digest.removeprefix("jcs-sha256:")[:12] in last


def test_explain_zh() -> None:
    """The Chinese rendering uses 万元, 差 and 无法判定/不满足 with the same clauses."""
    text = check_graduation(EXAMPLE, on=ON).explain("zh")
    assert text.splitlines()[0].startswith("在孵企业毕业（T/CATE 0001—2020 4.3.5）：无法判定")
    line = _line(text, "820万元")
    assert "820万元 < 1,000万元" in line
    assert "差 180万元" in line
    assert "自2020-09-05起" in line
    assert "不满足" in _line(text, "4.3.5(b)")
    assert "缺少：acquired_by_founder" in _line(text, "4.3.5(a) 被创建")


def test_explain_other_questions() -> None:
    """Eligibility and evaluation render with their clauses (3.1, 4.2.1(2), 4.3.7-b)."""
    e = check_eligibility({"size_class": "medium", "reform_autonomy": True}, on=ON).explain()
    assert "NOT MET" in _line(e, "3.1.size")
    assert "medium (needs large)" in e
    assert "MET" in _line(e, "4.2.1(2)")
    v = check_evaluation({"score_total": 55}, on=ON).explain()
    assert "55 points < 60 points" in v
    assert "short by 5 points" in v


def test_explain_2018_pack_strict_threshold() -> None:
    """The 2018 pack's 'over 5,000,000' shows equality as not enough."""
    text = check(TORCH_2018_GRADUATION, {"cumulative_investment": "5000000"}, on=ON).explain()
    line = _line(text, "5,000,000 CNY ≤ 5,000,000 CNY")
    assert "cumulative_investment_min" in line
    assert line.endswith("equal to it; it must be exceeded")


def test_explain_unknown_language_is_refused() -> None:
    """Only en and zh are rendered."""
    with pytest.raises(ValidationError):
        check_graduation({}).explain("fr")


def test_why_not_minimal_sets_for_the_example() -> None:
    """Four single-change sets (a, b listing, b financing, d), then the 4.3.5(c) set."""
    flips = check_graduation(EXAMPLE, on=ON).why_not()
    singles = sorted(s[0].criterion for s in flips if len(s) == 1)
    assert singles == ["4.3.5(a)", "4.3.5(b).financing", "4.3.5(b).listing", "4.3.5(d)"]
    c_set = next(s for s in flips if any(ch.criterion == "4.3.5(c).revenue" for ch in s))
    revenue = next(ch for ch in c_set if ch.input == "revenue")
    assert revenue.shortfall == Decimal("1800000")
    assert {ch.criterion for ch in c_set} == {"4.3.5(c).revenue", "4.3.5(c).cash_flow"}
    for a in flips:
        for b in flips:
            assert a is b or not set(a) <= set(b)


def test_why_not_is_empty_when_met() -> None:
    """A MET decision has nothing to flip."""
    assert check_graduation({"listed": True}, on=ON).why_not() == []


def test_why_not_for_not_met_eligibility_names_every_failure() -> None:
    """An AND (4.2.1) that fails twice needs both changes in one set."""
    d = check_eligibility(
        {
            "size_class": "large",
            "focused_industry": True,
            "strong_rd": True,
            "high_brand_premium": True,
            "upstream_supply": True,
            "midstream_rd_production": True,
            "downstream_channels": True,
            "group_enterprise": True,
            "in_transformation": False,
            "open_innovation_architecture": False,
            "reform_autonomy": False,
            "industrial_scale": True,
            "can_open_industry_resources": True,
            "free_cash_flow": "200000000",
            "early_funding_capacity": "60000000",
        },
        on=ON,
    )
    assert d.outcome is Outcome.NOT_MET
    sets = [{ch.input for ch in s} for s in d.why_not()]
    assert sets == [
        {"in_transformation", "open_innovation_architecture"},
        {"in_transformation", "reform_autonomy"},
    ]


# --- applying a flip set must make the decision MET ----------------------------------------


def _apply(facts: dict[str, Any], change: Change) -> None:
    if change.measure == "value":
        t = change.threshold
        if isinstance(t, bool):
            facts[change.input] = t if change.op == "==" else not t
        else:
            step = {">=": 0, ">": 1, "<=": 0, "<": -1}.get(change.op, 0)
            facts[change.input] = str(t + step)
        return
    series = dict(facts.get(change.input) or {})
    last = max(series, default="2026Q2")
    year, quarter = int(last[:4]), int(last[5])
    for _ in range(4):
        series[f"{year}Q{quarter}"] = "1000000"
        year, quarter = (year, quarter - 1) if quarter > 1 else (year - 1, 4)
    facts[change.input] = series


_bool = st.one_of(st.none(), st.booleans())
_money = st.one_of(st.none(), st.integers(min_value=-(10**6), max_value=10**8).map(str))
# Revenue and financing cannot be negative (minimum = 0 in the pack); profit can.
_amount = st.one_of(st.none(), st.integers(min_value=0, max_value=10**8).map(str))
_series = st.one_of(
    st.none(),
    st.dictionaries(
        st.sampled_from(("2025Q3", "2025Q4", "2026Q1", "2026Q2")),
        st.integers(min_value=-1000, max_value=10**6).map(str),
    ),
)


@settings(max_examples=100, deadline=None)
@given(
    st.fixed_dictionaries(
        {
            "acquired_by_founder": _bool,
            "listed": _bool,
            "largest_financing_round": _amount,
            "revenue": _amount,
            "profit": _money,
            "operating_cash_flow": _series,
            "organisation_complete": _bool,
            "needs_platform_services": _bool,
            "platform_equity_exited": _bool,
        }
    )
)
def test_every_why_not_set_flips_the_outcome(facts: dict[str, Any]) -> None:
    """Making the changes of any one why-not set turns a 4.3.5 decision MET."""
    d = check_graduation(facts, on=ON)
    if d.outcome is Outcome.MET:
        return
    flips = d.why_not()
    assert flips
    for flip in flips[:4]:
        changed = dict(facts)
        for change in flip:
            _apply(changed, change)
        assert check_graduation(changed, on=ON).outcome is Outcome.MET, flip
