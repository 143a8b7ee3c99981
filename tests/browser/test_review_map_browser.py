"""The review map in a real browser, offline (issue 13 §3): the land-use image (rice land) is under the
drawing with a check box that hides it, a typed site is zoomed to, and the report is shown directly
under the map."""

from __future__ import annotations

# 92 ha typed as WGS 84 corners (lat, lon), in Vũ Thư's rice land west of the city
SITE = "20.4500 106.3000\n20.4500 106.3100\n20.4580 106.3100\n20.4580 106.3000"


def _box(locator):  # type: ignore[no-untyped-def]
    box = locator.bounding_box()
    assert box is not None
    return box


def test_review_map_land_use_zoom_and_report_under_it(app_url: str, offline_page, frame_with) -> None:  # type: ignore[no-untyped-def]
    page, _blocked = offline_page
    page.goto(f"{app_url}/review", wait_until="domcontentloaded")
    page.get_by_text("Thẩm tra khu đất đề xuất").first.wait_for(timeout=60_000)
    frame = frame_with(page, "a.leaflet-draw-draw-rectangle")
    # the land-use image is drawn (from the page itself, no tiles) and a check box hides it at once
    image = frame.locator("img.tbgeo-layer-landuse")
    assert image.count() == 1 and image.get_attribute("src").startswith("data:image/png;base64,")
    toggle = frame.locator("label.tbgeo-landuse-toggle")
    assert toggle.inner_text().strip() == "Đất lúa và hiện trạng sử dụng đất"
    assert image.is_visible()
    toggle.locator("input").uncheck()
    assert not image.is_visible()
    toggle.locator("input").check()
    assert image.is_visible()
    # the legend names the rice classes
    legend = frame.locator(".tbgeo-legend").text_content() or ""  # folded or not
    assert "Đất chuyên trồng lúa" in legend

    page.get_by_role("tab", name="Nhập tọa độ").click()
    page.get_by_label("Tọa độ các đỉnh, mỗi dòng một điểm").fill(SITE)
    page.get_by_role("button", name="Dùng các tọa độ này", exact=True).click()
    page.get_by_text("Đã có khu đất: 92,41 ha").first.wait_for(timeout=60_000)
    # the map is zoomed to the site: all of it in view, and large (the province view would show it
    # a few pixels wide)
    frame = frame_with(page, "path.tbgeo-layer-site")
    view = _box(frame.locator(".leaflet-container"))
    site = _box(frame.locator("path.tbgeo-layer-site").first)
    assert view["x"] <= site["x"] and site["x"] + site["width"] <= view["x"] + view["width"]
    assert view["y"] <= site["y"] and site["y"] + site["height"] <= view["y"] + view["height"]
    assert site["width"] > 0.3 * view["width"] or site["height"] > 0.3 * view["height"], (site, view)

    page.get_by_role("button", name="Thẩm tra", exact=True).click()
    heading = page.get_by_text("Kết quả thẩm tra", exact=True)
    heading.wait_for(timeout=60_000)
    assert page.get_by_text("Đã thẩm tra xong khu đất.").count() == 1  # the progress, finished
    # the report starts right under the map, in the map's column
    frames = [f for f in page.locator("iframe").all() if f.bounding_box() and f.bounding_box()["height"] >= 500]
    assert frames, "no map frame"
    under = _box(frames[0])
    top = _box(heading)
    assert 0 <= top["y"] - (under["y"] + under["height"]) < 160, (top, under)
    assert under["x"] <= top["x"] < under["x"] + under["width"]
