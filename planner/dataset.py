"""The data folder as one validated Dataset: config, wijken, population, officers, absences, demand, wishes."""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd

from planner.config import CONFIG_NAME, PRIORITY_FACTORS, Config, load_config
from planner.errors import CrossFileError, GeometryError, InputError
from planner.geo import WIJKEN_NAMES, find_wijken_file, read_wijken
from planner.tables import guard_folder, open_input, parse_bool, parse_cell, parse_number, read_csv
from planner.timeutil import is_date_only, local, parse_date, parse_datetime, parse_day, parse_hhmm

OFFICERS = "officers.csv"
ABSENCES = "absences.csv"
POPULATION = "population.csv"
GEMEENTEN = "gemeenten.csv"
DEMAND = "demand.csv"
TEAM_DEMAND = "team_demand.csv"
WISHES = "wishes.csv"
#: Every CSV read from a data folder by its default name; each is checked before anything is opened.
INPUT_CSVS = (OFFICERS, ABSENCES, POPULATION, GEMEENTEN, DEMAND, TEAM_DEMAND, WISHES)

OFFICER_COLUMNS = ["officer_id", "name", "wijk_code", "contract_hours"]
OFFICER_OPTIONAL = ["night_exempt", "team", "skills"]
ABSENCE_COLUMNS = ["officer_id", "start", "end", "reason"]
DEMAND_COLUMNS = ["wijk_code", "day", "start", "end", "officers"]
DEMAND_OPTIONAL = ["theme", "priority", "note"]
TEAM_DEMAND_COLUMNS = ["kind", "day", "start", "end", "officers"]
TEAM_DEMAND_OPTIONAL = ["name", "wijk_code", "team"]
TEAM_KINDS = {"noodhulp": "noodhulp", "event": "event", "evenement": "event"}
THEMES = (
    "ondermijning", "mensenhandel", "zorg_en_veiligheid", "jeugdoverlast", "woonoverlast", "huiselijk_geweld",
    "drugsoverlast", "cyber", "verkeer", "algemeen",
)


@dataclass(frozen=True)
class Dataset:
    """Everything in one data folder, validated and cross-checked.

    Attributes
    ----------
    wijken
        GeoDataFrame in EPSG:28992: wijk_code, wijk_naam, gemeente_code, gemeente_naam, inwoners (NaN when
        unknown, never 0 for unknown), area_km2, geometry.
    officers
        officer_id, name, wijken (tuple of wijk codes), contract_hours, night_exempt, team, skills (tuple).
    absences
        officer_id, start, end (aware datetimes), reason, kind ('unavailable' or 'work'), activity, _row.
    demand
        Wijk presence wanted: wijk_code, weekday (0-6, -1 with a date, -2 on holidays only), date (date or
        None), start, end (times), officers, theme, priority, priority_factor, holiday ('' or the holiday the
        row is for: 'feestdag' for every one, else a holiday's key such as 'koningsdag'), _row.
    team_demand
        Noodhulp support and events: kind ('noodhulp' or 'event'), name, weekday, date, start, end, officers,
        wijk_code ('' when none), team, holiday, _row.
    wishes
        Wished days off: officer_id, date, _row.
    holiday_days, holiday_span, base
        After :meth:`with_holidays`: the holidays applied, the span they were applied to, and the data as read.
    """

    root: Path
    config: Config
    wijken: gpd.GeoDataFrame
    officers: pd.DataFrame
    absences: pd.DataFrame
    demand: pd.DataFrame
    team_demand: pd.DataFrame
    wishes: pd.DataFrame
    files: dict[str, str] = field(default_factory=dict)
    holiday_days: dict[dt.date, str] = field(default_factory=dict)
    holiday_span: tuple[dt.date, dt.date] | None = None
    base: Dataset | None = None

    def with_holidays(self, first: dt.date, end: dt.date, demand_first: dt.date | None = None) -> Dataset:
        """The data as it holds from ``first`` up to ``end`` with public holidays applied (``planner.holidays``):
        day-off absences, and from ``demand_first`` (default ``first``) the holiday demand rule. Call it on the
        loaded data (not on a team's part) with every week a command reads; a second call replaces the first
        span."""
        from planner.holidays import apply_holidays

        return apply_holidays(self, first, end, demand_first)

    def with_holidays_for_period(self, mondays: list[dt.date], history_weeks: int = 16) -> Dataset:
        """:meth:`with_holidays` for the weeks ``mondays`` (absences and demand) and the ``history_weeks`` before."""
        first, last = min(mondays), max(mondays)
        return self.with_holidays(first - dt.timedelta(weeks=history_weeks), last + dt.timedelta(days=7), first)

    def with_holidays_for_week(self, monday: dt.date, history_weeks: int = 16) -> Dataset:
        """:meth:`with_holidays` for the week of ``monday`` (absences and demand) and the ``history_weeks`` before
        it (absences only: the rolling rules read their available hours)."""
        return self.with_holidays(monday - dt.timedelta(weeks=history_weeks), monday + dt.timedelta(days=7), monday)

    @property
    def teams(self) -> list[str]:
        return sorted(self.officers["team"].unique().tolist())

    def absences_of(self, officer_id: str) -> pd.DataFrame:
        """One officer's absences (rows found once per dataset: a national report looks up 3,500 officers)."""
        return self.absences.iloc[self._absence_rows.get(str(officer_id), [])]

    @cached_property
    def _absence_rows(self) -> dict[str, np.ndarray]:
        if self.absences.empty:
            return {}
        return {str(k): v for k, v in self.absences.groupby("officer_id", sort=False).indices.items()}

    def officer_wijken(self) -> dict[str, tuple[str, ...]]:
        return dict(zip(self.officers["officer_id"], self.officers["wijken"], strict=True))

    def wijk_team(self) -> dict[str, str]:
        """Team of each wijk that has an officer (wijken without one map to no team)."""
        out: dict[str, str] = {}
        for team, wijken in zip(self.officers["team"], self.officers["wijken"], strict=True):
            for w in wijken:
                out.setdefault(w, team)
        return out

    def subset_team(self, team: str) -> Dataset:
        """The part of the dataset that belongs to one basisteam (its officers, their wijken, its demand)."""
        officers = self.officers[self.officers["team"] == team]
        ids = set(officers["officer_id"])
        wijken_of_team = {w for ws in officers["wijken"] for w in ws}
        wt = self.wijk_team()
        td = self.team_demand
        td_team = td["team"].where(td["team"] != "", td["wijk_code"].map(wt).fillna(""))
        keep = (td_team == team) | ((td_team == "") & (len(self.teams) == 1))
        return Dataset(
            root=self.root, config=self.config,
            wijken=self.wijken[self.wijken["wijk_code"].isin(wijken_of_team)].reset_index(drop=True),
            officers=officers.reset_index(drop=True),
            absences=self.absences[self.absences["officer_id"].isin(ids)].reset_index(drop=True),
            demand=self.demand[self.demand["wijk_code"].isin(wijken_of_team)].reset_index(drop=True),
            team_demand=td[keep].reset_index(drop=True),
            wishes=self.wishes[self.wishes["officer_id"].isin(ids)].reset_index(drop=True),
            files=self.files,
            holiday_days=self.holiday_days,
            holiday_span=self.holiday_span,
            base=None,  # a team's part is not re-applied (see with_holidays): subsetting the base too cost 2x
        )


def check_pins(ds: Dataset, pins: pd.DataFrame, monday: dt.date, path: Path | str, weeks: int = 1) -> pd.DataFrame:
    """Pinned blocks (roster format, as read by ``read_roster``) that belong to this week's plan (or the period of
    ``weeks`` weeks from ``monday``).

    A pin of an officer not in officers.csv, in a wijk not in the wijken file, or dated outside the week being
    planned is refused with an InputError naming the file, row and column (a pin that would be ignored silently
    is an edit the planner believes is kept).
    """
    ids = set(ds.officers["officer_id"].astype(str))
    wijken = set(ds.wijken["wijk_code"].astype(str))
    sunday = monday + dt.timedelta(days=7 * weeks - 1)
    for r in pins.to_dict("records"):
        row = int(r["_row"]) if "_row" in r and pd.notna(r["_row"]) else None
        if str(r["officer_id"]) not in ids:
            raise CrossFileError(path, f"officer '{r['officer_id']}' is not in officers.csv", row=row,
                                 column="officer_id")
        wijk = str(r.get("wijk_code") or "").strip()
        if wijk and wijk not in wijken:
            raise CrossFileError(path, f"wijk '{wijk}' is not in the wijken file", row=row, column="wijk_code")
        if not monday <= r["date"] <= sunday:
            raise InputError(path, f"{r['date'].isoformat()} lies outside the {'week' if weeks == 1 else 'period'} "
                             f"being planned ({monday.isoformat()} to {sunday.isoformat()}); pin only blocks of "
                             f"that {'week' if weeks == 1 else 'period'}", row=row, column="date")
    return pins


def load_dataset(root: Path | str, config: Config | None = None) -> Dataset:
    """Load and validate a data folder; raises an InputError subclass naming file, row and column."""
    root = Path(root)
    if not root.is_dir():
        raise InputError(root, "is not a folder; expected a data folder with officers.csv and a wijken file")
    # Before anything is opened: every file read by its default name is a regular file inside the folder.
    guard_folder(root, [CONFIG_NAME, *INPUT_CSVS, *WIJKEN_NAMES])
    cfg = config or load_config(root / CONFIG_NAME)
    files: dict[str, str] = {}
    if (root / CONFIG_NAME).exists():
        files[CONFIG_NAME] = _sha256(root / CONFIG_NAME)
    wpath = find_wijken_file(root, cfg.files.wijken)
    files[wpath.name] = _sha256(wpath)
    wijken = read_wijken(wpath, cfg.files.wijken_layer, cfg.files.wijken_crs)
    _check_wijken_population(wijken, wpath)
    if (root / POPULATION).exists():
        files[POPULATION] = _sha256(root / POPULATION)
        wijken = _apply_population(wijken, root / POPULATION)
    if (root / GEMEENTEN).exists():
        files[GEMEENTEN] = _sha256(root / GEMEENTEN)
        wijken = _apply_gemeente_names(wijken, root / GEMEENTEN)
    opath = root / OFFICERS
    if not opath.exists():
        raise InputError(opath, "is missing; expected officer_id, name, wijk_code, contract_hours")
    files[OFFICERS] = _sha256(opath)
    officers = _officers(opath, cfg, set(wijken["wijk_code"]))
    ids = set(officers["officer_id"])
    absences = _optional(root / ABSENCES, files, lambda p: _absences(p, cfg, ids), _empty_absences)
    demand = _optional(root / DEMAND, files, lambda p: _demand(p, set(wijken["wijk_code"]), cfg), _empty_demand)
    team_demand = _optional(root / TEAM_DEMAND, files,
                            lambda p: _team_demand(p, set(wijken["wijk_code"]), set(officers["team"]), cfg),
                            _empty_team_demand)
    wishes = _optional(root / WISHES, files, lambda p: _wishes(p, ids), _empty_wishes)
    return Dataset(root, cfg, wijken, officers, absences, demand, team_demand, wishes, files)


def _optional(path: Path, files: dict[str, str], loader, empty) -> pd.DataFrame:  # type: ignore[no-untyped-def]
    if not path.exists():
        return empty()
    files[path.name] = _sha256(path)
    return loader(path)


def _sha256(path: Path) -> str:
    """Hash of an input file, read in chunks; a file above its size limit or not a regular file is refused
    before it is read (``tables.open_input``)."""
    try:
        with open_input(path) as fh:
            return hashlib.file_digest(fh, "sha256").hexdigest()
    except OSError as exc:
        raise InputError(path, f"cannot be read ({exc.strerror})") from None


def _check_wijken_population(wijken: gpd.GeoDataFrame, path: Path) -> None:
    """A negative population in the wijken file is an error; CBS's sentinels (at or below -99999990) were
    already read as unknown by read_wijken."""
    bad = wijken[wijken["inwoners"] < 0]
    if len(bad):
        code, value = str(bad["wijk_code"].iloc[0]), float(bad["inwoners"].iloc[0])
        raise GeometryError(path, f"{value:g} inhabitants is negative; expected a count, empty or a CBS "
                            "sentinel for unknown (-99999999)", row=f"wijk {code}", column="inwoners")


def _apply_population(wijken: gpd.GeoDataFrame, path: Path) -> gpd.GeoDataFrame:
    df = read_csv(path, ["wijk_code", "inwoners"])
    known = set(wijken["wijk_code"])
    pop: dict[str, float] = {}
    for r in df.itertuples(index=False):
        row = int(r._0)
        code = str(r.wijk_code)
        if code not in known:
            raise CrossFileError(path, f"wijk '{code}' is not in the wijken file", row=row, column="wijk_code")
        if code in pop:
            raise CrossFileError(path, f"wijk '{code}' appears twice", row=row, column="wijk_code")
        if str(r.inwoners).strip() == "":
            pop[code] = np.nan
            continue
        value = parse_number(r.inwoners, path, row, "inwoners", integer=True)
        pop[code] = np.nan if value <= -99999990 else value
        if value < 0 and value > -99999990:
            raise InputError(path, f"{value:g} inhabitants is negative", row=row, column="inwoners")
    out = wijken.copy()
    from_file = out["wijk_code"].map(pop)
    out["inwoners"] = from_file.where(out["wijk_code"].isin(list(pop)), out["inwoners"]).astype("float64")
    return out


def _apply_gemeente_names(wijken: gpd.GeoDataFrame, path: Path) -> gpd.GeoDataFrame:
    """Gemeente names from gemeenten.csv (gemeente_code, gemeente_naam); they win over the wijken file's.

    Codes the wijken file does not hold are ignored, so a national list of gemeenten can be used as it is.
    """
    import re

    df = read_csv(path, ["gemeente_code", "gemeente_naam"])
    names: dict[str, str] = {}
    for r in df.to_dict("records"):
        row, code, naam = int(r["_row"]), str(r["gemeente_code"]).strip().upper(), str(r["gemeente_naam"]).strip()
        if not re.fullmatch(r"GM\d{4}", code):
            raise InputError(path, f"'{r['gemeente_code']}' is not a CBS gemeente code; expected GM followed by 4 "
                             "digits", row=row, column="gemeente_code")
        if code in names:
            raise CrossFileError(path, f"gemeente '{code}' appears twice", row=row, column="gemeente_code")
        if not naam:
            raise InputError(path, "is empty; expected the gemeente's name", row=row, column="gemeente_naam")
        names[code] = naam
    out = wijken.copy()
    out["gemeente_naam"] = out["gemeente_code"].map(names).fillna(out["gemeente_naam"])
    return out


def _officers(path: Path, cfg: Config, wijk_codes: set[str]) -> pd.DataFrame:
    df = read_csv(path, OFFICER_COLUMNS, OFFICER_OPTIONAL)
    if df.empty:
        raise InputError(path, "has no officers; expected one row per wijkagent")
    rows = []
    seen: dict[str, int] = {}
    for r in df.to_dict("records"):
        row = int(r["_row"])
        oid = r["officer_id"]
        if not oid:
            raise InputError(path, "is empty; every officer needs an id", row=row, column="officer_id")
        if oid.startswith(("=", "+", "-", "@")) or "|" in oid or "," in oid:
            raise InputError(path, f"'{oid}' cannot be an id: it may not start with = + - @ or hold | or ,",
                             row=row, column="officer_id")
        if oid in seen:
            raise CrossFileError(path, f"officer '{oid}' appears twice (first in row {seen[oid]})", row=row,
                                 column="officer_id")
        seen[oid] = row
        wijken = tuple(w.strip() for w in r["wijk_code"].split("|") if w.strip())
        if not wijken:
            raise InputError(path, "is empty; expected one or more wijk codes separated by |", row=row,
                             column="wijk_code")
        twice = sorted({w for w in wijken if wijken.count(w) > 1})
        if twice:
            # 'WK01|WK01' would count the officer twice as half an officer in one wijk: say which one was meant
            raise InputError(path, f"wijk '{twice[0]}' is listed twice; list each of the officer's wijken once",
                             row=row, column="wijk_code")
        for w in wijken:
            if w not in wijk_codes:
                raise CrossFileError(path, f"wijk '{w}' is not on the map (not in the wijken file)", row=row,
                                     column="wijk_code")
        hours = parse_number(r["contract_hours"], path, row, "contract_hours", minimum=0, maximum=60)
        if hours <= 0:
            raise InputError(path, "0 contract hours; expected hours per week above 0", row=row,
                             column="contract_hours")
        rows.append({
            "officer_id": oid,
            "name": r["name"],
            "wijken": wijken,
            "contract_hours": hours,
            "night_exempt": parse_bool(r["night_exempt"], path, row, "night_exempt"),
            "team": r["team"] or cfg.team_name,
            "skills": tuple(s.strip() for s in r["skills"].split("|") if s.strip()),
            "_row": row,
        })
    return pd.DataFrame(rows)


def _absences(path: Path, cfg: Config, ids: set[str]) -> pd.DataFrame:
    df = read_csv(path, ABSENCE_COLUMNS, ["hours"])
    tz = cfg.tz
    rows = []
    for r in df.to_dict("records"):
        row = int(r["_row"])
        oid = r["officer_id"]
        if oid not in ids:
            raise CrossFileError(path, f"officer '{oid}' is not in officers.csv", row=row, column="officer_id")
        start = parse_cell(path, row, "start", parse_datetime, r["start"], tz)
        end = parse_cell(path, row, "end", parse_datetime, r["end"], tz)
        if is_date_only(r["end"]):  # a date alone (2027-01-20 or 20270120): the whole day is included
            end = local(parse_date(r["end"]) + dt.timedelta(days=1), dt.time(0, 0), tz)
        if end <= start:
            raise InputError(path, f"ends ({r['end']}) at or before it starts ({r['start']})", row=row, column="end")
        if (end - start).days > 366:
            raise InputError(path, "lasts more than a year; expected start and end of one absence", row=row,
                             column="end")
        try:
            kind, activity = cfg.absence_kind(r["reason"])
        except KeyError:
            known = sorted(set(cfg.absences.unavailable) | set(cfg.absences.work))
            raise InputError(path, f"'{r['reason']}' is not a known reason; expected one of {', '.join(known)} "
                             "(or add it under [absences] in planner.toml)", row=row, column="reason") from None
        hours = (parse_number(r["hours"], path, row, "hours", minimum=0, maximum=24 * 366)
                 if r["hours"].strip() else float("nan"))
        rows.append({"officer_id": oid, "start": start, "end": end, "reason": r["reason"].strip().lower(),
                     "kind": kind, "activity": activity, "hours": hours, "_row": row})
    out = pd.DataFrame(rows) if rows else _empty_absences()
    # Overlapping absences of one officer are ambiguous (which reason counts?): refuse them.
    for oid, grp in out.groupby("officer_id", sort=False):
        grp = grp.sort_values("start")
        prev_end, prev_row = None, None
        for s, e, row in zip(grp["start"], grp["end"], grp["_row"], strict=True):
            if prev_end is not None and s < prev_end:
                raise InputError(path, f"absence of '{oid}' overlaps the one in row {prev_row}", row=int(row),
                                 column="start")
            if prev_end is None or e > prev_end:
                prev_end, prev_row = e, row
    return out


def _day(text: str, path: Path, row: int, cfg: Config | None = None) -> tuple[int, dt.date | None, str]:
    """A ``day`` cell: (weekday, date, holiday): a weekday, an ISO date, or ``feestdag`` / a holiday's name."""
    try:
        weekday, date = parse_day(text)
        return weekday, date, ""
    except ValueError as exc:
        from planner.holidays import HOLIDAY_WEEKDAY, parse_holiday_day

        holiday = parse_holiday_day(text, cfg or Config())
        if holiday is None:
            raise InputError(path, f"{exc}, feestdag or a holiday's name such as koningsdag", row=row,
                             column="day") from None
        return HOLIDAY_WEEKDAY, None, holiday


def _window(r: dict[str, str], path: Path, row: int) -> tuple[dt.time, dt.time]:
    start = parse_cell(path, row, "start", parse_hhmm, r["start"])
    end = parse_cell(path, row, "end", parse_hhmm, r["end"])
    if start == end:
        raise InputError(path, "start equals end; expected a window of less than 24 hours", row=row, column="end")
    return start, end


def _demand(path: Path, wijk_codes: set[str], cfg: Config | None = None) -> pd.DataFrame:
    df = read_csv(path, DEMAND_COLUMNS, DEMAND_OPTIONAL)
    rows = []
    for r in df.to_dict("records"):
        row = int(r["_row"])
        if r["wijk_code"] not in wijk_codes:
            raise CrossFileError(path, f"wijk '{r['wijk_code']}' is not in the wijken file", row=row,
                                 column="wijk_code")
        weekday, date, holiday = _day(r["day"], path, row, cfg)
        start, end = _window(r, path, row)
        officers = parse_number(r["officers"], path, row, "officers", minimum=0, maximum=100)
        prio = (r["priority"] or "midden").strip().lower()
        if prio in PRIORITY_FACTORS:
            factor = PRIORITY_FACTORS[prio]
        else:
            try:
                factor = parse_number(prio, path, row, "priority", minimum=0, maximum=100)
            except InputError:
                raise InputError(path, f"'{r['priority']}' is not a priority; expected hoog, midden, laag "
                                 "or a factor from 0 to 100", row=row, column="priority") from None
        theme = (r["theme"] or "algemeen").strip().lower().replace(" & ", "_en_").replace(" ", "_")
        rows.append({"wijk_code": r["wijk_code"], "weekday": weekday, "date": date, "start": start, "end": end,
                     "officers": officers, "theme": theme, "priority": prio, "priority_factor": factor,
                     "holiday": holiday, "_row": row})
    return pd.DataFrame(rows) if rows else _empty_demand()


def _team_demand(path: Path, wijk_codes: set[str], teams: set[str], cfg: Config | None = None) -> pd.DataFrame:
    df = read_csv(path, TEAM_DEMAND_COLUMNS, TEAM_DEMAND_OPTIONAL)
    rows = []
    for r in df.to_dict("records"):
        row = int(r["_row"])
        kind = TEAM_KINDS.get(r["kind"].strip().lower())
        if kind is None:
            raise InputError(path, f"'{r['kind']}' is not a kind; expected noodhulp or event", row=row, column="kind")
        weekday, date, holiday = _day(r["day"], path, row, cfg)
        start, end = _window(r, path, row)
        officers = parse_number(r["officers"], path, row, "officers", minimum=0, maximum=1000)
        if r["wijk_code"] and r["wijk_code"] not in wijk_codes:
            raise CrossFileError(path, f"wijk '{r['wijk_code']}' is not in the wijken file", row=row,
                                 column="wijk_code")
        if r["team"] and r["team"] not in teams:
            raise CrossFileError(path, f"team '{r['team']}' has no officers in officers.csv", row=row, column="team")
        rows.append({"kind": kind, "name": r["name"] or f"{kind} {row}", "weekday": weekday, "date": date,
                     "start": start, "end": end, "officers": officers, "wijk_code": r["wijk_code"],
                     "team": r["team"], "holiday": holiday, "_row": row})
    return pd.DataFrame(rows) if rows else _empty_team_demand()


def _wishes(path: Path, ids: set[str]) -> pd.DataFrame:
    df = read_csv(path, ["officer_id", "date"])
    rows = []
    for r in df.to_dict("records"):
        row = int(r["_row"])
        if r["officer_id"] not in ids:
            raise CrossFileError(path, f"officer '{r['officer_id']}' is not in officers.csv", row=row,
                                 column="officer_id")
        date = parse_cell(path, row, "date", parse_date, r["date"])
        rows.append({"officer_id": r["officer_id"], "date": date, "_row": row})
    return pd.DataFrame(rows) if rows else _empty_wishes()


def _empty_absences() -> pd.DataFrame:
    return pd.DataFrame(columns=["officer_id", "start", "end", "reason", "kind", "activity", "hours", "_row"])


def _empty_demand() -> pd.DataFrame:
    return pd.DataFrame(columns=["wijk_code", "weekday", "date", "start", "end", "officers", "theme", "priority",
                                 "priority_factor", "holiday", "_row"])


def _empty_team_demand() -> pd.DataFrame:
    return pd.DataFrame(columns=["kind", "name", "weekday", "date", "start", "end", "officers", "wijk_code", "team",
                                 "holiday", "_row"])


def _empty_wishes() -> pd.DataFrame:
    return pd.DataFrame(columns=["officer_id", "date", "_row"])
