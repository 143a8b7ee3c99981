"""Cached, read-only resources shared by pages: the catalog, display frames, the land-use image and
the map's HTML.

Every key that depends on data carries the data's state as it is now: the layer files, each layer's
shipped file or active workspace version (``tbgeo.mapping.view.layer_stamps``), and for the map the
workspace's revision too (``tbgeo.mapping.view.map_key``). An edited file, an import, a rollback or a new
proposal therefore shows at once, and nothing stale is served.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import streamlit as st

from tbgeo import diskcache
from tbgeo.catalog import Catalog, load_catalog
from tbgeo.crs import WORK_CRS
from tbgeo.mapping import view as mapview
from tbgeo.mapping.webmap import MAP_PROPOSAL_STATUSES, display_frame, landuse_image

if TYPE_CHECKING:
    import geopandas as gpd

__all__ = ["catalog", "frame", "frames", "data_frames", "landuse_png", "version_key", "map_html"]


@st.cache_resource(show_spinner=False, max_entries=4)
def _sources(layer_files: str) -> tuple[Path, ...]:
    return tuple(lyr.path for lyr in load_catalog(check_data=False))


@st.cache_resource(show_spinner=False, max_entries=4)
def _catalog(stamp: str) -> Catalog:
    return load_catalog()


def catalog() -> Catalog:
    """The layer catalog, loaded (and checked) again when a layer file (``layers/*.toml``) or one of
    their data files changes: a data file that lost a field gives the catalog's clear message."""
    layer_files = diskcache.key(mapview.catalog_stamp())
    data_files = [diskcache.file_stamp(p) for p in _sources(layer_files)]
    return _catalog(diskcache.key(layer_files, data_files))


def version_keys(layer_ids: tuple[str, ...]) -> tuple[str, ...]:
    """What each layer's features are read from now (shipped file or workspace version), as hashes:
    part of every cache key of data drawn from the layers. One read of the workspace for all."""
    cat = catalog()
    stamps = mapview.layer_stamps(cat, layer_ids)
    keys = []
    for lid in layer_ids:
        file = cat.get(lid).file
        keys.append(diskcache.key(stamps[lid], diskcache.file_stamp(file) if file else None))
    return tuple(keys)


def version_key(layer_id: str) -> str:
    """``version_keys`` of one layer."""
    return version_keys((layer_id,))[0]


@st.cache_resource(show_spinner=False, max_entries=64)
def _frame(layer_id: str, version: str) -> gpd.GeoDataFrame:
    return display_frame(catalog().get(layer_id))


def frame(layer_id: str) -> gpd.GeoDataFrame:
    """The display frame (EPSG:4326, simplified) of a layer's active data."""
    return frames((layer_id,))[layer_id]


def frames(layer_ids: tuple[str, ...]) -> dict[str, gpd.GeoDataFrame]:
    """The display frames of several layers (one read of the workspace for all of them)."""
    return {lid: _frame(lid, key) for lid, key in zip(layer_ids, version_keys(layer_ids), strict=True)}


@st.cache_resource(show_spinner=False, max_entries=64)
def _data_frame(layer_id: str, version: str) -> gpd.GeoDataFrame:
    return catalog().get(layer_id).read(crs=WORK_CRS)


def data_frames(layer_ids: tuple[str, ...]) -> dict[str, gpd.GeoDataFrame]:
    """The layers' own features (not simplified; EPSG:9209) as they are now, for Identify and the
    attribute table. Read-only: shared by every session."""
    return {lid: _data_frame(lid, key) for lid, key in zip(layer_ids, version_keys(layer_ids), strict=True)}


@st.cache_resource(show_spinner=False, max_entries=8)
def _landuse_png(layer_id: str, version: str) -> tuple[bytes, list[list[float]]]:
    return landuse_image(catalog().get(layer_id))


def landuse_png(layer_id: str) -> tuple[bytes, list[list[float]]]:
    """The land-use image of the layer's active data (a new import shows at once)."""
    return _landuse_png(layer_id, version_key(layer_id))


@st.cache_resource(show_spinner=False, max_entries=32)
def _map_html(digest: str, visible: tuple[str, ...], lang: str, basemap: str, proposals: tuple[str, ...]) -> str:
    return mapview.map_html(catalog(), visible, lang, basemap, frames=frames, landuse=landuse_png, key=digest,
                            proposals=proposals)


def map_html(visible: tuple[str, ...], lang: str, basemap: str,
             proposals: tuple[str, ...] = MAP_PROPOSAL_STATUSES) -> str:
    """The whole map (a self-contained HTML page) of the visible layers, in draw order, with the
    stored proposals of the ``proposals`` statuses.

    Kept as text, in memory here and on disk by ``tbgeo.mapping.view``, not as a folium Map: every
    visitor who chooses the same layers, language and base map on the same data gets the same page,
    so only the first one, ever, waits for it to be built.
    """
    return _map_html(mapview.map_key(catalog(), visible, lang, basemap, proposals), visible, lang, basemap, proposals)
