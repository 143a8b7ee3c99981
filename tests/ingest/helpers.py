"""Helpers for the import tests: run `tbgeo` and parse its JSON, write GeoJSON, find where a vertex landed."""

from __future__ import annotations

import json
from pathlib import Path

import geopandas as gpd
import pytest
from pyproj import Geod, Transformer
from shapely import affinity
from shapely.geometry import Polygon, mapping

from tbgeo.cli import main
from tbgeo.store.gpkg import GpkgStore

__all__ = ["GEOD", "TO_9209", "TO_WGS", "VN2000_7P", "NEW", "dist_m", "first_vertex_wgs84", "geojson", "ring", "run",
           "three", "write"]

GEOD = Geod(ellps="WGS84")


TO_WGS = Transformer.from_crs(9209, 4326, always_xy=True)


TO_9209 = Transformer.from_crs(4326, 9209, always_xy=True)


VN2000_7P = "-191.90441429,-39.30318279,-111.45032835,-0.00928836,0.01975479,-0.00427372,0.252906278"


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, dict | None, str, str]:
    rc = main(list(argv))
    out, err = capsys.readouterr()
    data = json.loads(out) if out.strip().startswith("{") else None
    return rc, data, err, out


def dist_m(a: tuple[float, float], b: tuple[float, float]) -> float:
    return GEOD.inv(a[0], a[1], b[0], b[1])[2]


def first_vertex_wgs84(ws: Path, layer: str = "industrial_parks", version: int = 1) -> tuple[float, float]:
    g = GpkgStore.open(ws).read_version(layer, version).to_crs(4326).geometry.iloc[0]
    g = g.geoms[0] if g.geom_type.startswith("Multi") else g
    return g.exterior.coords[0] if g.geom_type == "Polygon" else g.coords[0]


def geojson(path: Path, rings: list[list[tuple[float, float]]], *, crs_member: str | None = None) -> Path:
    feats = [
        {"type": "Feature", "properties": {"name": f"KCN {i}"}, "geometry": {"type": "Polygon", "coordinates": [r]}}
        for i, r in enumerate(rings)
    ]
    doc: dict = {"type": "FeatureCollection", "features": feats}
    if crs_member:
        doc = {"type": "FeatureCollection", "crs": {"type": "name", "properties": {"name": crs_member}}, "features": feats}
    path.write_text(json.dumps(doc, ensure_ascii=False), "utf-8")
    return path


def ring(poly) -> list[tuple[float, float]]:  # type: ignore[no-untyped-def]
    return [tuple(c) for c in poly.exterior.coords]


#: A 500 m square in Tiền Hải, where no shipped park is.
NEW = Polygon([(106.300, 20.400), (106.305, 20.400), (106.305, 20.405), (106.300, 20.405)])


def write(path: Path, feats: list[tuple[dict, object]]) -> Path:
    """A GeoJSON (WGS 84, no "crs": the format's default) of (properties, geometry) pairs."""
    doc = {"type": "FeatureCollection",
           "features": [{"type": "Feature", "properties": p, "geometry": mapping(g)} for p, g in feats]}
    path.write_text(json.dumps(doc, ensure_ascii=False), "utf-8")
    return path


def three(tmp_path: Path, shipped: gpd.GeoDataFrame) -> Path:
    """Three parks: one shipped park as it is, one shipped park moved 100 m east, one new park."""
    same, moved = shipped.iloc[0], shipped.iloc[3]
    return write(tmp_path / "ba_kcn.geojson", [
        ({"name": same["name"], "status": same["status"], "area_ha": same["area_ha"], "district": same["district"],
          "in_economic_zone": bool(same["in_economic_zone"]), "note": same["note"]}, same.geometry),
        ({"name": moved["name"], "status": moved["status"], "area_ha": moved["area_ha"]},
         affinity.translate(moved.geometry, xoff=0.001)),
        ({"name": "KCN Mới", "status": "Quy hoạch", "area_ha": 30.0}, NEW),
    ])  # fmt: skip
