"""Time the printer on the shipped data: an A3 province map with every layer, and the 8-page district atlas.

Prints JSON. Aims (issue 5): A3 province map under 10 s, atlas under 60 s. ``cold`` figures include
reading and reprojecting every layer (a fresh ``tbgeo print``); ``warm`` ones reuse the loaded layers
(the print page, which keeps them in memory).
"""

from __future__ import annotations

import json
import os
import platform
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("TBGEO_WORKSPACE", str(Path(tempfile.mkdtemp()) / "bench.gpkg"))

from tbgeo.catalog import load_catalog  # noqa: E402
from tbgeo.printing import MapData, PrintSpec, render, render_atlas_result  # noqa: E402


def _timed(fn):  # type: ignore[no-untyped-def]
    t0 = time.perf_counter()
    out = fn()
    return time.perf_counter() - t0, out


def main() -> None:
    repeat = int(sys.argv[1]) if len(sys.argv) > 1 else 3
    catalog = load_catalog()
    all_layers = tuple(catalog.ids)
    a3 = PrintSpec(layers=all_layers, size="A3", orientation="landscape", fmt="pdf", draft=True,
                   national_heading=True, signatures=True)
    cold, res = _timed(lambda: render(a3, data=MapData(load_catalog())))
    data = MapData(catalog)
    render(a3, data=data)  # load the layers once
    warm = min(_timed(lambda: render(a3, data=data))[0] for _ in range(repeat))
    png_spec = PrintSpec(layers=all_layers, size="A3", fmt="png", dpi=200)
    png_s, png = _timed(lambda: render(png_spec, data=data))
    atlas_cold, atlas = _timed(lambda: render_atlas_result(PrintSpec(layers=all_layers, size="A3"),
                                                           data=MapData(load_catalog())))
    atlas_warm, _ = _timed(lambda: render_atlas_result(PrintSpec(layers=all_layers, size="A3"), data=data))
    out = {
        "benchmark": "print_maps",
        "machine": {"python": platform.python_version(), "cpus": os.cpu_count()},
        "layers": list(all_layers),
        "a3_province_pdf_seconds_cold": round(cold, 2),
        "a3_province_pdf_seconds_warm": round(warm, 2),
        "a3_province_pdf_bytes": len(res.data),
        "a3_province_scale": res.layout["scale_text"],
        "a3_province_legend_rows": len(res.layout["legend"]),
        "a3_province_png_200dpi_seconds_warm": round(png_s, 2),
        "a3_province_png_pixels": list(png.layout["pixels"]),
        "atlas_8_pages_seconds_cold": round(atlas_cold, 2),
        "atlas_8_pages_seconds_warm": round(atlas_warm, 2),
        "atlas_pages": atlas.pages,
        "atlas_bytes": len(atlas.data),
        "aims": {"a3_province_seconds": 10, "atlas_seconds": 60},
        "within_aims": cold < 10 and atlas_cold < 60,
    }
    print(json.dumps(out, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
