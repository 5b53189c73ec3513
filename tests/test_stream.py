"""The streaming engine on durable-rules (4.3.5 graduation, 3.1/4.2.1, 4.3.7-b, loaded packs).

Every test checks the stream against the direct evaluator (:func:`sep.evaluation.check`)
on the same merged facts, or checks what the stream itself promises: merging per key and
per period, refusing bad updates without changing state, and failing clearly where
durable-rules is unavailable.
"""

from __future__ import annotations

import copy
import datetime as dt
import threading
import tomllib
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import pytest

from sep.errors import EngineError, EngineUnavailableError, ValidationError
from sep.evaluation import (
    ELIGIBILITY,
    EVALUATION,
    GRADUATION,
    TORCH_2018_GRADUATION,
    Decision,
    GraduationStream,
    Outcome,
    RuleStream,
    builtin_pack,
    check,
    check_stream,
    pack_from_mapping,
)
from sep.evaluation import _durable as durable_adapter

ON = dt.date(2026, 1, 1)

pytestmark = [
    pytest.mark.skipif(
        not durable_adapter.durable_available(), reason="durable-rules cannot be imported here"
    ),
    pytest.mark.clause(
        "3.1", "4.2.1", "4.3.5", "4.3.5(a)", "4.3.5(b)", "4.3.5(c)", "4.3.5(d)", "4.3.7-b"
    ),
]


def _ids(decision: Decision) -> list[str]:
    return [r.id for top in decision.criteria for r in top.walk()]


def assert_same(streamed: Decision, direct: Decision) -> None:
    """The streamed decision equals the direct one in outcome, criteria and record."""
    assert streamed.outcome is direct.outcome
    for cid in _ids(direct):
        assert streamed.outcome_of(cid) is direct.outcome_of(cid), cid
    assert streamed.met_by == direct.met_by
    assert streamed.digest == direct.digest
    assert streamed.to_dict() == direct.to_dict()
    assert streamed.explain() == direct.explain()


@pytest.fixture
def stream() -> Iterator[GraduationStream]:
    with GraduationStream(on=ON) as s:
        yield s


def test_updates_merge_per_key_into_the_decision_check_gives(stream: GraduationStream) -> None:
    """4.3.5(c): revenue, profit and organisation arriving one by one give, after each post,
    the decision check() gives for everything known so far; other keys are untouched."""
    updates: list[dict[str, Any]] = [
        {"revenue": "12000000"},
        {"profit": "1500000", "organisation_complete": True},
        {"needs_platform_services": False},
        {"operating_cash_flow": {"2025Q1": "300000", "2025Q2": "280000"}},
        {"operating_cash_flow": {"2025Q3": "310000", "2025Q4": "290000"}},
    ]
    merged: dict[str, Any] = {}
    for update in updates:
        for name, value in update.items():
            if isinstance(value, dict):
                merged[name] = {**merged.get(name, {}), **value}
            else:
                merged[name] = value
        decision = stream.post("acme", update)
        assert_same(decision, check(GRADUATION, merged, on=ON))
    assert decision.outcome is Outcome.MET
    assert decision.met_by == ("4.3.5(c)",)
    stream.post("other", {"listed": False})
    assert stream.decision("acme") is decision
    assert stream.keys() == ("acme", "other")
    assert len(stream) == 2 and "other" in stream


def test_none_erases_a_fact_and_a_period(stream: GraduationStream) -> None:
    """Missing data is UNKNOWN: posting None makes an input unknown again (4.3.5(b)), and a
    None period amount removes that period from the 4.3.5(c) cash-flow window."""
    assert stream.post("a", {"listed": True}).outcome is Outcome.MET
    assert stream.post("a", {"listed": None}).outcome is Outcome.UNKNOWN
    quarters = {f"2025Q{q}": "100" for q in range(1, 5)}
    d = stream.post("a", {"operating_cash_flow": quarters})
    assert d.outcome_of("4.3.5(c).cash_flow") is Outcome.MET
    d = stream.post("a", {"operating_cash_flow": {"2025Q2": None}})
    assert d.outcome_of("4.3.5(c).cash_flow") is Outcome.UNKNOWN
    assert "operating_cash_flow[2025Q2]" in d.result_of("4.3.5(c).cash_flow").missing
    assert [str(p) for p, _ in stream.facts("a")["operating_cash_flow"]] == [
        "2025Q1",
        "2025Q3",
        "2025Q4",
    ]
    d = stream.post("a", {"operating_cash_flow": None})
    assert "operating_cash_flow" not in stream.facts("a")
    assert d.outcome_of("4.3.5(c).cash_flow") is Outcome.UNKNOWN


@pytest.mark.parametrize(
    ("update", "field", "clause"),
    [
        ({"revenue": "lots"}, "revenue", "4.3.5(c)"),
        ({"revenue": 1.5}, "revenue", "4.3.5(c)"),
        ({"revenue": "-1"}, "revenue", "4.3.5(c)"),
        ({"listed": "yes"}, "listed", "4.3.5(b)"),
        ({"operating_cash_flow": {"2025Q5": "1"}}, "operating_cash_flow[2025Q5]", "4.3.5(c)"),
        ({"operating_cash_flow": {"2024": "1"}}, "operating_cash_flow", "4.3.5(c)"),
        ({"largest_financing_round": "1E+400"}, "largest_financing_round", "4.3.5(b)"),
    ],
)
def test_a_bad_update_names_input_and_clause_and_changes_nothing(
    stream: GraduationStream, update: dict[str, Any], field: str, clause: str
) -> None:
    """A refused update (wrong type, a negative revenue, bad period, years mixed with
    quarters, a number durable-rules cannot hold) raises ValidationError naming the input
    and its clause, and the key's facts and decision stay as they were."""
    before = stream.post("acme", {"listed": False, "operating_cash_flow": {"2025Q1": "5"}})
    facts = stream.facts("acme")
    with pytest.raises(ValidationError) as caught:
        stream.post("acme", {"acquired_by_founder": True, **update})
    assert caught.value.field == field
    assert caught.value.clause == clause
    assert stream.facts("acme") == facts
    assert stream.decision("acme") is before


def test_decision_of_an_unknown_key_is_refused(stream: GraduationStream) -> None:
    """decision() and outcomes() of a key never posted (or forgotten) raise ValidationError."""
    stream.post("acme", {"listed": True})
    stream.forget("acme")
    stream.forget("never")
    with pytest.raises(ValidationError, match="nothing was posted"):
        stream.decision("acme")
    with pytest.raises(ValidationError):
        stream.outcomes("acme")
    assert len(stream) == 0


class _Unhashable:
    def __hash__(self) -> int:
        raise RuntimeError("cannot hash")


@pytest.mark.parametrize("key", [[1], {"k": 1}, _Unhashable()], ids=["list", "dict", "raising"])
def test_a_key_that_cannot_identify_facts_is_refused(stream: GraduationStream, key: Any) -> None:
    """post, decision, outcomes, facts and forget refuse a key that is not hashable (or
    whose hash raises) with a ValidationError naming ``key``; the stream is unchanged."""
    stream.post("acme", {"listed": True})
    for call in (
        lambda: stream.post(key, {"listed": True}),
        lambda: stream.decision(key),
        lambda: stream.outcomes(key),
        lambda: stream.facts(key),
        lambda: stream.forget(key),
    ):
        with pytest.raises(ValidationError) as info:
            call()
        assert info.value.field == "key"
    assert stream.keys() == ("acme",)


def test_a_period_that_is_no_label_is_refused(stream: GraduationStream) -> None:
    """4.3.5(c): ``financials`` refuses a period that is neither a label nor a Period (it
    was turned into text with ``str()``, whatever it was), naming ``period``."""
    for period in (2025.5, ["2025Q1"], _Unhashable(), 10**5000):
        with pytest.raises(ValidationError) as info:
            stream.financials("acme", period, operating_cash_flow="1")  # type: ignore[arg-type]
        assert info.value.field == "period"
    assert stream.facts("acme") == {}


def test_check_stream_refuses_what_is_no_iterable_of_fact_sets() -> None:
    """check_stream over None, a number, or an iterator that raises is refused with a
    ValidationError naming ``many``."""

    def failing() -> Iterator[dict[str, Any]]:
        yield {"listed": True}
        raise ZeroDivisionError("source failed")

    for many in (None, 5, failing()):
        with pytest.raises(ValidationError) as info:
            check_stream(GRADUATION, many, on=ON)  # type: ignore[arg-type]
        assert info.value.field == "many"


def test_criteria_outcomes_come_from_durable(stream: GraduationStream) -> None:
    """outcome_of and met_by of a streamed decision answer from durable-rules' verdicts: with
    a wrong verdict planted in the facts' outcomes, the decision reports that verdict (the
    direct evaluator would not)."""
    d = stream.post("acme", {"acquired_by_founder": True})
    assert stream.outcomes("acme")["4.3.5(a)"] is Outcome.MET
    planted = stream.decision("acme")._facts
    planted.outcomes = {**planted.outcomes, "4.3.5(a)": Outcome.NOT_MET}
    assert d.outcome_of("4.3.5(a)") is Outcome.NOT_MET
    assert d.met_by == ()
    # Without the stored outcomes (facts from elsewhere) durable is asked again.
    again = Decision.of(stream.evaluator, dict(planted))
    assert again.outcome_of("4.3.5(a)") is Outcome.MET


def test_graduation_events(stream: GraduationStream) -> None:
    """The 4.3.5 events: a financing round keeps the largest round (b), an acquisition by
    the founder (a), a listing (b), an equity exit (d), a period's financials (c)."""
    d = stream.financing_round("acme", "60000000")
    assert d.outcome_of("4.3.5(b).financing") is Outcome.MET
    d = stream.financing_round("acme", "1000")
    assert stream.facts("acme")["largest_financing_round"] == Decimal("60000000")
    assert d.outcome_of("4.3.5(b).financing") is Outcome.MET
    assert stream.acquisition("b", by_founder=True).met_by == ("4.3.5(a)",)
    assert stream.acquisition("c", by_founder=False).outcome_of("4.3.5(a)") is Outcome.NOT_MET
    assert stream.listing("d").met_by == ("4.3.5(b)",)
    assert stream.equity_exit("e").met_by == ("4.3.5(d)",)
    for q, amount in enumerate(["100", "90", "80", "120"], start=1):
        d = stream.financials("f", f"2025Q{q}", operating_cash_flow=amount, revenue="2")
    assert d.outcome_of("4.3.5(c).cash_flow") is Outcome.MET
    assert d.outcome_of("4.3.5(c).revenue") is Outcome.NOT_MET
    with pytest.raises(ValidationError) as caught:
        stream.financing_round("acme", "many")
    assert caught.value.clause == "4.3.5(b)"


@pytest.mark.parametrize(
    ("pack", "many"),
    [
        (
            ELIGIBILITY,
            [
                {"size_class": "large", "focused_industry": True},
                {"size_class": "unknown"},
                {"size_class": "medium"},
                {},
            ],
        ),
        (
            EVALUATION,
            [
                {"score_total": 60, "score_service_system": "59.99"},
                {f"score_{m}": 80 for m in ("service_system", "total")},
                {},
            ],
        ),
        (
            TORCH_2018_GRADUATION,
            [
                {"annual_revenue": {"2022": "4000000", "2024": "7000000"}},
                {"annual_revenue": {"2023": "5000000", "2024": "5000000.01"}},
                {"annual_revenue": {"2023": "5000000", "2024": "5000000"}},
                {"cumulative_investment": "5000000", "acquired": False},
            ],
        ),
    ],
)
def test_check_stream_equals_check_for_every_pack(pack: str, many: list[dict[str, Any]]) -> None:
    """check_stream gives check()'s decision for each fact set of 3.1/4.2.1, 4.3.7-b and the
    2018 measures (第九条(十)), boundaries and gaps included."""
    for streamed, facts in zip(check_stream(pack, many, on=ON), many, strict=True):
        assert_same(streamed, check(pack, facts, on=ON))


def test_parameters_are_resolved_as_the_direct_evaluator_does() -> None:
    """A 4.3.5(c) threshold override (params=) and an effective date (on=) apply to the
    stream exactly as to check()."""
    params = {"revenue_min": "5000000"}
    facts = {"revenue": "6000000"}
    with RuleStream(GRADUATION, params=params, on=ON) as s:
        d = s.evaluate(facts)
        assert d.outcome_of("4.3.5(c).revenue") is Outcome.MET
        assert_same(d, check(GRADUATION, facts, params=params, on=ON))
        assert s.evaluator.as_of == ON
    with pytest.raises(ValidationError, match="no value before"):
        RuleStream(GRADUATION, on=dt.date(2019, 1, 1))
    with pytest.raises(ValidationError, match="unknown parameter"):
        RuleStream(GRADUATION, params={"nope": 1})


_CUSTOM = """
[pack]
id = "test/stream-measures"
version = "1"
question = "graduation"
document = "T/CATE 0001—2020"
edition = "T/CATE 0001—2020"
clause = "4.3.5"
combine = "all"
en = "measures"
zh = "measures"

[inputs.cash]
type = "series"
clause = "4.3.5(c)"
en = "cash"
zh = "cash"

[inputs.flag]
type = "bool"
clause = "4.3.5(c)"
en = "flag"
zh = "flag"

[parameters.n]
type = "integer"
en = "n"
zh = "n"
unit = ""
values = [{ since = 2020-09-05, value = 3, source = "test" }]

[[criteria]]
id = "low"
clause = "4.3.5(c)"
en = "each below"
zh = "each below"
condition = { input = "cash", measure = "each_of_last", periods = "n", op = "<", value = 100 }

[[criteria]]
id = "exact"
clause = "4.3.5(c)"
en = "each equal"
zh = "each equal"
[criteria.condition.not]
input = "cash"
measure = "each_of_last"
periods = 2
op = "=="
value = 50

[[criteria]]
id = "window"
clause = "4.3.5(c)"
en = "window below"
zh = "window below"
condition = { any = [
  { input = "cash", measure = "max_window_sum", periods = "n", op = "<=", value = 150 },
  { not = { input = "flag", op = "!=", value = true } },
] }
"""


def test_every_series_measure_and_operator_agrees_with_check() -> None:
    """Series leaves of a loaded 4.3.5(c) pack — each_of_last with < (the extreme period)
    and with == (each period compared), max_window_sum with <=, under not/any — agree with
    check() on full, gapped, empty and absent series."""
    pack = pack_from_mapping(tomllib.loads(_CUSTOM), source="<test>")
    many: list[dict[str, Any]] = [
        {"cash": {"2025Q1": "50", "2025Q2": "50", "2025Q3": "50"}},
        {"cash": {"2025Q1": "99.99", "2025Q3": "100"}, "flag": False},
        {"cash": {"2025Q2": "50", "2025Q3": "50"}, "flag": True},
        {"cash": {"2023": "10", "2025": "150"}},
        {"cash": {"2023": "10", "2024": "100", "2025": "40"}, "flag": True},
        {"cash": {}},
        {"flag": False},
        {},
    ]
    with RuleStream(pack, on=ON) as s:
        assert s.leaf_count >= 6
        for facts in many:
            assert_same(s.evaluate(facts), check(pack, facts, on=ON))


def test_more_leaves_than_one_durable_ruleset_holds() -> None:
    """A loaded pack with more leaves than one durable-rules ruleset allows (64) is split
    over several rulesets and still agrees with check() (4.3.7-b style thresholds)."""
    data = tomllib.loads(_CUSTOM)
    data["inputs"] = {f"s{i}": {"type": "number", "clause": "4.3.7-b", "en": "s", "zh": "s"}
                      for i in range(70)}  # fmt: skip
    data["parameters"] = {}
    data["criteria"] = [
        {
            "id": f"c{i}",
            "clause": "4.3.7-b",
            "en": "c",
            "zh": "c",
            "condition": {"input": f"s{i}", "op": ">=", "value": i},
        }
        for i in range(70)
    ]
    pack = pack_from_mapping(data, source="<test>")
    many = [{f"s{i}": i for i in range(70)}, {f"s{i}": i - 1 for i in range(0, 70, 3)}, {}]
    with RuleStream(pack, on=ON) as s:
        assert s.leaf_count == 70
        for facts in many:
            assert_same(s.evaluate(facts), check(pack, facts, on=ON))


def test_a_closed_stream_refuses_posts_but_keeps_its_decisions() -> None:
    """After close() a post raises EngineError (durable's ruleset is gone); decisions
    already made still explain themselves (4.3.5)."""
    s = GraduationStream(on=ON)
    d = s.post("acme", {"listed": True})
    s.close()
    s.close()
    with pytest.raises(EngineError):
        s.post("acme", {"listed": False})
    assert d.outcome is Outcome.MET and "4.3.5(b)" in d.explain()
    assert s.decision("acme") is d


def test_unavailable_durable_fails_only_the_stream(monkeypatch: pytest.MonkeyPatch) -> None:
    """Where durable-rules cannot be imported, creating a stream raises
    EngineUnavailableError with the fix, while check() (4.3.5) keeps working."""
    monkeypatch.setattr(durable_adapter, "_loaded", None)
    monkeypatch.setattr(durable_adapter, "_load_error", "ImportError: PyEval_CallObject")
    with pytest.raises(EngineUnavailableError) as caught:
        GraduationStream(on=ON)
    assert caught.value.engine == "durable-rules" and "CPPFLAGS" in caught.value.fix
    assert check(GRADUATION, {"listed": True}, on=ON).outcome is Outcome.MET


def test_domain_objects_post_their_facts() -> None:
    """An object with a facts() method (as the domain model's incubatee has) is posted as
    its facts; anything else is refused with ValidationError (4.3.5)."""

    class Sheet:
        def facts(self) -> dict[str, Any]:
            return {"platform_equity_exited": True}

    with GraduationStream(on=ON) as s:
        assert s.post("acme", Sheet()).met_by == ("4.3.5(d)",)
        with pytest.raises(ValidationError):
            s.post("acme", 42)
        assert s.facts("acme") == {"platform_equity_exited": True}


def test_pack_is_not_mutated() -> None:
    """Compiling a pack for the stream leaves the shipped 4.3.5 pack and the direct
    evaluator's answers as they were."""
    pack = builtin_pack(GRADUATION)
    before = copy.deepcopy(pack.definition)
    with GraduationStream(on=ON) as s:
        s.post("x", {"listed": True})
    assert pack.definition == before
    assert check(GRADUATION, {"listed": False}, on=ON).outcome_of("4.3.5(b).listing") is (
        Outcome.NOT_MET
    )


def test_concurrent_posts_merge_without_losing_updates() -> None:
    """Threads posting 4.3.5(c) quarters and financing rounds for the same keys lose no
    update: every key ends with all its quarters and its largest round, decided as check()
    decides the merged facts."""
    quarters = [f"{y}Q{q}" for y in (2024, 2025) for q in range(1, 5)]
    rounds = ["1000", "70000000", "5", "49999999.99"]
    with GraduationStream(on=ON) as s:

        def worker(offset: int) -> None:
            for key in range(10):
                for q in quarters[offset::4]:
                    s.financials(key, q, operating_cash_flow="100")
                s.financing_round(key, rounds[offset])

        threads = [threading.Thread(target=worker, args=(i,)) for i in range(4)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        for key in range(10):
            facts = s.facts(key)
            assert [str(p) for p, _ in facts["operating_cash_flow"]] == quarters
            assert facts["largest_financing_round"] == Decimal("70000000")
            merged = {
                "operating_cash_flow": dict.fromkeys(quarters, "100"),
                "largest_financing_round": "70000000",
            }
            assert_same(s.decision(key), check(GRADUATION, merged, on=ON))
