"""One site reviewed end to end, in-process, on the shipped catalog: prints JSON with the timings.

End to end = read the site file (GeoJSON), review it against every rule (districts, rice land from
the 20 m land-use raster, parks, zones, gas, stored proposals) and render the JSON report — what
``tbgeo check SITE --format json`` does, without the interpreter start-up. The context (the
catalog's layers) is built once, as the review page caches it; its cold build time is reported
separately, as is the whole ``tbgeo check`` command run in-process.

    python benchmarks/review_single.py [--repeat 20]
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import os
import statistics
import tempfile
import time
from pathlib import Path


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeat", type=int, default=20)
    args = ap.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        os.environ["TBGEO_WORKSPACE"] = str(Path(tmp) / "bench.gpkg")  # never touch the real workspace
        from tbgeo.cli import main as cli
        from tbgeo.review.config import load_config
        from tbgeo.review.context import ReviewContext
        from tbgeo.review.model import SiteAttrs
        from tbgeo.review.run import review_site
        from tbgeo.review.site_input import site_from_file

        site_path = Path(tmp) / "site.geojson"
        # ≈ 350 ha in Kiến Xương, mostly rice land in the shipped illustrative land-use layer
        site_path.write_text(json.dumps({"type": "FeatureCollection", "features": [{
            "type": "Feature", "properties": {"name": "Benchmark site"},
            "geometry": {"type": "Polygon", "coordinates": [[[106.40, 20.45], [106.42, 20.45], [106.42, 20.465],
                                                             [106.40, 20.465], [106.40, 20.45]]]}}]}))
        t0 = time.perf_counter()
        ctx = ReviewContext.from_catalog()
        cfg = load_config()
        cold_context_s = time.perf_counter() - t0

        def once() -> dict:
            site = site_from_file(site_path)
            report = review_site(site.geometry, attrs=SiteAttrs(name="Benchmark site", sector="electronics"),
                                 context=ctx, config=cfg)
            return report.to_dict("vi")

        first = time.perf_counter()
        d = once()
        first_s = time.perf_counter() - first
        times = []
        for _ in range(args.repeat):
            t0 = time.perf_counter()
            once()
            times.append(time.perf_counter() - t0)
        t0 = time.perf_counter()
        with contextlib.redirect_stdout(io.StringIO()):
            rc = cli(["check", str(site_path), "--sector", "electronics", "--format", "json"])
        cli_s = time.perf_counter() - t0
        print(json.dumps({
            "benchmark": "review_single",
            "site_ha": d["site"]["area_ha"],
            "rice_ha": d["rice"]["total_ha"],
            "findings": len(d["findings"]),
            "verdict": d["verdict"],
            "context_build_cold_s": round(cold_context_s, 3),
            "first_review_ms": round(1000 * first_s, 1),
            "review_ms_median": round(1000 * statistics.median(times), 1),
            "review_ms_min": round(1000 * min(times), 1),
            "review_ms_max": round(1000 * max(times), 1),
            "target_ms": 200,
            "cli_check_in_process_ms": round(1000 * cli_s, 1),
            "cli_exit": rc,
        }, indent=2))


if __name__ == "__main__":
    main()
