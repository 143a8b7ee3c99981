"""Land-use files read and written: a land-use raster or polygon file read into the pure zonal
sources (:mod:`tbgeo.review.zonal` never opens a file), the catalog layer's source for the rice check,
and an imported polygon version rasterized onto the shipped grid for the map and the sheets."""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

import geopandas as gpd
import numpy as np
import rasterio
from rasterio.features import rasterize
from rasterio.transform import from_origin

from tbgeo.crs import WORK_CRS
from tbgeo.errors import InputError
from tbgeo.i18n.params import Text
from tbgeo.review.codes import CODE_COLUMN, class_values
from tbgeo.review.zonal import RasterLanduse, VectorLanduse

if TYPE_CHECKING:
    from tbgeo.catalog import Layer

__all__ = ["is_raster", "landuse_source", "rasterize_version", "read_raster", "read_vector"]

_NODATA = 255


def rasterize_version(layer: Layer, gdf: Any, out: Path) -> None:
    """Rasterize an imported polygon version onto the shipped raster's grid, written atomically to ``out``."""
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
        return read_raster(layer.path, classes=classes, label=f"{layer.id} ({layer.source})")

    gdf = layer.store().read_version(layer.id, version.version)
    return VectorLanduse(gdf, code_column=CODE_COLUMN, label=f"{layer.id} (workspace v{version.version})")




def read_raster(path: Path | str, *, classes: Mapping[int, str] | None = None, label: str = "") -> RasterLanduse:
    """A land-use raster file read whole (band 1, nodata masked) into the pure ``RasterLanduse``;
    a file GDAL cannot read, or one without a CRS, is refused with a message naming it."""
    p = Path(path)
    try:
        with rasterio.open(p) as ds:
            if ds.crs is None:
                raise InputError("review.landuse.no_crs", file=p.name)
            data, transform, crs, nodata = ds.read(1, masked=True), ds.transform, ds.crs.to_wkt(), ds.nodata
    except InputError:
        raise
    except Exception as exc:
        raise InputError("review.landuse.unreadable", file=p.name, detail=str(exc)) from exc
    return RasterLanduse(data, transform, crs, nodata=nodata, classes=classes, label=label or p.name)


def read_vector(path: Path | str, *, code_column: str | None = None) -> VectorLanduse:
    """A land-use polygon file (any format GDAL reads) as a ``VectorLanduse``; a table without geometry
    is refused."""
    p = Path(path)
    try:
        gdf = gpd.read_file(p, engine="pyogrio")
    except Exception as exc:
        raise InputError("review.landuse.unreadable", file=p.name, detail=str(exc)) from exc
    # a table without geometry (CSV, XLSX, DBF alone) comes back as a plain DataFrame
    if not isinstance(gdf, gpd.GeoDataFrame) or gdf.active_geometry_name not in gdf.columns:
        raise InputError("review.landuse.unreadable", file=p.name, detail=Text("review.landuse.detail_no_geometry"))
    return VectorLanduse(gdf, code_column=code_column, label=p.name)


def is_raster(path: Path) -> bool:
    """Whether ``path`` is a raster (by its suffix, else by GDAL opening it as one)."""
    if path.suffix.lower() in (".tif", ".tiff", ".img", ".vrt", ".asc"):
        return True
    try:
        with rasterio.open(path):
            return True
    except Exception:
        return False
