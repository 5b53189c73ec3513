"""The built documentation holds what is generated from the code and the repository.

Reads the HTML of ``docs/_build/html`` (skipped when it was not built; ``.ci/run`` builds it
first and sets ``SEP_DOCS_BROWSER_REQUIRED=1``, which turns the skip into a failure): the
parameter reference lists every parameter of every shipped pack with each dated value and
its source, the changelog page is the repository's ``CHANGELOG.md``, and the lifecycle page
shows one diagram node per state of the process.
"""

from __future__ import annotations

import html
import os
import re
from pathlib import Path

import pytest

from sep.evaluation import builtin_pack, builtin_packs
from sep.lifecycle import standard_definition

ROOT = Path(__file__).resolve().parent.parent
HTML = Path(os.environ.get("SEP_DOCS_HTML", ROOT / "docs" / "_build" / "html"))
BUILT = (HTML / "index.html").exists()
if not BUILT and os.environ.get("SEP_DOCS_BROWSER_REQUIRED") == "1":
    raise RuntimeError(f"the documentation was not built into {HTML}")
pytestmark = pytest.mark.skipif(not BUILT, reason="docs not built (sphinx-build docs)")


def _words(text: str) -> str:
    """Only the words: Sphinx turns quotes typographic and dashes long, the words stay."""
    return " ".join(re.findall(r"\w+", text))


def _text(page: str) -> str:
    """The words of the page's visible text (tags removed, entities decoded)."""
    raw = (HTML / page).read_text(encoding="utf-8")
    raw = re.sub(r"<(script|style)\b.*?</\1>", " ", raw, flags=re.S)
    return _words(html.unescape(re.sub(r"<[^>]+>", " ", raw)))


@pytest.mark.parametrize("pack_id", builtin_packs())
def test_parameter_reference_lists_every_dated_value(pack_id: str) -> None:
    """Each parameter of the pack is on the page with every value's date, amount and source."""
    text = _text("parameters.html")
    pack = builtin_pack(pack_id)
    assert _words(pack_id) in text
    for name, spec in pack.parameters.items():
        assert name in text, name
        for value in spec.values:
            row = f"{value.since.isoformat()} {value.value:,} {spec.unit} {value.source}"
            assert _words(row) in text, row


def test_changelog_page_is_the_changelog_file() -> None:
    """The changelog page shows the entries of CHANGELOG.md, not a pointer to the file."""
    text = _text("changelog.html")
    entries = [
        line[2:].strip()
        for line in (ROOT / "CHANGELOG.md").read_text(encoding="utf-8").splitlines()
        if line.startswith("- ") and "`" not in line and "[" not in line
    ]
    assert entries, "CHANGELOG.md has no plain entry to look for"
    for entry in entries[:20]:
        assert _words(entry) in text, entry


def test_lifecycle_diagram_has_every_state() -> None:
    """The SVG drawn at build time names every state of the process with its clause."""
    page = (HTML / "lifecycle.html").read_text(encoding="utf-8")
    found = re.search(r'data="(_images/graphviz-[0-9a-f]+\.svg)"', page)
    assert found, "no Graphviz SVG on the lifecycle page"
    svg = (HTML / found.group(1)).read_text(encoding="utf-8")
    for state in standard_definition().states:
        assert f">{state.name}</text>" in svg, state.name
        assert f">{state.clause}</text>" in svg, state.clause
