"""What-if solves: KPIs move the expected way on the demo, sweeps do not depend on workers, staffing by hand."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import geopandas as gpd
import pytest
from shapely.geometry import box
from typer.testing import CliRunner

from planner.cli import app
from planner.dataset import load_dataset
from planner.timeutil import parse_week
from planner.whatif.run import run_sweep, sick_officers, solve_variant
from planner.whatif.scenario import apply_scenario, scenario_from_dict
from planner.whatif.staffing import staffing_search

DEMO = Path(__file__).resolve().parents[1] / "data" / "demo"
MONDAY = parse_week("2027-W03")
LIMIT = 6.0  # seconds per demo solve (KPIs only compared loosely: the demo week is not proven in that time)


@pytest.fixture(scope="module")
def demo():
    return load_dataset(DEMO)


@pytest.fixture(scope="module")
def base(demo):
    # The base gets more time than the scenarios it is compared with, so a comparison of KPIs is not decided by
    # which of two time-limited searches got further on a busy machine.
    return solve_variant("base", demo, MONDAY, time_limit_s=3 * LIMIT, workers=2)


def _kpi(demo, raw):
    ds = apply_scenario(demo, scenario_from_dict(raw), MONDAY)
    return solve_variant("s", ds, MONDAY, time_limit_s=LIMIT, workers=2).kpi


def test_base_keeps_the_norm(base):
    assert base.status in ("optimal", "feasible")
    assert base.kpi["below_norm"] == 0 and base.officers["norm_met"].all()
    has_hours = base.officers[base.officers["available_h"] > 0]
    assert (has_hours["share"] >= 0.8 - 1e-9).all()  # sickness known in advance is no exemption


def test_five_absent_officers_leave_more_wijk_hours_unmet(demo, base):
    k = _kpi(demo, {"absent": {"officers": ["WA0001", "WA0005", "WA0009", "WA0011", "WA0020"]}})
    assert k["officers"] == base.kpi["officers"] - 5
    # Three wijken lose one of their officers: their evening and weekend presence cannot all be covered.
    assert k["unmet_wijk_h"] > base.kpi["unmet_wijk_h"]
    assert k["presence_per_1000"] < base.kpi["presence_per_1000"]


def test_double_demand_leaves_more_unmet_and_the_same_share_wanted_doubles(demo, base):
    k = _kpi(demo, {"scale_demand": [{"factor": 2.0}]})
    assert k["wanted_wijk_h"] == pytest.approx(2 * base.kpi["wanted_wijk_h"])
    assert k["unmet_wijk_h"] > base.kpi["unmet_wijk_h"]


def test_norm_90_pushes_shares_up_or_names_breaches(demo, base):
    ds = apply_scenario(demo, scenario_from_dict({"norm": {"share": 0.9}}), MONDAY)
    run = solve_variant("s", ds, MONDAY, time_limit_s=2 * LIMIT, workers=2)
    k = run.kpi
    # Officers with a training day cannot reach 90 % within the contract tolerance: the week is infeasible and
    # is re-solved with breaches allowed, so the KPIs count who falls short; everyone else is held at 90 %.
    assert k["status"] in ("optimal", "feasible", "infeasible+breaches")
    assert k["below_norm"] >= base.kpi["below_norm"]
    has_hours = run.officers[run.officers["available_h"] > 0]
    assert int((~has_hours["norm_met"]).sum()) == k["below_norm"]  # the checker's verdict per officer
    assert (has_hours.loc[has_hours["share"] >= 0.9 - 1e-9, "norm_met"]).all()
    assert (has_hours.loc[has_hours["norm_met"], "share"] >= 0.9 - 1e-9).all()  # no exemption without a sick call
    # (The mean share rises too when both solves are proven; under a short time limit that is not guaranteed.)


def test_sick_draw_is_seeded_per_sample():
    ids = [f"A{i}" for i in range(50)]
    assert sick_officers(ids, 0.2, 1, 3) == sick_officers(ids, 0.2, 1, 3)
    assert sick_officers(ids, 0.2, 1, 3) != sick_officers(ids, 0.2, 1, 4)
    assert sick_officers(ids, 0.0, 1, 3) == [] and sick_officers(ids, 1.0, 1, 3) == ids


def test_sweep_with_two_processes_equals_one_process(tmp_path):
    ds = load_dataset(_tiny(tmp_path / "d", 4))
    kw = dict(rate=0.3, samples=6, seed=1, budget=0.1, base_budget=1.0)
    one = run_sweep(ds, MONDAY, processes=1, **kw)
    two = run_sweep(ds, MONDAY, processes=2, **kw)
    assert one.samples["sick"].sum() > 0  # the draw makes some samples differ from the base
    assert len(one.samples) == 6
    cols = [c for c in one.samples.columns if c != "gap"]
    assert one.samples[cols].equals(two.samples[cols])
    assert one.params["p_norm_kept"] == two.params["p_norm_kept"]
    assert set(one.summary["kpi"]) >= {"unmet_wijk_h", "below_norm", "max_nights"}


# ---- staffing on a hand case ------------------------------------------------------------------------------

def _tiny(root: Path, officers: int) -> Path:
    """One gemeente, one wijk; demand 2 officers Mon-Thu 09:00-17:00 = 64 officer-hours.

    An officer with a 40 h contract works 36 to 44 h (the tolerance) in 8 h shifts, one a day: five shifts,
    so the four Dag shifts Mon-Thu fit (the fifth lands later in the week), all in the wijk. One officer meets
    32 of 64 h (50 % unmet); two meet all of it. So with a target of 10 % unmet the fewest officers is 2,
    whether the search starts from 1 or from 4. (Mon-Fri would not do: the weekly-rest rule as the solver
    reads it across the week boundary keeps an officer from all five weekdays.)
    """
    root.mkdir()
    gpd.GeoDataFrame({"wijkcode": ["WK999901"], "wijknaam": ["Centrum"], "gemeentecode": ["GM9999"],
                      "gemeentenaam": ["Testdorp"], "water": ["NEE"], "aantal_inwoners": [9000]},
                     geometry=[box(140_000, 470_000, 141_000, 471_000)], crs="EPSG:28992").to_file(
        root / "wijken.gpkg", engine="pyogrio")
    rows = "".join(f"A{i},Agent {i},WK999901,40,nee\n" for i in range(1, officers + 1))
    (root / "officers.csv").write_text("officer_id,name,wijk_code,contract_hours,night_exempt\n" + rows)
    (root / "demand.csv").write_text("wijk_code,day,start,end,officers\n" + "".join(
        f"WK999901,{d},09:00,17:00,2\n" for d in ("ma", "di", "wo", "do")))
    return root


@pytest.mark.parametrize("start", [1, 4])
def test_staffing_finds_two_officers(tmp_path, start):
    ds = load_dataset(_tiny(tmp_path / "d", start))
    res = staffing_search(ds, "GM9999", MONDAY, target_unmet=0.1, time_limit_s=5, workers=1, max_extra=3)
    assert res.answer == 2
    curve = res.curve.set_index("officers")
    assert curve.loc[2, "passes"] and not curve.loc[1, "passes"]
    assert curve.loc[1, "gm_unmet_share"] == pytest.approx(0.5)


def test_staffing_cli_prints_the_curve(tmp_path):
    root = _tiny(tmp_path / "d", 3)
    res = CliRunner().invoke(app, ["staffing", str(root), "--gemeente", "GM9999", "--week", "2027-W03",
                                   "--time-limit", "5", "--workers", "1"])
    assert res.exit_code == 0, res.output
    assert "fewest wijkagenten for GM9999: 2 (now 3)" in res.output


def test_whatif_cli_writes_csv_html_and_maps(tmp_path):
    root = _tiny(tmp_path / "d", 2)
    sc = tmp_path / "sick.toml"
    sc.write_text('name = "<b>A1 ziek</b>"\n[absent]\nofficers = ["A1"]\n')
    out = tmp_path / "out"
    res = CliRunner().invoke(app, ["whatif", str(root), str(sc), "--week", "2027-W03", "--out", str(out),
                                   "--time-limit", "5", "--workers", "1"])
    assert res.exit_code == 0, res.output
    header = (out / "kpis.csv").read_text().splitlines()[0]
    assert header.replace('"', "").startswith("scenario,status,gap,officers,below_norm")
    html = (out / "kpis.html").read_text()
    assert "&lt;b&gt;A1 ziek&lt;/b&gt;" in html and "<b>A1" not in html
    assert "<script" not in html and "http" not in html.replace("http-equiv", "")
    assert (out / "maps" / "base.html").exists() and len(list((out / "maps").glob("*.html"))) == 2
    # One officer of two: half of the 64 wanted hours stay unmet (32 more than the base's 0).
    assert "+32.0" in html


def test_variant_of_a_dataset_is_a_new_dataset(demo):
    ds = apply_scenario(demo, scenario_from_dict({"remove_officers": ["WA0001"]}), MONDAY)
    assert len(ds.officers) == len(demo.officers) - 1
    assert dataclasses.is_dataclass(ds) and ds is not demo
