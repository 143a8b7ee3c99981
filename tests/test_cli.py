"""The command line: usage errors in the user's language with exit status 2."""

from __future__ import annotations

import pytest

from tbgeo.cli import main, translate_usage_error


def test_bad_choice_in_vietnamese(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["layers", "--format", "xml"]) == 2
    err = capsys.readouterr().err
    assert "Lỗi: giá trị «xml» của --format không hợp lệ; hãy chọn một trong: text, json" in err
    assert "Traceback" not in err


def test_bad_choice_in_english(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--lang", "en", "layers", "--format", "xml"]) == 2
    assert "Error: value “xml” of --format is not valid; choose one of: text, json" in capsys.readouterr().err


def test_unknown_command(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["frobnicate"]) == 2
    assert "Lỗi:" in capsys.readouterr().err


def test_translate_required() -> None:
    assert translate_usage_error("the following arguments are required: FILE", "vi") == "thiếu tham số bắt buộc: FILE"


def test_layers_text_listing(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["layers"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("13 lớp bản đồ")  # 12 shipped and the optional communes_2025, not imported yet
    assert "districts" in out and "8 đối tượng" in out and "ảnh raster" in out


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_every_command_has_help(lang: str, capsys: pytest.CaptureFixture[str]) -> None:
    from tbgeo.cli import commands

    names = commands()
    assert {"check", "import", "print", "search", "proposals", "ledger", "where", "targets"} <= set(names)
    for name in names:
        assert main(["--lang", lang, name, "--help"]) == 0, name
        out = capsys.readouterr().out
        assert out.startswith("cách dùng: tbgeo " if lang == "vi" else "usage: tbgeo "), name
    assert main(["--lang", "vi", "check", "--help"]) == 0
    assert "(%)" in capsys.readouterr().out


def test_map_writes_one_offline_html_file(tmp_path, capsys: pytest.CaptureFixture[str]) -> None:  # type: ignore[no-untyped-def]
    import json
    import re

    out = tmp_path / "ban-do.html"
    assert main(["map", "--out", str(out), "--layers", "industrial_parks,districts"]) == 0
    assert capsys.readouterr().out.strip() == f"Đã ghi bản đồ (2 lớp) vào {out}."
    html = out.read_text(encoding="utf-8")
    assert "/app/static/vendor" not in html and "cdn.jsdelivr.net" not in html  # Leaflet is inside
    assert "a JS library for interactive maps" in html  # leaflet.js's own header
    data = [json.loads(m) for m in re.findall(r"geo_json_\w+_add\((\{.*?\})\);\n", html)]
    sizes = sorted(len(d["features"]) for d in data)
    assert sizes == [8, 12]  # the eight districts and the twelve parks, nothing else
    assert not (tmp_path / "ban-do.html.part").exists()


def test_map_prepare_fills_the_cache_the_app_reads(capsys: pytest.CaptureFixture[str]) -> None:
    from tbgeo import diskcache, settings
    from tbgeo.catalog import load_catalog
    from tbgeo.mapping import view as mapview

    assert main(["map", "--prepare"]) == 0
    assert capsys.readouterr().out.strip() == "Bản đồ mở đầu của ứng dụng đã sẵn sàng."
    cat = load_catalog()
    key = mapview.map_key(cat, mapview.default_layers(cat), settings.default_lang(), mapview.DEFAULT_BASEMAP)
    assert diskcache.has("map", key)


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["map"], "Lỗi: Hãy cho biết tệp cần ghi bằng --out TỆP.html, hoặc dùng --prepare."),
        (["map", "--out", "ban-do.pdf"], "Lỗi: Tệp «ban-do.pdf» phải có đuôi .html."),
        (["map", "--out", "x.html", "--layers", "parks"], "Lỗi: Không có lớp «parks». Các lớp hiện có:"),
    ],
)
def test_map_bad_input(argv: list[str], message: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(argv) == 2
    assert capsys.readouterr().err.startswith(message)


def test_starting_the_command_does_not_load_the_heavy_libraries() -> None:
    """Every command's options are read at start; drawing, GIS and table libraries load only in the
    command that needs them (`tbgeo sectors` starts in well under a second, not ~2.5 s)."""
    import subprocess
    import sys

    probe = (
        "import sys, tbgeo.cli; tbgeo.cli.build_parser('vi'); "
        "print(' '.join(m for m in ('matplotlib', 'geopandas', 'pandas', 'folium', 'pyogrio', 'rasterio', 'exactextract') "
        "if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""


def test_map_output_that_cannot_be_written(tmp_path, capsys: pytest.CaptureFixture[str]) -> None:  # type: ignore[no-untyped-def]
    folder_in_the_way = tmp_path / "ban-do.html"
    folder_in_the_way.mkdir()
    assert main(["map", "--out", str(folder_in_the_way)]) == 2
    assert capsys.readouterr().err.startswith(f"Lỗi: Không ghi được tệp «{folder_in_the_way}»:")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["ban-do.html"]  # no partial file left
    assert main(["map", "--out", str(tmp_path / "khong-co" / "x.html")]) == 2
    assert "không tồn tại" in capsys.readouterr().err
    assert main(["map", "--out", str(tmp_path / "x.html"), "--layers", ","]) == 2
    assert capsys.readouterr().err.startswith("Lỗi: Hãy nêu ít nhất một lớp sau --layers")
