"""The app's state in its address (``?lang=en&layers=districts,rice&view=20.45,106.34,12&site=…``), so
a link can be shared and a reload keeps what the user was looking at.

What lives there: the page (its path, Streamlit's own), the language, the map's visible layers, base
map and view (centre and zoom), and the site under review — by a short id naming an entry of the
server's cache folder (``tbgeo.diskcache``, kind ``site``), which keeps the site's geometry (EPSG:9209),
its source and name; a long outline never goes into the address, and a link opens only sites that
this server has reviewed. Everything read from the address is user input: each value is parsed by a
pure function here that returns None for anything it does not accept (the default is then used, no
message, no traceback); nothing from the address is ever shown as Markdown or HTML.

A session reads the address once, in its first run (``restore``); afterwards each run writes the
state back (``write``), only what differs from the defaults, so the plain address stays plain.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterable, Mapping
from typing import Any

import streamlit as st

from tbgeo import diskcache, settings
from tbgeo.i18n import t
from tbgeo.ui.state import Key

__all__ = [
    "PARAM_LANG", "PARAM_LAYERS", "PARAM_BASE", "PARAM_VIEW", "PARAM_SITE", "NO_LAYERS",
    "parse_lang", "parse_layers", "format_layers", "parse_view", "format_view", "parse_site_id",
    "store_site", "load_site", "restore", "restore_map", "write", "write_map", "write_site",
]  # fmt: skip

PARAM_LANG = "lang"
PARAM_LAYERS = "layers"
PARAM_BASE = "base"
PARAM_VIEW = "view"
PARAM_SITE = "site"
#: ``layers=-``: every layer switched off (an empty value would be dropped from the address).
NO_LAYERS = "-"
#: Longest value taken from the address (anything longer is not ours).
_MAX_LEN = 2000
_SITE_ID = re.compile(r"[0-9a-f]{20}")
_LAYER_ID = re.compile(r"[a-z0-9_]{1,64}")
#: Cache kind of the sites named in addresses.
SITE_KIND = "site"


def _text(value: Any) -> str | None:
    if not isinstance(value, str) or len(value) > _MAX_LEN:
        return None
    return value.strip()


def parse_lang(value: Any) -> str | None:
    """``vi`` or ``en``; None for anything else."""
    text = _text(value)
    return text if text in settings.LANGS else None


def parse_layers(value: Any, known: Iterable[str]) -> tuple[str, ...] | None:
    """The layer ids of ``layers=a,b`` that are in ``known`` (unknown ones are dropped, repeats once),
    in ``known``'s order; ``()`` for ``-``; None when nothing usable was given."""
    text = _text(value)
    if text is None or text == "":
        return None
    if text == NO_LAYERS:
        return ()
    asked = {part.strip() for part in text.split(",") if _LAYER_ID.fullmatch(part.strip())}
    chosen = tuple(lid for lid in known if lid in asked)
    return chosen or None


def format_layers(layers: Iterable[str]) -> str:
    return ",".join(layers) or NO_LAYERS


def parse_view(value: Any) -> tuple[float, float, float] | None:
    """``lat,lng,zoom`` (WGS 84 degrees, Leaflet zoom 0–22, in steps of 0.25 as the map zooms);
    None unless all three are sane."""
    text = _text(value)
    if not text:
        return None
    parts = text.split(",")
    if len(parts) != 3:
        return None
    try:
        lat, lng, zoom = float(parts[0]), float(parts[1]), float(parts[2])
    except ValueError:
        return None
    if not all(math.isfinite(v) for v in (lat, lng, zoom)):
        return None
    if not (-85.0 <= lat <= 85.0 and -180.0 <= lng <= 180.0 and 0 <= zoom <= 22):
        return None
    return round(lat, 5), round(lng, 5), round(zoom * 4) / 4


def format_view(view: tuple[float, float, float]) -> str:
    lat, lng, zoom = view
    return f"{lat:.5f},{lng:.5f},{zoom:g}"


def parse_site_id(value: Any) -> str | None:
    """A site id as ``store_site`` makes them (20 lowercase hex digits); None for anything else."""
    text = _text(value)
    return text if text is not None and _SITE_ID.fullmatch(text) else None


def store_site(geometry: Any, source: str, name: str = "", notes: Iterable[Any] = ()) -> str:
    """Keep the site in the server's cache folder; returns its id (a hash of what is kept)."""
    from tbgeo.i18n.params import dump_param

    entry = {"wkb": geometry.wkb_hex, "source": str(source), "name": str(name or ""),
             "notes": [dump_param(n) for n in notes]}
    text = json.dumps(entry, ensure_ascii=False, sort_keys=True)
    site_id = diskcache.key("site", text)[:20]
    if not diskcache.has(SITE_KIND, site_id):
        diskcache.write_text(SITE_KIND, site_id, text)
    return site_id


def load_site(site_id: str) -> dict[str, Any] | None:
    """The site kept under ``site_id`` ({geometry (EPSG:9209), source, name, notes}); None when there is
    no such entry (never kept here, or the cache was cleared) or it is not a usable polygon."""
    import shapely

    from tbgeo.i18n.params import load_param

    if parse_site_id(site_id) is None:
        return None
    text = diskcache.read_text(SITE_KIND, site_id)
    if text is None:
        return None
    try:
        entry = json.loads(text)
        geometry = shapely.from_wkb(bytes.fromhex(entry["wkb"]))
        notes = [load_param(n) for n in entry.get("notes", [])]
        source, name = str(entry.get("source", "")), str(entry.get("name", ""))
    except (ValueError, TypeError, KeyError, AttributeError, shapely.errors.GEOSException):
        return None
    if geometry.is_empty or geometry.geom_type not in ("Polygon", "MultiPolygon") or not geometry.is_valid:
        return None
    return {"geometry": geometry, "source": source, "name": name, "notes": notes}


def _params() -> Mapping[str, str]:
    return st.query_params


def _set(name: str, value: str | None) -> None:
    """Write one parameter (None removes it); only when it changes, so a run writes nothing needlessly."""
    params = st.query_params
    if value is None:
        if name in params:
            del params[name]
    elif params.get(name) != value:
        params[name] = value


def restore() -> None:
    """In a session's first run: the language and the site under review from the address."""
    if st.session_state.get(Key.ADDRESS_READ):
        return
    st.session_state[Key.ADDRESS_READ] = True
    params = _params()
    lang = parse_lang(params.get(PARAM_LANG))
    if lang is not None:
        st.session_state[Key.LANG] = lang
    site_id = parse_site_id(params.get(PARAM_SITE))
    site = load_site(site_id) if site_id else None
    if site is not None:
        st.session_state[Key.REVIEW_SITE] = site["geometry"]
        st.session_state[Key.REVIEW_SITE_SOURCE] = site["source"]
        st.session_state[Key.REVIEW_SITE_NOTES] = site["notes"]
        if site["name"]:
            st.session_state[Key.REVIEW_SITE_NAME] = site["name"]
        st.session_state[Key.REVIEW_SITE_ID] = site_id
        st.session_state[Key.REVIEW_SITE_ID_OF] = site["geometry"]
    elif site_id:
        st.session_state[Key.REVIEW_SITE_LOST] = True
    # the map's part is read by the map page, which knows its layers (restore_map)
    st.session_state[Key.ADDRESS_MAP] = {
        "layers": params.get(PARAM_LAYERS), "base": params.get(PARAM_BASE), "view": parse_view(params.get(PARAM_VIEW)),
    }


def restore_map(known: tuple[str, ...], basemaps: tuple[str, ...]) -> None:
    """Once, on the map page: the layer toggles, the base map and the first view from the address."""
    asked = st.session_state.pop(Key.ADDRESS_MAP, None)
    if not asked:
        return
    layers = parse_layers(asked.get("layers"), known)
    if layers is not None:
        for lid in known:
            st.session_state[f"{Key.MAP_LAYER}_{lid}"] = lid in layers
    base = _text(asked.get("base"))
    if base in basemaps:
        st.session_state[Key.BASEMAP] = base
    if asked.get("view") is not None:
        st.session_state[Key.MAP_VIEW] = asked["view"]


def write(lang: str) -> None:
    """Every page: the language (when it is not the default)."""
    _set(PARAM_LANG, None if lang == settings.default_lang() else lang)


def write_map(visible: tuple[str, ...], defaults: tuple[str, ...], basemap: str, default_base: str) -> None:
    """The map page: the layers (when not the default set), the base map, the view once the user moved it."""
    _set(PARAM_LAYERS, None if set(visible) == set(defaults) else format_layers(visible))
    _set(PARAM_BASE, None if basemap == default_base else basemap)
    view = st.session_state.get(Key.MAP_VIEW)
    _set(PARAM_VIEW, format_view(view) if view else None)


def write_site(lang: str) -> None:
    """The review page: the site under review, kept in the cache folder and named by its id; says once
    when the address named a site this server no longer keeps."""
    if st.session_state.pop(Key.REVIEW_SITE_LOST, False):
        st.info(t("review.page.site_lost", lang))
    site = st.session_state.get(Key.REVIEW_SITE)
    if site is None:
        st.session_state.pop(Key.REVIEW_SITE_ID, None)
        _set(PARAM_SITE, None)
        return
    site_id = st.session_state.get(Key.REVIEW_SITE_ID)
    if site_id is None or st.session_state.get(Key.REVIEW_SITE_ID_OF) is not site:
        site_id = store_site(site, st.session_state.get(Key.REVIEW_SITE_SOURCE, ""),
                             st.session_state.get(Key.REVIEW_SITE_NAME, ""),
                             st.session_state.get(Key.REVIEW_SITE_NOTES, []))
        st.session_state[Key.REVIEW_SITE_ID] = site_id
        st.session_state[Key.REVIEW_SITE_ID_OF] = site
    _set(PARAM_SITE, site_id)
