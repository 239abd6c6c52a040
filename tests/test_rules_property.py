"""Property tests of the rule layer on random instances: one to three weeks (DST weeks among them), history, pins,
random shift families and random rule settings.

1. The solver's roster passes the exact check *without* a re-solve: the model alone agreed with the checker
   (``Result.check_rounds == 0``).
2. Around that roster (shifts moved, lengthened, added, dropped; team work shifted), the model with the roster fixed
   accepts it exactly when the checker finds no breach: one definition of every rule.

CI runs ``PLANNER_PROPERTY_N`` instances (default 8); ``PLANNER_PROPERTY_N=500`` is the documented longer run
(docs/rules.md gives its numbers).
"""

from __future__ import annotations

import datetime as dt
import os

import numpy as np
import pandas as pd
import pytest

from planner.checker import check_roster
from planner.solver.solve import solve_period
from tests._checker_helpers import WIJK_A, WIJK_B, make_dataset, officer
from tests._rule_harness import model_accepts

N = int(os.environ.get("PLANNER_PROPERTY_N", "8"))
#: Mondays to start from: ordinary weeks, the spring DST week (28 March 2027) and the autumn one (31 October 2027).
STARTS = [dt.date(2027, 1, 18), dt.date(2027, 3, 22), dt.date(2027, 10, 25), dt.date(2027, 6, 7)]

FAMILIES = [
    '[[shifts]]\ncode = "V"\nstart = "07:00"\nend = "15:00"\n[[shifts]]\ncode = "L"\nstart = "15:00"\nend = "23:00"\n'
    '[[shifts]]\ncode = "N"\nstart = "23:00"\nend = "07:00"\n',
    '[[shifts]]\ncode = "D"\nstart = "07:00"\nlatest_start = "09:00"\nmin_hours = 5\nmax_hours = 9\n'
    '[[shifts]]\ncode = "A"\nstart = "15:00"\nlatest_start = "17:00"\nmin_hours = 6\nmax_hours = 8\n'
    '[[shifts]]\ncode = "N"\nstart = "22:00"\nlatest_start = "23:00"\nmin_hours = 8\nmax_hours = 9\n',
    '[[shifts]]\ncode = "D"\nstart = "08:00"\nlatest_start = "10:00"\nmin_hours = 4\nmax_hours = 10\nstep_min = 120\n'
    '[[shifts]]\ncode = "N"\nstart = "23:00"\nlatest_start = "00:00"\nmin_hours = 7\nmax_hours = 8\n',
]


def random_settings(rng: np.random.Generator) -> str:
    r = {
        "daily_rest_hours": int(rng.integers(8, 13)),
        "daily_rest_reduced_hours": int(rng.integers(6, 9)),
        "daily_rest_reductions_per_7d": int(rng.integers(0, 3)),
        "weekly_rest_hours": int(rng.choice([0, 24, 36, 36, 48])),
        "rest_after_late_night_hours": int(rng.integers(11, 16)),
        "rest_after_late_night_reduced_hours": int(rng.integers(6, 9)),
        "rest_after_late_night_reductions_per_week": int(rng.integers(0, 2)),
        "rest_after_night_series_hours": int(rng.integers(30, 50)),
        "night_series_length": int(rng.integers(2, 4)),
        "max_consecutive_shifts_with_night": int(rng.integers(3, 8)),
        "max_nights_16w": int(rng.integers(2, 30)),
        "max_week_hours": int(rng.integers(32, 61)),
        "max_avg_week_hours_4w": int(rng.integers(30, 56)),
    }
    rules = "\n".join(f"{k} = {v}" for k, v in r.items())
    rules += f'\nperiod_reading = "{rng.choice(["sliding", "fixed"])}"\nlate_night_end = "0{rng.integers(1, 4)}:00"\n'
    norm = f"share = {rng.choice([0.5, 0.7, 0.8])}\nwindow_weeks = {int(rng.integers(1, 5))}\n"
    team = f"min_block_hours = {int(rng.integers(0, 4))}\nmax_extra_officers = {int(rng.integers(0, 3))}\n"
    hours = f"balance_max_plus_hours = {int(rng.integers(0, 12))}\n"
    travel = f"[travel]\nspeed_kmh = {rng.choice([0, 1, 2, 30])}\n"
    return (FAMILIES[int(rng.integers(len(FAMILIES)))] + f"[rules]\n{rules}[norm]\n{norm}[team_demand]\n{team}"
            f"[hours]\n{hours}{travel}[solver]\nsymmetry = {str(bool(rng.integers(2))).lower()}\n")


def random_instance(rng: np.random.Generator, tmp_path):  # type: ignore[no-untyped-def]
    monday = STARTS[int(rng.integers(len(STARTS)))]
    weeks = int(rng.integers(1, 4))
    mondays = [monday + dt.timedelta(weeks=k) for k in range(weeks)]
    n = int(rng.integers(1, 4))
    officers = [
        officer(f"W-{i:02d}", wijk=WIJK_A if i % 2 else WIJK_B, contract_hours=int(rng.choice([16, 24, 32, 36, 40])),
                night_exempt=bool(rng.random() < 0.2))
        for i in range(1, n + 1)
    ]
    absences = []
    for o in officers:
        if rng.random() < 0.5:
            day = mondays[0] + dt.timedelta(days=int(rng.integers(0, 7 * weeks)))
            kind = rng.choice(["verlof", "ziek", "training", "rechtbank"])
            if kind in ("training", "rechtbank"):
                h = int(rng.integers(8, 15))
                absences.append((o["officer_id"], f"{day}T{h:02d}:00", f"{day}T{h + int(rng.integers(1, 4)):02d}:00",
                                 str(kind)))
            else:
                end = day + dt.timedelta(days=int(rng.integers(0, 3)))
                absences.append((o["officer_id"], str(day), str(end), str(kind)))
    days = ["ma", "di", "wo", "do", "vr", "za", "zo"]
    team = ["kind,name,day,start,end,officers,wijk_code"]
    for k in range(int(rng.integers(0, 4))):
        h = int(rng.integers(8, 20))
        place = rng.choice(["", WIJK_A, WIJK_B])
        team.append(f"{rng.choice(['noodhulp', 'event'])},Team{k},{days[int(rng.integers(7))]},{h:02d}:00,"
                    f"{h + int(rng.integers(2, 5)):02d}:00,{int(rng.integers(1, 3))},{place}")
    pres = ["wijk_code,day,start,end,officers,priority"]
    for _ in range(int(rng.integers(0, 5))):
        h = int(rng.integers(8, 20))
        pres.append(f"{rng.choice([WIJK_A, WIJK_B])},{days[int(rng.integers(7))]},{h:02d}:00,{h + 3:02d}:00,1,"
                    f"{rng.choice(['hoog', 'laag'])}")
    files = {"team_demand.csv": "\n".join(team) + "\n", "demand.csv": "\n".join(pres) + "\n"}
    ds = make_dataset(tmp_path, officers=officers, absences=absences, toml=random_settings(rng), files=files)
    history = None
    if rng.random() < 0.7:
        rows = []
        for back in range(int(rng.integers(1, 3)), 0, -1):
            w = mondays[0] - dt.timedelta(weeks=back)
            for o in officers:
                for i in range(7):
                    if rng.random() < 0.55:
                        day = w + dt.timedelta(days=i)
                        start = int(rng.choice([7, 9, 15, 23]))
                        rows.append(_block(o["officer_id"], day, start, int(rng.integers(6, 10)), ds))
        history = pd.DataFrame(rows) if rows else None
    return ds, mondays, history


def _block(oid: str, day: dt.date, start_h: int, hours: int, ds, activity: str = "wijk", task: str = ""):  # type: ignore[no-untyped-def]
    from planner.timeutil import UTC, local

    s = local(day, dt.time(start_h), ds.config.tz)
    e = (s.astimezone(UTC) + dt.timedelta(hours=hours)).astimezone(ds.config.tz)
    wijk = next(w for o, w in zip(ds.officers["officer_id"], ds.officers["wijken"], strict=True) if o == oid)[0]
    return {"officer_id": oid, "date": day, "start": s, "end": e, "activity": activity,
            "wijk_code": wijk if activity == "wijk" else "", "shift": "", "task": task}


def perturb(roster: pd.DataFrame, rng: np.random.Generator, ds, mondays) -> pd.DataFrame:  # type: ignore[no-untyped-def]
    """Move, stretch, drop or add one shift of the roster (keeping its blocks whole)."""
    r = roster.copy()
    move = rng.choice(["move", "stretch", "drop", "add"])
    shifts = r.groupby(["officer_id", "date"]).indices
    if move == "add" or not shifts:
        oid = str(rng.choice(ds.officers["officer_id"]))
        day = mondays[0] + dt.timedelta(days=int(rng.integers(0, 7 * len(mondays))))
        if ((r["officer_id"] == oid) & (r["date"] == day)).any():
            return r
        return pd.concat([r, pd.DataFrame([_block(oid, day, int(rng.choice([7, 8, 14, 22])), int(rng.integers(4, 10)),
                                                   ds)])], ignore_index=True)
    key = list(shifts)[int(rng.integers(len(shifts)))]
    idx = shifts[key]
    if move == "drop":
        return r.drop(index=r.index[idx]).reset_index(drop=True)
    delta = dt.timedelta(hours=int(rng.choice([-3, -2, -1, 1, 2, 3])))
    if move == "move":
        r.loc[r.index[idx], "start"] = [s + delta for s in r.loc[r.index[idx], "start"]]
        r.loc[r.index[idx], "end"] = [e + delta for e in r.loc[r.index[idx], "end"]]
    else:
        last = r.index[idx][-1]
        end = r.loc[last, "end"] + delta
        if end > r.loc[last, "start"]:
            r.loc[last, "end"] = end
    return r


def representable(roster: pd.DataFrame, ds, mondays) -> pd.DataFrame:  # type: ignore[no-untyped-def]
    """Team work outside its window becomes wijk time (the model plans team work only inside windows; a block of
    noodhulp outside any window is nobody's rule and only noise for this test)."""
    from planner.solver.instance import demand_windows

    days = [m + dt.timedelta(days=i) for m in mondays for i in range(7)]
    windows = [w for w in demand_windows(ds, days) if w.kind != "presence"]
    rows = []
    for b in roster.to_dict("records"):
        if b["activity"] not in ("noodhulp", "event", "travel"):
            rows.append(b)
            continue
        cuts = sorted({b["start"], b["end"], *(t for w in windows if w.name == b["task"] for t in (w.start, w.end)
                                                if b["start"] < t < b["end"])})
        for a, z in zip(cuts, cuts[1:], strict=False):
            inside = any(w.name == b["task"] and w.start <= a and z <= w.end for w in windows)
            wijk = next(x for o, x in zip(ds.officers["officer_id"], ds.officers["wijken"], strict=True)
                        if o == b["officer_id"])[0]
            rows.append(b | {"start": a, "end": z} if inside else b | {"start": a, "end": z, "activity": "wijk",
                                                                        "wijk_code": wijk, "task": ""})
    return pd.DataFrame(rows, columns=roster.columns)


@pytest.mark.parametrize("seed", range(N))
def test_random_instances_agree(tmp_path, seed):
    rng = np.random.default_rng(seed)
    ds, mondays, history = random_instance(rng, tmp_path)
    result = solve_period(ds, mondays, history=history, time_limit_s=8, workers=1, seed=0, explain=False)
    assert result.status in ("optimal", "feasible", "infeasible"), result.explanation
    if not result.has_roster:
        return
    assert result.check_rounds == 0, "the model returned a roster the checker rejected"
    assert check_roster(ds, result.roster, history, mondays) == []
    for k in range(3):
        r2 = representable(perturb(result.roster, np.random.default_rng([seed, k]), ds, mondays), ds, mondays)
        breaches = check_roster(ds, r2, history, mondays)
        accepted = model_accepts(ds, r2, None, history, mondays, via="variables")
        assert accepted == (not breaches), (seed, k, [b.message for b in breaches])
