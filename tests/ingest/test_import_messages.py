"""What `tbgeo import` says: Vietnamese text for unreadable files, the dry run's before → after preview."""

from __future__ import annotations

from .helpers import run


def test_vietnamese_text_for_unreadable_files(tmp_path, capsys, env) -> None:  # type: ignore[no-untyped-def]
    broken = tmp_path / "broken.geojson"
    broken.write_text('{"type": "FeatureCollection", "features": [{"type": "Feature", "geometry": {"type": "Poly', "utf-8")
    code, _, err, _ = run(capsys, "import", str(broken), "--layer", "industrial_parks")
    assert code == 2
    ours, _, detail = err.partition("(chi tiết kỹ thuật: ")
    assert ours.startswith("Lỗi: Không đọc được “broken.geojson”: tệp bị hỏng, chưa tải lên hết, hoặc không đúng định dạng")
    assert detail  # GDAL's English is kept only after the separator
    assert "Failed" not in ours and "error" not in ours.lower()
    bad = tmp_path / "bad.zip"
    bad.write_bytes(b"PK\x03\x04" + bytes(range(200)))
    code, _, err, _ = run(capsys, "import", str(bad), "--layer", "industrial_parks")
    assert code == 2
    ours, _, detail = err.partition("(chi tiết kỹ thuật: ")
    assert ours == "Lỗi: “bad.zip” không phải tệp zip đọc được (tệp bị hỏng hoặc chưa tải lên hết). Hãy nén lại và tải lên lần nữa "
    assert detail.startswith("File is not a zip file")


def test_dry_run_text_shows_before_after_preview(mk, tmp_path, capsys, env) -> None:  # type: ignore[no-untyped-def]
    rows = [[b"KCN Th\xb8i B\xd7nh"], ["§Êt chuyªn trång lóa n\xadíc".encode("latin1")], [b"KCN Ti\xd2n H\xb6i"]]
    z = mk.make_shapefile(tmp_path, "kcn", mk.parks(3), fields=[(b"TEN", "C", 40)], rows=rows, prj=mk.esri_9209())
    code, _, err, out = run(capsys, "import", str(z), "--layer", "industrial_parks", "--dry-run")
    assert code == 0, err
    lines = out.splitlines()
    i = lines.index("Văn bản trước → sau chuyển đổi:")
    assert lines[i + 1 : i + 4] == [
        "  [TEN, tcvn3] KCN Th¸i B×nh → KCN Thái Bình",
        "  [TEN, tcvn3] §Êt chuyªn trång lóa n\xadíc → Đất chuyên trồng lúa nước",
        "  [TEN, tcvn3] KCN TiÒn H¶i → KCN Tiền Hải",
    ]
    assert "Phạm vi (WGS 84): kinh độ 106,34187 – " in out
    code, data, _, _ = run(capsys, "import", str(z), "--layer", "industrial_parks", "--dry-run", "--format", "json")
    assert [(p["column"], p["encoding"], p["after"]) for p in data["preview"]] == [
        ("TEN", "tcvn3", "KCN Thái Bình"), ("TEN", "tcvn3", "Đất chuyên trồng lúa nước"), ("TEN", "tcvn3", "KCN Tiền Hải"),
    ]  # fmt: skip
