"""CLI: draw the coverage map of a roster (planner map)."""

from __future__ import annotations

from pathlib import Path

import typer

from planner.cli._app import app, console, user_errors


@app.command("map")
def map_(
    data_dir: Path = typer.Argument(
        ..., metavar="DATA_DIR", help="Data folder (officers.csv, wijken, optional demand and absences)."
    ),
    roster: Path = typer.Option(..., "--roster", "-r", metavar="PATH",
                                help="The roster to map, e.g. OUT_DIR/roster.csv."),
    out: Path = typer.Option(
        None,
        "--out",
        "-o",
        metavar="PATH",
        help="HTML file to write (default: maps/coverage-<week>.html in the current folder).",
    ),
    week: str = typer.Option(
        None, "--week", "-w", metavar="WEEK", help="ISO week to map, e.g. 2027-W03 (default: the roster's first week)."
    ),
    png: bool = typer.Option(False, "--png", help="Also write a static PNG per layer next to the HTML."),
    names: bool = typer.Option(
        False, "--names", help="Show officer names in the tooltips (default: counts only)."
    ),
    tiles: bool = typer.Option(
        False,
        "--tiles",
        help="Add OpenStreetMap background tiles (the page then loads "
        "them from the internet; without this flag it works offline).",
    ),
) -> None:
    """Coverage map of one week: own-wijk share, demand met per day-part, officers per 5,000, unmet demand."""
    from planner.dataset import load_dataset
    from planner.errors import InputError
    from planner.maps import roster_monday, roster_weeks, write_map
    from planner.roster_io import read_roster
    from planner.timeutil import week_label

    with user_errors():
        if not roster.is_file():
            raise InputError(roster, "does not exist; expected a roster.csv written by planner roster")
        ds = load_dataset(data_dir)
        blocks = read_roster(roster, ds.config.tz, set(ds.config.activities))
        blocks.attrs["source"] = str(roster)
        monday = roster_monday(blocks, week)
        ds = ds.with_holidays_for_week(monday)
        held = roster_weeks(blocks)
        if week_label(monday) not in held:
            raise InputError(
                roster,
                f"holds no blocks in week {week_label(monday)}; it holds "
                f"{', '.join(held) or 'no blocks at all'}",
                column="date",
            )
        target = out if out is not None else Path("maps") / f"coverage-{week_label(monday)}.html"
        if target.exists() and target.is_dir():
            raise InputError(target, "is a folder; expected an .html file name for --out")
        written = write_map(ds, blocks, target, week=monday, show_names=names, tiles=tiles, png=png)
    for path in written:
        console.print(f"wrote {path}", markup=False, highlight=False)
