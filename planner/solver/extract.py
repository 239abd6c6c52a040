"""Reading a solution back: roster blocks, per-officer figures, unmet demand and the penalties, in domain words."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import pandas as pd

from planner.roster_io import ROSTER_COLUMNS, ROSTER_OPTIONAL
from planner.solver.instance import Instance
from planner.solver.model import Built


@dataclass(frozen=True)
class Penalty:
    """A soft rule that bent: which, for whom or what, by how much, what it cost, in domain words."""

    rule: str
    subject: str
    amount: float  # hours, or a count
    unit: str  # "h" or "count"
    cost: float  # the level's units
    message: str
    level: str = ""


def _value(solver: Any, x: Any) -> int:
    return int(solver.value(x)) if not isinstance(x, int) else x


def extract_roster(inst: Instance, built: Built, solver: Any) -> pd.DataFrame:
    """Blocks of one activity per officer, merged where contiguous, in the roster.csv contract."""
    from planner.rules.street import centroids, travel_minutes

    cents = centroids(inst.ds) if inst.cfg.travel.speed_kmh > 0 else {}
    rows: list[dict[str, Any]] = []
    for ov in built.ctx.officers:
        o = ov.facts
        for i, e in enumerate(ov.entries):
            if e.history:
                continue
            if e.fixed is not None:
                for b in sorted(e.fixed.blocks, key=lambda r: r["start"]):
                    rows.append(
                        {k: b.get(k, "") for k in ("officer_id", "date", "start", "end", "activity", "wijk_code")}
                        | {"shift": b.get("shift") or "", "task": b.get("task") or ""}
                    )
                continue
            chosen = next((c for c, x in e.choices if solver.boolean_value(x)), None)
            if chosen is None:
                continue
            pieces = {p.a: p for p in ov.pieces if p.day == i and chosen.s <= p.a and p.b <= chosen.e}
            duties = [(inst.m(fb.start), inst.m(fb.end), fb) for fb in e.duties]
            cuts = sorted({chosen.s, chosen.e, *(t for s, t2, _ in duties for t in (s, t2)),
                           *(t for q in pieces.values() for t in (q.a, q.b))})
            out: list[dict[str, Any]] = []
            for lo, hi in zip(cuts, cuts[1:], strict=False):
                duty = next((fb for s, t, fb in duties if s <= lo and hi <= t), None)
                p = pieces.get(lo)
                if duty is not None:
                    act, wijk, task = duty.activity, "", duty.reason
                else:
                    team = next((j for j, x in p.team.items() if solver.boolean_value(x)), None) if p else None
                    pres = next((j for j, x in p.pres.items() if solver.boolean_value(x)), None) if p else None
                    if team is not None:
                        dm = inst.demands[team]
                        act, wijk, task = dm.kind, dm.wijk_code, dm.name
                    elif pres is not None:  # the task says which presence window (its theme) the hour is for
                        act, wijk, task = "wijk", inst.demands[pres].wijk_code, inst.demands[pres].theme
                    else:
                        act, wijk, task = "wijk", o.primary, ""
                start, end = inst.at(lo), inst.at(hi)
                if out and out[-1]["end"] == start and (out[-1]["activity"], out[-1]["wijk_code"], out[-1]["task"]) \
                        == (act, wijk, task):
                    out[-1]["end"] = end
                    continue
                out.append({"officer_id": o.officer_id, "date": chosen.date, "start": start, "end": end,
                            "activity": act, "wijk_code": wijk, "shift": chosen.family, "task": task})
            home = o.primary
            rows.extend(_with_travel(out, lambda place, home=home: travel_minutes(inst.cfg, cents, home, place)))
    if not rows:
        return pd.DataFrame(columns=ROSTER_COLUMNS + ROSTER_OPTIONAL)
    df = pd.DataFrame(rows, columns=ROSTER_COLUMNS + ROSTER_OPTIONAL)
    return df.sort_values(["officer_id", "start"], kind="stable").reset_index(drop=True)


def _with_travel(blocks: list[dict[str, Any]], need: Any) -> list[dict[str, Any]]:
    """Carve the travel time out of a team stretch elsewhere where it touches own-wijk work (the model kept room
    for it inside the stretch): [wijk][event] becomes [wijk][travel][event]."""
    out = [dict(b) for b in blocks]
    i = 0
    while i < len(out):
        b = out[i]
        minutes = need(b["wijk_code"]) if b["activity"] in ("noodhulp", "event") else 0
        if minutes:
            if i > 0 and out[i - 1]["activity"] == "wijk" and out[i - 1]["end"] == b["start"]:
                mid = _plus(b["start"], minutes)
                out.insert(i, b | {"end": mid, "activity": "travel", "wijk_code": "", "task": b["task"]})
                i += 1
                b["start"] = mid
            if i + 1 < len(out) and out[i + 1]["activity"] == "wijk" and out[i + 1]["start"] == b["end"]:
                mid = _plus(b["end"], -minutes)
                out.insert(i + 1, b | {"start": mid, "activity": "travel", "wijk_code": "", "task": b["task"]})
                b["end"] = mid
                i += 1
        i += 1
    return out


def _plus(t: dt.datetime, minutes: int) -> dt.datetime:
    return (t.astimezone(dt.UTC) + dt.timedelta(minutes=minutes)).astimezone(t.tzinfo)


def officer_figures(inst: Instance, roster: pd.DataFrame, history: pd.DataFrame | None = None) -> pd.DataFrame:
    """Per officer and week: planned, available and own-wijk hours, the week's and the window's share, the hours
    balance at the week's end, nights and shifts. The checker's definitions (``officer_week_stats``)."""
    from planner.checker import officer_week_stats

    stats = officer_week_stats(inst.ds, roster, weeks=inst.mondays, history=history)
    wijken = {o.officer_id: "|".join(o.wijken) for o in inst.officers}
    contract = {o.officer_id: o.contract_hours for o in inst.officers}
    rows = []
    for r in stats.sort_values(["officer_id", "monday"]).to_dict("records"):
        oid = r["officer_id"]
        rows.append(
            {
                "officer_id": oid,
                "name": r["name"],
                "wijken": wijken.get(oid, ""),
                "week": r["week"],
                "contract_h": contract.get(oid),
                "available_h": r["available_h"],
                "planned_h": r["worked_h"],
                "own_wijk_h": r["own_wijk_h"],
                "share": None if pd.isna(r["share"]) else r["share"],
                "window_weeks": r["window_weeks"],
                "window_share": None if pd.isna(r["window_share"]) else r["window_share"],
                "balance_h": r["balance_h"],
                "norm_met": bool(r["norm_met"]),
                "nights": r["nights"],
                "shifts": r["shifts"],
            }
        )
    order = {o.officer_id: i for i, o in enumerate(inst.officers)}
    out = pd.DataFrame(rows)
    if len(out):
        out = out.sort_values(["week", "officer_id"], key=lambda s: s.map(order) if s.name == "officer_id" else s,
                              kind="stable").reset_index(drop=True)
    return out


def penalties(inst: Instance, built: Built, solver: Any, roster: pd.DataFrame | None = None) -> list[Penalty]:
    """Every penalty term above zero, in domain words; unmet wijk demand says where the wijk's officers were (from
    the roster itself)."""
    out = []
    names = dict(zip(inst.ds.wijken["wijk_code"], inst.ds.wijken["wijk_naam"], strict=True))
    for t in built.terms:
        val = _value(solver, t.var)
        if val <= 0 or not t.coef:
            continue
        cost = float(t.coef * val)
        if t.rule in ("wijk_demand", "team_demand"):
            dm = inst.demands[t.ref]
            when = f"{dm.start:%a %d %b %H:%M}–{dm.end:%H:%M}"
            what = f"{dm.theme} in {dm.wijk_code} ({names.get(dm.wijk_code, '')}) {when}" if dm.kind == "presence" \
                else f"{dm.name} {when}"
            msg = f"{what}: {val / 60:.1f} of {dm.wanted_minutes / 60:.1f} officer-hours unmet"
            if dm.kind == "presence" and roster is not None:
                msg += f" ({why_unmet(inst, roster, dm)})"
            out.append(Penalty(t.rule, dm.id, val / 60, "h", cost, msg, t.level))
        elif t.rule in ("balance_limit", "hours_balance"):
            ov, week = t.ref
            if t.rule == "hours_balance":
                continue  # the balance is in the officer figures; only beyond the limits is a message
            out.append(Penalty(t.rule, ov.facts.officer_id, val / 60, "h", cost,
                               f"{ov.facts.officer_id}: hours balance {val / 60:.1f} h beyond the limit at the end of "
                               f"{week:%G-W%V}", t.level))
        elif t.rule.startswith("fair_"):
            kind = t.rule.removeprefix("fair_")
            out.append(Penalty(t.rule, "team", val, "count", cost, f"{kind}: the busiest officer works {val}", t.level))
        elif t.rule == "changed_shift":
            ov, day = t.ref
            oid = ov.facts.officer_id
            out.append(Penalty(t.rule, oid, 1, "count", cost, f"{oid}: shift of {day:%a %d %b} changed", t.level))
        elif t.rule == "moved_team_work":
            ov, a = t.ref
            oid = ov.facts.officer_id
            out.append(Penalty(t.rule, oid, t.coef / 60, "h", cost,
                               f"{oid}: team work {inst.at(a):%a %d %b %H:%M} moved ({t.coef / 60:g} h)", t.level))
        elif t.rule == "breach":
            from planner.rules import rule as rule_of

            name, oi, week = t.ref
            oid = inst.officers[oi].officer_id
            words = rule_of(name).words(inst.cfg)
            out.append(Penalty(t.rule, oid, 1, "count", cost,
                               f"{oid}: breaks {words}" + (f" in {week:%G-W%V}" if week else ""), t.level))
        elif t.rule == "norm_shortfall":
            oi, week = t.ref
            oid = inst.officers[oi].officer_id
            out.append(Penalty(t.rule, oid, val / 60, "h", cost,
                               f"{oid}: {val / 60:.1f} h short of the {inst.cfg.norm.share:.0%} own-wijk norm in "
                               f"{week:%G-W%V}", t.level))
        elif t.rule == "wished_day_off":
            ov, day = t.ref
            out.append(Penalty(t.rule, ov.facts.officer_id, val, "count", cost,
                               f"{ov.facts.officer_id} works on a wished day off ({day:%a %d %b})", t.level))
    return out


def unmet_demand(inst: Instance, built: Built, solver: Any) -> pd.DataFrame:
    """Per demand window: wanted and unmet officer-hours (wanted less what the roster covers: exact also for a
    roster whose shortfall variables the search did not minimise, such as one it keeps from a hint)."""
    rows = []
    for t in built.terms:
        if t.rule not in ("wijk_demand", "team_demand"):
            continue
        dm = inst.demands[t.ref]
        short = max(0, dm.wanted_minutes - _value(solver, built.ctx.covered[t.ref]))
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
    return pd.DataFrame(rows, columns=["id", "kind", "name", "wijk_code", "theme", "start", "end", "wanted_h",
                                       "unmet_h"])


def why_unmet(inst: Instance, roster: pd.DataFrame, dm: Any) -> str:
    """Where the wijk's own officers were during a window, read from the roster itself (and the absences): e.g.
    "WA0001 noodhulp (Noodhulp ondersteuning) 19:00–23:00; WA0002 verlof; WA0003 not on duty"."""
    mine = [o for o in inst.officers if dm.wijk_code in o.wijken]
    if not mine:
        return "no wijkagent has this wijk"
    parts = []
    for o in mine:
        rows = roster[(roster["officer_id"] == o.officer_id) & (roster["start"] < dm.end) & (roster["end"] > dm.start)]
        if len(rows):
            acts = []
            for r in rows.sort_values("start").to_dict("records"):
                where = f" in {r['wijk_code']}" if r["activity"] == "wijk" else (f" ({r['task']})" if r["task"] else "")
                acts.append(f"{r['activity']}{where} {max(r['start'], dm.start):%H:%M}–{min(r['end'], dm.end):%H:%M}")
            parts.append(f"{o.officer_id} {', '.join(acts)}")
            continue
        ab = inst.ds.absences_of(o.officer_id)
        hit = [str(r) for s, e, r in zip(ab["start"], ab["end"], ab["reason"], strict=True)
               if s < dm.end and dm.start < e]
        parts.append(f"{o.officer_id} {hit[0]}" if hit else f"{o.officer_id} not on duty")
    return "; ".join(parts)

