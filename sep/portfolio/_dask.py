"""Portfolios beyond one machine: the same batch over a Dask DataFrame, partition by
partition (4.3.5, 4.3.7-b; the ``sep[dask]`` extra).

Each partition is decided by :func:`~sep.portfolio.evaluate` where it lives, so results
equal the pandas path row for row. Point it at an existing cluster by creating a
``distributed.Client("tcp://scheduler:8786")`` before computing; without one, Dask's
local scheduler runs it.
"""

from __future__ import annotations

import datetime as dt
import glob
import importlib
import os
from collections.abc import Mapping
from typing import Any, Literal

import attrs
import pandas as pd

from sep._i18n import N_
from sep._reason import R_
from sep.errors import EngineUnavailableError, SepError, ValidationError
from sep.evaluation import GRADUATION, RulePack, builtin_pack
from sep.portfolio._frame import OUTCOME_CATEGORIES, _accepted, _pack_of, _walk, evaluate

__all__ = ["counts_dask", "evaluate_dask"]


class _Portable:
    """A pack as a task carries it to a worker: a shipped pack by its id (each worker loads
    and compiles it once, then reuses it for every partition), any other pack without its
    compiled state. Otherwise every task would carry the pack's compiled evaluators, which
    the worker unpickles and compiles again, partition after partition."""

    def __init__(self, rules: RulePack) -> None:
        self.shipped: str | None = None
        self.rules: RulePack | None = None
        try:
            if builtin_pack(rules.id) is rules:
                self.shipped = rules.id
        except SepError:
            pass
        if self.shipped is None:
            self.rules = attrs.evolve(rules)  # a copy without the compiled state

    def pack(self) -> RulePack:
        if self.shipped is not None:
            return builtin_pack(self.shipped)
        assert self.rules is not None
        return self.rules


def _meta(rules: RulePack, margins: bool, missing: bool = True) -> pd.DataFrame:
    outcome = pd.CategoricalDtype(list(OUTCOME_CATEGORIES), ordered=True)
    columns: dict[str, Any] = {"outcome": pd.Series([], dtype=outcome)}
    for criterion in _walk(rules.criteria):
        columns[criterion.id] = pd.Series([], dtype=outcome)
    if missing:
        columns["missing"] = pd.Series([], dtype=object)
    frame = pd.DataFrame(columns)
    if margins:
        probe = evaluate(pd.DataFrame(index=pd.RangeIndex(0)), rules, on=dt.date(2100, 1, 1))
        for key in probe.margins().columns:
            frame[f"margin:{key}"] = pd.Series([], dtype="float64")
    return frame


def evaluate_dask(
    data: Any,
    pack: RulePack | str = GRADUATION,
    *,
    params: Mapping[str, Any] | None = None,
    on: dt.date | None = None,
    extra: Literal["error", "ignore"] = "error",
    margins: bool = False,
    missing: bool = True,
) -> Any:
    """A lazy Dask DataFrame of :meth:`PortfolioResult.frame` for every partition of
    ``data`` (a Dask DataFrame, or a Parquet path or glob read with
    ``dask.dataframe.read_parquet``); ``missing`` is a plain string column, left out with
    ``missing=False`` (naming each row's missing inputs is most of a partition's work).
    For counts only, :func:`counts_dask` is faster still.

    ``on`` defaults to today *here*, so every worker uses the same date.

    Raises:
        SepError: Dask is not installed (``pip install 'sep[dask]'``).
        ValidationError: A column that is not an input (with ``extra="error"``), at
            once; other bad input when computed, as :func:`evaluate` raises it.
    """
    rules = _pack_of(pack)
    data = _dask_frame(data, rules, extra)
    day = on or dt.date.today()
    meta = _meta(rules, margins, missing)

    portable = _Portable(rules)

    def one(part: pd.DataFrame) -> pd.DataFrame:
        frame = evaluate(part, portable.pack(), params=params, on=day, extra=extra, progress=False)
        out = frame.frame(margins=margins, missing=missing)
        if missing:
            out["missing"] = out["missing"].astype(object)
        return out[list(meta.columns)]

    return data.map_partitions(one, meta=meta)


def counts_dask(
    data: Any,
    pack: RulePack | str = GRADUATION,
    *,
    params: Mapping[str, Any] | None = None,
    on: dt.date | None = None,
    extra: Literal["error", "ignore"] = "error",
) -> dict[str, dict[str, int]]:
    """:meth:`PortfolioResult.counts` of the whole of ``data`` (a Dask DataFrame, or a
    Parquet path or glob), computed partition by partition where each lives.

    Each worker decides its partition and sends back only its counts (a few dozen
    integers), not a labelled frame: for a summary of a large portfolio this is the
    cheap way. Computes at once, on the current ``distributed.Client`` if there is one.
    A local path or glob is one task per file, read by :func:`evaluate` itself where the
    task runs (the workers must see the same files, as with a shared disk); a URL is read
    with ``dask.dataframe.read_parquet``.

    Raises:
        SepError: Dask is not installed (``pip install 'sep[dask]'``).
        ValidationError: Bad input, as :func:`evaluate` raises it.

    Example:
        >>> import dask.dataframe as dd, pandas as pd
        >>> df = dd.from_pandas(pd.DataFrame({"revenue": [12e6, 1e6, None]}), npartitions=2)
        >>> counts_dask(df, on=dt.date(2025, 1, 1))["4.3.5(c).revenue"]
        {'met': 1, 'not_met': 1, 'unknown': 1}
    """
    dask: Any = importlib.import_module("dask")  # untyped: reached through Any
    rules = _pack_of(pack)
    day = on or dt.date.today()
    portable = _Portable(rules)

    def one(part: Any) -> dict[str, dict[str, int]]:
        # A local Parquet file is read by sep's own reader where the task runs, as in one
        # process; a partition of a Dask DataFrame arrives as a pandas frame.
        result = evaluate(part, portable.pack(), params=params, on=day, extra=extra, progress=False)
        return result.counts()

    def total(parts: list[dict[str, dict[str, int]]]) -> dict[str, dict[str, int]]:
        out: dict[str, dict[str, int]] = {}
        for counted in parts:
            for key, by_outcome in counted.items():
                into = out.setdefault(key, dict.fromkeys(by_outcome, 0))
                for outcome, k in by_outcome.items():
                    into[outcome] += k
        return out

    files = _local_files(data)
    pieces = files or _dask_frame(data, rules, extra).to_delayed()
    parts = [dask.delayed(one, pure=True)(p) for p in pieces]
    found: dict[str, dict[str, int]] = dask.compute(dask.delayed(total)(parts))[0]
    return found


def _local_files(data: Any) -> list[str]:
    """The files of a local Parquet path or glob, sorted (empty for anything else: a Dask
    DataFrame, or a URL that ``dask.dataframe.read_parquet`` reads)."""
    if not isinstance(data, str | os.PathLike) or "://" in str(data):
        return []
    text = os.fspath(data)
    if os.path.isdir(text):
        text = os.path.join(text, "*.parquet")
    found = sorted(glob.glob(text))
    if not found:
        raise ValidationError("data", str(data), N_("no Parquet file matches this path"))
    return found


def _dask_frame(data: Any, rules: RulePack, extra: str) -> Any:
    try:
        import dask.dataframe as dd
    except ImportError as exc:  # pragma: no cover - the extra is missing
        raise EngineUnavailableError(
            "dask",
            R_("a Dask portfolio needs it ({error})", error=str(exc)),
            "pip install 'sep[dask]'",
        ) from None
    path = None
    if isinstance(data, str):
        path, data = data, dd.read_parquet(data)
    if not hasattr(data, "map_partitions"):
        raise ValidationError("data", type(data).__name__, N_("must be a Dask DataFrame or path"))
    # The columns are known before anything is computed: with extra="error" another
    # column is refused here, as evaluate would refuse it in every task.
    wanted = [key for key, *_ in _accepted(data.columns, [rules], extra)]
    if path is not None and extra == "ignore" and wanted:
        # Only the pack's inputs are read from the files.
        data = dd.read_parquet(path, columns=wanted)
    return data
