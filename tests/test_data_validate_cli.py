"""`planner validate`: every validation error is one line naming file, row and column, exit code 2."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from planner.cli import app
from tests._data_helpers import generalised_schema, new_schema, write_folder

runner = CliRunner()
REPO = Path(__file__).resolve().parents[1]

ABS = "officer_id,start,end,reason\n"
DEM = "wijk_code,day,start,end,officers,theme,priority\n"
TD = "kind,name,day,start,end,officers,wijk_code,team\n"
OFF = "officer_id,name,wijk_code,contract_hours,night_exempt,team\n"

# (case id, files to write, expected fragments of the one-line message)
CASES = [
    (
        "officer_missing_column",
        {"officers.csv": "officer_id,name,wijk_code\nA1,Anna,WK999901\n"},
        ["officers.csv, row 1, column 'contract_hours': is missing"],
    ),
    (
        "officer_unknown_column",
        {"officers.csv": OFF.strip() + ",rang\nA1,Anna,WK999901,36,nee,T,x\n"},
        ["officers.csv, row 1, column 'rang': is not a known column"],
    ),
    (
        "officer_twice",
        {"officers.csv": OFF + "A1,Anna,WK999901,36,nee,T\nA1,Bert,WK999902,36,nee,T\n"},
        ["officers.csv, row 3, column 'officer_id'", "appears twice (first in row 2)"],
    ),
    (
        "officer_wijk_not_on_map",
        {"officers.csv": OFF + "A1,Anna,WK999901,36,nee,T\nA2,Bert,WK123456,36,nee,T\n"},
        ["officers.csv, row 3, column 'wijk_code'", "'WK123456' is not on the map"],
    ),
    (
        "officer_hours_not_a_number",
        {"officers.csv": OFF + "A1,Anna,WK999901,veel,nee,T\n"},
        ["officers.csv, row 2, column 'contract_hours': 'veel' is not a number"],
    ),
    (
        "officer_zero_hours",
        {"officers.csv": OFF + "A1,Anna,WK999901,0,nee,T\n"},
        ["officers.csv, row 2, column 'contract_hours': 0 contract hours"],
    ),
    (
        "officer_hours_above_60",
        {"officers.csv": OFF + "A1,Anna,WK999901,61,nee,T\n"},
        ["officers.csv, row 2, column 'contract_hours': 61 is above the maximum 60"],
    ),
    (
        "officer_night_exempt_not_yes_no",
        {"officers.csv": OFF + "A1,Anna,WK999901,36,misschien,T\n"},
        ["officers.csv, row 2, column 'night_exempt': 'misschien' is not yes/no"],
    ),
    (
        "officer_too_many_fields",
        {"officers.csv": OFF + "A1,Anna,WK999901,36,nee,T,extra\n"},
        ["officers.csv, row 2: has 7 fields but the header has 6"],
    ),
    (
        "absence_unknown_officer",
        {"absences.csv": ABS + "A9,2027-01-18,2027-01-19,ziek\n"},
        ["absences.csv, row 2, column 'officer_id': officer 'A9' is not in officers.csv"],
    ),
    (
        "absence_dutch_date",
        {"absences.csv": ABS + "A1,18-01-2027,2027-01-19,ziek\n"},
        ["absences.csv, row 2, column 'start': '18-01-2027' is not ISO 8601"],
    ),
    (
        "absence_ends_before_start",
        {"absences.csv": ABS + "A1,2027-01-19T10:00,2027-01-19T09:00,ziek\n"},
        ["absences.csv, row 2, column 'end': ends (2027-01-19T09:00) at or before it starts"],
    ),
    (
        "absence_unknown_reason",
        {"absences.csv": ABS + "A1,2027-01-18,2027-01-19,golfen\n"},
        ["absences.csv, row 2, column 'reason': 'golfen' is not a known reason"],
    ),
    (
        "absence_overlap",
        {"absences.csv": ABS + "A1,2027-01-18,2027-01-20,ziek\nA1,2027-01-19,2027-01-19,verlof\n"},
        ["absences.csv, row 3, column 'start': absence of 'A1' overlaps the one in row 2"],
    ),
    (
        "demand_unknown_wijk",
        {"demand.csv": DEM + "WK999901,ma,09:00,12:00,1,,\nWK000000,ma,09:00,12:00,1,,\n"},
        ["demand.csv, row 3, column 'wijk_code': wijk 'WK000000' is not in the wijken file"],
    ),
    (
        "demand_bad_day",
        {"demand.csv": DEM + "WK999901,blauwe maandag,09:00,12:00,1,,\n"},
        ["demand.csv, row 2, column 'day': 'blauwe maandag' is not a weekday"],
    ),
    (
        "demand_bad_time",
        {"demand.csv": DEM + "WK999901,ma,24:00,12:00,1,,\n"},
        ["demand.csv, row 2, column 'start': '24:00' is not a time"],
    ),
    (
        "demand_empty_window",
        {"demand.csv": DEM + "WK999901,ma,09:00,09:00,1,,\n"},
        ["demand.csv, row 2, column 'end': start equals end"],
    ),
    (
        "demand_bad_priority",
        {"demand.csv": DEM + "WK999901,ma,09:00,12:00,1,,urgent\n"},
        ["demand.csv, row 2, column 'priority': 'urgent' is not a priority; expected hoog, midden, laag"],
    ),
    (
        "team_demand_bad_kind",
        {"team_demand.csv": TD + "brandweer,x,ma,09:00,12:00,1,,\n"},
        ["team_demand.csv, row 2, column 'kind': 'brandweer' is not a kind"],
    ),
    (
        "team_demand_unknown_team",
        {"team_demand.csv": TD + "noodhulp,x,ma,09:00,12:00,1,,Team Elders\n"},
        ["team_demand.csv, row 2, column 'team': team 'Team Elders' has no officers"],
    ),
    (
        "wish_unknown_officer",
        {"wishes.csv": "officer_id,date\nA7,2027-01-20\n"},
        ["wishes.csv, row 2, column 'officer_id': officer 'A7' is not in officers.csv"],
    ),
    (
        "wish_bad_date",
        {"wishes.csv": "officer_id,date\nA1,2027-02-30\n"},
        ["wishes.csv, row 2, column 'date': '2027-02-30' is not an ISO date"],
    ),
    (
        "population_unknown_wijk",
        {"population.csv": "wijk_code,inwoners\nWK888801,100\n"},
        ["population.csv, row 2, column 'wijk_code': wijk 'WK888801' is not in the wijken file"],
    ),
    (
        "population_twice",
        {"population.csv": "wijk_code,inwoners\nWK999901,100\nWK999901,200\n"},
        ["population.csv, row 3, column 'wijk_code': wijk 'WK999901' appears twice"],
    ),
    (
        "population_negative",
        {"population.csv": "wijk_code,inwoners\nWK999901,-5\n"},
        ["population.csv, row 2, column 'inwoners': -5 inhabitants is negative"],
    ),
    (
        "config_unknown_key",
        {"planner.toml": "[norm]\nshare = 0.8\nshar = 0.9\n"},
        ["planner.toml, column 'norm.shar': unknown key"],
    ),
    (
        "config_bad_reading",
        {"planner.toml": "[norm]\nreading = 'voor'\n"},
        ["planner.toml, column 'norm.reading': 'voor': expected 'in' or 'in_of_voor'"],
    ),
]


def _message(result) -> str:  # type: ignore[no-untyped-def]
    text = result.stderr
    assert result.exit_code == 2, (result.exit_code, result.output)
    assert "Traceback" not in result.output
    lines = [ln for ln in text.splitlines() if ln.strip()]
    assert len(lines) == 1, text
    assert lines[0].startswith("error: ")
    return lines[0]


@pytest.mark.parametrize(("files", "fragments"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_validation_error_violated(tmp_path, files, fragments):
    """Each broken input gives exactly one line that names the file, the row and the column."""
    root = write_folder(tmp_path / "d")
    for name, text in files.items():
        (root / name).write_text(text, encoding="utf-8")
    before = sorted(p.name for p in root.iterdir())
    line = _message(runner.invoke(app, ["validate", str(root)]))
    for fragment in fragments:
        assert fragment in line
    assert sorted(p.name for p in root.iterdir()) == before  # nothing written


def test_wijk_code_not_cbs_violated(tmp_path):
    """A wijk code that is not WK + 6 digits is refused with its feature number and column."""
    gdf = new_schema()
    gdf.loc[1, "wijkcode"] = "W-2"
    line = _message(runner.invoke(app, ["validate", str(write_folder(tmp_path / "d", gdf))]))
    assert "wijken.gpkg, feature 2, column 'wijkcode': 'W-2' is not a CBS wijk code" in line


def test_no_wijken_file_violated(tmp_path):
    """A folder without a wijken file names the file names it looked for."""
    root = write_folder(tmp_path / "d")
    (root / "wijken.gpkg").unlink()
    assert "has no wijken file; expected one of wijken.gpkg" in _message(
        runner.invoke(app, ["validate", str(root)])
    )


def test_missing_officers_violated(tmp_path):
    root = write_folder(tmp_path / "d", generalised_schema(), name="wijken.geojson")
    (root / "officers.csv").unlink()
    assert "officers.csv: is missing" in _message(runner.invoke(app, ["validate", str(root)]))


def test_validate_holds(tmp_path):
    """A valid folder: exit 0 and a summary."""
    result = runner.invoke(app, ["validate", str(write_folder(tmp_path / "d"))])
    assert result.exit_code == 0, result.output
    assert "valid" in result.output


def test_validate_demo_holds():
    """The committed demo folder validates."""
    result = runner.invoke(app, ["validate", str(REPO / "data" / "demo")])
    assert result.exit_code == 0, result.output


def _commands(group) -> list:  # type: ignore[no-untyped-def]
    import typer.main

    click_group = typer.main.get_command(group)
    return sorted(click_group.commands.items())  # type: ignore[attr-defined]


def test_help_of_every_command_holds():
    """Every command, argument and option has help text, and --help prints it."""
    for name, cmd in _commands(app):
        assert cmd.help and cmd.help.strip(), f"command {name} has no help"
        for param in cmd.params:
            assert getattr(param, "help", None), f"{name}: parameter {param.name} has no help"
        result = runner.invoke(app, [name, "--help"])
        assert result.exit_code == 0, (name, result.output)
        assert "Usage" in result.output
