"""The address keeps the state, in a real browser, offline: after a reload the page, the language, the
layers switched on, the map's view and the site under review are as they were."""

from __future__ import annotations

import re
import time
from typing import Any
from urllib.parse import parse_qs, urlparse

from tbgeo.catalog import load_catalog
from tbgeo.i18n import t

MAP = "window[Object.keys(window).find(k => /^map_[0-9a-f]{32}$/.test(k))]"


def _params(page: Any) -> dict[str, str]:
    return {k: v[0] for k, v in parse_qs(urlparse(page.url).query).items()}


def _wait(predicate: Any, page: Any, timeout_s: float = 45) -> None:
    deadline = time.monotonic() + timeout_s
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError("timed out")
        page.wait_for_timeout(250)


def _map_frame(page: Any, frame_with: Any) -> Any:
    frame = frame_with(page, "path.tbgeo-layer-districts")
    _wait(lambda: frame.locator("path.tbgeo-layer-districts").count() == 8, page)
    return frame


def test_a_reload_keeps_page_language_layers_view_and_site(app_url: str, offline_page, frame_with) -> None:  # type: ignore[no-untyped-def]
    page, blocked = offline_page
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    parks = load_catalog().get("industrial_parks")
    page.goto(app_url, wait_until="domcontentloaded")
    _map_frame(page, frame_with)
    assert _params(page) == {}  # the defaults leave the address plain

    # English, the parks switched off, the map moved by the user
    page.get_by_text("English", exact=True).first.click()
    page.get_by_role("heading", name=t("map.title", "en")).wait_for(timeout=45_000)
    page.get_by_text(parks.title("en"), exact=True).first.click()
    _wait(lambda: "layers" in _params(page), page)
    frame = _map_frame(page, frame_with)
    _wait(lambda: frame.locator("path.tbgeo-layer-industrial_parks").count() == 0, page)
    box = page.locator("iframe.tbgeo-map-frame").bounding_box()
    cx, cy = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    page.mouse.move(cx, cy)
    page.mouse.wheel(0, -300)  # zoom in one step, then drag
    page.wait_for_timeout(600)
    page.mouse.down()
    page.mouse.move(cx - 120, cy - 80, steps=6)
    page.mouse.up()
    _wait(lambda: "view" in _params(page), page)
    page.wait_for_timeout(1200)  # the last move's view reaches the address
    params = _params(page)
    assert params["lang"] == "en"
    assert "industrial_parks" not in params["layers"].split(",")
    assert "districts" in params["layers"].split(",")
    lat, lng, zoom = (float(v) for v in params["view"].split(","))
    seen = frame.evaluate(f"() => {{ const c = {MAP}.getCenter(); return [c.lat, c.lng, {MAP}.getZoom()]; }}")
    assert abs(seen[0] - lat) < 1e-4 and abs(seen[1] - lng) < 1e-4 and seen[2] == zoom

    page.reload(wait_until="domcontentloaded")
    page.get_by_role("heading", name=t("map.title", "en")).wait_for(timeout=45_000)
    frame = _map_frame(page, frame_with)
    assert frame.locator("path.tbgeo-layer-industrial_parks").count() == 0
    assert page.get_by_role("checkbox", name=parks.title("en")).is_checked() is False
    _wait(lambda: frame.evaluate(f"() => {MAP}.getZoom()") == zoom, page, 15)
    again = frame.evaluate(f"() => {{ const c = {MAP}.getCenter(); return [c.lat, c.lng]; }}")
    assert abs(again[0] - lat) < 1e-4 and abs(again[1] - lng) < 1e-4

    # the review page: a site typed in, kept through a reload (the language too)
    page.get_by_role("link", name=t("review.page.title", "en")).first.click()
    page.get_by_role("heading", name=t("review.page.title", "en")).wait_for(timeout=45_000)
    assert urlparse(page.url).path.endswith("/review") and _params(page).get("lang") == "en"
    page.get_by_role("tab", name=t("review.page.tab_coords", "en")).click()
    page.get_by_label(t("review.page.coords", "en")).fill("20.45 106.40\n20.45 106.42\n20.465 106.42\n20.465 106.40")
    page.get_by_role("button", name=t("review.page.use_coords", "en")).click()
    ready = page.get_by_text(re.compile(r"Site ready: [\d.,]+ ha \(typed coordinates\)"))
    ready.first.wait_for(timeout=45_000)
    area = ready.first.inner_text()
    _wait(lambda: re.fullmatch(r"[0-9a-f]{20}", _params(page).get("site", "")) is not None, page)
    site_id = _params(page)["site"]

    page.reload(wait_until="domcontentloaded")
    page.get_by_text(re.compile(r"Site ready: [\d.,]+ ha")).first.wait_for(timeout=45_000)
    assert page.get_by_text(re.compile(r"Site ready: [\d.,]+ ha")).first.inner_text() == area
    assert urlparse(page.url).path.endswith("/review")
    assert _params(page)["site"] == site_id and _params(page)["lang"] == "en"

    # a made-up or mangled address falls back to the defaults, with no traceback
    page.goto(f"{app_url}/review?lang=xx&site=0123456789abcdef0123&view=nan,1,2&layers=<b>", wait_until="domcontentloaded")
    page.get_by_text(t("review.page.site_lost", "vi")).first.wait_for(timeout=45_000)
    assert page.get_by_text(t("review.page.no_site", "vi")).count() == 1
    assert page.get_by_text("Traceback").count() == 0
    assert errors == []
    # the tab's icon is drawn by the app: nothing was asked of fonts.gstatic.com (or anywhere outside)
    assert blocked == []
