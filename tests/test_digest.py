"""The decision digest: sha256 over RFC 8785 (JCS) canonical JSON, recomputable from a record.

A graduation decision (4.3.5) is recorded with a digest so it can be replayed and checked
later; these tests recompute it from the record's JSON alone, with ``rfc8785`` and
``hashlib`` and nothing of ``sep``, and pin how digests of the earlier (untagged) scheme are
treated: they still verify, recomputed the earlier way.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from typing import Any

import jsonschema
import pytest
import rfc8785

from sep.errors import ValidationError
from sep.evaluation import (
    builtin_pack,
    check_eligibility,
    check_graduation,
    decision_schema,
    replay,
    verify,
)

pytestmark = pytest.mark.clause("4.3.5")

ON = dt.date(2026, 6, 30)
FACTS: dict[str, Any] = {
    "revenue": "12,000,000.50",
    "profit": 300_000,
    "listed": False,
    "operating_cash_flow": {"2025Q2": "100000", "2025Q1": "-5.5"},
}


def _recompute(text: str) -> str:
    """The documented recipe, applied to the record's JSON alone."""
    record = json.loads(text)
    canonical = {
        "as_of": record["as_of"],
        "inputs": record["inputs"],
        "pack": {"id": record["pack"], "sha256": record["pack_sha256"]},
        "parameters": sorted([p["name"], p["since"], p["value"]] for p in record["parameters"]),
    }
    return "jcs-sha256:" + hashlib.sha256(rfc8785.dumps(canonical)).hexdigest()


def _old_style(record: dict[str, Any]) -> str:
    """The earlier recipe: sha256 over Python json.dumps pieces (no tag)."""
    definition = builtin_pack(record["pack"]).definition
    pack = hashlib.sha256(
        json.dumps(definition, sort_keys=True, ensure_ascii=False, default=str).encode()
    ).hexdigest()
    head = json.dumps(
        [pack, record["as_of"], [[p["name"], p["value"]] for p in record["parameters"]]]
    )
    body = json.dumps(record["inputs"], sort_keys=True, ensure_ascii=False)
    return hashlib.sha256((head + body).encode()).hexdigest()


@pytest.mark.parametrize(
    "decide",
    [
        lambda: check_graduation(FACTS, on=ON),
        lambda: check_graduation({}, on=ON),
        lambda: check_graduation(FACTS, params={"revenue_min": "5.25"}, on=ON),
        lambda: check_eligibility({"size_class": "large", "focused_industry": True}, on=ON),
    ],
)
def test_digest_recomputes_from_the_json_alone(decide: Any) -> None:
    """4.3.5: the digest is sha256 of the JCS of the documented object built from to_json()."""
    d = decide()
    assert _recompute(d.to_json()) == d.digest
    assert _recompute(d.to_json(indent=2)) == d.digest


def test_pack_sha256_is_the_jcs_of_the_pack_definition() -> None:
    """The record's pack_sha256 is sha256 over the JCS of the parsed pack file (4.3.5)."""
    d = check_graduation(FACTS, on=ON)
    definition = builtin_pack(d.pack).definition
    assert d.to_dict()["pack_sha256"] == hashlib.sha256(rfc8785.dumps(definition)).hexdigest()


def test_money_is_text_in_the_canonical_object() -> None:
    """Amounts stay decimal text (JCS numbers are doubles): 0.1 + 0.2 style rounding cannot
    change a digest, and an amount beyond double precision is kept exactly (4.3.5)."""
    a = check_graduation({"revenue": "123456789012345.67"}, on=ON)
    b = check_graduation({"revenue": "123456789012345.68"}, on=ON)
    assert json.loads(a.to_json())["inputs"]["revenue"] == "123456789012345.67"
    assert a.digest != b.digest


def test_the_written_record_validates_against_the_decision_schema() -> None:
    """decision_schema() accepts what sep writes (tagged digest, pack_sha256) and refuses an
    untagged digest, which sep no longer writes."""
    validator = jsonschema.Draft202012Validator(decision_schema())
    data = json.loads(check_graduation(FACTS, on=ON).to_json())
    validator.validate(data)
    with pytest.raises(jsonschema.ValidationError):
        validator.validate({**data, "digest": data["digest"].removeprefix("jcs-sha256:")})


def test_equal_inputs_in_another_key_order_give_the_same_digest() -> None:
    """Key order of inputs and parameter overrides does not matter; a changed input does."""
    forward = dict(FACTS)
    backward = dict(reversed(list(FACTS.items())))
    assert list(forward) != list(backward)
    params_a = {"revenue_min": "5", "profit_min": "1"}
    params_b = dict(reversed(list(params_a.items())))
    a = check_graduation(forward, params=params_a, on=ON)
    b = check_graduation(backward, params=params_b, on=ON)
    assert a.digest == b.digest
    assert check_graduation({**FACTS, "profit": 300_001}, on=ON).digest != a.digest
    assert check_graduation({**FACTS, "listed": True}, on=ON).digest != a.digest
    assert check_graduation(FACTS, on=dt.date(2026, 7, 1)).digest != a.digest


def test_an_old_style_digest_still_verifies() -> None:
    """A record written with the earlier untagged digest verifies, recomputed the earlier way;
    its replay carries the new tagged digest (4.3.5)."""
    data = check_graduation(FACTS, on=ON).to_dict()
    old = {k: v for k, v in data.items() if k != "pack_sha256"}
    old["digest"] = _old_style(data)
    assert len(old["digest"]) == 64
    assert verify(old) is True
    assert verify(json.dumps(old)) is True
    assert replay(old).digest == data["digest"]


@pytest.mark.parametrize(
    "digest",
    [
        "0" * 64,
        "jcs-sha256:" + "0" * 64,
        "sha256:" + "0" * 64,
        "",
    ],
)
def test_a_wrong_digest_of_either_scheme_does_not_verify(digest: str) -> None:
    """A changed digest, tagged, untagged or of an unknown scheme, gives False (4.3.5)."""
    data = check_graduation(FACTS, on=ON).to_dict()
    assert verify({**data, "digest": digest}) is False


def test_an_old_style_digest_of_changed_inputs_does_not_verify() -> None:
    """An untagged digest is checked, not waved through: tampered inputs give False."""
    data = check_graduation(FACTS, on=ON).to_dict()
    old = {**data, "digest": _old_style(data)}
    old["inputs"] = {**old["inputs"], "listed": True}
    assert verify(old) is False


def test_a_digest_that_is_not_text_is_refused_naming_record_digest() -> None:
    """A digest that is not a string is junk, refused naming record.digest."""
    data = check_graduation(FACTS, on=ON).to_dict()
    with pytest.raises(ValidationError) as err:
        verify({**data, "digest": 5})
    assert err.value.field == "record.digest"
