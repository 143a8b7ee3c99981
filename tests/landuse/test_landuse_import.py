"""Official land-use polygons replace the illustrative land-use raster: import, rice check, map/print raster."""

from __future__ import annotations

import json
from pathlib import Path

import geopandas as gpd
import numpy as np
import pytest
import rasterio
import shapely

from tbgeo import diskcache, settings
from tbgeo.catalog import load_catalog
from tbgeo.cli import main
from tbgeo.review.landuse import raster_path

# four 1 km × 0.5 km parcels south-west of Thái Bình city (EPSG:9209 metres)
X0, Y0 = 580_000, 2_255_000
PARCELS = [
    ("luc ", shapely.box(X0, Y0, X0 + 1000, Y0 + 500)),
    ("LUK", shapely.box(X0 + 1000, Y0, X0 + 2000, Y0 + 500)),
    ("SKK", shapely.box(X0, Y0 + 500, X0 + 1000, Y0 + 1000)),
    ("ODT", shapely.box(X0 + 1000, Y0 + 500, X0 + 2000, Y0 + 1000)),
]


def _landuse_file(folder: Path, column: str = "MaDat") -> Path:
    path = folder / "hien_trang.geojson"
    gdf = gpd.GeoDataFrame({column: [c for c, _ in PARCELS], "DienTich": [50.0] * 4},
                           geometry=[g for _, g in PARCELS], crs="EPSG:9209")
    gdf.to_crs(4326).to_file(path, driver="GeoJSON")
    return path


def test_import_landuse_polygons_and_use_them(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    src = _landuse_file(tmp_path)
    assert main(["import", str(src), "--layer", "landuse", "--format", "json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert (out["layer"], out["version"], out["features_out"]) == ("landuse", 1, 4)

    # the rice check reads the polygons: a site over half of the LUC and half of the LUK parcel
    site = tmp_path / "site.geojson"
    gpd.GeoDataFrame({"name": ["Khu thử"]}, geometry=[shapely.box(X0 + 500, Y0, X0 + 1500, Y0 + 500)],
                     crs="EPSG:9209").to_crs(4326).to_file(site, driver="GeoJSON")
    rc = main(["check", str(site), "--format", "json", "--no-proposals"])
    report = json.loads(capsys.readouterr().out)
    assert rc == (1 if report["verdict"] == "block" else 0), [f for f in report["findings"] if f["severity"] == "block"]
    assert report["context"]["sources"]["landuse"] == "workspace:landuse@v1"
    rice = report["rice"]
    assert rice["luc_ha"] == pytest.approx(25.0, rel=1e-4)
    assert rice["luk_ha"] == pytest.approx(25.0, rel=1e-4)
    assert rice["unknown_ha"] == pytest.approx(0.0, abs=0.01)

    # the map and the printer draw the same polygons as the classified raster (LUC 1, LUK 2, SKK 3, ODT 4)
    layer = load_catalog().get("landuse")
    tif = raster_path(layer)
    assert layer.active_version() is not None
    # cached in tbgeo's cache folder, never beside the store (issue 12 §1)
    assert tif != layer.path and tif.name.startswith("landuse-v1-") and tif.suffix == ".tif"
    assert tif.parent == diskcache.cache_dir() / "landuse" and settings.workspace_path().parent not in tif.parents
    with rasterio.open(tif) as ds:
        assert ds.crs.to_epsg() == 9209 and ds.res == (20.0, 20.0)
        values = [int(next(ds.sample([(x, y)]))[0]) for x, y in (
            (X0 + 500, Y0 + 250), (X0 + 1500, Y0 + 250), (X0 + 500, Y0 + 750), (X0 + 1500, Y0 + 750), (X0 - 500, Y0 - 500))]
    assert values == [1, 2, 3, 4, 255]
    # another code → value table in layers/landuse.toml makes another raster, not the old one again
    import dataclasses

    swapped = dataclasses.replace(layer, raster_classes=tuple(
        dataclasses.replace(c, value={1: 2, 2: 1}.get(c.value, c.value)) for c in layer.raster_classes))
    tif2 = raster_path(swapped)
    assert tif2 != tif
    with rasterio.open(tif2) as ds:
        assert [int(next(ds.sample([(x, y)]))[0]) for x, y in ((X0 + 500, Y0 + 250), (X0 + 1500, Y0 + 250))] == [2, 1]
    # rolling back returns the map to the shipped raster
    assert main(["rollback", "landuse", "shipped"]) == 0
    assert raster_path(load_catalog().get("landuse")) == layer.path


def test_landuse_without_code_column_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    src = tmp_path / "no_code.geojson"
    gpd.GeoDataFrame({"Ten": ["a", "b"]}, geometry=[g for _, g in PARCELS[:2]], crs="EPSG:9209").to_crs(4326).to_file(
        src, driver="GeoJSON")
    assert main(["import", str(src), "--layer", "landuse"]) == 2
    err = capsys.readouterr()
    assert "Tệp không có cột mã loại đất" in err.out + err.err
    from tbgeo.store.gpkg import GpkgStore

    assert GpkgStore.open().versions("landuse") == []


def test_unknown_codes_take_the_other_class() -> None:
    from tbgeo.review.landuse import class_values

    layer = load_catalog().get("landuse")
    assert list(class_values(layer, ["LUC", "LUN", "SKN", "TSL", "DGT", None])) == [1, 2, 3, 6, 0, 0]
    assert class_values(layer, []).dtype == np.uint8
