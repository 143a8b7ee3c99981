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
    assert xmin < 562_000 and 620_000 < xmax and ymin < 2_243_000 and 2_294_000 < ymax
