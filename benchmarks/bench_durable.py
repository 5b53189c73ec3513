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


Variant = Callable[[list[dict[str, Any]]], None]


def interleaved(
    variants: dict[str, Variant], facts: list[dict[str, Any]], block: int = 500
) -> dict[str, float]:
    """Fact sets per second of each variant, run block by block in rotating order.

    Interleaving spreads the load of a shared machine evenly over the variants, so their
    ratios stay meaningful even when absolute speeds drift during the run.
    """
    spent = dict.fromkeys(variants, 0.0)
    names = list(variants)
    for index, start in enumerate(range(0, len(facts), block)):
        chunk = facts[start : start + block]
        shift = index % len(names)
        for name in names[shift:] + names[:shift]:
            gc.collect()
            began = time.perf_counter()
            variants[name](chunk)
            spent[name] += time.perf_counter() - began
    return {name: len(facts) / seconds for name, seconds in spent.items()}


def quiet(facts: list[dict[str, Any]], name: str = "bench_raw_quiet") -> dict[str, float]:
    """Fact sets per second of raw durable-rules and of the adapter, on a host without timer
    threads, interleaved on the same ``facts`` (parts (a) and (b))."""
    durable = _durable()
    engine = durable.engine
    from durable import lang

    ids = itertools.count(1)

    # (a) the same definition written with durable.lang, on a host without timer threads.
    host = durable.QuietHost()
    define_raw(lang, name)
    # Take the definition out of durable.lang's pending table before the global host sees it.
    name, definition = lang._rulesets.pop(name).define()
    host.register_rulesets({name: definition})

    def raw_quiet_post(chunk: list[dict[str, Any]]) -> None:
        for one in chunk:
            event = dict(one, id=next(ids))
            with contextlib.suppress(engine.MessageNotHandledException):
                host.post(name, event)

    def raw_quiet_assert(chunk: list[dict[str, Any]]) -> None:
        for one in chunk:
            sid = str(next(ids))
            fact = dict(one, sid=sid, id=sid)
            with contextlib.suppress(engine.MessageNotHandledException):
                host.assert_fact(name, fact)
            with contextlib.suppress(durable.error):
                host.delete_state(name, sid)

    # (b) the adapter, and its reference path through durable's Python action layer.
    with DurableRuleset(LEAVES) as rules:

        def adapter(chunk: list[dict[str, Any]]) -> None:
            for one in chunk:
                rules.evaluate(one)

        def adapter_durable_actions(chunk: list[dict[str, Any]]) -> None:
            for one in chunk:
                rules._verdicts(one, rules._fire_with_durable_actions)

        return interleaved(
            {
                "raw post": raw_quiet_post,
                "raw assert_fact+delete_state": raw_quiet_assert,
                "adapter evaluate": adapter,
                "adapter via durable's Python actions": adapter_durable_actions,
            },
            facts,
        )


def figures(n: int = 20_000) -> dict[str, float]:
    """The figure of ``run.py``: the adapter's rate over raw durable-rules ``post``
    (goal >= 0.7), both on the same facts in this run."""
    found = quiet(make_facts(n), name="bench_raw_figures")
    return {"adapter_vs_durable_rules": found["adapter evaluate"] / found["raw post"]}


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
    quiet_rates = quiet(facts)
    rules = DurableRuleset(LEAVES)
    check = rules.evaluate(facts[0])

    def adapter(chunk: list[dict[str, Any]]) -> None:
        for one in chunk:
            rules.evaluate(one)

    # The usual way last: durable.lang's global host starts two timer threads that never
    # stop and slow everything after them, so the adapter is measured again beside it.
    define_raw(lang, "bench_raw_lang")

    def raw_lang_post(chunk: list[dict[str, Any]]) -> None:
        for one in chunk:
            event = dict(one, id=next(ids))
            with contextlib.suppress(engine.MessageNotHandledException):
                lang.post("bench_raw_lang", event)

    usual = interleaved(
        {"raw durable.lang post": raw_lang_post, "adapter evaluate": adapter}, facts
    )
    rules.close()

    print(f"durable-rules adapter benchmark: {len(LEAVES)} leaves, {n:,} fact sets")
    print(f"sample verdicts: {check}")
    print("A decision = all leaves of one fact set. Raw post: an event fires only its first")
    print("matching rule (events are consumed); raw assert_fact fires every matching rule.")
    print()
    print("On a host without timer threads (variants interleaved in blocks of 500):")
    raw_post, raw_assert = quiet_rates["raw post"], quiet_rates["raw assert_fact+delete_state"]
    print(f"{'variant':<40} {'per second':>11} {'/ raw post':>11} {'/ raw assert':>13}")
    for label, rate in quiet_rates.items():
        print(f"{label:<40} {rate:>11,.0f} {rate / raw_post:>11.2f} {rate / raw_assert:>13.2f}")
    print()
    print("Beside durable.lang's global host (its timer threads running):")
    lang_post = usual["raw durable.lang post"]
    print(f"{'variant':<40} {'per second':>11} {'/ lang post':>11}")
    for label, rate in usual.items():
        print(f"{label:<40} {rate:>11,.0f} {rate / lang_post:>11.2f}")
    print("(goal: adapter / raw >= 0.7)")

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
