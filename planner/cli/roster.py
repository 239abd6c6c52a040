"""CLI: plan a week (planner roster) and show it."""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import io
import math
from pathlib import Path
from typing import Any

import typer
from rich.live import Live
from rich.table import Table
from rich.text import Text

from planner.cli._app import PlainConsole, app, console, err_console, literal, user_errors
from planner.timeutil import week_label


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
            literal(r.team),
            literal(r.status),
            f"{r.gap:.2%}" if r.gap is not None else "-",
            f"{r.runtime_s:.1f}",
            str(len(r.officers)),
            str(below),
            f"{pres:.1f}",
            f"{team:.1f}",
        )
    console.print(t)


#: Hour columns of the grid: (column of outputs.grid, full header, compact header).
_HOUR_COLUMNS = (("planned h", "planned h", "plan h"), ("available h", "available h", "avail h"),
                 ("own-wijk h", "own-wijk h", "own h"), ("share", "share", "share"), ("window", "window", "win"),
                 ("balance h", "balance h", "bal"))


def _day_cell(text: Any, compact: bool, legend: dict[str, str]) -> str:
    """A day of the grid: ``D 8h`` (shift code and hours) or an absence reason; compact ``D8`` / ``tr4`` / ``vak.``,
    with each abbreviation added to ``legend``."""
    s = "" if text is None or (isinstance(text, float) and math.isnan(text)) else str(text)
    if not compact or not s:
        return s
    code, _, hours = s.rpartition(" ")
    if code and hours.endswith("h"):  # "D 8h" -> "D8"; "training 4h" -> "tr4"
        if len(code) > 2:
            legend[code[:2]] = code
            code = code[:2]
        else:
            legend.setdefault("", f"{code}{hours[:-1]} = shift {code}, {hours[:-1]} h")
        return f"{code}{hours[:-1]}"
    if len(s) <= 4:
        return s
    legend[s[:3] + "."] = s
    return s[:3] + "."


def _share_cell(value: Any, norm: float) -> Text:
    """The week's own-wijk share: red below the norm, green at or above it, '-' without available hours."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return literal("-")
    return literal(f"{value:.0%}", "red" if value < norm else "green")


@dataclasses.dataclass(frozen=True)
class _Layout:
    """How much of the grid a width allows: cell style, name and wijk columns, hour columns."""

    compact: bool  # "D8" cells, two-line day headers, a light box
    name_width: int | None  # None: full names; else folded to this width; 0: no name column
    wijk_width: int | None  # the same for the wijk codes
    all_hours: bool  # planned, available, own-wijk hours and the share; else planned hours and the share


#: From widest to narrowest; the first that fits the terminal is printed.
_LAYOUTS = (
    _Layout(False, None, None, True),
    _Layout(True, None, None, True),
    _Layout(True, 14, 8, True),
    _Layout(True, 12, 0, False),
    _Layout(True, 0, 0, False),
)


def _grid_table(g: Any, plan: Any, days: list[dt.date], holidays: dict[dt.date, str], *, names: bool,
                layout: _Layout) -> Table:
    """The grid as a Rich table in one layout. User text (ids, names, codes, absence reasons, holiday names) enters
    through :func:`literal` only: never markup, control characters shown as escapes."""
    from rich import box

    compact = layout.compact
    hour_keys = {h[0] for h in _HOUR_COLUMNS}
    day_cols = [c for c in g.columns if c not in ("officer", "name", "wijk") and c not in hour_keys]
    show_name = names and layout.name_width != 0
    show_wijk = layout.wijk_width != 0
    hour_cols = [h for h in _HOUR_COLUMNS if layout.all_hours or h[0] in ("planned h", "share", "balance h")]
    legend: dict[str, str] = {}
    t = Table(title=f"Rooster {week_label(days[0])}", box=box.SIMPLE_HEAD if compact else box.HEAVY_HEAD,
              padding=(0, 1), pad_edge=not compact, collapse_padding=compact)
    t.add_column("officer", no_wrap=True)
    if show_name:
        t.add_column("name", max_width=layout.name_width, overflow="fold")
    if show_wijk:
        t.add_column("wijk", max_width=layout.wijk_width, overflow="fold")
    for col, d in zip(day_cols, days, strict=True):
        mark = "*" if d in holidays else ""
        head = f"{d:%a}\n{d:%d}{mark}" if compact else f"{col}{' ' + mark if mark else ''}"
        t.add_column(Text(head), no_wrap=True, style="yellow" if mark else None)
    for _key, full, short in hour_cols:
        t.add_column(short if compact else full, justify="right", no_wrap=True)
    for rec in g.to_dict("records"):
        cells: list[Any] = [literal(rec["officer"])]
        if show_name:
            cells.append(literal(rec["name"]))
        if show_wijk:
            w = rec["wijk"]
            cells.append(literal(" ".join(w) if isinstance(w, tuple | list) else str(w).replace("|", " ")))
        cells += [literal(_day_cell(rec[c], compact, legend)) for c in day_cols]
        for key, _full, _short in hour_cols:
            v = rec.get(key)
            if key in ("share", "window"):
                cells.append(_share_cell(v, plan.norm_share))
            else:
                cells.append(literal("-" if v is None or (isinstance(v, float) and math.isnan(v)) else f"{v:.1f}"))
        t.add_row(*cells)
    if compact:
        example = legend.pop("", "")
        used = "; ".join(f"{k} {v}" for k, v in sorted(legend.items()))
        t.caption = literal("; ".join(x for x in (example, used) if x)) if example or used else None
    return t


def _natural_width(table: Table) -> int:
    """Columns the table takes when nothing limits it (its widest printed line)."""
    from rich.cells import cell_len

    buf = io.StringIO()
    PlainConsole(file=buf, width=10_000, color_system=None, legacy_windows=False).print(table)
    return max((cell_len(line.rstrip()) for line in buf.getvalue().splitlines()), default=0)


def grid_table(plan: Any, days: list[dt.date], absences: Any, width: int, *, names: bool = True,
               holidays: dict[dt.date, str] | None = None) -> Table:
    """The widest layout of the roster grid that fits ``width`` columns (the narrowest when none does)."""
    from planner.outputs import grid

    g = grid(plan, days, absences)
    table = None
    for layout in _LAYOUTS:
        table = _grid_table(g, plan, days, holidays or {}, names=names, layout=layout)
        if _natural_width(table) <= width:
            break
    assert table is not None
    return table


def print_plan(plan: Any, days: list[dt.date], absences: Any, *, names: bool = True,
               holidays: dict[dt.date, str] | None = None) -> None:
    """The grid, the status line, unmet demand and the penalties, in the terminal (readable from 80 columns).

    ``holidays`` (default: the plan's own) are marked in the grid's day headers and listed under it."""
    if holidays is None:
        holidays = {dt.date.fromisoformat(h["date"]): str(h["name"])
                    for h in (getattr(plan, "holidays", None) or {}).get("days", [])}
    if len(plan.results) > 1:
        _team_table(plan)
    officers = len({str(o) for o in plan.officers["officer_id"]}) if len(plan.officers) else 0
    if plan.has_roster and officers <= GRID_MAX_OFFICERS:
        for k in range(0, len(days), 7):  # one grid per week of a period
            console.print(grid_table(plan, days[k : k + 7], absences, console.width, names=names, holidays=holidays))
    for d, name in sorted(holidays.items()):
        if d in days:
            console.print(literal(f"* {d:%a %d %b}: {name} (holiday)"))
    console.print(status_line(plan), highlight=False, markup=False)
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
    for r in plan.results:
        for b in getattr(r, "breaches", []) or []:
            err_console.print(f"  ! BREACH {b.rule}: {b.message}", markup=False, highlight=False)
    for line in plan.explanation:
        err_console.print(f"  ! {line}", markup=False, highlight=False)


def status_line(plan: Any) -> str:
    """The status and the ordered objective's levels in words, e.g. "status: optimal · wijk demand short 23.0
    (priority-weighted h) · team demand short 0.0 h · hours balance 11.0 · fairness 3 · wishes 0 · 8.7 s"."""
    from planner.solver.objective import LEVELS

    totals: dict[str, float] = {}
    for r in plan.results:
        for lv, v in (getattr(r, "levels", None) or {}).items():
            totals[lv] = totals.get(lv, 0.0) + v
    words = {"law": "law breaches {:g}", "norm": "norm short {:.1f} h", "balance_limit": "balance beyond limits "
             "{:.1f} h", "wijk_demand": "wijk demand short {:.1f} (priority-weighted h)", "changes": "changes {:g}",
             "team_demand": "team demand short {:.1f} h", "hours": "hours balance {:.1f}", "fairness": "fairness {:g}",
             "wishes": "wishes {:g}"}
    parts = [f"status: {plan.status}"]
    parts += [words[lv].format(totals[lv]) for lv in LEVELS if lv in totals]
    if plan.gap:
        on = " + ".join(plan.gap_levels) or "a stage"
        parts.append(f"gap {plan.gap:.2%} on {on} (not proven optimal in time)")
    breaches = sum(len(getattr(r, "breaches", []) or []) for r in plan.results)
    if breaches:
        parts.append(f"{breaches} {'BREACH' if breaches == 1 else 'BREACHES'} (see below)")
    parts.append(f"{plan.runtime_s:.1f} s")
    return " · ".join(parts)


def week_option(week: str, option: str = "--week") -> dt.date:
    """The Monday of an ISO week given on the command line; a week that does not exist is one line, exit 2."""
    from planner.errors import OptionError
    from planner.timeutil import parse_week

    try:
        return parse_week(week)
    except ValueError as exc:
        raise OptionError(option, str(exc)) from None


def weeks_option(monday: dt.date, weeks: int) -> list[dt.date]:
    """The Mondays of a period of ``weeks`` ISO weeks from ``monday``; outside 1..MAX_WEEKS is one line, exit 2."""
    from planner.config import MAX_WEEKS
    from planner.errors import OptionError

    if not 1 <= weeks <= MAX_WEEKS:
        raise OptionError("--weeks", f"{weeks} is not a number of weeks; expected 1 to {MAX_WEEKS}")
    return [monday + dt.timedelta(weeks=k) for k in range(weeks)]


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
    data_dir: Path = typer.Argument(
        ..., metavar="DATA_DIR", help="Data folder (officers.csv, wijken, optional demand and absences)."
    ),
    week: str = typer.Option(..., "--week", "-w", metavar="WEEK", help="ISO week to plan, e.g. 2027-W03."),
    out: str = typer.Option(
        ...,
        "--out",
        "-o",
        metavar="DIR",
        help="Output folder for roster.csv, summary.json, roster.xlsx, ics/ (not the data folder or inside it).",
    ),
    weeks: int = typer.Option(
        1,
        "--weeks",
        metavar="N",
        help="Plan a period of N ISO weeks from --week as one model (1 to 6; a perioderooster is 4): every rule, "
        "the norm's window, the hours balance and fairness hold over the whole period.",
    ),
    history: list[Path] = typer.Option(
        [],
        "--history",
        metavar="PATH",
        help="Earlier rosters or realized hours (roster format); "
        "repeatable. history/*.csv in the output folder is read too.",
    ),
    time_limit: float = typer.Option(
        None,
        "--time-limit",
        metavar="SECONDS",
        help="Seconds per week planned, one solve per team (default: planner.toml, 30; a period of N weeks gets N "
        "times this, at most a quarter more when its weeks planned one by one first use all of theirs; with "
        "several teams 300 s per process spread over the teams, at least 5 s each).",
    ),
    workers: int = typer.Option(
        None,
        "--workers",
        metavar="N",
        help="CP-SAT search threads of one solve (0 = auto: 1 for up to 30 officers, else all cores; "
        "1 = byte-identical output).",
    ),
    seed: int = typer.Option(None, "--seed", metavar="N", help="Random seed of the search (default: planner.toml, 0)."),
    processes: int = typer.Option(
        None, "--processes", metavar="N", help="Teams solved side by side, one process each (default: all cores)."
    ),
    pins: Path = typer.Option(
        None,
        "--pins",
        metavar="PATH",
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
        metavar="ADDRESS",
        help="Address of a running Dask scheduler (tcp://host:8786) to solve the teams on; "
        "its workers need planner installed.",
    ),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="Print only the status line (and, on stderr, what the "
                               "status needs explained)."),
) -> None:
    """Plan a week (or a period of weeks) for every team: at least 80 % in the own wijk, within the
    Arbeidstijdenwet."""
    from planner.cli._options import out_folder
    from planner.dataset import check_pins, load_dataset
    from planner.outputs import write_outputs
    from planner.plan import archive_previous, check_out_dir, history_files, load_history, plan_period

    with user_errors():
        monday = week_option(week)
        mondays = weeks_option(monday, weeks)
        solver_options(time_limit, workers, seed, processes)
        out_dir = out_folder(out, data_dir)
        ds = load_dataset(data_dir).with_holidays_for_period(mondays)
        check_out_dir(out_dir)
        stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
        archive_previous(out_dir, mondays, stamp)
        files = history_files(out_dir, history)
        hist, names = load_history(files, ds)
        pin_df = None
        if pins is not None:
            from planner.roster_io import read_roster

            pin_df = check_pins(ds, read_roster(pins, ds.config.tz, set(ds.config.activities)), monday, pins, weeks)
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
            plan = plan_period(
                ds,
                mondays,
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
        days = plan.days
        write_outputs(out_dir, plan, days, ds.absences, ds=ds)
    if quiet:
        console.print(f"status: {plan.status}", highlight=False)
        for line in plan.explanation:  # the reasons stay visible (on stderr) when the grid is not printed
            err_console.print(f"  ! {line}", markup=False, highlight=False)
    else:
        print_plan(plan, days, ds.absences)
        console.print(f"written to {out_dir}/", highlight=False, markup=False)
    if plan.interrupted:
        err_console.print(
            "interrupted: the best roster found so far was written"
            if plan.has_roster
            else "interrupted before any roster was found: roster.csv, roster.xlsx and ics/ were not touched"
            if len(plan.results) == 1
            else "interrupted before every team had a roster: roster.csv, roster.xlsx and ics/ were not touched "
            "(summary.json lists the teams that finished)",
            markup=False,
            highlight=False,
        )
    if plan.exit_code:
        raise typer.Exit(plan.exit_code)
