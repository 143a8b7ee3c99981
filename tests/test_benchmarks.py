"""The store benchmarks of issue 12 §4 still run and say what they measured (a small run of each, on
both stores): a benchmark broken by a later change is found by the suite, not by the next person
who needs the figures. Their speed is not judged here."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from tests.pgserver import need_server

ROOT = Path(__file__).resolve().parents[1]


def _bench(*argv: str) -> dict:  # type: ignore[type-arg]
    need_server()
    env = {k: v for k, v in os.environ.items() if k != "TBGEO_DATABASE_URL"}
    done = subprocess.run([sys.executable, str(ROOT / "benchmarks" / argv[0]), *argv[1:]], capture_output=True,
                          text=True, env=env, cwd=ROOT, timeout=300, check=False)
    assert done.returncode == 0, done.stderr[-3000:]
    return dict(json.loads(done.stdout))


def test_store_compare_imports_reviews_and_maps_on_both_stores() -> None:
    out = _bench("store_compare.py", "--n", "300")
    assert (out["polygons"], out["gpkg"]["store"], out["postgis"]["store"]) == (300, "gpkg", "postgis")
    for run in (out["gpkg"], out["postgis"]):
        assert run["features"] == 300 and run["verdict"] in ("ok", "warn", "block")
        assert run["import_total_s"] > 0 and run["map_first_build_s"] > 0
    assert set(out["postgis_over_gpkg"]) == {"import_total_s", "review_total_s", "map_first_build_s"}


def test_the_load_run_loses_no_update_on_either_store() -> None:
    out = _bench("load.py", "--sessions", "3", "--seconds", "3")
    assert [r["store"] for r in out["runs"]] == ["gpkg", "postgis"]
    for run in out["runs"]:
        assert run["sessions"] == 3 and run["operations"] > 0 and run["lost_updates"] == 0, run
        assert run["errors"] == {}, run["errors"]
        assert run["proposals"] > 0 and run["loops"] > 0
