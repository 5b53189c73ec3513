"""Rules as data: the parsed, checked form of a rule pack (4.2.1, 4.3.5, 4.3.7 and others).

A :class:`RulePack` is what a TOML or YAML pack file becomes after loading: declared inputs,
effective-dated parameters and criteria whose conditions are trees of :class:`All`,
:class:`AnyOf`, :class:`Not` and :class:`Leaf`. Every leaf has the form
*(input, op, parameter-or-constant)*, optionally measured over a period series, so other
engines (a streaming or a column-wise one) can compile the same tree.

Nothing here evaluates anything: see :mod:`sep.evaluation._engine`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from decimal import Decimal
from typing import Any, Literal, TypeAlias

import attrs

from sep._i18n import N_
from sep._reason import R_

__all__ = [
    "OPS",
    "All",
    "AnyOf",
    "Condition",
    "Criterion",
    "InputSpec",
    "Leaf",
    "Not",
    "ParameterSpec",
    "ParameterValue",
    "RulePack",
]

InputType: TypeAlias = Literal["bool", "money", "number", "enum", "series"]
ParamType: TypeAlias = Literal["money", "number", "integer"]
Measure: TypeAlias = Literal["value", "each_of_last", "min_to_mean_of_last", "max_window_sum"]
PeriodKind: TypeAlias = Literal["any", "year", "quarter"]

#: Comparison operators a leaf may use.
OPS = ("==", "!=", "<", "<=", ">", ">=")


@attrs.frozen
class InputSpec:
    """A named input a pack's conditions read.

    Attributes:
        name: The key callers send (``"revenue"``).
        type: ``bool``, ``money`` (CNY), ``number``, ``enum`` (a string from ``values``) or
            ``series`` (money per period, e.g. ``{"2025Q1": "100000"}``).
        clause: The clause whose data it is.
        en: Short English label.
        zh: Short Chinese label.
        unit: Unit shown with values (``CNY``, ``points``, ``""``).
        values: Allowed strings of an ``enum`` input.
        unknown: Strings that mean "not known" (treated as missing, never as a value).
        minimum: Lowest allowed value of a ``number`` input.
        maximum: Highest allowed value of a ``number`` input.
        period: The periods a ``series`` input holds: ``year`` (calendar years only, e.g.
            第九条(十)3's 连续2年营业收入), ``quarter`` (quarters only) or ``any`` (years or
            quarters, one kind per series). A label of the other kind is refused.
    """

    name: str
    type: InputType
    clause: str
    en: str
    zh: str
    unit: str = ""
    values: tuple[str, ...] = ()
    unknown: tuple[str, ...] = ()
    minimum: Decimal | None = None
    maximum: Decimal | None = None
    period: PeriodKind = "any"


@attrs.frozen
class ParameterValue:
    """One value of a parameter, in force from ``since`` until the next value's ``since``.

    Attributes:
        since: First day the value applies.
        value: The value (:class:`~decimal.Decimal` for money and numbers, ``int`` counts).
        source: Where the value comes from (document, platform decision, or sep default).
    """

    since: dt.date
    value: Decimal | int
    source: str


@attrs.frozen
class ParameterSpec:
    """A threshold the rules refer to by name, with its values over time.

    Attributes:
        name: The name conditions use (``"revenue_min"``).
        type: ``money``, ``number`` or ``integer``.
        en: Short English label.
        zh: Short Chinese label.
        unit: Unit shown with the value.
        values: The effective-dated values, oldest first.
        doc: Why this default and who should set it.
    """

    name: str
    type: ParamType
    en: str
    zh: str
    unit: str
    values: tuple[ParameterValue, ...]
    doc: str = ""

    def value_on(self, on: dt.date) -> ParameterValue | None:
        """The value in force on ``on`` (``None`` before the first one).

        Example:
            >>> from decimal import Decimal
            >>> p = ParameterSpec("x", "money", "x", "x", "CNY", (
            ...     ParameterValue(dt.date(2020, 1, 1), Decimal(1), "a"),
            ...     ParameterValue(dt.date(2025, 1, 1), Decimal(2), "b")))
            >>> p.value_on(dt.date(2024, 12, 31)).value, p.value_on(dt.date(2025, 1, 1)).value
            (Decimal('1'), Decimal('2'))
        """
        found: ParameterValue | None = None
        for value in self.values:
            if value.since <= on:
                found = value
        return found

    def to_dict(self, on: dt.date) -> dict[str, Any]:
        """The parameter as JSON: every dated value with its source, and the value on ``on``.

        What ``sep parameters PACK --format json`` and the service's ``/v1/parameters``
        list, one entry per parameter; amounts are decimal strings.

        Example:
            >>> from decimal import Decimal
            >>> p = ParameterSpec("x", "money", "x", "x", "CNY", (
            ...     ParameterValue(dt.date(2020, 1, 1), Decimal(1), "a"),))
            >>> d = p.to_dict(dt.date(2019, 1, 1))
            >>> d["values"], d["value_on"]
            ([{'since': '2020-01-01', 'value': '1', 'source': 'a'}], None)
        """
        current = self.value_on(on)
        return {
            "name": self.name,
            "type": self.type,
            "unit": self.unit,
            "en": self.en,
            "zh": self.zh,
            "doc": self.doc,
            "values": [
                {"since": v.since.isoformat(), "value": str(v.value), "source": v.source}
                for v in self.values
            ],
            "value_on": None if current is None else str(current.value),
        }


@attrs.frozen
class Leaf:
    """A predicate ``measure(input) op threshold``.

    Example:
        >>> from sep.evaluation import builtin_pack, GRADUATION
        >>> leaf = builtin_pack(GRADUATION).criterion("4.3.5(c).revenue").condition
        >>> leaf.input, leaf.op, leaf.param, leaf.measure
        ('revenue', '>=', 'revenue_min', 'value')

    Attributes:
        input: Name of the input read.
        op: One of ``==``, ``!=``, ``<``, ``<=``, ``>``, ``>=``.
        param: Parameter name of the threshold, or ``None`` when ``value`` is a constant.
        value: The constant threshold when ``param`` is ``None`` (bool, str, Decimal).
        measure: ``value`` (the input itself) or, for a series: ``each_of_last`` (every one
            of the last ``periods`` periods), ``min_to_mean_of_last`` (lowest of the last
            ``periods`` divided by their mean), ``max_window_sum`` (the best sum over
            ``periods`` consecutive periods).
        periods: Window length: a parameter name or a constant count.
        key: Where in its file the leaf was declared (for error messages).
    """

    input: str
    op: str
    param: str | None = None
    value: Any = None
    measure: Measure = "value"
    periods: str | int | None = None
    key: str = attrs.field(default="", eq=False)


@attrs.frozen
class All:
    """Kleene conjunction of its items."""

    items: tuple[Condition, ...]


@attrs.frozen
class AnyOf:
    """Kleene disjunction of its items."""

    items: tuple[Condition, ...]


@attrs.frozen
class Not:
    """Kleene negation of its item."""

    item: Condition


Condition: TypeAlias = Leaf | All | AnyOf | Not


@attrs.frozen
class Criterion:
    """One criterion: a clause's requirement, decided by a condition or by its children.

    Example:
        >>> from sep.evaluation import builtin_pack, GRADUATION
        >>> [c.id for c in builtin_pack(GRADUATION).criterion("4.3.5(b)").walk()]
        ['4.3.5(b)', '4.3.5(b).listing', '4.3.5(b).financing']

    Attributes:
        id: Unique id within the pack (``"4.3.5(c).revenue"``).
        clause: Clause id in the pack's document (``"4.3.5(c)"``).
        en: Short English text.
        zh: Short Chinese text.
        condition: The condition when the criterion is a leaf of the criteria tree.
        combine: ``all`` or ``any`` over ``children`` when it has children.
        children: Sub-criteria, in file order.
    """

    id: str
    clause: str
    en: str
    zh: str
    condition: Condition | None = None
    combine: Literal["all", "any"] = "all"
    children: tuple[Criterion, ...] = ()

    def walk(self) -> tuple[Criterion, ...]:
        """This criterion and all its descendants, depth first."""
        out: list[Criterion] = [self]
        for child in self.children:
            out.extend(child.walk())
        return tuple(out)


@attrs.frozen
class RulePack:
    """A checked rule pack: the question it answers and how.

    Example:
        >>> from sep.evaluation import builtin_pack, ELIGIBILITY
        >>> pack = builtin_pack(ELIGIBILITY)
        >>> pack.combine, [c.id for c in pack.criteria]
        ('all', ['3.1', '4.2.1(1)', '4.2.1(2)', '4.2.1(3)', '4.2.1(4)'])
        >>> [c.id for c in pack.criterion("3.1").children][:2]
        ['3.1.size', '3.1.focus']

    Attributes:
        id: Pack id (``"t-cate-0001-2020/graduation"``).
        version: Version of the pack's rules.
        question: ``graduation``, ``eligibility``, ``evaluation`` or another word.
        document: The document its clause ids belong to.
        edition: The edition of that document.
        clause: The clause the pack as a whole answers.
        en: Title in English.
        zh: Title in Chinese.
        combine: ``all`` or ``any`` over the top-level criteria.
        inputs: Declared inputs by name.
        parameters: Declared parameters by name.
        criteria: Top-level criteria.
        source: The file it was loaded from (or ``"<builtin>"``/``"<mapping>"``).
        definition: The parsed definition, JSON-able, that the decision digest covers.
    """

    id: str
    version: str
    question: str
    document: str
    edition: str
    clause: str
    en: str
    zh: str
    combine: Literal["all", "any"]
    inputs: Mapping[str, InputSpec]
    parameters: Mapping[str, ParameterSpec]
    criteria: tuple[Criterion, ...]
    source: str = attrs.field(eq=False)
    definition: Mapping[str, Any] = attrs.field(eq=False, repr=False)
    # The engine's compiled state of this pack (see sep.evaluation._engine._runtime).
    _runtime: Any = attrs.field(default=None, init=False, eq=False, repr=False)

    def __attrs_post_init__(self) -> None:
        # The loader checks all of this with file keys; a pack built in Python is held to
        # the same shape: an empty pack would answer MET (all) or NOT_MET (any) for any input.
        from sep._limits import MAX_DEPTH
        from sep.errors import RuleDefinitionError

        if not self.criteria:
            raise RuleDefinitionError(
                self.source, "criteria", N_("a pack needs at least one criterion")
            )
        seen: set[str] = set()
        stack = [(c, 0) for c in self.criteria]
        while stack:
            node, depth = stack.pop()
            if node.id in seen:
                raise RuleDefinitionError(
                    self.source, "criteria", R_("duplicate id {node!r}", node=node.id)
                )
            seen.add(node.id)
            if (node.condition is None) == (not node.children):
                raise RuleDefinitionError(
                    self.source,
                    node.id,
                    N_("a criterion has a condition or children (one of them)"),
                )
            if depth >= MAX_DEPTH:
                raise RuleDefinitionError(
                    self.source,
                    node.id,
                    R_(
                        "criteria are nested more than {max_depth} levels deep", max_depth=MAX_DEPTH
                    ),
                )
            stack.extend((c, depth + 1) for c in node.children)

    def summary(self) -> dict[str, Any]:
        """What the pack is, as JSON: its identity and titles, and the names of its inputs,
        parameters and criteria (every level), as ``/v1/packs`` and ``sep packs`` list it.

        Example:
            >>> from sep.evaluation import builtin_pack, GRADUATION
            >>> info = builtin_pack(GRADUATION).summary()
            >>> info["id"], info["clause"], info["criteria"][:2]
            ('t-cate-0001-2020/graduation', '4.3.5', ['4.3.5(a)', '4.3.5(b)'])
        """
        return {
            "id": self.id,
            "version": self.version,
            "question": self.question,
            "document": self.document,
            "edition": self.edition,
            "clause": self.clause,
            "en": self.en,
            "zh": self.zh,
            "inputs": sorted(self.inputs),
            "parameters": sorted(self.parameters),
            "criteria": [c.id for top in self.criteria for c in top.walk()],
        }

    def criterion(self, criterion_id: str) -> Criterion | None:
        """The criterion with id ``criterion_id`` anywhere in the tree, or ``None``."""
        for top in self.criteria:
            for node in top.walk():
                if node.id == criterion_id:
                    return node
        return None
