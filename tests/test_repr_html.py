"""Notebook views: decisions and batch results render as HTML tables (4.3.5)."""

from __future__ import annotations

import datetime as dt

from sep.evaluation import check_graduation, check_graduation_batch

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
