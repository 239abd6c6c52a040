"""Summary figures of a data folder: gemeenten, wijken, inhabitants, officers, absences, demand hours."""

from __future__ import annotations

import math

from planner.dataset import Dataset
from planner.timeutil import minutes_between

PER_INHABITANTS = 5000


def window_hours(start, end) -> float:  # type: ignore[no-untyped-def]
    """Nominal hours of a clock window (end <= start runs into the next day)."""
    s = start.hour * 60 + start.minute
    e = end.hour * 60 + end.minute
    return ((e - s) % 1440) / 60


def dataset_summary(ds: Dataset) -> list[tuple[str, str]]:
    """Rows (label, value) describing a validated dataset."""
    pop = ds.wijken["inwoners"]
    known = pop.notna().sum()
    inhabitants = float(pop.sum()) if known else math.nan
    n_off = len(ds.officers)
    fte = float(ds.officers["contract_hours"].sum()) / 36.0
    # 0 inhabitants (a population file of zeros) gives no ratio, like an unknown population
    per5000 = f"{n_off / inhabitants * PER_INHABITANTS:.2f}" if known and inhabitants > 0 else "unknown"
    absence_h = sum(minutes_between(s, e) for s, e in zip(ds.absences["start"], ds.absences["end"], strict=True)) / 60
    demand_h = sum(
        window_hours(s, e) * n
        for s, e, n in zip(ds.demand["start"], ds.demand["end"], ds.demand["officers"], strict=True)
    )
    team_h = sum(
        window_hours(s, e) * n
        for s, e, n in zip(ds.team_demand["start"], ds.team_demand["end"], ds.team_demand["officers"], strict=True)
    )
    pop_text = f"{inhabitants:,.0f}".replace(",", ".") if known else "unknown"
    if known and known < len(pop):
        pop_text += f" ({len(pop) - known} wijken unknown)"
    return [
        ("teams", str(len(ds.teams))),
        ("gemeenten", str(ds.wijken["gemeente_code"].nunique())),
        ("wijken", str(len(ds.wijken))),
        ("inhabitants", pop_text),
        ("officers", str(n_off)),
        ("fte (36 h)", f"{fte:.1f}"),
        ("officers per 5,000 inhabitants", per5000),
        ("absences", f"{len(ds.absences)} ({absence_h:.0f} h)"),
        ("wijk demand (officer-hours a week)", f"{demand_h:.0f}"),
        ("team demand (officer-hours a week)", f"{team_h:.0f}"),
        ("shift families", "; ".join(s.describe() for s in ds.config.shifts)),
        ("norm", f"{ds.config.norm.share:.0%} '{ds.config.norm.reading}', window {ds.config.norm.window_weeks} weeks"),
    ]
