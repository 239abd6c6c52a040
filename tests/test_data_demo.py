"""The synthetic region generator and the committed demo folder."""

from __future__ import annotations

import dataclasses
import tomllib
from pathlib import Path

import pytest
import shapely
from typer.testing import CliRunner

from planner.cli import app
from planner.config import (
    Config,
    HoursSettings,
    Norm,
    Period,
    Rules,
    SolverSettings,
    TeamDemandSettings,
    Travel,
    Weights,
    load_config,
)
from planner.dataset import load_dataset
from planner.demo import MARKER, RD_BOUNDS, generate_region
from planner.errors import InputError, OutputError
from planner.summary import window_hours

REPO = Path(__file__).resolve().parents[1]
DEMO = REPO / "data" / "demo"
runner = CliRunner()


def _bytes(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


def test_generator_deterministic_holds(tmp_path):
    """Same officers, seed and week: byte-identical files (the GeoPackage included); another seed differs."""
    generate_region(tmp_path / "a", officers=40, seed=7)
    generate_region(tmp_path / "b", officers=40, seed=7)
    generate_region(tmp_path / "c", officers=40, seed=8)
    assert _bytes(tmp_path / "a") == _bytes(tmp_path / "b")
    assert _bytes(tmp_path / "a")["officers.csv"] != _bytes(tmp_path / "c")["officers.csv"]


def test_committed_demo_is_generator_output_holds(tmp_path):
    """data/demo is exactly `planner demo-data data/demo` (22 officers, seed 1, 2027-W03)."""
    generate_region(tmp_path / "demo", officers=22, seed=1, week="2027-W03")
    assert _bytes(tmp_path / "demo") == _bytes(DEMO), "regenerate with: planner demo-data data/demo"


def test_demo_region_shape_holds():
    """3 gemeenten, 12-16 wijken, about 110,000 inhabitants (one officer per 5,000), one team."""
    ds = load_dataset(DEMO)
    assert ds.wijken["gemeente_code"].nunique() == 3
    assert 12 <= len(ds.wijken) <= 16
    inhabitants = ds.wijken["inwoners"].sum()
    assert 95_000 <= inhabitants <= 115_000
    assert inhabitants <= 5000 * len(ds.officers)  # Politiewet art. 38a holds
    assert len(ds.teams) == 1 and ds.teams[0] == ds.config.team_name
    assert set(ds.officers["contract_hours"]) <= {36.0, 32.0, 28.8, 24.0}
    assert ds.officers["night_exempt"].any()
    assert (ds.wijken["gemeente_code"].str.match(r"^GM99\d\d$")).all()


def test_demo_uses_dutch_excel_holds():
    """Some demo CSVs are Dutch Excel style (';', decimal comma, BOM) and the rest plain CSV."""
    officers = (DEMO / "officers.csv").read_bytes()
    assert officers.startswith(b"\xef\xbb\xbf") and b";" in officers.splitlines()[0] and b"28,8" in officers
    assert b";" in (DEMO / "population.csv").read_bytes().splitlines()[0]
    assert b"," in (DEMO / "demand.csv").read_bytes().splitlines()[0]


def test_demo_toml_states_every_setting_holds():
    """planner.toml names every key of every settings table, and its values are the defaults."""
    raw = tomllib.loads((DEMO / "planner.toml").read_text(encoding="utf-8"))
    tables = (("rules", Rules), ("norm", Norm), ("hours", HoursSettings), ("team_demand", TeamDemandSettings),
              ("travel", Travel), ("weights", Weights), ("solver", SolverSettings), ("period", Period))
    for table, cls in tables:
        missing = {f.name for f in dataclasses.fields(cls)} - set(raw[table])
        assert not missing, f"[{table}] does not state {missing}"
    assert set(raw["team"]) == {"name", "timezone"}
    assert [s["code"] for s in raw["shifts"]] == ["D", "A", "N"]
    cfg = load_config(DEMO / "planner.toml")
    defaults = Config()
    for name in ("timezone", "shifts", "activities", "absences", "rules", "norm", "hours", "team_demand", "travel",
                 "weights", "solver", "period"):
        assert getattr(cfg, name) == getattr(defaults, name), name


def test_generated_geometry_holds(tmp_path):
    """Valid polygons in RD New inside the Dutch bounds, no overlaps and no gaps (the union has no holes)."""
    generate_region(tmp_path / "r", officers=120, seed=3)
    ds = load_dataset(tmp_path / "r")
    geoms = ds.wijken.geometry.values
    assert shapely.is_valid(geoms).all()
    minx, miny, maxx, maxy = ds.wijken.total_bounds
    assert RD_BOUNDS[0] <= minx and maxx <= RD_BOUNDS[2] and RD_BOUNDS[1] <= miny and maxy <= RD_BOUNDS[3]
    union = shapely.union_all(geoms)
    assert union.geom_type == "Polygon" and len(union.interiors) == 0
    assert abs(union.area - shapely.area(geoms).sum()) < 1.0  # m²: no overlaps
    # Codes: WK + gemeente number + 2 digits, gemeente codes GM9900+ (small) or GM5000+ (large).
    assert (ds.wijken["wijk_code"].str[2:6] == ds.wijken["gemeente_code"].str[2:6]).all()
    # Each officer's wijken lie in one gemeente; a team spans about 2 gemeenten.
    for wijken in ds.officers["wijken"]:
        assert len({w[2:6] for w in wijken}) == 1


def test_generated_demand_is_coverable_holds(tmp_path):
    """Per team: wijk demand 20-55 % of own-wijk hours (80 % of contract), noodhulp + events 8-16 %."""
    generate_region(tmp_path / "r", officers=200, seed=5)
    ds = load_dataset(tmp_path / "r")
    team_of_wijk = ds.wijk_team()
    for team in ds.teams:
        contract = ds.officers.loc[ds.officers["team"] == team, "contract_hours"].sum()
        d = ds.demand[ds.demand["wijk_code"].map(team_of_wijk) == team]
        wijk_h = sum(
            window_hours(s, e) * n for s, e, n in zip(d["start"], d["end"], d["officers"], strict=True)
        )
        every = ds.team_demand[ds.team_demand["team"] == team]
        assert (every["holiday"] == "koningsdag").sum() == 1  # the Koningsdag festivities, once a year
        t = every[every["holiday"] == ""]  # an ordinary week
        team_h = sum(
            window_hours(s, e) * n for s, e, n in zip(t["start"], t["end"], t["officers"], strict=True)
        )
        assert 0.20 <= wijk_h / (0.8 * contract) <= 0.55, team
        assert 0.08 <= team_h / contract <= 0.16, team
        assert (t["kind"] == "event").sum() == 1


def test_national_region_validates_holds(tmp_path):
    """3,500 officers: about 170 teams, 3,300 wijken, 340 gemeenten (GM5000+), and it validates."""
    s = generate_region(tmp_path / "nl", officers=3500, seed=1)
    assert 160 <= s.teams <= 180 and 3100 <= s.wijken <= 3500 and 300 <= s.gemeenten <= 380
    ds = load_dataset(tmp_path / "nl")
    assert len(ds.officers) == 3500 and len(ds.teams) == s.teams
    assert ds.wijken["gemeente_code"].str[2:6].astype(int).min() >= 5000
    assert ds.wijken.groupby("gemeente_code").size().max() <= 99
    sizes = ds.officers.groupby("team").size()
    assert 8 <= sizes.min() and sizes.max() <= 45


def test_refuses_foreign_folder_violated(tmp_path):
    """A non-empty folder the generator did not write is never touched."""
    target = tmp_path / "mine"
    target.mkdir()
    (target / "notes.txt").write_text("mijn aantekeningen")
    with pytest.raises(OutputError, match="not written by 'planner demo-data'"):
        generate_region(target)
    assert [p.name for p in target.iterdir()] == ["notes.txt"]


def test_refuses_generator_folder_with_user_file_violated(tmp_path):
    """A generator folder to which the user added a file is refused too (the file would be lost)."""
    generate_region(tmp_path / "r")
    (tmp_path / "r" / "roster.csv").write_text("x")
    with pytest.raises(OutputError, match="roster.csv"):
        generate_region(tmp_path / "r", seed=2)
    assert (tmp_path / "r" / "roster.csv").exists()


def test_replaces_previous_output_holds(tmp_path):
    """An earlier generator output is replaced; no temporary folders are left behind."""
    generate_region(tmp_path / "r", seed=1)
    generate_region(tmp_path / "r", seed=2)
    assert '"seed": 2' in (tmp_path / "r" / MARKER).read_text()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["r"]


@pytest.mark.parametrize(
    ("kwargs", "match"), [({"officers": 0}, "--officers"), ({"week": "2027-W60"}, "--week")]
)
def test_bad_arguments_violated(tmp_path, kwargs, match):
    with pytest.raises(InputError, match=match):
        generate_region(tmp_path / "r", **kwargs)
    assert not (tmp_path / "r").exists()


def test_demo_data_cli_holds(tmp_path):
    result = runner.invoke(app, ["demo-data", str(tmp_path / "r"), "--officers", "30", "--seed", "4"])
    assert result.exit_code == 0, result.output
    assert "30 officers" in result.output
    assert runner.invoke(app, ["validate", str(tmp_path / "r")]).exit_code == 0


def test_demo_data_cli_violated(tmp_path):
    """Refusal and bad input: one line, no traceback, nothing written."""
    (tmp_path / "mine").mkdir()
    (tmp_path / "mine" / "a.csv").write_text("x")
    result = runner.invoke(app, ["demo-data", str(tmp_path / "mine")])
    assert result.exit_code == 4 and "Traceback" not in result.output
    assert result.stderr.startswith("error: ") and len(result.stderr.strip().splitlines()) == 1
    result = runner.invoke(app, ["demo-data", str(tmp_path / "new"), "--week", "2027-W99"])
    assert result.exit_code == 2 and "--week" in result.stderr
    assert not (tmp_path / "new").exists()
