"""Errors' reasons in Chinese: every fixed reason sep writes is a catalogue entry, so a
Chinese error line (CLI), JSON error (``reason_text``) and problem document say it in
Chinese; a reason built from the data stays as written; English is unchanged.
"""

from __future__ import annotations

import ast
import copy
import json
import pickle
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from sep._cli import cli
from sep._i18n import translation
from sep._reason import R_, Reason
from sep.errors import MISSING, RuleDefinitionError, SepError, TransitionError, ValidationError

pytestmark = pytest.mark.clause("4.3.5", "4.2.1", "4.3.5(b)")

SEP = Path(__file__).resolve().parent.parent / "sep"
#: The calls that make a sep error, and the position of the reason among their arguments:
#: the error classes, and the helpers that build one from a reason (``ctx.err``,
#: ``fail``, ``_bad``, the parsers' ``_Refused``, ...).
REASON_AT = {
    "ValidationError": 2,
    "RuleDefinitionError": 2,
    "TransitionError": 2,
    "CurrencyMismatchError": 2,
    "EngineUnavailableError": 1,
    "err": 1,
    "_err": 1,
    "_error": 1,
    "fail": 2,
    "_bad": 3,
    "_Refused": 0,
}


def _called(func: ast.expr) -> str | None:
    if isinstance(func, ast.Name):
        return func.id
    return func.attr if isinstance(func, ast.Attribute) else None


def _reasons() -> list[tuple[str, int, str, str]]:
    """(file, line, kind, text) for the reason of every call that makes a sep error.

    kind: ``"N_"``/``"R_"`` (a marked text or template), ``"literal"`` (an unmarked text),
    ``"f-string"`` or ``"concatenation"`` (built in place, so no catalogue can hold it),
    ``"other"`` (a variable, another error's reason: checked where it is made).
    """
    found = []
    for path in sorted(SEP.rglob("*.py")):
        name = str(path.relative_to(SEP))
        source = path.read_text(encoding="utf-8")
        for node in ast.walk(ast.parse(source)):
            if not isinstance(node, ast.Call):
                continue
            at = REASON_AT.get(_called(node.func) or "")
            if at is None or len(node.args) <= at:
                continue
            reason = node.args[at]
            text = ast.get_source_segment(source, reason) or ""
            if isinstance(reason, ast.Constant) and isinstance(reason.value, str):
                found.append((name, node.lineno, "literal", reason.value))
            elif isinstance(reason, ast.JoinedStr):
                found.append((name, node.lineno, "f-string", text))
            elif isinstance(reason, ast.BinOp):
                found.append((name, node.lineno, "concatenation", text))
            elif (
                isinstance(reason, ast.Call)
                and _called(reason.func) in ("N_", "R_")
                and reason.args
                and isinstance(reason.args[0], ast.Constant)
            ):
                found.append((name, node.lineno, _called(reason.func) or "", reason.args[0].value))
            else:
                found.append((name, node.lineno, "other", text))
    return found


def test_every_reason_written_in_the_code_is_a_translated_catalogue_entry() -> None:
    """A fixed reason is marked ``N_``, one built from data is an ``R_`` template (never an
    f-string or a concatenation, which no catalogue can hold), and the Chinese catalogue
    has every one of them."""
    reasons = _reasons()
    assert sum(kind == "N_" for *_, kind, _ in reasons) > 250  # the walk found the sites
    assert sum(kind == "R_" for *_, kind, _ in reasons) > 150
    unmarked = [
        f"{f}:{line}: {kind} {text!r}"
        for f, line, kind, text in reasons
        if kind in ("literal", "f-string", "concatenation")
    ]
    assert unmarked == [], "mark these reasons N_(...) or R_(template, **values)"
    zh = translation("zh")
    untranslated = sorted(
        {t for _, _, kind, t in reasons if kind in ("N_", "R_") and zh.gettext(t) == t}
    )
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
            ValidationError("n", 40, "must be at most 30"),  # not a catalogue text: as written
            "n: must be at most 30 (got 40)",
            "n: must be at most 30（实际为 40）",
        ),
        (
            ValidationError("n", 40, R_("must be at most {max_points}", max_points=30)),
            "n: must be at most 30 (got 40)",
            "n: 不能超过 30（实际为 40）",
        ),
        (
            TransitionError(
                "graduate", "incubating", R_("unknown trigger; one of {events}", events=["admit"])
            ),
            "cannot 'graduate' from 'incubating': unknown trigger; one of ['admit']",
            "不能在 'incubating' 状态下执行 'graduate'：未知的触发器；可选 ['admit']",
        ),
    ],
)
def test_an_errors_text_says_its_reason_in_the_language_asked(
    error: SepError, english: str, chinese: str
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


def test_a_reason_built_from_data_is_its_english_text_and_keeps_its_template() -> None:
    """An ``R_`` reason is the same ``str`` as the f-string it replaced (equal, same hash,
    JSON), so programs matching on ``reason`` or ``str(error)`` keep working; copies and
    pickles keep the template, so a reason sent between processes is still translated."""
    reason = R_("must be between {lo} and {hi}", lo=1, hi=5)
    assert reason == "must be between 1 and 5" and hash(reason) == hash("must be between 1 and 5")
    assert json.dumps({"reason": reason}) == '{"reason": "must be between 1 and 5"}'
    for again in (copy.copy(reason), copy.deepcopy(reason), pickle.loads(pickle.dumps(reason))):
        assert isinstance(again, Reason) and again == reason
        assert again.text("zh") == "必须在 1 与 5 之间"
    assert R_(reason) is reason  # a reason passed on is not wrapped twice


def test_a_reason_inside_a_reason_is_said_in_the_same_language() -> None:
    """The named thing of "unknown {what}" and a "did you mean" are catalogue texts too:
    the whole reason reads in Chinese, the data (names, values) as given."""
    err = ValidationError(
        "clause",
        "4.2.55",
        R_("unknown {what}; one of: {known}", what=R_("audited clause"), known="4.2.5"),
    )
    assert err.reason_text("zh") == "未知的审核条款；可选：4.2.5"
    assert err.reason_text("en") == "unknown audited clause; one of: 4.2.5"


def test_a_translation_that_cannot_be_filled_falls_back_to_english(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A catalogue whose Chinese names a placeholder the template lacks (a translator's
    slip) does not lose the refusal: it is said in English instead of raising."""
    import sep._i18n

    class Broken:
        def gettext(self, message: str) -> str:
            return "必须在 {low} 与 {high} 之间"

    monkeypatch.setattr(sep._i18n, "translation", lambda lang="en": Broken())
    assert R_("must be between {lo} and {hi}", lo=1, hi=5).text("zh") == "must be between 1 and 5"


@pytest.mark.parametrize(
    ("document", "chinese", "english"),
    [
        (
            {"id": "x", "name": "A", "origin": "internal", "finacials": []},
            "不是 Incubatee 的字段；是否想写 'financials'？",
            "is not a field of Incubatee; did you mean 'financials'?",
        ),
        (
            {
                "id": "x",
                "name": "A",
                "origin": "internal",
                "financials": [{"period": "2025", "revenue": {"amount": "1e3", "currency": "CNY"}}],
            },
            "不能用指数书写（写 1000，而不是 1e3）",
            "must be written without an exponent (write 1000, not 1e3)",
        ),
    ],
)
def test_a_chinese_error_line_says_a_reason_built_from_data_in_chinese(
    tmp_path: Path, document: dict[str, object], chinese: str, english: str
) -> None:
    """``sep --lang zh validate`` on a misspelled field or an amount with an exponent: the
    reason, made from the data, reads in Chinese; in English it is as before."""
    doc = tmp_path / "incubatee.json"
    doc.write_text(json.dumps(document), encoding="utf-8")
    zh = CliRunner().invoke(cli, ["--lang", "zh", "validate", "incubatee", str(doc)])
    assert zh.exit_code == 2 and chinese in zh.stderr and english not in zh.stderr
    en = CliRunner().invoke(cli, ["validate", "incubatee", str(doc)])
    assert en.exit_code == 2 and english in en.stderr


@pytest.mark.skipif(sys.platform != "linux", reason="the C library's words on Linux (glibc)")
def test_the_operating_systems_reasons_are_its_own_english_and_have_chinese() -> None:
    """The I/O errors sep names (no such file, permission denied, a directory, a full
    disk, ...) are the C library's own English words, so English lines are unchanged,
    and each has a Chinese translation."""
    import os

    from sep._reason import _OS_REASONS, os_reason

    zh = translation("zh")
    for code, english in _OS_REASONS.items():
        assert os.strerror(code) == english
        assert zh.gettext(english) != english
        assert os_reason(OSError(code, os.strerror(code))) == english
    odd = OSError(999_999, "something the OS says")  # not catalogued: quoted as said
    assert os_reason(odd) == "something the OS says"
    assert os_reason(ValueError("bad parquet")) == "bad parquet"


def test_a_file_that_cannot_be_read_is_said_in_chinese_and_json_keeps_the_english(
    tmp_path: Path,
) -> None:
    """``sep --lang zh check graduation <missing file>``: 无法读取：没有那个文件或目录 on
    the error line; the JSON error's ``reason`` is the English, ``reason_text`` the
    Chinese; a directory given as a file is 是一个目录."""
    missing = str(tmp_path / "missing.json")
    zh = CliRunner().invoke(cli, ["--lang", "zh", "check", "graduation", missing])
    assert zh.exit_code != 0 and "无法读取：没有那个文件或目录" in zh.stderr
    folder = CliRunner().invoke(cli, ["--lang", "zh", "check", "graduation", str(tmp_path)])
    assert "无法读取：是一个目录" in folder.stderr
    as_json = CliRunner().invoke(
        cli, ["--lang", "zh", "check", "graduation", missing, "--format", "json"]
    )
    payload = json.loads(as_json.stderr)
    assert payload["reason"] == "cannot be read: No such file or directory"
    assert payload["reason_text"] == "无法读取：没有那个文件或目录"


def test_a_reason_with_a_temporary_path_said_as_dash_stays_translatable() -> None:
    """Standard input copied to a temporary file is named ``-`` in refusals: the path is
    replaced inside the reason's values, so the template is still found."""
    from sep._reason import replaced

    reason = replaced(
        R_("cannot be read: {reason}", reason="/tmp/in-1.json"), "/tmp/in-1.json", "-"
    )
    assert reason == "cannot be read: -" and isinstance(reason, Reason)
    assert reason.text("zh") == "无法读取：-"
    assert replaced("plain /tmp/a", "/tmp/a", "-") == "plain -"


def test_an_engine_that_cannot_be_loaded_is_said_in_chinese_with_its_fix() -> None:
    """An optional engine missing (durable-rules, PyYAML, matplotlib): the frame, the
    reason and the fix are catalogue entries; commands and package names stay as typed."""
    from sep.errors import EngineUnavailableError

    err = EngineUnavailableError(
        "PyYAML", "YAML rule files need it", "pip install pyyaml, or write TOML"
    )
    assert str(err) == (
        "PyYAML is unavailable: YAML rule files need it. Fix: pip install pyyaml, or write TOML"
    )
    assert (
        err.text("zh")
        == "PyYAML 不可用：YAML 规则文件需要它。解决办法：pip install pyyaml，或改用 TOML"
    )
    missing = EngineUnavailableError(
        "durable-rules", R_("it is not installed (no module named {name!r})", name="durable"), "x"
    )
    assert missing.reason_text("zh") == "未安装（没有名为 'durable' 的模块）"


def test_the_services_own_refusals_carry_their_detail_in_the_language_asked() -> None:
    """With ``?lang=zh`` a problem document has ``detail_text`` in Chinese beside the
    English ``detail``: the service's own refusals (media type, unknown schema, malformed
    JSON) and sep's (a 422 names field, reason and "got" in Chinese); without ``?lang``
    nothing is added."""
    pytest.importorskip("fastapi")
    from fastapi.testclient import TestClient

    from sep.server import create_app

    client = TestClient(create_app())
    media = client.post(
        "/v1/check/graduation?lang=zh", content=b"{}", headers={"content-type": "text/plain"}
    )
    assert media.status_code == 415
    assert media.json()["detail"] == "send the body as application/json (got 'text/plain')"
    assert media.json()["detail_text"] == "请以 application/json 发送请求体（实际为 'text/plain'）"
    schema = client.get("/v1/schemas/nothing?lang=zh").json()
    assert schema["detail_text"].startswith("没有模式 'nothing'；可选 [")
    malformed = client.post(
        "/v1/check/graduation?lang=zh", content=b"{", headers={"content-type": "application/json"}
    ).json()
    assert malformed["detail_text"].startswith("body: 不是 JSON：第 1 行")
    assert malformed["reason_text"].startswith("不是 JSON：")
    invalid = client.post("/v1/check/graduation?lang=zh", json={"document": {"name": "A"}})
    assert invalid.json()["detail_text"] == "document.id: 为必填项 [4.2.2 服务对象]"
    english = client.post("/v1/check/graduation", json={"document": {"name": "A"}}).json()
    assert "detail_text" not in english and english["detail"].startswith("document.id: is required")
