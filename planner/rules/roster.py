"""Hard rules of the roster itself: valid rows, one shift a day, leave respected, duties held, shift lengths,
night exemption.

Limits that fit in variable domains live there: ``allows`` says which candidate shifts an officer may be offered
at all (the instance asks every rule); ``encode`` covers the given shifts (pinned ones) the domain cannot filter.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from planner.config import Config
from planner.hours import fixed_blocks
from planner.rules.base import Breach, Rule, day_text, h, hours, minutes, monday_of, range_text
from planner.timeutil import minutes_between

if TYPE_CHECKING:  # pragma: no cover
    from planner.rules.timeline import Timeline
    from planner.solver.context import ModelCtx
    from planner.solver.instance import Candidate


class OfficerDay:
    """What ``Rule.allows`` knows of an officer's day: exemption, leave and sickness spans, the day's duties."""

    def __init__(self, night_exempt: bool, away: list[tuple[dt.datetime, dt.datetime, str]], duties: list) -> None:
        self.night_exempt = night_exempt
        self.away = away
        self.duties = duties


class RosterRowsValid(Rule):
    """Hard rule: every row names a known officer and activity, a ``wijk`` block lies in an own wijk, blocks of one
    officer do not overlap, and touching blocks carry one date (they are one shift; two shifts never touch).

    Source: the roster.csv contract and the besluit Wijkagenten (a wijkagent is bound to his own wijk). Amount: 1 per
    unknown officer or activity; hours for a wijk block elsewhere or an overlap. The model holds it by construction
    (its blocks come from the officer's own wijken; two shifts of one officer never overlap or touch).
    """

    name = "roster_rows_valid"
    source = "roster.csv contract; besluit Wijkagenten"

    def words(self, cfg: Config) -> str:
        return "valid roster rows"

    def check(self, tl: Timeline) -> list[Breach]:
        out: list[Breach] = []
        known_acts = set(tl.cfg.activities)
        for b in tl.roster_blocks:
            if not tl.checked(b.date):
                continue
            where = f" (row {b.row})" if b.row is not None else ""
            week = monday_of(b.date)
            if b.officer_id not in tl.officers:
                out.append(Breach(self.name, b.officer_id, b.date.isoformat(),
                                  f"{b.officer_id}: officer '{b.officer_id}'{where} is not in officers.csv", 1.0, week))
                continue
            if b.activity not in known_acts:
                out.append(Breach(self.name, b.officer_id, b.date.isoformat(),
                                  f"{b.officer_id}: '{b.activity}'{where} on {day_text(b.date)} is not an activity; "
                                  f"expected one of {', '.join(sorted(known_acts))}", 1.0, week))
            own = tl.officers[b.officer_id]["wijken"]
            if b.activity == "wijk" and b.wijk_code not in own:
                out.append(Breach(self.name, b.officer_id, range_text(b.start, b.end),
                                  f"{b.officer_id}: wijk block {range_text(b.start, b.end)}{where} is in "
                                  f"'{b.wijk_code or '(no wijk)'}', not in an own wijk ({', '.join(own)})",
                                  hours(b.minutes), week))
        for oid, blocks in tl.blocks.items():
            last = None
            for b in blocks:
                if (last is not None and b.start == last.end and b.date != last.date and not b.history
                        and tl.checked(b.date)):
                    out.append(Breach(self.name, oid, range_text(b.start, b.end),
                                      f"{oid}: the {b.activity} block {range_text(b.start, b.end)} is dated "
                                      f"{day_text(b.date)} but continues the shift of {day_text(last.date)}; the "
                                      "blocks of one shift carry the date it started (two shifts may not touch)",
                                      hours(b.minutes), monday_of(b.date)))
                if last is not None and b.start < last.end and not b.history and tl.checked(b.date):
                    m = minutes_between(b.start, min(b.end, last.end))
                    out.append(Breach(self.name, oid, range_text(b.start, min(b.end, last.end)),
                                      f"{oid}: the {b.activity} block {range_text(b.start, b.end)} overlaps the "
                                      f"{last.activity} block {range_text(last.start, last.end)} by {h(m)} h",
                                      hours(m), monday_of(b.date)))
                if last is None or b.end > last.end:
                    last = b
        return out

    def encode(self, m: ModelCtx) -> None:
        # Pinned rows: a wijk block outside the officer's wijken (overlaps are excluded by the variables).
        for oi, ov in enumerate(m.officers):
            wijken = ov.facts.wijken
            for e in ov.plan_entries():
                if e.fixed is None:
                    continue
                for r in e.fixed.blocks:
                    bad = (str(r["activity"]) == "wijk" and str(r.get("wijk_code") or "") not in wijken) or (
                        str(r["activity"]) not in m.cfg.activities
                    )
                    m.require(self.name, oi, not bad, week=e.monday)


class OneShiftPerDay(Rule):
    """Hard rule: at most one shift starting per local date per officer.

    Source: the roster's unit is one shift a day (duties of a day lie inside that day's shift). Amount: the number of
    extra shifts.
    """

    name = "one_shift_per_day"
    source = "roster unit: one shift a day"

    def words(self, cfg: Config) -> str:
        return "one shift a day"

    def check(self, tl: Timeline) -> list[Breach]:
        out: list[Breach] = []
        for oid in tl.shifts:
            for day, group in tl.dates_worked(oid).items():
                if len(group) > 1 and tl.checked(day):
                    times_ = ", ".join(range_text(s.start, s.end, short=True) for s in group)
                    out.append(Breach(self.name, oid, day.isoformat(),
                                      f"{oid}: {len(group)} shifts on {day_text(day)} ({times_}); at most one a day",
                                      float(len(group) - 1), monday_of(day)))
        return out

    def encode(self, m: ModelCtx) -> None:
        # Decisions: one candidate a day at most (the variables); given shifts: count them per date.
        for oi, ov in enumerate(m.officers):
            by_date: dict[dt.date, int] = {}
            for e in ov.plan_entries():
                if e.fixed is not None:
                    by_date[e.date] = by_date.get(e.date, 0) + 1
            for day, n in by_date.items():
                m.require(self.name, oi, n <= 1, week=monday_of(day))


class AbsencesRespected(Rule):
    """Hard rule: no work during leave or sickness (an ``unavailable`` absence in absences.csv).

    Source: the officer's leave and sick reports (absences.csv; reasons in planner.toml [absences]).
    Amount: hours of the shift that overlap the absence.
    """

    name = "absences_respected"
    source = "absences.csv (leave, sickness)"

    def words(self, cfg: Config) -> str:
        return "no work during leave or sickness"

    def allows(self, c: Candidate, od: OfficerDay, cfg: Config) -> bool:
        return not any(a < c.end and c.start < b for a, b, _ in od.away)

    def check(self, tl: Timeline) -> list[Breach]:
        out: list[Breach] = []
        ab = tl.ds.absences
        ab = ab[ab["kind"] == "unavailable"]
        for oid, shifts in tl.shifts.items():
            rows = ab[ab["officer_id"] == oid]
            if rows.empty:
                continue
            spans = list(zip(rows["start"], rows["end"], rows["reason"], strict=True))
            for sh in shifts:
                if not tl.checked(sh.date):
                    continue
                hit = [(max(s, sh.start), min(e, sh.end), str(r)) for s, e, r in spans if s < sh.end and sh.start < e]
                m_ = sum(minutes_between(a, b) for a, b, _ in hit)
                if m_:
                    reasons = " and ".join(sorted({r for *_, r in hit}))
                    out.append(Breach(self.name, oid, sh.when,
                                      f"{oid}: {sh.label} overlaps {reasons} by {h(m_)} h; no work during leave or "
                                      "sickness", hours(m_), monday_of(sh.date)))
        return out

    def encode(self, m: ModelCtx) -> None:
        ab = m.inst.ds.absences
        for oi, ov in enumerate(m.officers):
            rows = ab[(ab["officer_id"] == ov.facts.officer_id) & (ab["kind"] == "unavailable")] if len(ab) else ab
            spans = [(m.inst.m(s), m.inst.m(e)) for s, e in zip(rows["start"], rows["end"], strict=True)]
            for e in ov.plan_entries():
                if e.fixed is not None:
                    m.require(self.name, oi, not any(a < e.e_lo and e.s_lo < b for a, b in spans), week=e.monday)


class DutiesHeld(Rule):
    """Hard rule: every work absence (training, court; ``planner.hours.fixed_blocks``) is in the roster as a block of
    its activity covering its time.

    Source: absences.csv (reasons under [absences.work] in planner.toml). The model puts every duty of a day inside
    that day's shift. Amount: hours not covered.
    """

    name = "fixed_blocks_held"
    source = "absences.csv (training, court)"

    def words(self, cfg: Config) -> str:
        return "every training and court duty held"

    def allows(self, c: Candidate, od: OfficerDay, cfg: Config) -> bool:
        return all(c.start <= fb.start and fb.end <= c.end for fb in od.duties)

    def check(self, tl: Timeline) -> list[Breach]:
        out: list[Breach] = []
        days = [w + dt.timedelta(days=i) for w in tl.weeks for i in range(7)]
        for oid, o in tl.officers.items():
            ab = tl.ds.absences_of(oid)
            if ab.empty or not (ab["kind"] == "work").any():
                continue
            blocks = tl.blocks.get(oid, [])
            for fb in fixed_blocks(ab, oid, o["contract_hours"], days, tl.cfg):
                covered, reach = 0, fb.start
                for b in blocks:
                    if b.activity != fb.activity or b.end <= reach or b.start >= fb.end:
                        continue
                    lo, hi = max(b.start, reach), min(b.end, fb.end)
                    if hi > lo:
                        covered += minutes_between(lo, hi)
                        reach = hi
                missing = fb.minutes - covered
                if missing > 0:
                    out.append(Breach(self.name, oid, range_text(fb.start, fb.end),
                                      f"{oid}: {fb.reason} {range_text(fb.start, fb.end)} needs a {fb.activity} block; "
                                      f"{h(missing)} h of it is not in the roster", hours(missing), monday_of(fb.date)))
        return out

    def encode(self, m: ModelCtx) -> None:
        for oi, ov in enumerate(m.officers):
            by_date = {e.date: e for e in ov.plan_entries() if not e.const}
            for day in ov.facts.days:
                if not day.duties:
                    continue
                if day.pinned:
                    # The pinned blocks must hold each duty with a block of its activity.
                    rows = [r for p in day.pinned for r in p.blocks]
                    for fb in day.duties:
                        held = sum(
                            max(0, minutes_between(max(r["start"], fb.start), min(r["end"], fb.end)))
                            for r in rows
                            if str(r["activity"]) == fb.activity
                        )
                        m.require(self.name, oi, held >= fb.minutes, week=monday_of(day.date))
                    continue
                e = by_date.get(day.date)
                if e is None:
                    m.require(self.name, oi, False, week=monday_of(day.date))
                    continue
                m.require(self.name, oi, e.works == 1, week=monday_of(day.date))


class ShiftLength(Rule):
    """Hard rule: a shift lasts at most ``rules.max_shift_hours`` (12 h; Arbeidstijdenwet art. 5:7).

    Amount: hours over the limit (real elapsed time, so DST counts).
    """

    name = "shift_length"
    source = "Arbeidstijdenwet art. 5:7"

    def words(self, cfg: Config) -> str:
        return f"a shift of at most {cfg.rules.max_shift_hours:g} h"

    def allows(self, c: Candidate, od: OfficerDay, cfg: Config) -> bool:
        return c.minutes <= minutes(cfg.rules.max_shift_hours)

    def check(self, tl: Timeline) -> list[Breach]:
        limit = minutes(tl.cfg.rules.max_shift_hours)
        return [
            Breach(self.name, oid, sh.when, f"{oid}: {sh.label} lasts {h(sh.minutes)} h ({sh.when}); at most "
                   f"{h(limit)} h", hours(sh.minutes - limit), monday_of(sh.date))
            for oid, shifts in tl.shifts.items()
            for sh in shifts
            if tl.checked(sh.date) and sh.minutes > limit
        ]

    def encode(self, m: ModelCtx) -> None:
        limit = minutes(m.cfg.rules.max_shift_hours)
        for oi, ov in enumerate(m.officers):
            for e in ov.plan_entries():
                if e.fixed is not None:
                    m.require(self.name, oi, e.fixed.minutes <= limit, week=e.monday)
                elif e.e_hi - e.s_lo > limit:  # candidates beyond the limit (only when the domain did not filter)
                    m.require(self.name, oi, e.minutes <= limit, week=e.monday)


class NightShiftLength(Rule):
    """Hard rule: a night shift lasts at most ``rules.max_night_shift_hours`` (10 h; Arbeidstijdenwet art. 5:8).

    Real elapsed time: 23:00-07:00 lasts 7 h on the night of the spring DST change and 9 h in autumn.
    Amount: hours over the limit.
    """

    name = "night_shift_length"
    source = "Arbeidstijdenwet art. 5:8"

    def words(self, cfg: Config) -> str:
        return f"a night shift of at most {cfg.rules.max_night_shift_hours:g} h"

    def allows(self, c: Candidate, od: OfficerDay, cfg: Config) -> bool:
        return not c.night or c.minutes <= minutes(cfg.rules.max_night_shift_hours)

    def check(self, tl: Timeline) -> list[Breach]:
        limit = minutes(tl.cfg.rules.max_night_shift_hours)
        return [
            Breach(self.name, oid, sh.when, f"{oid}: night shift {sh.label} lasts {h(sh.minutes)} h ({sh.when}); "
                   f"at most {h(limit)} h", hours(sh.minutes - limit), monday_of(sh.date))
            for oid, shifts in tl.shifts.items()
            for sh in shifts
            if sh.night and tl.checked(sh.date) and sh.minutes > limit
        ]

    def encode(self, m: ModelCtx) -> None:
        limit = minutes(m.cfg.rules.max_night_shift_hours)
        for oi, ov in enumerate(m.officers):
            for e in ov.plan_entries():
                if e.fixed is not None:
                    m.require(self.name, oi, not (e.fixed.night and e.fixed.minutes > limit), week=e.monday)
                else:
                    for c, x in e.choices:
                        if c.night and c.minutes > limit:
                            m.require(self.name, oi, x == 0, week=e.monday)


class NightExempt(Rule):
    """Hard rule: no night shift for an officer marked ``night_exempt`` in officers.csv.

    Source: the officer's exemption (age, health; Arbeidstijdenwet art. 4:1 duty of care). Amount: 1 a night.
    """

    name = "night_exempt"
    source = "officers.csv night_exempt; Arbeidstijdenwet art. 4:1"

    def words(self, cfg: Config) -> str:
        return "no nights for a night-exempt officer"

    def allows(self, c: Candidate, od: OfficerDay, cfg: Config) -> bool:
        return not (od.night_exempt and c.night)

    def check(self, tl: Timeline) -> list[Breach]:
        return [
            Breach(self.name, oid, sh.when, f"{oid}: night shift {sh.label} ({sh.when}) for an officer exempt from "
                   "nights", 1.0, monday_of(sh.date))
            for oid, shifts in tl.shifts.items()
            if tl.officers[oid]["night_exempt"]
            for sh in shifts
            if sh.night and tl.checked(sh.date)
        ]

    def encode(self, m: ModelCtx) -> None:
        for oi, ov in enumerate(m.officers):
            if not ov.facts.night_exempt:
                continue
            for e in ov.plan_entries():
                m.require(self.name, oi, e.night == 0, week=e.monday)
