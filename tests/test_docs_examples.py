"""The examples of the documentation run, and pass, as doctests.

Every page of ``docs/`` (reStructuredText and MyST Markdown) is read by :mod:`doctest`; its
``>>>`` examples share one namespace per page, in page order, as a reader typing them would.
A Python code block that is not a doctest must say why it is not run (``# not run: …``),
so an example cannot silently stop being checked.
"""

from __future__ import annotations

import doctest
import importlib.util
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
PAGES = sorted(
    p
    for p in [*DOCS.rglob("*.rst"), *DOCS.rglob("*.md")]
    if not {"_build", "_ext", "_intersphinx"} & set(p.relative_to(DOCS).parts)
)
#: Pages whose examples need an extra; skipped, by name, where it is not installed.
NEEDS = {
    "guides/analyst.md": ("pandas", "matplotlib"),
    "guides/integrator.md": ("fastapi", "httpx"),
    "portfolio.rst": ("pandas", "pyarrow"),
    "rules.rst": ("durable",),
}
FLAGS = doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE

#: The Python code blocks of a page: a reST ``code-block:: python`` or a MyST ```` ```python ````.
RST_BLOCK = re.compile(r"^\.\. code-block:: python\n((?:\n|   .*\n)+)", re.M)
MD_BLOCK = re.compile(r"^```(?:python|py|pycon)\n(.*?)^```", re.M | re.S)


def _name(page: Path) -> str:
    return page.relative_to(DOCS).as_posix()


def _blocks(page: Path) -> list[str]:
    text = page.read_text(encoding="utf-8")
    pattern = MD_BLOCK if page.suffix == ".md" else RST_BLOCK
    return [m.group(1).strip() for m in pattern.finditer(text)]


def test_the_pages_are_found() -> None:
    """The guides, the concept pages and the reference pages are all collected."""
    names = {_name(p) for p in PAGES}
    assert {"index.rst", "guides/crm.md", "concepts/graduation.md", "rules.rst"} <= names


@pytest.mark.parametrize("page", PAGES, ids=_name)
def test_every_python_block_is_run_or_says_why_not(page: Path) -> None:
    """A Python code block on a page is a doctest, or begins with "# not run: <reason>"."""
    for block in _blocks(page):
        assert block.startswith(">>>") or re.match(r"# not run: \S", block), (
            f"{_name(page)}: a Python example that is never run:\n{block[:200]}"
        )


@pytest.mark.parametrize("page", PAGES, ids=_name)
def test_page_examples_pass(page: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Each ``>>>`` example on the page gives the output the page shows."""
    for module in NEEDS.get(_name(page), ()):
        if importlib.util.find_spec(module) is None:
            pytest.skip(f"{_name(page)} needs {module}")
    monkeypatch.chdir(ROOT)  # the command-line examples run ``python -m sep`` from the checkout
    text = page.read_text(encoding="utf-8")
    parser = doctest.DocTestParser()
    test = parser.get_doctest(text, {"__name__": "__docs__"}, _name(page), str(page), 0)
    runner = doctest.DocTestRunner(optionflags=FLAGS)
    out: list[str] = []
    runner.run(test, out=out.append)
    result = runner.summarize(verbose=False)
    assert result.failed == 0, "".join(out)
    if _blocks(page) and any(b.startswith(">>>") for b in _blocks(page)):
        assert result.attempted > 0
