"""Where a report's hours come from: roster CSV files given on the command line, or the history store;
and the two writes into the store, ``publish`` (an output folder) and ``import_realized`` (a CSV)."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from pathlib import Path
from typing import Any

import pandas as pd

from planner.config import Config
from planner.dataset import Dataset
from planner.errors import InputError
from planner.report.figures import Source, validated_blocks
from planner.roster_io import empty_roster, read_roster
from planner.store import ImportBatch, PublishedVersion, default_store_path, open_store
from planner.timeutil import parse_period, week_label

ROSTER = "roster.csv"
SUMMARY = "summary.json"


def read_roster_file(path: Path, cfg: Config, ds: Dataset | None) -> pd.DataFrame:
    """A roster (planned or realized) checked against the data folder: known officers and wijken."""
    path = Path(path)
    if not path.is_file():
        raise InputError(path, "does not exist; expected a roster CSV (officer_id,date,start,end,activity,wijk_code)")
    blocks = read_roster(path, cfg.tz, set(cfg.activities))
    blocks["_source"] = path.name
    blocks.attrs["source"] = str(path)
    if ds is not None:
        validated_blocks(ds, blocks, source=path)
    return blocks


def _latest_file_wins(frames: list[pd.DataFrame]) -> pd.DataFrame:
    """Several rosters as one: for the same officer and ISO week, the file given last wins."""
    parts = [f.assign(_src=i) for i, f in enumerate(frames) if len(f)]
    if not parts:
        return empty_roster()
    allb = pd.concat(parts, ignore_index=True)
    allb["_week"] = [week_label(d - dt.timedelta(days=d.weekday())) for d in allb["date"]]
    latest = allb.groupby(["officer_id", "_week"])["_src"].transform("max")
    return allb[allb["_src"] == latest].drop(columns=["_week", "_src"]).reset_index(drop=True)


def _describe_file(path: Path, index: int, kind: str, names: bool) -> str:
    digest = hashlib.sha256(Path(path).read_bytes()).hexdigest()[:12]
    return f"{Path(path).name} (sha256 {digest})" if names else f"{kind} {index} (sha256 {digest})"


def load_sources(ds: Dataset, period: str, roster_files: list[Path], realized_files: list[Path],
                 store_path: Path | None, *, names: bool) -> tuple[Source, Source]:
    """Planned and realized hours for ``period``: from the files when given, else from the store.

    ``names``: describe files by name (internal report) or by number and hash only (municipal report, where a
    file name could hold a person's name).
    """
    cfg = ds.config
    try:
        first, end = parse_period(period)
    except ValueError as exc:
        raise InputError("--period", str(exc)) from None
    weeks = [week_label(first + dt.timedelta(weeks=i)) for i in range((end - first).days // 7)]
    planned = realized = None
    if roster_files:
        planned = Source(_latest_file_wins([read_roster_file(p, cfg, ds) for p in roster_files]),
                         [_describe_file(p, i, "roster", names) for i, p in enumerate(roster_files, 1)])
    if realized_files:
        realized = Source(_latest_file_wins([read_roster_file(p, cfg, ds) for p in realized_files]),
                          [_describe_file(p, i, "realized", names) for i, p in enumerate(realized_files, 1)])
    if planned is None or realized is None:
        path = Path(store_path) if store_path else default_store_path(ds.root)
        if path.exists() or store_path is not None:
            with open_store(path, create=False) as st:
                facts = st.officer_facts(weeks)
                if planned is None:
                    blocks, used = st.latest_published(weeks, cfg.tz)
                    planned = Source(blocks, [f"{w} v{v}" for w, v in sorted(used.items())], facts)
                if realized is None:
                    blocks, batches = st.realized(weeks, cfg.tz)
                    realized = Source(blocks, [f"{w} import {', '.join(map(str, b))}" for w, b in
                                               sorted(batches.items())], facts)
        elif planned is None and realized is None:
            raise InputError(path, "does not exist and no --roster or --realized was given; publish a roster first "
                             "(planner publish) or name the files")
    return planned or Source(empty_roster()), realized or Source(empty_roster())


# ----------------------------------------------------------------------------------------------------------
# Writing into the store


def officer_facts(ds: Dataset, weeks: dict[str, set[str] | None]) -> pd.DataFrame:
    """What a report needs of each officer in each week, as the data folder says now (``store.FACT_COLUMNS``):
    wijken, contract hours, team, name and the week's leave minutes. ``weeks`` maps a week to the officer ids to
    describe (None: every officer of the data folder)."""
    from planner.hours import leave_minutes
    from planner.store import FACT_COLUMNS
    from planner.timeutil import parse_week

    rows = []
    mondays = [parse_week(w) for w in weeks]
    if mondays:  # leave includes the public holidays of these weeks (mode day_off)
        ds = ds.with_holidays(min(mondays), max(mondays) + dt.timedelta(days=7))
    for week, ids in weeks.items():
        monday = parse_week(week)
        for o in ds.officers.to_dict("records"):
            oid = str(o["officer_id"])
            if ids is not None and oid not in ids:
                continue
            hours = float(o["contract_hours"])
            rows.append({"week": week, "officer_id": oid, "name": str(o["name"]), "wijken": tuple(o["wijken"]),
                         "contract_hours": hours, "team": str(o["team"]),
                         "leave_minutes": int(leave_minutes(ds.absences_of(oid), oid, hours, monday, ds.config))})
    return pd.DataFrame(rows, columns=FACT_COLUMNS)


def publish(out_dir: Path, store_path: Path, ds: Dataset | None) -> tuple[list[PublishedVersion], list[str]]:
    """Store OUT_DIR/roster.csv as a new version of each ISO week it holds; returns the versions and warnings.

    A week roster gives one version; a period roster (``planner roster --weeks N``) gives one version of each of
    its weeks, all in one transaction (every week or none). The week or period comes from OUT_DIR/summary.json
    (``week``: ``2027-W03`` or ``2027-W03..2027-W06``) when present, and must be what the roster holds; without
    it, from the roster's dates. Input hashes come from summary.json (``inputs``), else from the data folder.
    """
    out_dir = Path(out_dir)
    if not out_dir.is_dir():
        raise InputError(out_dir, "is not a folder; expected the output folder of planner roster")
    from planner.atomic import settle_for_reading

    settle_for_reading(out_dir)  # a run killed while moving its outputs into place: finish that set first
    path = out_dir / ROSTER
    if not path.is_file():
        raise InputError(path, "does not exist; a week without a roster cannot be published")
    summary: dict[str, Any] = {}
    spath = out_dir / SUMMARY
    if spath.is_file():
        try:
            summary = json.loads(spath.read_text(encoding="utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise InputError(spath, f"is not valid JSON ({exc})") from None
        if not isinstance(summary, dict):
            raise InputError(spath, "expected a JSON object with 'week' and 'inputs'")
    cfg = ds.config if ds is not None else Config()
    blocks = read_roster_file(path, cfg, ds)
    if blocks.empty:
        raise InputError(path, "holds no blocks; nothing to publish")
    week_of = [week_label(d - dt.timedelta(days=d.weekday())) for d in blocks["date"]]
    held = sorted(set(week_of))
    label = summary.get("week")
    if label is not None and not isinstance(label, str):
        raise InputError(spath, f"'week' is {label!r}; expected text like 2027-W03", column="week")
    if label:
        try:
            first, end = parse_period(label)
        except ValueError as exc:
            raise InputError(spath, f"'week' is {label!r}: {exc}", column="week") from None
        said = [week_label(first + dt.timedelta(weeks=k)) for k in range((end - first).days // 7)]
        if held != said:
            raise InputError(path, f"holds week(s) {', '.join(held)} but summary.json says {label}", column="date")
    inputs = summary.get("inputs") or {}
    if not isinstance(inputs, dict):
        raise InputError(spath, "'inputs' is not an object of file: sha256", column="inputs")
    warnings = []
    if ds is None:
        warnings.append("published without --data: officer facts are not stored, so a report over this week "
                        "needs every officer in officers.csv")
    if ds is not None:
        if not inputs:
            inputs = dict(ds.files)
        else:
            changed = sorted(k for k in set(inputs) | set(ds.files) if inputs.get(k) != ds.files.get(k))
            if changed:
                warnings.append(f"the data folder differs from the roster's inputs ({', '.join(changed)}); "
                                "published with the roster's input hashes")
    text = path.read_bytes().decode("utf-8-sig")
    mask = pd.Series(week_of, index=blocks.index)
    # one week: the file exactly as it is; a period: each week's rows in the roster.csv contract
    texts = {held[0]: text} if len(held) == 1 else _week_texts(blocks, held, mask)
    facts = officer_facts(ds, dict.fromkeys(held)) if ds is not None else None
    per_week = []
    for week in held:
        week_facts = None if facts is None else facts[facts["week"] == week]
        per_week.append((blocks[mask == week], texts[week], week, week_facts))
    with open_store(store_path) as st:
        versions = st.publish_weeks(per_week, {str(k): str(v) for k, v in inputs.items()}, str(out_dir))
    return versions, warnings


def _week_texts(blocks: pd.DataFrame, weeks: list[str], week_of: pd.Series) -> dict[str, str]:
    """The roster text of each ISO week of a period roster, in the roster.csv contract as planner writes it."""
    from planner.roster_io import roster_to_csv_text

    cols = [c for c in blocks.columns if not str(c).startswith("_")]
    return {w: roster_to_csv_text(blocks.loc[week_of == w, cols]) for w in weeks}


def import_realized(file: Path, store_path: Path, ds: Dataset) -> ImportBatch:
    """Add realized hours (roster format) to the store as a new import batch."""
    blocks = read_roster_file(file, ds.config, ds)
    if blocks.empty:
        raise InputError(file, "holds no blocks; nothing to import")
    digest = hashlib.sha256(Path(file).read_bytes()).hexdigest()
    held: dict[str, set[str] | None] = {}
    for oid, d in zip(blocks["officer_id"].astype(str), blocks["date"], strict=True):
        ids = held.setdefault(week_label(d - dt.timedelta(days=d.weekday())), set())
        assert ids is not None
        ids.add(oid)
    with open_store(store_path) as st:
        return st.import_realized(blocks, digest, Path(file).name, dict(ds.files), officer_facts(ds, held))
