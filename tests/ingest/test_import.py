"""End-to-end imports through the ``tbgeo import`` command and the pipeline: formats, .prj variants,
legacy encodings with and without .cpg, geometry repairs, landing checks, versions and rollback."""

from __future__ import annotations

import hashlib
import json
import threading
import zipfile
from datetime import datetime, timedelta, timezone
from pathlib import Path

import geopandas as gpd
import numpy as np
import pyogrio
import pytest
from pyproj import CRS, Geod, Transformer
from shapely.geometry import LineString, Point, Polygon, box

from tbgeo.auth import single_user
from tbgeo.cli import main
from tbgeo.errors import CRSError, InputError, TbgeoError
from tbgeo.ingest import encoding as enc
from tbgeo.ingest.pipeline import commit_import, plan_import
from tbgeo.store.gpkg import GpkgStore

GEOD = Geod(ellps="WGS84")
TO_WGS = Transformer.from_crs(9209, 4326, always_xy=True)
THAI_BINH = "KCN Thái Bình"
LUC = "Đất chuyên trồng lúa nước"
FIELDS = [(b"TEN", "C", 40), (b"TRANGTHAI", "C", 12), (b"DIENTICH", "N", 10)]


def rows_in(encode) -> list[list[bytes]]:  # type: ignore[no-untyped-def]
    return [
        [encode(THAI_BINH), b"operating", b"4.0"],
        [encode(LUC), b"planned", b"4.0"],
        [encode("KCN Tiền Hải"), b"building", b"4.0"],
    ]


TCVN3 = {THAI_BINH: "KCN Th¸i B×nh", LUC: "§Êt chuyªn trång lóa n\xadíc", "KCN Tiền Hải": "KCN TiÒn H¶i"}
VNI = {THAI_BINH: "KCN Thaùi Bình", LUC: "Ñaát chuyeân troàng luùa nöôùc", "KCN Tiền Hải": "KCN Tieàn Haûi"}
ENCODERS = {
    "tcvn3": lambda s: TCVN3[s].encode("latin1"),
    "vni": lambda s: VNI[s].encode("latin1"),
    "cp1258": enc.encode_cp1258,
    "utf-8": lambda s: s.encode("utf-8"),
}


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, dict | None, str]:
    rc = main(list(argv))
    out, err = capsys.readouterr()
    try:
        data = json.loads(out) if out.strip().startswith(("{", "[")) else None
    except json.JSONDecodeError:
        data = None
    return rc, data, err


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def dist_m(a: tuple[float, float], b: tuple[float, float]) -> float:
    return GEOD.inv(a[0], a[1], b[0], b[1])[2]


def first_vertex_wgs84(ws_path: Path, layer: str, version: int) -> tuple[float, float]:
    gdf = GpkgStore.open(ws_path).read_version(layer, version).to_crs(4326)
    return gdf.geometry.iloc[0].geoms[0].exterior.coords[0] if gdf.geom_type.iloc[0] == "MultiPolygon" else gdf.geometry.iloc[0].coords[0]


# --------------------------------------------------------------------------------------------
# Encodings × .cpg
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("encoding", "cpg"),
    [
        ("tcvn3", None),
        ("tcvn3", "UTF-8"),  # GDAL would raise UnicodeDecodeError
        ("vni", None),
        ("vni", "UTF-8"),
        ("cp1258", "CP1258"),  # GDAL would drop the last character of values and field names
        ("cp1258", None),
        ("utf-8", "UTF-8"),
    ],
)
def test_legacy_text_converted_exactly(mk, tmp_path, capsys, env, encoding, cpg) -> None:  # type: ignore[no-untyped-def]
    z = mk.make_shapefile(
        tmp_path, "kcn", mk.parks(3), fields=FIELDS, rows=rows_in(ENCODERS[encoding]), prj=mk.esri_9209(), cpg=cpg
    )
    rc, data, err = run(capsys, "import", str(z), "--layer", "industrial_parks", "--format", "json")
    assert rc == 0, err
    assert data["version"] == 1 and data["features_in"] == data["features_out"] == 3
    assert data["encoding"]["columns"]["TEN"] == encoding
    assert data["encoding"]["detected"] == encoding
    assert data["encoding"]["converted_columns"] == ([] if encoding == "utf-8" else ["TEN"])
    stored = GpkgStore.open(env).read_version("industrial_parks", 1)
    assert stored["name"].tolist() == [THAI_BINH, LUC, "KCN Tiền Hải"]
    assert stored["status"].tolist() == ["operating", "planned", "building"]
    assert stored["area_ha"].tolist() == [4.0, 4.0, 4.0]
    if cpg == "UTF-8" and encoding != "utf-8":
        assert "ingest.w_cpg_wrong" in data["warning_codes"]


def test_gdal_behaviours_that_the_pipeline_avoids(mk, tmp_path) -> None:  # type: ignore[no-untyped-def]
    """The facts' GDAL behaviours, reproduced on the same bytes the pipeline reads correctly."""
    folder = tmp_path / "raw"
    z = mk.make_shapefile(folder, "a", mk.parks(1), fields=[(b"TEN", "C", 20)], rows=[[enc.encode_cp1258("Bình")]], cpg="CP1258")
    with zipfile.ZipFile(z) as zf:
        zf.extractall(folder / "x")
    gdal = pyogrio.read_dataframe(folder / "x" / "a.shp")
    assert list(gdal.columns[:1]) == ["TE"] and gdal.iloc[0, 0] == "Bìn"  # last character dropped
    plan = plan_import(z, layer_id="industrial_parks", crs="9209")
    assert plan.frame["TEN"].tolist() == ["Bình"]


def test_legacy_field_names_converted(mk, tmp_path, env) -> None:  # type: ignore[no-untyped-def]
    # TCVN3 field names "T£N" / "GHI CHó" typed in capitals: TÊN, GHI CHÚ (bytes 0xA3 = Ê, 0xF3 = ú)
    z = mk.make_shapefile(
        tmp_path, "names", mk.parks(2),
        fields=[(b"T\xa3N", "C", 30), (b"GHICH\xf3", "C", 30)],
        rows=[[TCVN3[THAI_BINH].encode("latin1"), b"x"], [TCVN3[LUC].encode("latin1"), b"y"]],
        prj=mk.esri_9209(),
    )  # fmt: skip
    plan = plan_import(z, layer_id="industrial_parks")
    assert plan.names.encoding == "tcvn3"
    assert plan.renamed == {"T£N": "TÊN", "GHICHó": "GHICHÚ"}
    assert plan.frame["TÊN"].tolist() == [THAI_BINH, LUC]
    assert plan.mapping["name"] == "TÊN"


def test_encoding_override(mk, tmp_path, env) -> None:  # type: ignore[no-untyped-def]
    z = mk.make_shapefile(tmp_path, "kcn", mk.parks(3), fields=FIELDS, rows=rows_in(ENCODERS["tcvn3"]), prj=mk.esri_9209())
    plan = plan_import(z, layer_id="industrial_parks", encoding="latin1")
    assert plan.columns["TEN"].user and plan.frame["TEN"].iloc[0] == "KCN Th¸i B×nh"
    before_after = [(p["before"], p["after"]) for p in plan_import(z, layer_id="industrial_parks").preview]
    assert ("KCN Th¸i B×nh", THAI_BINH) in before_after


# --------------------------------------------------------------------------------------------
# .prj variants
# --------------------------------------------------------------------------------------------

ESRI = CRS.from_epsg(9209).to_wkt("WKT1_ESRI")
PRJ_VARIANTS = {
    "vn2000": ESRI,
    "lying_name": ESRI.replace("VN-2000_TM-3_105-30", "VN_2000_UTM_Zone_48N"),
    "wgs84_datum": ESRI.replace("GCS_VN_2000", "GCS_WGS_1984").replace("D_Vietnam_2000", "D_WGS_1984"),
    "unknown_datum": ESRI.replace("GCS_VN_2000", "GCS_unknown").replace("D_Vietnam_2000", "D_unknown"),
    "none": None,
}


@pytest.mark.parametrize(
    ("variant", "rc", "status"),
    [("vn2000", 0, "ok"), ("lying_name", 0, "ok"), ("wgs84_datum", 2, "mislabelled"), ("unknown_datum", 2, "datum_unknown"), ("none", 2, "guessed")],
)
def test_prj_variants_without_crs_option(mk, tmp_path, capsys, env, variant, rc, status) -> None:  # type: ignore[no-untyped-def]
    z = mk.make_shapefile(tmp_path, "kcn", mk.parks(3), fields=FIELDS, rows=rows_in(ENCODERS["tcvn3"]), prj=PRJ_VARIANTS[variant])
    GpkgStore.open(env)  # an existing, empty workspace
    before = sha(env)
    code, data, err = run(capsys, "--lang", "en", "import", str(z), "--layer", "industrial_parks", "--format", "json")
    assert code == rc
    assert data["crs"]["status"] == status and data["crs"]["epsg"] == 9209
    if rc == 2:
        assert data["version"] is None and sha(env) == before
        assert GpkgStore.open(env).versions("industrial_parks") == []
        expected = {"wgs84_datum": "probably VN-2000", "unknown_datum": "unnamed", "none": "--crs 9209"}[variant]
        assert expected in err
    else:
        assert data["version"] == 1 and data["crs"]["source"] == "prj"
    if variant == "lying_name":
        assert "ingest.w_name_mismatch" in data["warning_codes"]


@pytest.mark.parametrize("variant", ["wgs84_datum", "unknown_datum", "none"])
def test_confirmed_crs_gives_true_positions(mk, tmp_path, capsys, env, variant) -> None:  # type: ignore[no-untyped-def]
    z = mk.make_shapefile(tmp_path, "kcn", mk.parks(3), fields=FIELDS, rows=rows_in(ENCODERS["tcvn3"]), prj=PRJ_VARIANTS[variant])
    code, data, err = run(capsys, "import", str(z), "--layer", "industrial_parks", "--crs", "9209", "--format", "json")
    assert code == 0, err
    assert data["crs"] == {**data["crs"], "source": "user", "epsg": 9209}
    got = first_vertex_wgs84(env, "industrial_parks", 1)
    src = mk.parks(3)[0].exterior.coords[0]
    assert dist_m(got, TO_WGS.transform(*src)) < 1.0


def test_mislabelled_kept_as_declared_is_224m_off(mk, tmp_path, capsys, env) -> None:  # type: ignore[no-untyped-def]
    z = mk.make_shapefile(tmp_path, "kcn", mk.parks(1), prj=PRJ_VARIANTS["wgs84_datum"])
    code, data, err = run(capsys, "import", str(z), "--layer", "industrial_parks", "--crs", "prj", "--format", "json")
    assert code == 0, err
    assert "ingest.w_kept_declared" in data["warning_codes"]
    got = first_vertex_wgs84(env, "industrial_parks", 1)
    src = mk.parks(1)[0].exterior.coords[0]
    face_value = Transformer.from_crs(CRS.from_wkt(PRJ_VARIANTS["wgs84_datum"]), 4326, always_xy=True).transform(*src)
    assert dist_m(got, face_value) < 1.0
    assert dist_m(got, TO_WGS.transform(*src)) == pytest.approx(224.4, abs=0.5)


def test_regression_point(mk, tmp_path, capsys, env) -> None:  # type: ignore[no-untyped-def]
    """E 587,644.682 / N 2,262,182.72 in EPSG:9209 → 106.3418742°E, 20.4490063°N (facts §1.7)."""
    z = mk.make_shapefile(tmp_path, "pt", [Point(mk.E0, mk.N0)], prj=mk.esri_9209())
    code, data, _ = run(capsys, "import", str(z), "--layer", "energy_sites", "--format", "json")
    assert code == 0
    w, s, e, n = data["bounds_wgs84"]
    assert (w, s) == (e, n)
    assert dist_m((w, s), (106.3418742, 20.4490063)) < 1.0
    naive = Transformer.from_crs(CRS.from_wkt(PRJ_VARIANTS["wgs84_datum"]), 4326, always_xy=True).transform(mk.E0, mk.N0)
    assert dist_m((w, s), naive) == pytest.approx(224.4, abs=0.5)


def test_no_prj_degrees_default_wgs84(mk, tmp_path, capsys, env) -> None:  # type: ignore[no-untyped-def]
    ring = [(106.34, 20.45), (106.35, 20.45), (106.35, 20.46), (106.34, 20.45)]
    z = mk.make_shapefile(tmp_path, "deg", [Polygon(ring)])
    code, data, err = run(capsys, "import", str(z), "--layer", "industrial_parks", "--format", "json")
    assert code == 0, err
    assert data["crs"]["source"] == "guess" and data["crs"]["epsg"] == 4326
    assert "ingest.w_degrees_default" in data["warning_codes"]
    assert dist_m(first_vertex_wgs84(env, "industrial_parks", 1), (106.34, 20.45)) < 1.0


def test_mapinfo_tab_in_zip_is_flagged_and_confirmed(mk, tmp_path, capsys, env) -> None:  # type: ignore[no-untyped-def]
    """GDAL writes VN-2000 TM-3 to MapInfo as TM-3 on WGS 84: the mislabelled case, from a real writer."""
    folder = tmp_path / "tab"
    folder.mkdir()
    gdf = gpd.GeoDataFrame({"name": [THAI_BINH]}, geometry=mk.parks(1), crs=9209)
    pyogrio.write_dataframe(gdf, folder / "kcn.tab", driver="MapInfo File")
    z = tmp_path / "kcn_tab.zip"
    with zipfile.ZipFile(z, "w") as zf:
        for p in folder.iterdir():
            zf.write(p, p.name)
    code, data, _ = run(capsys, "import", str(z), "--layer", "industrial_parks", "--dry-run", "--format", "json")
    assert code == 2 and data["crs"]["status"] == "mislabelled"
    code, data, _ = run(capsys, "import", str(z), "--layer", "industrial_parks", "--crs", "9209", "--format", "json")
    assert code == 0
    stored = GpkgStore.open(env).read_version("industrial_parks", 1)
    assert stored["name"].tolist() == [THAI_BINH]
    assert dist_m(first_vertex_wgs84(env, "industrial_parks", 1), TO_WGS.transform(*mk.parks(1)[0].exterior.coords[0])) < 1.0


# --------------------------------------------------------------------------------------------
# Geometry validation
# --------------------------------------------------------------------------------------------


def test_invalid_empty_duplicate_and_outside(mk, tmp_path, capsys, env) -> None:  # type: ignore[no-untyped-def]
    e, n = mk.E0, mk.N0
    bowtie = Polygon([(e, n), (e + 200, n + 200), (e + 200, n), (e, n + 200), (e, n)])
    far = mk.square(e + 60_000, n)  # 60 km east: in the sea, outside the province
    geoms = [mk.square(e, n), bowtie, None, mk.square(e, n), far]
    z = mk.make_shapefile(tmp_path, "bad", geoms, prj=mk.esri_9209())
    code, data, err = run(capsys, "import", str(z), "--layer", "industrial_parks", "--format", "json")
    assert code == 0, err
    assert data["features_in"] == 5 and data["features_out"] == 4
    assert data["repaired"] == 1 and data["geometry"]["repaired_features"][0]["fid"] == 1
    assert "Self-intersection" in data["geometry"]["repaired_features"][0]["reason"]
    assert data["dropped"] == 1 and data["geometry"]["dropped_empty_fids"] == [2]
    assert data["duplicates"] == 1 and data["geometry"]["duplicate_pairs"] == [{"fid": 3, "duplicate_of": 0}]
    assert data["outside_province"] == 1
    stored = GpkgStore.open(env).read_version("industrial_parks", 1)
    assert len(stored) == 4 and stored.is_valid.all()
    assert stored.geometry.iloc[1].area == pytest.approx(2 * 100 * 100, rel=1e-6)  # two 1 ha triangles


def test_mixed_types_refused_unless_skipped_and_z_dropped(tmp_path, capsys, env) -> None:  # type: ignore[no-untyped-def]
    feats = [
        {"type": "Feature", "properties": {"name": "A"}, "geometry": {"type": "Polygon", "coordinates": [[[106.34, 20.45, 3], [106.35, 20.45, 3], [106.35, 20.46, 3], [106.34, 20.45, 3]]]}},
        {"type": "Feature", "properties": {"name": "B"}, "geometry": {"type": "Point", "coordinates": [106.3, 20.4]}},
        {"type": "Feature", "properties": {"name": "C"}, "geometry": {"type": "MultiPolygon", "coordinates": [[[[106.36, 20.45], [106.37, 20.45], [106.37, 20.46], [106.36, 20.45]]]]}},
    ]  # fmt: skip
    path = tmp_path / "mixed.geojson"
    path.write_text(json.dumps({"type": "FeatureCollection", "features": feats}), "utf-8")
    # default: refused, nothing written, the message says what the file has and what to do
    code, data, err = run(capsys, "import", str(path), "--layer", "industrial_parks", "--format", "json")
    assert code == 2 and not env.exists()
    assert data["ready"] is False and data["blocking_codes"] == ["ingest.mixed_types"]
    assert data["other_types"] == {"Point": 1} and data["dropped_other_type"] == {}
    assert (
        "Tệp có 3 đối tượng thuộc nhiều kiểu hình học (Polygon ×2, Point ×1), nhưng lớp “industrial_parks (vi)” chỉ nhận "
        "kiểu Polygon. Không nhập gì. Hãy tách các đối tượng Point ra tệp riêng"
    ) in err
    assert "chỉ nhập 2 đối tượng Polygon và bỏ qua 1 đối tượng còn lại bằng --skip-other-types" in err
    assert main(["import", str(path), "--layer", "industrial_parks", "--insist"]) == 2  # --insist does not skip
    capsys.readouterr()
    assert not env.exists()
    # explicit opt-in: only the polygons, the skipped features counted by type in the JSON and the version
    code, data, err = run(capsys, "import", str(path), "--layer", "industrial_parks", "--skip-other-types", "--format", "json")
    assert code == 0, err
    assert (data["features_in"], data["features_out"], data["dropped"]) == (3, 2, 1)
    assert data["dropped_other_type"] == {"Point": 1} and data["skip_other_types"] is True
    assert data["geometry"]["dropped_types"] == {"Point": 1} and data["z_dropped"] == 1
    assert "ingest.w_dropped_type" in data["warning_codes"]
    details = GpkgStore.open(env).version("industrial_parks", 1).details
    assert details["dropped_other_type"] == {"Point": 1} and details["skip_other_types"] is True
    assert dist_m(first_vertex_wgs84(env, "industrial_parks", 1), (106.34, 20.45)) < 1.0
    stored = GpkgStore.open(env).read_version("industrial_parks", 1)
    assert not stored.has_z.any() and stored["name"].tolist() == ["A", "C"]


def test_wrong_geometry_type_refused(tmp_path, capsys, env) -> None:  # type: ignore[no-untyped-def]
    gdf = gpd.GeoDataFrame({"name": ["x"]}, geometry=[LineString([(106.3, 20.4), (106.4, 20.5)])], crs=4326)
    path = tmp_path / "lines.geojson"
    gdf.to_file(path)
    code, _, err = run(capsys, "--lang", "en", "import", str(path), "--layer", "industrial_parks")
    assert code == 2
    assert "LineString" in err and "Polygon" in err
    assert not env.exists()


# --------------------------------------------------------------------------------------------
# Landing checks
# --------------------------------------------------------------------------------------------


def test_landing_elsewhere_in_vietnam_warns(mk, tmp_path, capsys, env) -> None:  # type: ignore[no-untyped-def]
    e, n = Transformer.from_crs(4326, 9209, always_xy=True).transform(105.85, 21.03)  # Hà Nội
    z = mk.make_shapefile(tmp_path, "hn", [mk.square(e, n)], prj=mk.esri_9209())
    code, data, _ = run(capsys, "--lang", "en", "import", str(z), "--layer", "industrial_parks", "--format", "json")
    assert code == 0
    assert data["landing"]["where"] == "vietnam" and data["landing"]["direction"] == "nw"
    warning = next(w for w in data["warnings"] if "elsewhere in Vietnam" in w)
    assert "north-west of Thái Bình" in warning and f"{data['landing']['distance_km']:,.0f} km" in warning


def test_landing_outside_vietnam_refused_unless_insisted(tmp_path, capsys, env) -> None:  # type: ignore[no-untyped-def]
    gdf = gpd.GeoDataFrame({"name": ["BKK"]}, geometry=[box(100.5, 13.7, 100.51, 13.71)], crs=4326)
    path = tmp_path / "bkk.geojson"
    gdf.to_file(path)
    code, data, err = run(capsys, "--lang", "en", "import", str(path), "--layer", "industrial_parks", "--format", "json")
    assert code == 2 and "outside Vietnam" in err and not env.exists()
    code, data, err = run(capsys, "import", str(path), "--layer", "industrial_parks", "--insist", "--format", "json")
    assert code == 0 and data["version"] == 1
    assert GpkgStore.open(env).version("industrial_parks", 1).details["insisted"] is True


# --------------------------------------------------------------------------------------------
# Other formats
# --------------------------------------------------------------------------------------------

KML = """<?xml version="1.0" encoding="UTF-8"?>
<kml xmlns="http://www.opengis.net/kml/2.2"><Document>
<Placemark><name>KCN Thái Bình</name><description>&lt;script&gt;alert(1)&lt;/script&gt;</description>
<Polygon><outerBoundaryIs><LinearRing><coordinates>106.34,20.45,0 106.35,20.45,0 106.35,20.46,0 106.34,20.45,0</coordinates></LinearRing></outerBoundaryIs></Polygon>
</Placemark></Document></kml>"""


def test_kmz(tmp_path, capsys, env) -> None:  # type: ignore[no-untyped-def]
    kmz = tmp_path / "kcn.kmz"
    with zipfile.ZipFile(kmz, "w") as zf:
        zf.writestr("doc.kml", KML)
        zf.writestr("files/icon.png", b"\x89PNG....")
    code, data, err = run(capsys, "import", str(kmz), "--layer", "industrial_parks", "--format", "json")
    assert code == 0, err
    assert data["format"] == "kmz" and data["crs"]["epsg"] == 4326
    stored = GpkgStore.open(env).read_version("industrial_parks", 1)
    assert stored["name"].tolist() == [THAI_BINH]
    assert stored["description"].tolist() == ["<script>alert(1)</script>"]  # kept as text, never rendered
    assert dist_m(first_vertex_wgs84(env, "industrial_parks", 1), (106.34, 20.45)) < 1.0


def test_geopackage_with_two_layers(mk, tmp_path, capsys, env) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "two.gpkg"
    a = gpd.GeoDataFrame({"ten": [THAI_BINH, "KCN Gia Lễ"]}, geometry=mk.parks(2), crs=9209)
    b = gpd.GeoDataFrame({"ten": ["Điểm"]}, geometry=[Point(mk.E0, mk.N0)], crs=9209)
    a.to_file(path, layer="kcn", engine="pyogrio")
    b.to_file(path, layer="diem", engine="pyogrio")
    code, _, err = run(capsys, "--lang", "en", "import", str(path), "--layer", "industrial_parks")
    assert code == 2 and "two.gpkg:kcn" in err and "two.gpkg:diem" in err
    code, data, err = run(capsys, "import", str(path), "--layer", "industrial_parks", "--source-layer", "kcn", "--format", "json")
    assert code == 0, err
    assert data["source_layer"] == "two.gpkg:kcn" and data["features_out"] == 2
    assert data["encoding"]["converted_columns"] == []  # good Unicode is left alone
    assert GpkgStore.open(env).read_version("industrial_parks", 1)["name"].tolist() == [THAI_BINH, "KCN Gia Lễ"]


@pytest.mark.filterwarnings("ignore:'crs' was not provided:UserWarning")  # a DXF has no CRS: that is the case
def test_dxf_needs_crs(mk, tmp_path, capsys, env) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "plan.dxf"
    pyogrio.write_dataframe(gpd.GeoDataFrame(geometry=mk.parks(2), crs=None), path, driver="DXF")
    code, data, err = run(capsys, "--lang", "en", "import", str(path), "--layer", "industrial_parks", "--format", "json")
    assert code == 2 and data["crs"]["source"] == "guess" and data["crs"]["epsg"] == 9209
    assert "--crs 9209" in err
    code, data, err = run(capsys, "import", str(path), "--layer", "industrial_parks", "--crs", "9209", "--format", "json")
    assert code == 0, err
    assert data["features_out"] == 2
    assert dist_m(first_vertex_wgs84(env, "industrial_parks", 1), TO_WGS.transform(*mk.parks(2)[0].exterior.coords[0])) < 1.0


def test_unsupported_format_refused(tmp_path, capsys, env) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "tool.exe"
    path.write_bytes(b"MZ\x90\x00" + bytes(100))
    code, _, err = run(capsys, "--lang", "en", "import", str(path), "--layer", "industrial_parks")
    assert code == 2
    assert "tool.exe" in err and ".gpkg" in err and ".kmz" in err and ".dxf" in err
    csv = tmp_path / "points.csv"
    csv.write_text("x,y\n1,2\n")
    code, _, err = run(capsys, "import", str(csv), "--layer", "industrial_parks")
    assert code == 2 and "points.csv" in err


# --------------------------------------------------------------------------------------------
# Column mapping
# --------------------------------------------------------------------------------------------


def test_column_mapping_by_name_content_and_override(mk, tmp_path, capsys, env) -> None:  # type: ignore[no-untyped-def]
    fields = [(b"TEN", "C", 30), (b"X1", "N", 10), (b"GHI", "C", 10)]
    rows = [[b"A", b"4.0", b"n1"], [b"B", b"4.0", b"n2"]]  # X1 holds the area in ha (200 m squares)
    z = mk.make_shapefile(tmp_path, "m", mk.parks(2), fields=fields, rows=rows, prj=mk.esri_9209())
    plan = plan_import(z, layer_id="industrial_parks")
    assert plan.mapping["name"] == "TEN" and plan.mapping["area_ha"] == "X1" and plan.mapping["note"] is None
    code, data, err = run(capsys, "import", str(z), "--layer", "industrial_parks", "--map", "note=GHI", "--map", "area_ha=", "--format", "json")
    assert code == 0, err
    stored = GpkgStore.open(env).read_version("industrial_parks", 1)
    assert stored["note"].tolist() == ["n1", "n2"] and "area_ha" not in stored.columns
    assert stored["X1"].tolist() == [4.0, 4.0]  # unmapped columns are kept
    code, _, err = run(capsys, "--lang", "en", "import", str(z), "--layer", "industrial_parks", "--map", "nope=TEN")
    assert code == 2 and "nope" in err


# --------------------------------------------------------------------------------------------
# Versions, rollback, concurrency, dry runs
# --------------------------------------------------------------------------------------------


def test_dry_run_writes_nothing(mk, tmp_path, capsys, env) -> None:  # type: ignore[no-untyped-def]
    z = mk.make_shapefile(tmp_path, "kcn", mk.parks(3), fields=FIELDS, rows=rows_in(ENCODERS["vni"]), prj=mk.esri_9209())
    code, data, _ = run(capsys, "import", str(z), "--layer", "industrial_parks", "--dry-run", "--format", "json")
    assert code == 0 and data["version"] is None and not env.exists()
    for key in ("layer", "version", "features_in", "features_out", "repaired", "dropped", "outside_province", "crs", "encoding", "bounds_wgs84", "warnings"):
        assert key in data
    assert set(data["crs"]) >= {"detected", "source", "epsg"} and set(data["encoding"]) >= {"detected", "converted_columns"}


def test_text_output(mk, tmp_path, capsys, env) -> None:  # type: ignore[no-untyped-def]
    z = mk.make_shapefile(tmp_path, "kcn", mk.parks(3), fields=FIELDS, rows=rows_in(ENCODERS["tcvn3"]), prj=mk.esri_9209())
    rc = main(["import", str(z), "--layer", "industrial_parks"])
    out = capsys.readouterr().out
    assert rc == 0
    assert "Đã lưu thành phiên bản 1" in out and "vào 3, ra 3" in out and "EPSG:9209" in out and "tcvn3" in out


def test_refusals_leave_workspace_byte_for_byte_unchanged(mk, tmp_path, capsys, env) -> None:  # type: ignore[no-untyped-def]
    good = mk.make_shapefile(tmp_path / "g", "kcn", mk.parks(3), fields=FIELDS, rows=rows_in(ENCODERS["tcvn3"]), prj=mk.esri_9209())
    assert main(["import", str(good), "--layer", "industrial_parks"]) == 0
    before = sha(env)
    bad_prj = mk.make_shapefile(tmp_path / "b1", "kcn", mk.parks(3), prj=PRJ_VARIANTS["wgs84_datum"])
    no_prj = mk.make_shapefile(tmp_path / "b2", "kcn", mk.parks(3))
    slip = tmp_path / "slip.zip"
    with zipfile.ZipFile(slip, "w") as zf:
        zf.writestr("../../evil.shp", b"x")
    for argv in (
        ["import", str(bad_prj), "--layer", "industrial_parks"],
        ["import", str(no_prj), "--layer", "industrial_parks"],
        ["import", str(slip), "--layer", "industrial_parks"],
        ["import", str(good), "--layer", "no_such_layer"],
        ["import", str(good), "--layer", "industrial_parks", "--encoding", "koi8"],
        ["import", str(good), "--layer", "industrial_parks", "--crs", "bogus"],
    ):
        assert main(argv) == 2
    capsys.readouterr()
    assert sha(env) == before
    assert [v.version for v in GpkgStore.open(env).versions("industrial_parks")] == [1]


def test_failed_write_changes_nothing(mk, tmp_path, env, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    z = mk.make_shapefile(tmp_path, "kcn", mk.parks(3), fields=FIELDS, rows=rows_in(ENCODERS["tcvn3"]), prj=mk.esri_9209())
    commit_import(plan_import(z, layer_id="industrial_parks"))
    plan = plan_import(z, layer_id="industrial_parks")
    from tbgeo.store import GpkgStore as W

    def boom(*a, **k):  # type: ignore[no-untyped-def]
        raise OSError("disk full")

    monkeypatch.setattr("tbgeo.store.GpkgStore._audit", staticmethod(boom))
    with pytest.raises(TbgeoError) as err:  # the OSError, told as a store error
        commit_import(plan)
    assert err.value.key == "workspace.write_failed" and "disk full" not in err.value.message("en")
    assert "OSError: disk full" in Path(err.value.params["log"]).read_text(encoding="utf-8")
    assert [v.version for v in W.open(env).versions("industrial_parks")] == [1]
    assert "lv_industrial_parks_2" not in {str(n) for n in pyogrio.list_layers(env)[:, 0]}
    assert W.open(env).read_version("industrial_parks", 1)["name"].tolist() == [THAI_BINH, LUC, "KCN Tiền Hải"]


def test_versions_and_rollback(mk, tmp_path, capsys, env) -> None:  # type: ignore[no-untyped-def]
    from tbgeo.catalog import load_catalog

    v1 = mk.make_shapefile(tmp_path / "1", "kcn", mk.parks(3), fields=FIELDS, rows=rows_in(ENCODERS["tcvn3"]), prj=mk.esri_9209())
    v2 = mk.make_shapefile(tmp_path / "2", "kcn", mk.parks(2), fields=FIELDS, rows=rows_in(ENCODERS["vni"])[:2], prj=mk.esri_9209())
    assert main(["import", str(v1), "--layer", "industrial_parks", "--user", "an"]) == 0
    assert main(["import", str(v2), "--layer", "industrial_parks", "--user", "binh", "--yes"]) == 0
    capsys.readouterr()
    layer = load_catalog(check_data=False).get("industrial_parks")
    assert len(layer.read()) == 2
    rc, rows, _ = run(capsys, "versions", "industrial_parks", "--format", "json")
    assert rc == 0 and [(r["version"], r["active"], r["created_by"], r["features"]) for r in rows] == [(1, False, "an", 3), (2, True, "binh", 2)]
    assert rows[0]["sha256"] == sha(v1) and rows[0]["source_name"] == "kcn.zip"
    assert rows[0]["crs"]["epsg"] == 9209 and rows[0]["encoding"]["detected"] == "tcvn3" and rows[1]["encoding"]["detected"] == "vni"
    assert rows[0]["features_in"] == 3 and rows[0]["repaired"] == 0
    assert main(["rollback", "industrial_parks", "1"]) == 0
    assert "phiên bản 1" in capsys.readouterr().out
    restored = layer.read()
    assert restored["name"].tolist() == [THAI_BINH, LUC, "KCN Tiền Hải"]
    assert GpkgStore.open(env).active_version("industrial_parks").version == 1
    rc, _, err = run(capsys, "--lang", "en", "rollback", "industrial_parks", "7")
    assert rc == 2 and "no version 7" in err and "“industrial_parks (en)”" in err  # said with its title
    assert main(["versions", "industrial_parks"]) == 0
    out = capsys.readouterr().out
    assert "* v1" in out and "  v2" in out
    # text: the layer's title and Vietnam time (UTC+7); JSON (above): ISO 8601 in UTC, for programs
    made = datetime.fromisoformat(rows[0]["created_at"])
    assert made.utcoffset() == timedelta(0)
    local = made.astimezone(timezone(timedelta(hours=7))).strftime("%d/%m/%Y %H:%M")
    assert out.splitlines()[0] == "Lớp “industrial_parks (vi) [industrial_parks]”: 2 phiên bản (* = đang dùng)"
    assert f"* v1  {local}  an  kcn.zip" in out and "+00:00" not in out and rows[0]["created_at"] not in out
    assert main(["--lang", "en", "versions", "industrial_parks"]) == 0
    out = capsys.readouterr().out
    assert made.astimezone(timezone(timedelta(hours=7))).strftime("%Y-%m-%d %H:%M (UTC+7)") in out


def test_concurrent_imports_land_as_distinct_versions(mk, tmp_path, env) -> None:  # type: ignore[no-untyped-def]
    plans = [
        plan_import(
            mk.make_shapefile(tmp_path / str(i), "kcn", mk.parks(i + 2), prj=mk.esri_9209()), layer_id="industrial_parks"
        )
        for i in range(2)
    ]
    GpkgStore.open(env)
    errors: list[BaseException] = []

    def go(p):  # type: ignore[no-untyped-def]
        try:
            # removal confirmed: whichever lands second replaces the first, and 3 → 2 parks removes one
            commit_import(p, actor=single_user("t"), confirm_removal=True)
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=go, args=(p,)) for p in plans]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    assert not errors
    versions = GpkgStore.open(env).versions("industrial_parks")
    assert sorted(v.version for v in versions) == [1, 2]
    assert sorted(v.features for v in versions) == [2, 3]
    for v in versions:
        assert len(GpkgStore.open(env).read_version("industrial_parks", v.version)) == v.features


def test_pipeline_errors_are_input_errors(mk, tmp_path) -> None:  # type: ignore[no-untyped-def]
    z = mk.make_shapefile(tmp_path, "kcn", mk.parks(1))
    plan = plan_import(z, layer_id="industrial_parks")
    assert not plan.ready and plan.crs.needs_confirmation
    with pytest.raises(CRSError) as err:
        commit_import(plan)
    assert err.value.key == "ingest.crs_confirm" and "--crs" in err.value.message("vi")
    with pytest.raises(InputError) as err:
        plan_import(tmp_path / "missing.zip", layer_id="industrial_parks")
    assert err.value.key == "ingest.not_found"
    assert err.value.message("vi") == f"Không có tệp “{tmp_path / 'missing.zip'}”."
    assert np.isfinite(plan.frame.total_bounds).all()


def test_decomposed_unicode_is_composed_not_converted(tmp_path, capsys, env) -> None:  # type: ignore[no-untyped-def]
    import unicodedata

    nfd = unicodedata.normalize("NFD", THAI_BINH)
    gdf = gpd.GeoDataFrame({"name": [nfd]}, geometry=[box(106.34, 20.45, 106.35, 20.46)], crs=4326)
    path = tmp_path / "nfd.geojson"
    gdf.to_file(path)
    code, data, _ = run(capsys, "import", str(path), "--layer", "industrial_parks", "--format", "json")
    assert code == 0 and data["encoding"]["converted_columns"] == [] and data["encoding"]["columns"]["name"] == "unicode"
    assert GpkgStore.open(env).read_version("industrial_parks", 1)["name"].tolist() == [THAI_BINH]


def test_catalog_keys_match() -> None:
    import tomllib

    from tbgeo.i18n import catalog

    root = Path(__file__).resolve().parents[2] / "tbgeo" / "i18n"
    vi = tomllib.loads((root / "vi" / "ingest.toml").read_text("utf-8"))["ingest"]
    en = tomllib.loads((root / "en" / "ingest.toml").read_text("utf-8"))["ingest"]
    assert set(vi) == set(en)
    assert catalog("vi")["ingest.page_title"] == "Tải lên dữ liệu GIS"
