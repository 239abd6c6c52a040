"""The same rules for Timefold Solver for Python 1.24.0b0 (a discontinued beta, a slow bridge to the JVM).

Model
-----
Input is the Instance planner builds (``build_instance(load_dataset(data), parse_week(week))``): the same slots,
segments, demand windows and officers' facts, so every shift a peer can pick is one planner could pick.

Planning entities (granularity = planner's own: one shift a day, each shift cut into planner's segments, each
segment into ``solver.resolution_min`` chunks, exactly the units of planner's ``pres``/``team`` variables):

* ``ShiftAssignment`` per (officer, day) that still has an allowed slot: variable ``slot`` is one of that
  officer's allowed slots of that day (entity value range: absences, night exemption and fixed days are left out
  of the range exactly as planner leaves them out of its domains) or unassigned (= off).
* ``TaskChunk`` per (officer, day, segment time, k < segment minutes // resolution) where the officer could have a
  real choice: variable ``choice`` is one of the presence windows of the officer's own wijken or one of the team
  demands (noodhulp, event) covering that segment, or unassigned (= plain own-wijk time). A chunk counts only
  when the officer's shift of that day contains its segment (a join with the ShiftAssignment). A chunk whose only
  choice is one presence window is not an entity: it counts for that window whenever the shift covers it. Left
  over minutes of a segment (segment minutes mod resolution) are own-wijk time that covers nothing, as in planner.

Known work (history shifts, fixed blocks such as training or court) is a pinned ShiftAssignment (``PlanningPin``)
with its one fixed value, so every rule joins it like any shift.

Hard constraint streams (named after ``HARD_RULES``; one hard point per violated instance, or per started hour for
the hour rules, so that local search sees how far a roster is from holding):

* ``one_shift_per_day``: exact (one entity per day; a day with a fixed block has no free entity).
* ``contract_hours``, ``week_hours``, ``avg_week_hours``: exact (worked minutes = shifts + fixed blocks, grouped
  per officer; the 4- and 16-week averages use the same known history weeks).
* ``daily_rest``: exact, as three streams: a gap under the reduced rest (pairs of the officer's items),
  ``daily_rest_reductions`` (more reduced rests after a day shift in any 7-day window than allowed) and
  ``rest_after_night`` (more reduced rests after a late night in the week than allowed).
* ``weekly_rest``: exact, planner's reading by days (a day holds the rest when nothing is on it and the gap from
  the day before to the day after is 36 h; each window k..k+6 needs such a day in k+1..k+7).
* ``rest_after_night_series``, ``consecutive_shifts_with_night``, ``max_nights_16w``: exact (joins over the
  officer's items and day windows, the same arithmetic as planner's constraints on concrete shifts).
* night exemption, absences (banned slots), fixed blocks: exact, in the value ranges.
* ``own_wijk_share``: exact (own minutes = shift minutes − resolution × team chunks, with the same history window).

Soft constraint streams, with planner's own coefficients (``planner.solver.soft._coef`` over
``ds.config.weights``), so Timefold's soft score is −60 × planner's objective of the same choices:

* ``presence_demand`` / ``team_demand``: per demand coef × max(0, wanted − Σ_moments min(resolution × chunks,
  ⌊officers × segment minutes⌋)): the same per-moment cap as planner.
* ``hours_deviation``: coef × |worked − available| per officer.
* ``fair_nights`` / ``fair_evenings`` / ``fair_weekends``: coef × 60 × the busiest eligible officer's count.
* ``wished_day_off``: coef × 60 per shift on a wished day off.

Stricter than planner in one place: a chunk left unassigned (plain own-wijk time) covers nothing in Timefold's
score, while planner's roster writes that time in the officer's first wijk, where planner may count it for a
presence window of that wijk. So planner's objective of the peer's roster can be lower than Timefold's own score
/ 60, never higher. Pinned shifts (re-planning) are not supported: the peer plans a fresh week. The checker has the
last word either way.

Scoring: the best solution becomes planner's roster through planner's own ``extract_roster`` (values for planner's
``x``/``pres``/``team`` variables), so fixed blocks and the roster layout are exactly planner's. ``breaches`` is
planner's checker; ``objective`` is ``planner_objective``: planner's model over the same Instance with every shift
fixed to the roster's and each segment's counted presence/team minutes bounded by the roster's minutes of that
wijk/task, minimised by CP-SAT (only the penalty variables are left; their sum is the roster's objective under
planner's rules; tests/test_peer_timefold.py checks it returns planner's objective for planner's roster).
``solve_week(pins=roster, frozen_before=...)`` was not used: with every slot frozen the wished-day-off terms
vanish (they are defined over free shifts only) and pinned coverage counts per demand window rather than per moment.

Search: Timefold's default construction heuristic (per entity class) then its default local search (late
acceptance), one thread (the community edition has no move threads), ``environment_mode`` NON_REPRODUCIBLE (no
asserts). Tabu search was tried (``SEARCH = "TABU_SEARCH"``): worse at 10 s on the demo. Facts are
``dataclass(eq=False)``: with dataclass equality every group-by key compared field by field through the bridge
(50 moves/s instead of about 600).

Run as a script so each peer has its own process: ``python -m benchmarks.peers.timefold_peer DATA WEEK SECONDS``
prints one JSON line.
"""

from __future__ import annotations

import datetime as dt
import json
import sys
import time
from dataclasses import dataclass, field
from importlib.metadata import version
from typing import Annotated, Any

import pandas as pd
from ortools.sat.python import cp_model

from planner.checker import check_roster
from planner.dataset import Dataset, load_dataset
from planner.solver.extract import extract_roster
from planner.solver.instance import Instance, build_instance
from planner.solver.model import build_model
from planner.solver.soft import _coef, _is_evening
from planner.timeutil import is_night, local, minutes_between, parse_week

_T_IMPORT = time.perf_counter()  # before the JVM starts (the timefold imports below start it)
PEER = "Timefold Solver for Python 1.24.0b0 (discontinued beta, JVM bridge)"
#: The local search type; None keeps Timefold's default phases (late acceptance). See the module docstring.
SEARCH: str | None = None

from timefold.solver import SolverFactory  # noqa: E402
from timefold.solver.config import (  # noqa: E402
    Duration,
    EnvironmentMode,
    ScoreDirectorFactoryConfig,
    SolverConfig,
    TerminationConfig,
)
from timefold.solver.domain import (  # noqa: E402
    PlanningEntityCollectionProperty,
    PlanningId,
    PlanningPin,
    PlanningScore,
    PlanningVariable,
    ProblemFactCollectionProperty,
    ValueRangeProvider,
    planning_entity,
    planning_solution,
)
from timefold.solver.score import (  # noqa: E402
    ConstraintCollectors,
    ConstraintFactory,
    HardSoftScore,
    Joiners,
    constraint_provider,
)


# --------------------------------------------------------------------------- domain
# Everything a constraint lambda reads is a plain int/bool attribute of a fact or entity: Timefold's Python bridge
# translates the lambdas to JVM bytecode and copes badly with closures and with globals that hold Python objects.
@dataclass(eq=False)
class OfficerFact:
    id: Annotated[str, PlanningId]
    idx: int
    avail: int  # available minutes
    hi: int  # contract hours: most minutes
    lo: int  # contract hours: fewest minutes
    week_cap: int
    avg4_past: int  # worked minutes of the known weeks of the 4-week average (cap 0: no such weeks)
    avg4_cap: int
    avg16_past: int
    avg16_cap: int
    norm_den: int
    norm_const: int  # den × own minutes of the norm window's history − num × window's available minutes
    dev_coef: int
    fair_coef: int
    fair_nights: bool
    fair_evenings: bool
    fair_weekends: bool
    daily_red: int  # daily-rest reductions per 7 × 24 h
    night_red: int  # rest-after-late-night reductions per week
    weekly_need: int  # weekly rest minutes (0: rule off)
    horizon_end: int  # epoch minute of the end of the roster week
    series_n: int
    series_need: int
    consec_limit: int
    nights_limit: int


@dataclass(eq=False)
class SlotOption:
    """A shift an officer may work, or a known piece of work (fixed block, history shift) on a pinned entity."""

    id: Annotated[str, PlanningId]
    oi: int
    si: int  # planner's slot index (-1: a fixed block or history shift)
    day: int  # day relative to the roster week's Monday (negative: history)
    start: int  # epoch minutes
    end: int
    worked: int  # minutes that count as worked this week (history: 0)
    own: int  # minutes that count as own wijk before team work (a slot: its minutes; fixed blocks: 0)
    night: bool
    late: bool
    hist: bool
    is_slot: bool
    evening: bool
    weekend: bool
    need: int  # daily rest after this item (minutes)
    floor: int  # the reduced daily rest after it
    fixed_units: list  # Moment per chunk with one presence choice only


@dataclass(eq=False)
class DemandFact:
    id: Annotated[str, PlanningId]
    j: int
    team: bool
    coef: int
    wanted: int


@dataclass(eq=False)
class Moment:
    id: Annotated[str, PlanningId]
    demand: DemandFact
    cap: int  # int(officers × segment minutes)
    r: int  # resolution minutes


@dataclass(eq=False)
class ChunkOption:
    id: Annotated[str, PlanningId]
    moment: Moment
    team: bool


@dataclass(eq=False)
class Window:
    """A window of days: [first, last] relative to Monday; ``kind`` 'daily' (7 × 24 h), 'weekly', 'consec'."""

    id: Annotated[str, PlanningId]
    kind: str
    first: int
    last: int
    size: int  # days of the window inside the horizon


@planning_entity
@dataclass(eq=False)
class ShiftAssignment:
    id: Annotated[str, PlanningId]
    officer: OfficerFact
    od: int  # officer index × 100 + day + 50
    wish_cost: int  # cost of working this day (a wished day off), else 0
    options: Annotated[list[SlotOption], ValueRangeProvider(id="slotRange"), field(default_factory=list)]
    slot: Annotated[
        SlotOption | None, PlanningVariable(value_range_provider_refs=["slotRange"], allows_unassigned=True)
    ] = None
    pinned: Annotated[bool, PlanningPin] = False


@planning_entity
@dataclass(eq=False)
class TaskChunk:
    id: Annotated[str, PlanningId]
    officer: OfficerFact
    od: int
    start: int  # the segment's epoch minutes
    end: int
    r: int
    options: Annotated[list[ChunkOption], ValueRangeProvider(id="chunkRange"), field(default_factory=list)]
    choice: Annotated[
        ChunkOption | None, PlanningVariable(value_range_provider_refs=["chunkRange"], allows_unassigned=True)
    ] = None


@planning_solution
@dataclass(eq=False)
class Week:
    officers: Annotated[list[OfficerFact], ProblemFactCollectionProperty]
    slot_options: Annotated[list[SlotOption], ProblemFactCollectionProperty]
    demands: Annotated[list[DemandFact], ProblemFactCollectionProperty]
    moments: Annotated[list[Moment], ProblemFactCollectionProperty]
    chunk_options: Annotated[list[ChunkOption], ProblemFactCollectionProperty]
    windows: Annotated[list[Window], ProblemFactCollectionProperty]
    shifts: Annotated[list[ShiftAssignment], PlanningEntityCollectionProperty]
    chunks: Annotated[list[TaskChunk], PlanningEntityCollectionProperty]
    score: Annotated[HardSoftScore | None, PlanningScore] = None


# --------------------------------------------------------------------------- constraints
def _hours(minutes: int) -> int:
    return (minutes + 59) // 60


def _before(a: ShiftAssignment, b: ShiftAssignment) -> bool:
    """a then b on a later day, the pair planner's daily rest looks at (ties on start: planner's sort order)."""
    return a.slot.start <= b.slot.start and b.slot.day > a.slot.day


def _gap(a: ShiftAssignment, b: ShiftAssignment) -> int:
    return b.slot.start - a.slot.end


def _set2(a: ShiftAssignment, b: ShiftAssignment) -> bool:
    """Both assigned: a join's filter also sees tuples whose entity was just unassigned (Bavet updates)."""
    return a.slot is not None and b.slot is not None


def _night_between(e: ShiftAssignment, f: ShiftAssignment, g: ShiftAssignment) -> bool:
    """g is a night between e and f (if_not_exists also tests tuples whose entity was just unassigned)."""
    if e.slot is None or f.slot is None or g.slot is None:
        return False
    return g.slot.night and e.slot.day < g.slot.day < f.slot.day


def _covered(c: TaskChunk, s: ShiftAssignment) -> bool:
    return s.slot is not None and s.slot.is_slot and s.slot.start <= c.start and c.end <= s.slot.end


def _worked(cf: ConstraintFactory) -> Any:
    base = cf.for_each(OfficerFact).map(lambda o: o, lambda o: 0)
    shifts = cf.for_each(ShiftAssignment).map(lambda s: s.officer, lambda s: s.slot.worked)
    return base.concat(shifts).group_by(lambda o, w: o, ConstraintCollectors.sum(lambda o, w: w))


def _short_pairs(cf: ConstraintFactory) -> Any:
    """(a, b): b follows a with less than the full daily rest (the reduced band, or two history shifts)."""
    return (cf.for_each(ShiftAssignment)
            .join(cf.for_each(ShiftAssignment), Joiners.equal(lambda a: a.officer, lambda b: b.officer),
                  Joiners.filtering(lambda a, b: a is not b and _set2(a, b) and _before(a, b)
                                    and _gap(a, b) < a.slot.need
                                    and (_gap(a, b) >= a.slot.floor or (a.slot.hist and b.slot.hist)))))


def _coverage_units(cf: ConstraintFactory) -> Any:
    fixed = (cf.for_each(ShiftAssignment).filter(lambda s: len(s.slot.fixed_units) > 0)
             .flatten_last(lambda s: s.slot.fixed_units))
    chosen = (cf.for_each(TaskChunk)
              .join(cf.for_each(ShiftAssignment), Joiners.equal(lambda c: c.od, lambda s: s.od),
                    Joiners.filtering(_covered))
              .map(lambda c, s: c.choice.moment))
    return fixed.concat(chosen)


def _coverage(units: Any, cf: ConstraintFactory, team: bool) -> Any:
    covered = (units.group_by(lambda u: u, ConstraintCollectors.count())
               .map(lambda u, k: u.demand, lambda u, k: min(u.r * k, u.cap)))
    base = cf.for_each(DemandFact).map(lambda d: d, lambda d: 0)
    out = (base.concat(covered).group_by(lambda d, c: d, ConstraintCollectors.sum(lambda d, c: c))
           .filter(lambda d, c: c < d.wanted))
    return out.filter(lambda d, c: d.team) if team else out.filter(lambda d, c: not d.team)


@constraint_provider
def roster_constraints(cf: ConstraintFactory) -> list:
    worked = _worked(cf)
    shorts = _short_pairs(cf)
    units = _coverage_units(cf)
    out = [
        # --- hard: one entry per planner HARD_RULES name
        cf.for_each_unique_pair(ShiftAssignment, Joiners.equal(lambda s: s.officer))
        .filter(lambda a, b: a.slot.day == b.slot.day and a.slot.day >= 0)
        .penalize(HardSoftScore.ONE_HARD).as_constraint("one_shift_per_day"),
        worked.filter(lambda o, w: w > o.hi or w < o.lo)
        .penalize(HardSoftScore.ONE_HARD, lambda o, w: _hours(max(w - o.hi, o.lo - w)))
        .as_constraint("contract_hours"),
        worked.filter(lambda o, w: w > o.week_cap)
        .penalize(HardSoftScore.ONE_HARD, lambda o, w: _hours(w - o.week_cap))
        .as_constraint("week_hours"),
        worked.filter(lambda o, w: (o.avg4_cap > 0 and w + o.avg4_past > o.avg4_cap)
                      or (o.avg16_cap > 0 and w + o.avg16_past > o.avg16_cap))
        .penalize(HardSoftScore.ONE_HARD, lambda o, w: 1)
        .as_constraint("avg_week_hours"),
        # daily rest: a gap under the reduced rest (not between two history shifts) ...
        cf.for_each(ShiftAssignment)
        .join(cf.for_each(ShiftAssignment), Joiners.equal(lambda a: a.officer, lambda b: b.officer),
              Joiners.filtering(lambda a, b: a is not b and _set2(a, b) and _before(a, b) and _gap(a, b) < a.slot.floor
                                and not (a.slot.hist and b.slot.hist)))
        .penalize(HardSoftScore.ONE_HARD).as_constraint("daily_rest"),
        # ... more reduced rests after a day shift in a 7-day window than allowed ...
        shorts.filter(lambda a, b: _set2(a, b) and not a.slot.late)
        .join(Window, Joiners.filtering(lambda a, b, w: w.kind == "daily" and _set2(a, b)
                                 and w.first <= b.slot.day <= w.last))
        .group_by(lambda a, b, w: a.officer, lambda a, b, w: w, ConstraintCollectors.count_tri(),
                  ConstraintCollectors.max(lambda a, b, w: b.slot.day))
        .filter(lambda o, w, n, last: last >= 0 and n > o.daily_red)
        .penalize(HardSoftScore.ONE_HARD).as_constraint("daily_rest_reductions"),
        # ... or after a late night in the week
        shorts.filter(lambda a, b: _set2(a, b) and a.slot.late and b.slot.day >= 0)
        .group_by(lambda a, b: a.officer, ConstraintCollectors.count_bi())
        .filter(lambda o, n: n > o.night_red)
        .penalize(HardSoftScore.ONE_HARD).as_constraint("rest_after_night"),
        # weekly rest: every window k..k+6 needs a day in k+1..k+7 that holds 36 h of rest
        _weekly_blockers(cf)
        .join(Window, Joiners.filtering(lambda o, d, w: w.kind == "weekly" and w.first <= d <= w.last))
        .group_by(lambda o, d, w: o, lambda o, d, w: w, ConstraintCollectors.count_distinct(lambda o, d, w: d))
        .filter(lambda o, w, n: o.weekly_need > 0 and n >= w.size)
        .penalize(HardSoftScore.ONE_HARD).as_constraint("weekly_rest"),
        # rest after a series of n nights: e ends the series, f starts within the rest, no night in between
        cf.for_each(ShiftAssignment).filter(lambda e: e.slot.night)
        .join(cf.for_each(ShiftAssignment), Joiners.equal(lambda e: e.officer, lambda f: f.officer),
              Joiners.filtering(lambda e, f: _set2(e, f)
                                and e.slot.start < f.slot.start < e.slot.end + e.officer.series_need
                                and not (f.slot.night and f.slot.day == e.slot.day + 1)
                                and not (e.slot.hist and f.slot.hist)))
        .if_not_exists(cf.for_each(ShiftAssignment), Joiners.equal(lambda e, f: e.officer, lambda g: g.officer),
                       Joiners.filtering(_night_between))
        .join(cf.for_each(ShiftAssignment), Joiners.equal(lambda e, f: e.officer, lambda g: g.officer),
              Joiners.filtering(lambda e, f, g: _set2(e, f) and g.slot is not None and g.slot.night
                                and e.slot.day - e.officer.series_n < g.slot.day < e.slot.day))
        .group_by(lambda e, f, g: e, lambda e, f, g: f, ConstraintCollectors.count_distinct(lambda e, f, g: g.slot.day))
        .filter(lambda e, f, n: n >= e.officer.series_n - 1)
        .penalize(HardSoftScore.ONE_HARD).as_constraint("rest_after_night_series"),
        # at most limit shifts in a row when one is a night: a window of limit+1 worked days with a night
        cf.for_each(ShiftAssignment)
        .join(Window, Joiners.filtering(lambda s, w: w.kind == "consec" and s.slot is not None
                                 and w.first <= s.slot.day <= w.last))
        .group_by(lambda s, w: s.officer, lambda s, w: w, ConstraintCollectors.count_distinct(lambda s, w: s.slot.day),
                  ConstraintCollectors.sum(lambda s, w: 1 if s.slot.night else 0))
        .filter(lambda o, w, n, nights: n > o.consec_limit and nights > 0)
        .penalize(HardSoftScore.ONE_HARD, lambda o, w, n, nights: nights)
        .as_constraint("consecutive_shifts_with_night"),
        cf.for_each(ShiftAssignment).filter(lambda s: s.slot.night and s.slot.day >= -105)
        .group_by(lambda s: s.officer, ConstraintCollectors.count(),
                  ConstraintCollectors.sum(lambda s: 0 if s.slot.hist else 1))
        .filter(lambda o, n, new: new > 0 and n > o.nights_limit)
        .penalize(HardSoftScore.ONE_HARD, lambda o, n, new: n - o.nights_limit).as_constraint("max_nights_16w"),
        # own-wijk share: den × (own + past own) ≥ num × window available; own = shift minutes − team chunks
        cf.for_each(OfficerFact).map(lambda o: o, lambda o: o.norm_const)
        .concat(cf.for_each(ShiftAssignment).map(lambda s: s.officer, lambda s: s.officer.norm_den * s.slot.own))
        .concat(cf.for_each(TaskChunk).filter(lambda c: c.choice.team)
                .join(cf.for_each(ShiftAssignment), Joiners.equal(lambda c: c.od, lambda s: s.od),
                      Joiners.filtering(_covered))
                .map(lambda c, s: c.officer, lambda c, s: -c.officer.norm_den * c.r))
        .group_by(lambda o, v: o, ConstraintCollectors.sum(lambda o, v: v))
        .filter(lambda o, v: v < 0)
        .penalize(HardSoftScore.ONE_HARD, lambda o, v: _hours((-v + o.norm_den - 1) // o.norm_den))
        .as_constraint("own_wijk_share"),
        # --- soft: planner's objective terms with planner's coefficients
        _coverage(units, cf, False).penalize(HardSoftScore.ONE_SOFT, lambda d, c: d.coef * (d.wanted - c))
        .as_constraint("presence_demand"),
        _coverage(units, cf, True).penalize(HardSoftScore.ONE_SOFT, lambda d, c: d.coef * (d.wanted - c))
        .as_constraint("team_demand"),
        worked.filter(lambda o, w: w != o.avail)
        .penalize(HardSoftScore.ONE_SOFT, lambda o, w: o.dev_coef * abs(w - o.avail))
        .as_constraint("hours_deviation"),
        cf.for_each(ShiftAssignment).filter(lambda s: s.slot.is_slot and s.slot.night and s.officer.fair_nights)
        .group_by(lambda s: s.officer, ConstraintCollectors.count())
        .group_by(ConstraintCollectors.max(lambda o, k: o.fair_coef * k))
        .penalize(HardSoftScore.ONE_SOFT, lambda k: k).as_constraint("fair_nights"),
        cf.for_each(ShiftAssignment).filter(lambda s: s.slot.is_slot and s.slot.evening and s.officer.fair_evenings)
        .group_by(lambda s: s.officer, ConstraintCollectors.count())
        .group_by(ConstraintCollectors.max(lambda o, k: o.fair_coef * k))
        .penalize(HardSoftScore.ONE_SOFT, lambda k: k).as_constraint("fair_evenings"),
        cf.for_each(ShiftAssignment).filter(lambda s: s.slot.is_slot and s.slot.weekend and s.officer.fair_weekends)
        .group_by(lambda s: s.officer, ConstraintCollectors.count())
        .group_by(ConstraintCollectors.max(lambda o, k: o.fair_coef * k))
        .penalize(HardSoftScore.ONE_SOFT, lambda k: k).as_constraint("fair_weekends"),
        cf.for_each(ShiftAssignment).filter(lambda s: s.slot.is_slot and s.wish_cost > 0)
        .penalize(HardSoftScore.ONE_SOFT, lambda s: s.wish_cost).as_constraint("wished_day_off"),
    ]
    return out


def _weekly_blockers(cf: ConstraintFactory) -> Any:
    """(officer, day) for each day that cannot hold the weekly rest: worked, squeezed, or the week's tail."""
    worked = cf.for_each(ShiftAssignment).map(lambda s: s.officer, lambda s: s.slot.day)
    squeezed = (cf.for_each(ShiftAssignment)
                .join(cf.for_each(ShiftAssignment), Joiners.equal(lambda a: a.officer, lambda b: b.officer),
                      Joiners.filtering(lambda a, b: _set2(a, b) and b.slot.day == a.slot.day + 2
                                        and b.slot.start - a.slot.end < a.officer.weekly_need))
                .map(lambda a, b: a.officer, lambda a, b: a.slot.day + 1))
    tail = (cf.for_each(ShiftAssignment)
            .filter(lambda s: s.slot.day == 5 and s.officer.horizon_end - s.slot.end < s.officer.weekly_need)
            .map(lambda s: s.officer, lambda s: 6))
    return worked.concat(squeezed).concat(tail)


# --------------------------------------------------------------------------- Instance -> Timefold problem
def _epoch(t: dt.datetime) -> int:
    return int(t.timestamp() // 60)


def _seg_key(seg: Any) -> str:
    """A segment's time as "start|end" in epoch minutes."""
    return f"{_epoch(seg.start)}|{_epoch(seg.end)}"


def _is_evening_slot(inst: Instance, sl: Any) -> bool:
    class _C:  # planner's _is_evening reads ctx.inst.cfg.tz only
        pass

    c = _C()
    c.inst = inst  # type: ignore[attr-defined]
    return _is_evening(c, sl.date, sl.end, sl.night)  # type: ignore[arg-type]


def build_problem(inst: Instance) -> Week:
    """The Instance as a Timefold planning problem (see the module docstring)."""
    from planner.solver.variables import _slot_allowed

    cfg = inst.cfg
    r = cfg.solver.resolution_min
    w = cfg.weights
    rules = cfg.rules
    tol = round(rules.contract_tolerance_hours * 60)
    frac = cfg.norm.fraction
    mon = inst.monday
    if any(o.pinned for o in inst.officers):
        raise ValueError("the Timefold peer plans a fresh week: pinned shifts are not supported")

    def m(h: float) -> int:
        return round(h * 60)

    def rest(late: bool) -> tuple[int, int]:
        if late:
            return m(rules.rest_after_late_night_hours), m(rules.rest_after_late_night_reduced_hours)
        return m(rules.daily_rest_hours), m(rules.daily_rest_reduced_hours)

    demands = [DemandFact(dm.id, j, dm.kind != "presence",
                          _coef(w.presence if dm.kind == "presence" else w.team, dm.factor), dm.wanted_minutes)
               for j, dm in enumerate(inst.demands)]
    moments: dict[tuple[int, str], Moment] = {}

    def moment(j: int, seg: Any) -> Moment:
        key = (j, _seg_key(seg))
        if key not in moments:
            moments[key] = Moment(f"M{j}|{key[1]}", demands[j], int(inst.demands[j].officers * seg.minutes), r)
        return moments[key]

    windows = [Window(f"daily{k}", "daily", k, k + 6, 7) for k in range(-6, 7)]
    windows += [Window(f"weekly{k}", "weekly", k + 1, min(k + 7, 6), min(k + 7, 6) - k) for k in range(-6, 1)]
    lim = rules.max_consecutive_shifts_with_night
    windows += [Window(f"consec{k}", "consec", k, k + lim, lim + 1) for k in range(-lim, 7 - lim)]
    horizon_end = _epoch(local(mon + dt.timedelta(days=7), dt.time(0), cfg.tz))
    officers, options, shifts, chunks, chunk_options = [], [], [], [], []
    for oi, o in enumerate(inst.officers):
        past = [h for h in o.history_weeks if h[0] < cfg.norm.window_weeks]
        avail_win = o.available_min + sum(h[2] for h in past)
        avg = {}
        for weeks, hours in ((4, rules.max_avg_week_hours_4w), (16, rules.max_avg_week_hours_16w)):
            known = [h for h in o.history_weeks if h[0] < weeks]
            avg[weeks] = (sum(h[1] for h in known), m(hours) * (len(known) + 1) if known else 0)
        of = OfficerFact(
            id=o.officer_id, idx=oi, avail=o.available_min, hi=o.available_min + tol,
            lo=max(0, o.available_min - tol), week_cap=m(rules.max_week_hours), avg4_past=avg[4][0],
            avg4_cap=avg[4][1], avg16_past=avg[16][0], avg16_cap=avg[16][1], norm_den=frac.denominator,
            norm_const=frac.denominator * sum(h[3] for h in past) - frac.numerator * avail_win,
            dev_coef=_coef(w.hours_deviation), fair_coef=_coef(w.fairness) * 60,
            fair_nights=not o.night_exempt and o.available_min > 0, fair_evenings=o.available_min > 0,
            fair_weekends=o.available_min > 0, daily_red=rules.daily_rest_reductions_per_7d,
            night_red=rules.rest_after_late_night_reductions_per_week, weekly_need=m(rules.weekly_rest_hours),
            horizon_end=horizon_end, series_n=rules.night_series_length,
            series_need=m(rules.rest_after_night_series_hours), consec_limit=lim, nights_limit=rules.max_nights_16w)
        officers.append(of)
        # Known work (history shifts, fixed blocks) as pinned entities, so the rules join it like any shift.
        known_items = [(wk.date, wk.start, wk.end, wk.night, wk.late_night, True, 0) for wk in o.history]
        known_items += [(fb.date, fb.start, fb.end, is_night(fb.start, fb.end, rules.night_min_minutes_00_06), False,
                         False, fb.minutes) for fb in o.fixed]
        for n, (date, start, end, night, late, hist, worked) in enumerate(known_items):
            need, floor = rest(late)
            so = SlotOption(f"K{oi}|{n}", oi, -1, (date - mon).days, _epoch(start), _epoch(end), worked, 0, night,
                            late, hist, False, False, False, need, floor, [])
            options.append(so)
            shifts.append(ShiftAssignment(f"K{oi}|{n}", of, -1, 0, [so], so, True))
        by_day: dict[int, list[SlotOption]] = {}
        chunk_choices: dict[tuple[int, str, int], tuple[list[int], Any]] = {}
        for si, sl in enumerate(inst.slots):
            if not _slot_allowed(o, sl):
                continue
            fixed_units = []
            for seg in sl.segments:
                choices = [j for j in seg.presence if inst.demands[j].wijk_code in o.wijken] + list(seg.team)
                for k in range(seg.minutes // r):
                    if len(choices) == 1 and inst.demands[choices[0]].kind == "presence":
                        fixed_units.append(moment(choices[0], seg))
                    elif choices:
                        chunk_choices.setdefault((sl.day, _seg_key(seg), k), (choices, seg))
            need, floor = rest(sl.late_night)
            so = SlotOption(f"S{oi}|{si}", oi, si, sl.day, _epoch(sl.start), _epoch(sl.end), sl.minutes, sl.minutes,
                            sl.night, sl.late_night, False, True, _is_evening_slot(inst, sl), sl.day >= 5, need, floor,
                            fixed_units)
            options.append(so)
            by_day.setdefault(sl.day, []).append(so)
        wish = _coef(w.wishes) * 60
        for day, opts in sorted(by_day.items()):
            shifts.append(ShiftAssignment(f"A{oi}|{day}", of, oi * 100 + day + 50, wish if day in o.wished_off else 0,
                                          opts))
        for (day, seg, k), (choices, segment) in sorted(chunk_choices.items(), key=lambda kv: kv[0]):
            opts = [ChunkOption(f"C{oi}|{day}|{seg}|{k}|{j}", moment(j, segment), inst.demands[j].kind != "presence")
                    for j in choices]
            chunk_options.extend(opts)
            chunks.append(TaskChunk(f"T{oi}|{day}|{seg}|{k}", of, oi * 100 + day + 50, _epoch(segment.start),
                                    _epoch(segment.end), r, opts))
    return Week(officers, options, demands, list(moments.values()), chunk_options, windows, shifts, chunks)


# --------------------------------------------------------------------------- Timefold solution -> planner roster
class _Values:
    """Looks like a CpSolver to ``extract_roster``: value() and boolean_value() from a dict of variable values."""

    def __init__(self, values: dict[int, int]) -> None:
        self.values = values

    def value(self, var: Any) -> int:
        return var if isinstance(var, int) else self.values.get(var.index, 0)

    def boolean_value(self, var: Any) -> bool:
        return bool(self.value(var))


def solution_values(inst: Instance, built: Any, week: Week) -> _Values:
    """Values of planner's x / pres / team variables that say what Timefold's solution says."""
    v = built.ctx.v
    r = inst.cfg.solver.resolution_min
    chosen = {c.id: c.choice for c in week.chunks}
    values: dict[int, int] = {}
    for s in week.shifts:
        if s.slot is None or not s.slot.is_slot:
            continue
        oi, si = s.slot.oi, s.slot.si
        sl = inst.slots[si]
        o = inst.officers[oi]
        values[v.x[oi, si].index] = 1
        for gi, seg in enumerate(sl.segments):
            choices = [j for j in seg.presence if inst.demands[j].wijk_code in o.wijken] + list(seg.team)
            for k in range(seg.minutes // r):
                tid = f"T{oi}|{sl.day}|{_seg_key(seg)}|{k}"
                if tid in chosen:
                    co = chosen[tid]
                    j = None if co is None else int(co.id.rsplit("|", 1)[1])
                elif len(choices) == 1 and inst.demands[choices[0]].kind == "presence":
                    j = choices[0]
                else:
                    j = None
                if j is None:
                    continue
                var = (v.team if inst.demands[j].kind != "presence" else v.pres)[oi, si, gi, j]
                values[var.index] = values.get(var.index, 0) + 1
    return _Values(values)


# --------------------------------------------------------------------------- planner's objective of any roster
def planner_objective(ds: Dataset, monday: dt.date, roster: pd.DataFrame, time_limit_s: float = 60) -> float | None:
    """planner's objective (weighted hours, objective / 60) of ``roster``: every shift fixed, coverage bounded.

    planner's model over the same Instance (no symmetry order, rules elastic so a breach does not make it
    infeasible): each slot's x is fixed to whether the roster works it; in each segment the minutes planner may
    count for presence in wijk W (for a team task) are at most the roster's minutes of wijk W (of that task) in
    that segment. CP-SAT then only settles the penalty variables: the sum of the soft terms is the roster's
    objective. None when a roster shift is not one of planner's offered slots (the checker names it).
    """
    inst = build_instance(ds, monday)
    built = build_model(inst, symmetry=False, allow_breaches=True)
    model, v = built.model, built.ctx.v
    r = inst.cfg.solver.resolution_min
    index = {o.officer_id: oi for oi, o in enumerate(inst.officers)}
    slot_of = {(sl.date, sl.code): si for si, sl in enumerate(inst.slots)}
    worked: set[tuple[int, int]] = set()
    minutes: dict[tuple[int, int, int, tuple[str, str]], int] = {}
    for b in roster.to_dict("records"):
        code = b.get("shift") or ""
        if not code or b["officer_id"] not in index:
            continue  # fixed blocks (training, court) are constants of the instance
        oi, si = index[b["officer_id"]], slot_of.get((b["date"], code))
        if si is None or (oi, si) not in v.x:
            return None
        worked.add((oi, si))
        key = ("wijk", b["wijk_code"] or "") if b["activity"] == "wijk" else (b["activity"], b.get("task") or "")
        for gi, seg in enumerate(inst.slots[si].segments):
            lo, hi = max(seg.start, b["start"]), min(seg.end, b["end"])
            if lo < hi:
                minutes[oi, si, gi, key] = minutes.get((oi, si, gi, key), 0) + minutes_between(lo, hi)
    for (oi, si), x in v.x.items():
        model.add(x == int((oi, si) in worked))
    groups: dict[tuple[int, int, int, tuple[str, str]], list[Any]] = {}
    for (oi, si, gi, j), p in v.pres.items():
        groups.setdefault((oi, si, gi, ("wijk", inst.demands[j].wijk_code)), []).append(p)
    for (oi, si, gi, j), t in v.team.items():
        dm = inst.demands[j]
        groups.setdefault((oi, si, gi, (dm.kind, dm.name)), []).append(t)
    for key, xs in groups.items():
        model.add(sum(xs) <= minutes.get(key, 0) // r)
    soft = [t for t in built.terms if t.rule not in ("breach", "norm_shortfall") and t.coef]
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    solver.parameters.max_time_in_seconds = time_limit_s
    if solver.solve(model) != cp_model.OPTIMAL:
        return None
    return sum(t.coef * solver.value(t.var) for t in soft) / 60


# --------------------------------------------------------------------------- run
def _config(seconds: float, seed: int, search: str | None) -> SolverConfig:
    """One thread, no asserts, ``seconds`` of solving; ``search`` names a local search type (None: the default)."""
    phases = ""
    if search:
        from timefold.solver._timefold_java_interop import get_class

        # With two entity classes each construction phase must name its class (the generated JVM class).
        ch = "".join(f"<constructionHeuristic><queuedEntityPlacer><entitySelector id='e{i}'><entityClass>"
                     f"{get_class(c).getName()}</entityClass></entitySelector><changeMoveSelector>"
                     f"<entitySelector mimicSelectorRef='e{i}'/></changeMoveSelector></queuedEntityPlacer>"
                     f"</constructionHeuristic>" for i, c in enumerate((ShiftAssignment, TaskChunk)))
        phases = ch + f"<localSearch><localSearchType>{search}</localSearchType></localSearch>"
    xml = ('<?xml version="1.0" encoding="UTF-8"?><solver xmlns="https://timefold.ai/xsd/solver">'
           + phases + "</solver>")
    return SolverConfig(
        solution_class=Week,
        entity_class_list=[ShiftAssignment, TaskChunk],
        score_director_factory_config=ScoreDirectorFactoryConfig(constraint_provider_function=roster_constraints),
        termination_config=TerminationConfig(spent_limit=Duration(milliseconds=round(seconds * 1000))),
        environment_mode=EnvironmentMode.NON_REPRODUCIBLE,
        random_seed=seed,
        xml_source_text=xml,
    )


def solve(ds: Dataset, monday: dt.date, seconds: float, seed: int = 0, search: str | None = SEARCH
          ) -> tuple[pd.DataFrame, str, float]:
    """Timefold's best roster for the week in ``seconds``: (roster, Timefold's own score, solve seconds)."""
    inst = build_instance(ds, monday)
    week = build_problem(inst)
    solver = SolverFactory.create(_config(seconds, seed, search)).build_solver()
    t0 = time.perf_counter()
    best = solver.solve(week)
    solve_s = time.perf_counter() - t0
    built = build_model(inst, symmetry=False)
    roster = extract_roster(inst, built, solution_values(inst, built, best))
    return roster, str(best.score), solve_s


def hard_score(score: str) -> int:
    """The hard part of a HardSoftScore string such as '0hard/-1234soft' (or '-2init/-1hard/...')."""
    return int(score.split("hard")[0].rsplit("/", 1)[-1])


def run(data: str, week: str, seconds: float, seed: int = 0, search: str | None = SEARCH,
        t_start: float | None = None) -> dict[str, Any]:
    """Solve with Timefold, then score its roster with planner's checker and objective (one JSON-able dict).

    ``seconds`` (wall) counts from ``t_start`` (the script passes the moment before the JVM started).
    """
    t0 = t_start if t_start is not None else time.perf_counter()
    ds = load_dataset(data)
    monday = parse_week(week)
    roster, claimed, solve_s = solve(ds, monday, seconds, seed, search)
    elapsed = time.perf_counter() - t0
    breaches = check_roster(ds, roster, weeks=[monday])
    return {
        "peer": PEER,
        "version": version("timefold"),
        "seconds": round(elapsed, 2),
        "solve_seconds": round(solve_s, 2),
        "status": "feasible (time limit)" if hard_score(claimed) == 0 else "hard score < 0 (time limit)",
        "bound": None,
        "objective_claimed": claimed,
        "objective": planner_objective(ds, monday, roster),
        "breaches": len(breaches),
        "breach_rules": sorted({b.rule for b in breaches}),
        "roster": roster,
    }


if __name__ == "__main__":
    out = run(sys.argv[1], sys.argv[2], float(sys.argv[3]), t_start=_T_IMPORT)
    out.pop("roster")
    print(json.dumps(out))
