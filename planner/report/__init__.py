"""Compliance reports for municipalities and the police: figures for a period, rendered in five formats."""

from planner.report.figures import ReportFigures, Source, Table, build_figures
from planner.report.render import FORMATS, render, write_report
from planner.report.sources import import_realized, load_sources, publish

__all__ = [
    "FORMATS", "ReportFigures", "Source", "Table", "build_figures", "import_realized", "load_sources", "publish",
    "render", "write_report",
]
