"""The ``sep`` command line: the demo, checks, schemas and validation for integrators.

``python -m sep demo`` runs the Annex C example; ``sep check graduation incubatee.json``
answers one question as text or JSON; ``sep schema incubatee`` prints a JSON Schema;
``sep validate platform platform.json`` checks a document. Errors are printed as one line
(or one JSON object with ``--format json``) and exit with status 2.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from collections.abc import Callable, Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any, TextIO

from sep.domain import Enterprise, Incubatee, Platform, from_dict, json_schema
from sep.errors import MISSING, SepError, ValidationError

__all__ = ["main"]

_DOMAIN: dict[str, type] = {"enterprise": Enterprise, "incubatee": Incubatee, "platform": Platform}
_QUESTIONS = ("eligibility", "graduation", "evaluation")
EXIT_ERROR = 2
_EXIT_OUTCOME = {"met": 0, "not_met": 10, "unknown": 11}


def _read_json(source: str) -> Any:
    try:
        text = sys.stdin.read() if source == "-" else Path(source).read_text(encoding="utf-8")
    except OSError as exc:
        raise ValidationError("", source, f"cannot be read: {exc.strerror}") from None
    try:
        return json.loads(text, parse_float=Decimal)
    except json.JSONDecodeError as exc:
        raise ValidationError("", source, f"is not valid JSON: {exc}") from None


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date written YYYY-MM-DD") from None


def _error_payload(err: SepError) -> dict[str, Any]:
    payload: dict[str, Any] = {"error": type(err).__name__, "message": str(err)}
    for name in ("field", "reason", "clause", "source", "key", "trigger", "state", "engine"):
        value = getattr(err, name, None)
        if value is not None:
            payload[name] = value
    value = getattr(err, "value", MISSING)
    if value is not MISSING:
        payload["value"] = value if isinstance(value, str | int | float | bool) else repr(value)
    return payload


def _cmd_demo(args: argparse.Namespace, out: TextIO) -> int:
    from sep._demo import run_demo

    run_demo(out, lang=args.lang)
    return 0


def _cmd_check(args: argparse.Namespace, out: TextIO) -> int:
    from sep import evaluation

    checks: dict[str, Callable[..., Any]] = {
        "eligibility": evaluation.check_eligibility,
        "graduation": evaluation.check_graduation,
        "evaluation": evaluation.check_evaluation,
    }
    data = _read_json(args.file)
    params = _read_json(args.params) if args.params else None
    kwargs: dict[str, Any] = {"params": params, "on": args.on}
    if args.pack:
        kwargs["pack"] = evaluation.load_pack(args.pack)
    decision = checks[args.question](data, **kwargs)
    if args.format == "json":
        out.write(decision.to_json(indent=2) + "\n")
    else:
        out.write(decision.explain(lang=args.lang) + "\n")
    return _EXIT_OUTCOME[decision.outcome.value] if args.exit_code else 0


def _cmd_schema(args: argparse.Namespace, out: TextIO) -> int:
    if args.kind in _DOMAIN:
        schema = json_schema(_DOMAIN[args.kind])
    else:
        from sep import evaluation

        schema = evaluation.input_schema(args.kind)
    out.write(json.dumps(schema, ensure_ascii=False, indent=2) + "\n")
    return 0


def _cmd_validate(args: argparse.Namespace, out: TextIO) -> int:
    obj: Any = from_dict(_DOMAIN[args.kind], _read_json(args.file))
    out.write(f"ok: a valid {type(obj).__name__}\n")
    return 0


def _cmd_audit(args: argparse.Namespace, out: TextIO) -> int:
    from sep.assessment import audit

    report = audit(from_dict(Platform, _read_json(args.file)), on=args.on)
    if args.format == "json":
        out.write(report.to_json() + "\n")
    elif args.format == "html":
        out.write(report.to_html(args.lang) + "\n")
    else:
        out.write(report.to_markdown(args.lang) + "\n")
    return 0


def _cmd_lifecycle(args: argparse.Namespace, out: TextIO) -> int:
    from sep.lifecycle import IncubationProcess

    process = IncubationProcess()
    out.write((process.to_dot() if args.dot else process.to_mermaid()) + "\n")
    return 0


def _cmd_portfolio(args: argparse.Namespace, out: TextIO) -> int:
    try:
        from sep.portfolio._command import run
    except ImportError as exc:
        raise SepError(
            f"sep portfolio needs pandas and pyarrow: pip install 'sep[pandas]' ({exc})"
        ) from None
    return run(args, out)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="sep",
        description="T/CATE 0001—2020 (large-enterprise shared entrepreneurial platforms) "
        "as executable, explained rules.",
    )
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--format",
        choices=("text", "json", "markdown", "html"),
        default="text",
        help="output (and error) format; markdown and html for audit reports",
    )
    sub = parser.add_subparsers(dest="command", required=True)

    def add(name: str, help: str) -> argparse.ArgumentParser:
        return sub.add_parser(name, help=help, parents=[common])

    demo = add("demo", "run the built-in Annex C example")
    demo.add_argument("--lang", choices=("en", "zh"), default="en")
    demo.set_defaults(run=_cmd_demo)

    check = add(
        "check", "answer eligibility (3.1, 4.2.1), graduation (4.3.5) or evaluation (4.3.7)"
    )
    check.add_argument("question", choices=_QUESTIONS)
    check.add_argument(
        "file",
        help="JSON: a domain document (enterprise, incubatee) or a mapping of named inputs; "
        "'-' reads standard input",
    )
    check.add_argument("--params", help="JSON file of parameter overrides")
    check.add_argument("--pack", help="a rule pack file (TOML or YAML) to use instead")
    check.add_argument("--on", type=_date, help="date for effective-dated parameters")
    check.add_argument("--lang", choices=("en", "zh"), default="en")
    check.add_argument(
        "--exit-code",
        action="store_true",
        help="exit 0 when met, 10 when not met, 11 when unknown",
    )
    check.set_defaults(run=_cmd_check)

    schema = add("schema", "print a JSON Schema")
    schema.add_argument(
        "kind", help="enterprise, incubatee, platform, or a rule pack id for its inputs"
    )
    schema.set_defaults(run=_cmd_schema)

    audit = add("audit", "audit a platform against T/CATE 0001—2020 §4, clause by clause")
    audit.add_argument("file", help="JSON of a platform, or '-' for standard input")
    audit.add_argument("--on", type=_date, help="date of the audit (default: today)")
    audit.add_argument("--lang", choices=("en", "zh"), default="en")
    audit.set_defaults(run=_cmd_audit)

    lifecycle = add("lifecycle", "print the incubation process (4.3.2, 4.3.6) as a diagram")
    lifecycle.add_argument("what", choices=("diagram",))
    lifecycle.add_argument("--dot", action="store_true", help="Graphviz DOT instead of Mermaid")
    lifecycle.set_defaults(run=_cmd_lifecycle)

    portfolio = add("portfolio", "decide a whole portfolio file (Parquet, CSV); sep[pandas]")
    portfolio.add_argument("question", choices=_QUESTIONS)
    portfolio.add_argument("file", help=".parquet, .csv or .json (records) file")
    portfolio.add_argument("--params", help="parameter overrides (JSON, or a TOML file)")
    portfolio.add_argument("--scenario", help="a scenario file (TOML or JSON) to compare")
    portfolio.add_argument("--pack", help="a rule pack file (TOML or YAML) to use instead")
    portfolio.add_argument("--on", type=_date, help="date for effective-dated parameters")
    portfolio.add_argument("--out", help="write the results (.parquet or .csv)")
    portfolio.add_argument("--index", help="the column that labels the rows (e.g. id)")
    portfolio.add_argument("--ignore-extra", action="store_true", help="skip other columns")
    portfolio.add_argument("--lang", choices=("en", "zh"), default="en")
    portfolio.set_defaults(run=_cmd_portfolio)

    validate = add("validate", "validate a JSON document")
    validate.add_argument("kind", choices=sorted(_DOMAIN))
    validate.add_argument("file", help="JSON file, or '-' for standard input")
    validate.set_defaults(run=_cmd_validate)
    return parser


def main(argv: Sequence[str] | None = None, *, out: TextIO | None = None) -> int:
    """Run the command line; return the exit status.

    Example:
        >>> import io
        >>> buf = io.StringIO()
        >>> main(["schema", "incubatee"], out=buf)
        0
        >>> json.loads(buf.getvalue())["title"]
        'Incubatee'
    """
    stream = out if out is not None else sys.stdout
    parser = _parser()
    args = parser.parse_args(argv)
    try:
        status: int = args.run(args, stream)
    except SepError as err:
        if args.format == "json":
            sys.stderr.write(json.dumps(_error_payload(err), ensure_ascii=False) + "\n")
        else:
            sys.stderr.write(f"sep: error: {err}\n")
        return EXIT_ERROR
    return status
