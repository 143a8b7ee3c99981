"""Issue 13 §1: an upload never wipes a layer by surprise — replace, append or update by a key column,
the difference counted before anything is written, a replace that removes features confirmed, and the
status words of a file mapped to the layer's style classes."""

from __future__ import annotations

import json
import unicodedata
from pathlib import Path

import geopandas as gpd
import pytest
from shapely import affinity

from tbgeo.catalog import load_catalog
from tbgeo.errors import ConflictError, InputError
from tbgeo.ingest.messages import render_messages
from tbgeo.ingest.pipeline import commit_import, compose, plan_import
from tbgeo.ingest.steps.classes import class_words, word_key
from tbgeo.store.gpkg import GpkgStore

from .helpers import NEW, run, three, write

ROOT = Path(__file__).resolve().parents[2]


# --------------------------------------------------------------------------------------------
# Replace
# --------------------------------------------------------------------------------------------


def test_replacing_12_parks_by_3_is_counted_and_refused_until_confirmed(parks12, tmp_path, env) -> None:  # type: ignore[no-untyped-def]
    plan = plan_import(three(tmp_path, parks12), layer_id="industrial_parks")
    diff = compose(plan).diff
    assert (diff.mode, diff.base, diff.base_version, diff.key, diff.matched_by) == ("replace", "shipped", None, "name", "key")
    assert (diff.before, diff.after, diff.added, diff.removed, diff.changed, diff.unchanged) == (12, 3, 1, 10, 1, 1)
    assert diff.changed_labels == (parks12.iloc[3]["name"],) and diff.added_labels == ("KCN Mới",)
    assert set(diff.removed_labels) == set(parks12["name"]) - {parks12.iloc[0]["name"], parks12.iloc[3]["name"]}
    assert diff.needs_confirmation
    assert render_messages(diff.notes(), "vi")[:2] == [
        "Thay lớp “Khu công nghiệp (KCN)”: 12 → 3 đối tượng (thêm 1, bỏ 10, sửa 1, giữ nguyên 1).",
        "So với dữ liệu gốc (chưa dùng phiên bản nhập nào).",
    ]
    assert render_messages(diff.notes(), "en")[0] == (
        "Replace “Industrial parks (KCN)”: 12 → 3 features (1 added, 10 removed, 1 changed, 1 unchanged)."
    )
    with pytest.raises(InputError) as refused:
        commit_import(plan)
    assert refused.value.key == "ingest.replace_unconfirmed"
    assert refused.value.message("en").startswith(
        "Replacing layer “Industrial parks (KCN)” with this file removes 10 of its 12 features (12 → 3 features): "
    )
    assert not env.exists()  # nothing written, not even an empty store
    result = commit_import(plan, confirm_removal=True)
    assert result.version.version == 1 and result.version.features == 3
    stored = GpkgStore.open(env).read_version("industrial_parks", 1)
    assert stored["name"].tolist() == [parks12.iloc[0]["name"], parks12.iloc[3]["name"], "KCN Mới"]
    details = result.version.details
    assert details["mode"] == "replace" and details["diff"]["before"] == 12 and details["diff"]["removed"] == 10


def test_a_replace_that_removes_nothing_needs_no_confirmation(parks12, tmp_path, env) -> None:  # type: ignore[no-untyped-def]
    same = write(tmp_path / "all.geojson", [
        ({k: (bool(v) if k == "in_economic_zone" else v) for k, v in row.drop("geometry").items()}, row.geometry)
        for _, row in parks12.iterrows()
    ])  # fmt: skip
    plan = plan_import(same, layer_id="industrial_parks")
    diff = compose(plan).diff
    assert (diff.before, diff.after, diff.added, diff.removed, diff.changed, diff.unchanged) == (12, 12, 0, 0, 0, 12)
    assert not diff.needs_confirmation
    assert commit_import(plan).version.features == 12


def test_without_a_key_features_are_matched_by_geometry(env, mk, tmp_path) -> None:  # type: ignore[no-untyped-def]
    first = mk.make_shapefile(tmp_path / "1", "kcn", mk.parks(3), prj=mk.esri_9209())
    commit_import(plan_import(first, layer_id="industrial_parks"))
    second = mk.make_shapefile(tmp_path / "2", "kcn", mk.parks(2), prj=mk.esri_9209())  # the first two squares
    diff = compose(plan_import(second, layer_id="industrial_parks")).diff
    assert (diff.matched_by, diff.base, diff.base_version) == ("geometry", "version", 1)
    assert (diff.before, diff.after, diff.removed, diff.unchanged, diff.added) == (3, 2, 1, 2, 0)
    assert diff.removed_labels == ("#3",)


def test_the_difference_shown_must_still_hold_when_importing(parks12, tmp_path, env) -> None:  # type: ignore[no-untyped-def]
    plan = plan_import(three(tmp_path, parks12), layer_id="industrial_parks", mode="append")
    shown = compose(plan).diff
    assert (shown.before, shown.after) == (12, 15)
    other = write(tmp_path / "mot.geojson", [({"name": "KCN Khác", "status": "planned"}, NEW)])
    commit_import(plan_import(other, layer_id="industrial_parks", mode="append"))  # someone else, meanwhile
    with pytest.raises(ConflictError) as stale:
        commit_import(plan, expected=shown)
    assert stale.value.message("en") == (
        "Layer “Industrial parks (KCN)” changed while the difference was on screen (it showed 12 → 15 features; it is now"
        " 13 → 16). Nothing was written; look at the difference again and confirm."
    )
    assert [v.version for v in GpkgStore.open(env).versions("industrial_parks")] == [1]


def _import_lands_after_compose(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> list[int]:
    """The race: right after the import's layer is composed (before it is written), Mai's import lands."""
    from tbgeo.auth import single_user
    from tbgeo.ingest import pipeline

    real, calls = pipeline.compose, []

    def compose_then_mai(*args, **kwargs):  # type: ignore[no-untyped-def]
        out = real(*args, **kwargs)
        calls.append(1)
        if len(calls) == 1:
            mai = write(tmp_path / "mai.geojson", [({"name": "KCN của Mai", "status": "planned"}, NEW)])
            monkeypatch.setattr(pipeline, "compose", real)
            commit_import(plan_import(mai, layer_id="industrial_parks", mode="append"), actor=single_user("Mai"))
            monkeypatch.setattr(pipeline, "compose", compose_then_mai)
        return out

    monkeypatch.setattr(pipeline, "compose", compose_then_mai)
    return calls


def test_an_import_landing_between_the_difference_and_the_write_is_not_written_over(  # type: ignore[no-untyped-def]
        parks12, tmp_path, env, monkeypatch) -> None:
    plan = plan_import(three(tmp_path, parks12), layer_id="industrial_parks", mode="append")
    shown = compose(plan).diff
    _import_lands_after_compose(monkeypatch, tmp_path)
    with pytest.raises(ConflictError) as late:  # the difference still held when checked; the store refuses
        commit_import(plan, expected=shown)
    assert late.value.key == "store.layer_moved"
    assert late.value.message("vi").startswith("Lớp «Khu công nghiệp (KCN)» đã được Mai thay đổi lúc ")  # its title
    ws = GpkgStore.open(env)
    assert [(v.version, v.created_by, v.features) for v in ws.versions("industrial_parks")] == [(1, "Mai", 13)]


def test_a_commands_append_racing_another_import_is_composed_again_and_loses_nothing(  # type: ignore[no-untyped-def]
        parks12, tmp_path, env, monkeypatch) -> None:
    plan = plan_import(three(tmp_path, parks12), layer_id="industrial_parks", mode="append")
    calls = _import_lands_after_compose(monkeypatch, tmp_path)
    result = commit_import(plan)  # no difference on screen (the command line): composed on Mai's version
    assert len(calls) == 2 and result.version.version == 2 and result.version.details["diff"]["before"] == 13
    names = GpkgStore.open(env).read_version("industrial_parks", 2)["name"].tolist()
    assert len(names) == 16 and "KCN của Mai" in names  # 12 shipped + Mai's + the file's 3


# --------------------------------------------------------------------------------------------
# Append
# --------------------------------------------------------------------------------------------


def test_append_adds_the_file_to_the_layer_as_it_is(parks12, tmp_path, env) -> None:  # type: ignore[no-untyped-def]
    plan = plan_import(three(tmp_path, parks12), layer_id="industrial_parks", mode="append")
    composed = compose(plan)
    diff = composed.diff
    assert (diff.before, diff.after, diff.added, diff.removed, diff.changed, diff.unchanged) == (12, 15, 3, 0, 0, 12)
    assert not diff.needs_confirmation and diff.matched_by == "none"
    # two of the file's parks are already in the layer: said, and kept twice as asked
    said = render_messages(composed.warnings, "en")
    assert f"2 features of the file have a name already in the layer ({parks12.iloc[0]['name']}, {parks12.iloc[3]['name']})" in " ".join(said)
    result = commit_import(plan)
    stored = GpkgStore.open(env).read_version("industrial_parks", 1)
    assert len(stored) == 15 and stored["name"].tolist()[:12] == parks12["name"].tolist()
    assert stored["name"].tolist()[12:] == [parks12.iloc[0]["name"], parks12.iloc[3]["name"], "KCN Mới"]
    assert stored["district"].tolist()[:12] == parks12["district"].tolist()  # the layer's attributes kept
    assert stored["status"].tolist()[14] == "planned"  # "Quy hoạch" is the class "planned"
    assert stored.geometry.iloc[:12].area.sum() == pytest.approx(parks12.to_crs(9209).area.sum(), rel=1e-9)
    assert result.version.details["diff"]["after"] == 15
    again = compose(plan_import(write(tmp_path / "x.geojson", [({"name": "KCN X"}, NEW)]), layer_id="industrial_parks",
                                mode="append")).diff
    assert (again.base, again.base_version, again.before, again.after) == ("version", 1, 15, 16)


# --------------------------------------------------------------------------------------------
# Update by key
# --------------------------------------------------------------------------------------------


def test_update_changes_the_matched_parks_and_adds_the_others(parks12, tmp_path, env) -> None:  # type: ignore[no-untyped-def]
    tien_hai = parks12[parks12["name"] == "KCN Tiền Hải"].iloc[0]
    path = write(tmp_path / "capnhat.geojson", [
        ({"TEN": "  kcn tiền  hải ", "TRANGTHAI": "Đang xây dựng"}, affinity.translate(tien_hai.geometry, xoff=0.002)),
        ({"TEN": parks12.iloc[0]["name"], "TRANGTHAI": parks12.iloc[0]["status"]}, parks12.iloc[0].geometry),
        ({"TEN": "KCN Mới", "TRANGTHAI": "Quy hoạch"}, NEW),
    ])  # fmt: skip
    plan = plan_import(path, layer_id="industrial_parks", mode="update", key="TEN")  # the file's column: read as "name"
    assert plan.mapping["name"] == "TEN" and plan.mapping["status"] == "TRANGTHAI"
    diff = compose(plan).diff
    assert (diff.key, diff.matched_by, diff.before, diff.after) == ("name", "key", 12, 13)
    assert (diff.changed, diff.unchanged, diff.added, diff.removed) == (1, 11, 1, 0)
    assert diff.unmatched == ("KCN Mới",) and diff.changed_labels == ("KCN Tiền Hải",)  # as the layer writes it
    assert render_messages(diff.notes(), "en")[-1] == (
        "1 values of “name” in the file match no feature of the layer; those features are added as new ones: KCN Mới."
    )
    commit_import(plan)
    stored = GpkgStore.open(env).read_version("industrial_parks", 1)
    assert len(stored) == 13
    row = stored.iloc[int(parks12.index[parks12["name"] == "KCN Tiền Hải"][0])]
    assert row["name"] == "KCN Tiền Hải" and row["status"] == "building"
    assert row["district"] == tien_hai["district"] and row["note"] == tien_hai["note"]  # what the file lacks is kept
    moved = gpd.GeoSeries([tien_hai.geometry], crs=4326).to_crs(9209).iloc[0].centroid
    assert row.geometry.centroid.x - moved.x == pytest.approx(208.8, abs=1.0)  # 0.002° east at 20.5°N
    others = stored.drop(index=row.name).iloc[:11]
    assert others["name"].tolist() == [n for n in parks12["name"] if n != "KCN Tiền Hải"]
    assert others["status"].tolist() == parks12[parks12["name"] != "KCN Tiền Hải"]["status"].tolist()
    assert stored.iloc[12]["name"] == "KCN Mới" and stored.iloc[12]["status"] == "planned"


def test_update_defaults_to_the_layers_name_field(parks12, tmp_path, env) -> None:  # type: ignore[no-untyped-def]
    path = write(tmp_path / "u.geojson", [({"name": parks12.iloc[2]["name"], "status": "Quy hoạch"}, parks12.iloc[2].geometry)])
    diff = compose(plan_import(path, layer_id="industrial_parks", mode="update")).diff
    assert (diff.key, diff.before, diff.after, diff.changed, diff.unchanged) == ("name", 12, 12, 1, 11)


@pytest.mark.parametrize(
    ("feats", "key", "code", "english"),
    [
        ([({"name": "A"}, NEW)], "ma_kcn", "ingest.key_not_in_file",
         "The key column “ma_kcn” is not a column of the file (after the column mapping). Columns: name."),
        ([({"name": "A", "ma": "1"}, NEW)], "ma", "ingest.key_not_in_layer",
         "The key column “ma” is not a column of the layer's current data, so no feature can be matched by it."),
        ([({"name": "KCN A"}, NEW), ({"name": "kcn  a"}, NEW), ({"name": "B"}, NEW)], None, "ingest.key_repeated_file",
         "The key column “name” repeats 1 values in the file (KCN A ×2): each feature must have its own key"),
        ([({"name": "KCN A"}, NEW), ({"status": "planned"}, NEW)], None, "ingest.key_empty",
         "1 of the file's 2 features have no value in the key column “name”"),
    ],
    ids=["key-not-in-file", "key-not-in-layer", "key-repeated", "key-empty"],
)
def test_update_refuses_keys_it_cannot_rely_on(parks12, tmp_path, env, feats, key, code, english) -> None:  # type: ignore[no-untyped-def]
    plan = plan_import(write(tmp_path / "bad.geojson", feats), layer_id="industrial_parks", mode="update", key=key)
    with pytest.raises(InputError) as refused:
        commit_import(plan)
    assert refused.value.key == code and english in refused.value.message("en")
    assert refused.value.message("vi") != refused.value.message("en")
    assert not env.exists()


def test_update_refuses_a_key_the_layer_repeats(parks12, tmp_path, env) -> None:  # type: ignore[no-untyped-def]
    twice = write(tmp_path / "twice.geojson", [({"name": "KCN A"}, NEW), ({"name": "KCN A"}, affinity.translate(NEW, 0.01))])
    commit_import(plan_import(twice, layer_id="industrial_parks"), confirm_removal=True)
    plan = plan_import(write(tmp_path / "u.geojson", [({"name": "KCN A", "status": "operating"}, NEW)]),
                       layer_id="industrial_parks", mode="update")
    with pytest.raises(InputError) as refused:
        compose(plan)
    assert refused.value.message("vi").startswith(
        "Dữ liệu hiện tại của lớp lặp lại 1 giá trị của cột khóa “name” mà tệp có (KCN A ×2)"
    )


def test_a_mode_that_is_none_is_refused(parks12, tmp_path) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(InputError) as refused:
        plan_import(tmp_path / "none.geojson", layer_id="industrial_parks", mode="merge")
    assert refused.value.message("en") == "“merge” is not an import mode; choose one of: replace, append, update."


# --------------------------------------------------------------------------------------------
# Status words → style classes
# --------------------------------------------------------------------------------------------


def test_word_key_ignores_case_diacritics_and_spacing() -> None:
    assert word_key("  Đang   HOẠT-động ") == "dang hoat dong" == word_key(unicodedata.normalize("NFD", "đang hoạt động"))
    assert word_key("under_construction") == "under construction"


def test_vietnamese_status_words_become_the_layers_classes(parks12, tmp_path, env) -> None:  # type: ignore[no-untyped-def]
    words = ["Đang hoạt động", "QUY HOẠCH", "dang xay  dung", unicodedata.normalize("NFD", "Đã đi vào hoạt động"),
             "Tạm dừng", "Under construction", None]
    path = write(tmp_path / "tt.geojson", [({"name": f"KCN {i}", "TinhTrang": w}, affinity.translate(NEW, 0.01 * i))
                                           for i, w in enumerate(words)])
    plan = plan_import(path, layer_id="industrial_parks", mode="append")
    codes = [k for k, _ in plan.warnings]
    assert "ingest.w_class_matched" in codes and "ingest.w_class_unknown" in codes  # said by the plan already
    unknown = render_messages([n for n in plan.warnings if n[0] == "ingest.w_class_unknown"], "vi")[0]
    assert unknown.startswith("Trường “status”: 1 đối tượng có giá trị không khớp lớp hiển thị nào (“Tạm dừng” ×1)")
    assert unknown.endswith("Các lớp hiển thị: Đang hoạt động, Đang xây dựng, Quy hoạch.")
    result = commit_import(plan)
    stored = GpkgStore.open(env).read_version("industrial_parks", 1)
    assert stored["status"].tolist()[12:18] == ["operating", "planned", "building", "operating", "Tạm dừng", "building"]
    assert stored["status"].isna().tolist()[18]  # no value stays no value
    assert result.version.details["classes"]["unknown"] == {"Tạm dừng": 1}
    layer = load_catalog(check_data=False).get("industrial_parks")
    fills = [layer.style_for(v)["fill_color"] for v in stored["status"].tolist()[12:16]]
    assert fills == ["#d94801", "#fdd0a2", "#fd8d3c", "#d94801"]  # the legend's colours
    assert layer.style_for("Tạm dừng")["fill_color"] == layer.style["fill_color"]  # base style, as the warning says
    matched = result.to_dict("en")["warnings"]
    assert any(w.startswith("Field “status”: 5 values written in words were matched to the layer's classes: ") for w in matched)


def test_every_class_word_names_one_class() -> None:
    for layer_id in ("industrial_parks", "industrial_clusters"):
        layer = load_catalog(ROOT / "layers", check_data=False).get(layer_id)
        words = class_words(layer)
        assert words["dang hoat dong"] == "operating" and words["quy hoach"] == "planned"
        assert words["dang trien khai"] == "building" and words["chua trien khai"] == "planned"
        named: dict[str, set[str]] = {}
        for c in layer.style["classes"]:
            for word in (c["value"], c["label_vi"], c["label_en"], *c.get("aliases", ())):
                named.setdefault(word_key(word), set()).add(c["value"])
        assert {w: v for w, v in named.items() if len(v) > 1} == {}, layer_id  # no word names two classes
        assert len(named) == len(words) >= 30


# --------------------------------------------------------------------------------------------
# The command line
# --------------------------------------------------------------------------------------------


def test_tbgeo_import_modes_diff_and_yes(parks12, tmp_path, env, capsys) -> None:  # type: ignore[no-untyped-def]
    path = str(three(tmp_path, parks12))
    rc, _, err, out = run(capsys, "import", path, "--layer", "industrial_parks")
    assert rc == 2 and not env.exists()  # nothing written
    assert "  Thay lớp “Khu công nghiệp (KCN)”: 12 → 3 đối tượng (thêm 1, bỏ 10, sửa 1, giữ nguyên 1)." in out.splitlines()
    assert "Việc thay lớp sẽ bỏ bớt đối tượng: thêm --yes để xác nhận." in out
    assert err.startswith("Lỗi: Thay lớp “Khu công nghiệp (KCN)” bằng tệp này sẽ bỏ 10 trong 12 đối tượng của lớp (12 → 3 đối tượng): ")
    rc, data, err, _ = run(capsys, "import", path, "--layer", "industrial_parks", "--dry-run", "--format", "json")
    assert rc == 0 and data["mode"] == "replace" and data["version"] is None
    assert {k: data["diff"][k] for k in ("before", "after", "added", "removed", "changed", "unchanged", "key")} == {
        "before": 12, "after": 3, "added": 1, "removed": 10, "changed": 1, "unchanged": 1, "key": "name"}
    assert data["diff"]["needs_confirmation"] is True and not env.exists()
    rc, data, err, _ = run(capsys, "import", path, "--layer", "industrial_parks", "--yes", "--format", "json")
    assert rc == 0, err
    assert (data["version"], data["features"], data["diff"]["removed"]) == (1, 3, 10)
    rc, _, err, out = run(capsys, "--lang", "en", "import", path, "--layer", "industrial_parks", "--mode", "append")
    assert rc == 0, err
    assert "Mode: append." in out
    assert "  Append to “Industrial parks (KCN)”: 3 → 6 features (3 added; the 3 already there are kept)." in out.splitlines()
    assert "  Compared with version 1, the one in use." in out.splitlines()
    rc, _, err, _ = run(capsys, "--lang", "en", "import", path, "--layer", "industrial_parks", "--mode", "update", "--key", "ma")
    assert rc == 2 and err.startswith("Error: The key column “ma” is not a column of the file (after the column mapping).")
    rc, _, err, _ = run(capsys, "import", path, "--layer", "industrial_parks", "--mode", "update")
    # the append above put each of the three parks in the layer twice: by name, which one to update is unclear
    assert rc == 2 and "lặp lại 3 giá trị của cột khóa “name” mà tệp có (KCN Nguyễn Đức Cảnh ×2, KCN Tiền Hải ×2, KCN Mới ×2)" in err
    rc, _, err, out = run(capsys, "versions", "industrial_parks", "--format", "json")
    rows = json.loads(out)
    assert [(r["version"], r["mode"], r["diff"]["before"], r["diff"]["after"]) for r in rows] == [
        (1, "replace", 12, 3), (2, "append", 3, 6)]


def test_refusals_name_the_layer_by_its_title(env, tmp_path, capsys) -> None:  # type: ignore[no-untyped-def]
    """A refusal says the layer's title in the reader's language, not the id programs use."""
    rc, _, err, _ = run(capsys, "export", "energy_sites", "--out", str(tmp_path / "x.gpkg"))
    assert rc == 2 and "“energy_sites (vi)”" in err and "“energy_sites”" not in err
    rc, _, err, _ = run(capsys, "--lang", "en", "export", "energy_sites", "--out", str(tmp_path / "x.gpkg"))
    assert rc == 2 and "“energy_sites (en)”" in err
