"""Coverage maps of a roster: per-wijk figures, a self-contained Folium HTML map and static PNGs."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd

from planner.atomic import write_text
from planner.dataset import Dataset
from planner.maps.figures import DAY_PARTS, group_figures, roster_monday, roster_weeks, wijk_figures
from planner.maps.scales import LAYERS

__all__ = [
    "DAY_PARTS", "LAYERS", "build_map", "group_figures", "roster_monday", "roster_weeks", "wijk_figures", "write_map",
]


def build_map(
    ds: Dataset,
    roster: pd.DataFrame,
    *,
    week: str | dt.date | None = None,
    show_names: bool = False,
    tiles: bool = False,
    simplify_m: float | None = None,
):  # type: ignore[no-untyped-def]
    """The coverage map as a ``MapPage`` (its HTML and figures); see ``planner.maps.html.build_map``."""
    from planner.maps.html import build_map as _build

    return _build(ds, roster, week=week, show_names=show_names, tiles=tiles, simplify_m=simplify_m)


def write_map(
    ds: Dataset,
    roster: pd.DataFrame,
    out_path: Path | str,
    *,
    week: str | dt.date | None = None,
    show_names: bool = False,
    tiles: bool = False,
    png: bool = False,
    simplify_m: float | None = None,
) -> list[Path]:
    """Write the HTML map (atomically) and, with ``png``, one PNG per layer beside it.

    Returns
    -------
    list[Path]
        The files written, the HTML first.
    """
    from planner.maps.display import dissolve
    from planner.maps.html import build_map as _build

    out_path = Path(out_path)
    page = _build(ds, roster, week=week, show_names=show_names, tiles=tiles, simplify_m=simplify_m)
    write_text(out_path, page.html)
    written = [out_path]
    if png:
        from planner.maps.png import write_pngs

        fig = page.figures
        gm = dissolve(page.geoms_rd, list(fig["gemeente_code"]))
        values = {layer.key: layer.values(fig) for layer in LAYERS}
        written += write_pngs(page.geoms_rd, fig, gm, out_path, values, title=ds.config.team_name)
    return written
