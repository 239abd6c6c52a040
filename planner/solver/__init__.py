"""The roster engine: a CP-SAT model of one team's week (variables, rules, objective, extraction)."""

from planner.solver.solve import Result, solve_week

__all__ = ["Result", "solve_week"]
