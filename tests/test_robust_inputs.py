"""Catalogue of malformed inputs: each one is exactly one line naming file, row, column and what was expected.

Every case runs through the CLI in-process. Data-folder cases run ``validate`` and ``roster --out``: both give the
same single line with exit code 2, no traceback, and the output folder is not created (a fresh one) or not changed
(one that already holds a roster). Roster-file cases run ``check`` (and ``roster --pins``/``--history``).
docs/reliability.md lists every case id (a test below keeps the two in step).
"""

from __future__ import annotations

import os
import warnings
from collections.abc import Callable
from pathlib import Path

import pytest

from planner import tables
from tests._robust_helpers import (
    OFFICERS,
    REPO,
    ROSTER_HEADER,
    ROSTER_OK,
    TOML,
    WEEK,
    WIJK_A,
    WIJK_B,
    feature,
    invoke,
    one_error_line,
    polygon,
    square,
    tree_digest,
    wijken_geojson,
    write_data,
)

OFF = "officer_id,name,wijk_code,contract_hours,night_exempt,team\n"
ABS = "officer_id,start,end,reason\n"
DEM = "wijk_code,day,start,end,officers,theme,priority\n"
TD = "kind,name,day,start,end,officers,wijk_code,team\n"


def _officer(hours: str = "36", oid: str = "W-01", wijk: str = WIJK_A, night: str = "nee") -> str:
    return OFF + f"{oid},Anna Jansen,{wijk},{hours},{night},Team Proef\nW-02,Bert de Vries,{WIJK_B},32,ja,Team Proef\n"


def _sparse(size: int) -> Callable[[Path], None]:
    """A file of ``size`` bytes that takes no disk space (truncate), so the size limit is tested fast."""

    def write(path: Path) -> None:
        with path.open("wb") as fh:
            fh.truncate(size)

    return write


def _shapefile_without_prj(path: Path) -> None:
    import geopandas as gpd
    from shapely.geometry import box

    gdf = gpd.GeoDataFrame({"wijk_code": [WIJK_A]}, geometry=[box(150_000, 450_000, 151_000, 451_000)])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        gdf.to_file(path.with_suffix(".shp"), engine="pyogrio")
    path.with_suffix(".prj").unlink(missing_ok=True)


def _geo(*features: dict) -> str:  # type: ignore[type-arg]
    return wijken_geojson(list(features))


BOWTIE = {"type": "Polygon", "coordinates": [[[150_000, 450_000], [151_000, 451_000], [151_000, 450_000],
                                               [150_000, 451_000], [150_000, 450_000]]]}
LATLON = {"type": "Polygon", "coordinates": square(5.38, 52.15, 0.01)}
B_OK = feature(WIJK_B, polygon(151_000.0), "West")

# (case id, files to replace (None removes one), fragments the one line must hold)
DATA_CASES: list[tuple[str, dict, list[str]]] = [
    # officers.csv: columns
    ("officers_missing_column", {"officers.csv": "officer_id,name,wijk_code\nW-01,Anna,WK099901\n"},
     ["officers.csv, row 1, column 'contract_hours': is missing"]),
    ("officers_renamed_column", {"officers.csv": OFF.replace("contract_hours", "uren") + "W-01,A,WK099901,36,nee,T\n"},
     ["officers.csv, row 1, column 'contract_hours': is missing; the header has", "uren"]),
    ("officers_unknown_column", {"officers.csv": OFF.strip() + ",rang\nW-01,A,WK099901,36,nee,T,x\n"},
     ["officers.csv, row 1, column 'rang': is not a known column; expected officer_id"]),
    ("officers_column_twice", {"officers.csv": OFF.strip() + ",name\nW-01,A,WK099901,36,nee,T,B\n"},
     ["officers.csv, row 1, column 'name': appears twice in the header"]),
    ("officers_too_many_fields", {"officers.csv": OFF + "W-01,A,WK099901,36,nee,T,extra\n"},
     ["officers.csv, row 2: has 7 fields but the header has 6"]),
    ("officers_unclosed_quote", {"officers.csv": OFF + 'W-01,"Anna,WK099901,36,nee,T\nW-02,B,WK099902,32,ja,T\n'},
     ["officers.csv, row 2: is not valid CSV", "expected quotes around whole fields"]),
    # officers.csv: values
    ("officers_hours_text", {"officers.csv": _officer("veel")},
     ["officers.csv, row 2, column 'contract_hours': 'veel' is not a number"]),
    ("officers_hours_negative", {"officers.csv": _officer("-8")},
     ["officers.csv, row 2, column 'contract_hours': -8 is below the minimum 0"]),
    ("officers_hours_zero", {"officers.csv": _officer("0")},
     ["officers.csv, row 2, column 'contract_hours': 0 contract hours; expected hours per week above 0"]),
    ("officers_hours_absurd", {"officers.csv": _officer("400")},
     ["officers.csv, row 2, column 'contract_hours': 400 is above the maximum 60"]),
    ("officers_hours_infinite", {"officers.csv": _officer("1e999")},
     ["officers.csv, row 2, column 'contract_hours': '1e999' is not a number"]),
    ("officers_hours_nan", {"officers.csv": _officer("NaN")},
     ["officers.csv, row 2, column 'contract_hours': 'NaN' is not a number"]),
    ("officers_hours_400_digits", {"officers.csv": _officer("9" * 400)},
     ["officers.csv, row 2, column 'contract_hours': '999", "…' is not a number"]),
    ("officers_duplicate_id", {"officers.csv": OFF + "W-01,A,WK099901,36,nee,T\nW-01,B,WK099902,32,nee,T\n"},
     ["officers.csv, row 3, column 'officer_id': officer 'W-01' appears twice (first in row 2)"]),
    ("officers_empty_id", {"officers.csv": _officer(oid="")},
     ["officers.csv, row 2, column 'officer_id': is empty; every officer needs an id"]),
    ("officers_unknown_wijk", {"officers.csv": _officer(wijk="WK123456")},
     ["officers.csv, row 2, column 'wijk_code': wijk 'WK123456' is not on the map"]),
    ("officers_no_wijk", {"officers.csv": _officer(wijk="")},
     ["officers.csv, row 2, column 'wijk_code': is empty; expected one or more wijk codes"]),
    ("officers_night_exempt_not_yes_no", {"officers.csv": _officer(night="misschien")},
     ["officers.csv, row 2, column 'night_exempt': 'misschien' is not yes/no"]),
    ("officers_id_formula_equals", {"officers.csv": _officer(oid='=HYPERLINK("http://x.nl")')},
     ["officers.csv, row 2, column 'officer_id'", "cannot be an id: it may not start with = + - @"]),
    ("officers_id_formula_plus", {"officers.csv": _officer(oid="+31612345678")},
     ["officers.csv, row 2, column 'officer_id': '+31612345678' cannot be an id"]),
    ("officers_id_formula_minus", {"officers.csv": _officer(oid="-2+3")},
     ["officers.csv, row 2, column 'officer_id': '-2+3' cannot be an id"]),
    ("officers_id_formula_at", {"officers.csv": _officer(oid="@SUM(A1)")},
     ["officers.csv, row 2, column 'officer_id': '@SUM(A1)' cannot be an id"]),
    # officers.csv: the file as a whole
    ("officers_missing_file", {"officers.csv": None},
     ["officers.csv: is missing; expected officer_id, name, wijk_code, contract_hours"]),
    ("officers_empty_file", {"officers.csv": ""},
     ["officers.csv: is empty; expected a header with officer_id, name, wijk_code, contract_hours"]),
    ("officers_header_only", {"officers.csv": OFF},
     ["officers.csv: has no officers; expected one row per wijkagent"]),
    ("officers_binary_garbage", {"officers.csv": bytes(range(256)) * 8},
     ["officers.csv: is not a text file (it holds NUL bytes); expected CSV text"]),
    ("officers_xlsx_renamed", {"officers.csv": b"PK\x03\x04\x14\x00\x06\x00\x08\x00\x00\x00!\x00" + b"\x00" * 64},
     ["officers.csv: is not a text file"]),
    ("officers_utf16", {"officers.csv": OFFICERS.encode("utf-16")},
     ["officers.csv: is not a text file (it holds NUL bytes)"]),
    ("officers_not_utf8_nor_cp1252", {"officers.csv": OFF.encode() + b"W-01,\x81\x8d\x8f,WK099901,36,nee,T\n"},
     ["officers.csv: is neither UTF-8 nor Windows-1252 text"]),
    ("officers_above_size_limit", {"officers.csv": _sparse(tables.MAX_INPUT_BYTES + 1)},
     ["officers.csv: is ", " MB; inputs above ", " MB are refused"]),
    # absences.csv
    ("absence_unknown_officer", {"absences.csv": ABS + "W-09,2027-01-18,2027-01-19,ziek\n"},
     ["absences.csv, row 2, column 'officer_id': officer 'W-09' is not in officers.csv"]),
    ("absence_dutch_date", {"absences.csv": ABS + "W-01,18-01-2027,2027-01-19,ziek\n"},
     ["absences.csv, row 2, column 'start': '18-01-2027' is not ISO 8601; write YYYY-MM-DD"]),
    ("absence_month_13", {"absences.csv": ABS + "W-01,2027-13-01,2027-13-02,ziek\n"},
     ["absences.csv, row 2, column 'start': '2027-13-01' is not an ISO 8601 date-time"]),
    ("absence_year_9999", {"absences.csv": ABS + "W-01,9999-12-31,9999-12-31,ziek\n"},
     ["absences.csv, row 2, column 'start': '9999-12-31' lies in the year 9999; expected a year from 1900"]),
    ("absence_ends_before_start", {"absences.csv": ABS + "W-01,2027-01-19T10:00,2027-01-19T09:00,ziek\n"},
     ["absences.csv, row 2, column 'end': ends (2027-01-19T09:00) at or before it starts"]),
    ("absence_overlap", {"absences.csv": ABS + "W-01,2027-01-18,2027-01-20,ziek\nW-01,2027-01-19,2027-01-19,verlof\n"},
     ["absences.csv, row 3, column 'start': absence of 'W-01' overlaps the one in row 2"]),
    ("absence_longer_than_a_year", {"absences.csv": ABS + "W-01,2027-01-18,2029-01-18,verlof\n"},
     ["absences.csv, row 2, column 'end': lasts more than a year"]),
    ("absence_unknown_reason", {"absences.csv": ABS + "W-01,2027-01-18,2027-01-19,golfen\n"},
     ["absences.csv, row 2, column 'reason': 'golfen' is not a known reason; expected one of"]),
    ("absence_negative_hours", {"absences.csv": ABS.strip() + ",hours\nW-01,2027-01-18,2027-01-18,ziek,-3\n"},
     ["absences.csv, row 2, column 'hours': -3 is below the minimum 0"]),
    # demand.csv
    ("demand_unknown_wijk", {"demand.csv": DEM + "WK000000,ma,09:00,12:00,1,,\n"},
     ["demand.csv, row 2, column 'wijk_code': wijk 'WK000000' is not in the wijken file"]),
    ("demand_bad_weekday", {"demand.csv": DEM + f"{WIJK_A},blauwe maandag,09:00,12:00,1,,\n"},
     ["demand.csv, row 2, column 'day': 'blauwe maandag' is not a weekday; expected ma..zo"]),
    ("demand_dutch_date", {"demand.csv": DEM + f"{WIJK_A},18-01-2027,09:00,12:00,1,,\n"},
     ["demand.csv, row 2, column 'day': '18-01-2027' is not a weekday", "or an ISO date YYYY-MM-DD"]),
    ("demand_february_30", {"demand.csv": DEM + f"{WIJK_A},2027-02-30,09:00,12:00,1,,\n"},
     ["demand.csv, row 2, column 'day': '2027-02-30' is not an ISO date; expected YYYY-MM-DD"]),
    ("demand_time_24_00", {"demand.csv": DEM + f"{WIJK_A},ma,24:00,12:00,1,,\n"},
     ["demand.csv, row 2, column 'start': '24:00' is not a time; expected HH:MM between 00:00 and 23:59"]),
    ("demand_start_equals_end", {"demand.csv": DEM + f"{WIJK_A},ma,09:00,09:00,1,,\n"},
     ["demand.csv, row 2, column 'end': start equals end"]),
    ("demand_negative_officers", {"demand.csv": DEM + f"{WIJK_A},ma,09:00,12:00,-1,,\n"},
     ["demand.csv, row 2, column 'officers': -1 is below the minimum 0"]),
    ("demand_absurd_officers", {"demand.csv": DEM + f"{WIJK_A},ma,09:00,12:00,5000,,\n"},
     ["demand.csv, row 2, column 'officers': 5000 is above the maximum 100"]),
    ("demand_bad_priority", {"demand.csv": DEM + f"{WIJK_A},ma,09:00,12:00,1,,dringend\n"},
     ["demand.csv, row 2, column 'priority': 'dringend' is not a priority; expected hoog, midden, laag"]),
    # team_demand.csv, wishes.csv, population.csv
    ("team_demand_unknown_kind", {"team_demand.csv": TD + "brand,Brand,ma,09:00,12:00,1,,\n"},
     ["team_demand.csv, row 2, column 'kind': 'brand' is not a kind; expected noodhulp or event"]),
    ("team_demand_unknown_team", {"team_demand.csv": TD + "noodhulp,N,ma,09:00,12:00,1,,Team Elders\n"},
     ["team_demand.csv, row 2, column 'team': team 'Team Elders' has no officers in officers.csv"]),
    ("wishes_unknown_officer", {"wishes.csv": "officer_id,date\nW-09,2027-01-20\n"},
     ["wishes.csv, row 2, column 'officer_id': officer 'W-09' is not in officers.csv"]),
    ("wishes_dutch_date", {"wishes.csv": "officer_id,date\nW-01,20-01-2027\n"},
     ["wishes.csv, row 2, column 'date': '20-01-2027' is not an ISO date; expected YYYY-MM-DD"]),
    ("population_negative", {"population.csv": f"wijk_code;inwoners\n{WIJK_A};-5\n"},
     ["population.csv, row 2, column 'inwoners': -5 inhabitants is negative"]),
    ("population_not_whole", {"population.csv": f"wijk_code;inwoners\n{WIJK_A};1.5\n"},
     ["population.csv, row 2, column 'inwoners': '1.5' is not a whole number"]),
    ("population_unknown_wijk", {"population.csv": "wijk_code;inwoners\nWK000000;100\n"},
     ["population.csv, row 2, column 'wijk_code': wijk 'WK000000' is not in the wijken file"]),
    # the wijken file
    ("wijken_missing", {"wijken.geojson": None},
     ["has no wijken file; expected one of wijken.gpkg"]),
    ("wijken_garbage", {"wijken.geojson": b"\x89PNG\r\n\x1a\n not a map"},
     ["wijken.geojson: is not a GeoJSON (its first bytes say otherwise)"]),
    ("wijken_no_features", {"wijken.geojson": _geo()},
     ["wijken.geojson: has no features; expected one polygon per wijk"]),
    ("wijken_empty_geometry", {"wijken.geojson": _geo(feature(WIJK_A, None), B_OK)},
     ["wijken.geojson, feature 1 (WK099901), column 'geometry': has no geometry; expected a polygon"]),
    ("wijken_point_not_polygon", {"wijken.geojson": _geo(
        feature(WIJK_A, {"type": "Point", "coordinates": [150_500, 450_500]}), B_OK)},
     ["wijken.geojson, feature 1 (WK099901), column 'geometry': is a Point; expected a Polygon or MultiPolygon"]),
    ("wijken_line_not_polygon", {"wijken.geojson": _geo(
        feature(WIJK_A, {"type": "LineString", "coordinates": [[150_000, 450_000], [151_000, 451_000]]}), B_OK)},
     ["wijken.geojson, feature 1 (WK099901), column 'geometry': is a LineString; expected a Polygon"]),
    ("wijken_self_intersecting", {"wijken.geojson": _geo(feature(WIJK_A, BOWTIE), B_OK)},
     ["wijken.geojson, feature 1 (WK099901), column 'geometry': is not a valid polygon (Self-intersection"]),
    ("wijken_ring_not_closed", {"wijken.geojson": _geo(feature(WIJK_A, {
        "type": "Polygon", "coordinates": [[[150_000, 450_000], [151_000, 451_000]]]}), B_OK)},
     ["wijken.geojson: cannot be read", "LinearRing"]),
    ("wijken_latlon_labelled_rd", {"wijken.geojson": _geo(feature(WIJK_A, LATLON))},
     ["wijken.geojson: coordinates (5, 52)..(5, 52) lie outside the Netherlands in EPSG:28992",
      "lat/lon labelled RD?"]),
    ("wijken_rd_labelled_wgs84", {"wijken.geojson": wijken_geojson(crs=None)},
     ["wijken.geojson: coordinates (150000, 450000)..(152000, 451000) are not degrees but the file states "
      "EPSG:4326"]),
    ("wijken_no_crs", {"wijken.geojson": None, "wijken.shp": _shapefile_without_prj},
     ["wijken.shp: has no CRS; CBS files are in EPSG:28992", "wijken_crs"]),
    ("wijken_bad_code", {"wijken.geojson": _geo(feature("WK99", polygon(150_000.0)), B_OK)},
     ["wijken.geojson, feature 1, column 'wijk_code': 'WK99' is not a CBS wijk code; expected WK followed by 6"]),
    ("wijken_duplicate_code", {"wijken.geojson": _geo(feature(WIJK_B, polygon(150_000.0)), B_OK)},
     ["wijken.geojson, feature 2, column 'wijk_code': wijk code 'WK099902' appears twice"]),
    ("wijken_no_code_column", {"wijken.geojson": wijken_geojson().replace('"wijk_code"', '"code"')},
     ["wijken.geojson: has no wijk code column; expected WK_CODE"]),
    # planner.toml
    ("toml_syntax", {"planner.toml": "[norm\nshare = 0.8\n"},
     ["planner.toml: is not valid TOML"]),
    ("toml_not_utf8", {"planner.toml": b"[team]\nname = \"\xff\xfe\"\n"},
     ["planner.toml: is not UTF-8 text"]),
    ("toml_unknown_key", {"planner.toml": "[norm]\nshar = 0.8\n"},
     ["planner.toml, column 'norm.shar': unknown key; expected one of reading, share, window_weeks"]),
    ("toml_unknown_table", {"planner.toml": "[roster]\nweeks = 2\n"},
     ["planner.toml, column 'roster': unknown key"]),
    ("toml_wrong_type", {"planner.toml": "[norm]\nshare = \"tachtig\"\n"},
     ["planner.toml, column 'norm.share': expected a number, got str 'tachtig'"]),
    ("toml_percent_not_fraction", {"planner.toml": "[norm]\nshare = 80\n"},
     ["planner.toml, column 'norm.share': 80: expected less than or equal to 1"]),
    ("toml_nan", {"planner.toml": "[rules]\nmax_week_hours = nan\n"},
     ["planner.toml, column 'rules.max_week_hours': nan: expected a finite number"]),
    ("toml_absurd_rule", {"planner.toml": "[rules]\nmax_shift_hours = 1e300\n"},
     ["planner.toml, column 'rules.max_shift_hours': 1e+300: expected less than or equal to 168"]),
    ("toml_absurd_weight", {"planner.toml": "[weights]\nnights = 1000\n"},
     ["planner.toml, column 'weights.nights': 1000: expected less than or equal to 100"]),
    ("toml_removed_weight", {"planner.toml": "[weights]\npresence = 1\n"},
     ["planner.toml, column 'weights.presence': removed: the objective is ordered"]),
    ("toml_seed_too_big", {"planner.toml": "[solver]\nseed = 99999999999\n"},
     ["planner.toml, column 'solver.seed': 99999999999: expected less than or equal to 2147483647"]),
    ("toml_shift_over_12h", {"planner.toml": '[[shifts]]\ncode = "X"\nstart = "07:00"\nend = "20:00"\n'},
     ["planner.toml, column 'shifts': shift 'X' lasts up to 13 h; the law allows at most 12 h"]),
    ("toml_shift_24h", {"planner.toml": '[[shifts]]\ncode = "X"\nstart = "07:00"\nend = "07:00"\n'},
     ["planner.toml, column 'shifts[1]': start equals end: a shift of 0 or 24 hours is impossible"]),
    ("toml_shifts_same_times", {"planner.toml": '[[shifts]]\ncode = "X"\nstart = "07:00"\nend = "15:00"\n'
                                '[[shifts]]\ncode = "Y"\nstart = "07:00"\nend = "15:00"\n'},
     ["planner.toml, column 'shifts': shift 'Y' has the same starts and lengths as 'X'"]),
    ("toml_shift_time_not_text", {"planner.toml": '[[shifts]]\ncode = "X"\nstart = 7\nend = "15:00"\n'},
     ["planner.toml, column 'shifts[1].start': expected text, got int 7"]),
    ("toml_shift_time_25h", {"planner.toml": '[[shifts]]\ncode = "X"\nstart = "25:00"\nend = "15:00"\n'},
     ["planner.toml, column 'shifts[1].start': '25:00' is not a time"]),
    ("toml_wijken_outside_folder", {"planner.toml": '[files]\nwijken = "../../etc/passwd"\n'},
     ["planner.toml, column 'files.wijken': '../../etc/passwd' lies outside the data folder"]),
    ("toml_wijken_absolute_path", {"planner.toml": '[files]\nwijken = "/etc/passwd"\n'},
     ["planner.toml, column 'files.wijken': '/etc/passwd' lies outside the data folder"]),
    ("toml_unknown_timezone", {"planner.toml": '[team]\ntimezone = "../../etc/passwd"\n'},
     ["planner.toml, column 'team.timezone': unknown time zone '../../etc/passwd'"]),
]

# (case id, text of a roster.csv given to `planner check`, fragments)
ROSTER_ROW = "W-01,2027-01-18,2027-01-18T07:00+01:00,2027-01-18T15:00+01:00,wijk,WK099901,V,\n"
CHECK_CASES: list[tuple[str, str | bytes | None, list[str]]] = [
    ("check_roster_missing_file", None,
     ["roster.csv: cannot be read (No such file or directory)"]),
    ("check_roster_empty", "",
     ["roster.csv: is empty; expected a header with officer_id, date, start, end, activity, wijk_code"]),
    ("check_roster_header_only", ROSTER_HEADER,
     ["roster.csv: has no rows; nothing to check"]),
    ("check_roster_missing_column", ROSTER_HEADER.replace(",activity", "") + ROSTER_ROW.replace(",wijk,", ","),
     ["roster.csv, row 1, column 'activity': is missing"]),
    ("check_roster_binary", b"\x00\x01\x02" * 100,
     ["roster.csv: is not a text file"]),
    ("check_roster_empty_officer", ROSTER_HEADER + ROSTER_ROW[4:],
     ["roster.csv, row 2, column 'officer_id': is empty"]),
    ("check_roster_dutch_date", ROSTER_HEADER + ROSTER_ROW.replace("2027-01-18,", "18-01-2027,", 1),
     ["roster.csv, row 2, column 'date': '18-01-2027' is not an ISO date; expected YYYY-MM-DD"]),
    ("check_roster_bad_start", ROSTER_HEADER + ROSTER_ROW.replace("2027-01-18T07:00+01:00", "maandag 7 uur"),
     ["roster.csv, row 2, column 'start': 'maandag 7 uur' is not an ISO 8601 date-time"]),
    ("check_roster_end_before_start", ROSTER_HEADER + ROSTER_ROW.replace("T15:00", "T06:00"),
     ["roster.csv, row 2, column 'end': ends at or before it starts"]),
    ("check_roster_block_over_24h", ROSTER_HEADER + ROSTER_ROW.replace("2027-01-18T15:00", "2027-01-20T15:00"),
     ["roster.csv, row 2, column 'end': lasts more than 24 hours"]),
    ("check_roster_unknown_activity", ROSTER_HEADER + ROSTER_ROW.replace(",wijk,", ",koffie,"),
     ["roster.csv, row 2, column 'activity': 'koffie' is not an activity; expected one of"]),
    ("check_roster_too_many_fields", ROSTER_HEADER + ROSTER_ROW.strip() + ",x,y\n",
     ["roster.csv, row 2: has 10 fields but the header has 8"]),
]

# (case id, extra roster arguments with {bad} for a bad roster-format file, its text, fragments)
OPTION_CASES: list[tuple[str, list[str], str | None, list[str]]] = [
    ("roster_week_53_does_not_exist", ["--week", "2027-W53"], None,
     ["--week: week 53 does not exist in 2027 (it has 52 ISO weeks)"]),
    ("roster_week_not_iso", ["--week", "volgende week"], None,
     ["--week: 'volgende week' is not an ISO week; expected YYYY-Www"]),
    ("roster_negative_time_limit", ["--time-limit", "-1"], None,
     ["--time-limit: -1 is not a time limit; expected seconds above 0"]),
    ("roster_seed_too_big", ["--seed", "99999999999"], None,
     ["--seed: 99999999999 is not a seed"]),
    ("roster_pins_bad_row", ["--pins", "{bad}"], ROSTER_HEADER + ROSTER_ROW.replace("T15:00", "T06:00"),
     ["extra.csv, row 2, column 'end': ends at or before it starts"]),
    ("roster_history_bad_row", ["--history", "{bad}"], ROSTER_HEADER + ROSTER_ROW.replace(",wijk,", ",koffie,"),
     ["extra.csv, row 2, column 'activity': 'koffie' is not an activity"]),
]


def _write_case(root: Path, files: dict) -> Path:  # type: ignore[type-arg]
    plain = {k: v for k, v in files.items() if not callable(v)}
    write_data(root, plain)
    for name, v in files.items():
        if v is None:
            (root / name).unlink(missing_ok=True)
        elif callable(v):
            v(root / name)
    return root


def _fragments_in(line: str, fragments: list[str]) -> None:
    for frag in fragments:
        assert frag in line, (frag, line)


@pytest.mark.parametrize(("files", "fragments"), [c[1:] for c in DATA_CASES], ids=[c[0] for c in DATA_CASES])
def test_malformed_data_folder_is_one_line(tmp_path, files, fragments):
    """validate and roster give the same single line, exit 2; the --out folder (holding a roster) is unchanged."""
    data = _write_case(tmp_path / "data", files)
    line = one_error_line(invoke(["validate", str(data)]))
    _fragments_in(line, fragments)
    full = tmp_path / "full-out"
    (full / "ics").mkdir(parents=True)
    (full / "roster.csv").write_text(ROSTER_OK, encoding="utf-8")
    (full / "summary.json").write_text('{"status": "optimal"}\n', encoding="utf-8")
    (full / "ics" / "W-01.ics").write_bytes(b"BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n")
    before = tree_digest(full)
    assert one_error_line(invoke(["roster", str(data), "-w", WEEK, "-o", str(full)])) == line
    assert tree_digest(full) == before


@pytest.mark.parametrize(("text", "fragments"), [c[1:] for c in CHECK_CASES], ids=[c[0] for c in CHECK_CASES])
def test_malformed_roster_for_check_is_one_line(tmp_path, text, fragments):
    """planner check on a bad roster.csv: one line naming roster.csv, row and column; no --json file written."""
    data = write_data(tmp_path / "data")
    roster = tmp_path / "r" / "roster.csv"
    roster.parent.mkdir()
    if isinstance(text, bytes):
        roster.write_bytes(text)
    elif text is not None:
        roster.write_text(text, encoding="utf-8")
    out = tmp_path / "out"
    result = invoke(["check", str(roster), str(data), "--json", str(out / "breaches.json")])
    _fragments_in(one_error_line(result), fragments)
    assert not out.exists()


@pytest.mark.parametrize(("args", "bad", "fragments"), [c[1:] for c in OPTION_CASES],
                         ids=[c[0] for c in OPTION_CASES])
def test_malformed_roster_option_is_one_line(tmp_path, args, bad, fragments):
    """A week that does not exist, a bad solver option or a bad --pins/--history file: one line, exit 2."""
    data = write_data(tmp_path / "data")
    if bad is not None:
        (tmp_path / "extra.csv").write_text(bad, encoding="utf-8")
    args = [a.replace("{bad}", str(tmp_path / "extra.csv")) for a in args]
    out = tmp_path / "out"
    result = invoke(["roster", str(data), "-w", WEEK, "-o", str(out), *args])
    _fragments_in(one_error_line(result), fragments)
    assert not out.exists()


@pytest.mark.parametrize("case", ["officers_duplicate_id", "wijken_self_intersecting", "toml_shift_over_12h"])
def test_malformed_data_folder_creates_no_out_folder(tmp_path, case):
    """A fresh --out folder is not even created when the input is refused."""
    files = next(c[1] for c in DATA_CASES if c[0] == case)
    data = _write_case(tmp_path / "data", files)
    fresh = tmp_path / "fresh-out"
    one_error_line(invoke(["roster", str(data), "-w", WEEK, "-o", str(fresh)]))
    assert not fresh.exists()


def test_base_folder_is_valid(tmp_path):
    """The folder every case breaks is itself valid (so each case fails for its own reason)."""
    data = write_data(tmp_path / "data")
    result = invoke(["validate", str(data)])
    assert result.exit_code == 0, result.output
    assert "valid" in result.output
    assert TOML  # the base folder states a short time limit and one worker


def test_sparse_file_stays_sparse(tmp_path):
    """The size-limit case costs no disk: truncate makes a sparse file (this guards the test's own speed)."""
    path = tmp_path / "big.csv"
    _sparse(tables.MAX_INPUT_BYTES + 1)(path)
    assert path.stat().st_size == tables.MAX_INPUT_BYTES + 1
    assert getattr(os.stat(path), "st_blocks", 0) * 512 < 10 * 1024 * 1024


def all_case_ids() -> list[str]:
    return [c[0] for c in DATA_CASES] + [c[0] for c in CHECK_CASES] + [c[0] for c in OPTION_CASES]


def test_catalogue_is_listed_in_reliability_doc():
    """docs/reliability.md lists every case of this catalogue (and there are at least 50)."""
    ids = all_case_ids()
    assert len(ids) >= 50
    assert len(set(ids)) == len(ids)
    doc = (REPO / "docs" / "reliability.md").read_text(encoding="utf-8")
    missing = [i for i in ids if f"`{i}`" not in doc]
    assert not missing, missing
