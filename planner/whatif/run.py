"""Solving what-if runs: base and scenarios side by side, and the Monte Carlo sickness sweep on Dask.

A sweep sample removes the officers who are sick the whole week and re-solves from the base roster. To keep
1,000 samples within minutes, each sample reuses the base instance (built once per Dask worker), starts from
the base roster as a hint (the base roster minus the sick officers is always feasible: every hard rule is per
officer), and stops after a *deterministic* time budget, so a sample's answer does not depend on the machine's
load or on how many workers share the sweep. The status and gap of every sample are recorded.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging
import math
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from planner.dataset import Dataset
from planner.interrupts import hold_stop_signals
from planner.roster_io import empty_roster
from planner.whatif.kpi import KPI_COLUMNS, kpis
from planner.whatif.scenario import Scenario, apply_scenario

Progress = Callable[[int, int], None]  # (done, total)


@dataclass
class Run:
    """One solved variant of the week: its name, dataset, status, roster, figures and KPI row."""

    name: str
    ds: Dataset
    status: str
    roster: pd.DataFrame
    officers: pd.DataFrame
    unmet: pd.DataFrame
    kpi: dict[str, Any]
    explanation: list[str] = field(default_factory=list)


def solve_variant(name: str, ds: Dataset, monday: dt.date, *, time_limit_s: float | None = None,
                  workers: int | None = None, seed: int | None = 0, weeks: int = 1) -> Run:
    """Solve every team of ``ds`` for the period (``weeks`` ISO weeks from ``monday``) with breaches allowed as
    the last resort: a lawful roster when one exists, else the one with the fewest breaches, so a scenario that
    cannot keep the norm still gets figures (status ``infeasible+breaches``).
    """
    from planner.solver.solve import solve_period

    mondays = [monday + dt.timedelta(weeks=k) for k in range(weeks)]
    statuses, rosters, officers, unmet, gaps, expl = [], [], [], [], [], []
    for team in ds.teams:
        sub = ds.subset_team(team) if len(ds.teams) > 1 else ds
        res = solve_period(sub, mondays, time_limit_s=time_limit_s, workers=workers, seed=seed, allow_breaches=True)
        status = res.status
        if res.has_roster and res.breaches:
            status = "infeasible+breaches"
            expl += [b.message for b in res.breaches]
        elif not res.has_roster:
            expl += res.explanation
        statuses.append(status)
        gaps.append(res.gap)
        if res.has_roster:
            rosters.append(res.roster)
            officers.append(res.officers)
            unmet.append(res.unmet)
    order = ["model_invalid", "no_solution", "interrupted", "infeasible", "infeasible+breaches", "feasible", "optimal"]
    status = min(statuses, key=order.index) if statuses else "no_solution"
    roster = pd.concat(rosters, ignore_index=True) if rosters else empty_roster()
    off = pd.concat(officers, ignore_index=True) if officers else pd.DataFrame()
    un = pd.concat(unmet, ignore_index=True) if unmet else pd.DataFrame()
    known = [g for g in gaps if g is not None]
    gap = max(known) if known else None
    if len(rosters) < len(statuses):  # a team without a roster: no figures for the whole variant
        off = pd.DataFrame()
    return Run(name, ds, status, roster, off, un, kpis(ds, status, off, un, roster, gap), expl)


def run_scenarios(ds: Dataset, scenarios: list[Scenario], monday: dt.date, *, time_limit_s: float | None = None,
                  workers: int | None = None, seed: int | None = 0,
                  on_done: Callable[[Run], None] | None = None, weeks: int = 1) -> list[Run]:
    """Apply every scenario first (so a bad file fails before any solve), then solve base and scenarios."""
    variants = [("base", ds)] + [(sc.name, apply_scenario(ds, sc, monday, weeks)) for sc in scenarios]
    runs = []
    for name, vds in variants:
        run = solve_variant(name, vds, monday, time_limit_s=time_limit_s, workers=workers, seed=seed, weeks=weeks)
        runs.append(run)
        if on_done:
            on_done(run)
    return runs


def kpi_table(runs: list[Run]) -> pd.DataFrame:
    """One row per run: name, status, gap and every KPI."""
    return pd.DataFrame([{"scenario": r.name, **r.kpi} for r in runs],
                        columns=["scenario", "status", "gap", *KPI_COLUMNS])


# ------------------------------------------------------------------------------------------------------ sweep


@dataclass(frozen=True)
class SweepSetup:
    """What every sample needs, shipped once to each Dask worker: the dataset, the week, the base hint."""

    ds: Dataset
    monday: dt.date
    rate: float
    seed: int
    budget: float  # deterministic seconds per solve
    hints: dict[str, dict[str, int]]  # per team: the base roster's decisions (variable name -> value)
    token: str = field(default_factory=lambda: uuid.uuid4().hex)
    workers: int = 1  # CP-SAT search threads per solve
    time_limit_s: float | None = None  # wall-clock seconds per solve (default: the guard below)
    weeks: int = 1  # the period: this many ISO weeks from ``monday``

    @property
    def mondays(self) -> list[dt.date]:
        return [self.monday + dt.timedelta(weeks=k) for k in range(self.weeks)]


#: Per-process cache of built instances, keyed by (setup token, team): built once per Dask worker.
_INSTANCES: dict[tuple[str, str], Any] = {}

#: Default deterministic budget of one sample (about 1 s of wall time per sample on the demo, one core).
DEFAULT_SAMPLE_BUDGET = 0.3

#: Deterministic time is CP-SAT's machine-independent work counter; the wall limit only guards a runaway.
WALL_GUARD_FACTOR = 20.0


def sick_officers(officer_ids: list[str], rate: float, seed: int, index: int) -> list[str]:
    """The officers sick the whole week in sample ``index``: each with probability ``rate``.

    Seeded as ``numpy.random.default_rng([seed, index])``, so a sample's draw does not depend on which worker
    runs it or in which order.
    """
    rng = np.random.default_rng([seed, index])
    draw = rng.random(len(officer_ids))
    return [oid for oid, u in zip(officer_ids, draw, strict=True) if u < rate]


def _team_datasets(ds: Dataset) -> list[tuple[str, Dataset]]:
    return [(t, ds.subset_team(t) if len(ds.teams) > 1 else ds) for t in ds.teams]


def base_hints(
    ds: Dataset, monday: dt.date | list[dt.date], det_time: float, seed: int = 0
) -> dict[str, dict[str, int]]:
    """Solve the base period once per team (one worker, deterministic budget) and keep its decisions as hints."""
    from planner.solver.solve import solve_period

    out: dict[str, dict[str, int]] = {}
    for team, tds in _team_datasets(ds):
        res = solve_period(tds, monday, workers=1, seed=seed, deterministic_time=det_time,
                           time_limit_s=wall_guard(det_time), explain=False)
        out[team] = res.decisions
    return out


def run_sample(setup: SweepSetup, index: int) -> dict[str, Any]:
    """Solve one sample of the sweep and return its KPI row (sample, sick officers, status, gap, KPIs)."""
    from planner.solver.instance import build_instance
    from planner.solver.solve import solve_period

    ids = list(setup.ds.officers["officer_id"])
    sick = set(sick_officers(ids, setup.rate, setup.seed, index))
    statuses, rosters, figures, unmet, gaps = [], [], [], [], []
    wall_stop = False
    mondays = setup.mondays
    for team, tds in _team_datasets(setup.ds):
        key = (setup.token, team)
        if key not in _INSTANCES:
            _INSTANCES.clear() if len(_INSTANCES) > 16 else None
            _INSTANCES[key] = build_instance(tds, mondays)
        base = _INSTANCES[key]
        # Sick the whole period = no available hours and no shift: the officer leaves this sample's instance.
        keep = [o for o in base.officers if o.officer_id not in sick]
        if not keep:
            statuses.append("no_officers")
            continue
        sample_ds = dataclasses.replace(tds, officers=tds.officers[~tds.officers["officer_id"].isin(sick)])
        inst = dataclasses.replace(base, ds=sample_ds, officers=keep)
        limit = setup.time_limit_s if setup.time_limit_s is not None else wall_guard(setup.budget)
        res = solve_period(sample_ds, mondays, instance=inst, hint=setup.hints.get(team), workers=setup.workers,
                           seed=setup.seed, deterministic_time=setup.budget, time_limit_s=limit, explain=False)
        # Stopped by the wall-clock guard instead of the deterministic budget: this sample may not reproduce.
        wall_stop |= res.runtime_s >= limit * 0.99
        status = res.status if res.status in ("optimal", "feasible", "infeasible") else "no_solution"
        statuses.append(status)
        if res.has_roster:
            gaps.append(res.gap or 0.0)
            rosters.append(res.roster)
            figures.append(res.officers)
            unmet.append(res.unmet)
    order = ["no_solution", "infeasible", "no_officers", "feasible", "optimal"]
    status = min(statuses, key=order.index)
    ok = len(rosters) == len([s for s in statuses if s != "no_officers"]) and rosters
    roster = pd.concat(rosters, ignore_index=True) if ok else empty_roster()
    off = pd.concat(figures, ignore_index=True) if ok else pd.DataFrame()
    un = pd.concat(unmet, ignore_index=True) if ok else pd.DataFrame()
    row = kpis(setup.ds, status, off, un, roster, max(gaps) if gaps else None)
    return {"sample": index, "sick": len(sick), "sick_officers": "|".join(sorted(sick)), **row,
            "wall_stop": wall_stop}


@dataclass
class Sweep:
    """A finished sweep: one KPI row per sample, and the distribution over samples."""

    samples: pd.DataFrame
    summary: pd.DataFrame
    params: dict[str, Any]


def summarise(samples: pd.DataFrame) -> pd.DataFrame:
    """Distribution of every KPI over the samples that have a roster: P5, P25, P50, P75, P95, mean and max, and
    how many samples it is taken over (``samples``)."""
    ok = samples[samples["status"].isin(["optimal", "feasible"])]
    rows = []
    for key, (label, _unit, _dir) in KPI_COLUMNS.items():
        vals = pd.to_numeric(ok[key], errors="coerce").dropna() if key in ok else pd.Series(dtype="float64")
        row: dict[str, Any] = {"kpi": key, "label": label}
        for q in (5, 25, 50, 75, 95):
            row[f"p{q}"] = float(np.percentile(vals, q)) if len(vals) else math.nan
        row["mean"] = float(vals.mean()) if len(vals) else math.nan
        row["max"] = float(vals.max()) if len(vals) else math.nan
        row["samples"] = int(len(vals))
        rows.append(row)
    return pd.DataFrame(rows)


def norm_probability(samples: pd.DataFrame) -> float:
    """Share of samples in which every officer with hours keeps the norm (a sample without a roster fails)."""
    if len(samples) == 0:
        return math.nan
    kept = samples["status"].isin(["optimal", "feasible"]) & (pd.to_numeric(samples["below_norm"]) == 0)
    return float(kept.mean())


def wall_guard(budget: float) -> float:
    """The wall-clock limit of a solve with deterministic ``budget`` when none is given: it only stops a runaway."""
    return WALL_GUARD_FACTOR * budget + 5


def run_sweep(ds: Dataset, monday: dt.date, *, rate: float, samples: int, seed: int = 1, processes: int = 2,
              scheduler: str | None = None, budget: float = DEFAULT_SAMPLE_BUDGET, workers: int = 1,
              time_limit_s: float | None = None, base_budget: float | None = None,
              on_progress: Progress | None = None, weeks: int = 1) -> Sweep:
    """Monte Carlo over sickness on Dask: each officer is sick the whole period (``weeks`` ISO weeks from
    ``monday``) with probability ``rate``.

    Parameters
    ----------
    processes
        Local Dask worker processes (one thread each; samples solved side by side) when no ``scheduler`` is given.
    scheduler
        Address of a running Dask scheduler (``tcp://host:8786``); its workers need ``planner`` installed.
    budget
        Deterministic time budget of each solve (CP-SAT deterministic seconds; about wall seconds on one core),
        so results are the same for any number of processes.
    workers
        CP-SAT search threads of each solve (as ``--workers`` everywhere); above 1 a sample may not reproduce.
    time_limit_s
        Wall-clock seconds of each solve (as ``--time-limit`` everywhere); default ``wall_guard(budget)``. A
        sample stopped by it is marked ``wall_stop`` and may not reproduce.
    base_budget
        Deterministic budget of the one base solve whose roster every sample starts from (default
        ``max(10, 5 * budget)``).
    """
    from distributed import Client, LocalCluster, as_completed

    mondays = [monday + dt.timedelta(weeks=k) for k in range(weeks)]
    hints = base_hints(ds, mondays, det_time=base_budget or max(10.0, 5 * budget * weeks), seed=0)
    setup = SweepSetup(ds, monday, rate, seed, budget * weeks, hints, workers=workers, time_limit_s=time_limit_s,
                       weeks=weeks)
    cluster = client = None
    rows = []
    try:
        # A Ctrl-C or SIGTERM while the cluster starts and receives the setup waits until both are done, so that
        # the cluster is closed below in one piece (stopped half-way, Dask cannot close it and prints tracebacks).
        with hold_stop_signals():
            if scheduler:
                client = Client(scheduler, timeout="10s")
            else:
                # No dashboard, and the scheduler's HTTP server on a free port: its default 8787 may be taken (a
                # second sweep, another program), and Dask then warns instead of starting.
                cluster = LocalCluster(n_workers=processes, threads_per_worker=1, processes=True,
                                       dashboard_address=None, scheduler_kwargs={"dashboard_address": "127.0.0.1:0"},
                                       silence_logs=50)
                client = Client(cluster)
            fut_setup = client.scatter(setup, broadcast=True)
        futures = client.map(run_sample, [fut_setup] * samples, range(samples), pure=False)
        for done, fut in enumerate(as_completed(futures), start=1):
            rows.append(fut.result())
            if on_progress:
                on_progress(done, samples)
    except BaseException:
        # Stopped (Ctrl-C, SIGTERM) or failed: what Dask logs while its workers go away is noise to the user.
        for name in ("asyncio", "distributed", "tornado"):
            logging.getLogger(name).setLevel(logging.CRITICAL + 1)
        raise
    finally:
        if client is not None:
            client.close()
        if cluster is not None:
            cluster.close()
    table = pd.DataFrame(rows).sort_values("sample").reset_index(drop=True)
    params = {"week": monday.isoformat(), "weeks": weeks, "rate": rate, "samples": samples, "seed": seed,
              "budget": budget,
              "time_limit_s": time_limit_s if time_limit_s is not None else wall_guard(budget), "workers": workers,
              "processes": processes if not scheduler else None, "scheduler": scheduler,
              "p_norm_kept": norm_probability(table)}
    return Sweep(table, summarise(table), params)
