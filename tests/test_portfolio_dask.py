"""Dask: the batch partition by partition on a local cluster of two worker processes
equals the pandas path row for row (4.3.5)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

pytestmark = pytest.mark.clause("4.3.5")

pd = pytest.importorskip("pandas")
dd = pytest.importorskip("dask.dataframe")
distributed = pytest.importorskip("distributed")

from collections.abc import Iterator  # noqa: E402
from typing import Any  # noqa: E402

from sep.errors import ValidationError  # noqa: E402
from sep.evaluation import synthetic_graduation_columns  # noqa: E402
from sep.portfolio import counts_dask, evaluate, evaluate_dask  # noqa: E402

ON = dt.date(2025, 6, 30)


@pytest.fixture(scope="module")
def client() -> Iterator[Any]:
    """One local cluster of two worker processes for the whole module: starting one takes
    seconds, and CI runs this module once per Python version."""
    with (
        distributed.LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0"
        ) as cluster,
        distributed.Client(cluster) as connected,
    ):
        yield connected


def _parts(tmp_path: Path) -> Any:
    """4,000 synthetic incubatees (about 10% of each input missing) in four Parquet files."""
    cols = synthetic_graduation_columns(4000, seed=12)
    series = cols.pop("operating_cash_flow")
    frame = pd.DataFrame(cols)
    for j, period in enumerate(series.periods):
        frame[f"operating_cash_flow[{period}]"] = series.values[:, j]
    for k in range(4):
        frame.iloc[k * 1000 : (k + 1) * 1000].to_parquet(tmp_path / f"part{k}.parquet")
    return frame


def test_two_worker_processes_equal_pandas(tmp_path: Path, client: Any) -> None:
    """4.3.5: four Parquet partitions decided on two worker processes give the pandas
    path's outcomes, criteria, missing inputs and margins, row for row."""
    frame = _parts(tmp_path)
    expected = evaluate(frame, on=ON).frame(margins=True)
    expected["missing"] = expected["missing"].astype(object)
    lazy = evaluate_dask(str(tmp_path / "*.parquet"), on=ON, margins=True)
    assert lazy.npartitions == 4
    got = lazy.compute()
    pd.testing.assert_frame_equal(got, expected, check_index_type=False)


def test_bad_input_on_a_worker_names_the_column(tmp_path: Path, client: Any) -> None:
    """4.3.5(c): a negative revenue in one partition, decided on a worker process, comes
    back to the caller as the ValidationError the pandas path raises, naming the column."""
    frame = pd.DataFrame({"revenue": [1.0, 2.0]})
    frame.to_parquet(tmp_path / "good.parquet")
    pd.DataFrame({"revenue": [3.0, -1.0]}).to_parquet(tmp_path / "bad.parquet")
    with pytest.raises(ValidationError) as raised:
        evaluate_dask(str(tmp_path / "*.parquet"), on=ON).compute()
    assert raised.value.field == "revenue"
    assert "negative" in str(raised.value)


def test_without_missing_equals_pandas(tmp_path: Path, client: Any) -> None:
    """4.3.5: ``missing=False`` leaves the missing column out and nothing else: the
    outcomes and criteria equal the pandas path's row for row."""
    frame = _parts(tmp_path)
    expected = evaluate(frame, on=ON).frame(missing=False)
    got = evaluate_dask(str(tmp_path / "*.parquet"), on=ON, missing=False).compute()
    assert "missing" not in got.columns
    pd.testing.assert_frame_equal(got, expected, check_index_type=False)


def test_counts_on_two_workers_equal_pandas(tmp_path: Path, client: Any) -> None:
    """4.3.5: counts summed over four partitions decided on two worker processes equal
    the pandas path's counts of the whole portfolio, for the outcome and every criterion."""
    frame = _parts(tmp_path)
    expected = evaluate(frame, on=ON).counts()
    got = counts_dask(str(tmp_path / "*.parquet"), on=ON)
    assert got == expected
    assert sum(got["outcome"].values()) == 4000


def test_counts_on_a_worker_refuse_bad_input(tmp_path: Path, client: Any) -> None:
    """4.3.5(c): a negative revenue in one partition makes the counts refuse with the
    ValidationError of the pandas path, naming the column (no partial counts)."""
    pd.DataFrame({"revenue": [1.0, 2.0]}).to_parquet(tmp_path / "good.parquet")
    pd.DataFrame({"revenue": [3.0, -1.0]}).to_parquet(tmp_path / "bad.parquet")
    with pytest.raises(ValidationError) as raised:
        counts_dask(str(tmp_path / "*.parquet"), on=ON)
    assert raised.value.field == "revenue"


def test_counts_refuse_what_is_not_a_dask_frame() -> None:
    """A pandas frame given where a Dask one (or a path) is expected is refused naming
    ``data``, before anything is computed."""
    with pytest.raises(ValidationError) as raised:
        counts_dask(pd.DataFrame({"revenue": [1.0]}), on=ON)
    assert raised.value.field == "data"


def test_a_pack_loaded_from_a_file_equals_pandas(tmp_path: Path, client: Any) -> None:
    """4.3.5: a pack that is not a shipped one (read from a file, so it travels to the
    workers as a pack, not as an id) gives the pandas path's outcomes on the workers."""
    from importlib.resources import files

    from sep.evaluation import load_pack

    source = files("sep.evaluation") / "packs" / "graduation.toml"
    copied = tmp_path / "graduation-copy.toml"
    copied.write_text(source.read_text(encoding="utf-8"), encoding="utf-8")
    pack = load_pack(str(copied))
    frame = _parts(tmp_path)
    expected = evaluate(frame, pack, on=ON).counts()
    assert counts_dask(str(tmp_path / "*.parquet"), pack, on=ON) == expected
    got = evaluate_dask(str(tmp_path / "*.parquet"), pack, on=ON, missing=False).compute()
    want = evaluate(frame, pack, on=ON).frame(missing=False)
    pd.testing.assert_frame_equal(got, want, check_index_type=False)


def test_counts_of_a_path_matching_no_file_are_refused(tmp_path: Path) -> None:
    """A local glob that matches no Parquet file is refused naming ``data``, not left to
    fail inside Dask."""
    with pytest.raises(ValidationError) as raised:
        counts_dask(str(tmp_path / "none-*.parquet"), on=ON)
    assert raised.value.field == "data"


def test_a_parquet_path_with_other_columns_reads_only_the_inputs(
    tmp_path: Path, client: Any
) -> None:
    """4.3.5: with extra="ignore", a Parquet path's CRM columns are left out of the Dask
    frame (dask.dataframe.read_parquet's columns=), its results equal the pandas path's;
    with extra="error" they are refused, naming the column, when evaluate_dask is called
    (from the columns Dask knows before computing), for a path as for a Dask frame."""
    from sep.evaluation import GRADUATION, builtin_pack
    from sep.portfolio._dask import _dask_frame

    frame = _parts(tmp_path)
    for k, name in enumerate(sorted(tmp_path.glob("*.parquet"))):
        pd.read_parquet(name).assign(crm_owner=f"owner {k}").to_parquet(name)
    pattern = str(tmp_path / "*.parquet")
    lazy = _dask_frame(pattern, builtin_pack(GRADUATION), "ignore")
    assert "crm_owner" not in lazy.columns
    assert list(lazy.columns) == list(frame.columns)
    expected = evaluate(frame, on=ON).frame(missing=False)
    got = evaluate_dask(pattern, on=ON, extra="ignore", missing=False).compute()
    pd.testing.assert_frame_equal(got, expected, check_index_type=False)
    with pytest.raises(ValidationError) as raised:
        evaluate_dask(pattern, on=ON, missing=False)  # at once, from the files' schema
    assert raised.value.field == "crm_owner"
    lazy_frame = dd.read_parquet(pattern)
    with pytest.raises(ValidationError) as raised:
        evaluate_dask(lazy_frame, on=ON)  # a Dask frame's columns are known too
    assert raised.value.field == "crm_owner"
