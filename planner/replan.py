"""Day-to-day planning: re-plan after sickness or added demand with minimal change, and find who can cover a block.

A re-plan keeps the past: every shift that started before ``--from`` stays as it was (a sick officer's shift in
progress ends at ``--from``), and no new shift starts before it. The rest of the roster's period is planned again
with the ordered objective, where every changed shift costs on the ``changes`` level (below wijk demand, above team
demand). The roster being re-planned, minus what sickness takes, always holds every rule, so a re-plan always has an
answer unless that roster itself broke a rule.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass
from typing import Any

import pandas as pd

from planner.dataset import Dataset
from planner.errors import InputError
from planner.hours import available_minutes, is_own, leave_minutes, norm_denominator
from planner.roster_io import shifts_of, working_days
from planner.rules.base import monday_of
from planner.solver import Result
from planner.solver.solve import solve_period
from planner.timeutil import local, minutes_between

#: The file in a re-plan's output folder that holds the sickness it added (read by ``planner check`` there).
ADDED_ABSENCES = "added_absences.csv"


@dataclass
class Replan:
    """A re-planned roster: the result, and how much changed against the roster it started from."""

    result: Result
    changed_blocks: int
    officers_affected: list[str]
    frozen_before: dt.datetime
    dataset: Dataset  # the data with the sickness and added demand, for checking the new roster
    added_absences: pd.DataFrame


def period_of(roster: pd.DataFrame, source: str) -> list[dt.date]:
    """The Mondays of the ISO weeks a roster covers, first to last (a week or a period roster)."""
    if roster.empty:
        raise InputError(source, "holds no blocks; expected the roster to re-plan")
    mondays = sorted({monday_of(d) for d in roster["date"]})
    weeks = (mondays[-1] - mondays[0]).days // 7 + 1
    return [mondays[0] + dt.timedelta(weeks=k) for k in range(weeks)]


def week_of(roster: pd.DataFrame, source: str) -> dt.date:
    """The Monday of the first ISO week a roster covers."""
    return period_of(roster, source)[0]


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


def sickness(
    ds: Dataset, absent: list[str], at: dt.datetime, until: dt.datetime, roster: pd.DataFrame
) -> pd.DataFrame:
    """Absences (absences.csv's columns) for officers reported sick from ``at`` to ``until``.

    The hours of each are the roster's planned hours that the sickness takes (as employers book sickness: the
    contract's hours count as kept), so the hours balance is unchanged and the norm is judged on what was worked.
    """
    known = set(ds.officers["officer_id"])
    rows = []
    for oid in absent:
        if oid not in known:
            raise InputError("--absent", f"officer '{oid}' is not in officers.csv")
        mine = roster[(roster["officer_id"] == oid) & (roster["end"] > at) & (roster["start"] < until)]
        lost = sum(minutes_between(max(s, at), min(e, until)) for s, e in zip(mine["start"], mine["end"], strict=True))
        rows.append({"officer_id": oid, "start": at, "end": until, "reason": ds.config.absences.sickness[0]
                     if ds.config.absences.sickness else "ziek", "kind": "unavailable", "activity": None,
                     "hours": lost / 60, "_row": 0, "sick_call": True})
    return pd.DataFrame(rows, columns=["officer_id", "start", "end", "reason", "kind", "activity", "hours", "_row",
                                       "sick_call"])


def added_absences_csv(added: pd.DataFrame) -> str:
    """absences.csv text of a re-plan's added absences (ISO 8601 with offsets, explicit hours)."""
    lines = ["officer_id,start,end,reason,hours"]
    for r in added.to_dict("records"):
        lines.append(f"{r['officer_id']},{r['start'].isoformat(timespec='minutes')},"
                     f"{r['end'].isoformat(timespec='minutes')},{r['reason']},{r['hours']:.4f}")
    return "\n".join(lines) + "\n"


def read_added_absences(path: Any, ds: Dataset) -> pd.DataFrame:
    """A re-plan's added_absences.csv, read and validated as absences.csv is: its rows are sick calls."""
    from planner.dataset import _absences

    out = _absences(path, ds.config, set(ds.officers["officer_id"]))
    out["sick_call"] = True
    return out


def with_changes(
    ds: Dataset, added: pd.DataFrame, extra_team_demand: pd.DataFrame | None
) -> Dataset:
    """The dataset with added absences (sickness) and added team demand."""
    absences = ds.absences
    if len(added):
        absences = pd.concat([absences, added], ignore_index=True) if len(absences) else added.copy()
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
    until: dt.datetime | None = None,
    source: str = "roster.csv",
    history: pd.DataFrame | None = None,
    **solve_kw: Any,
) -> Replan:
    """Re-plan the roster's period from ``at``: the past stays identical, the rest changes as little as possible.

    ``until`` ends the sickness of the ``absent`` officers (default: the end of the ISO week of ``at``). With
    ``[period] notice = "rest_days"`` the published work and rest days from ``at`` on are kept (but the sick
    officers'); only when that is impossible are they re-planned too, and the explanation says so.
    """
    mondays = period_of(roster, source)
    start = local(mondays[0], dt.time(0), ds.config.tz)
    end = local(mondays[-1] + dt.timedelta(days=7), dt.time(0), ds.config.tz)
    if not start <= at < end:
        raise InputError("--from", f"{at:%Y-%m-%d %H:%M} is outside the roster's period ({start:%Y-%m-%d} to "
                         f"{end:%Y-%m-%d})")
    if until is None:
        until = local(monday_of(at.date()) + dt.timedelta(days=7), dt.time(0), ds.config.tz)
    if until <= at:
        raise InputError("--until", "the sickness ends at or before it starts")
    added = sickness(ds, absent, at, until, roster)
    changed_ds = with_changes(ds, added, extra_team_demand)
    pins = frozen_part(roster, at, set(absent))
    # Start from the roster as it was without the sick officers' hours from ``at`` to ``until``: usually lawful, so a
    # sick call always has an answer; the search then improves it with as few changes as it can.
    pinned = set(zip(pins["officer_id"], pins["start"], strict=True))
    later = roster[[s >= at and (o, s) not in pinned and not (o in absent and s < until and e > at)
                    for o, s, e in zip(roster["officer_id"], roster["start"], roster["end"], strict=True)]]
    start_roster = pd.concat([pins, later], ignore_index=True)
    keep = kept_days(ds, roster, at, until, set(absent), mondays)
    result = solve_period(
        changed_ds, mondays, history=history, pins=pins, change_from=roster, frozen_before=at, hint=start_roster,
        keep_days=keep, **solve_kw
    )
    if keep and result.status == "infeasible":
        result = solve_period(
            changed_ds, mondays, history=history, pins=pins, change_from=roster, frozen_before=at,
            hint=start_roster, **solve_kw
        )
        result.explanation.insert(0, "the published work and rest days could not all be kept with every rule "
                                     "held: they were re-planned too (see the changes)")
    changed, affected = diff_rosters(roster, result.roster) if result.has_roster else (0, [])
    return Replan(result, changed, affected, at, changed_ds, added)


def kept_days(ds: Dataset, roster: pd.DataFrame, at: dt.datetime, until: dt.datetime, absent: set[str],
              mondays: list[dt.date]) -> dict[tuple[str, dt.date], bool]:
    """With ``[period] notice = "rest_days"``: (officer, date) -> works, for every day from ``at``'s date to the end
    of the period as the roster published it, but the days the absent officers are away. Empty otherwise."""
    if ds.config.period.notice != "rest_days":
        return {}
    working = working_days(roster)
    last = mondays[-1] + dt.timedelta(days=6)
    days = [at.date() + dt.timedelta(days=k) for k in range((last - at.date()).days + 1)]
    out = {}
    for oid in (str(o) for o in ds.officers["officer_id"]):
        for d in days:
            if oid in absent and local(d, dt.time(0), ds.config.tz) < until:
                continue  # a day of the sickness: nothing to keep
            out[(oid, d)] = (oid, d) in working
    return out


def _key(r: dict[str, Any]) -> tuple:
    return (r["officer_id"], r["start"], r["end"], r["activity"], r["wijk_code"] or "")


def _merged(roster: pd.DataFrame) -> set[tuple]:
    """A roster's blocks with adjacent blocks of the same officer, activity and wijk joined (a presence block
    split by the demand theme it serves is one block to the officer)."""
    out: list[list[Any]] = []
    for r in sorted((_key(r) for r in roster.to_dict("records")), key=lambda k: (k[0], k[1])):
        last = out[-1] if out else None
        if last is not None and last[0] == r[0] and last[2] == r[1] and last[3:] == list(r[3:]):
            last[2] = r[2]
        else:
            out.append(list(r))
    return {tuple(x) for x in out}


def diff_rosters(old: pd.DataFrame, new: pd.DataFrame) -> tuple[int, list[str]]:
    """Blocks that differ (in either roster but not both, adjacent blocks of one activity and wijk joined) and the
    officers they belong to."""
    a, b = _merged(old), _merged(new)
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

    @property
    def plus_hours(self) -> float:
        return max(0.0, self.hours_after - self.available_h)


def cover_candidates(
    ds: Dataset,
    roster: pd.DataFrame,
    wijk: str,
    start: dt.datetime,
    end: dt.datetime,
    history: pd.DataFrame | None = None,
) -> list[Candidate]:
    """Officers who can take ``wijk`` from ``start`` to ``end`` without breaking a rule of their own.

    Each candidate's own roster with the block added (extending a shift it touches, or as a shift of its own) goes
    through the exact check for that officer alone; those with no breach are ranked: own wijk first, then the
    fewest hours above their available hours, then extending a shift they already work, then the highest own-wijk
    share after.
    """
    from planner.checker import check_roster

    if wijk not in set(ds.wijken["wijk_code"]):
        raise InputError("--wijk", f"'{wijk}' is not in the wijken file")
    if end <= start:
        raise InputError("--end", "the block ends at or before it starts")
    monday = monday_of(start.date())
    cfg = ds.config
    out: list[Candidate] = []
    for o in ds.officers.to_dict("records"):
        oid = o["officer_id"]
        mine = roster[roster["officer_id"] == oid]
        if any(s < end and start < e for s, e in zip(mine["start"], mine["end"], strict=True)):
            continue  # already working then
        own = wijk in o["wijken"]
        touching = mine[(mine["end"] == start) | (mine["start"] == end)]
        date = touching["date"].iloc[0] if len(touching) else start.date()
        block = {"officer_id": oid, "date": date, "start": start, "end": end, "activity": "wijk" if own else
                 "other_wijk", "wijk_code": wijk, "shift": "", "task": "cover"}
        trial = pd.concat([mine, pd.DataFrame([block])], ignore_index=True) if len(mine) else pd.DataFrame([block])
        if check_roster(ds, trial, history=history, weeks=[monday], officers=[oid]):
            continue
        week = trial[[monday_of(d) == monday for d in trial["date"]]]
        before = sum(minutes_between(s, e) for s, e in zip(mine["start"], mine["end"], strict=True)
                     if monday_of(s.date()) == monday) / 60
        after = before + minutes_between(start, end) / 60
        leave = leave_minutes(ds.absences_of(oid), oid, o["contract_hours"], monday, cfg)
        avail = available_minutes(o["contract_hours"], leave)
        own_min = sum(minutes_between(s, e) for s, e, a, w in
                      zip(week["start"], week["end"], week["activity"], week["wijk_code"], strict=True)
                      if is_own(cfg, a, w, tuple(o["wijken"])))
        den = norm_denominator(avail, round(after * 60))
        out.append(Candidate(oid, o["name"], own, before, after, avail / 60, own_min / den if den else None,
                             len(touching) > 0))
    out.sort(key=lambda c: (not c.own_wijk, c.plus_hours, not c.extends_shift, -(c.share_after or 0),
                            c.officer_id))
    return out
