"""Why a period cannot be rostered: per officer, the smallest set of rules in conflict, in domain words, and whether
the shift settings are what blocks it."""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

from ortools.sat.python import cp_model

from planner.hours import norm_required_minutes
from planner.rules import hard_rules
from planner.rules.base import epoch_min
from planner.rules.roster import OfficerDay
from planner.solver.instance import Candidate, Instance, _candidate
from planner.solver.model import build_model

#: Seconds per sub-solve of a diagnosis (each is one officer's week: they prove in milliseconds).
DIAGNOSE_LIMIT_S = 10


def _single(inst: Instance, oi: int) -> Instance:
    return dataclasses.replace(inst, officers=[inst.officers[oi]])


def _solve(built, assumptions: bool = False) -> tuple[Any, cp_model.CpSolver]:  # type: ignore[no-untyped-def]
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = DIAGNOSE_LIMIT_S
    solver.parameters.num_workers = 1
    if assumptions:
        built.model.add_assumptions(list(built.ctx.guards.values()))
    return solver.solve(built.model), solver


def _feasible(inst: Instance, rules: list[str]) -> bool:
    code, _ = _solve(build_model(inst, rules=rules, soft=False))
    return code != cp_model.INFEASIBLE


def _core(inst: Instance) -> list[str] | None:
    """Rules of a minimal infeasible subset for a one-officer instance; None if it is feasible."""
    built = build_model(inst, soft=False, guarded=True)
    code, solver = _solve(built, assumptions=True)
    if code != cp_model.INFEASIBLE:
        return None
    index = {g.index: name for (name, _, _), g in built.ctx.guards.items()}
    core = [index[i] for i in solver.sufficient_assumptions_for_infeasibility() if i in index]
    names = list(dict.fromkeys(core or (name for name, _, _ in built.ctx.guards)))
    keep = list(names)
    for r in names:  # deletion filter: presolve may answer with a core that is not minimal
        trial = [k for k in keep if k != r]
        if trial and not _feasible(inst, trial):
            keep = trial
    if not keep or _feasible(inst, keep):
        return names
    return keep


def _wide(inst: Instance) -> Instance:
    """The same officer with every shift on the hour (1 h up to the longest a shift may last) as a candidate."""
    cfg = inst.cfg
    e0 = epoch_min(inst.epoch)
    o = inst.officers[0]
    days = []
    longest = int(cfg.rules.max_shift_hours)
    from planner.timeutil import UTC, local

    for day in o.days:
        if day.pinned:
            days.append(day)
            continue
        extra: list[Candidate] = list(day.candidates)
        seen = {(c.s, c.e) for c in extra}
        for hh in range(24):
            s = local(day.date, dt.time(hh), cfg.tz)
            for length in range(1, longest + 1):
                e = (s.astimezone(UTC) + dt.timedelta(hours=length)).astimezone(cfg.tz)
                c = _candidate(e0, "*", day.date, s, e, inst.ds)
                od = OfficerDay(o.night_exempt, o.away, day.duties)
                if (c.s, c.e) not in seen and all(r.allows(c, od, cfg) for r in hard_rules(cfg)) and (
                    inst.frozen_before is None or s >= inst.frozen_before
                ):
                    seen.add((c.s, c.e))
                    extra.append(c)
        days.append(dataclasses.replace(day, candidates=sorted(extra, key=lambda c: (c.s, c.e))))
    return dataclasses.replace(inst, officers=[dataclasses.replace(o, days=days)])


def explain_infeasible(inst: Instance) -> list[str]:
    """One line per officer whose period cannot be rostered, naming the rules in conflict and the numbers."""
    lines: list[str] = []
    for oi in range(len(inst.officers)):
        single = _single(inst, oi)
        core = _core(single)
        if core is None:
            continue
        lines.append(_officer_line(single, core))
    if not lines:
        lines.append("no single officer's period is impossible, yet the team's is: team demand rules couple them; "
                     "check [team_demand] max_extra_officers")
    return lines


def _officer_line(inst: Instance, core: list[str]) -> str:
    o = inst.officers[0]
    cfg = inst.cfg
    avail = sum(w.available_min for w in o.weeks.values() if w.planned)
    leave = sum(w.leave_min for w in o.weeks.values() if w.planned)
    facts = [f"{avail / 60:g} h available"]
    if leave:
        facts.append(f"{leave / 60:g} h leave or sickness")
    pinned = [p for d in o.days for p in d.pinned]
    if pinned:
        facts.append(f"{len(pinned)} pinned shift{'s' if len(pinned) != 1 else ''} "
                     f"({sum(p.minutes for p in pinned) / 60:g} h)")
    duties = [fb for d in o.days for fb in d.duties]
    if duties:
        kinds = ", ".join(sorted({fb.reason for fb in duties}))
        facts.append(f"{sum(fb.minutes for fb in duties) / 60:g} h {kinds} away from the wijk")
    words = " and ".join(r.words(cfg) for r in hard_rules(cfg, core))
    line = f"{o.officer_id}: {', '.join(facts)}; {words} cannot all hold"
    wide = _wide(inst)
    if _feasible(wide, [r.name for r in hard_rules(cfg)]):
        fams = "; ".join(s.describe() for s in cfg.shifts)
        line += (f" with the shift settings ({fams}): a shift of another start or length would make it plannable "
                 "(see [[shifts]] in planner.toml)")
    elif "own_wijk_share" in core:
        need = sum(norm_required_minutes(w.available_min, cfg.norm.fraction) for w in o.weeks.values() if w.planned)
        away = sum(fb.minutes for fb in duties
                   if cfg.is_available(fb.activity) and not cfg.counts_for_norm(fb.activity))
        room = avail - need
        if duties and away > room:
            line += (f": the duties away from the wijk ({away / 60:g} h) count as available hours and take more "
                     f"than the {room / 60:g} h the norm leaves outside the wijk")
        short = _least_shortfall(inst)
        if short is not None:
            line += f"; with every other rule held the norm is at best {short / 60:g} h short"
    return line


def _least_shortfall(inst: Instance) -> int | None:
    """The norm's least shortfall in minutes, every other hard rule held (the --allow-breaches model, no breach)."""
    built = build_model(inst, soft=False, allow_breaches=True, symmetry=False)
    for guard in built.ctx.guards.values():
        built.model.add(guard == 1)
    built.model.minimize(sum(built.ctx.shortfalls.values()))
    code, solver = _solve(built)
    if code in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return int(solver.objective_value)
    return None
