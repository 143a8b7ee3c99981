"""The steps of an import plan, each on a small frame with a known answer (no file, no pipeline)."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pytest
from shapely.geometry import Point, Polygon, box

from tbgeo.errors import CatalogError, CRSError, InputError
from tbgeo.i18n.params import Bilingual
from tbgeo.ingest.config import IngestConfig
from tbgeo.ingest.steps import (
    crs as crs_step,
    encoding as text_step,
    fid_list,
    geometry as geometry_step,
    landing as landing_step,
    target as target_step,
)
from tbgeo.ingest.steps.source import SourceData
from tbgeo.ingest.validate import FID
from tests.ingest.conftest import E0, N0

CONFIG = IngestConfig()


def frame(geoms: list, **columns: list) -> gpd.GeoDataFrame:
    """A frame as the source step leaves it: FID column from 0, no CRS."""
    return gpd.GeoDataFrame({FID: list(range(len(geoms))), **columns}, geometry=geoms)


def source(gdf: gpd.GeoDataFrame, **kw: object) -> SourceData:
    base: dict[str, object] = {
        "name": "f.geojson", "sha256": "0" * 64, "size": 1, "container": "geojson", "kind": "geojson",
        "options": ["f.geojson"], "chosen": "f.geojson", "frame": gdf, "text_source": "unicode", "declared_crs": None,
    }  # fmt: skip
    return SourceData(**{**base, **kw})  # type: ignore[arg-type]


def test_fid_list_shows_ten_then_an_ellipsis() -> None:
    assert fid_list([3, 1]) == "3, 1"
    assert fid_list(list(range(12))) == "0, 1, 2, 3, 4, 5, 6, 7, 8, 9 …"


def test_source_warnings_put_an_ignored_link_crs_after_renamed_columns() -> None:
    renamed = ("ingest.w_column_renamed", {"column": "NAME", "new": "NAME_1", "clash": ("ingest.clash_column", {"other": "name"})})
    src = source(frame([Point(0, 0)]), link_crs="http://example.invalid/crs", column_warnings=[renamed])
    assert src.warnings == [renamed, ("ingest.w_crs_link_ignored", {"href": "http://example.invalid/crs"})]
    assert src.column_warnings == [renamed]  # the property copies, it does not append


@pytest.mark.parametrize(
    ("cpg", "expected"),
    [("UTF-8", "utf-8"), ("65001", "utf-8"), ("ANSI 1258", "cp1258"), ("windows-1258", "cp1258"), ("ISO-8859-1", "latin1"),
     ("TCVN3", None), ("", None), (None, None)],
)  # fmt: skip
def test_cpg_names_an_encoding_tbgeo_reads(cpg: str | None, expected: str | None) -> None:
    assert text_step.cpg_encoding(cpg) == expected


def test_encoding_step_converts_tcvn3_and_warns_about_a_wrong_cpg() -> None:
    # "Thái Bình" in TCVN3 bytes (á = 0xb8, ì = 0xd7), read as Latin-1 like every shapefile
    raw = "Th\xb8i B\xd7nh"
    src = source(frame([Point(0, 0)] * 3, ten=[raw, raw, "KCN"]), text_source="bytes", kind="shapefile", cpg="UTF-8")
    step = text_step.decide(src, None)
    assert step.columns["ten"].encoding == "tcvn3" and step.columns["ten"].converted
    assert step.frame["ten"].tolist() == ["Thái Bình", "Thái Bình", "KCN"]
    assert step.preview == [{"column": "ten", "encoding": "tcvn3", "before": raw, "after": "Thái Bình"}] * 2
    assert step.warnings[0] == ("ingest.w_cpg_wrong", {"cpg": "UTF-8", "detected": "tcvn3"})
    assert step.blockers == [] and step.renamed == {}


def test_encoding_step_takes_the_users_choice_per_column() -> None:
    src = source(frame([Point(0, 0)], a=["caf\xe9"], b=["caf\xe9"]), text_source="bytes", kind="shapefile")
    step = text_step.decide(src, {"a": "latin1", "*": "cp1258"})
    assert (step.columns["a"].encoding, step.columns["a"].user) == ("latin1", True)
    assert (step.columns["b"].encoding, step.columns["b"].user) == ("cp1258", True)
    assert step.frame["a"].tolist() == ["café"]


def test_geometry_step_blocks_other_types_unless_skipped() -> None:
    gdf = frame([box(0, 0, 1, 1), box(2, 0, 3, 1), Point(5, 5)])
    kw = {"target_type": "Polygon", "layer_id": "industrial_parks", "lines_to_polygons": False, "config": CONFIG}
    blocked = geometry_step.check(gdf, skip_other_types=False, swap_axes=False, **kw)  # type: ignore[arg-type]
    params = {"total": 3, "found": "Polygon ×2, Point ×1", "n": 1, "others": "Point",
              "layer": Bilingual("industrial_parks (vi)", "industrial_parks (en)"),  # the title, said in the reader's language
              "expected": "Polygon", "kept": 2}  # fmt: skip
    assert blocked.blockers == [("ingest.mixed_types", params)] and blocked.warnings == []
    assert blocked.frame[FID].tolist() == [0, 1] and blocked.report.dropped_type_fids == [2]
    skipped = geometry_step.check(gdf, skip_other_types=True, swap_axes=True, **kw)  # type: ignore[arg-type]
    assert skipped.blockers == []
    assert skipped.warnings == [("ingest.w_axes_swapped", {}), ("ingest.w_dropped_type", params)]


def test_geometry_step_words_its_repairs_apart() -> None:
    bowtie = Polygon([(0, 0), (2, 2), (2, 0), (0, 2)])
    step = geometry_step.check(
        frame([bowtie, Polygon(), box(5, 5, 6, 6)]), target_type="Polygon", layer_id="x", lines_to_polygons=False,
        skip_other_types=False, swap_axes=False, config=CONFIG,
    )  # fmt: skip
    assert step.warnings == [] and step.blockers == []
    assert step.repairs == [("ingest.w_dropped_empty", {"n": 1, "fids": "1"}), ("ingest.w_repaired", {"n": 1, "fids": "0"})]


def test_geometry_step_refuses_huge_coordinates_before_any_repair() -> None:
    with pytest.raises(InputError) as err:
        geometry_step.check(
            frame([box(0, 0, 1, 1), box(2e15, 0, 2e15 + 1, 1)]), target_type="Polygon", layer_id="x",
            lines_to_polygons=False, skip_other_types=False, swap_axes=False, config=CONFIG,
        )  # fmt: skip
    assert err.value.key == "ingest.coords_huge" and err.value.params["fids"] == "1"


def test_swap_axes_and_non_finite_fids() -> None:
    from tbgeo.geometry import swap_axes

    assert [g.coords[0] for g in swap_axes(np.asarray([Point(1, 2)]))] == [(2.0, 1.0)]
    assert swap_axes(Point(1, 2)).coords[0] == (2.0, 1.0)
    assert geometry_step.non_finite_fids(frame([Point(0, 0), Point(float("nan"), 1)])) == [1]


def _parks() -> gpd.GeoDataFrame:
    return frame([box(E0 + 1000 * i, N0, E0 + 1000 * i + 200, N0 + 200) for i in range(2)])


def test_crs_step_projects_with_the_users_crs() -> None:
    step = crs_step.apply(source(_parks()), _parks(), crs=9209, province=landing_step.province_outline(), near_km=40.0)
    assert step.usable and step.blockers == [] and step.detection.source == "user" and step.detection.epsg == 9209
    assert step.frame.crs.to_epsg() == 9209 and step.frame.total_bounds[0] == pytest.approx(E0)


def test_crs_step_refuses_degrees_for_metres() -> None:
    step = crs_step.apply(source(_parks()), _parks(), crs=4326, province=landing_step.province_outline(), near_km=40.0)
    assert not step.usable
    assert [k for k, _ in step.blockers] == ["ingest.crs_not_degrees"]
    assert step.blockers[0][1]["xmin"] == pytest.approx(E0)


def test_crs_step_keeping_a_declaration_needs_one() -> None:
    with pytest.raises(CRSError) as err:
        crs_step.apply(source(_parks()), _parks(), crs="prj", province=landing_step.province_outline(), near_km=40.0)
    assert err.value.key == "ingest.crs_nothing_declared"


def test_landing_step_in_the_province() -> None:
    projected = crs_step.apply(source(_parks()), _parks(), crs=9209, province=landing_step.province_outline(), near_km=40.0)
    step = landing_step.locate(
        projected.frame, projected.detection, usable=True, province=landing_step.province_outline(), config=CONFIG
    )
    assert step.landing.where == "province" and step.outside == [] and step.warnings == [] and step.blockers == []
    xmin, ymin, xmax, ymax = step.bounds_wgs84
    assert 106.3 < xmin < xmax < 106.4 and 20.4 < ymin < ymax < 20.5


def test_landing_step_with_unusable_coordinates_locates_nothing() -> None:
    projected = crs_step.apply(source(_parks()), _parks(), crs=4326, province=landing_step.province_outline(), near_km=40.0)
    step = landing_step.locate(
        projected.frame, projected.detection, usable=False, province=landing_step.province_outline(), config=CONFIG
    )
    assert step.landing.where == "unknown" and step.outside == [0, 1] and step.bounds_wgs84 == []
    assert step.warnings == [] and step.blockers == []


def test_target_step_maps_columns_by_name_and_by_the_geometry_measure() -> None:
    layer = target_step.target_layer("industrial_parks")
    work = _parks().set_crs(9209)
    work["ten_kcn"] = ["KCN A", "KCN B"]
    work["x1"] = [4.0, 4.0]  # the 200 m squares' area in hectares, under a name that says nothing
    step = target_step.fit(layer, work, layer_id="industrial_parks", target_type="Polygon", usable=True)
    assert step.blockers == [] and step.mapping["name"] == "ten_kcn" and step.mapping["area_ha"] == "x1"
    assert [f.name for f in step.fields][:3] == ["name", "status", "area_ha"]
    unmeasured = target_step.fit(layer, work, layer_id="industrial_parks", target_type="Polygon", usable=False)
    assert unmeasured.mapping["area_ha"] is None and unmeasured.mapping["name"] == "ten_kcn"


def test_target_step_names_an_unknown_layer() -> None:
    with pytest.raises(CatalogError) as err:
        target_step.target_layer("no_such_layer")
    assert err.value.key == "catalog.unknown_layer"
