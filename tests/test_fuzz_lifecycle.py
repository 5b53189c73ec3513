"""Hostile lifecycle triggers and restored files (4.3.2, 4.3.3, 4.3.6): refused, file kept.

Files are driven to each state of the incubation process; then one trigger allowed
there is fired with one argument turned to junk (a naive ``at``, a ``tzinfo`` whose
``utcoffset()`` is None, an empty actor, a resource that is no
:class:`~sep.domain.PlatformResource`, a decision of another question, a committee of
numbers, an unknown argument), or an unknown trigger is fired, or the clock raises. Each
must be refused with a :class:`~sep.errors.SepError`, and the file's state, history,
resources and archive must be as before — and still save to JSON and load back. Restored
files whose history was tampered with must be refused when opened (or, at the latest, at
the next step).
"""

from __future__ import annotations

import copy
import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from sep.domain import (
    Incubatee,
    Origin,
    PlatformResource,
    from_dict,
    from_json,
    to_dict,
    to_json,
)
from sep.errors import SepError
from sep.evaluation import check_eligibility, check_graduation
from sep.lifecycle import IncubationFile, IncubationProcess, Rubric, RubricItem, Score, screen
from tests._fuzz import FuzzFailure, report_failure, run_case, safe_repr
from tests.strategies import (
    Hostile,
    HostileError,
    NoneOffset,
    junk_datetime_s,
    junk_object_s,
    misspell,
    pick,
)

pytestmark = pytest.mark.clause("4.3.2", "4.3.3", "4.3.6")

ON = dt.date(2026, 1, 1)
AT = dt.datetime(2026, 3, 1, 9, 0, tzinfo=dt.UTC)
BOUNDARY = "lifecycle"
ACQUIRED = check_graduation({"acquired_by_founder": True}, on=ON)
NOT_MET = check_graduation(
    {
        "acquired_by_founder": False,
        "listed": False,
        "largest_financing_round": "0",
        "revenue": "0",
        "platform_equity_exited": False,
    },
    on=ON,
)


def _screened() -> Any:
    rubric = Rubric((RubricItem("team", "Team"), RubricItem("market", "Market")))
    scores = [
        Score(app, reviewer, {"team": m, "market": m}, f"{reviewer} on {app}")
        for app, m in {"good": 9, "weak": 2}.items()
        for reviewer in ("r1", "r2", "r3")
    ]
    return screen(rubric, scores, on=ON)["good"]


SCREENED = _screened()

#: The steps that drive a new file to each state (trigger, arguments), in order.
PATH: list[tuple[str, str, dict[str, Any]]] = [
    ("screening", "start_screening", {}),
    ("admitted", "admit", {"decision": SCREENED, "agreement": "AG-7"}),
    ("admitted", "grant_resource", {"resource": PlatformResource(id="desk-1", kind="space")}),
    ("incubating", "start_incubation", {}),
    ("certified", "issue_certificate", {"decision": ACQUIRED, "reference": "C-1"}),
    ("certified", "return_resource", {"resource_id": "desk-1"}),
    ("formalities_completed", "complete_formalities", {}),
    ("attested", "issue_attestation", {"reference": "AT-1"}),
    ("graduated", "create_archive", {"reference": "AR-1", "documents": ["agreement"]}),
    ("tracking", "start_tracking", {}),
]
STATES = ["applied", *dict.fromkeys(state for state, _, _ in PATH)]

#: A valid next step from each state, whose arguments the cases turn to junk one by one.
NEXT: dict[str, list[tuple[str, dict[str, Any]]]] = {
    "applied": [("start_screening", {})],
    "screening": [
        ("admit", {"decision": SCREENED, "agreement": "AG-7"}),
        ("reject", {"reason": "out of scope"}),
    ],
    "admitted": [
        ("grant_resource", {"resource": PlatformResource(id="lab-9", kind="equipment")}),
        ("start_incubation", {}),
    ],
    "incubating": [
        ("return_resource", {"resource_id": "desk-1", "on": ON}),
        ("issue_certificate", {"decision": ACQUIRED, "reference": "C-1"}),
        ("refer_to_committee", {"decision": NOT_MET}),
        ("terminate", {"reason": "left"}),
        ("accelerate", {}),
    ],
    "certified": [("complete_formalities", {})],
    "formalities_completed": [("issue_attestation", {"reference": "AT-1"})],
    "attested": [("create_archive", {"reference": "AR-1", "documents": ["agreement"]})],
    "graduated": [("start_tracking", {})],
    "tracking": [("record_follow_up", {"reason": "doing well"})],
}

_TEXT_JUNK = ["", "   ", "\n", 5, b"mgr", ["mgr"], {"name": "mgr"}, Hostile(), True]
#: Junk for each argument a trigger takes; none of these is a valid value of it.
JUNK_ARGS: dict[str, list[Any]] = {
    "actor": _TEXT_JUNK,
    "reason": _TEXT_JUNK,
    "agreement": _TEXT_JUNK,
    "reference": _TEXT_JUNK,
    "resource_id": ["", 5, None, ["desk-1"], Hostile(), "desk-404"],
    "on": ["2026-03-01", 20260301, dt.datetime(2026, 3, 1), True, Hostile()],
    "resource": [
        {"id": "lab-9", "kind": "equipment"},
        "lab-9",
        None,
        # (A second grant of "desk-1" is junk only once it is held: not in "admitted".)
        PlatformResource(id="lab-9", kind="x", returned_on=ON),
        Hostile(),
    ],
    "decision": [
        check_eligibility({}, on=ON),
        ACQUIRED.to_dict(),
        ACQUIRED.to_json(),
        "met",
        True,
        Hostile(),
    ],
    "committee": [[], "", "Wang", [5], [""], [None], ["Wang", Hostile()], Hostile(), 5],
    "documents": [5, "agreement", [5], [""], [None], [b"x"], Hostile(), {"a": 1}],
}


def _file(state: str, process: IncubationProcess | None = None) -> IncubationFile:
    f = (process or IncubationProcess()).open(
        Incubatee(id="h-001", name="Leishen", origin=Origin.INTERNAL)
    )
    if state == "applied":
        return f
    for reached, trigger, kwargs in PATH:
        f.fire(trigger, at=AT, **kwargs)
        if reached == state and (state != "certified" or not f.held_resources):
            return f
    raise AssertionError(f"cannot reach {state}")


def _kept(f: IncubationFile) -> tuple[Any, ...]:
    return (f.state, f.history, f.resources, f.archive, to_json(f.incubatee))


def _refused_and_kept(f: IncubationFile, call: Callable[[], Any], bad: Any) -> None:
    """Run ``call`` on ``f`` expecting a refusal; the file must be unchanged and reload."""
    before = _kept(f)
    result = run_case(BOUNDARY, call, bad, accept=None)
    shown = safe_repr(bad)
    if isinstance(result, SepError) and _kept(f) != before:
        report_failure(BOUNDARY, "state changed", f"a refused trigger changed the file: {shown}")
    try:
        again = IncubationProcess().open(from_json(Incubatee, to_json(f.incubatee)))
    except Exception as exc:
        report_failure(
            BOUNDARY,
            f"saved file does not load ({type(exc).__name__})",
            f"after {shown} the saved file does not load back: {exc}",
            exc,
        )
        return
    if again.state != f.state or again.history != f.history:
        report_failure(BOUNDARY, "reload differs", f"the file reloads differently after {shown}")


@st.composite
def junk_firings(draw: st.DrawFn) -> tuple[str, str, dict[str, Any]]:
    """A state, a trigger allowed there, and its arguments with one turned to junk."""
    state = draw(st.sampled_from(STATES))
    trigger, kwargs = draw(st.sampled_from(NEXT[state]))
    kwargs = {**kwargs, "at": AT}
    kind = draw(st.sampled_from(["at", "actor", "unknown", *sorted(set(kwargs) - {"at"})]))
    if kind == "at":
        kwargs["at"] = draw(junk_datetime_s)
    elif kind == "unknown":
        name = draw(misspell(draw(st.sampled_from(sorted(kwargs)))) | pick(["by", "when", ""]))
        assume(name not in kwargs)  # a "misspelling" equal to a real name is no junk
        kwargs[name] = draw(pick(["x", AT]) | junk_object_s)
    else:
        kwargs[kind] = draw(pick(JUNK_ARGS[kind]))
    return state, trigger, kwargs


@given(junk_firings())
def test_junk_trigger_arguments_are_refused(case: tuple[str, str, dict[str, Any]]) -> None:
    """A trigger allowed from the file's state, fired with one junk argument (naive or
    offset-less ``at``, empty or non-text actor/reason/reference, a resource that is no
    PlatformResource, a decision of another question, a committee of non-names, an
    unknown argument), is refused; the file is unchanged and still saves and reloads."""
    state, trigger, kwargs = case
    f = _file(state)
    _refused_and_kept(f, lambda: f.fire(trigger, **kwargs), (state, trigger, kwargs))


JUNK_TRIGGERS: list[Any] = [
    "",
    "Start_screening",
    "start screening",
    "start_screening ",
    "graduate",
    "__init__",
    "to_graduated",
    None,
    5,
    ["admit"],
    Hostile(),
]


@given(st.sampled_from(STATES), pick(JUNK_TRIGGERS))
def test_unknown_triggers_are_refused(state: str, trigger: Any) -> None:
    """A trigger name that is not a trigger of the process (misspelt, internal, not text)
    is refused with a SepError; the file is unchanged."""
    f = _file(state)
    _refused_and_kept(f, lambda: f.fire(trigger, at=AT), (state, trigger))


def _raising_clock() -> dt.datetime:
    raise ZeroDivisionError("clock failed")


def _hostile_clock() -> dt.datetime:
    raise HostileError("hostile clock")


CLOCKS: list[Callable[[], Any]] = [
    _raising_clock,
    _hostile_clock,
    lambda: dt.datetime(2026, 3, 1),
    lambda: dt.datetime(2026, 3, 1, tzinfo=NoneOffset()),
    lambda: "2026-03-01T09:00:00+00:00",
    lambda: None,
    lambda: ON,
    lambda: Hostile(),
]


@given(st.sampled_from(STATES), pick(CLOCKS))
def test_a_bad_clock_is_refused(state: str, clock: Callable[[], Any]) -> None:
    """A clock that raises, or gives a naive, offset-less or non-datetime time, makes a
    trigger fired without ``at=`` refused with a SepError; the file is unchanged."""
    process = IncubationProcess(clock=clock)
    f = _file(state, process)
    trigger, kwargs = NEXT[state][0]
    _refused_and_kept(f, lambda: f.fire(trigger, **kwargs), (state, trigger, clock))


def _document(state: str) -> dict[str, Any]:
    return copy.deepcopy(to_dict(_file(state).incubatee))


def _tampered() -> list[tuple[str, dict[str, Any]]]:
    out: list[tuple[str, dict[str, Any]]] = []
    doc = _document("screening")
    doc["process"]["history"][0]["to_state"] = "graduated"
    doc["process"]["state"] = "graduated"
    out.append(("applied -> graduated in one step", doc))
    doc = _document("incubating")
    doc["process"]["history"][1]["from_state"] = "tracking"
    out.append(("history not chained", doc))
    doc = _document("incubating")
    doc["process"]["history"][0]["trigger"] = "teleport"
    out.append(("unknown trigger in history", doc))
    doc = _document("incubating")
    doc["process"]["history"].reverse()
    out.append(("history reversed", doc))
    doc = _document("incubating")
    doc["process"]["history"] = []
    out.append(("state without history", doc))
    doc = _document("incubating")
    doc["process"]["state"] = "screening"
    out.append(("state other than the history's end", doc))
    doc = _document("incubating")
    doc["process"]["history"] = doc["process"]["history"][1:]
    out.append(("history missing its first step", doc))
    doc = _document("formalities_completed")
    for resource in doc["resources"]:
        resource["returned_on"] = None
    out.append(("formalities completed with a resource held", doc))
    doc = _document("graduated")
    doc["archive"] = None
    out.append(("graduated without an archive", doc))
    doc = _document("incubating")
    doc["process"]["history"].append(copy.deepcopy(doc["process"]["history"][-1]))
    out.append(("a step recorded twice", doc))
    return out


TAMPERED = _tampered()


@given(st.sampled_from(range(len(TAMPERED))))
def test_tampered_files_are_refused(index: int) -> None:
    """A restored file whose history is not a run of the process (a skipped step, broken
    chain, unknown trigger, state without history, formalities completed while a
    resource is held) is refused when opened, or at the latest at its next step (4.3.6:
    the procedure's order holds for restored files too)."""
    name, doc = TAMPERED[index]

    def accept(f: IncubationFile) -> str:
        triggers = f.triggers()
        if not triggers:
            raise FuzzFailure(f"tampered file {name!r} was opened in {f.state!r}")
        trigger = triggers[0]
        args = next((kw for t, kw in NEXT.get(f.state, []) if t == trigger), {})
        try:
            f.fire(trigger, at=AT, **args)
        except SepError:
            return "accepted"
        raise FuzzFailure(f"tampered file {name!r} was opened and fired {trigger!r}")

    def call() -> Any:
        return IncubationProcess().open(from_dict(Incubatee, doc))

    run_case(BOUNDARY, call, name, accept=accept)


NOT_INCUBATEES: list[Any] = [
    None,
    5,
    "h-001",
    {"id": "h-1", "name": "A", "origin": "internal"},
    Hostile(),
    object(),
    [Incubatee(id="h", name="A", origin=Origin.INTERNAL)],
]


@given(pick(NOT_INCUBATEES))
def test_opening_what_is_no_incubatee_is_refused(obj: Any) -> None:
    """``open`` of something that is not an Incubatee is refused with a SepError."""
    run_case(BOUNDARY, lambda: IncubationProcess().open(obj), obj, accept=None)
