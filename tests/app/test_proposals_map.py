"""Issue 13 §4: the main map shows the stored proposals styled by status, with their own toggle and
legend entry; drafts are not drawn as decisions (hidden unless asked, then dashed grey), archived and
deleted ones never; Identify lists the proposals at the clicked point (§5), as plain text."""

from __future__ import annotations

import json
import re
from pathlib import Path

import folium
import geopandas as gpd
import pytest
import shapely
from streamlit.testing.v1 import AppTest

from tbgeo import proposals
from tbgeo.catalog import load_catalog
from tbgeo.crs import transformer
from tbgeo.mapping.identify import identify, identify_text
from tbgeo.mapping.legend import legend_html
from tbgeo.mapping.view import map_html
from tbgeo.mapping.webmap import (
    PROPOSAL_STATUS_STYLES,
    WITH_DRAFTS,
    build_map,
    legend_entries,
    proposals_overlay,
)
from tbgeo.store.gpkg import GpkgStore
from tbgeo.ui.state import Key

ROOT = Path(__file__).resolve().parents[2]


def shows(text: str, html: str) -> bool:
    """``text`` is in the map's HTML, as text or as a JSON string (folium writes data as \\u escapes)."""
    return text in html or json.dumps(text)[1:-1] in html
#: A point on rice land in Quỳnh Phụ (WGS 84), away from the parks.
CLICK = (106.32, 20.60)
HOSTILE = 'Khu <b onmouseover="x()">A</b> & Co\nDòng hai'


@pytest.fixture(scope="module")
def catalog():  # type: ignore[no-untyped-def]
    return load_catalog()


def _around(lon: float, lat: float, half_m: float) -> shapely.Polygon:
    x, y = transformer("EPSG:4326", "EPSG:9209").transform(lon, lat)
    return shapely.box(x - half_m, y - half_m, x + half_m, y + half_m)


def _frame() -> gpd.GeoDataFrame:
    """One proposal of each status, side by side."""
    statuses = ["draft", "submitted", "approved", "rejected", "archived", "deleted"]
    return gpd.GeoDataFrame(
        {"proposal_id": list(range(1, 7)), "name": [f"Khu {s}" for s in statuses], "status": statuses,
         "area_ha": [4.0] * 6},
        geometry=[shapely.box(590_000 + 500 * i, 2_262_000, 590_200 + 500 * i, 2_262_200) for i in range(6)],
        crs="EPSG:9209",
    )


def test_the_overlay_draws_decisions_by_status_and_no_draft_unless_asked(catalog) -> None:  # type: ignore[no-untyped-def]
    overlay = proposals_overlay(_frame(), "vi")
    assert overlay is not None
    assert list(overlay.gdf["status"]) == ["rejected", "submitted", "approved"]  # the approved drawn on top
    assert [(v, label) for v, label, _ in overlay.classes] == [
        ("approved", "Đã duyệt"), ("submitted", "Chờ duyệt"), ("rejected", "Không duyệt")]
    assert [label for _, label in overlay.popup] == ["Số", "Dự án", "Trạng thái", "Diện tích"]
    assert list(overlay.gdf["number_text"]) == ["#4", "#2", "#3"]
    with_drafts = proposals_overlay(_frame(), "en", statuses=WITH_DRAFTS)
    assert with_drafts is not None
    assert list(with_drafts.gdf["status"]) == ["draft", "rejected", "submitted", "approved"]  # never archived, deleted
    (draft,) = [style for v, label, style in with_drafts.classes if v == "draft" and label == "Draft"]
    assert draft["dash_array"] == "6 5" and draft["color"] == "#7a7a7a" and draft["fill_opacity"] < 0.1
    assert all("dash_array" not in PROPOSAL_STATUS_STYLES[s] for s in ("approved", "submitted", "rejected"))
    only_drafts = _frame()[lambda f: f["status"].isin(["draft", "archived", "deleted"])]
    assert proposals_overlay(only_drafts, "vi") is None  # nothing drawn as if decided


def test_the_map_styles_each_proposal_and_the_legend_names_the_statuses(catalog) -> None:  # type: ignore[no-untyped-def]
    overlay = proposals_overlay(_frame(), "vi", statuses=WITH_DRAFTS)
    assert overlay is not None
    m = build_map(catalog, lang="vi", visible=["districts"], overlays=[overlay])
    html = m.get_root().render()
    for status in ("approved", "submitted", "rejected", "draft"):
        assert f'"color": "{PROPOSAL_STATUS_STYLES[status]["color"]}"' in html, status
    assert html.count('"dashArray": "6 5"') == 1  # the one draft, dashed
    (entry,) = [e for e in legend_entries(catalog, ["districts"], "vi", overlays=[overlay]) if e.layer == "proposals"]
    assert entry.title == "Dự án đề xuất đã lưu"
    assert [label for label, _ in entry.items] == ["Đã duyệt", "Chờ duyệt", "Không duyệt", "Dự thảo"]
    box = legend_html([entry], "vi")
    assert "border:1.5px dashed #7a7a7a" in box and "border:1.5px solid #1b7a2f" in box
    # without drafts: no dashed grey outline anywhere on the map, three statuses in the legend
    plain = proposals_overlay(_frame(), "vi")
    assert plain is not None
    html = build_map(catalog, lang="vi", visible=["districts"], overlays=[plain]).get_root().render()
    assert '"dashArray": "6 5"' not in html and "Khu draft" not in html and "Khu deleted" not in html


def test_popups_escape_the_stored_names(catalog) -> None:  # type: ignore[no-untyped-def]
    frame = _frame().assign(name=[HOSTILE] * 6)
    overlay = proposals_overlay(frame, "vi")
    assert overlay is not None
    m = build_map(catalog, lang="vi", visible=["districts"], overlays=[overlay])
    (layer,) = [c for c in m._children.values() if isinstance(c, folium.GeoJson) and c.layer_name == overlay.title]
    shown = [f["properties"]["name__txt"] for f in layer.data["features"]]
    assert shown == ["Khu &lt;b onmouseover=&quot;x()&quot;&gt;A&lt;/b&gt; &amp; Co\nDòng hai"] * 3  # what the popup puts in the page
    html = m.get_root().render()
    assert "<b onmouseover" not in html and "</b>" not in html


def test_the_main_map_page_has_the_proposals_toggle(monkeypatch: pytest.MonkeyPatch, catalog) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.chdir(ROOT)
    ws = GpkgStore.open()
    ws.add_proposal(_around(*CLICK, 150), name="Khu đã trình", status="submitted", report={"verdict": "ok"})
    ws.add_proposal(_around(*CLICK, 100), name=HOSTILE, report={"verdict": "ok"})  # a draft at the same place
    gone = ws.add_proposal(_around(*CLICK, 50), name="Khu đã xoá", report={"verdict": "ok"})
    proposals.delete_draft(ws, gone.id)
    # the layer's map: on (decisions only) by default, drafts on request, off
    visible = ("districts",)
    default, drafts = map_html(catalog, visible, "vi"), map_html(catalog, visible, "vi", proposals=WITH_DRAFTS)
    assert shows("Dự án đề xuất đã lưu", default) and shows("Khu đã trình", default)
    assert not shows("Dòng hai", default) and shows("Dòng hai", drafts)  # the draft, drawn only when asked
    assert not shows("Khu đã xoá", drafts) and "<b onmouseover" not in drafts
    assert not shows("Dự án đề xuất đã lưu", map_html(catalog, visible, "vi", proposals=()))
    at = AppTest.from_string("from tbgeo.ui.pages import map as page\npage.render('vi')\n", default_timeout=90).run()
    assert not at.exception, at.exception
    toggle, drafts = at.checkbox(key=Key.MAP_PROPOSALS), at.checkbox(key=Key.MAP_PROPOSAL_DRAFTS)
    assert (toggle.label, toggle.value) == ("Dự án đề xuất đã lưu (tô theo trạng thái)", True)
    assert (drafts.label, drafts.value) == ("Cả bản dự thảo (nét đứt, màu xám)", False)
    # Identify at the point: the submitted proposal, not the draft (not drawn), never the deleted one
    at.session_state[Key.MAP_CLICK] = {"lat": CLICK[1], "lng": CLICK[0], "zoom": 13}
    at.run()
    (text,) = [el.value for el in at.text if el.value.startswith("Điểm đã bấm")]
    assert text.splitlines()[-2:] == ["Dự án đề xuất đã lưu:", "  • Đề xuất số 1 «Khu đã trình» — Chờ duyệt, 9,00 ha"]
    at.checkbox(key=Key.MAP_PROPOSAL_DRAFTS).check().run()
    (text,) = [el.value for el in at.text if el.value.startswith("Điểm đã bấm")]
    assert "  • Đề xuất số 2 «Khu <b onmouseover=\"x()\">A</b> & Co Dòng hai» — Dự thảo, 4,00 ha" in text.splitlines()
    assert "Khu đã xoá" not in text
    at.checkbox(key=Key.MAP_PROPOSALS).uncheck().run()
    assert not at.exception, at.exception
    (text,) = [el.value for el in at.text if el.value.startswith("Điểm đã bấm")]
    assert "Đề xuất số" not in text


def test_identify_lists_the_proposals_at_the_point_in_english(catalog) -> None:  # type: ignore[no-untyped-def]
    frame = gpd.GeoDataFrame(
        {"proposal_id": [7, 8], "name": ["Site\x1b[2J A", "Far away"], "status": ["approved", "submitted"],
         "area_ha": [9.0, 1.0]},
        geometry=[_around(*CLICK, 150), _around(CLICK[0] + 0.05, CLICK[1], 50)], crs="EPSG:9209",
    )
    result = identify(catalog, *CLICK, visible=(), proposals=frame)
    assert [(p.id, p.status) for p in result.proposals] == [(7, "approved")]
    text = identify_text(result, catalog, "en")
    assert text.splitlines()[1:] == ["Saved proposed sites:", "  • Proposal number 7 “Site A” — Approved, 9.00 ha"]
    assert re.search(r"\x1b", text) is None
    nothing = identify_text(identify(catalog, *CLICK, visible=(), proposals=frame.iloc[1:]), catalog, "en")
    assert nothing.splitlines()[1:] == ["No feature of the vector layers switched on is at this point."]
