"""The review page in a real browser, offline: Leaflet.draw loads, and a rectangle drawn with the mouse
becomes the site under review."""

from __future__ import annotations

import re


def test_draw_a_site_on_the_review_page(app_url: str, offline_page, frame_with) -> None:  # type: ignore[no-untyped-def]
    page, _blocked = offline_page
    page.goto(f"{app_url}/review", wait_until="domcontentloaded")
    page.get_by_text("Thẩm tra khu đất đề xuất").first.wait_for(timeout=60_000)
    frame = frame_with(page, "a.leaflet-draw-draw-rectangle")
    assert frame.locator(".leaflet-container").count() == 1
    frame.locator("a.leaflet-draw-draw-rectangle").click()
    box = frame.locator(".leaflet-container").bounding_box()
    assert box is not None  # page coordinates: playwright resolves the iframe's offset
    x0, y0 = box["x"] + box["width"] * 0.45, box["y"] + box["height"] * 0.45
    page.mouse.move(x0, y0)
    page.mouse.down()
    page.mouse.move(x0 + 60, y0 + 40, steps=8)
    page.mouse.up()
    message = page.get_by_text(re.compile(r"Đã có khu đất: [\d.,]+ ha"))
    message.first.wait_for(timeout=60_000)
    area = float(re.search(r"([\d.,]+) ha", message.first.inner_text()).group(1).replace(".", "").replace(",", "."))
    # 60 × 40 screen pixels on the province-wide view: some hundreds of hectares
    assert 10 < area < 5000
