"""GDAL's readers and writers (geopandas, pyogrio, rasterio) as tbgeo uses them on files: a layer's
features, its summary, a GeoPackage's layers, a raster's CRS. Modules on the app's warm start
(tbgeo.catalog, the GeoPackage store) import this one only when they touch a file, so a warm start
loads none of GDAL's Python packages (tests/app/test_startup.py)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import geopandas as gpd
import pyogrio
import rasterio
from pyproj import CRS

__all__ = ["read_vector", "vector_info", "write_vector", "write_empty", "layer_names", "raster_crs"]


def read_vector(path: Path, *, layer: str | None = None) -> gpd.GeoDataFrame:
    """The features of a vector file (one ``layer`` of a GeoPackage)."""
    return gpd.read_file(path, layer=layer, engine="pyogrio")


def vector_info(path: Path) -> dict[str, Any]:
    """GDAL's summary of a vector file: ``crs``, ``geometry_type``, ``fields``, ``features``..."""
    return dict(pyogrio.read_info(path))


def write_vector(gdf: gpd.GeoDataFrame, path: Path, *, layer: str) -> None:
    """``gdf`` as ``layer`` of the GeoPackage ``path`` (single parts written as multi-parts)."""
    pyogrio.write_dataframe(gdf, path, layer=layer, driver="GPKG", promote_to_multi=True)


def write_empty(path: Path, *, layer: str, crs: CRS) -> None:
    """A GeoPackage holding one empty multi-polygon ``layer`` in ``crs`` (GDAL makes the file)."""
    empty = gpd.GeoDataFrame({"note": []}, geometry=gpd.GeoSeries([], crs=crs))
    pyogrio.write_dataframe(empty, path, layer=layer, driver="GPKG", geometry_type="MultiPolygon")


def layer_names(path: Path) -> set[str]:
    """The layers of a GeoPackage."""
    return {str(n) for n in pyogrio.list_layers(path)[:, 0]}


def raster_crs(path: Path) -> CRS | None:
    """The CRS of a raster file, or None when it has none."""
    with rasterio.open(path) as ds:
        return CRS.from_user_input(ds.crs.to_wkt()) if ds.crs else None
