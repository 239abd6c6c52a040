"""Public holidays (the ``holidays`` package; the Netherlands by default) and what they do to a data folder.

A holiday reaches the solver, the checker, reports and maps only through the data they already read
(:meth:`planner.dataset.Dataset.with_holidays` applies it to the weeks asked for):

- ``[holidays] mode = "day_off"`` (default): a holiday on Monday to Friday is a day off for every officer, an
  ``unavailable`` absence of the whole day (reason ``feestdag``), so it lowers the week's available hours by
  contract / 5 as a day of leave does. A holiday on Saturday or Sunday gives no day off (it lies outside the
  five working days the contract hours are spread over).
- ``mode = "working_day"``: an ordinary working day; hours worked on it earn compensation, listed per officer
  in summary.json (``holidays.worked_h``).
- Demand: demand.csv and team_demand.csv rows with ``day = feestdag`` apply on every holiday, rows with a
  holiday's name (``koningsdag``, ``tweede kerstdag``, ...) on that holiday only. On a holiday a wijk (for team
  demand: a team and kind) uses its rows named for that holiday if it has any, else its ``feestdag`` rows if it
  has any, else its ordinary weekday rows, except on a day off (mode day_off, Monday to Friday), when a wijk
  without holiday rows wants nobody. Rows with a date apply on that date, holiday or not.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import re
from typing import TYPE_CHECKING, Any

import pandas as pd

from planner.config import Config
from planner.errors import ConfigError
from planner.hours import day_bounds, overlap_minutes
from planner.timeutil import local, parse_date

if TYPE_CHECKING:
    from planner.dataset import Dataset

#: ``day`` of a demand row that applies on every holiday.
GENERIC = "feestdag"
_GENERIC_WORDS = {"feestdag", "feestdagen", "holiday", "holidays", "public holiday"}
#: weekday of a demand row that applies on holidays only (never equal to a date's weekday 0-6).
HOLIDAY_WEEKDAY = -2
#: absences.csv-like rows for holidays carry this ``_row`` (no file row).
HOLIDAY_ROW = -1
HOLIDAY_REASON = "feestdag"


def key(name: str) -> str:
    """A holiday name as demand rows match it: lower case, without spaces, dashes or underscores."""
    return re.sub(r"[\s_\-']+", "", str(name).strip().lower())


@functools.lru_cache(maxsize=64)
def _library_days(country: str, year: int) -> tuple[tuple[dt.date, str], ...]:
    import holidays

    if country not in holidays.list_supported_countries():
        raise ValueError(country)
    cal = holidays.country_holidays(country, years=[year])
    langs = getattr(cal, "supported_languages", ()) or ()
    if "nl" in langs and country == "NL":
        cal = holidays.country_holidays(country, years=[year], language="nl")
    return tuple(sorted((d, str(n)) for d, n in cal.items()))


def holiday_dates(cfg: Config, first: dt.date, end: dt.date) -> dict[dt.date, str]:
    """Holidays from ``first`` up to (not including) ``end``: the package's days of ``[holidays] country``, plus
    ``extra``, minus ``exclude`` (see :class:`planner.config.HolidaySettings`)."""
    h = cfg.holidays
    out: dict[dt.date, str] = {}
    years = range(first.year, end.year + 1)
    if h.country:
        for year in years:
            try:
                days = _library_days(h.country, year)
            except ValueError:
                raise ConfigError(cfg.source or "planner.toml", f"'{h.country}' is not a country the holidays "
                                  "package knows; expected e.g. NL, BE or DE (or \"\" for none)",
                                  column="holidays.country") from None
            out.update(dict(days))
    for text in h.extra:
        day, _, name = text.partition(" ")
        for d in _dates(day, years):
            out[d] = name.strip() or GENERIC
    for text in h.exclude:
        for d in _dates(text.partition(" ")[0], years):
            out.pop(d, None)
    return {d: n for d, n in sorted(out.items()) if first <= d < end}


def _dates(text: str, years: range) -> list[dt.date]:
    m = re.match(r"^(\d{2})-(\d{2})$", text)
    if not m:
        return [parse_date(text)]
    out = []
    for y in years:
        try:
            out.append(dt.date(y, int(m.group(1)), int(m.group(2))))
        except ValueError:  # 02-29 outside a leap year
            pass
    return out


def known_names(cfg: Config) -> set[str]:
    """Keys of the holiday names a demand row may use (of ``country`` around now, and ``extra``)."""
    today = dt.date(2026, 1, 1)  # names do not depend on the year; a fixed span keeps loading deterministic
    names = {key(n) for n in holiday_dates(cfg, today.replace(year=today.year - 5),
                                            today.replace(year=today.year + 6)).values()}
    for text in cfg.holidays.extra:
        name = text.partition(" ")[2].strip()
        if name:
            names.add(key(name))
    return names


def parse_holiday_day(text: str, cfg: Config) -> str | None:
    """The holiday a ``day`` cell names: ``feestdag`` for every holiday, a holiday's key, or None."""
    k = key(text)
    if k in {key(w) for w in _GENERIC_WORDS}:
        return GENERIC
    if k and not k[0].isdigit() and k in known_names(cfg):
        return k
    return None


def apply_holidays(ds: Dataset, first: dt.date, end: dt.date, demand_first: dt.date | None = None) -> Dataset:
    """``ds`` as it holds from ``first`` up to ``end``: holiday absences (mode day_off) on those dates and the
    holiday demand rule on the dates from ``demand_first`` (default ``first``) up to ``end``. Always starts from
    the data as read, so calling it again with another span replaces the earlier one."""
    if ds.base is None and ds.holiday_span is not None:
        raise ValueError("holidays are already applied to this part of the data; apply them to the loaded data")
    base = ds.base if ds.base is not None else ds
    cfg = base.config
    days = holiday_dates(cfg, first, end)
    days_off = {d for d in days if cfg.holidays.mode == "day_off" and d.weekday() < 5}
    absences = base.absences
    extra = [
        {"officer_id": oid, "start": local(d, dt.time(0), cfg.tz), "end": local(d + dt.timedelta(days=1), dt.time(0),
                                                                              cfg.tz),
         "reason": HOLIDAY_REASON, "kind": "unavailable", "activity": None, "hours": float("nan"), "_row": HOLIDAY_ROW}
        for d in sorted(days_off)
        for oid in base.officers["officer_id"]
    ]
    if extra:
        absences = pd.concat([absences, pd.DataFrame(extra)], ignore_index=True) if len(absences) else \
            pd.DataFrame(extra, columns=list(absences.columns))
    d0 = max(first, demand_first or first)
    span = [d0 + dt.timedelta(days=i) for i in range((end - d0).days)]
    demand_days = {d: n for d, n in days.items() if d >= d0}
    demand = _holiday_demand(base.demand, demand_days, span, ["wijk_code"], days_off)
    td = base.team_demand
    team_of = td["team"].where(td["team"] != "", td["wijk_code"].map(base.wijk_team()).fillna("")) if len(td) \
        else pd.Series([], dtype=object)
    team = _holiday_demand(td.assign(_team=team_of), demand_days, span, ["_team", "kind"], days_off)
    return dataclasses.replace(base, absences=absences.reset_index(drop=True), demand=demand,
                               team_demand=team.drop(columns=["_team"]), holiday_days=dict(days),
                               holiday_span=(first, end), base=base)


def _holiday_demand(frame: pd.DataFrame, days: dict[dt.date, str], span: list[dt.date], group: list[str],
                    days_off: set[dt.date]) -> pd.DataFrame:
    """Rows of ``frame`` with the holiday rule applied on ``span``. On a holiday a group uses its rows named for
    that holiday, else its ``feestdag`` rows; when it has neither, its weekday rows apply, except on a day off
    (mode day_off, Monday to Friday: nobody works, so no demand). A weekday row that must not apply on some date
    of the span becomes dated rows for its other dates in the span; rows with a date are never touched."""
    if frame.empty:
        return frame
    if "holiday" not in frame.columns:
        frame = frame.assign(holiday="")
    if not days:
        return frame
    out: list[dict[str, Any]] = []
    groups: dict[tuple[Any, ...], list[dict[str, Any]]] = {}
    for r in frame.to_dict("records"):
        groups.setdefault(tuple(r[g] for g in group), []).append(r)
    for rows in groups.values():
        holiday_rows = [r for r in rows if str(r.get("holiday") or "")]
        out += [r for r in rows if not _weekly(r)]  # dated rows, and holiday rows (weekday -2: never apply alone)
        skip: set[dt.date] = set(days_off)
        for d, name in days.items():
            chosen = [r for r in holiday_rows if r["holiday"] == key(name)] or \
                [r for r in holiday_rows if r["holiday"] == GENERIC]
            if chosen:
                skip.add(d)
                out += [r | {"weekday": -1, "date": d} for r in chosen]
        off_weekdays = {d.weekday() for d in skip}
        for r in rows:
            if not _weekly(r):
                continue
            if int(r["weekday"]) not in off_weekdays:
                out.append(r)
                continue
            out += [r | {"weekday": -1, "date": d} for d in span if d.weekday() == r["weekday"] and d not in skip]
    return pd.DataFrame(out, columns=frame.columns)


def _weekly(r: dict[str, Any]) -> bool:
    """A row that applies every week on its weekday (no date, not a holiday row)."""
    date = r.get("date")
    return (date is None or pd.isna(date)) and 0 <= int(r["weekday"]) <= 6


def worked_on_holidays(roster: pd.DataFrame, days: dict[dt.date, str], cfg: Config) -> dict[str, float]:
    """Hours each officer works on the holidays ``days`` (local calendar days; a night shift into a holiday
    counts from midnight): the compensation hours of mode working_day."""
    out: dict[str, float] = {}
    if roster is None or roster.empty or not days:
        return out
    bounds = [day_bounds(d, cfg) for d in days]
    for oid, s, e in zip(roster["officer_id"], roster["start"], roster["end"], strict=True):
        m = sum(overlap_minutes(s, e, a, b) for a, b in bounds)
        if m:
            out[str(oid)] = out.get(str(oid), 0.0) + m / 60
    return {k: round(v, 2) for k, v in sorted(out.items())}


def holiday_summary(ds: Dataset, monday: dt.date | list[dt.date], roster: pd.DataFrame) -> dict[str, Any]:
    """The "holidays" entry of summary.json for the week of ``monday`` (or the weeks of a period): mode, the days
    and, per officer, the hours worked on them."""
    mondays = [monday] if isinstance(monday, dt.date) else list(monday)
    days = holiday_dates(ds.config, min(mondays), max(mondays) + dt.timedelta(days=7))
    return {
        "mode": ds.config.holidays.mode,
        "country": ds.config.holidays.country,
        "days": [{"date": d.isoformat(), "name": n} for d, n in days.items()],
        "worked_h": worked_on_holidays(roster, days, ds.config),
    }
