"""Where an import's features land: strays by FID and direction, elsewhere in Vietnam, outside it."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pytest
from shapely.geometry import box

from tbgeo.crs import guess as crsguess
from tbgeo.store.gpkg import GpkgStore

from .helpers import TO_9209, TO_WGS, run


def _province_9209():  # type: ignore[no-untyped-def]
    from shapely import transform

    return transform(box(*crsguess.PROVINCE_EXTENT).segmentize(0.01), lambda c: np.column_stack(TO_9209.transform(c[:, 0], c[:, 1])))


def test_a_stray_feature_is_flagged_not_the_dataset(mk, tmp_path, capsys, env) -> None:  # type: ignore[no-untyped-def]
    stray = mk.square(mk.E0 - 200_000, mk.N0)  # 200 km west of Thái Bình city
    z = mk.make_shapefile(tmp_path, "kcn", [*mk.parks(5), stray], prj=mk.esri_9209())
    code, data, err, _ = run(capsys, "import", str(z), "--layer", "industrial_parks", "--format", "json")
    assert code == 0, err
    land = data["landing"]
    assert land["where"] == "province" and land["features"] == {"province": 5, "vietnam": 1, "outside": 0}
    assert "ingest.w_landed_elsewhere" not in data["warning_codes"]
    assert data["outside_province"] == 1
    [s] = land["strays"]
    centre = stray.centroid
    km = _province_9209().distance(centre) / 1000
    lon, lat = TO_WGS.transform(centre.x, centre.y)
    assert s["fid"] == 5 and s["where"] == "vietnam" and s["direction"] == "w"
    assert s["distance_km"] == pytest.approx(km, abs=0.1) and (s["lon"], s["lat"]) == pytest.approx((lon, lat), abs=1e-5)
    warning = data["warnings"][data["warning_codes"].index("ingest.w_stray_features")]
    assert warning.startswith(
        f"Trong số đó, 1/6 đối tượng nằm xa tỉnh hơn 40 km (1 ở nơi khác trong Việt Nam, 0 ngoài Việt Nam): "
        f"FID 5 ở nơi khác trong Việt Nam, cách tỉnh {round(km)} km về phía tây "
        f"({lat:.4f}°B, {lon:.4f}°Đ)".replace(".", ",")
    )


def test_most_features_elsewhere_warns_with_counts(mk, tmp_path, capsys, env) -> None:  # type: ignore[no-untyped-def]
    e, n = TO_9209.transform(105.85, 21.03)  # Hà Nội
    z = mk.make_shapefile(tmp_path, "hn", [mk.square(e, n), mk.square(e + 500, n), mk.square(mk.E0, mk.N0)], prj=mk.esri_9209())
    code, data, _, _ = run(capsys, "--lang", "en", "import", str(z), "--layer", "industrial_parks", "--format", "json")
    assert code == 0
    assert data["landing"]["where"] == "vietnam" and data["landing"]["features"] == {"province": 1, "vietnam": 2, "outside": 0}
    warning = data["warnings"][data["warning_codes"].index("ingest.w_landed_elsewhere")]
    assert "2 of 3 features land" in warning and "north-west of Thái Bình" in warning
    assert "(in the province: 1, elsewhere in Vietnam: 2, outside Vietnam: 0)" in warning


def test_outside_vietnam_ready_blocking_and_overridden(tmp_path, capsys, env) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "bkk.geojson"
    gpd.GeoDataFrame({"name": ["BKK"]}, geometry=[box(100.5, 13.7, 100.51, 13.71)], crs=4326).to_file(path)
    code, data, err, _ = run(capsys, "import", str(path), "--layer", "industrial_parks", "--dry-run", "--format", "json")
    assert code == 2 and data["ready"] is False
    assert data["blocking_codes"] == ["ingest.landed_outside"] and data["overridden"] == []
    c = box(100.5, 13.7, 100.51, 13.71).centroid
    assert f"tâm của chúng ở {c.y:.4f}°B, {c.x:.4f}°Đ".replace(".", ",") in err  # 13,7050°B, 100,5050°Đ
    assert "13,7050°B, 100,5050°Đ" in err
    code, data, err, _ = run(capsys, "import", str(path), "--layer", "industrial_parks", "--insist", "--format", "json")
    assert code == 0 and data["version"] == 1
    assert data["ready"] is True and data["blocking"] == [] and data["blocking_codes"] == []
    assert data["overridden_codes"] == ["ingest.landed_outside"] and "ngoài lãnh thổ Việt Nam" in data["overridden"][0]
    details = GpkgStore.open(env).version("industrial_parks", 1).details
    assert details["insisted"] is True and [o["code"] for o in details["overridden"]] == ["ingest.landed_outside"]
