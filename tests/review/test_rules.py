"""One site that triggers each rule and one that does not, on the synthetic province, texts as shown."""

from __future__ import annotations

import dataclasses

import geopandas as gpd
import numpy as np
import pytest
from rasterio.transform import from_origin
from shapely.geometry import box

from tbgeo.crs import WORK_CRS
from tbgeo.errors import InputError
from tbgeo.review.config import ReviewConfig
from tbgeo.review.landuse_files import read_raster
from tbgeo.review.model import SiteAttrs
from tbgeo.review.rules import all_rules, get_rule
from tbgeo.review.run import review_site

from .helpers import half_landuse_raster

IN_PARK = box(596_500, 2_258_500, 597_500, 2_259_500)  # 100 ha, in KCN Tiền Hải and the economic zone
RICE = box(588_500, 2_260_200, 590_500, 2_260_700)  # 100 ha: 25 ha LUC (Kiến Xương), 25 ha LUK (Tiền Hải)
OUTSIDE = box(610_000, 2_258_000, 611_000, 2_259_000)
PARTLY_OUT = box(599_500, 2_258_000, 600_500, 2_259_000)  # half east of the province
SMALL_LUC = box(588_000, 2_260_000, 588_150, 2_260_100)  # 1.5 ha, all LUC
NEAR_PIPE = box(599_010, 2_261_000, 599_500, 2_261_500)  # 10 m from the high-pressure pipe
CLEAR_PIPE = box(599_040, 2_261_000, 599_500, 2_261_500)  # 40 m from it
MAIZE_SITE = box(587_000, 2_257_000, 588_500, 2_257_500)  # 50 ha in the maize zone
AGRI_SITE = box(584_200, 2_262_200, 584_800, 2_262_800)  # 36 ha in the agriculture park
PARTLY_PARK = box(597_500, 2_259_000, 598_500, 2_259_500)  # half in the park
INNER = box(584_000, 2_256_500, 585_000, 2_257_000)  # 50 ha inner field, no rice, no park
IN_CLUSTER = box(582_200, 2_258_200, 582_800, 2_258_800)  # 36 ha in CCN Vũ Lăng


def run(rule_id, site, ctx, *, cfg=None, **attrs):
    report = review_site(site, attrs=SiteAttrs(**attrs), context=ctx, config=cfg or ReviewConfig(), rules=[get_rule(rule_id)])
    (finding,) = report.findings
    return finding


CASES = [
    # rule, site, attrs, severity, message, value
    # the value is the share INSIDE the province, as the title says
    ("province", OUTSIDE, {}, "block", "outside", 0.0),
    ("province", PARTLY_OUT, {}, "block", "partly", 50.0),
    ("province", IN_PARK, {}, "ok", "inside", 100.0),
    ("districts", RICE, {}, "info", "many", 2),
    ("districts", IN_PARK, {}, "info", "one", 1),
    ("rice_land", RICE, {}, "warn", "rice", 50.0),
    ("rice_land", IN_PARK, {}, "ok", "none", 0.0),
    ("rice_resolution", SMALL_LUC, {}, "warn", "needed", 1.5),
    ("rice_resolution", IN_PARK, {}, "ok", "not_needed", 0.0),
    ("rice_topsoil_eia", RICE, {}, "warn", "needed", 50.0),
    ("rice_topsoil_eia", SMALL_LUC, {}, "ok", "not_needed", 1.5),
    ("rice_luc_payment", RICE, {}, "info", "no_price", None),
    ("rice_luc_payment", IN_PARK, {}, "ok", "no_luc", 0),
    # no stored proposals read (a context from frames): the site against the whole quota, as information
    ("rice_quota", RICE, {}, "info", "within", 950.0),
    ("rice_quota", IN_PARK, {}, "info", "none", 1000.0),
    ("investment_authority", RICE, {}, "ok", "below", 25.0),
    ("sector_refused", IN_PARK, {"sector": "dyeing"}, "block", "refused", "dyeing"),
    ("sector_refused", IN_PARK, {"sector": "steel_rolling"}, "block", "refused", "steel_rolling"),
    ("sector_refused", IN_PARK, {"sector": "electronics"}, "ok", "priority", "electronics"),
    ("sector_discouraged", IN_PARK, {"sector": "white_cement_expansion"}, "warn", "discouraged", "white_cement_expansion"),
    ("sector_discouraged", IN_PARK, {"sector": "electronics"}, "ok", "not_discouraged", "electronics"),
    ("technology", IN_PARK, {"technology": "outdated"}, "block", "outdated", "outdated"),
    ("technology", IN_PARK, {"technology": "high"}, "ok", "high", "high"),
    ("land_efficiency", IN_PARK, {"investment_bvnd": 500.0}, "info", "value", 5.0),
    ("land_efficiency", IN_PARK, {}, "info", "not_given", None),
    ("zone_profile", INNER, {"sector": "dyeing"}, "info", "not_in", None),
    ("zone_profile", IN_PARK, {}, "info", "unknown", "KCN Tiền Hải"),
    ("zone_profile", IN_PARK, {"sector": "dyeing"}, "warn", "park_polluting", "KCN Tiền Hải"),
    ("zone_profile", IN_PARK, {"sector": "electronics"}, "ok", "park_fit", "KCN Tiền Hải"),
    ("zone_profile", IN_CLUSTER, {"sector": "tanning"}, "warn", "cluster_polluting", "CCN Vũ Lăng"),
    ("zone_profile", IN_CLUSTER, {"sector": "textile_garment"}, "ok", "cluster_fit", "CCN Vũ Lăng"),
    ("zone_profile", AGRI_SITE, {"sector": "agro_processing"}, "info", "agri_park", "KCN chuyên nông nghiệp"),
    ("industrial_zone", INNER, {}, "warn", "outside", 0.0),
    ("industrial_zone", PARTLY_PARK, {}, "warn", "partly", 50.0),
    ("industrial_zone", IN_PARK, {}, "ok", "inside", 100.0),
    ("coastal_inner_field", INNER, {"sector": "dyeing"}, "warn", "inner_polluting", 0.0),
    ("coastal_inner_field", INNER, {"sector": "textile_garment"}, "warn", "inner_labour", 0.0),
    ("coastal_inner_field", INNER, {"sector": "machine_tools", "workforce": 800}, "warn", "inner_labour", 0.0),
    ("coastal_inner_field", INNER, {"sector": "electronics", "technology": "high"}, "ok", "inner_high_tech", 0.0),
    ("coastal_inner_field", IN_PARK, {"sector": "dyeing"}, "ok", "coastal", 100.0),
    ("raw_material_zone", MAIZE_SITE, {}, "warn", "overlap", 50.0),
    ("raw_material_zone", IN_PARK, {}, "ok", "clear", 0.0),
    ("agri_park_fit", AGRI_SITE, {"sector": "electronics"}, "warn", "in_other", 100.0),
    ("agri_park_fit", AGRI_SITE, {"sector": "agro_processing"}, "ok", "in_agro", 100.0),
    ("agri_park_fit", IN_PARK, {"sector": "electronics"}, "ok", "not_in", 0.0),
    ("gas_distance", IN_PARK, {"gas_use_m3_day": 500.0}, "info", "distance_centre", 1.5),
    ("gas_distance", IN_PARK, {"sector": "glass"}, "info", "distance_centre", 1.5),  # the sector uses gas
    ("gas_distance", IN_PARK, {"sector": "electronics"}, "ok", "not_applicable", None),
    ("gas_corridor", NEAR_PIPE, {}, "block", "inside", 10.0),
    ("gas_corridor", CLEAR_PIPE, {}, "ok", "clear", 40.0),
]


@pytest.mark.parametrize("rule_id, site, attrs, severity, message, value", CASES,
                         ids=[f"{c[0]}-{c[4]}-{i}" for i, c in enumerate(CASES)])
def test_rule(ctx, rule_id, site, attrs, severity, message, value):
    f = run(rule_id, site, ctx, **attrs)
    assert (f.severity, f.message) == (severity, message)
    if isinstance(value, float):
        assert f.value == pytest.approx(value, abs=1e-6)
    else:
        assert f.value == value
    assert f.citation("vi").startswith("Điều 1")
    assert f.title("vi") != f.title("en") and not f.title("en").startswith("review.")
    assert not f.text("vi").startswith("review.") and not f.text("en").startswith("review.")


def test_every_rule_is_covered_by_a_case():
    assert {r.id for r in all_rules()} <= {c[0] for c in CASES} | {"proposal_overlap"}


def test_city_parks_take_high_tech_low_labour_projects(ctx):
    # Treat the synthetic Tiền Hải (GSO 344) as the city: its park then stands for the city parks of III.3.
    city = dataclasses.replace(ReviewConfig(), zoning=dataclasses.replace(ReviewConfig().zoning, city_gso_code="344"))
    fit = run("zone_profile", IN_PARK, ctx, cfg=city, sector="pharmaceuticals", technology="high")
    assert (fit.severity, fit.message, fit.details["in_city"]) == ("ok", "city_fit", True)
    labour = run("zone_profile", IN_PARK, ctx, cfg=city, sector="textile_garment")
    assert (labour.severity, labour.message) == ("warn", "city_mismatch")
    # no workforce stated: the sector's flag decides; no level stated: the sector is not high-tech
    assert labour.text("vi") == (
        "KCN Tiền Hải thuộc thành phố Thái Bình, dành cho dự án công nghệ cao, nộp nhiều ngân sách, sử dụng ít lao "
        "động; dự án đề xuất thuộc ngành sử dụng nhiều lao động (Dệt may (kéo sợi, may); chưa khai báo số lao động) "
        "và không phải "
        "công nghệ cao (ngành không thuộc nhóm công nghệ cao, chưa khai báo trình độ công nghệ)."
    )
    assert labour.citation("en") == "Điều 1, III.3"
    workers = run("zone_profile", IN_PARK, ctx, cfg=city, sector="pharmaceuticals", technology="high", workforce=2000)
    assert workers.message == "city_mismatch"
    assert workers.text("en").endswith("the proposed project is labour-heavy (2,000 workers, limit 500).")
    assert workers.details["reasons"] == ["why_workers"]


def test_stated_workforce_overrides_the_sector_labour_flag(ctx):
    """Regression (QA #7): electronics is flagged labour-intensive, but 50 stated workers are not labour-heavy."""
    city = dataclasses.replace(ReviewConfig(), zoning=dataclasses.replace(ReviewConfig().zoning, city_gso_code="344"))
    f = run("zone_profile", IN_PARK, ctx, cfg=city, sector="electronics", technology="high", workforce=50)
    assert (f.severity, f.message) == ("ok", "city_fit")
    # the same sector with no workforce: the flag decides, and the message says so
    f = run("zone_profile", IN_PARK, ctx, cfg=city, sector="electronics", technology="high")
    assert (f.severity, f.details["reasons"]) == ("warn", ["why_labour_sector"])
    assert f.text("en").endswith(
        "the proposed project belongs to a labour-intensive sector (Electronics, telecoms and IT equipment; "
        "no workforce stated).")
    # a stated medium level is named as the failed condition, in the reader's language
    f = run("zone_profile", IN_PARK, ctx, cfg=city, sector="pharmaceuticals", technology="medium", workforce=100)
    assert f.text("vi").endswith("dự án đề xuất không phải công nghệ cao (trình độ khai báo: trung bình).")
    # coastal_inner_field uses the same test: 50 workers in electronics on inner-field land is fine
    g = run("coastal_inner_field", box(584_000, 2_256_500, 585_000, 2_257_000), ctx, sector="textile_garment",
            technology="medium", workforce=50)
    assert (g.severity, g.message) == ("info", "inner_not_high_tech")


def test_rice_numbers_and_citations(ctx):
    f = run("rice_land", RICE, ctx)
    assert f.details["luc_ha"] == pytest.approx(25.0) and f.details["luk_ha"] == pytest.approx(25.0)
    assert f.details["share"] == pytest.approx(0.5)
    assert f.citation("vi") == "Điều 1, III.4; V.1.h"
    assert "25,00 ha" in f.text("vi") and "50,0 %" in f.text("vi")
    assert "25.00 ha" in f.text("en")
    r = run("rice_resolution", RICE, ctx)
    assert r.citation("vi") == "Điều 1, III.4; Luật Đất đai 2024, Điều 122"
    assert r.citation("en") == "Điều 1, III.4; Land Law 2024, Art. 122"


def test_luc_payment_from_inputs(ctx):
    cfg = ReviewConfig().with_inputs(levy_rate_pct=60.0, land_price_vnd_m2=100_000.0)
    f = run("rice_luc_payment", RICE, ctx, cfg=cfg)
    # 60 % × 25 ha (250,000 m²) of LUC × 100,000 VND/m²
    assert f.severity == "info" and f.value == 15_000_000_000
    assert "15.000.000.000" in f.text("vi") and "60,0 %" in f.text("vi")
    assert f.details == {"levy_rate_pct": 60.0, "land_price_vnd_m2": 100_000.0, "amount_vnd": 15_000_000_000,
                         "luc_m2": pytest.approx(250_000.0), "coverage": "full"}


def test_districts_shares(ctx):
    f = run("districts", RICE, ctx)
    assert f.details["districts"] == [
        {"name": "Kiến Xương", "gso_code": "343", "share": pytest.approx(0.75)},
        {"name": "Tiền Hải", "gso_code": "344", "share": pytest.approx(0.25)},
    ]
    assert "Kiến Xương (75,0 %), Tiền Hải (25,0 %)" in f.text("vi")


def test_gas_distances_are_measured(ctx):
    f = run("gas_distance", IN_PARK, ctx, gas_use_m3_day=500.0)
    assert f.details["pipeline"]["distance_m"] == pytest.approx(1500.0)
    assert f.details["centre"]["distance_m"] == pytest.approx((1000**2 + 2000**2) ** 0.5, abs=0.1)


def test_corridor_width_comes_from_config(ctx):
    wide = dataclasses.replace(ReviewConfig(), gas=dataclasses.replace(ReviewConfig().gas, corridor_high_m=50.0))
    assert run("gas_corridor", CLEAR_PIPE, ctx, cfg=wide).severity == "block"
    planned_only = dataclasses.replace(ReviewConfig(), gas=dataclasses.replace(ReviewConfig().gas, corridor_statuses=("planned",)))
    f = run("gas_corridor", NEAR_PIPE, ctx, cfg=planned_only)  # the existing HP pipe is no longer checked
    assert f.severity == "ok" and f.details == {}


def _with_proposals(ctx, statuses):
    frame = gpd.GeoDataFrame(
        {"proposal_id": list(range(1, len(statuses) + 1)), "name": [f"P{i}" for i in range(1, len(statuses) + 1)],
         "status": statuses},
        geometry=[box(597_000, 2_258_500, 598_000, 2_259_500)] * len(statuses), crs=WORK_CRS,
    )
    return ctx.with_proposals(frame)


def test_proposal_overlap(ctx):
    # approved proposal over half of IN_PARK: 50 ha → block
    f = run("proposal_overlap", IN_PARK, _with_proposals(ctx, ["approved"]))
    assert (f.severity, f.message, f.value) == ("block", "approved", pytest.approx(50.0))
    assert f.details["proposals"][0]["proposal_id"] == 1
    # pending → warn; draft and rejected do not count
    assert run("proposal_overlap", IN_PARK, _with_proposals(ctx, ["submitted"])).severity == "warn"
    assert run("proposal_overlap", IN_PARK, _with_proposals(ctx, ["draft", "rejected"])).severity == "ok"
    # a stored proposal is not compared with itself
    f = run("proposal_overlap", IN_PARK, _with_proposals(ctx, ["approved"]), proposal_id=1)
    assert (f.severity, f.value) == ("ok", 0.0)
    # no overlap at all
    assert run("proposal_overlap", INNER, _with_proposals(ctx, ["approved"])).severity == "ok"


def test_missing_layers_say_no_data(W, world_tif):
    from tbgeo.review.context import ReviewContext

    empty = ReviewContext.from_frames(missing=("industrial_parks", "industrial_clusters", "agri_park", "economic_zone",
                                                "raw_material_zones", "gas_pipelines"))
    report = review_site(IN_PARK, attrs=SiteAttrs(gas_use_m3_day=1.0), context=empty, config=ReviewConfig())
    msgs = {f.rule: (f.severity, f.message) for f in report.findings}
    for rule_id in ("province", "districts", "rice_land", "industrial_zone", "coastal_inner_field", "raw_material_zone",
                    "gas_distance", "gas_corridor"):
        assert msgs[rule_id] == ("info", "no_data"), rule_id


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


def test_partly_covered_site_reports_unknown_and_never_ok(ctx, tmp_path, W):
    tif = half_landuse_raster(tmp_path / "half.tif", W)
    half = ctx.__class__.from_frames(districts=ctx.districts, landuse=read_raster(tif, classes={1: "LUC"}))
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
    c = ctx.__class__.from_frames(landuse=read_raster(tif, classes={1: "LUC"}))
    rep = review_site(RICE, context=c, config=ReviewConfig())
    assert rep.facts.landuse.luc_ha == pytest.approx(25.0) and rep.facts.landuse.unknown_ha == pytest.approx(75.0)
    assert rep.finding("rice_land").severity == "warn" and rep.finding("rice_land").message == "rice_partial"


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


def test_province_value_is_the_share_inside(ctx):
    f = review_site(IN_PARK, context=ctx, rules=[get_rule("province")]).finding("province")
    assert (f.severity, f.value_text("vi"), f.text("vi")) == (
        "ok", "100,0 %", "Khu đất nằm trong tỉnh Thái Bình (100,0 % diện tích).")
    f = review_site(box(599_500, 2_258_000, 600_500, 2_259_000), context=ctx, rules=[get_rule("province")]).finding("province")
    assert (f.severity, f.value_text("en")) == ("block", "50.0 %")
    assert f.text("en") == "Only 50.0 % of the site lies inside Thái Bình province; 50.0 % lies outside it."
