"""Plan a week for every team of a data folder: history, one solve per team (in parallel), one combined plan."""

from __future__ import annotations

import csv
import datetime as dt
import functools
import os
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from planner import atomic
from planner.dataset import Dataset
from planner.errors import OutputError
from planner.roster_io import empty_roster, read_roster
from planner.solver import Result, solve_week
from planner.solver.extract import Penalty
from planner.timeutil import week_label

HISTORY_DIR = "history"
PREVIOUS_DIR = "previous"


@dataclass
class Plan:
    """The week's plan over all teams: the combined roster, figures, penalties and each team's result.

    The combined tables are built once (results do not change after planning).
    """

    week: str
    monday: dt.date
    results: list[Result]
    inputs: dict[str, str]
    history_files: list[str]
    norm_share: float
    params: dict[str, Any] = field(default_factory=dict)

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
    def exit_code(self) -> int:
        """0 a roster; 1 the rules cannot all hold (infeasible); 3 no roster in time; 130 interrupted."""
        if self.interrupted:
            return 130
        if self.has_roster:
            return 0
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


def _week_of(out_dir: Path) -> str | None:
    """The ISO week of the folder's roster.csv, from its first date (summary.json may describe a failed run)."""
    try:
        with (out_dir / "roster.csv").open(encoding="utf-8-sig", newline="") as fh:
            reader = csv.reader(fh)
            next(reader)
            first = dt.date.fromisoformat(next(reader)[1])
        return week_label(first - dt.timedelta(days=first.weekday()))
    except (OSError, ValueError, IndexError, StopIteration, csv.Error):
        return None


def archive_previous(out_dir: Path, monday: dt.date, stamp: str) -> None:
    """Keep what the folder holds: an earlier week's roster is copied to history/ (and so read as history for
    this week), a re-planned week's to previous/; the new outputs then replace the old ones.

    The copy of roster.csv and its summary.json is one set (``atomic.commit_set``): both or neither, never a
    truncated file that would wedge later runs. An existing folder is first proved writable (exit 4 before the
    search, not after it) and any set a killed run left is finished.
    """
    if not out_dir.is_dir():
        return  # a fresh folder: nothing to keep, and it is created only when the outputs are written
    atomic.ensure_writable(out_dir)
    atomic.settle_for_reading(out_dir)
    current = out_dir / "roster.csv"
    if not current.is_file():
        return
    old_week = _week_of(out_dir)
    try:
        roster_bytes = current.read_bytes()
        summary = out_dir / "summary.json"
        summary_bytes = summary.read_bytes() if summary.is_file() else None
    except OSError as exc:
        raise OutputError(f"{current}: cannot be read to keep it ({exc.strerror})") from None
    if old_week is not None and old_week < week_label(monday):
        target = Path(HISTORY_DIR) / f"{old_week}.csv"
        if (out_dir / target).is_file() and (out_dir / target).read_bytes() == roster_bytes:
            return
    else:
        target = Path(PREVIOUS_DIR) / f"{old_week or 'unknown'}-{stamp}.csv"
    if (out_dir / target).exists():
        target = target.with_name(f"{target.stem}-{stamp}.csv")
    files = {target.as_posix(): roster_bytes}
    if summary_bytes is not None:
        files[target.with_name(target.stem + ".summary.json").as_posix()] = summary_bytes
    atomic.commit_set(out_dir, files)


#: Several teams without --time-limit: this many seconds of solving per process, spread over the teams ...
RUN_BUDGET_S = 300.0
#: ... but never less than this per team (a 20-officer team is proven in 1-3 s; see docs/benchmarks.md).
TEAM_MIN_S = 5.0


def _solve_team(args: tuple[Dataset, dt.date, pd.DataFrame, dict[str, Any]]) -> Result:
    ds, monday, history, kw = args
    return solve_week(ds, monday, history=history, **kw)


def _solve_on_dask(
    scheduler: str, jobs: list[tuple[Dataset, dt.date, pd.DataFrame, dict[str, Any]]],
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


def plan_week(
    ds: Dataset,
    monday: dt.date,
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
    """Solve every team of ``ds`` for the week; teams run in parallel processes when there are several.

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
    if len(teams) == 1:
        results.append(solve_week(ds, monday, history=hist, on_progress=on_progress, pins=pin_df, **kw))
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
            jobs.append((sub, monday, hist[hist["officer_id"].isin(ids)] if len(hist) else hist, team_kw))
        if scheduler:
            results += _solve_on_dask(scheduler, jobs, on_team)
            results.sort(key=lambda r: r.team)
        elif nproc <= 1:
            for i, job in enumerate(jobs, start=1):
                results.append(_solve_team(job))
                if on_team:
                    on_team(results[-1], i, len(jobs))
        else:
            with ProcessPoolExecutor(max_workers=nproc) as pool:
                futures = {pool.submit(_solve_team, job): job[0].teams[0] for job in jobs}
                for i, fut in enumerate(as_completed(futures), start=1):
                    results.append(fut.result())
                    if on_team:
                        on_team(results[-1], i, len(jobs))
            results.sort(key=lambda r: r.team)
    params = results[0].params if results else {}
    return Plan(week_label(monday), monday, results, dict(ds.files), history_names or [], ds.config.norm.share, params)


def check_out_dir(out_dir: Path) -> None:
    """Refuse an output folder that is a file."""
    if out_dir.exists() and not out_dir.is_dir():
        raise OutputError(f"{out_dir} exists and is not a folder")
