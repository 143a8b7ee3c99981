"""The location inset ("Sơ đồ vị trí"): the province, its districts and neighbours, and the printed frame on it."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import shapely
from matplotlib.collections import LineCollection
from matplotlib.patches import PathPatch, Rectangle

from tbgeo.i18n import t
from tbgeo.printing._text import PT_MM
from tbgeo.printing.paths import polygon_path
from tbgeo.printing.sheets import Box

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure
    from matplotlib.transforms import Transform

    from tbgeo.printing.mapdata import MapData
    from tbgeo.printing.sheets import Sheet

__all__ = ["inset_view", "neighbour_places", "draw_inset"]

Extent = tuple[float, float, float, float]

def inset_view(bounds: Extent, extent: Extent, box_w: float, box_h: float, *,
               pad_frac: float) -> tuple[float, float, float, float]:
    """The inset's ``xmin, xmax, ymin, ymax``: ``bounds`` and the printed ``extent`` with a margin of
    ``pad_frac`` of their size, widened on the short side to the box's aspect (equal scale in x and y)."""
    fx0, fy0, fx1, fy1 = extent
    rx0, ry0 = min(bounds[0], fx0), min(bounds[1], fy0)
    rx1, ry1 = max(bounds[2], fx1), max(bounds[3], fy1)
    pad = pad_frac * max(rx1 - rx0, ry1 - ry0)
    xmin, xmax, ymin, ymax = rx0 - pad, rx1 + pad, ry0 - pad, ry1 + pad
    box_ratio = box_w / box_h
    w, h = xmax - xmin, ymax - ymin
    if w / h < box_ratio:
        extra = (h * box_ratio - w) / 2
        xmin, xmax = xmin - extra, xmax + extra
    else:
        extra = (w / box_ratio - h) / 2
        ymin, ymax = ymin - extra, ymax + extra
    return xmin, xmax, ymin, ymax


def neighbour_places(bounds: Extent) -> list[tuple[str, float, float, str, str]]:
    """Where each neighbour's name (facts §1.1) goes around the province's ``bounds``: (key, x, y, ha, va).

    By compass direction: NE Hải Phòng, N Hải Dương, NW Hưng Yên, W Hà Nam, SW/S Nam Định.
    """
    bx0, by0, bx1, by1 = bounds
    w, h = bx1 - bx0, by1 - by0
    return [
        ("hai_phong", bx1 - 0.10 * w, by1 - 0.02 * h, "center", "bottom"),
        ("hai_duong", bx0 + 0.45 * w, by1 + 0.03 * h, "center", "bottom"),
        ("hung_yen", bx0 + 0.08 * w, by1 - 0.06 * h, "center", "bottom"),
        ("ha_nam", bx0 - 0.02 * w, by0 + 0.52 * h, "right", "center"),
        ("nam_dinh", bx0 + 0.18 * w, by0 + 0.06 * h, "center", "center"),
    ]


def _context(ax: Axes, bounds: Extent, lang: str, pt: float) -> list[str]:
    """Neighbouring provinces and the sea around the province; the names printed."""
    bx0, by0, bx1, by1 = bounds
    w, h = bx1 - bx0, by1 - by0
    size = max(4.2, pt * 0.7)
    drawn = []
    for key, x, y, ha, va in neighbour_places(bounds):
        text = t(f"print.neighbours.{key}", lang)
        ax.text(x, y, text, fontsize=size, color="#555555", style="italic", ha=ha, va=va, clip_on=True,
                gid="inset-neighbour")
        drawn.append(text)
    gulf = t("print.gulf", lang)
    ax.text(bx1 + 0.04 * w, by0 + 0.30 * h, gulf, fontsize=size, color="#1f5f8b", style="italic", ha="center",
            va="center", rotation=90, clip_on=True, gid="inset-sea")
    return [*drawn, gulf]


def _draw_province(ax: Axes, data: MapData, prov: Any, focus: Any, k: float) -> None:
    path = polygon_path([prov])
    if path is not None:
        ax.add_patch(PathPatch(path, facecolor="#f3efe0", edgecolor="#303030", linewidth=0.7 * k))
    if data.has_districts:
        segs = [shapely.get_coordinates(g) for g in
                shapely.get_parts(shapely.boundary(data.districts.geometry.values))]
        segs = [s for s in segs if len(s)]
        ax.add_collection(LineCollection(segs, colors="#8a8a8a", linewidths=0.3 * k), autolim=False)
    if focus is not None:
        fpath = polygon_path([focus])
        if fpath is not None:
            ax.add_patch(PathPatch(fpath, facecolor="#f4b6a6", edgecolor="#b03a2e", linewidth=0.5 * k))


def draw_inset(fig: Figure, mm: Transform, box: Box, sh: Sheet, data: MapData, extent: Extent, *, lang: str,
               pt: float, focus: Any = None) -> dict[str, Any]:
    """The inset in ``box`` (its title on top), the printed ``extent`` framed in red; its part of the layout."""
    lh = pt * PT_MM * 1.4
    fig.text(box.x + box.w / 2, box.y1, t("print.inset_title", lang), transform=mm, fontsize=pt * 1.05,
             fontweight="bold", ha="center", va="top")
    inner = Box(box.x, box.y, box.w, box.h - lh)
    ax = fig.add_axes((inner.x / sh.width, inner.y / sh.height, inner.w / sh.width, inner.h / sh.height))
    ax.set_xticks([])
    ax.set_yticks([])
    for spine in ax.spines.values():
        spine.set_linewidth(0.5 * sh.k)
    ax.set_gid("inset")
    out: dict[str, Any] = {"inset_mm": inner.as_tuple()}
    prov = data.province
    if prov is None:
        bounds = extent
    else:
        bounds = prov.bounds
        _draw_province(ax, data, prov, focus, sh.k)
        out["inset_labels"] = _context(ax, bounds, lang, pt)
    xmin, xmax, ymin, ymax = inset_view(bounds, extent, inner.w, inner.h, pad_frac=0.13 if prov is not None else 0.06)
    ax.set_xlim(xmin, xmax)
    ax.set_ylim(ymin, ymax)
    fx0, fy0, fx1, fy1 = extent
    rect = Rectangle((fx0, fy0), fx1 - fx0, fy1 - fy0, fill=False, edgecolor="#e00000", linewidth=1.2 * sh.k)
    rect.set_gid("inset-frame")
    ax.add_patch(rect)
    out["inset_frame"] = extent
    return out
