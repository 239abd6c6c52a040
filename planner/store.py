"""The history store: published roster versions and imported realized hours in one embedded SQLite file.

One file (default ``planner.sqlite`` in the data folder) in WAL mode. Every write is one transaction
(``BEGIN IMMEDIATE`` ... ``COMMIT``), so a process killed mid-write leaves the store as it was before that
write: a version or an import batch is stored whole or not at all. Nothing is ever overwritten: publishing a
week again adds version n + 1; importing realized hours again adds a new batch.

Reading:

- planned hours of a week are those of its **latest published version**;
- realized hours are read **per officer and week, latest import wins**: for each officer and ISO week the
  blocks come from the most recent import batch that holds blocks of that officer in that week. A
  correction file for one officer therefore replaces only that officer's week, and a partial import
  (one team) does not erase the other teams' realized hours;
- officer facts (``officer_facts``: wijken, contract hours, team, name and the week's leave minutes, as the
  data folder said when the week was published or imported) are read like the blocks: those of the latest
  published version of a week, else of the latest import holding that officer's week. A report over the past
  takes an officer who has since left officers.csv from these facts.

Schema 1 stores (without officer facts) are upgraded to schema 2 in place when opened.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import sqlite3
import stat
from collections.abc import Iterable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pandas as pd

from planner.errors import InputError, OutputError
from planner.roster_io import ROSTER_COLUMNS, ROSTER_OPTIONAL, empty_roster
from planner.timeutil import week_label

STORE_NAME = "planner.sqlite"
SCHEMA_VERSION = 2
FACT_COLUMNS = ["week", "officer_id", "name", "wijken", "contract_hours", "team", "leave_minutes"]
_BLOCK_COLUMNS = ROSTER_COLUMNS + ROSTER_OPTIONAL  # officer_id, date, start, end, activity, wijk_code, shift, task

_SCHEMA = """
CREATE TABLE IF NOT EXISTS published (
    id INTEGER PRIMARY KEY,
    week TEXT NOT NULL,
    version INTEGER NOT NULL,
    published_at TEXT NOT NULL,
    roster_sha256 TEXT NOT NULL,
    roster_csv TEXT NOT NULL,
    inputs_json TEXT NOT NULL,
    source TEXT NOT NULL,
    n_blocks INTEGER NOT NULL,
    UNIQUE (week, version)
);
CREATE TABLE IF NOT EXISTS published_blocks (
    published_id INTEGER NOT NULL REFERENCES published(id),
    officer_id TEXT NOT NULL, date TEXT NOT NULL, start TEXT NOT NULL, "end" TEXT NOT NULL,
    activity TEXT NOT NULL, wijk_code TEXT NOT NULL, shift TEXT NOT NULL, task TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS published_blocks_pid ON published_blocks(published_id);
CREATE TABLE IF NOT EXISTS imports (
    id INTEGER PRIMARY KEY,
    imported_at TEXT NOT NULL,
    source TEXT NOT NULL,
    file_sha256 TEXT NOT NULL,
    weeks_json TEXT NOT NULL,
    inputs_json TEXT NOT NULL,
    n_blocks INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS realized_blocks (
    import_id INTEGER NOT NULL REFERENCES imports(id),
    week TEXT NOT NULL,
    officer_id TEXT NOT NULL, date TEXT NOT NULL, start TEXT NOT NULL, "end" TEXT NOT NULL,
    activity TEXT NOT NULL, wijk_code TEXT NOT NULL, shift TEXT NOT NULL, task TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS realized_blocks_week ON realized_blocks(week, officer_id, import_id);
""" + """
CREATE TABLE IF NOT EXISTS officer_facts (
    published_id INTEGER REFERENCES published(id),
    import_id INTEGER REFERENCES imports(id),
    week TEXT NOT NULL,
    officer_id TEXT NOT NULL, name TEXT NOT NULL, wijken TEXT NOT NULL, contract_hours REAL NOT NULL,
    team TEXT NOT NULL, leave_minutes INTEGER NOT NULL,
    CHECK ((published_id IS NULL) <> (import_id IS NULL))
);
CREATE INDEX IF NOT EXISTS officer_facts_week ON officer_facts(week, officer_id);
"""
#: What schema 1 lacks (applied to an existing store in one transaction).
_MIGRATE_1_TO_2 = _SCHEMA[_SCHEMA.index("CREATE TABLE IF NOT EXISTS officer_facts"):]


@dataclass(frozen=True)
class PublishedVersion:
    """One published roster version of a week."""

    week: str
    version: int
    published_at: str
    roster_sha256: str
    inputs: dict[str, str]
    source: str
    n_blocks: int


@dataclass(frozen=True)
class ImportBatch:
    """One import of realized hours."""

    batch: int
    imported_at: str
    source: str
    file_sha256: str
    weeks: tuple[str, ...]
    n_blocks: int


def default_store_path(data_dir: Path) -> Path:
    """``planner.sqlite`` inside the data folder."""
    return Path(data_dir) / STORE_NAME


def sha256_text(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


class Store:
    """The history store (open with :func:`open_store`; use as a context manager)."""

    def __init__(self, path: Path, conn: sqlite3.Connection) -> None:
        self.path = path
        self._conn = conn

    def close(self) -> None:
        self._conn.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def _write(self) -> Iterator[sqlite3.Cursor]:
        """One write transaction; the writer lock is taken at the start so version numbers cannot race.

        A full or read-only disk is an OutputError naming the store (exit 4); the transaction is rolled back, so
        the store holds what it held before.
        """
        with disk_errors(self.path):
            cur = self._conn.cursor()
            cur.execute("BEGIN IMMEDIATE")
            try:
                yield cur
                cur.execute("COMMIT")
            except BaseException:
                with suppress(sqlite3.Error):  # SQLite may already have rolled back (SQLITE_FULL, I/O error)
                    cur.execute("ROLLBACK")
                raise

    # -- writing -------------------------------------------------------------------------------------------

    def publish(self, roster: pd.DataFrame, roster_csv: str, week: str, inputs: dict[str, str],
                source: str, officers: pd.DataFrame | None = None) -> PublishedVersion:
        """Store ``roster`` as the next version of ``week`` (1, 2, ...); earlier versions stay.

        ``officers`` (``FACT_COLUMNS`` without ``week``) are the facts of every officer of the week, stored with
        the version so that a report can do without officers.csv for this week.
        """
        return self.publish_weeks([(roster, roster_csv, week, officers)], inputs, source)[0]

    def publish_weeks(self, weeks: list[tuple[pd.DataFrame, str, str, pd.DataFrame | None]],
                      inputs: dict[str, str], source: str) -> list[PublishedVersion]:
        """Store each ``(roster, roster_csv, week, officers)`` as the next version of its week, in one
        transaction: a period is published whole or not at all."""
        now = _now()
        out = []
        with self._write() as cur:
            for roster, roster_csv, week, officers in weeks:
                digest = sha256_text(roster_csv)
                rows = _block_rows(roster)
                (last,) = cur.execute("SELECT COALESCE(MAX(version), 0) FROM published WHERE week = ?",
                                      (week,)).fetchone()
                version = int(last) + 1
                cur.execute(
                    "INSERT INTO published (week, version, published_at, roster_sha256, roster_csv, inputs_json,"
                    " source, n_blocks) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                    (week, version, now, digest, roster_csv, json.dumps(inputs, sort_keys=True), source, len(rows)),
                )
                pid = cur.lastrowid
                cur.executemany(
                    'INSERT INTO published_blocks (published_id, officer_id, date, start, "end", activity,'
                    " wijk_code, shift, task) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    [(pid, *r) for r in rows],
                )
                if officers is not None and len(officers):
                    self._insert_facts(cur, "published_id", pid, officers.assign(week=week))
                out.append(PublishedVersion(week, version, now, digest, dict(inputs), source, len(rows)))
        return out

    def import_realized(self, roster: pd.DataFrame, file_sha256: str, source: str,
                        inputs: dict[str, str], officers: pd.DataFrame | None = None) -> ImportBatch:
        """Add realized hours (roster format) as a new import batch; ``officers`` (``FACT_COLUMNS``) are the
        facts of the officers and weeks it holds."""
        now = _now()
        rows = _block_rows(roster)
        weeks = [_week_of(r[1]) for r in rows]
        held = tuple(sorted(set(weeks)))
        with self._write() as cur:
            cur.execute(
                "INSERT INTO imports (imported_at, source, file_sha256, weeks_json, inputs_json, n_blocks)"
                " VALUES (?, ?, ?, ?, ?, ?)",
                (now, source, file_sha256, json.dumps(list(held)), json.dumps(inputs, sort_keys=True), len(rows)),
            )
            bid = cur.lastrowid
            cur.executemany(
                'INSERT INTO realized_blocks (import_id, week, officer_id, date, start, "end", activity, wijk_code,'
                " shift, task) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [(bid, w, *r) for w, r in zip(weeks, rows, strict=True)],
            )
            if officers is not None and len(officers):
                self._insert_facts(cur, "import_id", bid, officers)
        return ImportBatch(int(bid or 0), now, source, file_sha256, held, len(rows))

    # -- reading -------------------------------------------------------------------------------------------

    def versions(self, week: str | None = None) -> list[PublishedVersion]:
        """Every published version (of ``week``), oldest first."""
        sql = ("SELECT week, version, published_at, roster_sha256, inputs_json, source, n_blocks FROM published"
               + (" WHERE week = ?" if week else "") + " ORDER BY week, version")
        return [PublishedVersion(w, v, at, sha, json.loads(inp), src, n)
                for w, v, at, sha, inp, src, n in self._conn.execute(sql, (week,) if week else ())]

    def imports(self) -> list[ImportBatch]:
        """Every import batch, oldest first."""
        return [ImportBatch(i, at, src, sha, tuple(json.loads(wk)), n) for i, at, src, sha, wk, n in
                self._conn.execute("SELECT id, imported_at, source, file_sha256, weeks_json, n_blocks FROM imports"
                                   " ORDER BY id")]

    def published_csv(self, week: str, version: int | None = None) -> str | None:
        """The roster.csv text of a published version (default the latest), exactly as published."""
        row = self._conn.execute(
            "SELECT roster_csv FROM published WHERE week = ? " + ("AND version = ?" if version else "")
            + " ORDER BY version DESC LIMIT 1", (week, version) if version else (week,)).fetchone()
        return row[0] if row else None

    def latest_published(self, weeks: Iterable[str], tz: ZoneInfo) -> tuple[pd.DataFrame, dict[str, int]]:
        """Blocks of the latest published version of each week, and {week: version} for the weeks found."""
        frames, used = [], {}
        for week in weeks:
            row = self._conn.execute("SELECT id, version FROM published WHERE week = ? ORDER BY version DESC LIMIT 1",
                                     (week,)).fetchone()
            if row is None:
                continue
            used[week] = int(row[1])
            frames.append(self._blocks(
                'SELECT officer_id, date, start, "end", activity, wijk_code, shift, task FROM published_blocks'
                " WHERE published_id = ? ORDER BY rowid", (row[0],), tz))
        return _concat(frames), used

    def realized(self, weeks: Iterable[str], tz: ZoneInfo) -> tuple[pd.DataFrame, dict[str, list[int]]]:
        """Realized blocks of ``weeks`` (per officer and week the latest import wins), and {week: batches}."""
        frames, used = [], {}
        for week in weeks:
            latest = self._conn.execute(
                "SELECT officer_id, MAX(import_id) FROM realized_blocks WHERE week = ? GROUP BY officer_id",
                (week,)).fetchall()
            if not latest:
                continue
            used[week] = sorted({int(b) for _, b in latest})
            for oid, batch in latest:
                frames.append(self._blocks(
                    'SELECT officer_id, date, start, "end", activity, wijk_code, shift, task FROM realized_blocks'
                    " WHERE week = ? AND officer_id = ? AND import_id = ? ORDER BY rowid", (week, oid, batch), tz))
        return _concat(frames), used

    @staticmethod
    def _insert_facts(cur: sqlite3.Cursor, key: str, ref: int | None, officers: pd.DataFrame) -> None:
        cur.executemany(
            f"INSERT INTO officer_facts ({key}, week, officer_id, name, wijken, contract_hours, team, leave_minutes)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            [(ref, str(r["week"]), str(r["officer_id"]), _text(r["name"]), "|".join(r["wijken"]),
              float(r["contract_hours"]), _text(r["team"]), int(r["leave_minutes"]))
             for r in officers.to_dict("records")],
        )

    def officer_facts(self, weeks: Iterable[str]) -> pd.DataFrame:
        """Facts (``FACT_COLUMNS``, ``wijken`` a tuple) per officer and week: of the latest published version of
        the week, else of the latest import batch that holds the officer's week."""
        rows: dict[tuple[str, str], tuple[Any, ...]] = {}
        for week in weeks:
            pub = self._conn.execute(
                "SELECT f.officer_id, f.name, f.wijken, f.contract_hours, f.team, f.leave_minutes FROM officer_facts f"
                " WHERE f.published_id = (SELECT id FROM published WHERE week = ? ORDER BY version DESC LIMIT 1)"
                " ORDER BY f.rowid", (week,)).fetchall()
            for oid, *rest in pub:
                rows[(week, oid)] = (week, oid, *rest)
            imp = self._conn.execute(
                "SELECT officer_id, name, wijken, contract_hours, team, leave_minutes FROM officer_facts"
                " WHERE week = ? AND import_id IS NOT NULL ORDER BY import_id, rowid", (week,)).fetchall()
            latest: dict[str, tuple[Any, ...]] = {}
            for oid, *rest in imp:
                latest[oid] = (week, oid, *rest)  # a later import wins
            for oid, fact in latest.items():
                rows.setdefault((week, oid), fact)
        out = pd.DataFrame(list(rows.values()), columns=FACT_COLUMNS)
        out["wijken"] = [tuple(w for w in str(x).split("|") if w) for x in out["wijken"]]
        return out

    def _blocks(self, sql: str, params: tuple[Any, ...], tz: ZoneInfo) -> pd.DataFrame:
        rows = self._conn.execute(sql, params).fetchall()
        return pd.DataFrame([
            {"officer_id": o, "date": dt.date.fromisoformat(d), "start": dt.datetime.fromisoformat(s).astimezone(tz),
             "end": dt.datetime.fromisoformat(e).astimezone(tz), "activity": a, "wijk_code": w, "shift": sh,
             "task": t}
            for o, d, s, e, a, w, sh, t in rows
        ], columns=_BLOCK_COLUMNS)


def open_store(path: Path, *, create: bool = True) -> Store:
    """Open (or create) the store at ``path`` in WAL mode; a file that is not a store is an InputError."""
    path = Path(path)
    if not path.exists():
        if not create:
            raise InputError(path, "does not exist; publish a roster first (planner publish) or give --store")
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            from planner.atomic import output_error

            raise output_error(path.parent, exc) from None
    elif path.is_dir():
        raise InputError(path, "is a folder; expected the store file (e.g. planner.sqlite)")
    elif not stat.S_ISREG(path.stat().st_mode):
        raise InputError(path, "is not a regular file; expected the store file (e.g. planner.sqlite)")
    try:
        conn = sqlite3.connect(path, isolation_level=None, timeout=30)
    except sqlite3.Error as exc:
        raise _disk_error(path, exc) from None
    try:
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA synchronous=FULL")
        conn.execute("PRAGMA foreign_keys=ON")
        (user_version,) = conn.execute("PRAGMA user_version").fetchone()
        if user_version > SCHEMA_VERSION:
            raise InputError(path, f"is a store of schema {user_version}; this planner reads up to {SCHEMA_VERSION}")
        if user_version == 0:
            tables = conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'").fetchall()
            if tables:
                raise InputError(path, "is an SQLite file but not a planner store")
            # One transaction: another process sees no schema or all of it, never half.
            conn.executescript(f"BEGIN IMMEDIATE;\n{_SCHEMA}\nPRAGMA user_version = {SCHEMA_VERSION};\nCOMMIT;")
        elif user_version == 1:
            # Add the officer facts to a schema-1 store; idempotent, so two processes upgrading at once agree.
            conn.executescript(f"BEGIN IMMEDIATE;\n{_MIGRATE_1_TO_2}\nPRAGMA user_version = 2;\nCOMMIT;")
    except sqlite3.DatabaseError as exc:
        conn.close()
        if isinstance(exc, sqlite3.OperationalError) and "locked" in str(exc):
            raise InputError(path, "is locked by another planner process; try again") from None
        if _is_disk_error(exc):
            raise _disk_error(path, exc) from None
        raise InputError(path, f"is not a planner store ({exc})") from None
    except BaseException:
        conn.close()
        raise
    return Store(path, conn)


#: SQLite's words for a disk that cannot take a write (full, read-only, failing, or a file it may not create).
_DISK_WORDS = ("disk is full", "readonly", "read-only", "disk i/o error", "unable to open database file",
               "file too large")


def _is_disk_error(exc: sqlite3.Error) -> bool:
    return isinstance(exc, sqlite3.OperationalError) and any(w in str(exc).lower() for w in _DISK_WORDS)


def _disk_error(path: Path, exc: sqlite3.Error) -> OutputError:
    return OutputError(f"{path}: the store cannot be written ({exc}); it holds what it held before this command "
                       "(free disk space or make the folder writable, then run the command again)")


@contextmanager
def disk_errors(path: Path) -> Iterator[None]:
    """Turn SQLite's disk errors (full, read-only, I/O) into an OutputError naming the store (exit 4)."""
    try:
        yield
    except sqlite3.Error as exc:
        if _is_disk_error(exc):
            raise _disk_error(path, exc) from None
        raise


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


def _week_of(date_iso: str) -> str:
    d = dt.date.fromisoformat(date_iso)
    return week_label(d - dt.timedelta(days=d.weekday()))


def _text(value: Any) -> str:
    if value is None or (isinstance(value, float) and value != value):
        return ""
    try:
        if pd.isna(value):
            return ""
    except (TypeError, ValueError):
        pass
    return str(value)


def _block_rows(roster: pd.DataFrame) -> list[tuple[str, ...]]:
    out: list[tuple[str, ...]] = []
    for r in roster.to_dict("records"):
        out.append((
            str(r["officer_id"]),
            r["date"].isoformat(),
            r["start"].isoformat(timespec="minutes"),
            r["end"].isoformat(timespec="minutes"),
            str(r["activity"]),
            _text(r.get("wijk_code")),
            _text(r.get("shift")),
            _text(r.get("task")),
        ))
    return out


def _concat(frames: list[pd.DataFrame]) -> pd.DataFrame:
    frames = [f for f in frames if len(f)]
    if not frames:
        return empty_roster()
    return pd.concat(frames, ignore_index=True)
