"""planner.toml: team, shift families, activities, absence reasons, rule limits, the norm, hours; validated.

Every setting is a typed field with its default and its description in one place (here); the validation is
pydantic's, turned into the planner's one-line error naming ``planner.toml`` and the key. The descriptions are
what ``planner demo-data`` writes as comments into a generated planner.toml.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import tomllib
from fractions import Fraction
from pathlib import Path
from typing import Annotated, Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import (
    ConfigDict,
    Field,
    Strict,
    StrictBool,
    StrictInt,
    StrictStr,
    TypeAdapter,
    ValidationError,
    field_validator,
    model_validator,
)
from pydantic.dataclasses import dataclass

from planner.errors import ConfigError
from planner.timeutil import parse_hhmm

CONFIG_NAME = "planner.toml"

#: Strict, closed tables: an unknown key or a wrong type is an error, never a silent default.
_STRICT = ConfigDict(extra="forbid")

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
    "travel": {"own_wijk": False, "for_wijk": False, "available": True},
}

PRIORITY_FACTORS = {"hoog": 4.0, "high": 4.0, "midden": 2.0, "medium": 2.0, "normaal": 2.0, "laag": 1.0, "low": 1.0}

#: Sanity bounds: values beyond them are typing errors and would overflow the solver's integer model.
MAX_TIME_LIMIT_S = 86_400
MAX_WORKERS = 1024
MAX_SEED = 2**31 - 1
MAX_WEEKS = 6

SFloat = Annotated[float, Strict(), Field(allow_inf_nan=False)]
Hours = Annotated[float, Strict(), Field(ge=0, le=168, allow_inf_nan=False)]
Count = Annotated[StrictInt, Field(ge=0, le=1000)]


def _time(text: str) -> dt.time:
    return parse_hhmm(text)


@dataclass(frozen=True, config=_STRICT)
class ShiftFamily:
    """A shift family: shifts that start between ``start`` and ``latest_start`` on a grid of ``step_min`` minutes and
    last from ``min_hours`` to ``max_hours`` (real elapsed time). A fixed shift type is a family of one: give
    ``start`` and ``end`` (an end at or before the start is the next day; its length follows DST)."""

    code: StrictStr = Field(min_length=1, max_length=16, description="the code shown in the roster and calendars")
    start: StrictStr = Field(description="earliest start, local clock time HH:MM")
    name: StrictStr = Field(default="", description="the family's name")
    end: StrictStr | None = Field(default=None, description="a fixed shift type's end (HH:MM); not with the keys below")
    latest_start: StrictStr | None = Field(
        default=None, description="latest start (HH:MM); after midnight wraps to the next day"
    )
    min_hours: SFloat | None = Field(default=None, gt=0, le=24, description="shortest shift of the family, hours")
    max_hours: SFloat | None = Field(default=None, gt=0, le=24, description="longest shift of the family, hours")
    step_min: StrictInt = Field(default=60, ge=15, le=240, description="grid of starts and lengths in minutes")
    part: Literal["dag", "avond", "nacht", ""] = Field(default="", description="day-part, for colours and reading")

    @field_validator("start", "end", "latest_start")
    @classmethod
    def _clock(cls, value: str | None) -> str | None:
        if value is not None:
            parse_hhmm(value)
        return value

    @model_validator(mode="after")
    def _shape(self) -> ShiftFamily:
        if self.end is not None:
            if self.latest_start is not None or self.min_hours is not None or self.max_hours is not None:
                raise ValueError(
                    "give either start and end (a fixed type) or start, latest_start, min_hours and "
                    "max_hours (a family), not both"
                )
            if parse_hhmm(self.start) == parse_hhmm(self.end):
                raise ValueError("start equals end: a shift of 0 or 24 hours is impossible")
            return self
        if self.min_hours is None or self.max_hours is None:
            raise ValueError("a family needs min_hours and max_hours (or give an end for a fixed type)")
        if self.min_hours > self.max_hours:
            raise ValueError(f"min_hours {self.min_hours:g} is above max_hours {self.max_hours:g}")
        if self.step_min not in (15, 30, 60, 120, 240) and 60 % self.step_min:
            raise ValueError("step_min must divide an hour or be 60, 120 or 240")
        return self

    @property
    def fixed(self) -> bool:
        return self.end is not None

    @property
    def earliest(self) -> dt.time:
        return parse_hhmm(self.start)

    def starts(self) -> list[tuple[dt.time, int]]:
        """Clock times of the starts and the day offset (0, or 1 for a start after midnight)."""
        first = _minutes_of(self.earliest)
        last = _minutes_of(parse_hhmm(self.latest_start)) if self.latest_start else first
        if last < first:
            last += 24 * 60
        out = []
        for m in range(first, last + 1, self.step_min):
            out.append((dt.time((m % 1440) // 60, m % 60), m // 1440))
        return out

    def lengths_min(self) -> list[int]:
        """Lengths in minutes (families only)."""
        assert self.min_hours is not None and self.max_hours is not None
        lo, hi = round(self.min_hours * 60), round(self.max_hours * 60)
        return list(range(lo, hi + 1, self.step_min)) or [lo]

    @property
    def nominal_minutes(self) -> int:
        """Longest length on a day without a DST change."""
        if self.end is not None:
            s, e = _minutes_of(self.earliest), _minutes_of(parse_hhmm(self.end))
            return (e - s) % (24 * 60) or 24 * 60
        return self.lengths_min()[-1]

    def shape(self) -> tuple[tuple[tuple[dt.time, int], ...], tuple[int, ...] | str]:
        """The starts and the lengths (or a fixed type's end): two families with one shape are one family."""
        return tuple(self.starts()), self.end if self.end is not None else tuple(self.lengths_min())

    def describe(self) -> str:
        if self.end is not None:
            return f"{self.code} {self.start}–{self.end}"
        starts = self.start if not self.latest_start else f"{self.start}–{self.latest_start}"
        return f"{self.code} start {starts}, {self.min_hours:g}–{self.max_hours:g} h"


def _minutes_of(t: dt.time) -> int:
    return t.hour * 60 + t.minute


#: Default families for wijkagenten: day work starting 07:00-10:00 for 4-10 h, evenings starting 14:00-17:00 for
#: 4-9 h, and nights starting 21:00-23:00 for 7-9 h (within the 10 h night limit).
DEFAULT_SHIFTS = (
    ShiftFamily(code="D", name="Dag", start="07:00", latest_start="10:00", min_hours=4, max_hours=10, part="dag"),
    ShiftFamily(code="A", name="Avond", start="14:00", latest_start="17:00", min_hours=4, max_hours=9, part="avond"),
    ShiftFamily(code="N", name="Nacht", start="21:00", latest_start="23:00", min_hours=7, max_hours=9, part="nacht"),
)


@dataclass(frozen=True, config=_STRICT)
class Activity:
    """How an activity counts: for the norm read 'in', for the norm read 'in_of_voor', and as available time."""

    own_wijk: StrictBool = False
    for_wijk: StrictBool = False
    available: StrictBool = True


@dataclass(frozen=True, config=_STRICT)
class Team:
    name: StrictStr = Field(default="Basisteam", description="the basisteam, shown on rosters and reports")
    timezone: StrictStr = Field(
        default="Europe/Amsterdam", description="rosters are in local time; DST is handled exactly"
    )

    @field_validator("timezone")
    @classmethod
    def _tz(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"unknown time zone '{value}'; expected e.g. Europe/Amsterdam") from None
        return value


@dataclass(frozen=True, config=_STRICT)
class Files:
    """Where the wijken come from, when not found by name; the CRS of a file that has none."""

    wijken: StrictStr | None = Field(
        default=None, description="the wijken file inside this folder (GeoPackage, GeoJSON, ...)"
    )
    wijken_layer: StrictStr | None = Field(default=None, description="the layer of a GeoPackage that holds the wijken")
    wijken_crs: StrictStr | None = Field(
        default=None, description="only for a file that states no CRS (CBS files are RD New)"
    )


def reason_key(reason: str) -> str:
    """An absence reason as it is matched: case and surrounding spaces ignored, and every line ending as ``\n``,
    as CSV fields are read (``planner.tables.normalise_newlines``), so a reason with a line break in planner.toml
    matches the same reason in absences.csv."""
    return reason.replace("\r\n", "\n").replace("\r", "\n").strip().lower()


@dataclass(frozen=True, config=_STRICT)
class Absences:
    """Which absence reasons make hours unavailable, and which are work away from the wijk (and as what)."""

    unavailable: tuple[StrictStr, ...] = (
        "leave",
        "verlof",
        "vakantie",
        "sick",
        "ziek",
        "ziekte",
        "bijzonder verlof",
        "compensatie",
        "ouderschapsverlof",
        "feestdag",
    )
    sickness: tuple[StrictStr, ...] = ("sick", "ziek", "ziekte")
    work: dict[StrictStr, StrictStr] = Field(
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

    @field_validator("unavailable", "sickness")
    @classmethod
    def _lower(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        return tuple(reason_key(v) for v in value)

    @field_validator("work")
    @classmethod
    def _lower_keys(cls, value: dict[str, str]) -> dict[str, str]:
        return {reason_key(k): v for k, v in value.items()}

    @model_validator(mode="before")
    @classmethod
    def _default_sickness(cls, data: Any) -> Any:
        """Without its own ``sickness`` list, the default sickness reasons that ``unavailable`` keeps."""
        if isinstance(data, dict) and "sickness" not in data and isinstance(data.get("unavailable"), list | tuple):
            keep = {reason_key(str(v)) for v in data["unavailable"]}
            data = {**data, "sickness": tuple(r for r in ("sick", "ziek", "ziekte") if r in keep)}
        return data

    @model_validator(mode="after")
    def _sickness_unavailable(self) -> Absences:
        for reason in self.sickness:
            if reason not in self.unavailable:
                raise ValueError(f"sickness reason '{reason}' must also be listed under unavailable")
        return self


@dataclass(frozen=True, config=_STRICT)
class Rules:
    """Arbeidstijdenwet limits (defaults from the law for employees 18+; every one configurable)."""

    max_shift_hours: Hours = Field(default=12, description="Arbeidstijdenwet: a shift lasts at most 12 h")
    max_week_hours: Hours = Field(default=60, description="at most 60 h in one ISO week")
    max_avg_week_hours_4w: Hours = Field(default=55, description="on average at most 55 h a week over 4 weeks")
    max_avg_week_hours_16w: Hours = Field(default=48, description="on average at most 48 h a week over 16 weeks")
    daily_rest_hours: Hours = Field(default=11, description="at least 11 h unbroken rest between two shifts ...")
    daily_rest_reduced_hours: Hours = Field(default=8, description="... which may be cut to 8 h ...")
    daily_rest_reductions_per_7d: Count = Field(default=1, description="... this many times in 7 x 24 h")
    weekly_rest_hours: Hours = Field(default=36, description="at least 36 h unbroken rest in 7 x 24 h (0 = off)")
    max_night_shift_hours: Hours = Field(default=10, description="a night shift lasts at most 10 h")
    night_min_minutes_00_06: StrictInt = Field(
        default=60, ge=0, le=360, description="a night shift has more than this many minutes between 00:00 and 06:00"
    )
    late_night_end: StrictStr = Field(
        default="02:00", description="a night shift ending after this needs the longer rest below"
    )
    rest_after_late_night_hours: Hours = Field(
        default=14, description="rest after a night shift ending after late_night_end"
    )
    rest_after_late_night_reduced_hours: Hours = Field(default=8, description="... which may be cut to 8 h ...")
    rest_after_late_night_reductions_per_week: Count = Field(default=1, description="... this many times an ISO week")
    rest_after_night_series_hours: Hours = Field(default=46, description="rest after a series of night shifts ...")
    night_series_length: StrictInt = Field(
        default=3, ge=1, le=1000, description="... of at least this many nights in a row"
    )
    max_consecutive_shifts_with_night: StrictInt = Field(
        default=7, ge=1, le=1000, description="at most 7 shifts on consecutive days when one of them is a night shift"
    )
    max_nights_16w: Count = Field(default=36, description="at most 36 night shifts in 16 weeks")
    period_reading: Literal["sliding", "fixed"] = Field(
        default="sliding",
        description="'every period of 7 x 24 h': sliding (from any moment) or fixed (from Monday 00:00 of each ISO "
        "week)",
    )

    @field_validator("late_night_end")
    @classmethod
    def _clock(cls, value: str) -> str:
        parse_hhmm(value)
        return value


@dataclass(frozen=True, config=_STRICT)
class Norm:
    """The 80 % norm: share, reading ("in" or "in_of_voor"), rolling window in weeks."""

    share: SFloat = Field(default=0.80, gt=0, le=1, description="at least this share of the available hours ...")
    reading: Literal["in", "in_of_voor"] = Field(
        default="in", description="... counts 'in' (own wijk only) or 'in_of_voor' (also voor_wijk work)"
    )
    window_weeks: StrictInt = Field(
        default=4,
        ge=1,
        le=52,
        description="a week below the share is allowed when this many weeks ending with it keep it",
    )

    @property
    def fraction(self) -> Fraction:
        return Fraction(self.share).limit_denominator(1000)


@dataclass(frozen=True, config=_STRICT)
class HoursSettings:
    """The hours balance: plus- and minus-hours against the available hours, carried over the weeks."""

    balance_max_plus_hours: Hours = Field(
        default=8, description="the balance may reach at most this many plus-hours ..."
    )
    balance_max_minus_hours: Hours = Field(default=8, description="... and at most this many minus-hours")
    even_hours: Hours = Field(
        default=4,
        description="a balance within this many hours costs least; beyond it each hour costs more (spreads hours)",
    )


@dataclass(frozen=True, config=_STRICT)
class TeamDemandSettings:
    """How team demand (noodhulp, events) is staffed: in whole pieces, by a limited number of officers."""

    min_block_hours: Hours = Field(
        default=2, description="an officer takes a team demand window for at least this long"
    )
    max_extra_officers: Count = Field(default=1, description="at most this many officers more than the window asks")


@dataclass(frozen=True, config=_STRICT)
class Travel:
    """Travel between the own wijk and a team demand elsewhere, from the wijken's centroids."""

    speed_kmh: SFloat = Field(default=30, ge=0, le=200, description="travel speed; 0 switches travel time off")
    round_min: StrictInt = Field(default=5, ge=1, le=60, description="travel time is rounded up to this many minutes")


@dataclass(frozen=True, config=_STRICT)
class Weights:
    """Weights within the fairness level of the ordered objective (the levels themselves are strict)."""

    nights: StrictInt = Field(default=1, ge=0, le=100, description="per night shift of the busiest officer")
    evenings: StrictInt = Field(default=1, ge=0, le=100, description="per evening shift of the busiest officer")
    weekends: StrictInt = Field(default=1, ge=0, le=100, description="per weekend shift of the busiest officer")


@dataclass(frozen=True, config=_STRICT)
class SolverSettings:
    """CP-SAT parameters: time limit, workers (0 = auto), seed, time resolution in minutes."""

    time_limit_s: SFloat = Field(
        default=30, gt=0, le=MAX_TIME_LIMIT_S, allow_inf_nan=False,
        description="time limit in seconds per week planned (a period of N weeks: N times this)",
    )
    workers: StrictInt = Field(default=0, ge=0, le=MAX_WORKERS, description="search threads; 0 = auto (every core)")
    seed: StrictInt = Field(default=0, ge=0, le=MAX_SEED, description="random seed (same seed and inputs: same roster)")
    resolution_min: Literal[15, 30, 60] = Field(default=60, description="time resolution of activities in minutes")
    symmetry: StrictBool = Field(default=True, description="order officers that are interchangeable in every input")


@dataclass(frozen=True, config=_STRICT)
class Period:
    """Period rosters (--weeks): what is published for the days after the first ones."""

    notice: Literal["full", "rest_days"] = Field(
        default="full",
        description="'full': times for the whole period; 'rest_days': work and rest days for the period, "
        "times for the first days only",
    )
    times_days: StrictInt = Field(
        default=7, ge=1, le=42, description="with notice = 'rest_days': days that get their times"
    )


#: How a public holiday counts (``[holidays] mode``).
HOLIDAY_MODES = ("day_off", "working_day")
_MONTH_DAY_RE = r"^(\d{2})-(\d{2})$"


@dataclass(frozen=True, config=_STRICT)
class HolidaySettings:
    """Public holidays: the ``holidays`` package's days of ``country`` ("" for none) plus ``extra`` minus
    ``exclude`` (``YYYY-MM-DD`` for one date, ``MM-DD`` for every year; an extra day may add its name after a
    space). ``mode`` "day_off": a weekday holiday is a day off for every officer (counted as leave, contract / 5);
    "working_day": an ordinary working day whose hours earn compensation (summary.json lists them)."""

    mode: Literal["day_off", "working_day"] = Field(default="day_off", description="how a public holiday counts")
    country: StrictStr = Field(default="NL", description='ISO 3166 country of the holidays package, or "" for none')
    extra: tuple[StrictStr, ...] = Field(default=(), description="more holidays: YYYY-MM-DD, or MM-DD every year")
    exclude: tuple[StrictStr, ...] = Field(default=(), description="holidays that are not: YYYY-MM-DD or MM-DD")

    @field_validator("country")
    @classmethod
    def _country(cls, value: str) -> str:
        import re

        value = value.strip().upper()
        if value and not re.match(r"^[A-Z]{2}$", value):
            raise ValueError(f"'{value}' is not a country code; expected two letters such as NL (or \"\")")
        return value

    @field_validator("extra", "exclude")
    @classmethod
    def _dates(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        import re

        from planner.timeutil import parse_date

        for v in value:
            day = v.strip().split(" ", 1)[0]
            m = re.match(_MONTH_DAY_RE, day)
            try:
                if m:
                    dt.date(2000, int(m.group(1)), int(m.group(2)))  # a leap year: 02-29 is a day
                else:
                    parse_date(day)
            except ValueError:
                raise ValueError(
                    f"'{v}' is not a date; expected YYYY-MM-DD (one date) or MM-DD (every year), "
                    "optionally followed by a name"
                ) from None
        return tuple(v.strip() for v in value)


MAX_GROUP_SIZE = 1000


@dataclass(frozen=True, config=_STRICT)
class Privacy:
    """Municipal outputs: a figure about fewer than ``min_group_size`` wijkagenten is combined or withheld."""

    min_group_size: StrictInt = Field(
        default=3, ge=1, le=MAX_GROUP_SIZE, description="smallest group a figure may show"
    )


_TOP_KEYS = (
    "team",
    "files",
    "shifts",
    "activities",
    "absences",
    "rules",
    "norm",
    "hours",
    "team_demand",
    "travel",
    "weights",
    "solver",
    "period",
    "holidays",
    "privacy",
)


@dataclass(frozen=True)
class Config:
    """The whole validated planner.toml (all fields have defaults: the file is optional)."""

    team_name: str = "Basisteam"
    timezone: str = "Europe/Amsterdam"
    shifts: tuple[ShiftFamily, ...] = DEFAULT_SHIFTS
    activities: dict[str, dict[str, bool]] = Field(default_factory=lambda: dict(DEFAULT_ACTIVITIES))
    absences: Absences = Field(default_factory=Absences)
    rules: Rules = Field(default_factory=Rules)
    norm: Norm = Field(default_factory=Norm)
    hours: HoursSettings = Field(default_factory=HoursSettings)
    team_demand: TeamDemandSettings = Field(default_factory=TeamDemandSettings)
    travel: Travel = Field(default_factory=Travel)
    weights: Weights = Field(default_factory=Weights)
    solver: SolverSettings = Field(default_factory=SolverSettings)
    files: Files = Field(default_factory=Files)
    period: Period = Field(default_factory=Period)
    holidays: HolidaySettings = Field(default_factory=HolidaySettings)
    privacy: Privacy = Field(default_factory=Privacy)
    source: str | None = None

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    def shift(self, code: str) -> ShiftFamily:
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


#: Keys of earlier versions, with what replaced them (a one-line error says so instead of "unknown key").
_REPLACED = {
    "rules.contract_tolerance_hours": "replaced by the hours balance: [hours] balance_max_plus_hours and "
    "balance_max_minus_hours",
    "solver.group_bound": "removed: the ordered objective needs no group bound",
    "weights.presence": "removed: the objective is ordered (law, norm, wijk demand, team demand, hours, fairness, "
    "wishes); see docs/checker.md",
    "weights.team": "removed: the objective is ordered; see docs/checker.md",
    "weights.hours_deviation": "removed: the objective is ordered; see docs/checker.md",
    "weights.fairness": "removed: use [weights] nights, evenings and weekends",
    "weights.wishes": "removed: the objective is ordered; see docs/checker.md",
    "weights.change": "removed: changes in a re-plan are their own level of the ordered objective",
}


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


def _adapter(cls: type) -> TypeAdapter[Any]:
    return TypeAdapter(cls)


def _validate(cls: type, value: Any, path: Path | str | None, key: str) -> Any:
    """Validate one table with pydantic; the first error becomes one ConfigError naming the dotted key."""
    if not isinstance(value, dict):
        raise ConfigError(path, "expected a table", column=key)
    for k in value:
        dotted = f"{key}.{k}" if key else str(k)
        if dotted in _REPLACED:
            raise ConfigError(path, _REPLACED[dotted], column=dotted)
    try:
        return _adapter(cls).validate_python(value)
    except ValidationError as exc:
        raise _config_error(exc, path, key) from None


def _config_error(exc: ValidationError, path: Path | str | None, key: str) -> ConfigError:
    err = exc.errors(include_url=False)[0]
    loc = [str(p) for p in err["loc"]]
    column = ".".join([key, *loc] if key else loc) or None
    kind, msg = err["type"], err["msg"]
    value = err.get("input")
    if kind in ("extra_forbidden", "unexpected_keyword_argument"):
        table = _table_class(key)
        fields = sorted(f.name for f in dataclasses.fields(table)) if table is not None else []
        msg = "unknown key" + (f"; expected one of {', '.join(fields)}" if fields else "")
    elif kind == "missing":
        msg = "is required"
    elif kind.endswith("_type") or kind in ("bool_parsing", "int_from_float"):
        msg = f"expected {_TYPE_WORDS.get(kind, msg.lower())}, got {type(value).__name__} {value!r}"
    elif kind == "value_error":
        msg = msg.removeprefix("Value error, ")
    elif value is not None and not isinstance(value, dict):
        msg = f"{value!r}: " + msg.replace("Input should be", "expected")
    return ConfigError(path, msg, column=column)


_TYPE_WORDS = {
    "float_type": "a number",
    "int_type": "a whole number",
    "bool_type": "true or false",
    "string_type": "text",
    "tuple_type": "a list",
    "dict_type": "a table",
    "list_type": "a list",
}


def _table_class(key: str) -> type | None:
    return {
        "team": Team,
        "files": Files,
        "absences": Absences,
        "rules": Rules,
        "norm": Norm,
        "hours": HoursSettings,
        "team_demand": TeamDemandSettings,
        "travel": Travel,
        "weights": Weights,
        "solver": SolverSettings,
        "period": Period,
        "holidays": HolidaySettings,
        "privacy": Privacy,
    }.get(key.split(".")[0] if key else "")


def config_from_dict(raw: dict[str, Any], path: Path | str | None = None) -> Config:
    """Validate a parsed planner.toml; every unknown key and wrong type is named."""
    if not isinstance(raw, dict):
        raise ConfigError(path, "expected a TOML document with tables")
    for key in raw:
        if key not in _TOP_KEYS:
            raise ConfigError(path, f"unknown key; expected one of {', '.join(sorted(_TOP_KEYS))}", column=key)
    team = _validate(Team, raw.get("team", {}), path, "team")
    files = _validate(Files, raw.get("files", {}), path, "files")
    shifts = _shifts(raw["shifts"], path) if "shifts" in raw else DEFAULT_SHIFTS
    activities = _activities(raw.get("activities", {}), path)
    absences = _validate(Absences, raw.get("absences", {}), path, "absences")
    for reason, act in absences.work.items():
        if act not in activities:
            raise ConfigError(
                path,
                f"unknown activity '{act}'; expected one of {', '.join(activities)}",
                column=f"absences.work.{reason}",
            )
    tables = {
        name: _validate(cls, raw.get(name, {}), path, name)
        for name, cls in (
            ("rules", Rules),
            ("norm", Norm),
            ("hours", HoursSettings),
            ("team_demand", TeamDemandSettings),
            ("travel", Travel),
            ("weights", Weights),
            ("solver", SolverSettings),
            ("period", Period),
            ("holidays", HolidaySettings),
            ("privacy", Privacy),
        )
    }
    rules: Rules = tables["rules"]
    for s in shifts:
        if s.nominal_minutes > rules.max_shift_hours * 60:
            raise ConfigError(
                path,
                f"shift '{s.code}' lasts up to {s.nominal_minutes / 60:g} h; the law allows at most "
                f"{rules.max_shift_hours:g} h",
                column="shifts",
            )
    return Config(
        team_name=team.name,
        timezone=team.timezone,
        shifts=shifts,
        activities=activities,
        absences=absences,
        files=files,
        source=str(path) if path else None,
        **tables,
    )


def _activities(value: Any, path: Path | str | None) -> dict[str, dict[str, bool]]:
    if not isinstance(value, dict):
        raise ConfigError(path, "expected a table", column="activities")
    out = dict(DEFAULT_ACTIVITIES)
    for act, flags in value.items():
        if not isinstance(flags, dict):
            raise ConfigError(path, "expected a table with own_wijk, for_wijk, available", column=f"activities.{act}")
        base = out.get(act, {"own_wijk": False, "for_wijk": False, "available": True})
        parsed = _validate(Activity, {**base, **flags}, path, f"activities.{act}")
        out[act] = dataclasses.asdict(parsed)
    return out


def _shifts(value: Any, path: Path | str | None) -> tuple[ShiftFamily, ...]:
    if not isinstance(value, list) or not value:
        raise ConfigError(path, "expected one or more [[shifts]] tables", column="shifts")
    out: list[ShiftFamily] = []
    for i, item in enumerate(value, start=1):
        fam = _validate(ShiftFamily, item, path, f"shifts[{i}]")
        if any(s.code == fam.code for s in out):
            raise ConfigError(path, f"shift code '{fam.code}' is used twice", column=f"shifts[{i}].code")
        same = next((s for s in out if s.shape() == fam.shape()), None)
        if same is not None:
            raise ConfigError(path, f"shift '{fam.code}' has the same starts and lengths as '{same.code}'",
                              column="shifts")
        out.append(fam if fam.name else dataclasses.replace(fam, name=fam.code))
    return tuple(out)


def setting_descriptions(cls: type) -> dict[str, str]:
    """Field name -> description of a settings table (for generated planner.toml comments and docs)."""
    out = {}
    for f in dataclasses.fields(cls):
        info = f.default if hasattr(f.default, "description") else None
        desc = getattr(info, "description", None)
        if desc:
            out[f.name] = desc
    return out
