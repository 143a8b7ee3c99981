"""The "Mục tiêu quy hoạch" page rendered with AppTest, in Vietnamese and in English."""

from __future__ import annotations

import json
from pathlib import Path

import pyarrow as pa
import pytest
from streamlit.testing.v1 import AppTest

from tbgeo.ui.pages import targets as page

SCRIPT = "from tbgeo.ui.pages import targets\ntargets.render({lang!r})\n"


def _run(tmp_path: Path, lang: str) -> AppTest:
    script = tmp_path / f"targets_{lang}.py"
    script.write_text(SCRIPT.format(lang=lang), encoding="utf-8")
    at = AppTest.from_file(str(script), default_timeout=60).run()
    assert not at.exception, at.exception
    return at


def _charts(at: AppTest) -> list[tuple[dict, list[dict]]]:
    """Each Vega-Lite chart's spec and its data rows."""
    out = []
    for chart in at.get("vega_lite_chart"):
        spec = json.loads(chart.proto.spec)
        table = pa.ipc.open_stream(chart.proto.datasets[0].data.data).read_all()
        out.append((spec, table.to_pylist()))
    return out


@pytest.fixture()
def ws(tmp_path, monkeypatch):
    monkeypatch.setenv("TBGEO_WORKSPACE", str(tmp_path / "ws.gpkg"))


def test_page_contract():
    from tbgeo.ui.app import PAGES

    info = next(p for p in PAGES if p.url == "targets")
    assert info.load() is page and info.title_key == "targets.title"


def test_page_in_vietnamese(tmp_path, ws):
    at = _run(tmp_path, "vi")
    assert at.title[0].value == "Mục tiêu quy hoạch"
    table = at.dataframe[0].value
    assert len(table) == 16
    textiles = table[(table["Ngành"] == "Dệt may, da giày") & (table["Năm"] == "2020")].iloc[0]
    assert (textiles["Giá trị (tỷ đồng)"], textiles["Tỷ trọng (%)"], textiles["Trích dẫn"]) == (
        "21.788", "28,69", "Điều 1, IV.1.b"
    )
    # the one disagreement, with stated, computed, difference and citation
    assert len(at.error) == 1
    assert "0,74%/năm" in at.error[0].value and "2,50%/năm" in at.error[0].value
    assert "[Điều 1, IV.7.b]" in at.error[0].value
    findings = at.dataframe[1].value
    energy = findings.iloc[0]
    assert (energy["Ghi trong quy hoạch"], energy["Tính lại"], energy["Chênh lệch"], energy["Trích dẫn"]) == (
        "0,74", "2,50", "-1,76", "Điều 1, IV.7.b"
    )
    # what cannot be checked is said, not hidden
    subheaders = [s.value for s in at.subheader]
    assert "Không kiểm tra được" in subheaders
    bullets = next(m.value for m in at.markdown if m.value.startswith("- "))
    assert bullets.count("không kiểm tra được") == 7
    assert "Hóa chất: tốc độ tăng bình quân 2016–2020 (1,0%/năm) không kiểm tra được" in bullets
    assert any("744 tỷ đồng (0,98%)" in i.value for i in at.info)
    assert any("37.781 tỷ đồng" in m.value for m in at.markdown)  # 75.940 / 2,01
    assert any(m.value.startswith("24 phép so sánh: 23 khớp, 1 không khớp.") for m in at.markdown)
    # charts: Vietnamese number locale, sector names in Vietnamese, values from the data
    (value_spec, value_rows), (share_spec, share_rows) = _charts(at)
    assert value_spec["config"]["locale"]["number"]["decimal"] == ","
    assert value_spec["config"]["locale"]["number"]["thousands"] == "."
    assert value_spec["encoding"]["x"]["title"] == "Giá trị sản xuất (tỷ đồng)"
    values = {(r["sector"], r["year"]): r["value"] for r in value_rows}
    assert values[("Thiết bị điện, điện tử", "2025")] == 11128 and len(values) == 14
    shares = {(r["sector"], r["year"]): r["share"] for r in share_rows}
    assert shares[("Dệt may, da giày", "2020")] == 28.69
    assert shares[("Các ngành khác", "2020")] == pytest.approx(744 / 75940 * 100)


def test_page_in_english(tmp_path, ws):
    at = _run(tmp_path, "en")
    assert at.title[0].value == "Plan targets"
    table = at.dataframe[0].value
    whole = table[(table["Sector"] == "Whole industry") & (table["Year"] == "2025")].iloc[0]
    assert (whole["Value (billion VND)"], whole["Average growth (%/year)"], whole["Multiple (times)"]) == (
        "125,110", "10–12", "1.65 × 2020"
    )
    assert "Energy: average growth 2021–2025 stated as 0.74%/year" in at.error[0].value
    assert "Cannot be checked" in [s.value for s in at.subheader]
    (value_spec, value_rows), _ = _charts(at)
    assert "locale" not in value_spec.get("config", {})
    assert ("Textiles, garments, leather and footwear", "2020") in {(r["sector"], r["year"]) for r in value_rows}


def test_page_says_what_is_wrong_with_a_missing_file(tmp_path, data_copy):
    (data_copy / "plan_targets.csv").unlink()
    at = _run(tmp_path, "vi")
    assert at.title[0].value == "Mục tiêu quy hoạch"
    assert "Không tìm thấy tệp chỉ tiêu" in at.error[0].value
    assert len(at.dataframe) == 0
