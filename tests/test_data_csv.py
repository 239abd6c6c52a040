"""Dutch Excel CSV dialects and the semantics of each input file, through load_dataset."""

from __future__ import annotations

import datetime as dt

import pytest

from planner.config import Config
from planner.dataset import load_dataset
from planner.errors import InputError
from planner.hours import leave_minutes
from tests._data_helpers import write_folder

DUTCH = (
    "officer_id;name;wijk_code;contract_hours;night_exempt;team\n"
    "A1;Anna Jansen;WK999901;36,5;nee;Team Test\n"
    "A2;Bert de Vries;WK999902|WK999903;28,8;JA;Team Test\n"
)


def test_semicolon_and_decimal_comma_holds(tmp_path):
    """Excel (NL) saves ';' and a decimal comma: 36,5 and 28,8 contract hours."""
    ds = load_dataset(write_folder(tmp_path, officers=DUTCH))
    assert ds.officers["contract_hours"].tolist() == [36.5, 28.8]
    assert ds.officers["night_exempt"].tolist() == [False, True]
    assert ds.officers["wijken"].tolist() == [("WK999901",), ("WK999902", "WK999903")]


def test_utf8_bom_holds(tmp_path):
    """Excel's "CSV UTF-8" starts with a byte-order mark; the first column name must still match."""
    root = write_folder(tmp_path)
    (root / "officers.csv").write_bytes("\ufeff".encode() + DUTCH.replace("Anna", "Zoë").encode())
    ds = load_dataset(root)
    assert ds.officers["name"].tolist()[0] == "Zoë Jansen"


def test_windows_1252_holds(tmp_path):
    """Plain "CSV" from Excel on Windows is Windows-1252: é arrives as é."""
    root = write_folder(tmp_path)
    (root / "officers.csv").write_bytes(DUTCH.replace("Anna Jansen", "Renée Jansen").encode("cp1252"))
    ds = load_dataset(root)
    assert ds.officers["name"].tolist()[0] == "Renée Jansen"


def test_header_case_and_spaces_holds(tmp_path):
    """Header names match case-insensitively with spaces trimmed; empty lines are skipped."""
    officers = " Officer_ID , Name ,WIJK_CODE,Contract_Hours\n\nA1,Anna,WK999901,36\n"
    ds = load_dataset(write_folder(tmp_path, officers=officers))
    assert ds.officers["officer_id"].tolist() == ["A1"]
    assert ds.officers["team"].tolist() == [Config().team_name]


def test_date_only_absence_end_includes_the_day_holds(tmp_path):
    """An end written as a date alone includes that whole day: Mon..Tue is 2 days of 36/5 h leave."""
    ds = load_dataset(
        write_folder(
            tmp_path, absences__csv="officer_id,start,end,reason\nA1,2027-01-18,2027-01-19,vakantie\n"
        )
    )
    row = ds.absences.iloc[0]
    assert row["end"].isoformat() == "2027-01-20T00:00:00+01:00"
    assert row["kind"] == "unavailable"
    # Two whole days overlap the week; each counts at most contract/5 = 7.2 h.
    assert leave_minutes(ds.absences, "A1", 36, dt.date(2027, 1, 18), ds.config) == 2 * 432


def test_work_absence_holds(tmp_path):
    """Training is work away from the wijk, rostered as 'training'; court as 'office'."""
    ds = load_dataset(
        write_folder(
            tmp_path,
            absences__csv="officer_id,start,end,reason\n"
            "A1,2027-01-18T09:00,2027-01-18T13:00,Training\n"
            "A2,2027-01-19T09:00,2027-01-19T12:00,rechtbank\n",
        )
    )
    assert ds.absences["activity"].tolist() == ["training", "office"]


def test_demand_defaults_holds(tmp_path):
    """Theme defaults to 'algemeen', priority to 'midden' (factor 2); a date or a weekday selects the day."""
    ds = load_dataset(
        write_folder(
            tmp_path,
            demand__csv="wijk_code,day,start,end,officers,theme,priority\n"
            "WK999901,vrijdag,19:00,23:00,1,,\n"
            "WK999902,2027-01-20,09:00,12:00,2,Zorg & veiligheid,hoog\n",
        )
    )
    d = ds.demand
    assert d["theme"].tolist() == ["algemeen", "zorg_en_veiligheid"]
    assert d["priority_factor"].tolist() == [2.0, 4.0]
    assert d["weekday"].tolist() == [4, -1]
    assert d["date"].tolist() == [None, dt.date(2027, 1, 20)]


@pytest.mark.parametrize("officers", ["officer_id;name;wijk_code;contract_hours\nA1;Anna;WK999901;36,5,1\n"])
def test_bad_decimal_violated(tmp_path, officers):
    """A number that is neither Dutch nor English is refused with file, row and column."""
    with pytest.raises(
        InputError, match=r"officers\.csv, row 2, column 'contract_hours': '36,5,1' is not a number"
    ):
        load_dataset(write_folder(tmp_path, officers=officers))


def test_trailing_empty_columns_holds(tmp_path):
    """Excel writes trailing separators for empty columns ('a;b;;'): they are ignored, even several."""
    officers = "officer_id;name;wijk_code;contract_hours;;\nA1;Anna;WK999901;36;;\n"
    ds = load_dataset(write_folder(tmp_path, officers=officers))
    assert ds.officers["officer_id"].tolist() == ["A1"]


def test_duplicate_column_violated(tmp_path):
    """A column named twice is ambiguous and refused on row 1."""
    officers = "officer_id;name;wijk_code;contract_hours;name\nA1;Anna;WK999901;36;Bert\n"
    with pytest.raises(InputError, match=r"officers\.csv, row 1, column 'name': appears twice in the header"):
        load_dataset(write_folder(tmp_path, officers=officers))
