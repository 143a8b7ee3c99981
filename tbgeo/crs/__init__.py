"""VN-2000 knowledge: EPSG:9209 as the working CRS and safe transforms to and from it."""

from __future__ import annotations

from functools import lru_cache
from typing import TYPE_CHECKING

from pyproj import CRS, Transformer

from tbgeo.errors import CRSError

if TYPE_CHECKING:
    import geopandas as gpd

__all__ = [
    "WORK_CRS",
    "DISPLAY_CRS",
    "WORK_EPSG",
    "to_work",
    "to_display",
    "transformer",
]

#: VN-2000 / TM-3 105-30 (Thái Bình's provincial zone). Areas and distances are computed here.
WORK_EPSG = 9209
WORK_CRS = CRS.from_epsg(WORK_EPSG)
#: WGS 84, only for GeoJSON files and Leaflet display.
DISPLAY_CRS = CRS.from_epsg(4326)


@lru_cache(maxsize=64)
def transformer(src: str, dst: str) -> Transformer:
    """A cached ``always_xy`` transformer between two CRS given as strings (``"EPSG:9209"``)."""
    return Transformer.from_crs(CRS.from_user_input(src), CRS.from_user_input(dst), always_xy=True)


def _require_crs(gdf: gpd.GeoDataFrame | gpd.GeoSeries) -> None:
    if gdf.crs is None:

        raise CRSError("errors.crs_missing")


def to_work(gdf: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """The frame in EPSG:9209 (VN-2000 TM-3 105°30′), applying the official VN-2000 shift."""
    _require_crs(gdf)
    return gdf if gdf.crs == WORK_CRS else gdf.to_crs(WORK_CRS)


def to_display(gdf: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """The frame in EPSG:4326 for GeoJSON and Leaflet."""
    _require_crs(gdf)
    return gdf if gdf.crs == DISPLAY_CRS else gdf.to_crs(DISPLAY_CRS)
