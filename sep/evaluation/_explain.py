"""Rendering a decision for people, in English or Chinese (every clause the packs cite).

The text leads with the outcome and why, then one line per criterion citing its clause
with the values, thresholds (and which parameter, since when, from what source), the
margin in the input's unit and the missing inputs by the field name a caller sends; then
what would settle or flip it, and the identity needed to replay it (pack, parameter date,
digest).
"""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Any

from sep._limits import MONEY_CONTEXT
from sep.domain._money import format_amount
from sep.errors import ValidationError
from sep.evaluation._decision import Change, Check, CriterionResult, ParameterUse
from sep.evaluation._digest import short
from sep.evaluation._outcome import Outcome

if TYPE_CHECKING:
    from sep.evaluation._decision import Decision

__all__ = ["render"]

_WIDTH = 58
_WORDS: dict[str, dict[str, str]] = {
    "en": {
        "met": "MET",
        "not_met": "NOT MET",
        "unknown": "UNKNOWN",
        "yes": "yes",
        "no": "no",
        "missing": "missing",
        "short": "short by",
        "over": "margin",
        "param": "parameter",
        "since": "since",
        "settle": "What would settle it (any one of these sets):",
        "flip": "What would change it (any one of these sets):",
        "record": "record",
        "must_be": "must be",
        "params": "Parameters used:",
        "rules": "Rules",
        "as_of": "parameters as of",
        "decision": "decision",
        "missing_all": "Missing inputs",
        "none_missing": "none",
        "in_each": "in each of the last",
        "periods": "periods",
        "of": "of",
        "stability": "stability (lowest ÷ mean)",
        "best_sum": "best sum of",
        "consecutive": "consecutive periods",
        "needs": "needs",
    },
    "zh": {
        "met": "满足",
        "not_met": "不满足",
        "unknown": "无法判定",
        "yes": "是",
        "no": "否",
        "missing": "缺少",
        "short": "差",
        "over": "超出",
        "param": "参数",
        "since": "自",
        "settle": "如何判定（以下任一组即可）：",
        "flip": "如何改变结论（以下任一组即可）：",
        "record": "补充",
        "must_be": "须为",
        "params": "所用参数：",
        "rules": "规则",
        "as_of": "参数日期",
        "decision": "判定编号",
        "missing_all": "缺少的输入",
        "none_missing": "无",
        "in_each": "最近",
        "periods": "期每期",
        "of": "/",
        "stability": "稳定性（最低÷平均）",
        "best_sum": "连续",
        "consecutive": "期合计最高",
        "needs": "要求",
    },
}
_SYMBOL = {"==": "=", "!=": "≠", "<": "<", "<=": "≤", ">": ">", ">=": "≥"}
_NEGATED = {"==": "≠", "!=": "=", "<": "≥", "<=": ">", ">": "≤", ">=": "<"}


class _Renderer:
    def __init__(self, decision: Decision, lang: str) -> None:
        if lang not in _WORDS:
            raise ValidationError("lang", lang, "must be 'en' or 'zh'")
        self.d = decision
        self.lang = lang
        self.w = _WORDS[lang]
        pack = decision._evaluator.pack
        self.pack = pack
        self.params = {p.name: p for p in decision.parameters}
        self.colon = "：" if lang == "zh" else ": "

    # -- values ------------------------------------------------------------------------

    def label(self, name: str) -> str:
        spec = self.pack.inputs.get(name)
        if spec is None:
            return name
        return spec.zh if self.lang == "zh" else spec.en

    def amount(self, value: Any, unit: str) -> str:
        if isinstance(value, bool):
            return self.w["yes"] if value else self.w["no"]
        if isinstance(value, Decimal):
            if unit == "CNY":
                return format_amount(value, lang=self.lang)
            text = _plain(value)
            return (
                f"{text} {unit}".strip() if unit != "points" or self.lang == "en" else f"{text}分"
            )
        return str(value)

    def unit_of(self, check: Check) -> str:
        spec = self.pack.inputs.get(check.input)
        if check.measure == "min_to_mean_of_last":
            return ""
        return spec.unit if spec is not None else ""

    def param_note(self, name: str | None) -> str:
        if name is None:
            return ""
        use: ParameterUse | None = self.params.get(name)
        if use is None:
            return ""
        short = use.source.split(" (", 1)[0].split("（", 1)[0]
        if self.lang == "zh":
            return f"（{self.w['param']} {name}，自{use.since.isoformat()}起，{short}）"
        return f" ({self.w['param']} {name}, {self.w['since']} {use.since.isoformat()}, {short})"

    def margin(self, check: Check) -> str:
        if check.margin is None or check.outcome is Outcome.UNKNOWN:
            return ""
        unit = self.unit_of(check)
        if check.margin == 0 and check.outcome is Outcome.NOT_MET:
            # A strict comparison ("over 5,000,000") at exactly the threshold.
            return "，须超过该值" if self.lang == "zh" else " — equal to it; it must be exceeded"
        if check.margin < 0:
            return f" — {self.w['short']} {self.amount(-check.margin, unit)}"
        if self.lang == "zh":
            return f"，{self.w['over']} {self.amount(check.margin, unit)}"
        return f" — {self.w['over']} +{self.amount(check.margin, unit)}"

    # -- lines -------------------------------------------------------------------------

    def check_line(self, check: Check) -> str:
        unit = self.unit_of(check)
        label = self.label(check.input)
        w = self.w
        threshold = self.amount(check.threshold, unit)
        note = self.param_note(check.parameter)
        if check.measure == "value":
            if check.actual is None:
                return f"{label}{self.colon}{w['missing']} ({check.input}){note}"
            if isinstance(check.threshold, bool | str):
                actual = self.amount(check.actual, unit)
                if check.outcome is Outcome.MET:
                    return f"{label}{self.colon}{actual}"
                needs = f"{_SYMBOL[check.op]} " if check.op != "==" else ""
                return f"{label}{self.colon}{actual} ({w['needs']} {needs}{threshold})"
            symbol = _SYMBOL[check.op] if check.outcome is Outcome.MET else _NEGATED[check.op]
            actual = self.amount(check.actual, unit)
            return f"{label} {actual} {symbol} {threshold}{note}{self.margin(check)}"
        window = check.window
        span = f"{window[0][0]}–{window[-1][0]}" if window else ""
        gaps = [p for p, a in window if a is None]
        gap_text = (
            f"; {w['missing']}: " + ", ".join(f"{check.input}[{p}]" for p in gaps) if gaps else ""
        )
        if check.actual is None and not window:
            return f"{label}{self.colon}{w['missing']} ({check.input}){note}"
        if check.measure == "each_of_last":
            good = [p for p, a in window if a is not None and _holds(check.op, a, check.threshold)]
            bad = [
                f"{p}: {self.amount(a, unit)}"
                for p, a in window
                if a is not None and not _holds(check.op, a, check.threshold)
            ]
            bad_text = f" ({', '.join(bad)})" if bad else ""
            if self.lang == "zh":
                return (
                    f"{label}{w['in_each']}{check.periods}{w['periods']}{_SYMBOL[check.op]} "
                    f"{threshold}：{len(good)}/{len(window)}期符合（{span}）{bad_text}{gap_text}"
                )
            return (
                f"{label} {_SYMBOL[check.op]} {threshold} {w['in_each']} {check.periods} "
                f"{w['periods']}: {len(good)} {w['of']} {len(window)} ({span}){bad_text}{gap_text}"
            )
        if check.measure == "min_to_mean_of_last":
            if check.actual is None:
                value = w["missing"] if gaps else "—"
                return f"{label} {w['stability']}: {value} ({span}){gap_text}"
            symbol = _SYMBOL[check.op] if check.outcome is Outcome.MET else _NEGATED[check.op]
            return (
                f"{label} {w['stability']} {_plain(check.actual)} {symbol} {threshold}{note}"
                f" ({span}){self.margin(check)}"
            )
        # max_window_sum
        if self.lang == "zh":
            head = f"{label}{w['best_sum']}{check.periods}{w['consecutive']}"
        else:
            head = f"{label}, {w['best_sum']} {check.periods} {w['consecutive']}"
        if check.actual is None:
            return f"{head}: {w['missing']}{gap_text}"
        symbol = _SYMBOL[check.op] if check.outcome is Outcome.MET else _NEGATED[check.op]
        return (
            f"{head} ({span}) {self.amount(check.actual, unit)} {symbol} {threshold}{note}"
            f"{self.margin(check)}{gap_text}"
        )

    def criterion(self, result: CriterionResult, depth: int, out: list[str]) -> None:
        text = result.text_zh if self.lang == "zh" else result.text_en
        head = f"{'  ' * depth}{result.id} {text} "
        word = self.w[result.outcome.value]
        dots = "." * max(2, _WIDTH - _width(head))
        line = f"{head}{dots} {word}"
        if result.outcome is Outcome.UNKNOWN and result.missing and not result.children:
            line += f"  {self.w['missing']}{self.colon}{', '.join(result.missing)}"
        elif result.children and result.outcome is not Outcome.MET:
            # Say which parts decide it, so the reader knows where to look below.
            culprits = [
                c.id.removeprefix(result.id + ".")
                for c in result.children
                if c.outcome is result.outcome
            ]
            sep = "、" if self.lang == "zh" else ", "
            line += f"  ({sep.join(culprits)})"
        out.append(line)
        pad = "  " * (depth + 2)
        lines = [self.check_line(check) for check in result.checks]
        for text in dict.fromkeys(lines):  # a missing series is reported once, not per check
            out.append(pad + text)
        for child in result.children:
            self.criterion(child, depth + 1, out)

    def summary(self) -> str:
        d = self.d
        tops = d.criteria
        met = [c.id for c in tops if c.outcome is Outcome.MET]
        failed = [c.id for c in tops if c.outcome is Outcome.NOT_MET]
        open_ = [c.id for c in tops if c.outcome is Outcome.UNKNOWN]
        n = len(tops)
        zh = self.lang == "zh"
        if self.pack.combine == "any":
            if d.outcome is Outcome.MET:
                return f"满足{'、'.join(met)}" if zh else f"met by {', '.join(met)}"
            if d.outcome is Outcome.NOT_MET:
                return (
                    f"{n}项均不满足（任一项满足即可）"
                    if zh
                    else f"none of the {n} criteria is met (any one would do)"
                )
            return (
                f"无一项满足，{len(open_)}项缺少数据：{'、'.join(open_)}"
                if zh
                else f"no criterion is met; {len(open_)} cannot be settled: {', '.join(open_)}"
            )
        if d.outcome is Outcome.MET:
            return f"全部{n}项均满足" if zh else f"all {n} criteria are met"
        if d.outcome is Outcome.NOT_MET:
            return (
                f"{n}项中{len(failed)}项不满足：{'、'.join(failed)}"
                if zh
                else f"{len(failed)} of {n} criteria not met: {', '.join(failed)}"
            )
        return (
            f"无不满足项，{len(open_)}项缺少数据：{'、'.join(open_)}"
            if zh
            else f"nothing fails, {len(open_)} cannot be settled: {', '.join(open_)}"
        )

    def change(self, change: Change) -> str:
        unit = self.pack.inputs[change.input].unit if change.input in self.pack.inputs else ""
        if change.measure == "min_to_mean_of_last":
            unit = ""
        threshold = self.amount(change.threshold, unit)
        symbol = _SYMBOL[change.op]
        where = f" [{change.criterion}]"
        w = self.w
        if change.periods and change.measure != "min_to_mean_of_last":
            periods = ", ".join(change.periods)
            if change.missing:
                return f"{w['record']} {change.input} {periods} ({symbol} {threshold}){where}"
            return f"{change.input} {periods} {symbol} {threshold}{where}"
        if change.measure == "min_to_mean_of_last":
            if change.missing:
                return ""  # recording the periods (listed with the same input) settles it
            return f"{change.input} {w['stability']} {symbol} {threshold}{where}"
        if change.missing:
            return f"{w['record']} {change.input} ({symbol} {threshold}){where}"
        if change.shortfall is not None and change.shortfall > 0:
            return (
                f"{change.input} +{self.amount(change.shortfall, unit)} "
                f"({symbol} {threshold}){where}"
            )
        if change.op == "==":
            return f"{change.input} {w['must_be']} {threshold}{where}"
        return f"{change.input} {w['must_be']} {symbol} {threshold}{where}"

    def render(self) -> str:
        d, w = self.d, self.w
        pack = self.pack
        title = pack.zh if self.lang == "zh" else pack.en
        if self.lang == "zh":
            first = (
                f"{title}（{pack.document} {pack.clause}）：{w[d.outcome.value]} —— "
                f"{self.summary()}"
            )
        else:
            first = (
                f"{title} ({pack.document}, {pack.clause}): {w[d.outcome.value]} — {self.summary()}"
            )
        out = [first]
        for top in d.criteria:
            self.criterion(top, 1, out)
        flips = d.why_not()
        if flips:
            out.append(w["settle"] if d.outcome is Outcome.UNKNOWN else w["flip"])
            for i, flip in enumerate(flips[:6], 1):
                parts = [p for p in (self.change(c) for c in flip) if p]
                out.append(f"  {i}. " + "; ".join(dict.fromkeys(parts)))
            if len(flips) > 6:
                out.append(f"  … (+{len(flips) - 6})")
        missing = ", ".join(d.missing) if d.missing else w["none_missing"]
        colon = "：" if self.lang == "zh" else ": "
        out.append(f"{w['missing_all']}{colon}{missing}")
        out.append(w["params"])
        for use in d.parameters:
            unit = use.unit if use.unit in ("CNY", "points") else ""
            value = self.amount(Decimal(use.value), unit)
            out.append(
                f"  {use.name} = {value} ({w['since']} {use.since.isoformat()}; {use.source})"
            )
        out.append(
            f"{w['rules']}: {pack.id} {pack.version} ({d.edition}) · {w['as_of']} "
            f"{d.as_of.isoformat()} · {w['decision']} {short(d.digest)}…"
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
