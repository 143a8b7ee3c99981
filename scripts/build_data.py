#!/usr/bin/env python
"""Build the shipped default data in ``data/`` (illustrative, deterministic, no network).

Every layer written here is *illustrative*: it is drawn from the numbers in the project's facts
sheet (extreme points, district bounding boxes and centroids, official areas, the "who borders whom"
table, the locations named for parks, clusters, the economic zone and the gas system), not surveyed.
Those numbers are in ``scripts/data/facts.toml`` (its header says where they come from); this
script holds only how the layers are drawn from them.
Running the script twice gives byte-identical files (fixed seeds, sorted output, fixed rounding).

    .venv/bin/python scripts/build_data.py            # writes data/*.geojson and data/landuse.tif
    .venv/bin/python scripts/build_data.py --check    # also prints the verification table

Working CRS is EPSG:9209 (VN-2000 / TM-3 105-30); GeoJSON is written in EPSG:4326, 6 decimals.
"""

from __future__ import annotations

import argparse
import itertools
import json
import math
import sys
import tomllib
import unicodedata
from pathlib import Path

import numpy as np
import shapely
import shapely.affinity
import shapely.ops
from pyproj import Transformer
from shapely.geometry import LineString, MultiPolygon, Point, Polygon, mapping
from shapely.ops import split, unary_union

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "data"
WORK_CRS = "EPSG:9209"
SEED = 20170815  # date of Decision 2171/QĐ-UBND approving the plan

_FWD = Transformer.from_crs("EPSG:4326", WORK_CRS, always_xy=True)
_INV = Transformer.from_crs(WORK_CRS, "EPSG:4326", always_xy=True)

#: The facts the layers are drawn from (illustrative figures; their sources are in the file's header).
FACTS_PATH = Path(__file__).resolve().parent / "data" / "facts.toml"


def load_facts(path: Path = FACTS_PATH) -> dict:
    """The facts file, parsed (TOML, UTF-8, NFC)."""
    with path.open("rb") as fh:
        return tomllib.load(fh)


FACTS = load_facts()


# ------------------------------------------------------------------------------------------------
# projection helpers
# ------------------------------------------------------------------------------------------------
def to_m(geom):
    """lon/lat geometry -> EPSG:9209 metres."""
    return shapely.transform(geom, lambda a: np.column_stack(_FWD.transform(a[:, 0], a[:, 1])))


def to_ll(geom):
    """EPSG:9209 metres -> lon/lat geometry."""
    return shapely.transform(geom, lambda a: np.column_stack(_INV.transform(a[:, 0], a[:, 1])))


def pt_m(lat: float, lon: float) -> Point:
    x, y = _FWD.transform(lon, lat)
    return Point(x, y)


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


# ------------------------------------------------------------------------------------------------
# 2. districts: facts §1.2 (official area, seat, centroid), §1.3 (adjacency)
# ------------------------------------------------------------------------------------------------
# One table per unit (key, gso_code, name_vi, name_ascii, unit_type, area_km2 official, seat_name,
# seat_lat_lon, centroid_lat_lon, bank, bbox, seed_lat_lon, neighbours); see the facts file.
# bank: which bank of the Trà Lý the unit may occupy ("N", "S" or "NS" for the city it crosses).
DISTRICTS = FACTS["district"]
KEYS = [d["key"] for d in DISTRICTS]
NAME = {d["key"]: d["name_vi"] for d in DISTRICTS}

# facts §1.3, internal neighbours (symmetric)
ADJACENCY = {d["key"]: set(d["neighbours"]) for d in DISTRICTS}

# seeds of the weighted (power) diagram, (lat, lon); mostly the computed centroids, nudged so that
# the cells reproduce the adjacency table
SEEDS = {d["key"]: d["seed_lat_lon"] for d in DISTRICTS}

# facts §1.2b district bounding boxes (lon min, lon max, lat min, lat max); the cells are kept inside
# each box grown by BOX_MARGIN degrees (the boxes include offshore islets for Thái Thụy / Tiền Hải)
BBOX = {d["key"]: d["bbox"] for d in DISTRICTS}
BOX_MARGIN = 0.012

CELL = 150.0  # metres


def _smooth_noise(
    rng: np.random.Generator, x: np.ndarray, y: np.ndarray, n: int = 6, wl=(4000, 12000)
) -> np.ndarray:
    """A smooth deterministic field in [-1, 1] (sum of random plane waves)."""
    out = np.zeros_like(x)
    for _ in range(n):
        ang = rng.uniform(0, 2 * np.pi)
        lam = rng.uniform(*wl)
        ph = rng.uniform(0, 2 * np.pi)
        out += np.sin((np.cos(ang) * x + np.sin(ang) * y) * 2 * np.pi / lam + ph)
    return out / n * 1.6


def _raster_mask(geom, transform, shape) -> np.ndarray:
    from rasterio.features import rasterize

    return rasterize([(geom, 1)], out_shape=shape, transform=transform, fill=0, dtype="uint8").astype(bool)


def _extend(line: LineString, d: float = 60.0) -> LineString:
    c = np.asarray(line.coords)
    a = c[0] + (c[0] - c[1]) / np.hypot(*(c[0] - c[1])) * d
    b = c[-1] + (c[-1] - c[-2]) / np.hypot(*(c[-1] - c[-2])) * d
    return LineString(np.vstack([a, c, b]))


def north_bank(outline, tra_ly_m):
    """The part of the province north of the Trà Lý."""
    pieces = list(split(outline, _extend(tra_ly_m)).geoms)
    assert len(pieces) == 2, len(pieces)
    return max(pieces, key=lambda g: g.centroid.y)


def geodesic(cost: np.ndarray, start: tuple[int, int]) -> np.ndarray:
    """Dijkstra travel time on an 8-connected grid (cost = time per cell; inf = blocked)."""
    import heapq

    nrow, ncol = cost.shape
    flat = cost.ravel()
    dist = np.full(nrow * ncol, np.inf)
    s0 = start[0] * ncol + start[1]
    dist[s0] = 0.0
    heap = [(0.0, s0)]
    steps = [
        (-1, 0, 1.0),
        (1, 0, 1.0),
        (0, -1, 1.0),
        (0, 1, 1.0),
        (-1, -1, 1.41421356),
        (-1, 1, 1.41421356),
        (1, -1, 1.41421356),
        (1, 1, 1.41421356),
    ]
    while heap:
        d, u = heapq.heappop(heap)
        if d > dist[u]:
            continue
        r, c = divmod(u, ncol)
        cu = flat[u]
        for dr, dc, ln in steps:
            rr, cc = r + dr, c + dc
            if 0 <= rr < nrow and 0 <= cc < ncol:
                v = rr * ncol + cc
                cv = flat[v]
                if cv == np.inf:
                    continue
                nd = d + ln * 0.5 * (cu + cv)
                if nd < dist[v]:
                    dist[v] = nd
                    heapq.heappush(heap, (nd, v))
    return dist.reshape(nrow, ncol)


def partition(outline, tra_ly_m):
    """Grow the 8 districts on a CELL grid from seeds.

    Each unit gets a noisy geodesic travel-time field from its seed (blocked across the Trà Lý
    for units on the other bank, slowed outside its facts bounding box); cells go to the unit with
    the smallest time minus an additive weight, and the weights are iterated until every unit's
    area is its official area (scaled to the outline). Additive weights on geodesic distances
    keep every unit connected.
    """
    from rasterio.transform import from_origin, rowcol

    rng = np.random.default_rng(SEED)
    minx, miny, maxx, maxy = outline.bounds
    pad = 3 * CELL
    x0, y1 = math.floor((minx - pad) / CELL) * CELL, math.ceil((maxy + pad) / CELL) * CELL
    ncol = math.ceil((maxx + pad - x0) / CELL)
    nrow = math.ceil((y1 - (miny - pad)) / CELL)
    transform = from_origin(x0, y1, CELL, CELL)
    shape = (nrow, ncol)
    inside = _raster_mask(outline, transform, shape)
    nmask = _raster_mask(north_bank(outline, tra_ly_m), transform, shape)
    cx = x0 + (np.arange(ncol) + 0.5) * CELL
    cy = y1 - (np.arange(nrow) + 0.5) * CELL
    X, Y = np.meshgrid(cx, cy)
    total = inside.sum() * CELL * CELL
    official = np.array([d["area_km2"] for d in DISTRICTS])
    target = official / official.sum() * total
    k = len(DISTRICTS)
    times = np.empty((k, nrow, ncol))
    for i, d in enumerate(DISTRICTS):
        side = d["bank"]
        ok = inside & ((nmask if side == "N" else ~nmask) if side != "NS" else True)
        x0b, x1b, y0b, y1b = BBOX[d["key"]]
        m = BOX_MARGIN
        box = line_m(
            [
                (x0b - m, y0b - m),
                (x1b + m, y0b - m),
                (x1b + m, y1b + m),
                (x0b - m, y1b + m),
                (x0b - m, y0b - m),
            ]
        )
        inbox = _raster_mask(Polygon(box.coords), transform, shape)
        if side == "NS":  # the city: its north-bank wards stay within ~2.8 km of the Trà Lý and its box
            ok &= ~nmask | (_raster_mask(tra_ly_m.buffer(2800.0), transform, shape) & inbox)
        cost = (1.0 + 0.45 * _smooth_noise(rng, X, Y)) * np.where(inbox, 1.0, 3.0) * CELL
        cost = np.where(ok, np.maximum(cost, 0.2 * CELL), np.inf)
        s = pt_m(*SEEDS[d["key"]])
        r, c = rowcol(transform, s.x, s.y)
        assert ok[r, c], d["key"]
        times[i] = geodesic(cost, (r, c))
    w = np.zeros(k)
    for it in range(600):
        lab = np.argmin(times - w[:, None, None], axis=0)
        lab[~inside] = 255
        areas = np.array([(lab == i).sum() * CELL * CELL for i in range(k)])
        err = (target - areas) / target
        if np.max(np.abs(err)) < 0.003:
            break
        w += 2500.0 * err * (1.0 if it < 300 else 0.3)
    lab = _reassign_crumbs(lab.astype(np.uint8), transform)
    areas = np.array([(lab == i).sum() * CELL * CELL for i in range(k)])
    return lab, transform, inside, areas, target


def _reassign_crumbs(lab: np.ndarray, transform) -> np.ndarray:
    """Give every detached piece of a unit to the neighbour it shares most cells with."""
    from rasterio.features import rasterize, shapes

    lab = lab.copy()
    for i in range(len(DISTRICTS)):
        parts = [
            shapely.geometry.shape(g)
            for g, v in shapes((lab == i).astype(np.uint8), mask=(lab == i), transform=transform)
        ]
        if len(parts) < 2:
            continue
        parts.sort(key=lambda p: -p.area)
        for p in parts[1:]:
            m = rasterize([(p, 1)], out_shape=lab.shape, transform=transform, fill=0, dtype="uint8").astype(
                bool
            )
            ring = np.zeros_like(m)
            for dy, dx in ((1, 0), (-1, 0), (0, 1), (0, -1)):
                ring |= np.roll(np.roll(m, dy, axis=0), dx, axis=1)
            ring &= ~m
            vals = lab[ring]
            vals = vals[(vals != 255) & (vals != i)]
            if vals.size:
                lab[m] = np.bincount(vals).argmax()
    return lab


def polygonize(lab, transform, outline):
    """Label grid -> clean polygon coverage clipped to the exact outline (metres)."""
    from rasterio.features import shapes

    lab = lab.copy()
    # grow labels outward by a few cells so that clipping to the outline leaves no gap
    for _ in range(6):
        empty = lab == 255
        if not empty.any():
            break
        for dy, dx in ((1, 0), (-1, 0), (0, 1), (0, -1)):
            sh = np.roll(np.roll(lab, dy, axis=0), dx, axis=1)
            fill = empty & (sh != 255) & (lab == 255)
            lab[fill] = sh[fill]
    polys = {}
    for i in range(len(DISTRICTS)):
        parts = [
            shapely.geometry.shape(g)
            for g, v in shapes((lab == i).astype(np.uint8), mask=(lab == i), transform=transform)
            if v == 1
        ]
        polys[i] = unary_union(parts)
    geoms = [polys[i] for i in range(len(DISTRICTS))]
    simp = shapely.coverage_simplify(np.array(geoms, dtype=object), tolerance=260.0)
    out = []
    for g in simp:
        g = shapely.make_valid(g).intersection(outline)
        if g.geom_type == "MultiPolygon":  # drop crumbs left by the clip
            g = max(g.geoms, key=lambda p: p.area)
        elif g.geom_type == "GeometryCollection":
            g = max((p for p in g.geoms if p.geom_type == "Polygon"), key=lambda p: p.area)
        out.append(g)
    return _noded(out)


def _noded(polys: list) -> list:
    """Rebuild the coverage from its noded linework, so that neighbours share every vertex
    (then rounding to 6 decimals moves shared edges identically and opens no sliver)."""
    lines = shapely.union_all([p.boundary for p in polys])
    faces = list(shapely.polygonize(list(getattr(lines, "geoms", [lines]))).geoms)
    groups: list[list] = [[] for _ in polys]
    for f in faces:
        rp = f.representative_point()
        hits = [i for i, p in enumerate(polys) if p.contains(rp)]
        if hits:
            groups[hits[0]].append(f)
    out = []
    for i, g in enumerate(groups):
        u = g[0] if len(g) == 1 else unary_union(g)
        assert u.geom_type == "Polygon", (KEYS[i], u.geom_type)
        assert abs(u.area - polys[i].area) < 1.0, (KEYS[i], u.area, polys[i].area)
        out.append(u)
    return out


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


# ------------------------------------------------------------------------------------------------
# 5. land-use raster (codes: vn-gis-practice §3; plan Điều 1, III.4 and V.1.h)
# ------------------------------------------------------------------------------------------------
PIXEL = 20.0
NODATA = 255
OTHER, LUC, LUK, IND, URBAN, WATER, AQUA = 0, 1, 2, 3, 4, 5, 6
RICE_SHARE = 0.475  # of the province's land pixels; facts §6: rice land is "most" of the farm land
LUC_OF_RICE = 0.68
COAST_STRIP_M = 1200.0
BURN_MARGIN_M = 25.0  # burn masks a little wider so that no rice pixel centre falls in a park/river/town
COLORMAP = {
    OTHER: (186, 214, 134),
    LUC: (242, 227, 76),
    LUK: (250, 240, 160),
    IND: (153, 52, 4),
    URBAN: (230, 110, 110),
    WATER: (116, 185, 232),
    AQUA: (64, 160, 160),
}


def field_pattern(shape: tuple[int, int], seed: int, min_px: int = 5, max_px: int = 20):
    """Blocky parcel ids (strips of random height, cut into parcels of random width) and a uniform
    random number per parcel. With 20 m pixels, parcels are 100–400 m a side."""
    rng = np.random.default_rng(seed)
    nrow, ncol = shape
    ids = np.empty(shape, dtype=np.int32)
    r, next_id = 0, 0
    while r < nrow:
        h = int(rng.integers(min_px, max_px + 1))
        widths = rng.integers(min_px, max_px + 1, size=ncol // min_px + 2)
        n = int(np.searchsorted(np.cumsum(widths), ncol)) + 1
        ids[r : r + h] = (np.repeat(np.arange(n), widths[:n])[:ncol] + next_id)[None, :]
        next_id += n
        r += h
    return ids, rng.random(next_id), rng.random(next_id)


def build_landuse(outline, coast, rivers, sites, raw_zones, seats):
    from rasterio.features import rasterize
    from rasterio.transform import from_origin

    minx, miny, maxx, maxy = outline.bounds
    x0, y1 = math.floor(minx / PIXEL) * PIXEL - PIXEL, math.ceil(maxy / PIXEL) * PIXEL + PIXEL
    ncol = math.ceil((maxx - x0) / PIXEL) + 1
    nrow = math.ceil((y1 - miny) / PIXEL) + 1
    tr = from_origin(x0, y1, PIXEL, PIXEL)
    shape = (nrow, ncol)

    def burn(geoms, all_touched=True):
        geoms = [g for g in geoms if not g.is_empty]
        return rasterize(
            [(g, 1) for g in geoms],
            out_shape=shape,
            transform=tr,
            fill=0,
            dtype="uint8",
            all_touched=all_touched,
        ).astype(bool)

    land = burn([outline], all_touched=False)
    out = np.full(shape, OTHER, dtype=np.uint8)
    fixed = np.zeros(shape, dtype=bool)
    for val, geoms in (
        (WATER, [r["geom"].buffer(r["width_m"] / 2 + BURN_MARGIN_M) for r in rivers]),
        (IND, [s["geom"].buffer(BURN_MARGIN_M) for s in sites]),
        (URBAN, [p.buffer(rad + BURN_MARGIN_M) for p, rad in seats]),
        (OTHER, [z["geom"] for z in raw_zones]),
        (AQUA, [coast.buffer(COAST_STRIP_M)]),
    ):  # first burnt wins
        m = burn(geoms) & ~fixed
        out[m] = val
        fixed |= m
    ids, u, v = field_pattern(shape, SEED)
    field = land & ~fixed
    n_rice = round(RICE_SHARE * land.sum())
    score = u[ids]
    t = np.sort(score[field])[n_rice - 1]
    rice = field & (score <= t)
    luc = rice & (v[ids] < LUC_OF_RICE)
    out[rice] = LUK
    out[luc] = LUC
    out[~land] = NODATA
    return out, tr


def write_landuse(path: Path, arr: np.ndarray, tr) -> None:
    import rasterio

    profile = {
        "driver": "GTiff",
        "dtype": "uint8",
        "count": 1,
        "width": arr.shape[1],
        "height": arr.shape[0],
        "crs": WORK_CRS,
        "transform": tr,
        "nodata": NODATA,
        "tiled": True,
        "blockxsize": 512,
        "blockysize": 512,
        "compress": "deflate",
        "predictor": 2,
        "zlevel": 9,
        "interleave": "band",
    }
    with rasterio.Env(GDAL_TIFF_INTERNAL_MASK=False), rasterio.open(path, "w", **profile) as ds:
        ds.write(arr, 1)
        ds.write_colormap(1, {k: (*c, 255) for k, c in COLORMAP.items()})
        ds.update_tags(1, CODES="0=khác,1=LUC,2=LUK,3=SKK/SKN,4=ODT/ONT,5=SON/MNC,6=NTS")
        ds.update_tags(SOURCE="Dữ liệu minh họa, dựng bằng scripts/build_data.py (tbgeo)")


# ------------------------------------------------------------------------------------------------
# 6. writing
# ------------------------------------------------------------------------------------------------
def _nfc(v):
    return unicodedata.normalize("NFC", v) if isinstance(v, str) else v


def _round(obj):
    if isinstance(obj, (list, tuple)):
        if obj and isinstance(obj[0], (int, float)):
            return [round(float(c), 6) for c in obj[:2]]
        return [_round(o) for o in obj]
    return obj


def write_geojson(path: Path, name: str, features: list[tuple[dict, object]]) -> None:
    """GeoJSON (EPSG:4326, 6 decimals), properties in the given order, deterministic bytes."""
    feats = []
    for props, geom_m in features:
        g = to_ll(geom_m)
        if g.geom_type in ("Polygon", "MultiPolygon"):
            g = shapely.transform(g, lambda a: np.round(a, 6))
            if not g.is_valid:
                g = shapely.set_precision(g, 1e-6)
            if g.geom_type == "MultiPolygon" and len(g.geoms) == 1:
                g = g.geoms[0]
        gj = mapping(g)
        feats.append(
            {
                "type": "Feature",
                "properties": {_nfc(k): _nfc(v) for k, v in props.items()},
                "geometry": {"type": gj["type"], "coordinates": _round(gj["coordinates"])},
            }
        )
    doc = {"type": "FeatureCollection", "name": name, "features": feats}
    text = json.dumps(doc, ensure_ascii=False, separators=(",", ":"))
    text = text.replace('{"type":"Feature"', '\n{"type":"Feature"')
    path.write_text(text + "\n", encoding="utf-8")


def km(g) -> float:
    return round(g.length / 1000.0, 2)


# ------------------------------------------------------------------------------------------------
# 7. main
# ------------------------------------------------------------------------------------------------
def adjacency(polys: dict) -> dict:
    adj = {k: set() for k in polys}
    keys = list(polys)
    for i, a in enumerate(keys):
        for b in keys[i + 1 :]:
            if polys[a].boundary.intersection(polys[b].boundary).length > 100.0:
                adj[a].add(b)
                adj[b].add(a)
    return adj


def build(out_dir: Path = DATA, verbose: bool = True) -> dict:
    out_dir.mkdir(parents=True, exist_ok=True)
    log = print if verbose else (lambda *a, **k: None)
    outline, coast, arcs = build_outline()
    tra, diem = line_m(TRA_LY), line_m(DIEM_HO)
    lab, tr, _, _, _ = partition(outline, tra)
    polys = dict(zip(KEYS, polygonize(lab, tr, outline)))
    adj = adjacency(polys)
    if adj != ADJACENCY:
        raise SystemExit(f"adjacency differs from the facts table: {adj}")
    for d in DISTRICTS:
        if not polys[d["key"]].contains(pt_m(*d["seat_lat_lon"])):
            raise SystemExit(f"seat of {d['name_vi']} outside its unit")

    drawn = {"hong": arcs["hong"], "luoc": arcs["luoc"], "hoa": arcs["hoa"], "tra_ly": tra, "diem_ho": diem}
    rivers = []
    for r in RIVERS:
        geom = drawn[r["line"]]
        if r.get("against_flow", False):
            geom = LineString(list(geom.coords)[::-1])
        rivers.append({"name": r["name"], "geom": geom, "width_m": r["width_m"]})
    river_buf = unary_union([r["geom"].buffer(r["width_m"] / 2 + 40.0) for r in rivers])
    seats = [(pt_m(*d["seat_lat_lon"]), TOWN_RADIUS_M.get(d["key"], TOWN_RADIUS_DEFAULT_M)) for d in DISTRICTS]
    town_buf = unary_union([p.buffer(r + 60.0) for p, r in seats])
    sites = place_sites(polys, unary_union([river_buf, town_buf]), [])
    kkt = economic_zone(polys, coast, sites, tra)
    excluded = unary_union(
        [
            kkt.buffer(200.0),
            unary_union([s["geom"] for s in sites]).buffer(300.0),
            town_buf.buffer(300.0),
            river_buf.buffer(100.0),
        ]
    )
    raw = raw_material_zones(polys, excluded)
    fields, lines, energy = gas_and_power(outline, coast, sites, polys)

    # ---- write vectors
    write_geojson(
        out_dir / "districts.geojson",
        "districts",
        [
            (
                {
                    "gso_code": d["gso_code"],
                    "name_vi": d["name_vi"],
                    "name_ascii": d["name_ascii"],
                    "unit_type": d["unit_type"],
                    "area_km2": d["area_km2"],
                    "seat_name": d["seat_name"],
                    "seat_lat": d["seat_lat_lon"][0],
                    "seat_lon": d["seat_lat_lon"][1],
                },
                polys[d["key"]],
            )
            for d in DISTRICTS
        ],
    )

    def site_props(s):
        return {
            "name": s["name"],
            "status": s["status"],
            "area_ha": s["area_ha"],
            "district": s["district"],
            "in_economic_zone": s["in_economic_zone"],
            "note": s["note"],
        }

    write_geojson(
        out_dir / "industrial_parks.geojson",
        "industrial_parks",
        [(site_props(s), s["geom"]) for s in sites if s["kind"] == "park"],
    )
    write_geojson(
        out_dir / "industrial_clusters.geojson",
        "industrial_clusters",
        [(site_props(s), s["geom"]) for s in sites if s["kind"] == "cluster"],
    )
    write_geojson(
        out_dir / "agri_park.geojson",
        "agri_park",
        [(site_props(s), s["geom"]) for s in sites if s["kind"] == "agri"],
    )
    write_geojson(
        out_dir / "economic_zone.geojson",
        "economic_zone",
        [({k: FACTS["economic_zone"][k] for k in ("name", "area_ha", "decision")}, kkt)],
    )
    write_geojson(
        out_dir / "raw_material_zones.geojson",
        "raw_material_zones",
        [
            (
                {
                    "name": z["name"],
                    "district": z["district"],
                    "crop": z["crop"],
                    "area_ha": round(z["geom"].area / 1e4, 1),
                },
                z["geom"],
            )
            for z in raw
        ],
    )
    write_geojson(
        out_dir / "gas_fields.geojson",
        "gas_fields",
        [
            (
                {"name": f["name"], "operator": f["operator"], "status": f["status"], "note": f["note"]},
                f["geom"],
            )
            for f in fields
        ],
    )
    write_geojson(
        out_dir / "gas_pipelines.geojson",
        "gas_pipelines",
        [
            (
                {
                    "name": ln["name"],
                    "kind": ln["kind"],
                    "pressure": ln["pressure"],
                    "status": ln["status"],
                    "length_km": km(ln["geom"]),
                    "citation": ln["citation"],
                },
                ln["geom"],
            )
            for ln in lines
        ],
    )
    write_geojson(
        out_dir / "energy_sites.geojson",
        "energy_sites",
        [
            (
                {
                    "name": e["name"],
                    "kind": e["kind"],
                    "status": e["status"],
                    "capacity_mw": e.get("capacity_mw"),
                    "note": e["note"],
                },
                e["geom"],
            )
            for e in energy
        ],
    )
    write_geojson(
        out_dir / "rivers.geojson",
        "rivers",
        [
            ({"name": r["name"], "width_m": r["width_m"], "length_km": km(r["geom"])}, r["geom"])
            for r in rivers
        ],
    )
    write_geojson(
        out_dir / "coastline.geojson",
        "coastline",
        [({"name": FACTS["coastline"]["name"], "length_km": km(coast)}, coast)],
    )

    # ---- raster
    arr, rtr = build_landuse(outline, coast, rivers, sites, raw, seats)
    write_landuse(out_dir / "landuse.tif", arr, rtr)

    land = arr != NODATA
    summary = {
        "outline_km2": outline.area / 1e6,
        "coast_km": coast.length / 1000,
        "districts": {d["name_vi"]: (round(polys[d["key"]].area / 1e6, 1), d["area_km2"]) for d in DISTRICTS},
        "parks": {s["name"]: (round(s["geom"].area / 1e4, 1), s["area_ha"]) for s in sites},
        "kkt_ha": round(kkt.area / 1e4, 1),
        "raw": {z["name"]: round(z["geom"].area / 1e4, 1) for z in raw},
        "pipelines": {ln["name"]: km(ln["geom"]) for ln in lines},
        "rice_share": float(np.isin(arr[land], (LUC, LUK)).mean()),
        "luc_share": float((arr[land] == LUC).mean()),
        "classes": {int(k): float((arr[land] == k).mean()) for k in range(7)},
    }
    log(json.dumps(summary, ensure_ascii=False, indent=1))
    return summary


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", type=Path, default=DATA, help="output folder (default: data/)")
    ap.add_argument("--quiet", action="store_true")
    args = ap.parse_args(argv)
    build(args.out, verbose=not args.quiet)
    return 0


if __name__ == "__main__":
    sys.exit(main())
