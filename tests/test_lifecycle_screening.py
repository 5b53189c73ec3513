"""Project screening (4.3.3): rubric totals, normalisation across reviewers, decisions."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sep.errors import RuleDefinitionError, ValidationError
from sep.evaluation import Outcome
from sep.lifecycle import Rubric, RubricItem, Score, screen, screening_pack

pytestmark = pytest.mark.clause("4.3.3")

ON = dt.date(2026, 1, 1)
RUBRIC = Rubric(
    (
        RubricItem("team", "Team", weight=Decimal(2)),
        RubricItem("market", "Market"),
        RubricItem("fit", "Fit with the founder's chain", minimum=Decimal(1), maximum=Decimal(5)),
    )
)


def _score(applicant: str, reviewer: str, team: int, market: int, fit: int) -> Score:
    return Score(applicant, reviewer, {"team": team, "market": market, "fit": fit}, "because")


def test_rubric_total_weights_items_on_a_common_scale() -> None:
    """4.3.3: each item is scaled to its own range, weighted, and totalled on 0–100."""
    assert RUBRIC.total({"team": 10, "market": 10, "fit": 5}) == Decimal("100.00")
    assert RUBRIC.total({"team": 0, "market": 0, "fit": 1}) == Decimal("0.00")
    assert RUBRIC.total({"team": 10, "market": 0, "fit": 1}) == Decimal("50.00")


@pytest.mark.parametrize(
    ("marks", "field"),
    [
        ({"team": 11, "market": 1, "fit": 1}, "marks.team"),
        ({"team": 1, "market": 1}, "marks.fit"),
        ({"team": 1, "market": 1, "fit": 1, "luck": 3}, "marks.luck"),
        ({"team": 1.5, "market": 1, "fit": 1}, "marks.team"),
    ],
)
def test_bad_marks_name_the_item(marks: dict[str, object], field: str) -> None:
    """4.3.3: a mark off its scale, missing, unknown or a float names the item."""
    with pytest.raises(ValidationError) as info:
        RUBRIC.total(marks)
    assert info.value.field == field and info.value.clause == "4.3.3"


@pytest.mark.parametrize(
    "items",
    [
        (),
        (RubricItem("a", "A"), RubricItem("a", "A")),
        (RubricItem("a", "A", weight=Decimal(0)),),
        (RubricItem("a", "A", minimum=Decimal(5), maximum=Decimal(5)),),
    ],
)
def test_malformed_rubrics_are_refused(items: tuple[RubricItem, ...]) -> None:
    """4.3.3: the platform's rubric is a definition: problems raise RuleDefinitionError."""
    with pytest.raises(RuleDefinitionError):
        Rubric(items)


def test_harsh_and_lenient_reviewers_are_put_on_one_scale() -> None:
    """4.3.3: a reviewer marking 7–10 and one marking 2–5 who rank the applicants alike
    give the same normalised scores."""
    marks = {"a": (7, 8, 4), "b": (10, 10, 5), "c": (8, 7, 3)}
    scores = [_score(app, "lenient", *m) for app, m in marks.items()]
    scores += [_score(app, "harsh", m[0] - 5, m[1] - 5, m[2] - 2) for app, m in marks.items()]
    out = screen(RUBRIC, scores, params={"min_reviewers": 2}, on=ON)
    for screening in out.values():
        lenient, harsh = sorted(screening.scores, key=lambda s: s.score.reviewer, reverse=True)
        assert lenient.raw != harsh.raw
        assert lenient.normalised == harsh.normalised
    ranks = sorted(out, key=lambda a: out[a].mean or 0)
    assert ranks == ["c", "a", "b"]


def test_single_applicant_reviewer_is_left_as_marked() -> None:
    """4.3.3: one score tells nothing of a reviewer's habits: it is not normalised."""
    scores = [_score("a", "r1", 5, 5, 3), _score("a", "r2", 9, 9, 5), _score("b", "r2", 1, 1, 1)]
    out = screen(RUBRIC, scores, on=ON)
    r1 = next(s for s in out["a"].scores if s.score.reviewer == "r1")
    assert r1.normalised == r1.raw


@given(
    st.lists(
        st.tuples(
            st.sampled_from(["a", "b", "c", "d"]),
            st.sampled_from(["r1", "r2", "r3"]),
            st.integers(0, 10),
            st.integers(0, 10),
            st.integers(1, 5),
        ),
        min_size=1,
        max_size=12,
        unique_by=lambda t: (t[0], t[1]),
    ),
    st.integers(0, 100),
    st.integers(1, 4),
)
def test_screening_decision_follows_pass_mark_and_panel(
    rows: list[tuple[str, str, int, int, int]], pass_mark: int, min_reviewers: int
) -> None:
    """4.3.3: MET exactly when enough reviewers scored and the normalised mean reaches the
    pass mark; normalised scores stay on 0–100; every reason is kept."""
    scores = [
        Score(a, r, {"team": t, "market": m, "fit": f}, f"{r} says {t}") for a, r, t, m, f in rows
    ]
    params = {"pass_mark": pass_mark, "min_reviewers": min_reviewers}
    out = screen(RUBRIC, scores, params=params, on=ON)
    assert set(out) == {a for a, *_ in rows}
    for applicant, screening in out.items():
        assert all(Decimal(0) <= s.normalised <= Decimal(100) for s in screening.scores)
        assert screening.mean is not None
        enough = len(screening.scores) >= min_reviewers
        expected = Outcome.MET if enough and screening.mean >= pass_mark else Outcome.NOT_MET
        assert screening.decision.outcome is expected
        reasons = dict(screening.audit_data())
        for s in screening.scores:
            assert reasons[f"score.{s.score.reviewer}"].endswith(s.score.reason)
        assert screening.decision.inputs["reviewer_count"] is not None
        assert all(s.score.applicant == applicant for s in screening.scores)


def test_applicant_without_scores_is_unknown_not_failed() -> None:
    """4.3.3: missing scores make the score criterion UNKNOWN, never NOT_MET."""
    out = screen(RUBRIC, [], applicants=["lonely"], on=ON)
    decision = out["lonely"].decision
    assert decision.outcome_of("4.3.3.score") is Outcome.UNKNOWN
    assert out["lonely"].mean is None


def test_a_reviewer_scoring_twice_is_refused() -> None:
    """4.3.3: one score per reviewer and applicant; a second names the reviewer."""
    with pytest.raises(ValidationError) as info:
        screen(RUBRIC, [_score("a", "r1", 1, 1, 1), _score("a", "r1", 2, 2, 2)], on=ON)
    assert info.value.field == "scores[1].reviewer"


def test_a_score_needs_a_reason() -> None:
    """4.3.3: managers ask for each score's reason kept: an empty reason is refused."""
    with pytest.raises(ValidationError) as info:
        Score("a", "r1", {"team": 1}, " ")
    assert info.value.field == "reason"


def test_screening_pack_parameters_are_the_platforms() -> None:
    """4.3.3: pass mark and minimum number of reviewers are parameters the decision records."""
    pack = screening_pack()
    assert set(pack.parameters) == {"pass_mark", "min_reviewers"}
    out = screen(RUBRIC, [_score("a", "r1", 9, 9, 5)], params={"min_reviewers": 1}, on=ON)
    used = {p.name: p.value for p in out["a"].decision.parameters}
    assert used["min_reviewers"] == 1 and used["pass_mark"] == 60
