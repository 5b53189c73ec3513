"""The ``sep`` command line as a user meets it: per-command formats, exit codes that are
the answer, examples that round-trip, packs, parameters, rule cases, decision records.

Most runs go through click's ``CliRunner`` (the group itself, as the console script runs
it); pipes, terminals and exit statuses of the real program run as subprocesses in
tests/test_cli_process.py.
"""

from __future__ import annotations

import json
import re
import shlex
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

import sep
import sep._written
from sep._cli import EXIT_ERROR, EXIT_IO, EXIT_NOT_MET, EXIT_OK, EXIT_UNKNOWN, cli, main
from sep.assessment import AuditReport, Status
from sep.domain import to_json
from sep.evaluation import builtin_packs, check_graduation
from sep.examples import annex_c_platform

pytestmark = pytest.mark.clause("4.2.1", "4.3.5")

ROOT = Path(__file__).resolve().parents[1]
MET = '{"listed": true}'  # 4.3.5(b): a listing alone graduates
NOT_MET = json.dumps(
    {
        "acquired_by_founder": False,
        "listed": False,
        "largest_financing_round": "32000000",
        "revenue": "8200000",
        "platform_equity_exited": False,
    }
)
UNKNOWN = '{"listed": false}'


def _run(*argv: str, stdin: str | bytes | None = None) -> Result:
    return CliRunner().invoke(cli, list(argv), input=stdin, catch_exceptions=False)


def _one_line(result: Result) -> str:
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert "Traceback" not in result.stderr
    return lines[0]


# -- exit codes --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("facts", "status", "word"),
    [(MET, EXIT_OK, "MET"), (NOT_MET, EXIT_NOT_MET, "NOT MET"), (UNKNOWN, EXIT_UNKNOWN, "UNKNOWN")],
)
def test_check_exit_status_is_the_answer(facts: str, status: int, word: str) -> None:
    """4.3.5: `sep check` exits 0 met, 1 not met, 3 unknown, with no flag needed."""
    result = _run("check", "graduation", "-", stdin=facts)
    assert result.exit_code == status, result.stderr
    assert result.stdout.splitlines()[0].split(": ", 1)[1].startswith(word)
    assert result.stderr == ""


def test_check_json_outcome_matches_the_status() -> None:
    """With --format json the record's outcome and the exit status agree (4.3.5)."""
    result = _run("check", "graduation", "-", "--format", "json", stdin=NOT_MET)
    assert result.exit_code == EXIT_NOT_MET
    assert json.loads(result.stdout)["outcome"] == "not_met"


def test_deprecated_exit_code_flag_warns_and_changes_nothing() -> None:
    """`--exit-code` is still accepted, warns once on stderr, and the status stays the answer."""
    result = _run("check", "graduation", "-", "--exit-code", stdin=UNKNOWN)
    assert result.exit_code == EXIT_UNKNOWN
    assert "deprecated" in _one_line(result)


def _platform_file(tmp_path: Path) -> Path:
    path = tmp_path / "platform.json"
    path.write_text(to_json(annex_c_platform(portfolio=False)), encoding="utf-8")
    return path


def test_audit_exit_status_follows_the_clauses(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Audit: 3 when none fails but some are unknown (Annex C in 2020), 1 when a clause fails
    (the same platform in 2030: its services are stale, 4.2.6), 0 when all are satisfied."""
    path = _platform_file(tmp_path)
    assert _run("audit", str(path), "--on", "2020-10-01").exit_code == EXIT_UNKNOWN
    late = _run("audit", str(path), "--on", "2030-01-01", "--format", "json")
    assert late.exit_code == EXIT_NOT_MET
    assert json.loads(late.stdout)["counts"]["not_satisfied"] > 0

    import sep.assessment

    real = sep.assessment.audit

    def satisfied_only(platform: Any, **kwargs: Any) -> AuditReport:
        report = real(platform, **kwargs)
        rows = tuple(r for r in report.rows if r.status is Status.SATISFIED)
        return AuditReport(report.platform, report.on, report.parameters, rows)

    monkeypatch.setattr(sep.assessment, "audit", satisfied_only)
    assert _run("audit", str(path), "--on", "2020-10-01").exit_code == EXIT_OK


def test_help_documents_the_exit_codes() -> None:
    """`sep --help` and `sep check --help` list the exit statuses the commands use."""
    for argv in (("--help",), ("check", "--help"), ("audit", "--help")):
        text = _run(*argv).stdout
        assert "Exit status" in text
        for code in ("0", "1", "2", "3", "70", "74"):
            assert re.search(rf"^\s+{code}\s", text, re.M), (argv, code)


def test_version() -> None:
    """`sep --version` prints the package version and exits 0."""
    result = _run("--version")
    assert (result.exit_code, result.stdout) == (0, f"sep {sep.__version__}\n")


# -- --format where it means something ---------------------------------------------------


def test_demo_json_is_the_demo_as_data() -> None:
    """`sep demo --format json` writes JSON (not the text), with the founder's 4.2.1 decision."""
    text = _run("demo").stdout
    result = _run("demo", "--format", "json")
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    assert data["founder"]["eligibility"]["outcome"] == "met"
    assert len(data["incubatees"]) == 5
    assert data["platform"]["accelerated"] == 343
    assert "4001 projects, 343 accelerated" in text


def test_audit_formats_are_each_what_they_say(tmp_path: Path) -> None:
    """`sep audit --format` json|markdown|html|text write four different renderings."""
    path = _platform_file(tmp_path)
    out = {
        fmt: _run("audit", str(path), "--on", "2020-10-01", "--format", fmt).stdout
        for fmt in ("json", "markdown", "html", "text")
    }
    assert json.loads(out["json"])["platform"] == "H+"
    assert "| 4.2.5 |" in out["markdown"]
    assert out["html"].startswith("<!DOCTYPE html>")
    text = out["text"]
    assert text.startswith("Conformance audit of H+ on 2020-10-01: 16 satisfied")
    assert "|" not in text and "<" not in text
    assert re.search(r"^  4\.2\.5\s+SATISFIED", text, re.M)
    assert _run("audit", str(path), "--format", "text", "--lang", "zh").stdout.startswith(
        "符合性审核"
    )


def test_lifecycle_formats() -> None:
    """`sep lifecycle diagram --format dot` (and the old --dot) give Graphviz, else Mermaid."""
    mermaid = _run("lifecycle", "diagram").stdout
    dot = _run("lifecycle", "diagram", "--format", "dot").stdout
    assert mermaid.startswith("stateDiagram-v2")
    assert "digraph" in dot and dot == _run("lifecycle", "diagram", "--dot").stdout


def test_format_is_refused_where_it_means_nothing() -> None:
    """`sep schema incubatee --format json` is a usage error, not a silently ignored option."""
    result = _run("schema", "incubatee", "--format", "text")
    assert result.exit_code == EXIT_ERROR
    assert "--format" in _one_line(result)
    result = _run("check", "graduation", "-", "--format", "markdown", stdin=MET)
    assert result.exit_code == EXIT_ERROR


def test_validate_json(tmp_path: Path) -> None:
    """`sep validate --format json` answers with an object; an invalid file is a JSON error."""
    path = _platform_file(tmp_path)
    result = _run("validate", "platform", str(path), "--format", "json")
    assert json.loads(result.stdout) == {"valid": True, "kind": "platform"}
    result = _run("validate", "incubatee", str(path), "--format", "json")
    assert result.exit_code == EXIT_ERROR
    assert json.loads(_one_line(result))["error"] == "ValidationError"


# -- examples ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "then", "status"),
    [
        ("incubatee", ("check", "graduation", "@"), EXIT_OK),
        ("enterprise", ("check", "eligibility", "@"), EXIT_OK),
        ("platform", ("audit", "@", "--on", "2020-10-01"), EXIT_UNKNOWN),
    ],
)
def test_examples_round_trip(tmp_path: Path, kind: str, then: tuple[str, ...], status: int) -> None:
    """`sep example KIND -o FILE` writes a document `sep validate KIND` accepts and that
    `sep check` (or `sep audit`, for a platform) decides."""
    path = tmp_path / f"{kind}.json"
    assert _run("example", kind, "-o", str(path)).exit_code == 0
    assert _run("example", kind).stdout == path.read_text(encoding="utf-8")
    assert _run("validate", kind, str(path)).exit_code == 0
    result = _run(*(str(path) if word == "@" else word for word in then))
    assert result.exit_code == status, result.stderr


def test_example_to_an_unwritable_place_is_an_io_error(tmp_path: Path) -> None:
    """`-o` into a missing folder exits 74 naming the file, nothing half-written."""
    target = tmp_path / "no" / "such" / "incubatee.json"
    result = _run("example", "incubatee", "-o", str(target))
    assert result.exit_code == EXIT_IO
    assert str(target) in _one_line(result)


def _readme_commands() -> list[str]:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## From the shell", 1)[1].split("\n## ", 1)[0]
    block = section.split("```sh", 1)[1].split("```", 1)[0]
    return [line.split("  #", 1)[0].strip() for line in block.splitlines() if line.strip()]


def _docs_commands() -> list[str]:
    page = (ROOT / "docs" / "cli.rst").read_text(encoding="utf-8")
    block = page.split("\nTry it\n", 1)[1].split("\nCommands\n", 1)[0]
    return [line.strip() for line in block.splitlines() if line.startswith("   sep ")]


@pytest.mark.parametrize("source", ["README.md", "docs/cli.rst"])
def test_shell_examples_run(source: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every command of the README's shell section (and of the "Try it" block of the CLI
    page) runs as written, in order, from an empty folder: the files it names
    (incubatee.json…) are made by `sep example` first."""
    monkeypatch.chdir(tmp_path)
    commands = _readme_commands() if source == "README.md" else _docs_commands()
    assert len(commands) >= 8
    assert any("incubatee.json" in c for c in commands)
    for command in commands:
        words = shlex.split(command)
        assert words[0] == "sep", command
        target = None
        if ">" in words:
            words, target = words[: words.index(">")], words[words.index(">") + 1]
        result = _run(*words[1:])
        assert result.exit_code in (EXIT_OK, EXIT_NOT_MET, EXIT_UNKNOWN), (command, result.stderr)
        assert result.stderr == "", (command, result.stderr)
        if target is not None:
            Path(target).write_text(result.stdout, encoding="utf-8")


# -- schemas -----------------------------------------------------------------------------


def test_schema_list_names_every_schema_it_prints() -> None:
    """`sep schema --list` names domain, written and pack-input schemas; each one prints."""
    names = _run("schema", "--list").stdout.split()
    assert {"incubatee", "platform", "enterprise", "decision", "audit-report"} <= set(names)
    assert set(builtin_packs()) <= set(names)
    for name in names:
        result = _run("schema", name)
        assert result.exit_code == 0, name
        assert json.loads(result.stdout)["$schema"].startswith("https://json-schema.org/")


def test_a_schema_added_to_the_written_registry_appears(monkeypatch: pytest.MonkeyPatch) -> None:
    """A schema added to sep._written (its registry, or a new exported `<name>_schema`) is
    listed and printed with no change to the command line."""

    def probe_schema() -> dict[str, Any]:
        return {"title": "probe"}

    registry = getattr(sep._written, "WRITTEN_SCHEMAS", None)
    if isinstance(registry, dict):
        monkeypatch.setitem(registry, "probe", probe_schema)
    monkeypatch.setattr(sep._written, "probe_schema", probe_schema, raising=False)
    monkeypatch.setattr(sep._written, "__all__", [*sep._written.__all__, "probe_schema"])
    assert "probe" in _run("schema", "--list").stdout.split()
    assert json.loads(_run("schema", "probe").stdout) == {"title": "probe"}


def test_unknown_schema_suggests_the_closest() -> None:
    """A misspelt schema name exits 2 with a suggestion."""
    result = _run("schema", "incubate")
    assert result.exit_code == EXIT_ERROR
    assert "did you mean 'incubatee'" in _one_line(result)


# -- packs and parameters ----------------------------------------------------------------


def test_packs_lists_the_shipped_packs() -> None:
    """`sep packs --format json`: every shipped pack with version, document, criteria count."""
    data = json.loads(_run("packs", "--format", "json").stdout)["packs"]
    assert [p["id"] for p in data] == list(builtin_packs())
    graduation = next(p for p in data if p["id"] == "t-cate-0001-2020/graduation")
    assert graduation["document"] == "T/CATE 0001—2020"
    # 4.3.5(a)-(d) and their parts: one [[criteria]] table each in the pack file
    source = (ROOT / "sep" / "evaluation" / "packs" / "graduation.toml").read_text("utf-8")
    assert graduation["criteria"] == source.count("\n[[criteria]]\n")
    text = _run("packs").stdout
    assert all(pack_id in text for pack_id in builtin_packs())


def _dated_pack(tmp_path: Path) -> Path:
    source = (ROOT / "sep" / "evaluation" / "packs" / "graduation.toml").read_text("utf-8")
    old = re.search(r"(\[parameters\.revenue_min\].*?\n)values = \[.*?\]\n", source, re.S)
    assert old is not None
    dated = (
        'values = [{ since = 2020-09-05, value = "10000000", source = "board 2020" }, '
        '{ since = 2026-01-01, value = "20000000", source = "board 2025-12" }]\n'
    )
    path = tmp_path / "dated.toml"
    path.write_text(source.replace(old.group(0), old.group(1) + dated), encoding="utf-8")
    return path


def test_parameters_show_dated_values_and_the_one_in_force(tmp_path: Path) -> None:
    """`sep parameters PACK --on DATE`: each dated value with its source, and the one in force."""
    path = _dated_pack(tmp_path)
    for on, expected in (("2025-12-31", "10000000"), ("2026-01-01", "20000000")):
        data = json.loads(_run("parameters", str(path), "--on", on, "--format", "json").stdout)
        revenue = next(p for p in data["parameters"] if p["name"] == "revenue_min")
        assert revenue["value_on"] == expected
        assert [v["source"] for v in revenue["values"]] == ["board 2020", "board 2025-12"]
    text = _run("parameters", str(path), "--on", "2026-06-30").stdout
    assert "revenue_min = 20000000 CNY" in text
    assert "since 2026-01-01: 20000000 CNY — board 2025-12" in text
    before = _run("parameters", "graduation", "--on", "2000-01-01", "--format", "json").stdout
    assert all(p["value_on"] is None for p in json.loads(before)["parameters"])


def test_parameters_of_an_unknown_pack_is_refused() -> None:
    """A pack that is neither shipped nor a file exits 2 with one line."""
    result = _run("parameters", "no-such-pack")
    assert result.exit_code == EXIT_ERROR
    _one_line(result)


# -- rule cases and decision records -----------------------------------------------------


def test_cases_of_the_shipped_rule_files_pass() -> None:
    """`sep cases` on the project's own case files: every case passes, exit 0."""
    files = sorted(str(p) for p in (ROOT / "tests" / "rules").glob("*.toml"))
    result = _run("cases", *files, "--format", "json")
    assert result.exit_code == 0, result.stdout[-2000:]
    data = json.loads(result.stdout)
    assert data["failed"] == 0 and data["passed"] > 50


def test_a_failing_case_exits_1_and_says_why(tmp_path: Path) -> None:
    """A case expecting the wrong outcome fails: exit 1, FAIL and the mismatch shown."""
    path = tmp_path / "cases.toml"
    path.write_text(
        '[file]\npack = "t-cate-0001-2020/graduation"\n'
        '[[case]]\nname = "listing graduates"\ninputs = { listed = true }\noutcome = "met"\n'
        '[[case]]\nname = "wrong on purpose"\ninputs = { listed = true }\noutcome = "not_met"\n',
        encoding="utf-8",
    )
    result = _run("cases", str(path))
    assert result.exit_code == EXIT_NOT_MET
    assert re.search(r"^pass .*listing graduates$", result.stdout, re.M)
    assert re.search(r"^FAIL .*wrong on purpose$", result.stdout, re.M)
    assert "outcome: expected not_met, got met" in result.stdout
    assert result.stdout.rstrip().endswith("1 passed, 1 failed")
    stdin = _run("cases", "-", stdin=path.read_text(encoding="utf-8"))
    assert stdin.exit_code == EXIT_NOT_MET and "-: wrong on purpose" in stdin.stdout


def test_a_malformed_case_file_exits_2(tmp_path: Path) -> None:
    """A case file with an unknown key is refused naming the key, exit 2."""
    path = tmp_path / "cases.toml"
    path.write_text('[file]\npack = "t-cate-0001-2020/graduation"\nbogus = 1\n', "utf-8")
    result = _run("cases", str(path))
    assert result.exit_code == EXIT_ERROR
    assert "bogus" in _one_line(result)


def test_a_case_file_on_stdin_names_its_pack_by_id() -> None:
    """From standard input a case file's relative pack path has no folder: refused clearly."""
    result = _run("cases", "-", stdin='[file]\npack = "pack.toml"\n[[case]]\nname = "x"\n')
    assert result.exit_code == EXIT_ERROR
    assert "file.pack" in _one_line(result)


def test_verify_a_record_and_a_tampered_one(tmp_path: Path) -> None:
    """`sep verify`: a record `sep check --format json` wrote verifies (0); the same with an
    input changed does not (1); a document that is no record is bad input (2)."""
    record = _run("check", "graduation", "-", "--format", "json", stdin=UNKNOWN).stdout
    path = tmp_path / "decision.json"
    path.write_text(record, encoding="utf-8")
    ok = _run("verify", str(path))
    assert ok.exit_code == 0 and ok.stdout.startswith("verified: t-cate-0001-2020/graduation")
    data = json.loads(record)
    data["inputs"]["listed"] = True
    tampered = _run("verify", "-", "--format", "json", stdin=json.dumps(data))
    assert tampered.exit_code == EXIT_NOT_MET
    payload = json.loads(tampered.stdout)
    assert payload["verified"] is False and payload["replayed"]["outcome"] == "met"
    junk = _run("verify", "-", stdin='{"pack": 5}')
    assert junk.exit_code == EXIT_ERROR
    assert _one_line(junk).startswith("sep: error: record.")


# -- standard input ----------------------------------------------------------------------


def test_every_file_argument_reads_stdin(tmp_path: Path) -> None:
    """'-' works for the document, --params, --pack (TOML) and the platform of an audit."""
    facts = tmp_path / "facts.json"
    facts.write_text('{"revenue": "15000000", "profit": "2000000"}', encoding="utf-8")
    strict = _run(
        "check", "graduation", str(facts), "--params", "-", "--format", "json",
        stdin='{"revenue_min": "20000000"}',
    )  # fmt: skip
    assert strict.exit_code != EXIT_ERROR, strict.stderr
    used = {p["name"]: p["value"] for p in json.loads(strict.stdout)["parameters"]}
    assert used["revenue_min"] == "20000000"
    pack = (ROOT / "sep" / "evaluation" / "packs" / "graduation.toml").read_text("utf-8")
    by_pack = _run("check", "graduation", str(facts), "--pack", "-", stdin=pack)
    assert by_pack.exit_code == _run("check", "graduation", str(facts)).exit_code
    platform = to_json(annex_c_platform(portfolio=False))
    assert _run("audit", "-", "--on", "2020-10-01", stdin=platform).exit_code == EXIT_UNKNOWN
    assert _run("validate", "platform", "-", stdin=platform).exit_code == 0
    assert _run("parameters", "-", "--format", "json", stdin=pack).exit_code == 0


def test_only_one_argument_reads_stdin() -> None:
    """Two '-' arguments in one command line are refused rather than reading stdin twice."""
    result = _run("check", "graduation", "-", "--params", "-", stdin="{}")
    assert result.exit_code == EXIT_ERROR
    assert "only one argument" in _one_line(result)


# -- main() stays callable ---------------------------------------------------------------


def test_main_writes_to_the_given_stream(capsys: pytest.CaptureFixture[str]) -> None:
    """`main(argv, out=…)` returns the status and writes to `out`, nothing to stdout."""
    import io

    buf = io.StringIO()
    decision = check_graduation({"listed": False})
    assert main(["schema", "decision"], out=buf) == 0
    assert json.loads(buf.getvalue())["title"] == "sep decision record"
    assert decision.outcome.value == "unknown"
    assert capsys.readouterr().out == ""


def test_portfolio_reads_csv_from_stdin() -> None:
    """`sep portfolio graduation -` reads a CSV portfolio from standard input (4.3.5)."""
    pytest.importorskip("pandas")
    pytest.importorskip("pyarrow")
    csv = "revenue,listed\n100,true\n20000000,false\n"
    result = _run("portfolio", "graduation", "-", "--format", "json", stdin=csv)
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["rows"] == 2
    assert data["counts"]["4.3.5(b).listing"] == {"met": 1, "not_met": 1, "unknown": 0}
    bad = _run("portfolio", "graduation", "-", stdin="revenue,listed\n-5,true\n")
    assert bad.exit_code == EXIT_ERROR
    assert "revenue" in _one_line(bad)


@pytest.mark.parametrize("argv", [("parameters", "-"), ("cases", "-")])
def test_oversized_rule_file_on_stdin_is_refused(argv: tuple[str, ...]) -> None:
    """A rule or case file on standard input past the stated bound exits 2, one line."""
    from sep._limits import MAX_DEFINITION_BYTES

    result = _run(*argv, stdin=b"#" * (MAX_DEFINITION_BYTES + 10))
    assert result.exit_code == EXIT_ERROR
    assert "larger than" in _one_line(result)


def test_serve_passes_host_port_time_limit_and_workers(monkeypatch: pytest.MonkeyPatch) -> None:
    """``sep serve`` hands its options to :func:`sep.server.serve` (the server itself is
    tested over HTTP in test_server.py), and refuses a worker count outside 1–256 with 2."""
    pytest.importorskip("fastapi")
    import sep.server

    seen: dict[str, Any] = {}

    def fake_serve(host: str, port: int, **options: Any) -> None:
        seen.update(host=host, port=port, **options)

    monkeypatch.setattr(sep.server, "serve", fake_serve)
    result = _run("serve", "--port", "8123", "--time-limit", "2.5", "--workers", "3")
    assert result.exit_code == EXIT_OK, result.stderr
    assert seen == {"host": "127.0.0.1", "port": 8123, "time_limit": 2.5, "workers": 3}
    refused = _run("serve", "--workers", "0")
    assert refused.exit_code == EXIT_ERROR
    assert "--workers" in _one_line(refused)
