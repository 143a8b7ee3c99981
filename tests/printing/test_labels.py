"""Label placement as a pure function: known small frames, features and obstacles in; positions and collisions out."""

from __future__ import annotations

import subprocess
import sys

import pytest
from shapely.geometry import Point, box

from tbgeo.printing.labels import LabelTask, MapFrame, Obstacles, beside, overlaps, place_labels
from tbgeo.printing.sheets import PT_MM, Box

# 1:1 000 with the frame at the paper's corner: one metre on the ground is one millimetre on the sheet
FRAME = MapFrame(Box(0.0, 0.0, 200.0, 100.0), (0.0, 0.0, 200.0, 100.0), 1000)
NONE = Obstacles.empty()


def task(kind: str, geom, *, text: str = "Tên", layer: str = "lyr", row: int | None = 0, w: float = 10.0,
         h: float = 4.0, size: float = 8.0) -> LabelTask:
    return LabelTask(text, layer, row, geom, kind, w, h, size)


def padded(cx: float, cy: float, w: float = 10.0, h: float = 4.0) -> tuple[float, float, float, float]:
    return (cx - w / 2 - 0.4, cy - h / 2 - 0.3, cx + w / 2 + 0.4, cy + h / 2 + 0.3)


def test_map_frame_converts_ground_and_sheet() -> None:
    fr = MapFrame(Box(10.0, 20.0, 100.0, 80.0), (500_000.0, 2_200_000.0, 600_000.0, 2_280_000.0), 1_000_000)
    assert fr.mm_per_m == 0.001 and fr.m_per_mm == 1000.0
    assert fr.to_mm(550_000.0, 2_240_000.0) == pytest.approx((60.0, 60.0))
    assert fr.to_ground((10.0, 20.0, 110.0, 100.0)) == pytest.approx((500_000.0, 2_200_000.0, 600_000.0, 2_280_000.0))


def test_point_label_goes_right_of_the_point_first() -> None:
    (p,) = place_labels([task("point", Point(50, 50))], frame=FRAME, obstacles=NONE)
    # beside: centre, above, below, then right — a point's name starts on the right (0.8 mm gap)
    assert (p.x, p.y) == pytest.approx((50 + 0.8 + 5.0, 50.0))
    assert p.bbox_mm == pytest.approx(padded(55.8, 50.0))
    assert p.bbox == pytest.approx(p.bbox_mm)  # 1 m = 1 mm here
    assert p.kind == "label" and p.number is None
    assert p.record()["bbox_mm"] == pytest.approx(padded(55.8, 50.0))


def test_a_reserved_box_sends_the_label_to_the_next_candidate() -> None:
    reserved = [(52.0, 40.0, 70.0, 60.0)]  # e.g. the north arrow's box, right of the point
    (p,) = place_labels([task("point", Point(50, 50))], frame=FRAME, obstacles=NONE, reserved=reserved)
    assert (p.x, p.y) == pytest.approx((50 - 0.8 - 5.0, 50.0))  # left
    assert not overlaps(p.bbox_mm, reserved[0])


def test_labels_never_overlap_each_other() -> None:
    tasks = [task("point", Point(50, 50), text=f"P{i}", row=i) for i in range(6)]
    placed = place_labels(tasks, frame=FRAME, obstacles=NONE)
    # right, left, then (the corners overlapping those) far above and far below; the last two find no room
    assert [p.task.text for p in placed] == ["P0", "P1", "P2", "P3"]
    xy = [(round(p.x, 6), round(p.y, 6)) for p in placed]
    assert xy == [(55.8, 50.0), (44.2, 50.0), (50.0, 57.6), (50.0, 42.4)]
    for i, a in enumerate(placed):
        for b in placed[i + 1:]:
            assert not overlaps(a.bbox_mm, b.bbox_mm), (a.task.text, b.task.text)


def test_labels_stay_one_millimetre_inside_the_frame() -> None:
    # right of the point would cross the frame's right edge: the name goes to the left
    (p,) = place_labels([task("point", Point(192, 50))], frame=FRAME, obstacles=NONE)
    assert (p.x, p.y) == pytest.approx((192 - 0.8 - 5.0, 50.0))
    assert p.bbox_mm[2] <= 200.0 - 1.0
    # a point in a corner with no room on any side and below/above outside: left out, not drawn outside
    tiny = MapFrame(Box(0.0, 0.0, 12.0, 6.0), (0.0, 0.0, 12.0, 6.0), 1000)
    assert place_labels([task("point", Point(6, 3))], frame=tiny, obstacles=NONE) == []


def test_a_point_label_avoids_small_features_then_gives_up_avoiding() -> None:
    # small obstacles right and left (every side candidate blocked): first pass fails, second takes "above"
    walls = Obstacles.of([(box(51, 30, 80, 70), "other", 0, True), (box(20, 30, 49, 70), "other", 1, True),
                          (box(40, 0, 60, 47), "other", 2, True)])
    (p,) = place_labels([task("point", Point(50, 50))], frame=FRAME, obstacles=walls)
    assert (p.x, p.y) == pytest.approx((50.0, 50 + 0.8 + 2.0))  # above the point, over the walls
    # a large (not small) feature does not block a point's name
    field = Obstacles.of([(box(0, 0, 200, 100), "landuse", 0, False)])
    (q,) = place_labels([task("point", Point(50, 50))], frame=FRAME, obstacles=field)
    assert (q.x, q.y) == pytest.approx((55.8, 50.0))


def test_district_name_inside_its_district_at_the_centroid() -> None:
    district = box(20, 10, 120, 90)
    (p,) = place_labels([task("district", district, w=20.0, h=5.0)], frame=FRAME, obstacles=NONE)
    assert (p.x, p.y) == pytest.approx((70.0, 50.0))
    x0, y0, x1, y1 = p.bbox
    assert district.contains(box(x0 + 0.4, y0 + 0.3, x1 - 0.4, y1 - 0.3))


def test_district_name_moves_off_a_small_feature_at_its_centre() -> None:
    district = box(20, 10, 120, 90)
    park = Obstacles.of([(box(60, 45, 80, 55), "industrial_parks", 0, True)])
    (p,) = place_labels([task("district", district, w=20.0, h=5.0)], frame=FRAME, obstacles=park)
    gx0, gy0, gx1, gy1 = p.x - 10.0, p.y - 2.5, p.x + 10.0, p.y + 2.5
    assert not box(gx0, gy0, gx1, gy1).intersects(box(60, 45, 80, 55))
    assert district.contains(box(gx0, gy0, gx1, gy1))


def test_a_zone_is_named_only_in_an_empty_part_of_itself() -> None:
    zone = box(0, 0, 100, 100)
    # another layer's feature covers the zone's left half: the name goes into the right half
    other = Obstacles.of([(box(0, 0, 50, 100), "rivers", 0, False)])
    (p,) = place_labels([task("zone", zone, layer="econ_zone")], frame=FRAME, obstacles=other)
    assert p.x - 5.0 > 50.0
    # its own layer's other features do not count against it ...
    own = Obstacles.of([(box(0, 0, 50, 100), "econ_zone", 7, False)])
    (q,) = place_labels([task("zone", zone, layer="econ_zone")], frame=FRAME, obstacles=own)
    assert (q.x, q.y) == pytest.approx((50.0, 50.0))
    # ... and a zone covered by another layer everywhere is not named at all
    full = Obstacles.of([(box(0, 0, 100, 100), "rivers", 0, False)])
    assert place_labels([task("zone", zone, layer="econ_zone")], frame=FRAME, obstacles=full) == []


def test_a_park_without_room_gets_numbered_callouts() -> None:
    parks = [box(30, 30, 32, 32), box(130, 60, 132, 62)]
    # everything around both parks is already taken
    reserved = [(20.0, 20.0, 45.0, 45.0), (120.0, 50.0, 145.0, 75.0)]
    tasks = [task("must", g, text=f"KCN {i}", layer="industrial_parks", row=i, size=8.0) for i, g in enumerate(parks)]
    placed = place_labels(tasks, frame=FRAME, obstacles=NONE, reserved=reserved)
    assert [(p.kind, p.number, p.task.text) for p in placed] == [("callout", 1, "KCN 0"), ("callout", 2, "KCN 1")]
    d = 8.0 * 1.55 * PT_MM
    assert (placed[0].x, placed[0].y) == pytest.approx((31.0, 31.0))
    assert placed[0].bbox_mm == pytest.approx((31 - d / 2, 31 - d / 2, 31 + d / 2, 31 + d / 2))
    assert placed[0].bbox is None and "bbox" not in placed[0].record()
    # a callout's box is taken: a point name that would cover it moves on
    late = place_labels([*tasks, task("point", Point(130, 75.4), text="late", layer="energy", h=2.0)],
                        frame=FRAME, obstacles=NONE, reserved=reserved[:1])
    assert [p.task.text for p in late] == ["KCN 0", "KCN 1", "late"]
    assert late[1].kind == "label"  # the second park has room now (only the first one's box is reserved)
    for a, b in ((late[0], late[2]), (late[1], late[2])):
        assert not overlaps(a.bbox_mm, b.bbox_mm)


def test_a_big_park_is_named_inside_itself() -> None:
    park = box(40, 20, 100, 80)
    (p,) = place_labels([task("must", park, layer="industrial_parks")], frame=FRAME, obstacles=NONE)
    assert p.kind == "label" and park.contains(Point(p.x, p.y))
    assert (p.x, p.y) == pytest.approx((70.0, 50.0))


def test_names_keep_off_the_site_but_the_sites_own_name_sits_beside_it() -> None:
    site = box(40, 40, 60, 60)
    tasks = [task("site", site, text="Khu A", layer="site", row=None),
             task("point", Point(35, 50), text="Trạm", layer="energy")]
    s, pt = place_labels(tasks, frame=FRAME, obstacles=NONE, site=site)
    assert s.task.text == "Khu A" and (s.x, s.y) == pytest.approx((50.0, 60 + 0.8 + 2.0))  # above the site
    # right of the point would cover the site: the point's name goes to the left
    assert (pt.x, pt.y) == pytest.approx((35 - 0.8 - 5.0, 50.0))
    assert not box(pt.x - 5, pt.y - 2, pt.x + 5, pt.y + 2).intersects(site)
    assert not overlaps(s.bbox_mm, pt.bbox_mm)


def test_beside_lists_the_candidates_around_a_box() -> None:
    c = beside(box(0, 0, 10, 10), 4.0, 2.0, 1.0)
    flat = [v for xy in c[:5] for v in xy]
    assert flat == pytest.approx([5.0, 5.0, 5.0, 11.8, 5.0, -1.8, 12.8, 5.0, -2.8, 5.0])
    assert len(c) == 11


def test_labels_module_needs_no_matplotlib() -> None:
    code = "import sys, tbgeo.printing.labels; sys.exit('matplotlib' in sys.modules)"
    assert subprocess.run([sys.executable, "-c", code], check=False).returncode == 0


def test_tasks_and_obstacles_read_from_the_map_data(fake_data) -> None:
    from tbgeo.printing.labeltasks import label_obstacles, label_tasks

    from .conftest import X0, Y0

    extent = (X0, Y0, X0 + 58_000.0, Y0 + 51_000.0)
    ids = ["districts", "industrial_parks", "gas_pipelines", "energy_sites"]
    tasks = label_tasks(fake_data, ids, extent, pt=7.5)
    kinds = [t.kind for t in tasks]
    # parks first (they must be named), then points, then the district names (capitals); no line is named
    assert kinds == ["must"] * 4 + ["point"] * 2 + ["district"] * 8
    assert [t.text for t in tasks[:4]] == ["KCN Gia Lễ", "KCN Sông Trà", "KCN Hưng Phú", "KCN Tiền Hải"]  # smallest first
    assert "QUỲNH PHỤ" in [t.text for t in tasks if t.kind == "district"]
    assert all(t.h == pytest.approx(t.size * PT_MM * 1.1) and t.w > 0 for t in tasks)
    obs = label_obstacles(fake_data, ids, extent, 100_000)
    # district outlines are no obstacle; parks and points are small, pipelines are not
    assert sorted(set(obs.layers)) == ["energy_sites", "gas_pipelines", "industrial_parks"]
    assert len(obs) == 4 + 2 + 2
    assert all(s == (lyr != "gas_pipelines") for s, lyr in zip(obs.small, obs.layers))
