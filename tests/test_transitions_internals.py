"""The behaviour of ``transitions`` that the incubation process (4.3.2, 4.3.3, 4.3.6) relies on.

``pyproject.toml`` accepts a range of ``transitions`` releases rather than one pin, so
this module checks, against the installed release, exactly what
:class:`sep.lifecycle.IncubationProcess` uses of it: the ``Machine`` keyword arguments it
passes, ``machine.events[name].trigger(model, ctx)`` on a model that was never added to
the machine, the model attribute the state lives in, ``send_event`` callbacks
(``event.model``, ``event.args``), conditions that refuse or raise, ``after`` callbacks,
internal transitions (``dest=None``), guarded alternatives for one trigger, and
``MachineError`` for a trigger not allowed from the current state. The process dispatches
a trigger itself: it takes the event's transitions from the file's state
(``event.transitions[state]``) and calls ``Transition.execute(event_data)`` on each in
turn, what ``Event._trigger`` does on a machine with no prepare, finalize or exception
callbacks. Each check runs three ways: ``Event.trigger``, ``Event._trigger`` and that
dispatch. The context is that ``EventData`` (a subclass of it), which transitions must
pass on as given without touching the context's own fields.

When a new release changes one of these, the failing test says what changed, so the range
in ``pyproject.toml`` is not widened before ``sep.lifecycle`` is adapted.
"""

from __future__ import annotations

import datetime as dt
import importlib.metadata
from collections.abc import Callable
from typing import Any

import pytest
from transitions import Machine, MachineError
from transitions.core import Event, EventData, State

from sep.lifecycle import _process

pytestmark = pytest.mark.clause("4.3.2")

VERSION = importlib.metadata.version("transitions")

#: Fires an event on a model with the process's context: ``fire(event, model, ctx)``.
Fire = Callable[[Event, Any, Any], bool]


def _public(event: Event, model: Any, ctx: Any) -> bool:
    return bool(event.trigger(model, ctx))


def _direct(event: Event, model: Any, ctx: Any) -> bool:
    # What IncubationProcess does on every trigger.
    return bool(event._trigger(EventData(None, event, event.machine, model, (ctx,), {})))


def _dispatch(event: Event, model: Any, ctx: Any) -> bool:
    # What IncubationProcess._fire does on every trigger: the transitions from the
    # model's state, each executed in turn until one is taken. The process refuses a
    # state without transitions itself (TransitionError); MachineError stands in here.
    state = getattr(model, _process.MODEL_ATTRIBUTE)
    candidates = event.transitions.get(state)
    if candidates is None:
        raise MachineError(f"no transition of {event.name!r} from {state!r}")
    data = EventData(event.machine.states[state], event, event.machine, model, (ctx,), {})
    for transition in candidates:
        data.transition = transition
        if transition.execute(data):
            data.result = True
            break
    return bool(data.result)


@pytest.fixture(
    params=[_public, _direct, _dispatch],
    ids=["Event.trigger", "Event._trigger", "Transition.execute"],
)
def fire(request: pytest.FixtureRequest) -> Fire:
    """Each check through the public trigger, through Event._trigger, and through the
    dispatch the process does itself."""
    result: Fire = request.param
    return result


def relied_on(what: str) -> str:
    """The message of a failed check: the release, what changed, and who relies on it."""
    return (
        f"transitions {VERSION} changed: {what}. sep.lifecycle.IncubationProcess relies on "
        "this; adapt sep/lifecycle/_process.py before widening the transitions range in "
        "pyproject.toml"
    )


class File:
    """A model like sep's IncubationFile: a plain object the machine is never given."""

    def __init__(self, state: str) -> None:
        setattr(self, _process.MODEL_ATTRIBUTE, state)

    @property
    def state(self) -> str:
        return str(getattr(self, _process.MODEL_ATTRIBUTE))


def build(transitions: list[dict[str, Any]]) -> Machine:
    """A machine built with the keyword arguments IncubationProcess passes."""
    return Machine(
        model=None,
        states=["applied", "screening", "admitted", "rejected"],
        initial="applied",
        transitions=transitions,
        send_event=True,
        auto_transitions=False,
        ignore_invalid_triggers=False,
        model_attribute=_process.MODEL_ATTRIBUTE,
    )


def test_process_uses_the_model_attribute_checked_here() -> None:
    """The attribute these checks use is the one sep's process stores the state in."""
    assert _process.MODEL_ATTRIBUTE == "_state"
    assert _process.Machine is Machine and _process.MachineError is MachineError
    assert _process.EventData is EventData


def test_an_unqueued_machine_runs_the_event_data_it_is_handed() -> None:
    """The process's machine has no queue, and Event.trigger on such a machine does no more
    than Event._trigger on the EventData it builds: the same result, state and callbacks,
    with nothing left queued, so the process may make that call itself."""
    from sep.lifecycle import IncubationProcess

    assert IncubationProcess().machine.has_queue is False, relied_on("the machine is queued")
    seen: list[Any] = []
    machine = build(
        [
            {
                "trigger": "start",
                "source": ["applied"],
                "dest": "screening",
                "after": [lambda event: seen.append((event.args, event.kwargs, event.state))],
            }
        ]
    )
    assert machine.has_queue is False, relied_on("Machine() without queued= has a queue")
    public, direct, ctx = File("applied"), File("applied"), object()
    assert _public(machine.events["start"], public, ctx) is True
    assert _direct(machine.events["start"], direct, ctx) is True
    assert public.state == direct.state == "screening"
    assert seen[0][:2] == seen[1][:2] == ((ctx,), {}), relied_on(f"callbacks saw {seen!r}")
    assert seen[0][2].name == seen[1][2].name == "screening"
    assert not machine._transition_queue, relied_on("an unqueued machine keeps a queue")


#: The fields of the process's context (sep.lifecycle._process._Firing) beside EventData's.
CONTEXT_FIELDS = ("at", "data", "decision", "ref", "refusal", "refusal_clause")


def test_callbacks_get_the_event_data_the_process_builds() -> None:
    """The process's context is the EventData it hands Event._trigger (no positional
    arguments, the trigger's keyword arguments): every condition and after callback gets
    that very object, and transitions sets none of the context's own fields."""
    seen: list[Any] = []

    def condition(event: Any) -> bool:
        seen.append(event)
        return True

    machine = build(
        [
            {
                "trigger": "start",
                "source": ["applied"],
                "dest": "screening",
                "conditions": [condition],
                "after": [seen.append],
            }
        ]
    )
    event, file = machine.events["start"], File("applied")
    at = dt.datetime(2026, 3, 1, tzinfo=dt.UTC)
    ctx = _process._Fired(event, file, {"reason": "called"}, at)
    assert isinstance(ctx, EventData) and isinstance(ctx, _process._Firing)
    fields = {name: getattr(ctx, name) for name in CONTEXT_FIELDS}
    assert event._trigger(ctx) is True and file.state == "screening"
    assert len(seen) == 2 and all(e is ctx for e in seen), relied_on(
        f"callbacks got {seen!r}, not the EventData given"
    )
    assert (ctx.model, tuple(ctx.args), ctx.kwargs) == (file, (), {"reason": "called"})
    changed = [n for n in CONTEXT_FIELDS if getattr(ctx, n) is not fields[n]]
    assert not changed, relied_on(f"a trigger sets the EventData fields {changed}")
    plain = EventData(None, event, machine, File("applied"), (), {})
    event._trigger(plain)
    clash = sorted(set(vars(plain)) & set(CONTEXT_FIELDS))
    assert not clash, relied_on(f"EventData has fields named like the context's: {clash}")


def test_the_process_machine_has_nothing_event_trigger_would_add() -> None:
    """The process skips Event._trigger, which on its machine would add nothing: the
    machine has no prepare_event, finalize_event or on_exception callbacks, every state
    refuses an invalid trigger (none ignores it), and the states the process hands the
    context are the machine's own State objects."""
    from sep.lifecycle import IncubationProcess

    process = IncubationProcess()
    machine = process.machine
    for hook in ("prepare_event", "finalize_event", "on_exception"):
        assert list(getattr(machine, hook)) == [], relied_on(f"the machine has {hook} callbacks")
    assert machine.ignore_invalid_triggers is False
    assert not any(s.ignore_invalid_triggers for s in machine.states.values()), relied_on(
        "a state sets its own ignore_invalid_triggers"
    )
    assert process._state_objects == dict(machine.states)
    assert all(isinstance(s, State) for s in process._state_objects.values())


def test_event_transitions_are_the_declared_ones_by_source() -> None:
    """Event.transitions maps each source state to its transitions in declared order (the
    guarded alternatives the process tries in turn), and looking up a state without
    transitions neither finds nor adds one."""
    machine = build(
        [
            {"trigger": "decide", "source": ["screening"], "dest": "admitted"},
            {"trigger": "decide", "source": ["screening", "applied"], "dest": "rejected"},
        ]
    )
    by_source = machine.events["decide"].transitions
    assert [t.dest for t in by_source["screening"]] == ["admitted", "rejected"], relied_on(
        "Event.transitions is not the transitions by source, in declared order"
    )
    assert [t.source for t in by_source["applied"]] == ["applied"]
    assert by_source.get("admitted") is None and "admitted" not in by_source, relied_on(
        "looking up a state without transitions finds or adds one"
    )


def test_machine_error_is_an_exception() -> None:
    """MachineError is an Exception subclass, so the process's handler turns it into
    TransitionError (4.3.2) and never lets it reach a user."""
    assert issubclass(MachineError, Exception), relied_on("MachineError is no Exception")


def test_machine_without_models_has_only_the_declared_events() -> None:
    """model=None adds no model; auto_transitions=False adds no to_<state> events, so the
    process's trigger table holds the definition's triggers only."""
    machine = build([{"trigger": "start", "source": ["applied"], "dest": "screening"}])
    assert list(machine.models) == [], relied_on("model=None no longer means no model")
    assert set(machine.events) == {"start"}, relied_on(
        f"auto_transitions=False still adds events: {sorted(machine.events)}"
    )
    assert callable(machine.events["start"].trigger), relied_on("Event.trigger is gone")


def test_trigger_moves_a_model_never_added(fire: Fire) -> None:
    """Firing an event (trigger(file, ctx)) moves a model that was never added: it reads and
    writes the model attribute, returns True, and neither adds the model nor puts methods
    on it (4.3.2: one machine serves every incubatee's file)."""
    machine = build([{"trigger": "start", "source": ["applied"], "dest": "screening"}])
    file = File("applied")
    assert fire(machine.events["start"], file, object()) is True, relied_on(
        "Event.trigger no longer returns True for a transition taken"
    )
    assert file.state == "screening", relied_on("the state is not written to model_attribute")
    assert list(machine.models) == [], relied_on("triggering a model adds it to the machine")
    assert not hasattr(file, "start") and not hasattr(file, "is_screening"), relied_on(
        "triggering a model decorates it with methods"
    )


def test_callbacks_get_one_event_with_model_and_args(fire: Fire) -> None:
    """send_event=True: conditions and after callbacks get one event whose .model is the
    file and .args the positional arguments given to trigger (the process's context)."""
    seen: list[tuple[str, Any, tuple[Any, ...]]] = []

    def condition(event: Any) -> bool:
        seen.append(("condition", event.model, event.args))
        return True

    def after(event: Any) -> None:
        seen.append(("after", event.model, event.args))

    machine = build(
        [
            {
                "trigger": "start",
                "source": ["applied"],
                "dest": "screening",
                "conditions": [condition],
                "after": [after],
            }
        ]
    )
    file, ctx = File("applied"), object()
    fire(machine.events["start"], file, ctx)
    assert seen == [("condition", file, (ctx,)), ("after", file, (ctx,))], relied_on(
        f"send_event callbacks saw {seen!r}"
    )


def test_after_runs_once_the_state_has_changed(fire: Fire) -> None:
    """An after callback (the process's effects, e.g. creating the archive of 4.3.6) sees
    the file already in the destination state."""
    states: list[str] = []
    machine = build(
        [
            {
                "trigger": "start",
                "source": ["applied"],
                "dest": "screening",
                "after": [lambda event: states.append(event.model.state)],
            }
        ]
    )
    fire(machine.events["start"], File("applied"), None)
    assert states == ["screening"], relied_on(f"after callbacks ran in state {states!r}")


def test_refusing_condition_keeps_the_state_and_stops_there(fire: Fire) -> None:
    """A condition returning False (a guard's refusal) makes trigger return False, keeps
    the state, runs neither later conditions nor after callbacks: the first refusal is
    the one reported."""
    calls: list[str] = []

    def refuse(event: Any) -> bool:
        calls.append("refuse")
        return False

    def later(event: Any) -> bool:
        calls.append("later")
        return True

    machine = build(
        [
            {
                "trigger": "admit",
                "source": ["screening"],
                "dest": "admitted",
                "conditions": [refuse, later],
                "after": [lambda event: calls.append("after")],
            }
        ]
    )
    file = File("screening")
    assert fire(machine.events["admit"], file, None) is False, relied_on(
        "a refused transition no longer returns False"
    )
    assert file.state == "screening", relied_on("a refused transition changes the state")
    assert calls == ["refuse"], relied_on(f"after a refusing condition, ran {calls!r}")


def test_raising_condition_propagates_and_keeps_the_state(fire: Fire) -> None:
    """An exception in a condition reaches the caller unchanged (the process turns it into
    its own error), with the state as it was."""

    class Boom(Exception):
        pass

    def boom(event: Any) -> bool:
        raise Boom("guard failed")

    machine = build(
        [{"trigger": "admit", "source": ["screening"], "dest": "admitted", "conditions": [boom]}]
    )
    file = File("screening")
    with pytest.raises(Boom):
        fire(machine.events["admit"], file, None)
    assert file.state == "screening", relied_on("a raising condition changes the state")


def test_trigger_not_allowed_from_the_state_raises_machine_error(fire: Fire) -> None:
    """ignore_invalid_triggers=False: a trigger with no transition from the file's state
    raises MachineError and leaves the state (the process reports TransitionError)."""
    machine = build([{"trigger": "admit", "source": ["screening"], "dest": "admitted"}])
    file = File("applied")
    with pytest.raises(MachineError):
        fire(machine.events["admit"], file, None)
    assert file.state == "applied"


def test_internal_transition_keeps_the_state_and_runs_effects(fire: Fire) -> None:
    """dest=None is an internal transition (e.g. granting a resource during incubation,
    4.3.3): the state stays, the after callbacks run, trigger returns True."""
    effects: list[str] = []
    machine = build(
        [
            {
                "trigger": "grant",
                "source": ["admitted"],
                "dest": None,
                "after": [lambda event: effects.append(event.model.state)],
            }
        ]
    )
    file = File("admitted")
    assert fire(machine.events["grant"], file, None) is True, relied_on(
        "an internal transition no longer returns True"
    )
    assert file.state == "admitted" and effects == ["admitted"], relied_on(
        f"internal transition: state {file.state!r}, effects {effects!r}"
    )


def test_guarded_alternatives_take_the_first_that_passes(fire: Fire) -> None:
    """One trigger defined twice from one source with guards (the definition allows this
    only when guarded): the first transition whose conditions pass is taken, in order."""

    def flag(event: Any) -> bool:
        return bool(event.args[0])

    machine = build(
        [
            {
                "trigger": "decide",
                "source": ["screening"],
                "dest": "admitted",
                "conditions": [flag],
            },
            {"trigger": "decide", "source": ["screening"], "dest": "rejected"},
        ]
    )
    admitted, rejected = File("screening"), File("screening")
    fire(machine.events["decide"], admitted, True)
    fire(machine.events["decide"], rejected, False)
    assert (admitted.state, rejected.state) == ("admitted", "rejected"), relied_on(
        f"guarded alternatives gave {(admitted.state, rejected.state)!r}"
    )


def test_sources_are_a_list_of_states(fire: Fire) -> None:
    """A transition's source may be a list of states (the process passes list(sources))."""
    machine = build([{"trigger": "reject", "source": ["applied", "screening"], "dest": "rejected"}])
    for start in ("applied", "screening"):
        file = File(start)
        fire(machine.events["reject"], file, None)
        assert file.state == "rejected", relied_on(f"a list source missed {start!r}")


def test_the_standard_process_builds_on_this_release() -> None:
    """The whole shipped process (4.3.2) builds its machine on the installed release, and
    its machine's events are exactly the definition's triggers."""
    from sep.lifecycle import IncubationProcess

    process = IncubationProcess()
    assert set(process.machine.events) == set(process.definition.triggers), relied_on(
        "the shipped process's machine has other events than its triggers"
    )
