"""Fixtures for the shipped default data (read straight from data/, not through the catalog)."""

from __future__ import annotations

import importlib
import importlib.util
import types
from pathlib import Path

import geopandas as gpd
import pytest

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "data"
LAYERS = ROOT / "layers"
WORK_CRS = "EPSG:9209"


@pytest.fixture(scope="session")
def read_layer():
    cache: dict[str, gpd.GeoDataFrame] = {}

    def _read(name: str, crs: str | None = WORK_CRS) -> gpd.GeoDataFrame:
        key = f"{name}|{crs}"
        if key not in cache:
            gdf = gpd.read_file(DATA / f"{name}.geojson", engine="pyogrio")
            cache[key] = gdf.to_crs(crs) if crs else gdf
        return cache[key]

    return _read


@pytest.fixture(scope="session")
def build_module():
    """scripts/build_data.py and its steps (scripts/datagen/) as one namespace, for their cheap
    building blocks (the facts, ``blob``, ``field_pattern``)."""
    spec = importlib.util.spec_from_file_location("tbgeo_build_data", ROOT / "scripts" / "build_data.py")
    mod = importlib.util.module_from_spec(spec)
    assert spec.loader is not None
    spec.loader.exec_module(mod)  # puts scripts/ on sys.path, so its steps import as datagen.*
    steps = [importlib.import_module(f"datagen.{name}") for name in ("common", "outline", "districts", "sites", "gas", "landuse", "writing")]
    return types.SimpleNamespace(**{k: v for m in [*steps, mod] for k, v in vars(m).items() if not k.startswith("__")})
