"""The main page: the map of Thái Bình with every catalog layer, toggles by theme, legend and base maps."""

from __future__ import annotations

import streamlit as st

from tbgeo import webassets
from tbgeo.i18n import t
from tbgeo.ui import cache, warmup
from tbgeo.ui.state import Key
from tbgeo.webmap import BASEMAPS

__all__ = ["layer_toggles", "render"]


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


def render(lang: str) -> None:
    st.title(t("map.title", lang))
    st.caption(t("app.subtitle", lang) + " · " + t("app.illustrative", lang))
    gone = webassets.missing()
    if gone:
        st.error(t("map.assets_missing", lang, files=", ".join(gone[:3])))
        return
    visible = set(layer_toggles(lang))
    basemap = st.sidebar.radio(
        t("map.basemap", lang), list(BASEMAPS), format_func=lambda k: t(f"map.basemap_{k}", lang), key=Key.BASEMAP
    )
    if not visible:
        st.info(t("map.no_layers", lang))
    ordered = tuple(lid for lid in cache.catalog().ids if lid in visible)  # draw order
    # The map only shows data (no drawing, nothing sent back), so a plain iframe is enough; the
    # review page, where sites are drawn, uses streamlit-folium.
    st.iframe(cache.map_html(ordered, lang, basemap), height=640, alt=t("map.title", lang))
    warmup.view_shown()
