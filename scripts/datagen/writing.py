"""6. Writing the files: GeoJSON in EPSG:4326 with fixed rounding, NFC text."""

from __future__ import annotations

import json
import unicodedata
from pathlib import Path

import numpy as np
import shapely
import shapely.affinity
import shapely.ops
from shapely.geometry import mapping

from datagen.common import to_ll


# ------------------------------------------------------------------------------------------------
# 6. writing
# ------------------------------------------------------------------------------------------------
def _nfc(v):
    return unicodedata.normalize("NFC", v) if isinstance(v, str) else v


def _round(obj):
    if isinstance(obj, (list, tuple)):
        if obj and isinstance(obj[0], (int, float)):
            return [round(float(c), 6) for c in obj[:2]]
        return [_round(o) for o in obj]
    return obj


def write_geojson(path: Path, name: str, features: list[tuple[dict, object]]) -> None:
    """GeoJSON (EPSG:4326, 6 decimals), properties in the given order, deterministic bytes."""
    feats = []
    for props, geom_m in features:
        g = to_ll(geom_m)
        if g.geom_type in ("Polygon", "MultiPolygon"):
            g = shapely.transform(g, lambda a: np.round(a, 6))
            if not g.is_valid:
                g = shapely.set_precision(g, 1e-6)
            if g.geom_type == "MultiPolygon" and len(g.geoms) == 1:
                g = g.geoms[0]
        gj = mapping(g)
        feats.append(
            {
                "type": "Feature",
                "properties": {_nfc(k): _nfc(v) for k, v in props.items()},
                "geometry": {"type": gj["type"], "coordinates": _round(gj["coordinates"])},
            }
        )
    doc = {"type": "FeatureCollection", "name": name, "features": feats}
    text = json.dumps(doc, ensure_ascii=False, separators=(",", ":"))
    text = text.replace('{"type":"Feature"', '\n{"type":"Feature"')
    path.write_text(text + "\n", encoding="utf-8")


def km(g) -> float:
    return round(g.length / 1000.0, 2)
