"""The one door to the store: layer versions with provenance, proposals with their decisions, user
accounts and the audit log.

Two stores answer to the same ``Store`` protocol: the GeoPackage file (``tbgeo.store.gpkg``, the
default: one file on one machine) and a PostgreSQL/PostGIS server (``tbgeo.store.postgis``, chosen by
``TBGEO_DATABASE_URL``). ``open_store()`` picks one; nothing outside this package knows which, and no
SQL is written outside it. Every change is one transaction: it happens whole or not at all, and it is
recorded in the audit log under the name of whoever made it.
"""

from __future__ import annotations

from pathlib import Path

from tbgeo import settings
from tbgeo.store.base import DEFAULT_LOCK_WAIT, Store, current_user, lock_wait
from tbgeo.store.gpkg import GpkgStore
from tbgeo.store.records import (
    Change,
    Decision,
    LayerVersion,
    Outline,
    Proposal,
    SignInClaim,
    User,
    proposals_frame,
)

__all__ = [
    "Store",
    "open_store",
    "LayerVersion",
    "Proposal",
    "Decision",
    "Change",
    "User",
    "Outline",
    "SignInClaim",
    "proposals_frame",
    "current_user",
    "lock_wait",
    "DEFAULT_LOCK_WAIT",
]


def open_store(path: Path | None = None, *, create: bool = True, url: str | None = None) -> Store:
    """The store: the PostGIS server named by ``url`` or ``TBGEO_DATABASE_URL`` when one is set, else
    the GeoPackage at ``path`` (``TBGEO_WORKSPACE``, or the project's ``workspace/tbgeo.gpkg``).

    ``create=False`` is for reading: nothing is made, and a store not made yet answers as an empty one
    (no versions, no proposals, no accounts). A given ``path`` always means a GeoPackage."""
    url = url or (settings.database_url() if path is None else None)
    if url:
        # the PostGIS store needs SQLAlchemy and psycopg, which a laptop on the GeoPackage never loads
        from tbgeo.store.postgis import PostgisStore

        return PostgisStore.open(url, create=create)
    return GpkgStore.open(path) if create else GpkgStore.open_existing(path)
