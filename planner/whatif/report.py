"""What-if outputs: the KPI table as CSV and HTML with differences against the base, and the sweep's files and
page (statuses, unmet-hour histograms, wijken without their wijkagent as a table and a map)."""

from __future__ import annotations

import base64
import csv
import datetime as dt
import io
import json
import math
import re
from pathlib import Path
from typing import Any

import pandas as pd

from planner.atomic import write_text
from planner.pages import figure_text_rc, render_page, trusted
from planner.safe import csv_cell
from planner.whatif.kpi import KPI_COLUMNS, better, fmt, fmt_diff, sweep_statuses, wijk_risk


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
    return render_page("kpis.html.j2", title=title, week=week, data=data, runs=[r["scenario"] for r in records],
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


# ------------------------------------------------------------------------------------------------------ sweep

#: A wijk is marked in the risk table when it goes without its wijkagent all week in at least this share of samples.
RISK_HIGH = 0.10
_QUANTILES = ("p5", "p25", "p50", "p75", "p95", "mean", "max")


def _pct(v: float) -> str:
    return "–" if v is None or math.isnan(v) else f"{100 * v:.1f} %"


def _num(v: float, digits: int = 1) -> str:
    return "–" if v is None or math.isnan(v) else f"{v:,.{digits}f}"


def sweep_headline(samples: pd.DataFrame, summary: pd.DataFrame, risk: pd.DataFrame) -> list[str]:
    """What absences cost, in a few sentences (the terminal and the page say the same)."""
    st = sweep_statuses(samples)
    s = summary.set_index("kpi")
    lines = [
        f"In {_pct(st['share_infeasible'])} of samples the week cannot keep the norm within the law (infeasible); "
        f"{_pct(st['share_roster'])} have a roster"
        + (f", {_pct(st['share_no_solution'])} found none within the time budget" if st["share_no_solution"] else "")
        + ".",
    ]
    for key, what in (("unmet_wijk_h", "Unmet wijk hours"), ("unmet_team_h", "Unmet team hours")):
        if key in s.index:
            r = s.loc[key]
            lines.append(f"{what}: median {_num(r['p50'])} h, P95 {_num(r['p95'])} h, worst {_num(r['max'])} h.")
    if "no_own_week" in s.index:
        r = s.loc["no_own_week"]
        lines.append(f"Wijken without their own wijkagent all week: median {_num(r['p50'], 0)}, P95 "
                     f"{_num(r['p95'], 0)} (of {len(risk)} wijken with a wijkagent).")
    top = risk[risk["p_week_without"] > 0].head(3)
    if len(top):
        lines.append("Most exposed: " + "; ".join(
            f"{r.wijk_code} {r.wijk_naam} without its wijkagent all week in {_pct(r.p_week_without)} of samples"
            for r in top.itertuples()) + ".")
    return lines


def _data_uri(figure: Any, fmt: str) -> str:
    import matplotlib

    buf = io.BytesIO()
    with figure_text_rc():
        if fmt == "svg":
            with matplotlib.rc_context({"svg.fonttype": "path", "svg.hashsalt": "planner-sweep"}):
                figure.savefig(buf, format="svg", metadata={"Date": None, "Creator": None})
            return "data:image/svg+xml;base64," + base64.b64encode(buf.getvalue()).decode("ascii")
        figure.savefig(buf, format="png", metadata={"Software": None}, bbox_inches="tight")
    return "data:image/png;base64," + base64.b64encode(buf.getvalue()).decode("ascii")


def unmet_histograms(samples: pd.DataFrame) -> Any:
    """Figure with two histograms: unmet wijk hours and unmet team hours over the samples with a roster."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    ok = samples[samples["status"].isin(["optimal", "feasible"])]
    with figure_text_rc():
        import matplotlib

        with matplotlib.rc_context({"svg.fonttype": "path", "svg.hashsalt": "planner-sweep", "font.size": 9}):
            figure = Figure(figsize=(9, 3.3), dpi=100, layout="constrained")
            FigureCanvasAgg(figure)
            for i, (key, colour) in enumerate((("unmet_wijk_h", "#3b6ea5"), ("unmet_team_h", "#b5651d"))):
                ax = figure.add_subplot(1, 2, i + 1)
                vals = pd.to_numeric(ok[key], errors="coerce").dropna() if key in ok else pd.Series(dtype=float)
                if len(vals):
                    ax.hist(vals, bins=min(30, max(5, len(vals) // 5)), color=colour, edgecolor="white")
                    for q, style in ((50, "-"), (95, "--")):
                        x = float(vals.quantile(q / 100))
                        ax.axvline(x, color="#222222", linestyle=style, linewidth=1, label=f"P{q} {x:,.1f} h")
                    ax.legend(fontsize=8, frameon=False)
                else:
                    ax.text(0.5, 0.5, "no sample with a roster", ha="center", va="center", transform=ax.transAxes)
                ax.set_title(KPI_COLUMNS[key][0])
                ax.set_xlabel("hours")
                ax.set_ylabel("samples")
                ax.grid(axis="y", alpha=0.3)
    return figure


def risk_map(ds: Any, risk: pd.DataFrame) -> Any:
    """Figure: each wijk coloured by the share of samples in which it went without its wijkagent all week (grey:
    no wijkagent), with wijk codes where they fit and the colour scale beside the map."""
    import matplotlib
    from matplotlib import patheffects
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    from planner.maps.display import simplify_coverage

    geoms = simplify_coverage(ds.wijken)
    share = dict(zip(risk["wijk_code"], risk["p_week_without"], strict=True))
    values = pd.Series([share.get(c, math.nan) for c in ds.wijken["wijk_code"]], dtype="float64")
    with figure_text_rc():
        figure = Figure(figsize=(9, 6.4), dpi=100)
        FigureCanvasAgg(figure)
        ax = figure.add_axes((0.02, 0.02, 0.78, 0.9))
        cax = figure.add_axes((0.84, 0.15, 0.025, 0.65))
        import geopandas as gpd

        cmap = matplotlib.colormaps["magma_r"]
        norm = matplotlib.colors.Normalize(vmin=0, vmax=max(0.05, float(values.max(skipna=True) or 0)))
        gdf = gpd.GeoDataFrame({"v": values}, geometry=geoms.values, crs=geoms.crs)
        colours = ["#d9d9d9" if math.isnan(v) else matplotlib.colors.to_hex(cmap(norm(v))) for v in values]
        gdf.plot(ax=ax, color=colours, edgecolor="#333333", linewidth=0.3)
        ax.set_axis_off()
        ax.set_aspect("equal")
        ax.set_anchor("NW")
        ax.set_title("Share of samples in which the wijk went without its wijkagent all week", fontsize=10)
        figure.colorbar(matplotlib.cm.ScalarMappable(norm=norm, cmap=cmap), cax=cax, format=lambda x, _: f"{x:.0%}")
        cax.set_title("grey: no\nwijkagent", fontsize=8, loc="left")
        if len(geoms) <= 400:
            for code, geom in zip(ds.wijken["wijk_code"], geoms.values, strict=True):
                pt = geom.representative_point()
                ax.annotate(str(code)[-4:], (pt.x, pt.y), ha="center", va="center", fontsize=6, color="#111111",
                            path_effects=[patheffects.withStroke(linewidth=2, foreground="white")])
    return figure


def sweep_html(result: Any, ds: Any, *, week: str, data: str) -> str:
    """The sweep as one self-contained page: headline, statuses, histograms, KPI table, risk map and table."""
    samples, summary = result.samples, result.summary
    risk = wijk_risk(samples, ds)
    st = sweep_statuses(samples)
    labels = {"roster": "a roster (the norm kept for every officer present)",
              "infeasible": "infeasible: the norm cannot be kept within the law",
              "no_solution": "no roster within the time budget (unknown)",
              "no_officers": "every officer of a team sick"}
    statuses = [{"label": labels[k], "count": int(round(st[f"share_{k}"] * st["samples"])) if st["samples"] else 0,
                 "share": _pct(st[f"share_{k}"])} for k in labels]
    rows = [{"label": r["label"], "cells": [fmt(r["kpi"], r[q]) for q in _QUANTILES]}
            for r in summary.to_dict("records")]
    risk_rows = [{"code": r["wijk_code"], "name": r["wijk_naam"],
                  "gemeente": r["gemeente_naam"] if r["gemeente_naam"] not in ("", r["gemeente_code"])
                  else r["gemeente_code"], "heads": r["wijkagenten"], "p_week": _pct(r["p_week_without"]),
                  "mean_days": _num(r["mean_days_without"]), "p95_days": _num(r["p95_days_without"], 0),
                  "max_days": _num(r["max_days_without"], 0),
                  "high": not math.isnan(r["p_week_without"]) and r["p_week_without"] >= RISK_HIGH}
                 for r in risk.to_dict("records")]
    p = result.params
    return render_page(
        "sweep.html.j2", title=f"Sickness sweep {week}", week=week, data=data, samples=p.get("samples"),
        rate=p.get("rate"), seed=p.get("seed"), budget=p.get("time_limit_s"),
        headline=sweep_headline(samples, summary, risk), statuses=statuses, quantiles=[q.upper() if q[0] == "p"
                                                                                       else q for q in _QUANTILES],
        summary=rows, risk=risk_rows,
        hist_src=trusted(_data_uri(unmet_histograms(samples), "svg")),
        map_src=trusted(_data_uri(risk_map(ds, risk), "png")),
    )


def write_sweep(result: Any, out_dir: Path, ds: Any, *, week: str, data_dir: Path) -> list[Path]:
    """Write samples.csv, summary.csv, wijk_risk.csv, sweep.json and sweep.html into ``out_dir``; returns paths."""
    risk = wijk_risk(result.samples, ds)
    params = dict(result.params) | {"statuses": sweep_statuses(result.samples)}
    files = {
        "samples.csv": kpi_csv_text(result.samples),
        "summary.csv": kpi_csv_text(result.summary),
        "wijk_risk.csv": kpi_csv_text(risk),
        "sweep.json": json.dumps(params, indent=2, default=str) + "\n",
        "sweep.html": sweep_html(result, ds, week=week, data=str(data_dir)),
    }
    written = []
    for name, text in files.items():
        write_text(out_dir / name, text)
        written.append(out_dir / name)
    return written
