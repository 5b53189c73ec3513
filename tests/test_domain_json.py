"""JSON in and out of every domain object: lossless round trips, schemas that accept them."""

from __future__ import annotations

import json
from functools import cache
from typing import Any

import attrs
import jsonschema
import pytest
from hypothesis import given
from hypothesis import strategies as st

from sep.domain import (
    Enterprise,
    Incubatee,
    Money,
    Period,
    Platform,
    from_dict,
    from_json,
    json_schema,
    to_dict,
    to_json,
)
from sep.examples import annex_c_platform
from tests.strategies import DOMAIN_STRATEGIES

pytestmark = pytest.mark.clause("4.3.5", "C")

ATTRS_CLASSES = [cls for cls in DOMAIN_STRATEGIES if attrs.has(cls)]


@pytest.mark.parametrize("cls", ATTRS_CLASSES, ids=lambda c: c.__name__)
@given(data=st.data())
def test_json_round_trip_is_lossless(cls: type, data: st.DataObject) -> None:
    """Every domain object survives to_json → from_json unchanged (amounts as Decimal)."""
    obj = data.draw(DOMAIN_STRATEGIES[cls])
    text = to_json(obj)
    assert from_json(cls, text) == obj
    assert to_json(from_json(cls, text)) == text


@pytest.mark.parametrize("cls", [Enterprise, Incubatee, Platform], ids=lambda c: c.__name__)
@given(data=st.data())
def test_json_validates_against_the_published_schema(cls: type, data: st.DataObject) -> None:
    """What sep writes for a top-level object is valid against that object's JSON Schema."""
    obj = data.draw(DOMAIN_STRATEGIES[cls])
    _validator(cls).validate(json.loads(to_json(obj)))


@cache
def _validator(cls: type) -> jsonschema.Draft202012Validator:
    return jsonschema.Draft202012Validator(json_schema(cls))


@pytest.mark.parametrize("cls", [Enterprise, Incubatee, Platform], ids=lambda c: c.__name__)
def test_schemas_are_valid_draft_2020_12(cls: type) -> None:
    """Each JSON Schema is itself a valid draft 2020-12 schema and refuses unknown fields."""
    schema = json_schema(cls)
    jsonschema.Draft202012Validator.check_schema(schema)
    assert schema["$defs"][cls.__name__]["additionalProperties"] is False


def test_schema_fields_cite_their_clause() -> None:
    """Schema descriptions carry the clause of each field, for integrators reading them."""
    props = json_schema(Incubatee)["$defs"]["Incubatee"]["properties"]
    assert props["acquired_by_founder"]["description"].endswith("[4.3.5(a)]")
    assert props["platform_equity_exited"]["description"].endswith("[4.3.5(d)]")


def test_schema_refuses_what_sep_refuses() -> None:
    """An unknown enum value and an extra field fail schema validation, as in from_dict."""
    schema = json_schema(Incubatee)
    bad: dict[str, Any] = {"id": "a", "name": "A", "origin": "martian"}
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(bad, schema)
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({"id": "a", "name": "A", "origin": "internal", "x": 1}, schema)


def test_amounts_travel_as_decimal_strings() -> None:
    """Money is written as a decimal string, never a float, and read back exactly."""
    assert to_dict(Money("0.10")) == {"amount": "0.10", "currency": "CNY"}
    assert from_json(Money, '{"amount": 0.1}') == Money("0.1")
    assert from_dict(Money, 5) == Money(5)


def test_periods_and_dates_are_strings() -> None:
    """Periods are written 2025Q2 and read from that, a bare year, or an integer year."""
    assert to_dict(Period(2025, 2)) == "2025Q2"
    assert from_dict(Period, "2025") == Period(2025)
    assert from_dict(Period, 2024) == Period(2024)


def test_annex_c_platform_round_trips() -> None:
    """The whole Annex C platform (4,001 incubatees) round-trips through JSON."""
    platform = annex_c_platform()
    assert from_json(Platform, to_json(platform)) == platform


@pytest.mark.clause("4.3.2")
@pytest.mark.parametrize(
    ("pair", "reason"),
    [
        ("00", "must be a JSON array"),
        (["k", "v", "extra"], "must be a JSON array of 2 items"),
        (["k"], "must be a JSON array of 2 items"),
        ({"k": "v"}, "must be a JSON array"),
    ],
)
def test_a_recorded_pair_is_an_array_of_two_never_a_split_string(pair: Any, reason: str) -> None:
    """4.3.2: a transition's further facts are (key, value) pairs. The string "00" was
    read as the pair ("0", "0") and a list of three lost nothing to a refusal; both are
    refused, naming the pair, as the published schema refuses them."""
    from sep.domain import ProcessRecord
    from sep.errors import ValidationError

    record = {
        "state": "applied",
        "history": [
            {
                "from_state": "applied",
                "to_state": "screening",
                "trigger": "screen",
                "at": "2025-01-01T00:00:00+00:00",
                "data": [["reviewer", "r1"], pair],
            }
        ],
    }
    with pytest.raises(ValidationError) as err:
        from_dict(ProcessRecord, record)
    assert err.value.field == "history[0].data[1]" and err.value.reason == reason
    schema = json_schema(ProcessRecord)
    assert list(jsonschema.Draft202012Validator(schema).iter_errors(record))
    record["history"][0]["data"] = [["reviewer", "r1"]]
    assert from_dict(ProcessRecord, record).history[0].data == (("reviewer", "r1"),)
