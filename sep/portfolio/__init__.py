"""Portfolios: whole programmes of incubatees as DataFrames (4.3.5, 4.3.7, Annex C).

For analysts in notebooks and scripts who hold hundreds of thousands of incubatees: a
pandas DataFrame, pyarrow Table or Parquet/CSV file in, columns named as the rule pack's
inputs (the JSON Schema's names); a labelled DataFrame out, with the input's index, the
overall outcome and one categorical column per criterion, the missing inputs and margins;
any row explained in English or Chinese. It answers 4.3.5 graduation by default (any of
4.3.5(a)–(d)), or any shipped pack: 4.3.7-b evaluation thresholds, 3.1/4.2.1 eligibility,
the 2018 Torch graduation conditions. Needs the ``sep[pandas]`` extra.

A series input is given as flat period columns named ``<input>[<period>]``
(``operating_cash_flow[2025Q1]``), as two-level columns, or as a column of per-row
mappings ``{period: amount}``. Scenarios (:func:`compare`, :func:`sweep`) decide the same
rows under other parameters, another pack or another date; :func:`evaluate_dask` runs the
batch partition by partition on a Dask cluster (``sep[dask]``); the ``plot_*`` functions
draw with matplotlib (``sep[plot]``).

Example:
    >>> import datetime as dt
    >>> import pandas as pd
    >>> from sep.evaluation import synthetic_graduation_columns
    >>> df = pd.DataFrame(synthetic_graduation_columns(1000, seed=1))
    >>> result = evaluate(df, on=dt.date(2025, 6, 30))
    >>> list(result.frame()["outcome"].cat.categories)
    ['not_met', 'unknown', 'met']
"""

from __future__ import annotations

from sep.portfolio._dask import counts_dask, evaluate_dask
from sep.portfolio._frame import (
    OUTCOME_CATEGORIES,
    PortfolioResult,
    evaluate,
    read_portfolio,
    to_columns,
)
from sep.portfolio._plot import plot_annex_c, plot_flips, plot_outcomes, plot_sweep
from sep.portfolio._scenario import Comparison, Scenario, compare, load_scenario, sweep

__all__ = [
    "OUTCOME_CATEGORIES",
    "Comparison",
    "PortfolioResult",
    "Scenario",
    "compare",
    "counts_dask",
    "evaluate",
    "evaluate_dask",
    "load_scenario",
    "plot_annex_c",
    "plot_flips",
    "plot_outcomes",
    "plot_sweep",
    "read_portfolio",
    "sweep",
    "to_columns",
]
