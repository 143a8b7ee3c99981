"""The printed review sheet: every finding and the verdict, the PNG panel widened, the site named."""

from __future__ import annotations

import pytest
from shapely.geometry import box

from tbgeo.printing import PrintSpec, render
from tbgeo.printing.findings import MIN_TABLE_PT

from .conftest import X0, Y0
from .helpers import pdf_pages

SITE = box(X0 + 3000, Y0 + 3000, X0 + 4500, Y0 + 4200)


def _findings(n: int) -> list[dict]:
    sev = ("ok", "warn", "info", "block")
    return [
        {"rule": f"rule_{i}", "severity": sev[i % 4],
         "title": f"Tiêu chí kiểm tra số {i:02d} về hành lang an toàn và khoảng cách",
         "value": 10.0 + i, "unit": "ha",
         "citation": f"Điều 1, IV.7.c; Nghị định 13/2011/NĐ-CP, Điều {i + 1} và Phụ lục II"}
        for i in range(n)
    ]


@pytest.mark.parametrize("size", ["A3", "A4"])
def test_review_sheet_prints_every_finding_and_the_verdict(fake_data, size: str) -> None:
    rows = _findings(20)
    res = render(PrintSpec(layers=("districts", "industrial_parks"), size=size, site_name="Khu đất thử nghiệm A"),
                 site=SITE, findings=rows, data=fake_data)
    pages = pdf_pages(res.data)
    text = " ".join(pages)
    for f in rows:
        assert f["title"] in text, f["title"]
    assert "Kết luận chung: Chặn (20 tiêu chí: 5 đạt, 5 cảnh báo, 5 thông tin, 5 chặn)" in pages[0]
    info = res.layout["findings"]
    assert info["rows"] == 20 and info["pt"] >= MIN_TABLE_PT
    assert res.pages == len(pages) == info["pages"]
    if res.pages > 1:  # the table runs on: marked on page 1, titled as a continuation on page 2
        left = 20 - info["first_page_rows"]
        assert f"Còn {left} tiêu chí, xem tiếp trang 2" in pages[0]
        assert "KẾT QUẢ RÀ SOÁT (tiếp theo trang 1)" in pages[1]
        assert "Trang 1/2" in pages[0] and "Trang 2/2" in pages[1]
    else:
        assert info["first_page_rows"] == 20


def test_review_png_widens_the_panel_until_every_row_fits(fake_data) -> None:
    rows = _findings(20)
    spec = PrintSpec(layers=("districts",), size="A4", fmt="png", dpi=60, site_name="Khu đất A",
                     verdict="warn", verdict_text="Cần xem xét thêm")
    res = render(spec, site=SITE, findings=rows, data=fake_data)
    lay = res.layout
    assert res.pages == 1 and lay["findings"]["first_page_rows"] == 20 and lay["findings"]["pt"] >= 5.0
    # the panel grew (the map narrowed) beyond the standard 36 % so the table fits beside it
    body_w = lay["panel_mm"][0] + lay["panel_mm"][2] - lay["frame_mm"][0]
    assert lay["panel_mm"][2] / body_w > 0.37
    x, y, w, h = lay["findings_box_mm"]
    assert lay["panel_mm"][1] - 0.01 <= y and y + h <= lay["panel_mm"][1] + lay["panel_mm"][3] + 0.01
    # the verdict given by the caller wins over the worst row
    assert lay["findings"]["verdict"] == "warn"


def test_site_name_is_labelled_on_the_map_and_district_names_avoid_it(fake_data) -> None:
    res = render(PrintSpec(layers=("districts", "industrial_parks"), size="A4", site_name="Khu đất thử nghiệm A",
                           scale=100_000), site=SITE, findings=[], data=fake_data)
    labels = res.layout["labels"]
    site_label = [lb for lb in labels if lb["layer"] == "site"]
    assert [lb["text"] for lb in site_label] == ["Khu đất thử nghiệm A"]
    assert len([lb for lb in labels if lb["layer"] == "districts"]) >= 1
    for lb in labels:
        if lb["layer"] == "districts":
            assert not box(*lb["bbox"]).intersects(SITE), lb["text"]
    # the label sits next to the site (within 3 mm of paper = 300 m at 1:100 000)
    assert box(*site_label[0]["bbox"]).distance(SITE) < 300
