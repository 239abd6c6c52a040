"""Synthetic regions: fictional gemeenten, wijken, officers, absences and demand in the real input format."""

from __future__ import annotations

import contextlib
import csv
import dataclasses
import datetime as dt
import heapq
import io
import json
import math
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np

from planner import atomic
from planner.errors import InputError, OutputError
from planner.geo import CRS_RD_NEW
from planner.timeutil import WEEKDAYS_NL, parse_week

#: Marker file that says a folder was written by the generator (and which files it holds).
MARKER = ".planner-demo.json"
#: Inhabitants per wijkagent (Politiewet 2012 art. 38a: at least one wijkagent per 5,000 inhabitants).
INHABITANTS_PER_OFFICER = 5000
#: Officers per basisteam and gemeenten per basisteam, roughly.
OFFICERS_PER_TEAM = 20
OFFICERS_PER_GEMEENTE = 10.3
#: RD New bounds of the Netherlands (metres); every generated polygon lies inside them.
RD_BOUNDS = (13_000.0, 306_000.0, 278_000.0, 619_000.0)
MAX_OFFICERS = 20_000

_SMALL_REGION = 50  # officers; up to this size the region is one compact town with larger wijken
_WINDOWS_NOODHULP = (
    ("07:00", "11:00"),
    ("11:00", "15:00"),
    ("15:00", "19:00"),
    ("19:00", "23:00"),
    ("23:00", "03:00"),
    ("03:00", "07:00"),
)
# Relative need for noodhulp support per window (index as above) and per weekday (ma..zo).
_NOODHULP_WINDOW_WEIGHT = (0.6, 0.8, 1.0, 1.3, 0.9, 0.4)
_NOODHULP_DAY_WEIGHT = (0.9, 0.9, 0.9, 1.0, 1.3, 1.4, 1.0)

# theme: (weight, weekdays, windows, note)
_THEMES: dict[str, tuple[float, tuple[int, ...], tuple[tuple[str, str], ...], str]] = {
    "zorg_en_veiligheid": (
        3.0,
        (0, 1, 2, 3, 4),
        (("09:00", "12:00"), ("13:00", "16:00")),
        "huisbezoeken met het sociaal wijkteam",
    ),
    "jeugdoverlast": (
        2.5,
        (2, 4, 5),
        (("19:00", "23:00"), ("16:00", "19:00")),
        "hangplek bij het winkelcentrum",
    ),
    "woonoverlast": (
        2.0,
        (0, 1, 2, 3, 4),
        (("14:00", "17:00"), ("17:00", "20:00")),
        "burenruzies in de flats",
    ),
    "huiselijk_geweld": (1.5, (0, 1, 2, 3, 4), (("09:00", "12:00"),), "nazorg na meldingen"),
    "ondermijning": (1.5, (1, 3), (("10:00", "14:00"), ("19:00", "22:00")), "controle bedrijventerrein"),
    "drugsoverlast": (1.2, (3, 4, 5), (("19:00", "22:00"), ("15:00", "18:00")), "overlast rond het station"),
    "mensenhandel": (0.6, (4, 5), (("20:00", "23:00"),), "signalen in de horeca"),
    "cyber": (0.6, (2,), (("13:00", "16:00"),), "voorlichting op school"),
}
_PRIORITIES = (("hoog", 0.25), ("midden", 0.5), ("laag", 0.25))

_GM_PREFIX = tuple(
    "Aal Bies Dwing Elster Fluit Gors Hazel Ipen Jonk Kievit Lisse Meeu Noor Oever Plas Quak "
    "Ruige Schol Tjalk Uiter Vlas Wolde Ysel Zwaluw Brem Dotter Eik Grutto Heide Kolk Lepel Mos "
    "Naald Otter Pieper Riet Spreeu Turf Wilg Zegge".split()
)
_GM_SUFFIX = tuple(
    "dorp hoven veen dam wijk broek horst loo rade meer zijl kerk berg hout sloot werd lanen "
    "akker hem donk beek stede gaarde oord ven".split()
)
_WIJK_NAMES = tuple(
    "Centrum,Noord,Oost,Zuid,West,Noordoost,Noordwest,Zuidoost,Zuidwest,Buitengebied,Bloemenbuurt,"
    "Vogelwijk,Schildersbuurt,Componistenbuurt,Bomenwijk,Stationskwartier,Havenkwartier,De Akkers,"
    "De Hoven,Kerkveld,Molenwijk,De Meent,Rivierenbuurt,Sterrenwijk,Park Zuid,Oude Dorp,Nieuwland,"
    "De Velden,Het Hofje,De Bongerd".split(",")
)
_FIRST = tuple(
    "Anouk Bram Cor Daan Eva Femke Gert Hanna Ilse Jeroen Karin Lars Marieke Niels Olga Pieter "
    "Quinten Rachid Sanne Tim Ursula Vincent Wendy Yusuf Zoë Aylin Bas Chantal Dirk Esther Fatima "
    "Gijs Hein Inge Joost Kees Linda Mohamed Nadia Otto Petra Ruben Sevda Thijs Vera Wout Yvonne "
    "Ziggy Aart Bianca Chris Dewi Emre Floor Germaine Hidde Isa Jasper Kim Lotte".split()
)
_LAST = tuple(
    "de Vries,Jansen,van Dijk,Bakker,Visser,Smit,Meijer,de Boer,Mulder,de Groot,Bos,Vos,Peters,"
    "Hendriks,van Leeuwen,Dekker,Brouwer,de Wit,Dijkstra,Smits,de Graaf,van der Meer,"
    "van der Linden,Kok,Jacobs,de Haan,Vermeulen,van den Heuvel,van der Veen,van den Berg,Kuipers,"
    "Schouten,Willems,Hoekstra,Koster,Yilmaz,El Amrani,Prins,Huisman,Postma,Kramer,Verhoeven,Blom,"
    "Wouters,Boersma,Sedney,Hermans,Bosman,Hofman,Kaya,Martens,Timmermans,Groen,Veenstra,Maas,"
    "Claassen,Nijhuis,Brinkman,Pauwels,Sahin".split(",")
)
_EVENTS = ("Voetbalwedstrijd", "Popconcert", "Demonstratie", "Winterfestival", "Braderie", "Schaatsfeest")
_SKILLS = ("jeugd", "ondermijning", "zorg", "mediation", "cyber")

@dataclasses.dataclass(frozen=True)
class RegionSummary:
    """What generate_region wrote: counts and the files."""

    path: Path
    officers: int
    teams: int
    gemeenten: int
    wijken: int
    inhabitants: int
    files: tuple[str, ...]


def generate_region(
    out_dir: Path | str, officers: int = 22, seed: int = 1, week: str = "2027-W03"
) -> RegionSummary:
    """Write a synthetic data folder that ``planner.dataset.load_dataset`` reads.

    The folder holds ``wijken.gpkg`` (layer ``wijken``, CBS GeoPackage columns, EPSG:28992),
    ``population.csv``, ``officers.csv``, ``absences.csv``, ``demand.csv``, ``team_demand.csv``,
    ``wishes.csv``, ``planner.toml`` and the marker ``.planner-demo.json``. The same arguments always give
    byte-identical files.

    Parameters
    ----------
    out_dir
        Target folder. It must be absent, empty, or an earlier output of this generator (then it is replaced);
        a folder holding any other file is refused. The folder is written next to the target and renamed into
        place, so a failure leaves the target untouched.
    officers
        Number of wijkagenten (1 to 20,000); about one per 5,000 inhabitants and 20 per basisteam.
    seed
        Random seed.
    week
        ISO week ``YYYY-Www`` of the absences, wishes and events.

    Returns
    -------
    RegionSummary
    """
    out = Path(out_dir)
    if not 1 <= officers <= MAX_OFFICERS:
        raise InputError(None, f"--officers {officers}: expected 1 to {MAX_OFFICERS} officers")
    try:
        monday = parse_week(week)
    except ValueError as exc:
        raise InputError(None, f"--week: {exc}") from None
    _check_target(out)
    files, summary = _build(officers, seed, monday)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}.", suffix=".tmp", dir=out.parent))
    try:
        umask = os.umask(0)
        os.umask(umask)
        for name, data in files.items():
            if name.endswith(".gpkg"):
                _write_gpkg(tmp / name, data)
            else:
                atomic.write_bytes(tmp / name, data)
            os.chmod(tmp / name, 0o666 & ~umask)
        os.chmod(tmp, 0o777 & ~umask)
        _replace_folder(tmp, out)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return dataclasses.replace(summary, path=out, files=tuple(sorted(files)))


def _check_target(out: Path) -> None:
    """Refuse a target that holds anything the generator did not write."""
    if not out.exists():
        return
    if not out.is_dir():
        raise OutputError(f"{out} is a file; expected a folder for the generated data")
    present = sorted(p.name for p in out.iterdir())
    if not present:
        return
    marker = out / MARKER
    if not marker.is_file():
        raise OutputError(
            f"{out} is not empty and was not written by 'planner demo-data'; "
            "choose an empty or new folder (nothing was written)"
        )
    try:
        listed = set(json.loads(marker.read_text(encoding="utf-8"))["files"])
    except (ValueError, KeyError, TypeError):
        raise OutputError(f"{out / MARKER} is not a generator marker; nothing was written") from None
    extra = [name for name in present if name not in listed | {MARKER}]
    if extra:
        raise OutputError(
            f"{out} holds files the generator did not write ({', '.join(extra[:5])}); nothing was written"
        )


def _replace_folder(new: Path, out: Path) -> None:
    """Rename ``new`` onto ``out``; an earlier generator output is moved aside first and then removed."""
    if out.exists():
        old = Path(tempfile.mkdtemp(prefix=f".{out.name}.", suffix=".old", dir=out.parent))
        os.rmdir(old)
        os.replace(out, old)
        try:
            os.replace(new, out)
        except BaseException:
            os.replace(old, out)
            raise
        shutil.rmtree(old, ignore_errors=True)
    else:
        os.replace(new, out)


# ----------------------------------------------------------------------------------------------------------
# The region


@dataclasses.dataclass
class _Region:
    geoms: Any  # numpy array of shapely polygons, one per wijk
    team: np.ndarray  # team index per wijk
    gemeente: np.ndarray  # gemeente index per wijk (global)
    gm_team: list[int]  # team of each gemeente
    neighbours: list[set[int]]


def _build(n_officers: int, seed: int, monday: dt.date) -> tuple[dict[str, Any], RegionSummary]:
    rng = np.random.default_rng(seed)
    small = n_officers <= _SMALL_REGION
    n_wijken = max(1, round(n_officers * (0.65 if small else 0.94)))
    n_pairs = min(n_wijken // 2, round(n_officers * 0.05))
    n_wijken = min(n_wijken, n_officers + n_pairs)
    n_teams = max(1, round(n_officers / OFFICERS_PER_TEAM))
    n_gemeenten = min(n_wijken, max(min(3, n_wijken), n_teams, round(n_officers / OFFICERS_PER_GEMEENTE)))
    n_teams = min(n_teams, n_gemeenten)
    region = _region(rng, n_wijken, n_teams, n_gemeenten, small)

    # Officers per wijk: pairs of small neighbouring wijken share one officer; the rest hold 1 to 3 officers.
    order = sorted(range(n_wijken), key=lambda i: (region.gemeente[i], i))
    paired: dict[int, int] = {}
    for i in rng.permutation(n_wijken).tolist():
        if len(paired) // 2 >= n_pairs:
            break
        if i in paired:
            continue
        options = sorted(
            j for j in region.neighbours[i] if j not in paired and region.gemeente[j] == region.gemeente[i]
        )
        if options:
            j = options[int(rng.integers(len(options)))]
            paired[i], paired[j] = j, i
    singles = [i for i in order if i not in paired]
    per_wijk = dict.fromkeys(singles, 1)
    extra = n_officers - len(singles) - len(paired) // 2
    while extra > 0 and singles:
        i = singles[int(rng.integers(len(singles)))]
        if per_wijk[i] < 3 or all(v >= 3 for v in per_wijk.values()):
            per_wijk[i] += 1
            extra -= 1

    # Inhabitants: about 5,000 per officer (slightly fewer on average, so the 1-per-5,000 law holds).
    inhabitants = np.zeros(n_wijken, dtype=np.int64)
    for i in singles:
        inhabitants[i] = round(per_wijk[i] * rng.uniform(0.85, 1.05) * INHABITANTS_PER_OFFICER / 5) * 5
    for i, j in paired.items():  # the two wijken of a pair hold about one officer's worth together
        if i < j:
            total = round(rng.uniform(0.85, 1.05) * INHABITANTS_PER_OFFICER / 5) * 5
            inhabitants[i] = round(total * rng.uniform(0.3, 0.7) / 5) * 5
            inhabitants[j] = total - inhabitants[i]

    # Codes and names.
    gm_number = [(9900 if n_gemeenten <= 99 else 5000) + g + 1 for g in range(n_gemeenten)]
    gm_names = _gemeente_names(rng, n_gemeenten)
    wijk_code = [""] * n_wijken
    wijk_name = [""] * n_wijken
    for g in range(n_gemeenten):
        members = sorted(
            (i for i in range(n_wijken) if region.gemeente[i] == g),
            key=lambda i: (-region.geoms[i].centroid.y, region.geoms[i].centroid.x),
        )
        if len(members) > 99:
            raise InputError(
                None,
                f"--seed: gemeente {g} got {len(members)} wijken and at most 99 fit a CBS "
                "code; try another seed",
            )
        # The wijk nearest the gemeente's centre is its Centrum.
        cx = np.mean([region.geoms[i].centroid.x for i in members])
        cy = np.mean([region.geoms[i].centroid.y for i in members])
        centre = min(
            members,
            key=lambda i: math.hypot(region.geoms[i].centroid.x - cx, region.geoms[i].centroid.y - cy),
        )
        members.remove(centre)
        members.insert(0, centre)
        names = list(_WIJK_NAMES[1:])
        rng.shuffle(names)
        names = ["Centrum", *names]
        for k, i in enumerate(members):
            wijk_code[i] = f"WK{gm_number[g]:04d}{k + 1:02d}"
            base = names[k % len(names)]
            wijk_name[i] = base if k < len(names) else f"{base} {k // len(names) + 1}"
    team_names = []
    for t in range(n_teams):
        gms = sorted((g for g in range(n_gemeenten) if region.gm_team[g] == t), key=lambda g: gm_number[g])
        team_names.append(f"Basisteam {gm_names[gms[0]]}" + (f"-{gm_names[gms[1]]}" if len(gms) > 1 else ""))

    officers = _officers(rng, region, per_wijk, paired, wijk_code, team_names)
    absences, unavailable_days = _absences(rng, officers, monday)
    wishes = _wishes(rng, officers, monday)
    demand = _demand(rng, officers, unavailable_days, wijk_code, region)
    place = {wijk_code[i]: gm_names[region.gemeente[i]] for i in range(n_wijken)}
    team_demand = _team_demand(rng, officers, place, team_names, monday)

    gpkg = {
        "wijkcode": wijk_code,
        "wijknaam": wijk_name,
        "gemeentecode": [f"GM{gm_number[g]:04d}" for g in region.gemeente],
        "gemeentenaam": [gm_names[g] for g in region.gemeente],
        "water": ["NEE"] * n_wijken,
        "aantal_inwoners": inhabitants.tolist(),
        "geometry": region.geoms,
    }
    files: dict[str, Any] = {
        "wijken.gpkg": gpkg,
        "population.csv": _csv(
            ["wijk_code", "inwoners"],
            sorted([c, str(int(p))] for c, p in zip(wijk_code, inhabitants, strict=True)),
            sep=";",
        ),
        "officers.csv": _csv(
            ["officer_id", "name", "wijk_code", "contract_hours", "night_exempt", "team", "skills"],
            [
                [
                    o["id"],
                    o["name"],
                    "|".join(o["wijken"]),
                    _dutch(o["hours"]),
                    "ja" if o["night_exempt"] else "nee",
                    o["team"],
                    "|".join(o["skills"]),
                ]
                for o in officers
            ],
            sep=";",
            bom=True,
        ),
        "absences.csv": _csv(["officer_id", "start", "end", "reason"], absences),
        "demand.csv": _csv(
            ["wijk_code", "day", "start", "end", "officers", "theme", "priority", "note"], demand
        ),
        "team_demand.csv": _csv(
            ["kind", "name", "day", "start", "end", "officers", "wijk_code", "team"], team_demand
        ),
        "wishes.csv": _csv(["officer_id", "date"], wishes),
        "planner.toml": planner_toml(
            team_names[0] if n_teams == 1 else "Regio (meerdere basisteams)"
        ).encode(),
    }
    files[MARKER] = (
        json.dumps(
            {
                "generator": "planner demo-data",
                "officers": n_officers,
                "seed": seed,
                "week": f"{monday.isocalendar()[0]}-W{monday.isocalendar()[1]:02d}",
                "files": sorted([*files, MARKER]),
            },
            indent=2,
        )
        + "\n"
    ).encode()
    summary = RegionSummary(Path(), n_officers, n_teams, n_gemeenten, n_wijken, int(inhabitants.sum()), ())
    return files, summary


def _region(rng: np.random.Generator, n_wijken: int, n_teams: int, n_gemeenten: int, small: bool) -> _Region:
    """Voronoi wijken clipped to a convex hull, grown into teams and gemeenten along shared borders."""
    import shapely
    from shapely.geometry import MultiPoint, Polygon

    area_m2 = n_wijken * (4.0e6 if small else 10.0e6)
    a = math.sqrt(area_m2 / math.pi / 1.3)  # ellipse half-axes a (x) and 1.3 a (y)
    a = min(a, 95_000.0)
    b = 1.3 * a
    if small:
        cx = float(rng.uniform(RD_BOUNDS[0] + 40_000, RD_BOUNDS[2] - 40_000))
        cy = float(rng.uniform(RD_BOUNDS[1] + 40_000, RD_BOUNDS[3] - 40_000))
    else:
        cx, cy = 155_000.0, 463_000.0
    theta = np.linspace(0, 2 * np.pi, 72, endpoint=False)
    r = np.ones_like(theta)
    for k in (2, 3, 5):
        r += rng.uniform(0.02, 0.06) * np.cos(k * theta + rng.uniform(0, 2 * np.pi))
    hull = Polygon(
        np.round(np.column_stack([cx + a * r * np.cos(theta), cy + b * r * np.sin(theta)]))
    ).convex_hull
    minx, miny, maxx, maxy = hull.bounds
    pts = np.empty((0, 2))
    while len(pts) < n_wijken:
        cand = np.column_stack(
            [rng.uniform(minx, maxx, 2 * n_wijken + 8), rng.uniform(miny, maxy, 2 * n_wijken + 8)]
        )
        pts = np.vstack([pts, cand[shapely.contains_xy(hull, cand[:, 0], cand[:, 1])]])
    pts = pts[:n_wijken]

    def cells(points: np.ndarray) -> Any:
        if len(points) == 1:
            return np.array([hull])
        vor = shapely.voronoi_polygons(MultiPoint(points), extend_to=hull, ordered=True)
        return shapely.intersection(np.asarray(shapely.get_parts(vor)), hull)

    for _ in range(3):  # Lloyd relaxation: rounder, more even wijken
        geoms = cells(pts)
        pts = shapely.get_coordinates(shapely.centroid(geoms))
    geoms = shapely.set_precision(cells(np.round(pts, 1)), 0.01)
    geoms = np.array([shapely.make_valid(g) if not g.is_valid else g for g in geoms])

    # Neighbours: cells that share a border of positive length.
    tree = shapely.STRtree(geoms)
    left, right = tree.query(geoms, predicate="intersects")
    keep = left < right
    left, right = left[keep], right[keep]
    shared = shapely.length(shapely.intersection(geoms[left], geoms[right]))
    neighbours: list[set[int]] = [set() for _ in range(n_wijken)]
    for i, j, length in zip(left.tolist(), right.tolist(), shared.tolist(), strict=True):
        if length > 1.0:
            neighbours[i].add(j)
            neighbours[j].add(i)
    centroids = shapely.get_coordinates(shapely.centroid(geoms))

    everyone = list(range(n_wijken))
    team = _partition(rng, everyone, n_teams, neighbours, centroids, rounds=8)
    per_team = np.bincount(team, minlength=n_teams)
    counts = [1] * n_teams
    for t in rng.permutation(n_teams).tolist():  # share the remaining gemeenten out over the teams
        if sum(counts) >= n_gemeenten:
            break
        counts[t] += 1
    while sum(counts) < n_gemeenten:
        t = int(np.argmax([per_team[t] / counts[t] for t in range(n_teams)]))
        counts[t] += 1
    gemeente = np.zeros(n_wijken, dtype=np.int64)
    gm_team: list[int] = []
    for t in range(n_teams):
        members = [i for i in everyone if team[i] == t]
        k = min(counts[t], len(members))
        sub = _partition(rng, members, k, neighbours, centroids, rounds=4)
        for local_g in range(k):
            for i in members:
                if sub[i] == local_g:
                    gemeente[i] = len(gm_team)
            gm_team.append(t)
    return _Region(geoms, team, gemeente, gm_team, neighbours)


def _partition(
    rng: np.random.Generator,
    nodes: list[int],
    k: int,
    neighbours: list[set[int]],
    centroids: np.ndarray,
    rounds: int,
) -> np.ndarray:
    """Split connected ``nodes`` into ``k`` contiguous groups grown from seeds (graph Voronoi)."""
    label = np.full(len(centroids), -1, dtype=np.int64)
    if k <= 1:
        label[nodes] = 0
        return label
    seeds = [nodes[i] for i in sorted(rng.choice(len(nodes), size=k, replace=False).tolist())]
    allowed = set(nodes)
    target = len(nodes) / k
    scale = np.ones(k)  # per-group distance scale: a group that grew too big grows more slowly next round
    for r in range(rounds + 1):
        label[nodes] = -1
        dist = {s: 0.0 for s in seeds}
        heap = [(0.0, s, g) for g, s in enumerate(seeds)]
        heapq.heapify(heap)
        while heap:
            d, i, g = heapq.heappop(heap)
            if label[i] != -1:
                continue
            label[i] = g
            for j in sorted(neighbours[i]):
                if j in allowed and label[j] == -1:
                    nd = d + scale[g] * float(np.hypot(*(centroids[i] - centroids[j])))
                    if nd < dist.get(j, math.inf):
                        dist[j] = nd
                        heapq.heappush(heap, (nd, j, g))
        for i in nodes:  # a node the borders cannot reach (an island after clipping) joins the nearest seed
            if label[i] == -1:
                label[i] = int(np.argmin([np.hypot(*(centroids[i] - centroids[s])) for s in seeds]))
        if r == rounds:
            break
        new = []
        for g in range(k):
            members = [i for i in nodes if label[i] == g]
            c = centroids[members].mean(axis=0)
            new.append(min(members, key=lambda i: float(np.hypot(*(centroids[i] - c)))))
            scale[g] *= (len(members) / target) ** 0.5
        seeds = new
    return label


def _gemeente_names(rng: np.random.Generator, n: int) -> list[str]:
    combos = [p + s for p in _GM_PREFIX for s in _GM_SUFFIX]
    combos = [c[0].upper() + c[1:] for c in combos]
    picks = rng.permutation(len(combos)).tolist()
    names = [combos[i] for i in picks[:n]]
    k = 2
    while len(names) < n:
        names += [f"{combos[i]} {k}" for i in picks[: n - len(names)]]
        k += 1
    return names


# ----------------------------------------------------------------------------------------------------------
# Officers, absences, wishes, demand


def _officers(
    rng: np.random.Generator,
    region: _Region,
    per_wijk: dict[int, int],
    paired: dict[int, int],
    wijk_code: list[str],
    team_names: list[str],
) -> list[dict[str, Any]]:
    posts: list[tuple[int, tuple[str, ...]]] = []
    for i, count in per_wijk.items():
        posts += [(int(region.team[i]), (wijk_code[i],))] * count
    for i, j in paired.items():
        if i < j:
            posts.append((int(region.team[i]), tuple(sorted((wijk_code[i], wijk_code[j])))))
    posts.sort(key=lambda p: (team_names[p[0]], p[1]))
    n = len(posts)
    pairs = [(f, s) for f in _FIRST for s in _LAST]
    picks = rng.permutation(len(pairs)).tolist()
    names = [f"{pairs[k][0]} {pairs[k][1]}" for k in picks[: min(n, len(pairs))]]
    while len(names) < n:
        k = picks[len(names) % len(pairs)]
        names.append(f"{pairs[k][0]} {pairs[k][1]} {len(names) // len(pairs) + 1}")
    width = max(4, len(str(n)))
    out = []
    for k, (t, wijken) in enumerate(posts):
        hours = float(rng.choice([36.0, 32.0, 28.8, 24.0], p=[0.7, 0.15, 0.07, 0.08]))
        skills = sorted(
            rng.choice(_SKILLS, size=int(rng.choice([0, 1, 2], p=[0.6, 0.3, 0.1])), replace=False).tolist()
        )
        out.append(
            {
                "id": f"WA{k + 1:0{width}d}",
                "name": names[k],
                "wijken": wijken,
                "hours": hours,
                "night_exempt": bool(rng.random() < 0.06),
                "team": team_names[t],
                "skills": skills,
            }
        )
    return out


def _week_fits(contract_h: float, away_h: float, shift_h: float = 8.0, tolerance_h: float = 4.0,
               share: float = 0.8) -> bool:
    """Whether whole shifts plus ``away_h`` of work away from the wijk can meet both the contract (within the
    default tolerance) and the default norm."""
    return any(abs(k * shift_h + away_h - contract_h) <= tolerance_h and k * shift_h >= share * contract_h
               for k in range(8))


def _rosterable_span(first: dt.date, last: dt.date, monday: dt.date, contract_h: float) -> tuple[dt.date, dt.date]:
    """The absence, lengthened (later end, else earlier start) until the week it leaves can be rostered.

    Leave counts contract/5 a day (planner.hours): 3 days off a 28.8 h contract leave 11.5 h, which neither one
    8 h shift (below 80 %) nor two (16 h, more than 11.5 + 4) can meet; one more day off (5.8 h left) can.
    """
    sunday = monday + dt.timedelta(days=6)
    while True:
        days = sum(1 for d in range(7) if first <= monday + dt.timedelta(days=d) <= last)
        left = contract_h - min(days * contract_h / 5, contract_h)
        if _week_fits(left, 0.0) or (first <= monday and last >= sunday):
            return first, last
        if last < sunday:
            last += dt.timedelta(days=1)
        else:
            first -= dt.timedelta(days=1)


def _absences(
    rng: np.random.Generator, officers: list[dict[str, Any]], monday: dt.date
) -> tuple[list[list[str]], dict[str, int]]:
    """About 6 % sick, 10 % leave, 12 % a training day, 3 % a court morning; one absence per officer."""
    rows: list[list[str]] = []
    lost_days: dict[str, int] = {}

    def weekdays_lost(first: dt.date, last: dt.date) -> int:
        return sum(1 for d in range(7) if first <= monday + dt.timedelta(days=d) <= last and d < 5)

    for o in officers:
        x = rng.random()
        if x < 0.06:
            first = monday + dt.timedelta(days=int(rng.integers(-4, 5)))
            last = first + dt.timedelta(days=int(rng.integers(1, 8)))
            first, last = _rosterable_span(first, last, monday, o["hours"])
            rows.append([o["id"], first.isoformat(), last.isoformat(), "ziek"])
            lost_days[o["id"]] = weekdays_lost(first, last)
        elif x < 0.16:
            if rng.random() < 0.4:
                first, last = monday - dt.timedelta(days=2), monday + dt.timedelta(days=6)
            else:
                first = monday + dt.timedelta(days=int(rng.integers(0, 5)))
                last = first + dt.timedelta(days=int(rng.integers(0, 3)))
            first, last = _rosterable_span(first, last, monday, o["hours"])
            rows.append(
                [o["id"], first.isoformat(), last.isoformat(), str(rng.choice(["vakantie", "verlof"]))]
            )
            lost_days[o["id"]] = weekdays_lost(first, last)
        elif x < 0.28:
            day = monday + dt.timedelta(days=int(rng.integers(0, 5)))
            whole_day = rng.random() < 0.5
            hours = float(o["hours"])
            # Only weeks a roster can hold: a training day of contract/5 hours must leave room for the 80 %
            # norm in whole 8 h shifts within the contract tolerance (24 h + a day cannot), else the 4 h IBT.
            if whole_day and _week_fits(hours, hours / 5):
                rows.append([o["id"], day.isoformat(), day.isoformat(), "training"])
            elif _week_fits(hours, 4.0):
                rows.append([o["id"], f"{day.isoformat()}T13:00", f"{day.isoformat()}T17:00", "ibt"])
        elif x < 0.31:
            day = monday + dt.timedelta(days=int(rng.integers(0, 5)))
            if _week_fits(float(o["hours"]), 3.0):
                rows.append([o["id"], f"{day.isoformat()}T09:00", f"{day.isoformat()}T12:00", "rechtbank"])
    rows.sort()
    return rows, lost_days


def _wishes(rng: np.random.Generator, officers: list[dict[str, Any]], monday: dt.date) -> list[list[str]]:
    rows = []
    for o in officers:
        if rng.random() < 0.15:
            day = monday + dt.timedelta(days=int(rng.choice([2, 4, 5, 6])))
            rows.append([o["id"], day.isoformat()])
    return sorted(rows)


def _available_hours(o: dict[str, Any], lost_days: dict[str, int]) -> float:
    return max(0.0, o["hours"] * (1 - lost_days.get(o["id"], 0) / 5))


def _demand(
    rng: np.random.Generator,
    officers: list[dict[str, Any]],
    lost_days: dict[str, int],
    wijk_code: list[str],
    region: _Region,
) -> list[list[str]]:
    """Wijk presence wanted: per wijk about 25-45 % (per team about 34 %) of its officers' own-wijk hours."""
    own_hours: dict[str, float] = dict.fromkeys(wijk_code, 0.0)
    staff: dict[str, int] = dict.fromkeys(wijk_code, 0)
    for o in officers:
        for w in o["wijken"]:
            own_hours[w] += 0.8 * _available_hours(o, lost_days) / len(o["wijken"])
            staff[w] += 1
    themes = sorted(_THEMES)
    weights = np.array([_THEMES[t][0] for t in themes])
    weights = weights / weights.sum()
    prio_names = [p for p, _ in _PRIORITIES]
    prio_p = [p for _, p in _PRIORITIES]
    team_share = {t: rng.uniform(0.30, 0.38) for t in sorted(set(region.team.tolist()))}
    code_index = {c: i for i, c in enumerate(wijk_code)}
    rows: list[list[str]] = []
    for w in sorted(wijk_code):
        if staff[w] == 0:
            continue
        target = own_hours[w] * team_share[int(region.team[code_index[w]])] * rng.uniform(0.8, 1.2)
        total = 0.0
        used: list[tuple[int, int, int, int]] = []
        for _attempt in range(60):
            if total >= target - 1.5:
                break
            theme = themes[int(rng.choice(len(themes), p=weights))]
            _, days, windows, note = _THEMES[theme]
            day = int(rng.choice(days))
            start, end = windows[int(rng.integers(len(windows)))]
            hours = _window_hours(start, end)
            n = 2 if staff[w] >= 2 and rng.random() < 0.2 and total + 2 * hours <= target + 1.5 else 1
            if total + n * hours > target + 2.0:
                continue
            # Never ask more officers at once than the wijk has.
            s0, e0 = _minutes(start), _minutes(start) + round(hours * 60)
            if n + sum(k for d, s, e, k in used if d == day and s < e0 and s0 < e) > staff[w]:
                continue
            used.append((day, s0, e0, n))
            total += n * hours
            rows.append(
                [
                    w,
                    WEEKDAYS_NL[day],
                    start,
                    end,
                    str(n),
                    theme,
                    prio_names[int(rng.choice(3, p=prio_p))],
                    note,
                ]
            )
    rows.sort(key=lambda r: (r[0], WEEKDAYS_NL.index(r[1]), r[2]))
    return rows


def _team_demand(
    rng: np.random.Generator,
    officers: list[dict[str, Any]],
    place: dict[str, str],
    team_names: list[str],
    monday: dt.date,
) -> list[list[str]]:
    """Per team: noodhulp support (about 9 % of contract hours) in 4-hour windows, one event (3 %) and the
    festivities of Koningsdag in the team's first wijk (a row for that holiday: ``day = koningsdag``)."""
    rows: list[list[str]] = []
    for team in sorted(team_names):
        members = [o for o in officers if o["team"] == team]
        contract = sum(o["hours"] for o in members)
        nh_units = max(1, round(contract * rng.uniform(0.08, 0.10) / 4))
        slots = [(d, w) for d in range(7) for w in range(len(_WINDOWS_NOODHULP))]
        weight = np.array([_NOODHULP_DAY_WEIGHT[d] * _NOODHULP_WINDOW_WEIGHT[w] for d, w in slots])
        exact = weight / weight.sum() * nh_units
        count = np.floor(exact).astype(int)
        for k in np.argsort(-(exact - count), kind="stable")[: nh_units - int(count.sum())]:
            count[k] += 1
        for (d, w), c in zip(slots, count.tolist(), strict=True):
            if c:
                start, end = _WINDOWS_NOODHULP[w]
                rows.append(
                    ["noodhulp", "Noodhulp ondersteuning", WEEKDAYS_NL[d], start, end, str(c), "", team]
                )
        ev_officers = max(2, round(contract * rng.uniform(0.025, 0.035) / 4))
        host = sorted({w for o in members for w in o["wijken"]})
        wijk = host[int(rng.integers(len(host)))]
        kind = _EVENTS[int(rng.integers(len(_EVENTS)))]
        day = monday + dt.timedelta(days=5)
        rows.append(
            [
                "event",
                f"{kind} {place[wijk]}",
                day.isoformat(),
                "18:00",
                "22:00",
                str(ev_officers),
                wijk,
                team,
            ]
        )
        # No draw from rng here: the rest of the region stays what it was before this row existed.
        rows.append(["event", f"Koningsdag festiviteiten {place[host[0]]}", "koningsdag", "10:00", "18:00",
                     str(max(2, round(len(members) / 8))), host[0], team])
    order = {d: i for i, d in enumerate(WEEKDAYS_NL)}
    rows.sort(key=lambda r: (r[7], r[0] != "noodhulp", order.get(r[2], 7), r[2], r[3]))
    return rows


def _minutes(clock: str) -> int:
    return int(clock[:2]) * 60 + int(clock[3:])


def _window_hours(start: str, end: str) -> float:
    return ((_minutes(end) - _minutes(start)) % 1440) / 60


# ----------------------------------------------------------------------------------------------------------
# Writing


def _dutch(value: float) -> str:
    """A number the way Dutch Excel writes it: 28,8 and 36."""
    return f"{value:g}".replace(".", ",")


def _csv(header: list[str], rows: list[list[str]], sep: str = ",", bom: bool = False) -> bytes:
    buf = io.StringIO()
    writer = csv.writer(buf, delimiter=sep, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return ("\ufeff" if bom else "").encode() + buf.getvalue().encode("utf-8")


@contextlib.contextmanager
def _gdal_date() -> Iterator[None]:
    """Pin the GeoPackage's last_change timestamp so the file is byte-identical between runs."""
    import pyogrio

    before = pyogrio.get_gdal_config_option("OGR_CURRENT_DATE")
    pyogrio.set_gdal_config_options({"OGR_CURRENT_DATE": "2000-01-01T00:00:00.000Z"})
    try:
        yield
    finally:
        pyogrio.set_gdal_config_options({"OGR_CURRENT_DATE": before})


def _write_gpkg(path: Path, columns: dict[str, Any]) -> None:
    import geopandas as gpd

    gdf = gpd.GeoDataFrame(
        {k: v for k, v in columns.items() if k != "geometry"},
        geometry=list(columns["geometry"]),
        crs=CRS_RD_NEW,
    )
    gdf = gdf.sort_values("wijkcode").reset_index(drop=True)
    with _gdal_date(), atomic.atomic_path(path) as tmp:
        os.unlink(tmp)  # GDAL creates the file itself
        gdf.to_file(tmp, layer="wijken", driver="GPKG", engine="pyogrio")


def planner_toml(team_name: str, holidays_mode: str = "working_day") -> str:
    """A planner.toml that states every setting with its description as a comment, for users to copy.

    The values are the defaults (planner.config), except the team name and the holidays' mode: generated regions
    staff the Koningsdag festivities, so they work on holidays.
    """
    from planner.config import (
        DEFAULT_ACTIVITIES,
        DEFAULT_SHIFTS,
        Absences,
        Files,
        HolidaySettings,
        HoursSettings,
        Norm,
        Period,
        Privacy,
        Rules,
        SolverSettings,
        TeamDemandSettings,
        Travel,
        Weights,
        setting_descriptions,
    )

    lines = [
        "# planner.toml: every setting of the planner, stated explicitly (these are the defaults).",
        "# Copy this file next to your own data and change what differs. Units are in the key names.",
        "",
        "[team]",
        f"name = {_toml_str(team_name)}  # the basisteam, shown on rosters and reports",
        'timezone = "Europe/Amsterdam"  # rosters are in local time; DST is handled exactly',
        "",
        "[files]",
    ]
    lines += _table_lines(Files(wijken="wijken.gpkg", wijken_layer="wijken"), setting_descriptions(Files))
    lines += [
        "",
        "# Shift families: the solver picks each officer's shift per day from these. A family starts between",
        "# start and latest_start (local time, on a grid of step_min minutes) and lasts min_hours to max_hours",
        '# (real elapsed time). A fixed shift type is a family of one: give start and end (start = "07:00",',
        '# end = "15:00").',
    ]
    for fam in DEFAULT_SHIFTS:
        lines += ["[[shifts]]", *_table_lines(fam, {}, skip_none=True), ""]
    lines += [
        "# Activities a roster block can hold. own_wijk: counts for the norm read 'in' (in de wijk);",
        "# for_wijk: counts for the norm read 'in_of_voor'; available: counts in the available hours.",
        "[activities]",
    ]
    for act, flags in DEFAULT_ACTIVITIES.items():
        inner = ", ".join(f"{k} = {str(v).lower()}" for k, v in flags.items())
        lines.append(f"{act} = {{ {inner} }}")
    ab = Absences()
    lines += [
        "",
        "# Absence reasons (absences.csv, column reason). 'unavailable' reasons take hours out of the",
        "# available hours (at most contract_hours / 5 a day); 'sickness' reasons (also unavailable) can cut a",
        "# week short; 'work' reasons are duties away from the wijk, rostered as the activity named.",
        "[absences]",
        "unavailable = [" + ", ".join(_toml_str(r) for r in ab.unavailable) + "]",
        "sickness = [" + ", ".join(_toml_str(r) for r in ab.sickness) + "]",
        "",
        "[absences.work]",
    ]
    lines += [f"{_toml_key(k)} = {_toml_str(v)}" for k, v in ab.work.items()]
    for title, obj in (
        ("rules", Rules()), ("norm", Norm()), ("hours", HoursSettings()), ("team_demand", TeamDemandSettings()),
        ("travel", Travel()), ("weights", Weights()), ("solver", SolverSettings()), ("period", Period()),
        ("holidays", HolidaySettings(mode=holidays_mode)), ("privacy", Privacy()),  # type: ignore[arg-type]
    ):
        lines += ["", f"[{title}]", *_table_lines(obj, setting_descriptions(type(obj)))]
    return "\n".join(lines) + "\n"


def _table_lines(obj: Any, comments: dict[str, str], skip_none: bool = False) -> list[str]:
    out = []
    for f in dataclasses.fields(obj):
        value = getattr(obj, f.name)
        if value is None or (skip_none and value in ("",)):
            if not skip_none and f.name in comments:
                out.append(f"# {f.name} = ...  # {comments[f.name]}")
            continue
        text = f"{f.name} = {_toml_value(value)}"
        out.append(f"{text}  # {comments[f.name]}" if f.name in comments else text)
    return out


def _toml_value(value: Any) -> str:
    if isinstance(value, tuple | list):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, str):
        return _toml_str(value)
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    return str(value)


def _toml_str(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)


def _toml_key(key: str) -> str:
    return key if key.replace("_", "").replace("-", "").isalnum() else _toml_str(key)
