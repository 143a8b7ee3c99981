"""VN-2000 knowledge: EPSG:9209 as the working CRS and safe transforms to and from it."""

from __future__ import annotations

import re
from functools import lru_cache
from typing import TYPE_CHECKING

from pyproj import CRS, Transformer
from pyproj.transformer import TransformerGroup

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
    "proj4_definition",
    "short_label",
]

#: VN-2000 / TM-3 105-30 (Thái Bình's provincial zone). Areas and distances are computed here.
WORK_EPSG = 9209
WORK_CRS = CRS.from_epsg(WORK_EPSG)
#: WGS 84, only for GeoJSON files and Leaflet display.
DISPLAY_CRS = CRS.from_epsg(4326)


def short_label(crs: CRS) -> str:
    """``EPSG:9209``, or the CRS's name when it has no EPSG code."""
    epsg = crs.to_epsg()
    return f"EPSG:{epsg}" if epsg else crs.name


@lru_cache(maxsize=64)
def transformer(src: str, dst: str) -> Transformer:
    """A cached ``always_xy`` transformer between two CRS given as strings (``"EPSG:9209"``)."""
    return Transformer.from_crs(CRS.from_user_input(src), CRS.from_user_input(dst), always_xy=True)


@lru_cache(maxsize=8)
def proj4_definition(epsg: int = WORK_EPSG) -> str:
    """The CRS as a proj4js definition with its datum shift (``+towgs84``) spelled out, for the map's
    own coordinate read-out and measuring in the browser.

    The shift is the one PROJ itself applies from WGS 84 (for VN-2000: EPSG:6960, Decision
    05/2007/QĐ-BTNMT, coordinate frame); ``+towgs84`` is position vector, so the rotations change sign.
    """
    pipeline = TransformerGroup(DISPLAY_CRS, CRS.from_epsg(epsg)).transformers[0].to_proj4() or ""
    steps = [step.strip() for step in pipeline.split("+step")]
    projection = steps[-1]
    helmert = next((step for step in steps if step.startswith("+inv +proj=helmert")), None)
    if helmert is None:
        return f"{projection} +units=m +no_defs"
    params = dict(re.findall(r"\+(\w+)=([-0-9.eE]+|\w+)", helmert))
    sign = -1.0 if params.get("convention") == "coordinate_frame" else 1.0
    values = [float(params.get(k, 0.0)) for k in ("x", "y", "z")]
    values += [sign * float(params.get(k, 0.0)) for k in ("rx", "ry", "rz")] + [float(params.get("s", 0.0))]
    return f"{projection} +towgs84={','.join(f'{v:.10g}' for v in values)} +units=m +no_defs"


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
