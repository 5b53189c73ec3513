"""What a caller's mapping is, and how domain objects become rule inputs.

* Unknown input names are refused with a "did you mean", unless ``extra="ignore"``
  (every pack: 3.1, 4.2.1, 4.3.5, 4.3.7-b, 第九条(十)).
* A mapping is a domain document by an explicit rule (a ``kind`` marker or a key only a
  document has); a half-document is refused naming the missing field (4.2.2, 3.1).
* 4.3.5(b) counts independent rounds only; unknown independence is unknown.
* 4.3.5(c) reads the latest complete calendar year.
* 第九条(十)3 reads years only; a window over a gap is unknown.
* Amounts in another currency are refused, never dropped (3.1, 4.2.1(4), 4.3.5(b)/(c)).
"""

from __future__ import annotations

import datetime as dt
import io
import json
import sys
from collections.abc import Iterator, Mapping
from decimal import Decimal
from typing import Any

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from sep._cli import main
from sep.domain import (
    Enterprise,
    FinancingRound,
    Incubatee,
    Money,
    Origin,
    Period,
    PeriodFinancials,
    from_dict,
    from_json,
    to_dict,
)
from sep.errors import ValidationError
from sep.evaluation import (
    GRADUATION,
    TORCH_2018_GRADUATION,
    Outcome,
    check,
    check_batch,
    check_eligibility,
    check_evaluation,
    check_graduation,
)
from sep.evaluation import _durable as durable_adapter
from sep.evaluation._stream import RuleStream, check_stream
from tests.strategies import incubatee_s

pytestmark = pytest.mark.clause("3.1", "4.2.1", "4.2.2", "4.3.5")

ON = dt.date(2026, 1, 1)
MET, NOT_MET, UNKNOWN = Outcome.MET, Outcome.NOT_MET, Outcome.UNKNOWN
needs_durable = pytest.mark.skipif(
    not durable_adapter.durable_available(), reason="durable-rules cannot be imported here"
)


def _incubatee(**changes: Any) -> Incubatee:
    base: dict[str, Any] = {"id": "h-1", "name": "Leishen", "origin": Origin.INTERNAL}
    base.update(changes)
    return Incubatee(**base)


# -- 1. unknown input names ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("question", "facts", "field", "hint"),
    [
        (check_graduation, {"revenu": "5"}, "revenu", "revenue"),
        (check_graduation, {"Listed": True}, "Listed", "listed"),
        (check_eligibility, {"size_clas": "large"}, "size_clas", "size_class"),
        (check_evaluation, {"score_totl": 80}, "score_totl", "score_total"),
    ],
)
def test_unknown_input_name_is_refused_with_a_hint(
    question: Any, facts: dict[str, Any], field: str, hint: str
) -> None:
    """A misspelled input name (4.3.5, 3.1, 4.3.7-b) is refused naming it and the close
    match, instead of leaving the input missing (UNKNOWN) without a word."""
    with pytest.raises(ValidationError) as info:
        question(facts, on=ON)
    assert info.value.field == field
    assert f"did you mean {hint!r}" in info.value.reason
    assert "extra='ignore'" in info.value.reason


def test_unknown_name_in_a_torch_2018_mapping_is_refused() -> None:
    """The 2018 pack (第九条(十)) refuses a name it does not read, through check()."""
    with pytest.raises(ValidationError) as info:
        check(TORCH_2018_GRADUATION, {"annual_revenu": {"2025": "1"}}, on=ON)
    assert info.value.field == "annual_revenu"
    assert "'annual_revenue'" in info.value.reason


def test_extra_ignore_allows_wider_records() -> None:
    """``extra="ignore"`` lets one wide record serve a pack (4.3.5(b)): other names skipped."""
    d = check_graduation({"listed": True, "crm_id": 7}, extra="ignore", on=ON)
    assert d.outcome is MET
    assert check(GRADUATION, {"listed": True, "x": 1}, extra="ignore", on=ON).outcome is MET


@pytest.mark.parametrize("extra", ["allow", "", None, 5, "IGNORE"])
def test_extra_itself_is_validated(extra: Any) -> None:
    """A bad ``extra`` argument is a ValidationError naming ``extra``, never ignored."""
    with pytest.raises(ValidationError) as info:
        check_graduation({}, extra=extra, on=ON)
    assert info.value.field == "extra"


def test_unknown_names_of_non_string_keys_are_refused_cleanly() -> None:
    """A non-text key is refused as a ValidationError (no TypeError from the hint)."""
    with pytest.raises(ValidationError) as info:
        check_graduation({1: True}, on=ON)
    assert info.value.field == "1"


def test_domain_object_facts_serve_every_pack() -> None:
    """Incubatee.facts() carries inputs of both graduation packs (4.3.5 and 第九条(十)):
    they are the library's own and are not refused as unknown names."""
    inc = _incubatee(listed=True, high_tech_enterprise=True)
    assert check_graduation(inc, on=ON).outcome is MET
    assert check(TORCH_2018_GRADUATION, inc, on=ON).outcome is MET


def test_cli_refuses_a_misspelled_name_on_stdin(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """``sep check graduation -`` with ``{"revenu": "5"}`` exits 2 naming the field (4.3.5(c))."""
    monkeypatch.setattr(sys, "stdin", io.StringIO('{"revenu": "5"}'))
    assert main(["check", "graduation", "-"], out=io.StringIO()) == 2
    err = capsys.readouterr().err
    assert "revenu" in err and "did you mean 'revenue'" in err


@needs_durable
def test_stream_refuses_unknown_names_and_keeps_state() -> None:
    """A stream post with a misspelled name (4.3.5(b)) is refused; the key's facts stay."""
    with RuleStream(GRADUATION, on=ON) as stream:
        stream.post("a", {"listed": False})
        with pytest.raises(ValidationError) as info:
            stream.post("a", {"Listed": True})
        assert info.value.field == "Listed"
        assert stream.facts("a") == {"listed": False}
    with RuleStream(GRADUATION, on=ON, extra="ignore") as stream:
        assert stream.post("a", {"listed": True, "crm": 1}).outcome is MET
    with pytest.raises(ValidationError) as info:
        check_stream(GRADUATION, [{"revenu": "1"}], on=ON)
    assert info.value.field == "revenu"
    assert (
        check_stream(GRADUATION, [{"listed": True, "x": 1}], on=ON, extra="ignore")[0].outcome
        is MET
    )
    with pytest.raises(ValidationError) as info:
        RuleStream(GRADUATION, on=ON, extra="allow")  # type: ignore[arg-type]
    assert info.value.field == "extra"


def test_batch_takes_the_same_extra_spellings() -> None:
    """check_batch refuses a bad ``extra`` and takes check()'s ``"forbid"`` (4.3.5(b))."""
    with pytest.raises(ValidationError) as info:
        check_batch(GRADUATION, {"listed": [True]}, extra="allow", on=ON)  # type: ignore[arg-type]
    assert info.value.field == "extra"
    assert check_batch(GRADUATION, {"listed": [True]}, extra="forbid", on=ON).outcome.tolist() == [
        1
    ]


# -- 2. documents -------------------------------------------------------------------------


def _met_incubatee_json() -> dict[str, Any]:
    inc = _incubatee(
        financing_rounds=[FinancingRound(Money("60000000"), independent=True)],
        financials=[PeriodFinancials(Period(2025), revenue=Money("12000000"))],
    )
    data: dict[str, Any] = to_dict(inc)
    return data


def test_half_document_is_refused_naming_the_missing_field() -> None:
    """An incubatee JSON without ``name`` (4.2.2) is refused, not re-read as named inputs
    (which dropped its financing and turned MET into UNKNOWN)."""
    data = _met_incubatee_json()
    assert check_graduation(data, on=ON).outcome is MET
    del data["name"]
    with pytest.raises(ValidationError) as info:
        check_graduation(data, on=ON)
    assert info.value.field == "name"
    assert info.value.reason == "is required"


@pytest.mark.parametrize("key", ["financials", "financing_rounds", "origin", "id", "events"])
def test_one_document_key_makes_a_document(key: str) -> None:
    """Any key only a domain document has (4.2.2, 4.3.5) makes the mapping a document."""
    data = _met_incubatee_json()
    partial = {key: data[key]}
    with pytest.raises(ValidationError) as info:
        check_graduation(partial, on=ON)
    assert info.value.reason == "is required"


def test_enterprise_half_document_is_refused() -> None:
    """An enterprise JSON without ``industry`` (3.1) is refused naming it."""
    with pytest.raises(ValidationError) as info:
        check_eligibility({"name": "H Group", "employees": 99000}, on=ON)
    assert info.value.field == "industry"


def test_kind_marker_makes_a_document() -> None:
    """``kind: incubatee`` marks a document explicitly; a wrong kind is refused."""
    data = _met_incubatee_json()
    assert check_graduation({"kind": "incubatee", **data}, on=ON).outcome is MET
    with pytest.raises(ValidationError) as info:
        check_graduation({"kind": "incubatee", "listed": True}, on=ON)
    assert info.value.field in ("id", "name", "origin")
    with pytest.raises(ValidationError) as info:
        check_graduation({"kind": "enterprise", **data}, on=ON)
    assert info.value.field == "kind"


def test_shared_names_stay_named_inputs() -> None:
    """Names that are both a document field and a named input (``listed``) keep meaning the
    named input (4.3.5(b)), so a flat mapping is not mistaken for a document."""
    assert check_graduation({"listed": True, "organisation_complete": True}, on=ON).outcome is MET


def test_cli_half_document_file_is_refused(
    tmp_path: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    """``sep check graduation file.json`` refuses the same half-document, exit 2."""
    data = _met_incubatee_json()
    del data["name"]
    path = tmp_path / "inc.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    assert main(["check", "graduation", str(path)], out=io.StringIO()) == 2
    assert "name: is required" in capsys.readouterr().err


# -- 3. 4.3.5(b) independent financing ----------------------------------------------------


def _round(amount: str, independent: bool | None) -> FinancingRound:
    return FinancingRound(Money(amount), independent=independent)


def test_founder_funded_round_is_not_independent_financing() -> None:
    """A round marked ``independent=False`` never counts as 4.3.5(b) financing."""
    inc = _incubatee(financing_rounds=[_round("100000000", False)])
    assert check_graduation(inc, on=ON).outcome_of("4.3.5(b).financing") is NOT_MET
    inc = _incubatee(financing_rounds=[_round("100000000", False), _round("60000000", True)])
    assert inc.facts()["largest_financing_round"] == Money("60000000")


def test_round_of_unknown_independence_is_unknown_when_it_could_matter() -> None:
    """A larger round of unknown independence makes the largest independent round unknown
    (4.3.5(b)); a smaller one does not change a known largest round."""
    inc = _incubatee(financing_rounds=[_round("100000000", None), _round("1000000", True)])
    assert inc.facts()["largest_financing_round"] is None
    assert check_graduation(inc, on=ON).outcome_of("4.3.5(b).financing") is UNKNOWN
    inc = _incubatee(financing_rounds=[_round("1000000", None), _round("60000000", True)])
    assert inc.facts()["largest_financing_round"] == Money("60000000")
    assert check_graduation(inc, on=ON).outcome_of("4.3.5(b).financing") is MET


# -- 4. 4.3.5(c) latest complete year ----------------------------------------------------


def test_latest_full_year_is_used_when_a_later_quarter_is_recorded() -> None:
    """Full-year 2025 accounts and 2026Q1 recorded: 4.3.5(c) reads 2025, not UNKNOWN."""
    inc = _incubatee(
        financials=[
            PeriodFinancials(Period(2025), revenue=Money("12000000"), profit=Money("2000000")),
            PeriodFinancials(Period(2026, 1), revenue=Money("10"), profit=Money("1")),
        ]
    )
    facts = inc.facts()
    assert facts["revenue"] == Money("12000000")
    assert facts["profit"] == Money("2000000")
    d = check_graduation(inc, on=ON)
    assert d.outcome_of("4.3.5(c).revenue") is MET
    assert d.outcome_of("4.3.5(c).profit") is MET


def test_four_quarters_make_a_complete_year() -> None:
    """Four quarters of 2025 with a 2026Q1 after them: the 2025 quarters are summed."""
    quarters = [PeriodFinancials(Period(2025, q), revenue=Money("3000000")) for q in (1, 2, 3, 4)]
    inc = _incubatee(financials=[*quarters, PeriodFinancials(Period(2026, 1))])
    assert inc.facts()["revenue"] == Money("12000000")


def test_latest_complete_year_with_unknown_figure_is_unknown() -> None:
    """The latest complete year's revenue unrecorded: unknown, not an older year's figure."""
    inc = _incubatee(
        financials=[
            PeriodFinancials(Period(2024), revenue=Money("12000000")),
            PeriodFinancials(Period(2025), profit=Money("5")),
        ]
    )
    assert inc.facts()["revenue"] is None


# -- 5. 2018 pack: years only, gaps unknown ----------------------------------------------


def _engines(facts: dict[str, Any]) -> Iterator[Outcome]:
    yield check(TORCH_2018_GRADUATION, facts, on=ON).outcome_of("第九条(十)3")
    columns = {}
    for name, value in facts.items():
        column = np.empty(1, object)  # one row holding the value as the direct engine takes it
        column[0] = value
        columns[name] = column
    batch = check_batch(TORCH_2018_GRADUATION, columns, on=ON)
    yield {1: MET, 0: NOT_MET, -1: UNKNOWN}[int(batch.criteria["第九条(十)3"][0])]
    if durable_adapter.durable_available():
        yield check_stream(TORCH_2018_GRADUATION, [facts], on=ON)[0].outcome_of("第九条(十)3")


def test_annual_revenue_refuses_quarter_labels() -> None:
    """第九条(十)3 reads 连续2年营业收入 (years): quarter labels are refused in every engine."""
    facts = {"annual_revenue": {"2025Q1": "6000000", "2025Q2": "6000000"}}
    with pytest.raises(ValidationError) as info:
        check(TORCH_2018_GRADUATION, facts, on=ON)
    assert info.value.field == "annual_revenue[2025Q1]"
    assert info.value.clause == "第九条(十)3"
    with pytest.raises(ValidationError):
        check_batch(
            TORCH_2018_GRADUATION,
            {"annual_revenue": np.array([facts["annual_revenue"]], object)},
            on=ON,
        )
    with pytest.raises(ValidationError):
        check_batch(
            TORCH_2018_GRADUATION,
            {"annual_revenue": {"2025Q1": [6e6], "2025Q2": [6e6]}},
            on=ON,
        )
    if durable_adapter.durable_available():
        with pytest.raises(ValidationError):
            check_stream(TORCH_2018_GRADUATION, [facts], on=ON)


@pytest.mark.parametrize(
    "series",
    [
        {"2021": "6000000", "2023": "6000000"},
        {"2021": "6000000", "2022": None, "2023": "6000000"},
        {"2021": "1", "2022": "2", "2024": "3"},
        [{"period": "2020", "amount": "1"}, {"period": "2021"}, {"period": "2022", "amount": "2"}],
    ],
)
def test_window_over_a_gap_is_unknown_in_every_engine(series: Any) -> None:
    """A year not recorded could bridge two years past 10,000,000 CNY (第九条(十)3): UNKNOWN,
    never NOT_MET, in the direct, column-wise and streaming engines."""
    assert set(_engines({"annual_revenue": series})) == {UNKNOWN}


def test_complete_annual_series_below_threshold_is_not_met() -> None:
    """With no gap, two consecutive years summing to at most 10,000,000 CNY are NOT_MET."""
    assert set(_engines({"annual_revenue": {"2024": "5000000", "2025": "5000000"}})) == {NOT_MET}


# -- 6. Enterprise currency at the boundary ----------------------------------------------


@pytest.mark.parametrize(
    ("field", "clause"),
    [
        ("operating_revenue", "3.1"),
        ("total_assets", "3.1"),
        ("free_cash_flow", "4.2.1(4)"),
        ("early_funding_capacity", "4.2.1(4)"),
    ],
)
def test_enterprise_refuses_other_currencies_when_built(field: str, clause: str) -> None:
    """An Enterprise figure in USD is refused at construction and by from_dict, naming
    ``<field>.currency`` and its clause (3.1, 4.2.1(4)), not later as ``revenue``."""
    figures: dict[str, Any] = {field: Money(5, "USD")}
    with pytest.raises(ValidationError) as info:
        Enterprise(name="H", industry="C38", **figures)
    assert (info.value.field, info.value.clause) == (f"{field}.currency", clause)
    data = {"name": "H", "industry": "C38", field: {"amount": "5", "currency": "USD"}}
    with pytest.raises(ValidationError) as info:
        from_dict(Enterprise, data)
    assert (info.value.field, info.value.clause) == (f"{field}.currency", clause)


# -- 7. incubatee amounts in other currencies --------------------------------------------


def test_usd_round_is_refused_not_dropped() -> None:
    """A 100M USD round beside a 1M CNY round: facts() refuses naming
    ``financing_rounds[0].amount.currency`` (4.3.5(b)) instead of deciding NOT_MET."""
    inc = _incubatee(
        financing_rounds=[
            FinancingRound(Money("100000000", "USD"), independent=True),
            FinancingRound(Money("1000000"), independent=True),
        ]
    )
    with pytest.raises(ValidationError) as info:
        check_graduation(inc, on=ON)
    assert info.value.field == "financing_rounds[0].amount.currency"
    assert info.value.clause == "4.3.5(b)"


@pytest.mark.parametrize("figure", ["revenue", "profit", "operating_cash_flow"])
def test_financials_in_other_currency_are_refused(figure: str) -> None:
    """A period's figure in USD is refused naming ``financials[i].<figure>.currency``
    (4.3.5(c)), never left out of the year or the cash-flow series."""
    inc = _incubatee(
        financials=[
            PeriodFinancials(Period(2024), revenue=Money("1")),
            PeriodFinancials(Period(2025), **{figure: Money("5", "USD")}),
        ]
    )
    with pytest.raises(ValidationError) as info:
        inc.facts()
    assert info.value.field == f"financials[1].{figure}.currency"
    assert info.value.clause == "4.3.5(c)"


# -- from_json through the bounded reader ------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        '{"id": "a", "id": "b", "name": "X", "origin": "internal"}',
        "[" * 5000 + "]" * 5000,
        '{"id": "a", "name": "X", "origin": "internal", "valuation": ' + "9" * 5000 + "}",
        b"\xff\xfe{}",
    ],
)
def test_from_json_uses_the_bounded_reader(text: str | bytes) -> None:
    """Duplicate keys, deep nesting, huge integers and non-UTF-8 bytes are a ValidationError
    (the bounded JSON reader), never silently accepted or a RecursionError."""
    with pytest.raises(ValidationError):
        from_json(Incubatee, text)


def test_from_json_still_reads_decimals_exactly() -> None:
    """Numbers are read as Decimal (3.1 amounts), not float."""
    inc = from_json(Incubatee, '{"id": "a", "name": "X", "origin": "internal", "valuation": 12.10}')
    assert inc.valuation == Money(Decimal("12.10"))


def test_document_typo_names_the_field_and_the_close_match() -> None:
    """A misspelled document field (``financial`` for ``financials``, 4.3.5(c)) is refused
    naming it, its class and the field meant."""
    data = {"id": "a", "name": "X", "origin": "internal", "financial": []}
    with pytest.raises(ValidationError) as info:
        check_graduation(data, on=ON)
    assert info.value.field == "financial"
    assert "Incubatee" in info.value.reason and "did you mean 'financials'" in info.value.reason


# -- properties over generated incubatees -------------------------------------------------


@given(inc=incubatee_s(), drop=st.sampled_from(["id", "name", "origin"]))
def test_any_document_without_a_required_field_is_refused(inc: Incubatee, drop: str) -> None:
    """Every incubatee JSON (4.2.2) missing one required field is refused naming it, never
    read as named inputs."""
    data = to_dict(inc)
    del data[drop]
    with pytest.raises(ValidationError) as info:
        check_graduation(data, on=ON)
    assert (info.value.field, info.value.reason) == (drop, "is required")


@given(inc=incubatee_s())
def test_document_and_object_decide_alike(inc: Incubatee) -> None:
    """An incubatee's JSON and the object give the same decision (4.3.5), or the same
    refusal (an amount in another currency), for both graduation packs."""
    for pack in (GRADUATION, TORCH_2018_GRADUATION):
        try:
            expected: Any = check(pack, inc, on=ON).digest
        except ValidationError as err:
            expected = (err.field, err.reason)
        try:
            got: Any = check(pack, to_dict(inc), on=ON).digest
        except ValidationError as err:
            got = (err.field, err.reason)
        assert got == expected


# -- follow-ups: labels of missing amounts, columns_from, the kind marker, junk mappings --


def _refused_everywhere(pack: str, facts: dict[str, Any]) -> list[ValidationError]:
    """The refusal of ``facts`` by each engine (direct, column-wise per-row, stream)."""
    errors = []
    with pytest.raises(ValidationError) as info:
        check(pack, facts, on=ON)
    errors.append(info.value)
    columns = {}
    for name, value in facts.items():
        column = np.empty(1, object)
        column[0] = value
        columns[name] = column
    with pytest.raises(ValidationError) as info:
        check_batch(pack, columns, on=ON)
    errors.append(info.value)
    if durable_adapter.durable_available():
        with pytest.raises(ValidationError) as info:
            check_stream(pack, [facts], on=ON)
        errors.append(info.value)
    return errors


@pytest.mark.parametrize(
    ("pack", "name", "series", "label"),
    [
        (TORCH_2018_GRADUATION, "annual_revenue", {"garbage": None, "2025": "5"}, "garbage"),
        (TORCH_2018_GRADUATION, "annual_revenue", {"garbage": None}, "garbage"),
        (TORCH_2018_GRADUATION, "annual_revenue", {"2025Q1": None, "2025": "5"}, "2025Q1"),
        (GRADUATION, "operating_cash_flow", {"2025Q9": None}, "2025Q9"),
        (GRADUATION, "operating_cash_flow", {123: None}, "123"),
        (GRADUATION, "operating_cash_flow", [{"period": "zz", "amount": None}], "0"),
    ],
)
def test_label_of_a_missing_amount_is_still_validated(
    pack: str, name: str, series: Any, label: str
) -> None:
    """A series label is a period whether or not its amount is known (4.3.5(c), 第九条(十)3):
    ``{"garbage": None}`` is refused naming the label in every engine, never read as
    "that period is missing"."""
    for err in _refused_everywhere(pack, {name: series}):
        # The column-wise engine names the row and puts the label's path in the reason.
        assert f"{name}[{label}]" in f"{err.field} {err.reason}", err
        assert err.clause in ("4.3.5(c)", "第九条(十)3"), err


def test_missing_amount_of_a_good_label_is_still_missing() -> None:
    """``None`` for a valid period still means that period is missing (UNKNOWN), 4.3.5(c)."""
    facts = {"operating_cash_flow": {"2025Q1": None, "2025Q2": "5"}}
    assert check(GRADUATION, facts, on=ON).outcome_of("4.3.5(c).cash_flow") is UNKNOWN
    assert check(GRADUATION, {"operating_cash_flow": {"2025Q1": None}}, on=ON).missing


def test_a_label_given_twice_is_refused_even_if_one_amount_is_missing() -> None:
    """Two rows for one period are refused (4.3.5(c)) even when one of them has no amount."""
    rows = [{"period": "2025Q1", "amount": None}, {"period": "2025Q1", "amount": "5"}]
    with pytest.raises(ValidationError) as info:
        check(GRADUATION, {"operating_cash_flow": rows}, on=ON)
    assert "twice" in info.value.reason


def test_columns_from_refuses_unknown_names_with_a_hint() -> None:
    """columns_from reads a mapping as check() does (4.3.5): a misspelled name is refused
    naming its row and the close match; ``extra="ignore"`` allows wider records."""
    from sep.evaluation import columns_from

    with pytest.raises(ValidationError) as info:
        columns_from([{"revenue": "1"}, {"revenu": "5"}])
    assert info.value.field == "[1].revenu"
    assert "did you mean 'revenue'" in info.value.reason
    cols = columns_from([{"revenue": "1", "crm_id": 7}], extra="ignore")
    assert cols["revenue"].tolist() == [1.0]
    with pytest.raises(ValidationError) as info:
        columns_from([], extra="allow")
    assert info.value.field == "extra"


def test_columns_from_reads_documents_by_the_same_rule() -> None:
    """A document row is validated whole (4.3.5): a half-document is refused naming the
    missing field and its row; a whole document gives the same columns as its object."""
    from sep.evaluation import columns_from

    inc = _incubatee(listed=True)
    doc = to_dict(inc)
    half = {k: v for k, v in doc.items() if k != "name"}
    with pytest.raises(ValidationError) as info:
        columns_from([doc, half])
    assert info.value.field == "[1].name"
    assert columns_from([doc])["listed"].tolist() == columns_from([inc])["listed"].tolist()
    assert columns_from([{**doc, "kind": "incubatee"}])["listed"].tolist() == [1.0]


def test_from_dict_accepts_the_kind_marker_of_its_class() -> None:
    """A document carrying the kind marker check() reads (4.3.5, 3.1) is a valid document
    for from_dict and ``sep validate`` too; a wrong kind is refused naming ``kind``."""
    doc = {**to_dict(_incubatee()), "kind": "incubatee"}
    assert from_dict(Incubatee, doc) == _incubatee()
    enterprise = {"name": "E", "industry": "C", "kind": "enterprise"}
    assert from_dict(Enterprise, enterprise).name == "E"
    for cls, bad in (
        (Incubatee, {**doc, "kind": "enterprise"}),
        (Enterprise, {**enterprise, "kind": 5}),
    ):
        with pytest.raises(ValidationError) as info:
            from_dict(cls, bad)
        assert info.value.field == "kind"
    with pytest.raises(ValidationError) as info:
        check_graduation({**doc, "kind": "enterprise"}, on=ON)
    assert info.value.field == "kind"


def test_cli_validate_accepts_the_kind_marker(tmp_path: Any) -> None:
    """``sep validate incubatee`` accepts a document written with its kind marker (4.2.2)."""
    path = tmp_path / "inc.json"
    path.write_text(json.dumps({**to_dict(_incubatee()), "kind": "incubatee"}), encoding="utf-8")
    out = io.StringIO()
    assert main(["validate", "incubatee", str(path)], out=out) == 0
    path.write_text(json.dumps({**to_dict(_incubatee()), "kind": "platform"}), encoding="utf-8")
    assert main(["validate", "incubatee", str(path)], out=io.StringIO()) == 2


def test_schema_allows_exactly_the_kind_of_its_class() -> None:
    """The domain JSON Schema of Incubatee/Enterprise lists the optional ``kind`` marker
    with its one value, so schema and from_dict agree on it."""
    jsonschema = pytest.importorskip("jsonschema")
    from sep.domain import json_schema

    schema = json_schema(Incubatee)
    doc = {**to_dict(_incubatee()), "kind": "incubatee"}
    jsonschema.validate(doc, schema)
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({**doc, "kind": "enterprise"}, schema)
    assert "kind" not in schema["$defs"]["Incubatee"]["required"]


class _Exploding(dict):  # type: ignore[type-arg]
    """A mapping whose reads fail, as a broken CRM adapter's would."""

    def __getitem__(self, key: Any) -> Any:
        raise RuntimeError("backend gone")

    def get(self, key: Any, default: Any = None) -> Any:
        raise RuntimeError("backend gone")


class _ExplodingMapping(Mapping):  # type: ignore[type-arg]
    """A Mapping (not a dict) whose __getitem__ raises."""

    def __getitem__(self, key: Any) -> Any:
        raise KeyError(key)

    def __iter__(self) -> Iterator[Any]:
        return iter(["revenue"])

    def __len__(self) -> int:
        return 1


@pytest.mark.parametrize("facts", [_Exploding(revenue="5"), _ExplodingMapping()])
def test_a_mapping_that_cannot_be_read_is_a_validation_error(facts: Any) -> None:
    """A mapping whose values cannot be read is refused as a ValidationError (4.3.5), never
    a raw Python error from inside sep."""
    with pytest.raises(ValidationError):
        check_graduation(facts, on=ON)


def test_an_empty_name_is_refused_naming_it() -> None:
    """An empty key in a named-input mapping (4.3.5) is refused with a visible name."""
    with pytest.raises(ValidationError) as info:
        check_graduation({"": True}, on=ON)
    assert info.value.field == "''"


@pytest.mark.parametrize("key", [1, None, ("a", "b"), 2.5, b"revenue"])
def test_non_text_keys_are_refused_naming_the_key(key: Any) -> None:
    """A key that is not text in a named-input mapping (4.3.5) is a ValidationError naming
    it, also with a document key beside it and in columns_from."""
    from sep.evaluation import columns_from

    for facts in ({key: True}, {key: True, "listed": True}):
        with pytest.raises(ValidationError) as info:
            check_graduation(facts, on=ON)
        assert info.value.field == str(key)
    with pytest.raises(ValidationError) as info:
        check_graduation({key: True, "id": "x"}, on=ON)
    with pytest.raises(ValidationError) as info:
        columns_from([{key: True}])
    assert info.value.field == f"[0].{key}"


def test_a_series_row_with_a_misspelt_key_is_refused() -> None:
    """4.3.5(c): a row ``{"period", "amont"}`` names the stray key instead of leaving the period
    silently missing (the input schema's rows allow period and amount only)."""
    with pytest.raises(ValidationError) as info:
        check_graduation({"operating_cash_flow": [{"period": "2025Q1", "amont": "5"}]})
    assert info.value.field == "operating_cash_flow[0].amont"
    assert info.value.clause == "4.3.5(c)"
    rows = {"operating_cash_flow": [{"period": "2025Q1", "amount": "5"}, {"period": "2025Q2"}]}
    assert check_graduation(rows).outcome_of("4.3.5(c).cash_flow").value == "unknown"


def test_a_time_whose_offset_has_microseconds_is_refused() -> None:
    """4.3.2: an offset with a fraction of a second cannot be read back from JSON, so it is
    refused when recorded rather than lost when the file is reopened."""
    from sep.domain import AuditRecord

    odd = dt.timezone(dt.timedelta(microseconds=1))
    with pytest.raises(ValidationError) as info:
        AuditRecord("applied", "screening", "start_screening", dt.datetime(2000, 1, 1, tzinfo=odd))
    assert info.value.field == "at"
    whole = dt.timezone(dt.timedelta(hours=8))
    record = AuditRecord(
        "applied", "screening", "start_screening", dt.datetime(2000, 1, 1, tzinfo=whole)
    )
    assert record.at.utcoffset() == dt.timedelta(hours=8)
