"""Browser tests: the running app in Debian's headless Chromium with the outside network blocked.

Skipped when /usr/bin/chromium is missing, unless TBGEO_REQUIRE_BROWSER=1 (as in CI), where that is
a failure. One Streamlit server serves every browser test of a run.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import pytest

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    here = Path(__file__).parent
    for item in items:
        if here in Path(item.fspath).parents:
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def chromium() -> Path:
    if not CHROMIUM.exists():
        if os.environ.get("TBGEO_REQUIRE_BROWSER") == "1":
            pytest.fail("TBGEO_REQUIRE_BROWSER=1 but /usr/bin/chromium is missing", pytrace=False)
        pytest.skip("needs /usr/bin/chromium (apt-get install chromium)")
    return CHROMIUM


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def serve(workspace: Path) -> Iterator[str]:
    """A Streamlit server running app.py on a free loopback port with ``workspace`` as its store."""
    port = _free_port()
    env = dict(os.environ, TBGEO_WORKSPACE=str(workspace))
    proc = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", "app.py", "--server.port", str(port),
         "--server.address", "127.0.0.1", "--server.headless", "true"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
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
            proc.wait()  # reaped: no "subprocess is still running" ResourceWarning


@pytest.fixture(scope="session")
def app_url(chromium: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A Streamlit server running app.py on a free loopback port, with its own empty workspace."""
    with serve(tmp_path_factory.mktemp("ws") / "tbgeo.gpkg") as url:
        yield url


@pytest.fixture()
def own_app_url(chromium: Path, tmp_path: Path) -> Iterator[str]:
    """A server of its own, for a test that changes the data (an import): the others keep the shipped layers."""
    with serve(tmp_path / "own.gpkg") as url:
        yield url


@pytest.fixture()
def offline_page(chromium: Path) -> Iterator[tuple[Any, list[str]]]:
    """A Chromium page whose requests leave only for 127.0.0.1; the list collects what was blocked."""
    from playwright.sync_api import sync_playwright

    blocked: list[str] = []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(chromium), args=CHROMIUM_ARGS)
        context = browser.new_context(viewport={"width": 1400, "height": 1100})

        def guard(route):  # type: ignore[no-untyped-def]
            host = urlparse(route.request.url).hostname or ""
            if route.request.url.startswith(("data:", "blob:", "about:")) or host in ("127.0.0.1", "localhost"):
                route.continue_()
            else:
                blocked.append(route.request.url)
                route.abort()

        context.route("**/*", guard)
        yield context.new_page(), blocked
        browser.close()
    assert not [u for u in blocked if "leaflet" in u or "jquery" in u or "bootstrap" in u], blocked


def _frame_with(page: Any, selector: str, timeout_s: float = 60) -> Any:
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


@pytest.fixture()
def frame_with() -> Callable[..., Any]:
    """The (first) frame of a page that shows ``selector``: the map lives in an iframe."""
    return _frame_with
