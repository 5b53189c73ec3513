"""The JSON Schemas of what sep writes: every decision record and audit report validates.

Integrators validate stored decisions (3.1/4.2.1, 4.3.5, 4.3.7-b) and audit reports
(4.1–4.3.7) against ``sep schema decision`` and ``sep schema audit-report``; these tests
run sep's own writers over examples and generated data and validate each document.
"""

from __future__ import annotations

import datetime as dt
import io
import json
from typing import Any

import jsonschema
import pytest
from hypothesis import given
from hypothesis import strategies as st

import sep
import sep._written
from sep._cli import main
from sep.assessment import audit_report_schema
from sep.domain import Platform
from sep.evaluation import (
    builtin_pack,
    builtin_packs,
    check,
    check_graduation_batch,
    decision_schema,
)
from sep.examples import annex_c_founder, annex_c_platform, demo_incubatees
from tests.strategies import platform_s

pytestmark = pytest.mark.clause("3.1", "4.2.1", "4.3.5")

DECISION = jsonschema.Draft202012Validator(decision_schema())
REPORT = jsonschema.Draft202012Validator(audit_report_schema())
ON = dt.date(2026, 1, 1)


def _valid(validator: jsonschema.Draft202012Validator, text: str) -> None:
    errors = [
        f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(json.loads(text))
    ]
    assert not errors, errors[:5]


def test_the_schemas_are_valid_draft_2020_12() -> None:
    """Both schemas are themselves valid JSON Schemas (draft 2020-12)."""
    jsonschema.Draft202012Validator.check_schema(decision_schema())
    jsonschema.Draft202012Validator.check_schema(audit_report_schema())


def test_the_schema_refuses_a_changed_record() -> None:
    """A record missing its digest, or with an outcome sep never writes, is refused."""
    record = sep.check_graduation({"listed": True}, on=ON).to_dict()
    assert DECISION.is_valid(record)
    assert not DECISION.is_valid({k: v for k, v in record.items() if k != "digest"})
    assert not DECISION.is_valid({**record, "outcome": "maybe"})


def test_example_decisions_validate() -> None:
    """The Annex C founder (3.1, 4.2.1), the demo incubatees (4.3.5) and every shipped pack
    with no facts write records that validate."""
    decisions = [sep.check_eligibility(annex_c_founder(), on=ON)]
    decisions += [sep.check_graduation(i, on=ON) for i in demo_incubatees()]
    decisions += [check(p, {}, on=ON) for p in builtin_packs()]
    for d in decisions:
        _valid(DECISION, d.to_json())
        _valid(DECISION, d.replay().to_json())


def _leaf_values(pack_id: str) -> dict[str, st.SearchStrategy[Any]]:
    out: dict[str, st.SearchStrategy[Any]] = {}
    for name, spec in builtin_pack(pack_id).inputs.items():
        low = int(spec.minimum) if spec.minimum is not None else -(10**6)
        high = int(spec.maximum) if spec.maximum is not None else 10**9
        if spec.type == "bool":
            out[name] = st.none() | st.booleans()
        elif spec.type == "enum":
            out[name] = st.sampled_from([*spec.values, *spec.unknown])
        elif spec.type in ("number", "money"):
            out[name] = st.integers(low, high).map(str)
        else:
            # A pack may hold a series to years (第九条(十)3's annual revenue is yearly).
            labels = ["2023", "2024", "2025"] if spec.period == "year" else ["2025Q1", "2025Q2"]
            out[name] = st.dictionaries(
                st.sampled_from(labels),
                st.none() | st.integers(low, 10**6).map(str),
            )
    return out


@given(data=st.data(), pack_id=st.sampled_from(sorted(builtin_packs())))
def test_every_decision_validates(data: st.DataObject, pack_id: str) -> None:
    """Any facts, any shipped pack: the decision record sep writes validates."""
    values = _leaf_values(pack_id)
    names = data.draw(st.sets(st.sampled_from(sorted(values))))
    facts = {name: data.draw(values[name]) for name in names}
    _valid(DECISION, check(pack_id, facts, on=ON).to_json())


def test_batch_row_decisions_validate() -> None:
    """A row of a batch run (4.3.5), explained as a decision, validates too."""
    result = check_graduation_batch({"revenue": [8_200_000.0, 12_000_000.0]}, on=ON)
    for i in range(len(result)):
        _valid(DECISION, result.decision(i).to_json())


def test_example_audit_reports_validate() -> None:
    """The Annex C platform's audit (4.1–4.3.7), with and without its portfolio."""
    for platform in (annex_c_platform(portfolio=False), annex_c_platform()):
        _valid(REPORT, sep.audit(platform, on=dt.date(2020, 9, 30)).to_json())


@given(platform_s)
def test_every_audit_report_validates(platform: Platform) -> None:
    """Any valid platform: the audit report sep writes validates."""
    _valid(REPORT, sep.audit(platform, on=dt.date(2026, 1, 1)).to_json())


@pytest.mark.parametrize("kind", sorted(sep._written.WRITTEN_SCHEMAS))
def test_sep_schema_prints_them(kind: str) -> None:
    """``sep schema NAME`` prints each schema of what sep writes (decision, batch-summary,
    audit-report, incubatee-file) exactly as the library builds it, and ``--list`` names it."""
    out = io.StringIO()
    assert main(["schema", kind], out=out) == 0
    assert json.loads(out.getvalue()) == sep._written.WRITTEN_SCHEMAS[kind]()
    listed = io.StringIO()
    assert main(["schema", "--list"], out=listed) == 0
    assert kind in listed.getvalue().split()
