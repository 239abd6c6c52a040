"""Benchmark of the coverage map at national scale: a synthetic coverage of ~3,300 wijken (voronoi cells in
RD New with wiggly, densified shared borders), one officer per wijk, a week of wijk blocks and demand.

Usage: ``python benchmarks/bench_map.py [--wijken 3300] [--segment-m 25] [--out /tmp/bench-map]``.
Prints the time of each stage and the size of the HTML. The goal is at most 10 s and 15 MB for 3,300 wijken.
"""

from __future__ import annotations

import argparse
import datetime as dt
import tempfile
import time
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from planner.geo import CRS_RD_NEW


def synthetic_wijken(n: int, segment_m: float, seed: int = 0) -> gpd.GeoDataFrame:
    """``n`` voronoi cells in the RD bounding box of the Netherlands, grouped into ~n/9 gemeenten."""
    rng = np.random.default_rng(seed)
    x0, y0, x1, y1 = 13_000.0, 306_000.0, 278_000.0, 619_000.0
    pts = shapely.points(rng.uniform(x0, x1, n), rng.uniform(y0, y1, n))
    frame = shapely.box(x0, y0, x1, y1)
    cells = shapely.voronoi_polygons(shapely.multipoints(pts), extend_to=frame)
    cells = np.asarray(shapely.intersection(shapely.get_parts(cells), frame))
    if segment_m > 0:  # realistic vertex counts: dense borders with a wiggle that both neighbours share
        cells = shapely.segmentize(cells, segment_m)
        cells = shapely.transform(cells, lambda c: c + 40 * np.sin(c[:, ::-1] / 170.0))
        cells = shapely.set_precision(cells, 0.01)
        cells = shapely.make_valid(cells)
    cx, cy = shapely.get_x(shapely.centroid(cells)), shapely.get_y(shapely.centroid(cells))
    g = int(np.sqrt(max(n // 9, 1)))
    gm = np.clip(((cx - x0) / (x1 - x0) * g).astype(int), 0, g - 1) * g + np.clip(
        ((cy - y0) / (y1 - y0) * g).astype(int), 0, g - 1
    )
    codes = [f"WK{gm_i % 10000:04d}{i % 100:02d}" for i, gm_i in enumerate(gm)]
    seen: dict[str, int] = {}
    for i, c in enumerate(codes):  # make codes unique within the 6 digits
        while c in seen:
            c = f"WK{(int(c[2:6]) + 1) % 10000:04d}{c[6:]}"
        seen[c] = i
        codes[i] = c
    pop = rng.integers(500, 20_000, n).astype("float64")
    pop[rng.random(n) < 0.02] = np.nan
    return gpd.GeoDataFrame(
        {
            "wijk_code": codes,
            "wijk_naam": [f"Wijk {i}" for i in range(n)],
            "gemeente_code": [f"GM{v:04d}" for v in gm],
            "gemeente_naam": [f"Gemeente {v}" for v in gm],
            "inwoners": pop,
        },
        geometry=cells,
        crs=CRS_RD_NEW,
    )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--wijken", type=int, default=3300, help="number of wijken")
    ap.add_argument(
        "--segment-m", type=float, default=25.0, help="border vertex spacing in metres (0: straight)"
    )
    ap.add_argument("--out", type=Path, default=None, help="folder for the data and the map (default: temp)")
    args = ap.parse_args()
    out = args.out or Path(tempfile.mkdtemp(prefix="bench-map-"))
    out.mkdir(parents=True, exist_ok=True)

    from planner.dataset import load_dataset
    from planner.maps import wijk_figures, write_map
    from planner.roster_io import read_roster, roster_to_csv_text
    from planner.timeutil import local

    t = time.perf_counter()
    wijken = synthetic_wijken(args.wijken, args.segment_m)
    data = out / "data"
    data.mkdir(exist_ok=True)
    wijken.to_file(data / "wijken.gpkg", layer="wijken", driver="GPKG")
    codes = list(wijken["wijk_code"])
    (data / "officers.csv").write_text(
        "officer_id;name;wijk_code;contract_hours\n"
        + "".join(f"O{i:05d};Agent {i};{c};36\n" for i, c in enumerate(codes)),
        encoding="utf-8",
    )
    (data / "demand.csv").write_text(
        "wijk_code;day;start;end;officers\n"
        + "".join(
            f"{c};{d};{s};{e};1\n"
            for c in codes
            for d, s, e in (("ma", "09:00", "13:00"), ("wo", "19:00", "23:00"), ("za", "22:00", "02:00"))
        ),
        encoding="utf-8",
    )
    print(
        f"synthetic data: {time.perf_counter() - t:.1f} s, "
        f"{int(shapely.get_num_coordinates(wijken.geometry.values).sum()):,} vertices"
    )
    t = time.perf_counter()
    ds = load_dataset(data)
    print(f"load_dataset: {time.perf_counter() - t:.1f} s")
    import zoneinfo

    tz = zoneinfo.ZoneInfo("Europe/Amsterdam")
    monday = dt.date(2027, 1, 18)
    rows = []
    for i, c in enumerate(codes):
        for d in range(5):
            day = monday + dt.timedelta(days=(d + i) % 7)
            s, e = local(day, dt.time(9 + (i % 3) * 4), tz), local(day, dt.time(15 + (i % 3) * 4), tz)
            rows.append(
                {
                    "officer_id": f"O{i:05d}",
                    "date": day,
                    "start": s,
                    "end": e,
                    "activity": "wijk",
                    "wijk_code": c,
                    "shift": "D",
                    "task": "",
                }
            )
    (out / "roster.csv").write_text(roster_to_csv_text(pd.DataFrame(rows)), encoding="utf-8")
    roster = read_roster(out / "roster.csv", tz)

    t = time.perf_counter()
    wijk_figures(ds, roster)
    t_fig = time.perf_counter() - t
    t = time.perf_counter()
    html = out / "coverage.html"
    write_map(ds, roster, html)
    t_map = time.perf_counter() - t
    size = html.stat().st_size
    print(f"wijk_figures: {t_fig:.1f} s")
    print(f"write_map (figures + simplify + HTML): {t_map:.1f} s, {size / 1e6:.1f} MB -> {html}")
    print("goal: <= 10 s and <= 15 MB:", "met" if t_map <= 10 and size <= 15e6 else "NOT met")


if __name__ == "__main__":
    main()
