"""The lifecycle at its boundary: times, restored files, threads and junk (4.3.2, 4.3.6).

What a CRM or a hostile caller sends to the incubation process is either recorded so that
the incubatee's JSON resumes exactly, or refused with a :class:`~sep.errors.SepError`
that leaves the file as it was.
"""

from __future__ import annotations

import datetime as dt
import sys
import threading
from typing import Any

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from sep.domain import (
    Archive,
    AuditRecord,
    Incubatee,
    Origin,
    PlatformResource,
    ProcessRecord,
    from_json,
    to_json,
)
from sep.errors import RuleDefinitionError, SepError, TransitionError, ValidationError
from sep.evaluation import check_graduation
from sep.lifecycle import (
    IncubationFile,
    IncubationProcess,
    ProcessDefinition,
    Rubric,
    RubricItem,
    Score,
    StateSpec,
    TransitionSpec,
    definition_from_mapping,
    screen,
    standard_definition,
)

pytestmark = pytest.mark.clause("4.3.2", "4.3.6")

ON = dt.date(2026, 1, 1)
AT = dt.datetime(2026, 3, 1, 9, 0, tzinfo=dt.UTC)
ACQUIRED = check_graduation({"acquired_by_founder": True}, on=ON)
_RUBRIC = Rubric((RubricItem("team", "Team"),))
PASSED = screen(
    _RUBRIC,
    [Score(a, r, {"team": m}, f"{r}: {a}") for a, m in (("a", 9), ("b", 1)) for r in "xyz"],
    on=ON,
)["a"]


class _NoOffset(dt.tzinfo):
    """A zone that is set but knows no offset: the datetime is naive in effect."""

    def utcoffset(self, d: dt.datetime | None) -> dt.timedelta | None:
        return None

    def tzname(self, d: dt.datetime | None) -> str:
        return "nowhere"

    def dst(self, d: dt.datetime | None) -> dt.timedelta | None:
        return None


class _Broken(dt.tzinfo):
    """A zone whose offset cannot be read at all."""

    def utcoffset(self, d: dt.datetime | None) -> dt.timedelta | None:
        raise ZeroDivisionError("no offset today")


class _Odd(dt.tzinfo):
    """A foreign but valid zone with a fixed offset of five and a half hours."""

    def utcoffset(self, d: dt.datetime | None) -> dt.timedelta:
        return dt.timedelta(hours=5, minutes=30)

    def tzname(self, d: dt.datetime | None) -> str:
        return "odd"

    def dst(self, d: dt.datetime | None) -> dt.timedelta:
        return dt.timedelta(0)


def _incubatee(**kw: Any) -> Incubatee:
    return Incubatee(id="h-001", name="Leishen", origin=Origin.INTERNAL, **kw)


def _snapshot(f: IncubationFile) -> tuple[Any, ...]:
    return (f.state, f.history, f.resources, f.archive, f.incubatee)


def _refused(f: IncubationFile, trigger: Any, **kw: Any) -> SepError:
    """Fire expecting a SepError; check nothing moved; return the error."""
    before = _snapshot(f)
    with pytest.raises(SepError) as info:
        f.fire(trigger, **kw)
    assert _snapshot(f) == before
    return info.value


def _graduated_file(process: IncubationProcess | None = None) -> IncubationFile:
    """A file walked from application to graduation, returning its one desk."""
    f = (process or IncubationProcess()).open(_incubatee())
    f.fire("start_screening", at=AT)
    f.fire("admit", decision=PASSED, agreement="AG-1", at=AT)
    f.fire("grant_resource", resource=PlatformResource(id="desk-1", kind="space"), at=AT)
    f.fire("start_incubation", at=AT)
    f.fire("issue_certificate", decision=ACQUIRED, reference="C-1", at=AT)
    f.fire("return_resource", resource_id="desk-1", at=AT)
    f.fire("complete_formalities", at=AT)
    f.fire("issue_attestation", reference="AT-1", at=AT)
    f.fire("create_archive", reference="AR-1", at=AT)
    return f


def _at_step(trigger: str) -> Incubatee:
    """The incubatee of :func:`_graduated_file` saved right after ``trigger``."""
    f = _graduated_file()
    history = f.history
    cut = next(i for i, r in enumerate(history) if r.trigger == trigger) + 1
    inc = f.incubatee
    assert inc.process is not None
    archive = inc.archive if trigger == "create_archive" else None
    record = ProcessRecord(history[cut - 1].to_state, history[:cut])
    return attrs.evolve(inc, process=record, archive=archive)


# -- 1. times --------------------------------------------------------------------------------


def test_a_zone_without_offset_is_refused_at_the_trigger() -> None:
    """4.3.2: a ``tzinfo`` whose ``utcoffset()`` is None (or raises) makes the time naive in
    effect; its JSON could not be read back, so the trigger refuses it, naming ``at``."""
    f = IncubationProcess().open(_incubatee())
    for zone in (_NoOffset(), _Broken()):
        err = _refused(f, "start_screening", at=dt.datetime(2026, 1, 1, tzinfo=zone))
        assert isinstance(err, ValidationError) and err.field == "at" and err.clause == "4.3.2"
    err = _refused(f, "start_screening", at=dt.datetime(2026, 1, 1))
    assert isinstance(err, ValidationError) and err.field == "at"


def test_audit_records_refuse_a_zone_without_offset() -> None:
    """4.3.2: the domain's AuditRecord calls a time aware only when its offset is known."""
    for zone in (_NoOffset(), _Broken()):
        with pytest.raises(ValidationError) as info:
            AuditRecord(
                "applied", "screening", "start_screening", dt.datetime(2026, 1, 1, tzinfo=zone)
            )
        assert info.value.field == "at"


@pytest.mark.parametrize(
    "clock",
    [
        lambda: 1 / 0,
        lambda: "2026-01-01T00:00:00+00:00",
        lambda: dt.datetime(2026, 1, 1),
        lambda: dt.datetime(2026, 1, 1, tzinfo=_NoOffset()),
        lambda: None,
    ],
)
def test_a_clock_that_fails_or_returns_junk_is_a_sep_error(clock: Any) -> None:
    """4.3.2: the time of a transition comes from the process's clock when ``at=`` is not
    passed; a clock that raises or gives anything but an aware datetime is a SepError and
    the file stays as it was."""
    f = IncubationProcess(clock=clock).open(_incubatee())
    _refused(f, "start_screening")


def test_a_clock_that_is_not_callable_is_refused_when_the_process_is_built() -> None:
    """4.3.2: the process is told its clock once; a non-callable one is refused there."""
    with pytest.raises(ValidationError) as info:
        IncubationProcess(clock="now")  # type: ignore[arg-type]
    assert info.value.field == "clock"


def test_a_transition_before_the_last_recorded_one_is_refused() -> None:
    """4.3.2: the history is in time order, so a restored history can be checked; a time
    earlier than the last record is refused naming ``at``."""
    f = IncubationProcess().open(_incubatee())
    f.fire("start_screening", at=AT)
    err = _refused(f, "withdraw", at=AT - dt.timedelta(seconds=1))
    assert isinstance(err, ValidationError) and err.field == "at"
    f.fire("withdraw", at=AT)


zones = st.one_of(
    st.timezones(),
    st.builds(
        dt.timezone,
        st.timedeltas(min_value=dt.timedelta(hours=-23), max_value=dt.timedelta(hours=23)),
    ),
    st.just(_Odd()),
)


@given(
    at=st.datetimes(
        min_value=dt.datetime(1900, 1, 2), max_value=dt.datetime(2200, 1, 1), timezones=zones
    )
)
def test_every_time_a_trigger_accepts_resumes_from_json(at: dt.datetime) -> None:
    """4.3.2: whatever time a trigger accepts, the incubatee's JSON opens again with the
    same history (no recorded time is lost in saving)."""
    process = IncubationProcess()
    f = process.open(_incubatee())
    try:
        f.fire("start_screening", at=at)
    except SepError:
        return
    g = process.open(from_json(Incubatee, to_json(f.incubatee)))
    assert g.history == f.history and g.state == "screening"
    assert g.history[0].at.utcoffset() == at.utcoffset()


# -- 2. restored files and the order of 4.3.6 --------------------------------------------


def test_restored_file_holding_a_resource_after_formalities_is_refused() -> None:
    """4.3.6 step 3 before step 4: a file restored in ``formalities_completed`` while a
    platform resource is still held cannot be opened, so it cannot be attested."""
    inc = _at_step("complete_formalities")
    held = attrs.evolve(inc.resources[0], returned_on=None)
    with pytest.raises(ValidationError) as info:
        IncubationProcess().open(attrs.evolve(inc, resources=(held,)))
    assert info.value.field == "resources[0].returned_on" and info.value.clause == "4.3.6"
    IncubationProcess().open(inc).fire("issue_attestation", at=AT)


def test_restored_graduate_without_archive_is_refused() -> None:
    """4.3.6 step 5: a file restored after ``create_archive`` must carry its archive, and a
    file that never reached that step carries none."""
    inc = _graduated_file().incubatee
    with pytest.raises(ValidationError) as info:
        IncubationProcess().open(attrs.evolve(inc, archive=None))
    assert info.value.field == "archive" and info.value.clause == "4.3.6"
    early = _at_step("issue_attestation")
    with pytest.raises(ValidationError) as info:
        IncubationProcess().open(attrs.evolve(early, archive=Archive("AR-0", ON)))
    assert info.value.field == "archive"


def test_restored_state_without_its_history_is_refused() -> None:
    """4.3.2, 4.3.6: a file in ``formalities_completed`` with no history has no recorded
    certificate; only the initial state may come without history."""
    with pytest.raises(ValidationError) as info:
        IncubationProcess().open(_incubatee(process=ProcessRecord("formalities_completed")))
    assert info.value.field == "process.history" and info.value.clause == "4.3.6"
    assert IncubationProcess().open(_incubatee(process=ProcessRecord("applied"))).state == (
        "applied"
    )


# -- 3. tampered histories ---------------------------------------------------------------


def _tampered(index: int, **changes: Any) -> Incubatee:
    inc = _graduated_file().incubatee
    assert inc.process is not None
    history = list(inc.process.history)
    history[index] = attrs.evolve(history[index], **changes)
    state = history[-1].to_state
    return attrs.evolve(inc, process=ProcessRecord(state, tuple(history)))


@pytest.mark.parametrize(
    ("index", "changes", "clause"),
    [
        (0, {"to_state": "graduated"}, "4.3.2"),
        (0, {"trigger": "create_archive"}, "4.3.2"),
        (0, {"from_state": "screening"}, "4.3.2"),
        (4, {"from_state": "committee_review"}, "4.3.2"),
        (3, {"to_state": "accelerating", "trigger": "accelerate"}, "4.3.2"),
        (2, {"at": AT - dt.timedelta(days=1)}, "4.3.2"),
        (6, {"trigger": "issue_attestation"}, "4.3.2"),
    ],
)
def test_tampered_history_is_refused_naming_the_record(
    index: int, changes: dict[str, Any], clause: str
) -> None:
    """4.3.2, 4.3.6: each restored record must be a transition of the definition, follow
    the one before it and not go back in time; otherwise ``open()`` names the record."""
    with pytest.raises(ValidationError) as info:
        IncubationProcess().open(_tampered(index, **changes))
    assert info.value.field.startswith(f"process.history[{index}]")
    assert info.value.clause in ("4.3.2", "4.3.6")


def test_applied_to_graduated_in_one_record_is_refused() -> None:
    """4.3.6: ``applied → graduated`` with no trigger of the procedure between is refused."""
    leap = AuditRecord("applied", "graduated", "create_archive", AT)
    inc = _incubatee(process=ProcessRecord("graduated", (leap,)), archive=Archive("AR-1", ON))
    with pytest.raises(ValidationError) as info:
        IncubationProcess().open(inc)
    assert info.value.field == "process.history[0]"


def test_an_honest_history_resumes() -> None:
    """4.3.2: the JSON of a graduated file opens again and continues to tracking."""
    f = _graduated_file()
    g = IncubationProcess().open(from_json(Incubatee, to_json(f.incubatee)))
    assert g.history == f.history
    g.fire("start_tracking", at=AT)
    assert g.state == "tracking"


# -- 4. threads --------------------------------------------------------------------------


def test_one_file_shared_by_sixteen_threads_loses_nothing() -> None:
    """4.3.2: with the default process, a file fired from 16 threads keeps every successful
    transition in its history and every granted resource."""
    f = IncubationProcess().open(_incubatee())
    f.fire("start_screening", at=AT)
    f.fire("admit", decision=PASSED, agreement="AG-1", at=AT)
    f.fire("start_incubation", at=AT)
    ok: list[int] = []
    errors: list[BaseException] = []
    start = threading.Barrier(16)

    def worker(n: int) -> None:
        start.wait()
        done = 0
        try:
            for i in range(50):
                f.fire("grant_resource", resource=PlatformResource(id=f"r-{n}-{i}", kind="d"))
                done += 1
                if i % 2:
                    f.fire("return_resource", resource_id=f"r-{n}-{i}")
                    done += 1
        except BaseException as err:  # pragma: no cover - reported below
            errors.append(err)
        ok.append(done)

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(16)]
    interval = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)  # switch threads often, as a loaded service does
    try:
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    finally:
        sys.setswitchinterval(interval)
    assert errors == []
    assert len(f.history) == 3 + sum(ok) == 3 + 16 * 75
    assert len(f.resources) == 16 * 50
    assert len(f.held_resources) == 16 * 25
    times = [r.at for r in f.history]
    assert times == sorted(times)


def test_a_listener_firing_on_its_own_file_is_refused() -> None:
    """4.3.2: a listener is told of a transition before it is kept; firing another trigger
    on the same file from there is refused and the outer transition is undone."""

    def listener(file: IncubationFile, record: AuditRecord) -> None:
        assert file.incubatee.process is not None  # reading the file from a listener is fine
        file.fire("withdraw", at=AT)

    f = IncubationProcess(listeners=[listener]).open(_incubatee())
    err = _refused(f, "start_screening", at=AT)
    assert isinstance(err, TransitionError)
    assert f.state == "applied" and f.history == ()


# -- 5. junk -----------------------------------------------------------------------------

junk = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(),
    st.text(max_size=20),
    st.binary(max_size=10),
    st.lists(st.integers(), max_size=3),
    st.dictionaries(st.text(max_size=3), st.integers(), max_size=2),
    st.just("x" * 200_000),
    st.just(object()),
    st.just(dt.date(2026, 1, 1)),
    st.just(dt.datetime(2026, 1, 1)),
)
TRIGGERS = standard_definition().triggers
PRELUDE: list[tuple[str, dict[str, Any]]] = [
    ("start_screening", {}),
    ("admit", {"decision": PASSED, "agreement": "AG-1"}),
    ("start_incubation", {}),
    ("issue_certificate", {"decision": ACQUIRED}),
]
ARGS = sorted({a for t in TRIGGERS for a in standard_definition().args_of(t)})


class _Nasty:
    """A value whose every dunder a boundary might call raises."""

    def __repr__(self) -> str:
        raise RuntimeError("repr")

    def __str__(self) -> str:
        raise RuntimeError("str")

    def __hash__(self) -> int:
        raise RuntimeError("hash")

    def __eq__(self, other: object) -> bool:
        raise RuntimeError("eq")


@given(
    trigger=st.one_of(st.sampled_from(TRIGGERS), junk, st.builds(_Nasty)),
    kwargs=st.dictionaries(
        st.one_of(st.sampled_from(ARGS), st.text(max_size=8), st.just("y" * 100_000)),
        st.one_of(junk, st.builds(_Nasty)),
        max_size=4,
    ),
    steps=st.integers(0, 4),
)
def test_junk_triggers_and_arguments_are_sep_errors(
    trigger: Any, kwargs: dict[str, Any], steps: int
) -> None:
    """4.3.2: any trigger name and any keyword arguments either fire a transition or raise
    a SepError with the file unchanged; never another exception."""
    f = IncubationProcess(clock=lambda: AT).open(_incubatee())
    for step, kw in PRELUDE[:steps]:
        f.fire(step, **kw)
    before = _snapshot(f)
    try:
        f.fire(trigger, **kwargs)
    except SepError as err:
        assert _snapshot(f) == before
        str(err)
        assert len(str(err)) < 10_000
    else:
        assert len(f.history) == len(before[1]) + 1
        IncubationProcess().open(from_json(Incubatee, to_json(f.incubatee)))


@given(thing=st.one_of(junk, st.builds(_Nasty)))
def test_open_refuses_anything_but_an_incubatee(thing: Any) -> None:
    """4.3.2: ``open()`` of anything but an Incubatee is a ValidationError."""
    with pytest.raises(ValidationError):
        IncubationProcess().open(thing)


def test_open_refuses_an_incubatee_with_unvalidated_junk() -> None:
    """4.3.2: an Incubatee whose fields were set past its validators (``object.__setattr__``)
    is refused on open with a SepError, not an AttributeError or TypeError."""
    process = IncubationProcess()
    for field, value in (
        ("process", "graduated"),
        ("process", ProcessRecord("applied")),
        ("resources", 5),
        ("resources", ("desk",)),
        ("archive", "AR"),
    ):
        inc = _incubatee()
        if isinstance(value, ProcessRecord):
            object.__setattr__(value, "history", ("junk",))
        object.__setattr__(inc, field, value)
        with pytest.raises(SepError):
            process.open(inc)
    bare = Incubatee.__new__(Incubatee)
    with pytest.raises(SepError):
        process.open(bare)


def _state(name: Any = "a", **kw: Any) -> StateSpec:
    return StateSpec(name, "4.3.2", "s", "en", "zh", **kw)


@pytest.mark.parametrize(
    "build",
    [
        lambda: ProcessDefinition.build(5, "a", []),  # type: ignore[arg-type]
        lambda: ProcessDefinition.build([_state(5)], "a", []),
        lambda: ProcessDefinition.build([_state(final=True)], 5, []),  # type: ignore[arg-type]
        lambda: ProcessDefinition.build([_state(final="yes")], "a", []),
        lambda: ProcessDefinition.build(
            [_state(), _state("b", final=True)],
            "a",
            [
                TransitionSpec(7, ("a",), "b", "4.3.2", "s")  # type: ignore[arg-type]
            ],
        ),
        lambda: ProcessDefinition.build(
            [_state(), _state("b", final=True)],
            "a",
            [
                TransitionSpec("go", "a", "b", "4.3.2", "s")  # type: ignore[arg-type]
            ],
        ),
        lambda: ProcessDefinition.build(
            [_state(), _state("b", final=True)],
            "a",
            [
                TransitionSpec("go", ("a",), "b", "4.3.2", "s", guards=5)  # type: ignore[arg-type]
            ],
        ),
        lambda: ProcessDefinition.build(
            [_state(), _state("b", final=True)],
            "a",
            [
                TransitionSpec("go", ("a",), ["b"], "4.3.2", "s")  # type: ignore[arg-type]
            ],
        ),
        lambda: ProcessDefinition.build(
            [_state(), _state("b", final=True)],
            "a",
            [
                TransitionSpec("go", ("a",), "b", "4.3.2", "s", args=(None,))  # type: ignore[arg-type]
            ],
        ),
        lambda: definition_from_mapping({"states": ["a"], "initial": "a", "transitions": []}),
        lambda: definition_from_mapping({"states": [], "initial": "a", "transitions": ["go"]}),
        lambda: definition_from_mapping(5),  # type: ignore[arg-type]
        lambda: definition_from_mapping({"states": 5, "initial": "a", "transitions": []}),
        lambda: IncubationProcess(
            ProcessDefinition((_state(),), "a", ())  # built without build(): never checked
        ),
        lambda: IncubationProcess("standard"),  # type: ignore[arg-type]
    ],
)
def test_junk_definitions_are_rule_definition_errors(build: Any) -> None:
    """4.3.2: a malformed process definition, however malformed, is a RuleDefinitionError
    (or ValidationError for a wrong argument), never a raw Python error."""
    with pytest.raises(SepError) as info:
        build()
    assert isinstance(info.value, RuleDefinitionError | ValidationError)


def test_a_large_definition_is_checked_in_linear_time() -> None:
    """4.3.2: a chain of 20,000 states is checked without quadratic scans (no time is
    asserted: the suite's own limit is the bound)."""
    n = 20_000
    states = [_state(f"s{i}", final=i == n - 1) for i in range(n)]
    transitions = [
        TransitionSpec("go", (f"s{i}",), f"s{i + 1}", "4.3.2", "s") for i in range(n - 1)
    ]
    definition = ProcessDefinition.build(states, "s0", transitions)
    assert len(definition.states) == n


def test_every_trigger_and_argument_refuses_hostile_values() -> None:
    """4.3.2, 4.3.6: each trigger with each argument set to a hostile value (one that cannot
    be printed, hashed or compared, a 200,000-character text, a 5,000-digit integer, bytes,
    a list of objects) fires or raises a SepError of bounded length with the file
    unchanged, before and after admission and certification."""
    definition = standard_definition()
    values: list[Any] = [_Nasty(), "x" * 200_000, 10**5000, [object()], b"x", 1.5]
    calls = refused = 0
    for depth in (0, len(PRELUDE)):
        for trigger in definition.triggers:
            for arg in ARGS:
                for value in values:
                    f = IncubationProcess(clock=lambda: AT).open(_incubatee())
                    for step, kw in PRELUDE[:depth]:
                        f.fire(step, **kw)
                    before = _snapshot(f)
                    calls += 1
                    try:
                        f.fire(trigger, **{arg: value})
                    except SepError as err:
                        refused += 1
                        assert _snapshot(f) == before
                        assert len(str(err)) < 10_000
    print(f"lifecycle hostile arguments: {calls} calls, {refused} refused, all SepError")
    assert refused > calls * 0.9
