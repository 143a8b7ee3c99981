"""The map page in a real browser, offline: eight district polygons; turning a layer off removes it."""

from __future__ import annotations

import time
from typing import Any

from tbgeo.catalog import load_catalog


def _count(page: Any, selector: str) -> int:
    best = 0
    for frame in page.frames:
        try:
            best = max(best, frame.locator(selector).count())
        except Exception:
            continue
    return best


def test_map_renders_offline_and_layer_toggle(app_url: str, offline_page, frame_with) -> None:  # type: ignore[no-untyped-def]
    page, _blocked = offline_page
    parks_title = load_catalog().get("industrial_parks").title("vi")
    page.goto(app_url, wait_until="domcontentloaded")
    frame = frame_with(page, "path.tbgeo-layer-districts")
    deadline = time.monotonic() + 30
    while frame.locator("path.tbgeo-layer-districts").count() < 8 and time.monotonic() < deadline:
        page.wait_for_timeout(250)
    assert frame.locator(".leaflet-container").count() == 1
    assert frame.locator("path.tbgeo-layer-districts").count() == 8
    assert frame.locator(".tbgeo-label").count() == 8
    parks_before = frame.locator("path.tbgeo-layer-industrial_parks").count()
    assert parks_before == len(load_catalog().get("industrial_parks").read())
    assert frame.locator(".tbgeo-legend").inner_text().count(parks_title) == 1
    frame.locator(".tbgeo-legend-title").click()  # the legend folds away and opens again
    assert not frame.locator(".tbgeo-legend-body").is_visible()
    frame.locator(".tbgeo-legend-title").click()
    assert frame.locator(".tbgeo-legend-body").is_visible()

    page.get_by_text(parks_title, exact=True).first.click()
    deadline = time.monotonic() + 45
    while time.monotonic() < deadline:
        page.wait_for_timeout(500)
        if _count(page, "path.tbgeo-layer-industrial_parks") == 0 and _count(page, "path.tbgeo-layer-districts") == 8:
            break
    assert _count(page, "path.tbgeo-layer-industrial_parks") == 0
    assert _count(page, "path.tbgeo-layer-districts") == 8
    frame = frame_with(page, "path.tbgeo-layer-districts")
    assert parks_title not in frame.locator(".tbgeo-legend").inner_text()


def test_map_renders_again_on_a_second_visit(app_url: str, offline_page, frame_with) -> None:  # type: ignore[no-untyped-def]
    # a second session gets the same layers from the caches; the map must be built afresh for it
    page, _blocked = offline_page
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    for _ in range(2):
        page.goto(app_url, wait_until="domcontentloaded")
        frame = frame_with(page, "path.tbgeo-layer-districts")
        deadline = time.monotonic() + 30
        while frame.locator("path.tbgeo-layer-districts").count() < 8 and time.monotonic() < deadline:
            page.wait_for_timeout(250)
        assert frame.locator("path.tbgeo-layer-districts").count() == 8
    assert errors == []


def test_the_map_pages_own_address_shows_the_map(app_url: str, offline_page, frame_with) -> None:  # type: ignore[no-untyped-def]
    """/map (a bookmark, a link in a letter) opens the map, not Streamlit's English "Page not found"."""
    page, _blocked = offline_page
    page.goto(f"{app_url}/map", wait_until="domcontentloaded")
    frame = frame_with(page, "path.tbgeo-layer-districts")
    assert frame.locator(".leaflet-container").count() == 1
    assert page.get_by_text("Page not found").count() == 0
    assert page.locator("h1").first.inner_text() == "Bản đồ quy hoạch công nghiệp tỉnh Thái Bình"
    assert page.url.endswith("/map")
