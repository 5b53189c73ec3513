"""Portfolio plots (matplotlib, the ``sep[plot]`` extra): outcome counts per criterion
(4.3.5, 4.3.7-b), a scenario's flips, a parameter sweep's curve and the Annex C portfolio
figures. Each function draws on a new figure (or the ``ax`` given) and returns the Axes.

``lang="zh"`` writes the titles, axis labels, legends and category names from the message
catalogue in Chinese, in the first font matplotlib knows that has Chinese glyphs (Noto
Sans CJK, Source Han Sans, WenQuanYi, SimHei, …); without one a warning says so once,
rather than boxes appearing silently in place of the characters."""

from __future__ import annotations

import contextlib
import functools
import warnings
from typing import Any

import pandas as pd

from sep._i18n import label, translation
from sep._reason import R_
from sep._suggest import check_lang
from sep.errors import EngineUnavailableError
from sep.portfolio._frame import PortfolioResult
from sep.portfolio._scenario import Comparison

__all__ = ["plot_annex_c", "plot_flips", "plot_outcomes", "plot_sweep"]

_COLOURS = {"met": "#2e7d32", "not_met": "#c62828", "unknown": "#9e9e9e"}

#: Fonts with Chinese glyphs, in the order preferred (Debian's fonts-noto-cjk and
#: fonts-wqy-zenhei, Adobe's Source Han, then those of Windows and macOS).
CJK_FONTS = (
    "Noto Sans CJK SC",
    "Noto Sans CJK JP",
    "Noto Sans SC",
    "Source Han Sans SC",
    "Source Han Sans CN",
    "WenQuanYi Zen Hei",
    "WenQuanYi Micro Hei",
    "SimHei",
    "Microsoft YaHei",
    "PingFang SC",
    "Heiti SC",
)
NO_CJK_FONT = (
    "sep: no font with Chinese glyphs is known to matplotlib, so the Chinese text of this "
    "plot shows as empty boxes; install one (Debian/Ubuntu: apt-get install fonts-noto-cjk "
    "or fonts-wqy-zenhei) and remove matplotlib's font cache (matplotlib.get_cachedir())"
)


@functools.cache
def cjk_font() -> str | None:
    """The first of :data:`CJK_FONTS` matplotlib can use, or ``None``."""
    from matplotlib import font_manager

    manager = font_manager.fontManager
    found = _first_cjk(manager)
    if found is None:
        # matplotlib caches its font list once: a font installed after that (the usual
        # fix for this very case) is found only by looking at the system's fonts again.
        cached = {font.fname for font in manager.ttflist}
        for path in font_manager.findSystemFonts():
            if path not in cached:
                with contextlib.suppress(Exception):  # a font file FreeType cannot read
                    manager.addfont(path)
        found = _first_cjk(manager)
    return found


def _regular_weight(font: str) -> Any:
    from matplotlib import font_manager

    weights = [f.weight for f in font_manager.fontManager.ttflist if f.name == font]
    return 400 if not weights or 400 in weights or "normal" in weights else weights[0]


def _first_cjk(manager: Any) -> str | None:
    known = {font.name for font in manager.ttflist}
    return next((name for name in CJK_FONTS if name in known), None)


_warned: list[bool] = []


def _begin(lang: str) -> Any:
    """``lang`` checked; its ``gettext``; the Chinese font looked for (warning once)."""
    check_lang(lang)
    if lang == "zh" and cjk_font() is None and not _warned:
        _warned.append(True)
        warnings.warn(NO_CJK_FONT, UserWarning, stacklevel=3)
    return translation(lang).gettext


def _finish(axes: Any, lang: str) -> Any:
    """Set every text of ``axes`` in the Chinese font; the Axes as it is in English."""
    font = cjk_font() if lang == "zh" else None
    if font is not None:
        from matplotlib.text import Text

        # the font alone (these fonts have Latin letters too): a fallback list makes
        # matplotlib log a "not found" or "weight" line per text and size
        families = [font]
        weight = _regular_weight(font)
        for text in axes.findobj(Text):
            text.set_fontfamily(families)
            if text.get_fontweight() in ("normal", 400):
                # the font's own regular weight (WenQuanYi's is 500): asking for 400
                # would log a "failed to find font weight" line per text
                text.set_fontweight(weight)
    return axes


def _axes(ax: Any) -> Any:
    if ax is not None:
        return ax
    try:
        import matplotlib.pyplot as plt
    except ImportError as exc:  # pragma: no cover - the extra is missing
        raise EngineUnavailableError(
            "matplotlib", R_("plots need it ({error})", error=str(exc)), "pip install 'sep[plot]'"
        ) from None
    _, created = plt.subplots(figsize=(8, 4.5))
    return created


def plot_outcomes(result: PortfolioResult, *, ax: Any = None, lang: str = "en") -> Any:
    """Stacked bars: rows met, not met and unknown, overall and per criterion.

    ``lang``: ``"en"`` or ``"zh"``, the language of the title, axis label and legend."""
    _ = _begin(lang)
    axes = _axes(ax)
    table = result.summary()[["met", "not_met", "unknown"]].iloc[::-1]
    colours = [_COLOURS[c] for c in table.columns]
    table = table.rename(columns=lambda c: label(c, lang), index={"outcome": _("outcome")})
    table.plot.barh(stacked=True, ax=axes, color=colours)
    axes.set_xlabel(_("rows"))
    axes.set_ylabel(_("criterion"))
    on = result.batch.as_of
    axes.set_title(_("{pack} on {on}").format(pack=result.batch.pack, on=on))
    return _finish(axes, lang)


def plot_flips(comparison: Comparison, *, ax: Any = None, lang: str = "en") -> Any:
    """Bars of the rows changing outcome, by direction and the criterion behind it.

    ``lang``: ``"en"`` or ``"zh"``, the language of the title, labels and legend."""
    _ = _begin(lang)
    axes = _axes(ax)
    flips = comparison.flips()
    if flips.empty:
        axes.text(0.5, 0.5, _("no row changes outcome"), ha="center", va="center")
    else:
        before = flips["before"].astype(str).map(lambda v: label(v, lang))
        after = flips["after"].astype(str).map(lambda v: label(v, lang))
        direction = before + " → " + after
        why = flips["criterion"].replace("", _("(pack)"))
        table = pd.crosstab(why.rename(None), direction.rename(None))
        table.plot.barh(stacked=True, ax=axes)
        axes.set_xlabel(_("rows"))
        axes.set_ylabel(_("criterion"))
        axes.legend(title=_("outcome change"))
    a, b = (label(name, lang) for name in comparison.names)
    title = _("{scenario!r} vs {baseline!r}: {flipped} of {rows} rows change").format(
        scenario=b, baseline=a, flipped=len(flips), rows=len(comparison.baseline)
    )
    axes.set_title(title)
    return _finish(axes, lang)


def plot_sweep(table: pd.DataFrame, *, ax: Any = None, lang: str = "en") -> Any:
    """The share of rows met (and unknown) against the swept parameter's values.

    ``lang``: ``"en"`` or ``"zh"``, the language of the axis label and legend (the
    parameter's name on the other axis is an identifier and stays as it is)."""
    _ = _begin(lang)
    axes = _axes(ax)
    n = table[["met", "not_met", "unknown"]].sum(axis=1).replace(0, 1)
    x = [float(v) for v in table.index]
    met, unknown = label("met", lang), label("unknown", lang)
    axes.plot(x, table["met"] / n, marker="o", color=_COLOURS["met"], label=met)
    axes.plot(x, table["unknown"] / n, marker=".", color=_COLOURS["unknown"], label=unknown)
    axes.set_xlabel(str(table.index.name))
    axes.set_ylabel(_("share of rows"))
    axes.set_ylim(0, 1)
    axes.legend()
    return _finish(axes, lang)


def plot_annex_c(figures: Any, *, ax: Any = None, lang: str = "en") -> Any:
    """Annex C's portfolio figures (a :class:`~sep.assessment.PortfolioFigures`): incubatees
    by origin and by financing stage, with the accelerated, graduates, listed, unicorns
    and gazelles.

    ``lang``: ``"en"`` or ``"zh"``, the language of the title, axis label and bars."""
    _ = _begin(lang)
    axes = _axes(ax)
    origin, stage = _("origin: {value}"), _("stage: {value}")
    bars = {origin.format(value=label(k, lang)): v for k, v in figures.by_origin.items()}
    bars.update({stage.format(value=label(k, lang)): v for k, v in figures.by_stage.items()})
    for name in ("accelerated", "graduates", "listed", "unicorns", "gazelles"):
        bars[label(name, lang)] = getattr(figures, name)
    series = pd.Series(bars).iloc[::-1]
    series.plot.barh(ax=axes, color="#1565c0")
    axes.set_xscale("symlog")
    axes.set_xlabel(_("incubatees"))
    axes.set_title(_("Annex C portfolio figures: {total} incubatees").format(total=figures.total))
    return _finish(axes, lang)
