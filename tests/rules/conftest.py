"""Collect rule case files (``tests/rules/*.toml`` or ``.yaml``): one pytest item per case.

Each case states, for a rule pack (4.2.1 eligibility, 4.3.5 graduation, 4.3.7-b
evaluation, the 2018 incubator measures), the inputs and the expected outcome overall and
per criterion. A failing case prints every mismatch and the decision's explanation. A case
of a T/CATE pack carries a ``clause`` marker: the pack's clause and the clause of each
criterion whose outcome it states.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from sep.evaluation._cases import RuleCase, load_cases
from sep.evaluation._clauses import TCATE_DOCUMENT
from sep.evaluation._spec import Criterion

_HERE = Path(__file__).parent


class RuleCaseFailure(Exception):
    """A rule case whose decision differs from what the file expects."""


class RuleCaseFile(pytest.File):
    """A TOML file of rule cases."""

    def collect(self) -> Iterator[pytest.Item]:
        for case in load_cases(self.path):
            yield RuleCaseItem.from_parent(self, name=case.name, case=case)


class RuleCaseItem(pytest.Item):
    """One ``[[case]]``: its inputs must give the stated outcomes."""

    def __init__(self, *, case: RuleCase, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.case = case
        clauses = _clauses_of(case)
        if clauses:
            self.add_marker(pytest.mark.clause(*clauses))

    def runtest(self) -> None:
        problems = self.case.run()
        if problems:
            raise RuleCaseFailure("\n".join(problems))

    def repr_failure(self, excinfo: Any, style: Any = None) -> str:
        if isinstance(excinfo.value, RuleCaseFailure):
            return f"{self.case.source}: {self.case.name}\n{excinfo.value}"
        return str(super().repr_failure(excinfo))

    def reportinfo(self) -> tuple[Path, int | None, str]:
        return self.path, None, f"{self.case.source}: {self.case.name}"


def _clauses_of(case: RuleCase) -> list[str]:
    """The T/CATE clauses a case checks: its pack's, and each stated criterion's."""
    if case.pack.document != TCATE_DOCUMENT:  # another document's ids are not T/CATE's
        return []
    by_id: dict[str, str] = {}

    def walk(criteria: tuple[Criterion, ...]) -> None:
        for criterion in criteria:
            by_id[criterion.id] = criterion.clause
            walk(criterion.children)

    walk(case.pack.criteria)
    found = [case.pack.clause, *(by_id[c] for c in case.criteria if c in by_id)]
    return list(dict.fromkeys(found))


def pytest_collect_file(parent: pytest.Collector, file_path: Path) -> pytest.Collector | None:
    if file_path.suffix in (".toml", ".yaml", ".yml") and file_path.parent == _HERE:
        return RuleCaseFile.from_parent(parent, path=file_path)
    return None
