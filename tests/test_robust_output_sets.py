"""Output sets are whole or absent: real ``planner roster`` runs killed (SIGKILL) at every step of writing, full
and read-only disks, stale calendars.

The crash hook ``PLANNER_TEST_CRASH_AT=N`` (planner.atomic, tests only) makes the process kill itself at the N-th
step of its writes: every staged file, the commit, every rename, every removal. For each N the folder must then hold
the old set or the new set (after the next writer or reader settles it), with the archive in history/ whole, and
no litter. A full disk is made two ways: ``RLIMIT_FSIZE`` in the child (works anywhere, also as root: a write past
the limit fails with EFBIG) and a small tmpfs in a user namespace (real ENOSPC). A read-only folder is a read-only
bind mount in a user namespace (chmod does not stop root); those tests skip, with the reason, where user
namespaces are not allowed.
"""

from __future__ import annotations

import errno
import json
import os
import re
import resource
import shutil
import signal
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from planner import atomic
from tests._robust_helpers import OFFICERS, WEEK, WIJK_A, invoke, one_error_line, tree_digest, write_data

CLI = [sys.executable, "-c", "from planner.cli import main; main()"]
NEXT_WEEK = "2027-W04"
SET_FILES = ("roster.csv", "roster.xlsx", "summary.json")


def _roster_cmd(data: Path, out: Path, week: str) -> list[str]:
    return [*CLI, "roster", str(data), "--week", week, "--out", str(out), "--workers", "1", "-q"]


def _run(cmd: list[str], env: dict[str, str] | None = None, **kw) -> subprocess.CompletedProcess:  # type: ignore[no-untyped-def,type-arg]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=180, env={**os.environ, **(env or {})}, **kw)


def _set_of(folder: Path) -> dict[str, object]:
    """What identifies the output set in ``folder``: the bytes of roster.csv, roster.xlsx and every calendar, and
    summary.json's week and run_id (its run times differ from run to run)."""
    out: dict[str, object] = {k: v for k, v in tree_digest(folder).items()
                              if k in SET_FILES[:2] or k.startswith("ics/")}
    summary = json.loads((folder / "summary.json").read_text(encoding="utf-8"))
    out["summary"] = (summary["week"], summary.get("run_id"))
    return out


def _litter(folder: Path) -> list[str]:
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*")
                  if p.name == atomic.JOURNAL or p.name.startswith(atomic.STAGING_PREFIX) or p.name.endswith(".tmp"))


@pytest.fixture(scope="module")
def week3(tmp_path_factory) -> tuple[Path, Path]:  # type: ignore[no-untyped-def]
    """The small folder (two officers) and an output folder holding its planned week 3."""
    root = tmp_path_factory.mktemp("sets")
    data = write_data(root / "data")
    out = root / "week3"
    done = _run(_roster_cmd(data, out, WEEK))
    assert done.returncode == 0, done.stderr
    return data, out


@pytest.fixture(scope="module")
def week4(week3, tmp_path_factory) -> tuple[Path, dict[str, object]]:  # type: ignore[no-untyped-def]
    """Week 4 planned in a copy of the week-3 folder, undisturbed: the new set every killed run must reach."""
    data, base = week3
    out = tmp_path_factory.mktemp("ref") / "X"
    shutil.copytree(base, out)
    done = _run(_roster_cmd(data, out, NEXT_WEEK))
    assert done.returncode == 0, done.stderr
    return out, _set_of(out)


def test_sigkill_at_every_step_leaves_the_old_set_or_the_new_one(week3, week4, tmp_path):
    """Week 4 written over week 3, killed at each write step in turn (archive and outputs): after the next writer
    settles the folder it holds week 3's set or week 4's, byte for byte; history/2027-W03.csv and its summary are
    both there or both absent (and there whenever week 4 is); nothing is left behind. Before, a kill right after
    roster.csv was replaced left it beside the old roster.xlsx, summary.json and calendars, and .tmp files."""
    data, base = week3
    old = _set_of(base)
    _, new = week4
    old_roster = (base / "roster.csv").read_bytes()

    def killed_at(step: int) -> tuple[int, str, object, list[str]]:
        out = tmp_path / f"k{step}" / "X"  # the same depth and name as the reference: equal run ids
        shutil.copytree(base, out)
        proc = _run(_roster_cmd(data, out, NEXT_WEEK), {atomic.CRASH_ENV: str(step)})
        # what the next run does first (under the folder's lock): finish a committed set, clear an uncommitted one
        settled = _run([sys.executable, "-c", "import sys; from planner.atomic import locked, settle; "
                        "f = sys.argv[1]\nwith locked(f): settle(f)", str(out)])
        assert settled.returncode == 0, settled.stderr
        return proc.returncode, proc.stderr, _set_of(out), _archive(out)

    def _archive(out: Path) -> list[str]:
        hist = out / "history"
        names = sorted(p.name for p in hist.iterdir()) if hist.is_dir() else []
        if names:
            assert (hist / "2027-W03.csv").read_bytes() == old_roster
        assert names in ([], ["2027-W03.csv", "2027-W03.summary.json"]), names
        return names

    results = []
    with ThreadPoolExecutor(max_workers=2) as pool:
        step = 1
        while True:
            batch = list(pool.map(killed_at, range(step, step + 4)))
            results += batch
            if any(code == 0 for code, *_ in batch):
                break
            step += 4
            assert step < 80, "the run never finished: too many crash points"
    finished = next(i for i, (code, *_) in enumerate(results) if code == 0)
    assert finished >= 10, "expected a step for each staged file, the commit, each rename"
    seen = set()
    for i, (code, stderr, got, archive) in enumerate(results[: finished + 1], start=1):
        assert code in (0, -signal.SIGKILL), (i, code, stderr)
        assert got in (old, new), f"step {i}: a mixture of the old and the new set"
        seen.add("new" if got == new else "old")
        if got == new:
            assert archive, f"step {i}: week 4 without week 3 archived"
    for i in range(1, finished + 2):
        assert _litter(tmp_path / f"k{i}" / "X") == [], i
    assert seen == {"old", "new"}


def test_a_killed_run_does_not_wedge_the_next_one(week3, week4, tmp_path):
    """Killed right after its outputs were committed (half moved into place), the next ordinary run in the same
    folder finishes cleanly and gives week 4's set."""
    data, base = week3
    out = tmp_path / "X"
    shutil.copytree(base, out)
    # step 6 of week 4: the archive's 6 steps are done; 7.. are the outputs. Kill a few renames in.
    proc = _run(_roster_cmd(data, out, NEXT_WEEK), {atomic.CRASH_ENV: "14"})
    assert proc.returncode == -signal.SIGKILL
    assert (out / atomic.JOURNAL).exists(), "the kill was meant to land between the commit and the last rename"
    again = _run(_roster_cmd(data, out, NEXT_WEEK))
    assert again.returncode == 0, again.stderr
    assert {k: v for k, v in _set_of(out).items() if k != "summary"} == \
        {k: v for k, v in week4[1].items() if k != "summary"}
    assert _litter(out) == []


def test_readers_finish_a_half_moved_set_before_reading(week3, tmp_path):
    """planner check on the roster of a folder whose set was half moved into place reads the finished new set."""
    data, base = week3
    out = tmp_path / "X"
    shutil.copytree(base, out)
    proc = _run(_roster_cmd(data, out, NEXT_WEEK), {atomic.CRASH_ENV: "14"})
    assert proc.returncode == -signal.SIGKILL and (out / atomic.JOURNAL).exists()
    result = invoke(["check", out / "roster.csv", data, "--week", NEXT_WEEK, "--history",
                     out / "history" / "2027-W03.csv"])
    assert result.exit_code == 0, result.output
    assert json.loads((out / "summary.json").read_text(encoding="utf-8"))["week"] == NEXT_WEEK
    assert _litter(out) == []


# -- stale calendars --------------------------------------------------------------------------------------------


def test_calendars_of_officers_not_in_this_week_do_not_linger(tmp_path):
    """Week 3 with W-01 and W-02, then week 4 with W-01 only: ics/ holds W-01.ics alone (and a file of the
    user's, which is not a calendar of ours, stays)."""
    data = write_data(tmp_path / "d", {"absences.csv": None, "wishes.csv": None})
    out = tmp_path / "out"
    assert invoke(["roster", data, "-w", WEEK, "-o", out, "-q"]).exit_code == 0
    assert sorted(p.name for p in (out / "ics").iterdir()) == ["W-01.ics", "W-02.ics"]
    (out / "ics" / "notes.txt").write_text("mine", encoding="utf-8")
    one = OFFICERS.splitlines()[0] + "\n" + OFFICERS.splitlines()[1] + "\n"
    write_data(data, {"officers.csv": one, "absences.csv": None, "wishes.csv": None,
                      "team_demand.csv": "kind,name,day,start,end,officers,wijk_code,team\n",
                      "demand.csv": f"wijk_code,day,start,end,officers\n{WIJK_A},di,10:00,14:00,1\n"})
    result = invoke(["roster", data, "-w", NEXT_WEEK, "-o", out, "-q"])
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in (out / "ics").iterdir()) == ["W-01.ics", "notes.txt"]


# -- full and read-only disks --------------------------------------------------------------------------------


def _limit_file_size(limit: int):  # type: ignore[no-untyped-def]
    def child() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a write past the limit fails with EFBIG instead
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    return child


def test_full_disk_exits_4_naming_the_file_and_keeps_the_old_set(week3, tmp_path):
    """RLIMIT_FSIZE below roster.xlsx's size: exit 4, one line naming roster.xlsx, no traceback; the old set byte
    for byte, the archive whole, no litter; with room again the next run succeeds (nothing wedged)."""
    data, base = week3
    out = tmp_path / "X"
    shutil.copytree(base, out)
    before = _set_of(out)
    limit = (base / "roster.csv").stat().st_size + 4000
    assert (base / "roster.xlsx").stat().st_size > limit
    proc = _run(_roster_cmd(data, out, NEXT_WEEK), preexec_fn=_limit_file_size(limit))
    assert proc.returncode == 4, proc.stderr
    lines = [ln for ln in proc.stderr.splitlines() if ln.strip()]
    assert len(lines) == 1 and "Traceback" not in proc.stderr, proc.stderr
    # roster.xlsx is the first file past the limit (openpyxl writes each sheet to a temporary file first)
    assert lines[0].startswith(f"error: {out / 'roster.xlsx'}: cannot be written (file too large"), lines[0]
    assert _set_of(out) == before and _litter(out) == []
    again = _run(_roster_cmd(data, out, NEXT_WEEK))
    assert again.returncode == 0, again.stderr


def test_full_disk_during_the_archive_leaves_no_truncated_history(week3, tmp_path):
    """The archive copy fails half way (a limit below summary.json's size): exit 4 naming that file; history/
    holds no truncated roster (which used to wedge every later run) and the next run succeeds."""
    data, base = week3
    out = tmp_path / "X"
    shutil.copytree(base, out)
    limit = (base / "roster.csv").stat().st_size + 10
    assert (base / "summary.json").stat().st_size > limit
    proc = _run(_roster_cmd(data, out, NEXT_WEEK), preexec_fn=_limit_file_size(limit))
    assert proc.returncode == 4, proc.stderr
    assert "history/2027-W03.summary.json: cannot be written" in proc.stderr
    assert not (out / "history").exists() or not list((out / "history").iterdir())
    assert _litter(out) == []
    again = _run(_roster_cmd(data, out, NEXT_WEEK))
    assert again.returncode == 0, again.stderr
    assert (out / "history" / "2027-W03.csv").read_bytes() == (base / "roster.csv").read_bytes()


def test_full_disk_in_process_is_one_line(tmp_path, monkeypatch):
    """os.write failing with ENOSPC for one file of the set (in-process): exit 4, one line naming that file."""
    data = write_data(tmp_path / "d")
    out = tmp_path / "out"
    real = os.write

    def full(fd: int, data: bytes) -> int:  # type: ignore[override]
        if os.readlink(f"/proc/self/fd/{fd}").endswith("summary.json"):
            raise OSError(errno.ENOSPC, "No space left on device")
        return real(fd, data)

    if not os.path.exists("/proc/self/fd"):
        pytest.skip("needs /proc/self/fd to tell which file is written")
    monkeypatch.setattr(atomic.os, "write", full)
    line = one_error_line(invoke(["roster", data, "-w", WEEK, "-o", out, "-q"]), exit_code=4)
    assert line == f"error: {out / 'summary.json'}: cannot be written (the disk is full); the earlier outputs are " \
                   "kept as they were"
    assert not (out / "roster.csv").exists() and _litter(out) == []


def _namespace_shell(script: str) -> subprocess.CompletedProcess:  # type: ignore[type-arg]
    """Run ``script`` as root of a new user and mount namespace (mounts there stay private to it)."""
    if not shutil.which("unshare"):
        pytest.skip("no unshare(1): cannot make a read-only or tiny file system without touching the host")
    probe = subprocess.run(["unshare", "--user", "--map-root-user", "--mount", "true"], capture_output=True)
    if probe.returncode != 0:
        pytest.skip(f"user namespaces are not allowed here ({probe.stderr.decode().strip()[:80]})")
    return subprocess.run(["unshare", "--user", "--map-root-user", "--mount", "sh", "-c", script],
                          capture_output=True, text=True, timeout=180)


def _sh(args: list[str]) -> str:
    return " ".join("'" + a.replace("'", "'\\''") + "'" for a in args)


def test_read_only_folder_exits_4_before_the_search(week3, tmp_path):
    """A read-only bind mount over the output folder (root cannot write there either): exit 4 naming the folder,
    one line, before the search; nothing changed."""
    data, base = week3
    out = tmp_path / "X"
    shutil.copytree(base, out)
    before = tree_digest(out)
    cmd = _roster_cmd(data, out, NEXT_WEEK)
    done = _namespace_shell(f"mount --bind -o ro {_sh([str(out)])} {_sh([str(out)])} && exec {_sh(cmd)}")
    assert done.returncode == 4, done.stderr
    lines = [ln for ln in done.stderr.splitlines() if ln.strip()]
    assert lines == [f"error: {out}: cannot be written (the disk is read-only); the earlier outputs are kept as they "
                     "were"], done.stderr
    assert tree_digest(out) == before


def test_tiny_file_system_gives_enospc_exit_4(week3, tmp_path):
    """A 1 MB tmpfs filled to 24 kB free: the archive fits, the new set does not (real ENOSPC): exit 4 naming the
    file that did not fit; the old set intact, the archive whole, no litter."""
    data, base = week3
    mnt = tmp_path / "mnt"
    mnt.mkdir()
    out = mnt / "X"
    cmd = _roster_cmd(data, out, NEXT_WEEK)
    check = [sys.executable, "-c", "import json, sys; from tests.test_robust_output_sets import _set_of, _litter; "
             "from pathlib import Path; p = Path(sys.argv[1]); print(json.dumps([_set_of(p), _litter(p), "
             "sorted(x.name for x in (p / 'history').iterdir())], default=str))", str(out)]
    script = (f"mount -t tmpfs -o size=1m tmpfs {_sh([str(mnt)])} && cp -a {_sh([str(base)])} {_sh([str(out)])} && "
              f"(dd if=/dev/zero of={_sh([str(mnt / 'fill')])} bs=4k 2>/dev/null; true) && "
              f"truncate -s -24k {_sh([str(mnt / 'fill')])} && {_sh(cmd)}; echo \"rc=$?\" >&2; "
              f"cd {_sh([str(Path(__file__).resolve().parents[1])])} && {_sh(check)}")
    done = _namespace_shell(script)
    assert "rc=4" in done.stderr, done.stderr
    assert re.search(re.escape(str(out)) + r"/(ics/W-0[12]\.ics|roster\.csv|roster\.xlsx|summary\.json): cannot be "
                     r"written \(the disk is full\)", done.stderr), done.stderr
    got_set, litter, history = json.loads(done.stdout.strip().splitlines()[-1])
    assert got_set == json.loads(json.dumps(_set_of(base), default=str))
    assert litter == [] and history == ["2027-W03.csv", "2027-W03.summary.json"]


# -- the SQLite store ---------------------------------------------------------------------------------------------


def test_store_on_a_full_disk_exits_4_and_holds_what_it_held(week3, tmp_path):
    """planner publish into a store that cannot grow (RLIMIT_FSIZE): exit 4, one line naming the store, and the
    store keeps its one earlier version (before: a traceback and exit 1)."""
    data, base = week3
    store = tmp_path / "planner.sqlite"
    first = _run([*CLI, "publish", str(base), "--data", str(data), "--store", str(store)])
    assert first.returncode == 0, first.stderr
    # The store file keeps its size; its write-ahead log must grow past one page for a new version.
    proc = _run([*CLI, "publish", str(base), "--data", str(data), "--store", str(store)],
                preexec_fn=_limit_file_size(4096 + 32 + 24))
    assert proc.returncode == 4, proc.stderr
    lines = [ln for ln in proc.stderr.splitlines() if ln.strip()]
    assert len(lines) == 1 and lines[0].startswith(f"error: {store}: the store cannot be written"), proc.stderr
    from planner.store import open_store

    with open_store(store, create=False) as st:
        assert [v.version for v in st.versions()] == [1]


def test_store_in_a_read_only_folder_exits_4(week3, tmp_path):
    """A store in a read-only folder (bind mount; root too): exit 4 naming the store, no traceback."""
    data, base = week3
    folder = tmp_path / "ro"
    folder.mkdir()
    store = folder / "planner.sqlite"
    assert _run([*CLI, "publish", str(base), "--data", str(data), "--store", str(store)]).returncode == 0
    cmd = [*CLI, "publish", str(base), "--data", str(data), "--store", str(store)]
    done = _namespace_shell(f"mount --bind -o ro {_sh([str(folder)])} {_sh([str(folder)])} && exec {_sh(cmd)}")
    assert done.returncode == 4, done.stderr
    assert "Traceback" not in done.stderr and f"error: {store}: the store cannot be written" in done.stderr
