"""The weekly trend chart of a report: own-wijk share per week, planned dashed and realized solid, as SVG."""

from __future__ import annotations

import io
import math
from typing import Any

from planner.pages import figure_text_rc
from planner.report import texts as T

#: More gemeenten than this and the chart draws only the line of all chosen gemeenten together.
MAX_LINES = 6


def trend_svg(figures: Any) -> str:
    """SVG text of the trend chart (matplotlib Agg, text as paths: no fonts or links needed to show it)."""
    import matplotlib

    matplotlib.use("Agg", force=False)
    import matplotlib.pyplot as plt

    lang = figures.lang
    rows = figures.table("trend").rows
    codes = list(dict.fromkeys(r["gemeente_code"] for r in rows))
    if len(codes) > MAX_LINES:
        codes = [c for c in codes if c == "*"] or codes[:MAX_LINES]
    weeks = figures.weeks
    with figure_text_rc(), plt.rc_context({"svg.fonttype": "path", "svg.hashsalt": "planner-report", "font.size": 9}):
        fig, ax = plt.subplots(figsize=(7.2, 3.2), dpi=100)
        try:
            colors = plt.rcParams["axes.prop_cycle"].by_key()["color"]
            for i, code in enumerate(codes):
                mine = {r["week"]: r for r in rows if r["gemeente_code"] == code}
                name = (next(iter(mine.values()))["gemeente_naam"] if mine else "") or code
                for basis, style in (("planned", "--"), ("realized", "-")):
                    ys = [_pct(mine.get(w, {}).get(f"share_{basis}")) for w in weeks]
                    if all(math.isnan(y) for y in ys):
                        continue
                    ax.plot(range(len(weeks)), ys, style, marker="o", markersize=3, color=colors[i % len(colors)],
                            label=f"{_short(name)} ({T.title(basis, lang)})")
            ax.axhline(figures.norm_share * 100, color="#b00020", linewidth=1, linestyle=":",
                       label=f"{T.title('norm', lang)} {T.fmt(figures.norm_share, 'share', lang)}")
            step = max(1, len(weeks) // 13)
            ax.set_xticks(range(0, len(weeks), step), [w[-3:] for w in weeks[::step]])
            ax.set_ylim(0, 105)
            ax.set_ylabel("%")
            ax.set_title(T.title("chart", lang))
            ax.grid(axis="y", alpha=0.3)
            ax.legend(fontsize=7, loc="lower left", ncol=2, frameon=False)
            fig.tight_layout()
            buf = io.StringIO()
            fig.savefig(buf, format="svg", metadata={"Date": None, "Creator": None})
        finally:
            plt.close(fig)
    return buf.getvalue()


#: Legend labels longer than this are cut (the tables beside the chart carry the full names).
LABEL_CHARS = 32


def _short(text: str) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= LABEL_CHARS else text[: LABEL_CHARS - 1] + "…"


def _pct(value: Any) -> float:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return math.nan
    return float(value) * 100
