"""Bad input raises sep.errors.ValidationError naming the field and clause, never anything else."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sep.domain import (
    Enterprise,
    Event,
    EventKind,
    FeasibilityStudy,
    Incubatee,
    ManagementNorm,
    Money,
    NormArea,
    Origin,
    Period,
    PeriodFinancials,
    Platform,
    Revision,
    from_dict,
    from_json,
    to_dict,
)
from sep.errors import SepError, ValidationError
from tests.strategies import (
    DOMAIN_STRATEGIES,
    enterprise_s,
    incubatee_s,
    invalid_codes,
    invalid_enums,
    invalid_numbers,
)

pytestmark = pytest.mark.clause("3.1", "4.2.2", "4.2.3", "4.3.3", "4.3.5(b)", "4.3.5(c)")


def _raises_validation(fn: Any, *args: Any, **kwargs: Any) -> ValidationError:
    with pytest.raises(ValidationError) as info:
        fn(*args, **kwargs)
    return info.value


def test_negative_money_is_refused_with_field_and_clause() -> None:
    """A negative revenue names the field and clause 4.3.5(c); a negative profit is allowed."""
    err = _raises_validation(PeriodFinancials, Period(2025), revenue=Money(-1))
    assert (err.field, err.clause) == ("revenue", "4.3.5(c)")
    assert PeriodFinancials(Period(2025), profit=Money(-1)).profit == Money(-1)


@given(value=invalid_numbers)
def test_invalid_amounts_raise_validation_error(value: Any) -> None:
    """NaN, infinities, text, booleans, containers and null are no amount of money."""
    _raises_validation(Money, value)
    _raises_validation(from_dict, Money, {"amount": value})


@given(code=invalid_codes)
def test_bad_industry_codes_name_clause_3_1(code: Any) -> None:
    """A code that is not GB/T 4754-2017 is refused for field ``industry`` under 3.1."""
    err = _raises_validation(from_dict, Enterprise, {"name": "X", "industry": code})
    assert err.field == "industry"
    assert err.clause == "3.1"


@given(value=invalid_enums)
def test_unknown_enum_values_are_refused(value: Any) -> None:
    """An origin that is not one of 4.2.2's three is refused, naming ``origin``."""
    err = _raises_validation(from_dict, Incubatee, {"id": "a", "name": "A", "origin": value})
    assert err.field == "origin"
    assert err.clause == "4.2.2"


def test_python_constructors_check_types_too() -> None:
    """Building objects in Python checks the same things as reading JSON."""
    assert _raises_validation(Incubatee, "a", "A", "internal").field == "origin"
    assert _raises_validation(Incubatee, "a", "A", Origin.INTERNAL, listed="yes").field == "listed"
    assert _raises_validation(Enterprise, "X", "C38", employees=-1).field == "employees"
    assert _raises_validation(Enterprise, "X", "C38", employees=True).field == "employees"
    assert _raises_validation(Period, 2025, 5).field == "quarter"
    assert _raises_validation(Money, 1, "cny").field == "currency"


def test_missing_required_field_is_named() -> None:
    """A missing required field is reported by its full path, as missing."""
    err = _raises_validation(from_dict, Platform, {"name": "P", "leading_founder": {"name": "H"}})
    assert err.field == "leading_founder.industry"
    assert err.reason == "is required"


def test_nested_paths_reach_the_leaf() -> None:
    """A bad amount deep in a list is named by its full path."""
    data = {
        "id": "a",
        "name": "A",
        "origin": "internal",
        "financials": [{"period": "2025Q1"}, {"period": "2025Q2", "revenue": {"amount": "x"}}],
    }
    err = _raises_validation(from_dict, Incubatee, data)
    assert err.field == "financials[1].revenue.amount"


def test_contradicting_event_is_refused() -> None:
    """Recording a listing while saying ``listed=False`` is a contradiction (4.3.5(b))."""
    err = _raises_validation(
        Incubatee, "a", "A", Origin.EXTERNAL, listed=False, events=(Event(EventKind.LISTED),)
    )
    assert (err.field, err.clause) == ("listed", "4.3.5(b)")


def test_norm_history_is_append_only() -> None:
    """A revision dated before the last, or reusing a version, is refused (4.3.3)."""
    norm = ManagementNorm(NormArea.STATISTICS, "Stats").revise(Revision("1", dt.date(2022, 1, 1)))
    assert _raises_validation(norm.revise, Revision("2", dt.date(2021, 1, 1))).clause == "4.3.3"
    assert _raises_validation(norm.revise, Revision("1", dt.date(2023, 1, 1))).clause == "4.3.3"
    newer = norm.revise(Revision("2", dt.date(2023, 1, 1)))
    assert newer.extends(norm) and not norm.extends(newer)
    assert len(norm.revisions) == 1  # the original is untouched


def test_feasibility_horizon_is_three_to_five_years() -> None:
    """The feasibility study rests on a 3–5-year strategic plan (4.2.3)."""
    assert _raises_validation(FeasibilityStudy, 6).clause == "4.2.3"


def test_malformed_json_is_a_validation_error() -> None:
    """Unparseable JSON and non-object JSON raise ValidationError, not a json error."""
    _raises_validation(from_json, Incubatee, "{not json")
    _raises_validation(from_json, Incubatee, "[1, 2]")


def _mutations(data: Any, path: tuple[Any, ...] = ()) -> list[tuple[tuple[Any, ...], Any]]:
    """Every leaf position in a JSON document."""
    found: list[tuple[tuple[Any, ...], Any]] = []
    if isinstance(data, dict):
        for key, value in data.items():
            found += _mutations(value, (*path, key))
    elif isinstance(data, list):
        for i, value in enumerate(data):
            found += _mutations(value, (*path, i))
    else:
        found.append((path, data))
    return found


def _set(data: Any, path: tuple[Any, ...], value: Any) -> None:
    for key in path[:-1]:
        data = data[key]
    data[path[-1]] = value


BAD_LEAVES = [float("nan"), -1, "martian", [], {"x": 1}, True, "2025Q9", "-5"]


@pytest.mark.parametrize("cls", [Enterprise, Incubatee], ids=lambda c: c.__name__)
@given(data=st.data())
def test_any_corrupted_field_raises_only_sep_errors(cls: type, data: st.DataObject) -> None:
    """Replacing any field of a valid document by junk gives a SepError or a valid object.

    Never a TypeError, KeyError or cattrs error: integrators catch one hierarchy.
    """
    obj = data.draw(enterprise_s if cls is Enterprise else incubatee_s())
    doc = to_dict(obj)
    leaves = _mutations(doc)
    path, _ = data.draw(st.sampled_from(leaves))
    _set(doc, path, data.draw(st.sampled_from(BAD_LEAVES)))
    try:
        from_dict(cls, doc)
    except SepError as err:
        assert isinstance(err, ValidationError)
        assert str(path[0]) in err.field or err.field == ""


def test_strategies_cover_every_domain_class() -> None:
    """The strategies module has a strategy for every attrs class sep.domain exports."""
    import sep.domain as domain

    exported = {getattr(domain, n) for n in domain.__all__}
    classes = {c for c in exported if isinstance(c, type) and attrs.has(c)}
    missing = {c.__name__ for c in classes} - {c.__name__ for c in DOMAIN_STRATEGIES}
    # The NBS 2017 and GB/T 4754-2017 tables' own rows are built-in data checked when the
    # module is imported (tests/test_size.py), never documents read from users.
    tables = {"IndustrySection", "NotCovered", "SizeBounds", "SizeRow", "SizeTable"}
    assert missing <= {
        "Revision",
        "FeasibilityAssessment",
        "IndustryCode",
        "SizeClassification",
        *tables,
    }
    assert Decimal(1) == Decimal("1.0")  # Decimals compare by value: round trips rely on it


_TEXT_FIELDS = sorted(
    (
        (cls, a.name)
        for cls in DOMAIN_STRATEGIES
        for a in attrs.fields(cls)
        if a.type in ("str", "str | None")
    ),
    key=lambda pair: (pair[0].__name__, pair[1]),
)


@pytest.mark.parametrize(
    ("cls", "field"), _TEXT_FIELDS, ids=[f"{c.__name__}.{f}" for c, f in _TEXT_FIELDS]
)
@settings(max_examples=3)
@given(data=st.data())
def test_lone_surrogate_in_any_text_field_is_refused_naming_it(
    cls: type, field: str, data: st.DataObject
) -> None:
    """A lone surrogate in any text field of any domain class is refused, naming the field.

    Such text cannot be written as UTF-8: accepting it (a platform name, 3.3) would let
    `sep validate` pass a file that `sep audit` then cannot print.
    """
    obj = data.draw(DOMAIN_STRATEGIES[cls])
    bad = data.draw(st.sampled_from(["\ud800", "x\udfff", "名\udc80称"]))
    err = _raises_validation(attrs.evolve, obj, **{field: bad})
    assert err.field == field
    assert "Unicode" in err.reason
    str(err).encode("utf-8")  # the refusal itself is printable


def test_python_constructors_refuse_lone_surrogates_too() -> None:
    """Built from Python, a required (3.1 name) or optional text field refuses a lone surrogate."""
    err = _raises_validation(Enterprise, "E\udc80", "C38")
    assert (err.field, err.clause) == ("name", "3.1")
    assert "Unicode" in err.reason
    err = _raises_validation(Enterprise, "E", "C38", field_focus="x\ud800y")
    assert err.field == "field_focus"


def test_an_integer_field_refuses_more_digits_than_the_stated_bound() -> None:
    """3.1: ``employees`` given as a 5,000-digit integer (from Python, not JSON text) is
    refused like the JSON reader refuses it: at most MAX_INT_DIGITS digits."""
    from sep._limits import MAX_INT_DIGITS
    from sep.domain import Enterprise, from_dict

    with pytest.raises(ValidationError) as info:
        from_dict(Enterprise, {"name": "X", "industry": "C38", "employees": 10**5000})
    assert info.value.field == "employees" and str(MAX_INT_DIGITS) in info.value.reason
