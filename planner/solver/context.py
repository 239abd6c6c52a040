"""The model view the rules encode on: per officer the sequence of shifts (history and pinned ones as constants,
the period's days as decisions), the weeks' worked and own-wijk minutes, and the activities inside the shifts.

A rule adds its constraints through ``ModelCtx.require``: constants fold away, and in a diagnosis or with
``--allow-breaches`` every constraint of one rule for one officer (and week) hangs on one guard literal.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from ortools.sat.python import cp_model

from planner.hours import FixedBlock
from planner.rules.base import is0, is1, neg
from planner.solver.instance import Candidate, Fixed, Instance, OfficerFacts

Lit = Any  # a cp_model literal (BoolVar or its negation) or the Python int 0 or 1
Expr = Any  # a cp_model linear expression or a Python int


def is_const(x: Any) -> bool:
    return isinstance(x, int)




@dataclass
class Entry:
    """One shift of an officer: a constant (history or pinned) or the decision of one day of the period."""

    date: dt.date
    history: bool
    works: Lit
    start: Expr
    end: Expr
    minutes: Expr
    night: Lit
    late: Lit
    evening: Lit
    s_lo: int
    s_hi: int
    e_lo: int
    e_hi: int
    fixed: Fixed | None = None
    choices: list[tuple[Candidate, Any]] = field(default_factory=list)
    duties: list[FixedBlock] = field(default_factory=list)

    @property
    def const(self) -> bool:
        return self.fixed is not None or not self.choices

    @property
    def planned(self) -> bool:
        """In the period (pinned or a decision), not history."""
        return not self.history

    @property
    def monday(self) -> dt.date:
        return self.date - dt.timedelta(days=self.date.weekday())


@dataclass
class Piece:
    """A piece of one day's possible shift time of one officer between two consecutive cut points."""

    day: int  # index into OfficerVars.entries of the day's decision entry
    a: int
    b: int
    on: Expr  # 1 when the chosen shift covers the piece
    duty: FixedBlock | None
    team: dict[int, Any] = field(default_factory=dict)  # demand index -> BoolVar
    pres: dict[int, Any] = field(default_factory=dict)

    @property
    def minutes(self) -> int:
        return self.b - self.a


@dataclass
class OfficerVars:
    facts: OfficerFacts
    entries: list[Entry]
    pieces: list[Piece]
    worked: dict[dt.date, Expr]  # per week of the period (and history weeks, constants)
    own: dict[dt.date, Expr]
    travel: dict[dt.date, Expr] = field(default_factory=dict)
    not_available: dict[dt.date, int] = field(default_factory=dict)  # minutes of duties not counted as available

    def plan_entries(self) -> list[Entry]:
        return [e for e in self.entries if not e.history]

    def on_date(self, day: dt.date) -> list[Entry]:
        return [e for e in self.entries if e.date == day]


@dataclass
class ModelCtx:
    """What a rule needs: the model, the instance, the officers' variables, and the guards."""

    model: cp_model.CpModel
    inst: Instance
    officers: list[OfficerVars]
    guarded: bool = False  # diagnosis or --allow-breaches: every rule's constraints hang on a guard literal
    per_week: bool = False  # guards per (rule, officer, week) instead of per (rule, officer)
    elastic_norm: bool = False  # --allow-breaches: the norm's shortfall is a variable, not a hard limit
    guards: dict[tuple[str, int, dt.date | None], Any] = field(default_factory=dict)
    shortfalls: dict[tuple[int, dt.date], Any] = field(default_factory=dict)  # norm, with --allow-breaches
    travel: dict[int, list[tuple[Any, int]]] = field(default_factory=dict)  # demand -> (switch literal, minutes)
    covered: dict[int, Any] = field(default_factory=dict)  # demand -> officer-minutes covered (an expression)

    @property
    def cfg(self):  # type: ignore[no-untyped-def]
        return self.inst.cfg

    def guard(self, rule: str, oi: int, week: dt.date | None) -> Any:
        key = (rule, oi, week if self.per_week else None)
        if key not in self.guards:
            oid = self.inst.officers[oi].officer_id
            self.guards[key] = self.model.new_bool_var(f"holds[{rule},{oid},{key[2] or ''}]")
        return self.guards[key]

    def require(
        self, rule: str, oi: int, cond: Any, when: Iterable[Lit] = (), week: dt.date | None = None
    ) -> None:
        """Add ``cond`` (a linear constraint, or a Python bool of constants) for ``rule`` of officer ``oi``,
        enforced only when every literal of ``when`` holds. Constants fold: a literal 0 makes it vacuous."""
        lits = []
        for lit in when:
            if isinstance(lit, int):
                if lit == 0:
                    return
                continue
            lits.append(lit)
        if self.guarded:
            lits.append(self.guard(rule, oi, week))
        if isinstance(cond, bool):
            if cond:
                return
            self.model.add_bool_or([neg(x) for x in lits])
            return
        ct = self.model.add(cond)
        if lits:
            ct.only_enforce_if(lits)

    def new_bool(self, name: str) -> Any:
        return self.model.new_bool_var(name)

    def bool_of(self, lits: Sequence[Lit], name: str) -> Lit:
        """A literal equal to the sum of at most one true literal among ``lits`` (constants fold)."""
        const = sum(x for x in lits if isinstance(x, int))
        vars_ = [x for x in lits if not isinstance(x, int)]
        if not vars_:
            return int(const > 0)
        if const:
            return 1
        if len(vars_) == 1:
            return vars_[0]
        b = self.model.new_bool_var(name)
        self.model.add(b == sum(vars_))
        return b

    def pairs(
        self, oi: int, reach: int, history: bool = False
    ) -> Iterator[tuple[Entry, Entry, list[Lit]]]:
        """Pairs of shifts (a, b), a before b, that are consecutive when every literal returned holds (a and b
        work, every decision between them does not), and whose gap can be shorter than ``reach`` minutes.

        A pair whose later shift is history is skipped (its breach is not in a planned week) unless ``history``.
        """
        es = self.officers[oi].entries
        for i, a in enumerate(es):
            if is0(a.works):
                continue
            between: list[Lit] = []
            for b in es[i + 1 :]:
                if b.s_lo - a.e_hi >= reach:
                    break
                if is0(b.works):
                    continue
                if history or not b.history:
                    yield a, b, [a.works, b.works, *between]
                if is1(b.works):
                    break
                between.append(neg(b.works))
