"""Clause-by-clause conformance audit of a platform (T/CATE 0001—2020, 4.1–4.3.7).

:func:`audit` returns one row per clause that a platform's data can show, each
SATISFIED, NOT_SATISFIED or UNKNOWN, with the evidence used, the problems found and the
data that is missing. Missing data gives UNKNOWN, never NOT_SATISFIED: an empty list
(no modules, no norms recorded) is read as *not recorded*, and a row fails only on data
that is present and wrong. The audit's own parameters (how old a service may be, how
late an evaluation may come) are explicit and recorded in the report.
"""

from __future__ import annotations

import datetime as dt
import enum
import json
from collections.abc import Callable, Iterable, Mapping
from decimal import Decimal
from typing import Any

import attrs

from sep._i18n import N_, join, label, translation
from sep._suggest import check_indent, check_lang, unknown
from sep.assessment._cycles import EvaluationHistory
from sep.assessment._messages import LABELS, MESSAGES, TITLES
from sep.assessment._performance import aggregate_performance
from sep.assessment._portfolio import _graduated
from sep.assessment._scheme import resolve_scheme
from sep.domain._enums import (
    Alignment,
    FeasibilityPoint,
    ModuleKind,
    NormArea,
    PerformanceDimension,
    PlanAspect,
    ServiceTarget,
    ServiceTier,
    StaffOrigin,
)
from sep.domain._platform import Platform
from sep.errors import SepError
from sep.evaluation import (
    Decision,
    Outcome,
    builtin_pack,
    builtin_packs,
    check_eligibility,
    load_pack,
)
from sep.evaluation._digest import short

__all__ = ["AuditParameters", "AuditReport", "AuditRow", "Note", "Status", "audit"]

STANDARD = "T/CATE 0001—2020"


class Status(enum.StrEnum):
    """The finding on one clause: SATISFIED, NOT_SATISFIED or UNKNOWN.

    Example:
        >>> Status.of(Outcome.UNKNOWN), Status.NOT_SATISFIED.label("zh")
        (<Status.UNKNOWN: 'unknown'>, '不符合')
    """

    SATISFIED = "satisfied"
    NOT_SATISFIED = "not_satisfied"
    UNKNOWN = "unknown"

    @classmethod
    def of(cls, outcome: Outcome) -> Status:
        """MET → SATISFIED, NOT_MET → NOT_SATISFIED, UNKNOWN → UNKNOWN."""
        return {
            Outcome.MET: cls.SATISFIED,
            Outcome.NOT_MET: cls.NOT_SATISFIED,
            Outcome.UNKNOWN: cls.UNKNOWN,
        }[outcome]

    @property
    def outcome(self) -> Outcome:
        """The three-valued outcome of this status."""
        return {
            Status.SATISFIED: Outcome.MET,
            Status.NOT_SATISFIED: Outcome.NOT_MET,
            Status.UNKNOWN: Outcome.UNKNOWN,
        }[self]

    def label(self, lang: str = "en") -> str:
        """The status in English or Chinese."""
        return _label(self.value, lang)


def _label(key: str, lang: str) -> str:
    return translation(lang).gettext(LABELS[key])


#: Arguments of notes that hold values of the standard's lists (one, or a list joined by
#: ", "): said in the report's language. Other arguments (names, dates, ids) are shown as
#: recorded.
_VALUE_ARGS = frozenset(
    {
        "aligned",
        "area",
        "aspect",
        "dimension",
        "kind",
        "module",
        "origin",
        "outcome",
        "plan",
        "point",
        "provides",
        "target",
        "targets",
        "tier",
    }
)


def _say(key: str, value: str, lang: str) -> str:
    if key == "status" and value in LABELS:  # one of the report's own words, in any language
        return _label(value, lang)
    if lang == "en":
        return value
    if key == "dims":  # "incubation_outcomes 80 (1/1); …": each part starts with a dimension
        parts = (p.split(" ", 1) for p in value.split("; "))
        return "；".join(" ".join([label(p[0], lang), *p[1:]]) for p in parts)
    if key == "reason":  # sep's own reason (an error's text), said whole
        return label(value, lang)
    if key in _VALUE_ARGS:
        return join((label(v, lang) for v in value.split(", ")), lang)
    return value


@attrs.frozen
class Note:
    """A piece of evidence, a problem or a missing datum: a message key and its arguments.

    Example:
        >>> n = Note("module_missing", {"module": "general_management"})
        >>> n.text("en"), n.text("zh")
        ('module missing: general_management', '缺少业务模块：综合管理')
    """

    key: str
    args: Mapping[str, str] = attrs.field(factory=dict)

    def text(self, lang: str = "en") -> str:
        """The note in English (``en``) or Chinese (``zh``)."""
        template = translation(lang).gettext(MESSAGES[self.key])
        # Values of the standard's lists and the report's own words are said in its language;
        # an argument given in the language too ("reason" beside "reason_zh": an error's
        # text, which cannot be translated back from its English) is said as given.
        said = {k: self.args.get(f"{k}_{lang}") or _say(k, v, lang) for k, v in self.args.items()}
        return template.format(**said)

    def to_dict(self) -> dict[str, Any]:
        """JSON-able form with both languages."""
        return {
            "key": self.key,
            "args": dict(self.args),
            "en": self.text("en"),
            "zh": self.text("zh"),
        }


def _n(key: str, **args: Any) -> Note:
    return Note(key, {k: str(v) for k, v in args.items()})


@attrs.frozen
class AuditRow:
    """The audit finding on one clause.

    Example:
        >>> row = AuditRow("4.2.4", Status.UNKNOWN,
        ...                missing=(Note("missing_field", {"field": "organisational_adaptation"}),))
        >>> row.title("en"), row.to_dict()["missing"][0]["zh"]
        ("Founder's organisational adaptation", '未记录 organisational_adaptation')
    """

    clause: str
    status: Status
    evidence: tuple[Note, ...] = ()
    problems: tuple[Note, ...] = ()
    missing: tuple[Note, ...] = ()

    def title(self, lang: str = "en") -> str:
        """The clause's requirement in English or Chinese."""
        return translation(lang).gettext(TITLES[self.clause])

    def to_dict(self) -> dict[str, Any]:
        """JSON-able form."""
        return {
            "clause": self.clause,
            "title_en": self.title("en"),
            "title_zh": self.title("zh"),
            "status": self.status.value,
            "evidence": [n.to_dict() for n in self.evidence],
            "problems": [n.to_dict() for n in self.problems],
            "missing": [n.to_dict() for n in self.missing],
        }


@attrs.frozen
class AuditParameters:
    """The audit's own thresholds, which the standard leaves open; recorded in reports.

    Attributes:
        service_max_age_days: A service is kept up to date (4.2.6) when last updated at
            most this many days before the audit date.
        evaluation_grace_days: The next evaluation cycle is due this many days after the
            end of the cycle it covers (4.3.7-b).

    Example:
        >>> AuditParameters(service_max_age_days=180).to_dict()
        {'service_max_age_days': 180, 'evaluation_grace_days': 180}
    """

    service_max_age_days: int = attrs.field(default=365, validator=attrs.validators.gt(0))
    evaluation_grace_days: int = attrs.field(default=180, validator=attrs.validators.ge(0))

    def to_dict(self) -> dict[str, int]:
        """JSON-able form."""
        return {
            "service_max_age_days": self.service_max_age_days,
            "evaluation_grace_days": self.evaluation_grace_days,
        }


@attrs.frozen
class AuditReport:
    """The result of :func:`audit`: one row per clause, rendered as JSON, Markdown, HTML.

    Example:
        >>> from sep.examples import annex_c_platform
        >>> report = audit(annex_c_platform(portfolio=False), on=dt.date(2020, 9, 30))
        >>> report.counts
        {'satisfied': 16, 'not_satisfied': 0, 'unknown': 8}
        >>> report.to_markdown("zh").splitlines()[0]
        '# 符合性审核：H+'
        >>> report.to_html().startswith("<!DOCTYPE html>")
        True
    """

    platform: str
    on: dt.date
    parameters: AuditParameters
    rows: tuple[AuditRow, ...]

    def row(self, clause: str) -> AuditRow:
        """The row of ``clause``.

        Raises:
            ValidationError: the report has no row for ``clause``; the error lists the
                audited clauses and suggests the closest.

        Example:
            >>> from sep.examples import annex_c_platform
            >>> report = audit(annex_c_platform(portfolio=False), on=dt.date(2020, 9, 30))
            >>> report.row("4.2.55")
            Traceback (most recent call last):
            ...
            sep.errors.ValidationError: clause: unknown audited clause; did you mean '4.2.5'? ...
        """
        if isinstance(clause, str):  # never compare a hostile id: its __eq__ may raise
            for row in self.rows:
                if row.clause == clause:
                    return row
        raise unknown("clause", clause, (r.clause for r in self.rows), what=N_("audited clause"))

    def status_of(self, clause: str) -> Status:
        """The status of ``clause`` (a :class:`~sep.errors.ValidationError` if not audited)."""
        return self.row(clause).status

    @property
    def counts(self) -> dict[str, int]:
        """How many rows have each status."""
        return {s.value: sum(1 for r in self.rows if r.status is s) for s in Status}

    def to_dict(self) -> dict[str, Any]:
        """JSON-able form: everything the readable renderings show, in both languages."""
        return {
            "standard": STANDARD,
            "platform": self.platform,
            "as_of": self.on.isoformat(),
            "parameters": self.parameters.to_dict(),
            "counts": self.counts,
            "rows": [r.to_dict() for r in self.rows],
        }

    def to_json(self, *, indent: int | None = None) -> str:
        """The :meth:`to_dict` form as JSON (``indent``: ``None`` or spaces, 0 to 16)."""
        return json.dumps(self.to_dict(), ensure_ascii=False, indent=check_indent(indent))

    def to_markdown(self, lang: str = "en") -> str:
        """A readable Markdown report in English (``en``) or Chinese (``zh``)."""
        from sep.assessment._render import markdown

        return markdown(self, check_lang(lang))

    def to_html(self, lang: str = "en") -> str:
        """A standalone HTML page in English (``en``) or Chinese (``zh``)."""
        from sep.assessment._render import html_page

        return html_page(self, check_lang(lang))

    def _repr_html_(self) -> str:
        """The report's table in a notebook: :meth:`to_html`'s content, in English."""
        from sep.assessment._render import html_fragment

        return html_fragment(self, "en")


# -- the checks ---------------------------------------------------------------------------


class _Finding:
    """Collects evidence, problems and missing data; the status follows from them."""

    def __init__(self, clause: str) -> None:
        self.clause = clause
        self.evidence: list[Note] = []
        self.problems: list[Note] = []
        self.missing: list[Note] = []

    def row(self, status: Status | None = None) -> AuditRow:
        if status is None:
            if self.problems:
                status = Status.NOT_SATISFIED
            elif self.missing:
                status = Status.UNKNOWN
            else:
                status = Status.SATISFIED
        return AuditRow(
            self.clause,
            status,
            tuple(self.evidence),
            tuple(self.problems),
            tuple(self.missing),
        )


def _eligibility_rows(platform: Platform, on: dt.date) -> tuple[Decision, list[AuditRow]]:
    decision = check_eligibility(platform.leading_founder, on=on)
    f = _Finding("4.2.1")
    f.evidence.append(
        _n(
            "decision",
            pack=decision.pack,
            outcome=decision.outcome.value,
            digest=short(decision.digest),
        )
    )
    for result in decision.criteria:
        if result.outcome is Outcome.NOT_MET:
            f.problems.append(_n("criterion_not_met", criterion=result.id))
    f.missing.extend(_n("missing_input", input=name) for name in decision.missing)
    rows = [f.row(Status.of(decision.outcome))]
    for n in range(1, 5):
        clause = f"4.2.1({n})"
        result = decision.result_of(clause)
        sub = _Finding(clause)
        sub.evidence.append(_n("sub_status", clause=clause, status=Status.of(result.outcome).value))
        for name in sorted({m.split("[", 1)[0] for r in result.walk() for m in r.missing}):
            sub.missing.append(_n("missing_input", input=name))
        if result.outcome is Outcome.NOT_MET:
            sub.problems.append(_n("criterion_not_met", criterion=clause))
        rows.append(sub.row(Status.of(result.outcome)))
    return decision, rows


def _leadership(platform: Platform, decision: Decision) -> AuditRow:
    f = _Finding("4.2.1-b")
    f.evidence.append(_n("leader", name=platform.leading_founder.name))
    if platform.co_founders:
        f.evidence.append(_n("co_founders", names=", ".join(e.name for e in platform.co_founders)))
    if decision.outcome is Outcome.NOT_MET:
        f.problems.append(_n("leader_not_eligible", name=platform.leading_founder.name))
    f.missing.extend(_n("missing_input", input=name) for name in decision.missing)
    return f.row(Status.of(decision.outcome))


def _co_creators(platform: Platform) -> AuditRow:
    f = _Finding("4.2.1-c")
    if not platform.co_creators:
        f.missing.append(_n("missing_field", field="co_creators"))
        return f.row()
    total = Decimal(0)
    for c in platform.co_creators:
        share = "—" if c.return_share is None else str(c.return_share)
        f.evidence.append(
            _n(
                "co_creator",
                name=c.name,
                kind=c.kind.value,
                provides=", ".join(c.provides) or "—",
                share=share,
            )
        )
        if not c.provides:
            f.missing.append(_n("co_creator_no_resources", name=c.name))
        if c.return_share is None:
            f.missing.append(_n("co_creator_no_share", name=c.name))
        else:
            total += c.return_share
            if c.return_share == 0 and c.provides:
                f.problems.append(_n("co_creator_zero_share", name=c.name))
    if total > 1:
        f.problems.append(_n("shares_exceed", total=total))
    return f.row()


def _targets(platform: Platform) -> AuditRow:
    f = _Finding("4.2.2")
    if not platform.service_targets:
        f.missing.append(_n("missing_field", field="service_targets"))
        return f.row()
    f.evidence.append(
        _n("targets", targets=", ".join(sorted(t.value for t in platform.service_targets)))
    )
    for target in (ServiceTarget.INTERNAL, ServiceTarget.EXTERNAL):
        if target not in platform.service_targets:
            f.problems.append(_n("target_missing", target=target.value))
    return f.row()


def _feasibility(platform: Platform) -> AuditRow:
    f = _Finding("4.2.3")
    study = platform.feasibility
    if study is None:
        f.missing.append(_n("missing_field", field="feasibility"))
        return f.row()
    f.evidence.append(
        _n(
            "feasibility",
            years=study.strategic_plan_years,
            completed=study.completed_on or "—",
            n=len(FeasibilityPoint) - len(study.missing_points),
        )
    )
    for point in FeasibilityPoint:
        if point in study.missing_points:
            f.problems.append(_n("point_missing", point=point.value))
    for a in study.assessments:
        if a.favourable is False:
            f.evidence.append(_n("point_unfavourable", point=a.point.value))
    return f.row()


def _adaptation(platform: Platform) -> AuditRow:
    f = _Finding("4.2.4")
    text = platform.organisational_adaptation
    if text is None or not text.strip():
        f.missing.append(_n("missing_field", field="organisational_adaptation"))
    else:
        f.evidence.append(_n("adaptation", text=text if len(text) <= 80 else text[:77] + "…"))
    return f.row()


def _modules(platform: Platform) -> AuditRow:
    f = _Finding("4.2.5")
    if not platform.modules:
        f.missing.append(_n("missing_field", field="modules"))
        return f.row()
    present = {m.kind: m for m in platform.modules}
    for kind in ModuleKind:
        module = present.get(kind)
        if module is None:
            f.problems.append(_n("module_missing", module=kind.value))
            continue
        origins = [s.origin for s in module.staff]
        internal = origins.count(StaffOrigin.INTERNAL)
        external = origins.count(StaffOrigin.EXTERNAL)
        if not module.staff:
            f.missing.append(_n("module_no_staff", module=kind.value))
            continue
        f.evidence.append(
            _n("module_staffed", module=kind.value, internal=internal, external=external)
        )
        if not module.mixed:
            f.problems.append(_n("module_not_mixed", module=kind.value, origin=origins[0].value))
    return f.row()


def _services(platform: Platform, on: dt.date, params: AuditParameters) -> AuditRow:
    f = _Finding("4.2.6")
    if not platform.services:
        f.missing.append(_n("missing_field", field="services"))
        return f.row()
    for tier in ServiceTier:
        n = sum(1 for s in platform.services if s.tier is tier)
        if n:
            f.evidence.append(_n("tier_offered", tier=tier.value, n=n))
        else:
            f.problems.append(_n("tier_missing", tier=tier.value))
    limit = params.service_max_age_days
    for s in platform.services:
        if s.last_updated is None:
            f.missing.append(_n("service_undated", name=s.name))
            continue
        age = (on - s.last_updated).days
        if age > limit:
            f.problems.append(
                _n("service_stale", name=s.name, date=s.last_updated, days=age, on=on, limit=limit)
            )
    return f.row()


def _plan(platform: Platform, on: dt.date) -> AuditRow:
    f = _Finding("4.3.1")
    plan = platform.development_plan
    if plan is None:
        f.missing.append(_n("missing_field", field="development_plan"))
        return f.row()
    aligned = (
        frozenset().union(*(item.aligned_with for item in plan.items))
        if plan.items
        else frozenset()
    )
    end = plan.start.year + plan.years - 1
    f.evidence.append(
        _n(
            "plan",
            start=plan.start.year,
            end=end,
            n=len(PlanAspect) - len(plan.missing_aspects),
            aligned=", ".join(sorted(a.value for a in aligned)) or "—",
        )
    )
    for aspect in PlanAspect:
        if aspect in plan.missing_aspects:
            f.problems.append(_n("aspect_missing", aspect=aspect.value))
    if not aligned:
        f.missing.append(_n("alignment_unrecorded"))
    else:
        for alignment in Alignment:
            if alignment not in aligned:
                f.problems.append(_n("alignment_missing", plan=alignment.value))
    if on.year > end:
        f.problems.append(_n("plan_ended", year=end))
    return f.row()


_PROCESS_NORMS = (
    NormArea.PROJECT_ADMISSION,
    NormArea.PROJECT_SCREENING,
    NormArea.IN_INCUBATION_MANAGEMENT,
)


def _norm_checks(platform: Platform, f: _Finding, areas: Iterable[NormArea]) -> None:
    for area in areas:
        norm = platform.norm(area)
        if norm is None:
            f.problems.append(_n("norm_missing", area=area.value))
        elif norm.current is None:
            f.problems.append(_n("norm_unpublished", area=area.value))
        else:
            f.evidence.append(
                _n(
                    "norm_published",
                    area=area.value,
                    title=norm.title,
                    version=norm.current.version,
                    date=norm.current.published,
                    n=len(norm.revisions),
                )
            )


def _process(platform: Platform) -> AuditRow:
    f = _Finding("4.3.2")
    if platform.incubation_process is None:
        f.missing.append(_n("missing_field", field="incubation_process"))
    else:
        f.evidence.append(_n("process", ref=platform.incubation_process))
    if not platform.norms:
        f.missing.append(_n("missing_field", field="norms"))
    else:
        _norm_checks(platform, f, _PROCESS_NORMS)
    return f.row()


def _norms(platform: Platform) -> AuditRow:
    f = _Finding("4.3.3")
    if not platform.norms:
        f.missing.append(_n("missing_field", field="norms"))
        return f.row()
    _norm_checks(platform, f, NormArea)
    f.evidence.append(_n("norm_external_standards"))
    return f.row()


def _performance(platform: Platform) -> AuditRow:
    f = _Finding("4.3.4")
    cycles = aggregate_performance(platform)
    if not cycles:
        f.missing.append(_n("missing_field", field="performance"))
        return f.row()
    latest = cycles[-1]
    dims = "; ".join(
        f"{d.value} {s.mean if s.mean is not None else '—'} ({s.scored}/{s.records})"
        for d, s in latest.dimensions.items()
    )
    f.evidence.append(
        _n("performance_cycle", period=latest.period, subjects=len(latest.subjects), dims=dims)
    )
    for dimension in PerformanceDimension:
        summary = latest.dimensions.get(dimension)
        if summary is None:
            f.problems.append(_n("dimension_missing", dimension=dimension.value))
        elif not summary.scored:
            f.missing.append(_n("dimension_unscored", dimension=dimension.value))
    return f.row()


_GRADUATION_PATHS = ("4.3.5(a)", "4.3.5(b)", "4.3.5(c)", "4.3.5(d)")


def _graduation(platform: Platform) -> AuditRow:
    f = _Finding("4.3.5")
    ref = platform.graduation_pack
    if ref is None:
        f.missing.append(_n("missing_field", field="graduation_pack"))
        return f.row()
    try:
        if ref in builtin_packs():
            pack = builtin_pack(ref)
        elif ref.endswith((".toml", ".yaml", ".yml")):
            pack = load_pack(ref)
        else:
            f.problems.append(
                _n("pack_invalid", ref=ref, reason=N_("not a shipped pack nor a file"))
            )
            return f.row()
    except SepError as err:
        f.problems.append(_n("pack_invalid", ref=ref, reason=str(err), reason_zh=err.text("zh")))
        return f.row()
    f.evidence.append(_n("pack", id=pack.id, version=pack.version, document=pack.document))
    decided: set[str] = set()
    stack = list(pack.criteria)
    while stack:
        criterion = stack.pop()
        decided.update({criterion.id, criterion.clause})
        stack.extend(criterion.children)
    for path in _GRADUATION_PATHS:
        if path not in decided or pack.document != STANDARD:
            f.problems.append(_n("pack_lacks", criterion=path))
    return f.row()


def _procedure(platform: Platform) -> AuditRow:
    f = _Finding("4.3.6")
    if platform.graduation_procedure is None:
        f.missing.append(_n("missing_field", field="graduation_procedure"))
    else:
        f.evidence.append(_n("procedure", ref=platform.graduation_procedure))
    graduates = [i for i in platform.incubatees if _graduated(i)]
    if graduates:
        f.evidence.append(_n("graduates", n=len(graduates)))
    for inc in graduates:
        if inc.archive is None:
            f.problems.append(_n("graduate_no_archive", id=inc.id))
        if inc.held_resources:
            f.problems.append(
                _n(
                    "graduate_holds_resources",
                    id=inc.id,
                    resources=", ".join(r.id for r in inc.held_resources),
                )
            )
    return f.row()


def _body(platform: Platform) -> AuditRow:
    f = _Finding("4.3.7-a")
    body = platform.evaluation_body
    if body is None:
        f.missing.append(_n("missing_field", field="evaluation_body"))
        return f.row()
    origins = [m.origin for m in body.members]
    f.evidence.append(
        _n(
            "body",
            kind=body.kind.value,
            internal=origins.count(StaffOrigin.INTERNAL),
            external=origins.count(StaffOrigin.EXTERNAL),
        )
    )
    return f.row()


def _scheme(platform: Platform) -> AuditRow:
    f = _Finding("4.3.7-d")
    ref = platform.evaluation_scheme
    if ref is None:
        f.missing.append(_n("missing_field", field="evaluation_scheme"))
        return f.row()
    try:
        scheme = resolve_scheme(ref)
    except SepError as err:
        f.problems.append(_n("scheme_invalid", ref=ref, reason=str(err), reason_zh=err.text("zh")))
        return f.row()
    f.evidence.append(_n("scheme", id=scheme.id, version=scheme.version))
    if scheme.example:
        f.evidence.append(_n("scheme_example"))
    return f.row()


def _cycles(history: EvaluationHistory | None, on: dt.date, params: AuditParameters) -> AuditRow:
    f = _Finding("4.3.7-b")
    if history is None or not history.cycles:
        f.missing.append(_n("history_missing"))
        return f.row()
    for before, after in zip(history.cycles, history.cycles[1:], strict=False):
        if after.period.year != before.inputs.last_year + 1:
            f.problems.append(
                _n("cycle_gap", after=before.inputs.last_year, before=after.period.year)
            )
    for result in history.cycles:
        total = "—" if result.total is None else result.total
        f.evidence.append(
            _n("cycle", period=result.period, outcome=result.outcome.value, total=total)
        )
    latest = history.cycles[-1]
    next_end = dt.date(latest.inputs.last_year + latest.inputs.years, 12, 31)
    due = next_end + dt.timedelta(days=params.evaluation_grace_days)
    if on > due:
        f.problems.append(_n("cycle_overdue", period=latest.period, due=due))
    for module in sorted(latest.failing):
        f.problems.append(_n("module_failed", module=module.value, period=latest.period))
    if latest.decision.outcome_of("4.3.7-b.total") is Outcome.NOT_MET:
        f.problems.append(_n("criterion_not_met", criterion="4.3.7-b.total"))
    if latest.outcome is Outcome.UNKNOWN:
        f.missing.extend(_n("missing_input", input=name) for name in latest.decision.missing)
    return f.row()


def _remediation(history: EvaluationHistory | None) -> AuditRow:
    f = _Finding("4.3.7-c")
    if history is None or not history.cycles:
        f.missing.append(_n("history_missing"))
        return f.row()
    for result in history.cycles:
        for module in sorted(result.recovered):
            f.evidence.append(_n("recovered", module=module.value, period=result.period))
    for plan in history.plans:
        f.evidence.append(
            _n(
                "plan_given",
                module=plan.module.value,
                period=plan.cycle,
                authors=", ".join(a.name for a in plan.authors),
            )
        )
    for period, module in history.outstanding_plans():
        f.problems.append(_n("plan_outstanding", module=module.value, period=period))
    if not any(result.failing for result in history.cycles):
        f.evidence.append(_n("nothing_failed"))
    return f.row()


def _combined(clause: str, parts: Mapping[str, AuditRow]) -> AuditRow:
    f = _Finding(clause)
    for sub, row in parts.items():
        note = _n("sub_status", clause=sub, status=row.status.value)
        f.evidence.append(note)
        if row.status is Status.NOT_SATISFIED:
            f.problems.append(note)
        elif row.status is Status.UNKNOWN:
            f.missing.append(note)
    status = Status.of(Outcome.all_of(row.status.outcome for row in parts.values()))
    return f.row(status)


def audit(
    platform: Platform,
    *,
    on: dt.date | None = None,
    history: EvaluationHistory | None = None,
    parameters: AuditParameters | None = None,
) -> AuditReport:
    """Audit ``platform`` against every clause of 4.1–4.3.7 its data can show.

    Args:
        platform: The platform.
        on: The audit date (default: today): services' age, plan and evaluation currency
            and the eligibility parameters are judged as of this date, which cannot be
            earlier than the standard's entry into force (2020-09-05).
        history: The platform's evaluation cycles (4.3.7-b, 4.3.7-c); without it those
            rows are UNKNOWN.
        parameters: The audit's own thresholds (defaults: :class:`AuditParameters`).

    Example:
        >>> from sep.examples import annex_c_platform
        >>> report = audit(annex_c_platform(portfolio=False), on=dt.date(2020, 9, 30))
        >>> report.status_of("4.2.5").value, report.status_of("4.3.7-a").value
        ('satisfied', 'unknown')
        >>> report.row("4.3.7-a").missing[0].text("en")
        'evaluation_body not recorded'
    """
    when = on or dt.date.today()
    params = parameters or AuditParameters()
    decision, eligibility = _eligibility_rows(platform, when)
    checks: list[Callable[[], AuditRow]] = [
        lambda: _leadership(platform, decision),
        lambda: _co_creators(platform),
        lambda: _targets(platform),
        lambda: _feasibility(platform),
        lambda: _adaptation(platform),
        lambda: _modules(platform),
        lambda: _services(platform, when, params),
        lambda: _plan(platform, when),
        lambda: _process(platform),
        lambda: _norms(platform),
        lambda: _performance(platform),
        lambda: _graduation(platform),
        lambda: _procedure(platform),
        lambda: _body(platform),
        lambda: _cycles(history, when, params),
        lambda: _remediation(history),
        lambda: _scheme(platform),
    ]
    rows = {row.clause: row for row in (*eligibility, *(check() for check in checks))}
    rows["4.1-a"] = _combined("4.1-a", {k: rows[k] for k in ("4.2.1", "4.2.4")})
    rows["4.1-b"] = _combined(
        "4.1-b", {k: rows[k] for k in ("4.3.1", "4.3.2", "4.3.3", "4.3.7-a", "4.3.7-d")}
    )
    ordered = tuple(rows[clause] for clause in TITLES)
    return AuditReport(platform.name, when, params, ordered)
