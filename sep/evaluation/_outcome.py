"""Re-export of :class:`sep._outcome.Outcome` for the rules layer.

The enum lives outside this package so that the domain (the NBS size class answers 3.1
with an Outcome) can use it without importing the rules layer.
"""

from __future__ import annotations

from sep._outcome import Outcome

__all__ = ["Outcome"]
