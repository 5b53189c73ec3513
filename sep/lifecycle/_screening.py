"""Project screening: rubric scores, normalised across reviewers, decided as rules (4.3.3).

Clause 4.3.3 asks for a project screening norm. Incubator software scores applicants on a
rubric by a panel of reviewers, and incubator managers ask for two things it often lacks:
scores normalised across reviewers (one reviewer marks 7–10, another 2–5) and each score
kept with its reviewer's reason. Here:

* the platform sets the :class:`Rubric` (items, weights, scales), the pass mark and the
  minimum number of reviewers (rule parameters ``pass_mark`` and ``min_reviewers``);
* each reviewer's total is put on a 0–100 scale, then standardised against that reviewer's
  own totals in the cohort and mapped to the cohort's mean and spread (z-score
  normalisation); a reviewer with fewer than two scored applicants is left as marked;
* the outcome is a :class:`sep.evaluation.Decision` of the rule pack
  ``t-cate-0001-2020/screening``, with its digest, edition and parameters like any other.

A panel with fewer reviewers than ``min_reviewers`` is NOT_MET on ``4.3.3.reviewers``:
the panel is incomplete. The lifecycle does not reject an applicant on that alone.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from decimal import Decimal, InvalidOperation
from functools import cache
from typing import Any

import attrs

from sep._i18n import N_
from sep._reason import R_
from sep.errors import RuleDefinitionError, ValidationError
from sep.evaluation import Decision, RulePack, check, pack_from_mapping

__all__ = [
    "SCREENING",
    "NormalisedScore",
    "Rubric",
    "RubricItem",
    "Score",
    "Screening",
    "screen",
    "screening_pack",
]

#: Pack id of the project screening rules (4.3.3).
SCREENING = "t-cate-0001-2020/screening"

_HUNDRED = Decimal(100)
_CENT = Decimal("0.01")


def _dec(value: Any, field: str) -> Decimal:
    if isinstance(value, bool | float):
        raise ValidationError(
            field, value, N_("give a Decimal, an int or a string"), clause="4.3.3"
        )
    try:
        result = Decimal(value) if not isinstance(value, Decimal) else value
    except (InvalidOperation, TypeError, ValueError):
        raise ValidationError(field, value, N_("is not a number"), clause="4.3.3") from None
    if not result.is_finite():
        raise ValidationError(field, value, N_("must be finite"), clause="4.3.3")
    return result


@attrs.frozen
class RubricItem:
    """One item of the screening rubric (4.3.3): what is marked, its weight and its scale.

    Attributes:
        id: Item id (``"team"``).
        en: What the item assesses.
        weight: Relative weight (> 0).
        minimum: Lowest mark.
        maximum: Highest mark (> minimum).
    """

    id: str
    en: str
    weight: Decimal = attrs.field(default=Decimal(1), converter=Decimal)
    minimum: Decimal = attrs.field(default=Decimal(0), converter=Decimal)
    maximum: Decimal = attrs.field(default=Decimal(10), converter=Decimal)


@attrs.frozen
class Rubric:
    """The platform's screening rubric (4.3.3): items with weights and scales.

    Raises:
        RuleDefinitionError: for no items, a duplicate id, a weight not above zero or an
            empty scale.

    Example:
        >>> r = Rubric((RubricItem("team", "Team"), RubricItem("market", "Market", weight=2)))
        >>> r.total({"team": 10, "market": 5})
        Decimal('66.67')
    """

    items: tuple[RubricItem, ...]
    source: str = "<rubric>"

    def __attrs_post_init__(self) -> None:
        if not self.items:
            raise RuleDefinitionError(self.source, "items", N_("at least one item"), clause="4.3.3")
        seen: set[str] = set()
        for i, item in enumerate(self.items):
            key = f"items[{i}]"
            if not isinstance(item, RubricItem):
                raise RuleDefinitionError(
                    self.source, key, N_("must be a RubricItem"), clause="4.3.3"
                )
            if not item.id or item.id in seen:
                raise RuleDefinitionError(
                    self.source,
                    f"{key}.id",
                    R_("empty or duplicate id {item!r}", item=item.id),
                    clause="4.3.3",
                )
            seen.add(item.id)
            if not item.weight > 0:
                raise RuleDefinitionError(
                    self.source, f"{key}.weight", N_("must be above zero"), clause="4.3.3"
                )
            if not item.maximum > item.minimum:
                raise RuleDefinitionError(
                    self.source, f"{key}.maximum", N_("must be above the minimum"), clause="4.3.3"
                )

    def total(self, marks: Mapping[str, Any], *, field: str = "marks") -> Decimal:
        """The weighted total of ``marks`` on a 0–100 scale, to two places.

        Raises:
            ValidationError: for a missing or unknown item, or a mark off its scale.
        """
        known = {item.id for item in self.items}
        for name in marks:
            if name not in known:
                raise ValidationError(
                    f"{field}.{name}",
                    marks[name],
                    R_("unknown rubric item; one of {known}", known=sorted(known)),
                    clause="4.3.3",
                )
        weighted = Decimal(0)
        weights = Decimal(0)
        for item in self.items:
            if item.id not in marks:
                raise ValidationError(f"{field}.{item.id}", None, N_("is required"), clause="4.3.3")
            mark = _dec(marks[item.id], f"{field}.{item.id}")
            if not item.minimum <= mark <= item.maximum:
                raise ValidationError(
                    f"{field}.{item.id}",
                    mark,
                    R_(
                        "must be within {minimum}–{maximum}",
                        minimum=item.minimum,
                        maximum=item.maximum,
                    ),
                    clause="4.3.3",
                )
            weighted += item.weight * (mark - item.minimum) / (item.maximum - item.minimum)
            weights += item.weight
        return (weighted / weights * _HUNDRED).quantize(_CENT)


def _marks(value: Any) -> tuple[tuple[str, Decimal], ...]:
    items = value.items() if isinstance(value, Mapping) else value
    return tuple(sorted((str(k), _dec(v, f"marks.{k}")) for k, v in items))


@attrs.frozen
class Score:
    """One reviewer's marks for one applicant, with the reviewer's reason (4.3.3).

    Attributes:
        applicant: The applicant's id.
        reviewer: The reviewer's id.
        marks: Mark per rubric item id (a mapping is accepted).
        reason: Why the reviewer marked so (required: managers ask for reasons kept).
    """

    applicant: str
    reviewer: str
    marks: tuple[tuple[str, Decimal], ...] = attrs.field(converter=_marks)
    reason: str

    def __attrs_post_init__(self) -> None:
        for name in ("applicant", "reviewer", "reason"):
            value = getattr(self, name)
            if not isinstance(value, str) or not value.strip():
                raise ValidationError(name, value, N_("must be a non-empty string"), clause="4.3.3")


@attrs.frozen
class NormalisedScore:
    """A score as marked and as normalised across reviewers (0–100 scale).

    Attributes:
        score: The reviewer's score, with reason.
        raw: The rubric total as marked.
        normalised: The total after normalisation across reviewers.
    """

    score: Score
    raw: Decimal
    normalised: Decimal


@attrs.frozen(eq=False)
class Screening:
    """The screening of one applicant: its normalised scores and the rules decision.

    Attributes:
        applicant: The applicant's id.
        scores: Its scores, sorted by reviewer.
        decision: The :class:`~sep.evaluation.Decision` of the screening pack.
    """

    applicant: str
    scores: tuple[NormalisedScore, ...]
    decision: Decision

    @property
    def mean(self) -> Decimal | None:
        """Mean normalised score, or ``None`` without scores."""
        if not self.scores:
            return None
        total = sum((s.normalised for s in self.scores), Decimal(0))
        return (total / len(self.scores)).quantize(_CENT)

    def audit_data(self) -> tuple[tuple[str, str], ...]:
        """``(key, value)`` pairs for the audit trail: each reviewer's scores and reason."""
        return tuple(
            (f"score.{s.score.reviewer}", f"{s.raw} → {s.normalised}: {s.score.reason}")
            for s in self.scores
        )


_PACK: dict[str, Any] = {
    "pack": {
        "id": SCREENING,
        "version": "2020.1",
        "question": "screening",
        "document": "T/CATE 0001—2020",
        "edition": "T/CATE 0001—2020",
        "clause": "4.3.3",
        "combine": "all",
        "en": "Screening of an applicant project",
        "zh": "项目筛选",
    },
    "inputs": {
        "normalised_score": {
            "type": "number",
            "clause": "4.3.3",
            "en": "mean rubric score normalised across reviewers (0–100)",
            "zh": "经评审人标准化的平均评分（0–100）",
            "minimum": 0,
            "maximum": 100,
        },
        "reviewer_count": {
            "type": "number",
            "clause": "4.3.3",
            "en": "number of reviewers who scored the project",
            "zh": "评审人数",
            "minimum": 0,
        },
    },
    "parameters": {
        "pass_mark": {
            "type": "number",
            "en": "pass mark",
            "zh": "通过分数线",
            "doc": "4.3.3 leaves the screening norm to the platform: it sets the pass mark.",
            "values": [
                {
                    "since": dt.date(2020, 9, 5),
                    "value": "60",
                    "source": N_(
                        "sep default (example figure; T/CATE 0001—2020 4.3.3 leaves it "
                        "to the platform)"
                    ),
                }
            ],
        },
        "min_reviewers": {
            "type": "integer",
            "en": "minimum number of reviewers",
            "zh": "最少评审人数",
            "doc": "Judging panels of incubator programmes have at least three reviewers.",
            "values": [
                {
                    "since": dt.date(2020, 9, 5),
                    "value": 3,
                    "source": N_(
                        "sep default (panels of three or more; T/CATE 0001—2020 4.3.3 "
                        "leaves it to the platform)"
                    ),
                }
            ],
        },
    },
    "criteria": [
        {
            "id": "4.3.3.reviewers",
            "clause": "4.3.3",
            "en": "enough reviewers scored the project",
            "zh": "评审人数达到要求",
            "condition": {"input": "reviewer_count", "op": ">=", "param": "min_reviewers"},
        },
        {
            "id": "4.3.3.score",
            "clause": "4.3.3",
            "en": "normalised score reaches the pass mark",
            "zh": "标准化评分达到通过分数线",
            "condition": {"input": "normalised_score", "op": ">=", "param": "pass_mark"},
        },
    ],
}


@cache
def screening_pack() -> RulePack:
    """The screening rule pack (4.3.3), built through the rules layer's checked loader.

    Example:
        >>> screening_pack().id, [c.id for c in screening_pack().criteria]
        ('t-cate-0001-2020/screening', ['4.3.3.reviewers', '4.3.3.score'])
    """
    return pack_from_mapping(_PACK, source="<builtin screening pack>")


def _mean(values: list[Decimal]) -> Decimal:
    return sum(values, Decimal(0)) / len(values)


def _sd(values: list[Decimal], mean: Decimal) -> Decimal:
    return (sum(((v - mean) ** 2 for v in values), Decimal(0)) / len(values)).sqrt()


def _normalise(totals: list[tuple[Score, Decimal]]) -> dict[int, Decimal]:
    """Normalised total per index of ``totals`` (z-score per reviewer, mapped to the pool)."""
    pool = [t for _, t in totals]
    pool_mean = _mean(pool)
    pool_sd = _sd(pool, pool_mean)
    by_reviewer: dict[str, list[int]] = {}
    for i, (score, _) in enumerate(totals):
        by_reviewer.setdefault(score.reviewer, []).append(i)
    out: dict[int, Decimal] = {}
    for indexes in by_reviewer.values():
        mine = [totals[i][1] for i in indexes]
        if len(mine) < 2:
            # One applicant tells nothing about a reviewer's habits: keep the mark.
            for i in indexes:
                out[i] = totals[i][1]
            continue
        mean = _mean(mine)
        sd = _sd(mine, mean)
        for i in indexes:
            z = (totals[i][1] - mean) / sd if sd else Decimal(0)
            value = pool_mean + z * pool_sd
            out[i] = min(max(value, Decimal(0)), _HUNDRED).quantize(_CENT)
    return out


def screen(
    rubric: Rubric,
    scores: Iterable[Score],
    *,
    applicants: Iterable[str] = (),
    params: Mapping[str, Any] | None = None,
    on: dt.date | None = None,
) -> dict[str, Screening]:
    """Screen a cohort of applicants (4.3.3): normalise the scores and decide each.

    Args:
        rubric: The platform's rubric.
        scores: Every reviewer's scores for the cohort (normalisation needs the cohort).
        applicants: Applicants to decide even without a score (their score is UNKNOWN).
        params: Overrides of ``pass_mark`` and ``min_reviewers``.
        on: The date whose parameter values apply (default: today).

    Returns:
        A :class:`Screening` per applicant id, sorted by id.

    Raises:
        ValidationError: for a bad mark, or a reviewer scoring one applicant twice.

    Example:
        >>> r = Rubric((RubricItem("team", "Team"),))
        >>> s = [Score(a, "harsh", {"team": m}, "pitch") for a, m in (("x", 2), ("y", 5))]
        >>> s += [Score(a, "kind", {"team": m}, "pitch") for a, m in (("x", 7), ("y", 10))]
        >>> out = screen(r, s, params={"min_reviewers": 2, "pass_mark": 55})
        >>> [s.raw for s in out["y"].scores], [s.normalised for s in out["y"].scores]
        ([Decimal('50.00'), Decimal('100.00')], [Decimal('89.15'), Decimal('89.15')])
        >>> out["x"].mean
        Decimal('30.85')
        >>> out["y"].decision.outcome.value, out["x"].decision.outcome.value
        ('met', 'not_met')
    """
    items = list(scores)
    totals: list[tuple[Score, Decimal]] = []
    pairs: set[tuple[str, str]] = set()
    for i, score in enumerate(items):
        if not isinstance(score, Score):
            raise ValidationError(f"scores[{i}]", score, N_("must be a Score"), clause="4.3.3")
        pair = (score.applicant, score.reviewer)
        if pair in pairs:
            raise ValidationError(
                f"scores[{i}].reviewer",
                score.reviewer,
                R_("scored {applicant!r} twice", applicant=score.applicant),
                clause="4.3.3",
            )
        pairs.add(pair)
        totals.append((score, rubric.total(dict(score.marks), field=f"scores[{i}].marks")))
    normalised = _normalise(totals) if totals else {}
    grouped: dict[str, list[NormalisedScore]] = {a: [] for a in applicants}
    for i, (score, raw) in enumerate(totals):
        grouped.setdefault(score.applicant, []).append(NormalisedScore(score, raw, normalised[i]))
    pack = screening_pack()
    out: dict[str, Screening] = {}
    for applicant in sorted(grouped):
        mine = tuple(sorted(grouped[applicant], key=lambda s: s.score.reviewer))
        facts: dict[str, Any] = {"reviewer_count": len(mine)}
        if mine:
            total = sum((s.normalised for s in mine), Decimal(0))
            facts["normalised_score"] = (total / len(mine)).quantize(_CENT)
        decision = check(pack, facts, params=params, on=on)
        out[applicant] = Screening(applicant, mine, decision)
    return out
