"""The main page: the map of Thái Bình with every catalog layer, toggles by theme, legend and base maps;
under it, what is at the clicked point and each layer's attribute table (a row zooms the map)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import streamlit as st

from tbgeo.i18n import t
from tbgeo.mapping import assets as webassets
from tbgeo.mapping.webmap import BASEMAPS
from tbgeo.store import open_store
from tbgeo.ui import address, cache, firstview
from tbgeo.ui.mapframe import show_map
from tbgeo.ui.state import Key

if TYPE_CHECKING:  # the place search is imported when the box is used, not with the page
    from tbgeo.places.search import Place

__all__ = ["layer_toggles", "proposal_toggles", "place_search", "identify_panel", "attribute_panel", "render"]


def layer_toggles(lang: str) -> list[str]:
    """Sidebar checkboxes grouped by theme (as the address asked, else each layer's default); returns
    the ids of the layers switched on, in draw order."""
    cat = cache.catalog()
    st.sidebar.subheader(t("map.layers", lang))
    visible = []
    for group, layers in cat.by_group(shown=True).items():
        with st.sidebar.expander(t(f"groups.{group}", lang), expanded=True):
            for layer in layers:
                key = f"{Key.MAP_LAYER}_{layer.id}"
                if key not in st.session_state:  # the state, not value=: the address may have set it
                    st.session_state[key] = layer.default_visible
                if st.checkbox(layer.title(lang), key=key):
                    visible.append(layer)
    return [lyr.id for lyr in sorted(visible, key=lambda lyr: (lyr.order, lyr.id))]


def proposal_toggles(lang: str) -> tuple[str, ...]:
    """The stored proposals' own layer: on or off, and whether drafts are drawn too (dashed grey, not
    as decisions); returns the statuses drawn (none: the layer off). Archived and deleted: never."""
    from tbgeo.mapping.webmap import MAP_PROPOSAL_STATUSES, WITH_DRAFTS

    with st.sidebar.expander(t("map.proposals_group", lang), expanded=True):
        shown = st.checkbox(t("map.proposals_toggle", lang), value=True, key=Key.MAP_PROPOSALS)
        drafts = st.checkbox(t("map.proposals_drafts", lang), value=False, key=Key.MAP_PROPOSAL_DRAFTS,
                             disabled=not shown)
    if not shown:
        return ()
    return WITH_DRAFTS if drafts else MAP_PROPOSAL_STATUSES


def place_search(lang: str) -> Place | None:
    """The search box: a place by its old or new name or code (tbgeo.places, as ``tbgeo where``);
    returns the chosen Place, after showing where it is in both systems as plain text."""
    query = st.text_input(t("places.ui.search", lang), key=Key.PLACE_QUERY, placeholder=t("places.ui.search_hint", lang),
                          on_change=_clear_focus)
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


def _zoom_choices(lang: str, visible: tuple[str, ...]) -> dict[str, str]:
    """"" (the whole province) and each visible vector layer, with what the box says."""
    cat = cache.catalog()
    choices = {"": t("maptools.zoom_province", lang)}
    for lid in visible:
        if cat.get(lid).kind == "vector":
            choices[lid] = t("maptools.zoom_layer", lang, layer=cat.get(lid).title(lang))
    return choices


def _set_focus_layer() -> None:
    layer = st.session_state.get(Key.MAP_ZOOM_TO) or ""
    st.session_state[Key.MAP_FOCUS] = ("layer", layer) if layer else None


def _set_focus_row(table_key: str, layer_id: str) -> None:
    rows = st.session_state.get(table_key, {}).get("selection", {}).get("rows", [])
    labels = st.session_state.get(Key.MAP_TABLE_ROWS) or []
    if rows and rows[0] < len(labels):
        st.session_state[Key.MAP_FOCUS] = ("feature", layer_id, labels[rows[0]])


def _clear_focus() -> None:
    st.session_state[Key.MAP_FOCUS] = None


def _focus(visible: tuple[str, ...], place: Place | None) -> tuple[Any, bool, bool] | None:
    """What the map zooms to: the last of a table row, a layer (Zoom to) or the place searched for;
    (geometry in WGS 84, approximate, outline)."""
    from tbgeo.mapping.identify import feature_geometry, layer_extent

    focus = st.session_state.get(Key.MAP_FOCUS)
    if focus and focus[1] in visible:
        frame = cache.data_frames((focus[1],))[focus[1]]
        if focus[0] == "feature":
            geom = feature_geometry(frame, focus[2])
            return (geom, False, True) if geom is not None else None
        extent = layer_extent(frame)
        return (extent, False, False) if extent is not None else None
    if place is not None:
        import shapely

        geom = place.geometry if place.geometry is not None else (
            shapely.box(*place.bounds.as_tuple()) if place.bounds is not None else None)
        return (geom, place.approximate, True) if geom is not None else None
    return None


def identify_panel(lang: str, visible: tuple[str, ...], proposals: tuple[str, ...] = ()) -> None:
    """What is at the last clicked point (tbgeo.mapping.identify), the stored proposals of the
    ``proposals`` statuses (those drawn) too, as plain text."""
    from tbgeo.mapping.identify import click_point, identify, identify_text, tolerance_for_zoom

    st.subheader(t("maptools.identify_title", lang))
    click = click_point(st.session_state.get(Key.MAP_CLICK))
    if click is None:
        st.caption(t("maptools.identify_hint", lang))
        return
    cat = cache.catalog()
    vectors = tuple(lid for lid in visible if cat.get(lid).kind == "vector")
    stored = open_store(create=False).proposals_frame(proposals) if proposals else None
    result = identify(cat, click.lon, click.lat, visible=visible, frames=cache.data_frames(vectors),
                      tolerance_m=tolerance_for_zoom(click.lat, click.zoom), proposals=stored)
    st.text(identify_text(result, cat, lang))  # plain text: names and notes come from users' files
    if st.button(t("maptools.identify_clear", lang), key=Key.MAP_IDENTIFY_CLEAR):
        st.session_state[Key.MAP_CLICK] = None
        st.rerun()


def attribute_panel(lang: str, visible: tuple[str, ...]) -> None:
    """One layer's attributes with a filter; selecting a row zooms the map to that feature."""
    from tbgeo.mapping.identify import attribute_table

    cat = cache.catalog()
    vectors = [lid for lid in visible if cat.get(lid).kind == "vector"]
    with st.expander(t("maptools.table_title", lang), expanded=False):
        if not vectors:
            st.caption(t("maptools.table_no_layers", lang))
            return
        default = vectors.index("industrial_parks") if "industrial_parks" in vectors else 0
        left, right = st.columns([1, 1])
        layer_id = left.selectbox(t("maptools.table_layer", lang), vectors, index=default, key=Key.MAP_TABLE_LAYER,
                                  format_func=lambda lid: cat.get(lid).title(lang))
        query = right.text_input(t("maptools.table_filter", lang), key=Key.MAP_TABLE_FILTER)
        frame = cache.data_frames((layer_id,))[layer_id]
        table = attribute_table(cat.get(layer_id), frame, lang, query)
        if table.empty:
            st.text(t("maptools.table_empty", lang, query=query))  # plain: the query is the user's text
            return
        st.caption(t("maptools.table_count", lang, shown=len(table), total=len(frame)))
        st.session_state[Key.MAP_TABLE_ROWS] = list(table.index)
        table_key = f"{Key.MAP_TABLE}_{layer_id}_{abs(hash(query))}"
        st.dataframe(table, hide_index=True, on_select=lambda: _set_focus_row(table_key, layer_id),
                     selection_mode="single-row", key=table_key, width="stretch")


def _start_view(html: str) -> tuple[float, float, float] | None:
    """Where the map opens: where the user left it (or the address put it) when the map is drawn
    afresh — another page's visit, a layer switched, a reload — and otherwise the same view as the
    last run, so the frame keeps its map while the user pans."""
    stamp = hash(html)
    start = st.session_state.get(Key.MAP_VIEW_START)
    if Key.MAP_FRAME not in st.session_state or start is None or start[0] != stamp:
        start = (stamp, st.session_state.get(Key.MAP_VIEW))
        st.session_state[Key.MAP_VIEW_START] = start
    view: tuple[float, float, float] | None = start[1]
    return view


def render(lang: str) -> None:
    st.title(t("map.title", lang))
    st.caption(t("app.subtitle", lang) + " · " + t("app.illustrative", lang))
    gone = webassets.missing()
    if gone:
        st.error(t("map.assets_missing", lang, files=", ".join(gone[:3])))
        return
    cat = cache.catalog()
    shown = tuple(lyr.id for layers in cat.by_group(shown=True).values() for lyr in layers)
    defaults = tuple(lyr.id for lyr in cat if lyr.default_visible)
    address.restore_map(shown, tuple(BASEMAPS))
    ordered = tuple(layer_toggles(lang))  # in draw order
    statuses = proposal_toggles(lang)
    basemap = st.sidebar.radio(
        t("map.basemap", lang), list(BASEMAPS), format_func=lambda k: t(f"map.basemap_{k}", lang), key=Key.BASEMAP
    )
    if not ordered:
        st.info(t("map.no_layers", lang))
    with st.sidebar:
        place = place_search(lang)
        choices = _zoom_choices(lang, ordered)
        if st.session_state.get(Key.MAP_ZOOM_TO) not in choices:
            st.session_state[Key.MAP_ZOOM_TO] = ""
        st.selectbox(t("maptools.zoom_to", lang), list(choices), format_func=choices.__getitem__,
                     key=Key.MAP_ZOOM_TO, on_change=_set_focus_layer)
    from tbgeo.errors import StoreBusyError

    try:
        html = cache.map_html(ordered, lang, basemap, statuses)
        focus = _focus(ordered, place)
    except StoreBusyError as exc:  # the active layer versions could not be read (QGIS, a backup)
        st.error(exc.message(lang))
        return
    from tbgeo.mapping.view import focus_on, with_view

    html = with_view(html, _start_view(html))
    if focus is not None:
        html = focus_on(html, focus[0], approximate=focus[1], outline=focus[2])
    show_map(html, title=t("map.title", lang))
    address.write_map(ordered, defaults, basemap, next(iter(BASEMAPS)))
    firstview.view_shown()
    try:
        identify_panel(lang, ordered, statuses)
        attribute_panel(lang, ordered)
    except StoreBusyError as exc:
        st.error(exc.message(lang))
