"""``sep portfolio``: a portfolio file decided from the shell (4.3.5)."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

pytestmark = pytest.mark.clause("4.3.5")

pd = pytest.importorskip("pandas")
pytest.importorskip("pyarrow")

from sep._cli import main  # noqa: E402
from sep.evaluation import synthetic_graduation_columns  # noqa: E402


def _write(tmp_path: Path, n: int = 60) -> Path:
    cols = synthetic_graduation_columns(n, seed=9)
    series = cols.pop("operating_cash_flow")
    frame = pd.DataFrame(cols)
    for j, period in enumerate(series.periods):
        frame[f"operating_cash_flow[{period}]"] = series.values[:, j]
    path = tmp_path / "portfolio.parquet"
    frame.to_parquet(path)
    return path


def test_counts_per_criterion_as_json(tmp_path: Path) -> None:
    """4.3.5: --format json gives the counts per criterion; --out writes the labelled frame."""
    path = _write(tmp_path)
    out, saved = io.StringIO(), tmp_path / "out.parquet"
    status = main(
        ["portfolio", "graduation", str(path), "--on", "2025-06-30", "--format", "json",
         "--out", str(saved)],
        out=out,
    )  # fmt: skip
    assert status == 0
    payload = json.loads(out.getvalue())
    assert payload["rows"] == 60
    assert sum(payload["counts"]["4.3.5(a)"].values()) == 60
    frame = pd.read_parquet(saved)
    assert len(frame) == 60 and "4.3.5(c).revenue" in frame.columns


def test_scenario_flips_in_chinese(tmp_path: Path) -> None:
    """A scenario file raising 4.3.5(c)'s revenue threshold reports its flips in Chinese."""
    path = _write(tmp_path)
    scenario = tmp_path / "strict.toml"
    scenario.write_text('name = "strict"\n[params]\nrevenue_min = "1"\nprofit_min = "1"\n')
    out = io.StringIO()
    status = main(
        ["portfolio", "graduation", str(path), "--on", "2025-06-30", "--scenario", str(scenario),
         "--lang", "zh"],
        out=out,
    )  # fmt: skip
    assert status == 0
    assert "情景「strict」" in out.getvalue()


def test_bad_column_exits_2_naming_it(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A negative revenue (4.3.5(c)) exits with status 2, naming the column and row."""
    path = tmp_path / "bad.csv"
    path.write_text("revenue,listed\n100,true\n-5,false\n")
    status = main(["portfolio", "graduation", str(path), "--format", "json"], out=io.StringIO())
    assert status == 2
    error = json.loads(capsys.readouterr().err)
    assert error["field"] == "revenue"
    assert "by index: 1)" in error["reason"]


def test_wide_file_with_ignore_extra(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """4.3.5: a Parquet export with CRM columns is decided with --ignore-extra as without
    them, and refused without it, naming the first CRM column (exit status 2)."""
    path = _write(tmp_path)
    args = ["portfolio", "graduation", str(path), "--on", "2025-06-30", "--format", "json"]
    plain = io.StringIO()
    assert main(args, out=plain) == 0
    pd.read_parquet(path).assign(crm_owner="ann", crm_note="x").to_parquet(path)
    wide = io.StringIO()
    assert main([*args, "--ignore-extra"], out=wide) == 0
    assert json.loads(wide.getvalue()) == json.loads(plain.getvalue())
    capsys.readouterr()
    assert main(args, out=io.StringIO()) == 2
    assert json.loads(capsys.readouterr().err)["field"] == "crm_owner"
