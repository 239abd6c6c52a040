"""The Typer application object and the one place that maps errors to a one-line message and an exit code."""

from __future__ import annotations

import contextlib
import os
import re
import sys
from collections.abc import Iterator
from typing import Any, NoReturn

import click
import typer
from rich.console import Console
from rich.text import Text

from planner import __version__
from planner.errors import INTERNAL_ERROR_EXIT, PlannerError

app = typer.Typer(
    name="planner",
    help="Weekly rosters for wijkagenten that keep the 80 % own-wijk norm, with reports, maps and what-if runs.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
#: Characters a terminal would act on instead of showing: C0 and C1 controls but line feed and tab (ESC starts a
#: colour or cursor sequence, CR overwrites the line), and the bidi embeddings, overrides and isolates that
#: reorder what follows them ("Trojan Source").
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def visible(text: str) -> str:
    """``text`` with every control character written as an escape (``\\x1b``, ``\\u202e``), so it shows."""
    return _CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}" if ord(m.group()) < 0x100 else
                        f"\\u{ord(m.group()):04x}", text)


class PlainConsole(Console):
    """The planner's Rich console: every string it is given is printed as typed.

    No markup (``[/b]`` in a name is text, not a closing tag), no emoji codes (``:x:`` stays ``:x:``), no
    highlighting, and control characters shown as escapes. This holds for ``print`` and for strings in table
    cells and titles alike (Rich turns each through ``render_str``). Colour is added only with :func:`literal`.
    """

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(markup=False, emoji=False, highlight=False, **kwargs)

    def render_str(self, text: str, **kwargs: Any) -> Text:  # type: ignore[override]
        return super().render_str(visible(text), **kwargs)


def literal(value: Any, style: str = "") -> Text:
    """A value as Rich text, shown as typed (control characters escaped), in ``style`` (e.g. ``"red"``)."""
    return Text(visible(str(value)), style=style)


console = PlainConsole(soft_wrap=True)
err_console = PlainConsole(stderr=True, soft_wrap=True)


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
