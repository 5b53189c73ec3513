"""Shared test configuration: Hypothesis settings profiles.

``HYPOTHESIS_PROFILE=ci`` (set by ``.ci/run``) runs more examples; ``dev`` (the default)
keeps the suite quick on a laptop.
"""

from __future__ import annotations

import os
from typing import Any

from hypothesis import HealthCheck, settings

settings.register_profile(
    "dev", max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.register_profile(
    "ci",
    max_examples=150,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "dev"))


def pytest_terminal_summary(terminalreporter: Any) -> None:
    """Print how many hostile inputs each fuzz boundary was sent, refused and accepted."""
    from tests._fuzz import FUZZ_COUNTS, FUZZ_FAILURES

    boundaries = sorted({boundary for boundary, _ in FUZZ_COUNTS})
    if not boundaries:
        return
    terminalreporter.section("fuzz counts")
    total = 0
    for boundary in boundaries:
        bad = FUZZ_COUNTS[(boundary, "bad")]
        total += bad
        terminalreporter.write_line(
            f"fuzz: {boundary}: {bad} bad inputs, {FUZZ_COUNTS[(boundary, 'refused')]} refused "
            f"(SepError), {FUZZ_COUNTS[(boundary, 'unknown')]} accepted as UNKNOWN"
            + _extra(boundary)
        )
    terminalreporter.write_line(f"fuzz: total: {total} bad inputs")
    for (boundary, kind), message in sorted(FUZZ_FAILURES.items()):
        terminalreporter.write_line(f"FUZZ FAILURE [{boundary}] {kind}: {message}")


def _extra(boundary: str) -> str:
    from tests._fuzz import FUZZ_COUNTS

    parts = []
    if FUZZ_COUNTS[(boundary, "accepted")]:
        parts.append(f"{FUZZ_COUNTS[(boundary, 'accepted')]} accepted (not a decision)")
    if FUZZ_COUNTS[(boundary, "failed")]:
        parts.append(f"{FUZZ_COUNTS[(boundary, 'failed')]} FAILED")
    return "".join(f", {p}" for p in parts)
