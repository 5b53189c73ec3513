"""The shared entrepreneurial platform (3.2, 3.3) and everything 4.2–4.3 asks it to hold.

Founders and co-creators (4.2.1-b/c), service targets (4.2.2), the feasibility study
(4.2.3), the four business modules and their staff (4.2.5), the three-tier service
catalogue (4.2.6), the development plan (4.3.1), the ten management norms with their
append-only revision history (4.3.3), performance records (4.3.4), the Annex B
capabilities, and the portfolio of incubatees (4.2.2, Annex C).
"""

from __future__ import annotations

import datetime as dt
import enum
from decimal import Decimal
from typing import Any

import attrs

from sep._i18n import N_
from sep._reason import R_
from sep.domain._enterprise import Enterprise
from sep.domain._enums import (
    Alignment,
    CoCreatorKind,
    FeasibilityPoint,
    MentorKind,
    ModuleKind,
    NormArea,
    PerformanceDimension,
    PlanAspect,
    ServiceProvider,
    ServiceTarget,
    ServiceTier,
    StaffOrigin,
)
from sep.domain._fields import (
    date_field,
    in_range,
    is_a,
    items_are,
    many,
    meta,
    non_negative,
    one_of,
    schema_hint,
    text,
    to_decimal,
    to_frozenset,
    to_tuple,
    tri,
)
from sep.domain._incubatee import Incubatee
from sep.domain._money import Money, Period
from sep.errors import ValidationError

__all__ = [
    "BusinessModule",
    "Capabilities",
    "CoCreator",
    "DevelopmentPlan",
    "EvaluationBody",
    "EvaluationBodyKind",
    "FeasibilityAssessment",
    "FeasibilityStudy",
    "ManagementNorm",
    "Mentor",
    "PerformanceRecord",
    "PlanItem",
    "Platform",
    "Revision",
    "Service",
    "StaffMember",
]


def _set_of(tp: type, clause: str, doc: str) -> Any:
    return attrs.field(
        factory=frozenset,
        converter=to_frozenset,
        validator=items_are(tp),
        metadata=meta(clause, doc),
    )


def _share(value: Any) -> Decimal | None:
    return None if value is None else to_decimal(value)


@attrs.frozen
class CoCreator:
    """A resource co-creator (4.2.1-c): who it is, what it provides, its return share."""

    name: str = text("4.2.1-c", "Name of the co-creator.", optional=False)
    kind: CoCreatorKind = one_of(CoCreatorKind, "4.2.1-c", "Kind of co-creator.")
    provides: tuple[str, ...] = many(str, "4.2.1-c", "Resources it provides to the platform.")
    return_share: Decimal | None = attrs.field(
        default=None,
        converter=_share,
        validator=in_range(Decimal(0), Decimal(1)),
        metadata=meta("4.2.1-c", "Share of returns, 0–1, in proportion to resources provided."),
    )


@attrs.frozen
class StaffMember:
    """A person on a business-module team (4.2.5) or an evaluating body (4.3.7-a)."""

    name: str = text("4.2.5", "Name.", optional=False)
    origin: StaffOrigin = one_of(StaffOrigin, "4.2.5", "From inside the founder or outside.")
    role: str | None = text("4.2.5", "Role on the team.")


class EvaluationBodyKind(enum.StrEnum):
    """The three possible evaluating bodies of the platform (4.3.7-a)."""

    INTERNAL_COMMITTEE = "internal_committee"
    """An internal evaluation committee of the founder's staff: all members internal."""
    THIRD_PARTY_EXPERTS = "third_party_experts"
    """Independent third-party experts: all members external."""
    JOINT_COMMITTEE = "joint_committee"
    """A joint committee of the founder's staff and third-party experts: both kinds."""


def _check_body(inst: EvaluationBody, attribute: attrs.Attribute[Any], value: Any) -> None:
    origins = {member.origin for member in value}
    if not value:
        raise ValidationError(
            "members", (), N_("an evaluating body needs at least one member"), clause="4.3.7-a"
        )
    wanted = {
        EvaluationBodyKind.INTERNAL_COMMITTEE: ({StaffOrigin.INTERNAL}, "all founder staff"),
        EvaluationBodyKind.THIRD_PARTY_EXPERTS: ({StaffOrigin.EXTERNAL}, "all external experts"),
        EvaluationBodyKind.JOINT_COMMITTEE: (set(StaffOrigin), "both founder staff and experts"),
    }
    expected, words = wanted[inst.kind]
    if origins != expected:
        found = ", ".join(sorted(o.value for o in origins))
        raise ValidationError(
            "members",
            found,
            R_(
                "members of {kind} must be {words}; they are {found}",
                kind=inst.kind.value,
                words=words,
                found=found,
            ),
            clause="4.3.7-a",
        )


schema_hint(_check_body, minItems=1)


def _members() -> Any:
    # Typed Any, like the other field helpers, so mypy does not read it as a default.
    return attrs.field(
        converter=to_tuple,
        validator=[items_are(StaffMember), _check_body],
        metadata=meta("4.3.7-a", "Members, each internal (founder staff) or external."),
    )


@attrs.frozen
class EvaluationBody:
    """The body that evaluates the platform (4.3.7-a), its composition checked.

    An internal committee is all founder staff, third-party experts are all external, a
    joint committee has both.

    Example:
        >>> joint = EvaluationBody(EvaluationBodyKind.JOINT_COMMITTEE, [
        ...     StaffMember("Wang", StaffOrigin.INTERNAL), StaffMember("Li", StaffOrigin.EXTERNAL)])
        >>> len(joint.members)
        2
        >>> try:
        ...     EvaluationBody(EvaluationBodyKind.INTERNAL_COMMITTEE,
        ...                    [StaffMember("Li", StaffOrigin.EXTERNAL)])
        ... except ValidationError as err:
        ...     print(err.reason, err.clause)
        members of internal_committee must be all founder staff; they are external 4.3.7-a
    """

    kind: EvaluationBodyKind = one_of(EvaluationBodyKind, "4.3.7-a", "Which of the three bodies.")
    members: tuple[StaffMember, ...] = _members()
    name: str | None = text("4.3.7-a", "Name of the committee or panel.")


@attrs.frozen
class BusinessModule:
    """One of the four business modules of the management structure (4.2.5)."""

    kind: ModuleKind = one_of(ModuleKind, "4.2.5", "Which of the four modules.")
    staff: tuple[StaffMember, ...] = many(StaffMember, "4.2.5", "The module's team.")

    @property
    def mixed(self) -> bool:
        """Staffed by both founder-internal and external people (4.2.5)."""
        origins = {member.origin for member in self.staff}
        return origins == {StaffOrigin.INTERNAL, StaffOrigin.EXTERNAL}


@attrs.frozen
class Service:
    """A service in the catalogue (4.2.6, Table 1)."""

    name: str = text("4.2.6", "Name of the service.", optional=False)
    tier: ServiceTier = one_of(ServiceTier, "4.2.6", "Basic, value-added or investment.")
    provider: ServiceProvider = one_of(
        ServiceProvider, "4.2.6", "Provided by the founder directly or linked from outside."
    )
    last_updated: dt.date | None = date_field("4.2.6", "When the service was last updated.")


@attrs.frozen
class PlanItem:
    """One aspect of the development plan (4.3.1) and the plans it aligns with."""

    aspect: PlanAspect = one_of(PlanAspect, "4.3.1", "Which of the six aspects.")
    summary: str = text("4.3.1", "What the plan says for this aspect.", optional=False)
    aligned_with: frozenset[Alignment] = _set_of(
        Alignment, "4.3.1", "Founder's, local government's and national plans it fits."
    )


@attrs.frozen
class DevelopmentPlan:
    """The platform's development plan (4.3.1)."""

    start: Period = one_of(Period, "4.3.1", "First year of the plan.")
    years: int = attrs.field(
        default=5,
        validator=[is_a(int), in_range(1, 20)],
        metadata=meta("4.3.1", "Length of the planning cycle in years (4.3.7-b)."),
    )
    items: tuple[PlanItem, ...] = many(
        PlanItem, "4.3.1", "One item per aspect.", unique_by=lambda item: item.aspect
    )

    @property
    def missing_aspects(self) -> frozenset[PlanAspect]:
        """The aspects of 4.3.1 the plan does not cover."""
        return frozenset(PlanAspect) - {item.aspect for item in self.items}


@attrs.frozen
class Revision:
    """One published revision of a management norm (4.3.3: 保留修改记录)."""

    version: str = text("4.3.3", "Version label, unique within the norm.", optional=False)
    published: dt.date = date_field("4.3.3", "Publication date.", optional=False)
    summary: str | None = text("4.3.3", "What changed.")


def _check_revisions(inst: ManagementNorm, attribute: attrs.Attribute[Any], value: Any) -> None:
    versions: set[str] = set()
    for i, (before, rev) in enumerate(zip((None, *value), value, strict=False)):
        if rev.version in versions:
            raise ValidationError(
                f"revisions[{i}].version",
                rev.version,
                N_("repeats an earlier version"),
                clause="4.3.3",
            )
        versions.add(rev.version)
        if before is not None and rev.published < before.published:
            raise ValidationError(
                f"revisions[{i}].published",
                rev.published.isoformat(),
                N_("is earlier than the revision before it (history is append-only)"),
                clause="4.3.3",
            )


@attrs.frozen
class ManagementNorm:
    """A management norm document of one of the ten areas (4.3.3), with its revisions.

    The history is append-only: :meth:`revise` returns the norm with one revision added,
    and refuses one dated before the last or reusing a version.

    Example:
        >>> n = ManagementNorm(NormArea.ARCHIVES, "Archive rules")
        >>> n = n.revise(Revision("1.0", dt.date(2021, 3, 1)))
        >>> n = n.revise(Revision("1.1", dt.date(2022, 5, 9), "retention 10 years"))
        >>> [r.version for r in n.revisions], n.current.version
        (['1.0', '1.1'], '1.1')
    """

    area: NormArea = one_of(NormArea, "4.3.3", "Which of the ten areas.")
    title: str = text("4.3.3", "Title of the document.", optional=False)
    revisions: tuple[Revision, ...] = attrs.field(
        factory=tuple,
        converter=to_tuple,
        validator=[items_are(Revision), _check_revisions],
        metadata=meta("4.3.3", "Published revisions, oldest first (append-only)."),
    )

    @property
    def published(self) -> bool:
        """Whether at least one revision has been published."""
        return bool(self.revisions)

    @property
    def current(self) -> Revision | None:
        """The latest revision, if any."""
        return self.revisions[-1] if self.revisions else None

    def revise(self, revision: Revision) -> ManagementNorm:
        """Return this norm with ``revision`` appended (validated)."""
        return attrs.evolve(self, revisions=(*self.revisions, revision))

    def extends(self, older: ManagementNorm) -> bool:
        """Whether this norm's history keeps ``older``'s history unchanged as its prefix."""
        return self.revisions[: len(older.revisions)] == older.revisions


@attrs.frozen
class PerformanceRecord:
    """A staff or team performance record on one of the four dimensions (4.3.4)."""

    subject: str = text("4.3.4", "The staff member or team assessed.", optional=False)
    period: Period = one_of(Period, "4.3.4", "The cycle assessed.")
    dimension: PerformanceDimension = one_of(
        PerformanceDimension, "4.3.4", "Which of the four dimensions."
    )
    score: Decimal | None = attrs.field(
        default=None,
        converter=_share,
        validator=in_range(Decimal(0), Decimal(100)),
        metadata=meta("4.3.4", "Score 0–100; null if not yet scored."),
    )
    note: str | None = text("4.3.4", "Evidence or comment.")


@attrs.frozen
class FeasibilityAssessment:
    """The finding on one of the seven assessment points (4.2.3)."""

    point: FeasibilityPoint = one_of(FeasibilityPoint, "4.2.3", "Which of the seven points.")
    finding: str = text("4.2.3", "What the study found.", optional=False)
    favourable: bool | None = tri("4.2.3", "Whether the finding supports founding.")


@attrs.frozen
class FeasibilityStudy:
    """The feasibility study, based on the founder's 3–5-year strategic plan (4.2.3)."""

    strategic_plan_years: int = attrs.field(
        validator=[is_a(int), in_range(3, 5)],
        metadata=meta("4.2.3", "Horizon of the founder's strategic plan it rests on (3–5)."),
    )
    completed_on: dt.date | None = date_field("4.2.3", "When the study was completed.")
    assessments: tuple[FeasibilityAssessment, ...] = many(
        FeasibilityAssessment, "4.2.3", "One per point.", unique_by=lambda a: a.point
    )

    @property
    def missing_points(self) -> frozenset[FeasibilityPoint]:
        """The points of 4.2.3 the study does not assess."""
        return frozenset(FeasibilityPoint) - {a.point for a in self.assessments}


@attrs.frozen
class Mentor:
    """A member of the mentor network (Annex B)."""

    name: str = text("B", "Name.", optional=False)
    kind: MentorKind = one_of(MentorKind, "B", "Internal expert, entrepreneur or external.")
    active: bool | None = tri("B", "Currently onboard and mentoring.")


@attrs.frozen
class Capabilities:
    """The Annex B capability model: industry-resource network, capital, mentors."""

    internal_resources_opened: tuple[str, ...] = many(
        str, "B", "Internal industry resources opened to incubatees."
    )
    external_resources_integrated: tuple[str, ...] = many(
        str, "B", "External industry resources integrated."
    )
    own_fund: Money | None = attrs.field(
        default=None,
        validator=[is_a(Money, optional=True), non_negative()],
        metadata=meta("B", "The platform's own investment fund."),
    )
    capital_partners: tuple[str, ...] = many(str, "B", "External capital it can bring in.")
    mentors: tuple[Mentor, ...] = many(Mentor, "B", "The mentor network.")


@attrs.frozen
class Platform:
    """A large-enterprise shared entrepreneurial platform (3.2, 3.3).

    Example:
        >>> from sep.examples import annex_c_platform
        >>> p = annex_c_platform()
        >>> p.name, len(p.modules), p.leading_founder.name
        ('H+', 4, 'H Group')
    """

    name: str = text("3.3", "Name of the platform.", optional=False)
    leading_founder: Enterprise = one_of(
        Enterprise, "4.2.1-b", "The qualifying large enterprise that leads the platform."
    )
    established: dt.date | None = date_field("3.3", "Date the platform was established.")
    co_founders: tuple[Enterprise, ...] = many(
        Enterprise, "4.2.1-b", "Third parties founding it with the leading founder."
    )
    co_creators: tuple[CoCreator, ...] = many(CoCreator, "4.2.1-c", "Resource co-creators.")
    service_targets: frozenset[ServiceTarget] = _set_of(
        ServiceTarget, "4.2.2", "Whom the platform serves."
    )
    feasibility: FeasibilityStudy | None = one_of(
        FeasibilityStudy, "4.2.3", "The feasibility study.", optional=True
    )
    organisational_adaptation: str | None = text(
        "4.2.4", "How the founder adapted its organisation (serial → parallel, Annex C)."
    )
    modules: tuple[BusinessModule, ...] = many(
        BusinessModule, "4.2.5", "The business modules.", unique_by=lambda m: m.kind
    )
    services: tuple[Service, ...] = many(Service, "4.2.6", "The service catalogue.")
    development_plan: DevelopmentPlan | None = one_of(
        DevelopmentPlan, "4.3.1", "The development plan.", optional=True
    )
    norms: tuple[ManagementNorm, ...] = many(
        ManagementNorm, "4.3.3", "Management norms, one per area.", unique_by=lambda n: n.area
    )
    performance: tuple[PerformanceRecord, ...] = many(
        PerformanceRecord, "4.3.4", "Staff and team performance records."
    )
    capabilities: Capabilities | None = one_of(
        Capabilities, "B", "The Annex B capabilities.", optional=True
    )
    incubatees: tuple[Incubatee, ...] = many(
        Incubatee, "4.2.2", "The portfolio of incubatees.", unique_by=lambda i: i.id
    )
    incubation_process: str | None = text(
        "4.3.2",
        "Reference to the documented incubation process the platform follows, from "
        "recruitment to post-graduation tracking (a process definition id or document).",
    )
    graduation_pack: str | None = text(
        "4.3.5", "The graduation criteria in use: a shipped rule pack id or a pack file."
    )
    graduation_procedure: str | None = text(
        "4.3.6", "Reference to the documented graduation procedure (review to archive)."
    )
    evaluation_body: EvaluationBody | None = one_of(
        EvaluationBody, "4.3.7-a", "The body that evaluates the platform.", optional=True
    )
    evaluation_scheme: str | None = text(
        "4.3.7-d", "The scoring scheme in use: a shipped scheme id or a scheme file."
    )

    def norm(self, area: NormArea) -> ManagementNorm | None:
        """The norm of ``area``, if the platform has one (4.3.3)."""
        return next((n for n in self.norms if n.area is area), None)

    def revise_norm(self, area: NormArea, revision: Revision) -> Platform:
        """Return the platform with ``revision`` appended to the norm of ``area`` (4.3.3)."""
        norm = self.norm(area)
        if norm is None:
            raise ValidationError(
                "norms", area.value, N_("no norm of this area to revise"), clause="4.3.3"
            )
        return attrs.evolve(
            self, norms=tuple(norm.revise(revision) if n is norm else n for n in self.norms)
        )
