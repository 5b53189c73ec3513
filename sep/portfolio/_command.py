"""``sep portfolio QUESTION FILE``: a whole portfolio file decided from the shell (4.3.5,
4.3.7-b, 3.1/4.2.1), with an optional scenario compared against it."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any, Literal

from sep._i18n import N_, translation
from sep._reason import R_, os_reason
from sep.errors import ValidationError
from sep.evaluation import ELIGIBILITY, EVALUATION, GRADUATION, RulePack, load_parameters
from sep.portfolio._frame import evaluate
from sep.portfolio._scenario import Scenario, compare, load_scenario

__all__ = ["run"]

PACKS = {"graduation": GRADUATION, "eligibility": ELIGIBILITY, "evaluation": EVALUATION}


def _params(path: str) -> dict[str, Any]:
    if Path(path).suffix.lower() in (".toml", ".yaml", ".yml"):
        return dict(load_parameters(path))
    from sep._json import loads

    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ValidationError("", path, R_("cannot be read: {exc}", exc=os_reason(exc))) from None
    data = loads(text, what=path)
    if not isinstance(data, dict):
        raise ValidationError("", path, N_("must hold an object of parameter values"))
    return data


def run(
    question: str,
    file: str,
    *,
    params: str | None = None,
    scenario: str | None = None,
    pack: RulePack | None = None,
    on: dt.date | None = None,
    out: str | None = None,
    index: str | None = None,
    ignore_extra: bool = False,
    lang: str = "en",
    fmt: str = "text",
) -> str:
    """Decide ``file`` for ``question``; return the counts per criterion (or, with a
    scenario, the flips) as text or JSON (``fmt``), after saving the frame to ``out``."""
    chosen: RulePack | str = pack if pack is not None else PACKS[question]
    overrides = _params(params) if params else None
    extra: Literal["error", "ignore"] = "ignore" if ignore_extra else "error"
    baseline = Scenario("baseline", pack=chosen, params=overrides, on=on)
    payload: dict[str, Any]
    if scenario:
        loaded = load_scenario(scenario)
        merged = {**(overrides or {}), **(loaded.params or {})}
        other = Scenario(
            loaded.name,
            pack=loaded.pack if loaded.pack != GRADUATION else chosen,
            params=merged or None,
            on=loaded.on or on,
        )
        result = compare(file, other, baseline=baseline, extra=extra, index=index)
        frame = result.flips()
        payload = {
            "rows": len(result.baseline),
            "baseline": result.baseline.counts(),
            "scenario": result.scenario.counts(),
            "changes": result.counts(),
            "flips": len(frame),
        }
        text = result.text("zh" if lang == "zh" else "en")
        saved = result.scenario.frame(margins=True)
    else:
        single = evaluate(file, chosen, params=overrides, on=on, extra=extra, index=index)
        payload = {"rows": len(single), "counts": single.counts()}
        table = single.summary()
        _ = translation(lang).gettext
        lines = [
            _("{pack} on {as_of}: {n} rows").format(
                pack=single.batch.pack, as_of=single.batch.as_of, n=len(single)
            )
        ]
        for key, row in table.iterrows():
            lines.append(
                _(
                    "  {id:28s} met {met:>9,}  not met {not_met:>9,}  unknown {unknown:>9,}  {text}"
                ).format(
                    id=key,
                    met=row["met"],
                    not_met=row["not_met"],
                    unknown=row["unknown"],
                    text=row["zh" if lang == "zh" else "en"],
                )
            )
        text = "\n".join(lines)
        saved = single.frame(margins=True)
    if out:
        _save(saved, out)
    if fmt == "json":
        return json.dumps(payload, ensure_ascii=False, indent=2)
    return text


def _save(frame: Any, path: str) -> None:
    suffix = Path(path).suffix.lower()
    try:
        if suffix in (".parquet", ".pq"):
            frame.to_parquet(path)
        elif suffix == ".csv":
            frame.to_csv(path)
        else:
            raise ValidationError("--out", path, N_("must be a .parquet or .csv file"))
    except OSError as exc:
        raise ValidationError(
            "--out", path, R_("cannot be written: {exc}", exc=os_reason(exc))
        ) from None
