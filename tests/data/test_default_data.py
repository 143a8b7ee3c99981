"""The shipped default data (data/*.geojson, data/landuse.tif, layers/*.toml) against the facts sheet.

Numbers come from shared/facts/thai-binh.md: §1.1 (province box), §1.2 (official district areas),
§1.3 (who borders whom), §3 (economic zone), §4 (parks and clusters), §5 (gas and power).
"""

from __future__ import annotations

import itertools
import json
import tomllib
import unicodedata
from pathlib import Path

import numpy as np
import pytest
import shapely
from shapely.geometry import Point

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "data"
LAYERS = ROOT / "layers"

# ---- facts §1.2 ------------------------------------------------------------------------------------
OFFICIAL_KM2 = {
    "Thái Bình": 67.7,
    "Quỳnh Phụ": 209.6,
    "Hưng Hà": 210.28,
    "Đông Hưng": 192.0,
    "Thái Thụy": 256.83,
    "Tiền Hải": 226.0,
    "Kiến Xương": 202.0,
    "Vũ Thư": 195.2,
}
GSO = {
    "336": "Thái Bình",
    "338": "Quỳnh Phụ",
    "339": "Hưng Hà",
    "340": "Đông Hưng",
    "341": "Thái Thụy",
    "342": "Tiền Hải",
    "343": "Kiến Xương",
    "344": "Vũ Thư",
}
ASCII = {
    "Thái Bình": "Thai Binh",
    "Quỳnh Phụ": "Quynh Phu",
    "Hưng Hà": "Hung Ha",
    "Đông Hưng": "Dong Hung",
    "Thái Thụy": "Thai Thuy",
    "Tiền Hải": "Tien Hai",
    "Kiến Xương": "Kien Xuong",
    "Vũ Thư": "Vu Thu",
}
# ---- facts §1.3, internal neighbours -----------------------------------------------------------------
NEIGHBOURS = {
    "Thái Bình": {"Vũ Thư", "Đông Hưng", "Kiến Xương"},
    "Quỳnh Phụ": {"Đông Hưng", "Hưng Hà", "Thái Thụy"},
    "Hưng Hà": {"Đông Hưng", "Quỳnh Phụ", "Vũ Thư"},
    "Đông Hưng": {"Quỳnh Phụ", "Hưng Hà", "Vũ Thư", "Thái Bình", "Thái Thụy", "Kiến Xương"},
    "Thái Thụy": {"Kiến Xương", "Quỳnh Phụ", "Đông Hưng", "Tiền Hải"},
    "Tiền Hải": {"Kiến Xương", "Thái Thụy"},
    "Kiến Xương": {"Tiền Hải", "Vũ Thư", "Thái Thụy", "Thái Bình", "Đông Hưng"},
    "Vũ Thư": {"Thái Bình", "Đông Hưng", "Kiến Xương", "Hưng Hà"},
}
# ---- facts §1.1 --------------------------------------------------------------------------------------
PROVINCE_BOX = (106.1100, 20.2530, 106.6306, 20.7289)  # lon min, lat min, lon max, lat max
PROVINCE_CENTROID_LON = 106.388
# ---- facts §4 (stated areas, ha) ---------------------------------------------------------------------
PARKS_HA = {
    "KCN Nguyễn Đức Cảnh": 101.89,
    "KCN Phúc Khánh": 159.03,
    "KCN Sông Trà": 150.48,
    "KCN Tiền Hải": 446.0,
    "KCN Cầu Nghìn": 97.5,
    "KCN Gia Lễ": 84.43,
    "KCN Liên Hà Thái": 588.84,
    "KCN Hải Long": 296.97,
    "KCN Thái Thượng": 782.0,
    "KCN Tiền Hải 2": 325.0,
    "KCN Thụy Trường": 227.0,
    "KCN Dược – Sinh học": 292.48,
}
PARK_DISTRICT = {
    "KCN Nguyễn Đức Cảnh": "Thái Bình",
    "KCN Phúc Khánh": "Thái Bình",
    "KCN Sông Trà": "Thái Bình",
    "KCN Tiền Hải": "Tiền Hải",
    "KCN Cầu Nghìn": "Quỳnh Phụ",
    "KCN Gia Lễ": "Đông Hưng",
    "KCN Liên Hà Thái": "Thái Thụy",
    "KCN Hải Long": "Tiền Hải",
    "KCN Thái Thượng": "Thái Thụy",
    "KCN Tiền Hải 2": "Tiền Hải",
    "KCN Thụy Trường": "Thái Thụy",
    "KCN Dược – Sinh học": "Quỳnh Phụ",
}
IN_KKT = {"KCN Liên Hà Thái", "KCN Hải Long", "KCN Thái Thượng", "KCN Tiền Hải 2", "KCN Thụy Trường"}
CLUSTERS_HA = {"CCN Trà Lý": 38.3, "CCN Cửa Lân": 35.33, "CCN Thái Thọ": None, "CCN Trà Linh": None}
KKT_HA = 30583.0
RAW_DISTRICTS = {"Vũ Thư", "Tiền Hải", "Thái Thụy", "Hưng Hà", "Đông Hưng", "Kiến Xương"}
POWER_CENTRE = (106.5578, 20.4810)
RIVER_WIDTH = {"Sông Hồng": 500, "Sông Luộc": 200, "Sông Hóa": 150, "Sông Trà Lý": 150, "Sông Diêm Hộ": 60}
TOWN_RADIUS = {"336": 2000.0}  # metres; 600 m for the district towns
TOWN_RADIUS_DEFAULT = 600.0
LAYER_IDS = {
    "districts",
    "industrial_parks",
    "industrial_clusters",
    "economic_zone",
    "agri_park",
    "raw_material_zones",
    "gas_fields",
    "gas_pipelines",
    "energy_sites",
    "rivers",
    "coastline",
    "landuse",
}
GROUP = {
    "districts": "administrative",
    "rivers": "base",
    "coastline": "base",
    "industrial_parks": "industry",
    "industrial_clusters": "industry",
    "economic_zone": "industry",
    "agri_park": "agriculture",
    "raw_material_zones": "agriculture",
    "gas_fields": "energy",
    "gas_pipelines": "energy",
    "energy_sites": "energy",
    "landuse": "landuse",
}


# =====================================================================================================
# districts
# =====================================================================================================
@pytest.fixture(scope="module")
def districts(read_layer):
    return read_layer("districts").set_index("name_vi", drop=False)


def test_district_attributes(read_layer):
    d = read_layer("districts", crs=None)
    assert d.crs.to_epsg() == 4326
    assert len(d) == 8
    assert dict(zip(d["gso_code"], d["name_vi"])) == GSO
    for _, r in d.iterrows():
        assert r["name_ascii"] == ASCII[r["name_vi"]]
        assert r["area_km2"] == pytest.approx(OFFICIAL_KM2[r["name_vi"]])
        assert r["unit_type"] == ("Thành phố" if r["gso_code"] == "336" else "Huyện")
    assert d.set_index("gso_code").loc["336", "seat_name"] == "Thành phố Thái Bình"
    assert d.set_index("gso_code").loc["338", "seat_name"] == "TT Quỳnh Côi"
    assert d.set_index("gso_code").loc["341", "seat_name"] == "TT Diêm Điền"
    # 6 decimals at most
    raw = json.loads((DATA / "districts.geojson").read_text(encoding="utf-8"))
    coords = shapely.get_coordinates(shapely.from_geojson(json.dumps(raw["features"][0]["geometry"])))
    assert np.allclose(coords, np.round(coords, 6), atol=1e-9)


def test_districts_partition(districts):
    geoms = list(districts.geometry)
    assert len(geoms) == 8 and all(g.is_valid for g in geoms)
    for a, b in itertools.combinations(geoms, 2):
        assert a.intersection(b).area < 1.0
    union = shapely.union_all(geoms)
    assert union.geom_type == "Polygon", union.geom_type
    assert len(union.interiors) == 0
    assert abs(union.area - sum(g.area for g in geoms)) < 10.0
    assert 1500e6 < union.area < 1650e6  # facts: 1,569 km² computed, 1,584.61 km² GSO


@pytest.mark.parametrize("name", list(OFFICIAL_KM2))
def test_district_area_within_10_percent(districts, name):
    area_km2 = districts.loc[name].geometry.area / 1e6
    assert area_km2 / OFFICIAL_KM2[name] == pytest.approx(1.0, abs=0.10), (name, area_km2)


def test_seats_inside_their_unit(read_layer):
    d = read_layer("districts")
    seats = shapely.points(d["seat_lon"], d["seat_lat"])
    d4326 = read_layer("districts", crs=None)
    assert len(d4326) == len(seats) == 8
    for geom, seat, name in zip(d4326.geometry, seats, d["name_vi"]):
        assert geom.contains(seat), name


def test_adjacency_equals_facts_table(districts):
    found = {n: set() for n in districts.index}
    for a, b in itertools.combinations(districts.index, 2):
        shared = districts.loc[a].geometry.boundary.intersection(districts.loc[b].geometry.boundary).length
        if shared > 100.0:
            found[a].add(b)
            found[b].add(a)
    assert found == NEIGHBOURS


def test_province_bbox(read_layer):
    minx, miny, maxx, maxy = read_layer("districts", crs=None).total_bounds
    for got, want in zip((minx, miny, maxx, maxy), PROVINCE_BOX):
        assert abs(got - want) <= 0.03, (got, want)


def test_sea_is_east(read_layer, districts):
    coast = read_layer("coastline", crs=None)
    xy = shapely.get_coordinates(coast.geometry.values)
    assert xy[:, 0].mean() > PROVINCE_CENTROID_LON + 0.15
    line = read_layer("coastline").geometry.union_all()
    touching = {
        n for n, g in districts.geometry.items() if g.boundary.intersection(line.buffer(5.0)).length > 100.0
    }
    assert touching == {"Thái Thụy", "Tiền Hải"}
    # the coast is the province's edge: every vertex lies on the outline
    outline = shapely.union_all(list(districts.geometry)).boundary
    assert shapely.distance(outline, shapely.points(shapely.get_coordinates(line))).max() < 1.0


# =====================================================================================================
# parks, clusters, agri park, economic zone, raw-material zones
# =====================================================================================================
@pytest.fixture(scope="module")
def kkt(read_layer):
    return read_layer("economic_zone").geometry.union_all()


def _check_sites(gdf, districts):
    for _, r in gdf.iterrows():
        g = r.geometry
        assert g.is_valid and g.geom_type == "Polygon", r["name"]
        assert r["status"] in {"operating", "building", "planned"}
        host = districts.loc[r["district"]].geometry
        assert g.difference(host.buffer(1.0)).area < 1.0, r["name"]
        if r["area_ha"] is not None and not (isinstance(r["area_ha"], float) and np.isnan(r["area_ha"])):
            assert g.area / 1e4 / r["area_ha"] == pytest.approx(1.0, abs=0.20), r["name"]
        assert isinstance(r["note"], str) and r["note"]


def test_industrial_parks(read_layer, districts, kkt):
    p = read_layer("industrial_parks").set_index("name", drop=False)
    assert set(p.index) == set(PARKS_HA)  # Sơn Hải left out (no location), An Hòa removed, Thaco is agri
    for name, ha in PARKS_HA.items():
        assert p.loc[name, "area_ha"] == pytest.approx(ha)
        assert p.loc[name, "district"] == PARK_DISTRICT[name]
    _check_sites(p, districts)
    for name in IN_KKT:
        assert bool(p.loc[name, "in_economic_zone"])
    for _, r in p[p["in_economic_zone"].astype(bool)].iterrows():
        assert r.geometry.difference(kkt.buffer(1.0)).area < 1.0, r["name"]
    assert not p.loc["KCN Dược – Sinh học", "in_economic_zone"]


def test_industrial_clusters(read_layer, districts, kkt):
    c = read_layer("industrial_clusters").set_index("name", drop=False)
    assert set(c.index) == set(CLUSTERS_HA)
    assert c.loc["CCN Trà Lý", "area_ha"] == pytest.approx(38.3)
    assert c.loc["CCN Cửa Lân", "area_ha"] == pytest.approx(35.33)
    for name in ("CCN Thái Thọ", "CCN Trà Linh"):
        assert c.loc[name, "area_ha"] is None or np.isnan(c.loc[name, "area_ha"])
        assert 30e4 <= c.loc[name].geometry.area <= 50e4
        assert "không được nêu" in c.loc[name, "note"]
        assert bool(c.loc[name, "in_economic_zone"])
    _check_sites(c, districts)
    for _, r in c[c["in_economic_zone"].astype(bool)].iterrows():
        assert r.geometry.difference(kkt.buffer(1.0)).area < 1.0, r["name"]


def test_agri_park(read_layer, districts):
    a = read_layer("agri_park")
    assert len(a) == 1
    r = a.iloc[0]
    assert r["district"] == "Quỳnh Phụ" and "Thaco" in r["name"]
    assert r["area_ha"] == pytest.approx(194.0)
    _check_sites(a, districts)
    # N-central Quỳnh Phụ: north of the district's centroid
    assert r.geometry.centroid.y > districts.loc["Quỳnh Phụ"].geometry.centroid.y


def test_sites_do_not_overlap(read_layer):
    geoms = [
        g for n in ("industrial_parks", "industrial_clusters", "agri_park") for g in read_layer(n).geometry
    ]
    assert len(geoms) == 12 + 4 + 1
    for a, b in itertools.combinations(geoms, 2):
        assert a.intersection(b).area < 1.0


def test_economic_zone(read_layer, districts, kkt):
    e = read_layer("economic_zone", crs=None)
    assert len(e) == 1
    r = e.iloc[0]
    assert (
        r["name"] == "Khu kinh tế Thái Bình" and r["area_ha"] == 30583 and r["decision"] == "36/2017/QĐ-TTg"
    )
    assert kkt.is_valid
    assert kkt.area / 1e4 / KKT_HA == pytest.approx(1.0, abs=0.10)
    host = districts.loc["Thái Thụy"].geometry.union(districts.loc["Tiền Hải"].geometry)
    assert kkt.difference(host.buffer(1.0)).area < 1.0
    # the KKT reaches its W extreme point (Thái Thọ, facts §3) and the coast
    assert kkt.distance(Point(*_m(106.4967, 20.4525))) < 500.0
    coast = read_layer("coastline").geometry.union_all()
    assert kkt.buffer(1.0).intersection(coast).length / coast.length > 0.9


def test_raw_material_zones(read_layer, kkt):
    z = read_layer("raw_material_zones")
    assert set(z["district"]) == RAW_DISTRICTS
    counts = z.groupby("district").size()
    assert counts.between(1, 3).all()
    assert (z["crop"] == "ngô, đỗ tương").all()
    districts = read_layer("districts").set_index("name_vi")
    sites = shapely.union_all(
        [g for n in ("industrial_parks", "industrial_clusters", "agri_park") for g in read_layer(n).geometry]
    )
    for _, r in z.iterrows():
        g = r.geometry
        assert g.is_valid
        assert r["area_ha"] == pytest.approx(g.area / 1e4, abs=0.2)
        assert g.difference(districts.loc[r["district"]].geometry.buffer(1.0)).area < 1.0
        assert g.intersection(kkt).area < 1.0
        assert g.intersection(sites).area < 1.0


# =====================================================================================================
# gas, energy, rivers, coast
# =====================================================================================================
def _m(lon, lat):
    from pyproj import Transformer

    return Transformer.from_crs(4326, 9209, always_xy=True).transform(lon, lat)


def test_gas_field_offshore(read_layer, districts):
    f = read_layer("gas_fields")
    assert len(f) >= 1
    province = shapely.union_all(list(districts.geometry))
    for _, r in f.iterrows():
        assert r["status"] == "existing" and "102" in r["name"] and "106" in r["name"]
        assert not r.geometry.intersects(province)
        assert r.geometry.bounds[0] > province.bounds[2]  # wholly east of the coast


def test_gas_pipelines(read_layer, districts):
    p = read_layer("gas_pipelines")
    kinds = p.groupby("kind")
    assert set(p["kind"]) == {"offshore", "lp_network", "hp_onshore"}
    off = p[p["kind"] == "offshore"].iloc[0]
    assert off["pressure"] == "high" and off["status"] == "existing"
    assert 22.0 <= off.geometry.length / 1000 <= 26.0  # facts §5: 24 km
    lp = kinds.get_group("lp_network")
    assert set(lp["status"]) == {"existing", "planned"} and set(lp["pressure"]) == {"low"}
    hp = kinds.get_group("hp_onshore")
    assert set(hp["status"]) == {"planned"} and set(hp["pressure"]) == {"high"}
    assert all("IV.7.c" in c for c in hp["citation"])
    for _, r in p.iterrows():
        assert r["length_km"] == pytest.approx(r.geometry.length / 1000, abs=0.01)
    # the trunk ends at the gas centre inside KCN Tiền Hải; the onshore HP line is inside the province
    sites = read_layer("energy_sites").set_index("kind")
    parks = read_layer("industrial_parks").set_index("name")
    end = Point(off.geometry.coords[-1])
    assert end.distance(sites.loc["gas_centre"].geometry) < 1.0
    province = shapely.union_all(list(districts.geometry))
    for g in hp.geometry:
        assert g.difference(province.buffer(1.0)).length < 1.0
    assert parks.loc["KCN Tiền Hải"].geometry.contains(sites.loc["gas_centre"].geometry)


def test_energy_sites(read_layer, districts):
    s = read_layer("energy_sites").set_index("kind", drop=False)
    assert set(s.index) == {"gas_centre", "landfall_station", "power_centre"}
    pc = s.loc["power_centre"]
    assert pc.geometry.distance(Point(*_m(*POWER_CENTRE))) < 5.0
    assert pc["capacity_mw"] == 1800
    assert districts.loc["Thái Thụy"].geometry.contains(pc.geometry)
    coast = read_layer("coastline").geometry.union_all()
    lfs = s.loc["landfall_station"].geometry
    assert lfs.distance(coast) < 500.0 and districts.loc["Tiền Hải"].geometry.contains(lfs)


def test_rivers(read_layer, districts):
    r = read_layer("rivers").set_index("name")
    assert dict(r["width_m"]) == RIVER_WIDTH
    outline = shapely.union_all(list(districts.geometry)).boundary
    for name in ("Sông Hồng", "Sông Luộc", "Sông Hóa"):  # boundary rivers follow the province edge
        pts = shapely.points(shapely.get_coordinates(r.loc[name].geometry))
        assert shapely.distance(outline, pts).max() < 1.0, name
    tl = r.loc["Sông Trà Lý"].geometry  # crosses W -> E from the Hồng to the sea
    a, b = Point(tl.coords[0]), Point(tl.coords[-1])
    assert a.distance(r.loc["Sông Hồng"].geometry) < 1.0
    coast = read_layer("coastline").geometry.union_all()
    assert b.distance(coast) < 1.0 and b.x - a.x > 35_000
    # mouth on the Thái Thụy / Tiền Hải border (the border is drawn on a 150 m grid, hence 300 m)
    for n in ("Thái Thụy", "Tiền Hải"):
        assert districts.loc[n].geometry.distance(b) < 300.0


def test_coastline(read_layer):
    c = read_layer("coastline")
    length = c.geometry.length.sum() / 1000
    assert 50.0 <= length <= 60.0
    assert c["length_km"].sum() == pytest.approx(length, abs=0.02)


# =====================================================================================================
# land-use raster
# =====================================================================================================
@pytest.fixture(scope="module")
def landuse():
    import rasterio

    with rasterio.open(DATA / "landuse.tif") as ds:
        return {
            "arr": ds.read(1),
            "transform": ds.transform,
            "crs": ds.crs,
            "res": ds.res,
            "nodata": ds.nodata,
            "dtype": ds.dtypes[0],
            "compression": ds.compression,
            "tiled": ds.profile.get("tiled"),
            "shape": ds.shape,
        }


def _mask(geoms, lu):
    from rasterio.features import rasterize

    return rasterize(
        [(g, 1) for g in geoms], out_shape=lu["shape"], transform=lu["transform"], fill=0, dtype="uint8"
    ).astype(bool)


def test_landuse_format(landuse):
    assert landuse["crs"].to_epsg() == 9209
    assert max(landuse["res"]) <= 20.0
    assert landuse["dtype"] == "uint8" and landuse["nodata"] == 255
    assert landuse["compression"].name.lower() == "deflate" and landuse["tiled"]
    assert set(np.unique(landuse["arr"])) <= {0, 1, 2, 3, 4, 5, 6, 255}
    assert (DATA / "landuse.tif").stat().st_size < 6 * 1024 * 1024


def test_landuse_rice_share(landuse):
    a = landuse["arr"]
    land = a != 255
    rice = np.isin(a, (1, 2))
    share = rice.sum() / land.sum()
    assert 0.45 <= share <= 0.50, share
    assert (a == 1).sum() > (a == 2).sum()  # LUC is the larger part


def test_landuse_nodata_outside_province(landuse, districts):
    province = shapely.union_all(list(districts.geometry))
    inside = _mask([province], landuse)
    a = landuse["arr"]
    assert (a[~inside] == 255).mean() > 0.995
    assert (a[inside] != 255).mean() > 0.995


def test_no_rice_in_parks_rivers_towns(landuse, read_layer):
    a = landuse["arr"]
    rice = np.isin(a, (1, 2))
    sites = [
        g for n in ("industrial_parks", "industrial_clusters", "agri_park") for g in read_layer(n).geometry
    ]
    m = _mask(sites, landuse)
    assert m.sum() > 10_000 and not (rice & m).any()
    assert (a[m] == 3).mean() > 0.95
    rivers = read_layer("rivers")
    m = _mask([g.buffer(w / 2) for g, w in zip(rivers.geometry, rivers["width_m"])], landuse)
    assert m.sum() > 10_000 and not (rice & m).any()
    d = read_layer("districts")
    seats = shapely.points(*np.array([_m(lon, lat) for lon, lat in zip(d["seat_lon"], d["seat_lat"])]).T)
    discs = [s.buffer(TOWN_RADIUS.get(code, TOWN_RADIUS_DEFAULT)) for s, code in zip(seats, d["gso_code"])]
    m = _mask(discs, landuse)
    assert m.sum() > 10_000 and not (rice & m).any()
    z = _mask(list(read_layer("raw_material_zones").geometry), landuse)
    assert rice[z].mean() < 0.05  # raw-material zones are maize/soybean, not rice


# =====================================================================================================
# catalog files, text, determinism
# =====================================================================================================
def _strings(obj):
    if isinstance(obj, str):
        yield obj
    elif isinstance(obj, dict):
        for k, v in obj.items():
            yield k
            yield from _strings(v)
    elif isinstance(obj, list):
        for v in obj:
            yield from _strings(v)


def test_layer_files():
    files = sorted(LAYERS.glob("*.toml"))
    ids = set()
    for f in files:
        raw = f.read_text(encoding="utf-8")
        assert unicodedata.is_normalized("NFC", raw), f.name
        data = tomllib.loads(raw)
        if data.get("optional"):  # declared for GIS staff to import, no data shipped (issue 15)
            assert data["id"] == f.stem == "communes_2025" and not (LAYERS.parent / data["source"]).exists()
            continue
        ids.add(data["id"])
        assert data["id"] == f.stem
        assert (LAYERS.parent / data["source"]).exists(), data["source"]
        assert data["group"] == GROUP[data["id"]]
        assert "minh họa" in data["provenance_vi"].lower() and "illustrative" in data["provenance_en"].lower()
        # shown on the data page and printed maps: no path of the project (the README names the script)
        assert "scripts/" not in data["provenance_vi"] and "scripts/" not in data["provenance_en"]
        assert data["accuracy_vi"] and data["accuracy_en"] and data["citation"].startswith("Điều 1")
        if data["kind"] == "raster":
            assert data["crs"] == "EPSG:9209" and "geometry_type" not in data and "popup" not in data
            classes = {c["value"]: c for c in data["raster_classes"]}
            assert set(classes) == set(range(7))
            assert {v for v, c in classes.items() if c.get("rice")} == {1, 2}
            assert classes[1]["code"] == "LUC" and classes[2]["code"] == "LUK"
        else:
            assert data["crs"] == "EPSG:4326" and data["geometry_type"] in {"Polygon", "LineString", "Point"}
            assert data["popup"] and all("field" in p for p in data["popup"])
    assert ids == LAYER_IDS


def test_geojson_text_is_nfc_and_illustrative_sources_exist():
    files = sorted(DATA.glob("*.geojson"))
    assert {f.stem for f in files} >= LAYER_IDS - {"landuse"}  # every shipped vector layer is checked
    for f in files:
        text = f.read_text(encoding="utf-8")
        assert unicodedata.is_normalized("NFC", text), f.name
        doc = json.loads(text)
        for s in _strings(doc):
            assert unicodedata.is_normalized("NFC", s)
    readme = (DATA / "README.md").read_text(encoding="utf-8")
    assert "minh họa" in readme.lower() or "illustrative" in readme.lower()


def test_geometry_types_are_homogeneous():
    import pyogrio

    expected = {
        "districts": "Polygon",
        "industrial_parks": "Polygon",
        "industrial_clusters": "Polygon",
        "agri_park": "Polygon",
        "raw_material_zones": "Polygon",
        "gas_fields": "Polygon",
        "gas_pipelines": "LineString",
        "energy_sites": "Point",
        "rivers": "LineString",
        "coastline": "LineString",
    }
    for name, gtype in expected.items():
        assert pyogrio.read_info(DATA / f"{name}.geojson")["geometry_type"] == gtype, name
    assert pyogrio.read_info(DATA / "economic_zone.geojson")["geometry_type"] in {"Polygon", "MultiPolygon"}


def test_field_pattern_is_deterministic(build_module):
    a_ids, a_u, a_v = build_module.field_pattern((300, 400), seed=7)
    b_ids, b_u, b_v = build_module.field_pattern((300, 400), seed=7)
    c_ids, c_u, _ = build_module.field_pattern((300, 400), seed=8)
    assert np.array_equal(a_ids, b_ids) and np.array_equal(a_u, b_u) and np.array_equal(a_v, b_v)
    assert not (np.array_equal(a_ids, c_ids) and np.array_equal(a_u, c_u))
    # parcels are 5–20 pixels (100–400 m) a side
    _, counts = np.unique(a_ids, return_counts=True)
    assert counts.min() >= 1 and np.median(counts) >= 25 and counts.max() <= 400


def test_blob_is_deterministic(build_module):
    p1 = build_module.blob(Point(0, 0), 1.3, 20.0, seed=5)
    p2 = build_module.blob(Point(0, 0), 1.3, 20.0, seed=5)
    assert p1.equals_exact(p2, 0.0) and p1.area == pytest.approx(1.0)


def test_readme_lists_every_file():
    readme = (DATA / "README.md").read_text(encoding="utf-8")
    for layer_id in sorted(LAYER_IDS):  # other engineers' files in data/ are not listed here
        name = "landuse.tif" if layer_id == "landuse" else f"{layer_id}.geojson"
        assert (DATA / name).exists() and name in readme, name
    assert "scripts/build_data.py" in readme
    assert Path(LAYERS).is_dir()


def test_low_pressure_network_starts_at_the_gas_centre() -> None:
    import geopandas as gpd

    pipes = gpd.read_file(DATA / "gas_pipelines.geojson").to_crs(9209)
    sites = gpd.read_file(DATA / "energy_sites.geojson").to_crs(9209)
    centre = sites[sites["kind"] == "gas_centre"].geometry.iloc[0]
    network = pipes[(pipes["kind"] == "lp_network") & (pipes["status"] == "existing")]
    assert len(network) >= 1
    assert all(line.distance(centre) < 1.0 for line in network.geometry)
