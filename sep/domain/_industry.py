"""Industry codes of GB/T 4754-2017 (国民经济行业分类), the classification clause 3.1 keys to.

Clause 3.1 of T/CATE 0001—2020 defines a *large enterprise* by "the large-enterprise criteria
of GB/T 4754"; in practice those are the National Bureau of Statistics size rules, whose
thresholds are set per GB/T 4754 sector (see :mod:`sep.domain._size`). This module holds
the codes themselves: a section letter ``A``–``T``, a two-digit division ``01``–``97``, a
three-digit group or a four-digit class.

What is checked: the section letter, the division number (against the section→division
ranges of the 2017 edition, embedded below as data), and the shape of group and class codes.
The full list of the 2017 edition's groups and classes is *not* embedded, so a group or class
code whose division exists is accepted without checking that the group or class itself
exists (``3999`` passes because division ``39`` exists).

The 2017 edition's divisions run without a gap from 01 to 97; each section owns a
contiguous range of them.
"""

from __future__ import annotations

import re

import attrs

from sep._i18n import N_
from sep._reason import R_
from sep.errors import ValidationError

__all__ = ["GBT_4754_2017_SECTIONS", "IndustryCode", "IndustrySection", "section_of"]

_CLAUSE = "3.1"
_FIELD = "industry"


@attrs.frozen
class IndustrySection:
    """One section (门类) of GB/T 4754-2017 and the divisions (大类) it owns.

    Example:
        >>> s = section_of("C")
        >>> s.name_zh, s.first_division, s.last_division
        ('制造业', 13, 43)
        >>> s.owns(39), s.owns(44)
        (True, False)
    """

    letter: str
    first_division: int
    last_division: int
    name_zh: str
    name_en: str

    def owns(self, division: int) -> bool:
        """Whether ``division`` (a number 1–97) belongs to this section."""
        return self.first_division <= division <= self.last_division

    @property
    def divisions(self) -> str:
        """The division range as written in the standard, e.g. ``"13–43"`` or ``"70"``."""
        if self.first_division == self.last_division:
            return f"{self.first_division:02d}"
        return f"{self.first_division:02d}–{self.last_division:02d}"


#: The twenty sections of GB/T 4754-2017 with their division ranges (source: GB/T 4754-2017
#: 《国民经济行业分类》, table of sections and divisions).
GBT_4754_2017_SECTIONS: tuple[IndustrySection, ...] = (
    IndustrySection(
        "A", 1, 5, "农、林、牧、渔业", "Agriculture, forestry, animal husbandry and fishery"
    ),
    IndustrySection("B", 6, 12, "采矿业", "Mining"),
    IndustrySection("C", 13, 43, "制造业", "Manufacturing"),
    IndustrySection(
        "D",
        44,
        46,
        "电力、热力、燃气及水生产和供应业",
        "Production and supply of electricity, heat, gas and water",
    ),
    IndustrySection("E", 47, 50, "建筑业", "Construction"),
    IndustrySection("F", 51, 52, "批发和零售业", "Wholesale and retail trade"),
    IndustrySection(
        "G", 53, 60, "交通运输、仓储和邮政业", "Transport, storage and postal services"
    ),
    IndustrySection("H", 61, 62, "住宿和餐饮业", "Accommodation and catering"),
    IndustrySection(
        "I",
        63,
        65,
        "信息传输、软件和信息技术服务业",
        "Information transmission, software and information technology services",
    ),
    IndustrySection("J", 66, 69, "金融业", "Finance"),
    IndustrySection("K", 70, 70, "房地产业", "Real estate"),
    IndustrySection("L", 71, 72, "租赁和商务服务业", "Leasing and business services"),
    IndustrySection(
        "M", 73, 75, "科学研究和技术服务业", "Scientific research and technical services"
    ),
    IndustrySection(
        "N",
        76,
        79,
        "水利、环境和公共设施管理业",
        "Water conservancy, environment and public facilities management",
    ),
    IndustrySection(
        "O", 80, 82, "居民服务、修理和其他服务业", "Resident services, repair and other services"
    ),
    IndustrySection("P", 83, 83, "教育", "Education"),
    IndustrySection("Q", 84, 85, "卫生和社会工作", "Health and social work"),
    IndustrySection("R", 86, 90, "文化、体育和娱乐业", "Culture, sports and entertainment"),
    IndustrySection(
        "S",
        91,
        96,
        "公共管理、社会保障和社会组织",
        "Public administration, social security and social organisations",
    ),
    IndustrySection("T", 97, 97, "国际组织", "International organisations"),
)

_BY_LETTER = {s.letter: s for s in GBT_4754_2017_SECTIONS}
_CODE = re.compile(r"^(?P<letter>[A-Z])?(?P<digits>\d{2,4})?$")
_LEVELS = {0: "section", 2: "division", 3: "group", 4: "class"}


def section_of(code: str | int) -> IndustrySection:
    """The section owning a section letter or a division number.

    Example:
        >>> section_of(70).name_en, section_of("s").letter
        ('Real estate', 'S')

    Raises:
        ValidationError: ``field="industry"``, clause 3.1, for an unknown letter or division.
    """
    if isinstance(code, str) and len(code.strip()) == 1 and code.strip().isalpha():
        found = _BY_LETTER.get(code.strip().upper())
        if found is None:
            raise ValidationError(
                _FIELD, code, N_("is not a GB/T 4754-2017 section: use A to T"), clause=_CLAUSE
            )
        return found
    if isinstance(code, int) and not isinstance(code, bool):
        for section in GBT_4754_2017_SECTIONS:
            if section.owns(code):
                return section
        raise ValidationError(
            _FIELD, code, N_("is not a GB/T 4754-2017 division: use 01 to 97"), clause=_CLAUSE
        )
    raise ValidationError(
        _FIELD, code, N_("must be a section letter or a division number"), clause=_CLAUSE
    )


@attrs.frozen
class IndustryCode:
    """A GB/T 4754-2017 code: a section, division, group or class.

    Build it with :meth:`parse`. A code may be written with its section letter in front
    (``"C3911"``); the canonical form (``str()``) is the digits alone, since the digits
    determine the section. A bare section is written as its letter.

    Attributes:
        section: The section letter, ``"A"``–``"T"``.
        digits: ``""`` for a bare section, else the 2–4 digits of the code.

    Example:
        >>> code = IndustryCode.parse("C3911")
        >>> str(code), code.section, code.division, code.level
        ('3911', 'C', '39', 'class')
        >>> code.is_within("C"), code.is_within("39"), code.is_within("391"), code.is_within("40")
        (True, True, True, False)
        >>> str(IndustryCode.parse(" k ")), IndustryCode.parse("K").division is None
        ('K', True)
        >>> IndustryCode.parse("99")
        Traceback (most recent call last):
        ...
        sep.errors.ValidationError: industry: division 99 is not in GB/T 4754-2017 \
(divisions run 01–97) (got '99') [T/CATE 0001—2020 3.1]
    """

    section: str
    digits: str = ""

    def __attrs_post_init__(self) -> None:
        shown = f"{self.section}{self.digits}"
        if not isinstance(self.section, str) or self.section not in _BY_LETTER:
            raise ValidationError(
                _FIELD,
                self.section,
                N_("is not a GB/T 4754-2017 section: use A to T"),
                clause=_CLAUSE,
            )
        if not isinstance(self.digits, str) or not (
            self.digits == "" or (self.digits.isdigit() and self.digits.isascii())
        ):
            raise ValidationError(_FIELD, self.digits, N_("must be digits"), clause=_CLAUSE)
        if len(self.digits) not in _LEVELS:
            raise ValidationError(
                _FIELD,
                shown,
                N_("must have 2 (division), 3 (group) or 4 (class) digits"),
                clause=_CLAUSE,
            )
        if self.digits:
            division = int(self.digits[:2])
            owner = next((s for s in GBT_4754_2017_SECTIONS if s.owns(division)), None)
            if owner is None:
                raise ValidationError(
                    _FIELD,
                    shown,
                    R_(
                        "division {digits} is not in GB/T 4754-2017 (divisions run 01–97)",
                        digits=self.digits[:2],
                    ),
                    clause=_CLAUSE,
                )
            if owner.letter != self.section:
                raise ValidationError(
                    _FIELD,
                    shown,
                    R_(
                        "division {digits} belongs to section {letter}, not {section}",
                        digits=self.digits[:2],
                        letter=owner.letter,
                        section=self.section,
                    ),
                    clause=_CLAUSE,
                )

    @classmethod
    def parse(cls, text: str | IndustryCode) -> IndustryCode:
        """Parse ``"C"``, ``"39"``, ``"391"``, ``"3911"``, ``"C39"`` or ``"C3911"``.

        Surrounding blanks are ignored and the letter may be lower case. An
        :class:`IndustryCode` is returned unchanged.

        Raises:
            ValidationError: ``field="industry"``, clause 3.1, for a malformed code, an
                unknown section or division, or a letter that does not own the division.
        """
        if isinstance(text, IndustryCode):
            return text
        if not isinstance(text, str):
            raise ValidationError(
                _FIELD, text, N_("must be a GB/T 4754-2017 code given as text"), clause=_CLAUSE
            )
        cleaned = text.strip().upper()
        match = _CODE.match(cleaned) if cleaned.isascii() else None
        if match is None or not cleaned:
            raise ValidationError(
                _FIELD,
                text,
                N_(
                    "is not a GB/T 4754-2017 code: write a section letter (C), or 2, 3 or 4 digits "
                    "optionally after the letter (39, C3911)"
                ),
                clause=_CLAUSE,
            )
        letter, digits = match.group("letter"), match.group("digits") or ""
        if letter is not None and letter not in _BY_LETTER:
            raise ValidationError(
                _FIELD, text, N_("is not a GB/T 4754-2017 section: use A to T"), clause=_CLAUSE
            )
        if not digits:
            return cls(str(letter))
        division = int(digits[:2])
        owner = next((s for s in GBT_4754_2017_SECTIONS if s.owns(division)), None)
        if owner is None:
            raise ValidationError(
                _FIELD,
                text,
                R_(
                    "division {digits} is not in GB/T 4754-2017 (divisions run 01–97)",
                    digits=digits[:2],
                ),
                clause=_CLAUSE,
            )
        if letter is not None and letter != owner.letter:
            raise ValidationError(
                _FIELD,
                text,
                R_(
                    "division {digits} belongs to section {letter}, not {letter2}",
                    digits=digits[:2],
                    letter=owner.letter,
                    letter2=letter,
                ),
                clause=_CLAUSE,
            )
        return cls(owner.letter, digits)

    @property
    def division(self) -> str | None:
        """The two-digit division (``"39"``), or ``None`` for a bare section."""
        return self.digits[:2] or None

    @property
    def level(self) -> str:
        """``"section"``, ``"division"``, ``"group"`` or ``"class"``."""
        return _LEVELS[len(self.digits)]

    @property
    def section_info(self) -> IndustrySection:
        """The :class:`IndustrySection` (names, division range) this code lies in."""
        return _BY_LETTER[self.section]

    @property
    def labelled(self) -> str:
        """The code with its section letter: ``"C3911"``, or ``"C"`` for a section."""
        return f"{self.section}{self.digits}"

    def is_within(self, other: IndustryCode | str) -> bool:
        """Whether this code equals ``other`` or lies inside it (a descendant of it).

        Example:
            >>> dev = IndustryCode.parse("7010")
            >>> dev.is_within("70"), IndustryCode.parse("70").is_within(dev)
            (True, False)
        """
        outer = IndustryCode.parse(other)
        if not outer.digits:
            return self.section == outer.section
        return self.digits.startswith(outer.digits)

    def __str__(self) -> str:
        return self.digits or self.section
