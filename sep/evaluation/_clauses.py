"""The clause ids of T/CATE 0001—2020, as data, so rule packs can be checked against them.

A criterion of a T/CATE pack must cite one of these ids (3.1, 4.2.1(1)–(4), 4.3.5(a)–(d),
4.3.7-a–d, …); a pack for another document declares its own list of ids instead.
"""

from __future__ import annotations

__all__ = ["TCATE_CLAUSES", "TCATE_DOCUMENT"]

#: The document the built-in packs implement.
TCATE_DOCUMENT = "T/CATE 0001—2020"

#: Every citable clause id of T/CATE 0001—2020 (the English clause index's ids, plus the
#: lettered items of 4.3.5 the text lists as bullets).
TCATE_CLAUSES: frozenset[str] = frozenset(
    {
        "3.1",
        "3.2",
        "3.3",
        "4.1-a",
        "4.1-b",
        "4.2.1",
        "4.2.1(1)",
        "4.2.1(2)",
        "4.2.1(3)",
        "4.2.1(4)",
        "4.2.1-b",
        "4.2.1-c",
        "4.2.2",
        "4.2.3",
        "4.2.4",
        "4.2.5",
        "4.2.6",
        "4.3.1",
        "4.3.2",
        "4.3.3",
        "4.3.4",
        "4.3.5",
        "4.3.5(a)",
        "4.3.5(b)",
        "4.3.5(c)",
        "4.3.5(d)",
        "4.3.6",
        "4.3.7",
        "4.3.7-a",
        "4.3.7-b",
        "4.3.7-c",
        "4.3.7-d",
        "A",
        "B",
        "C",
    }
)
