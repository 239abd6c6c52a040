"""The independent checker: a pair per hard rule on tiny instances reasoned by hand; DST, week 53, CLI.

Week 2027-W03 runs Mon 18 Jan to Sun 24 Jan 2027. Shift words in the comments: Vroeg 07-15, Dag 09-17, Laat 15-23,
Nacht 23-07 (the default families name a shift by its times: "the 07:00–15:00 shift").
Default officer: W-01, wijk WK099901, 36 contract hours (tolerance 4 h, so 32-40 h a week passes).
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from planner.checker import RULES, Breach, check_roster, officer_week_stats
from planner.cli import app
from tests._checker_helpers import (
    WIJK_A,
    WIJK_B,
    blocks,
    make_dataset,
    officer,
    roster_of,
    week_of,
    write_roster,
)

W03 = dt.date(2027, 1, 18)
W02 = dt.date(2027, 1, 11)


def _day(i: int, monday: dt.date = W03) -> dt.date:
    return monday + dt.timedelta(days=i)


def only(breaches: list[Breach], rule: str) -> list[Breach]:
    return [b for b in breaches if b.rule == rule]


def amounts(breaches: list[Breach], rule: str) -> list[tuple[str, float]]:
    return [(b.officer_id, b.amount) for b in only(breaches, rule)]


# -- a clean week ------------------------------------------------------------------------------------------


def test_clean_week_has_no_breaches(tmp_path: Path) -> None:
    # Five Vroeg shifts of 7.2 h (07:00-14:12) in the own wijk: 36 h = the contract, 100 % own wijk,
    # 11+ h rest, and Fri 14:12 to Mon 00:00 is 57.8 h of weekly rest.
    ds = make_dataset(tmp_path)
    roster = roster_of(week_of("W-01", W03, end="14:12"))
    assert check_roster(ds, roster) == []


# -- roster_rows_valid -------------------------------------------------------------------------------------


def test_roster_rows_valid_holds(tmp_path: Path) -> None:
    # Known officer and activities, wijk blocks in the own wijk, an office block that touches the wijk block.
    ds = make_dataset(tmp_path)
    roster = roster_of(
        week_of("W-01", W03, days=4),
        blocks("W-01", _day(4), "07:00", "11:00"),
        blocks("W-01", _day(4), "11:00", "15:00", activity="office"),
    )
    assert only(check_roster(ds, roster), "roster_rows_valid") == []


def test_roster_rows_valid_violated(tmp_path: Path) -> None:
    # Four problems: an officer not in officers.csv (1), an unknown activity (1), a full Vroeg shift of wijk
    # work in WK099902 which is not W-01's wijk (8 h), and an office block 14:00-16:00 on Thu that overlaps
    # the Vroeg block 07:00-15:00 by 1 h.
    ds = make_dataset(tmp_path)
    roster = roster_of(
        blocks("W-01", _day(0), "07:00", "15:00"),
        blocks("W-01", _day(1), "07:00", "15:00", wijk=WIJK_B),
        blocks("W-01", _day(2), "07:00", "15:00", activity="patrol"),
        blocks("W-01", _day(3), "07:00", "15:00"),
        blocks("W-01", _day(3), "14:00", "16:00", activity="office"),
        blocks("X-99", _day(0), "07:00", "15:00"),
    )
    got = only(check_roster(ds, roster), "roster_rows_valid")
    assert sorted((b.officer_id, b.amount) for b in got) == [
        ("W-01", 1.0),
        ("W-01", 1.0),
        ("W-01", 8.0),
        ("X-99", 1.0),
    ]
    text = " | ".join(b.message for b in got)
    assert "'X-99'" in text and "officers.csv" in text
    assert "'patrol'" in text and "WK099902" in text and "overlaps" in text


# -- one_shift_per_day -------------------------------------------------------------------------------------


def test_one_shift_per_day_holds(tmp_path: Path) -> None:
    # One Dag shift each weekday.
    ds = make_dataset(tmp_path)
    assert (
        only(
            check_roster(ds, roster_of(week_of("W-01", W03, start="09:00", end="17:00"))), "one_shift_per_day"
        )
        == []
    )


def test_one_shift_per_day_violated(tmp_path: Path) -> None:
    # Monday 07:00-11:00 and 13:00-17:00 do not touch: two shifts on one date, one too many.
    ds = make_dataset(tmp_path)
    roster = roster_of(
        blocks("W-01", _day(0), "07:00", "11:00"),
        blocks("W-01", _day(0), "13:00", "17:00"),
        week_of("W-01", _day(1), days=4),
    )
    got = only(check_roster(ds, roster), "one_shift_per_day")
    assert [(b.officer_id, b.when, b.amount) for b in got] == [("W-01", "2027-01-18", 1.0)]
    assert "2 shifts on Mon 18 Jan" in got[0].message


# -- absences_respected ------------------------------------------------------------------------------------


def test_absences_respected_holds(tmp_path: Path) -> None:
    # Leave all of Wednesday; the officer works Mon, Tue, Thu, Fri.
    ds = make_dataset(tmp_path, absences=[("W-01", "2027-01-20", "2027-01-20", "verlof")])
    roster = roster_of(*(blocks("W-01", _day(i), "07:00", "15:00") for i in (0, 1, 3, 4)))
    assert only(check_roster(ds, roster), "absences_respected") == []


def test_absences_respected_violated(tmp_path: Path) -> None:
    # Sick on Wednesday 00:00 to Thursday 00:00, yet a Vroeg shift 07:00-15:00 on Wednesday: 8 h overlap.
    ds = make_dataset(tmp_path, absences=[("W-01", "2027-01-20", "2027-01-20", "ziek")])
    roster = roster_of(week_of("W-01", W03))
    got = only(check_roster(ds, roster), "absences_respected")
    assert [(b.officer_id, b.amount) for b in got] == [("W-01", 8.0)]
    assert "the 07:00–15:00 shift of Wed 20 Jan overlaps ziek by 8.0 h" in got[0].message


# -- shift_length ------------------------------------------------------------------------------------------


def test_shift_length_holds(tmp_path: Path) -> None:
    # 07:00-19:00 is exactly 12 h, the limit.
    ds = make_dataset(tmp_path)
    roster = roster_of(blocks("W-01", _day(0), "07:00", "19:00"), week_of("W-01", _day(1), days=3))
    assert only(check_roster(ds, roster), "shift_length") == []


def test_shift_length_violated(tmp_path: Path) -> None:
    # 07:00-20:00 is 13 h: 1 h over. And 19:00-07:00 on Sat 30 Oct 2027 (clocks go back at 03:00) lasts 13 h.
    ds = make_dataset(tmp_path, officers=[officer("W-01"), officer("W-02")])
    roster = roster_of(
        blocks("W-01", _day(0), "07:00", "20:00"), blocks("W-02", dt.date(2027, 10, 30), "19:00", "07:00")
    )
    got = only(check_roster(ds, roster), "shift_length")
    assert [(b.officer_id, b.amount) for b in got] == [("W-01", 1.0), ("W-02", 1.0)]
    assert "lasts 13.0 h" in got[1].message


# -- week_hours --------------------------------------------------------------------------------------------


def test_week_hours_holds(tmp_path: Path) -> None:
    # Five shifts of 12 h (07:00-19:00) make 60 h, the limit.
    ds = make_dataset(tmp_path)
    assert only(check_roster(ds, roster_of(week_of("W-01", W03, end="19:00"))), "week_hours") == []


def test_week_hours_violated(tmp_path: Path) -> None:
    # Six shifts of 11 h (07:00-18:00) make 66 h: 6 h over the 60 h limit.
    ds = make_dataset(tmp_path)
    got = only(check_roster(ds, roster_of(week_of("W-01", W03, days=6, end="18:00"))), "week_hours")
    assert [(b.officer_id, b.when, b.amount) for b in got] == [("W-01", "2027-W03", 6.0)]


def test_week_hours_violated_in_iso_week_53(tmp_path: Path) -> None:
    # 2026 has an ISO week 53: Mon 28 Dec 2026 to Sun 3 Jan 2027. Six 11 h shifts there: 66 h, 6 h over.
    ds = make_dataset(tmp_path)
    roster = roster_of(week_of("W-01", dt.date(2026, 12, 28), days=6, end="18:00"))
    got = only(check_roster(ds, roster), "week_hours")
    assert [(b.when, b.amount) for b in got] == [("2026-W53", 6.0)]
    stats = officer_week_stats(ds, roster)
    assert stats["week"].tolist() == ["2026-W53"] and stats["worked_h"].tolist() == [66.0]


# -- avg_week_hours_4w / 16w -------------------------------------------------------------------------------

_AVG = "[rules]\nmax_avg_week_hours_4w = 38\nmax_avg_week_hours_16w = 38\n"


def test_avg_week_hours_4w_holds(tmp_path: Path) -> None:
    # Limit 38 h on average. History: three weeks of 36 h; roster: 40 h. (3 x 36 + 40) / 4 = 37 h: passes.
    ds = make_dataset(tmp_path, toml=_AVG)
    hist = roster_of(*(week_of("W-01", W03 - dt.timedelta(weeks=k), end="14:12") for k in (1, 2, 3)))
    roster = roster_of(week_of("W-01", W03))
    assert only(check_roster(ds, roster, hist), "avg_week_hours_4w") == []


def test_avg_week_hours_4w_violated(tmp_path: Path) -> None:
    # Limit 38 h on average. History: three weeks of 40 h; roster: 40 h. Average 40 h: 2 h a week over.
    ds = make_dataset(tmp_path, toml=_AVG)
    hist = roster_of(*(week_of("W-01", W03 - dt.timedelta(weeks=k)) for k in (1, 2, 3)))
    got = only(check_roster(ds, roster_of(week_of("W-01", W03)), hist), "avg_week_hours_4w")
    assert [(b.when, b.amount) for b in got] == [("2026-W53..2027-W03", 2.0)]
    assert "over 4 known week(s)" in got[0].message


def test_avg_week_hours_16w_holds(tmp_path: Path) -> None:
    # Limit 38 h on average over 16 weeks; only 9 weeks are known: 8 history weeks of 36 h and the roster's
    # 40 h. (8 x 36 + 40) / 9 = 36.4 h: passes (the 7 unknown weeks do not count as 0 h, nor as anything).
    ds = make_dataset(tmp_path, toml=_AVG)
    hist = roster_of(*(week_of("W-01", W03 - dt.timedelta(weeks=k), end="14:12") for k in range(1, 9)))
    assert only(check_roster(ds, roster_of(week_of("W-01", W03)), hist), "avg_week_hours_16w") == []


def test_avg_week_hours_16w_holds_without_history(tmp_path: Path) -> None:
    # Defaults (48 h on average over 16 weeks, 60 h a week). One known week of 5 x 10 h = 50 h: an average
    # needs earlier weeks, so a lone week is bounded by week_hours only (as the solver reads it).
    ds = make_dataset(tmp_path)
    got = check_roster(ds, roster_of(week_of("W-01", W03, start="07:00", end="17:00")))
    assert only(got, "avg_week_hours_16w") == [] and only(got, "week_hours") == []


def test_avg_week_hours_16w_violated(tmp_path: Path) -> None:
    # 15 history weeks of 40 h and a roster week of 40 h: 40 h on average, 2 h a week over 38. 2026 has a week
    # 53, so the 16 weeks ending with 2027-W03 start with 2026-W41.
    ds = make_dataset(tmp_path, toml=_AVG)
    hist = roster_of(*(week_of("W-01", W03 - dt.timedelta(weeks=k)) for k in range(1, 16)))
    got = only(check_roster(ds, roster_of(week_of("W-01", W03)), hist), "avg_week_hours_16w")
    assert [(b.officer_id, b.amount) for b in got] == [("W-01", 2.0)]
    assert "over 16 known week(s) 2026-W41..2027-W03" in got[0].message


# -- daily_rest --------------------------------------------------------------------------------------------


def test_daily_rest_holds(tmp_path: Path) -> None:
    # Laat Mon (ends 23:00) then Vroeg Tue (07:00): 8 h, the one cut allowed in 7 x 24 h. Then Vroeg Wed-Fri:
    # 16 h rest each.
    ds = make_dataset(tmp_path)
    roster = roster_of(blocks("W-01", _day(0), "15:00", "23:00"), week_of("W-01", _day(1), days=4))
    assert only(check_roster(ds, roster), "daily_rest") == []


def test_daily_rest_violated(tmp_path: Path) -> None:
    # W-01: Laat Mon -> Vroeg Tue (8 h, cut 1) and Laat Wed -> Vroeg Thu (8 h, cut 2, 48 h after the first):
    # the second cut is one too many, 11 - 8 = 3 h short.
    # W-02: Laat Mon (ends 23:00) -> Tue 06:00: 7 h, below the reduced 8 h: 1 h short.
    ds = make_dataset(tmp_path, officers=[officer("W-01"), officer("W-02")])
    roster = roster_of(
        blocks("W-01", _day(0), "15:00", "23:00"),
        blocks("W-01", _day(1), "07:00", "15:00"),
        blocks("W-01", _day(2), "15:00", "23:00"),
        blocks("W-01", _day(3), "07:00", "15:00"),
        blocks("W-02", _day(0), "15:00", "23:00"),
        blocks("W-02", _day(1), "06:00", "14:00"),
    )
    got = only(check_roster(ds, roster), "daily_rest")
    assert [(b.officer_id, b.amount) for b in got] == [("W-01", 3.0), ("W-02", 1.0)]
    assert got[0].message == (
        "W-01: 8.0 h rest between the 15:00–23:00 shift of Wed 20 Jan ending 23:00 and the 07:00–15:00 shift of "
        "Thu 21 Jan; "
        "at least 11.0 h (8.0 h once in 7 × 24 h), and the rest was already cut before Tue 19 Jan"
    )


def test_daily_rest_violated_with_history(tmp_path: Path) -> None:
    # History: Laat Thu 14 Jan -> Vroeg Fri 15 Jan (cut 1). Roster: Laat Sun 17 Jan is history too, so take
    # Laat Sun 17 Jan in history and Vroeg Mon 18 Jan in the roster: cut 2, 96 h after cut 1: 3 h short,
    # reported in W03 (the week of the shift that comes too soon). History's own cut is not reported.
    ds = make_dataset(tmp_path)
    hist = roster_of(
        blocks("W-01", _day(3, W02), "15:00", "23:00"),
        blocks("W-01", _day(4, W02), "07:00", "15:00"),
        blocks("W-01", _day(6, W02), "15:00", "23:00"),
    )
    roster = roster_of(week_of("W-01", W03))
    got = only(check_roster(ds, roster, hist), "daily_rest")
    assert [(b.when, b.amount) for b in got] == [("2027-01-17 23:00–2027-01-18 07:00", 3.0)]
    assert only(check_roster(ds, roster), "daily_rest") == []


# -- rest_after_night --------------------------------------------------------------------------------------


def test_rest_after_night_holds(tmp_path: Path) -> None:
    # W-01: Nacht Mon (ends Tue 07:00, after 02:00) -> Laat Tue 15:00: 8 h, the one cut a week.
    # W-02: 17:00-01:30 is a night shift (90 min after 00:00) ending before 02:00, so daily rest applies (not
    # this rule): 01:30 -> 12:30 is 11 h.
    ds = make_dataset(tmp_path, officers=[officer("W-01"), officer("W-02")])
    roster = roster_of(
        blocks("W-01", _day(0), "23:00", "07:00"),
        blocks("W-01", _day(1), "15:00", "23:00"),
        blocks("W-02", _day(0), "17:00", "01:30"),
        blocks("W-02", _day(1), "12:30", "20:30"),
    )
    assert only(check_roster(ds, roster), "rest_after_night") == []


def test_rest_after_night_violated(tmp_path: Path) -> None:
    # W-01: Nacht Mon -> Laat Tue (8 h, cut 1), Nacht Wed -> Laat Thu (8 h, cut 2 in one week): 14 - 8 = 6 h.
    # W-02: Nacht Mon (ends Tue 07:00) -> Tue 14:00: 7 h, below the reduced 8 h: 1 h short.
    ds = make_dataset(tmp_path, officers=[officer("W-01"), officer("W-02")])
    roster = roster_of(
        blocks("W-01", _day(0), "23:00", "07:00"),
        blocks("W-01", _day(1), "15:00", "23:00"),
        blocks("W-01", _day(2), "23:00", "07:00"),
        blocks("W-01", _day(3), "15:00", "23:00"),
        blocks("W-02", _day(0), "23:00", "07:00"),
        blocks("W-02", _day(1), "14:00", "22:00"),
    )
    got = only(check_roster(ds, roster), "rest_after_night")
    assert [(b.officer_id, b.amount) for b in got] == [("W-01", 6.0), ("W-02", 1.0)]
    assert "the 23:00–07:00 shift of Wed 20 Jan" in got[0].message and "at least 14.0 h" in got[0].message


# -- rest_after_night_series -------------------------------------------------------------------------------


def test_rest_after_night_series_holds(tmp_path: Path) -> None:
    # Nights Mon, Tue, Wed (last ends Thu 07:00), next shift Sat 07:00: 48 h rest >= 46 h.
    ds = make_dataset(tmp_path)
    roster = roster_of(
        *(blocks("W-01", _day(i), "23:00", "07:00") for i in range(3)),
        blocks("W-01", _day(5), "07:00", "15:00"),
    )
    assert only(check_roster(ds, roster), "rest_after_night_series") == []


def test_rest_after_night_series_violated(tmp_path: Path) -> None:
    # Nights Mon, Tue, Wed (last ends Thu 07:00), then a night on Fri 23:00 (not the next date, so the series
    # ended): 40 h rest, 6 h short of 46 h.
    ds = make_dataset(tmp_path)
    roster = roster_of(*(blocks("W-01", _day(i), "23:00", "07:00") for i in (0, 1, 2, 4)))
    got = only(check_roster(ds, roster), "rest_after_night_series")
    assert [(b.officer_id, b.amount) for b in got] == [("W-01", 6.0)]
    assert "3 night shifts in a row (Mon 18 Jan to Wed 20 Jan)" in got[0].message


# -- weekly_rest -------------------------------------------------------------------------------------------


def test_weekly_rest_holds(tmp_path: Path) -> None:
    # One week known: the only 7 x 24 h window is Mon 00:00 to Mon 00:00; Fri 15:00 -> Mon 00:00 is 57 h.
    ds = make_dataset(tmp_path)
    assert only(check_roster(ds, roster_of(week_of("W-01", W03))), "weekly_rest") == []


def test_weekly_rest_holds_regular_weeks(tmp_path: Path) -> None:
    # Three weeks of Dag shifts Mon-Fri (09:00-17:00): a 64 h weekend every 7 days. The 7 x 24 h from Sun
    # 17 Jan 01:00 holds only 32 h of the one weekend and 32 h of the next inside it, but a 64 h rest starts
    # inside it (Fri 22 Jan 17:00): the law asks for a weekly rest every 7 x 24 h, which this is.
    ds = make_dataset(tmp_path)
    hist = roster_of(
        *(week_of("W-01", W03 - dt.timedelta(weeks=k), start="09:00", end="17:00") for k in (1, 2))
    )
    roster = roster_of(week_of("W-01", W03, start="09:00", end="17:00"))
    assert only(check_roster(ds, roster, hist), "weekly_rest") == []


def test_weekly_rest_violated(tmp_path: Path) -> None:
    # Vroeg every day Mon-Sun: the longest rest in the week is 15:00 -> 07:00 = 16 h, 20 h short of 36 h.
    ds = make_dataset(tmp_path)
    got = only(check_roster(ds, roster_of(week_of("W-01", W03, days=7))), "weekly_rest")
    assert [(b.officer_id, b.amount) for b in got] == [("W-01", 20.0)]


def test_weekly_rest_violated_across_week_boundary(tmp_path: Path) -> None:
    # History W02: Vroeg Fri, Sat, Sun. Roster W03: Vroeg Mon-Thu. Alone, W03 has Thu 15:00 -> Mon 00:00 =
    # 81 h of rest; with history, Fri 15 Jan to Thu 21 Jan is 7 Vroeg shifts in a row, so the 7 x 24 h from
    # Thu 14 Jan 15:00 holds at most 16 h of rest: 20 h short, reported once for W03 (the worst window).
    ds = make_dataset(tmp_path)
    hist = roster_of(*(blocks("W-01", _day(i, W02), "07:00", "15:00") for i in (4, 5, 6)))
    roster = roster_of(week_of("W-01", W03, days=4))
    assert only(check_roster(ds, roster), "weekly_rest") == []
    got = only(check_roster(ds, roster, hist), "weekly_rest")
    assert [(b.when, b.amount) for b in got] == [("2027-01-14 15:00–2027-01-21 15:00", 20.0)]


def test_weekly_rest_violated_in_spring_dst_week(tmp_path: Path) -> None:
    # 2027-W12 (Mon 22 Mar - Sun 28 Mar, clocks forward on Sunday) lasts 167 h: shorter than 7 x 24 h, so the
    # week itself is the window. Vroeg every day: at most 16 h of rest, 20 h short.
    ds = make_dataset(tmp_path)
    got = only(check_roster(ds, roster_of(week_of("W-01", dt.date(2027, 3, 22), days=7))), "weekly_rest")
    assert [(b.officer_id, b.amount) for b in got] == [("W-01", 20.0)]


# -- night_shift_length (DST) ------------------------------------------------------------------------------

_NIGHT8 = "[rules]\nmax_night_shift_hours = 8\n"


def test_night_shift_length_holds(tmp_path: Path) -> None:
    # Limit 8 h. Nacht 23:00-07:00 on Sat 27 Mar 2027 (clocks forward at 02:00) lasts 7 h; on an ordinary
    # Monday 8 h: both pass.
    ds = make_dataset(tmp_path, toml=_NIGHT8)
    roster = roster_of(
        blocks("W-01", dt.date(2027, 3, 27), "23:00", "07:00"), blocks("W-01", _day(0), "23:00", "07:00")
    )
    assert only(check_roster(ds, roster), "night_shift_length") == []
    assert officer_week_stats(ds, roster, [dt.date(2027, 3, 22)])["worked_h"].tolist() == [7.0]


def test_night_shift_length_violated(tmp_path: Path) -> None:
    # Limit 8 h. Nacht 23:00-07:00 on Sat 30 Oct 2027 (clocks back at 03:00) lasts 9 h: 1 h over.
    ds = make_dataset(tmp_path, toml=_NIGHT8)
    got = only(
        check_roster(ds, roster_of(blocks("W-01", dt.date(2027, 10, 30), "23:00", "07:00"))),
        "night_shift_length",
    )
    assert [(b.officer_id, b.amount) for b in got] == [("W-01", 1.0)]
    assert "lasts 9.0 h" in got[0].message


# -- consecutive_shifts_with_night -------------------------------------------------------------------------


def test_consecutive_shifts_with_night_holds(tmp_path: Path) -> None:
    # W-01: 7 nights in a row (Mon-Sun): the limit. W-02: 8 Vroeg shifts in a row without a night.
    ds = make_dataset(tmp_path, officers=[officer("W-01"), officer("W-02")])
    roster = roster_of(week_of("W-01", W03, days=7, start="23:00", end="07:00"), week_of("W-02", W03, days=8))
    assert only(check_roster(ds, roster), "consecutive_shifts_with_night") == []


def test_consecutive_shifts_with_night_violated(tmp_path: Path) -> None:
    # Vroeg Mon-Sun and a night on Mon 25 Jan: 8 shifts in a row with a night, 1 over; reported once although
    # the run spans W03 and W04.
    ds = make_dataset(tmp_path)
    roster = roster_of(week_of("W-01", W03, days=7), blocks("W-01", _day(7), "23:00", "07:00"))
    got = only(check_roster(ds, roster), "consecutive_shifts_with_night")
    assert [(b.officer_id, b.when, b.amount) for b in got] == [("W-01", "2027-01-18 – 2027-01-25", 1.0)]


# -- night_exempt ------------------------------------------------------------------------------------------


def test_night_exempt_holds(tmp_path: Path) -> None:
    # The exempt officer works Laat; the other one works a night.
    ds = make_dataset(tmp_path, officers=[officer("W-01", night_exempt=True), officer("W-02")])
    roster = roster_of(blocks("W-01", _day(0), "15:00", "23:00"), blocks("W-02", _day(0), "23:00", "07:00"))
    assert only(check_roster(ds, roster), "night_exempt") == []


def test_night_exempt_violated(tmp_path: Path) -> None:
    # The exempt officer works one night.
    ds = make_dataset(tmp_path, officers=[officer("W-01", night_exempt=True)])
    got = only(check_roster(ds, roster_of(blocks("W-01", _day(0), "23:00", "07:00"))), "night_exempt")
    assert [(b.officer_id, b.amount) for b in got] == [("W-01", 1.0)]


# -- max_nights_16w ----------------------------------------------------------------------------------------

_NIGHTS4 = "[rules]\nmax_nights_16w = 4\n"


def test_max_nights_16w_holds(tmp_path: Path) -> None:
    # Limit 4. The 16 weeks ending with W03 start Mon 5 Oct 2026; the 3 history nights of 28-30 Sep 2026 lie
    # before them, so only the roster's 2 nights count.
    ds = make_dataset(tmp_path, toml=_NIGHTS4)
    hist = roster_of(*(blocks("W-01", dt.date(2026, 9, 28 + i), "23:00", "07:00") for i in range(3)))
    roster = roster_of(blocks("W-01", _day(0), "23:00", "07:00"), blocks("W-01", _day(3), "23:00", "07:00"))
    assert only(check_roster(ds, roster, hist), "max_nights_16w") == []


def test_max_nights_16w_violated(tmp_path: Path) -> None:
    # Limit 4. History: 3 nights in W02; roster: 2 nights in W03: 5 nights in 16 weeks, 1 over.
    ds = make_dataset(tmp_path, toml=_NIGHTS4)
    hist = roster_of(*(blocks("W-01", _day(i, W02), "23:00", "07:00") for i in range(3)))
    roster = roster_of(blocks("W-01", _day(0), "23:00", "07:00"), blocks("W-01", _day(3), "23:00", "07:00"))
    got = only(check_roster(ds, roster, hist), "max_nights_16w")
    assert [(b.officer_id, b.amount) for b in got] == [("W-01", 1.0)]


# -- fixed_blocks_held -------------------------------------------------------------------------------------


def test_fixed_blocks_held_holds(tmp_path: Path) -> None:
    # Training all of Wednesday becomes a block 09:00-16:12 (36 h / 5 = 7.2 h from 09:00); the roster has it.
    ds = make_dataset(tmp_path, absences=[("W-01", "2027-01-20", "2027-01-20", "training")])
    roster = roster_of(
        *(blocks("W-01", _day(i), "07:00", "15:00") for i in (0, 1, 3, 4)),
        blocks("W-01", _day(2), "09:00", "16:12", activity="training"),
    )
    assert only(check_roster(ds, roster), "fixed_blocks_held") == []


def test_fixed_blocks_held_violated(tmp_path: Path) -> None:
    # The roster has training only 09:00-12:00 on Wednesday: 4.2 h of the 7.2 h block is missing.
    ds = make_dataset(tmp_path, absences=[("W-01", "2027-01-20", "2027-01-20", "training")])
    roster = roster_of(
        *(blocks("W-01", _day(i), "07:00", "15:00") for i in (0, 1, 3, 4)),
        blocks("W-01", _day(2), "09:00", "12:00", activity="training"),
    )
    got = only(check_roster(ds, roster), "fixed_blocks_held")
    assert [(b.officer_id, b.amount) for b in got] == [("W-01", 4.2)]


# -- own_wijk_share ----------------------------------------------------------------------------------------


def test_own_wijk_share_holds(tmp_path: Path) -> None:
    # W-01: in W03 3 wijk + 2 noodhulp shifts of 7.2 h (60 %), but history W02 was 5 wijk shifts: over the
    # 4-week window (2 known weeks) 57.6 of 72 h = 80 % exactly: passes.
    # W-02: leave all week, nothing rostered: 0 available hours passes.
    ds = make_dataset(
        tmp_path,
        officers=[officer("W-01"), officer("W-02")],
        absences=[("W-02", "2027-01-18", "2027-01-24", "verlof")],
    )
    hist = roster_of(week_of("W-01", W02, end="14:12"))
    roster = roster_of(
        week_of("W-01", W03, days=3, end="14:12"),
        week_of("W-01", _day(3), days=2, end="14:12", activity="noodhulp"),
    )
    assert only(check_roster(ds, roster, hist), "own_wijk_share") == []


def test_own_wijk_share_violated(tmp_path: Path) -> None:
    # No history: 3 wijk shifts of 7.2 h = 21.6 h own wijk of 36 h available = 60 %; 80 % is 28.8 h:
    # 7.2 h short.
    ds = make_dataset(tmp_path)
    roster = roster_of(
        week_of("W-01", W03, days=3, end="14:12"),
        week_of("W-01", _day(3), days=2, end="14:12", activity="noodhulp"),
    )
    got = only(check_roster(ds, roster), "own_wijk_share")
    assert [(b.officer_id, b.when, b.amount) for b in got] == [("W-01", "2027-W03", 7.2)]
    assert got[0].message == ("W-01: 60.0% of 36.0 hours in the own wijk in 2027-W03 (reading 'in'); needs 80%: "
                              "7.2 h short")


def test_own_wijk_share_holds_reading_in_of_voor(tmp_path: Path) -> None:
    # 3 wijk + 2 voor_wijk shifts of 7.2 h: under 'in' 60 % (breach), under 'in_of_voor' 100 % (passes).
    roster = roster_of(
        week_of("W-01", W03, days=3, end="14:12"),
        week_of("W-01", _day(3), days=2, end="14:12", activity="voor_wijk"),
    )
    strict = make_dataset(tmp_path / "in")
    assert amounts(check_roster(strict, roster), "own_wijk_share") == [("W-01", 7.2)]
    loose = make_dataset(tmp_path / "voor", toml='[norm]\nreading = "in_of_voor"\n')
    assert only(check_roster(loose, roster), "own_wijk_share") == []


def test_own_wijk_share_violated_wijk_block_elsewhere(tmp_path: Path) -> None:
    # A wijk block in another officer's wijk does not count: 4 wijk shifts of 7.2 h = 28.8 h of 36 h = 80 %,
    # but one of them is in WK099902, so 21.6 h own: 7.2 h short.
    ds = make_dataset(tmp_path, officers=[officer("W-01", wijk=WIJK_A)])
    roster = roster_of(
        week_of("W-01", W03, days=3, end="14:12"),
        blocks("W-01", _day(3), "07:00", "14:12", wijk=WIJK_B),
        blocks("W-01", _day(4), "07:00", "14:12", activity="office"),
    )
    assert amounts(check_roster(ds, roster), "own_wijk_share") == [("W-01", 7.2)]


# -- registry, stats ---------------------------------------------------------------------------------------


def test_every_rule_is_documented_as_hard_rule() -> None:
    for name, rule in RULES.items():
        assert rule.name == name
        assert (type(rule).__doc__ or "").startswith("Hard rule: "), name
        assert rule.source, name


def test_officer_week_stats_columns(tmp_path: Path) -> None:
    # 3 wijk + 2 noodhulp shifts of 7.2 h: worked 36, own 21.6, share 0.6; one night 0? no: all Vroeg.
    ds = make_dataset(tmp_path)
    roster = roster_of(
        week_of("W-01", W03, days=3, end="14:12"),
        week_of("W-01", _day(3), days=2, end="14:12", activity="noodhulp"),
    )
    st = officer_week_stats(ds, roster)
    row = st.iloc[0]
    assert (
        row["week"],
        row["shifts"],
        row["nights"],
        row["worked_h"],
        row["available_h"],
        row["own_wijk_h"],
    ) == ("2027-W03", 5, 0, 36.0, 36.0, 21.6)
    assert row["share"] == pytest.approx(0.6) and not row["norm_met"]


# -- CLI ---------------------------------------------------------------------------------------------------

runner = CliRunner()


def _files(tmp_path: Path, roster: pd.DataFrame) -> tuple[Path, Path]:
    ds = make_dataset(tmp_path)
    return write_roster(tmp_path / "roster.csv", roster), ds.root


def test_cli_check_no_breaches(tmp_path: Path) -> None:
    rpath, data = _files(tmp_path, roster_of(week_of("W-01", W03, end="14:12")))
    res = runner.invoke(app, ["check", str(rpath), str(data), "--json", str(tmp_path / "out.json")])
    assert res.exit_code == 0, res.output
    assert f"no breaches: 1 officer, 1 week, {len(RULES)} rules" in res.output
    doc = json.loads((tmp_path / "out.json").read_text(encoding="utf-8"))
    assert doc["breaches"] == [] and doc["weeks"] == ["2027-W03"]


def test_cli_check_breaches_exit_1(tmp_path: Path) -> None:
    # Three Vroeg shifts: own_wijk_share (24 h own of 36 h = 66.7 %) is breached; the hours balance (-12 h) is
    # beyond the default 8 h limit, which is shown but is not a breach.
    rpath, data = _files(tmp_path, roster_of(week_of("W-01", W03, days=3)))
    res = runner.invoke(app, ["check", str(rpath), str(data), "--json", str(tmp_path / "out.json")])
    assert res.exit_code == 1, res.output
    assert "own_wijk_share" in res.output and "W-01 -12.0 h" in res.output
    doc = json.loads((tmp_path / "out.json").read_text(encoding="utf-8"))
    assert {b["rule"] for b in doc["breaches"]} == {"own_wijk_share"}
    assert doc["balance_beyond_limits"] == [{"officer_id": "W-01", "week": "2027-W03", "balance_h": -12.0}]


def test_cli_check_history(tmp_path: Path) -> None:
    # The weekly-rest breach across the week boundary is only found with --history.
    ds = make_dataset(tmp_path)
    hpath = write_roster(
        tmp_path / "w02.csv",
        roster_of(*(blocks("W-01", _day(i, W02), "07:00", "14:12") for i in (2, 3, 4, 5, 6))),
    )
    rpath = write_roster(tmp_path / "roster.csv", roster_of(week_of("W-01", W03, days=5, end="14:12")))
    assert runner.invoke(app, ["check", str(rpath), str(ds.root)]).exit_code == 0
    res = runner.invoke(app, ["check", str(rpath), str(ds.root), "--history", str(hpath)])
    assert res.exit_code == 1 and "weekly_rest" in res.output


def test_cli_check_bad_input(tmp_path: Path) -> None:
    rpath, data = _files(tmp_path, roster_of(week_of("W-01", W03)))
    text = rpath.read_text(encoding="utf-8").splitlines()
    text[2] = text[2].replace("2027-01-19T07:00", "19-01-2027 07:00", 1)
    rpath.write_text("\n".join(text) + "\n", encoding="utf-8")
    out = tmp_path / "out.json"
    res = runner.invoke(app, ["check", str(rpath), str(data), "--json", str(out)])
    assert res.exit_code == 2
    lines = [x for x in res.output.splitlines() if x.strip()]
    assert len(lines) == 1 and "roster.csv, row 3, column 'start'" in lines[0]
    assert "Traceback" not in res.output and not out.exists()


def test_cli_check_help() -> None:
    res = runner.invoke(app, ["check", "--help"])
    assert res.exit_code == 0
    for word in ("roster", "data_dir", "--history", "--json", "--week"):
        assert word in res.output.lower()


def test_cli_check_every_option_has_help() -> None:
    import typer.main

    cmd = typer.main.get_command(app).commands["check"]  # type: ignore[attr-defined]
    assert cmd.help
    for p in cmd.params:
        assert getattr(p, "help", None), p.name


def test_checker_does_not_import_ortools() -> None:
    # The oracle must stay independent of the solver it checks.
    import subprocess
    import sys

    code = "import sys, planner.checker; sys.exit('ortools' in sys.modules)"
    assert subprocess.run([sys.executable, "-c", code], check=False).returncode == 0
