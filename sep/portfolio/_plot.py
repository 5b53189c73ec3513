"""Portfolio plots (matplotlib, the ``sep[plot]`` extra): outcome counts per criterion
(4.3.5, 4.3.7-b), a scenario's flips, a parameter sweep's curve and the Annex C portfolio
figures. Each function draws on a new figure (or the ``ax`` given) and returns the Axes."""

from __future__ import annotations

from typing import Any

import pandas as pd

from sep.errors import SepError
from sep.portfolio._frame import PortfolioResult
from sep.portfolio._scenario import Comparison

__all__ = ["plot_annex_c", "plot_flips", "plot_outcomes", "plot_sweep"]

_COLOURS = {"met": "#2e7d32", "not_met": "#c62828", "unknown": "#9e9e9e"}


def _axes(ax: Any) -> Any:
    if ax is not None:
        return ax
    try:
        import matplotlib.pyplot as plt
    except ImportError as exc:  # pragma: no cover - the extra is missing
        raise SepError(f"plots need matplotlib: pip install 'sep[plot]' ({exc})") from None
    _, created = plt.subplots(figsize=(8, 4.5))
    return created


def plot_outcomes(result: PortfolioResult, *, ax: Any = None) -> Any:
    """Stacked bars: rows met, not met and unknown, overall and per criterion."""
    axes = _axes(ax)
    table = result.summary()[["met", "not_met", "unknown"]].iloc[::-1]
    table.plot.barh(stacked=True, ax=axes, color=[_COLOURS[c] for c in table.columns])
    axes.set_xlabel("rows")
    axes.set_title(f"{result.batch.pack} on {result.batch.as_of}")
    return axes


def plot_flips(comparison: Comparison, *, ax: Any = None) -> Any:
    """Bars of the rows changing outcome, by direction and the criterion behind it."""
    axes = _axes(ax)
    flips = comparison.flips()
    if flips.empty:
        axes.text(0.5, 0.5, "no row changes outcome", ha="center", va="center")
    else:
        direction = flips["before"].astype(str) + " → " + flips["after"].astype(str)
        why = flips["criterion"].replace("", "(pack)")
        table = pd.crosstab(why, direction)
        table.plot.barh(stacked=True, ax=axes)
        axes.set_xlabel("rows")
    a, b = comparison.names
    axes.set_title(f"{b!r} vs {a!r}: {len(flips)} of {len(comparison.baseline)} rows change")
    return axes


def plot_sweep(table: pd.DataFrame, *, ax: Any = None) -> Any:
    """The share of rows met (and unknown) against the swept parameter's values."""
    axes = _axes(ax)
    n = table[["met", "not_met", "unknown"]].sum(axis=1).replace(0, 1)
    x = [float(v) for v in table.index]
    axes.plot(x, table["met"] / n, marker="o", color=_COLOURS["met"], label="met")
    axes.plot(x, table["unknown"] / n, marker=".", color=_COLOURS["unknown"], label="unknown")
    axes.set_xlabel(str(table.index.name))
    axes.set_ylabel("share of rows")
    axes.set_ylim(0, 1)
    axes.legend()
    return axes


def plot_annex_c(figures: Any, *, ax: Any = None) -> Any:
    """Annex C's portfolio figures (a :class:`~sep.assessment.PortfolioFigures`): incubatees
    by origin and by financing stage, with the accelerated, graduates, listed, unicorns
    and gazelles."""
    axes = _axes(ax)
    bars = {f"origin: {k}": v for k, v in figures.by_origin.items()}
    bars.update({f"stage: {k}": v for k, v in figures.by_stage.items()})
    for name in ("accelerated", "graduates", "listed", "unicorns", "gazelles"):
        bars[name] = getattr(figures, name)
    series = pd.Series(bars).iloc[::-1]
    series.plot.barh(ax=axes, color="#1565c0")
    axes.set_xscale("symlog")
    axes.set_xlabel("incubatees")
    axes.set_title(f"Annex C portfolio figures: {figures.total} incubatees")
    return axes
