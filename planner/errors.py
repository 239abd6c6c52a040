"""Named errors whose messages say which file, row and column is wrong and what was expected."""

from __future__ import annotations

from pathlib import Path

#: Exit code of an unexpected error, a bug in planner (EX_SOFTWARE in BSD's sysexits.h): never 1, which means
#: "infeasible" or "breaches found".
INTERNAL_ERROR_EXIT = 70


class PlannerError(Exception):
    """Base class of every error the CLI turns into a one-line message."""

    exit_code = 2


class InputError(PlannerError, ValueError):
    """An input file is malformed: names the file, the row (or feature), the column and what was expected.

    Parameters
    ----------
    file
        The input file (its name is shown, not the full path).
    message
        What was wrong and what was expected.
    row
        1-based data row (the header is row 1 of the file, so data row 1 is file line 2), or None.
    column
        Column or key name, or None.
    """

    def __init__(
        self,
        file: str | Path | None,
        message: str,
        row: int | str | None = None,
        column: str | None = None,
    ) -> None:
        self.file = str(file) if file is not None else None
        self.row = row
        self.column = column
        self.detail = message
        parts = []
        if self.file:
            parts.append(Path(self.file).name)
        if row is not None:
            parts.append(f"row {row}" if isinstance(row, int) else str(row))
        if column:
            parts.append(f"column '{column}'")
        where = ", ".join(parts)
        super().__init__(f"{where}: {message}" if where else message)


class ConfigError(InputError):
    """planner.toml (or a scenario file) has an unknown key, a wrong type or an impossible value."""


class GeometryError(InputError):
    """The wijken file has a missing CRS, bad geometry or an unknown schema."""


class CrossFileError(InputError):
    """Two input files disagree: unknown or duplicate ids, officers whose wijk is not on the map."""


class OptionError(PlannerError, ValueError):
    """A command-line option has an impossible value: names the option and what was expected."""

    def __init__(self, option: str, message: str) -> None:
        self.option = option
        self.detail = message
        super().__init__(f"{option}: {message}")


class SolverError(PlannerError):
    """The solver could not return a roster (time limit without a solution, interrupted, out of memory)."""

    exit_code = 3


class OutputError(PlannerError):
    """An output cannot be written (would overwrite a published roster, unwritable folder)."""

    exit_code = 4
