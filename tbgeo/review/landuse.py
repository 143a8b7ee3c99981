"""Land-use data as GIS staff deliver it: polygons with a land-use code, turned into the classified
raster that the map and the printer draw (the rice check reads the polygons themselves).

The catalog's ``landuse`` layer ships as a raster. An imported version of it is a polygon layer whose
``code`` column holds the Circular 08/2024 / 27/2018 codes (LUC, LUK, SKK, ODT, …); ``raster_path``
rasterizes the active version once onto the shipped raster's grid (EPSG:9209, 20 m) and caches the
file in tbgeo's cache folder (named by the store's identity and the version, never by where the store
is), so every consumer keeps reading one classified raster.
"""

from __future__ import annotations

import os
from dataclasses import asdict
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from tbgeo import diskcache
from tbgeo.crs import WORK_CRS
from tbgeo.review.codes import ALIASES, CODE_COLUMN
from tbgeo.review.zonal import RasterLanduse, VectorLanduse
from tbgeo.store import open_store

if TYPE_CHECKING:

    from tbgeo.catalog import Layer

__all__ = ["class_values", "raster_path", "landuse_source"]

_NODATA = 255


def class_values(layer: Layer, codes: list[Any]) -> np.ndarray:
    """The raster value of each code under the layer's class table (``SKK/SKN`` covers both codes);
    codes of no class take the "other" class (the one whose code is not a land-use code, e.g. ``BHK/khác``)."""
    table: dict[str, int] = {}
    other = None
    for cls in layer.raster_classes:
        parts = [p.strip().upper() for p in str(cls.code).split("/")]
        for part in parts:
            table.setdefault(part, int(cls.value))
        if any(p in ("KHÁC", "KHAC", "OTHER") for p in parts):
            other = int(cls.value)
    if other is None:
        other = min(int(c.value) for c in layer.raster_classes)
    out = np.empty(len(codes), dtype=np.uint8)
    for i, code in enumerate(codes):
        key = str(code).upper() if code else ""
        out[i] = table.get(key, table.get(ALIASES.get(key, ""), other))
    return out


def raster_path(layer: Layer) -> Path:
    """The classified raster to draw: the shipped file, or the active imported version rasterized."""
    version = layer.active_version()
    if version is None:
        return layer.path

    store = open_store(create=False)
    # named by what it is made from: the store, the version and its source (a store made anew may have
    # another "version 1") and the code → value table of layers/landuse.toml
    digest = diskcache.key(store.identity(), layer.id, version.version, version.sha256,
                           [asdict(c) for c in layer.raster_classes])
    out = diskcache.cache_dir() / "landuse" / f"{layer.id}-v{version.version}-{digest[:24]}.tif"
    if not out.exists():
        out.parent.mkdir(parents=True, exist_ok=True)
        _rasterize(layer, store.read_version(layer.id, version.version), out)
    return out


def _rasterize(layer: Layer, gdf: Any, out: Path) -> None:
    import rasterio
    from rasterio.features import rasterize
    from rasterio.transform import from_origin

    work = gdf.to_crs(WORK_CRS)
    if layer.path.exists():  # the shipped raster's grid, so the map and the sheets line up as before
        with rasterio.open(layer.path) as ref:
            transform, width, height = ref.transform, ref.width, ref.height
    else:
        xmin, ymin, xmax, ymax = work.total_bounds
        transform = from_origin(float(np.floor(xmin / 20) * 20), float(np.ceil(ymax / 20) * 20), 20.0, 20.0)
        width, height = int(np.ceil((xmax - xmin) / 20)) + 1, int(np.ceil((ymax - ymin) / 20)) + 1
    values = class_values(layer, list(work[CODE_COLUMN]) if CODE_COLUMN in work else [None] * len(work))
    shapes = ((geom, int(v)) for geom, v in zip(work.geometry.values, values, strict=True) if geom is not None)
    data = rasterize(shapes, out_shape=(height, width), transform=transform, fill=_NODATA, dtype="uint8")
    tmp = out.with_name(out.name + ".part")
    with rasterio.open(
        tmp, "w", driver="GTiff", height=height, width=width, count=1, dtype="uint8", crs=WORK_CRS.to_wkt(),
        transform=transform, nodata=_NODATA, compress="deflate", tiled=True,
    ) as dst:
        dst.write(data, 1)
    os.replace(tmp, out)


def landuse_source(layer: Layer) -> Any:
    """What the rice check reads: the imported polygons themselves (exact areas) or the shipped raster."""
    version = layer.active_version()
    if version is None:

        classes = {int(c.value): str(c.code) for c in layer.raster_classes} or None
        return RasterLanduse(layer.path, classes=classes, label=f"{layer.id} ({layer.source})")

    gdf = open_store(create=False).read_version(layer.id, version.version)
    return VectorLanduse(gdf, code_column=CODE_COLUMN, label=f"{layer.id} (workspace v{version.version})")


