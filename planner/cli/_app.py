"""The Typer application object and the one place that maps errors to a one-line message and an exit code."""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Iterator
from typing import NoReturn

import click
import typer
from rich.console import Console

from planner import __version__
from planner.errors import INTERNAL_ERROR_EXIT, PlannerError

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


#: Set to 1 to see the traceback of an internal error instead of the one-line message.
DEBUG_ENV = "PLANNER_DEBUG"


def _debug() -> bool:
    return os.environ.get(DEBUG_ENV, "").strip().lower() not in ("", "0", "no", "false")


def internal_error_line(exc: BaseException) -> str:
    """The one line an unexpected error (a bug, not bad input) is reported with."""
    text = " ".join(str(exc).split())
    if len(text) > 200:
        text = text[:199] + "…"
    what = f"{type(exc).__name__}: {text}" if text else type(exc).__name__
    return (f"internal error ({what}); this is a bug in planner, not in your data: please report it with the "
            f"command you ran ({DEBUG_ENV}=1 shows the traceback)")


def _internal(exc: BaseException) -> NoReturn:
    err_console.print(f"error: {internal_error_line(exc)}", markup=False, highlight=False, soft_wrap=True)
    raise typer.Exit(INTERNAL_ERROR_EXIT) from None


@contextlib.contextmanager
def user_errors() -> Iterator[None]:
    """Turn a PlannerError into one line on stderr and its exit code (2 for bad input); no traceback.

    Anything unexpected is an internal error: one line and exit code 70 (``PLANNER_DEBUG=1``: the traceback),
    so a script can tell a bug from "infeasible" or "breaches found" (exit 1).
    """
    try:
        yield
    except (typer.Exit, typer.Abort, click.exceptions.Exit, click.exceptions.Abort, click.ClickException):
        raise
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
    except Exception as exc:
        if _debug():
            raise
        _internal(exc)


def main() -> None:
    """Console-script entry point: an error that escapes a command is an internal error (exit 70), never a
    traceback with exit 1."""
    try:
        app()
    except KeyboardInterrupt:  # pragma: no cover - outside a command
        sys.exit(130)
    except (typer.Exit, click.exceptions.Exit) as exc:  # raised outside click's own handling (a signal handler)
        sys.exit(exc.exit_code)
    except click.ClickException as exc:  # pragma: no cover - click handles these in standalone mode
        exc.show()
        sys.exit(exc.exit_code)
    except click.exceptions.Abort:  # pragma: no cover - idem
        sys.exit(130)
    except Exception as exc:
        if _debug():
            raise
        err_console.print(f"error: {internal_error_line(exc)}", markup=False, highlight=False, soft_wrap=True)
        sys.exit(INTERNAL_ERROR_EXIT)
