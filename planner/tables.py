"""CSV input as Dutch Excel saves it: ';' or ',' separators, decimal comma, UTF-8 (with BOM) or Windows-1252."""

from __future__ import annotations

import csv
import io
import math
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import pandas as pd

from planner.errors import InputError

T = TypeVar("T")

MAX_INPUT_BYTES = 200 * 1024 * 1024


def check_size(path: Path) -> int:
    """The size of an input text file; above MAX_INPUT_BYTES (or unreadable) is an InputError."""
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise InputError(path, f"cannot be read ({exc.strerror})") from None
    if size > MAX_INPUT_BYTES:
        raise InputError(path, f"is {size / 1e6:.0f} MB; inputs above {MAX_INPUT_BYTES / 1e6:.0f} MB are refused")
    return size


def read_text(path: Path) -> str:
    """Decode a text file: UTF-8 (BOM allowed) first, then Windows-1252; binary garbage is refused."""
    check_size(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(path, f"cannot be read ({exc.strerror})") from None
    if b"\x00" in data:
        raise InputError(path, "is not a text file (it holds NUL bytes); expected CSV text")
    try:
        return normalise_newlines(data.decode("utf-8-sig"))
    except UnicodeDecodeError:
        pass
    try:
        text = data.decode("cp1252")
    except UnicodeDecodeError:
        raise InputError(path, "is neither UTF-8 nor Windows-1252 text") from None
    return normalise_newlines(text)


def normalise_newlines(text: str) -> str:
    """Every line ending as ``\n``: Windows ``\r\n``, old Mac / Excel for Mac ``\r`` alone, or a mix of them
    (a file edited on two systems), also inside quoted fields; so a row number is the file's line number."""
    return text.replace("\r\n", "\n").replace("\r", "\n")


def read_csv(path: Path, required: list[str], optional: list[str] | None = None) -> pd.DataFrame:
    """Read a CSV into string columns (stripped, '' for empty), checking the header.

    Column names are matched case-insensitively with surrounding spaces removed. A missing required
    column or an unknown column is an InputError naming the file and the column.
    """
    text = read_text(path)
    if not text.strip():
        raise InputError(path, f"is empty; expected a header with {', '.join(required)}")
    first = text.splitlines()[0]
    sep = ";" if first.count(";") > first.count(",") else ("\t" if first.count("\t") > first.count(",") else ",")
    rows, lines = _records(text, sep, path)
    header = [h.strip().lower() for h in rows[0]]
    allowed = set(required) | set(optional or [])
    for name in required:
        if name not in header:
            raise InputError(path, f"is missing; the header has {', '.join(h for h in header if h) or 'nothing'}",
                             row=1, column=name)
    seen: set[str] = set()
    for name in header:
        if name and name in seen:  # empty names (Excel's trailing separators) may repeat
            raise InputError(path, "appears twice in the header", row=1, column=name)
        seen.add(name)
        if name and name not in allowed:
            raise InputError(path, f"is not a known column; expected {', '.join(required + (optional or []))}",
                             row=1, column=name)
    body = [r for r in rows[1:] if any(c.strip() for c in r)]
    records = []
    for i, r in zip(lines[1:], rows[1:], strict=True):
        if not any(c.strip() for c in r):
            continue
        if len(r) > len(header) and any(c.strip() for c in r[len(header):]):
            raise InputError(path, f"has {len(r)} fields but the header has {len(header)}", row=i)
        r = (r + [""] * len(header))[: len(header)]
        records.append([i] + [c.strip() for c in r])
    del body
    df = pd.DataFrame(records, columns=["_row"] + header, dtype=object)
    for name in optional or []:
        if name not in df.columns:
            df[name] = ""
    df = df.loc[:, [c != "" for c in df.columns]]
    return df


def _records(text: str, sep: str, path: Path) -> tuple[list[list[str]], list[int]]:
    """The CSV records and the file line each starts on (a quoted field may span lines)."""
    reader = csv.reader(io.StringIO(text), delimiter=sep, strict=True)
    rows: list[list[str]] = []
    lines: list[int] = []
    while True:
        start = reader.line_num + 1
        try:
            record = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            raise InputError(path, f"is not valid CSV ({exc}); expected quotes around whole fields, each one "
                             "closed", row=start) from None
        rows.append(record)
        lines.append(start)
    return rows, lines


def shown(text: str, limit: int = 40) -> str:
    """A cell value as an error message quotes it: at most ``limit`` characters."""
    s = str(text)
    return s if len(s) <= limit else s[: limit - 1] + "…"


_NUM_RE = re.compile(r"^[+-]?(\d{1,3}(\.\d{3})+|\d+)(,\d+)?$|^[+-]?\d*\.?\d+([eE][+-]?\d+)?$")


def parse_number(text: str, path: Path, row: int, column: str, *, minimum: float | None = None,
                 maximum: float | None = None, integer: bool = False) -> float:
    """A number written the Dutch way (``36,5``, ``1.234,5``) or the English way (``36.5``)."""
    s = str(text).strip().replace("\u00a0", "").replace(" ", "")
    value: float | None = None
    if s and _NUM_RE.match(s):
        if "," in s:
            value = float(s.replace(".", "").replace(",", "."))
        elif re.match(r"^[+-]?\d{1,3}(\.\d{3})+$", s):
            value = float(s.replace(".", ""))
        else:
            value = float(s)
    if value is None or math.isnan(value) or math.isinf(value):
        raise InputError(path, f"'{shown(text)}' is not a number", row=row, column=column)
    if integer and value != int(value):
        raise InputError(path, f"'{shown(text)}' is not a whole number", row=row, column=column)
    if minimum is not None and value < minimum:
        raise InputError(path, f"{value:g} is below the minimum {minimum:g}", row=row, column=column)
    if maximum is not None and value > maximum:
        raise InputError(path, f"{value:g} is above the maximum {maximum:g}", row=row, column=column)
    return value


def parse_cell(path: Path, row: int, column: str, parse: Callable[..., T], *args: Any) -> T:
    """``parse(*args)``, with a ValueError turned into an InputError naming the file, row and column."""
    try:
        return parse(*args)
    except ValueError as exc:
        raise InputError(path, str(exc), row=row, column=column) from None


_TRUE = {"1", "ja", "j", "yes", "y", "true", "waar", "x"}
_FALSE = {"", "0", "nee", "n", "no", "false", "onwaar"}


def parse_bool(text: str, path: Path, row: int, column: str) -> bool:
    """ja/nee, yes/no, true/false, 1/0, x or empty."""
    s = str(text).strip().lower()
    if s in _TRUE:
        return True
    if s in _FALSE:
        return False
    raise InputError(path, f"'{shown(text)}' is not yes/no; expected ja/nee, true/false or 1/0", row=row, column=column)
