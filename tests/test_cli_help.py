"""Every command's --help: a metavar for every value (WEEK, PATH, SECONDS, N, ...), no Python types such as
<list[Path]> or <bool>, and help text for every option and argument; the same option means the same everywhere."""

from __future__ import annotations

import re

import pytest
import typer
from typer.testing import CliRunner

from planner.cli import app

CLI = typer.main.get_command(app)
COMMANDS = sorted(CLI.commands)  # type: ignore[attr-defined]
#: The type labels typer prints when a parameter has no metavar: <str>, <int>, <float>, <bool>, <path>,
#: <list[Path]>, <datetime>, <int range>, <a|b> choices.
TYPE_LABEL = re.compile(
    r"<(?:str|int|float|bool|path|file|datetime|uuid|list\[[^>]*\]|[a-z]+ range|[\w-]+(?:\|[\w-]+)+)>", re.IGNORECASE
)


def _help(args: list[str]) -> str:
    result = CliRunner().invoke(app, [*args, "--help"], env={"COLUMNS": "200"}, terminal_width=200)
    assert result.exit_code == 0, result.output
    return result.output


@pytest.mark.parametrize("command", [None, *COMMANDS])
def test_help_shows_no_python_types(command):
    """`planner roster --help` showed <list[Path]>, <bool>, <path> beside options; now metavars or nothing."""
    text = _help([command] if command else [])
    assert not TYPE_LABEL.search(text), TYPE_LABEL.search(text)


@pytest.mark.parametrize("command", COMMANDS)
def test_every_parameter_has_help_and_a_metavar(command):
    """Every option and argument has help text; every one that takes a value names it with a metavar."""
    cmd = CLI.commands[command]  # type: ignore[attr-defined]
    assert cmd.help, command
    for param in cmd.params:
        assert (param.help or "").strip(), (command, param.name)
        if not getattr(param, "is_flag", False):
            assert param.metavar and param.metavar.strip(), (command, param.name)
            assert param.metavar.upper() == param.metavar or "x" in param.metavar, (command, param.metavar)


#: Options that must mean the same thing in every command that has them (a phrase their help must hold).
SAME_MEANING = {
    "--workers": "search threads of one solve",
    "--time-limit": "seconds",
    "--processes": "side by side",
    "--week": "iso week",
}


@pytest.mark.parametrize("option", sorted(SAME_MEANING))
def test_option_means_the_same_everywhere(option):
    """--workers was Dask processes in sweep and CP-SAT threads elsewhere; --time-limit deterministic seconds
    per sample in sweep and wall seconds per team elsewhere."""
    seen = []
    for name in COMMANDS:
        for param in CLI.commands[name].params:  # type: ignore[attr-defined]
            if option in getattr(param, "opts", []):
                seen.append(name)
                assert SAME_MEANING[option] in (param.help or "").lower(), (name, param.help)
                assert param.metavar == {"--workers": "N", "--processes": "N", "--time-limit": "SECONDS",
                                         "--week": "WEEK"}[option], (name, param.metavar)
    assert len(seen) >= 2, seen


def test_sweep_parallelism_is_processes_and_budget_is_its_own_option():
    text = _help(["sweep"])
    assert "--processes" in text and "--budget" in text and "DET_SECONDS" in text
