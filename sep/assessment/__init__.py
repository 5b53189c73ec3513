"""Platform evaluation, performance, portfolio figures and the conformance audit.

Serves T/CATE 0001—2020 4.3.7 (evaluating body, cycles, scoring scheme, remediation),
4.3.4 (performance management), Annex C (portfolio figures) and, through :func:`audit`,
every clause of 4.1–4.3.7 that a platform's data can show.
"""

from __future__ import annotations

from sep.assessment._cycles import CycleResult, EvaluationHistory, IndicatorResult, evaluate_cycle
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
    "INDICATOR_SOURCES",
    "CycleResult",
    "EvaluationHistory",
    "Indicator",
    "IndicatorResult",
    "ScoringFunction",
    "ScoringScheme",
    "builtin_scheme",
    "evaluate_cycle",
    "load_scheme",
    "scheme_from_mapping",
]
