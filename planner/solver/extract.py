"""Reading a solution back: roster blocks, per-officer figures, unmet demand and the penalties that fired."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import pandas as pd

from planner.roster_io import ROSTER_COLUMNS, ROSTER_OPTIONAL
from planner.solver.instance import Instance
from planner.solver.model import Built
from planner.timeutil import minutes_between


@dataclass(frozen=True)
class Penalty:
    """A soft rule that bent: which, for whom or what, by how much, what it cost, in domain words."""

    rule: str
    subject: str
    amount: float  # hours, or a count
    unit: str  # "h" or "count"
    cost: float  # objective units / 60 (weighted hours)
    message: str


def _value(solver: Any, x: Any) -> int:
    return int(solver.value(x)) if not isinstance(x, int) else x


def extract_roster(inst: Instance, built: Built, solver: Any) -> pd.DataFrame:
    """Blocks of one activity per officer, merged where contiguous, in the roster.csv contract."""
    v = built.ctx.v
    r = v.resolution
    rows: list[dict[str, Any]] = []
    for oi, o in enumerate(inst.officers):
        primary = o.wijken[0]
        pieces: list[tuple[Any, ...]] = []
        for fb in o.fixed:
            pieces.append((fb.start, fb.end, fb.activity, "", "", fb.reason))
        pinned_rows = [dict(b) for pn in o.pinned for b in pn.blocks]
        for si, sl in enumerate(inst.slots):
            x = v.x.get((oi, si))
            if x is None or not solver.boolean_value(x):
                continue
            for gi, seg in enumerate(sl.segments):
                t = seg.start
                work: list[tuple[int, str, str, str]] = []
                for j in seg.presence:
                    p = v.pres.get((oi, si, gi, j))
                    if p is not None and solver.value(p):
                        work.append((r * int(solver.value(p)), "wijk", inst.demands[j].wijk_code, ""))
                team: list[tuple[int, str, str, str]] = []
                for j in seg.team:
                    q = v.team.get((oi, si, gi, j))
                    if q is not None and solver.value(q):
                        dm = inst.demands[j]
                        team.append((r * int(solver.value(q)), dm.kind, dm.wijk_code, dm.name))
                used = sum(m for m, *_ in work) + sum(m for m, *_ in team)
                free = seg.minutes - used
                # Own-wijk time first (demanded wijk presence, then the rest in the first own wijk), team last.
                for minutes, act, wijk, task in [*work, (free, "wijk", primary, ""), *team]:
                    if minutes <= 0:
                        continue
                    end = (t.astimezone(dt.UTC) + dt.timedelta(minutes=minutes)).astimezone(inst.cfg.tz)
                    pieces.append((t, end, act, wijk, sl.code, task))
                    t = end
        pieces.sort(key=lambda p: p[0])
        for b in pinned_rows:
            pieces.append(
                (
                    b["start"],
                    b["end"],
                    b["activity"],
                    b["wijk_code"] or "",
                    b["shift"] or "",
                    b["task"] or "",
                    b["date"],
                )
            )
        pieces = [p if len(p) == 7 else (*p, None) for p in pieces]
        pieces.sort(key=lambda p: p[0])
        for s, e, act, wijk, code, task, pin_date in pieces:
            if (
                rows
                and rows[-1]["officer_id"] == o.officer_id
                and rows[-1]["end"] == s
                and (rows[-1]["activity"], rows[-1]["wijk_code"], rows[-1]["task"]) == (act, wijk, task)
            ):
                rows[-1]["end"] = e
                continue
            shift_date = next((sl.date for sl in inst.slots if sl.start <= s < sl.end and sl.code == code), s.date())
            if pin_date is not None:
                shift_date = pin_date
            elif not code:  # a fixed block: its own date
                shift_date = s.astimezone(inst.cfg.tz).date()
            rows.append(
                {
                    "officer_id": o.officer_id,
                    "date": shift_date,
                    "start": s,
                    "end": e,
                    "activity": act,
                    "wijk_code": wijk,
                    "shift": code,
                    "task": task,
                }
            )
    if not rows:
        return pd.DataFrame(columns=ROSTER_COLUMNS + ROSTER_OPTIONAL)
    return pd.DataFrame(rows, columns=ROSTER_COLUMNS + ROSTER_OPTIONAL)


def officer_figures(inst: Instance, roster: pd.DataFrame) -> pd.DataFrame:
    """Per officer: planned, available and own-wijk hours, the week's share and the window's share."""
    cfg = inst.cfg
    night_codes = {sl.code for sl in inst.slots if sl.night}
    blocks: dict[str, list[dict[str, Any]]] = {}
    for r in roster.to_dict("records"):
        blocks.setdefault(r["officer_id"], []).append(r)
    out = []
    for o in inst.officers:
        mine = blocks.get(o.officer_id, [])
        worked = sum(minutes_between(b["start"], b["end"]) for b in mine)
        own = sum(
            minutes_between(b["start"], b["end"])
            for b in mine
            if cfg.counts_for_norm(b["activity"]) and (b["activity"] != "wijk" or b["wijk_code"] in o.wijken)
        )
        past = [h for h in o.history_weeks if h[0] < cfg.norm.window_weeks]
        win_avail = o.available_min + sum(h[2] for h in past)
        win_own = own + sum(h[3] for h in past)
        codes = {(b["date"], b["shift"]) for b in mine if b["shift"]}
        out.append(
            {
                "officer_id": o.officer_id,
                "name": o.name,
                "wijken": "|".join(o.wijken),
                "contract_h": o.contract_hours,
                "available_h": o.available_min / 60,
                "planned_h": worked / 60,
                "own_wijk_h": own / 60,
                "share": (own / o.available_min) if o.available_min else None,
                "window_weeks": 1 + len(past),
                "window_share": (win_own / win_avail) if win_avail else None,
                "nights": sum(1 for _, code in codes if code in night_codes),
                "shifts": len({b["date"] for b in mine}),
            }
        )
    return pd.DataFrame(out)


def penalties(inst: Instance, built: Built, solver: Any) -> list[Penalty]:
    """Every soft-rule term that is above zero, in domain words."""
    out = []
    wijk_names = dict(zip(inst.ds.wijken["wijk_code"], inst.ds.wijken["wijk_naam"], strict=True))
    for t in built.terms:
        val = _value(solver, t.var)
        if val <= 0:
            continue
        cost = t.coef * val / 60
        if t.rule in ("presence_demand", "team_demand"):
            dm = inst.demands[t.ref]
            when = f"{dm.start:%a %d %b %H:%M}–{dm.end:%H:%M}"
            if dm.kind == "presence":
                what = f"{dm.theme} in {dm.wijk_code} ({wijk_names.get(dm.wijk_code, '')}) {when}"
            else:
                what = f"{dm.name} {when}"
            msg = f"{what}: {val / 60:.1f} of {dm.wanted_minutes / 60:.1f} officer-hours unmet"
            if dm.kind == "presence":
                msg += f" ({why_unmet(inst, dm)})"
            out.append(Penalty(t.rule, dm.id, val / 60, "h", cost, msg))
        elif t.rule == "hours_deviation":
            o = inst.officers[t.ref]
            worked = _value(solver, built.ctx.v.worked[t.ref])
            side = "above" if worked > o.available_min else "below"
            out.append(
                Penalty(
                    t.rule,
                    o.officer_id,
                    val / 60,
                    "h",
                    cost,
                    f"{o.officer_id}: {val / 60:.1f} h {side} available hours ({o.available_min / 60:.1f} h)",
                )
            )
        elif t.rule.startswith("fair_"):
            kind = t.rule.removeprefix("fair_")
            out.append(
                Penalty(t.rule, "team", val, "count", cost, f"{kind}: the busiest officer works {val} this week")
            )
        elif t.rule == "changed_shift":
            oi, day = t.ref
            oid = inst.officers[oi].officer_id
            out.append(Penalty(t.rule, oid, 1, "count", cost, f"{oid}: shift of {day:%a %d %b} changed"))
        elif t.rule == "breach":
            from planner.solver.diagnose import rule_words

            rule, oi = t.ref
            oid = inst.officers[oi].officer_id
            out.append(Penalty(t.rule, oid, 1, "count", cost, f"{oid}: breaks {rule_words(inst, rule)}"))
        elif t.rule == "norm_shortfall":
            o = inst.officers[t.ref]
            out.append(
                Penalty(
                    t.rule,
                    o.officer_id,
                    val / 60,
                    "h",
                    cost,
                    f"{o.officer_id}: {val / 60:.1f} h short of the {inst.cfg.norm.share:.0%} own-wijk norm",
                )
            )
        elif t.rule == "wished_day_off":
            oi, day = t.ref
            o = inst.officers[oi]
            out.append(
                Penalty(
                    t.rule,
                    o.officer_id,
                    val,
                    "count",
                    cost,
                    f"{o.officer_id} works on a wished day off ({inst.days[day]:%a %d %b})",
                )
            )
    return out


def why_unmet(inst: Instance, dm: Any) -> str:
    """Why the wijk's own officers are not there, in domain words: leave, training, night-exempt, or their hours."""
    from planner.hours import overlap_minutes
    from planner.timeutil import is_night

    abs_ = inst.ds.absences
    night = is_night(dm.start, dm.end, inst.cfg.rules.night_min_minutes_00_06)
    reasons = []
    mine = [o for o in inst.officers if dm.wijk_code in o.wijken]
    if not mine:
        return "no wijkagent has this wijk"
    for o in mine:
        rows = abs_[(abs_["officer_id"] == o.officer_id)]
        hit = [
            r
            for s, e, r in zip(rows["start"], rows["end"], rows["reason"], strict=True)
            if overlap_minutes(s, e, dm.start, dm.end) > 0
        ]
        if hit:
            reasons.append(f"{o.officer_id} {hit[0]}")
        elif night and o.night_exempt:
            reasons.append(f"{o.officer_id} night-exempt")
        else:
            reasons.append(f"{o.officer_id} off duty then (hours and rest rules)")
    return f"{len(mine)} wijkagent(s) of this wijk: " + ", ".join(reasons)


def unmet_demand(inst: Instance, built: Built, solver: Any) -> pd.DataFrame:
    """Per demand window: wanted and unmet officer-hours."""
    rows = []
    for t in built.terms:
        if t.rule not in ("presence_demand", "team_demand"):
            continue
        dm = inst.demands[t.ref]
        short = _value(solver, t.var)
        rows.append(
            {
                "id": dm.id,
                "kind": dm.kind,
                "name": dm.name,
                "wijk_code": dm.wijk_code,
                "theme": dm.theme,
                "start": dm.start.isoformat(timespec="minutes"),
                "end": dm.end.isoformat(timespec="minutes"),
                "wanted_h": dm.wanted_minutes / 60,
                "unmet_h": short / 60,
            }
        )
    return pd.DataFrame(
        rows, columns=["id", "kind", "name", "wijk_code", "theme", "start", "end", "wanted_h", "unmet_h"]
    )
