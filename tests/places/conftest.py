"""Fixtures: a 2025 commune boundary file with GSO codes in a column of another name."""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture()
def commune_file(tmp_path: Path) -> Path:
    """Two squares in EPSG:9209 around KCN Tiền Hải: xã Đồng Châu (13003, east) and xã Tiền Hải
    (12970, west); codes as integers in ``MA_XA``."""
    import geopandas as gpd
    import shapely

    from tbgeo.catalog import load_catalog

    ip = load_catalog().get("industrial_parks").read(crs=9209)
    c = ip[ip["name"] == "KCN Tiền Hải"].geometry.iloc[0].centroid
    east = shapely.box(c.x - 3000, c.y - 3000, c.x + 3000, c.y + 3000)
    west = shapely.box(c.x - 9000, c.y - 3000, c.x - 3000, c.y + 3000)
    path = tmp_path / "xa_2025.gpkg"
    gpd.GeoDataFrame({"TEN": ["Đồng Châu", "Tiền Hải"], "MA_XA": [13003, 12970]}, geometry=[east, west], crs=9209).to_file(path)
    return path


@pytest.fixture()
def imported_communes(commune_file: Path) -> Path:
    from tbgeo.cli import main

    assert main(["import", str(commune_file), "--layer", "communes_2025"]) == 0
    return commune_file
