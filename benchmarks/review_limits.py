"""How fast oversized site files are refused by ``tbgeo check`` (issue 10 §6): prints JSON.

Measured in-process (``tbgeo.cli.main``), each refusal timed from the call to the message:

- a 200 MB GeoJSON (refused by its size, before it is opened);
- 200,000 site polygons in a GeoPackage (refused by its size with the shipped limits; and, with the
  size limit raised to 1 GB in a review config, by the feature count GDAL reports, before the
  geometries are read);
- a zip bomb (one 1 GB member of spaces: refused by the declared expansion, nothing extracted).

Also the process's peak resident memory (``ru_maxrss``) after each step.

    python benchmarks/review_limits.py
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import resource
import tempfile
import time
import zipfile
from pathlib import Path


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def _refuse(argv: list[str]) -> dict[str, object]:
    from tbgeo.cli import main as cli

    err = io.StringIO()
    t0 = time.perf_counter()
    with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
        rc = cli(argv)
    return {"exit": rc, "seconds": round(time.perf_counter() - t0, 3), "message": err.getvalue().strip()[:160],
            "peak_rss_mb": round(_peak_mb(), 1)}


def main() -> None:
    import geopandas as gpd
    import shapely

    out: dict[str, object] = {}
    with tempfile.TemporaryDirectory() as tmp:
        d = Path(tmp)
        os.environ["TBGEO_WORKSPACE"] = str(d / "bench.gpkg")  # never touch the real workspace
        big = d / "lon.geojson"
        with big.open("wb") as fh:
            fh.write(b'{"type": "FeatureCollection", "features": [')
            for _ in range(200):  # written in 1 MB pieces, so the figure is tbgeo's memory, not the builder's
                fh.write(b" " * (1024 * 1024 - 1))
            fh.write(b"]}")
        out["peak_rss_mb_before"] = round(_peak_mb(), 1)
        out["geojson_200mb"] = _refuse(["check", str(big), "--lang", "en"])
        big.unlink()

        t0 = time.perf_counter()
        n = 200_000
        polys = [shapely.box(580_000 + i % 500 * 40.0, 2_250_000 + i // 500 * 40.0,
                             580_030 + i % 500 * 40.0, 2_250_030 + i // 500 * 40.0) for i in range(n)]
        gpkg = d / "nhieu.gpkg"
        gpd.GeoDataFrame({"id": range(n)}, geometry=polys, crs=9209).to_file(gpkg, driver="GPKG")
        build = time.perf_counter() - t0
        del polys
        out["gpkg_200k_polygons"] = {"file_mb": round(gpkg.stat().st_size / 1048576, 1), "build_seconds": round(build, 1),
                                     "by_size": _refuse(["check", str(gpkg), "--lang", "en"])}
        cfg = d / "review.toml"
        cfg.write_text("[site_file]\nmax_file_mb = 1000\n", encoding="utf-8")
        out["gpkg_200k_polygons"]["by_feature_count"] = _refuse(  # type: ignore[index]
            ["check", str(gpkg), "--config", str(cfg), "--lang", "en"])

        bomb = d / "bomb.zip"
        with (
            zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as zf,
            zf.open("site.geojson", "w", force_zip64=True) as member,
        ):
            chunk = b" " * (16 * 1024 * 1024)
            for _ in range(64):
                member.write(chunk)
        out["zip_bomb_1gb"] = {"zip_kb": round(bomb.stat().st_size / 1024, 1),
                               **_refuse(["check", str(bomb), "--lang", "en"])}
    print(json.dumps(out, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
