"""Hard rules of the Arbeidstijdenwet on hours and rest, each with its exact check and its exact CP-SAT encoding.

Readings (one per rule, the same in check and model; DOMAIN.md has the defaults):
- *Consecutive shifts* are an officer's shifts in time order on different dates; rests are the gaps between them.
- *Every period of 7 × 24 h* (weekly rest, reductions of the daily rest): ``rules.period_reading = "sliding"``
  (default) means every 7 × 24 h from any moment of the known horizon; ``"fixed"`` means the ISO weeks, from
  Monday 00:00 local time.
- *A week* (60 h, reductions after a late night, averages, 16 weeks of nights) is an ISO week; a shift belongs to
  the week of its date.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from planner.config import Config
from planner.rules.base import (
    Breach,
    Rule,
    day_text,
    epoch_min,
    from_epoch,
    h,
    hours,
    is0,
    is1,
    minutes,
    monday_of,
    range_text,
    times,
)
from planner.timeutil import local, minutes_between, week_label

if TYPE_CHECKING:  # pragma: no cover
    from planner.rules.timeline import Shift, Timeline
    from planner.solver.context import Entry, ModelCtx

WEEK_MIN = 7 * 24 * 60


def _pairs(shifts: list[Shift]) -> list[tuple[Shift, Shift]]:
    """Consecutive shifts on different dates (two on one date are ``one_shift_per_day``'s business)."""
    return [(a, b) for a, b in zip(shifts, shifts[1:], strict=False) if b.date > a.date]


def _week_span(window: list[dt.date]) -> str:
    if not window:
        return ""
    return week_label(window[0]) if len(window) == 1 else f"{week_label(window[0])}..{week_label(window[-1])}"


class WeekHours(Rule):
    """Hard rule: at most ``rules.max_week_hours`` of work in an ISO week (60 h; Arbeidstijdenwet art. 5:7).

    Amount: hours over the limit.
    """

    name = "week_hours"
    source = "Arbeidstijdenwet art. 5:7"

    def words(self, cfg: Config) -> str:
        return f"at most {cfg.rules.max_week_hours:g} h a week"

    def check(self, tl: Timeline) -> list[Breach]:
        limit = minutes(tl.cfg.rules.max_week_hours)
        out = []
        for oid in tl.officers:
            for w in tl.weeks:
                worked = tl.worked(oid, w)
                if worked > limit:
                    out.append(Breach(self.name, oid, week_label(w), f"{oid}: {h(worked)} h of work in "
                                      f"{week_label(w)}; at most {h(limit)} h", hours(worked - limit), w))
        return out

    def encode(self, m: ModelCtx) -> None:
        limit = minutes(m.cfg.rules.max_week_hours)
        for oi, ov in enumerate(m.officers):
            for w in m.inst.mondays:
                m.require(self.name, oi, ov.worked[w] <= limit, week=w)


class AvgWeekHours(Rule):
    """Hard rule: on average at most ``limit`` h a week over ``n`` weeks (Arbeidstijdenwet art. 5:7).

    Only known weeks count (``Timeline.window``), and only once there are two: a lone week is bounded by
    ``week_hours``. Amount: hours a week over the average.
    """

    source = "Arbeidstijdenwet art. 5:7"

    def __init__(self, n: int, name: str, field: str) -> None:
        self.n, self.name, self.field = n, name, field  # type: ignore[misc]

    def limit(self, cfg: Config) -> int:
        return minutes(getattr(cfg.rules, self.field))

    def words(self, cfg: Config) -> str:
        return f"at most {getattr(cfg.rules, self.field):g} h a week on average over {self.n} weeks"

    def check(self, tl: Timeline) -> list[Breach]:
        limit = self.limit(tl.cfg)
        out = []
        for oid in tl.officers:
            for w in tl.weeks:
                window = tl.window(oid, w, self.n)
                if len(window) < 2:
                    continue
                total = sum(tl.worked(oid, x) for x in window)
                if total > limit * len(window):
                    avg = total / len(window)
                    out.append(Breach(self.name, oid, _week_span(window),
                                      f"{oid}: on average {avg / 60:.1f} h a week over {len(window)} known week(s) "
                                      f"{_week_span(window)}; at most {h(limit)} h a week on average over {self.n} "
                                      "weeks", round((avg - limit) / 60, 4), w))
        return out

    def encode(self, m: ModelCtx) -> None:
        limit = self.limit(m.cfg)
        for oi, ov in enumerate(m.officers):
            known = sorted(ov.worked)
            for w in m.inst.mondays:
                first = w - dt.timedelta(weeks=self.n - 1)
                window = [x for x in known if first <= x <= w]
                if len(window) >= 2:
                    m.require(self.name, oi, sum(ov.worked[x] for x in window) <= limit * len(window), week=w)


class DailyRest(Rule):
    """Hard rule: at least ``rules.daily_rest_hours`` (11 h) rest between consecutive shifts, cut to
    ``rules.daily_rest_reduced_hours`` (8 h) at most ``rules.daily_rest_reductions_per_7d`` times in every period of
    7 × 24 h (``rules.period_reading``; a cut counts at the moment its rest starts).

    Source: Arbeidstijdenwet art. 5:3. Applies after every shift that is not a night shift ending after
    ``rules.late_night_end`` (those fall under ``rest_after_night``). Amount: hours short of the reduced rest (below
    it) or of the full rest (a cut too many).
    """

    name = "daily_rest"
    source = "Arbeidstijdenwet art. 5:3"

    def words(self, cfg: Config) -> str:
        return f"{cfg.rules.daily_rest_hours:g} h rest between shifts"

    def check(self, tl: Timeline) -> list[Breach]:
        r = tl.cfg.rules
        need, floor, allowed = minutes(r.daily_rest_hours), minutes(r.daily_rest_reduced_hours), \
            r.daily_rest_reductions_per_7d
        text = f"at least {h(need)} h ({h(floor)} h {times(allowed)} in 7 × 24 h)"
        fixed = r.period_reading == "fixed"
        out: list[Breach] = []
        for oid, shifts in tl.shifts.items():
            cuts: list[tuple[Shift, Shift, int]] = []
            for a, b in _pairs(shifts):
                if a.late_night:
                    continue
                gap = minutes_between(a.end, b.start)
                if gap >= need:
                    continue
                if gap < floor:
                    if tl.checked(b.date):
                        out.append(Breach(self.name, oid, range_text(a.end, b.start),
                                          f"{oid}: {h(gap)} h rest between {a.label} ending {a.end:%H:%M} and "
                                          f"{b.label}; {text}", hours(floor - gap), monday_of(b.date)))
                    continue
                cuts.append((a, b, gap))
            for i, (a, b, gap) in enumerate(cuts):
                if fixed:
                    earlier = [c for c in cuts[:i] if monday_of(c[0].end.date()) == monday_of(a.end.date())]
                else:
                    earlier = [c for c in cuts[:i] if epoch_min(a.end) - epoch_min(c[0].end) < WEEK_MIN]
                if len(earlier) + 1 > allowed and tl.checked(b.date):
                    prev = ", ".join(day_text(c[1].date) for c in earlier) or "-"
                    out.append(Breach(self.name, oid, range_text(a.end, b.start),
                                      f"{oid}: {h(gap)} h rest between {a.label} ending {a.end:%H:%M} and {b.label}; "
                                      f"{text}, and the rest was already cut before {prev}", hours(need - gap),
                                      monday_of(b.date)))
        return out

    def encode(self, m: ModelCtx) -> None:
        r = m.cfg.rules
        need, floor, allowed = minutes(r.daily_rest_hours), minutes(r.daily_rest_reduced_hours), \
            r.daily_rest_reductions_per_7d
        fixed = r.period_reading == "fixed"
        for oi in range(len(m.officers)):
            cuts: list[tuple[Entry, Entry, Any]] = []
            for a, b, lits in m.pairs(oi, max(need, floor), history=True):
                if a.date == b.date:
                    continue
                when = [*lits, _neg(a.late)]
                gap = b.start - a.end
                week = b.monday
                if not b.history and (b.s_lo - a.e_hi < floor or not _const(gap)):
                    m.require(self.name, oi, gap >= floor, when, week)
                if b.s_lo - a.e_hi >= need:
                    continue
                if _const(gap) and all(_const(x) for x in when):
                    if all(x == 1 for x in when) and floor <= gap < need:
                        cuts.append((a, b, 1))
                    continue
                c = m.new_bool(f"cut_rest[{m.inst.officers[oi].officer_id},{b.date}]")
                m.require(self.name, oi, gap >= need, [*when, c.Not()], week)
                cuts.append((a, b, c))
            if fixed:
                _budget_fixed(m, self.name, oi, cuts, allowed)
            else:
                _budget_sliding(m, self.name, oi, cuts, allowed)


def _const(x: Any) -> bool:
    return isinstance(x, int)


def _neg(lit: Any) -> Any:
    return 1 - lit if isinstance(lit, int) else lit.Not()


def _budget_sliding(m: ModelCtx, rule: str, oi: int, cuts: list[tuple[Any, Any, Any]], allowed: int) -> None:
    """At most ``allowed`` cuts whose rests start within 7 × 24 h of each other (exact: for every pair of cuts p, q
    less than 7 × 24 h apart, the cuts from p to q number at most ``allowed``)."""
    for qi, (qa, qb, cq) in enumerate(cuts):
        if qb.history:
            continue
        for pi in range(qi, -1, -1):
            pa, _pb, cp = cuts[pi]
            if qa.e_lo - pa.e_hi >= WEEK_MIN:
                break
            span = [c for _, _, c in cuts[pi : qi + 1]]
            if allowed >= len(span):
                continue
            when = [cp, cq]
            if qa.e_hi - pa.e_lo < WEEK_MIN:  # certainly within 7 x 24 h
                m.require(rule, oi, sum(span) <= allowed, when, qb.monday)
            else:
                near = m.new_bool(f"near[{rule},{oi},{pi},{qi}]")
                m.require(rule, oi, qa.end - pa.end >= WEEK_MIN, [*when, near.Not()], qb.monday)
                m.require(rule, oi, sum(span) <= allowed, [*when, near], qb.monday)


def _budget_fixed(m: ModelCtx, rule: str, oi: int, cuts: list[tuple[Any, Any, Any]], allowed: int) -> None:
    """At most ``allowed`` cuts whose rests start in one ISO week."""
    tz = m.cfg.tz
    weeks: dict[dt.date, list[Any]] = {}
    planned: set[dt.date] = set()
    for a, b, c in cuts:
        for week, lit in _end_weeks(m, a, tz):
            y = c if is1(lit) else m.model.new_bool_var("cut_in_week")
            if y is not c:
                m.model.add(y >= c + lit - 1)
            weeks.setdefault(week, []).append(y)
            if not b.history:
                planned.add(week)
    for week in planned:
        m.require(rule, oi, sum(weeks[week]) <= allowed, week=week)


def _end_weeks(m: ModelCtx, e: Entry, tz: Any) -> list[tuple[dt.date, Any]]:
    """The ISO weeks the shift ``e`` may end in, each with the literal that says it does."""
    if not e.choices:
        return [(monday_of(m.inst.at(e.e_lo).date()), 1)]
    by: dict[dt.date, list[Any]] = {}
    for c, x in e.choices:
        by.setdefault(monday_of(c.end.astimezone(tz).date()), []).append(x)
    if len(by) == 1:
        return [(next(iter(by)), 1)]
    return [(w, sum(xs)) for w, xs in by.items()]


class RestAfterNight(Rule):
    """Hard rule: after a night shift ending after ``rules.late_night_end`` (02:00) at least
    ``rules.rest_after_late_night_hours`` (14 h) rest, cut to ``rules.rest_after_late_night_reduced_hours`` (8 h) at
    most ``rules.rest_after_late_night_reductions_per_week`` times an ISO week (a cut counts in the week of the shift
    after it).

    Source: Arbeidstijdenwet art. 5:8. A night shift has more than ``rules.night_min_minutes_00_06`` minutes of work
    between 00:00 and 06:00; one ending at or before 02:00 falls under ``daily_rest``. Amount: hours short of the
    reduced rest, or of the full rest for a cut too many.
    """

    name = "rest_after_night"
    source = "Arbeidstijdenwet art. 5:8"

    def words(self, cfg: Config) -> str:
        return f"{cfg.rules.rest_after_late_night_hours:g} h rest after a night ending after {cfg.rules.late_night_end}"

    def check(self, tl: Timeline) -> list[Breach]:
        r = tl.cfg.rules
        need, floor = minutes(r.rest_after_late_night_hours), minutes(r.rest_after_late_night_reduced_hours)
        allowed = r.rest_after_late_night_reductions_per_week
        text = (f"after a night shift ending after {r.late_night_end} at least {h(need)} h "
                f"({h(floor)} h {times(allowed)} a week)")
        out: list[Breach] = []
        for oid, shifts in tl.shifts.items():
            cuts: dict[dt.date, list[Shift]] = {}
            for a, b in _pairs(shifts):
                if not a.late_night:
                    continue
                gap = minutes_between(a.end, b.start)
                if gap >= need:
                    continue
                msg = f"{oid}: {h(gap)} h rest between {a.label} ending {a.end:%a %H:%M} and {b.label}; {text}"
                if gap < floor:
                    if tl.checked(b.date):
                        out.append(Breach(self.name, oid, range_text(a.end, b.start), msg, hours(floor - gap),
                                          monday_of(b.date)))
                    continue
                week = cuts.setdefault(monday_of(b.date), [])
                week.append(b)
                if len(week) > allowed and tl.checked(b.date):
                    prev = ", ".join(day_text(x.date) for x in week[:-1]) or "-"
                    out.append(Breach(self.name, oid, range_text(a.end, b.start),
                                      f"{msg}, and the rest was already cut before {prev}", hours(need - gap),
                                      monday_of(b.date)))
        return out

    def encode(self, m: ModelCtx) -> None:
        r = m.cfg.rules
        need, floor = minutes(r.rest_after_late_night_hours), minutes(r.rest_after_late_night_reduced_hours)
        allowed = r.rest_after_late_night_reductions_per_week
        for oi in range(len(m.officers)):
            weeks: dict[dt.date, list[Any]] = {}
            for a, b, lits in m.pairs(oi, max(need, floor)):
                if a.date == b.date or is0(a.late):
                    continue
                when = [*lits, a.late]
                gap = b.start - a.end
                m.require(self.name, oi, gap >= floor, when, b.monday)
                if b.s_lo - a.e_hi >= need:
                    continue
                if _const(gap) and all(_const(x) for x in when):
                    if floor <= gap < need:
                        weeks.setdefault(b.monday, []).append(1)
                    continue
                c = m.new_bool(f"cut_night_rest[{m.inst.officers[oi].officer_id},{b.date}]")
                m.require(self.name, oi, gap >= need, [*when, c.Not()], b.monday)
                weeks.setdefault(b.monday, []).append(c)
            for week, cs in weeks.items():
                if week in m.inst.mondays:
                    m.require(self.name, oi, sum(cs) <= allowed, week=week)


class RestAfterNightSeries(Rule):
    """Hard rule: at least ``rules.rest_after_night_series_hours`` (46 h) rest after a series of
    ``rules.night_series_length`` (3) or more night shifts on consecutive dates.

    Source: Arbeidstijdenwet art. 5:8. Amount: hours short of the rest.
    """

    name = "rest_after_night_series"
    source = "Arbeidstijdenwet art. 5:8"

    def words(self, cfg: Config) -> str:
        r = cfg.rules
        return f"{r.rest_after_night_series_hours:g} h rest after {r.night_series_length} nights"

    def check(self, tl: Timeline) -> list[Breach]:
        r = tl.cfg.rules
        need, n = minutes(r.rest_after_night_series_hours), r.night_series_length
        out: list[Breach] = []
        for oid, shifts in tl.shifts.items():
            run: list[Shift] = []
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
                if gap < need and tl.checked(nxt.date):
                    out.append(Breach(self.name, oid, range_text(sh.end, nxt.start),
                                      f"{oid}: {h(gap)} h rest after {len(run)} night shifts in a row "
                                      f"({day_text(run[0].date)} to {day_text(sh.date)}) before {nxt.label}; at least "
                                      f"{h(need)} h after {n} or more nights in a row", hours(need - gap),
                                      monday_of(nxt.date)))
        return out

    def encode(self, m: ModelCtx) -> None:
        r = m.cfg.rules
        need, n = minutes(r.rest_after_night_series_hours), r.night_series_length
        for oi, ov in enumerate(m.officers):
            last_on: dict[dt.date, Entry] = {}
            for e in ov.entries:
                last_on[e.date] = e  # the last shift of each date (entries are in time order)
            for a, b, lits in m.pairs(oi, need):
                if a.date == b.date:
                    continue
                series = [a.night]
                for k in range(1, n):
                    prev = last_on.get(a.date - dt.timedelta(days=k))
                    series.append(prev.night if prev is not None else 0)
                if any(is0(x) for x in series):
                    continue
                when = [*lits, *series]
                if b.date == a.date + dt.timedelta(days=1):
                    when.append(_neg(b.night))  # a night the next date carries the series on
                m.require(self.name, oi, b.start - a.end >= need, when, b.monday)


class WeeklyRest(Rule):
    """Hard rule: an unbroken rest of at least ``rules.weekly_rest_hours`` (36 h) in every period of 7 × 24 h.

    Source: Arbeidstijdenwet art. 5:5. Rests are the gaps between consecutive shifts and, at the edges, from the
    start of the known horizon to the first shift and from the last shift to its end; time outside the horizon is
    never rest.

    ``sliding`` reading: every window of 7 × 24 h inside the known horizon (starting at any minute) holds a rest of
    at least 36 h that starts inside it or runs at least 36 h into it. Equivalently (and this is what is checked,
    exactly, in minutes): from the end of one such rest to the start of the next is at most 7 × 24 h − 36 h = 132 h,
    the first starts within 7 × 24 h of the horizon's start, and one starts by 132 h before its end. A horizon
    shorter than 7 × 24 h (one week with the spring DST change) needs one such rest. A breach belongs to the
    checked week in which the last window without a rest ends.

    ``fixed`` reading: every ISO week (Monday 00:00 to Monday 00:00, local time) holds a rest of at least 36 h
    inside it (a rest across its edges counts with its part inside).

    Amount: hours too many between two rests (sliding), or hours short of the rest (fixed).
    """

    name = "weekly_rest"
    source = "Arbeidstijdenwet art. 5:5"

    def applies(self, cfg: Config) -> bool:
        return cfg.rules.weekly_rest_hours > 0

    def words(self, cfg: Config) -> str:
        return f"{cfg.rules.weekly_rest_hours:g} h unbroken weekly rest"

    # -- check ------------------------------------------------------------------------------------------------

    def check(self, tl: Timeline) -> list[Breach]:
        if not tl.known_weeks:
            return []
        if tl.cfg.rules.period_reading == "fixed":
            return self._check_fixed(tl)
        return self._check_sliding(tl)

    def _check_sliding(self, tl: Timeline) -> list[Breach]:
        need = minutes(tl.cfg.rules.weekly_rest_hours)
        span = WEEK_MIN - need
        h0, h1 = tl.horizon()
        out: list[Breach] = []
        for oid, shifts in tl.shifts.items():
            times_ = [(epoch_min(s.start), epoch_min(s.end)) for s in shifts]
            if h1 - h0 < WEEK_MIN:
                if not _any_long_rest(times_, h0, h1, need):
                    week = tl.known_weeks[-1]
                    if week in tl.weeks:
                        best = _longest_rest_in(times_, h0, h1, h0, h1)
                        out.append(Breach(self.name, oid, week_label(week),
                                          f"{oid}: longest unbroken rest {h(best)} h in the {h(h1 - h0)} h of "
                                          f"{week_label(week)}; at least {h(need)} h in every 7 × 24 h",
                                          hours(need - best), week))
                continue
            worst: dict[dt.date, tuple[int, int, int]] = {}
            for rest_end, next_start in rest_chain(times_, h0, h1, need):
                if next_start - rest_end <= span:
                    continue
                # Windows that fail start from rest_end - need + 1 to next_start - 7 x 24 h (inside the horizon).
                lo, hi = max(rest_end - need + 1, h0), min(next_start, h1) - WEEK_MIN
                if hi < lo:
                    continue
                last = _last_checked_week(tl, lo + WEEK_MIN, hi + WEEK_MIN)
                if last is None:
                    continue
                week = last
                # Report the worst of them: the window whose longest rest inside is shortest.
                starts = sorted({lo, hi, *range(lo - lo % 60 + 60, hi, 60)})
                best, w0 = min((_longest_rest_in(times_, h0, h1, w, w + WEEK_MIN), w) for w in starts)
                if week not in worst or best < worst[week][0]:
                    worst[week] = (best, w0, w0 + WEEK_MIN)
            for week in sorted(worst):
                best, w0, w1 = worst[week]
                a, b = from_epoch(w0, tl.tz), from_epoch(w1, tl.tz)
                out.append(Breach(self.name, oid, range_text(a, b),
                                  f"{oid}: longest unbroken rest {h(best)} h in the {h(w1 - w0)} h from "
                                  f"{day_text(a.date())} {a:%H:%M} to {day_text(b.date())} {b:%H:%M}; at least "
                                  f"{h(need)} h in every 7 × 24 h", hours(need - best), week))
        return out

    def _check_fixed(self, tl: Timeline) -> list[Breach]:
        need = minutes(tl.cfg.rules.weekly_rest_hours)
        h0, h1 = tl.horizon()
        out: list[Breach] = []
        for oid, shifts in tl.shifts.items():
            times_ = [(epoch_min(s.start), epoch_min(s.end)) for s in shifts]
            for week in tl.weeks:
                p0 = epoch_min(local(week, dt.time(0), tl.tz))
                p1 = epoch_min(local(week + dt.timedelta(days=7), dt.time(0), tl.tz))
                best = _longest_rest_in(times_, h0, h1, p0, p1)
                if best < need:
                    out.append(Breach(self.name, oid, week_label(week),
                                      f"{oid}: longest unbroken rest {h(best)} h in {week_label(week)}; at least "
                                      f"{h(need)} h in every ISO week (fixed reading)", hours(need - best), week))
        return out

    # -- encoding ---------------------------------------------------------------------------------------------

    def encode(self, m: ModelCtx) -> None:
        if m.cfg.rules.period_reading == "fixed":
            self._encode_fixed(m)
        else:
            self._encode_sliding(m)

    def _encode_sliding(self, m: ModelCtx) -> None:
        """The chain of the check in CP-SAT. Per shift: E = the end of the last shift before it, L = the end of the
        last rest of 36 h before it. Where a rest of 36 h starts (at E), the stretch since L may be at most 132 h;
        every shift's end lies at most 132 h after L (implied, and it tightens the LP); at the horizon's end either a
        rest of 36 h starts or the end lies at most 132 h after L. A stretch that ends before the period is history's
        and not held (the check does not report it either)."""
        need = minutes(m.cfg.rules.weekly_rest_hours)
        span = WEEK_MIN - need
        h0, h1, start = 0, m.inst.end, m.inst.start
        short_horizon = h1 - h0 < WEEK_MIN
        model = m.model
        for oi, ov in enumerate(m.officers):
            oid = ov.facts.officer_id
            state = chain_state([(e.s_lo, e.e_lo) for e in ov.entries if e.history], h0, need)
            E: Any = state[0]
            L: Any = state[1]
            seen = state[2]
            longs: list[Any] = [int(seen)]
            for e in ov.entries:
                if e.history or is0(e.works):
                    continue
                w, week = e.works, e.monday
                gap = e.start - E
                if _const(gap) and is1(w):
                    long_: Any = int(gap >= need)
                else:
                    long_ = model.new_bool_var(f"long_rest_before[{oid},{e.date}]")
                    m.require(self.name, oi, gap >= need, [w, long_], week)
                    m.require(self.name, oi, gap <= need - 1, [w, _neg(long_)], week)
                longs.append(_and(model, w, long_))
                if not _const(E) or E - 1 >= start:
                    m.require(self.name, oi, E - L <= span, [w, long_], week)
                if _const(L) and _const(e.start) and _const(long_) and is1(w):
                    L = e.start if long_ else L
                else:
                    new_l = model.new_int_var(h0 - 1, h1 + need, f"rest_end[{oid},{e.date}]")
                    m.require(self.name, oi, new_l == e.start, [w, long_], week)
                    m.require(self.name, oi, new_l == L, [w, _neg(long_)], week)
                    m.require(self.name, oi, new_l == L, [_neg(w)], week)
                    L = new_l
                if _const(E) and _const(e.end) and is1(w):
                    E = e.end
                else:
                    new_e = model.new_int_var(h0, h1 + 24 * 60, f"last_end[{oid},{e.date}]")
                    m.require(self.name, oi, new_e == e.end, [w], week)
                    m.require(self.name, oi, new_e == E, [_neg(w)], week)
                    E = new_e
                if not short_horizon:
                    m.require(self.name, oi, e.end - L <= span, [w], week)
            last_week = m.inst.mondays[-1]
            end_gap = h1 - E
            if _const(end_gap):
                long_end: Any = int(end_gap >= need)
            else:
                long_end = model.new_bool_var(f"long_rest_at_end[{oid}]")
                m.require(self.name, oi, end_gap >= need, [long_end], last_week)
                m.require(self.name, oi, end_gap <= need - 1, [_neg(long_end)], last_week)
            if short_horizon:
                m.require(self.name, oi, sum(longs) + long_end >= 1, week=last_week)
                continue
            if not _const(E) or E - 1 >= start:
                m.require(self.name, oi, E - L <= span, [long_end], last_week)
            m.require(self.name, oi, h1 - L <= span, [_neg(long_end)], last_week)

    def _encode_fixed(self, m: ModelCtx) -> None:
        """Per ISO week of the period: one of the rests that can fall in it (between two consecutive shifts, or at
        the horizon's edges) is at least 36 h long inside the week."""
        need = minutes(m.cfg.rules.weekly_rest_hours)
        h0, h1 = 0, m.inst.end
        tz = m.cfg.tz
        for oi, ov in enumerate(m.officers):
            seq: list[Any] = [None, *(e for e in ov.entries if not is0(e.works)), None]
            last = len(seq) - 1
            for week in m.inst.mondays:
                p0 = m.inst.m(local(week, dt.time(0), tz))
                p1 = m.inst.m(local(week + dt.timedelta(days=7), dt.time(0), tz))
                options: list[Any] = []
                for i in range(last):
                    a = seq[i]
                    a_lo, a_end, a_w = (h0, h0, 1) if a is None else (a.e_lo, a.end, a.works)
                    if a_lo >= p1:
                        break
                    between: list[Any] = []
                    for j in range(i + 1, last + 1):
                        b = seq[j]
                        b_hi, b_start, b_w = (h1, h1, 1) if j == last else (b.s_hi, b.start, b.works)
                        if min(b_hi, p1) - max(a_lo, p0) >= need:
                            lits = [a_w, b_w, *between]
                            conds = [b_start - a_end >= need, b_start - p0 >= need, p1 - a_end >= need]
                            if all(isinstance(c, bool) for c in conds) and all(_const(x) for x in lits):
                                if all(conds) and all(x == 1 for x in lits):
                                    options.append(1)
                            else:
                                z = m.model.new_bool_var(f"weekly_rest[{ov.facts.officer_id},{week},{i},{j}]")
                                for cond in conds:
                                    m.require(self.name, oi, cond, [*lits, z], week)
                                for x in lits:
                                    if not _const(x):
                                        m.model.add_implication(z, x)
                                options.append(z)
                        if j == last or is1(b.works):
                            break
                        between.append(_neg(b.works))
                m.require(self.name, oi, sum(options) >= 1, week=week)


def _and(model: Any, a: Any, b: Any) -> Any:
    if _const(a):
        return b if a == 1 else 0
    if _const(b):
        return a if b == 1 else 0
    y = model.new_bool_var("and")
    model.add(y <= a)
    model.add(y <= b)
    model.add(y >= a + b - 1)
    return y


def chain_state(times_: list[tuple[int, int]], h0: int, need: int) -> tuple[int, int, bool]:
    """After the shifts ``times_`` (start, end minutes, in order) from the horizon start ``h0``: the end of the last
    shift (or h0), the end of the last rest of ``need`` minutes (h0 + need - 1 when there was none: the first window
    must then hold one), and whether there was one."""
    last_end, rest_end, seen = h0, h0 + need - 1, False
    for s, e in times_:
        if s - last_end >= need:
            rest_end, seen = s, True
        last_end = max(last_end, e)
    return last_end, rest_end, seen


def rest_chain(times_: list[tuple[int, int]], h0: int, h1: int, need: int) -> list[tuple[int, int]]:
    """Each stretch between two rests of ``need`` minutes: (end of the one rest, start of the next). The horizon's
    start counts as a rest ending at h0 + need - 1 (the first window must hold a rest), its end as a rest starting at
    h1 unless a rest of ``need`` minutes starts at the last shift's end."""
    out = []
    last_end, rest_end = h0, h0 + need - 1
    for s, e in times_:
        if s - last_end >= need:
            out.append((rest_end, last_end))
            rest_end = s
        last_end = max(last_end, e)
    out.append((rest_end, last_end if h1 - last_end >= need else h1))
    return out


def _any_long_rest(times_: list[tuple[int, int]], h0: int, h1: int, need: int) -> bool:
    last = h0
    for s, e in times_:
        if min(s, h1) - last >= need:
            return True
        last = max(last, e)
    return h1 - last >= need


def _longest_rest_in(times_: list[tuple[int, int]], h0: int, h1: int, p0: int, p1: int) -> int:
    """The longest gap between consecutive shifts (and the horizon's edges) clipped to [p0, p1)."""
    best, last = 0, h0
    for s, e in times_:
        best = max(best, min(s, p1) - max(last, p0))
        last = max(last, e)
    return max(best, min(h1, p1) - max(last, p0))


def _last_checked_week(tl: Timeline, lo: int, hi: int) -> dt.date | None:
    """The last checked ISO week that holds a moment of [lo, hi] (epoch minutes)."""
    for week in sorted(tl.weeks, reverse=True):
        w0 = epoch_min(local(week, dt.time(0), tl.tz))
        w1 = epoch_min(local(week + dt.timedelta(days=7), dt.time(0), tl.tz))
        if w0 < hi and lo <= w1:  # a window ending in [lo, hi] has its last minute in the week
            return week
    return None


class ConsecutiveShiftsWithNight(Rule):
    """Hard rule: no ``rules.max_consecutive_shifts_with_night`` + 1 (8) consecutive dates that each hold a shift
    when any of those shifts is a night shift.

    Source: Arbeidstijdenwet art. 5:8 ("at most 7 shifts in a row when any of them is a night shift"). Read as
    windows of 8 dates: a window is reported when it holds a checked date. Amount: shifts over the limit.
    """

    name = "consecutive_shifts_with_night"
    source = "Arbeidstijdenwet art. 5:8"

    def words(self, cfg: Config) -> str:
        return f"at most {cfg.rules.max_consecutive_shifts_with_night} shifts in a row with a night"

    def check(self, tl: Timeline) -> list[Breach]:
        limit = tl.cfg.rules.max_consecutive_shifts_with_night
        out: list[Breach] = []
        for oid, shifts in tl.shifts.items():
            dates = sorted({s.date for s in shifts})
            nights = {s.date for s in shifts if s.night}
            have = set(dates)
            runs: list[list[dt.date]] = []
            for d in dates:
                if runs and d == runs[-1][-1] + dt.timedelta(days=1):
                    runs[-1].append(d)
                else:
                    runs.append([d])
            for run in runs:
                bad = [
                    k for k in range(len(run) - limit)
                    if nights.intersection(run[k : k + limit + 1])
                    and any(tl.checked(d) for d in run[k : k + limit + 1])
                ]
                if bad and all(d in have for d in run):
                    n = len(nights.intersection(run))
                    last = run[bad[-1] + limit]
                    out.append(Breach(self.name, oid, f"{run[0].isoformat()} – {run[-1].isoformat()}",
                                      f"{oid}: {len(run)} shifts in a row from {day_text(run[0])} to "
                                      f"{day_text(run[-1])} with {n} night shift(s); at most {limit} in a row when "
                                      "any is a night", float(len(run) - limit), monday_of(last)))
        return out

    def encode(self, m: ModelCtx) -> None:
        limit = m.cfg.rules.max_consecutive_shifts_with_night
        for oi, ov in enumerate(m.officers):
            works: dict[dt.date, Any] = {}
            nights: dict[dt.date, Any] = {}
            for e in ov.entries:
                works[e.date] = _or(m.model, works.get(e.date, 0), e.works)
                nights[e.date] = _or(m.model, nights.get(e.date, 0), e.night)
            first = min(works, default=m.inst.days[0])
            plan = set(m.inst.days)
            d = first
            while d + dt.timedelta(days=limit) <= m.inst.days[-1]:
                window = [d + dt.timedelta(days=k) for k in range(limit + 1)]
                if plan.intersection(window) and not any(is0(works.get(x, 0)) for x in window):
                    total = sum(works[x] for x in window)
                    for x in window:
                        if not is0(nights.get(x, 0)):
                            m.require(self.name, oi, total + nights[x] <= limit + 1,
                                      week=monday_of(max(plan.intersection(window))))
                d += dt.timedelta(days=1)


def _or(model: Any, a: Any, b: Any) -> Any:
    if _const(a):
        return 1 if a == 1 else b
    if _const(b):
        return 1 if b == 1 else a
    y = model.new_bool_var("or")
    model.add_max_equality(y, [a, b])
    return y


class MaxNights16w(Rule):
    """Hard rule: at most ``rules.max_nights_16w`` (36) night shifts in the 16 weeks ending with a checked week,
    roster and history together.

    Source: Arbeidstijdenwet art. 5:8 (by collective arrangement 140 in 52 weeks). Amount: nights over the limit.
    """

    name = "max_nights_16w"
    source = "Arbeidstijdenwet art. 5:8"

    def words(self, cfg: Config) -> str:
        return f"at most {cfg.rules.max_nights_16w} nights in 16 weeks"

    def check(self, tl: Timeline) -> list[Breach]:
        limit = tl.cfg.rules.max_nights_16w
        out: list[Breach] = []
        for oid, shifts in tl.shifts.items():
            for w in tl.weeks:
                first, end = w - dt.timedelta(weeks=15), w + dt.timedelta(days=7)
                n = sum(1 for s in shifts if s.night and first <= s.date < end)
                if n > limit:
                    out.append(Breach(self.name, oid, f"{week_label(first)} – {week_label(w)}",
                                      f"{oid}: {n} night shifts in the 16 weeks {week_label(first)} to "
                                      f"{week_label(w)}; "
                                      f"at most {limit}", float(n - limit), w))
        return out

    def encode(self, m: ModelCtx) -> None:
        limit = m.cfg.rules.max_nights_16w
        for oi, ov in enumerate(m.officers):
            for w in m.inst.mondays:
                first, end = w - dt.timedelta(weeks=15), w + dt.timedelta(days=7)
                nights = [e.night for e in ov.entries if first <= e.date < end]
                m.require(self.name, oi, sum(nights) <= limit, week=w)
