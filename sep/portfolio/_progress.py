"""Progress bars on long portfolio runs: the shared bar of :mod:`sep._progress`."""

from __future__ import annotations

from sep._progress import Progress, progress_bar

__all__ = ["Progress", "progress_bar"]
