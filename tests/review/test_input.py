"""Proposing a site: files (GeoJSON, KML, zipped shapefile), typed corners (with swap detection), drawings."""

from __future__ import annotations

import zipfile

import geopandas as gpd
import pytest
from pyproj import Transformer
from shapely.geometry import box

from tbgeo.crs import WORK_CRS
from tbgeo.errors import InputError
from tbgeo.review.site_input import (
    note_text,
    parse_points,
    site_from_coordinates,
    site_from_draw_event,
    site_from_file,
)

SITE = box(590_000, 2_260_000, 590_400, 2_260_250)  # 10 ha
TO_LL = Transformer.from_crs(9209, 4326, always_xy=True)


def _ll_corners():
    return [TO_LL.transform(x, y) for x, y in list(SITE.exterior.coords)[:-1]]


# -- files ----------------------------------------------------------------------------------------
def test_geojson_file(tmp_path, W):
    s = site_from_file(W.site_geojson(tmp_path / "s.geojson", SITE, name="Nhà máy A"))
    assert s.geometry.area == pytest.approx(SITE.area, rel=1e-4)
    assert s.geometry.symmetric_difference(SITE).area < 0.001 * SITE.area
    assert s.name == "Nhà máy A" and s.crs == "EPSG:4326" and s.notes == ()


def test_kml_file(tmp_path):
    coords = " ".join(f"{lon},{lat},0" for lon, lat in _ll_corners() + _ll_corners()[:1])
    kml = tmp_path / "s.kml"
    kml.write_text(
        '<?xml version="1.0" encoding="UTF-8"?><kml xmlns="http://www.opengis.net/kml/2.2"><Document>'
        f"<Placemark><name>Khu KML</name><Polygon><outerBoundaryIs><LinearRing><coordinates>{coords}"
        "</coordinates></LinearRing></outerBoundaryIs></Polygon></Placemark></Document></kml>",
        encoding="utf-8",
    )
    s = site_from_file(kml)
    assert s.geometry.area == pytest.approx(SITE.area, rel=1e-4)
    assert s.name == "Khu KML"


def test_zipped_shapefile_in_vn2000(tmp_path):
    shp_dir = tmp_path / "shp"
    shp_dir.mkdir()
    gpd.GeoDataFrame({"TEN": ["Khu SHP"]}, geometry=[SITE], crs=WORK_CRS).to_file(shp_dir / "khu.shp")
    z = tmp_path / "khu.zip"
    with zipfile.ZipFile(z, "w") as zf:
        for p in shp_dir.iterdir():
            zf.write(p, f"khu/{p.name}")
    s = site_from_file(z)
    assert s.geometry.area == pytest.approx(SITE.area, rel=1e-9)
    assert s.crs == "EPSG:9209" and s.source == "file:khu.zip" and s.name == "Khu SHP"


@pytest.mark.filterwarnings("ignore:'crs' was not provided:UserWarning")  # written without a CRS on purpose
def test_shapefile_without_prj_is_guessed_and_swapped(tmp_path):
    from shapely.affinity import affine_transform

    swapped = affine_transform(SITE, [0, 1, 1, 0, 0, 0])  # X = northing, Y = easting
    gpd.GeoDataFrame({"id": [1]}, geometry=[swapped]).to_file(tmp_path / "noprj.shp")
    (tmp_path / "noprj.prj").unlink(missing_ok=True)
    s = site_from_file(tmp_path / "noprj.shp")
    assert s.geometry.symmetric_difference(SITE).area < 1e-6
    assert [getattr(n, "key", n) for n in s.notes] == ["review.input.note_swapped", "review.input.note_crs_guessed_as"]
    assert note_text(s.notes[1], "vi") == (
        "Đã đoán hệ tọa độ từ giá trị tọa độ: EPSG:9209. Hãy kiểm tra vị trí trên bản đồ, hoặc chỉ rõ bằng --crs.")


def test_bad_files(tmp_path, W):
    (tmp_path / "x.txt").write_text("hello")
    with pytest.raises(InputError) as e:
        site_from_file(tmp_path / "x.txt")
    assert e.value.key == "review.input.bad_suffix"
    (tmp_path / "bad.zip").write_bytes(b"not a zip")
    with pytest.raises(InputError) as e:
        site_from_file(tmp_path / "bad.zip")
    assert e.value.key == "review.input.bad_zip"
    pts = gpd.GeoDataFrame({"a": [1]}, geometry=gpd.points_from_xy([106.4], [20.4]), crs=4326)
    pts.to_file(tmp_path / "p.geojson", driver="GeoJSON")
    with pytest.raises(InputError) as e:
        site_from_file(tmp_path / "p.geojson")
    assert e.value.key == "review.input.no_polygon"
    assert "đa giác" in e.value.message("vi") and "polygon" in e.value.message("en")
    # a VN-2000 site wrongly declared as UTM zone 48N ends up ~50 km west: still near; a 9209 file
    # declared as EPSG:3857 lands in the Gulf of Guinea: refused as far away
    gpd.GeoDataFrame({"a": [1]}, geometry=[SITE], crs=3857).to_file(tmp_path / "far.geojson", driver="GeoJSON")
    with pytest.raises(InputError) as e:
        site_from_file(tmp_path / "far.geojson")
    assert e.value.key == "review.input.far_away"


def test_zip_slip_refused(tmp_path):
    z = tmp_path / "evil.zip"
    with zipfile.ZipFile(z, "w") as zf:
        zf.writestr("../../evil.geojson", "{}")
    with pytest.raises(InputError) as e:
        site_from_file(z)
    assert e.value.key == "ingest.zip_unsafe_path"  # refused as layer uploads are (issue 10 §2)
    assert "../../evil.geojson" in e.value.message("en") and "Nothing was extracted" in e.value.message("en")
    assert not (tmp_path.parent / "evil.geojson").exists()


# -- typed coordinates ----------------------------------------------------------------------------
def test_latlon_typed_with_decimal_commas():
    text = "\n".join(f"{lat:.8f}; {lon:.8f}".replace(".", ",") for lon, lat in _ll_corners())
    s = site_from_coordinates(text)
    assert s.crs == "EPSG:4326" and s.notes == ()
    assert s.geometry.area == pytest.approx(SITE.area, rel=1e-5)


def test_lonlat_order_detected():
    text = "\n".join(f"{lon:.8f}, {lat:.8f}" for lon, lat in _ll_corners())
    s = site_from_coordinates(text)
    assert s.notes == ("review.input.note_lonlat",)
    assert s.geometry.area == pytest.approx(SITE.area, rel=1e-5)


def test_vn2000_x_north_y_east_with_point_numbers():
    # Vietnamese survey table: point number, X (northing), Y (easting)
    rows = [f"{i + 1}\t{y:.2f}\t{x:.2f}" for i, (x, y) in enumerate(list(SITE.exterior.coords)[:-1])]
    s = site_from_coordinates("Điểm\tX (m)\tY (m)\n" + "\n".join(rows), system="vn2000")
    assert s.crs == "EPSG:9209" and s.notes == ()
    assert s.geometry.symmetric_difference(SITE).area < 1e-6


def test_vn2000_swapped_is_detected():
    rows = [f"{x:.2f} {y:.2f}" for x, y in list(SITE.exterior.coords)]  # easting first, ring closed
    s = site_from_coordinates("\n".join(rows))
    assert s.notes == ("review.input.note_swapped",)
    assert s.geometry.symmetric_difference(SITE).area < 1e-6


@pytest.mark.parametrize(
    "text, key",
    [
        ("20.45 106.35\n20.46 106.36", "review.input.few_points"),
        ("20.45 106.35 7 8\n1 2\n3 4", "review.input.bad_line"),
        ("abc 106.35\n1 2\n3 4", "review.input.bad_number"),
        ("48.85 2.35\n48.86 2.35\n48.86 2.36", "review.input.out_of_area"),
        ("2260000 590000\n2260100 590100\n2260000 590100\n2260100 590000", "review.input.self_intersecting"),
    ],
)
def test_bad_coordinates(text, key):
    with pytest.raises(InputError) as e:
        site_from_coordinates(text)
    assert e.value.key == key
    assert not e.value.message("vi").startswith("review.") and not e.value.message("en").startswith("review.")


def test_parse_points_separators():
    assert parse_points("20,45 106,35\n20.46;106.36\n(20.47, 106.37)\n# comment\n") == [
        (20.45, 106.35), (20.46, 106.36), (20.47, 106.37)
    ]


# -- drawings -------------------------------------------------------------------------------------
def _feature(coords, geom_type="Polygon", props=None):
    return {"type": "Feature", "properties": props or {}, "geometry": {"type": geom_type, "coordinates": coords}}


def test_draw_event_polygon():
    ring = [list(c) for c in _ll_corners()] + [list(_ll_corners()[0])]
    event = {"last_active_drawing": _feature([ring]), "all_drawings": [_feature([ring])], "zoom": 12}
    geom = site_from_draw_event(event)
    assert geom.area == pytest.approx(SITE.area, rel=1e-5)


def test_draw_event_falls_back_to_last_drawing_and_circle():
    lon, lat = TO_LL.transform(590_000, 2_260_000)
    circle = _feature([lon, lat], "Point", {"radius": 100.0})
    geom = site_from_draw_event({"last_active_drawing": None, "all_drawings": [circle]})
    assert geom.area == pytest.approx(3.14159 * 100**2, rel=0.002)
    assert geom.centroid.distance(box(590_000, 2_260_000, 590_000, 2_260_000).centroid) < 0.5


@pytest.mark.parametrize(
    "event, key",
    [
        (None, "review.input.no_drawing"),
        ({"last_active_drawing": None, "all_drawings": []}, "review.input.no_drawing"),
        ({"last_active_drawing": _feature([[106.4, 20.4], [106.41, 20.41]], "LineString")}, "review.input.not_polygon"),
    ],
)
def test_draw_event_errors(event, key):
    with pytest.raises(InputError) as e:
        site_from_draw_event(event)
    assert e.value.key == key
