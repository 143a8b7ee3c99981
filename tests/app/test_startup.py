"""Start-up: `streamlit run app.py` serves the app through st.App, whose start-up hook prepares the
map; on a usual start the first view is read from the disk cache without geopandas or folium."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import shapely
from streamlit.web.server.app_discovery import discover_asgi_app

from tbgeo import diskcache, settings
from tbgeo.mapping import view as mapview
from tbgeo.mapping.webmap import WITH_DRAFTS
from tbgeo.store.gpkg import GpkgStore
from tbgeo.ui import cache

ROOT = Path(__file__).resolve().parents[2]

FIRST_VIEW = """
import json, sys
from tbgeo import settings
from tbgeo.mapping import view as mapview
from tbgeo.ui import cache, warmup
warmup.warm()
html = cache.map_html(mapview.default_layers(cache.catalog()), settings.default_lang(), mapview.DEFAULT_BASEMAP)
heavy = ("geopandas", "pandas", "folium", "pyogrio", "rasterio", "shapely")
print(json.dumps({"loaded": sorted(m for m in heavy if m in sys.modules), "html": html}))
"""


def shows(text: str, html: str) -> bool:
    """``text`` is in the map's HTML, as text or as a JSON string (folium writes data as \\u escapes)."""
    return text in html or json.dumps(text)[1:-1] in html


def _first_view(env: dict[str, str]) -> dict[str, object]:
    out = subprocess.run([sys.executable, "-c", FIRST_VIEW], cwd=ROOT, env=env, capture_output=True, text=True, check=True)
    return json.loads(out.stdout.splitlines()[-1])


def test_streamlit_run_serves_app_py_through_st_app_with_the_warm_up_hook() -> None:
    found = discover_asgi_app(ROOT / "app.py")
    assert found.is_asgi_app and found.import_string == "app:app"
    probe = "import runpy; ns = runpy.run_path('app.py'); a = ns['app']; print(type(a).__name__, a._user_lifespan.__module__, a.script_path.name)"
    out = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["App", "tbgeo.ui.warmup", "app.py"]


def test_a_usual_start_reads_the_first_view_without_geopandas_or_folium(tmp_path: Path) -> None:
    env = dict(os.environ, TBGEO_CACHE=str(tmp_path / "cache"), TBGEO_WORKSPACE=str(tmp_path / "ws" / "tbgeo.gpkg"))
    cold = _first_view(env)
    assert {"geopandas", "folium", "pyogrio"} <= set(cold["loaded"])  # built: checked files, drew the map
    warm = _first_view(env)
    assert warm["loaded"] == []  # read: nothing heavy imported
    assert warm["html"] == cold["html"]
    assert "tbgeo-layer-districts" in warm["html"] and shows("Đơn vị hành chính cấp huyện", warm["html"])


def test_the_cached_map_follows_the_workspace_and_the_language() -> None:
    visible = ("districts",)
    before = cache.map_html(visible, "vi", mapview.DEFAULT_BASEMAP)
    assert not shows("Khu đất thử nghiệm", before)
    ws = GpkgStore.open()
    ws.add_proposal(shapely.box(590_000, 2_262_000, 590_500, 2_262_400), name="Khu đất thử nghiệm", attributes={})
    after = cache.map_html(visible, "vi", mapview.DEFAULT_BASEMAP)
    assert not shows("Khu đất thử nghiệm", after)  # a draft is no decision: drawn only when asked for
    drafts = cache.map_html(visible, "vi", mapview.DEFAULT_BASEMAP, WITH_DRAFTS)
    assert shows("Khu đất thử nghiệm", drafts) and shows("Dự thảo", drafts)
    rev = ws.revision()
    ws.set_status(ws.proposals()[0].id, "submitted")
    assert ws.revision() != rev
    submitted = cache.map_html(visible, "vi", mapview.DEFAULT_BASEMAP)
    assert shows("Chờ duyệt", submitted) and not shows("Dự thảo", submitted)
    english = cache.map_html(visible, "en", mapview.DEFAULT_BASEMAP)
    assert shows("Submitted", english) and not shows("Chờ duyệt", english)


def test_workspace_revision_changes_with_every_change_and_not_otherwise(tmp_path: Path) -> None:
    ws = GpkgStore(tmp_path / "w.gpkg")
    assert ws.revision() == "0"
    ws = GpkgStore.open(tmp_path / "w.gpkg")
    empty = ws.revision()
    p = ws.add_proposal(shapely.box(590_000, 2_262_000, 590_500, 2_262_400), name="A", attributes={})
    one = ws.revision()
    assert one != empty and ws.revision() == one  # reading changes nothing
    ws.add_comment(p.id, "xem lại")
    assert ws.revision() != one


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_warm_up_builds_the_default_view_of_the_configured_language(lang: str, monkeypatch: pytest.MonkeyPatch) -> None:
    from tbgeo.ui import warmup

    monkeypatch.setenv("TBGEO_LANG", lang)
    warmup.warm()
    key = mapview.map_key(cache.catalog(), mapview.default_layers(cache.catalog()), settings.default_lang(), mapview.DEFAULT_BASEMAP)
    html = diskcache.read_text("map", key)
    assert html is not None
    assert shows("Đơn vị hành chính cấp huyện" if lang == "vi" else "Districts and city", html)


def test_after_the_preload_a_new_choice_of_layers_reads_no_layer_file(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """The preload makes every layer's display geometry and the land-use image, so switching any
    layer on afterwards only draws (the map page's next clicks do not wait for files)."""
    from tbgeo.ui import warmup

    monkeypatch.setenv("TBGEO_CACHE", str(tmp_path))  # the map itself must be drawn now
    warmup.preload()

    def no_reading(*_args: object, **_kwargs: object) -> None:
        raise AssertionError("a layer file was read after the preload")

    monkeypatch.setattr(cache, "display_frame", no_reading)
    monkeypatch.setattr(cache, "landuse_image", no_reading)
    every = tuple(cache.catalog().ids)
    html = cache.map_html(every, "en", mapview.DEFAULT_BASEMAP)
    assert all(f"tbgeo-layer-{lid}" in html for lid in every if cache.catalog().get(lid).kind == "vector")


def test_the_map_follows_edited_layer_files_in_a_running_app(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """A data file replaced or a layer file edited while the app runs: the next map shows it (the
    in-memory and disk caches are keyed on the files as they are now)."""
    import shutil

    import geopandas as gpd

    layers = tmp_path / "layers"
    layers.mkdir()
    data = tmp_path / "districts.geojson"
    shutil.copy(settings.DATA_DIR / "districts.geojson", data)
    toml = (settings.LAYERS_DIR / "districts.toml").read_text(encoding="utf-8")
    toml = toml.replace('source = "data/districts.geojson"', f'source = "{data}"')
    (layers / "districts.toml").write_text(toml, encoding="utf-8")
    monkeypatch.setattr(settings, "LAYERS_DIR", layers)

    first = cache.map_html(("districts",), "vi", mapview.DEFAULT_BASEMAP)
    assert shows("Quỳnh Phụ", first) and not shows("Quỳnh Phụ Mới", first)
    gdf = gpd.read_file(data)
    gdf.loc[gdf["name_vi"] == "Quỳnh Phụ", "name_vi"] = "Quỳnh Phụ Mới"
    gdf.to_file(data, driver="GeoJSON")
    assert shows("Quỳnh Phụ Mới", cache.map_html(("districts",), "vi", mapview.DEFAULT_BASEMAP))
    (layers / "districts.toml").write_text(
        toml.replace("Đơn vị hành chính cấp huyện", "Huyện và thành phố"), encoding="utf-8"
    )
    assert cache.catalog().get("districts").title("vi") == "Huyện và thành phố"
    assert shows("Huyện và thành phố", cache.map_html(("districts",), "vi", mapview.DEFAULT_BASEMAP))


def test_the_running_app_checks_a_data_file_again_when_it_changes(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    import shutil

    import geopandas as gpd

    from tbgeo.errors import CatalogError

    layers = tmp_path / "layers"
    layers.mkdir()
    data = tmp_path / "districts.geojson"
    shutil.copy(settings.DATA_DIR / "districts.geojson", data)
    toml = (settings.LAYERS_DIR / "districts.toml").read_text(encoding="utf-8")
    (layers / "districts.toml").write_text(toml.replace('source = "data/districts.geojson"', f'source = "{data}"'), encoding="utf-8")
    monkeypatch.setattr(settings, "LAYERS_DIR", layers)
    assert cache.catalog().get("districts").kind == "vector"
    gpd.read_file(data).drop(columns=["name_vi"]).to_file(data, driver="GeoJSON")  # the label field is gone
    with pytest.raises(CatalogError) as err:
        cache.catalog()
    assert err.value.key == "catalog.unknown_field" and "name_vi" in err.value.message("vi")


def test_a_page_view_reads_the_workspace_once_however_many_layers(monkeypatch: pytest.MonkeyPatch) -> None:
    import sqlite3

    ws = GpkgStore.open()
    ws.add_proposal(shapely.box(590_000, 2_262_000, 590_500, 2_262_400), name="A", attributes={})
    every = tuple(cache.catalog().ids)
    opened: list[object] = []
    real = sqlite3.connect
    monkeypatch.setattr(sqlite3, "connect", lambda *a, **k: opened.append(a[0]) or real(*a, **k))
    mapview.map_key(cache.catalog(), every, "vi", mapview.DEFAULT_BASEMAP)
    assert len(opened) == 1
    opened.clear()
    cache.version_keys(every)
    assert len(opened) == 1


def test_without_a_workspace_the_map_key_does_not_depend_on_where_it_would_be(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """A start with a new, empty workspace (nothing stored yet) reads the first view from the cache."""
    cat = cache.catalog()
    keys = set()
    for name in ("a", "b"):
        monkeypatch.setenv("TBGEO_WORKSPACE", str(tmp_path / name / "tbgeo.gpkg"))
        keys.add(mapview.map_key(cat, mapview.default_layers(cat), "vi", mapview.DEFAULT_BASEMAP))
    assert len(keys) == 1
