"""What-if outputs: the KPI table as CSV and as one self-contained HTML page with differences against the base."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from pathlib import Path
from typing import Any

import pandas as pd
from jinja2 import Environment

from planner.atomic import write_text
from planner.safe import csv_cell
from planner.whatif.kpi import KPI_COLUMNS, better, fmt, fmt_diff

_PAGE = """<!doctype html>
<html lang="nl"><head><meta charset="utf-8"><title>{{ title }}</title>
<style>
body { font-family: system-ui, sans-serif; margin: 2em; color: #222; }
table { border-collapse: collapse; } th, td { border: 1px solid #ccc; padding: .3em .6em; text-align: right; }
th:first-child, td:first-child { text-align: left; }
.better { color: #176b2c; } .worse { color: #a11; } .diff { font-size: .85em; display: block; }
.note { color: #555; font-size: .9em; }
</style></head><body>
<h1>{{ title }}</h1>
<p class="note">Week {{ week }} · data folder {{ data }} · differences against the base in small print
(green better, red worse).</p>
<table>
<thead><tr><th>KPI</th>{% for r in runs %}<th>{{ r }}</th>{% endfor %}</tr></thead>
<tbody>
{% for row in rows %}<tr><td>{{ row.label }}</td>{% for c in row.cells %}<td>{{ c.value }}{% if c.diff %}
<span class="diff {{ c.cls }}">{{ c.diff }}</span>{% endif %}</td>{% endfor %}</tr>
{% endfor %}</tbody></table>
{% if notes %}<h2>Notes</h2><ul>{% for n in notes %}<li>{{ n }}</li>{% endfor %}</ul>{% endif %}
{% if maps %}<h2>Maps</h2><ul>{% for name, href in maps %}<li><a href="{{ href }}">{{ name }}</a></li>{% endfor %}</ul>
{% endif %}</body></html>
"""


def slug(name: str) -> str:
    """A file-name-safe form of a scenario name."""
    s = re.sub(r"[^A-Za-z0-9._-]+", "-", name).strip("-.")
    return s[:60] or "scenario"


def kpi_csv_text(table: pd.DataFrame) -> str:
    """The KPI table as CSV text: text quoted and spreadsheet-safe in every segment (``planner.safe.csv_cell``),
    numbers unquoted."""
    safe = table.copy()
    safe.columns = [csv_cell(str(c)) for c in safe.columns]
    for col in safe.columns:
        if safe[col].dtype == object or pd.api.types.is_string_dtype(safe[col]):
            safe[col] = [csv_cell(v) for v in safe[col]]
    buf = io.StringIO()
    safe.to_csv(buf, index=False, lineterminator="\n", quoting=csv.QUOTE_NONNUMERIC)
    return buf.getvalue()


def kpi_html(table: pd.DataFrame, *, week: str, data: str, notes: list[str] | None = None,
             maps: list[tuple[str, str]] | None = None, title: str = "What-if: KPIs per scenario") -> str:
    """Self-contained HTML (no scripts, no external links) of the KPI table; every input string escaped."""
    records = table.to_dict("records")
    base = records[0] if records else {}
    rows: list[dict[str, Any]] = []
    for key in ["status", "gap", *KPI_COLUMNS]:
        label = KPI_COLUMNS[key][0] if key in KPI_COLUMNS else key
        cells = []
        for r in records:
            v = r.get(key)
            if key == "gap":
                value = "–" if v is None or pd.isna(v) else f"{100 * v:.1f} %"
                cells.append({"value": value, "diff": "", "cls": ""})
                continue
            if key == "status":
                cells.append({"value": str(v), "diff": "", "cls": ""})
                continue
            diff = fmt_diff(key, v, base.get(key)) if r is not base else ""
            b = better(key, v, base.get(key))
            cells.append({"value": fmt(key, v), "diff": diff, "cls": {1: "better", -1: "worse"}.get(b, "")})
        rows.append({"label": label, "cells": cells})
    env = Environment(autoescape=True)
    return env.from_string(_PAGE).render(title=title, week=week, data=data, runs=[r["scenario"] for r in records],
                                         rows=rows, notes=notes or [], maps=maps or [])


def write_whatif(runs: list[Any], out_dir: Path, monday: dt.date, data_dir: Path, *, maps: bool = True) -> list[Path]:
    """Write kpis.csv, kpis.html and (with ``maps``) maps/<scenario>.html per run with a roster; returns paths."""
    from planner.timeutil import week_label
    from planner.whatif.run import kpi_table

    table = kpi_table(runs)
    written = []
    map_links: list[tuple[str, str]] = []
    if maps:
        from planner.maps import write_map

        used: set[str] = set()
        for i, r in enumerate(runs):
            if not len(r.roster):
                continue
            name = slug(r.name)
            if name in used:
                name = f"{name}-{i}"
            used.add(name)
            target = out_dir / "maps" / f"{name}.html"
            written += write_map(r.ds, r.roster, target, week=monday)
            map_links.append((r.name, f"maps/{name}.html"))
    notes = [f"{r.name}: {line}" for r in runs for line in r.explanation[:5]]
    csv_path = out_dir / "kpis.csv"
    write_text(csv_path, kpi_csv_text(table))
    html_path = out_dir / "kpis.html"
    write_text(html_path, kpi_html(table, week=week_label(monday), data=str(data_dir), notes=notes, maps=map_links))
    return [csv_path, html_path, *written]
