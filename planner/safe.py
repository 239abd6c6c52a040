"""Output safety: text that a spreadsheet would run as a formula is neutralised, in CSV reversibly.

A spreadsheet runs a cell as a formula when its text starts with ``= + - @`` (also after spaces, tabs, line
breaks or quotes, which some programs strip first). In a CSV one field can also become several cells: Dutch
Excel splits at ``;`` (its list separator), English Excel at ``,``, and some programs at tabs and line breaks.
So in a CSV every *segment* of a field is guarded: the start of the field and every position after one of
``; , TAB CR LF``. A segment that, after any ``'`` and then spaces and double quotes, starts with
``= + - @`` gets one more leading ``'`` (Excel's own text marker). :func:`uncsv_cell` undoes exactly that, so a
roster.csv the planner wrote reads back to the same values (docs/data-format.md, "Text in CSV outputs").

An XLSX file is XML, which cannot hold the C0 control characters other than tab, line feed and carriage return,
nor U+FFFE and U+FFFF: openpyxl refuses them in a cell (IllegalCharacterError) and writes them unchecked into
page headers, which makes a file Excel cannot open. :func:`xlsx_text` writes each such character visibly as its
escape (``\\x1b``, ``\\uffff``), the way the terminal shows it (``planner.cli._app.visible``).

An iCalendar file (RFC 5545) cannot hold the CONTROL characters U+0000–U+0008, U+000A–U+001F and U+007F in a
text value (tab is allowed; a line break is written as ``\\n`` by icalendar), nor a lone surrogate (not UTF-8 at
all): :func:`ics_text` writes each such character visibly as its escape too, so a calendar with such a name still
imports and shows where the character was.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable
from typing import Any

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
_FORMULA = frozenset("=+-@")
#: Skipped before the first character of an XLSX cell: whitespace and quotes.
_XLSX_LEADING = frozenset(" \t\r\n\f\v\u00a0\"")
#: Where a spreadsheet may start a new cell inside one CSV field ...
_BREAKS = frozenset(";,\t\r\n")
#: ... and what it may skip at the start of a segment (breaks are left to the segment after them).
_CSV_LEADING = frozenset(" \f\v\u00a0\"")
#: What XML 1.0 (and so an XLSX file) cannot hold: C0 controls but tab, LF and CR; U+FFFE and U+FFFF.
_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def xlsx_text(text: str) -> str:
    """``text`` as an XLSX file can hold it: every character XML forbids written as its escape (``\\x07``)."""
    return _XML_ILLEGAL.sub(_escape, text)


#: What an iCalendar text value cannot hold: RFC 5545 CONTROL (C0 but tab; DEL) except line breaks, which
#: icalendar writes as ``\\n``; and lone surrogates, which UTF-8 cannot encode.
_ICS_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]")


def ics_text(text: str) -> str:
    """``text`` as an iCalendar text value can hold it: every character RFC 5545 forbids (and every lone
    surrogate) written as its escape (``\\x07``, ``\\ud800``); tab, line breaks and every other character stay."""
    return _ICS_ILLEGAL.sub(_escape, text)


def _first(text: str, start: int, leading: frozenset[str]) -> str:
    j = start
    while j < len(text) and text[j] in leading:
        j += 1
    return text[j] if j < len(text) else ""


def cell(value: Any) -> Any:
    """A value safe for an XLSX cell: characters XML forbids shown as escapes (:func:`xlsx_text`), then text whose
    first character after spaces and quotes is ``= + - @`` (or that starts with a tab or CR) gets a leading ``'``;
    other values are returned unchanged."""
    if not isinstance(value, str):
        return value
    value = xlsx_text(value)
    if value.startswith(FORMULA_PREFIXES) or _first(value, 0, _XLSX_LEADING) in _FORMULA:
        return "'" + value
    return value


def _segment_starts(text: str) -> list[int]:
    return [0] + [i + 1 for i, ch in enumerate(text) if ch in _BREAKS]


def _formula_like(text: str, start: int) -> bool:
    """The segment at ``start``, after any leading ``'`` and then spaces and quotes, starts a formula."""
    i = start
    while i < len(text) and text[i] == "'":
        i += 1
    return _first(text, i, _CSV_LEADING) in _FORMULA


def csv_cell(value: Any) -> Any:
    """A value safe for a CSV field, reversibly: every segment (see the module docstring) that would start a
    formula, after any leading ``'`` and then spaces and quotes, gets one more leading ``'``. Non-text values are
    returned unchanged."""
    if not isinstance(value, str) or not value:
        return value
    starts = [s for s in _segment_starts(value) if _formula_like(value, s)]
    if not starts:
        return value
    out, last = [], 0
    for s in starts:
        out += [value[last:s], "'"]
        last = s
    out.append(value[last:])
    return "".join(out)


def uncsv_cell(value: str) -> str:
    """Undo :func:`csv_cell`: a segment that starts with ``'`` and after it would start a formula loses that
    first ``'``. Text written by hand such as ``'s-Hertogenbosch`` or ``'t Hofje`` stays as it is."""
    if "'" not in value:
        return value
    drop = {s for s in _segment_starts(value) if value[s:s + 1] == "'" and _formula_like(value, s + 1)}
    return "".join(ch for i, ch in enumerate(value) if i not in drop)


def csv_text(header: Iterable[Any], rows: Iterable[Iterable[Any]], *, quote_numbers: bool = True) -> str:
    """CSV text (comma separated, LF) with every text field made safe by :func:`csv_cell` and quoted, so no
    separator inside a field can split it. Numbers are quoted too unless ``quote_numbers`` is False (then a
    spreadsheet reads them as numbers)."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n", quoting=csv.QUOTE_ALL if quote_numbers else csv.QUOTE_NONNUMERIC)
    writer.writerow([csv_cell(str(h)) for h in header])
    for row in rows:
        writer.writerow(["" if v is None else csv_cell(v) for v in row])
    return buf.getvalue()
