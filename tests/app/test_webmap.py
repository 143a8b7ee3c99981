"""The map HTML: no CDN, the districts drawn, coordinates rounded, small enough, legend = visible layers."""

from __future__ import annotations

import json
import re

import pytest
import shapely

from tbgeo.catalog import load_catalog
from tbgeo.mapping.webmap import build_map, display_frame, landuse_image, legend_entries

CDN_HOSTS = ("cdn.jsdelivr.net", "cdnjs.cloudflare.com", "code.jquery.com", "netdna.bootstrapcdn.com", "unpkg.com")


@pytest.fixture(scope="module")
def catalog():  # type: ignore[no-untyped-def]
    return load_catalog()


@pytest.fixture(scope="module")
def default_html(catalog) -> str:  # type: ignore[no-untyped-def]
    visible = [lyr.id for lyr in catalog if lyr.default_visible]
    return build_map(catalog, lang="vi", visible=visible).get_root().render()


def test_metric_scale_only(default_html: str) -> None:
    assert "L.control.scale({metric: true, imperial: false})" in default_html
    assert "L.control.scale()" not in default_html


def test_no_cdn_and_local_leaflet(default_html: str) -> None:
    for host in CDN_HOSTS:
        assert host not in default_html
    assert '<script src="/app/static/vendor/leaflet/leaflet.js"></script>' in default_html
    assert "/app/static/vendor/leaflet/leaflet.css" in default_html


def test_districts_drawn_with_labels(catalog, default_html: str) -> None:  # type: ignore[no-untyped-def]
    import folium

    frame = display_frame(catalog.get("districts"))
    assert len(frame) == 8
    m = build_map(catalog, lang="vi", visible=["districts"])
    layers = [c for c in m._children.values() if isinstance(c, folium.GeoJson)]
    assert len(layers) == 1 and len(layers[0].data["features"]) == 8
    assert {f["properties"]["name_vi"] for f in layers[0].data["features"]} == set(frame["name_vi"])
    assert '"className": "tbgeo-layer-districts"' in default_html
    labels = json.loads(re.search(r"var labels = (\[.*?\]);", default_html).group(1))
    assert sorted(name for _, _, name in labels) == sorted(frame["name_vi"])
    shapes = dict(zip(frame["name_vi"], frame.geometry, strict=True))
    for lat, lon, name in labels:  # each label stands inside its own district
        assert shapes[name].contains(shapely.Point(lon, lat))


def test_coordinates_rounded_and_payload_small(default_html: str) -> None:
    numbers = re.findall(r"\[(10[56]\.\d+), (20\.\d+)\]", default_html)
    assert numbers, "no coordinates found"
    assert max(len(x.split(".")[1]) for pair in numbers for x in pair) <= 5
    assert len(default_html.encode("utf-8")) < 2_000_000


def test_legend_matches_visible_layers(catalog) -> None:  # type: ignore[no-untyped-def]
    entries = legend_entries(catalog, ["districts", "industrial_parks"], "vi")
    assert [e.layer for e in entries] == ["districts", "industrial_parks"]
    html = build_map(catalog, lang="en", visible=["districts", "industrial_parks"]).get_root().render()
    legend = json.loads(re.search(r"div\.innerHTML = (\".*?\");", html).group(1))
    assert catalog.get("industrial_parks").title("en") in legend
    assert catalog.get("gas_pipelines").title("en") not in legend
    assert 'className": "tbgeo-layer-gas_pipelines' not in html


def test_landuse_image_covers_province(catalog) -> None:  # type: ignore[no-untyped-def]
    png, bounds = landuse_image(catalog.get("landuse"))
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    (south, west), (north, east) = bounds
    assert 20.20 < south < 20.30 and 20.70 < north < 20.77
    assert 106.05 < west < 106.15 and 106.60 < east < 106.75
    assert len(png) < 400_000


def _layer_data(m, title: str) -> list[dict]:  # type: ignore[no-untyped-def]
    import folium

    (layer,) = [c for c in m._children.values() if isinstance(c, folium.GeoJson) and c.layer_name == title]
    return [f["properties"] for f in layer.data["features"]]


def test_popups_speak_the_users_language(catalog) -> None:  # type: ignore[no-untyped-def]
    visible = ["industrial_parks", "industrial_clusters", "gas_pipelines"]
    m = build_map(catalog, lang="vi", visible=visible)
    parks = {p["name"]: p for p in _layer_data(m, catalog.get("industrial_parks").title("vi"))}
    assert parks["KCN Phúc Khánh"]["status__txt"] == "Đang hoạt động"
    assert parks["KCN Phúc Khánh"]["in_economic_zone__txt"] == "không"
    assert parks["KCN Phúc Khánh"]["area_ha__txt"] == "159,03"
    clusters = {p["name"]: p for p in _layer_data(m, catalog.get("industrial_clusters").title("vi"))}
    assert clusters["CCN Thái Thọ"]["area_ha__txt"] == "không nêu"
    pipes = _layer_data(m, catalog.get("gas_pipelines").title("vi"))
    # the class field shows the legend's class labels; other coded fields their catalog words
    assert {p["kind__txt"] for p in pipes} == {c["label_vi"] for c in catalog.get("gas_pipelines").style["classes"]}
    assert {p["pressure__txt"] for p in pipes} == {"Cao áp", "Thấp áp"}
    assert {p["status__txt"] for p in pipes} == {"Hiện có", "Quy hoạch"}
    assert '"status__txt"' in m.get_root().render()
    en = {p["name"]: p for p in _layer_data(build_map(catalog, lang="en", visible=visible), catalog.get("industrial_parks").title("en"))}
    assert en["KCN Phúc Khánh"]["status__txt"] == "Operating" and en["KCN Phúc Khánh"]["area_ha__txt"] == "159.03"


def test_popup_text_from_uploads_and_typed_names_cannot_run_as_html(catalog) -> None:  # type: ignore[no-untyped-def]
    """Attribute values and proposal names reach the popup as HTML: they must arrive escaped."""
    import geopandas as gpd

    from tbgeo.mapping.webmap import proposals_overlay

    hostile = '<img src=x onerror="alert(1)">KCN & Co'
    parks = catalog.get("industrial_parks")
    frame = display_frame(parks)
    frame.loc[frame.index[0], "name"] = hostile
    proposals = gpd.GeoDataFrame(
        {"proposal_id": [1], "name": [hostile], "status": ["submitted"], "area_ha": [20.0]},
        geometry=[shapely.box(590_000, 2_262_000, 590_500, 2_262_400)],
        crs="EPSG:9209",
    )
    m = build_map(
        catalog, lang="vi", visible=["industrial_parks"], frames={"industrial_parks": frame},
        overlays=[proposals_overlay(proposals, "vi")],
    )
    names = [p["name__txt"] for p in _layer_data(m, parks.title("vi"))] + [
        p["name__txt"] for p in _layer_data(m, "Dự án đề xuất đã lưu")
    ]
    escaped = "&lt;img src=x onerror=&quot;alert(1)&quot;&gt;KCN &amp; Co"
    assert names.count(escaped) == 2
    assert hostile not in m.get_root().render()


def test_zoom_buttons_are_titled_in_the_readers_language(catalog) -> None:  # type: ignore[no-untyped-def]
    vi = build_map(catalog, lang="vi", visible=["districts"]).get_root().render()
    en = build_map(catalog, lang="en", visible=["districts"]).get_root().render()
    assert json.dumps("Phóng to") in vi and json.dumps("Thu nhỏ") in vi and '"Zoom in"' not in vi
    assert '"Zoom in"' in en and '"Zoom out"' in en
    assert "zoomControl: false" in vi.replace('"zoomControl": false', "zoomControl: false")
