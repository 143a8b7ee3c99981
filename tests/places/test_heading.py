"""The administrative heading of printed sheets: today's (Hưng Yên) or the plan's time (Thái Bình)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from tbgeo.cli import main
from tbgeo.errors import InputError
from tbgeo.printing import PrintSpec
from tbgeo.printing.compose import render
from tbgeo.printing.titleblock import parse_sheet_date, resolve_heading
from tests.printing.helpers import pdf_lines


def _lines(data: bytes) -> list[str]:
    return pdf_lines(data)


@pytest.mark.parametrize(
    "text,day",
    [
        ("2025-07-01", date(2025, 7, 1)),
        ("30/6/2025", date(2025, 6, 30)),
        ("ngày 15 tháng 8 năm 2025", date(2025, 8, 15)),
        ("Tháng 7 năm 2025", date(2025, 7, 1)),
        ("Thái Bình, 6/2025", date(2025, 6, 1)),
        ("31/2/2025", None),
        ("sắp tới", None),
        # a year alone, a quarter, English dates (the English interface), year first with slashes
        ("năm 2024", date(2024, 1, 1)),
        ("Thái Bình, 2024", date(2024, 1, 1)),
        ("năm 2026", date(2026, 1, 1)),
        ("2025", None),  # both headings have days in 2025: unreadable, the day of printing
        ("Quý II/2025", date(2025, 4, 1)),
        ("Quý III năm 2025", date(2025, 7, 1)),
        ("Q3 2025", date(2025, 7, 1)),
        ("30 June 2025", date(2025, 6, 30)),
        ("July 1, 2025", date(2025, 7, 1)),
        ("Sept. 3, 2026", date(2026, 9, 3)),
        ("June 2025", date(2025, 6, 1)),
        ("Feb 30, 2025", None),
        ("2025/06/30", date(2025, 6, 30)),
    ],
)
def test_sheet_dates(text: str, day: date | None) -> None:
    assert parse_sheet_date(text) == day


def test_heading_follows_the_date() -> None:
    assert resolve_heading(None, "30/6/2025") == "plan"
    assert resolve_heading(None, "1/7/2025") == "today"
    assert resolve_heading(None, None) == "plan"  # no date: the plan's map
    assert resolve_heading(None, "sắp tới") == "today"  # unreadable: the day of printing (after the reform)
    assert resolve_heading("plan", "1/7/2025") == "plan"  # the user's choice wins
    assert resolve_heading(None, "năm 2024") == "plan"  # a year before the reform: not the day of printing
    assert resolve_heading(None, "30 June 2025") == "plan" and resolve_heading(None, "1 July 2025") == "today"


def test_today_heading_in_the_pdf() -> None:
    lines = _lines(render(PrintSpec(layers=("districts",), size="A4", date="ngày 3 tháng 12 năm 2026")).data)
    assert "UBND TỈNH HƯNG YÊN" in lines
    assert "SỞ CÔNG THƯƠNG TỈNH HƯNG YÊN" in lines
    assert "BẢN ĐỒ QUY HOẠCH PHÁT TRIỂN CÔNG NGHIỆP (ĐỊA BÀN TỈNH THÁI BÌNH CŨ)" in lines
    assert "TỈNH HƯNG YÊN" in lines
    assert "UBND TỈNH THÁI BÌNH" not in lines and "SỞ CÔNG THƯƠNG TỈNH THÁI BÌNH" not in lines


def test_plan_heading_in_the_pdf() -> None:
    res = render(PrintSpec(layers=("districts",), size="A4", date="ngày 3 tháng 12 năm 2026", heading="plan"))
    lines = _lines(res.data)
    assert res.layout["heading"] == "plan"
    assert lines.index("UBND TỈNH THÁI BÌNH") < lines.index("SỞ CÔNG THƯƠNG TỈNH THÁI BÌNH")  # governing body first
    assert "BẢN ĐỒ QUY HOẠCH PHÁT TRIỂN CÔNG NGHIỆP" in lines and "TỈNH THÁI BÌNH" in lines
    assert not any("HƯNG YÊN" in ln and "UBND" in ln for ln in lines)


def test_english_district_sheet_today() -> None:
    lines = _lines(render(PrintSpec(layers=("districts",), size="A4", lang="en", date="2025-07-01",
                                    district="Tiền Hải")).data)
    assert "PEOPLE'S COMMITTEE OF HƯNG YÊN PROVINCE" in lines
    assert "INDUSTRIAL DEVELOPMENT PLANNING MAP (FORMER THÁI BÌNH PROVINCE AREA)" in lines
    assert "FORMER TIỀN HẢI DISTRICT, HƯNG YÊN PROVINCE" in lines


def test_issuer_naming_the_committee_is_not_doubled() -> None:
    lines = _lines(render(PrintSpec(layers=("districts",), size="A4", heading="plan",
                                    issuer="UBND tỉnh Thái Bình")).data)
    assert lines.count("UBND TỈNH THÁI BÌNH") == 1


def test_print_command_heading(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "a.pdf"
    assert main(["print", "--out", str(out), "--size", "A4", "--layers", "districts", "--date", "1/7/2025"]) == 0
    assert "UBND TỈNH HƯNG YÊN" in _lines(out.read_bytes())
    assert main(["print", "--out", str(out), "--size", "A4", "--layers", "districts", "--date", "1/7/2025",
                 "--heading", "plan"]) == 0
    assert "UBND TỈNH THÁI BÌNH" in _lines(out.read_bytes())
    capsys.readouterr()
    assert main(["print", "--out", str(out), "--heading", "now"]) == 2
    assert "giá trị «now» của --heading không hợp lệ; hãy chọn một trong: today, plan" in capsys.readouterr().err
    with pytest.raises(InputError) as exc:
        PrintSpec(heading="now").validate()
    assert exc.value.message("en").startswith("Administrative heading “now” is not valid; use “today”")


def test_print_page_options() -> None:
    from tbgeo.ui.pages.print_ import spec_from_options

    opts = dict(layer_ids=["districts"], size="A4", orientation="portrait", fmt="pdf", extent="province",
                district=None, crs="9209", box=(0, 0, 0, 0), title="Bản đồ", period="", date="1/7/2025",
                issuer="Sở Công Thương tỉnh Thái Bình", auto=True, scale=0, draft=False, heading=False,
                signatures=False, atlas=False, admin_heading="auto")
    spec = spec_from_options(opts, "vi")
    assert spec.heading is None and spec.issuer is None  # today's issuing body replaces the untouched default
    spec = spec_from_options({**opts, "admin_heading": "plan"}, "vi")
    assert spec.heading == "plan" and spec.issuer == "Sở Công Thương tỉnh Thái Bình"


def test_district_sheet_names_the_new_communes() -> None:
    lines = _lines(render(PrintSpec(layers=("districts",), size="A3", district="Tien Hai")).data)
    text = " ".join(lines)
    assert ("huyện Tiền Hải (trước 1/7/2025) nay thuộc các xã, phường của tỉnh Hưng Yên: xã Tiền Hải, xã Đông Tiền Hải,"
            " xã Đồng Châu, xã Ái Quốc, xã Tây Tiền Hải, xã Nam Cường, xã Nam Tiền Hải, xã Hưng Phú") in text
    en = " ".join(_lines(render(PrintSpec(layers=("districts",), size="A3", district="Tien Hai", lang="en")).data))
    assert "huyện Tiền Hải (before 1 July 2025) is now in these communes and wards of Hưng Yên province: xã Tiền Hải" in en
