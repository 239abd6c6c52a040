"""planner.toml: team, shift types, activities, absence reasons, rule limits, the norm, weights; validated."""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
import tomllib
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from planner.errors import ConfigError
from planner.timeutil import parse_hhmm

CONFIG_NAME = "planner.toml"

#: Activities a roster block can hold. ``own_wijk``: counts for the strict reading ("in de wijk");
#: ``for_wijk``: counts for the official reading ("in of voor de wijk"); ``available``: counts as
#: available time in the norm's denominator.
DEFAULT_ACTIVITIES: dict[str, dict[str, bool]] = {
    "wijk": {"own_wijk": True, "for_wijk": True, "available": True},
    "voor_wijk": {"own_wijk": False, "for_wijk": True, "available": True},
    "noodhulp": {"own_wijk": False, "for_wijk": False, "available": True},
    "event": {"own_wijk": False, "for_wijk": False, "available": True},
    "training": {"own_wijk": False, "for_wijk": False, "available": True},
    "office": {"own_wijk": False, "for_wijk": False, "available": True},
    "other_wijk": {"own_wijk": False, "for_wijk": False, "available": True},
}


@dataclass(frozen=True)
class ShiftType:
    """A shift type: a code, a name and local start and end clock times (end <= start: next day)."""

    code: str
    name: str
    start: dt.time
    end: dt.time

    @property
    def nominal_minutes(self) -> int:
        """Length on a day without a DST change."""
        s = self.start.hour * 60 + self.start.minute
        e = self.end.hour * 60 + self.end.minute
        return (e - s) % (24 * 60) or 24 * 60


@dataclass(frozen=True)
class Rules:
    """Arbeidstijdenwet limits (defaults from the law for employees 18+; every one configurable)."""

    max_shift_hours: float = 12
    max_week_hours: float = 60
    max_avg_week_hours_4w: float = 55
    max_avg_week_hours_16w: float = 48
    daily_rest_hours: float = 11
    daily_rest_reduced_hours: float = 8
    daily_rest_reductions_per_7d: int = 1
    weekly_rest_hours: float = 36
    max_night_shift_hours: float = 10
    night_min_minutes_00_06: int = 60
    late_night_end: str = "02:00"
    rest_after_late_night_hours: float = 14
    rest_after_late_night_reduced_hours: float = 8
    rest_after_late_night_reductions_per_week: int = 1
    rest_after_night_series_hours: float = 46
    night_series_length: int = 3
    max_consecutive_shifts_with_night: int = 7
    max_nights_16w: int = 36
    contract_tolerance_hours: float = 4


@dataclass(frozen=True)
class Norm:
    """The 80 % norm: share, reading ("in" or "in_of_voor"), rolling window in weeks."""

    share: float = 0.80
    reading: str = "in"
    window_weeks: int = 4

    @property
    def fraction(self) -> Fraction:
        return Fraction(self.share).limit_denominator(1000)


@dataclass(frozen=True)
class Weights:
    """Objective weights: per hour short (presence times its priority factor), per hour off the contract,
    per shift of unfairness, per wished day off worked, per changed shift in a re-plan."""

    presence: float = 1000
    team: float = 100
    hours_deviation: float = 20
    fairness: float = 10
    wishes: float = 50
    change: float = 2000


@dataclass(frozen=True)
class Absences:
    """Which absence reasons make hours unavailable, and which are work away from the wijk (and as what)."""

    unavailable: tuple[str, ...] = (
        "leave",
        "verlof",
        "vakantie",
        "sick",
        "ziek",
        "ziekte",
        "bijzonder verlof",
        "compensatie",
        "ouderschapsverlof",
    )
    work: dict[str, str] = field(
        default_factory=lambda: {
            "training": "training",
            "opleiding": "training",
            "cursus": "training",
            "ibt": "training",
            "court": "office",
            "rechtbank": "office",
            "office": "office",
            "overleg": "office",
        }
    )


@dataclass(frozen=True)
class SolverSettings:
    """CP-SAT parameters: time limit, workers (0 = all cores), seed, time resolution in minutes."""

    time_limit_s: float = 30
    workers: int = 0
    seed: int = 0
    resolution_min: int = 60
    group_bound: bool = False  # True: add the wijk-group lower bound and hint (helps at linearization 1)


#: How a public holiday counts (``[holidays] mode``).
HOLIDAY_MODES = ("day_off", "working_day")
_MONTH_DAY_RE = r"^(\d{2})-(\d{2})$"


@dataclass(frozen=True)
class HolidaySettings:
    """Public holidays: the ``holidays`` package's days of ``country`` ("" for none) plus ``extra`` minus
    ``exclude`` (``YYYY-MM-DD`` for one date, ``MM-DD`` for every year; an extra day may add its name after a
    space). ``mode`` "day_off": a weekday holiday is a day off for every officer (counted as leave, contract / 5);
    "working_day": an ordinary working day whose hours earn compensation (summary.json lists them)."""

    mode: str = "day_off"
    country: str = "NL"
    extra: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()


@dataclass(frozen=True)
class Privacy:
    """Municipal outputs: a figure about fewer than ``min_group_size`` wijkagenten is combined or withheld."""

    min_group_size: int = 3


@dataclass(frozen=True)
class Files:
    """Where the wijken come from, when not found by name; the CRS of a file that has none."""

    wijken: str | None = None
    wijken_layer: str | None = None
    wijken_crs: str | None = None


DEFAULT_SHIFTS = (
    ShiftType("V", "Vroeg", dt.time(7, 0), dt.time(15, 0)),
    ShiftType("D", "Dag", dt.time(9, 0), dt.time(17, 0)),
    ShiftType("L", "Laat", dt.time(15, 0), dt.time(23, 0)),
    ShiftType("N", "Nacht", dt.time(23, 0), dt.time(7, 0)),
)

PRIORITY_FACTORS = {"hoog": 4.0, "high": 4.0, "midden": 2.0, "medium": 2.0, "normaal": 2.0, "laag": 1.0, "low": 1.0}


@dataclass(frozen=True)
class Config:
    """The whole validated planner.toml (all fields have defaults: the file is optional)."""

    team_name: str = "Basisteam"
    timezone: str = "Europe/Amsterdam"
    shifts: tuple[ShiftType, ...] = DEFAULT_SHIFTS
    activities: dict[str, dict[str, bool]] = field(default_factory=lambda: dict(DEFAULT_ACTIVITIES))
    absences: Absences = field(default_factory=Absences)
    rules: Rules = field(default_factory=Rules)
    norm: Norm = field(default_factory=Norm)
    weights: Weights = field(default_factory=Weights)
    solver: SolverSettings = field(default_factory=SolverSettings)
    files: Files = field(default_factory=Files)
    holidays: HolidaySettings = field(default_factory=HolidaySettings)
    privacy: Privacy = field(default_factory=Privacy)
    source: str | None = None

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    def shift(self, code: str) -> ShiftType:
        for s in self.shifts:
            if s.code == code:
                return s
        raise KeyError(code)

    def counts_for_norm(self, activity: str) -> bool:
        """Whether hours of ``activity`` count as own-wijk hours under the configured reading."""
        flags = self.activities.get(activity, {})
        return bool(flags.get("own_wijk" if self.norm.reading == "in" else "for_wijk"))

    def is_available(self, activity: str) -> bool:
        return bool(self.activities.get(activity, {}).get("available", True))

    def absence_kind(self, reason: str) -> tuple[str, str | None]:
        """('unavailable', None) or ('work', activity) for an absence reason; KeyError if unknown."""
        key = reason_key(reason)
        if key in self.absences.unavailable:
            return "unavailable", None
        if key in self.absences.work:
            return "work", self.absences.work[key]
        raise KeyError(reason)

    def with_changes(self, **changes: Any) -> Config:
        return dataclasses.replace(self, **changes)


def reason_key(reason: str) -> str:
    """An absence reason as it is matched: case and surrounding spaces ignored, and every line ending as ``\n``,
    as CSV fields are read (``planner.tables.normalise_newlines``), so a reason with a line break in planner.toml
    matches the same reason in absences.csv."""
    return reason.replace("\r\n", "\n").replace("\r", "\n").strip().lower()


#: Sanity bounds: values beyond them are typing errors and would overflow the solver's integer model.
MAX_TIME_LIMIT_S = 86_400
MAX_WORKERS = 1024
MAX_SEED = 2**31 - 1
MAX_WEIGHT = 1e6
_RULE_MAX = {"float": 168, "int": 1000}  # hours within a week; counts
_RULES_AT_LEAST_1 = {"night_series_length", "max_consecutive_shifts_with_night"}

_TOP_KEYS = {
    "team", "files", "shifts", "activities", "absences", "rules", "norm", "weights", "solver", "holidays", "privacy",
}
MAX_GROUP_SIZE = 1000


def load_config(path: Path) -> Config:
    """Read and validate planner.toml; a missing file gives the defaults."""
    if not path.exists():
        return Config()
    from planner.tables import read_bytes

    try:
        raw = tomllib.loads(read_bytes(path).decode("utf-8-sig"))
    except OSError as exc:
        raise ConfigError(path, f"cannot be read ({exc.strerror})") from None
    except UnicodeDecodeError:
        raise ConfigError(path, "is not UTF-8 text") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(path, f"is not valid TOML ({exc})") from None
    return config_from_dict(raw, path)


def config_from_dict(raw: dict[str, Any], path: Path | str | None = None) -> Config:
    """Validate a parsed planner.toml; every unknown key and wrong type is named."""
    _unknown(raw, _TOP_KEYS, path, "")
    team = _table(raw, "team", path)
    _unknown(team, {"name", "timezone"}, path, "team.")
    name = _get(team, "name", str, "Basisteam", path, "team.")
    tzname = _get(team, "timezone", str, "Europe/Amsterdam", path, "team.")
    try:
        ZoneInfo(tzname)
    except (ZoneInfoNotFoundError, ValueError):
        raise ConfigError(
            path, f"unknown time zone '{tzname}'; expected e.g. Europe/Amsterdam", column="team.timezone"
        ) from None

    files_t = _table(raw, "files", path)
    _unknown(files_t, {"wijken", "wijken_layer", "wijken_crs"}, path, "files.")
    files = Files(**{k: _get(files_t, k, str, None, path, "files.") for k in ("wijken", "wijken_layer", "wijken_crs")})

    shifts: tuple[ShiftType, ...] = DEFAULT_SHIFTS
    if "shifts" in raw:
        shifts = _shifts(raw["shifts"], path)

    activities = dict(DEFAULT_ACTIVITIES)
    acts = _table(raw, "activities", path)
    for act, flags in acts.items():
        if not isinstance(flags, dict):
            raise ConfigError(path, "expected a table with own_wijk, for_wijk, available", column=f"activities.{act}")
        _unknown(flags, {"own_wijk", "for_wijk", "available"}, path, f"activities.{act}.")
        base = dict(activities.get(act, {"own_wijk": False, "for_wijk": False, "available": True}))
        for k in ("own_wijk", "for_wijk", "available"):
            base[k] = _get(flags, k, bool, base[k], path, f"activities.{act}.")
        activities[act] = base

    ab_t = _table(raw, "absences", path)
    _unknown(ab_t, {"unavailable", "work"}, path, "absences.")
    absences = Absences()
    if "unavailable" in ab_t:
        vals = ab_t["unavailable"]
        if not isinstance(vals, list) or not all(isinstance(v, str) for v in vals):
            raise ConfigError(path, "expected a list of reasons", column="absences.unavailable")
        absences = dataclasses.replace(absences, unavailable=tuple(reason_key(v) for v in vals))
    if "work" in ab_t:
        w = ab_t["work"]
        if not isinstance(w, dict) or not all(isinstance(v, str) for v in w.values()):
            raise ConfigError(path, "expected a table reason = activity", column="absences.work")
        for reason, act in w.items():
            if act not in activities:
                raise ConfigError(
                    path,
                    f"unknown activity '{act}'; expected one of {', '.join(activities)}",
                    column=f"absences.work.{reason}",
                )
        absences = dataclasses.replace(absences, work={reason_key(k): v for k, v in w.items()})

    rules = _dataclass_table(raw, "rules", Rules, path)
    norm = _dataclass_table(raw, "norm", Norm, path)
    if norm.reading not in ("in", "in_of_voor"):
        raise ConfigError(
            path, f"'{norm.reading}' is not a reading; expected 'in' or 'in_of_voor'", column="norm.reading"
        )
    if not 0 < norm.share <= 1:
        raise ConfigError(path, f"{norm.share} is not a share; expected a number in (0, 1]", column="norm.share")
    if not 1 <= norm.window_weeks <= 52:
        raise ConfigError(path, "expected a whole number of weeks from 1 to 52", column="norm.window_weeks")
    weights = _dataclass_table(raw, "weights", Weights, path)
    solver = _dataclass_table(raw, "solver", SolverSettings, path)
    if solver.resolution_min not in (15, 30, 60):
        raise ConfigError(path, "expected 15, 30 or 60", column="solver.resolution_min")
    if solver.time_limit_s <= 0:
        raise ConfigError(path, "expected a positive number of seconds", column="solver.time_limit_s")
    if solver.time_limit_s > MAX_TIME_LIMIT_S:
        raise ConfigError(
            path,
            f"{solver.time_limit_s:g} s is more than a day; expected at most {MAX_TIME_LIMIT_S} s",
            column="solver.time_limit_s",
        )
    if not 0 <= solver.workers <= MAX_WORKERS:
        raise ConfigError(path, f"expected 0 (all cores) to {MAX_WORKERS} threads", column="solver.workers")
    if not 0 <= solver.seed <= MAX_SEED:
        raise ConfigError(path, f"expected a whole number from 0 to {MAX_SEED}", column="solver.seed")
    for f in dataclasses.fields(Rules):
        value = getattr(rules, f.name)
        if f.type == "str":
            continue
        low = 1 if f.name in _RULES_AT_LEAST_1 else 0
        high = _RULE_MAX.get(str(f.type), 0) if not f.name.endswith("_minutes_00_06") else 360
        if not low <= value <= high:
            raise ConfigError(path, f"{value:g} is out of range; expected {low} to {high}", column=f"rules.{f.name}")
    for f in dataclasses.fields(Weights):
        if not 0 <= getattr(weights, f.name) <= MAX_WEIGHT:
            raise ConfigError(path, f"expected a number from 0 to {MAX_WEIGHT:g}", column=f"weights.{f.name}")
    try:
        parse_hhmm(rules.late_night_end)
    except ValueError as exc:
        raise ConfigError(path, str(exc), column="rules.late_night_end") from None
    for s in shifts:
        if s.nominal_minutes > rules.max_shift_hours * 60:
            raise ConfigError(
                path,
                f"shift '{s.code}' lasts {s.nominal_minutes / 60:g} h; the law allows at most "
                f"{rules.max_shift_hours:g} h",
                column="shifts",
            )
    privacy = _dataclass_table(raw, "privacy", Privacy, path)
    if not 1 <= privacy.min_group_size <= MAX_GROUP_SIZE:
        raise ConfigError(path, f"expected a whole number of officers from 1 to {MAX_GROUP_SIZE}",
                          column="privacy.min_group_size")
    return Config(
        team_name=name,
        timezone=tzname,
        shifts=shifts,
        activities=activities,
        absences=absences,
        rules=rules,
        norm=norm,
        weights=weights,
        solver=solver,
        files=files,
        holidays=_holidays(raw, path),
        privacy=privacy,
        source=str(path) if path else None,
    )


def _holidays(raw: dict[str, Any], path: Path | str | None) -> HolidaySettings:
    """The [holidays] table: mode, country (ISO 3166 alpha-2, or "" for none), extra and exclude dates."""
    import re

    from planner.timeutil import parse_date

    table = _table(raw, "holidays", path)
    _unknown(table, {"mode", "country", "extra", "exclude"}, path, "holidays.")
    mode = _get(table, "mode", str, "day_off", path, "holidays.")
    if mode not in HOLIDAY_MODES:
        raise ConfigError(path, f"'{mode}' is not a mode; expected day_off or working_day", column="holidays.mode")
    country = _get(table, "country", str, "NL", path, "holidays.").strip().upper()
    if country and not re.match(r"^[A-Z]{2}$", country):
        raise ConfigError(path, f"'{country}' is not a country code; expected two letters such as NL (or \"\")",
                          column="holidays.country")
    lists = {}
    for key in ("extra", "exclude"):
        value = table.get(key, [])
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise ConfigError(path, "expected a list of dates such as \"2027-05-05\" or \"05-05\"",
                              column=f"holidays.{key}")
        for v in value:
            day = v.strip().split(" ", 1)[0]
            m = re.match(_MONTH_DAY_RE, day)
            try:
                if m:
                    dt.date(2000, int(m.group(1)), int(m.group(2)))  # a leap year: 02-29 is a day
                else:
                    parse_date(day)
            except ValueError:
                raise ConfigError(path, f"'{v}' is not a date; expected YYYY-MM-DD (one date) or MM-DD (every "
                                  "year), optionally followed by a name", column=f"holidays.{key}") from None
        lists[key] = tuple(v.strip() for v in value)
    return HolidaySettings(mode=mode, country=country, extra=lists["extra"], exclude=lists["exclude"])


def _shifts(value: Any, path: Path | str | None) -> tuple[ShiftType, ...]:
    if not isinstance(value, list) or not value:
        raise ConfigError(path, "expected one or more [[shifts]] tables", column="shifts")
    out: list[ShiftType] = []
    for i, item in enumerate(value, start=1):
        where = f"shifts[{i}]."
        if not isinstance(item, dict):
            raise ConfigError(path, "expected a table with code, name, start, end", column=f"shifts[{i}]")
        _unknown(item, {"code", "name", "start", "end"}, path, where)
        code = _get(item, "code", str, None, path, where)
        if not code:
            raise ConfigError(path, "is required", column=where + "code")
        start_text = _get(item, "start", str, None, path, where) or ""
        end_text = _get(item, "end", str, None, path, where) or ""
        try:
            start = parse_hhmm(start_text)
        except ValueError as exc:
            raise ConfigError(path, str(exc), column=where + "start") from None
        try:
            end = parse_hhmm(end_text)
        except ValueError as exc:
            raise ConfigError(path, str(exc), column=where + "end") from None
        if start == end:
            raise ConfigError(path, "start equals end: a shift of 0 or 24 hours is impossible", column=where + "end")
        if any(s.code == code for s in out):
            raise ConfigError(path, f"shift code '{code}' is used twice", column=where + "code")
        out.append(ShiftType(code, _get(item, "name", str, code, path, where) or code, start, end))
    seen: dict[tuple[dt.time, dt.time], str] = {}
    for s in out:
        if (s.start, s.end) in seen:
            raise ConfigError(
                path, f"shift '{s.code}' has the same times as '{seen[(s.start, s.end)]}'", column="shifts"
            )
        seen[(s.start, s.end)] = s.code
    return tuple(out)


def _table(raw: dict[str, Any], key: str, path: Path | str | None) -> dict[str, Any]:
    value = raw.get(key, {})
    if not isinstance(value, dict):
        raise ConfigError(path, "expected a table", column=key)
    return value


def _unknown(table: dict[str, Any], allowed: set[str], path: Path | str | None, prefix: str) -> None:
    for key in table:
        if key not in allowed:
            raise ConfigError(path, f"unknown key; expected one of {', '.join(sorted(allowed))}", column=prefix + key)


def _get(table: dict[str, Any], key: str, typ: type, default: Any, path: Path | str | None, prefix: str) -> Any:
    if key not in table:
        return default
    value: Any = table[key]
    if typ is float and isinstance(value, int) and not isinstance(value, bool):
        value = float(value)
    if typ is not bool and isinstance(value, bool) or not isinstance(value, typ):
        raise ConfigError(path, f"expected {typ.__name__}, got {type(value).__name__} {value!r}", column=prefix + key)
    if isinstance(value, float) and not math.isfinite(value):
        raise ConfigError(path, f"expected a finite number, got {value!r}", column=prefix + key)
    return value


def _dataclass_table(raw: dict[str, Any], key: str, cls: type, path: Path | str | None) -> Any:
    table = _table(raw, key, path)
    fields = {f.name: f for f in dataclasses.fields(cls)}
    _unknown(table, set(fields), path, key + ".")
    kwargs = {}
    for name, f in fields.items():
        if name in table:
            typ = {"float": float, "int": int, "str": str, "bool": bool}.get(str(f.type), str)
            kwargs[name] = _get(table, name, typ, None, path, key + ".")
    return cls(**kwargs)
