"""The values a reader sees, as catalogue entries: every member of the standard's closed
lists (sizes 3.1, outcomes, co-creator kinds 4.2.1-c, targets 4.2.2, feasibility points
4.2.3, modules 4.2.5, tiers 4.2.6, plan aspects 4.3.1, norm areas 4.3.3, dimensions 4.3.4,
lifecycle states 4.3.2–4.3.6, evaluating bodies and scoring modules 4.3.7).

The msgid of a value is its stable JSON string, so English texts and JSON agree; the
Chinese is its translation (``large`` → ``大型``). :func:`sep._i18n.label` says a value;
``tests/test_i18n.py`` checks that every member of every public enum is listed here.
The texts of the shipped Annex C example (its resources and services) are listed too, so
its audit reads in Chinese throughout.
"""

from __future__ import annotations

from sep._i18n import N_

__all__ = ["VALUES"]

#: Every value with a catalogue entry, grouped by what it is.
VALUES: dict[str, tuple[str, ...]] = {
    "outcome": (N_("met"), N_("not_met"), N_("unknown")),
    "status": (N_("satisfied"), N_("not_satisfied")),
    "size": (N_("large"), N_("medium"), N_("small"), N_("micro")),
    "indicator": (N_("employees"), N_("revenue"), N_("assets")),
    "co_creator": (
        N_("key_resource_enterprise"),
        N_("university_or_institute"),
        N_("government_body"),
    ),
    "origin": (N_("internal"), N_("external"), N_("industry_chain")),
    "module": (
        N_("external_resource_docking"),
        N_("internal_resource_integration"),
        N_("investment_financing"),
        N_("general_management"),
    ),
    "tier": (N_("basic"), N_("value_added"), N_("investment")),
    "provider": (N_("founder"),),
    "aspect": (
        N_("industry_direction"),
        N_("industry_structure"),
        N_("industry_technology"),
        N_("incubatee_number"),
        N_("incubatee_scale"),
        N_("platform_growth"),
    ),
    "alignment": (N_("local_government"), N_("national")),
    "norm": (
        N_("project_admission"),
        N_("project_screening"),
        N_("in_incubation_management"),
        N_("incubation_service_management"),
        N_("technology_transfer"),
        N_("service_agency_management"),
        N_("incubation_fund_use"),
        N_("statistics"),
        N_("confidentiality"),
        N_("archives"),
    ),
    "dimension": (
        N_("incubation_outcomes"),
        N_("industry_chain_service"),
        N_("founder_contribution"),
        N_("platform_development"),
    ),
    "feasibility": (
        N_("founder_suitability"),
        N_("plan_fit"),
        N_("resource_fit"),
        N_("organisational_adaptation"),
        N_("team_suitability"),
        N_("founding_risk"),
        N_("sustainable_competitiveness"),
    ),
    "mentor": (N_("internal_expert"), N_("entrepreneur"), N_("external_mentor")),
    "stage": (N_("seed"), N_("angel"), N_("series_a_plus")),
    "growth": (N_("gazelle"), N_("unicorn")),
    "event": (
        N_("acquired_by_founder"),
        N_("listed"),
        N_("large_financing"),
        N_("platform_equity_exit"),
        N_("acquired_by_other"),
        N_("high_tech_certified"),
    ),
    "body": (N_("internal_committee"), N_("third_party_experts"), N_("joint_committee")),
    "scoring": (
        N_("service_system"),
        N_("incubation_performance"),
        N_("sustainability"),
    ),
    "state": (
        N_("applied"),
        N_("screening"),
        N_("admitted"),
        N_("incubating"),
        N_("accelerating"),
        N_("committee_review"),
        N_("certified"),
        N_("formalities_completed"),
        N_("attested"),
        N_("graduated"),
        N_("tracking"),
        N_("rejected"),
        N_("non_completed"),
        N_("withdrawn"),
        N_("terminated"),
    ),
    # The default name of a scenario comparison's baseline (sep.portfolio.Scenario).
    "scenario": (N_("baseline"),),
    # Annex C's example platform (sep.examples): its resources and its error-free wording.
    "example": (
        N_("industrial internet"),
        N_("research"),
        N_("T/CATE 0001—2020, Annex C.4 (figures as of March 2020)"),
        N_("not a shipped pack nor a file"),
    ),
}
