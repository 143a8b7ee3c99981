"""Regression tests for the QA audit of issue 4 ("real Vietnamese files in, correct layers out, nothing
lost"): projected or swapped coordinates under an assumed WGS 84, per-feature landing, mixed geometry
types, the import JSON, Vietnamese number formatting and messages, export folders, the dry-run text
preview and MapInfo's datum 9999 with the VN-2000 seven parameters."""

from __future__ import annotations

import hashlib
import json
import zipfile
from pathlib import Path

import geopandas as gpd
import numpy as np
import pyogrio
import pytest
from pyproj import CRS, Geod, Transformer
from shapely.geometry import Point, box

from tbgeo.cli import main
from tbgeo.crs import detect as crsdetect, guess as crsguess
from tbgeo.errors import CRSError
from tbgeo.ingest.pipeline import commit_import, plan_import
from tbgeo.workspace import Workspace

GEOD = Geod(ellps="WGS84")
TO_WGS = Transformer.from_crs(9209, 4326, always_xy=True)
TO_9209 = Transformer.from_crs(4326, 9209, always_xy=True)
VN2000_7P = "-191.90441429,-39.30318279,-111.45032835,-0.00928836,0.01975479,-0.00427372,0.252906278"


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, dict | None, str, str]:
    rc = main(list(argv))
    out, err = capsys.readouterr()
    data = json.loads(out) if out.strip().startswith("{") else None
    return rc, data, err, out


def dist_m(a: tuple[float, float], b: tuple[float, float]) -> float:
    return GEOD.inv(a[0], a[1], b[0], b[1])[2]


def first_vertex_wgs84(ws: Path, layer: str = "industrial_parks", version: int = 1) -> tuple[float, float]:
    g = Workspace.open(ws).read_version(layer, version).to_crs(4326).geometry.iloc[0]
    g = g.geoms[0] if g.geom_type.startswith("Multi") else g
    return g.exterior.coords[0] if g.geom_type == "Polygon" else g.coords[0]


def geojson(path: Path, rings: list[list[tuple[float, float]]], *, crs_member: str | None = None) -> Path:
    feats = [
        {"type": "Feature", "properties": {"name": f"KCN {i}"}, "geometry": {"type": "Polygon", "coordinates": [r]}}
        for i, r in enumerate(rings)
    ]
    doc: dict = {"type": "FeatureCollection", "features": feats}
    if crs_member:
        doc = {"type": "FeatureCollection", "crs": {"type": "name", "properties": {"name": crs_member}}, "features": feats}
    path.write_text(json.dumps(doc, ensure_ascii=False), "utf-8")
    return path


def ring(poly) -> list[tuple[float, float]]:  # type: ignore[no-untyped-def]
    return [tuple(c) for c in poly.exterior.coords]


# --------------------------------------------------------------------------------------------
# 1. Projected coordinates under a declared/assumed WGS 84; swapped lat/lon; non-finite coordinates
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["geojson", "gpkg"])
def test_metres_under_assumed_wgs84_are_guessed_not_imported(mk, tmp_path, capsys, env, fmt) -> None:  # type: ignore[no-untyped-def]
    parks = mk.parks(3)
    if fmt == "geojson":  # no "crs" member: GDAL assumes EPSG:4326 (RFC 7946)
        path = geojson(tmp_path / "kcn.geojson", [ring(p) for p in parks])
    else:  # a GeoPackage that declares EPSG:4326 over VN-2000 metres
        path = tmp_path / "kcn.gpkg"
        pyogrio.write_dataframe(gpd.GeoDataFrame({"name": ["a", "b", "c"]}, geometry=parks, crs=4326), path)
    code, data, err, _ = run(capsys, "import", str(path), "--layer", "industrial_parks", "--format", "json")
    assert code == 2 and not env.exists()
    crs = data["crs"]
    assert (crs["source"], crs["status"], crs["epsg"], crs["needs_confirmation"]) == ("guess", "guessed", 9209, True)
    assert [c["epsg"] for c in crs["candidates"]][:1] == [9209]
    assert data["ready"] is False and data["blocking_codes"] == ["ingest.crs_confirm_not_degrees"]
    origin = {"geojson": "Hệ tọa độ mặc định của định dạng (“WGS 84”)", "gpkg": "Hệ tọa độ khai báo trong tệp (“WGS 84”)"}[fmt]
    assert err.startswith(f"Lỗi: {origin} là kinh độ/vĩ độ, nhưng tọa độ trong tệp (x 587.644,682 … 588.844,682, ")
    assert "y 2.262.182,720 … 2.262.382,720) không phải độ mà là mét" in err and "--crs 9209" in err
    assert "nan" not in err and "∞" not in err
    # the landing shown is the offered CRS's: in the province, real numbers
    assert data["landing"]["where"] == "province" and data["landing"]["features"] == {"province": 3, "vietnam": 0, "outside": 0}
    lon, lat = np.array([TO_WGS.transform(x, y) for p in parks for x, y in p.exterior.coords]).T
    assert data["bounds_wgs84"] == pytest.approx([lon.min(), lat.min(), lon.max(), lat.max()], abs=1e-6)
    # --insist does not override an unconfirmed CRS
    assert main(["import", str(path), "--layer", "industrial_parks", "--insist"]) == 2
    capsys.readouterr()
    assert not env.exists()
    code, data, err, _ = run(capsys, "import", str(path), "--layer", "industrial_parks", "--crs", "9209", "--format", "json")
    assert code == 0, err
    assert data["crs"]["source"] == "user" and data["version"] == 1
    assert dist_m(first_vertex_wgs84(env), TO_WGS.transform(*parks[0].exterior.coords[0])) < 1.0


def test_swapped_lat_lon_is_said_and_the_swap_offered(tmp_path, capsys, env) -> None:  # type: ignore[no-untyped-def]
    swapped = [(20.45, 106.34), (20.45, 106.35), (20.46, 106.35), (20.45, 106.34)]
    path = geojson(tmp_path / "latlon.geojson", [swapped])
    code, _, err, _ = run(capsys, "import", str(path), "--layer", "industrial_parks")
    assert code == 2 and not env.exists()
    assert (
        "Lỗi: Tọa độ (x 20,450 … 20,460, y 106,340 … 106,350) có vẻ là vĩ độ và kinh độ bị đảo thứ tự "
        "(x là vĩ độ, y là kinh độ). Hãy nhập lại với --swap-axes"
    ) in err
    code, data, err, _ = run(capsys, "import", str(path), "--layer", "industrial_parks", "--swap-axes", "--format", "json")
    assert code == 0, err
    assert data["swap_axes"] is True and "ingest.w_axes_swapped" in data["warning_codes"]
    assert data["crs"]["epsg"] == 4326 and data["crs"]["source"] == "default"
    assert dist_m(first_vertex_wgs84(env), (106.34, 20.45)) < 1.0
    assert Workspace.open(env).version("industrial_parks", 1).details["swap_axes"] is True


def test_swapped_easting_northing_can_be_swapped(mk, tmp_path, capsys, env) -> None:  # type: ignore[no-untyped-def]
    """X = northing, Y = easting (Vietnamese survey order) in a shapefile without .prj."""
    from shapely import transform

    parks = mk.parks(2)
    z = mk.make_shapefile(tmp_path, "xy", [transform(p, lambda c: c[:, ::-1]) for p in parks])
    code, _, err, _ = run(capsys, "--lang", "en", "import", str(z), "--layer", "industrial_parks")
    assert code == 2 and "look like X = northing and Y = easting" in err and "--swap-axes" in err
    code, data, err, _ = run(capsys, "import", str(z), "--layer", "industrial_parks", "--swap-axes", "--crs", "9209", "--format", "json")
    assert code == 0, err
    assert dist_m(first_vertex_wgs84(env), TO_WGS.transform(*parks[0].exterior.coords[0])) < 1.0


def test_degrees_crs_on_metres_refused_even_with_insist(mk, tmp_path, capsys, env) -> None:  # type: ignore[no-untyped-def]
    path = geojson(tmp_path / "kcn.geojson", [ring(p) for p in mk.parks(2)])
    code, data, err, _ = run(capsys, "import", str(path), "--layer", "industrial_parks", "--crs", "4326", "--insist", "--format", "json")
    assert code == 2 and not env.exists()
    assert data["ready"] is False and data["blocking_codes"] == ["ingest.crs_not_degrees"] and data["overridden"] == []
    assert data["bounds_wgs84"] == [] and data["landing"]["distance_km"] is None
    assert (
        "Lỗi: EPSG:4326 (WGS 84) là hệ kinh độ/vĩ độ (độ), nhưng tọa độ trong tệp (x 587.644,682 … 588.344,682, "
        "y 2.262.182,720 … 2.262.382,720) vượt quá ±180°/±90°, nên không thể là độ. Không nhập gì"
    ) in err


def test_non_finite_coordinates_are_never_stored(mk, tmp_path, capsys, env) -> None:  # type: ignore[no-untyped-def]
    """(15.5°E, 0°) is 90° from TM-3 105°30′: PROJ gives inf. Refused with --insist too."""
    assert not np.isfinite(TO_9209.transform(15.5, 0.0)).any()
    lonlat = [TO_WGS.transform(mk.E0, mk.N0), TO_WGS.transform(mk.E0 + 500, mk.N0), (15.5, 0.0)]
    path = tmp_path / "sites.geojson"
    gpd.GeoDataFrame({"name": ["a", "b", "c"]}, geometry=[Point(p) for p in lonlat], crs=4326).to_file(path)
    code, data, err, _ = run(capsys, "import", str(path), "--layer", "energy_sites", "--insist", "--format", "json")
    assert code == 2 and not env.exists()
    assert data["blocking_codes"] == ["ingest.crs_non_finite"] and data["ready"] is False
    assert (
        "Với EPSG:4326 (WGS 84), 1/3 đối tượng cho tọa độ không xác định (NaN hoặc vô cực) khi chuyển sang VN-2000 "
        "(FID gốc 2). Dữ liệu như vậy không bao giờ được lưu, kể cả với --insist"
    ) in err
    # and the write itself checks, whatever the plan says
    good = tmp_path / "good.geojson"
    gpd.GeoDataFrame({"name": ["a"]}, geometry=[Point(lonlat[0])], crs=4326).to_file(good)
    plan = plan_import(good, layer_id="energy_sites")
    plan.frame.loc[:, plan.frame.geometry.name] = [Point(float("nan"), float("inf"))]
    with pytest.raises(CRSError) as exc:
        commit_import(plan, insist=True)
    assert exc.value.key == "ingest.crs_non_finite" and not env.exists()


# --------------------------------------------------------------------------------------------
# 2. Landing per feature
# --------------------------------------------------------------------------------------------


def _province_9209():  # type: ignore[no-untyped-def]
    from shapely import transform

    return transform(box(*crsguess.PROVINCE_EXTENT).segmentize(0.01), lambda c: np.column_stack(TO_9209.transform(c[:, 0], c[:, 1])))


def test_a_stray_feature_is_flagged_not_the_dataset(mk, tmp_path, capsys, env) -> None:  # type: ignore[no-untyped-def]
    stray = mk.square(mk.E0 - 200_000, mk.N0)  # 200 km west of Thái Bình city
    z = mk.make_shapefile(tmp_path, "kcn", [*mk.parks(5), stray], prj=mk.esri_9209())
    code, data, err, _ = run(capsys, "import", str(z), "--layer", "industrial_parks", "--format", "json")
    assert code == 0, err
    land = data["landing"]
    assert land["where"] == "province" and land["features"] == {"province": 5, "vietnam": 1, "outside": 0}
    assert "ingest.w_landed_elsewhere" not in data["warning_codes"]
    assert data["outside_province"] == 1
    [s] = land["strays"]
    centre = stray.centroid
    km = _province_9209().distance(centre) / 1000
    lon, lat = TO_WGS.transform(centre.x, centre.y)
    assert s["fid"] == 5 and s["where"] == "vietnam" and s["direction"] == "w"
    assert s["distance_km"] == pytest.approx(km, abs=0.1) and (s["lon"], s["lat"]) == pytest.approx((lon, lat), abs=1e-5)
    warning = data["warnings"][data["warning_codes"].index("ingest.w_stray_features")]
    assert warning.startswith(
        f"Trong số đó, 1/6 đối tượng nằm xa tỉnh hơn 40 km (1 ở nơi khác trong Việt Nam, 0 ngoài Việt Nam): "
        f"FID 5 ở nơi khác trong Việt Nam, cách tỉnh {round(km)} km về phía tây "
        f"({lat:.4f}°B, {lon:.4f}°Đ)".replace(".", ",")
    )


def test_most_features_elsewhere_warns_with_counts(mk, tmp_path, capsys, env) -> None:  # type: ignore[no-untyped-def]
    e, n = TO_9209.transform(105.85, 21.03)  # Hà Nội
    z = mk.make_shapefile(tmp_path, "hn", [mk.square(e, n), mk.square(e + 500, n), mk.square(mk.E0, mk.N0)], prj=mk.esri_9209())
    code, data, _, _ = run(capsys, "--lang", "en", "import", str(z), "--layer", "industrial_parks", "--format", "json")
    assert code == 0
    assert data["landing"]["where"] == "vietnam" and data["landing"]["features"] == {"province": 1, "vietnam": 2, "outside": 0}
    warning = data["warnings"][data["warning_codes"].index("ingest.w_landed_elsewhere")]
    assert "2 of 3 features land" in warning and "north-west of Thái Bình" in warning
    assert "(in the province: 1, elsewhere in Vietnam: 2, outside Vietnam: 0)" in warning


# --------------------------------------------------------------------------------------------
# 4. Import JSON: insist/overridden/ready, crs.source
# --------------------------------------------------------------------------------------------


def test_outside_vietnam_ready_blocking_and_overridden(tmp_path, capsys, env) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "bkk.geojson"
    gpd.GeoDataFrame({"name": ["BKK"]}, geometry=[box(100.5, 13.7, 100.51, 13.71)], crs=4326).to_file(path)
    code, data, err, _ = run(capsys, "import", str(path), "--layer", "industrial_parks", "--dry-run", "--format", "json")
    assert code == 2 and data["ready"] is False
    assert data["blocking_codes"] == ["ingest.landed_outside"] and data["overridden"] == []
    c = box(100.5, 13.7, 100.51, 13.71).centroid
    assert f"tâm của chúng ở {c.y:.4f}°B, {c.x:.4f}°Đ".replace(".", ",") in err  # 13,7050°B, 100,5050°Đ
    assert "13,7050°B, 100,5050°Đ" in err
    code, data, err, _ = run(capsys, "import", str(path), "--layer", "industrial_parks", "--insist", "--format", "json")
    assert code == 0 and data["version"] == 1
    assert data["ready"] is True and data["blocking"] == [] and data["blocking_codes"] == []
    assert data["overridden_codes"] == ["ingest.landed_outside"] and "ngoài lãnh thổ Việt Nam" in data["overridden"][0]
    details = Workspace.open(env).version("industrial_parks", 1).details
    assert details["insisted"] is True and [o["code"] for o in details["overridden"]] == ["ingest.landed_outside"]


KML = """<?xml version="1.0" encoding="UTF-8"?><kml xmlns="http://www.opengis.net/kml/2.2"><Document><Placemark>
<name>KCN</name><Polygon><outerBoundaryIs><LinearRing><coordinates>106.34,20.45 106.35,20.45 106.35,20.46 106.34,20.45</coordinates>
</LinearRing></outerBoundaryIs></Polygon></Placemark></Document></kml>"""


@pytest.mark.parametrize("kind", ["shapefile", "geojson", "geojson_crs", "kml", "gpkg", "mif"])
def test_crs_source_says_where_the_crs_came_from(mk, tmp_path, capsys, env, kind) -> None:  # type: ignore[no-untyped-def]
    ll = [(106.34, 20.45), (106.35, 20.45), (106.35, 20.46), (106.34, 20.45)]
    if kind == "shapefile":
        path = mk.make_shapefile(tmp_path, "kcn", mk.parks(1), prj=mk.esri_9209())
    elif kind == "geojson":
        path = geojson(tmp_path / "a.geojson", [ll])
    elif kind == "geojson_crs":
        path = geojson(tmp_path / "a.geojson", [ll], crs_member="urn:ogc:def:crs:OGC:1.3:CRS84")
    elif kind == "kml":
        path = tmp_path / "a.kml"
        path.write_text(KML, "utf-8")
    elif kind == "gpkg":
        path = tmp_path / "a.gpkg"
        pyogrio.write_dataframe(gpd.GeoDataFrame({"name": ["a"]}, geometry=mk.parks(1), crs=9209), path)
    else:
        path = _mif_zip(tmp_path, mk)
    code, data, err, _ = run(capsys, "import", str(path), "--layer", "industrial_parks", "--dry-run", "--format", "json")
    assert code == 0, err
    expected = {"shapefile": "prj", "geojson": "default", "geojson_crs": "file", "kml": "default", "gpkg": "file", "mif": "file"}
    assert data["crs"]["source"] == expected[kind]
    assert data["crs"]["source"] in crsdetect.SOURCES


def test_mapinfo_messages_name_the_mapinfo_crs_not_a_prj(mk, tmp_path, capsys, env) -> None:  # type: ignore[no-untyped-def]
    folder = tmp_path / "tab"
    folder.mkdir()
    pyogrio.write_dataframe(gpd.GeoDataFrame({"name": ["a"]}, geometry=mk.parks(1), crs=9209), folder / "kcn.tab", driver="MapInfo File")
    z = tmp_path / "kcn_tab.zip"
    with zipfile.ZipFile(z, "w") as zf:
        for p in folder.iterdir():
            zf.write(p, p.name)
    for lang, text in (("vi", "Hệ tọa độ MapInfo của tệp là phép chiếu TM-3 kinh tuyến trục 105°30′, hệ số 0,9999"),
                       ("en", "The MapInfo coordinate system is a TM-3 projection with central meridian 105°30′")):  # fmt: skip
        code, data, err, _ = run(capsys, "--lang", lang, "import", str(z), "--layer", "industrial_parks", "--format", "json")
        assert code == 2 and data["crs"]["source"] == "file" and data["crs"]["status"] == "mislabelled"
        assert text in err and ".prj" not in err.split("--crs prj")[0] and "unnamed" not in err


# --------------------------------------------------------------------------------------------
# 5. Vietnamese text: numbers, no raw library English
# --------------------------------------------------------------------------------------------


def test_vietnamese_numbers_in_crs_messages(mk, tmp_path, capsys, env) -> None:  # type: ignore[no-untyped-def]
    lying = mk.esri_9209().replace("VN-2000_TM-3_105-30", "VN_2000_UTM_Zone_48N")
    z = mk.make_shapefile(tmp_path, "kcn", mk.parks(1), prj=lying)
    for lang, text in (
        ("vi", "Tệp .prj “VN_2000_UTM_Zone_48N” mang tên “VN_2000_UTM_Zone_48N”, nhưng tham số (kinh tuyến trục 105°30′, hệ số 0,9999, datum Vietnam 2000) là của EPSG:9209"),
        ("en", "parameters (central meridian 105°30′, scale 0.9999, datum Vietnam 2000) are those of EPSG:9209"),
    ):  # fmt: skip
        code, data, err, _ = run(capsys, "--lang", lang, "import", str(z), "--layer", "industrial_parks", "--dry-run", "--format", "json")
        warning = data["warnings"][data["warning_codes"].index("ingest.w_name_mismatch")]
        assert text in warning, warning
    assert "0.9999" not in json.dumps(run(capsys, "import", str(z), "--layer", "industrial_parks", "--dry-run", "--format", "json")[1]["warnings"])


def test_vietnamese_text_for_unreadable_files(tmp_path, capsys, env) -> None:  # type: ignore[no-untyped-def]
    broken = tmp_path / "broken.geojson"
    broken.write_text('{"type": "FeatureCollection", "features": [{"type": "Feature", "geometry": {"type": "Poly', "utf-8")
    code, _, err, _ = run(capsys, "import", str(broken), "--layer", "industrial_parks")
    assert code == 2
    ours, _, detail = err.partition("(chi tiết kỹ thuật: ")
    assert ours.startswith("Lỗi: Không đọc được “broken.geojson”: tệp bị hỏng, chưa tải lên hết, hoặc không đúng định dạng")
    assert detail  # GDAL's English is kept only after the separator
    assert "Failed" not in ours and "error" not in ours.lower()
    bad = tmp_path / "bad.zip"
    bad.write_bytes(b"PK\x03\x04" + bytes(range(200)))
    code, _, err, _ = run(capsys, "import", str(bad), "--layer", "industrial_parks")
    assert code == 2
    ours, _, detail = err.partition("(chi tiết kỹ thuật: ")
    assert ours == "Lỗi: “bad.zip” không phải tệp zip đọc được (tệp bị hỏng hoặc chưa tải lên hết). Hãy nén lại và tải lên lần nữa "
    assert detail.startswith("File is not a zip file")


# --------------------------------------------------------------------------------------------
# 7. Dry-run text preview
# --------------------------------------------------------------------------------------------


def test_dry_run_text_shows_before_after_preview(mk, tmp_path, capsys, env) -> None:  # type: ignore[no-untyped-def]
    rows = [[b"KCN Th\xb8i B\xd7nh"], ["§Êt chuyªn trång lóa n\xadíc".encode("latin1")], [b"KCN Ti\xd2n H\xb6i"]]
    z = mk.make_shapefile(tmp_path, "kcn", mk.parks(3), fields=[(b"TEN", "C", 40)], rows=rows, prj=mk.esri_9209())
    code, _, err, out = run(capsys, "import", str(z), "--layer", "industrial_parks", "--dry-run")
    assert code == 0, err
    lines = out.splitlines()
    i = lines.index("Văn bản trước → sau chuyển đổi:")
    assert lines[i + 1 : i + 4] == [
        "  [TEN, tcvn3] KCN Th¸i B×nh → KCN Thái Bình",
        "  [TEN, tcvn3] §Êt chuyªn trång lóa n\xadíc → Đất chuyên trồng lúa nước",
        "  [TEN, tcvn3] KCN TiÒn H¶i → KCN Tiền Hải",
    ]
    assert "Phạm vi (WGS 84): kinh độ 106,34187 – " in out
    code, data, _, _ = run(capsys, "import", str(z), "--layer", "industrial_parks", "--dry-run", "--format", "json")
    assert [(p["column"], p["encoding"], p["after"]) for p in data["preview"]] == [
        ("TEN", "tcvn3", "KCN Thái Bình"), ("TEN", "tcvn3", "Đất chuyên trồng lúa nước"), ("TEN", "tcvn3", "KCN Tiền Hải"),
    ]  # fmt: skip


# --------------------------------------------------------------------------------------------
# 8. MapInfo datum 9999 with the Decision 05/2007 parameters
# --------------------------------------------------------------------------------------------

MIF = """Version 300
Charset "WindowsLatin1"
Delimiter ","
CoordSys Earth Projection 8, 9999, 28, {params}, 0, "m", 105.5, 0, 0.9999, 500000, 0
Columns 1
  name Char(40)
Data

Region 1
  5
{ring}
"""


def _mif_zip(tmp_path: Path, mk, params: str = VN2000_7P) -> Path:  # type: ignore[no-untyped-def]
    folder = tmp_path / "mif"
    folder.mkdir(exist_ok=True)
    coords = "\n".join(f"{x} {y}" for x, y in mk.parks(1)[0].exterior.coords)
    (folder / "kcn.mif").write_text(MIF.format(params=params.replace(",", ", "), ring=coords), "ascii")
    (folder / "kcn.mid").write_text('"KCN"\n', "ascii")
    z = tmp_path / "kcn_mif.zip"
    with zipfile.ZipFile(z, "w") as zf:
        for p in folder.iterdir():
            zf.write(p, p.name)
    return z


def test_mapinfo_datum_9999_with_vn2000_parameters_is_vn2000(mk, tmp_path, capsys, env) -> None:  # type: ignore[no-untyped-def]
    z = _mif_zip(tmp_path, mk)
    code, data, err, _ = run(capsys, "import", str(z), "--layer", "industrial_parks", "--format", "json")
    assert code == 0, err
    assert (data["crs"]["epsg"], data["crs"]["status"], data["crs"]["params"]["datum_kind"]) == (9209, "ok", "vn2000")
    assert "ingest.w_towgs84_vn2000" in data["warning_codes"]
    assert dist_m(first_vertex_wgs84(env), TO_WGS.transform(*mk.parks(1)[0].exterior.coords[0])) < 0.01


@pytest.mark.parametrize(
    ("towgs84", "epsg"),
    [
        (VN2000_7P, 9209),  # the Decision's values as written (coordinate frame)
        ("-191.90441429,-39.30318279,-111.45032835,0.00928836,-0.01975479,0.00427372,0.252906278", 9209),  # GDAL's MapInfo reading
        ("-191.90441429,-39.30318279,-111.45032835,0.5,0.5,0.5,0.252906278", None),  # not VN-2000's rotations
    ],
)
def test_identify_seven_parameters(towgs84: str, epsg: int | None) -> None:
    wkt = (
        'PROJCS["unnamed",GEOGCS["unnamed",DATUM["MIF 9999",SPHEROID["WGS 84",6378137,298.257223563],'
        f"TOWGS84[{towgs84}]],"
        'PRIMEM["Greenwich",0],UNIT["degree",0.0174532925199433]],PROJECTION["Transverse_Mercator"],'
        'PARAMETER["latitude_of_origin",0],PARAMETER["central_meridian",105.5],PARAMETER["scale_factor",0.9999],'
        'PARAMETER["false_easting",500000],PARAMETER["false_northing",0],UNIT["metre",1]]'
    )
    det = crsdetect.identify(wkt, origin="mapinfo")
    assert det.source == "file"
    if epsg:
        assert (det.epsg, det.status, det.needs_confirmation) == (epsg, "ok", False)
    else:
        assert det.epsg != 9209 and det.params["datum_kind"] == "other"
    assert crsdetect.is_vn2000_shift([float(v) for v in towgs84.split(",")]) is (epsg is not None)
    assert CRS.from_epsg(9209).name == "VN-2000 / TM-3 105-30"


# --------------------------------------------------------------------------------------------
# The upload page: the same choices as the command line
# --------------------------------------------------------------------------------------------

SCRIPT = "from tbgeo.ui.pages import upload\nimport streamlit as st\nupload.render(st.session_state.get('lang', 'vi'))\n"


def _app(tmp_path: Path, file: Path, lang: str = "vi"):  # type: ignore[no-untyped-def]
    from streamlit.testing.v1 import AppTest

    script = tmp_path / "page.py"
    script.write_text(SCRIPT, "utf-8")
    at = AppTest.from_file(str(script), default_timeout=60)
    at.session_state["lang"] = lang
    at.session_state["ingest_layer"] = "industrial_parks"
    at.session_state["ingest_file"] = {"name": file.name, "path": str(file), "sha": hashlib.sha256(file.read_bytes()).hexdigest()}
    return at.run()


def _button(at, label: str):  # type: ignore[no-untyped-def]
    return next(b for b in at.button if b.label == label)


def test_page_mixed_types_need_the_checkbox(tmp_path, env) -> None:  # type: ignore[no-untyped-def]
    feats = [
        {"type": "Feature", "properties": {"name": "A"}, "geometry": {"type": "Polygon", "coordinates": [[[106.34, 20.45], [106.35, 20.45], [106.35, 20.46], [106.34, 20.45]]]}},
        {"type": "Feature", "properties": {"name": "B"}, "geometry": {"type": "Point", "coordinates": [106.3, 20.4]}},
    ]  # fmt: skip
    path = tmp_path / "mixed.geojson"
    path.write_text(json.dumps({"type": "FeatureCollection", "features": feats}), "utf-8")
    at = _app(tmp_path, path)
    assert not at.exception
    assert any("Tệp có 2 đối tượng thuộc nhiều kiểu hình học (Polygon ×1, Point ×1)" in e.value for e in at.error)
    assert _button(at, "Nhập thành phiên bản mới").disabled
    box_ = next(c for c in at.checkbox if c.key == "ingest_skip_other_types")
    assert box_.label == "Chỉ nhập các đối tượng đúng kiểu (bỏ qua 1 đối tượng Point)"
    at = box_.check().run()
    assert not at.exception and not at.error
    at = _button(at, "Nhập thành phiên bản mới").click().run()
    assert not at.exception
    v = Workspace.open(env).version("industrial_parks", 1)
    assert v.features == 1 and v.details["dropped_other_type"] == {"Point": 1}


def test_page_offers_the_axis_swap(tmp_path, env) -> None:  # type: ignore[no-untyped-def]
    path = geojson(tmp_path / "latlon.geojson", [[(20.45, 106.34), (20.45, 106.35), (20.46, 106.35), (20.45, 106.34)]])
    at = _app(tmp_path, path, lang="en")
    assert not at.exception
    assert any("latitude and longitude in the wrong order" in e.value for e in at.error)
    at = next(c for c in at.checkbox if c.key == "ingest_swap_axes").check().run()
    assert not at.exception and not at.error
    assert any("X and Y of every coordinate were exchanged" in w.value for w in at.warning)
    at = _button(at, "Import as a new version").click().run()
    assert not at.exception
    assert dist_m(first_vertex_wgs84(env), (106.34, 20.45)) < 1.0
