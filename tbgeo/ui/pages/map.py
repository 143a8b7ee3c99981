"""The main page: the map of Thái Bình with every catalog layer, toggles by theme, legend and base maps."""

from __future__ import annotations

import streamlit as st

from tbgeo import webassets
from tbgeo.i18n import fmt_number, t
from tbgeo.ui import cache
from tbgeo.ui.state import Key
from tbgeo.webmap import BASEMAPS, Overlay, build_map


PROPOSAL_STYLE = {"color": "#d6006f", "weight": 2.5, "fill_color": "#ff5fa2", "fill_opacity": 0.25, "dash_array": "5 3"}


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
    from tbgeo.workspace import Workspace

    if not Workspace.exists():
        return []
    frame = Workspace.open_existing().proposals_frame()
    if frame.empty:
        return []
    frame["status_text"] = [t(f"map.status_{s}", lang) for s in frame["status"]]
    frame["area_text"] = [fmt_number(a, lang, 2) + " ha" for a in frame["area_ha"]]
    return [
        Overlay(
            key="proposals",
            title=t("map.proposals", lang),
            gdf=frame,
            style=PROPOSAL_STYLE,
            popup=[
                ("name", t("map.proposal_name", lang)),
                ("status_text", t("map.proposal_status", lang)),
                ("area_text", t("map.proposal_area", lang)),
            ],
        )
    ]


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
