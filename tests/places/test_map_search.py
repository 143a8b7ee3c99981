"""The map page's search box (AppTest, both languages): the same search as `tbgeo where`, and the map zooms."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from tests.locks import hold_store

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = "import importlib\nimportlib.import_module('tbgeo.ui.pages.map').render({lang!r})\n"


@pytest.fixture(autouse=True)
def _fresh_caches(monkeypatch: pytest.MonkeyPatch) -> None:
    import streamlit as st

    st.cache_resource.clear()
    monkeypatch.chdir(ROOT)


def _page(lang: str) -> AppTest:
    at = AppTest.from_string(SCRIPT.format(lang=lang), default_timeout=120).run()
    assert not at.exception, at.exception
    return at


def _srcdoc(at: AppTest) -> str:
    """The map page as the map frame (tbgeo.ui.mapframe) is given it."""
    frames = at.get("bidi_component")
    assert len(frames) == 1
    return str(json.loads(frames[0].proto.json)["html"])


def _focus(html: str) -> tuple[dict, dict]:
    m = re.search(r"<script>\(function\(\)\{var g=L\.geoJSON\((\{.*?\}),\{style:(\{.*?\}),interactive:false\}\)", html)
    assert m, "no zoom to the place"
    return json.loads(m.group(1)), json.loads(m.group(2))


def test_old_commune_without_diacritics_zooms_to_the_package_box_in_vietnamese() -> None:
    at = _page("vi")
    assert at.text_input(key="map_place_query").label == "Tìm địa danh"
    assert "<script>(function(){var g=L.geoJSON(" not in _srcdoc(at)  # no search, no zoom
    at.text_input(key="map_place_query").set_value("Dong Co").run()
    assert not at.exception, at.exception
    assert [x.value for x in at.text] == [
        "xã Đông Cơ, huyện Tiền Hải (trước 1/7/2025) — nay thuộc xã Đồng Châu, tỉnh Hưng Yên"]
    assert at.caption[-1].value == "Phạm vi gần đúng: khung bao theo dữ liệu của gói vietnamadminunits (không phải ranh giới)"
    geom, style = _focus(_srcdoc(at))
    xs = [p[0] for p in geom["coordinates"][0]]
    ys = [p[1] for p in geom["coordinates"][0]]
    assert (min(xs), min(ys), max(xs), max(ys)) == pytest.approx((106.521549, 20.391457, 106.576481, 20.409075))
    assert style["dashArray"] == "8 6"  # marked approximate


def test_park_zooms_to_its_polygon_in_english() -> None:
    at = _page("en")
    assert at.text_input(key="map_place_query").label == "Find a place"
    at.text_input(key="map_place_query").set_value("KCN Tien Hai").run()
    assert not at.exception, at.exception
    assert at.text[0].value.startswith("KCN Tiền Hải — former district: Tiền Hải; the former district now belongs to")
    assert at.caption[-1].value == "Extent: the polygon of the layer “Industrial parks (KCN)”"
    geom, style = _focus(_srcdoc(at))
    assert geom["type"] in ("Polygon", "MultiPolygon") and "dashArray" not in style


def test_several_results_offer_a_choice_and_nothing_found_says_so() -> None:
    at = _page("en")
    at.text_input(key="map_place_query").set_value("An Ninh").run()
    box = at.selectbox(key="map_place_choice")
    assert box.label == "2 results — choose one"
    assert box.options == [
        "xã An Ninh, huyện Quỳnh Phụ — Commune, ward or town before 1 July 2025",
        "xã An Ninh, huyện Tiền Hải — Commune, ward or town before 1 July 2025",
    ]
    box.set_value(1).run()
    assert at.text[0].value.startswith("xã An Ninh, huyện Tiền Hải (before 1 July 2025) — now part of xã Tiền Hải")
    at.text_input(key="map_place_query").set_value("Dong Chaux").run()
    assert not at.exception
    assert at.text[0].value.startswith("No place called “Dong Chaux” was found. Did you mean: xã Đồng Châu")
    assert "<script>(function(){var g=L.geoJSON(" not in _srcdoc(at)


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_a_busy_store_is_said_not_a_traceback(monkeypatch: pytest.MonkeyPatch, lang: str) -> None:
    """The search reads the proposals from the workspace; a backup or QGIS holding it locked gives
    the busy message in the reader's language (twice: the search, and the map, which needs the active
    layer versions), never a traceback."""

    import shapely

    from tbgeo.i18n import t
    from tbgeo.store.gpkg import GpkgStore

    ws = GpkgStore.open()
    ws.add_proposal(shapely.box(600_000, 2_262_000, 600_500, 2_262_400), name="Khu A", attributes={}, report={}, user="p")
    monkeypatch.setenv("TBGEO_LOCK_WAIT", "0.3")
    release, th = hold_store(ws.path)
    try:
        at = _page(lang)
        at.text_input(key="map_place_query").set_value("Dong Co").run()
    finally:
        release.set()
        th.join(10)
    assert not at.exception, at.exception
    busy = t("workspace.busy", lang, seconds="0.3").split("(")[0]
    assert [e.value.startswith(busy) for e in at.error] == [True, True], [e.value for e in at.error]
    assert not [el for el in at.main if getattr(el, "type", None) == "iframe"]
    at.run()  # the store free again: the answer and the map are back
    assert not at.error and at.text[0].value.startswith("xã Đông Cơ, huyện Tiền Hải" if lang == "vi" else "xã Đông Cơ")
    assert "<script>(function(){var g=L.geoJSON(" in _srcdoc(at)
