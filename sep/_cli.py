"""The ``sep`` command line: the demo, checks, schemas and validation for integrators.

``python -m sep demo`` runs the Annex C example; ``sep check graduation incubatee.json``
answers one question as text or JSON; ``sep schema incubatee`` prints a JSON Schema;
``sep validate platform platform.json`` checks a document. Errors are printed as one line
(or one JSON object with ``--format json``) and exit with status 2.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import io
import json
import os
import sys
from collections.abc import Callable, Sequence
from typing import Any, NoReturn, TextIO

from sep._json import loads
from sep._limits import MAX_JSON_BYTES
from sep.domain import Enterprise, Incubatee, Platform, from_dict, json_schema
from sep.errors import MISSING, SepError, ValidationError

__all__ = ["main"]

_DOMAIN: dict[str, type] = {"enterprise": Enterprise, "incubatee": Incubatee, "platform": Platform}
_QUESTIONS = ("eligibility", "graduation", "evaluation")
EXIT_ERROR = 2
#: A bug in ``sep`` itself (not bad input): the BSD ``EX_SOFTWARE`` status.
EXIT_INTERNAL = 70
#: The output could not be written (``EX_IOERR``).
EXIT_IO = 74
_EXIT_OUTCOME = {"met": 0, "not_met": 10, "unknown": 11}


def _decode_hint(raw: bytes) -> str:
    """Name the encoding a non-UTF-8 file most likely has, to say what to convert from."""
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")) or raw[:2].count(0) == 1:
        return "it looks like UTF-16"
    return "it may be Latin-1, GBK or binary"


def _read_bytes(source: str) -> bytes:
    """The bytes of ``source`` (``"-"``: standard input), at most one byte past the bound."""
    limit = MAX_JSON_BYTES + 1
    if source != "-":
        try:
            with open(source, "rb") as handle:
                return handle.read(limit)
        except OSError as exc:
            reason = exc.strerror or type(exc).__name__
            raise ValidationError(source, MISSING, f"cannot be read: {reason}") from None
    stdin = sys.stdin
    if stdin is None or getattr(stdin, "closed", False):
        raise ValidationError("", "-", "standard input is closed; give a file instead of '-'")
    try:
        terminal = stdin.isatty()
    except (OSError, ValueError):
        terminal = False
    if terminal:
        # Waiting for a person to type JSON and press Ctrl-D looks like a hang.
        raise ValidationError(
            "", "-", "standard input is a terminal; pipe or redirect a JSON file into it"
        )
    try:
        buffer = getattr(stdin, "buffer", None)
        if buffer is not None:
            data: bytes = buffer.read(limit)
            return data
        return stdin.read(limit).encode("utf-8", "surrogatepass")
    except (OSError, ValueError) as exc:
        raise ValidationError("", "-", f"standard input cannot be read: {exc}") from None


def _read_json(source: str) -> Any:
    """Read a JSON file (or standard input) through the one bounded reader, UTF-8 only."""
    raw = _read_bytes(source)
    what = "standard input" if source == "-" else source
    try:
        return loads(raw, what=what)
    except ValidationError as err:
        if err.reason.startswith("is not UTF-8"):
            reason = f"{err.reason}: the file must be UTF-8 ({_decode_hint(raw)}); save it as UTF-8"
            raise ValidationError(err.field, err.value, reason) from None
        raise


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
    params = _read_json(args.params) if args.params is not None else None
    if args.params is not None and not isinstance(params, dict):
        raise ValidationError(
            args.params, type(params).__name__, "a parameter file is a JSON object of overrides"
        )
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


class _UsageError(Exception):
    """A command line argparse refused; reported like any other bad input."""


class _Parser(argparse.ArgumentParser):
    """argparse, but a usage error is raised (one line, exit 2) instead of printed."""

    def error(self, message: str) -> NoReturn:
        raise _UsageError(f"{message} (see 'sep --help')")


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="sep",
        description="T/CATE 0001—2020 (large-enterprise shared entrepreneurial platforms) "
        "as executable, explained rules.",
    )
    common = _Parser(add_help=False)
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
    stream = out if out is not None else _console(sys.stdout)
    err_stream = _console(sys.stderr)
    as_json = _wants_json(argv if argv is not None else sys.argv[1:])
    try:
        args = _parser().parse_args(argv)
    except _UsageError as usage:
        _report(err_stream, ValidationError("arguments", MISSING, str(usage)), as_json)
        return EXIT_ERROR
    except SystemExit as done:  # --help and --version print and exit; keep their status
        return done.code if isinstance(done.code, int) else EXIT_ERROR
    try:
        status: int = args.run(args, stream)
        stream.flush()
    except SepError as err:
        _report(err_stream, err, args.format == "json")
        return EXIT_ERROR
    except BrokenPipeError:
        # The reader went away (``sep demo | head -3``): stop quietly, as cat does.
        _silence_stdout()
        return 1
    except KeyboardInterrupt:
        return 130
    except OSError as exc:  # the output (a full disk, a closed terminal), not the input
        reason = exc.strerror or type(exc).__name__
        _report(
            err_stream,
            ValidationError("output", MISSING, f"cannot be written: {reason}"),
            args.format == "json",
        )
        return EXIT_IO
    except Exception as exc:  # the last line of defence: reported as a bug, not bad input
        _report_bug(err_stream, exc, args.format == "json")
        return EXIT_INTERNAL
    return status


def _wants_json(argv: Sequence[str]) -> bool:
    """Whether errors are asked for as JSON, known before (or without) parsing succeeding."""
    items = list(argv)
    for i, item in enumerate(items):
        if item == "--format=json" or (item == "--format" and items[i + 1 : i + 2] == ["json"]):
            return True
    return False


def _console(stream: TextIO) -> TextIO:
    """``stream`` set never to fail on a character its encoding lacks (an ASCII locale)."""
    if isinstance(stream, io.TextIOWrapper) and stream.errors not in ("backslashreplace",):
        with contextlib.suppress(ValueError, OSError):  # a detached or closed stream
            stream.reconfigure(errors="backslashreplace")
    return stream


def _one_line(text: str) -> str:
    return " ".join(text.split()) or "(no message)"


def _report(stream: TextIO, err: SepError, as_json: bool) -> None:
    if as_json:
        line = json.dumps(_error_payload(err), ensure_ascii=False)
    else:
        line = f"sep: error: {_one_line(str(err))}"
    _write_err(stream, line)


def _report_bug(stream: TextIO, exc: Exception, as_json: bool) -> None:
    kind = f"{type(exc).__module__}.{type(exc).__qualname__}"
    detail = _one_line(str(exc))[:300]
    if as_json:
        payload = {"error": "InternalError", "type": kind, "message": detail}
        line = json.dumps(payload, ensure_ascii=False)
    else:
        line = f"sep: internal error (a bug in sep, please report it): {kind}: {detail}"
    _write_err(stream, line)


def _write_err(stream: TextIO, line: str) -> None:
    with contextlib.suppress(OSError, ValueError):  # stderr itself is gone: nothing to tell
        stream.write(line + "\n")
        stream.flush()


def _silence_stdout() -> None:
    """Point stdout at /dev/null so the interpreter's final flush cannot fail again."""
    with contextlib.suppress(OSError, ValueError, AttributeError):
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
