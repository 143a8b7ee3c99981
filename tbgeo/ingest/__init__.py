"""Upload pipeline for GIS files: unpack → CRS → encoding → validate → workspace version (and export)."""

from __future__ import annotations

__all__ = ["unpack", "encoding", "crsdetect", "validate", "pipeline", "export", "config"]
