"""Known answers for exact rice areas: 9209 and 4326 rasters, fractional pixels, vector layers."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pytest
import shapely
from rasterio.transform import from_origin
from shapely.affinity import rotate
from shapely.geometry import box

from tbgeo.crs import WORK_CRS
from tbgeo.errors import InputError
from tbgeo.review.codes import find_code_column
from tbgeo.review.landuse_files import read_raster
from tbgeo.review.site_input import open_landuse
from tbgeo.review.zonal import RasterLanduse, VectorLanduse, cell_areas_9209

# 10 × 10 raster of 10 m cells; a 3 × 3 block of LUC (value 1) in rows 2–4, columns 3–5
OX, OY = 590_000.0, 2_260_100.0
IN_PARK = box(596_500, 2_258_500, 597_500, 2_259_500)  # 100 ha, no rice
BLOCK = box(OX + 30, OY - 50, OX + 60, OY - 20)


@pytest.fixture
def small_tif(tmp_path, W):
    arr = np.zeros((10, 10), dtype="uint8")
    arr[2:5, 3:6] = 1
    arr[7, 7] = 2
    arr[0, 0] = 255  # nodata
    return W.write_raster(tmp_path / "small.tif", arr, from_origin(OX, OY, 10, 10))


def test_site_on_the_block_is_nine_cells(small_tif):
    (a,) = read_raster(small_tif).areas([BLOCK])
    assert a.luc_m2 == pytest.approx(9 * 100.0, rel=1e-9)
    assert a.luk_m2 == 0.0
    assert a.rice_ha == pytest.approx(0.09)
    assert a.share == pytest.approx(1.0)


def test_half_covered_pixels_count_by_fraction(small_tif):
    # x from the middle of column 4 to the end of column 5: 1.5 columns × 3 rows of LUC
    site = box(OX + 45, OY - 50, OX + 60, OY - 20)
    (a,) = read_raster(small_tif).areas([site])
    assert a.luc_m2 == pytest.approx(450.0, rel=1e-9)
    # a site over the block's corner and the LUK cell, plus some plain cells
    site2 = box(OX + 55, OY - 80, OX + 75, OY - 45)  # 20 × 35 m
    (b,) = read_raster(small_tif).areas([site2])
    assert b.luc_m2 == pytest.approx(BLOCK.intersection(site2).area, rel=1e-9)  # 5 × 5 = 25 m²
    assert b.luk_m2 == pytest.approx(box(OX + 70, OY - 80, OX + 80, OY - 70).intersection(site2).area)
    assert b.known_m2 == pytest.approx(site2.area)


def test_rotated_site_matches_exact_geometry(small_tif):
    site = rotate(box(OX + 25, OY - 62, OX + 72, OY - 12), 23.0)
    (a,) = read_raster(small_tif).areas([site])
    assert a.luc_m2 == pytest.approx(BLOCK.intersection(site).area, rel=1e-9)


def test_nodata_and_outside_are_unknown(small_tif):
    # 5 m beyond the raster's west edge and over the nodata cell (0,0)
    site = box(OX - 5, OY - 10, OX + 10, OY)
    (a,) = read_raster(small_tif).areas([site])
    assert a.site_m2 == pytest.approx(150.0)
    assert a.known_m2 == pytest.approx(0.0)
    assert a.unknown_ha == pytest.approx(0.015)


def test_class_table_override(small_tif):
    (a,) = read_raster(small_tif, classes={2: "LUC"}).areas([box(OX, OY - 100, OX + 100, OY)])
    assert a.luc_m2 == pytest.approx(100.0)  # only the single value-2 cell
    assert a.luk_m2 == 0.0


# -- geographic rasters ----------------------------------------------------------------------------
def _geo_raster(tmp_path, W, d=0.0001):
    """50 × 50 cells of d degrees at 106.30 E / 20.45 N; LUC in rows and columns 10–29."""
    arr = np.zeros((50, 50), dtype="uint8")
    arr[10:30, 10:30] = 1
    lon0, lat0 = 106.30, 20.45
    path = W.write_raster(tmp_path / "geo.tif", arr, from_origin(lon0, lat0, d, d), crs="EPSG:4326")
    block_ll = box(lon0 + 10 * d, lat0 - 30 * d, lon0 + 30 * d, lat0 - 10 * d)
    block = gpd.GeoSeries([shapely.segmentize(block_ll, d / 20)], crs=4326).to_crs(WORK_CRS).iloc[0]
    return path, block


def test_geographic_raster_gives_true_ground_area(tmp_path, W):
    path, block = _geo_raster(tmp_path, W)
    src = read_raster(path)
    assert not src.is_work_crs
    # whole block: ≈ 20 × 10.43 m by 20 × 11.07 m ≈ 4.6 ha — nothing like square degrees
    (a,) = src.areas([block.buffer(30, join_style="mitre")])
    assert a.luc_m2 == pytest.approx(block.area, rel=1e-4)
    assert 4.0 < a.luc_ha < 5.0
    # a rotated site of more than 1 ha over part of the block: within 0.5 % of the exact answer
    c = block.centroid
    site = rotate(box(c.x - 20, c.y - 150, c.x + 120, c.y + 40), 17.0)
    assert site.area > 10_000
    (b,) = src.areas([site])
    exact = block.intersection(site).area
    assert b.luc_m2 == pytest.approx(exact, rel=0.005)
    assert b.luc_m2 == pytest.approx(exact, rel=2e-4)  # in fact far better
    assert b.known_m2 == pytest.approx(site.area, rel=2e-4)


def test_cell_areas_of_geographic_grid(W):
    from pyproj import CRS, Geod

    transform = from_origin(106.30, 20.45, 0.001, 0.001)
    rows, cols = np.array([0, 10, 10]), np.array([0, 0, 5])
    areas = cell_areas_9209(transform, CRS.from_epsg(4326), rows, cols)
    geod = Geod(ellps="WGS84")
    for r, c, a in zip(rows, cols, areas):
        lon, lat = 106.30 + c * 0.001, 20.45 - r * 0.001
        ell, _ = geod.polygon_area_perimeter([lon, lon + 0.001, lon + 0.001, lon], [lat, lat, lat - 0.001, lat - 0.001])
        # TM-3 grid area vs ellipsoidal area: equal up to the zone's scale factor (≈ 1 ± 1e-4)²
        assert a == pytest.approx(abs(ell), rel=5e-4)


def test_same_raster_in_4326_gives_same_hectares(tmp_path, W):
    """A 9209 raster warped to EPSG:4326 (≈ 1 m cells) measures the same rice land within 0.5 %."""
    import rasterio
    from rasterio.warp import Resampling, calculate_default_transform, reproject

    arr = np.zeros((50, 50), dtype="uint8")
    arr[10:40, 10:40] = 1  # 300 × 300 m = 9 ha of LUC
    arr[10:40, 40:45] = 2  # 50 × 300 m = 1.5 ha of LUK
    ox, oy = 588_000.0, 2_261_000.0
    src_path = W.write_raster(tmp_path / "m.tif", arr, from_origin(ox, oy, 10, 10))
    dst_path = tmp_path / "deg.tif"
    with rasterio.open(src_path) as src:
        tr, w, h = calculate_default_transform(src.crs, "EPSG:4326", src.width, src.height, *src.bounds, resolution=1e-5)
        out = np.full((h, w), 255, dtype="uint8")
        reproject(rasterio.band(src, 1), out, dst_transform=tr, dst_crs="EPSG:4326", resampling=Resampling.nearest,
                  dst_nodata=255)
    W.write_raster(dst_path, out, tr, crs="EPSG:4326")
    sites = [
        box(ox + 50, oy - 450, ox + 460, oy - 50),  # whole blocks with margin: 16.81 ha
        rotate(box(ox + 150, oy - 350, ox + 420, oy - 150), 30.0),  # ≈ 5.4 ha across both classes
    ]
    m = read_raster(src_path).areas(sites)
    d = read_raster(dst_path).areas(sites)
    assert m[0].luc_ha == pytest.approx(9.0, rel=1e-9) and m[0].luk_ha == pytest.approx(1.5, rel=1e-9)
    for a, b in zip(m, d):
        assert b.luc_ha == pytest.approx(a.luc_ha, rel=0.005)
        assert b.luk_ha == pytest.approx(a.luk_ha, rel=0.005)
        assert b.rice_ha == pytest.approx(a.rice_ha, rel=0.005)


# -- vector layers --------------------------------------------------------------------------------
@pytest.fixture
def parcels():
    """Five 100 m parcels south-west at (590000, 2260000); the code column is named MDSD."""
    cells = [(0, 0), (100, 0), (200, 0), (0, 100), (100, 100)]
    return gpd.GeoDataFrame(
        {"MDSD": ["LUC", "LUK", "ODT", "LUN", "luc "], "TEN": list("abcde"), "dien_tich": [1.0, 2.0, 3.0, 4.0, 5.0]},
        geometry=[box(590_000 + x, 2_260_000 + y, 590_100 + x, 2_260_100 + y) for x, y in cells],
        crs=WORK_CRS,
    )


def test_code_column_found_by_values(parcels):
    assert find_code_column(parcels) == "MDSD"
    with pytest.raises(InputError) as err:
        find_code_column(parcels[["TEN", "geometry"]])
    assert err.value.key == "review.landuse.no_code_column"


@pytest.mark.parametrize("epsg", [9209, 4326])
def test_vector_landuse_areas(parcels, epsg):
    src = VectorLanduse(parcels.to_crs(epsg))
    site = box(590_050, 2_260_050, 590_250, 2_260_150)  # 200 × 100 m
    (a,) = src.areas([site])
    rel = 1e-9 if epsg == 9209 else 1e-4
    # LUC: 50×50 of parcel a + 100×50 of parcel e ("luc "); LUK: 100×50 of b + 50×50 of d (LUN)
    assert a.luc_m2 == pytest.approx(7500.0, rel=rel)
    assert a.luk_m2 == pytest.approx(7500.0, rel=rel)
    assert a.by_code_m2["ODT"] == pytest.approx(2500.0, rel=rel)
    # the part over no parcel (x 200–250, y 100–150) is unknown
    assert a.unknown_ha == pytest.approx(0.25, rel=1e-3)
    assert a.rice_ha == pytest.approx(1.5, rel=rel)


def test_open_landuse_detects_kind(tmp_path, small_tif, parcels):
    path = tmp_path / "lu.gpkg"
    parcels.to_file(path, driver="GPKG")
    assert isinstance(open_landuse(path), VectorLanduse)
    assert isinstance(open_landuse(small_tif, classes={1: "LUC"}), RasterLanduse)
    with pytest.raises(InputError) as err:
        open_landuse(tmp_path / "none.tif")
    assert err.value.key == "review.landuse.missing"


def test_geographic_weights_grid_matches_cell_by_cell(tmp_path, W):
    """The fast path (weights grid inside exactextract) equals the cell-by-cell path; a site on value-0
    cells only (where weighted sums cannot give the total) falls back to the cell-by-cell path."""
    path, block = _geo_raster(tmp_path, W)
    src = read_raster(path)
    c = block.centroid
    sites = [
        rotate(box(c.x - 20, c.y - 150, c.x + 120, c.y + 40), 17.0),
        box(c.x - 400, c.y - 300, c.x + 300, c.y + 250),  # reaches past the raster's edge
        box(c.x - 190, c.y + 120, c.x - 130, c.y + 180),  # only plain (value 0) cells, inside the raster
    ]
    frame = src._frame(sites)
    fast = src.areas(sites)
    slow = src._areas_per_cell(frame, [s.area for s in sites], list(range(len(sites))))
    for a, b in zip(fast, slow):
        assert a.luc_m2 == pytest.approx(b.luc_m2, rel=1e-6, abs=1e-6)
        assert a.known_m2 == pytest.approx(b.known_m2, rel=1e-6)
        assert a.by_code_m2.get("OTHER", 0.0) == pytest.approx(b.by_code_m2.get("OTHER", 0.0), rel=1e-6, abs=1e-6)
    assert fast[2].luc_m2 == 0.0 and fast[2].known_m2 == pytest.approx(sites[2].area, rel=1e-4)
    assert fast[1].unknown_ha > 0  # the part beyond the raster


def test_vector_landuse_with_no_polygons_knows_nothing():
    empty = gpd.GeoDataFrame({"loai_dat": []}, geometry=gpd.GeoSeries([], crs=WORK_CRS))
    (a,) = VectorLanduse(empty, code_column="loai_dat").areas([IN_PARK])
    assert (a.site_m2, a.known_m2, a.rice_ha) == (pytest.approx(1e6), 0.0, 0.0)
