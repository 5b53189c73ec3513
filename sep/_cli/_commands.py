"""The ``sep`` commands: the demo, checks (3.1/4.2.1, 4.3.5, 4.3.7-b), the 4.1–4.3.7
audit, schemas, example documents, packs and their dated parameters, rule case files,
decision records, the process diagram (4.3.2, 4.3.6), the HTTP service and portfolios.

Each command offers ``--format`` only with the formats it can write, and writes in the one
it is given; errors follow ``--format json`` too (one JSON object on standard error).
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from contextlib import nullcontext
from functools import partial
from typing import Any

import click
from click.core import ParameterSource

from sep import __version__
from sep._cli._base import (
    DATE,
    EXIT_NOT_MET,
    EXIT_OK,
    EXIT_UNKNOWN,
    OUTCOME_COLOUR,
    OUTCOME_EXIT,
    SepGroup,
    _,
    as_file,
    cli_lang,
    emit,
    finish,
    one_stdin,
    out_stream,
    paint,
    read_json,
    warn,
    write_file,
)
from sep._cli._help import SepOption, option
from sep._i18n import N_, label, pad, width
from sep._reason import R_
from sep.domain import Enterprise, Incubatee, Platform, from_dict, json_schema, to_json
from sep.errors import (
    MISSING,
    EngineUnavailableError,
    RuleDefinitionError,
    ValidationError,
)

_DOMAIN: dict[str, type] = {"enterprise": Enterprise, "incubatee": Incubatee, "platform": Platform}
_QUESTIONS = ("eligibility", "graduation", "evaluation")
_PACK_ALIASES = {
    "eligibility": "t-cate-0001-2020/eligibility",
    "graduation": "t-cate-0001-2020/graduation",
    "evaluation": "t-cate-0001-2020/evaluation",
}

EXIT_HELP = N_(
    """\b
Exit status:
  0   met / every audited clause satisfied / every case passes / verified
  1   not met / a clause not satisfied / a case fails / not verified
  3   unknown: data is missing (audit: none fails, some unknown)
  2   bad input or a bad command line: one line on standard error
      (one JSON object with --format json)
  70  a bug in sep itself (please report it)
  74  the output could not be written
  141 standard output was closed early (sep demo | head -3)"""
)


def _format(*choices: str, default: str | None = None) -> Callable[[Any], Any]:
    return option(
        "--format",
        "fmt",
        type=click.Choice(choices),
        default=default or choices[0],
        show_default=True,
        help=N_("what to write (errors too: one JSON object on standard error with json)"),
    )


_LANG = option(
    "--lang",
    type=click.Choice(["en", "zh"]),
    # `sep --lang zh packs` and `sep packs --lang zh` say the same: the group's --lang
    # (read before parsing, see wants_lang) is every command's default.
    default="en",
    show_default=True,
    callback=lambda ctx, param, value: (
        cli_lang() if ctx.get_parameter_source(param.name) is ParameterSource.DEFAULT else value
    ),
    help=N_("language of explanations and titles"),
)


def _written_schemas() -> dict[str, Callable[[], dict[str, Any]]]:
    """The schemas of the documents sep writes, by name: :mod:`sep._written`'s registry.

    The registry ``WRITTEN_SCHEMAS`` is read when the module has one (the service reads
    the same dict); otherwise every ``<name>_schema`` function it exports is listed as
    ``<name>`` with dashes (``audit_report_schema`` is ``sep schema audit-report``). Either
    way a schema added there appears here without a second list to keep in step.
    """
    import sep._written as written

    registry = getattr(written, "WRITTEN_SCHEMAS", None)
    if isinstance(registry, dict):
        return dict(registry)
    found: dict[str, Callable[[], dict[str, Any]]] = {}
    for attr in written.__all__:
        if attr.endswith("_schema"):
            found[attr.removesuffix("_schema").replace("_", "-")] = getattr(written, attr)
    return found


def _schemas() -> dict[str, Callable[[], dict[str, Any]]]:
    """Every schema ``sep schema NAME`` prints: documents in, documents out, pack inputs."""
    from sep.evaluation import builtin_packs, input_schema

    table: dict[str, Callable[[], dict[str, Any]]] = {}
    for name, cls in _DOMAIN.items():
        table[name] = partial(json_schema, cls)
    table.update(_written_schemas())
    for name in (*_QUESTIONS, *builtin_packs()):
        table[name] = partial(input_schema, name)
    return table


def _pack(value: str | None) -> Any:
    """A rule pack from ``--pack``: a shipped id (or alias) or a pack file; ``-`` is TOML."""
    from sep.evaluation import builtin_pack, builtin_packs, load_pack, pack_from_mapping

    if value is None:
        return None
    pack_id = _PACK_ALIASES.get(value, value)
    if pack_id in builtin_packs():
        return builtin_pack(pack_id)
    if value == "-":
        from sep._cli._base import read_bytes
        from sep._limits import MAX_DEFINITION_BYTES
        from sep.evaluation._loader import _parse_definition

        raw = read_bytes("-", MAX_DEFINITION_BYTES + 1)
        if len(raw) > MAX_DEFINITION_BYTES:
            raise RuleDefinitionError(
                "-",
                "",
                R_(
                    "is larger than {max_definition_bytes} bytes",
                    max_definition_bytes=MAX_DEFINITION_BYTES,
                ),
            )
        return pack_from_mapping(_parse_definition("-", ".toml", raw), source="-")
    return load_pack(value)


def _exit_code_flag(func: Any) -> Any:
    return option(
        "--exit-code",
        is_flag=True,
        hidden=True,
        help=N_("deprecated, no effect: exit codes are always set"),
    )(func)


# -- the group ---------------------------------------------------------------------------


@click.group(
    "sep",
    cls=SepGroup,
    no_args_is_help=False,  # a bare `sep` is a usage error of one line, like any other
    help=N_(
        "T/CATE 0001—2020 (large-enterprise shared entrepreneurial platforms) as "
        "executable, explained rules.\n\nEvery FILE argument may be '-' to read standard input."
    ),
    epilog=EXIT_HELP,
    context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100},
)
@click.version_option(
    __version__,
    "--version",
    "-V",
    prog_name="sep",
    message="%(prog)s %(version)s",
    cls=SepOption,
)
@option(
    "--lang",
    type=click.Choice(["en", "zh"]),
    expose_value=False,
    help=N_("language of every text, the help included (also accepted after the command)"),
)
def cli() -> None:
    """The ``sep`` command line (see :func:`sep._cli.main`)."""


@cli.command(
    epilog=EXIT_HELP,
    help=N_(
        "Run the built-in Annex C example: the founder's eligibility (4.2.1) and five "
        "graduations (4.3.5)."
    ),
)
@_LANG
@_format("text", "json")
def demo(lang: str, fmt: str) -> None:
    if fmt == "text":
        from sep._demo import run_demo

        run_demo(out_stream(), lang=lang)
        finish(EXIT_OK)
    from sep.evaluation import check_eligibility, check_graduation
    from sep.examples import ANNEX_C_FIGURES, annex_c_platform

    platform = annex_c_platform()
    founder = platform.leading_founder
    payload = {
        "platform": {
            "name": platform.name,
            "projects": len(platform.incubatees),
            "accelerated": sum(1 for inc in platform.incubatees if inc.accelerated),
            "modules": len(platform.modules),
            "norms": len(platform.norms),
            "source": ANNEX_C_FIGURES["source"],
        },
        "founder": {
            "name": founder.name,
            "size": founder.size.size.value,
            "eligibility": check_eligibility(founder).to_dict(),
        },
        "incubatees": [
            {
                "id": inc.id,
                "name": inc.name,
                "origin": inc.origin.value,
                "graduation": check_graduation(inc).to_dict(),
            }
            for inc in platform.incubatees[:5]
        ],
    }
    emit(json.dumps(payload, ensure_ascii=False, indent=2))
    finish(EXIT_OK)


@cli.command(
    epilog=EXIT_HELP,
    help=N_(
        "Answer eligibility (3.1, 4.2.1), graduation (4.3.5) or evaluation (4.3.7) for "
        "FILE.\n\n"
        "FILE is JSON: a domain document (enterprise, incubatee) or a mapping of the "
        "pack's named inputs; '-' reads standard input. The exit status is the answer."
    ),
)
@click.argument("question", type=click.Choice(_QUESTIONS))
@click.argument("file")
@option(
    "--params",
    metavar="FILE",
    help=N_("JSON object of parameter overrides; '-' reads standard input"),
)
@option(
    "--pack",
    metavar="PACK",
    help=N_(
        "a shipped pack id (see 'sep packs') or a pack file (TOML or YAML; '-': TOML "
        "from standard input) to use instead"
    ),
)
@option("--on", type=DATE, help=N_("date for effective-dated parameters (default: today)"))
@_LANG
@_format("text", "json")
@_exit_code_flag
def check(
    question: str,
    file: str,
    params: str | None,
    pack: str | None,
    on: dt.date | None,
    lang: str,
    fmt: str,
    exit_code: bool,
) -> None:
    from sep import evaluation

    if exit_code:
        warn(_("--exit-code is deprecated and has no effect: exit codes are always set", lang))
    one_stdin(file, params, pack)
    checks: dict[str, Callable[..., Any]] = {
        "eligibility": evaluation.check_eligibility,
        "graduation": evaluation.check_graduation,
        "evaluation": evaluation.check_evaluation,
    }
    data = read_json(file)
    overrides = read_json(params) if params is not None else None
    if params is not None and not isinstance(overrides, dict):
        raise ValidationError(
            params,
            type(overrides).__name__,
            N_("a parameter file is a JSON object of overrides"),
        )
    kwargs: dict[str, Any] = {"params": overrides, "on": on}
    if pack is not None:
        kwargs["pack"] = _pack(pack)
    decision = checks[question](data, **kwargs)
    outcome = decision.outcome.value
    if fmt == "json":
        emit(decision.to_json(indent=2))
    else:
        stream = out_stream()
        head, _nl, rest = decision.explain(lang=lang).partition("\n")
        emit(paint(head, stream, OUTCOME_COLOUR[outcome]) + ("\n" + rest if rest else ""))
    finish(OUTCOME_EXIT[outcome])


@cli.command(
    help=N_(
        "Print the JSON Schema NAME: a document sep reads (enterprise, incubatee, "
        "platform), one it writes (decision, audit-report, …) or a pack's named inputs "
        "(graduation, …)."
    ),
)
@click.argument("name", required=False)
@option("--list", "list_", is_flag=True, help=N_("list the schema names, one a line"))
def schema(name: str | None, list_: bool) -> None:
    table = _schemas()
    if list_:
        if name is not None:
            raise ValidationError("--list", name, N_("lists every schema; give no NAME with it"))
        emit("\n".join(table))
        finish(EXIT_OK)
    if name is None:
        reason = _("give a schema name; one of: {names}").format(names=", ".join(table))
        raise ValidationError("NAME", MISSING, reason)
    if name not in table:
        from sep._suggest import unknown

        raise unknown("NAME", name, table, what=N_("schema name"))
    emit(json.dumps(table[name](), ensure_ascii=False, indent=2))
    finish(EXIT_OK)


@cli.command(
    help=N_("Validate FILE as a KIND document ('-' reads standard input): exit 0 valid, 2 not."),
)
@click.argument("kind", type=click.Choice(sorted(_DOMAIN)))
@click.argument("file")
@_LANG
@_format("text", "json")
def validate(kind: str, file: str, lang: str, fmt: str) -> None:
    obj: Any = from_dict(_DOMAIN[kind], read_json(file))
    if fmt == "json":
        emit(json.dumps({"valid": True, "kind": kind}))
    else:
        emit(_("ok: a valid {type}", lang).format(type=type(obj).__name__))
    finish(EXIT_OK)


def _audit_text(report: Any, lang: str) -> str:
    from sep.assessment._messages import LABELS

    counts = report.counts
    stream = out_stream()
    head = _(
        "Conformance audit of {platform} on {on}: {satisfied} satisfied, "
        "{not_satisfied} not satisfied, {unknown} unknown",
        lang,
    ).format(platform=report.platform, on=report.on.isoformat(), **counts)
    lines = [head]
    colours = {"satisfied": "green", "not_satisfied": "red", "unknown": "yellow"}
    labels = {row.status: row.status.label(lang) for row in report.rows}
    status_width = max((width(t) for t in labels.values()), default=0) + 1
    for row in report.rows:
        label = pad(labels[row.status], status_width)
        lines.append(
            f"  {row.clause:<10} {paint(label, stream, colours[row.status.value])}"
            f" {row.title(lang)}"
        )
        for key, notes in (("problems", row.problems), ("missing", row.missing)):
            if notes:
                title = _(LABELS[key], lang)
                notes_text = _("; ", lang).join(n.text(lang) for n in notes)
                lines.append(
                    f"  {'':<10} "
                    + _("{title}: {notes}", lang).format(title=title, notes=notes_text)
                )
    return "\n".join(lines)


@cli.command(
    epilog=EXIT_HELP,
    help=N_(
        "Audit the platform in FILE against T/CATE 0001—2020 §4, clause by clause.\n\n"
        "Exit 0 when every audited clause is satisfied, 1 when any is not, 3 when none "
        "fails but some cannot be settled from the data ('-' reads standard input)."
    ),
)
@click.argument("file")
@option("--on", type=DATE, help=N_("date of the audit (default: today)"))
@_LANG
@_format("markdown", "json", "html", "text")
def audit(file: str, on: dt.date | None, lang: str, fmt: str) -> None:
    from sep.assessment import audit as run_audit

    report = run_audit(from_dict(Platform, read_json(file)), on=on)
    if fmt == "json":
        emit(report.to_json(indent=2))
    elif fmt == "html":
        emit(report.to_html(lang))
    elif fmt == "text":
        emit(_audit_text(report, lang))
    else:
        emit(report.to_markdown(lang))
    counts = report.counts
    if counts["not_satisfied"]:
        finish(EXIT_NOT_MET)
    finish(EXIT_UNKNOWN if counts["unknown"] else EXIT_OK)


@cli.command(
    help=N_("Print the incubation process (4.3.2, 4.3.6) as a diagram."),
)
@click.argument("what", type=click.Choice(["diagram"]))
@option(
    "--format",
    "fmt",
    type=click.Choice(["mermaid", "dot"]),
    default="mermaid",
    show_default=True,
    help=N_("Mermaid state diagram or Graphviz DOT"),
)
@option("--dot", is_flag=True, help=N_("same as --format dot"))
def lifecycle(what: str, fmt: str, dot: bool) -> None:
    from sep.lifecycle import IncubationProcess

    process = IncubationProcess()
    emit(process.to_dot() if dot or fmt == "dot" else process.to_mermaid())
    finish(EXIT_OK)


@cli.command(
    help=N_(
        "Write an example KIND document (Annex C): the H+ platform (without its "
        "4001-project portfolio), its founder H Group, or its first demo incubatee.\n\n"
        "Each passes 'sep validate'; the incubatee and enterprise are ready for 'sep "
        "check graduation' and 'sep check eligibility', the platform for 'sep audit'."
    ),
)
@click.argument("kind", type=click.Choice(["incubatee", "enterprise", "platform"]))
@option(
    "-o",
    "--output",
    default="-",
    metavar="FILE",
    help=N_("file to write (default: standard output)"),
)
def example(kind: str, output: str) -> None:
    from sep.examples import annex_c_founder, annex_c_platform, demo_incubatees

    documents: dict[str, Callable[[], Any]] = {
        "incubatee": lambda: demo_incubatees()[0],
        "enterprise": annex_c_founder,
        "platform": lambda: annex_c_platform(portfolio=False),
    }
    write_file(output, to_json(documents[kind](), indent=2) + "\n")
    finish(EXIT_OK)


@cli.command(
    help=N_("List the shipped rule packs: id, version, document and number of criteria."),
)
@_LANG
@_format("text", "json")
def packs(lang: str, fmt: str) -> None:
    from sep.evaluation import builtin_pack, builtin_packs

    rows: list[dict[str, Any]] = []
    for pack_id in builtin_packs():
        # the service's summary (/v1/packs), with counts where it lists names
        info = builtin_pack(pack_id).summary()
        del info["inputs"]
        info["criteria"] = len(info["criteria"])
        info["parameters"] = len(info["parameters"])
        rows.append(info)
    if fmt == "json":
        emit(json.dumps({"packs": rows}, ensure_ascii=False, indent=2))
        finish(EXIT_OK)
    head = (_("id", lang), _("version", lang), _("criteria", lang), _("document", lang))
    cells = [(r["id"], r["version"], str(r["criteria"])) for r in rows]
    # terminal columns, not characters: the Chinese header's characters are twice as wide
    cols = [max(width(c) for c in column) for column in zip(head[:3], *cells, strict=False)]
    lines = []
    for (pack_id, version, count), document in [
        (head[:3], head[3]),
        *(
            (c, f"{r['document']} {r['clause']}: {r[lang]}")
            for c, r in zip(cells, rows, strict=True)
        ),
    ]:
        lines.append(
            f"{pad(pack_id, cols[0])}  {pad(version, cols[1])}  "
            f"{pad(count, cols[2], '>')}  {document}"
        )
    emit("\n".join(lines))
    finish(EXIT_OK)


@cli.command(
    help=N_(
        "List the parameters of PACK (a shipped id, an alias such as 'graduation', or a "
        "pack file) with every dated value, its source, and the value in force --on a "
        "date."
    ),
)
@click.argument("pack")
@option("--on", type=DATE, help=N_("show the value in force on this date (default: today)"))
@_LANG
@_format("text", "json")
def parameters(pack: str, on: dt.date | None, lang: str, fmt: str) -> None:
    rules = _pack(pack)
    when = on or dt.date.today()
    items = [spec.to_dict(when) for spec in rules.parameters.values()]
    if fmt == "json":
        payload = {"pack": rules.id, "on": when.isoformat(), "parameters": items}
        emit(json.dumps(payload, ensure_ascii=False, indent=2))
        finish(EXIT_OK)
    lines = [
        _("{pack} {version}: parameters on {on}", lang).format(
            pack=rules.id, version=rules.version, on=when.isoformat()
        )
    ]
    for item in items:
        unit = f" {item['unit']}" if item["unit"] else ""
        shown = item["value_on"] if item["value_on"] is not None else _("(none yet)", lang)
        lines.append(f"\n{item['name']} = {shown}{unit}  ({item['type']}) {item[lang]}")
        for value in item["values"]:
            since = _("  since {since}: {value} — {source}", lang).format(
                since=value["since"],
                value=f"{value['value']}{unit}",
                source=_(value["source"], lang) if value["source"] else value["source"],
            )
            lines.append(since)
    emit("\n".join(lines))
    finish(EXIT_OK)


@cli.command(
    epilog=EXIT_HELP,
    help=N_(
        "Run rule case files (TOML or YAML; '-': TOML from standard input): exit 0 when "
        "every case passes, 1 when any fails."
    ),
)
@click.argument("files", nargs=-1, required=True, metavar="FILE...")
@_LANG
@_format("text", "json")
def cases(files: tuple[str, ...], lang: str, fmt: str) -> None:
    from sep.evaluation import load_cases

    one_stdin(*files)
    results: list[dict[str, Any]] = []
    for file in files:
        with as_file(file, ".toml") as path:
            if file == "-":
                _refuse_relative_pack(path)
            loaded = load_cases(path)
            for case in loaded:
                problems = case.run(lang)
                results.append(
                    {"file": file, "name": case.name, "passed": not problems, "problems": problems}
                )
    failed = [r for r in results if not r["passed"]]
    if fmt == "json":
        payload = {"passed": len(results) - len(failed), "failed": len(failed), "cases": results}
        emit(json.dumps(payload, ensure_ascii=False, indent=2))
    else:
        stream = out_stream()
        lines = []
        for r in results:
            mark = (
                paint(_("pass", lang), stream, "green")
                if r["passed"]
                else paint(_("FAIL", lang), stream, "red")
            )
            lines.append(f"{mark}  {r['file']}: {r['name']}")
            lines.extend(f"      {p}" for p in r["problems"])
        lines.append(
            _("{passed} passed, {failed} failed", lang).format(
                passed=len(results) - len(failed), failed=len(failed)
            )
        )
        emit("\n".join(lines))
    finish(EXIT_NOT_MET if failed else EXIT_OK)


def _refuse_relative_pack(path: str) -> None:
    """A case file from standard input has no folder: its pack must be an id or absolute."""
    from pathlib import Path

    from sep.evaluation import builtin_packs
    from sep.evaluation._loader import read_definition

    head = read_definition(path).get("file")
    ref = head.get("pack") if isinstance(head, dict) else None
    if isinstance(ref, str) and ref not in builtin_packs() and not Path(ref).is_absolute():
        raise ValidationError(
            "file.pack",
            ref,
            N_("a case file read from standard input names its pack by id or absolute path"),
        )


@cli.command(
    epilog=EXIT_HELP,
    help=N_(
        "Replay the decision record in FILE ('-': standard input) and verify its digest, "
        "outcome and per-criterion outcomes: exit 0 verified, 1 not (changed since "
        "written)."
    ),
)
@click.argument("file")
@option(
    "--pack", metavar="PACK", help=N_("the pack to replay with (default: the recorded pack id)")
)
@_LANG
@_format("text", "json")
def verify(file: str, pack: str | None, lang: str, fmt: str) -> None:
    from sep.evaluation import replay
    from sep.evaluation import verify as verify_record

    one_stdin(file, pack)
    record = read_json(file)
    rules = _pack(pack)
    ok = verify_record(record, pack=rules)
    again = replay(record, pack=rules)
    recorded = record if isinstance(record, dict) else {}
    payload = {
        "verified": ok,
        "pack": again.pack,
        "as_of": again.as_of.isoformat(),
        "recorded": {"outcome": recorded.get("outcome"), "digest": recorded.get("digest")},
        "replayed": {"outcome": again.outcome.value, "digest": again.digest},
    }
    if fmt == "json":
        emit(json.dumps(payload, ensure_ascii=False, indent=2))
    else:
        stream = out_stream()
        if ok:
            line = _("{verified}: {pack} decision as of {on}, {outcome}, {digest}", lang)
            emit(
                line.format(
                    verified=paint(_("verified", lang), stream, "green"),
                    pack=again.pack,
                    on=again.as_of.isoformat(),
                    outcome=label(again.outcome, lang),
                    digest=recorded.get("digest"),
                )
            )
        else:
            line = _(
                "{not_verified}: the record says {recorded} {digest}; replaying it gives "
                "{outcome} {replayed}",
                lang,
            )
            was = recorded.get("outcome")
            emit(
                line.format(
                    not_verified=paint(_("NOT verified", lang), stream, "red"),
                    recorded=label(was, lang) if isinstance(was, str) else was,
                    digest=recorded.get("digest"),
                    outcome=label(again.outcome, lang),
                    replayed=again.digest,
                )
            )
    finish(EXIT_OK if ok else EXIT_NOT_MET)


@cli.command(
    help=N_("Run the HTTP service for integrators (needs the server extra: sep[server])."),
)
@option("--host", default="127.0.0.1", show_default=True, help=N_("address to listen on"))
@option("--port", type=int, default=8000, show_default=True)
@option("--time-limit", type=float, default=10.0, show_default=True, help=N_("seconds per request"))
@option(
    "--workers",
    type=click.IntRange(1, 256),
    default=8,
    show_default=True,
    help=N_("requests worked on at once"),
)
def serve(host: str, port: int, time_limit: float, workers: int) -> None:
    try:
        from sep.server import serve as run_server
    except ImportError:
        from sep.errors import EngineUnavailableError

        raise EngineUnavailableError(
            "sep.server", N_("FastAPI and uvicorn are not installed"), 'pip install "sep[server]"'
        ) from None
    run_server(host, port, time_limit=time_limit, workers=workers)
    finish(EXIT_OK)


@cli.command(
    help=N_(
        "Decide a whole portfolio FILE (.parquet, .csv, .json records; '-': CSV or "
        "Parquet from standard input) and count per criterion; needs sep[pandas]."
    ),
)
@click.argument("question", type=click.Choice(_QUESTIONS))
@click.argument("file")
@option("--params", metavar="FILE", help=N_("parameter overrides (JSON, or a TOML file)"))
@option("--scenario", metavar="FILE", help=N_("a scenario file (TOML or JSON) to compare"))
@option("--pack", metavar="PACK", help=N_("a shipped pack id or a pack file to use instead"))
@option("--on", type=DATE, help=N_("date for effective-dated parameters"))
@option("--out", "out_file", metavar="FILE", help=N_("write the results (.parquet or .csv)"))
@option("--index", help=N_("the column that labels the rows (e.g. id)"))
@option("--ignore-extra", is_flag=True, help=N_("skip columns the pack does not read"))
@_LANG
@_format("text", "json")
def portfolio(
    question: str,
    file: str,
    params: str | None,
    scenario: str | None,
    pack: str | None,
    on: dt.date | None,
    out_file: str | None,
    index: str | None,
    ignore_extra: bool,
    lang: str,
    fmt: str,
) -> None:
    try:
        from sep.portfolio._command import run
    except ImportError as exc:
        raise EngineUnavailableError(
            "pandas",
            R_("sep portfolio needs pandas and pyarrow ({error})", error=str(exc)),
            "pip install 'sep[pandas]'",
        ) from None
    one_stdin(file, params, scenario)
    with (
        as_file(file, None) as data,
        as_file(params, ".json") if params else nullcontext() as params_path,
        as_file(scenario, ".toml") if scenario else nullcontext() as scenario_path,
    ):
        text = run(
            question,
            data,
            params=params_path,
            scenario=scenario_path,
            pack=_pack(pack) if pack else None,
            on=on,
            out=out_file,
            index=index,
            ignore_extra=ignore_extra,
            lang=lang,
            fmt=fmt,
        )
    emit(text)
    finish(EXIT_OK)
