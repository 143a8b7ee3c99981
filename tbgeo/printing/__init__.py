"""Server-side map printing: meeting-ready sheets (PDF/PNG) at a true, stated scale, and the district atlas.

``render_sheet(PrintSpec(...))`` returns the file's bytes; ``render(spec)`` also returns the measured
layout (frame, scale, scale bar, grid, legend) used by the tests and the UI summary.
"""

from __future__ import annotations

import importlib
from typing import Any

#: Where each public name lives. They are imported on first use, so that ``tbgeo`` commands and
#: pages that only need the sheet sizes do not pay for matplotlib (~0.6 s).
_WHERE = {
    "MapData": "mapdata",
    "MIME": "compose",
    "PrintResult": "compose",
    "build_figure": "compose",
    "render": "compose",
    "render_atlas": "compose",
    "render_atlas_result": "compose",
    "render_sheet": "compose",
    "resolve_layers": "layout",
    "ROUND_SCALES": "scale",
    "choose_scale": "scale",
    "format_scale": "scale",
    "ORIENTATIONS": "sheets",
    "SIZES": "sheets",
    "FORMATS": "spec",
    "PrintSpec": "spec",
    "format_from_path": "spec",
}

__all__ = list(_WHERE)


def __getattr__(name: str) -> Any:
    if name in _WHERE:
        return getattr(importlib.import_module(f"{__name__}.{_WHERE[name]}"), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(__all__)
