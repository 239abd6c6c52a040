"""The exact check: every hard rule of a roster verified in real time, breaches in domain words.

The checks live with their rules (``planner.rules``: each rule's ``check`` beside its CP-SAT encoding); this module
builds the roster's timeline and runs them. It never imports OR-Tools: a hand-made or realized roster is checked
without the solver. Every limit comes from ``ds.config``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

import pandas as pd

from planner.dataset import Dataset
from planner.hours import norm_required_minutes
from planner.rules import HARD_RULES, Breach, hard_rules
from planner.rules.base import monday_of
from planner.rules.timeline import as_date, build_timeline, checked_weeks
from planner.timeutil import week_label

#: The hard rules, by name, in the order they are reported (the registry in planner.rules decides).
RULES = {r.name: r for r in HARD_RULES}

__all__ = ["RULES", "Breach", "check_roster", "checked_weeks", "combine_history", "officer_week_stats"]


def check_roster(
    ds: Dataset,
    roster: pd.DataFrame,
    history: pd.DataFrame | None = None,
    weeks: list[dt.date] | None = None,
    officers: Iterable[str] | None = None,
    rules: Iterable[str] | None = None,
) -> list[Breach]:
    """Check a roster against every hard rule; an empty list means it passes.

    Parameters
    ----------
    ds
        The data folder: officers, absences and the limits in ``ds.config``.
    roster
        Blocks as ``planner.roster_io.read_roster`` returns them (aware datetimes).
    history
        Earlier weeks in the same form: context for rules across the week boundary and rolling windows.
    weeks
        ISO week Mondays to check; default every ISO week touched by the roster's ``date``.
    officers
        Judge only these officers (e.g. a candidate for a cover); default every officer.
    rules
        Only these rules (by name); default every rule the settings switch on.

    Returns
    -------
    list[Breach]
        Ordered by rule (as in ``planner.rules.HARD_RULES``), officer and time.
    """
    tl = build_timeline(ds, roster, history, weeks, officers)
    out: list[Breach] = []
    for rule in hard_rules(ds.config, list(rules) if rules is not None else None):
        out.extend(rule.check(tl))
    return out


def combine_history(frames: Iterable[pd.DataFrame]) -> pd.DataFrame | None:
    """Several history rosters as one: a later frame wins for the same officer and ISO week."""
    parts = [f.assign(_src=i) for i, f in enumerate(frames) if len(f)]
    if not parts:
        return None
    allh = pd.concat(parts, ignore_index=True)
    allh["_monday"] = [monday_of(as_date(d)) for d in allh["date"]]
    latest = allh.groupby(["officer_id", "_monday"])["_src"].transform("max")
    return allh[allh["_src"] == latest].drop(columns=["_monday", "_src"]).reset_index(drop=True)


def officer_week_stats(
    ds: Dataset, roster: pd.DataFrame, weeks: list[dt.date] | None = None, history: pd.DataFrame | None = None
) -> pd.DataFrame:
    """Per officer per week: hours worked, available, own wijk, the share, nights, and the norm's window.

    The share's denominator is ``planner.hours.norm_denominator`` (available hours, or the hours worked when more),
    so a share never exceeds 100 %.

    Returns
    -------
    pandas.DataFrame
        officer_id, name, week (``2027-W03``), monday, shifts, nights, worked_h, leave_h, available_h,
        own_wijk_h, share (own / denominator; NaN with no available hours), window_weeks, window_own_h,
        window_available_h, window_share, norm_met, sick_from, balance_h (the hours balance at the week's end:
        hours worked minus available hours, summed over the officer's known weeks up to this one, history included).
    """
    tl = build_timeline(ds, roster, history, weeks)
    norm = tl.cfg.norm
    rows = []
    for oid, o in tl.officers.items():
        for w in tl.weeks:
            shifts = [s for s in tl.shifts.get(oid, []) if monday_of(s.date) == w]
            den, own = tl.denominator(oid, w), tl.own(oid, w)
            window = tl.window(oid, w, norm.window_weeks)
            w_den = sum(tl.denominator(oid, x) for x in window)
            w_own = sum(tl.own(oid, x) for x in window)
            sick = tl.sick_from(oid, w)
            balance = tl.balance(oid, w)
            rows.append(
                {
                    "officer_id": oid,
                    "name": o["name"],
                    "week": week_label(w),
                    "monday": w,
                    "shifts": len(shifts),
                    "nights": sum(1 for s in shifts if s.night),
                    "worked_h": round(tl.worked(oid, w) / 60, 4),
                    "leave_h": round(tl.leave(oid, w) / 60, 4),
                    "available_h": round(tl.available(oid, w) / 60, 4),
                    "own_wijk_h": round(own / 60, 4),
                    "share": own / den if den else float("nan"),
                    "window_weeks": len(window),
                    "window_own_h": round(w_own / 60, 4),
                    "window_available_h": round(w_den / 60, 4),
                    "window_share": w_own / w_den if w_den else float("nan"),
                    "norm_met": sick is not None
                    or own >= norm_required_minutes(den, norm.fraction)
                    or w_own >= norm_required_minutes(w_den, norm.fraction),
                    "sick_from": sick,
                    "balance_h": round(balance / 60, 4),
                }
            )
    cols = [
        "officer_id", "name", "week", "monday", "shifts", "nights", "worked_h", "leave_h", "available_h",
        "own_wijk_h", "share", "window_weeks", "window_own_h", "window_available_h", "window_share", "norm_met",
        "sick_from", "balance_h",
    ]
    return pd.DataFrame(rows, columns=cols)
