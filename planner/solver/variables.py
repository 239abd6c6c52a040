"""Decision variables: which shift each officer works each day, and which demand each piece of a shift serves.

Per officer and day of the period there is one boolean per candidate shift (at most one true); the shift's start,
end, length and kind (night, late night, evening) are linear expressions of them. The time a day's candidates can
cover is cut into pieces at every candidate, demand and duty boundary and on the resolution grid; per piece a
boolean per team demand and per wijk demand of the officer's wijken says what the piece is spent on. The rest of a
shift, outside duties and team work, is own-wijk time.
"""

from __future__ import annotations

import datetime as dt
from bisect import bisect_left, bisect_right
from typing import Any

from ortools.sat.python import cp_model

from planner.hours import is_own
from planner.solver.context import Entry, ModelCtx, OfficerVars, Piece
from planner.solver.instance import Fixed, Instance
from planner.timeutil import local, minutes_between


def _const_entry(f: Fixed) -> Entry:
    return Entry(
        f.date, f.history, 1, f.s, f.e, f.minutes, int(f.night), int(f.late), int(f.evening), f.s, f.s, f.e, f.e,
        fixed=f,
    )


def grid_points(inst: Instance) -> list[int]:
    """Model minutes of every point of the resolution grid in local clock time over the period (DST exact)."""
    r = inst.cfg.solver.resolution_min
    pts: set[int] = set()
    for d in [inst.days[0] - dt.timedelta(days=1), *inst.days, inst.days[-1] + dt.timedelta(days=1)]:
        for k in range(0, 24 * 60, r):
            pts.add(inst.m(local(d, dt.time(k // 60, k % 60), inst.cfg.tz)))
    return sorted(pts)


def make_variables(model: cp_model.CpModel, inst: Instance) -> list[OfficerVars]:
    """Create the variables and the structure every rule relies on (at most one shift a day, no two shifts of one
    officer overlapping or touching, activities only inside the chosen shift)."""
    cfg = inst.cfg
    grid = grid_points(inst)
    demand_pts = sorted({t for dm in inst.demands for t in (dm.s, dm.e)})
    out: list[OfficerVars] = []
    for o in inst.officers:
        oid = o.officer_id
        entries: list[Entry] = [_const_entry(f) for f in o.history]
        for day in o.days:
            if day.pinned:
                entries.extend(_const_entry(p) for p in day.pinned)
                continue
            if not day.candidates:
                continue
            xs = [(c, model.new_bool_var(f"x[{oid},{c.label}]")) for c in day.candidates]
            if len(xs) > 1:
                model.add_at_most_one(x for _, x in xs)
            works = xs[0][1] if len(xs) == 1 else model.new_bool_var(f"works[{oid},{day.date}]")
            if len(xs) > 1:
                model.add(works == sum(x for _, x in xs))
            night = _lit(model, [x for c, x in xs if c.night], works, len(xs), f"night[{oid},{day.date}]")
            late = _lit(model, [x for c, x in xs if c.late], works, len(xs), f"late[{oid},{day.date}]")
            evening = _lit(model, [x for c, x in xs if c.evening], works, len(xs), f"evening[{oid},{day.date}]")
            s_lo, s_hi = min(c.s for c, _ in xs), max(c.s for c, _ in xs)
            e_lo, e_hi = min(c.e for c, _ in xs), max(c.e for c, _ in xs)
            entries.append(
                Entry(
                    day.date, False, works,
                    _int(model, [(c.s, x) for c, x in xs], min(0, s_lo), s_hi, f"start[{oid},{day.date}]"),
                    _int(model, [(c.e, x) for c, x in xs], min(0, e_lo), e_hi, f"end[{oid},{day.date}]"),
                    _int(model, [(c.minutes, x) for c, x in xs], 0, max(c.minutes for c, _ in xs),
                         f"minutes[{oid},{day.date}]"),
                    night, late, evening, s_lo, s_hi, e_lo, e_hi, choices=xs, duties=day.duties,
                )
            )
        entries.sort(key=lambda e: (e.s_lo, e.e_lo))
        _no_overlap(model, entries)
        pieces = _pieces(model, inst, o, entries, grid, demand_pts)
        worked: dict[dt.date, Any] = {}
        own: dict[dt.date, Any] = {}
        not_available: dict[dt.date, int] = {}
        for m, wf in o.weeks.items():
            if not wf.planned:
                worked[m], own[m] = wf.worked_min, wf.own_min
                not_available[m] = wf.not_available_min
        for i, e in enumerate(entries):
            if e.history:
                continue
            w = e.monday
            worked[w] = worked.get(w, 0) + e.minutes
            if e.fixed is not None:
                own[w] = own.get(w, 0) + e.fixed.own_minutes
                not_available[w] = not_available.get(w, 0) + sum(
                    minutes_between(r["start"], r["end"]) for r in e.fixed.blocks if not cfg.is_available(r["activity"])
                )
                continue
            # Duties hold the day's shift (works is 1 whenever the day has duties).
            not_available[w] = not_available.get(w, 0) + sum(
                fb.minutes for fb in e.duties if not cfg.is_available(fb.activity)
            )
            not_own = sum(fb.minutes for fb in e.duties if not is_own(cfg, fb.activity, "", ()))
            team = sum(p.minutes * t for p in pieces if p.day == i for t in p.team.values())
            own[w] = own.get(w, 0) + e.minutes - not_own * e.works - team
        for m in inst.mondays:
            worked.setdefault(m, 0)
            own.setdefault(m, 0)
        out.append(OfficerVars(o, entries, pieces, worked, own, not_available=not_available))
    return out


def _lit(model: cp_model.CpModel, lits: list[Any], works: Any, n: int, name: str) -> Any:
    """A literal for "the chosen shift is of this kind": 0, the day's works literal, or a new one."""
    if not lits:
        return 0
    if len(lits) == n:
        return works
    if len(lits) == 1:
        return lits[0]
    b = model.new_bool_var(name)
    model.add(b == sum(lits))
    return b


def _int(model: cp_model.CpModel, terms: list[tuple[int, Any]], lo: int, hi: int, name: str) -> Any:
    """An integer variable equal to ``sum(value * literal)`` (one definition; rules use the variable)."""
    if len(terms) == 1:
        value, x = terms[0]
        return value * x
    v = model.new_int_var(lo, hi, name)
    model.add(v == sum(value * x for value, x in terms))
    return v


def _no_overlap(model: cp_model.CpModel, entries: list[Entry]) -> None:
    """Two shifts of one officer never overlap or touch (touching blocks would read as one long shift)."""
    for i, a in enumerate(entries):
        for b in entries[i + 1 :]:
            if b.s_lo > a.e_hi:
                break
            if a.date == b.date and not a.const and not b.const:
                continue
            pairs_a: list[tuple[Any, Any]] = list(a.choices) or [(None, 1)]
            pairs_b: list[tuple[Any, Any]] = list(b.choices) or [(None, 1)]
            for ca, xa in pairs_a:
                ea = ca.e if ca is not None else a.e_lo
                sa = ca.s if ca is not None else a.s_lo
                for cb, xb in pairs_b:
                    sb = cb.s if cb is not None else b.s_lo
                    eb = cb.e if cb is not None else b.e_lo
                    if sb <= ea and sa <= eb:  # overlap or touch
                        if isinstance(xa, int) and isinstance(xb, int):
                            model.add_bool_or([])  # two given shifts clash: no roster can hold them
                        elif isinstance(xa, int):
                            model.add(xb == 0)
                        elif isinstance(xb, int):
                            model.add(xa == 0)
                        else:
                            model.add_bool_or([xa.Not(), xb.Not()])


def _pieces(
    model: cp_model.CpModel, inst: Instance, o: Any, entries: list[Entry], grid: list[int], demand_pts: list[int]
) -> list[Piece]:
    """Cut each decision day's reachable time into pieces; one boolean per relevant demand and piece."""
    oid = o.officer_id
    pieces: list[Piece] = []
    own_presence = [j for j, dm in enumerate(inst.demands) if dm.kind == "presence" and dm.wijk_code in o.wijken]
    team = [j for j, dm in enumerate(inst.demands) if dm.kind != "presence" and (not dm.team or dm.team == o.team)]
    for i, e in enumerate(entries):
        if not e.choices:
            continue
        lo, hi = e.s_lo, e.e_hi
        pts = {lo, hi}
        pts.update(grid[bisect_right(grid, lo) : bisect_left(grid, hi)])
        pts.update(demand_pts[bisect_right(demand_pts, lo) : bisect_left(demand_pts, hi)])
        for c, _ in e.choices:
            pts.update((c.s, c.e))
        duties = [(inst.m(fb.start), inst.m(fb.end), fb) for fb in e.duties]
        for s, t, _ in duties:
            pts.update((s, t))
        cuts = sorted(p for p in pts if lo <= p <= hi)
        # "The shift has started by t" and "has ended by t" as running sums over the cut points: a piece's
        # on-literal is started - ended, a short constraint instead of a sum over every candidate covering it.
        starting: dict[int, list[Any]] = {}
        ending: dict[int, list[Any]] = {}
        for c, x in e.choices:
            starting.setdefault(c.s, []).append(x)
            ending.setdefault(c.e, []).append(x)
        started: list[Any] = []  # new starts and ends since the last on-literal made
        ended: list[Any] = []
        run_s: Any = 0
        run_e: Any = 0
        for a, b in zip(cuts, cuts[1:], strict=False):
            started += starting.get(a, [])
            ended += ending.get(a, [])
            duty = next((fb for s, t, fb in duties if s <= a and b <= t), None)
            pres = [j for j in own_presence if inst.demands[j].s <= a and b <= inst.demands[j].e]
            tm = [j for j in team if inst.demands[j].s <= a and b <= inst.demands[j].e]
            if duty is not None or not (pres or tm):
                continue  # nothing to decide in this piece: it is duty, or own-wijk time of the chosen shift
            cover = [x for c, x in e.choices if c.s <= a and b <= c.e]
            if not cover:
                continue
            run_s = _running(model, run_s, started, f"started[{oid},{e.date},{a}]")
            run_e = _running(model, run_e, ended, f"ended[{oid},{e.date},{a}]")
            started, ended = [], []
            if len(cover) == 1:
                on: Any = cover[0]
            else:
                on = model.new_bool_var(f"on[{oid},{e.date},{a}]")
                model.add(on == run_s - run_e)
            p = Piece(i, a, b, on, None)
            for j in pres:
                p.pres[j] = model.new_bool_var(f"pres[{oid},{e.date},{a},{inst.demands[j].id}]")
            for j in tm:
                p.team[j] = model.new_bool_var(f"team[{oid},{e.date},{a},{inst.demands[j].id}]")
            model.add(sum([*p.pres.values(), *p.team.values()]) <= on)
            pieces.append(p)
    return pieces


def _running(model: cp_model.CpModel, prev: Any, new: list[Any], name: str) -> Any:
    if not new:
        return prev
    if isinstance(prev, int) and prev == 0 and len(new) == 1:
        return new[0]
    v = model.new_bool_var(name)
    model.add(v == prev + sum(new))
    return v


def model_ctx(model: cp_model.CpModel, inst: Instance, guarded: bool = False, per_week: bool = False) -> ModelCtx:
    return ModelCtx(model, inst, make_variables(model, inst), guarded=guarded, per_week=per_week)
