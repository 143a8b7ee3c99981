"""``tbgeo check``: JSON shape, exit codes 0–4, messages in both languages, through a real catalog."""

from __future__ import annotations

import json

import geopandas as gpd
import numpy as np
import pytest
from rasterio.transform import from_origin
from shapely.geometry import box

from tbgeo.cli import main
from tbgeo.store.gpkg import GpkgStore
from tests.locks import hold_store

from .helpers import check, half_landuse_raster, store_with_districts_only

RICE = box(588_500, 2_260_200, 590_500, 2_260_700)
IN_PARK = box(596_500, 2_258_500, 597_500, 2_259_500)


def test_json_shape_and_exit_0(project, capsys, W):
    site = W.site_geojson(project / "rice.geojson", RICE, name="Khu lúa")
    rc, out, _ = check(capsys, site, "--sector", "electronics", "--format", "json", "--lang", "en")
    assert rc == 0
    d = json.loads(out)
    assert d["site"]["name"] == "Khu lúa" and d["site"]["area_ha"] == pytest.approx(100.0, rel=1e-4)
    assert [x["name"] for x in d["site"]["districts"]] == ["Kiến Xương", "Tiền Hải"]
    assert sum(x["share"] for x in d["site"]["districts"]) == pytest.approx(1.0)
    assert d["rice"]["luc_ha"] == pytest.approx(25.0, rel=1e-3) and d["rice"]["luk_ha"] == pytest.approx(25.0, rel=1e-3)
    assert d["rice"]["total_ha"] == pytest.approx(50.0, rel=1e-3) and d["rice"]["share"] == pytest.approx(0.5, rel=1e-3)
    rules = {f["rule"]: f for f in d["findings"]}
    assert rules["rice_resolution"]["severity"] == "warn"
    assert rules["rice_resolution"]["citation"] == "Điều 1, III.4; Land Law 2024, Art. 122"
    assert rules["rice_land"]["unit"] == "ha" and rules["rice_land"]["value"] == pytest.approx(50.0, rel=1e-3)
    assert d["verdict"] == "warn"
    assert d["context"]["missing"] == []


def test_blocking_sector_exits_1_text(project, capsys, W):
    site = W.site_geojson(project / "p.geojson", IN_PARK)
    rc, out, _ = check(capsys, site, "--sector", "dyeing")
    assert rc == 1
    assert "Chặn" in out and "🔴" not in out and "Kết luận: Chặn" in out and "nhuộm" in out.lower()


def test_landuse_override_and_payment_inputs(project, capsys, W):
    # a 4326 land-use raster of codes 7 = LUC over the whole province, with its own pixel table
    arr = np.full((200, 300), 7, dtype="uint8")
    tif = W.write_raster(project / "lu4326.tif", arr, from_origin(106.2, 20.6, 0.001, 0.001), crs="EPSG:4326")
    site = W.site_geojson(project / "p.geojson", IN_PARK)
    rc, out, _ = check(capsys, site, "--landuse", tif, "--classes", "7=LUC", "--levy-rate", "60", "--land-price", "100000",
                        "--format", "json")
    d = json.loads(out)
    assert rc == 0
    assert d["rice"]["luc_ha"] == pytest.approx(100.0, rel=1e-4)
    assert d["rice"]["source"]["crs"] == "EPSG:4326"
    pay = next(f for f in d["findings"] if f["rule"] == "rice_luc_payment")
    assert pay["value"] == pytest.approx(0.6 * 1_000_000 * 100_000, rel=1e-4)
    assert d["inputs"]["levy_rate_pct"] == 60.0 and d["inputs"]["land_price_vnd_m2"] == 100_000.0


def test_vector_landuse_and_coordinates_file(project, capsys, W):
    parcels = gpd.GeoDataFrame({"loai_dat": ["LUK", "ONT"]},
                               geometry=[box(596_500, 2_258_500, 597_000, 2_259_500), box(597_000, 2_258_500, 597_500, 2_259_500)],
                               crs=9209)
    parcels.to_file(project / "lu.gpkg", driver="GPKG")
    coords = project / "corners.txt"
    coords.write_text("Điểm X Y\n" + "\n".join(f"{i} {y} {x}" for i, (x, y) in enumerate(list(IN_PARK.exterior.coords)[:-1], 1)),
                      encoding="utf-8")
    rc, out, _ = check(capsys, coords, "--landuse", project / "lu.gpkg", "--format", "json", "--coords", "vn2000")
    d = json.loads(out)
    assert rc == 0 and d["rice"]["luk_ha"] == pytest.approx(50.0) and d["rice"]["luc_ha"] == 0.0
    assert d["rice"]["source"]["code_column"] == "loai_dat"


@pytest.mark.parametrize(
    "argv, vi, en",
    [
        (["missing.geojson"], "Không tìm thấy tệp", "not found"),
        (["{site}", "--sector", "bogus"], "bogus", "bogus"),
        (["{site}", "--levy-rate", "150"], "0 đến 100", "between 0 and 100"),
        (["{site}", "--landuse", "nothere.tif"], "Không tìm thấy lớp sử dụng đất", "not found"),
        (["{site}", "--technology", "ancient"], "ancient", "ancient"),
    ],
)
def test_bad_input_exits_2_in_both_languages(project, capsys, W, argv, vi, en):
    site = W.site_geojson(project / "p.geojson", IN_PARK)
    args = [a.replace("{site}", str(site)) for a in argv]
    for lang, text in (("vi", vi), ("en", en)):
        rc, out, err = check(capsys, *args, "--lang", lang)
        assert rc == 2
        assert text in err and "Traceback" not in err and out == ""


def test_overlap_with_stored_proposal(project, capsys, W):
    from tbgeo.store.gpkg import GpkgStore

    ws = GpkgStore.open()
    p = ws.add_proposal(IN_PARK, name="Đã duyệt", status="draft")
    ws.set_status(p.id, "submitted")
    ws.set_status(p.id, "approved")
    site = W.site_geojson(project / "p.geojson", IN_PARK)
    rc, out, _ = check(capsys, site, "--format", "json")
    d = json.loads(out)
    assert rc == 1
    f = next(f for f in d["findings"] if f["rule"] == "proposal_overlap")
    assert f["severity"] == "block" and f["value"] == pytest.approx(100.0, rel=1e-4)
    rc, _, _ = check(capsys, site, "--no-proposals", "--format", "json")
    assert rc == 0


def test_check_on_workspace_without_proposals(project, capsys, W, world_frames):
    store_with_districts_only(world_frames)
    site = W.site_geojson(project / "p.geojson", IN_PARK)
    rc, out, err = check(capsys, site, "--format", "json")
    assert rc == 0, err
    d = json.loads(out)
    f = next(f for f in d["findings"] if f["rule"] == "proposal_overlap")
    assert (f["severity"], f["value"]) == ("ok", 0.0)
    assert d["context"]["sources"]["districts"] == "workspace:districts@v1"


def test_landuse_csv_is_refused(project, capsys, W):
    (project / "data.csv").write_text("loai_dat,dien_tich\nLUC,12.5\n", encoding="utf-8")
    site = W.site_geojson(project / "p.geojson", IN_PARK)
    for lang, text in (("vi", "Không đọc được lớp sử dụng đất data.csv: tệp không có cột hình học"),
                       ("en", "data.csv: the file has no geometry column")):
        rc, out, err = check(capsys, site, "--landuse", project / "data.csv", "--lang", lang)
        assert rc == 2 and out == "" and text in err and "Traceback" not in err


def test_cli_half_landuse_json_text_and_sheet(project, capsys, W):
    import io

    from pypdf import PdfReader

    tif = half_landuse_raster(project / "half.tif", W)
    site = W.site_geojson(project / "rice.geojson", RICE)
    sheet = project / "phieu.pdf"
    rc, out, _ = check(capsys, site, "--landuse", tif, "--format", "json", "--sheet", sheet)
    d = json.loads(out)
    assert d["rice"]["luc_ha"] == pytest.approx(25.0, rel=1e-3) and d["rice"]["unknown_ha"] == pytest.approx(50.0, rel=1e-3)
    rules = {f["rule"]: f for f in d["findings"]}
    assert rules["rice_resolution"]["severity"] == "warn"
    assert rules["rice_land"]["value_text"] == "25,00 ha (tối thiểu; 50,00 ha chưa có dữ liệu)"
    printed = " ".join(PdfReader(io.BytesIO(sheet.read_bytes())).pages[0].extract_text().split())
    assert "tối thiểu; 50,00 ha chưa có dữ liệu" in printed
    rc, out, _ = check(capsys, site, "--landuse", tif)
    assert "Không có dữ liệu sử dụng đất: 50,00 ha (50,0 % diện tích khu đất) — số đất lúa là mức tối thiểu" in out
    assert "Khu đất lấy ít nhất 25,00 ha đất lúa" in out


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_an_internal_fault_exits_3_not_1(project, capsys, monkeypatch, W, lang) -> None:  # type: ignore[no-untyped-def]
    import tbgeo.review.run

    log = project / "errors.log"
    monkeypatch.setenv("TBGEO_ERROR_LOG", str(log))
    monkeypatch.delenv("TBGEO_DEBUG", raising=False)

    def boom(*a, **k):  # type: ignore[no-untyped-def]
        raise ZeroDivisionError("injected fault")

    monkeypatch.setattr(tbgeo.review.run, "review_site", boom)
    site = W.site_geojson(project / "rice.geojson", RICE)
    rc = main(["check", str(site), "--save", "--lang", lang])
    err = capsys.readouterr().err
    assert rc == 3
    if lang == "vi":
        assert err.startswith("Lỗi nội bộ của tbgeo (ZeroDivisionError): lệnh chưa hoàn thành")
    else:
        assert err.startswith("Internal error in tbgeo (ZeroDivisionError): the command did not finish")
    assert str(log) in err and "Traceback" not in err
    assert "Traceback" in log.read_text() and "injected fault" in log.read_text()
    assert not GpkgStore.exists()


def test_debug_shows_the_traceback(project, capsys, monkeypatch, W) -> None:  # type: ignore[no-untyped-def]
    import tbgeo.review.run

    monkeypatch.setenv("TBGEO_DEBUG", "1")
    monkeypatch.setattr(tbgeo.review.run, "review_site", lambda *a, **k: 1 / 0)
    rc = main(["check", str(W.site_geojson(project / "r.geojson", RICE)), "--lang", "en"])
    err = capsys.readouterr().err
    assert rc == 3 and "Traceback" in err and "ZeroDivisionError" in err


def test_check_help_documents_the_exit_codes(capsys) -> None:  # type: ignore[no-untyped-def]
    for lang, text in (("vi", "3 lỗi nội bộ của tbgeo"), ("en", "3 internal error in tbgeo")):
        assert main(["check", "--help", "--lang", lang]) == 0
        out = " ".join(capsys.readouterr().out.split())
        assert text in out and ("1 có điểm ngăn cản" if lang == "vi" else "1 a finding blocks") in out


def test_a_sheet_that_cannot_be_written_is_bad_input(project, capsys, W) -> None:  # type: ignore[no-untyped-def]
    site = W.site_geojson(project / "rice.geojson", RICE)
    rc = main(["check", str(site), "--sheet", str(project / "khong_co" / "phieu.pdf"), "--lang", "en"])
    err = capsys.readouterr().err
    assert rc == 2 and "Could not write" in err and "phieu.pdf" in err and "Traceback" not in err
    assert not (project / "khong_co").exists()


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_cli_with_a_locked_store_says_busy_and_exits_4(project, capsys, monkeypatch, W, lang) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("TBGEO_LOCK_WAIT", "0.3")
    site = W.site_geojson(project / "rice.geojson", RICE)
    assert main(["check", str(site), "--save"]) == 0
    capsys.readouterr()
    ws_path = GpkgStore.open_existing().path
    raw = ws_path.read_bytes()
    busy = ("Lỗi: Kho dữ liệu đang bận (một chương trình khác đang ghi vào đó" if lang == "vi"
            else "Error: The store is busy (another program is writing to it")
    release, th = hold_store(ws_path, "EXCLUSIVE")
    try:
        for argv in (["check", str(site), "--save"], ["proposals", "1", "--status", "submitted"],
                     ["proposals", "1", "--comment", "Đồng ý"], ["proposals"]):
            rc = main([*argv, "--lang", lang])
            err = capsys.readouterr().err
            assert rc == 4, argv
            assert err.startswith(busy) and "Traceback" not in err
    finally:
        release.set()
        th.join(10)
    assert ws_path.read_bytes() == raw
    assert [p.status for p in GpkgStore.open_existing().proposals()] == ["draft"]
