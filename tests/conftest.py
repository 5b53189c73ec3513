"""Shared test configuration: Hypothesis settings profiles.

``HYPOTHESIS_PROFILE=ci`` (set by ``.ci/run``) runs more examples; ``dev`` (the default)
keeps the suite quick on a laptop.
"""

from __future__ import annotations

import os

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
