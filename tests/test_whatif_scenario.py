"""Scenario files: validation with key paths, path safety, and what each change does to the dataset (no solver)."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from planner.cli import app
from planner.dataset import load_dataset
from planner.errors import ConfigError
from planner.timeutil import parse_week
from planner.whatif.scenario import apply_scenario, load_scenario

DEMO = Path(__file__).resolve().parents[1] / "data" / "demo"
MONDAY = parse_week("2027-W03")


@pytest.fixture(scope="module")
def demo():
    return load_dataset(DEMO)


def _sc(tmp_path: Path, text: str, name: str = "s.toml") -> Path:
    p = tmp_path / name
    p.write_text(text, encoding="utf-8")
    return p


@pytest.mark.parametrize("text, key", [
    ("colour = 'red'\n", "colour"),
    ("[absent]\nofficers = 'WA0001'\n", "absent.officers"),
    ("[absent]\nshare = 1.5\n", "absent.share"),
    ("[norm]\nshare = 'high'\n", "norm.share"),
    ("[norm]\nreading = 'voor'\n", "norm.reading"),
    ("[[add_officer]]\nofficer_id = 'X1'\nname = 'X'\nwijk_code = 'WK990101'\n", "add_officer[1].contract_hours"),
    ("[[add_officer]]\nofficer_id = 'X1'\nwijk_code = 'WK990101'\ncontract_hours = 'veel'\n",
     "add_officer[1].contract_hours"),
    ("[[scale_demand]]\nfactor = 2\nthema = 'cyber'\n", "scale_demand[1].thema"),
    ("[[add_team_demand]]\nkind = 'feest'\nday = 'ma'\nstart = '10:00'\nend = '12:00'\nofficers = 1\n",
     "add_team_demand[1].kind"),
    ("[[add_team_demand]]\nkind = 'event'\nday = 'maandag'\nstart = '25:00'\nend = '12:00'\nofficers = 1\n",
     "add_team_demand[1].start"),
    ("[contract_hours]\nset = 32\nscale = 0.9\n", "contract_hours"),
    ("[[split_wijk]]\nwijk_code = 'WK990101'\ninto = ['WK990111']\n", "split_wijk[1].into"),
    ("[[split_wijk]]\nwijk_code = 'WK990101'\ninto = ['WK990111', 'X']\n", "split_wijk[1].into"),
    ("[[merge_wijken]]\nwijken = ['WK990101']\ninto = 'WK990199'\n", "merge_wijken[1].wijken"),
    ("remove_officers = [1, 2]\n", "remove_officers"),
])
def test_malformed_scenario_names_the_key(tmp_path, text, key):
    with pytest.raises(ConfigError) as err:
        load_scenario(_sc(tmp_path, text))
    assert f"column '{key}'" in str(err.value)
    assert str(err.value).startswith("s.toml")
    assert "\n" not in str(err.value)


@pytest.mark.parametrize("text, key", [
    ("remove_officers = ['NOPE']\n", "remove_officers"),
    ("[[move_officer]]\nofficer_id = 'WA0001'\nto = 'WK000000'\n", "move_officer[1].to"),
    ("[absent]\nofficers = ['NOPE']\n", "absent.officers"),
    ("[[scale_demand]]\nfactor = 2\ntheme = 'piraterij'\n", "scale_demand[1].theme"),
    ("[[add_officer]]\nofficer_id = 'WA0001'\nwijk_code = 'WK990101'\ncontract_hours = 36\n",
     "add_officer[1].officer_id"),
    ("[[merge_wijken]]\nwijken = ['WK990101', 'WK990102']\ninto = 'WK990103'\n", "merge_wijken[1].into"),
])
def test_unknown_references_name_the_key(tmp_path, demo, text, key):
    sc = load_scenario(_sc(tmp_path, text))
    with pytest.raises(ConfigError) as err:
        apply_scenario(demo, sc, MONDAY)
    assert f"column '{key}'" in str(err.value)


@pytest.mark.parametrize("include", ["../team_demand.csv", "/etc/passwd", "sub/../../x.csv", "..\\x.csv"])
def test_include_outside_the_scenario_folder_is_refused(tmp_path, include):
    (tmp_path / "team_demand.csv").write_text("kind,day,start,end,officers\nevent,ma,10:00,12:00,1\n")
    folder = tmp_path / "scenarios"
    folder.mkdir()
    p = _sc(folder, f"[[add_team_demand]]\ninclude = '{include}'\n")
    with pytest.raises(ConfigError, match="leaves the scenario's folder"):
        load_scenario(p)


def test_include_through_a_symlink_out_of_the_folder_is_refused(tmp_path):
    (tmp_path / "secret.csv").write_text("kind,day,start,end,officers\nevent,ma,10:00,12:00,1\n")
    folder = tmp_path / "scenarios"
    folder.mkdir()
    (folder / "link.csv").symlink_to(tmp_path / "secret.csv")
    with pytest.raises(ConfigError, match="leaves the scenario's folder"):
        load_scenario(_sc(folder, "[[add_team_demand]]\ninclude = 'link.csv'\n"))


def test_include_inside_the_folder_adds_its_rows(tmp_path, demo):
    (tmp_path / "extra.csv").write_text("kind,name,day,start,end,officers\nevent,Markt,za,10:00,14:00,3\n")
    sc = load_scenario(_sc(tmp_path, "[[add_team_demand]]\ninclude = 'extra.csv'\n"))
    out = apply_scenario(demo, sc, MONDAY)
    assert len(out.team_demand) == len(demo.team_demand) + 1
    assert out.team_demand.iloc[-1]["name"] == "Markt"


def test_absent_officers_get_the_whole_week_off(tmp_path, demo):
    sc = load_scenario(_sc(tmp_path, "[absent]\nofficers = ['WA0001', 'WA0010']\n"))
    before = demo.absences.copy()
    out = apply_scenario(demo, sc, MONDAY)
    mine = out.absences[out.absences["officer_id"].isin(["WA0001", "WA0010"])]
    # Their own absences that week (training, vakantie) are replaced by one whole-week sickness each.
    assert sorted(mine["officer_id"]) == ["WA0001", "WA0010"]
    assert all((e - s).days == 7 for s, e in zip(mine["start"], mine["end"], strict=True))
    assert demo.absences.equals(before)  # the base is untouched


def test_absent_share_is_seeded(tmp_path, demo):
    text = "[absent]\nshare = 0.25\nseed = 3\n"
    a = apply_scenario(demo, load_scenario(_sc(tmp_path, text, "a.toml")), MONDAY)
    b = apply_scenario(demo, load_scenario(_sc(tmp_path, text, "b.toml")), MONDAY)
    sick_a = set(a.absences.loc[a.absences["reason"] == "ziek", "officer_id"])
    assert sick_a == set(b.absences.loc[b.absences["reason"] == "ziek", "officer_id"])
    assert len(sick_a - {"WA0003"}) == round(0.25 * 22)


def test_officer_changes(tmp_path, demo):
    sc = load_scenario(_sc(tmp_path, """
remove_officers = ["WA0016"]
[[add_officer]]
officer_id = "WA0101"
wijk_code = "WK990206"
contract_hours = 36
[[move_officer]]
officer_id = "WA0022"
to = "WK990303|WK990302"
[contract_hours]
scale = 0.5
officers = ["WA0002"]
"""))
    out = apply_scenario(demo, sc, MONDAY)
    o = out.officers.set_index("officer_id")
    assert "WA0016" not in o.index and o.loc["WA0101", "wijken"] == ("WK990206",)
    assert o.loc["WA0101", "team"] == "Basisteam Plasven-Kolkhout"
    assert o.loc["WA0022", "wijken"] == ("WK990303", "WK990302")
    assert o.loc["WA0002", "contract_hours"] == 18 and o.loc["WA0001", "contract_hours"] == 36


def test_norm_and_demand_scaling(tmp_path, demo):
    sc = load_scenario(_sc(tmp_path, """
[norm]
share = 0.9
reading = "in_of_voor"
[[scale_demand]]
factor = 3
theme = "cyber"
[[scale_demand]]
factor = 0
wijk_code = "WK990101"
"""))
    out = apply_scenario(demo, sc, MONDAY)
    assert out.config.norm.share == 0.9 and out.config.norm.reading == "in_of_voor"
    assert demo.config.norm.share == 0.8
    cyber = (demo.demand["theme"] == "cyber") & (demo.demand["wijk_code"] != "WK990101")
    assert (out.demand.loc[cyber, "officers"] == demo.demand.loc[cyber, "officers"] * 3).all()
    assert (out.demand.loc[out.demand["wijk_code"] == "WK990101", "officers"] == 0).all()


def test_split_wijk_keeps_area_and_inhabitants_and_deals_officers(tmp_path, demo):
    sc = load_scenario(_sc(tmp_path, """
[[split_wijk]]
wijk_code = "WK990101"
into = ["WK990111", "WK990112"]
"""))
    out = apply_scenario(demo, sc, MONDAY)
    w = out.wijken.set_index("wijk_code")
    old = demo.wijken.set_index("wijk_code").loc["WK990101"]
    assert "WK990101" not in w.index
    parts = w.loc[["WK990111", "WK990112"]]
    assert parts.geometry.area.sum() == pytest.approx(old.geometry.area, rel=1e-9)
    assert parts["inwoners"].sum() == pytest.approx(old["inwoners"])
    assert parts.geometry.union_all().symmetric_difference(old.geometry).area < 1e-3
    # Three officers WA0001-3 dealt round-robin over the two parts.
    o = out.officers.set_index("officer_id")
    assert [o.loc[x, "wijken"] for x in ("WA0001", "WA0002", "WA0003")] == [("WK990111",), ("WK990112",),
                                                                            ("WK990111",)]
    old_h = demo.demand.loc[demo.demand["wijk_code"] == "WK990101", "officers"].sum()
    new_h = out.demand.loc[out.demand["wijk_code"].isin(["WK990111", "WK990112"]), "officers"].sum()
    assert new_h == pytest.approx(old_h)


def test_split_by_a_line_that_misses_is_refused(tmp_path, demo):
    sc = load_scenario(_sc(tmp_path, """
[[split_wijk]]
wijk_code = "WK990101"
into = ["WK990111", "WK990112"]
line = [[0, 300000], [1, 300001]]
"""))
    with pytest.raises(ConfigError, match="does not cut"):
        apply_scenario(demo, sc, MONDAY)


def test_merge_wijken_unions_polygons_and_officers_follow(tmp_path, demo):
    sc = load_scenario(_sc(tmp_path, """
[[merge_wijken]]
wijken = ["WK990201", "WK990202", "WK990203"]
into = "WK990299"
"""))
    out = apply_scenario(demo, sc, MONDAY)
    w = out.wijken.set_index("wijk_code")
    before = demo.wijken.set_index("wijk_code").loc[["WK990201", "WK990202", "WK990203"]]
    assert w.loc["WK990299", "inwoners"] == before["inwoners"].sum()
    assert w.loc["WK990299"].geometry.area == pytest.approx(before.geometry.area.sum(), rel=1e-6)
    o = out.officers.set_index("officer_id")
    assert o.loc["WA0008", "wijken"] == ("WK990299",)  # had WK990201|WK990202: one merged wijk, once
    assert o.loc["WA0009", "wijken"] == ("WK990299",)
    assert not out.demand["wijk_code"].isin(["WK990201", "WK990202", "WK990203"]).any()


def test_cli_malformed_scenario_is_one_line_exit_2_nothing_written(tmp_path):
    bad = _sc(tmp_path, "[norm]\nshare = 'x'\n")
    out = tmp_path / "out"
    res = CliRunner().invoke(app, ["whatif", str(DEMO), str(bad), "--week", "2027-W03", "--out", str(out)])
    assert res.exit_code == 2
    lines = [x for x in res.output.splitlines() if x.strip()]
    assert len(lines) == 1 and "column 'norm.share'" in lines[0]
    assert not out.exists()


def test_cli_path_escape_exit_2(tmp_path):
    bad = _sc(tmp_path, "[[add_team_demand]]\ninclude = '../../etc/passwd'\n")
    res = CliRunner().invoke(app, ["whatif", str(DEMO), str(bad), "--week", "2027-W03", "--out",
                                   str(tmp_path / "o")])
    assert res.exit_code == 2 and "leaves the scenario's folder" in res.output


def test_cli_bad_week_and_rate_exit_2(tmp_path):
    res = CliRunner().invoke(app, ["sweep", str(DEMO), "--week", "2027-W99", "--out", str(tmp_path / "o")])
    assert res.exit_code == 2 and "--week" in res.output
    res = CliRunner().invoke(app, ["sweep", str(DEMO), "--week", "2027-W03", "--absence-rate", "2",
                                   "--out", str(tmp_path / "o")])
    assert res.exit_code == 2 and "--absence-rate" in res.output
    res = CliRunner().invoke(app, ["staffing", str(DEMO), "--gemeente", "GM0000", "--week", "2027-W03"])
    assert res.exit_code == 2 and "GM0000" in res.output


@pytest.mark.parametrize("command", ["whatif", "sweep", "staffing"])
def test_cli_help_and_every_option_has_help(command):
    res = CliRunner().invoke(app, [command, "--help"])
    assert res.exit_code == 0
    import typer.main

    cmd = typer.main.get_command(app).commands[command]  # type: ignore[attr-defined]
    assert cmd.help
    for p in cmd.params:
        assert getattr(p, "help", None), f"{command} {p.name} has no help"


def test_example_scenarios_load_and_apply(demo):
    for p in sorted((Path(__file__).resolve().parents[1] / "scenarios").glob("*.toml")):
        apply_scenario(demo, load_scenario(p), MONDAY)
