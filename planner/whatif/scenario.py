"""What-if scenario files (TOML): the schema, its validation with key paths, and applying one to a Dataset.

A scenario states changes against a base data folder; applying it returns a new Dataset (the base is frozen
and never changed). Every unknown key, wrong type and unknown officer or wijk is a ConfigError that names the
scenario file and the key path (``add_officer[2].contract_hours``). Paths inside a scenario (``include``)
resolve only within the scenario's own folder. Nothing is evaluated or unpickled: TOML and CSV only.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
from shapely.geometry import LineString
from shapely.ops import split as split_geometry
from shapely.ops import unary_union

from planner.dataset import TEAM_KINDS, Dataset, _team_demand
from planner.errors import ConfigError
from planner.timeutil import local, parse_day, parse_hhmm

_WIJK_CODE_RE = re.compile(r"^WK\d{6}$")
#: The absence reason that stands for "absent the whole week" in a scenario or a sweep sample.
ABSENT_REASON = "ziek"

_TOP_KEYS = {
    "name", "description", "absent", "add_officer", "remove_officers", "move_officer", "norm", "scale_demand",
    "add_team_demand", "contract_hours", "split_wijk", "merge_wijken",
}


@dataclass(frozen=True)
class Scenario:
    """A validated scenario file: a name and the changes, each a plain dict of checked values."""

    name: str
    path: Path | None = None
    description: str = ""
    absent: dict[str, Any] = field(default_factory=dict)
    add_officer: tuple[dict[str, Any], ...] = ()
    remove_officers: tuple[str, ...] = ()
    move_officer: tuple[dict[str, Any], ...] = ()
    norm: dict[str, Any] = field(default_factory=dict)
    scale_demand: tuple[dict[str, Any], ...] = ()
    add_team_demand: tuple[dict[str, Any], ...] = ()
    contract_hours: dict[str, Any] = field(default_factory=dict)
    split_wijk: tuple[dict[str, Any], ...] = ()
    merge_wijken: tuple[dict[str, Any], ...] = ()


# --------------------------------------------------------------------------------------------------- reading


def load_scenario(path: Path | str) -> Scenario:
    """Read and validate one scenario file (types and keys; references are checked when it is applied)."""
    from planner.tables import read_bytes

    path = Path(path)
    if not path.is_file():
        raise ConfigError(path, "does not exist; expected a scenario .toml file")
    try:
        raw = tomllib.loads(read_bytes(path).decode("utf-8-sig"))  # regular file, size limit, never blocks
    except UnicodeDecodeError:
        raise ConfigError(path, "is not UTF-8 text") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(path, f"is not valid TOML ({exc})") from None
    return scenario_from_dict(raw, path)


def scenario_from_dict(raw: dict[str, Any], path: Path | None = None) -> Scenario:
    """Validate a parsed scenario; every unknown key and wrong type is named with its key path."""
    v = _Validator(path)
    v.unknown(raw, _TOP_KEYS, "")
    name = v.get(raw, "name", str, path.stem if path else "scenario", "")
    description = v.get(raw, "description", str, "", "")

    absent: dict[str, Any] = {}
    if "absent" in raw:
        t = v.table(raw["absent"], "absent")
        v.unknown(t, {"officers", "share", "seed"}, "absent.")
        absent["officers"] = tuple(v.str_list(t, "officers", "absent."))
        share = v.get(t, "share", float, None, "absent.")
        if share is not None and not 0 <= share <= 1:
            raise ConfigError(path, f"{share} is not a share; expected a number from 0 to 1", column="absent.share")
        absent["share"] = share
        absent["seed"] = v.get(t, "seed", int, 0, "absent.")

    add_officer = []
    for i, t in v.tables(raw, "add_officer"):
        w = f"add_officer[{i}]."
        v.unknown(t, {"officer_id", "name", "wijk_code", "contract_hours", "night_exempt", "team"}, w)
        oid = v.required(t, "officer_id", str, w)
        if not oid or oid.startswith(("=", "+", "-", "@")) or "|" in oid or "," in oid:
            raise ConfigError(path, f"'{oid}' cannot be an id: it may not be empty, start with = + - @ or hold | or ,",
                              column=w + "officer_id")
        hours = v.required(t, "contract_hours", float, w)
        if not 0 < hours <= 60:
            raise ConfigError(path, f"{hours:g} is not a contract; expected hours per week above 0 and at most 60",
                              column=w + "contract_hours")
        wijk = v.required(t, "wijk_code", str, w)
        add_officer.append({
            "officer_id": oid, "name": v.get(t, "name", str, oid, w),
            "wijken": tuple(x.strip() for x in wijk.split("|") if x.strip()), "contract_hours": hours,
            "night_exempt": v.get(t, "night_exempt", bool, False, w), "team": v.get(t, "team", str, None, w),
        })

    remove = tuple(v.str_list(raw, "remove_officers", ""))

    move = []
    for i, t in v.tables(raw, "move_officer"):
        w = f"move_officer[{i}]."
        v.unknown(t, {"officer_id", "to"}, w)
        to = v.required(t, "to", str, w)
        move.append({"officer_id": v.required(t, "officer_id", str, w),
                     "to": tuple(x.strip() for x in to.split("|") if x.strip())})

    norm: dict[str, Any] = {}
    if "norm" in raw:
        t = v.table(raw["norm"], "norm")
        v.unknown(t, {"share", "reading", "window_weeks"}, "norm.")
        norm = {k: val for k, val in (("share", v.get(t, "share", float, None, "norm.")),
                                      ("reading", v.get(t, "reading", str, None, "norm.")),
                                      ("window_weeks", v.get(t, "window_weeks", int, None, "norm.")))
                if val is not None}
        if "share" in norm and not 0 < norm["share"] <= 1:
            raise ConfigError(path, f"{norm['share']} is not a share; expected a number in (0, 1]", column="norm.share")
        if "reading" in norm and norm["reading"] not in ("in", "in_of_voor"):
            raise ConfigError(path, f"'{norm['reading']}' is not a reading; expected 'in' or 'in_of_voor'",
                              column="norm.reading")
        if "window_weeks" in norm and not 1 <= norm["window_weeks"] <= 52:
            raise ConfigError(path, "expected a whole number of weeks from 1 to 52", column="norm.window_weeks")

    scale = []
    for i, t in v.tables(raw, "scale_demand"):
        w = f"scale_demand[{i}]."
        v.unknown(t, {"factor", "theme", "wijk_code"}, w)
        factor = v.required(t, "factor", float, w)
        if not 0 <= factor <= 100:
            raise ConfigError(path, f"{factor:g} is not a factor; expected a number from 0 to 100", column=w + "factor")
        scale.append({"factor": factor, "theme": v.get(t, "theme", str, None, w),
                      "wijk_code": v.get(t, "wijk_code", str, None, w)})

    add_td = []
    for i, t in v.tables(raw, "add_team_demand"):
        w = f"add_team_demand[{i}]."
        if "include" in t:
            v.unknown(t, {"include"}, w)
            add_td.append({"include": safe_include(path, v.get(t, "include", str, None, w), w + "include")})
            continue
        v.unknown(t, {"kind", "day", "start", "end", "officers", "name", "wijk_code", "team"}, w)
        row = {k: v.required(t, k, str, w) for k in ("kind", "day", "start", "end")}
        if row["kind"].strip().lower() not in TEAM_KINDS:
            raise ConfigError(path, f"'{row['kind']}' is not a kind; expected noodhulp or event", column=w + "kind")
        row["kind"] = TEAM_KINDS[row["kind"].strip().lower()]
        row["date"], row["weekday"] = _day(row.pop("day"), path, w + "day")
        for k in ("start", "end"):
            try:
                row[k] = parse_hhmm(row[k])
            except ValueError as exc:
                raise ConfigError(path, str(exc), column=w + k) from None
        if row["start"] == row["end"]:
            raise ConfigError(path, "start equals end; expected a window of less than 24 hours", column=w + "end")
        row["officers"] = v.required(t, "officers", float, w)
        if not 0 <= row["officers"] <= 1000:
            raise ConfigError(path, "expected a number of officers from 0 to 1000", column=w + "officers")
        row["name"] = v.get(t, "name", str, f"{row['kind']} (scenario {i})", w)
        row["wijk_code"] = v.get(t, "wijk_code", str, "", w)
        row["team"] = v.get(t, "team", str, "", w)
        add_td.append(row)

    contract: dict[str, Any] = {}
    if "contract_hours" in raw:
        t = v.table(raw["contract_hours"], "contract_hours")
        v.unknown(t, {"set", "scale", "officers"}, "contract_hours.")
        set_h = v.get(t, "set", float, None, "contract_hours.")
        scale_h = v.get(t, "scale", float, None, "contract_hours.")
        if (set_h is None) == (scale_h is None):
            raise ConfigError(path, "expected exactly one of set (hours) or scale (factor)", column="contract_hours")
        if set_h is not None and not 0 < set_h <= 60:
            raise ConfigError(path, "expected hours per week above 0 and at most 60", column="contract_hours.set")
        if scale_h is not None and not 0 < scale_h <= 2:
            raise ConfigError(path, "expected a factor above 0 and at most 2", column="contract_hours.scale")
        contract = {"set": set_h, "scale": scale_h,
                    "officers": tuple(v.str_list(t, "officers", "contract_hours.")) or None}

    splits = []
    for i, t in v.tables(raw, "split_wijk"):
        w = f"split_wijk[{i}]."
        v.unknown(t, {"wijk_code", "into", "names", "line", "axis"}, w)
        into = v.str_list(t, "into", w)
        if len(into) != 2:
            raise ConfigError(path, "expected two new wijk codes", column=w + "into")
        for code in into:
            if not _WIJK_CODE_RE.match(code):
                raise ConfigError(path, f"'{code}' is not a CBS wijk code; expected WK followed by 6 digits",
                                  column=w + "into")
        names = v.str_list(t, "names", w)
        if names and len(names) != 2:
            raise ConfigError(path, "expected two names, one per new wijk", column=w + "names")
        line = t.get("line")
        if line is not None:
            ok = isinstance(line, list) and len(line) >= 2 and all(
                isinstance(p, list) and len(p) == 2 and all(isinstance(c, int | float) and not isinstance(c, bool)
                                                            for c in p) for p in line)
            if not ok:
                raise ConfigError(path, "expected a list of [x, y] points in EPSG:28992 metres, at least two",
                                  column=w + "line")
            line = [(float(x), float(y)) for x, y in line]
        axis = v.get(t, "axis", str, None, w)
        if axis is not None and axis not in ("x", "y"):
            raise ConfigError(path, f"'{axis}' is not an axis; expected 'x' (a north-south cut) or 'y' (east-west)",
                              column=w + "axis")
        splits.append({"wijk_code": v.required(t, "wijk_code", str, w), "into": tuple(into),
                       "names": tuple(names), "line": line, "axis": axis})

    merges = []
    for i, t in v.tables(raw, "merge_wijken"):
        w = f"merge_wijken[{i}]."
        v.unknown(t, {"wijken", "into", "name"}, w)
        wijken = v.str_list(t, "wijken", w)
        if len(wijken) < 2:
            raise ConfigError(path, "expected two or more wijk codes to merge", column=w + "wijken")
        into = v.required(t, "into", str, w)
        if not _WIJK_CODE_RE.match(into):
            raise ConfigError(path, f"'{into}' is not a CBS wijk code; expected WK followed by 6 digits",
                              column=w + "into")
        merges.append({"wijken": tuple(wijken), "into": into, "name": v.get(t, "name", str, None, w)})

    return Scenario(name=name, path=path, description=description, absent=absent, add_officer=tuple(add_officer),
                    remove_officers=remove, move_officer=tuple(move), norm=norm, scale_demand=tuple(scale),
                    add_team_demand=tuple(add_td), contract_hours=contract, split_wijk=tuple(splits),
                    merge_wijken=tuple(merges))


def safe_include(scenario_path: Path | None, value: str | None, key: str) -> Path:
    """Resolve ``value`` inside the scenario's folder; refuse absolute paths and any escape (``..``, symlinks)."""
    if not value:
        raise ConfigError(scenario_path, "expected a file name inside the scenario's folder", column=key)
    folder = (scenario_path.parent if scenario_path else Path.cwd()).resolve()
    rel = Path(value)
    if rel.is_absolute() or rel.drive or ".." in rel.parts or "\\" in value:
        raise ConfigError(scenario_path, f"'{value}' leaves the scenario's folder; expected a file name inside it",
                          column=key)
    target = (folder / rel).resolve()
    if not target.is_relative_to(folder):
        raise ConfigError(scenario_path, f"'{value}' leaves the scenario's folder; expected a file name inside it",
                          column=key)
    if not target.is_file():
        raise ConfigError(scenario_path, f"'{value}' does not exist in the scenario's folder", column=key)
    return target


class _Validator:
    def __init__(self, path: Path | None) -> None:
        self.path = path

    def unknown(self, table: dict[str, Any], allowed: set[str], prefix: str) -> None:
        for key in table:
            if key not in allowed:
                raise ConfigError(self.path, f"unknown key; expected one of {', '.join(sorted(allowed))}",
                                  column=prefix + key)

    def table(self, value: Any, key: str) -> dict[str, Any]:
        if not isinstance(value, dict):
            raise ConfigError(self.path, "expected a table", column=key)
        return value

    def tables(self, raw: dict[str, Any], key: str) -> list[tuple[int, dict[str, Any]]]:
        value = raw.get(key, [])
        if not isinstance(value, list) or not all(isinstance(t, dict) for t in value):
            raise ConfigError(self.path, f"expected one or more [[{key}]] tables", column=key)
        return list(enumerate(value, start=1))

    def get(self, table: dict[str, Any], key: str, typ: type, default: Any, prefix: str) -> Any:
        if key not in table:
            return default
        value = table[key]
        if typ is float and isinstance(value, int) and not isinstance(value, bool):
            value = float(value)
        if (typ is not bool and isinstance(value, bool)) or not isinstance(value, typ):
            raise ConfigError(self.path, f"expected {typ.__name__}, got {type(value).__name__} {value!r}",
                              column=prefix + key)
        return value

    def required(self, table: dict[str, Any], key: str, typ: type, prefix: str) -> Any:
        if key not in table:
            raise ConfigError(self.path, "is required", column=prefix + key)
        return self.get(table, key, typ, None, prefix)

    def str_list(self, table: dict[str, Any], key: str, prefix: str) -> list[str]:
        value = table.get(key, [])
        if not isinstance(value, list) or not all(isinstance(x, str) for x in value):
            raise ConfigError(self.path, "expected a list of strings", column=prefix + key)
        return [x.strip() for x in value]


def _day(text: str, path: Path | None, key: str) -> tuple[dt.date | None, int]:
    try:
        weekday, date = parse_day(text)
    except ValueError as exc:
        raise ConfigError(path, str(exc), column=key) from None
    return date, weekday


# --------------------------------------------------------------------------------------------------- applying


def apply_scenario(ds: Dataset, sc: Scenario, monday: dt.date, weeks: int = 1) -> Dataset:
    """The base dataset with the scenario's changes, in a fixed order: wijken first, then officers, then demand.

    Order: merge_wijken, split_wijk, remove_officers, add_officer, move_officer, contract_hours, absent, norm,
    scale_demand, add_team_demand. Officers and demand of a merged or split wijk follow it.
    """
    p = sc.path
    for i, m in enumerate(sc.merge_wijken, start=1):
        ds = _merge(ds, m, p, f"merge_wijken[{i}]")
    for i, s in enumerate(sc.split_wijk, start=1):
        ds = _split(ds, s, p, f"split_wijk[{i}]")
    officers = ds.officers.copy()
    ids = set(officers["officer_id"])
    for oid in sc.remove_officers:
        if oid not in ids:
            raise ConfigError(p, f"officer '{oid}' is not in officers.csv", column="remove_officers")
    if sc.remove_officers:
        gone = set(sc.remove_officers)
        officers = officers[~officers["officer_id"].isin(gone)]
        ds = dataclasses.replace(ds, absences=ds.absences[~ds.absences["officer_id"].isin(gone)].reset_index(drop=True),
                                 wishes=ds.wishes[~ds.wishes["officer_id"].isin(gone)].reset_index(drop=True))
        ids -= gone
    codes = set(ds.wijken["wijk_code"])
    new_rows = []
    for i, a in enumerate(sc.add_officer, start=1):
        key = f"add_officer[{i}]"
        if a["officer_id"] in ids:
            raise ConfigError(p, f"officer '{a['officer_id']}' exists already", column=key + ".officer_id")
        _check_wijken(a["wijken"], codes, p, key + ".wijk_code")
        team = a["team"] or _team_of(officers, a["wijken"], ds.config.team_name)
        new_rows.append({"officer_id": a["officer_id"], "name": a["name"], "wijken": a["wijken"],
                         "contract_hours": a["contract_hours"], "night_exempt": a["night_exempt"], "team": team,
                         "skills": (), "_row": 0})
        ids.add(a["officer_id"])
    if new_rows:
        officers = pd.concat([officers, pd.DataFrame(new_rows)], ignore_index=True)
    officers = officers.reset_index(drop=True)
    for i, mv in enumerate(sc.move_officer, start=1):
        key = f"move_officer[{i}]"
        if mv["officer_id"] not in ids:
            raise ConfigError(p, f"officer '{mv['officer_id']}' is not in officers.csv", column=key + ".officer_id")
        _check_wijken(mv["to"], codes, p, key + ".to")
        at = officers.index[officers["officer_id"] == mv["officer_id"]][0]
        officers.at[at, "wijken"] = mv["to"]
    if sc.contract_hours:
        c = sc.contract_hours
        which = officers["officer_id"].isin(c["officers"]) if c["officers"] else pd.Series(True, index=officers.index)
        for oid in c["officers"] or ():
            if oid not in ids:
                raise ConfigError(p, f"officer '{oid}' is not in officers.csv", column="contract_hours.officers")
        hours = officers["contract_hours"].astype(float)
        new = hours.where(~which, c["set"] if c["set"] is not None else (hours * c["scale"]).clip(upper=60))
        officers["contract_hours"] = new.round(2)
    if len(officers) == 0:
        raise ConfigError(p, "leaves no officers; a team needs at least one wijkagent", column="remove_officers")
    ds = dataclasses.replace(ds, officers=officers)
    if sc.absent:
        absent = list(sc.absent["officers"])
        for oid in absent:
            if oid not in ids:
                raise ConfigError(p, f"officer '{oid}' is not in officers.csv", column="absent.officers")
        if sc.absent["share"]:
            rest = sorted(ids - set(absent))
            k = round(sc.absent["share"] * len(rest))
            rng = np.random.default_rng(sc.absent["seed"])
            absent += [rest[i] for i in sorted(rng.choice(len(rest), size=k, replace=False))]
        ds = absent_whole_week(ds, absent, monday, weeks)
    if sc.norm:
        ds = dataclasses.replace(ds, config=dataclasses.replace(ds.config, norm=dataclasses.replace(
            ds.config.norm, **sc.norm)))
    demand = ds.demand.copy()
    for i, s in enumerate(sc.scale_demand, start=1):
        key = f"scale_demand[{i}]"
        sel = pd.Series(True, index=demand.index)
        if s["theme"] is not None:
            theme = s["theme"].strip().lower().replace(" & ", "_en_").replace(" ", "_")
            if theme not in set(demand["theme"]):
                raise ConfigError(p, f"no demand has theme '{s['theme']}'; the demand has "
                                  f"{', '.join(sorted(set(demand['theme']))) or 'no rows'}", column=key + ".theme")
            sel &= demand["theme"] == theme
        if s["wijk_code"] is not None:
            _check_wijken((s["wijk_code"],), codes, p, key + ".wijk_code")
            sel &= demand["wijk_code"] == s["wijk_code"]
        demand.loc[sel, "officers"] = demand.loc[sel, "officers"].astype(float) * s["factor"]
    ds = dataclasses.replace(ds, demand=demand)
    if sc.add_team_demand:
        ds = _add_team_demand(ds, sc, codes)
    return ds


def absent_whole_week(ds: Dataset, officer_ids: list[str], monday: dt.date, weeks: int = 1) -> Dataset:
    """The officers are absent (sick) Monday 00:00 to the next Monday 00:00; their other absences that week go."""
    if not officer_ids:
        return ds
    tz = ds.config.tz
    start = local(monday, dt.time(0), tz)
    end = local(monday + dt.timedelta(days=7 * weeks), dt.time(0), tz)
    ab = ds.absences
    keep = ~(ab["officer_id"].isin(officer_ids) & (ab["start"] < end) & (ab["end"] > start)) if len(ab) else None
    rows = pd.DataFrame([{"officer_id": oid, "start": start, "end": end, "reason": ABSENT_REASON,
                          "kind": "unavailable", "activity": None, "hours": np.nan, "_row": 0}
                         for oid in officer_ids])
    # Same columns as the loaded absences (the loader may grow optional ones, e.g. explicit hours).
    rows = rows.reindex(columns=list(dict.fromkeys([*ab.columns, *rows.columns])))
    kept = ab[keep] if keep is not None else ab
    absences = pd.concat([kept, rows], ignore_index=True) if len(kept) else rows
    return dataclasses.replace(ds, absences=absences)


def _check_wijken(wijken: tuple[str, ...], codes: set[str], path: Path | None, key: str) -> None:
    if not wijken:
        raise ConfigError(path, "is empty; expected one or more wijk codes separated by |", column=key)
    for w in wijken:
        if w not in codes:
            raise ConfigError(path, f"wijk '{w}' is not on the map (not in the wijken file)", column=key)


def _team_of(officers: pd.DataFrame, wijken: tuple[str, ...], default: str) -> str:
    for team, ws in zip(officers["team"], officers["wijken"], strict=True):
        if set(ws) & set(wijken):
            return str(team)
    return str(officers["team"].iloc[0]) if len(officers) else default


def _add_team_demand(ds: Dataset, sc: Scenario, codes: set[str]) -> Dataset:
    frames = [ds.team_demand] if len(ds.team_demand) else []
    teams = set(ds.officers["team"])
    rows = []
    for i, r in enumerate(sc.add_team_demand, start=1):
        key = f"add_team_demand[{i}]"
        if "include" in r:
            frames.append(_team_demand(r["include"], codes, teams))
            continue
        if r["wijk_code"]:
            _check_wijken((r["wijk_code"],), codes, sc.path, key + ".wijk_code")
        if r["team"] and r["team"] not in teams:
            raise ConfigError(sc.path, f"team '{r['team']}' has no officers", column=key + ".team")
        rows.append({"kind": r["kind"], "name": r["name"], "weekday": r["weekday"], "date": r["date"],
                     "start": r["start"], "end": r["end"], "officers": r["officers"], "wijk_code": r["wijk_code"],
                     "team": r["team"], "_row": 0})
    if rows:
        frames.append(pd.DataFrame(rows))
    return dataclasses.replace(ds, team_demand=pd.concat(frames, ignore_index=True))


def _remap_wijken(ds: Dataset, mapping: dict[str, tuple[str, ...]]) -> Dataset:
    """Officers, demand and team demand follow wijken that were merged (one code) or split (several codes)."""
    officers = ds.officers.copy()
    officers["wijken"] = [tuple(dict.fromkeys(n for w in ws for n in mapping.get(w, (w,))))
                          for ws in officers["wijken"]]
    td = ds.team_demand.copy()
    if len(td):
        td["wijk_code"] = [mapping.get(w, (w,))[0] if w else w for w in td["wijk_code"]]
    return dataclasses.replace(ds, officers=officers, team_demand=td)


def _merge(ds: Dataset, m: dict[str, Any], path: Path | None, key: str) -> Dataset:
    codes = set(ds.wijken["wijk_code"])
    _check_wijken(m["wijken"], codes, path, key + ".wijken")
    if m["into"] in codes - set(m["wijken"]):
        raise ConfigError(path, f"wijk '{m['into']}' exists already", column=key + ".into")
    w = ds.wijken
    parts = w[w["wijk_code"].isin(m["wijken"])]
    first = parts.iloc[0]
    row = {
        "wijk_code": m["into"], "wijk_naam": m["name"] or " + ".join(parts["wijk_naam"].astype(str)),
        "gemeente_code": first["gemeente_code"], "gemeente_naam": first["gemeente_naam"],
        "inwoners": parts["inwoners"].sum(min_count=1), "geometry": unary_union(list(parts.geometry)),
    }
    merged = gpd.GeoDataFrame([row], geometry="geometry", crs=w.crs)
    merged["area_km2"] = merged.geometry.area / 1e6
    wijken = pd.concat([w[~w["wijk_code"].isin(m["wijken"])], merged[w.columns]], ignore_index=True)
    wijken = gpd.GeoDataFrame(wijken, geometry="geometry", crs=w.crs)
    ds = dataclasses.replace(ds, wijken=wijken)
    ds = _remap_wijken(ds, {c: (m["into"],) for c in m["wijken"]})
    demand = ds.demand.copy()
    if len(demand):
        demand["wijk_code"] = demand["wijk_code"].where(~demand["wijk_code"].isin(m["wijken"]), m["into"])
    return dataclasses.replace(ds, demand=demand)


def _split(ds: Dataset, s: dict[str, Any], path: Path | None, key: str) -> Dataset:
    """Cut a wijk in two by a line (or through its centroid across its longer side); its officers are dealt
    round-robin over the parts (one officer keeps both); inhabitants and demand divide by area share."""
    codes = set(ds.wijken["wijk_code"])
    _check_wijken((s["wijk_code"],), codes, path, key + ".wijk_code")
    for c in s["into"]:
        if c in codes - {s["wijk_code"]}:
            raise ConfigError(path, f"wijk '{c}' exists already", column=key + ".into")
    if s["into"][0] == s["into"][1]:
        raise ConfigError(path, "expected two different wijk codes", column=key + ".into")
    w = ds.wijken
    old = w[w["wijk_code"] == s["wijk_code"]].iloc[0]
    geom = old.geometry
    if s["line"]:
        cutter = LineString(s["line"])
    else:
        minx, miny, maxx, maxy = geom.bounds
        c = geom.centroid
        axis = s["axis"] or ("x" if maxx - minx >= maxy - miny else "y")
        pad = 10 * max(maxx - minx, maxy - miny, 1)
        cutter = (LineString([(c.x, miny - pad), (c.x, maxy + pad)]) if axis == "x"
                  else LineString([(minx - pad, c.y), (maxx + pad, c.y)]))
    pieces = list(split_geometry(geom, cutter).geoms)
    if len(pieces) < 2:
        raise ConfigError(path, f"the line does not cut wijk {s['wijk_code']} in two", column=key + ".line")
    # The piece holding the cut's "left/lower" side goes to the first code; extra slivers join the nearest side.
    pieces.sort(key=lambda g: (g.centroid.x, g.centroid.y))
    a = pieces[0]
    b = unary_union(pieces[1:])
    total = geom.area
    names = s["names"] or (f"{old['wijk_naam']} 1", f"{old['wijk_naam']} 2")
    rows = []
    for code, name, g in zip(s["into"], names, (a, b), strict=True):
        share = g.area / total
        rows.append({"wijk_code": code, "wijk_naam": name, "gemeente_code": old["gemeente_code"],
                     "gemeente_naam": old["gemeente_naam"],
                     "inwoners": old["inwoners"] * share if pd.notna(old["inwoners"]) else np.nan,
                     "area_km2": g.area / 1e6, "geometry": g})
    new = gpd.GeoDataFrame(rows, geometry="geometry", crs=w.crs)
    wijken = gpd.GeoDataFrame(pd.concat([w[w["wijk_code"] != s["wijk_code"]], new[w.columns]], ignore_index=True),
                              geometry="geometry", crs=w.crs)
    shares = {code: g.area / total for code, g in zip(s["into"], (a, b), strict=True)}
    # Officers of the wijk: dealt round-robin over the parts; a lone officer keeps both.
    officers = ds.officers.copy()
    holders = [i for i, ws in zip(officers.index, officers["wijken"], strict=True) if s["wijk_code"] in ws]
    holders.sort(key=lambda i: officers.at[i, "officer_id"])
    for n, i in enumerate(holders):
        parts = s["into"] if len(holders) == 1 else (s["into"][n % 2],)
        ws = officers.at[i, "wijken"]
        officers.at[i, "wijken"] = tuple(dict.fromkeys(
            x for w0 in ws for x in (parts if w0 == s["wijk_code"] else (w0,))))
    demand = ds.demand
    if len(demand):
        hit = demand[demand["wijk_code"] == s["wijk_code"]]
        parts_rows = []
        for code in s["into"]:
            d = hit.copy()
            d["wijk_code"] = code
            d["officers"] = d["officers"].astype(float) * shares[code]
            parts_rows.append(d)
        demand = pd.concat([demand[demand["wijk_code"] != s["wijk_code"]], *parts_rows], ignore_index=True)
    td = ds.team_demand.copy()
    if len(td):
        td["wijk_code"] = [s["into"][0] if x == s["wijk_code"] else x for x in td["wijk_code"]]
    return dataclasses.replace(ds, wijken=wijken, officers=officers, demand=demand, team_demand=td)

