"""Fixtures for the report and store tests: 2 officers, 2 wijken, 2 gemeenten, rosters worked by hand.

Week 2027-W03 runs Monday 18 to Sunday 24 January 2027 (CET, +01:00); 2027-W04 starts Monday 25 January.

- wa7001 "Pieter Jansen": wijk WK000101 Centrum (gemeente GM0001 Alfadorp, 10,000 inhabitants), 36 h.
- wa7002 "Maria de Vries": wijk WK000201 Haven (gemeente GM0002 Betastad, 5,000 inhabitants), 40 h, on leave
  Wednesday 20 January (a whole day counts contract / 5 = 8 h, so 32 h available in W03).
"""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
from shapely.geometry import box

from planner.geo import CRS_RD_NEW

NAMES = ["Pieter Jansen", "Maria de Vries"]
IDS = ["wa7001", "wa7002"]
X0, Y0 = 150_000.0, 460_000.0


def wijken(name_1: str = "Centrum", gemeente_1: str = "Alfadorp") -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(
        {
            "wijk_code": ["WK000101", "WK000201"],
            "wijk_naam": [name_1, "Haven"],
            "gemeente_code": ["GM0001", "GM0002"],
            "gemeente_naam": [gemeente_1, "Betastad"],
        },
        geometry=[box(X0, Y0, X0 + 1000, Y0 + 1000), box(X0 + 1000, Y0, X0 + 2000, Y0 + 1000)],
        crs=CRS_RD_NEW,
    )


OFFICERS = """officer_id;name;wijk_code;contract_hours;team
wa7001;Pieter Jansen;WK000101;36;Gooi
wa7002;Maria de Vries;WK000201;40;Gooi
"""

POPULATION = """wijk_code;inwoners
WK000101;10000
WK000201;5000
"""

ABSENCES = """officer_id;start;end;reason
wa7002;2027-01-20;2027-01-20;verlof
"""

# Monday in Centrum: jeugdoverlast 10-14 (hoog) and woonoverlast 12-18 (laag): 12-14 overlaps, hoog wins.
DEMAND = """wijk_code;day;start;end;officers;theme;priority
WK000101;ma;10:00;14:00;1;jeugdoverlast;hoog
WK000101;ma;12:00;18:00;1;woonoverlast;laag
"""


def _b(oid: str, day: str, start: str, end: str, activity: str, wijk: str = "", task: str = "") -> str:
    return f"{oid},2027-01-{day},2027-01-{day}T{start}+01:00,2027-01-{day}T{end}+01:00,{activity},{wijk},,{task}\n"


HEADER = "officer_id,date,start,end,activity,wijk_code,shift,task\n"

# Planned W03. wa7001: Mon-Thu wijk 08-16 (32 h own), Fri noodhulp 08-12 (4 h): 36 worked, share 32/36.
# wa7002: Mon, Tue, Thu wijk 09-17 (24 h own), Fri training 09-17 (8 h): 32 worked, share 24/32 = 75 %.
PLANNED_W03 = HEADER + "".join([
    _b("wa7001", "18", "08:00", "16:00", "wijk", "WK000101"),
    _b("wa7001", "19", "08:00", "16:00", "wijk", "WK000101"),
    _b("wa7001", "20", "08:00", "16:00", "wijk", "WK000101"),
    _b("wa7001", "21", "08:00", "16:00", "wijk", "WK000101"),
    _b("wa7001", "22", "08:00", "12:00", "noodhulp", "", "noodhulp"),
    _b("wa7002", "18", "09:00", "17:00", "wijk", "WK000201"),
    _b("wa7002", "19", "09:00", "17:00", "wijk", "WK000201"),
    _b("wa7002", "21", "09:00", "17:00", "wijk", "WK000201"),
    _b("wa7002", "22", "09:00", "17:00", "training", ""),
])

# Realized W03: wa7001's Thursday became noodhulp (8 h) and Friday an event whose free-text task names him:
# own 24 h of 36 (66.6 %), noodhulp 8 h, event 4 h. wa7002 worked as planned.
REALIZED_W03 = HEADER + "".join([
    _b("wa7001", "18", "08:00", "16:00", "wijk", "WK000101"),
    _b("wa7001", "19", "08:00", "16:00", "wijk", "WK000101"),
    _b("wa7001", "20", "08:00", "16:00", "wijk", "WK000101"),
    _b("wa7001", "21", "08:00", "16:00", "noodhulp", "", "noodhulp"),
    _b("wa7001", "22", "08:00", "12:00", "event", "", "Kermis (coordinatie Pieter Jansen wa7001)"),
    _b("wa7002", "18", "09:00", "17:00", "wijk", "WK000201"),
    _b("wa7002", "19", "09:00", "17:00", "wijk", "WK000201"),
    _b("wa7002", "21", "09:00", "17:00", "wijk", "WK000201"),
    _b("wa7002", "22", "09:00", "17:00", "training", ""),
])

# Planned W04: wa7001 Mon-Thu wijk 08-17 (36 h = 100 %); wa7002 Mon-Fri wijk 09-17 (40 h = 100 %).
PLANNED_W04 = HEADER + "".join(
    [_b("wa7001", d, "08:00", "17:00", "wijk", "WK000101") for d in ("25", "26", "27", "28")]
    + [_b("wa7002", d, "09:00", "17:00", "wijk", "WK000201") for d in ("25", "26", "27", "28", "29")]
)


def make_data(root: Path, min_group_size: int | None = 1, **names: str) -> Path:
    """Write the data folder into ``root`` and return it.

    Each gemeente has one officer, so the municipal report would combine or withhold every figure under the
    default minimum group size: these tests of the figures set it to 1 unless told otherwise (``None``: no
    planner.toml, the default of 3).
    """
    root.mkdir(parents=True, exist_ok=True)
    if min_group_size is not None:
        (root / "planner.toml").write_text(f"[privacy]\nmin_group_size = {min_group_size}\n", encoding="utf-8")
    wijken(**names).to_file(root / "wijken.geojson", driver="GeoJSON")
    (root / "officers.csv").write_text(OFFICERS, encoding="utf-8")
    (root / "population.csv").write_text(POPULATION, encoding="utf-8")
    (root / "absences.csv").write_text(ABSENCES, encoding="utf-8")
    (root / "demand.csv").write_text(DEMAND, encoding="utf-8")
    return root


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def make_out_dir(path: Path, roster_text: str, week: str, inputs: dict[str, str] | None = None) -> Path:
    """An output folder as planner roster writes it: roster.csv and summary.json."""
    import json

    write(path / "roster.csv", roster_text)
    (path / "summary.json").write_text(json.dumps({"week": week, "inputs": inputs or {}}), encoding="utf-8")
    return path
