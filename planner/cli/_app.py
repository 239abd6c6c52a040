"""The Typer application object and the one place that maps errors to a one-line message and an exit code."""

from __future__ import annotations

import contextlib
import re
import sys
from collections.abc import Iterator
from typing import Any

import typer
from rich.console import Console
from rich.text import Text

from planner import __version__
from planner.errors import PlannerError

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
