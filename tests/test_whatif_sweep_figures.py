"""What a sweep shows analysts: unmet hours as distributions, wijken without their wijkagent, infeasible weeks,
and a self-contained page with the plots."""

from __future__ import annotations

import math
import re
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from planner.cli import app
from planner.dataset import load_dataset
from planner.roster_io import read_roster
from planner.whatif.kpi import days_without_own_officer, sweep_statuses, wijk_risk
from planner.whatif.report import sweep_headline
from planner.whatif.run import summarise
from tests._report_helpers import make_data, write

HEADER = "officer_id,date,start,end,activity,wijk_code,shift,task\n"


def _b(oid: str, day: str, start: str, end: str, activity: str, wijk: str = "", date: str | None = None) -> str:
    d = date or day
    end_day = day if end > start else f"{int(day) + 1:02d}"
    return f"{oid},2027-01-{d},2027-01-{day}T{start}+01:00,2027-01-{end_day}T{end}+01:00,{activity},{wijk},,\n"


def test_days_without_own_officer_by_hand(tmp_path: Path) -> None:
    # wa7001 (Centrum WK000101): wijk Monday, noodhulp Tuesday (not presence), and a night in Centrum from
    # Wednesday 22:00 to Thursday 06:00 that touches two days: present Mon, Wed, Thu -> 4 days without.
    # wa7002 (Haven WK000201) works only in Centrum (another wijk's officer helping out does not count for
    # Centrum) -> Haven 7 days without: it went without its wijkagent all week.
    ds = load_dataset(make_data(tmp_path / "d"))
    roster = HEADER + "".join([
        _b("wa7001", "18", "08:00", "16:00", "wijk", "WK000101"),
        _b("wa7001", "19", "08:00", "16:00", "noodhulp"),
        _b("wa7001", "20", "22:00", "06:00", "wijk", "WK000101"),
        _b("wa7002", "22", "09:00", "17:00", "wijk", "WK000101"),
    ])
    blocks = read_roster(write(tmp_path / "r.csv", roster), ds.config.tz, set(ds.config.activities))
    assert days_without_own_officer(ds, blocks) == {"WK000101": 4, "WK000201": 7}
    assert days_without_own_officer(ds, blocks.iloc[:0]) == {"WK000101": 7, "WK000201": 7}


def _samples() -> pd.DataFrame:
    """Five samples: three with a roster, one infeasible, one without a roster in the budget."""
    rows = [
        {"status": "optimal", "unmet_wijk_h": 10.0, "unmet_team_h": 2.0, "no_own_week": 0, "no_own_days": 5,
         "no_own_days_by_wijk": "WK000101:2|WK000201:3"},
        {"status": "feasible", "unmet_wijk_h": 20.0, "unmet_team_h": 4.0, "no_own_week": 1, "no_own_days": 9,
         "no_own_days_by_wijk": "WK000101:2|WK000201:7"},
        {"status": "optimal", "unmet_wijk_h": 30.0, "unmet_team_h": 6.0, "no_own_week": 1, "no_own_days": 10,
         "no_own_days_by_wijk": "WK000101:3|WK000201:7"},
        {"status": "infeasible"},
        {"status": "no_solution"},
    ]
    return pd.DataFrame(rows)


def test_sweep_statuses_count_infeasible_weeks() -> None:
    st = sweep_statuses(_samples())
    assert st["samples"] == 5
    assert (st["share_roster"], st["share_infeasible"], st["share_no_solution"]) == (0.6, 0.2, 0.2)


def test_wijk_risk_over_the_samples_with_a_roster(tmp_path: Path) -> None:
    # Haven is without its wijkagent all week in 2 of the 3 samples with a roster; days 3, 7, 7.
    ds = load_dataset(make_data(tmp_path / "d"))
    risk = wijk_risk(_samples(), ds).set_index("wijk_code")
    assert list(risk.index) == ["WK000201", "WK000101"]  # most exposed first
    assert risk.loc["WK000201", "p_week_without"] == pytest.approx(2 / 3)
    assert risk.loc["WK000201", "mean_days_without"] == pytest.approx(17 / 3)
    assert risk.loc["WK000101", "p_week_without"] == 0 and risk.loc["WK000101", "max_days_without"] == 3
    assert risk.loc["WK000201", "samples"] == 3 and risk.loc["WK000201", "wijk_naam"] == "Haven"


def test_summary_gives_percentiles_of_unmet_hours() -> None:
    s = summarise(_samples().assign(**{k: math.nan for k in ("officers", "below_norm")})).set_index("kpi")
    assert (s.loc["unmet_wijk_h", "p50"], s.loc["unmet_wijk_h", "max"], s.loc["unmet_wijk_h", "samples"]) == (
        20.0, 30.0, 3)
    assert s.loc["unmet_team_h", "p25"] == pytest.approx(3.0)


def test_headline_says_what_absences_cost_not_a_constant_100(tmp_path: Path) -> None:
    ds = load_dataset(make_data(tmp_path / "d"))
    samples = _samples()
    lines = sweep_headline(samples, summarise(samples.assign(officers=math.nan, below_norm=math.nan)),
                           wijk_risk(samples, ds))
    text = " ".join(lines)
    assert "In 20.0 % of samples the week cannot keep the norm within the law (infeasible)" in text
    assert "20.0 % found none within the time budget" in text
    assert "Unmet wijk hours: median 20.0 h" in text
    assert "WK000201 Haven without its wijkagent all week in 66.7 % of samples" in text
    assert "keeps the norm in 100" not in text


def test_sweep_cli_writes_an_offline_page_with_plots(tmp_path: Path) -> None:
    from tests.test_whatif_solve import _tiny

    root = _tiny(tmp_path / "d", 3)
    out = tmp_path / "out"
    res = CliRunner().invoke(app, ["sweep", str(root), "--week", "2027-W03", "--absence-rate", "0.5",
                                   "--samples", "3", "--workers", "1", "--time-limit", "0.1", "--out", str(out)])
    assert res.exit_code == 0, res.output
    assert "cannot keep the norm within the law" in res.output
    assert sorted(p.name for p in out.iterdir()) == ["samples.csv", "summary.csv", "sweep.html", "sweep.json",
                                                     "wijk_risk.csv"]
    samples = pd.read_csv(out / "samples.csv")
    assert {"no_own_week", "no_own_days", "no_own_days_by_wijk"} <= set(samples.columns)
    page = (out / "sweep.html").read_text(encoding="utf-8")
    srcs = re.findall(r'<img src="([^"]+)"', page)
    assert len(srcs) == 2 and srcs[0].startswith("data:image/svg+xml;base64,") and \
        srcs[1].startswith("data:image/png;base64,")
    assert "<script" not in page and "<link" not in page
    assert not re.search(r"(src|href)=\"https?:", page)
    assert "WK999901" in page and "Centrum" in page
    risk = pd.read_csv(out / "wijk_risk.csv")
    assert list(risk["wijk_code"]) == ["WK999901"] and risk.loc[0, "samples"] >= 1
