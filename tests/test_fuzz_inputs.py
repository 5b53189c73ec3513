"""Hostile named inputs (3.1, 4.2.1, 4.3.5, 4.3.7-b): junk must be refused or stay unknown.

Every shipped rule pack is sent mappings of named inputs whose values are junk for their
type (ambiguous amounts such as ``"1,5"``, amounts past every bound such as ``"1e400"``,
non-ASCII digits, NaN, floats for money, bools for numbers, hostile objects, huge and deep
values), mappings with misspelled names, and "facts" that are not mappings at all. Each
case must come back as a :class:`~sep.errors.SepError` or as a decision in which every
criterion is UNKNOWN (junk is never a figure: it never makes anything MET or NOT_MET), and
what ``sep`` accepts it can explain and serialise. The batch engine is sent the same junk.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sep.evaluation import (
    ELIGIBILITY,
    EVALUATION,
    GRADUATION,
    TORCH_2018_GRADUATION,
    Decision,
    Outcome,
    builtin_pack,
    check,
    check_batch,
    check_eligibility,
    check_evaluation,
    check_graduation,
)
from tests._fuzz import FuzzFailure, run_case
from tests.strategies import (
    JunkMapping,
    junk_facts_s,
    junk_for,
    misspell,
    non_str_key_s,
    unknown_name_s,
)

pytestmark = pytest.mark.clause("3.1", "4.2.1", "4.3.5", "4.3.7-b")

ON = dt.date(2026, 1, 1)
BOUNDARY = "named inputs"
PACKS = (GRADUATION, ELIGIBILITY, EVALUATION, TORCH_2018_GRADUATION)
#: The question functions, each with the pack it asks by default.
ASK: dict[str, Callable[..., Decision]] = {
    GRADUATION: check_graduation,
    ELIGIBILITY: check_eligibility,
    EVALUATION: check_evaluation,
}
#: Every name any shipped pack reads: a misspelling must not collide with one of them.
KNOWN = frozenset(name for pid in PACKS for name in builtin_pack(pid).inputs)


def all_unknown(decision: Decision) -> None:
    """Accept only a decision with every criterion UNKNOWN that explains and serialises."""
    if not isinstance(decision, Decision):
        raise FuzzFailure(f"returned {type(decision).__name__}, not a Decision")
    decided = {
        r.id: r.outcome.value
        for c in decision.criteria
        for r in c.walk()
        if r.outcome is not Outcome.UNKNOWN
    }
    if decision.outcome is not Outcome.UNKNOWN or decided:
        raise FuzzFailure(f"junk decided {decision.outcome.value}: {decided}")
    decision.explain()
    decision.explain("zh")
    json.loads(decision.to_json())
    _ = decision.missing, decision.digest


def ask(pack: str, facts: Any) -> Decision:
    """The pack's own question function, or ``check`` for the 2018 pack."""
    fn = ASK.get(pack)
    if fn is None:
        return check(pack, facts, on=ON)
    return fn(facts, on=ON)


@st.composite
def junk_inputs(draw: st.DrawFn) -> tuple[str, dict[str, Any]]:
    """A pack and a mapping with one of its inputs given a junk value for its type, and up
    to two others given as missing (``None``): one junk value per case, so that a refusal
    of one cannot hide the silent acceptance of another."""
    pack = draw(st.sampled_from(PACKS))
    inputs = builtin_pack(pack).inputs
    names = draw(st.lists(st.sampled_from(sorted(inputs)), min_size=1, max_size=3, unique=True))
    facts: dict[str, Any] = dict.fromkeys(names[1:])
    facts[names[0]] = draw(junk_for(inputs[names[0]].type))
    return pack, facts


@given(junk_inputs())
def test_junk_values_are_refused_or_unknown(case: tuple[str, dict[str, Any]]) -> None:
    """A junk value for an input's type (3.1, 4.2.1, 4.3.5, 4.3.7-b) is refused with a
    SepError or read as missing: no criterion is ever MET or NOT_MET on junk."""
    pack, facts = case
    run_case(BOUNDARY, lambda: ask(pack, facts), (pack, facts), accept=all_unknown)


@given(junk_inputs())
def test_junk_values_in_a_non_dict_mapping(case: tuple[str, dict[str, Any]]) -> None:
    """The same junk inside a read-only mapping that is not a dict is treated alike."""
    pack, facts = case
    wrapped = JunkMapping(facts)
    run_case(BOUNDARY, lambda: ask(pack, wrapped), (pack, wrapped), accept=all_unknown)


@st.composite
def misspelled_inputs(draw: st.DrawFn) -> tuple[str, dict[Any, Any]]:
    """A pack and a mapping with one name no pack reads (a misspelling of a real one)."""
    pack = draw(st.sampled_from(PACKS))
    inputs = builtin_pack(pack).inputs
    real = draw(st.sampled_from(sorted(inputs)))
    wrong = draw(misspell(real) | unknown_name_s)
    if wrong in KNOWN:
        wrong = wrong + "_x"
    value = {"bool": True, "money": "20000000", "number": 90, "enum": "large"}.get(
        inputs[real].type, {"2025Q1": "1", "2025Q2": "1", "2025Q3": "1", "2025Q4": "1"}
    )
    return pack, {wrong: value}


@given(misspelled_inputs())
def test_misspelled_names_are_refused(case: tuple[str, dict[Any, Any]]) -> None:
    """A name the pack does not read (``{"revenu": "5"}``, ``{"Listed": true}``) is refused
    with a SepError naming it, never silently dropped into UNKNOWN."""
    pack, facts = case
    run_case(BOUNDARY, lambda: ask(pack, facts), (pack, facts), accept=None)


@given(st.sampled_from(PACKS), non_str_key_s, st.sampled_from([True, "1", None]))
def test_names_that_are_not_text_are_refused(pack: str, key: Any, value: Any) -> None:
    """An input name that is not a string (``1``, ``None``, a tuple, bytes) is refused."""
    facts = JunkMapping([(key, value)])
    run_case(BOUNDARY, lambda: ask(pack, facts), (pack, facts), accept=None)


@given(st.sampled_from(PACKS), junk_facts_s)
def test_facts_that_are_not_named_inputs_are_refused(pack: str, facts: Any) -> None:
    """Facts that are neither a mapping of named inputs nor an object whose ``facts()``
    gives one (None, a number, a list of pairs, a raising ``facts()``, a mapping that
    raises when read, 10,000 levels of nesting) are refused with a SepError."""
    run_case(BOUNDARY, lambda: ask(pack, facts), (pack, facts), accept=all_unknown)


def batch_all_unknown(result: Any) -> None:
    """Accept only a batch result whose every row and criterion is UNKNOWN."""
    for i in range(len(result)):
        all_unknown(result.decision(i))


def _column_encoding(kind: str, value: Any) -> bool:
    """Whether ``value`` is a documented column encoding of the batch engine (floats for
    money and numbers, ``1``/``0`` for yes/no): valid in a column, junk only one by one."""
    if type(value) is float:
        return True
    return kind == "bool" and type(value) is int and value in (0, 1)


@given(junk_inputs())
def test_the_batch_engine_refuses_the_same_junk(case: tuple[str, dict[str, Any]]) -> None:
    """The column-wise engine reads junk as the direct engine does: refused or unknown,
    never a decided row (every engine alike)."""
    pack, facts = case
    inputs = builtin_pack(pack).inputs
    if any(_column_encoding(inputs[name].type, value) for name, value in facts.items()):
        return
    columns = {name: [value] for name, value in facts.items()}
    run_case(
        BOUNDARY + " (batch)",
        lambda: check_batch(pack, columns, on=ON),
        (pack, columns),
        accept=batch_all_unknown,
    )


@given(st.sampled_from(PACKS), junk_facts_s)
def test_the_batch_engine_refuses_junk_columns(pack: str, columns: Any) -> None:
    """Columns that are not a mapping of named columns are refused by the batch engine."""
    run_case(
        BOUNDARY + " (batch)",
        lambda: check_batch(pack, columns, on=ON),
        (pack, columns),
        accept=batch_all_unknown,
    )
