"""Memory of repeated pack loading and of dropped streams: bounded, not growing per call.

Measured in one process, as resident set size (RSS) growth after a warm-up, each against a
baseline loop run in the same process:

(a) ``check(<pack file path>, …)`` 3,000 times over *distinct* pack files (each a copy of
    the graduation pack, 4.3.5, with its own id), and 3,000 times over the *same* file.
    Goal: RSS grows by under 10 MB over the 3,000-call loops (packs are kept by content
    hash, at most ``PACK_CACHE_SIZE`` of them, with their compiled evaluators). The
    distinct-file loop runs twice: the second run shows whether growth continues (a leak)
    or was the allocator's high-water mark of the first (Python objects kept: under 1 MB,
    measured with tracemalloc).
    Baseline: 3,000 calls with the shipped pack id (nothing is loaded).
(b) 1,000 :class:`~sep.evaluation.RuleStream` objects created, posted to and dropped
    without ``close()``. Goal: RSS grows by well under 10 MB (each dropped stream's
    durable-rules rulesets are released). Baseline: 1,000 streams closed explicitly.

Run: ``python benchmarks/bench_memory.py [--calls 3000] [--streams 1000] [--quick]``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import sys
import tempfile
from collections.abc import Callable
from importlib.resources import files
from pathlib import Path

# Measure this checkout's sep, not whichever one the environment has installed.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sep.evaluation import GRADUATION, check
from sep.evaluation._durable import durable_available

ON = dt.date(2026, 1, 1)
FACTS = {"revenue": "12000000", "listed": False}


def rss_mb() -> float:
    """Resident set size of this process in MB (Linux /proc; 0 elsewhere)."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def growth(run: Callable[[], None]) -> float:
    """RSS growth in MB over ``run()``, after collecting garbage on both sides."""
    gc.collect()
    before = rss_mb()
    run()
    gc.collect()
    return rss_mb() - before


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=3000)
    parser.add_argument("--streams", type=int, default=1000)
    parser.add_argument("--quick", action="store_true", help="a tenth of the calls and streams")
    args = parser.parse_args()
    calls = args.calls // 10 if args.quick else args.calls
    streams = args.streams // 10 if args.quick else args.streams
    text = (files("sep.evaluation") / "packs" / "graduation.toml").read_text(encoding="utf-8")

    with tempfile.TemporaryDirectory() as tmp:
        paths = []
        for i in range(calls):
            path = Path(tmp) / f"pack{i}.toml"
            path.write_text(
                text.replace('id = "t-cate-0001-2020/graduation"', f'id = "bench/pack{i}"', 1),
                encoding="utf-8",
            )
            paths.append(str(path))
        same = paths[0]

        def builtin_loop() -> None:
            for _ in range(calls):
                check(GRADUATION, FACTS, on=ON)

        def distinct_loop() -> None:
            for path in paths:
                check(path, FACTS, on=ON)

        def same_loop() -> None:
            for _ in range(calls):
                check(same, FACTS, on=ON)

        # Warm-up: imports, the shipped pack, the allocator's first arenas.
        for path in paths[:50]:
            check(path, FACTS, on=ON)
        builtin_loop()
        rows = [
            (f"{calls:,} checks, shipped pack id (baseline)", growth(builtin_loop)),
            (f"{calls:,} checks, distinct pack files", growth(distinct_loop)),
            (f"{calls:,} checks, distinct pack files again", growth(distinct_loop)),
            (f"{calls:,} checks, the same pack file", growth(same_loop)),
        ]

    if durable_available():
        from sep.evaluation._stream import RuleStream

        def streams_closed() -> None:
            for i in range(streams):
                with RuleStream(GRADUATION, on=ON) as stream:
                    stream.post(i, FACTS)

        def streams_dropped() -> None:
            for i in range(streams):
                stream = RuleStream(GRADUATION, on=ON)
                stream.post(i, FACTS)
                del stream

        streams_closed()  # warm-up
        rows.append((f"{streams:,} streams closed (baseline)", growth(streams_closed)))
        rows.append((f"{streams:,} streams dropped without close()", growth(streams_dropped)))
    else:
        print("durable-rules is not available here: stream rows skipped")

    print(f"RSS growth (MB), one process, RSS now {rss_mb():.0f} MB")
    for name, mb in rows:
        print(f"  {name:48} {mb:+8.1f}")
    loops = [mb for name, mb in rows if "pack file" in name]
    ok = all(mb < 10 for mb in loops)
    print(f"goal: pack-file loops under +10 MB: {'met' if ok else 'NOT met'}")


if __name__ == "__main__":
    main()
