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
import hashlib
import math
import os
import re
import threading
import tomllib
from collections import OrderedDict
from collections.abc import Mapping, Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any, cast

from sep._i18n import N_
from sep._json import _text_ok, check_tree
from sep._limits import (
    MAX_AMOUNT,
    MAX_CRITERIA,
    MAX_DEFINITION_BYTES,
    MAX_DEPTH,
    MAX_INT_DIGITS,
    MAX_NUMBER_CHARS,
    MAX_PARAMETER_VALUES,
    MAX_PERIOD_COUNT,
)
from sep._reason import R_, os_reason
from sep.domain._fields import close_match, to_decimal
from sep.errors import EngineUnavailableError, RuleDefinitionError, ValidationError, _shown
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


class _Refused(Exception):
    """A problem found while parsing, reported as a RuleDefinitionError by the caller."""


class _TooDeep(Exception):
    """A YAML document nested past MAX_DEPTH, found while composing it."""


def _toml_float(text: str) -> float:
    if len(text) > MAX_NUMBER_CHARS:
        raise _Refused(
            R_(
                "a number is longer than {max_number_chars} characters",
                max_number_chars=MAX_NUMBER_CHARS,
            )
        )
    value = float(text)
    if not math.isfinite(value):
        raise _Refused(R_("{text} is not a finite number", text=text))
    return value


def read_definition(path: str | Path) -> dict[str, Any]:
    """Parse a ``.toml``, ``.yaml`` or ``.yml`` file into a mapping (no code is run).

    The file is read within the bounds of :mod:`sep._limits`: UTF-8 text of at most
    :data:`MAX_DEFINITION_BYTES` bytes, nested at most :data:`~sep._limits.MAX_DEPTH`
    deep, integers of at most :data:`~sep._limits.MAX_INT_DIGITS` digits, finite numbers,
    string keys; YAML without aliases, duplicate keys or tags beyond the safe ones.

    Raises:
        RuleDefinitionError: naming the file, for any of these or a syntax error.
    """
    source = _source(path)
    return _parse_definition(source, Path(path).suffix.lower(), _read_bytes(path))


def _source(path: Any) -> str:
    """The text of a rule file path, or a RuleDefinitionError for one no file can have."""
    if not isinstance(path, str | os.PathLike):
        raise RuleDefinitionError(
            f"<{type(path).__name__}>", "", N_("a rule file is named by a path (str or Path)")
        )
    source = os.fspath(path)
    if not isinstance(source, str):
        raise RuleDefinitionError(repr(source), "", N_("a rule file path must be text"))
    if "\x00" in source:
        raise RuleDefinitionError(repr(source), "", N_("a path cannot hold a NUL character"))
    if not _text_ok(source):
        shown = source.encode("utf-8", "backslashreplace").decode()
        raise RuleDefinitionError(shown, "", N_("a path must be valid Unicode (a lone surrogate)"))
    return source


def _read_bytes(path: str | Path) -> bytes:
    source = _source(path)
    suffix = Path(path).suffix.lower()
    if suffix not in (".toml", ".yaml", ".yml"):
        raise RuleDefinitionError(source, "", N_("use a .toml, .yaml or .yml file"))
    try:
        with Path(path).open("rb") as handle:
            raw = handle.read(MAX_DEFINITION_BYTES + 1)
    except OSError as err:
        raise RuleDefinitionError(
            source, "", R_("cannot read the file: {strerror}", strerror=os_reason(err))
        ) from None
    if len(raw) > MAX_DEFINITION_BYTES:
        raise RuleDefinitionError(
            source,
            "",
            R_(
                "is larger than {max_definition_bytes} bytes",
                max_definition_bytes=MAX_DEFINITION_BYTES,
            ),
        )
    return raw


def _parse_definition(source: str, suffix: str, raw: bytes) -> dict[str, Any]:
    try:
        text = raw.decode("utf-8").removeprefix("\ufeff")
    except UnicodeDecodeError as err:
        raise RuleDefinitionError(
            source, "", R_("is not UTF-8 text (bad byte at offset {start})", start=err.start)
        ) from None
    kind = "TOML" if suffix == ".toml" else "YAML"
    try:
        data = _parse_toml(text) if kind == "TOML" else _parse_yaml(text)
    except _Refused as err:
        raise RuleDefinitionError(
            source, "", R_("not valid {kind}: {err}", kind=kind, err=err)
        ) from None
    except (RecursionError, _TooDeep):
        raise RuleDefinitionError(
            source, "", R_("is nested more than {max_depth} levels deep", max_depth=MAX_DEPTH)
        ) from None
    except ValueError as err:  # int() refusing thousands of digits, inside the parser
        raise RuleDefinitionError(
            source,
            "",
            R_(
                "not valid {kind}: an integer has more than {max_int_digits} digits",
                kind=kind,
                max_int_digits=MAX_INT_DIGITS,
            ),
        ) from err
    if not isinstance(data, dict):
        raise RuleDefinitionError(source, "", N_("the top level must be a mapping"))
    _check_definition(source, data)
    return cast(dict[str, Any], data)


def _parse_toml(text: str) -> Any:
    try:
        return tomllib.loads(text, parse_float=_toml_float)
    except tomllib.TOMLDecodeError as err:
        raise _Refused(str(err)) from None


def _parse_yaml(text: str) -> Any:
    try:
        import yaml
    except ImportError:  # pragma: no cover - depends on the environment
        raise EngineUnavailableError(
            "PyYAML", N_("YAML rule files need it"), N_("pip install pyyaml, or write TOML")
        ) from None
    try:
        return yaml.load(text, Loader=_yaml_loader(yaml))
    except yaml.YAMLError as err:
        raise _Refused(str(err)) from None


def _check_definition(source: str, data: Any) -> None:
    """Refuse what a parser accepts but a rule file must not hold (iteratively: no recursion)."""
    try:
        check_tree(data, what="")
    except ValidationError as err:
        raise RuleDefinitionError(source, err.field, err.reason) from None
    stack: list[tuple[Any, str]] = [(data, "")]
    while stack:
        node, key = stack.pop()
        if isinstance(node, dict):
            for name, value in node.items():
                if not isinstance(name, str):
                    raise RuleDefinitionError(
                        source, key, R_("a key must be a string (got {name!r})", name=name)
                    )
                stack.append((value, _join(key, name)))
        elif isinstance(node, list):
            stack.extend((value, f"{key}[{i}]") for i, value in enumerate(node))
        elif isinstance(node, bool):
            continue
        elif isinstance(node, int):
            if node.bit_length() > _MAX_INT_BITS and len(str(abs(node))) > MAX_INT_DIGITS:
                raise RuleDefinitionError(
                    source,
                    key,
                    R_(
                        "an integer has more than {max_int_digits} digits",
                        max_int_digits=MAX_INT_DIGITS,
                    ),
                )
        elif isinstance(node, float) and not math.isfinite(node):
            raise RuleDefinitionError(
                source, key, R_("must be a finite number (got {node!r})", node=node)
            )


# Integers below 2**133 have at most 40 decimal digits; only larger ones are counted.
_MAX_INT_BITS = 132


def _yaml_loader(yaml: Any) -> Any:
    """A SafeLoader that reads only true/false as booleans (YAML 1.2) and refuses aliases
    and duplicate keys.

    YAML 1.1 reads ``on``, ``off``, ``yes``, ``no`` as booleans: a key ``on:`` (the
    decision date of a case file) would silently become ``True``. An alias is refused
    rather than expanded: nine nested aliases of nine make a billion-element document
    from a kilobyte of text. A key given twice would silently keep the last value.
    """
    global _YAML_LOADER
    if _YAML_LOADER is None:
        bool_tag = "tag:yaml.org,2002:bool"

        class Loader(yaml.SafeLoader):  # type: ignore[misc]
            depth = 0

            def compose_node(self, parent: Any, index: Any) -> Any:
                if self.check_event(yaml.AliasEvent):
                    event = self.peek_event()
                    raise _Refused(
                        R_(
                            "aliases (*{anchor}) are not allowed in rule files, write the value "
                            "out{start_mark}",
                            anchor=event.anchor,
                            start_mark=event.start_mark,
                        )
                    )
                # Stop at the bound rather than recurse until Python's limit: a document
                # 50,000 brackets deep took seconds of recursion before it was refused.
                self.depth += 1
                if self.depth > MAX_DEPTH:
                    raise _TooDeep
                try:
                    return super().compose_node(parent, index)
                finally:
                    self.depth -= 1

            def construct_mapping(self, node: Any, deep: bool = False) -> Any:
                seen: set[Any] = set()
                for key_node, _ in node.value:
                    key = self.construct_object(key_node, deep=True)
                    try:
                        repeated = key in seen
                    except TypeError:
                        raise _Refused(
                            R_("a key must be a string{start_mark}", start_mark=key_node.start_mark)
                        ) from None
                    if repeated:
                        raise _Refused(
                            R_(
                                "the key {key!r} is given twice{start_mark}",
                                key=key,
                                start_mark=key_node.start_mark,
                            )
                        )
                    seen.add(key)
                return super().construct_mapping(node, deep=deep)

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
        The checked :class:`RulePack`. Files with the same bytes give the same pack object
        (the last ``PACK_CACHE_SIZE`` (16) files read are kept, by content hash, so an
        edited file is read again); its ``source`` is the first path it was read from.

    Raises:
        RuleDefinitionError: naming the file and key of the first problem found.

    Example:
        >>> from importlib.resources import files
        >>> pack = load_pack(files("sep.evaluation") / "packs" / "graduation.toml")
        >>> pack.id, [c.id for c in pack.criteria]
        ('t-cate-0001-2020/graduation', ['4.3.5(a)', '4.3.5(b)', '4.3.5(c)', '4.3.5(d)'])
    """
    source = _source(path)
    raw = _read_bytes(path)
    suffix = Path(path).suffix.lower()
    key = (suffix, hashlib.sha256(raw).digest())
    with _PACKS_LOCK:
        found = _PACKS.get(key)
        if found is not None:
            _PACKS.move_to_end(key)
            return found
    pack = pack_from_mapping(_parse_definition(source, suffix, raw), source=source)
    with _PACKS_LOCK:
        _PACKS[key] = pack
        while len(_PACKS) > PACK_CACHE_SIZE:
            _release(_PACKS.popitem(last=False)[1])
    return pack


def _release(pack: RulePack) -> None:
    """Drop an evicted pack's compiled evaluators (recompiled if the pack is used again).

    A pack and its evaluators refer to each other; emptying the caches breaks the cycle,
    so the pack is freed as soon as its last user lets go, not at the next full garbage
    collection (meanwhile evicted packs piled up: about 10 MB over 3,000 files).
    """
    runtime = pack._runtime
    if runtime is not None:
        object.__setattr__(pack, "_runtime", None)
        runtime.by_date.clear()
        runtime.by_params.clear()


#: How many loaded pack files are kept, by content, with their compiled evaluators.
PACK_CACHE_SIZE = 16

# Packs by (file suffix, sha256 of the file's bytes), least recently used first: an edited
# file is loaded again, the same content (at any path) shares one pack and its compiled
# evaluators, and a service loading many files keeps only the last few.
_PACKS: OrderedDict[tuple[str, bytes], RulePack] = OrderedDict()
_PACKS_LOCK = threading.Lock()


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
    source = _source(path)
    data = read_definition(path)
    section = data.get("parameters")
    if not isinstance(section, dict):
        raise RuleDefinitionError(source, "parameters", N_("a [parameters.NAME] table is required"))
    out: dict[str, tuple[ParameterValue, ...]] = {}
    for name, body in section.items():
        key = f"parameters.{name}"
        if not isinstance(body, dict):
            raise RuleDefinitionError(source, key, N_("must be a table"))
        ptype = body.get("type", "number")
        if ptype not in _PARAM_TYPES:
            raise RuleDefinitionError(
                source,
                f"{key}.type",
                R_(
                    "unknown type {ptype}; use one of {param_types}",
                    ptype=_shown(ptype),
                    param_types=_PARAM_TYPES,
                ),
            )
        out[name] = _parameter_values(source, key, body, ptype)
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
            raise self.err(_join(key, name), N_("is required"))
        if not isinstance(value, Mapping):
            raise self.err(_join(key, name), N_("must be a table"))
        return value

    def text(self, data: Mapping[str, Any], key: str, name: str, default: str | None = None) -> str:
        value = data.get(name, default)
        if value is None:
            raise self.err(_join(key, name), N_("is required"))
        if not isinstance(value, str) or not value.strip():
            raise self.err(
                _join(key, name),
                R_("must be a non-empty string (got {value})", value=_shown(value)),
            )
        return value


def _optional_text(ctx: _Ctx, body: Mapping[str, Any], key: str, name: str, default: str) -> str:
    value = body.get(name, default)
    if not isinstance(value, str):  # never str() of it: that makes text of anything
        raise ctx.err(_join(key, name), R_("must be a string (got {value})", value=_shown(value)))
    return value


def _join(key: str, name: str) -> str:
    return f"{key}.{name}" if key else name


def _decimal(ctx: _Ctx, key: str, value: Any) -> Decimal:
    # The domain's own amount reader, with its refusal reported against the file and key.
    try:
        return to_decimal(value)
    except ValidationError as err:
        raise ctx.err(
            key, R_("type mismatch: {reason} ({value})", reason=R_(err.reason), value=_shown(value))
        ) from None


def parameter_number(raw: Any, ptype: str) -> Decimal | int:
    """Read one parameter value of type ``money``, ``number`` or ``integer``.

    The domain's amount reader, within the amount bound of :mod:`sep._limits`; an
    ``integer`` is a count from 1 to :data:`~sep._limits.MAX_PERIOD_COUNT` (checked before
    it is converted: ``int()`` of ``1e999999999`` would run for hours).

    Raises:
        ValidationError: with the reason; the caller names the field.
    """
    number = to_decimal(raw)
    if number.copy_abs() > MAX_AMOUNT:
        raise ValidationError(
            "", raw, R_("must be at most {max_amount:,} in magnitude", max_amount=MAX_AMOUNT)
        )
    if ptype != "integer":
        return number
    if not 1 <= number <= MAX_PERIOD_COUNT or number != number.to_integral_value():
        raise ValidationError(
            "",
            raw,
            R_(
                "must be a whole count from 1 to {max_period_count}",
                max_period_count=MAX_PERIOD_COUNT,
            ),
        )
    return int(number)


_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}\Z")


def iso_date(value: Any) -> dt.date:
    """A date, or a ``YYYY-MM-DD`` string read strictly; a datetime is refused.

    Raises:
        ValidationError: with the reason; the caller names the field.
    """
    if isinstance(value, dt.datetime):
        raise ValidationError(  # never isoformat() with its tzinfo: a foreign one may raise
            "",
            value.replace(tzinfo=None).isoformat(),
            N_("must be a date, not a datetime (its day depends on a timezone)"),
        )
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str) and _ISO_DATE.match(value):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            pass
    shown = value if isinstance(value, str | int | float) else type(value).__name__
    raise ValidationError("", shown, N_("must be a date (a datetime.date or 'YYYY-MM-DD')"))


def _date(ctx: _Ctx, key: str, value: Any) -> dt.date:
    try:
        return iso_date(value)
    except ValidationError as err:
        raise ctx.err(
            key, R_("{reason} (got {value})", reason=R_(err.reason), value=_shown(value))
        ) from None


def _parameter_values(
    source: str, key: str, body: Mapping[str, Any], ptype: str
) -> tuple[ParameterValue, ...]:
    ctx = _Ctx(source)
    raw = body.get("values")
    if raw is None:
        raise ctx.err(f"{key}.values", N_("is required: a list of {since, value, source}"))
    if not isinstance(raw, list) or not raw:
        raise ctx.err(f"{key}.values", N_("must be a non-empty list of {since, value, source}"))
    if len(raw) > MAX_PARAMETER_VALUES:
        raise ctx.err(
            f"{key}.values",
            R_(
                "{len} dated values; a parameter holds at most {max_parameter_values}",
                len=len(raw),
                max_parameter_values=MAX_PARAMETER_VALUES,
            ),
        )
    values: list[ParameterValue] = []
    seen: set[dt.date] = set()
    for i, item in enumerate(raw):
        ikey = f"{key}.values[{i}]"
        if not isinstance(item, Mapping):
            raise ctx.err(ikey, N_("must be a table {since, value, source}"))
        since = _date(ctx, f"{ikey}.since", item.get("since"))
        if since in seen:
            raise ctx.err(
                f"{ikey}.since",
                R_("duplicate id: a value since {since} already exists", since=since),
            )
        seen.add(since)
        if "value" not in item:
            raise ctx.err(f"{ikey}.value", N_("is required"))
        try:
            value = parameter_number(item["value"], ptype)
        except ValidationError as err:
            raise ctx.err(
                f"{ikey}.value", R_("type mismatch: {reason}", reason=R_(err.reason))
            ) from None
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
    if not isinstance(data, Mapping):
        raise ctx.err("", R_("a pack definition is a table, not {type}", type=type(data).__name__))
    try:  # a mapping built in Python meets the bounds a parsed file does (depth, text)
        check_tree(data, what="")
    except ValidationError as err:
        raise ctx.err(err.field, err.reason) from None
    head = ctx.table(data, "", "pack")
    known = {"pack", "inputs", "parameters", "criteria"}
    for name in data:
        if name not in known:
            raise ctx.err(
                str(name), R_("unknown table; expected one of {known}", known=sorted(known))
            )
    _only(ctx, head, "pack", _PACK_KEYS)
    document = ctx.text(head, "pack", "document")
    clauses = head.get("clauses")
    if clauses is None:
        if document != TCATE_DOCUMENT:
            raise ctx.err(
                "pack.clauses",
                R_(
                    "is required: list the clause ids of {document!r} the criteria may cite",
                    document=document,
                ),
            )
        valid: frozenset[str] = TCATE_CLAUSES
    else:
        if not isinstance(clauses, list) or not all(isinstance(c, str) for c in clauses):
            raise ctx.err("pack.clauses", N_("must be a list of clause id strings"))
        valid = frozenset(clauses)
    combine = ctx.text(head, "pack", "combine", "all")
    if combine not in ("all", "any"):
        raise ctx.err(
            "pack.combine", R_("must be 'all' or 'any' (got {combine})", combine=_shown(combine))
        )
    pack_clause = ctx.text(head, "pack", "clause")
    if pack_clause not in valid:
        raise ctx.err(
            "pack.clause",
            R_(
                "clause id {pack_clause!r} is not in {document}",
                pack_clause=pack_clause,
                document=document,
            ),
        )

    inputs = _inputs(ctx, data, valid, document)
    parameters = _parameters(ctx, data)
    criteria = _criteria(ctx, data, valid, document, inputs, parameters)
    _check_scales(ctx, criteria, inputs, parameters)
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


# The keys each table of a pack may hold: a misspelt optional key (``Combine = "any"``)
# would otherwise leave its default in force without a word.
_PACK_KEYS = frozenset(
    {"id", "version", "question", "document", "edition", "clause", "clauses", "en", "zh", "combine"}
)
_INPUT_KEYS = frozenset(
    {"type", "clause", "en", "zh", "values", "unknown", "minimum", "maximum", "period", "unit"}
)
_PARAMETER_KEYS = frozenset({"type", "en", "zh", "unit", "values", "doc"})
_CRITERION_KEYS = frozenset({"id", "clause", "parent", "en", "zh", "combine", "condition"})


def _only(ctx: _Ctx, body: Mapping[str, Any], key: str, allowed: frozenset[str]) -> None:
    for name in body:
        if name not in allowed:
            hint = close_match(str(name), sorted(allowed))
            meant = R_("; did you mean {close!r}?", close=hint) if hint else ""
            raise ctx.err(
                f"{key}.{name}",
                R_("unknown key; one of {allowed}{meant}", allowed=sorted(allowed), meant=meant),
            )


def _inputs(
    ctx: _Ctx, data: Mapping[str, Any], valid: frozenset[str], document: str
) -> dict[str, InputSpec]:
    section = ctx.table(data, "", "inputs")
    out: dict[str, InputSpec] = {}
    for name, body in section.items():
        key = f"inputs.{name}"
        if not isinstance(body, Mapping):
            raise ctx.err(key, N_("must be a table"))
        _only(ctx, body, key, _INPUT_KEYS)
        itype = ctx.text(body, key, "type")
        if itype not in _INPUT_TYPES:
            raise ctx.err(
                f"{key}.type",
                R_(
                    "unknown type {itype!r}; use one of {input_types}",
                    itype=itype,
                    input_types=_INPUT_TYPES,
                ),
            )
        clause = ctx.text(body, key, "clause")
        if clause not in valid:
            raise ctx.err(
                f"{key}.clause",
                R_("clause id {clause!r} is not in {document}", clause=clause, document=document),
            )
        raw_values, raw_unknown = body.get("values", []), body.get("unknown", [])
        if not isinstance(raw_values, list | tuple):
            raise ctx.err(f"{key}.values", N_("must be a list of allowed strings"))
        values = tuple(raw_values)
        if itype == "enum" and (not values or not all(isinstance(v, str) for v in values)):
            raise ctx.err(f"{key}.values", N_("an enum input needs a list of allowed strings"))
        if not isinstance(raw_unknown, list | tuple):
            raise ctx.err(f"{key}.unknown", N_("must be a list of strings"))
        unknown = tuple(raw_unknown)
        if not all(isinstance(v, str) for v in unknown):
            raise ctx.err(f"{key}.unknown", N_("must be a list of strings"))
        lo = body.get("minimum")
        hi = body.get("maximum")
        period = body.get("period", "any")
        if (
            not isinstance(period, str)
            or period not in _PERIOD_KINDS
            or (itype != "series" and "period" in body)
        ):
            raise ctx.err(
                f"{key}.period",
                R_(
                    "must be one of {period_kinds}, and only on a series input",
                    period_kinds=_PERIOD_KINDS,
                ),
            )
        unit_default = "CNY" if itype in ("money", "series") else ""
        out[str(name)] = InputSpec(
            name=str(name),
            type=cast(Any, itype),
            clause=clause,
            en=ctx.text(body, key, "en"),
            zh=ctx.text(body, key, "zh"),
            unit=_optional_text(ctx, body, key, "unit", unit_default),
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
        raise ctx.err("parameters", N_("must be a table"))
    out: dict[str, ParameterSpec] = {}
    for name, body in section.items():
        key = f"parameters.{name}"
        if not isinstance(body, Mapping):
            raise ctx.err(key, N_("must be a table"))
        _only(ctx, body, key, _PARAMETER_KEYS)
        ptype = ctx.text(body, key, "type")
        if ptype not in _PARAM_TYPES:
            raise ctx.err(
                f"{key}.type",
                R_(
                    "unknown type {ptype}; use one of {param_types}",
                    ptype=_shown(ptype),
                    param_types=_PARAM_TYPES,
                ),
            )
        out[str(name)] = ParameterSpec(
            name=str(name),
            type=cast(Any, ptype),
            en=ctx.text(body, key, "en"),
            zh=ctx.text(body, key, "zh"),
            unit=_optional_text(ctx, body, key, "unit", "CNY" if ptype == "money" else ""),
            values=_parameter_values(ctx.source, key, body, ptype),
            doc=_optional_text(ctx, body, key, "doc", ""),
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
        raise ctx.err("criteria", N_("is required: a list of [[criteria]] tables"))
    if not isinstance(raw, list) or not raw:
        raise ctx.err("criteria", N_("must be a non-empty list of [[criteria]] tables"))
    if len(raw) > MAX_CRITERIA:
        raise ctx.err(
            "criteria",
            R_(
                "{len} criteria; a pack has at most {max_criteria}",
                len=len(raw),
                max_criteria=MAX_CRITERIA,
            ),
        )
    bodies: dict[str, tuple[str, Mapping[str, Any]]] = {}
    parents: dict[str, str | None] = {}
    # Children by parent in file order, found once: looking them up per criterion made
    # loading quadratic in the number of criteria.
    kids_of: dict[str | None, list[str]] = {}
    for i, body in enumerate(raw):
        key = f"criteria[{i}]"
        if not isinstance(body, Mapping):
            raise ctx.err(key, N_("must be a table"))
        _only(ctx, body, key, _CRITERION_KEYS)
        cid = ctx.text(body, key, "id")
        if cid in bodies:
            raise ctx.err(f"{key}.id", R_("duplicate id {cid!r}", cid=cid))
        clause = ctx.text(body, key, "clause")
        if clause not in valid:
            raise ctx.err(
                f"{key}.clause",
                R_("clause id {clause!r} is not in {document}", clause=clause, document=document),
            )
        parent = body.get("parent")
        if parent is not None and not isinstance(parent, str):
            raise ctx.err(f"{key}.parent", N_("must be a criterion id"))
        bodies[cid] = (key, body)
        parents[cid] = parent
        kids_of.setdefault(parent, []).append(cid)
    for cid, parent in parents.items():
        if parent is not None and parent not in bodies:
            raise ctx.err(
                f"{bodies[cid][0]}.parent", R_("unknown criterion id {parent!r}", parent=parent)
            )
    _check_tree_shape(ctx, bodies, parents)

    def build(cid: str) -> Criterion:
        key, body = bodies[cid]
        kids = tuple(build(k) for k in kids_of.get(cid, ()))
        has_condition = "condition" in body
        if kids and has_condition:
            raise ctx.err(
                f"{key}.condition", N_("a criterion has a condition or children, not both")
            )
        if not kids and not has_condition:
            raise ctx.err(f"{key}.condition", N_("is required (or give the criterion children)"))
        combine = ctx.text(body, key, "combine", "all")
        if combine not in ("all", "any"):
            raise ctx.err(
                f"{key}.combine",
                R_("must be 'all' or 'any' (got {combine})", combine=_shown(combine)),
            )
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

    return tuple(build(cid) for cid in kids_of.get(None, ()))


def threshold_scales(
    criteria: Sequence[Criterion], inputs: Mapping[str, InputSpec]
) -> dict[str, list[tuple[InputSpec, str, Leaf]]]:
    """Each parameter compared with a bounded number input: the input, the clause, the leaf.

    A score has a scale (4.3.7-b: each module and the total, 0–100 in a weighted
    100-point scheme); a threshold outside it can never be met (or is always met).
    """
    out: dict[str, list[tuple[InputSpec, str, Leaf]]] = {}
    for leaf, clause in _leaves(criteria):
        spec = inputs.get(leaf.input)
        if (
            leaf.param is not None
            and leaf.measure == "value"
            and spec is not None
            and spec.type == "number"
            and (spec.minimum is not None or spec.maximum is not None)
        ):
            out.setdefault(leaf.param, []).append((spec, clause, leaf))
    return out


def scale_problem(value: Decimal | int, spec: InputSpec) -> str | None:
    """Why ``value`` cannot be a threshold of ``spec`` (outside its scale), or ``None``."""
    lo, hi = spec.minimum, spec.maximum
    if (lo is not None and value < lo) or (hi is not None and value > hi):
        low = "" if lo is None else f"{lo}"
        high = "" if hi is None else f"{hi}"
        scale = f"{low}–{high} {spec.unit}".rstrip()
        return R_(
            "is outside the scale {scale} of {name!r}: a threshold there can never decide",
            scale=scale,
            name=spec.name,
        )
    return None


def _leaves(criteria: Sequence[Criterion]) -> list[tuple[Leaf, str]]:
    found: list[tuple[Leaf, str]] = []
    stack: list[tuple[Any, str]] = [(c, c.clause) for c in criteria]
    while stack:
        node, clause = stack.pop()
        if isinstance(node, Criterion):
            if node.condition is not None:
                stack.append((node.condition, node.clause))
            stack.extend((c, c.clause) for c in node.children)
        elif isinstance(node, Leaf):
            found.append((node, clause))
        elif isinstance(node, Not):
            stack.append((node.item, clause))
        else:
            stack.extend((c, clause) for c in node.items)
    return found


def _check_scales(
    ctx: _Ctx,
    criteria: Sequence[Criterion],
    inputs: Mapping[str, InputSpec],
    parameters: Mapping[str, ParameterSpec],
) -> None:
    for name, uses in threshold_scales(criteria, inputs).items():
        for spec, clause, _ in uses:
            for i, pv in enumerate(parameters[name].values):
                problem = scale_problem(pv.value, spec)
                if problem:
                    raise ctx.err(f"parameters.{name}.values[{i}].value", problem, clause)
    for leaf, clause in _leaves(criteria):
        spec = inputs[leaf.input]
        if leaf.param is None and leaf.measure == "value" and spec.type == "number":
            problem = scale_problem(leaf.value, spec)
            if problem:
                raise ctx.err(f"{leaf.key}.value", problem, clause)


def _check_tree_shape(
    ctx: _Ctx,
    bodies: Mapping[str, tuple[str, Mapping[str, Any]]],
    parents: Mapping[str, str | None],
) -> None:
    """Refuse parent cycles and chains deeper than MAX_DEPTH, in one pass over the criteria.

    A criterion in a cycle has no root above it: without this check it was silently
    left out, and a pack whose criteria all form cycles decided on no criteria at all.
    """
    depth: dict[str, int] = {}
    for start in parents:
        path: list[str] = []
        on_path: set[str] = set()
        node: str | None = start
        while node is not None and node not in depth:
            if node in on_path:
                cycle = [*path[path.index(node) :], node]
                first = min(cycle[:-1], key=lambda c: _index(bodies[c][0]))
                raise ctx.err(
                    f"{bodies[first][0]}.parent",
                    R_("criteria form a cycle: {cycle}", cycle=" → ".join(cycle)),
                )
            path.append(node)
            on_path.add(node)
            node = parents[node]
        level = 0 if node is None else depth[node] + 1
        for cid in reversed(path):
            depth[cid] = level
            if level >= MAX_DEPTH:
                raise ctx.err(
                    f"{bodies[cid][0]}.parent",
                    R_(
                        "criteria are nested more than {max_depth} levels deep", max_depth=MAX_DEPTH
                    ),
                )
            level += 1


def _index(key: str) -> int:
    return int(key[key.index("[") + 1 : key.index("]")])


def _condition(
    ctx: _Ctx,
    key: str,
    raw: Any,
    inputs: Mapping[str, InputSpec],
    parameters: Mapping[str, ParameterSpec],
) -> Condition:
    if not isinstance(raw, Mapping):
        forms = "{all=[...]}, {any=[...]}, {not={...}}"
        raise ctx.err(key, R_("must be a table: {forms} or a leaf", forms=forms))
    for word, node in (("all", All), ("any", AnyOf)):
        if word in raw:
            if len(raw) != 1:
                raise ctx.err(key, R_("{word!r} must be the only key of its table", word=word))
            items = raw[word]
            if not isinstance(items, Sequence) or isinstance(items, str) or not items:
                raise ctx.err(f"{key}.{word}", N_("must be a non-empty list of conditions"))
            return node(
                tuple(
                    _condition(ctx, f"{key}.{word}[{i}]", item, inputs, parameters)
                    for i, item in enumerate(items)
                )
            )
    if "not" in raw:
        if len(raw) != 1:
            raise ctx.err(key, N_("'not' must be the only key of its table"))
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
            raise ctx.err(
                f"{key}.{name}", R_("unknown key; a leaf has {allowed}", allowed=sorted(allowed))
            )
    name = ctx.text(raw, key, "input")
    spec = inputs.get(name)
    if spec is None:
        raise ctx.err(
            f"{key}.input", R_("unknown input {name!r}; declare it under [inputs]", name=name)
        )
    op = ctx.text(raw, key, "op")
    if op not in OPS:
        raise ctx.err(f"{key}.op", R_("unknown operator {op!r}; use one of {ops}", op=op, ops=OPS))
    measure = ctx.text(raw, key, "measure", "value")
    if measure not in _MEASURES:
        raise ctx.err(
            f"{key}.measure",
            R_(
                "unknown measure {measure!r}; use one of {measures}",
                measure=measure,
                measures=_MEASURES,
            ),
        )
    if (measure == "value") == (spec.type == "series"):
        need = "needs a measure over periods" if spec.type == "series" else "is not a series"
        raise ctx.err(
            f"{key}.measure",
            R_(
                "type mismatch: input {name!r} ({type}) {need}",
                name=name,
                type=spec.type,
                need=need,
            ),
        )

    periods: str | int | None = None
    if measure != "value":
        raw_periods = raw.get("periods")
        if raw_periods is None:
            raise ctx.err(f"{key}.periods", N_("is required for a measure over periods"))
        if isinstance(raw_periods, str):
            pspec = parameters.get(raw_periods)
            if pspec is None:
                raise ctx.err(
                    f"{key}.periods",
                    R_("unknown parameter {raw_periods!r}", raw_periods=raw_periods),
                )
            if pspec.type != "integer":
                raise ctx.err(
                    f"{key}.periods",
                    R_(
                        "type mismatch: parameter {raw_periods!r} is {type}, needs integer",
                        raw_periods=raw_periods,
                        type=pspec.type,
                    ),
                )
            periods = raw_periods
        elif (
            isinstance(raw_periods, int)
            and not isinstance(raw_periods, bool)
            and 0 < raw_periods <= MAX_PERIOD_COUNT
        ):
            periods = raw_periods
        else:
            raise ctx.err(
                f"{key}.periods",
                R_(
                    "must be a parameter name or a count from 1 to {max_period_count}",
                    max_period_count=MAX_PERIOD_COUNT,
                ),
            )

    # What the threshold must be: bool/enum constants, or a money/number quantity.
    if measure == "min_to_mean_of_last":
        want = "number"
    elif spec.type == "series":
        want = "money"
    else:
        want = spec.type
    if want in ("bool", "enum") and op not in ("==", "!="):
        raise ctx.err(
            f"{key}.op",
            R_("type mismatch: a {want} input can only be compared by == or !=", want=want),
        )

    has_param = "param" in raw
    has_value = "value" in raw
    if has_param == has_value:
        raise ctx.err(key, N_("give exactly one of 'param' (a parameter name) or 'value'"))
    if has_param:
        pname = raw["param"]
        pspec = parameters.get(pname) if isinstance(pname, str) else None
        if pspec is None:
            raise ctx.err(
                f"{key}.param", R_("unknown parameter {pname!r}; declare it", pname=pname)
            )
        ok = (want == "money" and pspec.type == "money") or (
            want == "number" and pspec.type in ("number", "integer")
        )
        if not ok:
            raise ctx.err(
                f"{key}.param",
                R_(
                    "type mismatch: input {name!r} is {want}, parameter {pname!r} is {type}",
                    name=name,
                    want=want,
                    pname=pname,
                    type=pspec.type,
                ),
            )
        return Leaf(name, op, pname, None, cast(Any, measure), periods, key)
    value = raw["value"]
    if want == "bool":
        if not isinstance(value, bool):
            raise ctx.err(
                f"{key}.value",
                R_(
                    "type mismatch: input {name!r} is bool, got {value}",
                    name=name,
                    value=_shown(value),
                ),
            )
        constant: Any = value
    elif want == "enum":
        if value not in spec.values:
            raise ctx.err(
                f"{key}.value",
                R_(
                    "type mismatch: {value} is not one of {values}",
                    value=_shown(value),
                    values=list(spec.values),
                ),
            )
        constant = value
    else:
        constant = _decimal(ctx, f"{key}.value", value)
    return Leaf(name, op, None, constant, cast(Any, measure), periods, key)
