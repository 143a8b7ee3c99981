"""The PostGIS store against the GeoPackage store, in one run (issue 12 §4); prints JSON.

For each store, in a fresh child process with an empty cache: the import of a zipped shapefile of
100,000 VN-2000 polygons with TCVN3 text into the industrial-parks layer (read, plan, write), one
site review on the catalog with that layer active (the review context's build, then the review and
saving it as a proposal), and the map's first build (the HTML page `tbgeo map` writes). The
PostGIS store is a new database on the local server (``TBGEO_TEST_PG``, default the Unix socket's
``postgres`` database), dropped afterwards. Aim: PostGIS within 1.5× of the GeoPackage.

    python benchmarks/store_compare.py [--n 100000]
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import os
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

ADMIN_URL = os.environ.get("TBGEO_TEST_PG", "postgresql:///postgres")
SITE = [[106.40, 20.45], [106.42, 20.45], [106.42, 20.465], [106.40, 20.465], [106.40, 20.45]]


def measure(zip_path: Path) -> dict[str, float | int | str]:
    import shapely
    from pyproj import Transformer

    from tbgeo.auth import single_user
    from tbgeo.cli import main as cli
    from tbgeo.ingest.pipeline import build_plan, commit_import, read_source
    from tbgeo.proposals import save_review
    from tbgeo.review.config import load_config
    from tbgeo.review.context import ReviewContext
    from tbgeo.review.model import SiteAttrs
    from tbgeo.review.run import review_site
    from tbgeo.store import open_store

    store = open_store()
    me = single_user("benchmark")
    t0 = time.perf_counter()
    plan = build_plan(read_source(zip_path), layer_id="industrial_parks")
    t1 = time.perf_counter()
    result = commit_import(plan, actor=me, workspace=store, confirm_removal=True)
    t2 = time.perf_counter()
    ctx = ReviewContext.from_catalog()
    t3 = time.perf_counter()
    to9209 = Transformer.from_crs(4326, 9209, always_xy=True)
    site = shapely.Polygon([to9209.transform(x, y) for x, y in SITE])
    report = review_site(site, attrs=SiteAttrs(name="Benchmark", sector="electronics"), context=ctx, config=load_config())
    saved = save_review(store, report, "vi", actor=me)
    t4 = time.perf_counter()
    out = Path(tempfile.mkdtemp()) / "map.html"
    with contextlib.redirect_stdout(io.StringIO()):
        rc = cli(["map", "--out", str(out)])
    t5 = time.perf_counter()
    assert rc == 0 and saved.id == 1 and result.version.features == plan.frame.shape[0]
    return {
        "store": store.kind,
        "features": result.version.features,
        "import_plan_s": round(t1 - t0, 2),
        "import_write_s": round(t2 - t1, 2),
        "import_total_s": round(t2 - t0, 2),
        "review_context_s": round(t3 - t2, 2),
        "review_and_save_s": round(t4 - t3, 3),
        "review_total_s": round(t4 - t2, 2),
        "map_first_build_s": round(t5 - t4, 2),
        "map_html_mb": round(out.stat().st_size / 1048576, 1),
        "verdict": report.verdict,
    }


def _child(zip_path: Path, env: dict[str, str]) -> dict[str, float | int | str]:
    done = subprocess.run([sys.executable, __file__, "--measure", str(zip_path)], capture_output=True, text=True,
                          env=env, check=False)
    if done.returncode != 0:
        raise SystemExit(done.stderr[-2000:])
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--n", type=int, default=100_000)
    parser.add_argument("--measure", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        print(json.dumps(measure(args.measure), ensure_ascii=False))
        return
    import psycopg
    from ingest_100k import build

    with tempfile.TemporaryDirectory(prefix="tbgeo-bench-") as tmp:
        folder = Path(tmp)
        zip_path = build(folder, args.n)
        base = {k: v for k, v in os.environ.items() if k != "TBGEO_DATABASE_URL"}
        gpkg = _child(zip_path, {**base, "TBGEO_WORKSPACE": str(folder / "ws.gpkg"), "TBGEO_CACHE": str(folder / "c1")})
        name = f"tbgeo_bench_{uuid.uuid4().hex[:8]}"
        with psycopg.connect(ADMIN_URL, autocommit=True) as con:
            con.execute(f'CREATE DATABASE "{name}"')
        url = ADMIN_URL.rsplit("/", 1)[0] + "/" + name
        try:
            pg = _child(zip_path, {**base, "TBGEO_DATABASE_URL": url, "TBGEO_WORKSPACE": str(folder / "unused.gpkg"),
                                   "TBGEO_CACHE": str(folder / "c2")})
        finally:
            with psycopg.connect(ADMIN_URL, autocommit=True) as con:
                con.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    ratios = {k: round(float(pg[k]) / float(gpkg[k]), 2) for k in ("import_total_s", "review_total_s", "map_first_build_s")
              if float(gpkg[k]) > 0}
    print(json.dumps({"benchmark": "store_compare", "polygons": args.n, "gpkg": gpkg, "postgis": pg,
                      "postgis_over_gpkg": ratios, "aim": 1.5, "within_aim": all(r <= 1.5 for r in ratios.values()),
                      "cpus": os.cpu_count()}, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
