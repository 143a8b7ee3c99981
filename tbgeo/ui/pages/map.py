"""The main page: the map of Thái Bình with every catalog layer, toggles by theme, legend and base maps."""

from __future__ import annotations

import streamlit as st

from tbgeo import webassets
from tbgeo.i18n import t
from tbgeo.ui import cache
from tbgeo.ui.state import Key
from tbgeo.webmap import BASEMAPS, Overlay, build_map
from tbgeo.webmap import proposals_overlay as webmap_proposals




def layer_toggles(lang: str) -> list[str]:
    """Sidebar checkboxes grouped by theme; returns the ids of the layers switched on."""
    cat = cache.catalog()
    st.sidebar.subheader(t("map.layers", lang))
    visible = []
    for group, layers in cat.by_group().items():
        with st.sidebar.expander(t(f"groups.{group}", lang), expanded=True):
            for layer in layers:
                if st.checkbox(layer.title(lang), value=layer.default_visible, key=f"layer_{layer.id}"):
                    visible.append(layer.id)
    return visible


def proposals_overlay(lang: str) -> list[Overlay]:
    """The stored proposals as the map's own layer (none when nothing is stored)."""
    from tbgeo.workspace import Workspace

    if not Workspace.exists():
        return []
    overlay = webmap_proposals(Workspace.open_existing().proposals_frame(), lang)
    return [overlay] if overlay is not None else []


def render(lang: str) -> None:
    st.title(t("map.title", lang))
    st.caption(t("app.subtitle", lang) + " · " + t("app.illustrative", lang))
    gone = webassets.missing()
    if gone:
        st.error(t("map.assets_missing", lang, files=", ".join(gone[:3])))
        return
    visible = layer_toggles(lang)
    basemap = st.sidebar.radio(
        t("map.basemap", lang), list(BASEMAPS), format_func=lambda k: t(f"map.basemap_{k}", lang), key=Key.BASEMAP
    )
    if not visible:
        st.info(t("map.no_layers", lang))
    visible = [lid for lid in cache.catalog().ids if lid in set(visible)]  # draw order
    m = map_for(tuple(visible), lang, basemap)
    from streamlit_folium import st_folium  # declares its component: only inside a script run

    st_folium(m, height=640, use_container_width=True, returned_objects=[], key="main_map")


def map_for(visible: tuple[str, ...], lang: str, basemap: str):  # type: ignore[no-untyped-def]
    """A new folium map of the visible layers from the cached display frames and land-use image.

    The Map object itself is not cached: streamlit-folium renames its elements while rendering it,
    so one object shown twice breaks in the browser. Building it from cached parts takes ~0.1 s.
    """
    cat = cache.catalog()
    frames = {lid: cache.frame(lid) for lid in visible if cat.get(lid).kind == "vector"}
    landuse = next((lid for lid in visible if cat.get(lid).kind == "raster"), None)
    return build_map(
        cat,
        lang=lang,
        visible=visible,
        basemap=basemap,
        frames=frames,
        landuse_png=cache.landuse_png(landuse) if landuse else None,
        overlays=proposals_overlay(lang),
    )
