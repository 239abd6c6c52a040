"""Compliance figures for a period: per officer per week, per wijk and per gemeente, planned next to realized.

One :class:`ReportFigures` object holds every number a report shows, already rounded; every output format
(HTML, Markdown, CSV, XLSX, JSON) is rendered from it, so the formats cannot disagree.

Definitions (the same as the checker's and the solver's, via ``planner.hours``):

- A block belongs to the ISO week of its ``date`` (the date its shift started).
- available minutes = contract hours minus unavailable absence (``leave_minutes``), per officer per week.
- own-wijk minutes = blocks whose activity counts for the norm under the configured reading
  (``Config.counts_for_norm``); a ``wijk`` block counts only in one of the officer's own wijken.
- A week counts for the planned (realized) figures of an officer only when the planned (realized) hours
  hold that week for the officer's team: a week nobody published is unknown, not zero.
- An officer who has left officers.csv counts with the facts the history store kept for the weeks it holds
  of them (wijken, contract hours, team, leave; ``Source.officers``), and only in those weeks; in head counts
  and fte they count for the share of the period's weeks the store holds of them.
- Shares are own / available, rounded *down* to 0.1 % (so a share shown as 80.0 % is never below 80 %).
- Per wijk and per gemeente, an officer with n wijken counts 1/n in each (head count, fte, hours).
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

import pandas as pd

from planner.config import Config
from planner.dataset import Dataset
from planner.errors import CrossFileError, InputError
from planner.hours import available_minutes, leave_minutes, norm_required_minutes
from planner.report import texts as T
from planner.timeutil import as_date, interval, minutes_between, parse_period, week_label

BASES = ("planned", "realized")
#: Where hours outside the own wijk went; ``voor_wijk`` counts for the norm under the reading "in of voor".
AWAY_REASONS = ("noodhulp", "event", "training", "office", "other_wijk", "voor_wijk", "other")
FTE_HOURS = 36.0
INHABITANTS_PER_OFFICER = 5000
GENERAL_THEME = "algemeen"
#: Trend rows that sum every chosen gemeente carry this code.
ALL_GEMEENTEN = "*"


@dataclass(frozen=True)
class Column:
    """A column of a report table: its key (also the JSON key) and how its values are shown."""

    key: str
    kind: str = "text"  # text | count | hours | share | ratio | flag | status | indicator | reason


@dataclass
class Table:
    """A report table: rows are dicts keyed by the column keys, values already rounded."""

    name: str
    columns: list[Column]
    rows: list[dict[str, Any]]

    @property
    def keys(self) -> list[str]:
        return [c.key for c in self.columns]


@dataclass
class Source:
    """Planned or realized blocks (roster format, one frame) and a short description of where they came from."""

    blocks: pd.DataFrame
    described: list[str] = field(default_factory=list)
    #: Officer facts per week kept by the history store (``planner.store.FACT_COLUMNS``), or None.
    officers: pd.DataFrame | None = None


@dataclass
class ReportFigures:
    """Everything a report shows; build with :func:`build_figures`."""

    internal: bool
    lang: str
    period: str
    first_monday: dt.date
    weeks: list[str]
    norm_share: float
    reading: str
    gemeenten: list[tuple[str, str]]
    sources: dict[str, list[str]]
    tables: list[Table]
    #: (subject, basis, own minutes, available minutes) per gemeente (municipal) or officer (internal), exact.
    checked_shares: list[tuple[str, str, Fraction, Fraction]] = field(default_factory=list)
    #: The minimum group size applied (1: none, as in the internal report).
    min_group_size: int = 1

    def table(self, name: str) -> Table:
        for t in self.tables:
            if t.name == name:
                return t
        raise KeyError(name)

    def below(self, threshold: float) -> list[str]:
        """Subjects (gemeente codes, or officer ids when internal) whose planned or realized share of the
        period is below ``threshold``, as ``subject (basis share)``."""
        frac = Fraction(threshold).limit_denominator(1000)
        out = []
        for subject, basis, own, avail in self.checked_shares:
            if avail > 0 and own < frac * avail:
                out.append(f"{subject} ({T.title(basis, self.lang)} {T.fmt(_share(own, avail), 'share', self.lang)})")
        return out

    def meta(self) -> dict[str, Any]:
        """Header facts of the report, as JSON-able data."""
        return {
            "kind": "internal" if self.internal else "municipal",
            "lang": self.lang,
            "period": self.period,
            "weeks": self.weeks,
            "norm_share": self.norm_share,
            "reading": self.reading,
            "reading_text": T.READINGS[self.reading][self.lang],
            "gemeenten": [{"gemeente_code": c, "gemeente_naam": n} for c, n in self.gemeenten],
            "sources": self.sources,
            "min_group_size": self.min_group_size,
        }


# ----------------------------------------------------------------------------------------------------------


def build_figures(
    ds: Dataset,
    period: str,
    planned: Source,
    realized: Source,
    *,
    gemeenten: list[str] | None = None,
    internal: bool = False,
    lang: str = "nl",
) -> ReportFigures:
    """Compute every figure of a report for ``period`` (``2027-W03``, ``2027-W03..2027-W06``, ``2027-01``,
    ``2027-Q1``, ``2027``).

    Raises
    ------
    InputError
        For a period that does not parse, an unknown gemeente code, or blocks naming an unknown officer or wijk.
    """
    if lang not in T.LANGS:
        raise InputError("--lang", f"'{lang}' is not a language; expected nl or en")
    try:
        first, end = parse_period(period)
    except ValueError as exc:
        raise InputError("--period", str(exc)) from None
    mondays = [first + dt.timedelta(weeks=i) for i in range((end - first).days // 7)]
    cfg = ds.config
    chosen = _chosen_gemeenten(ds, gemeenten)
    chosen_codes = {c for c, _ in chosen}

    departed = _departed(ds, [planned, realized], mondays)
    blocks = {
        b: _in_period(validated_blocks(ds, s.blocks, known_ids=set(departed)), first, end)
        for b, s in (("planned", planned), ("realized", realized))
    }
    officers = _officers(ds) + [d["officer"] for d in departed.values()]
    team_of = {o["officer_id"]: o["team"] for o in officers}
    known = {
        b: {(team_of[str(oid)], _monday(d)) for oid, d in zip(blocks[b]["officer_id"], blocks[b]["date"], strict=True)}
        for b in BASES
    }
    ow = _officer_weeks(ds, officers, blocks, known, mondays, departed)
    presence, themes = _presence_and_themes(ds, blocks)

    k = 1 if internal else cfg.privacy.min_group_size
    gm_display, wijk_display, withheld = _display_groups(ds, chosen, k, lang)
    needed = {m for _, _, members in gm_display for m in members} | chosen_codes
    wijk_rows = ds.wijken[ds.wijken["gemeente_code"].isin(needed)]
    wijk_team = ds.wijk_team()
    any_known = {b: {m for _, m in known[b]} for b in BASES}
    officers_of: dict[str, list[dict[str, Any]]] = {}
    for o in officers:
        for w in dict.fromkeys(o["wijken"]):
            officers_of.setdefault(w, []).append(o)
    acc_wijk = {}
    for w in wijk_rows.to_dict("records"):
        code = str(w["wijk_code"])
        team = wijk_team.get(code)
        weeks_known = {
            b: sum(1 for m in mondays if ((team, m) in known[b] if team else m in any_known[b])) for b in BASES
        }
        a = _accumulate(
            officers_of.get(code, []),
            ow,
            mondays,
            lambda o: Fraction(1, len(o["wijken"])),
        ) | {
            "presence": {b: sum(presence[b].get((code, m), 0) for m in mondays) for b in BASES},
            "presence_weeks": weeks_known,
            "inwoners": _num(w["inwoners"]),
            "themes": {b: themes[b].get(code, {}) for b in BASES},
        }
        a["presence_week"] = {
            b: (Fraction(a["presence"][b]) / a["presence_weeks"][b] if a["presence_weeks"][b] else None) for b in BASES
        }
        acc_wijk[code] = a

    wijk_table_rows = []
    for label, naam, gm_code, members in wijk_display:
        a, inwoners, presence_week = _combined(acc_wijk, list(members), mondays)
        wijk_table_rows.append(
            {"wijk_code": label, "wijk_naam": naam, "gemeente_code": gm_code,
             **_area_values(a, inwoners, presence_week)}
        )

    gm_rows, away_rows, theme_rows, trend_rows, verdicts = [], [], [], [], []
    gm_acc = {}
    for code, naam, members in gm_display:
        wcodes = [str(c) for c in wijk_rows.loc[wijk_rows["gemeente_code"].isin(members), "wijk_code"]]
        a, inwoners, presence_week = _combined(acc_wijk, wcodes, mondays)
        gm_acc[code] = a
        gm_rows.append({"gemeente_code": code, "gemeente_naam": naam, **_area_values(a, inwoners, presence_week)})
        for reason in AWAY_REASONS:
            mins = {b: a["away"][b].get(reason, Fraction(0)) for b in BASES}
            if not any(mins.values()):
                continue  # a reason with no hours in either basis says nothing
            away_rows.append(
                {
                    "gemeente_code": code,
                    "reason": reason,
                    "counts_for_norm": cfg.counts_for_norm(reason),
                    "hours_planned": _hours_or_nan(mins["planned"], a["weeks"]["planned"]),
                    "share_of_available_planned": _share(mins["planned"], a["avail"]["planned"]),
                    "hours_realized": _hours_or_nan(mins["realized"], a["weeks"]["realized"]),
                    "share_of_available_realized": _share(mins["realized"], a["avail"]["realized"]),
                }
            )
        theme_mins: dict[str, dict[str, int]] = {b: {} for b in BASES}
        for c in wcodes:
            for b in BASES:
                for theme, m in acc_wijk[c]["themes"][b].items():
                    theme_mins[b][theme] = theme_mins[b].get(theme, 0) + m
        all_themes = sorted(
            set(theme_mins["planned"]) | set(theme_mins["realized"]), key=lambda t: (t == GENERAL_THEME, t)
        )
        for theme in all_themes:
            theme_rows.append(
                {
                    "gemeente_code": code,
                    "theme": theme.replace("_", " "),
                    "hours_planned": _hours_or_nan(theme_mins["planned"].get(theme, 0), a["weeks"]["planned"]),
                    "hours_realized": _hours_or_nan(theme_mins["realized"].get(theme, 0), a["weeks"]["realized"]),
                }
            )
        trend_rows.extend(_trend(code, naam, a, mondays))
        subject = f"{naam}: {code}" if len(members) > 1 else T.gemeente_text(code, naam)
        verdicts.extend(_gemeente_verdicts(subject, code, gm_rows[-1], a, away_rows, trend_rows, cfg, lang))
    for code, naam in withheld:
        what = T.gemeente_text(code, naam) if len(withheld) == 1 else \
            {"nl": "het gebied", "en": "the area"}[lang]
        verdicts.append({"subject": T.gemeente_text(code, naam), "indicator": "own_share", "status": "unknown",
                         "text": T.title("privacy_withheld", lang).format(what=what, k=k)})
    if len(gm_display) > 1:
        total = _sum_acc(list(gm_acc.values()), mondays)
        all_name = {"nl": "alle gekozen gemeenten", "en": "all chosen municipalities"}[lang]
        trend_rows.extend(_trend(ALL_GEMEENTEN, all_name, total, mondays))

    share_cols = [
        Column("available_h_planned", "hours"),
        Column("own_h_planned", "hours"),
        Column("share_planned", "share"),
        Column("available_h_realized", "hours"),
        Column("own_h_realized", "hours"),
        Column("share_realized", "share"),
    ]
    headline = [
        Column("inwoners", "count"),
        Column("wijkagenten", "ratio"),
        Column("fte", "ratio"),
        Column("fte_per_5000", "ratio"),
        Column("share_planned", "share"),
        Column("share_realized", "share"),
        Column("presence_per_1000_planned", "ratio"),
        Column("presence_per_1000_realized", "ratio"),
    ]
    hour_cols = [
        Column("available_h_planned", "hours"),
        Column("own_h_planned", "hours"),
        Column("presence_h_planned", "hours"),
        Column("available_h_realized", "hours"),
        Column("own_h_realized", "hours"),
        Column("presence_h_realized", "hours"),
    ]
    tables = [
        Table(
            "verdicts",
            [Column("subject"), Column("indicator", "indicator"), Column("status", "status"), Column("text")],
            verdicts,
        ),
        Table("gemeenten", [Column("gemeente_code"), Column("gemeente_naam"), *headline], gm_rows),
        Table("hours", [Column("gemeente_code"), Column("gemeente_naam"), *hour_cols], gm_rows),
        Table(
            "wijken", [Column("wijk_code"), Column("wijk_naam"), Column("gemeente_code"), *headline], wijk_table_rows
        ),
        Table(
            "themes",
            [
                Column("gemeente_code"),
                Column("theme"),
                Column("hours_planned", "hours"),
                Column("hours_realized", "hours"),
            ],
            theme_rows,
        ),
        Table(
            "away",
            [
                Column("gemeente_code"),
                Column("reason", "reason"),
                Column("counts_for_norm", "flag"),
                Column("hours_planned", "hours"),
                Column("share_of_available_planned", "share"),
                Column("hours_realized", "hours"),
                Column("share_of_available_realized", "share"),
            ],
            away_rows,
        ),
        Table("trend", [Column("gemeente_code"), Column("gemeente_naam"), Column("week"), *share_cols], trend_rows),
    ]
    checked = [(code, b, gm_acc[code]["own"][b], gm_acc[code]["avail"][b]) for code, _, _ in gm_display for b in BASES]
    if internal:
        off_rows, week_rows, checked = _officer_tables(ds, officers, ow, mondays, chosen_codes, cfg, lang, verdicts)
        tables += [
            Table(
                "officers",
                [
                    Column("officer_id"),
                    Column("name"),
                    Column("wijken"),
                    Column("team"),
                    Column("contract_h", "hours"),
                    *share_cols,
                    Column("weeks_planned", "count"),
                    Column("weeks_below_planned", "count"),
                    Column("weeks_realized", "count"),
                    Column("weeks_below_realized", "count"),
                ],
                off_rows,
            ),
            Table(
                "officer_weeks",
                [
                    Column("officer_id"),
                    Column("name"),
                    Column("week"),
                    Column("contract_h", "hours"),
                    Column("leave_h", "hours"),
                    Column("available_h", "hours"),
                    Column("worked_h_planned", "hours"),
                    Column("own_h_planned", "hours"),
                    Column("share_planned", "share"),
                    Column("below_planned", "flag"),
                    Column("worked_h_realized", "hours"),
                    Column("own_h_realized", "hours"),
                    Column("share_realized", "share"),
                    Column("below_realized", "flag"),
                    *[Column(f"{r}_h", "hours") for r in AWAY_REASONS],
                    Column("basis"),
                    Column("why"),
                ],
                week_rows,
            ),
        ]
    return ReportFigures(
        internal=internal,
        lang=lang,
        period=period,
        first_monday=first,
        weeks=[week_label(m) for m in mondays],
        norm_share=cfg.norm.share,
        reading=cfg.norm.reading,
        gemeenten=chosen,
        sources={"planned": planned.described, "realized": realized.described},
        tables=tables,
        checked_shares=checked,
        min_group_size=k,
    )


# ----------------------------------------------------------------------------------------------------------
# Officer weeks


def _officers(ds: Dataset) -> list[dict[str, Any]]:
    return [
        {
            "officer_id": str(o["officer_id"]),
            "name": _txt(o["name"]),
            "wijken": tuple(o["wijken"]),
            "contract_hours": float(o["contract_hours"]),
            "team": _txt(o["team"]),
        }
        for o in ds.officers.to_dict("records")
    ]


def _departed(ds: Dataset, sources: list[Source], mondays: list[dt.date]) -> dict[str, dict[str, Any]]:
    """Officers the store holds facts of but officers.csv no longer lists: their latest facts in the period
    (``officer``) and their leave minutes and contract hours per Monday the store holds (``weeks``)."""
    frames = [s.officers for s in sources if s.officers is not None and len(s.officers)]
    if not frames:
        return {}
    facts = pd.concat(frames, ignore_index=True)
    labels = {week_label(m): m for m in mondays}
    facts = facts[facts["week"].isin(list(labels)) & ~facts["officer_id"].astype(str).isin(
        set(ds.officers["officer_id"].astype(str)))]
    out: dict[str, dict[str, Any]] = {}
    for r in facts.sort_values("week", kind="stable").to_dict("records"):  # the latest week's facts win
        oid = str(r["officer_id"])
        d = out.setdefault(oid, {"weeks": {}})
        d["officer"] = {"officer_id": oid, "name": _txt(r["name"]), "wijken": tuple(r["wijken"]),
                        "contract_hours": float(r["contract_hours"]), "team": _txt(r["team"])}
        d["weeks"].setdefault(labels[r["week"]], (float(r["contract_hours"]), int(r["leave_minutes"])))
    for d in out.values():
        d["officer"]["period_share"] = Fraction(len(d["weeks"]), len(mondays))
    return out


def _category(activity: str, wijk_code: str, own_wijken: tuple[str, ...]) -> str:
    if activity == "wijk":
        return "wijk" if wijk_code in own_wijken else "other_wijk"
    return activity if activity in AWAY_REASONS else "other"


def _officer_weeks(
    ds: Dataset,
    officers: list[dict[str, Any]],
    blocks: dict[str, pd.DataFrame],
    known: dict[str, set[tuple[str, dt.date]]],
    mondays: list[dt.date],
    departed: dict[str, dict[str, Any]] | None = None,
) -> dict[tuple[str, dt.date], dict[str, Any]]:
    """Per (officer, Monday): leave, available, and per basis whether known, worked, own and minutes by category.

    A departed officer (``departed``, from the store's facts) counts only in the weeks the store holds of them,
    with that week's contract hours and leave."""
    departed = departed or {}
    cfg = ds.config
    out: dict[tuple[str, dt.date], dict[str, Any]] = {}
    absent = (
        set(ds.absences.loc[ds.absences["kind"] == "unavailable", "officer_id"].astype(str))
        if len(ds.absences)
        else set()
    )
    for o in officers:
        gone = departed.get(o["officer_id"])
        for m in mondays:
            if gone is not None:
                there = m in gone["weeks"]
                hours, leave = gone["weeks"].get(m, (o["contract_hours"], 0))
            else:
                there, hours = True, o["contract_hours"]
                leave = (
                    leave_minutes(ds.absences_of(o["officer_id"]), o["officer_id"], hours, m, cfg)
                    if o["officer_id"] in absent
                    else 0
                )
            out[(o["officer_id"], m)] = {
                "leave": leave,
                "avail": available_minutes(hours, leave),
                **{b: {"known": there and (o["team"], m) in known[b], "worked": 0, "own": 0, "cat": {}}
                   for b in BASES},
            }
    wijken_of = {o["officer_id"]: o["wijken"] for o in officers}
    for b in BASES:
        for oid, monday, mins, activity, wijk in _block_rows(blocks[b]):
            rec = out[(oid, monday)][b]
            rec["worked"] += mins
            if _is_own(cfg, activity, wijk, wijken_of[oid]):
                rec["own"] += mins
            cat = _category(activity, wijk, wijken_of[oid])
            rec["cat"][cat] = rec["cat"].get(cat, 0) + mins
    return out


def _block_rows(df: pd.DataFrame) -> list[tuple[str, dt.date, int, str, str]]:
    """(officer_id, Monday, minutes, activity, wijk_code) per block; columns at once, not a dict per row
    (a national week has 25,000 blocks)."""
    if df.empty:
        return []
    delta = df["end"] - df["start"]
    mins = (
        (delta.dt.total_seconds() // 60).astype(int).tolist()
        if pd.api.types.is_timedelta64_dtype(delta)
        else [minutes_between(s, e) for s, e in zip(df["start"], df["end"], strict=True)]
    )
    mondays = {d: _monday(d) for d in set(df["date"])}
    wijk = df["wijk_code"] if "wijk_code" in df else pd.Series([""] * len(df), index=df.index)
    return list(zip(df["officer_id"].astype(str).tolist(), [mondays[d] for d in df["date"]], mins,
                    df["activity"].tolist(), [_txt(w) for w in wijk.tolist()], strict=True))


def _is_own(cfg: Config, activity: str, wijk_code: str, wijken: tuple[str, ...]) -> bool:
    """Own-wijk time under the configured reading (the checker's definition)."""
    return cfg.counts_for_norm(activity) and (activity != "wijk" or wijk_code in wijken)


def _accumulate(
    officers: list[dict[str, Any]], ow: dict[tuple[str, dt.date], dict[str, Any]], mondays: list[dt.date], weight
) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    """Weighted sums over officers: head count, fte, and per basis available, own, away minutes over known
    weeks, also per week (for the trend)."""
    acc: dict[str, Any] = {
        "heads": Fraction(0),
        "fte": Fraction(0),
        "avail": {b: Fraction(0) for b in BASES},
        "own": {b: Fraction(0) for b in BASES},
        "away": {b: {} for b in BASES},
        "weeks": {b: 0 for b in BASES},
        "week": {(b, m): [Fraction(0), Fraction(0)] for b in BASES for m in mondays},
    }
    for o in officers:
        w = weight(o)
        acc["heads"] += w * o.get("period_share", 1)
        acc["fte"] += (w * o.get("period_share", 1) * Fraction(o["contract_hours"]).limit_denominator(100)
                       / Fraction(FTE_HOURS))
        for m in mondays:
            rec = ow[(o["officer_id"], m)]
            for b in BASES:
                if not rec[b]["known"]:
                    continue
                acc["avail"][b] += w * rec["avail"]
                acc["own"][b] += w * rec[b]["own"]
                acc["week"][(b, m)][0] += w * rec[b]["own"]
                acc["week"][(b, m)][1] += w * rec["avail"]
                for cat, mins in rec[b]["cat"].items():
                    if cat != "wijk":
                        acc["away"][b][cat] = acc["away"][b].get(cat, Fraction(0)) + w * mins
    for b in BASES:
        acc["weeks"][b] = sum(1 for m in mondays if any(ow[(o["officer_id"], m)][b]["known"] for o in officers))
    return acc


def _sum_acc(parts: list[dict[str, Any]], mondays: list[dt.date]) -> dict[str, Any]:
    out: dict[str, Any] = {
        "heads": sum((p["heads"] for p in parts), Fraction(0)),
        "fte": sum((p["fte"] for p in parts), Fraction(0)),
        "avail": {b: sum((p["avail"][b] for p in parts), Fraction(0)) for b in BASES},
        "own": {b: sum((p["own"][b] for p in parts), Fraction(0)) for b in BASES},
        "away": {b: {} for b in BASES},
        "weeks": {b: max((p["weeks"][b] for p in parts), default=0) for b in BASES},
        "week": {
            (b, m): [sum((p["week"][(b, m)][i] for p in parts), Fraction(0)) for i in (0, 1)]
            for b in BASES
            for m in mondays
        },
        "presence": {b: sum(p.get("presence", {}).get(b, 0) for p in parts) for b in BASES},
    }
    for p in parts:
        for b in BASES:
            for cat, mins in p["away"][b].items():
                out["away"][b][cat] = out["away"][b].get(cat, Fraction(0)) + mins
    return out


def _area_values(a: dict[str, Any], inwoners: float, presence_week: dict[str, Fraction | None]) -> dict[str, Any]:
    """The shared columns of the wijk and gemeente tables."""
    known_pop = not math.isnan(inwoners) and inwoners > 0
    row: dict[str, Any] = {
        "inwoners": int(inwoners) if not math.isnan(inwoners) and float(inwoners).is_integer() else inwoners,
        "wijkagenten": round(float(a["heads"]), 2),
        "fte": round(float(a["fte"]), 2),
        "fte_per_5000": round(float(a["fte"]) / inwoners * INHABITANTS_PER_OFFICER, 2) if known_pop else math.nan,
    }
    for b in BASES:
        has = a["weeks"][b] > 0
        row[f"available_h_{b}"] = _h(a["avail"][b]) if has else math.nan
        row[f"own_h_{b}"] = _h(a["own"][b]) if has else math.nan
        row[f"share_{b}"] = _share(a["own"][b], a["avail"][b])
    for b in BASES:
        row[f"presence_h_{b}"] = _h(a["presence"][b]) if presence_week[b] is not None else math.nan
    for b in BASES:
        pw = presence_week[b]
        row[f"presence_per_1000_{b}"] = (
            round(float(pw) / 60 / inwoners * 1000, 2) if pw is not None and known_pop else math.nan
        )
    return row


def _trend(code: str, naam: str, a: dict[str, Any], mondays: list[dt.date]) -> list[dict[str, Any]]:
    rows = []
    for m in mondays:
        row: dict[str, Any] = {"gemeente_code": code, "gemeente_naam": naam, "week": week_label(m)}
        for b in BASES:
            own, avail = a["week"][(b, m)]
            row[f"available_h_{b}"] = _h(avail) if avail else math.nan
            row[f"own_h_{b}"] = _h(own) if avail else math.nan
            row[f"share_{b}"] = _share(own, avail)
        rows.append(row)
    return rows


# ----------------------------------------------------------------------------------------------------------
# Presence and themes


def _presence_and_themes(ds: Dataset, blocks: dict[str, pd.DataFrame]) -> tuple[dict[str, dict], dict[str, dict]]:
    """Minutes of ``wijk`` blocks per (wijk, Monday), and per wijk per theme, for each basis.

    A wijk block takes the theme of the demand rows of its wijk whose window (on its weekday or date)
    overlaps it; where two rows overlap, the higher priority factor wins (then the earlier row); minutes
    that match no demand row are ``algemeen``.
    """
    tz = ds.config.tz
    demand: dict[str, list[tuple[Any, ...]]] = {}
    for i, r in enumerate(ds.demand.to_dict("records")):
        if float(r["officers"]) <= 0:
            continue
        date = r["date"] if r["date"] is not None and not pd.isna(r["date"]) else None
        demand.setdefault(str(r["wijk_code"]), []).append(
            (
                int(r["weekday"]),
                date,
                r["start"],
                r["end"],
                str(r["theme"] or GENERAL_THEME),
                float(r["priority_factor"]),
                i,
            )
        )
    presence: dict[str, dict] = {b: {} for b in BASES}
    themes: dict[str, dict] = {b: {} for b in BASES}
    windows_of: dict[str, dict[dt.date, list[tuple[Any, ...]]]] = {}  # demand windows per wijk and day, reused
    for b in BASES:
        wijk_blocks = blocks[b][blocks[b]["activity"] == "wijk"] if len(blocks[b]) else blocks[b]
        rows = _block_rows(wijk_blocks)
        spans = zip(wijk_blocks["start"].tolist(), wijk_blocks["end"].tolist(), strict=True) if len(rows) else ()
        for (_oid, monday, mins, _activity, code), (start, end) in zip(rows, spans, strict=True):
            key = (code, monday)
            presence[b][key] = presence[b].get(key, 0) + mins
            per_theme = themes[b].setdefault(code, {})
            cache = windows_of.setdefault(code, {})
            for theme, m in _block_themes(start, end, demand.get(code, []), tz, cache).items():
                per_theme[theme] = per_theme.get(theme, 0) + m
    return presence, themes


def _day_windows(rows: list[tuple[Any, ...]], day: dt.date, tz: Any) -> list[tuple[Any, ...]]:
    """The demand windows of ``rows`` that start on ``day``: (start, end, theme, factor, order)."""
    out = []
    for weekday, date, s, e, theme, factor, order in rows:
        if (date is not None and date == day) or (date is None and weekday == day.weekday()):
            out.append((*interval(day, s, e, tz), theme, factor, order))
    return out


def _block_themes(
    start: dt.datetime, end: dt.datetime, rows: list[tuple[Any, ...]], tz: Any,
    cache: dict[dt.date, list[tuple[Any, ...]]] | None = None,
) -> dict[str, int]:
    """Minutes of a block per theme; ``cache`` keeps the windows of ``rows`` per day between calls."""
    cache = {} if cache is None else cache
    windows = []
    day = start.date() - dt.timedelta(days=1)
    while day <= end.date():
        if day not in cache:
            cache[day] = _day_windows(rows, day, tz)
        for ws, we, theme, factor, order in cache[day]:
            lo, hi = max(ws, start), min(we, end)
            if hi > lo:
                windows.append((lo, hi, theme, factor, order))
        day += dt.timedelta(days=1)
    if not windows:
        return {GENERAL_THEME: minutes_between(start, end)}
    cuts = sorted({start, end, *[w[0] for w in windows], *[w[1] for w in windows]})
    out: dict[str, int] = {}
    for a, b in zip(cuts, cuts[1:], strict=False):
        cover = [w for w in windows if w[0] <= a and w[1] >= b]
        theme = max(cover, key=lambda w: (w[3], -w[4]))[2] if cover else GENERAL_THEME
        out[theme] = out.get(theme, 0) + minutes_between(a, b)
    return out


# ----------------------------------------------------------------------------------------------------------
# Verdicts


def _gemeente_verdicts(
    subject: str,
    code: str,
    row: dict[str, Any],
    a: dict[str, Any],
    away_rows: list[dict[str, Any]],
    trend_rows: list[dict[str, Any]],
    cfg: Config,
    lang: str,
) -> list[dict[str, Any]]:
    f = lambda v, k: T.fmt(v, k, lang)  # noqa: E731
    norm = f(cfg.norm.share, "share")
    out = []
    # 1. Own-wijk share: realized decides when known, else planned.
    basis = "realized" if a["avail"]["realized"] > 0 else ("planned" if a["avail"]["planned"] > 0 else None)
    if basis is None:
        status = "unknown"
        text = {
            "nl": "Geen geplande of gerealiseerde uren in deze periode.",
            "en": "No planned or realized hours in this period.",
        }[lang]
    else:
        ok = a["own"][basis] >= Fraction(cfg.norm.fraction) * a["avail"][basis]
        status = "meets" if ok else "below"
        other = "planned" if basis == "realized" else "realized"
        reading = {
            "in": {"nl": "in de eigen wijk", "en": "in the own wijk"},
            "in_of_voor": {"nl": "in of voor de eigen wijk", "en": "in or for the own wijk"},
        }[cfg.norm.reading]
        main = f(row[f"share_{basis}"], "share")
        weeks = a["weeks"][basis]
        also = ""
        if not math.isnan(row[f"share_{other}"]):
            also = f" ({T.title(other, lang)}: {f(row[f'share_{other}'], 'share')})"
        text = {
            "nl": f"{T.title(basis, 'nl').capitalize()} werkten de wijkagenten {main} van hun beschikbare uren "
            f"{reading['nl']}{also}, over {weeks} {'week' if weeks == 1 else 'weken'}; de norm is {norm}. "
            + ("Dat voldoet." if ok else "Dat is onder de norm."),
            "en": f"{T.title(basis, 'en').capitalize()}, the wijkagenten spent {main} of their available hours "
            f"{reading['en']}{also}, over {weeks} week{'' if weeks == 1 else 's'}; the norm is {norm}. "
            + ("That meets the norm." if ok else "That is below the norm."),
        }[lang]
    out.append({"subject": subject, "indicator": "own_share", "status": status, "text": text})
    # 2. Officers per 5,000 inhabitants: information, never a breach.
    if math.isnan(row["fte_per_5000"]):
        text = {
            "nl": f"{f(row['fte'], 'ratio')} fte wijkagent; het inwonertal is (deels) onbekend, dus geen "
            "verhouding per 5.000 inwoners.",
            "en": f"{f(row['fte'], 'ratio')} fte wijkagent; the population is (partly) unknown, so no ratio "
            "per 5,000 inhabitants.",
        }[lang]
    else:
        text = {
            "nl": f"{f(row['fte_per_5000'], 'ratio')} fte wijkagent per 5.000 inwoners "
            f"({f(row['fte'], 'ratio')} fte, {f(row['inwoners'], 'count')} inwoners). De Politiewet "
            "(art. 38a) vraagt ten minste één wijkagent per 5.000 inwoners landelijk en per eenheid; "
            "per gemeente is dit informatie, geen overtreding.",
            "en": f"{f(row['fte_per_5000'], 'ratio')} fte wijkagent per 5,000 inhabitants "
            f"({f(row['fte'], 'ratio')} fte, {f(row['inwoners'], 'count')} inhabitants). The Police Act "
            "(art. 38a) asks for at least one wijkagent per 5,000 inhabitants nationally and per unit; "
            "per municipality this is information, not a breach.",
        }[lang]
    out.append({"subject": subject, "indicator": "per_5000", "status": "info", "text": text})
    # 3. Presence per 1,000 inhabitants.
    pr, pp = row["presence_per_1000_realized"], row["presence_per_1000_planned"]
    if math.isnan(pr) and math.isnan(pp):
        text = {
            "nl": "Geen wijkpresentie per 1.000 inwoners te berekenen (geen uren of inwonertal onbekend).",
            "en": "No wijk presence per 1,000 inhabitants to compute (no hours or population unknown).",
        }[lang]
    else:
        text = {
            "nl": f"Per week {f(pr, 'ratio')} uur wijkpresentie per 1.000 inwoners gerealiseerd "
            f"(gepland {f(pp, 'ratio')}).",
            "en": f"Per week {f(pr, 'ratio')} hours of wijk presence per 1,000 inhabitants realized "
            f"(planned {f(pp, 'ratio')}).",
        }[lang]
    out.append({"subject": subject, "indicator": "presence", "status": "info", "text": text})
    # 4. Hours pulled away.
    mine = [r for r in away_rows if r["gemeente_code"] == code and not r["counts_for_norm"]]
    key = "realized" if basis == "realized" else "planned"
    mine = [r for r in mine if not math.isnan(r[f"hours_{key}"])]
    if mine and basis:
        top = max(mine, key=lambda r: (r[f"hours_{key}"], r["reason"]))
        total = sum(r[f"share_of_available_{key}"] for r in mine if not math.isnan(r[f"share_of_available_{key}"]))
        b_text = T.title(key, lang)
        text = {
            "nl": f"{f(total, 'share')} van de beschikbare uren ging ({b_text}) naar werk buiten de eigen wijk; "
            f"het meest naar {f(top['reason'], 'reason')} ({f(top[f'hours_{key}'], 'hours')} uur).",
            "en": f"{f(total, 'share')} of the available hours went ({b_text}) to work outside the own wijk; "
            f"most to {f(top['reason'], 'reason')} ({f(top[f'hours_{key}'], 'hours')} hours).",
        }[lang]
        out.append({"subject": subject, "indicator": "away", "status": "info", "text": text})

    # 5. Trend over the weeks with a share.
    def series_of(b: str) -> list[dict[str, Any]]:
        return [r for r in trend_rows if r["gemeente_code"] == code and not math.isnan(r[f"share_{b}"])]

    key = "realized" if len(series_of("realized")) >= 2 else "planned"
    key_col = f"share_{key}"
    series = series_of(key)
    if len(series) >= 2:
        a0, a1 = series[0], series[-1]
        d = a1[key_col] - a0[key_col]
        word = (
            {"nl": "steeg", "en": "rose"}
            if d > 0.0005
            else {"nl": "daalde", "en": "fell"}
            if d < -0.0005
            else {"nl": "bleef gelijk", "en": "stayed level"}
        )[lang]
        text = {
            "nl": f"Het aandeel eigen wijk ({T.title(key, lang)}) {word}: van {f(a0[key_col], 'share')} in "
            f"{a0['week']} naar {f(a1[key_col], 'share')} in {a1['week']}.",
            "en": f"The own-wijk share ({T.title(key, lang)}) {word}: from {f(a0[key_col], 'share')} in "
            f"{a0['week']} to {f(a1[key_col], 'share')} in {a1['week']}.",
        }[lang]
        out.append({"subject": subject, "indicator": "trend", "status": "info", "text": text})
    return out


# ----------------------------------------------------------------------------------------------------------
# Internal: officers


def _officer_tables(
    ds: Dataset,
    officers: list[dict[str, Any]],
    ow: dict[tuple[str, dt.date], dict[str, Any]],
    mondays: list[dt.date],
    chosen: set[str],
    cfg: Config,
    lang: str,
    verdicts: list[dict[str, Any]],
) -> tuple[list[dict], list[dict], list[tuple]]:
    gm_of = dict(zip(ds.wijken["wijk_code"].astype(str), ds.wijken["gemeente_code"].astype(str), strict=True))
    off_rows, week_rows, checked = [], [], []
    need = cfg.norm.fraction
    for o in officers:
        if not any(gm_of.get(w) in chosen for w in o["wijken"]):
            continue
        oid = o["officer_id"]
        tot = {b: [0, 0, 0, 0] for b in BASES}  # own, avail, weeks, weeks below
        for m in mondays:
            rec = ow[(oid, m)]
            row: dict[str, Any] = {
                "officer_id": oid,
                "name": o["name"],
                "week": week_label(m),
                "contract_h": round(o["contract_hours"], 1),
                "leave_h": _h(rec["leave"]),
                "available_h": _h(rec["avail"]),
            }
            for b in BASES:
                r = rec[b]
                if r["known"]:
                    below = rec["avail"] > 0 and r["own"] < norm_required_minutes(rec["avail"], need)
                    row |= {
                        f"worked_h_{b}": _h(r["worked"]),
                        f"own_h_{b}": _h(r["own"]),
                        f"share_{b}": _share(r["own"], rec["avail"]),
                        f"below_{b}": below,
                    }
                    t = tot[b]
                    t[0] += r["own"]
                    t[1] += rec["avail"]
                    t[2] += 1
                    t[3] += int(below)
                else:
                    row |= {
                        f"worked_h_{b}": math.nan,
                        f"own_h_{b}": math.nan,
                        f"share_{b}": math.nan,
                        f"below_{b}": None,
                    }
            basis = "realized" if rec["realized"]["known"] else ("planned" if rec["planned"]["known"] else "")
            cats = rec[basis]["cat"] if basis else {}
            for reason in AWAY_REASONS:
                row[f"{reason}_h"] = _h(cats.get(reason, 0)) if basis else math.nan
            row["basis"] = T.title(basis, lang) if basis else ""
            row["why"] = _why(rec, basis, cats, lang) if basis and row.get(f"below_{basis}") else ""
            week_rows.append(row)
        prow: dict[str, Any] = {
            "officer_id": oid,
            "name": o["name"],
            "wijken": " | ".join(o["wijken"]),
            "team": o["team"],
            "contract_h": round(o["contract_hours"], 1),
        }
        for b in BASES:
            own, avail, weeks, below = tot[b]
            prow |= {
                f"available_h_{b}": _h(avail) if weeks else math.nan,
                f"own_h_{b}": _h(own) if weeks else math.nan,
                f"share_{b}": _share(own, avail),
                f"weeks_{b}": weeks,
                f"weeks_below_{b}": below,
            }
            checked.append((oid, b, Fraction(own), Fraction(avail)))
        off_rows.append(prow)
        basis = "realized" if tot["realized"][2] else ("planned" if tot["planned"][2] else "")
        if basis:
            own, avail, weeks, below = tot[basis]
            status = "meets" if avail == 0 or Fraction(own) >= need * avail else "below"
            text = {
                "nl": f"{o['name']}: {T.fmt(_share(own, avail), 'share', lang)} eigen wijk "
                f"({T.title(basis, lang)}); {below} van {weeks} weken onder de norm.",
                "en": f"{o['name']}: {T.fmt(_share(own, avail), 'share', lang)} own wijk "
                f"({T.title(basis, lang)}); {below} of {weeks} weeks below the norm.",
            }[lang]
            verdicts.append({"subject": oid, "indicator": "officer", "status": status, "text": text})
    return off_rows, week_rows, checked


def _why(rec: dict[str, Any], basis: str, cats: dict[str, int], lang: str) -> str:
    """Why a week is below the norm: leave and the largest claims on the officer's hours."""
    parts = []
    if rec["leave"]:
        parts.append(({"nl": "verlof/ziek", "en": "leave/sick"}[lang], rec["leave"]))
    for reason in AWAY_REASONS:
        if cats.get(reason) and reason != "voor_wijk":
            parts.append((T.fmt(reason, "reason", lang), cats[reason]))
    short = rec["avail"] - rec[basis]["worked"]
    if short > 0:
        parts.append(({"nl": "niet ingeroosterd", "en": "not rostered"}[lang], short))
    parts.sort(key=lambda p: -p[1])
    unit = "u" if lang == "nl" else "h"
    return ", ".join(f"{name} {T.fmt(m / 60, 'hours', lang)} {unit}" for name, m in parts)


# ----------------------------------------------------------------------------------------------------------
# Inputs


def _display_groups(
    ds: Dataset, chosen: list[tuple[str, str]], k: int, lang: str
) -> tuple[list[tuple[str, str, tuple[str, ...]]], list[tuple[str, str, str, tuple[str, ...]]], list[tuple[str, str]]]:
    """What the report shows: gemeente rows (code or pool key, name, member gemeenten), wijk rows (code or pool
    key, name, gemeente, member wijken) and the chosen gemeenten whose figures are withheld
    (``planner.privacy``; ``k`` = 1 shows every gemeente and wijk on its own)."""
    from planner.privacy import ALONE, POOLED, dataset_groups

    chosen_codes = [c for c, _ in chosen]
    names = dict(chosen)
    wijken = ds.wijken[ds.wijken["gemeente_code"].isin(chosen_codes)]
    wijk_list = [(str(c), _txt(n), str(g)) for c, n, g in
                 zip(wijken["wijk_code"], wijken["wijk_naam"], wijken["gemeente_code"], strict=True)]
    if k <= 1:
        return ([(c, n, (c,)) for c, n in chosen], [(c, n, g, (c,)) for c, n, g in wijk_list], [])
    gm_groups, wijk_groups = dataset_groups(ds, k)
    gm_out: list[tuple[str, str, tuple[str, ...]]] = []
    withheld: list[tuple[str, str]] = []
    for c, n in chosen:
        g = gm_groups[c]
        if g.kind == ALONE:
            gm_out.append((c, n, (c,)))
        elif g.kind == POOLED:
            if all(key != g.key for key, _, _ in gm_out):
                gm_out.append((g.key, T.title("other_gemeenten", lang), g.members))
        else:
            withheld.append((c, n))
    wijk_out: list[tuple[str, str, str, tuple[str, ...]]] = []
    for c, n, gm in wijk_list:
        wg = wijk_groups[c]
        if wg.kind == ALONE:
            wijk_out.append((c, n, gm, (c,)))
        elif wg.kind == POOLED and gm_groups[gm].kind == ALONE:
            if all(key != wg.key for key, _, _, _ in wijk_out):
                wijk_out.append((wg.key, T.title("other_wijken", lang), gm, wg.members))
        # else: a wijk of a pooled or withheld gemeente: its figures are in its gemeente's group.
    del names
    return gm_out, wijk_out, withheld


def _combined(
    acc_wijk: dict[str, dict[str, Any]], codes: list[str], mondays: list[dt.date]
) -> tuple[dict[str, Any], float, dict[str, Fraction | None]]:
    """The sums of some wijken: accumulator, inhabitants (NaN when any is unknown) and presence per week."""
    if len(codes) == 1:
        a = acc_wijk[codes[0]]
        return a, a["inwoners"], a["presence_week"]
    pops = [acc_wijk[c]["inwoners"] for c in codes]
    inwoners = math.nan if not pops or any(math.isnan(p) for p in pops) else float(sum(pops))
    a = _sum_acc([acc_wijk[c] for c in codes], mondays)
    per_week = {b: [acc_wijk[c]["presence_week"][b] for c in codes] for b in BASES}
    presence_week = {
        b: (sum((x for x in v if x is not None), Fraction(0)) if any(x is not None for x in v) else None)
        for b, v in per_week.items()
    }
    return a, inwoners, presence_week


def _chosen_gemeenten(ds: Dataset, codes: list[str] | None) -> list[tuple[str, str]]:
    gm = ds.wijken[["gemeente_code", "gemeente_naam"]].drop_duplicates("gemeente_code")
    names = {str(c): ("" if _txt(n) == str(c) else _txt(n))
             for c, n in zip(gm["gemeente_code"], gm["gemeente_naam"], strict=True)}
    if not codes:
        return sorted(names.items())
    out: list[tuple[str, str]] = []
    for c in codes:
        key = c.strip().upper()
        if key not in names:
            raise InputError(
                "--gemeente", f"'{c}' is not a gemeente of the data folder; expected one of {', '.join(sorted(names))}"
            )
        if key not in [k for k, _ in out]:
            out.append((key, names[key]))
    return out


def validated_blocks(ds: Dataset, blocks: pd.DataFrame, source: Any = None,
                     known_ids: set[str] | None = None) -> pd.DataFrame:
    """Blocks whose officer and wijk are in the data folder; otherwise a CrossFileError naming the row.

    ``source`` names the file in the message (default: each row's ``_source``, else ``blocks.attrs["source"]``);
    ``known_ids`` are officers known otherwise (from the history store's facts, after they left officers.csv).
    """
    ids = set(ds.officers["officer_id"].astype(str)) | (known_ids or set())
    wijken = set(ds.wijken["wijk_code"].astype(str))
    if blocks.empty:
        return blocks
    wijk = (blocks["wijk_code"] if "wijk_code" in blocks else pd.Series("", index=blocks.index)).map(_txt)
    fine = blocks["officer_id"].astype(str).isin(ids) & ((wijk == "") | wijk.isin(wijken))
    for r in blocks[~fine].to_dict("records"):  # only the rows to name in the message, in file order
        src = source or r.get("_source") or blocks.attrs.get("source") or "roster"
        row = r.get("_row")
        row = int(row) if row is not None and not pd.isna(row) else None
        if str(r["officer_id"]) not in ids:
            raise CrossFileError(
                src, f"officer '{r['officer_id']}' is not in officers.csv", row=row, column="officer_id"
            )
        w = _txt(r.get("wijk_code"))
        if w and w not in wijken:
            raise CrossFileError(src, f"wijk '{w}' is not in the wijken file", row=row, column="wijk_code")
    return blocks


def _in_period(blocks: pd.DataFrame, first: dt.date, end: dt.date) -> pd.DataFrame:
    if blocks is None or len(blocks) == 0:
        return pd.DataFrame(columns=["officer_id", "date", "start", "end", "activity", "wijk_code", "shift", "task"])
    keep = [first <= as_date(d) < end for d in blocks["date"]]
    return blocks[keep].reset_index(drop=True)


# ----------------------------------------------------------------------------------------------------------
# Small helpers


def _share(own: Fraction | int, avail: Fraction | int) -> float:
    """own / avail rounded down to 0.001 (NaN when nothing is available)."""
    if not avail:
        return math.nan
    return float((Fraction(own) * 1000) // Fraction(avail)) / 1000


def _h(minutes: Fraction | int) -> float:
    return round(float(minutes) / 60, 1)


def _hours_or_nan(minutes: Fraction | int, weeks: int) -> float:
    return _h(minutes) if weeks else math.nan


def _num(value: Any) -> float:
    try:
        return float(value) if value is not None and not pd.isna(value) else math.nan
    except (TypeError, ValueError):
        return math.nan


def _txt(value: Any) -> str:
    if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
        return ""
    return str(value)


def _monday(value: Any) -> dt.date:
    d = as_date(value)
    return d - dt.timedelta(days=d.weekday())
