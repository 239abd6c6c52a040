"""Real weeks end to end (issue 15's "done when"), through the CLI on the demo's real file formats.

- a part-time officer with a part-day training and a court hearing on one day plans without breach;
- a team on 9 h days (a 36 h week as 4 x 9) holds the same two duties;
- a sick call from any hour of the demo week re-plans with the past untouched and passes ``planner check``;
- ``planner cover`` names and ranks candidates on the demo, and says why when nobody can.

Every roster a test gets is fed to ``planner check`` (exit 0). Solves are kept short (``--time-limit`` 3-5 s).
"""

from __future__ import annotations

import datetime as dt
import json
import re
import shutil
from pathlib import Path
from zoneinfo import ZoneInfo

import pandas as pd
import pytest
from typer.testing import CliRunner

from planner.cli import app
from planner.roster_io import read_roster

DEMO = Path(__file__).resolve().parents[1] / "data" / "demo"
WEEK = "2027-W03"
TZ = ZoneInfo("Europe/Amsterdam")
runner = CliRunner()


def _invoke(args: list[str | Path]) -> tuple[int, str]:
    res = runner.invoke(app, [str(a) for a in args], env={"COLUMNS": "200"}, terminal_width=200)
    return res.exit_code, res.output


def _check(roster: Path, data: Path) -> None:
    code, out = _invoke(["check", roster, data])
    assert code == 0, out
    assert "no breaches" in out


def _at(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text).replace(tzinfo=TZ)


def _roster(path: Path) -> pd.DataFrame:
    return read_roster(path, TZ)


def _copy_demo(tmp_path: Path, absences: str, toml: str | None = None) -> Path:
    """data/demo with another absences.csv (and planner.toml): the real format, Dutch CSV conventions."""
    data = tmp_path / "data"
    shutil.copytree(DEMO, data)
    (data / "absences.csv").write_text(absences, encoding="utf-8-sig")  # as Dutch Excel saves it: BOM, ';'
    if toml is not None:
        (data / "planner.toml").write_text(toml, encoding="utf-8")
    return data


def _blocks(roster: pd.DataFrame, oid: str) -> pd.DataFrame:
    return roster[roster["officer_id"] == oid].sort_values("start").reset_index(drop=True)


def _has_block(roster: pd.DataFrame, oid: str, start: str, end: str, activity: str, task: str) -> bool:
    mine = _blocks(roster, oid)
    hit = mine[(mine["start"] == _at(start)) & (mine["end"] == _at(end)) & (mine["activity"] == activity)]
    return len(hit) == 1 and hit["task"].iloc[0] == task


def _minutes(a: dt.datetime, b: dt.datetime) -> int:
    return int((b - a).total_seconds() // 60)


def _own_share_holds(roster: pd.DataFrame, oid: str, wijk: str, contract_h: float, share: float = 0.8) -> bool:
    """The week's own-wijk minutes are at least ``share`` of the available minutes (here the contract: these
    officers have no leave), or of the minutes worked when more (docs/checker.md's denominator)."""
    mine = _blocks(roster, oid)
    worked = sum(_minutes(s, e) for s, e in zip(mine["start"], mine["end"], strict=True))
    own = sum(
        _minutes(s, e)
        for s, e, a, w in zip(mine["start"], mine["end"], mine["activity"], mine["wijk_code"], strict=True)
        if a == "wijk" and w == wijk
    )
    return own >= share * max(round(contract_h * 60), worked)


# ------------------------------------------------------------------------------------------------------------
# A part-time officer's day with a training in the morning and a court hearing in the afternoon

PART_DAY_ABSENCES = (
    "officer_id;start;end;reason\n"
    "WA0001;2027-01-22;2027-01-22;training\n"
    "WA0003;2027-01-18;2027-01-22;ziek\n"
    # WA0004 (32 h, WK990102): training 09-11 and court 13-15 on Tuesday.
    "WA0004;2027-01-19T09:00;2027-01-19T11:00;training\n"
    "WA0004;2027-01-19T13:00;2027-01-19T15:00;rechtbank\n"
    # WA0013 (24 h, WK990205): the same on Wednesday, as 'opleiding' and 'court'.
    "WA0013;2027-01-20T09:00;2027-01-20T11:00;opleiding\n"
    "WA0013;2027-01-20T13:00;2027-01-20T15:00;court\n"
)


def test_part_time_officer_with_training_and_court_on_one_day_plans_without_breach(tmp_path):
    """Issue 15: a 32 h and a 24 h officer each have a 2 h training and a 2 h court hearing on one day. The week
    plans (exit 0), both duties are in roster.csv at their times, the rest of the day is wijk work, each keeps the
    80 % norm in the week itself, and ``planner check`` passes."""
    data = _copy_demo(tmp_path, PART_DAY_ABSENCES)
    out = tmp_path / "out"
    code, text = _invoke(["roster", data, "--week", WEEK, "--out", out, "--time-limit", "5", "-q"])
    assert code == 0, text
    roster = _roster(out / "roster.csv")
    for oid, day, train, court in (("WA0004", "2027-01-19", "training", "rechtbank"),
                                   ("WA0013", "2027-01-20", "opleiding", "court")):
        assert _has_block(roster, oid, f"{day}T09:00", f"{day}T11:00", "training", train), _blocks(roster, oid)
        assert _has_block(roster, oid, f"{day}T13:00", f"{day}T15:00", "office", court), _blocks(roster, oid)
        # Between the two duties (11-13) the officer is on duty: one shift holds both, not two shifts on a day.
        day_blocks = _blocks(roster, oid)
        day_blocks = day_blocks[day_blocks["date"] == dt.date.fromisoformat(day)]
        covered = sum(_minutes(max(s, _at(f"{day}T11:00")), min(e, _at(f"{day}T13:00")))
                      for s, e in zip(day_blocks["start"], day_blocks["end"], strict=True)
                      if s < _at(f"{day}T13:00") and e > _at(f"{day}T11:00"))
        assert covered == 120, day_blocks
    assert _own_share_holds(roster, "WA0004", "WK990102", 32)
    assert _own_share_holds(roster, "WA0013", "WK990205", 24)
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    for o in summary["officers"]:
        if o["officer_id"] in ("WA0004", "WA0013"):
            assert o["share"] >= 0.8 and o["norm_met"], o
    _check(out / "roster.csv", data)


NINE_HOUR_SHIFTS = """
[[shifts]]
code = "D"
name = "Dag"
start = "07:00"
latest_start = "10:00"
min_hours = 9
max_hours = 9
part = "dag"

[[shifts]]
code = "A"
name = "Avond"
start = "14:00"
latest_start = "15:00"
min_hours = 9
max_hours = 9
part = "avond"

[[shifts]]
code = "N"
name = "Nacht"
start = "22:00"
min_hours = 9
max_hours = 9
part = "nacht"
"""


def test_nine_hour_days_hold_a_training_and_a_court_hearing(tmp_path):
    """A team on 9 h days (families of one length: day, evening and night shifts of exactly 9 h): every family
    shift of the week lasts 9 h (WA0001, 36 h with a training day, works 9 h days), a 36 h officer (WA0002) with
    training 09-11 and court 13-15 on Thursday has both duties and the time between them on duty, keeps the norm,
    and the roster passes ``planner check``. (A duty day may also be worked as the exact span of its duties, a shift
    without a family code: planner.solver.instance offers it so that a duty day is never impossible.)"""
    toml = (DEMO / "planner.toml").read_text(encoding="utf-8")
    head, rest = toml.split("[[shifts]]", 1)
    toml = head + NINE_HOUR_SHIFTS + "\n" + rest[rest.index("# Activities"):]
    absences = PART_DAY_ABSENCES + (
        "WA0002;2027-01-21T09:00;2027-01-21T11:00;cursus\nWA0002;2027-01-21T13:00;2027-01-21T15:00;rechtbank\n"
    )
    data = _copy_demo(tmp_path, absences, toml)
    out = tmp_path / "out"
    code, text = _invoke(["roster", data, "--week", WEEK, "--out", out, "--time-limit", "5", "-q"])
    assert code == 0, text
    roster = _roster(out / "roster.csv")
    assert _has_block(roster, "WA0002", "2027-01-21T09:00", "2027-01-21T11:00", "training", "cursus")
    assert _has_block(roster, "WA0002", "2027-01-21T13:00", "2027-01-21T15:00", "office", "rechtbank")
    day = roster[roster["date"] == dt.date(2027, 1, 21)]
    between = day[(day["officer_id"] == "WA0002") & (day["start"] < _at("2027-01-21T13:00"))
                  & (day["end"] > _at("2027-01-21T11:00"))]
    assert sum(_minutes(max(s, _at("2027-01-21T11:00")), min(e, _at("2027-01-21T13:00")))
               for s, e in zip(between["start"], between["end"], strict=True)) == 120, between
    family = roster[roster["shift"].isin(["D", "A", "N"])]
    lengths = {(o, d): _minutes(g["start"].min(), g["end"].max())
               for (o, d), g in family.groupby(["officer_id", "date"])}
    assert len(lengths) > 40 and set(lengths.values()) == {9 * 60}, lengths  # every family shift lasts 9 h
    assert {v for (o, _d), v in lengths.items() if o == "WA0001"} == {9 * 60}
    assert _own_share_holds(roster, "WA0002", "WK990101", 36)
    _check(out / "roster.csv", data)


# ------------------------------------------------------------------------------------------------------------
# A sick call from any hour of the demo week

#: A night shift pinned into the demo roster, so that a sick call can land inside a night in progress.
NIGHT = ("WA0016", "2027-01-20", "2027-01-20T23:00", "2027-01-21T07:00", "WK990206")


@pytest.fixture(scope="module")
def demo_week(tmp_path_factory) -> Path:  # type: ignore[no-untyped-def]
    """``planner roster data/demo --week 2027-W03 --out OUT --time-limit 5``, with one night shift pinned."""
    root = tmp_path_factory.mktemp("real_weeks")
    oid, day, start, end, wijk = NIGHT
    pins = root / "pins.csv"
    pins.write_text(
        "officer_id,date,start,end,activity,wijk_code,shift\n"
        f"{oid},{day},{start},{end},wijk,{wijk},N\n",
        encoding="utf-8",
    )
    out = root / "OUT"
    code, text = _invoke(["roster", DEMO, "--week", WEEK, "--out", out, "--time-limit", "5", "--pins", pins, "-q"])
    assert code == 0, text
    return out


#: (officer, --from): Monday 00:01, Wednesday 12:00 for WA0001 (issue 15's failing call), Thursday 00:00 for another
#: officer, 02:00 inside the pinned night, Friday 17:00 for a 24 h officer, Sunday 23:00. (Monday 00:00 itself has
#: its own test below: its answer depends on the officer's planned hours.)
SICK_CALLS = [
    ("WA0002", "2027-01-18T00:01"),
    ("WA0001", "2027-01-20T12:00"),
    ("WA0005", "2027-01-21T00:00"),
    (NIGHT[0], "2027-01-21T02:00"),
    ("WA0013", "2027-01-22T17:00"),
    ("WA0022", "2027-01-24T23:00"),
]


@pytest.mark.parametrize(("oid", "at"), SICK_CALLS, ids=[f"{o}-{a}" for o, a in SICK_CALLS])
def test_sick_call_from_any_hour_replans_and_passes_check(demo_week, tmp_path, oid, at):
    """``planner replan OUT/roster.csv data/demo --absent OID --from AT`` answers (exit 0); the sick officer works
    nothing from AT on (a shift in progress ends at AT); every other officer's block that started before AT, and the
    sick officer's blocks that ended by AT, are kept as they were; the sick call is written beside the roster, and
    ``planner check`` finds it there and passes."""
    new = tmp_path / "new"
    code, text = _invoke(["replan", demo_week / "roster.csv", DEMO, "--absent", oid, "--from", at, "--out", new,
                          "--time-limit", "4"])
    assert code == 0, text
    old, rep = _roster(demo_week / "roster.csv"), _roster(new / "roster.csv")
    when = _at(at)
    mine = _blocks(rep, oid)
    assert not (mine["end"] > when).any(), mine  # nothing after the sick call, not even the rest of a shift
    key = ["officer_id", "start", "end", "activity", "wijk_code"]
    others = old["officer_id"] != oid
    past = old[(others & (old["start"] < when)) | (~others & (old["end"] <= when))][key]
    kept = past.merge(rep[key], how="left", on=key, indicator=True)
    assert (kept["_merge"] == "both").all(), kept[kept["_merge"] != "both"]
    added = (new / "added_absences.csv").read_text(encoding="utf-8")
    assert re.search(rf"^{oid},{re.escape(at)}", added, re.M), added
    if oid == NIGHT[0]:
        # The pinned night 23:00-07:00 was in the roster and now ends at the sick call, 02:00.
        night = _blocks(old, oid)
        assert night["start"].isin([_at(NIGHT[2])]).any() and night["end"].isin([_at(NIGHT[3])]).any(), night
        assert mine["start"].isin([_at(NIGHT[2])]).any() and mine["end"].max() == when, mine
    if oid == "WA0001":
        # His Friday training (a duty from absences.csv) was in the roster, and leaves it with the sick call.
        assert (_blocks(old, oid)["activity"] == "training").any()
        assert not (mine["activity"] == "training").any(), mine
    _check(new / "roster.csv", DEMO)


def _with_week_of(roster: Path, oid: str, days: list[tuple[str, str, str]], out: Path) -> Path:
    """``roster`` with ``oid``'s week replaced by own-wijk day shifts (date, start, end), as a planner edits it."""
    rows = [line for line in roster.read_text(encoding="utf-8").splitlines(keepends=True)
            if not line.startswith(f'"{oid}",')]
    wijk = "WK990101"
    rows += [f'"{oid}","{d}","{d}T{s}+01:00","{d}T{e}+01:00","wijk","{wijk}","D",""\n' for d, s, e in days]
    out.mkdir()
    (out / "roster.csv").write_text("".join(rows), encoding="utf-8")
    return out / "roster.csv"


@pytest.mark.parametrize(
    "days",
    [
        pytest.param([("2027-01-19", "07:00", "16:00"), ("2027-01-20", "07:00", "16:00"),
                      ("2027-01-21", "07:00", "16:00"), ("2027-01-22", "07:00", "16:00")], id="36h-planned"),
        pytest.param([("2027-01-19", "08:00", "18:00"), ("2027-01-20", "07:00", "17:00"),
                      ("2027-01-21", "07:00", "16:00")], id="29h-planned"),
    ],
)
def test_sick_call_at_monday_midnight_replans_and_passes_check(demo_week, tmp_path, days):
    """A sick call from the first moment of the week, Monday 00:00, for WA0002 (36 h), whose week in the demo
    roster is 4 x 9 h (36 h) or, within the hours balance's 8 minus-hours, 29 h: the re-plan has nothing of hers and
    passes ``planner check``. Her week is set by hand so that the case does not depend on the search."""
    edited = _with_week_of(demo_week / "roster.csv", "WA0002", days, tmp_path / "edited")
    _check(edited, DEMO)  # the starting roster is lawful
    new = tmp_path / "new"
    code, text = _invoke(["replan", edited, DEMO, "--absent", "WA0002", "--from", "2027-01-18T00:00", "--out", new,
                          "--time-limit", "4"])
    assert code == 0, text
    assert not (_roster(new / "roster.csv")["officer_id"] == "WA0002").any()
    _check(new / "roster.csv", DEMO)


# ------------------------------------------------------------------------------------------------------------
# Who can cover a block?

_ROW = re.compile(r"^\W*(WA\d{4})\W.*$")


def _cover_rows(text: str) -> list[list[str]]:
    """The candidate rows of ``planner cover``'s table, as cells."""
    rows = []
    for line in text.splitlines():
        if _ROW.match(line):
            rows.append([c.strip() for c in re.split(r"[│┃|]", line)[1:-1]])
    return rows


#: Blocks in WK990101 (Centrum) to cover, tried in turn: whether one particular block can be taken depends on the
#: roster the search found, so the test asks for the first of a week of blocks that someone can take.
COVER_BLOCKS = [(f"2027-01-{d}T{a}", f"2027-01-{d}T{b}") for d in range(18, 25) for a, b in (("18:00", "21:00"),
                                                                                          ("10:00", "13:00"))]


def test_cover_names_ranked_candidates_on_the_demo(demo_week, tmp_path):
    """``planner cover`` names candidates for a block in WK990101 (Centrum) on the demo week, own-wijk officers
    first and then by plus hours; the first one's block added to the roster passes ``planner check``."""
    answers = []
    for start, end in COVER_BLOCKS:
        code, text = _invoke(["cover", demo_week / "roster.csv", DEMO, "--wijk", "WK990101", "--start", start,
                              "--end", end])
        assert code in (0, 1), text
        answers.append((start, code, text.strip().splitlines()[-1]))
        if code == 0:
            break
    assert code == 0, answers  # someone can take at least one of the blocks
    rows = _cover_rows(text)
    assert rows, text
    header = ["officer", "name", "own wijk", "hours before", "hours after", "available", "share after",
              "plus hours", "extends a shift"]
    assert all(len(r) == len(header) for r in rows), rows
    ranked = [(r[2] != "yes", float(r[7])) for r in rows]
    assert ranked == sorted(ranked), rows  # own wijk first, then the fewest plus hours

    # The top candidate can really take it: the roster with the block added passes the check.
    oid, own = rows[0][0], rows[0][2] == "yes"
    roster = _roster(demo_week / "roster.csv")
    mine = _blocks(roster, oid)
    touching = mine[(mine["end"] == _at(start)) | (mine["start"] == _at(end))]
    date = touching["date"].iloc[0].isoformat() if len(touching) else start[:10]
    block = (f'"{oid}","{date}","{start}+01:00","{end}+01:00","{"wijk" if own else "other_wijk"}","WK990101",'
             '"","cover"\n')
    (tmp_path / "covered").mkdir()
    covered = tmp_path / "covered" / "roster.csv"
    covered.write_text((demo_week / "roster.csv").read_text(encoding="utf-8") + block, encoding="utf-8")
    _check(covered, DEMO)


def test_cover_says_why_when_nobody_can(demo_week):
    """A 13 h block is longer than any shift may be (12 h): nobody can take it, exit 1 with the reason."""
    code, text = _invoke(["cover", demo_week / "roster.csv", DEMO, "--wijk", "WK990101",
                          "--start", "2027-01-20T06:00", "--end", "2027-01-20T19:00"])
    assert code == 1, text
    assert "nobody can take this block without breaking a rule or the norm" in text
    assert not _cover_rows(text)
