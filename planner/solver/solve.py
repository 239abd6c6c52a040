"""solve_week: build, solve and read back one team's week; infeasible is a status with an explanation."""

from __future__ import annotations

import contextlib
import datetime as dt
import signal
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import ortools
import pandas as pd
from ortools.sat.python import cp_model

from planner import __version__
from planner.dataset import Dataset
from planner.solver.extract import Penalty, extract_roster, officer_figures, penalties, unmet_demand
from planner.solver.instance import Instance, build_instance
from planner.solver.model import build_model
from planner.timeutil import week_label

Progress = Callable[[float, float, float], None]  # (seconds, objective, bound)

STATUS = {
    cp_model.OPTIMAL: "optimal",
    cp_model.FEASIBLE: "feasible",
    cp_model.INFEASIBLE: "infeasible",
    cp_model.MODEL_INVALID: "model_invalid",
    cp_model.UNKNOWN: "no_solution",
}


@dataclass
class Result:
    """What a solve returns: status, objective, bound, gap, runtime, roster, figures, penalties, explanation."""

    status: str
    week: str
    team: str
    objective: float | None
    bound: float | None
    gap: float | None
    runtime_s: float
    roster: pd.DataFrame
    officers: pd.DataFrame
    unmet: pd.DataFrame
    penalties: list[Penalty]
    explanation: list[str] = field(default_factory=list)
    params: dict[str, Any] = field(default_factory=dict)
    interrupted: bool = False
    progress: list[tuple[float, float, float]] = field(default_factory=list)

    @property
    def has_roster(self) -> bool:
        return self.status in ("optimal", "feasible")


class _Callback(cp_model.CpSolverSolutionCallback):
    def __init__(self, on_progress: Progress | None, log: list[tuple[float, float, float]]) -> None:
        super().__init__()
        self._on = on_progress
        self._log = log
        self._t0 = time.perf_counter()

    def on_solution_callback(self) -> None:
        point = (time.perf_counter() - self._t0, self.objective_value / 60, self.best_objective_bound / 60)
        self._log.append(point)
        if self._on:
            self._on(*point)


@contextlib.contextmanager
def _stop_on_interrupt(solver: cp_model.CpSolver, flag: list[bool]) -> Iterator[None]:
    """Ctrl-C stops the search cleanly and keeps the best roster found so far."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def handler(signum: int, frame: Any) -> None:
        flag[0] = True
        solver.stop_search()

    old = signal.signal(signal.SIGINT, handler)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, old)


#: Up to this many officers one search thread is enough (demo: 1.03 s with one, 0.96 s with two, and teams run side
#: by side in a national run); above it every core runs: the LP search plus neighbourhood search on the others. On a
#: team of 60 that was 8 s against 12 s in one trial but 15.0 s against 14.0 s in the full benchmark run, so on two
#: cores it is a wash; more cores give the neighbourhood search more room. See benchmarks/RESULTS.md.
ONE_THREAD_UP_TO_OFFICERS = 30

#: The full-problem search CP-SAT runs first: branching on the LP relaxation (which is within a fraction of a
#: percent of the optimum on these models) finds good rosters early. Measured on 58 national teams with one thread:
#: 81 s with CP-SAT's defaults, 29 s with these three settings; a team of 60: 40 s -> 12 s (docs/benchmarks.md).
LP_SEARCH_TEXT = (
    'subsolver_params { name: "lp_search" search_branching: LP_SEARCH linearization_level: 2 '
    "add_lp_constraints_lazily: false cp_model_probing_level: 0 }"
)
PORTFOLIO = ("lp_search", "default_lp", "max_lp", "quick_restart", "core", "no_lp")


def tune(parameters: Any, num_workers: int) -> None:
    """Planner's search settings on a CpSolver's parameters (see LP_SEARCH_TEXT for what they gained)."""
    parameters.num_workers = num_workers
    parameters.linearization_level = 2  # full LP with cuts: proves a team 2-3x faster than level 1
    if num_workers <= 1:
        parameters.search_branching = cp_model.LP_SEARCH
        parameters.add_lp_constraints_lazily = False
        parameters.cp_model_probing_level = 0
    else:  # the same search as the first full subsolver; the other threads run CP-SAT's neighbourhood search
        parameters.merge_text_format(LP_SEARCH_TEXT)
        parameters.subsolvers.extend(PORTFOLIO)


def auto_workers(ds: Dataset, workers: int) -> int:
    """``workers`` as given, or for 0 ("auto"): one thread for a team of up to 30 officers, else every core."""
    import os

    if workers:
        return int(workers)
    return 1 if len(ds.officers) <= ONE_THREAD_UP_TO_OFFICERS else (os.cpu_count() or 1)


def solver_parameters(ds: Dataset, time_limit_s: float | None, workers: int | None, seed: int | None) -> dict[str, Any]:
    s = ds.config.solver
    return {
        "max_time_in_seconds": float(time_limit_s if time_limit_s is not None else s.time_limit_s),
        "num_workers": auto_workers(ds, workers if workers is not None else s.workers),
        "random_seed": int(seed if seed is not None else s.seed),
        "resolution_min": s.resolution_min,
    }


def solve_week(
    ds: Dataset,
    monday: dt.date,
    *,
    history: pd.DataFrame | None = None,
    time_limit_s: float | None = None,
    workers: int | None = None,
    seed: int | None = None,
    on_progress: Progress | None = None,
    instance: Instance | None = None,
    hint: pd.DataFrame | None = None,
    allow_breaches: bool = False,
    pins: pd.DataFrame | None = None,
    change_from: pd.DataFrame | None = None,
    check_pins: bool = True,
    frozen_before: dt.datetime | None = None,
) -> Result:
    """Solve the week starting ``monday`` for every officer in ``ds`` (one team).

    Returns a Result; an infeasible week has status "infeasible" and an explanation per officer.
    ``pins`` (roster format) are kept exactly; ``change_from`` (an earlier roster of the week) makes every
    changed shift cost ``weights.change``; ``allow_breaches`` returns the roster with the fewest breaches.
    """
    t0 = time.perf_counter()
    params = solver_parameters(ds, time_limit_s, workers, seed)
    team = str(ds.officers["team"].iloc[0]) if len(ds.officers) else ds.config.team_name
    if pins is not None and len(pins) and check_pins:
        bad = pin_breaches(ds, pins, monday, history)
        if bad:
            return _no_roster("infeasible", week_label(monday), team, time.perf_counter() - t0, bad, params)
    inst = instance or build_instance(ds, monday, history, pins, frozen_before)
    built = build_model(inst, allow_breaches=allow_breaches)
    if not allow_breaches and inst.ds.config.solver.group_bound:
        from planner.solver.bounds import add_bounds

        add_bounds(inst, built, min(5.0, params["max_time_in_seconds"] / 4), params["random_seed"])
    if change_from is not None:
        from planner.solver.replan import minimal_change

        minimal_change(inst, built, change_from)
        hint = change_from if hint is None else hint
    if hint is not None:
        built.model.clear_hints()  # the earlier roster replaces the groups' hint
        _add_hint(inst, built, hint)
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = params["max_time_in_seconds"]
    tune(solver.parameters, params["num_workers"])
    solver.parameters.random_seed = params["random_seed"]
    solver.parameters.catch_sigint_signal = False  # our handler stops the search and keeps the best roster
    log: list[tuple[float, float, float]] = []
    flag = [False]
    with _stop_on_interrupt(solver, flag):
        code = solver.solve(built.model, _Callback(on_progress, log))
    status = STATUS.get(code, "no_solution")
    params |= {"planner": __version__, "ortools": getattr(ortools, "__version__", "unknown")}
    label = week_label(monday)
    if status in ("optimal", "feasible"):
        roster = extract_roster(inst, built, solver)
        obj = solver.objective_value / 60
        bound = solver.best_objective_bound / 60
        gap = 0.0 if status == "optimal" else (abs(obj - bound) / max(abs(obj), 1e-9) if obj else 0.0)
        return Result(
            status,
            label,
            team,
            obj,
            bound,
            gap,
            time.perf_counter() - t0,
            roster,
            officer_figures(inst, roster),
            unmet_demand(inst, built, solver),
            penalties(inst, built, solver),
            params=params,
            interrupted=flag[0],
            progress=log,
        )
    explanation: list[str] = []
    if status == "infeasible":
        from planner.solver.diagnose import explain_infeasible

        explanation = explain_infeasible(inst)
    elif flag[0]:
        status = "interrupted"
        explanation = ["interrupted before any roster was found"]
    else:
        explanation = [f"no roster found within {params['max_time_in_seconds']:g} s; allow more time with --time-limit"]
    result = _no_roster(status, label, team, time.perf_counter() - t0, explanation, params)
    result.interrupted, result.progress = flag[0], log
    return result


def _no_roster(
    status: str, week: str, team: str, runtime_s: float, explanation: list[str], params: dict[str, Any]
) -> Result:
    empty = pd.DataFrame()
    return Result(status, week, team, None, None, None, runtime_s, empty, empty, empty, [], explanation, params)


#: Checker rules a pinned shift can break on its own (totals such as the norm are the solver's to meet).
PIN_RULES = (
    "roster_rows_valid",
    "one_shift_per_day",
    "absences_respected",
    "shift_length",
    "night_shift_length",
    "night_exempt",
    "daily_rest",
    "rest_after_night",
    "rest_after_night_series",
    "consecutive_shifts_with_night",
)


def pin_breaches(ds: Dataset, pins: pd.DataFrame, monday: dt.date, history: pd.DataFrame | None = None) -> list[str]:
    """Each way the pins alone (after the history) break a hard rule, as 'pinned shift breaks <rule>: ...'."""
    from planner.checker import check_roster

    hist = history if history is not None and len(history) else None
    return [
        f"pinned shift breaks {b.rule}: {b.message}"
        for b in check_roster(ds, pins, history=hist, weeks=[monday])
        if b.rule in PIN_RULES
    ]


def _add_hint(inst: Instance, built: Any, hint: pd.DataFrame) -> None:
    """Hint the shifts of an earlier roster (same officers, same week) to start the search near it."""
    worked = {(r["officer_id"], r["date"], r["shift"]) for r in hint.to_dict("records") if r.get("shift")}
    for (oi, si), x in built.ctx.v.x.items():
        sl = inst.slots[si]
        built.model.add_hint(x, (inst.officers[oi].officer_id, sl.date, sl.code) in worked)
