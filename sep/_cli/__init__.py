"""The ``sep`` command line, on click: the demo, checks, audits, schemas, examples, packs,
parameters, rule cases, decision records, the process diagram, the service, portfolios.

``sep check graduation incubatee.json`` answers one question (3.1/4.2.1, 4.3.5, 4.3.7-b)
and its exit status is the answer (0 met, 1 not met, 3 unknown); ``sep audit`` does the
same for the 4.1–4.3.7 audit. Bad input is one line on standard error (one JSON object
with ``--format json``) and status 2. See ``docs/cli.rst``.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from typing import TextIO

import click

from sep._cli._base import (
    EXIT_ERROR,
    EXIT_INTERNAL,
    EXIT_INTERRUPT,
    EXIT_IO,
    EXIT_NOT_MET,
    EXIT_OK,
    EXIT_PIPE,
    EXIT_UNKNOWN,
    State,
    console,
    report,
    wants_json,
    wants_lang,
)
from sep._cli._commands import cli
from sep.errors import MISSING, ValidationError

__all__ = [
    "EXIT_ERROR",
    "EXIT_INTERNAL",
    "EXIT_INTERRUPT",
    "EXIT_IO",
    "EXIT_NOT_MET",
    "EXIT_OK",
    "EXIT_PIPE",
    "EXIT_UNKNOWN",
    "cli",
    "main",
]


def main(argv: Sequence[str] | None = None, *, out: TextIO | None = None) -> int:
    """Run the command line; return the exit status.

    Args:
        argv: The arguments (default: ``sys.argv[1:]``).
        out: Where the commands write (default: standard output).

    Example:
        >>> import io, json
        >>> buf = io.StringIO()
        >>> main(["schema", "incubatee"], out=buf)
        0
        >>> json.loads(buf.getvalue())["title"]
        'Incubatee'
    """
    args = list(sys.argv[1:] if argv is None else argv)
    console(sys.stdout)
    try:
        status = cli.main(args, prog_name="sep", standalone_mode=False, obj=State(out))
    except click.Abort:
        return EXIT_INTERRUPT
    except click.ClickException as err:  # raised outside any command (none known today)
        report(
            ValidationError("arguments", MISSING, err.format_message()),
            wants_json(args),
            wants_lang(args),
        )
        return EXIT_ERROR
    return status if isinstance(status, int) else EXIT_OK
