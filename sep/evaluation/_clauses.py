"""The clause ids of T/CATE 0001—2020, as data: each id with its kind and a short gist.

A criterion of a T/CATE pack must cite one of these ids (3.1, 4.2.1(1)–(4), 4.3.5(a)–(d),
4.3.7-a–d, …); a pack for another document declares its own list of ids instead. The same
index feeds the clause traceability matrix of the documentation, which maps every id to the
code that implements it and the tests that check it: a *shall* or *list* clause must have
both.
"""

from __future__ import annotations

from typing import Literal

import attrs

from sep._i18n import N_, translation

__all__ = ["TCATE_CLAUSES", "TCATE_DOCUMENT", "TCATE_INDEX", "ClauseInfo", "ClauseKind"]

#: The document the built-in packs implement.
TCATE_DOCUMENT = "T/CATE 0001—2020"

#: What a clause is: ``def`` a definition, ``shall`` a requirement (the text says 需 / 应),
#: ``list`` an enumeration the standard fixes, ``info`` informative (the annexes).
ClauseKind = Literal["def", "shall", "list", "info"]


@attrs.frozen
class ClauseInfo:
    """One citable clause of the standard.

    Attributes:
        id: The clause id as sep cites it (``"4.3.5(b)"``, ``"4.3.7-c"``).
        kind: ``def``, ``shall``, ``list`` or ``info``.
        gist: What the clause says, in one short English sentence (the Chinese text rules).
        parts: For a clause whose text is entirely in lettered or numbered items, the ids of
            those items: the clause is implemented and tested when every item is.
    """

    id: str
    kind: ClauseKind
    gist: str
    parts: tuple[str, ...] = ()


def _c(id: str, kind: ClauseKind, gist: str, *parts: str) -> ClauseInfo:
    return ClauseInfo(id, kind, gist, parts)


#: Every citable clause of T/CATE 0001—2020 in the document's order: the ids of the English
#: clause index plus the lettered items of 4.3.5, which the text lists as bullets, and the
#: heading 4.3.7, whose text is all in its items 4.3.7-a to 4.3.7-d.
TCATE_INDEX: tuple[ClauseInfo, ...] = (
    _c(
        "3.1",
        "def",
        "Large enterprise: large by the NBS 2017 size rules for its GB/T 4754 sector, "
        "focused on a field, strong R&D, high brand premium, owning the whole chain, a group.",
    ),
    _c("3.2", "def", "Shared entrepreneurial platform: incubation and acceleration services."),
    _c(
        "3.3",
        "def",
        "Large-enterprise shared entrepreneurial platform: set up by a large enterprise, "
        "alone or with partners, taking equity and opening application scenarios.",
    ),
    _c(
        "4.1-a",
        "shall",
        "The founder is a large enterprise meeting 4.2.1 and adapts its organisation (4.2.4).",
    ),
    _c(
        "4.1-b",
        "shall",
        "The platform sets up a development plan, business processes, management norms and "
        "its evaluation system (4.3.1, 4.3.2, 4.3.3, 4.3.7).",
    ),
    _c(
        "4.2.1",
        "shall",
        "The founder is a large enterprise focused on an industry meeting all four conditions.",
    ),
    _c("4.2.1(1)", "shall", "It is in a transformation period or has a transformation need."),
    _c(
        "4.2.1(2)",
        "shall",
        "It has built an open-innovation architecture or holds autonomy to reform its system.",
    ),
    _c(
        "4.2.1(3)",
        "shall",
        "It has reached industrial scale and can give incubatees industry resources.",
    ),
    _c(
        "4.2.1(4)",
        "shall",
        "Its free cash flow is ample: it can fund incubatees early without harm to itself.",
    ),
    _c(
        "4.2.1-b",
        "shall",
        "The platform is created by that enterprise alone or with third parties, the "
        "qualifying enterprise leading.",
    ),
    _c(
        "4.2.1-c",
        "list",
        "Resource co-creators by kind (key-resource enterprises, universities and institutes, "
        "government bodies), each earning returns in proportion to its resources.",
    ),
    _c(
        "4.2.2",
        "list",
        "Service targets: internal and external entrepreneurs and enterprises, other actors of "
        "the industry chain.",
    ),
    _c("4.2.3", "shall", "A feasibility study on the founder's 3–5-year plan, on seven points."),
    _c(
        "4.2.4",
        "shall",
        "The founder's organisational adaptation: parallel, user-centred, a network of nodes.",
    ),
    _c(
        "4.2.5",
        "shall",
        "Four business modules (external docking, internal integration, investment and "
        "financing, general management), staffed from inside and outside.",
    ),
    _c(
        "4.2.6",
        "list",
        "Three service tiers (basic, value-added, investment), each service provided directly "
        "or linked, kept up to date.",
    ),
    _c(
        "4.3.1",
        "shall",
        "A development plan aligned with the founder's, local and national plans, on six aspects.",
    ),
    _c(
        "4.3.2",
        "shall",
        "A complete incubation process from recruitment to post-graduation tracking, with "
        "its norms.",
    ),
    _c(
        "4.3.3",
        "shall",
        "Management norms for ten areas, each published with its revision history kept.",
    ),
    _c(
        "4.3.4",
        "list",
        "Staff performance on four dimensions: incubation, industry-chain service, "
        "contribution to the founder, the platform's development.",
    ),
    _c("4.3.5", "shall", "An incubatee graduates when it meets any one of (a) to (d)."),
    _c("4.3.5(a)", "shall", "(a) acquired internally by the founder."),
    _c("4.3.5(b)", "shall", "(b) independent listing or large-scale financing."),
    _c(
        "4.3.5(c)",
        "shall",
        "(c) revenue and profit at scale, operating cash flow positive and stable, a complete "
        "organisation.",
    ),
    _c("4.3.5(d)", "shall", "(d) the platform's investment and equity exit."),
    _c(
        "4.3.6",
        "shall",
        "Graduation procedure: committee review (not for acquisition or listing), certificate "
        "or notice of non-completion, resources returned, attestation, archive.",
    ),
    _c(
        "4.3.7",
        "shall",
        "Evaluation of the platform: its items 4.3.7-a to 4.3.7-d.",
        "4.3.7-a",
        "4.3.7-b",
        "4.3.7-c",
        "4.3.7-d",
    ),
    _c(
        "4.3.7-a",
        "shall",
        "The evaluating body: an internal committee, third-party experts, or a joint committee.",
    ),
    _c(
        "4.3.7-b",
        "shall",
        "Scored every year or planning cycle; each module and the total meet their standards.",
    ),
    _c(
        "4.3.7-c",
        "shall",
        "A failing module gets an external experts' improvement plan and focused monitoring in "
        "the next cycle.",
    ),
    _c(
        "4.3.7-d",
        "list",
        "Four evaluation modules (Table 2): service system, incubation performance, founder "
        "contribution, sustainability.",
    ),
    _c("A", "info", "Annex A: manufacturing double-creation platforms."),
    _c("B", "info", "Annex B: capability model (industry resources, capital, mentors)."),
    _c("C", "info", "Annex C: the worked example of group H and its platform H+."),
)

#: Every citable clause id of T/CATE 0001—2020 (the ids of :data:`TCATE_INDEX`).
TCATE_CLAUSES: frozenset[str] = frozenset(clause.id for clause in TCATE_INDEX)

#: A short title of every clause, in English (the msgid: the clause index's words) with
#: its Chinese in the catalogue (the standard's own headings and wording), so an error's
#: clause reads in the reader's language: ``4.3.5(b) 独立上市或大规模融资``.
TCATE_TITLES: dict[str, str] = {
    "3.1": N_("Large enterprise"),
    "3.2": N_("Shared entrepreneurial platform"),
    "3.3": N_("Shared entrepreneurial platform of large enterprises"),
    "4.1-a": N_("General: a qualifying founder that adapts its organisation"),
    "4.1-b": N_("General: plan, processes, norms and evaluation system of the platform"),
    "4.2.1": N_("Founding entity"),
    "4.2.1(1)": N_("Transformation and upgrading period or need"),
    "4.2.1(2)": N_("Open-innovation architecture or autonomy to reform its system"),
    "4.2.1(3)": N_("Industrial scale giving incubatees industry resources"),
    "4.2.1(4)": N_("Ample free cash flow for early funding"),
    "4.2.1-b": N_("Created alone or with third parties, led by the large enterprise"),
    "4.2.1-c": N_("Resource co-creators"),
    "4.2.2": N_("Service targets"),
    "4.2.3": N_("Feasibility study"),
    "4.2.4": N_("Founder's organisational adaptation"),
    "4.2.5": N_("Management structure and capability building"),
    "4.2.6": N_("Service system"),
    "4.3.1": N_("Development plan"),
    "4.3.2": N_("Standard incubation business process"),
    "4.3.3": N_("Management norms and mechanisms"),
    "4.3.4": N_("Staff performance management"),
    "4.3.5": N_("Graduation criteria of incubatees"),
    "4.3.5(a)": N_("Internal acquisition by the founder"),
    "4.3.5(b)": N_("Independent listing or large-scale financing"),
    "4.3.5(c)": N_("Revenue and profit at sufficient scale"),
    "4.3.5(d)": N_("Platform investment and equity exit"),
    "4.3.6": N_("Graduation procedure of incubatees"),
    "4.3.7": N_("Evaluation"),
    "4.3.7-a": N_("Evaluating body"),
    "4.3.7-b": N_("Scoring every year or planning cycle"),
    "4.3.7-c": N_("Improvement plan and focused monitoring of a failing module"),
    "4.3.7-d": N_("Evaluation system (Table 2)"),
    "A": N_("Connotation of manufacturing double-creation platforms"),
    "B": N_("Capability-building reference model"),
    "C": N_("Reference example of a shared entrepreneurial platform"),
}


def clause_title(clause: str, lang: str = "en") -> str | None:
    """The short title of a T/CATE clause in ``lang``, or ``None`` for an id not in it.

    A lettered item of an id (``4.3.5(b)`` of ``4.3.5``) has its own title; an id of
    another document has none.
    """
    title = TCATE_TITLES.get(clause)
    return None if title is None else translation(lang).gettext(title)
