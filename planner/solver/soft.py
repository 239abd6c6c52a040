"""Soft rules: each returns named penalty terms and never touches the objective itself."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from planner.hours import overlap_minutes
from planner.solver.instance import Instance
from planner.solver.rules import Ctx
from planner.timeutil import local


@dataclass(frozen=True)
class Term:
    """One penalty term: ``coef × var`` in the objective; ``unit`` says what one unit of ``var`` is."""

    rule: str
    subject: str  # a demand id, an officer id or a group
    var: Any
    coef: int
    unit: str  # "min" (minutes short / over) or "count"
    ref: Any = None  # demand index or officer index, for explanations


def _coef(weight_per_hour: float, factor: float = 1.0) -> int:
    """Integer objective coefficient per minute (objective / 60 is weighted hours)."""
    return max(1, round(weight_per_hour * factor)) if weight_per_hour > 0 else 0


def presence_demand(ctx: Ctx) -> list[Term]:
    """Soft rule: wijk presence wanted per wijk and time window, weighted by the theme's priority.

    Source: the wijk's needs (Hilversum letter; demand-based planning). Penalty: officer-minutes short. At each
    moment at most the wanted number of officers count, so three officers for one hour do not hide two empty hours.
    """
    return _coverage(ctx, "presence", "presence_demand", ctx.v.pres, ctx.inst.cfg.weights.presence)


def team_demand(ctx: Ctx) -> list[Term]:
    """Soft rule: noodhulp support and events, met only within the slack the 80 % norm leaves.

    Source: the basisteam's claims on wijkagent hours (noodhulp, events). Penalty: officer-minutes short.
    """
    return _coverage(ctx, "team", "team_demand", ctx.v.team, ctx.inst.cfg.weights.team)


def _coverage(ctx: Ctx, kind: str, rule: str, var: dict, weight: float) -> list[Term]:
    model, inst, r = ctx.model, ctx.inst, ctx.v.resolution
    by_demand: dict[int, list[Any]] = {}
    by_moment: dict[tuple[int, Any, Any], list[Any]] = {}
    for (_oi, si, gi, j), x in var.items():
        seg = inst.slots[si].segments[gi]
        by_demand.setdefault(j, []).append(x)
        by_moment.setdefault((j, seg.start, seg.end), []).append(x)
    for (j, s, e), xs in by_moment.items():
        dm = inst.demands[j]
        seg_min = int((e - s).total_seconds() // 60)
        model.add(
            r * sum(xs) + pinned_cover(inst, j, s, e) <= max(int(dm.officers * seg_min), pinned_cover(inst, j, s, e))
        )
    terms = []
    for j, dm in enumerate(inst.demands):
        if (dm.kind == "presence") != (kind == "presence"):
            continue
        short = model.new_int_var(0, dm.wanted_minutes, f"short[{dm.id},{dm.name},{dm.start:%a %H:%M}]")
        covered = r * sum(by_demand.get(j, [])) + pinned_cover(inst, j)
        model.add(short >= dm.wanted_minutes - covered)
        terms.append(Term(rule, dm.id, short, _coef(weight, dm.factor), "min", j))
    return terms


def pinned_cover(inst: Instance, j: int, start: Any = None, end: Any = None) -> int:
    """Officer-minutes of demand ``j`` (between ``start`` and ``end``) that pinned shifts already cover."""
    dm = inst.demands[j]
    lo, hi = start or dm.start, end or dm.end
    total = 0
    for o in inst.officers:
        for pn in o.pinned:
            for b in pn.blocks:
                if dm.kind == "presence":
                    hit = b["activity"] == "wijk" and b["wijk_code"] == dm.wijk_code
                else:
                    hit = b["activity"] == dm.kind
                if hit:
                    total += overlap_minutes(b["start"], b["end"], lo, hi)
    return min(total, dm.wanted_minutes)


def hours_match_contract(ctx: Ctx) -> list[Term]:
    """Soft rule: worked hours close to available hours (the tolerance allows a difference; each hour costs).

    Source: planners' practice; plus- and minus-hours must be compensated later.
    """
    terms = []
    w = ctx.inst.cfg.weights.hours_deviation
    tol = round(ctx.inst.cfg.rules.contract_tolerance_hours * 60) + 24 * 60
    for oi, o in enumerate(ctx.inst.officers):
        least = least_deviation(ctx, oi)
        dev = ctx.model.new_int_var(min(least, tol), tol, f"hours_deviation[{o.officer_id}]")
        ctx.model.add(dev >= ctx.v.worked[oi] - o.available_min)
        ctx.model.add(dev >= o.available_min - ctx.v.worked[oi])
        terms.append(Term("hours_deviation", o.officer_id, dev, _coef(w), "min", oi))
    return terms


def least_deviation(ctx: Ctx, oi: int) -> int:
    """Smallest |worked - available| minutes that whole shifts can reach (a valid bound: shifts are 8 h, not 7.2).

    Reachable week totals come from choosing at most one offered shift a day, plus fixed and pinned work.
    """
    o = ctx.inst.officers[oi]
    base = sum(fb.minutes for fb in o.fixed) + sum(p.minutes for p in o.pinned)
    lengths: dict[int, set[int]] = {}
    for o2, si in ctx.v.x:
        if o2 == oi:
            sl = ctx.inst.slots[si]
            lengths.setdefault(sl.day, set()).add(sl.minutes)
    reach = {base}
    cap = round(ctx.inst.cfg.rules.max_week_hours * 60)
    for day_lengths in lengths.values():
        reach = {t + m for t in reach for m in (0, *day_lengths) if t + m <= cap} | reach
    return min(abs(t - o.available_min) for t in reach)


def _spread(ctx: Ctx, rule: str, counts: dict[int, Any]) -> list[Term]:
    """The busiest officer's count: minimising it spreads the shifts (max - min proves far slower)."""
    if len(counts) < 2:
        return []
    hi = ctx.model.new_int_var(0, 7, f"{rule}_max")
    for c in counts.values():
        ctx.model.add(hi >= c)
    return [Term(rule, "team", hi, _coef(ctx.inst.cfg.weights.fairness) * 60, "count")]


def fair_spread_of_nights(ctx: Ctx) -> list[Term]:
    """Soft rule: nights spread fairly over the officers who may work them (fairness of nights; user need)."""
    counts = {}
    for oi, o in enumerate(ctx.inst.officers):
        if o.night_exempt or o.available_min == 0:
            continue
        counts[oi] = sum(x for (o2, si), x in ctx.v.x.items() if o2 == oi and ctx.inst.slots[si].night) + sum(
            1 for p in o.pinned if p.night
        )
    return _spread(ctx, "fair_nights", counts)


def fair_spread_of_evenings(ctx: Ctx) -> list[Term]:
    """Soft rule: evening shifts (ending after 21:00, not nights) spread fairly (fairness; user need)."""
    counts = {}
    for oi, o in enumerate(ctx.inst.officers):
        if o.available_min == 0:
            continue
        counts[oi] = sum(x for (o2, si), x in ctx.v.x.items() if o2 == oi and _evening(ctx, si)) + sum(
            1 for p in o.pinned if _is_evening(ctx, p.date, p.end, p.night)
        )
    return _spread(ctx, "fair_evenings", counts)


def _evening(ctx: Ctx, si: int) -> bool:
    sl = ctx.inst.slots[si]
    return _is_evening(ctx, sl.date, sl.end, sl.night)


def _is_evening(ctx: Ctx, date: dt.date, end: dt.datetime, night: bool) -> bool:
    return not night and (end.date() > date or end >= local(date, dt.time(21), ctx.inst.cfg.tz))


def fair_spread_of_weekends(ctx: Ctx) -> list[Term]:
    """Soft rule: weekend shifts (starting Saturday or Sunday) spread fairly (fairness; user need)."""
    counts = {}
    for oi, o in enumerate(ctx.inst.officers):
        if o.available_min == 0:
            continue
        counts[oi] = sum(x for (o2, si), x in ctx.v.x.items() if o2 == oi and ctx.inst.slots[si].day >= 5) + sum(
            1 for p in o.pinned if p.date.weekday() >= 5
        )
    return _spread(ctx, "fair_weekends", counts)


def wished_days_off(ctx: Ctx) -> list[Term]:
    """Soft rule: officers' wished days off (wishes.csv) are kept where the rest allows (user need)."""
    terms = []
    for oi, o in enumerate(ctx.inst.officers):
        for day in sorted(o.wished_off):
            xs = [x for (o2, si), x in ctx.v.x.items() if o2 == oi and ctx.inst.slots[si].day == day]
            if xs:
                works = ctx.model.new_bool_var(f"works_on_wish[{o.officer_id},{ctx.inst.days[day]}]")
                ctx.model.add(works == sum(xs))
                terms.append(
                    Term(
                        "wished_day_off",
                        o.officer_id,
                        works,
                        _coef(ctx.inst.cfg.weights.wishes) * 60,
                        "count",
                        (oi, day),
                    )
                )
    return terms


SoftRule = Callable[[Ctx], list[Term]]

#: Soft rules in the order planners rank them: wijk presence, team demand, hours, fairness and wishes.
SOFT_RULES: dict[str, SoftRule] = {
    "presence_demand": presence_demand,
    "team_demand": team_demand,
    "hours_deviation": hours_match_contract,
    "fair_nights": fair_spread_of_nights,
    "fair_evenings": fair_spread_of_evenings,
    "fair_weekends": fair_spread_of_weekends,
    "wished_day_off": wished_days_off,
}
