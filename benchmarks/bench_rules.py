"""Benchmark of the rule engines, all measured in one run on the same graduation facts (4.3.5).

(a) durable-rules: the stream (:class:`sep.evaluation.RuleStream`) and the durable adapter
    under it, against raw durable-rules on the same rules (a predicate and a complement
    rule per leaf, compiled from the graduation pack) and the same posted facts. Raw
    ``post`` fires only the first matching rule of an event; ``assert_fact`` decides every
    leaf through durable's Python action layer. Goal: adapter >= 0.7 of raw ``post``.
(b) single explained decisions: :func:`sep.evaluation.check_graduation` against GoRules ZEN
    (``zen-engine``) running a JDM decision model of the same four criteria 4.3.5(a)–(d),
    with (c)'s five sub-conditions, the same thresholds and the same three-valued logic
    (``null`` is unknown). Both read "outcome only" and "outcome + every criterion".
    ZEN gets the cash-flow window as a list of the last four quarters (it cannot window
    periods itself); ``sep`` gets the period mapping and finds the window. Goal: >= 20x ZEN.
(c) column-wise: ``benchmarks/bench_batch.py`` (batch vs hand-written NumPy vs a Python loop).

Every variant runs block by block in rotating order (``interleaved`` from
``bench_durable.py``), so load on a shared machine spreads evenly and ratios stay fair.

Run: ``python benchmarks/bench_rules.py [--quick] [--n 20000] [--no-batch]``.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import itertools
import json
import random
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import attrs
import bench_durable

from sep.evaluation import GRADUATION, Outcome, check, check_graduation
from sep.evaluation._durable import _durable, durable_available
from sep.evaluation._stream import RuleStream

ON = dt.date(2026, 1, 1)
QUARTERS = ("2025Q1", "2025Q2", "2025Q3", "2025Q4")


def make_facts(n: int, seed: int = 4305) -> list[dict[str, Any]]:
    """Incubatees near the 4.3.5 thresholds; about one input in eight is missing."""
    rng = random.Random(seed)
    facts = []
    for _ in range(n):
        one: dict[str, Any] = {
            "acquired_by_founder": rng.random() < 0.05,
            "listed": rng.random() < 0.1,
            "largest_financing_round": rng.randrange(0, 80_000_000),
            "revenue": rng.randrange(0, 25_000_000),
            "profit": rng.randrange(-1_000_000, 4_000_000),
            "operating_cash_flow": {
                q: rng.randrange(-100_000, 1_000_000) for q in QUARTERS if rng.random() < 0.95
            },
            "organisation_complete": rng.random() < 0.7,
            "needs_platform_services": rng.random() < 0.5,
            "platform_equity_exited": rng.random() < 0.05,
        }
        for name in list(one):
            if rng.random() < 0.125:
                del one[name]
        facts.append(one)
    return facts


# -- (b) the ZEN decision model ----------------------------------------------------------


def _node(node_id: str, kind: str, name: str, content: Any = None) -> dict[str, Any]:
    node: dict[str, Any] = {"id": node_id, "type": kind, "name": name, "position": {"x": 0, "y": 0}}
    if content is not None:
        node["content"] = content
    return node


def _expressions(pairs: list[tuple[str, str]]) -> dict[str, Any]:
    return {
        "expressions": [{"id": f"e{i}", "key": k, "value": v} for i, (k, v) in enumerate(pairs)]
    }


def _is(field: str, want: str = "true") -> str:
    return f"{field} == null ? null : {field} == {want}"


def _and(*xs: str) -> str:
    false = " or ".join(f"{x} == false" for x in xs)
    null = " or ".join(f"{x} == null" for x in xs)
    return f"({false}) ? false : (({null}) ? null : true)"


def _or(*xs: str) -> str:
    true = " or ".join(f"{x} == true" for x in xs)
    null = " or ".join(f"{x} == null" for x in xs)
    return f"({true}) ? true : (({null}) ? null : false)"


def zen_model(p: dict[str, Any], *, single: bool = False) -> str:
    """A JDM graph: leaves (expression node) → (b), (c).cash_flow → (c) → graduate; or, with
    ``single``, one expression node whose later expressions read the earlier ones (``$.``)."""
    leaves = [
        ("a", _is("acquired_by_founder")),
        ("b_listing", _is("listed")),
        (
            "b_financing",
            "largest_financing_round == null ? null : "
            f"largest_financing_round >= {p['large_financing_min']}",
        ),
        ("c_revenue", f"revenue == null ? null : revenue >= {p['revenue_min']}"),
        ("c_profit", f"profit == null ? null : profit >= {p['profit_min']}"),
        (
            "cf_each",
            "cf == null ? null : (some(cf, # != null and # <= 0) ? false : "
            "(some(cf, # == null) ? null : true))",
        ),
        (
            "cf_stable",
            "cf == null or some(cf, # == null) ? null : (sum(cf) <= 0 ? false : "
            f"min(cf) / (sum(cf) / len(cf)) >= {p['cash_flow_stability_ratio']})",
        ),
        ("c_organisation", _is("organisation_complete")),
        ("c_services", _is("needs_platform_services", "false")),
        ("d", _is("platform_equity_exited")),
    ]
    if single:
        combined = [
            *leaves,
            ("b", _or("$.b_listing", "$.b_financing")),
            ("c_cash_flow", _and("$.cf_each", "$.cf_stable")),
            ("c", _and("$.c_revenue", "$.c_profit", "$.c_cash_flow", "$.c_organisation",
                       "$.c_services")),
            ("graduate", _or("$.a", "$.b", "$.c", "$.d")),
        ]  # fmt: skip
        one = [
            _node("in", "inputNode", "Request"),
            _node("all", "expressionNode", "4.3.5", _expressions(combined)),
            _node("out", "outputNode", "Response"),
        ]
        links = [
            {"id": "x0", "sourceId": "in", "targetId": "all", "type": "edge"},
            {"id": "x1", "sourceId": "all", "targetId": "out", "type": "edge"},
        ]
        return json.dumps({"nodes": one, "edges": links})
    keep = [(k, k) for k, _ in leaves if not k.startswith("cf_")]
    middle = [
        *keep,
        ("b", _or("b_listing", "b_financing")),
        ("c_cash_flow", _and("cf_each", "cf_stable")),
    ]
    parts = ["c_revenue", "c_profit", "c_cash_flow", "c_organisation", "c_services"]
    third = [(k, k) for k, _ in middle] + [("c", _and(*parts))]
    final = [(k, k) for k, _ in third] + [("graduate", _or("a", "b", "c", "d"))]
    nodes = [
        _node("in", "inputNode", "Request"),
        _node("leaves", "expressionNode", "leaves", _expressions(leaves)),
        _node("bc", "expressionNode", "(b) and (c) cash flow", _expressions(middle)),
        _node("c", "expressionNode", "(c)", _expressions(third)),
        _node("grad", "expressionNode", "graduate", _expressions(final)),
        _node("out", "outputNode", "Response"),
    ]
    order = [n["id"] for n in nodes]
    edges = [
        {"id": f"x{i}", "sourceId": a, "targetId": b, "type": "edge"}
        for i, (a, b) in enumerate(itertools.pairwise(order))
    ]
    return json.dumps({"nodes": nodes, "edges": edges})


#: ZEN output key → sep criterion id.
ZEN_KEYS = {
    "graduate": "",
    "a": "4.3.5(a)",
    "b": "4.3.5(b)",
    "b_listing": "4.3.5(b).listing",
    "b_financing": "4.3.5(b).financing",
    "c": "4.3.5(c)",
    "c_revenue": "4.3.5(c).revenue",
    "c_profit": "4.3.5(c).profit",
    "c_cash_flow": "4.3.5(c).cash_flow",
    "c_organisation": "4.3.5(c).organisation",
    "c_services": "4.3.5(c).services",
    "d": "4.3.5(d)",
}


def zen_input(facts: dict[str, Any]) -> dict[str, Any]:
    out = {k: v for k, v in facts.items() if k != "operating_cash_flow"}
    if "operating_cash_flow" in facts:
        series = facts["operating_cash_flow"]
        out["cf"] = [series.get(q) for q in QUARTERS]
    return out


# -- measuring ---------------------------------------------------------------------------


def rates(variants: dict[str, Callable[[list[Any]], None]], items: list[Any]) -> dict[str, float]:
    return bench_durable.interleaved(variants, items, block=max(1, min(500, len(items) // 10)))


def table(title: str, found: dict[str, float], base: str, unit: str = "decisions/s") -> None:
    print(title)
    print(f"  {'variant':<58} {unit:>12} {'ratio':>8}")
    for label, rate in found.items():
        print(f"  {label:<58} {rate:>12,.0f} {rate / found[base]:>7.2f}x")
    print(f"  (ratio: against {base!r})")
    print()


def _silent(*args: Any, **kwargs: Any) -> None:
    pass


def figures(n: int = 20_000) -> dict[str, float]:
    """The figures of ``run.py``, each a ratio measured in this run on the same fact sets:
    the durable adapter and ``RuleStream.evaluate`` (full decisions) over raw durable-rules
    ``post``, and ``check_graduation`` with every criterion's outcome read over ZEN reading
    the same criteria."""
    facts = make_facts(n)
    return {**part_a(facts, show=False), **part_b(facts, show=False)}


def part_a(facts: list[dict[str, Any]], show: bool = True) -> dict[str, float]:
    say = print if show else _silent
    if not durable_available():
        say("(a) skipped: durable-rules cannot be imported here\n")
        return {}
    durable = _durable()
    from durable import lang

    stream = RuleStream(GRADUATION, on=ON)
    compiled = stream._compiled
    normal = [stream.evaluator.facts(f) for f in facts]
    posted = [compiled.posted(one) for one in normal]
    # durable.lang wants JSON numbers: the same values as floats (the adapter converts too).
    as_json = [{k: float(v) if not isinstance(v, bool | str) else v for k, v in p.items()}
               for p in posted]  # fmt: skip

    host = durable.QuietHost()
    with lang.ruleset("bench_rules_raw"):
        for index, exact in enumerate(compiled.leaves):
            value = exact.value if isinstance(exact.value, bool | str) else float(exact.value)
            leaf = attrs.evolve(exact, value=value)
            cmp = bench_durable.COMPLEMENT
            for verdict, op in ((True, leaf.op), (False, cmp[leaf.op])):
                lang.when_all(bench_durable.durable_condition(lang, leaf, op))(
                    bench_durable.recorder(f"l{index}", verdict)
                )
    name, definition = lang._rulesets.pop("bench_rules_raw").define()
    host.register_rulesets({name: definition})
    engine = durable.engine
    ids = itertools.count(1)

    def raw_post(chunk: list[int]) -> None:
        for i in chunk:
            event = dict(as_json[i], id=next(ids))
            with contextlib.suppress(engine.MessageNotHandledException):
                host.post(name, event)

    def raw_assert(chunk: list[int]) -> None:
        for i in chunk:
            sid = str(next(ids))
            fact = dict(as_json[i], id=sid, sid=sid)
            with contextlib.suppress(engine.MessageNotHandledException):
                host.assert_fact(name, fact)
            with contextlib.suppress(Exception):
                host.delete_state(name, sid)

    ruleset = compiled.rulesets[0]

    def adapter(chunk: list[int]) -> None:
        for i in chunk:
            ruleset.evaluate(posted[i])

    def stream_evaluate(chunk: list[int]) -> None:
        for i in chunk:
            stream.evaluate(facts[i])

    keys = 1_000

    def stream_post(chunk: list[int]) -> None:
        for i in chunk:
            stream.post(i % keys, facts[i])

    found = rates(
        {
            "raw durable-rules post (first matching rule only)": raw_post,
            "raw durable-rules assert_fact (every leaf, durable actions)": raw_assert,
            "adapter DurableRuleset.evaluate (every leaf)": adapter,
            "RuleStream.evaluate (normalise, measure, Decision)": stream_evaluate,
            "RuleStream.post (merge per key, 1,000 keys)": stream_post,
        },
        list(range(len(facts))),
    )
    if show:
        table(
            f"(a) durable-rules, graduation pack: {len(compiled.leaves)} durable leaves "
            f"({2 * len(compiled.leaves)} rules), {len(facts):,} fact sets",
            found,
            "raw durable-rules post (first matching rule only)",
        )
    if show:
        agree = sum(
            stream.evaluate(f).outcome is check(GRADUATION, f, on=ON).outcome for f in facts[:2000]
        )
        say(f"  stream and check() agree on {agree:,} of {min(2000, len(facts)):,} fact sets\n")
    stream.close()
    raw = found["raw durable-rules post (first matching rule only)"]
    return {
        "adapter_vs_durable_rules": found["adapter DurableRuleset.evaluate (every leaf)"] / raw,
        "stream_vs_durable_rules": found["RuleStream.evaluate (normalise, measure, Decision)"]
        / raw,
    }


def part_b(facts: list[dict[str, Any]], show: bool = True) -> dict[str, float]:
    say = print if show else _silent
    try:
        import zen
    except ImportError:
        say("(b) skipped: zen-engine is not installed\n")
        return {}
    params = {u.name: u.value for u in check_graduation({}, on=ON).parameters}
    chained = zen.ZenEngine().create_decision(zen_model(params))
    decision = zen.ZenEngine().create_decision(zen_model(params, single=True))
    inputs = [zen_input(f) for f in facts]
    ids = [r.id for top in check_graduation({}, on=ON).criteria for r in top.walk()]
    codes = {True: Outcome.MET, False: Outcome.NOT_MET, None: Outcome.UNKNOWN}

    def sep_outcome(chunk: list[int]) -> None:
        for i in chunk:
            _ = check_graduation(facts[i], on=ON).outcome

    def sep_every(chunk: list[int]) -> None:
        for i in chunk:
            d = check_graduation(facts[i], on=ON)
            _ = d.outcome, [d.outcome_of(c) for c in ids]

    def sep_trace(chunk: list[int]) -> None:
        for i in chunk:
            d = check_graduation(facts[i], on=ON)
            _ = d.outcome, [r.outcome for top in d.criteria for r in top.walk()]

    def zen_outcome(chunk: list[int]) -> None:
        for i in chunk:
            _ = decision.evaluate(inputs[i])["result"].get("graduate")

    def zen_every(chunk: list[int]) -> None:
        for i in chunk:
            result = decision.evaluate(inputs[i])["result"]
            _ = [result.get(k) for k in ZEN_KEYS]

    def zen_chained(chunk: list[int]) -> None:
        for i in chunk:
            result = chained.evaluate(inputs[i])["result"]
            _ = [result.get(k) for k in ZEN_KEYS]

    found = rates(
        {
            "ZEN evaluate, outcome only": zen_outcome,
            "ZEN evaluate, outcome + every criterion": zen_every,
            "ZEN evaluate, 4 chained nodes, every criterion": zen_chained,
            "sep check_graduation, outcome only": sep_outcome,
            "sep check_graduation, outcome + outcome_of(every criterion)": sep_every,
            "sep check_graduation, outcome + full trace (values, margins)": sep_trace,
        },
        list(range(len(facts))),
    )
    if show:
        table(
            f"(b) single explained decisions, 4.3.5(a)–(d), {len(facts):,} incubatees",
            found,
            "ZEN evaluate, outcome only",
        )
    only = found["sep check_graduation, outcome only"] / found["ZEN evaluate, outcome only"]
    every = (
        found["sep check_graduation, outcome + outcome_of(every criterion)"]
        / found["ZEN evaluate, outcome + every criterion"]
    )
    trace = (
        found["sep check_graduation, outcome + full trace (values, margins)"]
        / found["ZEN evaluate, outcome + every criterion"]
    )
    say(f"  sep / ZEN, outcome only:              {only:6.1f}x (goal >= 20x)")
    say(f"  sep / ZEN, outcome + every criterion: {every:6.1f}x (goal >= 20x)")
    say(f"  sep full trace / ZEN every criterion: {trace:6.1f}x (sep also gives values, margins)")
    if not show:
        return {"single_decisions_vs_zen": every}
    for label, model in (("one node", decision), ("chained", chained)):
        disagree = 0
        for f, g in zip(facts[:2000], inputs[:2000], strict=True):
            d = check(GRADUATION, f, on=ON)
            result = model.evaluate(g)["result"]
            for key, cid in ZEN_KEYS.items():
                want = d.outcome if not cid else d.outcome_of(cid)
                if codes[result.get(key)] is not want:
                    disagree += 1
                    break
        say(f"  ZEN ({label}) and sep disagree on {disagree} of {min(2000, len(facts)):,}")
    say()
    return {"single_decisions_vs_zen": every}


def part_c(quick: bool) -> None:
    try:
        import bench_batch
    except ImportError as err:
        print(f"(c) skipped: {err}\n")
        return
    print("(c) column-wise: benchmarks/bench_batch.py")
    argv = sys.argv
    sys.argv = ["bench_batch.py", "--quick"] if quick else ["bench_batch.py", "--repeat", "2"]
    try:
        bench_batch.main()
    finally:
        sys.argv = argv


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=20_000, help="fact sets for (a) and (b)")
    parser.add_argument("--quick", action="store_true", help="small sizes for a smoke run")
    parser.add_argument("--no-batch", action="store_true", help="skip (c)")
    args = parser.parse_args()
    n = 3_000 if args.quick else args.n
    facts = make_facts(n)
    started = time.perf_counter()
    print(f"python {sys.version.split()[0]}; graduation pack as of {ON}\n")
    part_a(facts)
    part_b(facts)
    if not args.no_batch:
        part_c(args.quick)
    print(f"total {time.perf_counter() - started:.0f} s")


if __name__ == "__main__":
    main()
