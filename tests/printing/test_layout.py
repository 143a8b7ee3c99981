"""The sheet planned before drawing: map view, north arrow, findings table split and the whole plan (no figure)."""

from __future__ import annotations

import dataclasses

import pytest
from shapely.geometry import box

from tbgeo.printing.labels import MapFrame
from tbgeo.printing.layout import (
    continuation_box,
    fit_view,
    north_arrow,
    plan_sheet,
    plan_table,
    scale_block_height,
    table_box,
)
from tbgeo.printing.scale import choose_scale
from tbgeo.printing.sheets import Box, layout_sheet, sheet
from tbgeo.printing.spec import PrintSpec

from .conftest import X0, Y0


def _findings(n: int) -> list[dict]:
    return [{"rule": f"r{i}", "severity": "warn", "title": f"Tiêu chí số {i:02d} về khoảng cách an toàn",
             "value": float(i), "unit": "ha", "citation": "Điều 1, IV.7.c"} for i in range(n)]


def test_fit_view_centres_the_target_at_the_smallest_round_scale() -> None:
    frame = Box(10.0, 20.0, 200.0, 100.0)
    view, clipped = fit_view((0.0, 0.0, 80_000.0, 40_000.0), frame)
    # 80 km (+4 % each side) across 200 mm needs 1:432 000: the next round scale is 1:500 000
    assert view == MapFrame(frame, (-10_000.0, -5_000.0, 90_000.0, 45_000.0), 500_000)
    assert not clipped
    # a given scale is kept, and says when the target does not fit
    view, clipped = fit_view((0.0, 0.0, 80_000.0, 40_000.0), frame, scale=200_000)
    assert view.scale == 200_000 and view.extent == pytest.approx((20_000.0, 10_000.0, 60_000.0, 30_000.0))
    assert clipped


def test_north_arrow_sits_in_the_top_right_corner_and_reserves_its_box() -> None:
    frame = Box(0.0, 0.0, 300.0, 200.0)
    na = north_arrow(frame, 4.0)
    assert (na.cx, na.top, na.base, na.width) == pytest.approx((291.2, 192.4, 179.6, 5.2))
    assert na.reserved == pytest.approx((285.6, 177.6, 296.8, 200.0))


def test_table_boxes() -> None:
    sh = sheet("A3", "landscape")
    lay = layout_sheet(sh, header_lines=6.0, wide_panel=True)
    w, h = table_box(sh, lay)
    gap = 0.9 * sh.unit
    assert w == lay.panel.w
    assert h == pytest.approx(lay.panel.h - scale_block_height(sh) - lay.panel.h * 0.27 - 3 * gap)
    a4 = sheet("A4", "portrait")
    portrait = layout_sheet(a4, header_lines=6.0, wide_panel=True)
    # portrait: the table is the panel's third column, half its width
    assert table_box(a4, portrait) == pytest.approx((portrait.panel.w * 0.5 - 0.9 * a4.unit, portrait.panel.h))
    assert continuation_box(sh) == pytest.approx((420 - 2 * sh.margin - 2 * sh.unit, 297 - 2 * sh.margin - 6 * sh.unit))


def test_plan_table_splits_a_pdf_table_into_continuation_pages() -> None:
    sh = sheet("A4", "landscape")
    rows = _findings(30)
    lay, table = plan_table(PrintSpec(size="A4"), sh, 6.0, rows, lang="vi")
    assert table is not None and lay.panel.w == pytest.approx(layout_sheet(sh, header_lines=6.0, wide_panel=True,
                                                                          panel_frac=0.36).panel.w)
    assert 0 < table.stop < 30 and table.pages
    # the pages continue the rows in order, none lost, none twice
    bounds = [(0, table.stop), *table.pages]
    assert all(a[1] == b[0] for a, b in zip(bounds, bounds[1:])) and bounds[-1][1] == 30
    assert table.continues_on(30) == 2
    # without findings: the standard panel and no table
    plain, none = plan_table(PrintSpec(size="A4"), sh, 6.0, None, lang="vi")
    assert none is None and plain == layout_sheet(sh, header_lines=6.0)


def test_plan_table_widens_a_png_panel_until_every_row_fits() -> None:
    sh = sheet("A4", "landscape")
    lay, table = plan_table(PrintSpec(size="A4", fmt="png", dpi=60), sh, 6.0, _findings(30), lang="vi")
    assert table is not None and table.stop == 30 and table.pages == () and table.continues_on(30) is None
    assert lay.panel.w > layout_sheet(sh, header_lines=6.0, wide_panel=True).panel.w


def test_plan_sheet_of_a_district(fake_data) -> None:
    plan = plan_sheet(PrintSpec(layers=("districts", "industrial_parks"), size="A4", district="Quynh Phu").validate(),
                      fake_data)
    assert dataclasses.is_dataclass(plan) and type(plan).__dataclass_params__.frozen  # type: ignore[attr-defined]
    assert plan.district == "Quỳnh Phụ" and plan.focus is not None
    assert plan.target == pytest.approx(plan.focus.bounds)
    # the view: centred on the district, at the smallest round scale that fits the frame
    xmin, ymin, xmax, ymax = plan.extent
    assert ((xmin + xmax) / 2, (ymin + ymax) / 2) == pytest.approx(
        ((plan.target[0] + plan.target[2]) / 2, (plan.target[1] + plan.target[3]) / 2))
    tw, th = plan.target[2] - plan.target[0], plan.target[3] - plan.target[1]
    assert plan.scale == choose_scale(tw, th, plan.frame.w, plan.frame.h) and not plan.clipped
    assert plan.frame == plan.boxes.frame
    # grid lines: multiples of the interval inside the extent
    assert plan.grid.eastings and all(v % plan.grid.interval == 0 and xmin < v < xmax for v in plan.grid.eastings)
    assert plan.north.reserved[3] == plan.frame.y1
    rep = plan.report()
    assert rep["district"] == "Quỳnh Phụ" and rep["unit"] == "HUYỆN QUỲNH PHỤ, TỈNH THÁI BÌNH"
    assert rep["frame_mm"] == plan.frame.as_tuple() and rep["scale"] == plan.scale and "findings" not in rep
    assert plan.table is None and plan.page_number is None


def test_plan_sheet_of_a_review_records_the_table(fake_data) -> None:
    site = box(X0 + 3000, Y0 + 3000, X0 + 4500, Y0 + 4200)
    spec = PrintSpec(layers=("districts",), size="A4", site=site, findings=tuple(_findings(30))).validate()
    plan = plan_sheet(spec, fake_data)
    assert plan.site is site and plan.table is not None and plan.table.pages
    assert plan.page_number == (1, 1 + len(plan.table.pages))
    info = plan.report()["findings"]
    assert info == {"rows": 30, "pt": plan.table.pt, "first_page_rows": plan.table.stop,
                    "pages": 1 + len(plan.table.pages), "continuation_rows": list(plan.table.pages),
                    "verdict": "warn"}
    # the site fits with 1.5 km around it
    assert plan.target == pytest.approx((X0 + 1500, Y0 + 1500, X0 + 6000, Y0 + 5700))
