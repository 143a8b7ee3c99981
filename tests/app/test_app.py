"""Every page runs under Streamlit's AppTest without exception; the language switch changes the text."""

from __future__ import annotations

import importlib
import re
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from tbgeo.catalog import load_catalog
from tbgeo.i18n import t
from tbgeo.ui.app import PAGES

ROOT = Path(__file__).resolve().parents[2]
TIMEOUT = 90


@pytest.fixture(autouse=True)
def _fresh_caches() -> None:
    # other test modules run pages on small synthetic catalogs; never see their cached layers here
    import streamlit as st

    st.cache_resource.clear()


def _page_script(module: str, lang: str) -> str:
    return f"import importlib\nimportlib.import_module({module!r}).render({lang!r})\n"


def test_app_starts_in_vietnamese_and_switches_to_english(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=TIMEOUT).run()
    assert not at.exception, at.exception
    assert at.title[0].value == t("map.title", "vi") == "Bản đồ quy hoạch công nghiệp tỉnh Thái Bình"
    cat = load_catalog()
    assert [cb.label for cb in at.sidebar.checkbox] == [lyr.title("vi") for group in cat.by_group().values() for lyr in group] + [
        "Dự án đề xuất đã lưu (tô theo trạng thái)", "Cả bản dự thảo (nét đứt, màu xám)"]  # the proposals' own layer
    at.sidebar.radio(key="lang").set_value("en").run()
    assert not at.exception, at.exception
    assert at.title[0].value == "Industrial planning map of Thái Bình province"
    assert [cb.label for cb in at.sidebar.checkbox] == [lyr.title("en") for group in cat.by_group().values() for lyr in group] + [
        "Saved proposed sites (coloured by status)", "Drafts too (dashed grey)"]
    assert at.sidebar.radio(key="lang").value == "en"


@pytest.mark.parametrize("info", PAGES, ids=[p.url for p in PAGES])
@pytest.mark.parametrize("lang", ["vi", "en"])
def test_every_page_renders(info, lang: str, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.chdir(ROOT)
    at = AppTest.from_string(_page_script(info.module, lang), default_timeout=TIMEOUT).run()
    assert not at.exception, at.exception
    assert hasattr(importlib.import_module(info.module), "render")
    assert at.title, f"{info.module} shows no title"
    assert at.title[0].value.strip() != ""
    assert t(info.title_key, lang) != info.title_key


def test_menu_titles_follow_the_language(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    assert [t(p.title_key, "vi") for p in PAGES][:2] == ["Bản đồ", t("review.page.title", "vi")]
    assert t(PAGES[4].title_key, "vi") == "Mục tiêu quy hoạch"
    assert t(PAGES[4].title_key, "en") == "Plan targets"


def test_data_page_lists_provenance_and_citations(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    at = AppTest.from_string(_page_script("tbgeo.ui.pages.data", "vi"), default_timeout=TIMEOUT).run()
    assert not at.exception
    table = at.dataframe[0].value
    assert len(table) == 13  # the 12 shipped layers and the optional communes_2025
    title = {lyr.id: lyr.title("vi") for lyr in [*load_catalog(), *load_catalog().optional]}
    assert "Mã lớp" not in table.columns  # the page names layers by their titles, not their ids
    assert set(table["Tên lớp"]) >= {title[i] for i in ("districts", "industrial_parks", "landuse", "communes_2025")}
    assert not {"districts", "industrial_parks", "landuse"} & {str(v) for v in table.to_numpy().ravel()}
    cites = dict(zip(table["Tên lớp"], table["Trích dẫn quy hoạch"], strict=True))
    assert all(c.startswith("Điều 1") for name, c in cites.items() if name != title["communes_2025"])
    assert cites[title["communes_2025"]] == "Nghị quyết 1666/NQ-UBTVQH15"
    features = dict(zip(table["Tên lớp"], table["Số đối tượng"], strict=True))
    assert features[title["districts"]] == "8" and features[title["landuse"]] == "—"
    assert features[title["communes_2025"]] == "lớp tùy chọn, chưa nạp"
    assert len(at.expander) == 13
    provenance = [m.value for m in at.markdown if m.value.startswith("**Nguồn gốc:**")]
    assert len(provenance) == 13 and sum("minh họa" in p.lower() for p in provenance) == 12
    assert any("Không có dữ liệu đi kèm" in p for p in provenance)
    # the source in words, never a project path; the accuracy names fields by their labels
    sources = [m.value for m in at.markdown if m.value.startswith("**Nguồn dữ liệu:**")]
    assert sources.count("**Nguồn dữ liệu:** Dữ liệu minh họa kèm theo tbgeo") == 12
    assert sources.count("**Nguồn dữ liệu:** lớp tùy chọn, chưa nạp") == 1
    shown = "\n".join(m.value for m in at.markdown)
    assert "data/" not in shown and ".geojson" not in shown and ".tif" not in shown
    assert not re.search(r"\b(?:length_km|area_ha|width_m)\b", shown)
    assert "tuyến quy hoạch chỉ thể hiện hướng, không phải tuyến đã duyệt. «Chiều dài (km)» tính trong EPSG:9209." in shown
    codes = at.dataframe[1].value
    assert list(codes[codes["Đất lúa"] == "có"]["Mã"]) == ["LUC", "LUK"]


def test_broken_layer_file_is_reported_not_raised(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import shutil

    from tbgeo import settings

    layers = tmp_path / "layers"
    shutil.copytree(ROOT / "layers", layers)
    text = (layers / "rivers.toml").read_text(encoding="utf-8")
    (layers / "rivers.toml").write_text('colour = "blue"\n' + text, encoding="utf-8")
    monkeypatch.setattr(settings, "LAYERS_DIR", layers)
    monkeypatch.chdir(ROOT)
    script = (
        "import streamlit as st\n"
        "st.cache_resource.clear()\n"
        "from tbgeo.ui.app import PAGES\n"
        "PAGES[0].render()\n"
        "st.cache_resource.clear()\n"
    )
    at = AppTest.from_string(script, default_timeout=TIMEOUT).run()
    assert not at.exception
    assert at.error[0].value == "Tệp lớp rivers.toml: khóa không hợp lệ «colour». Các khóa cho phép: " + ", ".join(
        ("id", "title_vi", "title_en", "group", "kind", "source", "crs", "citation", "provenance_vi", "provenance_en",
         "accuracy_vi", "accuracy_en", "geometry_type", "order", "default_visible", "label_field", "style", "popup",
         "raster_classes", "optional")
    ) + "."


def test_saved_proposals_show_on_the_map_in_the_users_language() -> None:
    import shapely

    from tbgeo.mapping.view import proposal_overlays as proposals_overlay
    from tbgeo.store.gpkg import GpkgStore

    ws = GpkgStore.open()
    p = ws.add_proposal(shapely.box(590_000, 2_262_000, 590_500, 2_262_400), name="Nhà máy C", attributes={})
    ws.set_status(p.id, "submitted")
    (overlay,) = proposals_overlay("vi")
    assert overlay.title == "Dự án đề xuất đã lưu"
    assert [label for _, label in overlay.popup] == ["Số", "Dự án", "Trạng thái", "Diện tích"]
    row = overlay.gdf.iloc[0]
    assert (row["name"], row["status_text"], row["area_text"]) == ("Nhà máy C", "Chờ duyệt", "20,00 ha")
    (overlay_en,) = proposals_overlay("en")
    assert overlay_en.gdf.iloc[0]["status_text"] == "Submitted" and overlay_en.gdf.iloc[0]["area_text"] == "20.00 ha"


def test_a_fault_in_a_page_shows_a_plain_message_in_the_users_language(monkeypatch: pytest.MonkeyPatch) -> None:
    """Not Streamlit's English box with links to Google and ChatGPT: a message in Vietnamese (or
    English), and the traceback in the server's log."""
    import tbgeo.ui.pages.map as map_page

    def boom(lang: str) -> None:
        raise RuntimeError("a bug")

    monkeypatch.chdir(ROOT)
    monkeypatch.setattr(map_page, "render", boom)
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=TIMEOUT).run()
    assert not at.exception
    assert [e.value for e in at.error] == [t("app.unexpected_error", "vi")]
    assert at.error[0].value.startswith("Đã xảy ra lỗi ngoài dự kiến trong tbgeo.")
    at.sidebar.radio(key="lang").set_value("en").run()
    assert [e.value for e in at.error] == [t("app.unexpected_error", "en")]
