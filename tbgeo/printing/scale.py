"""Map scale: choosing a round scale that fits an extent in a frame, and the geometry of an exact scale bar."""

from __future__ import annotations

import math
from dataclasses import dataclass

__all__ = [
    "ROUND_SCALES",
    "choose_scale",
    "ground_extent",
    "ScaleBar",
    "scale_bar",
    "format_scale",
    "nice_lengths",
]

#: The round scale denominators offered, smallest first (Vietnamese practice: 1:2.000 … 1:1.000.000).
ROUND_SCALES = (
    1_000,
    2_000,
    5_000,
    10_000,
    20_000,
    25_000,
    50_000,
    100_000,
    150_000,
    200_000,
    250_000,
    300_000,
    400_000,
    500_000,
    1_000_000,
)


def choose_scale(
    extent_w_m: float, extent_h_m: float, frame_w_mm: float, frame_h_mm: float, *, pad: float = 0.04
) -> int:
    """The smallest round denominator at which the extent (plus ``pad`` each way) fits in the frame.

    Beyond 1:1.000.000 it continues with 1-2-5 steps (2.000.000, 5.000.000, …).
    """
    if frame_w_mm <= 0 or frame_h_mm <= 0:
        raise ValueError("frame has no size")
    need = max(extent_w_m * (1 + 2 * pad) * 1000.0 / frame_w_mm, extent_h_m * (1 + 2 * pad) * 1000.0 / frame_h_mm)
    for s in ROUND_SCALES:
        if s >= need:
            return s
    k = 6
    while True:
        for m in (2, 5, 10):
            step: int = m * 10**k
            if step >= need:
                return step
        k += 1


def ground_extent(
    center: tuple[float, float], frame_w_mm: float, frame_h_mm: float, scale: int
) -> tuple[float, float, float, float]:
    """The ground box (xmin, ymin, xmax, ymax, metres) a frame of this size shows at ``1:scale``."""
    half_w = frame_w_mm * scale / 2000.0
    half_h = frame_h_mm * scale / 2000.0
    cx, cy = center
    return (cx - half_w, cy - half_h, cx + half_w, cy + half_h)


def nice_lengths(lo: float, hi: float) -> list[float]:
    """The 1-2-5 numbers between ``lo`` and ``hi`` (inclusive), ascending."""
    out: list[float] = []
    k = math.floor(math.log10(max(lo, 1e-9))) - 1
    while True:
        for m in (1, 2, 5):
            v = m * 10.0**k
            if v > hi:
                return out
            if v >= lo:
                out.append(v)
        k += 1


@dataclass(frozen=True)
class ScaleBar:
    """An alternating black-and-white bar: ``segments`` equal parts spanning ``length_m`` on the ground.

    ``length_mm`` is its exact length on paper at the map scale; ``labels`` are the tick texts
    (in ``unit``) at each segment boundary.
    """

    scale: int
    length_m: float
    segments: int
    unit: str

    @property
    def length_mm(self) -> float:
        return self.length_m * 1000.0 / self.scale

    @property
    def segment_mm(self) -> float:
        return self.length_mm / self.segments

    @property
    def ticks_m(self) -> list[float]:
        return [self.length_m * i / self.segments for i in range(self.segments + 1)]

    @property
    def labels(self) -> list[str]:
        div = 1000.0 if self.unit == "km" else 1.0
        out = []
        for v in self.ticks_m:
            x = v / div
            out.append(f"{x:g}" if abs(x - round(x)) > 1e-9 else str(int(round(x))))
        return out


def scale_bar(scale: int, max_mm: float, *, min_fraction: float = 0.45) -> ScaleBar:
    """The longest round bar (1-2-5 × 10ⁿ metres) no longer than ``max_mm`` on paper at ``1:scale``."""
    if scale <= 0 or max_mm <= 0:
        raise ValueError("scale and length must be positive")
    max_m = max_mm * scale / 1000.0
    candidates = nice_lengths(max_m * min_fraction / 2.5, max_m)
    length = candidates[-1] if candidates else max_m
    lead = round(length / 10 ** math.floor(math.log10(length)))
    segments = {1: 5, 2: 4, 5: 5}.get(lead, 4)
    unit = "km" if length >= 1000 else "m"
    return ScaleBar(scale=scale, length_m=length, segments=segments, unit=unit)


def format_scale(scale: int, lang: str = "vi") -> str:
    """``1:100.000`` in Vietnamese (dot groups thousands), ``1:100,000`` in English."""
    sep = "." if lang == "vi" else ","
    return "1:" + f"{int(scale):,}".replace(",", sep)
