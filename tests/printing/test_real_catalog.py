"""The shipped catalog printed once: the province on A4, with its legend, grid and CRS note checked."""

from __future__ import annotations

import pytest
from pyproj import Transformer

from tbgeo import settings
from tbgeo.printing import PrintSpec, render

from .helpers import norm, pdf_lines, pdf_pages

pytestmark = pytest.mark.skipif(
    not (settings.LAYERS_DIR / "districts.toml").exists(), reason="shipped data not generated yet"
)


def test_province_a4_from_shipped_data() -> None:
    res = render(PrintSpec(size="A4"))
    lay = res.layout
    text, = pdf_pages(res.data)
    assert "BẢN ĐỒ QUY HOẠCH PHÁT TRIỂN CÔNG NGHIỆP" in text and "TỈNH THÁI BÌNH" in text
    assert "Hệ tọa độ VN-2000, kinh tuyến trục 105°30′, múi chiếu 3°" in text
    assert f"Tỷ lệ {lay['scale_text']}" in text
    # every layer shown by default that has something in the frame is in the legend, entry by entry
    assert {"districts", "industrial_parks", "energy_sites", "landuse"} <= set(lay["layers"])
    assert len(lay["legend"]) >= 15
    for entry in lay["legend"] + lay["legend_headings"]:
        assert norm(entry) in text, entry
    assert "Đang hoạt động" in lay["legend"] and "LUC – Đất chuyên trồng lúa nước" in lay["legend"]
    assert "Dữ liệu mặc định là dữ liệu minh họa" in text
    # the grid is real VN-2000: Thái Bình city (facts §1.4: 20.45 N, 106.34 E on VN-2000 → E 587 645, N 2 262 183)
    # lies inside the frame, and the labelled lines bracket it
    e, n = Transformer.from_crs(4756, 9209, always_xy=True).transform(106.34, 20.45)
    assert e == pytest.approx(587_644.68, abs=0.05) and n == pytest.approx(2_262_182.72, abs=0.05)
    xmin, ymin, xmax, ymax = lay["extent"]
    assert xmin < e < xmax and ymin < n < ymax
    labels = {int(ln.replace(" ", "")) for ln in pdf_lines(res.data) if ln.replace(" ", "").isdigit()
              and len(ln.replace(" ", "")) in (6, 7)}
    step = lay["grid"]["interval"]
    assert (e // step) * step in labels and (e // step + 1) * step in labels
    assert (n // step) * step in labels and (n // step + 1) * step in labels
    # and the province (facts §1.6: E 562–620 km, N 2 243–2 294 km) is in the frame
    assert xmin < 562_000 and xmax > 620_000 and ymin < 2_243_000 and ymax > 2_294_000


@pytest.fixture(scope="module")
def shipped():
    from tbgeo.printing import MapData

    return MapData()


def test_every_park_is_named_on_the_province_a3_sheet(shipped) -> None:
    res = render(PrintSpec(size="A3"), data=shipped)
    text = " ".join(pdf_pages(res.data))
    names = [norm(n) for n in shipped.frame("industrial_parks")["name"]]
    assert len(names) == 12
    for name in names:
        assert name in text, name
    # each is either a label on the map or a numbered callout listed under the legend
    named = {lb["text"] for lb in res.layout["labels"] if lb["layer"] == "industrial_parks"}
    assert named == set(names)
    # no two labels overlap
    boxes = [lb["bbox_mm"] for lb in res.layout["labels"] if lb["kind"] == "label"]
    assert len(boxes) >= len(names)
    for i, a in enumerate(boxes):
        for b in boxes[i + 1:]:
            assert a[2] <= b[0] or b[2] <= a[0] or a[3] <= b[1] or b[3] <= a[1]
    # the location inset names the neighbours and the sea (facts §1.1)
    for word in ("Vịnh Bắc Bộ", "Hải Phòng", "Hải Dương", "Hưng Yên", "Hà Nam", "Nam Định"):
        assert word in text, word


@pytest.mark.parametrize("size", ["A3", "A4"])
def test_economic_zone_label_is_not_on_a_park_on_the_tien_hai_sheet(shipped, size: str) -> None:
    from shapely.geometry import Point, box

    res = render(PrintSpec(district="Tiền Hải", size=size), data=shipped)
    parks = shipped.frame("industrial_parks")
    tien_hai = parks.loc[parks["name"] == "KCN Tiền Hải", "geometry"].iloc[0]
    labels = res.layout["labels"]
    park_label = [lb for lb in labels if lb["text"] == "KCN Tiền Hải"]
    assert len(park_label) == 1  # the park keeps its own name
    for lb in labels:
        if lb["text"] == "Khu kinh tế Thái Bình":
            assert not tien_hai.contains(Point(lb["x"], lb["y"]))
            # and it covers no park at all
            assert not parks.geometry.intersects(box(*lb["bbox"])).any()
    text = " ".join(pdf_pages(res.data))
    assert "KCN Tiền Hải" in text


def test_sources_list_only_layers_drawn_in_the_frame(shipped) -> None:
    res = render(PrintSpec(district="Quỳnh Phụ", size="A3"), data=shipped)
    lay = res.layout
    assert "gas_fields" not in lay["layers"] and lay["source_layers"] == lay["layers"]
    text = " ".join(pdf_pages(res.data))
    sources = text.split("Nguồn dữ liệu:")[1]
    gas_field_title = shipped.layer("gas_fields").title("vi")
    assert gas_field_title not in sources
    # identical provenance texts are merged: no provenance is printed twice
    provs = [shipped.layer(lid).provenance("vi") for lid in lay["layers"]]
    for p in set(provs):
        assert sum(s.endswith(norm(p)) for s in lay["sources"]) <= 1 or p not in " ".join(lay["sources"])


def test_a4_legend_is_legible(shipped) -> None:
    for orientation in ("landscape", "portrait"):
        res = render(PrintSpec(size="A4", orientation=orientation, fmt="png", dpi=60), data=shipped)
        assert res.layout["legend_pt"] >= 6.0, orientation
