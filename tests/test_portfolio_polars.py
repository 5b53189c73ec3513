"""sep.portfolio with Polars input: the same outcomes as the pandas path (4.3.5)."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

pd = pytest.importorskip("pandas")
pl = pytest.importorskip("polars")
pytest.importorskip("pyarrow")

from sep.errors import ValidationError  # noqa: E402
from sep.evaluation import synthetic_graduation_columns  # noqa: E402
from sep.portfolio import evaluate, read_portfolio  # noqa: E402

pytestmark = pytest.mark.clause("4.3.5")

ON = dt.date(2025, 6, 30)


def _flat(n: int) -> pd.DataFrame:
    cols = synthetic_graduation_columns(n, seed=4, missing_rate=0.2)
    series = cols.pop("operating_cash_flow")
    frame = pd.DataFrame(cols)
    for j, period in enumerate(series.periods):
        frame[f"operating_cash_flow[{period}]"] = series.values[:, j]
    return frame


def test_polars_frame_and_lazy_frame_equal_the_pandas_path() -> None:
    """A Polars DataFrame (NaN as nulls) and a LazyFrame of the same portfolio give the
    pandas frame's outcomes for every criterion, flat period columns included (4.3.5)."""
    frame = _flat(200)
    expected = evaluate(frame, on=ON).frame()
    polars = pl.from_pandas(frame, nan_to_null=True)
    assert polars.null_count().sum_horizontal().item() > 0
    for source in (polars, polars.lazy()):
        pd.testing.assert_frame_equal(evaluate(source, on=ON).frame(), expected)


def test_polars_nulls_are_missing_not_false() -> None:
    """A null flag in a Polars boolean column is unknown, never false (4.3.5(a))."""
    source = pl.DataFrame({"acquired_by_founder": [True, None, False]})
    assert read_portfolio(source)["acquired_by_founder"].tolist() == [True, None, False]
    codes = evaluate(source, on=ON).codes("4.3.5(a)")
    assert np.array_equal(codes, [1, -1, 0])


def test_bad_polars_value_names_the_column() -> None:
    """A negative revenue in a Polars frame is refused naming the column and its clause,
    as for pandas (4.3.5(c))."""
    with pytest.raises(ValidationError) as info:
        evaluate(pl.DataFrame({"revenue": [1.0, -5.0]}), on=ON)
    assert (info.value.field, info.value.clause) == ("revenue", "4.3.5(c)")


def test_polars_frames_are_converted_for_the_inputs_only(monkeypatch: pytest.MonkeyPatch) -> None:
    """4.3.5: of a wide Polars DataFrame only the inputs and the index= column are
    converted to pandas, and a LazyFrame selects them before it is collected (a CRM
    column whose expression fails is never computed); the outcomes are the pandas
    frame's, and read_portfolio(columns=...) keeps the rows when no column is chosen."""
    frame = _flat(50)
    frame.insert(0, "id", [f"inc-{i}" for i in range(50)])
    expected = evaluate(frame, on=ON, extra="ignore", index="id").frame()
    polars = pl.from_pandas(frame, nan_to_null=True).with_columns(crm_note=pl.lit("note"))
    lazy = polars.lazy().with_columns(crm_code=pl.col("crm_note").str.to_integer())
    with pytest.raises(ValidationError) as raised:
        read_portfolio(lazy)  # collecting every column fails: refused as unreadable
    assert raised.value.value == "LazyFrame"
    converted: list[list[str]] = []
    real = pl.DataFrame.to_pandas

    def spy(self: pl.DataFrame, *args: object, **kwargs: object) -> pd.DataFrame:
        converted.append(list(self.columns))
        return real(self, *args, **kwargs)

    monkeypatch.setattr(pl.DataFrame, "to_pandas", spy)
    for source in (polars, lazy):
        got = evaluate(source, on=ON, extra="ignore", index="id").frame()
        pd.testing.assert_frame_equal(got, expected, check_dtype=False)
        assert not any(c.startswith("crm_") for c in converted[-1]) and "id" in converted[-1]
        assert read_portfolio(source, columns=["revenue", "profit"]).columns.tolist() == [
            "revenue",
            "profit",
        ]
        assert read_portfolio(source, columns=[]).shape == (50, 0)
        with pytest.raises(ValidationError) as missing:
            read_portfolio(source, columns=["sales"])
        assert (missing.value.field, missing.value.value) == ("columns", "sales")
