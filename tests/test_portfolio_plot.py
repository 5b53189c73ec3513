"""Portfolio plots render to PNG (4.3.5, Annex C); matplotlib's Agg backend, no display."""

from __future__ import annotations

import datetime as dt
import io

import pytest

pytestmark = pytest.mark.clause("4.3.5", "C")

pd = pytest.importorskip("pandas")
matplotlib = pytest.importorskip("matplotlib")
matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402

from sep.assessment import portfolio_figures  # noqa: E402
from sep.evaluation import synthetic_graduation_columns  # noqa: E402
from sep.examples import annex_c_platform  # noqa: E402
from sep.portfolio import (  # noqa: E402
    Scenario,
    compare,
    evaluate,
    plot_annex_c,
    plot_flips,
    plot_outcomes,
    plot_sweep,
    sweep,
)

ON = dt.date(2025, 6, 30)
PNG = b"\x89PNG\r\n\x1a\n"


def _png(ax: object) -> bytes:
    buf = io.BytesIO()
    ax.figure.savefig(buf, format="png")  # type: ignore[attr-defined]
    plt.close(ax.figure)  # type: ignore[attr-defined]
    return buf.getvalue()


@pytest.fixture(scope="module")
def frame() -> pd.DataFrame:
    """A small synthetic portfolio for the plots."""
    return pd.DataFrame(synthetic_graduation_columns(300, seed=11))


def test_outcome_counts_plot(frame: pd.DataFrame) -> None:
    """4.3.5: one bar per criterion plus the overall outcome, rendered as a PNG."""
    result = evaluate(frame, on=ON)
    ax = plot_outcomes(result)
    assert len(ax.get_yticklabels()) == len(result.criteria) + 1
    assert _png(ax).startswith(PNG)


def test_flips_and_sweep_plots(frame: pd.DataFrame) -> None:
    """A scenario's flips and a sweep's curve (4.3.5(c) thresholds) render as PNGs."""
    c = compare(
        frame, Scenario("2 periods", params={"cash_flow_periods": 2}), baseline=Scenario(on=ON)
    )
    assert _png(plot_flips(c)).startswith(PNG)
    table = sweep(frame, "profit_min", ["0", "1000000", "3000000"], baseline=Scenario(on=ON))
    ax = plot_sweep(table)
    assert len(ax.lines[0].get_xdata()) == 3
    assert _png(ax).startswith(PNG)


def test_annex_c_figures_plot() -> None:
    """Annex C's portfolio figures (4,001 incubatees of H+) render as a PNG."""
    ax = plot_annex_c(portfolio_figures(annex_c_platform()))
    assert "4001" in ax.get_title()
    assert _png(ax).startswith(PNG)
