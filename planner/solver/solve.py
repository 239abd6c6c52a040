"""solve_period: build, solve in stages, check, and read back one team's period; infeasible is a status.

The answer goes through the exact check (``planner.checker``) before anyone sees it. A breach the model did not
account for would become a constraint that cuts that roster off, and the model is built and solved again with the
last roster as a hint, until the check agrees; the number of such rounds is in the result (the tests expect 0: the
encodings are exact).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
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
from planner.rules.base import Breach
from planner.solver.extract import Penalty, extract_roster, officer_figures, penalties, unmet_demand
from planner.solver.instance import Instance, build_instance
from planner.solver.model import Built, all_variables, build_model
from planner.solver.objective import LEVEL_SCALE, LEVELS, Term, stages
from planner.timeutil import week_label

Progress = Callable[[float, float, float], None]  # (seconds, objective, bound) of the stage being solved

STATUS = {
    cp_model.OPTIMAL: "optimal",
    cp_model.FEASIBLE: "feasible",
    cp_model.INFEASIBLE: "infeasible",
    cp_model.MODEL_INVALID: "model_invalid",
    cp_model.UNKNOWN: "no_solution",
}
#: The share of the remaining time a stage may use when stages follow it.
STAGE_SHARE = 0.6
#: Re-solves after the check found a breach the model did not see, before giving up (never reached in the tests).
MAX_CHECK_ROUNDS = 10


@dataclass
class Result:
    """What a solve returns: status, levels of the ordered objective, roster, figures, penalties, breaches."""

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
    levels: dict[str, float] = field(default_factory=dict)
    breaches: list[Breach] = field(default_factory=list)
    decisions: dict[str, int] = field(default_factory=dict)  # variable name -> value, to hint a related solve
    check_rounds: int = 0
    stages: list[dict[str, Any]] = field(default_factory=list)
    mondays: list[dt.date] = field(default_factory=list)

    @property
    def has_roster(self) -> bool:
        return self.status in ("optimal", "feasible")

    @property
    def gap_levels(self) -> list[str]:
        """The levels of the first stage that was not proven optimal (the one ``gap`` is about); [] if all were."""
        for st in self.stages:
            if st.get("status") not in ("optimal", None) and "objective" in st:
                return list(st.get("levels", []))
        return []


class _Callback(cp_model.CpSolverSolutionCallback):
    def __init__(self, on_progress: Progress | None, log: list[tuple[float, float, float]], t0: float) -> None:
        super().__init__()
        self._on = on_progress
        self._log = log
        self._t0 = t0

    def on_solution_callback(self) -> None:
        point = (time.perf_counter() - self._t0, self.objective_value, self.best_objective_bound)
        self._log.append(point)
        if self._on:
            self._on(*point)


@contextlib.contextmanager
def _stop_on_interrupt(holder: list[Any], flag: list[bool]) -> Iterator[None]:
    """Ctrl-C (SIGINT) and SIGTERM stop the search cleanly and keep the best roster found so far."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def handler(signum: int, frame: Any) -> None:
        flag[0] = True
        for solver in list(holder):  # every solver still running (groups solve side by side)
            solver.stop_search()

    old = {s: signal.signal(s, handler) for s in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield
    finally:
        for s, h in old.items():
            signal.signal(s, h)


def tune(parameters: Any, num_workers: int, whole_team: bool = True) -> None:
    """Planner's search settings on a CpSolver's parameters (measured in benchmarks/RESULTS.md).

    No probing in presolve (it cost seconds on a team's week and found nothing the search did not). A group of
    officers (a small model, solved from scratch) uses the full LP relaxation (``linearization_level = 2``): without
    it a lone CP search sometimes found no roster of a tiny period in 20 s. The whole team's stages start from a
    complete roster (the groups', then each stage's) and improve it fastest as a CP search without the LP
    (``linearization_level = 0``): the demo week 8 s instead of 60 s on one worker.
    """
    parameters.num_workers = num_workers
    if os.environ.get("PLANNER_TUNE"):  # for benchmarks/: try other settings without editing the code
        parameters.merge_text_format(os.environ["PLANNER_TUNE"])
        return
    parameters.cp_model_probing_level = 0
    parameters.linearization_level = 0 if whole_team else 2


def auto_workers(ds: Dataset, workers: int) -> int:
    """``workers`` as given, or for 0 ("auto"): every core (the LP search beside neighbourhood search; with flexible
    shifts the neighbourhood search finds the team demand's rosters much sooner, see benchmarks/RESULTS.md)."""
    import os

    if workers:
        return int(workers)
    return os.cpu_count() or 1


#: A hook for tests only (like ``PLANNER_TEST_CRASH_AT``): seconds that cap every time limit, so a test can run the
#: README's commands as written in a fraction of their time.
TIME_CAP_ENV = "PLANNER_TEST_TIME_CAP"


def solver_parameters(ds: Dataset, time_limit_s: float | None, workers: int | None, seed: int | None) -> dict[str, Any]:
    s = ds.config.solver
    limit = float(time_limit_s if time_limit_s is not None else s.time_limit_s)
    if os.environ.get(TIME_CAP_ENV):
        limit = min(limit, float(os.environ[TIME_CAP_ENV]))
    return {
        "max_time_in_seconds": limit,
        "num_workers": auto_workers(ds, workers if workers is not None else s.workers),
        "random_seed": int(seed if seed is not None else s.seed),
        "resolution_min": s.resolution_min,
    }


def period_label(mondays: list[dt.date]) -> str:
    return week_label(mondays[0]) if len(mondays) == 1 else f"{week_label(mondays[0])}..{week_label(mondays[-1])}"


@dataclass
class _Outcome:
    status: str
    solver: Any = None
    objective: float | None = None
    bound: float | None = None
    gap: float | None = None
    stages: list[dict[str, Any]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


#: When no roster is found within the time limit, the search goes on for at most this long (or the time limit
#: again, when longer) for a first roster: "no answer" is the one answer a planner cannot use.
FIRST_ROSTER_GRACE_S = 30.0


#: Levels whose terms and rules touch one group of officers only (officers linked by shared wijken): the stages
#: of these levels are solved per group, exactly (team work is never needed to hold a hard rule, so a group's best
#: with no team work is its best in the whole team), and the whole model then keeps each group's optimum.
GROUP_LEVELS = ("law", "norm", "balance_limit", "wijk_demand", "changes")
#: Terms of the group levels that measure team work: groups plan none, so the whole team's stages take them on.
TEAM_RULES = ("moved_team_work",)


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


def _term_owner(inst: Instance, t: Term) -> str | None:
    """The officer (id) or wijk (code) a group-level term belongs to."""
    if t.rule in ("wijk_demand",):
        return "wijk:" + inst.demands[t.ref].wijk_code
    return "officer:" + t.subject


def _group_terms(inst: Instance, terms: list[Term], members: list[int]) -> list[Term]:
    owners = {f"officer:{inst.officers[i].officer_id}" for i in members}
    owners |= {f"wijk:{w}" for i in members for w in inst.officers[i].wijken}
    return [t for t in terms if t.level in GROUP_LEVELS and _term_owner(inst, t) in owners]


#: Share of the time limit the groups may take; the whole team's stages get the rest (and a group that is not
#: proven in time leaves its levels to them).
GROUP_SHARE = 0.5


def _solve_groups(
    inst: Instance,
    built: Built,
    params: dict[str, Any],
    deadline: float,
    flag: list[bool],
    change_from: pd.DataFrame | None,
    elastic: bool,
    hint: dict[str, int] | None,
    lawful_hint: bool = False,
    keep_days: dict[tuple[str, dt.date], bool] | None = None,
) -> tuple[str, dict[str, int], list[dict[str, Any]], tuple[str, ...]]:
    """Solve the group levels per group of officers, side by side on the workers; keep what each group reached
    (its optimum, or its best in its share of the time) in ``built`` and return the decisions as a hint. Status
    "optimal" only if every group was proven; "no_solution" if a group found no roster at all (the whole team's
    stages then take the group levels on), and the levels every group proved optimal (kept by constraint in
    ``built``; the whole team's stages skip them). ``lawful_hint``: the hint is a roster that keeps every rule, so its
    team work may be given back to officers who kept its shifts."""
    import dataclasses
    from concurrent.futures import ThreadPoolExecutor

    groups = wijk_groups(inst)
    full_hint = hint
    if hint is not None:  # groups plan no team work: their hint has none either
        hint = {k: (0 if k.startswith("team[") else v) for k, v in hint.items()}
    now = time.perf_counter()
    g_deadline = now + GROUP_SHARE * max(0.0, deadline - now)
    holder: list[Any] = []

    left = [len(groups)]

    def one(members: list[int]) -> tuple[Built | None, list[Term], _Outcome]:
        if flag[0]:
            return None, [], _Outcome("no_solution")
        start = time.perf_counter()
        share = max(0.0, g_deadline - start) * threads / max(1, left[0])  # a fair share of what is left
        left[0] -= 1
        sub = dataclasses.replace(inst, officers=[inst.officers[i] for i in members])
        # Interchangeable officers share their wijken, so they are in one group: the group orders them (unless
        # a hint may not follow that order).
        gb = build_model(sub, change_from=change_from, allow_breaches=elastic,
                         symmetry=None if hint is None and not keep_days else False)
        _keep_days(gb, keep_days)
        g_terms = _group_terms(sub, gb.terms, list(range(len(members))))
        gb.terms = g_terms
        for ov in gb.ctx.officers:  # team work never helps a group level; without it the group hints the whole
            for p in ov.pieces:     # team's model a roster that keeps every team demand rule
                for x in p.team.values():
                    gb.model.add(x == 0)
        g_params = params | {"num_workers": 1, "whole_team": False}
        out = _solve_stages(gb, g_params, min(g_deadline, start + share), None, [], flag, hint, start, holder=holder)
        if out.solver is None and out.status not in ("infeasible", "model_invalid") and not flag[0]:
            out = _first_roster(gb, g_params, holder)  # any lawful roster of the group, as a hint
        return gb, g_terms, out

    threads = max(1, min(int(params["num_workers"]), len(groups)))
    with _stop_on_interrupt(holder, flag):
        if threads == 1:
            done = [one(g) for g in groups]
        else:
            with ThreadPoolExecutor(max_workers=threads) as pool:
                done = list(pool.map(one, groups))
    values: dict[str, int] = {}
    info: list[dict[str, Any]] = []
    status = "optimal"
    common = set(GROUP_LEVELS)  # the levels every group proved optimal: the whole team skips only those
    for members, (gb, g_terms, out) in zip(groups, done, strict=True):
        ids = [inst.officers[i].officer_id for i in members]
        if out.status == "infeasible":
            return "infeasible", values, info, ()
        if out.solver is None or gb is None:  # no roster in its time: the whole team's stages take the levels on
            status = "no_solution"
            common = set()
            info.append({"officers": ids, "status": out.status})
            continue
        if out.status != "optimal" and status == "optimal":
            status = "feasible"
        info.append({"officers": ids, "status": out.status})
        mine = {v.name: int(out.solver.value(v)) for v in _decisions(gb)}
        if full_hint is not None and lawful_hint:
            _hint_team_work(gb, mine, full_hint)
        values.update(mine)
        full = _group_terms(inst, built.terms, members)  # the whole team keeps what the group proved
        proven = _proven_levels(out, g_terms)
        common &= proven
        reached = _level_sums([t for t in g_terms if t.rule not in TEAM_RULES], out.solver)
        for lv in sorted(proven, key=GROUP_LEVELS.index):
            got = reached.get(lv, 0)
            kept = [t for t in full if t.level == lv and t.rule not in TEAM_RULES]
            if kept:
                built.model.add(sum(t.coef * t.var for t in kept) <= int(got))
    return status, values, info, tuple(lv for lv in GROUP_LEVELS if lv in common)


def _proven_levels(out: _Outcome, terms: list[Term]) -> set[str]:
    """The group levels whose value ``out`` proved optimal, in order: up to the first stage not proven (a roster
    found without an objective, or a stage out of time, proves nothing for its levels and the ones after)."""
    present = {t.level for t in terms}
    proven: set[str] = set()
    for lv in GROUP_LEVELS:
        if lv not in present:
            proven.add(lv)  # no terms: nothing to keep
            continue
        stage = next((st for st in out.stages if lv in st.get("levels", [])), None)
        if stage is None or stage.get("status") != "optimal":
            break
        proven.add(lv)
    return proven


def _hint_team_work(gb: Built, values: dict[str, int], full: dict[str, int]) -> None:
    """Give each officer of a group who kept the hint's shifts and its wijk presence the hint's team work again
    (the group planned none).

    Safe: the officer's whole assignment is then the hint's, a lawful roster's (and a part of a lawful roster's team
    work keeps every team demand rule); the group's wijk demand level, which the whole team keeps by constraint,
    is unchanged."""
    for ov in gb.ctx.officers:
        xs = [x.name for e in ov.entries for _, x in e.choices]
        if not all(values.get(n) == full.get(n) for n in xs):
            continue
        if any(values.get(x.name, 0) != full.get(x.name, 0) for p in ov.pieces for x in p.pres.values()):
            continue  # the group serves the wijken otherwise: its roster stays as it is
        for p in ov.pieces:
            team = {x.name: full.get(x.name, 0) for x in p.team.values()}
            if any(team.values()):
                values.update(team)
                values.update({x.name: 0 for x in p.pres.values()})


#: Time a group may take to find its first lawful roster when its stages found none in its share of the time.
FIRST_GROUP_ROSTER_S = 5.0


def _first_roster(built: Built, params: dict[str, Any], holder: list[Any]) -> _Outcome:
    """Any roster that keeps the hard rules (no objective): a hint for the whole team's stages."""
    built.model.clear_objective()
    solver = cp_model.CpSolver()
    tune(solver.parameters, 1, False)
    solver.parameters.stop_after_first_solution = True
    solver.parameters.max_time_in_seconds = FIRST_GROUP_ROSTER_S
    solver.parameters.random_seed = params["random_seed"]
    holder.append(solver)
    status = STATUS.get(solver.solve(built.model), "no_solution")
    if status in ("optimal", "feasible"):
        return _Outcome("feasible", solver)
    return _Outcome(status)


def _solve_stages(
    built: Built,
    params: dict[str, Any],
    deadline: float,
    on_progress: Progress | None,
    log: list[tuple[float, float, float]],
    flag: list[bool],
    hint: dict[str, int] | None,
    t0: float,
    skip: tuple[str, ...] = (),
    holder: list[Any] | None = None,
) -> _Outcome:
    """Solve the ordered objective stage by stage (levels in ``skip`` are already kept); each stage keeps what the
    ones before reached."""
    model = built.model
    terms = [t for t in built.terms if t.level not in skip or t.rule in TEAM_RULES]
    plan = stages(terms)
    out = _Outcome("no_solution")
    if hint:
        fixed = _complete_hint(built, hint, params, deadline)
        if fixed is not None:  # the hint is a whole roster: it stands if no stage finds anything in time
            out = _Outcome("no_solution", fixed)
    holder = [] if holder is None else holder
    for k, stage in enumerate(plan or [None]):
        if flag[0]:  # interrupted: keep what there is
            break
        expr = stage.expression(terms) if stage is not None else 0
        model.minimize(expr)
        solver = cp_model.CpSolver()
        remaining = max(0.01, deadline - time.perf_counter())
        # A stage that cannot be proven in time leaves the ones after it something: all but the last get at most
        # STAGE_SHARE of what is left (a stage proven sooner hands its rest on).
        later = len(plan) - k - 1
        solver.parameters.max_time_in_seconds = remaining * (STAGE_SHARE if later else 1.0)
        tune(solver.parameters, params["num_workers"], params.get("whole_team", True))
        if "max_deterministic_time" in params:
            solver.parameters.max_deterministic_time = params["max_deterministic_time"]
        solver.parameters.random_seed = params["random_seed"]
        solver.parameters.catch_sigint_signal = False
        if os.environ.get("PLANNER_LOG"):
            solver.parameters.log_search_progress = True
        holder.append(solver)
        with _stop_on_interrupt(holder, flag):
            code = solver.solve(model, _Callback(on_progress, log, t0))
        status = STATUS.get(code, "no_solution")
        if status in ("optimal", "feasible"):
            value = round(solver.objective_value)
            bound = solver.best_objective_bound
            gap = 0.0 if status == "optimal" else (abs(value - bound) / max(abs(value), 1e-9) if value else 0.0)
            out.stages.append({"levels": stage.levels if stage else [], "status": status, "objective": value,
                               "bound": bound, "seconds": round(solver.wall_time, 3)})
            keep = out.solver
            if keep is not None and stage is not None and round(keep.value(expr)) <= value:
                # No better on this stage than the roster already held (the hint, or an earlier stage's): keep
                # that one, which is at least as good here and was not made worse on the levels below.
                solver = keep
            out.solver, out.objective, out.bound = solver, float(value), float(bound)
            if not out.gap:  # the gap of the most important stage not proven optimal
                out.gap = gap
            out.status = "optimal" if status == "optimal" and out.status in ("optimal", "no_solution") else "feasible"
            if k + 1 < len(plan):
                model.add(expr <= value)
                _hint_all(model, solver)
            if flag[0] or time.perf_counter() >= deadline:
                if k + 1 < len(plan):
                    out.status = "feasible"
                break
            continue
        if out.solver is None:
            out.status = status
        elif status != "infeasible":
            out.status = "feasible"  # a later stage ran out of time: the last stage's roster stands
        break
    if out.solver is not None and out.status == "no_solution":
        out.status = "feasible"  # no stage found anything in time: the hint's roster stands
    return out


def solve_period(
    ds: Dataset,
    mondays: list[dt.date] | dt.date,
    *,
    history: pd.DataFrame | None = None,
    time_limit_s: float | None = None,
    workers: int | None = None,
    seed: int | None = None,
    on_progress: Progress | None = None,
    instance: Instance | None = None,
    hint: pd.DataFrame | dict[str, int] | None = None,
    allow_breaches: bool = False,
    pins: pd.DataFrame | None = None,
    change_from: pd.DataFrame | None = None,
    frozen_before: dt.datetime | None = None,
    deterministic_time: float | None = None,
    explain: bool = True,
    keep_days: dict[tuple[str, dt.date], bool] | None = None,
) -> Result:
    """Solve the ISO weeks ``mondays`` for every officer in ``ds`` (one team) as one model.

    Returns a Result; an impossible period has status "infeasible" and an explanation per officer. ``pins`` (roster
    format) are kept exactly; ``change_from`` (the roster being re-planned) makes every changed shift cost on the
    ``changes`` level and is the hint; ``hint`` is a roster or variable values to start from; ``allow_breaches``
    returns, when no lawful roster exists, the one with the fewest breaches (each named; ``Result.breaches``).
    ``instance`` (built by ``build_instance`` for the same data) skips building it; ``deterministic_time`` bounds
    the search by CP-SAT's machine-independent work counter (reproducible sweep samples). ``keep_days`` holds
    (officer, date) -> works: published work and rest days a re-plan must keep.
    """
    t0 = time.perf_counter()
    mondays = [mondays] if isinstance(mondays, dt.date) else sorted(mondays)
    params = solver_parameters(ds, time_limit_s, workers, seed)
    per_week = params["max_time_in_seconds"]
    params["max_time_in_seconds"] = per_week * len(mondays)  # the time limit is per week planned
    params |= {"planner": __version__, "ortools": getattr(ortools, "__version__", "unknown"), "weeks": len(mondays)}
    if deterministic_time is not None:
        params["max_deterministic_time"] = deterministic_time
    deadline = t0 + params["max_time_in_seconds"]
    team = str(ds.officers["team"].iloc[0]) if len(ds.officers) else ds.config.team_name
    label = period_label(mondays)
    hist = history if history is not None and len(history) else None
    extra = change_from if change_from is not None and len(change_from) else hint
    if isinstance(extra, dict):
        extra = None
    # A roster to start from, reproduced in the model and completed by propagation: it stands unless the search
    # beats it (a re-plan's roster as it was, without the sick officers' hours; or the period planned week by week).
    start: pd.DataFrame | None = hint if isinstance(hint, pd.DataFrame) and len(hint) else None
    start_note = ("re-planned as little as possible: the roster as it was, without the hours taken by the "
                  "changes, found nothing better in the time given (allow more with --time-limit)")
    greedy: pd.DataFrame | None = None
    flag = [False]
    if len(mondays) > 1 and hint is None and extra is None and instance is None:
        # A period starts from the weeks planned one after another (each with the one before as history), so the
        # period's roster is never worse, level by level, than planning week by week; the rest of the time
        # improves on it as one model.
        # Each week gets the week's own time limit (a week proven optimal sooner hands the rest on), so the start
        # is what planning the weeks one by one gives; the period model improves it in what is left, at least
        # PERIOD_MIN_SHARE of the period's time.
        greedy, greedy_levels = _greedy(ds, mondays, hist, pins, frozen_before, params, flag, per_week)
        deadline = max(deadline, time.perf_counter() + PERIOD_MIN_SHARE * params["max_time_in_seconds"])
        if greedy is not None:
            extra = start = greedy
            start_note = ("planned week by week: the period as one model found nothing better in the time given "
                          "(allow more with --time-limit)")
            params["greedy_week_levels"] = greedy_levels  # each week's levels in its own model, summed
    t_build: float | None = time.perf_counter()  # building the model is not search: the time limit starts after it
    inst = instance or build_instance(ds, mondays, hist, pins, frozen_before, extra_shifts=extra)
    log: list[tuple[float, float, float]] = []
    if isinstance(hint, dict):
        hint_values: dict[str, int] | None = hint
    else:
        hint_values = _hint_values(inst, extra) if extra is not None else None
    cuts: list[list[tuple[str, int]]] = []
    rounds = 0
    elastic = late = False
    while True:
        # No symmetry breaking in the whole team's model: the groups' rosters are its hints, and an order the
        # groups did not impose could make a hint infeasible.
        built = build_model(inst, change_from=change_from, allow_breaches=elastic, symmetry=False)
        _keep_days(built, keep_days)
        if t_build is not None:
            deadline += time.perf_counter() - t_build
            t_build = None
        _add_cuts(built, cuts)
        greedy_fixed = None
        if start is not None and not rounds and not elastic:
            hint_values = _hint_from_roster(built, start)  # the shifts and what each hour of them is for
            greedy_fixed = _complete_hint(built, hint_values, params, deadline)  # that roster, if lawful
            if greedy_fixed is None and greedy is None:
                greedy_fixed = _repair(built, start, hint_values, hist, mondays, params, deadline)
            if greedy_fixed is not None:  # the lawful roster's own decisions are the hint from here on
                hint_values = {v.name: int(greedy_fixed.value(v)) for v in _decisions(built)}
            if greedy_fixed is not None and greedy is not None:  # measured by the period's own model
                params["greedy_levels"] = _scaled_levels(built.terms, greedy_fixed)
        tg = time.perf_counter()
        g_status, g_hint, g_info, kept = _solve_groups(inst, built, params, deadline, flag, change_from, elastic,
                                                 hint_values, lawful_hint=greedy_fixed is not None,
                                                 keep_days=keep_days)
        tg = time.perf_counter() - tg
        if g_status in ("infeasible", "model_invalid") and not g_hint:
            outcome = _Outcome(g_status)
        else:
            # The levels every group proved optimal are kept by constraint; the whole team's stages optimise the
            # others (a group out of time, or with a first roster only, proved nothing there).
            outcome = _solve_stages(built, params, deadline, on_progress, log, flag, g_hint, t0, kept)
            if g_status != "optimal" and outcome.status == "optimal":
                outcome.status = "feasible"
            outcome.stages[:0] = [{"levels": list(GROUP_LEVELS), "groups": len(g_info),
                                   "group_status": [g["status"] for g in g_info], "status": g_status,
                                   "seconds": round(tg, 3)}]
        if outcome.status == "infeasible" and allow_breaches and not elastic and not flag[0]:
            elastic = True  # nothing lawful exists: now, and only now, let the rules bend at their price
            continue
        if outcome.solver is None and greedy_fixed is None and outcome.status not in ("infeasible", "model_invalid") \
                and not flag[0] and not late:
            # No roster within the time limit: a planner needs an answer, so plan again with more time (the time
            # limit again, at least FIRST_ROSTER_GRACE_S; Ctrl-C stops it and keeps nothing half-done).
            late = True
            deadline = time.perf_counter() + max(FIRST_ROSTER_GRACE_S, params["max_time_in_seconds"])
            continue
        if greedy_fixed is not None and (
                outcome.solver is None or _level_vector(built, greedy_fixed) < _level_vector(built, outcome.solver)):
            # The search did not beat the roster it started from in the time given: that roster stands.
            outcome.solver = greedy_fixed
            outcome.status = "feasible"
            outcome.notes.append(start_note)
        if outcome.solver is None:
            break
        if late:
            outcome.notes.append(
                f"no roster within the time limit of {params['max_time_in_seconds']:g} s: planned again with more "
                f"time, {time.perf_counter() - t0:.1f} s in all (allow more with --time-limit)")
        roster = extract_roster(inst, built, outcome.solver)
        from planner.checker import check_roster

        breaches = check_roster(inst.ds, roster, history=hist, weeks=mondays)
        expected = _accounted(inst, built, outcome.solver) if elastic else set()
        unseen = [b for b in breaches if (b.rule, b.officer_id) not in expected]
        if not unseen:
            return _result(inst, built, outcome, roster, breaches, label, team, t0, params, flag, log, rounds, hist)
        if rounds >= MAX_CHECK_ROUNDS or time.perf_counter() >= deadline + FIRST_ROSTER_GRACE_S:
            lines = [f"the model and the checker disagree ({len(unseen)} breaches after {rounds} re-solves); please "
                     f"report this: {unseen[0].message}"]
            return _no_roster("model_invalid", label, team, time.perf_counter() - t0, lines, params, mondays)
        cuts.append(_cut(built, outcome.solver, {b.officer_id for b in unseen}))
        hint_values = {v.name: outcome.solver.value(v) for v in _decisions(built)}
        rounds += 1
    explanation: list[str] = []
    status = outcome.status
    if status == "infeasible":
        if explain:
            from planner.solver.diagnose import explain_infeasible

            explanation = explain_infeasible(inst)
        if not allow_breaches:
            explanation.append("to publish the best roster anyway, with every breach named: --allow-breaches")
    elif flag[0]:
        status = "interrupted"
        explanation = ["interrupted before any roster was found"]
    else:
        explanation = [f"no roster found within {params['max_time_in_seconds']:g} s; allow more time with --time-limit"]
    result = _no_roster(status, label, team, time.perf_counter() - t0, explanation, params, mondays)
    result.interrupted, result.progress, result.check_rounds = flag[0], log, rounds
    return result


def solve_week(ds: Dataset, monday: dt.date | list[dt.date], **kw: Any) -> Result:
    """Solve one week (or, given a list of Mondays, a period): see ``solve_period``."""
    kw.pop("check_pins", None)
    return solve_period(ds, monday, **kw)


def _result(
    inst: Instance, built: Built, outcome: _Outcome, roster: pd.DataFrame, breaches: list[Breach], label: str,
    team: str, t0: float, params: dict[str, Any], flag: list[bool], log: list, rounds: int,
    history: pd.DataFrame | None,
) -> Result:
    solver = outcome.solver
    levels = _scaled_levels(built.terms, solver)
    return Result(
        outcome.status, label, team, outcome.objective, outcome.bound, outcome.gap, time.perf_counter() - t0,
        roster, officer_figures(inst, roster, history), unmet_demand(inst, built, solver),
        penalties(inst, built, solver, roster), explanation=list(outcome.notes),
        params=params | {"stages": len(outcome.stages)}, interrupted=flag[0],
        progress=log, levels=levels, breaches=breaches, check_rounds=rounds, stages=outcome.stages,
        mondays=inst.mondays, decisions={v.name: int(solver.value(v)) for v in _decisions(built)},
    )


def _no_roster(
    status: str, week: str, team: str, runtime_s: float, explanation: list[str], params: dict[str, Any],
    mondays: list[dt.date],
) -> Result:
    empty = pd.DataFrame()
    return Result(status, week, team, None, None, None, runtime_s, empty, empty, empty, [], explanation, params,
                  mondays=mondays)


def _accounted(inst: Instance, built: Built, solver: Any) -> set[tuple[str, str]]:
    """(rule, officer) pairs the elastic model itself counts as broken (so the check may report them)."""
    out = set()
    for (name, oi, _week), guard in built.ctx.guards.items():
        if not solver.boolean_value(guard):
            out.add((name, inst.officers[oi].officer_id))
    for (oi, _week), short in built.ctx.shortfalls.items():
        if solver.value(short) > 0:
            out.add(("own_wijk_share", inst.officers[oi].officer_id))
    return out


def _hint_all(model: cp_model.CpModel, solver: cp_model.CpSolver) -> None:
    """Every variable's value in the solver's last solution as the model's hint (complete: used at once)."""
    values = list(solver.response_proto.solution)
    model.clear_hints()
    model.proto.solution_hint.vars.extend(range(len(values)))
    model.proto.solution_hint.values.extend(values)


def _complete_hint(built: Built, hint: dict[str, int], params: dict[str, Any], deadline: float) -> Any:
    """Turn a hint of the decisions into a complete one: solve once with the decisions fixed (CP-SAT fills in every
    derived variable by propagation), and hint that solution; return that solver (None when the hint breaks a rule:
    it stays a partial hint)."""
    model = built.model
    model.clear_hints()
    decisions = _decisions(built)
    for v in decisions:
        if v.name in hint:
            model.add_hint(v, hint[v.name])
    # With the decisions fixed, what is left is what they imply: each shortfall at its least, so the roster's
    # levels (and its unmet demand) are read exactly, not at some slack a first solution left.
    model.minimize(sum(t.coef * t.var for t in built.terms if not isinstance(t.var, int)))
    solver = cp_model.CpSolver()
    solver.parameters.fix_variables_to_their_hinted_value = True
    solver.parameters.num_workers = 1
    solver.parameters.stop_after_first_solution = len(hint) < len(decisions)  # a partial hint: any completion
    # Completing a full assignment is propagation, not search: it gets its seconds even past the deadline.
    solver.parameters.max_time_in_seconds = max(COMPLETE_HINT_MIN_S, min(10.0, deadline - time.perf_counter()))
    if solver.solve(model) in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        _hint_all(model, solver)
        return solver
    return None


def _keep_days(built: Built, keep: dict[tuple[str, dt.date], bool] | None) -> None:
    """Hold each (officer, date) of ``keep`` to work (True) or rest (False) on that date."""
    if not keep:
        return
    for ov in built.ctx.officers:
        for e in ov.entries:
            want = keep.get((ov.facts.officer_id, e.date))
            if want is not None and e.choices and not e.history:
                built.model.add(e.works == int(want))


def _repair(built: Built, start: pd.DataFrame, hint: dict[str, int], history: pd.DataFrame | None,
            mondays: list[dt.date], params: dict[str, Any], deadline: float) -> Any:
    """A lawful roster near ``start`` (a roster that breaks a rule, e.g. a re-plan's roster without the sick
    officer's hours, whose next weeks leaned on them in the norm's window): the officers the check finds in breach
    are planned anew, everyone else keeps ``start`` exactly. None when that finds nothing in its time."""
    from planner.checker import check_roster

    loose = {b.officer_id for b in check_roster(built.ctx.inst.ds, start, history=history, weeks=mondays)
             if b.officer_id}
    if not loose:
        return None
    free = {v.name for v in _decisions(built, loose)}
    return _complete_hint(built, {k: v for k, v in hint.items() if k not in free}, params, deadline)


def _decisions(built: Built, officer_ids: set[str] | None = None) -> list[Any]:
    out: list[Any] = []
    for ov in built.ctx.officers:
        if officer_ids is not None and ov.facts.officer_id not in officer_ids:
            continue
        for e in ov.entries:
            out.extend(x for _, x in e.choices)
        for p in ov.pieces:
            out.extend(p.team.values())
            out.extend(p.pres.values())
    return out


def _cut(built: Built, solver: Any, officer_ids: set[str]) -> list[tuple[str, int]]:
    """A no-good on these officers' decisions as the solver chose them (by variable name, for a rebuilt model)."""
    ids = set(officer_ids)
    if any(r not in {o.facts.officer_id for o in built.ctx.officers} for r in ids):
        ids = {o.facts.officer_id for o in built.ctx.officers}
    return [(x.name, int(solver.value(x))) for x in _decisions(built, ids)]


def _add_cuts(built: Built, cuts: list[list[tuple[str, int]]]) -> None:
    if not cuts:
        return
    by_name = {v.name: v for v in all_variables(built.model)}
    for cut in cuts:
        lits = [by_name[n].Not() if val else by_name[n] for n, val in cut if n in by_name]
        built.model.add_bool_or(lits)


#: Seconds a complete hint may always take to be checked and completed (propagation on a big period model).
COMPLETE_HINT_MIN_S = 3.0

#: A period first plans its weeks one after another, each within the week's time limit (the period's starting
#: point); the period model then gets what is left of the period's time, and at least this share of it.
PERIOD_MIN_SHARE = 0.25


def _level_sums(terms: list[Term], solver: Any) -> dict[str, float]:
    """A solution's value on each level that has terms, in model units."""
    per: dict[str, float] = {}
    for t in terms:
        per[t.level] = per.get(t.level, 0) + t.coef * (solver.value(t.var) if not isinstance(t.var, int) else t.var)
    return per


def _scaled_levels(terms: list[Term], solver: Any) -> dict[str, float]:
    """A solution's value on each level that has terms, in the level's unit (``LEVEL_SCALE``), in order."""
    per = _level_sums(terms, solver)
    return {lv: per[lv] / LEVEL_SCALE.get(lv, 1) for lv in LEVELS if lv in per}


def _level_vector(built: Built, solver: Any) -> tuple[float, ...]:
    """The roster's value on each level of the ordered objective, most important first (compare as tuples)."""
    per = _level_sums(built.terms, solver)
    return tuple(per.get(lv, 0.0) for lv in LEVELS)


def _greedy(
    ds: Dataset, mondays: list[dt.date], history: pd.DataFrame | None, pins: pd.DataFrame | None,
    frozen_before: dt.datetime | None, params: dict[str, Any], flag: list[bool], budget_s: float,
) -> tuple[pd.DataFrame | None, dict[str, float]]:
    """The period planned week by week (``budget_s`` each), each week with the weeks before it as history: the
    roster (None if a week has none) and the sum of the weeks' levels."""
    from planner.checker import combine_history

    rosters: list[pd.DataFrame] = []
    levels: dict[str, float] = {}
    hist = history
    for m in mondays:
        week_pins = None
        if pins is not None and len(pins):
            week_pins = pins[[m <= d < m + dt.timedelta(days=7) for d in pins["date"]]]
        r = solve_period(ds, [m], history=hist, time_limit_s=budget_s,
                         workers=params["num_workers"], seed=params["random_seed"], pins=week_pins,
                         frozen_before=frozen_before, explain=False)
        if r.interrupted:
            flag[0] = True
        if not r.has_roster or r.interrupted:
            return None, {}
        rosters.append(r.roster)
        for lv, v in r.levels.items():
            levels[lv] = levels.get(lv, 0.0) + v
        hist = combine_history([h for h in (hist, r.roster) if h is not None])
    return pd.concat(rosters, ignore_index=True), levels


def _hint_from_roster(built: Built, roster: pd.DataFrame) -> dict[str, int]:
    """Hint values that reproduce a roster in ``built``'s model: its shifts, and per piece of time what it was for
    (a wijk's presence window, a team demand window, with the travel to it) as the roster's blocks say."""
    from planner.rules.base import epoch_min
    from planner.rules.timeline import read_blocks

    inst = built.ctx.inst
    out = _hint_values(inst, roster)
    e0 = epoch_min(inst.epoch)
    by: dict[str, list[tuple[int, int, Any]]] = {}
    for b in read_blocks(roster, inst.cfg.tz, history=False):
        by.setdefault(b.officer_id, []).append((epoch_min(b.start) - e0, epoch_min(b.end) - e0, b))
    from planner.rules.soft import pinned_cover

    room: dict[tuple[int, int, int], int] = {}  # officers a window may still count at a moment (its cap)

    def take(j: int, a: int, b: int) -> bool:
        key = (j, a, b)
        if key not in room:
            dm = inst.demands[j]
            room[key] = dm.cap - pinned_cover(built.ctx, dm, inst.at(a), inst.at(b)) // max(b - a, 1)
        if room[key] <= 0:
            return False
        room[key] -= 1
        return True

    for ov in built.ctx.officers:
        mine = by.get(ov.facts.officer_id, [])
        for p in ov.pieces:
            here = [b for s, e, b in mine if s < p.b and p.a < e]
            used = False
            for j, x in p.team.items():
                dm = inst.demands[j]
                v = not used and any(b.activity in (dm.kind, "travel") and (b.task or "") == dm.name for b in here)
                v = v and take(j, p.a, p.b)
                used = used or v
                out[x.name] = int(v)
            for j, x in p.pres.items():
                dm = inst.demands[j]
                v = not used and any(b.activity == "wijk" and b.wijk_code == dm.wijk_code
                                     and (b.task or dm.theme) == dm.theme for b in here)
                v = v and take(j, p.a, p.b)
                used = used or v
                out[x.name] = int(v)
    return out


def _hint_values(inst: Instance, roster: pd.DataFrame) -> dict[str, int]:
    """Variable names and values that reproduce a roster's shifts (the candidates with its start and end)."""
    from planner.rules.base import epoch_min
    from planner.rules.timeline import merge_shifts, read_blocks

    e0 = epoch_min(inst.epoch)
    shifts: set[tuple[str, int, int]] = set()
    per: dict[str, list] = {}
    for b in read_blocks(roster, inst.cfg.tz, history=False):
        per.setdefault(b.officer_id, []).append(b)
    for oid, bs in per.items():
        for sh in merge_shifts(sorted(bs, key=lambda b: (b.start, b.end)), inst.cfg):
            shifts.add((oid, epoch_min(sh.start) - e0, epoch_min(sh.end) - e0))
    out: dict[str, int] = {}
    for o in inst.officers:
        for day in o.days:
            for c in day.candidates:
                out[f"x[{o.officer_id},{c.label}]"] = int((o.officer_id, c.s, c.e) in shifts)
    return out
