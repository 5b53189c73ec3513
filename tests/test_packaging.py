"""The package as published: one version, its license, what each extra brings, and the
streaming engine (durable-rules, the ``sep[stream]`` extra) kept optional.

Users served: whoever installs ``sep`` from a wheel. ``import sep`` and every engine but the
stream — the direct check (4.3.5), the column-wise batch (4.3.5) and the incubation
process (4.3.2) — must work where durable-rules is not installed, and a stream there must
raise :class:`~sep.errors.EngineUnavailableError` naming the extra to install.
"""

from __future__ import annotations

import importlib.metadata
import json
import re
import subprocess
import sys
import tomllib
from pathlib import Path
from typing import Any

import pytest

import sep

ROOT = Path(__file__).resolve().parent.parent
PYPROJECT = ROOT / "pyproject.toml"


def project() -> dict[str, Any]:
    """pyproject.toml of the checkout (the tests run from a checkout or an sdist)."""
    if not PYPROJECT.is_file():  # pragma: no cover - only when tests are copied elsewhere
        pytest.skip("no pyproject.toml next to the tests")
    with PYPROJECT.open("rb") as f:
        return tomllib.load(f)


def names(requirements: list[Any]) -> set[str]:
    """The distribution names of PEP 508 requirement strings (groups' includes skipped)."""
    return {
        re.split(r"[\s\[<>=!~;]", r, maxsplit=1)[0].lower().replace("_", "-")
        for r in requirements
        if isinstance(r, str)
    }


def test_version_is_the_installed_metadata_version() -> None:
    """sep.__version__ is the version the installed distribution declares: the build reads
    it from sep/__init__.py, so the two cannot drift (a stale install shows up here)."""
    assert sep.__version__ == importlib.metadata.version("sep"), (
        f"sep.__version__ is {sep.__version__!r} but the installed metadata says "
        f"{importlib.metadata.version('sep')!r}: reinstall (pip install -e .)"
    )


def test_version_is_written_once() -> None:
    """pyproject.toml holds no version of its own; hatchling takes it from sep/__init__.py,
    whose __version__ is a PEP 440 version."""
    data = project()
    assert "version" not in data["project"]
    assert "version" in data["project"]["dynamic"]
    assert data["tool"]["hatch"]["version"]["path"] == "sep/__init__.py"
    assert re.fullmatch(r"\d+(\.\d+)*((a|b|rc)\d+)?(\.post\d+)?(\.dev\d+)?", sep.__version__)


def test_license_file_is_mit_and_declared() -> None:
    """LICENSE is the MIT text of "The sep developers" and is the declared license file."""
    text = (ROOT / "LICENSE").read_text(encoding="utf-8")
    assert text.startswith("MIT License")
    assert "Copyright (c) 2026 The sep developers" in text
    data = project()["project"]
    assert data["license"] == "MIT" and data["license-files"] == ["LICENSE"]


def test_durable_rules_is_only_in_the_stream_extra() -> None:
    """durable-rules (source only, needs a build flag on 3.13) is not a core dependency:
    only the stream extra brings it."""
    data = project()["project"]
    assert "durable-rules" not in names(data["dependencies"])
    extras = data["optional-dependencies"]
    assert "durable-rules" in names(extras["stream"])
    assert [e for e, reqs in extras.items() if "durable-rules" in names(reqs)] == ["stream"]


def test_transitions_is_a_compatible_range() -> None:
    """transitions is pinned by a range with an upper bound, not one release: the internals
    test (test_transitions_internals.py) is what admits a release."""
    (spec,) = [r for r in project()["project"]["dependencies"] if r.startswith("transitions")]
    assert ">=" in spec and "<" in spec.replace("<=", "") and "==" not in spec, spec


def test_dev_tools_are_dependency_groups_not_extras() -> None:
    """The tools that test, check, document and build sep are PEP 735 groups, never extras
    a user could install; the dev group holds everything CI runs."""
    data = project()
    extras = data["project"]["optional-dependencies"]
    tools = {"pytest", "hypothesis", "ruff", "mypy", "sphinx", "build", "pytest-benchmark"}
    assert not {"test", "docs", "dev"} & set(extras)
    assert not tools & set().union(*(names(r) for r in extras.values()))
    groups = data["dependency-groups"]
    dev = groups["dev"]
    assert {"ruff", "mypy", "build"} <= names(dev)
    assert {"include-group": "test"} in dev and {"include-group": "docs"} in dev
    assert {"pytest", "hypothesis"} <= names(groups["test"])
    assert "sphinx" in names(groups["docs"])


# A process where durable-rules is not installed: both of its modules are unfindable, as
# after `pip install sep` without the stream extra.
WITHOUT_DURABLE = r"""
import datetime as dt, json, sys

class NotInstalled:
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in ("durable", "durable_rules_engine"):
            raise ModuleNotFoundError(f"No module named {name!r}", name=name)
        return None

sys.meta_path.insert(0, NotInstalled())
import sep
from sep.errors import EngineUnavailableError
from sep.evaluation import GraduationStream, RuleStream, check_graduation_batch, check_stream
from sep.lifecycle import IncubationProcess
from sep.examples import demo_incubatees

on = dt.date(2026, 1, 1)
out = {
    "direct": sep.check_graduation({"listed": True}, on=on).met_by,
    "batch": [int(x) for x in check_graduation_batch(
        {"listed": [True, False], "revenue": ["1", None]}, on=on).outcome],
}
process = IncubationProcess()
file = process.open(demo_incubatees()[0])
record = file.fire("start_screening", actor="desk", at=dt.datetime(2026, 1, 2, tzinfo=dt.UTC))
out["process"] = [record.from_state, record.to_state, file.state]
errors = {}
for name, make in (
    ("RuleStream", lambda: RuleStream("t-cate-0001-2020/graduation", on=on)),
    ("GraduationStream", lambda: GraduationStream(on=on)),
    ("check_stream", lambda: check_stream("t-cate-0001-2020/graduation", [{}], on=on)),
):
    try:
        make()
    except EngineUnavailableError as exc:
        errors[name] = {"engine": exc.engine, "reason": exc.reason, "fix": exc.fix,
                        "message": str(exc)}
out["errors"] = errors
out["durable_imported"] = sorted(m for m in sys.modules if m.split(".")[0].startswith("durable"))
print(json.dumps(out))
"""


def test_everything_but_the_stream_works_without_durable_rules() -> None:
    """Without durable-rules installed: import sep, a graduation check (4.3.5(b)), a batch
    (4.3.5) and the incubation process (4.3.2) work; each way into the stream raises
    EngineUnavailableError naming `pip install 'sep[stream]'` and the 3.13 build flag."""
    done = subprocess.run(
        [sys.executable, "-c", WITHOUT_DURABLE],
        cwd=ROOT,
        env={"PYTHONPATH": str(ROOT)},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    out = json.loads(done.stdout)
    assert out["direct"] == ["4.3.5(b)"]
    assert out["batch"] == [1, -1]  # listed: MET; not listed, revenue unknown: UNKNOWN
    assert out["process"] == ["applied", "screening", "screening"]
    assert out["durable_imported"] == []
    assert sorted(out["errors"]) == ["GraduationStream", "RuleStream", "check_stream"]
    for err in out["errors"].values():
        assert err["engine"] == "durable-rules"
        assert "not installed" in err["reason"]
        assert "pip install 'sep[stream]'" in err["fix"]
        assert 'CPPFLAGS="-DPyEval_CallObject=PyObject_CallObject"' in err["fix"]
        assert "sep[stream]" in err["message"]
