"""The 80 % norm as a hard rule: each week keeps the share on its own, or the rolling window ending with it does."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from planner.config import Config
from planner.hours import norm_required_minutes
from planner.rules.base import Breach, Rule, h, hours
from planner.timeutil import week_label

if TYPE_CHECKING:  # pragma: no cover
    from planner.rules.timeline import Timeline
    from planner.solver.context import ModelCtx


def _span(window: list[dt.date]) -> str:
    return week_label(window[0]) if len(window) == 1 else f"{week_label(window[0])}..{week_label(window[-1])}"


class OwnWijkShare(Rule):
    """Hard rule: in every week, own-wijk hours are at least ``norm.share`` (80 %) of the week's denominator, or
    the rolling window of ``norm.window_weeks`` known weeks ending with it keeps that share.

    Source: the 80 % norm (Kamerstuk 29628-218, "in of voor de wijk"; the Hilversum letter, "tenminste 80 % van de
    beschikbare uren in hun eigen wijk"). Reading ``in`` counts ``wijk`` blocks in an own wijk; ``in_of_voor``
    counts ``voor_wijk`` too. The denominator is ``planner.hours.norm_denominator``: the available hours (contract
    minus leave and sickness), or the hours worked when more, so a share never exceeds 100 % and overtime outside
    the wijk shows; hours of activities set ``available = false`` (e.g. training) are in neither. A week below the
    share is allowed when earlier weeks in the window make up for it; a low
    history never makes a week that keeps the share on its own impossible. A week cut short by sickness
    (``planner.hours.sick_from``) is not held to the rule: nothing can be planned after the sick call. Amount:
    hours short (the smaller of the week's and the window's shortfall).
    """

    name = "own_wijk_share"
    source = "80 % norm (Kamerstuk 29628-218; Hilversum consultation letter)"

    def words(self, cfg: Config) -> str:
        return f"the {cfg.norm.share:.0%} own-wijk norm"

    def check(self, tl: Timeline) -> list[Breach]:
        norm = tl.cfg.norm
        out: list[Breach] = []
        reading = "in the own wijk" if norm.reading == "in" else "in or for the own wijk"
        for oid in tl.officers:
            for w in tl.weeks:
                if tl.sick_from(oid, w) is not None:
                    continue
                den, own = tl.denominator(oid, w), tl.own(oid, w)
                short_week = norm_required_minutes(den, norm.fraction) - own
                if short_week <= 0:
                    continue
                window = tl.window(oid, w, norm.window_weeks)
                w_den = sum(tl.denominator(oid, x) for x in window)
                w_own = sum(tl.own(oid, x) for x in window)
                short_window = norm_required_minutes(w_den, norm.fraction) - w_own
                if short_window <= 0:
                    continue
                short = min(short_week, short_window)
                text = f"{oid}: {own / den:.1%} of {h(den)} hours {reading} in {week_label(w)}"
                if len(window) > 1:
                    text += f" and {w_own / w_den:.1%} over {_span(window)}"
                out.append(Breach(self.name, oid, week_label(w),
                                  f"{text} (reading '{norm.reading}'); needs {norm.share:.0%}: {h(short)} h short",
                                  hours(short), w))
        return out

    def encode(self, m: ModelCtx) -> None:
        norm = m.cfg.norm
        num, den = norm.fraction.numerator, norm.fraction.denominator
        for oi, ov in enumerate(m.officers):
            denominators: dict[dt.date, Any] = {}
            for w in sorted(ov.worked):
                wf = ov.facts.weeks.get(w)
                na = ov.not_available.get(w, 0)
                avail = max(0, (wf.available_min if wf is not None else 0) - na)
                worked = ov.worked[w]
                if isinstance(worked, int):
                    denominators[w] = max(avail, worked - na)
                else:
                    d = m.model.new_int_var(avail, max(avail, 24 * 60 * 7), f"norm_den[{ov.facts.officer_id},{w}]")
                    m.model.add(d >= worked - na)
                    denominators[w] = d
            for w in m.inst.mondays:
                if ov.facts.weeks[w].sick_from is not None:
                    continue
                na = ov.not_available.get(w, 0)
                avail = max(0, ov.facts.weeks[w].available_min - na)
                own, worked = ov.own[w], ov.worked[w] - na
                first = w - dt.timedelta(weeks=norm.window_weeks - 1)
                window = [x for x in sorted(ov.worked) if first <= x <= w]
                short: Any = 0
                if m.elastic_norm:
                    short = m.model.new_int_var(0, max(avail, 1) + 24 * 60 * 7,
                                                f"norm_short[{ov.facts.officer_id},{w}]")
                    m.shortfalls[(oi, w)] = short
                add = m.model.add if m.elastic_norm else None
                week_conds = [den * (own + short) >= num * avail, den * (own + short) >= num * worked]
                if len(window) == 1:
                    for cond in week_conds:
                        self._add(m, oi, w, cond, [], add)
                    continue
                win = den * (sum(ov.own[x] for x in window) + short) >= num * sum(denominators[x] for x in window)
                alone = m.model.new_bool_var(f"norm_week_alone[{ov.facts.officer_id},{w}]")
                for cond in week_conds:
                    self._add(m, oi, w, cond, [alone], add)
                self._add(m, oi, w, win, [alone.Not()], add)

    def _add(self, m: ModelCtx, oi: int, week: dt.date, cond: Any, when: list[Any], add: Any) -> None:
        if add is None:
            m.require(self.name, oi, cond, when, week)
            return
        if isinstance(cond, bool):
            if not cond:
                m.model.add_bool_or([x.Not() for x in when])
            return
        ct = add(cond)
        if when:
            ct.only_enforce_if(when)
