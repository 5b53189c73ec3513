"""Progress bars on long runs (tqdm): shown when interactive, silent otherwise.

Shared by the domain conversion of :mod:`sep.evaluation` and the portfolio runs of
:mod:`sep.portfolio`; tqdm is optional (the ``pandas`` extra installs it).
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, Protocol

__all__ = ["Progress", "progress_bar"]


class Progress(Protocol):
    """What a run reports to: rows done so far."""

    def update(self, n: int) -> Any:
        """Count ``n`` more rows as done."""


class _Silent:
    def update(self, n: int) -> None:
        del n


def _interactive() -> bool:
    stream = sys.stderr
    isatty = getattr(stream, "isatty", None)
    if callable(isatty) and isatty():
        return True
    try:  # a notebook kernel: stderr is not a terminal, but the widget shows
        from IPython import get_ipython  # type: ignore[import-not-found,unused-ignore]
    except ImportError:
        return False
    shell = get_ipython()
    return shell is not None and type(shell).__name__ == "ZMQInteractiveShell"


def _wanted(enabled: bool | None, steps: int) -> bool:
    if enabled is None:
        return steps > 1 and _interactive()
    return enabled


@contextmanager
def progress_bar(
    total: int, unit: str, *, enabled: bool | None = None, steps: int = 2
) -> Iterator[Progress]:
    """A tqdm bar over ``total`` ``unit`` (``enabled=None``: only when interactive and
    the work has more than one step); a silent stand-in when off or tqdm is missing.

    Example:
        >>> with progress_bar(10, "rows", enabled=False) as bar:
        ...     bar.update(10)
    """
    if not _wanted(enabled, steps):
        yield _Silent()
        return
    try:
        from tqdm.auto import tqdm
    except ImportError:
        yield _Silent()
        return
    with tqdm(total=total, unit=unit, unit_scale=True, leave=False) as bar:
        yield bar
