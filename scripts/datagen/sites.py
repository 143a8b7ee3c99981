"""3. Parks, clusters, the agricultural park, the economic zone, raw-material zones (facts §3, §4, §6)."""

from __future__ import annotations

import math

import numpy as np
import shapely
import shapely.affinity
import shapely.ops
from shapely.geometry import MultiPolygon, Point, Polygon
from shapely.ops import unary_union

from datagen.common import FACTS, SEED, pt_m
from datagen.districts import NAME

# ------------------------------------------------------------------------------------------------
# 3. parks, clusters, the agricultural park, the economic zone, raw-material zones (facts §3, §4, §6)
# ------------------------------------------------------------------------------------------------
# One table per site: name, status, stated area_ha (absent when not stated), drawn_ha (clusters and
# the agricultural park), district key, in_economic_zone, centre_lat_lon, aspect, angle_deg, note
PARKS = FACTS["park"]
CLUSTERS = FACTS["cluster"]
AGRI = FACTS["agri_park"]

KKT_AREA_HA = FACTS["economic_zone"]["area_ha"]
# seat discs burnt as built-up land (ODT/ONT) in the land-use raster
TOWN_RADIUS_M = {"TP": 2000.0}
TOWN_RADIUS_DEFAULT_M = 600.0
RIVERS = FACTS["river"]


def blob(center: Point, aspect: float, angle: float, seed: int, n: int = 10) -> Polygon:
    """An irregular unit-area polygon (ellipse with jittered radii) centred on ``center``."""
    rng = np.random.default_rng(seed)
    t = np.linspace(0, 2 * np.pi, n, endpoint=False) + rng.uniform(0, 0.3)
    r = 1.0 + rng.uniform(-0.12, 0.12, n)
    xy = np.column_stack([np.cos(t) * r * math.sqrt(aspect), np.sin(t) * r / math.sqrt(aspect)])
    p = Polygon(xy)
    p = shapely.affinity.scale(p, 1 / math.sqrt(p.area), 1 / math.sqrt(p.area), origin=(0, 0))
    p = shapely.affinity.rotate(p, angle, origin=(0, 0))
    return shapely.affinity.translate(p, center.x, center.y)


def fit(shape_unit: Polygon, target_m2: float, allowed) -> Polygon:
    """Scale ``shape_unit`` about its centre until its clipped area equals ``target_m2``.

    If the wanted centre has too little room, the shape moves to the nearest place that has it."""
    c = shape_unit.centroid
    room = allowed.buffer(-0.75 * math.sqrt(target_m2 / math.pi))
    if not room.is_empty and not room.contains(c):
        q = shapely.ops.nearest_points(room, c)[0]
        shape_unit = shapely.affinity.translate(shape_unit, q.x - c.x, q.y - c.y)
        c = shape_unit.centroid

    def clipped(k: float) -> Polygon:
        g = shapely.affinity.scale(shape_unit, k, k, origin=c).intersection(allowed)
        if g.is_empty:
            return Polygon()
        if g.geom_type != "Polygon":
            g = max((p for p in getattr(g, "geoms", [g]) if p.geom_type == "Polygon"), key=lambda p: p.area)
        return g

    lo, hi = 0.0, math.sqrt(target_m2) * 3
    for _ in range(50):
        mid = 0.5 * (lo + hi)
        if clipped(mid).area < target_m2:
            lo = mid
        else:
            hi = mid
    g = clipped(hi)
    g = shapely.simplify(g, 5.0)
    g = shapely.make_valid(g) if not g.is_valid else g
    assert abs(g.area / target_m2 - 1.0) < 0.03, (g.area, target_m2)
    return g


def place_sites(dist_geoms: dict, river_buf, taken):
    """Polygons for parks, clusters and the agricultural park (metres)."""
    out = []
    specs = [("park", p, p["area_ha"]) for p in PARKS]
    specs += [("cluster", c, c["drawn_ha"]) for c in CLUSTERS]
    specs.append(("agri", AGRI, AGRI["drawn_ha"]))
    for j, (kind, site, draw_ha) in enumerate(specs):
        dkey = site["district"]
        allowed = dist_geoms[dkey].buffer(-80.0).difference(river_buf)
        if taken:
            allowed = allowed.difference(unary_union(taken).buffer(60.0))
        unit = blob(pt_m(*site["centre_lat_lon"]), site["aspect"], site["angle_deg"], SEED + 17 * j)
        poly = fit(unit, draw_ha * 1e4, allowed)
        taken.append(poly)
        out.append(
            {
                "kind": kind,
                "name": site["name"],
                "status": site["status"],
                "area_ha": site.get("area_ha"),
                "district": NAME[dkey],
                "in_economic_zone": site["in_economic_zone"],
                "note": site["note"],
                "geom": poly,
                "key": dkey,
            }
        )
    return out


def economic_zone(dist_geoms: dict, coast, sites, tra):
    """KKT: the coastal part of Thái Thụy + Tiền Hải holding its parks, area = 30,583 ha.

    It reaches inland along the Trà Lý estuary to its W extreme point (Thái Thọ, facts §3)."""
    host = unary_union([dist_geoms["TT"], dist_geoms["TH"]])
    west = pt_m(20.4525, 106.4967)
    estuary = shapely.ops.substring(tra, tra.project(west) - 1500.0, tra.length)
    core = unary_union(
        [s["geom"].buffer(400.0) for s in sites if s["in_economic_zone"]]
        + [estuary.buffer(1800.0), west.buffer(1500.0)]
    )
    lo, hi = 0.0, 20000.0
    for _ in range(40):
        mid = 0.5 * (lo + hi)
        g = host.intersection(unary_union([coast.buffer(mid), core]))
        if g.area < KKT_AREA_HA * 1e4:
            lo = mid
        else:
            hi = mid
    g = host.intersection(unary_union([coast.buffer(hi), core]))
    parts = [p for p in getattr(g, "geoms", [g]) if p.geom_type == "Polygon" and p.area > 1e4]
    return parts[0] if len(parts) == 1 else MultiPolygon(parts)


def raw_material_zones(dist_geoms: dict, excluded):
    """1–3 maize/soybean zones per district named in Điều 1, IV.6.c, inland, away from industry."""
    zones = FACTS["raw_material_zones"]
    plan = zones["zones_per_district"]
    rng = np.random.default_rng(SEED + 6)
    out = []
    for dkey, n in plan:
        allowed = dist_geoms[dkey].buffer(-300.0).difference(excluded)
        core = allowed.buffer(-900.0)
        minx, miny, maxx, maxy = core.bounds
        gx, gy = np.meshgrid(np.arange(minx, maxx, 500.0), np.arange(miny, maxy, 500.0))
        cand = shapely.points(gx.ravel(), gy.ravel())
        cand = cand[shapely.contains(core, cand)]
        chosen = [cand[int(rng.integers(len(cand)))]]
        while len(chosen) < n:  # farthest-point sampling: spread the zones over the district
            d = np.min([shapely.distance(cand, c) for c in chosen], axis=0)
            chosen.append(cand[int(np.argmax(d))])
        for j, c in enumerate(chosen):
            target = float(rng.uniform(220.0, 480.0)) * 1e4
            poly = fit(
                blob(c, float(rng.uniform(1.1, 1.8)), float(rng.uniform(0, 180)), SEED + 100 + len(out)),
                target,
                allowed,
            )
            allowed = allowed.difference(poly.buffer(200.0))
            out.append(
                {
                    "name": zones["name"].format(crop=zones["crop"], district=NAME[dkey], number=j + 1),
                    "district": NAME[dkey],
                    "crop": zones["crop"],
                    "geom": poly,
                }
            )
    return out
