"""Rendering a decision for people, in English or Chinese (every clause the packs cite).

The text leads with the outcome and why, then one line per criterion citing its clause
with the values, thresholds (and which parameter, since when, from what source), the
margin in the input's unit and the missing inputs by the field name a caller sends; then
what would settle or flip it, and the identity needed to replay it (pack, parameter date,
digest).
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from sep._i18n import N_, join, label, translation
from sep._limits import MONEY_CONTEXT
from sep._suggest import LANGS
from sep.domain._money import format_amount
from sep.errors import ValidationError
from sep.evaluation._decision import Change, Check, CriterionResult, ParameterUse
from sep.evaluation._digest import short
from sep.evaluation._outcome import Outcome

if TYPE_CHECKING:
    from sep.evaluation._decision import Decision

__all__ = ["render"]

_WIDTH = 58
#: The outcome words of an explanation.
_OUTCOME = {"met": N_("MET"), "not_met": N_("NOT MET"), "unknown": N_("UNKNOWN")}
_SYMBOL = {"==": "=", "!=": "≠", "<": "<", "<=": "≤", ">": ">", ">=": "≥"}
_NEGATED = {"==": "≠", "!=": "=", "<": "≥", "<=": ">", ">": "≤", ">=": "<"}


class _Renderer:
    def __init__(self, decision: Decision, lang: str) -> None:
        if lang not in LANGS:
            raise ValidationError("lang", lang, N_("must be 'en' or 'zh'"))
        self.d = decision
        self.lang = lang
        self.t = translation(lang)
        self._ = self.t.gettext
        pack = decision._evaluator.pack
        self.pack = pack
        self.params = {p.name: p for p in decision.parameters}

    # -- values ------------------------------------------------------------------------

    def label(self, name: str) -> str:
        spec = self.pack.inputs.get(name)
        if spec is None:
            return name
        return spec.zh if self.lang == "zh" else spec.en

    def join(self, items: Iterable[str]) -> str:
        return join(items, self.lang)

    def amount(self, value: Any, unit: str) -> str:
        _ = self._
        if isinstance(value, bool):
            return _("yes") if value else _("no")
        if isinstance(value, Decimal):
            if unit == "CNY":
                return format_amount(value, lang=self.lang)
            text = _plain(value)
            if unit == "points":
                return _("{value} points").format(value=text)
            return f"{text} {label(unit, self.lang)}".strip()
        return label(value, self.lang)

    def unit_of(self, check: Check) -> str:
        spec = self.pack.inputs.get(check.input)
        if check.measure == "min_to_mean_of_last":
            return ""
        return spec.unit if spec is not None else ""

    def source(self, use: ParameterUse) -> str:
        # The shipped packs' sources are in the catalogue; a user's pack says its own.
        return label(use.source, self.lang)

    def param_note(self, name: str | None) -> str:
        if name is None:
            return ""
        use: ParameterUse | None = self.params.get(name)
        if use is None:
            return ""
        short = self.source(use).split(" (", 1)[0].split("（", 1)[0]
        return self._(" (parameter {name}, since {since}, {source})").format(
            name=name, since=use.since.isoformat(), source=short
        )

    def margin(self, check: Check) -> str:
        if check.margin is None or check.outcome is Outcome.UNKNOWN:
            return ""
        unit = self.unit_of(check)
        if check.margin == 0 and check.outcome is Outcome.NOT_MET:
            # A strict comparison ("over 5,000,000") at exactly the threshold.
            return self._(" — equal to it; it must be exceeded")
        if check.margin < 0:
            return self._(" — short by {amount}").format(amount=self.amount(-check.margin, unit))
        return self._(" — margin +{amount}").format(amount=self.amount(check.margin, unit))

    # -- lines -------------------------------------------------------------------------

    def check_line(self, check: Check) -> str:
        _ = self._
        unit = self.unit_of(check)
        label = self.label(check.input)
        threshold = self.amount(check.threshold, unit)
        note = self.param_note(check.parameter)
        missing = _("{label}: missing ({input}){note}").format(
            label=label, input=check.input, note=note
        )
        if check.measure == "value":
            if check.actual is None:
                return missing
            if isinstance(check.threshold, bool | str):
                actual = self.amount(check.actual, unit)
                if check.outcome is Outcome.MET:
                    return _("{label}: {actual}").format(label=label, actual=actual)
                needs = f"{_SYMBOL[check.op]} " if check.op != "==" else ""
                return _("{label}: {actual} (needs {needs}{threshold})").format(
                    label=label, actual=actual, needs=needs, threshold=threshold
                )
            symbol = _SYMBOL[check.op] if check.outcome is Outcome.MET else _NEGATED[check.op]
            actual = self.amount(check.actual, unit)
            return f"{label} {actual} {symbol} {threshold}{note}{self.margin(check)}"
        window = check.window
        span = f"{window[0][0]}–{window[-1][0]}" if window else ""
        gaps = [p for p, a in window if a is None]
        gap_text = (
            _("; missing: {periods}").format(periods=self.join(f"{check.input}[{p}]" for p in gaps))
            if gaps
            else ""
        )
        if check.actual is None and not window:
            return missing
        if check.measure == "each_of_last":
            good = [p for p, a in window if a is not None and _holds(check.op, a, check.threshold)]
            bad = [
                f"{p}: {self.amount(a, unit)}"
                for p, a in window
                if a is not None and not _holds(check.op, a, check.threshold)
            ]
            bad_text = _(" ({items})").format(items=self.join(bad)) if bad else ""
            return _(
                "{label} {symbol} {threshold} in each of the last {periods} periods: "
                "{good} of {total} ({span}){bad}{gaps}"
            ).format(
                label=label,
                symbol=_SYMBOL[check.op],
                threshold=threshold,
                periods=check.periods,
                good=len(good),
                total=len(window),
                span=span,
                bad=bad_text,
                gaps=gap_text,
            )
        if check.measure == "min_to_mean_of_last":
            if check.actual is None:
                value = _("missing") if gaps else "—"
                return _("{label} stability (lowest ÷ mean): {value} ({span}){gaps}").format(
                    label=label, value=value, span=span, gaps=gap_text
                )
            symbol = _SYMBOL[check.op] if check.outcome is Outcome.MET else _NEGATED[check.op]
            return _(
                "{label} stability (lowest ÷ mean) {actual} {symbol} {threshold}{note}"
                " ({span}){margin}"
            ).format(
                label=label,
                actual=_plain(check.actual),
                symbol=symbol,
                threshold=threshold,
                note=note,
                span=span,
                margin=self.margin(check),
            )
        # max_window_sum
        head = _("{label}, best sum of {periods} consecutive periods").format(
            label=label, periods=check.periods
        )
        if check.actual is None:
            return _("{head}: missing{gaps}").format(head=head, gaps=gap_text)
        symbol = _SYMBOL[check.op] if check.outcome is Outcome.MET else _NEGATED[check.op]
        return (
            f"{head} ({span}) {self.amount(check.actual, unit)} {symbol} {threshold}{note}"
            f"{self.margin(check)}{gap_text}"
        )

    def criterion(self, result: CriterionResult, depth: int, out: list[str]) -> None:
        text = result.text_zh if self.lang == "zh" else result.text_en
        head = f"{'  ' * depth}{result.id} {text} "
        word = self._(_OUTCOME[result.outcome.value])
        dots = "." * max(2, _WIDTH - _width(head))
        line = f"{head}{dots} {word}"
        if result.outcome is Outcome.UNKNOWN and result.missing and not result.children:
            line += self._("  missing: {inputs}").format(inputs=self.join(result.missing))
        elif result.children and result.outcome is not Outcome.MET:
            # Say which parts decide it, so the reader knows where to look below.
            culprits = [
                c.id.removeprefix(result.id + ".")
                for c in result.children
                if c.outcome is result.outcome
            ]
            line += f"  ({self.join(culprits)})"
        out.append(line)
        pad = "  " * (depth + 2)
        lines = [self.check_line(check) for check in result.checks]
        for text in dict.fromkeys(lines):  # a missing series is reported once, not per check
            out.append(pad + text)
        for child in result.children:
            self.criterion(child, depth + 1, out)

    def summary(self) -> str:
        d, _ = self.d, self._
        tops = d.criteria
        met = self.join(c.id for c in tops if c.outcome is Outcome.MET)
        failed = [c.id for c in tops if c.outcome is Outcome.NOT_MET]
        open_ = [c.id for c in tops if c.outcome is Outcome.UNKNOWN]
        n = len(tops)
        if self.pack.combine == "any":
            if d.outcome is Outcome.MET:
                return _("met by {ids}").format(ids=met)
            if d.outcome is Outcome.NOT_MET:
                return self.t.ngettext(
                    "the {n} criterion is not met",
                    "none of the {n} criteria is met (any one would do)",
                    n,
                ).format(n=n)
            return _("no criterion is met; {k} cannot be settled: {ids}").format(
                k=len(open_), ids=self.join(open_)
            )
        if d.outcome is Outcome.MET:
            return self.t.ngettext(
                "the {n} criterion is met", "all {n} criteria are met", n
            ).format(n=n)
        if d.outcome is Outcome.NOT_MET:
            return self.t.ngettext(
                "{k} of {n} criterion not met: {ids}", "{k} of {n} criteria not met: {ids}", n
            ).format(k=len(failed), n=n, ids=self.join(failed))
        return _("nothing fails, {k} cannot be settled: {ids}").format(
            k=len(open_), ids=self.join(open_)
        )

    def change(self, change: Change) -> str:
        _ = self._
        unit = self.pack.inputs[change.input].unit if change.input in self.pack.inputs else ""
        if change.measure == "min_to_mean_of_last":
            unit = ""
        args = {
            "input": change.input,
            "symbol": _SYMBOL[change.op],
            "threshold": self.amount(change.threshold, unit),
        }
        where = f" [{change.criterion}]"
        if change.periods and change.measure != "min_to_mean_of_last":
            periods = self.join(change.periods)
            if change.missing:
                text = _("record {input} {periods} ({symbol} {threshold})")
                return text.format(periods=periods, **args) + where
            return "{input} {periods} {symbol} {threshold}".format(periods=periods, **args) + where
        if change.measure == "min_to_mean_of_last":
            if change.missing:
                return ""  # recording the periods (listed with the same input) settles it
            return (
                _("{input} stability (lowest ÷ mean) {symbol} {threshold}").format(**args) + where
            )
        if change.missing:
            return _("record {input} ({symbol} {threshold})").format(**args) + where
        if change.shortfall is not None and change.shortfall > 0:
            by = self.amount(change.shortfall, unit)
            return "{input} +{by} ({symbol} {threshold})".format(by=by, **args) + where
        if change.op == "==":
            return _("{input} must be {threshold}").format(**args) + where
        return _("{input} must be {symbol} {threshold}").format(**args) + where

    def render(self) -> str:
        d, _ = self.d, self._
        pack = self.pack
        title = pack.zh if self.lang == "zh" else pack.en
        first = _("{title} ({document}, {clause}): {outcome} — {summary}").format(
            title=title,
            document=pack.document,
            clause=pack.clause,
            outcome=_(_OUTCOME[d.outcome.value]),
            summary=self.summary(),
        )
        out = [first]
        for top in d.criteria:
            self.criterion(top, 1, out)
        flips = d.why_not()
        if flips:
            out.append(
                _("What would settle it (any one of these sets):")
                if d.outcome is Outcome.UNKNOWN
                else _("What would change it (any one of these sets):")
            )
            for i, flip in enumerate(flips[:6], 1):
                parts = [p for p in (self.change(c) for c in flip) if p]
                out.append(f"  {i}. " + _("; ").join(dict.fromkeys(parts)))
            if len(flips) > 6:
                out.append(f"  … (+{len(flips) - 6})")
        missing = self.join(d.missing) if d.missing else _("none")
        out.append(_("Missing inputs: {inputs}").format(inputs=missing))
        out.append(_("Parameters used:"))
        for use in d.parameters:
            unit = use.unit if use.unit in ("CNY", "points") else ""
            value = self.amount(Decimal(use.value), unit)
            out.append(
                _("  {name} = {value} (since {since}; {source})").format(
                    name=use.name, value=value, since=use.since.isoformat(), source=self.source(use)
                )
            )
        out.append(
            _(
                "Rules: {pack} {version} ({edition}) · parameters as of {as_of} · "
                "decision {digest}…"
            ).format(
                pack=pack.id,
                version=pack.version,
                edition=d.edition,
                as_of=d.as_of.isoformat(),
                digest=short(d.digest),
            )
        )
        return "\n".join(out)


def _holds(op: str, left: Any, right: Any) -> bool:
    return bool(
        {
            "==": left == right,
            "!=": left != right,
            "<": left < right,
            "<=": left <= right,
            ">": left > right,
            ">=": left >= right,
        }[op]
    )


def _plain(value: Decimal) -> str:
    normal = value.normalize(MONEY_CONTEXT)  # exact: 28 digits would round an amount
    if normal == normal.to_integral():
        return f"{int(normal):,}"
    return f"{normal:f}"


def _width(text: str) -> int:
    # Chinese characters take two columns in a terminal.
    return sum(2 if ord(ch) > 0x2E80 else 1 for ch in text)


def render(decision: Decision, lang: str = "en") -> str:
    """Render ``decision`` in ``lang`` (``en`` or ``zh``)."""
    return _Renderer(decision, lang).render()
