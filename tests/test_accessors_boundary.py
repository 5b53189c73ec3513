"""Accessors of reports, decisions and histories refuse junk arguments with a ValidationError.

An unknown clause (4.1–4.3.7), criterion (4.3.5) or cycle (4.3.7-b), a language other than
``en``/``zh``, an argument of the wrong type: named, with the valid choices and a "did you
mean", never a KeyError, an AttributeError or a silent English fallback.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from sep.assessment import EvaluationHistory, audit
from sep.errors import ValidationError
from sep.evaluation import check_graduation
from sep.examples import annex_c_platform

pytestmark = pytest.mark.clause("4.3.5", "4.3.7-b")

REPORT = audit(annex_c_platform(portfolio=False), on=dt.date(2020, 9, 30))
DECISION = check_graduation({"listed": False}, on=dt.date(2026, 1, 1))
BAD_LANGS: list[Any] = ["xx", "", "EN", "zh-CN", None, 3, [], {}]


def _refused(call: Any, *args: Any, **kwargs: Any) -> ValidationError:
    with pytest.raises(ValidationError) as info:
        call(*args, **kwargs)
    return info.value


def test_unknown_clause_lists_the_audited_ones_and_suggests_one() -> None:
    """AuditReport.row("9.9") names the clause and lists every audited clause; a near miss
    ("4.2.55") gets a did-you-mean (4.2.5)."""
    err = _refused(REPORT.row, "9.9")
    assert (err.field, err.value) == ("clause", "9.9")
    assert all(row.clause in err.reason for row in REPORT.rows)
    assert "did you mean '4.2.5'" in _refused(REPORT.status_of, "4.2.55").reason
    for junk in (None, 4.2, ["4.2.5"]):
        assert _refused(REPORT.row, junk).field == "clause"


@pytest.mark.parametrize("lang", BAD_LANGS, ids=repr)
def test_every_rendering_refuses_an_unknown_language(lang: Any) -> None:
    """Markdown, HTML, titles, notes, status labels, explanations and the 4.3.7 history
    refuse a language other than en/zh instead of falling back to English or a TypeError."""
    row = REPORT.rows[0]
    calls = [
        REPORT.to_markdown,
        REPORT.to_html,
        row.title,
        row.status.label,
        DECISION.explain,
        EvaluationHistory().to_markdown,
    ]
    if row.evidence:
        calls.append(row.evidence[0].text)
    for call in calls:
        err = _refused(call, lang)
        assert err.field == "lang"
        assert "en, zh" in err.reason


def test_unknown_criterion_suggests_the_closest() -> None:
    """Decision.outcome_of/result_of with a typo (4.3.5(b).financng) suggest the real id."""
    err = _refused(DECISION.outcome_of, "4.3.5(b).financng")
    assert err.field == "criterion_id"
    assert "did you mean '4.3.5(b).financing'" in err.reason
    for junk in ("nope", None, 3):
        assert _refused(DECISION.result_of, junk).field == "criterion_id"


@pytest.mark.parametrize("indent", ["x", -1, 1.5, True, 10**6], ids=repr)
def test_json_indent_must_be_a_small_count(indent: Any) -> None:
    """to_json(indent=…) of a report or decision refuses text, negatives and huge counts."""
    for call in (REPORT.to_json, DECISION.to_json):
        assert _refused(call, indent=indent).field == "indent"


def test_history_accessors_refuse_junk_naming_the_argument() -> None:
    """EvaluationHistory.cycle/add_plan/evaluate (4.3.7-b/-c) name a wrong-typed argument."""
    history = EvaluationHistory()
    for junk in ("2020", None, 2020.0, True):
        err = _refused(history.cycle, junk)
        assert (err.field, err.clause) == ("period", "4.3.7-b")
    assert _refused(history.cycle, 2020).clause == "4.3.7-b"
    assert _refused(history.add_plan, None).field == "plan"
    assert _refused(history.evaluate, None, None).field == "platform"
    assert _refused(history.evaluate, annex_c_platform(portfolio=False), {}).field == "inputs"
