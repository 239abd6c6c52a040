"""Privacy by inference: no municipal figure is about fewer than [privacy] min_group_size wijkagenten.

Three gemeenten, nine officers, default minimum 3 (no planner.toml):

- GM0001 Eendorp: one wijk, one officer (o1, 33 h, sick on Tuesday: 33 - 33/5 = 26.4 h available).
- GM0002 Tweedorp: one wijk, two officers (o2, o3).
- GM0003 Driestad: WK000301 with three officers, WK000302 with one, WK000303 with two.

So Eendorp and Tweedorp are pooled into "overige gemeenten" (1 + 2 = 3 officers), Driestad (6) stands alone;
inside Driestad, WK000302 and WK000303 are pooled (1 + 2 = 3) and WK000301 stands alone.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import geopandas as gpd
import pytest
from shapely.geometry import box

from planner.dataset import load_dataset
from planner.report import build_figures, load_sources, render
from tests.test_report_formats import _parse_csv, _parse_html, _parse_md, _parse_xlsx

WEEK = "2027-W03"
X0, Y0 = 150_000.0, 460_000.0
WIJKEN = [("WK000101", "GM0001", "Eendorp"), ("WK000201", "GM0002", "Tweedorp"), ("WK000301", "GM0003", "Driestad"),
          ("WK000302", "GM0003", "Driestad"), ("WK000303", "GM0003", "Driestad")]
OFFICERS = [("o1", "WK000101", 33), ("o2", "WK000201", 36), ("o3", "WK000201", 36), ("o4", "WK000301", 36),
            ("o5", "WK000301", 36), ("o6", "WK000301", 36), ("o7", "WK000302", 36), ("o8", "WK000303", 36),
            ("o9", "WK000303", 36)]
SMALL_GEMEENTEN = {"GM0001", "GM0002"}
SMALL_WIJKEN = {"WK000101", "WK000201", "WK000302", "WK000303"}
#: o1's available hours: what a municipality must not be able to read.
O1_AVAILABLE = 26.4


def _data(root: Path, toml: str | None = None) -> Path:
    root.mkdir(parents=True)
    gpd.GeoDataFrame(
        {"wijk_code": [w for w, _, _ in WIJKEN], "wijk_naam": [f"Wijk {w[-1]}" for w, _, _ in WIJKEN],
         "gemeente_code": [g for _, g, _ in WIJKEN], "gemeente_naam": [n for _, _, n in WIJKEN],
         "inwoners": [5000] * len(WIJKEN)},
        geometry=[box(X0 + i * 1000, Y0, X0 + (i + 1) * 1000, Y0 + 1000) for i in range(len(WIJKEN))],
        crs="EPSG:28992",
    ).to_file(root / "wijken.geojson", driver="GeoJSON")
    (root / "officers.csv").write_text("officer_id,name,wijk_code,contract_hours\n" + "".join(
        f"{o},Agent {o},{w},{h}\n" for o, w, h in OFFICERS), encoding="utf-8")
    (root / "absences.csv").write_text("officer_id,start,end,reason\no1,2027-01-19,2027-01-19,ziek\n",
                                       encoding="utf-8")
    if toml is not None:
        (root / "planner.toml").write_text(toml, encoding="utf-8")
    return root


def _roster(path: Path) -> Path:
    """Each officer: wijk Monday, Wednesday, Thursday 09-17 in the own wijk (o1 was sick on Tuesday)."""
    rows = ["officer_id,date,start,end,activity,wijk_code,shift,task"]
    for o, w, _ in OFFICERS:
        for d in ("18", "20", "21"):
            rows.append(f"{o},2027-01-{d},2027-01-{d}T09:00+01:00,2027-01-{d}T17:00+01:00,wijk,{w},D,")
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return path


def _figures(tmp_path: Path, *, internal: bool = False, toml: str | None = None, gemeenten: list[str] | None = None):
    ds = load_dataset(_data(tmp_path / "data", toml))
    planned, realized = load_sources(ds, WEEK, [_roster(tmp_path / "r.csv")], [], None, names=internal)
    return build_figures(ds, WEEK, planned, realized, gemeenten=gemeenten, internal=internal)


def _parsed(fig, fmt: str) -> dict[str, list[list]]:
    data = render(fig, fmt)
    if fmt == "json":
        doc = json.loads(data)
        return {name: [list(r.values()) for r in t["rows"]] for name, t in doc["tables"].items()}
    return {"html": lambda: _parse_html(data), "md": lambda: _parse_md(data, fig),
            "csv": lambda: _parse_csv(data, fig), "xlsx": lambda: _parse_xlsx(data, fig)}[fmt]()


@pytest.mark.parametrize("fmt", ["html", "md", "csv", "xlsx", "json"])
def test_one_and_two_officer_gemeenten_are_combined_in_every_format(tmp_path: Path, fmt: str) -> None:
    fig = _figures(tmp_path)
    tables = _parsed(fig, fmt)
    keys = {name: {str(row[0]) for row in rows} for name, rows in tables.items()}
    # Gemeente tables: the pool and Driestad, never Eendorp or Tweedorp alone.
    for name in ("gemeenten", "hours", "themes", "away", "trend"):
        assert not keys[name] & SMALL_GEMEENTEN, (fmt, name, keys[name])
    assert keys["gemeenten"] == {"GM0001 + GM0002", "GM0003"}
    assert keys["trend"] == {"GM0001 + GM0002", "GM0003", "*"}
    # Wijk table: WK000301 alone, the pool of Driestad's two small wijken; Eendorp's and Tweedorp's wijken are in
    # their gemeente pool, not listed.
    assert keys["wijken"] == {"WK000301", "WK000302 + WK000303"}
    assert not {s for s in keys["verdicts"] if s.startswith(("GM0001", "GM0002", "Eendorp", "Tweedorp"))}
    # o1's available hours appear nowhere, in no spelling.
    text = render(fig, fmt).decode("utf-8", "replace") if fmt != "xlsx" else str(tables)
    assert "26,4" not in text and "26.4" not in text
    # The pool's available hours are the three officers together: 26.4 + 36 + 36.
    row = next(r for r in tables["hours"] if str(r[0]) == "GM0001 + GM0002")
    assert any(str(v).replace(",", ".") in ("98.4", "98.40") for v in row), row


def test_the_report_says_that_small_groups_are_combined(tmp_path: Path) -> None:
    fig = _figures(tmp_path)
    for fmt in ("html", "md", "csv", "json"):
        text = render(fig, fmt).decode("utf-8-sig")
        assert "minder dan 3 wijkagenten" in text, fmt
    doc = json.loads(render(fig, "json"))
    assert doc["meta"]["min_group_size"] == 3


def test_asking_for_a_small_gemeente_alone_shows_its_pool(tmp_path: Path) -> None:
    """--gemeente GM0001: groups are formed over the whole folder, so the report shows the same pool as the
    report over all gemeenten; two reports cannot be subtracted to find Eendorp's one officer."""
    fig = _figures(tmp_path, gemeenten=["GM0001"])
    gm = fig.table("gemeenten").rows
    assert [r["gemeente_code"] for r in gm] == ["GM0001 + GM0002"]
    assert fig.table("wijken").rows == []
    all_fig = _figures(tmp_path / "all")
    pool = next(r for r in all_fig.table("gemeenten").rows if r["gemeente_code"] == "GM0001 + GM0002")
    assert gm[0]["available_h_planned"] == pool["available_h_planned"] == pytest.approx(98.4)


def test_too_few_officers_in_the_whole_folder_withholds_every_figure(tmp_path: Path) -> None:
    fig = _figures(tmp_path, toml="[privacy]\nmin_group_size = 10\n")
    for name in ("gemeenten", "hours", "wijken", "themes", "away", "trend"):
        assert fig.table(name).rows == [], name
    verdicts = fig.table("verdicts").rows
    assert len(verdicts) == 3 and all(v["status"] == "unknown" and "Niet getoond" in v["text"] for v in verdicts)
    assert fig.below(0.8) == []
    csv_text = render(fig, "csv").decode("utf-8-sig")
    assert "26.4" not in csv_text and "98.4" not in csv_text
    assert any("minder dan 10" in c for row in csv.reader(io.StringIO(csv_text)) for c in row)


def test_internal_report_shows_every_gemeente_and_officer(tmp_path: Path) -> None:
    fig = _figures(tmp_path, internal=True)
    assert {r["gemeente_code"] for r in fig.table("gemeenten").rows} == {"GM0001", "GM0002", "GM0003"}
    o1 = next(r for r in fig.table("officer_weeks").rows if r["officer_id"] == "o1")
    assert o1["available_h"] == pytest.approx(O1_AVAILABLE)


def test_min_group_size_one_shows_everything_alone(tmp_path: Path) -> None:
    fig = _figures(tmp_path, toml="[privacy]\nmin_group_size = 1\n")
    assert {r["gemeente_code"] for r in fig.table("gemeenten").rows} == {"GM0001", "GM0002", "GM0003"}
    gm1 = next(r for r in fig.table("hours").rows if r["gemeente_code"] == "GM0001")
    assert gm1["available_h_planned"] == pytest.approx(O1_AVAILABLE)


@pytest.mark.parametrize("value", ["0", "-1", "1001", "'drie'", "2.5"])
def test_min_group_size_must_be_a_sensible_whole_number(tmp_path: Path, value: str) -> None:
    from planner.errors import ConfigError

    with pytest.raises(ConfigError, match="privacy.min_group_size"):
        load_dataset(_data(tmp_path / "d", f"[privacy]\nmin_group_size = {value}\n"))
