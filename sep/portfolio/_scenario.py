"""What-if over a portfolio (what OpenFisca calls reforms): a baseline and a scenario that
overrides parameters (4.3.5(c)'s revenue threshold, ``cash_flow_periods``), switches pack
(T/CATE 0001—2020 vs 国科发区〔2018〕300号) or changes the date, compared row by row."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, Literal

import attrs
import numpy as np
import pandas as pd

from sep._i18n import N_, label, translation
from sep._reason import R_, os_reason
from sep._suggest import LANGS
from sep.errors import ValidationError
from sep.evaluation import GRADUATION, RulePack
from sep.portfolio._frame import (
    CHUNK_ROWS,
    OUTCOME_CATEGORIES,
    PortfolioResult,
    _load,
    _pack_of,
    _read,
    _run,
    _walk,
)

__all__ = ["Comparison", "Scenario", "compare", "load_scenario", "sweep"]

#: The outcome words of a comparison's text (catalogue msgids).
_WORDS = {"met": N_("met"), "not_met": N_("not met"), "unknown": N_("unknown")}


@attrs.frozen
class Scenario:
    """One way of deciding a portfolio: a pack, parameter overrides and a date.

    Attributes:
        name: What to call it in tables and text.
        pack: A shipped pack id, a :class:`~sep.evaluation.RulePack` or a pack file.
        params: Parameter overrides (``{"revenue_min": "20000000"}``), as ``params=`` of
            :func:`~sep.evaluation.check` takes them.
        on: The date whose parameter values apply (default: today).

    Example:
        >>> Scenario("higher bar", params={"revenue_min": "20000000"}).name
        'higher bar'
    """

    name: str = "baseline"
    pack: RulePack | str = GRADUATION
    params: Mapping[str, Any] | None = None
    on: dt.date | None = None


def load_scenario(path: str | Path) -> Scenario:
    """A :class:`Scenario` from a TOML or JSON file with optional keys ``name``, ``pack``,
    ``on`` (``YYYY-MM-DD``) and a ``params`` table of values.

    Raises:
        ValidationError: The file cannot be read or a key is not one of those.

    Example:
        >>> import tempfile, os
        >>> p = os.path.join(tempfile.mkdtemp(), "s.toml")
        >>> text = 'name = "strict"\\non = 2026-01-01\\n[params]\\nrevenue_min = "20000000"\\n'
        >>> _ = open(p, "w").write(text)
        >>> s = load_scenario(p)
        >>> s.name, s.on, s.params
        ('strict', datetime.date(2026, 1, 1), {'revenue_min': '20000000'})
    """
    from sep._json import loads

    source = Path(path)
    try:
        text = source.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ValidationError(
            "", str(path), R_("cannot be read: {exc}", exc=os_reason(exc))
        ) from None
    if source.suffix.lower() == ".json":
        data = loads(text, what=str(path))
    else:
        import tomllib

        try:
            data = tomllib.loads(text)
        except tomllib.TOMLDecodeError as exc:
            raise ValidationError("", str(path), R_("is not valid TOML: {exc}", exc=exc)) from None
    if not isinstance(data, Mapping):
        raise ValidationError("", str(path), N_("must hold a table of name, pack, params, on"))
    unknown = set(data) - {"name", "pack", "params", "on"}
    if unknown:
        raise ValidationError(
            sorted(unknown)[0], str(path), N_("is not a scenario key (name, pack, params, on)")
        )
    on = data.get("on")
    if isinstance(on, str):
        try:
            on = dt.date.fromisoformat(on)
        except ValueError:
            raise ValidationError("on", on, N_("must be a date written YYYY-MM-DD")) from None
    if on is not None and not isinstance(on, dt.date):
        raise ValidationError("on", on, N_("must be a date written YYYY-MM-DD"))
    params = data.get("params")
    if params is not None and not isinstance(params, Mapping):
        raise ValidationError("params", params, N_("must be a table of parameter values"))
    return Scenario(
        name=str(data.get("name", source.stem)),
        pack=str(data.get("pack", GRADUATION)),
        params=dict(params) if params is not None else None,
        on=on,
    )


def _leaf_ids(rules: RulePack) -> set[str]:
    return {c.id for c in _walk(rules.criteria) if not c.children}


@attrs.frozen(eq=False)
class Comparison:
    """A baseline and a scenario over the same rows.

    Attributes:
        baseline: The baseline's result.
        scenario: The scenario's result.
        names: The two scenarios' names.

    Example:
        >>> import pandas as pd
        >>> df = pd.DataFrame({"revenue": [12e6, 25e6], "profit": [2e6, 2e6]})
        >>> c = compare(df, Scenario("strict", params={"revenue_min": "20000000"}),
        ...             baseline=Scenario(on=dt.date(2025, 1, 1)))
        >>> c.counts()["4.3.5(c).revenue"]
        {'met→not_met': 1}
    """

    baseline: PortfolioResult
    scenario: PortfolioResult
    names: tuple[str, str] = ("baseline", "scenario")

    def _shared(self) -> list[str]:
        theirs = set(self.scenario.criteria)
        return [k for k in self.baseline.criteria if k in theirs]

    def transitions(self, key: str = "outcome") -> pd.DataFrame:
        """Rows counted by outcome before (index) and after (columns), for ``"outcome"``
        or a criterion both packs have."""
        before = pd.Categorical.from_codes(
            _position(self.baseline.codes(key)), list(OUTCOME_CATEGORIES), ordered=True
        )
        after = pd.Categorical.from_codes(
            _position(self.scenario.codes(key)), list(OUTCOME_CATEGORIES), ordered=True
        )
        table = pd.crosstab(
            pd.Series(before, name=self.names[0]),
            pd.Series(after, name=self.names[1]),
            dropna=False,
        )
        return table.reindex(
            index=list(OUTCOME_CATEGORIES), columns=list(OUTCOME_CATEGORIES), fill_value=0
        )

    def counts(self) -> dict[str, dict[str, int]]:
        """Per ``"outcome"`` and shared criterion, the number of rows for each change
        (``"met→not_met"`` …); unchanged rows are not counted."""
        out: dict[str, dict[str, int]] = {}
        for key in ["outcome", *self._shared()]:
            table = self.transitions(key)
            out[key] = {
                f"{a}→{b}": int(table.loc[a, b])
                for a in OUTCOME_CATEGORIES
                for b in OUTCOME_CATEGORIES
                if a != b and int(table.loc[a, b])
            }
        return out

    def flips(self) -> pd.DataFrame:
        """The rows whose overall outcome changed, with the input's index: ``before``,
        ``after``, ``criterion`` (the first criterion, leaves first, whose outcome changed;
        empty when the packs share none), its outcome and margin before and after."""
        before, after = self.baseline.codes(), self.scenario.codes()
        changed = np.flatnonzero(before != after)
        shared = self._shared()
        leaves = _leaf_ids(self.baseline.batch._evaluator.pack)
        order = [k for k in shared if k in leaves] + [k for k in shared if k not in leaves]
        pick = np.full(changed.size, -1, np.int64)
        for k, key in enumerate(order):
            moved = self.baseline.codes(key)[changed] != self.scenario.codes(key)[changed]
            pick[(pick < 0) & moved] = k
        labels = np.array([*order, ""], dtype=object)[pick]
        margins_before = self.baseline.margins()
        margins_after = self.scenario.margins()
        m_before = np.full(changed.size, np.nan)
        m_after = np.full(changed.size, np.nan)
        c_before = np.empty(changed.size, object)
        c_after = np.empty(changed.size, object)
        for k, key in enumerate(order):
            rows = pick == k
            if not rows.any():
                continue
            at = changed[rows]
            c_before[rows] = _names(self.baseline.codes(key)[at])
            c_after[rows] = _names(self.scenario.codes(key)[at])
            if key in margins_before:
                m_before[rows] = margins_before[key].to_numpy()[at]
            if key in margins_after:
                m_after[rows] = margins_after[key].to_numpy()[at]
        index = self.baseline.index[changed]
        return pd.DataFrame(
            {
                "before": pd.Categorical(_names(before[changed]), list(OUTCOME_CATEGORIES)),
                "after": pd.Categorical(_names(after[changed]), list(OUTCOME_CATEGORIES)),
                "criterion": labels,
                "criterion_before": c_before,
                "criterion_after": c_after,
                "margin_before": m_before,
                "margin_after": m_after,
            },
            index=index,
        )

    def text(self, lang: Literal["en", "zh"] = "en") -> str:
        """A few lines for people: how many rows change, in which direction, and the
        criteria behind it, in English or Chinese.

        Raises:
            ValidationError: ``lang`` is not ``en`` or ``zh``.
        """
        if lang not in LANGS:
            raise ValidationError("lang", lang, N_("must be 'en' or 'zh'"))
        t = translation(lang)
        _ = t.gettext
        counts = self.counts()["outcome"]
        flips = self.flips()
        n, moved = len(self.baseline), len(flips)
        top = flips["criterion"].value_counts().head(3)
        base, scen = self.names
        b_batch, s_batch = self.baseline.batch, self.scenario.batch
        lines = [
            t.ngettext(
                "Scenario '{scenario}' vs '{baseline}' ({pack} on {as_of}; baseline "
                "{baseline_pack} on {baseline_as_of}): {moved} of {n} row changes outcome.",
                "Scenario '{scenario}' vs '{baseline}' ({pack} on {as_of}; baseline "
                "{baseline_pack} on {baseline_as_of}): {moved} of {n} rows change outcome.",
                n,
            ).format(
                scenario=label(scen, lang),  # the default name, baseline, is sep's: said
                baseline=label(base, lang),
                pack=s_batch.pack,
                as_of=s_batch.as_of,
                baseline_pack=b_batch.pack,
                baseline_as_of=b_batch.as_of,
                moved=moved,
                n=n,
            )
        ]
        for change, count in counts.items():
            a, b = change.split("→")
            lines.append(
                t.ngettext(
                    "  {before} → {after}: {count} row", "  {before} → {after}: {count} rows", count
                ).format(before=_(_WORDS[a]), after=_(_WORDS[b]), count=count)
            )
        for key, count in top.items():
            if key:
                lines.append(
                    t.ngettext(
                        "  because of {criterion}: {count} row",
                        "  because of {criterion}: {count} rows",
                        count,
                    ).format(criterion=key, count=count)
                )
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        from html import escape

        head = "".join(f"<p>{escape(line)}</p>" for line in self.text().splitlines()[:1])
        return head + str(self.transitions().to_html()) + str(self.flips().head(20).to_html())

    def __repr__(self) -> str:
        return f"Comparison({self.names[1]!r} vs {self.names[0]!r}, rows={len(self.baseline)})"


def _position(codes: np.ndarray[Any, Any]) -> np.ndarray[Any, Any]:
    found: np.ndarray[Any, Any] = np.array([1, 0, 2], np.int8)[codes.astype(np.intp) + 1]
    return found


def _names(codes: np.ndarray[Any, Any]) -> np.ndarray[Any, Any]:
    found: np.ndarray[Any, Any] = np.array(OUTCOME_CATEGORIES, dtype=object)[_position(codes)]
    return found


def _prepare(
    data: Any, packs: Sequence[RulePack], extra: str, index: str | None
) -> tuple[pd.Index, dict[str, Any], Any]:
    frame = _load(data, packs, extra, index)
    columns, sources = _read(frame, packs, extra)
    return frame.index, columns, sources


def compare(
    data: Any,
    scenario: Scenario,
    *,
    baseline: Scenario | None = None,
    extra: Literal["error", "ignore"] = "error",
    index: str | None = None,
    progress: bool | None = None,
) -> Comparison:
    """Decide the portfolio ``data`` under ``baseline`` and under ``scenario``, row by row.

    The scenario's unset fields are the baseline's: ``Scenario(params=...)`` changes only
    the parameters. Columns are read once, for both packs.

    Raises:
        ValidationError: Bad input, as :func:`~sep.portfolio.evaluate` raises it.
    """
    base = baseline or Scenario()
    other = attrs.evolve(
        scenario,
        pack=scenario.pack if scenario.pack != GRADUATION else base.pack,
        on=scenario.on or base.on,
    )
    packs = [_pack_of(base.pack), _pack_of(other.pack)]
    labels, columns, sources = _prepare(data, packs, extra, index)
    first = _run(packs[0], labels, columns, sources, base.params, base.on, progress, CHUNK_ROWS)
    second = _run(packs[1], labels, columns, sources, other.params, other.on, progress, CHUNK_ROWS)
    return Comparison(first, second, (base.name, other.name))


def sweep(
    data: Any,
    parameter: str,
    values: Sequence[Any],
    *,
    baseline: Scenario | None = None,
    extra: Literal["error", "ignore"] = "error",
    index: str | None = None,
) -> pd.DataFrame:
    """One row per value of ``parameter``: the portfolio's counts of met, not met and
    unknown overall and the share met, other parameters as in ``baseline``.

    Example:
        >>> import pandas as pd
        >>> df = pd.DataFrame({"revenue": [5e6, 15e6, 25e6], "profit": [2e6] * 3,
        ...                    "operating_cash_flow[2025Q1]": [1e6] * 3,
        ...                    "organisation_complete": [True] * 3,
        ...                    "needs_platform_services": [False] * 3})
        >>> base = Scenario(on=dt.date(2025, 1, 1))
        >>> t = sweep(df, "revenue_min", ["10000000", "20000000"], baseline=base)
        >>> t["met"].tolist()
        [0, 0]
    """
    base = baseline or Scenario()
    rules = _pack_of(base.pack)
    if parameter not in rules.parameters:
        raise ValidationError(
            "parameter",
            parameter,
            R_(
                "is not a parameter of {rules} (parameters: {parameters})",
                rules=rules.id,
                parameters=", ".join(rules.parameters),
            ),
            clause=rules.clause,
        )
    labels, columns, sources = _prepare(data, [rules], extra, index)
    rows = []
    for value in values:
        params = {**(base.params or {}), parameter: value}
        result = _run(rules, labels, columns, sources, params, base.on, False, CHUNK_ROWS)
        counted = np.bincount(result.codes().astype(np.int64) + 1, minlength=3)
        n = max(len(result), 1)
        rows.append(
            {
                parameter: value,
                "met": int(counted[2]),
                "not_met": int(counted[1]),
                "unknown": int(counted[0]),
                "met_share": float(counted[2]) / n,
            }
        )
    return pd.DataFrame(rows).set_index(parameter)
