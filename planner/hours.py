"""Shared definitions of hours: leave, available hours, fixed work blocks from absences, the norm's share.

These definitions are the contract between the solver, the checker and the reports; each is written once
here so that the three agree on what "available" and "own wijk" mean.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from fractions import Fraction

import pandas as pd

from planner.config import Config
from planner.timeutil import local, minutes_between

WHOLE_DAY_MIN = 12 * 60
#: A work absence given as whole days (e.g. a course "2027-01-19" to "2027-01-19") is rostered as one block
#: from this local time lasting contract_hours / 5.
WHOLE_DAY_WORK_START = dt.time(9, 0)


@dataclass(frozen=True)
class FixedBlock:
    """A block of work the roster must hold because an absence says so (training, court)."""

    officer_id: str
    date: dt.date
    start: dt.datetime
    end: dt.datetime
    activity: str
    reason: str

    @property
    def minutes(self) -> int:
        return minutes_between(self.start, self.end)


def day_bounds(day: dt.date, cfg: Config) -> tuple[dt.datetime, dt.datetime]:
    """Local midnight to the next local midnight (23, 24 or 25 hours)."""
    return local(day, dt.time(0), cfg.tz), local(day + dt.timedelta(days=1), dt.time(0), cfg.tz)


def overlap_minutes(a0: dt.datetime, a1: dt.datetime, b0: dt.datetime, b1: dt.datetime) -> int:
    lo, hi = max(a0, b0), min(a1, b1)
    return minutes_between(lo, hi) if hi > lo else 0


def leave_minutes(absences: pd.DataFrame, officer_id: str, contract_hours: float, monday: dt.date, cfg: Config) -> int:
    """Unavailable minutes of one officer in the ISO week starting ``monday``.

    Each day counts the overlap of the officer's unavailable absences (leave, sickness, ...) with that day,
    capped at a working day of ``contract_hours / 5``; the week is capped at the contract hours. An absence
    with explicit ``hours`` counts those hours instead, spread evenly over its duration.
    """
    if absences.empty:
        return 0
    # Plain lists, not pandas per day: reports, maps and the checker call this for every officer and week.
    mine = [
        i
        for i, (oid, kind) in enumerate(zip(absences["officer_id"].tolist(), absences["kind"].tolist(), strict=True))
        if oid == officer_id and kind == "unavailable"
    ]
    if not mine:
        return 0
    starts, ends = absences["start"].tolist(), absences["end"].tolist()
    hours = absences["hours"].tolist() if "hours" in absences else [float("nan")] * len(absences)
    spans = [(starts[i], ends[i], hours[i]) for i in mine]
    w0, w1 = day_bounds(monday, cfg)[0], day_bounds(monday + dt.timedelta(days=6), cfg)[1]
    total = 0.0
    for s, e, h in spans:
        if not pd.isna(h):
            total += float(h) * 60 * overlap_minutes(s, e, w0, w1) / max(minutes_between(s, e), 1)
    per_day = [(s, e) for s, e, h in spans if pd.isna(h)]
    day_cap = round(contract_hours * 60 / 5)
    for i in range(7):
        d0, d1 = day_bounds(monday + dt.timedelta(days=i), cfg)
        m = sum(overlap_minutes(s, e, d0, d1) for s, e in per_day)
        total += min(m, day_cap)
    return min(round(total), round(contract_hours * 60))


def fixed_blocks(
    absences: pd.DataFrame, officer_id: str, contract_hours: float, days: list[dt.date], cfg: Config
) -> list[FixedBlock]:
    """Work absences (training, court) of one officer on ``days`` as roster blocks, at most one a day.

    A day's part of a work absence that lasts 12 hours or more (given as whole dates) becomes a block of
    ``contract_hours / 5`` from 09:00; a shorter part is rostered exactly as given.
    """
    rows = absences[(absences["officer_id"] == officer_id) & (absences["kind"] == "work")]
    out: list[FixedBlock] = []
    for day in days:
        d0, d1 = day_bounds(day, cfg)
        for s, e, act, reason in zip(rows["start"], rows["end"], rows["activity"], rows["reason"], strict=True):
            lo, hi = max(s, d0), min(e, d1)
            if hi <= lo:
                continue
            if minutes_between(lo, hi) >= WHOLE_DAY_MIN:
                lo = local(day, WHOLE_DAY_WORK_START, cfg.tz)
                hi = (lo.astimezone(dt.UTC) + dt.timedelta(minutes=round(contract_hours * 60 / 5))).astimezone(cfg.tz)
            out.append(FixedBlock(officer_id, day, lo, hi, str(act), str(reason)))
            break
    return out


def available_minutes(contract_hours: float, leave_min: int) -> int:
    """Available minutes in a week: contract hours minus unavailable absence (never below 0)."""
    return max(0, round(contract_hours * 60) - leave_min)


def norm_required_minutes(available_min: int, share: Fraction) -> int:
    """Smallest whole number of minutes that is at least ``share`` of ``available_min``."""
    num = available_min * share.numerator
    return -(-num // share.denominator)
