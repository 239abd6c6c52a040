"""Earlier weeks (planned or realized rosters) as constants: the previous week's tail and the norm's window."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from planner.hours import available_minutes, leave_minutes
from planner.roster_io import block_minutes, shifts_of
from planner.solver.instance import Instance, Work
from planner.timeutil import is_night, local, parse_hhmm

#: How far back history matters: 16 weeks (the longest rule window, nights and the 48 h average).
HISTORY_WEEKS = 16


def attach_history(inst: Instance, history: pd.DataFrame) -> None:
    """Fill each officer's ``history`` (shifts) and ``history_weeks`` (worked, available, own minutes)."""
    cfg = inst.cfg
    tz = cfg.tz
    start = inst.monday - dt.timedelta(weeks=HISTORY_WEEKS)
    hist = history[(history["date"] >= start) & (history["date"] < inst.monday)]
    if hist.empty:
        return
    late = parse_hhmm(cfg.rules.late_night_end)
    shifts = shifts_of(hist)
    minutes = block_minutes(hist)
    by_id = {o.officer_id: o for o in inst.officers}
    for s in shifts.to_dict("records"):
        o = by_id.get(s["officer_id"])
        if o is None:
            continue
        night = is_night(s["start"], s["end"], cfg.rules.night_min_minutes_00_06)
        late_night = night and s["end"] > local(s["end"].date(), late, tz)
        o.history.append(Work(s["date"], s["start"], s["end"], night, late_night))
    hist = hist.assign(_min=minutes, _monday=[d - dt.timedelta(days=d.weekday()) for d in hist["date"]])
    own = [
        cfg.counts_for_norm(a) and (a != "wijk" or w in by_id[oid].wijken) if oid in by_id else False
        for oid, a, w in zip(hist["officer_id"], hist["activity"], hist["wijk_code"], strict=True)
    ]
    hist = hist.assign(_own=[m if k else 0 for m, k in zip(hist["_min"], own, strict=True)])
    for (oid, monday), grp in hist.groupby(["officer_id", "_monday"], sort=True):
        o = by_id.get(str(oid))
        if o is None:
            continue
        offset = (inst.monday - monday).days // 7
        leave = leave_minutes(inst.ds.absences_of(o.officer_id), o.officer_id, o.contract_hours, monday, cfg)
        o.history_weeks.append(
            (offset, int(grp["_min"].sum()), available_minutes(o.contract_hours, leave), int(grp["_own"].sum()))
        )
    for o in inst.officers:
        o.history.sort(key=lambda w: w.start)
        o.history_weeks.sort()
