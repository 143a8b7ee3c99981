"""Regressions of the QA audit of the site review (issue 3): one test (or more) per defect, asserting
the numbers and the text a user sees, on the synthetic province of conftest.py."""

from __future__ import annotations

import json

import geopandas as gpd
import numpy as np
import pytest
import streamlit as st
from rasterio.transform import from_origin
from shapely.geometry import Polygon, box
from streamlit.testing.v1 import AppTest

from tbgeo.cli import main
from tbgeo.crs import WORK_CRS
from tbgeo.errors import InputError
from tbgeo.review.config import LedgerConfig, ReviewConfig
from tbgeo.review.ledger import rice_ledger
from tbgeo.review.model import SiteAttrs
from tbgeo.review.rules import get_rule
from tbgeo.review.run import review_site
from tbgeo.review.site_input import note_text, site_from_coordinates, site_from_file
from tbgeo.review.zonal import RasterLanduse, VectorLanduse
from tbgeo.workspace import Workspace

RICE = box(588_500, 2_260_200, 590_500, 2_260_700)  # 100 ha: 25 ha LUC (Kiến Xương), 25 ha LUK (Tiền Hải)
IN_PARK = box(596_500, 2_258_500, 597_500, 2_259_500)  # 100 ha, no rice
CORNERS = "Điểm X Y\n1 2260200 588500\n2 2260200 590500\n3 2260700 590500\n4 2260700 588500\n"


def _check(capsys, *argv):
    rc = main(["check", *map(str, argv)])
    out = capsys.readouterr()
    return rc, out.out, out.err


def _approve(ws: Workspace, pid: int) -> None:
    ws.set_status(pid, "submitted")
    ws.set_status(pid, "approved")


def _geojson(path, coords, crs_member=None):
    fc = {"type": "FeatureCollection",
          "features": [{"type": "Feature", "properties": {"name": "Khu thử"},
                        "geometry": {"type": "Polygon", "coordinates": [coords]}}]}
    if crs_member:
        fc["crs"] = crs_member
    path.write_text(json.dumps(fc), encoding="utf-8")
    return path


# -- 1. empty proposals / empty files -------------------------------------------------------------
def _ws_with_layer_version_only(world_frames) -> Workspace:
    ws = Workspace.open()
    ws.add_layer_version("districts", world_frames["districts"], source_name="districts.geojson", sha256="0" * 64)
    assert ws.proposals() == [] and ws.proposals_frame().empty
    return ws


def test_check_on_workspace_without_proposals(project, capsys, W, world_frames):
    _ws_with_layer_version_only(world_frames)
    site = W.site_geojson(project / "p.geojson", IN_PARK)
    rc, out, err = _check(capsys, site, "--format", "json")
    assert rc == 0, err
    d = json.loads(out)
    f = next(f for f in d["findings"] if f["rule"] == "proposal_overlap")
    assert (f["severity"], f["value"]) == ("ok", 0.0)
    assert d["context"]["sources"]["districts"] == "workspace:districts@v1"


def test_page_on_workspace_without_proposals(project, world_frames):
    _ws_with_layer_version_only(world_frames)
    st.cache_resource.clear()
    at = AppTest.from_string("from tbgeo.ui.pages import review\nreview.render('vi')\n", default_timeout=60).run()
    assert not at.exception, at.exception
    assert any("Chưa có đề xuất nào được lưu." in i.value for i in at.info)
    at.text_area(key="review_coords").set_value(CORNERS)
    at.button(key="review_use_coords").click().run()
    next(b for b in at.button if b.label == "Thẩm tra").click().run()
    assert not at.exception, at.exception
    assert [m.value for m in at.metric][:2] == ["100,00 ha", "50,00 ha"]


def test_empty_feature_collection_exits_2(project, capsys):
    empty = project / "empty.geojson"
    empty.write_text('{"type": "FeatureCollection", "features": []}', encoding="utf-8")
    with pytest.raises(InputError) as e:
        site_from_file(empty)
    assert e.value.key == "review.input.no_polygon"
    rc, out, err = _check(capsys, empty)
    assert rc == 2 and out == "" and "Traceback" not in err
    assert "Tệp empty.geojson không có đa giác nào" in err


def test_vector_landuse_with_no_polygons_knows_nothing():
    empty = gpd.GeoDataFrame({"loai_dat": []}, geometry=gpd.GeoSeries([], crs=WORK_CRS))
    (a,) = VectorLanduse(empty, code_column="loai_dat").areas([IN_PARK])
    assert (a.site_m2, a.known_m2, a.rice_ha) == (pytest.approx(1e6), 0.0, 0.0)


# -- 2. proposal overlap is the union, in the reader's language -----------------------------------
def test_overlap_is_the_union_and_translated(ctx):
    site = box(589_000, 2_260_200, 589_300, 2_260_500)  # 9 ha, inside both stored proposals
    stored = gpd.GeoDataFrame(
        {"proposal_id": [1, 2], "name": ["Nhà máy A", "Nhà máy B"], "status": ["approved", "approved"]},
        geometry=[RICE, box(588_900, 2_260_100, 589_400, 2_260_600)], crs=WORK_CRS,
    )
    rep = review_site(site, context=ctx.with_proposals(stored), config=ReviewConfig(),
                      rules=[get_rule("proposal_overlap")])
    f = rep.finding("proposal_overlap")
    assert f.severity == "block" and f.value == pytest.approx(9.0)  # not 18 ha: the same 9 ha twice
    assert [p["ha"] for p in f.details["proposals"]] == [pytest.approx(9.0), pytest.approx(9.0)]
    assert f.text("vi") == ("Chồng lấn 9,00 ha với đề xuất đã được duyệt: số 1 Nhà máy A (Đã duyệt, 9,00 ha), "
                            "số 2 Nhà máy B (Đã duyệt, 9,00 ha).")
    assert "approved" not in f.text("vi")
    assert "no. 1 Nhà máy A (Approved, 9.00 ha)" in f.text("en")


# -- 3. GeoJSON with projected coordinates and no crs member; swapped axes ------------------------
def test_geojson_in_vn2000_metres_without_crs_is_guessed(project, capsys):
    coords = [list(c) for c in RICE.exterior.coords]
    path = _geojson(project / "metres.geojson", coords)
    s = site_from_file(path)
    assert s.crs == "EPSG:9209" and s.geometry.symmetric_difference(RICE).area < 1e-3
    assert [getattr(n, "key", n) for n in s.notes] == ["review.input.note_not_degrees", "review.input.note_crs_guessed_as"]
    rc, out, _ = _check(capsys, path, "--format", "json")
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
    rc, out, err = _check(capsys, path)
    assert rc == 2 and out == "" and "Traceback" not in err
    assert "bắt đầu từ 100.000,00; 200.000,00" in err and "--crs" in err
    rc, out, err = _check(capsys, path, "--lang", "en")
    assert rc == 2 and "(from 100,000.00; 200,000.00)" in err and "--crs" in err


def test_wrong_declared_crs_never_gives_infinite_geometry(project, capsys):
    # metres declared as lon/lat explicitly with --crs 4326: refused, not an infinite polygon
    coords = [list(c) for c in RICE.exterior.coords]
    path = _geojson(project / "m.geojson", coords)
    rc, _, err = _check(capsys, path, "--crs", "4326")
    assert rc == 2 and "Traceback" not in err
    assert "Tọa độ khu đất (588.500,00; 2.260.200,00) không phải độ kinh, vĩ nên không dùng được với EPSG:4326" in err


# -- 4. land use without geometry ---------------------------------------------------------------
def test_landuse_csv_is_refused(project, capsys, W):
    (project / "data.csv").write_text("loai_dat,dien_tich\nLUC,12.5\n", encoding="utf-8")
    site = W.site_geojson(project / "p.geojson", IN_PARK)
    for lang, text in (("vi", "Không đọc được lớp sử dụng đất data.csv: tệp không có cột hình học"),
                       ("en", "data.csv: the file has no geometry column")):
        rc, out, err = _check(capsys, site, "--landuse", project / "data.csv", "--lang", lang)
        assert rc == 2 and out == "" and text in err and "Traceback" not in err


# -- 5. land without land-use data --------------------------------------------------------------
def _half_raster(path, W):
    """LUC block values over x 588,000–589,500 only (the west half of RICE): 25 ha LUC, 50 ha of RICE uncovered."""
    arr = np.zeros((100, 150), dtype="uint8")  # 1.5 km × 1 km at 10 m, from x 588,000, y 2,261,000 down
    arr[:, :100] = 1  # x 588,000–589,000: LUC
    return W.write_raster(path, arr, from_origin(588_000, 2_261_000, 10, 10))


def test_partly_covered_site_reports_unknown_and_never_ok(ctx, tmp_path, W):
    tif = _half_raster(tmp_path / "half.tif", W)
    half = ctx.__class__.from_frames(districts=ctx.districts, landuse=RasterLanduse(tif, classes={1: "LUC"}))
    rep = review_site(RICE, context=half, config=ReviewConfig())
    lu = rep.facts.landuse
    assert lu.luc_ha == pytest.approx(25.0) and lu.unknown_ha == pytest.approx(50.0)
    d = rep.to_dict("vi")
    assert d["rice"]["unknown_ha"] == pytest.approx(50.0) and d["rice"]["unknown_share"] == pytest.approx(0.5)
    sev = {f.rule: (f.severity, f.message) for f in rep.findings}
    assert sev["rice_land"] == ("warn", "rice_partial")
    assert sev["rice_resolution"] == ("warn", "needed_partial")
    assert sev["rice_topsoil_eia"] == ("warn", "needed_partial")
    assert sev["rice_luc_payment"] == ("warn", "no_price_partial")
    text = rep.finding("rice_land").text("vi")
    assert "ít nhất 25,00 ha đất lúa" in text and "50,00 ha (50,0 %) không có dữ liệu sử dụng đất" in text
    assert "Không có dữ liệu sử dụng đất: 50,00 ha (50,0 % diện tích khu đất)" in rep.text("vi")
    # the value column (review panel, printed sheet) says the figure is a minimum
    assert rep.finding("rice_land").value_text("vi") == "25,00 ha (tối thiểu; 50,00 ha chưa có dữ liệu)"
    assert rep.finding("rice_resolution").value_text("en") == "25.00 ha (minimum; 50.00 ha without data)"
    # a partly covered site with no rice where there is data is not "ok" either
    east = box(589_500, 2_260_200, 590_500, 2_260_700)  # x 589,500–590,500: no data at all east of 589,500
    west = box(589_000, 2_260_200, 590_000, 2_260_700)  # half on value-0 cells, half without data
    rep = review_site(west, context=half, config=ReviewConfig())
    sev = {f.rule: (f.severity, f.message) for f in rep.findings}
    assert rep.facts.landuse.unknown_ha == pytest.approx(25.0) and rep.facts.landuse.rice_ha == pytest.approx(0.0)
    assert sev["rice_land"] == ("warn", "none_partial")
    assert sev["rice_resolution"] == ("warn", "unknown_partial")
    assert sev["rice_topsoil_eia"] == ("warn", "unknown_partial")
    assert sev["rice_luc_payment"] == ("warn", "no_luc_partial")
    assert rep.finding("rice_land").text("en") == (
        "No rice land where there is data, but 25.00 ha (50.0 %) of the site have no land-use data: it is not "
        "established that the site takes no rice land.")
    # nothing covered: cannot be assessed
    rep = review_site(east, context=half, config=ReviewConfig())
    sev = {f.rule: (f.severity, f.message, f.value) for f in rep.findings}
    for rule in ("rice_land", "rice_resolution", "rice_topsoil_eia", "rice_luc_payment"):
        assert sev[rule] == ("warn", "not_covered", None), rule
    assert rep.finding("rice_land").text("vi") == (
        "Lớp sử dụng đất không phủ khu đất (50,00 ha không có dữ liệu): chưa đánh giá được đất lúa.")
    assert rep.finding("rice_land").value_text("vi") == "— (50,00 ha chưa có dữ liệu)"


def test_nodata_cells_count_as_unknown(ctx, tmp_path, W):
    arr = np.full((100, 200), 255, dtype="uint8")  # all nodata over RICE's neighbourhood
    arr[:, :50] = 1
    tif = W.write_raster(tmp_path / "nodata.tif", arr, from_origin(588_500, 2_261_000, 10, 10))
    c = ctx.__class__.from_frames(landuse=RasterLanduse(tif, classes={1: "LUC"}))
    rep = review_site(RICE, context=c, config=ReviewConfig())
    assert rep.facts.landuse.luc_ha == pytest.approx(25.0) and rep.facts.landuse.unknown_ha == pytest.approx(75.0)
    assert rep.finding("rice_land").severity == "warn" and rep.finding("rice_land").message == "rice_partial"


def test_cli_half_landuse_json_text_and_sheet(project, capsys, W):
    import io

    from pypdf import PdfReader

    tif = _half_raster(project / "half.tif", W)
    site = W.site_geojson(project / "rice.geojson", RICE)
    sheet = project / "phieu.pdf"
    rc, out, _ = _check(capsys, site, "--landuse", tif, "--format", "json", "--sheet", sheet)
    d = json.loads(out)
    assert d["rice"]["luc_ha"] == pytest.approx(25.0, rel=1e-3) and d["rice"]["unknown_ha"] == pytest.approx(50.0, rel=1e-3)
    rules = {f["rule"]: f for f in d["findings"]}
    assert rules["rice_resolution"]["severity"] == "warn"
    assert rules["rice_land"]["value_text"] == "25,00 ha (tối thiểu; 50,00 ha chưa có dữ liệu)"
    printed = " ".join(PdfReader(io.BytesIO(sheet.read_bytes())).pages[0].extract_text().split())
    assert "tối thiểu; 50,00 ha chưa có dữ liệu" in printed
    rc, out, _ = _check(capsys, site, "--landuse", tif)
    assert "Không có dữ liệu sử dụng đất: 50,00 ha (50,0 % diện tích khu đất) — số đất lúa là mức tối thiểu" in out
    assert "Khu đất lấy ít nhất 25,00 ha đất lúa" in out


# -- 6. self-intersecting outlines are refused everywhere, saying where --------------------------
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
    rc, out, err = _check(capsys, path, "--lang", "en")
    assert rc == 2 and out == "" and "crosses itself: edge 1–2 crosses edge 3–4, near 20.4" in err


def test_typed_bowtie_is_refused_the_same_way():
    text = "\n".join(f"{y} {x}" for x, y in BOWTIE)
    with pytest.raises(InputError) as e:
        site_from_coordinates(text, system="vn2000")
    assert e.value.key == "review.input.self_intersecting"
    assert "cạnh 1–2 cắt cạnh 3–4" in e.value.message("vi")
    assert e.value.params["lat"].value == pytest.approx(_crossing_latlon().y, abs=2e-6)


# -- 8. Vietnamese text has no English words or decimal points ----------------------------------
def test_gas_status_and_numbers_in_vietnamese(ctx):
    rep = review_site(IN_PARK, attrs=SiteAttrs(gas_use_m3_day=500.0), context=ctx, config=ReviewConfig(),
                      rules=[get_rule("gas_distance")])
    f = rep.finding("gas_distance")
    assert f.text("vi") == ("Cách đường ống khí gần nhất (Ống cao áp, hiện có) 1,50 km; cách Trung tâm khí Tiền Hải "
                            "2,24 km.")  # √(1² + 2²) km to the gas centre
    assert "1.50 km from the nearest gas pipeline (Ống cao áp, existing)" in f.text("en")
    with pytest.raises(InputError) as e:
        review_site(box(590_000, 2_260_000, 590_001, 2_260_000.5), context=ctx)
    assert e.value.message("vi") == "Khu đất quá nhỏ (0,50 m²). Kiểm tra lại tọa độ hoặc hệ tọa độ."
    assert "(0.50 m²)" in e.value.message("en")
    with pytest.raises(InputError) as e:
        review_site(IN_PARK, attrs=SiteAttrs(investment_bvnd=-5.5), context=ctx)
    assert e.value.message("vi") == "Giá trị “vốn đầu tư” không được âm (-5,50)."
    with pytest.raises(InputError) as e:
        ReviewConfig().with_inputs(land_price_vnd_m2=-1500.0)
    assert e.value.message("vi") == "Giá đất không được âm (-1.500)."


# -- 9. province: title and value agree ---------------------------------------------------------
def test_province_value_is_the_share_inside(ctx):
    f = review_site(IN_PARK, context=ctx, rules=[get_rule("province")]).finding("province")
    assert (f.severity, f.value_text("vi"), f.text("vi")) == (
        "ok", "100,0 %", "Khu đất nằm trong tỉnh Thái Bình (100,0 % diện tích).")
    f = review_site(box(599_500, 2_258_000, 600_500, 2_259_000), context=ctx, rules=[get_rule("province")]).finding("province")
    assert (f.severity, f.value_text("en")) == ("block", "50.0 %")
    assert f.text("en") == "Only 50.0 % of the site lies inside Thái Bình province; 50.0 % lies outside it."


# -- 10. the ledger does not count overlapping land twice ---------------------------------------
def _ledger_ws(ctx) -> Workspace:
    ws = Workspace.open()
    for name, geom, status in (
        ("A", RICE, "approved"),  # 25 LUC (Kiến Xương) + 25 LUK (Tiền Hải)
        ("A bis", RICE, "submitted"),  # the same land again (it cannot be approved twice: pending)
        ("B", box(589_000, 2_260_200, 591_000, 2_260_700), "submitted"),  # overlaps A; new land: 25 ha LUK
        ("C", box(588_000, 2_260_900, 588_200, 2_261_000), "submitted"),  # isolated: 2 ha LUC
    ):
        rep = review_site(geom, attrs=SiteAttrs(name=name), context=ctx, config=ReviewConfig())
        p = ws.add_proposal(geom, name=name, report=rep.to_dict("vi"))
        ws.set_status(p.id, "submitted")
        if status == "approved":
            ws.set_status(p.id, "approved")
    return ws


def test_ledger_counts_overlapping_land_once(ctx):
    ws = _ledger_ws(ctx)
    ledger = rice_ledger(ws.proposals(), config=LedgerConfig(quota_ha=100.0), landuse=ctx.landuse,
                         districts=ctx.districts)
    t = ledger.total
    # summed reports would give 25+25 approved and 25+25 + 50 + 2 pending = 152 ha
    assert (t.approved_luc_ha, t.approved_luk_ha) == (pytest.approx(25.0), pytest.approx(25.0))
    assert (t.pending_luc_ha, t.pending_luk_ha) == (pytest.approx(2.0), pytest.approx(25.0))
    assert t.total_ha == pytest.approx(77.0) and t.remaining_ha == pytest.approx(23.0) and t.proposals == 4
    rows = {r.district: r for r in ledger.rows}
    assert rows["Kiến Xương"].approved_luc_ha == pytest.approx(25.0) and rows["Kiến Xương"].pending_luc_ha == pytest.approx(2.0)
    assert rows["Tiền Hải"].approved_luk_ha == pytest.approx(25.0) and rows["Tiền Hải"].pending_luk_ha == pytest.approx(25.0)
    assert ledger.merged == [[1, 2, 3]]


def test_cli_ledger_uses_the_current_landuse_layer(project, capsys, ctx):
    _ledger_ws(ctx)
    assert main(["ledger", "--format", "json"]) == 0
    d = json.loads(capsys.readouterr().out)
    assert d["total"]["total_ha"] == pytest.approx(77.0, rel=1e-4) and d["merged"] == [[1, 2, 3]]


# -- 11. every reviewed site is stored ---------------------------------------------------------
def test_check_save_stores_a_draft(project, capsys, W):
    site = W.site_geojson(project / "rice.geojson", RICE, name="Khu lúa")
    rc, out, _ = _check(capsys, site, "--save")
    assert rc == 0 and out.rstrip().endswith("Đã lưu khu đất vào hồ sơ đề xuất số 1 (trạng thái: dự thảo).")
    rc, out, _ = _check(capsys, site, "--save", "--format", "json", "--lang", "en")
    d = json.loads(out)
    assert d["proposal_id"] == 2
    p = Workspace.open_existing().proposal(2)
    assert (p.name, p.status, p.report["rice"]["total_ha"]) == ("Khu lúa", "draft", pytest.approx(50.0))
    assert p.area_ha == pytest.approx(100.0, rel=1e-4)
    rc, out, _ = _check(capsys, site)  # without --save nothing is stored
    assert len(Workspace.open_existing().proposals()) == 2


def test_note_text_formats_numbers():
    from tbgeo.i18n.params import Num, Template

    note = Template("review.input.note_repaired", {"ha": Num(4.5, 2)})
    assert note_text(note, "vi").endswith("diện tích sau khi sửa 4,50 ha.")
    assert note_text("review.input.note_union", "en").startswith("The file holds several polygons")
