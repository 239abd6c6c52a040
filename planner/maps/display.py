"""Geometry for display: simplified as one coverage (shared borders stay shared), dissolved, in WGS84, rounded."""

from __future__ import annotations

import math
from typing import Any

import geopandas as gpd
import numpy as np
import shapely
import shapely.ops

from planner.geo import CRS_RD_NEW, CRS_WGS84

#: Decimal places kept in WGS84 coordinates: 1e-5 degree is about 1 m in the Netherlands.
COORD_DECIMALS = 5


def auto_tolerance_m(wijken: gpd.GeoDataFrame) -> float:
    """Simplification tolerance in metres: finer for a few wijken (zoomed in), coarser for the whole country."""
    n = len(wijken)
    if n <= 200:
        return 5.0
    if n <= 1000:
        return 15.0
    return 30.0


def simplify_coverage(wijken: gpd.GeoDataFrame, tolerance_m: float | None = None) -> gpd.GeoSeries:
    """Simplify the wijken (RD New) as one coverage so that neighbours keep one shared border.

    Uses ``shapely.coverage_simplify`` when the polygons form a valid coverage (no overlaps); otherwise each
    polygon is simplified on its own with ``preserve_topology`` (borders may then show thin slivers).
    """
    geoms = wijken.to_crs(CRS_RD_NEW).geometry.values
    tol = auto_tolerance_m(wijken) if tolerance_m is None else tolerance_m
    if tol <= 0:
        return gpd.GeoSeries(geoms, index=wijken.index, crs=CRS_RD_NEW)
    arr = np.asarray(geoms)
    try:
        valid = bool(shapely.coverage_is_valid(arr))
    except Exception:  # noqa: BLE001 - GEOS refuses odd inputs; fall back to per-polygon simplification
        valid = False
    out = shapely.coverage_simplify(arr, tol) if valid else shapely.simplify(arr, tol, preserve_topology=True)
    out = shapely.make_valid(out)
    return gpd.GeoSeries(out, index=wijken.index, crs=CRS_RD_NEW)


def dissolve(geoms: gpd.GeoSeries, keys: list[str]) -> gpd.GeoDataFrame:
    """Union of the polygons per key (gemeente, team); empty keys are left out."""
    df = gpd.GeoDataFrame({"key": keys}, geometry=geoms.values, crs=geoms.crs)
    df = df[df["key"] != ""]
    parts = []
    for key, grp in df.groupby("key", sort=True):
        arr = np.asarray(grp.geometry.values)
        try:
            geom = shapely.coverage_union_all(arr)
        except Exception:  # noqa: BLE001
            geom = shapely.union_all(arr)
        parts.append((str(key), geom))
    return gpd.GeoDataFrame({"key": [k for k, _ in parts]}, geometry=[g for _, g in parts], crs=geoms.crs)


def to_wgs84_rounded(geoms: gpd.GeoSeries) -> list[Any]:
    """Geometries in EPSG:4326 with coordinates rounded to ``COORD_DECIMALS`` places (GeoJSON mappings)."""
    wgs = geoms.to_crs(CRS_WGS84).values
    rounded = shapely.transform(np.asarray(wgs), lambda c: np.round(c, COORD_DECIMALS))
    return [shapely.geometry.mapping(g) for g in rounded]


#: Web-mercator metres per pixel at zoom 0 on the equator (Leaflet's default CRS, 256-pixel tiles).
_MERCATOR_M_PER_PX = 156_543.033_92
#: About how wide one character of an 11 px label is, and how tall a two-line label is, in pixels.
LABEL_CHAR_PX = 6.3
LABEL_HEIGHT_PX = 26.0


def label_points(geoms_rd: gpd.GeoSeries) -> list[dict[str, float]]:
    """Where a wijk's label goes and how much room it has: per geometry (RD New) the pole of inaccessibility of
    its largest part (inside the polygon, away from its edges) in RD New (``x``, ``y``) and WGS84 (``lon``,
    ``lat``), and that part's width and height in metres."""
    out = []
    pts = []
    for geom in geoms_rd.values:
        part = max(getattr(geom, "geoms", [geom]), key=lambda g: g.area)
        minx, miny, maxx, maxy = part.bounds
        tol = max(1.0, min(maxx - minx, maxy - miny) / 50)
        try:
            pt = shapely.ops.polylabel(part, tolerance=tol)
        except Exception:  # noqa: BLE001 - a degenerate ring: fall back to a point on the surface
            pt = part.representative_point()
        pts.append(pt)
        out.append({"x": float(pt.x), "y": float(pt.y), "width_m": maxx - minx, "height_m": maxy - miny})
    wgs = gpd.GeoSeries(pts, crs=geoms_rd.crs).to_crs(CRS_WGS84)
    for rec, p in zip(out, wgs.values, strict=True):
        rec["lon"] = round(float(p.x), COORD_DECIMALS)
        rec["lat"] = round(float(p.y), COORD_DECIMALS)
    return out


def label_min_zoom(width_m: float, height_m: float, lat: float, chars: int) -> float:
    """The first Leaflet zoom level (in steps of 0.25) at which a label of ``chars`` characters fits inside a box
    of ``width_m`` x ``height_m``: lower zoom levels leave it out, so small wijken do not clutter the map."""
    m_per_px0 = _MERCATOR_M_PER_PX * max(math.cos(math.radians(lat)), 0.01)
    need_w = LABEL_CHAR_PX * max(chars, 1) + 6
    zooms = [math.log2(need_w * m_per_px0 / max(width_m, 1e-6)), math.log2(LABEL_HEIGHT_PX * m_per_px0 /
                                                                          max(height_m, 1e-6))]
    return math.ceil(max(zooms) * 4) / 4
