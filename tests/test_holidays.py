"""Public holidays: which days (the holidays package, extra, exclude), how they count (day_off / working_day),
which demand applies on them, and the demo's Koningsdag (Tuesday 27 April 2027, week 2027-W17)."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from planner.config import Config, HolidaySettings, config_from_dict
from planner.dataset import load_dataset
from planner.errors import ConfigError
from planner.holidays import holiday_dates
from planner.hours import leave_minutes
from tests._robust_helpers import DEMO, WIJK_A, WIJK_B, invoke, one_error_line, write_data

KONINGSDAG = dt.date(2027, 4, 27)
W17 = dt.date(2027, 4, 26)


def _cfg(**kw) -> Config:
    return Config(holidays=HolidaySettings(**kw))


def test_dutch_holidays_of_2027():
    days = holiday_dates(Config(), dt.date(2027, 1, 1), dt.date(2028, 1, 1))
    assert days[KONINGSDAG] == "Koningsdag"
    assert days[dt.date(2027, 3, 29)] == "Tweede paasdag"
    assert days[dt.date(2027, 12, 25)] == "Eerste kerstdag"
    assert dt.date(2027, 5, 5) not in days  # Bevrijdingsdag is a holiday in lustrum years only


def test_extra_and_exclude():
    """extra: MM-DD every year, YYYY-MM-DD once, with a name; exclude removes a day of the country's list."""
    cfg = _cfg(extra=("05-05 Bevrijdingsdag", "2027-06-01 Teamdag"), exclude=("2027-03-26",))
    days = holiday_dates(cfg, dt.date(2026, 1, 1), dt.date(2028, 1, 1))
    assert days[dt.date(2026, 5, 5)] == days[dt.date(2027, 5, 5)] == "Bevrijdingsdag"
    assert days[dt.date(2027, 6, 1)] == "Teamdag"
    assert dt.date(2026, 6, 1) not in days
    assert dt.date(2027, 3, 26) not in days and dt.date(2026, 4, 3) in days  # only 2027's Goede vrijdag goes
    assert holiday_dates(_cfg(country=""), dt.date(2027, 1, 1), dt.date(2028, 1, 1)) == {}


@pytest.mark.parametrize(("table", "column"), [
    ({"mode": "vrij"}, "holidays.mode"),
    ({"country": "Nederland"}, "holidays.country"),
    ({"extra": ["27-04-2027"]}, "holidays.extra"),
    ({"exclude": "2027-04-27"}, "holidays.exclude"),
    ({"extra": ["02-30"]}, "holidays.extra"),
    ({"days": []}, "holidays.days"),
])
def test_bad_holiday_settings_name_the_key(table, column):
    with pytest.raises(ConfigError) as err:
        config_from_dict({"holidays": table}, "planner.toml")
    assert err.value.column == column


def test_unknown_country_is_a_config_error(tmp_path):
    data = write_data(tmp_path / "d", {"planner.toml": '[holidays]\ncountry = "XX"\n'})
    line = one_error_line(invoke(["roster", data, "-w", "2027-W17", "-o", tmp_path / "o"]))
    assert "planner.toml, column 'holidays.country': 'XX' is not a country the holidays package knows" in line


# ---- day_off: a weekday holiday is a day of leave for everybody ---------------------------------------------


@settings(max_examples=25, deadline=None)
@given(year=st.integers(min_value=2000, max_value=2099), week=st.integers(min_value=1, max_value=52))
def test_day_off_lowers_every_week_by_its_weekday_holidays(tmp_path_factory, year, week):
    """In any week, every officer's leave is contract / 5 for each holiday from Monday to Friday (weekend
    holidays give no day off), and nothing else changes."""
    data = tmp_path_factory.mktemp("h")
    write_data(data, {"absences.csv": "officer_id,start,end,reason\n"})
    monday = dt.date.fromisocalendar(year, week, 1)
    ds = load_dataset(data).with_holidays_for_week(monday)
    expected = sum(1 for d in holiday_dates(ds.config, monday, monday + dt.timedelta(days=7)) if d.weekday() < 5)
    for oid, hours in zip(ds.officers["officer_id"], ds.officers["contract_hours"], strict=True):
        got = leave_minutes(ds.absences_of(oid), oid, hours, monday, ds.config)
        assert got == min(round(hours * 60), expected * round(hours * 60 / 5)), (monday, oid)


def test_day_off_plans_nobody_on_koningsdag(tmp_path):
    """Koningsdag 2027 is a Tuesday: with mode day_off nobody works that day and every officer's available hours
    drop by a fifth; summary.json lists the day; `planner check` agrees (no work during the day off)."""
    data = write_data(tmp_path / "d", {"absences.csv": "officer_id,start,end,reason\n"})
    out = tmp_path / "o"
    result = invoke(["roster", data, "-w", "2027-W17", "-o", out])
    assert result.exit_code == 0, result.output
    roster = (out / "roster.csv").read_text(encoding="utf-8")
    assert ",2027-04-27," not in roster
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert summary["holidays"]["days"] == [{"date": "2027-04-27", "name": "Koningsdag"}]
    assert summary["holidays"]["mode"] == "day_off"
    avail = {o["officer_id"]: o["available_h"] for o in summary["officers"]}
    assert avail == {"W-01": pytest.approx(36 * 0.8), "W-02": pytest.approx(32 * 0.8)}
    assert invoke(["check", out / "roster.csv", data]).exit_code == 0


def test_roster_planned_without_holidays_breaks_the_day_off(tmp_path):
    """A roster that works Koningsdag is a breach once the day is a day off (the checker reads the same data)."""
    data = write_data(tmp_path / "d", {"absences.csv": "officer_id,start,end,reason\n"})
    roster = tmp_path / "r.csv"
    roster.write_text("officer_id,date,start,end,activity,wijk_code,shift,task\n"
                      f"W-01,2027-04-27,2027-04-27T09:00+02:00,2027-04-27T17:00+02:00,wijk,{WIJK_A},D,\n",
                      encoding="utf-8")
    result = invoke(["check", roster, data, "--week", "2027-W17"])
    assert result.exit_code == 1
    assert "feestdag" in result.output


# ---- demand on holidays -------------------------------------------------------------------------------------

DEMAND = (
    "wijk_code,day,start,end,officers,theme\n"
    f"{WIJK_A},di,09:00,12:00,1,algemeen\n"          # every Tuesday
    f"{WIJK_A},feestdag,10:00,14:00,2,algemeen\n"    # every holiday
    f"{WIJK_A},koningsdag,12:00,18:00,3,algemeen\n"  # Koningsdag only
    f"{WIJK_B},di,09:00,12:00,1,algemeen\n"          # a wijk without holiday rows
)


def _applying(ds, day: dt.date) -> list[tuple[str, str, float]]:
    """(wijk, start, officers) of the demand rows that apply on ``day``, by the solver's rule (a row applies on
    its date, or without a date on its weekday)."""
    out = []
    for r in ds.demand.to_dict("records"):
        dated = r["date"] is not None and not (isinstance(r["date"], float)) and str(r["date"]) != "NaT"
        if (dated and r["date"] == day) or (not dated and r["weekday"] == day.weekday()):
            out.append((r["wijk_code"], f"{r['start']:%H:%M}", float(r["officers"])))
    return sorted(out)


@pytest.mark.parametrize("mode", ["working_day", "day_off"])
def test_holiday_demand_rule(tmp_path, mode):
    """On Koningsdag wijk A wants its koningsdag rows (not its feestdag rows, not its Tuesday rows); on Tweede
    paasdag (a Monday) its feestdag rows; wijk B, without holiday rows, keeps its Tuesday rows on a working day
    and wants nobody on a day off. An ordinary Tuesday is untouched."""
    data = write_data(tmp_path / "d", {"demand.csv": DEMAND, "planner.toml": f'[holidays]\nmode = "{mode}"\n'})
    ds = load_dataset(data).with_holidays(dt.date(2027, 3, 29), dt.date(2027, 5, 10))
    b_on_holiday = [] if mode == "day_off" else [(WIJK_B, "09:00", 1.0)]
    assert _applying(ds, KONINGSDAG) == sorted([(WIJK_A, "12:00", 3.0), *b_on_holiday])
    assert _applying(ds, dt.date(2027, 3, 29)) == [(WIJK_A, "10:00", 2.0)]  # a Monday: B has no Monday rows
    ordinary = dt.date(2027, 5, 4)
    assert _applying(ds, ordinary) == [(WIJK_A, "09:00", 1.0), (WIJK_B, "09:00", 1.0)]


def test_unknown_holiday_name_in_day_column(tmp_path):
    data = write_data(tmp_path / "d", {"demand.csv": f"wijk_code,day,start,end,officers\n{WIJK_A},sinterklaas,"
                                                      "09:00,12:00,1\n"})
    line = one_error_line(invoke(["validate", data]))
    assert "demand.csv, row 2, column 'day': 'sinterklaas' is not a weekday" in line
    assert "feestdag or a holiday's name such as koningsdag" in line


# ---- working_day and the demo's Koningsdag ------------------------------------------------------------------


def test_demo_week_17_shows_koningsdag(tmp_path):
    """`planner roster data/demo --week 2027-W17`: Tuesday is marked as Koningsdag in the grid, summary.json
    lists it with the hours each officer works on it (mode working_day: compensation), and the Koningsdag
    festivities (team_demand.csv, day = koningsdag) are staffed."""
    out = tmp_path / "w17"
    result = invoke(["roster", DEMO, "--week", "2027-W17", "--out", out, "--workers", "1", "--time-limit", "20"])
    assert result.exit_code == 0, result.output
    assert "27*" in result.output or "27-04 *" in result.output
    assert "Tue 27 Apr: Koningsdag (holiday)" in result.output
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    hol = summary["holidays"]
    assert hol["mode"] == "working_day"
    assert hol["days"] == [{"date": "2027-04-27", "name": "Koningsdag"}]
    assert hol["worked_h"] and all(0 < h <= 12 for h in hol["worked_h"].values())
    events = [ln for ln in (out / "roster.csv").read_text(encoding="utf-8").replace('"', "").splitlines()
              if ",2027-04-27," in ln and ",event," in ln]  # roster.csv quotes every field
    assert events and all("Koningsdag festiviteiten" in ln for ln in events)
    assert not [w for w in summary["unmet"]["windows"] if w["kind"] == "event"]


def test_demo_week_3_has_no_holidays(tmp_path):
    out = tmp_path / "w03"
    assert invoke(["roster", DEMO, "--week", "2027-W03", "--out", out, "--workers", "1", "-q",
                   "--time-limit", "2"]).exit_code == 0
    assert json.loads((out / "summary.json").read_text(encoding="utf-8"))["holidays"]["days"] == []


def test_holidays_are_applied_once_to_the_loaded_data(tmp_path):
    """A second call replaces the span (from the data as read); a team's part cannot apply them again (its
    Koningsdag rows would count twice)."""
    data = write_data(tmp_path / "d", {"demand.csv": DEMAND, "planner.toml": '[holidays]\nmode = "working_day"\n'})
    ds = load_dataset(data)
    once = ds.with_holidays(dt.date(2027, 4, 19), dt.date(2027, 5, 3))
    again = once.with_holidays(dt.date(2027, 4, 19), dt.date(2027, 5, 3))
    assert _applying(again, KONINGSDAG) == _applying(once, KONINGSDAG)
    assert len(again.demand) == len(once.demand)
    with pytest.raises(ValueError, match="already applied"):
        once.subset_team(once.teams[0]).with_holidays(dt.date(2027, 4, 19), dt.date(2027, 5, 3))
