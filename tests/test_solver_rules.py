"""Hard rules of the roster engine, in pairs: the solver keeps the rule, and the rule is what makes a week impossible.

Every roster the solver returns here goes through the independent checker (tests/_solver_helpers.py).
Default shift types: V 07-15, D 09-17, L 15-23, N 23-07 (8 h each); contract tolerance 4 h.
"""

from __future__ import annotations

import datetime as dt

from tests._checker_helpers import WIJK_A, blocks, make_dataset, officer, roster_of
from tests._solver_helpers import MONDAY, explanation, shifts_by_day, solve_checked

SHORT_SHIFTS = """
[[shifts]]
code = "A"
start = "06:00"
end = "10:00"
[[shifts]]
code = "B"
start = "10:00"
end = "14:00"
"""


def day(i: int) -> str:
    return (MONDAY + dt.timedelta(days=i)).isoformat()


def test_one_shift_per_day_holds(tmp_path):
    # 28 h with 4 h shifts and no tolerance: 7 shifts, and with one a day that is exactly one every day.
    ds = make_dataset(
        tmp_path,
        [officer("W-01", contract_hours=28)],
        toml=SHORT_SHIFTS + "[rules]\ncontract_tolerance_hours = 0\nweekly_rest_hours = 0\n"
        "daily_rest_hours = 0\ndaily_rest_reduced_hours = 0\n",
    )
    r = solve_checked(ds)
    assert r.status == "optimal"
    assert len(shifts_by_day(r, "W-01")) == 7


def test_one_shift_per_day_violated(tmp_path):
    # 56 h in 4 h shifts needs 14 shifts: two a day, which only the one-shift-a-day rule forbids.
    ds = make_dataset(
        tmp_path,
        [officer("W-01", contract_hours=56)],
        toml=SHORT_SHIFTS + "[rules]\ncontract_tolerance_hours = 0\nweekly_rest_hours = 0\n"
        "daily_rest_hours = 0\ndaily_rest_reduced_hours = 0\n",
    )
    r = solve_checked(ds)
    assert r.status == "infeasible"
    assert "one shift a day" in explanation(r)


def test_contract_hours_holds(tmp_path):
    # 36 h with 8 h shifts and 4 h tolerance: 32 or 40 h; the hours term prefers neither, both are legal.
    ds = make_dataset(tmp_path, [officer("W-01", contract_hours=36)])
    r = solve_checked(ds)
    planned = float(r.officers["planned_h"].iloc[0])
    assert planned in (32.0, 40.0)


def test_contract_hours_violated(tmp_path):
    # 30 h with no tolerance cannot be made of 8 h shifts (24 or 32).
    ds = make_dataset(tmp_path, [officer("W-01", contract_hours=30)], toml="[rules]\ncontract_tolerance_hours = 0\n")
    r = solve_checked(ds)
    assert r.status == "infeasible"
    assert "contract hours within the tolerance" in explanation(r)


def test_week_hours_holds(tmp_path):
    # 40 h fits under a 40 h week cap exactly.
    ds = make_dataset(
        tmp_path,
        [officer("W-01", contract_hours=40)],
        toml="[rules]\nmax_week_hours = 40\ncontract_tolerance_hours = 0\n",
    )
    r = solve_checked(ds)
    assert float(r.officers["planned_h"].iloc[0]) == 40.0


def test_week_hours_violated(tmp_path):
    # 40 h contract, no tolerance, but at most 30 h a week.
    ds = make_dataset(
        tmp_path,
        [officer("W-01", contract_hours=40)],
        toml="[rules]\nmax_week_hours = 30\ncontract_tolerance_hours = 0\n",
    )
    r = solve_checked(ds)
    assert r.status == "infeasible"
    assert "at most 30 h a week" in explanation(r)


def test_daily_rest_holds(tmp_path):
    # One Laat (15-23) and the next day's Vroeg (07-15) leave 8 h: allowed once in 7 days, and the solver
    # may place other shifts freely; the checker confirms no second short rest.
    pins = roster_of(
        blocks("W-01", day(0), "15:00", "23:00", shift="L"), blocks("W-01", day(1), "07:00", "15:00", shift="V")
    )
    ds = make_dataset(tmp_path, [officer("W-01", contract_hours=36)])
    r = solve_checked(ds, pins=pins)
    assert r.status == "optimal"


def test_daily_rest_violated(tmp_path):
    # Two short rests (L Mon -> V Tue, L Wed -> V Thu) in 7 days: one more than allowed.
    pins = roster_of(
        blocks("W-01", day(0), "15:00", "23:00", shift="L"),
        blocks("W-01", day(1), "07:00", "15:00"),
        blocks("W-01", day(2), "15:00", "23:00"),
        blocks("W-01", day(3), "07:00", "15:00"),
    )
    ds = make_dataset(tmp_path, [officer("W-01", contract_hours=36)])
    r = solve_checked(ds, pins=pins)
    assert r.status == "infeasible"
    assert "daily_rest" in explanation(r) or "rest between shifts" in explanation(r)


def test_rest_after_night_holds(tmp_path):
    # Two night shifts in a row are fine: the rest rule after a night applies to the next non-continuing shift.
    pins = roster_of(
        blocks("W-01", day(0), "23:00", "07:00", shift="N"), blocks("W-01", day(1), "23:00", "07:00", shift="N")
    )
    ds = make_dataset(tmp_path, [officer("W-01", contract_hours=36)])
    r = solve_checked(ds, pins=pins)
    assert r.status == "optimal"


def test_rest_after_night_violated(tmp_path):
    # Night Mon (ends Tue 07:00) then Laat Tue 15:00: 8 h, the once-a-week reduction; a second one Wed/Thu breaks.
    pins = roster_of(
        blocks("W-01", day(0), "23:00", "07:00"),
        blocks("W-01", day(1), "15:00", "23:00"),
        blocks("W-01", day(3), "23:00", "07:00"),
        blocks("W-01", day(4), "15:00", "23:00"),
    )
    ds = make_dataset(tmp_path, [officer("W-01", contract_hours=32)])
    r = solve_checked(ds, pins=pins)
    assert r.status == "infeasible"
    assert "rest_after_night" in explanation(r)


def test_weekly_rest_holds(tmp_path):
    # 40 h = 5 shifts: the solver must leave an unbroken 36 h; the checker verifies every 7 x 24 h window.
    ds = make_dataset(tmp_path, [officer("W-01", contract_hours=40)], toml="[rules]\ncontract_tolerance_hours = 0\n")
    r = solve_checked(ds)
    assert r.status == "optimal"


def test_weekly_rest_violated(tmp_path):
    # 56 h with no tolerance needs 7 shifts of 8 h: no day off at all, so no 36 h rest in the week.
    ds = make_dataset(tmp_path, [officer("W-01", contract_hours=56)], toml="[rules]\ncontract_tolerance_hours = 0\n")
    r = solve_checked(ds)
    assert r.status == "infeasible"
    assert "weekly rest" in explanation(r)


def test_rest_after_night_series_holds(tmp_path):
    # Three nights Mon-Wed (last ends Thu 07:00); 46 h later is Sat 05:00: a Vroeg on Sat is fine.
    pins = roster_of(
        *(blocks("W-01", day(i), "23:00", "07:00", shift="N") for i in range(3)),
        blocks("W-01", day(5), "07:00", "15:00", shift="V"),
    )
    ds = make_dataset(tmp_path, [officer("W-01", contract_hours=32)], toml="[rules]\ncontract_tolerance_hours = 0\n")
    r = solve_checked(ds, pins=pins)
    assert r.status == "optimal"


def test_rest_after_night_series_violated(tmp_path):
    # Three nights Mon-Wed, then Dag on Fri 09:00: only 26 h after Thu 07:00.
    pins = roster_of(
        *(blocks("W-01", day(i), "23:00", "07:00") for i in range(3)), blocks("W-01", day(4), "09:00", "17:00")
    )
    ds = make_dataset(tmp_path, [officer("W-01", contract_hours=32)])
    r = solve_checked(ds, pins=pins)
    assert r.status == "infeasible"
    assert "rest_after_night_series" in explanation(r)


def test_consecutive_shifts_with_night_holds(tmp_path):
    # Seven shifts in a row with a night are allowed (weekly rest switched off to isolate this rule).
    pins = roster_of(
        *(blocks("W-01", day(i), "07:00", "15:00") for i in range(6)), blocks("W-01", day(6), "23:00", "07:00")
    )
    ds = make_dataset(
        tmp_path,
        [officer("W-01", contract_hours=56)],
        toml="[rules]\ncontract_tolerance_hours = 0\nweekly_rest_hours = 0\n",
    )
    r = solve_checked(ds, pins=pins)
    assert r.status == "optimal"


def test_consecutive_shifts_with_night_violated(tmp_path):
    # History: a shift on the Sunday before; then seven shifts Mon-Sun with a night: eight in a row.
    # (A one-week norm window keeps the partial history week out of the norm.)
    history = roster_of(blocks("W-01", (MONDAY - dt.timedelta(days=1)).isoformat(), "07:00", "15:00"))
    pins = roster_of(
        *(blocks("W-01", day(i), "07:00", "15:00") for i in range(6)), blocks("W-01", day(6), "23:00", "07:00")
    )
    ds = make_dataset(
        tmp_path,
        [officer("W-01", contract_hours=56)],
        toml="[rules]\ncontract_tolerance_hours = 0\nweekly_rest_hours = 0\n",
    )
    r = solve_checked(ds, history=history, pins=pins)
    assert r.status == "infeasible"
    assert "consecutive_shifts_with_night" in explanation(r)


def test_night_exempt_holds(tmp_path):
    # Night noodhulp is wanted, but the only officer is night-exempt: the solver leaves it unmet.
    ds = make_dataset(tmp_path, [officer("W-01", night_exempt=True)])
    (ds.root / "team_demand.csv").write_text("kind,day,start,end,officers\nnoodhulp,za,23:00,07:00,1\n")
    from planner.dataset import load_dataset

    ds = load_dataset(ds.root)
    r = solve_checked(ds)
    assert not any(sl == "N" for sl in shifts_by_day(r, "W-01").values())
    assert float(r.unmet["unmet_h"].sum()) == 8.0


def test_night_exempt_violated(tmp_path):
    # A pinned night for a night-exempt officer is reported by name.
    pins = roster_of(blocks("W-01", day(0), "23:00", "07:00"))
    ds = make_dataset(tmp_path, [officer("W-01", night_exempt=True)])
    r = solve_checked(ds, pins=pins)
    assert r.status == "infeasible"
    assert "night_exempt" in explanation(r)


def test_max_nights_16w_holds(tmp_path):
    # At most 2 nights in 16 weeks; night demand every day: the solver plans at most 2.
    ds = make_dataset(tmp_path, [officer("W-01")], toml="[rules]\nmax_nights_16w = 2\n")
    (ds.root / "team_demand.csv").write_text(
        "kind,day,start,end,officers\n" + "".join(f"noodhulp,{d},23:00,07:00,1\n" for d in "1234567")
    )
    from planner.dataset import load_dataset

    ds = load_dataset(ds.root)
    r = solve_checked(ds)
    assert int(r.officers["nights"].iloc[0]) == 2


def test_max_nights_16w_violated(tmp_path):
    # Three pinned nights against a limit of two.
    pins = roster_of(*(blocks("W-01", day(i), "23:00", "07:00") for i in (0, 2, 4)))
    ds = make_dataset(tmp_path, [officer("W-01")], toml="[rules]\nmax_nights_16w = 2\n")
    r = solve_checked(ds, pins=pins)
    assert r.status == "infeasible"
    assert "nights in 16 weeks" in explanation(r)


def earlier_weeks(days_a_week: int):
    """History: the three weeks before the roster week, ``days_a_week`` Vroeg shifts (8 h, wijk) from Monday."""
    return roster_of(
        *(
            blocks("W-01", (MONDAY - dt.timedelta(weeks=w) + dt.timedelta(days=i)).isoformat(), "07:00", "15:00")
            for w in (1, 2, 3)
            for i in range(days_a_week)
        )
    )


def test_avg_week_hours_holds(tmp_path):
    # Three earlier weeks of 56 h and a 4-week average cap of 50 h leave at most 200 - 168 = 32 h now
    # (the 16-week cap is raised to match, so that only the 4-week rule binds).
    history = earlier_weeks(days_a_week=7)
    ds = make_dataset(
        tmp_path,
        [officer("W-01", contract_hours=36)],
        toml="[rules]\nmax_avg_week_hours_4w = 50\nmax_avg_week_hours_16w = 50\nweekly_rest_hours = 0\n",
    )
    r = solve_checked(ds, history=history)
    assert float(r.officers["planned_h"].iloc[0]) == 32.0


def test_avg_week_hours_violated(tmp_path):
    # The same history with a 40 h contract and no tolerance: 40 > 32.
    history = earlier_weeks(days_a_week=7)
    ds = make_dataset(
        tmp_path,
        [officer("W-01", contract_hours=40)],
        toml="[rules]\nmax_avg_week_hours_4w = 50\nmax_avg_week_hours_16w = 50\nweekly_rest_hours = 0\n"
        "contract_tolerance_hours = 0\n",
    )
    r = solve_checked(ds, history=history)
    assert r.status == "infeasible"
    assert "average over 4 weeks" in explanation(r)


TRAINING_3_DAYS = [("W-01", day(0), day(2), "training")]


def test_own_wijk_share_holds(tmp_path):
    # 3 training days (3 x 7.2 h = 21.6 h) of 36: the week alone cannot reach 80 %, but three earlier weeks of
    # 40 h all in the wijk carry the 4-week window: (120 + own) / (108 + 36) >= 0.8 needs own >= 0 h.
    history = earlier_weeks(days_a_week=5)
    ds = make_dataset(tmp_path, [officer("W-01")], absences=TRAINING_3_DAYS)
    r = solve_checked(ds, history=history)
    assert r.status == "optimal"
    assert float(r.officers["window_share"].iloc[0]) >= 0.8


def test_own_wijk_share_violated(tmp_path):
    # Without history: beside 21.6 h of training at most two 8 h shifts fit within 36 + 4 h, so 16 h in the wijk;
    # 80 % of 36 h is 28.8 h.
    ds = make_dataset(tmp_path, [officer("W-01")], absences=TRAINING_3_DAYS)
    r = solve_checked(ds)
    assert r.status == "infeasible"
    text = explanation(r)
    assert "80% own-wijk norm" in text and "28.8 h in the wijk" in text and "training" in text


def test_own_wijk_share_in_of_voor_reading_counts_voor_wijk(tmp_path):
    # Pinned 'voor_wijk' hours count under the official reading "in of voor de wijk" but not under "in".
    pins = roster_of(*(blocks("W-01", day(i), "07:00", "15:00", activity="voor_wijk", wijk="") for i in range(4)))
    strict = make_dataset(
        tmp_path / "a",
        [officer("W-01", contract_hours=32)],
        toml='[norm]\nreading = "in"\n[rules]\ncontract_tolerance_hours = 0\n',
    )
    assert solve_checked(strict, pins=pins).status == "infeasible"
    official = make_dataset(
        tmp_path / "b",
        [officer("W-01", contract_hours=32)],
        toml='[norm]\nreading = "in_of_voor"\n[rules]\ncontract_tolerance_hours = 0\n',
    )
    assert solve_checked(official, pins=pins).status == "optimal"


def test_absences_respected(tmp_path):
    # Leave Mon-Wed: no work those days; available 36 - 3 x 7.2 = 14.4 h, so 2 shifts (16 h).
    ds = make_dataset(tmp_path, [officer("W-01")], absences=[("W-01", day(0), day(2), "verlof")])
    r = solve_checked(ds)
    worked = shifts_by_day(r, "W-01")
    assert all(d >= MONDAY + dt.timedelta(days=3) for d in worked)
    assert float(r.officers["planned_h"].iloc[0]) == 16.0


def test_wijk_blocks_are_in_own_wijk(tmp_path):
    ds = make_dataset(tmp_path, [officer("W-01")])
    r = solve_checked(ds)
    wijk_rows = r.roster[r.roster["activity"] == "wijk"]
    assert set(wijk_rows["wijk_code"]) == {WIJK_A}
