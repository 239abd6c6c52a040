"""CLI: validate a data folder and generate synthetic regions."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.table import Table

from planner.cli._app import app, console, literal, user_errors


@app.command()
def validate(
    data_dir: Path = typer.Argument(
        ..., metavar="DATA_DIR", help="Data folder: officers.csv, a wijken file and optional files."
    ),
) -> None:
    """Load and check every file of a data folder; print a summary table."""
    from planner.dataset import load_dataset
    from planner.summary import dataset_summary

    with user_errors():
        ds = load_dataset(data_dir)
        rows = dataset_summary(ds)
    table = Table(title=f"{data_dir}: valid", show_header=True)
    table.add_column("item")
    table.add_column("value", justify="right")
    for k, v in rows:
        table.add_row(literal(k), literal(v))
    console.print(table)
