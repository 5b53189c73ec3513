"""Platform evaluation, performance, portfolio figures and the conformance audit.

Serves T/CATE 0001—2020 4.3.7 (evaluation cycles, scoring scheme, remediation), 4.3.4
(performance management), Annex C (portfolio figures) and, through :func:`audit`, every
clause of 4.1–4.3.7 that a platform's data can show.

Example:
    >>> import datetime as dt
    >>> from sep.examples import annex_c_platform
    >>> report = audit(annex_c_platform(portfolio=False), on=dt.date(2020, 9, 30))
    >>> report.status_of("4.2.1").value, report.status_of("4.3.3").value
    ('satisfied', 'satisfied')
"""

from __future__ import annotations

from sep._written import audit_report_schema
from sep.assessment._audit import AuditParameters, AuditReport, AuditRow, Note, Status, audit
from sep.assessment._cycles import CycleResult, EvaluationHistory, IndicatorResult, evaluate_cycle
from sep.assessment._performance import DimensionSummary, PerformanceCycle, aggregate_performance
from sep.assessment._portfolio import GRADUATED_STATES, PortfolioFigures, portfolio_figures
from sep.assessment._scheme import (
    EXAMPLE_SCHEME,
    INDICATOR_SOURCES,
    Indicator,
    ScoringFunction,
    ScoringScheme,
    builtin_scheme,
    load_scheme,
    scheme_from_mapping,
)

__all__ = [
    "EXAMPLE_SCHEME",
    "GRADUATED_STATES",
    "INDICATOR_SOURCES",
    "AuditParameters",
    "AuditReport",
    "AuditRow",
    "CycleResult",
    "DimensionSummary",
    "EvaluationHistory",
    "Indicator",
    "IndicatorResult",
    "Note",
    "PerformanceCycle",
    "PortfolioFigures",
    "ScoringFunction",
    "ScoringScheme",
    "Status",
    "aggregate_performance",
    "audit",
    "audit_report_schema",
    "builtin_scheme",
    "evaluate_cycle",
    "load_scheme",
    "portfolio_figures",
    "scheme_from_mapping",
]
