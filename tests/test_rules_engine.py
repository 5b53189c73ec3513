"""The direct evaluator: Kleene logic, missing data, parameters by date, digests, records.

Serves 3.1/4.2.1 (eligibility), 4.3.5 (graduation) and 4.3.7-b (evaluation).
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sep.domain import Money
from sep.errors import ValidationError
from sep.evaluation import (
    GRADUATION,
    Decision,
    Outcome,
    check,
    check_eligibility,
    check_evaluation,
    check_graduation,
    pack_from_mapping,
    replay,
    verify,
)
from tests import strategies

pytestmark = pytest.mark.clause(
    "4.2.1",
    "4.2.1(4)",
    "4.3.5",
    "4.3.5(a)",
    "4.3.5(b)",
    "4.3.5(c)",
    "4.3.5(d)",
    "4.3.7-b",
)

ON = dt.date(2026, 6, 30)
GRAD_INPUTS = (
    "acquired_by_founder",
    "largest_financing_round",
    "listed",
    "needs_platform_services",
    "operating_cash_flow",
    "organisation_complete",
    "platform_equity_exited",
    "profit",
    "revenue",
)
EXAMPLE: dict[str, Any] = {
    "listed": False,
    "largest_financing_round": "32000000",
    "revenue": "8200000",
    "profit": "2000000",
    "organisation_complete": True,
    "needs_platform_services": False,
    "operating_cash_flow": {
        "2025Q1": "100000",
        "2025Q2": "-120000",
        "2025Q3": "200000",
        "2025Q4": "300000",
    },
}


def _tiny_pack(values: list[dict[str, Any]] | None = None) -> Any:
    """A pack exercising not/any/all with an effective-dated parameter."""
    return pack_from_mapping(
        {
            "pack": {
                "id": "demo/kleene",
                "version": "1",
                "question": "graduation",
                "document": "T/CATE 0001—2020",
                "clause": "4.3.5",
                "combine": "all",
                "en": "demo",
                "zh": "示例",
            },
            "inputs": {
                "a": {"type": "bool", "clause": "4.3.5(a)", "en": "a", "zh": "甲"},
                "b": {"type": "bool", "clause": "4.3.5(b)", "en": "b", "zh": "乙"},
                "m": {"type": "money", "clause": "4.3.5(c)", "en": "m", "zh": "丙"},
            },
            "parameters": {
                "m_min": {
                    "type": "money",
                    "en": "m min",
                    "zh": "丙门槛",
                    "values": values
                    or [
                        {"since": dt.date(2020, 1, 1), "value": "100", "source": "first"},
                        {"since": dt.date(2026, 1, 1), "value": "200", "source": "second"},
                    ],
                }
            },
            "criteria": [
                {
                    "id": "not_a",
                    "clause": "4.3.5(a)",
                    "en": "not a",
                    "zh": "非甲",
                    "condition": {"not": {"input": "a", "op": "==", "value": True}},
                },
                {
                    "id": "a_or_b",
                    "clause": "4.3.5(b)",
                    "en": "a or b",
                    "zh": "甲或乙",
                    "condition": {
                        "any": [
                            {"input": "a", "op": "==", "value": True},
                            {"input": "b", "op": "==", "value": True},
                        ]
                    },
                },
                {
                    "id": "m",
                    "clause": "4.3.5(c)",
                    "en": "m",
                    "zh": "丙",
                    "condition": {"input": "m", "op": ">=", "param": "m_min"},
                },
            ],
        }
    )


def test_kleene_or_met_beats_unknown() -> None:
    """An OR (4.3.5 as a whole) with one MET is MET although others are UNKNOWN."""
    assert check_graduation({"platform_equity_exited": True}, on=ON).outcome is Outcome.MET


def test_kleene_and_not_met_beats_unknown() -> None:
    """An AND (4.2.1) with one NOT_MET is NOT_MET although others are UNKNOWN."""
    assert check_eligibility({"in_transformation": False}, on=ON).outcome is Outcome.NOT_MET


def test_kleene_not_keeps_unknown() -> None:
    """NOT of UNKNOWN stays UNKNOWN; NOT of MET is NOT_MET."""
    pack = _tiny_pack()
    assert check(pack, {}, on=ON).outcome_of("not_a") is Outcome.UNKNOWN
    assert check(pack, {"a": True}, on=ON).outcome_of("not_a") is Outcome.NOT_MET
    assert check(pack, {"a": False}, on=ON).outcome_of("not_a") is Outcome.MET


def test_none_is_missing_never_false() -> None:
    """None for a bool or money input is missing (UNKNOWN), not false (4.3.5(a))."""
    d = check_graduation({"acquired_by_founder": None, "revenue": None}, on=ON)
    assert d.outcome_of("4.3.5(a)") is Outcome.UNKNOWN
    assert d.outcome_of("4.3.5(c).revenue") is Outcome.UNKNOWN
    assert "acquired_by_founder" in d.missing
    assert "revenue" in d.missing


def test_empty_question_is_unknown_with_every_input_missing() -> None:
    """check_graduation({}) is UNKNOWN, lists every input, and explains with 4.3.5 clauses."""
    d = check_graduation({})
    assert d.outcome is Outcome.UNKNOWN
    assert d.missing == GRAD_INPUTS
    text = d.explain()
    for clause in ("4.3.5(a)", "4.3.5(b)", "4.3.5(c)", "4.3.5(d)"):
        assert clause in text


def test_parameter_value_selected_by_date() -> None:
    """on= picks the parameter value in force that day (effective-dated parameters)."""
    pack = _tiny_pack()
    facts = {"m": "150"}
    before = check(pack, facts, on=dt.date(2025, 12, 31))
    after = check(pack, facts, on=dt.date(2026, 1, 1))
    assert before.outcome_of("m") is Outcome.MET
    assert after.outcome_of("m") is Outcome.NOT_MET
    assert [(p.value, p.since, p.source) for p in after.parameters] == [
        (Decimal("200"), dt.date(2026, 1, 1), "second")
    ]


def test_date_before_any_parameter_value_is_refused() -> None:
    """Deciding before a parameter has any value names the date as the bad input."""
    with pytest.raises(ValidationError) as info:
        check(_tiny_pack(), {}, on=dt.date(2019, 1, 1))
    assert info.value.field == "on"


def test_override_plain_value() -> None:
    """params= overrides a platform-set threshold (4.3.5(b) large financing) and records it."""
    d = check_graduation(
        {"largest_financing_round": "30000000"}, params={"large_financing_min": 30_000_000}, on=ON
    )
    assert d.outcome_of("4.3.5(b).financing") is Outcome.MET
    used = {p.name: p for p in d.parameters}["large_financing_min"]
    assert used.value == Decimal("30000000")
    assert used.source == "override"


def test_override_as_money() -> None:
    """A Money override is accepted for a money parameter."""
    d = check_graduation({"revenue": "5000000"}, params={"revenue_min": Money(5_000_000)}, on=ON)
    assert d.outcome_of("4.3.5(c).revenue") is Outcome.MET


def test_override_unknown_parameter_is_refused() -> None:
    """An override naming no parameter of the pack is a ValidationError on params.<name>."""
    with pytest.raises(ValidationError) as info:
        check_graduation({}, params={"revenue_max": 1})
    assert info.value.field == "params.revenue_max"


def test_override_with_wrong_type_is_refused() -> None:
    """A count parameter refuses a fraction; a money parameter refuses a float."""
    with pytest.raises(ValidationError):
        check_graduation({}, params={"cash_flow_periods": "2.5"})
    with pytest.raises(ValidationError):
        check_graduation({}, params={"revenue_min": 1.5})


def test_decision_records_edition_and_parameters() -> None:
    """A decision names its pack, edition, date and every parameter used with its source."""
    d = check_graduation(EXAMPLE, on=ON)
    assert (d.pack, d.edition, d.question, d.as_of) == (
        GRADUATION,
        "T/CATE 0001—2020",
        "graduation",
        ON,
    )
    names = [p.name for p in d.parameters]
    assert names == sorted(names)
    assert "large_financing_min" in names
    assert "revenue_min" in names
    assert all(p.source for p in d.parameters)


def test_criterion_result_values_thresholds_margin() -> None:
    """4.3.5(c).revenue carries the value, the threshold and the margin in CNY."""
    d = check_graduation(EXAMPLE, on=ON)
    r = d.result_of("4.3.5(c).revenue")
    assert r.clause == "4.3.5(c)"
    assert r.values == {"revenue": Decimal("8200000")}
    assert r.thresholds == {"revenue_min": Decimal("10000000")}
    assert r.margin == Decimal("-1800000")


def test_cash_flow_missing_period_is_named() -> None:
    """A gap in the last N quarters names the missing quarter (4.3.5(c) cash flow)."""
    facts = {"operating_cash_flow": {"2025Q1": "1", "2025Q3": "1", "2025Q4": "1"}}
    r = check_graduation(facts, on=ON).result_of("4.3.5(c).cash_flow")
    assert r.outcome is Outcome.UNKNOWN
    assert "operating_cash_flow[2025Q2]" in r.missing


def test_outcome_of_unknown_id_is_validation_error() -> None:
    """Asking for a criterion the pack does not have is a ValidationError."""
    with pytest.raises(ValidationError):
        check_graduation({}).outcome_of("4.3.9")


def test_met_by_lists_top_level_met() -> None:
    """met_by names the top-level criteria that are MET."""
    d = check_graduation({"listed": True, "platform_equity_exited": True}, on=ON)
    assert d.met_by == ("4.3.5(b)", "4.3.5(d)")


def test_facts_seam_accepts_objects_with_facts() -> None:
    """Domain objects provide their inputs through facts(); anything else is refused."""

    class Incubatee:
        def facts(self) -> dict[str, Any]:
            return {"listed": True}

    assert check_graduation(Incubatee(), on=ON).outcome is Outcome.MET
    with pytest.raises(ValidationError):
        check_graduation(42)


def test_digest_is_stable_over_equivalent_inputs() -> None:
    """The digest depends on the normalised inputs, not on how money was written."""
    a = check_graduation({"revenue": "10,000,000", "listed": False}, on=ON)
    b = check_graduation({"listed": False, "revenue": Money(10_000_000)}, on=ON)
    c = check_graduation(
        {"revenue": {"amount": 10000000, "currency": "CNY"}, "listed": False}, on=ON
    )
    assert a.digest == b.digest == c.digest
    assert a.digest.startswith("jcs-sha256:") and len(a.digest) == len("jcs-sha256:") + 64


def test_digest_changes_with_inputs_parameters_and_date() -> None:
    """Changing an input, a parameter value or the date changes the digest."""
    base = check_graduation({"revenue": "1"}, on=ON).digest
    assert check_graduation({"revenue": "2"}, on=ON).digest != base
    assert check_graduation({"revenue": "1"}, params={"revenue_min": 5}, on=ON).digest != base
    assert check_graduation({"revenue": "1"}, on=dt.date(2026, 7, 1)).digest != base


def test_json_round_trip_and_replay() -> None:
    """to_json() is JSON; replaying it gives the same digest, outcome and criteria."""
    d = check_graduation(EXAMPLE, on=ON)
    data = json.loads(d.to_json())
    assert data == d.to_dict()
    again = replay(d.to_json())
    assert isinstance(again, Decision)
    assert again.to_dict() == d.to_dict()
    assert d.verify()
    assert verify(data)


def test_replay_keeps_overridden_parameters() -> None:
    """A decision made with overrides replays with the same values and sources."""
    d = check_graduation({"revenue": "15000000"}, params={"revenue_min": "20000000"}, on=ON)
    again = d.replay()
    assert again.digest == d.digest
    assert {p.name: p.source for p in again.parameters}["revenue_min"] == "override"


def test_verify_detects_tampering() -> None:
    """Changing a recorded input or outcome makes verify() false."""
    data = check_graduation(EXAMPLE, on=ON).to_dict()
    tampered = json.loads(json.dumps(data))
    tampered["inputs"]["revenue"] = "12000000"
    assert not verify(tampered)
    flipped = json.loads(json.dumps(data))
    flipped["outcome"] = "met"
    assert not verify(flipped)


def test_evaluation_scores_accept_numbers_and_strings() -> None:
    """4.3.7-b scores may be ints, decimal strings or floats (scores are not money)."""
    d = check_evaluation(
        {
            "score_service_system": 61,
            "score_incubation_performance": "70.5",
            "score_founder_contribution": 88.25,
            "score_sustainability": Decimal(60),
            "score_total": 72,
        },
        on=ON,
    )
    assert d.outcome is Outcome.MET


# --- properties ---------------------------------------------------------------------------

_bool = st.one_of(st.none(), st.booleans())
_money = st.one_of(st.none(), st.integers(min_value=-(10**6), max_value=10**8).map(str))
# Revenue and financing cannot be negative (minimum = 0 in the pack); profit can.
_amount = st.one_of(st.none(), st.integers(min_value=0, max_value=10**8).map(str))
_quarters = ("2025Q3", "2025Q4", "2026Q1", "2026Q2")
_series = st.one_of(
    st.none(),
    st.dictionaries(
        st.sampled_from(_quarters), st.integers(min_value=-1000, max_value=10**6).map(str)
    ),
)
_facts = st.fixed_dictionaries(
    {
        "acquired_by_founder": _bool,
        "listed": _bool,
        "largest_financing_round": _amount,
        "revenue": _amount,
        "profit": _money,
        "operating_cash_flow": _series,
        "organisation_complete": _bool,
        "needs_platform_services": _bool,
        "platform_equity_exited": _bool,
    }
)


def _complete(partial: dict[str, Any], filler: dict[str, Any]) -> dict[str, Any]:
    out = dict(partial)
    for key, value in filler.items():
        if out.get(key) is None:
            out[key] = value
        elif key == "operating_cash_flow" and value is not None:
            out[key] = {**value, **out[key]}
    return out


@settings(max_examples=150, deadline=None)
@given(_facts, _facts)
def test_settled_outcomes_never_change_when_data_is_added(
    partial: dict[str, Any], filler: dict[str, Any]
) -> None:
    """Kleene monotonicity: filling in missing data never flips a MET or NOT_MET (4.3.5)."""
    before = check_graduation(partial, on=ON)
    after = check_graduation(_complete(partial, filler), on=ON)
    for top in before.criteria:
        for result in top.walk():
            if result.outcome is not Outcome.UNKNOWN:
                assert after.outcome_of(result.id) is result.outcome, result.id
    if before.outcome is not Outcome.UNKNOWN:
        assert after.outcome is before.outcome


@settings(max_examples=150, deadline=None)
@given(_facts)
def test_unknown_only_when_something_is_missing(facts: dict[str, Any]) -> None:
    """UNKNOWN requires a missing input; a decision with nothing missing is settled."""
    d = check_graduation(facts, on=ON)
    if d.outcome is Outcome.UNKNOWN:
        assert d.missing
    if not d.missing:
        assert d.outcome is not Outcome.UNKNOWN


@settings(max_examples=150, deadline=None)
@given(_facts)
def test_fast_outcome_agrees_with_the_traced_criteria(facts: dict[str, Any]) -> None:
    """The compiled outcome equals the Kleene OR of the traced 4.3.5(a)-(d) results."""
    d = check_graduation(facts, on=ON)
    assert d.outcome is Outcome.any_of(c.outcome for c in d.criteria)


def test_digest_follows_the_documented_recipe() -> None:
    """An auditor can recompute the pack hash from the pack file and the digest from the record."""
    import hashlib

    import rfc8785

    from sep.evaluation import builtin_pack

    d = check_graduation(EXAMPLE, on=ON)
    record = d.to_dict()
    definition = builtin_pack(GRADUATION).definition
    assert hashlib.sha256(rfc8785.dumps(definition)).hexdigest() == record["pack_sha256"]
    canonical = {
        "as_of": record["as_of"],
        "inputs": record["inputs"],
        "pack": {"id": record["pack"], "sha256": record["pack_sha256"]},
        "parameters": sorted([p["name"], p["since"], p["value"]] for p in record["parameters"]),
    }
    digest = hashlib.sha256(rfc8785.dumps(canonical)).hexdigest()
    assert record["digest"] == f"jcs-sha256:{digest}"


def test_override_with_a_dated_value_keeps_its_source() -> None:
    """A ParameterValue override keeps its own since and source in the decision record."""
    from sep.evaluation import ParameterValue

    value = ParameterValue(dt.date(2026, 3, 1), Decimal("7000000"), "Platform rules art. 12")
    d = check_graduation({"revenue": "8000000"}, params={"revenue_min": value}, on=ON)
    assert d.outcome_of("4.3.5(c).revenue") is Outcome.MET
    used = {p.name: p for p in d.parameters}["revenue_min"]
    assert (used.since, used.source) == (dt.date(2026, 3, 1), "Platform rules art. 12")
    with pytest.raises(ValidationError):
        check_graduation({}, params={"revenue_min": value}, on=dt.date(2026, 2, 1))


@settings(max_examples=150, deadline=None)
@given(_facts)
def test_single_criterion_answers_agree_with_the_trace(facts: dict[str, Any]) -> None:
    """outcome_of() before tracing (compiled) equals every traced criterion's outcome."""
    fresh = check_graduation(facts, on=ON)
    quick = {cid: fresh.outcome_of(cid) for cid in _ids()}
    met_by = fresh.met_by
    traced = check_graduation(facts, on=ON)
    assert quick == {r.id: r.outcome for top in traced.criteria for r in top.walk()}
    assert met_by == tuple(c.id for c in traced.criteria if c.outcome is Outcome.MET)


def _ids() -> list[str]:
    from sep.evaluation import builtin_pack

    return [c.id for top in builtin_pack(GRADUATION).criteria for c in top.walk()]


# -- the service's boundary: malformed dates in overrides and records (4.3.5) -------------


def test_override_with_a_malformed_since_names_the_field() -> None:
    """A dated override whose ``since`` is not a date is a ValidationError naming
    ``params.revenue_min[0].since`` (4.3.5(c) threshold), not a raw ValueError."""
    bad = {"revenue_min": [{"since": "the first of May", "value": "1", "source": "s"}]}
    with pytest.raises(ValidationError) as err:
        check_graduation({}, params=bad, on=ON)
    assert err.value.field == "params.revenue_min[0].since"
    assert err.value.value == "the first of May"


def test_replay_of_a_record_with_a_malformed_date_is_refused() -> None:
    """A decision record whose ``as_of`` is not a date is refused naming
    ``record.as_of`` (ValidationError), never a raw ValueError; an unknown pack names its field."""
    from sep.evaluation import replay

    record = check_graduation({"listed": True}, on=ON).to_dict()
    with pytest.raises(ValidationError) as err:
        replay({**record, "as_of": "yesterday"})
    assert err.value.field == "record.as_of"
    with pytest.raises(ValidationError) as err:
        replay({**record, "pack": "no/such"})
    assert err.value.field == "record.pack"


def test_verify_of_a_record_with_malformed_criteria_is_refused() -> None:
    """verify() of a record whose ``criteria`` is not a list of objects names the field
    (ValidationError), never a raw TypeError or AttributeError (4.3.5 records)."""
    from sep.evaluation import verify

    record = check_graduation({"listed": True}, on=ON).to_dict()
    for bad in (None, [None], "met", [1, 2]):
        with pytest.raises(ValidationError) as err:
            verify({**record, "criteria": bad})
        assert err.value.field.startswith("record.criteria")


class _Foreign:
    """A caller's value whose comparison and hashing fail (a lazy ORM field, say)."""

    def __eq__(self, other: object) -> bool:
        raise RuntimeError("compared")

    def __hash__(self) -> int:
        raise RuntimeError("hashed")


class _FailingFacts:
    def facts(self) -> Any:
        raise ZeroDivisionError("source failed")


def test_a_foreign_value_is_refused_by_its_type_without_being_compared() -> None:
    """4.3.5: a value of no input type is refused with a ValidationError naming the input,
    even when comparing or hashing it raises (it is never compared with ``""``)."""
    for name in ("listed", "revenue", "operating_cash_flow"):
        with pytest.raises(ValidationError) as info:
            check_graduation({name: _Foreign()}, on=ON)
        assert info.value.field.startswith(name)


def test_a_failing_facts_method_is_refused() -> None:
    """An object whose ``facts()`` raises is refused with a ValidationError that keeps the
    cause, not the caller's exception leaking out of ``sep``."""
    with pytest.raises(ValidationError, match="facts\\(\\) failed: ZeroDivisionError") as info:
        check_graduation(_FailingFacts(), on=ON)
    assert isinstance(info.value.__cause__, ZeroDivisionError)


@pytest.mark.parametrize(
    "value",
    [
        {"amount": {"amount": "5"}},
        {"amount": Money(Decimal(5))},
        {"amount": "5", "currency": "CNY", "note": "x"},
        {"amount": "5", "currency": _Foreign()},
    ],
)
def test_a_money_mapping_is_amount_and_currency_only(value: Any) -> None:
    """4.2.1(4): an amount given as a mapping is ``{amount, currency}`` with a plain
    amount; a nested amount or another key is refused, never read as a figure."""
    with pytest.raises(ValidationError) as info:
        check_eligibility({"early_funding_capacity": value}, on=ON)
    assert info.value.field.startswith("early_funding_capacity.")


def test_criterion_ids_that_are_not_text_are_refused() -> None:
    """``outcome_of``/``result_of`` refuse an id that is not a string with a
    ValidationError, without hashing or comparing it."""
    decision = check_graduation({"listed": True}, on=ON)
    for bad in (_Foreign(), ["4.3.5(b)"], None):
        with pytest.raises(ValidationError):
            decision.outcome_of(bad)  # type: ignore[arg-type]
        with pytest.raises(ValidationError):
            decision.result_of(bad)  # type: ignore[arg-type]


class _RaisingTz(dt.tzinfo):
    def utcoffset(self, d: dt.datetime | None) -> dt.timedelta | None:
        raise RuntimeError("offset")

    def dst(self, d: dt.datetime | None) -> dt.timedelta | None:
        raise RuntimeError("dst")


class _FailingParams(Mapping[str, Any]):
    def __getitem__(self, key: str) -> Any:
        raise RuntimeError("cannot read")

    def __iter__(self) -> Any:
        return iter(["revenue_min"])

    def __len__(self) -> int:
        return 1


@pytest.mark.parametrize(
    ("params", "field"),
    [
        (_FailingParams(), "params"),
        (
            {"revenue_min": [{"since": "2020-01-01", "value": "1", "source": "x", "by": 1}]},
            "params.revenue_min[0].by",
        ),
        (
            {"revenue_min": [{"since": "2020-01-01", "value": "1", "source": 5}]},
            "params.revenue_min[0].source",
        ),
    ],
)
def test_parameter_overrides_that_cannot_be_read_are_refused(params: Any, field: str) -> None:
    """4.3.5(c): ``params=`` whose reads fail, a dated value with another key, or a
    source that is not text, is a ValidationError naming the field."""
    with pytest.raises(ValidationError) as info:
        check_graduation({}, params=params, on=ON)
    assert info.value.field == field


def test_a_datetime_as_on_is_refused_without_asking_its_timezone() -> None:
    """``on=`` a datetime is refused as not a date, even when its tzinfo raises."""
    with pytest.raises(ValidationError):
        check_graduation({}, on=dt.datetime(2026, 1, 1, tzinfo=_RaisingTz()))


def test_a_threshold_in_another_currency_is_refused() -> None:
    """4.2.1(4): a money parameter given as Money in USD is refused, never read as CNY."""
    with pytest.raises(ValidationError) as info:
        check_eligibility({}, params={"early_funding_min": Money(Decimal(5), "USD")}, on=ON)
    assert info.value.field == "params.early_funding_min"


@settings(max_examples=100, deadline=None)
@given(_facts)
def test_large_packs_decide_as_generated_ones(facts: dict[str, Any]) -> None:
    """A pack too large for generated functions is decided by the closures: the pack's
    outcome and every criterion's equal the generated ones (4.3.5)."""
    from sep.evaluation import _engine, builtin_pack, compile_pack

    generated = compile_pack(GRADUATION, on=ON)
    normal = generated.facts(facts)
    small = _engine._GENERATED_NODES
    try:
        _engine._GENERATED_NODES = 0
        stepwise = _engine.Evaluator(
            _engine._runtime(builtin_pack(GRADUATION)), ON, generated.parameters
        )
    finally:
        _engine._GENERATED_NODES = small
    assert stepwise.decide(normal) == generated.decide(normal)
    assert stepwise.outcome_of(normal) is generated.outcome_of(normal)


def _stability_leaf(op: str, threshold: Decimal, periods: int) -> Any:
    from sep.evaluation._engine import _LeafRuntime
    from sep.evaluation._spec import Leaf

    leaf = Leaf("operating_cash_flow", op, measure="min_to_mean_of_last", periods=periods)
    return _LeafRuntime(leaf, threshold, periods)


def _by_the_ratio(op: str, threshold: Decimal, values: list[Decimal]) -> Outcome:
    """4.3.5(c)'s stability the long way: the rounded ratio, compared."""
    from sep.evaluation._engine import _OPS, stability

    ratio = stability(values, len(values))
    if ratio is None:
        return Outcome.NOT_MET
    return Outcome.MET if _OPS[op](ratio, threshold) else Outcome.NOT_MET


@settings(max_examples=400, deadline=None)
@given(
    st.lists(strategies.window_amount_s, min_size=1, max_size=8),
    st.sampled_from(["<", "<=", ">", ">=", "==", "!="]),
    strategies.ratio_threshold_s,
)
def test_stability_is_judged_without_dividing_as_with(
    values: list[Decimal], op: str, threshold: Decimal
) -> None:
    """The stability leaf of 4.3.5(c) compares the lowest amount times n with the step's
    bound times the total instead of dividing twice: for any window and threshold it
    decides as the rounded ratio does."""
    runtime = _stability_leaf(op, threshold, len(values))
    assert runtime.judge(values) is _by_the_ratio(op, threshold, values)


@settings(max_examples=400, deadline=None)
@given(st.lists(strategies.window_amount_s, min_size=1, max_size=8), st.integers(1, 8))
def test_stability_of_total_is_the_ratio_rounded_as_defined(values: list[Decimal], n: int) -> None:
    """4.3.5(c)'s stability ratio, as the streaming engine posts it, is the lowest amount
    over the mean (both in the money context), quantized to four decimals half to even:
    the same Decimal, digit for digit, as ``Decimal.quantize`` with that context gives."""
    from sep._limits import MONEY_CONTEXT
    from sep.domain._fields import money_sum
    from sep.evaluation._engine import _RATIO, stability_of_total

    total = money_sum(values)
    got = stability_of_total(total, values, n)
    if total <= 0:
        assert got is None
        return
    mean = MONEY_CONTEXT.divide(total, n)
    want = MONEY_CONTEXT.divide(min(values), mean).quantize(_RATIO, context=MONEY_CONTEXT)
    assert got is not None
    assert (got, str(got)) == (want, str(want))


@pytest.mark.parametrize(
    ("values", "threshold", "want"),
    [
        # 0.49995 exactly: half-even rounds it up to 0.5000, which reaches 0.5.
        (["49995", "150005"], "0.5", Outcome.MET),
        # 0.00015 exactly, 1 over a mean of 20000/3 that no decimal holds: the products
        # tie, so the ratio decides, and it rounds to the even 0.0002.
        (["1", "9999.5", "9999.5"], "0.0002", Outcome.MET),
        # 0.49994999…: rounds down to 0.4999.
        (["49994", "150006"], "0.5", Outcome.NOT_MET),
    ],
)
def test_stability_on_a_rounding_tie_is_the_rounded_ratio(
    values: list[str], threshold: str, want: Outcome
) -> None:
    """A window whose ratio lies exactly halfway between two four-decimal steps is
    decided by the rounded ratio (half to even), as 4.3.5(c)'s stability is defined."""
    amounts = [Decimal(v) for v in values]
    runtime = _stability_leaf(">=", Decimal(threshold), len(amounts))
    assert runtime.judge(amounts) is want
    assert want is _by_the_ratio(">=", Decimal(threshold), amounts)


def test_a_decision_built_by_of_is_the_one_the_constructor_builds() -> None:
    """``Decision.of`` writes the slots of a new decision directly (4.3.5): every field,
    the outcomes it answers ``outcome_of`` from and its digest are those of a decision
    built by the constructor, and a subclass still goes through its constructor."""
    import attrs

    from sep.evaluation import _decision, compile_pack

    assert _decision._SLOTS is not None  # else the fast path is silently off
    ev = compile_pack(GRADUATION, on=ON)
    facts = ev.facts(EXAMPLE)
    fast = Decision.of(ev, facts)
    outcome, outcomes = ev.decide(facts)
    slow = Decision(
        ev.pack.id, ev.pack.edition, ev.pack.question, outcome, ev.as_of, ev, facts, outcomes
    )
    for field in attrs.fields(Decision):
        assert getattr(fast, field.name) == getattr(slow, field.name), field.name
    assert fast.digest == slow.digest
    assert [fast.outcome_of(c) for c in outcomes] == list(outcomes.values())

    class Mine(Decision):
        pass

    assert type(Mine.of(ev, facts)) is Mine
