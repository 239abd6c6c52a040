"""CLI: check a roster against every hard rule (planner check) with the independent checker."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.table import Table

from planner.cli._app import app, console, literal, user_errors


@app.command()
def check(
    roster: Path = typer.Argument(
        ...,
        metavar="ROSTER_CSV",
        help="The roster to check (roster.csv: officer_id,date,start,end,activity,wijk_code[,shift,task]).",
    ),
    data_dir: Path = typer.Argument(..., metavar="DATA_DIR",
                                    help="Data folder (officers.csv, wijken, absences, planner.toml)."),
    history: list[Path] = typer.Option(
        [],
        "--history",
        metavar="PATH",
        help="Earlier weeks (roster format, a file or a folder of them) for rules across the week boundary and "
        "rolling windows; repeatable, a later file wins. The roster's own folder's history/ is read too, as "
        "planner roster reads it.",
    ),
    week: list[str] = typer.Option(
        [],
        "--week",
        "-w",
        metavar="WEEK",
        help="ISO week to check, e.g. 2027-W03; repeatable (default: every week in the roster).",
    ),
    json_out: Path = typer.Option(None, "--json", metavar="PATH", help="Also write the breaches as JSON to this file."),
) -> None:
    """Check a roster against the Arbeidstijdenwet, the 80 % norm and the planning rules; exit 1 on a breach."""
    import datetime as dt
    import json
    from dataclasses import asdict

    from planner import atomic
    from planner.checker import RULES, check_roster, checked_weeks, combine_history, officer_week_stats
    from planner.cli.roster import week_option
    from planner.dataset import load_dataset
    from planner.errors import InputError
    from planner.plan import folder_history, with_added_absences
    from planner.roster_io import read_roster
    from planner.timeutil import week_label

    with user_errors():
        mondays = [week_option(w) for w in week]
        ds = load_dataset(data_dir)
        acts = set(ds.config.activities)
        df = read_roster(roster, ds.config.tz, acts)
        if df.empty and not mondays:
            raise InputError(roster, "has no rows; nothing to check (or name the week with --week)")
        weeks = sorted(set(mondays)) if mondays else checked_weeks(df)
        files = folder_history(roster.parent, history)
        hist = combine_history(read_roster(h, ds.config.tz, acts) for h in files)
        if hist is not None and weeks:  # the weeks before the checked ones, as planner roster reads history
            hist = hist[[d < min(weeks) for d in hist["date"]]].reset_index(drop=True)
        if weeks:  # public holidays of the checked weeks and of the history before them
            ds = ds.with_holidays(min(weeks) - dt.timedelta(weeks=16), max(weeks) + dt.timedelta(days=7))
        ds = with_added_absences(ds, roster.parent)
        breaches = check_roster(ds, df, hist, weeks)
        beyond = _balance_beyond_limits(ds, officer_week_stats(ds, df, weeks, hist))
        if json_out is not None:
            doc = {
                "roster": str(roster),
                "data": str(data_dir),
                "history": [str(h) for h in files],
                "weeks": [week_label(w) for w in weeks],
                "officers": len(ds.officers),
                "rules": list(RULES),
                "breaches": [asdict(b) | {"week": week_label(b.week) if b.week else None} for b in breaches],
                "balance_beyond_limits": beyond,
            }
            atomic.write_text(json_out, json.dumps(doc, indent=2, ensure_ascii=False) + "\n")
    if beyond:
        console.print(
            f"hours balance beyond the limits of [hours] at the end of {week_label(max(weeks))} (a planning aim, "
            "not a breach): " + ", ".join(f"{b['officer_id']} {b['balance_h']:+.1f} h" for b in beyond),
            markup=False, highlight=False,
        )
    if not breaches:
        console.print(
            f"no breaches: {_count(len(ds.officers), 'officer')}, {_count(len(weeks), 'week')}, "
            f"{_count(len(RULES), 'rule')}",
            highlight=False,
        )
        return
    table = Table(title=f"{len(breaches)} breaches")
    for col, justify in (
        ("rule", "left"),
        ("officer", "left"),
        ("when", "left"),
        ("amount", "right"),
        ("breach", "left"),
    ):
        table.add_column(col, justify=justify)  # type: ignore[arg-type]
    for b in breaches:
        table.add_row(literal(b.rule), literal(b.officer_id), literal(b.when), f"{b.amount:g}", literal(b.message))
    console.print(table)
    raise typer.Exit(1)


def _balance_beyond_limits(ds, stats):  # type: ignore[no-untyped-def]
    """Officers whose hours balance at the end of the last checked week is beyond ``[hours]``'s limits."""
    if stats.empty:
        return []
    h = ds.config.hours
    last = stats.sort_values("monday").groupby("officer_id", sort=False).tail(1)
    out = []
    for r in last.to_dict("records"):
        if r["balance_h"] > h.balance_max_plus_hours or r["balance_h"] < -h.balance_max_minus_hours:
            out.append({"officer_id": r["officer_id"], "week": r["week"], "balance_h": r["balance_h"]})
    return out


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}{'' if n == 1 else 's'}"
