"""ISO 216 sheets, orientation, margins and the layout boxes of a printed map sheet (all in millimetres)."""

from __future__ import annotations

import math
from dataclasses import dataclass

__all__ = [
    "SIZES",
    "ORIENTATIONS",
    "Box",
    "Sheet",
    "SheetLayout",
    "sheet",
    "layout_sheet",
    "size_factor",
    "A4_PT",
    "A4_MARGIN",
    "K_PT",
]

#: ISO 216 A-series sizes, portrait (width, height) in millimetres.
SIZES: dict[str, tuple[int, int]] = {
    "A4": (210, 297),
    "A3": (297, 420),
    "A2": (420, 594),
    "A1": (594, 841),
    "A0": (841, 1189),
}
ORIENTATIONS = ("portrait", "landscape")

#: Font size (pt) of ordinary text and the outer margin (mm, paper edge to neat line) on an A4; every
#: other sheet is the same design enlarged by ``size_factor`` (the square root of its area over A4's:
#: √2 a step, 4 on an A0), so an A0 read from across a room is as legible as an A4 in the hand.
A4_PT = 6.5
A4_MARGIN = 8.0
#: The text size line widths and symbols are drawn for at factor 1 (``Sheet.k``).
K_PT = 7.5

PT_MM = 25.4 / 72.0


@dataclass(frozen=True)
class Box:
    """A rectangle on the paper: lower-left corner and size, in millimetres from the lower-left paper corner."""

    x: float
    y: float
    w: float
    h: float

    @property
    def x1(self) -> float:
        return self.x + self.w

    @property
    def y1(self) -> float:
        return self.y + self.h

    def inset(self, dx: float, dy: float | None = None) -> Box:
        dy = dx if dy is None else dy
        return Box(self.x + dx, self.y + dy, self.w - 2 * dx, self.h - 2 * dy)

    def as_tuple(self) -> tuple[float, float, float, float]:
        return (self.x, self.y, self.w, self.h)


@dataclass(frozen=True)
class Sheet:
    """A sheet of paper: ISO name, orientation, size in mm, margin and base font size."""

    name: str
    orientation: str
    width: float
    height: float
    margin: float
    base_pt: float

    @property
    def inches(self) -> tuple[float, float]:
        return (self.width / 25.4, self.height / 25.4)

    def pixels(self, dpi: float) -> tuple[int, int]:
        """The PNG size at ``dpi``: what matplotlib's Agg canvas writes (inches × dpi, truncated)."""
        return (int(self.width / 25.4 * dpi), int(self.height / 25.4 * dpi))

    @property
    def pt(self) -> float:
        """Base text size in points."""
        return self.base_pt

    @property
    def k(self) -> float:
        """Line widths and symbol sizes scale with the text: 1 at ``K_PT``."""
        return self.base_pt / K_PT

    @property
    def unit(self) -> float:
        """A length in mm proportional to the text size (the height of a line of base text)."""
        return self.base_pt * PT_MM * 1.45


def size_factor(name: str) -> float:
    """How much larger than on an A4 everything on sheet ``name`` is drawn: sqrt(its area / A4's area)."""
    w, h = SIZES[name.upper()]
    a4w, a4h = SIZES["A4"]
    return math.sqrt(w * h / (a4w * a4h))


def sheet(name: str, orientation: str = "landscape") -> Sheet:
    """The sheet ``name`` (A0–A4) in ``orientation``; ValueError for anything else."""
    key = name.upper()
    if key not in SIZES:
        raise ValueError(f"unknown sheet size {name!r}; expected one of {', '.join(SIZES)}")
    if orientation not in ORIENTATIONS:
        raise ValueError(f"unknown orientation {orientation!r}; expected one of {', '.join(ORIENTATIONS)}")
    w, h = SIZES[key]
    if orientation == "landscape":
        w, h = h, w
    f = size_factor(key)
    return Sheet(key, orientation, float(w), float(h), A4_MARGIN * f, A4_PT * f)


@dataclass(frozen=True)
class SheetLayout:
    """Where each part of the sheet goes.

    ``neat`` is the outer frame line; ``header`` holds the title block; ``map_area`` holds the map frame
    plus its grid labels; ``frame`` is the map itself (the axes); ``panel`` holds the inset, legend,
    scale, notes and findings; ``footer`` holds the signature blocks (zero height when there are none).
    ``panel_columns`` is True when the panel is a row of columns under the map (portrait sheets).
    """

    sheet: Sheet
    neat: Box
    header: Box
    map_area: Box
    frame: Box
    panel: Box
    footer: Box
    panel_columns: bool


def layout_sheet(
    sh: Sheet,
    *,
    header_lines: float,
    signatures: bool = False,
    wide_panel: bool = False,
    panel_frac: float | None = None,
) -> SheetLayout:
    """Split the sheet into header, map, side panel and footer.

    ``header_lines`` is the header height in base-text lines (the title block measures itself);
    ``wide_panel`` makes room for a findings table next to the legend; ``panel_frac`` sets the panel's
    share of the body (width on landscape, height on portrait sheets) explicitly.
    """
    u = sh.unit
    gap = 0.8 * u
    neat = Box(sh.margin, sh.margin, sh.width - 2 * sh.margin, sh.height - 2 * sh.margin)
    inner = neat.inset(0.6 * u)
    header_h = header_lines * u
    header = Box(inner.x, inner.y1 - header_h, inner.w, header_h)
    footer_h = 7.0 * u if signatures else 0.0
    footer = Box(inner.x, inner.y, inner.w, footer_h)
    body_y = inner.y + (footer_h + gap if signatures else 0.0)
    body = Box(inner.x, body_y, inner.w, header.y - gap - body_y)
    label_band = 1.5 * u  # room for the grid labels outside the frame
    if sh.orientation == "landscape":
        frac = panel_frac if panel_frac is not None else 0.36 if wide_panel else 0.26
        panel_w = body.w * frac
        panel = Box(body.x1 - panel_w, body.y, panel_w, body.h)
        map_area = Box(body.x, body.y, body.w - panel_w - gap, body.h)
        columns = False
    else:
        frac = panel_frac if panel_frac is not None else 0.36 if wide_panel else 0.31
        panel_h = body.h * frac
        panel = Box(body.x, body.y, body.w, panel_h)
        map_area = Box(body.x, body.y + panel_h + gap, body.w, body.h - panel_h - gap)
        columns = True
    frame = map_area.inset(label_band)
    return SheetLayout(sh, neat, header, map_area, frame, panel, footer, columns)
