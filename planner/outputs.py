"""Roster outputs: roster.csv, rest_days.csv, summary.json, roster.xlsx (planner.workbook), one .ics calendar per
officer."""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import json
import math
import re
import tempfile
import unicodedata
from collections import Counter
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pandas as pd

from planner import atomic
from planner.roster_io import roster_to_csv_text, working_days
from planner.safe import csv_cell, ics_text
from planner.timeutil import minutes_between, week_label
from planner.workbook import week_share, xlsx_bytes

SUMMARY = "summary.json"
ROSTER = "roster.csv"
GRID = "roster.xlsx"
ICS_DIR = "ics"
REST_DAYS = "rest_days.csv"


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
                "gap_levels": r.gap_levels,
                "levels": {k: _num(v) for k, v in r.levels.items()},
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
        "gap_levels": plan.gap_levels,
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
        "run_id": run_id(plan),
        "history": plan.history_files,
        "holidays": getattr(plan, "holidays", {}),
        "parameters": plan.params,
    }


def grid(plan: Any, days: list[dt.date], absences: pd.DataFrame) -> pd.DataFrame:
    """Officers × days of one week with shift codes (or the absence reason), hours, the week's own-wijk share (never
    above 100 %: ``planner.hours.norm_denominator``), the rolling window's share and the hours balance at the week's
    end."""
    roster = plan.roster
    officers = plan.officers
    if "week" in officers.columns and len(officers):
        officers = officers[officers["week"] == week_label(days[0])]
    blocks_by: dict[tuple[str, dt.date], list[dict[str, Any]]] = {}
    for r in roster.to_dict("records"):
        blocks_by.setdefault((r["officer_id"], r["date"]), []).append(r)
    away = absences[absences["kind"] == "unavailable"]
    away_by: dict[str, list[tuple[dt.date, dt.date, str]]] = {}
    for oid, s, e, reason in zip(away["officer_id"], away["start"], away["end"], away["reason"], strict=True):
        away_by.setdefault(oid, []).append((s.date(), (e - dt.timedelta(seconds=1)).date(), reason))
    rows = []
    for o in officers.to_dict("records"):
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
        row["share"] = o["share"] if "share" in o else week_share(o["own_wijk_h"], o["available_h"], o["planned_h"])
        row["window"] = o.get("window_share")
        row["balance h"] = o.get("balance_h")
        rows.append(row)
    return pd.DataFrame(rows)


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


#: How an activity reads in a calendar title (Dutch, as the officers read their roster); others: capitalised.
ACTIVITY_LABELS = {
    "wijk": "wijk",
    "voor_wijk": "voor de wijk",
    "noodhulp": "noodhulp",
    "event": "evenement",
    "training": "training",
    "office": "kantoor",
    "other_wijk": "andere wijk",
}
#: Windows refuses these as file names (with any extension).
_RESERVED = {"CON", "PRN", "AUX", "NUL", *(f"COM{i}" for i in range(10)), *(f"LPT{i}" for i in range(10))}
_PLAIN_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{0,63}")


def activity_label(activity: str) -> str:
    return ACTIVITY_LABELS.get(activity, str(activity).replace("_", " "))


def _id_hash(text: str, n: int = 10) -> str:
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:n]  # any id, lone surrogates too


def calendar_names(ids: Iterable[str]) -> dict[str, str]:
    """The calendar file name of each officer id (``<name>.ics``): one file per officer, always.

    An id that is a plain name (ASCII letters, digits, ``-`` and ``_``, at most 64 characters, not a Windows
    device name) and no other id equals ignoring case is used as it is (``WA0001.ics``). Any other id gets a
    safe form plus a hash of the exact id (``W_01-3f2a9c1b7e.ics``), so ids that differ only in case, spaces,
    accents or look-alike letters never share a file, also on a case-insensitive disk (Windows, macOS).
    """
    ids = list(dict.fromkeys(str(i) for i in ids))
    folded = Counter(i.casefold() for i in ids)
    plain = {i for i in ids if _PLAIN_ID.fullmatch(i) and i.upper() not in _RESERVED and folded[i.casefold()] == 1}
    width = 10
    while True:
        names = {}
        for i in ids:
            if i in plain:
                names[i] = i
                continue
            ascii_form = unicodedata.normalize("NFKD", i).encode("ascii", "ignore").decode("ascii")
            safe = re.sub(r"[^A-Za-z0-9_-]+", "_", ascii_form).strip("_-")[:40] or "officer"
            names[i] = f"{safe}-{_id_hash(i, width)}"
        taken = Counter(n.casefold() for n in names.values())
        clash = {i for i, n in names.items() if taken[n.casefold()] > 1}
        if not clash:
            return names
        plain -= clash  # a plain id that equals another's hashed name gets a hash too
        width += 6


def vtimezone(tz: ZoneInfo, around: dt.date) -> Any:
    """A VTIMEZONE for ``tz`` (RFC 5545 3.6.5) with every UTC-offset change from a year before ``around`` to a
    year after: each observance starts at the local time of the old offset, as the RFC defines its DTSTART."""
    from icalendar import Timezone, TimezoneDaylight, TimezoneStandard

    first = dt.datetime.combine(around - dt.timedelta(days=366), dt.time(0), tzinfo=dt.UTC)
    last = first + dt.timedelta(days=2 * 366)

    def offset(t: dt.datetime) -> dt.timedelta:
        return t.astimezone(tz).utcoffset() or dt.timedelta(0)

    changes = []  # UTC instants at which the offset changes
    t = first
    while t < last:
        nxt = t + dt.timedelta(days=1)
        if offset(nxt) != offset(t):
            lo, hi = t, nxt
            while hi - lo > dt.timedelta(minutes=1):
                mid = lo + (hi - lo) / 2
                lo, hi = (mid, hi) if offset(mid) == offset(t) else (lo, mid)
            changes.append(hi.replace(second=0, microsecond=0))
        t = nxt

    def observance(at: dt.datetime, before: dt.timedelta) -> Any:
        local = at.astimezone(tz)
        comp = TimezoneDaylight() if local.dst() else TimezoneStandard()
        comp.add("dtstart", (at + before).replace(tzinfo=None))
        comp.add("tzoffsetfrom", before)
        comp.add("tzoffsetto", local.utcoffset())
        comp.add("tzname", local.tzname())
        return comp

    vtz = Timezone()
    vtz.add("tzid", tz.key)
    vtz.add_component(observance(first, offset(first)))
    for at in changes:
        vtz.add_component(observance(at, offset(at - dt.timedelta(minutes=1))))
    return vtz


def run_id(plan: Any) -> str:
    """A short digest of the run's provenance (week, versions, seed, input hashes): the one provenance line in
    each calendar, and ``run_id`` in summary.json, which holds the full provenance."""
    text = json.dumps(provenance(plan), sort_keys=True, default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def _wijk_text(codes: list[str], wijk_names: Mapping[str, str]) -> str:
    return ", ".join(f"{wijk_names[c]}" if wijk_names.get(c) and wijk_names[c] != c else c for c in codes)


def _event_text(blocks: list[dict[str, Any]], code: str, wijk_names: Mapping[str, str]) -> tuple[str, str, str]:
    """(title, location, description) of one calendar event, in words an officer reads at a glance."""
    start, end = min(b["start"] for b in blocks), max(b["end"] for b in blocks)
    wijken = list(dict.fromkeys(b["wijk_code"] for b in blocks if b["activity"] == "wijk" and b["wijk_code"]))
    others = list(dict.fromkeys(activity_label(b["activity"]) for b in blocks if b["activity"] != "wijk"))
    what = ([f"wijk {_wijk_text(wijken, wijk_names)}"] if wijken else []) + others
    if code:
        title = f"Dienst {code} {start:%H:%M}–{end:%H:%M}" + (f" · {', '.join(what)}" if what else "")
    else:
        tasks = list(dict.fromkeys(str(b["task"]) for b in blocks if isinstance(b["task"], str) and b["task"]))
        title = " · ".join([", ".join(what) or activity_label(blocks[0]["activity"]), *tasks[:1]])
        title = title[:1].upper() + title[1:]
    location = f"wijk {_wijk_text(wijken, wijk_names)}" if wijken else ""
    lines = []
    for b in blocks:
        parts = [f"{b['start']:%H:%M}–{b['end']:%H:%M}", activity_label(b["activity"])]
        if isinstance(b["wijk_code"], str) and b["wijk_code"]:
            name = wijk_names.get(b["wijk_code"])
            parts.append(f"{name} ({b['wijk_code']})" if name and name != b["wijk_code"] else b["wijk_code"])
        if isinstance(b["task"], str) and b["task"]:
            parts.append(f"· {b['task']}")
        lines.append(" ".join(parts))
    return title, location, "\n".join(lines)


def ics_files(plan: Any, fixed_time: dt.datetime, wijk_names: Mapping[str, str] | None = None,
              tz: ZoneInfo | None = None, times_until: dt.date | None = None) -> dict[str, bytes]:
    """One iCalendar per officer (file name: :func:`calendar_names`): one event per shift, its blocks in the
    description, a VTIMEZONE for the team's zone, stable UIDs and one short provenance line (X-PLANNER-RUN).
    From ``times_until`` on (``[period] notice = "rest_days"``) a working day is an all-day event "Werkdag (tijden
    volgen)" without times or places."""
    from icalendar import Calendar, Event

    out: dict[str, bytes] = {}
    roster = plan.roster
    if roster.empty:
        return out
    names = wijk_names or {}
    zone = tz or next((s.tzinfo for s in roster["start"] if isinstance(getattr(s, "tzinfo", None), ZoneInfo)),
                      ZoneInfo("Europe/Amsterdam"))
    timezone = vtimezone(zone, min(roster["date"]))
    stamp = fixed_time.astimezone(dt.UTC)
    rid = run_id(plan)
    # Plain dicts, not a pandas groupby per officer: a national roster has 3,500 officers (docs/benchmarks.md).
    shifts: dict[str, dict[tuple[dt.date, str], list[dict[str, Any]]]] = {}
    for r in roster.to_dict("records"):
        code = r["shift"] if isinstance(r["shift"], str) else ""  # a missing shift code is a block of its own
        shifts.setdefault(str(r["officer_id"]), {}).setdefault((r["date"], code), []).append(r)
    files = calendar_names(shifts)
    for oid in sorted(shifts):
        cal = Calendar()
        cal.add("prodid", "-//planner//wijkagent rooster//NL")
        cal.add("version", "2.0")
        cal.add("calscale", "GREGORIAN")
        cal.add("method", "PUBLISH")
        cal.add("name", f"Rooster {plan.week}")
        cal.add("x-planner-run", f"{plan.week} {rid}")
        cal.add_component(timezone)
        per_day: Counter[dt.date] = Counter()
        for (d, code), unordered in sorted(shifts[oid].items(), key=lambda kv: (min(b["start"] for b in kv[1]),
                                                                               kv[0][1])):
            blocks = sorted(unordered, key=lambda b: b["start"])
            per_day[d] += 1
            ev = Event()
            if times_until is not None and d >= times_until:
                if per_day[d] > 1:
                    continue  # one all-day event per working day
                ev.add("uid", f"{d:%Y%m%d}-{per_day[d]}-{_id_hash(oid, 16)}@planner")
                ev.add("dtstamp", stamp)
                ev.add("dtstart", d)
                ev.add("dtend", d + dt.timedelta(days=1))
                ev.add("summary", "Werkdag (tijden volgen)")
                ev.add("description", f"Werkdag; de dienst en de tijden worden later bekendgemaakt "
                                      f"(vanaf {times_until:%d-%m-%Y}).")
                ev.add("transp", "TRANSPARENT")
                cal.add_component(ev)
                continue
            title, location, description = _event_text(blocks, code, names)
            # Stable: the same officer, shift date and n-th event of that day give the same UID in every run, so a
            # re-planned day replaces its event in a calendar instead of adding one.
            ev.add("uid", f"{d:%Y%m%d}-{per_day[d]}-{_id_hash(oid, 16)}@planner")
            ev.add("dtstamp", stamp)
            ev.add("dtstart", min(b["start"] for b in blocks).astimezone(zone))
            ev.add("dtend", max(b["end"] for b in blocks).astimezone(zone))
            # Input text (wijk names, tasks, shift codes, activities) as a calendar can hold it (docs/outputs.md).
            ev.add("summary", ics_text(title))
            if location:
                ev.add("location", ics_text(location))
            ev.add("description", ics_text(description))
            ev.add("transp", "OPAQUE")
            cal.add_component(ev)
        out[files[oid] + ".ics"] = cal.to_ical()
    return out


def times_until(ds: Any, days: list[dt.date], times_from: dt.date | None = None) -> dt.date | None:
    """The first day published without times (``[period] notice = "rest_days"``: work and rest days for the whole
    period, shift times for ``times_days`` days from its start, or from a re-plan's ``--from``); None when every
    day gets its times."""
    if ds is None or ds.config.period.notice != "rest_days" or not days:
        return None
    cut = max(days[0], times_from or days[0]) + dt.timedelta(days=ds.config.period.times_days)
    return cut if cut <= days[-1] else None


def rest_days_csv(roster: pd.DataFrame, officers: list[str], days: list[dt.date]) -> str:
    """rest_days.csv: per officer and day ``werk`` (a shift starts that day) or ``rust``; written with every roster
    (one set with it), and what a period with ``[period] notice = "rest_days"`` publishes for the days whose times
    follow later."""
    working = working_days(roster)
    buf = io.StringIO()
    writer = csv.writer(buf, quoting=csv.QUOTE_ALL, lineterminator="\n")
    writer.writerow(["officer_id", "date", "dag"])
    writer.writerows([csv_cell(o), d.isoformat(), "werk" if (o, d) in working else "rust"]
                     for o in officers for d in days)
    return buf.getvalue()


def wijk_names_of(ds: Any) -> dict[str, str]:
    """Wijk code -> wijk name from a Dataset (empty without one)."""
    if ds is None:
        return {}
    return {str(c): str(n) for c, n in zip(ds.wijken["wijk_code"], ds.wijken["wijk_naam"], strict=True)}


def write_outputs(out_dir: Path, plan: Any, days: list[dt.date], absences: pd.DataFrame, *,
                  ds: Any = None, extra: dict[str, bytes] | None = None,
                  times_from: dt.date | None = None) -> list[Path]:
    """Write a plan's outputs as one set (``atomic.commit_set``): roster.csv, roster.xlsx, summary.json and ics/
    appear together or not at all, and calendars of officers not in this roster are removed with the old set.
    A plan without a roster writes summary.json only (its status and explanation); the roster files stay.

    ``ds`` (the Dataset planned) gives wijk names and the team's time zone and shift types to the XLSX and the
    calendars; without it they show codes. Returns the paths written.
    """
    fixed_time = dt.datetime.combine(days[0], dt.time(0), tzinfo=dt.UTC)
    data: dict[str, bytes] = {}
    if plan.has_roster:
        tz = ds.config.tz if ds is not None else None
        cut = times_until(ds, days, times_from)
        data[ROSTER] = roster_to_csv_text(plan.roster).encode()
        # every officer of the plan (one without a shift too), in team order
        ids = list(dict.fromkeys(str(o) for o in plan.officers.get("officer_id", [])))
        data[REST_DAYS] = rest_days_csv(plan.roster, ids, days).encode()
        try:
            data[GRID] = xlsx_bytes(plan, days, absences, fixed_time, wijk_names=wijk_names_of(ds),
                                    shifts=ds.config.shifts if ds is not None else (), tz=tz, times_until=cut)
        except OSError as exc:  # openpyxl writes each sheet to a temporary file first
            raise atomic.output_error(Path(out_dir) / GRID, exc, f"while writing a temporary file in "
                                      f"{tempfile.gettempdir()}") from None
        for name, payload in ics_files(plan, fixed_time, wijk_names_of(ds), tz, cut).items():
            data[f"{ICS_DIR}/{name}"] = payload
    data[SUMMARY] = (json.dumps(summary_dict(plan), indent=2, ensure_ascii=False, default=str) + "\n").encode()
    data.update(extra or {})
    return atomic.commit_set(out_dir, data, replace_dirs=[(ICS_DIR, ".ics")] if plan.has_roster else [])
