"""Key figures of one solved week, the same for a scenario, a sweep sample and a staffing level."""

from __future__ import annotations

import math
from typing import Any

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
}


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
    return row


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
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
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
