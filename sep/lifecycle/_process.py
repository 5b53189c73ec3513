"""Driving each incubatee's file through the incubation process (4.3.2, 4.3.3, 4.3.6).

One :class:`IncubationProcess` holds one ``transitions.Machine`` built from a checked
:class:`~sep.lifecycle.ProcessDefinition`; it serves any number of incubatees. Each
incubatee gets an :class:`IncubationFile` — a small mutable object with the state, the
append-only audit trail and the resources — that is *never added* to the machine: the
process fires ``machine.events[name].trigger(file, …)`` on it directly. This is why, on
transitions 0.9.3 (measured here):

* a Machine per incubatee costs ~24 KB and 100,000 take ~58 s; ``add_model`` is quadratic
  (a list membership test with ``==``: 100,000 take ~137 s) and silently skips attrs models
  that compare equal; ``set_state`` without ``model=`` moves every model. Unadded models
  avoid all three: 100,000 files open in well under a second.
* an exception in an ``after`` callback leaves the new state with no rollback. The process
  snapshots the file before each trigger and restores it on any exception, so a failing
  guard, effect or listener leaves state and history as they were.
* ``LockedMachine`` serialises every model on one lock and is ~6x slower. The thread-safe
  variant locks each file instead.

Every successful trigger appends one :class:`~sep.domain.AuditRecord` (from, to, trigger,
time, actor, reason, the decision's digest, pack, edition and outcome, further data). The
file turns back into a frozen :class:`~sep.domain.Incubatee` whose ``process`` carries the
state and history, so the JSON of an incubatee resumes in the same state.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable, Iterable, Mapping
from typing import Any

import attrs
from transitions import Machine, MachineError

from sep.domain import (
    Archive,
    AuditRecord,
    DecisionRef,
    Incubatee,
    PlatformResource,
    ProcessRecord,
)
from sep.errors import (
    EngineError,
    EngineUnavailableError,
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
_UTC = dt.UTC


def _utc_now() -> dt.datetime:
    return _now(_UTC)


class _Firing:
    """What one trigger carries through guards and effects.

    Fields other than ``kwargs``, ``at`` and ``data`` start as class-level ``None`` and are
    set only by the guards that need them: a trigger pays for what it uses.
    """

    decision: Decision | None = None
    ref: DecisionRef | None = None
    refusal: str | None = None
    refusal_clause: str | None = None

    def __init__(self, kwargs: Mapping[str, Any], at: dt.datetime) -> None:
        self.kwargs = kwargs
        self.at = at
        self.data: list[tuple[str, str]] = []


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
        "_process",
        "_resources",
        "_state",
    )

    def __init__(
        self, process: IncubationProcess, incubatee: Incubatee, *, thread_safe: bool
    ) -> None:
        record = incubatee.process
        self._process = process
        self._incubatee = incubatee
        self._state = record.state if record is not None else process.definition.initial
        self._history: list[AuditRecord] = list(record.history) if record is not None else []
        self._resources = incubatee.resources
        self._archive = incubatee.archive
        self._admitted = incubatee.admitted
        self._accelerated = incubatee.accelerated
        self._lock: threading.RLock | None = threading.RLock() if thread_safe else None

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
        with self._locked():
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
        if lock is None:
            return self._process._fire(self, trigger, kwargs)
        with lock:
            return self._process._fire(self, trigger, kwargs)

    def _locked(self) -> Any:
        return self._lock if self._lock is not None else _NO_LOCK

    def __repr__(self) -> str:
        return f"IncubationFile({self.id!r}, state={self.state!r}, records={len(self._history)})"


class _NoLock:
    def __enter__(self) -> None:
        return None

    def __exit__(self, *_: object) -> None:
        return None


_NO_LOCK = _NoLock()


Guard = Callable[["IncubationProcess", IncubationFile, _Firing], str | None]
Effect = Callable[["IncubationProcess", IncubationFile, _Firing], None]


class IncubationProcess:
    """The incubation process of 4.3.2 with the 4.3.6 graduation procedure, for many files.

    Args:
        definition: The process (default: :func:`~sep.lifecycle.standard_definition`).
        graduation_params: Parameter overrides for :func:`~sep.evaluation.check_graduation`
            when a graduation trigger is fired without a ``decision``.
        clock: Gives the time of a transition when ``at=`` is not passed (aware datetime).
        listeners: Called after each transition, before it is kept; one raising undoes it.
        thread_safe: Give each file its own lock, so services may fire from many threads.

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
        self.definition = definition if definition is not None else standard_definition()
        self.graduation_params = dict(graduation_params) if graduation_params else None
        self.thread_safe = thread_safe
        self._clock = clock
        self._listeners = tuple(listeners)
        self._states = frozenset(self.definition.state_names)
        self._args = {t: self.definition.args_of(t) for t in self.definition.triggers}
        self._recorded = {
            t: tuple(a for a in _RECORDED_ARGS if a in args) for t, args in self._args.items()
        }
        self._clause: dict[str, str] = {}
        for tr in self.definition.transitions:
            self._clause.setdefault(tr.trigger, tr.clause)
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
        self._events = dict(self.machine.events)
        # One lookup per trigger fired: the event, its arguments, those recorded, its clause.
        self._table = {
            t: (event, self._args[t], self._recorded[t], self._clause[t])
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
            ctx: _Firing = event.args[0]
            refusal = guard(self, event.model, ctx)
            if refusal is None:
                return True
            ctx.refusal = refusal
            ctx.refusal_clause = spec.clause
            return False

        return condition

    def _after(self, effect: Effect) -> Callable[[Any], None]:
        def after(event: Any) -> None:
            effect(self, event.model, event.args[0])

        return after

    # -- files ---------------------------------------------------------------------------

    def open(self, incubatee: Incubatee) -> IncubationFile:
        """Put ``incubatee`` under the process, resuming its recorded state and history.

        Raises:
            ValidationError: if the recorded state is not a state of this process, or the
                history does not end in it.
        """
        if not isinstance(incubatee, Incubatee):
            raise ValidationError("", incubatee, "must be an Incubatee", clause="4.3.2")
        record = incubatee.process
        if record is not None:
            if record.state not in self._states:
                raise ValidationError(
                    "process.state",
                    record.state,
                    f"is not a state of this process; one of {sorted(self._states)}",
                    clause="4.3.2",
                )
            if record.history and record.history[-1].to_state != record.state:
                raise ValidationError(
                    "process.history",
                    record.history[-1].to_state,
                    f"the last transition ends in another state than {record.state!r}",
                    clause="4.3.2",
                )
        return IncubationFile(self, incubatee, thread_safe=self.thread_safe)

    def open_many(self, incubatees: Iterable[Incubatee]) -> list[IncubationFile]:
        """:meth:`open` each incubatee."""
        return [self.open(i) for i in incubatees]

    # -- firing --------------------------------------------------------------------------

    def fire(self, file: IncubationFile, trigger: str, **kwargs: Any) -> AuditRecord:
        """Fire ``trigger`` on ``file`` and return the audit record it appended.

        Args:
            file: The incubatee's file.
            trigger: A trigger of the process.
            **kwargs: ``actor``, ``reason``, ``at`` (aware datetime; default: the clock)
                and the trigger's own arguments (``decision``, ``committee``, …). A
                graduation ``decision`` passed in is relied on and recorded as given; leave
                it out to have the process decide on the incubatee with its own parameters.

        Raises:
            TransitionError: the trigger is unknown, not allowed from the file's state, or a
                guard refused it; the file is unchanged.
            ValidationError: a bad argument; the file is unchanged.
            EngineError: a listener failed with a non-``sep`` exception; the file is
                unchanged.
        """
        lock = file._lock
        if lock is None:
            return self._fire(file, trigger, kwargs)
        with lock:
            return self._fire(file, trigger, kwargs)

    def _fire(self, file: IncubationFile, trigger: str, kwargs: dict[str, Any]) -> AuditRecord:
        source = file._state
        entry = self._table.get(trigger)
        if entry is None:
            raise TransitionError(
                trigger, source, f"unknown trigger; one of {sorted(self._events)}", clause="4.3.2"
            )
        event, allowed, recorded, clause = entry
        if not allowed.issuperset(kwargs):
            self._bad_argument(trigger, kwargs)
        at = kwargs.get("at")
        if at is None:
            at = self._clock()
        if not isinstance(at, dt.datetime) or at.tzinfo is None:
            raise ValidationError("at", at, "must be a timezone-aware datetime", clause="4.3.2")
        actor = kwargs.get("actor")
        reason = kwargs.get("reason")
        if actor is not None and not (type(actor) is str and actor.strip()):
            raise ValidationError("actor", actor, "must be a non-empty string", clause="4.3.2")
        if reason is not None and not (type(reason) is str and reason.strip()):
            raise ValidationError("reason", reason, "must be a non-empty string", clause="4.3.2")
        ctx = _Firing(kwargs, at)
        snapshot = (file._resources, file._archive, file._admitted, file._accelerated)
        length = len(file._history)
        try:
            if not event.trigger(file, ctx):
                raise TransitionError(
                    trigger,
                    source,
                    ctx.refusal or "refused",
                    clause=ctx.refusal_clause or clause,
                )
            data = ctx.data
            for name in recorded:
                if name in kwargs:
                    data.append((name, _text(kwargs[name])))
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
            file._history.append(record)
            for listener in self._listeners:
                listener(file, record)
        except BaseException as err:
            file._state = source
            file._resources, file._archive, file._admitted, file._accelerated = snapshot
            del file._history[length:]
            if isinstance(err, MachineError):
                raise TransitionError(
                    trigger,
                    source,
                    f"not allowed from this state; allowed: {list(file.triggers())}",
                    clause=clause,
                ) from None
            if isinstance(err, SepError) or not isinstance(err, Exception):
                raise
            raise EngineError("sep.lifecycle", f"{type(err).__name__}: {err}") from err
        return record

    def _bad_argument(self, trigger: str, kwargs: Mapping[str, Any]) -> None:
        allowed = self._args[trigger]
        for name in kwargs:
            if name not in allowed:
                raise ValidationError(
                    name,
                    kwargs[name],
                    f"is not an argument of {trigger!r}; use {sorted(allowed)}",
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
                "neither the graphviz nor the pygraphviz package can be imported",
                "pip install pygraphviz (its wheels bundle Graphviz), or use to_mermaid()",
            ) from None
        try:
            pygraphviz.AGraph(string=dot).draw(path, format=fmt, prog="dot")
        except Exception as err:
            raise EngineError("pygraphviz", str(err)) from err
        return path


_RECORDED_ARGS = ("agreement", "committee", "reference", "resource_id", "on", "documents")


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


def _text(value: Any) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return "; ".join(str(v) for v in value)
    return str(value)


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
                "decision", None, "a screening decision is required", clause="4.3.3"
            )
        return None
    if isinstance(given, Screening):
        ctx.data.extend(given.audit_data())
        given = given.decision
    if not isinstance(given, Decision) or given.question != "screening":
        raise ValidationError(
            "decision", given, "must be a screening Decision (sep.lifecycle.screen)", clause="4.3.3"
        )
    _use_decision(ctx, given)
    return given


def _screening_passed(proc: IncubationProcess, file: IncubationFile, ctx: _Firing) -> str | None:
    decision = _screening_decision(ctx, required=True)
    assert decision is not None
    if decision.outcome is not Outcome.MET:
        return f"the screening decision is {decision.outcome.value}, not met (4.3.3)"
    return None


def _agreement_recorded(proc: IncubationProcess, file: IncubationFile, ctx: _Firing) -> str | None:
    if not _nonempty(ctx.kwargs.get("agreement")):
        return "admission needs the signed incubation agreement's reference (agreement=)"
    return None


def _rejection_justified(proc: IncubationProcess, file: IncubationFile, ctx: _Firing) -> str | None:
    decision = _screening_decision(ctx, required=False)
    if _nonempty(ctx.kwargs.get("reason")):
        return None
    if decision is None:
        return "a rejection needs a screening decision or a recorded reason"
    if decision.outcome is not Outcome.NOT_MET:
        return f"the screening decision is {decision.outcome.value}: a rejection needs a reason"
    if decision.outcome_of("4.3.3.reviewers") is not Outcome.MET:
        return "the review panel is incomplete (4.3.3.reviewers): a rejection needs a reason"
    return None


def _resource_grantable(proc: IncubationProcess, file: IncubationFile, ctx: _Firing) -> str | None:
    resource = ctx.kwargs.get("resource")
    if not isinstance(resource, PlatformResource):
        raise ValidationError("resource", resource, "must be a PlatformResource", clause="4.3.6")
    if resource.returned_on is not None:
        return f"resource {resource.id!r} is already returned"
    if any(r.id == resource.id for r in file._resources):
        return f"resource {resource.id!r} was granted already"
    ctx.data.append(("resource", f"{resource.id} ({resource.kind})"))
    return None


def _resource_held(proc: IncubationProcess, file: IncubationFile, ctx: _Firing) -> str | None:
    rid = ctx.kwargs.get("resource_id")
    on = ctx.kwargs.get("on")
    if on is not None and (not isinstance(on, dt.date) or isinstance(on, dt.datetime)):
        raise ValidationError("on", on, "must be a date", clause="4.3.6")
    if not any(r.id == rid and r.returned_on is None for r in file._resources):
        return f"no held resource {rid!r}; held: {[r.id for r in file.held_resources]}"
    return None


def _graduation_decision(proc: IncubationProcess, file: IncubationFile, ctx: _Firing) -> Decision:
    if ctx.decision is not None:
        return ctx.decision
    given = ctx.kwargs.get("decision")
    if given is None:
        given = proc.graduation_decision(file, on=ctx.at.date())
    elif not isinstance(given, Decision) or given.question != "graduation":
        raise ValidationError(
            "decision", given, "must be a graduation Decision (check_graduation)", clause="4.3.5"
        )
    if given.document != _TCATE:
        raise ValidationError(
            "decision", given.pack, f"must decide the 4.3.5 criteria of {_TCATE}", clause="4.3.5"
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
        return f"met through {exempt}: no committee review (4.3.6 step 1); issue the certificate"
    return None


def _review_exempt(proc: IncubationProcess, file: IncubationFile, ctx: _Firing) -> str | None:
    decision = _graduation_decision(proc, file, ctx)
    exempt = _exemption(decision)
    if exempt is None:
        return (
            f"the decision is {decision.outcome.value} and not met through 4.3.5(a) or listing: "
            "the expert committee must review it first (refer_to_committee)"
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
        return "the expert committee's members must be recorded (committee=[...])"
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
        return f"a verdict of graduation against a {outcome} decision needs a recorded reason"
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
    held = [r.id for r in file.held_resources]
    if held:
        return f"platform resources still held: {held} (4.3.6 step 3)"
    return None


def _archive_reference(proc: IncubationProcess, file: IncubationFile, ctx: _Firing) -> str | None:
    if not _nonempty(ctx.kwargs.get("reference")):
        return "the graduate archive needs a reference (reference=)"
    documents = ctx.kwargs.get("documents", ())
    if not isinstance(documents, list | tuple) or not all(_nonempty(d) for d in documents):
        raise ValidationError("documents", documents, "must be a list of names", clause="4.3.6")
    return None


def _reason_given(proc: IncubationProcess, file: IncubationFile, ctx: _Firing) -> str | None:
    # fire() has refused an empty or non-string reason already.
    if ctx.kwargs.get("reason") is None:
        return "a reason must be recorded (reason=)"
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
