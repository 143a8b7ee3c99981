"""The site's corner coordinates (bảng tọa độ điểm góc): the numbered vertices of the site in VN-2000
(X = northing, Y = easting, metres, two decimals) in a table in a corner of the map frame, the same
numbers on the map, and the rows that do not fit continued on further pages of a PDF (or, in one
image, named in a closing line): never dropped without a word.

Planned without drawing (``site_corners``, ``plan_corners``: pure), then drawn (``draw_corner_table``,
``draw_corner_marks``).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import shapely
from matplotlib import patheffects
from matplotlib.lines import Line2D
from matplotlib.patches import Rectangle

from tbgeo.i18n import fmt_number, t
from tbgeo.printing._text import PT_MM, text_width_mm

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure
    from matplotlib.transforms import Transform

    from tbgeo.printing.labels import MapFrame, MmBox
    from tbgeo.printing.sheets import Box, Sheet

__all__ = [
    "Corner",
    "CornerPlan",
    "site_corners",
    "plan_corners",
    "corner_cells",
    "corner_row_height",
    "corner_head_height",
    "draw_corner_table",
    "draw_corner_marks",
    "MAX_MAP_NUMBERS",
    "CORNER_TOLERANCE_M",
]

#: More vertices than this: the map numbers every n-th point (all are still in the table).
MAX_MAP_NUMBERS = 80
#: A vertex less than this (m) off the straight line of its neighbours is not a corner (5 cm: half a
#: millimetre at 1:100, under what any sheet can draw).
CORNER_TOLERANCE_M = 0.05
#: The table never takes more of the frame's height than this.
_MAX_FRAME_SHARE = 0.85


def _pad(pt: float) -> float:
    """Space (mm) on each side of a column's text: it scales with the text."""
    return 0.5 * pt * PT_MM


@dataclass(frozen=True)
class Corner:
    """One vertex: its number, X (northing) and Y (easting) in EPSG:9209 metres rounded to 0.01 m, its ring."""

    n: int
    x: float
    y: float
    ring: int


def _ring_points(coords: Any) -> list[tuple[float, float]]:
    """A closed ring's points (easting, northing) without the closing one or repeats, clockwise, from
    the north-west corner (the vertex furthest north-west) as survey tables number them."""
    ring = shapely.LinearRing(coords)
    pts = list(ring.coords)[:-1]
    if ring.is_ccw:
        pts.reverse()
    out: list[tuple[float, float]] = []
    for p in pts:
        if not out or (p[0], p[1]) != out[-1]:
            out.append((float(p[0]), float(p[1])))
    if len(out) > 1 and out[0] == out[-1]:
        out.pop()
    if not out:
        return out
    start = max(range(len(out)), key=lambda i: (out[i][1] - out[i][0], out[i][1]))
    return out[start:] + out[:start]


def site_corners(geom: Any) -> tuple[Corner, ...]:
    """The site's corners, numbered from 1: each part's outer ring, then its holes, clockwise from the NW.

    A corner is a vertex where the boundary turns: points added along a straight edge (a site drawn
    in lon/lat is densified when it is projected) within ``CORNER_TOLERANCE_M`` of it are not corners.
    Every corner is one of the geometry's own vertices, its coordinates unchanged but for the rounding.
    """
    if geom is None or geom.is_empty:
        return ()
    geom = shapely.simplify(geom, CORNER_TOLERANCE_M, preserve_topology=True)  # a subset of its vertices
    corners: list[Corner] = []
    ring = 0
    for part in shapely.get_parts(geom):
        if part.geom_type != "Polygon":
            continue
        for coords in (part.exterior.coords, *(r.coords for r in part.interiors)):
            ring += 1
            for e, n in _ring_points(coords):
                corners.append(Corner(len(corners) + 1, round(n, 2), round(e, 2), ring))
    return tuple(corners)


def corner_cells(c: Corner, lang: str) -> tuple[str, str, str]:
    """The row printed for a vertex: its number, X and Y with two decimals in the language's notation."""
    return (str(c.n), fmt_number(c.x, lang, 2), fmt_number(c.y, lang, 2))


def _head(lang: str) -> tuple[str, str, str]:
    return (t("print.corners.point", lang), t("print.corners.x", lang), t("print.corners.y", lang))


def corner_row_height(pt: float) -> float:
    return pt * PT_MM * 1.3


def corner_head_height(pt: float) -> float:
    """Title, the CRS line and the column heads (mm)."""
    return corner_row_height(pt) * (1.25 + 1.0 + 1.15)


def _columns(corners: tuple[Corner, ...], pt: float, lang: str) -> tuple[float, float, float]:
    """Each column's width (mm): its widest text, bold head included, plus padding."""
    cells = [corner_cells(c, lang) for c in corners] + [("0000", "2 000 000,00", "500 000,00")]
    head = _head(lang)
    a, b, c = (max(max(text_width_mm(r[j], pt) for r in cells), text_width_mm(head[j], pt, weight="bold"))
               + 2 * _pad(pt) for j in range(3))
    # as wide as its title and CRS line: the coordinate columns share what is missing
    need = max(text_width_mm(t("print.corners.title", lang), pt * 1.05, weight="bold"),
               text_width_mm(t("print.corners.crs", lang), pt * 0.9, style="italic")) + 2 * _pad(pt)
    extra = max(0.0, need - (a + b + c)) / 2
    return (a, b + extra, c + extra)


@dataclass(frozen=True)
class CornerPlan:
    """The corner table: its vertices, text size and columns, its box in the map frame, the rows on the
    first page, the continuation pages (PDF) and which vertices carry their number on the map."""

    corners: tuple[Corner, ...]
    pt: float
    cols: tuple[float, float, float]
    #: (x, y, w, h) in mm on the first page, inside the map frame
    box: tuple[float, float, float, float]
    stop: int
    pages: tuple[tuple[int, int], ...]
    #: the map numbers every ``every``-th vertex (1: all)
    every: int
    #: whether the sheet can carry continuation pages (a PDF); else a closing line names the rest
    continues: bool

    @property
    def width(self) -> float:
        return sum(self.cols)

    @property
    def reserved(self) -> MmBox:
        """The table's box as (x0, y0, x1, y1): no label goes there."""
        x, y, w, h = self.box
        return (x, y, x + w, y + h)

    def numbered(self) -> list[Corner]:
        """The vertices whose number is printed on the map."""
        return [c for c in self.corners if (c.n - 1) % self.every == 0]

    def record(self) -> dict[str, Any]:
        return {"points": len(self.corners), "first_page_rows": self.stop, "pages": list(self.pages),
                "box_mm": self.box, "pt": self.pt, "every": self.every,
                "rows": [(c.n, c.x, c.y) for c in self.corners]}


def _site_mm(site: Any, view: MapFrame, pad: float) -> tuple[float, float, float, float]:
    x0, y0, x1, y1 = site.bounds
    a, b = view.to_mm(x0, y0)
    c, d = view.to_mm(x1, y1)
    return (a - pad, b - pad, c + pad, d + pad)


def _corner_room(frame: Box, site_mm: tuple[float, float, float, float], w: float, pad: float,
                 north: MmBox) -> list[tuple[str, float]]:
    """Each free corner of the frame (bottom-left, top-left, bottom-right) with the height (mm) a
    table ``w`` mm wide may take there without covering the site or the north arrow (top right)."""
    sx0, sy0, sx1, sy1 = site_mm
    full = frame.h * _MAX_FRAME_SHARE
    out = []
    for name in ("bottom-left", "top-left", "bottom-right"):
        left = name.endswith("left")
        beside = (sx0 - frame.x if left else frame.x1 - sx1) >= w + 2 * pad
        if name.startswith("bottom"):
            room = full if beside else sy0 - frame.y - 2 * pad
            if not left:  # under the north arrow
                room = min(room, north[1] - frame.y - 2 * pad)
        else:
            room = full if beside else frame.y1 - sy1 - 2 * pad
        out.append((name, min(room, full)))
    return out


def plan_corners(site: Any, view: MapFrame, sh: Sheet, lang: str, *, continues: bool, north: MmBox,
                 cont_box: tuple[float, float]) -> CornerPlan | None:
    """Where the site's corner table goes and how its rows split into pages; None without a site."""
    corners = site_corners(site)
    if not corners:
        return None
    pt = sh.pt * 0.92  # scales with the sheet like every other text
    cols = _columns(corners, pt, lang)
    w, pad, lh = sum(cols), 0.5 * sh.unit, corner_row_height(pt)
    head = corner_head_height(pt)
    rooms = _corner_room(view.box, _site_mm(site, view, 1.6 * sh.unit), w, pad, north)
    name, room = max(rooms, key=lambda r: r[1])  # the first corner with the most room
    n = len(corners)
    fits = int((room - head - 0.4 * lh) // lh)
    stop = n if fits >= n else max(1, fits - 1)  # a line says where the rest is
    rows = stop + (0 if stop == n else 1)
    h = head + rows * lh + 0.4 * lh
    fr = view.box
    x = fr.x + pad if name.endswith("left") else fr.x1 - pad - w
    y = fr.y + pad if name.startswith("bottom") else fr.y1 - pad - h
    pages: list[tuple[int, int]] = []
    if continues:
        per = _per_page(cont_box, cols, pt)
        start = stop
        while start < n:
            pages.append((start, min(n, start + per)))
            start += per
    every = max(1, math.ceil(n / MAX_MAP_NUMBERS))
    return CornerPlan(corners, pt, cols, (x, y, w, h), stop, tuple(pages), every, continues)


def _groups(cont_box: tuple[float, float], cols: tuple[float, float, float], pt: float) -> int:
    """How many column groups (point, X, Y) fit side by side across a continuation page."""
    gap = 4 * _pad(pt)
    return max(1, int((cont_box[0] + gap) // (sum(cols) + gap)))


def _per_page(cont_box: tuple[float, float], cols: tuple[float, float, float], pt: float) -> int:
    lh = corner_row_height(pt)
    rows = max(1, int((cont_box[1] - corner_head_height(pt) - 1.4 * lh) // lh))
    return rows * _groups(cont_box, cols, pt)


def draw_corner_table(fig: Figure, mm: Transform, plan: CornerPlan, lang: str, *, k: float,
                      box: tuple[float, float, float, float] | None = None, start: int = 0, stop: int | None = None,
                      continued_from: int | None = None, continues_on: int | None = None) -> dict[str, Any]:
    """Rows ``start:stop`` of the table, at the top of ``box`` (the plan's box in the map frame by default:
    drawn on white); on a continuation page, in as many column groups as the page is wide."""

    on_map = box is None
    x0, y0, w, h = plan.box if box is None else box
    stop = plan.stop if stop is None else stop
    pt, lh = plan.pt, corner_row_height(plan.pt)
    if on_map:
        fig.add_artist(Rectangle((x0, y0), w, h, transform=mm, facecolor=(1, 1, 1, 0.93), edgecolor="#303030",
                                 linewidth=0.5 * k, zorder=30, gid="corner-table"))
    title = t("print.corners.title", lang)
    if continued_from is not None:
        title = t("print.corners.title_continued", lang, title=title, page=continued_from)
    y = y0 + h - 0.25 * lh
    fig.text(x0 + _pad(pt), y, title, transform=mm, fontsize=pt * 1.05, fontweight="bold", va="top", zorder=31)
    y -= 1.25 * lh
    crs = t("print.corners.crs", lang)
    if plan.every > 1:
        crs += "; " + t("print.corners.every", lang, n=plan.every)
    fig.text(x0 + _pad(pt), y, crs, transform=mm, fontsize=pt * 0.9, style="italic", va="top", zorder=31)
    y -= 1.0 * lh
    groups = 1 if on_map else _groups((w, h), plan.cols, pt)
    rows_per = stop - start if on_map else math.ceil((stop - start) / groups)
    gw = plan.width + 4 * _pad(pt)
    drawn: list[int] = []
    yy = y
    for g in range(groups):
        gx = x0 + g * gw
        part = plan.corners[start + g * rows_per:min(stop, start + (g + 1) * rows_per)]
        if not part:
            break
        yy = _draw_rows(fig, mm, plan, [_head(lang)] + [corner_cells(c, lang) for c in part], gx, y, k)
        drawn.extend(c.n for c in part)
    y = yy
    rest = len(plan.corners) - stop
    if rest > 0 and (on_map or continues_on is not None):
        if continues_on is not None:
            note = t("print.corners.continued", lang, n=rest, page=continues_on)
        else:
            note = t("print.corners.more", lang, n=rest, first=stop + 1, last=len(plan.corners))
        fig.text(x0 + _pad(pt), y - 0.15 * lh, note, transform=mm, fontsize=pt * 0.95, style="italic",
                 fontweight="bold", va="top", zorder=31, gid="corner-table-more")
    return {"numbers": drawn, "box_mm": (x0, y0, w, h)}


def _draw_rows(fig: Figure, mm: Transform, plan: CornerPlan, rows: list[tuple[str, str, str]], x0: float, y: float,
               k: float) -> float:
    """The head and the rows of one column group; the y (mm) under the last."""

    pt = plan.pt
    lh = corner_row_height(pt)
    xs = [x0, x0 + plan.cols[0], x0 + plan.cols[0] + plan.cols[1]]
    for i, cells in enumerate(rows):
        head = i == 0
        if i <= 1:
            fig.add_artist(Line2D([x0, x0 + plan.width], [y, y], transform=mm, color="#444444",
                                  linewidth=(0.6 if head else 0.4) * k, zorder=31))
        for j, (text, cx, cw) in enumerate(zip(cells, xs, plan.cols)):
            right = j > 0 and not head
            fig.text(cx + cw - _pad(pt) if right else cx + _pad(pt), y - 0.12 * lh, text, transform=mm,
                     fontsize=plan.pt, fontweight="bold" if head else "normal", va="top",
                     ha="right" if right else "left", zorder=31)
        y -= lh * (1.15 if head else 1.0)
    fig.add_artist(Line2D([x0, x0 + plan.width], [y, y], transform=mm, color="#444444", linewidth=0.6 * k, zorder=31))
    return y


def draw_corner_marks(ax: Axes, plan: CornerPlan, site: Any, *, scale: int, k: float) -> list[int]:
    """A dot on every vertex and, beside it (away from the site's centre), its number; the numbers drawn."""
    cx, cy = site.representative_point().coords[0]
    m_per_pt = PT_MM * scale / 1000.0  # a point on the paper, in ground metres
    ax.scatter([c.y for c in plan.corners], [c.x for c in plan.corners], s=(2.2 * k) ** 2, c="#d10000",
               edgecolors="white", linewidths=0.4 * k, zorder=8.7, gid="corner-marks")
    halo = [patheffects.Stroke(linewidth=1.8 * k, foreground="white")]
    off = plan.pt * 0.9 * m_per_pt
    numbers = []
    for c in plan.numbered():
        dx, dy = c.y - cx, c.x - cy
        d = math.hypot(dx, dy) or 1.0
        common: dict[str, Any] = dict(fontsize=plan.pt * 0.95, fontweight="bold", ha="center", va="center",
                                      clip_on=True)
        x, y = c.y + dx / d * off, c.x + dy / d * off
        # the halo underneath, the number itself plain text (searchable in the PDF)
        ax.text(x, y, str(c.n), color="white", zorder=8.75, path_effects=halo, **common)
        ax.text(x, y, str(c.n), color="#9b0000", zorder=8.8, gid="corner-number", **common)
        numbers.append(c.n)
    return numbers
