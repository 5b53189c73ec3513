"""``--help`` and click's own words in the language of ``--lang``.

Integrators and platform staff read ``sep --help`` before anything else (the checks of
3.1/4.2.1, 4.3.5 and 4.3.7-b, the 4.1–4.3.7 audit), so in ``--lang zh`` it is Chinese from
``Usage:`` to the exit statuses. Two kinds of text make a help page:

* sep's own: each command's, option's and epilog's help, marked ``N_`` where it is written
  and looked up in the ``sep`` catalogue when the page is formatted. :class:`SepCommand`,
  :class:`SepGroup` and :class:`SepOption` hold the English text and give it translated
  each time it is read, so the same command object serves English and Chinese runs.
* click's own (``Usage:``, ``Options``, ``Missing argument``, ``… is not one of …``):
  click calls the standard library's ``gettext`` through a module-level ``_`` (and
  ``ngettext``) at the moment it writes them. :func:`install` puts a function there that
  answers from the ``click`` catalogue beside sep's, *only* while a ``sep`` command with
  ``--lang zh`` is running; any other click program in the process sees click unchanged.
"""

from __future__ import annotations

import contextlib
import contextvars
import gettext as _gettext
import importlib
import inspect
from collections.abc import Callable, Iterator
from typing import Any

import click

from sep._i18n import click_translation, translation, width, wrap

__all__ = [
    "CLICK_MODULES",
    "SepCommand",
    "SepContext",
    "SepFormatter",
    "SepGroup",
    "SepOption",
    "asked_lang",
    "english",
    "help_text",
    "install",
    "installed",
    "lang_of_run",
    "option",
]

#: Where ``sep`` keeps the language of the running command (``--lang``) in click's root
#: context, read by every text the command line writes.
LANG_KEY = "sep.lang"

#: The click modules that say words a ``sep`` user can read, each through its own
#: ``from gettext import gettext as _`` (and ``ngettext``); a test pins this list to
#: click's source.
CLICK_MODULES = (
    "click.core",
    "click.decorators",
    "click.exceptions",
    "click.formatting",
    "click.parser",
    "click.termui",
    "click.types",
    "click.utils",
)

# Set while click builds an object that it then keeps (the cached --help option): what it
# keeps must be the English text, which is translated when read, not a run's language.
_ENGLISH: contextvars.ContextVar[bool] = contextvars.ContextVar("sep_english", default=False)


def lang_of_run() -> str | None:
    """The ``--lang`` of the ``sep`` command running now, or ``None`` outside one (another
    click program, or no command at all)."""
    return None if _ENGLISH.get() else asked_lang()


def asked_lang() -> str | None:
    """The ``--lang`` the running ``sep`` command was given (read before parsing), or
    ``None`` outside a ``sep`` command."""
    ctx = click.get_current_context(silent=True)
    if ctx is None:
        return None
    lang = ctx.find_root().meta.get(LANG_KEY)
    return lang if lang in ("en", "zh") else None


@contextlib.contextmanager
def english() -> Iterator[None]:
    """Within the block, click's words and sep's help stay English whatever ``--lang``."""
    token = _ENGLISH.set(True)
    try:
        yield
    finally:
        _ENGLISH.reset(token)


def help_text(text: str | None) -> str | None:
    """A help text of the command line in the running command's language: from the ``sep``
    catalogue (sep's own help) or else the ``click`` one (``Show this message and exit.``).

    Example:
        >>> help_text("what to write") is not None
        True
    """
    lang = lang_of_run()
    if not text or lang in (None, "en"):
        return text
    key = inspect.cleandoc(text)  # click keeps option help cleaned; the catalogue too
    said = translation(lang).gettext(key)
    if said == key:
        said = click_translation(lang).gettext(key)
    return said


# -- click's own words -------------------------------------------------------------------


def _click_gettext(message: str) -> str:
    lang = lang_of_run()
    if lang in (None, "en"):
        return _gettext.gettext(message)
    return click_translation(lang).gettext(message)


def _click_ngettext(singular: str, plural: str, n: int) -> str:
    lang = lang_of_run()
    if lang in (None, "en"):
        return _gettext.ngettext(singular, plural, n)
    return click_translation(lang).ngettext(singular, plural, n)


def install() -> None:
    """Route click's ``_``/``ngettext`` through the ``click`` catalogue in sep commands.

    Idempotent. A module whose ``_`` is not the standard library's (a click that changed
    how it translates) is left alone, and the test of the click internals fails.
    """
    for name in CLICK_MODULES:
        module = importlib.import_module(name)
        if getattr(module, "_", None) in (_gettext.gettext, _click_gettext):
            module._ = _click_gettext  # type: ignore[attr-defined]
        if getattr(module, "ngettext", None) in (_gettext.ngettext, _click_ngettext):
            module.ngettext = _click_ngettext  # type: ignore[attr-defined]


def installed(module: Any) -> bool:
    """Whether ``module`` (one of :data:`CLICK_MODULES`) speaks through sep's catalogue."""
    return getattr(module, "_", None) is _click_gettext


# -- the page: Chinese wrapped by display width ------------------------------------------


def _wrapped(text: str, columns: int, indent: str = "") -> list[str]:
    """click's paragraph rules (a blank line between paragraphs; a paragraph led by
    ``\\b`` kept as written) with :func:`sep._i18n.wrap` breaking the lines."""
    lines: list[str] = []
    for paragraph in inspect.cleandoc(text).split("\n\n"):
        if lines:
            lines.append("")
        if paragraph.startswith("\b"):
            lines.extend(indent + line for line in paragraph[1:].lstrip("\n").splitlines())
        else:
            body = " ".join(paragraph.split("\n"))
            lines.extend(indent + line for line in wrap(body, max(columns - len(indent), 10)))
    return lines


class SepFormatter(click.HelpFormatter):
    """click's help page, which in Chinese breaks lines between characters, measures them
    in terminal columns (a Chinese character takes two) and ends headings with ``：``."""

    def _chinese(self) -> bool:
        return lang_of_run() not in (None, "en")

    def write_heading(self, heading: str) -> None:
        if not self._chinese():
            return super().write_heading(heading)
        self.write(f"{'':>{self.current_indent}}{heading}：\n")

    def write_text(self, text: str) -> None:
        if not self._chinese():
            return super().write_text(text)
        indent = " " * self.current_indent
        self.write("\n".join(_wrapped(text, self.width, indent)) + "\n")

    def write_dl(self, rows: Any, col_max: int = 30, col_spacing: int = 2) -> None:
        if not self._chinese():
            return super().write_dl(rows, col_max, col_spacing)
        rows = list(rows)
        first_col = min(max((width(first) for first, _ in rows), default=0), col_max)
        first_col += col_spacing
        margin = " " * (first_col + self.current_indent)
        for first, second in rows:
            self.write(f"{'':>{self.current_indent}}{first}")
            if not second:
                self.write("\n")
                continue
            if width(first) <= first_col - col_spacing:
                self.write(" " * (first_col - width(first)))
            else:
                self.write("\n" + margin)
            lines = _wrapped(second, max(self.width - first_col - 2, 10)) or [""]
            self.write(lines[0] + "\n")
            for line in lines[1:]:
                self.write((margin + line).rstrip() + "\n")


class SepContext(click.Context):
    """A ``sep`` command's context: its help page is a :class:`SepFormatter`."""

    formatter_class = SepFormatter


# -- sep's help texts --------------------------------------------------------------------


def _translated(name: str) -> property:
    """A text attribute kept in English and read in the running command's language."""
    slot = f"_sep_{name}"

    def read(self: Any) -> Any:
        return help_text(self.__dict__.get(slot))

    def write(self: Any, value: Any) -> None:
        self.__dict__[slot] = value

    return property(read, write)


class SepOption(click.Option):
    """A click option whose help is read in the language of ``--lang``."""

    help = _translated("help")


class _Translated:
    """Help, short help and epilog of a command, read in the language of ``--lang``."""

    help = _translated("help")
    short_help = _translated("short_help")
    epilog = _translated("epilog")
    context_class: type[click.Context] = SepContext

    def get_short_help_str(self, limit: int = 45) -> str:
        if lang_of_run() in (None, "en") or self.short_help or not self.help:
            return super().get_short_help_str(limit)  # type: ignore[misc, no-any-return]
        # click shortens to the first sentence by characters; Chinese ends one with 。 and
        # a character takes two of the `limit` columns.
        first = inspect.cleandoc(self.help).split("\n\n")[0].replace("\n", " ")
        first = first.split("。")[0] + ("。" if "。" in first else "")
        if width(first) <= limit:
            return first
        cut = ""
        for ch in first:
            if width(cut + ch) > limit - 1:
                break
            cut += ch
        return cut.rstrip("，、；：（ ") + "…"

    def get_help_option(self, ctx: click.Context) -> click.Option | None:
        # click builds --help once per command and keeps it: built in English, its class
        # becomes SepOption (which adds no state) so its help is translated when read.
        with english():
            found: click.Option | None = super().get_help_option(ctx)  # type: ignore[misc]
        if found is not None and type(found) is click.Option:
            text = found.__dict__.pop("help", None)
            found.__class__ = SepOption
            found.help = text
        return found


class SepCommand(_Translated, click.Command):
    """A ``sep`` command: its texts follow ``--lang``."""


class SepGroup(_Translated, click.Group):
    """The ``sep`` group: its texts follow ``--lang``; its commands are :class:`SepCommand`."""

    command_class = SepCommand


def option(*decls: str, **attrs: Any) -> Callable[[Any], Any]:
    """:func:`click.option` making a :class:`SepOption` (help read in ``--lang``)."""
    attrs.setdefault("cls", SepOption)
    return click.option(*decls, **attrs)
