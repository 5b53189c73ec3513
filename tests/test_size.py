"""Enterprise size by the NBS 2017 table (国统字〔2017〕213号), the yardstick of clause 3.1.

The explicit case table below is written out by hand from the published table so that a
policy reader can check each line: for every row, each tier's lower bounds exactly, just above
(+1 person, +0.01万元) and each indicator just below (-1 person, -0.01万元). Y and Z are in 万元.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from typing import Any, NamedTuple

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sep.domain._money import Money
from sep.domain._size import (
    NBS_2017,
    Indicator,
    NotCovered,
    SizeBounds,
    SizeClass,
    SizeClassification,
    SizeRow,
    SizeTable,
    classify_size,
)
from sep.errors import RuleDefinitionError, ValidationError
from sep.evaluation._outcome import Outcome
from tests.test_i18n import ALLOWED, _english_left

pytestmark = pytest.mark.clause("3.1")

LARGE, MEDIUM, SMALL, MICRO, UNKNOWN = (
    SizeClass.LARGE,
    SizeClass.MEDIUM,
    SizeClass.SMALL,
    SizeClass.MICRO,
    SizeClass.UNKNOWN,
)


class Case(NamedTuple):
    code: str
    x: int | None  # 从业人员, persons
    y: str | None  # 营业收入, 万元
    z: str | None  # 资产总额, 万元
    expected: SizeClass
    note: str


def case(
    code: str, x: int | None, y: str | None, z: str | None, expected: SizeClass, note: str
) -> Any:
    return pytest.param(Case(code, x, y, z, expected, note), id=f"{code}-{x}-{y}-{z}-{note}")


def run(c: Case) -> SizeClassification:
    return classify_size(
        c.code,
        employees=c.x,
        revenue=None if c.y is None else Money.wan(c.y),
        assets=None if c.z is None else Money.wan(c.z),
    )


BOUNDARY_CASES = [
    # 农林牧渔业: Y ≥ 20000/500/50
    case("0111", None, "20000", None, LARGE, "all at the large bound"),
    case("0111", None, "20000.01", None, LARGE, "just above"),
    case("0111", None, "19999.99", None, MEDIUM, "Y just below large"),
    case("0111", None, "500", None, MEDIUM, "all at the medium bound"),
    case("0111", None, "500.01", None, MEDIUM, "just above"),
    case("0111", None, "499.99", None, SMALL, "Y just below medium"),
    case("0111", None, "50", None, SMALL, "all at the small bound"),
    case("0111", None, "50.01", None, SMALL, "just above"),
    case("0111", None, "49.99", None, MICRO, "Y just below small"),
    # 工业: X ≥ 1000/300/20; Y ≥ 40000/2000/300
    case("C3911", 1000, "40000", None, LARGE, "all at the large bound"),
    case("C3911", 1001, "40000.01", None, LARGE, "just above"),
    case("C3911", 999, "40000", None, MEDIUM, "X just below large"),
    case("C3911", 1000, "39999.99", None, MEDIUM, "Y just below large"),
    case("C3911", 300, "2000", None, MEDIUM, "all at the medium bound"),
    case("C3911", 301, "2000.01", None, MEDIUM, "just above"),
    case("C3911", 299, "2000", None, SMALL, "X just below medium"),
    case("C3911", 300, "1999.99", None, SMALL, "Y just below medium"),
    case("C3911", 20, "300", None, SMALL, "all at the small bound"),
    case("C3911", 21, "300.01", None, SMALL, "just above"),
    case("C3911", 19, "300", None, MICRO, "X just below small"),
    case("C3911", 20, "299.99", None, MICRO, "Y just below small"),
    # 建筑业: Y ≥ 80000/6000/300; Z ≥ 80000/5000/300
    case("E47", None, "80000", "80000", LARGE, "all at the large bound"),
    case("E47", None, "80000.01", "80000.01", LARGE, "just above"),
    case("E47", None, "79999.99", "80000", MEDIUM, "Y just below large"),
    case("E47", None, "80000", "79999.99", MEDIUM, "Z just below large"),
    case("E47", None, "6000", "5000", MEDIUM, "all at the medium bound"),
    case("E47", None, "6000.01", "5000.01", MEDIUM, "just above"),
    case("E47", None, "5999.99", "5000", SMALL, "Y just below medium"),
    case("E47", None, "6000", "4999.99", SMALL, "Z just below medium"),
    case("E47", None, "300", "300", SMALL, "all at the small bound"),
    case("E47", None, "300.01", "300.01", SMALL, "just above"),
    case("E47", None, "299.99", "300", MICRO, "Y just below small"),
    case("E47", None, "300", "299.99", MICRO, "Z just below small"),
    # 批发业: X ≥ 200/20/5; Y ≥ 40000/5000/1000
    case("51", 200, "40000", None, LARGE, "all at the large bound"),
    case("51", 201, "40000.01", None, LARGE, "just above"),
    case("51", 199, "40000", None, MEDIUM, "X just below large"),
    case("51", 200, "39999.99", None, MEDIUM, "Y just below large"),
    case("51", 20, "5000", None, MEDIUM, "all at the medium bound"),
    case("51", 21, "5000.01", None, MEDIUM, "just above"),
    case("51", 19, "5000", None, SMALL, "X just below medium"),
    case("51", 20, "4999.99", None, SMALL, "Y just below medium"),
    case("51", 5, "1000", None, SMALL, "all at the small bound"),
    case("51", 6, "1000.01", None, SMALL, "just above"),
    case("51", 4, "1000", None, MICRO, "X just below small"),
    case("51", 5, "999.99", None, MICRO, "Y just below small"),
    # 零售业: X ≥ 300/50/10; Y ≥ 20000/500/100
    case("52", 300, "20000", None, LARGE, "all at the large bound"),
    case("52", 301, "20000.01", None, LARGE, "just above"),
    case("52", 299, "20000", None, MEDIUM, "X just below large"),
    case("52", 300, "19999.99", None, MEDIUM, "Y just below large"),
    case("52", 50, "500", None, MEDIUM, "all at the medium bound"),
    case("52", 51, "500.01", None, MEDIUM, "just above"),
    case("52", 49, "500", None, SMALL, "X just below medium"),
    case("52", 50, "499.99", None, SMALL, "Y just below medium"),
    case("52", 10, "100", None, SMALL, "all at the small bound"),
    case("52", 11, "100.01", None, SMALL, "just above"),
    case("52", 9, "100", None, MICRO, "X just below small"),
    case("52", 10, "99.99", None, MICRO, "Y just below small"),
    # 交通运输业: X ≥ 1000/300/20; Y ≥ 30000/3000/200
    case("54", 1000, "30000", None, LARGE, "all at the large bound"),
    case("54", 1001, "30000.01", None, LARGE, "just above"),
    case("54", 999, "30000", None, MEDIUM, "X just below large"),
    case("54", 1000, "29999.99", None, MEDIUM, "Y just below large"),
    case("54", 300, "3000", None, MEDIUM, "all at the medium bound"),
    case("54", 301, "3000.01", None, MEDIUM, "just above"),
    case("54", 299, "3000", None, SMALL, "X just below medium"),
    case("54", 300, "2999.99", None, SMALL, "Y just below medium"),
    case("54", 20, "200", None, SMALL, "all at the small bound"),
    case("54", 21, "200.01", None, SMALL, "just above"),
    case("54", 19, "200", None, MICRO, "X just below small"),
    case("54", 20, "199.99", None, MICRO, "Y just below small"),
    # 仓储业: X ≥ 200/100/20; Y ≥ 30000/1000/100
    case("5920", 200, "30000", None, LARGE, "all at the large bound"),
    case("5920", 201, "30000.01", None, LARGE, "just above"),
    case("5920", 199, "30000", None, MEDIUM, "X just below large"),
    case("5920", 200, "29999.99", None, MEDIUM, "Y just below large"),
    case("5920", 100, "1000", None, MEDIUM, "all at the medium bound"),
    case("5920", 101, "1000.01", None, MEDIUM, "just above"),
    case("5920", 99, "1000", None, SMALL, "X just below medium"),
    case("5920", 100, "999.99", None, SMALL, "Y just below medium"),
    case("5920", 20, "100", None, SMALL, "all at the small bound"),
    case("5920", 21, "100.01", None, SMALL, "just above"),
    case("5920", 19, "100", None, MICRO, "X just below small"),
    case("5920", 20, "99.99", None, MICRO, "Y just below small"),
    # 邮政业: X ≥ 1000/300/20; Y ≥ 30000/2000/100
    case("60", 1000, "30000", None, LARGE, "all at the large bound"),
    case("60", 1001, "30000.01", None, LARGE, "just above"),
    case("60", 999, "30000", None, MEDIUM, "X just below large"),
    case("60", 1000, "29999.99", None, MEDIUM, "Y just below large"),
    case("60", 300, "2000", None, MEDIUM, "all at the medium bound"),
    case("60", 301, "2000.01", None, MEDIUM, "just above"),
    case("60", 299, "2000", None, SMALL, "X just below medium"),
    case("60", 300, "1999.99", None, SMALL, "Y just below medium"),
    case("60", 20, "100", None, SMALL, "all at the small bound"),
    case("60", 21, "100.01", None, SMALL, "just above"),
    case("60", 19, "100", None, MICRO, "X just below small"),
    case("60", 20, "99.99", None, MICRO, "Y just below small"),
    # 住宿业: X ≥ 300/100/10; Y ≥ 10000/2000/100
    case("61", 300, "10000", None, LARGE, "all at the large bound"),
    case("61", 301, "10000.01", None, LARGE, "just above"),
    case("61", 299, "10000", None, MEDIUM, "X just below large"),
    case("61", 300, "9999.99", None, MEDIUM, "Y just below large"),
    case("61", 100, "2000", None, MEDIUM, "all at the medium bound"),
    case("61", 101, "2000.01", None, MEDIUM, "just above"),
    case("61", 99, "2000", None, SMALL, "X just below medium"),
    case("61", 100, "1999.99", None, SMALL, "Y just below medium"),
    case("61", 10, "100", None, SMALL, "all at the small bound"),
    case("61", 11, "100.01", None, SMALL, "just above"),
    case("61", 9, "100", None, MICRO, "X just below small"),
    case("61", 10, "99.99", None, MICRO, "Y just below small"),
    # 餐饮业: X ≥ 300/100/10; Y ≥ 10000/2000/100
    case("62", 300, "10000", None, LARGE, "all at the large bound"),
    case("62", 301, "10000.01", None, LARGE, "just above"),
    case("62", 299, "10000", None, MEDIUM, "X just below large"),
    case("62", 300, "9999.99", None, MEDIUM, "Y just below large"),
    case("62", 100, "2000", None, MEDIUM, "all at the medium bound"),
    case("62", 101, "2000.01", None, MEDIUM, "just above"),
    case("62", 99, "2000", None, SMALL, "X just below medium"),
    case("62", 100, "1999.99", None, SMALL, "Y just below medium"),
    case("62", 10, "100", None, SMALL, "all at the small bound"),
    case("62", 11, "100.01", None, SMALL, "just above"),
    case("62", 9, "100", None, MICRO, "X just below small"),
    case("62", 10, "99.99", None, MICRO, "Y just below small"),
    # 信息传输业: X ≥ 2000/100/10; Y ≥ 100000/1000/100
    case("63", 2000, "100000", None, LARGE, "all at the large bound"),
    case("63", 2001, "100000.01", None, LARGE, "just above"),
    case("63", 1999, "100000", None, MEDIUM, "X just below large"),
    case("63", 2000, "99999.99", None, MEDIUM, "Y just below large"),
    case("63", 100, "1000", None, MEDIUM, "all at the medium bound"),
    case("63", 101, "1000.01", None, MEDIUM, "just above"),
    case("63", 99, "1000", None, SMALL, "X just below medium"),
    case("63", 100, "999.99", None, SMALL, "Y just below medium"),
    case("63", 10, "100", None, SMALL, "all at the small bound"),
    case("63", 11, "100.01", None, SMALL, "just above"),
    case("63", 9, "100", None, MICRO, "X just below small"),
    case("63", 10, "99.99", None, MICRO, "Y just below small"),
    # 软件和信息技术服务业: X ≥ 300/100/10; Y ≥ 10000/1000/50
    case("65", 300, "10000", None, LARGE, "all at the large bound"),
    case("65", 301, "10000.01", None, LARGE, "just above"),
    case("65", 299, "10000", None, MEDIUM, "X just below large"),
    case("65", 300, "9999.99", None, MEDIUM, "Y just below large"),
    case("65", 100, "1000", None, MEDIUM, "all at the medium bound"),
    case("65", 101, "1000.01", None, MEDIUM, "just above"),
    case("65", 99, "1000", None, SMALL, "X just below medium"),
    case("65", 100, "999.99", None, SMALL, "Y just below medium"),
    case("65", 10, "50", None, SMALL, "all at the small bound"),
    case("65", 11, "50.01", None, SMALL, "just above"),
    case("65", 9, "50", None, MICRO, "X just below small"),
    case("65", 10, "49.99", None, MICRO, "Y just below small"),
    # 房地产开发经营: Y ≥ 200000/1000/100; Z ≥ 10000/5000/2000
    case("7010", None, "200000", "10000", LARGE, "all at the large bound"),
    case("7010", None, "200000.01", "10000.01", LARGE, "just above"),
    case("7010", None, "199999.99", "10000", MEDIUM, "Y just below large"),
    case("7010", None, "200000", "9999.99", MEDIUM, "Z just below large"),
    case("7010", None, "1000", "5000", MEDIUM, "all at the medium bound"),
    case("7010", None, "1000.01", "5000.01", MEDIUM, "just above"),
    case("7010", None, "999.99", "5000", SMALL, "Y just below medium"),
    case("7010", None, "1000", "4999.99", SMALL, "Z just below medium"),
    case("7010", None, "100", "2000", SMALL, "all at the small bound"),
    case("7010", None, "100.01", "2000.01", SMALL, "just above"),
    case("7010", None, "99.99", "2000", MICRO, "Y just below small"),
    case("7010", None, "100", "1999.99", MICRO, "Z just below small"),
    # 物业管理: X ≥ 1000/300/100; Y ≥ 5000/1000/500
    case("702", 1000, "5000", None, LARGE, "all at the large bound"),
    case("702", 1001, "5000.01", None, LARGE, "just above"),
    case("702", 999, "5000", None, MEDIUM, "X just below large"),
    case("702", 1000, "4999.99", None, MEDIUM, "Y just below large"),
    case("702", 300, "1000", None, MEDIUM, "all at the medium bound"),
    case("702", 301, "1000.01", None, MEDIUM, "just above"),
    case("702", 299, "1000", None, SMALL, "X just below medium"),
    case("702", 300, "999.99", None, SMALL, "Y just below medium"),
    case("702", 100, "500", None, SMALL, "all at the small bound"),
    case("702", 101, "500.01", None, SMALL, "just above"),
    case("702", 99, "500", None, MICRO, "X just below small"),
    case("702", 100, "499.99", None, MICRO, "Y just below small"),
    # 租赁和商务服务业: X ≥ 300/100/10; Z ≥ 120000/8000/100
    case("L71", 300, None, "120000", LARGE, "all at the large bound"),
    case("L71", 301, None, "120000.01", LARGE, "just above"),
    case("L71", 299, None, "120000", MEDIUM, "X just below large"),
    case("L71", 300, None, "119999.99", MEDIUM, "Z just below large"),
    case("L71", 100, None, "8000", MEDIUM, "all at the medium bound"),
    case("L71", 101, None, "8000.01", MEDIUM, "just above"),
    case("L71", 99, None, "8000", SMALL, "X just below medium"),
    case("L71", 100, None, "7999.99", SMALL, "Z just below medium"),
    case("L71", 10, None, "100", SMALL, "all at the small bound"),
    case("L71", 11, None, "100.01", SMALL, "just above"),
    case("L71", 9, None, "100", MICRO, "X just below small"),
    case("L71", 10, None, "99.99", MICRO, "Z just below small"),
    # 其他未列明行业: X ≥ 300/100/10
    case("M73", 300, None, None, LARGE, "all at the large bound"),
    case("M73", 301, None, None, LARGE, "just above"),
    case("M73", 299, None, None, MEDIUM, "X just below large"),
    case("M73", 100, None, None, MEDIUM, "all at the medium bound"),
    case("M73", 101, None, None, MEDIUM, "just above"),
    case("M73", 99, None, None, SMALL, "X just below medium"),
    case("M73", 10, None, None, SMALL, "all at the small bound"),
    case("M73", 11, None, None, SMALL, "just above"),
    case("M73", 9, None, None, MICRO, "X just below small"),
]


@pytest.mark.parametrize("c", BOUNDARY_CASES)
def test_every_row_at_and_around_each_bound(c: Case) -> None:
    """Clause 3.1 via NBS 2017: a tier needs all of the row's indicators at or above its
    lower bound; one indicator just below drops the enterprise one tier."""
    result = run(c)
    assert result.size is c.expected, result.reason
    assert result.missing == ()
    assert result.possible == (c.expected,)
    assert result.is_large is Outcome.of(c.expected is LARGE)


MIXED_CASES = [
    # 工业: large headcount, small revenue → the lowest indicator decides
    case("C3911", 5000, "1000", None, SMALL, "large X, small Y"),
    case("C3911", 25, "900000", None, SMALL, "small X, large Y"),
    case("C3911", 0, "900000", None, MICRO, "no staff"),
    case("C3911", 1200, "50000", "1", LARGE, "Z is not a 工业 indicator and is ignored"),
    # 建筑业 uses revenue and assets, not headcount
    case("E47", 1, "80000", "80000", LARGE, "X is not a 建筑业 indicator"),
    case("E47", None, "90000", "4000", SMALL, "assets pull it to small"),
    # 房地产开发经营: large revenue bound is far above the assets bound
    case("7010", None, "200000", "9999.99", MEDIUM, "Z just short of large"),
    case("7010", None, "150000", "500000", MEDIUM, "Y short of large"),
    # 租赁和商务服务业 uses assets, not revenue
    case("L7211", 300, None, "120000", LARGE, "X and Z at large; Y not needed"),
    # 其他未列明行业 uses headcount only
    case("M7310", 300, None, None, LARGE, "X alone decides"),
    case("8510", 99, None, None, SMALL, "社会工作 85"),
    case("R86", 9, None, None, MICRO, "文化 R"),
]


@pytest.mark.parametrize("c", MIXED_CASES)
def test_mixed_indicators(c: Case) -> None:
    """Clause 3.1 via NBS 2017: the tier is the lowest any used indicator allows;
    indicators a row does not use are neither needed nor consulted."""
    assert run(c).size is c.expected


MISSING_CASES = [
    # (code, X, Y, Z, expected size, missing, possible classes largest first)
    ("C3911", 1200, None, None, UNKNOWN, ("revenue",), (LARGE, MEDIUM, SMALL, MICRO)),
    ("C3911", 500, None, None, UNKNOWN, ("revenue",), (MEDIUM, SMALL, MICRO)),
    ("C3911", None, "1000", None, UNKNOWN, ("employees",), (SMALL, MICRO)),
    ("C3911", None, None, None, UNKNOWN, ("employees", "revenue"), (LARGE, MEDIUM, SMALL, MICRO)),
    ("E47", None, "90000", None, UNKNOWN, ("assets",), (LARGE, MEDIUM, SMALL, MICRO)),
    ("M73", None, "5", "5", UNKNOWN, ("employees",), (LARGE, MEDIUM, SMALL, MICRO)),
    ("0111", 5000, None, "1", UNKNOWN, ("revenue",), (LARGE, MEDIUM, SMALL, MICRO)),
    # settled despite a missing indicator: one known indicator below the small bound → micro
    ("C3911", 19, None, None, MICRO, (), (MICRO,)),
    ("C3911", None, "299.99", None, MICRO, (), (MICRO,)),
    ("7010", None, None, "1999.99", MICRO, (), (MICRO,)),
    ("52", 9, None, None, MICRO, (), (MICRO,)),
]


@pytest.mark.parametrize(("code", "x", "y", "z", "size", "missing", "possible"), MISSING_CASES)
def test_missing_indicators(
    code: str,
    x: int | None,
    y: str | None,
    z: str | None,
    size: SizeClass,
    missing: tuple[str, ...],
    possible: tuple[SizeClass, ...],
) -> None:
    """Clause 3.1 via NBS 2017, three-valued: a missing indicator gives UNKNOWN (never a
    guessed class) unless a known indicator below the small bound settles micro."""
    result = run(Case(code, x, y, z, size, ""))
    assert result.size is size
    assert result.missing == missing
    assert result.possible == possible
    if size is UNKNOWN:
        assert all(m in result.reason for m in missing)


def test_is_large_three_valued() -> None:
    """Clause 3.1: "is it a large enterprise?" is NOT_MET once a known indicator rules
    large out, UNKNOWN while a missing one could still make it large, MET when large."""
    assert run(Case("C3911", 999, None, None, UNKNOWN, "")).is_large is Outcome.NOT_MET
    assert run(Case("C3911", 1000, None, None, UNKNOWN, "")).is_large is Outcome.UNKNOWN
    assert run(Case("C3911", 1000, "40000", None, LARGE, "")).is_large is Outcome.MET
    big = Case("66", 10**6, "1000000000", "1000000000", UNKNOWN, "")
    assert run(big).is_large is Outcome.UNKNOWN


@pytest.mark.parametrize(
    ("code", "row_name"),
    [
        ("7010", "房地产开发经营"),
        ("701", "房地产开发经营"),
        ("K7010", "房地产开发经营"),
        ("702", "物业管理"),
        ("7020", "物业管理"),
        ("703", "其他未列明行业"),
        ("7090", "其他未列明行业"),
        ("7040", "其他未列明行业"),  # by inference, see test_inferred_placement_is_said
        ("5910", "交通运输业"),
        ("591", "交通运输业"),
        ("5920", "仓储业"),
        ("5990", "仓储业"),
        ("60", "邮政业"),
        ("6010", "邮政业"),
        ("54", "交通运输业"),
        ("58", "交通运输业"),
        ("51", "批发业"),
        ("52", "零售业"),
        ("63", "信息传输业"),
        ("64", "信息传输业"),
        ("65", "软件和信息技术服务业"),
        ("B06", "工业"),
        ("D46", "工业"),
        ("E50", "建筑业"),
        ("05", "农、林、牧、渔业"),
        ("72", "租赁和商务服务业"),
        ("85", "其他未列明行业"),
        ("N77", "其他未列明行业"),
        ("O80", "其他未列明行业"),
        ("R", "其他未列明行业"),
        ("M", "其他未列明行业"),
    ],
)
def test_most_specific_code_picks_the_row(code: str, row_name: str) -> None:
    """Clause 3.1 via NBS 2017: the most specific listed code wins (591 装卸搬运 is
    交通运输业, the rest of 59 is 仓储业; 7010 and 702 have their own rows inside K 70)."""
    assert NBS_2017.row_for(code) is not None
    assert NBS_2017.row_for(code).name_zh == row_name  # type: ignore[union-attr]
    assert classify_size(code, employees=None, revenue=None, assets=None).row is NBS_2017.row_for(
        code
    )


@pytest.mark.parametrize(
    ("code", "words"),
    [
        ("J", "金融业企业划型标准规定"),
        ("66", "金融业企业划型标准规定"),
        ("6711", "金融业企业划型标准规定"),
        ("53", "铁路运输业"),
        ("5311", "铁路运输业"),
        ("P83", "教育"),
        ("84", "卫生"),
        ("S", "公共管理"),
        ("92", "公共管理"),
        ("T97", "国际组织"),
    ],
)
def test_not_covered_industries_are_unknown_with_reason(code: str, words: str) -> None:
    """Clause 3.1: industries the NBS 2017 table does not size (finance has its own rule;
    railways are excluded; P, 84, S, T are outside its scope) are UNKNOWN, never guessed."""
    result = classify_size(code, employees=100_000, revenue=Money.wan(10**7), assets=None)
    assert result.size is UNKNOWN
    assert result.row is None
    assert words in result.reason
    assert result.is_large is Outcome.UNKNOWN


@pytest.mark.parametrize(
    ("code", "rows"),
    [
        ("K", ("房地产开发经营", "物业管理", "其他未列明行业")),
        ("70", ("房地产开发经营", "物业管理")),
        ("59", ("交通运输业", "仓储业")),
        ("G", ("not covered", "交通运输业", "仓储业", "邮政业")),
        ("F", ("批发业", "零售业")),
        ("Q", ("not covered", "其他未列明行业")),
        ("I", ("信息传输业", "软件和信息技术服务业")),
        ("H", ("住宿业", "餐饮业")),
    ],
)
def test_too_coarse_codes_are_unknown(code: str, rows: tuple[str, ...]) -> None:
    """Clause 3.1: a code whose parts fall under different rows cannot be sized; the
    reason names the rows so the caller knows which detail to supply."""
    result = classify_size(code, employees=5000, revenue=Money.wan(10**6), assets=Money.wan(10**6))
    assert result.size is UNKNOWN
    assert result.row is None
    assert "too coarse" in result.reason
    for name in rows:
        assert name in result.reason


def test_inferred_placement_is_said() -> None:
    """Clause 3.1: 704 房地产租赁经营 is placed in 其他未列明行业 by this library's reading,
    not by the document's words, and the explanation says so."""
    result = classify_size("7040", employees=400, revenue=None, assets=None)
    assert result.size is LARGE
    assert "inference" in result.reason
    plain = classify_size("7030", employees=400, revenue=None, assets=None)
    assert "inference" not in plain.reason


def test_reason_quotes_values_and_bounds() -> None:
    """Clause 3.1: the explanation shows the row, the values and the bounds compared."""
    result = classify_size("C3911", employees=1200, revenue=Money.wan(50000), assets=None)
    assert result.reason == (
        "工业 (B, C, D): large: employees 1,200 ≥ 1,000 and revenue 50,000万元 ≥ 40,000万元"
    )
    medium = classify_size("C3911", employees=500, revenue=Money.wan(50000), assets=None)
    assert medium.reason == (
        "工业 (B, C, D): medium: employees 500 ≥ 300 and revenue 50,000万元 ≥ 2,000万元; "
        "not large: employees 500 < 1,000"
    )
    micro = classify_size("C3911", employees=10, revenue=None, assets=None)
    assert "employees 10 < 20" in micro.reason
    assert "cannot change this" in micro.reason


def test_source_is_cited() -> None:
    """Clause 3.1: every answer cites the NBS 2017 document, its number and date."""
    result = classify_size("C39", employees=1, revenue=None, assets=None)
    assert "国统字〔2017〕213号" in result.source
    assert "2017-12-28" in result.source
    assert "统计上大中小微型企业划分办法（2017）" in result.source
    assert NBS_2017.issued == dt.date(2017, 12, 28)


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"employees": -1}, "employees"),
        ({"employees": True}, "employees"),
        ({"employees": 10.0}, "employees"),
        ({"employees": "10"}, "employees"),
        ({"revenue": Money.wan(-1)}, "revenue"),
        ({"revenue": Money.wan(100, "USD")}, "revenue"),
        ({"revenue": 1_000_000}, "revenue"),
        ({"assets": Money(Decimal("-0.01"))}, "assets"),
        ({"assets": Money.wan(100, "EUR")}, "assets"),
    ],
)
def test_bad_values_are_refused(kwargs: dict[str, Any], field: str) -> None:
    """Clause 3.1: negative values, non-integer headcounts and non-CNY or non-Money amounts
    are ValidationErrors naming the field and clause 3.1 (the NBS bounds are CNY 万元)."""
    given_values: dict[str, Any] = {"employees": None, "revenue": None, "assets": None}
    given_values.update(kwargs)
    with pytest.raises(ValidationError) as err:
        classify_size("C3911", **given_values)
    assert err.value.field == field
    assert err.value.clause == "3.1"


def test_bad_industry_is_refused() -> None:
    """Clause 3.1: an unknown division is a ValidationError on ``industry``."""
    with pytest.raises(ValidationError) as err:
        classify_size("99", employees=1, revenue=None, assets=None)
    assert (err.value.field, err.value.clause) == ("industry", "3.1")


def test_table_covers_every_section_and_division() -> None:
    """Clause 3.1 data: every GB/T 4754-2017 division (01-97) is sized by a row, declared
    not covered, or split into parts that are (so no division silently falls through)."""
    for division in range(1, 98):
        code = f"{division:02d}"
        row, how = NBS_2017.resolve(code)
        assert row is not None or "not covered" in how or "too coarse" in how, how


def test_table_bounds_are_ordered() -> None:
    """Clause 3.1 data: in every row each indicator's bounds fall from large to small,
    and the bounds are positive (a zero bound would make the tier free)."""
    assert len(NBS_2017.rows) == 16
    for row in NBS_2017.rows:
        for b in row.bounds:
            assert b.large > b.medium > b.small > 0, row.name_zh


def test_bad_table_is_refused_when_built() -> None:
    """Clause 3.1 data: a table with inverted bounds or a code placed twice is a
    RuleDefinitionError when built, not a wrong answer later."""
    good = SizeBounds(Indicator.EMPLOYEES, 300, 100, 10)
    inverted = SizeBounds(Indicator.EMPLOYEES, 10, 100, 300)
    kwargs: dict[str, Any] = {
        "title": "t",
        "number": "n",
        "issuer": "i",
        "issued": dt.date(2017, 12, 28),
    }
    with pytest.raises(RuleDefinitionError, match="large ≥ medium"):
        SizeTable(rows=(SizeRow("a", "a", ("M",), (inverted,)),), not_covered=(), **kwargs)
    with pytest.raises(RuleDefinitionError, match="placed twice"):
        SizeTable(
            rows=(SizeRow("a", "a", ("M",), (good,)),),
            not_covered=(NotCovered(("M",), "x"),),
            **kwargs,
        )
    with pytest.raises(RuleDefinitionError, match="no indicator"):
        SizeTable(rows=(SizeRow("a", "a", ("M",), ()),), not_covered=(), **kwargs)


# --- properties -------------------------------------------------------------------------

_ROW_CODES = [str(r.codes[0]) for r in NBS_2017.rows]
assert all(NBS_2017.row_for(c) is not None for c in _ROW_CODES)
_RANK = {MICRO: 0, SMALL: 1, MEDIUM: 2, LARGE: 3}
_persons = st.one_of(st.none(), st.integers(min_value=0, max_value=5000))
_wan = st.one_of(
    st.none(),
    st.decimals(min_value=0, max_value=300_000, places=2, allow_nan=False, allow_infinity=False),
)


def _size(code: str, x: int | None, y: Decimal | None, z: Decimal | None) -> SizeClassification:
    return classify_size(
        code,
        employees=x,
        revenue=None if y is None else Money.wan(y),
        assets=None if z is None else Money.wan(z),
    )


@settings(max_examples=300, deadline=None)
@given(
    st.sampled_from(_ROW_CODES),
    st.integers(0, 5000),
    st.decimals(0, 300_000, places=2),
    st.decimals(0, 300_000, places=2),
    st.integers(0, 3000),
    st.decimals(0, 50_000, places=2),
)
def test_more_never_lowers_the_class(
    code: str, x: int, y: Decimal, z: Decimal, dx: int, dyz: Decimal
) -> None:
    """Clause 3.1 via NBS 2017: more employees, revenue or assets never lowers the class."""
    base = _size(code, x, y, z).size
    for bigger in (
        _size(code, x + dx, y, z),
        _size(code, x, y + dyz, z),
        _size(code, x, y, z + dyz),
    ):
        assert _RANK[bigger.size] >= _RANK[base]


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(_ROW_CODES), _persons, _wan, _wan)
def test_rule_matches_its_wording(
    code: str, x: int | None, y: Decimal | None, z: Decimal | None
) -> None:
    """Clause 3.1 via NBS 2017, the note's own words in Kleene logic: large/medium/small
    need ALL listed indicators ≥ the tier's bound (else drop a tier); micro needs ONE below
    small. A missing indicator is UNKNOWN for each comparison."""
    result = _size(code, x, y, z)
    row = result.row
    assert row is not None
    values = {Indicator.EMPLOYEES: x, Indicator.REVENUE: y, Indicator.ASSETS: z}

    def meets(tier: SizeClass) -> Outcome:
        return Outcome.all_of(
            Outcome.UNKNOWN
            if values[b.indicator] is None
            else Outcome.of(Decimal(values[b.indicator]) >= b.bound(tier))  # type: ignore[arg-type]
            for b in row.bounds
        )

    large, medium, small = meets(LARGE), meets(MEDIUM), meets(SMALL)
    if large is Outcome.MET:
        expected = LARGE
    elif large is Outcome.NOT_MET and medium is Outcome.MET:
        expected = MEDIUM
    elif medium is Outcome.NOT_MET and small is Outcome.MET:
        expected = SMALL
    elif small is Outcome.NOT_MET:
        expected = MICRO
    else:
        expected = UNKNOWN
    assert result.size is expected


@settings(max_examples=200, deadline=None)
@given(st.sampled_from(_ROW_CODES), _persons, _wan, _wan, st.data())
def test_possible_classes_are_exactly_the_reachable_ones(
    code: str, x: int | None, y: Decimal | None, z: Decimal | None, data: st.DataObject
) -> None:
    """Clause 3.1 via NBS 2017: filling in the missing indicators always lands in
    ``possible``, and every class in ``possible`` is reached by some filling."""
    result = _size(code, x, y, z)
    row = result.row
    assert row is not None

    def fill(tier: SizeClass) -> SizeClass:
        # put each missing indicator at the tier's bound (0 for micro)
        vals: dict[Indicator, Any] = {
            Indicator.EMPLOYEES: x,
            Indicator.REVENUE: y,
            Indicator.ASSETS: z,
        }
        for b in row.bounds:
            if vals[b.indicator] is None:
                bound = Decimal(0) if tier is MICRO else b.bound(tier)
                vals[b.indicator] = int(bound) if b.indicator is Indicator.EMPLOYEES else bound
        return _size(
            code, vals[Indicator.EMPLOYEES], vals[Indicator.REVENUE], vals[Indicator.ASSETS]
        ).size

    reached = {fill(t) for t in (LARGE, MEDIUM, SMALL, MICRO)}
    assert reached == set(result.possible)
    random_fill = _size(
        code,
        x if x is not None else data.draw(st.integers(0, 5000)),
        y if y is not None else data.draw(st.decimals(0, 300_000, places=2)),
        z if z is not None else data.draw(st.decimals(0, 300_000, places=2)),
    )
    assert random_fill.size in result.possible
    assert (result.size is UNKNOWN) == (len(result.possible) > 1)


def test_single_class_row_codes_are_covered() -> None:
    """Clause 3.1 data: the codes each row lists resolve back to that row."""
    for row in NBS_2017.rows:
        for code in row.codes + row.inferred:
            assert NBS_2017.row_for(code) is row, str(code)


_SIZE_CODES = ["C3911", "52", "5920", "7010", "66", "A", "I65", "K", "591", "59"]


@settings(max_examples=150, deadline=None)
@given(
    st.sampled_from(_SIZE_CODES),
    st.none() | st.integers(0, 200_000),
    st.none() | st.integers(0, 10**8),
    st.none() | st.integers(0, 10**8),
)
def test_the_size_reason_reads_in_english_and_chinese(
    code: str, employees: int | None, revenue: int | None, assets: int | None
) -> None:
    """``reason_text("en")`` is exactly ``reason``; ``reason_text("zh")`` says the same
    comparisons (every figure of the English is in it) with no English word or phrase of
    the catalogue whenever the table sizes the code."""
    r = classify_size(
        code,
        employees=employees,
        revenue=None if revenue is None else Money.wan(revenue),
        assets=None if assets is None else Money.wan(assets),
    )
    assert r.reason_text() == r.reason_text("en") == r.reason
    zh = r.reason_text("zh")
    figures = re.findall(r"\d[\d,]*(?:万元)?", r.reason.split(" [")[0])
    for figure in figures:
        assert figure.rstrip(",") in zh, (figure, zh)
    if r.row is not None:
        assert _english_left(zh.replace(r.row.label, ""), ALLOWED) == [], zh
        assert re.search(r"[A-Za-z]{2,}", zh.replace(r.row.label, "")) is None, zh


def test_the_chinese_size_reason_of_an_example() -> None:
    """A large manufacturer's reason in Chinese names the indicators as the document does
    and the class in Chinese; an unknown lang is refused."""
    r = classify_size("C3911", employees=1200, revenue=Money.wan(50000), assets=None)
    assert r.reason_text("zh") == (
        "工业 (B, C, D)：大型：从业人员 1,200 ≥ 1,000 且 营业收入 50,000万元 ≥ 40,000万元"
    )
    unknown = classify_size("52", employees=80, revenue=None, assets=None)
    assert unknown.reason_text("zh") == (
        "零售业 (52)：无法判定（可能为微型、小型、中型）：缺少营业收入；非大型：从业人员 80 < 300"
    )
    with pytest.raises(ValidationError) as caught:
        r.reason_text("de")
    assert caught.value.field == "lang"


def _unsized_codes() -> list[str]:
    """Every code the table does not size, each way it can fail: each not-covered code, a
    code too coarse for one row, and a code no row covers."""
    codes = [str(c) for gap in NBS_2017.not_covered for c in gap.codes]
    coarse = [c for c in ("59", "K", "70", "G", "I") if NBS_2017.row_for(c) is None]
    return [*codes, *coarse]


@pytest.mark.parametrize("code", _unsized_codes())
def test_why_a_code_is_not_sized_reads_in_chinese(code: str) -> None:
    """An unsized code's reason in Chinese carries the table's own note (金融业, article 3,
    …) in Chinese and the rows it falls under, with no English word of the catalogue; the
    English reason is unchanged, and names the same codes."""
    r = classify_size(code, employees=10, revenue=None, assets=None)
    assert r.row is None and r.size is UNKNOWN
    assert r.reason_text("en") == r.reason == NBS_2017.resolve(code)[1]
    zh = r.reason_text("zh")
    assert zh.startswith("不按 NBS 2017 表划分：")
    assert _english_left(zh, ALLOWED) == [], zh
    rest = re.sub(r"NBS|GB/T", "", zh)
    assert re.search(r"[A-Za-z]{2,}", rest) is None, zh
    for listed in re.findall(r"\b\d{2,4}\b", r.reason):
        assert listed in zh, (listed, zh)


def test_the_chinese_note_of_a_financial_code() -> None:
    """66 (货币金融服务) falls under 金融业's own rule: the Chinese says so with the PBOC
    document's number, as the English does."""
    r = classify_size("66", employees=10, revenue=None, assets=None)
    assert r.reason_text("zh") == (
        "不按 NBS 2017 表划分：66 不在表内：金融业另有划型规定（金融业企业划型标准规定，"
        "银发〔2015〕309号），不在 NBS 2017 表内"
    )
