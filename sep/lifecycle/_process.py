"""Driving each incubatee's file through the incubation process (4.3.2, 4.3.3, 4.3.6).

One :class:`IncubationProcess` holds one ``transitions.Machine`` built from a checked
:class:`~sep.lifecycle.ProcessDefinition`; it serves any number of incubatees. Each
incubatee gets an :class:`IncubationFile` — a small mutable object with the state, the
append-only audit trail and the resources — that is *never added* to the machine: the
process runs the machine's transitions on it directly (``Transition.execute`` on each of
the event's transitions from the file's state, with an ``EventData`` for the file: what
``Event.trigger`` does on an unqueued machine without event callbacks). This is why, on
transitions 0.9.3 (measured here):

* a Machine per incubatee costs ~24 KB and 100,000 take ~58 s; ``add_model`` is quadratic
  (a list membership test with ``==``: 100,000 take ~137 s) and silently skips attrs models
  that compare equal; ``set_state`` without ``model=`` moves every model. Unadded models
  avoid all three: 100,000 files open in well under a second.
* an exception in an ``after`` callback leaves the new state with no rollback. The process
  snapshots the file before each trigger and restores it on any exception, so a failing
  guard, effect or listener leaves state and history as they were.
* ``LockedMachine`` serialises every model on one lock and is ~6x slower. Every file has
  its own re-entrant lock instead (an uncontended ``RLock`` costs little next to a
  trigger), so a file shared by many threads loses no transition; a listener that fires on
  the file it is told about is refused rather than nested inside the transition.

A restored file is checked against the definition when it is opened: its history must be a
walk of the process from the initial state, in time order, ending in the recorded state,
and its data must agree with the steps taken (no resource held after the formalities of
4.3.6 step 3, an archive exactly when step 5 was recorded).

Every successful trigger appends one :class:`~sep.domain.AuditRecord` (from, to, trigger,
time, actor, reason, the decision's digest, pack, edition and outcome, further data). The
file turns back into a frozen :class:`~sep.domain.Incubatee` whose ``process`` carries the
state and history, so the JSON of an incubatee resumes in the same state.
"""

from __future__ import annotations

import datetime as dt
import functools
import threading
from collections.abc import Callable, Iterable, Mapping
from typing import Any

import attrs
from transitions import Machine, MachineError
from transitions.core import Event, EventData, State

from sep._i18n import N_
from sep._limits import MAX_RECORD_TEXT
from sep._reason import R_
from sep.domain import (
    Archive,
    AuditRecord,
    DecisionRef,
    Incubatee,
    PlatformResource,
    ProcessRecord,
)
from sep.domain._incubatee import is_aware
from sep.errors import (
    EngineError,
    EngineUnavailableError,
    RuleDefinitionError,
    SepError,
    TransitionError,
    ValidationError,
)
from sep.evaluation import Decision, Outcome, check_graduation
from sep.lifecycle._definition import (
    GUARDS,
    ProcessDefinition,
    TransitionSpec,
    standard_definition,
)
from sep.lifecycle._screening import Screening

__all__ = ["IncubationFile", "IncubationProcess", "Listener"]

#: Called with the file and the new record after each transition, before it is kept; an
#: exception undoes the transition.
Listener = Callable[["IncubationFile", AuditRecord], None]

_TCATE = "T/CATE 0001—2020"

#: The attribute of a file the machine reads and writes the state through.
MODEL_ATTRIBUTE = "_state"


_now = dt.datetime.now
_get_ident = threading.get_ident
_UTC = dt.UTC


#: The default clock: the current UTC time. A ``partial`` of the C function, not a Python
#: wrapper, since it is called once per trigger.
_utc_now: Callable[[], dt.datetime] = functools.partial(_now, _UTC)


class _Shown:
    """Stands in for a value too large or too odd to repeat in an error message."""

    __slots__ = ("text",)

    def __init__(self, text: str) -> None:
        self.text = text

    def __repr__(self) -> str:
        return self.text


_PLAIN = (str, int, float, bool, type(None), dt.date, dt.datetime, dt.timedelta)


def _shown(value: Any) -> Any:
    """``value`` itself when it is small and plain, else a bounded stand-in for its repr."""
    try:
        text = repr(value)
    except Exception:
        return _Shown(f"<unprintable {type(value).__name__}>")
    if type(value) in _PLAIN and len(text) <= 200:
        return value
    return _Shown(text if len(text) <= 200 else f"{text[:197]}...")


def _name(value: str) -> str:
    """A trigger or argument name, bounded for an error message."""
    return value if len(value) <= 100 else f"{value[:97]}..."


def _time(value: Any, field: str) -> dt.datetime:
    """``value`` as the time of a transition, exactly as the incubatee's JSON will keep it.

    An aware time in ``datetime.timezone`` is kept as given; any other (a ``ZoneInfo``, a
    foreign ``tzinfo``, a ``datetime`` subclass) is kept at its UTC offset, which is all the
    JSON stores, so the record read back equals the record written.
    """
    if type(value) is dt.datetime and type(value.tzinfo) is dt.timezone:
        known = value.utcoffset()
        if known is not None and not known.microseconds:
            return value
    if not is_aware(value):
        raise ValidationError(
            field,
            _shown(value),
            N_("must be a timezone-aware datetime (a known UTC offset, in whole seconds)"),
            clause="4.3.2",
        )
    try:
        offset = value.utcoffset()
        return dt.datetime(
            value.year,
            value.month,
            value.day,
            value.hour,
            value.minute,
            value.second,
            value.microsecond,
            tzinfo=dt.timezone(offset),
        )
    except Exception:
        raise ValidationError(
            field, _shown(value), N_("is not a readable datetime"), clause="4.3.2"
        ) from None


class _Firing:
    """What one trigger carries through guards and effects.

    Fields other than ``kwargs``, ``at`` and ``data`` start as class-level ``None`` and are
    set only by the guards that need them: a trigger pays for what it uses.
    """

    decision: Decision | None = None
    ref: DecisionRef | None = None
    refusal: str | None = None
    refusal_clause: str | None = None

    def __init__(self, kwargs: dict[str, Any], at: dt.datetime) -> None:
        self.kwargs = kwargs
        self.at = at
        self.data: list[tuple[str, str]] = []


class _Fired(_Firing, EventData):
    """A trigger's context that is also the ``EventData`` transitions hands the callbacks.

    One object per trigger instead of a context wrapped in an ``EventData``: guards and
    effects get the context as the event itself (its positional arguments stay empty, its
    keyword arguments are the trigger's). tests/test_transitions_internals.py checks that
    transitions passes it on as given and sets none of the context's fields.
    """

    def __init__(
        self,
        event: Event,
        file: IncubationFile,
        kwargs: dict[str, Any],
        at: dt.datetime,
        state: State | None = None,
    ) -> None:
        EventData.__init__(self, state, event, event.machine, file, (), kwargs)
        self.at = at
        self.data = []


class IncubationFile:
    """One incubatee's file in the incubation process: state, audit trail, resources.

    Open it with :meth:`IncubationProcess.open`; fire triggers with :meth:`fire`; read the
    updated incubatee with :attr:`incubatee`. The file is not added to the state machine
    (see the module documentation).

    Only triggers move the state: :attr:`state` is read-only (the machine writes ``_state``).
    """

    __slots__ = (
        "_accelerated",
        "_admitted",
        "_archive",
        "_history",
        "_incubatee",
        "_lock",
        "_owner",
        "_process",
        "_resources",
        "_state",
    )

    def __init__(
        self, process: IncubationProcess, incubatee: Incubatee, *, thread_safe: bool = True
    ) -> None:
        if not isinstance(process, IncubationProcess):
            raise ValidationError(
                "process", _shown(process), N_("must be an IncubationProcess"), clause="4.3.2"
            )
        state, history = process._restore(incubatee)
        self._process = process
        self._incubatee = incubatee
        self._state = state
        self._history: list[AuditRecord] = history
        self._resources = incubatee.resources
        self._archive = incubatee.archive
        self._admitted = incubatee.admitted
        self._accelerated = incubatee.accelerated
        # Every file has its lock, whatever ``thread_safe`` says: unlocked files shared by
        # threads lost transitions and resources. A plain Lock taken without blocking costs
        # about half a ``with RLock()``. ``_owner`` is the thread running the listeners, else
        # None (only listeners run code of the caller's inside a fire): it tells a listener's
        # nested fire, refused, from another thread's, which waits its turn.
        self._lock = threading.Lock()
        self._owner: int | None = None

    @property
    def state(self) -> str:
        """The current state (a declared state of the process)."""
        return self._state

    @property
    def id(self) -> str:
        """The incubatee's id."""
        return self._incubatee.id

    @property
    def history(self) -> tuple[AuditRecord, ...]:
        """Every transition so far, oldest first (append-only)."""
        return tuple(self._history)

    @property
    def resources(self) -> tuple[PlatformResource, ...]:
        """Platform resources granted, held or returned (4.3.6 step 3)."""
        return self._resources

    @property
    def held_resources(self) -> tuple[PlatformResource, ...]:
        """Platform resources not yet returned (4.3.6 step 3)."""
        return tuple(r for r in self._resources if r.returned_on is None)

    @property
    def archive(self) -> Archive | None:
        """The graduate archive once created (4.3.6 step 5)."""
        return self._archive

    @property
    def incubatee(self) -> Incubatee:
        """The incubatee as it now stands, with ``process`` holding state and history."""
        if self._owner == _get_ident():  # a listener reading the file it is told about
            return self._as_incubatee()
        with self._lock:
            return self._as_incubatee()

    def _as_incubatee(self) -> Incubatee:
        return attrs.evolve(
            self._incubatee,
            resources=self._resources,
            archive=self._archive,
            admitted=self._admitted,
            accelerated=self._accelerated,
            process=ProcessRecord(self._state, tuple(self._history)),
        )

    @property
    def process(self) -> IncubationProcess:
        """The process this file runs in."""
        return self._process

    def triggers(self) -> tuple[str, ...]:
        """Triggers that may be fired from the current state (guards permitting)."""
        return self._process.definition.triggers_from(self.state)

    def fire(self, trigger: str, **kwargs: Any) -> AuditRecord:
        """Fire ``trigger``; see :meth:`IncubationProcess.fire`."""
        lock = self._lock
        if not lock.acquire(False):
            self._wait(trigger)
        try:
            return self._process._fire(self, trigger, kwargs)
        finally:
            lock.release()

    def _wait(self, trigger: Any) -> None:
        """Take the lock another fire holds, unless that fire is this thread's own."""
        if self._owner == _get_ident():
            raise TransitionError(
                _name(trigger) if type(trigger) is str else "<trigger>",
                self._state,
                N_(
                    "the file is in the middle of a transition: a listener may read the file "
                    "but fire on it only after the transition it is told about returns"
                ),
                clause="4.3.2",
            )
        self._lock.acquire()

    def __repr__(self) -> str:
        return f"IncubationFile({self.id!r}, state={self.state!r}, records={len(self._history)})"


Guard = Callable[["IncubationProcess", IncubationFile, _Firing], str | None]
Effect = Callable[["IncubationProcess", IncubationFile, _Firing], None]


class IncubationProcess:
    """The incubation process of 4.3.2 with the 4.3.6 graduation procedure, for many files.

    Args:
        definition: The process (default: :func:`~sep.lifecycle.standard_definition`).
        graduation_params: Parameter overrides for :func:`~sep.evaluation.check_graduation`
            when a graduation trigger is fired without a ``decision``.
        clock: Gives the time of a transition when ``at=`` is not passed (aware datetime);
            one that raises or gives anything else refuses the trigger.
        listeners: Called after each transition, before it is kept; one raising undoes it.
            A listener may read the file but not fire on it.
        thread_safe: Kept for compatibility and ignored: every file has its own lock, so
            services may fire from many threads on shared files.

    Raises:
        ValidationError: an argument of the wrong kind (naming it).
        RuleDefinitionError: a definition that does not pass its checks.

    Example:
        >>> from sep.domain import Incubatee, Origin
        >>> process = IncubationProcess()
        >>> f = process.open(Incubatee(id="h-1", name="Leishen", origin=Origin.INTERNAL))
        >>> f.state, f.fire("start_screening", actor="desk").to_state
        ('applied', 'screening')
        >>> try:
        ...     f.fire("create_archive", reference="A-1")
        ... except TransitionError as err:
        ...     print(err.state, err.trigger)
        screening create_archive
    """

    definition: ProcessDefinition
    machine: Machine

    def __init__(
        self,
        definition: ProcessDefinition | None = None,
        *,
        graduation_params: Mapping[str, Any] | None = None,
        clock: Callable[[], dt.datetime] = _utc_now,
        listeners: Iterable[Listener] = (),
        thread_safe: bool = False,
    ) -> None:
        if definition is None:
            definition = standard_definition()
        elif not isinstance(definition, ProcessDefinition):
            raise ValidationError(
                "definition", _shown(definition), N_("must be a ProcessDefinition"), clause="4.3.2"
            )
        else:
            # A definition made without build() has not been checked yet.
            definition._check()
        if graduation_params is not None and not isinstance(graduation_params, Mapping):
            raise ValidationError(
                "graduation_params",
                _shown(graduation_params),
                N_("must be a mapping"),
                clause="4.3.5",
            )
        if not callable(clock):
            raise ValidationError("clock", _shown(clock), N_("must be callable"), clause="4.3.2")
        if isinstance(listeners, str | bytes | Mapping) or not isinstance(listeners, Iterable):
            raise ValidationError(
                "listeners", _shown(listeners), N_("must be a list of callables"), clause="4.3.2"
            )
        listeners = tuple(listeners)
        for i, listener in enumerate(listeners):
            if not callable(listener):
                raise ValidationError(
                    f"listeners[{i}]", _shown(listener), N_("must be callable"), clause="4.3.2"
                )
        self.definition = definition
        self.graduation_params = dict(graduation_params) if graduation_params else None
        self.thread_safe = True
        self._clock = clock
        self._listeners = listeners
        self._states = frozenset(self.definition.state_names)
        self._args = {t: self.definition.args_of(t) for t in self.definition.triggers}
        self._recorded = {
            t: tuple(a for a in _RECORDED_ARGS if a in args) for t, args in self._args.items()
        }
        self._clause: dict[str, str] = {}
        for tr in self.definition.transitions:
            self._clause.setdefault(tr.trigger, tr.clause)
        # What each recorded step (trigger, from, to) means for the file's data (4.3.6):
        # it needs every resource returned, it grants one, it creates the archive.
        self._moves: dict[tuple[str, str, str], tuple[bool, bool, bool]] = {}
        for tr in self.definition.transitions:
            for src in tr.sources:
                step = (tr.trigger, src, tr.dest if tr.dest is not None else src)
                clears = "resources_returned" in tr.guards
                grants = "grant_resource" in tr.effects
                archives = "create_archive" in tr.effects
                if step in self._moves:
                    was = self._moves[step]
                    clears, grants, archives = (
                        was[0] and clears,
                        was[1] or grants,
                        was[2] or archives,
                    )
                self._moves[step] = (clears, grants, archives)
        self._archiving = any("create_archive" in t.effects for t in self.definition.transitions)
        try:
            self.machine = Machine(
                model=None,
                states=list(self.definition.state_names),
                initial=self.definition.initial,
                transitions=[self._transition(tr) for tr in self.definition.transitions],
                send_event=True,
                auto_transitions=False,
                ignore_invalid_triggers=False,
                model_attribute=MODEL_ATTRIBUTE,
            )
        except Exception as err:
            raise RuleDefinitionError(
                self.definition.source,
                "",
                R_(
                    "the state machine cannot be built: {type}: {err}",
                    type=type(err).__name__,
                    err=err,
                ),
                clause="4.3.2",
            ) from None
        self._events = dict(self.machine.events)
        # The process dispatches a trigger itself and has transitions run the transition:
        # it knows the file's state, so it takes the event's transitions from that state
        # and calls Transition.execute on each in turn (conditions, callbacks, the change
        # of state), as Event._process does. It skips what Event._trigger adds around
        # that, which this machine leaves empty: the machine's prepare_event,
        # finalize_event and on_exception callbacks, the state lookup through the model
        # and the MachineError for a trigger not allowed from the state, refused here
        # directly. That was about 2 µs of a trigger's 6.6 (4.3.2 record_follow_up in
        # benchmarks/bench_lifecycle.py, transitions 0.9.3).
        # tests/test_transitions_internals.py checks that the ways behave alike and that
        # the machine has none of those callbacks.
        # One lookup per trigger fired: the event, its transitions by source state, its
        # arguments, the recorded ones, the texts among them to check (actor first, as
        # refused), its clause.
        self._state_objects = dict(self.machine.states)
        self._table = {
            t: (
                event,
                event.transitions,
                self._args[t],
                self._recorded[t],
                tuple(a for a in _TEXT_ARGS if a in self._args[t]),
                self._clause[t],
            )
            for t, event in self._events.items()
        }

    # -- building the machine ------------------------------------------------------------

    def _transition(self, spec: TransitionSpec) -> dict[str, Any]:
        guards = [self._condition(_GUARD_FUNCS[name], spec) for name in spec.guards]
        effects = [self._after(_EFFECT_FUNCS[name]) for name in spec.effects]
        return {
            "trigger": spec.trigger,
            "source": list(spec.sources),
            "dest": spec.dest,
            "conditions": guards,
            "after": effects,
        }

    def _condition(self, guard: Guard, spec: TransitionSpec) -> Callable[[Any], bool]:
        def condition(event: Any) -> bool:
            refusal = guard(self, event.model, event)
            if refusal is None:
                return True
            event.refusal = refusal
            event.refusal_clause = spec.clause
            return False

        return condition

    def _after(self, effect: Effect) -> Callable[[Any], None]:
        def after(event: Any) -> None:
            effect(self, event.model, event)

        return after

    # -- files ---------------------------------------------------------------------------

    def open(self, incubatee: Incubatee) -> IncubationFile:
        """Put ``incubatee`` under the process, resuming its recorded state and history.

        A restored file must be one this process could have written (4.3.2, 4.3.6): its
        history a walk of the definition from the initial state, each record a transition
        of the definition following the one before it, in time order, the last ending in
        the recorded state; a state other than the initial one needs that history; no
        platform resource is held once the formalities were completed (step 3 before
        step 4); the graduate archive is there exactly when the history created it.

        Raises:
            ValidationError: naming the field (``process.history[3].to_state``,
                ``resources[0].returned_on``, ``archive``) and the clause.
        """
        return IncubationFile(self, incubatee)

    def _restore(self, incubatee: Any) -> tuple[str, list[AuditRecord]]:
        """The state and history ``incubatee`` resumes with, once checked (see :meth:`open`)."""
        if not isinstance(incubatee, Incubatee):
            raise ValidationError("", _shown(incubatee), N_("must be an Incubatee"), clause="4.3.2")
        try:
            return self._restored(incubatee)
        except SepError:
            raise
        except Exception as err:
            # Only an Incubatee whose validators were bypassed gets here.
            raise ValidationError(
                "",
                _Shown(f"<Incubatee {type(err).__name__}>"),
                N_("is not a readable Incubatee"),
                clause="4.3.2",
            ) from None

    def _restored(self, incubatee: Incubatee) -> tuple[str, list[AuditRecord]]:
        initial = self.definition.initial
        resources = incubatee.resources
        if not isinstance(resources, tuple) or not all(
            isinstance(r, PlatformResource) for r in resources
        ):
            raise ValidationError(
                "resources", _shown(resources), N_("must be PlatformResources"), clause="4.3.6"
            )
        archive = incubatee.archive
        if archive is not None and not isinstance(archive, Archive):
            raise ValidationError(
                "archive", _shown(archive), N_("must be an Archive"), clause="4.3.6"
            )
        record = incubatee.process
        if record is None:
            state: str = initial
            history: tuple[AuditRecord, ...] = ()
        elif not isinstance(record, ProcessRecord):
            raise ValidationError(
                "process", _shown(record), N_("must be a ProcessRecord"), clause="4.3.2"
            )
        else:
            state, history = record.state, record.history
            if not isinstance(state, str) or state not in self._states:
                raise ValidationError(
                    "process.state",
                    _shown(state),
                    R_(
                        "is not a state of this process; one of {states}",
                        states=sorted(self._states),
                    ),
                    clause="4.3.2",
                )
            if not isinstance(history, tuple):
                raise ValidationError(
                    "process.history", _shown(history), N_("must be a list"), clause="4.3.2"
                )
        at_state = initial
        last: dt.datetime | None = None
        cleared = archived = False
        for i, entry in enumerate(history):
            key = f"process.history[{i}]"
            if not isinstance(entry, AuditRecord):
                raise ValidationError(
                    key, _shown(entry), N_("must be an AuditRecord"), clause="4.3.2"
                )
            if entry.from_state != at_state:
                where = "the record before it" if i else "the process (its initial state)"
                raise ValidationError(
                    f"{key}.from_state",
                    _shown(entry.from_state),
                    R_(
                        "must be {at_state!r}, where {where} left the file",
                        at_state=_shown(at_state),
                        where=where,
                    ),
                    clause="4.3.2",
                )
            step = (entry.trigger, entry.from_state, entry.to_state)
            meaning = self._moves.get(step) if all(type(x) is str for x in step) else None
            if meaning is None:
                raise ValidationError(
                    key,
                    _Shown(
                        f"{_shown(entry.from_state)} -> {_shown(entry.to_state)} "
                        f"by {_shown(entry.trigger)}"
                    ),
                    N_("is not a transition of this process"),
                    clause="4.3.6" if self._clause.get(step[0]) == "4.3.6" else "4.3.2",
                )
            if not is_aware(entry.at):
                raise ValidationError(
                    f"{key}.at",
                    _shown(entry.at),
                    N_("must be a timezone-aware datetime (a known UTC offset)"),
                    clause="4.3.2",
                )
            if last is not None and entry.at < last:
                raise ValidationError(
                    f"{key}.at",
                    entry.at,
                    N_("is earlier than the record before it"),
                    clause="4.3.2",
                )
            last = entry.at
            clears, grants, archives = meaning
            cleared = (cleared or clears) and not grants
            archived = archived or archives
            at_state = entry.to_state
        if at_state != state:
            spec = self.definition.state(state)
            raise ValidationError(
                "process.history",
                _Shown(f"{len(history)} records ending in {_shown(at_state)!r}"),
                R_("does not lead to the recorded state {state!r}", state=state)
                if history
                else R_(
                    "does not lead to the recorded state {state!r}: only {initial!r} needs no "
                    "history",
                    state=state,
                    initial=initial,
                ),
                clause=spec.clause if spec.clause.startswith("4.3.") else "4.3.2",
            )
        if cleared:
            for i, resource in enumerate(resources):
                if resource.returned_on is None:
                    raise ValidationError(
                        f"resources[{i}].returned_on",
                        None,
                        R_(
                            "resource {resource!r} is still held, yet the history completed the "
                            "graduation formalities (step 3 comes before steps 4 and 5)",
                            resource=_shown(resource.id),
                        ),
                        clause="4.3.6",
                    )
        if self._archiving and archived != (archive is not None):
            reason = (
                N_("is missing, yet the history created the graduate archive (step 5)")
                if archived
                else N_("is recorded, yet the history never reached the step that creates it")
            )
            raise ValidationError("archive", _shown(archive), reason, clause="4.3.6")
        return state, list(history)

    def open_many(self, incubatees: Iterable[Incubatee]) -> list[IncubationFile]:
        """:meth:`open` each incubatee."""
        return [self.open(i) for i in incubatees]

    # -- firing --------------------------------------------------------------------------

    def fire(self, file: IncubationFile, trigger: str, **kwargs: Any) -> AuditRecord:
        """Fire ``trigger`` on ``file`` and return the audit record it appended.

        Args:
            file: The incubatee's file.
            trigger: A trigger of the process.
            **kwargs: ``actor``, ``reason``, ``at`` and the trigger's own arguments
                (``decision``, ``committee``, …). ``at`` is an aware datetime (a known UTC
                offset) no earlier than the last record, kept as the JSON keeps it (at its
                offset unless it is in a ``datetime.timezone``); by default the clock's
                time, never behind the last record. Texts (actor, reason, references) are
                strings of at most 10,000 characters. A graduation
                ``decision`` passed in is relied on and recorded as given; leave it out to
                have the process decide on the incubatee with its own parameters.

        Raises:
            TransitionError: the trigger is unknown, not allowed from the file's state, or a
                guard refused it, or a listener fired on the file during its transition;
                the file is unchanged.
            ValidationError: a bad argument (naming it) or a clock giving no aware time;
                the file is unchanged.
            EngineError: a listener or the clock failed with a non-``sep`` exception; the
                file is unchanged.
        """
        if not isinstance(file, IncubationFile) or file._process is not self:
            raise ValidationError(
                "file", _shown(file), N_("must be a file opened by this process"), clause="4.3.2"
            )
        return file.fire(trigger, **kwargs)

    def _fire(self, file: IncubationFile, trigger: str, kwargs: dict[str, Any]) -> AuditRecord:
        # Called with the file's lock held.
        source = file._state
        try:
            entry = self._table.get(trigger)
        except Exception:  # an unhashable or hostile trigger name
            entry = None
        if entry is None:
            if type(trigger) is not str:
                raise ValidationError(
                    "trigger",
                    _shown(trigger),
                    R_(
                        "must be the name of a trigger; one of {events}",
                        events=sorted(self._events),
                    ),
                    clause="4.3.2",
                )
            raise TransitionError(
                _name(trigger),
                source,
                R_("unknown trigger; one of {events}", events=sorted(self._events)),
                clause="4.3.2",
            )
        event, by_source, allowed, recorded, texts, clause = entry
        if not allowed.issuperset(kwargs):
            self._bad_argument(trigger, kwargs)
        history = file._history
        at = kwargs.get("at")
        if at is None:
            try:
                at = self._clock()
            except Exception as err:
                raise EngineError(
                    "sep.lifecycle", f"the process clock failed: {_failure(err)}", clause="4.3.2"
                ) from err
            if type(at) is not dt.datetime or at.tzinfo is not _UTC:
                at = _clock_time(at)
            # A wall clock stepped back (NTP) or a file written on a machine whose clock ran
            # ahead: the process's own time never goes behind the history.
            if history and at < history[-1].at:
                at = history[-1].at
        else:
            if type(at) is not dt.datetime or at.tzinfo is not _UTC:
                at = _time(at, "at")
            if history and at < history[-1].at:
                raise ValidationError(
                    "at",
                    at,
                    R_(
                        "is earlier than the last recorded transition ({at}); the history is kept "
                        "in time order",
                        at=history[-1].at.isoformat(),
                    ),
                    clause="4.3.2",
                )
        for name in texts:  # recorded texts, when given
            text = kwargs.get(name)
            if text is not None and not (
                type(text) is str and text and len(text) <= MAX_RECORD_TEXT and not text.isspace()
            ):
                _refuse_text(name, text)
        actor = kwargs.get("actor")
        reason = kwargs.get("reason")
        candidates = by_source.get(source)
        if candidates is None:
            raise _not_allowed(file, trigger, source, clause)
        ctx = _Fired(event, file, kwargs, at, self._state_objects[source])
        snapshot = (file._resources, file._archive, file._admitted, file._accelerated)
        length = len(history)
        try:
            for transition in candidates:  # guarded alternatives, in declared order
                ctx.transition = transition
                if transition.execute(ctx):
                    ctx.result = True
                    break
            else:
                raise TransitionError(
                    trigger,
                    source,
                    ctx.refusal or N_("refused"),
                    clause=ctx.refusal_clause or clause,
                )
            data = ctx.data
            for name in recorded:
                if name in kwargs:
                    data.append((name, _text(name, kwargs[name])))
            if data:
                for name, value in data:
                    if len(value) > MAX_RECORD_TEXT:
                        raise ValidationError(
                            name,
                            _shown(value),
                            R_(
                                "is longer than {max_record_text:,} characters",
                                max_record_text=MAX_RECORD_TEXT,
                            ),
                            clause=clause,
                        )
            if _FAST_RECORDS:
                # _audit_record inlined: one call fewer on every trigger.
                record = _new_record(AuditRecord)
                _from(record, source)
                _to(record, file._state)
                _trigger(record, trigger)
                _at(record, at)
                _actor(record, actor)
                _reason(record, reason)
                _decision(record, ctx.ref)
                _data(record, tuple(data) if data else ())
            else:  # pragma: no cover - only if the domain's AuditRecord changes
                record = _audit_record(
                    source,
                    file._state,
                    trigger,
                    at,
                    actor,
                    reason,
                    ctx.ref,
                    tuple(data) if data else (),
                )
            history.append(record)
            if self._listeners:
                file._owner = _get_ident()
                try:
                    for listener in self._listeners:
                        listener(file, record)
                finally:
                    file._owner = None
        except BaseException as err:
            file._state = source
            file._resources, file._archive, file._admitted, file._accelerated = snapshot
            del history[length:]
            if isinstance(err, MachineError):  # transitions' own refusal, should it give one
                raise _not_allowed(file, trigger, source, clause) from None
            if isinstance(err, SepError) or not isinstance(err, Exception):
                raise
            raise EngineError("sep.lifecycle", _failure(err), clause=clause) from err
        return record

    def _bad_argument(self, trigger: str, kwargs: Mapping[str, Any]) -> None:
        allowed = self._args[trigger]
        for name in kwargs:
            if name not in allowed:
                raise ValidationError(
                    _name(name),
                    _shown(kwargs[name]),
                    R_(
                        "is not an argument of {trigger!r}; use {allowed}",
                        trigger=trigger,
                        allowed=sorted(allowed),
                    ),
                    clause=self._clause[trigger],
                )

    # -- decisions -----------------------------------------------------------------------

    def graduation_decision(self, file: IncubationFile, *, on: dt.date | None = None) -> Decision:
        """The 4.3.5 graduation decision for the file's incubatee, with this process's params.

        A series without a single known figure (no cash-flow figures at all) is passed
        as missing, which the rules read as UNKNOWN.
        """
        facts = {
            k: v
            for k, v in file._incubatee.facts().items()
            if not (isinstance(v, Mapping) and all(x is None for x in v.values()))
        }
        # The incubatee's own facts also carry the 2018 pack's inputs: not a caller's typo.
        return check_graduation(facts, params=self.graduation_params, on=on, extra="ignore")

    # -- export --------------------------------------------------------------------------

    def to_mermaid(self) -> str:
        """The process as Mermaid text (see :meth:`ProcessDefinition.to_mermaid`)."""
        return self.definition.to_mermaid()

    def to_dot(self) -> str:
        """The process as Graphviz DOT text (see :meth:`ProcessDefinition.to_dot`)."""
        return self.definition.to_dot()

    def render_graphviz(self, path: str, *, fmt: str = "svg") -> str:
        """Render the process with Graphviz into ``path`` (``graphviz`` or ``pygraphviz``).

        Raises:
            EngineUnavailableError: if neither Python binding can be imported.
        """
        dot = self.to_dot()
        try:
            import graphviz  # type: ignore[import-not-found, unused-ignore]
        except ImportError:
            graphviz = None
        if graphviz is not None:
            try:
                graphviz.Source(dot).render(outfile=path, format=fmt, cleanup=True)
            except Exception as err:
                raise EngineError("graphviz", str(err)) from err
            return path
        try:
            import pygraphviz  # type: ignore[import-not-found, unused-ignore]
        except ImportError:
            raise EngineUnavailableError(
                "graphviz",
                N_("neither the graphviz nor the pygraphviz package can be imported"),
                N_("pip install pygraphviz (its wheels bundle Graphviz), or use to_mermaid()"),
            ) from None
        try:
            pygraphviz.AGraph(string=dot).draw(path, format=fmt, prog="dot")
        except Exception as err:
            raise EngineError("pygraphviz", str(err)) from err
        return path


_RECORDED_ARGS = ("agreement", "committee", "reference", "resource_id", "on", "documents")

#: Texts a trigger records, checked in this order when given (``actor`` is every trigger's).
_TEXT_ARGS = ("actor", "reason", "reference", "agreement")


_AUDIT_FIELDS = ("from_state", "to_state", "trigger", "at", "actor", "reason", "decision", "data")
# Records are built from values checked here (states and triggers of a checked definition,
# an aware time, actor and reason checked in _fire, a built DecisionRef, string pairs), so
# attrs' validators would only repeat the checks; skipping them is a third of a trigger's
# cost. Should AuditRecord gain or lose a field, the validated constructor is used instead.
_FAST_RECORDS = tuple(a.name for a in attrs.fields(AuditRecord)) == _AUDIT_FIELDS
_new_record = AuditRecord.__new__
if _FAST_RECORDS:
    (_from, _to, _trigger, _at, _actor, _reason, _decision, _data) = (
        getattr(AuditRecord, name).__set__ for name in _AUDIT_FIELDS
    )


def _audit_record(
    from_state: str,
    to_state: str,
    trigger: str,
    at: dt.datetime,
    actor: str | None,
    reason: str | None,
    decision: DecisionRef | None,
    data: tuple[tuple[str, str], ...],
) -> AuditRecord:
    if not _FAST_RECORDS:  # pragma: no cover - only if the domain's AuditRecord changes
        return AuditRecord(from_state, to_state, trigger, at, actor, reason, decision, data)
    record = _new_record(AuditRecord)
    _from(record, from_state)
    _to(record, to_state)
    _trigger(record, trigger)
    _at(record, at)
    _actor(record, actor)
    _reason(record, reason)
    _decision(record, decision)
    _data(record, data)
    return record


def _not_allowed(file: IncubationFile, trigger: str, source: str, clause: str) -> TransitionError:
    """The refusal of a trigger that has no transition from the file's state."""
    return TransitionError(
        trigger,
        source,
        R_("not allowed from this state; allowed: {allowed}", allowed=list(file.triggers())),
        clause=clause,
    )


def _failure(err: BaseException) -> str:
    """``TypeName: message`` of a foreign exception, bounded, even if it cannot print."""
    try:
        text = str(err)
    except Exception:
        text = "<unprintable>"
    if len(text) > 200:
        text = f"{text[:197]}..."
    return f"{type(err).__name__}: {text}"


def _refuse_text(field: str, value: Any) -> None:
    if type(value) is str and value.strip():
        raise ValidationError(
            field,
            _shown(value),
            R_("is longer than {max_record_text:,} characters", max_record_text=MAX_RECORD_TEXT),
            clause="4.3.2",
        )
    raise ValidationError(field, _shown(value), N_("must be a non-empty string"), clause="4.3.2")


def _clock_time(value: Any) -> dt.datetime:
    """What the process clock gave, as the time of a transition, or a SepError naming it."""
    try:
        return _time(value, "at")
    except ValidationError as err:
        raise ValidationError(
            "clock",
            err.value,
            R_("gave no time for 'at': it {reason}", reason=R_(err.reason)),
            clause="4.3.2",
        ) from None


def _text(name: str, value: Any) -> str:
    """A recorded argument as text: a string, a date, or a list of strings; else refused."""
    if type(value) is str:
        return value
    if type(value) is dt.date:
        return value.isoformat()
    if isinstance(value, list | tuple) and all(type(v) is str for v in value):
        return "; ".join(value)
    raise ValidationError(
        name, _shown(value), N_("must be text (or a list of texts)"), clause="4.3.2"
    )


# -- guards (4.3.3, 4.3.6) --------------------------------------------------------------


def _nonempty(value: Any) -> bool:
    return isinstance(value, str) and bool(value.strip())


def _ref(decision: Decision) -> DecisionRef:
    return DecisionRef(
        digest=decision.digest,
        pack=decision.pack,
        edition=decision.edition,
        outcome=decision.outcome.value,
    )


def _use_decision(ctx: _Firing, decision: Decision) -> None:
    ctx.decision = decision
    ctx.ref = _ref(decision)
    ctx.data.append(("decision.question", decision.question))
    ctx.data.append(("decision.met_by", ", ".join(decision.met_by)))


def _screening_decision(ctx: _Firing, *, required: bool) -> Decision | None:
    given = ctx.kwargs.get("decision")
    if given is None:
        if required:
            raise ValidationError(
                "decision", None, N_("a screening decision is required"), clause="4.3.3"
            )
        return None
    if isinstance(given, Screening):
        ctx.data.extend(given.audit_data())
        given = given.decision
    if not isinstance(given, Decision) or given.question != "screening":
        raise ValidationError(
            "decision",
            _shown(given),
            N_("must be a screening Decision (sep.lifecycle.screen)"),
            clause="4.3.3",
        )
    _use_decision(ctx, given)
    return given


def _screening_passed(proc: IncubationProcess, file: IncubationFile, ctx: _Firing) -> str | None:
    decision = _screening_decision(ctx, required=True)
    assert decision is not None
    if decision.outcome is not Outcome.MET:
        return R_(
            "the screening decision is {outcome}, not met (4.3.3)", outcome=decision.outcome.value
        )
    return None


def _agreement_recorded(proc: IncubationProcess, file: IncubationFile, ctx: _Firing) -> str | None:
    if not _nonempty(ctx.kwargs.get("agreement")):
        return N_("admission needs the signed incubation agreement's reference (agreement=)")
    return None


def _rejection_justified(proc: IncubationProcess, file: IncubationFile, ctx: _Firing) -> str | None:
    decision = _screening_decision(ctx, required=False)
    if _nonempty(ctx.kwargs.get("reason")):
        return None
    if decision is None:
        return N_("a rejection needs a screening decision or a recorded reason")
    if decision.outcome is not Outcome.NOT_MET:
        return R_(
            "the screening decision is {outcome}: a rejection needs a reason",
            outcome=decision.outcome.value,
        )
    if decision.outcome_of("4.3.3.reviewers") is not Outcome.MET:
        return N_("the review panel is incomplete (4.3.3.reviewers): a rejection needs a reason")
    return None


def _resource_grantable(proc: IncubationProcess, file: IncubationFile, ctx: _Firing) -> str | None:
    resource = ctx.kwargs.get("resource")
    if not isinstance(resource, PlatformResource):
        raise ValidationError(
            "resource", _shown(resource), N_("must be a PlatformResource"), clause="4.3.6"
        )
    if resource.returned_on is not None:
        return R_("resource {resource!r} is already returned", resource=_shown(resource.id))
    if any(r.id == resource.id for r in file._resources):
        return R_("resource {resource!r} was granted already", resource=_shown(resource.id))
    ctx.data.append(("resource", f"{resource.id} ({resource.kind})"))
    return None


def _resource_held(proc: IncubationProcess, file: IncubationFile, ctx: _Firing) -> str | None:
    rid = ctx.kwargs.get("resource_id")
    on = ctx.kwargs.get("on")
    if on is not None and type(on) is not dt.date:
        raise ValidationError("on", _shown(on), N_("must be a date"), clause="4.3.6")
    if type(rid) is not str:
        raise ValidationError(
            "resource_id", _shown(rid), N_("must be the id of a held resource"), clause="4.3.6"
        )
    if not any(r.id == rid and r.returned_on is None for r in file._resources):
        return R_(
            "no held resource {rid!r}; held: {ids}", rid=_shown(rid), ids=_ids(file.held_resources)
        )
    return None


def _graduation_decision(proc: IncubationProcess, file: IncubationFile, ctx: _Firing) -> Decision:
    if ctx.decision is not None:
        return ctx.decision
    given = ctx.kwargs.get("decision")
    if given is None:
        given = proc.graduation_decision(file, on=ctx.at.date())
    elif not isinstance(given, Decision) or given.question != "graduation":
        raise ValidationError(
            "decision",
            _shown(given),
            N_("must be a graduation Decision (check_graduation)"),
            clause="4.3.5",
        )
    if given.document != _TCATE:
        raise ValidationError(
            "decision",
            given.pack,
            R_("must decide the 4.3.5 criteria of {tcate}", tcate=_TCATE),
            clause="4.3.5",
        )
    _use_decision(ctx, given)
    return given


def _exemption(decision: Decision) -> str | None:
    """The criterion that exempts from the committee's review, if any (4.3.6 step 1)."""
    if decision.outcome is not Outcome.MET:
        return None
    for criterion in ("4.3.5(a)", "4.3.5(b).listing"):
        if decision.outcome_of(criterion) is Outcome.MET:
            return criterion
    return None


def _review_required(proc: IncubationProcess, file: IncubationFile, ctx: _Firing) -> str | None:
    exempt = _exemption(_graduation_decision(proc, file, ctx))
    if exempt is not None:
        return R_(
            "met through {exempt}: no committee review (4.3.6 step 1); issue the certificate",
            exempt=exempt,
        )
    return None


def _review_exempt(proc: IncubationProcess, file: IncubationFile, ctx: _Firing) -> str | None:
    decision = _graduation_decision(proc, file, ctx)
    exempt = _exemption(decision)
    if exempt is None:
        return R_(
            "the decision is {outcome} and not met through 4.3.5(a) or listing: the expert "
            "committee must review it first (refer_to_committee)",
            outcome=decision.outcome.value,
        )
    ctx.data.append(("review", f"skipped: met through {exempt}"))
    return None


def _committee(ctx: _Firing) -> str | None:
    members = ctx.kwargs.get("committee")
    if isinstance(members, str):
        members = (members,)
    if (
        not isinstance(members, list | tuple)
        or not members
        or not all(_nonempty(m) for m in members)
    ):
        return N_("the expert committee's members must be recorded (committee=[...])")
    return None


def _referral(file: IncubationFile) -> DecisionRef | None:
    for record in reversed(file._history):
        if record.trigger == "refer_to_committee":
            return record.decision
    return None


def _committee_graduates(proc: IncubationProcess, file: IncubationFile, ctx: _Firing) -> str | None:
    refusal = _committee(ctx)
    if refusal:
        return refusal
    ref = _referral(file)
    outcome = ref.outcome if ref is not None else Outcome.UNKNOWN.value
    if outcome != Outcome.MET.value and not _nonempty(ctx.kwargs.get("reason")):
        return R_(
            "a verdict of graduation against a {outcome} decision needs a recorded reason",
            outcome=outcome,
        )
    ctx.ref = ref
    ctx.data.append(("verdict", "graduate"))
    return None


def _committee_recorded(proc: IncubationProcess, file: IncubationFile, ctx: _Firing) -> str | None:
    refusal = _committee(ctx)
    if refusal:
        return refusal
    ctx.ref = _referral(file)
    ctx.data.append(("verdict", "non_completion"))
    return None


def _resources_returned(proc: IncubationProcess, file: IncubationFile, ctx: _Firing) -> str | None:
    held = file.held_resources
    if held:
        return R_("platform resources still held: {ids} (4.3.6 step 3)", ids=_ids(held))
    return None


def _ids(resources: tuple[PlatformResource, ...]) -> str:
    """The ids of ``resources`` for a message, bounded."""
    ids = [_shown(r.id) for r in resources[:20]]
    return f"{ids}" + (f" and {len(resources) - 20} more" if len(resources) > 20 else "")


def _archive_reference(proc: IncubationProcess, file: IncubationFile, ctx: _Firing) -> str | None:
    if not _nonempty(ctx.kwargs.get("reference")):
        return N_("the graduate archive needs a reference (reference=)")
    documents = ctx.kwargs.get("documents", ())
    if not isinstance(documents, list | tuple) or not all(_nonempty(d) for d in documents):
        raise ValidationError(
            "documents", _shown(documents), N_("must be a list of names"), clause="4.3.6"
        )
    return None


def _reason_given(proc: IncubationProcess, file: IncubationFile, ctx: _Firing) -> str | None:
    # fire() has refused an empty or non-string reason already.
    if ctx.kwargs.get("reason") is None:
        return N_("a reason must be recorded (reason=)")
    return None


_GUARD_FUNCS: dict[str, Guard] = {
    "screening_passed": _screening_passed,
    "rejection_justified": _rejection_justified,
    "agreement_recorded": _agreement_recorded,
    "resource_grantable": _resource_grantable,
    "resource_held": _resource_held,
    "review_required": _review_required,
    "review_exempt": _review_exempt,
    "committee_graduates": _committee_graduates,
    "committee_recorded": _committee_recorded,
    "resources_returned": _resources_returned,
    "archive_reference": _archive_reference,
    "reason_given": _reason_given,
}
assert set(_GUARD_FUNCS) == GUARDS


# -- effects -------------------------------------------------------------------------------


def _mark_admitted(proc: IncubationProcess, file: IncubationFile, ctx: _Firing) -> None:
    if file._admitted is None:
        file._admitted = ctx.at.date()


def _mark_accelerated(proc: IncubationProcess, file: IncubationFile, ctx: _Firing) -> None:
    file._accelerated = True


def _grant_resource(proc: IncubationProcess, file: IncubationFile, ctx: _Firing) -> None:
    resource: PlatformResource = ctx.kwargs["resource"]
    if resource.granted_on is None:
        resource = attrs.evolve(resource, granted_on=ctx.at.date())
    file._resources = (*file._resources, resource)


def _return_resource(proc: IncubationProcess, file: IncubationFile, ctx: _Firing) -> None:
    rid = ctx.kwargs["resource_id"]
    on = ctx.kwargs.get("on") or ctx.at.date()
    file._resources = tuple(
        attrs.evolve(r, returned_on=on) if r.id == rid and r.returned_on is None else r
        for r in file._resources
    )


def _create_archive(proc: IncubationProcess, file: IncubationFile, ctx: _Firing) -> None:
    documents = list(ctx.kwargs.get("documents", ()))
    for record in file._history:
        if record.trigger in ("issue_certificate", "issue_attestation"):
            ref = dict(record.data).get("reference")
            name = "certificate" if record.trigger == "issue_certificate" else "attestation"
            entry = f"{name}: {ref}" if ref else name
            if entry not in documents:
                documents.append(entry)
    file._archive = Archive(
        reference=ctx.kwargs["reference"], created_on=ctx.at.date(), documents=tuple(documents)
    )


_EFFECT_FUNCS: dict[str, Effect] = {
    "mark_admitted": _mark_admitted,
    "mark_accelerated": _mark_accelerated,
    "grant_resource": _grant_resource,
    "return_resource": _return_resource,
    "create_archive": _create_archive,
}
