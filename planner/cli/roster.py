"""CLI: plan a week (planner roster) and show it."""

from __future__ import annotations

import contextlib
import datetime as dt
from pathlib import Path
from typing import Any

import typer
from rich.live import Live
from rich.table import Table

from planner.cli._app import app, console, err_console, user_errors


def _progress_table(points: list[tuple[float, float, float]]) -> Table:
    t = Table(title="CP-SAT search", show_header=True)
    t.add_column("time s", justify="right")
    t.add_column("objective", justify="right")
    t.add_column("bound", justify="right")
    for s, obj, bound in points[-6:]:
        t.add_row(f"{s:.2f}", f"{obj:,.1f}", f"{bound:,.1f}")
    return t


#: Above this many officers the terminal shows one line per team instead of the officer grid (see roster.xlsx).
GRID_MAX_OFFICERS = 60
#: Penalties of one rule shown in the terminal; summary.json holds them all.
PENALTIES_PER_RULE = 8


def _team_table(plan: Any) -> None:
    t = Table(title=f"Teams {plan.week}")
    for c in ("team", "status", "gap", "time s", "officers", "below norm", "unmet wijk h", "unmet team h"):
        t.add_column(c, justify="left" if c in ("team", "status") else "right")
    for r in plan.results:
        below = int((r.officers["share"] < plan.norm_share).sum()) if len(r.officers) else 0
        u = r.unmet
        pres = float(u.loc[u["kind"] == "presence", "unmet_h"].sum()) if len(u) else 0.0
        team = float(u.loc[u["kind"] != "presence", "unmet_h"].sum()) if len(u) else 0.0
        t.add_row(
            str(r.team).replace("[", r"\["),
            r.status,
            f"{r.gap:.2%}" if r.gap is not None else "-",
            f"{r.runtime_s:.1f}",
            str(len(r.officers)),
            str(below),
            f"{pres:.1f}",
            f"{team:.1f}",
        )
    console.print(t)


def print_plan(plan: Any, days: list[dt.date], absences: Any, *, names: bool = True) -> None:
    """The grid, the status line, unmet demand and the penalties, in the terminal."""
    from planner.outputs import grid

    if len(plan.results) > 1:
        _team_table(plan)
    if plan.has_roster and len(plan.officers) <= GRID_MAX_OFFICERS:
        g = grid(plan, days, absences)
        t = Table(title=f"Rooster {plan.week}", show_lines=False)
        cols = [c for c in g.columns if names or c != "name"]
        for c in cols:
            t.add_column(
                str(c), justify="right" if c in ("planned h", "available h", "own-wijk h", "share") else "left"
            )
        for rec in g.to_dict("records"):
            cells = []
            for c in cols:
                v = rec[c]
                if c == "share":
                    style = "red" if v is not None and v < plan.norm_share else "green"
                    cells.append(f"[{style}]{v:.0%}[/]" if v is not None else "-")
                elif isinstance(v, float):
                    cells.append(f"{v:.1f}")
                else:
                    cells.append(str(v).replace("[", r"\["))
            t.add_row(*cells)
        console.print(t)
    line = f"status: {plan.status}"
    if plan.objective is not None:
        line += f"  objective {plan.objective:,.1f}  bound {plan.bound:,.1f}  gap {plan.gap:.2%}"
    line += f"  time {plan.runtime_s:.2f} s"
    console.print(line, highlight=False)
    unmet = plan.unmet
    if len(unmet):
        pres = float(unmet.loc[unmet["kind"] == "presence", "unmet_h"].sum())
        team = float(unmet.loc[unmet["kind"] != "presence", "unmet_h"].sum())
        console.print(
            f"short: {pres:.1f} h wijk presence, {team:.1f} h team demand (noodhulp, events)", highlight=False
        )
    shown: dict[str, int] = {}
    for p in plan.penalties:
        shown[p.rule] = shown.get(p.rule, 0) + 1
        if shown[p.rule] <= PENALTIES_PER_RULE:
            console.print(f"  - [{p.rule}] {p.message}", markup=False, highlight=False)
    for rule, n in shown.items():
        if n > PENALTIES_PER_RULE:
            console.print(
                f"  - [{rule}] ... and {n - PENALTIES_PER_RULE} more (all in summary.json)",
                markup=False,
                highlight=False,
            )
    for line in plan.explanation:
        err_console.print(f"  ! {line}", markup=False, highlight=False)


def week_option(week: str, option: str = "--week") -> dt.date:
    """The Monday of an ISO week given on the command line; a week that does not exist is one line, exit 2."""
    from planner.errors import OptionError
    from planner.timeutil import parse_week

    try:
        return parse_week(week)
    except ValueError as exc:
        raise OptionError(option, str(exc)) from None


def solver_options(
    time_limit: float | None, workers: int | None, seed: int | None, processes: int | None = None
) -> None:
    """Refuse solver options the solver cannot take (it would fail with model_invalid or a traceback)."""
    import math

    from planner.config import MAX_SEED, MAX_TIME_LIMIT_S, MAX_WORKERS
    from planner.errors import OptionError

    if time_limit is not None and not (math.isfinite(time_limit) and 0 < time_limit <= MAX_TIME_LIMIT_S):
        raise OptionError(
            "--time-limit", f"{time_limit:g} is not a time limit; expected seconds above 0, at most {MAX_TIME_LIMIT_S}"
        )
    if workers is not None and not 0 <= workers <= MAX_WORKERS:
        raise OptionError("--workers", f"{workers} is not a number of threads; expected 0 (all cores) to {MAX_WORKERS}")
    if seed is not None and not 0 <= seed <= MAX_SEED:
        raise OptionError("--seed", f"{seed} is not a seed; expected a whole number from 0 to {MAX_SEED}")
    if processes is not None and not 1 <= processes <= MAX_WORKERS:
        raise OptionError("--processes", f"{processes} is not a number of processes; expected 1 to {MAX_WORKERS}")


@app.command()
def roster(
    data_dir: Path = typer.Argument(..., help="Data folder (officers.csv, wijken, optional demand and absences)."),
    week: str = typer.Option(..., "--week", "-w", help="ISO week to plan, e.g. 2027-W03."),
    out: Path = typer.Option(..., "--out", "-o", help="Output folder for roster.csv, summary.json, roster.xlsx, ics/."),
    history: list[Path] = typer.Option(
        [],
        "--history",
        help="Earlier rosters or realized hours (roster format); "
        "repeatable. history/*.csv in the output folder is read too.",
    ),
    time_limit: float = typer.Option(
        None,
        "--time-limit",
        help="Seconds per team (default: planner.toml, 30; with several teams 300 s per process spread over the "
        "teams, at least 5 s each).",
    ),
    workers: int = typer.Option(
        None,
        "--workers",
        help="CP-SAT search threads (0 = auto: 1 for up to 30 officers, else all cores; 1 = byte-identical output).",
    ),
    seed: int = typer.Option(None, "--seed", help="Random seed of the search (default: planner.toml, 0)."),
    processes: int = typer.Option(None, "--processes", help="Teams solved side by side (default: all cores)."),
    pins: Path = typer.Option(
        None,
        "--pins",
        help="Blocks to keep exactly (roster format, e.g. an edited "
        "roster.csv): each pinned shift stays, the rest is planned around it.",
    ),
    allow_breaches: bool = typer.Option(
        False,
        "--allow-breaches",
        help="When the rules cannot all hold, return the roster with the fewest, smallest breaches, each listed.",
    ),
    scheduler: str = typer.Option(
        None,
        "--scheduler",
        help="Address of a running Dask scheduler (tcp://host:8786) to solve the teams on; "
        "its workers need planner installed.",
    ),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="Print only the status line."),
) -> None:
    """Plan one week for every team: at least 80 % in the own wijk, within the Arbeidstijdenwet."""
    from planner.dataset import load_dataset
    from planner.outputs import write_outputs
    from planner.plan import archive_previous, check_out_dir, history_files, load_history, plan_week
    from planner.timeutil import week_days

    with user_errors():
        monday = week_option(week)
        solver_options(time_limit, workers, seed, processes)
        ds = load_dataset(data_dir)
        check_out_dir(out)
        stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
        archive_previous(out, monday, stamp)
        files = history_files(out, history)
        hist, names = load_history(files, ds)
        pin_df = None
        if pins is not None:
            from planner.roster_io import read_roster

            pin_df = read_roster(pins, ds.config.tz, set(ds.config.activities))
        points: list[tuple[float, float, float]] = []
        live = (
            Live(_progress_table(points), console=console, transient=True)
            if console.is_terminal and not quiet
            else None
        )

        def on_progress(t: float, obj: float, bound: float) -> None:
            points.append((t, obj, bound))
            if live:
                live.update(_progress_table(points))

        def on_team(result: Any, i: int, n: int) -> None:
            if n > 1 and not quiet:
                console.print(
                    f"[{i}/{n}] {result.team}: {result.status} in {result.runtime_s:.1f} s",
                    markup=False,
                    highlight=False,
                )

        with live or contextlib.nullcontext():
            plan = plan_week(
                ds,
                monday,
                history=hist,
                history_names=names,
                time_limit_s=time_limit,
                workers=workers,
                seed=seed,
                processes=processes,
                on_progress=on_progress,
                on_team=on_team,
                pins=pin_df,
                allow_breaches=allow_breaches,
                scheduler=scheduler,
            )
        days = week_days(monday)
        write_outputs(out, plan, days, ds.absences, ds=ds)
    if quiet:
        console.print(f"status: {plan.status}", highlight=False)
    else:
        print_plan(plan, days, ds.absences)
        console.print(f"written to {out}/", highlight=False)
    if plan.interrupted:
        err_console.print(
            "interrupted: the best roster found so far was written"
            if plan.has_roster
            else "interrupted before any roster was found: roster.csv, roster.xlsx and ics/ were not touched",
            markup=False,
            highlight=False,
        )
    if plan.exit_code:
        raise typer.Exit(plan.exit_code)
