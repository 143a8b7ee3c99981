"""1. The province outline, drawn by hand from the facts sheet."""

from __future__ import annotations

import itertools
import math

import numpy as np
import shapely
import shapely.affinity
import shapely.ops
from shapely.geometry import LineString, Polygon

from datagen.common import FACTS, SEED, pt_m, to_m

# ------------------------------------------------------------------------------------------------
# 1. province outline, drawn by hand from the facts sheet (§1.1 extreme points, §1.2b bounding boxes,
#    §1.4 rivers). Vertices are (lon, lat). The four arcs meet at the W tip (Luộc fork), the N tip
#    (Lộng Khê), the Thái Bình mouth (end of the Hóa) and the S tip (Ba Lạt mouth).
# ------------------------------------------------------------------------------------------------
LUOC = FACTS["lines"]["luoc"]  # W tip -> N tip; boundary with Hưng Yên / Hải Dương
HOA = FACTS["lines"]["hoa"]  # N tip -> Thái Bình mouth; boundary with Hải Phòng
COAST = FACTS["lines"]["coast"]  # Thái Bình mouth -> Ba Lạt mouth
COAST_ANCHORS = FACTS["lines"]["coast_anchors"]  # the estuaries, vertices of COAST
HONG = FACTS["lines"]["hong"]  # S tip -> W tip, against the flow; boundary with Nam Định / Hà Nam
TRA_LY = FACTS["lines"]["tra_ly"]  # fork on the Hồng -> through the city -> mouth
DIEM_HO = FACTS["lines"]["diem_ho"]  # Đông Hưng -> Diêm Điền mouth

# The hand-drawn outline is ~6 % larger than the official area; every hand-drawn line is shrunk by
# one factor about the computed province centroid so that the outline's area is AREA_TARGET_KM2
# (the extreme points move by < 0.01°).
AREA_TARGET_KM2 = FACTS["province"]["area_km2"]
CENTRE = FACTS["province"]["centre_lon_lat"]


def _raw_m(coords) -> LineString:
    return to_m(LineString(coords))


_SCALE: float | None = None


def shrink() -> float:
    global _SCALE
    if _SCALE is None:
        raw = Polygon(
            list(_raw_m(LUOC).coords)
            + list(_raw_m(HOA).coords)[1:]
            + list(_raw_m(COAST).coords)[1:-1]
            + list(_raw_m(HONG).coords)
        )
        _SCALE = math.sqrt(AREA_TARGET_KM2 * 1e6 / raw.area)
    return _SCALE


def line_m(coords) -> LineString:
    """A hand-drawn (lon, lat) line in metres, shrunk about the centre like the outline."""
    c = pt_m(CENTRE[1], CENTRE[0])
    return shapely.affinity.scale(_raw_m(coords), shrink(), shrink(), origin=c)


def perturbed_coast_m() -> LineString:
    """The coast in metres with a deterministic sand-bar wiggle, zero at the estuary anchors."""
    idx = [COAST.index(a) for a in COAST_ANCHORS]
    out: list[tuple[float, float]] = []
    rng = np.random.default_rng(SEED + 1)
    waves = [
        (float(rng.uniform(1800, 4200)), float(rng.uniform(150, 260)), float(rng.uniform(0, 6.3)))
        for _ in range(3)
    ]
    waves += [
        (float(rng.uniform(500, 1300)), float(rng.uniform(40, 90)), float(rng.uniform(0, 6.3)))
        for _ in range(3)
    ]
    phase = 0.0
    for i0, i1 in itertools.pairwise(idx):
        arc = line_m(COAST[i0 : i1 + 1])
        n = max(2, int(arc.length // 100.0))
        s = np.linspace(0.0, arc.length, n + 1)
        xy = shapely.get_coordinates(shapely.line_interpolate_point(arc, s))
        d = np.gradient(xy, axis=0)
        d /= np.hypot(d[:, 0], d[:, 1])[:, None]
        normal = np.column_stack(
            [-d[:, 1], d[:, 0]]
        )  # left of travel (southward along the coast) = east = sea
        taper = np.clip(np.minimum(s, arc.length - s) / 1500.0, 0.0, 1.0)
        t = s + phase
        wiggle = 0.85 * sum(a * np.sin(2 * np.pi * t / lam + ph) for lam, a, ph in waves)
        xy = xy + normal * (wiggle * taper)[:, None]
        xy[0], xy[-1] = arc.coords[0], arc.coords[-1]
        out.extend(map(tuple, xy if not out else xy[1:]))
        phase += arc.length
    return LineString(out)


def build_outline():
    """(outline polygon in metres, coast line in metres, river arcs in metres)."""
    coast = perturbed_coast_m()
    luoc, hoa, hong = line_m(LUOC), line_m(HOA), line_m(HONG)
    # the coast's ends are the Hóa mouth and the S tip: use the exact arc vertices there
    coast = LineString([hoa.coords[-1]] + list(coast.coords)[1:-1] + [hong.coords[0]])
    ring = list(luoc.coords) + list(hoa.coords)[1:] + list(coast.coords)[1:-1] + list(hong.coords)
    poly = Polygon(ring)
    assert poly.is_valid, shapely.is_valid_reason(poly)
    return poly, coast, {"luoc": luoc, "hoa": hoa, "hong": hong}
