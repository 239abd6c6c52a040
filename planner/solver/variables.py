"""Decision variables: which shift each officer works, and minutes of team work and demanded presence."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from ortools.sat.python import cp_model

from planner.solver.instance import Instance, OfficerWeek, Slot

Lit = Any  # a cp_model literal, or the Python int 1 for work that is already known


@dataclass(frozen=True)
class Item:
    """A piece of work on an officer's timeline: a decision (lit is a BoolVar) or a constant (lit == 1)."""

    date: dt.date
    start: dt.datetime
    end: dt.datetime
    night: bool
    late_night: bool
    lit: Lit
    label: str
    history: bool = False  # before the roster week: a breach between two history items is not this week's to fix

    @property
    def is_const(self) -> bool:
        return isinstance(self.lit, int)


@dataclass
class Vars:
    """All variables, keyed by officer index, slot index, segment index and demand index."""

    x: dict[tuple[int, int], cp_model.IntVar] = field(default_factory=dict)
    team: dict[tuple[int, int, int, int], cp_model.IntVar] = field(default_factory=dict)
    pres: dict[tuple[int, int, int, int], cp_model.IntVar] = field(default_factory=dict)
    items: dict[int, list[Item]] = field(default_factory=dict)
    worked: dict[int, Any] = field(default_factory=dict)  # minutes, linear expression
    own: dict[int, Any] = field(default_factory=dict)  # own-wijk minutes, linear expression
    resolution: int = 60


def _slot_allowed(o: OfficerWeek, sl: Slot) -> bool:
    if (sl.day, sl.code) in o.banned:
        return False
    if o.night_exempt and sl.night:
        return False
    if any(p.date == sl.date for p in o.pinned):
        return False
    return not any(fb.date == sl.date for fb in o.fixed)


def make_variables(model: cp_model.CpModel, inst: Instance) -> Vars:
    """Create the variables; hard limits (absences, night exemption, fixed days) shape the domains."""
    v = Vars(resolution=inst.cfg.solver.resolution_min)
    r = v.resolution
    for oi, o in enumerate(inst.officers):
        items: list[Item] = [
            Item(w.date, w.start, w.end, w.night, w.late_night, 1, f"{w.date} history", True) for w in o.history
        ]
        for fb in o.fixed:
            from planner.timeutil import is_night

            night = is_night(fb.start, fb.end, inst.cfg.rules.night_min_minutes_00_06)
            items.append(Item(fb.date, fb.start, fb.end, night, False, 1, f"{fb.date} {fb.activity}"))
        for pn in o.pinned:
            items.append(Item(pn.date, pn.start, pn.end, pn.night, pn.late_night, 1, f"{pn.date} pinned"))
        worked_terms: list[Any] = [sum(fb.minutes for fb in o.fixed) + sum(pn.minutes for pn in o.pinned)]
        own_terms: list[Any] = [sum(pn.own_minutes for pn in o.pinned)]
        for si, sl in enumerate(inst.slots):
            if not _slot_allowed(o, sl):
                continue
            x = model.new_bool_var(f"x[{o.officer_id},{sl.date},{sl.code}]")
            v.x[oi, si] = x
            items.append(Item(sl.date, sl.start, sl.end, sl.night, sl.late_night, x, f"{sl.date} {sl.code}"))
            worked_terms.append(sl.minutes * x)
            own_terms.append(sl.minutes * x)
            for gi, seg in enumerate(sl.segments):
                cap = seg.minutes // r
                if cap == 0:
                    continue
                parts = []
                for j in seg.team:
                    t = model.new_int_var(0, cap, f"team[{o.officer_id},{sl.date},{sl.code},{gi},{inst.demands[j].id}]")
                    v.team[oi, si, gi, j] = t
                    parts.append(t)
                    own_terms.append(-r * t)
                for j in seg.presence:
                    if inst.demands[j].wijk_code not in o.wijken:
                        continue
                    p = model.new_int_var(0, cap, f"pres[{o.officer_id},{sl.date},{sl.code},{gi},{inst.demands[j].id}]")
                    v.pres[oi, si, gi, j] = p
                    parts.append(p)
                if parts:
                    model.add(sum(parts) <= cap * x)
        items.sort(key=lambda it: it.start)
        v.items[oi] = items
        v.worked[oi] = sum(worked_terms)
        v.own[oi] = sum(own_terms)
    return v
