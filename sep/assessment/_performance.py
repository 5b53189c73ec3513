"""Staff and team performance management over the four dimensions (4.3.4).

Performance records (:class:`~sep.domain.PerformanceRecord`) are aggregated per cycle:
per dimension the number of records, how many are scored, and the mean, lowest and
highest score; a cycle is complete when every one of the four dimensions has a scored
record. Unscored records are counted but never read as zero.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

import attrs

from sep.domain._enums import PerformanceDimension
from sep.domain._money import Period
from sep.domain._platform import PerformanceRecord, Platform

__all__ = ["DimensionSummary", "PerformanceCycle", "aggregate_performance"]


@attrs.frozen
class DimensionSummary:
    """One dimension of 4.3.4 in one cycle.

    Attributes:
        dimension: The dimension.
        records: Records on it.
        scored: Records with a score.
        mean: Mean score, to two decimals (``None`` when nothing is scored).
        lowest: Lowest score, or ``None``.
        highest: Highest score, or ``None``.
    """

    dimension: PerformanceDimension
    records: int
    scored: int
    mean: Decimal | None
    lowest: Decimal | None
    highest: Decimal | None

    def to_dict(self) -> dict[str, Any]:
        """JSON-able form."""
        return {
            "dimension": self.dimension.value,
            "records": self.records,
            "scored": self.scored,
            "mean": None if self.mean is None else str(self.mean),
            "lowest": None if self.lowest is None else str(self.lowest),
            "highest": None if self.highest is None else str(self.highest),
        }


@attrs.frozen
class PerformanceCycle:
    """The performance records of one cycle, aggregated per dimension (4.3.4).

    Example:
        >>> from sep.domain import PerformanceRecord
        >>> dim = PerformanceDimension.INCUBATION_OUTCOMES
        >>> rec = PerformanceRecord("team", Period(2024), dim, 70)
        >>> (cycle,) = aggregate_performance([rec])
        >>> cycle.complete, len(cycle.missing_dimensions)
        (False, 3)
    """

    period: Period
    subjects: tuple[str, ...]
    dimensions: Mapping[PerformanceDimension, DimensionSummary]

    @property
    def missing_dimensions(self) -> frozenset[PerformanceDimension]:
        """Dimensions of 4.3.4 with no scored record in this cycle."""
        present = {d for d, s in self.dimensions.items() if s.scored}
        return frozenset(PerformanceDimension) - present

    @property
    def complete(self) -> bool:
        """Whether all four dimensions have a scored record."""
        return not self.missing_dimensions

    def to_dict(self) -> dict[str, Any]:
        """JSON-able form."""
        return {
            "period": str(self.period),
            "subjects": list(self.subjects),
            "dimensions": [s.to_dict() for s in self.dimensions.values()],
            "missing_dimensions": sorted(d.value for d in self.missing_dimensions),
        }


def aggregate_performance(
    source: Platform | Iterable[PerformanceRecord], *, subject: str | None = None
) -> tuple[PerformanceCycle, ...]:
    """Aggregate performance records per cycle and dimension (4.3.4), oldest cycle first.

    Args:
        source: A platform (its ``performance``) or the records themselves.
        subject: Keep only this staff member's or team's records.

    Example:
        >>> from sep.examples import annex_c_platform
        >>> [(str(c.period), c.complete) for c in aggregate_performance(annex_c_platform())]
        [('2019', True)]
    """
    records = source.performance if isinstance(source, Platform) else tuple(source)
    if subject is not None:
        records = tuple(r for r in records if r.subject == subject)
    by_period: dict[Period, list[PerformanceRecord]] = {}
    for record in records:
        by_period.setdefault(record.period, []).append(record)
    cycles: list[PerformanceCycle] = []
    # Years and quarters do not order against each other; a year comes before its quarters.
    for period in sorted(by_period, key=lambda p: (p.year, p.quarter or 0)):
        group = by_period[period]
        dimensions: dict[PerformanceDimension, DimensionSummary] = {}
        for dimension in PerformanceDimension:
            on_it = [r for r in group if r.dimension is dimension]
            if not on_it:
                continue
            scores = [r.score for r in on_it if r.score is not None]
            mean = (
                (sum(scores, Decimal(0)) / len(scores)).quantize(Decimal("0.01"))
                if scores
                else None
            )
            dimensions[dimension] = DimensionSummary(
                dimension,
                len(on_it),
                len(scores),
                mean,
                min(scores) if scores else None,
                max(scores) if scores else None,
            )
        subjects = tuple(sorted({r.subject for r in group}))
        cycles.append(PerformanceCycle(period, subjects, dimensions))
    return tuple(cycles)
