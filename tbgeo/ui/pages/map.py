"""The main page: the map of Thái Bình with every catalog layer, toggles by theme, legend and base maps."""

from __future__ import annotations

import streamlit as st
from streamlit_folium import st_folium

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
    versions = tuple((lid, cache.version_key(lid)) for lid in visible)
    m = _map(tuple(visible), lang, basemap, versions, _proposals_key())
    st_folium(m, height=640, use_container_width=True, returned_objects=[], key="main_map")


def _proposals_key() -> tuple[int, str]:
    """Changes whenever a proposal is added or decided on (part of the map's cache key)."""
    from tbgeo.workspace import Workspace

    if not Workspace.exists():
        return (0, "")
    items = Workspace.open_existing().proposals()
    return (len(items), max((p.updated_at for p in items), default=""))


@st.cache_resource(show_spinner=False, max_entries=16)
def _map(visible: tuple[str, ...], lang: str, basemap: str, versions: tuple, proposals: tuple):  # type: ignore[no-untyped-def]
    """The folium map for one choice of layers, language and base map; built once, reused on reruns.

    ``versions`` (active layer versions) and ``proposals`` (a stamp of the stored proposals) are part
    of the cache key, so an import, a rollback or a new decision shows at once.
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
