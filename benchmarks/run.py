"""One table of the project's figures, each against a baseline measured in the same run.

Measured here (goals of the portfolio work in brackets):

* ``batch_rows_per_s`` (≥ 8,000,000) and ``batch_time_vs_numpy`` (≤ 1.0x): 1,000,000
  synthetic incubatees, ~10% of each input missing, vs the hand-written NumPy expression
  of ``bench_batch.py``; ``batch_peak_bytes_per_row``: peak traced allocation of the run;
* ``objects_to_columns_per_s`` (≥ 200,000) and ``objects_to_columns_vs_facts`` (≥ 20):
  ``columns_from`` on ``Incubatee`` objects vs reading their ``facts()``;
* ``parquet_to_frame_rows_per_s`` (≥ 3,000,000): a Parquet file to the labelled frame;
* ``dask_two_workers_vs_one`` (≥ 1.5): ``evaluate_dask`` on a local cluster of two
  worker processes vs one (with ``--dask``; the cluster takes seconds to start).

The single-decision, durable-rules and lifecycle figures are printed by
``bench_rules.py``, ``bench_durable.py`` and ``bench_lifecycle.py``; their keys are listed
here with ``null`` until those scripts return their figures.

Run: ``python benchmarks/run.py [--quick] [--json] [--dask]``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import platform
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import bench_portfolio
from bench_batch import handwritten

from sep.evaluation import (
    GRADUATION,
    check_graduation_batch,
    compile_pack,
    synthetic_graduation_columns,
)

ON = dt.date(2026, 6, 30)
ELSEWHERE = (
    "single_decisions_vs_zen",
    "adapter_vs_durable_rules",
    "stream_vs_durable_rules",
    "lifecycle_throughput_vs_transitions",
    "lifecycle_register_100k_s",
    "lifecycle_bytes_per_incubatee",
)


def _best(run: Any, repeat: int = 3) -> float:
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        run()
        best = min(best, time.perf_counter() - start)
    return best


def batch(n: int) -> dict[str, float]:
    """The batch engine vs hand-written NumPy, and its peak allocation per row."""
    columns = synthetic_graduation_columns(n, seed=0)
    params = {u.name: float(u.value) for u in compile_pack(GRADUATION, on=ON).parameters}
    check_graduation_batch(synthetic_graduation_columns(10), on=ON)  # compile once
    ours = _best(lambda: check_graduation_batch(columns, on=ON))
    theirs = _best(lambda: handwritten(columns, params))
    tracemalloc.start()
    check_graduation_batch(columns, on=ON)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return {
        "batch_rows_per_s": n / ours,
        "batch_time_vs_numpy": ours / theirs,
        "batch_peak_bytes_per_row": peak / n,
    }


def dask(n: int) -> dict[str, float]:
    """evaluate_dask on two worker processes vs one, over the same Parquet partitions."""
    import distributed
    import pandas as pd

    from sep.portfolio import evaluate_dask

    with tempfile.TemporaryDirectory() as tmp:
        parts = 8
        for k in range(parts):
            cols = synthetic_graduation_columns(n // parts, seed=k)
            series = cols.pop("operating_cash_flow")
            frame = pd.DataFrame(cols)
            for j, period in enumerate(series.periods):
                frame[f"operating_cash_flow[{period}]"] = series.values[:, j]
            frame.to_parquet(Path(tmp) / f"part{k}.parquet")
        spent = {}
        for workers in (1, 2):
            with (
                distributed.LocalCluster(
                    n_workers=workers, threads_per_worker=1, dashboard_address=None
                ) as cluster,
                distributed.Client(cluster),
            ):
                counts = evaluate_dask(f"{tmp}/*.parquet", on=ON)["outcome"].value_counts()
                counts.compute()  # the workers import sep and pandas once
                spent[workers] = _best(counts.compute, 3)
    return {"dask_two_workers_vs_one": spent[1] / spent[2]}


def main(argv: list[str] | None = None) -> dict[str, Any]:
    """Measure, then print the table (or ``--json``)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a tenth of the rows")
    parser.add_argument("--json", action="store_true", help="one JSON object")
    parser.add_argument("--dask", action="store_true", help="also the two-worker Dask figure")
    args = parser.parse_args(argv)
    scale = 10 if args.quick else 1
    figures: dict[str, Any] = {}
    figures.update(batch(1_000_000 // scale))
    figures.update(bench_portfolio.objects(100_000 // scale))
    figures.update(bench_portfolio.parquet(1_000_000 // scale))
    if args.dask:
        figures.update(dask(10_000_000 // scale))
    else:
        figures["dask_two_workers_vs_one"] = None
    figures.update(dict.fromkeys(ELSEWHERE))
    figures["machine"] = f"{platform.machine()} {platform.python_version()}"
    if args.json:
        print(json.dumps(figures, indent=2))
    else:
        for key, value in figures.items():
            shown = "—" if value is None else (value if isinstance(value, str) else f"{value:,.2f}")
            print(f"{key:40s} {shown:>20s}")
    return figures


if __name__ == "__main__":
    main()
