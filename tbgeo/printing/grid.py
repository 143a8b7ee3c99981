"""The VN-2000 (EPSG:9209) kilometre grid of a map frame: interval, line positions and their labels."""

from __future__ import annotations

import math
from dataclasses import dataclass

__all__ = ["GRID_INTERVALS", "Grid", "grid_for", "format_coordinate"]

#: Grid spacings in metres, smallest first.
GRID_INTERVALS = (100, 200, 500, 1_000, 2_000, 2_500, 5_000, 10_000, 20_000, 25_000, 50_000, 100_000)


def format_coordinate(value: float) -> str:
    """A grid coordinate in whole metres with spaces between thousands: ``2 260 000``."""
    return f"{int(round(value)):,}".replace(",", " ")


@dataclass(frozen=True)
class Grid:
    """Grid lines of one frame: eastings (x) and northings (y) in EPSG:9209 metres, all multiples of ``interval``."""

    interval: int
    eastings: tuple[float, ...]
    northings: tuple[float, ...]

    @property
    def easting_labels(self) -> list[str]:
        return [format_coordinate(v) for v in self.eastings]

    @property
    def northing_labels(self) -> list[str]:
        return [format_coordinate(v) for v in self.northings]


def _lines(lo: float, hi: float, step: int) -> tuple[float, ...]:
    first = math.ceil(lo / step) * step
    out = []
    v = first
    while v <= hi + 1e-6:
        out.append(float(v))
        v += step
    return tuple(out)


def grid_for(
    extent: tuple[float, float, float, float], frame_w_mm: float, *, min_gap_mm: float = 28.0, edge_mm: float = 6.0,
    scale: int | None = None,
) -> Grid:
    """The grid of a frame showing ``extent`` (xmin, ymin, xmax, ymax) across ``frame_w_mm`` of paper.

    The interval is the smallest in GRID_INTERVALS whose lines are at least ``min_gap_mm`` apart on paper,
    so labels never collide. Lines closer than ``edge_mm`` to the frame edge are left out (their labels
    would overhang the corner).
    """
    xmin, ymin, xmax, ymax = extent
    mm_per_m = frame_w_mm / (xmax - xmin) if scale is None else 1000.0 / scale
    interval = GRID_INTERVALS[-1]
    for step in GRID_INTERVALS:
        if step * mm_per_m >= min_gap_mm:
            interval = step
            break
    edge_m = edge_mm / mm_per_m
    xs = tuple(v for v in _lines(xmin, xmax, interval) if xmin + edge_m <= v <= xmax - edge_m)
    ys = tuple(v for v in _lines(ymin, ymax, interval) if ymin + edge_m <= v <= ymax - edge_m)
    return Grid(interval=interval, eastings=xs, northings=ys)
