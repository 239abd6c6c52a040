"""Hard rules of the roster, one function each, named in the domain's words; the registry decides which run.

Limits that fit in variable domains live there (see ``variables.make_variables``): a shift overlapping leave or
sickness, a night shift for a night-exempt officer, a shift longer than 12 h or a night longer than 10 h is never
offered. Every other hard rule is a function here. Each adds its constraints through ``ctx.require`` so that a
diagnosis can switch one rule for one officer off with an assumption literal.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from ortools.sat.python import cp_model

from planner.solver.instance import Instance
from planner.solver.variables import Item, Vars
from planner.timeutil import minutes_between


@dataclass
class Ctx:
    """What a rule needs: the model, the instance, the variables, and the switch for diagnosis."""

    model: cp_model.CpModel
    inst: Instance
    v: Vars
    diagnose: bool = False
    elastic: bool = False  # --allow-breaches: rules may bend at a high price instead of holding outright
    shortfalls: dict[int, Any] = field(default_factory=dict)
    literals: dict[tuple[str, int], cp_model.IntVar] = field(default_factory=dict)
    short_rests: dict[int, list[tuple[Item, Item, Any]]] = field(default_factory=dict)

    def lit(self, rule: str, oi: int) -> cp_model.IntVar:
        key = (rule, oi)
        if key not in self.literals:
            self.literals[key] = self.model.new_bool_var(f"holds[{rule},{self.inst.officers[oi].officer_id}]")
        return self.literals[key]

    def require(self, rule: str, oi: int, expr: Any) -> None:
        """Add ``expr`` as a hard constraint of ``rule`` for officer ``oi`` (skipped when it is constant)."""
        if isinstance(expr, bool):
            if not expr and self.diagnose:
                self.model.add_bool_or([self.lit(rule, oi).Not()])
            elif not expr:
                self.model.add_bool_or([])
            return
        ct = self.model.add(expr)
        if self.diagnose:
            ct.only_enforce_if(self.lit(rule, oi))


def _minutes(hours: float) -> int:
    return round(hours * 60)


def _on(items: list[Item], day: dt.date) -> list[Item]:
    return [it for it in items if it.date == day]


def _horizon_days(inst: Instance, back: int) -> list[dt.date]:
    return [inst.monday + dt.timedelta(days=i) for i in range(-back, 7)]


def one_shift_per_day(ctx: Ctx) -> None:
    """Hard rule: at most one shift a day per officer (issue 3; the roster's unit is one shift a day)."""
    for oi in ctx.v.items:
        for day in ctx.inst.days:
            lits = [it.lit for it in _on(ctx.v.items[oi], day)]
            if len(lits) > 1:
                ctx.require("one_shift_per_day", oi, sum(lits) <= 1)


def contract_hours_within_tolerance(ctx: Ctx) -> None:
    """Hard rule: worked hours within ± tolerance of available hours (contract minus leave and sickness).

    Source: the officer's contract; the tolerance (rules.contract_tolerance_hours) lets weeks balance out.
    """
    tol = _minutes(ctx.inst.cfg.rules.contract_tolerance_hours)
    for oi, o in enumerate(ctx.inst.officers):
        ctx.require("contract_hours", oi, ctx.v.worked[oi] <= o.available_min + tol)
        ctx.require("contract_hours", oi, ctx.v.worked[oi] >= max(0, o.available_min - tol))


def max_hours_per_week(ctx: Ctx) -> None:
    """Hard rule: at most 60 hours of work in a week (Arbeidstijdenwet art. 5:7)."""
    cap = _minutes(ctx.inst.cfg.rules.max_week_hours)
    for oi in ctx.v.items:
        ctx.require("week_hours", oi, ctx.v.worked[oi] <= cap)


def max_average_hours(ctx: Ctx) -> None:
    """Hard rule: on average at most 55 h/week over 4 weeks and 48 h/week over 16 weeks (Arbeidstijdenwet 5:7).

    Only weeks known from history count; without history the week alone is bounded by ``max_hours_per_week``.
    """
    rules = ctx.inst.cfg.rules
    for oi, o in enumerate(ctx.inst.officers):
        for weeks, avg in ((4, rules.max_avg_week_hours_4w), (16, rules.max_avg_week_hours_16w)):
            known = [h for h in o.history_weeks if h[0] < weeks]
            if not known:
                continue
            past = sum(h[1] for h in known)
            ctx.require(f"avg_week_hours_{weeks}w", oi, ctx.v.worked[oi] + past <= _minutes(avg) * (len(known) + 1))


def rest_between_shifts(ctx: Ctx) -> None:
    """Hard rule: 11 h rest between shifts (8 h once in 7 × 24 h); 14 h after a night ending after 02:00.

    The rest after a late night may be cut to 8 h once a week.

    Source: Arbeidstijdenwet art. 5:3 (daily rest) and 5:8 (rest after a night shift). Pairs closer than the
    reduced rest are forbidden; pairs within the reduced band use up the rule's budget of reductions.
    """
    rules = ctx.inst.cfg.rules
    reduced = _minutes(rules.daily_rest_reduced_hours)
    night_reduced = _minutes(rules.rest_after_late_night_reduced_hours)
    for oi, items in ctx.v.items.items():
        shorts: list[tuple[Item, Item, Any]] = []
        for i, a in enumerate(items):
            need = _minutes(rules.rest_after_late_night_hours if a.late_night else rules.daily_rest_hours)
            floor = night_reduced if a.late_night else reduced
            for b in items[i + 1 :]:
                if b.date <= a.date:
                    continue
                gap = minutes_between(a.end, b.start)
                if gap >= need:
                    if b.start > a.end + dt.timedelta(hours=24):
                        break
                    continue
                if a.history and b.history:
                    continue
                if gap < floor:
                    ctx.require("daily_rest", oi, a.lit + b.lit <= 1)
                else:
                    s = ctx.model.new_bool_var(f"short_rest[{ctx.inst.officers[oi].officer_id},{a.label},{b.label}]")
                    ctx.require("daily_rest", oi, s >= a.lit + b.lit - 1)
                    shorts.append((a, b, s))
        # History pairs that were already short count against the budget too.
        for i, a in enumerate(items):
            if not a.history:
                continue
            for b in items[i + 1 :]:
                if b.history and b.date > a.date:
                    need = _minutes(rules.rest_after_late_night_hours if a.late_night else rules.daily_rest_hours)
                    if minutes_between(a.end, b.start) < need:
                        shorts.append((a, b, 1))
                    break
        ctx.short_rests[oi] = shorts
        day_shorts = [(b, s) for a, b, s in shorts if not a.late_night]
        night_shorts = [(b, s) for a, b, s in shorts if a.late_night]
        for k in _horizon_days(ctx.inst, 6):
            window = [s for b, s in day_shorts if k <= b.date < k + dt.timedelta(days=7)]
            if any(b.date >= ctx.inst.monday for b, _ in day_shorts if k <= b.date < k + dt.timedelta(days=7)):
                ctx.require("daily_rest", oi, sum(window) <= rules.daily_rest_reductions_per_7d)
        week = [s for b, s in night_shorts if b.date >= ctx.inst.monday]
        if week:
            ctx.require("rest_after_night", oi, sum(week) <= rules.rest_after_late_night_reductions_per_week)


def weekly_rest(ctx: Ctx) -> None:
    """Hard rule: an unbroken rest of 36 h at least once in every 7 × 24 h (Arbeidstijdenwet art. 5:5).

    Encoded by days: day d "holds a rest" when no shift starts on d and the gap from the shift of d-1 to the
    shift of d+1 is at least 36 h (on the week's last day, to the end of the week: the next week is unknown).
    Every 7-day window k..k+6 needs such a day in k+1..k+7, i.e. a rest that lies in the window or starts in it
    (the reading the checker verifies hour by hour; a strict "inside every window" would forbid a plain
    Monday-to-Friday week, whose weekend straddles the windows that start on Saturday or Sunday).
    """
    need = _minutes(ctx.inst.cfg.rules.weekly_rest_hours)
    if need == 0:
        return  # weekly_rest_hours = 0 switches the rule off
    days = _horizon_days(ctx.inst, 6)
    horizon_end = day_start(ctx.inst, ctx.inst.monday + dt.timedelta(days=7))
    for oi, items in ctx.v.items.items():
        oid = ctx.inst.officers[oi].officer_id
        rest = {}
        for d in days:
            r = ctx.model.new_bool_var(f"rest36[{oid},{d}]")
            rest[d] = r
            for it in _on(items, d):
                ctx.require("weekly_rest", oi, r + it.lit <= 1)
            before = _on(items, d - dt.timedelta(days=1))
            after = _on(items, d + dt.timedelta(days=1))
            for a in before:
                if d == days[-1] and minutes_between(a.end, horizon_end) < need:
                    ctx.require("weekly_rest", oi, r + a.lit <= 1)
                for b in after:
                    if minutes_between(a.end, b.start) < need:
                        ctx.require("weekly_rest", oi, r + a.lit + b.lit <= 2)
        for k in days[:7]:  # every window k .. k+6 that reaches into the roster week
            holding = [rest[k + dt.timedelta(days=i)] for i in range(1, 8) if k + dt.timedelta(days=i) in rest]
            ctx.require("weekly_rest", oi, sum(holding) >= 1)


def day_start(inst: Instance, day: dt.date) -> dt.datetime:
    from planner.timeutil import local

    return local(day, dt.time(0), inst.cfg.tz)


def _nights(items: list[Item], day: dt.date) -> list[Any]:
    return [it.lit for it in _on(items, day) if it.night]


def rest_after_night_series(ctx: Ctx) -> None:
    """Hard rule: at least 46 h rest after a series of 3 or more night shifts (Arbeidstijdenwet art. 5:8)."""
    rules = ctx.inst.cfg.rules
    n = rules.night_series_length
    need = dt.timedelta(minutes=_minutes(rules.rest_after_night_series_hours))
    days = _horizon_days(ctx.inst, n + 2)
    for oi, items in ctx.v.items.items():
        for d in days:
            series = [d + dt.timedelta(days=i) for i in range(n)]
            earlier = [sum(_nights(items, s)) for s in series[:-1]]
            for e in (it for it in _on(items, series[-1]) if it.night):
                for f in items:
                    if f.start <= e.start or f.start >= e.end + need:
                        continue
                    if f.night and f.date == series[-1] + dt.timedelta(days=1):
                        continue  # the series goes on
                    between = [
                        sum(_nights(items, series[-1] + dt.timedelta(days=k)))
                        for k in range(1, (f.date - series[-1]).days)
                    ]
                    if e.history and f.history:
                        continue
                    ctx.require("rest_after_night_series", oi, sum(earlier) + e.lit + f.lit - sum(between) <= n)


def max_consecutive_shifts_with_night(ctx: Ctx) -> None:
    """Hard rule: at most 7 shifts in a row when any of them is a night shift (Arbeidstijdenwet art. 5:8)."""
    limit = ctx.inst.cfg.rules.max_consecutive_shifts_with_night
    days = _horizon_days(ctx.inst, limit)
    for oi, items in ctx.v.items.items():
        for k in range(len(days) - limit):
            window = days[k : k + limit + 1]
            work = [sum(it.lit for it in _on(items, d)) for d in window]
            if window[-1] < ctx.inst.monday:
                continue
            for d in window:
                nights = _nights(items, d)
                if nights:
                    ctx.require("consecutive_shifts_with_night", oi, sum(work) + sum(nights) <= limit + 1)


def max_nights_per_16_weeks(ctx: Ctx) -> None:
    """Hard rule: at most 36 night shifts in 16 weeks (Arbeidstijdenwet art. 5:8; by arrangement 140 in 52)."""
    limit = ctx.inst.cfg.rules.max_nights_16w
    start = ctx.inst.monday - dt.timedelta(weeks=15)
    for oi, items in ctx.v.items.items():
        nights = [it.lit for it in items if it.night and it.date >= start]
        if any(not it.history for it in items if it.night and it.date >= start):
            ctx.require("max_nights_16w", oi, sum(nights) <= limit)


def own_wijk_share_at_least_norm(ctx: Ctx) -> None:
    """Hard rule: own-wijk hours at least 80 % of available hours, over the rolling window with history.

    Source: the 80 % norm (Kamerstuk 29628-218; Hilversum consultation letter: "tenminste 80 % van de
    beschikbare uren in hun eigen wijk"). The share and reading are settings; earlier weeks (history) within
    norm.window_weeks count, so a week with compulsory training can be compensated.
    """
    norm = ctx.inst.cfg.norm
    frac = norm.fraction
    for oi, o in enumerate(ctx.inst.officers):
        past = [h for h in o.history_weeks if h[0] < norm.window_weeks]
        avail = o.available_min + sum(h[2] for h in past)
        own_past = sum(h[3] for h in past)
        if ctx.elastic:
            short = ctx.model.new_int_var(0, max(avail, 0), f"norm_short[{o.officer_id}]")
            ctx.shortfalls[oi] = short
            ctx.model.add(frac.denominator * (ctx.v.own[oi] + own_past + short) >= frac.numerator * avail)
            continue
        ctx.require("own_wijk_share", oi, frac.denominator * (ctx.v.own[oi] + own_past) >= frac.numerator * avail)


Rule = Callable[[Ctx], None]

#: The hard rules, in the order they are added. The only place that decides which hard rules run.
HARD_RULES: dict[str, Rule] = {
    "one_shift_per_day": one_shift_per_day,
    "contract_hours": contract_hours_within_tolerance,
    "week_hours": max_hours_per_week,
    "avg_week_hours": max_average_hours,
    "daily_rest": rest_between_shifts,
    "weekly_rest": weekly_rest,
    "rest_after_night_series": rest_after_night_series,
    "consecutive_shifts_with_night": max_consecutive_shifts_with_night,
    "max_nights_16w": max_nights_per_16_weeks,
    "own_wijk_share": own_wijk_share_at_least_norm,
}
