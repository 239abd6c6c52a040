"""Fixtures for the map tests: a tiny data folder with hostile names and a hand-made roster in roster format."""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
from shapely.geometry import MultiPolygon, box

from planner.geo import CRS_RD_NEW

HOSTILE_WIJK = "<img src=x onerror=alert(1)>"
HOSTILE_GEMEENTE = "<script>window.__pwned=1</script>"
X0, Y0 = 140_000.0, 470_000.0
WEEK = "2027-W03"  # Monday 2027-01-18

# Four wijken: two 1 km squares in GM9999, one square and one two-part wijk in GM9998 (population unknown
# for WK999801). WK999802 has no officer.
WIJKEN = gpd.GeoDataFrame(
    {
        "wijk_code": ["WK999901", "WK999902", "WK999801", "WK999802"],
        "wijk_naam": ["Centrum", HOSTILE_WIJK, "Noord", "Eilanden"],
        "gemeente_code": ["GM9999", "GM9999", "GM9998", "GM9998"],
        "gemeente_naam": ["Testdorp", "Testdorp", HOSTILE_GEMEENTE, HOSTILE_GEMEENTE],
        "inwoners": [10000, 5000, None, 2000],
    },
    geometry=[
        box(X0, Y0, X0 + 1000, Y0 + 1000),
        box(X0 + 1000, Y0, X0 + 2000, Y0 + 1000),
        box(X0, Y0 + 1000, X0 + 2000, Y0 + 2000),
        MultiPolygon(
            [box(X0 + 2000, Y0, X0 + 3000, Y0 + 1000), box(X0 + 2000, Y0 + 1500, X0 + 3000, Y0 + 2000)]
        ),
    ],
    crs=CRS_RD_NEW,
)

OFFICERS = """officer_id;name;wijk_code;contract_hours;team
A;Anna <b>Bold</b>;WK999901;40;Team West
B;Bram;WK999901;40;Team West
C;Cor;WK999902|WK999801;36;Team Oost
"""

ABSENCES = """officer_id;start;end;reason
B;2027-01-20;2027-01-20;verlof
"""

DEMAND = """wijk_code;day;start;end;officers;theme;priority
WK999901;ma;10:00;18:00;2;algemeen;midden
WK999801;di;22:00;02:00;1;jeugdoverlast;hoog
WK999902;2027-01-19;09:00;12:00;1;algemeen;laag
WK999902;2027-01-26;09:00;12:00;5;algemeen;laag
"""

ROSTER = """officer_id,date,start,end,activity,wijk_code,shift,task
A,2027-01-18,2027-01-18T08:00+01:00,2027-01-18T16:00+01:00,wijk,WK999901,V,
A,2027-01-19,2027-01-19T08:00+01:00,2027-01-19T12:00+01:00,wijk,WK999901,V,
A,2027-01-19,2027-01-19T12:00+01:00,2027-01-19T16:00+01:00,noodhulp,,V,
B,2027-01-18,2027-01-18T14:00+01:00,2027-01-18T22:00+01:00,wijk,WK999901,L,
C,2027-01-18,2027-01-18T09:00+01:00,2027-01-18T17:00+01:00,wijk,WK999902,D,
C,2027-01-19,2027-01-19T20:00+01:00,2027-01-20T04:00+01:00,wijk,WK999801,N,
"""


def make_data(root: Path) -> Path:
    """Write the data folder (wijken.geojson, officers, absences, demand) into ``root``; return it."""
    root.mkdir(parents=True, exist_ok=True)
    WIJKEN.to_file(root / "wijken.geojson", driver="GeoJSON")
    (root / "officers.csv").write_text(OFFICERS, encoding="utf-8")
    (root / "absences.csv").write_text(ABSENCES, encoding="utf-8")
    (root / "demand.csv").write_text(DEMAND, encoding="utf-8")
    return root


def make_roster(path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(ROSTER, encoding="utf-8")
    return path
