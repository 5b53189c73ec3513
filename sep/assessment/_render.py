"""Readable renderings of a conformance audit report (4.1–4.3.7): Markdown and HTML.

Both show, per clause, the requirement, the status, the evidence, the problems and the
missing data, in English or Chinese, with the audit's parameters. HTML is escaped with
:func:`html.escape`; the page has no scripts and no external resources.
"""

from __future__ import annotations

import html
from typing import TYPE_CHECKING

from sep._i18n import html_lang, join, translation
from sep.assessment._messages import LABELS
from sep.errors import STANDARD

if TYPE_CHECKING:
    from sep.assessment._audit import AuditReport, AuditRow

__all__ = ["html_page", "markdown"]


def _l(key: str, lang: str) -> str:
    return translation(lang).gettext(LABELS[key])


def _kv(key: str, value: str, lang: str) -> str:
    """``Label: value`` with the colon of ``lang`` (``审核日期：2020-09-30``)."""
    return translation(lang).gettext("{label}: {value}").format(label=_l(key, lang), value=value)


def _list(items: list[str], lang: str) -> str:
    return join(items, lang)


def _md_cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _notes(row: AuditRow, lang: str) -> str:
    parts: list[str] = []
    sections = (("evidence", row.evidence), ("problems", row.problems), ("missing", row.missing))
    for key, notes in sections:
        if notes:
            said = translation(lang).gettext("; ").join(n.text(lang) for n in notes)
            bold = translation(lang).gettext("**{label}:** {value}")
            parts.append(bold.format(label=_l(key, lang), value=said))
    return "<br>".join(_md_cell(p) for p in parts)


def markdown(report: AuditReport, lang: str = "en") -> str:
    """The report as Markdown: a header, the parameters, a summary and the clause table."""
    params = _list([f"{k} = {v}" for k, v in report.parameters.to_dict().items()], lang)
    counts = _list([f"{_l(k, lang)} {v}" for k, v in report.counts.items()], lang)
    lines = [
        f"# {_kv('title', report.platform, lang)}",
        "",
        f"- {_kv('standard', STANDARD, lang)}",
        f"- {_kv('as_of', report.on.isoformat(), lang)}",
        f"- {_kv('parameters', params, lang)}",
        f"- {_kv('summary', counts, lang)}",
        "",
        f"| {_l('clause', lang)} | {_l('requirement', lang)} | {_l('status', lang)} | "
        f"{_l('evidence', lang)} |",
        "|---|---|---|---|",
    ]
    for row in report.rows:
        lines.append(
            f"| {row.clause} | {_md_cell(row.title(lang))} | {row.status.label(lang)} | "
            f"{_notes(row, lang)} |"
        )
    return "\n".join(lines) + "\n"


_STYLE = (
    "body{font-family:sans-serif;margin:2em}table{border-collapse:collapse}"
    "td,th{border:1px solid #999;padding:4px 8px;vertical-align:top;text-align:left}"
    ".satisfied{background:#dff0d8}.not_satisfied{background:#f2dede}"
    ".unknown{background:#fcf8e3}ul{margin:0;padding-left:1.2em}"
)


def _html_list(label: str, items: list[str]) -> str:
    if not items:
        return ""
    inner = "".join(f"<li>{html.escape(i)}</li>" for i in items)
    return f"<p><b>{html.escape(label)}</b></p><ul>{inner}</ul>"


def html_page(report: AuditReport, lang: str = "en") -> str:
    """The report as a standalone HTML page."""
    e = html.escape
    title = _kv("title", report.platform, lang)
    return (
        f'<!DOCTYPE html>\n<html lang="{html_lang(lang)}"><head><meta charset="utf-8">'
        f"<title>{e(title)}</title><style>{_STYLE}</style></head><body>\n"
        + html_fragment(report, lang)
        + "\n</body></html>\n"
    )


def html_fragment(report: AuditReport, lang: str = "en") -> str:
    """The report's heading, summary and table, without a page around them (a notebook
    cell, or the body of :func:`html_page`)."""
    e = html.escape
    title = _kv("title", report.platform, lang)
    params = _list([f"{k} = {v}" for k, v in report.parameters.to_dict().items()], lang)
    counts = _list([f"{_l(k, lang)} {v}" for k, v in report.counts.items()], lang)
    body = [
        f"<h1>{e(title)}</h1>",
        "<ul>",
        f"<li>{e(_kv('standard', STANDARD, lang))}</li>",
        f"<li>{e(_kv('as_of', report.on.isoformat(), lang))}</li>",
        f"<li>{e(_kv('parameters', params, lang))}</li>",
        f"<li>{e(_kv('summary', counts, lang))}</li>",
        "</ul>",
        "<table><thead><tr>"
        + "".join(
            f"<th>{e(_l(k, lang))}</th>" for k in ("clause", "requirement", "status", "evidence")
        )
        + "</tr></thead><tbody>",
    ]
    for row in report.rows:
        detail = "".join(
            _html_list(_l(key, lang), [n.text(lang) for n in notes])
            for key, notes in (
                ("evidence", row.evidence),
                ("problems", row.problems),
                ("missing", row.missing),
            )
        )
        body.append(
            f'<tr class="{row.status.value}"><td>{e(row.clause)}</td>'
            f"<td>{e(row.title(lang))}</td><td>{e(row.status.label(lang))}</td>"
            f"<td>{detail}</td></tr>"
        )
    body.append("</tbody></table>")
    return "\n".join(body)
