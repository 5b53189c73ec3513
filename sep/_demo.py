"""The demo behind ``python -m sep demo``: the Annex C platform, decided.

It builds the H+ platform of Annex C, asks whether its founder "H Group" may found a
platform (3.1, 4.2.1) and whether each demo incubatee may graduate (4.3.5), and prints the
explained decisions.
"""

from __future__ import annotations

from typing import TextIO

from sep.evaluation import check_eligibility, check_graduation
from sep.examples import ANNEX_C_FIGURES, annex_c_platform

__all__ = ["run_demo"]


def run_demo(out: TextIO, *, lang: str = "en") -> None:
    """Print the demo to ``out`` in ``lang`` (``"en"`` or ``"zh"``)."""
    platform = annex_c_platform()
    accelerated = sum(1 for inc in platform.incubatees if inc.accelerated)
    zh = lang == "zh"
    out.write(
        (
            f"平台 {platform.name}（附录C）：{len(platform.incubatees)} 个项目，"
            f"加速 {accelerated} 个，{len(platform.modules)} 个业务模块，"
            f"{len(platform.norms)} 项管理规范\n"
        )
        if zh
        else (
            f"Platform {platform.name} (Annex C): {len(platform.incubatees)} projects, "
            f"{accelerated} accelerated, {len(platform.modules)} business modules, "
            f"{len(platform.norms)} management norms\n"
            f"Figures reproduced from {ANNEX_C_FIGURES['source']}\n"
        )
    )
    founder = platform.leading_founder
    size = founder.size
    out.write(f"\n{founder.name}: NBS 2017 size {size.size.value} — {size.reason}\n\n")
    out.write(check_eligibility(founder).explain(lang=lang) + "\n")
    for incubatee in platform.incubatees[:5]:
        out.write(f"\n— {incubatee.id} {incubatee.name} ({incubatee.origin.value})\n")
        out.write(check_graduation(incubatee).explain(lang=lang) + "\n")
