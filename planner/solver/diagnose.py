"""Why a week cannot be rostered: per officer, the smallest set of rules in conflict, in domain words."""

from __future__ import annotations

import dataclasses

from ortools.sat.python import cp_model

from planner.hours import norm_required_minutes
from planner.solver.instance import Instance
from planner.solver.model import build_model
from planner.solver.rules import HARD_RULES

RULE_WORDS = {
    "one_shift_per_day": "one shift a day",
    "contract_hours": "contract hours within the tolerance",
    "week_hours": "at most {max_week_hours:g} h a week",
    "avg_week_hours": "the 4- and 16-week average hours",
    "avg_week_hours_4w": "at most {max_avg_week_hours_4w:g} h a week on average over 4 weeks",
    "avg_week_hours_16w": "at most {max_avg_week_hours_16w:g} h a week on average over 16 weeks",
    "daily_rest": "{daily_rest_hours:g} h rest between shifts",
    "rest_after_night": "{rest_after_late_night_hours:g} h rest after a night ending after {late_night_end}",
    "weekly_rest": "{weekly_rest_hours:g} h unbroken weekly rest",
    "rest_after_night_series": "{rest_after_night_series_hours:g} h rest after {night_series_length} nights",
    "consecutive_shifts_with_night": "at most {max_consecutive_shifts_with_night} shifts in a row with a night",
    "max_nights_16w": "at most {max_nights_16w} nights in 16 weeks",
    "own_wijk_share": "the {share:.0%} own-wijk norm",
}


def rule_words(inst: Instance, rule: str) -> str:
    values = dataclasses.asdict(inst.cfg.rules) | {"share": inst.cfg.norm.share}
    return RULE_WORDS.get(rule, rule).format(**values)


def _single(inst: Instance, oi: int) -> Instance:
    return dataclasses.replace(inst, officers=[inst.officers[oi]])


def _core(inst: Instance, time_limit_s: float = 10) -> list[str] | None:
    """Rules in a sufficient infeasible subset for a one-officer instance; None if it is feasible."""
    built = build_model(inst, diagnose=True)
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = time_limit_s
    solver.parameters.num_workers = 1
    status = solver.solve(built.model)
    if status != cp_model.INFEASIBLE:
        return None
    index = {lit.index: rule for (rule, _), lit in built.ctx.literals.items()}
    core = [index[i] for i in solver.sufficient_assumptions_for_infeasibility() if i in index]
    if not core:  # presolve may answer without assumptions: shrink by deletion instead
        core = list(dict.fromkeys(rule for rule, _ in built.ctx.literals))
    return _minimise(inst, core)


def _feasible_with(inst: Instance, rules: list[str]) -> bool:
    names = [r for r in HARD_RULES if r in rules]
    built = build_model(inst, hard_rules=names)
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = 10
    solver.parameters.num_workers = 1
    return solver.solve(built.model) != cp_model.INFEASIBLE


def _rule_of(name: str) -> str:
    return {
        "avg_week_hours_4w": "avg_week_hours",
        "avg_week_hours_16w": "avg_week_hours",
        "rest_after_night": "daily_rest",
    }.get(name, name)


def _minimise(inst: Instance, core: list[str]) -> list[str]:
    """Deletion filter: drop each rule in turn while the rest is still infeasible.

    Returns the core's own names (e.g. avg_week_hours_4w) for the rule functions that remain.
    """
    groups = list(dict.fromkeys(_rule_of(r) for r in core))
    keep = list(groups)
    for r in groups:
        trial = [k for k in keep if k != r]
        if trial and not _feasible_with(inst, trial):
            keep = trial
    return [r for r in dict.fromkeys(core) if _rule_of(r) in keep]


def explain_infeasible(inst: Instance) -> list[str]:
    """One line per officer whose week cannot be rostered, naming the rules in conflict and the numbers."""
    lines: list[str] = []
    for oi in range(len(inst.officers)):
        single = _single(inst, oi)
        core = _core(single)
        if core is None:
            continue
        lines.append(_officer_line(single, core))
    if not lines:
        lines.append("no single officer's week is impossible, yet the team's is: check the team-wide settings")
    return lines


def _officer_line(inst: Instance, core: list[str]) -> str:
    o = inst.officers[0]
    cfg = inst.cfg
    facts = [f"{o.available_min / 60:g} h available"]
    if o.leave_min:
        facts.append(f"{o.leave_min / 60:g} h leave or sickness")
    if o.pinned:
        facts.append(f"{len(o.pinned)} pinned shifts ({sum(p.minutes for p in o.pinned) / 60:g} h)")
    fixed = sum(fb.minutes for fb in o.fixed)
    if fixed:
        kinds = ", ".join(sorted({fb.reason for fb in o.fixed}))
        facts.append(f"{fixed / 60:g} h {kinds} away from the wijk")
    words = " and ".join(rule_words(inst, r) for r in core)
    line = f"{o.officer_id}: {', '.join(facts)}; {words} cannot all hold"
    if "own_wijk_share" in core:
        past = [h for h in o.history_weeks if h[0] < cfg.norm.window_weeks]
        need = norm_required_minutes(o.available_min + sum(h[2] for h in past), cfg.norm.fraction) - sum(
            h[3] for h in past
        )
        best = _max_own(inst, [r for r in HARD_RULES if r != "own_wijk_share"])
        if best is not None:
            line += (
                f": the norm needs {need / 60:g} h in the wijk but at most {best / 60:g} h of wijk time fit "
                f"the other rules"
            )
    return line


def _max_own(inst: Instance, rules: list[str]) -> int | None:
    built = build_model(inst, hard_rules=rules, symmetry=False)
    built.model.maximize(built.ctx.v.own[0])
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = 10
    solver.parameters.num_workers = 1
    if solver.solve(built.model) in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return int(solver.objective_value)
    return None
