"""What the review page shows after a review (issue 13 audit): number boxes without ".00", the level
said by a word on its colour (no emoji), the figures two a row, and the sheet in any paper size."""

from __future__ import annotations

import io
import json
import re

import streamlit as st
from pypdf import PdfReader
from streamlit.testing.v1 import AppTest

from tests.review.test_page import CORNERS

#: Pictographs (the coloured dots 🔴🟠🔵🟢 among them) and other emoji blocks: a box where there is no emoji font.
EMOJI = re.compile("[\U0001f000-\U0001faff\u2600-\u27bf\u2b00-\u2bff\ufe0f]")


def _reviewed(lang: str = "vi") -> AppTest:
    st.cache_resource.clear()
    at = AppTest.from_string(f"from tbgeo.ui.pages import review\nreview.render({lang!r})\n", default_timeout=60).run()
    at.text_area(key="review_coords").set_value(CORNERS)
    at.button(key="review_use_coords").click().run()
    at.text_input(key="review_name").set_value("Nhà máy nhuộm Thử")
    at.selectbox(key="review_sector").set_value("dyeing")
    next(b for b in at.button if b.label == ("Thẩm tra" if lang == "vi" else "Review")).click().run()
    assert not at.exception, at.exception
    return at


def test_number_boxes_show_whole_numbers(project) -> None:  # type: ignore[no-untyped-def]
    """Levy %, land price, workforce, investment and gas use are whole numbers: "%d", no ".00"."""
    st.cache_resource.clear()
    at = AppTest.from_string("from tbgeo.ui.pages import review\nreview.render('vi')\n", default_timeout=60).run()
    assert not at.exception, at.exception
    boxes = {n.key: n for n in at.number_input}
    for key in ("review_workforce", "review_investment", "review_gas", "review_rate", "review_price"):
        box = boxes[key]
        assert box.proto.format == "%d", key
        assert isinstance(box.value, int) and not isinstance(box.value, bool), (key, box.value)
        assert float(box.step).is_integer(), key
    assert boxes["review_rate"].value == 50 and boxes["review_rate"].max == 100
    assert boxes["review_rate"].help == "Tỷ lệ phần trăm (0–100)"
    assert boxes["review_price"].help == "Đồng trên mét vuông"


def test_levels_by_word_and_colour_and_figures_two_a_row(project) -> None:  # type: ignore[no-untyped-def]
    at = _reviewed()
    banner = [e.value for e in at.error if "Kết luận" in e.value]
    assert banner == ["Kết luận: Chặn — Danh mục ngành không chấp thuận (Điều 1, III.4)"]  # in st.error's red box
    assert not EMOJI.search(banner[0])
    frame = next(df for df in at.dataframe if "Quy tắc" in df.value.columns)
    table = frame.value
    assert not any(EMOJI.search(str(v)) for v in table.to_numpy().ravel())
    assert set(table["Mức"]) == {"Chặn", "Cảnh báo", "Thông tin", "Đạt"}
    # the level cells have their colour (a pandas Styler): red for a block, amber, blue, green
    styles = frame.proto.arrow_data.styler.styles
    for colour in ("#f8d0d0", "#fde2b8", "#d3e5f7", "#d2efd9"):
        assert f"background-color: {colour}" in styles, colour
    # the level and value columns are wide enough for "Cảnh báo" and "1.234,50 ha" (not cut to "47,15 h")
    widths = {name: c.get("width") for name, c in json.loads(frame.proto.columns).items()}
    assert widths.get("Mức") == 90 and widths.get("Giá trị") == 110, widths
    # the four figures in two rows of two (each wide enough for "100,00 ha" beside the form)
    assert [m.value for m in at.metric] == ["100,00 ha", "50,00 ha", "25,00 ha", "25,00 ha"]
    holding = [c for c in at.columns if any(e.type == "metric" for e in c.children.values())]
    assert [len([e for e in c.children.values() if e.type == "metric"]) for c in holding] == [1, 1, 1, 1]
    assert all(c.weight == 0.5 for c in holding), [c.weight for c in holding]


def test_the_sheet_in_the_chosen_paper_size(project) -> None:  # type: ignore[no-untyped-def]
    at = _reviewed()
    size = at.selectbox(key="review_sheet_size")
    assert size.options == ["A4", "A3", "A2", "A1", "A0"] and size.value == "A3" and size.label == "Khổ giấy"
    size.set_value("A4").run()
    at.button(key="review_sheet_make").click().run()
    assert not at.exception, at.exception
    pdf = at.session_state["review_sheet_pdf"]
    box = PdfReader(io.BytesIO(pdf)).pages[0].mediabox
    assert sorted(round(float(v) * 25.4 / 72) for v in (box.width, box.height)) == [210, 297]
    at.selectbox(key="review_sheet_size").set_value("A2").run()  # another size: the A4 sheet is not offered as it
    assert "review_sheet_pdf" not in at.session_state
