"""The three-valued outcome of every check: MET, NOT_MET, UNKNOWN (Kleene logic).

Missing data gives UNKNOWN, never NOT_MET. ``all``/``any`` follow Kleene's strong
three-valued logic: an *any* with one MET is MET even when the others are UNKNOWN; an
*all* with one NOT_MET is NOT_MET even when the others are UNKNOWN.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable

__all__ = ["Outcome"]


class Outcome(enum.StrEnum):
    """The answer to "does this meet clause X?".

    Example:
        >>> Outcome.any_of([Outcome.UNKNOWN, Outcome.MET])
        <Outcome.MET: 'met'>
        >>> Outcome.all_of([Outcome.MET, Outcome.UNKNOWN])
        <Outcome.UNKNOWN: 'unknown'>
        >>> ~Outcome.NOT_MET
        <Outcome.MET: 'met'>
    """

    MET = "met"
    NOT_MET = "not_met"
    UNKNOWN = "unknown"

    @classmethod
    def of(cls, value: bool | None) -> Outcome:
        """``True`` → MET, ``False`` → NOT_MET, ``None`` → UNKNOWN."""
        if value is None:
            return cls.UNKNOWN
        return cls.MET if value else cls.NOT_MET

    @classmethod
    def all_of(cls, outcomes: Iterable[Outcome]) -> Outcome:
        """Kleene conjunction (MET for no operands)."""
        result = cls.MET
        for outcome in outcomes:
            if outcome is cls.NOT_MET:
                return cls.NOT_MET
            if outcome is cls.UNKNOWN:
                result = cls.UNKNOWN
        return result

    @classmethod
    def any_of(cls, outcomes: Iterable[Outcome]) -> Outcome:
        """Kleene disjunction (NOT_MET for no operands)."""
        result = cls.NOT_MET
        for outcome in outcomes:
            if outcome is cls.MET:
                return cls.MET
            if outcome is cls.UNKNOWN:
                result = cls.UNKNOWN
        return result

    def __invert__(self) -> Outcome:
        if self is Outcome.MET:
            return Outcome.NOT_MET
        if self is Outcome.NOT_MET:
            return Outcome.MET
        return Outcome.UNKNOWN

    def as_bool(self) -> bool | None:
        """MET → ``True``, NOT_MET → ``False``, UNKNOWN → ``None``."""
        if self is Outcome.UNKNOWN:
            return None
        return self is Outcome.MET
