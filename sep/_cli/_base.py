"""What every ``sep`` command shares: exit codes, reading files or standard input,
writing output, and turning any failure into one line on standard error.

Integrators script ``sep`` from shells and CI jobs (checks of 3.1/4.2.1, 4.3.5, 4.3.7-b;
the 4.1–4.3.7 audit), so the status and the one error line are the interface: a bad
input never shows a traceback, a closed pipe ends the run quietly, and colour appears only
on a terminal and never when ``NO_COLOR`` is set.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import json
import os
import shutil
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any, NoReturn, TextIO

import click

from sep._cli import _help
from sep._i18n import translation
from sep._json import loads
from sep._limits import MAX_DEFINITION_BYTES, MAX_JSON_BYTES
from sep._reason import N_, R_, Reason, os_reason, replaced
from sep.errors import MISSING, RuleDefinitionError, SepError, ValidationError

#: The answer is MET (a check) or every audited clause is satisfied.
EXIT_OK = 0
#: The answer is NOT MET, or an audited clause is not satisfied, or a case or a record fails.
EXIT_NOT_MET = 1
#: Bad input or a bad command line (a usage error or any :class:`~sep.errors.SepError`).
EXIT_ERROR = 2
#: The answer is UNKNOWN: data is missing (for an audit: no clause fails, some are unknown).
EXIT_UNKNOWN = 3
#: A bug in ``sep`` itself (not bad input): the BSD ``EX_SOFTWARE`` status.
EXIT_INTERNAL = 70
#: The output could not be written (``EX_IOERR``).
EXIT_IO = 74
#: Interrupted (Ctrl-C): 128 + SIGINT, as shells report it.
EXIT_INTERRUPT = 130
#: The reader of standard output went away (``sep demo | head -3``): 128 + SIGPIPE, what a
#: shell reports for ``cat`` in the same place; distinct from 1, which means "not met".
EXIT_PIPE = 141

OUTCOME_EXIT = {"met": EXIT_OK, "not_met": EXIT_NOT_MET, "unknown": EXIT_UNKNOWN}
_JSON_ERRORS = "sep.json_errors"
_LANG = _help.LANG_KEY


def wants_lang(argv: list[str]) -> str:
    """The ``--lang`` of a command line, known before (or without) parsing succeeding, so
    that even a usage error is reported in the language asked for; ``en`` otherwise."""
    for i, item in enumerate(argv):
        if item == "--":
            break
        if item == "--lang=zh" or (item == "--lang" and argv[i + 1 : i + 2] == ["zh"]):
            return "zh"
    return "en"


def cli_lang() -> str:
    """The language of the running command's messages (``--lang``; ``en`` without one)."""
    return _help.asked_lang() or "en"


def _(message: str, lang: str | None = None) -> str:
    """``message`` (an English msgid) in the command's language."""
    return translation(cli_lang() if lang is None else lang).gettext(message)


class State:
    """What :func:`sep._cli.main` hands the commands: where their output goes."""

    def __init__(self, out: TextIO | None = None) -> None:
        self.out = out


class CannotWrite(Exception):
    """An output file (``-o``) could not be written: reported with :data:`EXIT_IO`."""

    def __init__(self, error: ValidationError) -> None:
        super().__init__(str(error))
        self.error = error


# -- output ------------------------------------------------------------------------------


def console(stream: TextIO) -> TextIO:
    """``stream`` set never to fail on a character its encoding lacks (an ASCII locale)."""
    if isinstance(stream, io.TextIOWrapper) and stream.errors not in ("backslashreplace",):
        with contextlib.suppress(ValueError, OSError):  # a detached or closed stream
            stream.reconfigure(errors="backslashreplace")
    return stream


def out_stream() -> TextIO:
    """Where a command writes: the stream given to ``main(out=…)``, else standard output."""
    ctx = click.get_current_context(silent=True)
    state = ctx.find_root().obj if ctx is not None else None
    if isinstance(state, State) and state.out is not None:
        return state.out
    return console(sys.stdout)


def colour(stream: TextIO) -> bool:
    """Whether to colour ``stream``: only a terminal, and never when ``NO_COLOR`` is set."""
    if os.environ.get("NO_COLOR"):  # https://no-color.org: set and not empty
        return False
    try:
        return bool(stream.isatty())
    except (OSError, ValueError, AttributeError):
        return False


def paint(text: str, stream: TextIO, fg: str) -> str:
    """``text`` in colour ``fg`` when :func:`colour` allows it, else as it is."""
    return click.style(text, fg=fg) if colour(stream) else text


OUTCOME_COLOUR = {"met": "green", "not_met": "red", "unknown": "yellow"}


def emit(text: str) -> None:
    """Write ``text`` and a newline to the command's output."""
    out_stream().write(text + "\n")


def finish(status: int) -> NoReturn:
    """Flush the output (a closed pipe shows up here) and end the command with ``status``."""
    out_stream().flush()
    raise click.exceptions.Exit(status)


def write_file(path: str, text: str) -> None:
    """Write ``text`` to ``path`` (``-``: the command's output), UTF-8."""
    if path == "-":
        emit(text.rstrip("\n"))
        return
    try:
        with open(path, "w", encoding="utf-8") as handle:
            handle.write(text)
    except OSError as exc:
        reason = os_reason(exc)
        raise CannotWrite(
            ValidationError("--output", path, R_("cannot be written: {reason}", reason=reason))
        ) from None


# -- input -------------------------------------------------------------------------------


def _decode_hint(raw: bytes) -> Reason:
    """Name the encoding a non-UTF-8 file most likely has, to say what to convert from."""
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")) or raw[:2].count(0) == 1:
        return R_("it looks like UTF-16")
    return R_("it may be Latin-1, GBK or binary")


def _stdin_binary() -> Any:
    """Standard input as a binary stream, refused when closed or a terminal."""
    stdin = sys.stdin
    if stdin is None or getattr(stdin, "closed", False):
        raise ValidationError("", "-", N_("standard input is closed; give a file instead of '-'"))
    try:
        terminal = stdin.isatty()
    except (OSError, ValueError):
        terminal = False
    if terminal:
        # Waiting for a person to type JSON and press Ctrl-D looks like a hang.
        raise ValidationError(
            "", "-", N_("standard input is a terminal; pipe or redirect a file into it")
        )
    return stdin


def read_bytes(source: str, limit: int = MAX_JSON_BYTES + 1) -> bytes:
    """The bytes of ``source`` (``"-"``: standard input), at most ``limit`` of them."""
    if source != "-":
        try:
            with open(source, "rb") as handle:
                return handle.read(limit)
        except OSError as exc:
            reason = os_reason(exc)
            raise ValidationError(
                source, MISSING, R_("cannot be read: {reason}", reason=reason)
            ) from None
    stdin = _stdin_binary()
    try:
        buffer = getattr(stdin, "buffer", None)
        if buffer is not None:
            data: bytes = buffer.read(limit)
            return data
        return str(stdin.read(limit)).encode("utf-8", "surrogatepass")
    except (OSError, ValueError) as exc:
        raise ValidationError(
            "",
            "-",
            R_("standard input cannot be read: {reason}", reason=os_reason(exc)),
        ) from None


def read_json(source: str) -> Any:
    """Read a JSON file (or standard input) through the one bounded reader, UTF-8 only."""
    raw = read_bytes(source)
    what = _("standard input") if source == "-" else source
    try:
        return loads(raw, what=what)
    except ValidationError as err:
        if err.reason.startswith("is not UTF-8"):
            reason = R_(
                "{reason}: the file must be UTF-8 ({hint}); save it as UTF-8",
                reason=R_(err.reason),
                hint=_decode_hint(raw),
            )
            raise ValidationError(err.field, err.value, reason) from None
        raise


def one_stdin(*sources: str | None) -> None:
    """Refuse a command line where more than one argument reads standard input."""
    if sum(1 for s in sources if s == "-") > 1:
        raise ValidationError("arguments", "-", N_("only one argument can read standard input"))


@contextlib.contextmanager
def as_file(source: str, suffix: str | None) -> Iterator[str]:
    """A path holding ``source``'s content: ``source`` itself, or standard input spooled
    to a temporary ``stdin<suffix>`` file for the readers that take a path (rule, case,
    scenario and portfolio files). Errors name ``-`` rather than the temporary file.

    ``suffix=None`` tells a portfolio's kind from its first bytes: Parquet's ``PAR1``
    magic, JSON records, else CSV.
    """
    if source != "-":
        yield source
        return
    stdin = _stdin_binary()
    with tempfile.TemporaryDirectory(prefix="sep-") as folder:
        path = str(Path(folder) / "stdin")
        try:
            source_stream = getattr(stdin, "buffer", stdin)
            with open(path, "wb") as handle:
                if suffix is None:  # a portfolio: as large as a file of it may be
                    shutil.copyfileobj(source_stream, handle)
                else:  # a rule, case or scenario file: one byte past the loader's bound
                    handle.write(source_stream.read(MAX_DEFINITION_BYTES + 1))
            if suffix is None:
                with open(path, "rb") as handle:
                    start = handle.read(4)
                stripped = start.lstrip()
                suffix = (
                    ".parquet"
                    if start == b"PAR1"
                    else ".json"
                    if stripped[:1] in (b"[", b"{")
                    else ".csv"
                )
            os.rename(path, path + suffix)
            path += suffix
        except (OSError, ValueError, TypeError) as exc:
            raise ValidationError(
                "",
                "-",
                R_("standard input cannot be read: {reason}", reason=os_reason(exc)),
            ) from None
        try:
            yield path
        except RuleDefinitionError as err:
            raise RuleDefinitionError(
                err.source.replace(path, "-"),
                err.key,
                replaced(err.reason, path, "-"),
                clause=err.clause,
            ) from None
        except ValidationError as err:
            value = err.value.replace(path, "-") if isinstance(err.value, str) else err.value
            raise ValidationError(
                err.field.replace(path, "-"),
                value,
                replaced(err.reason, path, "-"),
                clause=err.clause,
            ) from None


class DateType(click.ParamType[dt.date]):
    """A date written ``YYYY-MM-DD`` (for effective-dated parameters and audits)."""

    name = "YYYY-MM-DD"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        if isinstance(value, dt.date):
            return value
        try:
            return dt.date.fromisoformat(value)
        except (TypeError, ValueError):
            self.fail(
                _("{value} is not a date written YYYY-MM-DD").format(value=repr(value)), param, ctx
            )


DATE = DateType()


# -- errors ------------------------------------------------------------------------------


def error_payload(err: SepError, lang: str = "en") -> dict[str, Any]:
    """The JSON error object of ``--format json``: the error's class, message and fields,
    and its clause with the clause's title in ``lang`` (``clause_text``)."""
    payload: dict[str, Any] = {"error": type(err).__name__, "message": str(err)}
    for name in ("field", "reason", "clause", "source", "key", "trigger", "state", "engine"):
        value = getattr(err, name, None)
        if value is not None:
            payload[name] = value
    if getattr(err, "clause", None):
        payload["clause_text"] = err.clause_text(lang)
    reason = err.reason_text(lang)
    if reason is not None:
        payload["reason_text"] = reason
    value = getattr(err, "value", MISSING)
    if value is not MISSING:
        payload["value"] = value if isinstance(value, str | int | float | bool) else repr(value)
    return payload


def wants_json(argv: list[str]) -> bool:
    """Whether errors are asked for as JSON, known before (or without) parsing succeeding."""
    for i, item in enumerate(argv):
        if item == "--format=json" or (item == "--format" and argv[i + 1 : i + 2] == ["json"]):
            return True
    return False


def _one_line(text: str) -> str:
    return " ".join(text.split()) or "(no message)"


def _err_stream() -> TextIO:
    return console(sys.stderr)


def _write_err(line: str) -> None:
    stream = _err_stream()
    with contextlib.suppress(OSError, ValueError, AttributeError):  # stderr itself is gone
        stream.write(line + "\n")
        stream.flush()


def report(err: SepError, as_json: bool, lang: str | None = None) -> None:
    """One line on standard error: ``sep: error: …`` or the JSON error object."""
    lang = cli_lang() if lang is None else lang
    if as_json:
        _write_err(json.dumps(error_payload(err, lang), ensure_ascii=False))
    else:
        stream = _err_stream()
        prefix = paint(_("sep: error:", lang), stream, "red")
        _write_err(f"{prefix} {_one_line(err.text(lang))}")


def warn(text: str) -> None:
    """One warning line on standard error (the run goes on); ``text`` already translated."""
    prefix = _("sep: warning:")
    _write_err(f"{prefix} {_one_line(text)}")


def _report_bug(exc: BaseException, as_json: bool) -> None:
    kind = f"{type(exc).__module__}.{type(exc).__qualname__}"
    detail = _one_line(str(exc))[:300]
    if as_json:
        payload = {"error": "InternalError", "type": kind, "message": detail}
        _write_err(json.dumps(payload, ensure_ascii=False))
    else:
        line = _("sep: internal error (a bug in sep, please report it): {kind}: {detail}")
        _write_err(line.format(kind=kind, detail=detail))


def _usage_error(err: click.UsageError) -> ValidationError:
    """A usage error as the ValidationError it is: the option (or ``arguments``) named."""
    field = "arguments"
    param = getattr(err, "param", None)
    if isinstance(param, click.Option) and param.opts:
        field = max(param.opts, key=len)
    elif isinstance(param, click.Argument):
        field = param.human_readable_name
    if isinstance(err, click.BadParameter) and not isinstance(err, click.MissingParameter):
        # the field already names the option: "--lang: 'xx' is not one of 'en', 'zh'."
        message = err.message if field != "arguments" else err.format_message()
    elif isinstance(err, click.BadParameter):
        message = err.format_message()
    else:
        message = err.message
    path = err.ctx.command_path if err.ctx is not None else "sep"
    see = _("{message} (see '{command} --help')").format(message=message, command=path)
    return ValidationError(field, MISSING, see)


def _silence_stdout() -> None:
    """Point stdout at /dev/null so the interpreter's final flush cannot fail again."""
    with contextlib.suppress(OSError, ValueError, AttributeError):
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())


@contextlib.contextmanager
def guard(ctx: click.Context) -> Iterator[None]:
    """Turn whatever a command raises into its exit status and at most one stderr line."""
    as_json = bool(ctx.find_root().meta.get(_JSON_ERRORS, False))
    try:
        yield
    except (click.exceptions.Exit, click.Abort):
        raise
    except click.UsageError as err:
        report(_usage_error(err), as_json)
        raise click.exceptions.Exit(EXIT_ERROR) from None
    except click.ClickException as err:
        report(ValidationError("arguments", MISSING, err.format_message()), as_json)
        raise click.exceptions.Exit(EXIT_ERROR) from None
    except SepError as err:
        report(err, as_json)
        raise click.exceptions.Exit(EXIT_ERROR) from None
    except CannotWrite as failure:
        report(failure.error, as_json)
        raise click.exceptions.Exit(EXIT_IO) from None
    except BrokenPipeError:
        # The reader went away (``sep demo | head -3``): stop quietly, as cat does.
        _silence_stdout()
        raise click.exceptions.Exit(EXIT_PIPE) from None
    except KeyboardInterrupt:
        raise click.exceptions.Exit(EXIT_INTERRUPT) from None
    except OSError as exc:  # the output (a full disk, a closed terminal), not the input
        reason = os_reason(exc)
        written = R_("cannot be written: {reason}", reason=reason)
        report(ValidationError("output", MISSING, written), as_json)
        raise click.exceptions.Exit(EXIT_IO) from None
    except Exception as exc:  # the last line of defence: reported as a bug, not bad input
        _report_bug(exc, as_json)
        raise click.exceptions.Exit(EXIT_INTERNAL) from None


class SepGroup(_help.SepGroup):
    """A click group whose parsing and commands run under :func:`guard`, and whose texts
    (and click's own words) follow ``--lang``."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        if ctx.parent is None:
            _help.install()  # when a sep command first runs, not when sep._cli is imported
            ctx.meta[_JSON_ERRORS] = wants_json(list(args))
            ctx.meta[_LANG] = wants_lang(list(args))
        with guard(ctx):
            return super().parse_args(ctx, args)

    def invoke(self, ctx: click.Context) -> Any:
        with guard(ctx):
            return super().invoke(ctx)
