"""Factors: each scaled 0–1 by a stated decay function of a distance (or a land class), with its citation."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from tbgeo.i18n import fmt_number, t

if TYPE_CHECKING:
    from tbgeo.search.config import FactorSpec

__all__ = ["FACTOR_CITATIONS", "decay", "Factor"]

#: Citation of each factor; the zone factor cites the plan's part for the sector kind instead.
FACTOR_CITATIONS = {
    "zone": "Điều 1, III.3; III.4",
    "gas": "Điều 1, IV.7.a; IV.7.c",
    "road": "Điều 1, V.1.h",
    "river": "Điều 1, V.1.h",
    "luk": "Điều 1, III.4; V.1.h",
    "raw_material": "Điều 1, IV.6.c",
}


def decay(d: np.ndarray, kind: str, distance: float | None) -> np.ndarray:
    """0–1 score of a distance (m): ``linear`` 1 − d/D (0 beyond D), ``exponential`` exp(−d/D);
    ``class`` takes a membership array (0/1, or the share of each cell) and returns 1 − it (pure)."""
    if kind == "class":
        return 1.0 - np.asarray(d, dtype=np.float32)
    if distance is None or distance <= 0:
        raise ValueError("a distance decay needs a positive distance")
    if kind not in ("linear", "exponential"):
        raise ValueError(f"unknown decay {kind!r}")
    # in place on one float32 array (a province raster at 10 m is 27 million cells)
    out = np.divide(np.asarray(d, dtype=np.float32), np.float32(distance), dtype=np.float32)
    if kind == "linear":
        np.subtract(np.float32(1.0), out, out=out)
        return np.clip(out, np.float32(0.0), np.float32(1.0), out=out)
    np.negative(out, out=out)
    return np.exp(out, out=out)


@dataclass(frozen=True)
class Factor:
    """One factor on the grid: its 0–1 values, the decay and distance used, the layers it reads."""

    id: str
    spec: FactorSpec
    layers: tuple[str, ...]
    citation: str
    values: np.ndarray | None
    #: Why it is left out (``not_gas`` / ``no_layer`` / ``no_features``), None when it counts.
    dropped: str | None = None

    def decay_text(self, lang: str) -> str:
        if self.spec.decay == "class":
            return t(f"search.decay.class_{self.id}", lang)
        return t(f"search.decay.{self.spec.decay}", lang, d=fmt_number(float(self.spec.distance_m or 0), lang, 0))

    def to_dict(self, lang: str, weight: float | None) -> dict[str, Any]:
        return {
            "id": self.id,
            "title": t(f"search.factor.{self.id}", lang),
            "layers": list(self.layers),
            "decay": self.spec.decay,
            "distance_m": self.spec.distance_m,
            "function": self.decay_text(lang),
            "weight": None if weight is None else round(weight, 6),
            "dropped": self.dropped,
            "dropped_text": t(f"search.dropped.{self.dropped}", lang) if self.dropped else None,
            "citation": self.citation,
        }
