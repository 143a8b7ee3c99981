"""Upload pipeline for GIS files: the steps (``steps/``: source, encoding, geometry, CRS, landing, target)
sequenced by ``pipeline`` into a plan, committed as a workspace version; and export."""

from __future__ import annotations

__all__ = ["encoding", "validate", "pipeline", "steps", "export", "config", "messages"]
