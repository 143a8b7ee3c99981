"""Imports whose CRS is assumed, declared, swapped or mislabelled: what is refused, said and stored."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import geopandas as gpd
import numpy as np
import pyogrio
import pytest
from shapely.geometry import Point

from tbgeo.cli import main
from tbgeo.crs import detect as crsdetect
from tbgeo.errors import CRSError
from tbgeo.ingest.pipeline import commit_import, plan_import
from tbgeo.store.gpkg import GpkgStore

from .helpers import TO_9209, TO_WGS, VN2000_7P, dist_m, first_vertex_wgs84, geojson, ring, run


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
    assert GpkgStore.open(env).version("industrial_parks", 1).details["swap_axes"] is True


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
