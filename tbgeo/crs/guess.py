"""Guess a CRS from coordinate ranges and check where reprojected data lands: in the province, elsewhere
in Vietnam, or outside (with distance and direction), for uploads and for a planner's site."""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import numpy as np
import shapely
from pyproj import CRS, Geod, Transformer
from shapely.geometry import Point, Polygon, box
from shapely.geometry.base import BaseGeometry

from tbgeo.crs import WORK_CRS, transformer
from tbgeo.crs.detect import Candidate, CRSDetection, crs_label
from tbgeo.errors import CRSError

__all__ = ["GUESS_ORDER", "PROVINCE_EXTENT", "Landing", "FeatureLanding", "province_box", "vietnam_outline",
           "landing", "landing_features", "is_degrees", "looks_swapped_degrees", "guess", "guess_crs",
           "SITE_LAT", "SITE_LON", "SITE_E_9209", "SITE_N_9209"]


#: Candidates tried for a file without CRS, in order of preference for Thái Bình provincial data.
GUESS_ORDER: tuple[int, ...] = (
    9209, 3405, 32648, 9210, 5897, 9211, 9213, 9214, 9212, 5898, 5899, 9205, 9206, 9207, 9208,
    9215, 9216, 9217, 9218, 5896, 3406, 32649,
)  # fmt: skip


#: Thái Bình's extent (20°17'–20°44'N, 106°06'–106°39'E): the outline used when no districts layer exists.
PROVINCE_EXTENT = (106.1, 20.2833, 106.65, 20.7333)


# A coarse outline of Vietnam (lon, lat), drawn with a margin of coastal sea, for plausibility checks
# only (is the data in Vietnam at all?); it is not a boundary. Hoàng Sa and Trường Sa are boxes.
_VIETNAM_MAINLAND = [
    (102.14, 22.40), (102.50, 22.77), (103.30, 22.80), (103.97, 22.52), (104.80, 22.85), (105.33, 23.39),
    (105.90, 23.00), (106.70, 22.87), (107.35, 22.05), (108.05, 21.55), (108.30, 21.40), (107.95, 20.20),
    (107.30, 19.00), (107.50, 17.20), (108.40, 16.30), (109.20, 15.20), (109.60, 13.80), (109.70, 12.60),
    (109.50, 11.50), (108.80, 10.50), (107.50, 9.80), (107.00, 8.50), (104.70, 8.20), (103.30, 9.20),
    (103.70, 10.50), (104.45, 10.42), (105.10, 10.95), (105.85, 10.95), (106.10, 11.70), (106.45, 11.95),
    (107.10, 12.25), (107.55, 12.35), (107.50, 13.00), (107.55, 14.70), (107.40, 15.50), (107.20, 16.10),
    (106.60, 16.50), (106.00, 17.30), (105.60, 18.00), (105.10, 18.70), (104.10, 19.20), (104.00, 19.70),
    (104.60, 20.30), (104.10, 20.75), (103.20, 20.80), (102.90, 21.30), (102.15, 22.00),
]  # fmt: skip


_HOANG_SA = (111.0, 15.7, 113.0, 17.2)


_TRUONG_SA = (111.5, 6.5, 117.5, 11.5)


_VIETNAM_MARGIN_M = 30_000.0


_GEOD = Geod(ellps="WGS84")


def province_box() -> BaseGeometry:
    """Thái Bình's extent box in EPSG:9209 (where no districts layer gives its outline: the caller's)."""
    t = transformer("EPSG:4326", "EPSG:9209")
    return shapely.transform(box(*PROVINCE_EXTENT).segmentize(0.01), t.transform, interleaved=False)


@lru_cache(maxsize=1)
def vietnam_outline() -> BaseGeometry:
    """A coarse outline of Vietnam (with coastal sea, Hoàng Sa and Trường Sa) in EPSG:9209."""
    t = Transformer.from_crs(4326, WORK_CRS, always_xy=True)
    parts = [Polygon(_VIETNAM_MAINLAND), box(*_HOANG_SA), box(*_TRUONG_SA)]
    merged = shapely.union_all([shapely.transform(p.segmentize(0.1), t.transform, interleaved=False) for p in parts])
    return merged.buffer(_VIETNAM_MARGIN_M)


_DIRS = ("n", "ne", "e", "se", "s", "sw", "w", "nw")


@dataclass(frozen=True)
class Landing:
    """Where the data's centre fell after reprojection, relative to the province and Vietnam."""

    where: str  # province | vietnam | outside
    distance_km: float
    direction: str  # n, ne, ... (from the province's centre)
    lon: float
    lat: float

    def to_dict(self) -> dict[str, Any]:
        def num(v: float, digits: int) -> float | None:
            return round(v, digits) if math.isfinite(v) else None  # JSON has no NaN/inf

        return {
            "where": self.where,
            "distance_km": num(self.distance_km, 1),
            "direction": self.direction,
            "lon": num(self.lon, 5),
            "lat": num(self.lat, 5),
        }


def landing(x: float, y: float, *, province: BaseGeometry, near_km: float) -> Landing:
    """Classify a point in EPSG:9209 (the data's centre): in/near the province, elsewhere in Vietnam, outside."""
    if not (math.isfinite(x) and math.isfinite(y)):
        return Landing("outside", float("inf"), "", float("nan"), float("nan"))
    pt = Point(x, y)
    dist = province.distance(pt) / 1000.0
    to_ll = transformer("EPSG:9209", "EPSG:4326")
    lon, lat = to_ll.transform(x, y)
    c = province.centroid
    clon, clat = to_ll.transform(c.x, c.y)
    az, _, _ = _GEOD.inv(clon, clat, lon, lat)
    direction = _DIRS[int(((az % 360) + 22.5) // 45) % 8]
    if dist <= near_km:
        where = "province"
    elif vietnam_outline().contains(pt):
        where = "vietnam"
    else:
        where = "outside"
    return Landing(where, dist, direction, lon, lat)


@dataclass(frozen=True)
class FeatureLanding:
    """Where each feature fell, by class, with the verdict for the whole upload.

    ``where`` is the verdict: ``province`` when most features are in or near the province (any others
    are strays, reported one by one), ``outside`` when most are outside Vietnam, else ``vietnam``.
    ``centre`` is the landing of the centre of the features of the verdict's class.
    """

    where: str
    centre: Landing
    counts: dict[str, int]
    strays: list[dict[str, Any]]  # {fid, where, distance_km, direction, lon, lat}, up to 50
    stray_fids: dict[str, list[int]]  # class → source FIDs (vietnam, outside)

    @property
    def distance_km(self) -> float:
        return self.centre.distance_km

    @property
    def direction(self) -> str:
        return self.centre.direction

    @property
    def lon(self) -> float:
        return self.centre.lon

    @property
    def lat(self) -> float:
        return self.centre.lat

    def to_dict(self) -> dict[str, Any]:
        return {**self.centre.to_dict(), "where": self.where, "features": dict(self.counts), "strays": self.strays}


_MAX_STRAYS = 50


def landing_features(geoms: Any, fids: Any, *, province: BaseGeometry, near_km: float) -> FeatureLanding:
    """Classify each geometry (EPSG:9209, finite) as in or near the province (within ``near_km``),
    elsewhere in Vietnam, or outside Vietnam, and give the verdict (see :class:`FeatureLanding`)."""

    arr = np.asarray(geoms)
    fid_arr = np.asarray(fids)
    n = len(arr)
    shapely.prepare(province)
    near = shapely.dwithin(arr, province, near_km * 1000.0) if n else np.zeros(0, bool)
    vn = vietnam_outline()
    shapely.prepare(vn)
    centres = shapely.centroid(arr)
    in_vn = shapely.intersects(vn, arr) if n else np.zeros(0, bool)
    cls = np.where(near, "province", np.where(in_vn, "vietnam", "outside"))
    counts = {k: int((cls == k).sum()) for k in ("province", "vietnam", "outside")}
    if counts["province"] * 2 > n:
        where = "province"
    elif counts["outside"] * 2 > n:
        where = "outside"
    else:
        where = "vietnam"
    pick = cls == where
    bx = shapely.total_bounds(arr[pick])
    centre = landing((bx[0] + bx[2]) / 2, (bx[1] + bx[3]) / 2, province=province, near_km=near_km)
    centre = Landing(where, centre.distance_km, centre.direction, centre.lon, centre.lat)
    strays: list[dict[str, Any]] = []
    stray_fids: dict[str, list[int]] = {}
    if where == "province":
        for kind in ("outside", "vietnam"):
            idx = np.flatnonzero(cls == kind)
            stray_fids[kind] = [int(f) for f in fid_arr[idx]]
            for i in idx[: _MAX_STRAYS - len(strays)]:
                c = centres[i]
                lnd = landing(c.x, c.y, province=province, near_km=near_km)
                strays.append(
                    {"fid": int(fid_arr[i]), "where": kind, "distance_km": round(lnd.distance_km, 1),
                     "direction": lnd.direction, "lon": round(lnd.lon, 5), "lat": round(lnd.lat, 5)}
                )  # fmt: skip
    return FeatureLanding(where, centre, counts, strays, stray_fids)


def _centre_in(epsg: int, x: float, y: float) -> tuple[float, float]:
    return transformer(f"EPSG:{epsg}", "EPSG:9209").transform(x, y)


def is_degrees(bounds: tuple[float, ...]) -> bool:
    """True when every coordinate is a possible longitude/latitude (|x| ≤ 180, |y| ≤ 90)."""
    xmin, ymin, xmax, ymax = bounds
    return -180 <= xmin <= xmax <= 180 and -90 <= ymin <= ymax <= 90


def looks_swapped_degrees(bounds: tuple[float, ...]) -> bool:
    """True when x looks like a Vietnamese latitude (8–24°) and y like a Vietnamese longitude (102–118°):
    latitude and longitude written in the wrong order."""
    xmin, ymin, xmax, ymax = bounds
    return 8 <= xmin <= xmax <= 24 and 102 <= ymin <= ymax <= 118


def guess(bounds: tuple[float, float, float, float], *, province: BaseGeometry, near_km: float) -> CRSDetection:
    """Rank the CRSs the coordinates may be in (a file without .prj), from their ranges.

    Degrees → WGS 84 (a safe default; VN-2000 geographic offered). Metres → every VN-2000 TM-3/UTM
    zone (and WGS 84 UTM) tried; those that put the data in or near the province come first, in
    GUESS_ORDER, then those that put it elsewhere in Vietnam, nearest first. The user must confirm.
    """
    xmin, ymin, xmax, ymax = bounds
    if not all(math.isfinite(v) for v in bounds):
        raise CRSError("ingest.crs_no_guess", xmin="—", xmax="—", ymin="—", ymax="—")
    fmt = {"xmin": float(xmin), "xmax": float(xmax), "ymin": float(ymin), "ymax": float(ymax)}
    cx, cy = (xmin + xmax) / 2, (ymin + ymax) / 2
    if looks_swapped_degrees(bounds):
        raise CRSError("ingest.crs_axes_swapped_deg", **fmt)
    if is_degrees(bounds):
        det = CRSDetection(
            source="guess",
            status="guessed",
            epsg=4326,
            wkt=None,
            detected="WGS 84",
            candidates=[Candidate(4326, "WGS 84"), Candidate(4756, "VN-2000")],
        )
        det.warnings.append(("ingest.w_degrees_default", {}))
        return det

    def rank(px: float, py: float) -> list[Candidate]:
        found: list[tuple[tuple[int, float, int], Candidate]] = []
        for i, epsg in enumerate(GUESS_ORDER):
            try:
                wx, wy = _centre_in(epsg, px, py)
            except Exception:
                continue
            land = landing(wx, wy, province=province, near_km=near_km)
            if land.where == "outside":
                continue
            inside = land.distance_km == 0.0
            key = (0 if inside else 1 if land.where == "province" else 2, land.distance_km, i)
            found.append((key, Candidate(epsg, CRS.from_epsg(epsg).name, round(land.distance_km, 1), land.where)))
        return [c for _, c in sorted(found, key=lambda kv: kv[0])]

    cands = rank(cx, cy)
    if not cands or cands[0].where != "province":
        swapped = rank(cy, cx)
        if swapped and swapped[0].where == "province":
            raise CRSError("ingest.crs_axes_swapped", **fmt)
    if not cands:
        raise CRSError("ingest.crs_no_guess", **fmt)
    top = cands[0]
    others = ", ".join(f"EPSG:{c.epsg}" for c in cands[1:6]) or "—"
    return CRSDetection(
        source="guess",
        status="guessed",
        epsg=top.epsg,
        wkt=None,
        detected=top.name,
        candidates=cands,
        needs_confirmation=True,
        problem=("ingest.crs_confirm", {"label": crs_label(top.epsg), "epsg": top.epsg, "others": others}),
    )


#: Plausible ranges around Thái Bình (vn-gis-practice §1.6, widened by ~30 km).
SITE_LAT = (19.9, 21.1)


SITE_LON = (105.7, 107.0)


SITE_E_9209 = (530_000.0, 650_000.0)


SITE_N_9209 = (2_200_000.0, 2_330_000.0)


def guess_crs(bounds: tuple[float, float, float, float]) -> tuple[CRS, bool] | None:
    """A CRS for bare coordinates near Thái Bình: (crs, axes_swapped), or None if nothing fits.

    Lon/lat degrees → EPSG:4326; metres in the TM-3 105°30′ band → EPSG:9209 (the provincial
    default; UTM 48N or 105°45′ data also falls near this band, so the page asks to confirm).
    """
    minx, miny, maxx, maxy = bounds
    if SITE_LON[0] <= minx and maxx <= SITE_LON[1] and SITE_LAT[0] <= miny and maxy <= SITE_LAT[1]:
        return CRS.from_epsg(4326), False
    if SITE_LAT[0] <= minx and maxx <= SITE_LAT[1] and SITE_LON[0] <= miny and maxy <= SITE_LON[1]:
        return CRS.from_epsg(4326), True
    if SITE_E_9209[0] <= minx and maxx <= SITE_E_9209[1] and SITE_N_9209[0] <= miny and maxy <= SITE_N_9209[1]:
        return WORK_CRS, False
    if SITE_N_9209[0] <= minx and maxx <= SITE_N_9209[1] and SITE_E_9209[0] <= miny and maxy <= SITE_E_9209[1]:
        return WORK_CRS, True
    return None
