"""Portfolio plots render to PNG (4.3.5, Annex C); matplotlib's Agg backend, no display."""

from __future__ import annotations

import datetime as dt
import io
import re
import warnings

import pytest

pytestmark = pytest.mark.clause("4.3.5", "C")

pd = pytest.importorskip("pandas")
matplotlib = pytest.importorskip("matplotlib")
matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402

from sep.assessment import portfolio_figures  # noqa: E402
from sep.evaluation import synthetic_graduation_columns  # noqa: E402
from sep.examples import annex_c_platform  # noqa: E402
from sep.portfolio import (  # noqa: E402
    Scenario,
    compare,
    evaluate,
    plot_annex_c,
    plot_flips,
    plot_outcomes,
    plot_sweep,
    sweep,
)

ON = dt.date(2025, 6, 30)
PNG = b"\x89PNG\r\n\x1a\n"


def _png(ax: object) -> bytes:
    buf = io.BytesIO()
    ax.figure.savefig(buf, format="png")  # type: ignore[attr-defined]
    plt.close(ax.figure)  # type: ignore[attr-defined]
    return buf.getvalue()


@pytest.fixture(scope="module")
def frame() -> pd.DataFrame:
    """A small synthetic portfolio for the plots."""
    return pd.DataFrame(synthetic_graduation_columns(300, seed=11))


def test_outcome_counts_plot(frame: pd.DataFrame) -> None:
    """4.3.5: one bar per criterion plus the overall outcome, rendered as a PNG."""
    result = evaluate(frame, on=ON)
    ax = plot_outcomes(result)
    assert len(ax.get_yticklabels()) == len(result.criteria) + 1
    assert _png(ax).startswith(PNG)


def test_flips_and_sweep_plots(frame: pd.DataFrame) -> None:
    """A scenario's flips and a sweep's curve (4.3.5(c) thresholds) render as PNGs."""
    c = compare(
        frame, Scenario("2 periods", params={"cash_flow_periods": 2}), baseline=Scenario(on=ON)
    )
    assert _png(plot_flips(c)).startswith(PNG)
    table = sweep(frame, "profit_min", ["0", "1000000", "3000000"], baseline=Scenario(on=ON))
    ax = plot_sweep(table)
    assert len(ax.lines[0].get_xdata()) == 3
    assert _png(ax).startswith(PNG)


def test_annex_c_figures_plot() -> None:
    """Annex C's portfolio figures (4,001 incubatees of H+) render as a PNG."""
    ax = plot_annex_c(portfolio_figures(annex_c_platform()))
    assert "4001" in ax.get_title()
    assert _png(ax).startswith(PNG)


_CJK = re.compile(r"[\u4e00-\u9fff]")


def _texts(ax: object) -> list[str]:
    from matplotlib.text import Text

    return [t.get_text() for t in ax.findobj(Text) if t.get_text()]  # type: ignore[attr-defined]


def _zh_plots(frame: pd.DataFrame) -> dict[str, object]:
    strict = Scenario("严格", params={"large_financing_min": "1000000000000"}, on=ON)
    c = compare(frame, strict, baseline=Scenario(on=ON))
    assert len(c.flips()) > 0  # the bars, their legend and labels are drawn
    table = sweep(frame, "profit_min", ["0", "1000000", "3000000"], baseline=Scenario(on=ON))
    return {
        "outcomes": plot_outcomes(evaluate(frame, on=ON), lang="zh"),
        "flips": plot_flips(c, lang="zh"),
        "sweep": plot_sweep(table, lang="zh"),
        "annex_c": plot_annex_c(portfolio_figures(annex_c_platform()), lang="zh"),
    }


def test_chinese_plots_say_their_texts_in_chinese(frame: pd.DataFrame) -> None:
    """With ``lang="zh"`` each plot's title or axis label and its legend or bars are the
    catalogue's Chinese (met → 满足), and none keeps the English ones."""
    english = {"rows", "share of rows", "incubatees", "met", "unknown", "not_met"}
    for name, ax in _zh_plots(frame).items():
        texts = _texts(ax)
        assert any(_CJK.search(t) for t in texts), (name, texts)
        assert not english & set(texts), (name, texts)
        plt.close(ax.figure)  # type: ignore[attr-defined]
    ax = plot_outcomes(evaluate(frame, on=ON), lang="zh")
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert legend == ["满足", "不满足", "未知"]
    assert ax.get_xlabel() == "行"
    plt.close(ax.figure)


def test_chinese_plots_render_without_missing_glyphs(frame: pd.DataFrame) -> None:
    """Rendered to PNG, the Chinese plots use a font with Chinese glyphs: matplotlib
    reports no missing glyph (skipped where no such font is installed)."""
    from sep.portfolio._plot import cjk_font

    if cjk_font() is None:
        pytest.skip("no font with Chinese glyphs installed (fonts-noto-cjk, fonts-wqy-zenhei)")
    for name, ax in _zh_plots(frame).items():
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            assert _png(ax).startswith(PNG)
        missing = [str(w.message) for w in caught if "missing from" in str(w.message)]
        assert missing == [], (name, missing)


def test_without_a_chinese_font_a_plot_warns_once(
    frame: pd.DataFrame, monkeypatch: pytest.MonkeyPatch
) -> None:
    """No font with Chinese glyphs: the first Chinese plot warns, naming the fix, and the
    next ones do not; English plots never warn; an unknown lang is refused."""
    from sep.errors import ValidationError
    from sep.portfolio import _plot

    monkeypatch.setattr(_plot, "cjk_font", lambda: None)
    monkeypatch.setattr(_plot, "_warned", [])
    result = evaluate(frame, on=ON)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        for _ in range(2):
            plt.close(plot_outcomes(result, lang="zh").figure)
    ours = [str(w.message) for w in caught if "Chinese glyphs" in str(w.message)]
    assert len(ours) == 1 and "fonts-noto-cjk" in ours[0]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        plt.close(plot_outcomes(result).figure)
    with pytest.raises(ValidationError) as refused:
        plot_outcomes(result, lang="fr")
    assert refused.value.field == "lang"
