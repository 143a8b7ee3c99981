"""``tbgeo print`` in-process: files written, messages shown, bad input (exit 2), easting-first boxes."""

from __future__ import annotations

import argparse
from pathlib import Path

import pytest

from tbgeo.cli import main
from tbgeo.errors import InputError
from tbgeo.printing.spec import check_bbox

from .helpers import pdf_pages, pdf_sizes_mm


def test_print_district_pdf(fake_project: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "quynh-phu.pdf"
    rc = main(["print", "--out", str(out), "--size", "a4", "--orientation", "portrait", "--district", "quynh phu",
               "--layers", "districts,industrial_parks", "--title", "Bản đồ khu công nghiệp", "--draft",
               "--scale", "1:100.000"])
    assert rc == 0
    said = capsys.readouterr().out
    assert "1:100.000" in said and str(out) in said
    text, = pdf_pages(out.read_bytes())
    assert "BẢN ĐỒ KHU CÔNG NGHIỆP" in text and "HUYỆN QUỲNH PHỤ, TỈNH THÁI BÌNH" in text
    assert "Tỷ lệ 1:100.000" in text
    (w, h), = pdf_sizes_mm(out.read_bytes())
    assert (round(w), round(h)) == (210, 297)
    assert [p.name for p in tmp_path.iterdir()] == ["quynh-phu.pdf"]  # no temporary file left


def test_print_png_and_atlas(fake_project: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from PIL import Image

    png = tmp_path / "map.png"
    assert main(["print", "--out", str(png), "--size", "A4", "--layers", "districts", "--lang", "en"]) == 0
    with Image.open(png) as image:
        w, h = image.size
    assert abs(w - 2339) <= 1 and abs(h - 1654) <= 1
    assert "Wrote" in capsys.readouterr().out
    atlas = tmp_path / "atlas.pdf"
    assert main(["print", "--out", str(atlas), "--atlas", "--size", "A4", "--layers", "districts"]) == 0
    assert len(pdf_pages(atlas.read_bytes())) == 8
    assert "8 trang" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["--district", "Hà Nội"], "Quỳnh Phụ"),
        (["--layers", "districts,roads"], "roads"),
        (["--scale", "abc"], "50000"),
        (["--bbox", "106.3,20.4,106.5,20.6"], "kinh độ/vĩ độ"),
        (["--bbox", "1,2,3"], "Đông_min,Bắc_min,Đông_max,Bắc_max"),
            (["--bbox", "2250000,575000,2270000,600000"], "575000,2250000,600000,2270000"),
    ],
)
def test_bad_input_exits_2_with_a_message(fake_project: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                          args: list[str], needle: str) -> None:
    out = tmp_path / "x.pdf"
    assert main(["print", "--out", str(out), *args]) == 2
    assert needle in capsys.readouterr().err
    assert not out.exists() and list(tmp_path.iterdir()) == []


def test_bad_file_type_and_choices(fake_project: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["print", "--out", str(tmp_path / "x.docx")]) == 2
    assert ".pdf" in capsys.readouterr().err
    assert main(["print", "--out", str(tmp_path / "x.png"), "--atlas"]) == 2
    assert "PDF" in capsys.readouterr().err
    assert main(["print", "--out", str(tmp_path / "x.pdf"), "--size", "B4"]) == 2
    assert main(["print", "--out", str(tmp_path / "x.pdf"), "--orientation", "tilted"]) == 2
    assert main(["print", "--out", str(tmp_path / "missing" / "x.pdf")]) == 2
    assert "missing" in capsys.readouterr().err
    assert main(["--lang", "en", "print", "--out", str(tmp_path / "x.pdf"), "--district", "Nowhere"]) == 2
    assert "There is no administrative unit" in capsys.readouterr().err
    assert list(tmp_path.iterdir()) == []


def test_bbox_is_easting_first_and_a_swapped_box_is_explained() -> None:
    assert check_bbox([575_000, 2_250_000, 600_000, 2_270_000]) == (575_000, 2_250_000, 600_000, 2_270_000)
    with pytest.raises(InputError) as err:
        check_bbox([2_250_000, 575_000, 2_270_000, 600_000])
    assert err.value.key == "print.error.bbox_swapped"
    msg = err.value.message("vi")
    assert "Đông trước" in msg and "575000,2250000,600000,2270000" in msg


def test_cli_help_and_ui_labels_say_east_and_north() -> None:
    from tbgeo.cli import print_ as cli
    from tbgeo.i18n import t

    parser = argparse.ArgumentParser()
    cli.add_arguments(parser, "vi")
    helptext = " ".join(parser.format_help().split())
    assert "E_MIN,N_MIN,E_MAX,N_MAX" in helptext and "Đông (E) trước" in helptext
    assert t("print.ui.xmin", "vi") == "Đông nhỏ nhất (E, m)" and t("print.ui.ymax", "vi") == "Bắc lớn nhất (N, m)"
    for key in ("xmin", "ymin", "xmax", "ymax"):
        assert "X" not in t(f"print.ui.{key}", "vi") and "Y" not in t(f"print.ui.{key}", "vi")
