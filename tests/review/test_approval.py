"""Issue 13 §2: the review takes the ledger into account (what is left of the rice-land quota after the
approved and pending proposals) and the Law on Investment (who approves the investment policy by the
two-crop rice land converted); every finding states its numbers and cites its article."""

from __future__ import annotations

import dataclasses

import pytest
from shapely.geometry import box

from tbgeo.errors import InputError
from tbgeo.review.config import InvestmentPolicyConfig, LedgerConfig, ReviewConfig, load_config
from tbgeo.review.landuse_files import read_raster
from tbgeo.review.ledger import rice_ledger
from tbgeo.review.model import SiteAttrs
from tbgeo.review.rules import get_rule
from tbgeo.review.run import review_site
from tbgeo.store.gpkg import GpkgStore

from .helpers import half_landuse_raster

A = box(588_500, 2_260_200, 590_500, 2_260_700)  # 100 ha: 25 ha LUC (Kiến Xương), 25 ha LUK (Tiền Hải)
B = box(590_500, 2_260_000, 591_000, 2_260_400)  # 20 ha LUK (Tiền Hải), touches A
SITE = box(590_500, 2_260_300, 591_000, 2_260_900)  # 30 ha LUK (Tiền Hải); 5 ha of it under B

QUOTA_CITATION_VI = ("Điều 1, III.4; Quyết định 326/QĐ-TTg ngày 9/3/2022 (phân bổ chỉ tiêu quy hoạch sử dụng đất "
                     "quốc gia 2021–2030)")


def _cfg(quota: float = 1000.0, **district: float) -> ReviewConfig:
    return dataclasses.replace(ReviewConfig(), ledger=LedgerConfig(quota_ha=quota, district_quota_ha=dict(district)))


@pytest.fixture
def stored(ctx):
    """A approved (50 ha of rice land), B pending (20 ha): the context with them as stored proposals."""
    ws = GpkgStore.open()
    for name, geom, approve in (("A", A, True), ("B", B, False)):
        rep = review_site(geom, attrs=SiteAttrs(name=name), context=ctx, config=ReviewConfig())
        p = ws.add_proposal(geom, name=name, report=rep.to_record(), status="submitted")
        if approve:
            ws.set_status(p.id, "approved")
    return ws, ctx.with_proposals(ws.proposals())


def _quota(site, ctx, cfg, **attrs):
    rep = review_site(site, attrs=SiteAttrs(**attrs), context=ctx, config=cfg, rules=[get_rule("rice_quota")])
    (f,) = rep.findings
    return rep, f


def test_a_site_over_what_is_left_of_the_quota_blocks_with_the_numbers(stored):
    ws, ctx = stored
    rep, f = _quota(SITE, ctx, _cfg(80.0), name="Nhà máy C")
    # ledger: 50 approved + 20 pending = 70 of 80 ha; the site adds 25 ha (its 5 ha under B are counted)
    assert (f.severity, f.message, f.value, f.unit) == ("block", "over", pytest.approx(-15.0), "ha")
    assert f.text("vi") == (
        "Khu đất lấy thêm 25,00 ha đất lúa (LUC 0,00 ha, LUK 25,00 ha) (5,00 ha đất lúa khác của khu đất đã được "
        "tính trong đề xuất số 2), vượt 15,00 ha so với phần chỉ tiêu còn lại: sổ theo dõi đã tính 70,00 ha (đã "
        "duyệt 50,00 ha, chờ duyệt 20,00 ha) trên chỉ tiêu 80,00 ha của tỉnh, còn 10,00 ha.")
    assert f.text("en") == (
        "The site adds 25.00 ha of rice land (LUC 0.00 ha, LUK 25.00 ha) (5.00 ha more of the site's rice land are "
        "already counted under proposal(s) 2), 15.00 ha more than the quota left: the ledger already counts 70.00 ha "
        "(approved 50.00 ha, pending 20.00 ha) of the province's 80.00 ha quota, 10.00 ha left.")
    assert f.citation("vi") == QUOTA_CITATION_VI
    assert f.citation("en").startswith("Điều 1, III.4; Decision 326/QĐ-TTg of 9 March 2022")
    assert f.value_text("vi") == "-15,00 ha"
    d = f.details
    assert (d["booked_ha"], d["approved_ha"], d["pending_ha"], d["remaining_ha"]) == (
        pytest.approx(70.0), pytest.approx(50.0), pytest.approx(20.0), pytest.approx(10.0))
    assert (d["site_rice_ha"], d["add_ha"], d["add_luk_ha"], d["overlaps"]) == (
        pytest.approx(30.0), pytest.approx(25.0), pytest.approx(25.0), [2])
    assert rep.verdict == "block"
    # the stored record says the same in either language
    (stored_f,) = [x for x in rep.to_dict("en")["findings"] if x["rule"] == "rice_quota"]
    assert stored_f["message"] == f.text("en") and stored_f["value_text"] == "-15.00 ha"
    # once submitted, the ledger shows exactly what the finding said: 70 + 25 = 95 ha, 15 ha over
    p = ws.add_proposal(SITE, name="Nhà máy C", report=rep.to_record(), status="submitted")
    ledger = rice_ledger(ws.proposals(), config=LedgerConfig(quota_ha=80.0), landuse=ctx.landuse,
                         districts=ctx.districts)
    assert ledger.total.total_ha == pytest.approx(95.0) and ledger.total.remaining_ha == pytest.approx(f.value)
    assert ledger.merged == [[2, p.id]]


def test_within_used_up_and_district_quotas(stored):
    _, ctx = stored
    _, f = _quota(SITE, ctx, _cfg(1000.0))
    assert (f.severity, f.message, f.value) == ("ok", "within", pytest.approx(905.0))
    assert f.text("vi").endswith(
        "trên chỉ tiêu 1.000,00 ha của tỉnh, còn 930,00 ha: sau khu đất này còn 905,00 ha.")
    _, f = _quota(SITE, ctx, _cfg(60.0))
    assert (f.severity, f.message, f.value) == ("block", "used_up", pytest.approx(-35.0))
    assert f.text("vi") == (
        "Chỉ tiêu chuyển đất lúa đã hết: sổ theo dõi đã tính 70,00 ha (đã duyệt 50,00 ha, chờ duyệt 20,00 ha), vượt "
        "chỉ tiêu 60,00 ha của tỉnh 10,00 ha; khu đất lấy thêm 25,00 ha đất lúa (LUC 0,00 ha, LUK 25,00 ha) (5,00 ha "
        "đất lúa khác của khu đất đã được tính trong đề xuất số 2).")
    # Tiền Hải's own quota: A's 25 ha LUK + B's 20 ha = 45 of 60 ha, the site adds 25 ha there
    _, f = _quota(SITE, ctx, _cfg(1000.0, **{"Tiền Hải": 60.0}))
    assert (f.severity, f.message) == ("block", "over_district")
    assert f.text("vi") == (
        "Khu đất vượt chỉ tiêu chuyển đất lúa của huyện: Tiền Hải — khu đất lấy thêm 25,00 ha, vượt 10,00 ha (đã "
        "tính 45,00 ha trên chỉ tiêu 60,00 ha, còn 15,00 ha).")
    assert f.text("en") == (
        "The site exceeds its district's rice-land quota: Tiền Hải — the site adds 25.00 ha, 10.00 ha over (the "
        "ledger counts 45.00 ha of a 60.00 ha quota, 15.00 ha left).")
    assert f.details["districts"] == [{"district": "Tiền Hải", "quota_ha": 60.0, "booked_ha": pytest.approx(45.0),
                                       "add_ha": pytest.approx(25.0), "remaining_ha": pytest.approx(15.0),
                                       "excess_ha": pytest.approx(10.0)}]
    # the ledger's sums are read once per context (a search's candidates share them)
    assert len(ctx.memo) == 1


def test_land_already_counted_and_a_recheck_of_a_stored_proposal(stored):
    _, ctx = stored
    _, f = _quota(B, ctx, _cfg(80.0))  # the same land as B, reviewed anew: nothing more is converted
    assert (f.severity, f.message, f.value) == ("ok", "counted", pytest.approx(10.0))
    assert f.text("vi") == (
        "20,00 ha đất lúa của khu đất đã được tính trong đề xuất số 2: khu đất không lấy thêm đất lúa; sổ theo dõi "
        "đã tính 70,00 ha (đã duyệt 50,00 ha, chờ duyệt 20,00 ha) trên chỉ tiêu 80,00 ha của tỉnh, còn 10,00 ha.")
    # B re-checked with a new outline: B itself is not counted against itself
    _, f = _quota(SITE, ctx, _cfg(80.0), proposal_id=2)
    assert (f.severity, f.message, f.value) == ("ok", "within", pytest.approx(0.0))
    assert f.text("vi") == (
        "Khu đất lấy thêm 30,00 ha đất lúa (LUC 0,00 ha, LUK 30,00 ha); sổ theo dõi đã tính 50,00 ha (đã duyệt "
        "50,00 ha, chờ duyệt 0,00 ha) trên chỉ tiêu 80,00 ha của tỉnh, còn 30,00 ha: sau khu đất này còn 0,00 ha.")


def test_without_the_stored_proposals_the_site_is_compared_with_the_whole_quota(ctx):
    _, f = _quota(A, ctx, _cfg(40.0))  # a context from frames: the proposals store was not read
    assert (f.severity, f.message, f.value) == ("block", "over", pytest.approx(-10.0))
    assert f.text("en") == (
        "The site adds 50.00 ha of rice land (LUC 25.00 ha, LUK 25.00 ha), 10.00 ha more than the quota left: stored "
        "proposals not counted (the proposals store was not read); the province's quota is 40.00 ha.")
    assert f.details["ledger_read"] is False


def test_unknown_land_may_tip_the_quota(ctx, tmp_path, W):
    tif = half_landuse_raster(tmp_path / "half.tif", W)  # A's west half only: 25 ha LUC known, 50 ha unknown
    half = ctx.__class__.from_frames(districts=ctx.districts, landuse=read_raster(tif, classes={1: "LUC"}))
    _, f = _quota(A, half, _cfg(60.0))
    assert (f.severity, f.message) == ("warn", "may_exceed")
    assert f.text("vi").endswith(
        "Còn 50,00 ha chưa có dữ liệu sử dụng đất hoặc là đất lúa chưa phân loại (LUA): nếu là đất lúa, khu đất có thể "
        "vượt phần chỉ tiêu còn lại.")


def _authority(site, ctx, cfg):
    rep = review_site(site, context=ctx, config=cfg, rules=[get_rule("investment_authority")])
    (f,) = rep.findings
    return f


def _ip(**kw) -> ReviewConfig:
    return dataclasses.replace(ReviewConfig(), investment_policy=InvestmentPolicyConfig(**kw))


def test_investment_policy_moves_to_the_prime_minister_from_the_configured_rice_land(ctx):
    shipped = load_config()  # config/review.toml: Law on Investment 2025, the Prime Minister from 500 ha
    assert shipped.investment_policy == InvestmentPolicyConfig(500.0, "prime_minister", "investment_law_2025")
    f = _authority(A, ctx, shipped)
    assert (f.severity, f.message, f.value) == ("ok", "below", pytest.approx(25.0))
    assert f.text("vi") == (
        "Dự án chuyển 25,00 ha đất chuyên trồng lúa, dưới ngưỡng 500 ha từ đó chủ trương đầu tư do Thủ tướng Chính "
        "phủ chấp thuận.")
    assert f.citation("vi") == "Điều 1, III.4; Luật Đầu tư 2025 (số 143/2025/QH15), Điều 24–25"
    f = _authority(A, ctx, _ip(luc_min_ha=20.0))
    assert (f.severity, f.message, f.value) == ("warn", "needed", pytest.approx(25.0))
    assert f.text("vi") == (
        "Dự án chuyển 25,00 ha đất chuyên trồng lúa (đất trồng lúa nước từ hai vụ trở lên), từ 20 ha trở lên: chủ "
        "trương đầu tư do Thủ tướng Chính phủ chấp thuận, không thuộc thẩm quyền của tỉnh.")
    assert f.text("en") == (
        "The project converts 25.00 ha of specialised rice land (wet rice, two or more crops a year), 20 ha or more: "
        "its investment policy is approved by the Prime Minister, not by the province.")
    assert f.citation("en") == "Điều 1, III.4; Law on Investment 2025 (No. 143/2025/QH15), Art. 24–25"
    # the rules before 1 March 2026 (Law 61/2020/QH14, Art. 30(2)): the National Assembly
    f = _authority(A, ctx, _ip(luc_min_ha=20.0, authority="national_assembly", law_ref="investment_law_2020_art30"))
    assert "chủ trương đầu tư do Quốc hội chấp thuận" in f.text("vi")
    assert f.citation("vi") == "Điều 1, III.4; Luật Đầu tư 2020 (số 61/2020/QH14), Điều 30 khoản 2"


def test_unknown_land_may_reach_the_investment_threshold(ctx, tmp_path, W):
    tif = half_landuse_raster(tmp_path / "half.tif", W)
    half = ctx.__class__.from_frames(districts=ctx.districts, landuse=read_raster(tif, classes={1: "LUC"}))
    f = _authority(A, half, _ip(luc_min_ha=60.0))
    assert (f.severity, f.message) == ("warn", "may_need")
    assert f.text("vi") == (
        "Đất chuyên trồng lúa đã biết 25,00 ha, dưới ngưỡng 60 ha, nhưng còn 50,00 ha chưa có dữ liệu sử dụng đất "
        "hoặc là đất lúa chưa phân loại (LUA): nếu đạt 60 ha, chủ trương đầu tư do Thủ tướng Chính phủ chấp thuận.")
    assert _authority(A, half, _ip(luc_min_ha=80.0)).message == "below"  # 25 + 50 < 80


@pytest.mark.parametrize("text, message", [
    ('authority = "governor"', "khóa “investment_policy.authority” không hợp lệ; chọn một trong: national_assembly, "
                               "prime_minister."),
    ('law_ref = "law_of_nowhere"', "khóa “investment_policy.law_ref” không hợp lệ; chọn một trong: "),
    ("luc_min_ha = -1", "khóa “investment_policy.luc_min_ha” không hợp lệ"),
])
def test_a_bad_investment_policy_setting_is_refused(tmp_path, text, message):
    path = tmp_path / "review.toml"
    path.write_text(f"[investment_policy]\n{text}\n", encoding="utf-8")
    with pytest.raises(InputError) as err:
        load_config(path)
    assert message in err.value.message("vi")
    assert not err.value.message("en").startswith("review.")
