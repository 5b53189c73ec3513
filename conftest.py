"""Collection rules for the whole tree (the package's doctests and the tests).

``sep.server`` needs the optional ``server`` extra (FastAPI, uvicorn): without it its
doctests are not collected, as ``tests/test_server.py`` skips itself. ``tests._trace``
provides the ``clause`` marker (tests declare the clauses of T/CATE 0001—2020 they check);
``pytester`` lets its tests run pytest on a fabricated suite.
"""

from __future__ import annotations

import importlib.util

pytest_plugins = ["pytester", "tests._trace"]

collect_ignore_glob = (
    []
    if importlib.util.find_spec("fastapi") and importlib.util.find_spec("uvicorn")
    else ["sep/server/*"]
)
