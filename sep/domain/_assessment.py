"""What a platform evaluation cycle records (4.3.7-b, 4.3.7-c, 4.3.7-d, Table 2).

The four evaluation modules of Table 2, the inputs of one evaluation cycle that are not
computed from the platform's own data (ratings and the platform's finances), and the
improvement plan that external experts give for a failing module (4.3.7-c).
"""

from __future__ import annotations

import datetime as dt
import enum
from decimal import Decimal
from typing import Any

import attrs

from sep._i18n import N_
from sep.domain._enums import StaffOrigin
from sep.domain._fields import (
    date_field,
    in_range,
    is_a,
    items_are,
    meta,
    non_negative,
    one_of,
    schema_hint,
    text,
    to_decimal,
    to_tuple,
)
from sep.domain._money import Money, Period
from sep.domain._platform import StaffMember
from sep.errors import ValidationError

__all__ = ["CycleInputs", "ImprovementPlan", "ScoringModule"]


class ScoringModule(enum.StrEnum):
    """The four evaluation modules of the platform (4.3.7-d, Table 2)."""

    SERVICE_SYSTEM = "service_system"
    """平台服务体系: completeness and strength of the services, current and future."""
    INCUBATION_PERFORMANCE = "incubation_performance"
    """创孵绩效: number, scale and revenue of the incubatees."""
    FOUNDER_CONTRIBUTION = "founder_contribution"
    """平台创建主体贡献: the founder's financial, technical and cultural contribution."""
    SUSTAINABILITY = "sustainability"
    """平台可持续发展: the platform's revenue, profit and valuation."""


def _rating(value: Any) -> Decimal | None:
    return None if value is None else to_decimal(value)


def _rating_field(clause: str, doc: str) -> Any:
    return attrs.field(
        default=None,
        converter=_rating,
        validator=in_range(Decimal(0), Decimal(100)),
        metadata=meta(clause, doc),
    )


def _money_field(clause: str, doc: str, *, negative_ok: bool = False) -> Any:
    validators: list[Any] = [is_a(Money, optional=True)]
    if not negative_ok:
        validators.append(non_negative())
    return attrs.field(default=None, validator=validators, metadata=meta(clause, doc))


def _whole_year(_inst: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    if isinstance(value, Period) and value.quarter is not None:
        raise ValidationError(
            attribute.name, str(value), N_("a cycle starts with a whole year"), clause="4.3.7-b"
        )


schema_hint(_whole_year, period="year")


@attrs.frozen
class CycleInputs:
    """The inputs of one evaluation cycle that are not computed from platform data.

    A cycle is a year or a planning cycle of several years (4.3.7-b). Incubation
    performance is computed from the platform's portfolio and the service system's
    current state from its service catalogue; what remains are the evaluators' ratings
    and the platform's finances (Table 2). ``None`` means not recorded.

    Example:
        >>> c = CycleInputs(Period(2021), founder_technical=70, platform_revenue=Money.wan(900))
        >>> str(c.period), c.last_year, c.founder_technical
        ('2021', 2021, Decimal('70'))
    """

    period: Period = attrs.field(
        validator=[is_a(Period), _whole_year],
        metadata=meta("4.3.7-b", "First year of the cycle."),
    )
    years: int = attrs.field(
        default=1,
        validator=[is_a(int), in_range(1, 20)],
        metadata=meta("4.3.7-b", "Length of the cycle: 1 for a yearly cycle, else the plan's."),
    )
    service_development: Decimal | None = _rating_field(
        "4.3.7-d", "Rating 0–100 of the service system's planned future development."
    )
    founder_financial: Money | None = _money_field(
        "4.3.7-d", "Financial contribution of the founder to the platform in the cycle."
    )
    founder_technical: Decimal | None = _rating_field(
        "4.3.7-d", "Rating 0–100 of the founder's technical contribution."
    )
    founder_cultural: Decimal | None = _rating_field(
        "4.3.7-d", "Rating 0–100 of the founder's cultural contribution."
    )
    platform_revenue: Money | None = _money_field("4.3.7-d", "The platform's revenue.")
    platform_profit: Money | None = _money_field(
        "4.3.7-d", "The platform's profit (may be negative).", negative_ok=True
    )
    platform_valuation: Money | None = _money_field("4.3.7-d", "The platform's valuation.")
    evaluated_on: dt.date | None = date_field("4.3.7-b", "When the evaluation took place.")

    @property
    def last_year(self) -> int:
        """The last calendar year of the cycle."""
        return self.period.year + self.years - 1

    @property
    def end(self) -> dt.date:
        """The last day of the cycle."""
        return dt.date(self.last_year, 12, 31)


def _required(validators: list[Any], clause: str, doc: str, *, converter: Any = None) -> Any:
    # Typed Any, like the other field helpers, so that field order stays free.
    if converter is None:
        return attrs.field(validator=validators, metadata=meta(clause, doc))
    return attrs.field(converter=converter, validator=validators, metadata=meta(clause, doc))


def _all_external(_inst: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    if not value:
        raise ValidationError(
            attribute.name, (), N_("an improvement plan names its expert authors"), clause="4.3.7-c"
        )
    for i, member in enumerate(value):
        if member.origin is not StaffOrigin.EXTERNAL:
            raise ValidationError(
                f"{attribute.name}[{i}]",
                member.name,
                N_("is not external: an improvement plan is given by external experts"),
                clause="4.3.7-c",
            )


schema_hint(_all_external, minItems=1)


@attrs.frozen
class ImprovementPlan:
    """An improvement plan for a failing module, given by external experts (4.3.7-c).

    Example:
        >>> plan = ImprovementPlan(ScoringModule.SUSTAINABILITY, Period(2021),
        ...     [StaffMember("Prof. Zhao", StaffOrigin.EXTERNAL)], "cut costs")
        >>> plan.module.value, str(plan.cycle)
        ('sustainability', '2021')
    """

    module: ScoringModule = one_of(ScoringModule, "4.3.7-c", "The module that failed.")
    cycle: Period = _required(
        [is_a(Period), _whole_year],
        "4.3.7-c",
        "The cycle in which the module failed (its first year).",
    )
    authors: tuple[StaffMember, ...] = _required(
        [items_are(StaffMember), _all_external],
        "4.3.7-c",
        "The external experts who wrote the plan.",
        converter=to_tuple,
    )
    summary: str = text("4.3.7-c", "What the plan asks for.", optional=False)
    issued_on: dt.date | None = date_field("4.3.7-c", "When the plan was issued.")
