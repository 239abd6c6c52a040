"""Command-line interface: a thin layer that parses arguments, calls one library function and saves."""

from planner.cli import check as _check  # noqa: F401
from planner.cli import data as _data  # noqa: F401  (registers commands)
from planner.cli import dayplan as _dayplan  # noqa: F401
from planner.cli import demo as _demo  # noqa: F401
from planner.cli import maps as _maps  # noqa: F401
from planner.cli import report as _report  # noqa: F401
from planner.cli import roster as _roster  # noqa: F401
from planner.cli import whatif as _whatif  # noqa: F401
from planner.cli._app import app, main
from planner.cli._options import use_planner_commands

use_planner_commands(app)

__all__ = ["app", "main"]
