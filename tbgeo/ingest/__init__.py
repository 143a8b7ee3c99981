"""Upload pipeline for GIS files: unpack (``tbgeo._io``) → CRS (``tbgeo.crs``) → encoding → validate →
workspace version (and export)."""

from __future__ import annotations

__all__ = ["encoding", "validate", "pipeline", "export", "config", "messages"]
