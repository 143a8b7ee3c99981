"""Drawing the map frame's content: vector and raster layers, province boundary, focus veil, site and labels."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
import rasterio
import shapely
from matplotlib import patheffects
from matplotlib.collections import LineCollection
from matplotlib.colors import to_rgba
from matplotlib.patches import PathPatch
from rasterio.enums import Resampling
from rasterio.windows import Window, from_bounds
from shapely.geometry import box as shapely_box

from tbgeo.i18n import t
from tbgeo.printing._text import nfc
from tbgeo.printing.labels import CALLOUT_SCALE, Placement
from tbgeo.printing.legend import LegendItem, Symbol, raster_alpha, symbol_for
from tbgeo.printing.paths import line_segments, points, polygon_path
from tbgeo.review.landuse import raster_path

if TYPE_CHECKING:
    from matplotlib.axes import Axes

    from tbgeo.catalog import Layer
    from tbgeo.printing.mapdata import MapData

__all__ = [
    "PDF_RASTER_DPI",
    "Present",
    "draw_layers",
    "draw_raster",
    "draw_province",
    "draw_veil",
    "site_symbol",
    "draw_site",
    "extra_legend",
    "draw_labels",
]

#: Raster cells per millimetre of paper drawn into a PDF (≈150 dpi); PNG uses its own dpi.
PDF_RASTER_DPI = 150.0
_PROV_DASH = (6.0, 1.5, 1.0, 1.5)  # dash-dot, in multiples of the line width
_ZORDER = {"raster": 1.0, "Polygon": 2.0, "LineString": 3.0, "Point": 4.0}

#: A layer drawn in the frame and the class values it showed (None: the layer has no classes).
Present = tuple["Layer", "set[Any] | None"]

Extent = tuple[float, float, float, float]


def _has_fill(layer: Layer) -> bool:
    """Whether any of the layer's polygon symbols is filled (opacity above zero)."""
    styles = [layer.style_for(None)] + [layer.style_for(c.get("value")) for c in layer.style.get("classes", [])]
    return any(symbol_for(st, "Polygon").face_alpha > 0 and symbol_for(st, "Polygon").face for st in styles)


def draw_layers(ax: Axes, data: MapData, layer_ids: list[str], extent: Extent, scale: int, *, k: float,
                raster_dpi: float) -> list[Present]:
    """Every layer in draw order, one artist per symbol class; the layers with something in the frame."""
    frame_box = shapely_box(*extent)
    pad = 0.02 * (extent[2] - extent[0])
    clip = (extent[0] - pad, extent[1] - pad, extent[2] + pad, extent[3] + pad)
    tol = scale * 0.08 / 1000.0  # 0.08 mm on paper
    present: list[Present] = []
    for n, lid in enumerate(layer_ids):
        layer = data.layer(lid)
        z_off = n * 0.01
        if layer.kind == "raster":
            values = draw_raster(ax, layer, extent, scale, 1.0 + z_off, dpi=raster_dpi)
            if values:
                present.append((layer, values))
            continue
        gdf = data.frame(lid)
        gtype = layer.geometry_type or "Polygon"
        idx = gdf.sindex.query(frame_box, predicate="intersects")
        if len(idx) and gtype == "Polygon" and not _has_fill(layer):
            # an outline-only layer (district boundaries) appears only where its lines cross the frame
            idx = idx[shapely.intersects(shapely.boundary(gdf.geometry.values[idx]), frame_box)]
        if len(idx) == 0:
            continue
        sub = gdf.iloc[np.sort(idx)]
        geoms = shapely.clip_by_rect(sub.geometry.values, *clip)
        if gtype != "Point":
            geoms = shapely.simplify(geoms, tol, preserve_topology=True)
        field = layer.style.get("class_field")
        if field and field in sub.columns:
            keys = sub[field].astype(object).where(sub[field].notna(), None).to_numpy()
        else:
            keys = np.array([None] * len(sub), dtype=object)
        uniq: list[Any] = []
        for v in keys:
            if v not in uniq:
                uniq.append(v)
        z = _ZORDER.get(gtype, 2.0) + z_off
        for v in uniq:
            mask = np.array([kv == v for kv in keys])
            sym = symbol_for(layer.style_for(v), gtype, k=k)
            _draw_geoms(ax, geoms[mask], gtype, sym, z, gid=f"layer-{lid}")
        present.append((layer, {v for v in uniq if v is not None} if field else None))
    return present


def _draw_geoms(ax: Axes, geoms: Sequence[Any], gtype: str, sym: Symbol, z: float, gid: str) -> None:
    if gtype == "Polygon":
        path = polygon_path(geoms)
        if path is not None:
            patch = PathPatch(path, facecolor=sym.face_rgba(), edgecolor=sym.edge_rgba(), linewidth=sym.lw,
                              linestyle=sym.linestyle(), zorder=z, hatch=sym.hatch)
            patch.set_gid(gid)
            ax.add_patch(patch)
    elif gtype == "LineString":
        segs = line_segments(geoms)
        if segs:
            coll = LineCollection(segs, colors=[sym.edge_rgba()], linewidths=sym.lw, linestyles=[sym.linestyle()],
                                  zorder=z, capstyle="round", joinstyle="round")
            coll.set_gid(gid)
            ax.add_collection(coll, autolim=False)
    else:
        pts = points(geoms)
        if len(pts):
            sc = ax.scatter(pts[:, 0], pts[:, 1], s=sym.size**2, c=[sym.face_rgba()], edgecolors=[sym.edge_rgba()],
                            linewidths=sym.lw, zorder=z, marker="o")
            sc.set_gid(gid)


def draw_raster(ax: Axes, layer: Layer, extent: Extent, scale: int, z: float, *, dpi: float) -> set[int]:
    """The raster's window over the frame, read at ``dpi`` on paper (nearest cells); the class values shown."""


    with rasterio.open(raster_path(layer)) as ds:
        b = ds.bounds
        left, bottom = max(extent[0], b.left), max(extent[1], b.bottom)
        right, top = min(extent[2], b.right), min(extent[3], b.top)
        if left >= right or bottom >= top:
            return set()
        win = from_bounds(left, bottom, right, top, ds.transform)
        col0, row0 = math.floor(win.col_off + 1e-9), math.floor(win.row_off + 1e-9)
        col1 = math.ceil(win.col_off + win.width - 1e-9)
        row1 = math.ceil(win.row_off + win.height - 1e-9)
        win = Window(col0, row0, col1 - col0, row1 - row0)
        wl, wb, wr, wt = rasterio.windows.bounds(win, ds.transform)
        px_per_m = (dpi / 25.4) * 1000.0 / scale
        out_w = max(1, min(int(win.width), math.ceil((wr - wl) * px_per_m)))
        out_h = max(1, min(int(win.height), math.ceil((wt - wb) * px_per_m)))
        arr = ds.read(1, window=win, out_shape=(out_h, out_w), resampling=Resampling.nearest)
        nodata = ds.nodata
    alpha = raster_alpha(layer)
    lut = np.zeros((256, 4), dtype=np.uint8)
    classes = {rc.value: rc for rc in layer.raster_classes}
    for value, rc in classes.items():
        if 0 <= value < 256 and value != nodata:
            lut[value] = np.round(np.array(to_rgba(rc.color, alpha)) * 255).astype(np.uint8)
    arr8 = np.clip(arr, 0, 255).astype(np.uint8)
    img = lut[arr8]
    im = ax.imshow(img, extent=(wl, wr, wb, wt), origin="upper", interpolation="none", zorder=z,
                   aspect="equal")
    im.set_gid(f"layer-{layer.id}")
    im.set_clip_path(ax.patch)
    found = set(int(v) for v in np.unique(arr8))
    return {v for v in found if v in classes and v != nodata}


def draw_province(ax: Axes, province: Any, extent: Extent, *, k: float) -> bool:
    """The province boundary (dash-dot) where it crosses the frame; whether it was drawn."""
    if province is None or not province.boundary.intersects(shapely_box(*extent)):
        return False
    segs = [shapely.get_coordinates(g) for g in shapely.get_parts(province.boundary)]
    coll = LineCollection(segs, colors="#303030", linewidths=1.1 * k, zorder=4.6,
                          linestyles=[(0, _PROV_DASH)], capstyle="butt")
    coll.set_gid("province-boundary")
    ax.add_collection(coll, autolim=False)
    return True


def draw_veil(ax: Axes, extent: Extent, focus: Any, *, k: float) -> None:
    """A white veil over everything outside the focus (a district) and the focus's outline in red."""
    pad = 0.05 * (extent[2] - extent[0])
    outer = shapely_box(extent[0] - pad, extent[1] - pad, extent[2] + pad, extent[3] + pad)
    veil = outer.difference(focus)
    path = polygon_path([veil])
    if path is not None:
        ax.add_patch(PathPatch(path, facecolor=(1, 1, 1, 0.6), edgecolor="none", zorder=5.0))
    edge = [shapely.get_coordinates(g) for g in shapely.get_parts(shapely.boundary(focus))]
    ax.add_collection(LineCollection(edge, colors="#b03a2e", linewidths=1.4 * k, zorder=5.1), autolim=False)


def site_symbol(k: float) -> Symbol:
    """The reviewed site's symbol: red outline, light red hatched fill."""
    return Symbol("fill", edge="#d10000", face="#ff3b30", face_alpha=0.18, lw=1.5 * k, hatch="///")


def draw_site(ax: Axes, site: Any, *, k: float) -> None:
    sym = site_symbol(k)
    path = polygon_path([site])
    if path is not None:
        patch = PathPatch(path, facecolor=sym.face_rgba(), edgecolor=sym.edge_rgba(), linewidth=sym.lw,
                          hatch=sym.hatch, zorder=7.0)
        patch.set_gid("site")
        ax.add_patch(patch)


def extra_legend(site: Any, site_name: str | None, extent: Extent, province_drawn: bool, lang: str, *,
                 k: float) -> list[tuple[str, LegendItem]]:
    """Legend rows of what is not a catalog layer: the site (when in the frame) and the province boundary."""
    out: list[tuple[str, LegendItem]] = []
    if site is not None and not site.is_empty and site.intersects(shapely_box(*extent)):
        label = nfc(site_name) if site_name else t("print.site", lang)
        out.append(("proposals", LegendItem(label, site_symbol(k), "site")))
    if province_drawn:
        out.append(("administrative", LegendItem(
            t("print.province_boundary", lang),
            Symbol("line", edge="#303030", lw=1.1 * k, dash=tuple(d * 1.1 * k for d in _PROV_DASH)),
            "province")))
    return out


def draw_labels(ax: Axes, placements: Sequence[Placement], *, k: float) -> list[tuple[str, LegendItem]]:
    """Each placed name with a white halo, each callout as a numbered circle; the callouts' legend rows."""
    halo = [patheffects.Stroke(linewidth=1.6 * k, foreground="white")]
    callouts: list[tuple[str, LegendItem]] = []
    for p in placements:
        task = p.task
        if p.kind == "callout":
            callouts.append(_draw_callout(ax, p, k))
            continue
        common: dict[str, Any] = dict(fontsize=task.size, ha="center", va="center", fontweight="bold" if task.bold else "normal",
                      clip_on=True)
        # the halo is a stroked outline drawn as a path underneath; the label itself stays plain
        # text so it can be searched and copied in the PDF
        ax.text(p.x, p.y, task.text, zorder=7.9, color="white", path_effects=halo, **common)
        ax.text(p.x, p.y, task.text, zorder=8, color=task.color, gid=f"label-{task.layer}", **common)
    return callouts


def _draw_callout(ax: Axes, p: Placement, k: float) -> tuple[str, LegendItem]:
    """A numbered circle on a feature whose name found no room; the number is explained under the legend."""
    size = p.task.size
    sym = Symbol("marker", edge="#1a1a1a", face="white", face_alpha=1.0, lw=0.5 * k, size=size * CALLOUT_SCALE,
                 text=str(p.number))
    ax.scatter([p.x], [p.y], s=sym.size ** 2, c=["white"], edgecolors=["#1a1a1a"], linewidths=0.5 * k, zorder=8.5,
               marker="o")
    ax.text(p.x, p.y, str(p.number), fontsize=size * 0.95, fontweight="bold", ha="center", va="center_baseline",
            zorder=8.6, clip_on=True)
    return ("callouts", LegendItem(p.task.text, sym, "callout", p.number))
