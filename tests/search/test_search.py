"""The search on the shipped (illustrative) province: constraints hold, refused sectors get nothing,
every candidate is reviewed, proposals take land, results are identical on rerun."""

from __future__ import annotations

import numpy as np
import pytest

from tbgeo.search import Profile, search_sites
from tbgeo.search.grid import DistanceCache

CELL = 50.0  # coarse, to keep the test quick; the default 20 m is measured in benchmarks/search.py


@pytest.fixture(scope="module")
def result():
    return search_sites(Profile("electronics", 50, gas=True, workforce=2000), cell=CELL)


def test_candidates_hold_no_constrained_cell(result) -> None:
    assert len(result.candidates) == 10
    for c in result.candidates:
        w = c.window
        assert not result.constrained[w.row:w.row + w.rows, w.col:w.col + w.cols].any()
        assert c.area_ha >= 50.0
        assert c.score == pytest.approx(float(result.surface[w.row:w.row + w.rows, w.col:w.col + w.cols].mean()), abs=1e-6)
    scores = [c.score for c in result.candidates]
    assert scores == sorted(scores, reverse=True)


def test_candidates_are_inside_the_province_and_not_on_luc(result) -> None:
    import shapely

    from tbgeo.search import SearchLayers

    province = SearchLayers.from_catalog().context.province
    assert len(result.candidates) == 10
    for c in result.candidates:
        assert c.geometry.difference(province).area < 1.0  # m², whole cells inside the province
        assert c.report is not None
        assert c.report.facts.landuse.luc_ha == pytest.approx(0.0, abs=0.01)
        assert c.report.finding("province").severity == "ok"
        assert c.report.finding("gas_corridor").severity == "ok"
        assert c.districts()
        assert shapely.is_valid(c.geometry)


def test_model_lists_constraints_factors_weights_with_citations(result) -> None:
    m = result.model("vi")
    ids = [c["id"] for c in m["constraints"]]
    assert ids == ["outside_province", "luc", "water", "town_centres", "parks_occupied", "gas_corridor", "proposals"]
    assert all(c["citation"] for c in m["constraints"])
    luc = next(c for c in m["constraints"] if c["id"] == "luc")
    assert luc["citation"] == "Điều 1, III.4; V.1.h; Luật Đất đai 2024, Điều 122"
    assert luc["excluded_ha"] > 10_000
    weights = {w["factor"]: w["weight"] for w in m["weights"]}
    assert sum(weights.values()) == pytest.approx(1.0)
    assert "road" not in weights  # the shipped catalog has no road layer
    road = next(f for f in m["factors"] if f["id"] == "road")
    assert road["dropped"] == "no_layer" and road["dropped_text"] == "danh mục không có lớp dữ liệu này"
    gas = next(f for f in m["factors"] if f["id"] == "gas")
    assert gas["function"] == "hàm mũ: e^(−d / 3.000 m)"
    # high_tech defaults zone .35 gas .10 river .05 luk .15 raw .10 (road .25 dropped) → ÷ 0.75
    assert weights["zone"] == pytest.approx(0.35 / 0.75)
    assert m["kind"] == "high_tech" and m["kind_citation"] == "Điều 1, III.3; III.4"


def test_refused_sector_gets_no_candidates() -> None:
    r = search_sites(Profile("dyeing", 50), cell=CELL)
    assert r.refused and r.candidates == [] and r.surface is None
    d = r.to_dict("en")
    assert d["candidates"] == []
    assert d["refusal"]["citation"] == "Điều 1, III.4"
    assert d["refusal"]["message"].startswith("The plan refuses the sector “Dyeing” (dyeing)")


def test_rerun_is_identical_and_uses_the_cache() -> None:
    cache = DistanceCache()
    p = Profile("agro_processing", 30, shape="free")
    a = search_sites(p, cell=CELL, review=False, cache=cache)
    b = search_sites(p, cell=CELL, review=False, cache=cache)
    assert cache.hits >= 2
    np.testing.assert_array_equal(a.surface, b.surface)
    assert [(c.window, c.geometry.wkt) for c in a.candidates] == [(c.window, c.geometry.wkt) for c in b.candidates]


def test_approved_proposal_takes_its_land(result) -> None:
    from tbgeo.store.gpkg import GpkgStore

    best = result.candidates[0]
    ws = GpkgStore.open()
    p = ws.add_proposal(best.geometry, name="Đã duyệt", attributes={}, report={}, status="draft")
    ws.set_status(p.id, "submitted", user="pytest")
    again = search_sites(Profile("electronics", 50, gas=True, workforce=2000), cell=CELL, review=False)
    assert all(not c.geometry.intersects(best.geometry.buffer(-1)) for c in again.candidates)
    taken = next(c for c in again.constraints if c.id == "proposals")
    assert taken.excluded_ha >= best.area_ha


def test_inside_zone_keeps_candidates_in_parks() -> None:
    # "must be inside a park/cluster": the whole footprint, not only its cell centres (a cell the
    # park's edge crosses is out), so the review finds it 100 % inside
    import shapely

    from tbgeo.search import SearchLayers

    layers = SearchLayers.from_catalog()
    parks = layers.context.parks
    zones = shapely.union_all(parks[parks["kind"].isin(("park", "cluster", "agri_park"))].geometry.values)
    operating = shapely.union_all(parks[parks["status"] == "operating"].geometry.values)
    r = search_sites(Profile("textile_garment", 20, zone="inside"), layers=layers, cell=CELL)
    assert len(r.candidates) == 10
    for c in r.candidates:
        assert c.geometry.difference(zones).area < 1.0  # m²
        assert c.geometry.intersection(operating).area < 1.0
        finding = c.report.finding("industrial_zone")
        assert finding.severity == "ok" and finding.value == pytest.approx(100.0, abs=0.01)


def test_sensitivity_of_the_top_candidates(result) -> None:
    from tbgeo.search.sensitivity import sensitivity

    rows = sensitivity(result)
    counting = [k for k, v in result.weights.items() if v > 0]
    assert [(r.factor, r.change) for r in rows] == [(k, s) for k in counting for s in (0.2, -0.2)]
    for r in rows:
        assert sum(r.weights.values()) == pytest.approx(1.0)
        assert len(r.new_ranks) == len(result.candidates)
        assert r.stable == (list(r.new_ranks) == list(range(1, len(result.candidates) + 1)))
        text = r.text("vi")
        assert text.startswith(t_factor(r.factor)) and ("ổn định" in text or "thay đổi — giữ" in text)
    # a variation that changes nothing reproduces the original windows exactly
    zero = sensitivity(result, change=0.0)
    assert all(r.stable for r in zero)


def t_factor(fid: str) -> str:
    from tbgeo.i18n import t

    return t(f"search.factor.{fid}", "vi")


def test_labour_threshold_is_the_reviews() -> None:
    from dataclasses import replace

    from tbgeo.review.config import load_config

    rcfg = load_config()
    p = Profile("plastics", 20, workforce=2000, gas=False)
    assert search_sites(p, cell=200.0, top=1, review=False, review_config=rcfg).plan.kind == "labour"
    raised = replace(rcfg, zoning=replace(rcfg.zoning, labour_heavy_workers=5000))
    r = search_sites(p, cell=200.0, top=1, review=False, review_config=raised)
    assert r.plan.kind == "general" and r.model("en")["kind"] == "general"


def test_distance_rasters_follow_the_layer_version(tmp_path, capsys) -> None:
    # an import of a new gas-pipeline version gives a new distance raster; a rollback finds the old one
    import geopandas as gpd

    from tbgeo.cli import main

    def gas(r):
        return next(f for f in r.factors if f.id == "gas").values

    cache = DistanceCache()
    p = Profile("glass", 20)  # glass uses gas (sector list)
    first = search_sites(p, cell=200.0, top=1, review=False, cache=cache)
    built = cache.misses
    search_sites(p, cell=200.0, top=1, review=False, cache=cache)
    assert cache.misses == built  # warm: every distance raster read back
    src = tmp_path / "gas.geojson"
    assert main(["export", "gas_pipelines", "--out", str(src)]) == 0
    moved = gpd.read_file(src).to_crs(9209)
    moved = moved.set_geometry(moved.geometry.translate(xoff=-3000.0))
    dst = tmp_path / "gas-moved.geojson"
    moved.to_crs(4326).to_file(dst, driver="GeoJSON")
    assert main(["import", str(dst), "--layer", "gas_pipelines"]) == 0
    again = search_sites(p, cell=200.0, top=1, review=False, cache=cache)
    assert cache.misses == built + 1  # the gas distance only
    assert not np.array_equal(gas(again), gas(first))
    assert main(["rollback", "gas_pipelines", "shipped"]) == 0
    back = search_sites(p, cell=200.0, top=1, review=False, cache=cache)
    assert cache.misses == built + 1
    np.testing.assert_array_equal(gas(back), gas(first))
    capsys.readouterr()
