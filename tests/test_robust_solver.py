"""Solver faults: no roster in time, infeasible, interrupted: each its own message and exit code, never half a roster.

Exit codes: 0 a roster; 1 infeasible (the rules cannot all hold) or, for check, breaches; 2 bad input; 3 the solver
gave no roster (time limit, model invalid); 4 an output cannot be written; 130 interrupted.
"""

from __future__ import annotations

import json

import pandas as pd
import pytest

from planner import plan as plan_mod
from planner.errors import InputError, OptionError, OutputError, PlannerError, SolverError
from planner.solver import Result
from tests._robust_helpers import DEMO, ROSTER_OK, WEEK, invoke, tree_digest, write_data


def _full_out(folder):  # type: ignore[no-untyped-def]
    folder.mkdir(parents=True)
    (folder / "roster.csv").write_text(ROSTER_OK, encoding="utf-8")
    return folder


def test_exit_codes_of_errors():
    """The error classes carry the documented exit codes."""
    assert PlannerError.exit_code == InputError.exit_code == OptionError.exit_code == 2
    assert SolverError.exit_code == 3
    assert OutputError.exit_code == 4


def test_a_tiny_time_limit_still_gives_a_lawful_roster(tmp_path):
    """--time-limit 0.001 on the demo: the time limit starts after the model is built, and a group without a
    roster in its share takes its first lawful one, so the run still answers with a roster the checker passes."""
    out = tmp_path / "out"
    result = invoke(["roster", DEMO, "-w", WEEK, "-o", out, "--time-limit", "0.001", "--workers", "1", "-q"])
    assert result.exit_code == 0, result.output
    assert invoke(["check", out / "roster.csv", DEMO]).exit_code == 0


def test_time_limit_without_roster_plans_again_with_more_time(tmp_path, monkeypatch):
    """No roster within the time limit (groups get no time for a first roster either): the run plans again with
    more time, says so, and writes a roster the checker passes (a planner needs an answer)."""
    from planner.solver import solve as solve_mod

    monkeypatch.setattr(solve_mod, "FIRST_GROUP_ROSTER_S", 0.001)
    monkeypatch.setattr(solve_mod, "FIRST_ROSTER_GRACE_S", 10.0)
    out = tmp_path / "out"
    result = invoke(["roster", DEMO, "-w", WEEK, "-o", out, "--time-limit", "0.001", "--workers", "1", "-q"])
    assert result.exit_code == 0, result.output
    assert "no roster within the time limit of 0.001 s: planned again with more time" in result.output
    assert invoke(["check", out / "roster.csv", DEMO]).exit_code == 0


def test_no_roster_even_with_more_time_exits_3(tmp_path, monkeypatch):
    """No roster within the time limit nor the extra time: status no_solution, exit 3, the reason on stderr, no
    roster written and the earlier roster.csv kept byte for byte."""
    from planner.solver import solve as solve_mod

    monkeypatch.setattr(solve_mod, "FIRST_ROSTER_GRACE_S", 0.001)
    monkeypatch.setattr(solve_mod, "FIRST_GROUP_ROSTER_S", 0.001)
    out = _full_out(tmp_path / "out")
    before = (out / "roster.csv").read_bytes()
    result = invoke(["roster", DEMO, "-w", WEEK, "-o", out, "--time-limit", "0.001"])
    assert result.exit_code == 3, result.output
    assert "Traceback" not in result.output
    assert "status: no_solution" in result.output
    assert "no roster found within 0.001 s; allow more time with --time-limit" in result.output
    assert (out / "roster.csv").read_bytes() == before
    assert not (out / "roster.xlsx").exists() and not (out / "ics").exists()
    assert json.loads((out / "summary.json").read_text(encoding="utf-8"))["status"] == "no_solution"


def test_infeasible_week_exits_1_with_explanation(tmp_path):
    """An officer who trains all week cannot reach 80 % in the wijk: infeasible, exit 1, the reason in domain words;
    a fresh --out gets no roster.csv."""
    data = write_data(tmp_path / "d", {"absences.csv": "officer_id,start,end,reason\nW-01,2027-01-18,2027-01-22,"
                                                       "training\n"})
    out = tmp_path / "out"
    result = invoke(["roster", data, "-w", WEEK, "-o", out])
    assert result.exit_code == 1, result.output
    assert "status: infeasible" in result.output
    assert "W-01: 36 h available, 36 h training away from the wijk" in result.output
    assert not (out / "roster.csv").exists()


def _fake_result(status: str, interrupted: bool) -> Result:
    empty = pd.DataFrame()
    return Result(status, WEEK, "Team Proef", None, None, None, 0.1, empty, empty, empty, [],
                  ["interrupted before any roster was found"] if status == "interrupted" else [], {}, interrupted)


def test_interrupt_before_any_roster_exits_130(tmp_path, monkeypatch):
    """Ctrl-C before the first roster: exit 130, one interrupted line, the earlier roster untouched."""
    monkeypatch.setattr(plan_mod, "solve_period", lambda *a, **k: _fake_result("interrupted", True))
    data = write_data(tmp_path / "d")
    out = _full_out(tmp_path / "out")
    before = (out / "roster.csv").read_bytes()
    result = invoke(["roster", data, "-w", WEEK, "-o", out, "-q"])
    assert result.exit_code == 130, result.output
    assert "interrupted before any roster was found" in result.output
    assert (out / "roster.csv").read_bytes() == before


def test_interrupt_while_loading_writes_nothing(tmp_path, monkeypatch):
    """Ctrl-C outside the search (KeyboardInterrupt): exit 130, 'nothing was written', the folder unchanged."""

    def boom(*a, **k):  # type: ignore[no-untyped-def]
        raise KeyboardInterrupt

    monkeypatch.setattr(plan_mod, "solve_period", boom)
    data = write_data(tmp_path / "d")
    out = _full_out(tmp_path / "out")
    before = tree_digest(out)
    result = invoke(["roster", data, "-w", WEEK, "-o", out, "-q"])
    assert result.exit_code == 130, result.output
    assert "interrupted: nothing was written" in result.output
    assert {k: v for k, v in tree_digest(out).items() if not k.startswith("previous/")} == before


@pytest.mark.parametrize(("status", "interrupted", "code"), [
    ("optimal", False, 0), ("feasible", False, 0), ("feasible", True, 130), ("infeasible", False, 1),
    ("no_solution", False, 3), ("model_invalid", False, 70), ("interrupted", True, 130),
])
def test_plan_exit_code(status, interrupted, code):
    """One place decides the exit code of a plan."""
    p = plan_mod.Plan(WEEK, pd.Timestamp("2027-01-18").date(), [_fake_result(status, interrupted)], {}, [], 0.8)
    assert p.exit_code == code


def test_out_is_a_file_exits_4(tmp_path):
    """--out naming a file: an output error, exit 4, one line, the file unchanged."""
    data = write_data(tmp_path / "d")
    out = tmp_path / "out"
    out.write_text("mine", encoding="utf-8")
    result = invoke(["roster", data, "-w", WEEK, "-o", out])
    assert result.exit_code == 4, result.output
    assert [ln for ln in result.output.splitlines() if ln.strip()] == [f"error: {out} exists and is not a folder"]
    assert out.read_text(encoding="utf-8") == "mine"
