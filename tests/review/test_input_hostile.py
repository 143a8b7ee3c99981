"""Hostile site files refused with a message in the user's language by the reader, the CLI and the page."""

from __future__ import annotations

import json
import struct
import zipfile
from pathlib import Path

import pytest
from shapely.geometry import box

from tbgeo.cli import main
from tbgeo.errors import InputError
from tbgeo.review.site_input import site_from_file
from tbgeo.store.gpkg import GpkgStore

RICE = box(588_500, 2_260_200, 590_500, 2_260_700)  # 100 ha in the synthetic province
RING = [[106.45, 20.45], [106.46, 20.45], [106.46, 20.46], [106.45, 20.46], [106.45, 20.45]]


def _fc(coords, props=None) -> str:  # type: ignore[no-untyped-def]
    feature = {"type": "Feature", "properties": props if props is not None else {"name": "Khu"},
               "geometry": {"type": "Polygon", "coordinates": [coords]}}
    return json.dumps({"type": "FeatureCollection", "features": [feature]})


def _zip(path: Path, members: dict[str, bytes], *, method: int = zipfile.ZIP_DEFLATED) -> Path:
    with zipfile.ZipFile(path, "w", method) as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return path


def _patch_local_and_central(path: Path, offset_local: int, offset_central: int, fmt: str, value: int) -> None:
    """Overwrite a field of the first member in both its local header and its central directory entry."""
    data = bytearray(path.read_bytes())
    struct.pack_into(fmt, data, offset_local, value)
    central = data.index(b"PK\x01\x02")
    struct.pack_into(fmt, data, central + offset_central, value)
    path.write_bytes(bytes(data))


# -- builders: each writes one hostile site file into a folder and returns its path ----------------
def nan_vertex(d: Path) -> Path:
    r = [list(p) for p in RING]
    r[1][0] = float("nan")
    (p := d / "nan.geojson").write_text(_fc(r))
    return p


def infinite_vertex(d: Path) -> Path:
    r = [list(p) for p in RING]
    r[2][1] = float("inf")
    (p := d / "inf.geojson").write_text(_fc(r))
    return p


def huge_coordinates(d: Path) -> Path:
    (p := d / "huge.geojson").write_text(_fc([[x * 1e15, y * 1e15] for x, y in RING]))
    return p


def empty_file(d: Path) -> Path:
    (p := d / "empty.geojson").write_bytes(b"")
    return p


def png_named_geojson(d: Path) -> Path:
    (p := d / "anh.geojson").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(200))
    return p


def not_a_zip(d: Path) -> Path:
    (p := d / "hong.zip").write_bytes(b"this is not a zip archive at all")
    return p


def long_member_name(d: Path) -> Path:
    return _zip(d / "long.zip", {"a" * 300 + ".geojson": _fc(RING).encode()})


def symlink_member(d: Path) -> Path:
    p = d / "link.zip"
    with zipfile.ZipFile(p, "w") as zf:
        info = zipfile.ZipInfo("site.geojson")
        info.external_attr = (0o120777 << 16)
        zf.writestr(info, "/etc/passwd")
    return p


def encrypted_member(d: Path) -> Path:
    p = _zip(d / "enc.zip", {"site.geojson": _fc(RING).encode()}, method=zipfile.ZIP_STORED)
    _patch_local_and_central(p, 6, 8, "<H", 0x1)  # general-purpose flag bit 0: encrypted
    return p


def bad_crc(d: Path) -> Path:
    p = _zip(d / "crc.zip", {"site.geojson": _fc(RING).encode()})
    _patch_local_and_central(p, 14, 16, "<I", 0xDEADBEEF)
    return p


def unknown_method(d: Path) -> Path:
    p = _zip(d / "method.zip", {"site.geojson": _fc(RING).encode()}, method=zipfile.ZIP_STORED)
    _patch_local_and_central(p, 8, 10, "<H", 99)  # AES / unknown compression method
    return p


def too_many_members(d: Path) -> Path:
    return _zip(d / "many.zip", {f"f{i}.txt": b"x" for i in range(250)})


def zip_bomb(d: Path) -> Path:
    return _zip(d / "bomb.zip", {"site.geojson": b" " * (8 * 1024 * 1024)})


def two_sites(d: Path) -> Path:
    return _zip(d / "two.zip", {"a.geojson": _fc(RING).encode(), "b.geojson": _fc(RING).encode()})


def huge_file(d: Path) -> Path:
    p = d / "lon.geojson"
    with p.open("wb") as fh:  # 200 MB (sparse): refused by its size, never read
        fh.write(b'{"type": "FeatureCollection", "features": [')
        fh.truncate(200 * 1024 * 1024)
    return p


def many_polygons(d: Path) -> Path:
    feats = [{"type": "Feature", "properties": {}, "geometry": {"type": "Polygon", "coordinates": [[
        [106.3 + i * 1e-4, 20.4], [106.3 + i * 1e-4 + 5e-5, 20.4], [106.3 + i * 1e-4, 20.40005], [106.3 + i * 1e-4, 20.4]]]}}
        for i in range(2500)]
    (p := d / "nhieu.geojson").write_text(json.dumps({"type": "FeatureCollection", "features": feats}))
    return p


def mislabelled_vn2000_prj(d: Path) -> Path:
    import geopandas as gpd

    gpd.GeoDataFrame({"name": ["Khu"]}, geometry=[RICE], crs=9209).to_file(d / "sai.shp")
    # TM-3 105°30' on a WGS 84 datum: what many Vietnamese .prj files say for VN-2000 (ingest "mislabelled")
    (d / "sai.prj").write_text(
        'PROJCS["VN_2000_TM3_105_30",GEOGCS["GCS_WGS_1984",DATUM["D_WGS_1984",SPHEROID["WGS_1984",6378137.0,'
        '298.257223563]],PRIMEM["Greenwich",0.0],UNIT["Degree",0.0174532925199433]],PROJECTION["Transverse_Mercator"],'
        'PARAMETER["False_Easting",500000.0],PARAMETER["False_Northing",0.0],PARAMETER["Central_Meridian",105.5],'
        'PARAMETER["Scale_Factor",0.9999],PARAMETER["Latitude_Of_Origin",0.0],UNIT["Meter",1.0]]'
    )
    return d / "sai.shp"


def kml_with_entities(d: Path) -> Path:
    (p := d / "xxe.kml").write_text(
        '<?xml version="1.0"?><!DOCTYPE kml [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
        '<kml xmlns="http://www.opengis.net/kml/2.2"><Placemark><name>&x;</name><Polygon><outerBoundaryIs>'
        '<LinearRing><coordinates>106.45,20.45 106.46,20.45 106.46,20.46 106.45,20.45</coordinates></LinearRing>'
        '</outerBoundaryIs></Polygon></Placemark></kml>')
    return p


def kmz_with_entities(d: Path) -> Path:
    return _zip(d / "xxe.kmz", {"doc.kml": kml_with_entities(d).read_bytes()})


HOSTILE = {
    nan_vertex: ("review.input.coords_not_finite", "NaN hoặc vô hạn", "NaN or infinite"),
    infinite_vertex: ("review.input.coords_not_finite", "không mang giá trị số hợp lệ", "without a valid number"),
    huge_coordinates: ("review.input.coords_huge", "tọa độ quá lớn", "far too large"),
    empty_file: ("review.input.empty_file", "rỗng (0 byte)", "is empty (0 bytes)"),
    png_named_geojson: ("review.input.wrong_format", "không đúng với đuôi tên tệp", "does not hold what its name says"),
    not_a_zip: ("review.input.bad_zip", "bị hỏng", "is damaged"),
    long_member_name: ("ingest.zip_long_name", "tên tệp quá dài", "over-long file name"),
    symlink_member: ("ingest.zip_link", "liên kết", "link"),
    encrypted_member: ("ingest.zip_encrypted", "mật khẩu", "password-protected"),
    bad_crc: ("ingest.bad_zip", "zip", "not a readable zip archive"),
    unknown_method: ("ingest.bad_zip", "zip", "not a readable zip archive"),
    too_many_members: ("ingest.zip_too_many_files", "250", "holds 250 files; at most 200"),
    zip_bomb: ("ingest.zip_bomb", "zip", "possible zip bomb"),
    two_sites: ("review.input.zip_many", "a.geojson, b.geojson", "a.geojson, b.geojson"),
    huge_file: ("review.input.too_big", "200,0 MB; tệp khu đất tối đa 20 MB", "200.0 MB; a site file may be at most 20 MB"),
    many_polygons: ("review.input.too_many_features", "2500 đối tượng; tệp khu đất tối đa 2000", "2500 features; a site file may hold at most 2000"),
    kml_with_entities: ("ingest.xml_entities", "DOCTYPE/ENTITY", "DOCTYPE/ENTITY"),
    kmz_with_entities: ("ingest.xml_entities", "DOCTYPE/ENTITY", "DOCTYPE/ENTITY"),
    mislabelled_vn2000_prj: ("review.input.crs_confirm", "--crs", "Say which coordinate system"),
}


@pytest.mark.parametrize("build", list(HOSTILE), ids=lambda b: b.__name__)
def test_every_hostile_site_file_is_refused_with_a_message(tmp_path: Path, monkeypatch, build) -> None:  # type: ignore[no-untyped-def]
    import tempfile

    key, vi, en = HOSTILE[build]
    path = build(tmp_path)
    (temp := tmp_path / "temp").mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(temp))
    with pytest.raises(InputError) as err:
        site_from_file(path)
    assert err.value.key == key
    assert vi in err.value.message("vi") and en in err.value.message("en")
    assert list(temp.iterdir()) == []  # nothing unpacked is left behind


@pytest.mark.parametrize("build", [nan_vertex, huge_coordinates, long_member_name, bad_crc, png_named_geojson,
                                   huge_file, many_polygons], ids=lambda b: b.__name__)
@pytest.mark.parametrize("lang", ["vi", "en"])
def test_check_answers_hostile_files_with_exit_2_in_the_users_language(project, capsys, build, lang) -> None:  # type: ignore[no-untyped-def]
    key, vi, en = HOSTILE[build]
    path = build(project)
    rc = main(["check", str(path), "--save", "--lang", lang])
    out = capsys.readouterr()
    assert rc == 2 and out.out == ""
    assert out.err.startswith("Lỗi: " if lang == "vi" else "Error: ")
    assert (vi if lang == "vi" else en) in out.err
    assert "Traceback" not in out.err
    assert not GpkgStore.exists()  # nothing stored


def test_the_feature_count_is_checked_before_the_file_is_read(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import pyogrio

    path = many_polygons(tmp_path)

    def never(*a, **k):  # type: ignore[no-untyped-def]
        raise AssertionError("the oversized file was read")

    monkeypatch.setattr(pyogrio, "read_dataframe", never)
    with pytest.raises(InputError) as err:
        site_from_file(path)
    assert err.value.key == "review.input.too_many_features"


def test_vertex_limit_from_the_review_config(project, capsys, W) -> None:  # type: ignore[no-untyped-def]
    cfg = project / "review.toml"
    cfg.write_text("[site_file]\nmax_vertices = 4\n", encoding="utf-8")
    site = W.site_geojson(project / "rice.geojson", RICE)
    rc = main(["check", str(site), "--config", str(cfg), "--lang", "en"])
    err = capsys.readouterr().err
    assert rc == 2 and "has 5 corners in all; at most 4 are accepted (a limit the administrator sets)" in err


def test_clashing_and_thousands_of_columns_are_read(tmp_path: Path) -> None:
    (a := tmp_path / "cols.geojson").write_text(_fc(RING, {"_src_fid": 1, "geom": "x", "name": "Khu A", "NAME": "B"}))
    s = site_from_file(a)
    assert s.name == "Khu A" and s.geometry.area == pytest.approx(1_155_226, rel=1e-3)
    (b := tmp_path / "wide.geojson").write_text(_fc(RING, {**{f"c{i}": i for i in range(5000)}, "name": "Khu rộng"}))
    s = site_from_file(b)
    assert s.name == "Khu rộng" and s.geometry.area == pytest.approx(1_155_226, rel=1e-3)


def test_a_mislabelled_prj_is_taken_with_crs(tmp_path: Path) -> None:
    s = site_from_file(mislabelled_vn2000_prj(tmp_path), crs="9209")
    assert s.crs == "EPSG:9209" and s.geometry.symmetric_difference(RICE).area < 1e-3


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_coordinate_files_that_are_not_text_or_too_big(project, capsys, lang) -> None:  # type: ignore[no-untyped-def]
    (binary := project / "goc.txt").write_bytes(b"\xff\xfe\x00\x01PK\x03\x04" + bytes(100))
    rc = main(["check", str(binary), "--lang", lang])
    err = capsys.readouterr().err
    assert rc == 2 and "Traceback" not in err
    assert ("không phải tệp văn bản tọa độ (UTF-8)" if lang == "vi" else "is not a text file of coordinates (UTF-8)") in err
    with (big := project / "goc.csv").open("wb") as fh:
        fh.truncate(300 * 1024 * 1024)
    rc = main(["check", str(big), "--lang", lang])
    err = capsys.readouterr().err
    assert rc == 2 and ("300,0 MB" if lang == "vi" else "300.0 MB") in err
    (folder := project / "thu_muc.txt").mkdir()
    rc = main(["check", str(folder), "--lang", lang])
    assert rc == 2 and "thu_muc.txt" in capsys.readouterr().err


@pytest.mark.parametrize("build", [nan_vertex, empty_file, symlink_member, zip_bomb, many_polygons],
                         ids=lambda b: b.__name__)
@pytest.mark.parametrize("lang", ["vi", "en"])
def test_the_review_page_upload_answers_with_a_message(tmp_path: Path, build, lang) -> None:  # type: ignore[no-untyped-def]
    from tbgeo.ui.pages.review.site_input import read_uploaded_site

    key, vi, en = HOSTILE[build]
    path = build(tmp_path)
    site, error = read_uploaded_site(path.name, path.read_bytes(), "", lang)
    assert site is None and (vi if lang == "vi" else en) in error and "Traceback" not in error


def test_the_review_page_upload_reads_a_good_file_and_reports_a_fault(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    import tbgeo.review.site_input
    from tbgeo.ui.pages.review.site_input import read_uploaded_site

    site, error = read_uploaded_site("x" * 400 + ".geojson", _fc(RING, {"name": "Khu tải lên"}).encode(), "", "vi")
    assert error is None and site.name == "Khu tải lên" and site.geometry.area == pytest.approx(1_155_226, rel=1e-3)
    monkeypatch.setenv("TBGEO_ERROR_LOG", str(tmp_path / "e.log"))
    read_frame = tbgeo.review.site_input._read_frame
    monkeypatch.setattr(tbgeo.review.site_input, "_read_frame", lambda *a: [][1])
    site, error = read_uploaded_site("a.geojson", _fc(RING).encode(), "", "en")
    assert site is None
    # a library fault while reading the user's file is said as "cannot read", in the page's language
    assert error.startswith("Cannot read file a.geojson: ") and "Traceback" not in error
    monkeypatch.setattr(tbgeo.review.site_input, "_read_frame", read_frame)
    monkeypatch.setattr(tbgeo.review.site_input, "finish_site", lambda g: 1 / 0)
    site, error = read_uploaded_site("a.geojson", _fc(RING).encode(), "", "vi")
    assert site is None and error.startswith("Lỗi nội bộ của tbgeo (ZeroDivisionError)")
    assert "ZeroDivisionError: division by zero" in (tmp_path / "e.log").read_text()


def test_the_review_page_refuses_an_oversized_upload_before_writing_it(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    import tempfile

    from tbgeo.ui.pages.review.site_input import read_uploaded_site

    (temp := tmp_path / "temp").mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(temp))
    written: list[int] = []
    monkeypatch.setattr(Path, "write_bytes", lambda self, data: written.append(len(data)))
    site, error = read_uploaded_site("lon.geojson", b" " * (21 * 1024 * 1024), "", "vi")
    assert site is None and error.startswith("Tệp lon.geojson có dung lượng 21,0 MB; tệp khu đất tối đa 20 MB")
    assert written == [] and list(temp.iterdir()) == []
