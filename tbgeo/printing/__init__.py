"""Server-side map printing: meeting-ready sheets (PDF/PNG) at a true, stated scale, and the district atlas.

``render_sheet(PrintSpec(...))`` returns the file's bytes; ``render(spec)`` also returns the measured
layout (frame, scale, scale bar, grid, legend) used by the tests and the UI summary.
"""

from tbgeo.printing.mapdata import MapData
from tbgeo.printing.render import (
    MIME,
    PrintResult,
    build_figure,
    render,
    render_atlas,
    render_atlas_result,
    render_sheet,
    resolve_layers,
)
from tbgeo.printing.scale import ROUND_SCALES, choose_scale, format_scale
from tbgeo.printing.sheets import ORIENTATIONS, SIZES
from tbgeo.printing.spec import FORMATS, PrintSpec, format_from_path

__all__ = [
    "PrintSpec",
    "PrintResult",
    "MapData",
    "render",
    "render_sheet",
    "render_atlas",
    "render_atlas_result",
    "build_figure",
    "resolve_layers",
    "format_from_path",
    "choose_scale",
    "format_scale",
    "ROUND_SCALES",
    "SIZES",
    "ORIENTATIONS",
    "FORMATS",
    "MIME",
]
