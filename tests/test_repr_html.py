"""Notebook views: decisions and batch results render as HTML tables (4.3.5)."""

from __future__ import annotations

import datetime as dt

import pytest

from sep.evaluation import check_graduation, check_graduation_batch

pytestmark = pytest.mark.clause("4.3.5(b)", "4.3.5(c)")

ON = dt.date(2025, 6, 30)


def test_decision_html_lists_every_criterion_with_its_margin() -> None:
    """4.3.5(c): the decision's table has a row per criterion, margins and missing inputs."""
    html = check_graduation({"revenue": "8200000"}, on=ON)._repr_html_()
    assert "<table>" in html
    assert "<td>4.3.5(c).revenue</td><td>not_met</td><td>-1800000</td>" in html
    assert html.count("<tr>") == 1 + 11  # the header and the eleven criteria of 4.3.5


def test_batch_html_counts_per_criterion() -> None:
    """4.3.5(b): the batch result's table counts met / not met / unknown per criterion."""
    html = check_graduation_batch({"listed": [1.0, 0.0, float("nan")]}, on=ON)._repr_html_()
    assert "<td>4.3.5(b).listing</td><td>1</td><td>1</td><td>1</td>" in html


def test_audit_report_html_is_a_fragment_of_its_page() -> None:
    """4.1–4.3.7: a notebook shows the audit as a table with a row per clause and its
    status, the same table as the standalone page, without a page around it."""
    from sep.assessment import audit
    from sep.examples import annex_c_platform

    report = audit(annex_c_platform(portfolio=False), on=dt.date(2020, 9, 30))
    html = report._repr_html_()
    assert not html.startswith("<!DOCTYPE")
    assert "<html" not in html
    assert html.count('<tr class="') == len(report.rows)
    assert '<tr class="satisfied"><td>4.2.1</td>' in html
    assert html in report.to_html()
