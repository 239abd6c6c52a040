"""The Typer application object and the one place that maps errors to a one-line message and an exit code."""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Iterator

import typer
from rich.console import Console

from planner import __version__
from planner.errors import PlannerError

app = typer.Typer(
    name="planner",
    help="Weekly rosters for wijkagenten that keep the 80 % own-wijk norm, with reports, maps and what-if runs.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
console = Console(soft_wrap=True)
err_console = Console(stderr=True, soft_wrap=True)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"planner {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: bool = typer.Option(False, "--version", help="Print the version and exit.", callback=_version,
                                 is_eager=True),
) -> None:
    """Weekly rosters for wijkagenten that keep the 80 % own-wijk norm."""


@contextlib.contextmanager
def user_errors() -> Iterator[None]:
    """Turn a PlannerError into one line on stderr and its exit code (2 for bad input); no traceback."""
    try:
        yield
    except PlannerError as exc:
        err_console.print(f"error: {exc}", markup=False, highlight=False, soft_wrap=True)
        raise typer.Exit(exc.exit_code) from None
    except KeyboardInterrupt:
        err_console.print("interrupted: nothing was written", markup=False)
        raise typer.Exit(130) from None
    except MemoryError:
        err_console.print("error: out of memory; try a smaller region or fewer workers", markup=False)
        raise typer.Exit(5) from None
    except OSError as exc:
        err_console.print(f"error: {exc.filename or ''}: {exc.strerror or exc}", markup=False)
        raise typer.Exit(4) from None


def main() -> None:
    """Console-script entry point."""
    try:
        app()
    except KeyboardInterrupt:  # pragma: no cover - outside a command
        sys.exit(130)
