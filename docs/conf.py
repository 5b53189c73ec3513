"""Sphinx configuration for the sep documentation.

Built in CI with ``sphinx-build -W -n --keep-going``: every warning, including every
reference that resolves nowhere, fails the build. The examples on these pages run as
doctests in the test suite (``tests/test_docs_examples.py``). Nothing here reaches the
network: the intersphinx inventories are files in ``_intersphinx/`` (see its README) and
the lifecycle diagram is drawn by Graphviz's ``dot`` on the build machine.
"""

from __future__ import annotations

import sys
from pathlib import Path

here = Path(__file__).resolve().parent
# The checkout's own sep, not another installed copy, and the extensions of _ext/.
sys.path[:0] = [str(here.parent), str(here / "_ext")]

import sep  # noqa: E402

project = "sep"
author = "The sep developers"
copyright = "2026, The sep developers"
release = sep.__version__
version = release

extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.napoleon",
    "sphinx.ext.viewcode",
    "sphinx.ext.intersphinx",
    "sphinx.ext.graphviz",
    "myst_parser",
    "sphinx_copybutton",
    "sep_docs",
]
source_suffix = {".rst": "restructuredtext", ".md": "markdown"}
exclude_patterns = ["_build", "_intersphinx", "_ext"]

autodoc_member_order = "bysource"
autodoc_typehints = "description"
autodoc_default_options = {"members": True, "show-inheritance": False}
napoleon_google_docstring = True
napoleon_numpy_docstring = False

# Every cross-reference must resolve (sphinx-build -n). The inventories are read from the
# files shipped beside this configuration, never fetched: the links still point at the
# projects' published pages.
nitpicky = True
_inv = here / "_intersphinx"
intersphinx_mapping = {
    "python": ("https://docs.python.org/3", str(_inv / "python.inv")),
    "attrs": ("https://www.attrs.org/en/stable", str(_inv / "attrs.inv")),
    "numpy": ("https://numpy.org/doc/stable", str(_inv / "numpy.inv")),
    "pandas": ("https://pandas.pydata.org/docs", str(_inv / "pandas.inv")),
}
intersphinx_disabled_reftypes = ["std:doc"]
# Third-party names that no inventory lists, each with the reason.
nitpick_ignore = [
    # FastAPI's documentation is written with MkDocs, which publishes no objects.inv.
    ("py:class", "fastapi.applications.FastAPI"),
    ("py:class", "fastapi.FastAPI"),
]

myst_enable_extensions = ["colon_fence", "deflist"]
myst_heading_anchors = 3

graphviz_output_format = "svg"
graphviz_dot_args = ["-Gfontname=sans-serif", "-Nfontname=sans-serif", "-Efontname=sans-serif"]

copybutton_prompt_text = r">>> |\.\.\. |\$ "
copybutton_prompt_is_regexp = True

html_theme = "furo"
html_title = f"sep {release}"
html_static_path: list[str] = []


def _public_bases(app: object, name: str, obj: object, options: object, bases: list) -> None:
    # A base class from a private module (sep.domain._plain.PlainFigures, an
    # implementation detail of how records keep their figures) is not API: not shown.
    bases[:] = [b for b in bases if not any(p.startswith("_") for p in b.__module__.split("."))]


def setup(app: object) -> None:
    app.connect("autodoc-process-bases", _public_bases)  # type: ignore[attr-defined]
