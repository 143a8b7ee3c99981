"""Cached, read-only resources shared by pages: the catalog, display frames, the land-use image and
the map's HTML.

Every key that depends on data carries the data's version: a layer's active workspace version, and
the workspace's revision for what is drawn from proposals. An import, a rollback or a new proposal
therefore shows at once, and nothing stale is served.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import streamlit as st

from tbgeo import diskcache, settings
from tbgeo.catalog import Catalog, load_catalog
from tbgeo.webmap import Overlay, build_map, display_frame, landuse_image, proposals_overlay

if TYPE_CHECKING:
    import geopandas as gpd

__all__ = ["catalog", "frame", "landuse_png", "version_key", "workspace_revision", "proposals", "map_html"]


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


def workspace_revision() -> str:
    """Which workspace, and its revision: changes with every stored change ("none" without one)."""
    from tbgeo.workspace import Workspace

    if not Workspace.exists():
        return "none"
    return f"{settings.workspace_path()}#{Workspace.open_existing().revision()}"


def proposals(lang: str) -> list[Overlay]:
    """The stored proposals as the map's own layer (none when nothing is stored)."""
    from tbgeo.workspace import Workspace

    if not Workspace.exists():
        return []
    overlay = proposals_overlay(Workspace.open_existing().proposals_frame(), lang)
    return [overlay] if overlay is not None else []


@st.cache_resource(show_spinner=False, max_entries=32)
def _map_html(digest: str, visible: tuple[str, ...], lang: str, basemap: str) -> str:
    html = diskcache.read_text("map", digest)
    if html is not None:
        return html
    cat = catalog()
    frames = {lid: frame(lid) for lid in visible if cat.get(lid).kind == "vector"}
    landuse = next((lid for lid in visible if cat.get(lid).kind == "raster"), None)
    m = build_map(
        cat,
        lang=lang,
        visible=visible,
        basemap=basemap,
        frames=frames,
        landuse_png=landuse_png(landuse) if landuse else None,
        overlays=proposals(lang),
    )
    html = m.get_root().render()
    diskcache.write_text("map", digest, html)
    return html


def map_key(visible: tuple[str, ...], lang: str, basemap: str) -> str:
    """The cache key of a map: the choice of layers, language and base map, and the state of
    everything drawn (layer files, active versions, the workspace's revision, tbgeo's code)."""
    cat = catalog()
    return diskcache.key(
        "map",
        diskcache.code_stamp(),
        [diskcache.file_stamp(lyr.file) + diskcache.file_stamp(lyr.path) for lyr in cat if lyr.file is not None],
        workspace_revision(),
        [version_key(lid) for lid in visible],
        list(visible),
        lang,
        basemap,
    )


def map_html(visible: tuple[str, ...], lang: str, basemap: str) -> str:
    """The whole map (a self-contained HTML page) of the visible layers, in draw order.

    Kept as text, in memory and on disk (``tbgeo.diskcache``), not as a folium Map: every visitor
    who chooses the same layers, language and base map on the same data gets the same page, so
    only the first one, ever, waits for it to be built.
    """
    return _map_html(map_key(visible, lang, basemap), visible, lang, basemap)
