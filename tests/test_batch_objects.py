"""columns_from on Incubatee objects: the fast reader gives exactly what facts() gives (4.3.5)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from sep.domain import FinancingRound, Incubatee, Money, Origin, Period, PeriodFinancials
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
    usd = Incubatee("b", "B", Origin.EXTERNAL, financing_rounds=(FinancingRound(Money(5, "USD")),))
    with pytest.raises(ValidationError) as info:
        columns_from([*exact, usd])
    assert info.value.field == "[1].financing_rounds[0].amount.currency"
