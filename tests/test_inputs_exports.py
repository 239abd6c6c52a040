"""What real exports contain: line endings of every system, ISO basic dates, zero and negative populations,
doubled wijken, stray pins, output folders that would land in the data folder, periods written backwards.

Each class is tested through the function every input goes through (one line-ending normaliser, one date
parser) with hypothesis, and end to end through the CLI (one error line naming file, row and column; exit 2;
nothing written).
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from planner.dataset import load_dataset
from planner.hours import leave_minutes
from planner.tables import read_csv
from planner.timeutil import parse_date, parse_datetime, parse_day, parse_moment, parse_period
from tests._robust_helpers import (
    OFFICERS,
    ROSTER_HEADER,
    ROSTER_OK,
    WEEK,
    WIJK_A,
    WIJK_B,
    feature,
    invoke,
    one_error_line,
    polygon,
    tree_digest,
    wijken_geojson,
    write_data,
)

TZ = ZoneInfo("Europe/Amsterdam")
ENDINGS = ["\n", "\r\n", "\r"]


# ---- line endings ---------------------------------------------------------------------------------------------


def test_excel_for_mac_cr_only_officers_load(tmp_path):
    """Excel for Mac writes CR alone between lines: today that was one long line with a stray newline in it."""
    data = write_data(tmp_path / "d", {"officers.csv": OFFICERS.replace("\n", "\r").encode()})
    ds = load_dataset(data)
    assert ds.officers["officer_id"].tolist() == ["W-01", "W-02"]
    assert ds.officers["contract_hours"].tolist() == [36.0, 32.0]


def test_mixed_line_endings_keep_row_numbers(tmp_path):
    """A file edited on two systems mixes CRLF, CR and LF; an error still names the file's own line."""
    text = ("officer_id,name,wijk_code,contract_hours\r\n"
            f"W-01,Anna,{WIJK_A},36\r"
            f"W-02,Bert,{WIJK_B},veel\n")
    data = write_data(tmp_path / "d", {"officers.csv": text.encode()})
    line = one_error_line(invoke(["validate", data]))
    assert "officers.csv, row 3, column 'contract_hours': 'veel' is not a number" in line


_cell = st.text(alphabet=st.characters(codec="utf-8", exclude_characters="\r\n,\"\x00", exclude_categories=["Cs"]),
                max_size=8)


@settings(max_examples=60, deadline=None)
@given(rows=st.lists(st.tuples(_cell, _cell), min_size=1, max_size=6),
       endings=st.lists(st.sampled_from(ENDINGS), min_size=8, max_size=8),
       quoted_break=st.sampled_from(ENDINGS))
def test_any_mix_of_line_endings_reads_like_lf(tmp_path_factory, rows, endings, quoted_break):
    """Whatever ending each line has (and a line break inside a quoted field), the records are those of the
    same file with LF endings, and each record's row is the line it starts on."""
    folder = tmp_path_factory.mktemp("nl")
    lines = ["a,b"] + [f"{x.strip() or 'x'},{y}" for x, y in rows] + [f'q,"one{quoted_break}two"']
    mixed = "".join(line + endings[i % len(endings)] for i, line in enumerate(lines))
    plain = "".join(line + "\n" for line in lines)
    (folder / "m.csv").write_bytes(mixed.encode())
    (folder / "p.csv").write_bytes(plain.encode())
    got = read_csv(folder / "m.csv", ["a", "b"])
    want = read_csv(folder / "p.csv", ["a", "b"])
    assert got.to_dict("records") == want.to_dict("records")
    assert got["b"].iloc[-1] == "one\ntwo"


# ---- dates: one parser, ISO extended and basic ------------------------------------------------------------------

_days = st.dates(min_value=dt.date(1950, 1, 1), max_value=dt.date(2150, 12, 31))
_clock = st.times().map(lambda t: t.replace(second=0, microsecond=0))


@settings(max_examples=200, deadline=None)
@given(day=_days, clock=_clock, sep=st.sampled_from(["T", " "]))
def test_basic_and_extended_dates_parse_alike(day, clock, sep):
    """20270120 is 2027-01-20 and 20270120T0730 is 2027-01-20T07:30, in every function that reads a date."""
    basic, ext = day.strftime("%Y%m%d"), day.isoformat()
    assert parse_moment(basic) == parse_moment(ext) == day
    assert parse_date(basic) == parse_date(ext) == day
    assert parse_day(basic) == parse_day(ext) == (-1, day)
    b_time = f"{basic}{sep}{clock:%H%M}"
    e_time = f"{ext}{sep}{clock:%H:%M}"
    want = dt.datetime.combine(day, clock)
    assert parse_moment(b_time) == parse_moment(e_time) == want
    assert parse_datetime(b_time, TZ) == parse_datetime(e_time, TZ)
    assert parse_datetime(basic, TZ) == parse_datetime(ext, TZ)


@pytest.mark.parametrize("text", ["20270120", "2027-01-20"])
def test_basic_date_as_absence_end_includes_the_day(tmp_path, text):
    """An absence ending on a date alone includes that day, also in basic format (it lost the day before):
    Mon 18 .. Wed 20 January is 3 days of 36/5 h."""
    data = write_data(tmp_path / "d", {"absences.csv": f"officer_id,start,end,reason\nW-01,20270118,{text},ziek\n"})
    ds = load_dataset(data)
    ab = ds.absences.iloc[0]
    assert ab["end"] == dt.datetime(2027, 1, 21, tzinfo=TZ)
    mins = leave_minutes(ds.absences_of("W-01"), "W-01", 36.0, dt.date(2027, 1, 18), ds.config)
    assert mins == 3 * 36 * 60 // 5


def test_basic_date_in_demand_day_and_wishes(tmp_path):
    """A demand row and a wish dated 20270120 mean Wednesday 20 January 2027."""
    data = write_data(tmp_path / "d", {
        "demand.csv": f"wijk_code,day,start,end,officers\n{WIJK_A},20270120,10:00,12:00,1\n",
        "wishes.csv": "officer_id,date\nW-02,20270122\n",
    })
    ds = load_dataset(data)
    assert ds.demand["date"].tolist() == [dt.date(2027, 1, 20)]
    assert ds.wishes["date"].tolist() == [dt.date(2027, 1, 22)]


@pytest.mark.parametrize("text", ["2027-W03-1", "2027020", "202701201", "2027-1-20", "20271320", "2027-01-20T25:00",
                                  "20270120T07:00:0"])
def test_dates_that_are_not_iso_calendar_dates_refused(text):
    """Week dates, ordinal dates, short or impossible dates get a ValueError that names the text."""
    with pytest.raises(ValueError, match="is not an ISO"):
        parse_datetime(text, TZ)


def test_reversed_period_refused():
    """2027-W10..2027-W03 used to be an empty period (a report of nothing); it is refused with the fix named."""
    with pytest.raises(ValueError, match="ends before it starts; write the earlier period first, e.g. "
                       "2027-W03..2027-W10"):
        parse_period("2027-W10..2027-W03")
    assert parse_period("2027-W03..2027-W03") == (dt.date(2027, 1, 18), dt.date(2027, 1, 25))


def test_reversed_period_is_one_line_in_report(tmp_path):
    data = write_data(tmp_path / "d")
    roster = tmp_path / "roster.csv"
    roster.write_text(ROSTER_OK, encoding="utf-8")
    out = tmp_path / "r.html"
    line = one_error_line(invoke(["report", data, "--period", "2027-W10..2027-W03", "--roster", roster,
                                  "--out", out]))
    assert "--period" in line and "ends before it starts" in line
    assert not out.exists()


# ---- population ----------------------------------------------------------------------------------------------


def test_all_zero_population_validates(tmp_path):
    """A population file of zeros gave a ZeroDivisionError traceback in validate; the ratio is now unknown."""
    data = write_data(tmp_path / "d", {"population.csv": f"wijk_code;inwoners\n{WIJK_A};0\n{WIJK_B};0\n"})
    result = invoke(["validate", data])
    assert result.exit_code == 0, result.output
    assert "Traceback" not in result.output
    assert "unknown" in result.output


def _geo_population(a: object, b: object = 4000) -> str:
    doc = json.loads(wijken_geojson([feature(WIJK_A, polygon(150_000.0)), feature(WIJK_B, polygon(151_000.0))]))
    doc["features"][0]["properties"]["inwoners"] = a
    doc["features"][1]["properties"]["inwoners"] = b
    return json.dumps(doc)


@pytest.mark.parametrize("value", [-1, -5000, -99999989])
def test_negative_population_in_wijken_file_refused(tmp_path, value):
    """A negative count that is not a CBS sentinel is an error (it was accepted as a negative population)."""
    data = write_data(tmp_path / "d", {"wijken.geojson": _geo_population(value), "population.csv": None})
    line = one_error_line(invoke(["validate", data]))
    assert f"wijken.geojson, wijk {WIJK_A}, column 'inwoners': {value:g} inhabitants is negative" in line


@pytest.mark.parametrize("value", [-99999999, -99999997, -99999990])
def test_cbs_sentinel_population_is_unknown(tmp_path, value):
    """CBS's secret/unreliable sentinels (at or below -99999990) are an unknown population, never a count."""
    data = write_data(tmp_path / "d", {"wijken.geojson": _geo_population(value), "population.csv": None})
    ds = load_dataset(data)
    pop = dict(zip(ds.wijken["wijk_code"], ds.wijken["inwoners"], strict=True))
    assert pop[WIJK_A] != pop[WIJK_A]  # NaN
    assert pop[WIJK_B] == 4000


# ---- officers, pins --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("wijken", [f"{WIJK_A}|{WIJK_A}", f"{WIJK_A}|{WIJK_B}|{WIJK_A}", f"{WIJK_A} | {WIJK_A}"])
def test_wijk_listed_twice_for_one_officer_refused(tmp_path, wijken):
    """'WK|WK' counted the officer as two halves in one wijk; it is refused, naming the wijk."""
    text = f"officer_id,name,wijk_code,contract_hours\nW-01,Anna,{wijken},36\n"
    data = write_data(tmp_path / "d", {"officers.csv": text})
    line = one_error_line(invoke(["validate", data]))
    assert f"officers.csv, row 2, column 'wijk_code': wijk '{WIJK_A}' is listed twice" in line


PIN_ROW = "{oid},{date},{date}T07:00+01:00,{date}T15:00+01:00,wijk,{wijk},V,\n"


@pytest.mark.parametrize(("oid", "date", "wijk", "fragment"), [
    ("W-09", "2027-01-19", WIJK_A, "extra.csv, row 3, column 'officer_id': officer 'W-09' is not in officers.csv"),
    ("W-01", "2027-01-26", WIJK_A, "extra.csv, row 3, column 'date': 2027-01-26 lies outside the week being planned"),
    ("W-01", "2027-01-17", WIJK_A, "extra.csv, row 3, column 'date': 2027-01-17 lies outside the week being planned"),
    ("W-01", "2027-01-19", "WK000000", "extra.csv, row 3, column 'wijk_code': wijk 'WK000000' is not in the wijken"),
])
def test_stray_pins_refused(tmp_path, oid, date, wijk, fragment):
    """Pins of an unknown officer or wijk, or outside the planned week, were silently dropped; now one line."""
    data = write_data(tmp_path / "d")
    pins = tmp_path / "extra.csv"
    ok = PIN_ROW.format(oid="W-01", date="2027-01-18", wijk=WIJK_A)
    pins.write_text(ROSTER_HEADER + ok + PIN_ROW.format(oid=oid, date=date, wijk=wijk), encoding="utf-8")
    out = tmp_path / "out"
    line = one_error_line(invoke(["roster", data, "-w", WEEK, "-o", out, "--pins", pins]))
    assert fragment in line
    assert not out.exists()


# ---- output folders ----------------------------------------------------------------------------------------------


def _out_cases(data: Path) -> list[tuple[str, str]]:
    return [
        ("data folder", str(data)),
        ("data folder spelled with ..", str(data / "sub" / "..")),
        ("inside the data folder", str(data / "out")),
        ("empty", ""),
        ("blank", "  "),
    ]


def _commands(data: Path, roster: Path, out: str) -> dict[str, list[str]]:
    return {
        "roster": ["roster", str(data), "-w", WEEK, "-o", out],
        "replan": ["replan", str(roster), str(data), "--from", "2027-01-20T07:00", "-o", out],
        "whatif": ["whatif", str(data), str(data / "sc.toml"), "-w", WEEK, "-o", out],
        "sweep": ["sweep", str(data), "-w", WEEK, "--samples", "1", "-o", out],
    }


@pytest.mark.parametrize("command", ["roster", "replan", "whatif", "sweep"])
def test_out_folder_in_data_folder_or_empty_refused(tmp_path, command):
    """--out equal to the data folder (however spelled), inside it, or empty: one line, exit 2, nothing written
    (--out data/demo wrote roster.csv and friends among the inputs; an empty --out wrote into the current folder)."""
    data = write_data(tmp_path / "d")
    (data / "sc.toml").write_text('name = "x"\n', encoding="utf-8")
    roster = tmp_path / "r" / "roster.csv"
    roster.parent.mkdir()
    roster.write_text(ROSTER_OK, encoding="utf-8")
    before = tree_digest(data)
    for label, out in _out_cases(data):
        line = one_error_line(invoke(_commands(data, roster, out)[command]))
        assert line.startswith("error: --out: "), (label, line)
        assert ("data folder" in line) or ("is empty" in line), (label, line)
    assert tree_digest(data) == before


def test_out_folder_through_symlink_into_data_folder_refused(tmp_path):
    """A symlink that leads into the data folder is the data folder."""
    data = write_data(tmp_path / "d")
    link = tmp_path / "link"
    link.symlink_to(data, target_is_directory=True)
    before = tree_digest(data)
    line = one_error_line(invoke(["roster", data, "-w", WEEK, "-o", link]))
    assert "is the data folder" in line
    assert tree_digest(data) == before
