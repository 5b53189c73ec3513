"""Hostile ``params=`` and ``on=`` (4.3.5, 4.3.7-b, 4.2.1(4)): refused, never a hang.

Parameter overrides arrive from a platform's configuration: not a mapping, a misspelled
name, a threshold such as ``"1,5"`` or ``"1e400"``, a period count of a billion
(``cash_flow_periods``), a pass mark off its scale (``total_min = 240``), a dated value
whose ``since`` is no date. Each must be refused with a :class:`~sep.errors.SepError`
naming the parameter, quickly and without unbounded memory; a date ``on=`` that is not
a date must be refused or give the same (unknown) decision as its date.
"""

from __future__ import annotations

import datetime as dt
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sep.domain import Money
from sep.evaluation import (
    ELIGIBILITY,
    EVALUATION,
    GRADUATION,
    TORCH_2018_GRADUATION,
    builtin_pack,
    check,
)
from tests._fuzz import run_case, run_isolated
from tests.strategies import (
    JUNK_AMOUNT_TEXTS,
    Hostile,
    JunkMapping,
    junk_date_s,
    junk_object_s,
    misspell,
    pick,
)

pytestmark = pytest.mark.clause("4.2.1(4)", "4.3.5", "4.3.7-b")

ON = dt.date(2026, 1, 1)
BOUNDARY = "params/on"
PACKS = (GRADUATION, ELIGIBILITY, EVALUATION, TORCH_2018_GRADUATION)

#: Facts with a short series, so that a period count is used, not only read.
SERIES: dict[str, dict[str, Any]] = {
    GRADUATION: {"operating_cash_flow": {"2025Q3": "1", "2025Q4": "1"}},
    TORCH_2018_GRADUATION: {"annual_revenue": {"2024": "1", "2025": "1"}},
}

NOT_PARAMS = [
    5,
    "revenue_min",
    ["revenue_min"],
    [("revenue_min", "1")],
    b"x",
    1.5,
    True,
    Hostile(),
    JunkMapping({"revenue_min": "1"}, raise_on="iter"),
    JunkMapping({"revenue_min": "1"}, raise_on="getitem"),
    object(),
]

#: Values no parameter of the type takes: past the bounds, off the scale, ambiguous.
BAD_VALUE = {
    "money": [
        *JUNK_AMOUNT_TEXTS,
        1.5,
        True,
        None,
        [],
        {},
        Money(Decimal(5), "USD"),
        Decimal("sNaN"),
        Decimal("1e16"),
        10**5000,
        -(10**16),
    ],
    "number": [t for t in JUNK_AMOUNT_TEXTS if t != "1e3"]
    + [True, None, [], {}, Decimal("sNaN"), float("nan"), float("inf"), 10**5000],
    "integer": [
        10**9,
        "1e7",
        0,
        -1,
        1.5,
        "4.5",
        True,
        None,
        401,
        10**5000,
        "9" * 5000,
        Decimal("4.0000001"),
        Decimal("sNaN"),
        float("nan"),
        "NaN",
        "1,5",
        "４",
    ],
}
#: Pass marks that are off the 0-100 scale of the module scores and of the total (4.3.7-b).
OFF_SCALE = [240, 101, -1, "100.01", "-0.5", Decimal("1e3")]

BAD_DATED = [
    [],
    [{}],
    [5],
    ["2020-01-01"],
    [{"since": "2026-13-01", "value": "1", "source": "x"}],
    [{"since": "2020-02-30", "value": "1", "source": "x"}],
    [{"since": 20200101, "value": "1", "source": "x"}],
    [{"since": None, "value": "1", "source": "x"}],
    [{"since": "", "value": "1", "source": "x"}],
    [{"since": dt.datetime(2020, 1, 1), "value": "1", "source": "x"}],
    [{"since": "2020-01-01", "source": "x"}],
    [{"since": "2030-01-01", "value": "1", "source": "x"}],
    [{"since": "2020-01-01", "value": "1", "source": Hostile()}],
    [{"since": Hostile(), "value": "1", "source": "x"}],
    [{"since": "2020-01-01", "value": "1", "source": "x", "extra": 1}],
    [{"since": "2020-01-01", "value": "1", "source": "x"}] * 19_999
    + [{"since": "2026-13-01", "value": "1", "source": "x"}],
]


@given(st.sampled_from(PACKS), pick(NOT_PARAMS))
def test_params_that_are_not_a_mapping_are_refused(pack: str, params: Any) -> None:
    """``params=`` that is not a mapping of parameter names (a number, a string, a list,
    a mapping that raises when read) is refused with a SepError."""
    run_case(BOUNDARY, lambda: check(pack, {}, params=params, on=ON), params, accept=None)


@st.composite
def misspelled_params(draw: st.DrawFn) -> tuple[str, dict[Any, Any]]:
    pack = draw(st.sampled_from(PACKS))
    real = draw(st.sampled_from(sorted(builtin_pack(pack).parameters)))
    wrong = draw(misspell(real) | pick([1, None, ("revenue_min",), b"revenue_min"]))
    return pack, {wrong: "1"}


@given(misspelled_params())
def test_unknown_parameter_names_are_refused(case: tuple[str, dict[Any, Any]]) -> None:
    """A parameter name the pack does not have (``Revenue_min``, ``revenue-min``, ``1``)
    is refused with a SepError naming it."""
    pack, params = case
    run_case(BOUNDARY, lambda: check(pack, {}, params=params, on=ON), params, accept=None)


@st.composite
def bad_params(draw: st.DrawFn) -> tuple[str, dict[str, Any]]:
    """A pack and one of its parameters given a value no parameter of its type takes."""
    pack = draw(st.sampled_from(PACKS))
    specs = builtin_pack(pack).parameters
    name = draw(st.sampled_from(sorted(specs)))
    values = list(BAD_VALUE[specs[name].type])
    if pack == EVALUATION:
        values += OFF_SCALE
    value = draw(pick(values) | pick(BAD_DATED) | junk_object_s)
    if value is None:
        value = [{"since": "2020-01-01", "value": None, "source": "x"}]
    return pack, {name: value}


#: Values that reach C code that no signal interrupts: run in a subprocess instead.
_UNBOUNDED = ("1e999999999", "-1e999999999", "1E+999999999", "1e400")


@given(bad_params())
def test_bad_parameter_values_are_refused(case: tuple[str, dict[str, Any]]) -> None:
    """A parameter value off its type, its bound or its scale (``cash_flow_periods`` of
    10^9 or ``"1e7"``, ``total_min`` of 240, ``"1,5"``, a 5,000-digit number, a dated
    value with no date) is refused with a SepError, without hanging."""
    pack, params = case
    (value,) = params.values()
    if isinstance(value, str) and value in _UNBOUNDED:
        return  # see test_unbounded_parameter_values_are_refused_in_bounded_time
    facts = SERIES.get(pack, {})
    run_case(
        BOUNDARY,
        lambda: check(pack, facts, params=params, on=ON),
        (pack, params),
        accept=None,
    )


UNBOUNDED_CASES = [
    (GRADUATION, "cash_flow_periods", "1e999999999"),
    (TORCH_2018_GRADUATION, "revenue_years", "1E+999999999"),
    (GRADUATION, "revenue_min", "-1e999999999"),
    (EVALUATION, "total_min", "1e999999999"),
]


def test_unbounded_parameter_values_are_refused_in_bounded_time() -> None:
    """``"1e999999999"`` as an integer period count (4.3.5(c), 第九条(十)3), a money
    threshold or a pass mark is refused within the time limit and 2 GiB of address
    space: nothing expands it to its billion digits (run in subprocesses, since such an
    expansion happens inside one C call that no signal interrupts)."""
    with ThreadPoolExecutor(len(UNBOUNDED_CASES)) as pool:
        list(pool.map(lambda case: _isolated(*case), UNBOUNDED_CASES))


def _isolated(pack: str, name: str, value: str) -> None:
    code = f"""
import datetime as dt
from sep.evaluation import check
return check({pack!r}, {SERIES.get(pack, {})!r}, params={{{name!r}: {value!r}}},
             on=dt.date(2026, 1, 1))
"""
    run_isolated(BOUNDARY + " (isolated)", code, (pack, name, value), refuse=True)


@given(st.sampled_from(PACKS), junk_date_s)
def test_dates_that_are_not_dates(pack: str, on: Any) -> None:
    """``on=`` that is not a date (a string, a number, a naive or odd datetime) is refused
    with a SepError, or, for a datetime, read as its date: the answer stays unknown for
    unknown facts."""
    run_case(BOUNDARY, lambda: check(pack, {}, on=on), on)
