"""``--help`` and click's own words in Chinese (``--lang zh``), English unchanged.

The commands' help is sep's catalogue; click's words (``Usage:``, ``Missing argument``, …)
are a ``click`` catalogue extracted from the installed click, complete for it, and said
only inside ``sep`` commands: another click program in the same process stays English.
Chinese help pages break lines between characters and fit the page's width in terminal
columns (:func:`sep._i18n.wrap`).
"""

from __future__ import annotations

import gettext
import importlib
import pkgutil
import re
import string
from pathlib import Path

import click
import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po
from click.testing import CliRunner, Result
from hypothesis import given
from hypothesis import strategies as st

from sep._cli import _help as help_module
from sep._cli import cli
from sep._i18n import LOCALE_DIR, click_translation, width, wrap
from tests.test_i18n import ALLOWED, _english_left

pytestmark = pytest.mark.clause("4.3.5", "4.2.1", "4.3.7-b")

CJK = re.compile(r"[\u4e00-\u9fff]")
CLICK_POT = LOCALE_DIR / "click.pot"
CLICK_PO = LOCALE_DIR / "zh_Hans" / "LC_MESSAGES" / "click.po"
CLICK_DIR = Path(click.__file__).parent
#: click's words that a help page or usage error shows; none may stay English in zh.
CLICK_WORDS = ("Usage:", "Options:", "Commands:", "Show this message and exit", "default:")
#: Click modules that say nothing a sep user reads (editor, pager, Windows console, shell
#: completion scripts), so they keep click's English.
NOT_SHOWN = {"click._termui_impl", "click._winconsole", "click.shell_completion"}


def _run(*argv: str) -> Result:
    return CliRunner().invoke(cli, list(argv), catch_exceptions=False)


def _fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}


def _key(value: str | tuple[str, ...] | list[str]) -> str | tuple[str, ...]:
    return value if isinstance(value, str) else tuple(value)


#: What a help page names as a user types it: options with the values they take
#: (``--format json``), commands (``sep demo | head -3``, ``'sep check graduation'``),
#: choices (``{incubatee|enterprise|platform}``, ``[en|zh]``).
TYPED = re.compile(
    r"--[a-z][a-z-]*(?:[ =](?:json|text|dot|mermaid|en|zh)\b)?"
    r"|'[^'\n]*'|\bsep(?: [a-z-]+)+(?: \| head -3)?|\{[a-z|-]+\}|\[[a-z|-]+\]"
)
#: Names a help page says as they are typed or written in the data: the ``id`` field, the
#: document kinds of ``sep schema NAME`` (``platform``).
DATA_NAMES = {"id", "platform"}


def _commands() -> list[str]:
    return sorted(cli.commands)  # type: ignore[attr-defined]


# -- the click catalogue -----------------------------------------------------------------


def _installed_click_msgids() -> dict[str, tuple[str, ...]]:
    """Every text the installed click passes to ``_``/``ngettext``, by its singular."""
    found = {}
    for _, _, message, _, _ in extract_from_dir(
        str(CLICK_DIR),
        [("**.py", "python")],
        keywords={"_": None, "ngettext": (1, 2)},
    ):
        forms = (message,) if isinstance(message, str) else tuple(message)
        if forms[0]:
            found[forms[0]] = forms
    return found


def test_every_word_of_the_installed_click_has_a_chinese_translation() -> None:
    """Each text the installed click can say is in the zh click catalogue, translated, with
    no placeholder click does not pass and every placeholder of its plural form: a click
    release with new words fails here until `click.pot` is re-extracted (see babel.cfg)."""
    with CLICK_PO.open("rb") as f:
        chinese = {(m.id if isinstance(m.id, str) else m.id[0]): m for m in read_po(f) if m.id}
    problems = []
    for msgid, forms in _installed_click_msgids().items():
        message = chinese.get(msgid)
        if message is None or message.fuzzy or not message.string:
            problems.append(f"untranslated: {msgid!r}")
            continue
        text = message.string if isinstance(message.string, str) else message.string[0]
        passed = set().union(*(_fields(f) for f in forms))
        if not _fields(forms[-1]) <= _fields(text) <= passed:
            problems.append(f"placeholders: {msgid!r} vs {text!r}")
    assert not problems, "\n".join(problems)


def test_the_compiled_click_catalogue_says_what_its_po_says() -> None:
    """The shipped click.mo is compiled from click.po, and the template lists its msgids."""
    with CLICK_PO.with_suffix(".mo").open("rb") as f:
        compiled = {_key(m.id): _key(m.string) for m in read_mo(f) if m.id}
    with CLICK_PO.open("rb") as f:
        source = {_key(m.id): _key(m.string) for m in read_po(f) if m.id}
    assert compiled == source
    with CLICK_POT.open("rb") as f:
        assert {_key(m.id) for m in read_po(f) if m.id} == set(source)


def test_every_click_module_that_speaks_to_a_user_is_routed() -> None:
    """The click internals sep relies on: each click module that says words through the
    standard library's ``gettext`` is in CLICK_MODULES (or said to show nothing), and once
    a sep command has run each of them says them through sep's catalogue."""
    speaking = set()
    for info in pkgutil.iter_modules([str(CLICK_DIR)], "click."):
        if info.name == "click._winconsole":
            continue  # imports Windows-only modules
        module = importlib.import_module(info.name)
        if getattr(module, "_", None) in (gettext.gettext, help_module._click_gettext):
            speaking.add(info.name)
    assert speaking - NOT_SHOWN == set(help_module.CLICK_MODULES)
    assert _run("packs").exit_code == 0
    for name in help_module.CLICK_MODULES:
        assert help_module.installed(importlib.import_module(name)), name


# -- help pages --------------------------------------------------------------------------


@pytest.mark.parametrize("command", [None, *_commands()])
def test_every_help_page_is_chinese_with_lang_zh(command: str | None) -> None:
    """``sep [COMMAND] --help --lang zh``: click's words and sep's texts are Chinese (no
    English word or phrase either catalogue translates), and every line fits the page's
    100 columns counted as a terminal counts them."""
    argv = [command] if command else []
    page = _run("--lang", "zh", *argv, "--help")
    assert page.exit_code == 0, page.output
    text = page.output
    assert text.startswith("用法：") and "选项：" in text and "显示本帮助并退出。" in text
    for word in CLICK_WORDS:
        assert word not in text, (command, word)
    assert _english_left(TYPED.sub(" ", text), ALLOWED | DATA_NAMES) == [], command
    assert max(width(line) for line in text.splitlines()) <= 100, command
    if command is None:
        assert "命令：" in text


@pytest.mark.parametrize("command", [None, *_commands()])
def test_english_help_pages_are_clicks_own(command: str | None) -> None:
    """Without --lang (and after a Chinese page in the same process) the help is English:
    click's words as click writes them and sep's texts as written in the code."""
    argv = [command] if command else []
    assert _run("--lang", "zh", *argv, "--help").exit_code == 0
    page = _run(*argv, "--help").output
    assert page.startswith("Usage: sep")
    assert "Options:" in page and "Show this message and exit." in page
    assert not CJK.search(page.replace("T/CATE 0001—2020", "")), command


def test_a_help_text_is_its_catalogue_entry() -> None:
    """The translated help of an option is the catalogue's entry for its English."""
    page = _run("packs", "--help", "--lang", "zh").output
    zh = click_translation("zh")
    assert zh.gettext("Show this message and exit.") in page
    assert "说明与标题的语言" in page  # sep's entry for "language of explanations and titles"


def test_lang_before_the_command_is_the_commands_language() -> None:
    """``sep --lang zh packs`` writes what ``sep packs --lang zh`` writes."""
    before = _run("--lang", "zh", "packs")
    after = _run("packs", "--lang", "zh")
    assert before.exit_code == after.exit_code == 0
    assert before.output == after.output
    assert CJK.search(before.output)


@pytest.mark.parametrize(
    ("argv", "chinese"),
    [
        (["check", "gradu", "x"], "不是 'eligibility', 'graduation', 'evaluation' 之一"),
        (["check", "graduation"], "缺少参数 'FILE'"),
        (["packs", "--nope"], "没有选项 '--nope'"),
        (["nope"], "没有命令 'nope'"),
        (["check", "graduation", "x", "--on", "2026"], "不是 YYYY-MM-DD 格式的日期"),
    ],
)
def test_usage_errors_say_clicks_words_in_chinese(argv: list[str], chinese: str) -> None:
    """A usage error with --lang zh says click's part of the message in Chinese too."""
    result = CliRunner().invoke(cli, [*argv, "--lang", "zh"])
    assert result.exit_code == 2
    assert chinese in result.stderr, result.stderr


def test_another_click_program_in_the_process_stays_english() -> None:
    """After a Chinese sep run, a click program that is not sep sees click unchanged."""
    assert _run("packs", "--nope", "--lang", "zh").exit_code == 2

    @click.command()
    @click.argument("name")
    def other(name: str) -> None:
        """Another program."""

    page = CliRunner().invoke(other, ["--help"]).output
    assert page.startswith("Usage: other") and "Show this message and exit." in page
    missing = CliRunner().invoke(other, [])
    assert "Missing argument 'NAME'" in missing.output


# -- breaking Chinese lines --------------------------------------------------------------

TEXT = st.text(
    alphabet=st.sampled_from(list("ab cd ef 审核平台的条款，。（）、：T/CATE 0001—2020 ")),
    max_size=200,
)


@given(TEXT, st.integers(min_value=4, max_value=60))
def test_wrap_keeps_every_character_and_fits_the_columns(text: str, columns: int) -> None:
    """Wrapped lines say the text's characters in order (only spaces change), and a line
    is longer than ``columns`` only when it is one unbreakable word."""
    lines = wrap(text, columns)
    assert "".join("".join(lines).split()) == "".join(text.split())
    for line in lines:
        assert line == line.strip()
        # too long only as one unit: a word, or one character with its punctuation
        assert width(line) <= columns or (" " not in line and len(CJK.findall(line)) <= 1), line


def test_wrap_keeps_closing_punctuation_off_a_line_start() -> None:
    """No line starts with a closing mark (，。）、) or ends with an opening one (（)."""
    text = "审核平台的条款（第4章），逐条说明、给出结论。" * 6
    for columns in range(6, 40):
        for line in wrap(text, columns):
            assert line[0] not in "，。）、：", (columns, line)
            assert line[-1] != "（", (columns, line)
