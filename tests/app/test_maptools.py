"""Map tools (issue 13 §5): Identify at a point, the attribute table, the tools in the map's HTML
(offline: no http(s) address in it), VN-2000 in the browser = pyproj, and the map page under AppTest."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from pyproj import Transformer
from streamlit.testing.v1 import AppTest

from tbgeo.catalog import load_catalog
from tbgeo.crs import proj4_definition
from tbgeo.mapping.identify import attribute_table, click_point, identify, identify_text, tolerance_for_zoom
from tbgeo.mapping.view import default_layers
from tbgeo.mapping.webmap import build_map
from tbgeo.ui.state import Key

ROOT = Path(__file__).resolve().parents[2]
#: Inside KCN Tiền Hải (its representative point), on the gas distribution centre.
TIEN_HAI = (106.53493, 20.3978)
#: Rice land in Quỳnh Phụ.
QUYNH_PHU_RICE = (106.32, 20.60)


@pytest.fixture(scope="module")
def catalog():  # type: ignore[no-untyped-def]
    return load_catalog()


def _names(result) -> list[tuple[str, str]]:  # type: ignore[no-untyped-def]
    return [(hit.layer, dict(hit.values).get("name") or dict(hit.values)["name_vi"]) for hit in result.features]


def test_identify_gives_every_shown_layer_at_the_point_and_the_land_use_class(catalog) -> None:  # type: ignore[no-untyped-def]
    result = identify(catalog, *TIEN_HAI, visible=default_layers(catalog))
    assert _names(result) == [  # the top of the map first
        ("energy_sites", "Trung tâm phân phối khí Tiền Hải"),
        ("gas_pipelines", "Mở rộng mạng thấp áp khu vực Tiền Hải (giai đoạn 3)"),
        ("gas_pipelines", "Đường ống dẫn khí mỏ Thái Bình – Trung tâm phân phối khí Tiền Hải"),
        ("gas_pipelines", "Mạng phân phối khí thấp áp KCN Tiền Hải"),
        ("gas_pipelines", "Nhánh thấp áp KCN Tiền Hải – CCN Trà Lý"),
        ("industrial_parks", "KCN Tiền Hải"),
        ("economic_zone", "Khu kinh tế Thái Bình"),
        ("districts", "Tiền Hải"),
    ]
    assert result.landuse is not None and (result.landuse.code, result.landuse.value) == ("SKK/SKN", 3)
    e, n = Transformer.from_crs(4326, 9209, always_xy=True).transform(*TIEN_HAI)
    assert (result.easting, result.northing) == pytest.approx((e, n), abs=1e-6)

    rice = identify(catalog, *QUYNH_PHU_RICE, visible=("landuse", "districts"))
    assert _names(rice) == [("districts", "Quỳnh Phụ")]
    assert rice.landuse is not None and rice.landuse.code == "LUC"
    # a layer switched off is not asked; without the land-use layer there is no class
    only_parks = identify(catalog, *TIEN_HAI, visible=("industrial_parks",))
    assert _names(only_parks) == [("industrial_parks", "KCN Tiền Hải")] and only_parks.landuse_layer is None


def test_identify_finds_lines_within_the_click_tolerance_only(catalog) -> None:  # type: ignore[no-untyped-def]
    pipes = catalog.get("gas_pipelines").read(crs="EPSG:9209")
    main = pipes[pipes["name"] == "Đường ống dẫn khí mỏ Thái Bình – Trung tâm phân phối khí Tiền Hải"].geometry.iloc[0]
    on_line = main.interpolate(0.5, normalized=True)
    to_wgs = Transformer.from_crs(9209, 4326, always_xy=True)
    for offset, found in ((20.0, True), (60.0, False)):
        lon, lat = to_wgs.transform(on_line.x, on_line.y + offset)
        result = identify(catalog, lon, lat, visible=("gas_pipelines",), tolerance_m=40.0)
        assert bool(result.features) is found, offset
    assert tolerance_for_zoom(20.4, 12) == pytest.approx(6 * 156543.034 * 0.93728 / 4096, rel=1e-4)  # ≈ 215 m


def test_identify_text_is_the_readers_language_and_plain_text(catalog) -> None:  # type: ignore[no-untyped-def]
    result = identify(catalog, *TIEN_HAI, visible=("landuse", "industrial_parks", "districts"))
    vi = identify_text(result, catalog, "vi").splitlines()
    assert vi[0].startswith("Điểm đã bấm: 20,39780° B, 106,53493° Đ (WGS 84) — VN-2000 (EPSG:9209): X = 2.256.")
    assert vi[1] == "Hiện trạng sử dụng đất (minh họa): SKK/SKN — Đất khu, cụm công nghiệp"
    assert vi[2] == "Khu công nghiệp (KCN):"
    assert vi[3].startswith("  • Tên: KCN Tiền Hải · Tình trạng: Đang hoạt động · Diện tích công bố (ha): ")
    assert "Tên: Tiền Hải" in vi[5]
    en = identify_text(result, catalog, "en")
    assert "Land use (illustrative): SKK/SKN — Industrial park or cluster land" in en and "Status: Operating" in en
    sea = identify(catalog, 106.9, 20.3, visible=("landuse", "districts"))
    assert identify_text(sea, catalog, "vi").splitlines()[1:] == [
        "Hiện trạng sử dụng đất (minh họa): ngoài vùng có dữ liệu",
        "Không có đối tượng nào của các lớp vectơ đang bật tại điểm này.",
    ]


def test_a_click_is_checked_before_it_is_used() -> None:
    assert click_point({"lat": 20.4, "lng": 106.5, "zoom": 11.25}) == click_point({"lat": "20.4", "lng": 106.5, "zoom": 11.25})
    c = click_point({"lat": 20.4, "lng": 106.5, "zoom": 11.25})
    assert c is not None and (c.lon, c.lat, c.zoom) == (106.5, 20.4, 11.25)
    for bad in (None, "x", {"lat": 20.4}, {"lat": "nan", "lng": 106.5}, {"lat": 48.8, "lng": 2.3}, {"lat": [1], "lng": 2}):
        assert click_point(bad) is None, bad


def test_attribute_table_filters_without_diacritics(catalog) -> None:  # type: ignore[no-untyped-def]
    layer = catalog.get("industrial_parks")
    frame = layer.read()
    table = attribute_table(layer, frame, "vi", "tien hai")
    assert list(table["Tên"]) == ["KCN Tiền Hải", "KCN Hải Long", "KCN Tiền Hải 2"]  # by name or district
    assert list(table.columns[:3]) == ["Tên", "Tình trạng", "Diện tích công bố (ha)"]
    assert table.loc[3, "Tình trạng"] == "Đang hoạt động"
    assert list(table.index) == [3, 7, 9]  # rows of the layer: a selected row finds its feature
    assert len(attribute_table(layer, frame, "en", "")) == len(frame) == 12
    assert attribute_table(layer, frame, "en", "zzz").empty


@pytest.fixture(scope="module")
def map_html(catalog) -> str:  # type: ignore[no-untyped-def]
    return build_map(catalog, lang="vi", visible=default_layers(catalog), height="100%", clicks=True).get_root().render()


def test_the_map_loads_nothing_from_the_internet(map_html: str) -> None:
    assert re.findall(r"https?://", map_html) == []
    scripts = re.findall(r'<script src="([^"]+)"', map_html)
    assert scripts == ["/app/static/vendor/leaflet/leaflet.js", "/app/static/vendor/proj4/proj4.js"]


def test_the_map_has_the_tools_in_the_readers_language(map_html: str, catalog) -> None:  # type: ignore[no-untyped-def]
    tools = json.loads(re.search(r"var P = (\{.*?\});\n", map_html).group(1))
    assert tools["proj"] == proj4_definition()
    assert tools["texts"]["coords_vn2000"] == "VN-2000 (EPSG:9209): X = {x} m, Y = {y} m"
    assert tools["texts"]["measure_distance"].startswith("Đo khoảng cách")
    assert tools["texts"]["measure_area_result"].startswith("Diện tích: {ha} ha")
    assert tools["clicks"] is True and tools["locale"] == "vi-VN"
    for cls in ("tbgeo-coords", "tbgeo-measure-distance", "tbgeo-measure-area", "tbgeo-home", "tbgeo-opacity"):
        assert cls in map_html
    assert "position: 'bottomleft'" in map_html  # the legend keeps off the coast (east, south-east)
    # one opacity slider per layer in the legend, and the raster is reachable by its class
    assert map_html.count('class=\\"tbgeo-opacity\\"') == len(default_layers(catalog))
    assert '"className": "tbgeo-layer-landuse"' in map_html
    # names on the parks and clusters, as text
    labels = json.loads(re.search(r"(\[\[[^\n]*?\]\])\.forEach", map_html).group(1))
    named = {(layer, name) for _lat, _lon, name, layer in labels}
    parks = set(catalog.get("industrial_parks").read()["name"])
    assert {name for layer, name in named if layer == "industrial_parks"} == parks
    assert len([1 for layer, _ in named if layer == "industrial_clusters"]) == len(catalog.get("industrial_clusters").read())


def test_a_name_from_a_file_is_a_label_as_text(catalog) -> None:  # type: ignore[no-untyped-def]
    parks = catalog.get("industrial_parks").read()
    parks.loc[0, "name"] = "<img src=x onerror=alert(1)>"
    from tbgeo.mapping.webmap import display_frame

    html = build_map(catalog, lang="vi", visible=["industrial_parks"],
                     frames={"industrial_parks": display_frame(catalog.get("industrial_parks"), gdf=parks)}).get_root().render()
    assert "<img src=x" not in html  # JSON-escaped in the page, and set with textContent in the browser
    assert "div.textContent = item[2];" in html


@pytest.mark.skipif(shutil.which("node") is None, reason="needs node (installed with npm)")
def test_proj4js_gives_the_same_vn2000_coordinates_as_pyproj() -> None:
    script = (
        "const proj4 = require(process.argv[1]); const def = process.argv[2];"
        "const pts = JSON.parse(process.argv[3]);"
        "console.log(JSON.stringify(pts.map(p => proj4('EPSG:4326', def, p))));"
    )
    points = [[106.37, 20.49], [106.103, 20.24], [106.657, 20.729], [106.53493, 20.3978]]
    out = subprocess.run(
        ["node", "-e", script, str(ROOT / "node_modules/proj4"), proj4_definition(), json.dumps(points)],
        check=True, capture_output=True, text=True, timeout=30,
    )
    to_vn = Transformer.from_crs(4326, 9209, always_xy=True)
    for (lon, lat), (x, y) in zip(points, json.loads(out.stdout), strict=True):
        assert (x, y) == pytest.approx(to_vn.transform(lon, lat), abs=0.001)  # 1 mm


def _page(lang: str) -> str:
    return f"from tbgeo.ui.pages import map as page\npage.render({lang!r})\n"


def test_map_page_identifies_the_clicked_point(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    at = AppTest.from_string(_page("vi"), default_timeout=90)
    at.run()
    assert not at.exception, at.exception
    assert [c.value for c in at.caption if "Bấm vào một điểm" in c.value]  # the hint before a click
    at.session_state[Key.MAP_CLICK] = {"lat": TIEN_HAI[1], "lng": TIEN_HAI[0], "zoom": 13}
    at.run()
    assert not at.exception, at.exception
    (text,) = [el.value for el in at.text if el.value.startswith("Điểm đã bấm")]
    assert "Hiện trạng sử dụng đất (minh họa): SKK/SKN — Đất khu, cụm công nghiệp" in text
    assert "  • Tên: KCN Tiền Hải · " in text and "Tên: Khu kinh tế Thái Bình" in text
    at.button(key=Key.MAP_IDENTIFY_CLEAR).click().run()
    assert not [el for el in at.text if el.value.startswith("Điểm đã bấm")]


def test_map_page_table_filter_and_zoom_to(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    at = AppTest.from_string(_page("en"), default_timeout=90)
    at.run()
    assert at.selectbox(key=Key.MAP_TABLE_LAYER).value == "industrial_parks"
    at.text_input(key=Key.MAP_TABLE_FILTER).set_value("tien hai").run()
    assert not at.exception, at.exception
    (table,) = at.dataframe
    assert list(table.value["Name"]) == ["KCN Tiền Hải", "KCN Hải Long", "KCN Tiền Hải 2"]
    assert [c.value for c in at.caption if c.value.startswith("3 of 12 features")]
    at.text_input(key=Key.MAP_TABLE_FILTER).set_value("<b>nothing</b>").run()
    assert [el.value for el in at.text][-1] == "No feature matches “<b>nothing</b>”."
    zoom = at.sidebar.selectbox(key=Key.MAP_ZOOM_TO)
    assert zoom.options[0] == "Whole province" and "Layer “Industrial parks (KCN)”" in zoom.options
    zoom.set_value("industrial_parks").run()
    assert not at.exception, at.exception
    assert at.session_state[Key.MAP_FOCUS] == ("layer", "industrial_parks")


def _map_html(at: AppTest) -> str:
    (frame,) = at.get("bidi_component")
    return str(json.loads(frame.proto.json)["html"])


def test_a_table_row_or_a_layer_zooms_the_map(monkeypatch: pytest.MonkeyPatch, catalog) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.chdir(ROOT)
    at = AppTest.from_string(_page("vi"), default_timeout=90)
    at.run()
    assert "fitBounds(g.getBounds()" not in _map_html(at)  # the whole province first
    at.session_state[Key.MAP_FOCUS] = ("feature", "industrial_parks", 3)  # what selecting KCN Tiền Hải's row sets
    at.run()
    html = _map_html(at)
    focus = json.loads(re.search(r"L\.geoJSON\((\{.*?\}),\{style:", html).group(1))
    park = catalog.get("industrial_parks").read().to_crs(4326).geometry.iloc[3]
    import shapely

    assert shapely.geometry.shape(focus).hausdorff_distance(park) < 1e-7  # degrees: 1 cm
    assert '{style:{"color": "#e31a1c", "weight": 3, "fill": false}' in html
    at.sidebar.selectbox(key=Key.MAP_ZOOM_TO).set_value("districts").run()
    html = _map_html(at)
    box = shapely.geometry.shape(json.loads(re.search(r"L\.geoJSON\((\{.*?\}),\{style:", html).group(1)))
    assert box.bounds == pytest.approx(tuple(catalog.get("districts").read().to_crs(4326).total_bounds))
    assert '{style:{"opacity": 0, "fill": false}' in html  # a whole layer: zoomed to, not outlined
    at.sidebar.selectbox(key=Key.MAP_ZOOM_TO).set_value("").run()
    assert "fitBounds(g.getBounds()" not in _map_html(at)
