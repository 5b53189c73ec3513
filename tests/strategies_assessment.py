"""Hypothesis strategies for the evaluation domain classes (4.3.7-a/b/c/d).

To be merged into ``tests/strategies.py`` (``DOMAIN_STRATEGIES``) together with the
``platform_with_evaluation_s`` fields, once the assessment branch lands.
"""

from __future__ import annotations

from typing import Any

import attrs
from hypothesis import strategies as st

from sep.domain import Money, Period, StaffMember, StaffOrigin
from sep.domain._assessment import CycleInputs, ImprovementPlan, ScoringModule
from sep.domain._platform import EvaluationBody, EvaluationBodyKind
from tests.strategies import amounts_s, cny_s, dates_s, opt, platform_s, text_s

ratings_s = st.decimals(min_value=0, max_value=100, places=2)
internal_s = st.builds(StaffMember, text_s, st.just(StaffOrigin.INTERNAL), opt(text_s))
external_s = st.builds(StaffMember, text_s, st.just(StaffOrigin.EXTERNAL), opt(text_s))


@st.composite
def evaluation_body_s(draw: st.DrawFn) -> EvaluationBody:
    """A valid evaluating body of any of the three kinds (4.3.7-a)."""
    kind = draw(st.sampled_from(EvaluationBodyKind))
    inside = st.lists(internal_s, min_size=1, max_size=3)
    outside = st.lists(external_s, min_size=1, max_size=3)
    if kind is EvaluationBodyKind.INTERNAL_COMMITTEE:
        members = draw(inside)
    elif kind is EvaluationBodyKind.THIRD_PARTY_EXPERTS:
        members = draw(outside)
    else:
        members = draw(st.permutations(draw(inside) + draw(outside)))
    return EvaluationBody(kind, tuple(members), draw(opt(text_s)))


years_s = st.builds(Period, st.integers(2000, 2030))

cycle_inputs_s = st.builds(
    CycleInputs,
    years_s,
    st.integers(1, 5),
    opt(ratings_s),
    opt(cny_s),
    opt(ratings_s),
    opt(ratings_s),
    opt(cny_s),
    opt(st.builds(Money, amounts_s)),
    opt(cny_s),
    opt(dates_s),
)

improvement_plan_s = st.builds(
    ImprovementPlan,
    st.sampled_from(ScoringModule),
    years_s,
    st.lists(external_s, min_size=1, max_size=3).map(tuple),
    text_s,
    opt(dates_s),
)

platform_with_evaluation_s = st.builds(
    lambda p, body, process, pack, procedure, scheme: attrs.evolve(
        p,
        evaluation_body=body,
        incubation_process=process,
        graduation_pack=pack,
        graduation_procedure=procedure,
        evaluation_scheme=scheme,
    ),
    platform_s,
    opt(evaluation_body_s()),
    opt(text_s),
    opt(st.sampled_from(["t-cate-0001-2020/graduation", "gkfq-2018-300/graduation", "nope"])),
    opt(text_s),
    opt(st.sampled_from(["sep-example-2020", "nope"])),
)

ASSESSMENT_STRATEGIES: dict[type, st.SearchStrategy[Any]] = {
    EvaluationBody: evaluation_body_s(),
    CycleInputs: cycle_inputs_s,
    ImprovementPlan: improvement_plan_s,
}
