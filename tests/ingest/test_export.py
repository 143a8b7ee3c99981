"""Export of a layer as GeoPackage, zipped shapefile (VN-2000 .prj, UTF-8 .cpg), GeoJSON and KML."""

from __future__ import annotations

import json
import zipfile

import pyogrio
import pytest
from pyproj import Geod, Transformer

from tbgeo.cli import main
from tbgeo.ingest.export import export_bytes
from tbgeo.ingest.pipeline import commit_import, plan_import

NAMES = ["KCN Thái Bình", "Đất chuyên trồng lúa nước"]
GEOD = Geod(ellps="WGS84")


@pytest.fixture
def imported(mk, tmp_path, env):  # type: ignore[no-untyped-def]
    rows = [[b"KCN Th\xb8i B\xd7nh", b"operating"], ["§Êt chuyªn trång lóa n\xadíc".encode("latin1"), b"planned"]]
    z = mk.make_shapefile(
        tmp_path / "src", "kcn", mk.parks(2), fields=[(b"TEN", "C", 40), (b"TRANGTHAI", "C", 12)], rows=rows, prj=mk.esri_9209()
    )
    commit_import(plan_import(z, layer_id="industrial_parks"))
    return mk.parks(2)[0].exterior.coords[0]


def test_shapefile_export_has_vn2000_prj_and_utf8_cpg(imported, tmp_path, capsys, mk) -> None:  # type: ignore[no-untyped-def]
    out = tmp_path / "out" / "kcn.zip"
    out.parent.mkdir()
    assert main(["export", "industrial_parks", "--out", str(out)]) == 0
    assert "2" in capsys.readouterr().out
    with zipfile.ZipFile(out) as zf:
        names = sorted(zf.namelist())
        prj = zf.read("industrial_parks.prj").decode()
        cpg = zf.read("industrial_parks.cpg").decode().strip()
        dbf = zf.read("industrial_parks.dbf")
    assert names == sorted(f"industrial_parks.{e}" for e in ("cpg", "dbf", "prj", "shp", "shx"))
    assert "D_Vietnam_2000" in prj and "105.5" in prj and "0.9999" in prj
    assert cpg == "UTF-8"
    assert "KCN Thái Bình".encode() in dbf
    # and it comes back in exactly
    plan = plan_import(out, layer_id="industrial_parks")
    assert plan.crs.epsg == 9209 and plan.crs.source == "prj"
    assert plan.frame["name"].tolist() == NAMES
    assert plan.columns["name"].encoding == "utf-8" and plan.converted_columns == [] and plan.warnings == []


@pytest.mark.parametrize("fmt", ["gpkg", "geojson", "kml"])
def test_other_formats_round_trip_positions_and_text(imported, tmp_path, fmt) -> None:  # type: ignore[no-untyped-def]
    name, data = export_bytes("industrial_parks", fmt=fmt)
    path = tmp_path / name
    path.write_bytes(data)
    gdf = pyogrio.read_dataframe(path)
    col = "Name" if fmt == "kml" else "name"
    assert gdf[col].tolist() == NAMES
    expected_crs = 9209 if fmt == "gpkg" else 4326
    assert gdf.crs.to_epsg() == expected_crs
    lon, lat = gdf.to_crs(4326).geometry.iloc[0].geoms[0].exterior.coords[0] if gdf.geom_type.iloc[0].startswith("Multi") else gdf.to_crs(4326).geometry.iloc[0].exterior.coords[0]
    ref = Transformer.from_crs(9209, 4326, always_xy=True).transform(*imported)
    assert GEOD.inv(lon, lat, *ref)[2] < 1.0


def test_export_specific_version_and_bad_format(imported, tmp_path, capsys) -> None:  # type: ignore[no-untyped-def]
    out = tmp_path / "v1.geojson"
    assert main(["export", "industrial_parks", "--out", str(out), "--version", "1", "--json"]) == 0
    info = json.loads(capsys.readouterr().out)
    assert info["features"] == 2 and info["format"] == "geojson"
    assert len(json.loads(out.read_text("utf-8"))["features"]) == 2
    assert main(["--lang", "en", "export", "industrial_parks", "--out", str(tmp_path / "x.csv")]) == 2
    assert "x.csv" not in [p.name for p in tmp_path.iterdir()]
    assert ".csv" in capsys.readouterr().err


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_export_refuses_a_missing_folder(imported, tmp_path, capsys, lang) -> None:  # type: ignore[no-untyped-def]
    """QA issue 4, defect 6: ``--out /nonexistent/dir/x.gpkg`` used to create the folders silently."""
    missing = tmp_path / "nonexistent" / "dir"
    rc = main(["--lang", lang, "export", "industrial_parks", "--out", str(missing / "x.gpkg")])
    assert rc == 2
    err = capsys.readouterr().err
    expected = {
        "vi": f"Lỗi: Thư mục “{missing}” không tồn tại; tbgeo không tự tạo thư mục.",
        "en": f"Error: The folder “{missing}” does not exist; tbgeo does not create folders.",
    }[lang]
    assert expected in err and "Traceback" not in err
    assert not (tmp_path / "nonexistent").exists()
