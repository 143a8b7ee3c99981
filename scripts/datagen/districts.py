"""2. The districts: facts §1.2 (official area, seat, centroid), §1.3 (adjacency)."""

from __future__ import annotations

import math

import numpy as np
import shapely
import shapely.affinity
import shapely.ops
from shapely.geometry import LineString, Polygon
from shapely.ops import split, unary_union

from datagen.common import FACTS, SEED, pt_m
from datagen.outline import line_m

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
