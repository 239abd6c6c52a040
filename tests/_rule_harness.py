"""A ConstraintVerifier for the hard rules: the model alone, with one rule encoded, on a fixed roster.

``model_accepts`` builds the model of the roster's weeks with only ``rule`` and fixes the roster in it, either as
decisions fixed to the roster's values (``via="variables"``: the roster's shifts are added as candidates, chosen,
and the team work of every piece is fixed; this runs the encoding on variables) or as pinned shifts
(``via="pins"``: the roster enters as constants). CP-SAT then says whether the rule's encoding accepts it. The
checker's verdict on the same rule comes from ``check_accepts``; the rule tests assert both.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
from ortools.sat.python import cp_model

from planner.checker import check_roster, checked_weeks
from planner.dataset import Dataset
from planner.rules.base import epoch_min
from planner.rules.street import serves
from planner.rules.timeline import merge_shifts, read_blocks
from planner.solver.extract import extract_roster
from planner.solver.instance import build_instance
from planner.solver.model import build_model

TEAM_ACTIVITIES = {"noodhulp", "event"}


def check_accepts(
    ds: Dataset, roster: pd.DataFrame, rule: str, history: pd.DataFrame | None = None,
    weeks: list[dt.date] | None = None,
) -> bool:
    """The exact check finds no breach of ``rule``."""
    return not [b for b in check_roster(ds, roster, history, weeks) if b.rule == rule]


def model_accepts(
    ds: Dataset,
    roster: pd.DataFrame,
    rule: str | list[str] | None,
    history: pd.DataFrame | None = None,
    weeks: list[dt.date] | None = None,
    via: str = "variables",
) -> bool:
    """The model with only ``rule`` (a name, names, or None for every rule) accepts the fixed roster."""
    rules = [rule] if isinstance(rule, str) else rule
    mondays = weeks or checked_weeks(roster)
    if via == "pins":
        inst = build_instance(ds, mondays, history, pins=roster, rule_names=rules)
        built = build_model(inst, rules=rules, soft=False, symmetry=False)
        for ov in built.ctx.officers:  # the roster is everything: no shift besides the pinned ones
            for e in ov.plan_entries():
                for _, x in e.choices:
                    built.model.add(x == 0)
    else:
        inst = build_instance(ds, mondays, history, extra_shifts=roster, rule_names=rules)
        built = build_model(inst, rules=rules, soft=False, symmetry=False)
        if not _fix(inst, built, roster):
            return False  # a shift of the roster is not even offered: the rule's domain refuses it
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    solver.parameters.max_time_in_seconds = 20
    if solver.solve(built.model) not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return False
    if via == "pins":
        return True
    # The decisions hold; the roster is the model's only if the blocks they make are the roster's blocks (a roster
    # without its court session, say, is not one the model can produce).
    return _blocks(extract_roster(inst, built, solver), inst) == _blocks(roster, inst)


def _blocks(roster: pd.DataFrame, inst) -> list[tuple]:  # type: ignore[no-untyped-def]
    """Blocks merged where contiguous with the same activity, wijk and task (a wijk block's task, the presence
    theme it serves, is the search's choice, not the roster's: fixed decisions do not fix it)."""
    out: list[list] = []
    for b in sorted(read_blocks(roster, inst.cfg.tz, history=False), key=lambda b: (b.officer_id, b.start)):
        key = (b.officer_id, b.activity, b.wijk_code, "" if b.activity == "wijk" else b.task)
        if out and tuple(out[-1][:4]) == key and out[-1][5] == b.start:
            out[-1][5] = b.end
        else:
            out.append([*key, b.start, b.end])
    return [tuple(x) for x in out]


def _fix(inst, built, roster: pd.DataFrame) -> bool:  # type: ignore[no-untyped-def]
    """Fix every decision to the roster: the candidate of each shift, and each piece's team work."""
    e0 = epoch_min(inst.epoch)
    blocks = read_blocks(roster, inst.cfg.tz, history=False)
    for b in blocks:
        assert b.activity in {"wijk", "travel", *TEAM_ACTIVITIES} or b.task, f"the model cannot hold {b.activity}"
    by_officer: dict[str, dict[dt.date, tuple[int, int]]] = {}
    for oid in {b.officer_id for b in blocks}:
        mine = sorted((b for b in blocks if b.officer_id == oid), key=lambda b: (b.start, b.end))
        for sh in merge_shifts(mine, inst.cfg):
            day = by_officer.setdefault(oid, {})
            assert sh.date not in day, "two shifts on one date: test one_shift_per_day with via='pins'"
            day[sh.date] = (epoch_min(sh.start) - e0, epoch_min(sh.end) - e0)
    model = built.model
    for ov in built.ctx.officers:
        oid = ov.facts.officer_id
        mine = by_officer.get(oid, {})
        dates_with_entry = {e.date for e in ov.plan_entries() if e.choices}
        for day in mine:
            if day not in dates_with_entry and day in inst.days:
                return False
        for e in ov.plan_entries():
            if not e.choices:
                continue
            want = mine.get(e.date)
            hit = False
            for c, x in e.choices:
                on = want is not None and (c.s, c.e) == want
                hit |= on
                model.add(x == int(on))
            if want is not None and not hit:
                return False
        for p in ov.pieces:
            t0, t1 = inst.at(p.a), inst.at(p.b)
            for j, x in p.team.items():
                dm = inst.demands[j]
                team_minutes = sum(
                    max(0, int((min(b.end, t1) - max(b.start, t0)).total_seconds() // 60))
                    for b in blocks
                    if b.officer_id == oid and (serves(b, dm) or (b.activity == "travel" and b.task == dm.name))
                )
                model.add(x == int(team_minutes >= p.minutes))
            for x in p.pres.values():
                model.add(x == 0)
    return True


def verdicts(
    ds: Dataset, roster: pd.DataFrame, rule: str, history: pd.DataFrame | None = None,
    weeks: list[dt.date] | None = None, vias: tuple[str, ...] = ("variables", "pins"),
) -> dict[str, bool]:
    """The checker's and the model's verdicts on one rule (the rule tests assert they are all equal)."""
    out = {"check": check_accepts(ds, roster, rule, history, weeks)}
    for via in vias:
        out[via] = model_accepts(ds, roster, rule, history, weeks, via=via)
    return out
