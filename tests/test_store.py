"""The history store: versions are never overwritten, latest version / latest import wins, a SIGKILL mid-write
leaves the store intact."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from planner.config import Config
from planner.dataset import load_dataset
from planner.errors import InputError
from planner.report.sources import import_realized, publish, read_roster_file
from planner.store import open_store, sha256_text
from tests._report_helpers import HEADER, PLANNED_W03, PLANNED_W04, REALIZED_W03, make_data, make_out_dir, write

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def ds(tmp_path: Path):
    return load_dataset(make_data(tmp_path / "data"))


def test_publishing_the_same_week_twice_keeps_both_versions(ds, tmp_path: Path) -> None:
    store = tmp_path / "data" / "planner.sqlite"
    out = make_out_dir(tmp_path / "out", PLANNED_W03, "2027-W03", {"officers.csv": ds.files["officers.csv"]})
    [v1], _ = publish(out, store, ds)
    # The second run changes one block: Friday noodhulp becomes wijk.
    (out / "roster.csv").write_text(PLANNED_W03.replace("12:00+01:00,noodhulp,,,noodhulp",
                                                        "12:00+01:00,wijk,WK000101,,"))
    [v2], _ = publish(out, store, ds)
    assert (v1.week, v1.version, v2.version) == ("2027-W03", 1, 2)
    assert v1.roster_sha256 == sha256_text(PLANNED_W03) != v2.roster_sha256
    with open_store(store) as st:
        versions = st.versions("2027-W03")
        assert [v.version for v in versions] == [1, 2]
        assert versions[0].inputs == {"officers.csv": ds.files["officers.csv"]}
        assert all(v.published_at.endswith("+00:00") for v in versions)
        assert st.published_csv("2027-W03", 1) == PLANNED_W03  # version 1 is kept byte for byte
        blocks, used = st.latest_published(["2027-W03", "2027-W04"], ds.config.tz)
    assert used == {"2027-W03": 2}
    assert (blocks["activity"] == "noodhulp").sum() == 0  # the latest version is read
    assert len(blocks) == 9 and str(blocks["start"].iloc[0].tzinfo) == "Europe/Amsterdam"


def test_publish_takes_input_hashes_from_the_data_folder_when_summary_has_none(ds, tmp_path: Path) -> None:
    out = write(tmp_path / "out" / "roster.csv", PLANNED_W04).parent  # no summary.json: week from the dates
    [v], warnings = publish(out, tmp_path / "s.sqlite", ds)
    assert v.week == "2027-W04" and v.inputs == ds.files and warnings == []


def test_publish_warns_when_the_data_folder_changed_since_the_roster(ds, tmp_path: Path) -> None:
    out = make_out_dir(tmp_path / "out", PLANNED_W03, "2027-W03", {"officers.csv": "0" * 64})
    _, warnings = publish(out, tmp_path / "s.sqlite", ds)
    assert len(warnings) == 1 and "officers.csv" in warnings[0]


def test_publish_stores_each_week_of_a_period_roster_as_its_own_version(ds, tmp_path: Path) -> None:
    store = tmp_path / "s.sqlite"
    out = make_out_dir(tmp_path / "out", PLANNED_W03 + PLANNED_W04.removeprefix(HEADER), "2027-W03..2027-W04")
    versions, _ = publish(out, store, ds)
    assert [(v.week, v.version) for v in versions] == [("2027-W03", 1), ("2027-W04", 1)]
    assert [v.n_blocks for v in versions] == [PLANNED_W03.count("\n") - 1, PLANNED_W04.count("\n") - 1]
    with open_store(store) as st:
        w03, _ = st.latest_published(["2027-W03"], ds.config.tz)
        w04, _ = st.latest_published(["2027-W04"], ds.config.tz)
        text = st.published_csv("2027-W04")
    assert set(w03["date"].astype(str)) <= {f"2027-01-{d}" for d in range(18, 25)}
    assert set(w04["date"].astype(str)) <= {f"2027-01-{d}" for d in range(25, 32)}
    assert text is not None and "2027-01-18" not in text and text.count("\n") == len(w04) + 1
    again, _ = publish(out, store, ds)  # a second publish: version 2 of both weeks
    assert [(v.week, v.version) for v in again] == [("2027-W03", 2), ("2027-W04", 2)]


def test_publish_of_a_period_is_refused_whole_when_summary_names_other_weeks(ds, tmp_path: Path) -> None:
    out = make_out_dir(tmp_path / "out", PLANNED_W03 + PLANNED_W04.removeprefix(HEADER), "2027-W03..2027-W05")
    with pytest.raises(InputError, match="summary.json says 2027-W03..2027-W05"):
        publish(out, tmp_path / "s.sqlite", ds)
    assert not (tmp_path / "s.sqlite").exists()


def test_a_period_is_published_in_one_transaction(ds, tmp_path: Path, monkeypatch) -> None:
    """A failure while storing the second week leaves no version of the first."""
    from planner import store as store_mod

    store = tmp_path / "s.sqlite"
    out = make_out_dir(tmp_path / "out", PLANNED_W03 + PLANNED_W04.removeprefix(HEADER), "2027-W03..2027-W04")
    calls = []
    real = store_mod._block_rows

    def failing(roster):
        calls.append(1)
        if len(calls) == 2:
            raise sqlite3.OperationalError("disk I/O error")
        return real(roster)

    monkeypatch.setattr(store_mod, "_block_rows", failing)
    with pytest.raises(Exception, match="disk I/O error|s.sqlite"):
        publish(out, store, ds)
    monkeypatch.setattr(store_mod, "_block_rows", real)
    with open_store(store) as st:
        assert st.versions() == []


def test_publish_refuses_a_summary_week_that_is_not_the_roster_week(ds, tmp_path: Path) -> None:
    out = make_out_dir(tmp_path / "out", PLANNED_W03, "2027-W09")
    with pytest.raises(InputError, match="summary.json says 2027-W09"):
        publish(out, tmp_path / "s.sqlite", ds)


def test_realized_latest_import_wins_per_officer_and_week(ds, tmp_path: Path) -> None:
    store = tmp_path / "s.sqlite"
    first = import_realized(write(tmp_path / "r1.csv", REALIZED_W03), store, ds)
    # A correction for wa7001 only: Thursday was wijk after all. wa7002's realized week must survive.
    fix = HEADER + "".join(line + "\n" for line in REALIZED_W03.splitlines()[1:] if line.startswith("wa7001"))
    fix = fix.replace("08:00+01:00,2027-01-21T16:00+01:00,noodhulp,,,noodhulp",
                      "08:00+01:00,2027-01-21T16:00+01:00,wijk,WK000101,,")
    second = import_realized(write(tmp_path / "r2.csv", fix), store, ds)
    assert (first.batch, second.batch, second.weeks) == (1, 2, ("2027-W03",))
    with open_store(store) as st:
        blocks, used = st.realized(["2027-W03"], ds.config.tz)
        assert len(st.imports()) == 2
    assert used == {"2027-W03": [1, 2]}
    a = blocks[blocks["officer_id"] == "wa7001"]
    assert list(a["activity"]) == ["wijk", "wijk", "wijk", "wijk", "event"]
    assert (blocks["officer_id"] == "wa7002").sum() == 4


def test_open_store_refuses_a_file_that_is_not_a_store(tmp_path: Path) -> None:
    bad = write(tmp_path / "x.sqlite", "this is not sqlite at all " * 100)
    with pytest.raises(InputError, match="x.sqlite: is not a planner store"):
        open_store(bad)
    other = tmp_path / "other.sqlite"
    with sqlite3.connect(other) as conn:
        conn.execute("CREATE TABLE t (x)")
    conn.close()
    with pytest.raises(InputError, match="not a planner store"):
        open_store(other)


def test_store_is_wal_and_passes_integrity_check(ds, tmp_path: Path) -> None:
    store = tmp_path / "s.sqlite"
    publish(make_out_dir(tmp_path / "out", PLANNED_W03, "2027-W03"), store, ds)
    conn = sqlite3.connect(store)
    try:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    finally:
        conn.close()


_PUBLISH_LOOP = textwrap.dedent(
    """
    import sys
    from pathlib import Path
    from planner.config import Config
    from planner.report.sources import read_roster_file
    from planner.store import open_store

    roster = Path(sys.argv[1])
    store = Path(sys.argv[2])
    cfg = Config()
    blocks = read_roster_file(roster, cfg, None)
    # Make every write large, so that the kill lands inside a transaction most of the time.
    import pandas as pd
    blocks = pd.concat([blocks] * 400, ignore_index=True)
    text = roster.read_text()
    with open_store(store) as st:
        while True:
            st.publish(blocks, text, "2027-W03", {"officers.csv": "x"}, "loop")
    """
)


def test_sigkill_during_a_loop_of_publishes_leaves_the_store_intact(tmp_path: Path) -> None:
    roster = write(tmp_path / "roster.csv", PLANNED_W03)
    store = tmp_path / "s.sqlite"
    script = write(tmp_path / "loop.py", _PUBLISH_LOOP)
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen([sys.executable, str(script), str(roster), str(store)], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        # Wait until a few versions are in (a deadline guards against a hang; no timing is asserted).
        deadline = time.monotonic() + 120
        n = 0
        while n < 3:
            assert proc.poll() is None, proc.stderr.read().decode() if proc.stderr else ""
            assert time.monotonic() < deadline, "the publish loop wrote nothing"
            time.sleep(0.05)
            if store.exists():
                try:
                    with sqlite3.connect(store, timeout=0.1) as c:
                        n = c.execute("SELECT COUNT(*) FROM published").fetchone()[0]
                    c.close()
                except sqlite3.OperationalError:
                    n = 0
        os.kill(proc.pid, signal.SIGKILL)
    finally:
        if proc.poll() is None:
            proc.kill()
        proc.wait()
        if proc.stderr:
            proc.stderr.close()
    assert proc.returncode == -signal.SIGKILL
    conn = sqlite3.connect(store)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        rows = conn.execute("SELECT id, version, n_blocks FROM published ORDER BY version").fetchall()
        assert [v for _, v, _ in rows] == list(range(1, len(rows) + 1))  # no gap, no half version
        for pid, _, n_blocks in rows:  # every committed version holds all of its blocks
            (count,) = conn.execute("SELECT COUNT(*) FROM published_blocks WHERE published_id = ?", (pid,)).fetchone()
            assert count == n_blocks == 9 * 400
        (orphans,) = conn.execute(
            "SELECT COUNT(*) FROM published_blocks WHERE published_id NOT IN (SELECT id FROM published)").fetchone()
        assert orphans == 0
    finally:
        conn.close()
    # And the store still takes writes.
    with open_store(store) as st:
        v = st.publish(read_roster_file(roster, Config(), None), PLANNED_W03, "2027-W03", {}, "after")
    assert v.version == len(rows) + 1
