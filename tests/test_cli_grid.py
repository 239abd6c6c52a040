"""The terminal roster grid is readable from 80 columns: nothing cut to "WA…", no "nan%", names folded or left
out by width, user text printed literally."""

from __future__ import annotations

import io

import pytest
from rich.cells import cell_len
from rich.console import Console

from planner.cli import roster as roster_cli
from planner.dataset import load_dataset
from planner.plan import plan_week
from planner.timeutil import parse_week, week_days
from tests._robust_helpers import DEMO

MONDAY = parse_week("2027-W03")


@pytest.fixture(scope="module")
def demo_plan():
    ds = load_dataset(DEMO)
    plan = plan_week(ds, MONDAY, workers=1, time_limit_s=5)
    assert plan.has_roster
    return ds, plan


def _printed(monkeypatch: pytest.MonkeyPatch, ds, plan, width: int, **kw) -> str:
    buf = io.StringIO()
    monkeypatch.setattr(roster_cli, "console", Console(file=buf, width=width, color_system=None))
    monkeypatch.setattr(roster_cli, "err_console", Console(file=io.StringIO(), width=width))
    roster_cli.print_plan(plan, week_days(MONDAY), ds.absences, **kw)
    return buf.getvalue()


@pytest.mark.parametrize("width", [80, 100, 120, 160])
def test_grid_fits_and_cuts_nothing(monkeypatch, demo_plan, width):
    """At 80-160 columns every grid line fits, every officer id and every day is whole, no 'nan%' (an officer
    with no available and no worked hours has no share: '-')."""
    ds, plan = demo_plan
    last = plan.officers.index[-1]
    kept = plan.officers.loc[last, "share"]
    plan.officers.loc[last, "share"] = None  # as for an officer with no available and no worked hours
    try:
        text = _printed(monkeypatch, ds, plan, width)
    finally:
        plan.officers.loc[last, "share"] = kept
    grid = text.split("status:")[0]
    assert max(cell_len(line) for line in grid.splitlines()) <= width
    assert "…" not in grid
    assert "nan" not in text
    for oid in plan.officers["officer_id"]:
        assert oid in grid, (width, oid)
    for day in ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"):
        assert day in grid, (width, day)
    line = next(ln for ln in grid.splitlines() if plan.officers.loc[last, "officer_id"] in ln)
    assert "-" in line.split()[-3:], line  # the share column; the window share and the balance may follow


def test_grid_shows_names_from_120_columns(monkeypatch, demo_plan):
    ds, plan = demo_plan
    first = str(plan.officers["name"].iloc[0])
    assert first in _printed(monkeypatch, ds, plan, 120)
    assert first.split()[0] in _printed(monkeypatch, ds, plan, 100)


def test_grid_prints_user_text_literally(monkeypatch, demo_plan):
    """A name or id holding Rich markup or emoji codes is printed as written."""
    ds, plan = demo_plan
    plan.officers.loc[0, "name"] = "[/b] :x: [red]Ann"
    try:
        text = _printed(monkeypatch, ds, plan, 200)
    finally:
        plan.officers.loc[0, "name"] = ds.officers.loc[0, "name"]
    assert "[/b] :x: [red]Ann" in text


def test_holiday_is_marked_in_the_grid(monkeypatch, demo_plan):
    ds, plan = demo_plan
    wed = week_days(MONDAY)[2]
    text = _printed(monkeypatch, ds, plan, 80, holidays={wed: "Testdag"})
    assert "20*" in text
    assert "Wed 20 Jan: Testdag (holiday)" in text
