"""Shapely geometries as matplotlib paths, line segments and point arrays (exteriors and holes kept apart)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import shapely
from matplotlib.path import Path

__all__ = ["polygon_path", "line_segments", "points"]


def polygon_path(geoms: Sequence[Any]) -> Path | None:
    """One compound path of all polygons (exteriors counter-clockwise, holes clockwise: nonzero fill)."""
    parts = shapely.get_parts(np.asarray(geoms, dtype=object))
    parts = parts[shapely.get_type_id(parts) == 3]
    if len(parts) == 0:
        return None
    parts = shapely.orient_polygons(parts, exterior_cw=False)
    verts: list[np.ndarray] = []
    codes: list[np.ndarray] = []
    for poly in parts:
        for ring in (poly.exterior, *poly.interiors):
            c = shapely.get_coordinates(ring)
            if len(c) < 4:
                continue
            code = np.full(len(c), Path.LINETO, dtype=np.uint8)
            code[0] = Path.MOVETO
            code[-1] = Path.CLOSEPOLY
            verts.append(c)
            codes.append(code)
    if not verts:
        return None
    return Path(np.concatenate(verts), np.concatenate(codes))


def line_segments(geoms: Sequence[Any]) -> list[np.ndarray]:
    """The coordinates of every line, and of every polygon's rings (a mixed layer drawn as lines)."""
    parts = shapely.get_parts(np.asarray(geoms, dtype=object))
    polys = parts[shapely.get_type_id(parts) == 3]
    lines = list(parts[shapely.get_type_id(parts) == 1])
    for p in polys:  # a clipped line layer never yields polygons, but a mixed layer may
        lines.extend([p.exterior, *p.interiors])
    return [shapely.get_coordinates(ln) for ln in lines if not ln.is_empty]


def points(geoms: Sequence[Any]) -> np.ndarray:
    """The coordinates of every point, an (n, 2) array."""
    parts = shapely.get_parts(np.asarray(geoms, dtype=object))
    pts = parts[shapely.get_type_id(parts) == 0]
    return shapely.get_coordinates(pts) if len(pts) else np.empty((0, 2))
