"""Compiling generated Python source into one function, for the engines' hot paths.

The direct evaluator (every criterion's outcome), the input normaliser and the streaming
engine (durable's verdicts into outcomes) each write one flat function per pack instead
of calling a closure per node: flat, so the source grows linearly with the pack and never
nests deeper than one block. It serves every pack's decisions (3.1 and 4.2.1 eligibility,
4.3.5 graduation, 4.3.7 evaluation thresholds) for callers deciding one case at a time.
The source holds only sep's own words: operators from a fixed table, names as literals,
every value of a pack bound as a global, never pasted into code.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

__all__ = ["function"]


def function(name: str, argument: str, lines: Iterable[str], names: Mapping[str, Any]) -> Any:
    """The function ``name(argument)`` whose body is ``lines`` (each a statement, already
    indented past the body's own level if nested), reading ``names`` as its globals.

    Example:
        >>> twice = function("twice", "x", ["y = x * TWO", "return y"], {"TWO": 2})
        >>> twice(21)
        42
    """
    body = "\n    ".join(lines)
    namespace = dict(names)
    exec(f"def {name}({argument}):\n    {body}\n", namespace)
    # Taken out of its own globals: left there it is a reference cycle, and cycles keep
    # what it reads (an evicted pack's leaves) alive until a full garbage collection.
    return namespace.pop(name)
