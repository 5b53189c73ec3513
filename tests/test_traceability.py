"""Clause traceability, enforced: every *shall* and *list* clause is implemented and tested.

The implementations come from ``sep``'s objects (``sep._trace.citations``), the tests from
the ``clause`` markers of this suite as pytest collects them. This file declares no clause
itself: it checks the index as a whole, and a marker here would count it as a test of each.
"""

from __future__ import annotations

import json
from pathlib import Path

import attrs
import pytest

from sep._trace import Citation, citations, gaps, matrix, render_rst
from sep.domain import Platform
from sep.evaluation._clauses import TCATE_CLAUSES, TCATE_INDEX, ClauseInfo
from sep.lifecycle import standard_definition
from tests._trace import CLAUSE_MAP, MODULES, PAGE, collect, page, suite_modules, suite_tests

#: Test modules that declare no clause, each with its reason.
UNDECLARED = {
    "tests/test_traceability.py": "checks the clause index as a whole (see its docstring)",
    "tests/test_api.py": "pins the public API's names, docstrings and types, no clause's rule",
    "tests/test_errors.py": "checks that an error message is built for any value, no clause's rule",
    "tests/test_packaging.py": "checks the published package (version, license, extras)",
    "tests/test_transitions_internals.py": (
        "checks the behaviour of the transitions library that the process relies on"
    ),
    "tests/test_docs_browser.py": "checks that the built pages render in a browser",
    "tests/test_docs_built.py": "checks that the built pages hold what is generated from the code",
    "tests/test_docs_examples.py": "runs the documentation pages' examples",
    "tests/rules/torch_2018_graduation.toml": (
        "cases of the 2018 incubator measures (国科发区〔2018〕300号), another document"
    ),
}


@pytest.fixture(scope="module")
def record(request: pytest.FixtureRequest) -> dict[str, list[str]]:
    """Test id -> declared clause ids: this run's own when it collected the whole suite."""
    config = request.config
    if suite_modules() <= config.stash[MODULES]:
        return dict(config.stash[CLAUSE_MAP])
    return collect()


@pytest.fixture(scope="module")
def found() -> tuple[Citation, ...]:
    """Every clause citation on sep's objects."""
    return citations()


def test_every_shall_and_list_clause_is_implemented_and_tested(
    record: dict[str, list[str]], found: tuple[Citation, ...]
) -> None:
    """No shall or list clause lacks an implementation or a test; no unknown id anywhere."""
    assert gaps(suite_tests(record), found) == []


def test_every_test_module_declares_a_clause(record: dict[str, list[str]]) -> None:
    """Each test file has at least one test with a clause marker (or a stated reason)."""
    declaring = {test_id.split("::", 1)[0] for test_id, ids in suite_tests(record).items() if ids}
    collected = {test_id.split("::", 1)[0] for test_id in suite_tests(record)}
    assert sorted(collected - declaring - set(UNDECLARED)) == []
    assert set(UNDECLARED) <= suite_modules()


def test_docs_page_is_current(record: dict[str, list[str]]) -> None:
    """docs/traceability.rst is the matrix of this code and these tests (regenerate:
    ``python -m tests._trace``)."""
    assert PAGE.read_text(encoding="utf-8") == page(record), "run python -m tests._trace"


def test_index_matches_the_ids_packs_are_checked_against() -> None:
    """The ids with kinds are exactly the ids the pack loader accepts, each kind known."""
    assert {c.id for c in TCATE_INDEX} == TCATE_CLAUSES
    assert len(TCATE_INDEX) == len(TCATE_CLAUSES)
    assert {c.kind for c in TCATE_INDEX} == {"def", "shall", "list", "info"}
    assert all(c.gist and set(c.parts) <= TCATE_CLAUSES for c in TCATE_INDEX)


def test_citations_are_read_from_the_objects(found: tuple[Citation, ...]) -> None:
    """Every clause-citing field of Platform, and every process state, is found as such."""
    names = {(c.clause, c.kind, c.name) for c in found}
    for field in attrs.fields(Platform):
        if field.metadata.get("clause"):
            assert (field.metadata["clause"], "field", f"Platform.{field.name}") in names
    for state in standard_definition().states:
        assert (state.clause, "process state", state.name) in names
    assert ("4.2.5", "enum", "ModuleKind") in names


def _without(found: tuple[Citation, ...], clause: str) -> list[Citation]:
    return [c for c in found if c.clause != clause]


def test_a_clause_losing_its_implementation_is_a_gap(
    record: dict[str, list[str]], found: tuple[Citation, ...]
) -> None:
    """Remove every citation of 4.2.4 (a shall) and the check names it; 3.2 (a def) not."""
    problems = gaps(suite_tests(record), _without(found, "4.2.4"))
    assert problems == ["shall clause 4.2.4 has no implementation"]
    assert gaps(suite_tests(record), _without(found, "3.1")) == []


def test_a_clause_losing_its_tests_is_a_gap(
    record: dict[str, list[str]], found: tuple[Citation, ...]
) -> None:
    """Drop 4.2.6 (a list) from every marker and the check names it as untested."""
    tests = {t: [i for i in ids if i != "4.2.6"] for t, ids in suite_tests(record).items()}
    assert gaps(tests, found) == ["list clause 4.2.6 has no test"]


def test_unknown_ids_in_tests_or_code_are_gaps(found: tuple[Citation, ...]) -> None:
    """A test naming 4.3.9, or an object citing 4.9, breaks traceability, naming both."""
    fake = Citation("4.9", "field", "Platform.nothing")
    problems = gaps({"tests/test_x.py::test_y": ["4.3.9"]}, [*found, fake])
    assert "test tests/test_x.py::test_y names unknown clause 4.3.9" in problems
    assert "field Platform.nothing cites unknown clause 4.9" in problems


def test_a_clause_of_items_follows_its_items() -> None:
    """4.3.7 (all in its items a–d): implemented when every item is; one missing item is a gap."""
    index = [
        ClauseInfo("4.3.7", "shall", "evaluation", ("4.3.7-a", "4.3.7-b")),
        ClauseInfo("4.3.7-a", "shall", "body"),
        ClauseInfo("4.3.7-b", "shall", "scores"),
    ]
    both = [Citation("4.3.7-a", "field", "A.a"), Citation("4.3.7-b", "field", "B.b")]
    tests = {"t::a": ["4.3.7-a"], "t::b": ["4.3.7-b"]}
    rows = {r.clause.id: r for r in matrix(tests, both, index)}
    assert rows["4.3.7"].status == "implemented and tested" and rows["4.3.7"].through_parts
    assert gaps(tests, both, index) == []
    assert gaps(tests, both[:1], index) == [
        "shall clause 4.3.7 has no implementation",
        "shall clause 4.3.7-b has no implementation",
    ]


def test_matrix_renders_every_clause_once(
    record: dict[str, list[str]], found: tuple[Citation, ...]
) -> None:
    """The docs table has one row per clause, in the document's order, with its status."""
    text = render_rst(matrix(suite_tests(record), found))
    ids = [line.removeprefix("   * - ") for line in text.splitlines() if line.startswith("   * - ")]
    assert ids == ["Clause", *(c.id for c in TCATE_INDEX)]
    assert "     - implemented and tested" in text


def _suite(pytester: pytest.Pytester, body: str) -> pytest.RunResult:
    pytester.makepyfile(test_fabricated=f"import pytest\n\n{body}")
    return pytester.runpytest("-p", "tests._trace", "-p", "no:cacheprovider", "--strict-markers")


def test_unknown_clause_id_in_a_marker_stops_collection(pytester: pytest.Pytester) -> None:
    """A marker naming 4.3.9 (not a clause of the standard) is a usage error naming it."""
    result = _suite(
        pytester,
        '@pytest.mark.clause("4.3.5", "4.3.9")\ndef test_a():\n    """A."""\n',
    )
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["*test_fabricated.py::test_a*'4.3.9'*no clause id*"])


def test_marker_without_ids_stops_collection(pytester: pytest.Pytester) -> None:
    """``pytest.mark.clause()`` declares nothing: refused, naming the test."""
    result = _suite(pytester, 'pytestmark = pytest.mark.clause()\ndef test_a():\n    """A."""\n')
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["*test_fabricated.py::test_a: clause marker names no clause id"])


def test_known_ids_collect_and_are_recorded(pytester: pytest.Pytester, tmp_path: Path) -> None:
    """Module and function markers add up; --clause-map writes them per test."""
    target = tmp_path / "map.json"
    pytester.makepyfile(
        test_fabricated='import pytest\n\npytestmark = pytest.mark.clause("4.3.6")\n\n'
        '@pytest.mark.clause("4.3.5(b)")\ndef test_a():\n    """A."""\n\n'
        'def test_b():\n    """B."""\n'
    )
    result = pytester.runpytest(
        "-p", "tests._trace", "-p", "no:cacheprovider", "--strict-markers", f"--clause-map={target}"
    )
    result.assert_outcomes(passed=2)
    written = json.loads(target.read_text(encoding="utf-8"))
    assert written == {
        "test_fabricated.py::test_a": ["4.3.5(b)", "4.3.6"],
        "test_fabricated.py::test_b": ["4.3.6"],
    }
