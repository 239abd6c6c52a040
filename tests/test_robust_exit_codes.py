"""Exit codes: an internal error (a bug) has its own code and one line, and the documented tables agree.

Exit 1 means "infeasible" or "breaches found"; before, an unexpected exception also exited 1 (Python's default),
so a script could not tell a bug from a week that cannot be planned.
"""

from __future__ import annotations

import re
import sys

import pytest

from tests._robust_helpers import DEMO, REPO, invoke, one_error_line

INTERNAL_ERROR_EXIT = 70  # the documented code (README, docs/reliability.md)


def _boom(*args, **kwargs):  # type: ignore[no-untyped-def]
    raise ZeroDivisionError("division by zero\nsecond line")


def test_internal_error_inside_a_command_exits_70_with_one_line(monkeypatch):
    """An unexpected exception while validating: exit 70, one line that says it is a bug, no traceback."""
    monkeypatch.delenv("PLANNER_DEBUG", raising=False)
    monkeypatch.setattr("planner.dataset.load_dataset", _boom)
    result = invoke(["validate", DEMO])
    line = one_error_line(result, exit_code=INTERNAL_ERROR_EXIT)
    assert "internal error (ZeroDivisionError: division by zero second line)" in line
    assert "report it" in line and "PLANNER_DEBUG=1" in line


def test_internal_error_outside_user_errors_exits_70(monkeypatch, capsys):
    """The console script maps an error raised outside a command's error block (here: while printing) too."""
    from planner.cli import main

    monkeypatch.delenv("PLANNER_DEBUG", raising=False)
    monkeypatch.setattr("planner.cli.data.Table", _boom)
    monkeypatch.setattr(sys, "argv", ["planner", "validate", str(DEMO)])
    with pytest.raises(SystemExit) as exc:
        main()
    assert exc.value.code == INTERNAL_ERROR_EXIT
    err = capsys.readouterr().err
    assert "Traceback" not in err
    assert [ln for ln in err.splitlines() if ln.strip()] == [
        ln for ln in err.splitlines() if ln.startswith("error: internal error (ZeroDivisionError")
    ]


def test_planner_debug_shows_the_exception(monkeypatch):
    """PLANNER_DEBUG=1: the exception propagates (with its traceback) instead of the one line."""
    monkeypatch.setenv("PLANNER_DEBUG", "1")
    monkeypatch.setattr("planner.dataset.load_dataset", _boom)
    result = invoke(["validate", DEMO])
    assert isinstance(result.exception, ZeroDivisionError)
    assert result.exit_code != INTERNAL_ERROR_EXIT


def _codes(text: str) -> dict[int, str]:
    """Exit code -> meaning from a Markdown table whose first column is the code."""
    return {int(m.group(1)): m.group(2).strip() for m in re.finditer(r"^\| (\d+) \| ([^|]+) \|", text, re.M)}


def _section(path, heading: str) -> str:  # type: ignore[no-untyped-def]
    text = path.read_text(encoding="utf-8")
    body = text[text.index(heading) + len(heading):]
    return body[: body.index("\n## ")] if "\n## " in body else body


def test_exit_code_tables_agree():
    """README.md and docs/reliability.md list the same exit codes, 70, 130 and 143 included."""
    ours = _codes(_section(REPO / "README.md", "## Exit codes"))
    theirs = _codes(_section(REPO / "docs" / "reliability.md", "## Exit codes"))
    assert set(ours) == set(theirs) == {0, 1, 2, 3, 4, 5, 70, 130, 143}
    for code in ours:
        assert ours[code] == theirs[code], code


@pytest.mark.parametrize("code", [0, 1, 130, 143])
def test_exits_pass_through_the_error_block(code):
    """A command's own exit (typer.Exit, which is not click's Exit) is never mistaken for an internal error."""
    import typer

    from planner.cli._app import user_errors

    with pytest.raises(typer.Exit) as exc, user_errors():
        raise typer.Exit(code)
    assert exc.value.exit_code == code
