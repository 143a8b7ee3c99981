"""A real browser (Debian's headless Chromium) opens the running app with the outside network blocked.

The Leaflet map must show the eight district polygons, and turning a layer off must remove its
features. Skipped when /usr/bin/chromium is missing, unless TBGEO_REQUIRE_BROWSER=1 (CI), where
that is a failure.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlparse

import pytest

from tbgeo.catalog import load_catalog

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


@pytest.fixture(scope="module")
def app_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    port = _free_port()
    env = dict(os.environ, TBGEO_WORKSPACE=str(tmp_path_factory.mktemp("ws") / "tbgeo.gpkg"))
    proc = subprocess.Popen(
        [
            sys.executable, "-m", "streamlit", "run", "app.py",
            "--server.port", str(port), "--server.address", "127.0.0.1", "--server.headless", "true",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
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
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()


def _map_frame(page, selector: str, timeout_s: float = 60):  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        for frame in page.frames:
            try:
                if frame.locator(selector).count() > 0:
                    return frame
            except Exception:  # a frame may detach while Streamlit reruns
                continue
        page.wait_for_timeout(250)
    raise AssertionError(f"no frame shows {selector}")


def _count(page, selector: str) -> int:  # type: ignore[no-untyped-def]
    best = 0
    for frame in page.frames:
        try:
            best = max(best, frame.locator(selector).count())
        except Exception:
            continue
    return best


def test_map_renders_offline_and_layer_toggle(app_url: str) -> None:
    from playwright.sync_api import sync_playwright

    parks_title = load_catalog().get("industrial_parks").title("vi")
    blocked: list[str] = []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=str(CHROMIUM),
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
        )
        context = browser.new_context(viewport={"width": 1400, "height": 1000})

        def guard(route):  # type: ignore[no-untyped-def]
            host = urlparse(route.request.url).hostname or ""
            if route.request.url.startswith(("data:", "blob:", "about:")) or host in ("127.0.0.1", "localhost"):
                route.continue_()
            else:
                blocked.append(route.request.url)
                route.abort()

        context.route("**/*", guard)
        page = context.new_page()
        page.goto(app_url, wait_until="domcontentloaded")
        frame = _map_frame(page, "path.tbgeo-layer-districts")
        deadline = time.monotonic() + 30
        while frame.locator("path.tbgeo-layer-districts").count() < 8 and time.monotonic() < deadline:
            page.wait_for_timeout(250)
        assert frame.locator(".leaflet-container").count() == 1
        assert frame.locator("path.tbgeo-layer-districts").count() == 8
        parks_before = frame.locator("path.tbgeo-layer-industrial_parks").count()
        assert parks_before == len(load_catalog().get("industrial_parks").read())
        assert frame.locator(".tbgeo-legend").inner_text().count(parks_title) == 1

        page.get_by_text(parks_title, exact=True).first.click()
        deadline = time.monotonic() + 45
        while time.monotonic() < deadline:
            page.wait_for_timeout(500)
            if _count(page, "path.tbgeo-layer-industrial_parks") == 0 and _count(page, "path.tbgeo-layer-districts") == 8:
                break
        assert _count(page, "path.tbgeo-layer-industrial_parks") == 0
        assert _count(page, "path.tbgeo-layer-districts") == 8
        frame = _map_frame(page, "path.tbgeo-layer-districts")
        assert parks_title not in frame.locator(".tbgeo-legend").inner_text()
        browser.close()
    assert not [u for u in blocked if "leaflet" in u or "jquery" in u or "bootstrap" in u], blocked
