"""planner publish, import-realized and report from the command line: happy paths, exit codes, error lines,
help text."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from planner.cli import app
from tests._report_helpers import IDS, NAMES, PLANNED_W03, PLANNED_W04, REALIZED_W03, make_data, make_out_dir, write

runner = CliRunner()
COMMANDS = ("publish", "import-realized", "report")


@pytest.fixture
def folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    make_data(tmp_path / "data")
    make_out_dir(tmp_path / "out3", PLANNED_W03, "2027-W03")
    make_out_dir(tmp_path / "out4", PLANNED_W04, "2027-W04")
    write(tmp_path / "realized.csv", REALIZED_W03)
    return tmp_path


def _ok(args: list[str]):
    res = runner.invoke(app, args)
    assert res.exit_code == 0, res.output
    return res


def test_publish_import_and_report_from_the_store(folder: Path) -> None:
    assert "published 2027-W03 version 1" in _ok(["publish", "out3", "--data", "data"]).output
    assert "published 2027-W03 version 2" in _ok(["publish", "out3", "--data", "data"]).output
    _ok(["publish", "out4", "--data", "data"])
    assert "imported batch 1: 9 blocks in 2027-W03" in _ok(["import-realized", "realized.csv", "--data", "data"]).output
    assert (folder / "data" / "planner.sqlite").exists()
    _ok(["report", "data", "--period", "2027-W03..2027-W04", "--out", "r.json"])
    doc = json.loads((folder / "r.json").read_text())
    gm = {r["gemeente_code"]: r for r in doc["tables"]["gemeenten"]["rows"]}
    assert (gm["GM0001"]["share_planned"], gm["GM0001"]["share_realized"]) == (0.944, 0.666)
    assert doc["meta"]["sources"]["planned"] == ["2027-W03 v2", "2027-W04 v1"]
    assert doc["meta"]["sources"]["realized"] == ["2027-W03 import 1"]


@pytest.mark.parametrize("fmt", ["html", "md", "csv", "xlsx", "json"])
def test_report_from_files_in_every_format(folder: Path, fmt: str) -> None:
    out = folder / f"report.{fmt}"
    _ok(["report", "data", "--period", "2027-W03", "--roster", "out3/roster.csv", "--realized", "realized.csv",
         "--out", str(out), "--lang", "en", "--gemeente", "GM0002"])
    data = out.read_bytes()
    assert data and not list(folder.glob(".report*"))  # written atomically, no temporary left
    if fmt != "xlsx":
        text = data.decode("utf-8-sig")
        assert "GM0002" in text and "GM0001" not in text
        assert not any(n in text for n in NAMES + IDS)


def test_fail_under_exit_codes(folder: Path) -> None:
    base = ["report", "data", "--period", "2027-W03", "--roster", "out3/roster.csv", "--realized", "realized.csv",
            "--out", "r.md"]
    # Municipal: GM0001 realized 66.6 %, GM0002 75.0 % -> below 0.8, not below 0.6.
    res = runner.invoke(app, [*base, "--fail-under", "0.8"])
    assert res.exit_code == 1 and "GM0001" in res.output and "GM0002" in res.output
    assert not any(i in res.output for i in IDS)
    assert (folder / "r.md").exists()  # the report is still written
    assert runner.invoke(app, [*base, "--fail-under", "0.6"]).exit_code == 0
    # Internal: per officer.
    res = runner.invoke(app, [*base, "--internal", "--fail-under", "0.7"])
    assert res.exit_code == 1 and "wa7001" in res.output and "wa7002" not in res.output  # 66.6 % < 70 % <= 75 %


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["report", "data", "--period", "2027-W99", "--out", "r.md", "--roster", "out3/roster.csv"],
         "week 99 does not exist"),
        (["report", "data", "--period", "2027-W03", "--out", "r.pdf", "--roster", "out3/roster.csv"],
         "'.pdf' is not a report format"),
        (["report", "data", "--period", "2027-W03", "--out", "r.md"], "planner.sqlite: does not exist"),
        (["report", "data", "--period", "2027-W03", "--out", "r.md", "--roster", "nope.csv"],
         "nope.csv: does not exist"),
        (["report", "data", "--period", "2027-W03", "--out", "r.md", "--roster", "out3/roster.csv", "-g", "GM7"],
         "'GM7' is not a gemeente"),
        (["report", "data", "--period", "2027-W03", "--out", "r.md", "--roster", "out3/roster.csv", "--lang", "de"],
         "'de' is not a language"),
        (["report", "data", "--period", "2027-W03", "--out", "r.md", "--roster", "out3/roster.csv",
          "--fail-under", "80"], "80 is not a share"),
        (["report", "data", "--period", "2027-W03", "--out", "r.md", "--store", "realized.csv"],
         "realized.csv: is not a planner store"),
        (["publish", "data", "--data", "data"], "roster.csv: does not exist"),
        (["publish", "out3"], "give --data DATA_DIR"),
        (["import-realized", "missing.csv", "--data", "data"], "missing.csv: does not exist"),
    ],
)
def test_cli_errors_are_one_line_with_exit_2_and_write_nothing(folder: Path, args: list[str], message: str) -> None:
    res = runner.invoke(app, args)
    assert res.exit_code == 2, res.output
    assert message in res.output
    assert len(res.output.strip().splitlines()) == 1
    assert not (folder / "r.md").exists() and not (folder / "r.pdf").exists()


def test_import_of_an_unknown_officer_names_the_row(folder: Path) -> None:
    write(folder / "bad.csv", REALIZED_W03.replace("wa7002,2027-01-21", "ghost,2027-01-21"))
    res = runner.invoke(app, ["import-realized", "bad.csv", "--data", "data"])
    assert res.exit_code == 2
    assert "bad.csv, row 9, column 'officer_id': officer 'ghost' is not in officers.csv" in res.output
    assert not (folder / "data" / "planner.sqlite").exists()


def test_help_text_on_every_command_and_option() -> None:
    from typer.main import get_command

    group = get_command(app)
    for name in COMMANDS:
        res = runner.invoke(app, [name, "--help"])
        assert res.exit_code == 0, name
        cmd = group.commands[name]  # type: ignore[attr-defined]
        assert cmd.help, name
        for param in cmd.params:
            assert getattr(param, "help", None), (name, param.name)
