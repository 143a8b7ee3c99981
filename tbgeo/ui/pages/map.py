"""The main page: the map of Thái Bình with every catalog layer, toggles by theme, legend and base maps."""

from __future__ import annotations

from typing import TYPE_CHECKING

import streamlit as st

from tbgeo.i18n import t
from tbgeo.mapping import assets as webassets
from tbgeo.mapping.webmap import BASEMAPS
from tbgeo.ui import cache, firstview
from tbgeo.ui.state import Key

if TYPE_CHECKING:  # the place search is imported when the box is used, not with the page
    from tbgeo.places.search import Place

__all__ = ["layer_toggles", "place_search", "render"]


def layer_toggles(lang: str) -> list[str]:
    """Sidebar checkboxes grouped by theme; returns the ids of the layers switched on, in draw order."""
    cat = cache.catalog()
    st.sidebar.subheader(t("map.layers", lang))
    visible = []
    for group, layers in cat.by_group(shown=True).items():
        with st.sidebar.expander(t(f"groups.{group}", lang), expanded=True):
            for layer in layers:
                if st.checkbox(layer.title(lang), value=layer.default_visible, key=f"{Key.MAP_LAYER}_{layer.id}"):
                    visible.append(layer)
    return [lyr.id for lyr in sorted(visible, key=lambda lyr: (lyr.order, lyr.id))]


def place_search(lang: str) -> Place | None:
    """The search box: a place by its old or new name or code (tbgeo.places, as ``tbgeo where``);
    returns the chosen Place, after showing where it is in both systems as plain text."""
    query = st.text_input(t("places.ui.search", lang), key=Key.PLACE_QUERY, placeholder=t("places.ui.search_hint", lang))
    if not query.strip():
        return None
    from tbgeo.errors import InputError, StoreBusyError
    from tbgeo.places.search import describe, extent_text, label, load_sources, search

    try:
        places = search(query, load_sources(cache.catalog()))
    except InputError as exc:
        st.text(exc.message(lang))  # plain text: suggestions may be names from users' files
        return None
    except StoreBusyError as exc:  # the proposals could not be read: say so, keep the map
        st.error(exc.message(lang))
        return None
    index = 0
    if len(places) > 1:
        index = st.selectbox(
            t("places.ui.choose", lang, count=len(places)), range(len(places)), key=Key.PLACE_CHOICE,
            format_func=lambda i: label(places[i], lang),
        )
    place = places[min(index, len(places) - 1)]
    st.text(describe(place, lang))
    st.caption(extent_text(place, lang, cache.catalog()))
    return place


def render(lang: str) -> None:
    st.title(t("map.title", lang))
    st.caption(t("app.subtitle", lang) + " · " + t("app.illustrative", lang))
    gone = webassets.missing()
    if gone:
        st.error(t("map.assets_missing", lang, files=", ".join(gone[:3])))
        return
    ordered = tuple(layer_toggles(lang))  # in draw order
    basemap = st.sidebar.radio(
        t("map.basemap", lang), list(BASEMAPS), format_func=lambda k: t(f"map.basemap_{k}", lang), key=Key.BASEMAP
    )
    if not ordered:
        st.info(t("map.no_layers", lang))
    place = place_search(lang)
    from tbgeo.errors import StoreBusyError

    try:
        html = cache.map_html(ordered, lang, basemap)
    except StoreBusyError as exc:  # the active layer versions could not be read (QGIS, a backup)
        st.error(exc.message(lang))
        return
    if place is not None:
        import shapely

        from tbgeo.mapping.view import focus_on

        geom = place.geometry if place.geometry is not None else (
            shapely.box(*place.bounds.as_tuple()) if place.bounds is not None else None)
        html = focus_on(html, geom, approximate=place.approximate)
    # The map only shows data (no drawing, nothing sent back), so a plain iframe is enough; the
    # review page, where sites are drawn, uses streamlit-folium.
    st.iframe(html, height=640, alt=t("map.title", lang))
    firstview.view_shown()
