"""The ordered objective: named penalty terms on strict levels, solved in as few stages as exact weights allow.

Levels, most important first (a lower level can never buy a higher one):

1. ``law``: broken Arbeidstijdenwet rules, per rule, officer and week (only with ``--allow-breaches``, and only when
   no lawful roster exists);
2. ``norm``: minutes below the 80 % norm (only with ``--allow-breaches``);
3. ``balance_limit``: minutes of the hours balance beyond its limits;
4. ``wijk_demand``: officer-minutes of wijk presence demand unmet, times the priority factor;
5. ``changes``: shifts changed against the roster being re-planned;
6. ``team_demand``: officer-minutes of noodhulp and event demand unmet;
7. ``hours``: the hours balance away from zero (each minute beyond ``hours.even_hours`` costs three);
8. ``fairness``: the busiest officer's nights, evenings and weekend shifts;
9. ``wishes``: wished days off worked.

Within a stage, level ``k`` gets the weight ``1 + sum of the maximum values of the levels below it``, so one unit of
it outweighs everything below; levels are grouped into one stage while the weights stay below ``MAX_STAGE_RANGE``,
and stages are solved in order, each keeping the optimum (or the best found) of the ones before.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

LEVELS = ("law", "norm", "balance_limit", "wijk_demand", "changes", "team_demand", "hours", "fairness", "wishes")
LEVEL_WORDS = {
    "law": "law breaches",
    "norm": "minutes below the norm",
    "balance_limit": "minutes of balance beyond the limits",
    "wijk_demand": "weighted minutes of wijk demand unmet",
    "changes": "shifts changed (480) and minutes of team work moved (1)",
    "team_demand": "minutes of team demand unmet",
    "hours": "weighted minutes of hours balance",
    "fairness": "busiest officer's weighted nights, evenings, weekends",
    "wishes": "wished days off worked",
}
#: Model units per reported unit: minutes -> hours, and wijk demand's coefficient (10 x the priority factor) ->
#: priority-weighted hours.
LEVEL_SCALE = {"norm": 60, "balance_limit": 60, "wijk_demand": 600, "team_demand": 60, "hours": 60}

#: Largest objective range one stage may span (weights x maximum values); beyond it the next level starts a stage.
MAX_STAGE_RANGE = 2**31


@dataclass(frozen=True)
class Term:
    """One penalty term: ``coef × var`` on ``level``; ``unit`` says what one unit of ``var`` is; ``ub`` bounds var."""

    level: str
    rule: str
    subject: str
    var: Any
    coef: int
    unit: str  # "min" or "count"
    ub: int
    ref: Any = None


@dataclass
class Stage:
    """Levels solved together, with their weights."""

    levels: list[str]
    weights: dict[str, int]

    def expression(self, terms: list[Term]) -> Any:
        return sum(self.weights[t.level] * t.coef * t.var for t in terms if t.level in self.weights and t.coef)


def level_value(terms: list[Term], level: str, value: Any) -> int:
    """The value of a level for a solution (``value`` reads a variable)."""
    return sum(t.coef * value(t.var) for t in terms if t.level == level)


def stages(terms: list[Term]) -> list[Stage]:
    """Group the levels that have terms into stages, most important first, with exact lexicographic weights."""
    bound = {lv: sum(abs(t.coef) * t.ub for t in terms if t.level == lv) for lv in LEVELS}
    present = [lv for lv in LEVELS if bound[lv] > 0]
    out: list[Stage] = []
    group: list[str] = []
    weights: dict[str, int] = {}
    below = 0  # the largest value of the group's levels so far, weighted
    for lv in reversed(present):
        weight = below + 1
        if group and weight * bound[lv] + below > MAX_STAGE_RANGE:
            out.append(Stage(list(reversed(group)), weights))
            group, weights, below, weight = [], {}, 0, 1
        group.append(lv)
        weights[lv] = weight
        below += weight * bound[lv]
    if group:
        out.append(Stage(list(reversed(group)), weights))
    return list(reversed(out))
