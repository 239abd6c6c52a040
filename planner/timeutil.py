"""Local time in Europe/Amsterdam: ISO weeks, shift intervals that are exact across DST, periods."""

from __future__ import annotations

import datetime as dt
import re
from zoneinfo import ZoneInfo

UTC = dt.UTC
WEEKDAYS_NL = ["ma", "di", "wo", "do", "vr", "za", "zo"]
WEEKDAYS_EN = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
_WEEKDAY_ALIASES = {
    **{name: i for i, name in enumerate(WEEKDAYS_NL)},
    **{name: i for i, name in enumerate(WEEKDAYS_EN)},
    **{
        name: i
        for i, name in enumerate(["maandag", "dinsdag", "woensdag", "donderdag", "vrijdag", "zaterdag", "zondag"])
    },
    **{
        name: i for i, name in enumerate(["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"])
    },
    **{str(i + 1): i for i in range(7)},
}
_WEEK_RE = re.compile(r"^(\d{4})-?W(\d{1,2})$", re.IGNORECASE)
_HHMM_RE = re.compile(r"^(\d{1,2}):(\d{2})$")
#: Dates outside these years are typing errors (and 0001 or 9999 overflow in time-zone arithmetic).
MIN_YEAR, MAX_YEAR = 1900, 2199


def parse_week(text: str) -> dt.date:
    """Return the Monday of ISO week ``YYYY-Www``; raises ValueError for a week that does not exist."""
    m = _WEEK_RE.match(text.strip())
    if not m:
        raise ValueError(f"'{text}' is not an ISO week; expected YYYY-Www, e.g. 2027-W03")
    year, week = int(m.group(1)), int(m.group(2))
    _check_year(year, text)
    try:
        return dt.date.fromisocalendar(year, week, 1)
    except ValueError:
        weeks = dt.date(year, 12, 28).isocalendar()[1]
        raise ValueError(f"week {week} does not exist in {year} (it has {weeks} ISO weeks)") from None


def week_label(monday: dt.date) -> str:
    """``2027-W03`` for the ISO week that holds ``monday``."""
    y, w, _ = monday.isocalendar()
    return f"{y}-W{w:02d}"


def week_days(monday: dt.date) -> list[dt.date]:
    """The seven dates Monday to Sunday."""
    return [monday + dt.timedelta(days=i) for i in range(7)]


def parse_weekday(text: str) -> int:
    """Weekday 0 (Monday) to 6 (Sunday) from Dutch or English names, abbreviations or 1-7."""
    key = str(text).strip().lower().rstrip(".")
    if key in _WEEKDAY_ALIASES:
        return _WEEKDAY_ALIASES[key]
    if len(key) >= 2:
        for name, i in _WEEKDAY_ALIASES.items():
            if name.startswith(key) and not name.isdigit():
                return i
    raise ValueError(f"'{text}' is not a weekday; expected ma..zo, mon..sun or 1..7")


def parse_hhmm(text: str) -> dt.time:
    """A clock time ``HH:MM`` (24:00 is not a time; write 00:00)."""
    m = _HHMM_RE.match(str(text).strip())
    if not m:
        raise ValueError(f"'{text}' is not a time; expected HH:MM")
    h, mi = int(m.group(1)), int(m.group(2))
    if h > 23 or mi > 59:
        raise ValueError(f"'{text}' is not a time; expected HH:MM between 00:00 and 23:59")
    return dt.time(h, mi)


def local(day: dt.date, clock: dt.time, tz: ZoneInfo) -> dt.datetime:
    """Aware local datetime of a wall-clock time on a date (a time skipped by DST moves forward)."""
    naive = dt.datetime.combine(day, clock)
    aware = naive.replace(tzinfo=tz)
    # Normalise times that do not exist (spring forward) by a UTC round trip.
    return aware.astimezone(UTC).astimezone(tz)


def interval(day: dt.date, start: dt.time, end: dt.time, tz: ZoneInfo) -> tuple[dt.datetime, dt.datetime]:
    """Aware start and end of a window starting on ``day``; an end at or before the start is the next day."""
    s = local(day, start, tz)
    end_day = day + dt.timedelta(days=1) if end <= start else day
    e = local(end_day, end, tz)
    return s, e


def minutes_between(a: dt.datetime, b: dt.datetime) -> int:
    """Real elapsed minutes from ``a`` to ``b`` (exact across DST changes)."""
    return int((b.astimezone(UTC) - a.astimezone(UTC)).total_seconds() // 60)


#: ISO 8601 calendar dates, extended (2027-01-20) or basic (20270120), with an optional time of day (07:00,
#: 0700, 07:00:00, 07) and UTC offset (Z, +01:00, +0100). Every date in every input goes through parse_moment.
_MOMENT_RE = re.compile(
    r"^(?:(?P<y>\d{4})-(?P<m>\d{2})-(?P<d>\d{2})|(?P<by>\d{4})(?P<bm>\d{2})(?P<bd>\d{2}))"
    r"(?:[T ](?P<time>\d{2}(?::?\d{2}(?::?\d{2}(?:[.,]\d{1,6})?)?)?)"
    r"(?P<offset>Z|[+-]\d{2}(?::?\d{2})?)?)?$",
    re.IGNORECASE,
)
_DUTCH_DATE_RE = re.compile(r"^\d{1,2}[-/.]\d{1,2}[-/.]\d{4}")


def parse_moment(text: str) -> dt.date | dt.datetime:
    """The one parser of dates in input: an ISO 8601 calendar date, extended or basic format, alone (a
    ``date``) or with a time of day and optional UTC offset (a ``datetime``, naive without an offset).

    ``2027-01-20`` and ``20270120`` are the same date; ``2027-01-20T07:00``, ``20270120T0700`` and
    ``2027-01-20 07:00+01:00`` are date-times. dd-mm-yyyy, week dates and ordinal dates are refused.
    Raises ValueError with a message that says what was expected.
    """
    s = str(text).strip()
    if _DUTCH_DATE_RE.match(s):
        raise ValueError(f"'{text}' is not ISO 8601; write YYYY-MM-DD or YYYY-MM-DDTHH:MM")
    m = _MOMENT_RE.match(s)
    if not m:
        raise ValueError(f"'{text}' is not an ISO 8601 date-time; expected YYYY-MM-DDTHH:MM (or YYYY-MM-DD)")
    year = int(m.group("y") or m.group("by"))
    _check_year(year, text)
    try:
        day = dt.date(year, int(m.group("m") or m.group("bm")), int(m.group("d") or m.group("bd")))
    except ValueError:
        raise ValueError(f"'{text}' is not an ISO 8601 date-time; expected YYYY-MM-DDTHH:MM (or YYYY-MM-DD)") from None
    if m.group("time") is None:
        return day
    clock = m.group("time").replace(",", ".")
    if ":" not in clock and len(clock) >= 4:  # basic format 0700 / 070000
        clock = clock[:2] + ":" + clock[2:4] + (":" + clock[4:] if len(clock) > 4 else "")
    elif len(clock) == 2:
        clock += ":00"
    offset = (m.group("offset") or "").upper()
    if offset and offset != "Z" and ":" not in offset and len(offset) == 5:
        offset = offset[:3] + ":" + offset[3:]
    elif len(offset) == 3:
        offset += ":00"
    try:
        t = dt.time.fromisoformat(clock + ("+00:00" if offset == "Z" else offset))
    except ValueError:
        raise ValueError(f"'{text}' is not an ISO 8601 date-time; expected a time from 00:00 to 23:59") from None
    return dt.datetime.combine(day, t.replace(tzinfo=None), tzinfo=t.tzinfo)


def is_date_only(text: str) -> bool:
    """Whether ``text`` is a date without a time of day (either ISO format); False when it does not parse."""
    try:
        return not isinstance(parse_moment(text), dt.datetime)
    except ValueError:
        return False


def parse_datetime(text: str, tz: ZoneInfo) -> dt.datetime:
    """ISO 8601 date or date-time (extended or basic format); naive values are local time in ``tz``; a date
    alone is its midnight; dd-mm-yyyy is refused."""
    value = parse_moment(text)
    if not isinstance(value, dt.datetime):
        value = dt.datetime.combine(value, dt.time(0, 0))
    if value.tzinfo is None:
        value = local(value.date(), value.time(), tz)
    return value.astimezone(tz)


def _check_year(year: int, text: str) -> None:
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise ValueError(f"'{text}' lies in the year {year}; expected a year from {MIN_YEAR} to {MAX_YEAR}")


def parse_date(text: str) -> dt.date:
    """ISO 8601 calendar date ``YYYY-MM-DD`` or ``YYYYMMDD``; a time of day or dd-mm-yyyy is refused."""
    try:
        value = parse_moment(text)
    except ValueError as exc:
        if "lies in the year" in str(exc):
            raise
        raise ValueError(f"'{text}' is not an ISO date; expected YYYY-MM-DD") from None
    if isinstance(value, dt.datetime):
        raise ValueError(f"'{text}' is not an ISO date; expected YYYY-MM-DD without a time")
    return value


def parse_day(text: str) -> tuple[int, dt.date | None]:
    """A ``day`` cell: a weekday (0-6, no date) or an ISO date (weekday -1); text starting with 4 digits is a date."""
    s = str(text).strip()
    if re.match(r"^\d{4}", s):
        return -1, parse_date(s)
    try:
        return parse_weekday(s), None
    except ValueError as exc:
        raise ValueError(f"{exc}, or an ISO date YYYY-MM-DD") from None


def parse_period(text: str) -> tuple[dt.date, dt.date]:
    """A period as [first Monday, Monday after the last week): ISO week, month, quarter or year.

    Accepts ``2027-W03``, ``2027-W03..2027-W06``, ``2027-01``, ``2027-Q1`` and ``2027``. Months,
    quarters and years cover every ISO week whose Thursday falls inside them, so weeks are never split.
    """
    s = text.strip()
    if ".." in s:
        a, b = s.split("..", 1)
        first, end = parse_period(a)[0], parse_period(b)[1]
        if end <= first:
            raise ValueError(f"'{text}' ends before it starts; write the earlier period first, e.g. "
                             f"{b.strip()}..{a.strip()}")
        return first, end
    if _WEEK_RE.match(s):
        mon = parse_week(s)
        return mon, mon + dt.timedelta(days=7)
    m = re.match(r"^(\d{4})-Q([1-4])$", s, re.IGNORECASE)
    if m:
        y, q = int(m.group(1)), int(m.group(2))
        first, last = dt.date(y, 3 * q - 2, 1), _month_end(y, 3 * q)
        return _weeks_by_thursday(first, last)
    m = re.match(r"^(\d{4})-(\d{2})$", s)
    if m:
        y, mo = int(m.group(1)), int(m.group(2))
        if not 1 <= mo <= 12:
            raise ValueError(f"'{text}' is not a month")
        return _weeks_by_thursday(dt.date(y, mo, 1), _month_end(y, mo))
    m = re.match(r"^(\d{4})$", s)
    if m:
        y = int(m.group(1))
        return _weeks_by_thursday(dt.date(y, 1, 1), dt.date(y, 12, 31))
    raise ValueError(f"'{text}' is not a period; expected 2027-W03, 2027-W03..2027-W06, 2027-01, 2027-Q1 or 2027")


def _month_end(y: int, m: int) -> dt.date:
    nxt = dt.date(y + (m == 12), m % 12 + 1, 1)
    return nxt - dt.timedelta(days=1)


def _weeks_by_thursday(first: dt.date, last: dt.date) -> tuple[dt.date, dt.date]:
    """Mondays bounding the ISO weeks whose Thursday lies in [first, last]."""
    start = first - dt.timedelta(days=first.weekday())
    if start + dt.timedelta(days=3) < first:
        start += dt.timedelta(days=7)
    end = last - dt.timedelta(days=last.weekday())
    if end + dt.timedelta(days=3) <= last:
        end += dt.timedelta(days=7)
    return start, end


def is_night(start: dt.datetime, end: dt.datetime, min_minutes: int = 60) -> bool:
    """Arbeidstijdenwet: a night shift has more than ``min_minutes`` of work between 00:00 and 06:00."""
    tz = start.tzinfo
    total = 0
    day = start.date()
    while True:
        lo = local(day, dt.time(0, 0), tz)  # type: ignore[arg-type]
        hi = local(day, dt.time(6, 0), tz)  # type: ignore[arg-type]
        a, b = max(lo, start), min(hi, end)
        if b > a:
            total += minutes_between(a, b)
        if lo >= end:
            break
        day += dt.timedelta(days=1)
    return total > min_minutes


def as_date(value: object) -> dt.date:
    """A calendar date from a date, a datetime (its own local date) or anything pandas reads as a timestamp."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    import pandas as pd

    return pd.Timestamp(value).date()  # type: ignore[arg-type]
