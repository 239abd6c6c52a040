"""The rule layer: every hard rule once (parameters, exact check, CP-SAT encoding, wording), and the soft rules.

``HARD_RULES`` is the one registry that decides which hard rules run, in the order breaches are reported; the
checker runs their ``check``, the solver their ``allows`` (variable domains) and ``encode``. ``SOFT_RULES`` lists the
soft rules that return penalty terms for the ordered objective (planner.solver.objective).
"""

from __future__ import annotations

from planner.config import Config
from planner.rules.base import Breach, Rule
from planner.rules.norm import OwnWijkShare
from planner.rules.roster import (
    AbsencesRespected,
    DutiesHeld,
    NightExempt,
    NightShiftLength,
    OneShiftPerDay,
    RosterRowsValid,
    ShiftLength,
)
from planner.rules.soft import SOFT_RULES
from planner.rules.street import TeamBlockLength, TeamDemandOfficers, TravelTime
from planner.rules.working_time import (
    AvgWeekHours,
    ConsecutiveShiftsWithNight,
    DailyRest,
    MaxNights16w,
    RestAfterNight,
    RestAfterNightSeries,
    WeekHours,
    WeeklyRest,
)

HARD_RULES: tuple[Rule, ...] = (
    RosterRowsValid(),
    OneShiftPerDay(),
    AbsencesRespected(),
    ShiftLength(),
    WeekHours(),
    AvgWeekHours(4, "avg_week_hours_4w", "max_avg_week_hours_4w"),
    AvgWeekHours(16, "avg_week_hours_16w", "max_avg_week_hours_16w"),
    DailyRest(),
    RestAfterNight(),
    RestAfterNightSeries(),
    WeeklyRest(),
    NightShiftLength(),
    ConsecutiveShiftsWithNight(),
    NightExempt(),
    MaxNights16w(),
    DutiesHeld(),
    TeamBlockLength(),
    TeamDemandOfficers(),
    TravelTime(),
    OwnWijkShare(),
)

RULE_NAMES = tuple(r.name for r in HARD_RULES)


def hard_rules(cfg: Config, names: list[str] | tuple[str, ...] | None = None) -> list[Rule]:
    """The hard rules the settings switch on (and, given ``names``, only those)."""
    return [r for r in HARD_RULES if r.applies(cfg) and (names is None or r.name in names)]


def rule(name: str) -> Rule:
    for r in HARD_RULES:
        if r.name == name:
            return r
    raise KeyError(name)


__all__ = ["Breach", "HARD_RULES", "RULE_NAMES", "Rule", "SOFT_RULES", "hard_rules", "rule"]
