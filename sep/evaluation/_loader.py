"""Loading rule packs and parameter files from TOML or YAML: parsed, never executed.

Serves every clause a pack cites (3.1 and 4.2.1 eligibility, 4.3.5 graduation, 4.3.7-b
evaluation): a pack file is checked completely when it is loaded — unknown input or
parameter, type mismatch, duplicate id, clause id not in the document, missing key, bad
syntax — and each problem is a :class:`~sep.errors.RuleDefinitionError` naming the file and
the key, so a platform operator can fix a pack without reading Python.

Pack file format (TOML shown; YAML has the same structure)::

    [pack]
    id = "my-platform/graduation"       # unique id, recorded in every decision
    version = "2026.1"                  # version of these rules
    question = "graduation"             # what is asked
    document = "T/CATE 0001—2020"       # the document the clause ids belong to
    clause = "4.3.5"                    # the clause the pack as a whole answers
    combine = "any"                     # top-level criteria: "all" or "any"
    en = "Graduation"                   # titles
    zh = "毕业"
    # clauses = ["..."]                 # required when document is not T/CATE 0001—2020

    [inputs.revenue]                    # every input a condition reads
    type = "money"                      # bool | money | number | enum | series
    clause = "4.3.5(c)"
    en = "revenue"
    zh = "营业额"
    # values = [...], unknown = [...]   # enum: allowed words, words meaning "not known"
    # minimum = 0, maximum = 100        # number: allowed range; money, series: minimum only
    # period = "year"                   # series: "year", "quarter" or "any" (the default)

    [parameters.revenue_min]            # every threshold, by name, with dated values
    type = "money"                      # money | number | integer
    en = "sufficient revenue"
    zh = "足够规模的营业额"
    values = [{ since = 2020-09-05, value = "10000000", source = "where it comes from" }]

    [[criteria]]
    id = "4.3.5(c)"                     # unique
    clause = "4.3.5(c)"                 # must be a clause id of the document
    combine = "all"                     # over its children (criteria naming it as parent)
    en = "..."
    zh = "..."

    [[criteria]]
    id = "4.3.5(c).revenue"
    parent = "4.3.5(c)"
    clause = "4.3.5(c)"
    en = "..."
    zh = "..."
    condition = { input = "revenue", op = ">=", param = "revenue_min" }

A condition is a leaf ``{input, op, param | value}`` (op: ``== != < <= > >=``), or
``{all = [...]}``, ``{any = [...]}``, ``{not = {...}}``. A series input is measured over
periods: ``measure = "each_of_last" | "min_to_mean_of_last" | "max_window_sum"`` with
``periods`` (an integer parameter name or a count).
"""

from __future__ import annotations

import datetime as dt
import re
import tomllib
from collections.abc import Mapping, Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any, cast

from sep.domain._fields import to_decimal
from sep.errors import EngineUnavailableError, RuleDefinitionError, ValidationError
from sep.evaluation._clauses import TCATE_CLAUSES, TCATE_DOCUMENT
from sep.evaluation._spec import (
    OPS,
    All,
    AnyOf,
    Condition,
    Criterion,
    InputSpec,
    Leaf,
    Not,
    ParameterSpec,
    ParameterValue,
    RulePack,
)

__all__ = ["load_pack", "load_parameters", "pack_from_mapping", "read_definition"]

_INPUT_TYPES = ("bool", "money", "number", "enum", "series")
_PARAM_TYPES = ("money", "number", "integer")
_MEASURES = ("value", "each_of_last", "min_to_mean_of_last", "max_window_sum")
_PERIOD_KINDS = ("any", "year", "quarter")


def read_definition(path: str | Path) -> dict[str, Any]:
    """Parse a ``.toml``, ``.yaml`` or ``.yml`` file into a mapping (no code is run)."""
    source = str(path)
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as err:
        raise RuleDefinitionError(source, "", f"cannot read the file: {err.strerror}") from None
    suffix = Path(path).suffix.lower()
    if suffix == ".toml":
        try:
            return tomllib.loads(text)
        except tomllib.TOMLDecodeError as err:
            raise RuleDefinitionError(source, "", f"not valid TOML: {err}") from None
    if suffix in (".yaml", ".yml"):
        try:
            import yaml
        except ImportError:  # pragma: no cover - depends on the environment
            raise EngineUnavailableError(
                "PyYAML", "YAML rule files need it", "pip install pyyaml, or write TOML"
            ) from None
        try:
            data = yaml.load(text, Loader=_yaml_loader(yaml))
        except yaml.YAMLError as err:
            raise RuleDefinitionError(source, "", f"not valid YAML: {err}") from None
        if not isinstance(data, dict):
            raise RuleDefinitionError(source, "", "the top level must be a mapping")
        return cast(dict[str, Any], data)
    raise RuleDefinitionError(source, "", "use a .toml, .yaml or .yml file")


def _yaml_loader(yaml: Any) -> Any:
    """A SafeLoader reading only true/false as booleans (YAML 1.2).

    YAML 1.1 reads ``on``, ``off``, ``yes``, ``no`` as booleans: a key ``on:`` (the
    decision date of a case file) would silently become ``True``.
    """
    global _YAML_LOADER
    if _YAML_LOADER is None:
        bool_tag = "tag:yaml.org,2002:bool"

        class Loader(yaml.SafeLoader):  # type: ignore[misc]
            pass

        Loader.yaml_implicit_resolvers = {
            first: [(tag, rx) for tag, rx in resolvers if tag != bool_tag]
            for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
        }
        Loader.add_implicit_resolver(
            bool_tag, re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
        )
        _YAML_LOADER = Loader
    return _YAML_LOADER


_YAML_LOADER: Any = None


def load_pack(path: str | Path) -> RulePack:
    """Load and check a rule pack file.

    Args:
        path: A ``.toml`` or ``.yaml`` pack file.

    Returns:
        The checked :class:`RulePack`.

    Raises:
        RuleDefinitionError: naming the file and key of the first problem found.

    Example:
        >>> from importlib.resources import files
        >>> pack = load_pack(files("sep.evaluation") / "packs" / "graduation.toml")
        >>> pack.id, [c.id for c in pack.criteria]
        ('t-cate-0001-2020/graduation', ['4.3.5(a)', '4.3.5(b)', '4.3.5(c)', '4.3.5(d)'])
    """
    return pack_from_mapping(read_definition(path), source=str(path))


def load_parameters(path: str | Path) -> dict[str, tuple[ParameterValue, ...]]:
    """Load a platform's parameter file: ``[parameters.NAME]`` tables with ``values``.

    The result is what ``params=`` of the ``check_*`` functions accepts: each name maps
    to its effective-dated values. Names and types are checked against a pack when used.

    Example:
        >>> import tempfile, os
        >>> d = tempfile.mkdtemp(); p = os.path.join(d, "platform.toml")
        >>> _ = open(p, "w").write('''[parameters.revenue_min]
        ... values = [{since = 2026-01-01, value = "20000000", source = "Board 2025-12"}]
        ... ''')
        >>> load_parameters(p)["revenue_min"][0].value
        Decimal('20000000')
    """
    source = str(path)
    data = read_definition(path)
    section = data.get("parameters")
    if not isinstance(section, dict):
        raise RuleDefinitionError(source, "parameters", "a [parameters.NAME] table is required")
    out: dict[str, tuple[ParameterValue, ...]] = {}
    for name, body in section.items():
        key = f"parameters.{name}"
        if not isinstance(body, dict):
            raise RuleDefinitionError(source, key, "must be a table")
        ptype = body.get("type", "number")
        out[name] = _parameter_values(source, key, body, "number" if ptype == "money" else ptype)
    return out


# ---------------------------------------------------------------------------------------


class _Ctx:
    """Where we are in the file, for error messages."""

    def __init__(self, source: str) -> None:
        self.source = source

    def err(self, key: str, reason: str, clause: str | None = None) -> RuleDefinitionError:
        return RuleDefinitionError(self.source, key, reason, clause=clause)

    def table(self, data: Mapping[str, Any], key: str, name: str) -> Mapping[str, Any]:
        value = data.get(name)
        if value is None:
            raise self.err(_join(key, name), "is required")
        if not isinstance(value, Mapping):
            raise self.err(_join(key, name), "must be a table")
        return value

    def text(self, data: Mapping[str, Any], key: str, name: str, default: str | None = None) -> str:
        value = data.get(name, default)
        if value is None:
            raise self.err(_join(key, name), "is required")
        if not isinstance(value, str) or not value.strip():
            raise self.err(_join(key, name), f"must be a non-empty string (got {value!r})")
        return value


def _join(key: str, name: str) -> str:
    return f"{key}.{name}" if key else name


def _decimal(ctx: _Ctx, key: str, value: Any) -> Decimal:
    # The domain's own amount reader, with its refusal reported against the file and key.
    try:
        return to_decimal(value)
    except ValidationError as err:
        raise ctx.err(key, f"type mismatch: {err.reason} ({value!r})") from None


def _date(ctx: _Ctx, key: str, value: Any) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            pass
    raise ctx.err(key, f"must be a date YYYY-MM-DD (got {value!r})")


def _parameter_values(
    source: str, key: str, body: Mapping[str, Any], ptype: str
) -> tuple[ParameterValue, ...]:
    ctx = _Ctx(source)
    raw = body.get("values")
    if raw is None:
        raise ctx.err(f"{key}.values", "is required: a list of {since, value, source}")
    if not isinstance(raw, list) or not raw:
        raise ctx.err(f"{key}.values", "must be a non-empty list of {since, value, source}")
    values: list[ParameterValue] = []
    seen: set[dt.date] = set()
    for i, item in enumerate(raw):
        ikey = f"{key}.values[{i}]"
        if not isinstance(item, Mapping):
            raise ctx.err(ikey, "must be a table {since, value, source}")
        since = _date(ctx, f"{ikey}.since", item.get("since"))
        if since in seen:
            raise ctx.err(f"{ikey}.since", f"duplicate id: a value since {since} already exists")
        seen.add(since)
        if "value" not in item:
            raise ctx.err(f"{ikey}.value", "is required")
        number = _decimal(ctx, f"{ikey}.value", item["value"])
        value: Decimal | int = number
        if ptype == "integer":
            if number != number.to_integral_value() or number < 1:
                raise ctx.err(
                    f"{ikey}.value", f"type mismatch: expected a count >= 1, got {number}"
                )
            value = int(number)
        values.append(ParameterValue(since, value, ctx.text(item, ikey, "source")))
    values.sort(key=lambda v: v.since)
    return tuple(values)


def _jsonable(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float | Decimal):
        return str(value)
    return value


def pack_from_mapping(data: Mapping[str, Any], *, source: str = "<mapping>") -> RulePack:
    """Check a parsed pack definition and build the :class:`RulePack`.

    Args:
        data: The parsed file (tables ``pack``, ``inputs``, ``parameters``, ``criteria``).
        source: Name used in error messages.

    Raises:
        RuleDefinitionError: naming ``source`` and the key of the first problem.
    """
    ctx = _Ctx(source)
    head = ctx.table(data, "", "pack")
    known = {"pack", "inputs", "parameters", "criteria"}
    for name in data:
        if name not in known:
            raise ctx.err(str(name), f"unknown table; expected one of {sorted(known)}")
    document = ctx.text(head, "pack", "document")
    clauses = head.get("clauses")
    if clauses is None:
        if document != TCATE_DOCUMENT:
            raise ctx.err(
                "pack.clauses",
                f"is required: list the clause ids of {document!r} the criteria may cite",
            )
        valid: frozenset[str] = TCATE_CLAUSES
    else:
        if not isinstance(clauses, list) or not all(isinstance(c, str) for c in clauses):
            raise ctx.err("pack.clauses", "must be a list of clause id strings")
        valid = frozenset(clauses)
    combine = ctx.text(head, "pack", "combine", "all")
    if combine not in ("all", "any"):
        raise ctx.err("pack.combine", f"must be 'all' or 'any' (got {combine!r})")
    pack_clause = ctx.text(head, "pack", "clause")
    if pack_clause not in valid:
        raise ctx.err("pack.clause", f"clause id {pack_clause!r} is not in {document}")

    inputs = _inputs(ctx, data, valid, document)
    parameters = _parameters(ctx, data)
    criteria = _criteria(ctx, data, valid, document, inputs, parameters)
    return RulePack(
        id=ctx.text(head, "pack", "id"),
        version=ctx.text(head, "pack", "version"),
        question=ctx.text(head, "pack", "question"),
        document=document,
        edition=ctx.text(head, "pack", "edition", document),
        clause=pack_clause,
        en=ctx.text(head, "pack", "en"),
        zh=ctx.text(head, "pack", "zh"),
        combine=cast(Any, combine),
        inputs=inputs,
        parameters=parameters,
        criteria=criteria,
        source=source,
        definition=_jsonable(data),
    )


def _inputs(
    ctx: _Ctx, data: Mapping[str, Any], valid: frozenset[str], document: str
) -> dict[str, InputSpec]:
    section = ctx.table(data, "", "inputs")
    out: dict[str, InputSpec] = {}
    for name, body in section.items():
        key = f"inputs.{name}"
        if not isinstance(body, Mapping):
            raise ctx.err(key, "must be a table")
        itype = ctx.text(body, key, "type")
        if itype not in _INPUT_TYPES:
            raise ctx.err(f"{key}.type", f"unknown type {itype!r}; use one of {_INPUT_TYPES}")
        clause = ctx.text(body, key, "clause")
        if clause not in valid:
            raise ctx.err(f"{key}.clause", f"clause id {clause!r} is not in {document}")
        values = tuple(body.get("values", ()))
        if itype == "enum" and (not values or not all(isinstance(v, str) for v in values)):
            raise ctx.err(f"{key}.values", "an enum input needs a list of allowed strings")
        unknown = tuple(body.get("unknown", ()))
        if not all(isinstance(v, str) for v in unknown):
            raise ctx.err(f"{key}.unknown", "must be a list of strings")
        lo = body.get("minimum")
        hi = body.get("maximum")
        period = body.get("period", "any")
        if period not in _PERIOD_KINDS or (itype != "series" and "period" in body):
            raise ctx.err(
                f"{key}.period",
                f"must be one of {_PERIOD_KINDS}, and only on a series input",
            )
        unit_default = "CNY" if itype in ("money", "series") else ""
        out[str(name)] = InputSpec(
            name=str(name),
            type=cast(Any, itype),
            clause=clause,
            en=ctx.text(body, key, "en"),
            zh=ctx.text(body, key, "zh"),
            unit=str(body.get("unit", unit_default)),
            values=cast(tuple[str, ...], values),
            unknown=cast(tuple[str, ...], unknown),
            minimum=None if lo is None else _decimal(ctx, f"{key}.minimum", lo),
            maximum=None if hi is None else _decimal(ctx, f"{key}.maximum", hi),
            period=cast(Any, period),
        )
    return out


def _parameters(ctx: _Ctx, data: Mapping[str, Any]) -> dict[str, ParameterSpec]:
    section = data.get("parameters", {})
    if not isinstance(section, Mapping):
        raise ctx.err("parameters", "must be a table")
    out: dict[str, ParameterSpec] = {}
    for name, body in section.items():
        key = f"parameters.{name}"
        if not isinstance(body, Mapping):
            raise ctx.err(key, "must be a table")
        ptype = ctx.text(body, key, "type")
        if ptype not in _PARAM_TYPES:
            raise ctx.err(f"{key}.type", f"unknown type {ptype!r}; use one of {_PARAM_TYPES}")
        out[str(name)] = ParameterSpec(
            name=str(name),
            type=cast(Any, ptype),
            en=ctx.text(body, key, "en"),
            zh=ctx.text(body, key, "zh"),
            unit=str(body.get("unit", "CNY" if ptype == "money" else "")),
            values=_parameter_values(ctx.source, key, body, ptype),
            doc=str(body.get("doc", "")),
        )
    return out


def _criteria(
    ctx: _Ctx,
    data: Mapping[str, Any],
    valid: frozenset[str],
    document: str,
    inputs: Mapping[str, InputSpec],
    parameters: Mapping[str, ParameterSpec],
) -> tuple[Criterion, ...]:
    raw = data.get("criteria")
    if raw is None:
        raise ctx.err("criteria", "is required: a list of [[criteria]] tables")
    if not isinstance(raw, list) or not raw:
        raise ctx.err("criteria", "must be a non-empty list of [[criteria]] tables")
    order: list[str] = []
    bodies: dict[str, tuple[str, Mapping[str, Any]]] = {}
    parents: dict[str, str | None] = {}
    for i, body in enumerate(raw):
        key = f"criteria[{i}]"
        if not isinstance(body, Mapping):
            raise ctx.err(key, "must be a table")
        cid = ctx.text(body, key, "id")
        if cid in bodies:
            raise ctx.err(f"{key}.id", f"duplicate id {cid!r}")
        clause = ctx.text(body, key, "clause")
        if clause not in valid:
            raise ctx.err(f"{key}.clause", f"clause id {clause!r} is not in {document}")
        parent = body.get("parent")
        if parent is not None and not isinstance(parent, str):
            raise ctx.err(f"{key}.parent", "must be a criterion id")
        order.append(cid)
        bodies[cid] = (key, body)
        parents[cid] = parent
    for cid, parent in parents.items():
        if parent is not None and parent not in bodies:
            raise ctx.err(f"{bodies[cid][0]}.parent", f"unknown criterion id {parent!r}")

    def build(cid: str, trail: tuple[str, ...]) -> Criterion:
        key, body = bodies[cid]
        if cid in trail:
            raise ctx.err(f"{key}.parent", "criteria form a cycle")
        kids = tuple(build(k, (*trail, cid)) for k in order if parents[k] == cid)
        has_condition = "condition" in body
        if kids and has_condition:
            raise ctx.err(f"{key}.condition", "a criterion has a condition or children, not both")
        if not kids and not has_condition:
            raise ctx.err(f"{key}.condition", "is required (or give the criterion children)")
        combine = ctx.text(body, key, "combine", "all")
        if combine not in ("all", "any"):
            raise ctx.err(f"{key}.combine", f"must be 'all' or 'any' (got {combine!r})")
        condition = (
            _condition(ctx, f"{key}.condition", body["condition"], inputs, parameters)
            if has_condition
            else None
        )
        return Criterion(
            id=cid,
            clause=ctx.text(body, key, "clause"),
            en=ctx.text(body, key, "en"),
            zh=ctx.text(body, key, "zh"),
            condition=condition,
            combine=cast(Any, combine),
            children=kids,
        )

    return tuple(build(cid, ()) for cid in order if parents[cid] is None)


def _condition(
    ctx: _Ctx,
    key: str,
    raw: Any,
    inputs: Mapping[str, InputSpec],
    parameters: Mapping[str, ParameterSpec],
) -> Condition:
    if not isinstance(raw, Mapping):
        raise ctx.err(key, "must be a table: {all=[...]}, {any=[...]}, {not={...}} or a leaf")
    for word, node in (("all", All), ("any", AnyOf)):
        if word in raw:
            if len(raw) != 1:
                raise ctx.err(key, f"{word!r} must be the only key of its table")
            items = raw[word]
            if not isinstance(items, Sequence) or isinstance(items, str) or not items:
                raise ctx.err(f"{key}.{word}", "must be a non-empty list of conditions")
            return node(
                tuple(
                    _condition(ctx, f"{key}.{word}[{i}]", item, inputs, parameters)
                    for i, item in enumerate(items)
                )
            )
    if "not" in raw:
        if len(raw) != 1:
            raise ctx.err(key, "'not' must be the only key of its table")
        return Not(_condition(ctx, f"{key}.not", raw["not"], inputs, parameters))
    return _leaf(ctx, key, raw, inputs, parameters)


def _leaf(
    ctx: _Ctx,
    key: str,
    raw: Mapping[str, Any],
    inputs: Mapping[str, InputSpec],
    parameters: Mapping[str, ParameterSpec],
) -> Leaf:
    allowed = {"input", "op", "param", "value", "measure", "periods"}
    for name in raw:
        if name not in allowed:
            raise ctx.err(f"{key}.{name}", f"unknown key; a leaf has {sorted(allowed)}")
    name = ctx.text(raw, key, "input")
    spec = inputs.get(name)
    if spec is None:
        raise ctx.err(f"{key}.input", f"unknown input {name!r}; declare it under [inputs]")
    op = ctx.text(raw, key, "op")
    if op not in OPS:
        raise ctx.err(f"{key}.op", f"unknown operator {op!r}; use one of {OPS}")
    measure = ctx.text(raw, key, "measure", "value")
    if measure not in _MEASURES:
        raise ctx.err(f"{key}.measure", f"unknown measure {measure!r}; use one of {_MEASURES}")
    if (measure == "value") == (spec.type == "series"):
        need = "needs a measure over periods" if spec.type == "series" else "is not a series"
        raise ctx.err(f"{key}.measure", f"type mismatch: input {name!r} ({spec.type}) {need}")

    periods: str | int | None = None
    if measure != "value":
        raw_periods = raw.get("periods")
        if raw_periods is None:
            raise ctx.err(f"{key}.periods", "is required for a measure over periods")
        if isinstance(raw_periods, str):
            pspec = parameters.get(raw_periods)
            if pspec is None:
                raise ctx.err(f"{key}.periods", f"unknown parameter {raw_periods!r}")
            if pspec.type != "integer":
                raise ctx.err(
                    f"{key}.periods",
                    f"type mismatch: parameter {raw_periods!r} is {pspec.type}, needs integer",
                )
            periods = raw_periods
        elif isinstance(raw_periods, int) and not isinstance(raw_periods, bool) and raw_periods > 0:
            periods = raw_periods
        else:
            raise ctx.err(f"{key}.periods", "must be a parameter name or a count >= 1")

    # What the threshold must be: bool/enum constants, or a money/number quantity.
    if measure == "min_to_mean_of_last":
        want = "number"
    elif spec.type == "series":
        want = "money"
    else:
        want = spec.type
    if want in ("bool", "enum") and op not in ("==", "!="):
        raise ctx.err(
            f"{key}.op", f"type mismatch: a {want} input can only be compared by == or !="
        )

    has_param = "param" in raw
    has_value = "value" in raw
    if has_param == has_value:
        raise ctx.err(key, "give exactly one of 'param' (a parameter name) or 'value'")
    if has_param:
        pname = raw["param"]
        pspec = parameters.get(pname) if isinstance(pname, str) else None
        if pspec is None:
            raise ctx.err(f"{key}.param", f"unknown parameter {pname!r}; declare it")
        ok = (want == "money" and pspec.type == "money") or (
            want == "number" and pspec.type in ("number", "integer")
        )
        if not ok:
            raise ctx.err(
                f"{key}.param",
                f"type mismatch: input {name!r} is {want}, parameter {pname!r} is {pspec.type}",
            )
        return Leaf(name, op, pname, None, cast(Any, measure), periods, key)
    value = raw["value"]
    if want == "bool":
        if not isinstance(value, bool):
            raise ctx.err(f"{key}.value", f"type mismatch: input {name!r} is bool, got {value!r}")
        constant: Any = value
    elif want == "enum":
        if value not in spec.values:
            raise ctx.err(
                f"{key}.value", f"type mismatch: {value!r} is not one of {list(spec.values)}"
            )
        constant = value
    else:
        constant = _decimal(ctx, f"{key}.value", value)
    return Leaf(name, op, None, constant, cast(Any, measure), periods, key)
