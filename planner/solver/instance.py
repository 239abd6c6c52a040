"""A period (one or more ISO weeks) as a compact, solver-free instance: candidate shifts, duties, demand windows,
officers' facts, and the history before the period as constants.

Times in the model are whole minutes since ``Instance.epoch`` (Monday 00:00 of the first known week), in real
elapsed time: exact across DST.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field

import pandas as pd

from planner.dataset import Dataset
from planner.hours import FixedBlock, available_minutes, fixed_blocks, is_own, leave_minutes, sick_from
from planner.rules.base import epoch_min, monday_of
from planner.rules.timeline import Shift, is_evening, late_night, merge_shifts, read_blocks
from planner.timeutil import UTC, interval, is_night, local, minutes_between, week_days


@dataclass(frozen=True)
class Demand:
    """One demand window: wijk presence (kind 'presence') or team demand ('noodhulp'/'event')."""

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
    s: int = 0  # model minutes
    e: int = 0
    team: str = ""  # a team demand window's basisteam ("" = any): only its officers serve it

    @property
    def minutes(self) -> int:
        return minutes_between(self.start, self.end)

    @property
    def wanted_minutes(self) -> int:
        return round(self.officers * self.minutes)

    @property
    def cap(self) -> int:
        """Officers that count at one moment."""
        return max(1, math.ceil(self.officers - 1e-9))


@dataclass(frozen=True)
class Candidate:
    """One shift an officer may work on a date: a family's start and length, or the exact span of the day's duties."""

    family: str
    date: dt.date
    start: dt.datetime
    end: dt.datetime
    s: int
    e: int
    night: bool
    late: bool
    evening: bool

    @property
    def minutes(self) -> int:
        return self.e - self.s

    @property
    def weekend(self) -> bool:
        return self.date.weekday() >= 5

    @property
    def label(self) -> str:
        return f"{self.date} {self.family} {self.start:%H:%M}–{self.end:%H:%M}"


@dataclass(frozen=True)
class Fixed:
    """A shift that is given: from history (before the period) or pinned (kept exactly in the period)."""

    date: dt.date
    start: dt.datetime
    end: dt.datetime
    s: int
    e: int
    night: bool
    late: bool
    evening: bool
    history: bool
    blocks: tuple[dict, ...] = ()  # roster rows of a pinned shift
    own_minutes: int = 0

    @property
    def minutes(self) -> int:
        return self.e - self.s

    @property
    def weekend(self) -> bool:
        return self.date.weekday() >= 5


@dataclass
class Day:
    """One officer's date in the period: the candidate shifts, the duties they must hold, or a pinned shift."""

    date: dt.date
    candidates: list[Candidate] = field(default_factory=list)
    duties: list[FixedBlock] = field(default_factory=list)
    pinned: list[Fixed] = field(default_factory=list)
    why_none: str = ""  # why no shift is possible (leave, exemption, ...), for explanations


@dataclass
class WeekFacts:
    """One officer's week: available and leave minutes, a sickness that cuts it short; history weeks' figures."""

    monday: dt.date
    planned: bool
    leave_min: int
    available_min: int
    sick_from: dt.datetime | None = None
    worked_min: int = 0  # history weeks
    own_min: int = 0
    nights: int = 0
    not_available_min: int = 0  # history weeks: minutes of activities that do not count as available


@dataclass
class OfficerFacts:
    """One officer: who, where, the days of the period, the history before it and the weeks."""

    officer_id: str
    name: str
    wijken: tuple[str, ...]
    contract_hours: float
    night_exempt: bool
    team: str
    days: list[Day]
    history: list[Fixed]
    weeks: dict[dt.date, WeekFacts]
    wished_off: set[dt.date]
    balance_start_min: int = 0
    away: list[tuple[dt.datetime, dt.datetime, str]] = field(default_factory=list)

    @property
    def primary(self) -> str:
        return self.wijken[0]


@dataclass
class Instance:
    """Everything the model needs, computed once without the solver."""

    ds: Dataset
    mondays: list[dt.date]
    days: list[dt.date]
    epoch: dt.datetime
    demands: list[Demand]
    officers: list[OfficerFacts]
    frozen_before: dt.datetime | None = None

    @property
    def cfg(self):  # type: ignore[no-untyped-def]
        return self.ds.config

    @property
    def monday(self) -> dt.date:
        return self.mondays[0]

    def m(self, t: dt.datetime) -> int:
        """Model minutes of a moment."""
        return epoch_min(t) - epoch_min(self.epoch)

    def at(self, minutes: int) -> dt.datetime:
        return (self.epoch.astimezone(UTC) + dt.timedelta(minutes=minutes)).astimezone(self.cfg.tz)

    @property
    def end(self) -> int:
        """Model minutes of the period's end (Monday 00:00 after the last week)."""
        return self.m(local(self.mondays[-1] + dt.timedelta(days=7), dt.time(0), self.cfg.tz))

    @property
    def start(self) -> int:
        return self.m(local(self.mondays[0], dt.time(0), self.cfg.tz))


def _applies(row: dict, day: dt.date) -> bool:
    """A demand row applies to its date, or (without a date) to every day of its weekday."""
    dated = row["date"] is not None and not pd.isna(row["date"])
    return row["date"] == day if dated else row["weekday"] == day.weekday()


def demand_windows(ds: Dataset, days: list[dt.date]) -> list[Demand]:
    """Every wijk presence and team demand window on ``days`` (with a positive number of officer-minutes)."""
    tz = ds.config.tz
    out: list[Demand] = []
    for r in ds.demand.to_dict("records"):
        for d in days:
            if _applies(r, d):
                s, e = interval(d, r["start"], r["end"], tz)
                out.append(
                    Demand(
                        f"P{len(out)}", "presence", s, e, float(r["officers"]), r["wijk_code"], r["theme"],
                        float(r["priority_factor"]), f"{r['theme']} {r['wijk_code']}", int(r["_row"]),
                    )
                )
    for r in ds.team_demand.to_dict("records"):
        for d in days:
            if _applies(r, d):
                s, e = interval(d, r["start"], r["end"], tz)
                out.append(
                    Demand(
                        f"T{len(out)}", r["kind"], s, e, float(r["officers"]), r["wijk_code"] or "", r["kind"], 1.0,
                        str(r["name"]), int(r["_row"]), team=str(r.get("team") or ""),
                    )
                )
    return [d for d in out if d.wanted_minutes > 0]


def family_shifts(ds: Dataset, day: dt.date) -> list[tuple[str, dt.datetime, dt.datetime]]:
    """Every shift of every family starting on ``day``: (family code, start, end), real lengths."""
    tz = ds.config.tz
    out = []
    for fam in ds.config.shifts:
        if fam.fixed:
            assert fam.end is not None
            s, e = interval(day, fam.earliest, dt.time.fromisoformat(fam.end), tz)
            out.append((fam.code, s, e))
            continue
        for clock, offset in fam.starts():
            s = local(day + dt.timedelta(days=offset), clock, tz)
            for length in fam.lengths_min():
                e = (s.astimezone(UTC) + dt.timedelta(minutes=length)).astimezone(tz)
                out.append((fam.code, s, e))
    return out


def _candidate(inst_epoch: int, code: str, day: dt.date, s: dt.datetime, e: dt.datetime, ds: Dataset) -> Candidate:
    cfg = ds.config
    night = is_night(s, e, cfg.rules.night_min_minutes_00_06)
    return Candidate(
        code, day, s, e, epoch_min(s) - inst_epoch, epoch_min(e) - inst_epoch, night, late_night(s, e, cfg),
        is_evening(day, e, night, cfg),
    )


def _fixed(
    inst_epoch: int, sh: Shift, history: bool, ds: Dataset, wijken: tuple[str, ...], blocks: tuple = ()
) -> Fixed:
    cfg = ds.config
    own = sum(b.minutes for b in sh.blocks if is_own(cfg, b.activity, b.wijk_code, wijken))
    return Fixed(
        sh.date, sh.start, sh.end, epoch_min(sh.start) - inst_epoch, epoch_min(sh.end) - inst_epoch, sh.night,
        sh.late_night, is_evening(sh.date, sh.end, sh.night, cfg), history, blocks, own,
    )


def build_instance(
    ds: Dataset,
    mondays: list[dt.date] | dt.date,
    history: pd.DataFrame | None = None,
    pins: pd.DataFrame | None = None,
    frozen_before: dt.datetime | None = None,
    extra_shifts: pd.DataFrame | None = None,
    rule_names: list[str] | None = None,
) -> Instance:
    """Compute candidates, duties, demand windows and each officer's facts for the ISO weeks ``mondays``.

    ``history`` holds earlier weeks (roster format) before the period; ``pins`` holds blocks of the period to keep
    exactly; ``frozen_before``: no new shift may start before this moment (a re-plan leaves the past as it was);
    ``extra_shifts`` (roster format) adds each of its shifts as a candidate of its officer (to test a roster on the
    model, or to hint a roster whose times lie off the families' grid).
    """
    from planner.rules import hard_rules

    cfg = ds.config
    tz = cfg.tz
    rules = hard_rules(cfg, rule_names)
    mondays = [mondays] if isinstance(mondays, dt.date) else sorted(mondays)
    days = [d for m in mondays for d in week_days(m)]
    hist = history if history is not None and len(history) else None
    if hist is not None:
        hist = hist[pd.to_datetime(hist["date"]).dt.date < mondays[0]] if len(hist) else hist
    hist_blocks = read_blocks(hist, tz, history=True)
    first_known = min([mondays[0], *(monday_of(b.date) for b in hist_blocks)])
    epoch = local(first_known, dt.time(0), tz)
    e0 = epoch_min(epoch)
    demands = [
        Demand(**{**d.__dict__, "s": epoch_min(d.start) - e0, "e": epoch_min(d.end) - e0})
        for d in demand_windows(ds, days)
    ]
    templates = {d: family_shifts(ds, d) for d in days}
    wished: dict[str, set[dt.date]] = {}
    for oid, d in zip(ds.wishes["officer_id"], ds.wishes["date"], strict=True):
        wished.setdefault(oid, set()).add(d)
    hist_by: dict[str, list] = {}
    for b in hist_blocks:
        hist_by.setdefault(b.officer_id, []).append(b)
    pin_by: dict[str, list] = {}
    pin_rows: dict[tuple, dict] = {}
    if pins is not None and len(pins):
        for rec, b in zip(pins.to_dict("records"), read_blocks(pins, tz, history=False), strict=True):
            pin_by.setdefault(b.officer_id, []).append(b)
            pin_rows[(b.officer_id, b.start, b.end)] = rec
    extra_by: dict[str, list] = {}
    if extra_shifts is not None and len(extra_shifts):
        for b in read_blocks(extra_shifts, tz, history=False):
            extra_by.setdefault(b.officer_id, []).append(b)
    officers: list[OfficerFacts] = []
    for r in ds.officers.to_dict("records"):
        oid = str(r["officer_id"])
        wijken = tuple(r["wijken"])
        contract = float(r["contract_hours"])
        mine = ds.absences_of(oid)
        away = [
            (s, e, str(reason))
            for s, e, k, reason in zip(mine["start"], mine["end"], mine["kind"], mine["reason"], strict=True)
            if k == "unavailable"
        ] if len(mine) else []
        duties = fixed_blocks(mine, oid, contract, days, cfg) if len(mine) else []
        history_shifts = [
            _fixed(e0, sh, True, ds, wijken) for sh in merge_shifts(sorted(hist_by.get(oid, []), key=_key), cfg)
        ]
        pinned_shifts = []
        for sh in merge_shifts(sorted(pin_by.get(oid, []), key=_key), cfg):
            rows = tuple(pin_rows[(oid, b.start, b.end)] for b in sh.blocks)
            pinned_shifts.append(_fixed(e0, sh, False, ds, wijken, rows))
        extra = [sh for sh in merge_shifts(sorted(extra_by.get(oid, []), key=_key), cfg)]
        day_list: list[Day] = []
        for d in days:
            day = Day(d, duties=[fb for fb in duties if fb.date == d], pinned=[p for p in pinned_shifts if p.date == d])
            if not day.pinned:
                day.candidates, day.why_none = _day_candidates(
                    e0, ds, d, templates[d], day.duties, away, bool(r["night_exempt"]), frozen_before,
                    [sh for sh in extra if sh.date == d], rules,
                )
            day_list.append(day)
        weeks: dict[dt.date, WeekFacts] = {}
        for m in mondays:
            leave = leave_minutes(mine, oid, contract, m, cfg) if len(mine) else 0
            weeks[m] = WeekFacts(m, True, leave, available_minutes(contract, leave),
                                 sick_from(mine, oid, m, cfg) if len(mine) else None)
        balance = 0
        for m in sorted({monday_of(b.date) for b in hist_by.get(oid, [])}):
            leave = leave_minutes(mine, oid, contract, m, cfg) if len(mine) else 0
            blocks = [b for b in hist_by[oid] if monday_of(b.date) == m]
            wf = WeekFacts(
                m, False, leave, available_minutes(contract, leave),
                worked_min=sum(b.minutes for b in blocks),
                own_min=sum(b.minutes for b in blocks if is_own(cfg, b.activity, b.wijk_code, wijken)),
                not_available_min=sum(b.minutes for b in blocks if not cfg.is_available(b.activity)),
                nights=sum(1 for f in history_shifts if f.night and monday_of(f.date) == m),
            )
            weeks[m] = wf
            balance += wf.worked_min - wf.available_min
        officers.append(
            OfficerFacts(
                oid, str(r["name"]), wijken, contract, bool(r["night_exempt"]), str(r.get("team", "")), day_list,
                history_shifts, dict(sorted(weeks.items())), wished.get(oid, set()) & set(days), balance, away,
            )
        )
    return Instance(ds, mondays, days, epoch, demands, officers, frozen_before)


def _key(b):  # type: ignore[no-untyped-def]
    return (b.start, b.end)


def _day_candidates(
    e0: int,
    ds: Dataset,
    day: dt.date,
    templates: list[tuple[str, dt.datetime, dt.datetime]],
    duties: list[FixedBlock],
    away: list[tuple[dt.datetime, dt.datetime, str]],
    night_exempt: bool,
    frozen_before: dt.datetime | None,
    extra: list[Shift],
    rules: list,
) -> tuple[list[Candidate], str]:
    """The shifts an officer may work on ``day``: every family shift, plus the exact span of the day's duties (so a
    duty day is never impossible for the families' sake) and any ``extra`` shift, that every hard rule ``allows``
    (leave, exemption, lengths, duties inside) and that starts after ``frozen_before``."""
    from planner.rules.roster import OfficerDay

    cfg = ds.config
    od = OfficerDay(night_exempt, away, duties)
    spans = list(templates)
    if duties:
        spans.append(("", min(fb.start for fb in duties), max(fb.end for fb in duties)))
    spans += [("", sh.start, sh.end) for sh in extra]
    out: list[Candidate] = []
    seen: set[tuple[int, int]] = set()
    why = ""
    for code, s, e in spans:
        c = _candidate(e0, code, day, s, e, ds)
        if (c.s, c.e) in seen:
            continue
        if frozen_before is not None and s < frozen_before:
            why = why or "before the re-plan"
            continue
        refused = next((r for r in rules if not r.allows(c, od, cfg)), None)
        if refused is not None:
            hit = next((reason for a, b, reason in away if a < e and s < b), None)
            why = why or hit or refused.words(cfg)
            continue
        seen.add((c.s, c.e))
        out.append(c)
    out.sort(key=lambda c: (c.s, c.e))
    return out, ("" if out else why or "no shift fits")
