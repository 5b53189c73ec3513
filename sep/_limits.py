"""The stated bounds of what ``sep`` reads: one place, documented, used by every boundary.

Input a CRM, a spreadsheet or a service sends is read by these rules, in every engine
alike (direct, streaming, column-wise), by the JSON readers and by the command line.
Anything past a bound is refused with a :class:`~sep.errors.ValidationError` (or a
:class:`~sep.errors.RuleDefinitionError` for rule files) naming the field, never rounded,
clipped or silently read as missing.

Amounts (3.1, 4.2.1(4), 4.3.5(b)/(c), 4.3.7-d):
    * a plain decimal in ASCII digits, optionally signed: ``"8200000"``, ``"-120000.50"``;
    * thousands separators only as commas in correct groups of three: ``"8,200,000"``
      (``"1,5"``, ``"12,5"`` and ``"1,0000"`` are refused as ambiguous);
    * no exponent (``"1e3"``), no underscores, no other digits than ``0``–``9``;
    * magnitude at most :data:`MAX_AMOUNT` (10^15, a thousand trillion yuan) and at most
      :data:`MAX_DECIMALS` digits after the point, so that sums of amounts are exact
      in :data:`MONEY_CONTEXT`.

Documents: at most :data:`MAX_JSON_BYTES` bytes of UTF-8 and :data:`MAX_DEPTH` levels of
nesting; integers of at most :data:`MAX_INT_DIGITS` digits.

Periods: a series spans at most :data:`MAX_SERIES_SPAN` periods; a period count parameter
(such as 4.3.5(c)'s ``cash_flow_periods``) is at most :data:`MAX_PERIOD_COUNT`; a parameter
holds at most :data:`MAX_PARAMETER_VALUES` dated values.
"""

from __future__ import annotations

import decimal
from decimal import Decimal

__all__ = [
    "AMOUNT_PATTERN",
    "DATETIME_PATTERN",
    "DATE_PATTERN",
    "END",
    "MAX_AMOUNT",
    "MAX_CRITERIA",
    "MAX_DECIMALS",
    "MAX_DEFINITION_BYTES",
    "MAX_DEPTH",
    "MAX_INT_DIGITS",
    "MAX_JSON_BYTES",
    "MAX_NUMBER_CHARS",
    "MAX_PARAMETER_VALUES",
    "MAX_PERIOD_COUNT",
    "MAX_RECORD_TEXT",
    "MAX_SERIES_SPAN",
    "MONEY_CONTEXT",
    "NON_NEGATIVE_AMOUNT_PATTERN",
    "PERIOD_PATTERN",
    "QUARTER_PATTERN",
    "YEAR_PATTERN",
    "decimal_pattern",
]

#: Largest magnitude of an amount, in the amount's currency unit (yuan for CNY), inclusive.
#: The column-wise engine stores amounts as float64; 10^15 keeps every fen exact there.
MAX_AMOUNT = Decimal(10) ** 15

#: Most digits after the decimal point an amount may carry.
MAX_DECIMALS = 30

#: Longest text read as a number (sign, digits, separators, point), checked before parsing.
MAX_NUMBER_CHARS = 64

#: Decimal context for money arithmetic: with amounts bounded as above, every sum of up to
#: 10^30 amounts is exact in it (16 + 30 digits, and room to spare). Used explicitly, never
#: installed as the thread's context: that would change the caller's arithmetic.
MONEY_CONTEXT = decimal.Context(
    prec=80,
    rounding=decimal.ROUND_HALF_EVEN,
    Emax=999_999,
    Emin=-999_999,
    traps=[decimal.InvalidOperation, decimal.DivisionByZero, decimal.Overflow],
)

#: Largest JSON document read, in bytes.
MAX_JSON_BYTES = 16 * 1024 * 1024

#: Deepest nesting of arrays and objects in a JSON, TOML or YAML document.
MAX_DEPTH = 64

#: Most digits of an integer in a JSON, TOML or YAML document.
MAX_INT_DIGITS = 40

#: Most periods a series may span from its first to its last period (100 years of quarters).
MAX_SERIES_SPAN = 400

#: Most dated values one parameter may hold (in a pack, a parameter file or ``params=``):
#: a value a year for a thousand years is plenty, and reading them stays instant.
MAX_PARAMETER_VALUES = 1000

#: Largest period count a parameter may ask for (``cash_flow_periods`` and the like).
MAX_PERIOD_COUNT = 400


# --- The grammars, as regular expressions ------------------------------------------------
# One definition serves the readers (``fullmatch``) and the JSON Schemas (``pattern``), so
# the two cannot drift. Each is written in the common subset of Python's ``re`` and
# ECMA-262 (what JSON Schema validators use): ASCII classes only, no ``\d`` (which in
# Python also matches "１２３"), and ending in ``$(?!\n)``: in Python ``$`` also matches
# before a final newline, so "5\n" would pass a Python validator's ``re.search``.


#: The end of the text, in both dialects.
END = "$(?!\\n)"


def decimal_pattern(limit: Decimal, *, signed: bool = True) -> str:
    """The amount grammar for magnitudes up to ``limit`` (a power of ten), as a regex.

    An optional sign, plain digits (leading zeros allowed) or commas in groups of three
    (the first group not starting with 0), then at most :data:`MAX_DECIMALS` decimals;
    ``limit`` itself only with a zero fraction; ASCII blanks (space, tab, CR, LF) around
    the number are allowed. Unsigned (``signed=False``) still allows ``-0``, which is zero,
    not negative.

    Example:
        >>> import re
        >>> pattern = decimal_pattern(Decimal(100))
        >>> [bool(re.fullmatch(pattern, t)) for t in ("99.5", " +100.0", "100.1", "1,5")]
        [True, True, False, False]
    """
    top = int(limit)
    digits = len(str(top)) - 1
    if limit != Decimal(10) ** digits:
        raise ValueError(f"{limit} is not a power of ten")
    fraction = f"(?:\\.[0-9]{{1,{MAX_DECIMALS}}})?"
    zeros = f"(?:\\.0{{1,{MAX_DECIMALS}}})?"
    below = [f"0*[0-9]{{1,{digits}}}" if digits else "0+"]
    if digits > 3:
        below.append(f"[1-9][0-9]{{0,2}}(?:,[0-9]{{3}}){{1,{(digits - 1) // 3}}}")
    exact = sorted({f"0*{top}", f"{top:,}"})
    unsigned = f"(?:(?:{'|'.join(below)}){fraction}|(?:{'|'.join(exact)}){zeros})"
    blanks = "[ \\t\\r\\n]*"
    if signed:
        return f"^{blanks}[+-]?{unsigned}{blanks}{END}"
    return f"^{blanks}(?:[+]?{unsigned}|-0+{zeros}){blanks}{END}"


#: The amount grammar above as a regular expression (magnitude at most :data:`MAX_AMOUNT`,
#: at most :data:`MAX_DECIMALS` decimals, commas only in groups of three, blanks around
#: ignored); a text is an amount when it also has at most :data:`MAX_NUMBER_CHARS`
#: characters.
AMOUNT_PATTERN = decimal_pattern(MAX_AMOUNT)

#: An amount that may not be negative (the pack or the field says minimum 0).
NON_NEGATIVE_AMOUNT_PATTERN = decimal_pattern(MAX_AMOUNT, signed=False)

#: A period label: a year from 1900 to 2999, optionally a quarter (``2025``, ``2025Q2``,
#: ``2025-Q2``), in ASCII, with nothing around it.
PERIOD_PATTERN = "^(?:19[0-9]{2}|2[0-9]{3})(?:-?Q[1-4])?$(?!\\n)"

#: A year label only (a series of annual figures).
YEAR_PATTERN = "^(?:19[0-9]{2}|2[0-9]{3})$(?!\\n)"

#: A quarter label only (a series of quarterly figures).
QUARTER_PATTERN = "^(?:19[0-9]{2}|2[0-9]{3})-?Q[1-4]$(?!\\n)"

#: A calendar date written YYYY-MM-DD (the day must also exist in its month).
DATE_PATTERN = "^[0-9]{4}-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12][0-9]|3[01])$(?!\\n)"

#: A date and time with a UTC offset: ``T`` between date and time, seconds, at most six
#: decimals, ``Z`` or ``±HH:MM`` (RFC 3339), or an offset with seconds, ``±HH:MM:SS[.ffffff]``,
#: which Python writes for such time zones (so every aware time sep writes reads back).
DATETIME_PATTERN = (
    "^[0-9]{4}-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12][0-9]|3[01])"
    "T(?:[01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9](?:\\.[0-9]{1,6})?"
    "(?:Z|[+-](?:[01][0-9]|2[0-3]):[0-5][0-9](?::[0-5][0-9](?:\\.[0-9]{1,6})?)?)$(?!\\n)"
)

#: Largest rule file read (pack, parameter, scheme or case file), in bytes.
MAX_DEFINITION_BYTES = 16 * 1024 * 1024

#: Most criteria a pack may declare (the shipped packs have about twenty).
MAX_CRITERIA = 50_000

#: Longest text one audit record keeps per value (actor, reason, a recorded argument): an
#: incubatee's JSON must stay readable by :func:`sep.domain.from_json`, whose documents are
#: bounded (:data:`MAX_JSON_BYTES`).
MAX_RECORD_TEXT = 10_000
