"""The roster.csv contract: one row per officer per contiguous block of one activity, read and written."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pandas as pd

from planner.errors import InputError
from planner.safe import csv_cell, uncsv_cell
from planner.tables import parse_cell, read_csv
from planner.timeutil import parse_date, parse_datetime

ROSTER_COLUMNS = ["officer_id", "date", "start", "end", "activity", "wijk_code"]
ROSTER_OPTIONAL = ["shift", "task"]


def empty_roster() -> pd.DataFrame:
    return pd.DataFrame(columns=ROSTER_COLUMNS + ROSTER_OPTIONAL)


def read_roster(path: Path, tz: ZoneInfo, activities: set[str] | None = None) -> pd.DataFrame:
    """Read a roster (planned or realized hours) into aware datetimes; every row and column is checked.

    ``date`` is the date the shift started (a night block after midnight keeps its shift's date); when
    empty it is the block's local start date. ``shift`` and ``task`` are optional.
    """
    from planner.atomic import settle_for_reading

    settle_for_reading(Path(path).parent)  # a roster run killed while moving its set into place: finish it first
    df = read_csv(path, ROSTER_COLUMNS, ROSTER_OPTIONAL)
    rows = []
    # A national roster repeats a few hundred distinct times over 25,000 rows: parse each text once.
    seen: dict[str, dt.datetime] = {}

    def moment(row: int, column: str, text: str) -> dt.datetime:
        if text not in seen:
            seen[text] = parse_cell(path, row, column, parse_datetime, text, tz)
        return seen[text]

    for r in df.to_dict("records"):
        row = int(r["_row"])
        for column in TEXT_COLUMNS:  # undo the spreadsheet guard roster_to_csv_text wrote
            r[column] = uncsv_cell(r[column])
        if not r["officer_id"]:
            raise InputError(path, "is empty", row=row, column="officer_id")
        start = moment(row, "start", r["start"])
        end = moment(row, "end", r["end"])
        if end <= start:
            raise InputError(path, "ends at or before it starts", row=row, column="end")
        if end - start > dt.timedelta(hours=24):
            raise InputError(path, "lasts more than 24 hours; expected one block of one shift", row=row,
                             column="end")
        date = parse_cell(path, row, "date", parse_date, r["date"]) if r["date"] else start.date()
        activity = r["activity"].strip().lower()
        if activities is not None and activity not in activities:
            known = ", ".join(sorted(activities))
            raise InputError(path, f"'{r['activity']}' is not an activity; expected one of {known}", row=row,
                             column="activity")
        rows.append({"officer_id": r["officer_id"], "date": date, "start": start, "end": end, "activity": activity,
                     "wijk_code": r["wijk_code"], "shift": r["shift"], "task": r["task"], "_row": row})
    if not rows:
        return empty_roster()
    return pd.DataFrame(rows).sort_values(["officer_id", "start"], kind="stable").reset_index(drop=True)


#: Text columns of roster.csv: written through ``safe.csv_cell`` and read back through ``safe.uncsv_cell``.
TEXT_COLUMNS = ("officer_id", "activity", "wijk_code", "shift", "task")


def roster_to_csv_text(roster: pd.DataFrame) -> str:
    """The CSV text of a roster (comma separated, UTF-8, ISO 8601 with UTC offset).

    Every field is quoted and every text field spreadsheet-safe (``planner.safe.csv_cell``): a ``;`` in a task
    cannot split it into a formula cell when Dutch Excel opens the file; :func:`read_roster` reads the same
    values back.
    """
    def text(values: Any) -> list[str]:
        return [csv_cell(v) for v in pd.Series(values, dtype=object).fillna("").astype(str)]

    out = pd.DataFrame({
        "officer_id": text(roster["officer_id"].values),
        "date": [d.isoformat() for d in roster["date"]],
        "start": [s.isoformat(timespec="minutes") for s in roster["start"]],
        "end": [e.isoformat(timespec="minutes") for e in roster["end"]],
        "activity": text(roster["activity"].values),
        "wijk_code": text(roster["wijk_code"].values),
        "shift": text(roster.get("shift", pd.Series([""] * len(roster))).values),
        "task": text(roster.get("task", pd.Series([""] * len(roster))).values),
    })
    return out.to_csv(index=False, lineterminator="\n", quoting=csv.QUOTE_ALL)


def working_days(roster: pd.DataFrame) -> set[tuple[str, dt.date]]:
    """(officer, date) of every day on which the roster has the officer work: a shift (a block) dated that day."""
    return {(str(o), d) for o, d in zip(roster["officer_id"], roster["date"], strict=True)}


def block_minutes(roster: pd.DataFrame) -> pd.Series:
    """Real elapsed minutes of each block (exact across DST)."""
    return pd.Series(
        [int((e - s).total_seconds() // 60) for s, e in zip(roster["start"], roster["end"], strict=True)],
        index=roster.index, dtype="int64",
    )


def shifts_of(roster: pd.DataFrame) -> pd.DataFrame:
    """Group blocks into shifts: blocks of one officer that touch (end == next start) form one shift.

    Returns officer_id, date (of the first block), start, end, minutes, and the list of block indices.
    """
    rows = []
    if roster.empty:
        return pd.DataFrame(columns=["officer_id", "date", "start", "end", "minutes", "blocks"])
    ordered = roster.sort_values(["officer_id", "start"], kind="stable")
    cur: dict | None = None
    for idx, r in zip(ordered.index, ordered.to_dict("records"), strict=True):
        if cur is not None and cur["officer_id"] == r["officer_id"] and cur["end"] == r["start"]:
            cur["end"] = r["end"]
            cur["blocks"].append(idx)
            continue
        if cur is not None:
            rows.append(cur)
        cur = {"officer_id": r["officer_id"], "date": r["date"], "start": r["start"], "end": r["end"],
               "blocks": [idx]}
    if cur is not None:
        rows.append(cur)
    out = pd.DataFrame(rows)
    out["minutes"] = [int((e - s).total_seconds() // 60) for s, e in zip(out["start"], out["end"], strict=True)]
    return out
