"""Hard rules that make a roster work on the street: team demand taken in whole pieces by a few officers.

A block serves a team demand window when its activity is the window's kind (``noodhulp``, ``event``), its ``task``
is the window's name and it lies inside the window (blocks without a task, as in realized hours, serve none).
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from planner.config import Config
from planner.rules.base import Breach, Rule, day_text, h, hours, minutes, monday_of, range_text

if TYPE_CHECKING:  # pragma: no cover
    from planner.rules.timeline import Timeline
    from planner.solver.context import ModelCtx
    from planner.solver.instance import Demand


def team_windows(tl: Timeline) -> list[Demand]:
    from planner.solver.instance import demand_windows

    days = [w + dt.timedelta(days=i) for w in tl.weeks for i in range(7)]
    return [d for d in demand_windows(tl.ds, days) if d.kind != "presence"]


def of_team(tl: Timeline, oid: str, dm: Demand) -> bool:
    """Whether ``oid`` belongs to the team ``dm`` is for (a window without a team is for every team)."""
    return not dm.team or str(tl.officers[oid].get("team", "")) == dm.team


def serves(b: Any, dm: Demand) -> bool:
    return (
        str(b["activity"] if isinstance(b, dict) else b.activity) == dm.kind
        and str((b["task"] if isinstance(b, dict) else b.task) or "") == dm.name
        and dm.start <= (b["start"] if isinstance(b, dict) else b.start)
        and (b["end"] if isinstance(b, dict) else b.end) <= dm.end
    )


def _travel_for(b: Any, dm: Demand) -> bool:
    """A travel block to or from ``dm``'s team work, inside its window (part of the stretch, not of its cover)."""
    get: Any = b.get if isinstance(b, dict) else lambda k: getattr(b, k)
    return bool(str(get("activity")) == "travel" and str(get("task") or "") == dm.name
                and dm.start <= get("start") and get("end") <= dm.end)


def runs(blocks: list[Any], dm: Demand) -> list[tuple[dt.datetime, dt.datetime]]:
    """Maximal stretches of touching blocks (of one officer, in time order) that serve ``dm``, with the travel to
    and from it inside the window (the model keeps room for travel inside the stretch)."""
    out: list[tuple[dt.datetime, dt.datetime]] = []
    for b in blocks:
        if not (serves(b, dm) or _travel_for(b, dm)):
            continue
        s, e = (b["start"], b["end"]) if isinstance(b, dict) else (b.start, b.end)
        if out and out[-1][1] == s:
            out[-1] = (out[-1][0], e)
        else:
            out.append((s, e))
    return out


def run_too_short(run: tuple[dt.datetime, dt.datetime], dm: Demand, need_min: int, sick: dt.datetime | None) -> bool:
    """A stretch of team work is shorter than the minimum (or the whole window, when that is shorter), unless it
    ends where the officer's sickness begins (cut short by a sick call)."""
    s, e = run
    length = int((e - s).total_seconds() // 60)
    return length < min(need_min, dm.minutes) and not (sick is not None and e == sick)


class TeamBlockLength(Rule):
    """Hard rule: an officer takes a team demand window (noodhulp, event) for at least
    ``team_demand.min_block_hours`` (2 h) at a stretch, or for the whole window when it is shorter.

    Source: planners' practice (a 2-officer event is not staffed by nine officers in 1-hour pieces). A stretch cut
    short by a sick call is exempt. Amount: hours short of the minimum.
    """

    name = "team_block_length"
    source = "planners' practice: team demand in whole pieces"

    def applies(self, cfg: Config) -> bool:
        return cfg.team_demand.min_block_hours > 0

    def words(self, cfg: Config) -> str:
        return f"team demand in stretches of at least {cfg.team_demand.min_block_hours:g} h"

    def check(self, tl: Timeline) -> list[Breach]:
        need = minutes(tl.cfg.team_demand.min_block_hours)
        out: list[Breach] = []
        windows = team_windows(tl)
        for oid, blocks in tl.blocks.items():
            mine = [b for b in blocks if not b.history and b.task]
            if not mine:
                continue
            for dm in windows:
                if not of_team(tl, oid, dm):
                    continue
                for run in runs(mine, dm):
                    if not tl.checked(run[0].date()):
                        continue
                    sick = tl.sick_from(oid, monday_of(dm.start.date()))
                    if run_too_short(run, dm, need, sick):
                        length = int((run[1] - run[0]).total_seconds() // 60)
                        out.append(Breach(self.name, oid, range_text(*run),
                                          f"{oid}: {h(length)} h of {dm.name} {range_text(*run)}; at least "
                                          f"{h(min(need, dm.minutes))} h at a stretch",
                                          hours(min(need, dm.minutes) - length), monday_of(dm.start.date())))
        return out

    def encode(self, m: ModelCtx) -> None:
        need = minutes(m.cfg.team_demand.min_block_hours)
        inst = m.inst
        for oi, ov in enumerate(m.officers):
            for j, dm in enumerate(inst.demands):
                if dm.kind == "presence" or (dm.team and ov.facts.team != dm.team):
                    continue
                week = monday_of(dm.start.date())
                sick = ov.facts.weeks[week].sick_from if week in ov.facts.weeks else None
                for e in ov.plan_entries():
                    if e.fixed is not None:
                        blocks = sorted(e.fixed.blocks, key=lambda r: r["start"])
                        ok = not any(run_too_short(r, dm, need, sick) for r in runs(blocks, dm))
                        m.require(self.name, oi, ok, week=week)
                idx = sorted((p for p in ov.pieces if j in p.team), key=lambda p: (p.day, p.a))
                by_end = {(p.day, p.b): p for p in idx}
                by_start = {(p.day, p.a): p for p in idx}
                want = min(need, dm.e - dm.s)
                for p in idx:
                    prev = by_end.get((p.day, p.a))
                    t = p.team[j]
                    start = t if prev is None else m.model.new_bool_var(f"team_start[{oi},{j},{p.a}]")
                    if prev is not None:
                        m.model.add(start >= t - prev.team[j])
                    if p.a + want > dm.e and p.a != dm.s:
                        m.require(self.name, oi, start == 0, week=week)
                        continue
                    covered = p.b
                    while covered < p.a + want:
                        nxt = by_start.get((p.day, covered))
                        if nxt is None:
                            m.require(self.name, oi, start == 0, week=week)
                            break
                        m.require(self.name, oi, nxt.team[j] >= start, week=week)
                        covered = nxt.b


class TeamDemandOfficers(Rule):
    """Hard rule: at most ``team_demand.max_extra_officers`` (1) more officers take part in a team demand window than
    it asks for at once.

    Source: planners' practice (few hand-overs; an event knows who is there). Amount: officers over the limit.
    """

    name = "team_demand_officers"
    source = "planners' practice: few hand-overs"

    def words(self, cfg: Config) -> str:
        return f"at most {cfg.team_demand.max_extra_officers} officer(s) more on a team demand than it asks"

    def check(self, tl: Timeline) -> list[Breach]:
        extra = tl.cfg.team_demand.max_extra_officers
        out: list[Breach] = []
        blocks = [b for oid, bs in tl.blocks.items() for b in bs if not b.history and b.task]
        for dm in team_windows(tl):
            if not tl.checked(dm.start.date()):
                continue
            who = sorted({b.officer_id for b in blocks if serves(b, dm) and of_team(tl, b.officer_id, dm)})
            if len(who) > dm.cap + extra:
                for oid in who:
                    out.append(Breach(self.name, oid, range_text(dm.start, dm.end),
                                      f"{oid}: one of {len(who)} officers on {dm.name} {day_text(dm.start.date())} "
                                      f"{range_text(dm.start, dm.end, short=True)}; it asks {dm.officers:g}, at most "
                                      f"{dm.cap + extra} take part", float(len(who) - dm.cap - extra),
                                      monday_of(dm.start.date())))
        return out

    def encode(self, m: ModelCtx) -> None:
        extra = m.cfg.team_demand.max_extra_officers
        for j, dm in enumerate(m.inst.demands):
            if dm.kind == "presence":
                continue
            week = monday_of(dm.start.date())
            uses: list[tuple[int, Any]] = []
            for oi, ov in enumerate(m.officers):
                if dm.team and ov.facts.team != dm.team:
                    continue  # another team's demand
                if any(serves(r, dm) for e in ov.plan_entries() if e.fixed is not None for r in e.fixed.blocks):
                    uses.append((oi, 1))
                    continue
                ts = [p.team[j] for p in ov.pieces if j in p.team]
                if not ts:
                    continue
                u = m.model.new_bool_var(f"on_team[{ov.facts.officer_id},{dm.id}]")
                for t in ts:
                    m.model.add_implication(t, u)
                uses.append((oi, u))
            if len(uses) > dm.cap + extra:
                total = sum(u for _, u in uses)
                for oi, u in uses:
                    m.require(self.name, oi, total <= dm.cap + extra, [u], week)


def centroids(ds: Any) -> dict[str, tuple[float, float]]:
    """Centroid (RD New metres) of every wijk, for travel times."""
    geo = ds.wijken.geometry.centroid
    return {code: (p.x, p.y) for code, p in zip(ds.wijken["wijk_code"], geo, strict=True)}


def travel_minutes(cfg: Config, cents: dict[str, tuple[float, float]], home: str, place: str) -> int:
    """Minutes to travel from the officer's first wijk to a team demand's wijk: the centroids' straight distance at
    ``travel.speed_kmh``, rounded up to ``travel.round_min``; 0 in the own wijk, without a place or speed."""
    speed, step = cfg.travel.speed_kmh, cfg.travel.round_min
    if not place or place == home or speed <= 0 or home not in cents or place not in cents:
        return 0
    (x0, y0), (x1, y1) = cents[home], cents[place]
    km = ((x1 - x0) ** 2 + (y1 - y0) ** 2) ** 0.5 / 1000
    raw = km / speed * 60
    return int(-(-raw // step) * step) if raw > 0 else 0


class TravelTime(Rule):
    """Hard rule: between own-wijk work and team demand in another wijk (an event with a ``wijk_code``), at least the
    travel time lies in between, as a ``travel`` block: the straight distance between the wijken's centroids at
    ``travel.speed_kmh`` (30 km/h), rounded up to ``travel.round_min`` (5) minutes.

    Source: planners' practice (no officer hops into another gemeente for an hour mid-shift). The travel comes out
    of the team stretch (the officer leaves the wijk when the stretch starts), so it is never wijk time. A stretch
    at the start or end of a shift needs none (travel to and from work). Amount: hours short of the travel time.
    """

    name = "travel_time"
    source = "planners' practice: travel between wijken"

    def applies(self, cfg: Config) -> bool:
        return cfg.travel.speed_kmh > 0

    def words(self, cfg: Config) -> str:
        return f"travel time to team demand elsewhere (at {cfg.travel.speed_kmh:g} km/h)"

    def check(self, tl: Timeline) -> list[Breach]:
        cents = centroids(tl.ds)
        out: list[Breach] = []
        for oid, shifts in tl.shifts.items():
            home = tl.officers[oid]["wijken"][0]
            for sh in shifts:
                if not any(not b.history and tl.checked(b.date) for b in sh.blocks):
                    continue
                bs = sorted(sh.blocks, key=lambda b: b.start)
                for i, b in enumerate(bs):
                    if b.activity not in ("noodhulp", "event") or not b.wijk_code:
                        continue
                    need = travel_minutes(tl.cfg, cents, home, b.wijk_code)
                    if not need:
                        continue
                    for side, k in (("to", i - 1), ("from", i + 1)):
                        got = _travel_between(bs, i, k)
                        if got is not None and got < need:
                            out.append(Breach(self.name, oid, range_text(b.start, b.end),
                                              f"{oid}: {h(got)} h travel {side} {b.task or b.activity} in "
                                              f"{b.wijk_code} ({range_text(b.start, b.end, short=True)}); "
                                              f"{h(need)} h from the own wijk", hours(need - got),
                                              monday_of(b.date)))
        return out

    def encode(self, m: ModelCtx) -> None:
        """A team stretch that starts (ends) next to own-wijk work of the same shift holds the travel time at its
        start (end): the pieces over those minutes are team work too. The switch literals also reduce the
        demand's coverage (soft rule ``team_demand``), since travel is not presence at the event."""
        inst = m.inst
        cents = centroids(inst.ds)
        for oi, ov in enumerate(m.officers):
            home = ov.facts.primary
            for e in ov.plan_entries():  # given shifts: the check's own test on their blocks
                if e.fixed is None:
                    continue
                bs = sorted((_RowBlock(r) for r in e.fixed.blocks), key=lambda b: b.start)
                for i, b in enumerate(bs):
                    need = travel_minutes(inst.cfg, cents, home, b.wijk_code) if b.activity in (
                        "noodhulp", "event") else 0
                    for k in (i - 1, i + 1) if need else ():
                        got = _travel_between(bs, i, k)
                        m.require(self.name, oi, got is None or got >= need, week=e.monday)
            by_start = {(p.day, p.a): p for p in ov.pieces}
            by_end = {(p.day, p.b): p for p in ov.pieces}
            for j, dm in enumerate(inst.demands):
                if dm.kind == "presence":
                    continue
                need = travel_minutes(inst.cfg, cents, home, dm.wijk_code)
                if not need:
                    continue
                week = monday_of(dm.start.date())
                for p in [q for q in ov.pieces if j in q.team]:
                    e = ov.entries[p.day]
                    for side in ("in", "out"):
                        edge = p.a if side == "in" else p.b
                        near = by_end.get((p.day, p.a)) if side == "in" else by_start.get((p.day, p.b))
                        same = near.team.get(j, 0) if near is not None else 0
                        own = _own_at(inst, e, near, edge, side)
                        if isinstance(own, int) and own == 0:
                            continue
                        sw = m.model.new_bool_var(f"travel_{side}[{ov.facts.officer_id},{dm.id},{p.a}]")
                        m.model.add(sw >= p.team[j] + own - 1 - same)
                        m.travel.setdefault(j, []).append((sw, need))
                        # The travel minutes lie inside the stretch: team work over [edge, edge +/- need).
                        covered = 0
                        cur: Any = p
                        while covered < need:
                            if cur is None:
                                m.require(self.name, oi, sw == 0, week=week)
                                break
                            m.require(self.name, oi, cur.team.get(j, 0) >= sw, week=week)
                            covered += cur.minutes
                            cur = by_start.get((p.day, cur.b)) if side == "in" else by_end.get((p.day, cur.a))


class _RowBlock:
    """A roster row (dict) read like a timeline block."""

    def __init__(self, r: dict) -> None:
        self.start, self.end = r["start"], r["end"]
        self.activity = str(r["activity"])
        self.wijk_code = str(r.get("wijk_code") or "")
        self.minutes = int((self.end - self.start).total_seconds() // 60)


def _own_at(inst: Any, e: Any, near: Any, edge: int, side: str) -> Any:
    """1 when the officer does own-wijk work right before (``in``) or after (``out``) ``edge`` in the shift ``e``."""
    if near is not None:
        return near.on - sum(near.team.values()) if near.team else near.on
    minute = edge - 1 if side == "in" else edge
    if any(inst.m(fb.start) <= minute < inst.m(fb.end) for fb in e.duties):
        return 0
    lits = [x for c, x in e.choices if (c.s < edge <= c.e if side == "in" else c.s <= edge < c.e)]
    return sum(lits) if lits else 0


def _travel_between(bs: list[Any], i: int, k: int) -> int | None:
    """Travel minutes between block i and its neighbour at k (None when the neighbour is not own-wijk work)."""
    step = -1 if k < i else 1
    travel = 0
    j = k
    while 0 <= j < len(bs):
        b = bs[j]
        if (step < 0 and b.end != bs[j - step].start) or (step > 0 and b.start != bs[j - step].end):
            return None  # not touching: another shift part
        if b.activity == "travel":
            travel += b.minutes
            j += step
            continue
        return travel if b.activity == "wijk" else None
    return None
