"""The public questions: eligibility (3.1, 4.2.1), graduation (4.3.5), evaluation (4.3.7-b).

Each ``check_*`` takes the facts (a plain mapping of named inputs, or an object with a
``facts()`` method), optional parameter overrides ``params=`` and a date ``on=`` for
effective-dated parameters, and returns a :class:`~sep.evaluation.Decision`. The rule packs
themselves are data files shipped in ``sep/evaluation/packs``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from decimal import Decimal
from functools import cache
from importlib.resources import files
from typing import Any

import attrs

from sep._json import check_tree, loads
from sep.domain import Enterprise, Incubatee, from_dict
from sep.errors import MISSING, ValidationError
from sep.evaluation._decision import Decision
from sep.evaluation._engine import Evaluator, evaluator_for
from sep.evaluation._loader import load_pack, pack_from_mapping, read_definition
from sep.evaluation._spec import RulePack

__all__ = [
    "ELIGIBILITY",
    "EVALUATION",
    "GRADUATION",
    "TORCH_2018_GRADUATION",
    "builtin_pack",
    "builtin_packs",
    "check",
    "check_eligibility",
    "check_evaluation",
    "check_graduation",
    "compile_pack",
    "replay",
    "verify",
]

#: Pack id of the founder eligibility rules (3.1 and 4.2.1).
ELIGIBILITY = "t-cate-0001-2020/eligibility"
#: Pack id of the incubatee graduation rules (4.3.5).
GRADUATION = "t-cate-0001-2020/graduation"
#: Pack id of the platform evaluation thresholds (4.3.7-b).
EVALUATION = "t-cate-0001-2020/evaluation"
#: Pack id of the graduation conditions of 科技企业孵化器管理办法 (国科发区〔2018〕300号).
TORCH_2018_GRADUATION = "gkfq-2018-300/graduation"

_FILES = {
    ELIGIBILITY: "eligibility.toml",
    GRADUATION: "graduation.toml",
    EVALUATION: "evaluation.toml",
    TORCH_2018_GRADUATION: "torch_2018_graduation.toml",
}


@cache
def builtin_pack(pack_id: str) -> RulePack:
    """The shipped rule pack ``pack_id`` (loaded from its TOML file once).

    Example:
        >>> builtin_pack(GRADUATION).clause
        '4.3.5'
    """
    name = _FILES.get(pack_id)
    if name is None:
        raise ValidationError("pack", pack_id, f"unknown rule pack; one of {sorted(_FILES)}")
    resource = files("sep.evaluation") / "packs" / name
    data = read_definition(str(resource))
    return pack_from_mapping(data, source=f"sep/evaluation/packs/{name}")


def builtin_packs() -> tuple[str, ...]:
    """Ids of the shipped rule packs."""
    return tuple(sorted(_FILES))


_DOMAIN = {"graduation": Incubatee, "eligibility": Enterprise}
# The fields a domain document must carry, computed once: this runs on every decision.
_REQUIRED = {
    cls: tuple(f.name for f in attrs.fields(cls) if f.default is attrs.NOTHING)
    for cls in _DOMAIN.values()
}


def _domain_class(question: str) -> type | None:
    return _DOMAIN.get(question)


def _is_document(data: Mapping[str, Any], cls: type) -> bool:
    """Whether ``data`` carries every required field of the domain class ``cls``."""
    return all(name in data for name in _REQUIRED[cls])


def _facts(obj: Any, rules: RulePack | None = None) -> Mapping[str, Any]:
    """The flat named inputs of ``obj``.

    A mapping of named inputs is used as is. A mapping that is a domain document (the JSON
    form of an :class:`~sep.domain.Incubatee` for graduation, of an
    :class:`~sep.domain.Enterprise` for eligibility, recognised by carrying that class's
    required fields) is validated into that object first, so bad data is refused. Any
    other object gives its ``facts()``.
    """
    if isinstance(obj, Mapping):
        cls = _domain_class(rules.question) if rules is not None else None
        if cls is None or not _is_document(obj, cls):
            return obj
        obj = from_dict(cls, obj)
    method = getattr(obj, "facts", None)
    if callable(method):
        result = method()
        if isinstance(result, Mapping):
            return result
        raise ValidationError("", obj, "facts() must return a mapping of named inputs")
    raise ValidationError(
        "", obj, "give a mapping of named inputs or an object with a facts() method"
    )


def _pack(pack: RulePack | str) -> RulePack:
    if isinstance(pack, RulePack):
        return pack
    if isinstance(pack, str) and pack in _FILES:
        return builtin_pack(pack)
    if isinstance(pack, str) and pack.endswith((".toml", ".yaml", ".yml")):
        return load_pack(pack)
    raise ValidationError("pack", pack, f"unknown rule pack; one of {sorted(_FILES)} or a file")


def compile_pack(
    pack: RulePack | str,
    *,
    params: Mapping[str, Any] | None = None,
    on: dt.date | None = None,
) -> Evaluator:
    """The compiled evaluator of ``pack`` with its parameters resolved for ``on``.

    Other engines (streaming, column-wise) use it to share parameter resolution, input
    normalisation and explanations with the direct evaluator; a :class:`Decision` built
    with it explains itself the same way.

    Example:
        >>> ev = compile_pack(GRADUATION, on=dt.date(2026, 1, 1))
        >>> facts = ev.facts({"revenue": "12,000,000"})
        >>> facts, ev.outcome_of(facts).value
        ({'revenue': Decimal('12000000')}, 'unknown')
        >>> [(p.name, str(p.value)) for p in ev.parameters][:2]
        [('cash_flow_periods', '4'), ('cash_flow_stability_ratio', '0.5')]
    """
    return evaluator_for(_pack(pack), on, params)


def check(
    pack: RulePack | str,
    facts: Any,
    *,
    params: Mapping[str, Any] | None = None,
    on: dt.date | None = None,
) -> Decision:
    """Decide ``pack``'s question for ``facts``.

    Args:
        pack: A :class:`RulePack`, a shipped pack id, or a pack file path.
        facts: A mapping of named inputs, or an object with a ``facts()`` method.
        params: Parameter overrides: a value, or a list of ``{since, value, source}``.
        on: The date whose parameter values apply (default: today).

    Keys the pack does not read are ignored, so one fact sheet can serve every pack;
    ``None`` (and an enum's "unknown") means missing, which gives UNKNOWN, never NOT_MET.

    Raises:
        ValidationError: a value of the wrong type or out of range, naming the input and
            its clause; an unknown pack or parameter override.

    Example:
        >>> d = check(TORCH_2018_GRADUATION, {"high_tech_enterprise": True})
        >>> d.outcome.value, d.met_by
        ('met', ('第九条(十)1',))
    """
    rules = _pack(pack)
    evaluator = evaluator_for(rules, on, params)
    return Decision.of(evaluator, evaluator.facts(_facts(facts, rules)))


def check_eligibility(
    enterprise: Any,
    *,
    params: Mapping[str, Any] | None = None,
    on: dt.date | None = None,
    pack: RulePack | str = ELIGIBILITY,
) -> Decision:
    """May this enterprise found a platform? 3.1 (large enterprise) and all of 4.2.1(1)–(4).

    Example:
        >>> d = check_eligibility({"size_class": "medium"})
        >>> d.outcome.value, d.outcome_of("3.1.size").value
        ('not_met', 'not_met')
    """
    return check(pack, enterprise, params=params, on=on)


def check_graduation(
    incubatee: Any,
    *,
    params: Mapping[str, Any] | None = None,
    on: dt.date | None = None,
    pack: RulePack | str = GRADUATION,
) -> Decision:
    """May this incubatee graduate? Any one of 4.3.5(a)–(d).

    Example:
        >>> d = check_graduation({})
        >>> d.outcome.value, len(d.missing)
        ('unknown', 9)
    """
    return check(pack, incubatee, params=params, on=on)


def check_evaluation(
    scores: Any,
    *,
    params: Mapping[str, Any] | None = None,
    on: dt.date | None = None,
    pack: RulePack | str = EVALUATION,
) -> Decision:
    """Does the platform's evaluation pass? Each 4.3.7-d module and the total (4.3.7-b).

    Example:
        >>> d = check_evaluation({"score_service_system": 72, "score_total": 55})
        >>> d.outcome.value, d.outcome_of("4.3.7-b.total").value
        ('not_met', 'not_met')
    """
    return check(pack, scores, params=params, on=on)


_RECORD_HELP = "a decision record is a Decision, its to_dict() mapping or its JSON"


def _record(record: Any) -> Mapping[str, Any]:
    """The mapping form of ``record``, read through the bounded JSON reader when it is text."""
    if isinstance(record, Decision):
        return record.to_dict()
    if isinstance(record, str | bytes | bytearray):
        loaded = loads(record, what="record")
    elif isinstance(record, Mapping):
        check_tree(record, what="record")
        loaded = record
    else:
        raise ValidationError("record", type(record).__name__, _RECORD_HELP)
    if not isinstance(loaded, Mapping):
        raise ValidationError("record", type(loaded).__name__, _RECORD_HELP)
    return loaded


def _key(data: Mapping[str, Any], key: str, tp: type | tuple[type, ...], where: str) -> Any:
    field = f"{where}.{key}"
    if key not in data:
        raise ValidationError(field, MISSING, "is required in a decision record")
    value = data[key]
    if not isinstance(value, tp) or isinstance(value, bool):
        names = " or ".join(t.__name__ for t in (tp if isinstance(tp, tuple) else (tp,)))
        raise ValidationError(field, value, f"must be {names}")
    return value


def _iso_date(text: str, field: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise ValidationError(field, text, "must be a date written YYYY-MM-DD") from None


def _parameters(data: Mapping[str, Any]) -> tuple[dict[str, Any], list[str]]:
    """The recorded parameter values as overrides, and the record path of each name."""
    params: dict[str, Any] = {}
    paths: list[str] = []
    for i, entry in enumerate(_key(data, "parameters", list, "record")):
        where = f"record.parameters[{i}]"
        if not isinstance(entry, Mapping):
            raise ValidationError(where, type(entry).__name__, "must be a parameter mapping")
        name = _key(entry, "name", str, where)
        if name in params:
            raise ValidationError(f"{where}.name", name, "is given twice")
        since = _iso_date(_key(entry, "since", str, where), f"{where}.since")
        value = _key(entry, "value", (str, int, Decimal), where)
        source = _key(entry, "source", str, where)
        params[name] = [{"since": since.isoformat(), "value": value, "source": source}]
        paths.append(where)
    return params, paths


def replay(
    record: Decision | Mapping[str, Any] | str, *, pack: RulePack | str | None = None
) -> Decision:
    """Evaluate a recorded decision again: same inputs, parameter values and date.

    Args:
        record: A :class:`Decision`, its ``to_dict()`` or its JSON (read with the bounded
            JSON reader: UTF-8, size and depth limits).
        pack: The rule pack to use (default: the shipped pack with the recorded id).

    Raises:
        ValidationError: the record is not a decision record (a missing key, a value of the
            wrong type, a parameter the pack does not have, a record of another pack),
            naming the field of the record (``record.parameters[2].since``).

    Example:
        >>> d = check_graduation({"revenue": "12000000"}, on=dt.date(2026, 1, 1))
        >>> replay(d.to_json()).digest == d.digest
        True
        >>> replay({**d.to_dict(), "as_of": "someday"})
        Traceback (most recent call last):
        ...
        sep.errors.ValidationError: record.as_of: must be a date written YYYY-MM-DD (got 'someday')
    """
    data = _record(record)
    recorded_pack = _key(data, "pack", str, "record")
    try:
        rules = _pack(pack if pack is not None else recorded_pack)
    except ValidationError as err:
        raise ValidationError("record.pack", recorded_pack, err.reason) from None
    if recorded_pack != rules.id:
        raise ValidationError(
            "record.pack", recorded_pack, f"is a record of another rule pack than {rules.id!r}"
        )
    params, paths = _parameters(data)
    on = _iso_date(_key(data, "as_of", str, "record"), "record.as_of")
    inputs = _key(data, "inputs", Mapping, "record")
    try:
        evaluator = evaluator_for(rules, on, params)
    except ValidationError as err:
        names = list(params)
        for name, where in zip(names, paths, strict=True):
            if err.field == f"params.{name}" or err.field.startswith(f"params.{name}["):
                raise ValidationError(where, err.value, err.reason, clause=err.clause) from None
        raise err.at("record.parameters") from None
    try:
        facts = evaluator.facts(_facts(inputs, rules))
    except ValidationError as err:
        raise err.at("record.inputs") from None
    return Decision.of(evaluator, facts)


def verify(
    record: Decision | Mapping[str, Any] | str, *, pack: RulePack | str | None = None
) -> bool:
    """True if replaying ``record`` gives its recorded digest, outcome and criteria outcomes.

    A well-formed record whose inputs, parameters, outcome or digest were changed (tampered)
    gives ``False``; a record that is not a decision record at all (junk) raises, as
    :func:`replay` does.

    Raises:
        ValidationError: the record is junk, naming the field of the record.

    Example:
        >>> d = check_graduation({"listed": False})
        >>> data = d.to_dict(); verify(data)
        True
        >>> data["inputs"]["listed"] = True; verify(data)
        False
        >>> verify({**data, "parameters": 5})
        Traceback (most recent call last):
        ...
        sep.errors.ValidationError: record.parameters: must be list (got 5)
    """
    data = _record(record)
    digest = _key(data, "digest", str, "record")
    outcome = _key(data, "outcome", str, "record")
    recorded = data.get("criteria", [])
    if not isinstance(recorded, list):
        raise ValidationError("record.criteria", type(recorded).__name__, "must be a list")
    for i, entry in enumerate(recorded):
        if not isinstance(entry, Mapping):
            raise ValidationError(
                f"record.criteria[{i}]", type(entry).__name__, "must be a mapping"
            )
    again = replay(data, pack=pack)
    if again.digest != digest or again.outcome.value != outcome:
        return False
    return [c.to_dict()["outcome"] for c in again.criteria] == [c.get("outcome") for c in recorded]
