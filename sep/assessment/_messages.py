"""The texts of the conformance audit (4.1–4.3.7), in the English of the catalogue.

Clause titles and the evidence, problem and missing-data notes are keyed templates, so a
report is data first (keys and arguments, in JSON) and text in either language second: the
Chinese of each template is its translation in :mod:`sep._i18n`'s catalogue.
"""

from __future__ import annotations

from collections.abc import Mapping

from sep._i18n import N_

__all__ = ["LABELS", "MESSAGES", "TITLES"]

#: Short title of every audited clause (English).
TITLES: Mapping[str, str] = {
    "4.1-a": N_("Founder is a qualifying large enterprise and adapted its organisation"),
    "4.1-b": N_("Development plan, processes, norms and evaluation system set up"),
    "4.2.1": N_("Founder eligibility (3.1, 4.2.1(1)–(4))"),
    "4.2.1(1)": N_("Founder in transformation or with a need for it"),
    "4.2.1(2)": N_("Open-innovation architecture or autonomy to reform"),
    "4.2.1(3)": N_("Industrial scale and resources to open"),
    "4.2.1(4)": N_("Ample free cash flow for early funding"),
    "4.2.1-b": N_("Platform led by the qualifying enterprise"),
    "4.2.1-c": N_("Resource co-creators of the allowed kinds, with return shares"),
    "4.2.2": N_("Serves internal and external entrepreneurs"),
    "4.2.3": N_("Feasibility study covering the seven points"),
    "4.2.4": N_("Founder's organisational adaptation"),
    "4.2.5": N_("Four business modules staffed from inside and outside"),
    "4.2.6": N_("Three service tiers offered and kept up to date"),
    "4.3.1": N_("Development plan covering the six aspects"),
    "4.3.2": N_("Documented incubation process and its norms"),
    "4.3.3": N_("Ten management norms published with revision history"),
    "4.3.4": N_("Performance records on the four dimensions"),
    "4.3.5": N_("Graduation criteria configured"),
    "4.3.6": N_("Graduation procedure documented and followed"),
    "4.3.7-a": N_("Evaluating body of an allowed composition"),
    "4.3.7-b": N_("Evaluated every year or planning cycle; every module and the total pass"),
    "4.3.7-c": N_("Improvement plans by external experts for failing modules"),
    "4.3.7-d": N_("Scoring scheme covering the four modules"),
}

#: Labels of the report's own words (English).
LABELS: Mapping[str, str] = {
    "title": N_("Conformance audit"),
    "platform": N_("Platform"),
    "as_of": N_("As of"),
    "standard": N_("Standard"),
    "parameters": N_("Audit parameters"),
    "summary": N_("Summary"),
    "clause": N_("Clause"),
    "requirement": N_("Requirement"),
    "status": N_("Status"),
    "evidence": N_("Evidence"),
    "problems": N_("Problems"),
    "missing": N_("Missing"),
    "satisfied": N_("SATISFIED"),
    "not_satisfied": N_("NOT SATISFIED"),
    "unknown": N_("UNKNOWN"),
}

#: Evidence, problem and missing-data notes: key → English templates.
MESSAGES: Mapping[str, str] = {
    # generic
    "missing_field": N_("{field} not recorded"),
    "history_missing": N_("no evaluation history given"),
    "decision": N_("rules {pack}: {outcome} (decision {digest})"),
    "criterion_not_met": N_("{criterion} not met"),
    "missing_input": N_("input {input} unknown"),
    "sub_status": N_("{clause}: {status}"),
    # 4.2.1-b
    "leader": N_("led by {name}"),
    "co_founders": N_("co-founded with {names}"),
    "leader_not_eligible": N_("the leading founder {name} does not meet 4.2.1"),
    # 4.2.1-c
    "co_creator": N_("{name} ({kind}) provides {provides}; return share {share}"),
    "co_creator_no_share": N_("{name} has no return share recorded"),
    "co_creator_no_resources": N_("{name}: resources provided not recorded"),
    "co_creator_zero_share": N_("{name} provides resources but has a zero return share"),
    "shares_exceed": N_("return shares add up to {total} (> 1)"),
    # 4.2.2
    "targets": N_("serves {targets}"),
    "target_missing": N_("does not serve {target} entrepreneurs"),
    # 4.2.3
    "feasibility": N_(
        "study on a {years}-year strategic plan, completed {completed}; {n} of 7 points assessed"
    ),
    "point_missing": N_("point not assessed: {point}"),
    "point_unfavourable": N_("finding unfavourable: {point}"),
    # 4.2.4
    "adaptation": N_("recorded: {text}"),
    # 4.2.5
    "module_staffed": N_("{module}: {internal} internal, {external} external"),
    "module_missing": N_("module missing: {module}"),
    "module_not_mixed": N_("{module} is staffed only from {origin}"),
    "module_no_staff": N_("{module}: staff not recorded"),
    # 4.2.6
    "tier_offered": N_("{tier}: {n} services"),
    "tier_missing": N_("tier not offered: {tier}"),
    "service_stale": N_("{name} last updated {date}, {days} days before {on} (limit {limit})"),
    "service_undated": N_("{name}: last update not recorded"),
    # 4.3.1
    "plan": N_("plan {start}–{end}: {n} of 6 aspects, aligned with {aligned}"),
    "aspect_missing": N_("aspect not covered: {aspect}"),
    "alignment_missing": N_("not aligned with the {plan} plan"),
    "alignment_unrecorded": N_("alignment with other plans"),
    "plan_ended": N_("the plan ended in {year}"),
    # 4.3.2, 4.3.3
    "process": N_("incubation process: {ref}"),
    "norm_published": N_("{area}: {title}, version {version} of {date} ({n} revisions)"),
    "norm_missing": N_("no norm for {area}"),
    "norm_unpublished": N_("{area} has no published revision"),
    "norm_external_standards": N_(
        "conformity of technology transfer to GB/T 34670 and of service agencies to "
        "GB/T 19012 is not shown by the data"
    ),
    # 4.3.4
    "performance_cycle": N_("cycle {period}: {subjects} subjects; {dims}"),
    "dimension_missing": N_("no record on {dimension}"),
    "dimension_unscored": N_("{dimension} recorded but not scored"),
    # 4.3.5, 4.3.6
    "pack": N_("rule pack {id} {version} ({document})"),
    "pack_invalid": N_("graduation pack {ref}: {reason}"),
    "pack_lacks": N_("the pack does not decide {criterion}"),
    "procedure": N_("graduation procedure: {ref}"),
    "graduates": N_("{n} graduates checked"),
    "graduate_no_archive": N_("{id} graduated without a graduate archive (step 5)"),
    "graduate_holds_resources": N_("{id} graduated still holding {resources} (step 3)"),
    # 4.3.7
    "body": N_("{kind}: {internal} internal and {external} external members"),
    "scheme": N_("scheme {id} version {version}"),
    "scheme_example": N_(
        "the shipped example scheme is in use (its weights are not the standard's)"
    ),
    "scheme_invalid": N_("scheme {ref}: {reason}"),
    "cycle": N_("cycle {period}: {outcome}, total {total}"),
    "cycle_gap": N_("no evaluation between {after} and {before}"),
    "cycle_overdue": N_("the cycle after {period} was due by {due}"),
    "module_failed": N_("{module} failed in {period}"),
    "plan_outstanding": N_("no improvement plan for {module} failing in {period}"),
    "plan_given": N_("improvement plan for {module} ({period}) by {authors}"),
    "recovered": N_("{module} recovered in {period}"),
    "nothing_failed": N_("no module has failed"),
}
