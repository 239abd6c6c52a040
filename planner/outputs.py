"""Roster outputs: roster.csv, summary.json, an XLSX grid planners read, one .ics calendar per officer."""

from __future__ import annotations

import datetime as dt
import io
import json
import math
import re
from pathlib import Path
from typing import Any

import pandas as pd

from planner import atomic
from planner.roster_io import roster_to_csv_text
from planner.safe import cell
from planner.timeutil import minutes_between

SUMMARY = "summary.json"
ROSTER = "roster.csv"
GRID = "roster.xlsx"
ICS_DIR = "ics"


def _num(x: Any) -> Any:
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return None
    if isinstance(x, float):
        return round(x, 4)
    return x


def provenance(plan: Any) -> dict[str, Any]:
    """What made this output: week, versions, seed, solver parameters and a hash of every input file."""
    params = plan.params or {}
    out: dict[str, Any] = {
        "week": plan.week,
        "planner": params.get("planner", ""),
        "ortools": params.get("ortools", ""),
    }
    for key in ("random_seed", "num_workers", "max_time_in_seconds", "resolution_min"):
        if key in params:
            out[key] = params[key]
    for name, digest in sorted(plan.inputs.items()):
        out[f"sha256_{name}"] = digest
    return out


def summary_dict(plan: Any) -> dict[str, Any]:
    """The summary as plain JSON-able data (the same figures the terminal shows)."""
    teams = []
    for r in plan.results:
        teams.append(
            {
                "team": r.team,
                "status": r.status,
                "objective": _num(r.objective),
                "bound": _num(r.bound),
                "gap": _num(r.gap),
                "runtime_s": round(r.runtime_s, 3),
                "interrupted": r.interrupted,
                "explanation": r.explanation,
            }
        )
    officers = plan.officers.to_dict("records") if len(plan.officers) else []
    for o in officers:
        for k, v in list(o.items()):
            o[k] = _num(v)
    unmet = plan.unmet
    return {
        "week": plan.week,
        "status": plan.status,
        "objective": _num(plan.objective),
        "bound": _num(plan.bound),
        "gap": _num(plan.gap),
        "runtime_s": round(plan.runtime_s, 3),
        "teams": teams,
        "officers": officers,
        "unmet": {
            "wijk_presence_h": _num(float(unmet.loc[unmet["kind"] == "presence", "unmet_h"].sum()))
            if len(unmet)
            else 0,
            "team_h": _num(float(unmet.loc[unmet["kind"] != "presence", "unmet_h"].sum())) if len(unmet) else 0,
            "windows": [{k: _num(v) for k, v in row.items()} for row in unmet.to_dict("records") if row["unmet_h"] > 0],
        },
        "penalties": [p.__dict__ | {"amount": _num(p.amount), "cost": _num(p.cost)} for p in plan.penalties],
        "inputs": plan.inputs,
        "history": plan.history_files,
        "holidays": getattr(plan, "holidays", {}),
        "parameters": plan.params,
    }


def grid(plan: Any, days: list[dt.date], absences: pd.DataFrame) -> pd.DataFrame:
    """Officers × days with shift codes (or the absence reason), hours and own-wijk share."""
    roster = plan.roster
    blocks_by: dict[tuple[str, dt.date], list[dict[str, Any]]] = {}
    for r in roster.to_dict("records"):
        blocks_by.setdefault((r["officer_id"], r["date"]), []).append(r)
    away = absences[absences["kind"] == "unavailable"]
    away_by: dict[str, list[tuple[dt.date, dt.date, str]]] = {}
    for oid, s, e, reason in zip(away["officer_id"], away["start"], away["end"], away["reason"], strict=True):
        away_by.setdefault(oid, []).append((s.date(), (e - dt.timedelta(seconds=1)).date(), reason))
    rows = []
    for o in plan.officers.to_dict("records"):
        oid = o["officer_id"]
        row: dict[str, Any] = {"officer": oid, "name": o["name"], "wijk": o["wijken"]}
        for d in days:
            day = blocks_by.get((oid, d), [])
            if day:
                code = next((b["shift"] for b in day if b["shift"]), "") or str(day[0]["activity"])
                minutes = sum(minutes_between(b["start"], b["end"]) for b in day)
                row[f"{d:%a %d-%m}"] = f"{code} {minutes / 60:g}h"
            else:
                row[f"{d:%a %d-%m}"] = next((r for first, last, r in away_by.get(oid, []) if first <= d <= last), "")
        row["planned h"] = o["planned_h"]
        row["available h"] = o["available_h"]
        row["own-wijk h"] = o["own_wijk_h"]
        row["share"] = o["share"]
        rows.append(row)
    return pd.DataFrame(rows)


def xlsx_bytes(grid_df: pd.DataFrame, plan: Any, fixed_time: dt.datetime) -> bytes:
    """The grid and the blocks as an XLSX workbook (deterministic: fixed document times)."""
    from openpyxl import Workbook
    from openpyxl.styles import Font, PatternFill

    wb = Workbook()
    ws = wb.active
    ws.title = "rooster"
    ws.append([cell(str(c)) for c in grid_df.columns])
    for c in ws[1]:
        c.font = Font(bold=True)
    low = PatternFill("solid", fgColor="F4CCCC")
    for rec in grid_df.itertuples(index=False):
        ws.append([cell(v) if not (isinstance(v, float) and math.isnan(v)) else None for v in rec])
        share = rec[-1]
        if isinstance(share, float) and share < plan.norm_share:
            ws.cell(ws.max_row, len(rec)).fill = low
    for row in ws.iter_rows(
        min_row=2, min_col=grid_df.columns.get_loc("share") + 1, max_col=grid_df.columns.get_loc("share") + 1
    ):
        for c in row:
            c.number_format = "0.0%"
    ws.freeze_panes = "D2"
    for col in ws.columns:
        ws.column_dimensions[col[0].column_letter].width = max(
            10, min(28, max(len(str(c.value or "")) for c in col) + 2)
        )
    blocks = wb.create_sheet("blokken")
    cols = ["officer_id", "date", "start", "end", "activity", "wijk_code", "shift", "task"]
    blocks.append(cols)
    for r in plan.roster.to_dict("records"):
        blocks.append(
            [
                cell(r["officer_id"]),
                r["date"].isoformat(),
                r["start"].isoformat(timespec="minutes"),
                r["end"].isoformat(timespec="minutes"),
                r["activity"],
                r["wijk_code"],
                r["shift"],
                cell(r["task"]),
            ]
        )
    run = wb.create_sheet("run")
    for key, value in provenance(plan).items():
        run.append([key, cell(str(value))])
    wb.properties.created = fixed_time.replace(tzinfo=None)
    wb.properties.modified = fixed_time.replace(tzinfo=None)
    wb.properties.creator = "planner"
    buf = io.BytesIO()
    wb.save(buf)
    return _fixed_zip_times(buf.getvalue(), fixed_time)


def _fixed_zip_times(data: bytes, when: dt.datetime) -> bytes:
    """Rewrite a zip (an XLSX) with every entry dated ``when``, so equal rosters give equal bytes."""
    import zipfile

    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=when.timetuple()[:6])
            fixed.compress_type = zipfile.ZIP_DEFLATED
            payload = src.read(info.filename)
            if info.filename == "docProps/core.xml":  # openpyxl stamps the save time into dcterms:modified
                stamp = when.strftime("%Y-%m-%dT%H:%M:%SZ").encode()
                payload = re.sub(
                    rb"(<dcterms:(?:created|modified)[^>]*>)[^<]*(<)", rb"\g<1>" + stamp + rb"\g<2>", payload
                )
            dst.writestr(fixed, payload)
    return out.getvalue()


def ics_files(plan: Any, fixed_time: dt.datetime) -> dict[str, bytes]:
    """One iCalendar per officer: one event per shift, with its blocks in the description."""
    from icalendar import Calendar, Event

    out: dict[str, bytes] = {}
    roster = plan.roster
    if roster.empty:
        return out
    header = [("x-planner-" + re.sub(r"[^A-Za-z0-9]+", "-", k), str(v)) for k, v in provenance(plan).items()]
    stamp = fixed_time.astimezone(dt.UTC)
    # Plain dicts, not a pandas groupby per officer: a national roster has 3,500 officers (docs/benchmarks.md).
    shifts: dict[str, dict[tuple[dt.date, str], list[dict[str, Any]]]] = {}
    for r in roster.to_dict("records"):
        code = r["shift"] if isinstance(r["shift"], str) else ""  # a missing shift code is a block of its own
        shifts.setdefault(r["officer_id"], {}).setdefault((r["date"], code), []).append(r)
    for oid in sorted(shifts):
        cal = Calendar()
        cal.add("prodid", "-//planner//wijkagent rooster//NL")
        cal.add("version", "2.0")
        for key, value in header:
            cal.add(key, value)
        for (d, code), unordered in sorted(shifts[oid].items()):
            blocks = sorted(unordered, key=lambda b: b["start"])
            ev = Event()
            ev.add("uid", f"{oid}-{d.isoformat()}-{code or 'blok'}@planner")
            ev.add("dtstamp", stamp)
            ev.add("dtstart", min(b["start"] for b in blocks))
            ev.add("dtend", max(b["end"] for b in blocks))
            acts = ", ".join(dict.fromkeys(b["activity"] for b in blocks))
            ev.add("summary", f"{code or blocks[0]['activity']} ({acts})")
            ev.add(
                "description",
                "\n".join(
                    " ".join(
                        part
                        for part in (f"{b['start']:%H:%M}-{b['end']:%H:%M}", b["activity"], b["wijk_code"], b["task"])
                        if isinstance(part, str) and part
                    )
                    for b in blocks
                ),
            )
            cal.add_component(ev)
        out[_safe_name(str(oid)) + ".ics"] = cal.to_ical()
    return out


def _safe_name(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]", "_", text)[:80] or "officer"


def write_outputs(out_dir: Path, plan: Any, days: list[dt.date], absences: pd.DataFrame) -> list[Path]:
    """Write every output of a plan atomically; returns the paths written."""
    fixed_time = dt.datetime.combine(days[0], dt.time(0), tzinfo=dt.UTC)
    written: list[Path] = []
    if plan.has_roster:
        data = {
            ROSTER: roster_to_csv_text(plan.roster).encode(),
            GRID: xlsx_bytes(grid(plan, days, absences), plan, fixed_time),
        }
        for name, payload in ics_files(plan, fixed_time).items():
            data[f"{ICS_DIR}/{name}"] = payload
    else:
        data = {}
    data[SUMMARY] = (json.dumps(summary_dict(plan), indent=2, ensure_ascii=False, default=str) + "\n").encode()
    for name, payload in data.items():
        path = out_dir / name
        atomic.write_bytes(path, payload)
        written.append(path)
    return written
