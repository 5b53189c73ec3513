"""Performance management over the four dimensions, aggregated per cycle (4.3.4)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sep.assessment import aggregate_performance
from sep.domain import PerformanceDimension, PerformanceRecord, Period
from tests.strategies import performance_s

pytestmark = pytest.mark.clause("4.3.4")

D = PerformanceDimension


def _r(subject: str, year: int, dim: PerformanceDimension, score: int | None) -> PerformanceRecord:
    return PerformanceRecord(subject, Period(year), dim, None if score is None else Decimal(score))


def test_cycles_are_aggregated_per_dimension() -> None:
    """4.3.4: per cycle and dimension, the mean, range and counts of the scores."""
    records = [
        _r("team A", 2022, D.INCUBATION_OUTCOMES, 70),
        _r("team B", 2022, D.INCUBATION_OUTCOMES, 90),
        _r("team A", 2022, D.INDUSTRY_CHAIN_SERVICE, None),
        _r("team A", 2021, D.PLATFORM_DEVELOPMENT, 60),
    ]
    cycles = aggregate_performance(records)
    assert [str(c.period) for c in cycles] == ["2021", "2022"]
    c22 = cycles[1]
    s = c22.dimensions[D.INCUBATION_OUTCOMES]
    assert (s.records, s.scored, s.mean, s.lowest, s.highest) == (2, 2, 80, 70, 90)
    unscored = c22.dimensions[D.INDUSTRY_CHAIN_SERVICE]
    assert (unscored.records, unscored.scored, unscored.mean) == (1, 0, None)
    assert c22.subjects == ("team A", "team B")
    assert c22.missing_dimensions == {
        D.INDUSTRY_CHAIN_SERVICE,
        D.FOUNDER_CONTRIBUTION,
        D.PLATFORM_DEVELOPMENT,
    }
    assert not c22.complete


def test_complete_cycle_covers_all_four_dimensions() -> None:
    """4.3.4: a cycle with a scored record on each dimension is complete."""
    cycles = aggregate_performance([_r("staff", 2023, d, 75) for d in D])
    assert cycles[0].complete
    assert cycles[0].to_dict()["missing_dimensions"] == []


def test_filter_by_subject() -> None:
    """4.3.4: the records of one staff member or team can be aggregated alone."""
    records = [_r("A", 2023, D.INCUBATION_OUTCOMES, 50), _r("B", 2023, D.INCUBATION_OUTCOMES, 90)]
    (cycle,) = aggregate_performance(records, subject="B")
    assert cycle.dimensions[D.INCUBATION_OUTCOMES].mean == 90


@given(st.lists(performance_s, max_size=12))
def test_every_record_is_counted_once(records: list[PerformanceRecord]) -> None:
    """4.3.4: the aggregation neither loses nor duplicates records."""
    cycles = aggregate_performance(records)
    assert sum(s.records for c in cycles for s in c.dimensions.values()) == len(records)
    assert sum(s.scored for c in cycles for s in c.dimensions.values()) == sum(
        1 for r in records if r.score is not None
    )
