"""The rule unit: a rule's parameters, its exact check in real time, its CP-SAT encoding and its wording.

A hard rule is a class with
- ``name`` (its id in the registry, in breaches and in explanations) and ``source`` (law article or need);
- ``check(tl)``: the exact check on real time over a ``Timeline`` (what ``planner check`` runs);
- ``encode(m)``: its constraints on the model view (``planner.solver.context.ModelCtx``), added through
  ``m.require`` so that a diagnosis or ``--allow-breaches`` can switch it off per officer and week;
- ``words(cfg)``: how an explanation names it.
Neither the check nor the encoding imports OR-Tools at module level (the checker must run without it).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar

from planner.config import Config
from planner.timeutil import UTC

if TYPE_CHECKING:  # pragma: no cover
    from planner.rules.timeline import Timeline
    from planner.solver.context import ModelCtx

_DAY_NAMES = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
_MONTH_NAMES = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]


@dataclass(frozen=True)
class Breach:
    """One breach of one hard rule by one officer: which rule, when, what in domain words, and by how much.

    Attributes
    ----------
    rule
        Rule id (``daily_rest``, ``own_wijk_share``, ...).
    officer_id
        The officer (as written in the roster for an unknown officer).
    when
        Date (``2027-01-19``), ISO week (``2027-W03``) or local time range, human readable.
    message
        The breach in domain words, starting with the officer id.
    amount
        By how much: hours for durations, a count for counts (see each rule's docstring).
    week
        The Monday of the ISO week the breach belongs to (the week that has to change to mend it).
    """

    rule: str
    officer_id: str
    when: str
    message: str
    amount: float
    week: dt.date | None = None


class Rule:
    """Base of every hard rule; see the module docstring."""

    name: ClassVar[str] = ""
    source: ClassVar[str] = ""

    def applies(self, cfg: Config) -> bool:
        """Whether the rule is switched on by the settings (e.g. a limit of 0 switches some rules off)."""
        return True

    def allows(self, c: Any, od: Any, cfg: Config) -> bool:
        """Whether a candidate shift may be offered to an officer at all (a limit kept in the variable domain)."""
        return True

    def check(self, tl: Timeline) -> list[Breach]:
        raise NotImplementedError

    def encode(self, m: ModelCtx) -> None:
        raise NotImplementedError

    def words(self, cfg: Config) -> str:
        return self.name


# ----------------------------------------------------------------------------------------------------------
# Literals of the encodings: a CP-SAT literal, or the Python int 0 or 1 for what is already known


def is0(x: Any) -> bool:
    """A constant 0 (a variable is never "known 0")."""
    return isinstance(x, int) and x == 0


def is1(x: Any) -> bool:
    return isinstance(x, int) and x == 1


def neg(lit: Any) -> Any:
    return 1 - lit if isinstance(lit, int) else lit.Not()


# ----------------------------------------------------------------------------------------------------------
# Small helpers shared by the rules' wording


def minutes(hours: float) -> int:
    return round(hours * 60)


def hours(mins: float) -> float:
    return round(mins / 60, 4)


def h(mins: float) -> str:
    return f"{mins / 60:.1f}"


def times(n: int) -> str:
    return {0: "never", 1: "once", 2: "twice"}.get(n, f"{n} times")


def day_text(day: dt.date) -> str:
    return f"{_DAY_NAMES[day.weekday()]} {day.day} {_MONTH_NAMES[day.month - 1]}"


def range_text(a: dt.datetime, b: dt.datetime, short: bool = False) -> str:
    if short:
        return f"{a:%H:%M}–{b:%H:%M}"
    if a.date() == b.date():
        return f"{a:%Y-%m-%d %H:%M}–{b:%H:%M}"
    return f"{a:%Y-%m-%d %H:%M}–{b:%Y-%m-%d %H:%M}"


def monday_of(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


def epoch_min(t: dt.datetime) -> int:
    """Minutes since 1970 (UTC): real elapsed time, exact across DST."""
    return int(t.astimezone(UTC).timestamp() // 60)


def from_epoch(mins: int, tz: Any) -> dt.datetime:
    return dt.datetime.fromtimestamp(mins * 60, UTC).astimezone(tz)
