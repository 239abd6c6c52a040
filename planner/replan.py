"""Day-to-day planning: re-plan after sickness or added demand with minimal change, and find who can cover."""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass
from typing import Any

import pandas as pd

from planner.dataset import Dataset
from planner.errors import InputError
from planner.hours import available_minutes, leave_minutes
from planner.roster_io import shifts_of
from planner.solver import Result, solve_week
from planner.timeutil import minutes_between


@dataclass
class Replan:
    """A re-planned week: the result, and how much changed against the roster it started from."""

    result: Result
    changed_blocks: int
    officers_affected: list[str]
    frozen_before: dt.datetime
    dataset: Dataset  # the data with the sickness and added demand, for checking the new roster


def week_of(roster: pd.DataFrame, source: str) -> dt.date:
    """The Monday of the one ISO week a roster covers (a roster spanning several weeks is refused)."""
    if roster.empty:
        raise InputError(source, "holds no blocks; expected the week's roster")
    mondays = {d - dt.timedelta(days=d.weekday()) for d in roster["date"]}
    if len(mondays) > 1:
        raise InputError(source, "covers more than one ISO week; re-plan one week at a time", column="date")
    return mondays.pop()


def frozen_part(roster: pd.DataFrame, at: dt.datetime, absent: set[str]) -> pd.DataFrame:
    """Blocks that stay as they are: every shift that started before ``at``.

    For an absent officer, a shift in progress at ``at`` ends at ``at`` (the part already worked stays).
    """
    shifts = shifts_of(roster)
    keep_idx: list[int] = []
    for s in shifts.to_dict("records"):
        if s["start"] < at:
            keep_idx.extend(s["blocks"])
    kept = roster.loc[sorted(keep_idx)].copy()
    if absent and len(kept):
        mask = kept["officer_id"].isin(absent)
        kept = kept[~(mask & (kept["start"] >= at))].copy()
        cut = kept["officer_id"].isin(absent) & (kept["end"] > at)
        kept.loc[cut, "end"] = at
    return kept.reset_index(drop=True)


def with_changes(
    ds: Dataset,
    absent: list[str],
    at: dt.datetime,
    monday: dt.date,
    extra_team_demand: pd.DataFrame | None,
    roster: pd.DataFrame | None = None,
) -> Dataset:
    """The dataset with sickness from ``at`` to the week's end for each absent officer, and added demand.

    The sickness takes the rest of the contract week: its hours are the contract hours minus what the officer
    worked before ``at`` in ``roster``, so the hours already worked are the week's available hours and the
    contract and the norm hold for what was worked (nothing after ``at`` can change them).
    """
    known = set(ds.officers["officer_id"])
    for oid in absent:
        if oid not in known:
            raise InputError("--absent", f"officer '{oid}' is not in officers.csv")
    end = dt.datetime.combine(monday + dt.timedelta(days=7), dt.time(0), tzinfo=ds.config.tz)

    contract = dict(zip(ds.officers["officer_id"], ds.officers["contract_hours"], strict=True))

    def missed_hours(oid: str) -> float:
        if roster is None:
            return float("nan")
        mine = roster[(roster["officer_id"] == oid) & (roster["start"] < at)]
        worked = sum(minutes_between(s, min(e, at)) for s, e in zip(mine["start"], mine["end"], strict=True)) / 60
        return max(0.0, float(contract[oid]) - worked)

    rows = [
        {
            "officer_id": oid,
            "start": at,
            "end": end,
            "reason": "ziek",
            "kind": "unavailable",
            "activity": None,
            "hours": missed_hours(oid),
            "_row": 0,
        }
        for oid in absent
    ]
    absences = ds.absences
    if rows:
        absences = pd.concat([absences, pd.DataFrame(rows)], ignore_index=True)
    team = ds.team_demand
    if extra_team_demand is not None and len(extra_team_demand):
        team = pd.concat([team, extra_team_demand], ignore_index=True)
    return dataclasses.replace(ds, absences=absences, team_demand=team)


def replan_week(
    ds: Dataset,
    roster: pd.DataFrame,
    *,
    at: dt.datetime,
    absent: list[str],
    extra_team_demand: pd.DataFrame | None = None,
    source: str = "roster.csv",
    **solve_kw: Any,
) -> Replan:
    """Re-plan the rest of the week from ``at``: the past stays identical, the rest changes as little as possible."""
    monday = week_of(roster, source)
    changed_ds = with_changes(ds, absent, at, monday, extra_team_demand, roster)
    pins = frozen_part(roster, at, set(absent))
    result = solve_week(
        changed_ds, monday, pins=pins, change_from=roster, check_pins=False, frozen_before=at, **solve_kw
    )
    changed, affected = diff_rosters(roster, result.roster) if result.has_roster else (0, [])
    return Replan(result, changed, affected, at, changed_ds)


def _key(r: dict[str, Any]) -> tuple:
    return (r["officer_id"], r["start"], r["end"], r["activity"], r["wijk_code"] or "")


def diff_rosters(old: pd.DataFrame, new: pd.DataFrame) -> tuple[int, list[str]]:
    """Blocks that differ (in either roster but not both) and the officers they belong to."""
    a = {_key(r) for r in old.to_dict("records")}
    b = {_key(r) for r in new.to_dict("records")}
    diff = a ^ b
    return len(diff), sorted({k[0] for k in diff})


@dataclass(frozen=True)
class Candidate:
    """An officer who can take a block, and what it costs them."""

    officer_id: str
    name: str
    own_wijk: bool
    hours_before: float
    hours_after: float
    available_h: float
    share_after: float | None
    extends_shift: bool


def cover_candidates(
    ds: Dataset,
    roster: pd.DataFrame,
    wijk: str,
    start: dt.datetime,
    end: dt.datetime,
    history: pd.DataFrame | None = None,
) -> list[Candidate]:
    """Officers who can take ``wijk`` from ``start`` to ``end`` without breaking a rule or the norm.

    Each candidate's roster with the block added goes through the independent checker; those with no breach
    are ranked: own wijk first, then fewest hours above available, then highest own-wijk share after.
    """
    from planner.checker import check_roster

    if wijk not in set(ds.wijken["wijk_code"]):
        raise InputError("--wijk", f"'{wijk}' is not in the wijken file")
    if end <= start:
        raise InputError("--end", "the block ends at or before it starts")
    monday = start.date() - dt.timedelta(days=start.date().weekday())
    cfg = ds.config
    out: list[Candidate] = []
    for o in ds.officers.to_dict("records"):
        oid = o["officer_id"]
        mine = roster[roster["officer_id"] == oid]
        if any(s < end and start < e for s, e in zip(mine["start"], mine["end"], strict=True)):
            continue  # already working then
        own = wijk in o["wijken"]
        activity = "wijk" if own else "other_wijk"
        touching = mine[(mine["end"] == start) | (mine["start"] == end)]
        date = touching["date"].iloc[0] if len(touching) else start.date()
        block = {
            "officer_id": oid,
            "date": date,
            "start": start,
            "end": end,
            "activity": activity,
            "wijk_code": wijk,
            "shift": "",
            "task": "cover",
        }
        trial = pd.concat([mine, pd.DataFrame([block])], ignore_index=True)
        if check_roster(ds, trial, history=history, weeks=[monday]):
            continue
        before = sum(minutes_between(s, e) for s, e in zip(mine["start"], mine["end"], strict=True)) / 60
        after = before + minutes_between(start, end) / 60
        avail = (
            available_minutes(
                o["contract_hours"], leave_minutes(ds.absences_of(oid), oid, o["contract_hours"], monday, cfg)
            )
            / 60
        )
        own_min = sum(
            minutes_between(s, e)
            for s, e, a, w in zip(trial["start"], trial["end"], trial["activity"], trial["wijk_code"], strict=True)
            if cfg.counts_for_norm(a) and (a != "wijk" or w in o["wijken"])
        )
        out.append(
            Candidate(
                oid, o["name"], own, before, after, avail, own_min / 60 / avail if avail else None, len(touching) > 0
            )
        )
    out.sort(
        key=lambda c: (not c.own_wijk, max(0.0, c.hours_after - c.available_h), -(c.share_after or 0), c.officer_id)
    )
    return out
