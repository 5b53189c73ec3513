"""Collection rules for the whole tree (the package's doctests and the tests).

``sep.server`` needs the optional ``server`` extra (FastAPI, uvicorn): without it its
doctests are not collected, as ``tests/test_server.py`` skips itself.
"""

from __future__ import annotations

import importlib.util

collect_ignore_glob = (
    []
    if importlib.util.find_spec("fastapi") and importlib.util.find_spec("uvicorn")
    else ["sep/server/*"]
)
