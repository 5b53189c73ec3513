"""The message catalogue (sep._i18n): complete, current, and the only source of Chinese text.

Every msgid of ``sep/locale/sep.pot`` has a Chinese translation with the same placeholders;
re-extracting the code and the shipped packs gives exactly the template's msgids; the
compiled ``sep.mo`` says what the ``.po`` says; and Chinese renderings (explanations of every
shipped pack's criteria on random inputs, audit reports, scenario texts, the demo) contain
no English word that the catalogue translates. Amounts read as Chinese texts write them.
"""

from __future__ import annotations

import datetime as dt
import enum
import io
import re
import string
from collections.abc import Iterable, Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import attrs
import pytest
from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po
from hypothesis import given, settings
from hypothesis import strategies as st

import sep
import sep.domain
from sep._demo import run_demo
from sep._i18n import LOCALE_DIR, format_cny_zh, gettext, label, translation
from sep._outcome import Outcome
from sep.assessment import Status, audit
from sep.domain import Money, Platform
from sep.domain._money import format_amount
from sep.errors import ValidationError
from sep.evaluation import (
    ELIGIBILITY,
    EVALUATION,
    GRADUATION,
    TORCH_2018_GRADUATION,
    RulePack,
    builtin_pack,
    check,
    pack_from_mapping,
)
from sep.evaluation._spec import InputSpec
from sep.examples import annex_c_founder, annex_c_platform
from sep.lifecycle import standard_definition
from tests.strategies import platform_s

pytestmark = pytest.mark.clause("3.1", "4.2.1", "4.3.5", "4.3.7-b")

ROOT = Path(__file__).resolve().parent.parent
POT = LOCALE_DIR / "sep.pot"
PO = LOCALE_DIR / "zh_Hans" / "LC_MESSAGES" / "sep.po"
MO = PO.with_suffix(".mo")
PACKS = (ELIGIBILITY, EVALUATION, GRADUATION, TORCH_2018_GRADUATION)
ON = dt.date(2026, 1, 1)


def _read(path: Path) -> Catalog:
    with path.open("rb") as f:
        return read_po(f)


def _messages(catalog: Catalog) -> dict[str, Any]:
    """The catalogue's messages by msgid (a plural message by its singular)."""
    return {_singular(m.id): m for m in catalog if m.id}


def _singular(msgid: str | tuple[str, ...]) -> str:
    return msgid if isinstance(msgid, str) else msgid[0]


def _texts(value: str | tuple[str, ...]) -> tuple[str, ...]:
    return (value,) if isinstance(value, str) else tuple(value)


def _fields(text: str) -> set[str]:
    """The placeholder names of a ``str.format`` template (``{id:28s}`` → ``id``)."""
    return {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}


# -- the catalogue is complete and current -----------------------------------------------


def test_every_msgid_has_a_chinese_translation_with_the_same_placeholders() -> None:
    """Every msgid of the template is in the zh catalogue, translated (non-empty, not
    fuzzy), with the same {placeholders} as the English."""
    template = _messages(_read(POT))
    chinese = _messages(_read(PO))
    assert template, "the template is empty"
    problems = []
    for msgid, english in template.items():
        message = chinese.get(msgid)
        if message is None or not all(_texts(message.string)) or message.fuzzy:
            problems.append(f"untranslated: {msgid!r}")
            continue
        # Chinese has one plural form: it must say every placeholder any English form says.
        wanted = set().union(*(_fields(e) for e in _texts(english.id)))
        for text in _texts(message.string):
            if _fields(text) != wanted:
                problems.append(f"placeholders differ: {msgid!r} vs {text!r}")
    stale = sorted(set(chinese) - set(template))
    assert not problems, "\n".join(problems)
    assert not stale, f"translations of msgids no longer in the code: {stale}"


def _not_hidden(path: str) -> bool:
    """Babel's default skips ``_``-folders, which would miss ``sep/_cli``."""
    return not Path(path).name.startswith(".")


def test_the_template_is_what_the_code_and_packs_say() -> None:
    """Re-extracting with babel.cfg (the code's marked texts, the packs' sources) gives
    exactly the template's msgids: none new, none stale."""
    with (ROOT / "babel.cfg").open() as f:
        method_map, options_map = parse_mapping_cfg(f)
    found = {
        _singular(message)
        for _, _, message, _, _ in extract_from_dir(
            str(ROOT), method_map, options_map, directory_filter=_not_hidden
        )
    }
    found.discard("")
    template = set(_messages(_read(POT)))
    assert sorted(found - template) == [], "run pybabel extract (see babel.cfg)"
    assert sorted(template - found) == [], "run pybabel extract (see babel.cfg)"


def test_the_compiled_catalogue_says_what_the_po_says() -> None:
    """The shipped sep.mo is compiled from the current sep.po (run pybabel compile)."""
    with MO.open("rb") as f:
        compiled = {_singular(m.id): _texts(m.string) for m in read_mo(f) if m.id}
    source = {_singular(m.id): _texts(m.string) for m in _read(PO) if m.id and not m.fuzzy}
    assert compiled == source


def test_every_value_of_the_standards_lists_has_a_chinese_label() -> None:
    """Every member of every public enum (sizes, outcomes, modules, tiers, norm areas,
    states, ...) and every lifecycle state reads in Chinese, differently from its value."""
    enums = [
        obj
        for module in (sep, sep.domain)
        for name in module.__all__
        if isinstance(obj := getattr(module, name), type) and issubclass(obj, enum.Enum)
    ]
    enums += [Outcome, Status]
    values = [str(m.value) for e in enums for m in e]
    values += [s.name for s in standard_definition().states]
    assert len(enums) > 15
    untranslated = sorted({v for v in values if label(v, "zh") == v})
    assert untranslated == []


def test_amounts_read_as_chinese_texts_write_them() -> None:
    """CNY in Chinese: 亿元 from 1亿 and 万元 from 1万 while exact to four decimals, else 元;
    grouped by thousands; English keeps the full figure and the currency code."""
    cases = {
        "10000000": "1,000万元",
        "120000000": "1.2亿元",
        "100000000": "1亿元",
        "5000000": "500万元",
        "32000000": "3,200万元",
        "8200000": "820万元",
        "150000000000": "1,500亿元",
        "5000": "5,000元",
        "0": "0元",
        "-120000": "-12万元",
        "123456789": "12,345.6789万元",
        "10000.5": "10,000.5元",
        "0.01": "0.01元",
    }
    for amount, text in cases.items():
        assert format_amount(Decimal(amount), lang="zh") == text, amount
        assert format_cny_zh(Decimal(amount)) == text
    assert Money(10_000_000).format("zh") == "1,000万元"
    assert Money(10_000_000).format() == "10,000,000 CNY"
    assert format_amount(Decimal(120_000_000), "USD", "zh") == "120,000,000 USD"


@given(st.integers(min_value=-(10**20), max_value=10**20))
def test_a_chinese_amount_is_the_same_figure(amount: int) -> None:
    """Whatever unit is chosen, the Chinese text is exactly the amount: nothing is rounded."""
    text = format_cny_zh(Decimal(amount))
    unit = {"亿元": 10**8, "万元": 10**4, "元": 1}
    word = next(w for w in unit if text.endswith(w))
    assert Decimal(text.removesuffix(word).replace(",", "")) * unit[word] == amount


def test_every_language_choice_is_checked() -> None:
    """An unknown language is a ValidationError naming lang, from the catalogue and from
    every rendering; English is the code's own text."""
    decision = check(GRADUATION, {}, on=ON)
    report = audit(annex_c_platform(portfolio=False), on=ON)
    for call in (
        lambda: translation("fr"),
        lambda: gettext("zh_TW"),
        lambda: decision.explain("fr"),
        lambda: report.to_markdown("fr"),
        lambda: report.rows[0].title("fr"),
        lambda: report.rows[0].evidence[0].text("fr"),
        lambda: Status.UNKNOWN.label("fr"),
        lambda: run_demo(io.StringIO(), lang="fr"),
    ):
        with pytest.raises(ValidationError) as err:
            call()
        assert err.value.field == "lang"
    assert gettext("en")("none") == "none"
    assert gettext("zh")("none") == "无"


# -- Chinese renderings contain no English word the catalogue translates ------------------


def _catalogue_english() -> tuple[set[str], set[str]]:
    """The labels (msgids that are words: ``large``, ``not met``, ``general_management``)
    and the English phrases (two or more words between placeholders) of the catalogue."""
    labels: set[str] = set()
    phrases: set[str] = set()
    for message in _messages(_read(POT)).values():
        for msgid in _texts(message.id):
            if re.fullmatch(r"[A-Za-z][A-Za-z_ ]*", msgid.strip()):
                labels.add(msgid.strip().lower())
            for literal, *_ in string.Formatter().parse(msgid):
                words = re.findall(r"[A-Za-z]+(?: [A-Za-z]+)+", literal)
                phrases.update(w.lower() for w in words)
    return labels, phrases


LABELS, PHRASES = _catalogue_english()


def _identifiers(packs: Iterable[RulePack]) -> set[str]:
    """Names a reader types (inputs, parameters, criterion ids' parts, pack ids): not words."""
    names: set[str] = {"cny", "sep"}
    for pack in packs:
        names.update(n.lower() for n in pack.inputs)
        names.update(n.lower() for n in pack.parameters)
        names.update(re.split(r"[/.\-]", pack.id.lower()))
        stack = list(pack.criteria)
        while stack:
            c = stack.pop()
            names.update(p.lower() for p in re.findall(r"[A-Za-z_]+", c.id))
            stack.extend(c.children)
    return names


def _english_left(text: str, allowed: set[str]) -> list[str]:
    """The catalogue's English words and phrases found in ``text`` (a Chinese rendering)."""
    lowered = text.lower()
    found = []
    for phrase in sorted(LABELS | PHRASES):
        if phrase in allowed:
            continue
        for match in re.finditer(rf"(?<![A-Za-z0-9_]){re.escape(phrase)}(?![A-Za-z0-9_])", lowered):
            found.append(f"{phrase!r} in …{text[max(0, match.start() - 30) : match.end() + 30]}…")
    return found


def _input_s(spec: InputSpec) -> st.SearchStrategy[Any]:
    if spec.type == "bool":
        return st.booleans()
    if spec.type == "enum":
        return st.sampled_from(spec.values)
    if spec.type == "money":
        low = int(spec.minimum) if spec.minimum is not None else -(10**9)
        return st.integers(min_value=low, max_value=10**11).map(str)
    if spec.type == "number":
        low = int(spec.minimum) if spec.minimum is not None else 0
        high = int(spec.maximum) if spec.maximum is not None else 100
        return st.integers(min_value=low, max_value=high)
    years = spec.period == "year"
    periods = (
        [str(y) for y in range(2019, 2026)]
        if years
        else [f"{y}Q{q}" for y in range(2023, 2026) for q in range(1, 5)]
    )
    low = int(spec.minimum) if spec.minimum is not None else -(10**8)
    return st.dictionaries(
        st.sampled_from(periods), st.integers(min_value=low, max_value=10**9).map(str)
    )


@st.composite
def pack_facts(draw: st.DrawFn) -> tuple[str, dict[str, Any]]:
    """A shipped pack and facts for it: each input absent or a value of its type."""
    pack_id = draw(st.sampled_from(PACKS))
    pack = builtin_pack(pack_id)
    facts = {}
    for name, spec in pack.inputs.items():
        if draw(st.integers(0, 4)):  # mostly present: every kind of line gets rendered
            facts[name] = draw(_input_s(spec))
    return pack_id, facts


ALLOWED = _identifiers(builtin_pack(p) for p in PACKS)


@settings(max_examples=150, deadline=None)
@given(pack_facts())
def test_chinese_explanations_have_no_catalogued_english(case: tuple[str, dict[str, Any]]) -> None:
    """Explanations of every criterion of every shipped pack, on random inputs, say no
    English word or phrase of the catalogue in Chinese (values, outcomes, sources...)."""
    pack_id, facts = case
    decision = check(pack_id, facts, on=ON)
    assert _english_left(decision.explain("zh"), ALLOWED) == []
    english = decision.explain("en")
    assert english != decision.explain("zh")


def _data_strings(value: Any, seen: set[int] | None = None) -> Iterator[str]:
    """Every text a platform's data holds (names, titles, ...): the user's, not sep's."""
    seen = seen if seen is not None else set()
    if id(value) in seen:
        return
    seen.add(id(value))
    if isinstance(value, enum.Enum):
        return
    if isinstance(value, str):
        yield value
    elif attrs.has(type(value)):
        for field in attrs.fields(type(value)):
            yield from _data_strings(getattr(value, field.name), seen)
    elif isinstance(value, dict):
        for item in value.values():
            yield from _data_strings(item, seen)
    elif isinstance(value, tuple | list | frozenset | set):
        for item in value:
            yield from _data_strings(item, seen)


def _without_data(text: str, platform: Platform, *, ours: bool = False) -> str:
    """``text`` without the platform's data; with ``ours``, the data is sep's own example,
    and those of its texts that the catalogue translates stay to be checked."""
    for data in sorted(set(_data_strings(platform)), key=len, reverse=True):
        if data.strip() and not (ours and label(data, "zh") != data):
            # Only where it stands alone: a name "_" is no part of "development_plan".
            text = re.sub(rf"(?<![A-Za-z0-9_]){re.escape(data)}(?![A-Za-z0-9_])", " ", text)
    return text


def _field_names() -> set[str]:
    """The platform's fields, which a "not recorded" note names for the caller to send."""
    return {f.name.lower() for f in attrs.fields(Platform)}


AUDIT_ALLOWED = ALLOWED | _field_names()


def test_the_chinese_audit_of_annex_c_has_no_catalogued_english() -> None:
    """The Annex C platform's audit in Chinese (Markdown and HTML): enum values, resources,
    statuses and outcomes are all said in Chinese (e.g. 提供工业互联网, not "industrial
    internet")."""
    platform = annex_c_platform(portfolio=False)
    report = audit(platform, on=dt.date(2020, 9, 30))
    page = re.sub(r"<style>.*?</style>|<[^>]*>", " ", report.to_html("zh"))  # words, not markup
    for text in (report.to_markdown("zh"), page):
        assert _english_left(_without_data(text, platform, ours=True), AUDIT_ALLOWED) == []
    assert "提供工业互联网" in report.to_markdown("zh")
    assert "industrial internet" in report.to_markdown("en")
    # A status inside a note is one of the report's own words, in either language.
    assert "**依据**：4.2.1：符合；4.2.4：符合" in report.to_markdown("zh")
    assert "**Evidence:** 4.2.1: SATISFIED; 4.2.4: SATISFIED" in report.to_markdown("en")


@settings(max_examples=20, deadline=None)
@given(platform_s)
def test_chinese_audits_of_generated_platforms_have_no_catalogued_english(
    platform: Platform,
) -> None:
    """Audits of generated platforms, in Chinese, say every value of the standard's lists
    and every note in Chinese; only the platform's own data may be English."""
    report = audit(platform, on=ON)
    text = _without_data(report.to_markdown("zh"), platform)
    assert _english_left(text, AUDIT_ALLOWED) == []


def test_the_chinese_scenario_comparison_has_no_catalogued_english() -> None:
    """A scenario comparison's Chinese text says outcomes and counts in Chinese."""
    pd = pytest.importorskip("pandas")
    from sep.portfolio import Scenario, compare

    frame = pd.DataFrame(
        {
            "revenue": [5e6, 15e6, 25e6],
            "profit": [2e6] * 3,
            "organisation_complete": [True] * 3,
            "needs_platform_services": [False] * 3,
        }
    )
    for period in ("2025Q1", "2025Q2", "2025Q3", "2025Q4"):
        frame[f"operating_cash_flow[{period}]"] = [1e6] * 3
    on = dt.date(2025, 6, 30)
    c = compare(
        frame, Scenario("严格", params={"revenue_min": "20000000"}, on=on), baseline=Scenario(on=on)
    )
    text = c.text("zh")
    assert "3 行中 1 行结论改变" in text
    assert "对比基线「基线」" in text
    assert _english_left(text, ALLOWED) == []
    english = c.text("en")
    assert "1 of 3 rows change outcome." in english
    assert "  met → unknown: 1 row\n" in english


def test_the_chinese_demo_has_no_catalogued_english() -> None:
    """``python -m sep demo --lang zh`` says the platform, the size, the decisions, the
    parameter sources and the incubatees' origins in Chinese."""
    out = io.StringIO()
    run_demo(out, lang="zh")
    platform = annex_c_platform(portfolio=False)
    text = _without_data(out.getvalue(), platform, ours=True)
    assert _english_left(text, ALLOWED) == []
    assert "大型" in text
    assert "sep 默认值" in text


def _one_criterion_pack(combine: str) -> RulePack:
    return pack_from_mapping(
        {
            "pack": {
                "id": "demo/one",
                "version": "1",
                "question": "graduation",
                "document": "T/CATE 0001—2020",
                "clause": "4.3.5",
                "combine": combine,
                "en": "one",
                "zh": "一项",
            },
            "inputs": {"a": {"type": "bool", "clause": "4.3.5(a)", "en": "a", "zh": "甲"}},
            "criteria": [
                {
                    "id": "a",
                    "clause": "4.3.5(a)",
                    "en": "a holds",
                    "zh": "甲成立",
                    "condition": {"input": "a", "op": "==", "value": True},
                }
            ],
        }
    )


def test_counts_of_criteria_agree_in_english() -> None:
    """The summary says "criterion" for one and "criteria" for more (ngettext), while
    Chinese, which has one form, says the count."""
    one = _one_criterion_pack("all")
    first = check(one, {"a": True}, on=ON).explain().splitlines()[0]
    assert first.endswith("MET — the 1 criterion is met")
    failed = check(one, {"a": False}, on=ON)
    assert failed.explain().splitlines()[0].endswith("1 of 1 criterion not met: a")
    assert failed.explain("zh").splitlines()[0].endswith("1项中1项不满足：a")
    either = check(_one_criterion_pack("any"), {"a": False}, on=ON)
    assert either.explain().splitlines()[0].endswith("the 1 criterion is not met")
    every = check(ELIGIBILITY, annex_c_founder(), on=ON)
    assert every.explain().splitlines()[0].endswith("all 5 criteria are met")
    assert every.explain("zh").splitlines()[0].endswith("全部5项均满足")
