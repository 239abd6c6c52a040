"""Static PNG maps, one per layer, drawn with geopandas and matplotlib's Agg canvas (no display needed)."""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import pandas as pd

from planner.atomic import atomic_path
from planner.maps.scales import LAYERS, NO_DATA_COLOUR, Layer


def write_pngs(
    geoms_rd: gpd.GeoSeries,
    fig: pd.DataFrame,
    gemeenten: gpd.GeoDataFrame,
    out_html: Path,
    values: dict[str, pd.Series],
) -> list[Path]:
    """One PNG per layer next to ``out_html`` (``<stem>-<layer>.png``), each written atomically.

    Parameters
    ----------
    geoms_rd
        Display geometry of the wijken in RD New, in the order of ``fig``.
    fig
        ``wijk_figures`` of the week.
    gemeenten
        Dissolved gemeente polygons (drawn as outlines).
    out_html
        The HTML map's path; the PNGs go beside it.
    values
        The value shown per layer key (as in the HTML map).
    """
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    from matplotlib.patches import Patch

    written = []
    week = str(fig.attrs.get("week", ""))
    for layer in LAYERS:
        figure = Figure(figsize=(8, 8), dpi=110)
        FigureCanvasAgg(figure)
        ax = figure.add_subplot(1, 1, 1)
        gdf = gpd.GeoDataFrame(
            {"colour": layer.colour_of(values[layer.key])}, geometry=geoms_rd.values, crs=geoms_rd.crs
        )
        gdf.plot(ax=ax, color=gdf["colour"], edgecolor="#333333", linewidth=0.3)
        if len(gemeenten):
            gemeenten.boundary.plot(ax=ax, color="black", linewidth=1.2)
        ax.set_axis_off()
        ax.set_aspect("equal")
        ax.set_title(f"{layer.title}\n{week}", fontsize=11)
        ax.legend(handles=_handles(layer, Patch), loc="lower left", fontsize=8, frameon=True)
        target = out_html.with_name(f"{out_html.stem}-{layer.key}.png")
        with atomic_path(target) as tmp:
            figure.savefig(tmp, format="png", bbox_inches="tight")
        written.append(target)
    return written


def _handles(layer: Layer, patch: type) -> list:
    out = [
        patch(facecolor=c, edgecolor="#555555", label=label)
        for c, label in zip(layer.colours, layer.labels, strict=True)
    ]
    out.append(patch(facecolor=NO_DATA_COLOUR, edgecolor="#555555", label=layer.nan_label))
    return out
