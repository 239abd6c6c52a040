"""Tiny instances for rule tests: a data folder with two square wijken, officers and absences; roster blocks.

Reusable by any test file::

    ds = make_dataset(tmp_path, officers=[officer("W-01")],
                      absences=[("W-01", "2027-01-19", "2027-01-19", "verlof")])
    roster = roster_of(blocks("W-01", "2027-01-18", "07:00", "15:00"), ...)
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pandas as pd

from planner.dataset import Dataset, load_dataset
from planner.roster_io import ROSTER_COLUMNS, ROSTER_OPTIONAL, roster_to_csv_text
from planner.timeutil import interval, parse_hhmm

TZ = ZoneInfo("Europe/Amsterdam")
#: The two wijken of the tiny map: 1 km squares side by side near Amersfoort in RD New.
WIJK_A = "WK099901"
WIJK_B = "WK099902"


def officer(
    officer_id: str,
    wijk: str = WIJK_A,
    contract_hours: float = 36,
    night_exempt: bool = False,
    name: str | None = None,
) -> dict[str, Any]:
    """One row of officers.csv (``wijk`` may hold several codes separated by ``|``)."""
    return {
        "officer_id": officer_id,
        "name": name or f"Agent {officer_id}",
        "wijk_code": wijk,
        "contract_hours": contract_hours,
        "night_exempt": "ja" if night_exempt else "nee",
    }


def _square(x0: float, y0: float, size: float = 1000.0) -> list[list[list[float]]]:
    return [[[x0, y0], [x0 + size, y0], [x0 + size, y0 + size], [x0, y0 + size], [x0, y0]]]


def write_wijken(path: Path) -> None:
    """A GeoJSON of two square wijken in EPSG:28992 around x=150000, y=450000."""
    features = [
        {
            "type": "Feature",
            "properties": {
                "wijk_code": code,
                "wijk_naam": name,
                "gemeente_code": "GM0999",
                "gemeente_naam": "Proefstad",
                "water": "NEE",
                "inwoners": 5000,
            },
            "geometry": {"type": "Polygon", "coordinates": _square(x0, 450000.0)},
        }
        for code, name, x0 in ((WIJK_A, "Oost", 150000.0), (WIJK_B, "West", 151000.0))
    ]
    doc = {
        "type": "FeatureCollection",
        "crs": {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::28992"}},
        "features": features,
    }
    path.write_text(json.dumps(doc), encoding="utf-8")


def make_dataset(
    tmp_path: Path,
    officers: list[dict[str, Any]] | None = None,
    absences: list[tuple[str, str, str, str]] | None = None,
    toml: str = "",
    files: dict[str, str] | None = None,
) -> Dataset:
    """Write a data folder under ``tmp_path/data`` and load it.

    Parameters
    ----------
    officers
        Rows from :func:`officer`; default one officer ``W-01`` in ``WIJK_A`` with 36 contract hours.
    absences
        ``(officer_id, start, end, reason)``, ISO dates or date-times as in absences.csv.
    toml
        Text of planner.toml (empty: the defaults).
    files
        Other files of the folder by name (e.g. ``team_demand.csv``), as text.
    """
    root = tmp_path / "data"
    root.mkdir(parents=True, exist_ok=True)
    write_wijken(root / "wijken.geojson")
    rows = officers if officers is not None else [officer("W-01")]
    teams = any("team" in o for o in rows)
    lines = ["officer_id,name,wijk_code,contract_hours,night_exempt" + (",team" if teams else "")]
    lines += [
        f"{o['officer_id']},{o['name']},{o['wijk_code']},{o['contract_hours']},{o['night_exempt']}"
        + (f",{o.get('team', '')}" if teams else "")
        for o in rows
    ]
    (root / "officers.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    if absences:
        ab = ["officer_id,start,end,reason"] + [",".join(a) for a in absences]
        (root / "absences.csv").write_text("\n".join(ab) + "\n", encoding="utf-8")
    if toml:
        (root / "planner.toml").write_text(toml, encoding="utf-8")
    for name, text in (files or {}).items():
        (root / name).write_text(text, encoding="utf-8")
    return load_dataset(root)


def blocks(
    officer_id: str,
    date: str | dt.date,
    start: str,
    end: str,
    activity: str = "wijk",
    wijk: str | None = None,
    shift: str = "",
    task: str = "",
) -> list[dict[str, Any]]:
    """One roster block of ``officer_id`` from local ``date`` (an end at or before the start: next day).

    Returns a one-element list so that rosters read as ``roster_of(blocks(...) + blocks(...))`` or
    ``roster_of(blocks(...), blocks(...))``. ``wijk`` defaults to ``WIJK_A`` for ``wijk`` blocks and to empty
    for other activities.
    """
    day = dt.date.fromisoformat(date) if isinstance(date, str) else date
    s, e = interval(day, parse_hhmm(start), parse_hhmm(end), TZ)
    code = wijk if wijk is not None else (WIJK_A if activity == "wijk" else "")
    return [
        {
            "officer_id": officer_id,
            "date": day,
            "start": s,
            "end": e,
            "activity": activity,
            "wijk_code": code,
            "shift": shift,
            "task": task,
        }
    ]


def roster_of(*parts: list[dict[str, Any]]) -> pd.DataFrame:
    """A roster DataFrame (as read_roster returns it) from lists of blocks."""
    rows = [r for p in parts for r in p]
    if not rows:
        return pd.DataFrame(columns=ROSTER_COLUMNS + ROSTER_OPTIONAL)
    return pd.DataFrame(rows).sort_values(["officer_id", "start"], kind="stable").reset_index(drop=True)


def week_of(
    officer_id: str,
    monday: str | dt.date,
    days: int = 5,
    start: str = "07:00",
    end: str = "15:00",
    activity: str = "wijk",
    wijk: str | None = None,
) -> list[dict[str, Any]]:
    """``days`` shifts Monday onwards from ``start`` to ``end`` (default five Vroeg shifts: 40 h)."""
    mon = dt.date.fromisoformat(monday) if isinstance(monday, str) else monday
    out: list[dict[str, Any]] = []
    for i in range(days):
        out += blocks(officer_id, mon + dt.timedelta(days=i), start, end, activity, wijk)
    return out


def write_roster(path: Path, roster: pd.DataFrame) -> Path:
    """roster.csv as the planner writes it."""
    path.write_text(roster_to_csv_text(roster), encoding="utf-8")
    return path
