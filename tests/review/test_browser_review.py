"""Headless Chromium, outside network blocked: the review page's map loads Leaflet.draw offline, and a
rectangle drawn with the mouse becomes the site under review. Skipped without /usr/bin/chromium
(unless TBGEO_REQUIRE_BROWSER=1)."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlparse

import pytest

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")

if not CHROMIUM.exists():
    if os.environ.get("TBGEO_REQUIRE_BROWSER") == "1":
        pytest.fail("TBGEO_REQUIRE_BROWSER=1 but /usr/bin/chromium is missing", pytrace=False)
    pytest.skip("needs /usr/bin/chromium (apt-get install chromium)", allow_module_level=True)

pytestmark = pytest.mark.browser


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _frame_with(page, selector: str, timeout_s: float = 60):  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        for frame in page.frames:
            try:
                if frame.locator(selector).count() > 0:
                    return frame
            except Exception:
                continue
        page.wait_for_timeout(250)
    raise AssertionError(f"no frame shows {selector}")


def test_draw_a_site_on_the_review_page(tmp_path) -> None:
    from playwright.sync_api import sync_playwright

    port = _free_port()
    env = dict(os.environ, TBGEO_WORKSPACE=str(tmp_path / "tbgeo.gpkg"))
    proc = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", "app.py", "--server.port", str(port),
         "--server.address", "127.0.0.1", "--server.headless", "true"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    blocked: list[str] = []
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as resp:
                    if resp.status == 200:
                        break
            except OSError:
                pass
            if time.monotonic() > deadline or proc.poll() is not None:
                raise RuntimeError("streamlit did not start")
            time.sleep(0.5)
        with sync_playwright() as pw:
            browser = pw.chromium.launch(
                executable_path=str(CHROMIUM),
                args=["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                      "--disable-sync"],
            )
            context = browser.new_context(viewport={"width": 1400, "height": 1100})

            def guard(route):  # type: ignore[no-untyped-def]
                host = urlparse(route.request.url).hostname or ""
                if route.request.url.startswith(("data:", "blob:", "about:")) or host in ("127.0.0.1", "localhost"):
                    route.continue_()
                else:
                    blocked.append(route.request.url)
                    route.abort()

            context.route("**/*", guard)
            page = context.new_page()
            page.goto(f"{url}/review", wait_until="domcontentloaded")
            page.get_by_text("Thẩm tra khu đất đề xuất").first.wait_for(timeout=60_000)
            frame = _frame_with(page, "a.leaflet-draw-draw-rectangle")
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
            browser.close()
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
    assert not [u for u in blocked if "leaflet" in u or "jquery" in u or "bootstrap" in u], blocked
