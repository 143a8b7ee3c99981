"""A small synthetic province in EPSG:9209 with known answers, for the site-review tests.

Two districts side by side (Kiến Xương west, Tiền Hải east, 10 × 10 km each), an industrial park
and a cluster, the agriculture park, an economic zone (the eastern 5 km), one maize zone, a
high-pressure and a low-pressure pipeline, a gas centre, and a 10 m land-use raster with one
1 km² LUC block (in Kiến Xương) and one 1 km² LUK block (in Tiền Hải) side by side.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import geopandas as gpd
import numpy as np
import pytest
import rasterio
from rasterio.transform import from_origin
from shapely.geometry import LineString, Point, box

from tbgeo.crs import WORK_CRS

X0, Y0, X1, Y1 = 580_000.0, 2_255_000.0, 600_000.0, 2_265_000.0
LUC_BLOCK = box(588_000, 2_260_000, 589_000, 2_261_000)
LUK_BLOCK = box(590_000, 2_260_000, 591_000, 2_261_000)
PARK = box(596_000, 2_258_000, 598_000, 2_260_000)
CLUSTER = box(582_000, 2_258_000, 583_000, 2_259_000)
AGRI = box(584_000, 2_262_000, 585_000, 2_263_000)
EZ = box(595_000, Y0, X1, Y1)
MAIZE = box(586_000, 2_256_000, 588_000, 2_258_000)
HP_PIPE = LineString([(599_000, 2_256_000), (599_000, 2_264_000)])
LP_PIPE = LineString([(592_000, 2_256_000), (592_000, 2_257_000)])
GAS_CENTRE = Point(598_500, 2_256_500)


def frames() -> dict[str, gpd.GeoDataFrame]:
    c = WORK_CRS
    return {
        "districts": gpd.GeoDataFrame(
            {"gso_code": ["343", "344"], "name_vi": ["Kiến Xương", "Tiền Hải"], "name_ascii": ["Kien Xuong", "Tien Hai"]},
            geometry=[box(X0, Y0, 590_000, Y1), box(590_000, Y0, X1, Y1)],
            crs=c,
        ),
        "industrial_parks": gpd.GeoDataFrame(
            {"name": ["KCN Tiền Hải"], "status": ["operating"], "district": ["Tiền Hải"], "in_economic_zone": [True]},
            geometry=[PARK], crs=c,
        ),
        "industrial_clusters": gpd.GeoDataFrame(
            {"name": ["CCN Vũ Lăng"], "status": ["operating"], "district": ["Kiến Xương"], "in_economic_zone": [False]},
            geometry=[CLUSTER], crs=c,
        ),
        "agri_park": gpd.GeoDataFrame(
            {"name": ["KCN chuyên nông nghiệp"], "status": ["building"], "district": ["Kiến Xương"], "in_economic_zone": [False]},
            geometry=[AGRI], crs=c,
        ),
        "economic_zone": gpd.GeoDataFrame({"name": ["Khu kinh tế Thái Bình"]}, geometry=[EZ], crs=c),
        "raw_material_zones": gpd.GeoDataFrame(
            {"name": ["Vùng ngô Kiến Xương"], "district": ["Kiến Xương"], "crop": ["ngô, đỗ tương"]}, geometry=[MAIZE], crs=c
        ),
        "gas_pipelines": gpd.GeoDataFrame(
            {"name": ["Ống cao áp", "Ống thấp áp"], "kind": ["hp_onshore", "lp_network"], "pressure": ["high", "low"],
             "status": ["existing", "planned"]},
            geometry=[HP_PIPE, LP_PIPE], crs=c,
        ),
        "energy_sites": gpd.GeoDataFrame(
            {"name": ["Trung tâm khí Tiền Hải"], "kind": ["gas_centre"], "status": ["existing"]}, geometry=[GAS_CENTRE], crs=c
        ),
    }


def write_raster(path: Path, arr: np.ndarray, transform, crs="EPSG:9209", nodata=255) -> Path:
    with rasterio.open(
        path, "w", driver="GTiff", height=arr.shape[0], width=arr.shape[1], count=1, dtype=arr.dtype,
        crs=crs, transform=transform, nodata=nodata, compress="deflate",
    ) as ds:
        ds.write(arr, 1)
    return path


def world_raster(path: Path) -> Path:
    arr = np.zeros((1000, 2000), dtype="uint8")
    for block, value in ((LUC_BLOCK, 1), (LUK_BLOCK, 2)):
        minx, miny, maxx, maxy = block.bounds
        r0, c0 = int((Y1 - maxy) / 10), int((minx - X0) / 10)
        arr[r0 : r0 + int((maxy - miny) / 10), c0 : c0 + int((maxx - minx) / 10)] = value
    return write_raster(path, arr, from_origin(X0, Y1, 10, 10))


@pytest.fixture(scope="session")
def world_tif(tmp_path_factory) -> Path:
    return world_raster(tmp_path_factory.mktemp("world") / "landuse.tif")


@pytest.fixture(scope="session")
def world_frames() -> dict[str, gpd.GeoDataFrame]:
    return frames()


@pytest.fixture
def ctx(world_frames, world_tif):
    """The review context of the synthetic province (no stored proposals)."""
    import pandas as pd

    from tbgeo.review.context import ReviewContext
    from tbgeo.review.landuse_files import read_raster

    parks = []
    for lid, kind in (("industrial_parks", "park"), ("industrial_clusters", "cluster"), ("agri_park", "agri_park")):
        f = world_frames[lid].copy()
        f["kind"] = kind
        parks.append(f)
    parks = gpd.GeoDataFrame(pd.concat(parks, ignore_index=True), geometry="geometry", crs=WORK_CRS)
    return ReviewContext.from_frames(
        districts=world_frames["districts"],
        parks=parks,
        economic_zone=world_frames["economic_zone"],
        raw_material_zones=world_frames["raw_material_zones"],
        gas_pipelines=world_frames["gas_pipelines"],
        energy_sites=world_frames["energy_sites"],
        landuse=read_raster(world_tif, classes={1: "LUC", 2: "LUK"}),
    )


_LAYER_TOML = """id = "{id}"
title_vi = "{id}"
title_en = "{id}"
group = "{group}"
kind = "{kind}"
source = "{source}"
crs = "{crs}"
citation = "Điều 1, III.3"
provenance_vi = "Dữ liệu thử"
provenance_en = "Test data"
accuracy_vi = "Thử"
accuracy_en = "Test"
{extra}
"""

_GROUPS = {
    "districts": "administrative", "industrial_parks": "industry", "industrial_clusters": "industry",
    "agri_park": "agriculture", "economic_zone": "industry", "raw_material_zones": "agriculture",
    "gas_pipelines": "energy", "energy_sites": "energy",
}


@pytest.fixture
def project(tmp_path, monkeypatch, world_frames, world_tif):
    """A throw-away project folder (layers/, data/, workspace) holding the synthetic province,
    with tbgeo.settings pointed at it, so the CLI and the page read it through the catalog."""
    from tbgeo import settings

    data = tmp_path / "data"
    layers = tmp_path / "layers"
    data.mkdir()
    layers.mkdir()
    for lid, gdf in world_frames.items():
        gdf.to_crs(4326).to_file(data / f"{lid}.geojson", driver="GeoJSON")
        gtype = gdf.geom_type.iloc[0]
        (layers / f"{lid}.toml").write_text(
            _LAYER_TOML.format(id=lid, group=_GROUPS[lid], kind="vector", source=f"data/{lid}.geojson", crs="EPSG:4326",
                               extra=f'geometry_type = "{gtype}"'),
            encoding="utf-8",
        )
    shutil.copyfile(world_tif, data / "landuse.tif")
    shutil.copyfile(settings.DATA_DIR / "sectors.toml", data / "sectors.toml")  # the real sector list
    classes = "\n".join(
        f'[[raster_classes]]\nvalue = {v}\ncode = "{c}"\nlabel_vi = "{c}"\nlabel_en = "{c}"\ncolor = "#000000"\nrice = {r}\n'
        for v, c, r in ((0, "BHK", "false"), (1, "LUC", "true"), (2, "LUK", "true"))
    )
    (layers / "landuse.toml").write_text(
        _LAYER_TOML.format(id="landuse", group="landuse", kind="raster", source="data/landuse.tif", crs="EPSG:9209", extra=classes),
        encoding="utf-8",
    )
    monkeypatch.setattr(settings, "PROJECT_DIR", tmp_path)
    monkeypatch.setattr(settings, "LAYERS_DIR", layers)
    monkeypatch.setattr(settings, "DATA_DIR", data)
    monkeypatch.setenv("TBGEO_WORKSPACE", str(tmp_path / "ws" / "tbgeo.gpkg"))
    monkeypatch.setenv("TBGEO_USER", "tester")
    return tmp_path


def site_geojson(path: Path, geom_9209, name: str = "Khu thử") -> Path:
    """Write a site (given in 9209) as a GeoJSON file in EPSG:4326."""
    gdf = gpd.GeoDataFrame({"name": [name]}, geometry=[geom_9209], crs=WORK_CRS).to_crs(4326)
    path.write_text(gdf.to_json(), encoding="utf-8")
    return path


def load_json(text: str) -> dict:
    return json.loads(text)


class _World:
    """The synthetic province's constants, for tests (importlib mode cannot import conftest)."""

    X0, Y0, X1, Y1 = X0, Y0, X1, Y1
    LUC_BLOCK, LUK_BLOCK, PARK, CLUSTER, AGRI, EZ, MAIZE = LUC_BLOCK, LUK_BLOCK, PARK, CLUSTER, AGRI, EZ, MAIZE
    HP_PIPE, LP_PIPE, GAS_CENTRE = HP_PIPE, LP_PIPE, GAS_CENTRE
    write_raster = staticmethod(write_raster)
    site_geojson = staticmethod(site_geojson)


@pytest.fixture(scope="session")
def W() -> type[_World]:
    return _World
