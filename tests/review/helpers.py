"""Helpers for the site-review tests: run `tbgeo check`, hold the store, small stores and rasters."""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import numpy as np
import pytest
from rasterio.transform import from_origin

from tbgeo.cli import main
from tbgeo.store.gpkg import GpkgStore

__all__ = ["check", "half_landuse_raster", "store_with_districts_only"]


def check(capsys: pytest.CaptureFixture[str], *argv: object) -> tuple[int, str, str]:
    """Run `tbgeo check` with these arguments: exit status, standard output, standard error."""
    rc = main(["check", *map(str, argv)])
    out = capsys.readouterr()
    return rc, out.out, out.err


def store_with_districts_only(world_frames: dict[str, gpd.GeoDataFrame]) -> GpkgStore:
    """A store holding one version of the districts layer and no proposal (checked)."""
    ws = GpkgStore.open()
    ws.add_layer_version("districts", world_frames["districts"], source_name="districts.geojson", sha256="0" * 64)
    assert ws.proposals() == [] and ws.proposals_frame().empty
    return ws


def half_landuse_raster(path: Path, W) -> Path:  # type: ignore[no-untyped-def]
    """LUC block values over x 588,000–589,500 only (the west half of RICE): 25 ha LUC, 50 ha of RICE uncovered."""
    arr = np.zeros((100, 150), dtype="uint8")  # 1.5 km × 1 km at 10 m, from x 588,000, y 2,261,000 down
    arr[:, :100] = 1  # x 588,000–589,000: LUC
    return W.write_raster(path, arr, from_origin(588_000, 2_261_000, 10, 10))
