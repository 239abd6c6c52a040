"""CLI: generate a synthetic region (the demo folder or a national-scale test region)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from planner.cli._app import app, console, user_errors


@app.command("demo-data")
def demo_data(
    out_dir: Annotated[
        Path, typer.Argument(metavar="OUT_DIR", help="Folder to write; must be new, empty or an earlier demo-data "
                             "output.")
    ],
    officers: Annotated[
        int,
        typer.Option(
            "--officers",
            "-n",
            metavar="N",
            help="Number of wijkagenten (about 20 per basisteam, one per 5,000 inhabitants); "
            "3500 gives a national-scale region.",
        ),
    ] = 22,
    seed: Annotated[
        int, typer.Option("--seed", metavar="N", help="Random seed; the same seed gives byte-identical files.")
    ] = 1,
    week: Annotated[
        str, typer.Option("--week", metavar="WEEK", help="ISO week (YYYY-Www) of the absences, wishes and events.")
    ] = "2027-W03",
) -> None:
    """Write a synthetic region (fictional gemeenten GM99xx/GM5xxx) in the input format 'validate' reads."""
    from planner.demo import generate_region

    with user_errors():
        s = generate_region(out_dir, officers=officers, seed=seed, week=week)
    inhabitants = f"{s.inhabitants:,}".replace(",", ".")
    console.print(
        f"wrote {s.path}: {s.officers} officers, {s.teams} team(s), {s.gemeenten} gemeenten, "
        f"{s.wijken} wijken, {inhabitants} inhabitants",
        highlight=False,
        soft_wrap=True,
    )
