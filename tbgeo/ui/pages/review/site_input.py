"""The review page's site input: draw it on the map, upload a file or type its corners; what was read."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path
from typing import Any

import streamlit as st

from tbgeo.errors import InputError, TbgeoError, report_internal_error
from tbgeo.i18n import fmt_number, t
from tbgeo.ui.state import Key
from tbgeo.ui.text import error_text, plain, say

__all__ = ["build_review_map", "read_uploaded_site", "site_map", "site_summary", "site_tabs", "source_label"]


def _set_site(site: Any) -> None:
    """Make ``site`` (a SiteInput, or a bare geometry) the site under review; the last report goes."""
    st.session_state[Key.REVIEW_SITE] = site.geometry if hasattr(site, "geometry") else site
    st.session_state[Key.REVIEW_SITE_SOURCE] = getattr(site, "source", "draw")
    st.session_state[Key.REVIEW_SITE_NOTES] = list(getattr(site, "notes", ()))
    if getattr(site, "name", ""):
        st.session_state[Key.REVIEW_SITE_NAME] = site.name
    st.session_state.pop(Key.REVIEW_REPORT, None)
    st.session_state.pop(Key.REVIEW_SAVED, None)
    st.session_state.pop(Key.REVIEW_SHEET_PDF, None)


def read_uploaded_site(name: str, data: bytes, crs: str, lang: str) -> tuple[Any | None, str | None]:
    """An uploaded site file read the one way site files are read (``site_from_file``: safe unpacking,
    CRS detection and limits as for uploads): (site, None), or (None, the message in ``lang``) for a
    bad file — and for a fault in tbgeo, the localized "internal error" with the details logged."""
    from tbgeo.review.site_input import check_site_file_size, site_from_file

    with tempfile.TemporaryDirectory(prefix="tbgeo-site-upload-") as tmp:
        path = Path(tmp) / (Path(name).name[-120:] or "site")  # a very long upload name still fits the disk
        try:
            check_site_file_size(name, len(data))  # before anything is written to disk
            path.write_bytes(data)
            return site_from_file(path, crs=crs or None, display_name=name), None
        except TbgeoError as exc:
            return None, error_text(exc, lang)
        except Exception as exc:  # a fault, not the file: said in the user's language, logged
            return None, report_internal_error(exc, lang)


def site_tabs(lang: str) -> None:
    """The upload and typed-corners tabs."""
    from tbgeo.review.site_input import site_from_coordinates

    tab_upload, tab_coords = st.tabs([t("review.page.tab_upload", lang), t("review.page.tab_coords", lang)])
    with tab_upload:
        # no type= filter: Streamlit would refuse another file in English ("… files are not allowed");
        # the file's kind is checked when it is read, and a wrong one said in the user's language
        up = st.file_uploader(t("review.page.upload", lang), key=Key.REVIEW_UPLOAD)
        crs = st.text_input(t("review.page.upload_crs", lang), value="", key=Key.REVIEW_UPLOAD_CRS)
        if up is not None and st.button(t("review.page.use_file", lang), key=Key.REVIEW_USE_FILE):
            with st.spinner(t("review.progress.reading_file", lang)):
                site, error = read_uploaded_site(up.name, up.getvalue(), crs, lang)
            if error is not None:
                st.error(error)
            else:
                _set_site(site)
                st.rerun()
    with tab_coords:
        system = st.radio(
            t("review.page.coords_system", lang), ["auto", "wgs84", "vn2000"],
            format_func=lambda k: t(f"review.page.system_{k}", lang), horizontal=True, key=Key.REVIEW_COORDS_SYSTEM,
        )
        text = st.text_area(t("review.page.coords", lang), placeholder=t("review.page.coords_hint", lang),
                            key=Key.REVIEW_COORDS, height=140)
        if st.button(t("review.page.use_coords", lang), key=Key.REVIEW_USE_COORDS):
            try:
                _set_site(site_from_coordinates(text, system=system))
            except InputError as exc:
                st.error(error_text(exc, lang))
            else:
                st.rerun()


def build_review_map(lang: str, *, site: Any | None, proposals: Any | None) -> Any:
    """The review map of ``tbgeo.mapping.maps`` on this session's cached layers."""
    from tbgeo.mapping.maps import REVIEW_LAYERS, review_map
    from tbgeo.ui import cache

    cat = cache.catalog()
    shown = [cat.get(lid) for lid in REVIEW_LAYERS if lid in cat]
    frames = cache.frames(tuple(lyr.id for lyr in shown if lyr.kind == "vector"))
    raster = next((lyr.id for lyr in shown if lyr.kind == "raster"), None)  # the active land-use layer
    return review_map(cat, frames, lang, site=site, proposals=proposals,
                      landuse_png=cache.landuse_png(raster) if raster is not None else None)


def site_map(lang: str, proposals: Any) -> None:
    """The map with the stored proposals; a site drawn on it becomes the site under review."""
    from streamlit_folium import st_folium

    from tbgeo.mapping import assets as webassets
    from tbgeo.review.site_input import site_from_draw_event

    if webassets.missing():
        st.warning(t("review.page.map_missing", lang))
        return
    st.caption(t("review.page.draw_hint", lang))
    from tbgeo.mapping.maps import site_view

    site = st.session_state.get(Key.REVIEW_SITE)
    m = build_review_map(lang, site=site, proposals=proposals)
    # the map moves to a new site (drawn, uploaded or typed) at once, and stays where the user put it
    # while the same site is reviewed
    center, zoom = site_view(site) if site is not None else (None, None)
    event = st_folium(m, height=520, use_container_width=True, key=Key.REVIEW_MAP, center=center, zoom=zoom,
                      returned_objects=["last_active_drawing", "all_drawings"])
    if event and (event.get("last_active_drawing") or event.get("all_drawings")):
        marker = json.dumps(event.get("last_active_drawing"), sort_keys=True)
        if st.session_state.get(Key.REVIEW_LAST_DRAW) != marker:
            st.session_state[Key.REVIEW_LAST_DRAW] = marker
            try:
                _set_site(site_from_draw_event(event))
            except InputError as exc:
                st.error(error_text(exc, lang))
            else:
                st.rerun()


def source_label(source: str, lang: str) -> str:
    """Where a site came from, in words: drawn, typed coordinates, or the file's name."""
    if source.startswith("file:"):
        return t("review.page.source_file", lang, name=source.removeprefix("file:"))
    if source in ("draw", "coordinates"):
        return t(f"review.page.source_{source}", lang)
    return source


def site_summary(lang: str) -> None:
    """The site under review (area, where it came from, notes of reading it), or that there is none."""
    from tbgeo.review.site_input import note_text

    site = st.session_state.get(Key.REVIEW_SITE)
    if site is None:
        st.info(t("review.page.no_site", lang))
        return
    st.info(say("review.page.site_ready", lang, area=fmt_number(site.area / 1e4, lang, 2),
                source=source_label(st.session_state.get(Key.REVIEW_SITE_SOURCE, ""), lang)))
    for note in st.session_state.get(Key.REVIEW_SITE_NOTES, []):
        st.caption(plain(note_text(note, lang)))
