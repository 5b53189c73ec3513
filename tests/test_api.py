"""The public API contract: what sep exports, sorted, documented, typed.

Changing a name here is an API change: it must be deliberate and in CHANGELOG.md.
"""

from __future__ import annotations

import importlib
import importlib.util
import inspect
import re
import typing
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import sep

ROOT = Path(__file__).resolve().parent.parent
PUBLIC_MODULES = [
    "sep",
    "sep.errors",
    "sep.domain",
    "sep.evaluation",
    "sep.lifecycle",
    "sep.assessment",
    "sep.examples",
    "sep.portfolio",
    "sep.server",
]

#: Public modules that need an optional extra; their API is checked where it is installed.
OPTIONAL = {"sep.server": ("fastapi", "uvicorn")}

SERVER_ALL = [
    "DEFAULT_TIME_LIMIT",
    "DEFAULT_WORKERS",
    "MAX_BATCH_ROWS",
    "create_app",
    "document_version",
    "serve",
]


def _module(name: str) -> Any:
    for extra in OPTIONAL.get(name, ()):
        pytest.importorskip(extra)
    return importlib.import_module(name)


SEP_ALL = [
    "Decision",
    "Outcome",
    "SepError",
    "ValidationError",
    "__version__",
    "audit",
    "check_eligibility",
    "check_evaluation",
    "check_graduation",
    "load_pack",
    "load_parameters",
]


def test_top_level_api_is_pinned() -> None:
    """sep.__all__ is exactly the agreed list (the questions of 3.1–4.3.7 and their types)."""
    assert sep.__all__ == SEP_ALL


def test_server_api_is_pinned() -> None:
    """sep.server.__all__ is exactly the agreed list (the service of 4.2.1–4.3.7)."""
    assert _module("sep.server").__all__ == SERVER_ALL


def _isort_style(name: str) -> tuple[int, str]:
    """CONSTANTS, then Classes, then functions: the order ruff's RUF022 keeps."""
    if name.isupper() and len(name) > 1:
        return (0, name)
    return (1 if name[:1].isupper() else 2, name)


@pytest.mark.parametrize("name", PUBLIC_MODULES)
def test_all_is_sorted_and_resolves(name: str) -> None:
    """Every public module lists a sorted __all__ whose names all exist."""
    module = _module(name)
    exported = module.__all__
    assert exported == sorted(exported, key=_isort_style)
    for attr in exported:
        assert hasattr(module, attr), f"{name}.{attr} is listed but missing"


@pytest.mark.parametrize("name", PUBLIC_MODULES)
def test_public_names_have_docstrings(name: str) -> None:
    """Every exported class and function says what it does (Google style docstrings)."""
    module = _module(name)
    assert module.__doc__, f"{name} has no module docstring"
    for attr in module.__all__:
        obj = getattr(module, attr)
        if inspect.isclass(obj) or inspect.isfunction(obj):
            assert inspect.getdoc(obj), f"{name}.{attr} has no docstring"


@pytest.mark.parametrize("name", PUBLIC_MODULES)
def test_api_reference_lists_every_public_module(name: str) -> None:
    """docs/api.rst documents each public module (autodoc follows its __all__)."""
    api = (ROOT / "docs" / "api.rst").read_text(encoding="utf-8")
    assert f".. automodule:: {name}\n" in api


def test_package_is_typed_and_has_no_star_imports() -> None:
    """sep ships py.typed and never builds its API with ``import *``."""
    assert (ROOT / "sep" / "py.typed").exists()
    star = re.compile(r"^\s*from\s+\S+\s+import\s+\*", re.M)
    for path in (ROOT / "sep").rglob("*.py"):
        assert not star.search(path.read_text(encoding="utf-8")), path.name


def test_errors_share_one_root() -> None:
    """Every exception class sep.errors exports derives from SepError."""
    from sep import errors

    for attr in errors.__all__:
        obj = getattr(errors, attr)
        assert issubclass(obj, errors.SepError)


def _named_types(hint: Any, found: set[type]) -> None:
    if isinstance(hint, type):
        found.add(hint)
    origin = typing.get_origin(hint)
    if isinstance(origin, type):
        found.add(origin)
    for arg in typing.get_args(hint):
        _named_types(arg, found)


def _signatures(obj: Any) -> Iterator[tuple[str, Any]]:
    """``obj`` and, for a class, its public methods and properties: what the docs show."""
    yield "", obj
    if inspect.isclass(obj):
        for attr, member in vars(obj).items():
            if attr.startswith("_") and attr != "__init__":
                continue
            if isinstance(member, property) and member.fget is not None:
                yield f".{attr}", member.fget
            elif isinstance(member, classmethod | staticmethod):
                yield f".{attr}", member.__func__
            elif inspect.isfunction(member):
                yield f".{attr}", member


@pytest.mark.parametrize("name", PUBLIC_MODULES)
def test_public_signatures_name_only_public_types(name: str) -> None:
    """Every sep type a public function, class, method or property names in its hints is
    itself public (exported by some public module): the reference never shows a private
    class a user cannot import."""
    by_name = {
        a: getattr(_module(m), a)
        for m in PUBLIC_MODULES
        if m not in OPTIONAL or all(importlib.util.find_spec(e) for e in OPTIONAL[m])
        for a in _module(m).__all__
    }
    public = {id(obj) for obj in by_name.values()}
    module = _module(name)
    leaks = []
    for attr in module.__all__:
        for where, target in _signatures(getattr(module, attr)):
            if not callable(target):
                continue
            try:
                # names imported for type checking only resolve if they are public
                hints = typing.get_type_hints(target, localns=by_name)
            except NameError as missing:
                leaks.append(f"{name}.{attr}{where}: {missing.name} (not public)")
                continue
            found: set[type] = set()
            for param, hint in hints.items():
                if not param.startswith("_"):  # a private attribute or parameter
                    _named_types(hint, found)
            leaks += [
                f"{name}.{attr}{where}: {t.__module__}.{t.__qualname__}"
                for t in found
                if t.__module__.startswith("sep") and id(t) not in public
            ]
    assert leaks == []
