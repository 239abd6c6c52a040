"""CLI: day-to-day planning: re-plan after sickness or added demand, and find who can cover a block."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.table import Table

from planner.cli._app import app, console, literal, user_errors
from planner.errors import OptionError


@app.command()
def replan(
    roster_csv: Path = typer.Argument(..., metavar="ROSTER_CSV", help="The roster (roster.csv of a week or a period) "
                                      "to start from."),
    data_dir: Path = typer.Argument(..., metavar="DATA_DIR", help="Data folder the roster was planned from."),
    absent: list[str] = typer.Option([], "--absent", metavar="OFFICER_ID",
                                     help="Officer id reported sick from --from (repeatable)."),
    start: str = typer.Option(
        ...,
        "--from",
        metavar="DATETIME",
        help="From when the roster may change, e.g. 2027-01-20T07:00 "
        "(local time); every shift that started earlier stays as it is.",
    ),
    add_demand: Path = typer.Option(
        None,
        "--add-demand",
        metavar="PATH",
        help="Extra team demand (team_demand.csv format): an added event or extra noodhulp.",
    ),
    out: str = typer.Option(..., "--out", "-o", metavar="DIR", help="Output folder for the new roster (never the "
                            "old one's, not the data folder or inside it)."),
    time_limit: float = typer.Option(None, "--time-limit", metavar="SECONDS", help="Seconds per solve (default: "
                                     "planner.toml, 30)."),
    workers: int = typer.Option(None, "--workers", metavar="N", help="CP-SAT search threads of one solve "
                                "(1 = reproducible)."),
    seed: int = typer.Option(None, "--seed", metavar="N", help="Random seed of the search."),
    until: str = typer.Option(None, "--until", metavar="DATETIME", help="When the --absent officers are expected "
                              "back (local time); default the end of the ISO week of --from."),
) -> None:
    """Re-plan the rest of a roster (a week or a period) with minimal change: the past stays, the norm and the law
    still hold. A sick call from any hour gets an answer."""
    from planner.cli._options import out_folder
    from planner.dataset import _team_demand, load_dataset
    from planner.holidays import holiday_summary
    from planner.outputs import write_outputs
    from planner.plan import Plan, check_out_dir, folder_history, load_history, with_added_absences
    from planner.replan import ADDED_ABSENCES, added_absences_csv, period_of, replan_week
    from planner.roster_io import read_roster
    from planner.solver.solve import period_label
    from planner.timeutil import parse_datetime

    with user_errors():
        ds = load_dataset(data_dir)
        old = read_roster(roster_csv, ds.config.tz, set(ds.config.activities))
        mondays = period_of(old, str(roster_csv))
        ds = with_added_absences(ds.with_holidays_for_period(mondays), roster_csv.parent)
        try:
            at = parse_datetime(start, ds.config.tz)
            sick_until = parse_datetime(until, ds.config.tz) if until else None
        except ValueError as exc:
            raise OptionError("--from/--until", str(exc)) from None
        out_dir = out_folder(out, data_dir)
        if out_dir.resolve() == roster_csv.resolve().parent:
            raise OptionError("--out", "write the new roster to another folder; the old one is kept as it is")
        check_out_dir(out_dir)
        extra = None
        if add_demand is not None:
            extra = _team_demand(add_demand, set(ds.wijken["wijk_code"]), set(ds.officers["team"]), ds.config)
        files = folder_history(roster_csv.parent, [])
        hist, names = load_history(files, ds)
        hist = hist[[d < mondays[0] for d in hist["date"]]].reset_index(drop=True) if len(hist) else None
        rp = replan_week(
            ds,
            old,
            at=at,
            absent=absent,
            extra_team_demand=extra,
            until=sick_until,
            source=str(roster_csv),
            history=hist,
            time_limit_s=time_limit,
            workers=workers,
            seed=seed,
        )
        plan = Plan(
            period_label(mondays),
            mondays[0],
            [rp.result],
            dict(ds.files),
            [str(roster_csv), *names],
            ds.config.norm.share,
            rp.result.params
            | {
                "replan_from": at.isoformat(),
                "absent": absent,
                "changed_blocks": rp.changed_blocks,
                "officers_affected": rp.officers_affected,
            },
            mondays=mondays,
        )
        plan.holidays = holiday_summary(ds, mondays, plan.roster)
        added = {ADDED_ABSENCES: added_absences_csv(rp.added_absences).encode()} if len(rp.added_absences) else {}
        write_outputs(out_dir, plan, plan.days, rp.dataset.absences, ds=rp.dataset, extra=added,
                      times_from=at.date())
    from planner.cli.roster import print_plan

    print_plan(plan, plan.days, rp.dataset.absences)
    console.print(
        f"changed: {rp.changed_blocks} blocks, {len(rp.officers_affected)} officers affected "
        f"({', '.join(rp.officers_affected)}); nothing before {at:%a %d %b %H:%M} changed",
        highlight=False,
        markup=False,
    )
    if len(rp.added_absences):
        console.print(f"the sick call is kept in {out_dir / ADDED_ABSENCES} (planner check reads it there)",
                      highlight=False, markup=False)
    console.print(f"written to {out_dir}/", highlight=False, markup=False)
    if plan.exit_code:
        raise typer.Exit(plan.exit_code)


@app.command()
def cover(
    roster_csv: Path = typer.Argument(..., metavar="ROSTER_CSV", help="The roster (roster.csv of a week or a "
                                      "period)."),
    data_dir: Path = typer.Argument(..., metavar="DATA_DIR", help="Data folder the roster was planned from."),
    wijk: str = typer.Option(..., "--wijk", metavar="WKxxxxxx",
                             help="CBS wijk code of the block to cover, e.g. WK990101."),
    start: str = typer.Option(..., "--start", metavar="DATETIME", help="Start, e.g. 2027-01-22T20:00 (local time)."),
    end: str = typer.Option(..., "--end", metavar="DATETIME", help="End, e.g. 2027-01-22T23:00 (local time)."),
    top: int = typer.Option(10, "--top", metavar="N", help="How many candidates to show."),
) -> None:
    """Who can cover a block? Officers ranked by what it costs them, each checked against their own rules (with
    the roster's history)."""
    from planner.checker import combine_history
    from planner.dataset import load_dataset
    from planner.plan import folder_history, with_added_absences
    from planner.replan import cover_candidates, period_of
    from planner.roster_io import read_roster
    from planner.timeutil import parse_datetime

    with user_errors():
        ds = load_dataset(data_dir)
        acts = set(ds.config.activities)
        old = read_roster(roster_csv, ds.config.tz, acts)
        mondays = period_of(old, str(roster_csv))
        ds = with_added_absences(ds.with_holidays_for_period(mondays), roster_csv.parent)
        try:
            s = parse_datetime(start, ds.config.tz)
            e = parse_datetime(end, ds.config.tz)
        except ValueError as exc:
            raise OptionError("--start/--end", str(exc)) from None
        hist = combine_history(read_roster(h, ds.config.tz, acts) for h in folder_history(roster_csv.parent, []))
        if hist is not None:
            hist = hist[[d < mondays[0] for d in hist["date"]]].reset_index(drop=True)
        cands = cover_candidates(ds, old, wijk, s, e, history=hist)
    if not cands:
        console.print("nobody can take this block without breaking a rule or the norm", highlight=False)
        raise typer.Exit(1)
    t = Table(title=f"Who can cover {wijk} {s:%a %d %b %H:%M}–{e:%H:%M}")
    for col in (
        "officer",
        "name",
        "own wijk",
        "hours before",
        "hours after",
        "available",
        "share after",
        "plus hours",
        "extends a shift",
    ):
        t.add_column(col)
    for c in cands[:top]:
        t.add_row(
            literal(c.officer_id),
            literal(c.name),
            "yes" if c.own_wijk else "no",
            f"{c.hours_before:.1f}",
            f"{c.hours_after:.1f}",
            f"{c.available_h:.1f}",
            f"{c.share_after:.0%}" if c.share_after is not None else "-",
            f"{c.plus_hours:.1f}",
            "yes" if c.extends_shift else "no",
        )
    console.print(t)
