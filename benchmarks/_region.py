"""Generated regions for the benchmarks, with the absences removed that make a single officer's week impossible.

``planner demo-data`` draws absences independently of contract hours, so a part-timer can get a training day
(24 h contract, 4.8 h training: two 8-h shifts give 16 h in the wijk, the norm needs 19.2 h; three exceed the
tolerance) or sickness leaving 11.5 h (one shift is 8 h < 9.2 h, two are 16 h > 11.5 + 4 h). Without history
such a week is infeasible by arithmetic, whatever the solver does. The benchmark measures the solver, so it drops
those officers' absence rows and says how many it dropped (RESULTS.md).
"""

from __future__ import annotations

import datetime as dt
import itertools
from pathlib import Path

import pandas as pd

from planner.dataset import load_dataset
from planner.hours import available_minutes, day_bounds, fixed_blocks, leave_minutes, norm_required_minutes
from planner.timeutil import interval, minutes_between, parse_week, week_days


def _week_possible(ds, oid: str, contract_hours: float, monday: dt.date, rows: pd.DataFrame) -> bool:
    cfg = ds.config
    days = week_days(monday)
    leave = leave_minutes(rows, oid, contract_hours, monday, cfg)
    avail = available_minutes(contract_hours, leave)
    fixed = fixed_blocks(rows, oid, contract_hours, days, cfg)
    unavailable = rows[rows["kind"] == "unavailable"]
    busy = {fb.date for fb in fixed}
    for d in days:
        d0, d1 = day_bounds(d, cfg)
        if any(s < d1 and e > d0 for s, e in zip(unavailable["start"], unavailable["end"], strict=True)):
            busy.add(d)
    free = len(days) - len(busy)
    lengths = sorted({minutes_between(*interval(days[0], st.start, st.end, cfg.tz)) for st in cfg.shifts})
    fixed_min = sum(fb.minutes for fb in fixed)
    tol = round(cfg.rules.contract_tolerance_hours * 60)
    need = norm_required_minutes(avail, cfg.norm.fraction)
    for k in range(0, min(free, 6) + 1):
        for combo in itertools.combinations_with_replacement(lengths, k):
            worked = fixed_min + sum(combo)
            if abs(worked - avail) <= tol and sum(combo) >= need and worked <= cfg.rules.max_week_hours * 60:
                return True
    return False


def drop_impossible_absences(folder: Path, week: str) -> list[str]:
    """Remove from ``folder/absences.csv`` the rows of officers whose week cannot hold; returns their ids."""
    ds = load_dataset(folder)
    monday = parse_week(week)
    hours = dict(zip(ds.officers["officer_id"], ds.officers["contract_hours"], strict=True))
    bad = [
        oid
        for oid, rows in ds.absences.groupby("officer_id", sort=True)
        if not _week_possible(ds, oid, float(hours[oid]), monday, rows)
    ]
    if bad:
        path = folder / "absences.csv"
        raw = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
        raw[~raw["officer_id"].isin(bad)].to_csv(path, index=False)
    return bad
