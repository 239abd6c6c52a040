"""Coverage maps: the per-wijk figures on a hand case, the offline and escaped HTML, a real browser, the CLI."""

from __future__ import annotations

import math
import re
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import pytest
from typer.testing import CliRunner

from planner.cli import app
from planner.dataset import load_dataset
from planner.maps import LAYERS, build_map, wijk_figures, write_map
from planner.roster_io import read_roster
from tests._maps_helpers import HOSTILE_GEMEENTE, HOSTILE_WIJK, WEEK, make_data, make_roster

CHROMIUM = shutil.which("chromium") or ("/usr/bin/chromium" if Path("/usr/bin/chromium").exists() else None)
SHARED = Path(__file__).resolve().parents[2] / "shared"
GOOI = SHARED / "data" / "cbs-wijken-gooi-2020" / "wijk_2020_gooi_en_vechtstreek_rd.geojson"
#: The only absolute URLs allowed anywhere in the page: Leaflet's licence header and its default attribution
#: link (replaced at run time by plain "Leaflet"), and the SVG namespace name (an identifier, never fetched).
ALLOWED_URLS = {"https://leafletjs.com", "http://www.w3.org/2000/svg"}


@pytest.fixture
def case(tmp_path: Path):
    ds = load_dataset(make_data(tmp_path / "data"))
    roster = read_roster(
        make_roster(tmp_path / "out" / "roster.csv"), ds.config.tz, set(ds.config.activities)
    )
    return ds, roster


def _fig(case):
    ds, roster = case
    return wijk_figures(ds, roster).set_index("wijk_code")


def test_wijk_figures_own_wijk_share(case) -> None:
    # A: 8 h + 4 h wijk of 40 h available = 30 %. B: 8 h wijk of 40 h minus Wednesday's leave (capped at a
    # working day of 40/5 = 8 h) = 8/32 = 25 %. Centrum (A, B): mean 27.5 %, lowest 25 % (B).
    # C: 16 h own wijk (two wijken) of 36 h = 44.4 % in both of C's wijken; Eilanden has no officer: NaN.
    f = _fig(case)
    assert f.loc["WK999901", "own_share_mean"] == pytest.approx(0.275)
    assert f.loc["WK999901", "own_share_min"] == pytest.approx(0.25)
    assert f.loc["WK999901", "own_share_min_officer"] == "B"
    assert f.loc["WK999902", "own_share_mean"] == pytest.approx(16 / 36)
    assert f.loc["WK999801", "own_share_min"] == pytest.approx(16 / 36)
    assert math.isnan(f.loc["WK999802", "own_share_mean"])


def test_wijk_figures_demand_met_and_unmet(case) -> None:
    # Centrum wants 2 officers Monday 10-18 (16 officer-hours). A is there 08-16, B 14-22:
    # 10-14 one of two (4 h met, 4 short), 14-16 both (4 met), 16-18 one (2 met, 2 short): met 10, unmet 6.
    # Ochtend (06-12): wanted 4, met 2 -> 50 %; middag (12-18): wanted 12, met 8. Avond: B's 4 h, no demand.
    f = _fig(case)
    c = f.loc["WK999901"]
    assert (c["demand_h"], c["presence_h"], c["unmet_h"]) == pytest.approx((16, 20, 6))
    assert c["coverage"] == pytest.approx(10 / 16)
    assert (c["demand_h_ochtend"], c["met_h_ochtend"], c["coverage_ochtend"]) == pytest.approx((4, 2, 0.5))
    assert (c["demand_h_middag"], c["met_h_middag"]) == pytest.approx((12, 8))
    assert c["presence_h_avond"] == pytest.approx(4) and math.isnan(c["coverage_avond"])
    # Noord: Tuesday 22-02 (crosses midnight), C there 20-04: all met; 2 h avond, 2 h nacht.
    n = f.loc["WK999801"]
    assert (n["demand_h"], n["unmet_h"], n["demand_h_avond"], n["demand_h_nacht"]) == pytest.approx(
        (4, 0, 2, 2)
    )
    assert n["coverage_nacht"] == pytest.approx(1.0)
    # The second wijk: a dated demand on Tuesday 09-12 (3 h, C came on Monday) is unmet; the one dated
    # 2027-01-26 lies in the next week and does not count.
    assert (f.loc["WK999902", "demand_h"], f.loc["WK999902", "unmet_h"]) == pytest.approx((3, 3))


def test_wijk_figures_officers_per_5000(case) -> None:
    # Centrum: 2 officers / 10,000 inhabitants = 1.0 per 5,000. C works two wijken: 0.5 in each, so the
    # second wijk (5,000) has 0.5. Noord's population is unknown: NaN, never 0. Eilanden: a known 0.
    # Gemeente GM9999: 2.5 officers / 15,000 = 0.833 per 5,000; GM9998 has an unknown wijk: NaN.
    f = _fig(case)
    assert f.loc["WK999901", "per_5000"] == pytest.approx(1.0)
    assert f.loc["WK999902", "per_5000"] == pytest.approx(0.5)
    assert math.isnan(f.loc["WK999801", "per_5000"])
    assert f.loc["WK999802", "per_5000"] == 0
    assert f.loc["WK999901", "gemeente_per_5000"] == pytest.approx(2.5 / 15000 * 5000)
    assert math.isnan(f.loc["WK999801", "gemeente_per_5000"])


def test_wijk_figures_week_without_blocks_is_empty_not_an_error(case) -> None:
    ds, roster = case
    f = wijk_figures(ds, roster, "2027-W04").set_index("wijk_code")
    assert f["presence_h"].sum() == 0
    assert f.loc["WK999902", "demand_h"] == pytest.approx(15)  # dated 2027-01-26: 5 officers x 3 h


class _Refs(HTMLParser):
    """Every src/href attribute of a real element (text inside <script> is not parsed as elements)."""

    def __init__(self) -> None:
        super().__init__()
        self.refs: list[str] = []
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        for k, v in attrs:
            if k in ("src", "href") and v is not None:
                self.refs.append(v)


def _html(case, **kw) -> str:
    ds, roster = case
    return build_map(ds, roster, **kw).html


def _data(page: str) -> dict:
    """The page's one data block (``<script type="application/json" id="planner-data">``)."""
    import json

    m = re.search(r'<script type="application/json" id="planner-data">(.*?)</script>', page, re.DOTALL)
    assert m, "no data block"
    return json.loads(m.group(1))


def test_html_has_no_external_url(case) -> None:
    page = _html(case)
    p = _Refs()
    p.feed(page)
    assert p.refs == []  # no <script src>, no <link href>: everything is inline
    assert not re.search(r"url\(\s*['\"]?(https?:)?//", page)  # no CSS url() to a server
    assert "@import" not in page
    assert set(re.findall(r"https?://[\w./-]*\w", page)) <= ALLOWED_URLS
    for cdn in (
        "cdn.jsdelivr",
        "cdnjs",
        "code.jquery",
        "bootstrapcdn",
        "fonts.googleapis",
        "tile.openstreetmap",
    ):
        assert cdn not in page


def test_html_tiles_flag_adds_only_the_tile_server(case) -> None:
    page = _html(case, tiles=True)
    assert "tile.openstreetmap.org" in page
    assert "cdn.jsdelivr" not in page and "code.jquery" not in page


def test_hostile_names_are_escaped_in_html_source(case) -> None:
    page = _html(case, show_names=True)
    assert HOSTILE_WIJK not in page
    assert HOSTILE_GEMEENTE not in page
    assert "<img src=x" not in page and "<script>window" not in page
    # html.escape, then JSON with < > & as \\u escapes: the text shows as typed, as text.
    assert "\\u0026lt;img src=x onerror=alert(1)\\u0026gt;" in page
    assert "Anna \\u0026lt;b\\u0026gt;Bold" in page  # officer names too (only with show_names)
    assert "Anna" not in _html(case)


def test_same_inputs_give_the_same_page_byte_for_byte(case) -> None:
    """Folium names its JS variables with random ids; the map numbers them, so a page can be compared or diffed."""
    assert _html(case) == _html(case)


def test_map_has_a_layer_and_legend_per_figure(case) -> None:
    page = _html(case)
    data = _data(page)
    assert [x["title"] for x in data["layers"]] == [layer.title for layer in LAYERS]
    assert set(data["legends"]) == {layer.title for layer in LAYERS}
    assert [o["name"] for o in data["outlines"]] == ["Gemeentegrenzen", "Grenzen basisteams"]
    assert page.count('"type":"FeatureCollection"') == 3  # wijk geometry written once, shared by the layers
    for f in data["wijken"]["features"]:
        assert len(f["properties"]["l"]) == len(f["properties"]["c"]) == len(LAYERS)


@pytest.mark.skipif(not GOOI.exists(), reason="shared CBS Gooi polygons not present (../shared)")
def test_gooi_simplified_coverage_keeps_shared_borders(tmp_path: Path) -> None:
    import geopandas as gpd
    import shapely

    from planner.geo import read_wijken
    from planner.maps.display import simplify_coverage

    wijken = read_wijken(GOOI)
    simple = simplify_coverage(wijken, 50.0)
    assert len(simple) == len(wijken) == 37
    assert shapely.coverage_is_valid(simple.values)
    assert isinstance(simple, gpd.GeoSeries) and simple.crs == wijken.crs


def _chromium(args: list[str], tmp_path: Path) -> subprocess.CompletedProcess[str]:
    base = [
        CHROMIUM,
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--host-resolver-rules=MAP * ~NOTFOUND",
        "--disable-background-networking",
        "--no-first-run",
        "--disable-component-update",
        "--disable-sync",
        f"--user-data-dir={tmp_path / 'chrome-profile'}",
        "--virtual-time-budget=5000",
    ]
    return subprocess.run(base + args, capture_output=True, text=True, timeout=120, check=False)


#: Appended to a copy of the page: opens every tooltip of the visible layers (tooltips enter the DOM only on
#: hover) and writes whether the hostile gemeente name ran as script into the title.
_PROBE = """<script>
(function () {
  var m = null;
  for (var k in window) { try { if (window[k] instanceof L.Map) { m = window[k]; } } catch (e) {} }
  m.eachLayer(function (l) { if (l.getTooltip && l.getTooltip()) { l.openTooltip(l.getBounds().getCenter()); } });
  document.title = "pwned=" + String(window.__pwned);
})();
</script>"""


@pytest.mark.browser
@pytest.mark.skipif(CHROMIUM is None, reason="chromium not installed (CI: apt-get install -y chromium)")
def test_browser_renders_one_path_per_wijk_and_runs_no_injected_script(case, tmp_path: Path) -> None:
    ds, roster = case
    out = tmp_path / "maps" / "coverage.html"
    write_map(ds, roster, out, show_names=True)
    probe = tmp_path / "maps" / "probe.html"
    probe.write_text(out.read_text(encoding="utf-8").replace("</html>", _PROBE + "</html>"), encoding="utf-8")
    res = _chromium(["--dump-dom", probe.as_uri()], tmp_path)
    dom = res.stdout
    assert "leaflet-container" in dom, res.stderr[-2000:]
    # One interactive path per wijk in the visible layer (a two-part wijk is one path with two rings);
    # the boundary lines are not interactive.
    assert len(re.findall(r'<path[^>]*class="[^"]*leaflet-interactive', dom)) == len(ds.wijken)
    assert "<title>pwned=undefined</title>" in dom
    assert '<img src="x"' not in dom and "<img src=x" not in dom
    assert "&lt;img src=x onerror=alert(1)&gt;" in dom  # shown as text in the tooltip
    assert "&lt;script&gt;window.__pwned=1&lt;/script&gt;" in dom
    assert "Eigen-wijkaandeel" in dom  # the legend


@pytest.mark.browser
@pytest.mark.skipif(CHROMIUM is None, reason="chromium not installed (CI: apt-get install -y chromium)")
def test_browser_screenshot_shows_the_map(case, tmp_path: Path) -> None:
    ds, roster = case
    out = tmp_path / "coverage.html"
    write_map(ds, roster, out)
    shot = tmp_path / "shot.png"
    _chromium(["--hide-scrollbars", "--window-size=1000,700", f"--screenshot={shot}", out.as_uri()], tmp_path)
    assert shot.exists() and shot.stat().st_size > 10_000


runner = CliRunner()


def test_cli_map_happy_path(case, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    res = runner.invoke(app, ["map", "data", "--roster", "out/roster.csv", "--png"])
    assert res.exit_code == 0, res.output
    html_path = tmp_path / "maps" / f"coverage-{WEEK}.html"
    assert html_path.exists()
    pngs = sorted((tmp_path / "maps").glob("*.png"))
    assert [p.name for p in pngs] == sorted(f"coverage-{WEEK}-{layer.key}.png" for layer in LAYERS)
    assert all(p.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" for p in pngs)
    assert not list((tmp_path / "maps").glob(".*"))  # no temporary files left behind


def test_cli_map_bad_roster_path(case, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    res = runner.invoke(app, ["map", "data", "--roster", "out/missing.csv"])
    assert res.exit_code == 2
    assert "missing.csv" in res.output and "does not exist" in res.output
    assert len(res.output.strip().splitlines()) == 1
    assert not (tmp_path / "maps").exists()


def test_cli_map_week_not_in_roster(case, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    res = runner.invoke(app, ["map", "data", "--roster", "out/roster.csv", "--week", "2027-W09"])
    assert res.exit_code == 2
    assert "no blocks in week 2027-W09" in res.output and WEEK in res.output
    assert not (tmp_path / "maps").exists()


def test_cli_map_unknown_wijk_in_roster(case, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    bad = tmp_path / "out" / "bad.csv"
    bad.write_text((tmp_path / "out" / "roster.csv").read_text().replace("WK999902", "WK123456"))
    res = runner.invoke(app, ["map", "data", "--roster", str(bad)])
    assert (
        res.exit_code == 2 and "bad.csv" in res.output and "WK123456" in res.output and "row 6" in res.output
    )


def test_cli_map_help_text_everywhere() -> None:
    res = runner.invoke(app, ["map", "--help"])
    assert res.exit_code == 0
    from typer.main import get_command

    cmd = get_command(app).commands["map"]  # type: ignore[attr-defined]
    assert cmd.help
    for param in cmd.params:
        assert getattr(param, "help", None) or param.name == "data_dir", param.name


# ---- input text is data: never template source --------------------------------------------------------------

#: Jinja2 payloads without quotes (quotes would be escaped anyway): 49 when rendered, a folder when run.
INJECTED = "{{7*7}} {{ lipsum.__globals__.os.mkdir(dict(pwned_by_map=1)|first) }} {% if 1 %}RAN_IF{% endif %}"


def test_template_syntax_in_names_is_shown_not_run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A team, wijk or officer name holding Jinja2 syntax reaches the page as text: no 49, no folder made."""
    import html as htmllib

    monkeypatch.chdir(tmp_path)
    root = make_data(tmp_path / "data")
    (root / "planner.toml").write_text(f'[team]\nname = "{INJECTED}"\n', encoding="utf-8")
    (root / "officers.csv").write_text(
        (root / "officers.csv").read_text(encoding="utf-8").replace("Bram", INJECTED), encoding="utf-8"
    )
    ds = load_dataset(root)
    roster = read_roster(make_roster(tmp_path / "out" / "roster.csv"), ds.config.tz, set(ds.config.activities))
    page = build_map(ds, roster, show_names=True).html
    data = _data(page)
    assert data["title"].endswith(INJECTED)
    tips = "".join(htmllib.unescape(f["properties"]["t"]) for f in data["wijken"]["features"])
    assert INJECTED in tips  # Bram's name, as typed
    # Decoded as the browser reads it (JSON \\u escapes, then character references), the page holds the
    # payload only as typed: nothing of it is left once every copy of it is taken out.
    shown = htmllib.unescape(re.sub(r"\\u([0-9a-fA-F]{4})", lambda m: chr(int(m.group(1), 16)), page))
    assert INJECTED in shown and "RAN_IF" not in shown.replace(INJECTED, "")
    assert not (tmp_path / "pwned_by_map").exists()


# ---- wijk labels --------------------------------------------------------------------------------------------


def test_every_wijk_has_a_label_that_shows_once_it_fits(case) -> None:
    """One label per wijk (name and code); a small wijk's label appears only at a higher zoom than a big one's."""
    from planner.maps.display import label_min_zoom

    ds, _ = case
    labels = _data(_html(case))["labels"]
    assert [(lb["name"], lb["code"]) for lb in labels] == list(zip(ds.wijken["wijk_naam"], ds.wijken["wijk_code"],
                                                                   strict=True))
    by_code = {lb["code"]: lb for lb in labels}
    # Noord is 2 km wide, Centrum 1 km: Noord's label fits one zoom level (a factor 2) earlier.
    assert by_code["WK999801"]["min_zoom"] < by_code["WK999901"]["min_zoom"]
    # The label point lies inside its wijk (the two-part Eilanden: inside one of its parts).
    import shapely

    wgs = ds.wijken.to_crs("EPSG:4326")
    for lb, geom in zip(labels, wgs.geometry, strict=True):
        assert geom.buffer(1e-6).contains(shapely.Point(lb["lon"], lb["lat"])), lb["code"]
    # Twice the room: the label fits exactly one zoom level earlier.
    assert label_min_zoom(2000, 2000, 52.0, 8) == pytest.approx(label_min_zoom(1000, 1000, 52.0, 8) - 1, abs=0.25)


def test_png_has_labels_and_the_legend_beside_the_map(case) -> None:
    """The PNG names its wijken, and the legend box lies outside the map's area (it covers no wijk)."""
    from planner.maps.display import dissolve, simplify_coverage
    from planner.maps.png import layer_figure

    ds, roster = case
    fig = wijk_figures(ds, roster)
    geoms = simplify_coverage(ds.wijken)
    layer = LAYERS[0]
    figure = layer_figure(geoms, fig, dissolve(geoms, list(fig["gemeente_code"])), layer, layer.values(fig))
    figure.canvas.draw()
    ax = figure.axes[0]
    texts = [t.get_text() for t in ax.texts]
    assert "Centrum\nWK999901" in texts and "Noord\nWK999801" in texts
    legend = ax.get_legend().get_window_extent()
    minx, miny, maxx, maxy = geoms.total_bounds
    (x0, y0), (x1, y1) = ax.transData.transform([(minx, miny), (maxx, maxy)])
    assert legend.x0 >= x1 or legend.x1 <= x0 or legend.y0 >= y1 or legend.y1 <= y0, (legend, (x0, y0, x1, y1))


@pytest.mark.browser
@pytest.mark.skipif(CHROMIUM is None, reason="chromium not installed (CI: apt-get install -y chromium)")
def test_browser_shows_wijk_labels_as_text(case, tmp_path: Path) -> None:
    ds, roster = case
    out = tmp_path / "coverage.html"
    write_map(ds, roster, out)
    dom = _chromium(["--window-size=1200,900", "--dump-dom", out.as_uri()], tmp_path).stdout
    shown = re.findall(r'class="leaflet-tooltip planner-label[^"]*"[^>]*><span><span>([^<]*)</span>', dom)
    assert "Centrum" in shown and "Noord" in shown
    assert "&lt;img src=x onerror=alert(1)&gt;" in shown
    assert '<img src="x"' not in dom


# ---- privacy: minimum group size on the municipal map ---------------------------------------------------------


def test_municipal_map_combines_wijken_of_few_officers(case) -> None:
    """GM9998 has one officer (C), Centrum two (A, B), the second wijk one (C): with the default minimum of 3,
    no wijk shows its own figures on the municipal map. GM9998 is pooled with GM9999 (the smallest other
    gemeente) into one group of A, B, C; its wijken show that group's mean share (30 % + 25 % + 44.4 %) / 3.
    The internal map (--names) shows each wijk's own figures."""
    ds, roster = case
    municipal = build_map(ds, roster).figures.set_index("wijk_code")
    internal = build_map(ds, roster, show_names=True).figures.set_index("wijk_code")
    group_mean = (0.30 + 0.25 + 16 / 36) / 3
    for code in ("WK999901", "WK999902", "WK999801"):
        assert municipal.loc[code, "own_share_mean"] == pytest.approx(group_mean)
        assert municipal.loc[code, "group_officers"] == 3
    assert internal.loc["WK999901", "own_share_mean"] == pytest.approx(0.275)
    assert internal.loc["WK999801", "own_share_mean"] == pytest.approx(16 / 36)
    # Hours add up over the group: the pool's unmet demand is Centrum's 6 h + 3 h + Noord's 0 h.
    assert municipal.loc["WK999801", "unmet_h"] == pytest.approx(9)
    # Head counts and officers per 5,000 stay per wijk.
    assert municipal.loc["WK999901", "per_5000"] == pytest.approx(1.0)
    page = _html(case)
    assert "cijfers van de groep" in page and "minder dan 3 wijkagenten" in page


def test_municipal_map_withholds_when_the_region_is_too_small(case) -> None:
    """With a minimum of 4 and three officers in the whole folder, no hours-based figure is shown at all."""
    import dataclasses

    from planner.config import Privacy

    ds, roster = case
    ds4 = dataclasses.replace(ds, config=dataclasses.replace(ds.config, privacy=Privacy(4)))
    fig = build_map(ds4, roster).figures
    assert fig["own_share_mean"].isna().all() and fig.loc[fig["group_kind"] == "withheld", "unmet_h"].isna().all()
    assert (fig["group_kind"].isin(["withheld", "alone"])).all()
    assert fig["per_5000"].notna().sum() >= 2
    data = _data(build_map(ds4, roster).html)
    assert all("geen cijfers" in f["properties"]["l"][0] for f, k in zip(data["wijken"]["features"],
                                                                           fig["group_kind"], strict=True)
               if k == "withheld")
