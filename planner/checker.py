"""The independent checker: every hard rule of a roster verified without the solver, breaches in domain words.

The checker is the oracle for the CP-SAT solver and for hand-edited or realized rosters. It shares only the
definitions of ``planner.hours`` (leave, available minutes, fixed blocks, the norm's rounding) with the solver
and never imports OR-Tools. Every limit comes from ``ds.config.rules`` and ``ds.config.norm``.

Conventions
-----------
- A *shift* is one or more blocks of one officer that touch (end == next start); its ``date`` is the ``date``
  of its first block, and a week's work is every block whose ``date`` lies in that ISO week.
- History holds earlier weeks; history rows in a week that the roster covers (or that is checked) are dropped,
  so the roster wins. History rows of officers not in officers.csv are ignored.
- A breach is reported in the week it belongs to: for rest rules, the week of the shift that comes too soon;
  for window rules (weekly rest, averages, the norm), the week in which the window ends. Only checked weeks
  are reported; history only gives context.
- Durations are real elapsed minutes (exact across DST); amounts are hours, counts or share points.
"""

from __future__ import annotations

import bisect
import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from planner.config import Config
from planner.dataset import Dataset
from planner.hours import available_minutes, fixed_blocks, leave_minutes, norm_required_minutes
from planner.timeutil import UTC, is_night, local, minutes_between, parse_hhmm, week_label

_DAY_NAMES = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
_MONTH_NAMES = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
_WEEK_MIN = 7 * 24 * 60


@dataclass(frozen=True)
class Breach:
    """One breach of one hard rule by one officer: which rule, when, what in domain words, and by how much.

    Attributes
    ----------
    rule
        Rule id, the name of the rule function (``daily_rest``, ``own_wijk_share``, ...).
    officer_id
        The officer (as written in the roster for an unknown officer).
    when
        Date (``2027-01-19``), ISO week (``2027-W03``) or local time range, human readable.
    message
        The breach in domain words, starting with the officer id.
    amount
        By how much: hours for durations, a count for counts (see each rule's docstring).
    """

    rule: str
    officer_id: str
    when: str
    message: str
    amount: float


@dataclass(frozen=True)
class _Block:
    officer_id: str
    date: dt.date
    start: dt.datetime
    end: dt.datetime
    activity: str
    wijk_code: str
    shift_code: str
    history: bool
    row: int | None


@dataclass
class _Shift:
    officer_id: str
    date: dt.date
    start: dt.datetime
    end: dt.datetime
    blocks: list[_Block]
    night: bool = False
    late_night: bool = False
    name: str = ""

    @property
    def minutes(self) -> int:
        return minutes_between(self.start, self.end)

    @property
    def label(self) -> str:
        return f"the {self.name} shift of {_day(self.date)}"

    @property
    def when(self) -> str:
        return _range(self.start, self.end)


@dataclass
class _Ctx:
    """What every rule needs, computed once: officers, blocks and shifts (roster + history), the weeks."""

    ds: Dataset
    cfg: Config
    officers: dict[str, dict[str, Any]]
    roster_blocks: list[_Block]
    blocks: dict[str, list[_Block]]
    shifts: dict[str, list[_Shift]]
    weeks: list[dt.date]
    known_weeks: list[dt.date]
    officer_weeks: dict[str, list[dt.date]]
    _leave: dict[tuple[str, dt.date], int] = field(default_factory=dict)

    def checked(self, day: dt.date) -> bool:
        return _monday(day) in self._checked

    def __post_init__(self) -> None:
        self._checked = set(self.weeks)
        self._worked: dict[tuple[str, dt.date], int] = {}
        self._own: dict[tuple[str, dt.date], int] = {}
        for oid, blocks in self.blocks.items():
            wijken = self.officers[oid]["wijken"]
            for b in blocks:
                key = (oid, _monday(b.date))
                m = minutes_between(b.start, b.end)
                self._worked[key] = self._worked.get(key, 0) + m
                if _is_own(self.cfg, b.activity, b.wijk_code, wijken):
                    self._own[key] = self._own.get(key, 0) + m

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

    def window(self, oid: str, monday: dt.date, weeks: int) -> list[dt.date]:
        """The officer's known weeks among the ``weeks`` weeks ending with ``monday``: the roster's weeks, and
        history weeks in which the officer has work (as the solver reads history)."""
        first = monday - dt.timedelta(weeks=weeks - 1)
        return [w for w in self.officer_weeks[oid] if first <= w <= monday]


# ----------------------------------------------------------------------------------------------------------
# Hard rules, one function each


def roster_rows_valid(ctx: _Ctx) -> list[Breach]:
    """Hard rule: every row names a known officer and activity, a ``wijk`` block lies in an own wijk, and
    blocks of one officer do not overlap.

    Source: the roster.csv contract (issue 3) and the besluit Wijkagenten (a wijkagent is bound to his own
    wijk). Amount: 1 per unknown officer or activity; hours for a wijk block elsewhere or an overlap.
    """
    out: list[Breach] = []
    known_acts = set(ctx.cfg.activities)
    for b in ctx.roster_blocks:
        if not ctx.checked(b.date):
            continue
        where = f" (row {b.row})" if b.row is not None else ""
        if b.officer_id not in ctx.officers:
            out.append(
                Breach(
                    "roster_rows_valid",
                    b.officer_id,
                    b.date.isoformat(),
                    f"{b.officer_id}: officer '{b.officer_id}'{where} is not in officers.csv",
                    1.0,
                )
            )
            continue
        if b.activity not in known_acts:
            out.append(
                Breach(
                    "roster_rows_valid",
                    b.officer_id,
                    b.date.isoformat(),
                    f"{b.officer_id}: '{b.activity}'{where} on {_day(b.date)} is not an activity; expected "
                    f"one of {', '.join(sorted(known_acts))}",
                    1.0,
                )
            )
        own = ctx.officers[b.officer_id]["wijken"]
        if b.activity == "wijk" and b.wijk_code not in own:
            out.append(
                Breach(
                    "roster_rows_valid",
                    b.officer_id,
                    _range(b.start, b.end),
                    f"{b.officer_id}: wijk block {_range(b.start, b.end)}{where} is in "
                    f"'{b.wijk_code or '(no wijk)'}', not in an own wijk ({', '.join(own)})",
                    _hours(minutes_between(b.start, b.end)),
                )
            )
    for oid, blocks in ctx.blocks.items():
        last: _Block | None = None
        for b in blocks:
            if last is not None and b.start < last.end:
                if not b.history and ctx.checked(b.date):
                    m = minutes_between(b.start, min(b.end, last.end))
                    out.append(
                        Breach(
                            "roster_rows_valid",
                            oid,
                            _range(b.start, min(b.end, last.end)),
                            f"{oid}: the {b.activity} block {_range(b.start, b.end)} overlaps the "
                            f"{last.activity} block {_range(last.start, last.end)} by {_h(m)} h",
                            _hours(m),
                        )
                    )
            if last is None or b.end > last.end:
                last = b
    return out


def one_shift_per_day(ctx: _Ctx) -> list[Breach]:
    """Hard rule: at most one shift starting per local date per officer.

    Source: issue 3 (the roster's unit is one shift a day; a split day is two shifts). Amount: the number of
    extra shifts.
    """
    out: list[Breach] = []
    for oid, shifts in ctx.shifts.items():
        by_date: dict[dt.date, list[_Shift]] = {}
        for s in shifts:
            by_date.setdefault(s.date, []).append(s)
        for day, group in by_date.items():
            if len(group) > 1 and ctx.checked(day):
                times = ", ".join(_range(s.start, s.end, short=True) for s in group)
                out.append(
                    Breach(
                        "one_shift_per_day",
                        oid,
                        day.isoformat(),
                        f"{oid}: {len(group)} shifts on {_day(day)} ({times}); at most one a day",
                        float(len(group) - 1),
                    )
                )
    return out


def absences_respected(ctx: _Ctx) -> list[Breach]:
    """Hard rule: no work during leave or sickness (an ``unavailable`` absence in absences.csv).

    Source: the officer's leave and sick reports (absences.csv; reasons in planner.toml [absences]).
    Amount: hours of the shift that overlap the absence.
    """
    out: list[Breach] = []
    ab = ctx.ds.absences
    ab = ab[ab["kind"] == "unavailable"]
    for oid, shifts in ctx.shifts.items():
        rows = ab[ab["officer_id"] == oid]
        if rows.empty:
            continue
        spans = [
            (_py(s), _py(e), str(r))
            for s, e, r in zip(rows["start"], rows["end"], rows["reason"], strict=True)
        ]
        for sh in shifts:
            if not ctx.checked(sh.date):
                continue
            m = 0
            reasons = []
            for s, e, reason in spans:
                lo, hi = max(s, sh.start), min(e, sh.end)
                if hi > lo:
                    m += minutes_between(lo, hi)
                    reasons.append(reason)
            if m:
                out.append(
                    Breach(
                        "absences_respected",
                        oid,
                        sh.when,
                        f"{oid}: {sh.label} overlaps {' and '.join(sorted(set(reasons)))} by {_h(m)} h; "
                        "no work during leave or sickness",
                        _hours(m),
                    )
                )
    return out


def shift_length(ctx: _Ctx) -> list[Breach]:
    """Hard rule: a shift lasts at most ``rules.max_shift_hours`` (12 h; Arbeidstijdenwet art. 5:7).

    Amount: hours over the limit (real elapsed time, so DST counts).
    """
    limit = _minutes(ctx.cfg.rules.max_shift_hours)
    out: list[Breach] = []
    for oid, shifts in ctx.shifts.items():
        for sh in shifts:
            if ctx.checked(sh.date) and sh.minutes > limit:
                out.append(
                    Breach(
                        "shift_length",
                        oid,
                        sh.when,
                        f"{oid}: {sh.label} lasts {_h(sh.minutes)} h ({sh.when}); at most {_h(limit)} h",
                        _hours(sh.minutes - limit),
                    )
                )
    return out


def week_hours(ctx: _Ctx) -> list[Breach]:
    """Hard rule: at most ``rules.max_week_hours`` of work in an ISO week (60 h; Arbeidstijdenwet art. 5:7).

    Amount: hours over the limit.
    """
    limit = _minutes(ctx.cfg.rules.max_week_hours)
    out: list[Breach] = []
    for oid in ctx.officers:
        for w in ctx.weeks:
            worked = ctx.worked(oid, w)
            if worked > limit:
                out.append(
                    Breach(
                        "week_hours",
                        oid,
                        week_label(w),
                        f"{oid}: {_h(worked)} h of work in {week_label(w)}; at most {_h(limit)} h",
                        _hours(worked - limit),
                    )
                )
    return out


def avg_week_hours_4w(ctx: _Ctx) -> list[Breach]:
    """Hard rule: on average at most ``rules.max_avg_week_hours_4w`` (55 h) a week over 4 weeks.

    Source: Arbeidstijdenwet art. 5:7. Only known weeks count (``_Ctx.window``), and only once there are two:
    a lone week is bounded by ``week_hours`` (as the solver reads it). Amount: hours a week over the average.
    """
    return _avg_week_hours(ctx, "avg_week_hours_4w", 4, ctx.cfg.rules.max_avg_week_hours_4w)


def avg_week_hours_16w(ctx: _Ctx) -> list[Breach]:
    """Hard rule: on average at most ``rules.max_avg_week_hours_16w`` (48 h) a week over 16 weeks.

    Source: Arbeidstijdenwet art. 5:7. Only known weeks count (``_Ctx.window``), and only once there are two:
    a lone week is bounded by ``week_hours`` (as the solver reads it). Amount: hours a week over the average.
    """
    return _avg_week_hours(ctx, "avg_week_hours_16w", 16, ctx.cfg.rules.max_avg_week_hours_16w)


def _avg_week_hours(ctx: _Ctx, rule: str, n: int, limit_h: float) -> list[Breach]:
    """The average over the known weeks of the window (history and roster), once there are two or more."""
    out: list[Breach] = []
    limit = _minutes(limit_h)
    for oid in ctx.officers:
        for w in ctx.weeks:
            window = ctx.window(oid, w, n)
            if len(window) < 2:
                continue  # one known week is bounded by week_hours; an average needs earlier weeks
            total = sum(ctx.worked(oid, x) for x in window)
            if total > limit * len(window):
                avg = total / len(window)
                out.append(
                    Breach(
                        rule,
                        oid,
                        _week_span(window),
                        f"{oid}: on average {avg / 60:.1f} h a week over {len(window)} known week(s) "
                        f"{_week_span(window)}; at most {_h(limit)} h a week on average over {n} weeks",
                        round((avg - limit) / 60, 4),
                    )
                )
    return out


def daily_rest(ctx: _Ctx) -> list[Breach]:
    """Hard rule: at least ``rules.daily_rest_hours`` (11 h) rest between shifts; cut to
    ``rules.daily_rest_reduced_hours`` (8 h) at most ``rules.daily_rest_reductions_per_7d`` times in 7 × 24 h.

    Source: Arbeidstijdenwet art. 5:3. Applies after every shift that is not a night shift ending after
    ``rules.late_night_end`` (those fall under ``rest_after_night``). A cut counts in the 7 × 24 h in which
    its rest starts. Amount: hours short of the reduced rest (below it) or of the full rest (a cut too many).
    """
    r = ctx.cfg.rules
    need, floor, allowed = (
        _minutes(r.daily_rest_hours),
        _minutes(r.daily_rest_reduced_hours),
        r.daily_rest_reductions_per_7d,
    )
    rule_text = f"at least {_h(need)} h ({_h(floor)} h {_times(allowed)} in 7 × 24 h)"
    out: list[Breach] = []
    for oid, shifts in ctx.shifts.items():
        cuts: list[tuple[dt.datetime, _Shift, _Shift, int]] = []
        for a, b in _pairs(shifts):
            if a.late_night:
                continue
            gap = minutes_between(a.end, b.start)
            if gap >= need:
                continue
            if gap < floor:
                if ctx.checked(b.date):
                    out.append(
                        Breach(
                            "daily_rest",
                            oid,
                            _range(a.end, b.start),
                            f"{oid}: {_h(gap)} h rest between {a.label} ending {a.end:%H:%M} and {b.label}; "
                            f"{rule_text}",
                            _hours(floor - gap),
                        )
                    )
                continue
            cuts.append((a.end, a, b, gap))
        for i, (t, a, b, gap) in enumerate(cuts):
            earlier = [c for c in cuts[:i] if t - c[0] < dt.timedelta(hours=7 * 24)]
            if len(earlier) + 1 > allowed and ctx.checked(b.date):
                prev = ", ".join(_day(c[2].date) for c in earlier)
                out.append(
                    Breach(
                        "daily_rest",
                        oid,
                        _range(a.end, b.start),
                        f"{oid}: {_h(gap)} h rest between {a.label} ending {a.end:%H:%M} and {b.label}; "
                        f"{rule_text}, and the rest was already cut before {prev}",
                        _hours(need - gap),
                    )
                )
    return out


def rest_after_night(ctx: _Ctx) -> list[Breach]:
    """Hard rule: after a night shift ending after ``rules.late_night_end`` (02:00) at least
    ``rules.rest_after_late_night_hours`` (14 h) rest, cut to
    ``rules.rest_after_late_night_reduced_hours`` (8 h) at most
    ``rules.rest_after_late_night_reductions_per_week`` times an ISO week.

    Source: Arbeidstijdenwet art. 5:8. A night shift has more than ``rules.night_min_minutes_00_06``
    minutes of work between 00:00 and 06:00; one ending at or before 02:00 falls under ``daily_rest``. A cut
    counts in the ISO week of the shift after it. Amount: hours short of the reduced rest, or of the full
    rest for a cut too many.
    """
    r = ctx.cfg.rules
    need, floor = _minutes(r.rest_after_late_night_hours), _minutes(r.rest_after_late_night_reduced_hours)
    allowed = r.rest_after_late_night_reductions_per_week
    rule_text = (
        f"after a night shift ending after {r.late_night_end} at least {_h(need)} h "
        f"({_h(floor)} h {_times(allowed)} a week)"
    )
    out: list[Breach] = []
    for oid, shifts in ctx.shifts.items():
        cuts: dict[dt.date, list[_Shift]] = {}
        for a, b in _pairs(shifts):
            if not a.late_night:
                continue
            gap = minutes_between(a.end, b.start)
            if gap >= need:
                continue
            msg = f"{oid}: {_h(gap)} h rest between {a.label} ending {a.end:%a %H:%M} and {b.label}; "
            msg += rule_text
            if gap < floor:
                if ctx.checked(b.date):
                    out.append(
                        Breach("rest_after_night", oid, _range(a.end, b.start), msg, _hours(floor - gap))
                    )
                continue
            week = cuts.setdefault(_monday(b.date), [])
            week.append(b)
            if len(week) > allowed and ctx.checked(b.date):
                prev = ", ".join(_day(x.date) for x in week[:-1])
                out.append(
                    Breach(
                        "rest_after_night",
                        oid,
                        _range(a.end, b.start),
                        f"{msg}, and the rest was already cut before {prev}",
                        _hours(need - gap),
                    )
                )
    return out


def rest_after_night_series(ctx: _Ctx) -> list[Breach]:
    """Hard rule: at least ``rules.rest_after_night_series_hours`` (46 h) rest after a series of
    ``rules.night_series_length`` (3) or more night shifts on consecutive dates.

    Source: Arbeidstijdenwet art. 5:8. Amount: hours short of the rest.
    """
    r = ctx.cfg.rules
    need, n = _minutes(r.rest_after_night_series_hours), r.night_series_length
    out: list[Breach] = []
    for oid, shifts in ctx.shifts.items():
        run: list[_Shift] = []
        for i, sh in enumerate(shifts):
            if not sh.night:
                run = []
                continue
            if run and sh.date != run[-1].date + dt.timedelta(days=1):
                run = []
            run.append(sh)
            nxt = shifts[i + 1] if i + 1 < len(shifts) else None
            if nxt is None or len(run) < n:
                continue
            if nxt.night and nxt.date == sh.date + dt.timedelta(days=1):
                continue  # the series goes on
            gap = minutes_between(sh.end, nxt.start)
            if gap < need and ctx.checked(nxt.date):
                out.append(
                    Breach(
                        "rest_after_night_series",
                        oid,
                        _range(sh.end, nxt.start),
                        f"{oid}: {_h(gap)} h rest after {len(run)} night shifts in a row "
                        f"({_day(run[0].date)} to {_day(sh.date)}) before {nxt.label}; at least "
                        f"{_h(need)} h after {n} or more nights in a row",
                        _hours(need - gap),
                    )
                )
    return out


def weekly_rest(ctx: _Ctx) -> list[Breach]:
    """Hard rule: an unbroken rest of at least ``rules.weekly_rest_hours`` (36 h) in every 7 × 24 h.

    Source: Arbeidstijdenwet art. 5:5. Windows start at every whole hour of real time (DST exact) and must lie
    inside the known horizon: from Monday 00:00 of the first known week (roster or history) to Monday 00:00
    after the last. A horizon shorter than 7 × 24 h (one week with the spring DST change) is one window.

    A window holds the rest when an unbroken rest of at least 36 h lies inside it, or when one *starts* inside
    it (a rest may straddle the window's edge). Without the second clause a plain Monday-to-Friday 09:00-17:00
    week would breach: the window from Sunday 01:00 cuts its 64 h weekend into two parts of 32 h. So the rule
    checked is "a rest of 36 h at least every 7 × 24 h", not "36 h inside every window". Time outside the
    horizon is never counted as rest.

    A window belongs to the week in which it ends; each officer is reported once a week, for the worst window.
    Amount: hours short of the longest rest inside that window.
    """
    need = _minutes(ctx.cfg.rules.weekly_rest_hours)
    if not ctx.known_weeks:
        return []
    tz = ctx.cfg.tz
    h0 = _epoch_min(local(ctx.known_weeks[0], dt.time(0), tz))
    h1 = _epoch_min(local(ctx.known_weeks[-1] + dt.timedelta(days=7), dt.time(0), tz))
    windows: list[tuple[int, int, dt.date]] = []
    if h1 - h0 < _WEEK_MIN:
        windows.append((h0, h1, _monday(_from_epoch(h1 - 1, tz).date())))
    else:
        for w0 in range(h0, h1 - _WEEK_MIN + 1, 60):
            monday = _monday(_from_epoch(w0 + _WEEK_MIN - 1, tz).date())
            if monday in ctx._checked:
                windows.append((w0, w0 + _WEEK_MIN, monday))
    out: list[Breach] = []
    for oid, shifts in ctx.shifts.items():
        starts = [_epoch_min(s.start) for s in shifts]
        ends = [_epoch_min(s.end) for s in shifts]
        # Starts of unbroken rests of at least ``need`` inside the horizon (before the first shift, between
        # shifts, after the last).
        edges = [h0] + [e for e in ends if h0 <= e < h1]
        long_starts = []
        for t in edges:
            nxt = bisect.bisect_left(starts, t)
            until = min(starts[nxt], h1) if nxt < len(starts) else h1
            if until - t >= need:
                long_starts.append(t)
        long_starts.sort()
        worst: dict[dt.date, tuple[int, int, int]] = {}
        for w0, w1, monday in windows:
            k = bisect.bisect_left(long_starts, w0)
            if k < len(long_starts) and long_starts[k] < w1:
                continue  # a long rest starts inside the window
            i = bisect.bisect_right(ends, w0)
            prev, best = w0, 0
            while i < len(starts) and starts[i] < w1:
                best = max(best, starts[i] - prev)
                prev = max(prev, ends[i])
                i += 1
            best = max(best, w1 - prev)
            if best < need and (monday not in worst or best < worst[monday][0]):
                worst[monday] = (best, w0, w1)
        for best, w0, w1 in (worst[m] for m in sorted(worst)):
            a, b = _from_epoch(w0, tz), _from_epoch(w1, tz)
            out.append(
                Breach(
                    "weekly_rest",
                    oid,
                    _range(a, b),
                    f"{oid}: longest unbroken rest {_h(best)} h in the {_h(w1 - w0)} h from "
                    f"{_day(a.date())} {a:%H:%M} to {_day(b.date())} {b:%H:%M}; at least {_h(need)} h "
                    "in every 7 × 24 h",
                    _hours(need - best),
                )
            )
    return out


def night_shift_length(ctx: _Ctx) -> list[Breach]:
    """Hard rule: a night shift lasts at most ``rules.max_night_shift_hours`` (10 h; Arbeidstijdenwet 5:8).

    Real elapsed time: 23:00-07:00 lasts 7 h on the night of the spring DST change and 9 h in autumn.
    Amount: hours over the limit.
    """
    limit = _minutes(ctx.cfg.rules.max_night_shift_hours)
    out: list[Breach] = []
    for oid, shifts in ctx.shifts.items():
        for sh in shifts:
            if sh.night and ctx.checked(sh.date) and sh.minutes > limit:
                out.append(
                    Breach(
                        "night_shift_length",
                        oid,
                        sh.when,
                        f"{oid}: night shift {sh.label} lasts {_h(sh.minutes)} h ({sh.when}); at most "
                        f"{_h(limit)} h",
                        _hours(sh.minutes - limit),
                    )
                )
    return out


def consecutive_shifts_with_night(ctx: _Ctx) -> list[Breach]:
    """Hard rule: at most ``rules.max_consecutive_shifts_with_night`` (7) shifts on consecutive dates when any
    of them is a night shift.

    Source: Arbeidstijdenwet art. 5:8. Reported once per run that touches a checked week. Amount: shifts over
    the limit.
    """
    limit = ctx.cfg.rules.max_consecutive_shifts_with_night
    out: list[Breach] = []
    for oid, shifts in ctx.shifts.items():
        dates = sorted({s.date for s in shifts})
        nights = {s.date for s in shifts if s.night}
        runs: list[list[dt.date]] = []
        for d in dates:
            if runs and d == runs[-1][-1] + dt.timedelta(days=1):
                runs[-1].append(d)
            else:
                runs.append([d])
        for run in runs:
            if len(run) > limit and nights.intersection(run) and any(ctx.checked(d) for d in run):
                n = len(nights.intersection(run))
                out.append(
                    Breach(
                        "consecutive_shifts_with_night",
                        oid,
                        f"{run[0].isoformat()} – {run[-1].isoformat()}",
                        f"{oid}: {len(run)} shifts in a row from {_day(run[0])} to {_day(run[-1])} with "
                        f"{n} night shift(s); at most {limit} in a row when any is a night",
                        float(len(run) - limit),
                    )
                )
    return out


def night_exempt(ctx: _Ctx) -> list[Breach]:
    """Hard rule: no night shift for an officer marked ``night_exempt`` in officers.csv.

    Source: the officer's exemption (age, health; Arbeidstijdenwet art. 4:1 duty of care). Amount: 1 a night.
    """
    out: list[Breach] = []
    for oid, shifts in ctx.shifts.items():
        if not ctx.officers[oid]["night_exempt"]:
            continue
        for sh in shifts:
            if sh.night and ctx.checked(sh.date):
                out.append(
                    Breach(
                        "night_exempt",
                        oid,
                        sh.when,
                        f"{oid}: night shift {sh.label} ({sh.when}) for an officer exempt from nights",
                        1.0,
                    )
                )
    return out


def max_nights_16w(ctx: _Ctx) -> list[Breach]:
    """Hard rule: at most ``rules.max_nights_16w`` (36) night shifts in the 16 weeks ending with a checked
    week, roster and history together.

    Source: Arbeidstijdenwet art. 5:8 (by collective arrangement 140 in 52 weeks). Amount: nights over the
    limit.
    """
    limit = ctx.cfg.rules.max_nights_16w
    out: list[Breach] = []
    for oid, shifts in ctx.shifts.items():
        for w in ctx.weeks:
            first, end = w - dt.timedelta(weeks=15), w + dt.timedelta(days=7)
            n = sum(1 for s in shifts if s.night and first <= s.date < end)
            if n > limit:
                out.append(
                    Breach(
                        "max_nights_16w",
                        oid,
                        f"{week_label(first)} – {week_label(w)}",
                        f"{oid}: {n} night shifts in the 16 weeks {week_label(first)} to {week_label(w)}; "
                        f"at most {limit}",
                        float(n - limit),
                    )
                )
    return out


def contract_hours(ctx: _Ctx) -> list[Breach]:
    """Hard rule: hours worked in an ISO week within ± ``rules.contract_tolerance_hours`` of the available
    hours (contract hours minus leave and sickness, ``planner.hours.available_minutes``).

    Source: the officer's contract; the tolerance lets weeks balance out. Amount: hours beyond the tolerance.
    """
    tol = _minutes(ctx.cfg.rules.contract_tolerance_hours)
    out: list[Breach] = []
    for oid, o in ctx.officers.items():
        for w in ctx.weeks:
            worked, avail, leave = ctx.worked(oid, w), ctx.available(oid, w), ctx.leave(oid, w)
            if abs(worked - avail) > tol:
                side = "more" if worked > avail else "less"
                out.append(
                    Breach(
                        "contract_hours",
                        oid,
                        week_label(w),
                        f"{oid}: {_h(worked)} h worked in {week_label(w)}, {_h(abs(worked - avail))} h "
                        f"{side} than the {_h(avail)} h available (contract {o['contract_hours']:g} h, "
                        f"leave {_h(leave)} h); at most {_h(tol)} h apart",
                        _hours(abs(worked - avail) - tol),
                    )
                )
    return out


def fixed_blocks_held(ctx: _Ctx) -> list[Breach]:
    """Hard rule: every work absence (training, court; ``planner.hours.fixed_blocks``) is in the roster as a
    block of its activity covering its time.

    Source: absences.csv (reasons under [absences.work] in planner.toml). Amount: hours not covered.
    """
    out: list[Breach] = []
    days = [w + dt.timedelta(days=i) for w in ctx.weeks for i in range(7)]
    for oid, o in ctx.officers.items():
        ab = ctx.ds.absences_of(oid)
        if not (ab["kind"] == "work").any():
            continue
        blocks = ctx.blocks.get(oid, [])
        for fb in fixed_blocks(ab, oid, o["contract_hours"], days, ctx.cfg):
            start, end = _py(fb.start), _py(fb.end)
            covered, reach = 0, start
            for b in blocks:  # sorted by start
                if b.activity != fb.activity or b.end <= reach or b.start >= end:
                    continue
                lo, hi = max(b.start, reach), min(b.end, end)
                if hi > lo:
                    covered += minutes_between(lo, hi)
                    reach = hi
            missing = minutes_between(start, end) - covered
            if missing > 0:
                out.append(
                    Breach(
                        "fixed_blocks_held",
                        oid,
                        _range(start, end),
                        f"{oid}: {fb.reason} {_range(start, end)} needs a {fb.activity} block; "
                        f"{_h(missing)} h of it is not in the roster",
                        _hours(missing),
                    )
                )
    return out


def own_wijk_share(ctx: _Ctx) -> list[Breach]:
    """Hard rule: own-wijk hours at least ``norm.share`` (80 %) of the available hours over the rolling window
    of ``norm.window_weeks`` weeks ending with each checked week (known weeks only, see ``_Ctx.window``).

    Source: the 80 % norm (Kamerstuk 29628-218, "in of voor de wijk"; the Hilversum letter, "tenminste 80 %
    van de beschikbare uren in hun eigen wijk"). Reading ``in`` counts ``wijk`` blocks in an own wijk;
    ``in_of_voor`` counts ``voor_wijk`` too. Rounding as ``planner.hours.norm_required_minutes``. An officer
    with no available hours passes. Amount: hours short.
    """
    norm = ctx.cfg.norm
    out: list[Breach] = []
    for oid in ctx.officers:
        for w in ctx.weeks:
            window = ctx.window(oid, w, norm.window_weeks)
            avail = sum(ctx.available(oid, x) for x in window)
            own = sum(ctx.own(oid, x) for x in window)
            need = norm_required_minutes(avail, norm.fraction)
            if own < need:
                reading = "in the own wijk" if norm.reading == "in" else "in or for the own wijk"
                out.append(
                    Breach(
                        "own_wijk_share",
                        oid,
                        _week_span(window),
                        f"{oid}: {own / avail:.1%} of {_h(avail)} available hours {reading} over "
                        f"{_week_span(window)} (reading '{norm.reading}'); needs {norm.share:.0%}: "
                        f"{_h(need - own)} h short",
                        _hours(need - own),
                    )
                )
    return out


Rule = Callable[[_Ctx], list[Breach]]

#: The hard rules the checker verifies, in the order they are reported. The only place that decides which run.
RULES: dict[str, Rule] = {
    "roster_rows_valid": roster_rows_valid,
    "one_shift_per_day": one_shift_per_day,
    "absences_respected": absences_respected,
    "shift_length": shift_length,
    "week_hours": week_hours,
    "avg_week_hours_4w": avg_week_hours_4w,
    "avg_week_hours_16w": avg_week_hours_16w,
    "daily_rest": daily_rest,
    "rest_after_night": rest_after_night,
    "rest_after_night_series": rest_after_night_series,
    "weekly_rest": weekly_rest,
    "night_shift_length": night_shift_length,
    "consecutive_shifts_with_night": consecutive_shifts_with_night,
    "night_exempt": night_exempt,
    "max_nights_16w": max_nights_16w,
    "contract_hours": contract_hours,
    "fixed_blocks_held": fixed_blocks_held,
    "own_wijk_share": own_wijk_share,
}


# ----------------------------------------------------------------------------------------------------------
# Public API


def check_roster(
    ds: Dataset, roster: pd.DataFrame, history: pd.DataFrame | None = None, weeks: list[dt.date] | None = None
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

    Returns
    -------
    list[Breach]
        Ordered by rule (as in ``RULES``), officer and time.
    """
    ctx = _context(ds, roster, history, weeks)
    out: list[Breach] = []
    for fn in RULES.values():
        out.extend(fn(ctx))
    return out


def checked_weeks(roster: pd.DataFrame) -> list[dt.date]:
    """The ISO week Mondays touched by the roster's ``date`` column."""
    return sorted({_monday(_date(d)) for d in roster["date"]}) if len(roster) else []


def combine_history(frames: Iterable[pd.DataFrame]) -> pd.DataFrame | None:
    """Several history rosters as one: a later frame wins for the same officer and ISO week."""
    parts = [f.assign(_src=i) for i, f in enumerate(frames) if len(f)]
    if not parts:
        return None
    allh = pd.concat(parts, ignore_index=True)
    allh["_monday"] = [_monday(_date(d)) for d in allh["date"]]
    latest = allh.groupby(["officer_id", "_monday"])["_src"].transform("max")
    return allh[allh["_src"] == latest].drop(columns=["_monday", "_src"]).reset_index(drop=True)


def officer_week_stats(
    ds: Dataset, roster: pd.DataFrame, weeks: list[dt.date] | None = None, history: pd.DataFrame | None = None
) -> pd.DataFrame:
    """Per officer per week: hours worked, available, own wijk, the share, nights, and the norm's window.

    Returns
    -------
    pandas.DataFrame
        officer_id, name, week (``2027-W03``), monday, shifts, nights, worked_h, leave_h, available_h,
        own_wijk_h, share (own / available; NaN with no available hours), window_weeks, window_own_h,
        window_available_h, window_share, norm_met.
    """
    ctx = _context(ds, roster, history, weeks)
    norm = ctx.cfg.norm
    rows = []
    for oid, o in ctx.officers.items():
        for w in ctx.weeks:
            shifts = [s for s in ctx.shifts.get(oid, []) if _monday(s.date) == w]
            avail, own = ctx.available(oid, w), ctx.own(oid, w)
            window = ctx.window(oid, w, norm.window_weeks)
            w_avail = sum(ctx.available(oid, x) for x in window)
            w_own = sum(ctx.own(oid, x) for x in window)
            rows.append(
                {
                    "officer_id": oid,
                    "name": o["name"],
                    "week": week_label(w),
                    "monday": w,
                    "shifts": len(shifts),
                    "nights": sum(1 for s in shifts if s.night),
                    "worked_h": _hours(ctx.worked(oid, w)),
                    "leave_h": _hours(ctx.leave(oid, w)),
                    "available_h": _hours(avail),
                    "own_wijk_h": _hours(own),
                    "share": own / avail if avail else float("nan"),
                    "window_weeks": len(window),
                    "window_own_h": _hours(w_own),
                    "window_available_h": _hours(w_avail),
                    "window_share": w_own / w_avail if w_avail else float("nan"),
                    "norm_met": w_own >= norm_required_minutes(w_avail, norm.fraction),
                }
            )
    cols = [
        "officer_id",
        "name",
        "week",
        "monday",
        "shifts",
        "nights",
        "worked_h",
        "leave_h",
        "available_h",
        "own_wijk_h",
        "share",
        "window_weeks",
        "window_own_h",
        "window_available_h",
        "window_share",
        "norm_met",
    ]
    return pd.DataFrame(rows, columns=cols)


# ----------------------------------------------------------------------------------------------------------
# Preparation


def _context(
    ds: Dataset, roster: pd.DataFrame, history: pd.DataFrame | None, weeks: list[dt.date] | None
) -> _Ctx:
    cfg = ds.config
    tz = cfg.tz
    officers = {
        str(r["officer_id"]): {
            "name": r["name"],
            "wijken": tuple(r["wijken"]),
            "contract_hours": float(r["contract_hours"]),
            "night_exempt": bool(r["night_exempt"]),
        }
        for r in ds.officers.to_dict("records")
    }
    roster_blocks = _blocks(roster, tz, history=False)
    check = sorted({_monday(w) for w in weeks}) if weeks is not None else checked_weeks(roster)
    covered = set(check) | {_monday(b.date) for b in roster_blocks}
    hist_blocks = (
        [b for b in _blocks(history, tz, history=True) if _monday(b.date) not in covered]
        if history is not None
        else []
    )
    known = sorted(covered | {_monday(b.date) for b in hist_blocks})
    by_officer: dict[str, list[_Block]] = {oid: [] for oid in officers}
    for b in roster_blocks + hist_blocks:
        if b.officer_id in by_officer:
            by_officer[b.officer_id].append(b)
    for blocks in by_officer.values():
        blocks.sort(key=lambda b: (b.start, b.end))
    shifts = {oid: _shifts(blocks, cfg) for oid, blocks in by_officer.items()}
    officer_weeks = {
        oid: sorted(covered | {_monday(b.date) for b in blocks if b.history})
        for oid, blocks in by_officer.items()
    }
    return _Ctx(ds, cfg, officers, roster_blocks, by_officer, shifts, check, known, officer_weeks)


def _blocks(df: pd.DataFrame | None, tz: Any, history: bool) -> list[_Block]:
    if df is None or df.empty:
        return []
    out = []
    for r in df.to_dict("records"):
        start, end = _py(r["start"]).astimezone(tz), _py(r["end"]).astimezone(tz)
        d = r.get("date")
        day = start.date() if d is None or (isinstance(d, float) and pd.isna(d)) or d == "" else _date(d)
        row = r.get("_row")
        out.append(
            _Block(
                str(r["officer_id"]),
                day,
                start,
                end,
                str(r["activity"]).strip().lower(),
                _text(r.get("wijk_code")),
                _text(r.get("shift")),
                history,
                int(row) if row is not None and not pd.isna(row) else None,
            )
        )
    return out


def _shifts(blocks: list[_Block], cfg: Config) -> list[_Shift]:
    """Blocks that touch or overlap form one shift (overlaps are reported by ``roster_rows_valid``)."""
    out: list[_Shift] = []
    for b in blocks:
        if out and b.start <= out[-1].end:
            out[-1].blocks.append(b)
            out[-1].end = max(out[-1].end, b.end)
            continue
        out.append(_Shift(b.officer_id, b.date, b.start, b.end, [b]))
    late = parse_hhmm(cfg.rules.late_night_end)
    by_code = {s.code: s.name for s in cfg.shifts}
    by_times = {(s.start, s.end): s.name for s in cfg.shifts}
    for sh in out:
        sh.night = is_night(sh.start, sh.end, cfg.rules.night_min_minutes_00_06)
        sh.late_night = sh.night and sh.end > local(sh.end.date(), late, cfg.tz)
        code = next((b.shift_code for b in sh.blocks if b.shift_code), "")
        sh.name = (
            by_code.get(code)
            or by_times.get((sh.start.time(), sh.end.time()))
            or f"{sh.start:%H:%M}–{sh.end:%H:%M}"
        )
    return out


def _pairs(shifts: list[_Shift]) -> Iterable[tuple[_Shift, _Shift]]:
    """Consecutive shifts on different dates (two on one date are ``one_shift_per_day``'s business)."""
    for a, b in zip(shifts, shifts[1:], strict=False):
        if b.date > a.date:
            yield a, b


def _is_own(cfg: Config, activity: str, wijk_code: str, wijken: tuple[str, ...]) -> bool:
    return cfg.counts_for_norm(activity) and (activity != "wijk" or wijk_code in wijken)


# ----------------------------------------------------------------------------------------------------------
# Small helpers


def _py(value: Any) -> dt.datetime:
    if isinstance(value, pd.Timestamp):
        return value.to_pydatetime()
    if isinstance(value, dt.datetime):
        return value
    raise TypeError(f"expected an aware datetime, got {value!r}")


def _date(value: Any) -> dt.date:
    if isinstance(value, dt.datetime | pd.Timestamp):
        return value.date()
    if isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value))


def _text(value: Any) -> str:
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return ""
    return str(value).strip()


def _monday(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


def _minutes(hours: float) -> int:
    return round(hours * 60)


def _hours(minutes: float) -> float:
    return round(minutes / 60, 4)


def _h(minutes: float) -> str:
    return f"{minutes / 60:.1f}"


def _times(n: int) -> str:
    return {0: "never", 1: "once", 2: "twice"}.get(n, f"{n} times")


def _day(day: dt.date) -> str:
    return f"{_DAY_NAMES[day.weekday()]} {day.day} {_MONTH_NAMES[day.month - 1]}"


def _range(a: dt.datetime, b: dt.datetime, short: bool = False) -> str:
    if short:
        return f"{a:%H:%M}–{b:%H:%M}"
    if a.date() == b.date():
        return f"{a:%Y-%m-%d %H:%M}–{b:%H:%M}"
    return f"{a:%Y-%m-%d %H:%M}–{b:%Y-%m-%d %H:%M}"


def _week_span(window: list[dt.date]) -> str:
    if not window:
        return ""
    return week_label(window[0]) if len(window) == 1 else f"{week_label(window[0])}..{week_label(window[-1])}"


def _epoch_min(t: dt.datetime) -> int:
    return int(t.astimezone(UTC).timestamp() // 60)


def _from_epoch(minutes: int, tz: Any) -> dt.datetime:
    return dt.datetime.fromtimestamp(minutes * 60, UTC).astimezone(tz)
