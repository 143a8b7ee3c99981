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
    assert out.startswith("12 lớp bản đồ")
    assert "districts" in out and "8 đối tượng" in out and "ảnh raster" in out


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_every_command_has_help(lang: str, capsys: pytest.CaptureFixture[str]) -> None:
    from tbgeo.cli import commands

    for name in commands():
        assert main(["--lang", lang, name, "--help"]) == 0, name
        out = capsys.readouterr().out
        assert out.startswith("cách dùng: tbgeo " if lang == "vi" else "usage: tbgeo "), name
    assert main(["--lang", "vi", "check", "--help"]) == 0
    assert "(%)" in capsys.readouterr().out
