"""Sensitivity: how the top candidates change when each weight moves ±20 % (the others scaled so the
weights still sum to 1); per variation "stable" (the same places in the same order: each candidate at
least half covered by the footprint of the same rank) or "changes"."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from tbgeo.i18n import t
from tbgeo.search.candidates import best_windows
from tbgeo.search.run import weighted_surface
from tbgeo.search.weights import renormalise

if TYPE_CHECKING:
    from tbgeo.search.run import SearchResult

__all__ = ["Variation", "sensitivity", "vary"]


@dataclass(frozen=True)
class Variation:
    """One weight moved by ``change`` (+0.2 / −0.2): the result's candidates kept and the new order."""

    factor: str
    change: float
    weights: dict[str, float]
    #: Rank in the varied search of each original candidate (None: it is no longer among the top).
    new_ranks: tuple[int | None, ...]

    @property
    def stable(self) -> bool:
        return all(r == i + 1 for i, r in enumerate(self.new_ranks))

    @property
    def kept(self) -> int:
        return sum(r is not None for r in self.new_ranks)

    def text(self, lang: str) -> str:
        sign = "+" if self.change > 0 else "−"
        head = t("search.sens.line", lang, factor=t(f"search.factor.{self.factor}", lang), sign=sign,
                 pct=round(abs(self.change) * 100))
        if self.stable:
            return f"{head}: {t('search.sens.stable', lang)}"
        return f"{head}: {t('search.sens.changes', lang, kept=self.kept, n=len(self.new_ranks), best=self.new_ranks[0] or '—')}"

    def to_dict(self, lang: str) -> dict[str, Any]:
        return {"factor": self.factor, "change": self.change, "weights": {k: round(v, 6) for k, v in self.weights.items()},
                "new_ranks": list(self.new_ranks), "stable": self.stable, "kept": self.kept, "text": self.text(lang)}


#: A candidate is "the same place" in a varied search when a new footprint covers this share of it.
SAME_PLACE_SHARE = 0.5


def _match(box: tuple[int, int, int, int], boxes: list[tuple[int, int, int, int]]) -> int | None:
    """Rank (1-based) of the first of ``boxes`` covering at least half of ``box`` (cells), else None."""
    r, c, h, w = box
    for i, (r2, c2, h2, w2) in enumerate(boxes):
        dy = min(r + h, r2 + h2) - max(r, r2)
        dx = min(c + w, c2 + w2) - max(c, c2)
        if dy > 0 and dx > 0 and dy * dx >= SAME_PLACE_SHARE * h * w:
            return i + 1
    return None


def vary(weights: dict[str, float], factor: str, change: float) -> dict[str, float]:
    """``weights`` with ``factor``'s weight × (1 + change) and the others scaled so all sum to 1 (pure)."""
    w = dict(weights)
    w[factor] = w[factor] * (1.0 + change)
    return renormalise(w, list(w))


def sensitivity(result: SearchResult, *, change: float = 0.2) -> list[Variation]:
    """Each counting weight moved by ±``change``; the search's windows found again on the new surface
    (the factor rasters are reused: no distance is computed again)."""
    # a result that is not refused has its grid, surface and constrained mask (search_sites)
    if result.refused or result.grid is None or result.constrained is None or not result.candidates:
        return []
    original = [(c.window.row, c.window.col, c.window.rows, c.window.cols) for c in result.candidates]
    out: list[Variation] = []
    for factor, w in result.weights.items():
        if w <= 0:
            continue
        for sign in (1.0, -1.0):
            weights = vary(result.weights, factor, sign * change)
            surface = weighted_surface(result.factors, weights, result.grid.shape)
            wins = best_windows(surface, result.constrained, result.shapes, top=len(original),
                                min_spacing_cells=result.spacing_cells)
            boxes = [(x.row, x.col, x.rows, x.cols) for x in wins]
            out.append(Variation(factor, sign * change, weights, tuple(_match(o, boxes) for o in original)))
    return out
