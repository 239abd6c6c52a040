"""The interactive coverage map: one self-contained Leaflet HTML page that renders without internet."""

from __future__ import annotations

import base64
import datetime as dt
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd

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
from planner.pages import Markup, fragment, render_page, trusted

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
    """The coverage map of one week as one self-contained HTML page (Leaflet inlined, no internet needed).

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
        the page only through ``planner.pages``: as JSON data, and as escaped HTML in tooltips.
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
                    "t": str(_tooltip_head(rec, show_names, k)),
                    "l": [str(_tooltip_line(layer, rec, show_names)) for layer in LAYERS],
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
            "legend": str(_line_legend(name, colour, weight, dash)),
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
    note = "" if show_names else str(_privacy_note(fig, k))
    data = {
        "title": title,
        "opacity": 0.55 if tiles else 0.8,
        "tiles": {"name": TILES_LAYER, "url": _OSM_URL, "attribution": _OSM_ATTRIBUTION} if tiles else None,
        "layers": [{"title": layer.title} for layer in LAYERS],
        "legends": {layer.title: str(_legend_html(layer)) for layer in LAYERS},
        "wijken": {"type": "FeatureCollection", "features": features},
        "outlines": outlines,
        "labels": labels,
        "labels_name": LABEL_LAYER,
        "note": note,
        "bounds": [[float(miny), float(minx)], [float(maxy), float(maxx)]],
    }
    js, css = leaflet_assets()
    page = render_page("map.html.j2", title=title, data=data, leaflet_js=trusted(js), leaflet_css=trusted(css))
    return MapPage(page, fig, geoms_rd, show_names)


def _privacy_note(fig: pd.DataFrame, k: int) -> Markup:
    grouped = fig["group_kind"] != "alone"
    if not grouped.any() or k <= 1:
        return Markup("")
    return fragment(
        "<div class='note'>Wijken met minder dan {} wijkagenten tonen de cijfers van hun groep (overige wijken "
        "of gemeenten) of geen cijfers; zie de tooltip.</div>",
        k,
    )


def _gemeente_text(code: str, naam: str) -> str:
    """``Hilversum (GM0402)``, or the code once when the wijken file has no gemeente name."""
    return f"{naam} ({code})" if naam and naam != code else code


def _tooltip_head(rec: dict[str, Any], show_names: bool, k: int) -> Markup:
    inw = rec["inwoners"]
    inw_text = "onbekend" if _nan(inw) else nl_number(inw, 0)
    n_off = len(rec["officer_ids"])
    off: Markup = fragment("{}", n_off)
    if show_names and n_off:
        off = fragment("{}: {}", n_off, ", ".join(str(n) for n in rec["officer_names"]))
    team = fragment("<br>basisteam: {}", rec["team"]) if rec["team"] else Markup("")
    group = Markup("")
    if rec.get("group_kind") == "pooled":
        what = (f"overige gemeenten ({rec['group_gemeenten']} gemeenten, {rec['group_wijken']} wijken)"
                if rec["group_gemeenten"] > 1 else f"overige wijken van de gemeente ({rec['group_wijken']} wijken)")
        group = fragment(
            "<br><i>cijfers van de groep {} met {} wijkagenten: groepen van minder dan {} wijkagenten worden "
            "samengevoegd</i>",
            what, rec["group_officers"], k,
        )
    elif rec.get("group_kind") == "withheld":
        group = fragment("<br><i>geen cijfers: minder dan {} wijkagenten in het hele gebied</i>", k)
    return fragment(
        "<b>{}</b> ({})<br>gemeente: {}{}<br>inwoners: {}<br>wijkagenten: {}{}<hr style='margin:3px 0'>",
        rec["wijk_naam"], rec["wijk_code"], _gemeente_text(rec["gemeente_code"], rec["gemeente_naam"]), team,
        inw_text, off, group,
    )


def _tooltip_line(layer: Layer, rec: dict[str, Any], show_names: bool) -> Markup:
    if rec.get("group_kind") == "withheld" and layer.key != "per_5000":
        return Markup("geen cijfers (te weinig wijkagenten)")
    if layer.key == "own_share":
        if _nan(rec["own_share_mean"]):
            return Markup("eigen wijk: geen wijkagent met beschikbare uren")
        low: Markup = fragment("{}", nl_pct(rec["own_share_min"]))
        if show_names and rec["own_share_min_officer"]:
            idx = rec["officer_ids"].index(rec["own_share_min_officer"])
            low = fragment("{} ({})", low, rec["officer_names"][idx])
        return fragment("eigen wijk: gemiddeld {}, laagste {}", nl_pct(rec["own_share_mean"]), low)
    if layer.key.startswith("coverage_"):
        part = layer.key.removeprefix("coverage_")
        h0, h1 = DAY_PARTS[part]
        p, d, met = rec[f"presence_h_{part}"], rec[f"demand_h_{part}"], rec[f"met_h_{part}"]
        if d <= 0:
            return fragment("{} ({:02d}–{:02d}): geen vraag; {} u aanwezig", part, h0, h1, nl_number(p))
        return fragment(
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
        return fragment("per 5.000 inwoners: {}<br>gemeente: {} per 5.000", own, gm)
    if layer.key == "unmet":
        return fragment("onvervulde vraag: {} u van {} u", nl_number(rec["unmet_h"]), nl_number(rec["demand_h"]))
    raise KeyError(layer.key)  # pragma: no cover


def _legend_html(layer: Layer) -> Markup:
    rows = Markup("").join(
        fragment("<div class='row'><span class='sw' style='background:{}'></span>{}</div>", c, label)
        for c, label in zip(layer.colours, layer.labels, strict=True)
    )
    rows += fragment("<div class='row'><span class='sw' style='background:{}'></span>{}</div>", NO_DATA_COLOUR,
                     layer.nan_label)
    return fragment("<h4>{}</h4>{}", layer.title, rows)


def _line_legend(name: str, colour: str, weight: float, dash: str | None) -> Markup:
    style = f"border-top:{weight:g}px {'dashed' if dash else 'solid'} {colour}"
    return fragment("<div class='row sec'><span class='ln' style='{}'></span>{}</div>", style, name)


def _nan(v: Any) -> bool:
    return v is None or (isinstance(v, float) and np.isnan(v))
