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

import errno
from typing import Any

__all__ = ["N_", "R_", "Reason", "os_reason", "replaced", "said"]


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


def said(reason: str, lang: str = "en") -> str:
    """``reason`` in ``lang``: a :class:`Reason` filled in after its template, a fixed
    text looked up in the catalogue (one it lacks is said as it is).

    Raises:
        ValidationError: ``lang`` is not one of the languages ``sep`` speaks.
    """
    from sep._i18n import translation

    tr = translation(lang)  # checked first, whatever the reason
    if isinstance(reason, Reason):
        return reason.text(lang)
    return tr.gettext(reason) if reason else reason


#: What the operating system says of the errors a file can meet, in the C library's
#: English (``os.strerror``), so that they are catalogue entries: a Chinese line then says
#: 无法读取：没有那个文件或目录, not the OS's English. Others are quoted as the OS says them.
_OS_REASONS = {
    errno.ENOENT: N_("No such file or directory"),
    errno.EACCES: N_("Permission denied"),
    errno.EPERM: N_("Operation not permitted"),
    errno.EISDIR: N_("Is a directory"),
    errno.ENOTDIR: N_("Not a directory"),
    errno.ENAMETOOLONG: N_("File name too long"),
    errno.ELOOP: N_("Too many levels of symbolic links"),
    errno.ENOSPC: N_("No space left on device"),
    errno.EROFS: N_("Read-only file system"),
    errno.EEXIST: N_("File exists"),
    errno.EMFILE: N_("Too many open files"),
    errno.EFBIG: N_("File too large"),
    errno.EIO: N_("Input/output error"),
    errno.EPIPE: N_("Broken pipe"),
    errno.EINVAL: N_("Invalid argument"),
    errno.ENXIO: N_("No such device or address"),
}


def os_reason(exc: BaseException) -> str:
    """Why ``exc`` (an I/O error) happened, in words that can be said in Chinese.

    Example:
        >>> said(os_reason(FileNotFoundError(2, "No such file or directory")), "zh")
        '没有那个文件或目录'
    """
    if isinstance(exc, OSError):
        known = _OS_REASONS.get(exc.errno) if isinstance(exc.errno, int) else None
        if known is not None:
            return R_(known)
        if exc.strerror:
            return str(exc.strerror)
    return str(exc) or type(exc).__name__


def replaced(reason: str, old: str, new: str) -> str:
    """``reason`` with ``old`` replaced by ``new`` in the values it was built from (a
    temporary file's path said as ``-``), still translatable.

    Example:
        >>> r = replaced(R_("cannot read {path}", path="/tmp/x1"), "/tmp/x1", "-")
        >>> r, r.template
        ('cannot read -', 'cannot read {path}')
    """
    if not isinstance(reason, Reason):
        return reason.replace(old, new)
    values = {
        k: replaced(v, old, new) if isinstance(v, str) else v for k, v in reason.values.items()
    }
    return Reason(reason.template, values)
