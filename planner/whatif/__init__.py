"""What-if runs: scenario files against a base data folder, Monte Carlo sickness sweeps, staffing levels."""

from planner.whatif.kpi import KPI_COLUMNS, kpis
from planner.whatif.scenario import Scenario, apply_scenario, load_scenario

__all__ = ["KPI_COLUMNS", "Scenario", "apply_scenario", "kpis", "load_scenario"]
