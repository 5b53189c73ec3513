"""DataFrames in and out of the column-wise evaluator (4.3.5, 4.3.7, Annex C portfolios).

In: a pandas DataFrame, a pyarrow Table, a Parquet or CSV file, or a mapping of columns,
whose columns are named as the pack's inputs (the JSON Schema's names). A series input
(``operating_cash_flow``) is given in one of three ways:

* flat period columns named ``<input>[<period>]``, e.g. ``operating_cash_flow[2025Q1]``
  (the same spelling as the field paths of :class:`~sep.errors.ValidationError`);
* a sub-frame: two-level columns ``("operating_cash_flow", "2025Q1")``, other inputs as
  ``("revenue", "")``;
* one column of per-row mappings ``{period: amount}`` (missing rows ``None``).

Out: :class:`PortfolioResult`, a labelled frame with the input's index.
"""

from __future__ import annotations

import bisect
import datetime as dt
import difflib
import re
from collections.abc import Callable, Hashable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any, Literal

import attrs
import numpy as np

from sep._i18n import N_
from sep._reason import R_, os_reason
from sep.errors import SepError, ValidationError
from sep.evaluation import (
    GRADUATION,
    BatchResult,
    Decision,
    RulePack,
    SeriesColumn,
    builtin_pack,
    check_batch,
    load_pack,
)
from sep.evaluation._batch_columns import (
    BoolColumn,
    EnumColumn,
    MoneyColumn,
    NumberColumn,
    SeriesGrid,
    encode,
    to_array,
    unique_inverse,
)
from sep.evaluation._spec import All, AnyOf, Condition, Criterion, InputSpec, Leaf
from sep.portfolio._progress import progress_bar

try:
    import pandas as pd
except ImportError as exc:  # pragma: no cover - the extra is missing
    raise ImportError("sep.portfolio needs pandas and pyarrow: pip install 'sep[pandas]'") from exc

__all__ = [
    "OUTCOME_CATEGORIES",
    "PortfolioResult",
    "evaluate",
    "read_portfolio",
    "to_columns",
]

#: The categories of every outcome column, ordered so that sorting puts ``met`` last.
OUTCOME_CATEGORIES = ("not_met", "unknown", "met")
_FLAT = re.compile(r"^(?P<name>[^\[\]]+)\[(?P<period>[^\[\]]+)\]$")
_UNDERSCORE = re.compile(r"^(?P<name>.+)_(?P<period>\d{4}(?:Q[1-4])?)$")
_ROW = re.compile(r"\[(\d+)\]$")
_SHOWN_ROWS = 5
#: Rows per chunk: one chunk per step of the progress bar, and the unit of memory.
CHUNK_ROWS = 500_000


def _pack_of(pack: RulePack | str) -> RulePack:
    if isinstance(pack, RulePack):
        return pack
    try:
        return builtin_pack(pack)
    except SepError:
        return load_pack(pack)


def read_portfolio(source: Any, *, columns: Sequence[Hashable] | None = None) -> pd.DataFrame:
    """A DataFrame of ``source``: a DataFrame (as it is), a pyarrow Table, a Polars
    DataFrame or LazyFrame (the ``polars`` extra; nulls stay missing), a mapping of
    columns, or the path of a ``.parquet``, ``.csv`` or ``.json`` (records) file.

    Args:
        source: What to read.
        columns: Only these columns, labelled as the frame labels them (a two-level
            frame's as tuples), in the source's order. Of a Parquet or CSV file only
            these are read, chosen from its schema or header: the data of the others is
            never read. A pyarrow Table or Polars frame converts only these to pandas (a
            LazyFrame selects them before it is collected). A saved pandas index is
            restored as without ``columns``.

    Raises:
        ValidationError: The file cannot be read, its kind is not known, a Table or
            Polars frame cannot be converted (or collected), or a label of ``columns``
            is not one of its columns.

    Example:
        >>> read_portfolio({"revenue": [1.0, None]}).shape
        (2, 1)
        >>> import tempfile, os
        >>> p = os.path.join(tempfile.mkdtemp(), "p.parquet")
        >>> pd.DataFrame({"revenue": [1.0], "crm_owner": ["x"]}).to_parquet(p)
        >>> read_portfolio(p, columns=["revenue"]).columns.tolist()
        ['revenue']
    """
    if isinstance(source, str | Path):
        path = Path(source)
        if path.suffix.lower() in _HEADED:  # narrowed as it is read
            return _read_file(path, columns)
        frame = _read_file(path, None)
    else:
        table = _columnar(source) if columns is not None else None
        if table is not None and columns is not None:  # narrowed before pandas sees it
            return table.take(columns)
        frame = _whole(source)
    if columns is None:
        return frame
    return frame.loc[:, _kept(frame.columns, columns)]


@attrs.frozen
class _Columnar:
    """A pyarrow Table or Polars frame in memory, which can give some of its columns as a
    pandas frame without converting the others: the labels a whole conversion gives
    (``head``, a zero-row frame) and each one's name in the source (``names``)."""

    head: pd.DataFrame
    names: list[str]
    select: Callable[[list[str]], pd.DataFrame]

    def take(self, columns: Sequence[Hashable]) -> pd.DataFrame:
        """The pandas frame of ``columns`` (labels of :attr:`head`), refusing others."""
        keep = _kept(self.head.columns, columns)
        return self.select([name for name, kept in zip(self.names, keep, strict=True) if kept])


def _columnar(source: Any) -> _Columnar | None:
    """The narrowing reader of a pyarrow Table or a Polars DataFrame or LazyFrame; None
    for any other source (converted whole)."""
    package = type(source).__module__.split(".", 1)[0]
    if package == "pyarrow" and type(source).__name__ == "Table":
        head, names, saved = _converted(source, lambda: _schema_head(source.schema))

        def arrow(picked: list[str]) -> pd.DataFrame:
            # The saved index is selected too, so that it is restored.
            return _whole(_converted(source, lambda: source.select([*picked, *saved])))

        return _Columnar(head, names, arrow)
    if package == "polars" and callable(getattr(source, "select", None)):
        lazy = not callable(getattr(source, "to_pandas", None))
        names = [
            str(n)
            for n in _converted(
                source, lambda: source.collect_schema().names() if lazy else source.columns
            )
        ]

        def polars(picked: list[str]) -> pd.DataFrame:
            if not picked and names:
                # No column selected is no row: select one for the rows, then drop it.
                return _whole(_converted(source, lambda: source.select(names[:1]))).iloc[:, :0]
            return _whole(_converted(source, lambda: source.select(picked)))

        return _Columnar(pd.DataFrame(columns=names), names, polars)
    return None


def _whole(source: Any) -> pd.DataFrame:
    if isinstance(source, pd.DataFrame):
        return source
    if type(source).__module__.split(".", 1)[0] == "polars":
        # A LazyFrame is collected first; a Polars frame goes through Arrow, where its
        # nulls stay missing (a null flag becomes None in an object column, never False).
        collect = getattr(source, "collect", None)
        if callable(collect) and not callable(getattr(source, "to_pandas", None)):
            source = _converted(source, collect)
    to_pandas = getattr(source, "to_pandas", None)
    if callable(to_pandas):  # a pyarrow Table, a Polars frame (or anything offering pandas)
        frame = _converted(source, to_pandas)
        if isinstance(frame, pd.DataFrame):
            return frame
    if isinstance(source, Mapping):
        return pd.DataFrame(dict(source))
    raise ValidationError(
        "",
        type(source).__name__,
        N_("give a DataFrame (pandas or Polars), a pyarrow Table, a mapping or a file path"),
    )


def _converted(source: Any, step: Callable[[], Any]) -> Any:
    """``step()`` of a foreign frame (collect, select, to_pandas), its failure (a lazy
    plan that cannot run, a type pandas has no form for) refused as unreadable."""
    try:
        return step()
    except (SepError, KeyboardInterrupt, SystemExit):
        raise
    except BaseException as exc:  # Polars' Rust panics are BaseExceptions
        raise ValidationError(
            "",
            type(source).__name__,
            R_("cannot be read: {exc}", exc=f"{type(exc).__name__}: {str(exc)[:200]}"),
        ) from None


def _kept(labels: pd.Index, columns: Sequence[Hashable]) -> np.ndarray[Any, Any]:
    """Which of ``labels`` are among ``columns``, refusing a label of ``columns`` that is
    not one of them (rather than pyarrow's or pandas' own error)."""
    present = set(labels)
    for label in columns:
        if label not in present:
            raise ValidationError("columns", label, N_("is not a column of the portfolio"))
    wanted = set(columns)
    return np.array([label in wanted for label in labels], bool)


_PARQUET = (".parquet", ".pq")
#: Files whose column labels are known from a schema or header without reading data.
_HEADED = (*_PARQUET, ".csv")


def _read_file(
    path: Path,
    columns: Sequence[Hashable] | None,
    header: tuple[pd.DataFrame, list[str]] | None = None,
) -> pd.DataFrame:
    """``path`` read whole or for ``columns``, chosen from ``header`` (its :func:`_header`,
    read here when not given)."""
    suffix = path.suffix.lower()
    picked: list[str] | None = None
    names: list[str] = []
    if suffix in _HEADED and columns is not None:
        head, names = header or _header(path)
        keep = _kept(head.columns, columns)
        picked = [name for name, kept in zip(names, keep, strict=True) if kept]
    try:
        if suffix in _PARQUET:
            return pd.read_parquet(path, columns=picked)
        if suffix == ".csv":
            if picked == [] and names:
                # No column read is no row read: read one for the rows, then drop it.
                return _read_csv(path, names[:1]).iloc[:, :0]
            return _read_csv(path, picked)
        if suffix == ".json":
            return pd.read_json(path, orient="records", dtype_backend="numpy_nullable")
    except (OSError, ValueError) as exc:
        raise _unreadable(path, exc) from None
    raise ValidationError("", str(path), N_("must be a .parquet, .csv or .json (records) file"))


def _read_csv(path: Path, names: list[str] | None) -> pd.DataFrame:
    # Nullable dtypes keep a missing flag missing instead of turning it to NaN/str.
    return pd.read_csv(path, usecols=names, dtype_backend="numpy_nullable")


def _unreadable(path: Path, exc: Exception) -> ValidationError:
    return ValidationError("", str(path), R_("cannot be read: {exc}", exc=os_reason(exc)))


def _header(path: Path) -> tuple[pd.DataFrame, list[str]]:
    """A zero-row frame with the columns (labels and dtypes) a Parquet or CSV file reads
    as, from its schema or header line only, and each column's name in the file.

    Raises:
        ValidationError: The file cannot be read.
    """
    try:
        if path.suffix.lower() not in _PARQUET:
            head = pd.read_csv(path, nrows=0)
            return head, [str(label) for label in head.columns]
        import pyarrow.parquet as pq

        # A dataset, as pandas reads it: one file, or a directory of them (with partitions).
        head, names, _ = _schema_head(pq.ParquetDataset(path).schema)
    except (OSError, ValueError) as exc:
        raise _unreadable(path, exc) from None
    return head, names


def _schema_head(schema: Any) -> tuple[pd.DataFrame, list[str], list[str]]:
    """Of an Arrow schema: the zero-row frame pandas converts its empty table to, which
    has the labels a whole conversion gives (a two-level frame's tuples are stored as
    their text), in the fields' order; each label's field name; and the fields holding a
    saved pandas index (a RangeIndex is kept in the metadata, not in a field)."""
    head = schema.empty_table().to_pandas()
    metadata = schema.pandas_metadata or {}
    saved = [c for c in metadata.get("index_columns", []) if type(c) is str]
    return head, [name for name in schema.names if name not in saved], saved


def _load(data: Any, rules: Sequence[RulePack], extra: str, index: str | None) -> pd.DataFrame:
    """The frame of ``data`` with ``index`` as its labels. Of a Parquet or CSV file only
    the columns that ``rules`` read (and ``index``) are read: which ones, and the refusal
    of others with ``extra="error"``, are decided from its schema or header."""
    table = None if isinstance(data, str | Path) else _columnar(data)
    if table is None and (
        not isinstance(data, str | Path) or Path(data).suffix.lower() not in _HEADED
    ):
        return _indexed(read_portfolio(data), index)
    head = _header(Path(data)) if table is None else (table.head, table.names)
    # The zero-row frame goes through the steps of a whole one: the same refusals.
    labels = _indexed(head[0], index).columns
    wanted = [key for key, *_ in _accepted(labels, rules, extra)]
    chosen = [*([index] if index is not None else []), *wanted]
    if table is not None:
        return _indexed(table.take(chosen), index)
    return _indexed(_read_file(Path(data), chosen, head), index)


def _indexed(frame: pd.DataFrame, index: str | None) -> pd.DataFrame:
    if index is None:
        return frame
    if index not in frame.columns:
        raise ValidationError("index", index, N_("is not a column of the portfolio"))
    return frame.set_index(index)


@attrs.frozen
class _Source:
    """Where one encoded input comes from, to name the column in an error."""

    name: str
    columns: tuple[str, ...]


def _mappings(values: np.ndarray[Any, Any]) -> SeriesColumn | None:
    """A float grid of a column of ``{period: float}`` mappings, or None to take the exact
    (slower) reader of the evaluator for anything else (decimals, strings, lists)."""
    labels: dict[str, int] = {}
    rows: list[Mapping[str, Any]] = []
    for value in values.tolist():
        if value is None or (isinstance(value, float) and value != value):
            rows.append({})
            continue
        if not isinstance(value, dict):
            return None
        for key, amount in value.items():
            if not isinstance(key, str) or type(amount) not in (float, int):
                return None
            labels.setdefault(key, len(labels))
        rows.append(value)
    grid = np.full((len(rows), len(labels)), np.nan)
    for i, row in enumerate(rows):
        for key, amount in row.items():
            grid[i, labels[key]] = amount
    return SeriesColumn(grid, tuple(labels))


def _unknown(name: str, inputs: Sequence[str], series: Sequence[str], pack_id: str) -> Exception:
    hint = ""
    flat = _UNDERSCORE.match(name)
    if flat and flat["name"] in series:
        hint = R_(
            "; a period column is named {name}[{period}]", name=flat["name"], period=flat["period"]
        )
    else:
        close = difflib.get_close_matches(name, list(inputs), n=1)
        if close:
            hint = R_("; did you mean {close!r}?", close=close[0])
    return ValidationError(
        name,
        name,
        R_(
            "is not an input of {pack_id} (inputs: {inputs}){hint}; pass extra='ignore' to allow "
            "other columns",
            pack_id=pack_id,
            inputs=", ".join(inputs),
            hint=hint,
        ),
    )


def to_columns(
    frame: pd.DataFrame,
    pack: RulePack | str = GRADUATION,
    *,
    extra: Literal["error", "ignore"] = "error",
    packs: Sequence[RulePack | str] = (),
) -> dict[str, Any]:
    """The columns of ``frame`` as :func:`~sep.evaluation.check_batch` takes them.

    Args:
        frame: Input columns named as the pack's inputs, series as the module says.
        pack: The pack whose inputs are read.
        extra: ``"error"`` refuses a column that is not an input (a typo would leave an
            input missing), ``"ignore"`` skips it.
        packs: Further packs whose inputs are also read (a scenario that switches pack).

    Raises:
        ValidationError: A column that is not an input, or a series named two ways.

    Example:
        >>> import pandas as pd
        >>> df = pd.DataFrame({"revenue": [1.0], "operating_cash_flow[2025Q1]": [2.0]})
        >>> cols = to_columns(df)
        >>> cols["operating_cash_flow"].periods, cols["operating_cash_flow"].values.tolist()
        (('2025Q1',), [[2.0]])
    """
    return _read(frame, [_pack_of(p) for p in (pack, *packs)], extra)[0]


def _specs(rules: Sequence[RulePack]) -> dict[str, InputSpec]:
    specs: dict[str, InputSpec] = {}
    for pack in rules:
        for name, declared in pack.inputs.items():
            specs.setdefault(name, declared)
    return specs


def _accepted(
    columns: pd.Index, rules: Sequence[RulePack], extra: str
) -> list[tuple[Hashable, str, str, str]]:
    """The columns that ``rules`` read, in order, each as its key, input name, period
    (``""`` but for a series' period column) and label in errors; with ``extra="error"``
    the first other column is refused. Only the labels are looked at, so a file's schema
    is enough to decide which of its columns to read."""
    if extra not in ("error", "ignore"):
        raise ValidationError("extra", extra, N_("must be 'error' or 'ignore'"))
    specs = _specs(rules)
    series = [n for n, s in specs.items() if s.type == "series"]
    two_level = isinstance(columns, pd.MultiIndex)
    found: list[tuple[Hashable, str, str, str]] = []
    for key in columns:
        if two_level:
            name, period = (str(k) for k in key[:2])
            label = f"{name}[{period}]" if period else name
        else:
            label = str(key)
            flat = _FLAT.match(label)
            name, period = (flat["name"], flat["period"]) if flat else (label, "")
        spec = specs.get(name)
        if spec is None or (period and spec.type != "series"):
            if extra == "error":
                raise _unknown(label, list(specs), series, rules[0].id)
            continue
        found.append((key, name, period, label))
    return found


def _read(
    frame: pd.DataFrame, rules: Sequence[RulePack], extra: str
) -> tuple[dict[str, Any], dict[str, _Source]]:
    specs = _specs(rules)
    out: dict[str, Any] = {}
    sources: dict[str, _Source] = {}
    periods: dict[str, dict[str, Any]] = {}
    for key, name, period, label in _accepted(frame.columns, rules, extra):
        column = frame[key]
        spec = specs[name]
        if period:
            periods.setdefault(name, {})[period] = column
            continue
        if spec.type == "series":
            values = to_array(column)
            if values.dtype.kind == "O":
                fast = _mappings(values)
                out[name] = fast if fast is not None else values
            else:
                out[name] = values
        else:
            out[name] = column
        sources[name] = _Source(label, (label,))
    for name, by_period in periods.items():
        if name in out:
            raise ValidationError(
                name,
                name,
                N_("is given both as one column and as period columns; give one of them"),
                clause=specs[name].clause,
            )
        labels = tuple(by_period)
        out[name] = SeriesColumn(_period_grid([to_array(c) for c in by_period.values()]), labels)
        sources[name] = _Source(name, tuple(f"{name}[{p}]" for p in labels))
    return out, sources


def _period_grid(arrays: list[np.ndarray[Any, Any]]) -> np.ndarray[Any, Any]:
    """The ``n × k`` grid of ``k`` period columns, each period contiguous (Fortran order):
    the evaluator reads the grid period by period, and a strided column costs twice.

    Args:
        arrays: One column per period.

    Returns:
        The same values and dtype as ``np.column_stack(arrays)``.
    """
    if arrays and all(a.ndim == 1 and a.shape == arrays[0].shape for a in arrays):
        return np.stack(arrays).T
    return np.column_stack(arrays)  # its own error for columns of unequal shapes


# -- errors naming the frame's column and rows ---------------------------------------------


def _bad_rows(check: Callable[[int], int | None], first: int, n: int) -> list[int]:
    """Up to a few bad row positions from ``first``: ``check(start)`` names the first bad
    row at or after ``start`` (or None), re-reading the rest of the column once per row."""
    rows = [first]
    while len(rows) < _SHOWN_ROWS and rows[-1] + 1 < n:
        found = check(rows[-1] + 1)
        if found is None:
            break
        rows.append(found)
    return rows


def _located(
    err: ValidationError,
    rules: RulePack,
    columns: Mapping[str, Any],
    sources: Mapping[str, _Source],
    index: pd.Index,
    offset: int,
) -> ValidationError:
    """``err`` (from one chunk) restated with the frame's column and index labels."""
    field = err.field
    name = re.split(r"\[", field, maxsplit=1)[0]
    source = sources.get(name)
    spec = rules.inputs.get(name)
    rest = field[len(name) :]
    row_match = _ROW.search(rest)
    sub = rest[: row_match.start()] if row_match else rest
    column = f"{name}{sub}" if sub else (source.name if source else name)
    if spec is None or row_match is None:
        return ValidationError(column, err.value, err.reason, clause=err.clause)
    raw = columns[name]
    first = offset + int(row_match.group(1))

    def check(start: int) -> int | None:
        part: Any
        if isinstance(raw, SeriesColumn):
            part = SeriesColumn(np.asarray(raw.values)[start:], raw.periods)
        else:
            part = to_array(raw)[start:]
        try:
            encode(spec, part, None)
        except ValidationError as again:
            found = _ROW.search(again.field)
            return start + int(found.group(1)) if found else None
        return None

    rows = _bad_rows(check, first, len(index))
    shown = ", ".join(
        repr(index[r]) if not isinstance(index[r], int | np.integer) else str(index[r])
        for r in rows
    )
    return ValidationError(
        column,
        err.value,
        R_("{reason} (first bad rows, by index: {shown})", reason=R_(err.reason), shown=shown),
        clause=err.clause,
    )


# -- evaluating --------------------------------------------------------------------------


def _chunks(n: int, size: int) -> list[tuple[int, int]]:
    if n == 0:
        return [(0, 0)]
    return [(start, min(n, start + size)) for start in range(0, n, size)]


def _slice(value: Any, start: int, stop: int) -> Any:
    if isinstance(value, SeriesColumn):
        return SeriesColumn(np.asarray(value.values)[start:stop], value.periods)
    if isinstance(value, pd.Series | pd.Index):
        return value.iloc[start:stop] if isinstance(value, pd.Series) else value[start:stop]
    return to_array(value)[start:stop]


def evaluate(
    data: Any,
    pack: RulePack | str = GRADUATION,
    *,
    params: Mapping[str, Any] | None = None,
    on: dt.date | None = None,
    extra: Literal["error", "ignore"] = "error",
    index: str | None = None,
    progress: bool | None = None,
    chunk_rows: int = CHUNK_ROWS,
) -> PortfolioResult:
    """Decide ``pack``'s question for every row of a portfolio.

    Args:
        data: A DataFrame, pyarrow Table, mapping of columns or file path (see
            :func:`read_portfolio`); columns named as the pack's inputs.
        pack: A shipped pack id (graduation by default), a :class:`RulePack` or a path.
        params: Parameter overrides, as for :func:`~sep.evaluation.check`.
        on: The date whose parameter values apply (default: today).
        extra: ``"error"`` refuses columns that are not inputs, ``"ignore"`` skips them.
        index: A column to use as the rows' labels (e.g. ``"id"``), taken out of the inputs.
        progress: Show a progress bar (``None``: only when interactive and there is more
            than one chunk).
        chunk_rows: Rows evaluated at a time.

    Raises:
        ValidationError: A bad column, naming the frame's column and the first bad rows
            by index label.

    Example:
        >>> import pandas as pd
        >>> df = pd.DataFrame({"revenue": [12e6, 8e6, None], "listed": [True, False, None]},
        ...                   index=["a", "b", "c"])
        >>> r = evaluate(df, on=dt.date(2025, 1, 1))
        >>> r.frame()["outcome"].tolist()
        ['met', 'unknown', 'unknown']
    """
    rules = _pack_of(pack)
    frame = _load(data, [rules], extra, index)
    columns, sources = _read(frame, [rules], extra)
    return _run(rules, frame.index, columns, sources, params, on, progress, chunk_rows)


def _run(
    rules: RulePack,
    index: pd.Index,
    columns: Mapping[str, Any],
    sources: Mapping[str, _Source],
    params: Mapping[str, Any] | None,
    on: dt.date | None,
    progress: bool | None,
    chunk_rows: int,
) -> PortfolioResult:
    if chunk_rows < 1:
        raise ValidationError("chunk_rows", chunk_rows, N_("must be at least 1"))
    n = len(index)
    chunks = _chunks(n, chunk_rows)
    results: list[BatchResult] = []
    wanted = {k: v for k, v in columns.items() if k in rules.inputs}
    with progress_bar(n, "rows", enabled=progress, steps=len(chunks)) as bar:
        for start, stop in chunks:
            part = {k: _slice(v, start, stop) for k, v in wanted.items()}
            try:
                results.append(check_batch(rules, part, params=params, on=on, n=stop - start))
            except ValidationError as err:
                raise _located(err, rules, wanted, sources, index, start) from None
            bar.update(stop - start)
    return PortfolioResult(index=index, parts=tuple(results), starts=tuple(s for s, _ in chunks))


def _categorical(codes: np.ndarray[Any, Any], index: pd.Index) -> pd.Series:
    # Each code's position among OUTCOME_CATEGORIES (-1 -> 1, 0 -> 0, 1 -> 2) in two
    # comparisons on int8: a lookup through intp indices costs five times as much.
    position = (codes != 0).view(np.int8) + (codes > 0).view(np.int8)
    cat = pd.Categorical.from_codes(position, categories=list(OUTCOME_CATEGORIES), ordered=True)
    return pd.Series(cat, index=index)


def _leaves(condition: Condition) -> Iterator[Leaf]:
    if isinstance(condition, Leaf):
        yield condition
    elif isinstance(condition, All | AnyOf):
        for item in condition.items:
            yield from _leaves(item)


def _walk(criteria: Sequence[Criterion]) -> Iterator[Criterion]:
    for criterion in criteria:
        yield criterion
        yield from _walk(criterion.children)


@attrs.frozen(eq=False)
class PortfolioResult:
    """The outcomes of one pack over a portfolio, labelled with the portfolio's index.

    Attributes:
        index: The row labels of the input.
        parts: The batch results, one per chunk of rows.
        starts: The first row position of each part.

    Example:
        >>> import pandas as pd
        >>> r = evaluate(pd.DataFrame({"listed": [True, None]}), on=dt.date(2025, 1, 1))
        >>> r.summary().loc["outcome", ["met", "unknown"]].tolist()
        [1, 1]
    """

    index: pd.Index
    parts: tuple[BatchResult, ...]
    starts: tuple[int, ...]

    def __len__(self) -> int:
        return len(self.index)

    @property
    def batch(self) -> BatchResult:
        """The first (often the only) batch result: pack, parameters and date used."""
        return self.parts[0]

    @property
    def criteria(self) -> list[str]:
        """Criterion ids, top-level and nested, in the pack's order."""
        return list(self.batch.criteria)

    def codes(self, key: str = "outcome") -> np.ndarray[Any, Any]:
        """The ``int8`` codes (1 met, 0 not met, -1 unknown) of ``"outcome"`` or a criterion."""
        if key == "outcome":
            arrays = [p.outcome for p in self.parts]
        else:
            arrays = [p.outcome_of(key) for p in self.parts]
        return arrays[0] if len(arrays) == 1 else np.concatenate(arrays)

    def _position(self, label: Any) -> tuple[BatchResult, int]:
        try:
            where = self.index.get_loc(label)
        except KeyError:
            raise ValidationError("row", label, N_("is not a row label of the portfolio")) from None
        if not isinstance(where, int | np.integer):
            raise ValidationError("row", label, N_("labels more than one row; use a unique index"))
        k = bisect.bisect_right(self.starts, int(where)) - 1
        return self.parts[k], int(where) - self.starts[k]

    def decision(self, label: Any) -> Decision:
        """The direct evaluator's :class:`~sep.evaluation.Decision` for the row ``label``."""
        part, i = self._position(label)
        return part.decision(i)

    def explain(self, label: Any, lang: str = "en") -> str:
        """Why the row ``label`` has its outcome, per clause, in English or Chinese (``zh``).

        Example:
            >>> import pandas as pd
            >>> r = evaluate(pd.DataFrame({"listed": [True]}, index=["x"]),
            ...              on=dt.date(2025, 1, 1))
            >>> "4.3.5(b)" in r.explain("x", "zh")
            True
        """
        return self.decision(label).explain(lang)

    def missing(self) -> pd.Series:
        """Per row, the inputs not given (a series' missing periods as ``name[period]``),
        comma-separated; ``""`` when nothing is missing."""
        found = [_missing_masks(p) for p in self.parts]
        labels = found[0][0]
        if any(f[0] != labels for f in found[1:]):
            # Chunks saw different series periods: name whole inputs instead.
            labels = list(self.batch._encoded)
            found = [(labels, _input_masks(p)) for p in self.parts]
        if not labels:
            return pd.Series([""] * len(self), index=self.index, dtype="category")
        stacked = np.concatenate([np.stack(masks) for _, masks in found], axis=1)
        # Few distinct combinations occur: name each once.
        if len(labels) < 63:
            keys, inverse = _combinations(stacked)
            weights = np.left_shift(np.int64(1), np.arange(len(labels), dtype=np.int64))
            unique = ((keys[:, None] & weights[None, :]) != 0).astype(bool)
        else:
            unique, inverse = np.unique(stacked.T, axis=0, return_inverse=True)
        texts = [
            ", ".join(label for label, m in zip(labels, row, strict=True) if m)
            for row in unique.tolist()
        ]
        return pd.Series(
            pd.Categorical.from_codes(np.asarray(inverse).ravel(), categories=texts),
            index=self.index,
        )

    def margins(self) -> pd.DataFrame:
        """Per row and criterion, how far the value is above (+) or below (−) the threshold,
        for criteria of plain value comparisons (money in CNY, numbers as given); ``NaN``
        where unknown. Windowed series measures have their margins in :meth:`explain`."""
        rules = self.batch._evaluator.pack
        values = self.batch.parameter_values
        out: dict[str, np.ndarray[Any, Any]] = {}
        for criterion in _walk(rules.criteria):
            if criterion.condition is None:
                continue
            per_part = [_criterion_margin(p, criterion.condition, values) for p in self.parts]
            if any(m is None for m in per_part):
                continue
            arrays = [m for m in per_part if m is not None]
            out[criterion.id] = arrays[0] if len(arrays) == 1 else np.concatenate(arrays)
        return pd.DataFrame(out, index=self.index)

    def frame(self, *, margins: bool = False, missing: bool = True) -> pd.DataFrame:
        """The results as a DataFrame with the input's index: ``outcome`` and one column per
        criterion id (categoricals of :data:`OUTCOME_CATEGORIES`), ``missing`` (see
        :meth:`missing`) and, with ``margins=True``, ``margin:<criterion id>`` columns
        (see :meth:`margins`)."""
        data: dict[str, Any] = {"outcome": _categorical(self.codes(), self.index)}
        for key in self.criteria:
            data[key] = _categorical(self.codes(key), self.index)
        if missing:
            data["missing"] = self.missing()
        if margins:
            for key, column in self.margins().items():
                data[f"margin:{key}"] = column
        return pd.DataFrame(data, index=self.index)

    def summary(self) -> pd.DataFrame:
        """Counts of rows per outcome: one row for ``outcome`` and one per criterion, with
        the clause and the English and Chinese titles."""
        rules = self.batch._evaluator.pack
        by_id = {c.id: c for c in _walk(rules.criteria)}
        rows = []
        for key in ["outcome", *self.criteria]:
            counted = np.bincount(self.codes(key).astype(np.int64) + 1, minlength=3)
            criterion = by_id.get(key)
            rows.append(
                {
                    "criterion": key,
                    "clause": criterion.clause if criterion else rules.clause,
                    "met": int(counted[2]),
                    "not_met": int(counted[1]),
                    "unknown": int(counted[0]),
                    "en": criterion.en if criterion else rules.en,
                    "zh": criterion.zh if criterion else rules.zh,
                }
            )
        return pd.DataFrame(rows).set_index("criterion")

    def counts(self) -> dict[str, dict[str, int]]:
        """:meth:`summary`'s counts as plain mappings (for JSON)."""
        table = self.summary()
        return {
            str(k): {o: int(table.loc[k, o]) for o in ("met", "not_met", "unknown")}
            for k in table.index
        }

    def _repr_html_(self) -> str:
        batch = self.batch
        head = (
            f"<p><b>{batch.pack}</b> ({batch.question}, {batch.edition}) on "
            f"{batch.as_of.isoformat()}: {len(self)} rows</p>"
        )
        return head + str(self.summary()[["clause", "met", "not_met", "unknown", "en"]].to_html())

    def __repr__(self) -> str:
        return f"PortfolioResult({self.batch.pack!r}, rows={len(self)}, on={self.batch.as_of})"


#: Up to this many labels, combinations are counted in a table of 2**16 rather than sorted.
_COUNTED_LABELS = 16


def _combinations(
    stacked: np.ndarray[Any, Any],
) -> tuple[np.ndarray[Any, Any], np.ndarray[Any, Any]]:
    """The distinct combinations of the rows of ``stacked`` (one bool row per label, fewer
    than 63) as ascending bit sets (label ``j`` is bit ``j``), and each column's position
    among them: what ``np.unique(bits, return_inverse=True)`` gives.

    Args:
        stacked: ``(labels, rows)`` booleans.

    Returns:
        The sorted distinct bit sets (``int64``) and, per row, the index of its own.
    """
    wide = len(stacked) > _COUNTED_LABELS
    bits = np.zeros(stacked.shape[1], np.int64 if wide else np.uint16)
    for j, mask in enumerate(stacked):
        # One shift per label in the narrowest integer: a product in int64 costs 10x.
        bits |= np.left_shift(mask, j, dtype=bits.dtype)
    if wide:
        keys, inverse = np.unique(bits, return_inverse=True)
        return keys, inverse
    # Counted in a table of 2**16: linear in the rows, where np.unique sorts them.
    keys, inverse = unique_inverse(bits, 1 << _COUNTED_LABELS)
    return keys.astype(np.int64), inverse


def _input_masks(part: BatchResult) -> list[np.ndarray[Any, Any]]:
    rules = part._evaluator.pack
    return [
        _unknown_mask(column, len(part), len(rules.inputs[name].values))
        for name, column in part._encoded.items()
    ]


def _unknown_mask(column: Any, n: int, choices: int = 0) -> np.ndarray[Any, Any]:
    if isinstance(column, BoolColumn):
        return np.asarray(column.codes == 1)
    if isinstance(column, EnumColumn):
        return np.asarray(column.codes == choices)
    if isinstance(column, MoneyColumn):
        return ~column.known
    if isinstance(column, NumberColumn):
        return np.isnan(column.values)
    assert isinstance(column, SeriesGrid)
    if not column.known.shape[0]:
        return np.ones(n, bool)
    return np.asarray(~column.known.any(axis=0))


def _missing_masks(part: BatchResult) -> tuple[list[str], list[np.ndarray[Any, Any]]]:
    from sep.evaluation._inputs import label_of

    labels: list[str] = []
    masks: list[np.ndarray[Any, Any]] = []
    rules = part._evaluator.pack
    n = len(part)
    for name, column in part._encoded.items():
        if isinstance(column, SeriesGrid) and column.known.shape[0]:
            for j in range(column.known.shape[0]):
                labels.append(f"{name}[{label_of(column.first + j, column.quarterly)}]")
                masks.append(~column.known[j])
        else:
            labels.append(name)
            masks.append(_unknown_mask(column, n, len(rules.inputs[name].values)))
    return labels, masks


def _criterion_margin(
    part: BatchResult, condition: Condition, values: Mapping[str, Any]
) -> np.ndarray[Any, Any] | None:
    """As the direct evaluator: the first failing comparison's margin, else the least."""
    leaves = list(_leaves(condition))
    if not leaves or any(leaf.measure != "value" for leaf in leaves):
        return None
    rules = part._evaluator.pack
    margins = []
    for leaf in leaves:
        spec = rules.inputs[leaf.input]
        if spec.type not in ("money", "number") or leaf.op not in (">", ">=", "<", "<="):
            return None
        threshold = float(values[leaf.param] if leaf.param is not None else leaf.value)
        column = part._encoded[leaf.input]
        if isinstance(column, MoneyColumn):
            amount = column.fen / 100.0
            amount = np.where(column.known, amount, np.nan)
        else:
            assert isinstance(column, NumberColumn)
            amount = column.values
        margins.append(amount - threshold if leaf.op in (">", ">=") else threshold - amount)
    if len(margins) == 1:
        return margins[0]
    stack = np.stack(margins)
    failing = stack < 0
    first = np.where(
        failing.any(axis=0), stack[failing.argmax(axis=0), np.arange(len(part))], np.nan
    )
    least = np.nanmin(np.where(np.isnan(stack), np.inf, stack), axis=0)
    least[np.isinf(least)] = np.nan
    return np.where(np.isnan(first), least, first)
