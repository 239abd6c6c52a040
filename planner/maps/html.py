"""The interactive coverage map: a Folium/Leaflet page that renders without internet.

Folium renders each element's output a second time as Jinja2 template source, so every text from the input
files reaches Folium through ``planner.pages.folium_data`` (JSON) or ``planner.pages.folium_html`` (HTML) only:
inert as template source, escaped for where it lands (docs/maps.md, "Offline and safe").
"""

from __future__ import annotations

import base64
import datetime as dt
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import folium
import geopandas as gpd
import numpy as np
import pandas as pd
from branca.element import Element, MacroElement
from folium.template import Template

from planner.dataset import Dataset
from planner.maps.display import (
    dissolve,
    label_min_zoom,
    label_points,
    simplify_coverage,
    to_wgs84_rounded,
)
from planner.maps.figures import DAY_PARTS, group_figures, wijk_figures
from planner.maps.scales import LAYERS, NO_DATA_COLOUR, Layer, nl_number, nl_pct
from planner.pages import Inert, InertData, InertHtml, folium_data, folium_html

GEMEENTE_LAYER = "Gemeentegrenzen"
TEAM_LAYER = "Grenzen basisteams"
LABEL_LAYER = "Wijknamen"
TILES_LAYER = "Achtergrond (OpenStreetMap, online)"
_OSM_URL = "https://tile.openstreetmap.org/{z}/{x}/{y}.png"
_OSM_ATTRIBUTION = "&copy; OpenStreetMap-bijdragers"
_LINE: dict[str, tuple[str, float, str | None]] = {"gemeente": ("#000000", 2.2, None), "team": ("#e41a1c", 2.6,
                                                                                                "6 4")}


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


_PAGE_CSS = """
html, body { height: 100%; margin: 0; }
.leaflet-container { background: #f4f4f2; }
.planner-legend, .planner-title { background: rgba(255,255,255,0.92); padding: 6px 9px; border-radius: 4px;
  box-shadow: 0 1px 4px rgba(0,0,0,0.35); font: 12px/1.35 system-ui, sans-serif; color: #222; }
.planner-title { font-size: 14px; font-weight: 600; max-width: 40vw; overflow-wrap: anywhere; }
.planner-legend h4 { margin: 0 0 4px 0; font-size: 12px; }
.planner-legend .row { display: flex; align-items: center; gap: 6px; }
.planner-legend .sw { width: 16px; height: 12px; border: 1px solid #555; display: inline-block; }
.planner-legend .ln { width: 18px; height: 0; display: inline-block; }
.planner-legend .sec { margin-top: 6px; }
.planner-legend .note { margin-top: 6px; max-width: 260px; color: #444; }
.leaflet-tooltip.planner-label { background: transparent; border: 0; box-shadow: none; padding: 0; color: #111;
  font: 600 11px/1.15 system-ui, sans-serif; text-align: center; white-space: nowrap;
  text-shadow: 0 0 2px #fff, 0 0 2px #fff, 0 0 3px #fff, 0 0 4px #fff; }
.leaflet-tooltip.planner-label::before { display: none; }
.planner-label .code { display: block; font-weight: 400; font-size: 10px; color: #333; }
@media print { .leaflet-control-layers { display: none; } }
"""


class _LeafletCss(Element):
    """Leaflet's CSS and the page's own, inlined into the head (Folium would link a CDN)."""

    def render(self, **kwargs: Any) -> str:
        return f"<style>{leaflet_assets()[1]}</style>\n<style>{_PAGE_CSS}</style>"


class _LeafletJs(Element):
    """Leaflet's JavaScript, inlined as the first part of the page's script (Folium would link a CDN)."""

    def render(self, **kwargs: Any) -> str:
        return leaflet_assets()[0]


class _Element(MacroElement):
    """A planner element of the Folium map. Every text its template shows is :class:`planner.pages.Inert`: a
    string that is not (``folium_data``, ``folium_html``) is refused here, so it never reaches the template."""

    def __setattr__(self, key: str, value: Any) -> None:
        if not key.startswith("_") and isinstance(value, str) and not isinstance(value, Inert):
            raise TypeError(f"{type(self).__name__}.{key}: text for Folium must come from folium_data or folium_html")
        super().__setattr__(key, value)


class _Data(_Element):
    """The page's one data block: geometry, tooltips, labels, legends, title (``folium_data``); layers share it."""

    _template = Template("""
        {% macro html(this, kwargs) %}
        <script type="application/json" id="planner-data">{{ this.json }}</script>
        {% endmacro %}
        {% macro script(this, kwargs) %}
        var {{ this.get_name() }} = JSON.parse(document.getElementById("planner-data").textContent);
        {% endmacro %}
    """)

    def __init__(self, json: InertData) -> None:
        super().__init__()
        self._name = "PlannerData"
        self.json = json


class _Choropleth(_Element):
    """The wijken coloured by figure ``index`` of ``scales.LAYERS``, with its tooltip, in a base layer."""

    _template = Template("""
        {% macro script(this, kwargs) %}
        L.geoJSON({{ this.data.get_name() }}.wijken, {
            style: function (f) {
                return {fillColor: f.properties.c[{{ this.index }}], fillOpacity: {{ this.data.get_name() }}.opacity,
                        color: "#333333", weight: 0.7, opacity: 0.9};
            },
            onEachFeature: function (f, l) {
                l.bindTooltip(f.properties.t + f.properties.l[{{ this.index }}], {sticky: true});
            }
        }).addTo({{ this._parent.get_name() }});
        {% endmacro %}
    """)

    def __init__(self, data: _Data, index: int) -> None:
        super().__init__()
        self._name = "PlannerChoropleth"
        self.data, self.index = data, index


class _Outline(_Element):
    """Boundary lines (gemeenten, teams) of ``outlines[index]``: not interactive, so they never hide a tooltip."""

    _template = Template("""
        {% macro script(this, kwargs) %}
        (function (o) {
            L.geoJSON(o.data, {
                interactive: false,
                style: function () { return {fill: false, color: o.colour, weight: o.weight, dashArray: o.dash}; }
            }).addTo({{ this._parent.get_name() }});
        })({{ this.data.get_name() }}.outlines[{{ this.index }}]);
        {% endmacro %}
    """)

    def __init__(self, data: _Data, index: int) -> None:
        super().__init__()
        self._name = "PlannerOutline"
        self.data, self.index = data, index


class _Labels(_Element):
    """Permanent wijk labels (text set with ``textContent``); a label shows from the zoom level at which it fits
    inside its wijk, and where two would overlap on screen the smaller wijk's waits for a closer zoom."""

    _template = Template("""
        {% macro script(this, kwargs) %}
        (function (D, map, labels) {
            var items = D.labels.map(function (lb) {
                var el = document.createElement("span");
                var name = document.createElement("span");
                name.textContent = lb.name;
                el.appendChild(name);
                if (lb.code) {
                    var code = document.createElement("span");
                    code.className = "code";
                    code.textContent = lb.code;
                    el.appendChild(code);
                }
                var t = L.tooltip({permanent: true, direction: "center", className: "planner-label",
                                   interactive: false}).setLatLng([lb.lat, lb.lon]).setContent(el);
                return {tooltip: t, minZoom: lb.min_zoom, room: lb.room};
            });
            var byRoom = items.slice().sort(function (a, b) { return b.room - a.room; });
            function refresh() {
                var z = map.getZoom();
                items.forEach(function (it) {
                    var fits = z >= it.minZoom;
                    if (fits && !labels.hasLayer(it.tooltip)) { labels.addLayer(it.tooltip); }
                    if (!fits && labels.hasLayer(it.tooltip)) { labels.removeLayer(it.tooltip); }
                });
                if (!map.hasLayer(labels)) { return; }
                var placed = [];
                byRoom.forEach(function (it) {
                    var el = it.tooltip.getElement();
                    if (!el || !labels.hasLayer(it.tooltip)) { return; }
                    el.style.visibility = "";
                    var r = el.getBoundingClientRect();
                    var clash = placed.some(function (q) {
                        return r.left < q.right && q.left < r.right && r.top < q.bottom && q.top < r.bottom;
                    });
                    if (clash) { el.style.visibility = "hidden"; } else { placed.push(r); }
                });
            }
            map.on("zoomend", refresh);
            map.on("overlayadd", function (e) { if (e.layer === labels) { refresh(); } });
            map.whenReady(refresh);
        })({{ this.data.get_name() }}, {{ this.map.get_name() }}, {{ this._parent.get_name() }});
        {% endmacro %}
    """)

    def __init__(self, data: _Data, map: folium.Map) -> None:
        super().__init__()
        self._name = "PlannerLabels"
        self.data, self.map = data, map


class _Controls(_Element):
    """Title, scale and legend. The legend follows the layer control: the visible layer's classes, the boundary
    overlays that are on, and the note on small groups. Layers are matched as objects, not by their names."""

    _template = Template("""
        {% macro script(this, kwargs) %}
        (function (D, map, bases, outlines) {
            document.documentElement.lang = "nl";
            map.attributionControl.setPrefix("Leaflet");
            map.getContainer().setAttribute("role", "application");
            map.getContainer().setAttribute("aria-label", D.title);
            L.control.scale({imperial: false}).addTo(map);
            var title = L.control({position: "topright"});
            title.onAdd = function () {
                var d = L.DomUtil.create("div", "planner-title");
                d.textContent = D.title;
                return d;
            };
            title.addTo(map);
            var box;
            var legend = L.control({position: "bottomright"});
            legend.onAdd = function () {
                box = L.DomUtil.create("div", "planner-legend");
                L.DomEvent.disableClickPropagation(box);
                return box;
            };
            legend.addTo(map);
            var current = 0;
            function draw() {
                var parts = [D.legends[D.layers[current].title] || ""];
                outlines.forEach(function (layer, i) {
                    if (map.hasLayer(layer)) { parts.push(D.outlines[i].legend); }
                });
                if (D.note) { parts.push(D.note); }
                box.innerHTML = parts.join("");
            }
            map.on("baselayerchange", function (e) {
                var i = bases.indexOf(e.layer);
                if (i >= 0) { current = i; }
                draw();
            });
            map.on("overlayadd overlayremove", draw);
            draw();
        })({{ this.data.get_name() }}, {{ this._parent.get_name() }},
           [{% for b in this.bases %}{{ b.get_name() }}{{ ", " if not loop.last }}{% endfor %}],
           [{% for o in this.outlines %}{{ o.get_name() }}{{ ", " if not loop.last }}{% endfor %}]);
        {% endmacro %}
    """)

    def __init__(self, data: _Data, bases: list[folium.FeatureGroup], outlines: list[folium.FeatureGroup]) -> None:
        super().__init__()
        self._name = "PlannerControls"
        self.data, self.bases, self.outlines = data, bases, outlines


@dataclass
class MapPage:
    """A rendered coverage map: the page, the figures it shows and the display geometry (RD New)."""

    html: str
    figures: pd.DataFrame
    geoms_rd: gpd.GeoSeries
    internal: bool


def build_map(
    ds: Dataset,
    roster: pd.DataFrame,
    *,
    week: str | dt.date | None = None,
    show_names: bool = False,
    tiles: bool = False,
    simplify_m: float | None = None,
    figures: pd.DataFrame | None = None,
) -> MapPage:
    """The coverage map of one week as one self-contained Folium page (Leaflet inlined, no internet needed).

    Parameters
    ----------
    ds
        The data folder.
    roster
        Blocks as ``planner.roster_io.read_roster`` returns them.
    week
        ISO week (``2027-W03``) or a date in it; default the roster's first week.
    show_names
        The police-internal map: officer names in the tooltips and figures per wijk however few officers it
        has. Without it (the municipal map) there are no names, and wijken with fewer than
        ``[privacy] min_group_size`` officers show the figures of their group (``planner.privacy``).
    tiles
        Add OpenStreetMap background tiles (loaded from the internet when the page is opened).
    simplify_m
        Simplification tolerance in metres; default by the number of wijken (``display.auto_tolerance_m``).
    figures
        Precomputed ``wijk_figures(ds, roster, week)``.

    Returns
    -------
    MapPage
        Layers: one choropleth per entry of ``scales.LAYERS`` (base layers, one visible at a time, each with
        its legend), gemeente and team boundaries and wijk labels (overlays). Text from the input files reaches
        Folium only through ``planner.pages.folium_data`` and ``folium_html``.
    """
    from concurrent.futures import ThreadPoolExecutor

    from planner.privacy import dataset_groups

    # GEOS releases the GIL: simplify the geometry while the figures are computed.
    with ThreadPoolExecutor(max_workers=1) as pool:
        simplified = pool.submit(simplify_coverage, ds.wijken, simplify_m)
        raw = wijk_figures(ds, roster, week) if figures is None else figures
        geoms_rd = simplified.result()
    k = ds.config.privacy.min_group_size
    fig = group_figures(raw, {} if show_names else dataset_groups(ds)[1])
    week_text = str(fig.attrs.get("week", ""))
    wgs = to_wgs84_rounded(geoms_rd)
    minx, miny, maxx, maxy = geoms_rd.to_crs("EPSG:4326").total_bounds

    layer_values = [layer.values(fig) for layer in LAYERS]
    colours = [layer.colour_of(v) for layer, v in zip(LAYERS, layer_values, strict=True)]
    features = []
    for i, rec in enumerate(fig.to_dict("records")):
        features.append(
            {
                "type": "Feature",
                "geometry": wgs[i],
                "properties": {
                    "t": _tooltip_head(rec, show_names, k),
                    "l": [_tooltip_line(layer, rec, show_names) for layer in LAYERS],
                    "c": [c[i] for c in colours],
                },
            }
        )

    outlines = []
    for kind, name, keys, shown in (
        ("gemeente", GEMEENTE_LAYER, list(fig["gemeente_code"]), True),
        ("team", TEAM_LAYER, list(fig["team"]), False),
    ):
        diss = dissolve(geoms_rd, keys)
        if diss.empty:
            continue
        colour, weight, dash = _LINE[kind]
        outlines.append({
            "name": name,
            "shown": shown,
            "colour": colour,
            "weight": weight,
            "dash": dash,
            "legend": _line_legend(name, colour, weight, dash),
            "data": {
                "type": "FeatureCollection",
                "features": [{"type": "Feature", "geometry": g, "properties": {}}
                             for g in to_wgs84_rounded(diss.geometry)],
            },
        })

    labels = []
    for rec, pt in zip(fig.to_dict("records"), label_points(geoms_rd), strict=True):
        name, code = rec["wijk_naam"], rec["wijk_code"]
        if not name or name == code:
            name, code = code, ""
        chars = max(len(name), int(len(code) * 0.85))
        labels.append({"name": name, "code": code, "lat": pt["lat"], "lon": pt["lon"],
                       "min_zoom": label_min_zoom(pt["width_m"], pt["height_m"], pt["lat"], chars),
                       "room": round(pt["width_m"] * pt["height_m"])})

    team = ds.config.team_name
    title = f"Wijkdekking {week_text}" + (f" · {team}" if team else "")
    data = _Data(folium_data({
        "title": title,
        "opacity": 0.55 if tiles else 0.8,
        "layers": [{"title": layer.title} for layer in LAYERS],
        "legends": {layer.title: _legend_html(layer) for layer in LAYERS},
        "wijken": {"type": "FeatureCollection", "features": features},
        "outlines": outlines,
        "labels": labels,
        "note": "" if show_names else _privacy_note(fig, k),
    }))
    html = _folium_page(data, folium_html("{}", title), [str(o["name"]) for o in outlines], tiles,
                        [[float(miny), float(minx)], [float(maxy), float(maxx)]])
    return MapPage(html, fig, geoms_rd, show_names)


def _folium_page(data: _Data, title: InertHtml, outline_names: list[str], tiles: bool,
                 bounds: list[list[float]]) -> str:
    """The Folium map around ``data``: base layers, overlays, the layer control, title and legend."""
    figure = folium.Figure(title=title)
    m = folium.Map(tiles=None, zoom_snap=0.25, zoom_delta=0.5, font_size="12px")  # Leaflet's own 12 px controls
    figure.add_child(m)
    # Never the CDN links: Leaflet is inlined; jQuery, Bootstrap and the icon fonts are not used.
    m.default_js = []
    m.default_css = []
    figure.header.add_child(_LeafletCss(), name="planner_leaflet_css")
    figure.script.add_child(_LeafletJs(), name="planner_leaflet_js")
    m.add_child(data)
    if tiles:
        folium.TileLayer(_OSM_URL, attr=_OSM_ATTRIBUTION, name=folium_html("{}", TILES_LAYER), max_zoom=19,
                         overlay=True, control=True, show=True).add_to(m)
    bases = []
    for i, layer in enumerate(LAYERS):
        group = folium.FeatureGroup(name=folium_html("{}", layer.title), overlay=False, control=True, show=i == 0)
        group.add_child(_Choropleth(data, i))
        group.add_to(m)
        bases.append(group)
    overlays = []
    for i, name in enumerate(outline_names):
        group = folium.FeatureGroup(name=folium_html("{}", name), overlay=True, control=True,
                                    show=name == GEMEENTE_LAYER)
        group.add_child(_Outline(data, i))
        group.add_to(m)
        overlays.append(group)
    labels = folium.FeatureGroup(name=folium_html("{}", LABEL_LAYER), overlay=True, control=True, show=True)
    labels.add_child(_Labels(data, m))
    labels.add_to(m)
    folium.LayerControl(collapsed=False, position="topleft").add_to(m)
    m.add_child(_Controls(data, bases, overlays))
    m.fit_bounds(bounds)
    for n, element in enumerate(_elements(figure)):
        # Folium names each element's JS variable with a random id: number them in tree order instead, so the
        # same inputs give the same page byte for byte.
        element._id = f"{n:04d}"
    return str(figure.render())


def _elements(figure: folium.Figure) -> list[Element]:
    """Every element of the page, the figure's header, body and script parts included, in tree order."""
    out: list[Element] = []
    todo: list[Element] = [figure, figure.header, figure.html, figure.script]
    while todo:
        element = todo.pop(0)
        out.append(element)
        todo.extend(element._children.values())
    return out


def _privacy_note(fig: pd.DataFrame, k: int) -> InertHtml:
    grouped = fig["group_kind"] != "alone"
    if not grouped.any() or k <= 1:
        return folium_html("")
    return folium_html(
        "<div class='note'>Wijken met minder dan {} wijkagenten tonen de cijfers van hun groep (overige wijken "
        "of gemeenten) of geen cijfers; zie de tooltip.</div>",
        k,
    )


def _gemeente_text(code: str, naam: str) -> str:
    """``Hilversum (GM0402)``, or the code once when the wijken file has no gemeente name."""
    return f"{naam} ({code})" if naam and naam != code else code


def _tooltip_head(rec: dict[str, Any], show_names: bool, k: int) -> InertHtml:
    inw = rec["inwoners"]
    inw_text = "onbekend" if _nan(inw) else nl_number(inw, 0)
    n_off = len(rec["officer_ids"])
    off: InertHtml = folium_html("{}", n_off)
    if show_names and n_off:
        off = folium_html("{}: {}", n_off, ", ".join(str(n) for n in rec["officer_names"]))
    team = folium_html("<br>basisteam: {}", rec["team"]) if rec["team"] else folium_html("")
    group = folium_html("")
    if rec.get("group_kind") == "pooled":
        what = (f"overige gemeenten ({rec['group_gemeenten']} gemeenten, {rec['group_wijken']} wijken)"
                if rec["group_gemeenten"] > 1 else f"overige wijken van de gemeente ({rec['group_wijken']} wijken)")
        group = folium_html(
            "<br><i>cijfers van de groep {} met {} wijkagenten: groepen van minder dan {} wijkagenten worden "
            "samengevoegd</i>",
            what, rec["group_officers"], k,
        )
    elif rec.get("group_kind") == "withheld":
        group = folium_html("<br><i>geen cijfers: minder dan {} wijkagenten in het hele gebied</i>", k)
    return folium_html(
        "<b>{}</b> ({})<br>gemeente: {}{}<br>inwoners: {}<br>wijkagenten: {}{}<hr style='margin:3px 0'>",
        rec["wijk_naam"], rec["wijk_code"], _gemeente_text(rec["gemeente_code"], rec["gemeente_naam"]), team,
        inw_text, off, group,
    )


def _tooltip_line(layer: Layer, rec: dict[str, Any], show_names: bool) -> InertHtml:
    if rec.get("group_kind") == "withheld" and layer.key != "per_5000":
        return folium_html("geen cijfers (te weinig wijkagenten)")
    if layer.key == "own_share":
        if _nan(rec["own_share_mean"]):
            return folium_html("eigen wijk: geen wijkagent met beschikbare uren")
        low: InertHtml = folium_html("{}", nl_pct(rec["own_share_min"]))
        if show_names and rec["own_share_min_officer"]:
            idx = rec["officer_ids"].index(rec["own_share_min_officer"])
            low = folium_html("{} ({})", low, rec["officer_names"][idx])
        return folium_html("eigen wijk: gemiddeld {}, laagste {}", nl_pct(rec["own_share_mean"]), low)
    if layer.key.startswith("coverage_"):
        part = layer.key.removeprefix("coverage_")
        h0, h1 = DAY_PARTS[part]
        p, d, met = rec[f"presence_h_{part}"], rec[f"demand_h_{part}"], rec[f"met_h_{part}"]
        if d <= 0:
            return folium_html("{} ({:02d}–{:02d}): geen vraag; {} u aanwezig", part, h0, h1, nl_number(p))
        return folium_html(
            "{} ({:02d}–{:02d}): {} van {} gevraagde u vervuld ({}); {} u aanwezig",
            part, h0, h1, nl_number(met), nl_number(d), nl_pct(met / d), nl_number(p),
        )
    if layer.key == "per_5000":
        gm = "onbekend" if _nan(rec["gemeente_per_5000"]) else nl_number(rec["gemeente_per_5000"], 2)
        if _nan(rec["inwoners"]):
            own = "onbekend (inwoners onbekend)"
        elif _nan(rec["per_5000"]):
            own = "— (geen inwoners)"
        else:
            own = nl_number(rec["per_5000"], 2)
        return folium_html("per 5.000 inwoners: {}<br>gemeente: {} per 5.000", own, gm)
    if layer.key == "unmet":
        return folium_html("onvervulde vraag: {} u van {} u", nl_number(rec["unmet_h"]), nl_number(rec["demand_h"]))
    raise KeyError(layer.key)  # pragma: no cover


def _legend_html(layer: Layer) -> InertHtml:
    row = "<div class='row'><span class='sw' style='background:{}'></span>{}</div>"
    rows = [folium_html(row, c, label) for c, label in zip(layer.colours, layer.labels, strict=True)]
    rows.append(folium_html(row, NO_DATA_COLOUR, layer.nan_label))
    return folium_html("<h4>{}</h4>" + "{}" * len(rows), layer.title, *rows)


def _line_legend(name: str, colour: str, weight: float, dash: str | None) -> InertHtml:
    style = f"border-top:{weight:g}px {'dashed' if dash else 'solid'} {colour}"
    return folium_html("<div class='row sec'><span class='ln' style='{}'></span>{}</div>", style, name)


def _nan(v: Any) -> bool:
    return v is None or (isinstance(v, float) and np.isnan(v))
