"""Wijken loaders: the three CBS schemas, CRS handling, the real Gooi file."""

from __future__ import annotations

import warnings

import geopandas as gpd
import numpy as np
import pytest
from geopandas.testing import assert_geodataframe_equal

from planner.dataset import load_dataset
from planner.errors import GeometryError
from planner.geo import CRS_RD_NEW, CRS_WGS84, read_wijken
from tests._data_helpers import GOOI, expected, generalised_schema, new_schema, old_schema, write_folder


def _write(gdf: gpd.GeoDataFrame, path, **kw) -> None:  # type: ignore[no-untyped-def]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # GDAL notes on shapefile field widths
        gdf.to_file(path, engine="pyogrio", **kw)


def test_old_shapefile_schema_holds(tmp_path):
    """Uppercase WK_CODE/AANT_INW: the WATER=JA row is dropped, -99999999 becomes unknown (NaN, not 0)."""
    path = tmp_path / "wijken.shp"
    _write(old_schema(), path)
    got = read_wijken(path)
    want = expected(["WK999901", "WK999902"], ["Centrum", "Oost"], [5000.0, np.nan])
    assert_geodataframe_equal(got, want, check_less_precise=True, normalize=True)


def test_new_geopackage_schema_holds(tmp_path):
    """Lowercase CBS GeoPackage columns, layer 'wijken' chosen among several layers."""
    path = tmp_path / "wijkenbuurten_2024_v1.gpkg"
    _write(new_schema(), path, layer="wijken")
    _write(new_schema().iloc[:1], path, layer="gemeenten")
    got = read_wijken(path)
    want = expected(
        ["WK999901", "WK999902", "WK999903"], ["Centrum", "Oost", "Noord"], [5000.0, 4000.0, 3000.0]
    )
    assert_geodataframe_equal(got, want, check_less_precise=True, normalize=True)


def test_generalised_geojson_schema_holds(tmp_path):
    """statcode/statnaam without population: population.csv fills it in; gemeente from the wijk code."""
    _write(generalised_schema(), tmp_path / "wijken.geojson", driver="GeoJSON")
    assert read_wijken(tmp_path / "wijken.geojson")["inwoners"].isna().all()
    write_folder(
        tmp_path / "d",
        generalised_schema(),
        name="wijken.geojson",
        population__csv="wijk_code;inwoners\nWK999901;1.234\nWK999902;-99999997\nWK999903;\n",
    )
    ds = load_dataset(tmp_path / "d")
    want = expected(
        ["WK999901", "WK999902", "WK999903"],
        ["Centrum", "Oost", "Noord"],
        [1234.0, np.nan, np.nan],
        gemeente_naam="GM9999",
    )
    assert_geodataframe_equal(ds.wijken, want, check_less_precise=True, normalize=True)


def test_file_without_crs_violated(tmp_path):
    """A file that states no CRS is refused, naming the setting that fixes it."""
    path = tmp_path / "wijken.geojson"
    _write(new_schema().set_crs(None, allow_override=True), path, driver="GeoJSON")
    # GeoJSON without a crs member reads as WGS84; a shapefile without .prj has truly no CRS.
    shp = tmp_path / "nocrs.shp"
    _write(new_schema().set_crs(None, allow_override=True), shp)
    with pytest.raises(GeometryError, match=r"nocrs\.shp: has no CRS.*wijken_crs"):
        read_wijken(shp)


def test_file_without_crs_holds_with_wijken_crs(tmp_path):
    """[files] wijken_crs = "EPSG:28992" in planner.toml states the CRS of a file without one."""
    root = tmp_path / "d"
    root.mkdir()
    _write(new_schema().set_crs(None, allow_override=True), root / "wijken.shp")
    (root / "officers.csv").write_text("officer_id,name,wijk_code,contract_hours\nA1,Anna,WK999901,36\n")
    (root / "planner.toml").write_text('[files]\nwijken = "wijken.shp"\nwijken_crs = "EPSG:28992"\n')
    ds = load_dataset(root)
    assert ds.wijken.crs == CRS_RD_NEW
    assert ds.wijken["area_km2"].round(6).tolist() == [1.0, 1.0, 1.0]


def test_wgs84_file_reprojected_holds(tmp_path):
    """A WGS84 file is reprojected to RD New: areas come back as the 1 km² squares."""
    path = tmp_path / "wijken.geojson"
    _write(new_schema().to_crs(CRS_WGS84), path, driver="GeoJSON")
    got = read_wijken(path)
    assert got.crs == CRS_RD_NEW
    np.testing.assert_allclose(got["area_km2"], 1.0, rtol=1e-6)
    np.testing.assert_allclose(got.total_bounds, [140_000, 470_000, 142_000, 472_000], atol=0.01)


def test_latlon_labelled_rd_violated(tmp_path):
    """Degrees labelled as RD metres land outside the Netherlands and are refused."""
    gdf = new_schema().to_crs(CRS_WGS84).set_crs(CRS_RD_NEW, allow_override=True)
    path = tmp_path / "wijken.gpkg"
    _write(gdf, path)
    with pytest.raises(GeometryError, match="outside the Netherlands"):
        read_wijken(path)


@pytest.mark.skipif(not GOOI.exists(), reason="../shared with the CBS Gooi file is not beside the repository")
def test_real_gooi_file_holds():
    """The real 2020 generalised wijken of Gooi en Vechtstreek: 37 wijken in 6 gemeenten, Hilversum 9."""
    got = read_wijken(GOOI)
    assert len(got) == 37
    assert got["gemeente_code"].nunique() == 6
    assert (got["gemeente_code"] == "GM0402").sum() == 9
    assert got.crs == CRS_RD_NEW
    assert 45 < got.loc[got["gemeente_code"] == "GM0402", "area_km2"].sum() < 46.5
