"""Serve Leaflet, Leaflet.draw and proj4js from the app itself, so the map renders with no internet.

The files come from npm packages (``package.json``) and are copied into ``static/vendor/`` by
``make assets`` (``python -m tbgeo.mapping.assets install``); Streamlit serves that folder at
``/app/static/vendor/`` (``.streamlit/config.toml``: ``enableStaticServing``). Nothing third-party is
committed. ``localize`` points a folium Map (or Draw plugin) at those files instead of CDNs.
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path
from typing import Any

from tbgeo import settings

__all__ = ["STATIC_URL", "FILES", "localize", "install", "missing", "inline_assets"]

#: Where Streamlit serves ``static/vendor``.
STATIC_URL = "/app/static/vendor"

#: npm package file → file under static/vendor.
FILES: dict[str, str] = {
    "leaflet/dist/leaflet.js": "leaflet/leaflet.js",
    "leaflet/dist/leaflet.css": "leaflet/leaflet.css",
    "leaflet/dist/images/layers.png": "leaflet/images/layers.png",
    "leaflet/dist/images/layers-2x.png": "leaflet/images/layers-2x.png",
    "leaflet/dist/images/marker-icon.png": "leaflet/images/marker-icon.png",
    "leaflet/dist/images/marker-icon-2x.png": "leaflet/images/marker-icon-2x.png",
    "leaflet/dist/images/marker-shadow.png": "leaflet/images/marker-shadow.png",
    "leaflet-draw/dist/leaflet.draw.js": "leaflet-draw/leaflet.draw.js",
    "leaflet-draw/dist/leaflet.draw.css": "leaflet-draw/leaflet.draw.css",
    "leaflet-draw/dist/images/spritesheet.png": "leaflet-draw/images/spritesheet.png",
    "leaflet-draw/dist/images/spritesheet-2x.png": "leaflet-draw/images/spritesheet-2x.png",
    "leaflet-draw/dist/images/spritesheet.svg": "leaflet-draw/images/spritesheet.svg",
    "proj4/dist/proj4.js": "proj4/proj4.js",
}

#: proj4js turns the cursor's position into VN-2000 and measures in EPSG:9209 (tbgeo.mapping.tools).
_MAP_JS = [("leaflet", "leaflet/leaflet.js"), ("proj4", "proj4/proj4.js")]
_MAP_CSS = [("leaflet_css", "leaflet/leaflet.css")]
_DRAW_JS = [("leaflet_draw_js", "leaflet-draw/leaflet.draw.js")]
_DRAW_CSS = [("leaflet_draw_css", "leaflet-draw/leaflet.draw.css")]


def localize(element: Any, *, base_url: str = STATIC_URL) -> Any:
    """Point a folium Map or Draw plugin at the app's own copies of Leaflet and proj4js (no CDN, no
    jQuery/Bootstrap)."""
    # folium loads with the map, not at a warm start (the Draw plugin is told by its class: importing
    # folium.plugins costs ~0.3 s)
    from folium import Map

    if isinstance(element, Map):
        js, css = _MAP_JS, _MAP_CSS
    elif type(element).__name__ == "Draw" and type(element).__module__.startswith("folium.plugins"):
        js, css = _DRAW_JS, _DRAW_CSS
    else:
        raise TypeError(f"no offline assets known for {type(element).__name__}")
    element.default_js = [(name, f"{base_url}/{path}") for name, path in js]
    element.default_css = [(name, f"{base_url}/{path}") for name, path in css]
    return element


def missing(static_dir: Path | None = None) -> list[str]:
    """The vendor files that are not installed yet (empty when the map can render offline)."""
    vendor = (static_dir or settings.shipped_dir("static")) / "vendor"
    return [dst for dst in FILES.values() if not (vendor / dst).exists()]


def install(node_modules: Path | None = None, static_dir: Path | None = None) -> list[Path]:
    """Copy the files listed in FILES from ``node_modules`` into ``static/vendor``."""
    src_root = node_modules or settings.PROJECT_DIR / "node_modules"
    vendor = (static_dir or settings.shipped_dir("static")) / "vendor"
    written = []
    for src, dst in FILES.items():
        source = src_root / src
        if not source.exists():
            raise FileNotFoundError(f"{source} is missing: run `npm ci` first (make assets does)")
        target = vendor / dst
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, target)
        written.append(target)
    return written


def inline_assets(html: str, *, static_dir: Path | None = None, base_url: str = STATIC_URL) -> str:
    """Replace the vendor ``<script src>``/``<link href>`` of a saved map by the files' contents.

    Used to write a self-contained HTML file that opens offline outside the app.
    """
    vendor = (static_dir or settings.shipped_dir("static")) / "vendor"
    for dst in FILES.values():
        url = f"{base_url}/{dst}"
        if url not in html:
            continue
        text = (vendor / dst).read_text(encoding="utf-8")
        if dst.endswith(".js"):
            html = html.replace(f'<script src="{url}"></script>', f"<script>{text}</script>")
        elif dst.endswith(".css"):
            html = html.replace(f'<link rel="stylesheet" href="{url}"/>', f"<style>{text}</style>")
    return html


def _main(argv: list[str]) -> int:
    if argv[:1] == ["install"]:
        for path in install():
            print(path.relative_to(settings.PROJECT_DIR))
        return 0
    if argv[:1] == ["check"]:
        gone = missing()
        for name in gone:
            print(f"missing: static/vendor/{name}")
        return 1 if gone else 0
    print("usage: python -m tbgeo.mapping.assets install|check", file=sys.stderr)
    return 2


if __name__ == "__main__":
    raise SystemExit(_main(sys.argv[1:]))
