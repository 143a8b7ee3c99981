"""The hostile-file corpus through ``tbgeo import`` (dry run and real), in both languages: exit 2 with
the refusal in the user's language and no traceback, the store byte for byte unchanged, and the dry
run predicting every refusal; files imported with a warning say so."""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path

import pyogrio
import pytest

from tbgeo.cli import main
from tbgeo.errors import InputError
from tbgeo.i18n import t
from tbgeo.ingest.pipeline import plan_import
from tests.hostile.corpus import CASES, Case

REFUSED = [c for c in CASES if c.refuse]
WARNED = [c for c in CASES if c.warn]
_VI_LETTERS = re.compile("[ăâđêôơưàảãáạằẳẵắặầẩẫấậèẻẽéẹềểễếệìỉĩíịòỏõóọồổỗốộờởỡớợùủũúụừửữứựỳỷỹýỵ]", re.I)


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    rc = main(list(argv))
    out, err = capsys.readouterr()
    return rc, out, err


def refusal(case: Case, path: Path) -> InputError:
    with pytest.raises(InputError) as err:
        plan = plan_import(path, layer_id=case.layer)
        key, params = plan.blocking()[0]  # a refusal found by the plan is raised by the import
        raise InputError(key, **params)
    return err.value


@pytest.mark.parametrize("lang", ["vi", "en"])
@pytest.mark.parametrize("case", REFUSED, ids=[c.id for c in REFUSED])
def test_refused_with_message_store_unchanged(case: Case, lang: str, store: Path, tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    path = case.build(tmp_path / "in")
    before = sha(store)
    err = refusal(case, path)
    assert err.key == case.refuse
    expected = err.message(lang)
    prefix = t("cli.bad_input", lang, message="")
    results = {}
    for mode in ("dry", "real"):
        argv = ["import", str(path), "--layer", case.layer, "--lang", lang, *case.args]
        rc, out, stderr = run(capsys, *argv, *(["--dry-run"] if mode == "dry" else []))
        assert rc == 2, (mode, stderr)
        assert "Traceback" not in stderr and "Traceback" not in out
        assert f"{prefix}{expected}" in stderr
        results[mode] = stderr
        assert sha(store) == before  # byte for byte
    assert results["dry"] == results["real"]  # the dry run predicts the refusal exactly
    if lang == "vi":
        assert _VI_LETTERS.search(expected)
    else:
        assert not _VI_LETTERS.search(expected.replace(str(path.name), ""))
    assert not (store.parent / f".{store.name}.staging").exists()


@pytest.mark.parametrize("case", REFUSED, ids=[c.id for c in REFUSED])
def test_dry_run_json_names_the_refusal(case: Case, store: Path, tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    """Refusals found while reading are raised (exit 2, message), those found by the plan are listed in
    ``blocking_codes``: either way the dry run and the import give the same code."""
    path = case.build(tmp_path / "in")
    rc, out, err = run(capsys, "import", str(path), "--layer", case.layer, "--dry-run", "--format", "json", "--lang", "en")
    assert rc == 2
    codes = json.loads(out)["blocking_codes"] if out.strip() else [refusal(case, path).key]
    assert codes == [case.refuse]


EXPECTED_COLUMNS = {
    "col_src_fid": {"_src_fid_1": 7, "name": "A"},
    "col_geom": {"geom_1": "x", "name": "A"},
    "col_name_case": {"name": "A", "NAME_1": "B"},
    "col_fid_case": {"FID_1": 3, "fid_2": 9, "name": "A"},
}


@pytest.mark.parametrize("lang", ["vi", "en"])
@pytest.mark.parametrize("case", WARNED, ids=[c.id for c in WARNED])
def test_clashing_columns_renamed_with_a_warning(case: Case, lang: str, store: Path, tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    path = case.build(tmp_path / "in")
    rc, out, err = run(capsys, "import", str(path), "--layer", case.layer, "--dry-run", "--format", "json", "--lang", lang)
    assert rc == 0, err
    dry = json.loads(out)
    assert case.warn in dry["warning_codes"]
    rc, out, err = run(capsys, "import", str(path), "--layer", case.layer, "--format", "json", "--lang", lang, "--yes")
    assert rc == 0 and "Traceback" not in err
    data = json.loads(out)
    assert data["version"] == 2 and data["warning_codes"] == dry["warning_codes"]
    stored = pyogrio.read_dataframe(store, layer="lv_industrial_parks_2")
    for column, value in EXPECTED_COLUMNS[case.id].items():
        assert stored[column].tolist() == [value]
    text = " ".join(data["warnings"])
    if lang == "vi":
        assert "được đổi tên thành" in text
    else:
        assert "was renamed" in text


def test_clash_warning_text_exact(store: Path, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    case = next(c for c in CASES if c.id == "col_name_case")
    plan = plan_import(case.build(tmp_path), layer_id="industrial_parks")
    got = plan.to_dict("vi")["warnings"]
    assert "Cột “NAME” trùng tên với cột “name” (tên cột không phân biệt chữ hoa, chữ thường), nên được đổi tên thành “NAME_1”; dữ liệu của cột được giữ nguyên." in got
    got = plan.to_dict("en")["warnings"]
    assert "Column “NAME” has the same name as column “name” (column names do not distinguish upper and lower case), so it was renamed “NAME_1”; its data is kept as it is." in got
    plan = plan_import(next(c for c in CASES if c.id == "col_geom").build(tmp_path / "g"), layer_id="industrial_parks")
    assert "Column “geom” has the same name as an internal column of tbgeo, so it was renamed “geom_1”; its data is kept as it is." in plan.to_dict("en")["warnings"]


def test_refusal_messages_exact(tmp_path: Path) -> None:
    """The figures in the messages: features lost, bytes missing, name length, expansion."""
    by_id = {c.id: c for c in CASES}
    msg = refusal(by_id["dbf_fewer_records"], by_id["dbf_fewer_records"].build(tmp_path / "a")).message("en")
    assert "the .shp holds 3 features, the .shx 3, the .dbf 1. Importing it would lose 2 features" in msg
    msg = refusal(by_id["shp_truncated"], by_id["shp_truncated"].build(tmp_path / "b")).message("vi")
    assert ".shp có 3 đối tượng (tệp bị cắt cụt, thiếu 40 byte), .shx có 3, .dbf có 3. Nếu nhập sẽ mất 1 đối tượng" in msg
    msg = refusal(by_id["dbf_truncated"], by_id["dbf_truncated"].build(tmp_path / "g")).message("en")
    assert "the .shp holds 3 features, the .shx 3, the .dbf 3 (→ 1). Importing it would lose 2 features" in msg
    msg = refusal(by_id["shx_wrong_offsets"], by_id["shx_wrong_offsets"].build(tmp_path / "h")).message("en")
    assert "The index (.shx) of the shapefile “kcn.shp” does not match its .shp: 2 of 3 entries point elsewhere" in msg
    msg = refusal(by_id["dbf_deleted_record"], by_id["dbf_deleted_record"].build(tmp_path / "i")).message("vi")
    assert "đánh dấu 1 trên 3 bản ghi là đã xóa" in msg and "nên sẽ mất 1 đối tượng" in msg
    msg = refusal(by_id["zip_long_member"], by_id["zip_long_member"].build(tmp_path / "c")).message("en")
    assert "(304 bytes; at most 255)" in msg
    msg = refusal(by_id["too_many_columns"], by_id["too_many_columns"].build(tmp_path / "d")).message("vi")
    assert "có 3000 cột thuộc tính; chỉ nhận tối đa 500 (giới hạn do quản trị viên đặt)" in msg
    msg = refusal(by_id["huge_coords_neg"], by_id["huge_coords_neg"].build(tmp_path / "e")).message("en")
    assert "1 of 1 features have absurdly large coordinates (absolute value 1e+15 or more; largest 3e+16)" in msg
    msg = refusal(by_id["overlap_bomb"], by_id["overlap_bomb"].build(tmp_path / "f")).message("en")
    assert "“m0001.dbf” shares its compressed data with “m0000.dbf”" in msg


def test_overlap_bomb_without_overlap_check_counts_total(tmp_path: Path) -> None:
    """Many small members (each under the per-member check) expanding far beyond the archive."""
    import zipfile

    from tbgeo._io import safe_extract
    from tbgeo.ingest.config import load_config

    z = tmp_path / "many.zip"
    with zipfile.ZipFile(z, "w", zipfile.ZIP_DEFLATED) as zf:
        for i in range(150):
            zf.writestr(f"p{i}.dbf", bytes(1 << 20))
    dest = tmp_path / "out"
    dest.mkdir()
    with pytest.raises(InputError) as err:
        safe_extract(z, dest, load_config())
    assert err.value.key == "ingest.zip_bomb_total"
    assert "together expand to 150.0 MB" in err.value.message("en")
    assert list(dest.iterdir()) == []


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_unforeseen_failure_is_a_message(lang: str, store: Path, tmp_path: Path, monkeypatch, capsys) -> None:  # type: ignore[no-untyped-def]
    """Whatever breaks inside reading or planning (here: GEOS on a geometry) reaches the user, on the
    command line and through the upload page's calls (read_source, build_plan), as a message."""
    from tbgeo.ingest import pipeline
    from tbgeo.ingest.steps import geometry as geometry_step

    path = next(c for c in CASES if c.id == "col_geom").build(tmp_path)

    def boom(*a, **k):  # type: ignore[no-untyped-def]
        raise ValueError("GEOSException: TopologyException: side location conflict")

    monkeypatch.setattr(geometry_step, "clean_geometries", boom)
    before = sha(store)
    rc, out, err = run(capsys, "import", str(path), "--layer", "industrial_parks", "--lang", lang)
    assert rc == 2 and "Traceback" not in err
    expected = {
        "vi": "Không xử lý được “site.geojson”: tệp có nội dung bất thường mà tbgeo không đọc được. Không ghi gì vào kho dữ liệu.",
        "en": "Could not process “site.geojson”: the file holds something unusual that tbgeo cannot read. Nothing was written to the store.",
    }[lang]
    assert expected in err and "side location conflict" in err
    with pytest.raises(InputError) as exc:
        pipeline.build_plan(pipeline.read_source(path), layer_id="industrial_parks")
    assert exc.value.key == "ingest.plan_failed"
    assert sha(store) == before
