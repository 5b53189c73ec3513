"""Hostile posts to the streaming engine (3.1, 4.2.1, 4.3.5, 4.3.7-b): refused, state kept.

A :class:`~sep.evaluation.RuleStream` keeps facts per key as they arrive. Junk posted to
it — the junk of the named-inputs suite, junk periods and amounts to
:class:`~sep.evaluation.GraduationStream`'s event methods, junk keys, junk fact lists to
:func:`~sep.evaluation.check_stream` — must be refused with a
:class:`~sep.errors.SepError` or read as missing (every criterion UNKNOWN), like the
direct engine; and after a refusal the key's facts and decision are exactly as before,
even when the same update also carried a valid value.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sep.errors import SepError
from sep.evaluation import (
    ELIGIBILITY,
    EVALUATION,
    GRADUATION,
    TORCH_2018_GRADUATION,
    Decision,
    GraduationStream,
    RuleStream,
    check_stream,
)
from sep.evaluation import _durable as durable_adapter
from tests._fuzz import FuzzFailure, run_case
from tests.strategies import (
    Hostile,
    JunkMapping,
    junk_amount_text_s,
    junk_date_s,
    junk_facts_s,
    junk_for,
    junk_object_s,
    pick,
)
from tests.test_fuzz_inputs import PACKS, all_unknown, junk_inputs

pytestmark = pytest.mark.skipif(
    not durable_adapter.durable_available(),
    reason="durable-rules (sep[stream]) cannot be imported here",
)

ON = dt.date(2026, 1, 1)
BOUNDARY = "streams"
#: Per pack: the facts the base key starts from, and a valid update that changes them.
BASE: dict[str, tuple[dict[str, Any], dict[str, Any]]] = {
    GRADUATION: ({"listed": False, "revenue": "20000000"}, {"listed": True}),
    ELIGIBILITY: ({"strong_rd": False}, {"strong_rd": True}),
    EVALUATION: ({"score_total": 50}, {"score_total": 90}),
    TORCH_2018_GRADUATION: ({"listed": False}, {"listed": True}),
}
_fresh = itertools.count()


@pytest.fixture(scope="module")
def streams() -> Iterator[dict[str, RuleStream]]:
    """One stream per shipped pack, shared by the module's cases (durable is slow to set up)."""
    made = {pack: RuleStream(pack, on=ON) for pack in PACKS}
    made[GRADUATION] = GraduationStream(on=ON)
    yield made
    for stream in made.values():
        stream.close()


def _snapshot(stream: RuleStream, key: str) -> tuple[Any, ...]:
    decision = stream.decision(key) if key in stream else None
    return (
        stream.facts(key),
        decision.digest if decision is not None else None,
        stream.keys(),
    )


def _reset(stream: RuleStream, pack: str) -> None:
    stream.forget("base")
    stream.post("base", BASE[pack][0])


def _refusal_keeps_state(stream: RuleStream, pack: str, call: Any, bad: Any) -> None:
    """Run ``call`` against the base key; after a refusal, its state must be unchanged."""
    _reset(stream, pack)
    before = _snapshot(stream, "base")
    result = run_case(BOUNDARY, call, bad, accept=lambda r: "accepted")
    if isinstance(result, SepError):
        after = _snapshot(stream, "base")
        if after != before:
            raise FuzzFailure(f"{BOUNDARY}: a refused post changed the state: {before} -> {after}")


@given(junk_inputs())
def test_junk_posts_are_refused_or_unknown(
    streams: dict[str, RuleStream], case: tuple[str, dict[str, Any]]
) -> None:
    """Junk posted for a new key is refused with a SepError or decided UNKNOWN in every
    criterion, as the direct engine reads it."""
    pack, facts = case
    stream, key = streams[pack], f"fresh-{next(_fresh)}"
    run_case(BOUNDARY, lambda: stream.post(key, facts), (pack, facts), accept=all_unknown)
    stream.forget(key)


@given(junk_inputs())
def test_a_refused_post_leaves_the_facts_as_they_were(
    streams: dict[str, RuleStream], case: tuple[str, dict[str, Any]]
) -> None:
    """A post carrying a valid change and a junk value is refused as a whole: the key's
    facts, its decision and the stream's keys are as before (no half-applied update)."""
    pack, facts = case
    stream = streams[pack]
    update = {**BASE[pack][1], **facts}
    _refusal_keeps_state(stream, pack, lambda: stream.post("base", update), (pack, update))


@given(junk_facts_s)
def test_posts_that_are_not_named_inputs(streams: dict[str, RuleStream], facts: Any) -> None:
    """An update that is not a mapping of named inputs is refused, state unchanged."""
    stream = streams[GRADUATION]
    _refusal_keeps_state(stream, GRADUATION, lambda: stream.post("base", facts), facts)


JUNK_KEYS: list[Any] = [[1], {"k": 1}, {1}, Hostile("hash"), Hostile("eq"), float("nan")]


@given(pick(JUNK_KEYS))
def test_junk_keys_are_refused(streams: dict[str, RuleStream], key: Any) -> None:
    """A key that cannot identify facts (unhashable, or hashing and comparing raise) is
    refused with a SepError by post, decision, facts and forget."""
    stream = streams[GRADUATION]
    for method in ("post", "decision", "facts", "forget", "outcomes"):
        fn = getattr(stream, method)
        args = (key, {"listed": True}) if method == "post" else (key,)
        run_case(BOUNDARY, lambda f=fn, a=args: f(*a), (method, key), accept=lambda r: "accepted")


junk_period_s = (
    pick(
        [
            "2025Q5",
            "2025Q0",
            "Q1",
            "",
            "2025 Q1",
            "１２３４",
            "-2025",
            "99999",
            "2025-Q1x",
            2025.5,
            None,
        ]
    )
    | junk_object_s
)


@given(junk_period_s, junk_for("money") | junk_amount_text_s)
def test_graduation_events_with_junk(
    streams: dict[str, RuleStream], period: Any, amount: Any
) -> None:
    """GraduationStream's event methods (4.3.5) refuse a junk period, amount or flag with
    a SepError, leaving the key's facts as they were."""
    stream = streams[GRADUATION]
    assert isinstance(stream, GraduationStream)
    calls = [
        ("financials", lambda: stream.financials("base", period, operating_cash_flow="1")),
        ("financials", lambda: stream.financials("base", "2025Q1", operating_cash_flow=amount)),
        ("financials", lambda: stream.financials("base", "2025Q1", revenue=amount)),
        ("financials", lambda: stream.financials("base", "2025Q1", profit=amount)),
        ("financing_round", lambda: stream.financing_round("base", amount)),
        ("acquisition", lambda: stream.acquisition("base", by_founder=amount)),
    ]
    for name, call in calls:
        _refusal_keeps_state(stream, GRADUATION, call, (name, period, amount))


NOT_MANY: list[Any] = [
    None,
    5,
    Hostile("iter"),
    JunkMapping({"listed": True}, raise_on="iter"),
    (x for x in [{"listed": "yes"}]),
    (1 / 0 for _ in range(1)),
]


@given(st.sampled_from(PACKS), pick(NOT_MANY) | st.lists(junk_facts_s, min_size=1, max_size=3))
def test_check_stream_refuses_junk(pack: str, many: Any) -> None:
    """``check_stream`` over something that is not an iterable of fact sets, or over fact
    sets that are junk, is refused with a SepError (or decides them UNKNOWN)."""

    def accept(result: Any) -> None:
        for decision in result:
            if not isinstance(decision, Decision):
                raise FuzzFailure(f"check_stream gave {type(decision).__name__}")
            all_unknown(decision)

    run_case(BOUNDARY, lambda: check_stream(pack, many, on=ON), (pack, many), accept=accept)


NOT_PACKS: list[Any] = [None, 5, "", "no/such-pack", "missing.toml", b"x", Hostile(), ["p"]]


@given(
    pick(NOT_PACKS) | st.sampled_from(PACKS),
    pick([None, 5, "x", Hostile()]) | st.none(),
    junk_date_s | st.just(ON),
)
def test_streams_are_refused_junk_pack_params_or_date(pack: Any, params: Any, on: Any) -> None:
    """A stream over a junk pack, with junk ``params=`` or a junk ``on=``, is refused
    with a SepError when it is created (or, when every argument is sound, works)."""

    def accept(stream: Any) -> str:
        try:
            all_unknown(stream.post("k", {}))
        finally:
            stream.close()
        return "accepted"

    run_case(
        BOUNDARY, lambda: RuleStream(pack, params=params, on=on), (pack, params, on), accept=accept
    )
