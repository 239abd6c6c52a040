"""Period rosters end to end from the CLI (issue 16): plan two weeks as one, check, publish each week, re-plan a
sick call in week 2, report and map the period; the rest-days notice publishes work and rest days for the whole
period and times for its first days only, and a re-plan keeps the published work and rest days."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from pathlib import Path

import pytest
from _robust_helpers import TOML, invoke, write_data

from planner.config import Config
from planner.roster_io import read_roster

TZ = Config().tz
LIMIT = ["--time-limit", "3", "--workers", "1"]
NOTICE = TOML + '\n[period]\nnotice = "rest_days"\ntimes_days = 3\n'


def _rows(path: Path) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8"))))


def _plan(data: Path, out: Path) -> None:
    r = invoke(["roster", data, "--week", "2027-W03", "--weeks", "2", "--out", out, *LIMIT, "--quiet"])
    assert r.exit_code == 0, r.output
    assert invoke(["check", out / "roster.csv", data]).exit_code == 0


@pytest.fixture(scope="module")
def period(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    root = tmp_path_factory.mktemp("period")
    data = write_data(root / "data")
    _plan(data, root / "p")
    return data, root / "p"


@pytest.fixture(scope="module")
def notice(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    root = tmp_path_factory.mktemp("notice")
    data = write_data(root / "data", {"planner.toml": NOTICE})
    _plan(data, root / "p")
    return data, root / "p"


def test_a_period_roster_covers_every_day_and_says_so(period: tuple[Path, Path]) -> None:
    data, out = period
    roster = read_roster(out / "roster.csv", TZ)
    days = set(roster["date"])
    assert min(days) >= dt.date(2027, 1, 18) and max(days) <= dt.date(2027, 1, 31)
    assert max(days) >= dt.date(2027, 1, 25)  # week 2 is planned too
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert summary["week"] == "2027-W03..2027-W04"
    # rest_days.csv: one row per officer and day, "werk" exactly on the days a shift starts
    rows = _rows(out / "rest_days.csv")
    assert len(rows) == 2 * 14
    working = {(o, d.isoformat()) for o, d in zip(roster["officer_id"], roster["date"], strict=True)}
    assert {(r["officer_id"], r["date"]) for r in rows if r["dag"] == "werk"} == working


def test_publish_stores_each_week_of_the_period(period: tuple[Path, Path], tmp_path: Path) -> None:
    data, out = period
    r = invoke(["publish", out, "--data", data, "--store", tmp_path / "s.sqlite"])
    assert r.exit_code == 0, r.output
    assert "published 2027-W03 version 1" in r.output and "published 2027-W04 version 1" in r.output


def test_a_sick_call_in_week_two_replans_the_period_from_that_hour(period: tuple[Path, Path], tmp_path: Path) -> None:
    data, out = period
    at = dt.datetime(2027, 1, 26, 12, 0, tzinfo=TZ)
    r = invoke(["replan", out / "roster.csv", data, "--absent", "W-01", "--from", "2027-01-26T12:00",
                "--out", tmp_path / "sick", *LIMIT])
    assert r.exit_code == 0, r.output
    assert invoke(["check", tmp_path / "sick" / "roster.csv", data]).exit_code == 0
    old = read_roster(out / "roster.csv", TZ)
    new = read_roster(tmp_path / "sick" / "roster.csv", TZ)
    sick = new[(new["officer_id"] == "W-01") & (new["end"] > at)
               & (new["start"] < dt.datetime(2027, 2, 1, tzinfo=TZ))]
    assert sick.empty, sick

    def before(df):
        return {(o, s, e, a) for o, s, e, a in zip(df["officer_id"], df["start"], df["end"], df["activity"],
                                                   strict=True) if s < at}
    # the past stays as it was; only the sick officer's shift in progress ends at the sick call
    assert {b for b in before(old) if b[2] <= at} <= before(new)
    assert all(o == "W-01" and e == at for o, s, e, a in before(new) - before(old))


def test_report_and_map_take_the_period_roster(period: tuple[Path, Path], tmp_path: Path) -> None:
    data, out = period
    r = invoke(["report", data, "--period", "2027-W03..2027-W04", "--roster", out / "roster.csv", "--format", "md",
                "--out", tmp_path / "r.md"])
    assert r.exit_code == 0, r.output
    assert "2 weken" in (tmp_path / "r.md").read_text(encoding="utf-8")
    r = invoke(["map", data, "--roster", out / "roster.csv", "--out", tmp_path / "m.html"])
    assert r.exit_code == 0, r.output


def test_rest_days_notice_gives_times_for_the_first_days_only(notice: tuple[Path, Path]) -> None:
    from icalendar import Calendar
    from openpyxl import load_workbook

    data, out = notice
    cut = dt.date(2027, 1, 21)  # 18 January + times_days = 3
    roster = read_roster(out / "roster.csv", TZ)  # the plan itself keeps every time
    assert max(roster["date"]) >= cut
    seen_timed = seen_day = False
    for path in (out / "ics").glob("*.ics"):
        for ev in Calendar.from_ical(path.read_bytes()).walk("VEVENT"):
            start = ev.decoded("dtstart")
            if isinstance(start, dt.datetime):
                assert start.date() < cut, (path.name, start)
                seen_timed = True
            else:
                assert start >= cut and str(ev.get("summary")) == "Werkdag (tijden volgen)"
                seen_day = True
    assert seen_timed and seen_day
    ws = load_workbook(out / "roster.xlsx").worksheets[0]
    cells = [c.value for row in ws.iter_rows(min_row=6, max_row=7) for c in row]
    assert "werk" in cells


def test_a_replan_keeps_the_published_rest_days(notice: tuple[Path, Path], tmp_path: Path) -> None:
    data, out = notice
    r = invoke(["replan", out / "roster.csv", data, "--absent", "W-01", "--from", "2027-01-25T00:00",
                "--until", "2027-01-27T00:00", "--out", tmp_path / "s", *LIMIT])
    assert r.exit_code == 0, r.output
    assert invoke(["check", tmp_path / "s" / "roster.csv", data]).exit_code == 0

    def days(folder: Path, who: str) -> dict[str, str]:
        return {r["date"]: r["dag"] for r in _rows(folder / "rest_days.csv")
                if r["officer_id"] == who and r["date"] >= "2027-01-25"}
    assert days(tmp_path / "s", "W-02") == days(out, "W-02")
    assert days(tmp_path / "s", "W-01")["2027-01-27"] == days(out, "W-01")["2027-01-27"]


def test_kept_days_bind_the_model(notice: tuple[Path, Path]) -> None:
    """The published days a re-plan keeps are what the roster holds, and the model follows them even where it
    would rather not: one of W-02's rest days turned into a working day, one working day into a rest day."""
    from planner.checker import check_roster
    from planner.dataset import load_dataset
    from planner.replan import frozen_part, kept_days
    from planner.solver.solve import solve_period

    data, out = notice
    ds = load_dataset(data)
    roster = read_roster(out / "roster.csv", ds.config.tz)
    at = dt.datetime(2027, 1, 25, 0, 0, tzinfo=ds.config.tz)
    mondays = [dt.date(2027, 1, 18), dt.date(2027, 1, 25)]
    keep = kept_days(ds, roster, at, at, set(), mondays)
    published = {(r["officer_id"], dt.date.fromisoformat(r["date"])): r["dag"] == "werk"
                 for r in _rows(out / "rest_days.csv") if r["date"] >= "2027-01-25"}
    assert keep == published
    mine = sorted(d for (o, d) in keep if o == "W-02")
    rest = next(d for d in mine if not keep[("W-02", d)] and d.weekday() < 5)
    work = next(d for d in mine if keep[("W-02", d)])
    keep[("W-02", rest)], keep[("W-02", work)] = True, False
    result = solve_period(ds, mondays, pins=frozen_part(roster, at, set()), frozen_before=at, keep_days=keep,
                          time_limit_s=3, workers=1)
    assert result.has_roster, result.explanation
    assert check_roster(ds, result.roster, weeks=mondays) == []
    worked = {d for o, d in zip(result.roster["officer_id"], result.roster["date"], strict=True) if o == "W-02"}
    assert {d for d in mine if keep[("W-02", d)]} == {d for d in worked if d >= at.date()}
