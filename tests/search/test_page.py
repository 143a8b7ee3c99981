"""AppTest of the search page on the shipped catalog, in both languages: search, table, model, save."""

from __future__ import annotations

import re

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from tbgeo.store.gpkg import GpkgStore


def _app(lang: str) -> AppTest:
    st.cache_resource.clear()
    script = f"from tbgeo.ui.pages import search\nsearch.render({lang!r})\n"
    return AppTest.from_string(script, default_timeout=120)


def _button(at: AppTest, label: str):
    return next(b for b in at.button if b.label == label)


def test_search_page_in_vietnamese() -> None:
    at = _app("vi").run()
    assert not at.exception, at.exception
    assert at.title[0].value == "Tìm kiếm địa điểm"
    assert any("Chưa có kết quả" in i.value for i in at.info)
    # the area box shows and takes the decimal comma; junk is refused in Vietnamese, the search is off
    assert at.text_input(key="search_area").value == "50"
    assert at.text_input(key="search_ratio").value == "2"
    at.text_input(key="search_area").set_value("ba mươi").run()
    assert [e.value for e in at.error] == ["Diện tích cần (ha): “ba mươi” không phải là một số. Hãy viết số với "
                                           "dấu phẩy thập phân, ví dụ 1,5."]
    assert _button(at, "Tìm kiếm").disabled
    at.text_input(key="search_area").set_value("6000").run()
    assert [e.value for e in at.error] == ["Diện tích cần (ha): số phải không lớn hơn 5.000."]
    at.text_input(key="search_area").set_value("30,5").run()
    at.selectbox(key="search_cell").set_value(100.0)
    at.number_input(key="search_top").set_value(3)
    _button(at, "Tìm kiếm").click().run()
    assert not at.exception, at.exception
    assert not at.error
    assert any("Tìm được 3 khu đất 30,5 ha" in s.value for s in at.success)
    table = next(df.value for df in at.dataframe if "Hạng" in df.value.columns)
    assert list(table["Hạng"]) == [1, 2, 3]
    assert list(table.columns) == ["Hạng", "Điểm", "Diện tích (ha)", "LUC (ha)", "LUK (ha)", "Huyện", "Khu vực",
                                   "Tới ống khí (km)", "Kết luận thẩm tra", "Vấn đề nặng nhất"]
    # numbers as Vietnamese writes them (tbgeo.ui.tables): "30,00"
    assert all(float(v.replace(".", "").replace(",", ".")) >= 30 for v in table["Diện tích (ha)"])
    assert set(table["LUC (ha)"]) == {"0,00"} and all(re.fullmatch(r"0,\d{3}", v) for v in table["Điểm"])
    constraints = next(df.value for df in at.dataframe if "Ràng buộc" in df.value.columns)
    assert "Đất chuyên trồng lúa nước (LUC)" in list(constraints["Ràng buộc"])
    assert any(c == "Điều 1, III.4; V.1.h; Luật Đất đai 2024, Điều 122" for c in constraints["Căn cứ"])
    _button(at, "Lưu thành đề xuất dự thảo").click().run()
    assert not at.exception, at.exception
    assert any("Đã lưu ứng viên 1 thành đề xuất số 1 (dự thảo)." in s.value for s in at.success)
    (p,) = GpkgStore.open_existing().proposals()
    assert p.status == "draft" and p.report["attributes"]["sector"] == "electronics"
    assert p.area_ha == pytest.approx(float(table["Diện tích (ha)"].iloc[0].replace(".", "").replace(",", ".")), abs=0.01)
    at.button(key="search_sens_run").click().run()
    assert not at.exception, at.exception
    lines = [x.value for x in at.text if "20 %" in x.value]
    # four counting weights (electronics without gas; no road layer), each + and −
    assert len(lines) == 8
    assert all(("ổn định" in x) or ("thay đổi — giữ" in x) for x in lines)
    at.button(key="search_print").click().run()
    assert not at.exception, at.exception
    assert any(b.label == "Tải tờ A3 (PDF)" for b in at.get("download_button"))


def test_search_page_in_english_refused_and_ahp() -> None:
    at = _app("en").run()
    assert not at.exception, at.exception
    assert at.title[0].value == "Site search"
    at.selectbox(key="search_sector").set_value("steel_smelting")
    at.selectbox(key="search_cell").set_value(100.0)
    _button(at, "Search").click().run()
    assert not at.exception, at.exception
    assert any(e.value.startswith("The plan refuses the sector") and "Citation: Điều 1" in e.value for e in at.error)
    # AHP: an inconsistent set of judgements is refused with the pair named; the search button is off
    at.selectbox(key="search_sector").set_value("electronics")
    at.radio(key="search_weights_mode").set_value("ahp").run()
    assert not at.exception, at.exception
    assert at.metric[0].value == "0.000"
    at.select_slider(key="search_ahp_zone_gas").set_value(9.0)
    at.select_slider(key="search_ahp_gas_road").set_value(9.0)
    at.select_slider(key="search_ahp_zone_road").set_value(1 / 9).run()
    assert any("Consistency ratio CR" in e.value and "≥ 0.10" in e.value for e in at.error)
    assert _button(at, "Search").disabled


def test_search_page_in_english_finds_reviews_and_saves() -> None:
    at = _app("en").run()
    at.selectbox(key="search_sector").set_value("textile_garment")
    at.text_input(key="search_area").set_value("20")
    at.checkbox(key="search_inside").check()
    at.selectbox(key="search_cell").set_value(100.0)
    at.number_input(key="search_top").set_value(2)
    _button(at, "Search").click().run()
    assert not at.exception, at.exception
    assert any(s.value == "Found 2 sites of 20.0 ha, each already reviewed." for s in at.success)
    table = next(df.value for df in at.dataframe if "Rank" in df.value.columns)
    assert list(table.columns) == ["Rank", "Score", "Area (ha)", "LUC (ha)", "LUK (ha)", "Districts", "Zone",
                                   "To gas pipe (km)", "Review verdict", "Worst finding"]
    assert list(table["Rank"]) == [1, 2] and (table["Area (ha)"] >= 20).all()
    # "must be inside a park/cluster": each candidate is in one (the zone column names it)
    assert all(z.startswith(("KCN", "CCN")) for z in table["Zone"])
    constraints = next(df.value for df in at.dataframe if "Constraint" in df.value.columns)
    assert "Outside parks and clusters (the project must go into one)" in list(constraints["Constraint"])
    _button(at, "Save as a draft proposal").click().run()
    assert not at.exception, at.exception
    assert any(s.value == "Saved candidate 1 as proposal no. 1 (draft)." for s in at.success)
    (p,) = GpkgStore.open_existing().proposals()
    assert p.status == "draft" and p.report["attributes"]["sector"] == "textile_garment"
