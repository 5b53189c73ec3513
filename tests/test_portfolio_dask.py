"""Dask: the batch partition by partition on a local cluster of two worker processes
equals the pandas path row for row (4.3.5)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

pd = pytest.importorskip("pandas")
dd = pytest.importorskip("dask.dataframe")
distributed = pytest.importorskip("distributed")

from sep.evaluation import synthetic_graduation_columns  # noqa: E402
from sep.portfolio import evaluate, evaluate_dask  # noqa: E402

ON = dt.date(2025, 6, 30)


def test_two_worker_processes_equal_pandas(tmp_path: Path) -> None:
    """4.3.5: four Parquet partitions decided on two worker processes give the pandas
    path's outcomes, criteria, missing inputs and margins, row for row."""
    cols = synthetic_graduation_columns(4000, seed=12)
    series = cols.pop("operating_cash_flow")
    frame = pd.DataFrame(cols)
    for j, period in enumerate(series.periods):
        frame[f"operating_cash_flow[{period}]"] = series.values[:, j]
    for k in range(4):
        frame.iloc[k * 1000 : (k + 1) * 1000].to_parquet(tmp_path / f"part{k}.parquet")
    expected = evaluate(frame, on=ON).frame(margins=True)
    expected["missing"] = expected["missing"].astype(object)
    with (
        distributed.LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
        ) as cluster,
        distributed.Client(cluster),
    ):
        lazy = evaluate_dask(str(tmp_path / "*.parquet"), on=ON, margins=True)
        assert lazy.npartitions == 4
        got = lazy.compute()
    pd.testing.assert_frame_equal(got, expected, check_index_type=False)
