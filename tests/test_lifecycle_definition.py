"""The process definition as checked data, and its Mermaid and Graphviz exports (4.3.2)."""

from __future__ import annotations

import itertools
import sys
from typing import Any

import attrs
import pytest

from sep.errors import EngineUnavailableError, RuleDefinitionError
from sep.evaluation._clauses import TCATE_CLAUSES
from sep.lifecycle import (
    IncubationProcess,
    ProcessDefinition,
    StateSpec,
    TransitionSpec,
    definition_from_mapping,
    standard_definition,
)

pytestmark = pytest.mark.clause("4.3.2", "4.3.3", "4.3.6")


def _tiny(**changes: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "initial": "a",
        "states": [
            {"name": "a", "clause": "4.3.2", "source": "s", "en": "a", "zh": "a"},
            {"name": "b", "clause": "4.3.2", "source": "s", "en": "b", "zh": "b", "final": True},
        ],
        "transitions": [
            {"trigger": "go", "sources": ["a"], "dest": "b", "clause": "4.3.2", "source": "s"}
        ],
    }
    data.update(changes)
    return data


def test_standard_definition_cites_a_clause_and_a_source_everywhere() -> None:
    """4.3.2: every state and transition cites a clause of the standard and a source."""
    d = standard_definition()
    for state in d.states:
        assert state.clause in TCATE_CLAUSES and state.source and state.en and state.zh
    for tr in d.transitions:
        assert tr.clause in TCATE_CLAUSES and tr.source


def test_standard_definition_covers_recruitment_to_tracking() -> None:
    """4.3.2: from recruitment (applied) to post-graduation tracking, with rejection,
    withdrawal, termination and non-completion as the other ends."""
    d = standard_definition()
    assert d.initial == "applied"
    finals = {s.name for s in d.states if s.final}
    assert finals == {"rejected", "withdrawn", "terminated", "non_completed"}
    assert "tracking" in d.state_names and "graduated" in d.state_names


def test_the_4_3_6_steps_form_a_chain() -> None:
    """4.3.6: certificate → formalities → attestation → archive, one way each."""
    d = standard_definition()
    chain = ["certified", "formalities_completed", "attested", "graduated"]
    for here, there in itertools.pairwise(chain):
        leaving = {t.dest for t in d.transitions if here in t.sources and t.dest}
        assert leaving == {there}


def test_definition_round_trips_through_plain_data() -> None:
    """A definition written by to_dict builds the same definition again."""
    d = standard_definition()
    again = definition_from_mapping(d.to_dict(), source="copy")
    assert again.states == d.states and again.transitions == d.transitions


@pytest.mark.parametrize(
    ("changes", "key"),
    [
        ({"initial": "zz"}, "initial"),
        ({"states": []}, "states"),
        (
            {
                "transitions": [
                    {"trigger": "go", "sources": ["a"], "dest": "q", "clause": "x", "source": "s"}
                ]
            },
            "transitions[0].dest",
        ),
        (
            {
                "transitions": [
                    {"trigger": "go", "sources": ["x"], "dest": "b", "clause": "x", "source": "s"}
                ]
            },
            "transitions[0].sources[0]",
        ),
        (
            {
                "transitions": [
                    {
                        "trigger": "go",
                        "sources": ["a"],
                        "dest": "b",
                        "clause": "x",
                        "source": "s",
                        "guards": ["vibes"],
                    }
                ]
            },
            "transitions[0].guards[0]",
        ),
        (
            {
                "transitions": [
                    {
                        "trigger": "go",
                        "sources": ["a"],
                        "dest": "b",
                        "clause": "x",
                        "source": "s",
                        "effects": ["explode"],
                    }
                ]
            },
            "transitions[0].effects[0]",
        ),
        (
            {
                "transitions": [
                    {"trigger": "_go", "sources": ["a"], "dest": "b", "clause": "x", "source": "s"}
                ]
            },
            "transitions[0].trigger",
        ),
        (
            {
                "transitions": [
                    {"trigger": "go", "sources": ["a"], "dest": "b", "clause": "x", "source": "s"},
                    {"trigger": "go", "sources": ["a"], "dest": "b", "clause": "x", "source": "s"},
                ]
            },
            "transitions[1].sources[0]",
        ),
        (
            {
                "transitions": [
                    {"trigger": "go", "sources": ["a"], "dest": None, "clause": "x", "source": "s"}
                ]
            },
            "states.b",
        ),
        ({"transitions": []}, "states.a"),
        ({"initial": None, "states": None}, "states"),
    ],
)
def test_malformed_definitions_are_refused_when_built(changes: dict[str, Any], key: str) -> None:
    """4.3.2: a malformed definition raises RuleDefinitionError naming the key, at build."""
    with pytest.raises(RuleDefinitionError) as info:
        definition_from_mapping(_tiny(**changes), source="platform.toml")
    assert info.value.source == "platform.toml"
    assert info.value.key == key


def test_final_state_with_a_way_out_is_refused() -> None:
    """A final state is an end: a transition leaving it is a definition error."""
    data = _tiny()
    data["transitions"].append(
        {"trigger": "back", "sources": ["b"], "dest": "a", "clause": "x", "source": "s"}
    )
    with pytest.raises(RuleDefinitionError, match="final state"):
        definition_from_mapping(data)


def test_a_custom_definition_runs() -> None:
    """A platform's own checked definition drives files like the standard one."""
    states = [StateSpec("a", "4.3.2", "s", "a", "a"), StateSpec("b", "4.3.2", "s", "b", "b", True)]
    d = ProcessDefinition.build(states, "a", [TransitionSpec("go", ("a",), "b", "4.3.2", "s")])
    from sep.domain import Incubatee, Origin

    f = IncubationProcess(d).open(Incubatee(id="x", name="x", origin=Origin.EXTERNAL))
    assert f.fire("go").to_state == "b"


def test_mermaid_lists_every_state_and_transition() -> None:
    """The Mermaid export names each state with its clause and each trigger on its edge."""
    d = standard_definition()
    text = d.to_mermaid()
    assert text.startswith("stateDiagram-v2\n")
    for state in d.states:
        assert f'state "{state.name} ({state.clause})" as {state.name}' in text
    for tr in d.transitions:
        for src in tr.sources:
            if tr.dest is not None:
                edge = next(
                    line
                    for line in text.splitlines()
                    if line.startswith(f"    {src} --> {tr.dest}:")
                )
                assert tr.trigger in edge
            else:
                assert tr.trigger in next(
                    line
                    for line in text.splitlines()
                    if line.startswith(f"    note right of {src}:")
                )


def test_dot_is_written_without_graphviz() -> None:
    """The DOT export needs nothing; each state is a node and final states are doubled."""
    dot = standard_definition().to_dot()
    assert dot.startswith("digraph incubation {") and dot.rstrip().endswith("}")
    assert '"rejected" [label="rejected\\n4.3.3", peripheries=2];' in dot


def test_rendering_without_graphviz_says_how_to_fix(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Any
) -> None:
    """Rendering needs a Graphviz binding; without one EngineUnavailableError says the fix."""
    monkeypatch.setitem(sys.modules, "graphviz", None)
    monkeypatch.setitem(sys.modules, "pygraphviz", None)
    with pytest.raises(EngineUnavailableError) as info:
        IncubationProcess().render_graphviz(str(tmp_path / "p.svg"))
    assert "pygraphviz" in info.value.fix


def test_machine_is_built_without_models_or_auto_transitions() -> None:
    """One machine serves every file: no model is added, no to_<state> triggers exist."""
    process = IncubationProcess()
    assert process.machine.models == []
    assert set(process.machine.events) == set(standard_definition().triggers)
    assert attrs.has(StateSpec)
