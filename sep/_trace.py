"""Clause traceability: every clause of T/CATE 0001—2020, its implementation and its tests.

Serves maintainers and auditors of ``sep`` (the documentation's traceability matrix, and the
test that fails when a *shall* or *list* clause has no implementation or no test). The
implementations are read from the objects themselves, never from the source text: the
``clause`` of the shipped T/CATE rule packs, their criteria and inputs; the ``clause``
metadata of the domain classes' fields (and the enums those fields hold); the states and
transitions of the standard incubation process; the rows a conformance audit produces. The
tests are given by the caller: a mapping of test ids to the clause ids their
``pytest.mark.clause`` markers declare (the test suite's plugin collects it).
"""

from __future__ import annotations

import datetime as dt
import enum
import importlib
import typing
from collections.abc import Iterable, Iterator, Mapping
from typing import Any, Literal

import attrs

from sep.evaluation._clauses import TCATE_DOCUMENT, TCATE_INDEX, ClauseInfo

__all__ = [
    "Citation",
    "Row",
    "citations",
    "gaps",
    "matrix",
    "render_rst",
]

#: Kinds that must have both an implementation and a test.
REQUIRED_KINDS: frozenset[str] = frozenset({"shall", "list"})

#: Subpackages whose exported attrs classes are searched for clause metadata.
_MODULES = ("sep.domain", "sep.evaluation", "sep.lifecycle", "sep.assessment", "sep.portfolio")

Status = Literal["implemented and tested", "implemented only", "tested only", "missing"]


@attrs.frozen
class Citation:
    """One object of ``sep`` that cites a clause.

    Attributes:
        clause: The clause id it cites.
        kind: What the object is (``"criterion of t-cate-0001-2020/graduation"``,
            ``"field"``, ``"process state"``, ``"audit row"``, …).
        name: Which object (``"internal_acquisition"``, ``"Platform.norms"``).
    """

    clause: str
    kind: str
    name: str


@attrs.frozen
class Row:
    """One clause in the matrix: its implementations, its tests and its status."""

    clause: ClauseInfo
    implementations: tuple[Citation, ...]
    tests: tuple[str, ...]
    status: Status
    through_parts: bool = False


def _pack_citations() -> Iterator[Citation]:
    from sep.evaluation import builtin_pack, builtin_packs
    from sep.evaluation._spec import Criterion

    def walk(pack_id: str, criteria: Iterable[Criterion]) -> Iterator[Citation]:
        for criterion in criteria:
            yield Citation(criterion.clause, f"criterion of {pack_id}", criterion.id)
            yield from walk(pack_id, criterion.children)

    for pack_id in builtin_packs():
        pack = builtin_pack(pack_id)
        if pack.document != TCATE_DOCUMENT:  # a pack of another document cites its own ids
            continue
        yield Citation(pack.clause, "rule pack", pack_id)
        yield from walk(pack_id, pack.criteria)
        for name, spec in pack.inputs.items():
            yield Citation(spec.clause, f"input of {pack_id}", name)


def _enums_in(hint: Any) -> Iterator[type[enum.Enum]]:
    if isinstance(hint, type) and issubclass(hint, enum.Enum):
        yield hint
    for arg in typing.get_args(hint):
        yield from _enums_in(arg)


def _field_citations() -> Iterator[Citation]:
    classes: dict[str, type] = {}
    for module_name in _MODULES:
        module = importlib.import_module(module_name)
        for name in module.__all__:
            obj = getattr(module, name)
            if isinstance(obj, type) and attrs.has(obj):
                classes.setdefault(obj.__qualname__, obj)
    enums: dict[tuple[str, str], None] = {}
    for qualname in sorted(classes):
        cls = classes[qualname]
        if not any(field.metadata.get("clause") for field in attrs.fields(cls)):
            continue
        hints = typing.get_type_hints(cls)
        for field in attrs.fields(cls):
            clause = field.metadata.get("clause")
            if not clause:  # generic fields (an amount, a period) serve no one clause
                continue
            yield Citation(clause, "field", f"{qualname}.{field.name}")
            for found in _enums_in(hints.get(field.name)):
                enums.setdefault((clause, found.__qualname__), None)
    for clause, name in enums:
        yield Citation(clause, "enum", name)


def _process_citations() -> Iterator[Citation]:
    from sep.lifecycle import standard_definition

    definition = standard_definition()
    for state in definition.states:
        yield Citation(state.clause, "process state", state.name)
    for transition in definition.transitions:
        yield Citation(transition.clause, "process trigger", transition.trigger)


def _audit_citations() -> Iterator[Citation]:
    from sep.assessment import audit
    from sep.examples import annex_c_platform

    # The rows are those the audit really produces, on the shipped example platform.
    report = audit(annex_c_platform(portfolio=False), on=dt.date(2020, 9, 30))
    for row in report.rows:
        yield Citation(row.clause, "audit row", row.clause)


def citations() -> tuple[Citation, ...]:
    """Every clause citation found on the objects of ``sep``, duplicates removed.

    Example:
        >>> found = citations()
        >>> pack = "criterion of t-cate-0001-2020/graduation"
        >>> Citation("4.3.5(b)", pack, "4.3.5(b).listing") in found
        True
        >>> Citation("4.3.6", "process state", "committee_review") in found
        True
    """
    found = (
        *_pack_citations(),
        *_field_citations(),
        *_process_citations(),
        *_audit_citations(),
    )
    return tuple(dict.fromkeys(found))


def _status(implemented: bool, tested: bool) -> Status:
    if implemented:
        return "implemented and tested" if tested else "implemented only"
    return "tested only" if tested else "missing"


def matrix(
    tests: Mapping[str, Iterable[str]],
    found: Iterable[Citation] | None = None,
    index: Iterable[ClauseInfo] = TCATE_INDEX,
) -> tuple[Row, ...]:
    """One row per clause of ``index``: what implements it, which tests check it, its status.

    Args:
        tests: Test id → the clause ids its markers declare.
        found: The citations (default: :func:`citations`).
        index: The clauses (default: every clause of T/CATE 0001—2020).

    A clause whose text is all in its items (:attr:`ClauseInfo.parts`) and that nothing
    cites directly is implemented, and tested, when each of its items is.

    Example:
        >>> rows = matrix({"t::a": ["4.3.5(a)"]}, [Citation("4.3.5(a)", "field", "X.y")])
        >>> [(r.clause.id, r.status) for r in rows if r.clause.id in ("4.3.5", "4.3.5(a)")]
        [('4.3.5', 'missing'), ('4.3.5(a)', 'implemented and tested')]
    """
    clauses = tuple(index)
    by_clause: dict[str, list[Citation]] = {c.id: [] for c in clauses}
    for citation in citations() if found is None else found:
        by_clause.setdefault(citation.clause, []).append(citation)
    tested: dict[str, list[str]] = {c.id: [] for c in clauses}
    for test_id, ids in tests.items():
        for clause_id in ids:
            tested.setdefault(clause_id, []).append(test_id)
    rows: dict[str, Row] = {}
    for clause in clauses:
        impl = tuple(by_clause[clause.id])
        own_tests = tuple(sorted(set(tested[clause.id])))
        rows[clause.id] = Row(clause, impl, own_tests, _status(bool(impl), bool(own_tests)))
    for clause in clauses:
        row = rows[clause.id]
        if not clause.parts or row.implementations:
            continue
        parts = [rows[p] for p in clause.parts]
        implemented = all(p.implementations for p in parts)
        is_tested = bool(row.tests) or all(p.tests for p in parts)
        rows[clause.id] = attrs.evolve(
            row, status=_status(implemented, is_tested), through_parts=True
        )
    return tuple(rows[c.id] for c in clauses)


def gaps(
    tests: Mapping[str, Iterable[str]],
    found: Iterable[Citation] | None = None,
    index: Iterable[ClauseInfo] = TCATE_INDEX,
) -> list[str]:
    """What breaks traceability, one sentence each; empty when every rule holds.

    The rules: a *shall* or *list* clause has an implementation and a test; a test names
    only clause ids of the standard; an object of ``sep`` cites only clause ids of the
    standard.

    Example:
        >>> for gap in gaps({"t::a": ["4.9"]}, [], [ClauseInfo("4.3.5", "shall", "graduation")]):
        ...     print(gap)
        shall clause 4.3.5 has no implementation
        shall clause 4.3.5 has no test
        test t::a names unknown clause 4.9
    """
    clauses = tuple(index)
    known = {c.id for c in clauses}
    cited = tuple(citations() if found is None else found)
    problems: list[str] = []
    for row in matrix(tests, cited, clauses):
        if row.clause.kind not in REQUIRED_KINDS:
            continue
        if row.status in ("tested only", "missing"):
            problems.append(f"{row.clause.kind} clause {row.clause.id} has no implementation")
        if row.status in ("implemented only", "missing"):
            problems.append(f"{row.clause.kind} clause {row.clause.id} has no test")
    for test_id, ids in tests.items():
        problems.extend(
            f"test {test_id} names unknown clause {clause_id}"
            for clause_id in ids
            if clause_id not in known
        )
    problems.extend(
        f"{c.kind} {c.name} cites unknown clause {c.clause}" for c in cited if c.clause not in known
    )
    return problems


def _test_files(test_ids: Iterable[str]) -> list[str]:
    return sorted({test_id.split("::", 1)[0].removeprefix("tests/") for test_id in test_ids})


def _cell(row: Row) -> list[str]:
    if row.through_parts:
        return ["through its items " + ", ".join(row.clause.parts)]
    kinds: dict[str, list[str]] = {}
    for citation in row.implementations:
        kinds.setdefault(citation.kind, []).append(citation.name)
    return [
        f"**{kind}**: " + ", ".join(f"``{name}``" for name in names)
        for kind, names in kinds.items()
    ]


def render_rst(rows: Iterable[Row]) -> str:
    """The matrix as a reStructuredText list table (the body of the docs page).

    Example:
        >>> rows = matrix({}, [], [ClauseInfo("A", "info", "Annex A")])
        >>> print(render_rst(rows).splitlines()[-6:])
        ['   * - A', '     - info', '     - Annex A', '     - ', '     - ', '     - missing']
    """
    rows = tuple(rows)
    counts: dict[str, int] = {}
    for row in rows:
        counts[row.status] = counts.get(row.status, 0) + 1
    summary = "; ".join(f"{n} {status}" for status, n in sorted(counts.items()))
    lines = [
        f"{len(rows)} clauses: {summary}.",
        "",
        ".. list-table::",
        "   :header-rows: 1",
        "   :widths: 8 6 26 38 16 6",
        "",
        "   * - Clause",
        "     - Kind",
        "     - Gist",
        "     - Implemented by",
        "     - Tests",
        "     - Status",
    ]
    for row in rows:
        impl = _cell(row)
        files = _test_files(row.tests)
        lines.append(f"   * - {row.clause.id}")
        lines.append(f"     - {row.clause.kind}")
        lines.append(f"     - {row.clause.gist}")
        lines.append("     - " + (impl[0] if impl else ""))
        lines.extend(f"\n       {part}" for part in impl[1:])
        lines.append("     - " + ", ".join(f"``{f}``" for f in files))
        lines.append(f"     - {row.status}")
    return "\n".join(lines) + "\n"
