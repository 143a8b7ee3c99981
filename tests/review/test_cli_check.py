"""``tbgeo check``: JSON shape, exit codes 0/1/2, messages in both languages, through a real catalog."""

from __future__ import annotations

import json

import geopandas as gpd
import numpy as np
import pytest
from rasterio.transform import from_origin
from shapely.geometry import box

from tbgeo.cli import main

RICE = box(588_500, 2_260_200, 590_500, 2_260_700)
IN_PARK = box(596_500, 2_258_500, 597_500, 2_259_500)


def _check(capsys, *argv):
    rc = main(["check", *map(str, argv)])
    out = capsys.readouterr()
    return rc, out.out, out.err


def test_json_shape_and_exit_0(project, capsys, W):
    site = W.site_geojson(project / "rice.geojson", RICE, name="Khu lúa")
    rc, out, _ = _check(capsys, site, "--sector", "electronics", "--format", "json", "--lang", "en")
    assert rc == 0
    d = json.loads(out)
    assert d["site"]["name"] == "Khu lúa" and d["site"]["area_ha"] == pytest.approx(100.0, rel=1e-4)
    assert [x["name"] for x in d["site"]["districts"]] == ["Kiến Xương", "Tiền Hải"]
    assert sum(x["share"] for x in d["site"]["districts"]) == pytest.approx(1.0)
    assert d["rice"]["luc_ha"] == pytest.approx(25.0, rel=1e-3) and d["rice"]["luk_ha"] == pytest.approx(25.0, rel=1e-3)
    assert d["rice"]["total_ha"] == pytest.approx(50.0, rel=1e-3) and d["rice"]["share"] == pytest.approx(0.5, rel=1e-3)
    rules = {f["rule"]: f for f in d["findings"]}
    assert rules["rice_resolution"]["severity"] == "warn"
    assert rules["rice_resolution"]["citation"] == "Điều 1, III.4; Land Law 2024, Art. 122"
    assert rules["rice_land"]["unit"] == "ha" and rules["rice_land"]["value"] == pytest.approx(50.0, rel=1e-3)
    assert d["verdict"] == "warn"
    assert d["context"]["missing"] == []


def test_blocking_sector_exits_1_text(project, capsys, W):
    site = W.site_geojson(project / "p.geojson", IN_PARK)
    rc, out, _ = _check(capsys, site, "--sector", "dyeing")
    assert rc == 1
    assert "🔴 Chặn" in out and "Kết luận: Chặn" in out and "nhuộm" in out.lower()


def test_landuse_override_and_payment_inputs(project, capsys, W):
    # a 4326 land-use raster of codes 7 = LUC over the whole province, with its own pixel table
    arr = np.full((200, 300), 7, dtype="uint8")
    tif = W.write_raster(project / "lu4326.tif", arr, from_origin(106.2, 20.6, 0.001, 0.001), crs="EPSG:4326")
    site = W.site_geojson(project / "p.geojson", IN_PARK)
    rc, out, _ = _check(capsys, site, "--landuse", tif, "--classes", "7=LUC", "--levy-rate", "60", "--land-price", "100000",
                        "--format", "json")
    d = json.loads(out)
    assert rc == 0
    assert d["rice"]["luc_ha"] == pytest.approx(100.0, rel=1e-4)
    assert d["rice"]["source"]["crs"] == "EPSG:4326"
    pay = next(f for f in d["findings"] if f["rule"] == "rice_luc_payment")
    assert pay["value"] == pytest.approx(0.6 * 1_000_000 * 100_000, rel=1e-4)
    assert d["inputs"]["levy_rate_pct"] == 60.0 and d["inputs"]["land_price_vnd_m2"] == 100_000.0


def test_vector_landuse_and_coordinates_file(project, capsys, W):
    parcels = gpd.GeoDataFrame({"loai_dat": ["LUK", "ONT"]},
                               geometry=[box(596_500, 2_258_500, 597_000, 2_259_500), box(597_000, 2_258_500, 597_500, 2_259_500)],
                               crs=9209)
    parcels.to_file(project / "lu.gpkg", driver="GPKG")
    coords = project / "corners.txt"
    coords.write_text("Điểm X Y\n" + "\n".join(f"{i} {y} {x}" for i, (x, y) in enumerate(list(IN_PARK.exterior.coords)[:-1], 1)),
                      encoding="utf-8")
    rc, out, _ = _check(capsys, coords, "--landuse", project / "lu.gpkg", "--format", "json", "--coords", "vn2000")
    d = json.loads(out)
    assert rc == 0 and d["rice"]["luk_ha"] == pytest.approx(50.0) and d["rice"]["luc_ha"] == 0.0
    assert d["rice"]["source"]["code_column"] == "loai_dat"


@pytest.mark.parametrize(
    "argv, vi, en",
    [
        (["missing.geojson"], "Không tìm thấy tệp", "not found"),
        (["{site}", "--sector", "bogus"], "bogus", "bogus"),
        (["{site}", "--levy-rate", "150"], "0 đến 100", "between 0 and 100"),
        (["{site}", "--landuse", "nothere.tif"], "Không tìm thấy lớp sử dụng đất", "not found"),
        (["{site}", "--technology", "ancient"], "ancient", "ancient"),
    ],
)
def test_bad_input_exits_2_in_both_languages(project, capsys, W, argv, vi, en):
    site = W.site_geojson(project / "p.geojson", IN_PARK)
    args = [a.replace("{site}", str(site)) for a in argv]
    for lang, text in (("vi", vi), ("en", en)):
        rc, out, err = _check(capsys, *args, "--lang", lang)
        assert rc == 2
        assert text in err and "Traceback" not in err and out == ""


def test_overlap_with_stored_proposal(project, capsys, W):
    from tbgeo.workspace import Workspace

    ws = Workspace.open()
    p = ws.add_proposal(IN_PARK, name="Đã duyệt", status="draft")
    ws.set_status(p.id, "submitted")
    ws.set_status(p.id, "approved")
    site = W.site_geojson(project / "p.geojson", IN_PARK)
    rc, out, _ = _check(capsys, site, "--format", "json")
    d = json.loads(out)
    assert rc == 1
    f = next(f for f in d["findings"] if f["rule"] == "proposal_overlap")
    assert f["severity"] == "block" and f["value"] == pytest.approx(100.0, rel=1e-4)
    rc, _, _ = _check(capsys, site, "--no-proposals", "--format", "json")
    assert rc == 0
