"""Wording of the municipal report: singular and plural weeks, no module names, gemeente names from
gemeenten.csv and a code shown once when there is no name."""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import pytest

from planner.dataset import load_dataset
from planner.report import build_figures, load_sources, render
from tests._report_helpers import PLANNED_W03, PLANNED_W04, make_data, wijken, write
from tests._robust_helpers import invoke, one_error_line


def _fig(ds, tmp_path: Path, period: str = "2027-W03", lang: str = "nl"):
    rosters = [write(tmp_path / "p3.csv", PLANNED_W03), write(tmp_path / "p4.csv", PLANNED_W04)]
    p, r = load_sources(ds, period, rosters, [], None, names=False)
    return build_figures(ds, period, p, r, lang=lang)


@pytest.mark.parametrize(("period", "lang", "words"), [
    ("2027-W03", "nl", "1 week)"), ("2027-W03..2027-W04", "nl", "2 weken)"),
    ("2027-W03", "en", "1 week)"), ("2027-W03..2027-W04", "en", "2 weeks)"),
])
def test_period_says_week_or_weeks(tmp_path: Path, period: str, lang: str, words: str) -> None:
    fig = _fig(load_dataset(make_data(tmp_path / "d")), tmp_path, period, lang)
    for fmt in ("html", "md", "csv"):
        text = render(fig, fmt).decode("utf-8-sig")
        assert words in text, fmt
        assert "1 weken" not in text and "1 weeks" not in text


@pytest.mark.parametrize("fmt", ["html", "md", "csv", "xlsx", "json"])
def test_no_module_name_in_the_report(tmp_path: Path, fmt: str) -> None:
    import io
    import zipfile

    data = render(_fig(load_dataset(make_data(tmp_path / "d")), tmp_path), fmt)
    if fmt == "xlsx":
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            data = b"".join(z.read(n) for n in z.namelist())
    assert b"planner." not in data and b"(planner" not in data


def _without_gemeente_names(root: Path) -> Path:
    """The report's data folder with a wijken file that has gemeente codes but no gemeente names."""
    make_data(root)
    w = wijken().drop(columns=["gemeente_naam"])
    gpd.GeoDataFrame(w, geometry="geometry", crs=w.crs).to_file(root / "wijken.geojson", driver="GeoJSON")
    return root


def test_gemeente_without_a_name_is_shown_by_its_code_once(tmp_path: Path) -> None:
    fig = _fig(load_dataset(_without_gemeente_names(tmp_path / "d")), tmp_path)
    for fmt in ("html", "md", "csv", "json"):
        text = render(fig, fmt).decode("utf-8-sig")
        assert "GM0001 GM0001" not in text and "GM0001, GM0001" not in text, fmt
    assert [r["gemeente_naam"] for r in fig.table("gemeenten").rows] == ["", ""]
    assert {r["subject"] for r in fig.table("verdicts").rows} == {"GM0001", "GM0002"}


def test_gemeenten_csv_names_the_gemeenten(tmp_path: Path) -> None:
    root = _without_gemeente_names(tmp_path / "d")
    (root / "gemeenten.csv").write_text(
        "gemeente_code;gemeente_naam\nGM0001;Alfadorp\ngm0002;Betastad\nGM0363;Amsterdam\n", encoding="utf-8"
    )
    ds = load_dataset(root)
    assert "gemeenten.csv" in ds.files
    fig = _fig(ds, tmp_path)
    assert [(r["gemeente_code"], r["gemeente_naam"]) for r in fig.table("gemeenten").rows] == [
        ("GM0001", "Alfadorp"), ("GM0002", "Betastad")]
    assert "GM0001 Alfadorp, GM0002 Betastad" in render(fig, "md").decode()


@pytest.mark.parametrize(("content", "fragment"), [
    ("gemeente_code;gemeente_naam\nGM01;Alfadorp\n", "gemeenten.csv, row 2, column 'gemeente_code': 'GM01' is not a"),
    ("gemeente_code;gemeente_naam\nGM0001;A\nGM0001;B\n",
     "gemeenten.csv, row 3, column 'gemeente_code': gemeente 'GM0001' appears twice"),
    ("gemeente_code;gemeente_naam\nGM0001;\n", "gemeenten.csv, row 2, column 'gemeente_naam': is empty"),
    ("code;naam\nGM0001;A\n", "gemeenten.csv, row 1, column 'gemeente_code': is missing"),
])
def test_bad_gemeenten_csv_is_one_line_naming_row_and_column(tmp_path: Path, content: str, fragment: str) -> None:
    root = make_data(tmp_path / "d")
    (root / "gemeenten.csv").write_text(content, encoding="utf-8")
    assert fragment in one_error_line(invoke(["validate", root]))


def test_map_tooltip_shows_a_gemeente_code_once(tmp_path: Path) -> None:
    import html

    from planner.maps import build_map
    from planner.roster_io import read_roster

    ds = load_dataset(_without_gemeente_names(tmp_path / "d"))
    roster = read_roster(write(tmp_path / "p3.csv", PLANNED_W03), ds.config.tz, set(ds.config.activities))
    from tests.test_maps import _data

    tips = [html.unescape(f["properties"]["t"]) for f in _data(build_map(ds, roster).html)["wijken"]["features"]]
    assert "gemeente: GM0001<br>" in tips[0] and "GM0001 (GM0001)" not in tips[0]
