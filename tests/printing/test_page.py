"""The print page in Streamlit's AppTest: the form, a rendered preview and the download, in both languages."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

SCRIPT = """
import sys
from tbgeo.ui.pages import print_
print_.render(sys.argv[-1] if sys.argv[-1] in ("vi", "en") else "{lang}")
"""


@pytest.fixture
def clean_cache():
    import streamlit as st

    st.cache_resource.clear()
    yield
    st.cache_resource.clear()  # never leave the synthetic catalog in the cache for other tests


def _app(tmp_path: Path, lang: str) -> AppTest:
    script = tmp_path / f"print_page_{lang}.py"
    script.write_text(SCRIPT.replace("{lang}", lang), encoding="utf-8")
    return AppTest.from_file(str(script), default_timeout=120)


def test_print_page_renders_a_preview_and_download(fake_project: Path, tmp_path: Path, clean_cache) -> None:
    at = _app(tmp_path, "vi").run()
    assert not at.exception
    assert at.title[0].value == "In bản đồ"
    ms = at.multiselect[0]
    assert ms.label == "Các lớp bản đồ"
    assert set(ms.value) == {"districts", "industrial_parks", "gas_pipelines", "energy_sites"}  # shown by default
    ms.set_value(["districts", "industrial_parks"])
    at.selectbox[0].set_value("A4")  # sheet size
    assert len(at.selectbox) == 1
    assert "Huyện/thành phố" not in [s.label for s in at.selectbox]  # shown only for "one district"
    assert not [n for n in at.text_input if "Đông" in n.label]  # box fields only for "coordinate box"
    assert [c.label for c in at.checkbox if "DỰ THẢO" in c.label] and not [c.value for c in at.checkbox
                                                                           if "DỰ THẢO" in c.label][0]
    assert "Ngày lập bản đồ (in dưới giai đoạn, để trống nếu không in)" in [ti.label for ti in at.text_input]
    at.radio[2].set_value("district").run()  # extent
    at.selectbox[1].set_value("Tiền Hải")
    at.button[0].click().run()
    assert not at.exception, at.exception
    summary = " ".join(m.value for m in at.markdown)
    assert "Khổ A4 ngang, tỷ lệ 1:" in summary and "1 trang" in summary
    assert "2 lớp có đối tượng trong khung in" in summary and "mục chú dẫn" in summary
    assert len(at.get("image")) == 1
    download = at.get("download_button")[0]
    assert download.proto.label == "Tải xuống tbgeo-tiền-hải.pdf"


def test_print_page_in_english_and_a_clear_error(fake_project: Path, tmp_path: Path, clean_cache) -> None:
    at = _app(tmp_path, "en").run()
    assert at.title[0].value == "Print maps"
    assert at.multiselect[0].label == "Map layers"
    at.multiselect[0].set_value([])
    at.button[0].click().run()
    assert not at.exception
    assert at.error[0].value == "No layer chosen to print. Choose at least one layer."
    at.radio[2].set_value("box").run()
    boxes = {n.label: n for n in at.text_input}
    assert {k: boxes[k].value for k in ("Minimum easting (E, m)", "Minimum northing (N, m)", "Maximum easting (E, m)",
                                        "Maximum northing (N, m)")} == {
        "Minimum easting (E, m)": "575000", "Minimum northing (N, m)": "2250000",
        "Maximum easting (E, m)": "600000", "Maximum northing (N, m)": "2270000"}
    boxes["Minimum easting (E, m)"].set_value("575 km").run()
    assert "Minimum easting (E, m): “575 km” is not a number. Write a number with a decimal point, e.g. 1.5." in [
        e.value for e in at.error]


def test_print_box_in_degrees_takes_the_decimal_comma(fake_project: Path, tmp_path: Path, clean_cache) -> None:
    at = _app(tmp_path, "vi").run()
    at.radio[2].set_value("box").run()
    at.radio[3].set_value("4326").run()
    boxes = {n.key: n for n in at.text_input if n.key and n.key.startswith("print_box_")}
    assert {k: b.value for k, b in boxes.items()} == {"print_box_lonmin": "106,3", "print_box_latmin": "20,4",
                                                      "print_box_lonmax": "106,5", "print_box_latmax": "20,55"}
    boxes["print_box_lonmax"].set_value("106,4")
    boxes["print_box_latmax"].set_value("20.5")
    at.button[0].click().run()
    assert not at.exception, at.exception
    assert not at.error
    assert len(at.get("image")) == 1


def test_lonlat_box_becomes_vn2000() -> None:
    from tbgeo.ui.pages.print_ import lonlat_to_bbox

    x0, y0, x1, y1 = lonlat_to_bbox(106.30, 20.40, 106.40, 20.50)
    # facts §1.4: 20.45 N 106.34 E is about E 587 645, N 2 262 183 (VN-2000 vs WGS 84 differ by ~224 m)
    assert 575_000 < x0 < 584_000 < 592_000 < x1 < 600_000
    assert 2_250_000 < y0 < 2_259_000 < 2_266_000 < y1 < 2_273_000
