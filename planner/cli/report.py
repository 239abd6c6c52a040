"""CLI: publish a roster into the history store, import realized hours, and write compliance reports."""

from __future__ import annotations

from pathlib import Path

import typer

from planner.cli._app import app, console, err_console, user_errors


def _store_path(store: Path | None, data_dir: Path | None) -> Path:
    from planner.errors import InputError
    from planner.store import default_store_path

    if store is not None:
        return store
    if data_dir is None:
        raise InputError("--store", "give --data DATA_DIR (the store is DATA_DIR/planner.sqlite) or --store FILE")
    return default_store_path(data_dir)


@app.command()
def publish(
    out_dir: Path = typer.Argument(..., metavar="OUT_DIR",
                                   help="Output folder of planner roster (holds roster.csv and summary.json)."),
    data: Path = typer.Option(None, "--data", "-d", metavar="DATA_DIR", help="Data folder: checks officers and "
                              "wijken, and holds the "
                              "default store planner.sqlite."),
    store: Path = typer.Option(None, "--store", metavar="PATH",
                               help="History store file (default: DATA_DIR/planner.sqlite)."),
) -> None:
    """Store the week of OUT_DIR/roster.csv as a new published version (1, 2, ...); nothing is overwritten.
    A period roster (--weeks N) publishes each of its weeks as its own version, all or none."""
    from planner.dataset import load_dataset
    from planner.report.sources import publish as publish_

    with user_errors():
        path = _store_path(store, data)
        ds = load_dataset(data) if data is not None else None
        versions, warnings = publish_(out_dir, path, ds)
    for w in warnings:
        err_console.print(f"warning: {w}", markup=False, highlight=False)
    for version in versions:
        console.print(f"published {version.week} version {version.version} ({version.n_blocks} blocks, sha256 "
                      f"{version.roster_sha256[:12]}) in {path}", markup=False, highlight=False)


@app.command("import-realized")
def import_realized(
    file: Path = typer.Argument(..., metavar="REALIZED_CSV",
                                help="Realized hours in roster format (officer_id,date,start,end,activity,"
                                "wijk_code[,shift,task])."),
    data: Path = typer.Option(..., "--data", "-d", metavar="DATA_DIR",
                              help="Data folder: checks officers and wijken; holds the default "
                              "store planner.sqlite."),
    store: Path = typer.Option(None, "--store", metavar="PATH",
                               help="History store file (default: DATA_DIR/planner.sqlite)."),
) -> None:
    """Add realized hours to the history store as a new import batch (per officer and week the latest wins)."""
    from planner.dataset import load_dataset
    from planner.report.sources import import_realized as import_

    with user_errors():
        path = _store_path(store, data)
        ds = load_dataset(data)
        batch = import_(file, path, ds)
    console.print(f"imported batch {batch.batch}: {batch.n_blocks} blocks in {', '.join(batch.weeks)} into {path}",
                  markup=False, highlight=False)


@app.command()
def report(
    data_dir: Path = typer.Argument(..., metavar="DATA_DIR",
                                    help="Data folder (officers.csv, wijken, population, demand, absences)."),
    period: str = typer.Option(..., "--period", "-p", metavar="PERIOD",
                               help="2027-W03, 2027-W03..2027-W06, 2027-01, 2027-Q1 or 2027."),
    out: Path = typer.Option(..., "--out", "-o", metavar="PATH",
                             help="File to write; the format follows its suffix unless "
                             "--format is given."),
    fmt: str = typer.Option(None, "--format", "-f", metavar="FORMAT",
                            help="html, md, csv, xlsx or json (default: from --out)."),
    gemeente: list[str] = typer.Option([], "--gemeente", "-g", metavar="GMxxxx",
                                       help="Gemeente code (GMxxxx) to report on; "
                                       "repeatable (default: every gemeente in the data folder)."),
    internal: bool = typer.Option(False, "--internal", help="Police-internal report with figures per officer "
                                  "(default: the municipal report, without names or ids)."),
    roster: list[Path] = typer.Option([], "--roster", "-r", metavar="PATH",
                                      help="Planned roster CSV instead of the store; "
                                      "repeatable (a later file wins for the same officer and week)."),
    realized: list[Path] = typer.Option([], "--realized", metavar="PATH",
                                        help="Realized hours CSV instead of the store; "
                                        "repeatable (a later file wins for the same officer and week)."),
    store: Path = typer.Option(None, "--store", metavar="PATH",
                               help="History store file (default: DATA_DIR/planner.sqlite)."),
    lang: str = typer.Option("nl", "--lang", metavar="LANG", help="Language of the report: nl or en."),
    fail_under: float = typer.Option(None, "--fail-under", metavar="SHARE",
                                     help="Exit 1 when a gemeente's (or, with --internal, an "
                                     "officer's) planned or realized share is below this, e.g. 0.8."),
) -> None:
    """Compliance report for a period: own-wijk share planned vs realized, officers per 5,000, themes, trend."""
    from planner.dataset import load_dataset
    from planner.errors import InputError
    from planner.report import FORMATS, build_figures, load_sources, write_report
    from planner.timeutil import parse_period

    with user_errors():
        kind = (fmt or out.suffix.lstrip(".")).lower()
        kind = {"markdown": "md", "htm": "html"}.get(kind, kind)
        if kind not in FORMATS:
            raise InputError("--format", f"'{fmt or out.suffix or out.name}' is not a report format; expected "
                             f"{', '.join(FORMATS)}")
        if lang not in ("nl", "en"):
            raise InputError("--lang", f"'{lang}' is not a language; expected nl or en")
        if fail_under is not None and not 0 < fail_under <= 1:
            raise InputError("--fail-under", f"{fail_under:g} is not a share; expected a number in (0, 1], e.g. 0.8")
        if out.is_dir():
            raise InputError(out, "is a folder; expected a file name for --out")
        ds = load_dataset(data_dir)
        try:  # public holidays of the period (a bad period is reported by load_sources)
            ds = ds.with_holidays(*parse_period(period))
        except ValueError:
            pass
        planned, real = load_sources(ds, period, roster, realized, store, names=internal)
        figures = build_figures(ds, period, planned, real, gemeenten=gemeente, internal=internal, lang=lang)
        write_report(figures, kind, out)
    console.print(f"wrote {out}", markup=False, highlight=False)
    if fail_under is not None:
        low = figures.below(fail_under)
        if low:
            err_console.print(f"below {fail_under:.0%}: {'; '.join(low)}", markup=False, highlight=False)
            raise typer.Exit(1)
