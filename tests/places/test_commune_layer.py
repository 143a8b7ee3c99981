"""The optional communes_2025 layer: recognised by its code values (a province-wide layer too),
refused when it cannot be used, and a site it covers only in part is not given a commune as fact."""

from __future__ import annotations

import json
from pathlib import Path

import geopandas as gpd
import pytest
import shapely

from tbgeo.cli import main
from tbgeo.places import crosswalk, load_sources
from tbgeo.review.context import ReviewContext
from tbgeo.review.run import review_site
from tbgeo.store.gpkg import GpkgStore

TIEN_HAI = (
    "xã Tiền Hải, xã Đông Tiền Hải, xã Đồng Châu, xã Ái Quốc, xã Tây Tiền Hải, xã Nam Cường, xã Nam Tiền Hải, xã Hưng Phú"
)


def _centre() -> shapely.Point:
    park = next(s for s in load_sources().sites if s.name == "KCN Tiền Hải")
    return park.geometry.centroid


def _former_hung_yen_codes() -> list[str]:
    cw = crosswalk()
    return sorted(cw.province_codes - set(cw.new_units))


def test_the_new_province_has_104_units_65_of_them_in_the_former_thai_binh() -> None:
    cw = crosswalk()
    assert len(cw.province_codes) == 104
    assert set(cw.new_units) <= cw.province_codes
    assert len(_former_hung_yen_codes()) == 39


def test_a_province_wide_layer_is_recognised(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A layer of the whole new Hưng Yên (here 2 units of the former Thái Bình and 3 of the former
    Hưng Yên: 40 % of its codes are Thái Bình's) is used: its Thái Bình-area communes count."""
    c = _centre()
    ours = [shapely.box(c.x - 3000, c.y - 3000, c.x + 3000, c.y + 3000), shapely.box(c.x - 9000, c.y - 3000, c.x - 3000, c.y + 3000)]
    # three squares in the former Hưng Yên (west of the Luộc), around 20.65 N, 106.05 E
    hy = gpd.GeoSeries.from_xy([106.03, 106.05, 106.07], [20.65, 20.65, 20.65], crs=4326).to_crs(9209)
    theirs = [shapely.box(p.x - 900, p.y - 900, p.x + 900, p.y + 900) for p in hy]
    path = tmp_path / "hung_yen_104.gpkg"
    gpd.GeoDataFrame({"ma_dvhc": ["13003", "12970", *_former_hung_yen_codes()[:3]]}, geometry=ours + theirs,
                     crs=9209).to_file(path)
    assert main(["layers"]) == 0  # before: listed, and said to be not imported yet
    line = next(ln for ln in capsys.readouterr().out.splitlines() if "communes_2025" in ln)
    assert "Xã, phường từ 1/7/2025 (tỉnh Hưng Yên)" in line and "tùy chọn, chưa nạp" in line
    assert main(["import", str(path), "--layer", "communes_2025"]) == 0
    capsys.readouterr()
    assert main(["layers", "--format", "json"]) == 0  # after: what GIS staff just imported is listed
    listed = next(r for r in json.loads(capsys.readouterr().out) if r["id"] == "communes_2025")
    assert (listed["optional"], listed["imported"], listed["features"]) == (True, True, 5)
    assert listed["source"] == "workspace:communes_2025@v1"
    assert main(["where", "KCN Tiền Hải", "--format", "json"]) == 0
    row = json.loads(capsys.readouterr().out)[0]
    assert row["new_communes_exact"] is True
    assert [(x["code"], x["name"]) for x in row["new_communes"]] == [("13003", "xã Đồng Châu")]
    assert row["text"] == "KCN Tiền Hải — huyện cũ: Tiền Hải; xã, phường mới: xã Đồng Châu (theo lớp ranh giới xã, phường 2025)"


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_a_layer_without_a_code_column_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str], lang: str) -> None:
    c = _centre()
    path = tmp_path / "xa_ten.gpkg"
    # names only, and old (pre-2025) commune codes: neither identifies a 2025 unit
    gpd.GeoDataFrame({"TEN": ["Đồng Châu", "Tiền Hải"], "MA_CU": ["13018", "13012"]},
                     geometry=[shapely.box(c.x - 3000, c.y - 3000, c.x + 3000, c.y + 3000),
                               shapely.box(c.x - 9000, c.y - 3000, c.x - 3000, c.y + 3000)], crs=9209).to_file(path)
    for dry in ([], ["--dry-run"]):
        assert main(["--lang", lang, "import", str(path), "--layer", "communes_2025", *dry]) == 2
        err = capsys.readouterr().err
        assert "Traceback" not in err
        if lang == "vi":
            assert "Tệp không có cột mã đơn vị hành chính TCTK của các xã, phường từ 1/7/2025 (mã 5 chữ số như 13003" in err
        else:
            assert "The file has no GSO code column of the communes and wards from 1 July 2025" in err
    assert not GpkgStore.exists() or GpkgStore.open_existing().versions("communes_2025") == []


def test_a_layer_of_only_former_hung_yen_units_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    hy = gpd.GeoSeries.from_xy([106.03, 106.05], [20.65, 20.65], crs=4326).to_crs(9209)
    path = tmp_path / "hy_cu.gpkg"
    gpd.GeoDataFrame({"ma": _former_hung_yen_codes()[:2]}, geometry=[p.buffer(800) for p in hy], crs=9209).to_file(path)
    assert main(["import", str(path), "--layer", "communes_2025", "--insist"]) == 2
    assert "Cột mã «ma» chỉ có mã các xã, phường ngoài địa bàn tỉnh Thái Bình cũ" in capsys.readouterr().err


def test_a_site_the_layer_covers_in_part_gets_candidates_for_the_rest(imported_communes) -> None:  # type: ignore[no-untyped-def]
    """The fixture's squares cover 12 km × 6 km; a site half above them is half measured, half not."""
    c = _centre()
    half_out = shapely.box(c.x - 300, c.y + 2800, c.x + 300, c.y + 3200)  # 200 m of 400 m above the squares
    ctx = ReviewContext.from_catalog(include_proposals=False)
    report = review_site(half_out, context=ctx)
    d = report.to_dict("vi")["places"]
    assert d["new_communes_exact"] is True
    assert [(x["code"], x["share"]) for x in d["new_communes"]] == [("13003", pytest.approx(0.5))]
    assert d["new_communes_uncovered_share"] == pytest.approx(0.5)
    assert [x["name"] for x in d["new_communes_candidates"]] == TIEN_HAI.split(", ")
    assert d["text"] == (
        "huyện cũ: Tiền Hải; xã, phường mới: xã Đồng Châu (50,0 %) (theo lớp ranh giới xã, phường 2025);"
        " 50,0 % diện tích khu đất nằm ngoài các xã, phường của lớp ranh giới xã, phường 2025: huyện cũ nay thuộc các"
        f" xã, phường mới: {TIEN_HAI}; muốn biết chính xác cần bổ sung ranh giới các xã, phường này vào lớp «Xã, phường từ 1/7/2025»"
    )
    en = report.to_dict("en")["places"]["text"]
    assert en.startswith("former district: Tiền Hải; new commune or ward: xã Đồng Châu (50.0 %) (from the 2025 commune")
    assert "50.0 % of the site lies outside the communes and wards of the 2025 commune boundary layer" in en
    # wholly outside the squares: no commune is claimed, the former district's candidates are named
    away = shapely.box(c.x - 300, c.y + 5000, c.x + 300, c.y + 5400)
    d = review_site(away, context=ctx).to_dict("vi")["places"]
    assert d["new_communes"] == [] and d["new_communes_uncovered_share"] == pytest.approx(1.0)
    assert d["text"].startswith("huyện cũ: Tiền Hải; 100,0 % diện tích khu đất nằm ngoài các xã, phường của lớp")
    # inside one square: exact, and the text says just the commune
    inside = shapely.box(c.x - 300, c.y - 200, c.x + 300, c.y + 200)
    d = review_site(inside, context=ctx).to_dict("vi")["places"]
    assert d["new_communes_uncovered_share"] == 0.0 and d["new_communes_candidates"] == []
    assert d["text"] == "huyện cũ: Tiền Hải; xã, phường mới: xã Đồng Châu (theo lớp ranh giới xã, phường 2025)"


def test_an_imported_commune_layer_is_on_the_map(imported_communes) -> None:  # type: ignore[no-untyped-def]
    """What GIS staff just imported can be seen: a toggle under the administrative theme, drawn and in the legend."""
    from tbgeo.catalog import load_catalog
    from tbgeo.mapping.view import map_html
    from tbgeo.mapping.webmap import legend_entries

    cat = load_catalog()
    assert "communes_2025" not in cat.ids  # still an optional layer of the catalog …
    assert "communes_2025" in [lyr.id for lyr in cat.shown()]  # … that the map shows now
    assert "communes_2025" in [lyr.id for lyr in cat.by_group(shown=True)["administrative"]]
    entries = legend_entries(cat, ["districts", "communes_2025"], "vi")
    assert [e.title for e in entries] == ["Đơn vị hành chính cấp huyện", "Xã, phường từ 1/7/2025 (tỉnh Hưng Yên)"]
    html = map_html(cat, ("districts", "communes_2025"), "vi")
    assert html.count("tbgeo-layer-communes_2025") >= 1  # its polygons are drawn, styled as the layer says
    assert '"dashArray": "2 3"' in html and '"color": "#6a3d9a"' in html
    assert "tbgeo-layer-communes_2025" not in map_html(cat, ("districts",), "vi")
