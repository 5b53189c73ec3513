"""The one exception hierarchy of ``sep``.

Every error ``sep`` raises on purpose is a :class:`SepError`. Each subclass carries the
data a caller needs to act on it (the field path, the bad value, the clause of
T/CATE 0001—2020 whose data it is, the rule file and key, …) as attributes, so a service
can turn it into a structured response without parsing the message.

Errors of the engines ``sep`` runs on (``transitions.MachineError``, durable-rules'
exceptions, cattrs' structuring errors) never reach users: they are translated here.

Example:
    >>> from sep.errors import SepError, ValidationError
    >>> err = ValidationError("revenue.amount", "-5", "must not be negative", clause="4.3.5(c)")
    >>> isinstance(err, SepError), err.field, err.clause
    (True, 'revenue.amount', '4.3.5(c)')
    >>> print(err)
    revenue.amount: must not be negative (got '-5') [T/CATE 0001—2020 4.3.5(c)]
"""

from __future__ import annotations

import reprlib
from typing import Any

from sep._reason import N_

__all__ = [
    "CurrencyMismatchError",
    "EngineError",
    "EngineUnavailableError",
    "RuleDefinitionError",
    "SepError",
    "TransitionError",
    "ValidationError",
]

STANDARD = "T/CATE 0001—2020"


class _Shown(reprlib.Repr):
    """``repr`` for error messages: bounded in length and depth, and never raising.

    The value a refusal names is hostile input: ``repr`` of a 5,000-digit integer raises
    (Python's 4,300-digit limit), of a list nested 5,000 deep recurses past the stack, of a
    user's object may raise anything. The refusal must still be built.
    """

    def __init__(self) -> None:
        super().__init__()
        self.maxlevel = 3
        self.maxdict = self.maxlist = self.maxtuple = self.maxset = self.maxfrozenset = 8
        self.maxstring = 160
        self.maxother = 160

    def repr_int(self, x: int, level: int) -> str:
        digits = int(x.bit_length() * 0.30103) + 1  # no str(): it raises past 4,300 digits
        if digits <= 60:
            return repr(x)
        return f"<{'negative ' if x < 0 else ''}integer of about {digits:,} digits>"


_SHOWN = _Shown()


def _shown(value: Any) -> str:
    try:
        return _SHOWN.repr(value)
    except Exception:  # a hostile value whose type breaks even reprlib
        return f"<{type(value).__name__} value>"


class SepError(Exception):
    """Root of every exception ``sep`` raises on purpose.

    Attributes:
        clause: The clause id of T/CATE 0001—2020 the error concerns, or ``None``.
    """

    clause: str | None

    def __init__(self, message: str, *, clause: str | None = None) -> None:
        self.clause = clause
        suffix = f" [{STANDARD} {clause}]" if clause else ""
        super().__init__(f"{message}{suffix}")

    def clause_text(self, lang: str = "en") -> str | None:
        """The error's clause as a reader of ``lang`` reads it: its id and short title.

        Args:
            lang: ``"en"`` or ``"zh"``.

        Returns:
            ``"<id> <title>"`` for a clause of T/CATE 0001—2020, the bare id for a clause
            of another document, ``None`` when the error cites no clause.

        Raises:
            ValidationError: ``lang`` is not one of the languages ``sep`` speaks.

        Example:
            >>> err = ValidationError("financing", "none", "is required", clause="4.3.5(b)")
            >>> err.clause_text()
            '4.3.5(b) Independent listing or large-scale financing'
            >>> err.clause_text("zh")
            '4.3.5(b) 独立上市或大规模融资'
            >>> ValidationError("x", 1, "is bad").clause_text("zh") is None
            True
        """
        from sep._suggest import check_lang
        from sep.evaluation._clauses import clause_title

        check_lang(lang)
        if self.clause is None:
            return None
        title = clause_title(self.clause, lang)
        return self.clause if title is None else f"{self.clause} {title}"

    def reason_text(self, lang: str = "en") -> str | None:
        """The error's reason (what is wrong) as a reader of ``lang`` reads it.

        A reason that is an entry of sep's message catalogue is translated; one built
        from the data by ``R_`` (``must be at most 30``) has its template translated
        and then filled with the same values. Words that come from outside ``sep`` (the
        operating system's, a parser's) stay as they were written.

        Returns:
            The reason, ``None`` for an error without one.

        Raises:
            ValidationError: ``lang`` is not one of the languages ``sep`` speaks.

        Example:
            >>> ValidationError("financing", None, "is required").reason_text("zh")
            '为必填项'
            >>> ValidationError("financing", None, "is required").reason_text()
            'is required'
        """
        from sep._i18n import translation
        from sep._reason import said

        reason = getattr(self, "reason", None)
        if not isinstance(reason, str):
            translation(lang)  # the language is checked even for an error without a reason
            return None
        return said(reason, lang)

    def text(self, lang: str = "en") -> str:
        """The error's message in ``lang``: ``str(error)`` with its reason translated
        (:meth:`~sep.errors.SepError.reason_text`) and its clause said with its title
        (:meth:`~sep.errors.SepError.clause_text`).

        Example:
            >>> err = ValidationError("on", "x", "must be a date", clause="4.3.5")
            >>> err.text("zh")
            "on: 必须是日期（实际为 'x'） [4.3.5 在孵企业毕业标准]"
            >>> err.text() == str(err)
            True
        """
        message = str(self)
        if lang == "en":
            return message
        reason = self.reason_text(lang)
        original = getattr(self, "reason", None)
        if isinstance(self, (ValidationError, TransitionError, EngineUnavailableError)):
            message = self._said(lang, reason or "")
        elif reason is not None and isinstance(original, str) and original:
            message = message.replace(original, reason, 1)
        if self.clause is not None:
            message = message.removesuffix(f" [{STANDARD} {self.clause}]")
            message = f"{message} [{self.clause_text(lang)}]"
        return message


class ValidationError(SepError, ValueError):
    """Bad input: a wrong type, a missing field, a value out of range, an unknown enum.

    Attributes:
        field: Dotted path of the offending field from the top-level object
            (``"financials[2].revenue.amount"``); ``""`` for the object itself.
        value: The offending value as given (``MISSING`` for a missing field).
        reason: What is wrong, in words.
        clause: The clause whose data the field is, when known.
    """

    field: str
    value: Any
    reason: str

    def __init__(self, field: str, value: Any, reason: str, *, clause: str | None = None) -> None:
        self.field = field
        self.value = value
        self.reason = reason
        # the same words as _said's catalogue entry " (got {value})", said in English
        shown = "" if value is MISSING else f" (got {_shown(value)})"
        where = f"{field}: " if field else ""
        super().__init__(f"{where}{reason}{shown}", clause=clause)

    def _said(self, lang: str, reason: str) -> str:
        from sep._i18n import translation

        where = f"{self.field}: " if self.field else ""
        if self.value is MISSING:
            return f"{where}{reason}"
        got = translation(lang).gettext(" (got {value})").format(value=_shown(self.value))
        return f"{where}{reason}{got}"

    def at(self, prefix: str) -> ValidationError:
        """Return the same error with ``prefix`` prepended to its field path."""
        if not prefix:
            return self
        if not self.field:
            path = prefix
        elif self.field.startswith("["):
            path = f"{prefix}{self.field}"
        else:
            path = f"{prefix}.{self.field}"
        return ValidationError(path, self.value, self.reason, clause=self.clause)


class _Missing:
    """Marker for a field that was not given at all."""

    _instance: _Missing | None = None

    def __new__(cls) -> _Missing:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "MISSING"


MISSING: Any = _Missing()


class CurrencyMismatchError(ValidationError):
    """Two amounts in different currencies were combined or compared."""


class RuleDefinitionError(SepError):
    """A rule pack, parameter file or machine definition is malformed.

    Raised when the definition is built or loaded, never when it is first used.

    Attributes:
        source: The file (or ``"<builtin>"``/``"<mapping>"``) the definition came from.
        key: Dotted key inside it where the problem is.
        reason: What is wrong.
    """

    source: str
    key: str
    reason: str

    def __init__(self, source: str, key: str, reason: str, *, clause: str | None = None) -> None:
        self.source = source
        self.key = key
        self.reason = reason
        super().__init__(f"{source}: {key}: {reason}", clause=clause)


class TransitionError(SepError):
    """A lifecycle trigger that is not allowed from the current state, or whose guard failed.

    Attributes:
        trigger: The trigger that was fired.
        state: The state the process was (and still is) in.
        reason: Why it was refused.
    """

    trigger: str
    state: str
    reason: str

    def __init__(self, trigger: str, state: str, reason: str, *, clause: str | None = None) -> None:
        self.trigger = trigger
        self.state = state
        self.reason = reason
        super().__init__(_CANNOT.format(trigger=trigger, state=state, reason=reason), clause=clause)

    def _said(self, lang: str, reason: str) -> str:
        from sep._i18n import translation

        said = translation(lang).gettext(_CANNOT)
        return said.format(trigger=self.trigger, state=self.state, reason=reason)


#: How a refused trigger is said; a catalogue entry, so a Chinese line says it in Chinese.
_CANNOT = N_("cannot {trigger!r} from {state!r}: {reason}")


class EngineUnavailableError(SepError):
    """An optional engine (durable-rules, numpy, graphviz) cannot be loaded here.

    Attributes:
        engine: The engine's name.
        reason: Why it cannot be used.
        fix: What to do about it.
    """

    engine: str
    reason: str
    fix: str

    def __init__(self, engine: str, reason: str, fix: str) -> None:
        self.engine = engine
        self.reason = reason
        self.fix = fix
        super().__init__(_UNAVAILABLE.format(engine=engine, reason=reason, fix=fix))

    def _said(self, lang: str, reason: str) -> str:
        from sep._reason import said

        fix = said(self.fix, lang)
        return said(_UNAVAILABLE, lang).format(engine=self.engine, reason=reason, fix=fix)


#: How an engine that cannot be loaded is said (a catalogue entry, as is each fix).
_UNAVAILABLE = N_("{engine} is unavailable: {reason}. Fix: {fix}")


class EngineError(SepError):
    """An engine failed while running ``sep``'s rules (for example an action raised).

    Attributes:
        engine: The engine's name.
        detail: What the engine reported.
    """

    engine: str
    detail: str

    def __init__(self, engine: str, detail: str, *, clause: str | None = None) -> None:
        self.engine = engine
        self.detail = detail
        super().__init__(f"{engine} failed: {detail}", clause=clause)
