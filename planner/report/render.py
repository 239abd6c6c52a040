"""Render one ReportFigures object as HTML, Markdown, CSV, XLSX or JSON (the same numbers in each)."""

from __future__ import annotations

import base64
import csv
import io
import json
import re
from pathlib import Path
from typing import Any

from planner import atomic
from planner.pages import render_page, trusted
from planner.report import texts as T
from planner.report.figures import ReportFigures, Table
from planner.safe import cell, csv_cell

FORMATS = ("html", "md", "csv", "xlsx", "json")
_NUMERIC = {"count", "hours", "share", "ratio"}
_TEMPLATE = "report.html.j2"


def render(figures: ReportFigures, fmt: str) -> bytes:
    """The report in format ``fmt`` (one of FORMATS) as bytes."""
    if fmt == "html":
        return to_html(figures).encode("utf-8")
    if fmt == "md":
        return to_markdown(figures).encode("utf-8")
    if fmt == "csv":
        return to_csv(figures).encode("utf-8-sig")  # the BOM makes Excel read UTF-8
    if fmt == "xlsx":
        return to_xlsx(figures)
    if fmt == "json":
        return to_json(figures).encode("utf-8")
    raise ValueError(fmt)


def write_report(figures: ReportFigures, fmt: str, out: Path) -> Path:
    """Render and write atomically."""
    atomic.write_bytes(out, render(figures, fmt))
    return out


def report_title(figures: ReportFigures) -> str:
    return T.title("report_internal" if figures.internal else "report_municipal", figures.lang)


def meta_lines(figures: ReportFigures) -> list[tuple[str, str]]:
    """(label, value) lines of the report header, in the report's language."""
    lang = figures.lang
    gms = ", ".join(T.gemeente_text(c, n) for c, n in figures.gemeenten)
    none = T.title("none", lang)
    return [
        (T.title("period", lang), f"{figures.period} ({figures.weeks[0]} – {figures.weeks[-1]}, "
                                   f"{T.weeks(len(figures.weeks), lang)})" if figures.weeks
         else figures.period),
        (T.label("gemeente_naam", lang), gms),
        (T.title("norm", lang), T.fmt(figures.norm_share, "share", lang)),
        (T.title("reading", lang), T.READINGS[figures.reading][lang]),
        (f"{T.title('sources', lang)} ({T.title('planned', lang)})", "; ".join(figures.sources["planned"]) or none),
        (f"{T.title('sources', lang)} ({T.title('realized', lang)})", "; ".join(figures.sources["realized"]) or none),
    ]


def _notes(figures: ReportFigures) -> list[str]:
    lang = figures.lang
    notes = [T.title("privacy_internal" if figures.internal else "privacy_municipal", lang)]
    if not figures.internal and figures.min_group_size > 1:
        notes.append(T.title("privacy_groups", lang).format(k=figures.min_group_size))
    return notes + [T.title("definitions", lang)]


def _table_title(table: Table, lang: str) -> str:
    return T.title(table.name, lang)


# ----------------------------------------------------------------------------------------------------------
# JSON


def to_json(figures: ReportFigures) -> str:
    """Raw values (shares as fractions, hours as numbers, NaN as null), keyed by column key."""
    doc = {
        "meta": figures.meta() | {"title": report_title(figures), "notes": _notes(figures)},
        "tables": {
            t.name: {"title": _table_title(t, figures.lang),
                     "columns": [{"key": c.key, "label": T.label(c.key, figures.lang), "kind": c.kind}
                                 for c in t.columns],
                     "rows": [{k: _json_value(r.get(k)) for k in t.keys} for r in t.rows]}
            for t in figures.tables
        },
    }
    return json.dumps(doc, ensure_ascii=False, indent=2) + "\n"


def _json_value(v: Any) -> Any:
    return None if T.is_missing(v) else v


# ----------------------------------------------------------------------------------------------------------
# CSV and XLSX: numbers raw, words in the report's language, every text cell neutralised


def _sheet_value(value: Any, kind: str, lang: str) -> Any:
    if T.is_missing(value):
        return None
    if kind in _NUMERIC:
        return value
    if kind in ("flag", "status", "indicator", "reason"):
        return cell(T.fmt(value, kind, lang))
    return cell(str(value))


def to_csv(figures: ReportFigures) -> str:
    """Sections separated by an empty line, each opened by a ``# title`` line and a header of labels.

    Text is quoted and spreadsheet-safe in every segment (``planner.safe.csv_cell``: a ``;`` cannot split a field
    into a formula cell in Dutch Excel); numbers stay unquoted, so a spreadsheet reads them as numbers.
    """
    lang = figures.lang
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n", quoting=csv.QUOTE_NONNUMERIC)

    def row(values: list[Any]) -> None:
        w.writerow(["" if v is None else csv_cell(v) if isinstance(v, str) else v for v in values])

    row(["# " + report_title(figures)])
    for k, v in meta_lines(figures):
        row([k, v])
    for note in _notes(figures):
        row(["# " + note])
    for t in figures.tables:
        w.writerow([])
        row(["# " + _table_title(t, lang)])
        row([T.label(c.key, lang) for c in t.columns])
        for r in t.rows:
            row([_csv_value(r.get(c.key), c.kind, lang) for c in t.columns])
    return buf.getvalue()


def _csv_value(value: Any, kind: str, lang: str) -> Any:
    if T.is_missing(value):
        return None
    if kind in _NUMERIC:
        return value
    return T.fmt(value, kind, lang) if kind in ("flag", "status", "indicator", "reason") else str(value)


def to_xlsx(figures: ReportFigures) -> bytes:
    """One sheet for the header facts, then one sheet per table; shares formatted as percentages."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    lang = figures.lang
    wb = Workbook()
    info = wb.active
    info.title = "info"
    info.append([cell(report_title(figures))])
    info["A1"].font = Font(bold=True, size=13)
    for k, v in meta_lines(figures):
        info.append([cell(k), cell(v)])
    for note in _notes(figures):
        info.append([cell(note)])
    info.column_dimensions["A"].width = 34
    info.column_dimensions["B"].width = 90
    for t in figures.tables:
        ws = wb.create_sheet(_sheet_name(_table_title(t, lang)))
        ws.append([cell(T.label(c.key, lang)) for c in t.columns])
        for c in ws[1]:
            c.font = Font(bold=True)
        for r in t.rows:
            ws.append([_sheet_value(r.get(c.key), c.kind, lang) for c in t.columns])
        for j, c in enumerate(t.columns, start=1):
            fmt = {"share": "0.0%", "hours": "0.0", "ratio": "0.00"}.get(c.kind)
            letter = ws.cell(1, j).column_letter
            ws.column_dimensions[letter].width = 48 if c.key in ("text", "why") else max(
                10, min(30, len(T.label(c.key, lang)) + 2))
            if fmt:
                for row in ws.iter_rows(min_row=2, min_col=j, max_col=j):
                    row[0].number_format = fmt
        ws.freeze_panes = "A2"
    wb.properties.creator = "planner"
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _sheet_name(text: str) -> str:
    for ch in "[]:*?/\\":
        text = text.replace(ch, " ")
    return text[:31]


# ----------------------------------------------------------------------------------------------------------
# Markdown


#: Characters that can start Markdown (CommonMark + GitHub) markup anywhere in a line: links and images ``[ ] !``,
#: autolinks and HTML ``< >``, e-mail autolinks ``@``, entities ``&``, emphasis ``* _ ~``, code `````, math ``$``,
#: table cells ``|``, headings ``#`` and the escape character itself.
_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>!|~&@#$])")
_MD_WWW = re.compile(r"(?i)\b(www)\.")
_MD_SCHEME = re.compile(r"(?i)\b(mailto):|:(?=//)")  # the colon of "http://", "ftp://", "mailto:"
_MD_BREAKS = re.compile(r"[\r\n\u2028\u2029\x0b\x0c\x85]+")


def _md(text: str) -> str:
    """Text that Markdown shows as typed, in a table cell or list item.

    The characters that can open markup are backslash-escaped (CommonMark allows it for every ASCII punctuation
    character), so no value becomes a link ``[x](…)``, an image ``![x](…)``, an autolink ``<…>``, HTML,
    emphasis or a new table cell; the colon of ``http://`` or ``mailto:`` and the dot of ``www.`` are escaped,
    so GitHub's bare-URL autolinks do not fire either. Line breaks become spaces.
    """
    text = _MD_SPECIAL.sub(r"\\\1", _MD_BREAKS.sub(" ", str(text)))
    text = _MD_SCHEME.sub(lambda m: (m.group(1) or "") + "\\:", text)
    return _MD_WWW.sub(r"\1\\.", text)


def to_markdown(figures: ReportFigures) -> str:
    lang = figures.lang
    lines = [f"# {_md(report_title(figures))}", ""]
    lines += [f"- **{_md(k)}:** {_md(v)}" for k, v in meta_lines(figures)]
    lines += [""] + [f"> {_md(n)}" for n in _notes(figures)] + [""]
    for t in figures.tables:
        lines += [f"## {_md(_table_title(t, lang))}", ""]
        lines.append("| " + " | ".join(_md(T.label(c.key, lang)) for c in t.columns) + " |")
        lines.append("|" + "|".join("---:" if c.kind in _NUMERIC else "---" for c in t.columns) + "|")
        for r in t.rows:
            lines.append("| " + " | ".join(_md(T.fmt(r.get(c.key), c.kind, lang)) for c in t.columns) + " |")
        lines.append("")
    return "\n".join(lines)


# ----------------------------------------------------------------------------------------------------------
# HTML


def to_html(figures: ReportFigures) -> str:
    """One self-contained HTML file: inline CSS with A4 print rules, the chart as an inline SVG image.

    Rendered through ``planner.pages``: every text is escaped where the template shows it.
    """
    from planner.report.chart import trend_svg

    lang = figures.lang
    tables = []
    for t in figures.tables:
        tables.append({
            "name": t.name,
            "title": _table_title(t, lang),
            "columns": [{"label": T.label(c.key, lang), "numeric": c.kind in _NUMERIC, "key": c.key}
                        for c in t.columns],
            "rows": [[{"text": T.fmt(r.get(c.key), c.kind, lang), "numeric": c.kind in _NUMERIC,
                       "low": _is_low(r, c.key, c.kind, figures.norm_share), "status": r.get(c.key)
                       if c.kind == "status" else ""} for c in t.columns] for r in t.rows],
        })
    chart = base64.b64encode(trend_svg(figures).encode("utf-8")).decode("ascii")
    return render_page(
        _TEMPLATE, lang=lang, title=report_title(figures), meta=meta_lines(figures), notes=_notes(figures),
        tables=tables, chart_src=trusted("data:image/svg+xml;base64," + chart), chart_alt=T.title("chart", lang),
        internal=figures.internal,
    )


def _is_low(row: dict[str, Any], key: str, kind: str, norm: float) -> bool:
    v = row.get(key)
    return key in ("share_planned", "share_realized") and v is not None and not T.is_missing(v) and float(v) < norm
