"""The docs keep up with the code: every setting of planner.toml is in docs/data-format.md with its default, and
every rule of the registry (hard and soft) is in docs/checker.md."""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path
from typing import Any

import pytest

from planner import config as c
from planner.rules import HARD_RULES, SOFT_RULES

DOCS = Path(__file__).resolve().parents[1] / "docs"

#: Each settings table of planner.toml and the prefix its keys have in docs/data-format.md.
TABLES: list[tuple[type, str]] = [
    (c.Team, "team"),
    (c.Files, "files"),
    (c.ShiftFamily, "shifts"),
    (c.Activity, "activities.<name>"),
    (c.Absences, "absences"),
    (c.Rules, "rules"),
    (c.Norm, "norm"),
    (c.HoursSettings, "hours"),
    (c.TeamDemandSettings, "team_demand"),
    (c.Travel, "travel"),
    (c.Weights, "weights"),
    (c.SolverSettings, "solver"),
    (c.Period, "period"),
    (c.HolidaySettings, "holidays"),
    (c.Privacy, "privacy"),
]


def _toml_section() -> str:
    text = (DOCS / "data-format.md").read_text(encoding="utf-8")
    return text[text.index("## `planner.toml`"):text.index("## Public holidays")]


def _rows(section: str) -> dict[str, list[str]]:
    """Key -> cells of each table row whose first cell names keys (`` `a.b` `` or `` `a.b` / `a.c` ``)."""
    out: dict[str, list[str]] = {}
    for line in section.splitlines():
        if not line.startswith("| `"):
            continue
        cells = [x.strip() for x in line.strip("|").split("|")]
        for key in re.findall(r"`([^`]+)`", cells[0]):
            out[key] = cells
    return out


def _default(cls: type, field: dataclasses.Field) -> Any:  # type: ignore[type-arg]
    info = field.default
    if hasattr(info, "default_factory") and info.default_factory is not None:
        return info.default_factory()
    return getattr(info, "default", info) if hasattr(info, "description") else info


def _settings() -> list[tuple[str, Any]]:
    return [(f"{prefix}.{f.name}", _default(cls, f)) for cls, prefix in TABLES for f in dataclasses.fields(cls)]


def test_every_table_of_planner_toml_is_listed_here():
    """A new settings table in planner/config.py must be added to TABLES (and so to the docs)."""
    assert {p.split(".")[0] for _, p in TABLES} == set(c._TOP_KEYS)


@pytest.mark.parametrize(("key", "default"), _settings(), ids=[k for k, _ in _settings()])
def test_every_setting_is_in_data_format_with_its_default(key, default):
    rows = _rows(_toml_section())
    assert key in rows, f"docs/data-format.md has no row for `{key}` in its planner.toml section"
    cells = rows[key]
    if isinstance(default, bool):
        assert f"`{str(default).lower()}`" in cells[2], (key, cells)
    elif isinstance(default, int | float) and not isinstance(default, bool):
        assert f"`{default:g}`" in cells[2], (key, cells)
    elif isinstance(default, str) and default:
        assert default in cells[2], (key, cells)
    elif isinstance(default, tuple | dict) and default:
        for item in default:  # every default reason or name is listed
            assert item in cells[2], (key, item, cells)


def test_data_format_lists_no_setting_that_does_not_exist():
    known = {k for k, _ in _settings()}
    documented = set(_rows(_toml_section()))
    assert documented <= known, sorted(documented - known)


def _hard_rule_rows() -> list[str]:
    """Rule names in the first cells of docs/checker.md's hard rules table, in order."""
    text = (DOCS / "checker.md").read_text(encoding="utf-8")
    section = text[text.index("## Hard rules"):text.index("## Soft rules")]
    names = []
    for line in section.splitlines():
        if line.startswith("| `"):
            names += re.findall(r"`([a-z0-9_]+)`", line.strip("|").split("|")[0])
    return names


@pytest.mark.parametrize("name", [r.name for r in HARD_RULES] + list(SOFT_RULES))
def test_every_rule_is_in_checker_md(name):
    if name in SOFT_RULES:
        assert f"soft rule `{name}`" in (DOCS / "checker.md").read_text(encoding="utf-8"), name
    else:
        assert name in _hard_rule_rows(), f"docs/checker.md has no row for hard rule `{name}`"


def test_checker_md_lists_the_hard_rules_in_registry_order_and_no_other():
    assert _hard_rule_rows() == [r.name for r in HARD_RULES]
