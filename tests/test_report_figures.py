"""Report figures on the 2-officer, 2-wijk, 2-gemeente case, worked out by hand (see tests/_report_helpers.py)."""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from planner.config import Norm
from planner.dataset import load_dataset
from planner.errors import CrossFileError, InputError
from planner.report import Source, build_figures, load_sources
from planner.report.figures import _block_themes
from planner.roster_io import empty_roster
from tests._report_helpers import PLANNED_W03, PLANNED_W04, REALIZED_W03, make_data, write


@pytest.fixture
def case(tmp_path: Path):
    ds = load_dataset(make_data(tmp_path / "data"))
    files = {name: write(tmp_path / f"{name}.csv", text) for name, text in
             (("p3", PLANNED_W03), ("p4", PLANNED_W04), ("r3", REALIZED_W03))}
    return ds, files


def _figures(case, period="2027-W03", planned=("p3",), realized=("r3",), **kw):
    ds, files = case
    p, r = load_sources(ds, period, [files[n] for n in planned], [files[n] for n in realized], None, names=True)
    return build_figures(ds, period, p, r, **kw)


def _rows(fig, table, key):
    return {r[key]: r for r in fig.table(table).rows}


def test_gemeente_shares_planned_and_realized_by_hand(case) -> None:
    gm = _rows(_figures(case), "gemeenten", "gemeente_code")
    # GM0001 = wa7001 alone: 36 h available; planned own 32 h -> 32/36 = 0.8888 -> 0.888 (rounded down);
    # realized own 24 h (Thursday went to noodhulp) -> 24/36 = 0.6666 -> 0.666.
    assert gm["GM0001"]["share_planned"] == 0.888
    assert gm["GM0001"]["share_realized"] == 0.666
    # GM0002 = wa7002: 40 h contract - 8 h leave (a whole day = 40/5) = 32 h; own 24 h -> 0.75 both ways.
    assert gm["GM0002"]["share_planned"] == gm["GM0002"]["share_realized"] == 0.75
    hours = _rows(_figures(case), "hours", "gemeente_code")
    assert (hours["GM0002"]["available_h_planned"], hours["GM0002"]["own_h_planned"]) == (32.0, 24.0)
    assert (hours["GM0001"]["available_h_realized"], hours["GM0001"]["own_h_realized"]) == (36.0, 24.0)


def test_officers_per_5000_is_fte_based_information(case) -> None:
    fig = _figures(case)
    gm = _rows(fig, "gemeenten", "gemeente_code")
    # GM0001: 36/36 = 1 fte for 10,000 inhabitants -> 0.5 per 5,000. GM0002: 40/36 = 1.11 fte for 5,000 -> 1.11.
    assert (gm["GM0001"]["fte"], gm["GM0001"]["fte_per_5000"]) == (1.0, 0.5)
    assert (gm["GM0002"]["fte"], gm["GM0002"]["fte_per_5000"]) == (1.11, 1.11)
    v = [r for r in fig.table("verdicts").rows if r["indicator"] == "per_5000"]
    assert {r["status"] for r in v} == {"info"}  # never a breach, whatever the number
    assert "geen overtreding" in v[0]["text"]


def test_presence_per_1000_inhabitants_per_week(case) -> None:
    gm = _rows(_figures(case), "gemeenten", "gemeente_code")
    # GM0001 planned 32 h wijk presence in 1 week / 10 (thousand) = 3.2; realized 24 h -> 2.4.
    # GM0002 24 h / 5 = 4.8 both ways.
    assert (gm["GM0001"]["presence_per_1000_planned"], gm["GM0001"]["presence_per_1000_realized"]) == (3.2, 2.4)
    assert gm["GM0002"]["presence_per_1000_planned"] == gm["GM0002"]["presence_per_1000_realized"] == 4.8


def test_themes_from_demand_windows_with_priority_and_algemeen(case) -> None:
    fig = _figures(case)
    th = {(r["gemeente_code"], r["theme"]): r for r in fig.table("themes").rows}
    # wa7001 Monday 08-16 in Centrum: 08-10 no demand (algemeen 2 h), 10-14 jeugdoverlast (hoog beats laag on
    # 12-14: 4 h), 14-16 woonoverlast (2 h). Planned Tue-Thu 24 h algemeen; realized Tue-Wed 16 h.
    assert th[("GM0001", "jeugdoverlast")]["hours_planned"] == 4.0
    assert th[("GM0001", "woonoverlast")]["hours_planned"] == 2.0
    assert th[("GM0001", "algemeen")]["hours_planned"] == 26.0
    assert th[("GM0001", "algemeen")]["hours_realized"] == 18.0
    assert th[("GM0002", "algemeen")]["hours_planned"] == 24.0
    # Themes add up to the presence hours.
    assert sum(r["hours_planned"] for r in fig.table("themes").rows) == 32.0 + 24.0


def test_block_themes_across_midnight(case) -> None:
    import datetime as dt

    ds, _ = case
    tz = ds.config.tz
    # A Tuesday 22:00-02:00 window; a block Tue 23:00 - Wed 03:00 gets 3 h of it and 1 h algemeen.
    rows = [(1, None, dt.time(22), dt.time(2), "jeugdoverlast", 4.0, 0)]
    start = dt.datetime(2027, 1, 19, 23, tzinfo=tz)
    assert _block_themes(start, start + dt.timedelta(hours=4), rows, tz) == {"jeugdoverlast": 180, "algemeen": 60}


def test_hours_pulled_away_by_reason(case) -> None:
    away = {(r["gemeente_code"], r["reason"]): r for r in _figures(case).table("away").rows}
    # Realized wa7001: noodhulp 8 h (8/36 = 0.222), event 4 h (4/36 = 0.111); planned noodhulp 4 h (0.111).
    assert (away[("GM0001", "noodhulp")]["hours_realized"], away[("GM0001", "noodhulp")]["share_of_available_realized"]
            ) == (8.0, 0.222)
    assert away[("GM0001", "event")]["hours_realized"] == 4.0
    assert away[("GM0001", "noodhulp")]["hours_planned"] == 4.0
    assert away[("GM0002", "training")]["share_of_available_planned"] == 0.25  # 8 of 32
    assert ("GM0002", "noodhulp") not in away  # no hours either way: no row


def test_weeks_without_realized_hours_are_unknown_not_zero(case) -> None:
    fig = _figures(case, period="2027-W03..2027-W04", planned=("p3", "p4"))
    gm = _rows(fig, "gemeenten", "gemeente_code")
    # Planned over both weeks: GM0001 (32 + 36) / (36 + 36) = 68/72 = 0.9444 -> 0.944; realized only W03.
    assert gm["GM0001"]["share_planned"] == 0.944
    assert gm["GM0001"]["share_realized"] == 0.666
    trend = {(r["gemeente_code"], r["week"]): r for r in fig.table("trend").rows}
    assert trend[("GM0001", "2027-W04")]["share_planned"] == 1.0
    assert math.isnan(trend[("GM0001", "2027-W04")]["share_realized"])
    # All gemeenten together in W03: own (32 + 24) / available (36 + 32) = 56/68 = 0.8235 -> 0.823.
    assert trend[("*", "2027-W03")]["share_planned"] == 0.823


def test_internal_officer_weeks_below_the_norm_and_why(case) -> None:
    fig = _figures(case, internal=True)
    weeks = {r["officer_id"]: r for r in fig.table("officer_weeks").rows}
    a, b = weeks["wa7001"], weeks["wa7002"]
    assert (a["below_planned"], a["below_realized"]) == (False, True)  # 88.8 % planned, 66.6 % realized
    assert a["basis"] == "gerealiseerd" and a["why"] == "noodhulp 8,0 u, evenementen 4,0 u"
    assert (b["leave_h"], b["available_h"], b["below_realized"]) == (8.0, 32.0, True)
    assert b["why"] == "verlof/ziek 8,0 u, opleiding en training 8,0 u"
    assert [s for s in fig.below(0.8)] == ["wa7001 (gerealiseerd 66,6 %)", "wa7002 (gepland 75,0 %)",
                                          "wa7002 (gerealiseerd 75,0 %)"]


def test_reading_in_of_voor_counts_voor_wijk(case, tmp_path: Path) -> None:
    ds, files = case
    ds_voor = load_dataset(ds.root, ds.config.with_changes(norm=Norm(reading="in_of_voor")))
    # wa7002's Friday training becomes voor_wijk: 24 + 8 = 32 of 32 under 'in of voor', still 24 of 32 under 'in'.
    f = write(tmp_path / "voor.csv", PLANNED_W03.replace("17:00+01:00,training,", "17:00+01:00,voor_wijk,"))
    for d, expected in ((ds, 0.75), (ds_voor, 1.0)):
        p, r = load_sources(d, "2027-W03", [f], [], None, names=True)
        fig = build_figures(d, "2027-W03", p, r)
        assert _rows(fig, "gemeenten", "gemeente_code")["GM0002"]["share_planned"] == expected
        assert fig.meta()["reading"] == d.config.norm.reading


def test_officer_with_two_wijken_in_two_gemeenten_counts_half_in_each(tmp_path: Path) -> None:
    root = make_data(tmp_path / "data")
    (root / "officers.csv").write_text("officer_id;name;wijk_code;contract_hours\nx1;X;WK000101|WK000201;36\n")
    (root / "absences.csv").unlink()
    ds = load_dataset(root)
    roster = write(tmp_path / "r.csv", "officer_id,date,start,end,activity,wijk_code\n"
                   "x1,2027-01-18,2027-01-18T08:00+01:00,2027-01-18T16:00+01:00,wijk,WK000101\n")
    p, r = load_sources(ds, "2027-W03", [roster], [], None, names=True)
    gm = _rows(build_figures(ds, "2027-W03", p, r), "gemeenten", "gemeente_code")
    # Half of 36 h available in each gemeente; all 8 own hours count in both (own-wijk is per officer).
    assert gm["GM0001"]["wijkagenten"] == gm["GM0002"]["wijkagenten"] == 0.5
    assert gm["GM0001"]["fte"] == 0.5
    assert gm["GM0001"]["share_planned"] == gm["GM0002"]["share_planned"] == 0.222  # 8/36


def test_gemeente_filter_and_unknown_gemeente(case) -> None:
    fig = _figures(case, gemeenten=["gm0002"])
    assert [r["gemeente_code"] for r in fig.table("gemeenten").rows] == ["GM0002"]
    assert {r["gemeente_code"] for r in fig.table("wijken").rows} == {"GM0002"}
    with pytest.raises(InputError, match="'GM9999' is not a gemeente .* GM0001, GM0002"):
        _figures(case, gemeenten=["GM9999"])


def test_periods_of_every_kind(case) -> None:
    assert _figures(case, period="2027-01").weeks[:4] == ["2027-W01", "2027-W02", "2027-W03", "2027-W04"]
    # 2027-01-01 is a Friday (its week is 2026-W53) and 2027-W13 has its Thursday on 1 April: 12 weeks.
    assert len(_figures(case, period="2027-Q1").weeks) == 12
    assert len(_figures(case, period="2027").weeks) == 52
    with pytest.raises(InputError, match="^--period: .2027-X1. is not a period"):
        _figures(case, period="2027-X1")


def test_unknown_officer_in_a_roster_names_file_and_row(case, tmp_path: Path) -> None:
    ds, _ = case
    bad = write(tmp_path / "bad.csv", PLANNED_W03.replace("wa7002,2027-01-19", "zz9,2027-01-19"))
    with pytest.raises(CrossFileError, match=r"bad.csv, row 8, column 'officer_id': officer 'zz9'"):
        load_sources(ds, "2027-W03", [bad], [], None, names=True)


def test_no_hours_at_all_is_unknown(case) -> None:
    ds, _ = case
    fig = build_figures(ds, "2027-W10", Source(empty_roster()), Source(empty_roster()))
    v = [r for r in fig.table("verdicts").rows if r["indicator"] == "own_share"]
    assert {r["status"] for r in v} == {"unknown"}
    assert fig.below(0.8) == []
