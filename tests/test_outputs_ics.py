"""iCalendar output: one calendar file per officer, always; one event per shift with a human title; a VTIMEZONE
that imports without shifting events; stable UIDs; one short provenance line; checked by an independent parser."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from icalendar import Calendar

from planner.outputs import calendar_names, ics_files, vtimezone

TZ = ZoneInfo("Europe/Amsterdam")
FIXED = dt.datetime(2027, 1, 18, tzinfo=dt.UTC)
WIJKEN = {"WK01": "Centrum", "WK02": "Oost"}


def _t(day: int, hour: int, minute: int = 0, month: int = 1) -> dt.datetime:
    return dt.datetime(2027, month, day, hour, minute, tzinfo=TZ)


def _plan(rows: list[tuple]) -> SimpleNamespace:
    roster = pd.DataFrame(rows, columns=["officer_id", "date", "start", "end", "activity", "wijk_code", "shift",
                                         "task"])
    return SimpleNamespace(roster=roster, week="2027-W03", params={"planner": "test", "random_seed": 0},
                           inputs={"officers.csv": "abc", "absences.csv": "def"})


def _events(data: bytes) -> list[tuple[str, dt.datetime, dt.datetime, str]]:
    cal = Calendar.from_ical(data)
    return [(str(e["summary"]), e.decoded("dtstart"), e.decoded("dtend"), str(e["description"]))
            for e in cal.walk("VEVENT")]


def test_one_event_per_shift_blocks_in_time_order_across_midnight():
    d18, d19 = dt.date(2027, 1, 18), dt.date(2027, 1, 19)
    plan = _plan([
        # a night shift written out of order: the block after midnight first
        ("W-01", d18, _t(19, 2), _t(19, 7), "noodhulp", "", "N", "NH-1"),
        ("W-01", d18, _t(18, 23), _t(19, 2), "wijk", "WK01", "N", ""),
        ("W-01", d19, _t(19, 15), _t(19, 23), "wijk", "WK01", "L", ""),
        ("W-02", d18, _t(18, 9), _t(18, 16, 12), "training", "", "", "IBT"),
    ])
    files = ics_files(plan, FIXED, WIJKEN)
    assert sorted(files) == ["W-01.ics", "W-02.ics"]
    ev = _events(files["W-01.ics"])
    assert [e[0] for e in ev] == ["Dienst N 23:00–07:00 · wijk Centrum, noodhulp",
                                  "Dienst L 15:00–23:00 · wijk Centrum"]
    assert ev[0][1] == _t(18, 23) and ev[0][2] == _t(19, 7)
    assert ev[0][3] == "23:00–02:00 wijk Centrum (WK01)\n02:00–07:00 noodhulp · NH-1"
    # a block without a shift code (a fixed training block) is an event of its own, named after its activity
    assert _events(files["W-02.ics"]) == [("Training · IBT", _t(18, 9), _t(18, 16, 12), "09:00–16:12 training · IBT")]


def test_titles_read_as_words_not_codes_twice():
    """'training (training)' and 'V (wijk)' are gone: a shift reads 'Dienst V 07:00–15:00 · wijk Centrum'."""
    plan = _plan([("W-01", dt.date(2027, 1, 20), _t(20, 7), _t(20, 15), "wijk", "WK01", "V", ""),
                  ("W-02", dt.date(2027, 1, 20), _t(20, 9), _t(20, 17), "training", "", "", "")])
    files = ics_files(plan, FIXED, WIJKEN)
    assert [e[0] for e in _events(files["W-01.ics"])] == ["Dienst V 07:00–15:00 · wijk Centrum"]
    assert [e[0] for e in _events(files["W-02.ics"])] == ["Training"]
    assert Calendar.from_ical(files["W-01.ics"]).walk("VEVENT")[0]["location"] == "wijk Centrum"


def test_a_missing_shift_code_still_gives_an_event():
    # pandas reads an empty shift cell back as a missing value; the block must not vanish from the calendar
    plan = _plan([("W-03", dt.date(2027, 1, 20), _t(20, 9), _t(20, 17), "wijk", "WK02", pd.NA, "")])
    ev = _events(ics_files(plan, FIXED, WIJKEN)["W-03.ics"])
    assert len(ev) == 1 and ev[0][0] == "Wijk Oost"


def test_the_same_plan_gives_the_same_bytes_and_uids():
    plan = _plan([("W-01", dt.date(2027, 1, 18), _t(18, 7), _t(18, 15), "wijk", "WK01", "D", "")])
    assert ics_files(plan, FIXED) == ics_files(plan, FIXED)
    assert ics_files(_plan([]), FIXED) == {}
    # a re-planned day (another shift) keeps its event's UID, so a calendar replaces the event instead of adding one
    other = _plan([("W-01", dt.date(2027, 1, 18), _t(18, 15), _t(18, 23), "wijk", "WK01", "L", "")])
    uid = [str(Calendar.from_ical(ics_files(p, FIXED)["W-01.ics"]).walk("VEVENT")[0]["uid"]) for p in (plan, other)]
    assert uid[0] == uid[1] and uid[0].endswith("@planner")


def test_one_short_provenance_line_instead_of_fourteen():
    """Provenance lives in summary.json; a calendar carries one short X- line that points to the run."""
    data = ics_files(_plan([("W-01", dt.date(2027, 1, 18), _t(18, 7), _t(18, 15), "wijk", "WK01", "D", "")]),
                     FIXED)["W-01.ics"]
    x_lines = [ln for ln in data.decode().splitlines() if ln.startswith("X-")]
    assert len(x_lines) == 1 and re.fullmatch(r"X-PLANNER-RUN:2027-W03 [0-9a-f]{16}", x_lines[0]), x_lines
    assert b"SHA256" not in data


# -- time zones ---------------------------------------------------------------------------------------------


def test_calendar_has_a_vtimezone_for_every_tzid():
    """RFC 5545 3.6.5: each TZID used has its VTIMEZONE (Outlook shifts events by an hour without one)."""
    data = ics_files(_plan([("W-01", dt.date(2027, 1, 18), _t(18, 7), _t(18, 15), "wijk", "WK01", "D", "")]),
                     FIXED)["W-01.ics"]
    cal = Calendar.from_ical(data)
    tzids = {str(c["tzid"]) for c in cal.walk("VTIMEZONE")}
    used = set(re.findall(r"TZID=([^:;]+)", data.decode()))
    assert used == tzids == {"Europe/Amsterdam"}


@pytest.mark.parametrize("zone", ["Europe/Amsterdam", "Europe/London", "America/New_York", "Asia/Tokyo"])
def test_vtimezone_gives_the_same_offsets_as_the_time_zone_database(zone):
    """Read back as a time zone (icalendar), our VTIMEZONE gives zoneinfo's UTC offset at every hour from a
    year before to a year after the week, the DST switch nights included."""
    tz = ZoneInfo(zone)
    parsed = vtimezone(tz, dt.date(2027, 3, 22)).to_tz(lookup_tzid=False)  # from our definition, not by name
    t = dt.datetime(2026, 4, 1, tzinfo=dt.UTC)
    while t < dt.datetime(2028, 3, 1, tzinfo=dt.UTC):
        assert t.astimezone(parsed).utcoffset() == t.astimezone(tz).utcoffset(), (zone, t)
        t += dt.timedelta(minutes=30)


def test_dst_night_shift_lasts_seven_hours_in_an_independent_parser():
    """The night of the last Sunday of March 2027: 23:00-07:00 lasts 7 h. The 'ical' package (an independent
    RFC 5545 parser, strict) reads our file and agrees; every event's instants equal the roster's."""
    ical_calendar = pytest.importorskip("ical.calendar_stream", reason="the 'ical' validator is a test extra")
    d = dt.date(2027, 3, 27)
    start, end = dt.datetime(2027, 3, 27, 23, tzinfo=TZ), dt.datetime(2027, 3, 28, 7, tzinfo=TZ)
    plan = _plan([("W-01", d, start, end, "wijk", "WK01", "N", ""),
                  ("W-01", dt.date(2027, 3, 29), _t(29, 7, month=3), _t(29, 15, month=3), "noodhulp", "", "V", "x")])
    data = ics_files(plan, FIXED, WIJKEN)["W-01.ics"].decode()
    cal = ical_calendar.IcsCalendarStream.calendar_from_ics(data)
    got = [(e.start.astimezone(dt.UTC), e.end.astimezone(dt.UTC)) for e in cal.events]
    assert got == [(start.astimezone(dt.UTC), end.astimezone(dt.UTC)),
                   (_t(29, 7, month=3).astimezone(dt.UTC), _t(29, 15, month=3).astimezone(dt.UTC))]
    assert got[0][1] - got[0][0] == dt.timedelta(hours=7)
    assert [e.summary for e in cal.events][0] == "Dienst N 23:00–07:00 · wijk Centrum"
    assert len(cal.timezones) == 1


# -- one file per officer, always ---------------------------------------------------------------------------


def test_ids_that_differ_in_case_spaces_or_look_alikes_get_their_own_files():
    """The 21 officers that shared 20 files: W-01/w-01, 'W 01'/'W_01', Latin A / Cyrillic А, e/é."""
    ids = ["W-01", "w-01", "W 01", "W_01", "WA01", "WА01", "Jose", "José", "CON", "a/b", "a\\b", ".hidden", "x" * 90,
           "x" * 89 + "y"]
    names = calendar_names(ids)
    files = [n.casefold() for n in names.values()]
    assert len(set(files)) == len(ids)
    assert names["WA01"] == "WA01" and names["Jose"] == "Jose"  # plain ids keep their own name
    assert names["W-01"] != "W-01"  # W-01 and w-01 would share one file on Windows and macOS
    assert all(re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9_-]*", n) for n in names.values())


_ID_CHARS = st.sampled_from(list("Ww01-_ .aA") + ["А", "é", "e\u0301", "ß", "ss", "İ", "i", "/", "\\", ":"])


@given(st.lists(st.lists(_ID_CHARS, min_size=1, max_size=6).map("".join), min_size=1, max_size=25, unique=True))
@settings(max_examples=300, deadline=None)
def test_every_officer_gets_a_file_of_their_own(ids):
    """Any set of distinct ids: as many file names, distinct even ignoring case and Unicode normalisation,
    each a portable name; the same id always gets the same name when the others are unchanged."""
    names = calendar_names(ids)
    files = [unicodedata.normalize("NFC", n).casefold() for n in names.values()]
    assert len(set(files)) == len(ids)
    assert all(re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9_-]{0,63}", n) for n in names.values())
    assert calendar_names(list(reversed(ids))) == names


def test_calendars_of_look_alike_ids_are_all_written():
    """ics_files writes one file per officer for ids that used to collide."""
    ids = ["W-01", "w-01", "W 01", "W_01"]
    plan = _plan([(i, dt.date(2027, 1, 18), _t(18, 7), _t(18, 15), "wijk", "WK01", "V", "") for i in ids])
    assert len(ics_files(plan, FIXED)) == len(ids)


# -- input text with control characters: every calendar still parses, the text stays visible -----------------

#: Every character that RFC 5545 does not allow in a text value, and some that it does but that look like it.
_CONTROLS = [chr(c) for c in range(0x20)] + ["\x7f", "\ud800", "\udfff", "\x85", "\u2028", "\u2029", "\ufeff"]


def _visible(text: str) -> str:
    """What a calendar shows for ``text`` (docs/outputs.md): RFC 5545 CONTROL characters (not tab, not a line
    break) and lone surrogates as their escape; CR and CRLF as a line break (icalendar's); the rest as typed."""
    out = []
    for ch in text.replace("\r\n", "\n").replace("\r", "\n"):
        code = ord(ch)
        if (code < 0x20 and ch not in "\t\n") or code == 0x7F:
            out.append(f"\\x{code:02x}")
        elif 0xD800 <= code <= 0xDFFF:
            out.append(f"\\u{code:04x}")
        else:
            out.append(ch)
    return "".join(out)


def _hostile_calendars(text: str) -> dict[str, bytes]:
    """Calendars of a roster whose every input text holds ``text``: officer id, wijk name, shift code, the task
    (theme, event name or absence reason) and an activity name."""
    plan = _plan([
        (f"W{text}01", dt.date(2027, 1, 18), _t(18, 7), _t(18, 11), "wijk", "WK01", f"D{text}", f"thema{text}x"),
        (f"W{text}01", dt.date(2027, 1, 18), _t(18, 11), _t(18, 15), f"act{text}y", "", f"D{text}", f"evt{text}z"),
        ("W-02", dt.date(2027, 1, 19), _t(19, 9), _t(19, 11), "training", "", "", f"cursus{text}"),
    ])
    return ics_files(plan, FIXED, {"WK01": f"Cen{text}trum"})


@pytest.mark.parametrize("ch", _CONTROLS, ids=[f"U+{ord(c):04X}" for c in _CONTROLS])
def test_control_characters_in_input_text_give_calendars_a_strict_parser_reads(ch):
    """Every control character (and lone surrogate, U+2028, ...) in a name, wijk name, shift code, theme, event name
    or activity: each .ics is written, the strict 'ical' parser reads it, and the text is there, each forbidden
    character as its escape (tab, line breaks and the rest as typed)."""
    ical_calendar = pytest.importorskip("ical.calendar_stream", reason="the 'ical' validator is a test extra")
    files = _hostile_calendars(ch)
    assert len(files) == 2
    texts = []
    for data in files.values():
        cal = ical_calendar.IcsCalendarStream.calendar_from_ics(data.decode("utf-8"))
        assert len(cal.events) == 1
        texts += [cal.events[0].summary or "", cal.events[0].location or "", cal.events[0].description or ""]
        Calendar.from_ical(data)  # and icalendar reads it back
    shown = "\n".join(texts)
    for word in ("Cen{}trum", "D{}", "thema{}x", "evt{}z", "act{}y", "cursus{}"):
        assert word.format(_visible(ch)) in shown, (word, shown)


#: Any character: hypothesis's own, controls, lone surrogates (which it never draws itself) and line separators.
_ANY_CHAR = st.one_of(st.characters(codec=None, exclude_categories=()), st.integers(0, 0x1F).map(chr),
                      st.integers(0xD800, 0xDFFF).map(chr), st.sampled_from(["\x7f", "\u2028", "\r\n", "\\", ";"]))


@settings(max_examples=60, deadline=None)
@given(st.lists(_ANY_CHAR, max_size=12).map("".join))
def test_any_input_text_gives_calendars_a_strict_parser_reads(text):
    """Any text (surrogates and controls included) in every input field: every calendar parses strictly and shows
    the text as :func:`_visible` says."""
    ical_calendar = pytest.importorskip("ical.calendar_stream", reason="the 'ical' validator is a test extra")
    shown = []
    for data in _hostile_calendars(text).values():
        cal = ical_calendar.IcsCalendarStream.calendar_from_ics(data.decode("utf-8"))
        assert len(cal.events) == 1
        shown += [cal.events[0].summary or "", cal.events[0].description or ""]
    assert f"cursus{_visible(text)}" in "\n".join(shown)
    assert f"Cen{_visible(text)}trum" in "\n".join(shown)
