"""Reasons built from data that can still be said in another language.

An error's reason is often made from the data (``must be at most 30``, ``unknown trigger;
one of [...]``). Written as an f-string it is English for good: the catalogue only knows
fixed texts. :func:`R_` keeps the template and its values apart, so the reason is the same
English ``str`` as before, for programs that match on it, and
:meth:`Reason.text` says it in the reader's language by translating the template first and
filling it in after. ``pybabel extract -k R_`` collects the templates (``babel.cfg``).

It serves every refusal of ``sep`` (the boundary of 4.2.1, 4.3.5, 4.3.7 and the lifecycle
of 4.3.1–4.3.6): the CLI's Chinese error line and ``reason_text`` in JSON errors and the
service's problem documents.

This module imports nothing of ``sep`` at import time, so the exception hierarchy (which
the catalogue itself imports) can use it.
"""

from __future__ import annotations

from typing import Any

__all__ = ["N_", "R_", "Reason"]


def N_(message: str) -> str:  # the name gettext's extractors look for
    """Mark ``message`` for the catalogue without translating it (said later by key).

    Example:
        >>> N_("met")
        'met'
    """
    return message


class Reason(str):
    """A reason whose English is ``template.format(**values)`` and which knows its template.

    ``str`` of it, equality and hashing are those of the English text. A value that is
    itself a :class:`Reason` (a named thing, another error's reason) is said in the same
    language as the template.

    Example:
        >>> r = R_("must be at most {limit}", limit=30)
        >>> r, r == "must be at most 30", r.template
        ('must be at most 30', True, 'must be at most {limit}')
    """

    template: str
    values: dict[str, Any]

    def __new__(cls, template: str, values: dict[str, Any] | None = None) -> Reason:
        # One argument is also how pickle and copy rebuild a str subclass (its English);
        # the template and values come back with the instance's __dict__.
        values = {} if values is None else values
        self = super().__new__(cls, template.format(**values) if values else template)
        self.template = template
        self.values = values
        return self

    def text(self, lang: str = "en") -> str:
        """The reason in ``lang``: the template translated by sep's catalogue, then filled.

        A template the catalogue lacks, or whose translation cannot be filled with these
        values, is said in English: a refusal is never lost to its translation.

        Raises:
            ValidationError: ``lang`` is not one of the languages ``sep`` speaks.
        """
        from sep._i18n import translation

        tr = translation(lang)
        if lang == "en":
            return str(self)
        values = {k: v.text(lang) if isinstance(v, Reason) else v for k, v in self.values.items()}
        said = tr.gettext(self.template)
        try:
            return said.format(**values) if values else said
        except (KeyError, IndexError, ValueError):
            return self.template.format(**values) if values else self.template


def R_(template: str, /, **values: Any) -> Reason:  # the name the extractor looks for
    """A :class:`Reason` from a catalogue template and the values that fill it.

    ``R_(reason)`` of a reason that is already a :class:`Reason` returns it unchanged;
    of a plain string (a fixed ``N_`` reason passed on), it makes one whose template is that
    string, so it is looked up in the catalogue when said.

    Example:
        >>> R_("unknown {what}; one of: {known}", what=R_("language"), known="en, zh").text("zh")
        '未知的语言；可选：en, zh'
    """
    if isinstance(template, Reason) and not values:
        return template
    return Reason(template, values)
