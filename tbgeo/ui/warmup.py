"""Prepare the map while the server starts, so the first visitor does not wait for it.

The first view of the map needs the layer files checked and the map's HTML built; both are kept in
``tbgeo.diskcache`` between starts, so on a usual start (data and code unchanged) they are read, not
made. When they have to be made (the first start after an install, an import or a code change) it
takes ~3 s of imports (geopandas, pandas, folium) and work. Either way it is better done while the
browser loads Streamlit's front end than after: the server's start-up hook
(``st.App(lifespan=...)``, see ``app.py``) runs :func:`warm` in a thread. A script run that needs a
value still being made waits for it (Streamlit's cache holds a lock per value), so nothing is made
twice.

After the first view has been sent (or a short while without a visitor), the same thread loads what
the next clicks need: the display geometry of every layer and the libraries to draw a new map, so
switching a layer on costs a fraction of a second, not the imports. Python runs one thread at a
time, so doing that earlier would only slow the first view down.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from tbgeo import settings
from tbgeo.errors import TbgeoError
from tbgeo.ui import firstview

__all__ = ["lifespan", "warm", "preload"]

log = logging.getLogger(__name__)

#: Seconds the preload waits for the first view before it starts anyway.
FIRST_VIEW_WAIT_S = 15.0
#: Seconds between the first view being sent and the preload, to let the server deliver it.
AFTER_VIEW_S = 1.0

def warm() -> None:
    """Make (or read) the map page's default view: the default layers, in the default language, no base map."""
    from tbgeo.i18n import t
    from tbgeo.mapping import view as mapview
    from tbgeo.ui import (
        app as _app,  # noqa: F401  (these imports happen now, not in the first run)
        cache,
    )
    from tbgeo.ui.pages import map as _map_page  # noqa: F401

    lang = settings.default_lang()
    t("app.name", lang)  # reads the message catalogs
    cache.map_html(mapview.default_layers(cache.catalog()), lang, mapview.DEFAULT_BASEMAP)


def preload() -> None:
    """Load the display geometry and land-use image of every layer, and folium; then every page's
    module (the upload, print, targets and search pages import pandas' and matplotlib's heavier
    parts, altair, rasterio: seconds on a first visit otherwise) and the layers the review reads."""
    import importlib

    from tbgeo.mapping import maps as _maps  # noqa: F401  (importing folium compiles its templates: ~0.6 s)
    from tbgeo.ui import cache
    from tbgeo.ui.app import PAGES

    cat = cache.catalog()
    cache.frames(tuple(lyr.id for lyr in cat if lyr.kind == "vector"))
    for layer in cat:
        if layer.kind == "raster":
            cache.landuse_png(layer.id)
    for page in PAGES:
        importlib.import_module(page.module)
    from tbgeo.ui.pages.review.context import base_context, sectors

    base_context()
    sectors()


def _run() -> None:
    try:
        warm()
        if firstview.wait_for_view(FIRST_VIEW_WAIT_S):
            time.sleep(AFTER_VIEW_S)
        preload()
    except TbgeoError as exc:  # e.g. a broken layer file: the page reports it, in the reader's language
        log.info("warm-up stopped: %s", exc.message("en"))
    except Exception:  # noqa: BLE001  a fault: logged; the page meets it again and says so
        log.warning("warm-up failed", exc_info=True)


@asynccontextmanager
async def lifespan(_app: Any) -> AsyncIterator[None]:
    """The server's start-up hook: warm in a daemon thread and serve at once."""
    threading.Thread(target=_run, name="tbgeo-warmup", daemon=True).start()
    yield
