"""The one message catalogue of ``sep``: every text a person reads, in English and Chinese.

Code says its texts in English and marks them (``tr.gettext("...")``, ``N_("...")`` where
the text is only named and said later); ``pybabel extract -F babel.cfg`` collects them, with
the parameter sources of the shipped rule packs, into ``sep/locale/sep.pot``; the Chinese
is ``sep/locale/zh_Hans/LC_MESSAGES/sep.po``, compiled to the ``sep.mo`` next to it that the
package ships. At run time only the standard library's :mod:`gettext` reads it.

It serves every rendering of T/CATE 0001—2020's clauses: explanations of decisions
(3.1, 4.2.1, 4.3.5, 4.3.7), the conformance audit (4.1–4.3.7), scenario comparisons, the
demo, and the command line, which takes :func:`gettext` for its own messages.

Amounts are written as people write them: ``8,200,000 CNY`` in English, ``820万元`` or
``1.2亿元`` in Chinese (:func:`format_cny_zh`).
"""

from __future__ import annotations

import enum
import functools
import gettext as _gettext
import re
import unicodedata
from collections.abc import Callable, Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

from sep._limits import MONEY_CONTEXT
from sep._reason import N_
from sep._suggest import check_lang

__all__ = [
    "CLICK_DOMAIN",
    "DOMAIN",
    "LOCALE_DIR",
    "N_",
    "click_translation",
    "format_cny_zh",
    "gettext",
    "group_digits",
    "html_lang",
    "join",
    "label",
    "pad",
    "translation",
    "width",
    "wrap",
]

#: The gettext domain: the catalogue's file name.
DOMAIN = "sep"
#: The domain of click's own words, extracted from click itself (see ``babel.cfg``).
CLICK_DOMAIN = "click"
#: Where the compiled catalogues live, inside the package.
LOCALE_DIR = Path(__file__).parent / "locale"
#: The catalogue of each language ``sep`` speaks; English is the code's own text.
_CATALOGUES = {"zh": "zh_Hans"}


def translation(lang: str = "en") -> _gettext.NullTranslations:
    """The translations of ``lang`` (``en``: the English of the code, unchanged).

    Raises:
        ValidationError: ``lang`` is not one of the languages ``sep`` speaks.

    Example:
        >>> translation("zh").gettext("met"), translation("en").gettext("met")
        ('满足', 'met')
    """
    return _load(check_lang(lang))  # checked first: a hostile lang never reaches the cache


def click_translation(lang: str = "en") -> _gettext.NullTranslations:
    """The translations of click's own words (``Usage:``, ``Missing argument``, …) in
    ``lang``: the ``click`` catalogue beside ``sep``'s, which only the command line reads.

    Raises:
        ValidationError: ``lang`` is not one of the languages ``sep`` speaks.

    Example:
        >>> click_translation("zh").gettext("Usage:")
        '用法：'
    """
    return _load(check_lang(lang), CLICK_DOMAIN)


@functools.cache
def _load(lang: str, domain: str = DOMAIN) -> _gettext.NullTranslations:
    if lang not in _CATALOGUES:
        return _gettext.NullTranslations()
    # fallback=False: a package without its catalogue is broken, not silently English.
    return _gettext.translation(domain, LOCALE_DIR, languages=[_CATALOGUES[lang]])


def gettext(lang: str = "en") -> Callable[[str], str]:
    """The ``_`` of ``lang``: English text in, the text in ``lang`` out (for the CLI).

    Example:
        >>> _ = gettext("zh")
        >>> _("none")
        '无'
    """
    return translation(lang).gettext


def label(value: Any, lang: str = "en") -> str:
    """A value a reader sees in ``lang``: an enum member or a value of the catalogue
    (``large`` → ``大型``); anything else as :class:`str` gives it.

    In English a value reads as its stable JSON string, so texts and data agree.

    Example:
        >>> from sep.domain import SizeClass
        >>> label(SizeClass.LARGE, "zh"), label(SizeClass.LARGE), label("H Group", "zh")
        ('大型', 'large', 'H Group')
    """
    text = value.value if isinstance(value, enum.Enum) else value
    text = str(text)
    if lang == "en":
        return text
    return translation(lang).gettext(text) if text else text


def join(items: Any, lang: str = "en") -> str:
    """``items`` as a list a reader of ``lang`` expects: ``a, b`` or ``a、b``.

    Example:
        >>> join(["4.3.5(a)", "4.3.5(b)"], "zh")
        '4.3.5(a)、4.3.5(b)'
    """
    return translation(lang).gettext(", ").join(str(i) for i in items)


def html_lang(lang: str) -> str:
    """The ``lang`` attribute of an HTML page in ``lang`` (``en``, ``zh-CN``).

    Example:
        >>> html_lang("zh")
        'zh-CN'
    """
    return _HTML_LANG[check_lang(lang)]


_HTML_LANG = {"en": "en", "zh": "zh-CN"}


_WAN = Decimal(10_000)
_YI = Decimal(100_000_000)


def format_cny_zh(amount: Decimal) -> str:
    """A yuan amount as Chinese text writes it: 亿元 from 1亿, 万元 from 1万, else 元.

    The larger unit is used only while it stays exact with at most four decimals, so a
    threshold or a margin is never rounded into a different figure.

    Example:
        >>> [format_cny_zh(Decimal(v)) for v in ("10000000", "120000000", "5000", "-120000")]
        ['1,000万元', '1.2亿元', '5,000元', '-12万元']
        >>> format_cny_zh(Decimal("123456789")), format_cny_zh(Decimal("0.5"))
        ('12,345.6789万元', '0.5元')
    """
    size = abs(amount)
    for unit, word in ((_YI, "亿元"), (_WAN, "万元")):
        if size >= unit:
            scaled = MONEY_CONTEXT.divide(amount, unit).normalize(MONEY_CONTEXT)
            exponent = scaled.as_tuple().exponent
            if isinstance(exponent, int) and exponent >= -4:
                return f"{group_digits(scaled)}{word}"
    return f"{group_digits(amount)}元"


def group_digits(amount: Decimal) -> str:
    """``amount`` with thousands separators, exact, without trailing zeros (``1,000.5``)."""
    normal = amount.normalize(MONEY_CONTEXT)
    if normal == normal.to_integral():
        return f"{int(normal):,}"
    return f"{normal:,f}"


def extract_pack_texts(
    fileobj: Any, keywords: Any, comment_tags: Any, options: Any
) -> Iterator[tuple[int, str, str, list[str]]]:
    """Babel extraction method for the shipped rule packs: their parameter sources.

    A pack's own texts come in both languages (``en``, ``zh``); a source is written once,
    in English, and read in Chinese through the catalogue.
    """
    import tomllib

    raw = fileobj.read()
    text = raw.decode("utf-8") if isinstance(raw, bytes) else raw
    lines = text.splitlines()
    for param in tomllib.loads(text).get("parameters", {}).values():
        for value in param.get("values", ()):
            source = value.get("source")
            # A source written in Chinese (国科发区〔2018〕300号 …) is already the reader's.
            if isinstance(source, str) and re.search("[A-Za-z]{3}", source):
                line = next((i for i, t in enumerate(lines, 1) if source in t), 0)
                yield line, "", source, []


def width(text: str) -> int:
    """The columns ``text`` takes on a terminal: a wide (CJK) character takes two.

    Example:
        >>> width("met"), width("不符合")
        (3, 6)
    """
    wide = sum(1 for ch in text if unicodedata.east_asian_width(ch) in "WF")
    zero = sum(1 for ch in text if unicodedata.combining(ch))
    return len(text) + wide - zero


# A wide character is a place to break a line; closing punctuation stays with what it
# closes, opening punctuation with what it opens (the line-breaking rules of Chinese).
_NO_START = frozenset("，。、；：？！）》」』】〕〉”’%,.;:?!)]}")
_NO_END = frozenset("（《「『【〔〈“‘([{")
_TOKEN = re.compile(r"\s+|[^\s]")


def wrap(text: str, columns: int) -> list[str]:
    """``text`` broken into lines of at most ``columns`` terminal columns, between words in
    English and between characters in Chinese (where :mod:`textwrap` cannot break, and
    counts a wide character as one column). A word longer than a line has a line of its own.

    Example:
        >>> wrap("按 T/CATE 0001—2020 第4章逐条审核平台。", 20)
        ['按 T/CATE 0001—2020', '第4章逐条审核平台。']
        >>> wrap("one two three", 8)
        ['one two', 'three']
    """
    units: list[str] = []  # what may not be split: a space run, a word, a wide character
    for token in _TOKEN.findall(text):
        wide = width(token) > 1 or token in _NO_START or token in _NO_END
        if not units or token.isspace() or units[-1].isspace():
            units.append(token)
        elif token in _NO_START or units[-1][-1] in _NO_END:
            units[-1] += token
        elif wide or width(units[-1][-1]) > 1:
            units.append(token)
        else:
            units[-1] += token
    lines: list[str] = []
    line = ""
    for unit in units:
        if unit.isspace():
            if line:
                line += unit  # as written: click sets "  [default: …]" two spaces off
            continue
        if line and width(line) + width(unit) > columns:
            lines.append(line.rstrip())
            line = ""
        line += unit
    if line.strip():
        lines.append(line.rstrip())
    return lines


def pad(text: str, columns: int, align: str = "<") -> str:
    """``text`` padded with spaces to ``columns`` terminal columns (``<`` left, ``>`` right),
    so that tables line up in Chinese as in English (``str.ljust`` counts characters).

    Example:
        >>> [pad(t, 8) + "|" for t in ("符合", "不符合", "unknown")]
        ['符合    |', '不符合  |', 'unknown |']
    """
    fill = " " * max(0, columns - width(text))
    return fill + text if align == ">" else text + fill
