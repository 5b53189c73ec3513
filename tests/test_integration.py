"""How the pieces meet at sep's boundary: domain documents, named inputs, schemas, the CLI."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import jsonschema
import numpy as np
import pytest

import sep
from sep._cli import EXIT_ERROR, main
from sep.domain import Incubatee, Origin, json_schema, to_json
from sep.evaluation import check_graduation_batch, input_schema
from sep.examples import annex_c_platform, demo_incubatees
from sep.lifecycle import IncubationProcess

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize(
    ("name", "value", "clause"),
    [
        ("revenue", -5, "4.3.5(c)"),
        ("revenue", "-0.01", "4.3.5(c)"),
        ("largest_financing_round", {"amount": "-1"}, "4.3.5(b)"),
    ],
)
def test_negative_money_is_refused_by_every_engine(name: str, value: Any, clause: str) -> None:
    """Negative revenue or financing is bad input (4.3.5), not a NOT MET answer."""
    with pytest.raises(sep.ValidationError) as direct:
        sep.check_graduation({name: value})
    assert (direct.value.field.split(".")[0], direct.value.clause) == (name, clause)
    with pytest.raises(sep.ValidationError) as batch:
        check_graduation_batch({name: np.array([1.0, -0.01])})
    assert (batch.value.field, batch.value.clause) == (f"{name}[1]", clause)


def test_profit_and_cash_flow_may_be_negative() -> None:
    """A loss is data, not an error: negative profit gives NOT MET on 4.3.5(c).profit."""
    decision = sep.check_graduation({"profit": "-5"})
    assert decision.outcome_of("4.3.5(c).profit") is sep.Outcome.NOT_MET


def test_a_domain_document_is_validated_before_it_is_decided() -> None:
    """The JSON of an Incubatee is read as one (4.3.5): same answer as the object itself."""
    incubatee = demo_incubatees()[1]
    from_document = sep.check_graduation(json.loads(to_json(incubatee)))
    from_object = sep.check_graduation(incubatee)
    assert from_document.digest == from_object.digest
    assert from_document.outcome_of("4.3.5(c).revenue") is sep.Outcome.NOT_MET
    with pytest.raises(sep.ValidationError) as err:
        sep.check_graduation({"id": "x", "name": "X", "origin": "martian"})
    assert (err.value.field, err.value.clause) == ("origin", "4.2.2")


def test_no_facts_at_all_is_unknown_with_every_input_missing() -> None:
    """check_graduation({}) is a valid question: UNKNOWN, every 4.3.5 input named missing."""
    decision = sep.check_graduation({})
    assert decision.outcome is sep.Outcome.UNKNOWN
    assert set(decision.missing) == set(input_schema("graduation")["properties"])
    text = decision.explain()
    for clause in ("4.3.5(a)", "4.3.5(b)", "4.3.5(c)", "4.3.5(d)"):
        assert clause in text


def test_input_schema_accepts_what_the_rules_accept() -> None:
    """A domain object's facts, as JSON, are valid against the pack's input schema."""
    validator = jsonschema.Draft202012Validator(input_schema("graduation"))
    for incubatee in demo_incubatees():
        inputs = sep.check_graduation(incubatee).to_dict()["inputs"]
        validator.validate(inputs)
    with pytest.raises(jsonschema.ValidationError):
        validator.validate({"revenue": "-5"})
    with pytest.raises(jsonschema.ValidationError):
        validator.validate({"revnue": "5"})


def _run(*argv: str, stdin: str | None = None, monkeypatch: Any = None) -> tuple[int, str]:
    out = io.StringIO()
    if stdin is not None:
        monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
    return main(list(argv), out=out), out.getvalue()


def test_cli_check_explains_and_sets_exit_codes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`sep check graduation` explains in en/zh; its exit status is the outcome (3: unknown)."""
    path = tmp_path / "inc.json"
    path.write_text(to_json(demo_incubatees()[0]), encoding="utf-8")
    status, text = _run("check", "graduation", str(path))
    assert status == 0
    assert "MET — met by 4.3.5(a)" in text
    status, text = _run("check", "graduation", str(path), "--lang", "zh")
    assert status == 0
    assert "4.3.5(a)" in text
    status, _ = _run("check", "graduation", "-", stdin="{}", monkeypatch=monkeypatch)
    assert status == 3
    status, text = _run(
        "check",
        "graduation",
        "-",
        "--format",
        "json",
        stdin='{"listed": false}',
        monkeypatch=monkeypatch,
    )
    assert json.loads(text)["outcome"] == "unknown"


def test_cli_errors_name_field_and_clause(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Bad input exits 2 with one JSON error naming the field and clause; nothing on stdout."""
    status, text = _run(
        "check",
        "graduation",
        "-",
        "--format",
        "json",
        stdin='{"revenue": "-5"}',
        monkeypatch=monkeypatch,
    )
    assert status == EXIT_ERROR
    assert text == ""
    error = json.loads(capsys.readouterr().err)
    assert (error["error"], error["field"], error["clause"]) == (
        "ValidationError",
        "revenue",
        "4.3.5(c)",
    )
    status, _ = _run("validate", "incubatee", "-", stdin="{not json", monkeypatch=monkeypatch)
    assert status == EXIT_ERROR


def test_cli_schema_validate_audit_and_diagram(tmp_path: Path) -> None:
    """The integrator commands print schemas, validate documents, audit, draw the process."""
    status, text = _run("schema", "incubatee")
    assert status == 0
    assert json.loads(text) == json_schema(Incubatee)
    status, text = _run("schema", "graduation")
    assert json.loads(text) == input_schema("graduation")
    path = tmp_path / "platform.json"
    path.write_text(to_json(annex_c_platform(portfolio=False)), encoding="utf-8")
    assert _run("validate", "platform", str(path)) == (0, "ok: a valid Platform\n")
    status, text = _run("audit", str(path), "--on", "2020-10-01")
    assert status == 3  # no clause fails, some cannot be settled from the example's data
    assert "| 4.2.5 |" in text
    status, text = _run("audit", str(path), "--format", "json", "--on", "2020-10-01")
    assert json.loads(text)["platform"] == "H+"
    status, text = _run("lifecycle", "diagram")
    assert text.startswith("stateDiagram-v2")


def test_demo_decides_the_annex_c_founder_and_incubatees() -> None:
    """`sep demo` prints the founder's eligibility (4.2.1) and each demo graduation (4.3.5)."""
    status, text = _run("demo")
    assert status == 0
    assert "4001 projects, 343 accelerated" in text
    assert "Eligibility of a founding enterprise (T/CATE 0001—2020, 4.2.1): MET" in text
    assert text.count("Graduation of an incubatee") == 5


def test_lifecycle_diagram_in_docs_matches_the_code() -> None:
    """docs/lifecycle.rst shows exactly the Mermaid text the process generates (4.3.2)."""
    docs = (ROOT / "docs" / "lifecycle.rst").read_text(encoding="utf-8")
    mermaid = IncubationProcess().to_mermaid()
    indented = "\n".join(f"   {line}" if line else "" for line in mermaid.splitlines())
    assert indented in docs


def test_incubatee_without_data_is_not_refused() -> None:
    """An incubatee known only by name is a valid file with every 4.3.5 criterion UNKNOWN."""
    decision = sep.check_graduation(Incubatee("a", "A", Origin.EXTERNAL))
    assert decision.outcome is sep.Outcome.UNKNOWN
