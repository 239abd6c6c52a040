"""The terminal prints input text as typed: no Rich markup, no emoji codes, no terminal control sequences."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from tests._robust_helpers import ROSTER_HEADER, WEEK, WIJK_A, WIJK_B, invoke, write_data

#: Text that Rich would read as markup or emoji, or a terminal as a command.
TRAPS = ["[/b]", "[bold red]rood[/]", "[link=http://evil.example]klik[/link]", ":x: :smile:", "\\[/b]"]
ESC = "\x1b[2J\x1b[31m"  # clear the screen, turn red
BIDI = "\u202eesrever"


@pytest.mark.parametrize("text", [*TRAPS, ESC, BIDI, "a\rb", "\x07bell", "\x9bC1"])
def test_plain_console_prints_text_as_typed(text: str) -> None:
    from rich.table import Table

    from planner.cli._app import PlainConsole, literal, visible

    buf = io.StringIO()
    c = PlainConsole(file=buf, width=200, force_terminal=False, color_system=None)
    c.print(f"line {text}")
    t = Table(title=f"title {text}")
    t.add_column(f"col {text}")
    t.add_row(text)
    t.add_row(literal(text, "red"))
    c.print(t)
    out = buf.getvalue()
    shown = visible(text)
    assert out.count(shown) >= 4, out
    for ch in "\x1b\x07\r\u202e":
        assert ch not in out
    assert shown == text or "\\" in shown


def _rows(*ids: str) -> str:
    """Two 14-hour blocks on one day: a shift longer than the law's 12 hours, so check reports a breach."""
    return ROSTER_HEADER + "".join(
        f"{oid},2027-01-18,2027-01-18T06:00+01:00,2027-01-18T20:00+01:00,wijk,{WIJK_A},,\n" for oid in ids
    )


def test_check_prints_ids_with_markup_literally(tmp_path: Path) -> None:
    """An officer id with [/b] and :x: crashed planner check's breach table (MarkupError) before."""
    oid = "W[/b]:x:"
    officers = f"officer_id,name,wijk_code,contract_hours\n{oid},Anna [red]Jansen[/],{WIJK_A},36\n"
    data = write_data(tmp_path / "d", {"officers.csv": officers, "absences.csv": None, "wishes.csv": None,
                                       "team_demand.csv": None})
    roster = tmp_path / "roster.csv"
    roster.write_text(_rows(oid), encoding="utf-8")
    res = invoke(["check", roster, data])
    assert res.exit_code == 1, res.output
    assert "Traceback" not in res.output and res.exception is None or isinstance(res.exception, SystemExit)
    assert oid in res.output


def test_roster_prints_paths_and_names_literally(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """An output folder named with [/b] crashed 'written to …' before; names with markup show as typed."""
    from planner.cli._app import console

    monkeypatch.setattr(console, "width", 400)  # one grid row per line, so a name is not wrapped
    name = "Anna [/b] :x: [red]x"
    officers = ("officer_id,name,wijk_code,contract_hours,team\n"
                f"W-01,{name},{WIJK_A},36,Team [/b]\nW-02,Bert,{WIJK_B},32,Team [/b]\n")
    data = write_data(tmp_path / "d", {"officers.csv": officers, "absences.csv": None, "wishes.csv": None,
                                       "team_demand.csv": None, "planner.toml": "[solver]\nworkers = 1\n"})
    out = tmp_path / "out [/b] :x:"
    res = invoke(["roster", data, "-w", WEEK, "-o", out, "--time-limit", "5"])
    assert res.exit_code == 0, res.output
    assert f"written to {out}/" in res.output
    assert name in res.output
    assert "❌" not in res.output


def test_error_line_keeps_emoji_codes_and_brackets(tmp_path: Path) -> None:
    missing = tmp_path / "map :x: [red]x[\\b]"
    res = invoke(["validate", missing])
    assert res.exit_code == 2
    assert f"error: {missing.name}: is not a folder" in res.output
    assert "❌" not in res.output


def test_cli_prints_go_through_the_plain_console() -> None:
    """No command module makes its own Rich console or passes markup=True: the one PlainConsole is used."""
    import re

    root = Path(__file__).resolve().parents[1] / "planner"
    for path in root.rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        if path.name != "_app.py":
            assert not re.search(r"\bConsole\(", text), path
        assert "markup=True" not in text and "from_markup" not in text, path
