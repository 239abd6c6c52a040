"""Input text is data, as a class: hostile values in every string field of every input file, through every
command that renders, must come out as typed (or neutralised), never run, never crash.

The fields are not listed by hand. ``load_dataset`` is run on a folder that holds every input file while
``read_csv`` is watched: every column any loader asks for is a field. A column not known below as typed (ids,
codes, numbers, dates, enumerations) gets hostile text, so a new text column is covered the day it is added,
and a new typed column fails here until it is described. A new input file (a ``*.csv`` name in
``planner.dataset``) fails ``test_every_input_file_is_covered`` until the folder below writes it. String
properties of the wijken file, planner.toml (team name, shift names, absence reasons), the scenario name and
the data folder's own name are hostile too.

Two payload sets:

- ``code``: Jinja2 expressions, statements and comments (one of them makes a folder when run, so running is
  seen), HTML and script, Rich markup and emoji codes, a spreadsheet formula at the start, separators and
  quotes, Markdown images and links, mathtext.
- ``text``: long non-ASCII text, right-to-left text with a bidi override, line breaks, and control characters
  (everything but NUL).

Each command runs once per set (module fixture); the tests then look at its output.
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from unittest import mock

import geopandas as gpd
import pytest
from shapely.geometry import box

from planner import dataset as dataset_module
from planner.tables import normalise_newlines
from tests._robust_helpers import invoke

WEEK = "2027-W03"
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")

# ---- the schema, found by watching the loaders ---------------------------------------------------------------

#: Typed columns: a valid value per (file, column) or column. Every other column is text and gets a hostile value.
TYPED: dict[Any, Any] = {
    "officer_id": None,  # filled per row below
    "wijk_code": None,
    "gemeente_code": None,
    "contract_hours": "36",
    "night_exempt": "nee",
    "officers": "1",
    "inwoners": None,
    "priority": "hoog",
    "kind": "event",
    "hours": "",
    "date": None,
    "day": None,
    ("absences.csv", "start"): "2027-01-20",
    ("absences.csv", "end"): "2027-01-20",
    "start": "10:00",
    "end": "14:00",
}
#: Text columns whose value must be the same in two files (a team_demand row names an officers.csv team).
SHARED = {"team"}


def _schemas(folder: Path) -> dict[str, list[str]]:
    """Every CSV a loader reads, with the columns it asks for (required first), by watching ``read_csv``."""
    seen: dict[str, list[str]] = {}
    real = dataset_module.read_csv

    def spy(path, required, optional=None):  # type: ignore[no-untyped-def]
        seen[Path(path).name] = list(required) + list(optional or [])
        # The probe folder writes only the typed columns: add the text columns a loader requires.
        rows = list(csv.DictReader(io.StringIO(Path(path).read_text(encoding="utf-8"))))
        if rows and any(c not in rows[0] for c in required):
            name = Path(path).name
            fill = {c: TYPED.get((name, c), TYPED.get(c)) or "x" for c in required}
            Path(path).write_text(_csv_text([{**fill, **r} for r in rows]), encoding="utf-8")
        return real(path, required, optional)

    with mock.patch.object(dataset_module, "read_csv", spy):
        dataset_module.load_dataset(folder)
    return seen


# ---- hostile values ------------------------------------------------------------------------------------------


def _tag(field: str) -> str:
    return re.sub(r"\W", "_", field)


def code_payload(field: str) -> str:
    t = _tag(field)
    return (
        "=cmd|' /C calc'!A0 {{7*7}} {% if 1 %}RAN_IF{% endif %}{# hidden #} "
        f"{{{{ lipsum.__globals__.os.mkdir(dict(pwned_{t}=1)|first) }}}} "
        f"{{% set _x = lipsum.__globals__.os.mkdir(dict(pwnedset_{t}=1)|first) %}} "
        "[/b][bold red]R[/] [link=http://evil.example]L[/link] :x: :smile: "
        "<script>window.__pwned=1</script><img src=x onerror=alert(1)> "
        "![x](http://evil.example/t.png) [k](javascript:alert(1)) a;=HYPERLINK(1);b,c\"d'e,@SUM(1) $x^2$ "
        f"{field}"
    )


def text_payload(field: str) -> str:
    return (
        "Ærø Ñandú ẞtraße " * 12 + "𝔘𝔫𝔦𝔠𝔬𝔡𝔢 🚓 \u202eمرحبا שלום\u202c "
        "regel een\nregel twee\r\nregel drie "
        "ctrl\x01\x07\x08\x0b\x0c\x1b[31m\x7f\x85\x9b end "
        f"{field}"
    )


PAYLOADS = {"code": code_payload, "text": text_payload}
#: Inputs strip surrounding white space and lower-case absence reasons and themes: compare with what was loaded.
MARKERS = ("pwned_", "pwnedset_")


def _toml_str(text: str) -> str:
    """A TOML basic string (JSON escapes are valid TOML except that DEL must be escaped too)."""
    return json.dumps(text, ensure_ascii=False).replace("\x7f", "\\u007f")


def _csv_text(rows: list[dict[str, str]]) -> str:
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=list(rows[0]), lineterminator="\n")
    w.writeheader()
    w.writerows(rows)
    return buf.getvalue()


WIJKEN = [("WK099901", "GM0999"), ("WK099902", "GM0999"), ("WK099801", "GM0998")]
OFFICERS = [("W1", "WK099901"), ("W2", "WK099902"), ("W3", "WK099801")]


def _write_folder(root: Path, payload, schemas: dict[str, list[str]] | None = None) -> Path:  # type: ignore[no-untyped-def]
    """The hostile data folder: three officers in three wijken of two gemeenten, every optional file."""
    root.mkdir(parents=True)
    gpd.GeoDataFrame(
        {"wijk_code": [w for w, _ in WIJKEN], "wijk_naam": [payload(f"wijken.wijk_naam.{w}") for w, _ in WIJKEN],
         "gemeente_code": [g for _, g in WIJKEN], "gemeente_naam": [payload(f"wijken.gemeente_naam.{g}")
                                                                   for _, g in WIJKEN],
         "water": ["NEE"] * 3, "inwoners": [5000, 4000, 3000]},
        geometry=[box(150_000 + i * 1000, 450_000, 151_000 + i * 1000, 451_000) for i in range(3)],
        crs="EPSG:28992",
    ).to_file(root / "wijken.geojson", driver="GeoJSON")
    reason = payload("absences.reason").strip().lower()
    shifts = "".join(
        f'[[shifts]]\ncode = "{c}"\nname = {_toml_str(payload(f"planner.toml.shifts.{c}.name"))}\n'
        f'start = "{s}"\nend = "{e}"\n\n'
        for c, s, e in (("V", "07:00", "15:00"), ("D", "09:00", "17:00"), ("L", "15:00", "23:00"),
                        ("N", "23:00", "07:00"))
    )
    (root / "planner.toml").write_text(
        f"[team]\nname = {_toml_str(payload('planner.toml.team.name'))}\n\n{shifts}"
        f'[absences]\nunavailable = ["ziek", "verlof", {_toml_str(reason)}]\n\n'
        "[solver]\ntime_limit_s = 5\nworkers = 1\n\n[privacy]\nmin_group_size = 1\n",
        encoding="utf-8",
    )
    files = {
        "officers.csv": [{"officer_id": o, "wijk_code": w} for o, w in OFFICERS],
        "absences.csv": [{"officer_id": "W3", "reason": reason}],
        "demand.csv": [{"wijk_code": "WK099901", "day": "di"}, {"wijk_code": "WK099801", "day": "do"}],
        "team_demand.csv": [{"wijk_code": "WK099902", "day": "do"}],
        "wishes.csv": [{"officer_id": "W2", "date": "2027-01-22"}],
        "population.csv": [{"wijk_code": w, "inwoners": str(5000 - 1000 * i)} for i, (w, _) in enumerate(WIJKEN)],
        "gemeenten.csv": [{"gemeente_code": "GM0999"}, {"gemeente_code": "GM0998"}],
    }
    for name, rows in files.items():
        columns = (schemas or {}).get(name) or list(rows[0])
        full = []
        for i, given in enumerate(rows):
            row = {}
            for col in columns:
                if col in given:
                    row[col] = given[col]
                elif (name, col) in TYPED:
                    row[col] = TYPED[(name, col)]
                elif col in TYPED and TYPED[col] is not None:
                    row[col] = TYPED[col]
                elif col in TYPED:
                    raise AssertionError(f"{name}: typed column {col} needs a value per row")
                elif col in SHARED:
                    row[col] = payload(f"shared.{col}")
                else:
                    row[col] = payload(f"{name[:-4]}.{col}.{i}")
            full.append(row)
        (root / name).write_text(_csv_text(full), encoding="utf-8")
    return root


def _roster_text(payload) -> str:  # type: ignore[no-untyped-def]
    """A hand-made roster (also realized hours): wijk blocks Mon-Thu, an event whose free-text task is hostile."""
    rows = []
    for o, w in OFFICERS:
        for d in ("18", "19", "21", "22"):
            rows.append({"officer_id": o, "date": f"2027-01-{d}", "start": f"2027-01-{d}T09:00+01:00",
                         "end": f"2027-01-{d}T17:00+01:00", "activity": "wijk", "wijk_code": w, "shift": "D",
                         "task": ""})
    rows.append({"officer_id": "W1", "date": "2027-01-20", "start": "2027-01-20T09:00+01:00",
                 "end": "2027-01-20T13:00+01:00", "activity": "event", "wijk_code": "", "shift": "D",
                 "task": payload("roster.task")})
    return _csv_text(rows)


# ---- running everything once per payload set ------------------------------------------------------------------


class Run:
    """The data folder, what was loaded from it, and the result of every command."""

    def __init__(self, tmp: Path, kind: str) -> None:
        self.tmp, self.kind, self.payload = tmp, kind, PAYLOADS[kind]
        self.results: dict[str, Any] = {}

    def shown(self, field: str) -> str:
        """The value of an input field as the program holds it (inputs are stripped; themes normalised)."""
        return self.values[field]


def _run_all(tmp: Path, kind: str) -> Run:
    from planner.cli._app import console, err_console

    run = Run(tmp, kind)
    payload = run.payload
    base = _write_folder(tmp / "schema", lambda f: "x")
    run.schemas = _schemas(base)
    data = _write_folder(tmp / f"data {{{{7*7}}}} [b]:x:[red] {kind}", payload, run.schemas)
    run.data = data
    ds = dataset_module.load_dataset(data)
    run.ds = ds
    g = ds.wijken.set_index("wijk_code")
    run.values = {
        "wijk_naam": [str(v) for v in g["wijk_naam"]],
        "gemeente_naam": sorted({str(v) for v in g["gemeente_naam"]}),
        "officer_name": [str(v) for v in ds.officers["name"]],
        "team": [str(ds.officers["team"].iloc[0])],
        "theme": sorted({str(t).replace("_", " ") for t in ds.demand["theme"]}),
        "team_name": [ds.config.team_name],
    }
    roster = data.parent / "roster.csv"
    roster.write_text(_roster_text(payload), encoding="utf-8")
    run.roster = roster
    scenario = data.parent / "scenario.toml"
    scenario.write_text(f"name = {_toml_str(payload('scenario.name'))}\n"
                        f"description = {_toml_str(payload('scenario.description'))}\n"
                        '[absent]\nofficers = ["W1"]\n', encoding="utf-8")
    run.scenario_name = payload("scenario.name")
    out = tmp / "out"
    run.out = out
    cwd = Path.cwd()
    widths = (console.width, err_console.width)
    os.chdir(tmp)
    console.width = err_console.width = 20000  # one grid row per line: a name is not wrapped
    try:
        cmds: dict[str, list[Any]] = {
            "validate": ["validate", data],
            "roster": ["roster", data, "-w", WEEK, "-o", out / "roster", "--time-limit", "5", "--workers", "1"],
            "check": ["check", roster, data],
            "map": ["map", data, "--roster", roster, "--out", out / "map.html", "--png"],
            "map_names": ["map", data, "--roster", roster, "--out", out / "map-names.html", "--names"],
            **{f"report_{fmt}": ["report", data, "-p", WEEK, "-r", roster, "--realized", roster, "-o",
                                 out / f"report.{fmt}"] for fmt in ("html", "md", "csv", "xlsx", "json")},
            **{f"internal_{fmt}": ["report", data, "-p", WEEK, "-r", roster, "--internal", "-o",
                                   out / f"internal.{fmt}"] for fmt in ("html", "md", "csv", "xlsx", "json")},
            "publish": ["publish", out / "roster", "--data", data],
            "report_store": ["report", data, "-p", WEEK, "-o", out / "store.md"],
            "cover": ["cover", roster, data, "--wijk", "WK099901", "--start", "2027-01-23T10:00",
                      "--end", "2027-01-23T12:00"],
            "whatif": ["whatif", data, scenario, "-w", WEEK, "-o", out / "whatif", "--time-limit", "3",
                       "--workers", "1"],
            "sweep": ["sweep", data, "-w", WEEK, "--absence-rate", "0.4", "--samples", "2", "--workers", "1",
                      "--time-limit", "0.1", "-o", out / "sweep"],
            "staffing": ["staffing", data, "--gemeente", "GM0999", "-w", WEEK, "--max-extra", "1",
                         "--time-limit", "2", "--workers", "1"],
        }
        for name, args in cmds.items():
            run.results[name] = invoke(args)
    finally:
        os.chdir(cwd)
        console.width, err_console.width = widths
    run.markers = [p for p in tmp.rglob("*") if p.name.startswith(MARKERS)] + \
        [p for p in cwd.iterdir() if p.name.startswith(MARKERS)]
    return run


_RUNS: dict[str, Run] = {}


@pytest.fixture(scope="module", params=list(PAYLOADS))
def run(request, tmp_path_factory) -> Run:  # type: ignore[no-untyped-def]
    kind = request.param
    if kind not in _RUNS:
        _RUNS[kind] = _run_all(tmp_path_factory.mktemp(f"hostile-{kind}"), kind)
    return _RUNS[kind]


# ---- page text -------------------------------------------------------------------------------------------------


class _PageText(HTMLParser):
    """Text a reader sees: text nodes and attribute values, and the strings of JSON data blocks (HTML fragments
    among them parsed again as HTML)."""

    #: Keys of the map's data whose strings are HTML fragments (tooltips, legends); the others are plain text.
    HTML_KEYS = {"t", "l", "legends", "legend", "note"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.text: list[str] = []  # text nodes only (no attribute values)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self._script: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        self.tags.append((tag, a))
        self.parts += [v for v in a.values() if v]
        if tag == "script":
            self._script = a.get("type") or "text/javascript"

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._script = None

    def handle_data(self, data: str) -> None:
        if self._script == "application/json":
            self._strings(json.loads(data), False)
        elif self._script is None:
            self.parts.append(data)
            self.text.append(data)

    def _strings(self, value: Any, html: bool) -> None:
        if isinstance(value, str):
            if html:
                inner = _PageText()
                inner.feed(value)
                self.parts += inner.parts
                self.text += inner.text
                self.tags += inner.tags
            else:
                self.parts.append(value)
                self.text.append(value)
        elif isinstance(value, dict):
            for k, v in value.items():
                self._strings(v, html or k in self.HTML_KEYS)
        elif isinstance(value, list):
            for v in value:
                self._strings(v, html)


def _read(path: Path) -> str:
    """The file's text as written (read_text would turn a CR inside a name into a line feed)."""
    return path.read_bytes().decode("utf-8-sig")


def _page(path: Path) -> _PageText:
    p = _PageText()
    p.feed(_read(path))
    return p


def _assert_shown(page: _PageText, values: list[str], where: str) -> None:
    text = "\x00".join(page.parts)
    for v in values:
        assert v in text, f"{where}: {v[:60]!r} not shown as typed"


def _assert_no_injected_markup(page: _PageText, where: str, scripts: int = 0) -> None:
    assert [t for t, _ in page.tags].count("script") == scripts, where
    for tag, attrs in page.tags:
        if tag == "img":
            assert (attrs.get("src") or "").startswith("data:image/"), (where, attrs)
        assert not any(k.startswith("on") for k in attrs), (where, tag, attrs)
        assert tag not in ("iframe", "object", "embed", "a") or (attrs.get("href") or "").startswith("maps/"), (
            where, tag, attrs)
    text = "\x00".join(page.text)
    assert "RAN_IF" not in text.replace("{% if 1 %}RAN_IF{% endif %}", ""), where


# ---- the tests ---------------------------------------------------------------------------------------------------


def test_every_input_file_is_covered(run: Run) -> None:
    """Every CSV name in planner.dataset is written (with hostile text) by the folder above."""
    names = {v for v in vars(dataset_module).values() if isinstance(v, str) and v.endswith(".csv")}
    assert names <= set(run.schemas), f"add rows for {sorted(names - set(run.schemas))} to _write_folder"
    text_columns = {(f, c) for f, cols in run.schemas.items() for c in cols
                    if (f, c) not in TYPED and c not in TYPED}
    # The text fields today; a new one joins automatically (this only guards against losing the watch).
    assert {("officers.csv", "name"), ("officers.csv", "team"), ("demand.csv", "theme"), ("demand.csv", "note"),
            ("team_demand.csv", "name"), ("absences.csv", "reason"), ("gemeenten.csv", "gemeente_naam")} <= \
        text_columns | {("absences.csv", "reason")}


def test_inputs_load_as_typed(run: Run) -> None:
    """What the program holds is what was written (inputs are stripped; themes lower-cased, spaces as _; in a
    CSV file every line ending, also one inside a quoted field, reads as LF: docs/data-format.md, line endings)."""
    p = run.payload

    def csv_field(field: str) -> str:
        return normalise_newlines(p(field)).strip()

    assert run.ds.config.team_name == p("planner.toml.team.name")
    assert sorted(run.values["wijk_naam"]) == sorted(p(f"wijken.wijk_naam.{w}").strip() for w, _ in WIJKEN)
    assert sorted(run.values["officer_name"]) == sorted(csv_field(f"officers.name.{i}") for i in range(3))
    assert run.values["gemeente_naam"] == sorted(csv_field(f"gemeenten.gemeente_naam.{i}") for i in range(2))


def test_no_payload_ran(run: Run) -> None:
    """No Jinja2 expression or statement ran in any command (each would have made a pwned_* folder)."""
    assert run.markers == []


COMMANDS = ["validate", "roster", "check", "map", "map_names", "report_html", "report_md", "report_csv",
            "report_xlsx", "report_json", "internal_html", "internal_md", "internal_csv", "internal_xlsx",
            "internal_json", "publish", "report_store", "cover", "whatif", "sweep", "staffing"]


@pytest.mark.parametrize("command", COMMANDS)
def test_command_succeeds_without_traceback(run: Run, command: str) -> None:
    res = run.results[command]
    assert "Traceback" not in res.output
    assert res.exception is None or isinstance(res.exception, SystemExit), repr(res.exception)
    assert res.exit_code in ((0, 1) if command in ("check", "cover") else (0,)), (res.exit_code, res.output[-800:])


def test_terminal_shows_names_as_typed(run: Run) -> None:
    """The roster grid prints officer names literally: markup, emoji codes and control characters as text."""
    from planner.cli._app import visible

    out = run.results["roster"].output
    assert run.results["roster"].exit_code == 0, out[-800:]
    for name in run.values["officer_name"]:
        for line in visible(name).split("\n"):
            assert line.strip() in out, line[:60]
    assert "\x1b[31m" not in out and "\u202e" not in out and "❌" not in out and "😄" not in out


def test_validate_and_whatif_print_paths_and_names_as_typed(run: Run) -> None:
    from planner.cli._app import visible

    assert visible(str(run.data)) in run.results["validate"].output
    whatif = run.results["whatif"].output
    assert visible(run.scenario_name.strip()).split("\n")[0] in whatif
    assert "❌" not in whatif and "\x1b[31m" not in whatif


@pytest.mark.parametrize(("page", "fields", "scripts"), [
    ("map.html", ("wijk_naam", "gemeente_naam", "team_name"), 3),
    ("map-names.html", ("wijk_naam", "gemeente_naam", "team_name", "officer_name", "team"), 3),
    ("report.html", ("wijk_naam", "gemeente_naam", "theme"), 0),
    ("internal.html", ("wijk_naam", "gemeente_naam", "theme", "officer_name", "team"), 0),
    ("whatif/kpis.html", (), 0),
    ("whatif/maps/base.html", ("wijk_naam", "gemeente_naam", "team_name"), 3),
    ("sweep/sweep.html", ("wijk_naam", "gemeente_naam"), 0),
])
def test_pages_show_input_text_as_typed(run: Run, page: str, fields: tuple[str, ...], scripts: int) -> None:
    p = _page(run.out / page)
    _assert_no_injected_markup(p, page, scripts)
    _assert_shown(p, [v for f in fields for v in run.values[f]], page)
    if page == "whatif/kpis.html":
        _assert_shown(p, [run.scenario_name.strip(), str(run.data)], page)
    if page in ("map.html", "report.html", "sweep/sweep.html"):
        text = "\x00".join(p.parts)
        assert not any(n in text for n in run.values["officer_name"]), "municipal page names an officer"


def test_municipal_pages_hold_no_free_text_of_the_roster(run: Run) -> None:
    for page in ("map.html", "report.html"):
        assert "roster.task" not in (run.out / page).read_text(encoding="utf-8"), page


@pytest.mark.parametrize("name", ["report.md", "internal.md", "store.md"])
def test_markdown_shows_input_text_as_typed(run: Run, name: str) -> None:
    from tests.test_report_formats import md_to_html

    html = md_to_html(_read(run.out / name))
    p = _PageText()
    p.feed(html)
    assert not {"a", "img", "script", "em", "code", "del"} & {t for t, _ in p.tags}, name
    fields = ["wijk_naam", "gemeente_naam", "theme"] + (["officer_name"] if name == "internal.md" else [])
    text = "\x00".join(p.parts)
    for f in fields:
        for v in run.values[f]:
            flat = re.sub(r"[\r\n\u2028\u2029\x0b\x0c\x85]+", " ", v)
            assert flat in text, (name, f, flat[:60])


def _csv_cells(path: Path) -> list[str]:
    text = _read(path)
    return [c for row in csv.reader(io.StringIO(text)) for c in row]


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


@pytest.mark.parametrize("name", ["report.csv", "internal.csv", "sweep/samples.csv", "sweep/wijk_risk.csv",
                                  "whatif/kpis.csv"])
def test_csv_cells_are_text_not_formulas(run: Run, name: str) -> None:
    cells = _csv_cells(run.out / name)
    bad = [c for c in cells if c.startswith(FORMULA_START) and not _is_number(c)]
    assert bad == [], (name, bad[:3])


@pytest.mark.parametrize("name", ["report.csv", "internal.csv", "sweep/wijk_risk.csv"])
def test_csv_fields_survive_a_semicolon_reader(run: Run, name: str) -> None:
    """Dutch Excel splits on ';': a field holding ';' must be quoted, so no split-off piece starts a formula."""
    cells = [c for row in csv.reader(io.StringIO(_read(run.out / name)), delimiter=";") for c in row]
    assert not [c for c in cells if c.lstrip(" \"").startswith(("=", "+", "@"))], name


@pytest.mark.parametrize("name", ["report.xlsx", "internal.xlsx", "roster/roster.xlsx"])
def test_xlsx_cells_are_text_not_formulas(run: Run, name: str) -> None:
    from openpyxl import load_workbook

    wb = load_workbook(run.out / name)
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for c in row:
                assert c.data_type != "f", (name, ws.title, c.coordinate)
                if isinstance(c.value, str):
                    assert not c.value.startswith(FORMULA_START), (name, ws.title, c.coordinate, c.value[:40])


def test_roster_csv_holds_no_formula(run: Run) -> None:
    path = run.out / "roster" / "roster.csv"
    assert path.is_file()
    bad = [c for c in _csv_cells(path) if c.startswith(FORMULA_START) and not _is_number(c)]
    assert bad == [], bad[:3]


def test_json_outputs_hold_the_text_as_typed(run: Run) -> None:
    doc = json.loads((run.out / "report.json").read_text(encoding="utf-8"))
    names = {r["wijk_naam"] for r in doc["tables"]["wijken"]["rows"]}
    assert set(run.values["wijk_naam"]) <= names


def test_png_maps_draw_names_without_mathtext(run: Run) -> None:
    pngs = sorted(run.out.glob("map-*.png"))
    assert len(pngs) == 7 and all(p.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" for p in pngs)


def test_calendars_parse_and_carry_names_as_typed(run: Run) -> None:
    """Every .ics parses, also by the strict 'ical' parser; an event's free-text name comes back from the DESCRIPTION
    as typed, each control character that RFC 5545 forbids shown as its escape (docs/outputs.md)."""
    from icalendar import Calendar

    from planner.safe import ics_text

    ical_calendar = pytest.importorskip("ical.calendar_stream", reason="the 'ical' validator is a test extra")
    files = sorted((run.out / "roster" / "ics").glob("*.ics"))
    assert files
    texts = []
    for path in files:
        ical_calendar.IcsCalendarStream.calendar_from_ics(path.read_text(encoding="utf-8"))
        cal = Calendar.from_ical(path.read_bytes())
        texts += [str(ev.get("DESCRIPTION", "")) + str(ev.get("SUMMARY", "")) for ev in cal.walk("VEVENT")]
    name = str(run.ds.team_demand["name"].iloc[0])
    assert any(ics_text(name) in t for t in texts), "the event's name is not in any calendar as typed"
