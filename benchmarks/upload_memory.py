"""Memory and temporary files of the upload page for one large upload; print JSON.

A zipped VN-2000 shapefile of about ``--mb`` megabytes (default 20; the issue's case is ``--mb 200``)
is generated, then a fresh child process plays one browser session through the same state functions
the upload page calls (tbgeo.ui.ingest_state: save the upload, list its datasets, read it, build the
plan, choose another CRS, choose the detected one again, commit) and reports, from /proc/self/status:

- ``peak_rss_mb``: the session's peak resident memory (VmHWM);
- ``rss_after_commit_mb``: what stays held while the session lives on after the import;
- ``rss_after_session_dropped_mb``: after the session state is dropped and garbage-collected (the
  browser closed);
- ``temp_files_left`` / ``temp_bytes_left``: what is left in the temporary folder (an empty one of
  the child's own), after the import and at the end.

The child runs with its own TMPDIR and workspace, so nothing of the machine's is read or changed.

    python benchmarks/upload_memory.py [--mb 20]
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path


def _status_mb(field: str) -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return round(int(line.split()[1]) / 1024, 1)
    return float("nan")


def build(folder: Path, mb: float) -> Path:
    """A zipped shapefile of ~``mb`` MB: 64-vertex polygons with jittered vertices (compresses ~1.3×)."""
    import geopandas as gpd
    import numpy as np
    import pyogrio
    import shapely
    from pyproj import CRS

    per_feature = 64 * 16 / 1.25 + 60  # compressed bytes per polygon, about
    n = max(100, int(mb * 1_048_576 / per_feature))
    rng = np.random.default_rng(10)
    side = int(np.ceil(np.sqrt(n)))
    i = np.arange(n)
    cx = 565_000 + (i % side) * (40_000 / side)
    cy = 2_250_000 + (i // side) * (40_000 / side)
    ang = np.linspace(0, 2 * np.pi, 64, endpoint=False)
    r = 20 + rng.random((n, 64)) * 5
    xs = cx[:, None] + r * np.cos(ang)
    ys = cy[:, None] + r * np.sin(ang)
    rings = np.stack([xs, ys], axis=-1)
    rings = np.concatenate([rings, rings[:, :1]], axis=1)
    geoms = shapely.polygons(rings)
    gdf = gpd.GeoDataFrame(
        {"TEN": [f"KCN {k}" for k in range(n)], "TRANGTHAI": ["planned"] * n, "DIENTICH": np.full(n, 0.1)},
        geometry=geoms,
        crs="EPSG:9209",
    )
    shp = folder / "kcn.shp"
    pyogrio.write_dataframe(gdf, shp, encoding="utf-8")
    (folder / "kcn.prj").write_text(CRS.from_epsg(9209).to_wkt("WKT1_ESRI"))
    out = folder / "kcn.zip"
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as zf:
        for ext in ("shp", "shx", "dbf", "prj", "cpg"):
            if (folder / f"kcn.{ext}").exists():
                zf.write(folder / f"kcn.{ext}", f"kcn.{ext}")
                (folder / f"kcn.{ext}").unlink()
    return out


def _left(tmp: Path) -> tuple[int, int]:
    files = [p for p in tmp.rglob("*") if p.is_file()]
    return len(files), sum(p.stat().st_size for p in files)


def measure(path: Path) -> dict[str, object]:
    import pyogrio  # noqa: F401  (libraries loaded before the first figure: it measures the session only)

    import tbgeo.store  # noqa: F401
    from tbgeo.auth import single_user
    from tbgeo.ingest.pipeline import build_plan, commit_import, read_source, source_layers
    from tbgeo.ui import ingest_state as s

    tmp = Path(tempfile.gettempdir())
    rss_start = _status_mb("VmRSS")
    t0 = time.perf_counter()
    state: dict = {}
    data = path.read_bytes()  # what the browser sent: held by Streamlit's uploader, not by tbgeo
    s.save_upload(state, path.name, lambda: data, file_id="bench")
    files_after_save = _left(tmp)[0]
    options = s.cached_options(state, source_layers, lambda: data)
    src = s.cached_source(state, None, read_source, lambda: data)
    files_after_read = _left(tmp)[0]

    def plan(crs: str | None):  # the page's keys: one plan per session
        return s.cached_plan(state, (src.sha256, src.chosen, "industrial_parks", crs),
                             lambda: build_plan(src, layer_id="industrial_parks", crs=crs))

    plan(None)
    plan("3405")  # the user looks at another CRS …
    p = plan(None)  # … and comes back to the detected one
    features = len(p.frame)
    result = commit_import(p, actor=single_user("benchmark"), confirm_removal=True).to_dict("en")
    p = src = None  # the session's plan and source dropped (rebound, not deleted: the closures above name them)
    s.after_commit(state, result)
    seconds = time.perf_counter() - t0
    rss_after_commit = _status_mb("VmRSS")
    left_after_commit = _left(tmp)
    data = b""  # the browser closed: Streamlit drops the uploaded bytes and the session state
    state.clear()
    gc.collect()
    s.give_back_memory()
    left_end = _left(tmp)
    return {
        "features": features,
        "datasets": options,
        "version": result["version"],
        "seconds_session": round(seconds, 1),
        "rss_start_mb": rss_start,
        "peak_rss_mb": _status_mb("VmHWM"),
        "rss_after_commit_mb": rss_after_commit,
        "rss_after_session_dropped_mb": _status_mb("VmRSS"),
        "temp_files_after_save": files_after_save,
        "temp_files_after_read": files_after_read,
        "temp_files_left_after_commit": left_after_commit[0],
        "temp_files_left": left_end[0],
        "temp_bytes_left": left_end[1],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--mb", type=float, default=20.0, help="size of the generated upload (zip), MB")
    parser.add_argument("--measure", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        print(json.dumps(measure(args.measure), ensure_ascii=False))
        return
    with tempfile.TemporaryDirectory(prefix="tbgeo-bench-") as work:
        folder = Path(work)
        t0 = time.perf_counter()
        z = build(folder, args.mb)
        build_s = time.perf_counter() - t0
        child_tmp = folder / "tmp"
        child_tmp.mkdir()
        env = {**os.environ, "TMPDIR": str(child_tmp), "TBGEO_WORKSPACE": str(folder / "ws" / "bench.gpkg")}
        child = subprocess.run([sys.executable, __file__, "--measure", str(z)], capture_output=True, text=True,
                               check=True, env=env)
        figures = json.loads(child.stdout.strip().splitlines()[-1])
        print(json.dumps({
            "benchmark": "upload_memory",
            "upload_mb": round(z.stat().st_size / 1_048_576, 1),
            "build_seconds": round(build_s, 1),
            **figures,
            "machine": {"cpus": os.cpu_count(), "python": platform.python_version()},
        }, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
