"""The README stays true (issue 17): every ``planner`` command in README.md runs as written, in order, on what a
fresh clone holds, exits as the README says, and every printout the README quotes is what the command printed.

How README.md tells this test what to expect:

- A ```sh block holds commands, one a line. A line starting with ``planner`` is run (``make`` lines are not: they
  install; ``make demo`` is the Makefile's own check), with every solver time limit capped at TIME_CAP_S seconds.
  Its exit code must be 0 unless the line's comment says ``exit N``.
- ``<!-- readme-test: quote output -->`` before a fenced block: its lines are printed by the last command before
  it (stdout and stderr, in that order of lines).
- ``<!-- readme-test: quote FILE -->`` before a Markdown table or a fenced block: its lines are in FILE (relative
  to the folder the commands run in) as it is at that point of the flow.

Quoted lines must appear in that order; only whitespace is normalised (a terminal may wrap a long line). Every
fenced block that is not ```sh must be a checked quote, so no printout in the README goes unchecked.
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
README = REPO / "README.md"
#: What a fresh clone holds that the README's commands read (copied to a temporary folder, where they run).
FRESH = ("data", "scenarios", "examples")
#: Local files a developer's checkout may hold in FRESH that a fresh clone does not (the history store, outputs).
NOT_IN_A_CLONE = ("planner.sqlite*", "__pycache__", ".planner-*")

#: Seconds that cap every solver time limit in the README run (PLANNER_TEST_TIME_CAP).
TIME_CAP_S = "1"

_MARKER = re.compile(r"^<!--\s*readme-test:\s*quote\s+(\S+)\s*-->\s*$")
_EXIT = re.compile(r"\bexit (\d+)\b")


@dataclass
class Step:
    """A command to run, or a quote to compare; ``line`` is its line in README.md (1-based)."""

    line: int
    text: str
    argv: list[str] = field(default_factory=list)
    exit_code: int = 0
    quote_of: str = ""  # "output" or a file; empty for a command
    quoted: list[str] = field(default_factory=list)


def readme_steps(text: str) -> list[Step]:
    """Commands and quotes of a README, in order (see the module docstring for the conventions)."""
    steps: list[Step] = []
    lines = text.splitlines()
    pending: tuple[int, str] | None = None  # a quote marker waiting for its table or block
    i = 0
    while i < len(lines):
        raw = lines[i]
        stripped = raw.strip()
        m = _MARKER.match(stripped)
        if m:
            assert pending is None, f"README.md line {i + 1}: a quote marker follows another one without a quote"
            pending = (i + 1, m.group(1))
            i += 1
            continue
        if stripped.startswith("```"):
            lang = stripped[3:].strip()
            body: list[str] = []
            start = i + 1
            i += 1
            while i < len(lines) and not lines[i].strip().startswith("```"):
                body.append(lines[i])
                i += 1
            i += 1  # the closing fence
            if lang == "sh":
                assert pending is None, f"README.md line {pending[0]}: a quote marker before a ```sh block"
                steps.extend(_commands(body, start + 1))
                continue
            assert pending is not None, (
                f"README.md line {start}: a ```{lang} block that no test checks; put "
                "<!-- readme-test: quote output --> (or quote FILE) before it"
            )
            steps.append(Step(pending[0], "", quote_of=pending[1], quoted=body))
            pending = None
            continue
        if pending is not None and stripped.startswith("|"):
            table = []
            first = i + 1
            while i < len(lines) and lines[i].strip().startswith("|"):
                table.append(lines[i])
                i += 1
            steps.append(Step(first, "", quote_of=pending[1], quoted=table))
            pending = None
            continue
        if pending is not None and stripped:
            raise AssertionError(f"README.md line {i + 1}: expected the quoted table or block after the marker")
        i += 1
    assert pending is None, f"README.md line {pending[0]}: a quote marker with nothing after it"
    return steps


def _commands(body: list[str], first_line: int) -> list[Step]:
    out = []
    for k, raw in enumerate(body):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        words = line.split()
        assert words[0] in ("planner", "make"), (
            f"README.md line {first_line + k}: `{line}`: only planner and make commands belong in a ```sh block "
            "(this test runs every planner command)"
        )
        if words[0] != "planner":
            continue
        comment = line.split(" #", 1)[1] if " #" in line else ""
        code = _EXIT.search(comment)
        out.append(Step(first_line + k, line, argv=shlex.split(line, comments=True),
                        exit_code=int(code.group(1)) if code else 0))
    return out


def _normal(text: str) -> str:
    return " ".join(text.split())


def assert_quoted(quoted: list[str], printed: str, where: str) -> None:
    """Each quoted line (whitespace normalised) is in ``printed``, in order."""
    haystack = _normal(printed)
    pos = 0
    for q in quoted:
        needle = _normal(q)
        if not needle:
            continue
        found = haystack.find(needle, pos)
        assert found >= 0, (
            f"{where}: README.md quotes\n  {needle}\nbut it is not printed (after the quoted lines before it). "
            f"What was printed:\n{printed[-4000:]}"
        )
        pos = found + len(needle)


def clone_files() -> list[str]:
    """The files of FRESH that a fresh clone holds: git's tracked files when git knows them, else what is there
    (less what only a checkout that was used holds, NOT_IN_A_CLONE)."""
    if shutil.which("git") and (REPO / ".git").exists():
        res = subprocess.run(["git", "ls-files", "-z", *FRESH], cwd=REPO, capture_output=True, check=False)
        if res.returncode == 0:
            return [p for p in res.stdout.decode().split("\0") if p]
    out = []
    for name in FRESH:
        for path in sorted((REPO / name).rglob("*")):
            rel = path.relative_to(REPO)
            if path.is_file() and not any(part.match(pat) for part in (rel, *rel.parents) for pat in NOT_IN_A_CLONE):
                out.append(rel.as_posix())
    return out


def fresh_clone(dest: Path) -> None:
    """Copy what a fresh clone holds of FRESH into ``dest``."""
    for rel in clone_files():
        (dest / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(REPO / rel, dest / rel)


def _planner() -> str:
    exe = Path(sys.executable).with_name("planner")
    return str(exe) if exe.exists() else (shutil.which("planner") or "planner")


def test_readme_conventions_are_followed():
    """Fast: the README parses, runs commands and checks quotes; every input file a command names is in the
    repository (a fresh clone), not only on the machine of whoever wrote the README."""
    steps = readme_steps(README.read_text(encoding="utf-8"))
    commands = [s for s in steps if s.argv]
    assert len(commands) >= 20
    assert any(s.quote_of == "output" for s in steps) and any(s.quote_of.endswith(".md") for s in steps)
    files = set(clone_files())
    folders = {str(Path(f).parent) for f in files} | {str(p) for f in files for p in Path(f).parents}
    for s in commands:
        for word in s.argv[1:]:
            if word.startswith(FRESH) and "/" in word:
                assert word.rstrip("/") in files | folders, (
                    f"README.md line {s.line}: `{s.text}` reads {word}, which a fresh clone does not hold"
                )


@pytest.mark.slow
def test_readme_runs_as_written(tmp_path):
    """Every planner command of README.md, in order, in a copy of a fresh clone: exit codes and quoted output."""
    steps = readme_steps(README.read_text(encoding="utf-8"))
    fresh_clone(tmp_path)
    # PLANNER_TEST_TIME_CAP (planner.solver.solve, a hook for tests only) caps every time limit: the commands run
    # as written in a fraction of their time. Nothing quoted depends on how long the search ran.
    env = {**os.environ, "COLUMNS": "200", "NO_COLOR": "1", "TERM": "dumb", "PLANNER_TEST_TIME_CAP": TIME_CAP_S}
    env.pop("PLANNER_DEBUG", None)
    planner = _planner()
    printed = ""
    last = "(no command yet)"
    for s in steps:
        if s.argv:
            proc = subprocess.run([planner, *s.argv[1:]], cwd=tmp_path, env=env, stdout=subprocess.PIPE,
                                  stderr=subprocess.STDOUT, text=True, timeout=900, check=False)
            printed, last = proc.stdout, f"README.md line {s.line}"
            assert proc.returncode == s.exit_code, (
                f"README.md line {s.line}: `{s.text}` exited {proc.returncode}; the README says "
                f"{s.exit_code}:\n{printed[-4000:]}"
            )
        elif s.quote_of == "output":
            assert_quoted(s.quoted, printed, f"README.md line {s.line} (output of {last})")
        else:
            target = tmp_path / s.quote_of
            assert target.is_file(), f"README.md line {s.line}: quotes {s.quote_of}, which no command wrote"
            assert_quoted(s.quoted, target.read_text(encoding="utf-8"), f"README.md line {s.line} ({s.quote_of})")


def test_quotes_are_compared_line_by_line_in_order():
    """The comparison itself: whitespace is normalised, text is not, and order matters."""
    printed = "a  line\n  wrapped\nacross lines\nlast"
    assert_quoted(["a line wrapped", "across   lines"], printed, "t")
    with pytest.raises(AssertionError):
        assert_quoted(["last", "a line"], printed, "t")
    with pytest.raises(AssertionError):
        assert_quoted(["a line wrapped across Lines"], printed, "t")


def test_a_quote_without_its_marker_is_refused():
    text = "```sh\nplanner validate data/demo\n```\n\n```text\nvalid\n```\n"
    with pytest.raises(AssertionError, match="no test checks"):
        readme_steps(text)
    steps = readme_steps(text.replace("```text", "<!-- readme-test: quote output -->\n```text"))
    assert [s.quote_of for s in steps] == ["", "output"]
    assert steps[0].argv == ["planner", "validate", "data/demo"] and steps[0].exit_code == 0


def test_exit_code_comes_from_the_comment():
    steps = readme_steps("```sh\nplanner check out/r.csv data/demo   # breaches: exit 1\nmake demo\n```\n")
    assert [(s.argv[1], s.exit_code) for s in steps] == [("check", 1)]
