"""The site sheet a dossier needs (issue 13 §7): the corner coordinates table (VN-2000 X = northing,
Y = easting, two decimals, numbered on the map too; continued, never cut silently) and text, lines and
symbols that scale with the sheet (an A0 is an A4 enlarged 4 times: legible on a wall)."""

from __future__ import annotations

import math

import pytest
import shapely
from shapely.geometry import Point, Polygon, box

from tbgeo.printing.compose import render
from tbgeo.printing.corners import site_corners
from tbgeo.printing.layout import plan_sheet
from tbgeo.printing.sheets import SIZES, sheet, size_factor
from tbgeo.printing.spec import PrintSpec

from .conftest import X0, Y0
from .helpers import pdf_pages

#: An irregular 5-corner site with centimetres in its coordinates (EPSG:9209, anticlockwise as drawn).
SITE = Polygon([(X0 + 3000.123, Y0 + 3000.456), (X0 + 4500.0, Y0 + 3000.0), (X0 + 4700.5, Y0 + 3600.25),
                (X0 + 4100.0, Y0 + 4000.999), (X0 + 3000.0, Y0 + 3900.0)])


def _spec(**kw: object) -> PrintSpec:
    base: dict[str, object] = {"layers": ("districts",), "site": SITE, "site_name": "Khu A", "corner_table": True,
                               "findings": ({"rule": "r", "severity": "warn", "title": "Tiêu chí", "value": 1.0},)}
    base.update(kw)
    return PrintSpec(**base).validate()  # type: ignore[arg-type]


def test_every_sheet_is_the_a4_design_enlarged_by_the_root_of_its_area() -> None:
    a4 = sheet("A4")
    for name, (w, h) in SIZES.items():
        f = math.sqrt(w * h / (210 * 297))
        s = sheet(name)
        assert size_factor(name) == pytest.approx(f)
        assert (s.pt, s.margin, s.k, s.unit) == pytest.approx((a4.pt * f, a4.margin * f, a4.k * f, a4.unit * f))
    assert size_factor("A0") == pytest.approx(4.0, rel=2e-3) and size_factor("A3") == pytest.approx(math.sqrt(2), rel=2e-3)


def test_a0_text_lines_and_symbols_are_four_times_an_a4s(fake_data) -> None:
    p4 = plan_sheet(_spec(size="A4"), fake_data)
    p0 = plan_sheet(_spec(size="A0"), fake_data)
    f = size_factor("A0")
    assert p0.pt / p4.pt == pytest.approx(f) and p0.pt == pytest.approx(26.03, abs=0.01) and p4.pt == 6.5
    assert p0.k / p4.k == pytest.approx(f)  # line widths
    # the title block's lines, the north arrow and the corner table's text and columns
    assert [ln.size * p0.pt for ln in p0.title_block.lines] == pytest.approx(
        [ln.size * p4.pt * f for ln in p4.title_block.lines])
    assert (p0.north.width, p0.north.unit) == pytest.approx((p4.north.width * f, p4.north.unit * f))
    assert p0.corners is not None and p4.corners is not None
    assert p0.corners.pt / p4.corners.pt == pytest.approx(f)
    assert p0.corners.width / p4.corners.width == pytest.approx(f, rel=0.01)


def test_the_table_holds_the_sites_vertices_exactly(fake_data) -> None:
    plan = plan_sheet(_spec(size="A3"), fake_data)
    assert plan.corners is not None
    rows = [(c.n, c.x, c.y) for c in plan.corners.corners]
    # X = northing, Y = easting, to the centimetre; clockwise from the north-west corner
    assert rows == [(1, round(Y0 + 3900.0, 2), round(X0 + 3000.0, 2)),
                    (2, round(Y0 + 4000.999, 2), round(X0 + 4100.0, 2)),
                    (3, round(Y0 + 3600.25, 2), round(X0 + 4700.5, 2)),
                    (4, round(Y0 + 3000.0, 2), round(X0 + 4500.0, 2)),
                    (5, round(Y0 + 3000.456, 2), round(X0 + 3000.123, 2))]
    assert {(c.y, c.x) for c in plan.corners.corners} == {(round(x, 2), round(y, 2)) for x, y in SITE.exterior.coords}
    assert plan.corners.stop == 5 and plan.corners.pages == () and plan.corners.every == 1
    # the table sits inside the map frame and off the site, and no label may cover it
    x, y, w, h = plan.corners.box
    fr = plan.frame
    assert fr.x <= x and x + w <= fr.x1 and fr.y <= y and y + h <= fr.y1
    sx0, sy0 = plan.view.to_mm(*SITE.bounds[:2])
    sx1, sy1 = plan.view.to_mm(*SITE.bounds[2:])
    assert x + w < sx0 or x > sx1 or y + h < sy0 or y > sy1
    assert plan.report()["corners"]["rows"] == rows


def test_a_multipolygon_with_a_hole_numbers_every_ring_on() -> None:
    outer = box(0, 0, 100, 100).difference(box(40, 40, 60, 60))
    geom = shapely.MultiPolygon([outer, box(200, 0, 210, 10)])
    corners = site_corners(geom)
    assert [c.n for c in corners] == list(range(1, 13)) and [c.ring for c in corners] == [1] * 4 + [2] * 4 + [3] * 4
    assert (corners[0].x, corners[0].y) == (100.0, 0.0)  # the NW corner first (X northing, Y easting)


def test_many_vertices_continue_on_pdf_pages_and_are_named_in_an_image(fake_data) -> None:
    site = Point(X0 + 4000, Y0 + 3500).buffer(900, quad_segs=60)  # 240 vertices
    n = len(site.exterior.coords) - 1
    plan = plan_sheet(_spec(size="A4", site=site), fake_data)
    c = plan.corners
    assert c is not None and len(c.corners) == n and c.stop < n and c.pages
    # every vertex once: the first page's rows, then each continuation page's
    spans = [(0, c.stop), *c.pages]
    assert [i for a, b in spans for i in range(a, b)] == list(range(n))
    assert plan.page_number == (1, 1 + plan.findings_pages + len(c.pages))
    assert len(c.numbered()) <= 80 and c.every == math.ceil(n / 80)
    result = render(_spec(size="A4", site=site, fmt="pdf"))
    pages = pdf_pages(result.data)
    assert result.pages == len(pages) == 1 + len(c.pages)
    assert f"Còn {n - c.stop} điểm, xem tiếp trang 2 →" in pages[0]
    last = c.corners[-1]
    assert "BẢNG TỌA ĐỘ ĐIỂM GÓC (tiếp theo trang 1)" in pages[1]
    assert f"{last.n} " + f"{last.x:,.2f}".replace(",", " ").replace(".", ",").replace(" ", ".") in pages[-1]
    # one image cannot continue: the rows that fit, then a line naming the rest
    png = plan_sheet(_spec(size="A4", site=site, fmt="png", dpi=40), fake_data).corners
    assert png is not None and png.pages == () and png.stop < n and not png.continues
    shown = render(_spec(size="A4", site=site, fmt="png", dpi=40)).layout["corner_table"]["numbers"]
    assert shown == list(range(1, png.stop + 1))


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_the_table_is_printed_in_the_sheets_language(fake_data, lang: str) -> None:
    text = " ".join(pdf_pages(render(_spec(size="A3", lang=lang)).data)[0].split())
    if lang == "vi":
        assert "BẢNG TỌA ĐỘ ĐIỂM GÓC" in text and "Điểm X (m) Y (m)" in text
        assert f"5 {Y0 + 3000.46:,.2f}".replace(",", "#").replace(".", ",").replace("#", ".") in text
        for english in ("CORNER", "Point", "northing", "easting"):
            assert english not in text
    else:
        assert "CORNER COORDINATES" in text and "Point X (northing, m) Y (easting, m)" in text
        assert f"5 {Y0 + 3000.46:,.2f}" in text and "TỌA ĐỘ" not in text


def test_points_along_a_straight_edge_are_not_corners() -> None:
    # a 1.5 × 1 km site drawn in lon/lat and projected: its edges densified every ~20 m
    dense = box(590_000, 2_262_000, 591_500, 2_263_000).segmentize(20.0)
    corners = site_corners(dense)
    assert [(c.n, c.x, c.y) for c in corners] == [(1, 2_263_000.0, 590_000.0), (2, 2_263_000.0, 591_500.0),
                                                  (3, 2_262_000.0, 591_500.0), (4, 2_262_000.0, 590_000.0)]
    # a real bend of 10 cm is a corner
    bent = Polygon([(0, 0), (50, 0.10), (100, 0), (100, 100), (0, 100)])
    assert (0.1, 50.0) in {(c.x, c.y) for c in site_corners(bent)}
