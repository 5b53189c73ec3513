"""The founding enterprise: the large enterprise of 3.1 and the four conditions of 4.2.1.

Every yes/no fact is three-valued (``None`` is *unknown*): an enterprise about which
nothing is recorded is not thereby ineligible, only undecided.
"""

from __future__ import annotations

from typing import Any

import attrs

from sep._reason import R_
from sep.domain._fields import (
    OwnFacts,
    clause_of,
    is_a,
    meta,
    non_empty_str,
    non_negative,
    text,
    tri,
)
from sep.domain._industry import IndustryCode
from sep.domain._money import CNY, Money
from sep.domain._size import SizeClass, SizeClassification, classify_size
from sep.errors import ValidationError

__all__ = ["ChainResources", "Enterprise"]


def _to_industry(value: IndustryCode | str) -> IndustryCode:
    # A string is the natural way to write a GB/T 4754 code; parse it at the boundary.
    if isinstance(value, str):
        try:
            return IndustryCode.parse(value)
        except ValidationError as err:
            raise ValidationError("industry", value, err.reason, clause="3.1") from None
    return value


@attrs.frozen
class ChainResources:
    """Whole-chain resources a large enterprise owns (3.1).

    Example:
        >>> ChainResources(upstream_supply=True, midstream_rd_production=True).complete
        >>> ChainResources(True, True, True).complete
        True
    """

    upstream_supply: bool | None = tri("3.1", "Owns upstream supply-chain resources.")
    midstream_rd_production: bool | None = tri("3.1", "Owns midstream R&D and production.")
    downstream_channels: bool | None = tri("3.1", "Owns downstream marketing channels.")

    @property
    def complete(self) -> bool | None:
        """All three links owned: ``True``; one known missing: ``False``; else unknown."""
        links = (self.upstream_supply, self.midstream_rd_production, self.downstream_channels)
        if False in links:
            return False
        if None in links:
            return None
        return True


def _in_cny(_inst: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    # The NBS 2017 bounds (3.1) and the funding figures (4.2.1(4)) are in CNY and sep
    # converts no currency: refuse another currency here, naming the field, not later.
    if value is not None and value.currency != CNY:
        raise ValidationError(
            f"{attribute.name}.currency",
            value.currency,
            R_(
                "must be {cny}: the rules read {cny} amounts and sep converts no currency; "
                "convert it to {cny} at the rate the platform relies on",
                cny=CNY,
            ),
            clause=clause_of(attribute),
        )


def _money_field(clause: str, doc: str, *, negative_ok: bool = False) -> Any:
    validators: list[Any] = [is_a(Money, optional=True), _in_cny]
    if not negative_ok:
        validators.append(non_negative())
    return attrs.field(default=None, validator=validators, metadata=meta(clause, doc))


@attrs.frozen
class Enterprise:
    """An enterprise that founds (or co-founds) a platform (3.1, 4.2.1).

    Size indicators feed the NBS 2017 classification (:func:`classify_size`); the
    remaining facts are the inputs of 3.1 and of 4.2.1(1)–(4). Amounts are in CNY: one
    in another currency is refused when the enterprise is built, naming the field
    (``operating_revenue.currency``), since ``sep`` converts no currency.

    Example:
        >>> h = Enterprise(name="H Group", industry="C38", employees=99_000,
        ...                operating_revenue=Money.wan(20_000_000))
        >>> h.size.size
        <SizeClass.LARGE: 'large'>
        >>> h.facts()["in_transformation"] is None   # unknown, not false
        True
    """

    # Both declared with attrs.field directly so type checkers see the str converter.
    name: str = attrs.field(
        validator=non_empty_str, metadata=meta("3.1", "Registered name of the enterprise.")
    )
    industry: IndustryCode = attrs.field(
        converter=_to_industry,
        validator=is_a(IndustryCode),
        metadata=meta("3.1", "Main industry as a GB/T 4754-2017 code (section, division, …)."),
    )
    employees: int | None = attrs.field(
        default=None,
        validator=[is_a(int, optional=True), non_negative()],
        metadata=meta("3.1", "从业人员: persons employed (NBS 2017 indicator X)."),
    )
    operating_revenue: Money | None = _money_field(
        "3.1", "营业收入: operating revenue of the last year (NBS 2017 indicator Y)."
    )
    total_assets: Money | None = _money_field("3.1", "资产总额: total assets (NBS indicator Z).")
    field_focus: str | None = text("3.1", "The specific field the enterprise focuses on.")
    focused_industry: bool | None = tri("3.1", "Focused on a specific industry field.")
    strong_rd: bool | None = tri("3.1", "Strong R&D capability in its field.")
    high_brand_premium: bool | None = tri("3.1", "High brand premium in its field.")
    chain: ChainResources = attrs.field(
        factory=ChainResources,
        validator=is_a(ChainResources),
        metadata=meta("3.1", "Whole-chain resources: upstream, midstream, downstream."),
    )
    group_enterprise: bool | None = tri("3.1", "A group-type enterprise (集团型企业).")
    in_transformation: bool | None = tri(
        "4.2.1(1)", "In a transformation/upgrade period, or has a transformation need."
    )
    open_innovation_architecture: bool | None = tri(
        "4.2.1(2)", "Has built an open-innovation architecture because of its transformation."
    )
    reform_autonomy: bool | None = tri("4.2.1(2)", "Holds autonomy to reform its own system.")
    industrial_scale: bool | None = tri("4.2.1(3)", "Has reached industrial scale.")
    can_open_industry_resources: bool | None = tri(
        "4.2.1(3)", "Can give incubatees industry resources to grow fast."
    )
    free_cash_flow: Money | None = _money_field(
        "4.2.1(4)", "Free cash flow of the last year (may be negative).", negative_ok=True
    )
    early_funding_capacity: Money | None = _money_field(
        "4.2.1(4)", "Early funding it could give incubatees without harming its operations."
    )

    @property
    def size(self) -> SizeClassification:
        """The NBS 2017 size class of this enterprise (3.1), with its reason."""
        return classify_size(
            self.industry,
            employees=self.employees,
            revenue=self.operating_revenue,
            assets=self.total_assets,
        )

    def facts(self) -> dict[str, Any]:
        """The flat inputs of the eligibility rules (3.1, 4.2.1); ``None`` is unknown."""
        size = self.size.size
        return OwnFacts(
            {
                "size_class": None if size is SizeClass.UNKNOWN else size.value,
                "focused_industry": self.focused_industry,
                "strong_rd": self.strong_rd,
                "high_brand_premium": self.high_brand_premium,
                "upstream_supply": self.chain.upstream_supply,
                "midstream_rd_production": self.chain.midstream_rd_production,
                "downstream_channels": self.chain.downstream_channels,
                "group_enterprise": self.group_enterprise,
                "in_transformation": self.in_transformation,
                "open_innovation_architecture": self.open_innovation_architecture,
                "reform_autonomy": self.reform_autonomy,
                "industrial_scale": self.industrial_scale,
                "can_open_industry_resources": self.can_open_industry_resources,
                "free_cash_flow": self.free_cash_flow,
                "early_funding_capacity": self.early_funding_capacity,
            }
        )
