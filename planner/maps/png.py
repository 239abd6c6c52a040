"""Static PNG maps, one per layer, drawn with geopandas and matplotlib's Agg canvas (no display needed).

Each PNG carries permanent wijk labels (name, and the code below it) placed at the pole of inaccessibility of
the wijk's largest part; a label that would stick out of its wijk by much or overlap a label already placed
(larger wijken first) is left out, so a national map does not turn into a blot of text. The legend sits to
the right of the map, outside it, so it never covers a wijk.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import geopandas as gpd
import pandas as pd

from planner.atomic import atomic_path
from planner.maps.scales import LAYERS, NO_DATA_COLOUR, Layer
from planner.pages import figure_text_rc

#: Label font size in points, and how far (as a share of its own size) a label may stick out of its wijk.
LABEL_POINTS = 7.0
LABEL_OVERHANG = 0.25


def write_pngs(
    geoms_rd: gpd.GeoSeries,
    fig: pd.DataFrame,
    gemeenten: gpd.GeoDataFrame,
    out_html: Path,
    values: dict[str, pd.Series],
    *,
    title: str = "",
) -> list[Path]:
    """One PNG per layer next to ``out_html`` (``<stem>-<layer>.png``), each written atomically.

    Parameters
    ----------
    geoms_rd
        Display geometry of the wijken in RD New, in the order of ``fig``.
    fig
        ``wijk_figures`` of the week (with the group figures of a municipal map).
    gemeenten
        Dissolved gemeente polygons (drawn as outlines).
    out_html
        The HTML map's path; the PNGs go beside it.
    values
        The value shown per layer key (as in the HTML map).
    title
        The team's name, shown under the layer title.
    """
    written = []
    for layer in LAYERS:
        figure = layer_figure(geoms_rd, fig, gemeenten, layer, values[layer.key], title=title)
        target = out_html.with_name(f"{out_html.stem}-{layer.key}.png")
        with atomic_path(target) as tmp, figure_text_rc():
            figure.savefig(tmp, format="png", bbox_inches="tight")
        written.append(target)
    return written


def layer_figure(
    geoms_rd: gpd.GeoSeries,
    fig: pd.DataFrame,
    gemeenten: gpd.GeoDataFrame,
    layer: Layer,
    values: pd.Series,
    *,
    title: str = "",
) -> Any:
    """The matplotlib Figure of one layer (Agg canvas), with wijk labels and the legend beside the map."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    from matplotlib.patches import Patch

    week = str(fig.attrs.get("week", ""))
    with figure_text_rc():
        figure = Figure(figsize=(10.5, 8), dpi=110)
        FigureCanvasAgg(figure)
        ax = figure.add_axes((0.02, 0.02, 0.70, 0.88))
        gdf = gpd.GeoDataFrame({"colour": layer.colour_of(values)}, geometry=geoms_rd.values, crs=geoms_rd.crs)
        gdf.plot(ax=ax, color=gdf["colour"], edgecolor="#333333", linewidth=0.3)
        if len(gemeenten):
            gemeenten.boundary.plot(ax=ax, color="black", linewidth=1.2)
        ax.set_axis_off()
        ax.set_aspect("equal")
        ax.set_anchor("NW")
        heading = f"{layer.title}\n{week}" + (f" · {title}" if title else "")
        figure.suptitle(heading, x=0.37, y=0.975, fontsize=11)
        _labels(ax, figure, geoms_rd, fig)
        ax.legend(handles=_handles(layer, Patch), loc="upper left", bbox_to_anchor=(1.02, 1.0), borderaxespad=0.0,
                  fontsize=8, frameon=True, title=None)
    return figure


def _labels(ax: Any, figure: Any, geoms_rd: gpd.GeoSeries, fig: pd.DataFrame) -> None:
    """Wijk labels, largest wijk first; a label that does not fit its wijk or overlaps another is left out."""
    import matplotlib.patheffects as pe

    from planner.maps.display import label_points

    figure.canvas.draw()  # fixes the axes limits, so text extents are final
    renderer = figure.canvas.get_renderer()
    pts = label_points(geoms_rd)
    order = sorted(range(len(geoms_rd)), key=lambda i: -geoms_rd.values[i].area)
    placed: list[Any] = []
    halo = [pe.withStroke(linewidth=2.2, foreground="white")]
    for i in order:
        name, code = str(fig["wijk_naam"].iloc[i]), str(fig["wijk_code"].iloc[i])
        text = code if not name or name == code else f"{name}\n{code}"
        t = ax.text(pts[i]["x"], pts[i]["y"], text, fontsize=LABEL_POINTS, ha="center", va="center", color="#111111",
                    path_effects=halo, clip_on=True, linespacing=1.1)
        box = t.get_window_extent(renderer)
        minx, miny, maxx, maxy = geoms_rd.values[i].bounds
        (x0, y0), (x1, y1) = ax.transData.transform([(minx, miny), (maxx, maxy)])
        fits = box.width <= (x1 - x0) * (1 + LABEL_OVERHANG) and box.height <= (y1 - y0) * (1 + LABEL_OVERHANG)
        if not fits or any(box.overlaps(other) for other in placed):
            t.remove()
            continue
        placed.append(box)


def _handles(layer: Layer, patch: type) -> list:
    out = [
        patch(facecolor=c, edgecolor="#555555", label=label)
        for c, label in zip(layer.colours, layer.labels, strict=True)
    ]
    out.append(patch(facecolor=NO_DATA_COLOUR, edgecolor="#555555", label=layer.nan_label))
    return out
