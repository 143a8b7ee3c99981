"""Shared by every step: the facts file, the working CRS and the projection helpers."""

from __future__ import annotations

import tomllib
from pathlib import Path

import numpy as np
import shapely
import shapely.affinity
import shapely.ops
from pyproj import Transformer
from shapely.geometry import Point

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "data"
WORK_CRS = "EPSG:9209"
SEED = 20170815  # date of Decision 2171/QĐ-UBND approving the plan

_FWD = Transformer.from_crs("EPSG:4326", WORK_CRS, always_xy=True)
_INV = Transformer.from_crs(WORK_CRS, "EPSG:4326", always_xy=True)

#: The facts the layers are drawn from (illustrative figures; their sources are in the file's header).
FACTS_PATH = ROOT / "scripts" / "data" / "facts.toml"


def load_facts(path: Path = FACTS_PATH) -> dict:
    """The facts file, parsed (TOML, UTF-8, NFC)."""
    with path.open("rb") as fh:
        return tomllib.load(fh)


FACTS = load_facts()


# ------------------------------------------------------------------------------------------------
# projection helpers
# ------------------------------------------------------------------------------------------------
def to_m(geom):
    """lon/lat geometry -> EPSG:9209 metres."""
    return shapely.transform(geom, lambda a: np.column_stack(_FWD.transform(a[:, 0], a[:, 1])))


def to_ll(geom):
    """EPSG:9209 metres -> lon/lat geometry."""
    return shapely.transform(geom, lambda a: np.column_stack(_INV.transform(a[:, 0], a[:, 1])))


def pt_m(lat: float, lon: float) -> Point:
    x, y = _FWD.transform(lon, lat)
    return Point(x, y)
