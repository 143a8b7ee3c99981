"""Measure the map: HTML build time and size for the default layers, and `streamlit run` → rendered map.

Start-up is timed from launching `streamlit run app.py` to the eight district polygons drawn in
headless Chromium (outside addresses blocked), each time with a new, empty workspace:

* cold: an empty ``TBGEO_CACHE``, as on the first start after an install, an import or a change of
  code (the layer files are checked and the map's HTML is built);
* warm: the next starts, which read both from the cache (``tbgeo.diskcache``);
* second visit: another browser tab on the running server once it is idle (6 s after the first
  map, when the warm-up has also loaded every layer for the next clicks).

Prints one JSON object. The start-up figures need /usr/bin/chromium (Debian package) and
playwright; without them they are reported as null with the reason.
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
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tbgeo.catalog import load_catalog  # noqa: E402
from tbgeo.mapping.webmap import build_map, display_frame, landuse_image  # noqa: E402


def html_figures() -> dict[str, float]:
    os.environ["TBGEO_CACHE"] = tempfile.mkdtemp()  # time the layer checks too, not a cached result
    t0 = time.perf_counter()
    cat = load_catalog()
    visible = [lyr.id for lyr in cat if lyr.default_visible]
    frames = {lid: display_frame(cat.get(lid)) for lid in visible if cat.get(lid).kind == "vector"}
    png = landuse_image(cat.get("landuse")) if "landuse" in visible else None
    t1 = time.perf_counter()
    html = build_map(cat, lang="vi", visible=visible, frames=frames, landuse_png=png).get_root().render()
    t2 = time.perf_counter()
    return {
        "default_layers": len(visible),
        "prepare_frames_s": round(t1 - t0, 3),
        "build_html_s": round(t2 - t1, 3),
        "html_bytes": len(html.encode("utf-8")),
        "html_mb": round(len(html.encode("utf-8")) / 1e6, 3),
    }


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _districts_drawn(page: Any, *, deadline: float) -> bool:
    """Wait until some frame of ``page`` shows the eight district polygons (False at the deadline)."""
    while time.perf_counter() < deadline:
        for frame in page.frames:
            try:
                if frame.locator("path.tbgeo-layer-districts").count() >= 8:
                    return True
            except Exception:  # a frame may detach while Streamlit reruns
                continue
        page.wait_for_timeout(50)
    return False


def startup_to_map(cache_dir: Path) -> dict[str, float | None]:
    from playwright.sync_api import sync_playwright

    port = _free_port()
    env = dict(os.environ, TBGEO_WORKSPACE=str(Path(tempfile.mkdtemp()) / "tbgeo.gpkg"), TBGEO_CACHE=str(cache_dir))
    with sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path="/usr/bin/chromium",
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
        )
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        page.route("**/*", lambda r: r.continue_() if "127.0.0.1" in r.request.url or r.request.url.startswith("data:") else r.abort())
        t0 = time.perf_counter()
        proc = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", "app.py", "--server.port", str(port), "--server.headless", "true"],
            cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        try:
            url = f"http://127.0.0.1:{port}"
            while True:
                try:
                    urllib.request.urlopen(f"{url}/_stcore/health", timeout=1)
                    break
                except OSError:
                    time.sleep(0.05)
            t_server = time.perf_counter()
            page.goto(url)
            found = _districts_drawn(page, deadline=t0 + 120)
            t_map = time.perf_counter()
            time.sleep(6)
            # a second visit: the server process has imported everything and cached the layers
            page2 = browser.new_page(viewport={"width": 1400, "height": 1000})
            page2.route("**/*", lambda r: r.continue_() if "127.0.0.1" in r.request.url or r.request.url.startswith("data:") else r.abort())
            t_again = time.perf_counter()
            page2.goto(url)
            warm = _districts_drawn(page2, deadline=t_again + 60)
            t_warm = time.perf_counter()
        finally:
            proc.terminate()
            proc.wait(timeout=10)
        browser.close()
    return {
        "server_ready_s": round(t_server - t0, 3),
        "startup_to_map_s": round(t_map - t0, 3) if found else None,
        "second_visit_to_map_s": round(t_warm - t_again, 3) if warm else None,
    }


def startup_figures(repeats: int = 3) -> dict[str, object]:
    if not Path("/usr/bin/chromium").exists():
        return {"startup_cold_s": None, "startup_warm_s": None, "reason": "/usr/bin/chromium missing"}
    cold, warm, ready, again = [], [], [], []
    for _ in range(repeats):
        cache_dir = Path(tempfile.mkdtemp())
        first = startup_to_map(cache_dir)
        second = startup_to_map(cache_dir)
        cold.append(first["startup_to_map_s"])
        warm.append(second["startup_to_map_s"])
        ready.append(second["server_ready_s"])
        again.append(second["second_visit_to_map_s"])

    def summary(values: list[float | None]) -> dict[str, float | None]:
        got = sorted(v for v in values if v is not None)
        if len(got) < len(values):
            return {"median": None, "min": None, "max": None}
        return {"median": statistics.median(got), "min": got[0], "max": got[-1]}

    return {
        "repeats": repeats,
        "server_ready_s": summary(ready),
        "startup_cold_s": summary(cold),
        "startup_warm_s": summary(warm),
        "second_visit_s": summary(again),
    }


if __name__ == "__main__":
    out = {"benchmark": "map_render", **html_figures(), **startup_figures()}
    print(json.dumps(out, ensure_ascii=False))
