"""AppTest of the review page on the synthetic province: review, save, decide, ledger, busy store."""

from __future__ import annotations

import re

import pytest
import shapely
import streamlit as st
from shapely.geometry import box
from streamlit.testing.v1 import AppTest

from tbgeo.review.rules import all_rules
from tbgeo.store.gpkg import GpkgStore
from tests.locks import hold_store

from .helpers import store_with_districts_only

RICE = box(588_500, 2_260_200, 590_500, 2_260_700)  # 100 ha: 25 ha LUC (Kiến Xương), 25 ha LUK (Tiền Hải)
HOSTILE_NAME = "[click here to sign in again](http://evil) ![x](http://evil/t.png) <img src=x onerror=alert(1)>.kml"
# RICE site of the synthetic province as VN-2000 X (north) / Y (east) corners: 100 ha, 25 LUC + 25 LUK
CORNERS = "Điểm X Y\n1 2260200 588500\n2 2260200 590500\n3 2260700 590500\n4 2260700 588500\n"


def _app(lang: str) -> AppTest:
    st.cache_resource.clear()  # the catalog is cached per process: use the test project's
    script = f"from tbgeo.ui.pages import review\nreview.render({lang!r})\n"
    return AppTest.from_string(script, default_timeout=60)


def _button(at: AppTest, label: str):
    return next(b for b in at.button if b.label == label)


def _table(at: AppTest, column: str):
    return next(df.value for df in at.dataframe if column in df.value.columns)


def test_review_page_in_vietnamese(project):
    at = _app("vi").run()
    assert not at.exception, at.exception
    assert at.title[0].value == "Thẩm tra khu đất đề xuất"
    assert any("Chưa có khu đất" in i.value for i in at.info)
    at.text_area(key="review_coords").set_value(CORNERS)
    at.button(key="review_use_coords").click().run()
    assert not at.exception, at.exception
    assert any("100,00 ha" in i.value for i in at.info)
    at.text_input(key="review_name").set_value("Nhà máy nhuộm Thử")
    at.selectbox(key="review_sector").set_value("dyeing")
    _button(at, "Thẩm tra").click().run()
    assert not at.exception, at.exception
    # the banner names what blocks, with its citation (issue 13 §2)
    assert [e.value for e in at.error if "Kết luận" in e.value] == [
        "Kết luận: Chặn — Danh mục ngành không chấp thuận (Điều 1, III.4)"]  # in the red box of st.error, no emoji
    panel = _table(at, "Quy tắc")
    assert len(panel) == len(all_rules())
    levels = list(panel["Mức"])
    assert levels[0] == "Chặn" and levels == sorted(levels, key=lambda v: ["Chặn", "Cảnh báo", "Thông tin", "Đạt"].index(v))
    rice = panel[panel["Quy tắc"] == "Đất trồng lúa bị chuyển đổi"].iloc[0]
    assert rice["Giá trị"] == "50,00 ha" and rice["Mức"] == "Cảnh báo" and rice["Căn cứ"] == "Điều 1, III.4; V.1.h"
    refused = panel[panel["Quy tắc"] == "Danh mục ngành không chấp thuận"].iloc[0]
    assert refused["Mức"] == "Chặn" and "Điều 1, III.4" in refused["Căn cứ"]
    assert [m.value for m in at.metric][:4] == ["100,00 ha", "50,00 ha", "25,00 ha", "25,00 ha"]
    # a review is stored only when the planner saves it (issue 13 §4) ...
    assert GpkgStore.open_existing().proposals() == []
    assert [i.value for i in at.info if "chưa được lưu" in i.value] == [
        "Kết quả này chưa được lưu. Bấm «Lưu bản dự thảo» để giữ nó thành một đề xuất; thẩm tra thử nhiều lần "
        "không tạo thêm bản dự thảo nào."]
    _button(at, "Lưu bản dự thảo").click().run()
    assert "Đã lưu khu đất thành bản dự thảo đề xuất số 1." in [s.value for s in at.success]
    (p,) = GpkgStore.open_existing().proposals()
    assert p.name == "Nhà máy nhuộm Thử" and p.status == "draft" and p.report["verdict"] == "block"
    # ... and saving the same site reviewed again updates that proposal's report instead of adding one
    at.selectbox(key="review_sector").set_value("electronics")
    at.selectbox(key="review_technology").set_value("high")
    _button(at, "Thẩm tra").click().run()
    assert not at.exception, at.exception
    assert GpkgStore.open_existing().proposal(1).report["verdict"] == "block"  # not saved yet
    _button(at, "Lưu vào đề xuất số 1").click().run()
    assert any("Đã cập nhật kết quả thẩm tra của đề xuất số 1" in s.value for s in at.success)
    (p,) = GpkgStore.open_existing().proposals()
    assert p.report["verdict"] == "warn" and p.report["attributes"]["sector"] == "electronics"
    # then decide
    at.selectbox(key="review_new_status").set_value("submitted")
    at.text_area(key="review_comment").set_value("Đề nghị làm rõ phương án đất lúa")
    _button(at, "Ghi nhận").click().run()
    assert not at.exception, at.exception
    p = GpkgStore.open_existing().proposal(1)
    assert p.status == "submitted"
    # recorded under who is signed in (here the single-user workbench's login name), never a typed name
    assert not [w for w in at.text_input if "review_user" in str(w.key)]
    assert (p.history[-1].by, p.history[-1].status_to, p.history[-1].comment) == (
        "tester", "submitted", "Đề nghị làm rõ phương án đất lúa")  # TBGEO_USER of this test
    at.button(key="review_recheck").click().run()
    # the re-check uses the attributes of the latest review (electronics, high technology)
    assert GpkgStore.open_existing().proposal(1).attributes["sector"] == "electronics"
    assert any("Đã thẩm tra lại đề xuất số 1: Cảnh báo" in s.value for s in at.success)
    history = _table(at, "Người thực hiện")
    assert list(history["Sang"]) == ["Dự thảo", "Chờ duyệt"]
    ledger = _table(at, "Chỉ tiêu (ha)")
    total = ledger[ledger["Huyện, thành phố"] == "Toàn tỉnh"].iloc[0]
    # written as Vietnamese writes numbers (tbgeo.ui.tables)
    assert (total["Chờ duyệt LUC (ha)"], total["Chờ duyệt LUK (ha)"]) == ("25,00", "25,00")
    assert (total["Chỉ tiêu (ha)"], total["Còn lại (ha)"]) == ("1.000,00", "950,00")
    kx = ledger[ledger["Huyện, thành phố"] == "Kiến Xương"].iloc[0]
    assert kx["Chờ duyệt LUC (ha)"] == "25,00"


def test_review_page_in_english_and_bad_input(project):
    at = _app("en").run()
    assert not at.exception, at.exception
    assert at.title[0].value == "Review a proposed site"
    at.text_area(key="review_coords").set_value("20.45 106.35\n20.46 106.36")
    at.button(key="review_use_coords").click().run()
    assert any("at least 3 distinct corners" in e.value for e in at.error)
    at.text_area(key="review_coords").set_value(CORNERS)
    at.button(key="review_use_coords").click().run()
    at.selectbox(key="review_sector").set_value("electronics")
    at.selectbox(key="review_technology").set_value("high")
    at.number_input(key="review_price").set_value(100_000.0)
    _button(at, "Review").click().run()
    assert not at.exception, at.exception
    assert any("Verdict: Warning" in w.value for w in at.warning)
    panel = _table(at, "Rule")
    pay = panel[panel["Rule"] == "Payment for converting specialised rice land (LUC)"].iloc[0]
    # 50 % (default rate) × 25 ha of LUC × 100,000 VND/m²
    assert pay["Value"] == "12,500,000,000 VND"
    assert "Decree 112/2024/NĐ-CP" in pay["Citation"]
    assert all(not v.startswith("review.") for v in panel["Finding"])


def test_page_on_workspace_without_proposals(project, world_frames):
    store_with_districts_only(world_frames)
    st.cache_resource.clear()
    at = AppTest.from_string("from tbgeo.ui.pages import review\nreview.render('vi')\n", default_timeout=60).run()
    assert not at.exception, at.exception
    assert any("Chưa có đề xuất nào được lưu." in i.value for i in at.info)
    at.text_area(key="review_coords").set_value(CORNERS)
    at.button(key="review_use_coords").click().run()
    next(b for b in at.button if b.label == "Thẩm tra").click().run()
    assert not at.exception, at.exception
    assert [m.value for m in at.metric][:2] == ["100,00 ha", "50,00 ha"]


def test_page_recheck_of_an_approved_proposal_and_a_busy_store(project, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    ws = GpkgStore.open()
    p = ws.add_proposal(RICE, name="Khu đã duyệt", attributes={"sector": "electronics"}, report={"verdict": "ok"},
                        status="submitted")
    ws.set_status(p.id, "approved", user="Lãnh đạo Sở")
    before = ws.proposal(p.id)
    at = _app("en").run()
    assert not at.exception, at.exception
    at.button(key="review_recheck").click().run()
    assert not at.exception, at.exception
    assert any("Proposal number 1 has been decided and is kept as it was: this review was stored as proposal number 2"
               in s.value for s in at.success)
    after = ws.proposal(1)
    assert (after.name, after.report, after.status, after.history) == (before.name, before.report, "approved", before.history)
    rev = ws.proposal(2)
    assert (rev.revision_of, rev.status, rev.name) == (1, "draft", "Khu đã duyệt")
    assert [(c.field, c.old) for c in rev.changes] == [("verdict", "ok")]  # the new review's verdict
    # a decision while another program holds the store: a message in Vietnamese, nothing written
    monkeypatch.setenv("TBGEO_LOCK_WAIT", "0.3")
    at = _app("vi").run()
    at.selectbox(key="review_pick").set_value(2).run()
    assert any("Phiên bản mới của đề xuất số 1." in c.value for c in at.caption)
    changes = next(df.value for df in at.dataframe if "Mục" in df.value.columns)
    assert list(changes["Mục"]) == ["Kết luận"]  # the stored field "verdict", in words
    raw = ws.path.read_bytes()
    release, th = hold_store(ws.path, "IMMEDIATE")
    try:
        at.selectbox(key="review_new_status").set_value("submitted")
        next(b for b in at.button if b.label == "Ghi nhận").click().run()
    finally:
        release.set()
        th.join(10)
    assert not at.exception, at.exception
    assert any(e.value.startswith("Kho dữ liệu đang bận") for e in at.error)
    assert ws.path.read_bytes() == raw and ws.proposal(2).status == "draft"


def test_the_review_page_on_a_store_locked_for_reading_says_busy(project, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    ws = GpkgStore.open()
    ws.add_proposal(RICE, name="Khu A", status="submitted")
    monkeypatch.setenv("TBGEO_LOCK_WAIT", "0.3")
    release, th = hold_store(ws.path, "EXCLUSIVE")  # a backup program holding the whole file
    try:
        at = _app("en").run()
    finally:
        release.set()
        th.join(10)
    assert not at.exception, at.exception
    assert any(e.value.startswith("The store is busy (another program is writing to it") for e in at.error)


@pytest.mark.parametrize("lang,word", [("vi", "Đã có khu đất: 100,00 ha"), ("en", "Site ready: 100.00 ha")])
def test_site_source_name_is_escaped(project, lang: str, word: str) -> None:
    st.cache_resource.clear()
    at = AppTest.from_string(f"from tbgeo.ui.pages import review\nreview.render({lang!r})\n", default_timeout=60)
    at.session_state["review_site"] = shapely.box(588_500, 2_260_200, 590_500, 2_260_700)
    at.session_state["review_site_source"] = HOSTILE_NAME
    at.run()
    assert not at.exception, at.exception
    (ready,) = [i.value for i in at.info if i.value.startswith(word)]
    assert r"[click here to sign in again\](http\://evil) !\[x\](http\://evil/t.png) &lt;img" in ready
    for text in [m.value for m in (*at.markdown, *at.info, *at.caption, *at.error, *at.warning, *at.success)]:
        assert "<img" not in text and not re.search(r"(?<!\\)\]\(", text)


def test_the_verdict_says_why_first_in_both_languages(tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """Issue 13 §2: the banner names the findings that make the verdict, with their citations; the
    panel lists the most severe first and says each level in words, not by a coloured dot alone."""
    import shapely

    import tbgeo
    from tbgeo.ui.pages.review.report import panel_rows, verdict_text

    monkeypatch.setenv("TBGEO_WORKSPACE", str(tmp_path / "w.gpkg"))
    ctx = tbgeo.ReviewContext.from_catalog()
    site = shapely.box(600_000, 2_250_000, 600_500, 2_250_400)
    dyeing = tbgeo.review_site(site, attrs=tbgeo.SiteAttrs(name="A", sector="dyeing"), context=ctx)
    assert verdict_text(dyeing, "en") == "Verdict: Blocks — Refused-sector list (Điều 1, III.4)"
    assert verdict_text(dyeing, "vi") == "Kết luận: Chặn — Danh mục ngành không chấp thuận (Điều 1, III.4)"
    levels = [row["Level"] for row in panel_rows(dyeing, "en")]
    order = ["Blocks", "Warning", "Info", "OK"]
    assert levels[0] == "Blocks" and levels == sorted(levels, key=order.index)
    clean = tbgeo.review_site(site, attrs=tbgeo.SiteAttrs(name="B", sector="electronics", technology="high"), context=ctx)
    assert clean.verdict == "warn"
    warned = [f.title("en") for f in clean.findings if f.severity == "warn"]
    assert verdict_text(clean, "en") == "Verdict: Warning — " + "; ".join(
        f"{f.title('en')} ({f.citation('en')})" for f in clean.findings if f.severity == "warn")
    assert warned and all(w in verdict_text(clean, "en") for w in warned)


def test_approving_a_blocked_proposal_on_the_page_needs_a_reason(project) -> None:  # type: ignore[no-untyped-def]
    """Issue 13 §2: the decision form of a proposal whose review blocks names what blocks and asks for the
    reason; approving without one is refused (nothing written), with one it is in the history."""
    from tbgeo.review.context import ReviewContext
    from tbgeo.review.model import SiteAttrs
    from tbgeo.review.run import review_site

    rep = review_site(RICE, attrs=SiteAttrs(name="Nhà máy nhuộm", sector="dyeing"), context=ReviewContext.from_catalog())
    ws = GpkgStore.open()
    ws.add_proposal(RICE, name="Nhà máy nhuộm", report=rep.to_record(), status="submitted")
    at = _app("en").run()
    assert not at.exception, at.exception
    assert [w.value for w in at.warning if w.value.startswith("This proposal's review blocks")] == [
        "This proposal's review blocks: Refused-sector list (Điều 1, III.4). It can be approved only with a written reason "
        "for approving it despite the blocking verdict; the reason is kept in the history."]
    at = _app("vi").run()
    assert at.text_area(key="review_override_reason").label == "Lý do phê duyệt dù kết luận là chặn (bắt buộc khi phê duyệt)"
    raw = ws.path.read_bytes()
    at.selectbox(key="review_new_status").set_value("approved")
    at.text_area(key="review_comment").set_value("Đồng ý")
    _button(at, "Ghi nhận").click().run()
    assert not at.exception, at.exception
    assert any(e.value.startswith("Đề xuất số 1 có kết luận thẩm tra «Chặn» (Danh mục ngành không chấp thuận)")
               for e in at.error)
    assert ws.path.read_bytes() == raw and ws.proposal(1).status == "submitted"
    at.text_area(key="review_override_reason").set_value("Dự án trọng điểm, UBND tỉnh chỉ đạo")
    _button(at, "Ghi nhận").click().run()
    assert not at.exception, at.exception
    p = ws.proposal(1)
    assert (p.status, p.history[-1].by) == ("approved", "tester")  # the signed-in (single) user
    assert ws.audit(1)[0]["details"]["override_reason"] == "Dự án trọng điểm, UBND tỉnh chỉ đạo"
    history = _table(at, "Người thực hiện")
    assert list(history["Ý kiến"])[-1] == (
        "⚠ Phê duyệt dù kết luận thẩm tra là «Chặn» — lý do: Dự án trọng điểm, UBND tỉnh chỉ đạo Đồng ý")
    assert not any(w.value.startswith("Kết luận thẩm tra của đề xuất này") for w in at.warning)  # decided now


def _decision_page(who):  # type: ignore[no-untyped-def]
    at = _app("vi")
    at.session_state["identity"] = who  # the signed-in person, as the app's sign-in leaves it
    return at.run()


def test_the_decision_form_offers_what_the_roles_allow_and_refuses_a_stale_view(project) -> None:  # type: ignore[no-untyped-def]
    from tbgeo.auth import Identity

    ws = GpkgStore.open()
    ws.add_proposal(RICE, name="Khu của Lan", user="lan", status="submitted", report={"verdict": "ok"})
    binh = Identity("binh", "Bình", frozenset({"planner"}))
    at = _decision_page(binh)
    assert not at.exception, at.exception
    assert at.selectbox(key="review_new_status").options == ["— chỉ ghi ý kiến —"]  # not hers: comment only
    hung = Identity("hung", "Hùng", frozenset({"approver"}))
    at = _decision_page(hung)
    assert at.selectbox(key="review_new_status").options == ["— chỉ ghi ý kiến —", "Đã duyệt", "Không duyệt"]
    assert "review_recheck" not in [b.key for b in at.button]  # an approver does not re-review
    # meanwhile the author withdraws it: the approver's view is stale, the decision refused
    from tbgeo import proposals

    proposals.set_status(ws, 1, "draft", actor=Identity("lan", "Lan", frozenset({"planner"})))
    at.selectbox(key="review_new_status").set_value("approved")
    _button(at, "Ghi nhận").click().run()
    assert any(e.value.startswith("Đề xuất số 1 đã được lan thay đổi lúc ") for e in at.error), [e.value for e in at.error]
    assert ws.proposal(1).status == "draft" and [d.by for d in ws.proposal(1).history] == ["lan", "lan"]


def test_after_its_own_comment_the_page_decides_on_the_new_view_and_refuses_on_missing_someone_elses(  # type: ignore[no-untyped-def]
        project) -> None:
    from tbgeo import proposals
    from tbgeo.auth import Identity

    ws = GpkgStore.open()
    ws.add_proposal(RICE, name="Khu của Lan", user="lan", status="submitted", report={"verdict": "ok"})
    hung = Identity("hung", "Hùng", frozenset({"approver"}))
    at = _decision_page(hung)
    at.text_area(key="review_comment").set_value("Cần bản đồ ranh giới mới")
    _button(at, "Ghi nhận").click().run()
    assert not at.exception, at.exception
    assert ws.proposal(1).row_version == 2 and not at.error
    # the page reloaded the proposal it shows after its own comment: the approval is not refused
    at.selectbox(key="review_new_status").set_value("rejected")
    _button(at, "Ghi nhận").click().run()
    assert not at.error, [e.value for e in at.error]
    assert [(d.by, d.status_to) for d in ws.proposal(1).history] == [("lan", "submitted"), ("hung", None),
                                                                     ("hung", "rejected")]
    # another proposal: Lan comments while Hùng looks at it; Hùng's decision on the older view is refused
    ws.add_proposal(RICE, name="Khu thứ hai", user="lan", status="submitted", report={"verdict": "ok"})
    at = _decision_page(hung)
    at.selectbox(key="review_pick").set_value(2).run()
    proposals.comment(ws, 2, "Khoan đã: khu đất đã dời về phía đông", actor=Identity("lan", "Lan", frozenset({"planner"})))
    at.selectbox(key="review_new_status").set_value("approved")
    _button(at, "Ghi nhận").click().run()
    assert any(e.value.startswith("Đề xuất số 2 đã được lan thay đổi lúc ") for e in at.error), [e.value for e in at.error]
    assert ws.proposal(2).status == "submitted"
