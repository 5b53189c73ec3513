"""One table of the project's figures, each against a baseline measured in the same run.

Every figure comes from the function of the script that owns it (goals in brackets):

* ``bench_batch.figures``: ``batch_rows_per_s`` (≥ 8,000,000) and ``batch_time_vs_numpy``
  (≤ 1.0x): 1,000,000 synthetic incubatees, ~10% of each input missing, vs the hand-written
  NumPy expression of the same three-valued outcomes; ``batch_peak_bytes_per_row``;
* ``bench_portfolio``: ``objects_to_columns_per_s`` (≥ 200,000) and
  ``objects_to_columns_vs_facts`` (≥ 20); ``parquet_to_frame_rows_per_s`` (≥ 3,000,000);
* ``bench_rules.figures``: ``single_decisions_vs_zen`` (≥ 20), ``stream_vs_durable_rules``
  (≥ 0.7) and the adapter on the graduation pack;
* ``bench_durable.figures``: ``adapter_vs_durable_rules`` (≥ 0.7);
* ``bench_lifecycle.figures``: ``lifecycle_throughput_vs_transitions`` (≥ 0.7),
  ``lifecycle_register_100k_s`` (≤ 1), ``lifecycle_bytes_per_incubatee`` (≤ 1,024);
* ``dask`` below: ``dask_two_workers_vs_one`` (≥ 1.5), 10,000,000 rows from Parquet on a
  local cluster of two worker processes vs one (``counts_dask``), and
  ``dask_one_worker_vs_one_process`` against the same counting work in this process.

``--quick`` scales every size down for a smoke run (a tenth of the rows, fewer decisions).

Run: ``python benchmarks/run.py [--quick] [--json] [--no-dask]``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import bench_batch
import bench_durable
import bench_lifecycle
import bench_portfolio
import bench_rules

from sep.evaluation import synthetic_graduation_columns

ON = dt.date(2026, 6, 30)


def _best(run: Any, repeat: int = 3) -> float:
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        run()
        best = min(best, time.perf_counter() - start)
    return best


def dask(n: int, parts: int = 8) -> dict[str, float]:
    """counts_dask on two worker processes vs one, over the same Parquet partitions, and one
    process doing the same work per row.

    Like with like: every side reads each Parquet file, decides it with
    :func:`sep.portfolio.evaluate` and keeps only its counts (:meth:`counts`), and the
    counts are summed; the workers send back a few dozen integers per partition, not a
    labelled frame. Both cluster sides use the same files and partitions, a cluster already
    started with its workers connected, one warm-up compute (each worker imports ``sep``
    and pandas and compiles the pack once), then the best of three computes, each of a
    *new* graph (another day of the same parameter period): computing the same collection
    again can be answered from results the scheduler still holds.
    """
    import distributed
    import pandas as pd

    from sep.portfolio import counts_dask, evaluate

    figures: dict[str, float] = {}
    with tempfile.TemporaryDirectory() as tmp:
        for k in range(parts):
            cols = synthetic_graduation_columns(n // parts, seed=k)
            series = cols.pop("operating_cash_flow")
            frame = pd.DataFrame(cols)
            for j, period in enumerate(series.periods):
                frame[f"operating_cash_flow[{period}]"] = series.values[:, j]
            frame.to_parquet(Path(tmp) / f"part{k}.parquet")
        files = sorted(Path(tmp).glob("*.parquet"))
        days = iter(range(1, 20))

        def in_process() -> None:
            day = ON - dt.timedelta(days=next(days))
            total: dict[tuple[str, str], int] = {}
            for path in files:
                for key, by_outcome in evaluate(path, on=day, progress=False).counts().items():
                    for outcome, k in by_outcome.items():
                        total[key, outcome] = total.get((key, outcome), 0) + k

        in_process()
        single = _best(in_process, 3)
        spent, cold = {}, {}

        def fresh() -> None:
            counts_dask(f"{tmp}/*.parquet", on=ON - dt.timedelta(days=next(days)))

        for workers in (1, 2):
            with (
                distributed.LocalCluster(
                    n_workers=workers,
                    threads_per_worker=1,
                    processes=True,
                    dashboard_address=":0",
                ) as cluster,
                distributed.Client(cluster) as client,
            ):
                client.wait_for_workers(workers)
                start = time.perf_counter()
                fresh()
                cold[workers] = time.perf_counter() - start
                spent[workers] = _best(fresh, 3)
        figures["dask_two_workers_vs_one"] = spent[1] / spent[2]
        figures["dask_one_worker_vs_one_process"] = single / spent[1]
        figures["dask_cold_first_compute_vs_warm_one_worker"] = cold[1] / spent[1]
    return figures


def main(argv: list[str] | None = None) -> dict[str, Any]:
    """Measure, then print the table (or ``--json``)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="every size scaled down")
    parser.add_argument("--json", action="store_true", help="one JSON object")
    parser.add_argument("--no-dask", action="store_true", help="skip the Dask figure (null)")
    args = parser.parse_args(argv)
    scale = 10 if args.quick else 1
    started = time.perf_counter()
    figures: dict[str, Any] = {}
    figures.update(bench_batch.figures(1_000_000 // scale, repeat=2 if args.quick else 3))
    figures.update(bench_portfolio.objects(100_000 // scale))
    figures.update(bench_portfolio.parquet(1_000_000 // scale))
    rules = bench_rules.figures(20_000 // scale)
    rules["adapter_vs_durable_rules_graduation"] = rules.pop("adapter_vs_durable_rules")
    figures.update(rules)
    figures.update(bench_durable.figures(20_000 // scale))
    figures.update(bench_lifecycle.figures(100_000 // scale, 50_000 // scale, 20_000 // scale))
    if args.no_dask:
        figures["dask_two_workers_vs_one"] = None
    else:
        figures.update(dask(10_000_000 // scale))
    figures["machine"] = (
        f"{platform.machine()}, {os.cpu_count()} CPUs, Python {platform.python_version()}"
    )
    figures["command"] = "benchmarks/run.py" + (" --quick" if args.quick else "")
    figures["seconds"] = time.perf_counter() - started
    if args.json:
        print(json.dumps(figures, indent=2))
    else:
        for key, value in figures.items():
            shown = "—" if value is None else (value if isinstance(value, str) else f"{value:,.2f}")
            print(f"{key:44s} {shown:>28s}")
    return figures


if __name__ == "__main__":
    main()
