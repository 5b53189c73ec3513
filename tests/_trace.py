"""The ``clause`` marker: tests declare the clauses of T/CATE 0001—2020 they check.

A pytest plugin (loaded by the root ``conftest.py``) that registers
``pytest.mark.clause(*ids)``, refuses at collection a marker naming an id the standard does
not have (or no id at all), and records, for every collected test, the ids its markers
declare. ``--clause-map=FILE`` writes that record as JSON. Run as a script
(``python -m tests._trace``) it rewrites the traceability page of the docs from a fresh
collection; ``tests/test_traceability.py`` fails when the page is out of date or when a
*shall* or *list* clause lacks an implementation or a test.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pytest

from sep._trace import matrix, render_rst
from sep.evaluation._clauses import TCATE_CLAUSES

ROOT = Path(__file__).resolve().parent.parent
TESTS = ROOT / "tests"
PAGE = ROOT / "docs" / "traceability.rst"

#: Test id → clause ids declared by its markers, for every item this session collected.
CLAUSE_MAP = pytest.StashKey[dict[str, list[str]]]()
#: Node ids of the test files and directories this session collected (skipped ones included).
MODULES = pytest.StashKey[set[str]]()

PAGE_HEAD = """\
Clause traceability
===================

Every clause of T/CATE 0001—2020, with what implements it in ``sep`` and which test files
check it. The implementations are read from the objects themselves: the clause of each
shipped rule pack, criterion and input; the clause metadata of each domain field (and the
enums those fields hold); the states and triggers of the incubation process; the rows the
conformance audit produces. Tests declare the clauses they check with
``@pytest.mark.clause("4.3.5(b)")``; a marker naming an id the standard does not have stops
the test run at collection.

The test suite fails when a *shall* or *list* clause has no implementation or no test, and
when this page is out of date (regenerate it with ``python -m tests._trace``). A clause whose
text is entirely in its items (4.3.7) is implemented and tested through them. Definitions
(*def*) and the informative annexes (*info*) need neither.

"""


def pytest_addoption(parser: pytest.Parser) -> None:
    """``--clause-map=FILE``: write each collected test's declared clause ids as JSON."""
    parser.addoption(
        "--clause-map",
        default=None,
        help="write a JSON object: test id -> clause ids its clause markers declare",
    )


def pytest_configure(config: pytest.Config) -> None:
    """Register the marker, so ``--strict-markers`` accepts it."""
    config.addinivalue_line(
        "markers", "clause(*ids): the clause ids of T/CATE 0001—2020 this test checks"
    )
    config.stash[CLAUSE_MAP] = {}
    config.stash[MODULES] = set()
    config.pluginmanager.register(_Modules(config.stash[MODULES]), "clause-trace-modules")


class _Modules:
    """Remembers each test module collected, so a test can tell whether the run saw them all."""

    def __init__(self, seen: set[str]) -> None:
        self.seen = seen

    def pytest_collectreport(self, report: pytest.CollectReport) -> None:
        if "::" not in report.nodeid:  # a file or a directory
            self.seen.add(report.nodeid)


def declared(item: pytest.Item) -> list[str]:
    """The clause ids ``item``'s clause markers declare (module, class and function)."""
    return [arg for mark in item.iter_markers("clause") for arg in mark.args]


def marker_errors(item: pytest.Item) -> list[str]:
    """What is wrong with ``item``'s clause markers: no id, a non-text id, an unknown id."""
    errors = []
    for mark in item.iter_markers("clause"):
        if mark.kwargs:
            errors.append(f"{item.nodeid}: clause marker takes ids only, not {sorted(mark.kwargs)}")
        if not mark.args:
            errors.append(f"{item.nodeid}: clause marker names no clause id")
        for arg in mark.args:
            if not isinstance(arg, str):
                errors.append(f"{item.nodeid}: clause id {arg!r} is not text")
            elif arg not in TCATE_CLAUSES:
                errors.append(
                    f"{item.nodeid}: clause marker names {arg!r}, "
                    "which is no clause id of T/CATE 0001—2020"
                )
    return errors


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Refuse unknown clause ids; record every item's ids (before -k/-m deselect any)."""
    errors = [error for item in items for error in marker_errors(item)]
    if errors:
        raise pytest.UsageError("\n".join(errors))
    record = config.stash[CLAUSE_MAP]
    for item in items:
        record[item.nodeid] = declared(item)
    target = config.getoption("--clause-map")
    if target:
        Path(target).write_text(json.dumps(record, indent=1, sort_keys=True), encoding="utf-8")


def suite_modules() -> set[str]:
    """Node ids of every test file of the suite (``tests/test_*.py``, the rule case files)."""
    cases = (p for p in (TESTS / "rules").iterdir() if p.suffix in (".toml", ".yaml", ".yml"))
    return {
        *(f"tests/{path.name}" for path in TESTS.glob("test_*.py")),
        *(f"tests/rules/{path.name}" for path in cases),
    }


def collect(args: tuple[str, ...] = ("tests",)) -> dict[str, list[str]]:
    """Collect the suite in a fresh process and return test id -> declared clause ids."""
    with tempfile.TemporaryDirectory() as tmp:
        target = Path(tmp) / "clauses.json"
        done = subprocess.run(
            [
                sys.executable,
                "-m",
                "pytest",
                "--collect-only",
                "-q",
                "-p",
                "no:cacheprovider",
                f"--clause-map={target}",
                *args,
            ],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=False,
        )
        if done.returncode != 0:
            raise RuntimeError(f"collection failed:\n{done.stdout[-4000:]}\n{done.stderr[-4000:]}")
        data: dict[str, list[str]] = json.loads(target.read_text(encoding="utf-8"))
    return data


def suite_tests(record: Mapping[str, list[str]]) -> dict[str, list[str]]:
    """Only the tests of ``tests/`` (the package's doctests declare no clauses)."""
    return {test_id: ids for test_id, ids in record.items() if test_id.startswith("tests/")}


def page(record: Mapping[str, list[str]]) -> str:
    """The whole traceability page for ``record``."""
    return PAGE_HEAD + render_rst(matrix(suite_tests(record)))


def main(argv: Any = None) -> int:
    """Rewrite the docs page from a fresh collection of the suite."""
    PAGE.write_text(page(collect()), encoding="utf-8")
    print(f"wrote {PAGE.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
