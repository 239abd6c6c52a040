"""The checker's view of a roster: every officer's blocks and shifts in real time, with the history before it.

Conventions (one definition, used by every rule's check and mirrored by its encoding)
----------------------------------------------------------------------------------
- A *shift* is one or more blocks of one officer that touch or overlap (end >= next start); its ``date`` is the
  ``date`` of its first block, and a week's work is every block whose ``date`` lies in that ISO week.
- History holds earlier weeks; history rows in a week that the roster covers (or that is checked) are dropped,
  so the roster wins. History rows of officers not in officers.csv are ignored.
- The *known horizon* runs from Monday 00:00 of the first known week (roster or history) to Monday 00:00 after
  the last; time outside it is never counted as rest.
- A week is *known* for an officer when it is checked, in the roster, or a history week with work of theirs.
- Durations are real elapsed minutes (exact across DST); amounts are hours, counts or share points.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from planner.config import Config
from planner.dataset import Dataset
from planner.hours import available_minutes, is_own, leave_minutes, norm_denominator, sick_from
from planner.rules.base import day_text, epoch_min, monday_of, range_text
from planner.timeutil import is_night, local, minutes_between, parse_hhmm


@dataclass(frozen=True)
class Block:
    officer_id: str
    date: dt.date
    start: dt.datetime
    end: dt.datetime
    activity: str
    wijk_code: str
    shift_code: str
    task: str
    history: bool
    row: int | None

    @property
    def minutes(self) -> int:
        return minutes_between(self.start, self.end)


@dataclass
class Shift:
    officer_id: str
    date: dt.date
    start: dt.datetime
    end: dt.datetime
    blocks: list[Block]
    night: bool = False
    late_night: bool = False
    name: str = ""

    @property
    def minutes(self) -> int:
        return minutes_between(self.start, self.end)

    @property
    def history(self) -> bool:
        return all(b.history for b in self.blocks)

    @property
    def label(self) -> str:
        return f"the {self.name} shift of {day_text(self.date)}"

    @property
    def when(self) -> str:
        return range_text(self.start, self.end)


def late_night(start: dt.datetime, end: dt.datetime, cfg: Config) -> bool:
    """A night shift ending after ``rules.late_night_end`` (02:00): it needs the longer rest after it."""
    return is_night(start, end, cfg.rules.night_min_minutes_00_06) and end > local(
        end.date(), parse_hhmm(cfg.rules.late_night_end), cfg.tz
    )


def is_evening(date: dt.date, end: dt.datetime, night: bool, cfg: Config) -> bool:
    """An evening shift (fairness): not a night, ending after 21:00 or on a later date."""
    return not night and (end.date() > date or end >= local(date, dt.time(21), cfg.tz))


@dataclass
class Timeline:
    """What every rule's check needs, computed once: officers, blocks and shifts (roster + history), the weeks."""

    ds: Dataset
    cfg: Config
    officers: dict[str, dict[str, Any]]
    roster_blocks: list[Block]
    blocks: dict[str, list[Block]]
    shifts: dict[str, list[Shift]]
    weeks: list[dt.date]
    known_weeks: list[dt.date]
    officer_weeks: dict[str, list[dt.date]]
    _leave: dict[tuple[str, dt.date], int] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self._checked = set(self.weeks)
        self._worked: dict[tuple[str, dt.date], int] = {}
        self._own: dict[tuple[str, dt.date], int] = {}
        self._not_available: dict[tuple[str, dt.date], int] = {}
        for oid, blocks in self.blocks.items():
            wijken = self.officers[oid]["wijken"]
            for b in blocks:
                key = (oid, monday_of(b.date))
                self._worked[key] = self._worked.get(key, 0) + b.minutes
                if is_own(self.cfg, b.activity, b.wijk_code, wijken):
                    self._own[key] = self._own.get(key, 0) + b.minutes
                if not self.cfg.is_available(b.activity):
                    self._not_available[key] = self._not_available.get(key, 0) + b.minutes

    @property
    def tz(self) -> Any:
        return self.cfg.tz

    def checked(self, day: dt.date) -> bool:
        return monday_of(day) in self._checked

    def horizon(self) -> tuple[int, int]:
        """Epoch minutes of the known horizon's start and end."""
        first, last = self.known_weeks[0], self.known_weeks[-1] + dt.timedelta(days=7)
        return epoch_min(local(first, dt.time(0), self.tz)), epoch_min(local(last, dt.time(0), self.tz))

    def worked(self, oid: str, monday: dt.date) -> int:
        return self._worked.get((oid, monday), 0)

    def own(self, oid: str, monday: dt.date) -> int:
        return self._own.get((oid, monday), 0)

    def leave(self, oid: str, monday: dt.date) -> int:
        key = (oid, monday)
        if key not in self._leave:
            self._leave[key] = leave_minutes(
                self.ds.absences_of(oid), oid, self.officers[oid]["contract_hours"], monday, self.cfg
            )
        return self._leave[key]

    def available(self, oid: str, monday: dt.date) -> int:
        return available_minutes(self.officers[oid]["contract_hours"], self.leave(oid, monday))

    def not_available(self, oid: str, monday: dt.date) -> int:
        """Minutes of activities that do not count as available (``available = false``)."""
        return self._not_available.get((oid, monday), 0)

    def denominator(self, oid: str, monday: dt.date) -> int:
        return norm_denominator(self.available(oid, monday), self.worked(oid, monday), self.not_available(oid, monday))

    def sick_from(self, oid: str, monday: dt.date) -> dt.datetime | None:
        return sick_from(self.ds.absences_of(oid), oid, monday, self.cfg)

    def balance(self, oid: str, monday: dt.date) -> int:
        """The hours balance at the end of ``monday``'s week, in minutes: worked minus available over the officer's
        known weeks up to it (history weeks in which the officer has blocks, and every checked week)."""
        return sum(self.worked(oid, w) - self.available(oid, w) for w in self.officer_weeks.get(oid, []) if w <= monday)

    def window(self, oid: str, monday: dt.date, weeks: int) -> list[dt.date]:
        """The officer's known weeks among the ``weeks`` weeks ending with ``monday``."""
        first = monday - dt.timedelta(weeks=weeks - 1)
        return [w for w in self.officer_weeks[oid] if first <= w <= monday]

    def dates_worked(self, oid: str) -> dict[dt.date, list[Shift]]:
        out: dict[dt.date, list[Shift]] = {}
        for s in self.shifts.get(oid, []):
            out.setdefault(s.date, []).append(s)
        return out


def build_timeline(
    ds: Dataset,
    roster: pd.DataFrame,
    history: pd.DataFrame | None,
    weeks: list[dt.date] | None,
    officers: Iterable[str] | None = None,
) -> Timeline:
    """The timeline of ``roster`` (checked weeks ``weeks``, default every week it touches) after ``history``.

    ``officers`` limits the check to these officers (the rest of the team is not judged).
    """
    cfg = ds.config
    tz = cfg.tz
    only = set(officers) if officers is not None else None
    facts = {
        str(r["officer_id"]): {
            "name": r["name"],
            "wijken": tuple(r["wijken"]),
            "contract_hours": float(r["contract_hours"]),
            "night_exempt": bool(r["night_exempt"]),
            "team": r.get("team", ""),
        }
        for r in ds.officers.to_dict("records")
        if only is None or str(r["officer_id"]) in only
    }
    roster_blocks = [b for b in read_blocks(roster, tz, history=False) if only is None or b.officer_id in only]
    check = sorted({monday_of(w) for w in weeks}) if weeks is not None else checked_weeks(roster)
    covered = set(check) | {monday_of(b.date) for b in roster_blocks}
    hist_blocks = (
        [b for b in read_blocks(history, tz, history=True) if monday_of(b.date) not in covered]
        if history is not None
        else []
    )
    known = sorted(covered | {monday_of(b.date) for b in hist_blocks})
    by_officer: dict[str, list[Block]] = {oid: [] for oid in facts}
    for b in roster_blocks + hist_blocks:
        if b.officer_id in by_officer:
            by_officer[b.officer_id].append(b)
    for blocks in by_officer.values():
        blocks.sort(key=lambda b: (b.start, b.end))
    shifts = {oid: merge_shifts(blocks, cfg) for oid, blocks in by_officer.items()}
    officer_weeks = {
        oid: sorted(covered | {monday_of(b.date) for b in blocks if b.history}) for oid, blocks in by_officer.items()
    }
    return Timeline(ds, cfg, facts, roster_blocks, by_officer, shifts, check, known, officer_weeks)


def checked_weeks(roster: pd.DataFrame) -> list[dt.date]:
    """The ISO week Mondays touched by the roster's ``date`` column."""
    return sorted({monday_of(as_date(d)) for d in roster["date"]}) if len(roster) else []


def read_blocks(df: pd.DataFrame | None, tz: Any, history: bool) -> list[Block]:
    if df is None or df.empty:
        return []
    out = []
    for r in df.to_dict("records"):
        start, end = as_datetime(r["start"]).astimezone(tz), as_datetime(r["end"]).astimezone(tz)
        d = r.get("date")
        day = start.date() if d is None or (isinstance(d, float) and pd.isna(d)) or d == "" else as_date(d)
        row = r.get("_row")
        out.append(
            Block(
                str(r["officer_id"]),
                day,
                start,
                end,
                str(r["activity"]).strip().lower(),
                text(r.get("wijk_code")),
                text(r.get("shift")),
                text(r.get("task")),
                history,
                int(row) if row is not None and not pd.isna(row) else None,
            )
        )
    return out


def merge_shifts(blocks: list[Block], cfg: Config) -> list[Shift]:
    """Blocks that touch or overlap form one shift (overlaps are reported by ``roster_rows_valid``)."""
    out: list[Shift] = []
    for b in blocks:
        if out and b.start <= out[-1].end:
            out[-1].blocks.append(b)
            out[-1].end = max(out[-1].end, b.end)
            continue
        out.append(Shift(b.officer_id, b.date, b.start, b.end, [b]))
    by_code = {s.code: s.name for s in cfg.shifts}
    by_times = {(s.earliest, dt.time.fromisoformat(s.end)): s.name for s in cfg.shifts if s.end is not None}
    for sh in out:
        sh.night = is_night(sh.start, sh.end, cfg.rules.night_min_minutes_00_06)
        sh.late_night = late_night(sh.start, sh.end, cfg)
        code = next((b.shift_code for b in sh.blocks if b.shift_code), "")
        sh.name = (
            by_code.get(code) or by_times.get((sh.start.time(), sh.end.time())) or f"{sh.start:%H:%M}–{sh.end:%H:%M}"
        )
    return out


def as_datetime(value: Any) -> dt.datetime:
    if isinstance(value, pd.Timestamp):
        return value.to_pydatetime()
    if isinstance(value, dt.datetime):
        return value
    raise TypeError(f"expected an aware datetime, got {value!r}")


def as_date(value: Any) -> dt.date:
    if isinstance(value, dt.datetime | pd.Timestamp):
        return value.date()
    if isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value))


def text(value: Any) -> str:
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return ""
    return str(value).strip()
