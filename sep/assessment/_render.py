"""Readable renderings of a conformance audit report (4.1–4.3.7): Markdown and HTML.

Both show, per clause, the requirement, the status, the evidence, the problems and the
missing data, in English or Chinese, with the audit's parameters. HTML is escaped with
:func:`html.escape`; the page has no scripts and no external resources.
"""

from __future__ import annotations

import html
from typing import TYPE_CHECKING

from sep._i18n import html_lang, translation
from sep.assessment._messages import LABELS

if TYPE_CHECKING:
    from sep.assessment._audit import AuditReport, AuditRow

__all__ = ["html_page", "markdown"]


def _l(key: str, lang: str) -> str:
    return translation(lang).gettext(LABELS[key])


def _md_cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _notes(row: AuditRow, lang: str) -> str:
    parts: list[str] = []
    sections = (("evidence", row.evidence), ("problems", row.problems), ("missing", row.missing))
    for key, notes in sections:
        if notes:
            parts.append(f"**{_l(key, lang)}:** " + "; ".join(n.text(lang) for n in notes))
    return "<br>".join(_md_cell(p) for p in parts)


def markdown(report: AuditReport, lang: str = "en") -> str:
    """The report as Markdown: a header, the parameters, a summary and the clause table."""
    lines = [
        f"# {_l('title', lang)}: {report.platform}",
        "",
        f"- {_l('standard', lang)}: T/CATE 0001—2020",
        f"- {_l('as_of', lang)}: {report.on.isoformat()}",
        f"- {_l('parameters', lang)}: "
        + ", ".join(f"{k} = {v}" for k, v in report.parameters.to_dict().items()),
        f"- {_l('summary', lang)}: "
        + ", ".join(f"{_l(k, lang)} {v}" for k, v in report.counts.items()),
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
    title = f"{_l('title', lang)}: {report.platform}"
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
    title = f"{_l('title', lang)}: {report.platform}"
    params = ", ".join(f"{k} = {v}" for k, v in report.parameters.to_dict().items())
    counts = ", ".join(f"{_l(k, lang)} {v}" for k, v in report.counts.items())
    body = [
        f"<h1>{e(title)}</h1>",
        "<ul>",
        f"<li>{e(_l('standard', lang))}: T/CATE 0001—2020</li>",
        f"<li>{e(_l('as_of', lang))}: {e(report.on.isoformat())}</li>",
        f"<li>{e(_l('parameters', lang))}: {e(params)}</li>",
        f"<li>{e(_l('summary', lang))}: {e(counts)}</li>",
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
