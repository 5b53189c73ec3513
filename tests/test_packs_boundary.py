"""Rule packs, parameter files, case files, ``params=`` and ``on=`` at the boundary.

Whatever a platform operator or a caller sends as rules, parameters or a date is either
used exactly as written or refused with a :class:`~sep.errors.SepError` naming the file
and key (RuleDefinitionError) or the argument (ValidationError): never a silent answer
from an empty pack, never a raw Python error, never a hang. Serves every clause the packs
cite (3.1, 4.2.1, 4.3.5, 4.3.7-b).
"""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from sep._cli import main
from sep._limits import MAX_CRITERIA, MAX_DEFINITION_BYTES, MAX_DEPTH, MAX_PERIOD_COUNT
from sep.errors import RuleDefinitionError, ValidationError
from sep.evaluation import (
    GRADUATION,
    check,
    check_graduation,
    compile_pack,
    load_cases,
    load_pack,
    load_parameters,
    pack_from_mapping,
    run_cases,
)

ON = dt.date(2026, 1, 1)

HEAD = """
[pack]
id = "demo/graduation"
version = "1"
question = "graduation"
document = "T/CATE 0001—2020"
clause = "4.3.5"
combine = "all"
en = "Demo"
zh = "示例"

[inputs.listed]
type = "bool"
clause = "4.3.5(b)"
en = "listed"
zh = "上市"
"""

CYCLE = (
    HEAD
    + """
[[criteria]]
id = "a"
parent = "b"
clause = "4.3.5(b)"
en = "a"
zh = "a"
condition = { input = "listed", op = "==", value = true }

[[criteria]]
id = "b"
parent = "a"
clause = "4.3.5(b)"
en = "b"
zh = "b"
"""
)


def _write(tmp_path: Path, text: str | bytes, name: str = "pack.toml") -> Path:
    path = tmp_path / name
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


def _pack_error(tmp_path: Path, text: str | bytes, name: str = "pack.toml") -> RuleDefinitionError:
    path = _write(tmp_path, text, name)
    with pytest.raises(RuleDefinitionError) as info:
        load_pack(path)
    assert info.value.source == str(path)
    return info.value


def _criterion(cid: str, parent: str | None = None, leaf: bool = True) -> str:
    lines = ["[[criteria]]", f'id = "{cid}"', 'clause = "4.3.5(b)"', 'en = "x"', 'zh = "x"']
    if parent is not None:
        lines.append(f'parent = "{parent}"')
    if leaf:
        lines.append('condition = { input = "listed", op = "==", value = true }')
    return "\n".join(lines) + "\n"


# -- finding 1: the criteria tree ----------------------------------------------------------


def test_parent_cycle_is_refused_naming_file_and_key(tmp_path: Path) -> None:
    """A pack whose criteria form a parent cycle is refused when built, not read as empty."""
    err = _pack_error(tmp_path, CYCLE)
    assert err.key == "criteria[0].parent"
    assert "cycle" in err.reason and "a" in err.reason and "b" in err.reason


def test_cycle_below_a_root_is_refused(tmp_path: Path) -> None:
    """A cycle hanging off nothing, next to a sound root criterion, is refused too."""
    text = HEAD + _criterion("root") + CYCLE.split(HEAD, 1)[1]
    err = _pack_error(tmp_path, text)
    assert "cycle" in err.reason


def test_self_parent_is_refused(tmp_path: Path) -> None:
    """A criterion that is its own parent is a cycle of one."""
    err = _pack_error(tmp_path, HEAD + _criterion("a", parent="a"))
    assert err.key == "criteria[0].parent" and "cycle" in err.reason


def test_cli_refuses_a_cycle_pack_with_exit_2(tmp_path: Path) -> None:
    """``sep check … --pack cycle.toml --exit-code`` exits 2 instead of 'all 0 criteria met'."""
    pack = _write(tmp_path, CYCLE, "cycle.toml")
    facts = _write(tmp_path, '{"listed": false}', "facts.json")
    out = io.StringIO()
    code = main(["check", "graduation", str(facts), "--pack", str(pack), "--exit-code"], out=out)
    assert code == 2
    assert "0 criteria" not in out.getvalue()


def test_no_criteria_is_refused() -> None:
    """A pack with an empty criteria list is refused (it would answer MET for everything)."""
    with pytest.raises(RuleDefinitionError) as info:
        pack_from_mapping(
            {
                "pack": {"id": "x", "version": "1", "question": "q", "en": "x", "zh": "x"}
                | {"document": "T/CATE 0001—2020", "clause": "4.3.5"},
                "inputs": {},
                "criteria": [],
            }
        )
    assert info.value.key == "criteria"


def test_criteria_nested_too_deep_is_refused(tmp_path: Path) -> None:
    """A parent chain deeper than MAX_DEPTH is refused (the engines walk it recursively)."""
    depth = MAX_DEPTH + 5
    text = HEAD + "".join(
        _criterion(f"c{i}", parent=f"c{i - 1}" if i else None, leaf=i == depth - 1)
        for i in range(depth)
    )
    err = _pack_error(tmp_path, text)
    assert "deep" in err.reason


def test_deep_but_allowed_chain_decides(tmp_path: Path) -> None:
    """A parent chain within the bound loads and decides like its one leaf."""
    depth = 20
    text = HEAD + "".join(
        _criterion(f"c{i}", parent=f"c{i - 1}" if i else None, leaf=i == depth - 1)
        for i in range(depth)
    )
    pack = load_pack(_write(tmp_path, text))
    assert check(pack, {"listed": True}, on=ON).outcome.value == "met"
    assert check(pack, {"listed": False}, on=ON).outcome.value == "not_met"


def test_children_keep_file_order(tmp_path: Path) -> None:
    """Children are listed in file order even when they come before their parent."""
    text = HEAD + _criterion("k2", "p") + _criterion("p", leaf=False) + _criterion("k1", "p")
    pack = load_pack(_write(tmp_path, text))
    assert [c.id for c in pack.criteria[0].children] == ["k2", "k1"]


def test_too_many_criteria_is_refused(tmp_path: Path) -> None:
    """A pack with more criteria than MAX_CRITERIA is refused before it is built."""
    data: dict[str, Any] = {
        "pack": {"id": "x", "version": "1", "question": "q", "en": "x", "zh": "x"}
        | {"document": "T/CATE 0001—2020", "clause": "4.3.5"},
        "inputs": {},
        "criteria": [{}] * (MAX_CRITERIA + 1),
    }
    with pytest.raises(RuleDefinitionError) as info:
        pack_from_mapping(data)
    assert info.value.key == "criteria" and str(MAX_CRITERIA) in info.value.reason


# -- finding 4: the files themselves --------------------------------------------------------


def test_binary_toml_is_a_rule_definition_error(tmp_path: Path) -> None:
    """A .toml that is not UTF-8 text is refused as a rule file problem, not UnicodeDecodeError."""
    err = _pack_error(tmp_path, b"\xff\xfe[pack]\x00\x81")
    assert "UTF-8" in err.reason


def test_oversized_file_is_refused(tmp_path: Path) -> None:
    """A rule file larger than MAX_DEFINITION_BYTES is refused before parsing."""
    err = _pack_error(tmp_path, "# " + "x" * MAX_DEFINITION_BYTES + "\n")
    assert "larger" in err.reason


@pytest.mark.parametrize("name", ["pack.toml", "pack.yaml"])
def test_huge_integer_is_refused(tmp_path: Path, name: str) -> None:
    """A 5,000-digit integer in a TOML or YAML file is refused, not a ValueError."""
    big = "9" * 5000
    text = f"[pack]\nid = {big}\n" if name.endswith(".toml") else f"pack:\n  id: {big}\n"
    err = _pack_error(tmp_path, text, name)
    assert "digits" in err.reason


def test_deep_toml_is_refused(tmp_path: Path) -> None:
    """TOML nested 900 deep is refused by depth, never a RecursionError."""
    text = "x = " + "[" * 900 + "]" * 900 + "\n"
    err = _pack_error(tmp_path, text)
    assert "deep" in err.reason


def test_deep_yaml_is_refused(tmp_path: Path) -> None:
    """YAML nested 900 (and 5,000) deep is refused by depth, never a RecursionError."""
    for depth in (900, 5000):
        err = _pack_error(tmp_path, "x: " + "[" * depth + "]" * depth + "\n", "pack.yaml")
        assert "deep" in err.reason


def test_yaml_aliases_are_refused(tmp_path: Path) -> None:
    """A billion-laughs YAML (aliases) is refused at once instead of expanded."""
    lines = ['a0: &a0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for i in range(1, 10):
        prev = f"*a{i - 1}"
        lines.append(f"a{i}: &a{i} [{', '.join([prev] * 9)}]")
    err = _pack_error(tmp_path, "\n".join(lines) + "\n", "pack.yaml")
    assert "alias" in err.reason


def test_yaml_duplicate_keys_are_refused(tmp_path: Path) -> None:
    """A YAML mapping giving the same key twice is refused, not silently the last one."""
    err = _pack_error(tmp_path, "pack:\n  id: a\n  id: b\n", "pack.yaml")
    assert "twice" in err.reason and "id" in err.reason


def test_yaml_python_tags_are_refused(tmp_path: Path) -> None:
    """Nothing in a YAML rule file executes: a !!python tag is refused."""
    err = _pack_error(tmp_path, "pack: !!python/object/apply:os.system ['true']\n", "pack.yaml")
    assert "YAML" in err.reason


@pytest.mark.parametrize("text", ["x = 1e999999999\n", "x = nan\n", "x = -inf\n"])
def test_non_finite_toml_floats_are_refused(tmp_path: Path, text: str) -> None:
    """TOML floats that are infinite or not a number are refused when the file is read."""
    err = _pack_error(tmp_path, text)
    assert "finite" in err.reason


def test_parameter_file_huge_exponent_is_refused(tmp_path: Path) -> None:
    """An integer parameter '1e999999999' in a parameter file is refused, not a hang."""
    for value in ('"1e999999999"', "1e999999999"):
        path = _write(
            tmp_path,
            '[parameters.cash_flow_periods]\ntype = "integer"\n'
            f'values = [{{ since = 2020-01-01, value = {value}, source = "x" }}]\n',
            "params.toml",
        )
        with pytest.raises(RuleDefinitionError) as info:
            load_parameters(path)
        if value.startswith('"'):  # a string: refused by the parameter reader, by key
            assert info.value.key == "parameters.cash_flow_periods.values[0].value"
        else:  # a TOML float: refused by the file reader, as not finite
            assert "finite" in info.value.reason


def test_parameter_file_period_count_is_bounded(tmp_path: Path) -> None:
    """An integer parameter above MAX_PERIOD_COUNT in a parameter file is refused."""
    path = _write(
        tmp_path,
        '[parameters.cash_flow_periods]\ntype = "integer"\n'
        f'values = [{{ since = 2020-01-01, value = {MAX_PERIOD_COUNT + 1}, source = "x" }}]\n',
        "params.toml",
    )
    with pytest.raises(RuleDefinitionError) as info:
        load_parameters(path)
    assert str(MAX_PERIOD_COUNT) in info.value.reason


def test_pack_constant_period_count_is_bounded(tmp_path: Path) -> None:
    """A constant window length in a pack is bounded by MAX_PERIOD_COUNT too."""
    text = (
        HEAD
        + '[inputs.cash]\ntype = "series"\nclause = "4.3.5(c)"\nen = "c"\nzh = "c"\n'
        + _criterion("a", leaf=False)
        + 'condition = { input = "cash", op = ">", value = "0", '
        + f'measure = "each_of_last", periods = {MAX_PERIOD_COUNT + 1} }}\n'
    )
    err = _pack_error(tmp_path, text)
    assert err.key.endswith("periods")


# -- finding 2: params= and on= -------------------------------------------------------------


@pytest.mark.parametrize("params", [5, "revenue_min=1", [("revenue_min", "1")], {1: "2"}])
def test_params_that_are_not_a_mapping_of_names(params: Any) -> None:
    """``params=`` that is not a mapping of parameter names is a ValidationError on 'params'."""
    with pytest.raises(ValidationError) as info:
        check_graduation({}, params=params, on=ON)
    assert info.value.field.startswith("params")


@pytest.mark.parametrize("value", [10**9, "1e7", "1e999999999", MAX_PERIOD_COUNT + 1, "401", 0])
def test_period_count_override_is_bounded(value: Any) -> None:
    """``cash_flow_periods`` beyond MAX_PERIOD_COUNT (or in exponent form) is refused at once."""
    with pytest.raises(ValidationError) as info:
        check_graduation({}, params={"cash_flow_periods": value}, on=ON)
    assert info.value.field == "params.cash_flow_periods"


def test_period_count_at_the_bound_is_accepted() -> None:
    """MAX_PERIOD_COUNT itself is a valid window length (4.3.5(c) cash flow)."""
    ev = compile_pack(GRADUATION, params={"cash_flow_periods": MAX_PERIOD_COUNT}, on=ON)
    assert {p.name: p.value for p in ev.parameters}["cash_flow_periods"] == MAX_PERIOD_COUNT


@pytest.mark.parametrize("value", ["1e400", "-1e400", "1e999999999", "1000000000000001", "NaN"])
def test_money_override_obeys_amount_bounds(value: str) -> None:
    """A money threshold beyond the amount bound (10^15) is refused, naming params.revenue_min."""
    with pytest.raises(ValidationError) as info:
        check_graduation({}, params={"revenue_min": value}, on=ON)
    assert info.value.field == "params.revenue_min"


def test_dated_override_with_bad_since_is_refused() -> None:
    """An override entry with a since that is not a date names params.NAME[i].since."""
    for since in ("2026-13-01", "soon", 5, None):
        with pytest.raises(ValidationError) as info:
            check_graduation({}, params={"revenue_min": [{"since": since, "value": "1"}]}, on=ON)
        assert info.value.field == "params.revenue_min[0].since"


def test_dated_override_entries_must_be_tables() -> None:
    """An override list holding something other than {since, value} entries is refused."""
    with pytest.raises(ValidationError) as info:
        check_graduation({}, params={"revenue_min": [5]}, on=ON)
    assert info.value.field == "params.revenue_min[0]"


def test_on_accepts_a_strict_iso_date_string() -> None:
    """``on="2026-01-01"`` means that date: same parameters as on=dt.date(2026, 1, 1)."""
    a = check_graduation({"revenue": "12000000"}, on="2026-01-01")  # type: ignore[arg-type]
    b = check_graduation({"revenue": "12000000"}, on=ON)
    assert a.as_of == ON and a.digest == b.digest


@pytest.mark.parametrize(
    "on",
    ["20260101", "2026-1-1", "2026-01-01T00:00", "２０２６-01-01", "", 20260101, 2026.0, []],
)
def test_on_refuses_anything_but_a_date(on: Any) -> None:
    """``on=`` is a date or a YYYY-MM-DD string; anything else is a ValidationError on 'on'."""
    with pytest.raises(ValidationError) as info:
        check_graduation({}, on=on)
    assert info.value.field == "on"


def test_on_refuses_a_datetime() -> None:
    """A datetime is not a date: refused (its day depends on a timezone sep cannot know)."""
    with pytest.raises(ValidationError) as info:
        check_graduation({}, on=dt.datetime(2026, 1, 1, 12, 0))  # type: ignore[arg-type]
    assert info.value.field == "on" and "datetime" in info.value.reason


# -- finding 6: case files ------------------------------------------------------------------

CASES_HEAD = '[file]\npack = "t-cate-0001-2020/graduation"\non = 2026-01-01\n'


@pytest.mark.parametrize(
    "body",
    [
        '[[case]]\nname = "x"\ninputs = 5\n',
        '[[case]]\nname = "x"\nmissing = 5\n',
        '[[case]]\nname = "x"\nmissing = [1]\n',
        '[[case]]\nname = "x"\nparams = 5\n',
        '[[case]]\nname = "x"\nerror = 5\n',
        '[[case]]\nname = "x"\nerror = "NoSuchError"\n',
        '[[case]]\nname = "x"\noutcome = "maybe"\n',
        '[[case]]\nname = "x"\ncriteria = { "4.3.5(a)" = 1 }\n',
        '[[case]]\nname = "x"\non = "soon"\n',
        '[[case]]\nname = "x"\nunknown_key = 1\n',
        "case = 5\n",
        "case = []\n",
        "[[case]]\nname = 5\n",
    ],
)
def test_junk_case_entries_are_rule_definition_errors(tmp_path: Path, body: str) -> None:
    """Each malformed case entry is a RuleDefinitionError naming the file and the case key."""
    path = _write(tmp_path, CASES_HEAD + body, "cases.toml")
    with pytest.raises(RuleDefinitionError) as info:
        load_cases(path)
    assert info.value.source == str(path)
    assert "case" in info.value.key


@pytest.mark.parametrize(
    "head",
    [
        "file = 5\n",
        "[file]\npack = 5\n",
        '[file]\npack = "no-such-pack.toml"\n',
        '[file]\npack = "../../etc/passwd"\n',
        '[file]\npack = "t-cate-0001-2020/graduation"\non = 5\n',
        '[file]\npack = "t-cate-0001-2020/graduation"\nsurprise = 1\n',
    ],
)
def test_junk_case_file_heads_are_rule_definition_errors(tmp_path: Path, head: str) -> None:
    """A malformed [file] table is a RuleDefinitionError, never a raw Python error."""
    path = _write(tmp_path, head + '[[case]]\nname = "x"\n', "cases.toml")
    with pytest.raises(RuleDefinitionError):
        load_cases(path)


@pytest.mark.parametrize(
    "text",
    [b"\xff\xfe\x00", "[file\n", "x = " + "[" * 900 + "]" * 900 + "\n"],
)
def test_junk_case_files_are_rule_definition_errors(tmp_path: Path, text: str | bytes) -> None:
    """Binary, malformed or deeply nested case files are RuleDefinitionErrors."""
    path = _write(tmp_path, text, "cases.toml")
    with pytest.raises(RuleDefinitionError):
        run_cases(path)


def test_case_with_junk_inputs_reports_rather_than_raises(tmp_path: Path) -> None:
    """A case whose inputs sep refuses fails as a case (or passes when it expects the error)."""
    body = (
        '[[case]]\nname = "bad"\ninputs = { revenue = "abc" }\noutcome = "met"\n'
        '[[case]]\nname = "refused"\ninputs = { revenue = "abc" }\nerror = "ValidationError"\n'
        '[[case]]\nname = "bad param"\nparams = { cash_flow_periods = "1e7" }\noutcome = "met"\n'
    )
    path = _write(tmp_path, CASES_HEAD + body, "cases.toml")
    failures = run_cases(path)
    assert set(failures) == {"bad", "bad param"}
    assert "ValidationError" in failures["bad"][0]


# -- finding 5: caches and dropped streams --------------------------------------------------


def _graduation_copy(tmp_path: Path, name: str, pack_id: str) -> Path:
    text = (Path(__file__).parent.parent / "sep/evaluation/packs/graduation.toml").read_text(
        encoding="utf-8"
    )
    return _write(
        tmp_path,
        text.replace('id = "t-cate-0001-2020/graduation"', f'id = "{pack_id}"', 1),
        name,
    )


def test_same_file_content_shares_one_pack(tmp_path: Path) -> None:
    """Two files with the same bytes (and one file read twice) give one pack object (4.3.5)."""
    a = _graduation_copy(tmp_path, "a.toml", "x/one")
    b = _graduation_copy(tmp_path, "b.toml", "x/one")
    assert load_pack(a) is load_pack(a) is load_pack(b)
    assert check(str(a), {"listed": True}, on=ON).outcome.value == "met"


def test_edited_file_is_loaded_again(tmp_path: Path) -> None:
    """A pack file edited between two calls is read again: the cache is keyed by content."""
    path = _graduation_copy(tmp_path, "p.toml", "x/before")
    assert load_pack(path).id == "x/before"
    _graduation_copy(tmp_path, "p.toml", "x/after")
    assert load_pack(path).id == "x/after"
    assert check(str(path), {}, on=ON).pack == "x/after"


def test_loaded_packs_are_bounded_and_released(tmp_path: Path) -> None:
    """Checking many distinct pack files keeps at most PACK_CACHE_SIZE packs alive."""
    import gc
    import weakref

    from sep.evaluation import _loader

    paths = [
        str(_graduation_copy(tmp_path, f"p{i}.toml", f"x/p{i}"))
        for i in range(_loader.PACK_CACHE_SIZE + 3)
    ]
    enabled = gc.isenabled()
    gc.disable()  # evicted packs must be freed by reference counting, not wait for a collection
    try:
        check(paths[0], {}, on=ON)
        ref = weakref.ref(load_pack(paths[0]))
        for path in paths[1:]:
            check(path, {}, on=ON)
        assert len(_loader._PACKS) <= _loader.PACK_CACHE_SIZE
        assert ref() is None  # evicted, and nothing else (no engine table) keeps it
    finally:
        if enabled:
            gc.enable()


def test_a_checked_pack_is_not_kept_by_the_engine() -> None:
    """A pack built in Python and checked is freed with its compiled evaluators when dropped."""
    import gc
    import weakref

    from sep.evaluation import builtin_pack

    pack = pack_from_mapping(dict(builtin_pack(GRADUATION).definition))
    check(pack, {"listed": True}, on=ON)
    compile_pack(pack, params={"revenue_min": "5"}, on=ON)
    ref = weakref.ref(pack)
    del pack
    gc.collect()
    assert ref() is None


def test_evaluator_caches_are_lru_bounded() -> None:
    """At most 256 evaluators per pack are kept by date; the most recent ones stay."""
    from sep.evaluation import builtin_pack
    from sep.evaluation._engine import _CACHE_SIZE, _runtime

    pack = pack_from_mapping(dict(builtin_pack(GRADUATION).definition))
    days = [ON + dt.timedelta(days=i) for i in range(_CACHE_SIZE + 10)]
    for day in days:
        compile_pack(pack, on=day)
    kept = _runtime(pack).by_date
    assert len(kept) == _CACHE_SIZE and days[-1] in kept and days[0] not in kept


def test_dropped_stream_releases_its_rulesets_at_once() -> None:
    """A RuleStream dropped without close() frees its durable-rules rulesets (no cycle)."""
    import gc
    import weakref

    from sep.evaluation._durable import durable_available

    if not durable_available():
        pytest.skip("durable-rules is not available here")
    from sep.evaluation._stream import RuleStream

    enabled = gc.isenabled()
    gc.disable()  # only reference counting may free it: no cycle may hold the stream
    try:
        stream = RuleStream(GRADUATION, on=ON)
        decision = stream.post("acme", {"listed": True})
        ruleset = weakref.ref(stream._compiled.rulesets[0])
        del stream
        assert ruleset() is not None  # the decision still uses it
        del decision
        assert ruleset() is None
    finally:
        if enabled:
            gc.enable()


# -- finding 3: the scale of 4.3.7-b scores -------------------------------------------------


def _scheme_data() -> dict[str, Any]:
    from importlib.resources import files

    from sep.evaluation._loader import read_definition

    path = files("sep.assessment") / "schemes" / "example_2020.toml"
    return read_definition(str(path))


@pytest.mark.parametrize(
    ("name", "value"),
    [("total_min", 240), ("total_min", "100.01"), ("sustainability_min", -1)],
)
def test_threshold_outside_the_score_scale_is_refused(name: str, value: Any) -> None:
    """4.3.7-b: a pass mark outside its score's 0–100 scale is refused, naming params.NAME."""
    from sep.evaluation import check_evaluation

    with pytest.raises(ValidationError) as info:
        check_evaluation({"score_total": 90}, params={name: value}, on=ON)
    assert info.value.field == f"params.{name}" and info.value.clause == "4.3.7-b"
    assert "scale" in info.value.reason


def test_threshold_at_the_top_of_the_scale_is_accepted() -> None:
    """4.3.7-b: total_min = 100 is on the scale (met only by a full score)."""
    from sep.evaluation import check_evaluation

    d = check_evaluation({"score_total": 100}, params={"total_min": 100}, on=ON)
    assert d.outcome_of("4.3.7-b.total").value == "met"


def test_pack_default_outside_the_scale_is_refused() -> None:
    """A pack whose own default pass mark lies outside its score's scale is refused at load."""
    from sep.evaluation import EVALUATION, builtin_pack

    data = dict(builtin_pack(EVALUATION).definition)
    data["parameters"] = dict(data["parameters"])
    data["parameters"]["total_min"] = dict(data["parameters"]["total_min"]) | {
        "values": [{"since": "2020-09-05", "value": 240, "source": "x"}]
    }
    with pytest.raises(RuleDefinitionError) as info:
        pack_from_mapping(data, source="evaluation.toml")
    assert info.value.key == "parameters.total_min.values[0].value"
    assert info.value.clause == "4.3.7-b"


def test_sum_scheme_carries_its_scale_to_the_rules() -> None:
    """4.3.7-b: a scheme whose total is the sum of four 100-point modules checks 0–400."""
    from sep.assessment import scheme_from_mapping
    from sep.domain import ScoringModule
    from sep.evaluation import check_evaluation, replay, verify

    data = _scheme_data() | {"scale": {"total": "sum"}}
    data["thresholds"] = dict(data["thresholds"]) | {"total": 240}
    scheme = scheme_from_mapping(data, source="sum.toml")
    assert scheme.total_max == Decimal(400)
    modules = dict.fromkeys(ScoringModule, Decimal(65))
    total = scheme.total_of(modules)
    assert total == Decimal(260)
    facts = {f"score_{m.value}": v for m, v in modules.items()} | {"score_total": total}
    pack = scheme.evaluation_pack()
    d = check_evaluation(facts, params=scheme.params(), on=ON, pack=pack)
    assert d.outcome.value == "met"
    assert check_evaluation(facts | {"score_total": 230}, pack=pack, on=ON).outcome.value == (
        "not_met"
    )
    assert verify(d.to_dict(), pack=pack) and replay(d.to_dict(), pack=pack).digest == d.digest
    with pytest.raises(ValidationError):
        check_evaluation(facts, params={"total_min": 401}, on=ON, pack=pack)


def test_scheme_threshold_outside_its_scale_is_refused() -> None:
    """A scheme's pass mark above its total's (or a module's) scale is refused at load."""
    from sep.assessment import scheme_from_mapping

    data = _scheme_data() | {"scale": {"total": "sum"}}
    data["thresholds"] = dict(data["thresholds"]) | {"total": 401}
    with pytest.raises(RuleDefinitionError) as info:
        scheme_from_mapping(data, source="s.toml")
    assert info.value.key == "thresholds.total" and info.value.clause == "4.3.7-b"
    data = _scheme_data()
    data["modules"] = dict(data["modules"]) | {"sustainability": {"weight": 25, "points": 25}}
    with pytest.raises(RuleDefinitionError) as info:
        scheme_from_mapping(data, source="s.toml")  # its threshold 60 > 25 points
    assert info.value.key == "thresholds.sustainability"


def test_module_points_scale_module_scores_and_their_sum() -> None:
    """Modules of 25/30/20/25 points summed make a 100-point total (4.3.7-b, 4.3.7-d)."""
    from sep.assessment import scheme_from_mapping
    from sep.domain import ScoringModule

    data = _scheme_data() | {"scale": {"total": "sum"}}
    data["modules"] = {
        m: {"weight": w, "points": w}
        for m, w in {
            "service_system": 25,
            "incubation_performance": 30,
            "founder_contribution": 20,
            "sustainability": 25,
        }.items()
    }
    data["thresholds"] = {"total": 60}
    scheme = scheme_from_mapping(data, source="points.toml")
    assert scheme.module_score(ScoringModule.SERVICE_SYSTEM, Decimal(80)) == Decimal(20)
    assert scheme.total_max == Decimal(100)
    pack = scheme.evaluation_pack()
    assert pack.inputs["score_founder_contribution"].maximum == Decimal(20)
    with pytest.raises(ValidationError):
        check(pack, {"score_founder_contribution": 21}, on=ON)


def test_example_scheme_uses_the_shipped_pack() -> None:
    """The weighted 100-point example scheme decides with the shipped pack (replayable)."""
    from sep.assessment import builtin_scheme
    from sep.evaluation import EVALUATION, builtin_pack

    assert builtin_scheme().evaluation_pack() is builtin_pack(EVALUATION)


def test_a_pack_built_in_python_needs_criteria() -> None:
    """RulePack(criteria=()) is refused like an empty pack file (it would answer MET)."""
    import attrs

    from sep.evaluation import builtin_pack

    with pytest.raises(RuleDefinitionError) as info:
        attrs.evolve(builtin_pack(GRADUATION), criteria=())
    assert info.value.key == "criteria"


@pytest.mark.parametrize(
    ("where", "key", "field"),
    [
        ("pack", "Combine", "pack.Combine"),
        ("input", "minimun", "inputs.revenue.minimun"),
        ("parameter", "valuse", "parameters.revenue_min.valuse"),
        ("criterion", "parnt", "criteria[0].parnt"),
    ],
)
def test_a_misspelt_key_in_a_pack_table_is_refused(where: str, key: str, field: str) -> None:
    """4.3.5: a misspelt optional key (``Combine = "any"``) is refused naming it, with the key
    meant, instead of leaving its default in force without a word."""
    from sep.evaluation import builtin_pack

    data: Any = dict(builtin_pack(GRADUATION).definition)
    data = {name: (dict(v) if isinstance(v, dict) else list(v)) for name, v in data.items()}
    if where == "pack":
        data["pack"][key] = "any"
    elif where == "input":
        data["inputs"]["revenue"] = {**data["inputs"]["revenue"], key: 0}
    elif where == "parameter":
        data["parameters"]["revenue_min"] = {**data["parameters"]["revenue_min"], key: []}
    else:
        data["criteria"][0] = {**data["criteria"][0], key: "x"}
    with pytest.raises(RuleDefinitionError) as info:
        pack_from_mapping(data)
    assert info.value.key == field
    assert "did you mean" in info.value.reason


@pytest.mark.parametrize("key", ["values", "unknown"])
@pytest.mark.parametrize("junk", [5, None, "listed", {"a": 1}, 1.5])
def test_an_input_list_that_is_not_a_list_is_refused(key: str, junk: Any) -> None:
    """3.1: an enum input's ``values``/``unknown`` that is not a list of strings is refused
    naming the key, never a raw TypeError from the loader."""
    from sep.evaluation import ELIGIBILITY, builtin_pack

    data: Any = {
        k: (dict(v) if isinstance(v, dict) else list(v))
        for k, v in builtin_pack(ELIGIBILITY).definition.items()
    }
    data["inputs"]["size_class"] = {**data["inputs"]["size_class"], key: junk}
    with pytest.raises(RuleDefinitionError) as info:
        pack_from_mapping(data)
    assert info.value.key == f"inputs.size_class.{key}"


def test_a_parameter_holds_at_most_the_stated_number_of_dated_values(tmp_path: Path) -> None:
    """4.3.5(c): more than ``MAX_PARAMETER_VALUES`` dated values for one parameter are refused,
    in ``params=`` and in a parameter file, instead of taking seconds to read."""
    from sep._limits import MAX_PARAMETER_VALUES

    many = [
        {
            "since": (dt.date(1000, 1, 1) + dt.timedelta(days=i)).isoformat(),
            "value": "1",
            "source": "s",
        }
        for i in range(MAX_PARAMETER_VALUES + 1)
    ]
    with pytest.raises(ValidationError) as info:
        check_graduation({}, params={"revenue_min": many}, on=ON)
    assert info.value.field == "params.revenue_min"
    assert check_graduation({}, params={"revenue_min": many[:MAX_PARAMETER_VALUES]}, on=ON)
    lines = "\n".join(f'{{ since = {v["since"]}, value = "1", source = "s" }},' for v in many)
    path = _write(tmp_path, f"[parameters.revenue_min]\nvalues = [\n{lines}\n]\n", "p.toml")
    with pytest.raises(RuleDefinitionError) as err:
        load_parameters(path)
    assert err.value.key == "parameters.revenue_min.values"


@pytest.mark.parametrize("unit", [5, 10**5000, ["CNY"], True], ids=["int", "huge", "list", "bool"])
def test_an_input_unit_that_is_not_text_is_refused(unit: Any) -> None:
    """An input's ``unit`` that is not a string (a number, a 5,000-digit integer, a list) is
    refused naming ``inputs.<name>.unit``, not turned into text with ``str()``."""
    doc = {
        "pack": {"id": "x", "version": "1", "question": "graduation", "en": "x", "zh": "x"}
        | {"document": "T/CATE 0001—2020", "clause": "4.3.5", "combine": "all"},
        "inputs": {
            "revenue": {"type": "money", "clause": "4.3.5(c)", "en": "r", "zh": "r", "unit": unit}
        },
        "criteria": [
            {"id": "a", "clause": "4.3.5(c)", "en": "a", "zh": "a"}
            | {"condition": {"input": "revenue", "op": ">=", "value": 1}}
        ],
    }
    with pytest.raises(RuleDefinitionError) as info:
        pack_from_mapping(doc)
    assert info.value.key == "inputs.revenue.unit"
