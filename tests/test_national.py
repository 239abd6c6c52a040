"""A region of several basisteams through `planner roster`: every team solved, one combined roster, checked."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from planner.checker import check_roster
from planner.cli import app
from planner.dataset import load_dataset
from planner.demo import generate_region
from planner.roster_io import read_roster
from tests._solver_helpers import MONDAY

#: 60 officers at about 20 per basisteam: three teams. Seed 3 draws no part-timer whose week is impossible
#: on its own, so every team must come back with a roster.
OFFICERS, SEED = 60, 3


@pytest.fixture(scope="module")
def region(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("region") / "data"
    generate_region(out, officers=OFFICERS, seed=SEED)
    return out


@pytest.fixture(scope="module")
def planned(region: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, object]:
    out = tmp_path_factory.mktemp("plan")
    result = CliRunner().invoke(
        app,
        ["roster", str(region), "--week", "2027-W03", "--out", str(out), "--time-limit", "8", "--workers", "1",
         "--processes", "2", "--seed", "0"],
    )
    return out, result


def test_region_has_several_teams(region: Path) -> None:
    """Tests that the generator gives the three basisteams this test is about."""
    assert len(load_dataset(region).teams) == 3


def test_national_roster_solves_every_team(planned: tuple[Path, object]) -> None:
    """Tests that one `planner roster` run plans every team and prints one progress line per team."""
    out, result = planned
    assert result.exit_code == 0, result.output
    assert result.output.count("[") >= 3
    for i in (1, 2, 3):
        assert f"[{i}/3]" in result.output
    assert (out / "roster.csv").exists()


def test_national_roster_is_one_combined_roster_that_passes_the_checker(
    region: Path, planned: tuple[Path, object]
) -> None:
    """Tests that the combined roster covers the officers of all teams and has zero breaches."""
    out, result = planned
    assert result.exit_code == 0, result.output
    ds = load_dataset(region)
    roster = read_roster(out / "roster.csv", ds.config.tz, set(ds.config.activities))
    teams_rostered = set(ds.officers.set_index("officer_id").loc[sorted(set(roster["officer_id"])), "team"])
    assert teams_rostered == set(ds.teams)
    breaches = check_roster(ds, roster, weeks=[MONDAY])
    assert breaches == [], [b.message for b in breaches][:5]


def test_plan_week_in_one_process_matches_the_parallel_objective(region: Path) -> None:
    """Tests that solving the teams one after another or side by side gives the same proven objective."""
    from planner.plan import plan_week

    ds = load_dataset(region)
    serial = plan_week(ds, MONDAY, time_limit_s=4, workers=1, seed=0, processes=1)
    parallel = plan_week(ds, MONDAY, time_limit_s=4, workers=1, seed=0, processes=2)
    assert [r.team for r in serial.results] == [r.team for r in parallel.results] == sorted(ds.teams)
    if serial.status == parallel.status == "optimal":
        assert serial.objective == pytest.approx(parallel.objective)
    for plan in (serial, parallel):
        assert plan.has_roster
        assert check_roster(ds, plan.roster, weeks=[MONDAY]) == []
        assert isinstance(plan.roster, pd.DataFrame)


def test_plan_week_on_a_dask_scheduler_plans_every_team(region: Path) -> None:
    """Tests that --scheduler sends the teams to a Dask cluster and gets the same checked, combined plan back."""
    from distributed import LocalCluster

    from planner.plan import plan_week

    ds = load_dataset(region)
    seen: list[int] = []
    with LocalCluster(n_workers=1, threads_per_worker=2, processes=False, dashboard_address=None) as cluster:
        plan = plan_week(ds, MONDAY, time_limit_s=4, workers=1, seed=0, scheduler=cluster.scheduler_address,
                         on_team=lambda r, i, n: seen.append(i))
    assert seen == [1, 2, 3]
    assert [r.team for r in plan.results] == sorted(ds.teams)
    assert plan.has_roster
    assert check_roster(ds, plan.roster, weeks=[MONDAY]) == []
