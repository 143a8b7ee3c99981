"""Province site search, in-process, on the shipped catalog: prints JSON with the timings.

For each case (50 ha and 300 ha at 20 m, 50 ha at 10 m): a cold search (an empty cache folder, so
the distance rasters are built) and warm searches (the same process and cache: distance rasters read
back), each finding and reviewing 10 candidates. The layers (catalog + workspace) are read once, as
the search page caches them; that read is reported separately. The warm result must be identical
to the cold one (windows, scores, polygons, verdicts): ``identical_on_rerun``.

    python benchmarks/search.py [--repeat 3]
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import statistics
import tempfile
import time
from pathlib import Path

CASES = (("electronics", 50.0, 20.0), ("electronics", 300.0, 20.0), ("electronics", 50.0, 10.0))


def _fingerprint(result) -> str:  # type: ignore[no-untyped-def]
    rows = [(c.window.row, c.window.col, c.window.rows, c.window.cols, round(c.score, 9), c.geometry.wkt, c.verdict)
            for c in result.candidates]
    return hashlib.sha256(json.dumps(rows).encode()).hexdigest()


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        os.environ["TBGEO_WORKSPACE"] = str(Path(tmp) / "bench.gpkg")  # never touch the real workspace
        from tbgeo.search import Profile, SearchLayers, search_sites
        from tbgeo.search.grid import DistanceCache

        t0 = time.perf_counter()
        layers = SearchLayers.from_catalog()
        layers_s = time.perf_counter() - t0
        out = []
        for i, (sector, area, cell) in enumerate(CASES):
            os.environ["TBGEO_CACHE"] = str(Path(tmp) / f"cache-{i}")  # cold: nothing cached yet
            profile = Profile(sector, area, gas=True, workforce=2000)
            cache = DistanceCache()
            t0 = time.perf_counter()
            cold = search_sites(profile, layers=layers, cell=cell, cache=cache)
            cold_s = time.perf_counter() - t0
            warm_times, prints = [], []
            for _ in range(args.repeat):
                cache = DistanceCache()
                t0 = time.perf_counter()
                warm = search_sites(profile, layers=layers, cell=cell, cache=cache)
                warm_times.append(time.perf_counter() - t0)
                prints.append(_fingerprint(warm))
                assert cache.misses == 0, "warm search rebuilt a distance raster"
            out.append({
                "sector": sector,
                "area_ha": area,
                "cell_m": cell,
                "grid": [cold.grid.rows, cold.grid.cols],
                "candidates": len(cold.candidates),
                "reviewed": sum(c.report is not None for c in cold.candidates),
                "best_score": round(cold.candidates[0].score, 6) if cold.candidates else None,
                "cold_s": round(cold_s, 3),
                "cold_parts_s": {k: round(v, 3) for k, v in cold.timings.items()},
                "warm_s_median": round(statistics.median(warm_times), 3),
                "warm_s_min": round(min(warm_times), 3),
                "warm_parts_s": {k: round(v, 3) for k, v in warm.timings.items()},
                "target_warm_s": 3.0 if cell >= 20 else 10.0,
                "identical_on_rerun": all(p == _fingerprint(cold) for p in prints),
            })
        print(json.dumps({"benchmark": "search", "layers_read_s": round(layers_s, 3), "repeat": args.repeat,
                          "cases": out}, indent=2))


if __name__ == "__main__":
    main()
