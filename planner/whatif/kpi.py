"""Key figures of one solved week, the same for a scenario, a sweep sample and a staffing level."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd

from planner.dataset import Dataset
from planner.timeutil import minutes_between

#: KPI key -> (label, unit, which way is better: -1 lower, +1 higher, 0 neither).
KPI_COLUMNS: dict[str, tuple[str, str, int]] = {
    "officers": ("officers with hours", "", 0),
    "below_norm": ("officers below the norm", "", -1),
    "mean_share": ("mean own-wijk share", "%", +1),
    "min_share": ("lowest own-wijk share", "%", +1),
    "wanted_wijk_h": ("wijk hours wanted", "h", 0),
    "unmet_wijk_h": ("unmet wijk hours", "h", -1),
    "unmet_wijk_share": ("unmet wijk share", "%", -1),
    "unmet_team_h": ("unmet team hours", "h", -1),
    "presence_per_1000": ("presence h per 1,000 inhabitants", "h", +1),
    "max_nights": ("most nights per officer", "", -1),
    "max_weekend_shifts": ("most weekend shifts per officer", "", -1),
    "no_own_week": ("wijken without their own wijkagent all week", "", -1),
    "no_own_days": ("wijk-days without their own wijkagent", "", -1),
}
#: Per-wijk detail of a KPI row (text, for samples.csv): wijken without their own officer all week, and the days
#: without one per wijk (``WK990101:2|WK990102:7``).
DETAIL_COLUMNS = ("no_own_week_wijken", "no_own_days_by_wijk")


def kpis(ds: Dataset, status: str, officers: pd.DataFrame, unmet: pd.DataFrame, roster: pd.DataFrame,
         gap: float | None = None) -> dict[str, Any]:
    """The KPI row of a solved week (NaN figures when there is no roster).

    Parameters
    ----------
    ds
        The (scenario) dataset the week was solved for: its norm and inhabitants are used.
    status, gap
        The solve's status and relative gap, carried into the row.
    officers, unmet, roster
        ``Result.officers``, ``Result.unmet`` and ``Result.roster`` (or their concatenation over teams).
    """
    row: dict[str, Any] = {"status": status, "gap": gap}
    if officers is None or len(officers) == 0:
        return row | {k: math.nan for k in KPI_COLUMNS}
    norm = ds.config.norm.share
    has_hours = officers[officers["available_h"] > 0]
    share = has_hours["share"].astype(float)
    # The solver holds the norm over the window: a week's share may dip only where history allows it.
    window = has_hours["window_share"].astype(float) if "window_share" in has_hours else share
    row["officers"] = int(len(has_hours))
    if "norm_met" in has_hours:  # the checker's verdict (a week cut short by sickness is exempt)
        row["below_norm"] = int((~has_hours["norm_met"].astype(bool)).sum())
    else:
        row["below_norm"] = int((window < norm - 1e-9).sum())
    row["mean_share"] = float(share.mean()) if len(share) else math.nan
    row["min_share"] = float(share.min()) if len(share) else math.nan
    u = unmet if unmet is not None and len(unmet) else pd.DataFrame(columns=["kind", "wanted_h", "unmet_h"])
    pres = u[u["kind"] == "presence"]
    row["wanted_wijk_h"] = float(pres["wanted_h"].sum())
    row["unmet_wijk_h"] = float(pres["unmet_h"].sum())
    row["unmet_wijk_share"] = row["unmet_wijk_h"] / row["wanted_wijk_h"] if row["wanted_wijk_h"] else 0.0
    row["unmet_team_h"] = float(u.loc[u["kind"] != "presence", "unmet_h"].sum())
    served = {w for ws in ds.officers["wijken"] for w in ws}
    inhabitants = ds.wijken.loc[ds.wijken["wijk_code"].isin(served), "inwoners"].sum(min_count=1)
    wijk = roster[roster["activity"] == "wijk"] if len(roster) else roster
    wijk_h = sum(minutes_between(s, e) for s, e in zip(wijk["start"], wijk["end"], strict=True)) / 60 if len(wijk) \
        else 0.0
    row["presence_per_1000"] = float(wijk_h / inhabitants * 1000) if pd.notna(inhabitants) and inhabitants else math.nan
    row["max_nights"] = int(officers["nights"].max()) if "nights" in officers else math.nan
    row["max_weekend_shifts"] = max_weekend_shifts(roster)
    days = days_without_own_officer(ds, roster)
    row["no_own_week"] = sum(1 for n in days.values() if n == 7)
    row["no_own_days"] = sum(days.values())
    row["no_own_week_wijken"] = "|".join(w for w, n in days.items() if n == 7)
    row["no_own_days_by_wijk"] = "|".join(f"{w}:{n}" for w, n in days.items())
    return row


def days_without_own_officer(ds: Dataset, roster: pd.DataFrame) -> dict[str, int]:
    """Per wijk that has wijkagenten (officers.csv), the days of the roster's week on which none of them works in
    it: no ``wijk`` block of one of its own officers in the wijk touches that local calendar day. 7 means the wijk
    went without its wijkagent all week. Work elsewhere (noodhulp, training, another wijk) does not count, nor does
    another wijk's officer helping out.

    The week is the ISO week of the roster's first ``date``; an empty roster leaves every wijk 7 days without.
    """
    import datetime as dt

    own: dict[str, set[str]] = {}
    for oid, wijken in zip(ds.officers["officer_id"], ds.officers["wijken"], strict=True):
        for w in wijken:
            own.setdefault(w, set()).add(str(oid))
    present: dict[str, set[dt.date]] = {w: set() for w in own}
    if roster is not None and len(roster):
        tz = ds.config.tz
        first = min(pd.Timestamp(d).date() for d in roster["date"])
        monday = first - dt.timedelta(days=first.weekday())
        week = {monday + dt.timedelta(days=i) for i in range(7)}
        wijk = roster[roster["activity"] == "wijk"]
        for oid, code, start, end in zip(wijk["officer_id"], wijk["wijk_code"], wijk["start"], wijk["end"],
                                         strict=True):
            code = "" if code is None or (isinstance(code, float) and math.isnan(code)) else str(code)
            if code not in own or str(oid) not in own[code]:
                continue
            s = pd.Timestamp(start)
            e = pd.Timestamp(end) - pd.Timedelta(minutes=1)
            s, e = (s.tz_convert(tz), e.tz_convert(tz)) if s.tzinfo is not None else (s, e)
            d = s.date()
            while d <= e.date():
                if d in week:
                    present[code].add(d)
                d += dt.timedelta(days=1)
    return {w: 7 - len(present[w]) for w in sorted(own)}


def max_weekend_shifts(roster: pd.DataFrame) -> int:
    """The most weekend shifts (shift date a Saturday or Sunday) any one officer works."""
    if roster is None or len(roster) == 0:
        return 0
    shifts = roster.loc[roster["shift"].fillna("") != "", ["officer_id", "date"]].drop_duplicates()
    weekend = shifts[[d.weekday() >= 5 for d in shifts["date"]]]
    return int(weekend.groupby("officer_id").size().max()) if len(weekend) else 0


def fmt(key: str, value: Any) -> str:
    """A KPI value as the tables print it."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    unit = KPI_COLUMNS[key][1] if key in KPI_COLUMNS else ""
    if unit == "%":
        return f"{100 * value:.1f} %"
    if unit == "h":
        return f"{value:,.1f}"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else f"{value:,.1f}"
    return str(value)


def fmt_diff(key: str, value: Any, base: Any) -> str:
    """The difference of a KPI against the base as text (``+3.0``, ``−1.2 pp``), or '' when equal or unknown."""
    try:
        d = float(value) - float(base)
    except (TypeError, ValueError):
        return ""
    if math.isnan(d) or abs(d) < 1e-9:
        return ""
    unit = KPI_COLUMNS[key][1]
    if unit == "%":
        return f"{100 * d:+.1f} pp"
    if unit == "h":
        return f"{d:+,.1f}"
    return f"{d:+g}"


def better(key: str, value: Any, base: Any) -> int:
    """+1 when ``value`` is better than ``base`` for this KPI, -1 when worse, 0 when equal or neutral."""
    try:
        d = float(value) - float(base)
    except (TypeError, ValueError):
        return 0
    if math.isnan(d) or abs(d) < 1e-9:
        return 0
    return KPI_COLUMNS[key][2] * (1 if d > 0 else -1)


# ------------------------------------------------------------------------------------------------ sweep figures

#: Sample statuses: a roster was found; the rules cannot all hold (the week cannot keep the norm within the law);
#: no roster within the time budget (unknown); every officer of a team was sick.
SWEEP_STATUSES = {
    "roster": ("optimal", "feasible"),
    "infeasible": ("infeasible",),
    "no_solution": ("no_solution",),
    "no_officers": ("no_officers",),
}


def sweep_statuses(samples: pd.DataFrame) -> dict[str, Any]:
    """How the samples ended: the count, and per ``SWEEP_STATUSES`` kind the share of samples."""
    n = len(samples)
    status = samples["status"] if n else pd.Series(dtype="object")
    out: dict[str, Any] = {"samples": n}
    for kind, names in SWEEP_STATUSES.items():
        out[f"share_{kind}"] = float(status.isin(names).mean()) if n else math.nan
    return out


def wijk_risk(samples: pd.DataFrame, ds: Dataset) -> pd.DataFrame:
    """Per wijk with wijkagenten, over the samples with a roster: how often it went without its own wijkagent.

    Columns: wijk_code, wijk_naam, gemeente_code, gemeente_naam, wijkagenten (own officers), samples,
    p_week_without (share of samples in which none of its officers worked in it all week), mean_days_without,
    p95_days_without and max_days_without (days of the week without one of its officers in it; see
    :func:`days_without_own_officer`). Sorted with the most exposed wijk first.
    """
    ok = samples[samples["status"].isin(SWEEP_STATUSES["roster"])] if len(samples) else samples
    days: dict[str, list[int]] = {}
    for text in ok.get("no_own_days_by_wijk", pd.Series(dtype="object")):
        if not isinstance(text, str):
            continue
        for part in filter(None, text.split("|")):
            code, _, n = part.rpartition(":")
            days.setdefault(code, []).append(int(n))
    heads: dict[str, int] = {}
    for wijken in ds.officers["wijken"]:
        for w in wijken:
            heads[w] = heads.get(w, 0) + 1
    names = ds.wijken.set_index("wijk_code")
    rows = []
    for code in sorted(heads):
        vals = np.array(days.get(code, []), dtype="float64")
        rec = names.loc[code] if code in names.index else None
        rows.append({
            "wijk_code": code,
            "wijk_naam": "" if rec is None else str(rec["wijk_naam"]),
            "gemeente_code": "" if rec is None else str(rec["gemeente_code"]),
            "gemeente_naam": "" if rec is None else str(rec["gemeente_naam"]),
            "wijkagenten": heads[code],
            "samples": int(len(vals)),
            "p_week_without": float((vals == 7).mean()) if len(vals) else math.nan,
            "mean_days_without": float(vals.mean()) if len(vals) else math.nan,
            "p95_days_without": float(np.percentile(vals, 95)) if len(vals) else math.nan,
            "max_days_without": float(vals.max()) if len(vals) else math.nan,
        })
    out = pd.DataFrame(rows, columns=["wijk_code", "wijk_naam", "gemeente_code", "gemeente_naam", "wijkagenten",
                                      "samples", "p_week_without", "mean_days_without", "p95_days_without",
                                      "max_days_without"])
    return out.sort_values(["p_week_without", "mean_days_without", "wijk_code"], ascending=[False, False, True],
                           na_position="last", kind="stable").reset_index(drop=True)
