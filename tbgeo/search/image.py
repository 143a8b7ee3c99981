"""The suitability surface and the constrained land as one PNG for the map (Web Mercator, like the
land-use image): score 0 → 1 from pale yellow to dark green, constrained cells grey."""

from __future__ import annotations

import io

import numpy as np
from PIL import Image
from rasterio.warp import Resampling, calculate_default_transform, reproject, transform_bounds

from tbgeo.search.grid import Grid

__all__ = ["surface_rgba", "surface_png", "RAMP"]

#: Score colours at 0, 0.5 and 1 (ColorBrewer YlGn), and the constrained grey.
RAMP = ((255, 255, 204), (120, 198, 121), (0, 104, 55))
CONSTRAINED = (128, 128, 128, 150)


def surface_rgba(surface: np.ndarray, constrained: np.ndarray) -> np.ndarray:
    """RGBA pixels (pure): the ramp over the score, grey where constrained."""
    s = np.clip(np.nan_to_num(surface.astype(np.float32), nan=0.0), 0.0, 1.0)
    lo, mid, hi = (np.array(c, dtype=np.float32) for c in RAMP)
    a = np.clip(s * 2.0, 0.0, 1.0)[..., None]
    b = np.clip(s * 2.0 - 1.0, 0.0, 1.0)[..., None]
    rgb = np.where(s[..., None] <= 0.5, lo + (mid - lo) * a, mid + (hi - mid) * b)
    out = np.empty((*s.shape, 4), dtype=np.uint8)
    out[..., :3] = np.rint(rgb).astype(np.uint8)
    out[..., 3] = 200
    out[constrained] = CONSTRAINED
    return out


def surface_png(surface: np.ndarray, constrained: np.ndarray, grid: Grid, *, resolution_m: float = 100.0
                ) -> tuple[bytes, list[list[float]]]:
    """The surface warped to EPSG:3857 at ~``resolution_m``, as PNG bytes and its lat/lon bounds."""

    rgba = surface_rgba(surface, constrained)
    west, south, east, north = grid.bounds
    transform, width, height = calculate_default_transform(
        "EPSG:9209", "EPSG:3857", grid.cols, grid.rows, west, south, east, north, resolution=resolution_m)
    bands = np.zeros((4, height, width), dtype=np.uint8)
    for i in range(4):
        reproject(np.ascontiguousarray(rgba[..., i]), bands[i], src_transform=grid.transform, src_crs="EPSG:9209",
                  dst_transform=transform, dst_crs="EPSG:3857", resampling=Resampling.nearest, src_nodata=None,
                  dst_nodata=0)
    w, s, e, n = transform_bounds("EPSG:3857", "EPSG:4326", transform.c, transform.f + transform.e * height,
                                  transform.c + transform.a * width, transform.f)
    buf = io.BytesIO()
    Image.fromarray(np.moveaxis(bands, 0, -1), "RGBA").save(buf, format="PNG", compress_level=6)
    return buf.getvalue(), [[s, w], [n, e]]
