"""Measure the app as a user feels it: a warm Streamlit server, Debian's headless Chromium (outside
addresses blocked), driven by playwright.

* ``first_visit_s``: each page's first visit since the server started (the map first, then the
  others after ``IDLE_S`` seconds of nobody clicking): what the first user of the day meets;
* ``page_s``: each page's first paint — from opening the page's address in a new tab (a new session)
  to the page's main content visible (the map's districts, the review map with its draw tool, the
  upload box, the print button, the targets' charts, the search button, the data table);
* ``toggle_s``: on the map page, a layer's sidebar checkbox clicked → the layer drawn (on) / gone (off);
* ``review_s``: on the review page, with a typed site, the review button clicked → the report shown;
* ``sheet_s``: the report's "make the sheet" button clicked → the PDF's download button shown.

The server gets its own empty workspace and cache; ``page_s`` and the rest are timed after one visit
of every page (and one toggle and one review). Each figure is the median of ``REPEATS`` runs, with min and max.
Aims (issue 13): every page < 2 s, toggle < 0.5 s, review → report < 1 s.

Prints one JSON object; without /usr/bin/chromium the figures are null with the reason.
"""

from __future__ import annotations

import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tbgeo.i18n import t  # noqa: E402

CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync"]
REPEATS = int(os.environ.get("TBGEO_BENCH_REPEATS", "3"))
LANG = "vi"
#: A site typed as WGS 84 corners (lat, lon), in Vũ Thư's rice land west of the city.
SITE = "20.4500 106.3000\n20.4500 106.3100\n20.4580 106.3100\n20.4580 106.3000"
#: Seconds the server is left alone after its first page view (its warm-up runs then).
IDLE_S = 10.0
#: The layer toggled on the map page (off by default, small): on, then off again.
TOGGLE_LAYER = "raw_material_zones"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _in_frames(page: Any, selector: str, count: int = 1) -> bool:
    for frame in page.frames:
        try:
            if frame.locator(selector).count() >= count:
                return True
        except Exception:  # a frame may detach while Streamlit reruns
            continue
    return False


def _visible(page: Any, selector: str) -> bool:
    loc = page.locator(selector)
    try:
        return loc.count() > 0 and loc.first.is_visible()
    except Exception:
        return False


def _text(page: Any, text: str) -> bool:
    loc = page.get_by_text(text, exact=False)
    try:
        return loc.count() > 0 and loc.first.is_visible()
    except Exception:
        return False


#: Each page's address and what shows that its main content is there.
PAGES: dict[str, tuple[str, Callable[[Any], bool]]] = {
    "map": ("", lambda p: _in_frames(p, "path.tbgeo-layer-districts", 8)),
    "review": ("review", lambda p: _text(p, t("review.page.title", LANG)) and _in_frames(p, "a.leaflet-draw-draw-rectangle")),
    "upload": ("upload", lambda p: _visible(p, '[data-testid="stFileUploaderDropzone"]')),
    "print": ("print", lambda p: _text(p, t("print.ui.render", LANG))),
    "targets": ("targets", lambda p: _visible(p, '[data-testid="stVegaLiteChart"] canvas, [data-testid="stVegaLiteChart"] svg')),
    "search": ("search", lambda p: _text(p, t("search.page.run", LANG))),
    "data": ("data", lambda p: _visible(p, '[data-testid="stDataFrame"]')),
}


def _wait(page: Any, ready: Callable[[Any], bool], timeout_s: float = 120) -> float:
    """Seconds until ``ready(page)``; polls every 20 ms."""
    t0 = time.perf_counter()
    while not ready(page):
        if time.perf_counter() - t0 > timeout_s:
            raise TimeoutError("page did not get ready")
        page.wait_for_timeout(20)
    return time.perf_counter() - t0


def _idle(page: Any) -> None:
    """Wait until Streamlit has finished the script run (no status widget saying it runs)."""
    page.wait_for_timeout(150)
    _wait(page, lambda p: p.locator('[data-testid="stStatusWidget"]').count() == 0, 60)


class Bench:
    """One browser profile (its HTTP cache keeps Streamlit's own scripts, as a returning user's
    browser does); every measurement opens a new tab, which is a new Streamlit session."""

    def __init__(self, browser: Any, url: str) -> None:
        self.url = url
        self.context = browser.new_context(viewport={"width": 1400, "height": 1000})
        self.context.route("**/*", lambda r: r.continue_() if r.request.url.startswith(("data:", "blob:", "about:"))
                           or "127.0.0.1" in r.request.url else r.abort())

    def new_page(self) -> Any:
        return self.context.new_page()

    def first_paint(self, name: str) -> float:
        path, ready = PAGES[name]
        page = self.new_page()
        t0 = time.perf_counter()
        page.goto(f"{self.url}/{path}", wait_until="commit")
        _wait(page, ready)
        took = time.perf_counter() - t0
        page.close()
        return took

    def toggle(self) -> tuple[float, float]:
        page = self.new_page()
        page.goto(self.url)
        _wait(page, PAGES["map"][1])
        _idle(page)
        box = page.locator('[data-testid="stSidebar"] [data-testid="stCheckbox"]').filter(
            has_text=_layer_title(TOGGLE_LAYER))
        selector = f".tbgeo-layer-{TOGGLE_LAYER}"
        t0 = time.perf_counter()
        box.first.click()
        _wait(page, lambda p: _in_frames(p, selector))
        on = time.perf_counter() - t0
        _idle(page)
        t0 = time.perf_counter()
        box.first.click()
        _wait(page, lambda p: _in_frames(p, "path.tbgeo-layer-districts", 8) and not _in_frames(p, selector))
        off = time.perf_counter() - t0
        page.close()
        return on, off

    def review_and_sheet(self) -> tuple[float, float]:
        page = self.new_page()
        page.goto(f"{self.url}/review")
        _wait(page, PAGES["review"][1])
        _idle(page)
        page.get_by_role("tab", name=t("review.page.tab_coords", LANG)).click()
        page.get_by_label(t("review.page.coords", LANG)).fill(SITE)
        page.get_by_role("button", name=t("review.page.use_coords", LANG), exact=True).click()
        _wait(page, lambda p: _text(p, "Đã có khu đất"))
        _idle(page)
        t0 = time.perf_counter()
        page.get_by_role("button", name=t("review.page.run", LANG), exact=True).click()
        _wait(page, lambda p: _visible(p, '[data-testid="stDataFrame"]') and _text(p, t("review.page.report", LANG)))
        review = time.perf_counter() - t0
        _idle(page)
        t0 = time.perf_counter()
        page.get_by_role("button", name=t("review.sheet.make", LANG), exact=True).click()
        _wait(page, lambda p: _visible(p, '[data-testid="stDownloadButton"] button:has-text("'
                                       + t("review.sheet.download", LANG) + '")'))
        sheet = time.perf_counter() - t0
        page.close()
        return review, sheet


def _layer_title(layer_id: str) -> str:
    from tbgeo.catalog import load_catalog

    return load_catalog(check_data=False).get(layer_id).title(LANG)


def _summary(values: list[float]) -> dict[str, float]:
    return {"median": round(statistics.median(values), 3), "min": round(min(values), 3), "max": round(max(values), 3)}


def run() -> dict[str, Any]:
    from playwright.sync_api import sync_playwright

    port = _free_port()
    tmp = Path(tempfile.mkdtemp(prefix="tbgeo-bench-browser-"))
    env = dict(os.environ, TBGEO_WORKSPACE=str(tmp / "tbgeo.gpkg"), TBGEO_CACHE=str(tmp / "cache"))
    proc = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", "app.py", "--server.port", str(port), "--server.address", "127.0.0.1",
         "--server.headless", "true"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 90
        while True:
            try:
                with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2):
                    break
            except OSError:
                if time.monotonic() > deadline or proc.poll() is not None:
                    raise RuntimeError("streamlit did not start") from None
                time.sleep(0.2)
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
            bench = Bench(browser, url)
            first: dict[str, float] = {"map": bench.first_paint("map")}  # the server's first visitor
            time.sleep(IDLE_S)  # the server's warm-up, while nobody clicks
            for name in PAGES:  # every other page's first visit since the start; then a toggle and a review
                if name != "map":
                    first[name] = bench.first_paint(name)
            bench.toggle()
            bench.review_and_sheet()
            pages: dict[str, list[float]] = {name: [] for name in PAGES}
            on, off, review, sheet = [], [], [], []
            for _ in range(REPEATS):
                for name in PAGES:
                    pages[name].append(bench.first_paint(name))
                a, b = bench.toggle()
                on.append(a)
                off.append(b)
                c, d = bench.review_and_sheet()
                review.append(c)
                sheet.append(d)
            browser.close()
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
    return {
        "repeats": REPEATS,
        "first_visit_s": {name: round(v, 3) for name, v in first.items()},
        "page_s": {name: _summary(v) for name, v in pages.items()},
        "toggle_on_s": _summary(on),
        "toggle_off_s": _summary(off),
        "review_to_report_s": _summary(review),
        "sheet_to_download_s": _summary(sheet),
        "aims_s": {"page": 2.0, "toggle": 0.5, "review_to_report": 1.0},
        "load_average": [round(v, 2) for v in os.getloadavg()],  # the machine's load when done (1, 5, 15 min)
        "cpus": os.cpu_count(),
    }


if __name__ == "__main__":
    out: dict[str, Any] = {"benchmark": "browser"}
    if not CHROMIUM.exists():
        out.update(page_s=None, toggle_on_s=None, toggle_off_s=None, review_to_report_s=None, sheet_to_download_s=None,
                   reason="/usr/bin/chromium missing")
    else:
        out.update(run())
    print(json.dumps(out, ensure_ascii=False))
