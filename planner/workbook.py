"""roster.xlsx as planners print it: a sheet per team on A4 landscape, names beside codes, colours with a legend.

Each team sheet is an officers × days grid: per day the shift code (or the absence), and its start and end as real
Excel time cells; then planned, available and own-wijk hours and the week's own-wijk share. Title rows repeat on
every printed page, the panes are frozen on the names, and the sheet fits the width of one A4 page. The sheet
``blokken`` lists every block with real date and time cells (filterable); ``run`` holds the provenance.
Every text cell from input passes :func:`planner.safe.cell`; no cell is a formula.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd

from planner.safe import cell, xlsx_text

#: Fills per shift code (in the order of planner.toml's shifts; more shift types take the next colour) ...
SHIFT_COLOURS = ("FFF2CC", "D9EAD3", "FCE5CD", "D9D2E9", "D0E0E3", "F4CCCC", "EAD1DC", "C9DAF8", "E6B8AF", "FFE599")
#: ... per activity of a block (the blokken sheet, and a grid day without a shift code) ...
ACTIVITY_COLOURS = {
    "wijk": "D9EAD3", "voor_wijk": "B6D7A8", "noodhulp": "F4CCCC", "event": "FCE5CD", "training": "CFE2F3",
    "office": "E7E6E6", "other_wijk": "FFF2CC",
}
OTHER_ACTIVITY = "EFEFEF"
#: ... for a day away (leave, sickness), and for a share below the norm.
ABSENT_COLOUR = "BFBFBF"
BELOW_NORM_COLOUR = "F4CCCC"
DAY_NAMES = ("ma", "di", "wo", "do", "vr", "za", "zo")
_HEADER_ROWS = 5  # title, subtitle, blank, day names, column names
_FIRST_DAY_COLUMN = 5  # A id, B name, C wijk, D wijk name
_TITLE_REFUSED = frozenset("[]:*?/\\\ufffe\uffff")  # Excel's forbidden title characters and XML's non-characters


@dataclass(frozen=True)
class ShiftKind:
    """A shift type as the legend shows it."""

    code: str
    name: str
    start: dt.time | None
    end: dt.time | None


#: A working day whose times are published later (``[period] notice = "rest_days"``).
WORK_DAY = "werk"
WORK_DAY_COLOUR = "D9D9D9"

def week_share(own_h: float, available_h: float, worked_h: float) -> float | None:
    """The week's own-wijk share: own-wijk hours over the larger of available and worked hours, so it never
    exceeds 100 % (an officer who works more than available hours has the worked hours as the base)."""
    base = max(float(available_h or 0.0), float(worked_h or 0.0))
    return min(1.0, float(own_h or 0.0) / base) if base > 0 else None


def sheet_title(text: str, taken: set[str]) -> str:
    """A valid, unique worksheet title (at most 31 characters, none of []:*?/\\ nor what XML forbids, not starting
    or ending in ')."""
    clean = "".join(" " if ch in _TITLE_REFUSED or ord(ch) < 32 else ch for ch in str(text)).strip().strip("'")
    clean = clean[:31] or "team"
    title, n = clean, 2
    while title.casefold() in taken or title.casefold() in ("blokken", "run", "history"):
        suffix = f" ({n})"
        title, n = clean[: 31 - len(suffix)] + suffix, n + 1
    taken.add(title.casefold())
    return title


def _header_text(text: str) -> str:
    """Text safe inside an Excel page header or footer ('&' starts a field code there; openpyxl does not check
    it for characters XML forbids, so those are shown as escapes here)."""
    return xlsx_text(str(text)).replace("&", "&&")


def _local(t: Any, tz: Any) -> dt.datetime:
    return (t.astimezone(tz) if tz is not None else t).replace(tzinfo=None)


def _label(activity: str) -> str:
    from planner.outputs import activity_label

    return activity_label(activity)


def xlsx_bytes(plan: Any, days: list[dt.date], absences: pd.DataFrame, fixed_time: dt.datetime, *,
               wijk_names: Mapping[str, str] | None = None, shifts: Sequence[Any] = (), tz: Any = None,
               times_until: dt.date | None = None) -> bytes:
    """The roster workbook (deterministic: fixed document and zip times for equal rosters). From ``times_until``
    on (``[period] notice = "rest_days"``) a day shows only work (``werk``) or rest, no shift or times."""
    from openpyxl import Workbook

    from planner.outputs import _fixed_zip_times, provenance

    names = dict(wijk_names or {})
    kinds = _shift_kinds(shifts, plan.roster)
    colours = {k.code: SHIFT_COLOURS[i % len(SHIFT_COLOURS)] for i, k in enumerate(kinds)}
    away = _away_by_officer(absences)
    wb = Workbook()
    wb.remove(wb.active)
    taken: set[str] = set()
    for result in sorted(plan.results, key=lambda r: str(r.team)):
        if not len(result.officers):
            continue
        ws = wb.create_sheet(sheet_title(result.team, taken))
        _team_sheet(ws, plan, result, days, names, kinds, colours, away, tz, times_until)
    _blocks_sheet(wb.create_sheet("blokken"), plan, names, tz)
    run = wb.create_sheet("run")
    for key, value in provenance(plan).items():
        run.append([cell(key), cell(str(value))])
    run.column_dimensions["A"].width = 28
    run.column_dimensions["B"].width = 70
    wb.properties.created = fixed_time.replace(tzinfo=None)
    wb.properties.modified = fixed_time.replace(tzinfo=None)
    wb.properties.creator = "planner"
    wb.properties.title = f"Rooster {plan.week}"
    buf = io.BytesIO()
    wb.save(buf)
    return _fixed_zip_times(buf.getvalue(), fixed_time)


def _shift_kinds(shifts: Sequence[Any], roster: pd.DataFrame) -> list[ShiftKind]:
    """The legend's shift kinds: each family of planner.toml (a fixed type with its times), then codes only the
    roster has."""
    kinds = [
        ShiftKind(str(s.code), str(s.name), s.earliest, dt.time.fromisoformat(s.end)) if s.fixed
        else ShiftKind(str(s.code), f"{s.name} (begin {s.start}–{s.latest_start or s.start}, "
                       f"{s.min_hours:g}–{s.max_hours:g} u)", None, None)
        for s in shifts
    ]
    known = {k.code for k in kinds}
    for code in roster.get("shift", pd.Series(dtype=object)):
        if isinstance(code, str) and code and code not in known:
            kinds.append(ShiftKind(code, code, None, None))
            known.add(code)
    return kinds


def _away_by_officer(absences: pd.DataFrame) -> dict[str, list[tuple[dt.date, dt.date, str]]]:
    out: dict[str, list[tuple[dt.date, dt.date, str]]] = {}
    if absences is None or absences.empty:
        return out
    away = absences[absences["kind"] == "unavailable"]
    for oid, s, e, reason in zip(away["officer_id"], away["start"], away["end"], away["reason"], strict=True):
        out.setdefault(str(oid), []).append((s.date(), (e - dt.timedelta(seconds=1)).date(), str(reason)))
    return out


def _styles() -> dict[str, Any]:
    from openpyxl.styles import Alignment, Border, Font, Side

    thin, medium = Side(style="thin", color="A6A6A6"), Side(style="medium", color="595959")
    return {
        "title": Font(bold=True, size=14),
        "subtitle": Font(size=10, color="404040"),
        "head": Font(bold=True, size=10),
        "body": Font(size=10),
        "center": Alignment(horizontal="center", vertical="center"),
        "left": Alignment(horizontal="left", vertical="center"),
        "left_wrap": Alignment(horizontal="left", vertical="center", wrap_text=True),
        "wrap": Alignment(horizontal="center", vertical="center", wrap_text=True),
        "box": Border(left=thin, right=thin, top=thin, bottom=thin),
        "day_left": Border(left=medium, right=thin, top=thin, bottom=thin),
    }


def _fill(colour: str) -> Any:
    from openpyxl.styles import PatternFill

    return PatternFill("solid", fgColor=colour)


def _team_sheet(ws: Any, plan: Any, result: Any, days: list[dt.date], names: dict[str, str],
                kinds: list[ShiftKind], colours: dict[str, str], away: dict[str, list[tuple[dt.date, dt.date, str]]],
                tz: Any, times_until: dt.date | None = None) -> None:
    from openpyxl.utils import get_column_letter

    st = _styles()
    last_day_col = _FIRST_DAY_COLUMN + 3 * len(days) - 1
    totals = ["uren gepland", "uren beschikb.", "uren eigen wijk", "aandeel eigen wijk"]
    last_col = last_day_col + len(totals)
    team = str(result.team)
    ws.cell(1, 1, cell(f"Rooster {plan.week} · {team}")).font = st["title"]
    first, final = days[0], days[-1]
    ws.cell(2, 1, cell(f"{DAY_NAMES[first.weekday()]} {first:%d-%m-%Y} t/m {DAY_NAMES[final.weekday()]} "
                       f"{final:%d-%m-%Y} · norm {plan.norm_share:.0%} van de uren in de eigen wijk · status "
                       f"{result.status}")).font = st["subtitle"]
    # Header rows 4 (days) and 5 (columns); both repeat on every printed page.
    heads = ["nr", "naam", "wijk", "wijknaam"]
    for j, text in enumerate(heads, start=1):
        ws.cell(5, j, text)
    holidays = {str(h.get("date")): str(h.get("name", "")) for h in (getattr(plan, "holidays", None) or {})
                .get("days", []) if isinstance(h, dict)}
    for i, d in enumerate(days):
        col = _FIRST_DAY_COLUMN + 3 * i
        holiday = holidays.get(d.isoformat())
        ws.cell(4, col, cell(f"{DAY_NAMES[d.weekday()]} {d:%d-%m}" + (f" · {holiday}" if holiday else "")))
        ws.merge_cells(start_row=4, start_column=col, end_row=4, end_column=col + 2)
        for k, text in enumerate(("dienst", "van", "tot")):
            ws.cell(5, col + k, text)
    for k, text in enumerate(totals):
        ws.cell(5, last_day_col + 1 + k, text)
    for row in (4, 5):
        for col in range(1, last_col + 1):
            c = ws.cell(row, col)
            c.font, c.alignment, c.border = st["head"], st["wrap"], st["box"]
            if col >= _FIRST_DAY_COLUMN and col <= last_day_col and (col - _FIRST_DAY_COLUMN) % 3 == 0:
                c.border = st["day_left"]
    blocks: dict[tuple[str, dt.date], list[dict[str, Any]]] = {}
    for b in result.roster.to_dict("records"):
        blocks.setdefault((str(b["officer_id"]), b["date"]), []).append(b)
    row = _HEADER_ROWS
    for o in result.officers.to_dict("records"):
        row += 1
        oid = str(o["officer_id"])
        wijken = [w for w in str(o.get("wijken", "")).split("|") if w]
        values: list[Any] = [cell(oid), cell(str(o.get("name", ""))), cell(", ".join(wijken)),
                             cell(", ".join(names.get(w, w) for w in wijken))]
        for j, v in enumerate(values, start=1):
            c = ws.cell(row, j, v)
            c.font, c.alignment, c.border = st["body"], st["left_wrap"] if j > 2 else st["left"], st["box"]
        for i, d in enumerate(days):
            col = _FIRST_DAY_COLUMN + 3 * i
            text, start, end, colour = _day(blocks.get((oid, d), []), away.get(oid, []), d, colours, tz)
            if times_until is not None and d >= times_until and blocks.get((oid, d)):
                text, start, end, colour = WORK_DAY, None, None, WORK_DAY_COLOUR  # times follow later
            for k, v in enumerate((cell(text) if text else None, start, end)):
                c = ws.cell(row, col + k, v)
                c.font, c.alignment, c.border = st["body"], st["center"], st["day_left"] if k == 0 else st["box"]
                if k:
                    c.number_format = "hh:mm"
                if colour:
                    c.fill = _fill(colour)
        planned, available, own = float(o["planned_h"]), float(o["available_h"]), float(o["own_wijk_h"])
        share = week_share(own, available, planned)
        for k, v in enumerate((planned, available, own, share)):
            c = ws.cell(row, last_day_col + 1 + k, v)
            c.font, c.alignment, c.border = st["body"], st["center"], st["box"]
            c.number_format = "0%" if k == 3 else "0.0"
        if share is not None and share < plan.norm_share:
            ws.cell(row, last_col).fill = _fill(BELOW_NORM_COLOUR)
    _legend(ws, row + 2, kinds, colours, plan, result, st, times_until)
    widths = [9, 20, 10, 16] + [7, 6, 6] * len(days) + [9, 9, 9, 10]
    for j, w in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(j)].width = w
    ws.row_dimensions[5].height = 30
    ws.freeze_panes = ws.cell(_HEADER_ROWS + 1, _FIRST_DAY_COLUMN)
    _print_setup(ws, f"{get_column_letter(last_col)}", row_titles=f"4:{_HEADER_ROWS}",
                 header=f"{team} · week {plan.week}")


def _day(day_blocks: list[dict[str, Any]], away: list[tuple[dt.date, dt.date, str]], d: dt.date,
         colours: dict[str, str], tz: Any) -> tuple[str, dt.time | None, dt.time | None, str | None]:
    """What one grid day shows: (text, start, end, fill colour)."""
    if day_blocks:
        codes = list(dict.fromkeys(b["shift"] for b in day_blocks if isinstance(b["shift"], str) and b["shift"]))
        loose = list(dict.fromkeys(_label(b["activity"]) for b in day_blocks
                                   if not (isinstance(b["shift"], str) and b["shift"])))
        start = _local(min(b["start"] for b in day_blocks), tz).time()
        end = _local(max(b["end"] for b in day_blocks), tz).time()
        if codes:
            return " + ".join(codes + loose), start, end, colours.get(codes[0])
        first = next(b["activity"] for b in day_blocks)
        return " + ".join(loose), start, end, ACTIVITY_COLOURS.get(first, OTHER_ACTIVITY)
    reason = next((r for a, b, r in away if a <= d <= b), "")
    return reason, None, None, ABSENT_COLOUR if reason else None


def _legend(ws: Any, row: int, kinds: list[ShiftKind], colours: dict[str, str], plan: Any, result: Any,
            st: dict[str, Any], times_until: dt.date | None = None) -> None:
    ws.cell(row, 1, "legenda").font = st["head"]
    entries: list[tuple[str, str, str]] = []
    for k in kinds:
        times = f" {k.start:%H:%M}–{k.end:%H:%M}" if k.start is not None and k.end is not None else ""
        entries.append((k.code, f"{k.name}{times}", colours[k.code]))
    loose = {b["activity"] for b in result.roster.to_dict("records")
             if not (isinstance(b["shift"], str) and b["shift"])}
    for act in sorted(loose):
        entries.append((_label(act), f"{_label(act)} (buiten een dienst)", ACTIVITY_COLOURS.get(act, OTHER_ACTIVITY)))
    entries.append(("afwezig", "verlof, ziekte en ander verlof (de reden staat in de cel)", ABSENT_COLOUR))
    if times_until is not None:
        entries.append((WORK_DAY, f"werkdag; de tijden volgen later (vanaf {times_until:%d-%m})", WORK_DAY_COLOUR))
    entries.append((f"< {plan.norm_share:.0%}", "eigen wijk onder de norm (eigen wijk-uren / het grootste van "
                    "beschikbare en gewerkte uren)", BELOW_NORM_COLOUR))
    for i, (code, text, colour) in enumerate(entries, start=1):
        swatch = ws.cell(row + i, 1, cell(code))
        swatch.fill, swatch.font, swatch.alignment, swatch.border = _fill(colour), st["body"], st["center"], st["box"]
        ws.cell(row + i, 2, cell(text)).font = st["body"]


def _blocks_sheet(ws: Any, plan: Any, names: dict[str, str], tz: Any) -> None:
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    heads = ["nr", "naam", "team", "datum", "begin", "eind", "uren", "activiteit", "wijk", "wijknaam", "dienst",
             "taak"]
    ws.append(heads)
    for c in ws[1]:
        c.font = Font(bold=True)
    officer_names = {str(o): str(n) for r in plan.results if len(r.officers)
                     for o, n in zip(r.officers["officer_id"], r.officers["name"], strict=True)}
    team_of = {str(o): str(r.team) for r in plan.results if len(r.officers) for o in r.officers["officer_id"]}
    roster = plan.roster.sort_values(["officer_id", "start"], kind="stable")
    for b in roster.to_dict("records"):
        oid = str(b["officer_id"])
        start, end = _local(b["start"], tz), _local(b["end"], tz)
        wijk = b["wijk_code"] if isinstance(b["wijk_code"], str) else ""
        ws.append([cell(oid), cell(officer_names.get(oid, "")), cell(team_of.get(oid, "")), b["date"], start, end,
                   round((b["end"] - b["start"]).total_seconds() / 3600, 4), cell(_label(str(b["activity"]))),
                   cell(wijk), cell(names.get(wijk, "") if wijk else ""),
                   cell(b["shift"] if isinstance(b["shift"], str) else ""),
                   cell(b["task"] if isinstance(b["task"], str) else "")])
        row = ws.max_row
        ws.cell(row, 4).number_format = "dd-mm-yyyy"
        ws.cell(row, 5).number_format = ws.cell(row, 6).number_format = "dd-mm-yyyy hh:mm"
        ws.cell(row, 7).number_format = "0.00"
        ws.cell(row, 8).fill = _fill(ACTIVITY_COLOURS.get(str(b["activity"]), OTHER_ACTIVITY))
    for j, w in enumerate([9, 20, 20, 11, 16, 16, 6, 12, 10, 16, 7, 24], start=1):
        ws.column_dimensions[get_column_letter(j)].width = w
    ws.freeze_panes = "C2"
    ws.auto_filter.ref = f"A1:L{ws.max_row}"
    _print_setup(ws, "L", row_titles="1:1", header=f"blokken · week {plan.week}")


def _print_setup(ws: Any, last_col: str, *, row_titles: str, header: str) -> None:
    """A4 landscape, the width of one page, title rows on every page, a header naming the sheet and week."""
    from openpyxl.worksheet.page import PageMargins

    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_title_rows = row_titles
    ws.print_area = f"A1:{last_col}{ws.max_row}"
    ws.print_options.horizontalCentered = True
    ws.page_margins = PageMargins(left=0.4, right=0.4, top=0.7, bottom=0.6, header=0.3, footer=0.3)
    ws.oddHeader.center.text = _header_text(header)
    ws.oddHeader.center.size = 11
    ws.oddFooter.left.text = "planner"
    ws.oddFooter.right.text = "pagina &P van &N"
