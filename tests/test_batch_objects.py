"""columns_from on Incubatee objects: the fast reader gives exactly what facts() gives (4.3.5)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from sep.domain import (
    Event,
    EventKind,
    FinancingRound,
    Incubatee,
    Money,
    Origin,
    Period,
    PeriodFinancials,
)
from sep.errors import ValidationError
from sep.evaluation import GRADUATION, TORCH_2018_GRADUATION, SeriesColumn, columns_from
from sep.examples import synthetic_incubatees
from tests.strategies import incubatee_s

pytestmark = pytest.mark.clause("4.3.5")


def _outcome(objects: list[Any], pack: str = GRADUATION) -> Any:
    try:
        return columns_from(objects, pack)
    except ValidationError as err:
        return ("error", err.field, err.reason)


def _assert_same(fast: Any, exact: Any) -> None:
    if isinstance(exact, tuple):
        assert fast == exact
        return
    assert list(fast) == list(exact)
    for name, column in exact.items():
        got = fast[name]
        if isinstance(column, SeriesColumn):
            assert got.periods == column.periods, name
            column, got = column.values, got.values
        assert got.dtype == column.dtype, name
        if column.dtype == object:
            assert got.tolist() == column.tolist(), name
        else:
            assert np.array_equal(got, column, equal_nan=True), name


def _via_facts(objects: list[Incubatee]) -> list[dict[str, Any]]:
    # Fact mappings take the exact reader: the reference.
    return [o.facts() for o in objects]  # sep's own facts: never refused for other packs' names


def test_synthetic_portfolio_equals_facts() -> None:
    """4.3.5: the synthetic portfolio's columns equal those read from facts(), for both
    graduation packs (the 2018 pack's inputs take the exact reader)."""
    objects = list(synthetic_incubatees(400, seed=3))
    _assert_same(_outcome(objects), _outcome(_via_facts(objects)))  # type: ignore[arg-type]
    torch = _outcome(objects, TORCH_2018_GRADUATION)
    _assert_same(torch, _outcome(_via_facts(objects), TORCH_2018_GRADUATION))  # type: ignore[arg-type]


@given(st.lists(incubatee_s(), max_size=6))
def test_any_incubatees_equal_facts(objects: list[Incubatee]) -> None:
    """4.3.5(a)–(d): for any valid incubatees (events, yearly and quarterly figures, other
    currencies, gaps) the columns, or the error, equal those read from facts(); a figure
    facts() refuses (another currency) is refused by the columns too, naming the row."""
    try:
        reference = _outcome(_via_facts(objects))  # type: ignore[arg-type]
    except ValidationError:
        for i, o in enumerate(objects):
            try:
                o.facts()
            except ValidationError as err:
                reference = ("error", f"[{i}].{err.field}", err.reason)
                break
    _assert_same(_outcome(objects), reference)


def test_unusual_amounts_take_the_exact_reader() -> None:
    """4.3.5(c): a sub-fen amount is read exactly as facts() reads it (an object column of
    Decimal); 4.3.5(b): a round in another currency is refused naming the row and the round,
    never left out of the largest round."""
    quarters = (PeriodFinancials(Period(2025), Money(Decimal("1000.005")), Money(1), Money(2)),)
    exact = [Incubatee("a", "A", Origin.EXTERNAL, financials=quarters)]
    got = columns_from(exact)
    _assert_same(got, _outcome(_via_facts(exact)))  # type: ignore[arg-type]
    assert got["revenue"].dtype == object
    # 29 significant digits: below the fen, though the default context rounds it to one.
    fine = Money(Decimal("1.0000000000000000000000000001"))
    record = PeriodFinancials(Period(2025), fine)
    long = [Incubatee("c", "C", Origin.EXTERNAL, financials=(record,))]
    _assert_same(columns_from(long), _outcome(_via_facts(long)))  # type: ignore[arg-type]
    usd = Incubatee("b", "B", Origin.EXTERNAL, financing_rounds=(FinancingRound(Money(5, "USD")),))
    with pytest.raises(ValidationError) as info:
        columns_from([*exact, usd])
    assert info.value.field == "[1].financing_rounds[0].amount.currency"


# Few distinct periods, so full years (four quarters), yearly records beside quarters and
# rows of only years are common; amounts include ties, sub-fen values, sums near the float
# bound and figures in another currency.
_amount_s = st.one_of(
    st.sampled_from([Decimal(0), Decimal(100), Decimal("100.00"), Decimal("2500.5")]),
    st.decimals(min_value=-(10**6), max_value=10**6, places=2),
    st.decimals(min_value=-(10**6), max_value=10**6, places=3),
    st.sampled_from([Decimal("9999999999999.99"), Decimal("-4e12"), Decimal("3e12")]),
)
_money_s = st.builds(Money, _amount_s, st.sampled_from(["CNY"] * 9 + ["USD"]))
_nonneg_s = st.builds(Money, _amount_s.map(abs))
_period_s = st.builds(
    Period, st.sampled_from([1900, 2024, 2025, 2999]), st.none() | st.integers(1, 4)
)
_record_s = st.builds(
    PeriodFinancials,
    _period_s,
    st.none() | _nonneg_s,
    st.none() | _money_s,
    st.none() | _money_s,
)
_round_s = st.builds(
    FinancingRound,
    st.builds(Money, _amount_s.map(abs), st.sampled_from(["CNY"] * 9 + ["USD"])),
    independent=st.none() | st.booleans(),
)


@st.composite
def _dense_incubatee_s(draw: st.DrawFn) -> Incubatee:
    """An incubatee whose financials crowd a few periods (4.3.5(b)–(c) edge cases)."""
    records = draw(st.lists(_record_s, max_size=9, unique_by=lambda r: r.period))
    events = tuple(
        Event(kind) for kind in draw(st.lists(st.sampled_from(list(EventKind)), max_size=2))
    )
    kinds = {e.kind for e in events}

    def flag(kind: EventKind) -> bool | None:
        value = draw(st.none() | st.booleans())
        return None if value is False and kind in kinds else value

    return Incubatee(
        "x",
        "X",
        Origin.INTERNAL,
        financing_rounds=tuple(draw(st.lists(_round_s, max_size=4))),
        financials=tuple(records),
        organisation_complete=draw(st.none() | st.booleans()),
        acquired_by_founder=flag(EventKind.ACQUIRED_BY_FOUNDER),
        listed=flag(EventKind.LISTED),
        platform_equity_exited=flag(EventKind.PLATFORM_EQUITY_EXIT),
        acquired_by_other=flag(EventKind.ACQUIRED_BY_OTHER),
        high_tech_enterprise=flag(EventKind.HIGH_TECH_CERTIFIED),
        events=events,
    )


def _reference(objects: list[Incubatee]) -> Any:
    try:
        return _outcome(_via_facts(objects))  # type: ignore[arg-type]
    except ValidationError:
        for i, o in enumerate(objects):
            try:
                o.facts()
            except ValidationError as err:
                return ("error", f"[{i}].{err.field}", err.reason)
        raise


@given(st.lists(_dense_incubatee_s(), max_size=8))
def test_dense_financials_equal_facts(objects: list[Incubatee]) -> None:
    """4.3.5(c): the latest complete year (a yearly record, else four known quarters
    summed, a later partial year not hiding it), 4.3.5(b): the largest independent round
    (a larger round of unknown independence makes it unknown, an equal one does not), the
    cash-flow periods (quarters when a row has any; years 1900 to 2999 beyond sep's span
    bound), sub-fen amounts and sums near the float bound: the columns, or the error, equal
    those read from facts()."""
    _assert_same(_outcome(objects), _reference(objects))


def test_chunked_reading_equals_one_pass(monkeypatch: pytest.MonkeyPatch) -> None:
    """Objects are read a chunk at a time: rows on both sides of a chunk's edge land in
    the right rows of every column, series periods included (4.3.5(c))."""
    from sep.evaluation import _batch_objects

    objects = list(synthetic_incubatees(257, seed=11))
    whole = columns_from(objects, progress=False)
    monkeypatch.setattr(_batch_objects, "CHUNK", 10)
    chunked = columns_from(objects, progress=False)
    _assert_same(chunked, whole)
    _assert_same(chunked, _outcome(_via_facts(objects)))  # type: ignore[arg-type]


def test_a_record_of_the_last_year_a_period_allows_gives_its_facts() -> None:
    """4.3.5(c): financials of 2999, the last year a ``Period`` allows, are a series of
    that one year; reading them never builds the year after (which would be refused as
    ``year: must be a year from 1900 to 2999`` of a value nobody gave). Found by the
    property above."""
    last = Incubatee(
        id="x",
        name="X",
        origin=Origin.INTERNAL,
        financials=(PeriodFinancials(Period(2999), None, None, Money(Decimal(5))),),
    )
    assert list(last.cash_flow_series()) == ["2999"]
    _assert_same(_outcome([last]), _reference([last]))


def test_copied_and_unpickled_incubatees_read_the_same() -> None:
    """Records keep their figures in a slot that attrs neither compares nor copies nor
    pickles: copies and unpickled objects equal the originals, serialise alike, and their
    columns are those of the originals (4.3.5(b)–(c))."""
    import copy
    import pickle

    from sep.domain import to_dict

    objects = list(synthetic_incubatees(60, seed=5))
    for other in (copy.deepcopy(objects), pickle.loads(pickle.dumps(objects))):
        assert other == objects
        assert [hash(r) for o in other for r in o.financials] == [
            hash(r) for o in objects for r in o.financials
        ]
        assert [to_dict(o) for o in other] == [to_dict(o) for o in objects]
        _assert_same(columns_from(other), columns_from(objects))
    _assert_same(columns_from(objects), _outcome(_via_facts(objects)))  # type: ignore[arg-type]
