"""Land-use data as GIS staff deliver it: polygons with a land-use code, turned into the classified
raster that the map and the printer draw (the rice check reads the polygons themselves).

The catalog's ``landuse`` layer ships as a raster. An imported version of it is a polygon layer whose
``code`` column holds the Circular 08/2024 / 27/2018 codes (LUC, LUK, SKK, ODT, …); ``raster_path``
rasterizes the active version once onto the shipped raster's grid (EPSG:9209, 20 m) and caches the
file in tbgeo's cache folder (named by the store's identity and the version, never by where the store
is), so every consumer keeps reading one classified raster. Reading and writing the files themselves
(rasterio, GDAL) is :mod:`tbgeo.review.landuse_files`'.
"""

from __future__ import annotations

from dataclasses import asdict
from pathlib import Path
from typing import TYPE_CHECKING

from tbgeo import diskcache
from tbgeo.review.codes import class_values

if TYPE_CHECKING:

    from tbgeo.catalog import Layer

__all__ = ["class_values", "raster_path"]


def raster_path(layer: Layer) -> Path:
    """The classified raster to draw: the shipped file, or the active imported version rasterized."""
    version = layer.active_version()
    if version is None:
        return layer.path

    store = layer.store()
    # named by what it is made from: the store, the version and its source (a store made anew may have
    # another "version 1") and the code → value table of layers/landuse.toml
    digest = diskcache.key(store.identity(), layer.id, version.version, version.sha256,
                           [asdict(c) for c in layer.raster_classes])
    out = diskcache.cache_dir() / "landuse" / f"{layer.id}-v{version.version}-{digest[:24]}.tif"
    if not out.exists():
        out.parent.mkdir(parents=True, exist_ok=True)
        # rasterio and geopandas load only when an imported version is first drawn (not at a warm start)
        from tbgeo.review.landuse_files import rasterize_version

        rasterize_version(layer, store.read_version(layer.id, version.version), out)
    return out
