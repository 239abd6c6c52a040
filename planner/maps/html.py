"""The interactive coverage map: a self-contained Folium/Leaflet HTML page that renders without internet."""

from __future__ import annotations

import base64
import datetime as dt
import html
import re
from functools import lru_cache
from pathlib import Path
from typing import Any

import folium
import numpy as np
import pandas as pd
from branca.element import Element, MacroElement
from folium.template import Template

from planner.dataset import Dataset
from planner.maps.display import dissolve, script_json, simplify_coverage, to_wgs84_rounded
from planner.maps.figures import DAY_PARTS, wijk_figures
from planner.maps.scales import LAYERS, NO_DATA_COLOUR, Layer, nl_number, nl_pct

GEMEENTE_LAYER = "Gemeentegrenzen"
TEAM_LAYER = "Grenzen basisteams"
_LINE = {"gemeente": ("#000000", 2.2, None), "team": ("#e41a1c", 2.6, "6 4")}


@lru_cache(maxsize=1)
def leaflet_assets() -> tuple[str, str]:
    """Leaflet's JavaScript and CSS from the ``xstatic-leaflet`` package, with its images inlined as data URIs.

    Returns
    -------
    tuple[str, str]
        (js, css), ready to place inside ``<script>`` and ``<style>``.
    """
    import xstatic.pkg.leaflet as xleaflet

    base = Path(xleaflet.BASE_DIR)
    js = (base / "leaflet.js").read_text(encoding="utf-8")
    js = re.sub(r"^//# sourceMappingURL=.*$", "", js, flags=re.MULTILINE)
    css = (base / "leaflet.css").read_text(encoding="utf-8")
    css = re.sub(r"/\*.*?\*/", "", css, flags=re.DOTALL)  # comments only (one names a bug tracker URL)

    def inline(m: re.Match[str]) -> str:
        data = base64.b64encode((base / m.group(1)).read_bytes()).decode("ascii")
        return f"url(data:image/png;base64,{data})"

    css = re.sub(r"url\((images/[\w.-]+\.png)\)", inline, css)
    if "</script" in js.lower() or "</style" in css.lower():  # pragma: no cover - a broken package
        raise RuntimeError("Leaflet assets cannot be inlined")
    return js, css


class _InlineLeaflet(Element):
    """Leaflet JS and CSS inlined into the page head (instead of the CDN links Folium uses by default)."""

    def __init__(self) -> None:
        super().__init__()
        js, css = leaflet_assets()
        self._html = f"<style>{css}</style>\n<script>{js}</script>\n<style>{_PAGE_CSS}</style>"

    def render(self, **kwargs: Any) -> str:
        return self._html


class _Data(MacroElement):
    """A GeoJSON FeatureCollection written once into the page as a JS variable; layers share it."""

    _template = Template("""
        {% macro script(this, kwargs) %}
        var {{ this.get_name() }} = {{ this.json }};
        {% endmacro %}
    """)

    def __init__(self, features: list[dict[str, Any]]) -> None:
        super().__init__()
        self._name = "PlannerData"
        self.json = script_json({"type": "FeatureCollection", "features": features})


class _Choropleth(MacroElement):
    """Polygons of a shared data set coloured by ``properties.c[index]``, tooltip ``t + l[index]``."""

    _template = Template("""
        {% macro script(this, kwargs) %}
        L.geoJson({{ this.data.get_name() }}, {
            style: function (f) {
                return {fillColor: f.properties.c[{{ this.index }}], fillOpacity: {{ this.opacity }},
                        color: "#333333", weight: 0.7, opacity: 0.9};
            },
            onEachFeature: function (f, layer) {
                layer.bindTooltip(f.properties.t + f.properties.l[{{ this.index }}], {sticky: true});
            }
        }).addTo({{ this._parent.get_name() }});
        {% endmacro %}
    """)

    def __init__(self, data: _Data, index: int, opacity: float) -> None:
        super().__init__()
        self._name = "PlannerChoropleth"
        self.data, self.index, self.opacity = data, index, opacity


class _Outline(MacroElement):
    """Boundary lines (gemeenten, teams), not interactive so they never hide the wijk tooltips."""

    _template = Template("""
        {% macro script(this, kwargs) %}
        L.geoJson({{ this.data.get_name() }}, {
            interactive: false,
            style: function () {
                return {fill: false, color: "{{ this.colour }}", weight: {{ this.weight }},
                        dashArray: {{ this.dash }}};
            }
        }).addTo({{ this._parent.get_name() }});
        {% endmacro %}
    """)

    def __init__(self, data: _Data, colour: str, weight: float, dash: str | None) -> None:
        super().__init__()
        self._name = "PlannerOutline"
        self.data, self.colour, self.weight = data, colour, weight
        self.dash = script_json(dash)


class _Legends(MacroElement):
    """One legend per layer in a corner box; it follows the layer control (base layer and overlays)."""

    _template = Template("""
        {% macro script(this, kwargs) %}
        (function () {
            var map = {{ this._parent.get_name() }};
            var legends = {{ this.legends }};
            var overlays = {{ this.overlays }};
            var on = {{ this.shown }};
            var base = {{ this.first }};
            var box;
            var ctl = L.control({position: "bottomright"});
            ctl.onAdd = function () {
                box = L.DomUtil.create("div", "planner-legend");
                L.DomEvent.disableClickPropagation(box);
                return box;
            };
            ctl.addTo(map);
            function draw() {
                var parts = [legends[base] || ""];
                for (var k in overlays) { if (on[k]) { parts.push(overlays[k]); } }
                box.innerHTML = parts.join("");
            }
            map.on("baselayerchange", function (e) { base = e.name; draw(); });
            map.on("overlayadd", function (e) { on[e.name] = true; draw(); });
            map.on("overlayremove", function (e) { on[e.name] = false; draw(); });
            map.attributionControl.setPrefix("Leaflet");
            draw();
        })();
        {% endmacro %}
    """)

    def __init__(self, legends: dict[str, str], overlays: dict[str, str], shown: dict[str, bool], first: str):
        super().__init__()
        self._name = "PlannerLegends"
        self.legends, self.overlays = script_json(legends), script_json(overlays)
        self.shown, self.first = script_json(shown), script_json(first)


class _Title(MacroElement):
    _template = Template("""
        {% macro script(this, kwargs) %}
        (function () {
            var t = L.control({position: "topright"});
            t.onAdd = function () {
                var d = L.DomUtil.create("div", "planner-title");
                d.innerHTML = {{ this.text }};
                return d;
            };
            t.addTo({{ this._parent.get_name() }});
        })();
        {% endmacro %}
    """)

    def __init__(self, text_html: str) -> None:
        super().__init__()
        self._name = "PlannerTitle"
        self.text = script_json(text_html)


_PAGE_CSS = """
.planner-legend, .planner-title { background: rgba(255,255,255,0.92); padding: 6px 9px; border-radius: 4px;
  box-shadow: 0 1px 4px rgba(0,0,0,0.35); font: 12px/1.35 system-ui, sans-serif; color: #222; }
.planner-title { font-size: 14px; font-weight: 600; }
.planner-legend h4 { margin: 0 0 4px 0; font-size: 12px; }
.planner-legend .row { display: flex; align-items: center; gap: 6px; }
.planner-legend .sw { width: 16px; height: 12px; border: 1px solid #555; display: inline-block; }
.planner-legend .ln { width: 18px; height: 0; display: inline-block; }
.planner-legend .sec { margin-top: 6px; }
.leaflet-container { background: #f4f4f2; }
"""


def build_map(
    ds: Dataset,
    roster: pd.DataFrame,
    *,
    week: str | dt.date | None = None,
    show_names: bool = False,
    tiles: bool = False,
    simplify_m: float | None = None,
    figures: pd.DataFrame | None = None,
) -> folium.Map:
    """The coverage map of one week as a Folium map that needs no internet.

    Parameters
    ----------
    ds
        The data folder.
    roster
        Blocks as ``planner.roster_io.read_roster`` returns them.
    week
        ISO week (``2027-W03``) or a date in it; default the roster's first week.
    show_names
        Put officer names in the tooltips (default: only counts, for municipalities).
    tiles
        Add OpenStreetMap background tiles (loaded from the internet when the page is opened).
    simplify_m
        Simplification tolerance in metres; default by the number of wijken (``display.auto_tolerance_m``).
    figures
        Precomputed ``wijk_figures(ds, roster, week)``.

    Returns
    -------
    folium.Map
        Layers: one choropleth per entry of ``scales.LAYERS`` (base layers, one visible at a time, each with
        its legend), gemeente and team boundaries (overlays). Every text from the input files is escaped.
    """
    from concurrent.futures import ThreadPoolExecutor

    # GEOS releases the GIL: simplify the geometry while the figures are computed.
    with ThreadPoolExecutor(max_workers=1) as pool:
        simplified = pool.submit(simplify_coverage, ds.wijken, simplify_m)
        fig = wijk_figures(ds, roster, week) if figures is None else figures
        geoms_rd = simplified.result()
    week_text = str(fig.attrs.get("week", ""))
    wgs = to_wgs84_rounded(geoms_rd)
    minx, miny, maxx, maxy = geoms_rd.to_crs("EPSG:4326").total_bounds

    m = folium.Map(
        location=[(miny + maxy) / 2, (minx + maxx) / 2],
        zoom_start=11,
        tiles=None,
        control_scale=True,
        zoom_snap=0.25,
    )
    # Never the CDN links: Leaflet is inlined below; jQuery, Bootstrap and the icon fonts are not used.
    m.default_js = []
    m.default_css = []
    root: Any = m.get_root()
    root.header.add_child(_InlineLeaflet(), name="planner_leaflet")
    if tiles:
        folium.TileLayer(
            "OpenStreetMap", name="Achtergrond (OpenStreetMap, online)", overlay=True, control=True, show=True
        ).add_to(m)

    features = []
    layer_values = [layer.values(fig) for layer in LAYERS]
    colours = [layer.colour_of(v) for layer, v in zip(LAYERS, layer_values, strict=True)]
    for i, rec in enumerate(fig.to_dict("records")):
        features.append(
            {
                "type": "Feature",
                "geometry": wgs[i],
                "properties": {
                    "t": _tooltip_head(rec, show_names),
                    "l": [_tooltip_line(layer, rec, show_names) for layer in LAYERS],
                    "c": [c[i] for c in colours],
                },
            }
        )
    data = _Data(features)
    m.add_child(data)
    for i, layer in enumerate(LAYERS):
        group = folium.FeatureGroup(name=layer.title, overlay=False, control=True, show=(i == 0))
        group.add_child(_Choropleth(data, i, 0.55 if tiles else 0.8))
        group.add_to(m)

    overlays = {}
    for kind, name, keys, shown in (
        ("gemeente", GEMEENTE_LAYER, list(fig["gemeente_code"]), True),
        ("team", TEAM_LAYER, list(fig["team"]), False),
    ):
        diss = dissolve(geoms_rd, keys)
        if diss.empty:
            continue
        ddata = _Data(
            [{"type": "Feature", "geometry": g, "properties": {}} for g in to_wgs84_rounded(diss.geometry)]
        )
        m.add_child(ddata)
        colour, weight, dash = _LINE[kind]
        group = folium.FeatureGroup(name=name, overlay=True, control=True, show=shown)
        group.add_child(_Outline(ddata, colour, weight, dash))
        group.add_to(m)
        overlays[name] = (shown, _line_legend(name, colour, weight, dash))

    folium.LayerControl(collapsed=False, position="topleft").add_to(m)
    legends = {layer.title: _legend_html(layer) for layer in LAYERS}
    m.add_child(
        _Legends(
            legends,
            {k: v[1] for k, v in overlays.items()},
            {k: v[0] for k, v in overlays.items()},
            LAYERS[0].title,
        )
    )
    team = html.escape(ds.config.team_name)
    m.add_child(_Title(f"Wijkdekking {html.escape(week_text)}" + (f" · {team}" if team else "")))
    m.fit_bounds([[miny, minx], [maxy, maxx]])
    setattr(m, "_planner_figures", fig)  # noqa: B010  (for write_map's PNGs: the same figures, computed once)
    return m


def _tooltip_head(rec: dict[str, Any], show_names: bool) -> str:
    e = html.escape
    inw = rec["inwoners"]
    inw_text = "onbekend" if _nan(inw) else nl_number(inw, 0)
    n_off = len(rec["officer_ids"])
    off_text = str(n_off)
    if show_names and n_off:
        off_text += ": " + ", ".join(e(str(n)) for n in rec["officer_names"])
    team = f"<br>basisteam: {e(rec['team'])}" if rec["team"] else ""
    return (
        f"<b>{e(rec['wijk_naam'])}</b> ({e(rec['wijk_code'])})<br>"
        f"gemeente: {e(rec['gemeente_naam'])} ({e(rec['gemeente_code'])}){team}<br>"
        f"inwoners: {inw_text}<br>wijkagenten: {off_text}<hr style='margin:3px 0'>"
    )


def _tooltip_line(layer: Layer, rec: dict[str, Any], show_names: bool) -> str:
    if layer.key == "own_share":
        if _nan(rec["own_share_mean"]):
            return "eigen wijk: geen wijkagent met beschikbare uren"
        low = nl_pct(rec["own_share_min"])
        if show_names and rec["own_share_min_officer"]:
            idx = rec["officer_ids"].index(rec["own_share_min_officer"])
            low += f" ({html.escape(str(rec['officer_names'][idx]))})"
        return f"eigen wijk: gemiddeld {nl_pct(rec['own_share_mean'])}, laagste {low}"
    if layer.key.startswith("coverage_"):
        part = layer.key.removeprefix("coverage_")
        h0, h1 = DAY_PARTS[part]
        p, d, met = rec[f"presence_h_{part}"], rec[f"demand_h_{part}"], rec[f"met_h_{part}"]
        if d <= 0:
            return f"{part} ({h0:02d}–{h1:02d}): geen vraag; {nl_number(p)} u aanwezig"
        return (
            f"{part} ({h0:02d}–{h1:02d}): {nl_number(met)} van {nl_number(d)} gevraagde u vervuld "
            f"({nl_pct(met / d)}); {nl_number(p)} u aanwezig"
        )
    if layer.key == "per_5000":
        gm = "onbekend" if _nan(rec["gemeente_per_5000"]) else nl_number(rec["gemeente_per_5000"], 2)
        if _nan(rec["inwoners"]):
            own = "onbekend (inwoners onbekend)"
        elif _nan(rec["per_5000"]):
            own = "— (geen inwoners)"
        else:
            own = nl_number(rec["per_5000"], 2)
        return f"per 5.000 inwoners: {own}<br>gemeente: {gm} per 5.000"
    if layer.key == "unmet":
        return f"onvervulde vraag: {nl_number(rec['unmet_h'])} u van {nl_number(rec['demand_h'])} u"
    raise KeyError(layer.key)  # pragma: no cover


def _legend_html(layer: Layer) -> str:
    rows = "".join(
        f"<div class='row'><span class='sw' style='background:{c}'></span>{html.escape(label)}</div>"
        for c, label in zip(layer.colours, layer.labels, strict=True)
    )
    rows += (
        f"<div class='row'><span class='sw' style='background:{NO_DATA_COLOUR}'></span>"
        f"{html.escape(layer.nan_label)}</div>"
    )
    return f"<h4>{html.escape(layer.title)}</h4>{rows}"


def _line_legend(name: str, colour: str, weight: float, dash: str | None) -> str:
    style = f"border-top:{weight:g}px {'dashed' if dash else 'solid'} {colour}"
    return f"<div class='row sec'><span class='ln' style='{style}'></span>{html.escape(name)}</div>"


def _nan(v: Any) -> bool:
    return v is None or (isinstance(v, float) and np.isnan(v))
