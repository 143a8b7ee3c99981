"""Site-geometry checks shared by the review, the upload and the site search: polygonal parts, valid
outlines with an area, self-crossings located for the user, finite coordinates, swapped axes."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, TypeVar

import numpy as np
import shapely
from pyproj import CRS
from shapely.geometry.base import BaseGeometry
from shapely.validation import explain_validity

from tbgeo.crs import transformer
from tbgeo.errors import CRSError, InputError
from tbgeo.i18n.params import Num, Template, Text

__all__ = ["MAX_COORDINATE", "CoordinateProblems", "coordinate_problems", "polygonal", "check_site_geometry", "find_crossing", "refuse_self_intersection", "finish_site", "swap_axes", "to_display"]


#: Coordinates this far from 0 (or farther) are refused as read: no coordinate system tbgeo knows gives
#: them, and GEOS and PROJ fail or give NaN on them. The upload's limit is ``max_coordinate`` in
#: config/ingest.toml (this value by default).
MAX_COORDINATE = 1e15


@dataclass(frozen=True)
class CoordinateProblems:
    """Which geometries (positions in the sequence checked) have a vertex that is NaN or infinite, which
    (of the others) one at ``limit`` or more from 0, and the largest such distance."""

    non_finite: list[int]
    huge: list[int]
    biggest: float

    def __bool__(self) -> bool:
        return bool(self.non_finite or self.huge)


def coordinate_problems(geoms: Any, limit: float = MAX_COORDINATE) -> CoordinateProblems:
    """The one check of unusable coordinates, shared by the review's site files, typed corners and the
    upload: run on the geometries as read, before any transform or repair."""
    coords, index = shapely.get_coordinates(np.asarray(geoms, dtype=object), return_index=True)
    if not coords.size:
        return CoordinateProblems([], [], 0.0)
    with np.errstate(invalid="ignore"):
        bad = ~np.isfinite(coords).all(axis=1)
        huge = ~bad & (np.abs(coords) >= limit).any(axis=1)
    non_finite_rows = np.unique(index[bad])
    huge_rows = np.setdiff1d(np.unique(index[huge]), non_finite_rows)
    biggest = float(np.abs(coords[huge]).max()) if huge.any() else 0.0
    return CoordinateProblems([int(i) for i in non_finite_rows], [int(i) for i in huge_rows], biggest)


def polygonal(geom: BaseGeometry) -> BaseGeometry:
    """The polygonal part of ``geom`` (Polygon or MultiPolygon), empty if there is none."""
    if geom.is_empty:
        return geom
    if geom.geom_type in ("Polygon", "MultiPolygon"):
        return geom
    parts = [g for g in getattr(geom, "geoms", []) if g.geom_type in ("Polygon", "MultiPolygon") and not g.is_empty]
    if not parts:
        return shapely.Polygon()
    return shapely.union_all(parts)


def check_site_geometry(site: BaseGeometry) -> BaseGeometry:
    """A valid Polygon/MultiPolygon with an area, or InputError saying what is wrong."""
    if site is None or site.is_empty:
        raise InputError("review.input.empty")
    if site.geom_type not in ("Polygon", "MultiPolygon"):
        raise InputError("review.input.not_polygon", kind=site.geom_type)
    if not site.is_valid:
        site = polygonal(shapely.make_valid(site))
    if site.area < 1.0:
        raise InputError("review.input.too_small", area=Num(float(site.area), 2))
    return site


def find_crossing(coords: Any) -> tuple[int, int, tuple[float, float]] | None:
    """Where a closed ring crosses (or touches) itself: (edge i, edge j, point), edges numbered from 0
    (edge k joins corner k and corner k+1), or None when the ring is simple."""
    pts = np.asarray(coords, dtype=float)[:, :2]
    if len(pts) >= 2 and np.array_equal(pts[0], pts[-1]):
        pts = pts[:-1]
    n = len(pts)
    if n < 4:
        return None
    segs = shapely.linestrings(np.stack([pts, np.roll(pts, -1, axis=0)], axis=1))
    tree = shapely.STRtree(segs)
    left, right = tree.query(segs, predicate="intersects")
    for i, j in sorted(zip(left.tolist(), right.tolist())):
        if j <= i or j == i + 1 or (i == 0 and j == n - 1):
            continue  # each pair once; neighbouring edges share a corner
        hit = shapely.intersection(segs[i], segs[j])
        p = hit.representative_point() if not hit.is_empty else shapely.Point(pts[i])
        return i, j, (float(p.x), float(p.y))
    return None


def refuse_self_intersection(geom: BaseGeometry, crs: CRS, *, file: str | None) -> None:
    """Refuse an outline that crosses itself, saying between which corners and where (lat/lon).

    Repairing it (``make_valid``) would silently change the site's area — a bow-tie keeps only its
    two triangles — so files, typed corners and drawings are all refused the same way.
    """
    polys = list(getattr(geom, "geoms", [geom]))
    for poly in polys:
        if poly.is_valid or poly.geom_type != "Polygon":
            continue
        reason = explain_validity(poly)
        if "Self-intersection" not in reason:
            continue
        edges: Any = Text("review.input.edges_unknown")
        point: tuple[float, float] | None = None
        for ring in (poly.exterior, *poly.interiors):
            hit = find_crossing(ring.coords)
            if hit is not None:
                i, j, point = hit
                n = len(ring.coords) - 1
                edges = Template("review.input.edges", {"a": str(i + 1), "b": str(i + 2), "c": str(j + 1),
                                                        "d": str((j + 1) % n + 1)})
                break
        if point is None:
            m = re.search(r"\[([-+\d.eE]+) ([-+\d.eE]+)", reason)
            point = (float(m.group(1)), float(m.group(2))) if m else (poly.centroid.x, poly.centroid.y)
        lon, lat = point
        if not crs.is_geographic:
            lon, lat = transformer(crs.to_wkt(), CRS.from_epsg(4326).to_wkt()).transform(point[0], point[1])
        params = {"edges": edges, "lat": Num(float(lat), 5), "lon": Num(float(lon), 5)}
        if file is None:
            raise InputError("review.input.self_intersecting", **params)
        raise InputError("review.input.self_intersecting_file", file=file, **params)


def finish_site(geom: BaseGeometry) -> BaseGeometry:
    """Valid polygonal geometry with an area, else InputError."""
    if geom.is_empty:
        raise InputError("review.input.empty")
    if coordinate_problems([geom], limit=np.inf).non_finite:
        raise CRSError("review.input.not_finite")
    if geom.geom_type not in ("Polygon", "MultiPolygon"):
        geom = polygonal(geom)
        if geom.is_empty:
            raise InputError("review.input.not_polygon", kind="—")
    if not geom.is_valid:
        geom = polygonal(shapely.make_valid(geom))
    return check_site_geometry(geom)


def to_display(geom: BaseGeometry) -> BaseGeometry:
    """A geometry in EPSG:9209 as GeoJSON and the map want it: EPSG:4326, longitude first."""
    to_wgs84 = transformer("EPSG:9209", "EPSG:4326")
    out: BaseGeometry = shapely.transform(geom, lambda xy: np.column_stack(to_wgs84.transform(xy[:, 0], xy[:, 1])))
    return out


_G = TypeVar("_G")


def swap_axes(geoms: _G) -> _G:
    """One geometry, or an array of them, with x and y exchanged (a file or a paste with latitude
    first, northing before easting)."""
    out: _G = shapely.transform(geoms, lambda xy: xy[:, ::-1])
    return out
