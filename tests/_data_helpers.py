"""Fixtures for the data-layer tests: tiny CBS-style wijken in the three schemas and a minimal data folder."""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import pandas as pd
from shapely.geometry import box

from planner.geo import CRS_RD_NEW

#: The shared folder beside the repository (CI clones the repo with shared/ next to it).
SHARED = Path(__file__).resolve().parents[2] / "shared"
GOOI = SHARED / "data" / "cbs-wijken-gooi-2020" / "wijk_2020_gooi_en_vechtstreek_rd.geojson"

# Three 1 km squares in Hilversum's RD neighbourhood; the third is water in the old schema.
X0, Y0 = 140_000.0, 470_000.0
SQUARES = [
    box(X0, Y0, X0 + 1000, Y0 + 1000),
    box(X0 + 1000, Y0, X0 + 2000, Y0 + 1000),
    box(X0, Y0 + 1000, X0 + 1000, Y0 + 2000),
]


def old_schema() -> gpd.GeoDataFrame:
    """CBS up to 2020: uppercase columns, a secret population (-99999999) and a water wijk."""
    return gpd.GeoDataFrame(
        {
            "WK_CODE": ["WK999901", "WK999902", "WK999903"],
            "WK_NAAM": ["Centrum", "Oost", "Meer"],
            "GM_CODE": ["GM9999"] * 3,
            "GM_NAAM": ["Testdorp"] * 3,
            "WATER": ["NEE", "NEE", "JA"],
            "AANT_INW": [5000, -99999999, 0],
        },
        geometry=SQUARES,
        crs=CRS_RD_NEW,
    )


def new_schema() -> gpd.GeoDataFrame:
    """CBS GeoPackage: lowercase columns."""
    return gpd.GeoDataFrame(
        {
            "wijkcode": ["WK999901", "WK999902", "WK999903"],
            "wijknaam": ["Centrum", "Oost", "Noord"],
            "gemeentecode": ["GM9999"] * 3,
            "gemeentenaam": ["Testdorp"] * 3,
            "water": ["NEE"] * 3,
            "aantal_inwoners": [5000, 4000, 3000],
        },
        geometry=SQUARES,
        crs=CRS_RD_NEW,
    )


def generalised_schema() -> gpd.GeoDataFrame:
    """CBS gebiedsindelingen: statcode/statnaam, no gemeente name, no population."""
    return gpd.GeoDataFrame(
        {
            "statcode": ["WK999901", "WK999902", "WK999903"],
            "statnaam": ["Centrum", "Oost", "Noord"],
            "jrstatcode": ["2020WK999901", "2020WK999902", "2020WK999903"],
            "rubriek": ["wijk"] * 3,
        },
        geometry=SQUARES,
        crs=CRS_RD_NEW,
    )


def expected(
    codes: list[str],
    names: list[str],
    inwoners: list[float],
    gemeente_naam: str = "Testdorp",
    n: int | None = None,
) -> gpd.GeoDataFrame:
    """The normalised internal form of the first ``n`` squares."""
    n = len(codes) if n is None else n
    return gpd.GeoDataFrame(
        {
            "wijk_code": pd.array(codes, dtype="string"),
            "wijk_naam": pd.array(names, dtype="string"),
            "gemeente_code": pd.array(["GM9999"] * n, dtype="string"),
            "gemeente_naam": pd.array([gemeente_naam] * n, dtype="string"),
            "inwoners": pd.Series(inwoners, dtype="float64"),
            "area_km2": [1.0] * n,
        },
        geometry=SQUARES[:n],
        crs=CRS_RD_NEW,
    )


OFFICERS = (
    "officer_id,name,wijk_code,contract_hours,night_exempt,team\n"
    "A1,Anna Jansen,WK999901,36,nee,Team Test\n"
    "A2,Bert de Vries,WK999902|WK999903,32,ja,Team Test\n"
)


def write_folder(
    root: Path,
    gdf: gpd.GeoDataFrame | None = None,
    name: str = "wijken.gpkg",
    officers: str = OFFICERS,
    **files: str | bytes,
) -> Path:
    """A minimal valid data folder: wijken (new schema by default), officers.csv and any extra files."""
    root.mkdir(parents=True, exist_ok=True)
    (gdf if gdf is not None else new_schema()).to_file(root / name, engine="pyogrio")
    (root / "officers.csv").write_text(officers, encoding="utf-8")
    for fname, content in files.items():
        path = root / fname.replace("__", ".")
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
    return root
