"""tbgeo — planning workbench for the Thái Bình industrial development plan 2017–2025.

The handful of functions a Python user needs, at the front door::

    import tbgeo
    catalog = tbgeo.load_catalog()                       # the map layers (layers/*.toml + data/)
    store = tbgeo.open_store()                           # layer versions, proposals, decisions
    context = tbgeo.ReviewContext.from_catalog()         # what the rules read
    report = tbgeo.review_site(site, attrs=tbgeo.SiteAttrs(sector="electronics"), context=context)
    plan = tbgeo.plan_import("parks.zip", layer_id="industrial_parks")
    version = tbgeo.commit_import(plan)
    pdf = tbgeo.render_sheet(tbgeo.PrintSpec(size="A3"))
    result = tbgeo.search_sites(tbgeo.Profile(sector="electronics", area_ha=50))

Sites are shapely geometries in EPSG:9209 (VN-2000 / TM-3 105°30′). Everything else is reached through
its module (``tbgeo.review``, ``tbgeo.ingest``, ``tbgeo.printing``, …). The names load when first used,
so ``import tbgeo`` (and the ``tbgeo`` command's start) stays quick.
"""

from __future__ import annotations

import importlib
from importlib.metadata import PackageNotFoundError, version
from typing import Any

from tbgeo import _offline

#: Where each front-door name lives.
_WHERE = {
    "load_catalog": "tbgeo.catalog",
    "open_store": "tbgeo.store",
    "review_site": "tbgeo.review.run",
    "SiteAttrs": "tbgeo.review.model",
    "ReviewContext": "tbgeo.review.context",
    "plan_import": "tbgeo.ingest.pipeline",
    "commit_import": "tbgeo.ingest.pipeline",
    "render_sheet": "tbgeo.printing",
    "PrintSpec": "tbgeo.printing",
    "search_sites": "tbgeo.search",
    "Profile": "tbgeo.search",
}

__all__ = ["__version__", *_WHERE]

try:
    __version__ = version("tbgeo")
except PackageNotFoundError:  # a source tree that was never installed (make install does install it)
    __version__ = "0+unknown"

_offline.ensure()  # GDAL and PROJ never reach the network, whatever a user's file says


def __getattr__(name: str) -> Any:
    if name in _WHERE:
        return getattr(importlib.import_module(_WHERE[name]), name)
    raise AttributeError(f"module 'tbgeo' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(__all__)
