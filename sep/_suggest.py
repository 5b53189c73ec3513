"""Refusing an unknown name or choice the same way everywhere: name it, list the valid ones.

Used by the accessors of reports and decisions (a clause id, a criterion id, a language) so
that a typo gives a :class:`~sep.errors.ValidationError` with a "did you mean", never a
``KeyError`` or a silent fallback.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from typing import Any

from sep._reason import N_, R_
from sep.errors import ValidationError

__all__ = ["LANGS", "check_indent", "check_lang", "unknown"]

#: The languages every rendering of ``sep`` speaks.
LANGS = ("en", "zh")


def unknown(
    field: str, value: Any, known: Iterable[str], *, what: str, clause: str | None = None
) -> ValidationError:
    """The error for ``value``, which is none of ``known``: a close match and the list.

    Example:
        >>> print(unknown("clause", "4.2.55", ["4.2.5", "4.2.6"], what="audited clause"))
        clause: unknown audited clause; did you mean '4.2.5'? One of: 4.2.5, 4.2.6 (got '4.2.55')
    """
    names = list(dict.fromkeys(known))
    listed = ", ".join(names) if names else "(none)"
    named = R_(what)  # said in the reader's language when it is a catalogue entry
    close = difflib.get_close_matches(value, names, n=1) if isinstance(value, str) else []
    if close:
        reason = R_(
            "unknown {what}; did you mean {close!r}? One of: {known}",
            what=named,
            close=close[0],
            known=listed,
        )
    else:
        reason = R_("unknown {what}; one of: {known}", what=named, known=listed)
    return ValidationError(field, value, reason, clause=clause)


def check_lang(lang: Any, field: str = "lang") -> str:
    """``lang`` if it is one of :data:`LANGS`; otherwise a :class:`ValidationError`.

    Example:
        >>> check_lang("zh")
        'zh'
    """
    if isinstance(lang, str) and lang in LANGS:
        return lang
    raise unknown(field, lang, LANGS, what=N_("language"))


def check_indent(indent: Any, field: str = "indent") -> int | None:
    """``indent`` for :func:`json.dumps` if it is ``None`` or a small count of spaces.

    Example:
        >>> check_indent(2), check_indent(None)
        (2, None)
    """
    if indent is None:
        return None
    if isinstance(indent, int) and not isinstance(indent, bool) and 0 <= indent <= 16:
        return indent
    raise ValidationError(field, indent, N_("must be None or a number of spaces from 0 to 16"))
