"""History: reports over the past work from what the store holds (also after an officer left officers.csv),
and re-planning an earlier week in an output folder keeps the history chain whole."""

from __future__ import annotations

import json
import shutil
import sqlite3
from pathlib import Path

import pytest
from typer.testing import CliRunner

from planner.cli import app
from planner.store import open_store
from tests._report_helpers import IDS, NAMES, PLANNED_W03, PLANNED_W04, REALIZED_W03, make_data, make_out_dir, write

runner = CliRunner()


def _ok(args: list[str]) -> str:
    res = runner.invoke(app, [str(a) for a in args])
    assert res.exit_code == 0, res.output
    return res.output


# ---- reports after an officer left --------------------------------------------------------------------------


@pytest.fixture
def published(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """W03 and W04 published and W03's realized hours imported while both officers were in officers.csv."""
    monkeypatch.chdir(tmp_path)
    make_data(tmp_path / "data")
    make_out_dir(tmp_path / "out3", PLANNED_W03, "2027-W03")
    make_out_dir(tmp_path / "out4", PLANNED_W04, "2027-W04")
    write(tmp_path / "realized.csv", REALIZED_W03)
    _ok(["publish", "out3", "--data", "data"])
    _ok(["publish", "out4", "--data", "data"])
    _ok(["import-realized", "realized.csv", "--data", "data"])
    return tmp_path


def _leave(folder: Path, oid: str) -> None:
    """``oid`` leaves: their row goes from officers.csv and their absences from absences.csv (as they must)."""
    for name in ("officers.csv", "absences.csv"):
        path = folder / "data" / name
        lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
        path.write_text("".join(ln for ln in lines if not ln.startswith(f"{oid};")), encoding="utf-8")


def _tables(path: Path) -> dict:
    doc = json.loads(path.read_text(encoding="utf-8"))
    return {name: t["rows"] for name, t in doc["tables"].items()}


def test_report_over_published_weeks_after_an_officer_left(published: Path) -> None:
    """wa7002 (Maria de Vries, 40 h, on leave Wednesday) leaves after W03 was published. The municipal report
    over W03 failed with exit 2 ("not in officers.csv"); it now gives the same figures as before she left,
    from the facts the store kept (contract 40 h, leave 8 h: 32 h available, 24 h own = 75 %)."""
    _ok(["report", "data", "--period", "2027-W03", "--out", "before.json"])
    _leave(published, "wa7002")
    _ok(["report", "data", "--period", "2027-W03", "--out", "after.json"])
    assert _tables(published / "after.json") == _tables(published / "before.json")
    gm = {r["gemeente_code"]: r for r in _tables(published / "after.json")["gemeenten"]}
    assert gm["GM0002"]["share_planned"] == 0.75


@pytest.mark.parametrize("fmt", ["html", "md", "csv", "json", "xlsx"])
def test_municipal_report_after_departure_names_nobody(published: Path, fmt: str) -> None:
    """The departed officer's name and id are in the store (for the internal report) but never in a municipal
    report."""
    _leave(published, "wa7002")
    out = published / f"m.{fmt}"
    _ok(["report", "data", "--period", "2027-W03..2027-W04", "--out", out])
    if fmt == "xlsx":
        import openpyxl

        wb = openpyxl.load_workbook(out)
        text = " ".join(str(c.value) for ws in wb for row in ws.iter_rows() for c in row if c.value is not None)
    else:
        text = out.read_text(encoding="utf-8")
    for secret in [*NAMES, *IDS]:
        assert secret not in text, (fmt, secret)


def test_internal_report_lists_the_departed_officer_from_the_store(published: Path) -> None:
    _leave(published, "wa7002")
    _ok(["report", "data", "--period", "2027-W03", "--internal", "--out", "i.json"])
    rows = _tables(published / "i.json")["officers"]
    assert {r["officer_id"] for r in rows} == {"wa7001", "wa7002"}
    maria = next(r for r in rows if r["officer_id"] == "wa7002")
    assert maria["name"] == "Maria de Vries"


def test_departed_officer_counts_only_in_the_weeks_the_store_holds(published: Path, tmp_path: Path) -> None:
    """wa7002 leaves after W04; W05 is published without her. Over W03..W05 Betastad's (GM0002) planned share
    counts her W03 (24 of 32 h) and W04 (40 of 40 h) only, not an empty W05 of 40 available hours; she counts
    as 2/3 of a wijkagent (two of the three weeks)."""
    _leave(published, "wa7002")
    w05 = "officer_id,date,start,end,activity,wijk_code,shift,task\n" + "".join(
        f"wa7001,2027-02-0{d},2027-02-0{d}T08:00+01:00,2027-02-0{d}T17:00+01:00,wijk,WK000101,,\n"
        for d in (1, 2, 3, 4))
    make_out_dir(published / "out5", w05, "2027-W05")
    _ok(["publish", "out5", "--data", "data"])
    _ok(["report", "data", "--period", "2027-W03..2027-W05", "--out", "p.json"])
    gm = {r["gemeente_code"]: r for r in _tables(published / "p.json")["gemeenten"]}
    assert gm["GM0002"]["share_planned"] == pytest.approx(64 / 72, abs=0.001)
    assert gm["GM0002"]["wijkagenten"] == pytest.approx(0.67, abs=0.01)


def test_a_schema_1_store_is_upgraded_and_keeps_its_versions(published: Path) -> None:
    """A store written before officer facts existed opens, gains the table and keeps every version."""
    store = published / "data" / "planner.sqlite"
    old = published / "old.sqlite"
    shutil.copy(store, old)
    conn = sqlite3.connect(old)
    conn.execute("DROP TABLE officer_facts")
    conn.execute("PRAGMA user_version = 1")
    conn.commit()
    conn.close()
    with open_store(old) as st:
        assert [v.version for v in st.versions("2027-W03")] == [1]
        assert st.officer_facts(["2027-W03"]).empty
    conn = sqlite3.connect(old)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == 2
    conn.close()


# ---- the history chain in an output folder ------------------------------------------------------------------


def _team(root: Path) -> Path:
    from tests._checker_helpers import WIJK_A, WIJK_B, make_dataset, officer

    ds = make_dataset(root, [officer("W-01"), officer("W-02", wijk=WIJK_B), officer("W-03", night_exempt=True)])
    (ds.root / "demand.csv").write_text(
        f"wijk_code,day,start,end,officers,theme,priority\n{WIJK_A},di,09:00,13:00,1,jeugdoverlast,hoog\n"
    )
    return ds.root


def _plan(data: Path, out: Path, week: str) -> dict:
    _ok(["roster", data, "-w", week, "-o", out, "--workers", "1", "-q"])
    return json.loads((out / "summary.json").read_text(encoding="utf-8"))


def test_replanning_an_earlier_week_keeps_the_chain(tmp_path: Path) -> None:
    """W03, W04, a correction of W03 (W-01 sick on Wednesday), then W05 in one folder. Before, the correction
    moved W04 to previous/ and W05 was planned without it. Now W04 stays in history/, the corrected W03 is
    history/2027-W03.csv, the first W03 is kept in previous/, and W05 reads both weeks."""
    data = _team(tmp_path / "data")
    out = tmp_path / "out"
    _plan(data, out, "2027-W03")
    w03_v1 = (out / "roster.csv").read_bytes()
    _plan(data, out, "2027-W04")
    w04 = (out / "roster.csv").read_bytes()
    (data / "absences.csv").write_text("officer_id,start,end,reason\nW-01,2027-01-20,2027-01-20,ziek\n")
    _plan(data, out, "2027-W03")
    w03_v2 = (out / "roster.csv").read_bytes()
    assert w03_v2 != w03_v1
    assert (out / "history" / "2027-W04.csv").read_bytes() == w04
    summary = _plan(data, out, "2027-W05")
    assert summary["week"] == "2027-W05"
    assert (out / "history" / "2027-W03.csv").read_bytes() == w03_v2
    assert (out / "history" / "2027-W04.csv").read_bytes() == w04
    read = sorted(Path(h).name for h in summary["history"])
    assert read == ["2027-W03.csv", "2027-W04.csv"]
    kept = [p.read_bytes() for p in (out / "previous").glob("2027-W03-*.csv")]
    assert w03_v1 in kept  # the first version of W03 is not lost


def test_replanning_the_same_week_keeps_the_old_version_in_previous(tmp_path: Path) -> None:
    data = _team(tmp_path / "data")
    out = tmp_path / "out"
    _plan(data, out, "2027-W03")
    first = (out / "roster.csv").read_bytes()
    summary = _plan(data, out, "2027-W03")
    assert summary["history"] == []
    assert not (out / "history").exists()
    assert [p.read_bytes() for p in (out / "previous").glob("2027-W03-*.csv")] == [first]
