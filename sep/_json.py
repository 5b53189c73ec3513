"""Reading JSON from outside, within the bounds of :mod:`sep._limits`.

Every JSON ``sep`` reads from a caller (domain documents, decision records, the command
line's files and standard input) goes through :func:`loads`: UTF-8 only (a UTF-8 byte order
mark is allowed), at most :data:`~sep._limits.MAX_JSON_BYTES` bytes, nesting at most
:data:`~sep._limits.MAX_DEPTH` deep, integers of at most
:data:`~sep._limits.MAX_INT_DIGITS` digits, other numbers of magnitude between
10 to the power of minus and plus :data:`~sep._limits.MAX_INT_DIGITS` (``1e999999999`` is
refused), no ``NaN``/``Infinity``, no duplicate keys and no lone surrogates (text that
cannot be written back out as UTF-8). Anything else is a
:class:`~sep.errors.ValidationError` naming what was being read.
"""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

from sep._i18n import N_
from sep._limits import MAX_DEPTH, MAX_INT_DIGITS, MAX_JSON_BYTES, MAX_NUMBER_CHARS
from sep._reason import R_
from sep.errors import MISSING, ValidationError

__all__ = ["check_tree", "loads"]


class _Refused(Exception):
    def __init__(self, reason: str, value: Any = MISSING) -> None:
        self.reason = reason
        self.value = value


def _parse_int(text: str) -> int:
    if len(text.lstrip("-")) > MAX_INT_DIGITS:
        raise _Refused(
            R_("an integer has more than {max_int_digits} digits", max_int_digits=MAX_INT_DIGITS),
            text[:20] + "…",
        )
    return int(text)


def _parse_float(text: str) -> Decimal:
    if len(text) > MAX_NUMBER_CHARS:
        raise _Refused(
            R_(
                "a number is longer than {max_number_chars} characters",
                max_number_chars=MAX_NUMBER_CHARS,
            ),
            text[:20] + "…",
        )
    value = Decimal(text)
    # A short text can still name a huge number ("1e999999999"): turning that into an int
    # or a float downstream takes minutes or overflows. Nothing sep reads needs it.
    if value and not -MAX_INT_DIGITS <= value.adjusted() <= MAX_INT_DIGITS:
        raise _Refused(
            R_(
                "a number's magnitude is outside 10^-{max_int_digits}..10^{max_int_digits}",
                max_int_digits=MAX_INT_DIGITS,
            ),
            text,
        )
    return value


def _parse_constant(text: str) -> Any:
    raise _Refused(R_("{text} is not a number JSON allows", text=text), text)


def _pairs(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for key, value in pairs:
        if key in result:
            raise _Refused(R_("the key {key!r} is given twice", key=key), key)
        result[key] = value
    return result


def _text_ok(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def check_tree(data: Any, *, what: str = "", max_depth: int = MAX_DEPTH) -> None:
    """Refuse a parsed document nested deeper than ``max_depth`` or holding lone surrogates.

    Iterative, so a deep document cannot exhaust the interpreter's stack.

    Raises:
        ValidationError: naming ``what`` and the path where the problem is.
    """
    stack: list[tuple[Any, str, int]] = [(data, what, 0)]
    while stack:
        node, path, depth = stack.pop()
        if isinstance(node, dict):
            items: Any = node.items()
        elif isinstance(node, list | tuple):
            items = ((f"[{i}]", v) for i, v in enumerate(node))
        else:
            if isinstance(node, str) and not _text_ok(node):
                raise ValidationError(
                    path,
                    node.encode("utf-8", "backslashreplace").decode(),
                    N_("is not valid Unicode text (a lone surrogate)"),
                )
            continue
        if depth >= max_depth:
            raise ValidationError(
                path,
                MISSING,
                R_("is nested more than {max_depth} levels deep", max_depth=max_depth),
            )
        for key, value in items:
            if isinstance(node, dict) and isinstance(key, str) and not _text_ok(key):
                raise ValidationError(path, MISSING, N_("has a key that is not valid Unicode text"))
            if isinstance(node, dict):
                child = f"{path}.{key}" if path else str(key)
            else:
                child = f"{path}{key}"
            stack.append((value, child, depth + 1))


def loads(text: str | bytes | bytearray, *, what: str = "") -> Any:
    """Parse JSON from outside: bounded size and depth, UTF-8, exact decimals.

    Numbers with a fraction or exponent are read as :class:`~decimal.Decimal`, never float.

    Args:
        text: The document, as text or as UTF-8 bytes.
        what: What is being read (a file name, ``"record"``), used as the error's field.

    Raises:
        ValidationError: the document is not UTF-8, not JSON, too large, too deep, or
            has a duplicate key, a non-finite number or an oversized integer.

    Example:
        >>> loads('{"revenue": "8200000", "ratio": 0.5}')
        {'revenue': '8200000', 'ratio': Decimal('0.5')}
        >>> loads('{"revenue": "1", "revenue": "2"}', what="incubatee.json")
        Traceback (most recent call last):
        ...
        sep.errors.ValidationError: incubatee.json: the key 'revenue' is given twice (got 'revenue')
    """
    if isinstance(text, bytes | bytearray):
        if len(text) > MAX_JSON_BYTES:
            raise ValidationError(
                what,
                MISSING,
                R_("is larger than {max_json_bytes} bytes", max_json_bytes=MAX_JSON_BYTES),
            )
        raw = bytes(text)
        if raw.startswith(b"\xef\xbb\xbf"):
            raw = raw[3:]
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as err:
            raise ValidationError(
                what, MISSING, R_("is not UTF-8 text (bad byte at offset {start})", start=err.start)
            ) from None
    elif not isinstance(text, str):
        raise ValidationError(what, type(text).__name__, N_("must be JSON text or bytes"))
    elif len(text) > MAX_JSON_BYTES:
        raise ValidationError(
            what,
            MISSING,
            R_("is larger than {max_json_bytes} bytes", max_json_bytes=MAX_JSON_BYTES),
        )
    text = text.removeprefix("\ufeff")
    try:
        data = json.loads(
            text,
            parse_int=_parse_int,
            parse_float=_parse_float,
            parse_constant=_parse_constant,
            object_pairs_hook=_pairs,
        )
    except _Refused as err:
        raise ValidationError(what, err.value, err.reason) from None
    except json.JSONDecodeError as err:
        raise ValidationError(
            what,
            MISSING,
            R_(
                "is not JSON: {msg} at line {lineno} column {colno}",
                msg=err.msg,
                lineno=err.lineno,
                colno=err.colno,
            ),
        ) from None
    except RecursionError:
        raise ValidationError(
            what, MISSING, R_("is nested more than {max_depth} levels deep", max_depth=MAX_DEPTH)
        ) from None
    check_tree(data, what=what)
    return data
