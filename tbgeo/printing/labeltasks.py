"""What the map frame names and what its names keep clear of, read from the map data for the label placement."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
import shapely
from shapely.geometry import box as shapely_box

from tbgeo.i18n import t
from tbgeo.printing._text import PT_MM, nfc, text_width_mm
from tbgeo.printing.labels import LabelTask, Obstacles
from tbgeo.printing.titleblock import upper_vi

if TYPE_CHECKING:
    from tbgeo.printing.mapdata import MapData

__all__ = ["MUST_LABEL", "must_label", "label_obstacles", "label_tasks", "site_task"]

#: Layers whose features are always named: by a label, or by a numbered callout explained under the legend.
MUST_LABEL = {"industrial_parks", "industrial_clusters", "agri_park"}
#: Among labels of the same rank, the layer groups named first.
_LABEL_PRIORITY = {"administrative": 0, "industry": 1, "energy": 2, "agriculture": 3, "base": 4, "landuse": 5}
#: Lines and points get this much body (mm) as obstacles; points three times as much.
_BODY_MM = 0.6


def must_label(layer: Any) -> bool:
    """Whether every feature of the layer must be named on the sheet (parks, clusters, the agri park)."""
    return layer.kind == "vector" and layer.geometry_type == "Polygon" and layer.id in MUST_LABEL


def label_obstacles(data: MapData, layer_ids: list[str], extent: tuple[float, float, float, float],
                    scale: int) -> Obstacles:
    """Every drawn vector feature in the frame (except district outlines), as ground geometries to keep clear of."""
    frame_box = shapely_box(*extent)
    pad_m = _BODY_MM * scale / 1000.0
    items: list[tuple[Any, str, int, bool]] = []
    for lid in layer_ids:
        layer = data.layer(lid)
        if layer.kind != "vector" or layer.group == "administrative":
            continue
        gdf = data.frame(lid)
        idx = np.sort(gdf.sindex.query(frame_box, predicate="intersects"))
        if len(idx) == 0:
            continue
        g = shapely.clip_by_rect(gdf.geometry.values[idx], *extent)
        if layer.geometry_type in ("Point", "LineString"):
            r = pad_m * (3.0 if layer.geometry_type == "Point" else 1.0)
            g = shapely.buffer(g, r, quad_segs=2)
        small = must_label(layer) or layer.geometry_type == "Point"
        items.extend((geom, lid, int(i), small) for geom, i in zip(g, idx))
    return Obstacles.of(items)


def site_task(site: Any, name: str | None, lang: str, pt: float) -> LabelTask:
    """The reviewed site's own name (in red, bold), placed before every other label."""
    text = nfc(name) if name else t("print.site", lang)
    size = pt * 0.95
    w, h = text_width_mm(text, size, weight="bold"), size * PT_MM * 1.1
    return LabelTask(text, "site", None, site, "site", w, h, size, bold=True, color="#b00000")


def _rank(layer: Any) -> int:
    """Order of naming: parks and clusters, points, districts, then the large zones."""
    if layer.group == "administrative":
        return 2
    if must_label(layer):
        return 0
    return 1 if layer.geometry_type == "Point" else 3


def _kind(layer: Any) -> str:
    if layer.geometry_type == "Point":
        return "point"
    if layer.group == "administrative":
        return "district"
    return "must" if must_label(layer) else "zone"


def _task(layer: Any, row: int, text: str, geom: Any, pt: float) -> LabelTask:
    admin = layer.group == "administrative"
    size = pt * (1.05 if admin else 0.8)
    w, h = text_width_mm(text, size, weight="bold" if admin else "normal"), size * PT_MM * 1.1
    return LabelTask(text, layer.id, row, geom, _kind(layer), w, h, size, bold=admin,
                     color="#5d4037" if admin else "#1a1a1a")


def label_tasks(data: MapData, layer_ids: list[str], extent: tuple[float, float, float, float], *, pt: float,
                focus: Any = None) -> list[LabelTask]:
    """The features to name (each layer's ``label_field``), in order of importance.

    Features outside ``focus`` (a district) are not named, but for the district names; a zone is
    named within the focus. District names are printed in capitals.
    """
    frame_box = shapely_box(*extent)
    ranked: list[tuple[tuple[float, ...], LabelTask]] = []
    for lid in layer_ids:
        layer = data.layer(lid)
        if layer.kind != "vector" or not layer.label_field or layer.geometry_type == "LineString":
            continue
        gdf = data.frame(lid)
        if layer.label_field not in gdf.columns:
            continue
        admin = layer.group == "administrative"
        for i in np.sort(gdf.sindex.query(frame_box, predicate="intersects")):
            row = gdf.iloc[i]
            text = nfc(row[layer.label_field])
            if not text or text == "nan":
                continue
            geom = shapely.clip_by_rect(row.geometry, *extent)
            if geom.is_empty:
                continue
            if focus is not None and not admin:
                if not geom.intersects(focus):
                    continue
                if layer.geometry_type != "Point":
                    inner = shapely.intersection(geom, focus)
                    geom = inner if not inner.is_empty and inner.area > 0 else geom
            key = (_rank(layer), _LABEL_PRIORITY.get(layer.group, 9), float(geom.area))
            ranked.append((key, _task(layer, int(i), upper_vi(text) if admin else text, geom, pt)))
    ranked.sort(key=lambda item: item[0])
    return [task for _key, task in ranked]
