"""Enterprise size by the NBS 2017 rules, the yardstick of a *large enterprise* in clause 3.1.

Clause 3.1 of T/CATE 0001—2020 calls an enterprise *large* when it "meets the
large-enterprise criteria of GB/T 4754". GB/T 4754 itself only classifies industries; the
size thresholds per GB/T 4754 sector are those of the National Bureau of Statistics:

    《统计上大中小微型企业划分办法（2017）》, 国统字〔2017〕213号, issued by the National
    Bureau of Statistics of China on 2017-12-28 (it replaced 国统字〔2011〕75号).

Its table is held here as data (:data:`NBS_2017`). Each row names a sector, the GB/T 4754-2017
codes it covers, the indicators it uses (X 从业人员 persons employed, Y 营业收入 revenue in 万元,
Z 资产总额 total assets in 万元) and the lower bounds of *large*, *medium* and *small*.

The rule (the table's note): large, medium and small each require **all** of the row's
indicators to reach the tier's lower bound, otherwise the enterprise drops a tier; *micro*
needs only **one** indicator below the small bound. Equivalently: each indicator on its own
points to a tier, and the enterprise's tier is the lowest of them. With an indicator missing
the answer is UNKNOWN unless the known ones settle it: one known indicator below the small
bound makes the enterprise micro whatever the others are; nothing else can be settled, since a
missing indicator can always pull the tier down.

Which codes a row covers (the document's notes):

* 工业 = 采矿业 B, 制造业 C, 电力、热力、燃气及水生产和供应业 D.
* 交通运输业 = 道路 54, 水上 55, 航空 56, 管道 57, 多式联运和运输代理 58 and 装卸搬运 591;
  it expressly excludes 铁路运输业 53. 仓储业 = the storage groups of 59: 通用 592,
  低温 593, 危险品 594, 农产品 595, 中药材 596 and 其他 599.
* 信息传输业 = 电信、广播电视和卫星传输服务 63, 互联网和相关服务 64.
* 房地产开发经营 = class 7010 (the only class of group 701); 物业管理 = group 702.
* 其他未列明行业 = 科学研究和技术服务业 M, 水利、环境和公共设施管理业 N,
  居民服务、修理和其他服务业 O, 社会工作 85, 文化、体育和娱乐业 R, 房地产中介服务 703,
  其他房地产业 709 "等".

The document's scope (its article 3) is 15 sections (A–I, K–O, R) plus division 85 社会工作.
Codes outside it are *not covered* and give UNKNOWN with a reason: 金融业 J (it has its own
rule, 金融业企业划型标准规定, 银发〔2015〕309号), 教育 P, 卫生 84, S and T.

Unconfirmed points (not checked against the official text; each is marked in the data):

* 装卸搬运 591 is placed under 交通运输业 and the rest of 59 under 仓储业, following the notes as
  recalled; the official wording was not re-read.
* A 05 (农、林、牧、渔专业及辅助性活动) is taken to fall under 农、林、牧、渔业 with the whole of A.
* 704 房地产租赁经营 is not named by the notes; it is placed under 其他未列明行业 by reading that
  row as the catch-all of the document's scope ("其他未列明" = "others not listed", and its
  list ends with 等).
* 铁路运输业 53 is expressly excluded from 交通运输业 and not placed elsewhere by the notes,
  so it is left *not covered* rather than guessed into 其他未列明行业.
* The indicators' statistical definitions (营业收入 read as 主营业务收入 where that is kept,
  从业人员 as the period-end headcount, 资产总额 as 资产总计) are the caller's responsibility.
"""

from __future__ import annotations

import datetime as dt
import enum
from decimal import Decimal
from typing import Any

import attrs

from sep._i18n import N_, join, label, translation
from sep._outcome import Outcome
from sep._reason import R_
from sep._suggest import check_lang
from sep.domain._industry import IndustryCode
from sep.domain._money import CNY, Money
from sep.errors import RuleDefinitionError, ValidationError

__all__ = [
    "NBS_2017",
    "Indicator",
    "NotCovered",
    "SizeBounds",
    "SizeClass",
    "SizeClassification",
    "SizeRow",
    "SizeTable",
    "classify_size",
]

_CLAUSE = "3.1"


class SizeClass(enum.StrEnum):
    """An enterprise size class of the NBS 2017 rules, or UNKNOWN when data is missing.

    Example:
        >>> SizeClass.LARGE.value, SizeClass("micro")
        ('large', <SizeClass.MICRO: 'micro'>)
    """

    LARGE = "large"
    MEDIUM = "medium"
    SMALL = "small"
    MICRO = "micro"
    UNKNOWN = "unknown"


# Tier ranks: the lowest rank among the indicators is the enterprise's tier.
_RANKED = (SizeClass.MICRO, SizeClass.SMALL, SizeClass.MEDIUM, SizeClass.LARGE)


class Indicator(enum.StrEnum):
    """An indicator of the NBS 2017 table.

    Example:
        >>> Indicator.REVENUE.symbol, Indicator.REVENUE.name_zh, Indicator.REVENUE.unit
        ('Y', '营业收入', '万元')
    """

    EMPLOYEES = "employees"
    REVENUE = "revenue"
    ASSETS = "assets"

    @property
    def symbol(self) -> str:
        """The letter the document uses: X, Y or Z."""
        return {"employees": "X", "revenue": "Y", "assets": "Z"}[self.value]

    @property
    def name_zh(self) -> str:
        """The document's Chinese name of the indicator."""
        return {"employees": "从业人员", "revenue": "营业收入", "assets": "资产总额"}[self.value]

    @property
    def unit(self) -> str:
        """``人`` (persons) or ``万元`` (10,000 yuan)."""
        return "人" if self is Indicator.EMPLOYEES else "万元"

    def show(self, value: Decimal) -> str:
        """Render a value of this indicator: ``1,200`` persons or ``50,000万元``."""
        text = _group(value)
        return text if self is Indicator.EMPLOYEES else f"{text}万元"


def _group(value: Decimal) -> str:
    normalised = value.normalize()
    if normalised == normalised.to_integral():
        return f"{int(normalised):,}"
    return f"{normalised:,f}"


def _codes(values: tuple[IndustryCode | str, ...]) -> tuple[IndustryCode, ...]:
    return tuple(IndustryCode.parse(c) for c in values)


def _dec(value: int | str | Decimal) -> Decimal:
    return value if isinstance(value, Decimal) else Decimal(value)


@attrs.frozen
class SizeBounds:
    """The lower bounds of one indicator in one row: large ≥ medium ≥ small ≥ 0.

    Persons for employees, 万元 for revenue and assets.

    Example:
        >>> b = SizeBounds(Indicator.EMPLOYEES, 1000, 300, 20)
        >>> b.tier_of(Decimal(300)), b.tier_of(Decimal(19))
        (<SizeClass.MEDIUM: 'medium'>, <SizeClass.MICRO: 'micro'>)
    """

    indicator: Indicator
    large: Decimal = attrs.field(converter=_dec)
    medium: Decimal = attrs.field(converter=_dec)
    small: Decimal = attrs.field(converter=_dec)

    def bound(self, tier: SizeClass) -> Decimal:
        """The lower bound of ``tier`` (large, medium or small)."""
        return {SizeClass.LARGE: self.large, SizeClass.MEDIUM: self.medium}.get(tier, self.small)

    def tier_of(self, value: Decimal) -> SizeClass:
        """The highest tier whose lower bound ``value`` reaches, by this indicator alone."""
        if value >= self.large:
            return SizeClass.LARGE
        if value >= self.medium:
            return SizeClass.MEDIUM
        if value >= self.small:
            return SizeClass.SMALL
        return SizeClass.MICRO


@attrs.frozen
class SizeRow:
    """One row of the NBS 2017 table.

    Attributes:
        name_zh: The sector as the document names it.
        name_en: An English name.
        codes: The GB/T 4754-2017 codes the document places in this row. A code's most
            specific row wins (7010 is 房地产开发经营 within K, whose 703 is 其他未列明行业).
        bounds: The indicators the row uses, each with its lower bounds.
        inferred: Codes placed in this row by this library's reading, not by the document's
            words (see the module notes); they are matched like ``codes``.
        note: Why the row covers what it does, where that needs saying.
    """

    name_zh: str
    name_en: str
    codes: tuple[IndustryCode, ...] = attrs.field(converter=_codes)
    bounds: tuple[SizeBounds, ...]
    inferred: tuple[IndustryCode, ...] = attrs.field(default=(), converter=_codes)
    note: str = ""

    @property
    def indicators(self) -> tuple[Indicator, ...]:
        """The indicators this row uses, in table order."""
        return tuple(b.indicator for b in self.bounds)

    @property
    def label(self) -> str:
        """``工业 (B, C, D)``: the name and the codes, for explanations."""
        codes = ", ".join(c.labelled if c.level == "section" else str(c) for c in self.codes)
        return f"{self.name_zh} ({codes})"

    def bounds_text(self, tier: SizeClass) -> str:
        """``employees ≥ 1,000 and revenue ≥ 40,000万元``: what ``tier`` requires."""
        return " and ".join(
            f"{b.indicator.value} ≥ {b.indicator.show(b.bound(tier))}" for b in self.bounds
        )


@attrs.frozen
class NotCovered:
    """GB/T 4754-2017 codes the NBS 2017 table does not size, and why."""

    codes: tuple[IndustryCode, ...] = attrs.field(converter=_codes)
    reason: str


_Target = SizeRow | NotCovered


@attrs.frozen
class SizeTable:
    """A size-classification table keyed to GB/T 4754-2017, with its source.

    The table is checked when built: bounds must fall from large to small and be
    non-negative, every row must use at least one indicator, once each, and no code may be
    placed twice. A bad table raises :class:`~sep.errors.RuleDefinitionError` at import,
    never at first use.
    """

    title: str
    number: str
    issuer: str
    issued: dt.date
    rows: tuple[SizeRow, ...]
    not_covered: tuple[NotCovered, ...]
    _keys: dict[IndustryCode, _Target] = attrs.field(init=False, repr=False, eq=False)

    def __attrs_post_init__(self) -> None:
        keys: dict[IndustryCode, _Target] = {}
        targets: list[tuple[str, tuple[IndustryCode, ...], _Target]] = []
        for i, row in enumerate(self.rows):
            targets.append((f"rows[{i}]", row.codes + row.inferred, row))
            seen: set[Indicator] = set()
            if not row.bounds:
                raise RuleDefinitionError("<builtin>", f"rows[{i}]", N_("uses no indicator"))
            for b in row.bounds:
                if b.indicator in seen:
                    raise RuleDefinitionError(
                        "<builtin>", f"rows[{i}].{b.indicator}", N_("indicator listed twice")
                    )
                seen.add(b.indicator)
                if not b.large >= b.medium >= b.small >= 0:
                    raise RuleDefinitionError(
                        "<builtin>",
                        f"rows[{i}].{b.indicator}",
                        N_("bounds must satisfy large ≥ medium ≥ small ≥ 0"),
                    )
        for i, gap in enumerate(self.not_covered):
            targets.append((f"not_covered[{i}]", gap.codes, gap))
        for where, codes, target in targets:
            for code in codes:
                if code in keys:
                    raise RuleDefinitionError(
                        "<builtin>", where, R_("code {code} is placed twice", code=code)
                    )
                keys[code] = target
        object.__setattr__(self, "_keys", keys)

    @property
    def citation(self) -> str:
        """The source, for explanations and reports."""
        return f"{self.title} ({self.number}), {self.issuer}, {self.issued.isoformat()}"

    def resolve(self, code: IndustryCode | str) -> tuple[SizeRow | None, str]:
        """The row sizing ``code`` and how it was found, or ``None`` and why not.

        The most specific listed code containing ``code`` decides (5910 lies in 591). A code
        too coarse to decide (section ``K`` holds 房地产开发经营, 物业管理 and others) gives
        ``None``.

        Example:
            >>> row, how = NBS_2017.resolve("5910")
            >>> row.name_zh, how
            ('交通运输业', '5910 lies in 591')
            >>> NBS_2017.resolve("5920")[0].name_zh
            '仓储业'
            >>> row, why = NBS_2017.resolve("59")
            >>> row is None
            True
            >>> print(why.split(";")[0])
            59 is too coarse: its parts fall under different rows (交通运输业 for 591
            >>> NBS_2017.resolve("C3911")[0].name_zh
            '工业'
            >>> print(NBS_2017.resolve("66")[1])  # doctest: +ELLIPSIS
            66 is not covered: 金融业 has its own size rule ...
        """
        row, how = self._resolve(code)
        return row, how if isinstance(how, str) else how.text("en")

    def _resolve(self, code: IndustryCode | str) -> tuple[SizeRow | None, str | _Unsized]:
        query = IndustryCode.parse(code)
        containing = [k for k in self._keys if query.is_within(k)]
        base_key = max(containing, key=lambda k: len(k.digits), default=None)
        base = self._keys[base_key] if base_key is not None else None
        finer = sorted(
            (k for k in self._keys if k != query and k.is_within(query)),
            key=lambda k: (k.section, k.digits),
        )
        splits = [k for k in finer if self._keys[k] is not base]
        if splits:
            groups: dict[str, list[str]] = {}
            if base is not None and base_key is not None:
                groups[_name(base)] = [str(base_key)]
            for k in splits:
                groups.setdefault(_name(self._keys[k]), []).append(str(k))
            return None, _Unsized(_COARSE, str(query), tuple(groups.items()))
        if base is None or base_key is None:
            return None, _Unsized(_NO_ROW, str(query))
        if isinstance(base, NotCovered):
            return None, _Unsized(_NOT_COVERED, str(query), reason=base.reason)
        how = f"{query} lies in {base_key}"
        if base_key in base.inferred:
            how += f" (placed in {base.name_zh} by inference: {base.note})"
        return base, how

    def row_for(self, code: IndustryCode | str) -> SizeRow | None:
        """The row sizing ``code``, or ``None`` (not covered, or too coarse to tell).

        Example:
            >>> NBS_2017.row_for("7010").name_en, NBS_2017.row_for("K") is None
            ('Real estate development and operation', True)
        """
        return self.resolve(code)[0]


def _name(target: _Target) -> str:
    return target.name_zh if isinstance(target, SizeRow) else _NOT_COVERED_ROW


# Why a code gets no row, said in English and kept apart so that reason_text can say it in
# another language (the table's notes included: they are catalogue entries).
_COARSE = N_(
    "{query} is too coarse: its parts fall under different rows ({parts}); "
    "give a more detailed GB/T 4754-2017 code"
)
_COARSE_PART = N_("{name} for {codes}")
_NO_ROW = N_("no row of the NBS 2017 table covers {query}")
_NOT_COVERED = N_("{query} is not covered: {reason}")
_NOT_COVERED_ROW = N_("not covered")


@attrs.frozen
class _Unsized:
    """Why ``query`` is not sized by the table: one of the templates above and its parts."""

    template: str
    query: str
    groups: tuple[tuple[str, list[str]], ...] = ()
    reason: str = ""

    def text(self, lang: str) -> str:
        tr = translation(lang).gettext
        parts = tr("; ").join(
            tr(_COARSE_PART).format(name=tr(name), codes=join(codes, lang))
            for name, codes in self.groups
        )
        return tr(self.template).format(
            query=self.query, parts=parts, reason=tr(self.reason) if self.reason else ""
        )


def _b(ind: Indicator, large: int, medium: int, small: int) -> SizeBounds:
    return SizeBounds(ind, Decimal(large), Decimal(medium), Decimal(small))


_X, _Y, _Z = Indicator.EMPLOYEES, Indicator.REVENUE, Indicator.ASSETS

#: The NBS 2017 size table (统计上大中小微型企业划分办法（2017）, 国统字〔2017〕213号).
NBS_2017 = SizeTable(
    title="统计上大中小微型企业划分办法（2017）",
    number="国统字〔2017〕213号",
    issuer="National Bureau of Statistics of China",
    issued=dt.date(2017, 12, 28),
    rows=(
        SizeRow(
            "农、林、牧、渔业",
            "Agriculture, forestry, animal husbandry and fishery",
            ("A",),
            (_b(_Y, 20000, 500, 50),),
            note="A 05 (professional and auxiliary activities) with the rest of A: unconfirmed",
        ),
        SizeRow(
            "工业",
            "Industry (mining, manufacturing, utilities)",
            ("B", "C", "D"),
            (_b(_X, 1000, 300, 20), _b(_Y, 40000, 2000, 300)),
        ),
        SizeRow(
            "建筑业",
            "Construction",
            ("E",),
            (_b(_Y, 80000, 6000, 300), _b(_Z, 80000, 5000, 300)),
        ),
        SizeRow(
            "批发业", "Wholesale trade", ("51",), (_b(_X, 200, 20, 5), _b(_Y, 40000, 5000, 1000))
        ),
        SizeRow("零售业", "Retail trade", ("52",), (_b(_X, 300, 50, 10), _b(_Y, 20000, 500, 100))),
        SizeRow(
            "交通运输业",
            "Transport (except railway)",
            ("54", "55", "56", "57", "58", "591"),
            (_b(_X, 1000, 300, 20), _b(_Y, 30000, 3000, 200)),
            note="excludes railway 53; 装卸搬运 591 placed here per the notes (unconfirmed)",
        ),
        SizeRow(
            "仓储业",
            "Warehousing",
            ("592", "593", "594", "595", "596", "599"),
            (_b(_X, 200, 100, 20), _b(_Y, 30000, 1000, 100)),
            note="the storage groups of division 59; its 装卸搬运 591 is 交通运输业",
        ),
        SizeRow(
            "邮政业", "Postal services", ("60",), (_b(_X, 1000, 300, 20), _b(_Y, 30000, 2000, 100))
        ),
        SizeRow(
            "住宿业", "Accommodation", ("61",), (_b(_X, 300, 100, 10), _b(_Y, 10000, 2000, 100))
        ),
        SizeRow("餐饮业", "Catering", ("62",), (_b(_X, 300, 100, 10), _b(_Y, 10000, 2000, 100))),
        SizeRow(
            "信息传输业",
            "Information transmission",
            ("63", "64"),
            (_b(_X, 2000, 100, 10), _b(_Y, 100000, 1000, 100)),
        ),
        SizeRow(
            "软件和信息技术服务业",
            "Software and information technology services",
            ("65",),
            (_b(_X, 300, 100, 10), _b(_Y, 10000, 1000, 50)),
        ),
        SizeRow(
            "房地产开发经营",
            "Real estate development and operation",
            ("701",),
            (_b(_Y, 200000, 1000, 100), _b(_Z, 10000, 5000, 2000)),
            note="the document names class 7010, the only class of group 701",
        ),
        SizeRow(
            "物业管理",
            "Property management",
            ("702",),
            (_b(_X, 1000, 300, 100), _b(_Y, 5000, 1000, 500)),
        ),
        SizeRow(
            "租赁和商务服务业",
            "Leasing and business services",
            ("L",),
            (_b(_X, 300, 100, 10), _b(_Z, 120000, 8000, 100)),
        ),
        SizeRow(
            "其他未列明行业",
            "Other industries not listed",
            ("M", "N", "O", "85", "R", "703", "709"),
            (_b(_X, 300, 100, 10),),
            inferred=("704",),
            note=(
                "704 房地产租赁经营 is not named by the notes; this row is read as the catch-all "
                "of the document's scope (unconfirmed)"
            ),
        ),
    ),
    not_covered=(
        NotCovered(
            ("J",),
            N_(
                "金融业 has its own size rule (金融业企业划型标准规定, 银发〔2015〕309号), "
                "outside the NBS 2017 table"
            ),
        ),
        NotCovered(
            ("53",),
            N_("铁路运输业 is expressly excluded from 交通运输业 and not placed in another row"),
        ),
        NotCovered(("P",), N_("教育 is outside the scope of the NBS 2017 rules (article 3)")),
        NotCovered(("84",), N_("卫生 is outside the scope of the NBS 2017 rules (article 3)")),
        NotCovered(
            ("S",),
            N_(
                "公共管理、社会保障和社会组织 is outside the scope of the NBS 2017 rules "
                "(article 3)"
            ),
        ),
        NotCovered(("T",), N_("国际组织 is outside the scope of the NBS 2017 rules (article 3)")),
    ),
)


@attrs.frozen
class SizeClassification:
    """The size of one enterprise by the NBS 2017 table, with the reasons.

    Attributes:
        size: The class, or UNKNOWN when the data cannot settle it.
        row: The table row used, or ``None`` when the industry is not sized by the table.
        reason: Why, in English, quoting the values and bounds compared
            (:meth:`reason_text` says it in Chinese too).
        missing: The indicators whose absence prevented an answer (empty when answered).
        possible: Every class still consistent with the data, largest first (one class when
            answered; none when the industry is not sized by the table).
        source: The citation of the table.
    """

    size: SizeClass
    row: SizeRow | None
    reason: str
    missing: tuple[str, ...] = ()
    possible: tuple[SizeClass, ...] = ()
    source: str = NBS_2017.citation
    # The values compared and whether the row was inferred, so that reason_text can say
    # the same reason in another language; not part of the value's identity.
    _known: tuple[tuple[SizeBounds, Decimal, SizeClass], ...] = attrs.field(
        default=(), eq=False, repr=False, alias="_known"
    )
    _inferred: bool = attrs.field(default=False, eq=False, repr=False, alias="_inferred")
    # Any, not _Unsized: the constructor is in the reference, and why a code is unsized is
    # carried only for reason_text (an _Unsized or None)
    _unsized: Any = attrs.field(default=None, eq=False, repr=False, alias="_unsized")

    def reason_text(self, lang: str = "en") -> str:
        """:attr:`reason` in ``lang``: the same values, bounds and classes compared.

        Args:
            lang: ``"en"`` (exactly :attr:`reason`) or ``"zh"``.

        Raises:
            ValidationError: ``lang`` is not one of the languages ``sep`` speaks.

        Example:
            >>> r = classify_size("C3911", employees=1200, revenue=Money.wan(50000), assets=None)
            >>> print(r.reason_text("zh"))
            工业 (B, C, D)：大型：从业人员 1,200 ≥ 1,000 且 营业收入 50,000万元 ≥ 40,000万元
        """
        check_lang(lang)
        if lang == "en":
            return self.reason
        _ = translation(lang).gettext
        if self.row is None:
            why = self.reason if self._unsized is None else self._unsized.text(lang)
            return _("not sized by the NBS 2017 table: {reason}").format(reason=why)
        compared = {bounds.indicator for bounds, _value, _tier in self._known}
        missing = [b.indicator.value for b in self.row.bounds if b.indicator not in compared]
        known: list[tuple[SizeBounds, Decimal, SizeClass]] = list(self._known)
        text = _explain(self.row, self.size, known, missing, self.possible, lang)
        if self._inferred:
            text += _(" [placed in this row by inference]")
        return text

    @property
    def is_large(self) -> Outcome:
        """Clause 3.1's question: is this a large enterprise? (MET, NOT_MET or UNKNOWN).

        NOT_MET as soon as the known indicators rule *large* out, even with others missing.

        Example:
            >>> r = classify_size("C39", employees=800, revenue=None, assets=None)
            >>> r.size, r.is_large
            (<SizeClass.UNKNOWN: 'unknown'>, <Outcome.NOT_MET: 'not_met'>)
        """
        if self.size is SizeClass.LARGE:
            return Outcome.MET
        if self.row is None or SizeClass.LARGE in self.possible:
            return Outcome.UNKNOWN
        return Outcome.NOT_MET


def _check_employees(value: Any) -> Decimal | None:
    if value is None:
        return None
    if not isinstance(value, int) or isinstance(value, bool):
        raise ValidationError(
            "employees", value, N_("must be a whole number of persons"), clause=_CLAUSE
        )
    if value < 0:
        raise ValidationError("employees", value, N_("must not be negative"), clause=_CLAUSE)
    return Decimal(value)


def _check_money(field: str, value: Any) -> Decimal | None:
    if value is None:
        return None
    if not isinstance(value, Money):
        raise ValidationError(field, value, N_("must be Money (CNY)"), clause=_CLAUSE)
    if value.currency != CNY:
        raise ValidationError(
            field,
            value,
            R_(
                "must be in CNY: the NBS 2017 bounds are in 万元 (got {currency})",
                currency=value.currency,
            ),
            clause=_CLAUSE,
        )
    if value.amount < 0:
        raise ValidationError(field, value, N_("must not be negative"), clause=_CLAUSE)
    return value.in_wan


def classify_size(
    industry: IndustryCode | str,
    *,
    employees: int | None,
    revenue: Money | None,
    assets: Money | None,
) -> SizeClassification:
    """Classify an enterprise as large, medium, small or micro by the NBS 2017 table.

    Args:
        industry: Its GB/T 4754-2017 code (the more detailed, the better: ``"C3911"``).
        employees: 从业人员, persons employed, or ``None`` if unknown.
        revenue: 营业收入 (CNY), or ``None`` if unknown.
        assets: 资产总额 (CNY), or ``None`` if unknown.

    Indicators the industry's row does not use are ignored. Missing data gives UNKNOWN
    unless the known indicators settle the class (one below the small bound settles micro).

    Raises:
        ValidationError: clause 3.1, naming ``industry``, ``employees``, ``revenue`` or
            ``assets``, for a bad code, a negative or non-integer headcount, or money that
            is negative or not in CNY.

    Example:
        >>> r = classify_size("C3911", employees=1200, revenue=Money.wan(50000), assets=None)
        >>> r.size
        <SizeClass.LARGE: 'large'>
        >>> print(r.reason)
        工业 (B, C, D): large: employees 1,200 ≥ 1,000 and revenue 50,000万元 ≥ 40,000万元
        >>> r = classify_size("52", employees=8, revenue=None, assets=None)
        >>> r.size, r.missing
        (<SizeClass.MICRO: 'micro'>, ())
        >>> r = classify_size("52", employees=80, revenue=None, assets=None)
        >>> r.size, r.missing, r.possible
        (<SizeClass.UNKNOWN: 'unknown'>, ('revenue',), (<SizeClass.MEDIUM: 'medium'>, \
<SizeClass.SMALL: 'small'>, <SizeClass.MICRO: 'micro'>))
        >>> classify_size("66", employees=5000, revenue=None, assets=None).size
        <SizeClass.UNKNOWN: 'unknown'>
    """
    code = IndustryCode.parse(industry)
    values: dict[Indicator, Decimal | None] = {
        Indicator.EMPLOYEES: _check_employees(employees),
        Indicator.REVENUE: _check_money("revenue", revenue),
        Indicator.ASSETS: _check_money("assets", assets),
    }
    row, how = NBS_2017._resolve(code)
    if row is None:
        assert not isinstance(how, str)  # no row: _resolve says why as an _Unsized
        return SizeClassification(SizeClass.UNKNOWN, None, how.text("en"), _unsized=how)
    assert isinstance(how, str)

    known: list[tuple[SizeBounds, Decimal, SizeClass]] = []
    missing: list[str] = []
    for b in row.bounds:
        value = values[b.indicator]
        if value is None:
            missing.append(b.indicator.value)
        else:
            known.append((b, value, b.tier_of(value)))
    ceiling = min((_RANKED.index(t) for _, _, t in known), default=len(_RANKED) - 1)
    settled = not missing or ceiling == 0
    possible: tuple[SizeClass, ...]
    if settled:
        size, possible = _RANKED[ceiling], (_RANKED[ceiling],)
    else:
        size, possible = SizeClass.UNKNOWN, tuple(reversed(_RANKED[: ceiling + 1]))
    reason = _explain(row, size, known, missing, possible)
    inferred = any(code.is_within(k) for k in row.inferred)
    if inferred:
        reason += f" [{how}]"
    return SizeClassification(
        size,
        row,
        reason,
        () if settled else tuple(missing),
        possible,
        _known=tuple(known),
        _inferred=inferred,
    )


def _indicator(ind: Indicator, lang: str) -> str:
    return ind.value if lang == "en" else ind.name_zh


def _cmp(b: SizeBounds, value: Decimal, tier: SizeClass, lang: str = "en") -> str:
    bound = b.bound(tier)
    sign = "≥" if value >= bound else "<"
    shown, limit = b.indicator.show(value), b.indicator.show(bound)
    return f"{_indicator(b.indicator, lang)} {shown} {sign} {limit}"


def _explain(
    row: SizeRow,
    size: SizeClass,
    known: list[tuple[SizeBounds, Decimal, SizeClass]],
    missing: list[str],
    possible: tuple[SizeClass, ...],
    lang: str = "en",
) -> str:
    """The reason of a classification, in ``lang``: one set of templates for both, so
    the English and the Chinese say the same comparisons."""
    _ = translation(lang).gettext
    both, sep = _(" and "), _("; ")
    head = row.label
    names = [_indicator(Indicator(m), lang) for m in missing]

    def said(tier: SizeClass) -> str:
        return label(tier, lang)

    if size is SizeClass.UNKNOWN:
        could = translation(lang).gettext(", ").join(said(p) for p in reversed(possible))
        parts = [
            _("{row}: unknown (could be {could}): {missing} missing").format(
                row=head, could=could, missing=both.join(names)
            )
        ]
        top = possible[0]
        if known and top is not SizeClass.LARGE:
            above = _RANKED[_RANKED.index(top) + 1]
            lows = [_cmp(b, v, above, lang) for b, v, t in known if t is top]
            parts.append(_("not {size}: {lows}").format(size=said(above), lows=both.join(lows)))
        return sep.join(parts)
    if size is SizeClass.MICRO:
        lows = [_cmp(b, v, SizeClass.SMALL, lang) for b, v, t in known if t is SizeClass.MICRO]
        needs = both.join(
            f"{_indicator(b.indicator, lang)} ≥ {b.indicator.show(b.bound(SizeClass.SMALL))}"
            for b in row.bounds
        )
        text = _("{row}: micro: {lows} (small needs {needs})").format(
            row=head, lows=both.join(lows), needs=needs
        )
        if missing:
            text += sep + _("{missing} missing but cannot change this").format(
                missing=both.join(names)
            )
        return text
    meets = both.join(_cmp(b, v, size, lang) for b, v, _t in known)
    text = _("{row}: {size}: {meets}").format(row=head, size=said(size), meets=meets)
    if size is not SizeClass.LARGE:
        above = _RANKED[_RANKED.index(size) + 1]
        lows = [_cmp(b, v, above, lang) for b, v, t in known if t is size]
        text += sep + _("not {size}: {lows}").format(size=said(above), lows=both.join(lows))
    return text
