"""Output safety: spreadsheet cells that would run as formulas are neutralised."""

from __future__ import annotations

from typing import Any

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def cell(value: Any) -> Any:
    """A value safe for a CSV or XLSX cell: text starting with = + - @ (or a tab/CR) gets a leading '."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value
