"""A progress bar on domain conversion (4.3.5): columns_from over many objects shows one
when asked or interactive, and is silent otherwise."""

from __future__ import annotations

import datetime as dt
from typing import Any, ClassVar

import numpy as np
import pytest

from sep.evaluation import GRADUATION, check_batch, columns_from
from sep.examples import synthetic_incubatees

pytestmark = pytest.mark.clause("4.3.5")

tqdm_auto = pytest.importorskip("tqdm.auto")
ON = dt.date(2026, 6, 30)


class _Bar:
    """Records what columns_from reports to its tqdm bar."""

    made: ClassVar[list[_Bar]] = []

    def __init__(self, total: int, unit: str, **kwargs: Any) -> None:
        self.total, self.unit, self.n = total, unit, 0
        self.steps: list[int] = []
        _Bar.made.append(self)

    def __enter__(self) -> _Bar:
        return self

    def __exit__(self, *exc: object) -> None:
        pass

    def update(self, n: int) -> None:
        self.n += n
        self.steps.append(n)


@pytest.fixture
def bars(monkeypatch: pytest.MonkeyPatch) -> list[_Bar]:
    """The bars drawn; a step of 100 objects instead of 10,000 keeps the portfolios small."""
    from sep.evaluation import _batch, _batch_objects

    _Bar.made = []
    monkeypatch.setattr(tqdm_auto, "tqdm", _Bar)
    monkeypatch.setattr(_batch, "STEP", 100)
    monkeypatch.setattr(_batch_objects, "STEP", 100)
    return _Bar.made


def test_columns_from_progress_counts_every_object(bars: list[_Bar]) -> None:
    """progress=True counts every object once, for the fast reader and for objects read
    through facts() alike; the columns are the same as without a bar (4.3.5)."""
    objects = list(synthetic_incubatees(300, seed=3))
    quiet = columns_from(objects, progress=False)
    assert bars == []
    shown = columns_from(objects, progress=True)
    assert [(b.total, b.unit, b.steps) for b in bars] == [(300, "incubatees", [100] * 3)]
    np.testing.assert_array_equal(shown["revenue"], quiet["revenue"])
    columns_from([o.facts() for o in objects], progress=True)
    assert (bars[1].total, bars[1].n) == (300, 300)


def test_columns_from_is_silent_when_not_interactive(
    bars: list[_Bar], capsys: pytest.CaptureFixture[str]
) -> None:
    """By default no bar is drawn when stderr is not a terminal (as under pytest), even for
    more than one step of objects (4.3.5)."""
    columns_from(list(synthetic_incubatees(101, seed=3)))
    assert bars == []
    assert capsys.readouterr().err == ""


def test_a_fast_reader_that_gives_up_is_not_counted_twice(bars: list[_Bar]) -> None:
    """A sub-fen amount makes the fast reader give up after counting; the exact reader's
    count replaces its count, so the bar ends at the number of objects (4.3.5(c))."""
    from decimal import Decimal

    import attrs

    from sep.domain import Money

    objects = list(synthetic_incubatees(120, seed=3))
    odd = next(i for i, o in enumerate(objects) if o.financials)
    record = objects[odd].financials[0]
    objects[-1] = attrs.evolve(
        objects[-1], financials=(attrs.evolve(record, operating_cash_flow=Money(Decimal("1.001"))),)
    )
    columns_from(objects, progress=True)
    assert bars[0].steps == [100, -100, 100, 20]


def _same_result(a: Any, b: Any) -> None:
    np.testing.assert_array_equal(a.outcome, b.outcome)
    assert list(a.criteria) == list(b.criteria)
    for key in a.criteria:
        np.testing.assert_array_equal(a.criteria[key], b.criteria[key], err_msg=key)


def test_check_batch_in_chunks_counts_every_row(
    bars: list[_Bar], monkeypatch: pytest.MonkeyPatch
) -> None:
    """check_batch over more rows than one chunk decides them a chunk at a time: progress=True
    counts every row once per chunk, and every criterion's outcomes equal one pass over all
    rows, for rows whose newest cash-flow period is missing too (4.3.5(a)–(d))."""
    from sep.evaluation import _batch, check_graduation_batch, synthetic_graduation_columns

    columns = synthetic_graduation_columns(350, seed=5, missing_rate=0.3)
    whole = check_graduation_batch(columns, on=ON)
    assert bars == []
    monkeypatch.setattr(_batch, "CHUNK_ROWS", 100)
    chunked = check_batch(GRADUATION, columns, on=ON, progress=True)
    assert [(b.total, b.unit, b.steps) for b in bars] == [(350, "rows", [100, 100, 100, 50])]
    _same_result(chunked, whole)
    assert chunked.decision(349).outcome == whole.decision(349).outcome
    quiet = check_batch(GRADUATION, columns, on=ON, progress=False)
    assert len(bars) == 1
    _same_result(quiet, whole)


def test_check_batch_is_silent_when_not_interactive(
    bars: list[_Bar], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """By default no bar is drawn for check_batch when stderr is not a terminal, even over
    many chunks; one chunk never draws one unless asked (4.3.5)."""
    from sep.evaluation import _batch, synthetic_graduation_columns

    monkeypatch.setattr(_batch, "CHUNK_ROWS", 100)
    check_batch(GRADUATION, synthetic_graduation_columns(250, seed=5), on=ON)
    assert bars == []
    assert capsys.readouterr().err == ""
