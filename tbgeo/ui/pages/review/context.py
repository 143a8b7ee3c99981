"""What the review and search pages review against: catalog layers (cached), stored proposals, sectors."""

from __future__ import annotations

from typing import Any

import streamlit as st

from tbgeo.store import open_store

__all__ = ["context", "base_context", "sectors"]


@st.cache_resource(show_spinner=False, max_entries=8)
def _context(versions: tuple[str, ...]) -> Any:
    from tbgeo.review.context import ReviewContext
    from tbgeo.ui import cache

    return ReviewContext.from_catalog(cache.catalog(), include_proposals=False)


def _version_keys() -> tuple[str, ...]:
    """The versions the review context is read from: every vector layer, the optional ones too (an
    imported communes_2025 layer must reach the reports without a restart)."""
    from tbgeo.ui import cache

    cat = cache.catalog()
    ids = [*cat.ids, *(lyr.id for lyr in cat.optional)]
    return cache.version_keys(tuple(lid for lid in ids if cat.get(lid).kind == "vector"))


def base_context() -> Any:
    """The catalog layers of the review (cached per active version), without the stored proposals."""
    return _context(_version_keys())


def context() -> Any:
    """The review context: catalog layers (cached per active version) plus the stored proposals now
    (their outlines for the overlap rule, their reviews for the rice-land quota)."""
    ctx = base_context()
    return ctx.with_proposals(open_store(create=False).proposals())  # outlines, and reviews for the ledger


@st.cache_resource(show_spinner=False)
def sectors() -> list[Any]:
    """The plan's sectors, read once per server."""
    from tbgeo.plan.sectors import load_sectors

    return load_sectors()
