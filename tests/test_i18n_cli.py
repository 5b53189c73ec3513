"""The command line and errors in Chinese: the clause titles of T/CATE 0001—2020 in both
languages (every id), ``SepError.clause_text``, and what ``sep … --lang zh`` writes itself
(error and warning lines, I/O and usage wrapping, the texts of validate, packs,
parameters, audit, cases and verify), for integrators reading a Chinese terminal.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from sep._cli import cli
from sep._i18n import translation
from sep.domain import Platform, from_dict
from sep.errors import RuleDefinitionError, SepError, TransitionError, ValidationError
from sep.evaluation._clauses import TCATE_CLAUSES, TCATE_INDEX, TCATE_TITLES, clause_title
from tests.test_i18n import ALLOWED, _english_left, _without_data

pytestmark = pytest.mark.clause("4.3.5", "4.3.5(b)", "4.3.7-b", "4.2.1")

CJK = re.compile(r"[\u4e00-\u9fff]")


def _run(*argv: str, stdin: str | None = None) -> Result:
    return CliRunner().invoke(cli, list(argv), input=stdin, catch_exceptions=False)


def test_every_clause_has_a_title_in_english_and_chinese() -> None:
    """Each clause id of the index has a short English title and a different Chinese one
    (written in Chinese characters), and no title names an id outside the index."""
    assert set(TCATE_TITLES) == TCATE_CLAUSES
    for info in TCATE_INDEX:
        en = clause_title(info.id, "en")
        zh = clause_title(info.id, "zh")
        assert en and en.strip() == en, info.id
        assert zh and zh != en and CJK.search(zh), (info.id, zh)
    assert clause_title("第九条(十)", "zh") is None


def test_an_errors_clause_reads_in_either_language() -> None:
    """``clause_text`` gives ``<id> <title>`` in the language asked, the bare id for a
    clause of another document, ``None`` without a clause, and refuses an unknown lang."""
    for info in TCATE_INDEX:
        errors: list[SepError] = [
            ValidationError("f", 1, "is bad", clause=info.id),
            RuleDefinitionError("pack.toml", "k", "is bad", clause=info.id),
            TransitionError("graduate", "screening", "not yet", clause=info.id),
        ]
        for err in errors:
            assert err.clause_text("zh") == f"{info.id} {clause_title(info.id, 'zh')}"
            assert err.clause_text() == f"{info.id} {clause_title(info.id, 'en')}"
    assert ValidationError("f", 1, "bad", clause="第九条(十)").clause_text("zh") == "第九条(十)"
    assert ValidationError("f", 1, "bad").clause_text("zh") is None
    with pytest.raises(ValidationError) as caught:
        ValidationError("f", 1, "bad", clause="4.3.5").clause_text("fr")
    assert caught.value.field == "lang"


def test_the_chinese_error_line_ends_with_the_clause_title(tmp_path: Path) -> None:
    """A bad check input in ``--lang zh`` is one line, ``sep：错误：`` first and the
    clause with its Chinese title last; in English the line is as it always was."""
    path = tmp_path / "bad.json"
    path.write_text('{"x": 1}', encoding="utf-8")
    zh = _run("check", "graduation", str(path), "--lang", "zh")
    assert zh.exit_code == 2
    (line,) = zh.stderr.splitlines()
    assert line.startswith("sep：错误：")
    assert line.endswith(f"[4.3.5 {clause_title('4.3.5', 'zh')}]")
    assert "T/CATE" not in line
    en = _run("check", "graduation", str(path))
    (line,) = en.stderr.splitlines()
    assert line.startswith("sep: error:") and line.endswith("[T/CATE 0001—2020 4.3.5]")


def test_seps_own_wording_of_io_and_usage_errors_is_chinese(tmp_path: Path) -> None:
    """An unreadable file, a missing argument, a malformed date and the deprecated flag
    are said by sep in Chinese with ``--lang zh`` (click's own sentence may stay English)."""
    missing = _run("check", "graduation", str(tmp_path / "none.json"), "--lang", "zh")
    assert missing.exit_code == 2 and "无法读取：" in missing.stderr
    usage = _run("check", "graduation", "--lang", "zh")
    assert usage.exit_code == 2
    assert usage.stderr.startswith("sep：错误：")
    assert (
        "（参见 'sep check graduation --help'）" in usage.stderr
        or "（参见 'sep check --help'）" in usage.stderr
    )
    date = _run("check", "graduation", "-", "--on", "2020-13-01", "--lang", "zh", stdin="{}")
    assert date.exit_code == 2 and "不是 YYYY-MM-DD 格式的日期" in date.stderr
    good = tmp_path / "listed.json"
    good.write_text('{"listed": true}', encoding="utf-8")
    old = _run("check", "graduation", str(good), "--exit-code", "--lang", "zh")
    assert old.exit_code == 0
    assert old.stderr.startswith("sep：警告：") and "已弃用" in old.stderr
    english = _run("check", "graduation", str(good), "--exit-code")
    assert english.stderr.startswith("sep: warning: --exit-code is deprecated")


def test_the_chinese_command_texts_have_no_catalogued_english(tmp_path: Path) -> None:
    """validate, packs, parameters, audit (text), cases and verify in ``--lang zh`` write
    no English word or phrase the catalogue translates."""
    incubatee = tmp_path / "incubatee.json"
    platform = tmp_path / "platform.json"
    assert _run("example", "incubatee", "-o", str(incubatee)).exit_code == 0
    assert _run("example", "platform", "-o", str(platform)).exit_code == 0
    record = _run("check", "graduation", str(incubatee), "--format", "json").stdout
    cases = tmp_path / "cases.toml"
    cases.write_text(
        '[file]\npack = "t-cate-0001-2020/graduation"\n'
        '[[case]]\nname = "上市"\ninputs = { listed = true }\noutcome = "met"\n',
        encoding="utf-8",
    )
    texts = {
        "validate": _run("validate", "incubatee", str(incubatee), "--lang", "zh"),
        "packs": _run("packs", "--lang", "zh"),
        "parameters": _run("parameters", "graduation", "--lang", "zh"),
        "audit": _run("audit", str(platform), "--format", "text", "--lang", "zh"),
        "cases": _run("cases", str(cases), "--lang", "zh"),
        "verify": _run("verify", "-", "--lang", "zh", stdin=record),
    }
    data = from_dict(Platform, json.loads(platform.read_text(encoding="utf-8")))
    for command, result in texts.items():
        assert result.exit_code in (0, 1, 3), (command, result.stderr)
        text = _without_data(result.stdout.replace(str(cases), ""), data, ours=True)
        assert CJK.search(text), command
        assert _english_left(text, ALLOWED) == [], command
    assert texts["validate"].stdout.strip() == "通过：有效的 Incubatee"
    assert texts["cases"].stdout.rstrip().endswith("通过 1，失败 0")
    assert texts["verify"].stdout.startswith("已验证：")
    assert _run("cases", str(cases)).stdout.rstrip().endswith("1 passed, 0 failed")


def test_the_services_problem_says_the_clause_in_the_language_asked() -> None:
    """With ``?lang=zh`` the service's problem document adds ``clause_text``, the clause
    with its Chinese title; without ``lang`` the document is as before."""
    pytest.importorskip("fastapi")
    from starlette.testclient import TestClient

    from sep.server import create_app

    with TestClient(create_app()) as client:
        body = {"facts": {"listed": "maybe"}}
        zh = client.post("/v1/check/graduation?lang=zh", json=body)
        assert zh.status_code == 422
        problem = zh.json()
        assert problem["clause_text"] == "4.3.5(b) 独立上市或大规模融资"
        en = client.post("/v1/check/graduation?lang=en", json=body).json()
        assert en["clause_text"] == "4.3.5(b) Independent listing or large-scale financing"
        plain = client.post("/v1/check/graduation", json=body).json()
        assert "clause_text" not in plain and plain["clause"] == "4.3.5(b)"


@pytest.mark.parametrize(("lang", "title"), [("en", "Independent listing"), ("zh", "独立上市")])
def test_a_json_error_carries_its_clause_text_in_the_language_asked(lang: str, title: str) -> None:
    """With ``--format json`` the one error object on standard error names the clause and
    gives its title in ``--lang`` (``clause_text``), as the one-line text error does."""
    result = _run(
        "check", "graduation", "-", "--format", "json", "--lang", lang, stdin='{"listed": "x"}'
    )
    assert result.exit_code == 2
    error = json.loads(result.stderr)
    assert error["clause"] == "4.3.5(b)"
    assert error["clause_text"].startswith("4.3.5(b) ")
    assert title in error["clause_text"]


def test_failing_case_problems_are_written_in_chinese(tmp_path: Path) -> None:
    """``sep cases --lang zh`` on failing cases writes each mismatch (outcome, criterion,
    unknown criterion, missing input, expected error) and the decision under it in Chinese,
    with no catalogued English; without ``--lang`` the lines stay the English ones."""
    cases = tmp_path / "cases.toml"
    cases.write_text(
        '[file]\npack = "t-cate-0001-2020/graduation"\n'
        '[[case]]\nname = "上市"\ninputs = { listed = true }\noutcome = "not_met"\n'
        'criteria = { "4.3.5(b)" = "unknown", "4.3.9" = "met" }\nmissing = ["listed"]\n'
        '[[case]]\nname = "拒绝"\ninputs = { listed = true }\nerror = "ValidationError"\n',
        encoding="utf-8",
    )
    zh = _run("cases", str(cases), "--lang", "zh")
    assert zh.exit_code == 1, zh.stderr
    text = zh.stdout.replace(str(cases), "")
    assert "结果：应为不满足，实为满足" in text
    assert "4.3.5(b)：应为未知，实为满足" in text
    assert "4.3.9：t-cate-0001-2020/graduation 中没有此标准" in text
    assert "缺失项：未列出 'listed'" in text
    assert "应引发 ValidationError，但判定为满足" in text
    assert "判定：" in text
    assert _english_left(text, ALLOWED) == []
    en = _run("cases", str(cases)).stdout
    assert "outcome: expected not_met, got met" in en
    assert "4.3.5(b): expected unknown, got met" in en
    assert "expected ValidationError, but it decided met" in en


def _columns_before(line: str, text: str) -> int:
    """The terminal columns ``line`` takes before ``text`` (CJK characters take two)."""
    from sep._i18n import width

    return width(line[: line.index(text)])


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_packs_table_lines_up_in_either_language(lang: str) -> None:
    """``sep packs``' document column starts at the same terminal column on every line,
    the header's included, though the Chinese header's characters are twice as wide."""
    from sep.evaluation import builtin_pack, builtin_packs

    lines = _run("packs", "--lang", lang).output.splitlines()
    header, rows = lines[0], lines[1:]
    starts = {_columns_before(header, translation(lang).gettext("document"))}
    for pack_id, line in zip(builtin_packs(), rows, strict=True):
        starts.add(_columns_before(line, builtin_pack(pack_id).document))
    assert len(starts) == 1, lines


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_audit_titles_line_up_in_either_language(lang: str, tmp_path: Path) -> None:
    """In ``sep audit --format text`` every clause's title starts at the same terminal
    column whatever its status (符合, 不符合, 无法判定 differ in width)."""
    from sep.assessment import audit as run_audit

    path = tmp_path / "platform.json"
    path.write_text(_run("example", "platform").output, encoding="utf-8")
    result = _run("audit", str(path), "--format", "text", "--lang", lang)
    report = run_audit(from_dict(Platform, json.loads(path.read_text(encoding="utf-8"))))
    rows = [line for line in result.output.splitlines()[1:] if line.startswith("  4")]
    assert len(rows) == len(report.rows)
    starts = {
        _columns_before(line, row.title(lang)) for line, row in zip(rows, report.rows, strict=True)
    }
    assert len(starts) == 1, rows
