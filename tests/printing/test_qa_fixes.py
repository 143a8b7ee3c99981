"""Regression tests for the QA audit of printed sheets: every finding and the verdict, labels, sources,
title block inside the frame, legend size, easting-first boxes, sector names (synthetic catalog: fast)."""

from __future__ import annotations

import argparse

import matplotlib
import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg
from shapely.geometry import box

from tbgeo.errors import InputError
from tbgeo.printing import PrintSpec, build_figure, render
from tbgeo.printing.compose import RC
from tbgeo.printing.findings import MIN_TABLE_PT, finding_cells
from tbgeo.printing.spec import check_bbox

from .conftest import X0, Y0
from .helpers import pdf_pages

SITE = box(X0 + 3000, Y0 + 3000, X0 + 4500, Y0 + 4200)
LONG_ISSUER = "Ủy ban nhân dân tỉnh Thái Bình, Sở Công Thương tỉnh Thái Bình"


def _findings(n: int) -> list[dict]:
    sev = ("ok", "warn", "info", "block")
    return [
        {"rule": f"rule_{i}", "severity": sev[i % 4],
         "title": f"Tiêu chí kiểm tra số {i:02d} về hành lang an toàn và khoảng cách",
         "value": 10.0 + i, "unit": "ha",
         "citation": f"Điều 1, IV.7.c; Nghị định 13/2011/NĐ-CP, Điều {i + 1} và Phụ lục II"}
        for i in range(n)
    ]


def _text_boxes_mm(fig) -> list[tuple[str, str | None, tuple[float, float, float, float]]]:
    """Every figure-level text's drawn bounding box in mm from the paper's lower-left corner."""
    with matplotlib.rc_context(RC):
        renderer = FigureCanvasAgg(fig).get_renderer()
        out = []
        for txt in fig.texts:
            if not txt.get_text().strip():
                continue
            bb = txt.get_window_extent(renderer)
            k = 25.4 / fig.dpi
            out.append((txt.get_text(), txt.get_gid(), (bb.x0 * k, bb.y0 * k, bb.x1 * k, bb.y1 * k)))
    return out


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


def test_value_text_and_sector_codes_are_never_printed_raw() -> None:
    from tbgeo.plan.sectors import get_sector

    cells = finding_cells([
        {"title": "Ngành nghề", "severity": "ok", "value": "textile_garment", "unit": ""},
        {"title": "Diện tích", "severity": "warn", "value": 3.0, "value_text": "3,00 ha (đã làm tròn)", "unit": "ha"},
    ], "vi")
    assert cells[0][2] == get_sector("textile_garment").name("vi") and "textile_garment" not in cells[0][2]
    assert cells[1][2] == "3,00 ha (đã làm tròn)"
    assert finding_cells([{"value": "textile_garment"}], "en")[0][2] == get_sector("textile_garment").name("en")
    # also when the caller's formatted text is the bare code (Finding.value_text of a sector finding)
    assert finding_cells([{"value": "textile_garment", "value_text": "textile_garment"}], "vi")[0][2] == \
        get_sector("textile_garment").name("vi")


def test_site_name_is_labelled_on_the_map_and_district_names_avoid_it(fake_data) -> None:
    res = render(PrintSpec(layers=("districts", "industrial_parks"), size="A4", site_name="Khu đất thử nghiệm A",
                           scale=100_000), site=SITE, findings=[], data=fake_data)
    labels = res.layout["labels"]
    site_label = [lb for lb in labels if lb["layer"] == "site"]
    assert [lb["text"] for lb in site_label] == ["Khu đất thử nghiệm A"]
    for lb in labels:
        if lb["layer"] == "districts":
            assert not box(*lb["bbox"]).intersects(SITE), lb["text"]
    # the label sits next to the site (within 3 mm of paper = 300 m at 1:100 000)
    assert box(*site_label[0]["bbox"]).distance(SITE) < 300


@pytest.mark.parametrize("lang,issuer", [("vi", LONG_ISSUER), ("en", None)])
def test_title_block_text_stays_inside_the_frame(fake_data, lang: str, issuer: str | None) -> None:
    spec = PrintSpec(layers=("districts",), size="A4", orientation="portrait", issuer=issuer, lang=lang,
                     district="Tien Hai", national_heading=True)
    fig, lay = build_figure(spec, data=fake_data)
    m = 8.0  # the A4 margin: the neat line is 8 mm from the paper's edge
    W, H = lay["page_mm"]
    boxes = _text_boxes_mm(fig)
    issuer_text = (issuer or "Department of Industry and Trade of Thái Bình").upper()
    issuer_lines = [s for s, gid, _ in boxes if gid == "issuer"]
    assert len(issuer_lines) >= 2, "the issuing body is wrapped to its column"
    assert " ".join(issuer_lines).split() == issuer_text.split()  # all of it
    for s, _gid, (x0, y0, x1, y1) in boxes:
        assert m - 0.01 <= x0 and x1 <= W - m + 0.01 and m - 0.01 <= y0 and y1 <= H - m + 0.01, (s, x0, x1)


@pytest.mark.parametrize("size,orientation", [("A4", "landscape"), ("A4", "portrait")])
def test_legend_is_at_least_six_points(fake_data, size: str, orientation: str) -> None:
    res = render(PrintSpec(size=size, orientation=orientation), data=fake_data)
    assert res.layout["legend_pt"] >= 6.0
    x, y, w, h = res.layout["legend_box_mm"]
    px, py, pw, ph = res.layout["panel_mm"]
    assert px - 0.01 <= x and x + w <= px + pw + 0.01 and py - 0.01 <= y and y + h <= py + ph + 0.01


def test_bbox_is_easting_first_and_a_swapped_box_is_explained() -> None:
    assert check_bbox([575_000, 2_250_000, 600_000, 2_270_000]) == (575_000, 2_250_000, 600_000, 2_270_000)
    with pytest.raises(InputError) as err:
        check_bbox([2_250_000, 575_000, 2_270_000, 600_000])
    assert err.value.key == "print.error.bbox_swapped"
    msg = err.value.message("vi")
    assert "Đông trước" in msg and "575000,2250000,600000,2270000" in msg


def test_cli_help_and_ui_labels_say_east_and_north() -> None:
    from tbgeo.cli import print_ as cli
    from tbgeo.i18n import t

    parser = argparse.ArgumentParser()
    cli.add_arguments(parser, "vi")
    helptext = " ".join(parser.format_help().split())
    assert "E_MIN,N_MIN,E_MAX,N_MAX" in helptext and "Đông (E) trước" in helptext
    assert t("print.ui.xmin", "vi") == "Đông nhỏ nhất (E, m)" and t("print.ui.ymax", "vi") == "Bắc lớn nhất (N, m)"
    for key in ("xmin", "ymin", "xmax", "ymax"):
        assert "X" not in t(f"print.ui.{key}", "vi") and "Y" not in t(f"print.ui.{key}", "vi")
