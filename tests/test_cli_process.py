"""The ``sep`` program as a shell runs it: real processes, real pipes and a real terminal.

A closed pipe ends the run quietly with 141 (128 + SIGPIPE, what the shell shows for
``cat`` in the same place); the exit status is the answer; colour appears only on a
terminal and never with ``NO_COLOR`` set.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from sep._cli import EXIT_ERROR, EXIT_NOT_MET, EXIT_OK, EXIT_PIPE, EXIT_UNKNOWN

ROOT = Path(__file__).resolve().parents[1]
SEP = [sys.executable, "-m", "sep"]
ESC = b"\x1b["


def _env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "FORCE_COLOR")}
    return {**env, **extra}


def test_a_closed_pipe_exits_141_without_a_word() -> None:
    """Writing into a pipe whose reader is gone: exit 141, nothing on stderr, no traceback."""
    read, write = os.pipe()
    os.close(read)
    try:
        done = subprocess.run(
            [*SEP, "demo"], cwd=ROOT, stdout=write, stderr=subprocess.PIPE, timeout=60, check=False
        )
    finally:
        os.close(write)
    assert (done.returncode, done.stderr) == (EXIT_PIPE, b"")


@pytest.mark.skipif(shutil.which("bash") is None or shutil.which("head") is None, reason="bash")
def test_demo_into_head_is_quiet() -> None:
    """`sep demo | head -3` in a shell: three lines, an empty stderr, status 0 or 141."""
    command = f'"{sys.executable}" -m sep demo --format json | head -3; echo "${{PIPESTATUS[0]}}"'
    done = subprocess.run(
        ["bash", "-c", command], cwd=ROOT, capture_output=True, timeout=60, check=False
    )
    lines = done.stdout.decode().splitlines()
    assert lines[:3] == ["{", '  "platform": {', '    "name": "H+",']
    assert int(lines[3]) in (EXIT_OK, EXIT_PIPE)
    assert done.stderr == b""


@pytest.mark.parametrize(
    ("facts", "status"),
    [
        (b'{"listed": true}', EXIT_OK),
        (
            b'{"acquired_by_founder": false, "listed": false, "largest_financing_round": '
            b'"32000000", "revenue": "8200000", "platform_equity_exited": false}',
            EXIT_NOT_MET,
        ),
        (b'{"listed": false}', EXIT_UNKNOWN),
        (b'{"revenue": "-5"}', EXIT_ERROR),
    ],
)
def test_exit_status_of_the_real_program(facts: bytes, status: int) -> None:
    """`python -m sep check graduation -` exits 0/1/3 for the answer (4.3.5), 2 for bad input."""
    done = subprocess.run(
        [*SEP, "check", "graduation", "-"],
        cwd=ROOT,
        input=facts,
        capture_output=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == status, done.stderr
    assert b"Traceback" not in done.stderr


def _on_a_terminal(argv: list[str], env: dict[str, str]) -> bytes:
    import pty

    master, slave = pty.openpty()
    process = subprocess.Popen(argv, cwd=ROOT, stdout=slave, stderr=subprocess.DEVNULL, env=env)
    os.close(slave)
    chunks = []
    while True:
        try:
            chunk = os.read(master, 4096)
        except OSError:  # EIO: the child closed the terminal
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(master)
    process.wait(timeout=60)
    return b"".join(chunks)


@pytest.mark.skipif(sys.platform == "win32", reason="needs a pseudo-terminal")
def test_colour_only_on_a_terminal_and_never_with_no_color(tmp_path: Path) -> None:
    """The verdict is coloured on a terminal; not with NO_COLOR set, and not into a pipe."""
    path = tmp_path / "facts.json"
    path.write_text('{"listed": true}', encoding="utf-8")
    argv = [*SEP, "check", "graduation", str(path)]
    assert ESC in _on_a_terminal(argv, _env())
    plain = _on_a_terminal(argv, _env(NO_COLOR="1"))
    assert ESC not in plain and b"MET" in plain
    piped = subprocess.run(argv, cwd=ROOT, capture_output=True, env=_env(), timeout=60, check=False)
    assert ESC not in piped.stdout and b"MET" in piped.stdout


def test_stdin_from_another_sep() -> None:
    """`sep example enterprise | sep check eligibility -`: the README's pipe works (4.2.1)."""
    example = subprocess.run(
        [*SEP, "example", "enterprise"], cwd=ROOT, capture_output=True, timeout=60, check=True
    )
    done = subprocess.run(
        [*SEP, "check", "eligibility", "-"],
        cwd=ROOT,
        input=example.stdout,
        capture_output=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == EXIT_OK, done.stderr
    assert done.stdout.startswith(b"Eligibility of a founding enterprise")
