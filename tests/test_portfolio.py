"""Portfolio figures (Annex C, 4.2.2, 4.3.6) rebuilt from sep.examples."""

from __future__ import annotations

import datetime as dt

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sep.assessment import portfolio_figures
from sep.domain import Archive, Incubatee, Money, Origin, PlatformResource, ProcessRecord
from sep.examples import ANNEX_C_FIGURES, annex_c_platform, synthetic_incubatees
from tests.strategies import incubatee_s

pytestmark = pytest.mark.clause("4.2.2", "4.3.6", "C")


def test_annex_c_published_figures_are_rebuilt() -> None:
    """Annex C: over 4,000 projects, 343 accelerated (215/45/83), 2 listed, 5 unicorns,
    23 gazelles, 68 internal (2 listed, 3 unicorns), 120 bn total and ~60 bn internal."""
    f = portfolio_figures(annex_c_platform())
    c = ANNEX_C_FIGURES
    assert f.total > c["projects_attracted_min"]
    assert f.accelerated == c["accelerated"] == 343
    assert f.accelerated_by_stage == c["accelerated_by_stage"]
    assert f.accelerated_by_stage == {"seed": 215, "angel": 45, "series_a_plus": 83}
    assert (f.listed, f.unicorns, f.gazelles) == (2, 5, 23)
    assert f.by_origin["internal"] == c["internal_projects"] == 68
    assert (f.internal_listed, f.internal_unicorns) == (2, 3)
    assert f.total_valuation == c["total_valuation"] == Money(120_000_000_000)
    assert f.internal_valuation == c["internal_valuation_about"]


def test_counts_partition_the_portfolio() -> None:
    """4.2.2: origins, stages and states each partition the portfolio."""
    incubatees = list(synthetic_incubatees(300, seed=3))
    f = portfolio_figures(incubatees)
    assert f.total == 300
    assert sum(f.by_origin.values()) == 300
    assert sum(f.by_stage.values()) == 300
    assert sum(f.by_state.values()) == 300
    assert f.accelerated + f.accelerated_unknown <= 300
    assert sum(f.accelerated_by_stage.values()) <= f.accelerated


@settings(max_examples=30)
@given(st.lists(incubatee_s(), max_size=4, unique_by=lambda i: i.id))
def test_figures_never_exceed_what_is_recorded(incubatees: list[Incubatee]) -> None:
    """Annex C: each count is bounded by the facts recorded; unknown is never counted as yes."""
    f = portfolio_figures(incubatees)
    assert f.accelerated == sum(1 for i in incubatees if i.accelerated is True)
    assert f.accelerated_unknown == sum(1 for i in incubatees if i.accelerated is None)
    assert f.internal_listed <= f.listed <= len(incubatees)
    assert f.valued <= len(incubatees)


def test_graduates_are_those_archived_or_in_a_graduated_state() -> None:
    """4.3.6: a graduate has a graduate archive or a graduated process state."""
    base = Incubatee(id="a", name="A", origin=Origin.EXTERNAL)
    archived = attrs.evolve(base, id="b", archive=Archive("G-1", dt.date(2024, 1, 2)))
    state = attrs.evolve(base, id="c", process=ProcessRecord("graduated"))
    held = attrs.evolve(base, id="d", resources=(PlatformResource("r", "space"),))
    f = portfolio_figures([base, archived, state, held])
    assert f.graduates == 2
    assert f.by_state == {"graduated": 1, "unknown": 3}


def test_figures_render_as_json_and_markdown() -> None:
    """Annex C: the figures render for machines and, in both languages, for people."""
    f = portfolio_figures(annex_c_platform())
    data = f.to_dict()
    assert data["total_valuation"] == {"amount": "120000000000", "currency": "CNY"}
    assert data["accelerated"] == 343
    assert "| unicorns | 5 |" in f.to_markdown()
    assert "| 独角兽 | 5 |" in f.to_markdown("zh")
