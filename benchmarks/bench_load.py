"""Load time of a rule pack against its size: loading must grow linearly in the criteria.

Builds packs of N and 4N criteria (half top-level criteria with two leaf children, so
parents, children and conditions are all exercised; 4.3.5(c)-style money thresholds) and
times, in the same run, ``pack_from_mapping`` (checking and building the pack), the first
``check`` (compiling the evaluator) and ``load_pack`` of the TOML text. The baseline is the
N-criteria pack: the 4N/N ratio should be about 4 (linear), not 16 (quadratic).

The first check compiles one closure per criterion; with the cyclic garbage collector on,
its time also counts the collector walking the (larger) heap, so it is shown with the
collector paused as well: that row is ``sep``'s own work.

Run: ``python benchmarks/bench_load.py [--n 10000] [--repeat 3]``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

# Measure this checkout's sep, not whichever one the environment has installed.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sep.evaluation import check, load_pack, pack_from_mapping
from sep.evaluation._loader import _PACKS

ON = dt.date(2026, 1, 1)


def make_pack(n: int) -> dict[str, Any]:
    """A pack definition with ``n`` criteria: n/3 parents, each with two leaf children."""
    criteria: list[dict[str, Any]] = []
    parents = max(1, n // 3)
    for p in range(parents):
        criteria.append(
            {"id": f"p{p}", "clause": "4.3.5(c)", "en": "p", "zh": "p", "combine": "any"}
        )
        for k in range(2):
            criteria.append(
                {
                    "id": f"p{p}.{k}",
                    "parent": f"p{p}",
                    "clause": "4.3.5(c)",
                    "en": "c",
                    "zh": "c",
                    "condition": {"input": "revenue", "op": ">=", "param": "revenue_min"},
                }
            )
    return {
        "pack": {
            "id": "bench/load",
            "version": "1",
            "question": "graduation",
            "document": "T/CATE 0001—2020",
            "clause": "4.3.5",
            "combine": "any",
            "en": "bench",
            "zh": "bench",
        },
        "inputs": {
            "revenue": {"type": "money", "clause": "4.3.5(c)", "en": "r", "zh": "r", "minimum": 0}
        },
        "parameters": {
            "revenue_min": {
                "type": "money",
                "en": "m",
                "zh": "m",
                "values": [{"since": dt.date(2020, 9, 5), "value": "10000000", "source": "b"}],
            }
        },
        "criteria": criteria,
    }


def to_toml(data: dict[str, Any]) -> str:
    """The same pack written as TOML (what an operator would write)."""
    head = "\n".join(f'{k} = "{v}"' for k, v in data["pack"].items())
    lines = [
        "[pack]",
        head,
        "[inputs.revenue]",
        'type = "money"\nclause = "4.3.5(c)"\nen = "r"\nzh = "r"\nminimum = 0',
        "[parameters.revenue_min]",
        'type = "money"\nen = "m"\nzh = "m"',
        'values = [{ since = 2020-09-05, value = "10000000", source = "b" }]',
    ]
    for c in data["criteria"]:
        lines.append("[[criteria]]")
        for k, v in c.items():
            if k == "condition":
                lines.append('condition = { input = "revenue", op = ">=", param = "revenue_min" }')
            else:
                lines.append(f'{k} = "{v}"')
    return "\n".join(lines) + "\n"


def best(fn: Callable[[], Any], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    sizes = (args.n, 4 * args.n)
    results: dict[str, list[float]] = {
        "pack_from_mapping": [],
        "first check": [],
        "first check, no gc": [],
        "load_pack": [],
    }
    with tempfile.TemporaryDirectory() as tmp:
        for n in sizes:
            data = make_pack(n)
            path = Path(tmp) / f"pack{n}.toml"
            path.write_text(to_toml(data), encoding="utf-8")
            results["pack_from_mapping"].append(
                best(lambda d=data: pack_from_mapping(d), args.repeat)
            )
            fresh = [pack_from_mapping(data) for _ in range(args.repeat)]
            results["first check"].append(
                best(lambda f=fresh: check(f.pop(), {"revenue": "1"}, on=ON), args.repeat)
            )
            fresh = [pack_from_mapping(data) for _ in range(args.repeat)]
            gc.disable()
            try:
                results["first check, no gc"].append(
                    best(lambda f=fresh: check(f.pop(), {"revenue": "1"}, on=ON), args.repeat)
                )
            finally:
                gc.enable()
            results["load_pack"].append(
                best(lambda p=path: (_PACKS.clear(), load_pack(p)), args.repeat)
            )
    print(f"criteria: {sizes[0]:,} and {sizes[1]:,} (best of {args.repeat})")
    for name, (small, large) in results.items():
        ratio = large / small if small > 0 else float("nan")
        verdict = "linear" if ratio < 6 else "SUPERLINEAR"
        print(f"  {name:18} {small:8.3f} s  {large:8.3f} s  ratio {ratio:5.2f}  {verdict}")
    print("goal: every ratio about 4 (linear in the number of criteria), not 16")


if __name__ == "__main__":
    main()
