"""Proposing a site: files (GeoJSON, KML, zipped shapefile), typed corners (with swap detection), drawings."""

from __future__ import annotations

import json
import zipfile

import geopandas as gpd
import pytest
from pyproj import Transformer
from shapely.geometry import Polygon, box

from tbgeo.crs import WORK_CRS
from tbgeo.errors import InputError
from tbgeo.review.site_input import (
    note_text,
    parse_points,
    site_from_coordinates,
    site_from_draw_event,
    site_from_file,
)

from .helpers import check

SITE = box(590_000, 2_260_000, 590_400, 2_260_250)  # 10 ha
RICE = box(588_500, 2_260_200, 590_500, 2_260_700)  # 100 ha: 25 ha LUC (Kiến Xương), 25 ha LUK (Tiền Hải)
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


def _geojson(path, coords, crs_member=None):
    fc = {"type": "FeatureCollection",
          "features": [{"type": "Feature", "properties": {"name": "Khu thử"},
                        "geometry": {"type": "Polygon", "coordinates": [coords]}}]}
    if crs_member:
        fc["crs"] = crs_member
    path.write_text(json.dumps(fc), encoding="utf-8")
    return path


def test_empty_feature_collection_exits_2(project, capsys):
    empty = project / "empty.geojson"
    empty.write_text('{"type": "FeatureCollection", "features": []}', encoding="utf-8")
    with pytest.raises(InputError) as e:
        site_from_file(empty)
    assert e.value.key == "review.input.no_polygon"
    rc, out, err = check(capsys, empty)
    assert rc == 2 and out == "" and "Traceback" not in err
    assert "Tệp empty.geojson không có đa giác nào" in err


def test_geojson_in_vn2000_metres_without_crs_is_guessed(project, capsys):
    coords = [list(c) for c in RICE.exterior.coords]
    path = _geojson(project / "metres.geojson", coords)
    s = site_from_file(path)
    assert s.crs == "EPSG:9209" and s.geometry.symmetric_difference(RICE).area < 1e-3
    assert [getattr(n, "key", n) for n in s.notes] == ["review.input.note_not_degrees", "review.input.note_crs_guessed_as"]
    rc, out, _ = check(capsys, path, "--format", "json")
    d = json.loads(out)
    assert rc == 0 and d["site"]["area_ha"] == pytest.approx(100.0) and d["rice"]["total_ha"] == pytest.approx(50.0)
    assert d["input"]["notes"][1] == ("Đã đoán hệ tọa độ từ giá trị tọa độ: EPSG:9209. Hãy kiểm tra vị trí trên bản đồ, "
                                      "hoặc chỉ rõ bằng --crs.")
    # northing first (X, Y of a Vietnamese survey table) is detected too
    swapped = _geojson(project / "xy.geojson", [[y, x] for x, y in coords])
    s = site_from_file(swapped)
    assert s.geometry.symmetric_difference(RICE).area < 1e-3 and "review.input.note_swapped" in s.notes


def test_geojson_with_latitude_first_is_swapped(project):
    lonlat = gpd.GeoSeries([RICE], crs=WORK_CRS).to_crs(4326).iloc[0]
    path = _geojson(project / "latlon.geojson", [[y, x] for x, y in lonlat.exterior.coords])
    s = site_from_file(path)
    assert s.notes == ("review.input.note_lonlat",)
    assert s.geometry.area == pytest.approx(1e6, rel=1e-4) and s.geometry.hausdorff_distance(RICE) < 0.05


def test_geojson_with_unknown_metres_is_refused(project, capsys):
    path = _geojson(project / "far.geojson", [[100_000, 200_000], [100_500, 200_000], [100_500, 200_500], [100_000, 200_000]])
    rc, out, err = check(capsys, path)
    assert rc == 2 and out == "" and "Traceback" not in err
    assert "bắt đầu từ 100.000,00; 200.000,00" in err and "--crs" in err
    rc, out, err = check(capsys, path, "--lang", "en")
    assert rc == 2 and "(from 100,000.00; 200,000.00)" in err and "--crs" in err


def test_wrong_declared_crs_never_gives_infinite_geometry(project, capsys):
    # metres declared as lon/lat explicitly with --crs 4326: refused, not an infinite polygon
    coords = [list(c) for c in RICE.exterior.coords]
    path = _geojson(project / "m.geojson", coords)
    rc, _, err = check(capsys, path, "--crs", "4326")
    assert rc == 2 and "Traceback" not in err
    assert "Tọa độ khu đất (588.500,00; 2.260.200,00) không phải độ kinh, vĩ nên không dùng được với EPSG:4326" in err


BOWTIE = [(590_000, 2_260_000), (590_100, 2_260_100), (590_100, 2_260_000), (590_000, 2_260_100)]


def _crossing_latlon():
    return gpd.GeoSeries(gpd.points_from_xy([590_050], [2_260_050]), crs=WORK_CRS).to_crs(4326).iloc[0]


def test_self_intersecting_file_is_refused_with_the_place(project, capsys, W):
    bow = Polygon(BOWTIE)
    assert not bow.is_valid
    path = W.site_geojson(project / "bow.geojson", bow)
    with pytest.raises(InputError) as e:
        site_from_file(path)
    p = _crossing_latlon()
    assert e.value.key == "review.input.self_intersecting_file"
    assert e.value.params["lat"].value == pytest.approx(p.y, abs=2e-6)
    assert e.value.params["lon"].value == pytest.approx(p.x, abs=2e-6)
    vi = e.value.message("vi")
    assert vi.startswith("Đường bao khu đất trong tệp bow.geojson tự cắt: cạnh 1–2 cắt cạnh 3–4, tại khoảng 20,4")
    assert "°B, 106,3" in vi and "sửa thứ tự các đỉnh" in vi
    rc, out, err = check(capsys, path, "--lang", "en")
    assert rc == 2 and out == "" and "crosses itself: edge 1–2 crosses edge 3–4, near 20.4" in err


def test_typed_bowtie_is_refused_the_same_way():
    text = "\n".join(f"{y} {x}" for x, y in BOWTIE)
    with pytest.raises(InputError) as e:
        site_from_coordinates(text, system="vn2000")
    assert e.value.key == "review.input.self_intersecting"
    assert "cạnh 1–2 cắt cạnh 3–4" in e.value.message("vi")
    assert e.value.params["lat"].value == pytest.approx(_crossing_latlon().y, abs=2e-6)


def test_note_text_formats_numbers():
    from tbgeo.i18n.params import Num, Template

    note = Template("review.input.note_repaired", {"ha": Num(4.5, 2)})
    assert note_text(note, "vi").endswith("diện tích sau khi sửa 4,50 ha.")
    assert note_text("review.input.note_union", "en").startswith("The file holds several polygons")
