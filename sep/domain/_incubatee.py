"""Incubatees: the startups a platform serves (4.2.2) and graduates (4.3.5, 4.3.6, Annex C).

An incubatee records what the graduation criteria of 4.3.5 ask about (events, financing,
periodic financials, organisation), the platform resources it holds and must return at
graduation (4.3.6 step 3), its graduate archive (4.3.6 step 5), and the audit trail of its
incubation process (4.3.2), so that one JSON document carries the whole file.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal
from typing import Any, NoReturn

import attrs

from sep._i18n import N_
from sep._reason import R_
from sep.domain._enums import EventKind, FinancingStage, GrowthClass, Origin
from sep.domain._fields import (
    OwnFacts,
    date_field,
    fail,
    is_a,
    many,
    meta,
    non_negative,
    one_of,
    text,
    tri,
)
from sep.domain._money import CNY, Money, Period
from sep.domain._plain import PlainFigures, fen_of, packer
from sep.errors import ValidationError

__all__ = [
    "Archive",
    "AuditRecord",
    "DecisionRef",
    "Event",
    "FinancingRound",
    "Incubatee",
    "PeriodFinancials",
    "PlatformResource",
    "ProcessRecord",
]


_INDEPENDENT = {True: 1.0, None: 0.0, False: -1.0}
_PACK_ROUND = packer(2)
_PACK_RECORD = packer(5)


def _money(clause: str, doc: str, *, negative_ok: bool = False, required: bool = False) -> Any:
    validators: list[Any] = [is_a(Money, optional=not required)]
    if not negative_ok:
        validators.append(non_negative(optional=not required))
    if required:
        return attrs.field(validator=validators, metadata=meta(clause, doc))
    return attrs.field(default=None, validator=validators, metadata=meta(clause, doc))


@attrs.frozen
class FinancingRound(PlainFigures):
    """One financing round (4.3.5(b); Annex C financing stages).

    Example:
        >>> FinancingRound(amount=Money.wan(3200), stage=FinancingStage.SERIES_A_PLUS).amount
        Money(amount=Decimal('32000000'), currency='CNY')
    """

    amount: Money = _money("4.3.5(b)", "Amount raised in the round.", required=True)
    on: dt.date | None = date_field("4.3.5(b)", "Date the round closed.")
    stage: FinancingStage | None = one_of(
        FinancingStage, "C", "Financing stage the round belongs to (Annex C).", optional=True
    )
    investors: tuple[str, ...] = many(str, "4.3.5(b)", "Investors in the round.")
    post_money_valuation: Money | None = _money("C", "Post-money valuation.")
    independent: bool | None = tri(
        "4.3.5(b)",
        "Raised independently (not from the founder or the platform). Only independent "
        "rounds count for 4.3.5(b); unknown independence makes the largest independent "
        "round unknown when this round is larger than every independent one.",
    )

    def _figures(self) -> bytes:
        # The amount in fen and its independence: 1 yes, 0 unknown, -1 no.
        return _PACK_ROUND(fen_of(self.amount), _INDEPENDENT[self.independent])


@attrs.frozen
class PeriodFinancials(PlainFigures):
    """Financial figures of one calendar year or quarter (4.3.5(c))."""

    period: Period = one_of(Period, "4.3.5(c)", "The year or quarter these figures cover.")
    revenue: Money | None = _money("4.3.5(c)", "营业额: revenue in the period.")
    profit: Money | None = _money("4.3.5(c)", "利润: profit (may be negative).", negative_ok=True)
    operating_cash_flow: Money | None = _money(
        "4.3.5(c)", "经营现金流: operating cash flow (may be negative).", negative_ok=True
    )

    def _figures(self) -> bytes:
        # Year, quarter (0 for the whole year), then each figure in fen.
        period = self.period
        return _PACK_RECORD(
            period.year,
            period.quarter or 0,
            fen_of(self.revenue),
            fen_of(self.profit),
            fen_of(self.operating_cash_flow),
        )


@attrs.frozen
class Event:
    """Something that happened to an incubatee and bears on graduation (4.3.5)."""

    kind: EventKind = one_of(EventKind, "4.3.5", "What happened.")
    on: dt.date | None = date_field("4.3.5", "When it happened.")
    detail: str | None = text("4.3.5", "Free-text detail (acquirer, exchange, round).")


@attrs.frozen
class PlatformResource:
    """A platform resource an incubatee holds and returns at graduation (4.3.6 step 3)."""

    id: str = text("4.3.6", "Identifier of the resource, unique per incubatee.", optional=False)
    kind: str = text("4.3.6", "Kind: space, equipment, fund, licence, …", optional=False)
    description: str | None = text("4.3.6", "What it is.")
    return_terms: str | None = text("4.3.6", "Return as agreed beforehand (具体退还方式).")
    granted_on: dt.date | None = date_field("4.3.6", "When the platform granted it.")
    returned_on: dt.date | None = date_field("4.3.6", "When it was returned; null if held.")

    @property
    def returned(self) -> bool:
        """Whether the resource has been returned."""
        return self.returned_on is not None


@attrs.frozen
class Archive:
    """The graduate archive (4.3.6 step 5)."""

    reference: str = text("4.3.6", "Archive reference number.", optional=False)
    created_on: dt.date = date_field("4.3.6", "When the archive was created.", optional=False)
    documents: tuple[str, ...] = many(str, "4.3.6", "Documents filed (certificate, attestation…).")


@attrs.frozen
class DecisionRef:
    """Enough of a rules decision to identify and replay it (4.3.5, 4.3.6 step 1)."""

    digest: str = text(
        "4.3.5", "The decision's hash over inputs, rules and parameters.", optional=False
    )
    pack: str = text("4.3.5", "Rule pack id.", optional=False)
    edition: str = text("4.3.5", "Rule pack edition.", optional=False)
    outcome: str = text("4.3.5", "met, not_met or unknown.", optional=False)


def is_aware(value: Any) -> bool:
    """Whether ``value`` is a datetime whose UTC offset is known (4.3.2).

    A ``tzinfo`` is not enough: one whose ``utcoffset()`` is ``None`` (or raises) leaves the
    time naive in effect, and its JSON, which keeps only the offset, could not be read back.
    An offset with a fraction of a second is refused for the same reason: ISO 8601 text read
    back by Python 3.11 drops it.
    """
    if not isinstance(value, dt.datetime):
        return False
    try:
        # datetime.utcoffset() itself refuses a tzinfo answering anything but a timedelta
        # under a day, or None.
        offset = value.utcoffset()
    except Exception:
        return False
    return offset is not None and not offset.microseconds


def _aware(_inst: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    if not is_aware(value):
        raise fail(
            attribute,
            value,
            N_("must be a timezone-aware datetime (a known UTC offset, in whole seconds)"),
        )


def _aware_field() -> Any:
    return attrs.field(validator=_aware, metadata=meta("4.3.2", "When (timezone-aware)."))


@attrs.frozen
class AuditRecord:
    """One transition of the incubation process (4.3.2, 4.3.6), as recorded."""

    from_state: str = text("4.3.2", "State before the transition.", optional=False)
    to_state: str = text("4.3.2", "State after the transition.", optional=False)
    trigger: str = text("4.3.2", "The trigger fired.", optional=False)
    at: dt.datetime = _aware_field()
    actor: str | None = text("4.3.2", "Who fired it.")
    reason: str | None = text("4.3.2", "Why, in the actor's words.")
    decision: DecisionRef | None = one_of(
        DecisionRef, "4.3.5", "The rules decision relied on, if any.", optional=True
    )
    data: tuple[tuple[str, str], ...] = attrs.field(
        factory=tuple,
        validator=is_a(tuple),
        metadata=meta("4.3.2", "Further recorded facts, as (key, value) pairs."),
    )


@attrs.frozen
class ProcessRecord:
    """Where an incubatee stands in the incubation process, with its append-only history."""

    state: str = text("4.3.2", "The current state of the incubation process.", optional=False)
    history: tuple[AuditRecord, ...] = many(AuditRecord, "4.3.2", "Every transition, oldest first.")


def _financials_unique(value: Iterable[PeriodFinancials]) -> None:
    seen: set[Period] = set()
    for i, item in enumerate(value):
        if item.period in seen:
            raise ValidationError(
                f"financials[{i}].period", str(item.period), N_("appears twice"), clause="4.3.5(c)"
            )
        seen.add(item.period)


@attrs.frozen
class Incubatee:
    """A startup served by a platform (4.2.2), judged for graduation (4.3.5).

    Yes/no facts are ``None`` when unknown. An event of kind ``acquired_by_founder``,
    ``listed`` or ``platform_equity_exit`` also settles the matching fact; recording the
    event while the fact says ``False`` is refused as a contradiction.

    Example:
        >>> inc = Incubatee(id="h-001", name="Leishen", origin=Origin.INTERNAL,
        ...     financials=[PeriodFinancials(Period(2025), revenue=Money.wan(820))])
        >>> inc.facts()["revenue"]
        Money(amount=Decimal('8200000'), currency='CNY')
        >>> inc.facts()["listed"] is None
        True
    """

    id: str = text("4.2.2", "Identifier, unique within the platform.", optional=False)
    name: str = text("4.2.2", "Name of the startup or project.", optional=False)
    origin: Origin = one_of(Origin, "4.2.2", "Internal, external or industry-chain.")
    founded: dt.date | None = date_field("4.2.2", "Date the startup was founded.")
    admitted: dt.date | None = date_field("4.3.2", "Date it was admitted to incubation.")
    accelerated: bool | None = tri("C", "Admitted to the accelerator (Annex C: 343 of 4,000+).")
    financing_stage: FinancingStage | None = one_of(
        FinancingStage, "C", "Financing stage reached (seed, angel, series A+).", optional=True
    )
    growth: GrowthClass | None = one_of(
        GrowthClass, "C", "Growth class reached: gazelle or unicorn.", optional=True
    )
    financing_rounds: tuple[FinancingRound, ...] = many(
        FinancingRound, "4.3.5(b)", "Financing rounds, in any order."
    )
    valuation: Money | None = _money("C", "Latest valuation.")
    financials: tuple[PeriodFinancials, ...] = many(
        PeriodFinancials, "4.3.5(c)", "Financial figures per year or quarter."
    )
    organisation_complete: bool | None = tri("4.3.5(c)", "Internal organisation is complete.")
    needs_platform_services: bool | None = tri("4.3.5(c)", "Still needs the platform's services.")
    acquired_by_founder: bool | None = tri(
        "4.3.5(a)", "Acquired internally by the founder as a business unit or subsidiary."
    )
    listed: bool | None = tri("4.3.5(b)", "Independently listed (IPO).")
    platform_equity_exited: bool | None = tri(
        "4.3.5(d)", "The platform's investment and equity have exited."
    )
    high_tech_enterprise: bool | None = tri(
        "4.3.5", "Certified national high-tech enterprise (国科发区〔2018〕300号)."
    )
    acquired_by_other: bool | None = tri(
        "4.3.5", "Merged into or acquired by another company (国科发区〔2018〕300号)."
    )
    events: tuple[Event, ...] = many(Event, "4.3.5", "Events bearing on graduation.")
    resources: tuple[PlatformResource, ...] = many(
        PlatformResource, "4.3.6", "Platform resources held or returned.", unique_by=lambda r: r.id
    )
    archive: Archive | None = one_of(Archive, "4.3.6", "Graduate archive.", optional=True)
    process: ProcessRecord | None = one_of(
        ProcessRecord, "4.3.2", "State and history of the incubation process.", optional=True
    )

    def __attrs_post_init__(self) -> None:
        _financials_unique(self.financials)
        for kind, flag, name, clause in (
            (
                EventKind.ACQUIRED_BY_FOUNDER,
                self.acquired_by_founder,
                "acquired_by_founder",
                "4.3.5(a)",
            ),
            (EventKind.LISTED, self.listed, "listed", "4.3.5(b)"),
            (
                EventKind.PLATFORM_EQUITY_EXIT,
                self.platform_equity_exited,
                "platform_equity_exited",
                "4.3.5(d)",
            ),
            (
                EventKind.HIGH_TECH_CERTIFIED,
                self.high_tech_enterprise,
                "high_tech_enterprise",
                "4.3.5",
            ),
            (EventKind.ACQUIRED_BY_OTHER, self.acquired_by_other, "acquired_by_other", "4.3.5"),
        ):
            if flag is False and self._has(kind):
                raise ValidationError(
                    name,
                    False,
                    R_("contradicts a recorded {kind!r} event", kind=kind.value),
                    clause=clause,
                )

    def _has(self, kind: EventKind) -> bool:
        return any(event.kind is kind for event in self.events)

    def _fact(self, kind: EventKind, flag: bool | None) -> bool | None:
        return True if self._has(kind) else flag

    @property
    def held_resources(self) -> tuple[PlatformResource, ...]:
        """Platform resources not yet returned (4.3.6 step 3)."""
        return tuple(r for r in self.resources if not r.returned)

    def _years(self, field: str) -> dict[int, tuple[bool, Money | None]]:
        """Per calendar year: whether its accounts are complete, and ``field`` for the year.

        A year is complete with a yearly record or all four quarters recorded. Its figure
        is the yearly record's, else the four quarters' sum when all four are known, else
        ``None`` (unknown).
        """
        yearly: dict[int, Money | None] = {}
        quarters: dict[int, list[Money | None]] = {}
        for record in self.financials:
            value: Money | None = getattr(record, field)
            if record.period.quarter is None:
                yearly[record.period.year] = value
            else:
                quarters.setdefault(record.period.year, []).append(value)
        years: dict[int, tuple[bool, Money | None]] = {}
        for year in sorted(yearly.keys() | quarters.keys()):
            parts = quarters.get(year, [])
            complete = year in yearly or len(parts) == 4
            found = yearly.get(year)
            if found is None and len(parts) == 4 and None not in parts:
                found = _sum(p for p in parts if p is not None)
            years[year] = (complete, found)
        return years

    def annual_revenue(self) -> dict[Period, Money | None]:
        """Revenue per calendar year: a yearly record, else four complete quarters summed.

        A year with only some quarters recorded is ``None`` (unknown), a gap in the series.
        """
        return {Period(year): value for year, (_, value) in self._years("revenue").items()}

    def _latest_year(self, field: str) -> Money | None:
        # 4.3.5(c) "latest full year": the latest calendar year whose accounts are complete
        # (a quarter of the next year recorded does not hide it); unknown if its figure is.
        complete = [value for ok, value in self._years(field).values() if ok]
        return complete[-1] if complete else None

    def cash_flow_series(self) -> dict[str, Money | None]:
        """Operating cash flow per period, gaps filled with ``None`` (4.3.5(c)).

        Quarters are used when any quarterly figures exist, else years.
        """
        quarterly = [r for r in self.financials if r.period.quarter is not None]
        records = quarterly or list(self.financials)
        if not records:
            return {}
        by_period = {r.period: r.operating_cash_flow for r in records}
        ordered = sorted(by_period)
        series: dict[str, Money | None] = {}
        current, last = ordered[0], ordered[-1]
        while True:
            series[str(current)] = by_period.get(current)
            if current == last:  # the period after 2999 is not a Period: never build it
                return series
            current = current.next()

    def _check_currencies(self) -> None:
        # The rules read CNY and sep converts no currency: a figure in another currency is
        # refused, naming it, rather than left out (which would decide on part of the data).
        for i, fr in enumerate(self.financing_rounds):
            if fr.amount.currency != CNY:
                _not_cny(f"financing_rounds[{i}].amount", fr.amount, "4.3.5(b)")
        for i, record in enumerate(self.financials):
            for name in ("revenue", "profit", "operating_cash_flow"):
                value = getattr(record, name)
                if value is not None and value.currency != CNY:
                    _not_cny(f"financials[{i}].{name}", value, "4.3.5(c)")

    def largest_independent_round(self) -> Money | None:
        """The largest round raised independently (4.3.5(b) 独立), three-valued.

        Rounds marked ``independent=False`` (from the founder or the platform) never count.
        A round whose independence is unknown (``None``) makes the answer unknown when it
        is larger than every independent round; with rounds recorded and none
        independent the largest is zero; with no round recorded it is unknown.

        Example:
            >>> inc = Incubatee(id="x", name="X", origin=Origin.INTERNAL, financing_rounds=[
            ...     FinancingRound(Money(90_000_000), independent=False),
            ...     FinancingRound(Money(6_000_000), independent=True)])
            >>> inc.largest_independent_round()
            Money(amount=Decimal('6000000'), currency='CNY')
        """
        if not self.financing_rounds:
            return None
        independent = [r.amount for r in self.financing_rounds if r.independent is True]
        unsure = [r.amount for r in self.financing_rounds if r.independent is None]
        largest = max(independent, key=lambda m: m.amount) if independent else Money.zero()
        if any(m.amount > largest.amount for m in unsure):
            return None
        return largest

    def facts(self) -> dict[str, Any]:
        """The flat inputs of the graduation rules (4.3.5; 国科发区〔2018〕300号).

        ``None`` means unknown. With no financing round recorded, the largest round and
        the cumulative investment are unknown rather than zero; the largest round counts
        independent rounds only (:meth:`largest_independent_round`). Revenue and profit
        are the latest complete calendar year's.

        Raises:
            ValidationError: a financing round or a period's figure is not in CNY, naming
                it (``financing_rounds[0].amount.currency``) and its clause: the rules
                read CNY and ``sep`` converts no currency, so it never leaves one out.
        """
        self._check_currencies()
        rounds = [r.amount for r in self.financing_rounds]
        annual = self.annual_revenue()
        acquired_by_founder = self._fact(EventKind.ACQUIRED_BY_FOUNDER, self.acquired_by_founder)
        acquired_by_other = self._fact(EventKind.ACQUIRED_BY_OTHER, self.acquired_by_other)
        acquired: bool | None
        if acquired_by_founder or acquired_by_other:
            acquired = True
        elif acquired_by_founder is False and acquired_by_other is False:
            acquired = False
        else:
            acquired = None
        return OwnFacts(
            {
                "acquired_by_founder": acquired_by_founder,
                "listed": self._fact(EventKind.LISTED, self.listed),
                "largest_financing_round": self.largest_independent_round(),
                "revenue": self._latest_year("revenue"),
                "profit": self._latest_year("profit"),
                "operating_cash_flow": self.cash_flow_series(),
                "organisation_complete": self.organisation_complete,
                "needs_platform_services": self.needs_platform_services,
                "platform_equity_exited": self._fact(
                    EventKind.PLATFORM_EQUITY_EXIT, self.platform_equity_exited
                ),
                "high_tech_enterprise": self._fact(
                    EventKind.HIGH_TECH_CERTIFIED, self.high_tech_enterprise
                ),
                "cumulative_investment": _sum(rounds) if rounds else None,
                "annual_revenue": {str(k): v for k, v in annual.items()},
                "acquired": acquired,
            }
        )


def _not_cny(field: str, value: Money, clause: str) -> NoReturn:
    raise ValidationError(
        f"{field}.currency",
        value.currency,
        R_(
            "must be {cny}: the rules read {cny} amounts and sep converts no currency; convert it "
            "to {cny} at the rate the platform relies on",
            cny=CNY,
        ),
        clause=clause,
    )


def _sum(values: Iterable[Money]) -> Money:
    total = Money(Decimal(0))
    for value in values:
        total = total + value
    return total
