"""Portfolio figures of a platform, as Annex C reports them (4.2.2, 4.3.5, 4.3.6, Annex C).

Counts by origin (the three service targets of 4.2.2), financing stage and process state,
the accelerated projects by stage, graduates (4.3.6), listed companies, unicorns and
gazelles, and valuation totals. Unknown facts are counted as unknown, never as "no".
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from typing import Any

import attrs

from sep._i18n import label, translation
from sep._suggest import check_lang
from sep.domain._enums import EventKind, FinancingStage, GrowthClass, Origin
from sep.domain._incubatee import Incubatee
from sep.domain._money import CNY, Money
from sep.domain._platform import Platform

__all__ = ["GRADUATED_STATES", "PortfolioFigures", "portfolio_figures"]

#: States of the standard incubation process (4.3.2) reached only after graduation (4.3.6):
#: ``graduated`` (graduate archive created) and ``tracking`` (post-graduation tracking).
GRADUATED_STATES = frozenset({"graduated", "tracking"})

_UNKNOWN = "unknown"


def _listed(incubatee: Incubatee) -> bool:
    return incubatee.listed is True or any(e.kind is EventKind.LISTED for e in incubatee.events)


def _graduated(incubatee: Incubatee) -> bool:
    if incubatee.archive is not None:
        return True
    return incubatee.process is not None and incubatee.process.state in GRADUATED_STATES


@attrs.frozen
class PortfolioFigures:
    """The figures Annex C publishes, computed from a portfolio.

    Example:
        >>> from sep.examples import annex_c_platform
        >>> f = portfolio_figures(annex_c_platform())
        >>> f.total, f.accelerated, f.listed, f.unicorns, f.gazelles, f.by_origin["internal"]
        (4001, 343, 2, 5, 23, 68)
    """

    total: int
    by_origin: Mapping[str, int]
    by_stage: Mapping[str, int]
    by_state: Mapping[str, int]
    accelerated: int
    accelerated_by_stage: Mapping[str, int]
    accelerated_unknown: int
    graduates: int
    listed: int
    unicorns: int
    gazelles: int
    internal_listed: int
    internal_unicorns: int
    total_valuation: Money
    internal_valuation: Money
    valued: int

    def to_dict(self) -> dict[str, Any]:
        """JSON-able form (money as decimal strings)."""
        out: dict[str, Any] = {}
        for name, value in attrs.asdict(self, recurse=False).items():
            if isinstance(value, Money):
                out[name] = {"amount": str(value.amount), "currency": value.currency}
            elif isinstance(value, Mapping):
                out[name] = dict(value)
            else:
                out[name] = value
        return out

    def to_markdown(self, lang: str = "en") -> str:
        """The figures as a two-column Markdown table, in English or Chinese (``zh``)."""
        check_lang(lang)
        _ = translation(lang).gettext
        money = (self.total_valuation, self.internal_valuation)
        rows = [
            (_("projects"), str(self.total)),
            *(
                (_("origin: {origin}").format(origin=label(k, lang)), str(v))
                for k, v in sorted(self.by_origin.items())
            ),
            (_("accelerated"), str(self.accelerated)),
            *(
                (_("accelerated, stage: {stage}").format(stage=label(k, lang)), str(v))
                for k, v in sorted(self.accelerated_by_stage.items())
            ),
            *(
                (_("state: {state}").format(state=label(k, lang)), str(v))
                for k, v in sorted(self.by_state.items())
            ),
            (_("graduates"), str(self.graduates)),
            (_("listed"), str(self.listed)),
            (_("unicorns"), str(self.unicorns)),
            (_("gazelles"), str(self.gazelles)),
            (_("total valuation"), money[0].format(lang)),
            (_("internal valuation"), money[1].format(lang)),
        ]
        head = _("| figure | value |")
        return "\n".join([head, "|---|---|", *(f"| {a} | {b} |" for a, b in rows)]) + "\n"


def portfolio_figures(source: Platform | Iterable[Incubatee]) -> PortfolioFigures:
    """Compute Annex C's portfolio figures for a platform or a list of incubatees.

    Valuations in a currency other than CNY are left out of the totals (and of ``valued``).

    Example:
        >>> from sep.examples import synthetic_incubatees
        >>> f = portfolio_figures(synthetic_incubatees(50, seed=1))
        >>> f.total, sum(f.by_origin.values())
        (50, 50)
    """
    incubatees = source.incubatees if isinstance(source, Platform) else tuple(source)
    by_origin: Counter[str] = Counter({o.value: 0 for o in Origin})
    by_stage: Counter[str] = Counter()
    by_state: Counter[str] = Counter()
    accelerated_by_stage: Counter[str] = Counter({s.value: 0 for s in FinancingStage})
    accelerated = accelerated_unknown = graduates = listed = unicorns = gazelles = 0
    internal_listed = internal_unicorns = valued = 0
    total_valuation = Money.zero()
    internal_valuation = Money.zero()
    for inc in incubatees:
        internal = inc.origin is Origin.INTERNAL
        by_origin[inc.origin.value] += 1
        stage = inc.financing_stage.value if inc.financing_stage is not None else _UNKNOWN
        by_stage[stage] += 1
        by_state[inc.process.state if inc.process is not None else _UNKNOWN] += 1
        if inc.accelerated:
            accelerated += 1
            accelerated_by_stage[stage] += 1
        elif inc.accelerated is None:
            accelerated_unknown += 1
        graduates += _graduated(inc)
        is_listed = _listed(inc)
        listed += is_listed
        internal_listed += is_listed and internal
        unicorns += inc.growth is GrowthClass.UNICORN
        internal_unicorns += inc.growth is GrowthClass.UNICORN and internal
        gazelles += inc.growth is GrowthClass.GAZELLE
        if inc.valuation is not None and inc.valuation.currency == CNY:
            valued += 1
            total_valuation = total_valuation + inc.valuation
            if internal:
                internal_valuation = internal_valuation + inc.valuation
    return PortfolioFigures(
        total=len(incubatees),
        by_origin=dict(by_origin),
        by_stage=dict(sorted(by_stage.items())),
        by_state=dict(sorted(by_state.items())),
        accelerated=accelerated,
        accelerated_by_stage=dict(accelerated_by_stage),
        accelerated_unknown=accelerated_unknown,
        graduates=graduates,
        listed=listed,
        unicorns=unicorns,
        gazelles=gazelles,
        internal_listed=internal_listed,
        internal_unicorns=internal_unicorns,
        total_valuation=total_valuation,
        internal_valuation=internal_valuation,
        valued=valued,
    )
