"""5. The land-use raster (codes: vn-gis-practice §3; plan Điều 1, III.4 and V.1.h)."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np

from datagen.common import SEED, WORK_CRS

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
