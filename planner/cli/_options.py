"""Shared command-line option handling: output folders that never touch the inputs, and help without Python types."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import typer
from typer.core import TyperArgument, TyperCommand, TyperGroup

from planner.errors import OptionError


def out_folder(text: str | Path, *data_dirs: Path | None, option: str = "--out") -> Path:
    """The output folder named by ``text``; refused (exit 2) when it is empty or would put outputs into an input.

    An output folder equal to a data folder or inside one would mix outputs with inputs (and a later run could
    read them back as data, or overwrite an input of the same name), so every command that writes a folder
    calls this first. Symlinks and ``..`` are resolved before comparing.
    """
    raw = str(text)
    if not raw.strip():
        raise OptionError(option, "is empty; expected a folder for the outputs, e.g. out/w03")
    out = Path(raw)
    target = out.resolve()
    for data in data_dirs:
        if data is None:
            continue
        root = Path(data).resolve()
        if target == root:
            raise OptionError(option, f"'{raw}' is the data folder {data}; write the outputs to a folder outside it")
        if target.is_relative_to(root):
            raise OptionError(option, f"'{raw}' lies inside the data folder {data}; write the outputs to a folder "
                              "outside it")
    return out


def _no_type(ctx: Any) -> None:
    return None


class _FlagsWithoutType:
    """Help that shows no type for flags (``--quiet``, ``--help``: they take no value) and only the metavar of an
    argument."""

    params: list[Any]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[call-arg]
        for param in self.params:
            if getattr(param, "is_flag", False) and param.metavar is None:
                param.metavar = ""
            if isinstance(param, TyperArgument) and param.metavar is not None:
                # An argument's metavar (DATA_DIR) already says what it is; typer would add "<path>" beside it.
                param.display_type_rich = _no_type  # type: ignore[method-assign]

    def get_help_option(self, ctx: Any) -> Any:
        option = super().get_help_option(ctx)  # type: ignore[misc]
        if option is not None:
            option.metavar = ""
        return option


class PlannerCommand(_FlagsWithoutType, TyperCommand):
    """A command whose help shows a metavar for every value and nothing for flags."""


class PlannerGroup(_FlagsWithoutType, TyperGroup):
    """The top-level group, with the same help conventions as its commands."""


def use_planner_commands(app: typer.Typer) -> None:
    """Every registered command of ``app`` that names no class of its own becomes a :class:`PlannerCommand`, and
    the group itself a :class:`PlannerGroup`."""
    if not (isinstance(app.info.cls, type) and app.info.cls is not TyperGroup):  # unset (a typer placeholder)
        app.info.cls = PlannerGroup
    for info in app.registered_commands:
        if info.cls in (None, TyperCommand):
            info.cls = PlannerCommand
