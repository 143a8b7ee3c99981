"""The printable review sheet: the site on a map with the findings table, from `tbgeo check --sheet`."""

from __future__ import annotations

import io
import json
from pathlib import Path

import geopandas as gpd
import pytest
import shapely
from pypdf import PdfReader

from tbgeo.cli import main

SITE_NAME = "Nhà máy nhuộm Đông Hưng"


@pytest.fixture()
def site_file(tmp_path: Path) -> Path:
    # 150 ha on inner-field rice land near Thái Bình city (EPSG:9209 metres)
    path = tmp_path / "site.geojson"
    gpd.GeoDataFrame({"name": [SITE_NAME]}, geometry=[shapely.box(590_000, 2_262_000, 591_500, 2_263_000)],
                     crs="EPSG:9209").to_crs(4326).to_file(path, driver="GeoJSON")
    return path


def test_check_writes_sheet_with_findings(site_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "phieu.pdf"
    rc = main(["check", str(site_file), "--sector", "dyeing", "--name", SITE_NAME, "--sheet", str(out), "--format", "json"])
    report = json.loads(capsys.readouterr().out)
    assert rc == 1 and report["verdict"] == "block"
    pages = [p.extract_text() for p in PdfReader(io.BytesIO(out.read_bytes())).pages]
    text = "\n".join(pages)  # the findings continue on page 2 of an A3 when they do not fit beside the map
    assert "SƠ ĐỒ VỊ TRÍ KHU ĐẤT ĐỀ XUẤT VÀ KẾT QUẢ THẨM TRA" in pages[0]
    assert f"Khu đất: {SITE_NAME}" in text
    assert "Hệ tọa độ VN-2000, kinh tuyến trục 105°30′, múi chiếu 3°" in text
    # the citation column wraps long citations over lines: compare with line breaks as spaces
    assert "Luật Đất đai 2024, Điều 122" in " ".join(text.split())
    refused = next(f for f in report["findings"] if f["severity"] == "block")
    assert refused["title"] in text
    rice = report["rice"]["total_ha"]
    assert f"{rice:.2f}".replace(".", ",") + " ha" in text


def test_sheet_refuses_other_suffix(site_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "phieu.docx"
    assert main(["check", str(site_file), "--sheet", str(out)]) == 2
    assert "chỉ hỗ trợ đuôi .pdf hoặc .png" in capsys.readouterr().err
    assert not out.exists() and not list(tmp_path.glob("*.part"))


def test_the_sheet_a_dossier_needs(site_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Issue 13 §7: the date, the proposal number (a saved site), investor, sector and the corner table."""
    from tbgeo.i18n.params import vietnam_today

    out = tmp_path / "phieu.pdf"
    rc = main(["check", str(site_file), "--sector", "dyeing", "--name", SITE_NAME, "--investor", "Công ty Đông Hưng",
               "--save", "--sheet", str(out), "--format", "json"])
    report = json.loads(capsys.readouterr().out)
    assert rc == 1 and report["proposal_id"] == 1
    assert not list(tmp_path.glob("*.part"))
    page = " ".join(PdfReader(io.BytesIO(out.read_bytes())).pages[0].extract_text().split())
    today = vietnam_today()
    for needle in (f"Lập ngày {today.day} tháng {today.month} năm {today.year}", "Đề xuất số: 1",
                   "Nhà đầu tư: Công ty Đông Hưng", "Ngành nghề: Nhuộm", "BẢNG TỌA ĐỘ ĐIỂM GÓC",
                   "Hệ VN-2000, KTT 105°30′, múi chiếu 3°", "Điểm X (m) Y (m)"):
        assert needle in page, needle
    # the four corners of the site as read (lon/lat file projected to EPSG:9209), X northing, Y easting
    site = gpd.read_file(site_file).to_crs(9209).geometry.iloc[0]
    xs, ys = sorted({round(y, 2) for _, y in site.exterior.coords}), sorted({round(x, 2) for x, _ in site.exterior.coords})
    assert len(xs) >= 2 and len(ys) >= 2
    nw = next((x, y) for x, y in site.exterior.coords if round(x) == 590_000 and round(y) == 2_263_000)

    def vi(v: float) -> str:
        return f"{v:,.2f}".replace(",", " ").replace(".", ",").replace(" ", ".")

    assert f"1 {vi(round(nw[1], 2))} {vi(round(nw[0], 2))} 2 " in page
    assert "Còn" not in page.split("BẢNG TỌA ĐỘ ĐIỂM GÓC")[1]  # four corners: no continuation
    for english in ("Investor", "Sector", "Proposal", "CORNER", "Point"):
        assert english not in page, english


def _at(monkeypatch: pytest.MonkeyPatch, iso: str) -> None:
    """The clock every "today" is read from, set to ``iso`` (UTC)."""
    from datetime import datetime

    import tbgeo.i18n.params as params

    monkeypatch.setattr(params, "_utc_now", lambda: datetime.fromisoformat(iso))


def test_today_is_vietnams_day_not_the_servers(monkeypatch: pytest.MonkeyPatch) -> None:
    """20:00 UTC on 3 December is 03:00 on 4 December in Vietnam; an unreadable sheet date is headed
    by Vietnam's day: Hưng Yên from 00:00 on 1 July 2025 in Vietnam (17:00 UTC on 30 June)."""
    from datetime import date, datetime

    from tbgeo.i18n.params import vietnam_today
    from tbgeo.printing.titleblock import resolve_heading

    _at(monkeypatch, "2026-12-03T20:00:00+00:00")
    assert vietnam_today() == date(2026, 12, 4)
    assert vietnam_today(datetime(2026, 12, 3, 16, 59)) == date(2026, 12, 3)  # a naive moment is UTC
    _at(monkeypatch, "2025-06-30T16:59:00+00:00")
    assert resolve_heading(None, "tháng này") == "plan"
    _at(monkeypatch, "2025-06-30T17:00:00+00:00")
    assert resolve_heading(None, "tháng này") == "today"


def test_the_sheet_is_dated_and_headed_by_vietnams_day(site_file: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                       capsys: pytest.CaptureFixture[str]) -> None:
    """Made at 18:00 UTC on 30 June 2025 (01:00 on 1 July in Vietnam): dated 1 July 2025, headed Hưng Yên."""
    _at(monkeypatch, "2025-06-30T18:00:00+00:00")
    out = tmp_path / "phieu.pdf"
    main(["check", str(site_file), "--sector", "electronics", "--sheet", str(out), "--format", "json"])
    capsys.readouterr()
    page = " ".join(PdfReader(io.BytesIO(out.read_bytes())).pages[0].extract_text().split())
    assert "Lập ngày 1 tháng 7 năm 2025" in page and "30 tháng 6" not in page
    assert "UBND TỈNH HƯNG YÊN" in page and "SỞ CÔNG THƯƠNG TỈNH HƯNG YÊN" in page


def test_check_writes_an_a0_sheet(site_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """`--sheet-size A0` (the print command's sizes, any case): an A0 landscape page, 1189 × 841 mm."""
    out = tmp_path / "phieu_a0.pdf"
    rc = main(["check", str(site_file), "--sector", "electronics", "--sheet", str(out), "--sheet-size", "a0"])
    capsys.readouterr()
    assert rc == 0 and out.exists()
    box = PdfReader(io.BytesIO(out.read_bytes())).pages[0].mediabox
    mm = sorted(round(float(v) * 25.4 / 72) for v in (box.width, box.height))
    assert mm == [841, 1189]
    assert main(["check", str(site_file), "--sheet", str(out), "--sheet-size", "B5"]) == 2
    assert "A0" in capsys.readouterr().err
