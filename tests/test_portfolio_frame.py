"""sep.portfolio: DataFrames, Arrow tables and files in, labelled frames out (4.3.5, 4.3.7-b)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path
from typing import Any

import numpy as np
import pytest

pytestmark = pytest.mark.clause("4.3.5", "4.3.7-b")

pd = pytest.importorskip("pandas")
pa = pytest.importorskip("pyarrow")
pq = pytest.importorskip("pyarrow.parquet")

from sep.errors import ValidationError  # noqa: E402
from sep.evaluation import (  # noqa: E402
    SeriesColumn,
    check_graduation,
    check_graduation_batch,
    synthetic_graduation_columns,
)
from sep.portfolio import OUTCOME_CATEGORIES, evaluate, read_portfolio, to_columns  # noqa: E402

ON = dt.date(2025, 6, 30)
QUARTERS = ("2025Q1", "2025Q2", "2025Q3", "2025Q4")


def _flat(n: int, seed: int = 2) -> pd.DataFrame:
    """Synthetic columns with the cash flow as flat ``operating_cash_flow[<period>]`` columns."""
    cols = synthetic_graduation_columns(n, seed=seed)
    series = cols.pop("operating_cash_flow")
    frame = pd.DataFrame(cols)
    for j, period in enumerate(series.periods):
        frame[f"operating_cash_flow[{period}]"] = series.values[:, j]
    return frame


def _same(result: object, batch: object) -> None:
    assert np.array_equal(result.codes(), batch.outcome)  # type: ignore[attr-defined]
    for key, codes in batch.criteria.items():  # type: ignore[attr-defined]
        assert np.array_equal(result.codes(key), codes), key  # type: ignore[attr-defined]


def test_frame_of_synthetic_columns_just_works() -> None:
    """4.3.5: pd.DataFrame(synthetic_graduation_columns(n)) holds the series as a column of
    mappings and evaluates to exactly the batch engine's outcomes, row for row."""
    cols = synthetic_graduation_columns(500, seed=4)
    frame = pd.DataFrame(cols)
    assert frame["operating_cash_flow"].dtype == object
    _same(evaluate(frame, on=ON), check_graduation_batch(cols, on=ON))


@pytest.mark.parametrize("form", ["flat", "two_level", "mappings", "decimal_mappings"])
def test_series_forms_agree(form: str) -> None:
    """4.3.5(c): a series as flat period columns, two-level columns or per-row mappings
    gives the same outcomes as the SeriesColumn the batch engine takes."""
    cols = synthetic_graduation_columns(300, seed=5)
    expected = check_graduation_batch(cols, on=ON)
    flat = _flat(300, seed=5)
    if form == "flat":
        frame = flat
    elif form == "two_level":
        frame = flat.copy()
        frame.columns = pd.MultiIndex.from_tuples(
            [tuple(c[:-1].split("[")) if c.endswith("]") else (c, "") for c in flat.columns]
        )
    else:
        frame = pd.DataFrame(cols)
        if form == "decimal_mappings":
            frame["operating_cash_flow"] = [
                None if m is None else {p: Decimal(repr(a)) for p, a in m.items()}
                for m in frame["operating_cash_flow"]
            ]
    _same(evaluate(frame, on=ON), expected)


def test_underscore_period_column_is_refused_with_the_rule() -> None:
    """The naming rule is ``name[period]``: ``operating_cash_flow_2025Q1`` is refused,
    naming the column and the spelling that is read (4.3.5(c))."""
    frame = pd.DataFrame({"operating_cash_flow_2025Q1": [1.0]})
    with pytest.raises(ValidationError) as info:
        evaluate(frame, on=ON)
    assert info.value.field == "operating_cash_flow_2025Q1"
    assert "operating_cash_flow[2025Q1]" in info.value.reason
    assert len(evaluate(frame, on=ON, extra="ignore")) == 1


def test_typo_column_is_refused() -> None:
    """A misspelt input would leave it missing: refused with a suggestion (4.3.5(c))."""
    with pytest.raises(ValidationError, match="did you mean 'revenue'"):
        evaluate(pd.DataFrame({"revenu": [1.0]}), on=ON)


def test_nullable_dtypes_are_missing_not_false() -> None:
    """pd.NA in boolean, Float64, Int64 and string columns is missing: UNKNOWN, never
    NOT_MET (4.3.5(b), 4.3.5(c))."""
    frame = pd.DataFrame(
        {
            "listed": pd.array([True, pd.NA, False], dtype="boolean"),
            "revenue": pd.array([1.0, pd.NA, 2.0], dtype="Float64"),
            "largest_financing_round": pd.array([pd.NA, pd.NA, 5], dtype="Int64"),
            "profit": pd.array(["1", pd.NA, "3"], dtype="string"),
        }
    )
    out = evaluate(frame, on=ON).frame()
    assert out["4.3.5(b).listing"].tolist() == ["met", "unknown", "not_met"]
    assert out["4.3.5(c).revenue"].tolist()[1] == "unknown"
    assert out["4.3.5(b).financing"].tolist() == ["unknown", "unknown", "not_met"]
    named = out.loc[1, "missing"].split(", ")
    assert {"listed", "largest_financing_round", "revenue", "profit"} <= set(named)
    assert "listed" not in out.loc[0, "missing"].split(", ")


def test_bad_value_names_the_column_and_the_first_bad_rows() -> None:
    """A negative revenue (4.3.5(c)) is refused naming the frame's column, the first bad
    rows by index label and the clause."""
    frame = pd.DataFrame({"revenue": [1.0, -5.0, 3.0, -1.0, 9.0]}, index=["a", "b", "c", "d", "e"])
    with pytest.raises(ValidationError) as info:
        evaluate(frame, on=ON)
    err = info.value
    assert err.field == "revenue"
    assert err.clause == "4.3.5(c)"
    assert "'b', 'd'" in err.reason


def test_bad_period_cell_names_the_flat_column() -> None:
    """A bad amount in a flat period column names that column (4.3.5(c)), with the rows
    counted across chunks."""
    frame = _flat(20)
    frame.loc[13, "operating_cash_flow[2025Q2]"] = np.inf
    with pytest.raises(ValidationError) as info:
        evaluate(frame, on=ON, chunk_rows=6)
    assert info.value.field == "operating_cash_flow[2025Q2]"
    assert "by index: 13)" in info.value.reason


def test_output_is_labelled_with_the_input_index() -> None:
    """The result frame keeps the input's index; outcomes are ordered categoricals of
    not_met < unknown < met; margins agree with the direct evaluator (4.3.5(c))."""
    frame = pd.DataFrame(
        {"id": ["x", "y", "z"], "revenue": [12e6, 8e6, None], "listed": [True, False, None]}
    )
    result = evaluate(frame, on=ON, index="id")
    out = result.frame(margins=True)
    assert list(out.index) == ["x", "y", "z"]
    assert list(out["outcome"].cat.categories) == list(OUTCOME_CATEGORIES)
    assert out["outcome"].tolist() == ["met", "unknown", "unknown"]
    direct = check_graduation({"revenue": "8000000"}, on=ON)
    expected = float(direct.result_of("4.3.5(c).revenue").margin)
    assert out.loc["y", "margin:4.3.5(c).revenue"] == expected
    assert np.isnan(out.loc["z", "margin:4.3.5(c).revenue"])
    assert out.loc["z", "missing"].startswith("acquired_by_founder, listed")


def test_summary_and_explain() -> None:
    """summary() counts equal the batch engine's; explain(label, lang) is the direct
    evaluator's explanation of that row, in Chinese too (4.3.5)."""
    cols = synthetic_graduation_columns(200, seed=6)
    frame = pd.DataFrame(cols, index=[f"i{k}" for k in range(200)])
    result = evaluate(frame, on=ON)
    batch = check_graduation_batch(cols, on=ON)
    table = result.summary()
    for key, counts in batch.summary().items():
        assert table.loc[key, ["met", "not_met", "unknown"]].tolist() == [
            counts["met"],
            counts["not_met"],
            counts["unknown"],
        ]
    assert result.explain("i7", "zh") == batch.decision(7).explain("zh")
    assert "<table" in result._repr_html_()
    with pytest.raises(ValidationError):
        result.explain("nope")


def test_chunks_give_the_same_results() -> None:
    """Evaluating in chunks (one progress step each) changes nothing, and a row of a later
    chunk explains itself (4.3.5)."""
    frame = _flat(50)
    whole = evaluate(frame, on=ON)
    parts = evaluate(frame, on=ON, chunk_rows=7, progress=False)
    assert len(parts.parts) == 8
    pd.testing.assert_frame_equal(whole.frame(margins=True), parts.frame(margins=True))
    assert parts.explain(45) == whole.explain(45)


def test_progress_is_silent_when_asked(capsys: pytest.CaptureFixture[str]) -> None:
    """progress=False prints nothing; progress=True draws a bar on stderr."""
    frame = _flat(30)
    evaluate(frame, on=ON, chunk_rows=5, progress=False)
    assert capsys.readouterr().err == ""
    evaluate(frame, on=ON, chunk_rows=5, progress=True)
    assert "rows" in capsys.readouterr().err


def test_files_and_arrow_tables(tmp_path: Path) -> None:
    """Parquet, CSV and pyarrow Tables are read with the same column names (4.3.5)."""
    frame = _flat(40)
    expected = evaluate(frame, on=ON).frame()
    parquet = tmp_path / "p.parquet"
    frame.to_parquet(parquet)
    csv = tmp_path / "p.csv"
    frame.to_csv(csv, index=False)
    table = pa.Table.from_pandas(frame)
    for source in (parquet, str(csv), table):
        pd.testing.assert_frame_equal(evaluate(source, on=ON).frame(), expected)
    with pytest.raises(ValidationError, match="parquet"):
        read_portfolio(tmp_path / "p.txt")


#: Columns of a CRM export that are not inputs of any pack.
CRM = tuple(f"crm_{k}" for k in range(20))


def _wide(n: int = 60) -> pd.DataFrame:
    """The inputs with flat period columns, an ``id`` column and twenty CRM columns."""
    frame = _flat(n)
    for k, name in enumerate(CRM):
        frame[name] = [f"note {k}"] * n
    frame.insert(0, "id", [f"inc-{i}" for i in range(n)])
    return frame


def _unconvertible(path: Path, frame: pd.DataFrame) -> None:
    """``frame`` saved to ``path`` with a CRM date column pandas cannot convert (a year
    out of range): a read of all the columns fails, so any read that succeeds left it out."""
    table = pa.Table.from_pandas(frame, preserve_index=False)
    table = table.append_column("crm_born", pa.array([2**31 - 1] * len(frame), pa.date32()))
    pq.write_table(table, path)
    with pytest.raises(ValueError, match="out of range"):
        pd.read_parquet(path)


def _spy(monkeypatch: pytest.MonkeyPatch, reader: str, keyword: str) -> list[object]:
    """What ``pandas.<reader>`` is asked for as ``keyword``, call by call."""
    asked: list[object] = []
    real = getattr(pd, reader)

    def spy(*args: object, **kwargs: object) -> object:
        asked.append(kwargs.get(keyword))
        return real(*args, **kwargs)

    monkeypatch.setattr(pd, reader, spy)
    return asked


def test_wide_parquet_reads_only_the_inputs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """4.3.5: of a wide Parquet export, extra="ignore" reads only the pack's inputs (flat
    period columns too) and the index= column, and decides as the whole frame does; a CRM
    column pandas could not even convert is never read."""
    frame = _wide()
    expected = evaluate(frame, on=ON, extra="ignore", index="id").frame(margins=True)
    path = tmp_path / "wide.parquet"
    _unconvertible(path, frame)
    asked = _spy(monkeypatch, "read_parquet", "columns")
    got = evaluate(path, on=ON, extra="ignore", index="id").frame(margins=True)
    pd.testing.assert_frame_equal(got, expected)
    inputs = [c for c in frame.columns if not c.startswith("crm_")]
    assert asked == [inputs]
    assert "operating_cash_flow[2025Q3]" in inputs


def test_wide_csv_reads_only_the_inputs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """4.3.5: of a wide CSV export, extra="ignore" reads the header and then only the
    inputs and the index= column (pandas' usecols), with the same nullable dtypes and
    outcomes as a read of the whole file."""
    frame = _wide()
    path = tmp_path / "wide.csv"
    frame.to_csv(path, index=False)
    whole = pd.read_csv(path, dtype_backend="numpy_nullable")
    expected = evaluate(whole, on=ON, extra="ignore", index="id").frame(margins=True)
    asked = _spy(monkeypatch, "read_csv", "usecols")
    got = evaluate(path, on=ON, extra="ignore", index="id").frame(margins=True)
    pd.testing.assert_frame_equal(got, expected)
    inputs = [c for c in frame.columns if not c.startswith("crm_")]
    assert asked == [None, inputs]  # the header (nrows=0), then the inputs
    narrowed = read_portfolio(path, columns=inputs)
    pd.testing.assert_series_equal(narrowed.dtypes, whole[inputs].dtypes)


@pytest.mark.parametrize("suffix", [".parquet", ".csv"])
def test_wide_file_refuses_other_columns_from_its_header(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, suffix: str
) -> None:
    """4.3.5(c): with extra="error" a file's column that is not an input is refused with
    the very error of the in-memory frame (field, reason, "did you mean"), decided from
    the schema or header alone: no data is read."""
    frame = _flat(5).assign(revenu=1.0)
    with pytest.raises(ValidationError) as before:
        evaluate(frame, on=ON)
    path = tmp_path / f"wide{suffix}"
    frame.to_parquet(path) if suffix == ".parquet" else frame.to_csv(path, index=False)
    parquet_reads = _spy(monkeypatch, "read_parquet", "columns")
    csv_reads = _spy(monkeypatch, "read_csv", "nrows")
    with pytest.raises(ValidationError) as raised:
        evaluate(path, on=ON)
    assert (raised.value.field, raised.value.reason) == (before.value.field, before.value.reason)
    assert "did you mean 'revenue'" in raised.value.reason
    assert parquet_reads == []
    assert csv_reads == ([0] if suffix == ".csv" else [])  # the header line only


def _unconvertible_table(frame: pd.DataFrame) -> Any:
    """``frame`` as a pyarrow Table with the CRM date column of :func:`_unconvertible`: a
    whole conversion to pandas fails."""
    table = pa.Table.from_pandas(frame, preserve_index=False)
    table = table.append_column("crm_born", pa.array([2**31 - 1] * len(frame), pa.date32()))
    with pytest.raises(ValueError, match="out of range"):
        table.to_pandas()
    return table


def test_wide_arrow_table_converts_only_the_inputs() -> None:
    """4.3.5: a pyarrow Table in memory is converted to pandas for the inputs and the
    index= column only, with the outcomes of the whole frame; a column it cannot convert
    is never touched, and a whole read of it is refused as unreadable, not with
    pyarrow's error."""
    frame = _wide()
    expected = evaluate(frame, on=ON, extra="ignore", index="id").frame(margins=True)
    table = _unconvertible_table(frame)
    got = evaluate(table, on=ON, extra="ignore", index="id").frame(margins=True)
    pd.testing.assert_frame_equal(got, expected)
    inputs = [c for c in frame.columns if c not in ("id", "crm_born")][:3]
    pd.testing.assert_frame_equal(read_portfolio(table, columns=inputs), frame[inputs])
    with pytest.raises(ValidationError) as raised:
        read_portfolio(table)
    assert raised.value.value == "Table" and "out of range" in raised.value.reason


def test_wide_arrow_table_refuses_other_columns_from_its_schema() -> None:
    """4.3.5(c): with extra="error" a Table's column that is not an input is refused with
    the in-memory frame's very error, from the schema alone (the unconvertible column
    would fail any conversion), and a saved pandas index comes back when some columns
    are chosen."""
    frame = _flat(5).assign(revenu=1.0)
    with pytest.raises(ValidationError) as before:
        evaluate(frame, on=ON)
    with pytest.raises(ValidationError) as raised:
        evaluate(_unconvertible_table(frame), on=ON)
    assert (raised.value.field, raised.value.reason) == (before.value.field, before.value.reason)
    indexed = pa.Table.from_pandas(frame.set_index(pd.Index([f"u{i}" for i in range(5)])))
    narrowed = read_portfolio(indexed, columns=["revenue"])
    pd.testing.assert_frame_equal(narrowed, indexed.to_pandas()[["revenue"]])


def test_parquet_index_is_restored_when_columns_are_chosen(tmp_path: Path) -> None:
    """A saved named index, a saved unnamed one and a RangeIndex that does not start at 0
    come back from a Parquet file read for some columns as from a whole read, and label
    the results (4.3.5)."""
    frame = _wide(8)
    saved = {
        "named": frame.set_index("id"),
        "unnamed": frame.set_index(pd.Index([f"u{i}" for i in range(8)])),
        "range": frame.set_index(pd.RangeIndex(5, 13)),
    }
    inputs = [c for c in frame.columns if c != "id" and not c.startswith("crm_")]
    for name, kept in saved.items():
        path = tmp_path / f"{name}.parquet"
        kept.to_parquet(path)
        narrowed = read_portfolio(path, columns=inputs)
        pd.testing.assert_frame_equal(narrowed, pd.read_parquet(path)[inputs])
        got = evaluate(path, on=ON, extra="ignore").frame()
        pd.testing.assert_index_equal(got.index, kept.index)
    assert isinstance(read_portfolio(tmp_path / "range.parquet", columns=[]).index, pd.RangeIndex)


def test_two_level_parquet_columns_are_chosen_by_their_tuples(tmp_path: Path) -> None:
    """4.3.5(c): a sub-frame saved to Parquet (two-level columns) is read for the inputs
    only, other two-level columns left unread, deciding as the frame itself does."""
    cols = synthetic_graduation_columns(40, seed=7)
    series = cols.pop("operating_cash_flow")
    data = {(k, ""): v for k, v in cols.items()}
    for j, period in enumerate(series.periods):
        data[("operating_cash_flow", period)] = series.values[:, j]
    data[("crm_owner", "")] = ["x"] * 40
    frame = pd.DataFrame(data)
    frame.columns = pd.MultiIndex.from_tuples(frame.columns)
    path = tmp_path / "two.parquet"
    frame.to_parquet(path)
    expected = evaluate(frame, on=ON, extra="ignore").frame()
    pd.testing.assert_frame_equal(evaluate(path, on=ON, extra="ignore").frame(), expected)
    narrowed = read_portfolio(path, columns=[("revenue", "")])
    assert list(narrowed.columns) == [("revenue", "")]
    with pytest.raises(ValidationError) as raised:
        evaluate(path, on=ON)
    assert raised.value.field == "crm_owner"


def test_read_portfolio_columns_refuses_what_the_source_lacks(tmp_path: Path) -> None:
    """read_portfolio(columns=...) narrows every kind of source, in the source's order,
    and refuses a label it does not have naming ``columns``, not with pyarrow's error; a
    CSV read for no column keeps its rows."""
    frame = pd.DataFrame({"revenue": [1.0, 2.0], "crm": ["a", "b"], "profit": [3.0, 4.0]})
    path = tmp_path / "p.csv"
    frame.to_csv(path, index=False)
    frame.to_parquet(tmp_path / "p.parquet")
    frame.to_json(tmp_path / "p.json", orient="records")
    files = (tmp_path / "p.parquet", path, tmp_path / "p.json")
    for source in (frame, *files, {k: list(v) for k, v in frame.items()}):
        assert read_portfolio(source, columns=["profit", "revenue"]).columns.tolist() == [
            "revenue",
            "profit",
        ]
        with pytest.raises(ValidationError) as raised:
            read_portfolio(source, columns=["revenue", "sales"])
        assert (raised.value.field, raised.value.value) == ("columns", "sales")
    assert read_portfolio(path, columns=[]).shape == (2, 0)
    assert evaluate(path, on=ON, extra="ignore").codes().tolist() == [-1, -1]


def test_unreadable_file_header_is_a_validation_error(tmp_path: Path) -> None:
    """A file whose Parquet schema cannot be read (not Parquet at all), or that is not
    there, is refused with a ValidationError naming the file, not pyarrow's error."""
    bad = tmp_path / "bad.parquet"
    bad.write_text("not parquet", encoding="utf-8")
    for call in (
        lambda: evaluate(bad, on=ON, extra="ignore"),
        lambda: read_portfolio(bad, columns=["revenue"]),
        lambda: evaluate(tmp_path / "none.parquet", on=ON),
    ):
        with pytest.raises(ValidationError, match="cannot be read") as raised:
            call()
        assert raised.value.value.endswith(".parquet")
    with pytest.raises(ValidationError, match="cannot be read"):
        evaluate(tmp_path / "none.csv", on=ON)


def test_index_column_of_a_file_must_be_there(tmp_path: Path) -> None:
    """index= naming no column of a Parquet file is refused as for a frame, before any
    column's data is read (4.3.5)."""
    path = tmp_path / "p.parquet"
    _wide(3).to_parquet(path)
    with pytest.raises(ValidationError) as raised:
        evaluate(path, on=ON, extra="ignore", index="key")
    assert (raised.value.field, raised.value.value) == ("index", "key")


def test_series_given_twice_is_refused() -> None:
    """One series as a column and as period columns at once is ambiguous (4.3.5(c))."""
    frame = pd.DataFrame({"operating_cash_flow": [None], "operating_cash_flow[2025Q1]": [1.0]})
    with pytest.raises(ValidationError, match="both"):
        to_columns(frame)


def test_series_column_iterates_as_mappings() -> None:
    """SeriesColumn iterates as per-row mappings, missing periods left out."""
    s = SeriesColumn(np.array([[1.0, np.nan], [np.nan, np.nan]]), QUARTERS[:2])
    assert list(s) == [{"2025Q1": 1.0}, None]


@pytest.mark.parametrize("labels", [1, 12, 16, 17, 40, 62])
def test_missing_combinations_are_those_of_a_sort(labels: int) -> None:
    """The combinations of missing inputs (counted, or sorted when many) name the rows as
    np.unique of their bit sets does: same categories, same order, same rows."""
    from sep.portfolio._frame import _combinations

    rng = np.random.default_rng(labels)
    stacked = rng.random((labels, 2_000)) < rng.random((labels, 1))
    weights = np.left_shift(np.int64(1), np.arange(labels, dtype=np.int64))
    keys, inverse = np.unique(weights @ stacked.astype(np.int64), return_inverse=True)
    got_keys, got_inverse = _combinations(stacked)
    assert got_keys.tolist() == keys.tolist()
    assert got_inverse.tolist() == np.asarray(inverse).ravel().tolist()


def test_a_parquet_dataset_directory_is_read_for_the_inputs(tmp_path: Path) -> None:
    """4.3.5: a Parquet dataset written as a directory of files (hive partitions too, as
    Spark and pyarrow write them) reads as pandas reads it, narrowed to the inputs, and
    its partition column is a column like any other."""
    frame = _wide(12)
    root = tmp_path / "portfolio.parquet"
    for region, part in (("north", frame.iloc[:5]), ("south", frame.iloc[5:])):
        (root / f"region={region}").mkdir(parents=True)
        part.to_parquet(root / f"region={region}" / "part-0.parquet", index=False)
    whole = pd.read_parquet(root)
    expected = evaluate(whole, on=ON, extra="ignore", index="id").frame()
    got = evaluate(root, on=ON, extra="ignore", index="id").frame()
    pd.testing.assert_frame_equal(got, expected)
    assert read_portfolio(root, columns=["revenue", "region"]).columns.tolist() == [
        "revenue",
        "region",
    ]
    with pytest.raises(ValidationError) as caught:
        evaluate(root, on=ON, index="id")
    assert caught.value.field == "crm_0"
