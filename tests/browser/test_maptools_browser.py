"""The map tools in a real browser, offline: the cursor's VN-2000 coordinates, measuring a distance and
an area (EPSG:9209, as pyproj computes them), an opacity slider, Identify on a click (the map keeps its
view), and the map filling a 1366×768 window."""

from __future__ import annotations

import re
import time
from typing import Any

import pytest
import shapely
from pyproj import Transformer

from tbgeo.catalog import load_catalog
from tbgeo.i18n import fmt_number

MAP = "window[Object.keys(window).find(k => /^map_[0-9a-f]{32}$/.test(k))]"
TO_VN = Transformer.from_crs(4326, 9209, always_xy=True)
TIEN_HAI = (106.53493, 20.3978)  # inside KCN Tiền Hải


def _number(text: str) -> float:
    return float(text.replace(".", "").replace(",", "."))


def _click_at(page: Any, frame: Any, lat: float, lon: float) -> None:
    x, y = frame.evaluate(f"([lat, lon]) => {{ const p = {MAP}.latLngToContainerPoint([lat, lon]); return [p.x, p.y]; }}",
                          [lat, lon])
    box = page.locator("iframe.tbgeo-map-frame").bounding_box()
    page.mouse.click(box["x"] + x, box["y"] + y)
    page.wait_for_timeout(400)  # two clicks in a row would be a double click (which ends a measurement)


def _measured(frame: Any) -> list[tuple[float, float]]:
    """The measured vertices (lon, lat) as the map holds them."""
    pts = frame.evaluate(
        f"() => {{ let out = []; {MAP}.eachLayer(l => {{ if (l.options && l.options.className === 'tbgeo-measure-shape')"
        " { out = l.getLatLngs().flat(2).map(p => [p.lng, p.lat]); } }); return out; }"
    )
    return [(lon, lat) for lon, lat in pts]


def test_coordinates_measure_opacity_and_identify(app_url: str, offline_page, frame_with) -> None:  # type: ignore[no-untyped-def]
    page, _blocked = offline_page
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.set_viewport_size({"width": 1366, "height": 768})
    page.goto(app_url, wait_until="domcontentloaded")
    frame = frame_with(page, "path.tbgeo-layer-districts")
    deadline = time.monotonic() + 30
    while frame.locator("path.tbgeo-layer-districts").count() < 8 and time.monotonic() < deadline:
        page.wait_for_timeout(250)

    # the map fills the window below the title, and all of it is in view at 1366×768
    box = page.locator("iframe.tbgeo-map-frame").bounding_box()
    assert box["height"] >= 360 and box["y"] + box["height"] <= 768
    legend = frame.locator(".tbgeo-legend").bounding_box()
    right, top = legend["x"] + legend["width"] - box["x"], legend["y"] - box["y"]
    covered = frame.evaluate(f"([x, y]) => {MAP}.containerPointToLatLng([x, y]).lng", [right, top])
    coast = load_catalog().get("coastline").read().to_crs(4326).total_bounds[0]
    assert covered < coast  # the legend (bottom left) ends west of the westernmost point of the coast

    # the cursor's coordinates: WGS 84 and VN-2000 of the same point
    page.mouse.move(box["x"] + box["width"] * 0.55, box["y"] + box["height"] * 0.5)
    text = frame.locator(".tbgeo-coords").inner_text()
    m = re.fullmatch(r"WGS 84: ([\d,]+)° B, ([\d,]+)° Đ\nVN-2000 \(EPSG:9209\): X = ([\d.,]+) m, Y = ([\d.,]+) m", text)
    assert m, text
    lat, lon, x, y = (_number(g) for g in m.groups())
    east, north = TO_VN.transform(lon, lat)
    assert abs(x - north) < 2 and abs(y - east) < 2  # X north, Y east (the survey order); 5 decimals ≈ 1 m

    # measure a distance: the length of the clicked line in EPSG:9209
    frame.locator(".tbgeo-measure-distance").click()
    _click_at(page, frame, 20.60, 106.28)  # north of the legend
    _click_at(page, frame, 20.64, 106.38)
    pts = _measured(frame)
    assert len(pts) == 2, frame.locator(".tbgeo-measure-result").inner_text()
    length = shapely.LineString([TO_VN.transform(*p) for p in pts]).length
    assert 11_000 < length < 12_500
    assert frame.locator(".tbgeo-measure-result").inner_text() == (
        f"Chiều dài: {fmt_number(length, 'vi', 1)} m ({fmt_number(length / 1000, 'vi', 3)} km)")
    # … and an area (the first press of the other button starts a new measurement)
    frame.locator(".tbgeo-measure-area").click()
    for lat_, lon_ in ((20.60, 106.28), (20.60, 106.34), (20.64, 106.34)):
        _click_at(page, frame, lat_, lon_)
    poly = shapely.Polygon([TO_VN.transform(*p) for p in _measured(frame)])
    assert frame.locator(".tbgeo-measure-result").inner_text() == (
        f"Diện tích: {fmt_number(poly.area / 10_000, 'vi', 2)} ha ({fmt_number(poly.area, 'vi', 0)} m²)\n"
        f"Chu vi: {fmt_number(poly.exterior.length, 'vi', 1)} m")
    assert page.locator("[data-testid=stText]").count() == 0  # measuring clicks do not identify
    frame.locator(".tbgeo-measure-clear").click()
    assert _measured(frame) == []

    # an opacity slider fades its layer
    frame.locator("input.tbgeo-opacity[data-layer=industrial_parks]").fill("0")
    opacity = frame.evaluate("() => getComputedStyle(document.querySelector('path.tbgeo-layer-industrial_parks')).opacity")
    assert opacity == "0"
    frame.locator("input.tbgeo-opacity[data-layer=industrial_parks]").fill("100")

    # Identify: zoom in, click inside KCN Tiền Hải; the page says what is there; the map stays where it was
    frame.evaluate(f"() => {MAP}.setView([{TIEN_HAI[1]}, {TIEN_HAI[0]}], 13, {{animate: false}})")
    _click_at(page, frame, TIEN_HAI[1], TIEN_HAI[0])
    deadline = time.monotonic() + 30
    shown = ""
    while time.monotonic() < deadline and "KCN Tiền Hải" not in shown:
        page.wait_for_timeout(250)
        shown = "\n".join(page.locator("[data-testid=stText]").all_inner_texts())
    assert "Hiện trạng sử dụng đất (minh họa): SKK/SKN — Đất khu, cụm công nghiệp" in shown
    assert "  • Tên: KCN Tiền Hải · Tình trạng: Đang hoạt động" in shown
    frame = frame_with(page, "path.tbgeo-identify-point")
    assert frame.evaluate(f"() => {MAP}.getZoom()") == pytest.approx(13)
    assert errors == []
