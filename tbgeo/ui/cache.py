"""Cached, read-only resources shared by pages (the catalog, display frames, the land-use image)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import streamlit as st

from tbgeo.catalog import Catalog, load_catalog
from tbgeo.webmap import display_frame, landuse_image

if TYPE_CHECKING:
    import geopandas as gpd

__all__ = ["catalog", "frame", "landuse_png", "version_key"]


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
