"""Atomic output: one file by write-fsync-rename, and a set of files (a roster run's outputs) whole or not at all.

A set is built in a staging folder inside the output folder and fsynced; then one journal file, written
atomically, records what the set holds. That journal is the commit point: before it exists the old set is
untouched (and the staging folder is litter); once it exists the new set is moved into place by renames, stale
files are removed, and the journal is deleted. A process killed at any point leaves either the old set or a
journal from which :func:`settle` finishes the new one; every writer and reader of the folder settles first, so
nobody sees a mixture. A disk that is full or read-only gives an :class:`OutputError` that names the file (exit 4)
and leaves the old set as it was.
"""

from __future__ import annotations

import contextlib
import errno
import json
import os
import secrets
import shutil
import signal
import tempfile
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path

from planner.errors import OutputError

#: Outputs are ordinary files (mkstemp makes them 0600): readable by the group and others, as the umask allows.
_MODE = 0o666 & ~(lambda m: (os.umask(m), m)[1])(os.umask(0o022))

JOURNAL = ".planner-commit.json"
STAGING_PREFIX = ".planner-staging-"
#: Tests only: ``PLANNER_TEST_CRASH_AT=N`` kills the process (SIGKILL) at the N-th crash point of a run, so a test
#: can stop a real run at every step of a commit. Unset in normal use.
CRASH_ENV = "PLANNER_TEST_CRASH_AT"
_crash_count = 0


def crash_point() -> None:
    """Where a test may kill the process (see ``CRASH_ENV``); nothing happens in normal use."""
    global _crash_count
    at = os.environ.get(CRASH_ENV)
    if not at:
        return
    _crash_count += 1
    if _crash_count == int(at):
        os.kill(os.getpid(), signal.SIGKILL)


_DISK = {errno.ENOSPC: "the disk is full", errno.EDQUOT: "the disk quota is used up", errno.EFBIG: "file too large",
         errno.EROFS: "the disk is read-only", errno.EACCES: "permission denied", errno.EPERM: "not permitted",
         errno.EIO: "a disk input/output error"}


def output_error(path: Path | str, exc: OSError, where: str = "") -> OutputError:
    """One line naming the output file and why it cannot be written (exit 4)."""
    why = _DISK.get(exc.errno or 0) or exc.strerror or str(exc)
    return OutputError(f"{path}: cannot be written ({why}{' ' + where if where else ''}); the earlier outputs are "
                       "kept as they were")


def _fsync_dir(folder: Path) -> None:
    with contextlib.suppress(OSError):  # some file systems cannot fsync a folder; the rename is still atomic
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def _write_file(path: Path, data: bytes) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | getattr(os, "O_CLOEXEC", 0), _MODE)
    try:
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view):]
        os.fsync(fd)
    finally:
        os.close(fd)


def write_bytes(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` atomically: readers see the old file or the new one, never half of one."""
    path = Path(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    except OSError as exc:
        raise output_error(path, exc) from None
    try:
        os.close(fd)
        _write_file(Path(tmp), data)
        os.replace(tmp, path)
        _fsync_dir(path.parent)
    except OSError as exc:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise output_error(path, exc) from None
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def write_text(path: Path, text: str, encoding: str = "utf-8") -> None:
    write_bytes(path, text.encode(encoding))


@contextlib.contextmanager
def atomic_path(path: Path) -> Iterator[Path]:
    """A temporary path to write to (for libraries that want a file name); renamed over ``path`` on success."""
    path = Path(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=path.suffix, dir=path.parent)
        os.fchmod(fd, _MODE)
        os.close(fd)
    except OSError as exc:
        raise output_error(path, exc) from None
    try:
        yield Path(tmp)
        fd = os.open(tmp, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
        os.replace(tmp, path)
        _fsync_dir(path.parent)
    except OSError as exc:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise output_error(path, exc) from None
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


# -- sets of files --------------------------------------------------------------------------------------------


@contextlib.contextmanager
def locked(folder: Path) -> Iterator[None]:
    """Hold the folder's lock (an flock on the folder itself: no lock file), so two runs never commit at once."""
    try:
        import fcntl
    except ImportError:  # pragma: no cover - Windows: no flock; commits are still atomic, just not exclusive
        yield
        return
    fd = os.open(folder, os.O_RDONLY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)


def ensure_writable(folder: Path) -> None:
    """Create ``folder`` if needed and prove it takes a file (a full or read-only disk fails here, before a long
    search rather than after it): exit 4 naming the folder."""
    folder = Path(folder)
    try:
        folder.mkdir(parents=True, exist_ok=True)
        with locked(folder):
            probe = tempfile.mkdtemp(prefix=STAGING_PREFIX + "probe-", dir=folder)
            _write_file(Path(probe) / "probe", b"planner")
            shutil.rmtree(probe)
    except OSError as exc:
        raise output_error(folder, exc) from None


def _journal(folder: Path) -> dict[str, object] | None:
    try:
        text = (folder / JOURNAL).read_text(encoding="utf-8")
    except FileNotFoundError:
        return None
    try:
        doc = json.loads(text)
    except json.JSONDecodeError:  # cannot happen (it is written atomically); a foreign file: drop it
        return {"staging": "", "files": [], "remove": []}
    return doc if isinstance(doc, dict) else {"staging": "", "files": [], "remove": []}


def _inside(folder: Path, name: str) -> Path:
    """``folder / name`` for a name from the journal, refusing one that would leave the folder."""
    target = (folder / name).resolve()
    if not target.is_relative_to(folder.resolve()) or name.startswith(("/", "\\")) or ".." in Path(name).parts:
        raise OutputError(f"{folder / JOURNAL}: names '{name}' outside the folder; delete the journal by hand")
    return folder / name


def _apply(folder: Path, doc: Mapping[str, object]) -> None:
    """Move a committed set into place (idempotent: a second run after a kill finishes what is left)."""
    staging = folder / str(doc.get("staging") or "")
    touched = {folder}
    for name in list(doc.get("files") or []):  # type: ignore[call-overload]
        src, dst = _inside(staging, str(name)), _inside(folder, str(name))
        if src.exists():
            dst.parent.mkdir(parents=True, exist_ok=True)
            os.replace(src, dst)
            touched.add(dst.parent)
            crash_point()
    for name in list(doc.get("remove") or []):  # type: ignore[call-overload]
        stale = _inside(folder, str(name))
        with contextlib.suppress(FileNotFoundError):
            stale.unlink()
            touched.add(stale.parent)
            crash_point()
    for d in sorted(touched):
        _fsync_dir(d)
    (folder / JOURNAL).unlink()
    _fsync_dir(folder)
    crash_point()
    if doc.get("staging"):
        shutil.rmtree(staging, ignore_errors=True)


#: Temporary files of the roster set (also as earlier versions named them) that a killed run may leave; a report or
#: map written into the same folder at the same moment keeps its own temporary file.
_SET_TEMPS = (".roster.csv.", ".roster.xlsx.", ".summary.json.", f".{JOURNAL}.")


def _litter(folder: Path) -> Iterator[Path]:
    """Staging folders and temporary files a killed run may have left (never the user's files)."""
    for sub in (folder, *(folder / d for d in ("ics", "history", "previous"))):
        if not sub.is_dir():
            continue
        for p in sub.iterdir():
            staging = p.name.startswith(STAGING_PREFIX) and p.is_dir()
            ours = sub != folder or p.name.startswith(_SET_TEMPS)
            if staging or (ours and p.name.startswith(".") and p.name.endswith(".tmp") and p.is_file()):
                yield p


def settle(folder: Path) -> None:
    """Finish a set a killed run had committed, and clear what an uncommitted one left (staging, .tmp files).

    Called (under the folder's lock) before a set is written and before a folder's outputs are read.
    """
    folder = Path(folder)
    if not folder.is_dir():
        return
    try:
        doc = _journal(folder)
        if doc is not None:
            _apply(folder, doc)
        for p in list(_litter(folder)):
            if p.is_dir():
                shutil.rmtree(p, ignore_errors=True)
            else:
                with contextlib.suppress(FileNotFoundError):
                    p.unlink()
    except OSError as exc:
        raise output_error(folder / JOURNAL, exc) from None


def settle_for_reading(folder: Path) -> None:
    """Before reading a folder's outputs: finish a set a killed run left half moved (only when one did)."""
    folder = Path(folder)
    if (folder / JOURNAL).exists():
        with locked(folder):
            settle(folder)


def commit_set(folder: Path, files: Mapping[str, bytes], *,
               replace_dirs: Iterable[tuple[str, str]] = ()) -> list[Path]:
    """Write ``files`` (names relative to ``folder``, such as ``ics/W-01.ics``) as one set: after a crash at any
    point, and the next :func:`settle`, either all of them are the new bytes or none is.

    Files of ``replace_dirs`` (``("ics", ".ics")``: a folder and the suffix of its files) that the set does not
    hold are removed with it, so nothing of an earlier set lingers there (calendars of officers not in this week);
    other files there are the user's and stay. Returns the paths written.
    """
    folder = Path(folder)
    names = sorted(files)
    for name in names:
        _inside(folder, name)
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise output_error(folder, exc) from None
    with locked(folder):
        settle(folder)
        staging = folder / f"{STAGING_PREFIX}{os.getpid()}-{secrets.token_hex(4)}"
        try:
            staging.mkdir()
            for name in names:
                target = staging / name
                target.parent.mkdir(parents=True, exist_ok=True)
                try:
                    _write_file(target, files[name])
                except OSError as exc:
                    raise output_error(folder / name, exc) from None
                crash_point()
            for d in sorted({(staging / n).parent for n in names}, reverse=True):
                _fsync_dir(d)
            stale = sorted(
                str(p.relative_to(folder)) for d, suffix in replace_dirs if (folder / d).is_dir()
                for p in (folder / d).iterdir() if p.is_file() and p.name.endswith(suffix)
                and str(p.relative_to(folder)) not in files and not p.name.startswith(".")
            )
            doc = {"staging": staging.name, "files": names, "remove": stale}
            tmp = folder / f".{JOURNAL}.{secrets.token_hex(4)}.tmp"
            try:
                _write_file(tmp, json.dumps(doc, indent=1).encode("utf-8"))
                os.replace(tmp, folder / JOURNAL)
            except OSError as exc:
                with contextlib.suppress(OSError):
                    tmp.unlink()
                raise output_error(folder / JOURNAL, exc) from None
            _fsync_dir(folder)
        except BaseException:
            if not (folder / JOURNAL).exists():
                shutil.rmtree(staging, ignore_errors=True)
            raise
        crash_point()  # committed: from here on the new set wins, now or at the next settle
        try:
            _apply(folder, doc)
        except OSError as exc:
            raise output_error(folder, exc) from None
    return [folder / n for n in names]
