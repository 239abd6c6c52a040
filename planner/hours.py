"""Shared definitions of hours: leave, available hours, duties from absences, the norm's share and denominator.

These definitions are the contract between the rule layer (checker and solver encodings) and the reports; each is
written once here so that they agree on what "available", "own wijk" and "a week cut short by sickness" mean.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from fractions import Fraction

import pandas as pd

from planner.config import Config
from planner.timeutil import UTC, local, minutes_between

WHOLE_DAY_MIN = 12 * 60
#: A work absence given as whole days (e.g. a course "2027-01-19" to "2027-01-19") is rostered as one block
#: from this local time lasting contract_hours / 5.
WHOLE_DAY_WORK_START = dt.time(9, 0)


@dataclass(frozen=True)
class FixedBlock:
    """A duty the roster must hold because an absence says so (training, court): its date is its start's date."""

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


def _unavailable_spans(absences: pd.DataFrame, officer_id: str) -> list[tuple[dt.datetime, dt.datetime, float, str]]:
    if absences.empty:
        return []
    rows = [
        i
        for i, (oid, kind) in enumerate(zip(absences["officer_id"].tolist(), absences["kind"].tolist(), strict=True))
        if oid == officer_id and kind == "unavailable"
    ]
    if not rows:
        return []
    starts, ends, reasons = absences["start"].tolist(), absences["end"].tolist(), absences["reason"].tolist()
    hours = absences["hours"].tolist() if "hours" in absences else [float("nan")] * len(absences)
    return [(starts[i], ends[i], hours[i], str(reasons[i])) for i in rows]


def leave_minutes(absences: pd.DataFrame, officer_id: str, contract_hours: float, monday: dt.date, cfg: Config) -> int:
    """Unavailable minutes of one officer in the ISO week starting ``monday``.

    Each day counts the overlap of the officer's unavailable absences (leave, sickness, ...) with that day,
    capped at a working day of ``contract_hours / 5``; the week is capped at the contract hours. An absence
    with explicit ``hours`` counts those hours instead, spread evenly over its duration.
    """
    spans = _unavailable_spans(absences, officer_id)
    if not spans:
        return 0
    w0, w1 = day_bounds(monday, cfg)[0], day_bounds(monday + dt.timedelta(days=6), cfg)[1]
    total = 0.0
    for s, e, h, _ in spans:
        if not pd.isna(h):
            total += float(h) * 60 * overlap_minutes(s, e, w0, w1) / max(minutes_between(s, e), 1)
    per_day = [(s, e) for s, e, h, _ in spans if pd.isna(h)]
    day_cap = round(contract_hours * 60 / 5)
    for i in range(7):
        d0, d1 = day_bounds(monday + dt.timedelta(days=i), cfg)
        m = sum(overlap_minutes(s, e, d0, d1) for s, e in per_day)
        total += min(m, day_cap)
    return min(round(total), round(contract_hours * 60))


def sick_from(absences: pd.DataFrame, officer_id: str, monday: dt.date, cfg: Config) -> dt.datetime | None:
    """The moment a sick call cuts the week short: a sickness absence (``[absences] sickness``) that a re-plan
    added (column ``sick_call``: ``planner replan --absent``, or its ``added_absences.csv``), starts at or after the
    week began and lasts to its end. None when the week is not cut short.

    Such a week cannot be planned to the norm any more (what lay before the sick call is worked, nothing can be
    planned after it), so the norm's hard rule does not hold the officer to it (``planner.rules.norm``); the week
    still counts in reports. Sickness known when the week is planned (absences.csv) is no exemption: the hours
    before it are planned to the norm like any other.
    """
    if absences.empty or "sick_call" not in absences:
        return None
    w0, w1 = day_bounds(monday, cfg)[0], day_bounds(monday + dt.timedelta(days=6), cfg)[1]
    sick = set(cfg.absences.sickness)
    rows = absences[(absences["officer_id"] == officer_id) & (absences["kind"] == "unavailable")
                    & (absences["sick_call"] == True)]  # noqa: E712 (NaN for rows of absences.csv)
    for s, e, reason in zip(rows["start"], rows["end"], rows["reason"], strict=True):
        if str(reason).strip().lower() in sick and w0 <= s < w1 and e >= w1:
            return s  # type: ignore[no-any-return]
    return None


def fixed_blocks(
    absences: pd.DataFrame, officer_id: str, contract_hours: float, days: list[dt.date], cfg: Config
) -> list[FixedBlock]:
    """Work absences (training, court) of one officer that start on ``days``, as duties the roster must hold.

    A part of a work absence lasting 12 hours or more within one day (given as whole dates) becomes a duty of
    ``contract_hours / 5`` from 09:00 on that day; a shorter absence is a duty exactly as given (even across
    midnight), dated by its start. Several duties on one day are all kept. A duty that overlaps the officer's leave
    or sickness is no duty (the absence wins: a sick officer does not attend the course).
    """
    if absences.empty:
        return []
    rows = absences[(absences["officer_id"] == officer_id) & (absences["kind"] == "work")]
    if rows.empty:
        return []
    away = [(a, b) for a, b, *_ in _unavailable_spans(absences, officer_id)]
    wanted = set(days)
    out: list[FixedBlock] = []
    for s, e, act, reason in zip(rows["start"], rows["end"], rows["activity"], rows["reason"], strict=True):
        if minutes_between(s, e) < WHOLE_DAY_MIN:
            day = s.astimezone(cfg.tz).date()
            if day in wanted:
                out.append(FixedBlock(officer_id, day, s, e, str(act), str(reason)))
            continue
        day = s.astimezone(cfg.tz).date()
        while True:
            d0, d1 = day_bounds(day, cfg)
            if d0 >= e:
                break
            lo, hi = max(s, d0), min(e, d1)
            if day in wanted and hi > lo:
                if minutes_between(lo, hi) >= WHOLE_DAY_MIN:
                    lo = local(day, WHOLE_DAY_WORK_START, cfg.tz)
                    hi = (lo.astimezone(UTC) + dt.timedelta(minutes=round(contract_hours * 60 / 5))).astimezone(cfg.tz)
                out.append(FixedBlock(officer_id, day, lo, hi, str(act), str(reason)))
            day += dt.timedelta(days=1)
    # Leave or sickness wins over a duty it overlaps (a sick officer does not attend the course).
    out = [fb for fb in out if not any(a < fb.end and fb.start < b for a, b in away)]
    return sorted(out, key=lambda b: b.start)


def available_minutes(contract_hours: float, leave_min: int) -> int:
    """Available minutes in a week: contract hours minus unavailable absence (never below 0)."""
    return max(0, round(contract_hours * 60) - leave_min)


def norm_denominator(available_min: int, worked_min: int, not_available_min: int = 0) -> int:
    """The norm's denominator: the available hours, or the hours worked when more (so a share never exceeds 100 %
    and overtime spent outside the wijk is visible), both without the hours of activities that do not count as
    available (``[activities.<name>] available = false``, e.g. training)."""
    return max(0, available_min - not_available_min, worked_min - not_available_min)


def norm_required_minutes(available_min: int, share: Fraction) -> int:
    """Smallest whole number of minutes that is at least ``share`` of ``available_min``."""
    num = available_min * share.numerator
    return -(-num // share.denominator)


def is_own(cfg: Config, activity: str, wijk_code: str, wijken: tuple[str, ...]) -> bool:
    """Whether a block counts for the norm: its activity counts under the reading, and a ``wijk`` block lies in
    one of the officer's own wijken."""
    return cfg.counts_for_norm(activity) and (activity != "wijk" or wijk_code in wijken)
