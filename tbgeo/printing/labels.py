"""Where the map's names go: label placement on obstacles, pure (geometries and sheet boxes in, placements out).

Nothing here draws or measures text: each :class:`LabelTask` arrives with its size on paper, the
features to keep clear of arrive as :class:`Obstacles`, and :func:`place_labels` returns one
:class:`Placement` per name (a label, or a numbered callout for a park that found no room).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import shapely
from shapely.geometry import box as shapely_box
from shapely.ops import polylabel

from tbgeo.printing.sheets import PT_MM, Box

__all__ = [
    "MmBox",
    "MapFrame",
    "Obstacles",
    "LabelTask",
    "Placement",
    "LABEL_KINDS",
    "CALLOUT_SCALE",
    "place_labels",
    "beside",
    "interior",
    "overlaps",
]

#: A box on the sheet: x0, y0, x1, y1 in millimetres from the paper's lower-left corner.
MmBox = tuple[float, float, float, float]

#: What a task names, which decides where its label may go (see :func:`place_labels`).
LABEL_KINDS = ("site", "must", "point", "district", "zone")
#: A callout circle's diameter as a multiple of its label's font size (points).
CALLOUT_SCALE = 1.55

# padding (mm) around a label's text box: left/right, bottom/top
_PAD_X, _PAD_Y = 0.4, 0.3
# a label keeps this far (mm) inside the map frame
_EDGE = 1.0
# gap (mm) between a feature's box and a label placed beside it
_GAP = 0.8
# the grid of interior candidates: at most this many cells across the zone, the nearest ones tried
_GRID_CELLS = 14.0
_GRID_TRIES = 60


@dataclass(frozen=True)
class MapFrame:
    """The map frame on paper and the ground it shows (EPSG:9209 metres) at a true ``scale``."""

    box: Box
    extent: tuple[float, float, float, float]
    scale: int

    @property
    def mm_per_m(self) -> float:
        return 1000.0 / self.scale

    @property
    def m_per_mm(self) -> float:
        return self.scale / 1000.0

    def to_mm(self, x: float, y: float) -> tuple[float, float]:
        """A ground point on the sheet (mm)."""
        return self.box.x + (x - self.extent[0]) * self.mm_per_m, self.box.y + (y - self.extent[1]) * self.mm_per_m

    def to_ground(self, bb: MmBox) -> MmBox:
        """A sheet box (mm) on the ground (metres)."""
        m = self.m_per_mm
        return (self.extent[0] + (bb[0] - self.box.x) * m, self.extent[1] + (bb[1] - self.box.y) * m,
                self.extent[0] + (bb[2] - self.box.x) * m, self.extent[1] + (bb[3] - self.box.y) * m)


@dataclass(frozen=True)
class Obstacles:
    """Drawn features a label keeps clear of (ground geometries), each with its layer, row and whether it is small.

    Small features (points, and the parks and clusters that must be named) are avoided by every label;
    the others only by the labels of large zones.
    """

    geoms: np.ndarray
    layers: np.ndarray
    rows: np.ndarray
    small: np.ndarray
    tree: Any = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "tree", shapely.STRtree(self.geoms))

    @classmethod
    def of(cls, items: Iterable[tuple[Any, str, int, bool]]) -> Obstacles:
        """From ``(geometry, layer id, row, small)`` tuples."""
        rows = list(items)
        return cls(np.asarray([r[0] for r in rows], dtype=object), np.asarray([r[1] for r in rows], dtype=object),
                   np.asarray([r[2] for r in rows]), np.asarray([r[3] for r in rows], dtype=bool))

    @classmethod
    def empty(cls) -> Obstacles:
        return cls.of([])

    def __len__(self) -> int:
        return len(self.geoms)


@dataclass(frozen=True)
class LabelTask:
    """One name to place: its text and size on paper (mm), the feature it names (ground geometry) and its kind.

    ``kind`` is one of :data:`LABEL_KINDS`: ``site`` (the reviewed site, named beside itself), ``must``
    (a park or cluster: inside, else beside, else a numbered callout), ``point``, ``district`` (inside
    its district) or ``zone`` (a large zone, named only in an empty part of itself). ``size`` (points),
    ``bold`` and ``color`` only travel to the drawing.
    """

    text: str
    layer: str
    row: int | None
    geom: Any
    kind: str
    w: float
    h: float
    size: float
    bold: bool = False
    color: str = "#1a1a1a"


@dataclass(frozen=True)
class Placement:
    """Where a name went: its centre on the ground, its box on the sheet (and on the ground, for labels).

    ``kind`` is ``label`` or ``callout`` (a numbered circle at ``x, y``; the name is printed under the legend).
    """

    task: LabelTask
    x: float
    y: float
    bbox_mm: MmBox
    bbox: MmBox | None
    kind: str = "label"
    number: int | None = None

    def record(self) -> dict[str, Any]:
        """The placement as the sheet's layout reports it (``layout["labels"]``)."""
        out: dict[str, Any] = {"text": self.task.text, "layer": self.task.layer, "x": float(self.x),
                               "y": float(self.y), "kind": self.kind, "number": self.number,
                               "bbox_mm": tuple(float(v) for v in self.bbox_mm)}
        if self.bbox is not None:
            out["bbox"] = tuple(float(v) for v in self.bbox)
        return out


def overlaps(a: MmBox, b: MmBox) -> bool:
    """Whether two sheet boxes touch or overlap."""
    return not (a[2] < b[0] or a[0] > b[2] or a[3] < b[1] or a[1] > b[3])


def beside(geom: Any, w: float, h: float, m_per_mm: float) -> list[tuple[float, float]]:
    """Candidate centres for a ``w`` × ``h`` mm label: the feature, then above, below, right, left, the corners."""
    bx0, by0, bx1, by1 = geom.bounds
    c = geom.representative_point() if geom.geom_type != "Point" else geom
    cx_m, cy_m = c.x, c.y
    gap = _GAP * m_per_mm
    hw, hh = w / 2 * m_per_mm, h / 2 * m_per_mm
    return [(cx_m, cy_m), (cx_m, by1 + gap + hh), (cx_m, by0 - gap - hh), (bx1 + gap + hw, cy_m),
            (bx0 - gap - hw, cy_m), (bx1 + gap + hw, by1 + hh), (bx0 - gap - hw, by1 + hh),
            (bx1 + gap + hw, by0 - hh), (bx0 - gap - hw, by0 - hh),
            (cx_m, by1 + 2 * gap + 3 * hh), (cx_m, by0 - 2 * gap - 3 * hh)]


def interior(vis: Any, h: float, m_per_mm: float, prefer: Any = None) -> list[tuple[float, float]]:
    """Candidate centres inside ``vis`` for a label ``h`` mm tall: ``prefer``, pole of inaccessibility, then a grid."""
    parts = [p for p in shapely.get_parts(vis) if p.geom_type == "Polygon" and not p.is_empty]
    if not parts:
        return []
    big = max(parts, key=lambda p: p.area)
    pts: list[tuple[float, float]] = []
    if prefer is not None:
        pts.append((prefer.x, prefer.y))
    try:
        pl = polylabel(big, tolerance=max(1.0, 0.5 * m_per_mm))
        pts.append((pl.x, pl.y))
    except Exception:  # degenerate ring
        pass
    rp = vis.representative_point()
    pts.append((rp.x, rp.y))
    core = vis.buffer(-0.5 * h * m_per_mm)
    core = core if not core.is_empty else vis
    bx0, by0, bx1, by1 = core.bounds
    step = max(h * m_per_mm, max(bx1 - bx0, by1 - by0) / _GRID_CELLS)
    xs = np.arange(bx0 + step / 2, bx1, step)
    ys = np.arange(by0 + step / 2, by1, step)
    if len(xs) and len(ys):
        gx, gy = np.meshgrid(xs, ys)
        cand = shapely.points(gx.ravel(), gy.ravel())
        cand = cand[shapely.contains_xy(core, gx.ravel(), gy.ravel())]
        ref = pts[0]
        d = (shapely.get_x(cand) - ref[0]) ** 2 + (shapely.get_y(cand) - ref[1]) ** 2
        for k in np.argsort(d)[:_GRID_TRIES]:
            pts.append((float(shapely.get_x(cand[k])), float(shapely.get_y(cand[k]))))
    return pts


#: One attempt: candidate centres, the geometry the label must stay inside (or None), what it avoids.
_Attempt = tuple[list[tuple[float, float]], Any, str]


def _attempts(task: LabelTask, m_per_mm: float, mm_per_m: float) -> list[_Attempt]:
    """The candidate sets tried in turn for ``task``; ``avoid`` is none | small | all obstacles."""
    geom, w, h = task.geom, task.w, task.h
    if task.kind == "site":
        return [(beside(geom, w, h, m_per_mm)[1:], None, "small")]
    if task.kind == "point":
        return [(beside(geom, w, h, m_per_mm)[3:], None, "small"), (beside(geom, w, h, m_per_mm)[1:], None, "none")]
    if task.kind == "district":
        prefer = geom.centroid if geom.contains(geom.centroid) else None
        cands = interior(geom, h, m_per_mm, prefer)
        return [(cands, geom, "small"), (cands, geom, "none")]
    if task.kind == "must":
        big_enough = geom.area * mm_per_m ** 2 > 2.5 * w * h
        inner = interior(geom, h, m_per_mm) if big_enough else []
        return [(inner, geom, "small"), (beside(geom, w, h, m_per_mm), None, "small"),
                (beside(geom, w, h, m_per_mm), None, "none")]
    # a large zone is named only in an empty part of itself, never over another layer's feature
    return [(interior(geom, h, m_per_mm), geom, "all")]


class _Board:
    """The placement state: the frame, what is taken on the sheet and what lies on the ground."""

    def __init__(self, frame: MapFrame, obstacles: Obstacles, reserved: Sequence[MmBox], site: Any) -> None:
        self.frame = frame
        self.obstacles = obstacles
        self.placed: list[MmBox] = list(reserved)
        self.site = site

    def fits(self, cx_m: float, cy_m: float, w: float, h: float, *, layer: str | None, row: int | None,
             inside: Any, avoid: str) -> MmBox | None:
        """The label's sheet box if a ``w`` × ``h`` mm label is free at (cx_m, cy_m), else None.

        ``layer`` None is the site's own name (it may not cover the site's outline check, and no
        obstacle is its own); ``avoid`` is none | small | all obstacles.
        """
        fr, m_per_mm = self.frame.box, self.frame.m_per_mm
        px, py = self.frame.to_mm(cx_m, cy_m)
        bb = (px - w / 2 - _PAD_X, py - h / 2 - _PAD_Y, px + w / 2 + _PAD_X, py + h / 2 + _PAD_Y)
        if bb[0] < fr.x + _EDGE or bb[2] > fr.x1 - _EDGE or bb[1] < fr.y + _EDGE or bb[3] > fr.y1 - _EDGE:
            return None
        if any(overlaps(bb, o) for o in self.placed):
            return None
        gbox = shapely_box(cx_m - w / 2 * m_per_mm, cy_m - h / 2 * m_per_mm,
                           cx_m + w / 2 * m_per_mm, cy_m + h / 2 * m_per_mm)
        if self.site is not None and layer is not None and gbox.intersects(self.site):
            return None
        if inside is not None and not inside.contains(gbox):
            return None
        if avoid != "none" and self._blocked(gbox, layer, row, avoid):
            return None
        return bb

    def _blocked(self, gbox: Any, layer: str | None, row: int | None, avoid: str) -> bool:
        obs = self.obstacles
        if not len(obs):
            return False
        for j in obs.tree.query(gbox, predicate="intersects"):
            if obs.layers[j] == layer and (obs.rows[j] == row or avoid == "all"):
                continue  # its own feature (or, for a zone, its own layer)
            if avoid == "all" or obs.small[j]:
                return True
        return False

    def label(self, task: LabelTask) -> Placement | None:
        """The first free candidate of the task's attempts, taken."""
        own = None if task.kind == "site" else task.layer
        for cands, inside, avoid in _attempts(task, self.frame.m_per_mm, self.frame.mm_per_m):
            for cx_m, cy_m in cands:
                bb = self.fits(cx_m, cy_m, task.w, task.h, layer=own, row=task.row, inside=inside, avoid=avoid)
                if bb is not None:
                    self.placed.append(bb)
                    return Placement(task, cx_m, cy_m, bb, self.frame.to_ground(bb))
        return None

    def callout(self, task: LabelTask, number: int) -> Placement:
        """A numbered circle on the feature: its box where free, else reserved on the feature regardless."""
        d_mm = task.size * CALLOUT_SCALE * PT_MM
        c = task.geom.representative_point()
        bb = self.fits(c.x, c.y, d_mm, d_mm, layer=task.layer, row=None, inside=None, avoid="none")
        px, py = self.frame.to_mm(c.x, c.y)
        bb = bb or (px - d_mm / 2, py - d_mm / 2, px + d_mm / 2, py + d_mm / 2)
        self.placed.append(bb)
        return Placement(task, c.x, c.y, bb, None, kind="callout", number=number)


def place_labels(tasks: Sequence[LabelTask], *, frame: MapFrame, obstacles: Obstacles,
                 reserved: Sequence[MmBox] = (), site: Any = None) -> list[Placement]:
    """Each task, in the order given, at the first free candidate position; the placements in that order.

    A label's box (text plus padding) stays 1 mm inside the frame, off every box already taken
    (``reserved`` ones, e.g. the north arrow's, first), off the ``site`` (but for the site's own name),
    inside its district or zone where the kind says so, and off the obstacles its kind avoids. A ``must``
    task that finds no room becomes a callout numbered 1, 2, … in order; any other task that finds no
    room is left out.
    """
    board = _Board(frame, obstacles, reserved, site)
    out: list[Placement] = []
    number = 0
    for task in tasks:
        placed = board.label(task)
        if placed is None and task.kind == "must":
            number += 1
            placed = board.callout(task, number)
        if placed is not None:
            out.append(placed)
    return out
