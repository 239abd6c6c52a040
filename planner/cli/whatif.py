"""CLI: what-if scenarios side by side (planner whatif), sickness sweeps (sweep), staffing levels (staffing)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import typer
from rich.table import Table

from planner.cli._app import app, console, err_console, literal, user_errors


def _week(week: str) -> Any:
    from planner.errors import InputError
    from planner.timeutil import parse_week

    try:
        return parse_week(week)
    except ValueError as exc:
        raise InputError(None, str(exc), column="--week") from None


def _check_out(out: Path) -> None:
    from planner.errors import InputError

    if out.exists() and not out.is_dir():
        raise InputError(out, "is a file; expected a folder for --out")


@app.command("whatif")
def whatif(
    data_dir: Path = typer.Argument(..., metavar="DATA_DIR", help="Base data folder (officers.csv, wijken, demand, "
                                    "planner.toml)."),
    scenarios: list[Path] = typer.Argument(..., metavar="SCENARIO", help="Scenario files (.toml) to compare "
                                           "with the base."),
    week: str = typer.Option(..., "--week", "-w", metavar="WEEK", help="ISO week to solve, e.g. 2027-W03."),
    out: str = typer.Option("whatif", "--out", "-o", metavar="DIR", help="Folder for kpis.csv, kpis.html and maps/ "
                            "(not the data folder or inside it)."),
    time_limit: float = typer.Option(None, "--time-limit", metavar="SECONDS", help="Seconds per solve, one solve "
                                     "per team and variant (default: planner.toml [solver] time_limit_s)."),
    workers: int = typer.Option(None, "--workers", metavar="N", help="CP-SAT search threads of one solve "
                                "(default: planner.toml)."),
    maps: bool = typer.Option(True, "--maps/--no-maps", help="Write a coverage map per scenario."),
    weeks: int = typer.Option(1, "--weeks", metavar="N", help="Solve a period of N ISO weeks from --week as one "
                              "model (1 to 6), as planner roster --weeks."),
) -> None:
    """Solve the base week and every scenario; print and save the KPIs side by side with differences."""
    from planner.cli._options import out_folder
    from planner.cli.roster import solver_options, weeks_option
    from planner.dataset import load_dataset
    from planner.whatif.kpi import KPI_COLUMNS, better, fmt, fmt_diff
    from planner.whatif.report import write_whatif
    from planner.whatif.run import kpi_table, run_scenarios
    from planner.whatif.scenario import load_scenario

    with user_errors():
        monday = _week(week)
        mondays = weeks_option(monday, weeks)
        solver_options(time_limit, workers, None)
        out_dir = out_folder(out, data_dir)
        _check_out(out_dir)
        ds = load_dataset(data_dir).with_holidays_for_period(mondays)
        scs = [load_scenario(p) for p in scenarios]
        with console.status("solving base and scenarios …"):
            runs = run_scenarios(ds, scs, monday, time_limit_s=time_limit, workers=workers, weeks=weeks,
                                 on_done=lambda r: console.print(f"solved {r.name}: {r.status}"))
        table = kpi_table(runs)
        written = write_whatif(runs, out_dir, monday, data_dir, maps=maps)
    t = Table(title=f"What-if {week}")
    t.add_column("KPI")
    for name in table["scenario"]:
        t.add_column(literal(name), justify="right")
    recs = table.to_dict("records")
    t.add_row("status", *[literal(r["status"]) for r in recs])
    for key, (label, _u, _d) in KPI_COLUMNS.items():
        cells = []
        for i, r in enumerate(recs):
            text = literal(fmt(key, r[key]))
            if i:
                d = fmt_diff(key, r[key], recs[0][key])
                colour = {1: "green", -1: "red"}.get(better(key, r[key], recs[0][key]), "dim")
                if d:
                    text.append(f" ({d})", style=colour)
            cells.append(text)
        t.add_row(label, *cells)
    console.print(t)
    for r in runs:
        for line in r.explanation[:3]:
            console.print(f"{r.name}: {line}", markup=False, highlight=False)
    for p in written:
        console.print(f"wrote {p}", markup=False, highlight=False)


@app.command("sweep")
def sweep(
    data_dir: Path = typer.Argument(..., metavar="DATA_DIR", help="Data folder of the week to stress."),
    week: str = typer.Option(..., "--week", "-w", metavar="WEEK", help="ISO week to solve, e.g. 2027-W03."),
    absence_rate: float = typer.Option(0.06, "--absence-rate", metavar="RATE", help="Chance that an officer is "
                                       "sick the whole week (each officer, each sample), 0 to 1."),
    samples: int = typer.Option(500, "--samples", metavar="N", help="Number of Monte Carlo samples."),
    seed: int = typer.Option(1, "--seed", metavar="N", help="Seed; sample i draws with numpy "
                             "default_rng((seed, i))."),
    processes: int = typer.Option(2, "--processes", metavar="N", help="Samples solved side by side: local Dask "
                                  "worker processes, one thread each (as roster --processes: teams side by side)."),
    scheduler: str = typer.Option(None, "--scheduler", metavar="ADDRESS", help="Address of a running Dask "
                                  "scheduler, e.g. tcp://host:8786 (its workers need planner installed); "
                                  "overrides --processes."),
    budget: float = typer.Option(None, "--budget", metavar="DET_SECONDS", help="Deterministic time budget of each "
                                 "solve in CP-SAT deterministic seconds (default 0.3, about 1 s of wall time on "
                                 "one core for the demo); the same budget gives the same answer anywhere."),
    workers: int = typer.Option(1, "--workers", metavar="N", help="CP-SAT search threads of one solve, as in "
                                "every command (default 1; more threads make a sample's answer depend on timing)."),
    time_limit: float = typer.Option(None, "--time-limit", metavar="SECONDS", help="Wall-clock seconds of each "
                                     "solve, as in every command (default 20 x budget + 5 s, a guard; a sample "
                                     "stopped by it is marked wall_stop)."),
    out: str = typer.Option("sweep", "--out", "-o", metavar="DIR", help="Folder for samples.csv, summary.csv, "
                            "wijk_risk.csv, sweep.json and sweep.html (not the data folder or inside it)."),
    weeks: int = typer.Option(1, "--weeks", metavar="N", help="Each sample is a period of N ISO weeks from --week "
                              "solved as one model (1 to 6); the budget is per week."),
) -> None:
    """Monte Carlo over sickness: what absences cost (unmet hours, wijken without their wijkagent, infeasible
    weeks) as distributions over the samples, with plots in sweep.html."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    from planner.cli._options import out_folder
    from planner.cli.roster import solver_options, weeks_option
    from planner.dataset import load_dataset
    from planner.errors import InputError
    from planner.interrupts import Interrupted, stop_signals_raise
    from planner.whatif.kpi import fmt, wijk_risk
    from planner.whatif.report import sweep_headline, write_sweep
    from planner.whatif.run import DEFAULT_SAMPLE_BUDGET, run_sweep

    with user_errors():
        monday = _week(week)
        mondays = weeks_option(monday, weeks)
        if not 0 <= absence_rate <= 1:
            raise InputError(None, f"{absence_rate} is not a rate; expected a number from 0 to 1",
                             column="--absence-rate")
        if samples < 1:
            raise InputError(None, "expected at least 1 sample", column="--samples")
        if processes < 1:
            raise InputError(None, "expected at least 1 process", column="--processes")
        if workers < 1:
            raise InputError(None, "expected at least 1 search thread", column="--workers")
        solver_options(time_limit, workers, None)
        det = DEFAULT_SAMPLE_BUDGET if budget is None else budget
        if not det > 0:
            raise InputError(None, "expected a positive deterministic time budget", column="--budget")
        out_dir = out_folder(out, data_dir)
        _check_out(out_dir)
        ds = load_dataset(data_dir).with_holidays_for_period(mondays)
        try:
            # SIGTERM stops the sweep as Ctrl-C does: the Dask cluster is closed, nothing is written.
            with stop_signals_raise(), Progress(TextColumn("sweep"), BarColumn(), MofNCompleteColumn(),
                                                TimeRemainingColumn(), console=console) as progress:
                task = progress.add_task("samples", total=samples)
                result = run_sweep(ds, monday, rate=absence_rate, samples=samples, seed=seed, processes=processes,
                                   scheduler=scheduler, budget=det, workers=workers, time_limit_s=time_limit,
                                   on_progress=lambda done, total: progress.update(task, completed=done),
                                   weeks=weeks)
        except Interrupted as exc:
            err_console.print(f"interrupted ({exc.name}): the sweep stopped; nothing was written", markup=False)
            raise typer.Exit(exc.exit_code) from None
        written = write_sweep(result, out_dir, ds, week=week, data_dir=data_dir)
    t = Table(title=f"Sweep {week}: {samples} samples, absence rate {absence_rate:g}")
    for c in ("KPI", "P5", "P50", "P95", "mean", "max"):
        t.add_column(c, justify="left" if c == "KPI" else "right")
    for r in result.summary.to_dict("records"):
        t.add_row(r["label"], *(fmt(r["kpi"], r[k]) for k in ("p5", "p50", "p95", "mean", "max")))
    console.print(t)
    for line in sweep_headline(result.samples, result.summary, wijk_risk(result.samples, ds)):
        console.print(line)
    gaps = result.samples["gap"].dropna()
    if len(gaps):
        console.print(f"largest gap {gaps.max():.1%}")
    for p in written:
        console.print(f"wrote {p}")


@app.command("staffing")
def staffing(
    data_dir: Path = typer.Argument(..., metavar="DATA_DIR", help="Data folder."),
    gemeente: str = typer.Option(..., "--gemeente", metavar="GMxxxx", help="CBS gemeente code, e.g. GM0402."),
    week: str = typer.Option(..., "--week", "-w", metavar="WEEK", help="ISO week to solve, e.g. 2027-W03."),
    target_unmet: float = typer.Option(0.1, "--target-unmet", metavar="SHARE",
                                       help="Largest share of the gemeente's wanted wijk "
                                       "hours that may stay unmet, 0 to 1."),
    contract_hours: float = typer.Option(None, "--contract-hours", metavar="HOURS",
                                         help="Contract hours of an added officer "
                                         "(default: the gemeente's mean)."),
    max_extra: int = typer.Option(None, "--max-extra", metavar="N", help="Most officers to add above today's staff "
                                  "(default: as many as there are now, at least 4)."),
    time_limit: float = typer.Option(None, "--time-limit", metavar="SECONDS", help="Seconds per solve, one solve "
                                     "per team and level (default: planner.toml)."),
    workers: int = typer.Option(None, "--workers", metavar="N", help="CP-SAT search threads of one solve "
                                "(default: planner.toml)."),
) -> None:
    """The fewest wijkagenten in a gemeente that keep the norm and meet wijk demand to the target (bisection)."""
    from planner.dataset import load_dataset
    from planner.whatif.staffing import staffing_search

    with user_errors():
        monday = _week(week)
        ds = load_dataset(data_dir).with_holidays_for_week(monday)
        res = staffing_search(ds, gemeente, monday, target_unmet=target_unmet, contract_hours=contract_hours,
                              max_extra=max_extra, time_limit_s=time_limit, workers=workers,
                              on_level=lambda r: console.print(
                                  f"{r['officers']} officers: {'passes' if r['passes'] else 'fails'} "
                                  f"({r['status']})", markup=False))
    t = Table(title=f"Staffing {gemeente} {week} (target unmet ≤ {target_unmet:.0%})")
    for c in ("officers", "passes", "status", "below norm", "unmet wijk h", "of wanted", "unmet team h"):
        t.add_column(c, justify="right")
    for r in res.curve.to_dict("records"):
        t.add_row(str(r["officers"]), "yes" if r["passes"] else "no", literal(r["status"]),
                  str(r.get("gm_below_norm", "–")), f"{r.get('gm_unmet_wijk_h', float('nan')):.1f}",
                  f"{r.get('gm_unmet_share', float('nan')):.1%}", f"{r.get('unmet_team_h', float('nan')):.1f}")
    console.print(t)
    if res.answer is None:
        console.print(f"no level up to {res.current + (max_extra or max(4, res.current))} officers passes",
                      markup=False)
    else:
        console.print(f"fewest wijkagenten for {gemeente}: {res.answer} (now {res.current})", markup=False)
