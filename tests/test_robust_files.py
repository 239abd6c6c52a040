"""Files outside the data folder stay unread, GDAL reads only the documented formats, offline, and nothing blocks.

The attacks are tested as classes: every file the planner reads by a default name, as a symbolic link out of the
folder, as a FIFO and as a device; every documented wijken suffix holding a VRT, a CSV or text that names a URL;
every kind of GDAL source syntax in ``[files] wijken``; a GeoJSON whose CRS links to a URL (GDAL fetches that
unless told not to). A local HTTP server on 127.0.0.1 counts the requests that would have left the machine.
"""

from __future__ import annotations

import contextlib
import http.server
import json
import os
import signal
import stat
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from planner import dataset, tables
from planner.config import CONFIG_NAME
from planner.geo import WIJKEN_NAMES
from tests._robust_helpers import BASE_FILES, WEEK, WIJK_A, invoke, one_error_line, tree_digest, write_data

#: What a file outside the data folder holds; no error line may ever show it.
SECRET = "GEHEIM-7f3a9 root:x:0:0:root:/root:/bin/bash"

#: Every file read from a data folder by its default name: every CSV name planner.dataset defines (so a new input
#: file is covered the day it is added), planner.toml and the wijken file's names.
DEFAULT_NAMES = sorted({v for v in vars(dataset).values() if isinstance(v, str) and v.endswith(".csv")}
                       | set(BASE_FILES) | {CONFIG_NAME, *WIJKEN_NAMES})


@contextlib.contextmanager
def _no_hang(seconds: int = 20) -> Iterator[None]:
    """Fail (instead of hanging the suite) when the code under test blocks."""

    def alarm(signum, frame):  # type: ignore[no-untyped-def]
        raise TimeoutError(f"blocked for {seconds} s")

    old = signal.signal(signal.SIGALRM, alarm)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, old)


@contextlib.contextmanager
def _http_server() -> Iterator[tuple[str, list[str]]]:
    """A local HTTP server that records every request (the network a hostile file would reach)."""
    hits: list[str] = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802
            hits.append(self.path)
            self.send_response(200)
            self.end_headers()
            self.wfile.write(b'GEOGCS["WGS 84",DATUM["WGS_1984",SPHEROID["WGS 84",6378137,298.257223563]],'
                             b'PRIMEM["Greenwich",0],UNIT["degree",0.0174532925199433]]')

        def do_HEAD(self) -> None:  # noqa: N802
            hits.append("HEAD " + self.path)
            self.send_response(200)
            self.end_headers()

        def log_message(self, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", hits
    finally:
        server.shutdown()
        server.server_close()


def _folder(tmp_path: Path, drop: str | None = None) -> Path:
    """The small valid folder; ``drop`` removed (so a test can put something else under that name)."""
    return write_data(tmp_path / "data", {drop: None} if drop else None)


def _secret_file(tmp_path: Path, name: str) -> Path:
    outside = tmp_path / "outside" / name
    outside.parent.mkdir(exist_ok=True)
    outside.write_text(SECRET + "\n", encoding="utf-8")
    return outside


def _refused(result, *fragments: str) -> str:  # type: ignore[no-untyped-def]
    line = one_error_line(result)
    assert "GEHEIM" not in line and "root:x" not in line, line
    for frag in fragments:
        assert frag in line, (frag, line)
    return line


# -- symbolic links out of the folder ----------------------------------------------------------------------


@pytest.mark.parametrize("name", DEFAULT_NAMES)
def test_default_name_linked_outside_the_folder_is_refused(tmp_path, name):
    """officers.csv, planner.toml, wijken.* ... as a symlink to a file outside the folder: exit 2, the link named,
    nothing of the target shown (before, officers.csv -> /etc/passwd printed its first line as 'the header')."""
    data = _folder(tmp_path, drop=name if name in BASE_FILES else None)
    (data / name).symlink_to(_secret_file(tmp_path, name))
    for command in (["validate", data], ["roster", data, "-w", WEEK, "-o", tmp_path / "out"]):
        _refused(invoke(command), f"{name}: is a link to a file outside the data folder")
    assert not (tmp_path / "out").exists()


def test_links_inside_the_folder_are_fine(tmp_path):
    """A symlink that stays inside the folder (a shared officers file in a subfolder) is read as before."""
    data = _folder(tmp_path, drop="officers.csv")
    (data / "bron").mkdir()
    (data / "bron" / "officers.csv").write_text(BASE_FILES["officers.csv"], encoding="utf-8")  # type: ignore[arg-type]
    (data / "officers.csv").symlink_to(data / "bron" / "officers.csv")
    result = invoke(["validate", data])
    assert result.exit_code == 0, result.output


def test_shapefile_companion_linked_outside_is_refused(tmp_path):
    """GDAL reads wijken.dbf beside wijken.shp: a .dbf that leads out of the folder is refused too."""
    import geopandas as gpd
    from shapely.geometry import box

    data = _folder(tmp_path, drop="wijken.geojson")
    gdf = gpd.GeoDataFrame({"wijk_code": [WIJK_A, "WK099902"]},
                           geometry=[box(150_000, 450_000, 151_000, 451_000), box(151_000, 450_000, 152_000, 451_000)],
                           crs="EPSG:28992")
    gdf.to_file(data / "wijken.shp", engine="pyogrio")
    assert invoke(["validate", data]).exit_code == 0
    (data / "wijken.dbf").unlink()
    (data / "wijken.dbf").symlink_to(_secret_file(tmp_path, "x.dbf"))
    _refused(invoke(["validate", data]), "wijken.dbf: is a link to a file outside the data folder")


# -- FIFOs and devices never block ---------------------------------------------------------------------------


@pytest.mark.parametrize("name", [n for n in DEFAULT_NAMES if n in BASE_FILES or n.endswith(".csv")])
def test_fifo_under_a_default_name_is_refused_without_blocking(tmp_path, name):
    """A named pipe as officers.csv, planner.toml, wijken.geojson ...: refused at once (it hung validate forever)."""
    data = _folder(tmp_path, drop=name)
    os.mkfifo(data / name)
    with _no_hang():
        _refused(invoke(["validate", data]), f"{name}: is a named pipe (FIFO), not a regular file")


@pytest.mark.parametrize("command", ["check", "pins", "history"])
def test_fifo_or_device_as_a_roster_file_is_refused_without_blocking(tmp_path, command):
    """A roster given on the command line (check, --pins, --history) that is a FIFO or /dev/zero: refused at once."""
    data = _folder(tmp_path)
    fifo = tmp_path / "pipe.csv"
    os.mkfifo(fifo)
    for bad in (fifo, Path("/dev/zero")):
        args = {"check": ["check", bad, data],
                "pins": ["roster", data, "-w", WEEK, "-o", tmp_path / "out", "--pins", bad],
                "history": ["roster", data, "-w", WEEK, "-o", tmp_path / "out", "--history", bad]}[command]
        with _no_hang():
            _refused(invoke(args), "not a regular file")
    assert not (tmp_path / "out").exists()


def test_device_node_inside_the_folder_is_refused(tmp_path):
    """A character device made inside the folder (no symlink involved) is refused as not a regular file."""
    data = _folder(tmp_path, drop="absences.csv")
    try:
        os.mknod(data / "absences.csv", stat.S_IFCHR | 0o600, os.makedev(1, 5))  # /dev/zero's numbers
    except (PermissionError, OSError) as exc:
        pytest.skip(f"cannot make a device node here: {exc}")
    with _no_hang():
        _refused(invoke(["validate", data]), "absences.csv: is a device, not a regular file")


def test_reading_never_opens_a_fifo_in_blocking_mode(tmp_path):
    """The open itself cannot block: a file that turns into a FIFO after the check is caught on the open file."""
    fifo = tmp_path / "x.csv"
    os.mkfifo(fifo)
    with _no_hang(), pytest.raises(tables.InputError, match="named pipe"):
        tables._check_stat(fifo, os.stat(fifo), 10)  # the check on the open descriptor
    with _no_hang(), pytest.raises(tables.InputError, match="named pipe"), tables.open_input(fifo, limit=10):
        pass


# -- sizes per kind ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("name", "limit"), [("planner.toml", 2**20), ("wijken.geojson", 2 * 2**30)])
def test_files_above_their_kinds_limit_are_refused_unread(tmp_path, name, limit):
    """planner.toml above 1 MB and a wijken file above 2 GB (sparse files: no disk used) are refused unread."""
    data = _folder(tmp_path, drop=name)
    with (data / name).open("wb") as fh:
        fh.truncate(limit + 1)
    _refused(invoke(["validate", data]), f"{name}: is ", " MB; inputs above ", " MB are refused")


# -- GDAL: only the documented formats, with their own driver, offline ----------------------------------------


def _vrt(source: str) -> str:
    return (f'<OGRVRTDataSource><OGRVRTLayer name="wijken"><SrcDataSource>{source}</SrcDataSource>'
            '<GeometryType>wkbPolygon</GeometryType></OGRVRTLayer></OGRVRTDataSource>')


def _hostile_payloads(url: str, outside: Path) -> dict[str, str]:
    """Content that GDAL would happily read from another file, another driver or the network."""
    return {
        "vrt_local": _vrt(str(outside)),
        "vrt_passwd": _vrt("/etc/passwd"),
        "vrt_url": _vrt(f"/vsicurl/{url}/wijken.csv"),
        "csv": f"wijk_code,WKT\n{WIJK_A},\"POLYGON((150000 450000,151000 450000,151000 451000,150000 450000))\"\n",
        "url_text": f"{url}/wijken.geojson",
        "vsi_text": f"/vsicurl/{url}/wijken.geojson",
        "sqlite_vrt": "SQLite format 3" + _vrt(str(outside)),
    }


@pytest.mark.parametrize("suffix", [".geojson", ".json", ".gpkg", ".shp", ".fgb"])
def test_wijken_file_of_any_suffix_holding_another_format_is_refused(tmp_path, suffix):
    """A VRT (pointing at a file outside the folder, /etc/passwd or a URL), a CSV or a bare URL saved as any
    documented wijken name: refused before GDAL reads it; nothing fetched, nothing of the target shown."""
    outside = _secret_file(tmp_path, "secret.csv")
    with _http_server() as (url, hits):
        for kind, payload in _hostile_payloads(url, outside).items():
            data = write_data(tmp_path / kind / "data", {"wijken.geojson": None})
            (data / f"wijken{suffix}").write_text(payload, encoding="utf-8")
            line = _refused(invoke(["validate", data]), f"wijken{suffix}: is not a")
            assert "first bytes" in line, (kind, line)
        assert hits == []


def test_geojson_whose_crs_links_to_a_url_fetches_nothing(tmp_path):
    """GDAL fetches a GeoJSON 'link' CRS from its href; with the planner's GDAL settings nothing leaves the
    machine (the server sees no request) and the file is refused on its own terms (no CRS it can use)."""
    with _http_server() as (url, hits):
        doc = json.loads(BASE_FILES["wijken.geojson"])  # type: ignore[arg-type]
        doc["crs"] = {"type": "link", "properties": {"href": f"{url}/crs.wkt", "type": "wkt"}}
        data = write_data(tmp_path / "data", {"wijken.geojson": json.dumps(doc)})
        result = invoke(["validate", data])
        assert result.exit_code == 2, result.output
        assert hits == []


@pytest.mark.parametrize("named", [
    "/vsicurl/http://127.0.0.1:9/wijken.geojson",
    "vsizip/wijken.zip/wijken.shp",
    "/vsizip//etc/wijken.zip",
    "GPKG:wijken.gpkg:wijken",
    "GeoJSON:wijken.geojson",
    "PG:dbname=wijken",
    "http://127.0.0.1:9/wijken.geojson",
    "file:///etc/passwd",
    "wijken.zip!wijken.shp",
    '{"type": "FeatureCollection", "features": []}',
    "<OGRVRTDataSource/>",
    "wijken.csv",
    "wijken.vrt",
])
def test_files_wijken_that_is_no_plain_file_name_is_refused(tmp_path, named):
    """[files] wijken names a file in the folder: connection strings, /vsi paths, URLs, archives, inline JSON or
    XML and undocumented formats are refused by name, with nothing opened."""
    data = write_data(tmp_path / "data", {"planner.toml": f"[files]\nwijken = {json.dumps(named)}\n"})
    for name in ("wijken.csv", "wijken.vrt"):
        (data / name).write_text(_vrt("/etc/passwd"), encoding="utf-8")
    before = tree_digest(data)
    line = _refused(invoke(["validate", data]), "planner.toml, column 'files.wijken'")
    assert any(k in line for k in ("is not a file name", "lies outside", "is not a documented wijken format")), line
    assert tree_digest(data) == before


def test_the_gooi_file_and_every_documented_format_still_read(tmp_path):
    """The refusals above leave the documented formats alone: GeoPackage, GeoJSON, shapefile and FlatGeobuf."""
    import geopandas as gpd
    from shapely.geometry import box

    from planner.geo import read_wijken

    gdf = gpd.GeoDataFrame({"wijk_code": [WIJK_A]}, geometry=[box(150_000, 450_000, 151_000, 451_000)],
                           crs="EPSG:28992")
    for suffix in (".gpkg", ".geojson", ".json", ".shp", ".fgb"):
        path = tmp_path / f"w{suffix}"
        kw = {"driver": "GeoJSON"} if suffix == ".json" else {}
        gdf.to_file(path, engine="pyogrio", **kw)
        assert list(read_wijken(path)["wijk_code"]) == [WIJK_A], suffix
