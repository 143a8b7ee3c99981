"""Import a zipped shapefile of 100,000 polygons in VN-2000 (EPSG:9209) with TCVN3 text; print JSON.

The shapefile is built on the fly in a temporary folder (no .cpg, so the text arrives as raw TCVN3
bytes), then imported in a fresh child process, which reports wall time per stage and its peak RSS
(resource.getrusage; the child only imports, so the figure is the import's own peak).

    python benchmarks/ingest_100k.py [--n 100000]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

TCVN3_NAMES = ["KCN Th¸i B×nh", "KCN TiÒn H¶i", "Côm c«ng nghiÖp Vò Th\xad", "KCN Gia LÔ", "KCN S«ng Trµ"]
TCVN3_NOTES = ["§Êt chuyªn trång lóa n\xadíc", "§Êt trång lóa n\xadíc cßn l¹i", "§Êt khu c«ng nghiÖp", "§Êt ë n«ng th«n"]


def build(folder: Path, n: int) -> Path:
    import geopandas as gpd
    import numpy as np
    import pyogrio
    import shapely
    from pyproj import CRS

    side = int(np.ceil(np.sqrt(n)))
    i = np.arange(n)
    x0 = 565_000 + (i % side) * 150.0  # 100 m squares on a 150 m grid inside the province
    y0 = 2_250_000 + (i // side) * 120.0
    geoms = shapely.box(x0, y0, x0 + 100, y0 + 100)
    names = [f"{TCVN3_NAMES[k % 5]} {k}" for k in range(n)]
    notes = [TCVN3_NOTES[k % 4] for k in range(n)]
    gdf = gpd.GeoDataFrame(
        {"TEN": names, "GHICHU": notes, "TRANGTHAI": ["planned"] * n, "DIENTICH": np.full(n, 1.0)},
        geometry=geoms,
        crs=None,
    )
    shp = folder / "kcn_100k.shp"
    # Strings are TCVN3 bytes decoded as Latin-1; writing them as Latin-1 puts the TCVN3 bytes in the DBF.
    pyogrio.write_dataframe(gdf, shp, encoding="latin1")
    (folder / "kcn_100k.cpg").unlink(missing_ok=True)
    (folder / "kcn_100k.prj").write_text(CRS.from_epsg(9209).to_wkt("WKT1_ESRI"))
    out = folder / "kcn_100k.zip"
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        for ext in ("shp", "shx", "dbf", "prj"):
            zf.write(folder / f"kcn_100k.{ext}", f"kcn_100k.{ext}")
    return out


def _layers(folder: Path) -> Path:
    layers = folder / "layers"
    layers.mkdir(exist_ok=True)
    (layers / "industrial_parks.toml").write_text(
        'id = "industrial_parks"\ntitle_vi = "KCN"\ntitle_en = "Industrial parks"\ngroup = "industry"\n'
        'kind = "vector"\nsource = "data/industrial_parks.geojson"\ncrs = "EPSG:4326"\ncitation = "Điều 1"\n'
        'provenance_vi = "-"\nprovenance_en = "-"\naccuracy_vi = "-"\naccuracy_en = "-"\ngeometry_type = "Polygon"\n',
        "utf-8",
    )
    return layers


def measure(path: Path, workdir: Path) -> dict[str, object]:
    import resource

    from tbgeo import settings

    # Use the real layers/ when the repository has them, else a one-layer catalog.
    if not (settings.LAYERS_DIR / "industrial_parks.toml").exists():
        settings.LAYERS_DIR = _layers(workdir)
    os.environ["TBGEO_WORKSPACE"] = str(workdir / "ws" / "bench.gpkg")
    from tbgeo.auth import single_user
    from tbgeo.ingest.pipeline import build_plan, commit_import, read_source

    rss_before_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    t0 = time.perf_counter()
    src = read_source(path)
    t1 = time.perf_counter()
    plan = build_plan(src, layer_id="industrial_parks")
    t2 = time.perf_counter()
    result = commit_import(plan, actor=single_user("benchmark"), confirm_removal=True)
    t3 = time.perf_counter()
    rss_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    d = result.to_dict("en")
    return {
        "features_in": d["features_in"],
        "features_out": d["features_out"],
        "encoding": d["encoding"]["detected"],
        "converted_columns": d["encoding"]["converted_columns"],
        "crs_epsg": d["crs"]["epsg"],
        "version": d["version"],
        "sample_name": plan.frame["TEN"].iloc[1],
        "seconds_read": round(t1 - t0, 2),
        "seconds_plan": round(t2 - t1, 2),
        "seconds_write": round(t3 - t2, 2),
        "seconds_total": round(t3 - t0, 2),
        "peak_rss_mb": round(rss_kb / 1024, 1),
        "rss_before_import_mb": round(rss_before_kb / 1024, 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--n", type=int, default=100_000)
    parser.add_argument("--measure", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--workdir", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        print(json.dumps(measure(args.measure, args.workdir), ensure_ascii=False))
        return
    with tempfile.TemporaryDirectory(prefix="tbgeo-bench-") as tmp:
        folder = Path(tmp)
        t0 = time.perf_counter()
        z = build(folder, args.n)
        build_s = time.perf_counter() - t0
        child = subprocess.run(
            [sys.executable, __file__, "--measure", str(z), "--workdir", str(folder)],
            capture_output=True,
            text=True,
            check=True,
        )
        figures = json.loads(child.stdout.strip().splitlines()[-1])
        print(
            json.dumps(
                {
                    "benchmark": "ingest_100k",
                    "polygons": args.n,
                    "zip_mb": round(z.stat().st_size / 1048576, 2),
                    "build_seconds": round(build_s, 2),
                    **figures,
                    "target_seconds": 30,
                    "within_target": figures["seconds_total"] < 30,
                    "machine": {"cpus": os.cpu_count(), "python": platform.python_version()},
                },
                ensure_ascii=False,
                indent=2,
            )
        )


if __name__ == "__main__":
    main()
