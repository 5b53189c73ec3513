"""The durable-rules adapter: leaf predicates of the standard's criteria run inside durable-rules.

The rules layer compiles each criterion of T/CATE 0001—2020 (for example the graduation
thresholds of 4.3.5(c), the entry conditions of 4.2.1, the exit triggers of 4.3.7) into
*leaf predicates* over named flat inputs (``revenue >= 1e8``) and combines the leaf results
with Kleene logic (:class:`sep.evaluation._outcome.Outcome`). This module is the only place
in ``sep`` that touches durable-rules 2.0.28 (``durable.engine`` and its C extension
``durable_rules_engine``); it makes durable-rules genuinely decide every leaf.

How durable-rules is used, and why (each point was measured on durable-rules 2.0.28):

* **Two rules per leaf.** One rule for the predicate (its action records ``True``) and one
  for its complement (records ``False``). An input that is absent or ``None`` matches
  neither, so the leaf is ``None`` (unknown, never false). For a present input exactly one
  of the two must fire; anything else is reported as :class:`~sep.errors.EngineError`.
* **Facts, not events.** A posted *event* is consumed by the first rule it matches, so
  ``post`` answers only one leaf per message. A *fact* (``assert_fact``) is offered to
  every rule, so one call decides all leaves. The fact is retracted right after, on the one
  session each ruleset reuses: durable-rules keeps every asserted fact until it is
  retracted or its session deleted, refuses more than 1,024 live sessions per ruleset
  (``MemoryError``), and a session created and deleted per evaluation costs about 100 KB
  of C heap allocated and freed each time. Every fact gets a new id, so an identical fact
  set evaluated twice is never "already observed".
* **Actions from the C engine.** The actions of the fired rules are taken from
  durable-rules' C engine one by one, as its own dispatcher does, and run on the caller's
  thread. durable's Python action layer (a closure and a JSON round trip of the session
  state per fired rule) is kept as a reference path that the tests compare against; it is
  about four times slower. An exception in an action becomes
  :class:`~sep.errors.EngineError` on either path (durable's layer swallows it into the
  session state, where it is looked for).
* **A private host.** Every :class:`DurableRuleset` lives on its own
  ``durable.engine.Host`` whose dispatch loop (two never-ending timer threads per host) is
  switched off, so actions run on the caller's thread and nothing is shared with the
  process-global host of ``durable.lang``. Closing the ruleset removes it from the host and
  frees the C engine's ruleset (``delete_ruleset``), so creating and closing rulesets does
  not grow memory.
* **Our own JSON.** durable-rules' JSON reader rejects numbers written like ``1e+16`` (a
  mantissa without a decimal point), which Python's ``json`` produces; the adapter writes
  rule definitions and facts itself (``1.0e+16``).
* **Typed inputs.** durable-rules compares across types (``"abc" >= 5`` matches,
  ``1 == true`` matches), so every input is checked against the type of the leaves reading
  it before it is posted; a wrong type raises :class:`~sep.errors.ValidationError`.
  Booleans and strings allow only ``==`` and ``!=``: durable-rules orders strings by their
  JSON-escaped text (``"\\x1f" < "0"`` does not match), so string ordering would be wrong.
* **At most 64 leaves.** durable-rules fails when one fact fires more than 64 rules (error
  303, and the process may crash later); a larger ruleset is refused when built.
* **Numbers are IEEE-754 doubles.** durable-rules compares numbers as doubles: ``int`` and
  :class:`~decimal.Decimal` inputs and thresholds are converted with ``float()`` before
  posting. Rounding to the nearest double is monotonic, so ``<``/``<=``/``==`` are exact for
  decimals with at most 15 significant digits (all CNY amounts below 10^13 with two
  decimals); a longer decimal that rounds onto a threshold it is not equal to is posted as
  the double next to the threshold on its side, so every comparison with the leaves'
  thresholds keeps the decimal's order (a value no double can place is refused).
  Non-finite numbers are refused.
* **Thread safety.** The C extension neither releases the GIL nor locks anything, and an
  evaluation is several C calls; one module lock serialises every use of durable-rules, so
  threads never cross-talk (there is no parallelism to lose under the GIL).

durable-rules is an optional dependency (the ``sep[stream]`` extra) and is imported lazily:
``import sep`` and every engine but the stream work where it is not installed or cannot be
imported (Python 3.13 without the build fix); using this module there raises
:class:`~sep.errors.EngineUnavailableError` naming the fix (:data:`DURABLE_FIX`).

Example:
    >>> rules = DurableRuleset([
    ...     Leaf("4.3.5(c).revenue", "revenue", ">=", 100_000_000),
    ...     Leaf("4.3.5(c).profit", "profit", ">=", 10_000_000),
    ... ])
    >>> rules.evaluate({"revenue": 120_000_000, "profit": None})
    {'4.3.5(c).revenue': True, '4.3.5(c).profit': None}
    >>> rules.close()
"""

from __future__ import annotations

import contextlib
import itertools
import json
import math
import re
import threading
import weakref
from collections.abc import Callable, Hashable, Iterable, Mapping, Sequence
from decimal import Decimal
from types import ModuleType, TracebackType
from typing import Any, Final

import attrs

from sep._i18n import N_
from sep._reason import R_
from sep.errors import EngineError, EngineUnavailableError, RuleDefinitionError, ValidationError

__all__ = [
    "DURABLE_FIX",
    "MAX_LEAVES",
    "DurableRuleset",
    "DurableStream",
    "Leaf",
    "durable_available",
]

ENGINE: Final = "durable-rules"
#: What a user does when durable-rules cannot be imported: install the ``stream`` extra, and
#: on Python 3.13 (where durable-rules 2.0.28, shipped only as source, does not build as it
#: is) rebuild it with the flag that maps the C API function removed in 3.13.
DURABLE_FIX: Final = N_(
    "pip install 'sep[stream]' (the streaming engine's extra); on Python 3.13 build "
    'durable-rules with CPPFLAGS="-DPyEval_CallObject=PyObject_CallObject" pip install '
    "--no-cache-dir --force-reinstall 'durable-rules>=2.0.28,<2.1'"
)
#: durable-rules 2.0.28 fails when one fact fires more than 64 rules (error 303, and the
#: process may crash afterwards); every leaf fires exactly one rule per evaluation.
MAX_LEAVES: Final = 64

Scalar = float | int | bool | str | Decimal
Verdict = bool | None
# What firing a fact answers: the verdicts in leaf order, how many rules fired, the absent
# inputs and how many leaves read a present input.
_Fired = tuple[list[Verdict], int, list[str], int]

# durable-rules operator for each comparison, and the comparison that is its complement.
_DURABLE_OP: Final[dict[str, str]] = {
    "<": "$lt",
    "<=": "$lte",
    ">": "$gt",
    ">=": "$gte",
    "==": "",  # equality is written {field: value}
    "!=": "$neq",
}
_COMPLEMENT: Final[dict[str, str]] = {
    "<": ">=",
    "<=": ">",
    ">": "<=",
    ">=": "<",
    "==": "!=",
    "!=": "==",
}
_INPUT_NAME: Final = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")

_NUMBER: Final = "number"
_BOOL: Final = "bool"
_TEXT: Final = "string"

# One lock for every call into durable-rules (see the module docstring). Reentrant: a
# garbage collection inside a locked section may run the finalizer of another ruleset.
_LOCK: Final = threading.RLock()
_SESSION_IDS: Final = itertools.count(1)
_FACT_IDS: Final = itertools.count(1)
_RULESET_IDS: Final = itertools.count(1)


@attrs.frozen
class Leaf:
    """One comparison of a named flat input with a resolved constant.

    Attributes:
        id: Unique id of the leaf, by convention ``"<clause>.<name>"``
            (``"4.3.5(c).revenue"``).
        input: Name of the flat fact it reads (ASCII identifier characters only).
        op: One of ``"<"``, ``"<="``, ``">"``, ``">="``, ``"=="``, ``"!="``; booleans and
            strings allow only ``"=="`` and ``"!="``.
        value: The threshold or constant (number, ``bool`` or ``str``).
        clause: The clause of the standard the leaf serves, used in error messages.

    Example:
        >>> Leaf("4.3.5(c).revenue", "revenue", ">=", 100_000_000).op
        '>='
    """

    id: str
    input: str
    op: str
    value: Scalar
    clause: str | None = None


def _kind_of(value: object) -> str | None:
    if isinstance(value, bool):
        return _BOOL
    if isinstance(value, int | float | Decimal):
        return _NUMBER
    if isinstance(value, str):
        return _TEXT
    return None


# The exact types _kind_of gives a kind (a subclass goes through _kind_of itself).
_KINDS: Final[Mapping[type, str]] = {
    bool: _BOOL,
    int: _NUMBER,
    float: _NUMBER,
    Decimal: _NUMBER,
    str: _TEXT,
}


def _text_problem(text: str) -> str | None:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return "must be valid Unicode (no lone surrogates)"
    return None


def _number_json(value: float) -> str:
    """Write a finite double so that durable-rules reads back the same double."""
    text = repr(value)
    mantissa, sep, exponent = text.partition("e")
    if sep and "." not in mantissa:
        # durable-rules' reader rejects "1e+16"; "1.0e+16" is the same number.
        return f"{mantissa}.0e{exponent}"
    return text


def _scalar_json(value: float | bool | str) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return _number_json(value)
    return json.dumps(value, ensure_ascii=False)


def _unavailable(reason: str) -> EngineUnavailableError:
    return EngineUnavailableError(engine=ENGINE, reason=reason, fix=DURABLE_FIX)


class _Durable:
    """The lazily imported durable-rules modules and the two classes built on them."""

    def __init__(self, engine: ModuleType, core: ModuleType) -> None:
        self.engine = engine
        self.core = core
        self.error: type[BaseException] = getattr(core, "error", RuntimeError)

        class QuietHost(engine.Host):  # type: ignore[misc,name-defined]
            """A host without the dispatch timer threads: actions run on the caller."""

            def _run(self) -> None:
                return None

        class LeafRuleset(engine.Ruleset):  # type: ignore[misc,name-defined]
            """A ``Ruleset`` compiled from JSON text written by this module.

            ``engine.Ruleset.__init__`` serialises with :mod:`json`, whose ``1e+16`` the C
            reader rejects; this does the same steps with the adapter's own text.
            """

            def __init__(
                self,
                name: str,
                host: Any,
                definition: str,
                actions: Mapping[str, Callable[[Any], None]],
            ) -> None:
                self._actions = {rule: engine.Promise(run) for rule, run in actions.items()}
                self._name = name
                self._host = host
                self._definition = definition
                self._handle = core.create_ruleset(name, definition)

        self.QuietHost: Callable[[], Any] = QuietHost
        self.LeafRuleset: Callable[[str, Any, str, Mapping[str, Callable[[Any], None]]], Any] = (
            LeafRuleset
        )


#: The modules of durable-rules: missing one of them means it is not installed at all.
_MODULES: Final = ("durable", "durable_rules_engine")
_loaded: _Durable | None = None
_load_error: str | None = None


def _durable() -> _Durable:
    """Import durable-rules once, or raise :class:`EngineUnavailableError`."""
    global _loaded, _load_error
    if _loaded is not None:
        return _loaded
    if _load_error is not None:
        raise _unavailable(_load_error)
    try:
        import durable_rules_engine as core
        from durable import engine
    except Exception as exc:  # an ImportError, or whatever the broken extension raises
        if isinstance(exc, ModuleNotFoundError) and exc.name in _MODULES:
            _load_error = R_("it is not installed (no module named {name!r})", name=exc.name)
        else:
            _load_error = f"{type(exc).__name__}: {exc}"
        raise _unavailable(_load_error) from exc
    _loaded = _Durable(engine, core)
    return _loaded


def durable_available() -> bool:
    """Tell whether durable-rules can be imported and used here.

    Example:
        >>> isinstance(durable_available(), bool)
        True
    """
    try:
        _durable()
    except EngineUnavailableError:
        return False
    return True


def _record(state: Any, slot: str, verdict: bool) -> None:
    """What every rule's action does: write the leaf's verdict into ``state[slot]``."""
    state[slot] = verdict


def _make_action(slot: str, verdict: bool) -> Callable[[Any], None]:
    """The rule's action for durable-rules' own action layer (records into ``c.s``)."""

    # durable-rules inspects the action's code object (one argument: a synchronous action),
    # so this must be a plain function, not a functools.partial.
    def action(c: Any) -> None:
        _record(c.s, slot, verdict)

    return action


def _condition(field: str, op: str, value: float | bool | str) -> str:
    operand = _scalar_json(value)
    durable_op = _DURABLE_OP[op]
    if not durable_op:
        return f'{{"{field}":{operand}}}'
    return f'{{"{durable_op}":{{"{field}":{operand}}}}}'


def _release(host: Any, name: str, handle: int, core: ModuleType, sessions: set[str]) -> None:
    """Remove one ruleset from its host and free it in the C engine (idempotent)."""
    with _LOCK:
        ruleset = host._ruleset_directory.pop(name, None)
        if ruleset is None:
            return
        host._ruleset_list.remove(ruleset)
        # delete_ruleset does not free the ruleset's sessions (about 200 KB each).
        for sid in sessions:
            with contextlib.suppress(Exception):
                core.delete_state(handle, sid)
        sessions.clear()
        core.delete_ruleset(handle)


@attrs.frozen
class _Input:
    """One distinct input: its name inside durable-rules, its type and a clause to cite."""

    name: str
    field: str
    kind: str
    clause: str | None


class DurableRuleset:
    """Leaf predicates compiled into one durable-rules ruleset on a private host.

    Each leaf evaluates to ``True`` (the predicate holds), ``False`` (the input is present
    and the predicate does not hold) or ``None`` (the input is absent or ``None``: unknown).

    Args:
        leaves: The leaves; their ids must be unique.
        source: Where the leaves came from, for :class:`~sep.errors.RuleDefinitionError`.

    Raises:
        RuleDefinitionError: An unknown op, a bad input name, a duplicate id, a value of a
            type the op cannot compare, one input compared with values of different types,
            no leaves or more than :data:`MAX_LEAVES`.
        EngineUnavailableError: durable-rules cannot be imported here.

    Example:
        >>> with DurableRuleset([Leaf("4.2.1(2).listed", "listed", "==", True)]) as rules:
        ...     rules.evaluate_many([{"listed": True}, {"listed": False}, {}])
        [{'4.2.1(2).listed': True}, {'4.2.1(2).listed': False}, {'4.2.1(2).listed': None}]
    """

    def __init__(self, leaves: Iterable[Leaf], *, source: str = "<leaves>") -> None:
        self._leaves: tuple[Leaf, ...] = tuple(leaves)
        self._source = source
        self._inputs: dict[str, _Input] = {}
        # Per number input, its leaves' thresholds: exact, and as the double durable holds.
        self._cuts: dict[str, list[tuple[Decimal, float]]] = {}
        self._on_cut: set[float] = set()  # every threshold's double, for a quick test
        # (leaf id, input name, slot in the session state where its verdict is written)
        self._slots: list[tuple[str, str, str]] = []
        # durable rule name -> (leaf index, verdict its action records)
        self._rules: dict[str, tuple[int, bool]] = {}
        self._validate()
        self._slot_names = frozenset(slot for _, _, slot in self._slots)
        self._leaf_ids = tuple(leaf_id for leaf_id, _, _ in self._slots)
        # input name -> the indices of the leaves reading it
        self._input_leaves: dict[str, tuple[int, ...]] = {
            name: tuple(i for i, (_, leaf_input, _) in enumerate(self._slots) if leaf_input == name)
            for name in self._inputs
        }
        # (input name, its spec, ',"field":', its leaf count) in input order, for _fact_json.
        self._writers = tuple(
            (name, spec, f',"{spec.field}":', len(self._input_leaves[name]))
            for name, spec in self._inputs.items()
        )
        # The durable session the evaluations reuse (see _fire); None until first needed.
        self._sid: str | None = None
        # Sessions to delete when the ruleset is released (shared with the finalizer).
        self._sessions: set[str] = set()
        durable = _durable()
        self._durable = durable
        definition, actions = self._compile()
        self._name = f"sep_leaves_{next(_RULESET_IDS)}"
        with _LOCK:
            host = durable.QuietHost()
            try:
                ruleset = durable.LeafRuleset(self._name, host, definition, actions)
            except durable.error as exc:
                raise EngineError(ENGINE, f"could not compile the leaves: {exc}") from exc
            host._ruleset_directory[self._name] = ruleset
            host._ruleset_list.append(ruleset)
        self._host = host
        self._ruleset = ruleset
        self._handle: int = ruleset._handle
        self._finalizer = weakref.finalize(
            self, _release, host, self._name, self._handle, durable.core, self._sessions
        )

    # -- building -------------------------------------------------------------------------

    def _error(self, key: str, reason: str, leaf: Leaf | None = None) -> RuleDefinitionError:
        clause = leaf.clause if leaf is not None else None
        return RuleDefinitionError(self._source, key, reason, clause=clause)

    def _validate(self) -> None:
        if not self._leaves:
            raise self._error("leaves", N_("at least one leaf is needed"))
        if len(self._leaves) > MAX_LEAVES:
            raise self._error(
                "leaves",
                R_(
                    "{len} leaves; durable-rules allows at most {max_leaves}",
                    len=len(self._leaves),
                    max_leaves=MAX_LEAVES,
                ),
            )
        seen: set[str] = set()
        for index, leaf in enumerate(self._leaves):
            where = f"leaves[{index}]"
            if not isinstance(leaf, Leaf):
                raise self._error(
                    where, R_("expected a Leaf, got {type}", type=type(leaf).__name__)
                )
            if not isinstance(leaf.id, str) or not leaf.id:
                raise self._error(f"{where}.id", N_("must be a non-empty string"), leaf)
            if leaf.id in seen:
                raise self._error(
                    f"{where}.id", R_("duplicate leaf id {leaf!r}", leaf=leaf.id), leaf
                )
            seen.add(leaf.id)
            if not isinstance(leaf.input, str) or not _INPUT_NAME.match(leaf.input):
                raise self._error(
                    f"{where}.input",
                    R_(
                        "{input!r} is not a name of ASCII letters, digits and '_'", input=leaf.input
                    ),
                    leaf,
                )
            if not isinstance(leaf.op, str) or leaf.op not in _DURABLE_OP:
                raise self._error(
                    f"{where}.op",
                    R_(
                        "unknown op {op!r}; use one of {durable_op}",
                        op=leaf.op,
                        durable_op=sorted(_DURABLE_OP),
                    ),
                    leaf,
                )
            kind = _kind_of(leaf.value)
            if kind is None:
                raise self._error(
                    f"{where}.value",
                    R_(
                        "expected a number, bool or string, got {type}",
                        type=type(leaf.value).__name__,
                    ),
                    leaf,
                )
            problem = self._value_problem(leaf, kind)
            if problem:
                raise self._error(f"{where}.value", problem, leaf)
            known = self._inputs.get(leaf.input)
            if known is None:
                # A short name: durable-rules parses the fact's text and writes it into
                # every fired rule's message, so each byte is handled a dozen times.
                field = f"f{len(self._inputs)}"
                self._inputs[leaf.input] = _Input(leaf.input, field, kind, leaf.clause)
            elif known.kind != kind:
                raise self._error(
                    f"{where}.value",
                    R_(
                        "input {input!r} is compared with a {kind} elsewhere and with a {kind2} "
                        "here",
                        input=leaf.input,
                        kind=known.kind,
                        kind2=kind,
                    ),
                    leaf,
                )
            self._slots.append((leaf.id, leaf.input, f"l{index}"))
            if kind == _NUMBER:
                exact = Decimal(repr(leaf.value)) if type(leaf.value) is float else leaf.value
                self._cuts.setdefault(leaf.input, []).append((Decimal(exact), float(exact)))
                self._on_cut.add(float(exact))

    @staticmethod
    def _value_problem(leaf: Leaf, kind: str) -> str | None:
        if kind in (_BOOL, _TEXT) and leaf.op not in ("==", "!="):
            # durable-rules orders strings by their JSON-escaped text ('\x1f' is written
            # '\u001f'), which is not the order of the strings.
            return f"a {kind} can only be compared with == or !=, not {leaf.op}"
        if kind == _TEXT:
            return _text_problem(str(leaf.value))
        if kind == _NUMBER:
            try:
                number = float(leaf.value)
            except (OverflowError, ValueError):  # too large, or a signalling NaN
                return "must be a finite number that fits a double"
            if not math.isfinite(number):
                return "must be a finite number"
        return None

    def _faithful(self, name: str, value: Any, number: float, clause: str | None) -> float:
        """A double that compares with every threshold of ``name`` as ``value`` does.

        Rounding to the nearest double keeps order but can make a decimal of more than 15
        significant digits (or an integer beyond 2**53) equal to a threshold it is not
        (9999999.99…96 becomes 10^7), or a threshold equal to a value it is not:
        then the double next to the threshold on the value's side is posted. If no double
        keeps every comparison, the value is refused rather than decided wrongly.
        """
        cuts = self._cuts.get(name, ())
        candidate = number
        for exact, double in cuts:
            if candidate == double and value != exact:
                candidate = math.nextafter(double, math.inf if value > exact else -math.inf)
                break
        else:
            return number  # the nearest double is no threshold's, or it is equal to it
        for exact, double in cuts:
            if (candidate > double) - (candidate < double) != (value > exact) - (value < exact):
                raise ValidationError(
                    name,
                    value,
                    N_(
                        "has more significant digits than the streaming engine can compare "
                        "with its thresholds (IEEE-754 doubles)"
                    ),
                    clause=clause,
                )
        return candidate

    def _compile(self) -> tuple[str, dict[str, Callable[[Any], None]]]:
        rules: list[str] = []
        actions: dict[str, Callable[[Any], None]] = {}
        for index, leaf in enumerate(self._leaves):
            field = self._inputs[leaf.input].field
            value = leaf.value
            operand: float | bool | str = value if isinstance(value, bool | str) else float(value)
            slot = f"l{index}"
            for verdict, op in ((True, leaf.op), (False, _COMPLEMENT[leaf.op])):
                rule = f"{'p' if verdict else 'n'}{index}"
                rules.append(f'"{rule}":{{"all":[{{"m":{_condition(field, op, operand)}}}]}}')
                actions[rule] = _make_action(slot, verdict)
                self._rules[rule] = (index, verdict)
        return "{" + ",".join(rules) + "}", actions

    # -- evaluating -----------------------------------------------------------------------

    @property
    def leaves(self) -> tuple[Leaf, ...]:
        """The leaves, in the order given."""
        return self._leaves

    @property
    def inputs(self) -> tuple[str, ...]:
        """The distinct input names the leaves read, in order of first use."""
        return tuple(self._inputs)

    @property
    def name(self) -> str:
        """The durable-rules ruleset name (unique in this process)."""
        return self._name

    @property
    def closed(self) -> bool:
        """Whether :meth:`close` has run."""
        return not self._finalizer.alive

    def _fact_json(
        self, facts: Mapping[str, Any], sid: str, fact_id: str
    ) -> tuple[str, list[str], int]:
        """Check and write the inputs present in ``facts``.

        This runs for every evaluation: the kind is found by the exact type first (the
        normalised inputs are ``Decimal``, ``int``, ``bool`` or ``str``), and each field's
        ``,"name":`` prefix is written once, when the ruleset is built.

        Returns:
            The JSON, the names of the inputs that are absent (usually fewer than the
            present ones, so cheaper to collect) and how many leaves read a present input.
        """
        parts = ['{"sid":"', sid, '","id":"', fact_id, '"']
        append = parts.append
        absent: list[str] = []
        decidable = 0
        on_cut = self._on_cut
        for name, spec, prefix, count in self._writers:
            value = facts.get(name)
            if value is None:
                absent.append(name)
                continue
            kind = _KINDS.get(type(value)) or _kind_of(value)
            if kind != spec.kind:
                raise ValidationError(
                    name,
                    value,
                    R_("expected a {kind}, got {type}", kind=spec.kind, type=type(value).__name__),
                    clause=spec.clause,
                )
            if kind == _NUMBER:
                try:
                    number = float(value)
                except (OverflowError, ValueError):  # too large, or a signalling NaN
                    number = math.inf
                if not math.isfinite(number):
                    raise ValidationError(
                        name, value, N_("must be a finite number"), clause=spec.clause
                    )
                if number in on_cut and type(value) is not float:
                    # Its nearest double is a threshold's: place it on its own side.
                    number = self._faithful(name, value, number, spec.clause)
                text = repr(number)
                if "e" in text:  # rare: durable-rules' reader rejects "1e+16"
                    text = _number_json(number)
            elif kind == _TEXT:
                problem = _text_problem(value)
                if problem:
                    raise ValidationError(name, value, problem, clause=spec.clause)
                text = json.dumps(value, ensure_ascii=False)
            else:
                text = "true" if value else "false"
            append(prefix)
            append(text)
            decidable += count
        append("}")
        return "".join(parts), absent, decidable

    def _fire(self, facts: Mapping[str, Any]) -> _Fired:
        """Assert the facts on this ruleset's session, run the fired rules' actions, retract.

        durable-rules' C engine matches the fact and schedules the actions; they are taken
        from it one by one (``start_action_for_state``/``complete_and_start_action``, the
        calls durable's own dispatcher makes) and run here. durable's Python action layer
        (a closure object and a JSON round trip of the session state per action, see
        :meth:`_fire_with_durable_actions`) would cost about four times as much. The action
        (what :func:`_record` does for durable's layer) is written out in the loop: a call
        per fired rule is a measurable part of an evaluation.

        One session per ruleset is reused (the module lock makes evaluations one at a
        time) and the fact is retracted afterwards: creating and deleting a session per
        evaluation allocates and frees about 100 KB each time, which made the C heap grow
        and shrink on every call (a system call each, up to four times slower). After any
        failure the session is dropped and a new one is used, so nothing leaks into the
        next evaluation.

        Returns:
            The verdict recorded by the fired actions in leaf order (``None`` where none
            fired; only ``True`` or ``False`` otherwise), how many actions fired, the names
            of the absent inputs and how many leaves read a present input.
        """
        core = self._durable.core
        handle = self._handle
        rules = self._rules
        verdicts: list[Verdict] = [None] * len(self._slots)
        fired = 0
        with _LOCK:
            if not self._finalizer.alive:
                raise EngineError(ENGINE, f"ruleset {self._name} is closed")
            if self._sid is None:
                self._sid = str(next(_SESSION_IDS))
                self._sessions.add(self._sid)
            text, absent, decidable = self._fact_json(facts, self._sid, str(next(_FACT_IDS)))
            if not decidable:
                return verdicts, fired, absent, decidable
            healthy = False
            started = False
            try:
                result = core.assert_fact(handle, text)
                code = result[0]
                if code == 0:
                    state_handle = result[1]
                    begun = core.start_action_for_state(handle, state_handle)
                    started = True
                    message = begun[1] if begun else None
                    while message:
                        # The message is {"<rule name>": {...}}; the names are this module's.
                        rule = message[2 : message.index('"', 2)]
                        fired += 1
                        try:
                            index, verdict = rules[rule]
                            verdicts[index] = verdict
                        except Exception as exc:
                            core.abandon_action(handle, state_handle)
                            raise EngineError(
                                ENGINE, f"the action of rule {rule!r} raised {exc!r}"
                            ) from exc
                        message = core.complete_and_start_action(handle, state_handle)
                elif code != 1:  # 1: nothing matched; 2: "already observed" (ids are unique)
                    raise EngineError(ENGINE, f"assert_fact answered {code}")
                with contextlib.suppress(self._durable.error):  # nothing to retract if 1
                    core.retract_fact(handle, text)
                healthy = True
            except self._durable.error as exc:
                raise EngineError(ENGINE, str(exc)) from exc
            finally:
                if not healthy:
                    self._drop_session(started)
        return verdicts, fired, absent, decidable

    def _drop_session(self, started: bool) -> None:
        """Forget the current session after a failure; the next evaluation gets a new one."""
        sid, self._sid = self._sid, None
        self._sessions.discard(sid or "")
        # durable-rules 2.0.28 crashes deleting a session whose queued actions were never
        # started; such a session (about 100 KB, after a failure only) is left alone.
        if sid is not None and started:
            with contextlib.suppress(self._durable.error):
                self._durable.core.delete_state(self._handle, sid)

    def _fire_with_durable_actions(self, facts: Mapping[str, Any]) -> _Fired:
        """:meth:`_fire` through durable-rules' own action layer (actions write ``c.s``).

        The slower reference path: kept to check :meth:`_fire` against it and to measure it.
        durable swallows an exception raised in an action into the session state
        (``exception``); it is surfaced here as :class:`EngineError`.
        """
        outcome: list[Any] = [None, None]

        def complete(error: Any, state: Any) -> None:
            outcome[0] = error
            outcome[1] = state

        core = self._durable.core
        sid = str(next(_SESSION_IDS))  # a fresh session: the actions write its state
        text, absent, decidable = self._fact_json(facts, sid, sid)
        nothing: list[Verdict] = [None] * len(self._slots)
        if not decidable:
            return nothing, 0, absent, decidable
        with _LOCK:
            if not self._finalizer.alive:
                raise EngineError(ENGINE, f"ruleset {self._name} is closed")
            try:
                result = core.assert_fact(self._handle, text)
                if result[0] == 1:
                    return nothing, 0, absent, decidable
                if result[0] != 0:
                    raise EngineError(ENGINE, f"assert_fact answered {result[0]} for {sid}")
                self._ruleset.do_actions(result[1], complete)
            except self._durable.error as exc:
                raise EngineError(ENGINE, str(exc)) from exc
            finally:
                # Never delete a session whose actions did not run (durable would crash).
                if outcome[1] is not None or outcome[0] is None:
                    with contextlib.suppress(self._durable.error):
                        core.delete_state(self._handle, sid)
        error, state = outcome
        if error is not None:
            raise EngineError(ENGINE, f"running the actions failed: {error}")
        if not isinstance(state, dict):
            raise EngineError(ENGINE, "the actions did not complete")
        if "exception" in state:
            raise EngineError(ENGINE, f"an action raised: {state['exception']}")
        # Overwrites hide a leaf whose two rules both fired; _fire counts those.
        verdicts = [state.get(slot) for _, _, slot in self._slots]
        return verdicts, len(self._slot_names & state.keys()), absent, decidable

    def _verdicts(
        self, facts: Mapping[str, Any], fire: Callable[[Mapping[str, Any]], _Fired]
    ) -> dict[str, Verdict]:
        return dict(zip(self._leaf_ids, self._ordered(facts, fire), strict=True))

    def _ordered(
        self,
        facts: Mapping[str, Any],
        fire: Callable[[Mapping[str, Any]], _Fired] | None = None,
    ) -> list[Verdict]:
        """The verdicts of :meth:`evaluate` as a list in leaf order (the stream reads them
        by position, so no mapping is built for it), each checked against the inputs."""
        if fire is not None:  # another path's values may be anything: check each leaf
            verdicts, fired, absent, decidable = fire(facts)
            self._check(verdicts, fired, absent)
            return verdicts
        verdicts, fired, absent, decidable = self._fire(facts)
        # _fire records only True or False, so counting the Nones checks every leaf at
        # once: no leaf of an absent input got a verdict, and as many leaves got one as
        # read a present input (so each of those did) and as rules fired (so none got two).
        # Only when that fails are the leaves checked one by one, to name the wrong one.
        if fired == decidable and len(verdicts) - verdicts.count(None) == decidable:
            leaves = self._input_leaves
            if not absent or all(verdicts[i] is None for name in absent for i in leaves[name]):
                return verdicts
        self._check(verdicts, fired, absent)
        return verdicts  # pragma: no cover - _check raises whenever the quick test fails

    def _check(self, verdicts: Sequence[Any], fired: int, absent: Sequence[str]) -> None:
        """Raise :class:`EngineError` unless each leaf of a present input has exactly one
        verdict (``True`` or ``False``), and each leaf of an absent input none."""
        expected = 0
        for (leaf_id, name, _), verdict in zip(self._slots, verdicts, strict=True):
            if name not in absent:
                expected += 1
                if verdict is not True and verdict is not False:
                    raise EngineError(
                        ENGINE, f"neither rule of leaf {leaf_id!r} fired for input {name!r}"
                    )
            elif verdict is not None:
                raise EngineError(ENGINE, f"leaf {leaf_id!r} fired without its input {name!r}")
        if fired != expected:
            # Both the predicate and its complement fired for some leaf.
            raise EngineError(ENGINE, f"{fired} rules fired for {expected} decidable leaves")

    def evaluate(self, facts: Mapping[str, Any]) -> dict[str, Verdict]:
        """Evaluate every leaf on one set of flat facts.

        Args:
            facts: Input name → value; absent names and ``None`` values are unknown. Names no
                leaf reads are ignored.

        Returns:
            Leaf id → ``True``/``False``/``None``, in the order of the leaves.

        Raises:
            ValidationError: An input has the wrong type, is not finite or is a string
                durable-rules cannot hold; nothing was evaluated.
            EngineError: durable-rules failed, an action raised, or the ruleset is closed.

        Example:
            >>> with DurableRuleset([Leaf("4.3.7-b.loss", "net_profit", "<", 0)]) as rules:
            ...     rules.evaluate({"net_profit": -1.5})
            {'4.3.7-b.loss': True}
        """
        return self._verdicts(facts, self._fire)

    def evaluate_many(self, many: Iterable[Mapping[str, Any]]) -> list[dict[str, Verdict]]:
        """Evaluate every leaf on each fact set, in order (see :meth:`evaluate`).

        Example:
            >>> with DurableRuleset([Leaf("4.3.5(c).staff", "staff", ">=", 50)]) as rules:
            ...     rules.evaluate_many([{"staff": 80}, {"staff": 3}])
            [{'4.3.5(c).staff': True}, {'4.3.5(c).staff': False}]
        """
        return [self.evaluate(facts) for facts in many]

    def stream(self) -> DurableStream:
        """Open a stream of partial facts keyed by entity (see :class:`DurableStream`)."""
        return DurableStream(self)

    # -- lifetime -------------------------------------------------------------------------

    def close(self) -> None:
        """Delete the ruleset from durable-rules; safe to call more than once.

        Example:
            >>> rules = DurableRuleset([Leaf("4.3.5(c).staff", "staff", ">=", 50)])
            >>> rules.close(); rules.close(); rules.closed
            True
        """
        self._finalizer()

    def __enter__(self) -> DurableRuleset:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    def __repr__(self) -> str:
        state = "closed" if self.closed else "open"
        return f"<DurableRuleset {self._name} leaves={len(self._leaves)} {state}>"


class DurableStream:
    """Partial facts arriving over time, merged per entity and evaluated on every arrival.

    The merged facts are kept here (only the inputs the leaves read), not in durable-rules:
    each post asserts the merged facts on the ruleset's one reused session and retracts
    them again, so any number of entities uses no more durable-rules sessions than one and
    a long stream's memory stays flat (durable-rules allows 1,024 live sessions per
    ruleset). A ``None`` value in a partial fact erases that input (unknown again).

    Example:
        >>> rules = DurableRuleset([
        ...     Leaf("4.3.5(c).revenue", "revenue", ">=", 100),
        ...     Leaf("4.3.5(c).profit", "profit", ">=", 10),
        ... ])
        >>> stream = rules.stream()
        >>> stream.post("acme", {"revenue": 150})
        {'4.3.5(c).revenue': True, '4.3.5(c).profit': None}
        >>> stream.post("acme", {"profit": 3})
        {'4.3.5(c).revenue': True, '4.3.5(c).profit': False}
        >>> stream.close("acme"); len(stream)
        0
        >>> rules.close()
    """

    def __init__(self, ruleset: DurableRuleset) -> None:
        self._ruleset = ruleset
        self._facts: dict[Hashable, dict[str, Any]] = {}
        self._lock = threading.Lock()

    def post(self, key: Hashable, partial: Mapping[str, Any]) -> dict[str, Verdict]:
        """Merge ``partial`` into the facts of ``key`` and evaluate the merged facts.

        A rejected post (:class:`~sep.errors.ValidationError`) leaves the stored facts of
        ``key`` as they were.
        """
        wanted = self._ruleset._inputs
        with self._lock:
            merged = dict(self._facts.get(key, ()))
            for name, value in partial.items():
                if name not in wanted:
                    continue
                if value is None:
                    merged.pop(name, None)
                else:
                    merged[name] = value
            verdicts = self._ruleset.evaluate(merged)
            self._facts[key] = merged
            return verdicts

    def facts(self, key: Hashable) -> dict[str, Any]:
        """A copy of the merged facts of ``key`` (empty when it has none)."""
        with self._lock:
            return dict(self._facts.get(key, ()))

    def close(self, key: Hashable) -> None:
        """Forget the facts of ``key``; closing an unknown key does nothing."""
        with self._lock:
            self._facts.pop(key, None)

    def __len__(self) -> int:
        """The number of keys with facts."""
        return len(self._facts)


def _live_sessions(ruleset: DurableRuleset, sids: Sequence[str]) -> list[str]:
    """Which of ``sids`` still have a session in durable-rules (for tests and benchmarks)."""
    durable = ruleset._durable
    alive = []
    with _LOCK:
        for sid in sids:
            try:
                durable.core.get_state(ruleset._handle, sid)
            except durable.error:
                continue
            alive.append(sid)
    return alive
