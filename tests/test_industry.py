"""GB/T 4754-2017 industry codes: parsing, canonical form and refusal of bad codes (clause 3.1).

Clause 3.1 keys *large enterprise* to GB/T 4754, so every size lookup starts from a code
that must be a real section or division of the 2017 edition.
"""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sep.domain._industry import GBT_4754_2017_SECTIONS, IndustryCode, section_of
from sep.errors import ValidationError

pytestmark = pytest.mark.clause("3.1")


@pytest.mark.parametrize(
    ("text", "canonical", "section", "division", "level"),
    [
        ("C", "C", "C", None, "section"),
        ("t", "T", "T", None, "section"),
        ("01", "01", "A", "01", "division"),
        ("05", "05", "A", "05", "division"),
        ("06", "06", "B", "06", "division"),
        ("C39", "39", "C", "39", "division"),
        ("43", "43", "C", "43", "division"),
        ("44", "44", "D", "44", "division"),
        ("591", "591", "G", "59", "group"),
        ("C3911", "3911", "C", "39", "class"),
        (" k7010 ", "7010", "K", "70", "class"),
        ("85", "85", "Q", "85", "division"),
        ("97", "97", "T", "97", "division"),
    ],
)
def test_good_codes_parse_to_canonical_form(
    text: str, canonical: str, section: str, division: str | None, level: str
) -> None:
    """Clause 3.1: a section letter or 2-4 digits (optionally after their letter) parse;
    the canonical form is the digits, and the section is derived from the division."""
    code = IndustryCode.parse(text)
    assert str(code) == canonical
    assert code.section == section
    assert code.division == division
    assert code.level == level


@pytest.mark.parametrize(
    "bad",
    [
        "",
        "   ",
        "00",
        "98",
        "99",
        "U",
        "Z39",
        "A39",  # division 39 is manufacturing, section C
        "C06",  # division 06 is mining, section B
        "3",
        "C3",
        "39111",
        "3 9",
        "C-39",
        "３９",  # full-width digits
        "CC39",
        "39C",
    ],
)
def test_bad_codes_are_refused_with_field_and_clause(bad: str) -> None:
    """Clause 3.1: a malformed code, an unknown section or division, or a letter that does
    not own the division is a ValidationError on field ``industry`` citing clause 3.1."""
    with pytest.raises(ValidationError) as err:
        IndustryCode.parse(bad)
    assert err.value.field == "industry"
    assert err.value.clause == "3.1"


@pytest.mark.parametrize("bad", [39, None, 3.9, b"39"])
def test_non_text_is_refused(bad: Any) -> None:
    """Clause 3.1: codes are text ("06" keeps its zero); other types are refused by name."""
    with pytest.raises(ValidationError) as err:
        IndustryCode.parse(bad)
    assert (err.value.field, err.value.clause) == ("industry", "3.1")


def test_direct_construction_is_validated() -> None:
    """Clause 3.1: building IndustryCode directly cannot bypass the checks of parse."""
    with pytest.raises(ValidationError, match="belongs to section C"):
        IndustryCode("A", "39")
    with pytest.raises(ValidationError):
        IndustryCode("C", "3")
    with pytest.raises(ValidationError):
        IndustryCode("U")
    assert IndustryCode("C", "39") == IndustryCode.parse("C39")


def test_letter_prefix_does_not_change_identity() -> None:
    """Clause 3.1: "C39" and "39" are the same code (equal and hash alike)."""
    assert IndustryCode.parse("C39") == IndustryCode.parse("39")
    assert len({IndustryCode.parse("C3911"), IndustryCode.parse("3911")}) == 1
    assert IndustryCode.parse("C3911").labelled == "C3911"


@pytest.mark.parametrize(
    ("inner", "outer", "expected"),
    [
        ("3911", "C", True),
        ("3911", "39", True),
        ("3911", "391", True),
        ("3911", "3911", True),
        ("3911", "392", False),
        ("3911", "B", False),
        ("39", "3911", False),
        ("C", "39", False),
        ("C", "C", True),
        ("7010", "70", True),
        ("7020", "701", False),
    ],
)
def test_is_within(inner: str, outer: str, expected: bool) -> None:
    """Clause 3.1 lookups: a code lies within itself and its ancestors, never its children."""
    assert IndustryCode.parse(inner).is_within(outer) is expected


def test_sections_partition_divisions_01_to_97() -> None:
    """Clause 3.1 data: the 20 sections A-T own contiguous, non-overlapping ranges that
    together cover 01-97, as in GB/T 4754-2017."""
    letters = [s.letter for s in GBT_4754_2017_SECTIONS]
    assert letters == [chr(c) for c in range(ord("A"), ord("T") + 1)]
    expected_next = 1
    for s in GBT_4754_2017_SECTIONS:
        assert s.first_division == expected_next
        assert s.last_division >= s.first_division
        expected_next = s.last_division + 1
    assert expected_next == 98


@pytest.mark.parametrize(
    ("division", "letter"),
    [
        (1, "A"),
        (5, "A"),
        (12, "B"),
        (13, "C"),
        (46, "D"),
        (50, "E"),
        (53, "G"),
        (60, "G"),
        (65, "I"),
        (66, "J"),
        (69, "J"),
        (70, "K"),
        (72, "L"),
        (83, "P"),
        (84, "Q"),
        (90, "R"),
        (96, "S"),
        (97, "T"),
    ],
)
def test_section_boundaries(division: int, letter: str) -> None:
    """Clause 3.1 data: divisions at each section's edge map to the right section."""
    assert section_of(division).letter == letter
    assert IndustryCode.parse(f"{division:02d}").section == letter


def test_section_names() -> None:
    """Clause 3.1 data: sections carry their Chinese and English names."""
    assert section_of("J").name_zh == "金融业"
    assert section_of("K").name_en == "Real estate"
    assert section_of("G").divisions == "53–60"
    assert section_of("K").divisions == "70"
    with pytest.raises(ValidationError):
        section_of("U")
    with pytest.raises(ValidationError):
        section_of(98)


@given(st.integers(min_value=0, max_value=99), st.text("0123456789", max_size=2))
def test_any_digits_parse_iff_division_exists(division: int, rest: str) -> None:
    """Clause 3.1: a 2-4 digit code parses exactly when its division is 01-97, and its
    canonical form round-trips through parse, with or without the letter."""
    text = f"{division:02d}{rest}"
    if 1 <= division <= 97:
        code = IndustryCode.parse(text)
        assert str(code) == text
        assert IndustryCode.parse(str(code)) == code
        assert IndustryCode.parse(code.labelled) == code
    else:
        with pytest.raises(ValidationError):
            IndustryCode.parse(text)
