"""Choosing which stored version of a layer is in use: the rollback GIS staff make from the upload
page or ``tbgeo rollback``, checked against the actor's roles and recorded under their name."""

from __future__ import annotations

from tbgeo.auth import Identity, acting, require
from tbgeo.catalog import titled
from tbgeo.errors import TbgeoError
from tbgeo.store import LayerVersion, Store

__all__ = ["rollback"]


def rollback(store: Store, layer_id: str, version: int | None, *, actor: Identity | None = None) -> LayerVersion | None:
    """Make an earlier version of a layer the active one again (``None``: its shipped data), if the
    actor's roles allow it."""
    actor = actor or acting(store)
    require(actor, "layer.rollback")
    try:
        return store.set_active(layer_id, version, user=actor.name)
    except TbgeoError as exc:  # said with the layer's title, not its id
        raise titled(exc) from None
