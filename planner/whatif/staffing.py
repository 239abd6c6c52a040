"""Staffing levels: the fewest wijkagenten in a gemeente that keep the norm and meet wijk demand to a target.

Levels form one deterministic ladder: below the current staff, officers leave one at a time from the wijk with
the most officers per inhabitant (then the most officers, then the highest id); above it, synthetic officers
join one at a time in the wijk with the most unmet demand per officer. Bisection over the ladder assumes that
more officers never make the week worse, which holds for the optimum (an extra officer may stay idle); every
level solved is reported, so a non-monotone answer under a time limit is visible in the curve.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pandas as pd

from planner.dataset import Dataset
from planner.errors import InputError
from planner.whatif.run import Run, solve_variant

SYNTHETIC_PREFIX = "SYN"


@dataclass
class Staffing:
    """The answer: the fewest officers that pass (None when no level up to the cap does), and the curve."""

    gemeente: str
    target_unmet: float
    answer: int | None
    current: int
    curve: pd.DataFrame  # officers, passes, status, KPIs (one row per level solved, by officers)


def gemeente_wijken(ds: Dataset, gemeente: str) -> list[str]:
    w = ds.wijken
    codes = sorted(w.loc[w["gemeente_code"] == gemeente, "wijk_code"])
    if not codes:
        known = ", ".join(sorted(set(w["gemeente_code"].astype(str))))
        raise InputError(None, f"gemeente '{gemeente}' is not on the map; the wijken file holds {known}",
                         column="--gemeente")
    return codes


def _removal_order(ds: Dataset, wijken: list[str]) -> list[str]:
    """Officers of the gemeente in the order they leave as the level goes down."""
    inh = dict(zip(ds.wijken["wijk_code"], ds.wijken["inwoners"].fillna(0), strict=True))
    staff = {oid: ws[0] for oid, ws in zip(ds.officers["officer_id"], ds.officers["wijken"], strict=True)
             if ws[0] in wijken}
    order = []
    left = dict(staff)
    while left:
        per = {}
        for oid, w in left.items():
            n = sum(1 for x in left.values() if x == w)
            per[oid] = (n / max(inh.get(w, 0), 1), n, oid)
        oid = max(per, key=lambda k: per[k])
        order.append(oid)
        del left[oid]
    return order


def _addition_order(ds: Dataset, wijken: list[str], extra: int, contract_hours: float) -> list[dict[str, Any]]:
    """Synthetic officers in the order they join: each in the wijk with the most demand hours per officer."""
    dem = ds.demand
    wanted: dict[str, float] = {w: 0.0 for w in wijken}
    for r in dem.to_dict("records"):
        if r["wijk_code"] in wanted:
            s, e = r["start"], r["end"]
            hours = ((e.hour * 60 + e.minute) - (s.hour * 60 + s.minute)) % 1440 / 60
            wanted[r["wijk_code"]] += float(r["officers"]) * hours  # a weekday row recurs once in the week
    count = {w: sum(1 for ws in ds.officers["wijken"] if w in ws) for w in wijken}
    team = str(ds.officers["team"].iloc[0])
    out = []
    for i in range(extra):
        w = max(wijken, key=lambda x: (wanted[x] / (count[x] + 1), -count[x], x))
        count[w] += 1
        out.append({"officer_id": f"{SYNTHETIC_PREFIX}{i + 1:03d}", "name": f"extra wijkagent {i + 1}",
                    "wijken": (w,), "contract_hours": contract_hours, "night_exempt": False, "team": team,
                    "skills": (), "_row": 0})
    return out


def _at_level(ds: Dataset, wijken: list[str], level: int, current: int, contract_hours: float) -> Dataset:
    if level <= current:
        gone = set(_removal_order(ds, wijken)[: current - level])
        return dataclasses.replace(
            ds, officers=ds.officers[~ds.officers["officer_id"].isin(gone)].reset_index(drop=True),
            absences=ds.absences[~ds.absences["officer_id"].isin(gone)].reset_index(drop=True),
            wishes=ds.wishes[~ds.wishes["officer_id"].isin(gone)].reset_index(drop=True))
    extra = pd.DataFrame(_addition_order(ds, wijken, level - current, contract_hours))
    return dataclasses.replace(ds, officers=pd.concat([ds.officers, extra], ignore_index=True))


def _gemeente_kpis(run: Run, wijken: list[str]) -> dict[str, Any]:
    u = run.unmet
    pres = u[(u["kind"] == "presence") & u["wijk_code"].isin(wijken)] if len(u) else u
    wanted = float(pres["wanted_h"].sum()) if len(pres) else 0.0
    unmet = float(pres["unmet_h"].sum()) if len(pres) else (math.nan if not run.officers.size else 0.0)
    off = run.officers
    mine = off[[any(w in wijken for w in str(ws).split("|")) for ws in off["wijken"]]] if len(off) else off
    below = int((mine["window_share"].astype(float) < run.ds.config.norm.share - 1e-9).sum()) if len(mine) else 0
    return {"gm_wanted_wijk_h": wanted, "gm_unmet_wijk_h": unmet,
            "gm_unmet_share": (unmet / wanted) if wanted else 0.0, "gm_below_norm": below}


def staffing_search(ds: Dataset, gemeente: str, monday: dt.date, *, target_unmet: float = 0.1,
                    contract_hours: float | None = None, max_extra: int | None = None,
                    time_limit_s: float | None = None, workers: int | None = None,
                    on_level: Callable[[dict[str, Any]], None] | None = None) -> Staffing:
    """Bisection over staffing levels of one gemeente (other gemeenten keep their officers).

    A level passes when the week has a roster in which every officer of the gemeente keeps the norm and the
    gemeente's unmet wijk hours are at most ``target_unmet`` of its wanted wijk hours.
    """
    if not 0 <= target_unmet <= 1:
        raise InputError(None, f"{target_unmet} is not a share; expected a number from 0 to 1",
                         column="--target-unmet")
    wijken = gemeente_wijken(ds, gemeente)
    current = len(_removal_order(ds, wijken))
    if current == 0 and contract_hours is None:
        contract_hours = 36.0
    hours = contract_hours or float(ds.officers.loc[[ws[0] in wijken for ws in ds.officers["wijken"]],
                                                     "contract_hours"].mean())
    cap = current + (max_extra if max_extra is not None else max(4, current))
    rows: dict[int, dict[str, Any]] = {}

    def passes(level: int) -> bool:
        if level not in rows:
            vds = _at_level(ds, wijken, level, current, hours)
            if len(vds.officers) == 0:
                row = {"officers": level, "passes": False, "status": "no_officers"}
            else:
                run = solve_variant(f"{level} officers", vds, monday, time_limit_s=time_limit_s, workers=workers)
                g = _gemeente_kpis(run, wijken)
                ok = run.status in ("optimal", "feasible") and g["gm_below_norm"] == 0 and \
                    g["gm_unmet_share"] <= target_unmet + 1e-9
                row = {"officers": level, "passes": ok, "status": run.status, **g,
                       "unmet_team_h": run.kpi.get("unmet_team_h"), "mean_share": run.kpi.get("mean_share")}
            rows[level] = row
            if on_level:
                on_level(row)
        return bool(rows[level]["passes"])

    # Find a passing upper end: the current staff, else grow by doubling steps up to the cap.
    hi = current
    if not passes(hi):
        step = 1
        lo = hi
        while True:
            hi = min(cap, lo + step)
            if passes(hi):
                break
            if hi == cap:
                return Staffing(gemeente, target_unmet, None, current, _curve(rows))
            lo, step = hi, step * 2
    else:
        lo = -1  # every level down to 0 might pass
    # Invariant: hi passes, lo fails (or is -1). Bisection.
    while hi - lo > 1:
        mid = (lo + hi) // 2
        if mid < 0:
            break
        if passes(mid):
            hi = mid
        else:
            lo = mid
    return Staffing(gemeente, target_unmet, hi, current, _curve(rows))


def _curve(rows: dict[int, dict[str, Any]]) -> pd.DataFrame:
    return pd.DataFrame([rows[k] for k in sorted(rows)])
