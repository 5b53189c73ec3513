"""Benchmark of the durable-rules adapter against raw durable-rules, measured in one run.

The leaves are those of a graduation check in the style of T/CATE 0001—2020 4.3.5(c)
(revenue, profit and staff thresholds, a registration flag, an industry code). Printed:

(a) raw durable-rules on the same rules (a predicate and a complement rule per leaf) and the
    same facts: ``durable.lang.post`` on the global host (the usual way; an event fires only
    its first matching rule), ``post`` on a host without timer threads, and
    ``assert_fact`` + ``delete_state`` on that host (all leaves decided, as the adapter does);
(b) the adapter's ``DurableRuleset.evaluate`` on the same facts, and the ratio
    adapter / raw for each raw variant (goal: >= 0.7);
(c) RSS before and after many posts on one ``DurableStream`` (memory must stay flat);
(d) RSS growth over creating and closing many rulesets.

Run: ``python benchmarks/bench_durable.py [--n 20000] [--quick]``.
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import itertools
import os
import random
import time
from collections.abc import Callable
from typing import Any

from sep.evaluation._durable import DurableRuleset, Leaf, _durable

LEAVES = [
    Leaf("4.3.5(c).revenue", "revenue", ">=", 100_000_000.0, clause="4.3.5(c)"),
    Leaf("4.3.5(c).revenue_cap", "revenue", "<", 5_000_000_000.0, clause="4.3.5(c)"),
    Leaf("4.3.5(c).profit", "profit", ">=", 10_000_000.0, clause="4.3.5(c)"),
    Leaf("4.3.5(c).staff", "staff", ">=", 50.0, clause="4.3.5(c)"),
    Leaf("4.3.5(c).registered", "registered", "==", True, clause="4.3.5(c)"),
    Leaf("4.3.5(c).industry", "industry", "==", "manufacturing", clause="4.3.5(c)"),
]
COMPLEMENT = {"<": ">=", "<=": ">", ">": "<=", ">=": "<", "==": "!=", "!=": "=="}


def rss_mb() -> float:
    """Resident set size now, in MB (from /proc/self/statm)."""
    with open("/proc/self/statm") as statm:
        pages = int(statm.read().split()[1])
    return pages * os.sysconf("SC_PAGE_SIZE") / 2**20


def make_facts(n: int, seed: int = 2020) -> list[dict[str, Any]]:
    """n flat fact sets; about one input in ten is missing."""
    rng = random.Random(seed)
    facts = []
    for _ in range(n):
        one: dict[str, Any] = {
            "revenue": rng.uniform(0, 6e9),
            "profit": rng.uniform(-1e7, 5e7),
            "staff": float(rng.randrange(0, 500)),
            "registered": rng.random() < 0.8,
            "industry": rng.choice(["manufacturing", "services", "retail"]),
        }
        for name in list(one):
            if rng.random() < 0.1:
                del one[name]
        facts.append(one)
    return facts


def durable_condition(lang: Any, leaf: Leaf, op: str) -> Any:
    """The durable.lang expression ``m.<input> <op> <value>``."""
    field = getattr(lang.m, leaf.input)
    value = leaf.value
    return {
        "<": lambda: field < value,
        "<=": lambda: field <= value,
        ">": lambda: field > value,
        ">=": lambda: field >= value,
        "==": lambda: field == value,
        "!=": lambda: field != value,
    }[op]()


def recorder(slot: str, verdict: bool) -> Callable[[Any], None]:
    def action(c: Any) -> None:
        c.s[slot] = verdict

    return action


def define_raw(lang: Any, name: str) -> None:
    """The adapter's rules written the usual durable.lang way."""
    with lang.ruleset(name):
        for index, leaf in enumerate(LEAVES):
            for verdict, op in ((True, leaf.op), (False, COMPLEMENT[leaf.op])):
                lang.when_all(durable_condition(lang, leaf, op))(recorder(f"l{index}", verdict))


def timed(label: str, fn: Callable[[], int]) -> tuple[str, int, float]:
    gc.collect()
    start = time.perf_counter()
    count = fn()
    return label, count, time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=20_000, help="fact sets per throughput run")
    parser.add_argument("--quick", action="store_true", help="small sizes for a smoke run")
    args = parser.parse_args()
    n = 2_000 if args.quick else args.n
    stream_posts = 10_000 if args.quick else 100_000
    cycles = 300 if args.quick else 2_000

    durable = _durable()
    engine = durable.engine
    from durable import lang

    facts = make_facts(n)
    ids = itertools.count(1)
    raw: list[tuple[str, int, float]] = []
    ours: list[tuple[str, int, float]] = []

    # (a) the same definition written with durable.lang, on a host without timer threads.
    host = durable.QuietHost()
    define_raw(lang, "bench_raw_quiet")
    # Take the definition out of durable.lang's pending table before the global host sees it.
    name, definition = lang._rulesets.pop("bench_raw_quiet").define()
    host.register_rulesets({name: definition})

    def raw_quiet_post() -> int:
        for one in facts:
            event = dict(one, id=next(ids))
            with contextlib.suppress(engine.MessageNotHandledException):
                host.post("bench_raw_quiet", event)
        return len(facts)

    def raw_quiet_assert() -> int:
        for one in facts:
            sid = str(next(ids))
            fact = dict(one, sid=sid, id=sid)
            with contextlib.suppress(engine.MessageNotHandledException):
                host.assert_fact("bench_raw_quiet", fact)
            with contextlib.suppress(durable.error):
                host.delete_state("bench_raw_quiet", sid)
        return len(facts)

    # (b) the adapter, and its reference path through durable's Python action layer.
    rules = DurableRuleset(LEAVES)
    check = rules.evaluate(facts[0])

    def adapter() -> int:
        for one in facts:
            rules.evaluate(one)
        return len(facts)

    def adapter_durable_actions() -> int:
        for one in facts:
            rules._verdicts(one, rules._fire_with_durable_actions)
        return len(facts)

    for _ in range(2):  # two rounds; the best of each is kept
        raw.append(timed("raw post (no-thread host)", raw_quiet_post))
        raw.append(timed("raw assert_fact+delete_state (no-thread host)", raw_quiet_assert))
        ours.append(timed("adapter evaluate", adapter))
        ours.append(timed("adapter via durable's Python actions", adapter_durable_actions))
    rules.close()

    # The usual way last: durable.lang's global host starts two timer threads that never
    # stop and would slow every later measurement.
    define_raw(lang, "bench_raw_lang")

    def raw_lang_post() -> int:
        for one in facts:
            event = dict(one, id=next(ids))
            with contextlib.suppress(engine.MessageNotHandledException):
                lang.post("bench_raw_lang", event)
        return len(facts)

    for _ in range(2):
        raw.append(timed("raw durable.lang post (global host)", raw_lang_post))

    def best(rows: list[tuple[str, int, float]]) -> dict[str, float]:
        rates: dict[str, float] = {}
        for label, count, seconds in rows:
            rates[label] = max(rates.get(label, 0.0), count / seconds)
        return rates

    raw_rates, our_rates = best(raw), best(ours)
    print(f"durable-rules adapter benchmark: {len(LEAVES)} leaves, {n:,} fact sets (best of 2)")
    print(f"sample verdicts: {check}")
    print()
    print("Raw durable-rules: one post fires only the first matching rule (events are")
    print("consumed); assert_fact fires every matching rule, i.e. decides all leaves.")
    print(f"{'raw variant':<48} {'posts/s':>10}")
    for label, rate in raw_rates.items():
        print(f"{label:<48} {rate:>10,.0f}")
    print()
    print("Ratio adapter / raw, per raw variant (goal >= 0.7); a decision = all leaves of one")
    print("fact set.")
    short = ["/ raw post", "/ raw assert", "/ lang post"]
    header = "".join(f"{label:>14}" for label in short[: len(raw_rates)])
    print(f"{'adapter variant':<40} {'decisions/s':>11}{header}")
    for label, rate in our_rates.items():
        ratios = "".join(f"{rate / raw_rate:>14.2f}" for raw_rate in raw_rates.values())
        print(f"{label:<40} {rate:>11,.0f}{ratios}")

    # (c) memory over a long stream (1,000 entities, partial facts, flat memory expected).
    with DurableRuleset(LEAVES) as rules:
        stream = rules.stream()
        for i in range(2_000):  # warm up: fill the entity table once
            stream.post(i % 1_000, facts[i % n])
        gc.collect()
        before = rss_mb()
        start = time.perf_counter()
        for i in range(stream_posts):
            one = facts[i % n]
            key = i % 1_000
            partial = {k: v for j, (k, v) in enumerate(one.items()) if (i + j) % 2 == 0}
            stream.post(key, partial)
        seconds = time.perf_counter() - start
        gc.collect()
        after = rss_mb()
    print()
    print(
        f"stream: {stream_posts:,} posts over 1,000 entities:"
        f" {stream_posts / seconds:,.0f} posts/s,"
        f" RSS {before:.1f} MB -> {after:.1f} MB ({after - before:+.1f} MB)"
    )

    # (d) memory over creating and closing rulesets.
    for _ in range(50):  # warm up allocator pools
        DurableRuleset(LEAVES).close()
    gc.collect()
    before = rss_mb()
    start = time.perf_counter()
    for _ in range(cycles):
        with DurableRuleset(LEAVES) as rules:
            rules.evaluate(facts[0])
    seconds = time.perf_counter() - start
    gc.collect()
    after = rss_mb()
    print(
        f"rulesets: {cycles:,} create+evaluate+close: {cycles / seconds:,.0f}/s,"
        f" RSS {before:.1f} MB -> {after:.1f} MB ({after - before:+.1f} MB)"
    )


if __name__ == "__main__":
    main()
