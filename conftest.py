"""Collection rules for the whole tree (the package's doctests and the tests).

``sep.server`` needs the optional ``server`` extra (FastAPI, uvicorn): without it its
doctests are not collected, as ``tests/test_server.py`` skips itself.

The streaming engine needs the optional ``stream`` extra (durable-rules): where it cannot be
imported (not installed, or Python 3.13 without the build flag) the doctests of its two
modules are skipped, as the tests that need it skip themselves.
"""

from __future__ import annotations

import importlib.util
from typing import Any

import pytest

collect_ignore_glob = (
    []
    if importlib.util.find_spec("fastapi") and importlib.util.find_spec("uvicorn")
    else ["sep/server/*"]
)

#: The modules whose doctests run durable-rules.
_STREAM_MODULES = ("sep/evaluation/_durable.py", "sep/evaluation/_stream.py")


def pytest_collection_modifyitems(config: Any, items: list[pytest.Item]) -> None:
    """Skip the streaming engine's doctests where durable-rules cannot be imported."""
    from sep.evaluation._durable import durable_available

    if durable_available():
        return
    skip = pytest.mark.skipif(True, reason="durable-rules (sep[stream]) cannot be imported here")
    for item in items:
        if isinstance(item, pytest.DoctestItem) and item.nodeid.startswith(_STREAM_MODULES):
            item.add_marker(skip)
