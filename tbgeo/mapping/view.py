"""The whole map as one HTML page, kept in ``tbgeo.diskcache``: what the map page shows and what
``tbgeo map`` writes.

A map is defined by the layers switched on, the language and the base map, and drawn from the state
of the data: the layer files, each layer's active workspace version, the stored proposals. Its key
(``map_key``) hashes all of it together with tbgeo's code, so every visitor who asks for the same map
of the same data gets the same page, built once — even across restarts of the app — and a change
of anything drawn gives a new page at once.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import tempfile
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tbgeo import diskcache, settings
from tbgeo.catalog import Catalog, load_catalog
from tbgeo.errors import InputError
from tbgeo.mapping.assets import inline_assets
from tbgeo.mapping.webmap import (
    BASEMAPS,
    MAP_PROPOSAL_STATUSES,
    Overlay,
    build_map,
    display_frame,
    landuse_image,
    proposals_overlay,
)
from tbgeo.store import open_store

if TYPE_CHECKING:
    import geopandas as gpd

__all__ = [
    "DEFAULT_BASEMAP",
    "default_layers",
    "catalog_stamp",
    "layer_stamps",
    "proposal_overlays",
    "map_key",
    "map_html",
    "prepare",
    "write_standalone",
    "focus_on",
    "VIEW_MESSAGE",
    "with_view",
]

#: The base map shown first: none, so the map needs no internet.
DEFAULT_BASEMAP = next(iter(BASEMAPS))

FramesFn = Callable[[tuple[str, ...]], dict[str, "gpd.GeoDataFrame"]]
LanduseFn = Callable[[str], tuple[bytes, list[list[float]]]]


def default_layers(catalog: Catalog) -> tuple[str, ...]:
    """The layers switched on when the map opens, in draw order."""
    return tuple(lyr.id for lyr in catalog if lyr.default_visible)


def _workspace_state() -> tuple[str, str, dict[str, Any]]:
    return open_store(create=False).state()


def catalog_stamp(layers_dir: Path | None = None) -> list[list[object]]:
    """The layer files (``layers/*.toml``) as they are now: a catalog loaded from other files is stale."""
    folder = layers_dir or settings.shipped_dir("layers")
    return [diskcache.file_stamp(p) for p in sorted(folder.glob("*.toml"))]


def layer_stamps(
    catalog: Catalog, layer_ids: Iterable[str], state: tuple[str, str, dict[str, Any]] | None = None
) -> dict[str, list[object]]:
    """What each layer's features are read from, as it is now: the shipped file (size, times,
    inode), or the active workspace version (the workspace's identity, the version's number, source
    file hash, time and import options — a version never changes once written). One read of the
    workspace for all of them (or ``state``, ``Store.state()`` already read)."""
    identity, _revision, active = state or _workspace_state()
    out: dict[str, list[object]] = {}
    for layer_id in layer_ids:
        version = active.get(layer_id)
        if version is None:
            out[layer_id] = ["shipped", diskcache.file_stamp(catalog.get(layer_id).path)]
        else:
            out[layer_id] = ["version", identity, version.version, version.sha256, version.created_at, version.details]
    return out


def proposal_overlays(lang: str, statuses: tuple[str, ...] = MAP_PROPOSAL_STATUSES) -> list[Overlay]:
    """The stored proposals of ``statuses`` as the map's own layer, styled by status (none when
    nothing of those statuses is stored, or ``statuses`` is empty: the layer switched off)."""
    if not statuses:
        return []
    overlay = proposals_overlay(open_store(create=False).proposals_frame(statuses), lang, statuses=statuses)
    return [overlay] if overlay is not None else []


def map_key(catalog: Catalog, visible: tuple[str, ...], lang: str, basemap: str,
            proposals: tuple[str, ...] = MAP_PROPOSAL_STATUSES) -> str:
    """The cache key of a map: the choice of layers, proposal statuses, language and base map, and the
    state of everything drawn (layer files and data, active versions, the workspace's revision, tbgeo's code)."""
    state = _workspace_state()
    identity, revision, _active = state
    stamps = layer_stamps(catalog, visible, state)
    return diskcache.key(
        "map",
        diskcache.code_version(),
        [diskcache.file_stamp(lyr.file) for lyr in catalog if lyr.file is not None],
        [identity, revision] if revision != "0" else "no store",
        [stamps[lid] for lid in visible],
        list(visible),
        lang,
        basemap,
        *([] if proposals == MAP_PROPOSAL_STATUSES else [["proposals", *proposals]]),  # the first view's key as before
    )


def map_html(
    catalog: Catalog,
    visible: tuple[str, ...],
    lang: str,
    basemap: str = DEFAULT_BASEMAP,
    *,
    frames: FramesFn | None = None,
    landuse: LanduseFn | None = None,
    key: str | None = None,
    proposals: tuple[str, ...] = MAP_PROPOSAL_STATUSES,
) -> str:
    """The map of the ``visible`` layers (draw order) and the stored proposals of the ``proposals``
    statuses (none: the layer off) as an HTML page: read from the cache, or built and stored.
    ``frames`` (for several layers at once) and ``landuse`` supply the display geometry and the
    land-use image (the app passes its in-memory caches); ``key`` is ``map_key(...)`` when already known."""
    digest = key or map_key(catalog, visible, lang, basemap, proposals)
    html = diskcache.read_text("map", digest)
    if html is not None:
        return html
    frames = frames or (lambda ids: {lid: display_frame(catalog.get(lid)) for lid in ids})
    landuse = landuse or (lambda layer_id: landuse_image(catalog.get(layer_id)))
    raster = next((lid for lid in visible if catalog.get(lid).kind == "raster"), None)
    m = build_map(
        catalog,
        lang=lang,
        visible=visible,
        basemap=basemap,
        frames=frames(tuple(lid for lid in visible if catalog.get(lid).kind == "vector")),
        landuse_png=landuse(raster) if raster else None,
        overlays=proposal_overlays(lang, proposals),
        height="100%",
        clicks=True,
    )
    html = m.get_root().render()
    diskcache.write_text("map", digest, html)
    return html


def prepare(catalog: Catalog | None = None) -> str:
    """Make sure the app's first view (the default layers, in the default language) is in the cache;
    returns its key. Checking the layer files on the way is cached too (``load_catalog``)."""

    catalog = catalog or load_catalog()
    visible = default_layers(catalog)
    lang = settings.default_lang()
    key = map_key(catalog, visible, lang, DEFAULT_BASEMAP)
    if not diskcache.has("map", key):
        map_html(catalog, visible, lang, DEFAULT_BASEMAP, key=key)
    return key


def write_standalone(html: str, path: Path) -> Path:
    """Write ``html`` as one file that opens offline in any browser: Leaflet is put inside it.

    Written whole or not at all; a folder that is missing or cannot be written gives an InputError
    (in the reader's language), and no partial file is left.
    """
    path = Path(path)
    if not path.parent.is_dir():
        raise InputError("map_cli.out_dir_missing", path=str(path.parent))
    text = inline_assets(html)
    tmp: str | None = None
    try:
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".part")
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except OSError as exc:
        if tmp is not None:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
        raise InputError("map_cli.write_failed", path=str(path), detail=exc.strerror or str(exc)) from exc
    return path


_MAP_VAR = re.compile(r"var (map_[0-9a-f]+) = L\.map\(")


def focus_on(html: str, geometry: Any, *, approximate: bool, outline: bool = True) -> str:
    """The map page ``html`` zoomed to ``geometry`` (WGS 84) and outlined: a solid red line for a
    polygon from a layer, a dashed orange box for an approximate extent, nothing without ``outline``
    (a whole layer). Only coordinates enter the page (JSON, ``</`` escaped); the cached page itself
    is not changed."""
    import shapely  # shapely loads for a focused map only, not at a warm start

    m = _MAP_VAR.search(html)
    end = html.rfind("</html>")
    if m is None or end < 0 or geometry is None or geometry.is_empty:
        return html
    feature = json.dumps(shapely.geometry.mapping(geometry)).replace("</", "<\\/")
    style = {"color": "#ff7f00", "weight": 3, "dashArray": "8 6", "fill": False} if approximate else {
        "color": "#e31a1c", "weight": 3, "fill": False}
    if not outline:
        style = {"opacity": 0, "fill": False}
    script = (
        "<script>(function(){var g=L.geoJSON(" + feature + ",{style:" + json.dumps(style) + ",interactive:false})"
        ".addTo(" + m.group(1) + ");" + m.group(1) + ".fitBounds(g.getBounds(),{maxZoom:15,padding:[24,24]});})();"
        "</script>\n"
    )
    return html[:end] + script + html[end:]


#: The message the map page posts to the page around it when the user has moved the map.
VIEW_MESSAGE = "view"


def with_view(html: str, view: tuple[float, float, float] | None = None) -> str:
    """The map page ``html`` opened at ``view`` (lat, lng, zoom in WGS 84; None: as built), and posting
    ``{"tbgeo": VIEW_MESSAGE, "lat", "lng", "zoom"}`` to the page around it after each move the user
    makes (not the map's own first fit), so that page can keep the view in its address. Only numbers
    enter the page; the cached page itself is not changed."""
    m = _MAP_VAR.search(html)
    end = html.rfind("</html>")
    if m is None or end < 0:
        return html
    name = m.group(1)
    if view is not None:
        # the map's own first fit (folium's fitBounds, in the script that makes the map) opens it at the
        # view instead: a setView after that fit would race the fit's zoom animation
        lat, lng, zoom = (float(view[0]), float(view[1]), float(view[2]))
        at = html.rfind("<script", 0, m.start())
        if at >= 0:
            first = (
                "<script>(function(){var P=L.Map.prototype,fit=P.fitBounds;"
                "P.fitBounds=function(){P.fitBounds=fit;"
                f"return this.setView([{lat!r},{lng!r}],{zoom!r},{{animate:false}});}};"
                "window.addEventListener('load',function(){P.fitBounds=fit;});})();</script>\n"
            )
            html = html[:at] + first + html[at:]
            end = html.rfind("</html>")
    script = (
        "<script>(function(){var map=" + name + ";"
        "if(window.parent===window){return;}var moved=false;"
        "['mousedown','wheel','touchstart','keydown'].forEach(function(ev){"
        "map.getContainer().addEventListener(ev,function(){moved=true;},{passive:true});});"
        "map.on('moveend',function(){if(!moved){return;}var c=map.getCenter();"
        "window.parent.postMessage({tbgeo:" + json.dumps(VIEW_MESSAGE) + ",lat:c.lat,lng:c.lng,zoom:map.getZoom()},'*');});"
        "})();</script>\n"
    )
    return html[:end] + script + html[end:]
