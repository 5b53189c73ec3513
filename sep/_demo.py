"""The demo behind ``python -m sep demo``: the Annex C platform, decided.

It builds the H+ platform of Annex C, asks whether its founder "H Group" may found a
platform (3.1, 4.2.1) and whether each demo incubatee may graduate (4.3.5), and prints the
explained decisions.
"""

from __future__ import annotations

from typing import TextIO

from sep._i18n import label, translation
from sep.evaluation import check_eligibility, check_graduation
from sep.examples import ANNEX_C_FIGURES, annex_c_platform

__all__ = ["run_demo"]


def run_demo(out: TextIO, *, lang: str = "en") -> None:
    """Print the demo to ``out`` in ``lang`` (``"en"`` or ``"zh"``)."""
    _ = translation(lang).gettext
    platform = annex_c_platform()
    accelerated = sum(1 for inc in platform.incubatees if inc.accelerated)
    out.write(
        _(
            "Platform {name} (Annex C): {projects} projects, {accelerated} accelerated, "
            "{modules} business modules, {norms} management norms"
        ).format(
            name=platform.name,
            projects=len(platform.incubatees),
            accelerated=accelerated,
            modules=len(platform.modules),
            norms=len(platform.norms),
        )
        + "\n"
        + _("Figures reproduced from {source}").format(
            source=label(ANNEX_C_FIGURES["source"], lang)
        )
        + "\n"
    )
    founder = platform.leading_founder
    size = founder.size
    line = _("{name}: NBS 2017 size {size} — {reason}").format(
        name=founder.name, size=label(size.size, lang), reason=size.reason_text(lang)
    )
    out.write("\n" + line)
    out.write("\n\n" + check_eligibility(founder).explain(lang=lang) + "\n")
    for incubatee in platform.incubatees[:5]:
        origin = label(incubatee.origin, lang)
        out.write(f"\n— {incubatee.id} {incubatee.name} ({origin})\n")
        out.write(check_graduation(incubatee).explain(lang=lang) + "\n")
