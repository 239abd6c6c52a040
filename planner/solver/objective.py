"""The objective: an explicit weighted sum of the named penalty terms the soft rules return."""

from __future__ import annotations

from typing import Any

from planner.solver.soft import Term


def objective_expression(terms: list[Term]) -> Any:
    """Σ coef × var over every term; objective / 60 reads as weighted hours."""
    return sum(t.coef * t.var for t in terms if t.coef)
