"""The JSON Schemas tell the truth: each accepts a document exactly when ``sep`` does.

Differential tests over generated JSON: valid documents from :mod:`tests.strategies` and the
same documents with one change (a value replaced, a key dropped or added, an item repeated).
For every one, the schema's verdict (draft 2020-12, with format checking) must equal
``sep``'s: :func:`~sep.domain.from_json` for domain documents, :func:`~sep.evaluation.check`
for the named inputs of each shipped pack (refusing with a ``ValidationError`` or not).
The only allowed difference is a document the schema accepts and ``sep`` refuses for a
reason the schema's own description lists as not expressible in JSON Schema (items unique
by a key, rules across fields); those are counted and asserted on separately.
And everything ``sep`` writes (domain JSON, a decision's inputs) validates against its schema.
"""

from __future__ import annotations

import io
import json
import re
from collections.abc import Callable
from decimal import Decimal
from functools import cache
from typing import Any

import attrs
import jsonschema
import pytest
from hypothesis import Phase, assume, given, settings
from hypothesis import strategies as st

from sep import evaluation
from sep._cli import main
from sep._json import loads
from sep._limits import PERIOD_PATTERN
from sep.domain import (
    AuditRecord,
    Enterprise,
    FinancingRound,
    Incubatee,
    Money,
    PeriodFinancials,
    Platform,
    ProcessRecord,
    from_json,
    json_schema,
    to_json,
)
from sep.errors import ValidationError
from sep.evaluation import builtin_pack, builtin_packs, check, input_schema
from sep.evaluation._spec import InputSpec
from tests.strategies import (
    DOMAIN_STRATEGIES,
    bad_period_labels,
    enterprise_s,
    grammar_amount_texts,
    incubatee_s,
    json_leaves,
    json_numbers,
    json_values,
    mutated_json,
    out_of_bound_numbers,
    period_labels,
    plain_amount_texts,
    unknown_input_names,
)

pytestmark = pytest.mark.clause("4.3.5(c)")

ATTRS_CLASSES = [cls for cls in DOMAIN_STRATEGIES if attrs.has(cls)]
# The costly documents (a platform takes ~0.1 s to build) run a share of the profile's
# examples: the classes they nest are each tested on their own with every example.
_COSTLY = {Platform: 15, Incubatee: 5, ProcessRecord: 5, AuditRecord: 5}


def fewer(divisor: int, *, shrink: bool = True) -> settings:
    """The loaded profile with a ``divisor``-th of its examples (at least 5).

    ``shrink=False`` for a test expected to fail until other work lands: shrinking its
    failure only costs time.
    """
    phases = tuple(settings.default.phases) if shrink else (Phase.explicit, Phase.generate)
    return settings(max_examples=max(5, settings.default.max_examples // divisor), phases=phases)


PACKS = builtin_packs()

#: Reasons ``sep`` gives for what its schemas say they cannot express (SCHEMA_LIMITS and
#: INPUT_SCHEMA_LIMITS): a key repeated across items, rules across fields.
GAP_REASONS = (
    "duplicates an earlier item",
    "appears twice",
    "is given twice",
    "contradicts a recorded",
    "members of",
    "repeats an earlier version",
    "is earlier than the revision before it",
    "is not external: an improvement plan",
)


# --- machinery ---------------------------------------------------------------------------


def dumps(value: Any) -> str:
    """JSON text of plain data, writing each Decimal as the JSON number it stands for."""
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dict):
        return "{" + ",".join(f"{json.dumps(k)}:{dumps(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list):
        return "[" + ",".join(dumps(v) for v in value) + "]"
    return json.dumps(value, ensure_ascii=False)


@cache
def _validator(key: type | str) -> jsonschema.Draft202012Validator:
    schema = json_schema(key) if isinstance(key, type) else input_schema(key)
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema, format_checker=jsonschema.FormatChecker())


def schema_accepts(key: type | str, text: str) -> bool:
    """The schema's verdict on JSON ``text``, read as sep reads it (numbers exact)."""
    return bool(_validator(key).is_valid(json.loads(text, parse_float=Decimal)))


def sep_document(cls: type, text: str) -> ValidationError | None:
    """sep's verdict on a domain document: the refusal, or None when it is read."""
    try:
        from_json(cls, text)
    except ValidationError as err:
        return err
    return None


def sep_inputs(pack: str, text: str) -> ValidationError | None:
    """sep's verdict on named inputs sent as JSON (as ``sep check … -`` reads them).

    When sep accepts them, the inputs its decision records must fit the schema too.
    """
    try:
        decision = check(pack, loads(text, what="inputs"))
    except ValidationError as err:
        return err
    recorded = json.loads(decision.to_json(), parse_float=Decimal)["inputs"]
    errors = [e.message for e in _validator(pack).iter_errors(recorded)]
    assert not errors, f"sep records inputs its schema refuses: {recorded} {errors[:3]}"
    return None


def assert_agree(key: type | str, text: str, refusal: ValidationError | None) -> str:
    """Fail unless schema and sep agree on ``text``; return "agree" or "gap"."""
    accepted = schema_accepts(key, text)
    if accepted == (refusal is None):
        return "agree"
    if accepted and refusal is not None and any(r in refusal.reason for r in GAP_REASONS):
        return "gap"
    errors = [e.message for e in _validator(key).iter_errors(json.loads(text, parse_float=Decimal))]
    raise AssertionError(
        f"schema {'accepts' if accepted else 'refuses'} but sep "
        f"{'refuses: ' + str(refusal) if refusal else 'accepts'}\n{text}\n{errors[:3]}"
    )


# --- domain documents --------------------------------------------------------------------


def _document_agreement(cls: type, data: st.DataObject) -> None:
    obj = data.draw(DOMAIN_STRATEGIES[cls])
    document = json.loads(to_json(obj), parse_float=Decimal)
    assert assert_agree(cls, dumps(document), None) == "agree"
    mutated = data.draw(mutated_json(document))
    text = dumps(mutated)
    assert_agree(cls, text, sep_document(cls, text))


@pytest.mark.parametrize(
    "cls", [c for c in ATTRS_CLASSES if c not in _COSTLY], ids=lambda c: c.__name__
)
@given(data=st.data())
@fewer(5)
def test_schema_accepts_a_document_exactly_when_sep_does(cls: type, data: st.DataObject) -> None:
    """What sep writes validates; with one change, schema and from_json agree on it.

    A fifth of the profile's examples per class: there are some twenty classes.
    """
    _document_agreement(cls, data)


def _costly(cls: type) -> Callable[..., None]:
    @fewer(_COSTLY[cls])
    @given(data=st.data())
    def test(data: st.DataObject) -> None:
        _document_agreement(cls, data)

    test.__doc__ = (
        f"What sep writes for a {cls.__name__} validates; with one change, schema and "
        "from_json agree (fewer examples: it nests the classes tested above)."
    )
    return test


test_platform_documents_agree = _costly(Platform)
test_incubatee_documents_agree = _costly(Incubatee)
test_process_record_documents_agree = _costly(ProcessRecord)
test_audit_record_documents_agree = _costly(AuditRecord)


@pytest.mark.parametrize(
    ("cls", "field"),
    [
        (Enterprise, "operating_revenue"),
        (Enterprise, "free_cash_flow"),
        (FinancingRound, "amount"),
        (PeriodFinancials, "revenue"),
        (PeriodFinancials, "profit"),
    ],
)
@given(data=st.data())
@fewer(3, shrink=False)
def test_documents_follow_the_amount_grammar(cls: type, field: str, data: st.DataObject) -> None:
    """Amounts at the grammar's edges ("1,5", "1e3", "１２３", past 10^15): same verdict."""
    document = json.loads(to_json(data.draw(DOMAIN_STRATEGIES[cls])), parse_float=Decimal)
    edge = data.draw(grammar_amount_texts | out_of_bound_numbers)
    document[field] = data.draw(st.sampled_from([edge, {"amount": edge}]))
    text = dumps(document)
    assert_agree(cls, text, sep_document(cls, text))


def test_gaps_are_real_refusals() -> None:
    """What the schema says it cannot express, sep refuses: a repeated period (4.3.5(c))."""
    document = {
        "id": "a",
        "name": "A",
        "origin": "internal",
        "financials": [{"period": "2025"}, {"period": "2025"}],
    }
    text = json.dumps(document)
    assert schema_accepts(Incubatee, text)
    refusal = sep_document(Incubatee, text)
    assert refusal is not None and refusal.field == "financials[1].period"
    assert assert_agree(Incubatee, text, refusal) == "gap"
    assert "unique by a key" in json_schema(Incubatee)["description"]


@pytest.mark.parametrize(
    ("document", "accepted"),
    [
        ({"amount": "10000000"}, True),
        ({"amount": "-5"}, True),
        ({"amount": 0.5}, True),
        pytest.param({"amount": "1E+7"}, False),
        ({"amount": "5", "currency": "CNY\n"}, False),
        ("8200000", True),
    ],
)
def test_money_schema_on_examples(document: Any, accepted: bool) -> None:
    """Money: decimal strings (no exponent) or exact JSON numbers; a bare amount is CNY."""
    text = dumps(json.loads(json.dumps(document), parse_float=Decimal))
    assert schema_accepts(Money, text) is accepted
    assert (sep_document(Money, text) is None) is accepted


def test_money_writes_plain_decimals() -> None:
    """Money(Decimal("1E+7")) is written "10000000", which its schema accepts ("1E+7" not)."""
    text = to_json(Money(Decimal("1E+7")))
    assert json.loads(text)["amount"] == "10000000"
    assert schema_accepts(Money, text)
    assert from_json(Money, text) == Money(10_000_000)


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("founded", "20250131"),
        ("founded", "2025-W05-5"),
        ("name", " "),
        ("financials", [{"period": "２０２５"}]),
        ("financials", [{"period": "1899"}]),
        ("financials", [{"period": "2025 "}]),
    ],
)
def test_schema_and_sep_refuse_the_same_near_misses(field: str, value: Any) -> None:
    """Dates not YYYY-MM-DD, blank names, non-ASCII or out-of-range periods: both refuse."""
    document = {"id": "a", "name": "A", "origin": "internal", field: value}
    text = json.dumps(document, ensure_ascii=False)
    assert not schema_accepts(Incubatee, text)
    assert sep_document(Incubatee, text) is not None


# --- named inputs ------------------------------------------------------------------------


def _amount(grammar: bool) -> st.SearchStrategy[Any]:
    bare = grammar_amount_texts | out_of_bound_numbers if grammar else plain_amount_texts
    bare = bare | json_numbers
    wrapped = st.fixed_dictionaries(
        {"amount": bare}, optional={"currency": st.sampled_from(["CNY", "CNY", "USD"])}
    )
    return bare | wrapped


def _series(grammar: bool) -> st.SearchStrategy[Any]:
    labels = period_labels if grammar else period_labels | bad_period_labels
    amount = st.none() | _amount(grammar)
    rows = st.lists(
        st.fixed_dictionaries(
            {"period": labels | st.sampled_from([2024, 2025])},
            optional={"amount": amount},
        ),
        max_size=4,
    )
    return st.dictionaries(labels, amount, max_size=4) | rows


def _good_or_near_miss(spec: InputSpec, grammar: bool) -> st.SearchStrategy[Any]:
    if spec.type == "bool":
        return st.booleans()
    if spec.type == "enum":
        return st.sampled_from([*spec.values, *spec.unknown])
    if spec.type == "series":
        return _series(grammar)
    if spec.type == "number":
        edge = st.sampled_from(["50", "100", "100.0", "100.5", "-1", "0", "-0", 100, 101, -1])
        return (grammar_amount_texts if grammar else edge) | json_numbers
    return _amount(grammar)


def _input_value(spec: InputSpec, grammar: bool = False) -> st.SearchStrategy[Any]:
    # Mostly values of the input's own type, so that one junk value does not decide every
    # verdict; junk of any JSON type too, except where the amount grammar is on trial.
    own = _good_or_near_miss(spec, grammar)
    return own if grammar else st.one_of(own, own, own, json_values)


@cache
def named_inputs(pack: str, grammar: bool = False) -> st.SearchStrategy[dict[str, Any]]:
    """A mapping of some of ``pack``'s inputs, each a good value or a near miss."""
    specs = builtin_pack(pack).inputs
    return st.fixed_dictionaries(
        {}, optional={name: _input_value(spec, grammar) for name, spec in specs.items()}
    )


def _unread_label(pack: str, inputs: dict[str, Any]) -> bool:
    """Whether a series holds a label sep skips unread today: one whose amount is null."""
    for name, value in inputs.items():
        if builtin_pack(pack).inputs[name].type != "series":
            continue
        if isinstance(value, dict):
            entries = [(label, amount) for label, amount in value.items()]
        elif isinstance(value, list):
            entries = [
                (row.get("period"), row.get("amount")) for row in value if isinstance(row, dict)
            ]
        else:
            continue
        for label, amount in entries:
            if amount is None and not re.fullmatch(PERIOD_PATTERN, str(label)):
                return True
    return False


@pytest.mark.parametrize("pack", PACKS)
@given(data=st.data())
@fewer(2)
def test_input_schema_accepts_inputs_exactly_when_check_does(
    pack: str, data: st.DataObject
) -> None:
    """Named inputs (good values and near misses): input_schema and check agree."""
    inputs = data.draw(named_inputs(pack))
    assume(not _unread_label(pack, inputs))  # tried below, until the series reader lands
    text = dumps(inputs)
    assert_agree(pack, text, sep_inputs(pack, text))


@pytest.mark.parametrize("pack", PACKS)
@given(data=st.data())
@fewer(3, shrink=False)
def test_named_inputs_follow_the_amount_grammar(pack: str, data: st.DataObject) -> None:
    """Amounts at the grammar's edges ("1,5", "1e3", "１２３", past 10^15): same verdict."""
    text = dumps(data.draw(named_inputs(pack, grammar=True)))
    assert_agree(pack, text, sep_inputs(pack, text))


@pytest.mark.parametrize("pack", PACKS)
@given(data=st.data())
@fewer(3, shrink=False)
def test_unknown_input_names_are_refused_by_both(pack: str, data: st.DataObject) -> None:
    """A misspelt name ("revenu", "Listed") is refused by the schema and by check."""
    inputs = data.draw(named_inputs(pack))
    inputs[data.draw(unknown_input_names)] = data.draw(json_leaves)
    text = dumps(inputs)
    assert not schema_accepts(pack, text)
    assert sep_inputs(pack, text) is not None


def test_a_period_given_twice_is_the_one_gap_and_sep_refuses_it() -> None:
    """4.3.5(c): two rows for one quarter pass the schema (it cannot say so), sep refuses."""
    pack = evaluation.GRADUATION
    for series in (
        [{"period": "2025Q1", "amount": "1"}, {"period": "2025Q1", "amount": "2"}],
        {"2025Q1": "1", "2025-Q1": "2"},
    ):
        text = json.dumps({"operating_cash_flow": series})
        assert schema_accepts(pack, text)
        refusal = sep_inputs(pack, text)
        assert refusal is not None and "twice" in refusal.reason
    assert "unique by period" in input_schema(pack)["description"]


@pytest.mark.parametrize(
    "series",
    [[{"period": "junk", "amount": None}], {"2025Q5": None}],
    ids=["row", "table"],
)
def test_a_period_sep_cannot_read_is_refused_even_without_an_amount(series: Any) -> None:
    """4.3.5(c): a bad period label is refused by the schema, and must be by sep (a value
    sep cannot read is an error), even where its amount is null."""
    text = json.dumps({"operating_cash_flow": series})
    assert not schema_accepts(evaluation.GRADUATION, text)
    assert sep_inputs(evaluation.GRADUATION, text) is not None


@pytest.mark.parametrize(
    ("inputs", "accepted"),
    [
        ({"revenue": "-5"}, False),
        ({"revenue": -5}, False),
        ({"profit": "-5"}, True),
        ({"revenue": Decimal("0.5")}, True),
        ({"revenue": ""}, True),
        ({"revenue": {"amount": "5", "currency": "USD"}}, False),
        ({"operating_cash_flow": {"2025": "1", "2025Q1": "2"}}, False),
        ({"operating_cash_flow": [{"period": 2025, "amount": "1"}]}, True),
        ({"operating_cash_flow": {"1800": "1"}}, False),
        ({"operating_cash_flow": {"２０２５": "1"}}, False),
    ],
)
def test_input_schema_on_the_reported_examples(inputs: dict[str, Any], accepted: bool) -> None:
    """4.3.5(c): negative revenue refused (profit may be negative), JSON numbers read exactly,
    mixed years and quarters, years outside 1900–2999 and non-ASCII labels refused by both."""
    text = dumps(inputs)
    assert schema_accepts(evaluation.GRADUATION, text) is accepted
    assert (sep_inputs(evaluation.GRADUATION, text) is None) is accepted


@pytest.mark.parametrize(
    ("question", "strategy", "pack"),
    [
        ("graduation", incubatee_s(), evaluation.GRADUATION),
        ("graduation", incubatee_s(), evaluation.TORCH_2018_GRADUATION),
        ("eligibility", enterprise_s, evaluation.ELIGIBILITY),
    ],
)
@given(data=st.data())
@fewer(3)
def test_the_inputs_a_decision_records_validate(
    question: str, strategy: st.SearchStrategy[Any], pack: str, data: st.DataObject
) -> None:
    """The inputs a decision records (its to_json) are valid for the pack's input schema."""
    obj = data.draw(strategy)
    try:
        decision = check(pack, obj)
    except ValidationError:
        return  # a domain object the pack cannot read (USD figures): nothing recorded
    recorded = json.loads(decision.to_json(), parse_float=Decimal)["inputs"]
    errors = list(_validator(pack).iter_errors(recorded))
    assert not errors, [e.message for e in errors[:3]]


# --- the command line --------------------------------------------------------------------

SCHEMA_KINDS: list[tuple[str, Callable[[], dict[str, Any]]]] = [
    ("enterprise", lambda: json_schema(Enterprise)),
    ("incubatee", lambda: json_schema(Incubatee)),
    ("platform", lambda: json_schema(Platform)),
    *[(alias, lambda a=alias: input_schema(a)) for alias in ("graduation", "eligibility")],
    *[(pack, lambda p=pack: input_schema(p)) for pack in PACKS],
]


@pytest.mark.parametrize(("kind", "expected"), SCHEMA_KINDS, ids=[k for k, _ in SCHEMA_KINDS])
def test_sep_schema_prints_the_same_schema_objects(
    kind: str, expected: Callable[[], dict[str, Any]]
) -> None:
    """`sep schema KIND` prints exactly the schema the library checks documents against."""
    out = io.StringIO()
    assert main(["schema", kind], out=out) == 0
    assert json.loads(out.getvalue()) == expected()
