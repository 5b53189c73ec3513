"""Hostile runs of the command line: every bad input exits 2 with one line, in bounded time.

A deterministic generator (fixed seed, so CI runs are reproducible) builds several hundred
runs: files in Latin-1, UTF-16 and binary junk, truncated, deep and duplicate-key JSON,
numbers past the stated bounds, lone surrogates, bad ``--params``/``--pack``/``--on``/
``--lang``/``--format`` values, unknown subcommands, missing files and directories, each
also through standard input where that applies, and a few valid runs for contrast. Each
runs ``sep._cli.main`` in-process under a time guard; a handful run as real
``python -m sep`` subprocesses to show no traceback reaches a user. A Hypothesis property
then sends any command line (command names, options, good and bad values, junk) with any
standard input through the click group itself.
"""

from __future__ import annotations

import contextlib
import io
import json
import random
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import NamedTuple

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sep._cli import EXIT_ERROR, main
from sep.domain import to_json
from sep.examples import annex_c_platform, demo_incubatees
from tests._fuzz import count, time_guard

ROOT = Path(__file__).resolve().parents[1]
BOUNDARY = "cli"
SECONDS = 10.0
SEED = 20260801

INCUBATEE = to_json(demo_incubatees()[0]).encode("utf-8")
PLATFORM = to_json(annex_c_platform(portfolio=False)).encode("utf-8")
VALID_INPUTS = b'{"revenue": "12000000", "listed": false}'


class Run(NamedTuple):
    """One command line: ``@name`` in argv is replaced by the path of ``files[name]``."""

    argv: tuple[str, ...]
    files: dict[str, bytes | None]  # None: the path is a directory
    stdin: bytes | None
    expected: frozenset[int]


BAD = frozenset({EXIT_ERROR})
ANSWER = frozenset({0, 1, 3})  # met / not met (not satisfied) / unknown
OK = frozenset({0})


# -- the generator ---------------------------------------------------------------------


def _words(rng: random.Random, alphabet: str, n: int) -> str:
    return "".join(rng.choice(alphabet) for _ in range(n))


def _latin1(rng: random.Random) -> bytes:
    name = _words(rng, "abcéèàüößñçÅØ", rng.randint(1, 12)) + "é"
    return json.dumps({"name": name, "revenue": "5"}, ensure_ascii=False).encode("latin-1")


def _utf16(rng: random.Random) -> bytes:
    doc = rng.choice([INCUBATEE, PLATFORM, VALID_INPUTS]).decode("utf-8")
    return doc.encode(rng.choice(["utf-16", "utf-16-le", "utf-16-be", "utf-32"]))


def _binary(rng: random.Random) -> bytes:
    return b"\xff" + bytes(rng.randrange(256) for _ in range(rng.randint(0, 300)))


def _truncated(rng: random.Random) -> bytes:
    doc = rng.choice([INCUBATEE, PLATFORM, VALID_INPUTS])
    return doc[: rng.randint(0, len(doc) - 1)]


def _deep(rng: random.Random) -> bytes:
    depth = rng.choice([65, 100, 1000, rng.randint(66, 200_000)])
    if rng.random() < 0.5:
        return b"[" * depth + b"]" * depth
    return b'{"a": ' * depth + b"1" + b"}" * depth


def _huge_number(rng: random.Random) -> bytes:
    digits = "".join(rng.choice("0123456789") for _ in range(rng.randint(41, 6000)))
    number = rng.choice(["1" + digits, "-1" + digits, "1" + digits + ".5", "0." + digits + "1"])
    key = rng.choice(["revenue", "score_total", "name", "x"])
    return f'{{"{key}": {number}}}'.encode()


def _surrogate(rng: random.Random) -> bytes:
    lone = rng.choice(["\\ud800", "\\udfff", "\\udc80", "x\\ud83d"])
    if rng.random() < 0.5:
        return f'{{"revenue": "1", "{lone}": 1}}'.encode()
    data = json.loads(rng.choice([PLATFORM, INCUBATEE]))
    data["name"] = "N" + "\x00SURROGATE"
    return json.dumps(data).replace("\\u0000SURROGATE", lone).encode()


def _duplicate_or_constant(rng: random.Random) -> bytes:
    return rng.choice(
        [
            b'{"revenue": "1", "revenue": "2"}',
            b'{"revenue": NaN}',
            b'{"revenue": Infinity}',
            b'{"revenue": -Infinity}',
            b'{"a": {"b": 1, "b": 2}}',
        ]
    )


def _oversized(rng: random.Random) -> bytes:
    return b'"' + b"x" * (16 * 1024 * 1024 + rng.randint(1, 1000)) + b'"'


CONTENTS: dict[str, Callable[[random.Random], bytes]] = {
    "latin1": _latin1,
    "utf16": _utf16,
    "binary": _binary,
    "truncated": _truncated,
    "deep": _deep,
    "huge-number": _huge_number,
    "surrogate": _surrogate,
    "duplicate/NaN": _duplicate_or_constant,
}

COMMANDS: list[tuple[str, ...]] = [
    ("check", "graduation"),
    ("check", "eligibility"),
    ("check", "evaluation"),
    ("validate", "incubatee"),
    ("validate", "platform"),
    ("validate", "enterprise"),
    ("audit",),
    ("verify",),
]


def _bad_file_runs(rng: random.Random, n: int) -> Iterator[tuple[str, Run]]:
    for i in range(n):
        kind = rng.choice(sorted(CONTENTS))
        content = CONTENTS[kind](rng)
        command = rng.choice(COMMANDS)
        fmt = rng.choice([(), ("--format", "json"), ("--format", "text")])
        if rng.random() < 0.3:
            run = Run((*command, "-", *fmt), {}, content, BAD)
        else:
            run = Run((*command, "@in", *fmt), {"in": content}, None, BAD)
        yield f"{kind}-{i}", run


def _bad_option_runs(rng: random.Random, n: int) -> Iterator[tuple[str, Run]]:
    junk_text = "abcxyz-_/.:é中文 0123456789"
    for i in range(n):
        choice = rng.randrange(7)
        good = {"in": VALID_INPUTS}
        if choice == 0:  # --params that is not a readable JSON object of known overrides
            params = rng.choice(
                [
                    b"[1, 2]",
                    b"5",
                    b'"x"',
                    b"null",
                    b'{"nope": 1}',
                    b'{"revenue_min": "abc"}',
                    b'{"revenue_min": [1]}',
                    b'{"cash_flow_periods": 1e999999999}',
                    b'{"revenue_min": 1e-999999999}',
                    _latin1(rng),
                    _binary(rng),
                    _deep(rng),
                    _huge_number(rng),
                    _truncated(rng),
                ]
            )
            yield (
                f"params-{i}",
                Run(
                    ("check", "graduation", "@in", "--params", "@p"),
                    {**good, "p": params},
                    None,
                    BAD,
                ),
            )
        elif choice == 1:  # --pack that is missing, a directory, the wrong kind or bad TOML
            name, content = rng.choice(
                [
                    ("missing.toml", b"MISSING"),
                    ("dir.toml", None),
                    ("pack.json", b"{}"),
                    ("pack.txt", b"x"),
                    ("pack.toml", b"x = ["),
                    ("pack.toml", b"[criteria\n"),
                    ("pack.toml", b'id = "a"\nid = "b"\n'),
                ]
            )
            files: dict[str, bytes | None] = {**good, name: content}
            yield (
                f"pack-{i}",
                Run(("check", "graduation", "@in", "--pack", f"@{name}"), files, None, BAD),
            )
        elif choice == 2:  # --on that is not a date
            on = rng.choice(
                [
                    "2020-13-01",
                    "2020-02-30",
                    "yesterday",
                    "",
                    "2020/01/01",
                    "99999-01-01",
                    _words(rng, junk_text, rng.randint(1, 20)),
                ]
            )
            command = rng.choice([("check", "graduation", "@in"), ("audit", "@in")])
            yield f"on-{i}", Run((*command, "--on", on), good, None, BAD)
        elif choice == 3:  # --lang
            lang = rng.choice(["xx", "EN", "", "zh-CN", "fr", _words(rng, junk_text, 4)])
            command = rng.choice([("check", "graduation", "@in"), ("demo",), ("audit", "@in")])
            yield f"lang-{i}", Run((*command, "--lang", lang), good, None, BAD)
        elif choice == 4:  # --format
            fmt = rng.choice(["xml", "JSON", "", "yaml", _words(rng, junk_text, 5)])
            yield (
                f"format-{i}",
                Run(("check", "graduation", "@in", "--format", fmt), good, None, BAD),
            )
        elif choice == 5:  # unknown subcommands, questions, kinds, missing arguments
            argv = rng.choice(
                [
                    (_words(rng, "abcdefgh", rng.randint(1, 10)),),
                    ("check", _words(rng, "abcdefgh", 6), "@in"),
                    ("validate", _words(rng, "abcdefgh", 6), "@in"),
                    ("schema", _words(rng, "abcdefgh", 6)),
                    ("lifecycle", _words(rng, "abcdefgh", 6)),
                    ("check",),
                    ("check", "graduation"),
                    ("validate", "platform"),
                    (),
                    ("--bogus",),
                    ("check", "graduation", "@in", "--exit-code=5"),
                    ("example", _words(rng, "abcdefgh", 6)),
                    ("example", "incubatee", "-o"),
                    ("parameters", _words(rng, "abcdefgh", 6)),
                    ("parameters",),
                    ("cases",),
                    ("schema",),
                    ("schema", "--list", "incubatee"),
                    ("packs", "--format", "xml"),
                    ("verify", "@in", "--pack", _words(rng, "abcdefgh", 6)),
                    ("schema", "incubatee", "--format", "json"),
                    ("check", "graduation", "-", "--params", "-"),
                ]
            )
            yield f"usage-{i}", Run(argv, good, None, BAD)
        else:  # missing files and directories
            command = rng.choice(COMMANDS)
            missing = rng.random() < 0.5
            files = {"in": b"MISSING"} if missing else {"in": None}
            yield (
                f"{'missing' if missing else 'directory'}-{i}",
                Run((*command, "@in"), files, None, BAD),
            )


def _valid_runs() -> Iterator[tuple[str, Run]]:
    yield "valid-inputs", Run(("check", "graduation", "@in"), {"in": VALID_INPUTS}, None, ANSWER)
    yield "valid-stdin", Run(("check", "graduation", "-"), {}, VALID_INPUTS, ANSWER)
    yield (
        "valid-incubatee",
        Run(("check", "graduation", "@in", "--format", "json"), {"in": INCUBATEE}, None, OK),
    )
    yield "valid-platform", Run(("validate", "platform", "@in"), {"in": PLATFORM}, None, OK)
    yield (
        "valid-audit",
        Run(("audit", "@in", "--lang", "zh", "--on", "2020-10-01"), {"in": PLATFORM}, None, ANSWER),
    )
    yield (
        "valid-bom",
        Run(("validate", "incubatee", "@in"), {"in": b"\xef\xbb\xbf" + INCUBATEE}, None, OK),
    )
    yield "valid-schema", Run(("schema", "incubatee"), {}, None, OK)
    yield "valid-diagram", Run(("lifecycle", "diagram"), {}, None, OK)


def _runs() -> list[tuple[str, Run]]:
    rng = random.Random(SEED)
    return [*_bad_file_runs(rng, 200), *_bad_option_runs(rng, 140), *_valid_runs()]


RUNS = _runs()


# -- running one ---------------------------------------------------------------------------


def _materialise(run: Run, tmp: Path) -> list[str]:
    paths: dict[str, str] = {}
    for name, content in run.files.items():
        path = tmp / name
        if content is None:
            path.mkdir()
        elif content != b"MISSING":
            path.write_bytes(content)
        paths[name] = str(path)
    return [paths[a[1:]] if a.startswith("@") else a for a in run.argv]


def _in_process(
    argv: list[str], stdin: bytes | None, monkeypatch: pytest.MonkeyPatch
) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    monkeypatch.setattr("sys.stderr", err)
    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(stdin or b""), encoding="utf-8"))
    with time_guard(SECONDS):
        status = main(argv, out=out)
    return status, out.getvalue(), err.getvalue()


def _check(name: str, run: Run, status: int, out: str, err: str) -> None:
    assert "Traceback" not in err, (name, err[-2000:])
    assert status in run.expected, (name, status, err[-500:])
    if status == EXIT_ERROR:
        assert out == "", (name, out[:200])
        lines = err.splitlines()
        assert len(lines) == 1 and lines[0].strip(), (name, err[:1000])
        if "--format" in run.argv and run.argv[run.argv.index("--format") + 1 :][:1] == ("json",):
            payload = json.loads(lines[0])
            assert {"error", "message"} <= set(payload), (name, payload)
        else:
            assert lines[0].startswith("sep: error: "), (name, lines[0])
    else:
        assert err == "", (name, err[:500])


@pytest.mark.parametrize(("name", "run"), RUNS, ids=[name for name, _ in RUNS])
def test_hostile_run_exits_cleanly(
    name: str, run: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Bad input exits 2 with exactly one line on stderr (``sep: error: …`` or one JSON
    object with --format json), nothing on stdout and no traceback, within the time limit;
    valid input exits 0, 1 or 3 (the answer) with nothing on stderr."""
    argv = _materialise(run, tmp_path)
    if run.expected == BAD:
        count(BOUNDARY, "bad")
    status, out, err = _in_process(argv, run.stdin, monkeypatch)
    count(BOUNDARY, f"exit {status}")
    _check(name, run, status, out, err)
    if run.expected == BAD:
        count(BOUNDARY, "refused")


def test_the_generator_covers_every_kind_and_enough_runs() -> None:
    """At least 300 hostile runs, and every kind of bad input is among them."""
    bad = [name for name, run in RUNS if run.expected == BAD]
    assert len(bad) >= 300
    kinds = {name.rsplit("-", 1)[0] for name in bad}
    expected = {*CONTENTS, "params", "pack", "on", "lang", "format", "usage", "missing"}
    assert expected | {"directory"} >= kinds >= expected


def test_binary_rule_pack_is_refused() -> None:
    """A binary --pack file is refused as a rule file that is not UTF-8 TOML, exit 2."""
    with _tmp() as tmp:
        (tmp / "in.json").write_bytes(VALID_INPUTS)
        (tmp / "pack.toml").write_bytes(_binary(random.Random(SEED)))
        done = _subprocess(
            "check", "graduation", str(tmp / "in.json"), "--pack", str(tmp / "pack.toml")
        )
    _check("binary-pack", Run(("check",), {}, None, BAD), done.returncode, done.stdout, done.stderr)


@contextlib.contextmanager
def _tmp() -> Iterator[Path]:
    import tempfile

    with tempfile.TemporaryDirectory() as name:
        yield Path(name)


def _subprocess(*argv: str, stdin: bytes | None = None) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(
        [sys.executable, "-m", "sep", *argv],
        cwd=ROOT,
        input=(stdin or b"").decode("latin-1"),
        capture_output=True,
        text=True,
        encoding="latin-1",
        timeout=60,
        check=False,
    )
    return done


SUBPROCESS_CASES = [
    ("latin1", ("check", "graduation", "@in"), _latin1(random.Random(1))),
    ("utf16", ("validate", "platform", "@in"), _utf16(random.Random(2))),
    ("deep", ("audit", "@in"), b"[" * 100_000 + b"]" * 100_000),
    ("huge-number", ("check", "evaluation", "@in"), b'{"score_total": ' + b"9" * 5000 + b"}"),
    ("binary-stdin", ("validate", "incubatee", "-"), _binary(random.Random(3))),
    ("surrogate-audit", ("audit", "@in", "--format", "json"), _surrogate(random.Random(5))),
    ("usage", ("frobnicate",), b""),
]


def test_hostile_runs_as_real_processes_print_no_traceback(tmp_path: Path) -> None:
    """`python -m sep …` on bad input: exit 2, one line on stderr, no traceback (60 s bound).

    The processes run side by side: each pays the interpreter's start-up once.
    """
    started = []
    for name, argv, content in SUBPROCESS_CASES:
        path = tmp_path / f"{name}.json"
        path.write_bytes(content)
        args = [str(path) if a == "@in" else a for a in argv]
        process = subprocess.Popen(
            [sys.executable, "-m", "sep", *args],
            cwd=ROOT,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        started.append((name, argv, content, process))
    for name, argv, content, process in started:
        count(BOUNDARY, "bad")
        try:
            out, err = process.communicate(content if "-" in argv else b"", timeout=60)
        except subprocess.TimeoutExpired:
            process.kill()
            process.communicate()
            raise AssertionError(f"{name}: hung (> 60 s)") from None
        count(BOUNDARY, f"exit {process.returncode}")
        text_out, text_err = out.decode("utf-8", "replace"), err.decode("utf-8", "replace")
        _check(name, Run(argv, {}, None, BAD), process.returncode, text_out, text_err)
        count(BOUNDARY, "refused")


AMOUNTS_PAST_THE_BOUND = [
    b'{"revenue": "1e999999999"}',
    b'{"revenue": "1e5000"}',
    b'{"operating_cash_flow": {"2025Q1": "-1e40", "2025Q2": "1e40", "2025Q3": "1", "2025Q4": "1"}}',
]


@pytest.mark.parametrize("content", AMOUNTS_PAST_THE_BOUND, ids=["1e999999999", "1e5000", "1e40"])
@pytest.mark.parametrize("fmt", ["text", "json"])
def test_amounts_past_the_bound_are_refused(
    content: bytes, fmt: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An amount past the stated bound (4.3.5(c), sep._limits.MAX_AMOUNT) exits 2, one line."""
    argv = ["check", "graduation", "-", "--format", fmt]
    status, out, err = _in_process(argv, content, monkeypatch)
    _check("amount", Run(tuple(argv), {}, None, BAD), status, out, err)


# -- any argv, through click ---------------------------------------------------------------


def _no_nul(text: str) -> bool:
    return "\x00" not in text


#: Words a user might type, in any order: command and choice names, options with good and
#: bad values, '-' and junk. `serve` (it listens), `demo` and `portfolio` (slow to build
#: their data) are left out; they are covered above and in tests/test_cli*.py.
_ARGV_WORDS = [
    *("check", "graduation", "eligibility", "evaluation", "validate", "incubatee", "platform"),
    *("enterprise", "audit", "schema", "--list", "decision", "lifecycle", "diagram"),
    *("example", "packs", "parameters", "cases", "verify", "-", "--format", "json", "text"),
    *("markdown", "html", "dot", "xml", "--lang", "zh", "en", "xx", "--on", "2020-01-01"),
    *("2020-13-01", "--params", "--pack", "--dot", "-o", "--output", "--exit-code"),
    *("--bogus", "--version", "t-cate-0001-2020/graduation", "x.toml", "=", "--format=json"),
]


@given(
    argv=st.lists(
        st.one_of(st.sampled_from(_ARGV_WORDS), st.text(min_size=0, max_size=8).filter(_no_nul)),
        max_size=6,
    ),
    stdin=st.one_of(
        st.binary(max_size=200),
        st.sampled_from([VALID_INPUTS, INCUBATEE, b'{"listed": true}', b"{}", b"[]"]),
    ),
)
def test_any_argv_exits_with_an_answer_or_one_line(argv: list[str], stdin: bytes) -> None:
    """Any command line, any standard input: exit 0, 1 or 3 (an answer or a listing), or
    2 with nothing on stdout and exactly one line on stderr (JSON when --format json is
    asked); never a traceback, never the internal-error status 70."""
    from click.testing import CliRunner

    from sep._cli import cli
    from sep._cli._base import wants_json

    runner = CliRunner()
    # `-o NAME` may write a file: each run gets its own empty folder
    with (
        tempfile.TemporaryDirectory() as folder,
        contextlib.chdir(folder),
        time_guard(SECONDS),
    ):
        result = runner.invoke(cli, argv, input=stdin, catch_exceptions=False)
    status = result.exit_code
    count(BOUNDARY, f"exit {status}")
    assert "Traceback" not in result.stderr, (argv, result.stderr[-1000:])
    assert status in (0, 1, 2, 3), (argv, status, result.stderr[-500:])
    if status == EXIT_ERROR:
        assert result.stdout == "", (argv, result.stdout[:200])
        lines = result.stderr.splitlines()
        assert len(lines) == 1 and lines[0].strip(), (argv, result.stderr[:1000])
        if wants_json(argv):
            assert {"error", "message"} <= set(json.loads(lines[0])), (argv, lines[0])
        else:
            assert lines[0].startswith("sep: error: "), (argv, lines[0])
