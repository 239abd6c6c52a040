"""Fixtures for the robustness tests: a tiny valid data folder with every optional file, CLI assertions."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

import typer
from click.testing import CliRunner

from planner.cli import app

REPO = Path(__file__).resolve().parents[1]
DEMO = REPO / "data" / "demo"
WEEK = "2027-W03"

WIJK_A = "WK099901"
WIJK_B = "WK099902"


def square(x0: float, y0: float, size: float = 1000.0) -> list[list[list[float]]]:
    return [[[x0, y0], [x0 + size, y0], [x0 + size, y0 + size], [x0, y0 + size], [x0, y0]]]


def feature(code: str, geometry: dict[str, Any] | None, name: str = "Oost") -> dict[str, Any]:
    return {
        "type": "Feature",
        "properties": {"wijk_code": code, "wijk_naam": name, "gemeente_code": "GM0999",
                       "gemeente_naam": "Proefstad", "water": "NEE", "inwoners": 5000},
        "geometry": geometry,
    }


def polygon(x0: float, y0: float = 450_000.0) -> dict[str, Any]:
    return {"type": "Polygon", "coordinates": square(x0, y0)}


def wijken_geojson(features: list[dict[str, Any]] | None = None, crs: str | None = "EPSG::28992") -> str:
    """A GeoJSON of (by default) two 1 km square wijken near Amersfoort in RD New."""
    feats = features if features is not None else [
        feature(WIJK_A, polygon(150_000.0), "Oost"),
        feature(WIJK_B, polygon(151_000.0), "West"),
    ]
    doc: dict[str, Any] = {"type": "FeatureCollection", "features": feats}
    if crs:
        doc["crs"] = {"type": "name", "properties": {"name": f"urn:ogc:def:crs:{crs}"}}
    return json.dumps(doc)


OFFICERS = (
    "officer_id,name,wijk_code,contract_hours,night_exempt,team\n"
    f"W-01,Anna Jansen,{WIJK_A},36,nee,Team Proef\n"
    f"W-02,Bert de Vries,{WIJK_B},32,ja,Team Proef\n"
)
ABSENCES = "officer_id,start,end,reason\nW-01,2027-01-20,2027-01-20,verlof\n"
DEMAND = f"wijk_code,day,start,end,officers,theme,priority\n{WIJK_A},di,10:00,14:00,1,ondermijning,hoog\n"
TEAM_DEMAND = "kind,name,day,start,end,officers,wijk_code,team\nnoodhulp,Noodhulp,ma,15:00,19:00,1,,Team Proef\n"
WISHES = "officer_id,date\nW-02,2027-01-22\n"
POPULATION = f"wijk_code;inwoners\n{WIJK_A};5000\n{WIJK_B};4000\n"
TOML = '[team]\nname = "Team Proef"\n\n[solver]\ntime_limit_s = 10\nworkers = 1\n'

BASE_FILES: dict[str, str | bytes] = {
    "wijken.geojson": wijken_geojson(),
    "officers.csv": OFFICERS,
    "absences.csv": ABSENCES,
    "demand.csv": DEMAND,
    "team_demand.csv": TEAM_DEMAND,
    "wishes.csv": WISHES,
    "population.csv": POPULATION,
    "planner.toml": TOML,
}

ROSTER_HEADER = "officer_id,date,start,end,activity,wijk_code,shift,task\n"
ROSTER_OK = (
    ROSTER_HEADER
    + f"W-01,2027-01-18,2027-01-18T07:00+01:00,2027-01-18T15:00+01:00,wijk,{WIJK_A},V,\n"
    + f"W-02,2027-01-18,2027-01-18T09:00+01:00,2027-01-18T17:00+01:00,wijk,{WIJK_B},D,\n"
)


def write_data(root: Path, files: dict[str, str | bytes | None] | None = None) -> Path:
    """The tiny valid folder with ``files`` replacing (or, with None, removing) some of its files."""
    root.mkdir(parents=True, exist_ok=True)
    merged: dict[str, str | bytes | None] = {**BASE_FILES, **(files or {})}
    for name, content in merged.items():
        if content is None:
            continue
        path = root / name
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
    return root


def tree_digest(folder: Path) -> dict[str, str]:
    """Every file under ``folder`` with the sha256 of its bytes (empty when the folder does not exist)."""
    if not folder.exists():
        return {}
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def one_error_line(result: Any, exit_code: int = 2) -> str:
    """Assert the CLI gave ``exit_code``, no traceback and exactly one non-empty line; return it."""
    out = result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    assert result.exit_code == exit_code, (result.exit_code, out)
    assert "Traceback" not in out
    lines = [ln for ln in out.splitlines() if ln.strip()]
    assert len(lines) == 1, out
    assert lines[0].startswith("error: "), lines[0]
    return lines[0]


runner = CliRunner()
#: The click command, built once (typer's CliRunner rebuilds it from the app on every invoke).
CLI = typer.main.get_command(app)


def invoke(args: list[str]) -> Any:
    """Run ``planner ARGS`` in-process."""
    return runner.invoke(CLI, [str(a) for a in args])
