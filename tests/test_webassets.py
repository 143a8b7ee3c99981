"""Offline front-end files: localize() points folium at /app/static/vendor, install() copies from npm."""

from __future__ import annotations

from pathlib import Path

import folium
import pytest
from folium.plugins import Draw

from tbgeo.mapping import assets as webassets


def test_map_and_draw_point_at_local_files() -> None:
    m = webassets.localize(folium.Map(tiles=None))
    Draw().add_to(m)
    draw = next(c for c in m._children.values() if isinstance(c, Draw))
    webassets.localize(draw)
    html = m.get_root().render()
    assert "cdn" not in html and "jquery" not in html.lower()
    assert "/app/static/vendor/leaflet/leaflet.js" in html
    assert "/app/static/vendor/leaflet-draw/leaflet.draw.js" in html


def test_install_and_missing(tmp_path: Path) -> None:
    nm = tmp_path / "node_modules"
    for src in webassets.FILES:
        (nm / src).parent.mkdir(parents=True, exist_ok=True)
        (nm / src).write_text(f"/* {src} */", encoding="utf-8")
    static = tmp_path / "static"
    assert len(webassets.missing(static)) == len(webassets.FILES)
    written = webassets.install(nm, static)
    assert len(written) == len(webassets.FILES)
    assert webassets.missing(static) == []
    assert (static / "vendor/leaflet/leaflet.js").read_text() == "/* leaflet/dist/leaflet.js */"


def test_install_says_what_to_do_when_npm_not_run(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match="npm ci"):
        webassets.install(tmp_path / "node_modules", tmp_path / "static")


def test_shipped_vendor_files_present() -> None:
    # `make install` (which `make test` runs) copies them; a missing file means the map is blank offline.
    assert webassets.missing() == []
