"""The column-wise evaluator agrees with the direct one, row by row and criterion by criterion.

Serves every shipped pack: 3.1/4.2.1 (eligibility), 4.3.5 (graduation), 4.3.7-b
(evaluation) and 国科发区〔2018〕300号 第九条(十) (graduation, 2018). The direct evaluator
(:func:`sep.evaluation.check`) is the reference: batch outcomes must equal its
``Decision.outcome`` and ``outcome_of(id)`` for every criterion id of the tree, on hand-made
edge cases, on generated fact sheets and on synthetic portfolios.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Mapping, Sequence
from decimal import Decimal
from typing import Any
from unittest import mock

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sep.errors import ValidationError
from sep.evaluation import (
    ELIGIBILITY,
    EVALUATION,
    GRADUATION,
    TORCH_2018_GRADUATION,
    All,
    AnyOf,
    BatchResult,
    Condition,
    Leaf,
    Outcome,
    SeriesColumn,
    builtin_pack,
    builtin_packs,
    check,
    check_batch,
    check_eligibility_batch,
    check_evaluation_batch,
    check_graduation_batch,
    columns_from,
    compile_pack,
    synthetic_graduation_columns,
)
from sep.evaluation._spec import InputSpec, RulePack

pytestmark = pytest.mark.clause("4.3.5", "4.3.5(b)", "4.3.5(c)", "4.3.7-b")

ON = dt.date(2026, 6, 30)
PACKS = builtin_packs()
QUARTERS = tuple(f"{y}Q{q}" for y in (2024, 2025) for q in (1, 2, 3, 4))
YEARS = tuple(str(y) for y in range(2019, 2026))


def _assert_agrees(
    pack: str | RulePack,
    rows: Sequence[Mapping[str, Any]],
    result: BatchResult,
    *,
    params: Mapping[str, Any] | None = None,
    on: dt.date = ON,
) -> None:
    """Every row's overall and per-criterion outcome equals the direct evaluator's."""
    assert len(result) == len(rows)
    for i, facts in enumerate(rows):
        decision = check(pack, facts, params=params, on=on)
        row = result.row(i)
        assert row["outcome"] is decision.outcome, (i, facts)
        for criterion_id in result.criteria:
            assert row[criterion_id] is decision.outcome_of(criterion_id), (
                i,
                criterion_id,
                facts,
            )


def _agree(
    pack: str | RulePack,
    rows: Sequence[Mapping[str, Any]],
    *,
    params: Mapping[str, Any] | None = None,
    on: dt.date = ON,
) -> BatchResult:
    result = check_batch(pack, columns_from(rows, pack), params=params, on=on)
    _assert_agrees(pack, rows, result, params=params, on=on)
    return result


def _leaves(condition: Condition | None) -> Iterator[Leaf]:
    if isinstance(condition, Leaf):
        yield condition
    elif isinstance(condition, All | AnyOf):
        for item in condition.items:
            yield from _leaves(item)
    elif condition is not None:
        yield from _leaves(condition.item)


def _thresholds(pack_id: str) -> dict[str, list[tuple[Leaf, Any, int]]]:
    """Each input's leaves with their threshold and window, as bound on :data:`ON`."""
    evaluator = compile_pack(pack_id, on=ON)
    values = {u.name: u.value for u in evaluator.parameters}
    out: dict[str, list[tuple[Leaf, Any, int]]] = {}
    for top in evaluator.pack.criteria:
        for criterion in top.walk():
            for leaf in _leaves(criterion.condition):
                threshold = values[leaf.param] if leaf.param else leaf.value
                periods = leaf.periods
                size = int(values[periods]) if isinstance(periods, str) else int(periods or 1)
                out.setdefault(leaf.input, []).append((leaf, threshold, size))
    return out


def _series_cases(labels: tuple[str, ...], threshold: Decimal, size: int) -> list[Any]:
    """Series at, above and below a window threshold, with gaps, ties and short windows."""
    cent = Decimal("0.01")
    tail = labels[-size:]
    half = (threshold / 2).quantize(cent)
    cases: list[Any] = [
        {p: str(threshold + cent) for p in tail},
        {p: str(threshold) for p in tail},
        {p: str(threshold - cent) for p in tail},
        {p: str(half + cent) for p in labels},
        {p: str(half) for p in labels},
        {**dict.fromkeys(tail, "100"), tail[0]: "0"},
        {**dict.fromkeys(tail, "100"), tail[-1]: None},  # newest missing: window moves back
        {**dict.fromkeys(labels, "100"), labels[-2]: None},  # a gap inside the window
        {tail[-1]: "100"},  # fewer periods than the window
        dict.fromkeys(labels),  # nothing known: missing
        dict.fromkeys(tail, "-50"),
        dict.fromkeys(tail, "0"),
        {},
        None,
    ]
    if size == 4:
        # min/mean exactly on a rounding tie (0.49995 → 0.5000 half-even) and just off it.
        cases += [
            dict(zip(tail, ("499.95", "1166.69", "1166.68", "1166.68"), strict=True)),
            dict(zip(tail, ("499.94", "1166.70", "1166.68", "1166.68"), strict=True)),
            dict(zip(tail, ("500.05", "1166.65", "1166.65", "1166.65"), strict=True)),
            dict(zip(tail, ("-10", "30", "-10", "-10"), strict=True)),
        ]
    return cases


def _edge_values(spec: InputSpec, leaves: list[tuple[Leaf, Any, int]]) -> list[Any]:
    if spec.type == "bool":
        return [True, False, None, ""]
    if spec.type == "enum":
        return [*spec.values, *spec.unknown, None, ""]
    cent = Decimal("0.01")
    out: list[Any] = [None]
    for leaf, threshold, size in leaves:
        t = Decimal(threshold)
        if spec.type == "money":
            out += [str(t), str(t + cent), str(t - cent), t, int(t), "0", str(-t), ""]
            if spec.minimum is not None:  # revenue, financing: negatives are refused
                out = [v for v in out if v in (None, "") or Decimal(v) >= spec.minimum]
        elif spec.type == "number":
            lo = spec.minimum if spec.minimum is not None else t - 100
            hi = spec.maximum if spec.maximum is not None else t + 100
            out += [v for v in (t, t - cent, t + cent, lo, hi, float(t)) if lo <= Decimal(v) <= hi]
        elif leaf.measure != "min_to_mean_of_last":
            labels = YEARS if leaf.measure == "max_window_sum" else QUARTERS
            cases = _series_cases(labels, t, size)
            if spec.minimum is not None:  # annual revenue: negatives are refused
                floor = spec.minimum
                cases = [
                    c
                    for c in cases
                    if c is None or all(v is None or Decimal(v) >= floor for v in c.values())
                ]
            out += cases
        else:
            out += _series_cases(QUARTERS, Decimal(100), size)
    return out


@pytest.mark.parametrize("pack_id", PACKS)
def test_edge_cases_agree_with_direct(pack_id: str) -> None:
    """At, above and below each threshold, and with each input missing, on its own and
    against a full fact sheet, batch equals direct for every criterion (all packs)."""
    pack = builtin_pack(pack_id)
    leaves = _thresholds(pack_id)
    per_input = {
        name: _edge_values(spec, leaves.get(name, [])) for name, spec in pack.inputs.items()
    }
    full = {name: values[0] for name, values in per_input.items() if values[0] is not None}
    full.update({n: v[1] for n, v in per_input.items() if len(v) > 1 and v[1] is not None})
    rows: list[Mapping[str, Any]] = [{}, full]
    for name, values in per_input.items():
        for value in values:
            rows.append({name: value})
            rows.append({**full, name: value})
    result = _agree(pack_id, rows)
    # The cases reach every outcome somewhere, so the comparison is not vacuous.
    assert {code for column in result.to_columns().values() for code in column.tolist()} == {
        -1,
        0,
        1,
    }


def _money(spec: InputSpec) -> st.SearchStrategy[Any]:
    amounts: st.SearchStrategy[Any] = st.one_of(
        st.sampled_from(
            ["0", "0.01", "-0.01", "1000000", "999999.99", "10000000", "50000000", "100000000"]
        ),
        st.decimals(min_value=-(10**13) + 1, max_value=10**13 - 1, places=2, allow_nan=False).map(
            str
        ),
        st.integers(min_value=-(10**12), max_value=10**12),
    )
    if spec.minimum is not None:  # revenue, financing: negatives are refused, not compared
        floor = spec.minimum
        amounts = amounts.filter(lambda v: Decimal(v) >= floor)
    return st.one_of(st.none(), amounts, amounts.map(Decimal))


def _value(spec: InputSpec, labels: tuple[str, ...]) -> st.SearchStrategy[Any]:
    if spec.type == "bool":
        return st.sampled_from([True, False, None])
    if spec.type == "enum":
        return st.sampled_from([*spec.values, *spec.unknown, None])
    if spec.type == "money":
        return _money(spec)
    if spec.type == "number":
        lo = float(spec.minimum) if spec.minimum is not None else -1e6
        hi = float(spec.maximum) if spec.maximum is not None else 1e6
        near = st.sampled_from([59.99, 60, 60.0, 60.01, 0, 100]).filter(lambda v: lo <= v <= hi)
        return st.one_of(
            st.none(),
            near,
            st.floats(min_value=lo, max_value=hi, allow_nan=False).map(lambda v: round(v, 2)),
        )
    amount: st.SearchStrategy[Any] = st.one_of(
        st.none(),
        st.sampled_from(["100", "50", "0", "-20", "100.01", "5000000", "5000000.01"]),
        st.decimals(min_value=-(10**9), max_value=10**9, places=2, allow_nan=False).map(str),
    )
    if spec.minimum is not None:  # annual revenue: negatives are refused
        floor = spec.minimum
        amount = amount.filter(lambda v: v is None or Decimal(v) >= floor)
    return st.one_of(
        st.none(),
        st.dictionaries(st.sampled_from(labels), amount, max_size=len(labels)),
    )


def _fact_sheets(pack: RulePack, labels: tuple[str, ...]) -> st.SearchStrategy[list[Any]]:
    sheet = st.fixed_dictionaries(
        {}, optional={name: _value(spec, labels) for name, spec in pack.inputs.items()}
    )
    return st.lists(sheet, min_size=1, max_size=25)


@pytest.mark.parametrize("pack_id", PACKS)
@settings(max_examples=40)
@given(data=st.data())
def test_generated_fact_sheets_agree_with_direct(pack_id: str, data: st.DataObject) -> None:
    """Generated fact sheets (absent keys, None, unknown enum strings, series with gaps)
    give the direct evaluator's outcomes for every criterion (all packs)."""
    pack = builtin_pack(pack_id)
    labels = YEARS if pack_id == TORCH_2018_GRADUATION else QUARTERS
    rows = data.draw(_fact_sheets(pack, labels))
    _agree(pack_id, rows)
    # The raw values as object columns (strings, Decimals, ints, per-row series mappings)
    # go through the batch readers instead of columns_from: same outcomes.
    raw: dict[str, Any] = {}
    for name in pack.inputs:
        column = np.empty(len(rows), object)
        column[:] = [facts.get(name) for facts in rows]
        raw[name] = column
    _assert_agrees(pack_id, rows, check_batch(pack_id, raw, on=ON))


@pytest.mark.parametrize(
    ("pack_id", "params"),
    [
        (GRADUATION, {"revenue_min": "12000000.005", "profit_min": "999999.99"}),
        (GRADUATION, {"cash_flow_periods": 2, "cash_flow_stability_ratio": "0.75"}),
        (GRADUATION, {"cash_flow_stability_ratio": "0.33333"}),
        (TORCH_2018_GRADUATION, {"revenue_years": 3, "two_year_revenue_min": "15000000"}),
        (EVALUATION, {"total_min": "59.99", "service_system_min": "60.000000000000000001"}),
        (ELIGIBILITY, {"free_cash_flow_min": [{"since": "2026-01-01", "value": "1"}]}),
    ],
)
@settings(max_examples=15)
@given(data=st.data())
def test_parameter_overrides_agree_with_direct(
    pack_id: str, params: dict[str, Any], data: st.DataObject
) -> None:
    """Overridden thresholds (sub-fen, windows, ratios, dated lists) bind the same way in
    both evaluators (4.3.5, 4.3.7-b, 4.2.1(4), 国科发区〔2018〕300号)."""
    pack = builtin_pack(pack_id)
    labels = YEARS if pack_id == TORCH_2018_GRADUATION else QUARTERS
    rows = data.draw(_fact_sheets(pack, labels))
    result = _agree(pack_id, rows, params=params)
    bound = result.parameter_values
    for name in params:
        assert name in bound


def test_dates_choose_parameters_as_direct() -> None:
    """``on=`` picks the parameter values in force, as for the direct evaluator (4.3.5(c)),
    and a date before every value is refused by both."""
    rows: list[Mapping[str, Any]] = [{"revenue": "10000000"}, {"revenue": "20000000"}]
    params = {
        "revenue_min": [
            {"since": "2020-09-05", "value": "10000000"},
            {"since": "2026-01-01", "value": "15000000"},
        ]
    }
    old = _agree(GRADUATION, rows, params=params, on=dt.date(2025, 6, 30))
    new = _agree(GRADUATION, rows, params=params, on=ON)
    assert old.outcome_of("4.3.5(c).revenue").tolist() == [1, 1]
    assert new.outcome_of("4.3.5(c).revenue").tolist() == [0, 1]
    assert (old.as_of, new.as_of) == (dt.date(2025, 6, 30), ON)
    with pytest.raises(ValidationError):
        check(GRADUATION, rows[0], on=dt.date(2019, 1, 1))
    with pytest.raises(ValidationError) as err:
        check_graduation_batch(columns_from(rows), on=dt.date(2019, 1, 1))
    assert err.value.field == "on"


@pytest.mark.parametrize("pack_id", [GRADUATION, TORCH_2018_GRADUATION])
def test_synthetic_incubatees_agree_with_direct(pack_id: str) -> None:
    """A few thousand domain incubatees (sep.examples), converted by ``columns_from``, get
    the direct evaluator's graduation outcomes (4.3.5; 国科发区〔2018〕300号)."""
    from sep.examples import synthetic_incubatees

    incubatees = list(synthetic_incubatees(2500, seed=11))
    result = check_batch(pack_id, columns_from(incubatees, pack_id), on=ON)
    _assert_agrees(pack_id, [i.facts() for i in incubatees], result)
    counts = result.summary()["outcome"]
    assert counts["met"] > 0
    assert counts["not_met"] + counts["unknown"] > 0


def _row_facts(columns: Mapping[str, Any], i: int) -> dict[str, Any]:
    """The fact sheet of row ``i`` of float columns, amounts as exact decimal strings."""
    facts: dict[str, Any] = {}
    for name, column in columns.items():
        if isinstance(column, SeriesColumn):
            facts[name] = {
                p: None if np.isnan(v) else f"{v:.2f}"
                for p, v in zip(column.periods, column.values[i].tolist(), strict=True)
            }
        elif not np.isnan(column[i]):
            spec = builtin_pack(GRADUATION).inputs[name]
            facts[name] = bool(column[i]) if spec.type == "bool" else f"{column[i]:.2f}"
    return facts


def test_synthetic_columns_agree_with_direct() -> None:
    """Float columns from ``synthetic_graduation_columns`` (money to the fen) decide each row
    as the direct evaluator decides the same amounts as decimals (4.3.5)."""
    columns = synthetic_graduation_columns(2000, seed=5, missing_rate=0.15)
    result = check_graduation_batch(columns, on=ON)
    _assert_agrees(GRADUATION, [_row_facts(columns, i) for i in range(2000)], result)


def test_synthetic_columns_are_seeded() -> None:
    """The same seed gives the same columns; another seed differs; about ``missing_rate``
    of each flag is missing (4.3.5 inputs)."""
    a = synthetic_graduation_columns(20_000, seed=1, missing_rate=0.2)
    b = synthetic_graduation_columns(20_000, seed=1, missing_rate=0.2)
    c = synthetic_graduation_columns(20_000, seed=2, missing_rate=0.2)
    assert np.array_equal(a["revenue"], b["revenue"], equal_nan=True)
    assert not np.array_equal(a["revenue"], c["revenue"], equal_nan=True)
    assert set(a) == set(builtin_pack(GRADUATION).inputs)
    share = float(np.isnan(a["listed"]).mean())
    assert 0.18 < share < 0.22
    assert a["operating_cash_flow"].values.shape == (20_000, 4)


def _encodings(values: list[Any], kind: str) -> list[Any]:
    """The same column in each supported encoding."""
    floats = np.array([np.nan if v is None else float(v) for v in values])
    objects = np.empty(len(values), object)
    objects[:] = values
    masked = np.ma.MaskedArray(
        np.array([False if v is None else v for v in values]),
        mask=[v is None for v in values],
    )
    out = [floats, objects, masked, list(values)]
    if kind == "money":
        out.append(np.array([None if v is None else str(v) for v in values], object))
    return out


class _NullableBool:
    """Stands in for a pandas nullable boolean column (an extension dtype, to_numpy)."""

    class dtype:
        kind = "b"

    def __init__(self, values: list[bool | None]) -> None:
        self.values = values

    def to_numpy(self, dtype: Any = None, na_value: Any = None) -> np.ndarray[Any, Any]:
        return np.array([na_value if v is None else v for v in self.values], dtype=dtype)


def test_column_encodings_give_the_same_outcomes() -> None:
    """Bools as float/NaN, object/None, masked arrays, lists or nullable booleans, and money
    as floats, objects or strings, decide alike (4.3.5(b), 4.3.5(c))."""
    listed = [True, False, None, True]
    revenue = [10_000_000, 9_999_999.99, None, 10_000_000.01]
    expected = [
        check(GRADUATION, {"listed": a, "revenue": None if b is None else Decimal(str(b))}, on=ON)
        for a, b in zip(listed, revenue, strict=True)
    ]
    flag_columns = [*_encodings(listed, "bool"), _NullableBool(listed)]
    for flags in flag_columns:
        for money in _encodings(revenue, "money"):
            result = check_graduation_batch({"listed": flags, "revenue": money}, on=ON)
            for i, decision in enumerate(expected):
                assert result.row(i)["4.3.5(b).listing"] is decision.outcome_of("4.3.5(b).listing")
                assert result.row(i)["4.3.5(c).revenue"] is decision.outcome_of("4.3.5(c).revenue")
                assert result.row(i)["outcome"] is decision.outcome


def test_series_encodings_give_the_same_outcomes() -> None:
    """A series as SeriesColumn, as {period: column}, as per-row mappings and with periods
    out of order on the grid decides like the direct evaluator (4.3.5(c) cash flow)."""
    rows: list[dict[str, str | None]] = [
        {"2025Q1": "100", "2025Q2": "90", "2025Q3": "80", "2025Q4": "110"},
        {"2025Q1": "100", "2025Q2": "90", "2025Q3": "-1", "2025Q4": None},
        {"2025Q1": "100", "2025Q2": None, "2025Q3": "80", "2025Q4": "110"},
        {"2025Q1": None, "2025Q2": None, "2025Q3": None, "2025Q4": None},
        {"2025Q1": "10", "2025Q2": "90", "2025Q3": "100", "2025Q4": "100"},
    ]
    labels = ("2025Q1", "2025Q2", "2025Q3", "2025Q4")
    grid = np.array([[float(r[p] or "nan") for p in labels] for r in rows])
    per_row = np.empty(len(rows), object)
    per_row[:] = rows
    shuffled = (2, 0, 3, 1)
    forms = [
        SeriesColumn(grid, labels),
        {p: grid[:, j] for j, p in enumerate(labels)},
        per_row,
        SeriesColumn(grid[:, shuffled], [labels[j] for j in shuffled]),
    ]
    facts: list[dict[str, Any]] = [{"operating_cash_flow": r} for r in rows]
    for form in forms:
        result = check_graduation_batch({"operating_cash_flow": form}, on=ON)
        _assert_agrees(GRADUATION, facts, result)


def _numeric(value: Any) -> Any:
    """JSON inputs with amounts as Decimals, so ``"0.00"`` equals ``"0"``."""
    if isinstance(value, Mapping):
        return {k: _numeric(v) for k, v in value.items()}
    if isinstance(value, str):
        try:
            return Decimal(value)
        except ArithmeticError:
            return value
    return value


@pytest.mark.parametrize("pack_id", PACKS)
def test_row_decisions_explain_batch_rows(pack_id: str) -> None:
    """``decision(i)`` rebuilds row ``i``'s facts and gives the direct Decision, whose outcomes
    are the batch's and whose inputs are the row's (all packs; explanations of 4.3.5 etc.)."""
    pack = builtin_pack(pack_id)
    leaves = _thresholds(pack_id)
    rows = [
        {name: v}
        for name, spec in pack.inputs.items()
        for v in _edge_values(spec, leaves.get(name, []))
    ]
    result = check_batch(pack_id, columns_from(rows, pack_id), on=ON)
    for i, facts in enumerate(rows):
        decision = result.decision(i)
        assert decision.outcome is result.row(i)["outcome"]
        for criterion_id in result.criteria:
            assert decision.outcome_of(criterion_id) is result.row(i)[criterion_id]
        assert _numeric(decision.inputs) == _numeric(check(pack_id, facts, on=ON).inputs)
        assert decision.as_of == ON


def test_missing_column_is_unknown_never_not_met() -> None:
    """An input without a column is missing for every row: its criteria are UNKNOWN, never
    NOT_MET (4.3.5, 4.2.1)."""
    result = check_graduation_batch({"listed": np.array([False, False])}, on=ON)
    assert result.outcome_of("4.3.5(c).revenue").tolist() == [-1, -1]
    assert result.outcome_of("4.3.5(c).cash_flow").tolist() == [-1, -1]
    assert result.outcome.tolist() == [-1, -1]
    nothing = check_eligibility_batch({}, n=3, on=ON)
    assert nothing.outcome.tolist() == [-1, -1, -1]
    assert nothing.summary()["outcome"] == {"met": 0, "not_met": 0, "unknown": 3}


def test_result_records_what_was_used() -> None:
    """A result names its pack, edition, date and parameter values, maps codes to Outcomes,
    and lists every criterion id of the tree, nested ones included (4.3.5)."""
    result = check_graduation_batch(
        {"revenue": np.array([2e7, np.nan])}, on=ON, params={"revenue_min": "15000000"}
    )
    assert (result.pack, result.question, result.as_of) == (GRADUATION, "graduation", ON)
    assert result.edition == builtin_pack(GRADUATION).edition
    assert result.parameter_values["revenue_min"] == Decimal("15000000")
    ids = [c.id for top in builtin_pack(GRADUATION).criteria for c in top.walk()]
    assert list(result.criteria) == ids
    assert "4.3.5(c).revenue" in ids
    assert list(result.to_columns()) == ["outcome", *ids]
    assert result.row(0)["4.3.5(c).revenue"] is Outcome.MET
    assert result.row(1)["4.3.5(c).revenue"] is Outcome.UNKNOWN
    assert BatchResult.CODES == {1: Outcome.MET, 0: Outcome.NOT_MET, -1: Outcome.UNKNOWN}
    assert result.outcome.dtype == np.int8
    summary = result.summary()
    assert all(sum(c.values()) == 2 for c in summary.values())
    with pytest.raises(ValidationError) as err:
        result.outcome_of("4.3.5(z)")
    assert err.value.field == "criterion_id"


@pytest.mark.parametrize(
    ("columns", "field", "clause"),
    [
        ({"revenue": np.zeros(3), "profit": np.zeros(2)}, "profit", "4.3.5(c)"),
        ({"revenu": np.zeros(3)}, "revenu", "4.3.5(c)"),
        ({"revenue": np.array(["12", "12,000", "abc"], object)}, "revenue[2]", "4.3.5(c)"),
        ({"revenue": np.array(["12.001"], object)}, "revenue[0]", "4.3.5(c)"),
        ({"revenue": np.array([1e16])}, "revenue[0]", "4.3.5(c)"),
        ({"revenue": np.array([np.inf])}, "revenue[0]", "4.3.5(c)"),
        ({"revenue": np.array([True])}, "revenue", "4.3.5(c)"),
        ({"revenue": np.zeros((2, 2))}, "revenue", "4.3.5(c)"),
        ({"listed": np.array([0.0, 0.5])}, "listed[1]", "4.3.5(b)"),
        ({"listed": np.array([1.0, np.nan, -0.0, np.inf, 2.0])}, "listed[3]", "4.3.5(b)"),
        ({"listed": np.array([0, 1, 2], np.int64)}, "listed[2]", "4.3.5(b)"),
        ({"listed": np.array(["yes"], object)}, "listed[0]", "4.3.5(b)"),
        ({"operating_cash_flow": np.zeros((2, 4))}, "operating_cash_flow", "4.3.5(c)"),
        (
            {"operating_cash_flow": {"2025Q1": np.zeros(2), "2025": np.zeros(2)}},
            "operating_cash_flow",
            "4.3.5(c)",
        ),
        (
            {"operating_cash_flow": SeriesColumn(np.zeros((2, 2)), ("2025Q1", "x"))},
            "operating_cash_flow[x]",
            "4.3.5(c)",
        ),
        (
            {"operating_cash_flow": {"2025Q1": np.array(["1", "z"], object)}},
            "operating_cash_flow[2025Q1][1]",
            "4.3.5(c)",
        ),
    ],
)
def test_bad_columns_name_the_column_and_clause(
    columns: dict[str, Any], field: str, clause: str
) -> None:
    """Wrong lengths, unknown names, non-numeric or sub-fen money, non-bool flags and bad
    series are refused with the column (and row) and the input's clause."""
    with pytest.raises(ValidationError) as err:
        check_graduation_batch(columns, on=ON)
    assert err.value.field == field
    assert err.value.clause == clause


@pytest.mark.parametrize(
    "column", [np.array([101.0]), np.array([-0.5]), np.array(["x"], object), np.array([np.inf])]
)
def test_bad_number_columns(column: Any) -> None:
    """Scores outside their declared range, non-numbers and infinities are refused naming
    the column, row and clause, as the direct evaluator refuses them (4.3.7-b)."""
    with pytest.raises(ValidationError) as err:
        check_evaluation_batch({"score_total": column}, on=ON)
    assert (err.value.field, err.value.clause) == ("score_total[0]", "4.3.7-b")
    with pytest.raises(ValidationError):
        check(EVALUATION, {"score_total": column.tolist()[0]}, on=ON)


def test_enum_columns() -> None:
    """Enum strings compare as values; "unknown", None, NaN and blanks are missing; other
    strings are refused naming the column and clause (3.1 size class)."""
    sizes = np.array(["large", "medium", "unknown", None, np.nan, ""], object)
    result = check_eligibility_batch({"size_class": sizes}, on=ON)
    assert result.outcome_of("3.1.size").tolist() == [1, 0, -1, -1, -1, -1]
    unicode = check_eligibility_batch({"size_class": np.array(["large", "micro"])}, on=ON)
    assert unicode.outcome_of("3.1.size").tolist() == [1, 0]
    with pytest.raises(ValidationError) as err:
        check_eligibility_batch({"size_class": ["huge"]}, on=ON)
    assert (err.value.field, err.value.clause) == ("size_class[0]", "3.1")


def test_extra_columns_and_frames() -> None:
    """``extra='ignore'`` keeps other columns (ids); a DataFrame-like object (``columns`` and
    ``__getitem__``) is read like a mapping (4.3.7-b)."""

    class Frame:
        def __init__(self, data: dict[str, Any]) -> None:
            self.data = data
            self.columns = list(data)

        def __getitem__(self, name: str) -> Any:
            return self.data[name]

    frame = Frame({"id": np.array(["a", "b"]), "score_total": np.array([61.0, 59.0])})
    with pytest.raises(ValidationError):
        check_evaluation_batch(frame, on=ON)
    result = check_evaluation_batch(frame, on=ON, extra="ignore")
    assert result.outcome_of("4.3.7-b.total").tolist() == [1, 0]


def test_pandas_dataframe() -> None:
    """A pandas DataFrame (nullable booleans included) works as columns, when pandas is
    installed (4.3.5)."""
    pd = pytest.importorskip("pandas")
    frame = pd.DataFrame(
        {
            "listed": pd.array([True, False, None], dtype="boolean"),
            "revenue": [2e7, None, 1e6],
        }
    )
    result = check_graduation_batch(frame, on=ON)
    assert result.outcome_of("4.3.5(b).listing").tolist() == [1, 0, -1]
    assert result.outcome_of("4.3.5(c).revenue").tolist() == [1, -1, 0]
    assert pd.DataFrame(result.to_columns()).shape == (3, 1 + len(result.criteria))


def test_columns_from_keeps_exact_money() -> None:
    """``columns_from`` keeps amounts floats only where floats are exact, else decimals, and
    refuses bad facts naming the row (4.3.5(c))."""
    exact = columns_from([{"revenue": "12000000.50"}, {"revenue": None}])
    assert exact["revenue"].dtype == np.float64
    fine = columns_from([{"revenue": "12000000.505"}])
    assert fine["revenue"].dtype == object
    with pytest.raises(ValidationError) as err:
        columns_from([{}, {"revenue": "lots"}])
    assert err.value.field == "[1].revenue"
    with pytest.raises(ValidationError):
        columns_from(
            [{"operating_cash_flow": {"2025Q1": "1"}}, {"operating_cash_flow": {"2024": "1"}}]
        )


def test_large_amounts_agree_near_the_exact_range() -> None:
    """Amounts near 1e13 CNY as floats and near 1e15 CNY as decimals compare exactly
    (4.3.5(b) financing)."""
    params = {"large_financing_min": "9999999999999.99"}
    floats = np.array([9_999_999_999_999.99, 9_999_999_999_999.98, 1e13])
    decimals = np.array(["999999999999999.99", "9999999999999.98", "9999999999999.99"], object)
    for column, expected in ((floats, [1, 0, 1]), (decimals, [1, 0, 1])):
        result = check_graduation_batch({"largest_financing_round": column}, params=params, on=ON)
        assert result.outcome_of("4.3.5(b).financing").tolist() == expected


class _Foreign:
    """A cell whose comparison fails (never to be compared with a blank)."""

    def __eq__(self, other: object) -> bool:
        raise RuntimeError("compared")

    __hash__ = None  # type: ignore[assignment]


class _FailingColumns(Mapping[str, Any]):
    def __getitem__(self, key: str) -> Any:
        raise RuntimeError("cannot read")

    def __iter__(self) -> Iterator[str]:
        return iter(["listed"])

    def __len__(self) -> int:
        return 1


@pytest.mark.parametrize(
    "columns",
    [None, 5, "listed", [{"listed": True}], _FailingColumns()],
    ids=["None", "int", "str", "rows", "failing mapping"],
)
def test_columns_that_are_no_columns_are_refused(columns: Any) -> None:
    """check_batch over something that does not map input names to columns (None, a
    number, a list of rows, a mapping whose reads fail) is a ValidationError."""
    with pytest.raises(ValidationError):
        check_batch(GRADUATION, columns, on=ON)


@pytest.mark.parametrize(
    ("name", "cell"),
    [
        ("listed", _Foreign()),
        ("size_class", _Foreign()),
        ("revenue", _Foreign()),
        ("listed", [[True]]),
        ("revenue", [["1"]]),
        ("listed", [1, 2]),
    ],
)
def test_foreign_or_nested_cells_are_refused_naming_the_row(name: str, cell: Any) -> None:
    """4.3.5: a cell of no column encoding (a foreign object, a nested list) is refused
    with a ValidationError naming the input and the row, never a numpy or foreign error."""
    pack = ELIGIBILITY if name == "size_class" else GRADUATION
    with pytest.raises(ValidationError) as info:
        check_batch(pack, {name: [None, cell]}, on=ON)
    assert info.value.field.startswith(name)


def test_a_list_of_texts_keeps_every_character() -> None:
    """4.3.7-d: a column given as a list of texts is read as the texts sent; NumPy's string
    dtype would drop the trailing NUL of "5\\x00" and the batch would decide on 5."""
    with pytest.raises(ValidationError) as info:
        check_evaluation_batch({"score_founder_contribution": ["5\x00"]})
    assert info.value.field == "score_founder_contribution[0]"
    plain = check_evaluation_batch({"score_founder_contribution": ["75"]})
    assert plain.outcome_of("4.3.7-b.founder_contribution")[0] == 1


def test_stability_ratios_next_to_the_threshold_agree_with_direct() -> None:
    """4.3.5(c): windows whose lowest-to-mean ratio lands within a few ten-thousandths of
    the threshold, on both sides and on the half-even rounding edge, get the direct
    evaluator's outcome: the float ratio is only trusted farther than the rounding step."""
    b = Decimal(1_000_000)
    rows: list[Mapping[str, Any]] = []
    # ratio = 4a / (a + 3b) moves by about 1e-6 per yuan of a near a = 3b / 7 (ratio 0.5).
    for cents in range(42_840_000, 42_880_000, 9_973):
        a = Decimal(cents).scaleb(-2)
        rows.append({"operating_cash_flow": {"2025Q1": a, "2025Q2": b, "2025Q3": b, "2025Q4": b}})
    for ratio in ("0.5", "0.50005", "0.4999", "0.50011"):
        result = _agree(GRADUATION, rows, params={"cash_flow_stability_ratio": ratio})
        assert set(result.outcome_of("4.3.5(c).cash_flow").tolist()) == {0, 1}, ratio


@pytest.mark.parametrize(
    ("lowest", "others", "threshold", "met"),
    [
        # 4 x 29997 / (29997 + 3 x 70001) is 0.49995 exactly: half even rounds it to 0.5000.
        (29997, 70001, "0.5", True),
        (29997, 70001, "0.49995", True),
        (29997, 70001, "0.50001", False),
        # 0.50005 exactly rounds half even down to 0.5000: it does not reach 0.5001.
        (30003, 69999, "0.5001", False),
        (30003, 69999, "0.5", True),
        (30003, 69999, "0.50005", False),
    ],
)
def test_a_stability_ratio_on_the_rounding_edge_is_rounded_half_even(
    lowest: int, others: int, threshold: str, met: bool
) -> None:
    """4.3.5(c): a window whose lowest-to-mean ratio lies exactly halfway between two
    four-decimal steps is rounded half even, as the direct evaluator rounds it, whether
    the amounts come as Decimals or as a float grid: the batch compares the float ratio
    with the rounding edge and redoes the rows on it exactly."""
    periods = ("2025Q1", "2025Q2", "2025Q3", "2025Q4")
    amounts = (lowest, others, others, others)
    rows = [{"operating_cash_flow": dict(zip(periods, map(Decimal, amounts), strict=True))}]
    params = {"cash_flow_stability_ratio": threshold}
    expected = 1 if met else 0  # the public codes of MET and NOT_MET
    exact = _agree(GRADUATION, rows, params=params)
    grid = SeriesColumn(np.array([amounts], np.float64), periods)
    floats = check_batch(GRADUATION, {"operating_cash_flow": grid}, params=params, on=ON)
    for result in (exact, floats):
        assert result.outcome_of("4.3.5(c).cash_flow").tolist() == [expected]


_CASH_FLOW = builtin_pack(GRADUATION).inputs["operating_cash_flow"]


@settings(max_examples=60, deadline=None)
@given(
    st.integers(0, 40),
    st.permutations(["2024Q3", "2024Q4", "2025Q1", "2025Q2", "2025Q4"]).map(lambda p: p[:4]),
    st.lists(
        st.one_of(
            st.just(float("nan")),
            st.floats(-1e13, 1e13, allow_nan=False),
            st.integers(-(10**9), 10**9).map(lambda fen: fen / 100),
        ),
        min_size=1,
        max_size=8,
    ),
    st.data(),
)
def test_a_float_grid_is_read_as_its_period_columns(
    rows: int, periods: list[str], pool: list[float], data: st.DataObject
) -> None:
    """A float ``SeriesColumn`` of 4.3.5(c)'s cash flow, read whole and in blocks, gives
    the fen and known periods of reading each period's column on its own: in any period
    order, with gaps, missing amounts and any number of rows."""
    import sep.evaluation._batch_columns as columns

    cells = data.draw(st.lists(st.sampled_from(pool), min_size=rows * 4, max_size=rows * 4))
    grid = np.array(cells, np.float64).reshape(rows, 4)
    with mock.patch.object(columns, "_GRID_BLOCK", 7):  # several blocks, a short last one
        whole = columns.encode(_CASH_FLOW, SeriesColumn(grid, tuple(periods)), rows)
    apart = columns.encode(_CASH_FLOW, {p: grid[:, j].copy() for j, p in enumerate(periods)}, rows)
    assert isinstance(whole, columns.SeriesGrid)
    assert isinstance(apart, columns.SeriesGrid)
    assert (whole.first, whole.quarterly) == (apart.first, apart.quarterly)
    assert np.array_equal(whole.known, apart.known)
    assert np.array_equal(whole.fen, apart.fen)


@pytest.mark.parametrize(
    ("bad", "reason"),
    [(1e16, "beyond the bound"), (float("inf"), "must be a finite amount")],
)
def test_a_bad_amount_in_a_float_grid_names_its_period_and_row(bad: float, reason: str) -> None:
    """One amount of a float ``SeriesColumn`` beyond the bound, or infinite, is refused
    naming the input, its period and its row (4.3.5(c)), as a column of that period is."""
    grid = np.full((5, 3), 100.0)
    grid[3, 1] = bad
    with pytest.raises(ValidationError) as caught:
        check_graduation_batch(
            {"operating_cash_flow": SeriesColumn(grid, ("2025Q1", "2025Q2", "2025Q3"))}, on=ON
        )
    assert caught.value.field == "operating_cash_flow[2025Q2][3]"
    assert reason in caught.value.reason
    assert caught.value.clause == "4.3.5(c)"
