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
(such as 4.3.5(c)'s ``cash_flow_periods``) is at most :data:`MAX_PERIOD_COUNT`.
"""

from __future__ import annotations

import decimal
from decimal import Decimal

__all__ = [
    "MAX_AMOUNT",
    "MAX_DECIMALS",
    "MAX_DEPTH",
    "MAX_INT_DIGITS",
    "MAX_JSON_BYTES",
    "MAX_NUMBER_CHARS",
    "MAX_PERIOD_COUNT",
    "MAX_SERIES_SPAN",
    "MONEY_CONTEXT",
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

#: Largest period count a parameter may ask for (``cash_flow_periods`` and the like).
MAX_PERIOD_COUNT = 400
