"""Loading rule packs: every malformed definition is refused at load with file and key.

Serves the packs of 3.1/4.2.1, 4.3.5 and 4.3.7-b and any operator-written pack: problems
must surface as RuleDefinitionError(source, key, reason) before any decision is made.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest

from sep.errors import RuleDefinitionError, ValidationError
from sep.evaluation import (
    All,
    AnyOf,
    Leaf,
    builtin_pack,
    builtin_packs,
    check,
    load_pack,
    load_parameters,
    pack_from_mapping,
)

pytestmark = pytest.mark.clause("4.2.1", "4.3.5", "4.3.5(b)", "4.3.5(c)", "4.3.7-b")

VALID = """
[pack]
id = "demo/graduation"
version = "1"
question = "graduation"
document = "T/CATE 0001—2020"
clause = "4.3.5"
combine = "any"
en = "Demo"
zh = "示例"

[inputs.revenue]
type = "money"
clause = "4.3.5(c)"
en = "revenue"
zh = "营业额"

[inputs.listed]
type = "bool"
clause = "4.3.5(b)"
en = "listed"
zh = "上市"

[parameters.revenue_min]
type = "money"
en = "revenue threshold"
zh = "营业额门槛"
values = [{ since = 2020-09-05, value = "10000000", source = "test" }]

[parameters.flag]
type = "number"
en = "a number"
zh = "数"
values = [{ since = 2020-09-05, value = 1, source = "test" }]

[[criteria]]
id = "4.3.5(b)"
clause = "4.3.5(b)"
en = "listing"
zh = "上市"
condition = { input = "listed", op = "==", value = true }

[[criteria]]
id = "4.3.5(c)"
clause = "4.3.5(c)"
en = "revenue"
zh = "营业额"
condition = { input = "revenue", op = ">=", param = "revenue_min" }
"""


def _write(tmp_path: Path, text: str, name: str = "pack.toml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def _error(tmp_path: Path, text: str) -> RuleDefinitionError:
    path = _write(tmp_path, text)
    with pytest.raises(RuleDefinitionError) as info:
        load_pack(path)
    assert info.value.source == str(path)
    return info.value


def test_valid_pack_loads_and_decides(tmp_path: Path) -> None:
    """A pack written as TOML alone (no Python) loads and decides 4.3.5(b)/(c)."""
    pack = load_pack(_write(tmp_path, VALID))
    assert [c.id for c in pack.criteria] == ["4.3.5(b)", "4.3.5(c)"]
    decision = check(pack, {"revenue": "10000000"}, on=dt.date(2026, 1, 1))
    assert decision.outcome_of("4.3.5(c)").value == "met"
    assert decision.outcome.value == "met"


def test_yaml_pack_loads_like_toml(tmp_path: Path) -> None:
    """The same pack written in YAML gives the same criteria (parsed with safe_load)."""
    import tomllib

    import yaml

    data = tomllib.loads(VALID)
    path = _write(tmp_path, yaml.safe_dump(data, allow_unicode=True), "pack.yaml")
    pack = load_pack(path)
    assert [c.id for c in pack.criteria] == ["4.3.5(b)", "4.3.5(c)"]
    assert pack.parameters["revenue_min"].values[0].value == Decimal("10000000")


def test_condition_tree_is_public_with_leaf_predicates() -> None:
    """Other engines compile the parsed tree: leaves are (input, op, parameter-or-constant)."""
    pack = builtin_pack("t-cate-0001-2020/eligibility")
    cond = pack.criterion("4.2.1(2)").condition  # type: ignore[union-attr]
    assert isinstance(cond, AnyOf)
    assert cond.items[0] == Leaf("open_innovation_architecture", "==", None, True)
    four = pack.criterion("4.2.1(4)").condition  # type: ignore[union-attr]
    assert isinstance(four, All)
    assert (four.items[0].input, four.items[0].op, four.items[0].param) == (  # type: ignore[union-attr]
        "free_cash_flow",
        ">=",
        "free_cash_flow_min",
    )


def test_every_shipped_pack_loads() -> None:
    """The four shipped packs are package data and pass the load-time checks."""
    assert len(builtin_packs()) == 4
    for pack_id in builtin_packs():
        assert builtin_pack(pack_id).id == pack_id


def test_unknown_input(tmp_path: Path) -> None:
    """A condition on an undeclared input is refused, naming criteria[i].condition.input."""
    err = _error(tmp_path, VALID.replace('input = "revenue"', 'input = "turnover"'))
    assert err.key == "criteria[1].condition.input"
    assert "unknown input 'turnover'" in err.reason


def test_unknown_parameter(tmp_path: Path) -> None:
    """A threshold naming an undeclared parameter is refused."""
    err = _error(tmp_path, VALID.replace('param = "revenue_min"', 'param = "revenue_max"'))
    assert err.key == "criteria[1].condition.param"
    assert "unknown parameter" in err.reason


def test_type_mismatch_money_input_against_number_parameter(tmp_path: Path) -> None:
    """Comparing a money input with a non-money parameter is a type mismatch."""
    err = _error(tmp_path, VALID.replace('param = "revenue_min"', 'param = "flag"'))
    assert err.key == "criteria[1].condition.param"
    assert "type mismatch" in err.reason


def test_type_mismatch_bool_input_against_number(tmp_path: Path) -> None:
    """A bool input compared with a number constant is a type mismatch."""
    err = _error(tmp_path, VALID.replace('op = "==", value = true', 'op = "==", value = 1'))
    assert err.key == "criteria[0].condition.value"
    assert "type mismatch" in err.reason


def test_type_mismatch_ordering_a_bool(tmp_path: Path) -> None:
    """A bool input cannot be ordered with >=."""
    err = _error(tmp_path, VALID.replace('op = "==", value = true', 'op = ">=", value = true'))
    assert err.key == "criteria[0].condition.op"


def test_duplicate_criterion_id(tmp_path: Path) -> None:
    """Two criteria with one id are refused at the second."""
    err = _error(tmp_path, VALID.replace('id = "4.3.5(c)"', 'id = "4.3.5(b)"'))
    assert err.key == "criteria[1].id"
    assert "duplicate id" in err.reason


def test_clause_not_in_standard(tmp_path: Path) -> None:
    """A clause id that T/CATE 0001—2020 does not have is refused."""
    err = _error(
        tmp_path,
        VALID.replace(
            'clause = "4.3.5(c)"\nen = "revenue"\nzh = "营业额"\ncondition',
            'clause = "4.3.9"\nen = "revenue"\nzh = "营业额"\ncondition',
        ),
    )
    assert err.key == "criteria[1].clause"
    assert "4.3.9" in err.reason


def test_other_document_must_declare_its_clauses(tmp_path: Path) -> None:
    """A pack for another document must list its clause ids; criteria are checked against them."""
    text = VALID.replace('document = "T/CATE 0001—2020"', 'document = "Other rules"')
    err = _error(tmp_path, text)
    assert err.key == "pack.clauses"
    ok = text.replace(
        'combine = "any"', 'combine = "any"\nclauses = ["4.3.5", "4.3.5(b)", "4.3.5(c)"]', 1
    )
    assert load_pack(_write(tmp_path, ok)).document == "Other rules"


def test_bad_toml(tmp_path: Path) -> None:
    """A file that is not TOML is refused with the parser's message."""
    err = _error(tmp_path, "[pack\nid = 1")
    assert err.key == ""
    assert "not valid TOML" in err.reason


def test_missing_required_key(tmp_path: Path) -> None:
    """A criterion without a clause is refused naming criteria[i].clause."""
    err = _error(tmp_path, VALID.replace('clause = "4.3.5(b)"\nen = "listing"', 'en = "listing"'))
    assert err.key == "criteria[0].clause"
    assert "required" in err.reason


def test_missing_parameter_values(tmp_path: Path) -> None:
    """A parameter without effective-dated values is refused."""
    text = VALID.replace('values = [{ since = 2020-09-05, value = 1, source = "test" }]', "")
    err = _error(tmp_path, text)
    assert err.key == "parameters.flag.values"


def test_parameter_value_without_source(tmp_path: Path) -> None:
    """Every parameter value must say where it comes from."""
    err = _error(tmp_path, VALID.replace('value = 1, source = "test"', "value = 1"))
    assert err.key == "parameters.flag.values[0].source"


def test_unknown_operator(tmp_path: Path) -> None:
    """Only ==, !=, <, <=, >, >= are operators."""
    err = _error(tmp_path, VALID.replace('op = ">="', 'op = "=>"'))
    assert err.key == "criteria[1].condition.op"


def test_series_needs_a_measure(tmp_path: Path) -> None:
    """A series input compared directly (no measure over periods) is a type mismatch."""
    text = VALID.replace('[inputs.revenue]\ntype = "money"', '[inputs.revenue]\ntype = "series"')
    err = _error(tmp_path, text)
    assert err.key == "criteria[1].condition.measure"
    assert "type mismatch" in err.reason


def test_unknown_parent(tmp_path: Path) -> None:
    """A sub-criterion naming a parent that does not exist is refused."""
    err = _error(tmp_path, VALID.replace('id = "4.3.5(c)"', 'id = "4.3.5(c)"\nparent = "nope"'))
    assert err.key == "criteria[1].parent"


def test_code_is_never_executed(tmp_path: Path) -> None:
    """Text that looks like Python is data: an operator cannot smuggle code into a pack."""
    err = _error(tmp_path, VALID.replace('op = ">="', "op = \"__import__('os')\""))
    assert err.key == "criteria[1].condition.op"


def test_mapping_source_is_named() -> None:
    """A pack built from a mapping names '<mapping>' (or the given source) in errors."""
    with pytest.raises(RuleDefinitionError) as info:
        pack_from_mapping({"pack": {}}, source="crm-config")
    assert info.value.source == "crm-config"
    assert info.value.key == "pack.document"


def test_wrong_extension(tmp_path: Path) -> None:
    """Only .toml, .yaml and .yml files are read."""
    path = _write(tmp_path, VALID, "pack.json")
    with pytest.raises(RuleDefinitionError) as info:
        load_pack(path)
    assert "use a .toml" in info.value.reason


def test_load_parameters_file(tmp_path: Path) -> None:
    """A platform's parameter file gives effective-dated overrides for params=."""
    path = _write(
        tmp_path,
        """
[parameters.revenue_min]
type = "money"
values = [
  { since = 2020-09-05, value = "10000000", source = "sep default" },
  { since = 2026-01-01, value = "20000000", source = "Platform board, 2025-12" },
]
""",
        "platform.toml",
    )
    params = load_parameters(path)
    facts = {"revenue": "15000000"}
    before = check("t-cate-0001-2020/graduation", facts, params=params, on=dt.date(2025, 12, 31))
    after = check("t-cate-0001-2020/graduation", facts, params=params, on=dt.date(2026, 1, 1))
    assert before.outcome_of("4.3.5(c).revenue").value == "met"
    assert after.outcome_of("4.3.5(c).revenue").value == "not_met"
    used = {p.name: p for p in after.parameters}["revenue_min"]
    assert (used.value, used.since, used.source) == (
        Decimal("20000000"),
        dt.date(2026, 1, 1),
        "Platform board, 2025-12",
    )


def test_yaml_reads_only_true_and_false_as_booleans(tmp_path: Path) -> None:
    """In YAML an 'on:' key stays a key and 'yes' stays a word (refused for a bool input)."""
    from sep.evaluation._loader import read_definition

    path = _write(tmp_path, "file:\n  on: 2027-03-31\nlisted: yes\nflag: true\n", "c.yaml")
    data = read_definition(path)
    assert data["file"] == {"on": dt.date(2027, 3, 31)}
    assert data["listed"] == "yes"
    assert data["flag"] is True
    with pytest.raises(ValidationError):
        check("t-cate-0001-2020/graduation", {"listed": data["listed"]})
