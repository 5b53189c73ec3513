"""How ``sep`` reads amounts of money and numbers: one grammar and one bound, every engine.

The grammar and bounds are those of :mod:`sep._limits` (amounts of 3.1, 4.2.1(4), 4.3.5(b)/(c)
and 4.3.7-d): a plain decimal in ASCII digits, optionally signed, thousands separators only as
commas in correct groups of three, no exponent, no underscores, at most 64 characters, at most
10^15 in magnitude and at most 30 decimals. The same reader serves the domain's
:class:`~sep.domain.Money`, the named inputs of :func:`~sep.evaluation.check`, the stream, the
column-wise engine and the pack loader; refusals are :class:`~sep.errors.ValidationError`
naming the field and the clause. Money arithmetic is exact within the bound, whatever the
caller's decimal context; whatever is accepted can be explained and written back.
"""

from __future__ import annotations

import datetime as dt
import json
import tomllib
from decimal import Decimal
from importlib import resources
from typing import Any

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from sep._limits import MAX_AMOUNT, MAX_DECIMALS, MAX_NUMBER_CHARS, MAX_SERIES_SPAN
from sep.domain import (
    FinancingRound,
    Incubatee,
    Money,
    Origin,
    Period,
    PeriodFinancials,
    from_json,
    to_json,
)
from sep.domain._fields import plain, read_decimal, to_decimal
from sep.errors import RuleDefinitionError, ValidationError
from sep.evaluation import (
    GRADUATION,
    TORCH_2018_GRADUATION,
    Outcome,
    check,
    check_batch,
    check_evaluation,
    check_graduation,
    pack_from_mapping,
)
from sep.evaluation import _durable as durable_adapter
from sep.evaluation._inputs import jsonable_input
from tests.strategies import accepted_amount_s, accepted_amount_text_s

pytestmark = pytest.mark.clause("4.3.5(b)", "4.3.5(c)")

ON = dt.date(2026, 1, 1)
DURABLE = durable_adapter.durable_available()
NO_DURABLE = "durable-rules cannot be imported here"

ACCEPTED = [
    ("8200000", Decimal("8200000")),
    ("-120000.50", Decimal("-120000.50")),
    ("+5", Decimal("5")),
    ("8,200,000", Decimal("8200000")),
    ("1,000.5", Decimal("1000.5")),
    ("999,999,999,999,999", Decimal("999999999999999")),
    (" 42\t", Decimal("42")),
    ("007", Decimal("7")),
    ("0", Decimal("0")),
    ("1000000000000000", MAX_AMOUNT),
    ("-1,000,000,000,000,000", -MAX_AMOUNT),
    ("0." + "1" * MAX_DECIMALS, Decimal("0." + "1" * MAX_DECIMALS)),
]

# (text, what the refusal's reason must mention)
REFUSED = [
    ("1,5", "comma"),
    ("12,5", "comma"),
    ("1,0000", "comma"),
    ("0,500", "comma"),
    ("1,000,00", "comma"),
    ("1e3", "exponent"),
    ("1E+7", "exponent"),
    ("1e400", "exponent"),
    ("1e999999999", "exponent"),
    ("1_000", "underscore"),
    ("１２３", "ASCII"),
    ("١٢٣", "ASCII"),  # Arabic-Indic digits
    ("۱۲۳", "ASCII"),  # Extended Arabic-Indic digits
    ("NaN", "finite"),
    ("-Infinity", "finite"),
    ("abc", "plain decimal"),
    (".5", "plain decimal"),
    ("5.", "plain decimal"),
    ("1 000", "plain decimal"),
    ("1000000000000001", "10^15"),
    ("-1000000000000000.01", "10^15"),
    ("0." + "1" * (MAX_DECIMALS + 1), "digits after the decimal point"),
    ("1" * (MAX_NUMBER_CHARS + 1), f"longer than {MAX_NUMBER_CHARS}"),
    ("9" * 5000, f"longer than {MAX_NUMBER_CHARS}"),
]


# -- finding 1: the grammar, in every reader -----------------------------------------------


@pytest.mark.parametrize(("text", "value"), ACCEPTED)
def test_every_reader_accepts_the_documented_forms(text: str, value: Decimal) -> None:
    """3.1/4.3.5(c) amounts: the forms sep._limits documents are read as the number they
    mean, alike by Money, to_decimal and a named input of the graduation pack."""
    assert Money(text).amount == value
    assert to_decimal(text) == value
    if value >= 0:
        decision = check_graduation({"revenue": text}, on=ON)
        assert decision.inputs["revenue"] == plain(value)


@pytest.mark.parametrize(("text", "why"), REFUSED)
def test_every_reader_refuses_the_other_forms_naming_field_and_clause(text: str, why: str) -> None:
    """4.3.5(b)/(c): "1,5" is not 15, "1e400" is not a financing round, "１２３" is not ASCII:
    each is refused by the domain and by the named inputs, naming the field, the input's
    clause and the rule of the grammar it breaks."""
    with pytest.raises(ValidationError) as caught:
        Money(text)
    assert caught.value.field == "amount"
    assert why in caught.value.reason
    with pytest.raises(ValidationError) as caught:
        check_graduation({"largest_financing_round": text}, on=ON)
    assert caught.value.field == "largest_financing_round"
    assert caught.value.clause == "4.3.5(b)"
    assert why in caught.value.reason
    with pytest.raises(ValidationError) as caught:
        check_graduation({"operating_cash_flow": {"2025Q1": text}}, on=ON)
    assert caught.value.field == "operating_cash_flow[2025Q1]"
    assert caught.value.clause == "4.3.5(c)"


@pytest.mark.parametrize(("text", "why"), REFUSED)
def test_domain_documents_refuse_the_same_forms(text: str, why: str) -> None:
    """4.3.5(b): a financing round in an incubatee JSON document is read by the same
    grammar; a refusal names the path of the amount."""
    doc = {
        "id": "i-1",
        "name": "Acme",
        "origin": "internal",
        "financing_rounds": [{"amount": {"amount": text, "currency": "CNY"}}],
    }
    with pytest.raises(ValidationError) as caught:
        from_json(Incubatee, json.dumps(doc))
    assert "financing_rounds" in caught.value.field
    assert "amount" in caught.value.field


@pytest.mark.parametrize(("text", "why"), REFUSED)
def test_batch_refuses_the_same_forms_naming_the_column(text: str, why: str) -> None:
    """4.3.5(b)/(c), column-wise: an object column holding a text the direct engine refuses
    is refused, naming the column, the row and the clause."""
    with pytest.raises(ValidationError) as caught:
        check_batch(GRADUATION, {"largest_financing_round": ["5", text]}, on=ON)
    assert caught.value.field == "largest_financing_round[1]"
    assert caught.value.clause == "4.3.5(b)"
    assert why in caught.value.reason


@pytest.mark.skipif(not DURABLE, reason=NO_DURABLE)
@pytest.mark.parametrize(("text", "why"), REFUSED)
def test_stream_refuses_the_same_forms(text: str, why: str) -> None:
    """4.3.5(b), streaming: the stream reads updates with the direct engine's readers, so
    it refuses the same texts, naming the input and clause."""
    from sep.evaluation import GraduationStream

    with GraduationStream(on=ON) as stream:
        with pytest.raises(ValidationError) as caught:
            stream.post("a", {"largest_financing_round": text})
        assert caught.value.field == "largest_financing_round"
        assert caught.value.clause == "4.3.5(b)"
        assert why in caught.value.reason


def test_a_pack_amount_is_read_by_the_same_grammar() -> None:
    """Rule files: a parameter amount "1,5" in a pack is refused as the file's error, not
    read as 15 (the loader reuses the domain's reader)."""
    definition = tomllib.loads(
        (resources.files("sep.evaluation") / "packs" / "graduation.toml").read_text("utf-8")
    )
    definition["parameters"]["revenue_min"]["values"][0]["value"] = "1,5"
    with pytest.raises(RuleDefinitionError) as caught:
        pack_from_mapping(definition)
    assert "comma" in str(caught.value)


# -- finding 1/2: ints, Decimals and floats are held to the same bounds --------------------


@pytest.mark.parametrize(
    "value",
    [
        10**15 + 1,
        -(10**15) - 1,
        10**5000,
        Decimal("1E+400"),
        Decimal("1e999999999"),
        Decimal("-1e999999999"),
        Decimal("-1e16"),
        Decimal("1e-31"),
        Decimal("sNaN"),
    ],
    ids=[
        "1e15+1",
        "-1e15-1",
        "1e5000",
        "D1e400",
        "D1e999999999",
        "D-1e999999999",
        "D-1e16",
        "D1e-31",
        "DsNaN",
    ],
)
def test_ints_and_decimals_beyond_the_bounds_are_refused(value: Any) -> None:
    """4.3.5(b): an int or Decimal beyond ±10^15 or with more than 30 decimals is refused
    like the text would be, in the domain and in the named inputs."""
    with pytest.raises(ValidationError):
        Money(value)
    with pytest.raises(ValidationError) as caught:
        check_graduation({"largest_financing_round": value}, on=ON)
    assert caught.value.field == "largest_financing_round"
    assert caught.value.clause == "4.3.5(b)"


def test_decimals_are_read_by_value_and_floats_by_repr() -> None:
    """A Decimal in exponent form is the number it denotes (Decimal("1E+7") is 10000000);
    the domain reads a float through its shortest repr, within the same bounds; a named
    money input refuses floats."""
    assert Money(Decimal("1E+7")).amount.as_tuple().exponent == 0
    assert Money(0.1).amount == Decimal("0.1")
    assert Money(MAX_AMOUNT).amount == MAX_AMOUNT
    with pytest.raises(ValidationError):
        Money(1e16)
    with pytest.raises(ValidationError) as caught:
        check_graduation({"revenue": 1.5}, on=ON)
    assert "float" in caught.value.reason
    with pytest.raises(ValidationError):
        read_decimal(True)


@pytest.mark.parametrize("value", [1e16, float("inf"), 1e400])
def test_batch_float_columns_share_the_bound(value: float) -> None:
    """4.3.5(b), column-wise: a float money column beyond ±10^15 (or infinite) is refused
    naming the row; exactly 10^15 is accepted, as by the direct engine."""
    with pytest.raises(ValidationError) as caught:
        check_batch(GRADUATION, {"largest_financing_round": [1.0, value]}, on=ON)
    assert caught.value.field == "largest_financing_round[1]"
    ok = check_batch(GRADUATION, {"largest_financing_round": [1e15]}, on=ON)
    assert ok.outcome_of("4.3.5(b).financing").tolist() == [1]
    ints = check_batch(GRADUATION, {"largest_financing_round": np.array([10**15])}, on=ON)
    assert ints.outcome_of("4.3.5(b).financing").tolist() == [1]
    with pytest.raises(ValidationError):
        check_batch(GRADUATION, {"largest_financing_round": np.array([10**15 + 1])}, on=ON)


# -- finding 3: ASCII digits only, periods and numbers too ---------------------------------


@pytest.mark.parametrize("label", ["２０２５Q1", "٢٠٢٥", "２０２５"])
def test_periods_are_ascii(label: str) -> None:
    """4.3.5(c): a period label in other digits than 0-9 is refused (Python's \\d matches
    every script's digits)."""
    with pytest.raises(ValidationError):
        Period.parse(label)
    with pytest.raises(ValidationError) as caught:
        check_graduation({"operating_cash_flow": {label: "1"}}, on=ON)
    assert caught.value.field == f"operating_cash_flow[{label}]"


@pytest.mark.parametrize(
    ("text", "why"), [("９０", "ASCII"), ("9e1", "exponent"), ("9_0", "under")]
)
def test_number_inputs_use_the_same_grammar(text: str, why: str) -> None:
    """4.3.7-d scores: a number input reads the amount grammar, then the pack's range, in
    the direct and the column-wise engine alike."""
    with pytest.raises(ValidationError) as caught:
        check_evaluation({"score_total": text}, on=ON)
    assert caught.value.field == "score_total"
    assert caught.value.clause == "4.3.7-b"
    assert why in caught.value.reason
    with pytest.raises(ValidationError) as caught:
        check_batch("t-cate-0001-2020/evaluation", {"score_total": ["90", text]}, on=ON)
    assert caught.value.field == "score_total[1]"
    assert check_evaluation({"score_total": "90"}, on=ON).outcome_of("4.3.7-b.total") is (
        Outcome.MET
    )


# -- finding 4: exact money arithmetic -----------------------------------------------------

QUARTER = "2499999.9999999999999999999999999"


def test_four_quarters_just_below_the_threshold_are_not_met() -> None:
    """4.3.5(c) revenue: four quarters of 2,499,999.999…9 sum to just below 10,000,000; the
    sum is exact (MONEY_CONTEXT), so revenue is NOT_MET, not rounded up to MET."""
    inc = Incubatee(
        id="i-1",
        name="Acme",
        origin=Origin.INTERNAL,
        financials=[
            PeriodFinancials(Period(2025, q), revenue=Money(QUARTER)) for q in (1, 2, 3, 4)
        ],
    )
    revenue = inc.facts()["revenue"]
    assert revenue.amount == Decimal("9999999.9999999999999999999999996")
    decision = check_graduation(inc, on=ON)
    assert decision.outcome_of("4.3.5(c).revenue") is Outcome.NOT_MET
    assert decision.result_of("4.3.5(c).revenue").margin == Decimal("-4E-25")


def test_money_arithmetic_is_exact_whatever_the_callers_context() -> None:
    """Money adds, subtracts, negates and scales exactly within the bound, in its own
    context: neither the default 28 digits nor a caller's context rounds it."""
    import decimal

    a = Money(QUARTER)
    with decimal.localcontext(decimal.Context(prec=5)):
        assert (a + a + a + a).amount == Decimal("9999999.9999999999999999999999996")
        assert (-a).amount == Decimal("-" + QUARTER)
        assert (a - Money(1)).amount == Decimal("2499998.9999999999999999999999999")
        assert Money.wan("0.12345678901234567890123456789").amount == Decimal(
            "1234.5678901234567890123456789"
        )


def test_a_two_year_window_sum_is_exact() -> None:
    """第九条(十)3 (2018 measures): two years summing to just above 10,000,000 are MET; the
    default context would round the sum down to the threshold (not above it)."""
    facts = {"annual_revenue": {"2024": "5000000", "2025": "5000000.00000000000000000000001"}}
    decision = check(TORCH_2018_GRADUATION, facts, on=ON)
    assert decision.outcome_of("第九条(十)3") is Outcome.MET


def test_batch_refuses_amounts_it_cannot_hold_exactly() -> None:
    """4.3.5(c), column-wise: the batch engine keeps money to the fen in int64; an amount
    with a part below the fen is refused naming the row (it was rounded to the fen)."""
    with pytest.raises(ValidationError) as caught:
        check_batch(GRADUATION, {"revenue": [QUARTER]}, on=ON)
    assert caught.value.field == "revenue[0]"
    assert "fen" in caught.value.reason


def test_batch_sums_of_long_windows_of_large_amounts_are_exact() -> None:
    """第九条(十)3 and 4.3.5(c), column-wise: sums of many periods of amounts near 10^15
    leave int64; those rows are summed exactly and agree with the direct engine."""
    years = {str(y): str(MAX_AMOUNT) for y in range(1990, 2090)}
    direct = check(TORCH_2018_GRADUATION, {"annual_revenue": years}, on=ON)
    batch = check_batch(
        TORCH_2018_GRADUATION, {"annual_revenue": {y: [a] for y, a in years.items()}}, on=ON
    )
    assert batch.outcome_of("第九条(十)3").tolist() == [1]
    assert direct.outcome_of("第九条(十)3") is Outcome.MET
    quarters = {f"{2000 + i // 4}Q{i % 4 + 1}": str(MAX_AMOUNT - i) for i in range(100)}
    params = {"cash_flow_periods": 100, "cash_flow_stability_ratio": "0.9999"}
    direct = check(GRADUATION, {"operating_cash_flow": quarters}, on=ON, params=params)
    columns = {"operating_cash_flow": {q: [a] for q, a in quarters.items()}}
    batch = check_batch(GRADUATION, columns, on=ON, params=params)
    assert direct.outcome_of("4.3.5(c).cash_flow") is Outcome.MET
    assert batch.outcome_of("4.3.5(c).cash_flow").tolist() == [1]


def test_batch_wide_rows_whose_newest_period_is_missing_take_their_own_window() -> None:
    """4.3.5(c), column-wise: a row of amounts near 10^15 whose newest period is missing
    has its window end at its newest known period, as the direct engine has it, and its
    sum is exact; beside it, rows of small amounts, with and without their newest period,
    keep theirs (each row compared with the direct engine)."""
    labels = [f"{2000 + i // 4}Q{i % 4 + 1}" for i in range(101)]
    params = {"cash_flow_periods": 100, "cash_flow_stability_ratio": "0.9999"}
    big = [str(MAX_AMOUNT - i) for i in range(101)]
    small = [str(1000 + i) for i in range(101)]
    rows = [
        dict(zip(labels, big, strict=True)),
        {**dict(zip(labels, big, strict=True)), labels[-1]: None},
        dict(zip(labels, small, strict=True)),
        {**dict(zip(labels, small, strict=True)), labels[-1]: None},
        # The oldest amount of the shifted window is the lowest: not stable at 0.9999.
        {**dict(zip(labels, big, strict=True)), labels[0]: "1", labels[-1]: None},
    ]
    columns = {"operating_cash_flow": {q: [row[q] for row in rows] for q in labels}}
    batch = check_batch(GRADUATION, columns, on=ON, params=params).outcome_of("4.3.5(c).cash_flow")
    codes = {Outcome.MET: 1, Outcome.NOT_MET: 0, Outcome.UNKNOWN: -1}
    direct = [
        codes[
            check(
                GRADUATION,
                {"operating_cash_flow": {q: a for q, a in row.items() if a is not None}},
                on=ON,
                params=params,
            ).outcome_of("4.3.5(c).cash_flow")
        ]
        for row in rows
    ]
    assert batch.tolist() == direct
    assert direct == [1, 1, 0, 0, 0]


# -- finding 5: whatever is accepted can be explained and written --------------------------


@given(
    revenue=accepted_amount_s(non_negative=True),
    profit=accepted_amount_s(),
    financing=accepted_amount_s(non_negative=True),
    flows=st.lists(accepted_amount_s(), min_size=1, max_size=6),
    as_text=st.booleans(),
)
def test_every_accepted_amount_can_be_explained_and_written(
    revenue: Decimal, profit: Decimal, financing: Decimal, flows: list[Decimal], as_text: bool
) -> None:
    """4.3.5(b)/(c): for any amounts the readers accept (up to ±10^15 and 30 decimals,
    extremes included), the Decision explains itself in English and Chinese, serialises,
    lists what is missing and says why not, without an exception."""

    def given_as(value: Decimal) -> Any:
        return plain(value) if as_text else value

    facts = {
        "revenue": given_as(revenue),
        "profit": given_as(profit),
        "largest_financing_round": given_as(financing),
        "operating_cash_flow": {
            f"2025Q{i % 4 + 1}" if i < 4 else f"2026Q{i - 3}": given_as(a)
            for i, a in enumerate(flows)
        },
    }
    decision = check_graduation(facts, on=ON)
    assert decision.explain("en")
    assert decision.explain("zh")
    written = json.loads(decision.to_json())
    assert written["inputs"]["revenue"] == plain(revenue)
    assert isinstance(decision.missing, tuple)
    assert isinstance(decision.why_not(), list)


def test_the_reported_unexplainable_inputs_are_refused_at_input() -> None:
    """4.3.5(c): "1e5000" and "1e999999999" used to be accepted and then broke explain()
    and to_json(); cash flows of ±1e40 broke to_json(). All are refused at input now."""
    for facts in (
        {"revenue": "1e5000"},
        {"revenue": "1e999999999"},
        {"operating_cash_flow": {"2025Q1": "-1e40", "2025Q2": "1e40"}},
        {"operating_cash_flow": {"2025Q1": Decimal("-1e40"), "2025Q2": Decimal("1e40")}},
    ):
        with pytest.raises(ValidationError):
            check_graduation(facts, on=ON)


# -- finding 6: written amounts are read back ----------------------------------------------


def test_money_is_written_as_a_plain_decimal() -> None:
    """Money(Decimal("1E+7")) is written "10000000" (its own schema refuses "1E+7"), and
    a tiny amount "0.0000001", not "1E-7"."""
    assert json.loads(to_json(Money(Decimal("1E+7"))))["amount"] == "10000000"
    assert json.loads(to_json(Money(Decimal("1E-7"))))["amount"] == "0.0000001"
    assert jsonable_input(Decimal("1E-7")) == "0.0000001"


@given(accepted_amount_s())
def test_written_amounts_read_back_to_the_same_amount(amount: Decimal) -> None:
    """Round trip: every amount the reader accepts is written (Money JSON, a named input
    in a decision record) as text the reader accepts back, equal to it."""
    money = Money(amount)
    text = json.loads(to_json(money))["amount"]
    assert "E" not in text and "e" not in text
    assert Money(text) == money
    assert from_json(Money, to_json(money)) == money
    assert read_decimal(jsonable_input(amount)) == amount


@given(accepted_amount_text_s())
def test_accepted_texts_read_back_after_writing(text: str) -> None:
    """Every text of the grammar is accepted, and its plain writing is accepted back as
    the same number."""
    value = read_decimal(text)
    assert read_decimal(plain(value)) == value
    assert value == Decimal(text.replace(",", ""))


# -- finding 7: the period grid is bounded ---------------------------------------------------


def test_a_series_spanning_more_than_the_bound_is_refused_in_every_engine() -> None:
    """4.3.5(c): cash flow from 1900Q1 to 2999Q4 (4,400 quarters) is refused, naming the
    input, by the direct and the column-wise engine (which would allocate the grid)."""
    series = {"1900Q1": "1", "2999Q4": "2"}
    with pytest.raises(ValidationError) as caught:
        check_graduation({"operating_cash_flow": series}, on=ON)
    assert caught.value.field == "operating_cash_flow"
    assert str(MAX_SERIES_SPAN) in caught.value.reason
    with pytest.raises(ValidationError) as caught:
        check_batch(GRADUATION, {"operating_cash_flow": {k: [v] for k, v in series.items()}})
    assert caught.value.field == "operating_cash_flow"
    rows = np.empty(2, object)
    rows[:] = [{"1900Q1": "1"}, {"2999Q4": "2"}]
    with pytest.raises(ValidationError) as caught:
        check_batch(GRADUATION, {"operating_cash_flow": rows})
    assert caught.value.field == "operating_cash_flow"
    last = {f"{1900 + i // 4}Q{i % 4 + 1}": "1" for i in (0, MAX_SERIES_SPAN - 1)}
    assert check_graduation({"operating_cash_flow": last}, on=ON).outcome is not None


@pytest.mark.skipif(not DURABLE, reason=NO_DURABLE)
def test_the_stream_refuses_a_series_beyond_the_span() -> None:
    """4.3.5(c), streaming: the same refusal, and the key's facts stay as they were."""
    from sep.evaluation import GraduationStream

    with GraduationStream(on=ON) as stream:
        stream.post("a", {"revenue": "1"})
        with pytest.raises(ValidationError) as caught:
            stream.post("a", {"operating_cash_flow": {"1900Q1": "1", "2999Q4": "2"}})
        assert caught.value.field == "operating_cash_flow"
        assert "operating_cash_flow" not in stream.facts("a")


def test_financing_round_amounts_use_the_reader() -> None:
    """4.3.5(b): a FinancingRound of "1e400" is refused when the Money is built."""
    with pytest.raises(ValidationError):
        FinancingRound(amount=Money("1e400"))


@pytest.mark.skipif(not DURABLE, reason=NO_DURABLE)
@pytest.mark.parametrize(
    ("revenue", "expected"),
    [
        ("9999999.9999999999999999999999996", Outcome.NOT_MET),
        ("10000000.000000000000000000000001", Outcome.MET),
        ("10000000", Outcome.MET),
    ],
)
def test_the_stream_decides_long_decimals_as_the_direct_engine(
    revenue: str, expected: Outcome
) -> None:
    """4.3.5(c) revenue, streaming: durable-rules compares doubles, and the nearest double
    of 9,999,999.99…96 is 10^7 itself; the stream posts a double on the decimal's side of
    the threshold, so it agrees with the direct engine."""
    from sep.evaluation import GraduationStream

    assert check_graduation({"revenue": revenue}, on=ON).outcome_of("4.3.5(c).revenue") is (
        expected
    )
    with GraduationStream(on=ON) as stream:
        decision = stream.post("a", {"revenue": revenue})
        assert decision.outcome_of("4.3.5(c).revenue") is expected


def test_a_decision_record_writes_plain_decimals() -> None:
    """4.3.5(c): the margin of a 30-decimal amount (-4E-25 as a Decimal) is written in the
    decision's JSON as a plain decimal, like every amount it records."""
    decision = check_graduation({"revenue": "9999999.9999999999999999999999996"}, on=ON)
    written = decision.to_json()
    assert decision.result_of("4.3.5(c).revenue").margin == Decimal("-4E-25")
    assert "-0.0000000000000000000000004" in written
    assert "E-" not in written and "E+" not in written


def test_columns_from_keeps_long_decimals_exact() -> None:
    """4.3.5(c), column-wise: columns_from does not turn an amount below the fen into a
    float (which would drop its digits); it stays a Decimal, and batch then refuses it."""
    from sep.evaluation import columns_from

    cols = columns_from([{"revenue": QUARTER}])
    assert cols["revenue"].dtype == object
    assert cols["revenue"][0] == Decimal(QUARTER)
    with pytest.raises(ValidationError):
        check_batch(GRADUATION, cols, on=ON)
