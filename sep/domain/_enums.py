"""The closed lists the standard fixes, as enums.

Each enum's docstring cites the clause that enumerates its members; the members' values
are the stable strings used in JSON.
"""

from __future__ import annotations

import enum

__all__ = [
    "Alignment",
    "CoCreatorKind",
    "EventKind",
    "FeasibilityPoint",
    "FinancingStage",
    "GrowthClass",
    "MentorKind",
    "ModuleKind",
    "NormArea",
    "Origin",
    "PerformanceDimension",
    "PlanAspect",
    "ServiceProvider",
    "ServiceTarget",
    "ServiceTier",
    "StaffOrigin",
]


class CoCreatorKind(enum.StrEnum):
    """Kinds of resource co-creator (4.2.1-c)."""

    KEY_RESOURCE_ENTERPRISE = "key_resource_enterprise"
    """An enterprise holding key advantage resources in a special field."""
    UNIVERSITY_OR_INSTITUTE = "university_or_institute"
    """A well-known university or research institute."""
    GOVERNMENT_BODY = "government_body"
    """A government body whose industrial planning fits the platform's."""


class ServiceTarget(enum.StrEnum):
    """Whom the platform serves (4.2.2)."""

    INTERNAL = "internal"
    """Internal entrepreneurs and enterprises of the founder."""
    EXTERNAL = "external"
    """External entrepreneurs and enterprises."""
    INDUSTRY_CHAIN = "industry_chain"
    """Other actors of the industry chain."""


class Origin(enum.StrEnum):
    """Where an incubatee comes from: the three service targets of 4.2.2."""

    INTERNAL = "internal"
    EXTERNAL = "external"
    INDUSTRY_CHAIN = "industry_chain"


class ModuleKind(enum.StrEnum):
    """The four business modules of the management structure (4.2.5)."""

    EXTERNAL_RESOURCE_DOCKING = "external_resource_docking"
    INTERNAL_RESOURCE_INTEGRATION = "internal_resource_integration"
    INVESTMENT_FINANCING = "investment_financing"
    GENERAL_MANAGEMENT = "general_management"


class StaffOrigin(enum.StrEnum):
    """Whether a person comes from inside the founder or from outside (4.2.5, 4.3.7-a)."""

    INTERNAL = "internal"
    EXTERNAL = "external"


class ServiceTier(enum.StrEnum):
    """The three tiers of the service system (4.2.6, Table 1)."""

    BASIC = "basic"
    """Space, business, legal, finance."""
    VALUE_ADDED = "value_added"
    """R&D, brand, supply chain and other industry resources."""
    INVESTMENT = "investment"
    """Seed and venture investment for every growth stage."""


class ServiceProvider(enum.StrEnum):
    """Who provides a service (4.2.6): the founder directly, or linked from outside."""

    FOUNDER = "founder"
    EXTERNAL = "external"


class PlanAspect(enum.StrEnum):
    """The six aspects a development plan covers (4.3.1)."""

    INDUSTRY_DIRECTION = "industry_direction"
    INDUSTRY_STRUCTURE = "industry_structure"
    INDUSTRY_TECHNOLOGY = "industry_technology"
    INCUBATEE_NUMBER = "incubatee_number"
    INCUBATEE_SCALE = "incubatee_scale"
    PLATFORM_GROWTH = "platform_growth"


class Alignment(enum.StrEnum):
    """The plans a development plan aligns with (4.3.1)."""

    FOUNDER = "founder"
    LOCAL_GOVERNMENT = "local_government"
    NATIONAL = "national"


class NormArea(enum.StrEnum):
    """The ten areas of management norms (4.3.3)."""

    PROJECT_ADMISSION = "project_admission"
    PROJECT_SCREENING = "project_screening"
    IN_INCUBATION_MANAGEMENT = "in_incubation_management"
    INCUBATION_SERVICE_MANAGEMENT = "incubation_service_management"
    TECHNOLOGY_TRANSFER = "technology_transfer"
    """Must also satisfy GB/T 34670."""
    SERVICE_AGENCY_MANAGEMENT = "service_agency_management"
    """Must also satisfy GB/T 19012 (complaints handling)."""
    INCUBATION_FUND_USE = "incubation_fund_use"
    STATISTICS = "statistics"
    CONFIDENTIALITY = "confidentiality"
    ARCHIVES = "archives"


class PerformanceDimension(enum.StrEnum):
    """The four dimensions of staff performance management (4.3.4)."""

    INCUBATION_OUTCOMES = "incubation_outcomes"
    INDUSTRY_CHAIN_SERVICE = "industry_chain_service"
    FOUNDER_CONTRIBUTION = "founder_contribution"
    PLATFORM_DEVELOPMENT = "platform_development"


class FeasibilityPoint(enum.StrEnum):
    """The seven assessment points of the feasibility study (4.2.3)."""

    FOUNDER_SUITABILITY = "founder_suitability"
    PLAN_FIT = "plan_fit"
    RESOURCE_FIT = "resource_fit"
    ORGANISATIONAL_ADAPTATION = "organisational_adaptation"
    TEAM_SUITABILITY = "team_suitability"
    FOUNDING_RISK = "founding_risk"
    SUSTAINABLE_COMPETITIVENESS = "sustainable_competitiveness"


class MentorKind(enum.StrEnum):
    """Members of the mentor network (Annex B)."""

    INTERNAL_EXPERT = "internal_expert"
    ENTREPRENEUR = "entrepreneur"
    EXTERNAL_MENTOR = "external_mentor"


class FinancingStage(enum.StrEnum):
    """The financing stage an incubatee has reached (Annex C: seed 215, angel 45, A+ 83).

    Kept apart from :class:`GrowthClass` because Annex C counts the two independently:
    its 5 unicorns and 23 gazelles are also counted among the financing stages.
    """

    SEED = "seed"
    ANGEL = "angel"
    SERIES_A_PLUS = "series_a_plus"


class GrowthClass(enum.StrEnum):
    """The growth path's later classes (Annex C: seed → gazelle 瞪羚 → unicorn 独角兽)."""

    GAZELLE = "gazelle"
    UNICORN = "unicorn"


class EventKind(enum.StrEnum):
    """Events in an incubatee's life that bear on graduation (4.3.5)."""

    ACQUIRED_BY_FOUNDER = "acquired_by_founder"
    """4.3.5(a): acquired internally, becoming a business unit or subsidiary."""
    LISTED = "listed"
    """4.3.5(b): independent listing."""
    LARGE_FINANCING = "large_financing"
    """4.3.5(b): independent large-scale financing (amounts are in financing rounds)."""
    PLATFORM_EQUITY_EXIT = "platform_equity_exit"
    """4.3.5(d): the platform's investment has exited."""
    ACQUIRED_BY_OTHER = "acquired_by_other"
    """Merged into or acquired by another company (国科发区〔2018〕300号)."""
    HIGH_TECH_CERTIFIED = "high_tech_certified"
    """Certified a national high-tech enterprise (国科发区〔2018〕300号)."""
