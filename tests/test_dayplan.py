"""Day-to-day planning: roster CLI outputs, pins, allow-breaches, replan with minimal change, cover, rolling weeks."""

from __future__ import annotations

import datetime as dt
import json

import pandas as pd
from typer.testing import CliRunner

from planner.checker import check_roster
from planner.cli import app
from planner.dataset import load_dataset
from planner.replan import diff_rosters, replan_week
from planner.roster_io import read_roster
from tests._checker_helpers import TZ, WIJK_A, WIJK_B, make_dataset, officer
from tests._solver_helpers import MONDAY, solve_checked

runner = CliRunner()


def _team(tmp_path):
    ds = make_dataset(tmp_path, [officer("W-01"), officer("W-02", wijk=WIJK_B), officer("W-03", night_exempt=True)])
    (ds.root / "team_demand.csv").write_text("kind,day,start,end,officers,name\nnoodhulp,vr,15:00,23:00,1,nh vr\n")
    (ds.root / "demand.csv").write_text(
        f"wijk_code,day,start,end,officers,theme,priority\n{WIJK_A},di,09:00,13:00,1,jeugdoverlast,hoog\n"
    )
    return load_dataset(ds.root)


def test_roster_cli_writes_every_output_and_passes_check(tmp_path):
    ds = _team(tmp_path)
    out = tmp_path / "out"
    res = runner.invoke(app, ["roster", str(ds.root), "--week", "2027-W03", "--out", str(out), "--workers", "1"])
    assert res.exit_code == 0, res.output
    for name in ("roster.csv", "summary.json", "roster.xlsx", "ics/W-01.ics"):
        assert (out / name).exists(), name
    summary = json.loads((out / "summary.json").read_text())
    assert summary["status"] == "optimal" and summary["gap"] == 0
    assert set(summary["inputs"]) >= {"officers.csv", "wijken.geojson"}
    assert summary["parameters"]["ortools"] and summary["parameters"]["random_seed"] == 0
    res = runner.invoke(app, ["check", str(out / "roster.csv"), str(ds.root)])
    assert res.exit_code == 0, res.output


def test_roster_cli_bad_week_is_one_line_exit_2(tmp_path):
    ds = _team(tmp_path)
    res = runner.invoke(app, ["roster", str(ds.root), "--week", "2027-W53", "--out", str(tmp_path / "o")])
    assert res.exit_code == 2
    assert "week 53 does not exist in 2027" in res.output
    assert not (tmp_path / "o").exists()


def test_roster_cli_is_deterministic_with_one_worker(tmp_path):
    ds = _team(tmp_path)
    a, b = tmp_path / "a", tmp_path / "b"
    for out in (a, b):
        assert (
            runner.invoke(
                app, ["roster", str(ds.root), "-w", "2027-W03", "-o", str(out), "--workers", "1", "--seed", "3"]
            ).exit_code
            == 0
        )
    assert (a / "roster.csv").read_bytes() == (b / "roster.csv").read_bytes()
    assert (a / "roster.xlsx").read_bytes() == (b / "roster.xlsx").read_bytes()


def test_impossible_week_explained_and_published_with_breaches(tmp_path):
    # W-01: three training days (21.6 h) count as available hours and take more than the 20 % (7.2 h) the norm
    # leaves outside the wijk; every extra wijk hour also raises the denominator, so at best (a 60 h week) the
    # norm is 0.8 x 60 - 38.4 = 9.6 h short.
    ds = make_dataset(
        tmp_path,
        [officer("W-01"), officer("W-02", wijk=WIJK_B)],
        absences=[("W-01", "2027-01-18", "2027-01-20", "training")],
    )
    out = tmp_path / "out"
    res = runner.invoke(app, ["roster", str(ds.root), "-w", "2027-W03", "-o", str(out), "--workers", "1"])
    assert res.exit_code == 1
    assert "W-01: 36 h available, 21.6 h training away from the wijk" in res.output
    assert "the duties away from the wijk (21.6 h) count as available hours and take more than the 7.2 h" in res.output
    assert "with every other rule held the norm is at best 9.6 h short" in res.output
    assert not (out / "roster.csv").exists()
    res = runner.invoke(
        app, ["roster", str(ds.root), "-w", "2027-W03", "-o", str(out), "--workers", "1", "--allow-breaches"]
    )
    assert res.exit_code == 1, res.output  # a roster with breaches is written, and the run says so loudly
    assert "1 BREACH (see below)" in res.output and (out / "roster.csv").exists()
    assert "W-01: 9.6 h short of the 80% own-wijk norm" in res.output
    roster = read_roster(out / "roster.csv", TZ)
    breaches = check_roster(ds, roster)
    assert [b.rule for b in breaches] == ["own_wijk_share"] and breaches[0].officer_id == "W-01"


def test_pins_are_kept(tmp_path):
    ds = _team(tmp_path)
    first = solve_checked(ds)
    pins = first.roster[first.roster["officer_id"] == "W-02"]
    again = solve_checked(ds, pins=pins)
    kept = again.roster[again.roster["officer_id"] == "W-02"].reset_index(drop=True)
    cols = ["officer_id", "date", "start", "end", "activity", "wijk_code"]
    pd.testing.assert_frame_equal(kept[cols], pins.reset_index(drop=True)[cols])


def test_pin_that_breaks_a_rule_is_reported_by_name(tmp_path):
    ds = _team(tmp_path)
    pin = pd.DataFrame(
        [
            {
                "officer_id": "W-03",
                "date": MONDAY,
                "start": dt.datetime(2027, 1, 18, 23, tzinfo=TZ),
                "end": dt.datetime(2027, 1, 19, 7, tzinfo=TZ),
                "activity": "wijk",
                "wijk_code": WIJK_A,
                "shift": "N",
                "task": "",
            }
        ]
    )
    r = solve_checked(ds, pins=pin)
    assert r.status == "infeasible"
    assert any("W-03: 36 h available, 1 pinned shift (8 h); no nights for a night-exempt officer cannot all hold"
               in line for line in r.explanation), r.explanation


def test_replan_keeps_the_past_and_changes_little(tmp_path):
    ds = _team(tmp_path)
    (ds.root / "team_demand.csv").unlink()  # no team demand: nothing needs the others to move
    ds = load_dataset(ds.root)
    base = solve_checked(ds)
    at = dt.datetime(2027, 1, 20, 7, 0, tzinfo=TZ)
    sick = "W-01"
    rp = replan_week(ds, base.roster, at=at, absent=[sick], time_limit_s=20, workers=1, seed=0)
    assert rp.result.has_roster
    new = rp.result.roster
    cols = ["officer_id", "start", "end", "activity", "wijk_code"]
    before_old = base.roster[base.roster["start"] < at].sort_values(cols)[cols].reset_index(drop=True)
    before_new = new[new["start"] < at].sort_values(cols)[cols].reset_index(drop=True)
    pd.testing.assert_frame_equal(before_old, before_new)  # the past is untouched
    assert not ((new["officer_id"] == sick) & (new["start"] >= at)).any()  # the sick officer is off
    assert check_roster(rp.dataset, new) == []  # the norm and the law still hold, with the sickness counted
    # Minimal change, counted by hand: only the sick officer's remaining blocks go. Nobody else needs to move:
    # their hours and rules are untouched, and W-01's Tuesday demand lies before the sickness.
    sick_after = base.roster[(base.roster["officer_id"] == sick) & (base.roster["start"] >= at)]
    assert rp.changed_blocks == len(sick_after)
    assert rp.officers_affected == [sick]


def test_replan_cli_counts_changes(tmp_path):
    ds = _team(tmp_path)
    out = tmp_path / "out"
    assert (
        runner.invoke(app, ["roster", str(ds.root), "-w", "2027-W03", "-o", str(out), "--workers", "1"]).exit_code == 0
    )
    new = tmp_path / "new"
    res = runner.invoke(
        app,
        [
            "replan",
            str(out / "roster.csv"),
            str(ds.root),
            "--absent",
            "W-02",
            "--from",
            "2027-01-21T00:00",
            "--out",
            str(new),
            "--workers",
            "1",
        ],
    )
    assert res.exit_code == 0, res.output
    assert "officers affected" in res.output
    summary = json.loads((new / "summary.json").read_text())
    assert summary["parameters"]["changed_blocks"] >= 0
    assert (out / "roster.csv").exists()  # the old roster is kept as it was


def test_diff_rosters_counts_blocks():
    a = pd.DataFrame(
        [
            {"officer_id": "A", "start": 1, "end": 2, "activity": "wijk", "wijk_code": "W"},
            {"officer_id": "B", "start": 1, "end": 2, "activity": "wijk", "wijk_code": "W"},
        ]
    )
    b = pd.DataFrame(
        [
            {"officer_id": "A", "start": 1, "end": 2, "activity": "wijk", "wijk_code": "W"},
            {"officer_id": "B", "start": 3, "end": 4, "activity": "wijk", "wijk_code": "W"},
        ]
    )
    assert diff_rosters(a, b) == (2, ["B"])


def test_cover_ranks_officers_who_can_take_the_block(tmp_path):
    ds = _team(tmp_path)
    base = solve_checked(ds)
    out = tmp_path / "r.csv"
    from planner.roster_io import roster_to_csv_text

    out.write_text(roster_to_csv_text(base.roster))
    res = runner.invoke(
        app,
        ["cover", str(out), str(ds.root), "--wijk", WIJK_A, "--start", "2027-01-23T02:00", "--end", "2027-01-23T05:00"],
    )
    # A block at night: the night-exempt W-03 is never offered.
    assert "W-03" not in res.output
    if res.exit_code == 0:
        assert "Who can cover" in res.output


def test_rolling_weeks_pick_up_the_previous_week(tmp_path):
    ds = _team(tmp_path)
    out = tmp_path / "out"
    assert (
        runner.invoke(app, ["roster", str(ds.root), "-w", "2027-W03", "-o", str(out), "--workers", "1"]).exit_code == 0
    )
    week3 = (out / "roster.csv").read_bytes()
    res = runner.invoke(app, ["roster", str(ds.root), "-w", "2027-W04", "-o", str(out), "--workers", "1"])
    assert res.exit_code == 0, res.output
    assert (out / "history" / "2027-W03.csv").read_bytes() == week3  # kept, and read as history
    summary = json.loads((out / "summary.json").read_text())
    assert summary["week"] == "2027-W04"
    assert any("2027-W03.csv" in h for h in summary["history"])
    hist = read_roster(out / "history" / "2027-W03.csv", TZ)
    new = read_roster(out / "roster.csv", TZ)
    assert check_roster(ds, new, history=hist, weeks=[MONDAY + dt.timedelta(days=7)]) == []
