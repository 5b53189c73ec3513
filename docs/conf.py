"""Sphinx configuration for the sep documentation."""

from __future__ import annotations

import sep

project = "sep"
author = "The sep developers"
copyright = "2026, The sep developers"  # noqa: A001
release = sep.__version__
version = release

extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.napoleon",
    "sphinx.ext.viewcode",
]
autodoc_member_order = "bysource"
autodoc_typehints = "description"
autodoc_default_options = {"members": True, "show-inheritance": False}
napoleon_google_docstring = True
napoleon_numpy_docstring = False
nitpicky = False
suppress_warnings = ["ref.python"]
html_theme = "alabaster"
html_static_path: list[str] = []
exclude_patterns = ["_build"]
