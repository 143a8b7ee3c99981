"""AppTest of the review page's drafts (issue 13 §4): reviews are stored only when saved (no pile of
drafts from a browser session), a saved proposal reopens into the form and saving it updates the same
proposal, and a planner archives or deletes their own drafts from the page, the history kept."""

from __future__ import annotations

import streamlit as st
from shapely.geometry import box
from streamlit.testing.v1 import AppTest

from tbgeo import proposals
from tbgeo.auth import Identity
from tbgeo.store import open_store
from tbgeo.store.gpkg import GpkgStore

RICE = box(588_500, 2_260_200, 590_500, 2_260_700)  # 100 ha: 25 ha LUC (Kiến Xương), 25 ha LUK (Tiền Hải)
CORNERS = "Điểm X Y\n1 2260200 588500\n2 2260200 590500\n3 2260700 590500\n4 2260700 588500\n"
OTHER = "Điểm X Y\n1 2262000 590000\n2 2262000 590500\n3 2262400 590500\n4 2262400 590000\n"  # 20 ha
LAN = Identity("lan", "Lan", frozenset({"planner"}))


def _app(lang: str = "vi", who: Identity | None = None) -> AppTest:
    st.cache_resource.clear()  # the catalog is cached per process: use the test project's
    at = AppTest.from_string(f"from tbgeo.ui.pages import review\nreview.render({lang!r})\n", default_timeout=60)
    if who is not None:
        at.session_state["identity"] = who  # the signed-in person, as the app's sign-in leaves it
    return at.run()


def _button(at: AppTest, label: str):  # type: ignore[no-untyped-def]
    return next(b for b in at.button if b.label == label)


def _review(at: AppTest, corners: str, name: str, sector: str) -> None:
    at.text_area(key="review_coords").set_value(corners)
    at.button(key="review_use_coords").click().run()
    at.text_input(key="review_name").set_value(name)
    at.selectbox(key="review_sector").set_value(sector)
    _button(at, "Thẩm tra").click().run()
    assert not at.exception, at.exception


def _stored() -> list[tuple[int, str, str]]:
    return [(p.id, p.name, p.status) for p in open_store(create=False).proposals()]


def _table(at: AppTest, column: str):  # type: ignore[no-untyped-def]
    return next(df.value for df in at.dataframe if column in df.value.columns)


def test_reviews_are_stored_only_when_saved(project) -> None:  # type: ignore[no-untyped-def]
    # 6 reviews of 3 sites in 2 new browser sessions: nothing stored (12 drafts for 6 sites before)
    for _session in range(2):
        at = _app()
        for corners, name in ((CORNERS, "Khu lúa"), (OTHER, "Khu B"), (CORNERS, "Khu lúa (sửa)")):
            _review(at, corners, name, "electronics")
            assert any(i.value.startswith("Kết quả này chưa được lưu. Bấm «Lưu bản dự thảo»") for i in at.info)
    assert _stored() == []
    assert "Chưa có đề xuất nào được lưu." in [i.value for i in at.info]
    # saved: exactly one draft, said on the page and listed
    _button(at, "Lưu bản dự thảo").click().run()
    assert not at.exception, at.exception
    assert "Đã lưu khu đất thành bản dự thảo đề xuất số 1." in [s.value for s in at.success]
    assert _stored() == [(1, "Khu lúa (sửa)", "draft")]
    assert list(_table(at, "Trạng thái")["#"]) == [1]
    # the same site reviewed again and saved again: the same draft, updated
    at.text_input(key="review_name").set_value("Khu lúa (lần 3)")
    _button(at, "Thẩm tra").click().run()
    _button(at, "Lưu vào đề xuất số 1").click().run()
    assert _stored() == [(1, "Khu lúa (lần 3)", "draft")]
    assert [(c.field, c.old, c.new) for c in GpkgStore.open_existing().proposal(1).changes] == [
        ("name", "Khu lúa (sửa)", "Khu lúa (lần 3)"), ("attributes.name", "Khu lúa (sửa)", "Khu lúa (lần 3)")]


def test_a_saved_draft_reopens_into_the_form_and_saving_updates_it(project) -> None:  # type: ignore[no-untyped-def]
    from tbgeo.review.config import load_config
    from tbgeo.review.context import ReviewContext
    from tbgeo.review.model import SiteAttrs
    from tbgeo.review.run import review_site

    attrs = SiteAttrs(name="Nhà máy linh kiện", investor="Công ty Hưng Phát", sector="electronics", workforce=450,
                      investment_bvnd=1200.0, gas_use_m3_day=300.0, technology="advanced")
    report = review_site(RICE, attrs=attrs, context=ReviewContext.from_catalog(include_proposals=False),
                         config=load_config().with_inputs(levy_rate_pct=60.0, land_price_vnd_m2=120_000.0))
    assert proposals.save_review(GpkgStore.open(), report, "vi") == (1, "created", None)
    at = _app()  # a new browser session
    assert "review_site" not in at.session_state
    at.button(key="review_reopen").click().run()
    assert not at.exception, at.exception
    assert ("Đã mở đề xuất số 1 vào biểu mẫu thẩm tra: khu đất, tên và các thông tin dự án đã được điền sẵn. "
            "Thẩm tra lại rồi bấm lưu để cập nhật chính đề xuất này.") in [i.value for i in at.info]
    assert "Đã có khu đất: 100,00 ha (mở từ đề xuất số 1)." in [i.value for i in at.info]
    form = (at.text_input(key="review_name").value, at.text_input(key="review_investor").value,
            at.selectbox(key="review_sector").value, at.number_input(key="review_workforce").value,
            at.number_input(key="review_investment").value, at.number_input(key="review_gas").value,
            at.selectbox(key="review_technology").value)
    assert form == ("Nhà máy linh kiện", "Công ty Hưng Phát", "electronics", 450, 1200.0, 300.0, "advanced")
    assert (at.number_input(key="review_rate").value, at.number_input(key="review_price").value) == (60.0, 120_000.0)
    assert at.session_state["review_site"].equals(RICE)
    # re-run with a change and save: the same proposal, its history saying what changed
    at.text_input(key="review_investor").set_value("Công ty Hưng Phát Thái Bình")
    _button(at, "Thẩm tra").click().run()
    assert not at.exception, at.exception
    _button(at, "Lưu vào đề xuất số 1").click().run()
    assert "Đã cập nhật kết quả thẩm tra của đề xuất số 1." in [s.value for s in at.success]
    (p,) = GpkgStore.open_existing().proposals()
    assert (p.id, p.attributes["investor"], p.attributes["workforce"]) == (1, "Công ty Hưng Phát Thái Bình", 450)
    assert [(c.field, c.new) for c in p.changes] == [("attributes.investor", "Công ty Hưng Phát Thái Bình")]


def test_a_reopened_draft_drawn_anew_keeps_its_number_and_can_be_saved_as_a_new_one(project) -> None:  # type: ignore[no-untyped-def]
    at = _app()
    _review(at, CORNERS, "Khu lúa", "electronics")
    _button(at, "Lưu bản dự thảo").click().run()
    assert _stored() == [(1, "Khu lúa", "draft")]
    at = _app()  # a new browser session: the draft reopened, then a different outline typed
    at.button(key="review_reopen").click().run()
    _review(at, OTHER, "Khu lúa", "electronics")
    _button(at, "Lưu vào đề xuất số 1").click().run()
    assert not at.exception, at.exception
    assert "Đã cập nhật kết quả thẩm tra của đề xuất số 1." in [s.value for s in at.success]
    (p,) = GpkgStore.open_existing().proposals()
    assert (p.id, round(p.geometry.area / 10_000, 2)) == (1, 20.0)
    assert p.geometry.equals(box(590_000, 2_262_000, 590_500, 2_262_400))
    assert [(c.field, c.old, c.new) for c in p.changes if c.field == "area_ha"] == [("area_ha", "100.0", "20.0")]
    # the next outline, saved as a new draft: proposal 1 stays as it is
    _review(at, CORNERS, "Khu mới", "electronics")
    _button(at, "Lưu thành bản dự thảo mới").click().run()
    assert not at.exception, at.exception
    assert _stored() == [(2, "Khu mới", "draft"), (1, "Khu lúa", "draft")]
    assert round(GpkgStore.open_existing().proposal(1).geometry.area / 10_000, 2) == 20.0


def test_a_planner_archives_and_deletes_their_own_drafts_on_the_page(project) -> None:  # type: ignore[no-untyped-def]
    ws = GpkgStore.open()
    ws.add_proposal(RICE, name="Khu của Lan", user="lan", report={"verdict": "ok"})
    ws.add_proposal(box(590_000, 2_262_000, 590_500, 2_262_400), name="Khu của Bình", user="binh", report={"verdict": "ok"})
    ws.add_proposal(box(600_000, 2_262_000, 600_500, 2_262_400), name="Khu Lan đã trình", user="lan",
                    status="submitted", report={"verdict": "ok"})
    at = _app(who=LAN)
    keys = lambda: {b.key for b in at.button}  # noqa: E731
    at.selectbox(key="review_pick").set_value(2).run()  # Bình's draft: not Lan's to tidy
    assert not {"review_archive", "review_delete"} & keys()
    at.selectbox(key="review_pick").set_value(3).run()  # submitted: part of the record
    assert not {"review_archive", "review_delete"} & keys()
    at.selectbox(key="review_pick").set_value(1).run()
    assert {"review_archive", "review_delete"} <= keys()
    at.button(key="review_archive").click().run()
    assert not at.exception, at.exception
    assert ("Đã lưu trữ đề xuất số 1: nó không còn hiện trong danh sách và trên bản đồ; lịch sử được giữ."
            in [s.value for s in at.success])
    assert sorted(_table(at, "Trạng thái")["#"]) == [2, 3]
    assert "1 đề xuất đã lưu trữ hoặc đã xoá không được hiện." in [c.value for c in at.caption]
    # shown on request, restored or deleted from there
    at.checkbox(key="review_show_hidden").check().run()
    table = _table(at, "Trạng thái")
    assert dict(zip(table["#"], table["Trạng thái"], strict=True))[1] == "Đã lưu trữ"
    at.selectbox(key="review_pick").set_value(1).run()
    assert {"review_restore", "review_delete"} <= keys() and "review_archive" not in keys()
    assert "review_new_status" not in {s.key for s in at.selectbox}  # an archived draft takes no decision
    at.button(key="review_delete").click().run()
    assert not at.exception, at.exception
    assert any(s.value.startswith("Đã xoá đề xuất số 1: nó không còn hiện trong danh sách, sổ theo dõi và bản đồ")
               for s in at.success)
    p = ws.proposal(1)
    assert p.status == "deleted" and [(d.by, d.status_to) for d in p.history][1:] == [("lan", "archived"), ("lan", "deleted")]
    at.checkbox(key="review_show_hidden").uncheck().run()
    assert sorted(_table(at, "Trạng thái")["#"]) == [2, 3]
    # the deleted draft is in no list
    assert "Khu của Lan" not in list(_table(at, "Trạng thái")["Tên"])
