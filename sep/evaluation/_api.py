"""The public questions: eligibility (3.1, 4.2.1), graduation (4.3.5), evaluation (4.3.7-b).

Each ``check_*`` takes the facts (a plain mapping of named inputs, or an object with a
``facts()`` method), optional parameter overrides ``params=`` and a date ``on=`` for
effective-dated parameters, and returns a :class:`~sep.evaluation.Decision`. The rule packs
themselves are data files shipped in ``sep/evaluation/packs``.
"""

from __future__ import annotations

import datetime as dt
import weakref
from collections.abc import Iterable, Mapping
from decimal import Decimal
from functools import cache
from importlib.resources import files
from typing import Any, Literal

import attrs

from sep._i18n import N_
from sep._json import check_tree, loads
from sep._reason import R_
from sep.domain import Enterprise, Incubatee, Origin, from_dict
from sep.domain._fields import OwnFacts, close_match
from sep.domain._serde import DOCUMENT_KINDS, KIND
from sep.errors import MISSING, SepError, ValidationError
from sep.evaluation._decision import Decision
from sep.evaluation._digest import digest_matches
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
        raise ValidationError(
            "pack", pack_id, R_("unknown rule pack; one of {files}", files=sorted(_FILES))
        )
    resource = files("sep.evaluation") / "packs" / name
    data = read_definition(str(resource))
    return pack_from_mapping(data, source=f"sep/evaluation/packs/{name}")


def builtin_packs() -> tuple[str, ...]:
    """Ids of the shipped rule packs."""
    return tuple(sorted(_FILES))


_DOMAIN: dict[str, type] = {"graduation": Incubatee, "eligibility": Enterprise}
#: The ``kind`` marker of each domain document, by class (the domain's own).
_KINDS: dict[type, str] = DOCUMENT_KINDS
_KIND = KIND

#: What ``extra=`` may say about names a pack does not read. ``"error"`` is the column-wise
#: engine's spelling of ``"forbid"``, accepted everywhere so one spelling works in all.
EXTRA_MODES = ("forbid", "ignore", "error")


def _refuse_extra(extra: Any) -> bool:
    """Whether ``extra`` asks to refuse unknown names; a bad ``extra`` is refused itself."""
    if extra == "forbid" and type(extra) is str:  # the default, on every decision
        return True
    if isinstance(extra, str) and extra in EXTRA_MODES:
        return extra != "ignore"
    raise ValidationError(
        "extra", extra, N_("must be 'forbid' (refuse names the pack does not read) or 'ignore'")
    )


def refuse_unknown_names(
    rules: RulePack, keys: Iterable[Any], *, what: str = N_("input"), hint: str = N_("names")
) -> None:
    """Refuse the first of ``keys`` that is not an input of ``rules``, with a "did you mean".

    Shared by the direct, streaming and column-wise engines, so a typo is refused the same
    way everywhere instead of leaving an input missing (UNKNOWN) without a word.

    Raises:
        ValidationError: naming the key, the pack's inputs and the closest input name.
    """
    inputs = rules.inputs
    for key in keys:
        if key in inputs:
            continue
        name = str(key) or repr(key)  # an empty name is still named, as ''
        close = close_match(name, inputs)
        guess = R_("; did you mean {close!r}?", close=close) if close else ""
        raise ValidationError(
            name,
            name,
            R_(
                "is not an {what} of {rules} (inputs: {inputs}){guess}; pass extra='ignore' to "
                "allow other {hint}",
                what=R_(what),
                rules=rules.id,
                inputs=", ".join(inputs),
                guess=guess,
                hint=R_(hint),
            ),
            clause=inputs[close].clause if close else rules.clause,
        )


@cache
def _fact_names(cls: type) -> frozenset[str]:
    # The names a domain class's facts() gives, read off a minimal instance so they can
    # never drift from facts() itself.
    minimal: Any
    if cls is Incubatee:
        minimal = Incubatee(id="-", name="-", origin=Origin.INTERNAL)
    else:
        minimal = Enterprise(name="-", industry="A")
    return frozenset(minimal.facts())


def _document_keys(cls: type, rules: RulePack) -> frozenset[str]:
    """The keys that make a mapping a document of ``cls`` for ``rules``: fields of ``cls``
    that are neither a named input of the pack nor a name ``cls.facts()`` gives."""
    fields = frozenset(f.name for f in attrs.fields(cls))
    return fields - _fact_names(cls) - frozenset(rules.inputs)


# Per pack (by identity, checked): its domain class, document keys and input names. This
# runs on every decision, so the set arithmetic is done once per pack. The pack is held
# weakly: the bounded pack cache decides how long a loaded pack lives, not this table.
_Shape = tuple["weakref.ref[RulePack]", type | None, frozenset[str], frozenset[str], bool]
_SHAPES: dict[int, _Shape] = {}


def _shape(rules: RulePack) -> _Shape:
    found = _SHAPES.get(id(rules))
    if found is None or found[0]() is not rules:
        cls = _DOMAIN.get(rules.question)
        markers = _document_keys(cls, rules) if cls is not None else frozenset()
        kind_marks = cls is not None and _KIND not in rules.inputs
        if len(_SHAPES) >= 256:
            _SHAPES.clear()
        found = _SHAPES[id(rules)] = (
            weakref.ref(rules),
            cls,
            markers,
            frozenset(rules.inputs),
            kind_marks,
        )
    return found


def _document_class(data: Mapping[Any, Any], rules: RulePack) -> type | None:
    """The domain class ``data`` is a document of, or ``None`` for named inputs.

    The rule (documented in :func:`check`): for a graduation pack a mapping is an
    :class:`~sep.domain.Incubatee` document, for an eligibility pack an
    :class:`~sep.domain.Enterprise` document, when it says ``"kind": "incubatee"``
    (``"enterprise"``) or carries any key that only a document has (``id``, ``name``,
    ``origin``, ``financials``, ``financing_rounds``, ``industry``, ``employees``, …).
    """
    _, cls, markers, _, kind_marks = _shape(rules)
    if cls is None:
        return None
    if kind_marks and _KIND in data:
        kind = data[_KIND]
        if kind != _KINDS[cls]:
            raise ValidationError(
                _KIND,
                kind,
                R_(
                    "must be {kinds!r}: {rules} decides {question} from {kinds} documents or "
                    "named inputs",
                    kinds=_KINDS[cls],
                    rules=rules.id,
                    question=rules.question,
                ),
                clause=rules.clause,
            )
        return cls
    return None if markers.isdisjoint(data.keys()) else cls


def _is_own(obj: Any) -> bool:
    # Domain objects of sep itself: their facts() may serve several packs at once.
    return isinstance(obj, OwnFacts) or type(obj).__module__.split(".", 1)[0] == "sep"


def _plain(data: Mapping[Any, Any]) -> dict[Any, Any]:
    """A plain dict of a caller's mapping type, read once here so that a mapping whose
    reads fail is refused as bad input (naming the key), not as an error deep inside."""
    out: dict[Any, Any] = {}
    key: Any = None
    try:
        for key in data:
            out[key] = data[key]
    except Exception as exc:  # any failure of a foreign mapping is bad input
        field = "" if key is None else str(key)
        raise ValidationError(
            field, type(data).__name__, R_("could not be read from the mapping: {exc!r}", exc=exc)
        ) from None
    return out


def _facts(obj: Any, rules: RulePack | None = None, extra: Any = "forbid") -> Mapping[str, Any]:
    """The flat named inputs of ``obj`` for ``rules``.

    A mapping that is a domain document (see :func:`_document_class`) is validated into
    that object first, so bad data and a half-document are refused. Any other mapping is
    named inputs: with ``extra="forbid"`` a name the pack does not read is refused (with
    a "did you mean"). An object with a ``facts()`` method gives its facts; those of
    ``sep``'s own domain objects may carry inputs of several packs and are not checked.
    """
    # The default spelled out first: this runs for every decision.
    refuse = True if extra == "forbid" and type(extra) is str else _refuse_extra(extra)
    if type(obj) is dict or isinstance(obj, Mapping):
        data: Mapping[str, Any] = (
            obj if type(obj) is dict or isinstance(obj, OwnFacts) else _plain(obj)
        )
        if rules is None:
            return data
        # The common case, named inputs only, with the pack's shape looked up inline.
        shape = _SHAPES.get(id(rules))
        if shape is None or shape[0]() is not rules:
            shape = _shape(rules)
        if shape[3].issuperset(data.keys()):
            return data
        cls = _document_class(data, rules)
        if cls is None:
            if refuse and not _is_own(data):
                refuse_unknown_names(rules, data)
            return data
        obj = from_dict(cls, data)  # which reads the ``kind`` marker too
    method = getattr(obj, "facts", None)
    if callable(method):
        try:
            result = method()
        except SepError:
            raise
        except Exception as exc:  # the caller's facts() failed: bad input, not a sep error
            raise ValidationError(
                "",
                type(obj).__name__,
                R_("facts() failed: {type}: {exc}", type=type(exc).__name__, exc=exc),
            ) from exc
        if not isinstance(result, Mapping):
            raise ValidationError("", obj, N_("facts() must return a mapping of named inputs"))
        if refuse and rules is not None and not _is_own(obj):
            refuse_unknown_names(rules, result)
        return result
    raise ValidationError(
        "", obj, N_("give a mapping of named inputs or an object with a facts() method")
    )


def _pack(pack: RulePack | str) -> RulePack:
    if isinstance(pack, RulePack):
        return pack
    if isinstance(pack, str) and pack in _FILES:
        return builtin_pack(pack)
    if isinstance(pack, str) and pack.endswith((".toml", ".yaml", ".yml")):
        return load_pack(pack)
    raise ValidationError(
        "pack", pack, R_("unknown rule pack; one of {files} or a file", files=sorted(_FILES))
    )


def compile_pack(
    pack: RulePack | str,
    *,
    params: Mapping[str, Any] | None = None,
    on: dt.date | str | None = None,
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
    on: dt.date | str | None = None,
    extra: Literal["forbid", "ignore"] = "forbid",
) -> Decision:
    """Decide ``pack``'s question for ``facts``.

    Args:
        pack: A :class:`RulePack`, a shipped pack id, or a pack file path.
        facts: A mapping of named inputs, a domain document (the JSON form of an
            :class:`~sep.domain.Incubatee` or :class:`~sep.domain.Enterprise`, see below),
            or an object with a ``facts()`` method.
        params: Parameter overrides: a value, or a list of ``{since, value, source}``.
        on: The date whose parameter values apply (default: today): a date or a
            ``YYYY-MM-DD`` string; a datetime is refused (its day depends on a timezone).
        extra: ``"forbid"`` (the default) refuses a name in a mapping of named inputs that
            the pack does not read, with the closest input name (a typo would otherwise
            leave the input missing, UNKNOWN); ``"ignore"`` skips such names, for callers
            that pass wider records. ``"error"`` is accepted as ``"forbid"``.

    What a mapping is: for a graduation pack, a mapping is an
    :class:`~sep.domain.Incubatee` document (for an eligibility pack an
    :class:`~sep.domain.Enterprise` document) when it says ``"kind": "incubatee"``
    (``"enterprise"``), or when it carries any key that only such a document has: a field
    of the class that is neither an input of the pack nor a name its ``facts()`` gives
    (``id``, ``name``, ``origin``, ``financials``, ``financing_rounds``, ``events``, …;
    ``name``, ``industry``, ``employees``, ``operating_revenue``, ``chain``, … for an
    enterprise). A document is validated whole: a missing required field is refused
    naming it. Every other mapping is named inputs.

    The facts of ``sep``'s own domain objects (``Incubatee.facts()`` serves both
    graduation packs) are never refused for names a pack does not read.
    ``None`` (and an enum's "unknown") means missing, which gives UNKNOWN, never NOT_MET.

    Raises:
        ValidationError: a value of the wrong type or out of range, naming the input and
            its clause; a name the pack does not read (``extra="forbid"``); a
            half-document; an unknown pack, parameter override or ``extra``.

    Example:
        >>> d = check(TORCH_2018_GRADUATION, {"high_tech_enterprise": True})
        >>> d.outcome.value, d.met_by
        ('met', ('第九条(十)1',))
        >>> check(GRADUATION, {"revenu": "12000000"})  # doctest: +ELLIPSIS
        Traceback (most recent call last):
        ...
        sep.errors.ValidationError: revenu: is not an input of ...; did you mean 'revenue'?; ...
        >>> check(GRADUATION, {"revenue": "12000000", "crm_id": 7}, extra="ignore").outcome.value
        'unknown'
    """
    rules = _pack(pack)
    raw = _facts(facts, rules, extra)
    evaluator = evaluator_for(rules, on, params)
    return Decision.of(evaluator, evaluator._normalise(raw))


def check_eligibility(
    enterprise: Any,
    *,
    params: Mapping[str, Any] | None = None,
    on: dt.date | str | None = None,
    pack: RulePack | str = ELIGIBILITY,
    extra: Literal["forbid", "ignore"] = "forbid",
) -> Decision:
    """May this enterprise found a platform? 3.1 (large enterprise) and all of 4.2.1(1)–(4).

    ``enterprise`` is an :class:`~sep.domain.Enterprise`, its JSON form, or a mapping of
    named inputs; ``extra`` as for :func:`check`.

    Example:
        >>> d = check_eligibility({"size_class": "medium"})
        >>> d.outcome.value, d.outcome_of("3.1.size").value
        ('not_met', 'not_met')
    """
    return check(pack, enterprise, params=params, on=on, extra=extra)


def check_graduation(
    incubatee: Any,
    *,
    params: Mapping[str, Any] | None = None,
    on: dt.date | str | None = None,
    pack: RulePack | str = GRADUATION,
    extra: Literal["forbid", "ignore"] = "forbid",
) -> Decision:
    """May this incubatee graduate? Any one of 4.3.5(a)–(d).

    ``incubatee`` is an :class:`~sep.domain.Incubatee`, its JSON form, or a mapping of
    named inputs; ``extra`` as for :func:`check`.

    Example:
        >>> d = check_graduation({})
        >>> d.outcome.value, len(d.missing)
        ('unknown', 9)
    """
    return check(pack, incubatee, params=params, on=on, extra=extra)


def check_evaluation(
    scores: Any,
    *,
    params: Mapping[str, Any] | None = None,
    on: dt.date | str | None = None,
    pack: RulePack | str = EVALUATION,
    extra: Literal["forbid", "ignore"] = "forbid",
) -> Decision:
    """Does the platform's evaluation pass? Each 4.3.7-d module and the total (4.3.7-b).

    ``scores`` is a mapping of named inputs; ``extra`` as for :func:`check`.

    Example:
        >>> d = check_evaluation({"score_service_system": 72, "score_total": 55})
        >>> d.outcome.value, d.outcome_of("4.3.7-b.total").value
        ('not_met', 'not_met')
    """
    return check(pack, scores, params=params, on=on, extra=extra)


_RECORD_HELP = N_("a decision record is a Decision, its to_dict() mapping or its JSON")


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
        raise ValidationError(field, MISSING, N_("is required in a decision record"))
    value = data[key]
    if not isinstance(value, tp) or isinstance(value, bool):
        names = " or ".join(t.__name__ for t in (tp if isinstance(tp, tuple) else (tp,)))
        raise ValidationError(field, value, R_("must be {names}", names=names))
    return value


def _iso_date(text: str, field: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise ValidationError(field, text, N_("must be a date written YYYY-MM-DD")) from None


def _parameters(data: Mapping[str, Any]) -> tuple[dict[str, Any], list[str]]:
    """The recorded parameter values as overrides, and the record path of each name."""
    params: dict[str, Any] = {}
    paths: list[str] = []
    for i, entry in enumerate(_key(data, "parameters", list, "record")):
        where = f"record.parameters[{i}]"
        if not isinstance(entry, Mapping):
            raise ValidationError(where, type(entry).__name__, N_("must be a parameter mapping"))
        name = _key(entry, "name", str, where)
        if name in params:
            raise ValidationError(f"{where}.name", name, N_("is given twice"))
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
            "record.pack",
            recorded_pack,
            R_("is a record of another rule pack than {rules!r}", rules=rules.id),
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

    The digest may be of either scheme: ``jcs-sha256:<hex>`` (RFC 8785 canonical JSON, see
    :attr:`Decision.digest`) or, from records written before it, 64 hex digits with no tag,
    which are recomputed the earlier way and still verify. :func:`replay` of either gives a
    decision with a ``jcs-sha256:`` digest.

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
        raise ValidationError("record.criteria", type(recorded).__name__, N_("must be a list"))
    for i, entry in enumerate(recorded):
        if not isinstance(entry, Mapping):
            raise ValidationError(
                f"record.criteria[{i}]", type(entry).__name__, N_("must be a mapping")
            )
    again = replay(data, pack=pack)
    if not digest_matches(again, digest) or again.outcome.value != outcome:
        return False
    return [c.to_dict()["outcome"] for c in again.criteria] == [c.get("outcome") for c in recorded]
