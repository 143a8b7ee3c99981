"""Place search on the shipped catalog: prints JSON with the timings.

Cold crosswalk read (the vietnamadminunits SQLite and conversion JSON, once per process), the search
sources (catalog layers + workspace proposals, read per search in the app), and one search of each
kind (folded name, exact name with the site's location, GSO code, nothing found with suggestions).

    python benchmarks/places_search.py [--repeat 20]
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import statistics
import tempfile
import time


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeat", type=int, default=20)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        os.environ["TBGEO_WORKSPACE"] = os.path.join(tmp, "tbgeo.gpkg")
        from tbgeo.errors import InputError
        from tbgeo.places import crosswalk, load_sources, search
        from tbgeo.places.crosswalk import _load, package_data_dir

        t0 = time.perf_counter()
        cw = _load(package_data_dir())
        cold = time.perf_counter() - t0
        crosswalk()

        def timed(fn) -> float:  # type: ignore[no-untyped-def]
            runs = []
            for _ in range(args.repeat):
                t = time.perf_counter()
                fn()
                runs.append(time.perf_counter() - t)
            return round(statistics.median(runs) * 1000, 2)

        sources_ms = timed(load_sources)
        src = load_sources()

        def miss() -> None:
            with contextlib.suppress(InputError):
                search("Dong Chaux", src)

        print(json.dumps({
            "old_communes": len(cw.communes),
            "new_units": len(cw.new_units),
            "crosswalk_cold_ms": round(cold * 1000, 2),
            "sources_ms": sources_ms,
            "search_folded_ms": timed(lambda: search("Dong Co", src)),
            "search_park_with_location_ms": timed(lambda: search("KCN Tiền Hải", src)),
            "search_code_ms": timed(lambda: search("13003", src)),
            "search_not_found_ms": timed(miss),
            "repeat": args.repeat,
        }))


if __name__ == "__main__":
    main()
