"""The incubation process as data: states, triggers and their sources (4.3.2, 4.3.3, 4.3.6).

Clause 4.3.2 asks for a complete, standard process "from enterprise recruitment to
post-graduation tracking service", but the standard's flowchart is not in its text. The
states below follow the comparable published flows — GB/T 39668—2020 (an incubatee is
assessed and screened, meets the entry conditions, signs an incubation agreement, is served
within a set term; a graduate meets the graduation conditions and completes the
formalities) and DB51/T 2698—2020 §6 (entry → incubation → exit → graduation → tracking) —
and the five ordered steps of the graduation procedure of 4.3.6. Each state and transition
carries its clause and its source so the process can be audited against them.

A :class:`ProcessDefinition` is checked completely when it is built: an unknown state, a
duplicate, an unknown guard or effect, an unreachable state, a final state with a way out,
a state with no way out that is not final: each is a :class:`~sep.errors.RuleDefinitionError`
naming the key. The definition exports itself as Mermaid or Graphviz DOT text for the docs.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import attrs

from sep._i18n import N_
from sep._reason import R_
from sep.errors import RuleDefinitionError

__all__ = [
    "EFFECTS",
    "GUARDS",
    "ProcessDefinition",
    "StateSpec",
    "TransitionSpec",
    "definition_from_mapping",
    "standard_definition",
]

#: Names of the guards a transition may require; the process implements each (4.3.3, 4.3.6).
GUARDS: frozenset[str] = frozenset(
    {
        "screening_passed",
        "rejection_justified",
        "agreement_recorded",
        "resource_grantable",
        "resource_held",
        "review_required",
        "review_exempt",
        "committee_graduates",
        "committee_recorded",
        "resources_returned",
        "archive_reference",
        "reason_given",
    }
)

#: Names of the effects a transition may apply to the incubatee's file.
EFFECTS: frozenset[str] = frozenset(
    {
        "mark_admitted",
        "mark_accelerated",
        "grant_resource",
        "return_resource",
        "create_archive",
    }
)

#: Keyword arguments every trigger accepts.
COMMON_ARGS: frozenset[str] = frozenset({"actor", "reason", "at"})


@attrs.frozen
class StateSpec:
    """One state of the incubation process.

    Attributes:
        name: Identifier (``"committee_review"``).
        clause: Clause id of T/CATE 0001—2020 the state serves.
        source: Where the state comes from (the clause text, or a comparable standard).
        en: What the state means, in English.
        zh: The same in Chinese.
        final: True for an end of the process (no transition leaves it).
    """

    name: str
    clause: str
    source: str
    en: str
    zh: str
    final: bool = False


@attrs.frozen
class TransitionSpec:
    """One transition: ``trigger`` moves the process from each of ``sources`` to ``dest``.

    Attributes:
        trigger: The trigger's name.
        sources: States it may be fired from.
        dest: The state it leads to; ``None`` for an internal transition (the state stays
            and the audit trail still records it).
        clause: Clause id of T/CATE 0001—2020 the transition serves.
        source: Where the transition comes from.
        guards: Names of guards (see :data:`GUARDS`) that must all pass, in order.
        effects: Names of effects applied to the incubatee's file, in order.
        args: Keyword arguments the trigger accepts beyond ``actor``, ``reason``, ``at``.
    """

    trigger: str
    sources: tuple[str, ...]
    dest: str | None
    clause: str
    source: str
    guards: tuple[str, ...] = ()
    effects: tuple[str, ...] = ()
    args: tuple[str, ...] = ()


@attrs.frozen(eq=False)
class ProcessDefinition:
    """A checked incubation process: states, initial state and transitions (4.3.2).

    Build it with :meth:`build`, which checks it; a malformed definition raises
    :class:`~sep.errors.RuleDefinitionError` naming ``source`` and the key.

    Example:
        >>> d = standard_definition()
        >>> d.initial, d.states[-1].name, len(d.transitions) > 10
        ('applied', 'terminated', True)
        >>> d.triggers_from("committee_review")
        ('issue_certificate', 'issue_non_completion_notice', 'terminate')
    """

    states: tuple[StateSpec, ...]
    initial: str
    transitions: tuple[TransitionSpec, ...]
    source: str = "<builtin>"

    @classmethod
    def build(
        cls,
        states: Iterable[StateSpec],
        initial: str,
        transitions: Iterable[TransitionSpec],
        *,
        source: str = "<mapping>",
    ) -> ProcessDefinition:
        """Check and build a definition.

        Raises:
            RuleDefinitionError: for the first problem found, naming ``source`` and the key.
        """
        if not isinstance(source, str):
            source = "<mapping>"
        parts: list[tuple[Any, ...]] = []
        for key, items in (("states", states), ("transitions", transitions)):
            if isinstance(items, str | bytes | Mapping):
                raise RuleDefinitionError(source, key, N_("must be a list"), clause="4.3.2")
            try:
                parts.append(tuple(items))
            except Exception:
                raise RuleDefinitionError(
                    source, key, N_("must be a list"), clause="4.3.2"
                ) from None
        definition = cls(parts[0], initial, parts[1], source)
        definition._check()
        return definition

    def _err(self, key: str, reason: str) -> RuleDefinitionError:
        return RuleDefinitionError(self.source, key, reason, clause="4.3.2")

    def _check(self) -> None:
        if not isinstance(self.source, str):
            raise RuleDefinitionError("<mapping>", "source", N_("must be text"), clause="4.3.2")
        if not isinstance(self.states, tuple) or not isinstance(self.transitions, tuple):
            raise self._err("states", N_("states and transitions must be tuples (use build())"))
        names: set[str] = set()
        for i, state in enumerate(self.states):
            if not isinstance(state, StateSpec):
                raise self._err(f"states[{i}]", N_("must be a StateSpec"))
            _check_fields(self, f"states[{i}]", state, _STATE_FIELDS)
            if not state.name.isidentifier():
                raise self._err(
                    f"states[{i}].name",
                    R_("{short} is not an identifier", short=_short(state.name)),
                )
            if state.name in names:
                raise self._err(
                    f"states[{i}].name", R_("duplicate state {name!r}", name=state.name)
                )
            names.add(state.name)
        if not self.states:
            raise self._err("states", N_("at least one state is required"))
        if not isinstance(self.initial, str) or self.initial not in names:
            raise self._err("initial", R_("unknown state {short}", short=_short(self.initial)))
        seen: set[tuple[str, str]] = set()
        # Built in one pass so that the checks below stay linear in the definition's size.
        leaving: dict[str, str] = {}
        targets: dict[str, list[str]] = {}
        for i, tr in enumerate(self.transitions):
            key = f"transitions[{i}]"
            if not isinstance(tr, TransitionSpec):
                raise self._err(key, N_("must be a TransitionSpec"))
            _check_fields(self, key, tr, _TRANSITION_FIELDS)
            if not tr.trigger.isidentifier() or tr.trigger.startswith("_"):
                raise self._err(
                    f"{key}.trigger",
                    R_("{short} is not a public identifier", short=_short(tr.trigger)),
                )
            if not tr.sources:
                raise self._err(f"{key}.sources", N_("at least one source state is required"))
            for j, src in enumerate(tr.sources):
                if src not in names:
                    raise self._err(
                        f"{key}.sources[{j}]", R_("unknown state {short}", short=_short(src))
                    )
                # One trigger leaves a state at most once unless guards choose between ways.
                if (tr.trigger, src) in seen and not tr.guards:
                    raise self._err(
                        f"{key}.sources[{j}]",
                        R_(
                            "{trigger!r} from {src!r} is defined twice without a guard",
                            trigger=tr.trigger,
                            src=src,
                        ),
                    )
                seen.add((tr.trigger, src))
                leaving.setdefault(src, tr.trigger)
                if tr.dest is not None:
                    targets.setdefault(src, []).append(tr.dest)
            if tr.dest is not None and tr.dest not in names:
                raise self._err(f"{key}.dest", R_("unknown state {short}", short=_short(tr.dest)))
            for j, guard in enumerate(tr.guards):
                if guard not in GUARDS:
                    raise self._err(
                        f"{key}.guards[{j}]", R_("unknown guard {short}", short=_short(guard))
                    )
            for j, effect in enumerate(tr.effects):
                if effect not in EFFECTS:
                    raise self._err(
                        f"{key}.effects[{j}]", R_("unknown effect {short}", short=_short(effect))
                    )
            for j, arg in enumerate(tr.args):
                if not arg.isidentifier() or arg in COMMON_ARGS:
                    raise self._err(
                        f"{key}.args[{j}]",
                        R_("{short} cannot be a trigger argument", short=_short(arg)),
                    )
        for state in self.states:
            if state.final and state.name in leaving:
                raise self._err(
                    f"states.{state.name}.final",
                    R_(
                        "a final state cannot be left (by {leaving!r})", leaving=leaving[state.name]
                    ),
                )
            if not state.final and state.name not in leaving:
                raise self._err(f"states.{state.name}", N_("is not final yet nothing leaves it"))
        reached = {self.initial}
        frontier = [self.initial]
        while frontier:
            for dest in targets.get(frontier.pop(), ()):
                if dest not in reached:
                    reached.add(dest)
                    frontier.append(dest)
        for state in self.states:
            if state.name not in reached:
                raise self._err(
                    f"states.{state.name}",
                    R_("cannot be reached from {initial!r}", initial=self.initial),
                )

    # -- queries -------------------------------------------------------------------------

    @property
    def state_names(self) -> tuple[str, ...]:
        """Names of the declared states, in declaration order."""
        return tuple(s.name for s in self.states)

    @property
    def triggers(self) -> tuple[str, ...]:
        """Names of the triggers, in declaration order, each once."""
        return tuple(dict.fromkeys(t.trigger for t in self.transitions))

    def state(self, name: str) -> StateSpec:
        """The :class:`StateSpec` called ``name`` (``KeyError`` if undeclared)."""
        for state in self.states:
            if state.name == name:
                return state
        raise KeyError(name)

    def triggers_from(self, state: str) -> tuple[str, ...]:
        """Triggers that may be fired from ``state`` (guards permitting), sorted."""
        return tuple(sorted({t.trigger for t in self.transitions if state in t.sources}))

    def args_of(self, trigger: str) -> frozenset[str]:
        """Keyword arguments ``trigger`` accepts (``actor``, ``reason``, ``at`` and its own)."""
        out = set(COMMON_ARGS)
        for tr in self.transitions:
            if tr.trigger == trigger:
                out.update(tr.args)
        return frozenset(out)

    # -- export ----------------------------------------------------------------------------

    def to_mermaid(self) -> str:
        """The process as a Mermaid ``stateDiagram-v2`` (internal transitions as notes).

        Example:
            >>> text = standard_definition().to_mermaid()
            >>> text.splitlines()[0], "    [*] --> applied" in text
            ('stateDiagram-v2', True)
            >>> "    committee_review --> certified: issue_certificate" in text
            True
        """
        lines = ["stateDiagram-v2"]
        for state in self.states:
            lines.append(f'    state "{state.name} ({state.clause})" as {state.name}')
        lines.append(f"    [*] --> {self.initial}")
        for src, dest, label in self._edges():
            lines.append(f"    {src} --> {dest}: {label}")
        for state in self.states:
            if state.final:
                lines.append(f"    {state.name} --> [*]")
        for name, triggers in self._internal().items():
            lines.append(f"    note right of {name}: {', '.join(triggers)}")
        return "\n".join(lines) + "\n"

    def to_dot(self) -> str:
        """The process as Graphviz DOT text (rendering it needs Graphviz; writing it does not).

        Example:
            >>> dot = standard_definition().to_dot()
            >>> dot.startswith("digraph incubation {"), '"attested" -> "graduated"' in dot
            (True, True)
        """
        lines = ["digraph incubation {", "    rankdir=LR;", "    node [shape=box, style=rounded];"]
        lines.append('    "__start" [shape=point];')
        for state in self.states:
            shape = ", peripheries=2" if state.final else ""
            lines.append(f'    "{state.name}" [label="{state.name}\\n{state.clause}"{shape}];')
        lines.append(f'    "__start" -> "{self.initial}";')
        for src, dest, label in self._edges():
            lines.append(f'    "{src}" -> "{dest}" [label="{label}"];')
        for name, triggers in self._internal().items():
            lines.append(f'    "{name}" -> "{name}" [label="{", ".join(triggers)}", style=dashed];')
        lines.append("}")
        return "\n".join(lines) + "\n"

    def _edges(self) -> list[tuple[str, str, str]]:
        edges: dict[tuple[str, str], list[str]] = {}
        for tr in self.transitions:
            if tr.dest is None:
                continue
            for src in tr.sources:
                labels = edges.setdefault((src, tr.dest), [])
                if tr.trigger not in labels:
                    labels.append(tr.trigger)
        return [(s, d, ", ".join(labels)) for (s, d), labels in edges.items()]

    def _internal(self) -> dict[str, list[str]]:
        out: dict[str, list[str]] = {}
        for tr in self.transitions:
            if tr.dest is None:
                for src in tr.sources:
                    out.setdefault(src, []).append(tr.trigger)
        return out

    def to_dict(self) -> dict[str, Any]:
        """JSON-able form of the definition (states, initial state, transitions)."""
        return {
            "source": self.source,
            "initial": self.initial,
            "states": [attrs.asdict(s) for s in self.states],
            "transitions": [
                {k: list(v) if isinstance(v, tuple) else v for k, v in attrs.asdict(t).items()}
                for t in self.transitions
            ],
        }


def _short(value: Any) -> str:
    """``repr`` of a value from a definition, bounded, for an error message."""
    try:
        text = repr(value)
    except Exception:
        text = f"<{type(value).__name__}>"
    return text if len(text) <= 80 else f"{text[:77]}..."


#: Fields of each spec and what they must hold: text, optional text, a tuple of texts, a flag.
_STATE_FIELDS = (
    ("name", "text"),
    ("clause", "text"),
    ("source", "text"),
    ("en", "text"),
    ("zh", "text"),
    ("final", "flag"),
)
_TRANSITION_FIELDS = (
    ("trigger", "text"),
    ("sources", "texts"),
    ("dest", "text?"),
    ("clause", "text"),
    ("source", "text"),
    ("guards", "texts"),
    ("effects", "texts"),
    ("args", "texts"),
)
_KIND_READS = {
    "text": "must be text",
    "text?": "must be text or None",
    "texts": "must be a tuple of texts",
    "flag": "must be true or false",
}


def _check_fields(
    definition: ProcessDefinition, key: str, spec: Any, fields: tuple[tuple[str, str], ...]
) -> None:
    # StateSpec and TransitionSpec are plain frozen records; their fields are checked here,
    # where a definition is built, so the machine only ever sees names it can use.
    for name, kind in fields:
        value = getattr(spec, name)
        if kind == "text":
            ok = isinstance(value, str) and bool(value)
        elif kind == "text?":
            ok = value is None or (isinstance(value, str) and bool(value))
        elif kind == "texts":
            ok = isinstance(value, tuple) and all(isinstance(v, str) for v in value)
        else:
            ok = isinstance(value, bool)
        if not ok:
            raise definition._err(
                f"{key}.{name}",
                R_("{kind_reads}, not {short}", kind_reads=_KIND_READS[kind], short=_short(value)),
            )


_GBT = "GB/T 39668—2020"
_DB51 = "DB51/T 2698—2020"
_TCATE = "T/CATE 0001—2020"

_ACTIVE = ("admitted", "incubating", "accelerating")
_SERVED = ("incubating", "accelerating")


def _states() -> tuple[StateSpec, ...]:
    return (
        StateSpec(
            "applied",
            "4.3.2",
            f"{_TCATE} 4.3.2 'from enterprise recruitment'; {_DB51} 6.1 企业入孵",
            "Recruited: the application is on file.",
            "招募/申请：已受理入孵申请",
        ),
        StateSpec(
            "screening",
            "4.3.3",
            f"{_TCATE} 4.3.3 project screening norm; {_GBT} 'assessed and screened'",
            "Reviewers score the project on the platform's rubric.",
            "项目筛选：评审专家按评分表打分",
        ),
        StateSpec(
            "admitted",
            "4.3.3",
            f"{_TCATE} 4.3.3 project admission norm; {_GBT} 'signs an incubation agreement'",
            "Passed screening; incubation agreement signed; resources may be granted.",
            "入驻：筛选通过，签订入孵协议，配置平台资源",
        ),
        StateSpec(
            "incubating",
            "4.3.2",
            f"{_TCATE} 4.3.2, 4.3.3 in-incubation management; {_DB51} 6.2 企业孵化",
            "Served by the platform within the agreed term.",
            "在孵：在约定期限内接受平台服务",
        ),
        StateSpec(
            "accelerating",
            "C",
            f"{_TCATE} Annex C accelerator (343 of 4,000+ projects); 4.3.2",
            "Admitted to the platform's accelerator.",
            "加速：进入加速器",
        ),
        StateSpec(
            "committee_review",
            "4.3.6",
            f"{_TCATE} 4.3.6 step 1 组织平台专家委员会评审",
            "The expert committee reviews whether the 4.3.5 criteria are met.",
            "毕业评审：平台专家委员会评审是否达到毕业标准",
        ),
        StateSpec(
            "certified",
            "4.3.6",
            f"{_TCATE} 4.3.6 step 2 发出毕业证书; step 3 办理毕业手续",
            "Graduation certificate issued; formalities (return of resources) under way.",
            "已发毕业证书：办理毕业手续，退还平台资源",
        ),
        StateSpec(
            "formalities_completed",
            "4.3.6",
            f"{_TCATE} 4.3.6 step 3 退还平台资源（根据事先约定）",
            "Every platform resource returned as agreed beforehand.",
            "毕业手续办结：平台资源已按约定退还",
        ),
        StateSpec(
            "attested",
            "4.3.6",
            f"{_TCATE} 4.3.6 step 4 出具毕业证明",
            "Graduation attestation issued.",
            "已出具毕业证明",
        ),
        StateSpec(
            "graduated",
            "4.3.6",
            f"{_TCATE} 4.3.6 step 5 建立毕业企业档案; {_GBT} 毕业企业",
            "Graduate archive created: the incubatee has graduated.",
            "已毕业：毕业企业档案已建立",
        ),
        StateSpec(
            "tracking",
            "4.3.2",
            f"{_TCATE} 4.3.2 'to post-graduation tracking service'; {_DB51} 6.5 企业跟踪",
            "Post-graduation tracking service.",
            "毕业后跟踪服务",
        ),
        StateSpec(
            "rejected",
            "4.3.3",
            f"{_TCATE} 4.3.3 project screening; {_GBT} entry conditions not met",
            "Not admitted at screening.",
            "筛选未通过",
            final=True,
        ),
        StateSpec(
            "non_completed",
            "4.3.6",
            f"{_TCATE} 4.3.6 step 2 肄业通知书",
            "Non-completion notice issued: incubation ended without graduation.",
            "肄业：已发肄业通知书",
            final=True,
        ),
        StateSpec(
            "withdrawn",
            "4.3.2",
            f"{_DB51} 6.3 企业退出 (at the enterprise's request)",
            "The applicant or incubatee left of its own accord.",
            "主动退出",
            final=True,
        ),
        StateSpec(
            "terminated",
            "4.3.2",
            f"{_DB51} 6.3 企业退出 (by the platform); {_GBT} 'within a set term'",
            "The platform ended the incubation (term expired, agreement breached).",
            "终止孵化（期满或违约）",
            final=True,
        ),
    )


def _transitions() -> tuple[TransitionSpec, ...]:
    step = f"{_TCATE} 4.3.6 step"
    return (
        TransitionSpec(
            "start_screening", ("applied",), "screening", "4.3.3", f"{_TCATE} 4.3.3; {_GBT}"
        ),
        TransitionSpec(
            "admit",
            ("screening",),
            "admitted",
            "4.3.3",
            f"{_TCATE} 4.3.3 project admission; {_GBT} incubation agreement",
            guards=("screening_passed", "agreement_recorded"),
            args=("decision", "agreement"),
        ),
        TransitionSpec(
            "reject",
            ("screening",),
            "rejected",
            "4.3.3",
            f"{_TCATE} 4.3.3 project screening",
            guards=("rejection_justified",),
            args=("decision",),
        ),
        TransitionSpec(
            "grant_resource",
            _ACTIVE,
            None,
            "4.3.6",
            f"{_TCATE} 4.3.6 step 3 (resources granted under the agreement)",
            guards=("resource_grantable",),
            effects=("grant_resource",),
            args=("resource",),
        ),
        TransitionSpec(
            "start_incubation",
            ("admitted",),
            "incubating",
            "4.3.2",
            f"{_DB51} 6.2 企业孵化; {_GBT}",
            effects=("mark_admitted",),
        ),
        TransitionSpec(
            "accelerate",
            ("incubating",),
            "accelerating",
            "C",
            f"{_TCATE} Annex C accelerator",
            effects=("mark_accelerated",),
        ),
        TransitionSpec(
            "return_resource",
            (*_SERVED, "certified"),
            None,
            "4.3.6",
            f"{step} 3 退还平台资源",
            guards=("resource_held",),
            effects=("return_resource",),
            args=("resource_id", "on"),
        ),
        TransitionSpec(
            "refer_to_committee",
            _SERVED,
            "committee_review",
            "4.3.6",
            f"{step} 1 组织平台专家委员会评审",
            guards=("review_required",),
            args=("decision",),
        ),
        TransitionSpec(
            "issue_certificate",
            _SERVED,
            "certified",
            "4.3.6",
            f"{step} 1 (内部并购及上市无此流程) and step 2 毕业证书",
            guards=("review_exempt",),
            args=("decision", "reference"),
        ),
        TransitionSpec(
            "issue_certificate",
            ("committee_review",),
            "certified",
            "4.3.6",
            f"{step} 2 根据评审结果发出毕业证书",
            guards=("committee_graduates",),
            args=("committee", "reference"),
        ),
        TransitionSpec(
            "issue_non_completion_notice",
            ("committee_review",),
            "non_completed",
            "4.3.6",
            f"{step} 2 根据评审结果发出肄业通知书",
            guards=("committee_recorded",),
            args=("committee", "reference"),
        ),
        TransitionSpec(
            "complete_formalities",
            ("certified",),
            "formalities_completed",
            "4.3.6",
            f"{step} 3 办理毕业手续",
            guards=("resources_returned",),
        ),
        TransitionSpec(
            "issue_attestation",
            ("formalities_completed",),
            "attested",
            "4.3.6",
            f"{step} 4 出具毕业证明",
            args=("reference",),
        ),
        TransitionSpec(
            "create_archive",
            ("attested",),
            "graduated",
            "4.3.6",
            f"{step} 5 建立毕业企业档案",
            guards=("archive_reference",),
            effects=("create_archive",),
            args=("reference", "documents"),
        ),
        TransitionSpec(
            "start_tracking",
            ("graduated",),
            "tracking",
            "4.3.2",
            f"{_TCATE} 4.3.2; {_DB51} 6.5 企业跟踪",
        ),
        TransitionSpec(
            "record_follow_up",
            ("tracking",),
            None,
            "4.3.2",
            f"{_TCATE} 4.3.2 post-graduation tracking service",
            guards=("reason_given",),
        ),
        TransitionSpec(
            "withdraw",
            ("applied", "screening", *_ACTIVE),
            "withdrawn",
            "4.3.2",
            f"{_DB51} 6.3 企业退出",
        ),
        TransitionSpec(
            "terminate",
            (*_ACTIVE, "committee_review"),
            "terminated",
            "4.3.2",
            f"{_DB51} 6.3 企业退出; {_GBT} 'within a set term'",
            guards=("reason_given",),
        ),
    )


def standard_definition() -> ProcessDefinition:
    """The incubation process of T/CATE 0001—2020 4.3.2 with the 4.3.6 procedure, checked.

    Example:
        >>> d = standard_definition()
        >>> [s.name for s in d.states if s.final]
        ['rejected', 'non_completed', 'withdrawn', 'terminated']
        >>> d.state("committee_review").clause
        '4.3.6'
    """
    return ProcessDefinition.build(_states(), "applied", _transitions(), source="<builtin>")


def definition_from_mapping(
    data: Mapping[str, Any], *, source: str = "<mapping>"
) -> ProcessDefinition:
    """Build a :class:`ProcessDefinition` from plain data (as :meth:`to_dict` writes it).

    Raises:
        RuleDefinitionError: for anything but a mapping of that shape, naming the key.
    """
    if not isinstance(data, Mapping):
        raise RuleDefinitionError(source, "", N_("must be a mapping"), clause="4.3.2")
    for key in ("states", "initial", "transitions"):
        if key not in data:
            raise RuleDefinitionError(source, key, N_("is required"), clause="4.3.2")
    specs: dict[str, list[Any]] = {}
    spec_types: tuple[tuple[str, Any], ...] = (
        ("states", StateSpec),
        ("transitions", TransitionSpec),
    )
    for key, cls in spec_types:
        items = data[key]
        if not isinstance(items, list | tuple):
            raise RuleDefinitionError(source, key, N_("must be a list"), clause="4.3.2")
        names = {a.name for a in attrs.fields(cls)}
        specs[key] = []
        for i, item in enumerate(items):
            if not isinstance(item, Mapping):
                raise RuleDefinitionError(
                    source, f"{key}[{i}]", N_("must be a mapping"), clause="4.3.2"
                )
            unknown = [k for k in item if k not in names]
            if unknown:
                raise RuleDefinitionError(
                    source, f"{key}[{i}].{_short(unknown[0])}", N_("is not a field"), clause="4.3.2"
                )
            fields: dict[str, Any] = {
                k: tuple(v) if isinstance(v, list) else v for k, v in item.items()
            }
            try:
                specs[key].append(cls(**fields))
            except TypeError as err:
                raise RuleDefinitionError(
                    source, f"{key}[{i}]", R_("malformed: {err}", err=err), clause="4.3.2"
                ) from None
    return ProcessDefinition.build(
        specs["states"], data["initial"], specs["transitions"], source=source
    )
