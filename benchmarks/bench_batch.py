"""Benchmark: graduation decisions (T/CATE 0001—2020 4.3.5) for many incubatees at once.

Compares, in one run and on the same synthetic columns:

* ``sep`` batch: :func:`sep.evaluation.check_graduation_batch`, overall and per-criterion
  outcomes for every row;
* a hand-written NumPy expression of the same criteria with the same Kleene semantics, as a
  careful analyst would write it (the baseline; goal: ``sep`` within 2x of it);
* a plain Python loop calling :func:`sep.evaluation.check` per row, run on a subsample and
  extrapolated from its per-row rate (stated in the table).

It also checks that the three agree, and prints the peak resident memory.

Run: ``python benchmarks/bench_batch.py`` (``--n`` rows, default 1,000,000; ``--quick``).
"""

from __future__ import annotations

import argparse
import datetime as dt
import resource
import sys
import time
import tracemalloc
from collections.abc import Callable, Mapping
from typing import Any

import numpy as np

from sep.evaluation import (
    GRADUATION,
    SeriesColumn,
    check,
    check_graduation_batch,
    compile_pack,
    synthetic_graduation_columns,
)

ON = dt.date(2026, 6, 30)
Arrays = dict[str, np.ndarray[Any, Any]]


def _and(*codes: np.ndarray[Any, Any]) -> np.ndarray[Any, Any]:
    """Kleene AND on 1/0/-1: 0 if any 0, else -1 if any -1, else 1."""
    out = codes[0]
    for other in codes[1:]:
        out = np.where((out == 0) | (other == 0), 0, np.minimum(out, other)).astype(np.int8)
    return out


def _or(*codes: np.ndarray[Any, Any]) -> np.ndarray[Any, Any]:
    """Kleene OR on 1/0/-1: 1 if any 1, else -1 if any -1, else 0."""
    out = codes[0]
    for other in codes[1:]:
        out = np.where((out == 1) | (other == 1), 1, np.minimum(out, other)).astype(np.int8)
    return out


def _flag(x: np.ndarray[Any, Any], want: float) -> np.ndarray[Any, Any]:
    return np.where(np.isnan(x), -1, x == want).astype(np.int8)


def _at_least(x: np.ndarray[Any, Any], threshold: float) -> np.ndarray[Any, Any]:
    return np.where(np.isnan(x), -1, x >= threshold).astype(np.int8)


def handwritten(columns: Mapping[str, Any], p: Mapping[str, float]) -> Arrays:
    """4.3.5 written directly in NumPy, with missing data as UNKNOWN (-1)."""
    out: Arrays = {}
    out["4.3.5(a)"] = _flag(columns["acquired_by_founder"], 1.0)
    out["4.3.5(b).listing"] = _flag(columns["listed"], 1.0)
    out["4.3.5(b).financing"] = _at_least(
        columns["largest_financing_round"], p["large_financing_min"]
    )
    out["4.3.5(b)"] = _or(out["4.3.5(b).listing"], out["4.3.5(b).financing"])
    out["4.3.5(c).revenue"] = _at_least(columns["revenue"], p["revenue_min"])
    out["4.3.5(c).profit"] = _at_least(columns["profit"], p["profit_min"])
    # Cash flow: the last `size` quarters ending at the newest known one.
    flows = columns["operating_cash_flow"].values
    size = int(p["cash_flow_periods"])
    known = ~np.isnan(flows)
    width = flows.shape[1]
    has_any = known.any(axis=1)
    last = width - 1 - np.argmax(known[:, ::-1], axis=1)
    index = last[:, None] + np.arange(1 - size, 1)
    window = np.take_along_axis(flows, np.clip(index, 0, None), axis=1)
    window[index < 0] = np.nan
    seen = ~np.isnan(window)
    failing = (seen & ~(window > 0)).any(axis=1)
    gaps = (~seen).any(axis=1)
    each = np.where(failing, 0, np.where(gaps | ~has_any, -1, 1)).astype(np.int8)
    complete = seen.all(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = window.sum(axis=1) / size
        ratio = np.round(window.min(axis=1) / mean, 4)
    stable = np.where(
        ~complete, -1, np.where(mean <= 0, 0, ratio >= p["cash_flow_stability_ratio"])
    ).astype(np.int8)
    out["4.3.5(c).cash_flow"] = _and(each, stable)
    out["4.3.5(c).organisation"] = _flag(columns["organisation_complete"], 1.0)
    out["4.3.5(c).services"] = _flag(columns["needs_platform_services"], 0.0)
    out["4.3.5(c)"] = _and(
        out["4.3.5(c).revenue"],
        out["4.3.5(c).profit"],
        out["4.3.5(c).cash_flow"],
        out["4.3.5(c).organisation"],
        out["4.3.5(c).services"],
    )
    out["4.3.5(d)"] = _flag(columns["platform_equity_exited"], 1.0)
    out["outcome"] = _or(out["4.3.5(a)"], out["4.3.5(b)"], out["4.3.5(c)"], out["4.3.5(d)"])
    return out


def _rows(columns: Mapping[str, Any], count: int) -> list[dict[str, Any]]:
    """Fact sheets of the first ``count`` rows, amounts as exact decimal strings."""
    kinds = {name: spec.type for name, spec in compile_pack(GRADUATION, on=ON).pack.inputs.items()}
    rows: list[dict[str, Any]] = []
    for i in range(count):
        facts: dict[str, Any] = {}
        for name, column in columns.items():
            if isinstance(column, SeriesColumn):
                values = column.values[i].tolist()
                facts[name] = {
                    p: None if v != v else f"{v:.2f}"
                    for p, v in zip(column.periods, values, strict=True)
                }
            elif column[i] == column[i]:
                value = float(column[i])
                facts[name] = bool(value) if kinds[name] == "bool" else f"{value:.2f}"
        rows.append(facts)
    return rows


def _best(fn: Callable[[], Any], repeat: int) -> tuple[float, Any]:
    best, result = float("inf"), None
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn()
        best = min(best, time.perf_counter() - start)
    return best, result


def _rss_mib() -> float:
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / (1024 * 1024) if sys.platform == "darwin" else peak / 1024


def figures(n: int = 1_000_000, repeat: int = 3, seed: int = 0) -> dict[str, float]:
    """The figures of ``run.py``: rows/s, time vs the hand-written NumPy, peak bytes per row.

    Both sides run on the same columns in this run, best of ``repeat``; the peak is the
    largest traced allocation during one more batch run.
    """
    columns = synthetic_graduation_columns(n, seed=seed)
    params = {u.name: float(u.value) for u in compile_pack(GRADUATION, on=ON).parameters}
    check_graduation_batch(synthetic_graduation_columns(10, seed=1), on=ON)  # compile once
    ours, _ = _best(lambda: check_graduation_batch(columns, on=ON), repeat)
    theirs, _ = _best(lambda: handwritten(columns, params), repeat)
    tracemalloc.start()
    check_graduation_batch(columns, on=ON)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return {
        "batch_rows_per_s": n / ours,
        "batch_time_vs_numpy": ours / theirs,
        "batch_peak_bytes_per_row": peak / n,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=1_000_000, help="rows (default 1,000,000)")
    parser.add_argument("--loop-rows", type=int, default=20_000, help="rows for the Python loop")
    parser.add_argument("--repeat", type=int, default=3, help="best of this many runs")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--quick", action="store_true", help="100,000 rows, 2,000 looped")
    args = parser.parse_args()
    if args.quick:
        args.n, args.loop_rows, args.repeat = 100_000, 2_000, 2
    n, m = args.n, min(args.loop_rows, args.n)

    start = time.perf_counter()
    columns = synthetic_graduation_columns(n, seed=args.seed)
    generate = time.perf_counter() - start
    params = {u.name: float(u.value) for u in compile_pack(GRADUATION, on=ON).parameters}

    cold_start = time.perf_counter()
    check_graduation_batch(synthetic_graduation_columns(10, seed=1), on=ON)
    compile_time = time.perf_counter() - cold_start
    sep_time, result = _best(lambda: check_graduation_batch(columns, on=ON), args.repeat)
    rss_after_sep = _rss_mib()
    hand_time, hand = _best(lambda: handwritten(columns, params), args.repeat)

    rows = _rows(columns, m)
    ids = list(result.criteria)

    def loop_all() -> list[list[str]]:
        out = []
        for facts in rows:
            decision = check(GRADUATION, facts, on=ON)
            out.append([decision.outcome.value] + [decision.outcome_of(c).value for c in ids])
        return out

    def loop_overall() -> list[str]:
        return [check(GRADUATION, facts, on=ON).outcome.value for facts in rows]

    loop_time, looped = _best(loop_all, 1)
    loop_fast_time, _ = _best(loop_overall, 1)

    # Agreement: every criterion, every row (hand-written) and every looped row (direct).
    mismatches = {
        key: int((result.to_columns()[key] != hand[key]).sum())
        for key in ["outcome", *ids]
        if key in hand
    }
    codes = {"met": 1, "not_met": 0, "unknown": -1}
    batch_rows = np.stack([result.to_columns()[k][:m] for k in ["outcome", *ids]], axis=1)
    direct_rows = np.array([[codes[v] for v in row] for row in looped], np.int8)
    loop_mismatch = int((batch_rows != direct_rows).any(axis=1).sum())

    def line(name: str, rows_done: int, seconds: float, note: str = "") -> None:
        rate = rows_done / seconds
        ratio = seconds / rows_done / (hand_time / n)
        print(f"{name:<42} {rows_done:>10,} {seconds:>9.3f} {rate:>14,.0f} {ratio:>8.2f}x  {note}")

    print(f"graduation (4.3.5), {n:,} synthetic incubatees, {len(ids)} criteria + overall")
    print(f"python {sys.version.split()[0]}, numpy {np.__version__}; best of {args.repeat}")
    print(
        f"columns generated in {generate:.3f} s; "
        f"first call (compile + 10 rows) {compile_time:.4f} s"
    )
    print()
    print(f"{'method':<42} {'rows':>10} {'seconds':>9} {'rows/s':>14} {'vs hand':>9}")
    line("hand-written NumPy (baseline)", n, hand_time)
    line("sep check_graduation_batch", n, sep_time)
    est = loop_time / m * n
    line(
        "Python loop, check() + outcome_of() each",
        m,
        loop_time,
        f"→ {est:,.0f} s for {n:,} (extrapolated)",
    )
    est_fast = loop_fast_time / m * n
    line(
        "Python loop, check().outcome only",
        m,
        loop_fast_time,
        f"→ {est_fast:,.0f} s for {n:,} (extrapolated)",
    )
    print()
    print(f"sep batch / hand-written: {sep_time / hand_time:.2f}x (goal ≤ 2x)")
    print(f"sep batch speed-up over the per-criterion loop: {loop_time / m / (sep_time / n):,.0f}x")
    print(f"rows differing from hand-written, per criterion: {mismatches}")
    print(f"looped rows differing from sep batch (any criterion): {loop_mismatch} of {m:,}")
    print(f"peak RSS: {_rss_mib():,.0f} MiB (after the sep batch run: {rss_after_sep:,.0f} MiB)")


if __name__ == "__main__":
    main()
