"""Helpers for the import tests: run `tbgeo` and parse its JSON, write GeoJSON, find where a vertex landed."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from pyproj import Geod, Transformer

from tbgeo.cli import main
from tbgeo.store.gpkg import GpkgStore

__all__ = ["GEOD", "TO_9209", "TO_WGS", "VN2000_7P", "dist_m", "first_vertex_wgs84", "geojson", "ring", "run"]

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
