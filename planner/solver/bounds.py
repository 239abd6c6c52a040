"""Lower bounds and hints that make the weighted model easy to prove: wijk groups solved alone, hours parity.

All hard rules are per officer, and wijk presence couples only officers who share a wijk. So the least wijk
presence shortfall of the whole team is the sum over groups of officers linked by shared wijken, each a tiny
model solved on its own. Adding that sum as a redundant lower bound (and the groups' rosters as a hint) lets
CP-SAT prove optimality quickly instead of closing a weak LP bound.
"""

from __future__ import annotations

import dataclasses

from ortools.sat.python import cp_model

from planner.solver.instance import Instance
from planner.solver.model import Built, build_model


def wijk_groups(inst: Instance) -> list[list[int]]:
    """Officer indices grouped by shared wijken (union-find over each officer's wijken)."""
    parent = list(range(len(inst.officers)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    first: dict[str, int] = {}
    for oi, o in enumerate(inst.officers):
        for w in o.wijken:
            if w in first:
                parent[find(oi)] = find(first[w])
            else:
                first[w] = oi
    groups: dict[int, list[int]] = {}
    for oi in range(len(inst.officers)):
        groups.setdefault(find(oi), []).append(oi)
    return list(groups.values())


def presence_lower_bound(inst: Instance, time_limit_s: float, seed: int) -> tuple[int, dict[tuple, int]]:
    """Least presence cost of the team (objective units) and a hint from the groups' rosters.

    The hint maps ("x", officer_id, slot) and ("pres", officer_id, slot, segment, demand) to values.

    Each group is solved with the presence rule alone; an unproven group contributes its proven bound.
    """
    total = 0
    hint: dict[tuple, int] = {}
    for members in wijk_groups(inst):
        sub = dataclasses.replace(inst, officers=[inst.officers[i] for i in members])
        built = build_model(sub, soft_rules=["presence_demand", "hours_deviation"])
        presence = [t for t in built.terms if t.rule == "presence_demand" and t.ref is not None]
        wijken = {w for i in members for w in inst.officers[i].wijken}
        presence = [t for t in presence if sub.demands[t.ref].wijk_code in wijken]
        if not presence:
            continue
        # Presence first; hours only as a tie-break so the hint is a sensible roster.
        built.model.minimize(
            sum(t.coef * t.var for t in presence) * 1000
            + sum(t.coef * t.var for t in built.terms if t.rule == "hours_deviation")
        )
        solver = cp_model.CpSolver()
        solver.parameters.max_time_in_seconds = time_limit_s
        solver.parameters.num_workers = 1
        solver.parameters.random_seed = seed
        status = solver.solve(built.model)
        if status == cp_model.OPTIMAL:
            total += sum(t.coef * int(solver.value(t.var)) for t in presence)
        elif status == cp_model.FEASIBLE:
            total += int(solver.best_objective_bound // 1000)
        else:
            continue
        if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            for (oi, si), x in built.ctx.v.x.items():
                hint[("x", sub.officers[oi].officer_id, si)] = int(solver.boolean_value(x))
            for (oi, si, gi, j), p in built.ctx.v.pres.items():
                hint[("pres", sub.officers[oi].officer_id, si, gi, j)] = int(solver.value(p))
    return total, hint


def add_bounds(inst: Instance, built: Built, time_limit_s: float, seed: int) -> int:
    """Add the presence lower bound and the groups' hint to a full model; returns the bound (objective units)."""
    lb, hint = presence_lower_bound(inst, time_limit_s, seed)
    presence = [t for t in built.terms if t.rule == "presence_demand"]
    if presence and lb > 0:
        built.model.add(sum(t.coef * t.var for t in presence) >= lb)
    ids = [o.officer_id for o in inst.officers]
    for (oi, si), x in built.ctx.v.x.items():
        built.model.add_hint(x, hint.get(("x", ids[oi], si), 0))
    for (oi, si, gi, j), p in built.ctx.v.pres.items():
        built.model.add_hint(p, hint.get(("pres", ids[oi], si, gi, j), 0))
    for t in built.ctx.v.team.values():
        built.model.add_hint(t, 0)
    return lb
