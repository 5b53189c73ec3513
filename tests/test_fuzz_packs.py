"""Hostile rule packs, parameter files and case files (3.1, 4.2.1, 4.3.5, 4.3.7-b).

Rule files are written by platform operators and reach ``sep`` from disk. Mutated pack
mappings (a parent cycle, an orphan parent, no criteria, a junk threshold, a node of the
wrong type, 900 levels of nested conditions) and junk files (binary, Latin-1, UTF-16,
deeply nested TOML or YAML, YAML aliases and billion laughs, recursive aliases, duplicate
keys, ``!!python`` tags, impossible dates, 5,000-digit integers, ``1e999999999``) must be
refused with a :class:`~sep.errors.SepError` (a :class:`~sep.errors.RuleDefinitionError`
naming file and key), in bounded time and memory. A pack that is accepted must answer
UNKNOWN when nothing is known — never MET for "all of zero criteria".
"""

from __future__ import annotations

import copy
import datetime as dt
import os
import tempfile
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from importlib.resources import files
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sep.evaluation import (
    GRADUATION,
    RulePack,
    check,
    load_cases,
    load_pack,
    load_parameters,
    pack_from_mapping,
    run_cases,
)
from sep.evaluation._loader import read_definition
from tests._fuzz import FuzzFailure, run_case, run_isolated
from tests.strategies import (
    JUNK_AMOUNT_TEXTS,
    Hostile,
    deep_dict,
    junk_object_s,
    misspell,
    pick,
)
from tests.test_fuzz_inputs import all_unknown

pytestmark = pytest.mark.clause("3.1", "4.2.1", "4.3.5", "4.3.7-b")

ON = dt.date(2026, 1, 1)
BOUNDARY = "packs"
PACK_FILES = ("graduation", "eligibility", "evaluation", "torch_2018_graduation")
BASES = {
    name: read_definition(str(files("sep.evaluation") / "packs" / f"{name}.toml"))
    for name in PACK_FILES
}


def answers_unknown(pack: Any) -> str:
    """Accept a pack only if it answers UNKNOWN, explained, when nothing is known."""
    if not isinstance(pack, RulePack):
        raise FuzzFailure(f"returned {type(pack).__name__}, not a RulePack")
    if not pack.criteria:
        raise FuzzFailure("a pack with no criteria was accepted")
    all_unknown(check(pack, {}, on=ON))
    return "accepted"


def _criteria(doc: dict[str, Any]) -> list[dict[str, Any]]:
    return [c for c in doc.get("criteria", []) if isinstance(c, dict)]


def _deep_condition(depth: int, leaf: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = leaf
    for i in range(depth):
        out = {"not": out} if i % 2 else {"all": [out]}
    return out


@st.composite
def broken_packs(draw: st.DrawFn) -> tuple[str, str, dict[str, Any]]:
    """A shipped pack's mapping broken in one way it must be refused for."""
    name = draw(st.sampled_from(PACK_FILES))
    doc = copy.deepcopy(BASES[name])
    crits = _criteria(doc)
    kind = draw(
        st.sampled_from(
            [
                "cycle",
                "self_parent",
                "orphan",
                "no_criteria",
                "drop_criteria",
                "duplicate_id",
                "unknown_input",
                "unknown_param",
                "bad_op",
                "bad_combine",
                "unknown_clause",
                "param_value",
                "param_since",
                "no_values",
                "input_type",
                "misspelled_key",
                "deep_condition",
                "huge_periods",
            ]
        )
    )
    leaves = [c for c in crits if isinstance(c.get("condition"), dict)]
    if kind == "cycle":
        a, b = draw(
            st.lists(st.sampled_from(range(len(crits))), min_size=2, max_size=2, unique=True)
        )
        crits[a]["parent"], crits[b]["parent"] = crits[b]["id"], crits[a]["id"]
    elif kind == "self_parent":
        c = draw(st.sampled_from(crits))
        c["parent"] = c["id"]
    elif kind == "orphan":
        draw(st.sampled_from(crits))["parent"] = "no-such-criterion"
    elif kind == "no_criteria":
        doc["criteria"] = []
    elif kind == "drop_criteria":
        del doc["criteria"]
    elif kind == "duplicate_id":
        doc["criteria"].append(copy.deepcopy(draw(st.sampled_from(crits))))
    elif kind in ("unknown_input", "unknown_param", "bad_op", "deep_condition", "huge_periods"):
        c = draw(st.sampled_from(leaves))
        cond = c["condition"]
        while isinstance(cond, dict) and ("all" in cond or "any" in cond or "not" in cond):
            inner = cond.get("all") or cond.get("any") or [cond.get("not")]
            cond = inner[0]
        if kind == "unknown_input":
            cond["input"] = draw(misspell(str(cond.get("input", "x"))))
        elif kind == "unknown_param":
            cond.pop("value", None)
            cond["param"] = draw(misspell(str(cond.get("param", "x_min"))))
        elif kind == "bad_op":
            cond["op"] = draw(pick(["=>", "=", "===", "in", "", None, 5, ["<"], "lt"]))
        elif kind == "huge_periods":
            cond["measure"] = "each_of_last"
            cond["periods"] = draw(pick([10**9, 0, -1, 1.5, "1e7", 10**5000, True]))
        else:
            c["condition"] = _deep_condition(draw(pick([900, 5_000])), copy.deepcopy(cond))
    elif kind == "bad_combine":
        target = draw(st.sampled_from([doc["pack"], *crits]))
        target["combine"] = draw(pick(["some", "ALL", "", None, 1, ["all"]]))
    elif kind == "unknown_clause":
        draw(st.sampled_from(crits))["clause"] = draw(pick(["9.9", "4.3.5(z)", "", 435]))
    elif kind in ("param_value", "param_since", "no_values"):
        params = doc["parameters"]
        spec = params[draw(st.sampled_from(sorted(params)))]
        if kind == "no_values":
            spec["values"] = draw(pick([[], None, "50000000", [{}]]))
        elif kind == "param_value":
            bad = [
                *JUNK_AMOUNT_TEXTS,
                10**5000,
                True,
                None,
                [],
                1.5 if spec["type"] != "number" else [],
            ]
            spec["values"][0]["value"] = draw(pick(bad))
        else:
            spec["values"][0]["since"] = draw(
                pick(["2026-13-01", "", 20200101, None, dt.datetime(2020, 1, 1), "yesterday"])
            )
    elif kind == "input_type":
        spec = doc["inputs"][draw(st.sampled_from(sorted(doc["inputs"])))]
        spec["type"] = draw(pick(["integer", "float", "", None, 5, ["bool"], "Money"]))
    else:
        table = draw(st.sampled_from(["pack", "inputs", "parameters"]))
        key = draw(st.sampled_from(sorted(doc[table])))
        doc[table][draw(misspell(key))] = doc[table].pop(key)
        # A renamed input or parameter is merely unused (harmless); a misspelt key of
        # [pack] is refused like any unknown key.
        kind = "misspelled_key" if table == "pack" else "misspelled_key (unused input or parameter)"
    return name, kind, doc


@given(broken_packs())
def test_broken_pack_mappings_are_refused(case: tuple[str, str, dict[str, Any]]) -> None:
    """A pack with a parent cycle, an orphan parent, no criteria, a duplicate id, an
    unknown input, parameter, operator, combinator or clause, a junk threshold, a
    billion-period window or 900 nested conditions is refused when it is built."""
    name, kind, doc = case
    accept = answers_unknown if kind.startswith("misspelled_key (") else None
    run_case(
        BOUNDARY,
        lambda: pack_from_mapping(doc, source=f"{name}.toml"),
        (name, kind, doc),
        accept=accept,
    )


def _paths(tree: Any, path: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    if path:
        yield path
    if isinstance(tree, dict):
        for k, v in tree.items():
            yield from _paths(v, (*path, k))
    elif isinstance(tree, list):
        for i, v in enumerate(tree):
            yield from _paths(v, (*path, i))


@st.composite
def junk_packs(draw: st.DrawFn) -> tuple[str, dict[str, Any]]:
    """A shipped pack's mapping with one node anywhere replaced by junk."""
    name = draw(st.sampled_from(PACK_FILES))
    doc = copy.deepcopy(BASES[name])
    path = draw(st.sampled_from(list(_paths(doc))))
    node: Any = doc
    for step in path[:-1]:
        node = node[step]
    node[path[-1]] = draw(junk_object_s | pick(JUNK_AMOUNT_TEXTS))
    return name, doc


@given(junk_packs())
def test_junk_anywhere_in_a_pack_is_refused_or_harmless(case: tuple[str, dict[str, Any]]) -> None:
    """Junk at any node of a pack gives a SepError, or a pack that still answers UNKNOWN
    for unknown facts and explains itself."""
    name, doc = case
    run_case(
        BOUNDARY,
        lambda: pack_from_mapping(doc, source=f"{name}.toml"),
        (name, doc),
        accept=answers_unknown,
    )


@given(pick([None, 5, "pack", [], [("pack", {})], b"", Hostile(), deep_dict(10_000)]))
def test_pack_mappings_that_are_not_mappings(data: Any) -> None:
    """A pack "mapping" that is not one (None, a list, bytes, 10,000 levels) is refused."""
    run_case(BOUNDARY, lambda: pack_from_mapping(data), data, accept=None)


# -- files -------------------------------------------------------------------------------

_GRAD = (files("sep.evaluation") / "packs" / "graduation.toml").read_text(encoding="utf-8")
_PARAMS = (
    '[parameters.cash_flow_periods]\ntype = "integer"\n'
    'values = [{since = 2020-01-01, value = VALUE, source = "x"}]\n'
)
_CASES = (
    '[file]\npack = "t-cate-0001-2020/graduation"\non = 2026-01-01\n\n[[case]]\nname = "a"\nBODY\n'
)
_LAUGHS = "a: &a [x, x, x, x, x, x, x, x, x, x]\n" + "".join(
    f"{chr(98 + i)}: &{chr(98 + i)} [{', '.join(['*' + chr(97 + i)] * 10)}]\n" for i in range(8)
)
_YAML_PACK = """pack:
  id: x/y
  version: "1"
  question: graduation
  document: "T/CATE 0001—2020"
  clause: "4.3.5"
  combine: any
  en: x
  zh: x
inputs:
  listed: {type: bool, clause: "4.3.5(b)", en: listed, zh: 上市}
criteria:
  - id: "4.3.5(b)"
    clause: "4.3.5(b)"
    en: x
    zh: x
    condition: {input: listed, op: "==", value: true}
"""

#: A valid YAML pack (and parameter and case file) carrying the laughs in an extra key.
_LAUGHS_PACK = (
    _YAML_PACK
    + "parameters: {}\nfile: {pack: t-cate-0001-2020/graduation}\ncase: [{name: a}]\n"
    + _LAUGHS
    + "notes: *i\n"
)

#: (name, suffix, content): files every loader must refuse.
JUNK_FILES: list[tuple[str, str, bytes]] = [
    ("binary", ".toml", bytes(range(256)) * 4),
    ("binary yaml", ".yaml", bytes(range(256)) * 4),
    ("nul bytes", ".toml", b"\x00" * 100),
    ("latin-1", ".toml", '[pack]\nen = "café"\n'.encode("latin-1")),
    ("utf-16 pack", ".toml", _GRAD.encode("utf-16")),
    ("utf-16 yaml", ".yaml", _YAML_PACK.encode("utf-16")),
    ("empty", ".toml", b""),
    ("empty yaml", ".yaml", b""),
    ("whitespace", ".yml", b"   \n\t\n"),
    ("yaml scalar", ".yaml", b"5\n"),
    ("yaml list", ".yaml", b"- 1\n- 2\n"),
    ("deep toml arrays", ".toml", b"a = " + b"[" * 900 + b"]" * 900 + b"\n"),
    ("deeper toml arrays", ".toml", b"a = " + b"[" * 50_000 + b"]" * 50_000 + b"\n"),
    ("deep toml tables", ".toml", b"a = " + b"{b = " * 900 + b"1" + b"}" * 900 + b"\n"),
    ("deep yaml", ".yaml", b"a: " + b"[" * 900 + b"]" * 900 + b"\n"),
    ("deeper yaml", ".yaml", b"a: " + b"[" * 50_000 + b"]" * 50_000 + b"\n"),
    ("yaml alias", ".yaml", (_YAML_PACK + "extra: &x [1]\nmore: *x\n").encode()),
    (
        "yaml merge key",
        ".yaml",
        _YAML_PACK.replace("inputs:\n", "base: &b {type: bool}\ninputs:\n").encode(),
    ),
    ("yaml recursive alias", ".yaml", b"a: &a [*a]\n"),
    ("yaml recursive mapping", ".yaml", b"a: &a {b: *a}\n"),
    ("yaml duplicate key", ".yaml", (_YAML_PACK + "pack:\n  id: other\n").encode()),
    (
        "yaml duplicate nested key",
        ".yaml",
        _YAML_PACK.replace('  version: "1"\n', '  version: "1"\n  version: "2"\n').encode(),
    ),
    ("yaml python tag", ".yaml", b"a: !!python/object/apply:os.system ['true']\n"),
    ("yaml python name", ".yaml", b"a: !!python/name:os.system\n"),
    ("yaml binary tag", ".yaml", b"a: !!binary aGVsbG8=\n"),
    ("yaml set", ".yaml", b"a: !!set {x, y}\n"),
    ("yaml bad date", ".yaml", b"a: 2026-13-01\n"),
    ("yaml huge int", ".yaml", b"a: 1" + b"0" * 5000 + b"\n"),
    ("yaml inf", ".yaml", b"a: .inf\nb: .nan\n"),
    ("toml bad date", ".toml", b"a = 2026-13-01\n"),
    ("toml huge int", ".toml", b"a = 1" + b"0" * 5000 + b"\n"),
    ("toml inf", ".toml", b"a = inf\nb = nan\n"),
    ("toml duplicate key", ".toml", b"a = 1\na = 2\n"),
    ("toml not toml", ".toml", b"this is not = = toml\n"),
    ("json as toml", ".toml", b'{"pack": {}}'),
    ("param huge int", ".toml", _PARAMS.replace("VALUE", "1" + "0" * 5000).encode()),
    ("param 1e999999999 float", ".toml", _PARAMS.replace("VALUE", "1e999999999").encode()),
    ("param 10^9", ".toml", _PARAMS.replace("VALUE", "1000000000").encode()),
    ("param 1e7 text", ".toml", _PARAMS.replace("VALUE", '"1e7"').encode()),
    ("param nan", ".toml", _PARAMS.replace("VALUE", "nan").encode()),
    ("param bool", ".toml", _PARAMS.replace("VALUE", "true").encode()),
    ("param date", ".toml", _PARAMS.replace("VALUE", "2020-01-01").encode()),
    ("param table", ".toml", _PARAMS.replace("VALUE", "{a = 1}").encode()),
    (
        "param since text",
        ".toml",
        _PARAMS.replace("since = 2020-01-01", 'since = "2026-13-01"')
        .replace("VALUE", "4")
        .encode(),
    ),
    ("param no values", ".toml", b"[parameters.revenue_min]\nvalues = []\n"),
    ("param values text", ".toml", b'[parameters.revenue_min]\nvalues = "x"\n'),
    (
        "param type",
        ".toml",
        _PARAMS.replace('"integer"', '"complex"').replace("VALUE", "4").encode(),
    ),
    ("params not a table", ".toml", b"parameters = 5\n"),
    (
        "cases: pack missing",
        ".toml",
        _CASES.replace('"t-cate-0001-2020/graduation"', '"missing.toml"')
        .replace("BODY", 'outcome = "met"')
        .encode(),
    ),
    (
        "cases: pack is itself",
        ".toml",
        _CASES.replace('"t-cate-0001-2020/graduation"', '"self.toml"')
        .replace("BODY", 'outcome = "met"')
        .encode(),
    ),
    (
        "cases: pack number",
        ".toml",
        _CASES.replace('"t-cate-0001-2020/graduation"', "5").replace("BODY", "").encode(),
    ),
    ("cases: inputs list", ".toml", _CASES.replace("BODY", "inputs = [1, 2]").encode()),
    ("cases: inputs text", ".toml", _CASES.replace("BODY", 'inputs = "listed"').encode()),
    ("cases: missing number", ".toml", _CASES.replace("BODY", "missing = 5").encode()),
    ("cases: params text", ".toml", _CASES.replace("BODY", 'params = "x"').encode()),
    ("cases: params list", ".toml", _CASES.replace("BODY", "params = [1]").encode()),
    ("cases: on text", ".toml", _CASES.replace("BODY", 'on = "2026-01-01"').encode()),
    ("cases: on datetime", ".toml", _CASES.replace("BODY", "on = 2026-01-01T00:00:00").encode()),
    ("cases: outcome junk", ".toml", _CASES.replace("BODY", 'outcome = "MET"').encode()),
    ("cases: criteria list", ".toml", _CASES.replace("BODY", "criteria = [1]").encode()),
    (
        "cases: criteria junk",
        ".toml",
        _CASES.replace("BODY", 'criteria = { "4.3.5(a)" = 5 }').encode(),
    ),
    (
        "cases: junk input",
        ".toml",
        _CASES.replace("BODY", 'inputs = { revenue = "1,5" }\noutcome = "unknown"').encode(),
    ),
    (
        "cases: unknown input",
        ".toml",
        _CASES.replace("BODY", 'inputs = { revenu = "5" }\noutcome = "unknown"').encode(),
    ),
    ("cases: error number", ".toml", _CASES.replace("BODY", "error = 5").encode()),
    ("cases: case text", ".toml", b'[file]\npack = "t-cate-0001-2020/graduation"\ncase = "x"\n'),
    (
        "cases: case tables junk",
        ".toml",
        b'[file]\npack = "t-cate-0001-2020/graduation"\ncase = [1, 2]\n',
    ),
    ("cases: file text", ".toml", b'file = "x"\n'),
]

LOADERS: dict[str, Callable[[str], Any]] = {
    "load_pack": load_pack,
    "load_parameters": load_parameters,
    "load_cases": load_cases,
}


def _accept_loaded(loader: str) -> Callable[[Any], Any]:
    def accept(result: Any) -> Any:
        if loader == "load_pack":
            return answers_unknown(result)
        if loader == "load_parameters":
            all_unknown(check(GRADUATION, {}, params=result, on=ON))
            return "accepted"
        for case in result:
            case.run()
        return "accepted"

    return accept


def _accept_or_refuse(loader: str) -> Callable[[Any], Any]:
    """A loaded parameter file must still be refused or harmless when used."""

    def accept(result: Any) -> Any:
        try:
            return _accept_loaded(loader)(result)
        except Exception as err:
            if type(err).__module__.startswith("sep"):
                return "refused when used"
            raise

    return accept


@pytest.mark.parametrize("loader", sorted(LOADERS))
@pytest.mark.parametrize(("name", "suffix", "content"), JUNK_FILES, ids=[f[0] for f in JUNK_FILES])
def test_junk_files_are_refused(loader: str, name: str, suffix: str, content: bytes) -> None:
    """A junk rule file (binary, not UTF-8, too deep, aliases, duplicate keys, code tags,
    impossible dates, huge integers, junk parameter or case tables) is refused by every
    loader with a SepError in bounded time and memory, or loads into something that is
    refused or harmless when used."""
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, ("self" if "itself" in name else "junk") + suffix)
        Path(path).write_bytes(content)
        run_case(
            f"{BOUNDARY} (files)",
            lambda: LOADERS[loader](path),
            (loader, name),
            accept=_accept_or_refuse(loader),
        )


def test_billion_laughs_is_refused_in_bounded_time_and_memory() -> None:
    """A 1 KB YAML pack of nested aliases (10^9 expanded nodes) is refused within the time
    limit and 2 GiB of address space by each loader (in a subprocess: the expansion
    would otherwise take the test process down)."""

    use = {
        "load_pack": "check(loaded, {}, on=ON)",
        "load_parameters": "check('t-cate-0001-2020/graduation', {}, params=loaded, on=ON)",
        "load_cases": "[c.run() for c in loaded] and check(loaded[0].pack, {}, on=ON)",
    }

    def one(loader: str) -> None:
        code = f"""
import datetime as dt, os, tempfile
from sep.evaluation import check, {loader}
ON = dt.date(2026, 1, 1)
path = os.path.join(tempfile.mkdtemp(), "laughs.yaml")
open(path, "w").write({_LAUGHS_PACK!r})
loaded = {loader}(path)
return {use[loader]}
"""
        run_isolated(f"{BOUNDARY} (isolated)", code, (loader, "billion laughs"))

    with ThreadPoolExecutor(len(LOADERS)) as pool:
        list(pool.map(one, sorted(LOADERS)))


JUNK_PATHS: list[Any] = [
    None,
    5,
    b"junk.toml",
    "",
    ".",
    "/",
    "no-such-file.toml",
    "no-such-file.json",
    "junk\x00.toml",
    "a" * 5000 + ".toml",
    "\ud800.toml",
    Hostile(),
    ["pack.toml"],
]


@given(st.sampled_from(sorted(LOADERS)), pick(JUNK_PATHS))
def test_junk_paths_are_refused(loader: str, path: Any) -> None:
    """A path that is no readable rule file (None, a number, NUL inside, 5,000 characters,
    a lone surrogate, a directory, no such file) is refused with a SepError."""
    run_case(f"{BOUNDARY} (files)", lambda: LOADERS[loader](path), (loader, path), accept=None)


@given(st.binary(max_size=2048), st.sampled_from([".toml", ".yaml", ".yml"]))
def test_random_bytes_are_refused(content: bytes, suffix: str) -> None:
    """Random bytes as a pack file are refused with a SepError (or, by chance valid but
    not a pack, refused as a pack)."""
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "random" + suffix)
        Path(path).write_bytes(content)
        run_case(f"{BOUNDARY} (files)", lambda: load_pack(path), content, accept=None)


def test_run_cases_reports_junk_cases_without_raising() -> None:
    """``run_cases`` over each junk case file refuses with a SepError or reports."""
    for name, suffix, content in JUNK_FILES:
        if not name.startswith("cases:"):
            continue
        with tempfile.TemporaryDirectory() as tmp:
            path = os.path.join(tmp, ("self" if "itself" in name else "junk") + suffix)
            Path(path).write_bytes(content)
            run_case(
                f"{BOUNDARY} (files)",
                lambda: run_cases(path),  # noqa: B023 - called before the loop moves on
                ("run_cases", name),
                accept=lambda result: "accepted",
            )
