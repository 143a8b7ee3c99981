"""The search model by hand: window scores on a 5 × 5 grid, spacing, AHP on Saaty's textbook matrix,
decay functions, sector kinds, footprints, the config file."""

from __future__ import annotations

import math

import numpy as np
import pytest

from tbgeo.errors import InputError
from tbgeo.plan.sectors import CITATION_RE, get_sector
from tbgeo.search.candidates import best_windows, summed_area, window_scores, window_sums
from tbgeo.search.config import FACTORS, KINDS, load_search_config
from tbgeo.search.factors import decay
from tbgeo.search.profile import Profile, plan_for, window_shapes
from tbgeo.search.weights import RANDOM_INDEX, ahp, ahp_weights, check_weights, renormalise

#: Scores × 10; the cell (3, 3) is constrained.
SCORE = np.array(
    [[1, 2, 3, 4, 5],
     [2, 3, 4, 5, 6],
     [3, 4, 9, 6, 7],
     [4, 5, 6, 7, 8],
     [5, 6, 7, 8, 9]], dtype=float) / 10.0
CONSTRAINED = np.zeros((5, 5), dtype=bool)
CONSTRAINED[3, 3] = True


def test_summed_area_table() -> None:
    sat = summed_area(SCORE * 10)
    assert sat.shape == (6, 6)
    assert sat[5, 5] == pytest.approx(SCORE.sum() * 10)
    sums = window_sums(sat, 2, 2)
    assert sums.shape == (4, 4)
    assert sums[2, 2] == pytest.approx(9 + 6 + 6 + 7)  # rows 2–3, cols 2–3


def test_window_means_by_hand() -> None:
    m = window_scores(SCORE, CONSTRAINED, 2, 2)
    expected = np.array(
        [[2, 3, 4, 5],
         [3, 5, 6, 6],
         [4, 6, -np.inf, -np.inf],
         [5, 6, -np.inf, -np.inf]]) / 10.0
    np.testing.assert_allclose(m, expected)


def test_best_window_and_spacing() -> None:
    # the best clean 2 × 2 windows score 0.6 at (1,2), (1,3), (2,1), (3,1): row-major first wins;
    # with 3 cells of spacing every other clean window's centre is closer than 3 cells to (2, 3)
    wins = best_windows(SCORE, CONSTRAINED, [(2, 2)], top=10, min_spacing_cells=3)
    assert [(w.row, w.col, w.rows, w.cols) for w in wins] == [(1, 2, 2, 2)]
    assert wins[0].score == pytest.approx(0.6)
    assert wins[0].centre == (2.0, 3.0)


def test_single_cells_with_spacing() -> None:
    # 1 × 1 windows: 0.9 at (2,2) and (4,4) (2.83 cells apart); the 0.8 cells touch (4,4); next is
    # 0.7 at (2,4), 2 cells from both; (3,3) is constrained
    wins = best_windows(SCORE, CONSTRAINED, [(1, 1)], top=3, min_spacing_cells=1.9)
    assert [(w.row, w.col) for w in wins] == [(2, 2), (4, 4), (2, 4)]
    assert [w.score for w in wins] == pytest.approx([0.9, 0.9, 0.7])


def test_no_window_with_a_constrained_cell() -> None:
    rng = np.random.default_rng(7)
    score = rng.random((60, 80))
    constrained = rng.random((60, 80)) < 0.02
    wins = best_windows(score, constrained, [(4, 6), (6, 4)], top=15, min_spacing_cells=5)
    assert wins
    for w in wins:
        assert not constrained[w.row:w.row + w.rows, w.col:w.col + w.cols].any()
        assert w.score == pytest.approx(score[w.row:w.row + w.rows, w.col:w.col + w.cols].mean())
    for a in wins:
        for b in wins:
            if a is not b:
                assert math.dist(a.centre, b.centre) >= max(5, math.hypot(6, 4)) - 1e-9
    assert [w.score for w in wins] == sorted((w.score for w in wins), reverse=True)


@pytest.mark.parametrize("low", [0.0, -1.0])  # 0: one table with the constrained cells as a negative sum; −1: two tables
def test_window_scores_match_brute_force(low: float) -> None:
    rng = np.random.default_rng(11)
    score = rng.uniform(low, 1.0, (30, 40))
    constrained = rng.random((30, 40)) < 0.01
    got = window_scores(score, constrained, 4, 7)
    assert got.shape == (27, 34)
    for i in range(27):
        for j in range(34):
            if constrained[i:i + 4, j:j + 7].any():
                assert got[i, j] == -np.inf
            else:
                assert got[i, j] == pytest.approx(score[i:i + 4, j:j + 7].mean(), abs=1e-6)
    assert np.isfinite(got).sum() > 100


def test_window_larger_than_grid_gives_none() -> None:
    assert best_windows(SCORE, CONSTRAINED, [(6, 6)], top=3, min_spacing_cells=0) == []


def test_ahp_on_saaty_textbook_matrix() -> None:
    # Saaty's 3 × 3 example: weights 0.637 / 0.258 / 0.105, λmax 3.0385, CI 0.0193, CR 0.033
    r = ahp_weights([[1, 3, 5], [1 / 3, 1, 3], [1 / 5, 1 / 3, 1]], ["zone", "gas", "luk"])
    assert r.weights == pytest.approx((0.6370, 0.2583, 0.1047), abs=5e-4)
    assert r.lambda_max == pytest.approx(3.0385, abs=1e-4)
    assert r.ci == pytest.approx(0.01926, abs=1e-4)
    assert r.cr == pytest.approx(0.0332, abs=1e-4)
    assert RANDOM_INDEX[2] == 0.58 and RANDOM_INDEX[3] == 0.90


def test_consistent_matrix_has_cr_zero() -> None:
    r = ahp([[1, 2, 4], [1 / 2, 1, 2], [1 / 4, 1 / 2, 1]])
    assert r.cr == pytest.approx(0.0, abs=1e-9)
    assert r.weights == pytest.approx((4 / 7, 2 / 7, 1 / 7))


def test_inconsistent_matrix_refused_naming_the_pair() -> None:
    # consistent (a 2× b 2× c) except c against d: 1/4 where 2 would fit → CR 0.216
    m = [[1, 2, 4, 8], [1 / 2, 1, 2, 4], [1 / 4, 1 / 2, 1, 1 / 4], [1 / 8, 1 / 4, 4, 1]]
    names = ["zone", "gas", "luk", "river"]
    assert ahp(m, names).cr == pytest.approx(0.216, abs=1e-3)
    with pytest.raises(InputError) as exc:
        ahp_weights(m, names)
    assert exc.value.message("vi") == (
        "Tỷ số nhất quán CR = 0,216 ≥ 0,10: các đánh giá so sánh cặp không nhất quán. "
        "Cặp kém nhất quán nhất: “Tỷ lệ đất lúa còn lại (LUK) phải chuyển đổi, mã luk” – "
        "“Khoảng cách tới sông (vận tải thủy), mã river”; xem lại đánh giá của cặp này.")
    assert exc.value.message("en") == (
        "Consistency ratio CR = 0.216 ≥ 0.10: the pairwise judgements are inconsistent. Most inconsistent pair: "
        "“Share of other rice land (LUK) converted, id luk” – “Distance to a river (waterway transport), id river”; "
        "revise that judgement.")


def test_ahp_names_each_factor_once_and_weights_are_numbers() -> None:
    with pytest.raises(InputError) as exc:
        ahp([[1, 1], [1, 1]], ["zone", "zone"])
    assert exc.value.message("en") == ("The factor “Distance to the economic zone / parks / clusters, id zone” is named "
                                       "twice in the names of the [ahp] matrix: one row and one column per factor.")
    assert exc.value.message("vi").startswith("Yếu tố “Khoảng cách tới khu kinh tế / KCN / CCN, mã zone” có hai lần")
    with pytest.raises(InputError) as exc:
        check_weights({"zone": True}, FACTORS)
    assert exc.value.message("vi") == "Trọng số của “zone” không phải là số: “true”."


def test_ahp_bad_matrices() -> None:
    with pytest.raises(InputError, match="reciprocal"):
        ahp([[1, 3], [3, 1]], ["a", "b"])
    with pytest.raises(InputError) as exc:
        ahp([[1, 12], [1 / 12, 1]])
    assert "1/9" in exc.value.message("vi")
    with pytest.raises(InputError) as exc:
        ahp([[1, 2, 3]])
    assert exc.value.key == "search.ahp.not_square"
    assert exc.value.message("en") == "The pairwise comparison matrix must be square: one row and one column per factor."


def test_direct_weights() -> None:
    assert check_weights({"zone": 0.5, "gas": 0.5}, FACTORS) == {"zone": 0.5, "gas": 0.5}
    with pytest.raises(InputError) as exc:
        check_weights({"zone": 0.5, "gas": 0.4}, FACTORS)
    assert exc.value.message("vi") == "Tổng các trọng số là 0,900, phải bằng 1. Sửa lại các trọng số."
    assert exc.value.message("en") == "The weights add up to 0.900; they must add up to 1. Correct them."
    with pytest.raises(InputError) as exc:
        check_weights({"slope": 1.0}, FACTORS)
    assert exc.value.message("en") == ("Weights for factors that are not in the model: slope. "
                                       "The factors: zone, gas, road, river, luk, raw_material.")
    assert renormalise({"zone": 0.3, "gas": 0.3, "luk": 0.4}, ["zone", "luk"]) == pytest.approx({"zone": 3 / 7, "luk": 4 / 7})


def test_decay_functions() -> None:
    d = np.array([0.0, 2500.0, 5000.0, 9000.0])
    np.testing.assert_allclose(decay(d, "linear", 5000.0), [1.0, 0.5, 0.0, 0.0])
    np.testing.assert_allclose(decay(d, "exponential", 2500.0), np.exp([0.0, -1.0, -2.0, -3.6]), rtol=1e-6)
    np.testing.assert_allclose(decay(np.array([True, False]), "class", None), [0.0, 1.0])
    assert decay(np.array([np.inf]), "linear", 10.0)[0] == 0.0


def test_sector_kinds() -> None:
    p = Profile("x", 50)
    assert plan_for(p, get_sector("dyeing")).refused
    assert plan_for(p, get_sector("dyeing")).citation == get_sector("dyeing").citation
    assert plan_for(p, get_sector("textile_garment")).kind == "labour"
    assert plan_for(p, get_sector("electronics")).kind == "high_tech"
    assert plan_for(p, get_sector("agro_processing")).kind == "agro"
    assert plan_for(p, get_sector("power_generation")).kind == "coastal"
    assert plan_for(p, get_sector("textile_garment"), refused_codes=("textile_garment",)).refused
    # a stated workforce decides the labour kind (as in the review's zone rule)
    assert plan_for(Profile("x", 50, workforce=50), get_sector("textile_garment")).kind != "labour"
    # … from the review's threshold (config/review.toml zoning.labour_heavy_workers), which the search passes
    assert plan_for(Profile("x", 50, workforce=600), get_sector("plastics")).kind == "labour"
    assert plan_for(Profile("x", 50, workforce=600), get_sector("plastics"), labour_heavy_workers=1000).kind == "general"


def test_window_shapes_cover_the_area() -> None:
    # √500,000 m² = 707.1 m → 36 rows; 35 columns are enough: 36 × 35 × 400 m² = 50.4 ha ≥ 50 ha
    assert window_shapes(Profile("x", 50), 20.0) == [(36, 35)]
    rows, cols = window_shapes(Profile("x", 50, shape="ratio", ratio=2.0), 20.0)[0]
    assert rows * cols * 400 >= 500_000 and cols > rows
    assert len(window_shapes(Profile("x", 300, shape="free"), 20.0)) == 3


def test_bad_profile_messages() -> None:
    with pytest.raises(InputError) as exc:
        Profile("electronics", -5).check()
    assert exc.value.message("vi") == "Diện tích “-5” không hợp lệ: nhập số héc-ta lớn hơn 0 (ví dụ 50)."
    assert exc.value.message("en") == "Area “-5” is not valid: enter the hectares, more than 0 (e.g. 50)."
    with pytest.raises(InputError) as exc:
        Profile("electronics", 50, shape="round").check()
    assert exc.value.message("vi") == "Hình dạng “round” không hợp lệ. Chọn một trong: square, ratio, free."
    with pytest.raises(InputError) as exc:
        Profile("electronics", 6000).check()
    assert exc.value.message("vi") == "Diện tích 6.000,0 ha quá lớn cho một dự án (tối đa 5.000 ha). Nhập diện tích nhỏ hơn."
    with pytest.raises(InputError) as exc:
        Profile("electronics", 1e308).check()
    assert exc.value.message("en").startswith("An area of 1e+308 ha is too large")


def test_config_defaults_are_cited_and_sum_to_one() -> None:
    cfg = load_search_config()
    assert cfg.cell_m == 20.0 and cfg.top == 10
    for kind in KINDS:
        assert sum(cfg.weights[kind].values()) == pytest.approx(1.0)
    from tbgeo.search.constraints import CONSTRAINTS
    from tbgeo.search.factors import FACTOR_CITATIONS

    for plan_ref, _ in CONSTRAINTS.values():
        first, *rest = [p.strip() for p in plan_ref.split(";")]
        assert first == "Điều 1" or CITATION_RE.match(first)
        assert all(CITATION_RE.match(f"Điều 1, {p}") for p in rest)
    assert set(FACTOR_CITATIONS) == set(FACTORS)


def test_the_search_config_is_read_by_the_one_config_reader(tmp_path, monkeypatch) -> None:
    # a missing shipped file is an error (the model has no built-in defaults), as is a file that is
    # not TOML or not UTF-8: a message naming the file, never a traceback
    from tbgeo import settings

    monkeypatch.setattr(settings, "shipped", lambda *parts: tmp_path.joinpath(*parts))
    with pytest.raises(InputError) as exc:
        load_search_config()
    assert exc.value.message("en") == f"Configuration file {tmp_path / 'config' / 'search.toml'} not found. Check the path (--config)."
    bad = tmp_path / "bad.toml"
    for content in (b"[grid\n", b"[grid]\ncell_m = 20 # \xff\n"):
        bad.write_bytes(content)
        with pytest.raises(InputError) as exc:
            load_search_config(bad)
        assert exc.value.message("vi").startswith("Không đọc được tệp cấu hình bad.toml:")


def test_grid_window_of_a_nested_raster() -> None:
    from affine import Affine

    from tbgeo.search.grid import Grid, _aligned, _window

    src = np.arange(12).reshape(3, 4)  # 20 m cells, top-left (1000, 2000)
    t20 = Affine(20.0, 0.0, 1000.0, 0.0, -20.0, 2000.0)
    g = Grid(1000.0, 2000.0, 20.0, 3, 4)
    assert _aligned(t20, g) == (0, 0, 1)
    np.testing.assert_array_equal(_window(src, (0, 0, 1), g), src)
    # a 10 m grid one source cell in and past the raster's edge: each 20 m cell is 2 × 2 cells, 0 outside
    g10 = Grid(1020.0, 1980.0, 10.0, 5, 7)
    off = _aligned(t20, g10)
    assert off == (2, 2, 2)
    w = _window(src, off, g10)
    np.testing.assert_array_equal(w[:4, :6], np.repeat(np.repeat(src[1:3, 1:4], 2, 0), 2, 1))
    assert (w[4, :] == 0).all() and (w[:, 6] == 0).all()
    assert _aligned(t20, Grid(1005.0, 2000.0, 10.0, 2, 2)) is None


def test_sensitivity_weights_and_hand_case() -> None:
    from tbgeo.search.sensitivity import vary

    w = vary({"zone": 0.5, "gas": 0.3, "luk": 0.2}, "zone", 0.2)
    # zone 0.5 × 1.2 = 0.6, then all ÷ 1.1
    assert w == pytest.approx({"zone": 0.6 / 1.1, "gas": 0.3 / 1.1, "luk": 0.2 / 1.1})
    assert sum(vary(w, "luk", -0.2).values()) == pytest.approx(1.0)


def test_same_place_match() -> None:
    from tbgeo.search.sensitivity import _match

    boxes = [(0, 0, 4, 4), (10, 10, 4, 4)]
    assert _match((10, 12, 4, 4), boxes) == 2  # half covered
    assert _match((10, 13, 4, 4), boxes) is None  # a quarter
    assert _match((0, 0, 4, 4), boxes) == 1


def _hand_grid():
    from tbgeo.search.grid import Grid

    # 5 × 5 cells of 10 m, top-left (0, 50): columns x 0–10 … 40–50, rows y 50–40 … 10–0
    return Grid(0.0, 50.0, 10.0, 5, 5)


def test_cells_within_and_touched_by_hand() -> None:
    import shapely

    from tbgeo.search.constraints import cells_touched, cells_within
    from tbgeo.search.grid import rasterize

    grid = _hand_grid()
    poly = shapely.box(4, 4, 36, 46)  # every centre x 5–35, y 5–45 inside; whole cells only x 10–30, y 10–40
    centre = rasterize([poly], grid)
    assert centre[:, :4].all() and not centre[:, 4].any()  # 20 cells by centre
    within = cells_within([poly], grid)
    expected = np.zeros((5, 5), dtype=bool)
    expected[1:4, 1:3] = True
    np.testing.assert_array_equal(within, expected)
    np.testing.assert_array_equal(cells_touched([poly], grid), centre)
    # two parks side by side count as one: their shared edge does not cut the cells along it
    halves = [shapely.box(-5, -5, 25, 55), shapely.box(25, -5, 55, 55)]
    assert cells_within(halves, grid).all()
    assert not cells_within([], grid).any()


def test_footprints_of_clean_cells_hold_no_excluded_land() -> None:
    # excluded land drawn as discs at arbitrary positions (not on grid lines); the footprints found
    # on "outside the discs" and "inside the allowed area" cells hold none of it, in true area
    import shapely

    from tbgeo.search.constraints import cells_touched, cells_within
    from tbgeo.search.grid import Grid

    grid = Grid(0.0, 400.0, 10.0, 40, 40)
    rng = np.random.default_rng(3)
    discs = [shapely.Point(x, y).buffer(r) for x, y, r in rng.uniform((0, 0, 8), (400, 400, 30), (12, 3))]
    allowed = shapely.Point(200, 200).buffer(170)
    constrained = cells_touched(discs, grid) | ~cells_within([allowed], grid)
    score = rng.random(grid.shape)
    wins = best_windows(score, constrained, [(4, 5), (5, 4)], top=8, min_spacing_cells=6)
    assert len(wins) >= 4
    excluded = shapely.union_all(discs)
    for w in wins:
        box = grid.box(w.row, w.col, w.rows, w.cols)
        assert box.intersection(excluded).area < 1e-6
        assert box.difference(allowed).area < 1e-6


def test_vector_landuse_masks_hold_every_touched_cell() -> None:
    # an imported land-use layer (polygons): a LUC polygon covering only part of some cells still
    # excludes them, as the raster does ("any of the cell"); the LUK share goes by centre
    import geopandas as gpd
    import shapely

    from tbgeo.review.zonal import VectorLanduse
    from tbgeo.search.grid import landuse_masks

    grid = _hand_grid()
    # LUC x 6–34, y 6–44: the centres of 6 cells, a part of 20
    gdf = gpd.GeoDataFrame({"code": ["LUC", "LUK"]}, geometry=[shapely.box(6, 6, 34, 44), shapely.box(40, 0, 50, 50)],
                           crs="EPSG:9209")
    masks = landuse_masks(VectorLanduse(gdf, code_column="code"), grid, {"luc": ("LUC",), "luk": ("LUK",)},
                          shares=("luk",))
    expected = np.zeros((5, 5), dtype=bool)
    expected[:, :4] = True
    np.testing.assert_array_equal(masks["luc"], expected)
    np.testing.assert_array_equal(masks["luk"][:, 4], np.ones(5, dtype=np.float32))
    assert masks["luk"][:, :4].sum() == 0


def test_readme_weights_example_is_accepted() -> None:
    # the README's `w.toml` is a valid AHP weights file (consistent: CR < 0.10)
    import re
    import tomllib
    from pathlib import Path

    from tbgeo.search.weights import parse_weights

    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    block = re.search(r"For example, `w\.toml`:\n\n  ```toml\n(.*?)  ```", readme, re.S)
    assert block is not None
    data = tomllib.loads("\n".join(line[2:] for line in block.group(1).splitlines()))
    weights, source, result = parse_weights(data, FACTORS)
    assert source == "ahp" and result is not None and result.cr < 0.10
    assert sum(weights.values()) == pytest.approx(1.0)
    assert weights["zone"] > weights["luk"] > weights["river"] > 0 and weights["gas"] == 0.0
