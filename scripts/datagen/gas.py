"""4. Gas and power (facts §5; plan Điều 1, III.1, IV.7.a, IV.7.c)."""

from __future__ import annotations

import math

import numpy as np
import shapely
import shapely.affinity
import shapely.ops
from shapely.geometry import LineString, Point

from datagen.common import FACTS, SEED, pt_m
from datagen.sites import blob

# ------------------------------------------------------------------------------------------------
# 4. gas and power (facts §5; plan Điều 1, III.1, IV.7.a, IV.7.c)
# ------------------------------------------------------------------------------------------------
GAS = FACTS["gas"]
PIPELINE_KM = GAS["pipeline_km"]
POWER_CENTRE = GAS["power_centre_lat_lon"]  # Mỹ Lộc, plus code FHJ5+C46 (facts §5)


def _inland(coast: LineString, near: Point, outline, d: float = 150.0) -> Point:
    """The point of the coast nearest ``near``, moved ``d`` m inland."""
    p = coast.interpolate(coast.project(near))
    for ang in np.linspace(0, 2 * np.pi, 72, endpoint=False):
        q = Point(p.x + d * math.cos(ang), p.y + d * math.sin(ang))
        if outline.buffer(-d * 0.6).contains(q):
            return q
    raise RuntimeError("no inland point")


def gas_and_power(outline, coast, sites, dist_geoms):
    park = {s["name"]: s["geom"] for s in sites}
    kcn_th = park["KCN Tiền Hải"]
    centre = kcn_th.buffer(-150.0).centroid
    if not kcn_th.contains(centre):
        centre = kcn_th.representative_point()
    dong_minh = pt_m(20.372, 106.568)
    hp_first = pt_m(20.370, 106.566)
    s0 = coast.project(pt_m(20.352, 106.600))  # Nam Thịnh coast
    inner = outline.buffer(-20.0)
    for off in sorted(np.arange(-2000.0, 2001.0, 100.0), key=abs):  # a stretch where both lines stay ashore
        lfs = _inland(coast, coast.interpolate(s0 + off), outline, d=200.0)
        if inner.contains(LineString([lfs, dong_minh])) and inner.contains(LineString([lfs, hp_first])):
            break
    else:
        raise RuntimeError("no landfall site")
    onshore = LineString([lfs, dong_minh, centre])
    off_len = PIPELINE_KM * 1000.0 - onshore.length
    bearing = math.radians(-12.0)  # east, slightly south (Gulf of Tonkin)
    platform = Point(lfs.x + off_len * math.cos(bearing), lfs.y + off_len * math.sin(bearing))
    trunk = LineString(
        [
            platform,
            Point(
                platform.x - 0.45 * off_len * math.cos(bearing),
                platform.y - 0.45 * off_len * math.sin(bearing) + 900.0,
            ),
            lfs,
            dong_minh,
            centre,
        ]
    )
    # rescale the offshore leg so the whole line is exactly PIPELINE_KM (the bend adds a little)
    extra = trunk.length - PIPELINE_KM * 1000.0
    off_len -= extra
    platform = Point(lfs.x + off_len * math.cos(bearing), lfs.y + off_len * math.sin(bearing))
    bend = Point(
        platform.x - 0.45 * off_len * math.cos(bearing),
        platform.y - 0.45 * off_len * math.sin(bearing) + 900.0,
    )
    trunk = LineString([platform, bend, lfs, dong_minh, centre])

    field = blob(Point(platform.x + 2500.0, platform.y - 800.0), 1.8, -15.0, SEED + 102, n=12)
    field = shapely.affinity.scale(field, math.sqrt(45e6), math.sqrt(45e6), origin=field.centroid)

    lines = [{**GAS["lines"]["trunk"], "geom": trunk}]
    ring = LineString(shapely.simplify(kcn_th.buffer(-180.0).exterior, 30.0).coords)
    # the network leaves the gas centre, reaches the ring at its nearest point and runs round it
    d = ring.project(centre)
    around = list(shapely.ops.substring(ring, d, ring.length).coords) + list(shapely.ops.substring(ring, 0.0, d).coords)[1:]
    lines.append({**GAS["lines"]["park_network"], "geom": LineString([centre.coords[0], *around])})
    ccn = park["CCN Trà Lý"].centroid
    lines.append({**GAS["lines"]["cluster_branch"], "geom": LineString([centre, ccn])})
    th2 = park["KCN Tiền Hải 2"].centroid
    hl = park["KCN Hải Long"].centroid
    lines.append(
        {**GAS["lines"]["network_extension"], "geom": LineString([centre, th2, pt_m(20.415, 106.568), hl])}
    )
    pc = pt_m(*POWER_CENTRE)
    hp1 = LineString([lfs, hp_first, pt_m(20.405, 106.558), pt_m(20.445, 106.550), pc])
    assert inner.contains(hp1), "HP line leaves the province"
    tp = dist_geoms["TP"]
    city_end = _nearest_inside(tp, pt_m(20.478, 106.372))
    hp2 = LineString([pc, pt_m(20.492, 106.520), pt_m(20.500, 106.470), pt_m(20.497, 106.420), city_end])
    lines.append({**GAS["lines"]["hp_power"], "geom": hp1})
    lines.append({**GAS["lines"]["hp_city"], "geom": hp2})
    fields = [{**GAS["field"], "geom": field}]
    sites_pts = [
        {**GAS["sites"]["gas_centre"], "geom": centre},
        {**GAS["sites"]["landfall_station"], "geom": lfs},
        {**GAS["sites"]["power_centre"], "geom": pc},
    ]
    return fields, lines, sites_pts


def _nearest_inside(poly, p: Point) -> Point:
    if poly.buffer(-200.0).contains(p):
        return p
    inner = poly.buffer(-200.0)
    return inner.exterior.interpolate(inner.exterior.project(p))
