#!/usr/bin/env python
"""Build the shipped default data in ``data/`` (illustrative, deterministic, no network).

Every layer written here is *illustrative*: it is drawn from the numbers in the project's facts
sheet (extreme points, district bounding boxes and centroids, official areas, the "who borders whom"
table, the locations named for parks, clusters, the economic zone and the gas system), not surveyed.
Those numbers are in ``scripts/data/facts.toml`` (its header says where they come from); this
script and its steps in scripts/datagen/ (outline, districts, sites, gas, landuse, writing) hold
only how the layers are drawn from them.
Running the script twice gives byte-identical files (fixed seeds, sorted output, fixed rounding).

    .venv/bin/python scripts/build_data.py            # writes data/*.geojson and data/landuse.tif
    .venv/bin/python scripts/build_data.py --check    # also prints the verification table

Working CRS is EPSG:9209 (VN-2000 / TM-3 105-30); GeoJSON is written in EPSG:4326, 6 decimals.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np
from shapely.geometry import LineString
from shapely.ops import unary_union

sys.path.insert(0, str(Path(__file__).resolve().parent))  # the steps, in scripts/datagen/

from datagen.common import DATA, FACTS, pt_m  # noqa: E402
from datagen.districts import ADJACENCY, DISTRICTS, KEYS, partition, polygonize  # noqa: E402
from datagen.gas import gas_and_power  # noqa: E402
from datagen.landuse import LUC, LUK, NODATA, build_landuse, write_landuse  # noqa: E402
from datagen.outline import DIEM_HO, TRA_LY, build_outline, line_m  # noqa: E402
from datagen.sites import (  # noqa: E402
    RIVERS,
    TOWN_RADIUS_DEFAULT_M,
    TOWN_RADIUS_M,
    economic_zone,
    place_sites,
    raw_material_zones,
)
from datagen.writing import km, write_geojson  # noqa: E402


# ------------------------------------------------------------------------------------------------
# 7. main
# ------------------------------------------------------------------------------------------------
def adjacency(polys: dict) -> dict:
    adj = {k: set() for k in polys}
    keys = list(polys)
    for i, a in enumerate(keys):
        for b in keys[i + 1 :]:
            if polys[a].boundary.intersection(polys[b].boundary).length > 100.0:
                adj[a].add(b)
                adj[b].add(a)
    return adj


def build(out_dir: Path = DATA, verbose: bool = True) -> dict:
    out_dir.mkdir(parents=True, exist_ok=True)
    log = print if verbose else (lambda *a, **k: None)
    outline, coast, arcs = build_outline()
    tra, diem = line_m(TRA_LY), line_m(DIEM_HO)
    lab, tr, _, _, _ = partition(outline, tra)
    polys = dict(zip(KEYS, polygonize(lab, tr, outline)))
    adj = adjacency(polys)
    if adj != ADJACENCY:
        raise SystemExit(f"adjacency differs from the facts table: {adj}")
    for d in DISTRICTS:
        if not polys[d["key"]].contains(pt_m(*d["seat_lat_lon"])):
            raise SystemExit(f"seat of {d['name_vi']} outside its unit")

    drawn = {"hong": arcs["hong"], "luoc": arcs["luoc"], "hoa": arcs["hoa"], "tra_ly": tra, "diem_ho": diem}
    rivers = []
    for r in RIVERS:
        geom = drawn[r["line"]]
        if r.get("against_flow", False):
            geom = LineString(list(geom.coords)[::-1])
        rivers.append({"name": r["name"], "geom": geom, "width_m": r["width_m"]})
    river_buf = unary_union([r["geom"].buffer(r["width_m"] / 2 + 40.0) for r in rivers])
    seats = [(pt_m(*d["seat_lat_lon"]), TOWN_RADIUS_M.get(d["key"], TOWN_RADIUS_DEFAULT_M)) for d in DISTRICTS]
    town_buf = unary_union([p.buffer(r + 60.0) for p, r in seats])
    sites = place_sites(polys, unary_union([river_buf, town_buf]), [])
    kkt = economic_zone(polys, coast, sites, tra)
    excluded = unary_union(
        [
            kkt.buffer(200.0),
            unary_union([s["geom"] for s in sites]).buffer(300.0),
            town_buf.buffer(300.0),
            river_buf.buffer(100.0),
        ]
    )
    raw = raw_material_zones(polys, excluded)
    fields, lines, energy = gas_and_power(outline, coast, sites, polys)

    # ---- write vectors
    write_geojson(
        out_dir / "districts.geojson",
        "districts",
        [
            (
                {
                    "gso_code": d["gso_code"],
                    "name_vi": d["name_vi"],
                    "name_ascii": d["name_ascii"],
                    "unit_type": d["unit_type"],
                    "area_km2": d["area_km2"],
                    "seat_name": d["seat_name"],
                    "seat_lat": d["seat_lat_lon"][0],
                    "seat_lon": d["seat_lat_lon"][1],
                },
                polys[d["key"]],
            )
            for d in DISTRICTS
        ],
    )

    def site_props(s):
        return {
            "name": s["name"],
            "status": s["status"],
            "area_ha": s["area_ha"],
            "district": s["district"],
            "in_economic_zone": s["in_economic_zone"],
            "note": s["note"],
        }

    write_geojson(
        out_dir / "industrial_parks.geojson",
        "industrial_parks",
        [(site_props(s), s["geom"]) for s in sites if s["kind"] == "park"],
    )
    write_geojson(
        out_dir / "industrial_clusters.geojson",
        "industrial_clusters",
        [(site_props(s), s["geom"]) for s in sites if s["kind"] == "cluster"],
    )
    write_geojson(
        out_dir / "agri_park.geojson",
        "agri_park",
        [(site_props(s), s["geom"]) for s in sites if s["kind"] == "agri"],
    )
    write_geojson(
        out_dir / "economic_zone.geojson",
        "economic_zone",
        [({k: FACTS["economic_zone"][k] for k in ("name", "area_ha", "decision")}, kkt)],
    )
    write_geojson(
        out_dir / "raw_material_zones.geojson",
        "raw_material_zones",
        [
            (
                {
                    "name": z["name"],
                    "district": z["district"],
                    "crop": z["crop"],
                    "area_ha": round(z["geom"].area / 1e4, 1),
                },
                z["geom"],
            )
            for z in raw
        ],
    )
    write_geojson(
        out_dir / "gas_fields.geojson",
        "gas_fields",
        [
            (
                {"name": f["name"], "operator": f["operator"], "status": f["status"], "note": f["note"]},
                f["geom"],
            )
            for f in fields
        ],
    )
    write_geojson(
        out_dir / "gas_pipelines.geojson",
        "gas_pipelines",
        [
            (
                {
                    "name": ln["name"],
                    "kind": ln["kind"],
                    "pressure": ln["pressure"],
                    "status": ln["status"],
                    "length_km": km(ln["geom"]),
                    "citation": ln["citation"],
                },
                ln["geom"],
            )
            for ln in lines
        ],
    )
    write_geojson(
        out_dir / "energy_sites.geojson",
        "energy_sites",
        [
            (
                {
                    "name": e["name"],
                    "kind": e["kind"],
                    "status": e["status"],
                    "capacity_mw": e.get("capacity_mw"),
                    "note": e["note"],
                },
                e["geom"],
            )
            for e in energy
        ],
    )
    write_geojson(
        out_dir / "rivers.geojson",
        "rivers",
        [
            ({"name": r["name"], "width_m": r["width_m"], "length_km": km(r["geom"])}, r["geom"])
            for r in rivers
        ],
    )
    write_geojson(
        out_dir / "coastline.geojson",
        "coastline",
        [({"name": FACTS["coastline"]["name"], "length_km": km(coast)}, coast)],
    )

    # ---- raster
    arr, rtr = build_landuse(outline, coast, rivers, sites, raw, seats)
    write_landuse(out_dir / "landuse.tif", arr, rtr)

    land = arr != NODATA
    summary = {
        "outline_km2": outline.area / 1e6,
        "coast_km": coast.length / 1000,
        "districts": {d["name_vi"]: (round(polys[d["key"]].area / 1e6, 1), d["area_km2"]) for d in DISTRICTS},
        "parks": {s["name"]: (round(s["geom"].area / 1e4, 1), s["area_ha"]) for s in sites},
        "kkt_ha": round(kkt.area / 1e4, 1),
        "raw": {z["name"]: round(z["geom"].area / 1e4, 1) for z in raw},
        "pipelines": {ln["name"]: km(ln["geom"]) for ln in lines},
        "rice_share": float(np.isin(arr[land], (LUC, LUK)).mean()),
        "luc_share": float((arr[land] == LUC).mean()),
        "classes": {int(k): float((arr[land] == k).mean()) for k in range(7)},
    }
    log(json.dumps(summary, ensure_ascii=False, indent=1))
    return summary


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", type=Path, default=DATA, help="output folder (default: data/)")
    ap.add_argument("--quiet", action="store_true")
    args = ap.parse_args(argv)
    build(args.out, verbose=not args.quiet)
    return 0


if __name__ == "__main__":
    sys.exit(main())
