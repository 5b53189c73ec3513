"""sep: T/CATE 0001—2020 (Large Enterprises Shared Entrepreneurial Platform) made executable.

The questions the standard asks, answered as explained, replayable decisions:

- :func:`check_eligibility` — may this enterprise found a platform? (3.1, 4.2.1)
- :func:`check_graduation` — may this incubatee graduate? (4.3.5)
- :func:`check_evaluation` — does the platform's evaluation pass? (4.3.7)
- :func:`audit` — does the platform conform, clause by clause? (4.1–4.3.7)

The domain model is in :mod:`sep.domain`, the rules layer in :mod:`sep.evaluation`, the
incubation process in :mod:`sep.lifecycle`, evaluation cycles and the audit in
:mod:`sep.assessment`, the Annex C example in :mod:`sep.examples`.

Example:
    >>> import sep
    >>> d = sep.check_graduation({"listed": True})
    >>> d.outcome, d.met_by
    (<Outcome.MET: 'met'>, ('4.3.5(b)',))
"""

from __future__ import annotations

from sep.assessment import audit
from sep.errors import SepError, ValidationError
from sep.evaluation import (
    Decision,
    Outcome,
    check_eligibility,
    check_evaluation,
    check_graduation,
    load_pack,
    load_parameters,
)

# The one place the version is written: the build (hatchling) reads it from here.
__version__ = "0.1.0.dev0"

__all__ = [
    "Decision",
    "Outcome",
    "SepError",
    "ValidationError",
    "__version__",
    "audit",
    "check_eligibility",
    "check_evaluation",
    "check_graduation",
    "load_pack",
    "load_parameters",
]
