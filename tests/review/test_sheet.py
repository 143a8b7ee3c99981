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
    text = PdfReader(io.BytesIO(out.read_bytes())).pages[0].extract_text()
    assert "SƠ ĐỒ VỊ TRÍ KHU ĐẤT ĐỀ XUẤT VÀ KẾT QUẢ THẨM TRA" in text
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
