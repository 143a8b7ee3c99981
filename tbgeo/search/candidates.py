"""Candidate footprints: every window's mean score by a summed-area table, windows holding a
constrained cell dropped, the best k kept with a minimum spacing between centres (pure arrays)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

__all__ = ["SCORE_UNIT", "summed_area", "window_sums", "Window", "window_scores", "best_windows"]


def summed_area(a: np.ndarray) -> np.ndarray:
    """The 2-D cumulative sum with a zero first row and column: ``S[i, j] = a[:i, :j].sum()``.
    Integer and boolean input are summed exactly in int64, the rest in float64."""
    dtype = np.int64 if a.dtype.kind in "biu" else np.float64
    out = np.zeros((a.shape[0] + 1, a.shape[1] + 1), dtype=dtype)
    view = out[1:, 1:]
    np.cumsum(a, axis=1, dtype=dtype, out=view)
    # down the rows one row at a time: numpy's cumsum along axis 0 is several times slower
    for i in range(1, view.shape[0]):
        np.add(view[i], view[i - 1], out=view[i])
    return out


def window_sums(sat: np.ndarray, rows: int, cols: int) -> np.ndarray:
    """Sum of every ``rows × cols`` window, indexed by its top-left cell (shape H−rows+1, W−cols+1)."""
    out: np.ndarray = sat[rows:, cols:] - sat[:-rows, cols:]
    out -= sat[rows:, :-cols]
    out += sat[:-rows, :-cols]
    return out


@dataclass(frozen=True)
class Window:
    """A candidate footprint in cells: top-left ``row``/``col``, size, mean score."""

    row: int
    col: int
    rows: int
    cols: int
    score: float

    @property
    def centre(self) -> tuple[float, float]:
        return (self.row + self.rows / 2.0, self.col + self.cols / 2.0)


#: Scores are summed in whole millionths: exact integer sums, so windows of equal score tie exactly
#: (float sums differ in the last bits by position) and the first in row-major order wins.
SCORE_UNIT = 1e-6


def window_scores(score: np.ndarray, constrained: np.ndarray, rows: int, cols: int) -> np.ndarray:
    """Mean score of every window; ``-inf`` where the window holds a constrained cell (or is too big).

    One summed-area table does both: a constrained cell counts as ``−(n · max + 1)`` units (n cells a
    window), so a window's sum is negative exactly when it holds one. When the table could overflow
    (or a score is negative) a second table counts the constrained cells instead; both give the same
    means, in exact integer units."""
    h, w = score.shape
    if rows > h or cols > w:
        return np.full((0, 0), -np.inf)
    bad = constrained | ~np.isfinite(score)
    units = np.rint(np.where(bad, 0.0, score) / SCORE_UNIT).astype(np.int64)
    n = rows * cols
    lo, hi = (int(units.min()), int(units.max())) if units.size else (0, 0)
    sentinel = n * max(hi, 0) + 1
    if lo >= 0 and h * w * sentinel < 2**62:
        units[bad] = -sentinel
        sums = window_sums(summed_area(units), rows, cols)
        means = sums * (SCORE_UNIT / float(n))
        means[sums < 0] = -np.inf
        return means
    sums = window_sums(summed_area(units), rows, cols)
    counts = window_sums(summed_area(bad), rows, cols)
    means = sums * (SCORE_UNIT / float(n))
    means[counts > 0] = -np.inf
    return means


def best_windows(
    score: np.ndarray,
    constrained: np.ndarray,
    shapes: Sequence[tuple[int, int]],
    *,
    top: int,
    min_spacing_cells: float,
) -> list[Window]:
    """The ``top`` best windows of any of ``shapes`` with no constrained cell, each centre at least
    ``min_spacing_cells`` (and the larger window's diagonal) from every better one. Ties go to the
    first window in row-major order, then to the first shape: the same input gives the same result."""
    tables = [(r, c, window_scores(score, constrained, r, c)) for r, c in shapes]
    diag = max((np.hypot(r, c) for r, c in shapes), default=0.0)
    spacing = max(float(min_spacing_cells), float(diag))
    out: list[Window] = []
    while len(out) < top:
        best: tuple[float, int, int, int] | None = None
        for k, (_, _, table) in enumerate(tables):
            if table.size == 0:
                continue
            idx = int(np.argmax(table))
            value = float(table.flat[idx])
            if value == -np.inf:
                continue
            if best is None or value > best[0]:
                best = (value, k, *divmod(idx, table.shape[1]))
        if best is None:
            break
        value, k, i, j = best
        r, c, _ = tables[k]
        win = Window(int(i), int(j), int(r), int(c), value)
        out.append(win)
        cy, cx = win.centre
        for r2, c2, table in tables:  # suppress every window whose centre is too close
            if table.size == 0:
                continue
            # window (i2, j2) of size r2 × c2 has its centre at (i2 + r2/2, j2 + c2/2)
            i_lo = max(0, int(np.floor(cy - r2 / 2.0 - spacing)))
            i_hi = min(table.shape[0], int(np.ceil(cy - r2 / 2.0 + spacing)) + 1)
            j_lo = max(0, int(np.floor(cx - c2 / 2.0 - spacing)))
            j_hi = min(table.shape[1], int(np.ceil(cx - c2 / 2.0 + spacing)) + 1)
            if i_lo >= i_hi or j_lo >= j_hi:
                continue
            ii = np.arange(i_lo, i_hi)[:, None] + r2 / 2.0 - cy
            jj = np.arange(j_lo, j_hi)[None, :] + c2 / 2.0 - cx
            near = ii * ii + jj * jj < spacing * spacing
            block = table[i_lo:i_hi, j_lo:j_hi]
            block[near] = -np.inf
    return out
