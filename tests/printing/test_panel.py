"""The panel arranged before drawing (inset, legend, notes, table boxes and cells) and the inset's view."""

from __future__ import annotations

import pytest
from matplotlib.figure import Figure
from matplotlib.transforms import Affine2D
from shapely.geometry import box

from tbgeo.printing import findings as findings_mod
from tbgeo.printing.findings import finding_cells
from tbgeo.printing.inset import inset_view, neighbour_places
from tbgeo.printing.layout import plan_sheet
from tbgeo.printing.legend import LegendItem, Symbol
from tbgeo.printing.panel import Notes, _first_clause, arrange_panel, fit_legend, fit_notes, notes_height
from tbgeo.printing.sheets import Box
from tbgeo.printing.spec import PrintSpec

from .conftest import X0, Y0

SITE = box(X0 + 3000, Y0 + 3000, X0 + 4500, Y0 + 4200)


def _findings(n: int) -> list[dict]:
    return [{"rule": f"r{i}", "severity": ("ok", "block")[i % 2], "title": f"Tiêu chí số {i:02d} về hành lang",
             "value": float(i), "unit": "ha", "citation": "Điều 1, IV.7.c"} for i in range(n)]


def _items(n: int) -> list[LegendItem]:
    sym = Symbol("fill", edge="#000000", face="#ff0000", face_alpha=0.5, lw=0.5)
    return [LegendItem("Nhóm", None, None)] + [LegendItem(f"Lớp số {i}", sym, f"l{i}") for i in range(n)]


def _inside(inner: Box, outer: Box) -> bool:
    eps = 1e-6
    return (inner.x >= outer.x - eps and inner.y >= outer.y - eps and inner.x1 <= outer.x1 + eps
            and inner.y1 <= outer.y1 + eps)


def _apart(a: Box, b: Box) -> bool:
    return a.x1 <= b.x + 1e-6 or b.x1 <= a.x + 1e-6 or a.y1 <= b.y + 1e-6 or b.y1 <= a.y + 1e-6


def test_inset_view_pads_and_keeps_the_box_aspect() -> None:
    # province 100 × 50 km, the printed frame inside it, a square box: 13 % margin, then widened in y
    view = inset_view((0.0, 0.0, 100_000.0, 50_000.0), (10_000.0, 10_000.0, 40_000.0, 30_000.0), 40.0, 40.0,
                      pad_frac=0.13)
    assert view == pytest.approx((-13_000.0, 113_000.0, -38_000.0, 88_000.0))
    # a frame reaching outside the province widens the view to hold it
    xmin, xmax, ymin, ymax = inset_view((0.0, 0.0, 100_000.0, 50_000.0), (90_000.0, 0.0, 160_000.0, 50_000.0),
                                        80.0, 20.0, pad_frac=0.06)
    # union 160 × 50 km, 9.6 km margin each side, then widened in x to the 4:1 box, around its centre
    assert (ymin, ymax) == pytest.approx((-9_600.0, 59_600.0))
    assert (xmin + xmax) / 2 == pytest.approx(80_000.0) and (xmax - xmin) / (ymax - ymin) == pytest.approx(4.0)


def test_neighbours_are_placed_by_compass_direction() -> None:
    places = {key: (x, y) for key, x, y, _ha, _va in neighbour_places((0.0, 0.0, 100.0, 50.0))}
    assert places["hai_phong"] == pytest.approx((90.0, 49.0))  # north-east
    assert places["ha_nam"] == pytest.approx((-2.0, 26.0))  # west, outside the box
    assert places["nam_dinh"][1] < places["hai_duong"][1]  # south below north


def test_table_bottom_is_where_the_drawn_table_ends() -> None:
    fig = Figure(figsize=(8, 6))
    mm = Affine2D().scale(1 / 200.0, 1 / 150.0) + fig.transFigure
    rows = _findings(9)
    head = findings_mod.TableHead("Khu A", "block", "Chặn")
    for start, stop, cont in ((0, 9, None), (0, 4, None), (4, 9, 1)):
        box_ = (10.0, 10.0, 90.0, 130.0)
        drawn = findings_mod.draw_findings(fig, mm, box_, rows, 7.0, "vi", head=head, start=start, stop=stop,
                                           continued_from=cont)
        assert findings_mod.table_bottom(box_, rows, 7.0, "vi", head=head, start=start, stop=stop,
                                         continued_from=cont) == drawn["bottom"]


def test_fit_notes_prefers_the_full_sources_then_the_condensed_ones() -> None:
    notes = Notes(["Hệ tọa độ VN-2000"], ["Khu công nghiệp: Quyết định 1234/QĐ-UBND (bản đồ quy hoạch) năm 2020"] * 3,
                  ["Khu công nghiệp: Quyết định 1234/QĐ-UBND"] * 3)
    sources, pt, h = fit_notes(notes, 80.0, 100.0, 7.5)
    assert sources == notes.full and pt == pytest.approx(7.5 * 0.85) and h == notes_height(notes.head, sources, 80.0, pt)
    # little room: smaller, then the condensed list, never under half the base size
    sources, pt, h = fit_notes(notes, 40.0, 12.0, 7.5)
    assert sources == notes.condensed and pt >= 7.5 * 0.5 * 0.92
    assert _first_clause("Dữ liệu minh họa (theo Quyết định 1234): đo vẽ năm 2020") == "Dữ liệu minh họa"


def test_fit_legend_shrinks_then_adds_columns() -> None:
    items = _items(12)
    pt, ncols, ok = fit_legend(items, 60.0, 500.0, 7.5)
    assert (pt, ncols, ok) == (7.5, 1, True)
    pt, ncols, ok = fit_legend(items, 100.0, 30.0, 7.5)
    assert ok and 6.0 <= pt <= 7.5 and ncols >= 1
    pt, ncols, ok = fit_legend(items, 60.0, 5.0, 7.5)
    assert (pt, ncols, ok) == (6.0, 1, False)  # 60 mm holds one column only; the floor is 6 pt


@pytest.mark.parametrize("orientation", ["landscape", "portrait"])
@pytest.mark.parametrize("with_table", [False, True])
def test_arranged_panel_parts_stay_in_the_panel_and_apart(fake_data, orientation: str, with_table: bool) -> None:
    spec = PrintSpec(layers=("districts",), size="A4", orientation=orientation, site=SITE,
                     findings=tuple(_findings(6)) if with_table else None).validate()
    plan = plan_sheet(spec, fake_data)
    pp = arrange_panel(plan, _items(5), Notes(["Hệ tọa độ VN-2000", "Lưới 1 km"], ["Nguồn A"], ["Nguồn A"]))
    panel = plan.boxes.panel
    assert pp.columns == (orientation == "portrait")
    parts = [pp.legend, pp.notes, pp.scale] + ([pp.inset] if pp.inset.h else [])
    if with_table:
        assert pp.table is not None and pp.table_filled is not None
        parts.append(Box(*pp.table_filled))
    else:
        assert pp.table is None and pp.table_filled is None
    for part in parts:
        assert _inside(part, panel), part
    for i, a in enumerate(parts):
        for b in parts[i + 1:]:
            assert _apart(a, b), (a, b)
    if orientation == "landscape":
        assert pp.scale.y == pytest.approx(pp.notes.y1 + 0.9 * plan.sheet.unit)  # scale right above the notes
    else:
        assert pp.inset.x == pp.scale.x == panel.x and pp.legend.x > pp.inset.x1


def test_value_text_and_sector_codes_are_never_printed_raw() -> None:
    from tbgeo.plan.sectors import get_sector

    cells = finding_cells([
        {"title": "Ngành nghề", "severity": "ok", "value": "textile_garment", "unit": ""},
        {"title": "Diện tích", "severity": "warn", "value": 3.0, "value_text": "3,00 ha (đã làm tròn)", "unit": "ha"},
    ], "vi")
    assert cells[0][2] == get_sector("textile_garment").name("vi") and "textile_garment" not in cells[0][2]
    assert cells[1][2] == "3,00 ha (đã làm tròn)"
    assert finding_cells([{"value": "textile_garment"}], "en")[0][2] == get_sector("textile_garment").name("en")
    # also when the caller's formatted text is the bare code (SiteFinding.value_text of a sector finding)
    assert finding_cells([{"value": "textile_garment", "value_text": "textile_garment"}], "vi")[0][2] == \
        get_sector("textile_garment").name("vi")
