"""Pure parts of the printer: sheet sizes, choosing the scale, the scale bar, the grid, text measuring."""

from __future__ import annotations

import math

import pytest

from tbgeo.printing.grid import format_coordinate, grid_for
from tbgeo.printing.scale import ROUND_SCALES, choose_scale, format_scale, ground_extent, scale_bar
from tbgeo.printing.sheets import SIZES, layout_sheet, sheet

ISO = {"A0": (841, 1189), "A1": (594, 841), "A2": (420, 594), "A3": (297, 420), "A4": (210, 297)}


@pytest.mark.parametrize("name", list(ISO))
def test_sheet_sizes_are_iso_216(name: str) -> None:
    w, h = ISO[name]
    assert (sheet(name, "portrait").width, sheet(name, "portrait").height) == (w, h)
    assert (sheet(name, "landscape").width, sheet(name, "landscape").height) == (h, w)
    assert SIZES[name] == (w, h)


def test_sheet_pixels_at_200_dpi() -> None:
    # A4 portrait at 200 dpi: 210 mm / 25.4 × 200 = 1653.5; 297 mm → 2338.6 (Agg truncates)
    w, h = sheet("A4", "portrait").pixels(200)
    assert abs(w - 210 / 25.4 * 200) < 1 and abs(h - 297 / 25.4 * 200) < 1


def test_unknown_sheet_is_rejected() -> None:
    with pytest.raises(ValueError, match=r"^unknown sheet size 'A5'; expected one of A4, A3, A2, A1, A0$"):
        sheet("A5")
    with pytest.raises(ValueError, match=r"^unknown orientation 'diagonal'; expected one of portrait, landscape$"):
        sheet("A4", "diagonal")


@pytest.mark.parametrize("name", list(ISO))
@pytest.mark.parametrize("orientation", ["portrait", "landscape"])
def test_layout_boxes_stay_inside_the_neat_line(name: str, orientation: str) -> None:
    lay = layout_sheet(sheet(name, orientation), header_lines=6, signatures=True, wide_panel=True)
    for box in (lay.header, lay.map_area, lay.frame, lay.panel, lay.footer):
        assert box.w > 0 and box.h > 0
        assert lay.neat.x <= box.x and box.x1 <= lay.neat.x1 + 1e-9
        assert lay.neat.y <= box.y and box.y1 <= lay.neat.y1 + 1e-9
    # the map and the panel do not overlap
    m, p = lay.map_area, lay.panel
    assert m.x1 <= p.x or p.y1 <= m.y


def test_choose_scale_is_the_smallest_round_scale_that_fits() -> None:
    # facts §5: Thái Bình is about 57.6 × 50.1 km
    w, h = 57_600, 50_100
    for frame_w, frame_h in [(280, 230), (600, 480), (180, 150)]:
        s = choose_scale(w, h, frame_w, frame_h)
        assert s in ROUND_SCALES
        assert w * 1.08 * 1000 / s <= frame_w and h * 1.08 * 1000 / s <= frame_h
        smaller = [r for r in ROUND_SCALES if r < s]
        if smaller:
            r = smaller[-1]
            assert w * 1.08 * 1000 / r > frame_w or h * 1.08 * 1000 / r > frame_h
    assert choose_scale(w, h, 280, 230) == 250_000
    assert choose_scale(2_000, 1_500, 400, 300) == 10_000
    # beyond the table: 1-2-5 steps
    assert choose_scale(5_000_000, 5_000_000, 100, 100) == 100_000_000


def test_ground_extent_is_exactly_the_scale() -> None:
    x0, y0, x1, y1 = ground_extent((590_000, 2_268_000), 250.0, 180.0, 100_000)
    assert x1 - x0 == pytest.approx(25_000.0)  # 250 mm × 100 000 = 25 km
    assert y1 - y0 == pytest.approx(18_000.0)
    assert (x0 + x1) / 2 == pytest.approx(590_000)


@pytest.mark.parametrize("scale", [5_000, 25_000, 100_000, 250_000, 400_000, 1_000_000])
def test_scale_bar_is_round_and_exact(scale: int) -> None:
    bar = scale_bar(scale, 80.0)
    assert bar.length_mm <= 80.0 + 1e-9
    assert bar.length_mm == pytest.approx(bar.length_m * 1000.0 / scale, rel=1e-12)
    lead = bar.length_m / 10 ** math.floor(math.log10(bar.length_m))
    assert round(lead, 9) in (1, 2, 5)
    assert bar.length_mm > 80.0 * 0.4  # not a stub
    assert len(bar.labels) == bar.segments + 1
    assert bar.labels[0] == "0"
    top = bar.length_m / (1000 if bar.unit == "km" else 1)
    assert float(bar.labels[-1]) == pytest.approx(top)


def test_format_scale_per_language() -> None:
    assert format_scale(100_000, "vi") == "1:100.000"
    assert format_scale(1_000_000, "vi") == "1:1.000.000"
    assert format_scale(50_000, "en") == "1:50,000"


def test_grid_lines_are_multiples_inside_the_frame() -> None:
    extent = (571_234.0, 2_251_000.0, 603_321.0, 2_283_500.0)
    g = grid_for(extent, 200.0, scale=160_000, min_gap_mm=28.0, edge_mm=5.0)
    assert g.interval == 5_000  # 5 km = 31 mm at 1:160 000 ≥ 28 mm; 2.5 km would be 15.6 mm
    assert g.eastings == tuple(float(v) for v in range(575_000, 600_001, 5_000))
    assert all(v % g.interval == 0 for v in g.eastings + g.northings)
    assert all(extent[1] < v < extent[3] for v in g.northings)
    assert g.northing_labels[0] == "2 255 000"
    assert format_coordinate(590_000) == "590 000"


def test_fast_text_width_matches_matplotlib() -> None:
    from tbgeo.printing._text import _width_pt_at_10, measured_width_pt_at_10, wrap_mm

    for text in ("Hệ tọa độ VN-2000, kinh tuyến trục 105°30′, múi chiếu 3°", "ĐẤT CHUYÊN TRỒNG LÚA NƯỚC"):
        for weight in ("normal", "bold"):
            assert _width_pt_at_10(text, weight, "normal") == pytest.approx(
                measured_width_pt_at_10(text, weight), rel=0.02)
    lines = wrap_mm("Dữ liệu mặc định là dữ liệu minh họa, không phải số liệu chính thức", 30.0, 7.0)
    assert len(lines) >= 2 and " ".join(lines) == "Dữ liệu mặc định là dữ liệu minh họa, không phải số liệu chính thức"
