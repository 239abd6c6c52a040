"""Per-wijk figures for the coverage map: own-wijk share, presence against demand per day-part, officers per
5,000 inhabitants and unmet demand, computed from a roster without the solver."""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np
import pandas as pd

from planner.dataset import Dataset
from planner.errors import CrossFileError, InputError
from planner.hours import available_minutes, leave_minutes
from planner.timeutil import as_date, interval, local, parse_week, week_label

#: Day-parts of the map, local clock hours [start, end): ochtend 06-12, middag 12-18, avond 18-24, nacht 00-06.
DAY_PARTS: dict[str, tuple[int, int]] = {
    "ochtend": (6, 12),
    "middag": (12, 18),
    "avond": (18, 24),
    "nacht": (0, 6),
}
#: The Politiewet 2012 art. 38a yardstick: at least one wijkagent per this many inhabitants.
INHABITANTS_PER_OFFICER = 5000

FIGURE_COLUMNS = [
    "wijk_code",
    "wijk_naam",
    "gemeente_code",
    "gemeente_naam",
    "team",
    "inwoners",
    "officers",
    "officer_ids",
    "officer_names",
    "own_share_mean",
    "own_share_min",
    "own_share_min_officer",
    "presence_h",
    "demand_h",
    "coverage",
    "presence_ratio",
    *[f"{k}_{p}" for p in DAY_PARTS for k in ("presence_h", "demand_h", "met_h", "coverage")],
    "unmet_h",
    "per_5000",
    "gemeente_per_5000",
]


def roster_monday(roster: pd.DataFrame, week: str | dt.date | None = None) -> dt.date:
    """The Monday of the week to map: ``week`` (``2027-W03`` or a date in it), else the roster's first week.

    Raises
    ------
    InputError
        When ``week`` is not an ISO week, or no week is given and the roster is empty.
    """
    if isinstance(week, dt.date):
        return week - dt.timedelta(days=week.weekday())
    if week:
        try:
            return parse_week(str(week))
        except ValueError as exc:
            raise InputError(None, str(exc), column="week") from None
    if roster is None or len(roster) == 0:
        raise InputError(None, "the roster is empty; give the week to map (e.g. --week 2027-W03)")
    first = min(as_date(d) for d in roster["date"])
    return first - dt.timedelta(days=first.weekday())


def roster_weeks(roster: pd.DataFrame) -> list[str]:
    """The ISO weeks (``2027-W03``) the roster's ``date`` column touches, in order."""
    if roster is None or len(roster) == 0:
        return []
    return sorted({week_label(as_date(d)) for d in roster["date"]})


def wijk_figures(ds: Dataset, roster: pd.DataFrame, week: str | dt.date | None = None) -> pd.DataFrame:
    """Figures per wijk for one ISO week of a roster.

    Parameters
    ----------
    ds
        The data folder (wijken, officers, absences, demand, config).
    roster
        Blocks as ``planner.roster_io.read_roster`` returns them (aware datetimes). Blocks whose ``date``
        lies outside the week are ignored.
    week
        ISO week (``2027-W03``) or a date in it; default the roster's first week.

    Returns
    -------
    pandas.DataFrame
        One row per wijk of ``ds.wijken`` (same order), columns ``FIGURE_COLUMNS``:

        - ``officers``: wijkagenten of the wijk; an officer with n wijken counts 1/n in each.
        - ``own_share_mean`` / ``own_share_min``: mean and lowest own-wijk share of the wijk's officers, each
          share being the officer's own-wijk minutes in the week (activities that count for the norm under
          the configured reading, ``wijk`` only in an own wijk) over the officer's available minutes
          (``planner.hours``); ``own_share_min_officer`` is that officer's id. NaN without officers.
        - ``presence_h`` / ``demand_h``: hours of ``wijk`` blocks in the wijk and officer-hours of presence
          demand in the week (each demand row on its weekday, or its date, inside the week; overlapping
          rows add up); ``presence_ratio`` = presence / demand.
        - ``coverage``: the share of the demanded officer-hours that are met, i.e. the time integral of
          min(wanted, present) over that of wanted (NaN without demand). Presence outside the demand
          windows does not count: the 80 % norm puts officers in their wijk about three times as long as
          demand asks, so presence / demand alone would colour every wijk "enough".
        - ``presence_h_<part>``, ``demand_h_<part>``, ``met_h_<part>``, ``coverage_<part>``: the same per
          day-part ``ochtend``, ``middag``, ``avond``, ``nacht`` (local clock time, ``DAY_PARTS``).
        - ``unmet_h``: officer-hours of demand not met: the time integral of max(0, wanted - present).
        - ``per_5000``: officers per 5,000 inhabitants; NaN when the population is unknown or 0 (never 0
          for unknown). ``gemeente_per_5000`` is the same for the whole gemeente (NaN when any wijk's
          population is unknown).
    """
    cfg = ds.config
    tz = cfg.tz
    monday = roster_monday(roster, week)
    days = [monday + dt.timedelta(days=i) for i in range(7)]
    wijken = ds.wijken
    codes = list(wijken["wijk_code"].astype(str))
    known = set(codes)

    blocks = _week_blocks(roster, monday)
    pres_blocks: dict[str, list[tuple[int, int]]] = {c: [] for c in codes}
    for r in blocks:
        if r["activity"] != "wijk":
            continue
        code = _text(r.get("wijk_code"))
        if code not in known:
            raise CrossFileError(
                roster.attrs.get("source", "roster.csv"),
                f"wijk '{code}' is not in the wijken file",
                row=_row(r),
                column="wijk_code",
            )
        pres_blocks[code].append((_epoch_min(r["start"]), _epoch_min(r["end"])))

    demand: dict[str, list[tuple[int, int, float]]] = {c: [] for c in codes}
    for r in ds.demand.to_dict("records"):
        if float(r["officers"]) <= 0 or r["wijk_code"] not in demand:
            continue
        for d in days:
            has_date = r["date"] is not None and not pd.isna(r["date"])
            if (has_date and r["date"] == d) or (not has_date and r["weekday"] == d.weekday()):
                s, e = interval(d, r["start"], r["end"], tz)
                demand[r["wijk_code"]].append((_epoch_min(s), _epoch_min(e), float(r["officers"])))

    parts = _part_intervals(monday, tz)

    # Own-wijk share per officer (the checker's definition, one week).
    own_min: dict[str, int] = {}
    wijken_of = dict(zip(ds.officers["officer_id"], ds.officers["wijken"], strict=True))
    for r in blocks:
        oid = str(r["officer_id"])
        if (
            oid in wijken_of
            and cfg.counts_for_norm(r["activity"])
            and (r["activity"] != "wijk" or _text(r.get("wijk_code")) in wijken_of[oid])
        ):
            own_min[oid] = own_min.get(oid, 0) + _epoch_min(r["end"]) - _epoch_min(r["start"])
    share: dict[str, float] = {}
    away = set(ds.absences.loc[ds.absences["kind"] == "unavailable", "officer_id"]) if len(ds.absences) else set()
    for o in ds.officers.to_dict("records"):
        oid = str(o["officer_id"])
        leave = leave_minutes(ds.absences_of(oid), oid, o["contract_hours"], monday, cfg) if oid in away else 0
        avail = available_minutes(o["contract_hours"], leave)
        share[oid] = own_min.get(oid, 0) / avail if avail else float("nan")

    per_wijk: dict[str, list[dict[str, Any]]] = {c: [] for c in codes}
    for o in ds.officers.to_dict("records"):
        for w in o["wijken"]:
            if w in per_wijk:
                per_wijk[w].append(o)
    team_of = ds.wijk_team()

    # Hours per day-part, for all wijken at once: presence and demand per wijk, then met demand per segment.
    pos = {c: i for i, c in enumerate(codes)}
    pres_all = _stack({pos[c]: [(a, b, 1.0) for a, b in v] for c, v in pres_blocks.items()})
    dem_all = _stack({pos[c]: v for c, v in demand.items()})
    segs: dict[int, list[tuple[int, int, float]]] = {}
    for c, v in demand.items():
        if v:
            pres = np.array(pres_blocks[c], dtype="int64").reshape(-1, 2)
            seg_s, seg_e, want, have = _steps(pres, np.array(v, dtype="float64"))
            segs[pos[c]] = list(zip(seg_s.tolist(), seg_e.tolist(), np.minimum(want, have).tolist(), strict=True))
    met_all = _stack(segs)
    per_part = {
        part: {
            name: _part_hours(arr, ivs, len(codes))
            for name, arr in (("presence_h", pres_all), ("demand_h", dem_all), ("met_h", met_all))
        }
        for part, ivs in parts.items()
    }
    totals = {
        name: np.bincount(arr[:, 0].astype("int64"), weights=(arr[:, 2] - arr[:, 1]) * arr[:, 3], minlength=len(codes))
        / 60
        for name, arr in (("presence_h", pres_all), ("demand_h", dem_all), ("met_h", met_all))
    }

    rows = []
    for w in wijken.to_dict("records"):
        code = str(w["wijk_code"])
        offs = per_wijk[code]
        n_off = float(sum(1 / len(o["wijken"]) for o in offs))
        shares = [
            (share[str(o["officer_id"])], str(o["officer_id"]))
            for o in offs
            if not np.isnan(share[str(o["officer_id"])])
        ]
        low = min(shares) if shares else (float("nan"), "")
        i = pos[code]
        row: dict[str, Any] = {
            "wijk_code": code,
            "wijk_naam": _text(w["wijk_naam"]),
            "gemeente_code": _text(w["gemeente_code"]),
            "gemeente_naam": _text(w["gemeente_naam"]),
            "team": team_of.get(code, ""),
            "inwoners": float(w["inwoners"]),
            "officers": n_off,
            "officer_ids": tuple(str(o["officer_id"]) for o in offs),
            "officer_names": tuple(_text(o["name"]) for o in offs),
            "own_share_mean": float(np.mean([s for s, _ in shares])) if shares else float("nan"),
            "own_share_min": float(low[0]),
            "own_share_min_officer": low[1],
        }
        for part in parts:
            p_h, d_h, m_h = (float(per_part[part][k][i]) for k in ("presence_h", "demand_h", "met_h"))
            row[f"presence_h_{part}"], row[f"demand_h_{part}"], row[f"met_h_{part}"] = p_h, d_h, m_h
            row[f"coverage_{part}"] = m_h / d_h if d_h > 0 else float("nan")
        row["presence_h"], row["demand_h"] = float(totals["presence_h"][i]), float(totals["demand_h"][i])
        met_h = float(totals["met_h"][i])
        row["coverage"] = met_h / row["demand_h"] if row["demand_h"] > 0 else float("nan")
        row["presence_ratio"] = row["presence_h"] / row["demand_h"] if row["demand_h"] > 0 else float("nan")
        row["unmet_h"] = row["demand_h"] - met_h
        inw = row["inwoners"]
        row["per_5000"] = n_off / inw * INHABITANTS_PER_OFFICER if inw > 0 else float("nan")
        rows.append(row)
    out = pd.DataFrame(rows)
    gm = out.groupby("gemeente_code", sort=False).agg(
        off=("officers", "sum"), inw=("inwoners", "sum"), unknown=("inwoners", lambda s: s.isna().any())
    )
    gm_rate = (gm["off"] / gm["inw"] * INHABITANTS_PER_OFFICER).where(~gm["unknown"] & (gm["inw"] > 0))
    out["gemeente_per_5000"] = out["gemeente_code"].map(gm_rate).astype("float64")
    out.attrs["week"] = week_label(monday)
    out.attrs["monday"] = monday
    out = out[FIGURE_COLUMNS]
    out.attrs["officer_share"] = share
    return out


#: Figures about the officers' hours: combined or withheld for small groups on a municipal map.
GROUPED_COLUMNS = [
    "own_share_mean",
    "own_share_min",
    "presence_h",
    "demand_h",
    "coverage",
    "presence_ratio",
    *[f"{k}_{p}" for p in DAY_PARTS for k in ("presence_h", "demand_h", "met_h", "coverage")],
    "unmet_h",
]


def group_figures(fig: pd.DataFrame, groups: dict[str, Any]) -> pd.DataFrame:
    """``wijk_figures`` with the minimum group size applied (``planner.privacy``).

    A wijk shown alone keeps its figures. A wijk in a pool gets the pool's figures: hours summed over the
    pool's wijken, coverage from those sums, own-wijk shares over the pool's distinct officers. A withheld wijk
    gets NaN. Inhabitants, head counts and officers per 5,000 stay per wijk. Adds ``group_key``, ``group_kind``,
    ``group_officers`` (distinct officers of the group), ``group_wijken`` (how many wijken it adds up) and
    ``group_gemeenten`` (how many gemeenten, for a pool of gemeenten).
    """
    from planner.privacy import ALONE, WITHHELD

    out = fig.copy()
    out.attrs = dict(fig.attrs)
    share: dict[str, float] = fig.attrs.get("officer_share", {})
    codes = list(out["wijk_code"])
    key_of = [groups[c].key if c in groups else c for c in codes]
    kind_of = [groups[c].kind if c in groups else ALONE for c in codes]
    out["group_key"] = key_of
    out["group_kind"] = kind_of
    out["group_officers"] = [len(groups[c].officers) if c in groups else len(o) for c, o in
                             zip(codes, out["officer_ids"], strict=True)]
    members: dict[str, list[int]] = {}
    for i, (k, kind) in enumerate(zip(key_of, kind_of, strict=True)):
        if kind != ALONE:
            members.setdefault(k, []).append(i)
    out["group_wijken"] = [len(members.get(k, [i])) for i, k in enumerate(key_of)]
    out["group_gemeenten"] = [len(groups[c].members) if c in groups and not groups[c].members[0].startswith("WK")
                              else 1 for c in codes]
    sums = [c for c in GROUPED_COLUMNS if c.startswith(("presence_h", "demand_h", "met_h", "unmet_h"))]
    keys = list(members)
    if not keys:
        return out
    # Column arithmetic over all groups at once (a national map has a few thousand wijken in pools).
    gid = np.full(len(codes), -1)
    for g, k in enumerate(keys):
        gid[members[k]] = g
    rows = np.flatnonzero(gid >= 0)
    withheld = np.array([kind_of[members[k][0]] == WITHHELD for k in keys])
    values: dict[str, np.ndarray] = {}
    for c in sums:
        total = np.zeros(len(keys))
        np.add.at(total, gid[rows], out[c].to_numpy(dtype="float64")[rows])
        values[c] = total
    with np.errstate(divide="ignore", invalid="ignore"):
        for part in DAY_PARTS:
            d = values[f"demand_h_{part}"]
            values[f"coverage_{part}"] = np.where(d > 0, values[f"met_h_{part}"] / d, np.nan)
        d = values["demand_h"]
        values["coverage"] = np.where(d > 0, (d - values["unmet_h"]) / d, np.nan)
        values["presence_ratio"] = np.where(d > 0, values["presence_h"] / d, np.nan)
    means, lows = np.full(len(keys), np.nan), np.full(len(keys), np.nan)
    for g, k in enumerate(keys):
        shares = [share[o] for o in groups[codes[members[k][0]]].officers if o in share and not np.isnan(share[o])]
        if shares:
            means[g], lows[g] = float(np.mean(shares)), float(min(shares))
    values["own_share_mean"], values["own_share_min"] = means, lows
    for c in GROUPED_COLUMNS:
        col = out[c].to_numpy(dtype="float64", copy=True)
        v = values[c].copy()
        v[withheld] = np.nan
        col[rows] = v[gid[rows]]
        out[c] = col
    officer = out["own_share_min_officer"].to_numpy(dtype=object, copy=True)
    officer[rows] = ""
    out["own_share_min_officer"] = officer
    return out


def _week_blocks(roster: pd.DataFrame, monday: dt.date) -> list[dict[str, Any]]:
    if roster is None or len(roster) == 0:
        return []
    end = monday + dt.timedelta(days=7)
    return [r for r in roster.to_dict("records") if monday <= as_date(r["date"]) < end]


def _part_intervals(monday: dt.date, tz: Any) -> dict[str, np.ndarray]:
    """Epoch-minute intervals of each day-part from the Sunday before to the Monday after the week
    (night blocks and demand windows spill over the week's edges)."""
    out: dict[str, np.ndarray] = {}
    for part, (h0, h1) in DAY_PARTS.items():
        ivs = []
        for i in range(-1, 9):
            d = monday + dt.timedelta(days=i)
            lo = local(d, dt.time(h0), tz)
            hi = local(d + dt.timedelta(days=1), dt.time(0), tz) if h1 == 24 else local(d, dt.time(h1), tz)
            ivs.append((_epoch_min(lo), _epoch_min(hi)))
        out[part] = np.array(ivs, dtype="int64")
    return out


def _stack(by_wijk: dict[int, list[tuple[Any, ...]]]) -> np.ndarray:
    """Rows (wijk index, start, end, weight) of every wijk's intervals as one float array."""
    rows = [(i, *t) for i, v in by_wijk.items() for t in v]
    return np.array(rows, dtype="float64").reshape(-1, 4)


def _part_hours(arr: np.ndarray, ivs: np.ndarray, n: int) -> np.ndarray:
    """Per wijk: weighted hours of the intervals in ``arr`` (wijk, start, end, weight) inside ``ivs``."""
    if len(arr) == 0:
        return np.zeros(n)
    lo = np.maximum(arr[:, 1:2], ivs[None, :, 0])
    hi = np.minimum(arr[:, 2:3], ivs[None, :, 1])
    minutes = np.clip(hi - lo, 0, None).sum(axis=1) * arr[:, 3]
    return np.bincount(arr[:, 0].astype("int64"), weights=minutes, minlength=n) / 60


def _steps(pres: np.ndarray, dem: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Elementary time segments of one wijk with officers wanted and officers present in each.

    Returns segment starts, ends (epoch minutes), wanted and present officers; only segments with demand.
    """
    if len(dem) == 0:
        empty = np.zeros(0)
        return empty, empty, empty, empty
    times = np.unique(np.concatenate([dem[:, 0], dem[:, 1], pres[:, 0], pres[:, 1]]).astype("int64"))
    want = np.zeros(len(times))
    have = np.zeros(len(times))
    np.add.at(want, np.searchsorted(times, dem[:, 0].astype("int64")), dem[:, 2])
    np.add.at(want, np.searchsorted(times, dem[:, 1].astype("int64")), -dem[:, 2])
    np.add.at(have, np.searchsorted(times, pres[:, 0]), 1)
    np.add.at(have, np.searchsorted(times, pres[:, 1]), -1)
    want, have = np.cumsum(want)[:-1], np.cumsum(have)[:-1]
    keep = want > 1e-9
    return times[:-1][keep], times[1:][keep], want[keep], have[keep]


def _epoch_min(t: Any) -> int:
    return int(pd.Timestamp(t).timestamp() // 60)


def _text(value: Any) -> str:
    return "" if value is None or (isinstance(value, float) and np.isnan(value)) or value is pd.NA else str(value)


def _row(r: dict[str, Any]) -> int | None:
    v = r.get("_row")
    return int(v) if v is not None and not pd.isna(v) else None
