"""iCalendar output: one event per shift with its blocks in time order, one calendar per officer."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pandas as pd
from icalendar import Calendar

from planner.outputs import ics_files

TZ = ZoneInfo("Europe/Amsterdam")
FIXED = dt.datetime(2027, 1, 18, tzinfo=dt.UTC)


def _t(day: int, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime(2027, 1, day, hour, minute, tzinfo=TZ)


def _plan(rows: list[tuple]) -> SimpleNamespace:
    roster = pd.DataFrame(rows, columns=["officer_id", "date", "start", "end", "activity", "wijk_code", "shift",
                                         "task"])
    return SimpleNamespace(roster=roster, week="2027-W03", params={"planner": "test", "random_seed": 0},
                           inputs={"officers.csv": "abc"})


def _events(data: bytes) -> list[tuple[str, dt.datetime, dt.datetime, str]]:
    cal = Calendar.from_ical(data)
    return [(str(e["summary"]), e.decoded("dtstart"), e.decoded("dtend"), str(e["description"]))
            for e in cal.walk("VEVENT")]


def test_one_event_per_shift_blocks_in_time_order_across_midnight():
    d18, d19 = dt.date(2027, 1, 18), dt.date(2027, 1, 19)
    plan = _plan([
        # a night shift written out of order: the block after midnight first
        ("W-01", d18, _t(19, 2), _t(19, 7), "noodhulp", "", "N", "NH-1"),
        ("W-01", d18, _t(18, 23), _t(19, 2), "wijk", "WK01", "N", ""),
        ("W-01", d19, _t(19, 15), _t(19, 23), "wijk", "WK01", "L", ""),
        ("W-02", d18, _t(18, 9), _t(18, 16, 12), "training", "", "", "IBT"),
    ])
    files = ics_files(plan, FIXED)
    assert sorted(files) == ["W-01.ics", "W-02.ics"]
    ev = _events(files["W-01.ics"])
    assert [e[0] for e in ev] == ["N (wijk, noodhulp)", "L (wijk)"]
    assert ev[0][1] == _t(18, 23) and ev[0][2] == _t(19, 7)
    assert ev[0][3] == "23:00-02:00 wijk WK01\n02:00-07:00 noodhulp NH-1"
    # a block without a shift code (a fixed training block) is an event of its own, named after its activity
    training = ("training (training)", _t(18, 9), _t(18, 16, 12), "09:00-16:12 training IBT")
    assert _events(files["W-02.ics"]) == [training]
    assert b"X-PLANNER-SHA256-OFFICERS-CSV:abc" in files["W-02.ics"]


def test_a_missing_shift_code_still_gives_an_event():
    # pandas reads an empty shift cell back as a missing value; the block must not vanish from the calendar
    plan = _plan([("W-03", dt.date(2027, 1, 20), _t(20, 9), _t(20, 17), "wijk", "WK02", pd.NA, "")])
    ev = _events(ics_files(plan, FIXED)["W-03.ics"])
    assert len(ev) == 1 and ev[0][0] == "wijk (wijk)"


def test_the_same_plan_gives_the_same_bytes():
    plan = _plan([("W-01", dt.date(2027, 1, 18), _t(18, 7), _t(18, 15), "wijk", "WK01", "D", "")])
    assert ics_files(plan, FIXED) == ics_files(plan, FIXED)
    assert ics_files(_plan([]), FIXED) == {}
