"""roster.xlsx as planners print it: a sheet per team, names beside codes, colours with a legend, real time cells,
A4 landscape fitted to the width with repeated title rows and frozen panes, shares never above 100 %.

The look on paper is checked by hand (docs/reliability.md, "roster.xlsx on paper": LibreOffice to PDF, pdftoppm to
PNG); these tests pin what makes it printable and readable, cell by cell, with openpyxl.
"""

from __future__ import annotations

import datetime as dt
import io
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

from planner.config import ShiftFamily
from planner.safe import cell
from planner.workbook import ABSENT_COLOUR, BELOW_NORM_COLOUR, sheet_title, week_share, xlsx_bytes
from tests._robust_helpers import WEEK, WIJK_A, WIJK_B, invoke, write_data

TZ = ZoneInfo("Europe/Amsterdam")
DAYS = [dt.date(2027, 1, 18) + dt.timedelta(days=i) for i in range(7)]
FIXED = dt.datetime(2027, 1, 18, tzinfo=dt.UTC)
SHIFTS = [ShiftFamily(code="V", name="Vroeg", start="07:00", end="15:00"),
          ShiftFamily(code="N", name="Nacht", start="23:00", end="07:00")]
NAMES = {WIJK_A: "Oost", WIJK_B: "West"}


def _block(oid: str, day: int, h0: int, h1: int, activity: str = "wijk", wijk: str = WIJK_A, shift: str = "V",
           task: str = "") -> dict:
    start = dt.datetime(2027, 1, 18, h0, tzinfo=TZ) + dt.timedelta(days=day)
    end = dt.datetime(2027, 1, 18, tzinfo=TZ) + dt.timedelta(days=day, hours=h1)
    return {"officer_id": oid, "date": start.date(), "start": start, "end": end, "activity": activity,
            "wijk_code": wijk, "shift": shift, "task": task}


def _result(team: str, officers: list[dict], blocks: list[dict]) -> SimpleNamespace:
    return SimpleNamespace(team=team, status="optimal", officers=pd.DataFrame(officers), roster=pd.DataFrame(blocks))


def _officer(oid: str, name: str, wijken: str, planned: float, available: float, own: float) -> dict:
    return {"officer_id": oid, "name": name, "wijken": wijken, "planned_h": planned, "available_h": available,
            "own_wijk_h": own, "share": own / available}


def _plan() -> SimpleNamespace:
    a = _result("Team Noord & Zuid", [_officer("W-01", "Anna Jansen", WIJK_A, 40, 32, 32),
                                      _officer("W-02", "Bert de Vries", WIJK_B, 8, 8, 8)],
                [_block("W-01", 0, 7, 15), _block("W-01", 1, 23, 31, shift="N"),
                 _block("W-01", 3, 9, 13, activity="training", wijk="", shift="", task="IBT"),
                 _block("W-02", 0, 7, 11), _block("W-02", 0, 11, 15, activity="noodhulp", wijk="")])
    b = _result("Team Oost", [_officer("W-03", "Cor Bakker", WIJK_B, 8, 16, 4)],
                [_block("W-03", 4, 7, 15, wijk=WIJK_B)])
    roster = pd.concat([a.roster, b.roster], ignore_index=True)
    return SimpleNamespace(results=[a, b], roster=roster, week=WEEK, norm_share=0.8, params={"planner": "t"},
                           inputs={"officers.csv": "abc"})


ABSENCES = pd.DataFrame([{"officer_id": "W-02", "start": dt.datetime(2027, 1, 20, tzinfo=TZ),
                          "end": dt.datetime(2027, 1, 22, tzinfo=TZ), "reason": "verlof", "kind": "unavailable"}])


@pytest.fixture(scope="module")
def book():  # type: ignore[no-untyped-def]
    data = xlsx_bytes(_plan(), DAYS, ABSENCES, FIXED, wijk_names=NAMES, shifts=SHIFTS, tz=TZ)
    return load_workbook(io.BytesIO(data)), data


def _row_of(ws, oid: str) -> int:  # type: ignore[no-untyped-def]
    return next(c.row for c in ws["A"] if c.value == oid)


def test_a_sheet_per_team_then_blocks_and_run(book):
    wb, _ = book
    assert wb.sheetnames == ["Team Noord & Zuid", "Team Oost", "blokken", "run"]
    noord = wb["Team Noord & Zuid"]
    assert {c.value for c in noord["A"]} >= {"W-01", "W-02"} and "W-03" not in {c.value for c in noord["A"]}
    assert noord["A1"].value == f"Rooster {WEEK} · Team Noord & Zuid"


def test_names_beside_codes(book):
    ws = book[0]["Team Noord & Zuid"]
    r = _row_of(ws, "W-01")
    assert [ws.cell(r, j).value for j in range(1, 5)] == ["W-01", "Anna Jansen", WIJK_A, "Oost"]
    assert [ws.cell(5, j).value for j in range(1, 5)] == ["nr", "naam", "wijk", "wijknaam"]


def test_day_cells_hold_code_and_real_time_cells(book):
    """Monday: code V, and start/end as Excel times (numbers with an hh:mm format), not text."""
    ws = book[0]["Team Noord & Zuid"]
    r = _row_of(ws, "W-01")
    code, start, end = (ws.cell(r, 5 + k) for k in range(3))
    assert code.value == "V"
    assert start.data_type != "s" and start.is_date and start.value == dt.time(7, 0)  # a number, shown as time
    assert end.value == dt.time(15, 0) and end.number_format == "hh:mm"
    night = [ws.cell(r, 8 + k).value for k in range(3)]  # Tuesday: the night shift ends at 07:00 the next day
    assert night == ["N", dt.time(23, 0), dt.time(7, 0)]
    assert [ws.cell(r, 14 + k).value for k in range(3)] == ["training", dt.time(9, 0), dt.time(13, 0)]


def test_colours_per_shift_kind_with_a_legend(book):
    ws = book[0]["Team Noord & Zuid"]
    r = _row_of(ws, "W-01")
    v_fill, n_fill = ws.cell(r, 5).fill.fgColor.rgb, ws.cell(r, 8).fill.fgColor.rgb
    assert v_fill != n_fill and ws.cell(r, 6).fill.fgColor.rgb == v_fill  # code and times share the colour
    away = ws.cell(_row_of(ws, "W-02"), 11)  # Wednesday: leave
    assert away.value == "verlof" and away.fill.fgColor.rgb.endswith(ABSENT_COLOUR)
    legend = next(c.row for c in ws["A"] if c.value == "legenda")
    swatches = {ws.cell(i, 1).value: (ws.cell(i, 1).fill.fgColor.rgb, ws.cell(i, 2).value)
                for i in range(legend + 1, ws.max_row + 1)}
    assert swatches["V"] == (v_fill, "Vroeg 07:00–15:00") and swatches["N"][0] == n_fill
    assert "afwezig" in swatches and "training" in swatches


def test_share_never_above_100_percent(book):
    """W-01 worked 40 h of 32 available, 32 in the wijk: 32 / max(32, 40) = 80 %, not 100 %; W-03 is below."""
    ws = book[0]["Team Noord & Zuid"]
    share = ws.cell(_row_of(ws, "W-01"), ws.max_column)
    assert ws.cell(5, ws.max_column).value == "aandeel eigen wijk"
    assert share.value == pytest.approx(0.8) and share.number_format == "0%"
    oost = book[0]["Team Oost"]
    low = oost.cell(_row_of(oost, "W-03"), oost.max_column)
    assert low.value == pytest.approx(0.25) and low.fill.fgColor.rgb.endswith(BELOW_NORM_COLOUR)
    assert week_share(36, 32, 40) == pytest.approx(0.9) and week_share(50, 40, 40) == 1.0
    assert week_share(0, 0, 0) is None


def test_print_setup_a4_landscape_fit_to_width_with_title_rows(book):
    wb, _ = book
    for ws in wb.worksheets[:3]:
        ps = ws.page_setup
        assert ps.orientation == "landscape" and int(ps.paperSize) == 9  # 9 = A4
        assert ws.sheet_properties.pageSetUpPr.fitToPage and ps.fitToWidth == 1 and ps.fitToHeight == 0
        assert ws.print_title_rows in ("$4:$5", "$1:$1"), ws.print_title_rows
        assert ws.print_area
    team = wb["Team Noord & Zuid"]
    assert team.freeze_panes == "E6"
    assert team.oddHeader.center.text == "Team Noord && Zuid · week 2027-W03"  # '&' is a field code in headers
    assert "&P" in team.oddFooter.right.text


def test_blocks_sheet_has_real_dates_and_times(book):
    ws = book[0]["blokken"]
    assert [c.value for c in ws[1]][:7] == ["nr", "naam", "team", "datum", "begin", "eind", "uren"]
    row = [c for c in ws[2]]
    assert row[3].is_date and row[4].is_date and row[5].is_date
    assert row[4].value == dt.datetime(2027, 1, 18, 7) and row[6].value == 8
    assert ws.auto_filter.ref == f"A1:L{ws.max_row}" and ws.freeze_panes == "C2"


def test_byte_identical_across_runs():
    a = xlsx_bytes(_plan(), DAYS, ABSENCES, FIXED, wijk_names=NAMES, shifts=SHIFTS, tz=TZ)
    b = xlsx_bytes(_plan(), DAYS, ABSENCES, FIXED, wijk_names=NAMES, shifts=SHIFTS, tz=TZ)
    assert a == b


def test_sheet_titles_are_valid_and_unique():
    taken: set[str] = set()
    titles = [sheet_title(t, taken) for t in ("A/B", "A:B", "x" * 40, "x" * 40, "blokken", "'quoted'", "")]
    assert len({t.casefold() for t in titles}) == len(titles)
    assert all(len(t) <= 31 and not set(t) & set("[]:*?/\\") for t in titles)


#: What XML 1.0 cannot hold (C0 controls but TAB, LF, CR; U+FFFE, U+FFFF), and characters it can.
_XML_ILLEGAL = [chr(c) for c in range(32) if chr(c) not in "\t\n\r"] + ["\ufffe", "\uffff"]
_CONTROL_TEXT = st.text(alphabet=st.sampled_from([*_XML_ILLEGAL, "\t", "\n", "\r", "\x7f", "\x85", "=", "a", "é",
                                                  "\\", "x"]), max_size=16)


@given(_CONTROL_TEXT)
@settings(max_examples=150, deadline=None)
def test_xlsx_cell_holds_any_text(value):
    """openpyxl refuses XML's forbidden characters (IllegalCharacterError); safe.cell shows each as its escape, so
    every text can be written, the file loads, and the rest of the text is kept as typed (a CR reads back as LF:
    XML's line-end rule)."""
    from openpyxl import Workbook

    wb = Workbook()
    wb.active["A1"] = cell(value)
    buf = io.BytesIO()
    wb.save(buf)
    got = load_workbook(buf).active["A1"].value or ""
    assert not set(got) & set(_XML_ILLEGAL)
    expected = "".join((f"\\x{ord(ch):02x}" if ord(ch) < 0x100 else f"\\u{ord(ch):04x}")
                       if ch in _XML_ILLEGAL else ch for ch in value)
    assert got.removeprefix("'") == expected.replace("\r\n", "\n").replace("\r", "\n")


def test_roster_xlsx_with_control_characters_in_every_text_loads():
    """Team, officer name, wijk name, task and absence reason with control characters and U+FFFF: the workbook is
    written (no IllegalCharacterError) and well-formed also in the page header, which openpyxl does not check; the
    characters are shown as escapes."""
    bad = "a\x01b\x1b[31m\x0b\uffff"
    plan = _plan()
    plan.results[0].team = f"Team A {bad}"
    plan.results[0].officers.loc[0, "name"] = f"Anna {bad}"
    plan.results[0].roster.loc[2, "task"] = f"IBT {bad}"
    plan.roster = pd.concat([r.roster for r in plan.results], ignore_index=True)
    absences = ABSENCES.assign(reason=f"verlof {bad}")
    data = xlsx_bytes(plan, DAYS, absences, FIXED, wijk_names={WIJK_A: f"Oost {bad}"}, shifts=SHIFTS, tz=TZ)
    wb = load_workbook(io.BytesIO(data))
    shown = "a\\x01b\\x1b[31m\\x0b\\uffff"
    team = wb.worksheets[0]
    assert team["A1"].value == f"Rooster {WEEK} · Team A {shown}"
    assert team.oddHeader.center.text == f"Team A {shown} · week {WEEK}"
    texts = [c.value for ws in wb.worksheets for row in ws.iter_rows() for c in row if isinstance(c.value, str)]
    for typed in (f"Anna {shown}", f"Oost {shown}", f"IBT {shown}", f"verlof {shown}"):
        assert typed in texts, typed
    assert not any(set(t) & set(_XML_ILLEGAL) for t in texts)


def test_roster_run_writes_a_sheet_per_team(tmp_path):
    """Through the CLI: a folder with two teams gives two team sheets, wijk names from the wijken file."""
    officers = ("officer_id,name,wijk_code,contract_hours,night_exempt,team\n"
                f"W-01,Anna Jansen,{WIJK_A},36,nee,Team A\nW-02,Bert de Vries,{WIJK_B},32,ja,Team B\n")
    data = write_data(tmp_path / "d", {"officers.csv": officers, "team_demand.csv": None, "absences.csv": None,
                                       "wishes.csv": None})
    out = tmp_path / "out"
    result = invoke(["roster", data, "-w", WEEK, "-o", out, "-q", "--processes", "1"])
    assert result.exit_code == 0, result.output
    wb = load_workbook(out / "roster.xlsx")
    assert wb.sheetnames == ["Team A", "Team B", "blokken", "run"]
    ws = wb["Team A"]
    assert [ws.cell(6, j).value for j in range(1, 5)] == ["W-01", "Anna Jansen", WIJK_A, "Oost"]
