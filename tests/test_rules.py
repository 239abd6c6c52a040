"""Every hard rule, holding and breaking, judged three ways on the same hand-made roster: the exact check, the model
with only that rule and the roster as fixed decisions, and the model with the roster pinned as constants.

The reasoning for each expected outcome is in the test's comment. Week 2027-W03: Monday 18 January 2027. Removing
a rule's encoding (``encode`` and ``allows``) turns its ``_violated`` test red (benchmarks/mutation.py).
"""

from __future__ import annotations

import datetime as dt

import pytest

from tests._checker_helpers import WIJK_A, blocks, make_dataset, officer, roster_of, week_of
from tests._rule_harness import verdicts

MON = dt.date(2027, 1, 18)
W02 = dt.date(2027, 1, 11)


def d(i: int) -> dt.date:
    return MON + dt.timedelta(days=i)


def expect(v: dict[str, bool], ok: bool) -> None:
    assert v == {k: ok for k in v}, v


def shifts(oid: str, days: list[dt.date], start: str, end: str, **kw) -> list:  # type: ignore[no-untyped-def]
    return [b for day in days for b in blocks(oid, day, start, end, **kw)]


TEAM = "kind,name,day,start,end,officers\nnoodhulp,Noodhulp,di,15:00,19:00,1\n"


# ---------------------------------------------------------------------------------------------- roster rows


def test_roster_rows_valid_holds(tmp_path):
    # A wijk block in the officer's own wijk.
    ds = make_dataset(tmp_path)
    expect(verdicts(ds, roster_of(blocks("W-01", d(0), "09:00", "17:00")), "roster_rows_valid", vias=("pins",)), True)


def test_roster_rows_valid_violated(tmp_path):
    # A wijk block in WK099902, which is not W-01's wijk.
    ds = make_dataset(tmp_path)
    r = roster_of(blocks("W-01", d(0), "09:00", "17:00", wijk="WK099902"))
    expect(verdicts(ds, r, "roster_rows_valid", vias=("pins",)), False)


def test_one_shift_per_day_holds(tmp_path):
    ds = make_dataset(tmp_path)
    expect(verdicts(ds, roster_of(blocks("W-01", d(0), "07:00", "12:00")), "one_shift_per_day", vias=("pins",)),
           True)


def test_one_shift_per_day_violated(tmp_path):
    # Two shifts on Monday, 07-11 and 18-22 (a split day).
    ds = make_dataset(tmp_path)
    r = roster_of(blocks("W-01", d(0), "07:00", "11:00"), blocks("W-01", d(0), "18:00", "22:00"))
    expect(verdicts(ds, r, "one_shift_per_day", vias=("pins",)), False)


def test_absences_respected_holds(tmp_path):
    # Leave on Wednesday; the shifts are Tuesday and Thursday.
    ds = make_dataset(tmp_path, absences=[("W-01", "2027-01-20", "2027-01-20", "verlof")])
    expect(verdicts(ds, roster_of(shifts("W-01", [d(1), d(3)], "09:00", "17:00")), "absences_respected"), True)


def test_absences_respected_violated(tmp_path):
    # Leave from Wednesday 13:00; a shift on Wednesday 09:00-17:00 overlaps it by 4 h.
    ds = make_dataset(tmp_path, absences=[("W-01", "2027-01-20T13:00", "2027-01-20T23:59", "verlof")])
    expect(verdicts(ds, roster_of(blocks("W-01", d(2), "09:00", "17:00")), "absences_respected"), False)


def test_fixed_blocks_held_holds(tmp_path):
    # Training Tuesday 09-11 and court 13-15 on the same day, both inside one 8 h shift 08-16.
    ds = make_dataset(tmp_path, absences=[("W-01", "2027-01-19T09:00", "2027-01-19T11:00", "training"),
                                          ("W-01", "2027-01-19T13:00", "2027-01-19T15:00", "rechtbank")])
    r = roster_of(blocks("W-01", d(1), "08:00", "09:00"), blocks("W-01", d(1), "09:00", "11:00", "training"),
                  blocks("W-01", d(1), "11:00", "13:00"), blocks("W-01", d(1), "13:00", "15:00", "office"),
                  blocks("W-01", d(1), "15:00", "16:00"))
    for b in r.itertuples():
        if b.activity in ("training", "office"):
            r.loc[b.Index, "task"] = "training" if b.activity == "training" else "rechtbank"
    expect(verdicts(ds, r, "fixed_blocks_held"), True)


def test_fixed_blocks_held_violated(tmp_path):
    # The court session 13-15 is missing: the shift is all wijk.
    ds = make_dataset(tmp_path, absences=[("W-01", "2027-01-19T13:00", "2027-01-19T15:00", "rechtbank")])
    expect(verdicts(ds, roster_of(blocks("W-01", d(1), "08:00", "16:00")), "fixed_blocks_held"), False)


def test_shift_length_holds(tmp_path):
    ds = make_dataset(tmp_path)
    expect(verdicts(ds, roster_of(blocks("W-01", d(0), "07:00", "19:00")), "shift_length"), True)  # 12 h


def test_shift_length_violated(tmp_path):
    ds = make_dataset(tmp_path)
    expect(verdicts(ds, roster_of(blocks("W-01", d(0), "07:00", "20:00")), "shift_length"), False)  # 13 h


def test_night_shift_length_holds(tmp_path):
    ds = make_dataset(tmp_path)
    expect(verdicts(ds, roster_of(blocks("W-01", d(0), "22:00", "08:00")), "night_shift_length"), True)  # 10 h


def test_night_shift_length_violated(tmp_path):
    ds = make_dataset(tmp_path)
    expect(verdicts(ds, roster_of(blocks("W-01", d(0), "21:00", "08:00")), "night_shift_length"), False)  # 11 h


def test_night_shift_length_holds_in_the_spring_dst_night(tmp_path):
    # Saturday 27 March 2027 21:00 to Sunday 08:00 lasts 10 h of real time (the clock skips 02:00-03:00).
    ds = make_dataset(tmp_path)
    r = roster_of(blocks("W-01", dt.date(2027, 3, 27), "21:00", "08:00"))
    expect(verdicts(ds, r, "night_shift_length"), True)


def test_night_exempt_holds(tmp_path):
    ds = make_dataset(tmp_path, officers=[officer("W-01", night_exempt=True)])
    expect(verdicts(ds, roster_of(blocks("W-01", d(0), "15:00", "23:00")), "night_exempt"), True)


def test_night_exempt_violated(tmp_path):
    ds = make_dataset(tmp_path, officers=[officer("W-01", night_exempt=True)])
    expect(verdicts(ds, roster_of(blocks("W-01", d(0), "23:00", "07:00")), "night_exempt"), False)


# ---------------------------------------------------------------------------------------------- hours


def test_week_hours_holds(tmp_path):
    # 3 x 8 h = 24 h under a 30 h cap.
    ds = make_dataset(tmp_path, toml="[rules]\nmax_week_hours = 30\n")
    expect(verdicts(ds, roster_of(shifts("W-01", [d(0), d(1), d(2)], "09:00", "17:00")), "week_hours"), True)


def test_week_hours_violated(tmp_path):
    # 4 x 8 h = 32 h over a 30 h cap.
    ds = make_dataset(tmp_path, toml="[rules]\nmax_week_hours = 30\n")
    r = roster_of(shifts("W-01", [d(0), d(1), d(2), d(3)], "09:00", "17:00"))
    expect(verdicts(ds, r, "week_hours"), False)


def _long_weeks(oid: str, mondays: list[dt.date], hours_per_day: int) -> list:  # type: ignore[no-untyped-def]
    end = f"{7 + hours_per_day:02d}:00"
    return [b for m in mondays for b in week_of(oid, m, days=5, start="07:00", end=end)]


def test_avg_week_hours_4w_holds(tmp_path):
    # History: 3 weeks of 5 x 11 h = 55 h; this week 5 x 11 h: average 55 h, at the limit.
    ds = make_dataset(tmp_path)
    hist = roster_of(_long_weeks("W-01", [MON - dt.timedelta(weeks=k) for k in (3, 2, 1)], 11))
    r = roster_of(_long_weeks("W-01", [MON], 11))
    expect(verdicts(ds, r, "avg_week_hours_4w", history=hist), True)


def test_avg_week_hours_4w_violated(tmp_path):
    # History 3 x 55 h; this week 5 x 12 h = 60 h: average 56.25 h > 55 h (each week alone is within 60 h).
    ds = make_dataset(tmp_path)
    hist = roster_of(_long_weeks("W-01", [MON - dt.timedelta(weeks=k) for k in (3, 2, 1)], 11))
    r = roster_of(_long_weeks("W-01", [MON], 12))
    expect(verdicts(ds, r, "avg_week_hours_4w", history=hist), False)


def test_avg_week_hours_16w_violated(tmp_path):
    # 48 h limit on average over 16 weeks, set to 40 h here: history 2 weeks of 45 h, this week 40 h: 43.3 h.
    ds = make_dataset(tmp_path, toml="[rules]\nmax_avg_week_hours_16w = 40\n")
    hist = roster_of(_long_weeks("W-01", [MON - dt.timedelta(weeks=k) for k in (2, 1)], 9))
    expect(verdicts(ds, roster_of(_long_weeks("W-01", [MON], 8)), "avg_week_hours_16w", history=hist), False)


def test_avg_week_hours_16w_holds(tmp_path):
    # The same with a 45 h limit: 43.3 h holds.
    ds = make_dataset(tmp_path, toml="[rules]\nmax_avg_week_hours_16w = 45\n")
    hist = roster_of(_long_weeks("W-01", [MON - dt.timedelta(weeks=k) for k in (2, 1)], 9))
    expect(verdicts(ds, roster_of(_long_weeks("W-01", [MON], 8)), "avg_week_hours_16w", history=hist), True)


# ---------------------------------------------------------------------------------------------- rest


def test_daily_rest_holds(tmp_path):
    # Mon 14-23 then Tue 08-16: 9 h rest, one cut in 7 x 24 h is allowed; then 11 h or more.
    ds = make_dataset(tmp_path)
    r = roster_of(blocks("W-01", d(0), "14:00", "23:00"), blocks("W-01", d(1), "08:00", "16:00"),
                  blocks("W-01", d(3), "09:00", "17:00"))
    expect(verdicts(ds, r, "daily_rest"), True)


def test_daily_rest_violated_twice_cut(tmp_path):
    # Two cuts (Mon->Tue and Wed->Thu, 9 h each) within 7 x 24 h.
    ds = make_dataset(tmp_path)
    r = roster_of(blocks("W-01", d(0), "14:00", "23:00"), blocks("W-01", d(1), "08:00", "16:00"),
                  blocks("W-01", d(2), "14:00", "23:00"), blocks("W-01", d(3), "08:00", "16:00"))
    expect(verdicts(ds, r, "daily_rest"), False)


def test_daily_rest_violated_below_the_floor(tmp_path):
    # Mon 15-23 then Tue 06-14: 7 h, below the 8 h a cut allows.
    ds = make_dataset(tmp_path)
    r = roster_of(blocks("W-01", d(0), "15:00", "23:00"), blocks("W-01", d(1), "06:00", "14:00"))
    expect(verdicts(ds, r, "daily_rest"), False)


def test_daily_rest_cuts_a_week_apart_hold_sliding(tmp_path):
    # Cuts whose rests start Mon 23:00 and the next Tue 23:00 (8 days apart) are in no 7 x 24 h together.
    ds = make_dataset(tmp_path)
    r = roster_of(blocks("W-01", d(0), "14:00", "23:00"), blocks("W-01", d(1), "08:00", "16:00"),
                  blocks("W-01", d(8), "14:00", "23:00"), blocks("W-01", d(9), "08:00", "16:00"))
    expect(verdicts(ds, r, "daily_rest", weeks=[MON, d(7)]), True)


def test_daily_rest_cuts_across_the_week_violated_sliding(tmp_path):
    # Rests starting Sun 23:00 (W03) and Tue 23:00 (W04): 48 h apart, two cuts in 7 x 24 h (sliding reading),
    # while each ISO week holds one cut.
    ds = make_dataset(tmp_path)
    r = roster_of(blocks("W-01", d(6), "14:00", "23:00"), blocks("W-01", d(7), "08:00", "16:00"),
                  blocks("W-01", d(8), "14:00", "23:00"), blocks("W-01", d(9), "08:00", "16:00"))
    expect(verdicts(ds, r, "daily_rest", weeks=[MON, d(7)]), False)


def test_daily_rest_cuts_across_the_week_hold_fixed(tmp_path):
    # The same roster under the fixed reading: the first rest starts in W03, the second in W04: one each.
    ds = make_dataset(tmp_path, toml='[rules]\nperiod_reading = "fixed"\n')
    r = roster_of(blocks("W-01", d(6), "14:00", "23:00"), blocks("W-01", d(7), "08:00", "16:00"),
                  blocks("W-01", d(8), "14:00", "23:00"), blocks("W-01", d(9), "08:00", "16:00"))
    expect(verdicts(ds, r, "daily_rest", weeks=[MON, d(7)]), True)


def test_rest_after_night_holds(tmp_path):
    # Night Mon 23 - Tue 07 ends after 02:00; next shift Wed 09:00: 26 h rest.
    ds = make_dataset(tmp_path)
    r = roster_of(blocks("W-01", d(0), "23:00", "07:00"), blocks("W-01", d(2), "09:00", "17:00"))
    expect(verdicts(ds, r, "rest_after_night"), True)


def test_rest_after_night_violated(tmp_path):
    # Night Mon 23 - Tue 07, then Tue 17-23 (10 h rest, a cut) and night Thu 23 - Fri 07, then Fri 17-23: two cuts
    # in one ISO week.
    ds = make_dataset(tmp_path)
    r = roster_of(blocks("W-01", d(0), "23:00", "07:00"), blocks("W-01", d(1), "17:00", "23:00"),
                  blocks("W-01", d(3), "23:00", "07:00"), blocks("W-01", d(4), "17:00", "23:00"))
    expect(verdicts(ds, r, "rest_after_night"), False)


def test_rest_after_night_series_holds(tmp_path):
    # Nights Mon, Tue, Wed (23-07), next shift Sat 07:00: 48 h after Thu 07:00.
    ds = make_dataset(tmp_path)
    r = roster_of(shifts("W-01", [d(0), d(1), d(2)], "23:00", "07:00"), blocks("W-01", d(5), "07:00", "15:00"))
    expect(verdicts(ds, r, "rest_after_night_series"), True)


def test_rest_after_night_series_violated(tmp_path):
    # Nights Mon, Tue, Wed, next shift Fri 09:00: 26 h after Thu 07:00, under 46 h.
    ds = make_dataset(tmp_path)
    r = roster_of(shifts("W-01", [d(0), d(1), d(2)], "23:00", "07:00"), blocks("W-01", d(4), "09:00", "17:00"))
    expect(verdicts(ds, r, "rest_after_night_series"), False)


def test_rest_after_night_series_starting_in_history_violated(tmp_path):
    # Nights Sat and Sun of W02 (history) and Mon of W03 make a series of 3; next shift Tue 17:00 (10 h rest).
    ds = make_dataset(tmp_path)
    hist = roster_of(shifts("W-01", [W02 + dt.timedelta(days=5), W02 + dt.timedelta(days=6)], "23:00", "07:00"))
    r = roster_of(blocks("W-01", d(0), "23:00", "07:00"), blocks("W-01", d(1), "17:00", "23:00"))
    expect(verdicts(ds, r, "rest_after_night_series", history=hist), False)


def test_weekly_rest_holds(tmp_path):
    # Monday to Friday 09-17: from Friday 17:00 to the end of the week is 55 h.
    ds = make_dataset(tmp_path)
    expect(verdicts(ds, roster_of(week_of("W-01", MON, days=5, start="09:00", end="17:00")), "weekly_rest"), True)


def test_weekly_rest_violated(tmp_path):
    # Every day 09-17: 16 h rests only.
    ds = make_dataset(tmp_path)
    expect(verdicts(ds, roster_of(week_of("W-01", MON, days=7, start="09:00", end="17:00")), "weekly_rest"), False)


def test_weekly_rest_across_the_week_violated(tmp_path):
    # History W02: Mon and Tue off (a rest from the horizon's start to Wed 09:00), then Wed-Sun 09-17.
    # W03: Mon-Thu 09-17. From Wed W02 09:00 (end of the last 36 h rest) to Thu W03 17:00 (start of the next) is
    # 200 h, more than the 132 h a rest of 36 h in every 7 x 24 h allows. Each week alone has its rest.
    ds = make_dataset(tmp_path)
    hist = roster_of(shifts("W-01", [W02 + dt.timedelta(days=i) for i in range(2, 7)], "09:00", "17:00"))
    r = roster_of(week_of("W-01", MON, days=4, start="09:00", end="17:00"))
    expect(verdicts(ds, r, "weekly_rest", history=hist), False)


def test_weekly_rest_across_the_week_holds(tmp_path):
    # The same history; W03 rests Mon and Tue (64 h from Sun 17:00) and works Wed-Sun.
    ds = make_dataset(tmp_path)
    hist = roster_of(shifts("W-01", [W02 + dt.timedelta(days=i) for i in range(2, 7)], "09:00", "17:00"))
    r = roster_of(shifts("W-01", [d(i) for i in range(2, 7)], "09:00", "17:00"))
    expect(verdicts(ds, r, "weekly_rest", history=hist), True)


def test_weekly_rest_fixed_reading_violated(tmp_path):
    # Fixed reading: W03 must hold 36 h inside it. Mon-Sat 09-17 and Sun 09-17 of W03: no. (Sliding too.)
    ds = make_dataset(tmp_path, toml='[rules]\nperiod_reading = "fixed"\n')
    r = roster_of(week_of("W-01", MON, days=7, start="09:00", end="17:00"))
    expect(verdicts(ds, r, "weekly_rest"), False)


def test_weekly_rest_fixed_reading_holds_where_sliding_breaks(tmp_path):
    # W03 Mon-Wed off (a rest inside W03), Thu-Sun work; W04 Mon-Thu work, Fri-Sun off. Each ISO week holds a
    # rest of 36 h inside it (fixed), but from Thu W03 09:00 to Thu W04 17:00 is 176 h without one (sliding).
    days = [d(i) for i in range(3, 11)]
    fixed = make_dataset(tmp_path / "f", toml='[rules]\nperiod_reading = "fixed"\n')
    sliding = make_dataset(tmp_path / "s")
    r = roster_of(shifts("W-01", days, "09:00", "17:00"))
    expect(verdicts(fixed, r, "weekly_rest", weeks=[MON, d(7)]), True)
    expect(verdicts(sliding, r, "weekly_rest", weeks=[MON, d(7)]), False)


def test_weekly_rest_setting_60_hours_violated(tmp_path):
    # weekly_rest_hours = 60: Mon-Fri 09-17 leaves 55 h at the end of the week, and the horizon starts Monday
    # 00:00 (time before it is never rest): no rest of 60 h at all.
    ds = make_dataset(tmp_path, toml="[rules]\nweekly_rest_hours = 60\n")
    expect(verdicts(ds, roster_of(week_of("W-01", MON, days=5, start="09:00", end="17:00")), "weekly_rest"), False)


def test_weekly_rest_setting_60_hours_holds(tmp_path):
    # Mon-Thu 09-17: from Thursday 17:00 to the end of the week is 79 h.
    ds = make_dataset(tmp_path, toml="[rules]\nweekly_rest_hours = 60\n")
    expect(verdicts(ds, roster_of(week_of("W-01", MON, days=4, start="09:00", end="17:00")), "weekly_rest"), True)


def test_consecutive_shifts_with_night_holds(tmp_path):
    # 7 shifts in a row (Mon-Sun) with a night on Sunday.
    ds = make_dataset(tmp_path)
    r = roster_of(shifts("W-01", [d(i) for i in range(6)], "09:00", "15:00"), blocks("W-01", d(6), "23:00", "07:00"))
    expect(verdicts(ds, r, "consecutive_shifts_with_night"), True)


def test_consecutive_shifts_with_night_violated(tmp_path):
    # 8 in a row: Sunday of W02 (history) and Mon-Sun of W03, with a night on Sunday W03.
    ds = make_dataset(tmp_path)
    hist = roster_of(blocks("W-01", W02 + dt.timedelta(days=6), "09:00", "15:00"))
    r = roster_of(shifts("W-01", [d(i) for i in range(6)], "09:00", "15:00"), blocks("W-01", d(6), "23:00", "07:00"))
    expect(verdicts(ds, r, "consecutive_shifts_with_night", history=hist), False)


def test_max_nights_16w_holds(tmp_path):
    ds = make_dataset(tmp_path, toml="[rules]\nmax_nights_16w = 3\n")
    expect(verdicts(ds, roster_of(shifts("W-01", [d(0), d(2), d(4)], "23:00", "07:00")), "max_nights_16w"), True)


def test_max_nights_16w_violated(tmp_path):
    # 2 nights in history (W02) and 2 in W03: 4 > 3 in 16 weeks.
    ds = make_dataset(tmp_path, toml="[rules]\nmax_nights_16w = 3\n")
    hist = roster_of(shifts("W-01", [W02, W02 + dt.timedelta(days=2)], "23:00", "07:00"))
    r = roster_of(shifts("W-01", [d(0), d(2)], "23:00", "07:00"))
    expect(verdicts(ds, r, "max_nights_16w", history=hist), False)


# ---------------------------------------------------------------------------------------------- team demand


def test_team_block_length_holds(tmp_path):
    # Noodhulp Tue 15-19 taken 15-17 (2 h, the minimum).
    ds = make_dataset(tmp_path, files={"team_demand.csv": TEAM})
    r = roster_of(blocks("W-01", d(1), "09:00", "15:00"),
                  blocks("W-01", d(1), "15:00", "17:00", "noodhulp", task="Noodhulp"))
    expect(verdicts(ds, r, "team_block_length"), True)


def test_team_block_length_violated(tmp_path):
    # Taken 15-16 only: 1 h.
    ds = make_dataset(tmp_path, files={"team_demand.csv": TEAM})
    r = roster_of(blocks("W-01", d(1), "08:00", "15:00"),
                  blocks("W-01", d(1), "15:00", "16:00", "noodhulp", task="Noodhulp"))
    expect(verdicts(ds, r, "team_block_length"), False)


def _three(tmp_path, n: int):  # type: ignore[no-untyped-def]
    ds = make_dataset(tmp_path, officers=[officer(f"W-0{i}") for i in range(1, 4)], files={"team_demand.csv": TEAM})
    parts = []
    for i, (s, e) in enumerate([("15:00", "17:00"), ("17:00", "19:00"), ("15:00", "17:00")][:n], start=1):
        parts.append(blocks(f"W-0{i}", d(1), s, e, "noodhulp", task="Noodhulp"))
    return ds, roster_of(*parts)


def test_team_demand_officers_holds(tmp_path):
    # The window asks 1 officer; 2 take part (15-17 and 17-19): 1 + 1 extra.
    ds, r = _three(tmp_path, 2)
    expect(verdicts(ds, r, "team_demand_officers"), True)


def test_team_demand_officers_violated(tmp_path):
    # 3 officers take part in a window that asks 1.
    ds, r = _three(tmp_path, 3)
    expect(verdicts(ds, r, "team_demand_officers"), False)


TWO_TEAMS = ("kind,name,day,start,end,officers,team\nnoodhulp,Noodhulp,di,15:00,19:00,1,Noord\n"
             "noodhulp,Noodhulp,di,15:00,19:00,1,Zuid\n")


def _two_teams(tmp_path, team_of_third: str):  # type: ignore[no-untyped-def]
    """W-01 and W-02 (team Noord) take Noord's window 15-17 and 17-19; W-03 takes a window of the same name and
    times 15-17 as a member of ``team_of_third``."""
    people = [officer("W-01") | {"team": "Noord"}, officer("W-02") | {"team": "Noord"},
              officer("W-03") | {"team": team_of_third}, officer("W-04") | {"team": "Zuid"}]
    ds = make_dataset(tmp_path, officers=people, files={"team_demand.csv": TWO_TEAMS})
    return ds, roster_of(blocks("W-01", d(1), "15:00", "17:00", "noodhulp", task="Noodhulp"),
                         blocks("W-02", d(1), "17:00", "19:00", "noodhulp", task="Noodhulp"),
                         blocks("W-03", d(1), "15:00", "17:00", "noodhulp", task="Noodhulp"))


def test_team_demand_officers_holds_per_team(tmp_path):
    # Noord's window: 2 officers (1 + 1 extra); Zuid's window of the same name: W-03 alone. Counting every team's
    # officers on every window of that name would find 3 on each.
    ds, r = _two_teams(tmp_path, "Zuid")
    expect(verdicts(ds, r, "team_demand_officers"), True)


def test_team_demand_officers_violated_within_a_team(tmp_path):
    # W-03 is in Noord too: 3 Noord officers on Noord's window.
    ds, r = _two_teams(tmp_path, "Noord")
    expect(verdicts(ds, r, "team_demand_officers"), False)


EVENT_B = "kind,name,day,start,end,officers,wijk_code\nevent,Markt,di,15:00,19:00,1,WK099902\n"
SLOW = "[travel]\nspeed_kmh = 1\n"  # the two test wijken are 1 km apart: 60 minutes at 1 km/h


def test_travel_time_holds(tmp_path):
    # W-01 (wijk A) in the wijk 09-15, then 1 h travel (the first hour of the stretch) and the market in wijk B.
    ds = make_dataset(tmp_path, toml=SLOW, files={"team_demand.csv": EVENT_B})
    r = roster_of(blocks("W-01", d(1), "09:00", "15:00"),
                  blocks("W-01", d(1), "15:00", "16:00", "travel", wijk="", task="Markt"),
                  blocks("W-01", d(1), "16:00", "19:00", "event", wijk="WK099902", task="Markt"))
    expect(verdicts(ds, r, "travel_time"), True)


def test_travel_time_violated(tmp_path):
    # Straight from the wijk to the market in wijk B at 15:00: no travel time.
    ds = make_dataset(tmp_path, toml=SLOW, files={"team_demand.csv": EVENT_B})
    r = roster_of(blocks("W-01", d(1), "09:00", "15:00"),
                  blocks("W-01", d(1), "15:00", "19:00", "event", wijk="WK099902", task="Markt"))
    expect(verdicts(ds, r, "travel_time"), False)


def test_travel_time_holds_for_a_shift_at_the_event(tmp_path):
    # A shift that is the market alone needs no travel (travel to and from work is not rostered).
    ds = make_dataset(tmp_path, toml=SLOW, files={"team_demand.csv": EVENT_B})
    r = roster_of(blocks("W-01", d(1), "15:00", "19:00", "event", wijk="WK099902", task="Markt"))
    expect(verdicts(ds, r, "travel_time"), True)


def test_travel_time_violated_going_back_to_the_wijk(tmp_path):
    # Starting at the market needs no travel, but going back to the wijk at 19:00 does.
    ds = make_dataset(tmp_path, toml=SLOW, files={"team_demand.csv": EVENT_B})
    r = roster_of(blocks("W-01", d(1), "15:00", "19:00", "event", wijk="WK099902", task="Markt"),
                  blocks("W-01", d(1), "19:00", "22:00"))
    expect(verdicts(ds, r, "travel_time"), False)


# ---------------------------------------------------------------------------------------------- the norm


def test_own_wijk_share_holds(tmp_path):
    # 43 h worked (Mon, Wed-Fri 08-16, Tue 08-19 with noodhulp 15-19): own 39 / max(36, 43) = 90.7 %.
    ds = make_dataset(tmp_path, files={"team_demand.csv": TEAM})
    r = roster_of(shifts("W-01", [d(0), d(2), d(3), d(4)], "08:00", "16:00"), blocks("W-01", d(1), "08:00", "15:00"),
                  blocks("W-01", d(1), "15:00", "19:00", "noodhulp", task="Noodhulp"))
    expect(verdicts(ds, r, "own_wijk_share"), True)


def test_own_wijk_share_violated(tmp_path):
    # 36 h worked (Mon, Wed 08-16; Fri 08-12; Tue and Thu 11-19 with noodhulp 15-19): own 28 / 36 h = 77.8 %.
    team = TEAM + "noodhulp,Noodhulp,do,15:00,19:00,1\n"
    ds = make_dataset(tmp_path, files={"team_demand.csv": team})
    r = roster_of(
        shifts("W-01", [d(0), d(2)], "08:00", "16:00"), blocks("W-01", d(4), "08:00", "12:00"),
        blocks("W-01", d(1), "11:00", "15:00"), blocks("W-01", d(1), "15:00", "19:00", "noodhulp", task="Noodhulp"),
        blocks("W-01", d(3), "11:00", "15:00"), blocks("W-01", d(3), "15:00", "19:00", "noodhulp", task="Noodhulp"),
    )
    expect(verdicts(ds, r, "own_wijk_share"), False)


def test_own_wijk_share_denominator_counts_overtime(tmp_path):
    # Contract 20 h, 40 h worked: with 8 h noodhulp own 32 h is 160 % of the available 20 h but 80 % of the 40 h
    # worked (holds); with 12 h noodhulp 28 / 40 = 70 % (breaks), although 28 h exceed the 20 h available.
    team = TEAM + "noodhulp,Noodhulp,do,15:00,19:00,1\nnoodhulp,Noodhulp,vr,12:00,16:00,1\n"
    ds = make_dataset(tmp_path, officers=[officer("W-01", contract_hours=20)], files={"team_demand.csv": team})
    base = [shifts("W-01", [d(0), d(2)], "08:00", "16:00"),
            blocks("W-01", d(1), "11:00", "15:00"), blocks("W-01", d(1), "15:00", "19:00", "noodhulp", task="Noodhulp"),
            blocks("W-01", d(3), "11:00", "15:00"), blocks("W-01", d(3), "15:00", "19:00", "noodhulp", task="Noodhulp")]
    holds = roster_of(*base, blocks("W-01", d(4), "08:00", "16:00"))
    breaks = roster_of(*base, blocks("W-01", d(4), "08:00", "12:00"),
                       blocks("W-01", d(4), "12:00", "16:00", "noodhulp", task="Noodhulp"))
    expect(verdicts(ds, holds, "own_wijk_share"), True)
    expect(verdicts(ds, breaks, "own_wijk_share"), False)


def test_own_wijk_share_window_makes_up_for_a_week(tmp_path):
    # W03 alone: 28 of 36 h own (77.8 %). W02 (history): 40 h, all own. Window W02..W03: 68 / 76 = 89.5 %: holds.
    team = TEAM + "noodhulp,Noodhulp,do,15:00,19:00,1\n"
    ds = make_dataset(tmp_path, files={"team_demand.csv": team})
    hist = roster_of(week_of("W-01", W02, days=5, start="08:00", end="16:00"))
    r = roster_of(
        shifts("W-01", [d(0), d(2), d(4)], "08:00", "16:00"),
        blocks("W-01", d(1), "11:00", "15:00"), blocks("W-01", d(1), "15:00", "19:00", "noodhulp", task="Noodhulp"),
        blocks("W-01", d(3), "11:00", "15:00"), blocks("W-01", d(3), "15:00", "19:00", "noodhulp", task="Noodhulp"),
    )
    expect(verdicts(ds, r, "own_wijk_share", history=hist), True)


def _sick_call_from_wednesday(tmp_path):  # type: ignore[no-untyped-def]
    """The data with a sick call (a re-plan's added_absences.csv) from Wednesday 00:00 to the end of the week."""
    from planner.plan import with_added_absences

    ds = make_dataset(tmp_path, files={"team_demand.csv": TEAM})
    (tmp_path / "added_absences.csv").write_text(
        "officer_id,start,end,reason,hours\nW-01,2027-01-20T00:00+01:00,2027-01-25T00:00+01:00,ziek,24\n",
        encoding="utf-8")
    return with_added_absences(ds, tmp_path)


def _monday_tuesday():  # type: ignore[no-untyped-def]
    return roster_of(blocks("W-01", d(0), "08:00", "16:00"), blocks("W-01", d(1), "11:00", "15:00"),
                     blocks("W-01", d(1), "15:00", "19:00", "noodhulp", task="Noodhulp"))


def test_own_wijk_share_week_cut_short_by_a_sick_call_holds(tmp_path):
    # A sick call from Wednesday 00:00 to the end of the week; Monday and Tuesday 08-16 with 4 h noodhulp on
    # Tuesday: 12 of 16 h own (75 %), but nothing after the sick call can be planned: not held to the norm.
    expect(verdicts(_sick_call_from_wednesday(tmp_path), _monday_tuesday(), "own_wijk_share"), True)


def test_own_wijk_share_sickness_known_in_advance_violated(tmp_path):
    # The same sickness in absences.csv (known when the week is planned): Monday and Tuesday are planned to the
    # norm like any other days, and 12 / 16 h = 75 % breaks it.
    ds = make_dataset(tmp_path, absences=[("W-01", "2027-01-20", "2027-01-24", "ziek")],
                      files={"team_demand.csv": TEAM})
    expect(verdicts(ds, _monday_tuesday(), "own_wijk_share"), False)


def test_own_wijk_share_leave_is_not_sickness_violated(tmp_path):
    # The same with leave instead of sickness: leave is known in advance; 12 / 16 h = 75 % breaks the norm.
    ds = make_dataset(tmp_path, absences=[("W-01", "2027-01-20", "2027-01-24", "verlof")],
                      files={"team_demand.csv": TEAM})
    r = roster_of(blocks("W-01", d(0), "08:00", "16:00"), blocks("W-01", d(1), "11:00", "15:00"),
                  blocks("W-01", d(1), "15:00", "19:00", "noodhulp", task="Noodhulp"))
    expect(verdicts(ds, r, "own_wijk_share"), False)


@pytest.mark.parametrize("available,expected", [("true", False), ("false", True)])
def test_own_wijk_share_training_available_setting(tmp_path, available, expected):
    # 36 h contract, training Mon and Tue 08-16 (16 h), Wed-Fri 08-16 in the wijk (24 h): 24 / 40 = 60 % with
    # training counted as available; with [activities.training] available = false, 24 / 24 = 100 %.
    ds = make_dataset(tmp_path, toml=f"[activities.training]\navailable = {available}\n",
                      absences=[("W-01", "2027-01-18T08:00", "2027-01-18T16:00", "training"),
                                ("W-01", "2027-01-19T08:00", "2027-01-19T16:00", "training")])
    r = roster_of(blocks("W-01", d(0), "08:00", "16:00", "training", wijk="", task="training"),
                  blocks("W-01", d(1), "08:00", "16:00", "training", wijk="", task="training"),
                  shifts("W-01", [d(2), d(3), d(4)], "08:00", "16:00"))
    expect(verdicts(ds, r, "own_wijk_share"), expected)


@pytest.mark.parametrize("reading,expected", [("in", False), ("in_of_voor", True)])
def test_own_wijk_share_reading(tmp_path, reading, expected):
    # 40 h of which 12 h voor_wijk (pinned; the model plans no voor_wijk itself): 28/40 own 'in', 40/40 'in of voor'.
    ds = make_dataset(tmp_path, toml=f'[norm]\nreading = "{reading}"\n')
    r = roster_of(shifts("W-01", [d(0), d(1)], "08:00", "16:00"),
                  blocks("W-01", d(2), "08:00", "16:00", "voor_wijk", wijk=""),
                  blocks("W-01", d(3), "08:00", "12:00", "voor_wijk", wijk=""),
                  blocks("W-01", d(3), "12:00", "16:00"), blocks("W-01", d(4), "08:00", "16:00"))
    expect(verdicts(ds, r, "own_wijk_share", vias=("pins",)), expected)


def test_every_hard_rule_has_a_pair_of_tests():
    """Each rule in the registry has a _holds and a _violated test here (the harness's contract)."""
    from planner.rules import RULE_NAMES

    names = set(globals())
    for rule in RULE_NAMES:
        assert any(n.startswith(f"test_{rule}_holds") for n in names), rule
        assert any(n.startswith(f"test_{rule}_violated") for n in names), rule


def test_rule_words_are_wording_not_ids(tmp_path):
    from planner.rules import HARD_RULES

    ds = make_dataset(tmp_path)
    for r in HARD_RULES:
        assert r.words(ds.config) and " " in r.words(ds.config), r.name
    assert WIJK_A
