"""Errors' reasons in Chinese: every fixed reason sep writes is a catalogue entry, so a
Chinese error line (CLI), JSON error (``reason_text``) and problem document say it in
Chinese; a reason built from the data stays as written; English is unchanged.
"""

from __future__ import annotations

import ast
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from sep._cli import cli
from sep._i18n import translation
from sep.errors import MISSING, RuleDefinitionError, TransitionError, ValidationError

pytestmark = pytest.mark.clause("4.3.5", "4.2.1", "4.3.5(b)")

SEP = Path(__file__).resolve().parent.parent / "sep"
#: Modules the catalogue itself imports, which cannot import N_ back.
BELOW_THE_CATALOGUE = {"_i18n.py", "_suggest.py", "_limits.py", "errors.py"}


def _literal_reasons() -> list[tuple[str, int, str, bool]]:
    """(file, line, reason, marked) for each ``ValidationError``/``RuleDefinitionError``
    whose reason is written in the code, marked when wrapped in ``N_``."""
    found = []
    for path in sorted(SEP.rglob("*.py")):
        if path.name in BELOW_THE_CATALOGUE and path.parent == SEP:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Name)
                and node.func.id in ("ValidationError", "RuleDefinitionError")
                and len(node.args) >= 3
            ):
                continue
            reason = node.args[2]
            name = str(path.relative_to(SEP))
            if isinstance(reason, ast.Constant) and isinstance(reason.value, str):
                found.append((name, node.lineno, reason.value, False))
            elif (
                isinstance(reason, ast.Call)
                and isinstance(reason.func, ast.Name)
                and reason.func.id == "N_"
                and isinstance(reason.args[0], ast.Constant)
            ):
                found.append((name, node.lineno, reason.args[0].value, True))
    return found


def test_every_reason_written_in_the_code_is_a_translated_catalogue_entry() -> None:
    """A fixed reason is marked N_ (so it is extracted), and the Chinese catalogue has it."""
    reasons = _literal_reasons()
    assert len(reasons) > 150  # the walk found the sites
    unmarked = [f"{f}:{line}: {r!r}" for f, line, r, marked in reasons if not marked]
    assert unmarked == [], "wrap these reasons in N_(...)"
    zh = translation("zh")
    untranslated = sorted({r for _, _, r, _ in reasons if zh.gettext(r) == r})
    assert untranslated == []


@pytest.mark.parametrize(
    ("error", "english", "chinese"),
    [
        (ValidationError("id", MISSING, "is required"), "id: is required", "id: 为必填项"),
        (
            ValidationError("on", "x", "must be a date", clause="4.3.5"),
            "on: must be a date (got 'x') [T/CATE 0001—2020 4.3.5]",
            "on: 必须是日期（实际为 'x'） [4.3.5 在孵企业毕业标准]",
        ),
        (
            RuleDefinitionError("pack.toml", "criteria", "a pack needs at least one criterion"),
            "pack.toml: criteria: a pack needs at least one criterion",
            "pack.toml: criteria: 规则包至少需要一个判据",
        ),
        (
            ValidationError("n", 40, "must be at most 30"),  # built from data: as written
            "n: must be at most 30 (got 40)",
            "n: must be at most 30（实际为 40）",
        ),
    ],
)
def test_an_errors_text_says_its_reason_in_the_language_asked(
    error: ValidationError | RuleDefinitionError, english: str, chinese: str
) -> None:
    """``text("en")`` is ``str(error)``; ``text("zh")`` translates the reason, the "got"
    and the clause's title."""
    assert error.text() == str(error) == english
    assert error.text("zh") == chinese


def test_an_error_without_a_reason_has_none() -> None:
    """A transition error's reason is translated too; an error class without one says None."""
    from sep.errors import EngineError

    assert EngineError("zen", "boom").reason_text("zh") is None
    err = TransitionError("graduate", "screening", "is required")
    assert err.reason_text("zh") == "为必填项"
    with pytest.raises(ValidationError):
        err.reason_text("fr")


def test_the_chinese_error_line_and_json_error_say_the_reason_in_chinese(
    tmp_path: Path,
) -> None:
    """``sep validate … --lang zh`` on a document missing its id: the line and the JSON
    error say 为必填项; in English the line and ``reason`` are unchanged."""
    doc = tmp_path / "incubatee.json"
    doc.write_text(json.dumps({"name": "A"}), encoding="utf-8")
    zh = CliRunner().invoke(cli, ["validate", "incubatee", str(doc), "--lang", "zh"])
    assert zh.exit_code == 2 and "为必填项" in zh.stderr and "is required" not in zh.stderr
    en = CliRunner().invoke(cli, ["validate", "incubatee", str(doc)])
    assert "is required" in en.stderr
    as_json = CliRunner().invoke(
        cli, ["validate", "incubatee", str(doc), "--lang", "zh", "--format", "json"]
    )
    payload = json.loads(as_json.stderr)
    assert payload["reason"] == "is required" and payload["reason_text"] == "为必填项"


def test_the_services_problem_carries_the_reason_in_the_language_asked() -> None:
    """A 422 problem document with ``?lang=zh`` has ``reason_text`` in Chinese beside the
    English ``reason``."""
    pytest.importorskip("fastapi")
    from fastapi.testclient import TestClient

    from sep.server import create_app

    client = TestClient(create_app())
    answer = client.post("/v1/check/graduation?lang=zh", json={"document": {"name": "A"}})
    assert answer.status_code == 422
    body = answer.json()
    assert body["reason"] == "is required" and body["reason_text"] == "为必填项"
