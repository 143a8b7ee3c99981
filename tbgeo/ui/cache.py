"""Cached, read-only resources shared by pages: the catalog, display frames, the land-use image and
the map's HTML.

Every key that depends on data carries the data's version: a layer's active workspace version, and
for the map the workspace's revision too (``tbgeo.mapview.map_key``). An import, a rollback or a
new proposal therefore shows at once, and nothing stale is served.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import streamlit as st

from tbgeo import mapview
from tbgeo.catalog import Catalog, load_catalog
from tbgeo.webmap import display_frame, landuse_image

if TYPE_CHECKING:
    import geopandas as gpd

__all__ = ["catalog", "frame", "landuse_png", "version_key", "map_html"]


@st.cache_resource(show_spinner=False)
def catalog() -> Catalog:
    return load_catalog()


def version_key(layer_id: str) -> int:
    """The active workspace version of a layer (0 = shipped data): part of every cache key."""
    version = catalog().get(layer_id).active_version()
    return version.version if version is not None else 0


@st.cache_resource(show_spinner=False, max_entries=64)
def _frame(layer_id: str, version: int) -> gpd.GeoDataFrame:
    return display_frame(catalog().get(layer_id))


def frame(layer_id: str) -> gpd.GeoDataFrame:
    """The display frame (EPSG:4326, simplified) of a layer's active data."""
    return _frame(layer_id, version_key(layer_id))


@st.cache_resource(show_spinner=False, max_entries=8)
def _landuse_png(layer_id: str, version: int) -> tuple[bytes, list[list[float]]]:
    return landuse_image(catalog().get(layer_id))


def landuse_png(layer_id: str) -> tuple[bytes, list[list[float]]]:
    """The land-use image of the layer's active data (a new import shows at once)."""
    return _landuse_png(layer_id, version_key(layer_id))


@st.cache_resource(show_spinner=False, max_entries=32)
def _map_html(digest: str, visible: tuple[str, ...], lang: str, basemap: str) -> str:
    return mapview.map_html(catalog(), visible, lang, basemap, frame=frame, landuse=landuse_png, key=digest)


def map_html(visible: tuple[str, ...], lang: str, basemap: str) -> str:
    """The whole map (a self-contained HTML page) of the visible layers, in draw order.

    Kept as text, in memory here and on disk by ``tbgeo.mapview``, not as a folium Map: every
    visitor who chooses the same layers, language and base map on the same data gets the same page,
    so only the first one, ever, waits for it to be built.
    """
    return _map_html(mapview.map_key(catalog(), visible, lang, basemap), visible, lang, basemap)
