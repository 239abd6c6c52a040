"""The week as a compact, solver-free instance: shift slots cut into segments, demand windows, officers' facts."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import pandas as pd

from planner.dataset import Dataset
from planner.hours import FixedBlock, available_minutes, fixed_blocks, leave_minutes, overlap_minutes
from planner.timeutil import interval, is_night, local, minutes_between, parse_hhmm, week_days


@dataclass(frozen=True)
class Demand:
    """One demand window in the week: wijk presence (kind 'presence') or team demand ('noodhulp'/'event')."""

    id: str
    kind: str
    start: dt.datetime
    end: dt.datetime
    officers: float
    wijk_code: str
    theme: str
    factor: float
    name: str
    source_row: int

    @property
    def minutes(self) -> int:
        return minutes_between(self.start, self.end)

    @property
    def wanted_minutes(self) -> int:
        return round(self.officers * self.minutes)


@dataclass(frozen=True)
class Segment:
    """An elementary piece of a shift slot in which no demand window starts or ends."""

    start: dt.datetime
    end: dt.datetime
    minutes: int
    presence: tuple[int, ...]  # indices into Instance.demands (kind presence) covering it
    team: tuple[int, ...]  # indices into Instance.demands (noodhulp/event) covering it


@dataclass(frozen=True)
class Slot:
    """A shift type on one day of the week (shared by every officer)."""

    day: int  # 0..6 within the roster week
    date: dt.date
    code: str
    start: dt.datetime
    end: dt.datetime
    minutes: int
    night: bool
    late_night: bool  # a night shift ending after rules.late_night_end
    segments: tuple[Segment, ...]


@dataclass(frozen=True)
class Work:
    """A known piece of work outside the decision: a history shift or a fixed block (training, court)."""

    date: dt.date
    start: dt.datetime
    end: dt.datetime
    night: bool
    late_night: bool
    activity: str = "history"

    @property
    def minutes(self) -> int:
        return minutes_between(self.start, self.end)


@dataclass(frozen=True)
class Pinned:
    """A shift kept exactly as given: its blocks are copied to the roster and count as constants."""

    date: dt.date
    start: dt.datetime
    end: dt.datetime
    night: bool
    late_night: bool
    blocks: tuple[dict, ...]  # roster rows (officer_id, date, start, end, activity, wijk_code, shift, task)
    own_minutes: int

    @property
    def minutes(self) -> int:
        return minutes_between(self.start, self.end)


@dataclass
class OfficerWeek:
    """One officer's facts for the week."""

    officer_id: str
    name: str
    wijken: tuple[str, ...]
    contract_hours: float
    night_exempt: bool
    leave_min: int
    available_min: int
    fixed: list[FixedBlock]
    banned: set[tuple[int, str]]  # (day, code) overlapping an unavailable absence
    wished_off: set[int]
    history: list[Work] = field(default_factory=list)  # shifts before the week (from history rosters)
    pinned: list[Pinned] = field(default_factory=list)  # shifts kept exactly as given (pins, the past of a replan)
    history_weeks: list[tuple[int, int, int, int]] = field(default_factory=list)  # (offset, worked, avail, own)


@dataclass
class Instance:
    """Everything the model needs, computed once without the solver."""

    ds: Dataset
    monday: dt.date
    days: list[dt.date]
    slots: list[Slot]
    demands: list[Demand]
    officers: list[OfficerWeek]

    @property
    def cfg(self):  # type: ignore[no-untyped-def]
        return self.ds.config


def _applies(row: dict, day: dt.date) -> bool:
    """A demand row applies to its date, or (without a date) to every day of its weekday."""
    dated = row["date"] is not None and not pd.isna(row["date"])
    return row["date"] == day if dated else row["weekday"] == day.weekday()


def _demand_windows(ds: Dataset, days: list[dt.date]) -> list[Demand]:
    tz = ds.config.tz
    out: list[Demand] = []
    for r in ds.demand.to_dict("records"):
        for d in days:
            if _applies(r, d):
                s, e = interval(d, r["start"], r["end"], tz)
                out.append(
                    Demand(
                        f"P{len(out)}",
                        "presence",
                        s,
                        e,
                        float(r["officers"]),
                        r["wijk_code"],
                        r["theme"],
                        float(r["priority_factor"]),
                        f"{r['theme']} {r['wijk_code']}",
                        int(r["_row"]),
                    )
                )
    for r in ds.team_demand.to_dict("records"):
        for d in days:
            if _applies(r, d):
                s, e = interval(d, r["start"], r["end"], tz)
                out.append(
                    Demand(
                        f"T{len(out)}",
                        r["kind"],
                        s,
                        e,
                        float(r["officers"]),
                        r["wijk_code"] or "",
                        r["kind"],
                        1.0,
                        str(r["name"]),
                        int(r["_row"]),
                    )
                )
    return [d for d in out if d.wanted_minutes > 0]


def _slots(ds: Dataset, days: list[dt.date], demands: list[Demand]) -> list[Slot]:
    cfg = ds.config
    tz = cfg.tz
    late = parse_hhmm(cfg.rules.late_night_end)
    slots: list[Slot] = []
    bounds = sorted(
        {t for d in days for st in cfg.shifts for t in interval(d, st.start, st.end, tz)}
        | {t for dm in demands for t in (dm.start, dm.end)}
    )
    for i, d in enumerate(days):
        for st in cfg.shifts:
            s, e = interval(d, st.start, st.end, tz)
            minutes = minutes_between(s, e)
            night = is_night(s, e, cfg.rules.night_min_minutes_00_06)
            if minutes > cfg.rules.max_shift_hours * 60 or (night and minutes > cfg.rules.max_night_shift_hours * 60):
                continue  # Hard limits live in the domain: such a slot is never offered.
            late_night = night and e > local(e.date(), late, tz)
            # Cut at every shift and demand boundary inside the slot, so that segments of different slots
            # are either identical in time or disjoint, and "officers present at a moment" is one sum.
            points = [s, *(t for t in bounds if s < t < e), e]
            segs = []
            for a, b in zip(points, points[1:], strict=False):
                pres = tuple(
                    j for j, dm in enumerate(demands) if dm.kind == "presence" and dm.start <= a and b <= dm.end
                )
                team = tuple(
                    j for j, dm in enumerate(demands) if dm.kind != "presence" and dm.start <= a and b <= dm.end
                )
                segs.append(Segment(a, b, minutes_between(a, b), pres, team))
            slots.append(Slot(i, d, st.code, s, e, minutes, night, late_night, tuple(segs)))
    return slots


def build_instance(
    ds: Dataset,
    monday: dt.date,
    history: pd.DataFrame | None = None,
    pins: pd.DataFrame | None = None,
    frozen_before: dt.datetime | None = None,
) -> Instance:
    """Compute slots, demand windows and each officer's facts for the ISO week starting ``monday``.

    ``frozen_before``: no new shift may start before this moment (a re-plan leaves the past as it was).

    ``history`` holds earlier weeks (roster format); ``pins`` holds blocks of this week to keep exactly.
    """
    cfg = ds.config
    days = week_days(monday)
    demands = _demand_windows(ds, days)
    slots = _slots(ds, days, demands)
    wished_dates: dict[str, list[dt.date]] = {}
    for oid, d in zip(ds.wishes["officer_id"], ds.wishes["date"], strict=True):
        wished_dates.setdefault(oid, []).append(d)
    officers: list[OfficerWeek] = []
    # Most officers have no absence: look each officer's rows up once instead of filtering the team's per officer.
    for r in ds.officers.to_dict("records"):
        oid = r["officer_id"]
        mine = ds.absences_of(oid)
        if mine.empty:
            leave, fixed, own_abs = 0, [], mine
        else:
            leave = leave_minutes(mine, oid, r["contract_hours"], monday, cfg)
            fixed = fixed_blocks(mine, oid, r["contract_hours"], days, cfg)
            own_abs = mine[mine["kind"] == "unavailable"]
        banned = set()
        spans = list(zip(own_abs["start"], own_abs["end"], strict=True)) if own_abs is not None else []
        for sl in slots if spans else ():
            if any(overlap_minutes(sl.start, sl.end, a, b) > 0 for a, b in spans):
                banned.add((sl.day, sl.code))
        if frozen_before is not None:
            banned |= {(sl.day, sl.code) for sl in slots if sl.start < frozen_before}
        wished = {days.index(d) for d in wished_dates.get(oid, ()) if d in days}
        officers.append(
            OfficerWeek(
                officer_id=oid,
                name=r["name"],
                wijken=tuple(r["wijken"]),
                contract_hours=float(r["contract_hours"]),
                night_exempt=bool(r["night_exempt"]),
                leave_min=leave,
                available_min=available_minutes(r["contract_hours"], leave),
                fixed=fixed,
                banned=banned,
                wished_off=wished,
            )
        )
    inst = Instance(ds, monday, days, slots, demands, officers)
    if history is not None and len(history):
        from planner.solver.history import attach_history

        attach_history(inst, history)
    if pins is not None and len(pins):
        attach_pins(inst, pins)
    return inst


def attach_pins(inst: Instance, pins: pd.DataFrame) -> None:
    """Pinned blocks (roster format) become whole pinned shifts of their officers on their dates."""
    from planner.roster_io import shifts_of

    cfg = inst.cfg
    late = parse_hhmm(cfg.rules.late_night_end)
    by_id = {o.officer_id: o for o in inst.officers}
    week = pins[pins["date"].isin(inst.days)]
    for s in shifts_of(week).to_dict("records"):
        o = by_id.get(s["officer_id"])
        if o is None:
            continue
        blocks = tuple(week.loc[s["blocks"]].to_dict("records"))
        own = sum(
            minutes_between(b["start"], b["end"])
            for b in blocks
            if cfg.counts_for_norm(b["activity"]) and (b["activity"] != "wijk" or b["wijk_code"] in o.wijken)
        )
        night = is_night(s["start"], s["end"], cfg.rules.night_min_minutes_00_06)
        late_night = night and s["end"] > local(s["end"].date(), late, cfg.tz)
        o.pinned.append(Pinned(s["date"], s["start"], s["end"], night, late_night, blocks, own))
    for o in inst.officers:
        o.pinned.sort(key=lambda p: p.start)
        # A pinned day replaces that day's fixed block (the pins of a published roster hold it already).
        pinned_days = {p.date for p in o.pinned}
        o.fixed = [fb for fb in o.fixed if fb.date not in pinned_days]
