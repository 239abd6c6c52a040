"""Plan a week for every team of a data folder: history, one solve per team (in parallel), one combined plan."""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import functools
import multiprocessing
import os
import signal
import time
from collections.abc import Callable
from concurrent.futures import Future, ProcessPoolExecutor, as_completed, wait
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from planner import atomic
from planner.dataset import Dataset
from planner.errors import OutputError
from planner.holidays import holiday_summary
from planner.interrupts import Interrupted, StopState, ignore_stop_signals_in_worker, stop_signals_raise
from planner.roster_io import empty_roster, read_roster
from planner.solver import Result
from planner.solver.extract import Penalty
from planner.solver.solve import period_label, solve_period
from planner.timeutil import week_label

HISTORY_DIR = "history"
PREVIOUS_DIR = "previous"


@dataclass
class Plan:
    """The week's plan over all teams: the combined roster, figures, penalties and each team's result.

    The combined tables are built once (results do not change after planning).
    """

    week: str  # the week's label, or the period's ("2027-W03..2027-W06")
    monday: dt.date
    results: list[Result]
    inputs: dict[str, str]
    history_files: list[str]
    norm_share: float
    params: dict[str, Any] = field(default_factory=dict)
    #: Public holidays of the period and hours worked on them (planner.holidays.holiday_summary); summary.json.
    holidays: dict[str, Any] = field(default_factory=dict)
    mondays: list[dt.date] = field(default_factory=list)

    def __post_init__(self) -> None:
        if not self.mondays:
            self.mondays = [self.monday]

    @property
    def days(self) -> list[dt.date]:
        return [m + dt.timedelta(days=i) for m in self.mondays for i in range(7)]

    @property
    def status(self) -> str:
        statuses = {r.status for r in self.results}
        for s in ("infeasible", "no_solution", "interrupted", "model_invalid", "feasible"):
            if s in statuses:
                return s
        return "optimal"

    @property
    def has_roster(self) -> bool:
        return all(r.has_roster for r in self.results)

    @property
    def interrupted(self) -> bool:
        """Ctrl-C stopped the search (the roster, if any, is the best found so far)."""
        return any(r.interrupted for r in self.results) or self.status == "interrupted"

    @property
    def breaches(self) -> list[Any]:
        """Breaches of the roster (only with --allow-breaches, when no lawful roster exists): the checker's."""
        return [b for r in self.results for b in getattr(r, "breaches", [])]

    @property
    def exit_code(self) -> int:
        """0 a roster; 1 the rules cannot all hold (infeasible, or a roster published with breaches); 3 no roster in
        time; 130 interrupted (143 when SIGTERM stopped a multi-team run); 70 model and checker disagree."""
        if self.interrupted:
            return 143 if self.params.get("interrupted_by") == "SIGTERM" else 130
        if self.has_roster:
            return 1 if self.breaches else 0
        if self.status == "model_invalid":
            return 70
        return 1 if self.status == "infeasible" else 3

    def _cat(self, attr: str) -> pd.DataFrame:
        frames = [getattr(r, attr) for r in self.results if len(getattr(r, attr))]
        return (
            pd.concat(frames, ignore_index=True) if frames else (empty_roster() if attr == "roster" else pd.DataFrame())
        )

    @functools.cached_property
    def roster(self) -> pd.DataFrame:
        return self._cat("roster")

    @functools.cached_property
    def officers(self) -> pd.DataFrame:
        return self._cat("officers")

    @functools.cached_property
    def unmet(self) -> pd.DataFrame:
        u = self._cat("unmet")
        return u if len(u) else pd.DataFrame(columns=["kind", "unmet_h", "wanted_h"])

    @property
    def penalties(self) -> list[Penalty]:
        return [p for r in self.results for p in r.penalties]

    @property
    def objective(self) -> float | None:
        vals = [r.objective for r in self.results]
        return None if any(v is None for v in vals) else sum(v for v in vals if v is not None)

    @property
    def bound(self) -> float | None:
        vals = [r.bound for r in self.results]
        return None if any(v is None for v in vals) else sum(v for v in vals if v is not None)

    @property
    def gap(self) -> float | None:
        gaps = [r.gap for r in self.results]
        return None if any(g is None for g in gaps) else max(gaps, default=0.0)  # type: ignore[type-var]

    @property
    def gap_levels(self) -> list[str]:
        """The levels the largest gap is about (the first stage not proven optimal)."""
        worst = max(self.results, key=lambda r: r.gap or 0.0, default=None)
        return worst.gap_levels if worst is not None and worst.gap else []

    @property
    def runtime_s(self) -> float:
        return sum(r.runtime_s for r in self.results)

    @property
    def explanation(self) -> list[str]:
        return [f"{r.team}: {line}" if len(self.results) > 1 else line for r in self.results for line in r.explanation]


def load_history(files: list[Path], ds: Dataset) -> tuple[pd.DataFrame, list[str]]:
    """Read history rosters (planned or realized, roster format); later files win for the same officer-week."""
    from planner.checker import combine_history

    frames = [read_roster(f, ds.config.tz, set(ds.config.activities)) for f in files]
    combined = combine_history(frames)
    return (combined if combined is not None else empty_roster()), [str(f) for f in files]


def history_files(out_dir: Path | None, extra: list[Path]) -> list[Path]:
    """History found in the output folder (history/*.csv, where earlier weeks are archived) plus --history."""
    found: list[Path] = []
    if out_dir is not None:
        hdir = out_dir / HISTORY_DIR
        if hdir.is_dir():
            atomic.settle_for_reading(out_dir)
            found += sorted(p for p in hdir.glob("*.csv") if not p.name.startswith(".") and p.is_file())
    return found + list(extra)


def folder_history(folder: Path, extra: list[Path]) -> list[Path]:
    """History a roster's folder holds (``history/*.csv``, as planner roster archives it) and each ``--history``:
    a file, or a folder whose ``*.csv`` files are read in name order."""
    found = history_files(folder if (folder / HISTORY_DIR).is_dir() else None, [])
    for p in extra:
        if p.is_dir():
            found += sorted(q for q in p.glob("*.csv") if not q.name.startswith(".") and q.is_file())
        else:
            found.append(p)
    return found


def with_added_absences(ds: Dataset, folder: Path) -> Dataset:
    """The data with the absences a re-plan added in ``folder`` (``added_absences.csv``: the sick calls it
    planned around), so checks and reports of that roster know them."""
    import dataclasses

    from planner.replan import ADDED_ABSENCES, read_added_absences

    path = folder / ADDED_ABSENCES
    if not path.is_file():
        return ds
    added = read_added_absences(path, ds)
    absences = pd.concat([ds.absences, added], ignore_index=True) if len(ds.absences) else added
    return dataclasses.replace(ds, absences=absences)


def _weeks_of(out_dir: Path) -> list[dt.date]:
    """The ISO weeks (Mondays) of the folder's roster.csv, from its dates (summary.json may describe a failed run)."""
    try:
        with (out_dir / "roster.csv").open(encoding="utf-8-sig", newline="") as fh:
            reader = csv.reader(fh)
            next(reader)
            days = {dt.date.fromisoformat(row[1]) for row in reader if len(row) > 1 and row[1]}
        return sorted({d - dt.timedelta(days=d.weekday()) for d in days})
    except (OSError, ValueError, IndexError, StopIteration, csv.Error):
        return []


def _rows_of_week(roster: Path, monday: dt.date) -> bytes:
    """The header and the rows of one ISO week of a roster.csv (every field quoted, as the planner writes it)."""
    import io

    out = io.StringIO()
    writer = csv.writer(out, quoting=csv.QUOTE_ALL, lineterminator="\n")
    with roster.open(encoding="utf-8-sig", newline="") as fh:
        reader = csv.reader(fh)
        writer.writerow(next(reader))
        for row in reader:
            d = dt.date.fromisoformat(row[1])
            if d - dt.timedelta(days=d.weekday()) == monday:
                writer.writerow(row)
    return out.getvalue().encode()


def archive_previous(out_dir: Path, monday: dt.date | list[dt.date], stamp: str) -> None:
    """Keep what the folder holds before new outputs replace it; history/ holds the newest version of every other
    week, so re-planning an earlier week does not break the chain.

    - roster.csv sharing a week with the new plan (a re-plan of it): copied to previous/<week>-<stamp>.csv;
    - roster.csv of other weeks, earlier or later: each of its weeks to history/<week>.csv as that week's newest
      version (a period roster is kept per week; a later week stays in the chain while an earlier one is
      re-planned; the solver reads only the weeks before the ones it plans). A different version already there
      moves to previous/<week>-<stamp>.csv first.
    Each copy takes its summary.json along as <name>.summary.json. Nothing is deleted.

    All copies of one call are one set (``atomic.commit_set``): all or none, never a truncated file that would
    wedge later runs. An existing folder is first proved writable (exit 4 before the search, not after it) and
    any set a killed run left is finished.
    """
    mondays = [monday] if isinstance(monday, dt.date) else list(monday)
    if not out_dir.is_dir():
        return  # a fresh folder: nothing to keep, and it is created only when the outputs are written
    atomic.ensure_writable(out_dir)
    atomic.settle_for_reading(out_dir)
    current = out_dir / "roster.csv"
    if not current.is_file():
        return
    old = _weeks_of(out_dir)
    files: dict[str, bytes] = {}
    try:
        if not old or set(old) & set(mondays):
            label = period_label(old) if old else "unknown"
            _keep(files, out_dir, current, Path(PREVIOUS_DIR) / f"{label}-{stamp}.csv", stamp)
        else:
            for week in old:
                target = Path(HISTORY_DIR) / f"{week_label(week)}.csv"
                payload = current.read_bytes() if len(old) == 1 else _rows_of_week(current, week)
                if (out_dir / target).exists():
                    if (out_dir / target).read_bytes() == payload:
                        continue
                    older = Path(PREVIOUS_DIR) / f"{week_label(week)}-{stamp}.csv"
                    _keep(files, out_dir, out_dir / target, older, stamp,
                          summary=out_dir / target.with_name(target.stem + ".summary.json"))
                _keep(files, out_dir, current, target, stamp, replace=True, payload=payload)
    except OSError as exc:
        raise OutputError(f"{exc.filename or current}: cannot be read to keep it ({exc.strerror})") from None
    if files:
        atomic.commit_set(out_dir, files)


def _keep(files: dict[str, bytes], out_dir: Path, roster: Path, target: Path, stamp: str, *,
          summary: Path | None = None, replace: bool = False, payload: bytes | None = None) -> None:
    """Add a copy of ``roster`` (and its summary: ``summary`` or the folder's summary.json) as ``target`` (relative
    to ``out_dir``) to ``files``; an existing target is only replaced when ``replace`` (else the copy gets the stamp
    once more in its name)."""
    if (out_dir / target).exists() and not replace:
        target = target.with_name(f"{target.stem}-{stamp}.csv")
    files[target.as_posix()] = payload if payload is not None else roster.read_bytes()
    summary = summary if summary is not None else out_dir / "summary.json"
    if summary.exists():
        files[target.with_name(target.stem + ".summary.json").as_posix()] = summary.read_bytes()


#: Several teams without --time-limit: this many seconds of solving per process, spread over the teams ...
RUN_BUDGET_S = 300.0
#: ... but never less than this per team (a 20-officer team is proven in 1-3 s; see docs/benchmarks.md).
TEAM_MIN_S = 5.0


Job = tuple[Dataset, list[dt.date], pd.DataFrame, dict[str, Any]]


def _solve_team(args: Job) -> Result:
    ds, mondays, history, kw = args
    return solve_period(ds, mondays, history=history, **kw)


def _solve_on_dask(
    scheduler: str, jobs: list[Job],
    on_team: Callable[[Result, int, int], None] | None,
) -> list[Result]:
    """One task per team on a running Dask scheduler (its workers need planner installed)."""
    from distributed import Client
    from distributed import as_completed as dask_completed

    results: list[Result] = []
    with Client(scheduler, timeout="10s") as client:
        futures = client.map(_solve_team, jobs, pure=False)
        for i, fut in enumerate(dask_completed(futures), start=1):
            results.append(fut.result())
            if on_team:
                on_team(results[-1], i, len(jobs))
    return results


#: After a stop signal, running searches get this long to hand back their best roster before they are ended.
STOP_GRACE_S = 5.0

#: Set in a pool worker by its initializer: the parent's "stop" event (a queued team then does not start).
_STOP_EVENT: Any = None


def _pool_worker_init(stop_event: Any) -> None:
    global _STOP_EVENT
    ignore_stop_signals_in_worker()
    _STOP_EVENT = stop_event


def _solve_team_in_pool(job: Job) -> Result | None:
    """One team in a pool worker; None when the run was stopped before this team started."""
    if _STOP_EVENT is not None and _STOP_EVENT.is_set():
        return None
    return _solve_team(job)


def _interrupted_result(team: str, mondays: list[dt.date], params: dict[str, Any]) -> Result:
    """The result of a team whose search was stopped before it found a roster (or before it started)."""
    empty = pd.DataFrame()
    return Result(status="interrupted", week=period_label(mondays), team=team, objective=None, bound=None, gap=None,
                  runtime_s=0.0, roster=empty, officers=empty, unmet=empty, penalties=[],
                  explanation=["interrupted before a roster was found"], params=dict(params), interrupted=True,
                  mondays=list(mondays))


def _solve_in_pool(
    jobs: list[Job], nproc: int, on_team: Callable[[Result, int, int], None] | None, mondays: list[dt.date],
) -> tuple[list[Result], int | None]:
    """Solve the teams in worker processes; returns the results and the stop signal (None when none came).

    SIGINT or SIGTERM to this process (Ctrl-C, ``kill``, ``timeout``) stops the run the way Ctrl-C stops a
    single team: queued teams do not start, running searches are sent SIGINT and hand back their best roster
    (within ``STOP_GRACE_S``), a worker that does not is terminated, then killed; no worker outlives the run.
    """
    ctx = multiprocessing.get_context()
    stop_event = ctx.Event()
    pool = ProcessPoolExecutor(max_workers=nproc, mp_context=ctx, initializer=_pool_worker_init,
                               initargs=(stop_event,))
    futures: dict[Future[Result | None], str] = {}
    results: list[Result] = []
    with stop_signals_raise() as stop:
        try:
            for job in jobs:
                futures[pool.submit(_solve_team_in_pool, job)] = job[0].teams[0]
            for i, fut in enumerate(as_completed(futures), start=1):
                res = fut.result()
                if res is not None:
                    results.append(res)
                    if on_team:
                        on_team(res, i, len(jobs))
            pool.shutdown(wait=True)
        except Interrupted:
            stop_event.set()
            results = _stop_pool(pool, futures, results, stop, mondays)
    return results, stop.signum


def _stop_pool(pool: ProcessPoolExecutor, futures: dict[Future[Result | None], str], results: list[Result],
               stop: StopState, mondays: list[dt.date]) -> list[Result]:
    for fut in futures:
        fut.cancel()  # teams not yet handed to a worker
    # The pool's worker processes (private attribute, present since Python 3.2; no public way to reach them).
    procs = list(getattr(pool, "_processes", {}).values())
    for p in procs:
        with contextlib.suppress(OSError):
            os.kill(p.pid, signal.SIGINT)  # the solver's handler stops the search and keeps its best roster
    pending = [f for f in futures if not f.cancelled()]
    deadline = time.monotonic() + STOP_GRACE_S
    while pending and time.monotonic() < deadline and not stop.again:
        _, not_done = wait(pending, timeout=0.1)
        pending = list(not_done)
    for p in procs:
        if p.is_alive():
            p.terminate()
    for p in procs:
        p.join(1.0)
        if p.is_alive():
            p.kill()
            p.join(1.0)
    pool.shutdown(wait=False, cancel_futures=True)
    have = {r.team for r in results}
    params = next((r.params for r in results if r.params), {})
    for fut, team in futures.items():
        if team in have:
            continue
        res = None
        if fut.done() and not fut.cancelled() and fut.exception(timeout=0) is None:
            res = fut.result(timeout=0)
        results.append(res if res is not None else _interrupted_result(team, mondays, params))
    return results


def plan_week(ds: Dataset, monday: dt.date, **kw: Any) -> Plan:
    """Plan one ISO week: ``plan_period`` with one Monday."""
    return plan_period(ds, [monday], **kw)


def plan_period(
    ds: Dataset,
    mondays: list[dt.date],
    *,
    history: pd.DataFrame | None = None,
    history_names: list[str] | None = None,
    time_limit_s: float | None = None,
    workers: int | None = None,
    seed: int | None = None,
    processes: int | None = None,
    on_progress: Callable[[float, float, float], None] | None = None,
    on_team: Callable[[Result, int, int], None] | None = None,
    pins: pd.DataFrame | None = None,
    allow_breaches: bool = False,
    scheduler: str | None = None,
) -> Plan:
    """Solve every team of ``ds`` for the ISO weeks ``mondays`` (one model per team: a week, or a period of weeks
    planned as one); teams run in parallel processes when there are several.

    With several teams and no ``time_limit_s``, each team gets ``RUN_BUDGET_S`` spread over the teams that run
    side by side, at least ``TEAM_MIN_S`` and at most planner.toml's limit (most teams stop earlier, proven).
    ``scheduler`` (``tcp://host:8786``) sends the teams to a running Dask cluster instead of local processes.
    """
    teams = ds.teams
    hist = history if history is not None else empty_roster()
    kw: dict[str, Any] = {
        "time_limit_s": time_limit_s,
        "workers": workers,
        "seed": seed,
        "allow_breaches": allow_breaches,
    }
    pin_df = pins if pins is not None else empty_roster()
    results: list[Result] = []
    stopped_by: int | None = None
    if len(teams) == 1:
        results.append(solve_period(ds, mondays, history=hist, on_progress=on_progress, pins=pin_df, **kw))
        if on_team:
            on_team(results[0], 1, 1)
    else:
        nproc = processes or os.cpu_count() or 1
        if workers is None and ds.config.solver.workers == 0:
            kw["workers"] = 1  # one search thread per team when teams run side by side
        if time_limit_s is None:
            share = RUN_BUDGET_S * nproc / len(teams)
            kw["time_limit_s"] = min(ds.config.solver.time_limit_s, max(TEAM_MIN_S, share))
        jobs = []
        for team in teams:
            sub = ds.subset_team(team)
            ids = set(sub.officers["officer_id"])
            team_kw = kw | {"pins": pin_df[pin_df["officer_id"].isin(ids)] if len(pin_df) else None}
            jobs.append((sub, mondays, hist[hist["officer_id"].isin(ids)] if len(hist) else hist, team_kw))
        if scheduler:
            results += _solve_on_dask(scheduler, jobs, on_team)
            results.sort(key=lambda r: r.team)
        elif nproc <= 1:
            for i, job in enumerate(jobs, start=1):
                results.append(_solve_team(job))
                if on_team:
                    on_team(results[-1], i, len(jobs))
        else:
            pooled, stopped_by = _solve_in_pool(jobs, nproc, on_team, mondays)
            results += pooled
            results.sort(key=lambda r: r.team)
    params = next((r.params for r in results if r.params), {})
    if stopped_by is not None:
        params = params | {"interrupted_by": signal.Signals(stopped_by).name}
    plan = Plan(period_label(mondays), mondays[0], results, dict(ds.files), history_names or [], ds.config.norm.share,
                params, mondays=list(mondays))
    plan.holidays = holiday_summary(ds, mondays, plan.roster)
    return plan


def check_out_dir(out_dir: Path) -> None:
    """Refuse an output folder that is a file."""
    if out_dir.exists() and not out_dir.is_dir():
        raise OutputError(f"{out_dir} exists and is not a folder")
