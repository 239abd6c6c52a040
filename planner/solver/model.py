"""The builder: variables, hard rules (the registry), soft rules and the ordered objective's terms, in one sequence."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

import pandas as pd
from ortools.sat.python import cp_model

from planner.rules import SOFT_RULES, Rule, hard_rules
from planner.rules.base import epoch_min
from planner.rules.street import serves
from planner.rules.timeline import merge_shifts, read_blocks
from planner.solver.context import ModelCtx, neg
from planner.solver.instance import Instance
from planner.solver.objective import Term
from planner.solver.variables import model_ctx


@dataclass
class Built:
    """A built model with everything needed to solve it in stages and read a solution back."""

    model: cp_model.CpModel
    ctx: ModelCtx
    terms: list[Term]
    rules: list[Rule] = field(default_factory=list)


def build_model(
    inst: Instance,
    *,
    rules: list[str] | None = None,
    soft: bool = True,
    guarded: bool = False,
    allow_breaches: bool = False,
    symmetry: bool | None = None,
    change_from: pd.DataFrame | None = None,
) -> Built:
    """Build the CP-SAT model of one team's period.

    Parameters
    ----------
    rules
        Names of hard rules to encode (default: every rule the settings switch on).
    soft
        Add the soft rules' penalty terms (off: a pure feasibility model, e.g. for a rule test or a diagnosis).
    guarded
        Hang every hard rule of every officer on a guard literal (for a diagnosis with assumptions).
    allow_breaches
        Guard the law rules per officer and week at the price of the ``law`` level, and let the norm fall short
        at the price of the ``norm`` level: the roster with the fewest breaches, then the least shortfall.
    symmetry
        Order officers that are interchangeable in every input (default: ``[solver] symmetry``).
    change_from
        The roster being re-planned: every shift that differs from it costs on the ``changes`` level.
    """
    model = cp_model.CpModel()
    ctx = model_ctx(model, inst, guarded=guarded or allow_breaches, per_week=allow_breaches)
    ctx.elastic_norm = allow_breaches
    active = hard_rules(inst.cfg, rules)
    for r in active:
        if allow_breaches and r.name == "own_wijk_share":
            ctx.guarded = False
            r.encode(ctx)
            ctx.guarded = True
            continue
        r.encode(ctx)
    terms: list[Term] = []
    if soft:
        for fn in SOFT_RULES.values():
            terms.extend(fn(ctx))
    if allow_breaches:
        for (name, oi, week), guard in ctx.guards.items():
            oid = inst.officers[oi].officer_id
            terms.append(Term("law", "breach", oid, neg(guard), 1, "count", 1, (name, oi, week)))
        for (oi, week), short in ctx.shortfalls.items():
            ub = inst.officers[oi].weeks[week].available_min + 7 * 24 * 60
            terms.append(Term("norm", "norm_shortfall", inst.officers[oi].officer_id, short, 1, "min", ub, (oi, week)))
    if change_from is not None and len(change_from):
        terms.extend(changed_shifts(ctx, change_from))
    use_symmetry = inst.cfg.solver.symmetry if symmetry is None else symmetry
    if use_symmetry and not guarded and not allow_breaches and (change_from is None or not len(change_from)):
        break_symmetry(ctx)
    return Built(model, ctx, terms, active)


#: On the ``changes`` level a changed shift weighs as much as this many minutes of team work moved between officers.
CHANGED_SHIFT_MINUTES = 480


def changed_shifts(ctx: ModelCtx, old: pd.DataFrame) -> list[Term]:
    """Soft rule: keep each officer's shift of each day as it was (re-planning with minimal change).

    Source: planners' need to re-plan after sickness or an added event without reshuffling the period. A day counts
    as changed when its shift's start or end differs, or it gains or loses a shift; team work (noodhulp, events)
    moved to or from an officer counts per minute. Level ``changes``: a changed shift weighs as much as
    ``CHANGED_SHIFT_MINUTES`` minutes of moved team work.
    """
    inst = ctx.inst
    e0 = epoch_min(inst.epoch)
    by: dict[str, dict[dt.date, tuple[int, int]]] = {}
    blocks = read_blocks(old, inst.cfg.tz, history=False)
    per: dict[str, list] = {}
    for b in blocks:
        per.setdefault(b.officer_id, []).append(b)
    for oid, bs in per.items():
        for sh in merge_shifts(sorted(bs, key=lambda b: (b.start, b.end)), inst.cfg):
            by.setdefault(oid, {})[sh.date] = (epoch_min(sh.start) - e0, epoch_min(sh.end) - e0)
    team_blocks = [b for b in blocks if b.task]
    terms: list[Term] = []
    for ov in ctx.officers:
        oid = ov.facts.officer_id
        for p in ov.pieces:
            t0, t1 = inst.at(p.a), inst.at(p.b)
            for j, x in p.team.items():
                dm = inst.demands[j]
                moved = any(b.officer_id == oid and b.start <= t0 and t1 <= b.end and serves(b, dm)
                            for b in team_blocks)
                terms.append(Term("changes", "moved_team_work", oid, x.Not() if moved else x, p.minutes, "min", 1,
                                  (ov, p.a)))
        mine = by.get(ov.facts.officer_id, {})
        for e in ov.plan_entries():
            if e.const:
                continue
            was = mine.get(e.date)
            if was is None:
                terms.append(Term("changes", "changed_shift", ov.facts.officer_id, e.works, CHANGED_SHIFT_MINUTES,
                                  "count", 1, (ov, e.date)))
                continue
            same = [x for c, x in e.choices if (c.s, c.e) == was]
            if same:
                terms.append(Term("changes", "changed_shift", ov.facts.officer_id, same[0].Not(),
                                  CHANGED_SHIFT_MINUTES, "count", 1, (ov, e.date)))
    return terms


def interchangeable(ctx: ModelCtx) -> list[list[int]]:
    """Groups of officers that are equal in every input: wijken, contract, exemption, team, and no duties, pins,
    history, wishes, leave or balance of their own. Any roster stays a roster when two of them swap."""
    groups: dict[tuple, list[int]] = {}
    for oi, ov in enumerate(ctx.officers):
        f = ov.facts
        if f.history or f.wished_off or f.balance_start_min:
            continue
        if any(d.duties or d.pinned for d in f.days):
            continue
        if any(w.leave_min or w.sick_from or not w.planned for w in f.weeks.values()):
            continue
        groups.setdefault((f.wijken, f.contract_hours, f.night_exempt, f.team), []).append(oi)
    return [g for g in groups.values() if len(g) > 1]


def break_symmetry(ctx: ModelCtx) -> None:
    """Order interchangeable officers by their worked minutes over the period (a weak order on an aggregate
    removes most mirrored rosters and excludes none up to a permutation)."""
    for members in interchangeable(ctx):
        totals = [sum(ctx.officers[oi].worked[w] for w in ctx.inst.mondays) for oi in members]
        for a, b in zip(totals, totals[1:], strict=False):
            if not (isinstance(a, int) and isinstance(b, int)):
                ctx.model.add(a >= b)


def all_variables(model: cp_model.CpModel) -> list[Any]:
    return [model.get_int_var_from_proto_index(i) for i in range(len(model.proto.variables))]
