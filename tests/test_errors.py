"""The refusal itself never fails: a ValidationError prints any value it names.

Every boundary refuses bad input with a :class:`~sep.errors.ValidationError` whose message
shows the offending value. Building that message must not raise for the values hostile
input carries — a 5,000-digit integer (``repr`` refuses past 4,300 digits), a list nested
5,000 deep (``repr`` recurses), a string of a million characters, an object whose
``__repr__`` raises — or the user gets a raw ``ValueError``/``RecursionError`` instead of
the refusal (issue 8: "a 5,000-digit number → ValueError").
"""

from __future__ import annotations

from typing import Any

import pytest

from sep.errors import ValidationError


class _BadRepr:
    def __repr__(self) -> str:
        raise RuntimeError("repr failed")


def _deep(depth: int) -> Any:
    out: Any = []
    for _ in range(depth):
        out = [out]
    return out


@pytest.mark.parametrize(
    "value",
    [10**5000, -(10**5000), _deep(5000), {"a": _deep(5000)}, "9" * 1_000_000, _BadRepr()],
    ids=[
        "5000-digit int",
        "negative 5000-digit int",
        "5000 deep",
        "deep in a dict",
        "1M characters",
        "repr raises",
    ],
)
def test_the_message_of_a_refusal_is_built_for_any_value(value: Any) -> None:
    """A ValidationError naming a hostile value has a short printable message, keeps the
    value itself in ``.value``, and names the field and reason."""
    err = ValidationError("revenue", value, "must be an amount of money", clause="4.3.5(c)")
    text = str(err)
    assert text.startswith("revenue: must be an amount of money (got ")
    assert len(text) < 400
    assert err.value is value


def test_small_values_are_shown_exactly() -> None:
    """Ordinary values are shown as their repr, as before."""
    assert str(ValidationError("x", "1,5", "is ambiguous")) == "x: is ambiguous (got '1,5')"
    assert str(ValidationError("x", 12, "too big")) == "x: too big (got 12)"
    assert "(got [1, 2, 3])" in str(ValidationError("x", [1, 2, 3], "not a list"))
