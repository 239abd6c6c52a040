"""The map's layers: which figure each shows, its class breaks, colour-blind-safe colours and Dutch labels."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from planner.maps.figures import DAY_PARTS

NO_DATA_COLOUR = "#d9d9d9"


@dataclass(frozen=True)
class Layer:
    """One choropleth layer: a column of ``wijk_figures``, its breaks and labels and a matplotlib colour map.

    Values fall in class i when ``breaks[i] <= value < breaks[i + 1]``; NaN is shown in grey as ``nan_label``.
    """

    key: str
    title: str
    column: str
    breaks: tuple[float, ...]
    labels: tuple[str, ...]
    cmap: str
    nan_label: str
    span: tuple[float, float] = (0.0, 1.0)

    @property
    def colours(self) -> list[str]:
        """One hex colour per class, sampled evenly from ``cmap`` over ``span``."""
        from matplotlib import colormaps
        from matplotlib.colors import to_hex

        cm = colormaps[self.cmap]
        n = len(self.labels)
        return [
            to_hex(cm(self.span[0] + (self.span[1] - self.span[0]) * i / max(n - 1, 1))) for i in range(n)
        ]

    def values(self, fig: pd.DataFrame) -> pd.Series:
        """The value shown per wijk, from ``wijk_figures``; a wijk without demand has no unmet demand to show."""
        v = fig[self.column].astype("float64")
        if self.key == "unmet":
            v = v.where(fig["demand_h"] > 0)
        return v

    def classify(self, values: pd.Series) -> pd.Series:
        """Class index per value (-1 for NaN)."""
        v = values.to_numpy(dtype="float64")
        idx = np.searchsorted(np.asarray(self.breaks[1:-1]), v, side="right")
        return pd.Series(np.where(np.isnan(v), -1, idx), index=values.index)

    def colour_of(self, values: pd.Series) -> list[str]:
        cols = self.colours
        return [cols[i] if i >= 0 else NO_DATA_COLOUR for i in self.classify(values)]


_PCT_BREAKS = (0.0, 0.5, 0.65, 0.8, 0.9, math.inf)
_COV_BREAKS = (0.0, 0.5, 0.8, 0.95, 1.0 - 1e-9, math.inf)

#: Choropleth layers in the order of the layer control; dark = needs attention in every layer.
LAYERS: tuple[Layer, ...] = (
    Layer(
        "own_share",
        "Eigen-wijkaandeel (gemiddeld per wijkagent)",
        "own_share_mean",
        _PCT_BREAKS,
        ("< 50 %", "50–65 %", "65–80 %", "80–90 %", "≥ 90 %"),
        "viridis",
        "geen wijkagent",
    ),
    *(
        Layer(
            f"coverage_{p}",
            f"Dekking {p} ({h0:02d}–{h1:02d} uur): gevraagde uren vervuld",
            f"coverage_{p}",
            _COV_BREAKS,
            ("< 50 %", "50–80 %", "80–95 %", "95–100 %", "100 %"),
            "viridis",
            "geen vraag",
        )
        for p, (h0, h1) in DAY_PARTS.items()
    ),
    Layer(
        "per_5000",
        "Wijkagenten per 5.000 inwoners",
        "per_5000",
        (0.0, 0.5, 0.8, 1.0, 1.5, math.inf),
        ("< 0,5", "0,5–0,8", "0,8–1", "1–1,5", "≥ 1,5"),
        "cividis",
        "inwoners onbekend",
    ),
    Layer(
        "unmet",
        "Onvervulde vraag (uren)",
        "unmet_h",
        (0.0, 1e-9, 2.0, 8.0, 20.0, math.inf),
        ("0", "0–2", "2–8", "8–20", "≥ 20"),
        "magma_r",
        "geen vraag",
        span=(0.05, 0.85),
    ),
)


def nl_number(value: float, decimals: int = 1) -> str:
    """A number with a decimal comma (``12,5``)."""
    return f"{value:,.{decimals}f}".replace(",", "_").replace(".", ",").replace("_", ".")


def nl_pct(value: float) -> str:
    return f"{value * 100:.0f} %"
