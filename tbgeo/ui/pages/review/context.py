"""What the review and search pages review against: catalog layers (cached), stored proposals, sectors."""

from __future__ import annotations

from typing import Any

import streamlit as st

__all__ = ["context", "sectors"]


@st.cache_resource(show_spinner=False, max_entries=8)
def _context(versions: tuple[str, ...]) -> Any:
    from tbgeo.review.context import ReviewContext
    from tbgeo.ui import cache

    return ReviewContext.from_catalog(cache.catalog(), include_proposals=False)


def context() -> Any:
    """The review context: catalog layers (cached per active version) plus the stored proposals now."""
    from tbgeo.ui import cache
    from tbgeo.workspace import Workspace

    cat = cache.catalog()
    versions = cache.version_keys(tuple(lid for lid in cat.ids if cat.get(lid).kind == "vector"))
    ctx = _context(versions)
    frame = Workspace.open_existing().proposals_frame() if Workspace.exists() else None
    return ctx.with_proposals(frame)


@st.cache_resource(show_spinner=False)
def sectors() -> list[Any]:
    """The plan's sectors, read once per server."""
    from tbgeo.plan.sectors import load_sectors

    return load_sectors()
