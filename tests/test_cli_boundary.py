"""The command line at its boundary: every bad input exits 2 with one line, never a traceback.

Files are read as bytes through the one bounded JSON reader (UTF-8 only); output never fails
on an encoding; a closed pipe ends the run quietly.
"""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from sep._cli import EXIT_ERROR, main
from sep.domain import to_json
from sep.examples import annex_c_platform

ROOT = Path(__file__).resolve().parents[1]


def _run(
    monkeypatch: pytest.MonkeyPatch, *argv: str, stdin: bytes | None = None
) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    monkeypatch.setattr("sys.stderr", err)
    if stdin is not None:
        monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(stdin), encoding="utf-8"))
    status = main(list(argv), out=out)
    return status, out.getvalue(), err.getvalue()


def _one_error_line(err: str) -> str:
    lines = err.splitlines()
    assert len(lines) == 1, err
    assert "Traceback" not in err
    return lines[0]


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ('{"name": "café"}'.encode("latin-1"), "must be UTF-8"),
        ('{"name": "x"}'.encode("utf-16"), "UTF-16"),
        (b"[" * 100_000 + b"]" * 100_000, "nested more than"),
        (b'{"revenue": ' + b"9" * 5000 + b"}", "more than 40 digits"),
        (b'{"revenue": 1' + b"0" * 5000 + b".5}", "longer than 64"),
        (bytes(range(256)), "must be UTF-8"),
        (b'{"revenue": "1", "revenue": "2"}', "given twice"),
        (b'{"revenue": NaN}', "NaN"),
        (b'{"revenue": "12', "not JSON"),
    ],
)
def test_hostile_files_exit_2_with_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, content: bytes, expected: str
) -> None:
    """Non-UTF-8, deep, huge-number, duplicate-key or truncated JSON: exit 2, one line."""
    path = tmp_path / "input.json"
    path.write_bytes(content)
    for argv in (
        ("check", "graduation", str(path)),
        ("validate", "incubatee", str(path)),
        ("audit", str(path)),
        ("check", "graduation", "-"),
    ):
        stdin = content if argv[-1] == "-" else None
        status, out, err = _run(monkeypatch, *argv, stdin=stdin)
        assert (status, out) == (EXIT_ERROR, ""), (argv, err)
        assert expected in _one_error_line(err)


def test_bad_params_file_is_refused_naming_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A --params file that is not a JSON object of sane overrides exits 2 naming the file.

    A number such as ``1e999999999`` (4.3.5(c)'s period count) is refused by the reader.
    """
    facts = tmp_path / "facts.json"
    facts.write_text("{}", encoding="utf-8")
    params = tmp_path / "params.json"
    for content in (
        b"[1, 2]",
        b"5",
        b'"x"',
        b"null",
        b"\xff\xfe{}",
        b'{"cash_flow_periods": 1e999999999}',  # hung: a billion-digit int downstream
    ):
        params.write_bytes(content)
        status, _, err = _run(
            monkeypatch, "check", "graduation", str(facts), "--params", str(params)
        )
        assert status == EXIT_ERROR
        assert str(params) in _one_error_line(err)


def test_missing_files_and_directories_exit_2(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A missing file or a directory given as a file: one line naming it, exit 2."""
    for path in (tmp_path / "nope.json", tmp_path):
        status, _, err = _run(monkeypatch, "check", "graduation", str(path))
        assert status == EXIT_ERROR
        assert str(path) in _one_error_line(err)


def test_usage_errors_are_one_line_and_json_when_asked(monkeypatch: pytest.MonkeyPatch) -> None:
    """An unknown subcommand or choice is one line (one JSON object with --format json)."""
    status, _, err = _run(monkeypatch, "bogus")
    assert status == EXIT_ERROR
    assert "bogus" in _one_error_line(err)
    status, _, err = _run(
        monkeypatch, "check", "graduation", "x.json", "--lang", "xx", "--format", "json"
    )
    assert status == EXIT_ERROR
    payload = json.loads(_one_error_line(err))
    assert payload["error"] == "ValidationError"
    assert "'xx'" in payload["message"]


def test_stdin_terminal_or_closed_is_refused_not_waited_on(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """'-' with standard input a terminal (or closed) is refused at once instead of waiting."""

    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    monkeypatch.setattr("sys.stdin", Terminal())
    status, _, err = _run(monkeypatch, "check", "graduation", "-")
    assert status == EXIT_ERROR
    assert "terminal" in _one_error_line(err)
    assert err.count("(got") == 1
    monkeypatch.setattr("sys.stdin", None)
    status, _, err = _run(monkeypatch, "validate", "platform", "-")
    assert status == EXIT_ERROR
    assert "closed" in _one_error_line(err)


def test_lone_surrogate_platform_name_is_refused_by_validate_and_audit(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A platform name with a lone surrogate (3.3) fails `sep validate` as `sep audit` would."""
    data = json.loads(to_json(annex_c_platform(portfolio=False)))
    data["name"] = "H+\ud800"
    path = tmp_path / "platform.json"
    path.write_text(json.dumps(data), encoding="utf-8")  # ASCII: the surrogate is escaped
    for argv in (("validate", "platform", str(path)), ("audit", str(path))):
        status, out, err = _run(monkeypatch, *argv)
        assert (status, out) == (EXIT_ERROR, "")
        assert "name" in _one_error_line(err)
        assert "Unicode" in err


def _python(*args: str, **kwargs: Any) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        [sys.executable, *args], cwd=ROOT, capture_output=True, timeout=60, check=False, **kwargs
    )


def test_ascii_stdout_does_not_crash_on_chinese() -> None:
    """With an ASCII-only stdout, Chinese output is escaped rather than a UnicodeEncodeError."""
    done = _python(
        "-m", "sep", "demo", "--lang", "zh", env={**os.environ, "PYTHONIOENCODING": "ascii"}
    )
    assert done.returncode == 0, done.stderr
    assert b"Traceback" not in done.stderr
    assert b"\\u" in done.stdout


def test_unwritable_output_is_one_line_not_a_traceback(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A full disk under stdout exits 74 (EX_IOERR) naming the output, not an internal error."""

    class Full(io.StringIO):
        def write(self, text: str) -> int:
            raise OSError(28, "No space left on device")

    path = tmp_path / "in.json"
    path.write_text("{}", encoding="utf-8")
    err = io.StringIO()
    monkeypatch.setattr("sys.stderr", err)
    assert main(["check", "graduation", str(path)], out=Full()) == 74
    assert "output: cannot be written: No space left" in _one_error_line(err.getvalue())
