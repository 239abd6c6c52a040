"""The five report formats: built from one figures object, parsed back they agree; HTML is self-contained and
escaped; CSV and XLSX cells cannot run formulas; the municipal report names no officer in any format."""

from __future__ import annotations

import csv
import io
import json
import re
import zipfile
from html.parser import HTMLParser
from pathlib import Path

import pytest

from planner.dataset import load_dataset
from planner.report import build_figures, load_sources, render
from planner.report import texts as T
from tests._report_helpers import IDS, NAMES, PLANNED_W03, PLANNED_W04, REALIZED_W03, make_data, write

FORMATS = ("html", "md", "csv", "xlsx", "json")
NUMERIC = {"count", "hours", "share", "ratio"}
HOSTILE = "<script>alert(1)</script>"


def _case(tmp_path: Path, *, internal: bool = False, lang: str = "nl", **names: str):
    ds = load_dataset(make_data(tmp_path / "data", **names))
    p3, p4, r3 = (write(tmp_path / n, t) for n, t in
                  (("p3.csv", PLANNED_W03), ("p4.csv", PLANNED_W04), ("r3.csv", REALIZED_W03)))
    p, r = load_sources(ds, "2027-W03..2027-W04", [p3, p4], [r3], None, names=internal)
    return build_figures(ds, "2027-W03..2027-W04", p, r, internal=internal, lang=lang)


# ----------------------------------------------------------------------------------------------------------
# Parsers: each format back to {table name: [row as list of cells]}


class _HtmlTables(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tables: dict[str, list[list[str]]] = {}
        self._section: str | None = None
        self._row: list[str] | None = None
        self._cell: list[str] | None = None
        self.srcs: list[str] = []

    def handle_starttag(self, tag, attrs):  # type: ignore[no-untyped-def]
        a = dict(attrs)
        if tag == "section":
            self._section = a.get("id")
            self.tables[self._section or ""] = []
        elif tag == "tr" and self._section:
            self._row = []
        elif tag in ("td", "th") and self._row is not None:
            self._cell = []
        for key in ("src", "href"):
            if key in a:
                self.srcs.append(a[key] or "")

    def handle_endtag(self, tag):  # type: ignore[no-untyped-def]
        if tag in ("td", "th") and self._cell is not None and self._row is not None:
            self._row.append("".join(self._cell))
            self._cell = None
        elif tag == "tr" and self._row is not None:
            self.tables[self._section or ""].append(self._row)
            self._row = None

    def handle_data(self, data):  # type: ignore[no-untyped-def]
        if self._cell is not None:
            self._cell.append(data)


def _parse_html(data: bytes) -> dict[str, list[list[str]]]:
    p = _HtmlTables()
    p.feed(data.decode("utf-8"))
    return {k: v[1:] for k, v in p.tables.items()}  # drop the header row


def md_to_html(text: str) -> str:
    """Markdown rendered the way GitHub and most viewers do (CommonMark with tables, bare URLs linked)."""
    from markdown_it import MarkdownIt

    md = MarkdownIt("commonmark", {"linkify": _has_linkify()}).enable("table")
    if _has_linkify():
        md.enable("linkify")
    return md.render(text)


def _has_linkify() -> bool:
    try:
        import linkify_it  # noqa: F401
    except ImportError:
        return False
    return True


class _MdTables(HTMLParser):
    """Tables of rendered Markdown, keyed by the text of the h2 heading above each."""

    def __init__(self) -> None:
        super().__init__()
        self.tables: dict[str, list[list[str]]] = {}
        self._h2: list[str] | None = None
        self._section = ""
        self._row: list[str] | None = None
        self._cell: list[str] | None = None
        self.tags: list[str] = []

    def handle_starttag(self, tag, attrs):  # type: ignore[no-untyped-def]
        self.tags.append(tag)
        if tag == "h2":
            self._h2 = []
        elif tag == "tr":
            self._row = []
        elif tag in ("td", "th") and self._row is not None:
            self._cell = []

    def handle_endtag(self, tag):  # type: ignore[no-untyped-def]
        if tag == "h2" and self._h2 is not None:
            self._section = "".join(self._h2)
            self.tables[self._section] = []
            self._h2 = None
        elif tag in ("td", "th") and self._cell is not None and self._row is not None:
            self._row.append("".join(self._cell))
            self._cell = None
        elif tag == "tr" and self._row is not None:
            self.tables.setdefault(self._section, []).append(self._row)
            self._row = None

    def handle_data(self, data):  # type: ignore[no-untyped-def]
        if self._h2 is not None:
            self._h2.append(data)
        if self._cell is not None:
            self._cell.append(data)


def _parse_md(data: bytes, fig) -> dict[str, list[list[str]]]:
    titles = {T.title(t.name, fig.lang): t.name for t in fig.tables}
    p = _MdTables()
    p.feed(md_to_html(data.decode("utf-8")))
    return {titles[k]: v[1:] for k, v in p.tables.items() if k in titles}


def _parse_csv(data: bytes, fig) -> dict[str, list[list[str]]]:
    titles = {"# " + T.title(t.name, fig.lang): t.name for t in fig.tables}
    out: dict[str, list[list[str]]] = {}
    current = None
    for row in csv.reader(io.StringIO(data.decode("utf-8-sig"))):
        if row and row[0] in titles:
            current = titles[row[0]]
            out[current] = []
        elif current and row:
            out[current].append(row)
    return {k: v[1:] for k, v in out.items()}


def _parse_xlsx(data: bytes, fig) -> dict[str, list[list]]:
    from openpyxl import load_workbook

    wb = load_workbook(io.BytesIO(data))
    out = {}
    for t in fig.tables:
        ws = wb[T.title(t.name, fig.lang)[:31]]
        out[t.name] = [list(r) for r in ws.iter_rows(min_row=2, values_only=True)]
    return out


def _number(text: str, lang: str) -> float | None:
    """A number shown in HTML or Markdown back to the raw value (percent to fraction, Dutch decimals)."""
    if text == T.MISSING:
        return None
    s = text.replace(" %", "")
    s = s.replace(".", "").replace(",", ".") if lang == "nl" else s.replace(",", "")
    v = float(s)
    return round(v / 100, 3) if text.endswith("%") else v


@pytest.mark.parametrize("lang", ["nl", "en"])
@pytest.mark.parametrize("internal", [False, True])
def test_every_format_parsed_back_agrees_with_the_json(tmp_path: Path, lang: str, internal: bool) -> None:
    fig = _case(tmp_path, internal=internal, lang=lang)
    doc = json.loads(render(fig, "json"))
    parsed = {
        "html": _parse_html(render(fig, "html")),
        "md": _parse_md(render(fig, "md"), fig),
        "csv": _parse_csv(render(fig, "csv"), fig),
        "xlsx": _parse_xlsx(render(fig, "xlsx"), fig),
    }
    checked = 0
    for t in fig.tables:
        rows = doc["tables"][t.name]["rows"]
        for fmt, tables in parsed.items():
            assert len(tables[t.name]) == len(rows), (fmt, t.name)
            for want, got in zip(rows, tables[t.name], strict=True):
                for c, cell in zip(t.columns, got, strict=True):
                    raw = want[c.key]
                    if c.kind in NUMERIC:
                        if fmt in ("html", "md"):
                            value = _number(cell, lang)
                        else:
                            value = None if cell in ("", None) else float(cell)
                        assert value == (None if raw is None else pytest.approx(raw, abs=1e-9)), (fmt, t.name, c.key)
                        checked += 1
                    else:
                        assert (cell or "") == ("" if raw is None and fmt in ("csv", "xlsx")
                                                else T.fmt(raw, c.kind, lang)), (fmt, t.name, c.key)
    assert checked > 200


def test_html_is_one_self_contained_file_with_print_rules_and_a_chart(tmp_path: Path) -> None:
    html = render(_case(tmp_path), "html").decode()
    p = _HtmlTables()
    p.feed(html)
    assert p.srcs and all(s.startswith("data:image/svg+xml;base64,") for s in p.srcs)
    assert "@page" in html and "size: A4" in html and "@media print" in html
    outside_chart = re.sub(r"data:image/svg\+xml;base64,[A-Za-z0-9+/=]+", "", html)
    assert "http" not in outside_chart and "//" not in outside_chart.replace("<!--", "")
    assert "<link" not in html and "<script" not in html


def test_hostile_wijk_and_gemeente_names_are_escaped_in_html_and_markdown(tmp_path: Path) -> None:
    fig = _case(tmp_path, name_1=HOSTILE, gemeente_1='"><img src=x onerror=alert(2)>')
    html = render(fig, "html").decode()
    assert HOSTILE not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<img src=x" not in html and "<script" not in html
    md = render(fig, "md").decode()
    assert HOSTILE not in md and "<script" not in md_to_html(md)
    # Parsed back, the names are intact text.
    assert HOSTILE in [r[1] for r in _parse_html(render(fig, "html"))["wijken"]]
    assert HOSTILE in [r[1] for r in _parse_md(render(fig, "md"), fig)["wijken"]]


MARKDOWN_TRAPS = [
    "![x](http://evil.example/t.png)",
    "[klik](javascript:alert(1))",
    "<http://evil.example>",
    "http://evil.example/a_b",
    "www.evil.example",
    "a@evil.example",
    "**vet** _schuin_ ~~weg~~ `code`",
    "<img src=x onerror=alert(1)>",
    "a | b",
    "regel\nnieuwe regel",
    "&lt;entity&gt; &amp;",
    "\\[niet\\](escaped)",
    "$x^2$",
    "# kop",
]


@pytest.mark.parametrize("name", MARKDOWN_TRAPS)
def test_markdown_shows_names_as_typed_never_as_links_or_images(tmp_path: Path, name: str) -> None:
    """Rendered as CommonMark (with tables and, where installed, bare-URL linking), a wijk or gemeente name is
    plain text: no link, no image, no HTML element, no emphasis; it reads as typed (line breaks as spaces)."""
    fig = _case(tmp_path, name_1=name, gemeente_1=name)
    plain = _case(tmp_path / "plain", name_1="Centrum", gemeente_1="Alfadorp")
    p, q = _MdTables(), _MdTables()
    p.feed(md_to_html(render(fig, "md").decode()))
    q.feed(md_to_html(render(plain, "md").decode()))
    assert p.tags == q.tags  # the same elements as with a plain name: nothing became a link, image or markup
    assert not {"a", "img", "em", "code", "del", "s", "script"} & set(p.tags)
    expected = name.replace("\n", " ")
    assert expected in [r[1] for r in _parse_md(render(fig, "md"), fig)["wijken"]]


def test_csv_and_xlsx_cells_cannot_start_a_formula(tmp_path: Path) -> None:
    evil = "=HYPERLINK(\"http://x\",\"y\")"
    fig = _case(tmp_path, name_1=evil, gemeente_1="+cmd|' /C calc'!A0")
    csv_text = render(fig, "csv").decode("utf-8-sig")
    cells = [c for row in csv.reader(io.StringIO(csv_text)) for c in row]
    assert "'" + evil in cells and evil not in cells
    assert not any(c[:1] in ("=", "+", "@") or (c[:1] == "-" and not _is_number(c)) for c in cells)
    from openpyxl import load_workbook

    wb = load_workbook(io.BytesIO(render(fig, "xlsx")))
    values = [c.value for ws in wb for row in ws.iter_rows() for c in row if isinstance(c.value, str)]
    assert "'" + evil in values
    assert not any(v[:1] in ("=", "+", "-", "@") for v in values)
    assert all(c.data_type != "f" for ws in wb for row in ws.iter_rows() for c in row)


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def _all_text(fmt: str, data: bytes) -> str:
    if fmt == "xlsx":
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            return "\n".join(z.read(n).decode("utf-8", "replace") for n in z.namelist())
    return data.decode("utf-8-sig")


@pytest.mark.parametrize("fmt", FORMATS)
def test_municipal_report_names_no_officer_in_any_format(tmp_path: Path, fmt: str) -> None:
    # The realized roster carries an event task "Kermis (coordinatie Pieter Jansen wa7001)": free text too.
    fig = _case(tmp_path, lang="nl")
    text = _all_text(fmt, render(fig, fmt))
    if fmt == "html":  # the chart is inside base64: decode it and search it too
        import base64

        for b64 in re.findall(r"base64,([A-Za-z0-9+/=]+)", text):
            text += base64.b64decode(b64).decode("utf-8", "replace")
    for needle in NAMES + IDS + ["Pieter", "Jansen", "Maria", "Vries", "Kermis"]:
        assert needle.lower() not in text.lower(), (fmt, needle)


def test_internal_report_does_name_officers(tmp_path: Path) -> None:
    text = render(_case(tmp_path, internal=True), "md").decode()
    assert all(n in text for n in NAMES + IDS)


def test_municipal_fail_under_counts_gemeenten_internal_counts_officers(tmp_path: Path) -> None:
    fig = _case(tmp_path)
    assert [s.split()[0] for s in fig.below(0.8)] == ["GM0001", "GM0002"]  # realized 66.6 % and 75.0 %
    assert fig.below(0.6) == []
    internal = _case(tmp_path / "i", internal=True)
    assert {s.split()[0] for s in internal.below(0.8)} == {"wa7001", "wa7002"}
