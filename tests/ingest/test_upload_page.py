"""The upload page in AppTest: detection, preview, confirmation, import, rollback; file names as text."""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from tbgeo.store.gpkg import GpkgStore

from .helpers import dist_m, first_vertex_wgs84, geojson, three

HOSTILE = "[click here to sign in again](http://evil) ![x](http://evil/t.png) <img src=x onerror=alert(1)>"
ESCAPED = r"[click here to sign in again\](http\://evil) !\[x\](http\://evil/t.png) &lt;img src=x onerror=alert(1)&gt;"
SCRIPT = "from tbgeo.ui.pages import upload\nimport streamlit as st\nupload.render(st.session_state.get('lang', 'vi'))\n"


def _app(tmp_path: Path, file: Path | None, lang: str = "vi") -> AppTest:
    script = tmp_path / "page.py"
    script.write_text(SCRIPT, "utf-8")
    at = AppTest.from_file(str(script), default_timeout=60)
    at.session_state["lang"] = lang
    at.session_state["ingest_layer"] = "industrial_parks"
    if file is not None:
        at.session_state["ingest_file"] = {
            "name": file.name,
            "path": str(file),
            "sha": hashlib.sha256(file.read_bytes()).hexdigest(),
        }
    return at.run()


def _texts(at: AppTest) -> str:
    parts = [m.value for m in at.markdown] + [e.value for e in at.error] + [w.value for w in at.warning]
    parts += [i.value for i in at.info] + [s.value for s in at.success] + [c.value for c in at.caption]
    return "\n".join(map(str, parts))


def _button(at: AppTest, label: str):  # type: ignore[no-untyped-def]
    return next(b for b in at.button if b.label == label)


@pytest.fixture
def tcvn3_zip(mk, tmp_path):  # type: ignore[no-untyped-def]
    rows = [[b"KCN Th\xb8i B\xd7nh", b"operating"], ["§Êt chuyªn trång lóa n\xadíc".encode("latin1"), b"planned"]]
    return mk.make_shapefile(
        tmp_path / "src", "kcn", mk.parks(2), fields=[(b"TEN", "C", 40), (b"TRANGTHAI", "C", 12)], rows=rows, prj=mk.esri_9209(), cpg="UTF-8"
    )


def test_detect_preview_and_import(tcvn3_zip, tmp_path, env) -> None:  # type: ignore[no-untyped-def]
    at = _app(tmp_path, tcvn3_zip)
    assert not at.exception
    assert at.title[0].value == "Tải lên dữ liệu GIS"
    text = _texts(at)
    assert "VN-2000 / TM-3 105-30 (EPSG:9209), theo tệp .prj." in text
    assert "tcvn3" in text
    preview = at.dataframe[0].value
    assert preview["Như lưu trong tệp"].tolist() == ["KCN Th¸i B×nh", "§Êt chuyªn trång lóa n\xadíc"]
    assert preview["Sau chuyển đổi"].tolist() == ["KCN Thái Bình", "Đất chuyên trồng lúa nước"]
    assert {s.label: s.value for s in at.selectbox}["name"] == "TEN"
    assert {s.label: s.value for s in at.selectbox}["status"] == "TRANGTHAI"
    button = _button(at, "Nhập thành phiên bản mới")
    assert not button.disabled
    at = button.click().run()
    assert not at.exception
    assert "Đã nhập thành phiên bản 1 của “industrial_parks (vi)”." in [s.value for s in at.success]
    stored = GpkgStore.open(env).read_version("industrial_parks", 1)
    assert stored["name"].tolist() == ["KCN Thái Bình", "Đất chuyên trồng lúa nước"]
    versions = at.dataframe[-1].value
    assert versions["Phiên bản"].tolist() == [1] and versions["Số đối tượng"].tolist() == [2]


def test_guessed_crs_must_be_confirmed(mk, tmp_path, env) -> None:  # type: ignore[no-untyped-def]
    z = mk.make_shapefile(tmp_path / "src", "kcn", mk.parks(2))
    at = _app(tmp_path, z, lang="en")
    assert not at.exception
    assert at.title[0].value == "Upload GIS data"
    assert "a guess from the coordinates" in _texts(at)
    radio = at.radio[0]
    assert radio.value == "9209" and radio.options[0] == "EPSG:9209 (VN-2000 / TM-3 105-30)"
    assert any(o.startswith("EPSG:3405 (VN-2000 / UTM zone 48N)") for o in radio.options)
    button = _button(at, "Import as a new version")
    assert button.disabled
    assert "Choose and confirm the coordinate system before importing." in _texts(at)
    at.checkbox[0].check().run()
    button = _button(at, "Import as a new version")
    assert not button.disabled
    at = button.click().run()
    assert not at.exception
    v = GpkgStore.open(env).version("industrial_parks", 1)
    assert v is not None and v.details["crs"]["source"] == "user" and v.details["crs"]["epsg"] == 9209


def test_refusal_is_shown_not_raised(tmp_path, env) -> None:  # type: ignore[no-untyped-def]
    bad = tmp_path / "tool.exe"
    bad.write_bytes(b"MZ" + bytes(50))
    at = _app(tmp_path, bad, lang="en")
    assert not at.exception
    assert any("Refused:" in e.value and "tool.exe" in e.value for e in at.error)
    assert not env.exists()


def _rollback_choice(at):  # type: ignore[no-untyped-def]
    """The rollback selectbox (its key names the layer's state, so a new state gets a new widget)."""
    (choice,) = [s for s in at.selectbox if str(s.key).startswith("ingest_rollback_")]
    return choice


def test_versions_rollback(mk, tmp_path, env) -> None:  # type: ignore[no-untyped-def]
    from tbgeo.ingest.pipeline import commit_import, plan_import

    for n in (3, 2):
        z = mk.make_shapefile(tmp_path / f"v{n}", "kcn", mk.parks(n), prj=mk.esri_9209())
        commit_import(plan_import(z, layer_id="industrial_parks"), confirm_removal=True)
    at = _app(tmp_path, None)
    assert not at.exception
    table = at.dataframe[0].value
    assert table["Phiên bản"].tolist() == [1, 2] and table["Đang dùng"].tolist() == ["", "✓"]
    _rollback_choice(at).select(1).run()
    at = _button(at, "Kích hoạt").click().run()
    assert "Phiên bản 1 của “industrial_parks (vi)” đang được dùng." in [s.value for s in at.success]
    assert GpkgStore.open(env).active_version("industrial_parks").version == 1
    at = _button(at, "Chuẩn bị tệp xuất").click().run()
    assert not at.exception
    assert [b.label for b in at.get("download_button")] == ["Tải về industrial_parks.gpkg"]


def test_per_column_encoding_override(tcvn3_zip, tmp_path, env) -> None:  # type: ignore[no-untyped-def]
    at = _app(tmp_path, tcvn3_zip)
    per_column = next(s for s in at.selectbox if s.key == "ingest_encoding_TEN")
    assert per_column.value == "auto" and per_column.format_func("auto") == "Tự nhận: tcvn3"
    at = per_column.select("latin1").run()
    assert not at.exception
    preview = at.dataframe[0].value
    # the user's choice for this column wins: the bytes are shown as Latin-1, not converted from TCVN3
    assert preview["Sau chuyển đổi"].tolist() == ["KCN Th¸i B×nh", "§Êt chuyªn trång lóa n\xadíc"]
    assert "latin1" in preview["Bảng mã"].tolist()[0]


def test_preview_map_is_offline_and_metric(tcvn3_zip) -> None:  # type: ignore[no-untyped-def]
    from tbgeo.ingest.pipeline import plan_import
    from tbgeo.mapping.maps import preview_map

    html = preview_map(plan_import(tcvn3_zip, layer_id="industrial_parks").frame).get_root().render()
    assert '<script src="/app/static/vendor/leaflet/leaflet.js"></script>' in html
    assert "cdn.jsdelivr.net" not in html and "unpkg.com" not in html
    assert "L.control.scale({metric: true, imperial: false})" in html and "L.control.scale()" not in html


def test_page_mixed_types_need_the_checkbox(tmp_path, env) -> None:  # type: ignore[no-untyped-def]
    feats = [
        {"type": "Feature", "properties": {"name": "A"}, "geometry": {"type": "Polygon", "coordinates": [[[106.34, 20.45], [106.35, 20.45], [106.35, 20.46], [106.34, 20.45]]]}},
        {"type": "Feature", "properties": {"name": "B"}, "geometry": {"type": "Point", "coordinates": [106.3, 20.4]}},
    ]  # fmt: skip
    path = tmp_path / "mixed.geojson"
    path.write_text(json.dumps({"type": "FeatureCollection", "features": feats}), "utf-8")
    at = _app(tmp_path, path)
    assert not at.exception
    assert any("Tệp có 2 đối tượng thuộc nhiều kiểu hình học (Polygon ×1, Point ×1)" in e.value for e in at.error)
    assert _button(at, "Nhập thành phiên bản mới").disabled
    box_ = next(c for c in at.checkbox if c.key == "ingest_skip_other_types")
    assert box_.label == "Chỉ nhập các đối tượng đúng kiểu (bỏ qua 1 đối tượng Point)"
    at = box_.check().run()
    assert not at.exception and not at.error
    at = _button(at, "Nhập thành phiên bản mới").click().run()
    assert not at.exception
    v = GpkgStore.open(env).version("industrial_parks", 1)
    assert v.features == 1 and v.details["dropped_other_type"] == {"Point": 1}


def test_page_offers_the_axis_swap(tmp_path, env) -> None:  # type: ignore[no-untyped-def]
    path = geojson(tmp_path / "latlon.geojson", [[(20.45, 106.34), (20.45, 106.35), (20.46, 106.35), (20.45, 106.34)]])
    at = _app(tmp_path, path, lang="en")
    assert not at.exception
    assert any("latitude and longitude in the wrong order" in e.value for e in at.error)
    at = next(c for c in at.checkbox if c.key == "ingest_swap_axes").check().run()
    assert not at.exception and not at.error
    assert any("X and Y of every coordinate were exchanged" in w.value for w in at.warning)
    at = _button(at, "Import as a new version").click().run()
    assert not at.exception
    assert dist_m(first_vertex_wgs84(env), (106.34, 20.45)) < 1.0


def _shown(at: AppTest) -> list[str]:
    """Every Markdown-rendered text of the page (labels included)."""
    parts = [m.value for m in at.markdown] + [e.value for e in at.error] + [w.value for w in at.warning]
    parts += [i.value for i in at.info] + [s.value for s in at.success] + [c.value for c in at.caption]
    parts += [w.label for w in (*at.selectbox, *at.checkbox, *at.radio)]
    parts += [e.label for e in at.expander]
    return [str(p) for p in parts]


def _no_live_markup(texts: list[str]) -> None:
    for text in texts:
        assert "<img" not in text and "<a " not in text, text
        assert not re.search(r"(?<!\\)\]\(", text), text  # no link or image
        assert not re.search(r"(?<![\\\w])https?://", text), text  # no bare address GFM would link


@pytest.mark.parametrize("lang,prefix", [("vi", "Hệ tọa độ: "), ("en", "Coordinate system: ")])
def test_a_crafted_prj_name_is_shown_escaped(mk, tmp_path, env, lang: str, prefix: str) -> None:  # type: ignore[no-untyped-def]
    from pyproj import CRS

    # VN-2000's TM-3 numbers on the WGS 84 datum (a mislabelled .prj): the page shows the .prj's own name
    wgs_tm3 = CRS.from_proj4("+proj=tmerc +lat_0=0 +lon_0=105.5 +k=0.9999 +x_0=500000 +y_0=0 +datum=WGS84 +units=m")
    prj = re.sub(r'PROJCS\["[^"]*"', f'PROJCS["{HOSTILE}"', wgs_tm3.to_wkt("WKT1_ESRI"), count=1)
    z = mk.make_shapefile(tmp_path / "src", "kcn", mk.parks(2), prj=prj)
    at = _app(tmp_path, z, lang)
    assert not at.exception
    texts = _shown(at)
    detected = [s for s in texts if s.startswith(prefix)]
    assert detected and ESCAPED in detected[0], texts
    _no_live_markup(texts)


@pytest.mark.parametrize("lang,word", [("vi", "Bị từ chối"), ("en", "Refused")])
def test_a_crafted_member_name_in_a_refusal_is_shown_escaped(tmp_path, env, lang: str, word: str) -> None:  # type: ignore[no-untyped-def]
    import zipfile

    z = tmp_path / "upload.zip"
    with zipfile.ZipFile(z, "w") as zf:  # a "shapefile" that is not one: the refusal names the member
        zf.writestr(f"{HOSTILE.replace('/', '_')}.shp", b"not a shapefile")
        zf.writestr(f"{HOSTILE.replace('/', '_')}.dbf", b"x")
        zf.writestr(f"{HOSTILE.replace('/', '_')}.shx", b"x")
    at = _app(tmp_path, z, lang)
    assert not at.exception
    errors = [e.value for e in at.error]
    assert errors and errors[0].startswith(word)
    assert "&lt;img src=x onerror=alert(1)&gt;" in errors[0] and r"[x\](http\:" in errors[0]
    assert "tbgeo-ingest-" not in errors[0] and "/tmp" not in errors[0]  # GDAL's message without server folders
    _no_live_markup(_shown(at))


# --------------------------------------------------------------------------------------------
# Issue 13 §1: modes, the difference, the confirmation, the result, the rollback
# --------------------------------------------------------------------------------------------


def _by_key(widgets, key: str):  # type: ignore[no-untyped-def]
    return next(w for w in widgets if w.key == key)


def test_a_replace_that_removes_parks_waits_for_its_confirmation_then_shows_the_result(parks12, tmp_path, env) -> None:  # type: ignore[no-untyped-def]
    at = _app(tmp_path, three(tmp_path, parks12))
    assert not at.exception
    assert _by_key(at.radio, "ingest_mode").value == "replace"  # the default, said in words
    assert "Thay lớp “Khu công nghiệp (KCN)”: 12 → 3 đối tượng (thêm 1, bỏ 10, sửa 1, giữ nguyên 1)." in [i.value for i in at.info]
    assert "Các đối tượng được ghép theo cột “name”." in [m.value for m in at.markdown]
    assert _button(at, "Nhập thành phiên bản mới").disabled
    box = _by_key(at.checkbox, "ingest_confirm_removal")
    assert box.label == "Tôi xác nhận: sẽ bỏ 10 trong 12 đối tượng của lớp (12 → 3 đối tượng)"
    assert "Việc thay lớp này bỏ bớt đối tượng của lớp: hãy đánh dấu ô xác nhận để nhập." in [i.value for i in at.info]
    at = box.check().run()
    at = _button(at, "Nhập thành phiên bản mới").click().run()
    assert not at.exception
    # the result stands in place of the form
    assert "Đã nhập thành phiên bản 1 của “Khu công nghiệp (KCN)”." in [s.value for s in at.success]
    texts = [m.value for m in at.markdown]
    assert "Lớp nay có 3 đối tượng." in texts
    assert "Thay lớp “Khu công nghiệp (KCN)”: 12 → 3 đối tượng (thêm 1, bỏ 10, sửa 1, giữ nguyên 1)." in texts
    labels = [b.label for b in at.button]
    assert "Nhập tệp khác" in labels and "Nhập thành phiên bản mới" not in labels
    assert not [s for s in at.selectbox if s.key in ("ingest_layer", "ingest_encoding")] and not at.radio
    assert "Mở trang Bản đồ để xem lớp." in [c.value for c in at.caption]  # no navigation in this harness: said
    versions = at.dataframe[-1].value
    assert versions["Phiên bản"].tolist() == [1] and versions["Thay đổi"].tolist() == ["12 → 3"]
    assert versions["Cách nhập"].tolist() == ["thay cả lớp"]
    at = _button(at, "Nhập tệp khác").click().run()
    assert not at.exception
    assert _by_key(at.selectbox, "ingest_layer").value == "industrial_parks"
    assert "Nhập tệp khác" not in [b.label for b in at.button] and not at.success


def test_append_and_update_on_the_page(parks12, tmp_path, env) -> None:  # type: ignore[no-untyped-def]
    at = _app(tmp_path, three(tmp_path, parks12), lang="en")
    at = _by_key(at.radio, "ingest_mode").set_value("append").run()
    assert not at.exception
    assert "Append to “Industrial parks (KCN)”: 12 → 15 features (3 added; the 12 already there are kept)." in [i.value for i in at.info]
    assert not [c for c in at.checkbox if c.key == "ingest_confirm_removal"]  # nothing is removed: nothing to confirm
    assert any(w.value.startswith("2 features of the file have a name already in the layer") for w in at.warning)
    at = _by_key(at.radio, "ingest_mode").set_value("update").run()
    assert _by_key(at.selectbox, "ingest_key").value == "name"  # the layer's name field
    assert "Update “Industrial parks (KCN)”: 12 → 13 features (1 changed, 11 unchanged, 1 added)." in [i.value for i in at.info]
    at = _button(at, "Import as a new version").click().run()
    assert not at.exception
    v = GpkgStore.open(env).version("industrial_parks", 1)
    assert v.features == 13 and v.details["mode"] == "update" and v.details["diff"]["unmatched"] == ["KCN Mới"]


def test_the_result_lists_what_was_repaired(tmp_path, env) -> None:  # type: ignore[no-untyped-def]
    bowtie = [(106.34, 20.45), (106.35, 20.46), (106.35, 20.45), (106.34, 20.46), (106.34, 20.45)]
    path = geojson(tmp_path / "no.geojson", [bowtie])
    at = _app(tmp_path, path, lang="en")
    at = _button(at, "Import as a new version").click().run()
    assert not at.exception
    assert "Import as a new version" not in [b.label for b in at.button]
    expander = next(e for e in at.expander if e.label.startswith("Repaired geometries"))
    assert expander.label == "Repaired geometries (1)"
    assert [m.value for m in expander.markdown] == ["Source FID 0: Self-intersection[106.345 20.455]"]
    assert "The layer now has 1 features." in [m.value for m in at.markdown]


def test_rollback_offers_the_previous_version_and_the_table_follows(parks12, mk, tmp_path, env) -> None:  # type: ignore[no-untyped-def]
    from tbgeo.ingest.pipeline import commit_import, plan_import

    for n in (3, 2, 1):
        z = mk.make_shapefile(tmp_path / f"v{n}", "kcn", mk.parks(n), prj=mk.esri_9209())
        commit_import(plan_import(z, layer_id="industrial_parks"), confirm_removal=True)
    at = _app(tmp_path, None)
    assert not at.exception
    assert at.dataframe[0].value["Đang dùng"].tolist() == ["", "", "✓"]
    choice = _rollback_choice(at)
    assert choice.value == 2 and choice.format_func(0) == "Dữ liệu gốc"  # v2, not the shipped data
    at = _button(at, "Kích hoạt").click().run()
    assert not at.exception
    assert "Phiên bản 2 của “Khu công nghiệp (KCN)” đang được dùng." in [s.value for s in at.success]
    assert at.dataframe[0].value["Đang dùng"].tolist() == ["", "✓", ""]  # the table shows it at once
    assert _rollback_choice(at).value == 1  # and the next choice is the one before v2


def test_rollback_default() -> None:
    from tbgeo.store import LayerVersion
    from tbgeo.ui.pages.upload.versions import SHIPPED, rollback_default

    def v(n: int, active: bool = False) -> LayerVersion:
        return LayerVersion("x", n, "", "", "", "", 1, {}, active)

    assert rollback_default([v(1), v(2), v(3, True)]) == 2
    assert rollback_default([v(1), v(2, True), v(3)]) == 1
    assert rollback_default([v(1, True), v(2)]) == SHIPPED
    assert rollback_default([v(1), v(2)]) == 2  # the shipped data in use: the latest is offered
    assert rollback_default([]) == SHIPPED


def test_the_result_links_to_the_map_page(tmp_path, env) -> None:  # type: ignore[no-untyped-def]
    script = tmp_path / "nav.py"
    script.write_text(
        "import streamlit as st\nfrom tbgeo.ui.pages import upload\nfrom tbgeo.ui.state import Key\n"
        "def up():\n    upload.render('en')\n"
        "def the_map():\n    st.write('map')\n"
        "pages = [st.Page(up, title='Upload', url_path='upload', default=True), st.Page(the_map, title='Map', url_path='map')]\n"
        "st.session_state[Key.NAV_PAGES] = {'map': pages[1]}\n"
        "st.navigation(pages).run()\n",
        "utf-8",
    )
    at = AppTest.from_file(str(script), default_timeout=60)
    at.session_state["ingest_result"] = {
        "layer": "industrial_parks", "version": 4, "features": 12, "features_in": 1, "features_out": 1, "repaired": 0,
        "dropped": 0, "outside_province": 0, "duplicates": 0, "geometry": {"repaired_features": []}, "warnings": [],
        "diff_text": ["Update “industrial_parks”: 12 → 12 features (1 changed, 11 unchanged, 0 added)."],
    }
    at = at.run()
    assert not at.exception
    link = at.get("page_link")[0].proto
    assert (link.label, link.page) == ("Open the map", "map")
    assert "Imported as version 4 of “industrial_parks (en)”." in [s.value for s in at.success]


@pytest.mark.parametrize("role", ["viewer", "planner", "approver", "gis"])
def test_the_page_shows_import_rollback_and_export_only_to_whom_may(role, mk, tmp_path, env) -> None:  # type: ignore[no-untyped-def]
    """Issue 12 §2: each person sees only what their roles allow (the domain refuses the rest anyway)."""
    from tbgeo.auth import Identity, single_user
    from tbgeo.auth.accounts import add_user, identity_of
    from tbgeo.ingest.pipeline import commit_import, plan_import

    z = mk.make_shapefile(tmp_path / "v", "kcn", mk.parks(3), prj=mk.esri_9209())
    commit_import(plan_import(z, layer_id="industrial_parks"), confirm_removal=True)
    ws = GpkgStore.open(env)
    add_user(ws, single_user(), "quantri", "mật khẩu dài", ["admin"])
    who: Identity = identity_of(ws.add_user(f"u.{role}", display_name=role, password_hash="x", roles=(role,)))
    script = tmp_path / "page.py"
    script.write_text(SCRIPT, "utf-8")
    at = AppTest.from_file(str(script), default_timeout=60)
    at.session_state["identity"] = who  # the signed-in person, as the app's sign-in leaves it
    at.session_state["ingest_layer"] = "industrial_parks"
    at.session_state["ingest_file"] = {"name": z.name, "path": str(z), "sha": hashlib.sha256(z.read_bytes()).hexdigest()}
    at.run()
    assert not at.exception, at.exception
    labels = [b.label for b in at.button]
    uploaders = at.get("file_uploader")
    assert at.dataframe[0].value["Phiên bản"].tolist() == [1]  # everyone sees the versions
    if role == "gis":
        assert len(uploaders) == 1 and {"Nhập thành phiên bản mới", "Kích hoạt", "Chuẩn bị tệp xuất"} <= set(labels), labels
        assert not at.info or not any("chỉ cho xem" in i.value for i in at.info)
        _button(at, "Nhập thành phiên bản mới").click().run()
        assert not at.exception, at.exception
        assert [(v.version, v.created_by) for v in ws.versions("industrial_parks")] == [(1, "tester"), (2, "u.gis")]
    else:
        assert uploaders == [] and labels == [] and at.get("download_button") == []
        assert not [s for s in at.selectbox if str(s.key).startswith("ingest_rollback")]
        texts = [i.value for i in at.info]
        assert any(x.startswith(f"Vai trò của bạn ({ {'viewer': 'người xem', 'planner': 'cán bộ quy hoạch', 'approver': 'người phê duyệt'}[role]}) chỉ cho xem") for x in texts), texts
