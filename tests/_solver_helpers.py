"""Solve tiny instances and send every roster through the independent checker."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from planner.checker import check_roster
from planner.dataset import Dataset
from planner.solver import Result, solve_week

MONDAY = dt.date(2027, 1, 18)  # ISO week 2027-W03


def solve_checked(ds: Dataset, monday: dt.date = MONDAY, history: pd.DataFrame | None = None, **kw: object) -> Result:
    """Solve with one worker and a fixed seed; any roster returned must pass the checker with zero breaches."""
    kw.setdefault("time_limit_s", 20)
    kw.setdefault("workers", 1)
    kw.setdefault("seed", 0)
    result = solve_week(ds, monday, history=history, **kw)  # type: ignore[arg-type]
    if result.has_roster:
        weeks = result.mondays or [monday]
        breaches = check_roster(ds, result.roster, history=history, weeks=weeks)
        # The solver reports exactly the breaches the checker finds: none, unless --allow-breaches had to bend.
        assert breaches == result.breaches, [b.message for b in breaches]
        if not kw.get("allow_breaches"):
            assert breaches == [], [b.message for b in breaches]
    return result


def explanation(result: Result) -> str:
    return " | ".join(result.explanation)


def shifts_by_day(result: Result, officer_id: str) -> dict[dt.date, str]:
    r = result.roster
    mine = r[r["officer_id"] == officer_id]
    return {d: c for d, c in zip(mine["date"], mine["shift"], strict=True) if c}
