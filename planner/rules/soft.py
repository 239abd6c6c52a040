"""Soft rules: each returns named penalty terms on a level of the ordered objective and never touches the objective.

Coverage counts at most the wanted number of officers at each moment, so three officers for one hour do not hide
two empty hours.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from planner.hours import overlap_minutes
from planner.rules.base import is1, minutes
from planner.rules.street import serves

if TYPE_CHECKING:  # pragma: no cover
    from planner.solver.context import ModelCtx
    from planner.solver.instance import Demand
    from planner.solver.objective import Term


def _term(*args: Any, **kw: Any) -> Term:
    from planner.solver.objective import Term

    return Term(*args, **kw)


def pinned_cover(m: ModelCtx, dm: Demand, lo: Any = None, hi: Any = None) -> int:
    """Officer-minutes of ``dm`` (between ``lo`` and ``hi``) that given (pinned) shifts already cover."""
    lo, hi = lo or dm.start, hi or dm.end
    total = 0
    for ov in m.officers:
        if dm.kind != "presence" and dm.team and ov.facts.team != dm.team:
            continue  # another team's demand
        for e in ov.plan_entries():
            if e.fixed is None:
                continue
            for b in e.fixed.blocks:
                if dm.kind == "presence":
                    hit = str(b["activity"]) == "wijk" and str(b.get("wijk_code") or "") == dm.wijk_code
                else:
                    hit = serves(b, dm) or (str(b["activity"]) == dm.kind and not str(b.get("task") or ""))
                if hit:
                    total += overlap_minutes(b["start"], b["end"], lo, hi)
    return total


def _coverage(m: ModelCtx, kind: str, rule: str, level: str) -> list[Term]:
    inst = m.inst
    want = [j for j, dm in enumerate(inst.demands) if (dm.kind == "presence") == (kind == "presence")]
    by_demand: dict[int, list[Any]] = {j: [] for j in want}
    by_moment: dict[tuple[int, int, int], list[Any]] = {}
    for ov in m.officers:
        for p in ov.pieces:
            for j, x in (p.pres if kind == "presence" else p.team).items():
                by_demand[j].append(p.minutes * x)
                by_moment.setdefault((j, p.a, p.b), []).append(x)
    for (j, a, b), xs in by_moment.items():
        dm = inst.demands[j]
        given = pinned_cover(m, dm, inst.at(a), inst.at(b)) // max(b - a, 1)
        if len(xs) + given > dm.cap:
            m.model.add(sum(xs) <= max(dm.cap - given, 0))
    terms = []
    for j in want:
        dm = inst.demands[j]
        short = m.model.new_int_var(0, dm.wanted_minutes, f"short[{dm.id},{dm.name},{dm.start:%a %H:%M}]")
        covered = sum(by_demand[j]) + min(pinned_cover(m, dm), dm.wanted_minutes)
        covered -= sum(minutes * sw for sw, minutes in m.travel.get(j, []))  # travel is not presence at the event
        m.covered[j] = covered
        m.model.add(short >= dm.wanted_minutes - covered)
        coef = (max(1, round(dm.factor * 10)) if dm.factor > 0 else 0) if kind == "presence" else 1
        terms.append(_term(level, rule, dm.id, short, coef, "min", dm.wanted_minutes, j))
    return terms


def wijk_demand(m: ModelCtx) -> list[Term]:
    """Soft rule: wijk presence wanted per wijk and time window, weighted by the theme's priority (hoog 4, midden 2,
    laag 1). Source: the wijk's needs (Hilversum letter; demand-based planning). Penalty: officer-minutes short."""
    return _coverage(m, "presence", "wijk_demand", "wijk_demand")


def team_demand(m: ModelCtx) -> list[Term]:
    """Soft rule: noodhulp support and events, met within what the norm and the hours leave.

    Source: the basisteam's claims on wijkagent hours. Penalty: officer-minutes short."""
    return _coverage(m, "team", "team_demand", "team_demand")


def hours_balance(m: ModelCtx) -> list[Term]:
    """Soft rule: the hours balance (plus- and minus-hours: worked minus available, carried over the weeks from the
    history) stays within ``[hours]`` limits, and near zero.

    Source: the officer's contract; plus-hours are compensated later. Beyond a limit each minute costs on the
    ``balance_limit`` level (never a reason to call a week impossible); within it, on the ``hours`` level, each
    minute costs one, and three beyond ``hours.even_hours`` (so hours spread over officers)."""
    cfg = m.cfg.hours
    plus, minus = minutes(cfg.balance_max_plus_hours), minutes(cfg.balance_max_minus_hours)
    even = minutes(cfg.even_hours)
    week_cap = 7 * 24 * 60 if m.guarded else minutes(m.cfg.rules.max_week_hours)
    terms: list[Term] = []
    for ov in m.officers:
        oid = ov.facts.officer_id
        balance: Any = ov.facts.balance_start_min
        reach = abs(ov.facts.balance_start_min)  # a true bound of |balance| so far (the law caps a week's hours)
        for w in m.inst.mondays:
            avail = ov.facts.weeks[w].available_min
            reach += max(avail, week_cap - avail)
            balance = balance + ov.worked[w] - avail
            b = m.model.new_int_var(-reach, reach, f"balance[{oid},{w}]")
            m.model.add(b == balance)
            over = m.model.new_int_var(0, max(0, reach - min(plus, minus)), f"balance_over_limit[{oid},{w}]")
            m.model.add(over >= b - plus)
            m.model.add(over >= -minus - b)
            terms.append(_term("balance_limit", "balance_limit", oid, over, 1, "min", reach, (ov, w)))
            dev = m.model.new_int_var(0, reach, f"balance_abs[{oid},{w}]")
            m.model.add(dev >= b)
            m.model.add(dev >= -b)
            far = m.model.new_int_var(0, max(0, reach - even), f"balance_far[{oid},{w}]")
            m.model.add(far >= dev - even)
            terms.append(_term("hours", "hours_balance", oid, dev, 1, "min", reach, (ov, w)))
            terms.append(_term("hours", "hours_balance_far", oid, far, 2, "min", max(0, reach - even), (ov, w)))
            balance = b
    return terms


def _busiest(m: ModelCtx, rule: str, counts: dict[int, Any], weight: int) -> list[Term]:
    if len(counts) < 2 or weight == 0:
        return []
    n = 7 * len(m.inst.mondays)
    hi = m.model.new_int_var(0, n, f"{rule}_max")
    for c in counts.values():
        m.model.add(hi >= c)
    return [_term("fairness", rule, "team", hi, weight, "count", n)]


def fairness(m: ModelCtx) -> list[Term]:
    """Soft rule: nights, evenings (ending after 21:00, not nights) and weekend shifts (starting Saturday or Sunday)
    spread fairly: the busiest officer's count of each, over the period, weighted by ``[weights]``.

    Source: fairness of nights and weekends (users' need). Officers with no available hours, and for nights the
    night-exempt, are not compared."""
    w = m.cfg.weights
    out: list[Term] = []
    for rule, attr, weight in (("fair_nights", "night", w.nights), ("fair_evenings", "evening", w.evenings),
                               ("fair_weekends", "weekend", w.weekends)):
        counts = {}
        for oi, ov in enumerate(m.officers):
            if all(ov.facts.weeks[x].available_min == 0 for x in m.inst.mondays):
                continue
            if attr == "night" and ov.facts.night_exempt:
                continue
            es = ov.plan_entries()
            if attr == "weekend":
                counts[oi] = sum(e.works for e in es if e.date.weekday() >= 5)
            else:
                counts[oi] = sum(getattr(e, attr) for e in es)
        out += _busiest(m, rule, counts, weight)
    return out


def wishes(m: ModelCtx) -> list[Term]:
    """Soft rule: officers' wished days off (wishes.csv) are kept where the rest allows (users' need)."""
    out = []
    for ov in m.officers:
        for e in ov.plan_entries():
            if e.date in ov.facts.wished_off and not isinstance(e.works, int):
                out.append(_term("wishes", "wished_day_off", ov.facts.officer_id, e.works, 1, "count", 1,
                                 (ov, e.date)))
            elif e.date in ov.facts.wished_off and is1(e.works):
                out.append(_term("wishes", "wished_day_off", ov.facts.officer_id, 1, 1, "count", 1, (ov, e.date)))
    return out


SoftRule = Callable[["ModelCtx"], list["Term"]]

#: The soft rules; their levels order them (planner.solver.objective.LEVELS).
SOFT_RULES: dict[str, SoftRule] = {
    "wijk_demand": wijk_demand,
    "team_demand": team_demand,
    "hours_balance": hours_balance,
    "fairness": fairness,
    "wishes": wishes,
}
