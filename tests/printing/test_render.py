"""Rendering sheets and the atlas from a small synthetic catalog with known geometry and text."""

from __future__ import annotations

import io
import re

import matplotlib
import numpy as np
import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg
from PIL import Image
from shapely.geometry import box

from tbgeo.errors import InputError
from tbgeo.printing import PrintSpec, build_figure, render, render_atlas_result
from tbgeo.printing.compose import RC

from .conftest import DISTRICTS, DX, DY, X0, Y0
from .helpers import norm, pdf_embedded_fonts, pdf_lines, pdf_pages, pdf_sizes_mm, svg_group_box_pt

PT_TO_MM = 25.4 / 72.0
VECTOR = ("districts", "industrial_parks", "gas_pipelines", "energy_sites")
ISO = {"A0": (841, 1189), "A1": (594, 841), "A2": (420, 594), "A3": (297, 420), "A4": (210, 297)}
CRS_VI = "Hệ tọa độ VN-2000, kinh tuyến trục 105°30′, múi chiếu 3°"
CRS_EN = "VN-2000 coordinate system, central meridian 105°30′, 3° zone"
SITE = box(X0 + 3000, Y0 + 3000, X0 + 4500, Y0 + 4200)
PRICE = "Giá $5 và $10"
TEX = "$x^$"
LONG_ISSUER = "Ủy ban nhân dân tỉnh Thái Bình, Sở Công Thương tỉnh Thái Bình"


@pytest.mark.parametrize("size", list(ISO))
@pytest.mark.parametrize("orientation", ["portrait", "landscape"])
def test_pdf_page_size_in_mm(fake_data, size: str, orientation: str) -> None:
    data = render(PrintSpec(size=size, orientation=orientation, layers=("districts",), labels=False),
                  data=fake_data).data
    (w, h), = pdf_sizes_mm(data)
    ew, eh = ISO[size] if orientation == "portrait" else ISO[size][::-1]
    assert w == pytest.approx(ew, abs=0.05) and h == pytest.approx(eh, abs=0.05)


def test_pdf_text_has_title_legend_scale_and_crs_note(fake_data) -> None:
    spec = PrintSpec(layers=("landuse",) + VECTOR, title="Bản đồ khu công nghiệp tỉnh Thái Bình", size="A3",
                     draft=True, national_heading=True, signatures=True)
    res = render(spec, data=fake_data)
    text, = pdf_pages(res.data)
    assert "BẢN ĐỒ KHU CÔNG NGHIỆP TỈNH THÁI BÌNH" in text
    assert CRS_VI in text
    assert f"Tỷ lệ {res.layout['scale_text']}" in text
    assert re.fullmatch(r"1:\d{1,3}(\.\d{3})+", res.layout["scale_text"])
    expected = [
        "Ranh giới huyện", "Khu công nghiệp đang hoạt động", "Khu công nghiệp đang xây dựng",
        "Khu công nghiệp quy hoạch mới", "Đường ống khí hiện có", "Đường ống khí quy hoạch",
        "Công trình năng lượng", "LUC – Đất chuyên trồng lúa nước", "LUK – Đất trồng lúa nước còn lại",
        "SKK – Đất khu công nghiệp", "Ranh giới tỉnh",
    ]
    assert sorted(res.layout["legend"]) == sorted(expected)
    for entry in expected:
        assert norm(entry) in text, entry
    # classes absent from the data are not in the legend (no cancelled pipeline, no water pixels)
    assert "Đường ống khí đã hủy" not in text and "Sông, mặt nước" not in text
    for part in ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc", "CƠ QUAN LẬP",
                 "CƠ QUAN THẨM ĐỊNH", "CƠ QUAN PHÊ DUYỆT", "TỈNH THÁI BÌNH", "Sơ đồ vị trí", "CHÚ DẪN",
                 "Khổ giấy A3", "Giai đoạn 2017–2025, định hướng đến năm 2030", "SỞ CÔNG THƯƠNG TỈNH THÁI BÌNH",
                 "Dữ liệu mặc định là dữ liệu minh họa", "Dữ liệu thử nghiệm «Khu công nghiệp»"):
        assert part in text, part
    assert "DỰTHẢO" in text.replace(" ", "")
    # fonts are embedded TrueType programs
    fonts = pdf_embedded_fonts(res.data)
    assert fonts and all(embedded for _, embedded in fonts)
    assert any("DejaVu" in name for name, _ in fonts)


def test_draft_mark_only_when_asked(fake_data) -> None:
    text, = pdf_pages(render(PrintSpec(layers=("districts",), size="A4"), data=fake_data).data)
    assert "DỰTHẢO" not in text.replace(" ", "")


def test_english_sheet(fake_data) -> None:
    res = render(PrintSpec(layers=VECTOR, lang="en", size="A4", district="Quynh Phu"), data=fake_data)
    text, = pdf_pages(res.data)
    assert CRS_EN in text
    assert "LEGEND" in text and "Location" in text
    assert "QUỲNH PHỤ DISTRICT, THÁI BÌNH PROVINCE" in text
    assert f"Scale {res.layout['scale_text']}" in text and "," in res.layout["scale_text"]
    assert "Industrial park, operating" in text
    assert "Khu công nghiệp" not in text  # no Vietnamese legend rows on an English sheet


def test_scale_bar_and_frame_measured_in_svg_match_the_scale(fake_data) -> None:
    """Measure the drawn scale bar and the map frame on paper, independently of the layout numbers."""
    for spec in (PrintSpec(layers=("districts",), size="A4", fmt="svg"),
                 PrintSpec(layers=("districts",), size="A3", orientation="portrait", fmt="svg", scale=150_000),
                 PrintSpec(layers=("districts",), size="A2", fmt="svg", district="Tiền Hải")):
        res = render(spec, data=fake_data)
        svg = res.data.decode("utf-8")
        scale = res.layout["scale"]
        bar = res.layout["scalebar"]
        x0 = svg_group_box_pt(svg, "scalebar-0")[0]
        x1 = svg_group_box_pt(svg, f"scalebar-{bar['segments'] - 1}")[2]
        drawn_mm = (x1 - x0) * PT_TO_MM
        # the ground length the bar claims, read from its printed end label and unit
        claimed_m = float(bar["labels"][-1].replace(",", ".")) * (1000.0 if bar["unit"] == "km" else 1.0)
        assert drawn_mm == pytest.approx(claimed_m * 1000.0 / scale, rel=0.01)
        assert drawn_mm == pytest.approx(bar["length_mm"], rel=1e-4)
        # the map frame: its paper width times the scale is the ground width shown
        fx0, fy0, fx1, fy1 = svg_group_box_pt(svg, "map-frame")
        xmin, ymin, xmax, ymax = res.layout["extent"]
        assert (fx1 - fx0) * PT_TO_MM * scale / 1000.0 == pytest.approx(xmax - xmin, rel=0.001)
        assert (fy1 - fy0) * PT_TO_MM * scale / 1000.0 == pytest.approx(ymax - ymin, rel=0.001)
    assert res.layout["scale"] in (50_000, 100_000, 150_000)


def test_given_scale_is_used_and_printed(fake_data) -> None:
    res = render(PrintSpec(layers=("districts",), size="A4", scale=100_000), data=fake_data)
    text, = pdf_pages(res.data)
    assert res.layout["scale"] == 100_000 and "Tỷ lệ 1:100.000" in text
    assert res.layout["clipped"]  # 58 km does not fit 250 mm at 1:100 000


def test_grid_labels_are_the_frames_vn2000_coordinates(fake_data) -> None:
    res = render(PrintSpec(layers=("districts",), size="A3"), data=fake_data)
    lay = res.layout
    # independent expectation: the synthetic province is E 562–620 km, N 2 243–2 294 km, centred in the frame
    cx, cy = X0 + 2 * DX, Y0 + DY
    fw, fh = lay["frame_mm"][2:]
    xmin, xmax = cx - fw * lay["scale"] / 2000, cx + fw * lay["scale"] / 2000
    ymin, ymax = cy - fh * lay["scale"] / 2000, cy + fh * lay["scale"] / 2000
    assert lay["extent"] == pytest.approx((xmin, ymin, xmax, ymax), abs=1.0)
    step = lay["grid"]["interval"]
    printed = {int(ln.replace(" ", "")) for ln in pdf_lines(res.data) if re.fullmatch(r"\d{1,3}( \d{3})+", ln)}
    eastings = sorted(v for v in printed if v < 1_000_000)
    northings = sorted(v for v in printed if v >= 1_000_000)
    assert eastings == [int(v) for v in lay["grid"]["eastings"]] and len(eastings) >= 3
    assert northings == [int(v) for v in lay["grid"]["northings"]] and len(northings) >= 3
    for v in eastings:
        assert v % step == 0 and xmin < v < xmax
    for v in northings:
        assert v % step == 0 and ymin < v < ymax
    # every multiple of the interval well inside the frame is labelled
    assert all(v in eastings for v in range(int(xmin // step + 1) * step, int(xmax), step)
               if xmin + 0.05 * (xmax - xmin) < v < xmax - 0.05 * (xmax - xmin))


def test_grid_labels_sit_at_their_coordinates(fake_data) -> None:
    """Each label's drawn position, converted from paper back to ground, is the value it prints."""
    import matplotlib

    fig, lay = build_figure(PrintSpec(layers=("districts",), size="A4", orientation="portrait"), data=fake_data)
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    with matplotlib.rc_context(RC):
        renderer = FigureCanvasAgg(fig).get_renderer()
        px_per_mm = fig.dpi / 25.4
        fx, fy, fw, fh = lay["frame_mm"]
        xmin, ymin, xmax, ymax = lay["extent"]
        seen = 0
        for txt in fig.texts:
            gid = txt.get_gid()
            if gid not in ("grid-label-e", "grid-label-n"):
                continue
            bb = txt.get_window_extent(renderer)
            value = int(txt.get_text().replace(" ", ""))
            if gid == "grid-label-e":
                x_mm = (bb.x0 + bb.x1) / 2 / px_per_mm
                ground = xmin + (x_mm - fx) / fw * (xmax - xmin)
            else:
                y_mm = (bb.y0 + bb.y1) / 2 / px_per_mm
                ground = ymin + (y_mm - fy) / fh * (ymax - ymin)
            assert ground == pytest.approx(value, abs=lay["scale"] * 0.5 / 1000)  # within 0.5 mm on paper
            seen += 1
    assert seen == 2 * (len(lay["grid"]["eastings"]) + len(lay["grid"]["northings"]))


def test_png_has_requested_pixels_and_is_not_blank(fake_data) -> None:
    res = render(PrintSpec(layers=("landuse",) + VECTOR, size="A4", orientation="portrait", fmt="png", dpi=200),
                 data=fake_data)
    assert res.data[:8] == b"\x89PNG\r\n\x1a\n"
    im = Image.open(io.BytesIO(res.data)).convert("RGB")
    w, h = im.size
    assert abs(w - 1654) <= 1 and abs(h - 2339) <= 1
    assert (w, h) == res.layout["pixels"]
    arr = np.asarray(im)
    non_white = (arr < 245).any(axis=2).mean()
    assert non_white > 0.05
    colours = np.unique(arr[::4, ::4].reshape(-1, 3), axis=0)
    assert len(colours) > 50
    # the LUC colour of the raster (#f7e463 at the web map's 0.65 opacity over white) is on the sheet
    luc = np.array([0xF7, 0xE4, 0x63]) * 0.65 + 255 * 0.35
    assert (np.abs(arr.astype(float) - luc).sum(axis=2) < 6).mean() > 0.02


def test_legend_lists_only_what_is_in_the_frame(fake_data) -> None:
    # a 6 × 4 km box around KCN Sông Trà (cell 0): one operating park, no energy site, no pipeline
    cx, cy = X0 + 0.5 * DX, Y0 + 0.3 * DY
    res = render(PrintSpec(layers=VECTOR, size="A3", bbox=(cx - 3000, cy - 2000, cx + 3000, cy + 2000)),
                 data=fake_data)
    lay = res.layout
    assert lay["scale"] == 25_000
    assert "Khu công nghiệp đang hoạt động" in lay["legend"]
    assert "Khu công nghiệp quy hoạch mới" not in lay["legend"]
    assert "Công trình năng lượng" not in lay["legend"]
    assert not any("Đường ống" in e for e in lay["legend"])
    assert set(lay["layers_absent"]) == {"gas_pipelines", "energy_sites", "districts"}  # no boundary in the box
    assert "Ranh giới tỉnh" not in lay["legend"] and "Ranh giới huyện" not in lay["legend"]
    text, = pdf_pages(res.data)
    assert "Công trình năng lượng" not in text.split("CHÚ DẪN")[1].split("Nguồn dữ liệu")[0]


def test_site_and_findings_table(fake_data) -> None:
    site = box(X0 + 3000, Y0 + 3000, X0 + 4500, Y0 + 4200)
    findings = [
        {"rule": "landuse.luc", "severity": "block", "title": "Đất chuyên trồng lúa (LUC) trong khu đất",
         "value": 12.5, "unit": "ha", "citation": "Điều 1, III.4; Luật Đất đai 2024, Điều 122", "message": "…"},
        {"rule": "infra.gas", "severity": "info", "title": "Khoảng cách tới trung tâm khí", "value": 8.2,
         "unit": "km", "citation": "Điều 1, IV.7.a", "message": "…"},
    ]
    res = render(PrintSpec(layers=("districts", "industrial_parks"), size="A3", site_name="Khu đất thử nghiệm A"),
                 site=site, findings=findings, data=fake_data)
    text, = pdf_pages(res.data)
    for part in ("KẾT QUẢ RÀ SOÁT", "Đất chuyên trồng lúa (LUC) trong khu đất", "Chặn", "12,5 ha", "8,2 km",
                 "Điều 1, IV.7.a", "Khu đất thử nghiệm A"):
        assert part in text, part
    assert "Khu đất thử nghiệm A" in res.layout["legend"]
    assert "Ranh giới tỉnh" not in res.layout["legend"]  # the province edge is outside this frame
    # the frame is drawn around the site
    xmin, ymin, xmax, ymax = res.layout["extent"]
    assert xmin < site.bounds[0] and site.bounds[2] < xmax and ymin < site.bounds[1] and site.bounds[3] < ymax


def test_atlas_has_eight_pages_with_their_district(fake_data) -> None:
    res = render_atlas_result(PrintSpec(layers=("districts", "industrial_parks"), size="A4", labels=False),
                              data=fake_data)
    pages = pdf_pages(res.data)
    assert res.pages == len(pages) == 8
    units = [("THÀNH PHỐ " if ut == "Thành phố" else "HUYỆN ") + vi.upper() for _, vi, _, ut in DISTRICTS]
    for i, (page, unit) in enumerate(zip(pages, units), start=1):
        assert f"{unit}, TỈNH THÁI BÌNH" in page
        assert f"Trang {i}/8" in page
        assert CRS_VI in page
    # each page is framed on its own district, with the district's box inside the frame
    for lay, (i, _) in zip(res.layouts, enumerate(DISTRICTS)):
        col, row = i % 4, i // 4
        bx0, by0 = X0 + col * DX, Y0 + row * DY
        xmin, ymin, xmax, ymax = lay["extent"]
        assert xmin < bx0 and bx0 + DX < xmax and ymin < by0 and by0 + DY < ymax
        assert lay["inset_frame"] == lay["extent"]
    assert sorted(s for s, _ in pdf_sizes_mm(res.data)) == [pytest.approx(297, abs=0.05)] * 8


@pytest.mark.parametrize("name", ["Quynh Phu", "quỳnh phụ", "Huyện Quỳnh Phụ", "QUYNH PHU"])
def test_district_names_match_without_diacritics(fake_data, name: str) -> None:
    assert fake_data.find_district(name)["gso_code"] == "338"


def test_bad_input_is_an_input_error_in_the_users_language(fake_data) -> None:
    with pytest.raises(InputError) as err:
        render(PrintSpec(district="Hà Nội"), data=fake_data)
    assert "Quỳnh Phụ" in err.value.message("vi") and "Hà Nội" in err.value.message("vi")
    with pytest.raises(InputError) as err:
        render(PrintSpec(layers=("roads",)), data=fake_data)
    assert "industrial_parks" in err.value.message("en") and "roads" in err.value.message("en")
    with pytest.raises(InputError) as err:
        render(PrintSpec(bbox=(106.3, 20.4, 106.5, 20.6)), data=fake_data)
    assert "kinh độ/vĩ độ" in err.value.message("vi")
    for bad, key, en in (
        (PrintSpec(size="A5"), "bad_size", "Sheet size “A5” is not valid; use one of: A4, A3, A2, A1, A0."),
        (PrintSpec(orientation="sideways"), "bad_orientation", "Orientation “sideways” is not valid"),
        (PrintSpec(scale=0), "bad_scale", "Scale “0” is not valid."),
        (PrintSpec(fmt="png", dpi=5), "bad_dpi", "Resolution 5 dpi is not valid; use 30 to 600 dpi."),
        (PrintSpec(fmt="png", size="A0", dpi=600), "too_large", "An image of 28086 × 19866 pixels is too large."),
        (PrintSpec(bbox=(600_000, 2_260_000, 590_000, 2_270_000)), "bad_bbox",
         "Print box “600000,2260000,590000,2270000” is not valid."),
    ):
        with pytest.raises(InputError) as err:
            bad.validate()
        assert err.value.key == f"print.error.{key}" and err.value.message("en").startswith(en)


def test_legend_rows_symbols_and_columns(fake_data) -> None:
    from tbgeo.printing.legend import _layout, legend_items

    parks, pipes = fake_data.layer("industrial_parks"), fake_data.layer("gas_pipelines")
    items = legend_items([(parks, {"operating"}), (pipes, {"planned", "mystery"})], "vi")
    rows = [(it.label, it.level if it.is_heading else None) for it in items]
    assert rows == [
        ("Công nghiệp", 0), ("Khu công nghiệp", 1), ("Khu công nghiệp đang hoạt động", None),
        ("Năng lượng, khí", 0), ("Đường ống dẫn khí", 1), ("Đường ống khí quy hoạch", None),
        ("Đường ống dẫn khí", None),  # a feature whose class the style does not know: base symbol
    ]
    planned = items[5].symbol
    assert planned.kind == "line" and planned.edge == "#e65100" and planned.dash == (4.0, 3.0)
    assert planned.lw == pytest.approx(3 * 0.45)
    operating = items[2].symbol
    assert operating.kind == "fill" and operating.face == "#8e24aa" and operating.face_alpha == 0.6
    for ncols in (1, 2, 3):
        _, _, _, cols = _layout(items, 120.0, 7.0, ncols)
        assert max(cols) < ncols and cols == sorted(cols)
        for i, it in enumerate(items):
            if it.is_heading:
                assert i + 1 < len(items) and cols[i + 1] == cols[i]


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


def _finding(title: str) -> dict:
    return {"rule": "price", "severity": "warn", "title": title, "value": 1.0, "unit": "ha", "citation": "Điều 1, III.4"}


def test_dollar_signs_print_as_written_in_pdf(fake_data) -> None:
    spec = PrintSpec(layers=("districts", "industrial_parks"), size="A4", site_name=PRICE, issuer=f"Sở {PRICE}",
                     title=f"Bản đồ {PRICE}", scale=100_000)
    res = render(spec, site=SITE, findings=[_finding(PRICE), _finding(TEX)], data=fake_data)
    text = " ".join(pdf_pages(res.data))
    assert PRICE in text  # site label / findings row, dollars and spaces kept
    assert "Giá 5và10" not in text
    assert "$x^$" in text
    assert "GIÁ $5 VÀ $10" in text  # the upper-cased title and issuer
    assert [lb["text"] for lb in res.layout["labels"] if lb["layer"] == "site"] == [PRICE]


def test_a_tex_like_name_does_not_crash_png_or_the_drawn_texts(fake_data) -> None:
    spec = PrintSpec(layers=("districts",), size="A4", fmt="png", dpi=50, site_name=TEX, title=TEX, issuer=TEX)
    res = render(spec, site=SITE, findings=[_finding(TEX)], data=fake_data)
    assert res.data[:8] == b"\x89PNG\r\n\x1a\n"
    fig, _ = build_figure(PrintSpec(layers=("districts",), size="A4", site_name=PRICE, title=PRICE),
                          data=fake_data)
    with matplotlib.rc_context(RC):
        FigureCanvasAgg(fig).draw()
        drawn = [t for t in fig.findobj(matplotlib.text.Text) if "$" in t.get_text()]
        assert drawn and all(not t._parse_math for t in drawn)  # matplotlib keeps the text as text
