"""Reading columns of inputs for the column-wise evaluator (4.2.1, 4.3.5, 4.3.7-b inputs).

Each declared input of a rule pack becomes one *encoded column* the compiled plan reads:

* ``bool`` → ``uint8`` codes ``0`` false, ``1`` missing, ``2`` true (the Kleene order of
  NOT_MET < UNKNOWN < MET, so ``== true`` is the column itself);
* ``money`` → ``float64`` CNY as given (``NaN`` missing), or ``int64`` fen (0.01 CNY) and a
  ``known`` mask; either is derived from the other when a leaf needs it;
* ``number`` → ``float64`` with ``NaN`` for missing;
* ``enum`` → ``uint8`` index into the input's ``values``, ``len(values)`` for missing;
* ``series`` → ``int64`` fen on a dense grid of consecutive periods (one row per period,
  oldest → newest, so each period is contiguous) and a ``known`` mask, plus the ordinal of
  the grid's first period.

Missing data (``NaN``, ``None``, ``pandas.NA``, an enum's "unknown" strings, a masked entry
of a :class:`numpy.ma.MaskedArray`, a column not given at all) is encoded as missing, so it
evaluates UNKNOWN, never NOT_MET. Bad values raise :class:`~sep.errors.ValidationError`
naming the column, the first bad row and the clause of the input.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from decimal import Decimal
from typing import Any

import attrs
import numpy as np

from sep._limits import MAX_AMOUNT, MAX_SERIES_SPAN, MONEY_CONTEXT
from sep._reason import N_, R_
from sep.domain._fields import read_decimal
from sep.errors import ValidationError
from sep.evaluation._inputs import (
    MISSING_INPUT,
    _parse_period,
    normaliser,
    ordinal,
    period_kind_error,
)
from sep.evaluation._spec import InputSpec

__all__ = [
    "MONEY_LIMIT",
    "BoolColumn",
    "EnumColumn",
    "MoneyColumn",
    "NumberColumn",
    "SeriesColumn",
    "SeriesGrid",
    "encode",
    "is_na",
    "missing",
    "rows_of",
    "to_array",
    "unique_inverse",
]

#: Largest absolute amount (CNY) a batch money column holds, inclusive: the bound of every
#: engine (:data:`sep._limits.MAX_AMOUNT`). Fen stay exact in ``int64`` (10^17 at most);
#: sums of many periods that could leave ``int64`` are done on Python integers instead.
MONEY_LIMIT = int(MAX_AMOUNT)
_FEN_LIMIT = MONEY_LIMIT * 100
_BEYOND = "is beyond the bound of ±10^15 for amounts"
_NA_TYPES = frozenset({"NAType", "NaTType"})

# Arrays are typed loosely: NumPy's dtype-precise stubs fight shifts and views.
Bools = np.ndarray[Any, Any]
Codes = np.ndarray[Any, Any]
Fen = np.ndarray[Any, Any]
Floats = np.ndarray[Any, Any]


def is_na(value: Any) -> bool:
    """``None``, a float ``NaN`` or a pandas missing marker (``pd.NA``, ``pd.NaT``)."""
    if value is None:
        return True
    if isinstance(value, float | np.floating):
        return bool(value != value)
    return type(value).__name__ in _NA_TYPES


def is_blank(value: Any) -> bool:
    """Missing (:func:`is_na`) or an empty form field; a foreign value is never compared."""
    return is_na(value) or (type(value) is str and not value)


def _labels(periods: Iterable[Any]) -> tuple[str, ...]:
    return tuple(str(p) for p in periods)


@attrs.frozen(eq=False)
class SeriesColumn:
    """A period-series input for many rows: one column per period, oldest to newest.

    Attributes:
        values: ``n × k`` amounts in CNY (``float64`` with ``NaN`` for a missing period, or
            an object array of ``Decimal``/``str``/``None``).
        periods: The ``k`` period labels of the columns (``"2025Q1"`` or ``"2025"``), all
            quarters or all years.

    Example:
        >>> import numpy as np
        >>> s = SeriesColumn(np.array([[1.0, np.nan], [2.0, 3.0]]), ("2025Q1", "2025Q2"))
        >>> s.values.shape, s.periods
        ((2, 2), ('2025Q1', '2025Q2'))
    """

    values: Any
    periods: tuple[str, ...] = attrs.field(converter=_labels)

    def __len__(self) -> int:
        return int(np.shape(self.values)[0])

    def rows(self) -> np.ndarray[Any, Any]:
        """One ``{period: amount}`` mapping per row (missing periods left out, ``None``
        when none is known): the column-of-mappings form, e.g. for a pandas DataFrame.

        Example:
            >>> s = SeriesColumn(np.array([[1.0, np.nan], [np.nan, np.nan]]), ("2025Q1", "2025Q2"))
            >>> s.rows().tolist()
            [{'2025Q1': 1.0}, None]
        """
        values = to_array(self.values)
        out = np.empty(values.shape[0], object)
        periods = self.periods
        out[:] = [
            {p: v for p, v in zip(periods, row, strict=True) if not is_na(v)} or None
            for row in values.tolist()
        ]
        return out

    # pandas builds a column from any iterable: ``pandas.DataFrame(columns)`` holds a
    # series input as a column of per-row mappings, which the evaluator reads back.
    def __iter__(self) -> Any:
        return iter(self.rows())

    def __array__(self, dtype: Any = None, copy: Any = None) -> np.ndarray[Any, Any]:
        return self.rows()


@attrs.frozen(eq=False)
class BoolColumn:
    """Encoded ``bool`` input: ``0`` false, ``1`` missing, ``2`` true."""

    codes: Codes


class MoneyColumn:
    """Encoded ``money`` input: ``float64`` CNY as given, or fen and a ``known`` mask.

    Attributes:
        floats: The amounts as floats (``NaN`` missing), when the column was floats.
    """

    def __init__(
        self, floats: Floats | None = None, fen: Fen | None = None, known: Bools | None = None
    ) -> None:
        self.floats = floats
        self._fen = fen
        self._known = known

    @property
    def known(self) -> Bools:
        """Which rows have an amount."""
        if self._known is None:
            assert self.floats is not None
            self._known = ~np.isnan(self.floats)
        return self._known

    @property
    def fen(self) -> Fen:
        """The amounts in fen (0 where unknown)."""
        if self._fen is None:
            assert self.floats is not None
            self._fen = _fen_of_floats(self.floats, self.known)
        return self._fen


@attrs.frozen(eq=False)
class NumberColumn:
    """Encoded ``number`` input: ``float64``, ``NaN`` for missing."""

    values: Floats


@attrs.frozen(eq=False)
class EnumColumn:
    """Encoded ``enum`` input: index into the spec's values, ``len(values)`` for missing."""

    codes: Codes


@attrs.frozen(eq=False)
class SeriesGrid:
    """Encoded ``series`` input on a dense grid of consecutive periods.

    Attributes:
        fen: ``k × n`` amounts in fen (0 where unknown), one row per period.
        known: ``k × n`` mask of known periods.
        first: Ordinal of the grid's first period (see :func:`~sep.evaluation._inputs.ordinal`).
        quarterly: Whether the periods are quarters (else years).
    """

    fen: Fen
    known: Bools
    first: int
    quarterly: bool = False


Encoded = BoolColumn | MoneyColumn | NumberColumn | EnumColumn | SeriesGrid


def _bad(spec: InputSpec, row: int | None, value: Any, reason: str, sub: str = "") -> Exception:
    where = f"{spec.name}{sub}" if row is None else f"{spec.name}{sub}[{row}]"
    return ValidationError(where, value, reason, clause=spec.clause)


def _first(mask: Bools) -> int:
    return int(np.flatnonzero(mask)[0])


def to_array(raw: Any) -> np.ndarray[Any, Any]:
    """A numpy view of a column: numpy arrays as they are, pandas columns via ``to_numpy``.

    pandas' nullable types (``boolean``, ``Float64``, ``Int64``, ``string``) have no numpy
    dtype: booleans and numbers become ``float64`` with ``NaN`` (integers stay exact below
    2**53, beyond the batch money range), the others ``object`` with ``None``, so their
    missing entries stay missing.
    """
    if isinstance(raw, np.ma.MaskedArray):
        data = np.asarray(raw.data)
        mask = np.ma.getmaskarray(raw)
        if not mask.any():
            return data
        if data.dtype.kind == "f":
            out = data.astype(np.float64, copy=True)
            out[mask] = np.nan
            return out
        obj = data.astype(object)
        obj[mask] = None
        return obj
    if isinstance(raw, np.ndarray):
        return raw
    dtype = getattr(raw, "dtype", None)
    to_numpy = getattr(raw, "to_numpy", None)
    if dtype is not None and not isinstance(dtype, np.dtype) and callable(to_numpy):
        if getattr(dtype, "kind", "O") in ("b", "f", "i", "u"):
            return np.asarray(to_numpy(dtype="float64", na_value=np.nan))
        return np.asarray(to_numpy(dtype=object, na_value=None))
    if callable(to_numpy):
        return np.asarray(to_numpy())
    try:
        found = np.asarray(raw)
    except ValueError:  # ragged or nested rows: numpy cannot make one column of them
        found = None
    if found is not None and found.dtype.kind not in "US":
        return found
    # Text stays Python text: a NumPy string dtype drops trailing NULs ("5\x00" would be
    # read as 5), and the readers must see exactly what the caller sent.
    arr = np.empty(len(raw), dtype=object)
    arr[:] = list(raw)
    return arr


# -- bool ---------------------------------------------------------------------------------


def _bool(spec: InputSpec, arr: np.ndarray[Any, Any]) -> BoolColumn:
    kind = arr.dtype.kind
    if kind == "b":
        codes = arr.view(np.uint8) << 1
        return BoolColumn(codes)
    if kind in "iuf":
        values = arr.astype(np.float64, copy=False)
        ones = values == 1.0
        missing = np.isnan(values)
        zeros = values == 0.0
        # Each value is 1, 0 or NaN exactly when the three counts add up: three counts
        # instead of a mask of the others (a quarter of the column's time); the mask is
        # built only to name the first bad row.
        if np.count_nonzero(ones) + np.count_nonzero(zeros) + np.count_nonzero(missing) != len(
            values
        ):
            i = _first(~(ones | zeros | missing))
            raise _bad(spec, i, arr[i].item(), N_("must be true or false (1/0), or missing"))
        codes = ones.view(np.uint8) << 1
        codes |= missing.view(np.uint8)
        return BoolColumn(codes)
    if kind == "O":
        codes = np.empty(arr.shape[0], np.uint8)
        for i, value in enumerate(arr.tolist()):
            if value is True:
                codes[i] = 2
            elif value is False:
                codes[i] = 0
            elif isinstance(value, np.bool_):
                codes[i] = 2 if value else 0
            elif is_blank(value):
                codes[i] = 1
            else:
                raise _bad(spec, i, value, N_("must be true or false (or missing)"))
        return BoolColumn(codes)
    raise _bad(spec, None, str(arr.dtype), N_("a bool column must be bool, float (NaN) or object"))


# -- money --------------------------------------------------------------------------------


def _fen_of(spec: InputSpec, value: Decimal, row: int, sub: str = "") -> int:
    # In MONEY_CONTEXT: the default context would round a 30-decimal amount to the fen.
    fen = value.scaleb(2, MONEY_CONTEXT)
    if fen != fen.to_integral_value():
        raise _bad(spec, row, str(value), N_("batch money is kept to the fen (0.01 CNY)"), sub)
    if abs(fen) > _FEN_LIMIT:
        raise _bad(spec, row, str(value), _BEYOND, sub)
    return int(fen)


def _within_bound(values: Floats) -> bool:
    """Whether ``values`` are within the money bound, by one pass each way without a
    temporary (fmax/fmin skip NaN, keep ±inf). An empty array is; one with no known
    amount at all is not answered here (``False``): the caller looks closer."""
    return not values.size or bool(
        np.fmax.reduce(values, axis=None) <= MONEY_LIMIT
        and np.fmin.reduce(values, axis=None) >= -MONEY_LIMIT
    )


def _check_floats(spec: InputSpec, values: Floats, sub: str = "") -> None:
    # The row is looked for only on failure.
    if _within_bound(values):
        return
    big = np.abs(values) > MONEY_LIMIT  # False for NaN, True for ±inf
    if big.any():
        flat = _first(big.ravel())
        row = flat // values.shape[1] if values.ndim == 2 else flat
        bad = float(values.ravel()[flat])
        reason = _BEYOND if math.isfinite(bad) else "must be a finite amount"
        raise _bad(spec, row, bad, reason, sub)


def _fen_of_floats(values: Floats, known: Bools) -> Fen:
    # Rounding to the fen recovers the exact amount of any float written with at most two
    # decimals below 1e13 CNY (the float's error is far under half a fen there).
    scaled = values * 100.0
    np.rint(scaled, out=scaled)
    with np.errstate(invalid="ignore"):
        # A missing amount (NaN) casts to some integer, then times False is 0: cheaper
        # than a masked copy, which costs three times the cast.
        fen: Fen = scaled.astype(np.int64)
    np.multiply(fen, known, out=fen)
    return fen


#: Rows of a series grid converted at a time: the block's temporary stays in the cache.
_GRID_BLOCK = 16_384


def _fen_grid(grid: Floats) -> tuple[Fen, Bools]:
    """Fen and ``known`` of an ``n × k`` float grid, period-major (``k × n``).

    As :func:`_fen_of_floats` on each period's column, block by block: a column of the
    grid is strided, which NumPy reads five times slower than a contiguous one, and whole
    temporaries would double the memory and fault in fresh pages.
    """
    rows, periods = grid.shape
    fen: Fen = np.empty((periods, rows), np.int64)
    known: Bools = np.empty((periods, rows), np.bool_)
    scaled = np.empty((periods, min(_GRID_BLOCK, rows)), np.float64)
    with np.errstate(invalid="ignore"):  # NaN cast to an integer, then zeroed as above
        for start in range(0, rows, _GRID_BLOCK):
            stop = min(rows, start + _GRID_BLOCK)
            part, done, seen = scaled[:, : stop - start], fen[:, start:stop], known[:, start:stop]
            np.multiply(grid[start:stop].T, 100.0, out=part)
            np.rint(part, out=part)
            np.isnan(part, out=seen)
            np.logical_not(seen, out=seen)
            done[...] = part
            np.multiply(done, seen, out=done)
    return fen, known


def _money_floats(spec: InputSpec, values: Floats, sub: str = "") -> tuple[Fen, Bools]:
    _check_floats(spec, values, sub)
    known = ~np.isnan(values)
    return _fen_of_floats(values, known), known


def _money_objects(spec: InputSpec, arr: np.ndarray[Any, Any], sub: str = "") -> tuple[Fen, Bools]:
    # An empty string is a blank form field (missing) for an input, but not for a period of
    # a series, where the direct evaluator refuses it too.
    blank = None if sub else ""
    convert = normaliser(spec if spec.type == "money" else attrs.evolve(spec, type="money"))
    flat = arr.ravel().tolist()
    fen = np.zeros(len(flat), np.int64)
    known = np.zeros(len(flat), np.bool_)
    width = arr.shape[1] if arr.ndim == 2 else 1
    for i, value in enumerate(flat):
        if is_na(value) or (blank is not None and is_blank(value)):
            continue
        row = i // width
        if isinstance(value, float | np.floating):
            if not math.isfinite(value):
                raise _bad(spec, row, value, N_("must be a finite amount"), sub)
            if abs(float(value)) > MONEY_LIMIT:
                raise _bad(spec, row, value, _BEYOND, sub)
            fen[i] = round(float(value) * 100.0)
            known[i] = True
            continue
        if isinstance(value, np.integer):
            value = int(value)
        try:
            amount = convert(value)
        except ValidationError as err:
            raise _bad(spec, row, value, err.reason, sub) from None
        fen[i] = _fen_of(spec, amount, row, sub)
        known[i] = True
    return fen.reshape(arr.shape), known.reshape(arr.shape)


def _check_minimum(spec: InputSpec, fen: Fen, known: Bools, sub: str = "") -> None:
    # The same floor the direct evaluator applies (minimum = 0 for revenue, financing, …).
    if spec.minimum is None:
        return
    low = known & (fen < int(spec.minimum.scaleb(2)))
    if low.any():
        flat = _first(low.ravel())
        row = flat // (fen.shape[1] if fen.ndim == 2 else 1)
        reason = "must not be negative" if spec.minimum == 0 else f"must be at least {spec.minimum}"
        raise _bad(spec, row, str(Decimal(int(fen.ravel()[flat])).scaleb(-2)), reason, sub)


def _below(floats: Floats, minimum: Decimal) -> bool:
    """Whether some float might be below ``minimum`` in fen: none is when none is below it
    as a float (rounding to the fen never lowers an amount past a whole fen), so a column
    that passes skips the conversion; one that does not takes the exact check."""
    if not floats.size:
        return False
    low = np.fmin.reduce(floats, axis=None)
    return bool(low < float(minimum)) if low == low else False


def _money_array(spec: InputSpec, arr: np.ndarray[Any, Any], sub: str = "") -> tuple[Fen, Bools]:
    fen, known = _money_array_unchecked(spec, arr, sub)
    _check_minimum(spec, fen, known, sub)
    return fen, known


def _money_array_unchecked(
    spec: InputSpec, arr: np.ndarray[Any, Any], sub: str = ""
) -> tuple[Fen, Bools]:
    kind = arr.dtype.kind
    if kind == "f":
        return _money_floats(spec, arr.astype(np.float64, copy=False), sub)
    if kind in "iu":
        # Compared as integers: a float cast would round 10^15 + 1 down to the bound.
        big = arr > MONEY_LIMIT
        if kind == "i":
            big |= arr < -MONEY_LIMIT
        if big.any():
            flat = _first(big.ravel())
            i = flat // (arr.shape[1] if arr.ndim == 2 else 1)
            raise _bad(spec, i, int(arr.ravel()[flat]), _BEYOND, sub)
        return arr.astype(np.int64) * 100, np.ones(arr.shape, np.bool_)
    if kind == "b":
        raise _bad(spec, None, "bool", N_("a money column must hold amounts, not true/false"), sub)
    if kind in "OUS":
        return _money_objects(spec, arr.astype(object, copy=False), sub)
    raise _bad(spec, None, str(arr.dtype), N_("a money column must be float, int or object"), sub)


# -- number -------------------------------------------------------------------------------


def _check_number_floats(spec: InputSpec, values: Floats) -> None:
    # The bounds the direct evaluator's reader applies to a float (its shortest repr):
    # at most 10^15 in magnitude and at most MAX_DECIMALS decimals. Only floats below
    # 10^-12 can have that many decimals; those few are read one by one.
    big = np.abs(values) > MONEY_LIMIT
    if big.any():
        i = _first(big)
        raise _bad(spec, i, float(values[i]), _BEYOND)
    tiny = np.abs(values) < 1e-12
    tiny &= values != 0.0
    for i in np.flatnonzero(tiny).tolist():
        try:
            read_decimal(float(values[i]), spec.name, spec.clause)
        except ValidationError as err:
            raise _bad(spec, i, float(values[i]), err.reason) from None


def _number(spec: InputSpec, arr: np.ndarray[Any, Any]) -> NumberColumn:
    kind = arr.dtype.kind
    if kind in "iuf":
        values = arr.astype(np.float64, copy=False)
        if np.isinf(values).any():
            i = _first(np.isinf(values))
            raise _bad(spec, i, float(values[i]), N_("must be a finite number"))
        _check_number_floats(spec, values)
    elif kind in "OUS":
        convert = normaliser(spec)
        values = np.full(arr.shape[0], np.nan)
        for i, value in enumerate(arr.tolist()):
            if is_blank(value):
                continue
            try:
                values[i] = float(convert(value))
            except ValidationError as err:
                raise _bad(spec, i, value, err.reason) from None
        return NumberColumn(values)
    else:
        raise _bad(spec, None, str(arr.dtype), N_("a number column must be float, int or object"))
    lo, hi = spec.minimum, spec.maximum
    if lo is not None or hi is not None:
        out = np.zeros(values.shape, np.bool_)
        if lo is not None:
            out |= values < float(lo)
        if hi is not None:
            out |= values > float(hi)
        if out.any():
            i = _first(out)
            raise _bad(spec, i, float(values[i]), R_("must be between {lo} and {hi}", lo=lo, hi=hi))
    return NumberColumn(values)


# -- enum ---------------------------------------------------------------------------------


def _enum(spec: InputSpec, arr: np.ndarray[Any, Any]) -> EnumColumn:
    n = arr.shape[0]
    codes = np.full(n, len(spec.values), np.uint8)
    if arr.dtype.kind not in "OUS":
        raise _bad(spec, None, str(arr.dtype), N_("an enum column must hold strings"))
    try:
        matched = np.zeros(n, np.bool_)
        for code, value in enumerate(spec.values):
            hit = np.asarray(arr == value, dtype=np.bool_)
            codes[hit] = code
            matched |= hit
        for value in (*spec.unknown, ""):
            matched |= np.asarray(arr == value, dtype=np.bool_)
        rest = np.flatnonzero(~matched)
    except Exception:  # elements whose == is not a bool (pandas.NA) or raises (foreign)
        rest = np.arange(n)
    index = {v: i for i, v in enumerate(spec.values)}
    for i in rest.tolist():
        value = arr[i]
        if is_blank(value):
            continue
        value = getattr(value, "value", value)  # an Enum member of the domain model
        if isinstance(value, str) and value in index:
            codes[i] = index[value]
        elif not (isinstance(value, str) and value in spec.unknown):
            allowed = ", ".join(repr(v) for v in (*spec.values, *spec.unknown))
            raise _bad(spec, i, value, R_("must be one of {allowed} (or missing)", allowed=allowed))
    return EnumColumn(codes)


# -- series -------------------------------------------------------------------------------


def _series_parts(spec: InputSpec, raw: Any, n: int | None) -> tuple[list[str], list[Any]]:
    if isinstance(raw, SeriesColumn):
        values = to_array(raw.values)
        if values.ndim != 2 or values.shape[1] != len(raw.periods):
            raise _bad(
                spec,
                None,
                values.shape,
                R_("values must be n × {len} (one column per period)", len=len(raw.periods)),
            )
        return list(raw.periods), [values[:, j] for j in range(values.shape[1])]
    if isinstance(raw, Mapping):
        return [str(k) for k in raw], [raw[k] for k in raw]
    frame_columns = getattr(raw, "columns", None)
    if frame_columns is not None and not isinstance(raw, np.ndarray):
        labels = list(frame_columns)
        return [str(k) for k in labels], [raw[k] for k in labels]
    arr = to_array(raw)
    if arr.ndim == 1 and arr.dtype.kind == "O":
        return _series_from_rows(spec, arr)
    raise _bad(
        spec,
        None,
        f"array of shape {arr.shape}",
        N_(
            "a series column is SeriesColumn(values, periods), {period: column} or per-row "
            "mappings {period: amount}"
        ),
    )


def _series_from_rows(spec: InputSpec, arr: np.ndarray[Any, Any]) -> tuple[list[str], list[Any]]:
    # One value per row as the direct evaluator takes it ({period: amount}, a list of
    # {period, amount}, or missing), read by the same converter.
    convert = normaliser(spec)
    rows: list[Any] = []
    labels: dict[str, None] = {}
    for i, value in enumerate(arr.tolist()):
        series: Any = ()
        if not (is_blank(value)):
            try:
                series = convert(value)
            except ValidationError as err:
                raise _bad(
                    spec, i, value, R_("{field}: {reason}", field=err.field, reason=R_(err.reason))
                ) from None
            if series is MISSING_INPUT:
                series = ()
        rows.append({str(p): a for p, a in series})
        labels.update(dict.fromkeys(str(p) for p, _ in series))
    columns = []
    for label in labels:
        column = np.empty(len(rows), object)
        column[:] = [row.get(label) for row in rows]
        columns.append(column)
    return list(labels), columns


def _float_grid(spec: InputSpec, raw: Any) -> Floats | None:
    """The float values of a :class:`SeriesColumn` when the period-by-period reading would
    accept every one of them as they are: within the bound and the input's minimum;
    ``None`` otherwise, and the period-by-period reading then names the first bad one."""
    if not isinstance(raw, SeriesColumn):
        return None
    values = raw.values
    if not isinstance(values, np.ndarray) or values.dtype != np.float64 or values.ndim != 2:
        return None
    if not _within_bound(values):
        return None  # beyond the bound, infinite, or all missing
    if spec.minimum is not None and _below(values, spec.minimum):
        return None
    return values


def _series(spec: InputSpec, raw: Any, n: int | None) -> SeriesGrid:
    labels, parts = _series_parts(spec, raw, n)
    ordinals: list[int] = []
    quarterly: bool | None = None
    for label in labels:
        try:
            period = _parse_period(label)
        except ValidationError as err:
            raise _bad(spec, None, label, err.reason, f"[{label}]") from None
        wrong_kind = period_kind_error(spec, period, "")
        if wrong_kind is not None:
            raise _bad(spec, None, label, wrong_kind.reason, f"[{label}]")
        if quarterly is None:
            quarterly = period.quarter is not None
        elif quarterly != (period.quarter is not None):
            raise _bad(spec, None, labels, N_("mixes years and quarters"))
        key = ordinal(period)
        if key in ordinals:
            raise _bad(spec, None, label, N_("is given twice"), f"[{label}]")
        ordinals.append(key)
    rows = n
    arrays = [to_array(p) for p in parts]
    for label, arr in zip(labels, arrays, strict=True):
        if arr.ndim != 1:
            raise _bad(
                spec,
                None,
                arr.shape,
                N_("each period's column must be one-dimensional"),
                f"[{label}]",
            )
        if rows is None:
            rows = arr.shape[0]
        elif arr.shape[0] != rows:
            raise _bad(
                spec,
                None,
                arr.shape[0],
                R_("has {shape} rows, expected {rows}", shape=arr.shape[0], rows=rows),
                f"[{label}]",
            )
    rows = rows or 0
    if not ordinals:
        return SeriesGrid(np.zeros((0, rows), np.int64), np.zeros((0, rows), np.bool_), 0)
    first = min(ordinals)
    width = max(ordinals) - first + 1
    if width > MAX_SERIES_SPAN:
        # Refused before the grid is allocated (1900Q1 to 2999Q4 would be 4,400 rows of it).
        low, high = labels[ordinals.index(first)], labels[ordinals.index(max(ordinals))]
        raise _bad(
            spec,
            None,
            f"{low} to {high}",
            R_(
                "spans {width} periods; a series spans at most {max_series_span}",
                width=width,
                max_series_span=MAX_SERIES_SPAN,
            ),
        )
    grid = _float_grid(spec, raw)
    if grid is not None:
        # The whole n × k float grid at once, rather than period by period.
        grid_fen, grid_known = _fen_grid(grid)
        if ordinals == list(range(first, first + width)):  # in order, no gap: as it is
            return SeriesGrid(grid_fen, grid_known, first, bool(quarterly))
        placed: Iterator[tuple[int, Fen, Bools]] = (
            (key, grid_fen[j], grid_known[j]) for j, key in enumerate(ordinals)
        )
    else:
        # Read one period at a time into the grid (a generator): never all of them at once.
        placed = (
            (key, *_money_array(spec, arr, f"[{label}]"))
            for label, key, arr in zip(labels, ordinals, arrays, strict=True)
        )
    fen = np.zeros((width, rows), np.int64)
    known = np.zeros((width, rows), np.bool_)
    for key, part_fen, part_known in placed:
        fen[key - first] = part_fen
        known[key - first] = part_known
    return SeriesGrid(fen, known, first, bool(quarterly))


# -- entry point --------------------------------------------------------------------------


def _money(spec: InputSpec, arr: np.ndarray[Any, Any]) -> MoneyColumn:
    if arr.dtype.kind == "f":
        floats = arr.astype(np.float64, copy=False)
        _check_floats(spec, floats)
        if spec.minimum is not None and _below(floats, spec.minimum):
            known = ~np.isnan(floats)
            _check_minimum(spec, _fen_of_floats(floats, known), known)
        return MoneyColumn(floats=floats)
    fen, known = _money_array(spec, arr)
    return MoneyColumn(fen=fen, known=known)


_ENCODERS: dict[str, Callable[[InputSpec, np.ndarray[Any, Any]], Encoded]] = {
    "bool": _bool,
    "money": _money,
    "number": _number,
    "enum": _enum,
}


def encode(spec: InputSpec, raw: Any, n: int | None) -> Encoded:
    """Encode the column ``raw`` of input ``spec`` (``n`` rows, if known).

    Raises:
        ValidationError: A bad value, shape or length, naming the column, row and clause.
    """
    if spec.type == "series":
        return _series(spec, raw, n)
    if isinstance(raw, Mapping | SeriesColumn):
        raise _bad(
            spec, None, type(raw).__name__, R_("a {type} column is one-dimensional", type=spec.type)
        )
    arr = to_array(raw)
    if arr.ndim != 1:
        raise _bad(spec, None, arr.shape, N_("must be a one-dimensional column"))
    if n is not None and arr.shape[0] != n:
        raise _bad(
            spec, None, arr.shape[0], R_("has {shape} rows, expected {n}", shape=arr.shape[0], n=n)
        )
    return _ENCODERS[spec.type](spec, arr)


def missing(spec: InputSpec, n: int) -> Encoded:
    """The encoded column of an input not given at all: every row missing."""
    if spec.type == "bool":
        return BoolColumn(np.full(n, 1, np.uint8))
    if spec.type == "money":
        return MoneyColumn(fen=np.zeros(n, np.int64), known=np.zeros(n, np.bool_))
    if spec.type == "number":
        return NumberColumn(np.full(n, np.nan))
    if spec.type == "enum":
        return EnumColumn(np.full(n, len(spec.values), np.uint8))
    return SeriesGrid(np.zeros((0, n), np.int64), np.zeros((0, n), np.bool_), 0)


def unique_inverse(values: np.ndarray[Any, Any], limit: int) -> tuple[Any, Any]:
    """What ``np.unique(values, return_inverse=True)`` gives for integers in ``[0, limit)``:
    the sorted distinct values (``intp``) and each value's index among them.

    When ``limit`` is not much more than the values, they are counted in a table of
    ``limit`` (linear time) rather than sorted.

    Example:
        >>> keys, inverse = unique_inverse(np.array([5, 2, 5, 0]), 6)
        >>> keys.tolist(), inverse.tolist()
        ([0, 2, 5], [2, 1, 2, 0])
    """
    if limit <= max(4 * len(values), 1 << 16):
        present = np.bincount(values, minlength=limit) > 0
        rank = np.cumsum(present) - 1
        return np.flatnonzero(present), rank[values]
    keys, inverse = np.unique(values, return_inverse=True)
    return keys.astype(np.intp), np.asarray(inverse).ravel()


def rows_of(raw: Any) -> int | None:
    """The number of rows of a raw column, if it can be told cheaply."""
    if isinstance(raw, SeriesColumn):
        return len(raw)
    if isinstance(raw, Mapping):
        for value in raw.values():
            return rows_of(value)
        return None
    shape = getattr(raw, "shape", None)
    if shape is not None and len(shape) >= 1:
        return int(shape[0])
    if isinstance(raw, Sequence) and not isinstance(raw, str | bytes):
        return len(raw)
    return None
