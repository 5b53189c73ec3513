"""Hostile domain documents (4.2.1, 4.3.5, 4.3.7): mutated Incubatee/Enterprise/Platform JSON.

A valid document is drawn, then broken the way exports break: a required field dropped or
set to null, a key misspelled, an unknown key added, a value of the wrong JSON type, an
amount such as ``"1,5"`` or ``"1e400"``, a date such as ``"2026-02-30"``, a naive
date-time, junk anywhere. :func:`~sep.domain.from_dict` and :func:`~sep.domain.from_json`
must refuse what is broken with a :class:`~sep.errors.SepError`, a question asked of the
broken document as a mapping must be refused too (never re-read as named inputs), and
whatever is accepted must serialise and read back to the same object.
"""

from __future__ import annotations

import copy
import datetime as dt
import json
import re
from decimal import Decimal
from typing import Any

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from sep.domain import Enterprise, Incubatee, Platform, from_dict, from_json, to_dict, to_json
from sep.evaluation import check_eligibility, check_graduation
from tests._fuzz import FuzzFailure, run_case
from tests.strategies import (
    JUNK_AMOUNT_TEXTS,
    Hostile,
    deep_dict,
    deep_list,
    enterprise_s,
    incubatee_s,
    junk_object_s,
    misspell,
    pick,
    platform_s,
)

pytestmark = pytest.mark.clause("4.2.1", "4.3.5", "4.3.7")

ON = dt.date(2026, 1, 1)
BOUNDARY = "documents"
DOCS: dict[type, st.SearchStrategy[Any]] = {
    Incubatee: incubatee_s(),
    Enterprise: enterprise_s,
    Platform: platform_s,
}
QUESTION = {Incubatee: check_graduation, Enterprise: check_eligibility}
REQUIRED = {
    cls: tuple(f.name for f in attrs.fields(cls) if f.default is attrs.NOTHING) for cls in DOCS
}
_DATE = re.compile(r"^\d{4}-\d\d-\d\d$")
_DATETIME = re.compile(r"^\d{4}-\d\d-\d\dT")
_NUMERIC = re.compile(r"^-?\d+(\.\d+)?$")

Path = tuple[Any, ...]


def _nodes(tree: Any, path: Path = ()) -> list[tuple[Path, Any]]:
    """Every node of a JSON tree with its path (keys and indexes), the root first."""
    out = [(path, tree)]
    if isinstance(tree, dict):
        for key, value in tree.items():
            out.extend(_nodes(value, (*path, key)))
    elif isinstance(tree, list):
        for i, value in enumerate(tree):
            out.extend(_nodes(value, (*path, i)))
    return out


def _parent(tree: Any, path: Path) -> Any:
    for step in path[:-1]:
        tree = tree[step]
    return tree


def _wrong_type(value: Any, path: Path) -> list[Any]:
    """Values of another JSON type than ``value`` that no field of its kind reads."""
    key = path[-1] if path else None
    if isinstance(value, bool):
        return ["true", 1, 0, "yes", [], {}]
    if isinstance(value, str):
        if key in ("amount", "period", "score") or _NUMERIC.match(value):
            return [True, [], {}, ["1"], {"amount": value}]
        return [5, True, [], {}, [value], {"value": value}, 1.5]
    if isinstance(value, int | Decimal):
        return ["many", True, [], {}, [value], 1.5]
    if isinstance(value, list):
        return [{}, "[]", 5, True, {"0": value}]
    if isinstance(value, dict):
        if set(value) <= {"amount", "currency"}:
            return [True, [], ["5"], {"amount": "5", "currency": "CNY", "extra": 1}]
        return [[], "{}", 5, True, [value]]
    return []


@st.composite
def broken_documents(draw: st.DrawFn) -> tuple[type, str, Any]:
    """A document class, the name of the mutation, and a document broken by it."""
    cls = draw(st.sampled_from(sorted(DOCS, key=lambda c: c.__name__)))
    doc = copy.deepcopy(to_dict(draw(DOCS[cls])))
    nodes = _nodes(doc)
    kinds = ["drop_required", "null_required", "rename", "add_unknown", "retype"]
    amounts = [p for p, v in nodes if p and p[-1] == "amount" and isinstance(v, str)]
    dates = [p for p, v in nodes if isinstance(v, str) and _DATE.match(v)]
    stamps = [p for p, v in nodes if isinstance(v, str) and _DATETIME.match(v)]
    kinds += ["amount"] * bool(amounts) + ["date"] * bool(dates) + ["datetime"] * bool(stamps)
    kind = draw(st.sampled_from(kinds))
    if kind in ("drop_required", "null_required"):
        name = draw(st.sampled_from(REQUIRED[cls]))
        if kind == "drop_required":
            del doc[name]
        else:
            doc[name] = None
    elif kind in ("rename", "add_unknown"):
        maps = [p for p, v in nodes if isinstance(v, dict) and v]
        where = draw(st.sampled_from(maps))
        target = _parent(doc, (*where, None))
        key = draw(st.sampled_from(sorted(target)))
        wrong = draw(misspell(key))
        if wrong in target:
            wrong += "_x"
        if kind == "rename":
            target[wrong] = target.pop(key)
        else:
            target[wrong] = copy.deepcopy(target[key])
    elif kind == "retype":
        choices = [(p, v) for p, v in nodes if p and v is not None and _wrong_type(v, p)]
        path, value = draw(st.sampled_from(choices))
        _parent(doc, path)[path[-1]] = draw(st.sampled_from(_wrong_type(value, path)))
    elif kind == "amount":
        path = draw(st.sampled_from(amounts))
        _parent(doc, path)[path[-1]] = draw(st.sampled_from(JUNK_AMOUNT_TEXTS))
    elif kind == "date":
        path = draw(st.sampled_from(dates))
        bad = [
            "2026-02-30",
            "2026-13-01",
            "20260101",
            "2026/01/01",
            "",
            "2026-1-1",
            "2026-01-01T00:00:00+00:00",
            "０２０２６-01-01",
            "2026-01-01\n",
        ]
        _parent(doc, path)[path[-1]] = draw(st.sampled_from(bad))
    else:
        path = draw(st.sampled_from(stamps))
        bad = [
            "2026-03-01T09:00:00",
            "2026-03-01",
            "2026-03-01T25:00:00+00:00",
            "",
            "now",
            "2026-03-01T09:00:00+24:00",
        ]
        _parent(doc, path)[path[-1]] = draw(st.sampled_from(bad))
    return cls, kind, doc


def round_trips(cls: type) -> Any:
    """Accept an object only if it serialises and reads back to an equal object."""

    def accept(obj: Any) -> str:
        text = to_json(obj)
        again = from_json(cls, text)
        if to_dict(again) != to_dict(obj):
            raise FuzzFailure(f"{cls.__name__} does not read back to itself from {text[:200]}")
        return "accepted"

    return accept


@given(broken_documents())
def test_broken_documents_are_refused(case: tuple[type, str, Any]) -> None:
    """A document with a required field missing or null, a misspelled or unknown key, a
    value of the wrong type, an ambiguous or unbounded amount, an impossible date or a
    naive date-time is refused by ``from_dict`` and ``from_json`` with a SepError."""
    cls, kind, doc = case
    run_case(BOUNDARY, lambda: from_dict(cls, doc), (cls.__name__, kind, doc), accept=None)
    text = json.dumps(doc, default=str)
    run_case(BOUNDARY, lambda: from_json(cls, text), (cls.__name__, kind, text), accept=None)


@given(broken_documents().filter(lambda c: c[0] in QUESTION))
def test_questions_refuse_broken_documents(case: tuple[type, str, Any]) -> None:
    """A broken incubatee (4.3.5) or enterprise (4.2.1) document given to its question is
    refused; a half-document is never silently re-read as flat named inputs."""
    cls, kind, doc = case
    ask = QUESTION[cls]
    run_case(
        BOUNDARY + " (as facts)",
        lambda: ask(doc, on=ON),
        (cls.__name__, kind, doc),
        accept=None,
    )


@st.composite
def junk_anywhere(draw: st.DrawFn) -> tuple[type, Any]:
    """A valid document with one node replaced by junk of any kind."""
    cls = draw(st.sampled_from(sorted(DOCS, key=lambda c: c.__name__)))
    doc = copy.deepcopy(to_dict(draw(DOCS[cls])))
    paths = [p for p, _ in _nodes(doc) if p]
    path = draw(st.sampled_from(paths))
    _parent(doc, path)[path[-1]] = draw(junk_object_s)
    return cls, doc


@given(junk_anywhere())
def test_junk_anywhere_is_refused_or_reads_back(case: tuple[type, Any]) -> None:
    """Junk at any node of a document gives a SepError, or an object that serialises and
    reads back to itself (what sep accepts, it can write)."""
    cls, doc = case
    run_case(BOUNDARY, lambda: from_dict(cls, doc), (cls.__name__, doc), accept=round_trips(cls))


NOT_DOCUMENTS = [
    None,
    5,
    "incubatee",
    b"{}",
    [],
    [{"id": "x", "name": "X", "origin": "internal"}],
    Hostile(),
    deep_dict(10_000),
    deep_list(10_000),
    {"id": "x", "name": "X", "origin": "internal", "financials": deep_list(10_000)},
    {"id": "x", "name": "X", "origin": "internal", "financing_rounds": [{}] * 50_000},
    {"name": "X", "industry": "C38", "employees": 10**5000},
    {"name": "X", "industry": "C38", "employees": True},
    {"name": "X", "industry": "C38", "operating_revenue": {"amount": "1", "currency": "USD"}},
]


@given(st.sampled_from(sorted(DOCS, key=lambda c: c.__name__)), pick(NOT_DOCUMENTS))
def test_data_that_is_no_document_is_refused(cls: type, data: Any) -> None:
    """Data that is not a document of the class (not an object, 10,000 levels deep,
    50,000 empty rounds, a 5,000-digit integer) is refused quickly with a SepError."""
    run_case(BOUNDARY, lambda: from_dict(cls, data), (cls.__name__, data), accept=None)


_VALID = json.dumps({"id": "h-1", "name": "Leishen", "origin": "internal"})
JUNK_TEXTS: list[Any] = [
    b"\xff\xfe{\x00}\x00",
    _VALID.encode("utf-16"),
    '{"id": "h-1", "name": "Caf\xe9", "origin": "internal"}'.encode("latin-1"),
    bytes(range(256)),
    b"\x00" * 64,
    "",
    " ",
    "null",
    "[]",
    "5",
    '"incubatee"',
    "[" * 100_000,
    '{"a":' * 50_000,
    '{"id": "h-1", "name": "A", "origin": "internal", "id": "h-2"}',
    '{"id": "h-1", "name": "\\ud800", "origin": "internal"}',
    '{"id": "h-1", "name": NaN, "origin": "internal"}',
    '{"id": "h-1", "name": "A", "origin": "internal", "valuation": {"amount": Infinity}}',
    '{"id": "h-1", "name": "A", "origin": "internal", "valuation": {"amount": 1e999999999}}',
    '{"id": "h-1", "name": "A", "origin": "internal", "valuation": {"amount": ' + "9" * 5000 + "}}",
    '{"id": "h-1", "name": "A", "origin": "internal", "founded": "2026-02-30"}',
    _VALID[:-1],
    _VALID + "x",
    None,
    5,
    Hostile(),
    memoryview(b"{}"),
]


@given(st.sampled_from(sorted(DOCS, key=lambda c: c.__name__)), pick(JUNK_TEXTS))
def test_junk_json_text_is_refused(cls: type, text: Any) -> None:
    """JSON text that is not UTF-8, not JSON, too deep, with duplicate keys, lone
    surrogates, NaN, huge or unbounded numbers, or not text at all, is refused."""
    run_case(BOUNDARY, lambda: from_json(cls, text), (cls.__name__, text), accept=None)
