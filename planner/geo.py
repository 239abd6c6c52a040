"""CBS wijken from a GeoPackage, GeoJSON, shapefile or FlatGeobuf, normalised to one form in RD New (EPSG:28992)."""

from __future__ import annotations

import re
import warnings
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
from pyproj import CRS

from planner.errors import GeometryError, InputError
from planner.tables import MAX_VECTOR_BYTES, check_input, open_input, shown

CRS_RD_NEW = "EPSG:28992"
CRS_WGS84 = "EPSG:4326"
#: CBS marks secret or unreliable numbers with large negative sentinels; anything at or below is missing.
CBS_MISSING_AT_OR_BELOW = -99999990
#: Names tried, in order, when planner.toml names no wijken file.
WIJKEN_NAMES = ("wijken.gpkg", "wijken.geojson", "wijken.json", "wijken.shp", "wijken.fgb")
WIJKEN_COLUMNS = ["wijk_code", "wijk_naam", "gemeente_code", "gemeente_naam", "inwoners", "area_km2", "geometry"]
_WIJK_CODE_RE = re.compile(r"^WK\d{6}$")

# Three CBS schemas onto one internal form: (code, name, gemeente code, gemeente name, water, population).
_SCHEMAS = {
    "old": ("WK_CODE", "WK_NAAM", "GM_CODE", "GM_NAAM", "WATER", "AANT_INW"),
    "new": ("wijkcode", "wijknaam", "gemeentecode", "gemeentenaam", "water", "aantal_inwoners"),
    "generalised": ("statcode", "statnaam", "gmCode", None, None, None),
    "planner": ("wijk_code", "wijk_naam", "gemeente_code", "gemeente_naam", "water", "inwoners"),
}


#: The documented wijken formats, by file suffix: the GDAL driver that must read it and how its first bytes look.
#: No other driver ever opens the file: a VRT, a CSV, a URL or a database connection named wijken.geojson is refused.
WIJKEN_DRIVERS = {
    ".gpkg": "GPKG",
    ".geojson": "GeoJSON",
    ".json": "GeoJSON",
    ".shp": "ESRI Shapefile",
    ".fgb": "FlatGeobuf",
}
_FORMAT_NAMES = {"GPKG": "GeoPackage", "GeoJSON": "GeoJSON", "ESRI Shapefile": "shapefile", "FlatGeobuf": "FlatGeobuf"}
#: Files GDAL reads beside a shapefile or a GeoPackage: each must be a regular file inside the data folder too.
_SIDECARS = {
    "ESRI Shapefile": (".shx", ".dbf", ".prj", ".cpg", ".qix", ".sbn", ".sbx", ".shp.xml"),
    "GPKG": ("-wal", "-shm", "-journal"),
}
#: A GDAL connection string or virtual path: ``/vsicurl/...``, ``GPKG:file:layer``, ``PG:...``, ``http://...``,
#: ``archive.zip!inner.shp``. [files] wijken names a file in the data folder, nothing else.
_GDAL_SYNTAX_RE = re.compile(r"^\s*/?vsi|^[A-Za-z][A-Za-z0-9_ +.-]*:|://|!|^\s*[{<\[]|[\r\n]")
#: GDAL settings that keep it off the network and away from other files, whatever a file holds.
GDAL_SAFE_OPTIONS = {
    "GDAL_DISABLE_READDIR_ON_OPEN": "EMPTY_DIR",
    "CPL_VSIL_CURL_ALLOWED_EXTENSIONS": ".planner-no-network",
    "GDAL_HTTP_PROXY": "127.0.0.1:9",
    "GDAL_HTTP_TIMEOUT": "1",
    "GDAL_HTTP_CONNECTTIMEOUT": "1",
    "GDAL_HTTP_MAX_RETRY": "0",
    "OGR_SQLITE_LIST_VIRTUAL_OGR": "NO",
}


def _gdal_offline() -> None:
    pyogrio.set_gdal_config_options(GDAL_SAFE_OPTIONS)
    try:
        import pyproj.network

        pyproj.network.set_network_enabled(False)
    except Exception:  # pragma: no cover - an old pyproj without the switch
        pass


def find_wijken_file(root: Path, named: str | None) -> Path:
    """The wijken file: the one planner.toml names (inside the folder), else the first documented name.

    The file must be a regular file inside the data folder (a symbolic link may not lead out of it), of one of
    the documented formats (by suffix), within the size limit; a shapefile's or GeoPackage's companion files
    likewise. A GDAL connection string or /vsi path is refused before anything is opened.
    """
    if named:
        where = root / "planner.toml"
        if _GDAL_SYNTAX_RE.search(named):
            raise InputError(where, f"'{shown(named)}' is not a file name: GDAL connection strings, URLs, archives "
                             "and /vsi paths are refused; name a file inside the data folder", column="files.wijken")
        p = (root / named).resolve()
        if not p.is_relative_to(root.resolve()):
            raise InputError(where, f"'{shown(named)}' lies outside the data folder", column="files.wijken")
        if not p.exists():
            raise InputError(where, f"'{shown(named)}' does not exist", column="files.wijken")
        if p.suffix.lower() not in WIJKEN_DRIVERS:
            raise InputError(where, f"'{shown(named)}' is not a documented wijken format; expected a file ending in "
                             f"{', '.join(WIJKEN_DRIVERS)}", column="files.wijken")
        path = p
    else:
        found = [root / name for name in WIJKEN_NAMES if (root / name).is_symlink() or (root / name).exists()]
        if not found:
            raise InputError(root, f"has no wijken file; expected one of {', '.join(WIJKEN_NAMES)} or [files] wijken")
        path = found[0]
    check_wijken_files(path, root)
    return path


def check_wijken_files(path: Path, root: Path) -> None:
    """The wijken file and the companion files GDAL would read beside it: inside ``root``, regular, not too big."""
    check_input(path, root, MAX_VECTOR_BYTES)
    driver = WIJKEN_DRIVERS.get(path.suffix.lower())
    stem = path.name[: -len(path.suffix)] if driver == "ESRI Shapefile" else path.name
    wanted = {(stem + ext).lower() for ext in _SIDECARS.get(driver or "", ())}
    if wanted:
        for sibling in path.parent.iterdir():
            if sibling.name.lower() in wanted:
                check_input(sibling, root, MAX_VECTOR_BYTES)


def _sniff(path: Path, driver: str) -> None:
    """Refuse a file whose first bytes are not those of its format, before GDAL sees it."""
    with open_input(path, None, MAX_VECTOR_BYTES) as fh:
        head = fh.read(4096)
    ok = {
        "GPKG": head.startswith(b"SQLite format 3\x00"),
        "GeoJSON": head.removeprefix(b"\xef\xbb\xbf").lstrip(b" \t\r\n\x1e").startswith(b"{"),
        "ESRI Shapefile": head.startswith(b"\x00\x00\x27\x0a"),
        "FlatGeobuf": head[:3] == b"fgb" and head[4:7] == b"fgb",
    }[driver]
    if not ok:
        raise GeometryError(path, f"is not a {_FORMAT_NAMES[driver]} (its first bytes say otherwise); expected "
                            f"a {_FORMAT_NAMES[driver]} as its name ends in {path.suffix}")


def read_wijken(path: Path, layer: str | None = None, crs: str | None = None) -> gpd.GeoDataFrame:
    """Read and normalise wijken: columns ``WIJKEN_COLUMNS``, land only, CRS EPSG:28992.

    Parameters
    ----------
    path
        A GeoPackage, GeoJSON, shapefile or FlatGeobuf (by suffix: ``WIJKEN_DRIVERS``); only that GDAL driver
        reads it, offline. A GeoPackage is read from layer ``layer`` or ``wijken``.
    layer
        Layer name; default ``wijken`` when the file has such a layer, else its only layer.
    crs
        The CRS of a file that states none; a file without a CRS is refused unless this is given.
    """
    path = Path(path)
    driver = WIJKEN_DRIVERS.get(path.suffix.lower())
    if driver is None:
        raise GeometryError(path, f"is not a documented wijken format; expected a file ending in "
                            f"{', '.join(WIJKEN_DRIVERS)}")
    if _GDAL_SYNTAX_RE.search(str(path)):
        raise GeometryError(path, "has a path GDAL would read as a connection string, URL or archive (/vsi, ':' "
                            "before the first '/', '!', '://'); move the data folder to a plain path")
    _sniff(path, driver)
    _gdal_offline()
    try:
        layers = [str(name) for name, _ in pyogrio.list_layers(path)]
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            first: str | None = layer if layer in layers else (layers[0] if layers else None)
            used = pyogrio.read_info(path, layer=first)["driver"]
    except Exception as exc:  # pyogrio raises DataSourceError and friends
        raise GeometryError(path, f"is not a vector file GDAL can read ({_short(exc)})") from None
    if used != driver:
        raise GeometryError(path, f"is read by GDAL as {used}, not as a {_FORMAT_NAMES[driver]}; expected a "
                            f"{_FORMAT_NAMES[driver]} as its name ends in {path.suffix}")
    if layer is None:
        if "wijken" in layers:
            layer = "wijken"
        elif len(layers) == 1:
            layer = layers[0]
        else:
            raise GeometryError(path, f"has layers {', '.join(layers)}; name one with [files] wijken_layer")
    elif layer not in layers:
        raise GeometryError(path, f"has no layer '{layer}'; it has {', '.join(layers)}")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            gdf = gpd.read_file(path, layer=layer, engine="pyogrio")
    except Exception as exc:
        raise GeometryError(path, f"cannot be read ({_short(exc)})") from None
    return normalise_wijken(gdf, path, crs)


def normalise_wijken(gdf: gpd.GeoDataFrame, path: Path | str, crs: str | None = None) -> gpd.GeoDataFrame:
    """Map any of the three CBS schemas onto the internal one, validate geometry, reproject to RD New."""
    if len(gdf) == 0:
        raise GeometryError(path, "has no features; expected one polygon per wijk")
    schema = _detect_schema(gdf, path)
    code_c, name_c, gm_c, gmn_c, water_c, pop_c = _SCHEMAS[schema]
    df = gdf.copy()
    if water_c and water_c in df.columns:
        water = df[water_c].astype("string").str.strip().str.upper()
        df = df[water.fillna("NEE") != "JA"]
    if schema == "generalised" and "rubriek" in df.columns:
        df = df[df["rubriek"].astype("string").str.lower().fillna("wijk") == "wijk"]
    out = pd.DataFrame(index=df.index)
    out["wijk_code"] = df[code_c].astype("string").str.strip()
    for i, (idx, code) in enumerate(out["wijk_code"].items(), start=1):
        if pd.isna(code) or not _WIJK_CODE_RE.match(str(code)):
            raise GeometryError(
                path,
                f"'{code}' is not a CBS wijk code; expected WK followed by 6 digits",
                row=f"feature {i}",
                column=code_c,
            )
        del idx
    dup = out["wijk_code"][out["wijk_code"].duplicated()]
    if len(dup):
        pos = list(out["wijk_code"]).index(dup.iloc[0], list(out["wijk_code"]).index(dup.iloc[0]) + 1) + 1
        raise GeometryError(path, f"wijk code '{dup.iloc[0]}' appears twice", row=f"feature {pos}", column=code_c)
    out["wijk_naam"] = df[name_c].astype("string").str.strip() if name_c in df.columns else out["wijk_code"]
    out["wijk_naam"] = out["wijk_naam"].fillna(out["wijk_code"])
    if gm_c and gm_c in df.columns:
        out["gemeente_code"] = df[gm_c].astype("string").str.strip()
    else:
        out["gemeente_code"] = "GM" + out["wijk_code"].str[2:6]
    out["gemeente_code"] = out["gemeente_code"].fillna("GM" + out["wijk_code"].str[2:6])
    if gmn_c and gmn_c in df.columns:
        out["gemeente_naam"] = df[gmn_c].astype("string").str.strip().fillna(out["gemeente_code"])
    else:
        out["gemeente_naam"] = out["gemeente_code"]
    if pop_c and pop_c in df.columns:
        pop = pd.to_numeric(df[pop_c], errors="coerce").astype("float64")
        out["inwoners"] = pop.where(pop > CBS_MISSING_AT_OR_BELOW)
    else:
        out["inwoners"] = np.nan
    out["inwoners"] = out["inwoners"].astype("float64")
    result = gpd.GeoDataFrame(out, geometry=df.geometry.values, crs=gdf.crs)
    result = _set_crs(result, path, crs)
    _check_geometry(result, path)
    result["area_km2"] = result.geometry.area / 1e6
    return result[WIJKEN_COLUMNS].reset_index(drop=True)


def _detect_schema(gdf: gpd.GeoDataFrame, path: Path | str) -> str:
    cols = set(gdf.columns)
    for name in ("planner", "new", "old", "generalised"):
        if _SCHEMAS[name][0] in cols:
            return name
    raise GeometryError(
        path,
        "has no wijk code column; expected WK_CODE (CBS up to 2020), wijkcode (CBS "
        f"GeoPackage), statcode (CBS gebiedsindelingen) or wijk_code; found {', '.join(map(str, cols))}",
    )


def _set_crs(gdf: gpd.GeoDataFrame, path: Path | str, crs: str | None) -> gpd.GeoDataFrame:
    if crs:
        try:
            stated = CRS.from_user_input(crs)
        except Exception:
            raise GeometryError(
                path, f"'{crs}' is not a CRS; expected e.g. EPSG:28992", column="files.wijken_crs"
            ) from None
        if gdf.crs is None:
            gdf = gdf.set_crs(stated)
    if gdf.crs is None:
        raise GeometryError(
            path,
            "has no CRS; CBS files are in EPSG:28992 (RD New): state it in planner.toml as "
            '[files] wijken_crs = "EPSG:28992"',
        )
    if gdf.crs.is_geographic:
        minx, miny, maxx, maxy = gdf.total_bounds
        if not (-180 <= minx and maxx <= 180 and -90 <= miny and maxy <= 90):
            raise GeometryError(
                path,
                f"coordinates ({minx:.0f}, {miny:.0f})..({maxx:.0f}, {maxy:.0f}) are not degrees but the file "
                f"states {gdf.crs.to_string()}; RD metres without a stated CRS? (GDAL reads a GeoJSON without a "
                "crs member as EPSG:4326: add the member or reproject the file)",
            )
    gdf = gdf.to_crs(CRS_RD_NEW)
    minx, miny, maxx, maxy = gdf.total_bounds
    # RD New covers the Netherlands: x 0..300 km, y 289..629 km (with a margin). Lat/lon labelled RD lands far off.
    if not (-10_000 <= minx and maxx <= 310_000 and 280_000 <= miny and maxy <= 640_000):
        raise GeometryError(
            path,
            f"coordinates ({minx:.0f}, {miny:.0f})..({maxx:.0f}, {maxy:.0f}) lie outside "
            "the Netherlands in EPSG:28992; is the CRS stated wrongly (lat/lon labelled RD?)",
        )
    return gdf


def _check_geometry(gdf: gpd.GeoDataFrame, path: Path | str) -> None:
    for i, (code, geom) in enumerate(zip(gdf["wijk_code"], gdf.geometry, strict=True), start=1):
        where = f"feature {i} ({code})"
        if geom is None or geom.is_empty:
            raise GeometryError(path, "has no geometry; expected a polygon", row=where, column="geometry")
        if geom.geom_type not in ("Polygon", "MultiPolygon"):
            raise GeometryError(
                path, f"is a {geom.geom_type}; expected a Polygon or MultiPolygon", row=where, column="geometry"
            )
        if not geom.is_valid:
            from shapely.validation import explain_validity

            raise GeometryError(
                path, f"is not a valid polygon ({explain_validity(geom)})", row=where, column="geometry"
            )


def _short(exc: Exception) -> str:
    text = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
    return text[:200]
