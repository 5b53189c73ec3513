"""Scenarios over a portfolio: baseline vs parameters, pack or date changed (4.3.5)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pytest

pytestmark = pytest.mark.clause("4.3.5")

pd = pytest.importorskip("pandas")

from sep.errors import ValidationError  # noqa: E402
from sep.evaluation import TORCH_2018_GRADUATION, check_graduation  # noqa: E402
from sep.portfolio import Scenario, compare, load_scenario, sweep  # noqa: E402

ON = dt.date(2025, 6, 30)
BASE = Scenario(on=ON)


def _portfolio() -> pd.DataFrame:
    """Four incubatees that meet 4.3.5(c) but for revenue, at 5, 15, 25 and 35 million."""
    n = 4
    frame = pd.DataFrame(
        {
            "revenue": [5e6, 15e6, 25e6, 35e6],
            "profit": [2e6] * n,
            "organisation_complete": [True] * n,
            "needs_platform_services": [False] * n,
            "acquired_by_founder": [False] * n,
            "listed": [False] * n,
            "largest_financing_round": [0.0] * n,
            "platform_equity_exited": [False] * n,
        },
        index=["p", "q", "r", "s"],
    )
    for period in ("2025Q1", "2025Q2", "2025Q3", "2025Q4"):
        frame[f"operating_cash_flow[{period}]"] = [1e6] * n
    return frame


def test_raising_the_revenue_threshold_flips_rows_with_both_margins() -> None:
    """4.3.5(c): raising revenue_min to 20 million turns q from met to not met; the flip
    names 4.3.5(c).revenue with the margins before (+5e6) and after (-5e6)."""
    c = compare(_portfolio(), Scenario("strict", params={"revenue_min": "20000000"}), baseline=BASE)
    assert c.counts()["outcome"] == {"met→not_met": 1}
    flips = c.flips()
    assert list(flips.index) == ["q"]
    row = flips.loc["q"]
    assert (row["before"], row["after"], row["criterion"]) == ("met", "not_met", "4.3.5(c).revenue")
    assert (row["margin_before"], row["margin_after"]) == (5e6, -5e6)
    direct = check_graduation(
        {"revenue": "15000000"}, params={"revenue_min": "20000000"}, on=ON
    ).result_of("4.3.5(c).revenue")
    assert float(direct.margin) == row["margin_after"]
    assert "1 of 4 rows" in c.text()
    assert "满足 → 不满足：1 行" in c.text("zh")
    assert "<table" in c._repr_html_()


def test_switching_pack_reads_the_columns_once() -> None:
    """The 2018 pack asks other questions: switching to it compares overall outcomes and
    needs no other columns (国科发区〔2018〕300号 vs 4.3.5)."""
    c = compare(_portfolio(), Scenario("2018", pack=TORCH_2018_GRADUATION), baseline=BASE)
    assert c.scenario.batch.pack == TORCH_2018_GRADUATION
    assert len(c.flips()) == int((c.baseline.codes() != c.scenario.codes()).sum())
    assert (c.flips()["criterion"] == "").all()


def test_switching_pack_reads_both_packs_inputs_of_a_wide_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Comparing 4.3.5 with the 2018 pack (国科发区〔2018〕300号) over a wide Parquet file
    reads the union of the two packs' inputs and nothing else, with the outcomes of the
    in-memory frame; with extra="error" a CRM column is refused from the schema."""
    frame = _portfolio().assign(high_tech_enterprise=[True, False, True, False])
    wide = frame.assign(crm_owner="ann", crm_stage="seed")
    path = tmp_path / "wide.parquet"
    wide.to_parquet(path)
    scenario = Scenario("2018", pack=TORCH_2018_GRADUATION)
    expected = compare(frame, scenario, baseline=BASE)
    asked: list[object] = []
    real = pd.read_parquet

    def spy(*args: object, **kwargs: object) -> object:
        asked.append(kwargs.get("columns"))
        return real(*args, **kwargs)

    monkeypatch.setattr(pd, "read_parquet", spy)
    got = compare(path, scenario, baseline=BASE, extra="ignore")
    assert asked == [list(frame.columns)]
    assert got.counts() == expected.counts()
    pd.testing.assert_frame_equal(got.flips(), expected.flips())
    with pytest.raises(ValidationError) as raised:
        compare(path, scenario, baseline=BASE)
    assert raised.value.field == "crm_owner"
    assert len(asked) == 1


def test_a_date_before_any_parameter_value_is_refused() -> None:
    """Parameters of 4.3.5 have values since 2020-09-05: a scenario dated before is an error."""
    with pytest.raises(ValidationError, match="no value before"):
        compare(_portfolio(), Scenario("old", on=dt.date(2019, 1, 1)), baseline=BASE)


def test_sweep_gives_one_row_per_value() -> None:
    """4.3.5(c): sweeping revenue_min over a list gives one row per value, met falling as
    the threshold rises."""
    table = sweep(
        _portfolio(),
        "revenue_min",
        ["1000000", "10000000", "20000000", "30000000", "40000000"],
        baseline=BASE,
    )
    assert table["met"].tolist() == [4, 3, 2, 1, 0]
    assert np.allclose(table["met_share"], [1.0, 0.75, 0.5, 0.25, 0.0])
    with pytest.raises(ValidationError, match="not a parameter"):
        sweep(_portfolio(), "revenue_mn", [1], baseline=BASE)


def test_scenario_files(tmp_path: Path) -> None:
    """A scenario file (TOML or JSON) names params, pack and date; other keys are refused."""
    toml = tmp_path / "s.toml"
    toml.write_text('name = "x"\non = 2026-01-01\n[params]\nrevenue_min = "20000000"\n')
    assert load_scenario(toml) == Scenario(
        "x", params={"revenue_min": "20000000"}, on=dt.date(2026, 1, 1)
    )
    bad = tmp_path / "b.json"
    bad.write_text('{"parms": {}}')
    with pytest.raises(ValidationError) as info:
        load_scenario(bad)
    assert info.value.field == "parms"
