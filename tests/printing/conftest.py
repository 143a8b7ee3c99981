"""A tiny synthetic catalog with known geometry for the printing tests (used until, and besides, the real data)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from pyproj import Transformer

# 8 districts on a 4 × 2 grid of 14.5 km × 25.5 km cells in EPSG:9209 (E 562–620 km, N 2 243–2 294 km)
X0, Y0, DX, DY = 562_000.0, 2_243_000.0, 14_500.0, 25_500.0
DISTRICTS = [
    ("336", "Thái Bình", "Thai Binh", "Thành phố"),
    ("338", "Quỳnh Phụ", "Quynh Phu", "Huyện"),
    ("339", "Hưng Hà", "Hung Ha", "Huyện"),
    ("340", "Đông Hưng", "Dong Hung", "Huyện"),
    ("341", "Thái Thụy", "Thai Thuy", "Huyện"),
    ("342", "Tiền Hải", "Tien Hai", "Huyện"),
    ("343", "Kiến Xương", "Kien Xuong", "Huyện"),
    ("344", "Vũ Thư", "Vu Thu", "Huyện"),
]
_TO_LL = Transformer.from_crs(9209, 4326, always_xy=True)


def cell(i: int) -> tuple[float, float, float, float]:
    col, row = i % 4, i // 4
    return (X0 + col * DX, Y0 + row * DY, X0 + (col + 1) * DX, Y0 + (row + 1) * DY)


def _ll(coords: list[tuple[float, float]]) -> list[list[float]]:
    xs, ys = zip(*coords)
    lon, lat = _TO_LL.transform(np.array(xs), np.array(ys))
    return [[float(a), float(b)] for a, b in zip(lon, lat)]


def _rect(b: tuple[float, float, float, float], n: int = 6) -> list[tuple[float, float]]:
    # densified so the reprojection back to 9209 stays within centimetres of the rectangle
    x0, y0, x1, y1 = b
    pts = [(x0 + (x1 - x0) * k / n, y0) for k in range(n)] + [(x1, y0 + (y1 - y0) * k / n) for k in range(n)]
    pts += [(x1 - (x1 - x0) * k / n, y1) for k in range(n)] + [(x0, y1 - (y1 - y0) * k / n) for k in range(n)]
    return pts + [pts[0]]


def _fc(features: list[dict]) -> dict:
    return {"type": "FeatureCollection", "features": features}


def _feature(props: dict, geom: dict) -> dict:
    return {"type": "Feature", "properties": props, "geometry": geom}


PARKS = [  # name, status, district index, centre offset in the cell (fraction), size km
    ("KCN Tiền Hải", "operating", 5, (0.5, 0.5), 2.0),
    ("KCN Sông Trà", "operating", 0, (0.5, 0.3), 1.5),
    ("KCN Gia Lễ", "building", 3, (0.4, 0.6), 1.2),
    ("KCN Hưng Phú", "planned", 2, (0.5, 0.5), 1.8),
]


def _layer_toml(**kw: object) -> str:
    lines = []
    tables = {k: v for k, v in kw.items() if isinstance(v, (dict, list))}
    for k, v in kw.items():
        if k in tables:
            continue
        lines.append(f"{k} = {json.dumps(v, ensure_ascii=False)}")
    for k, v in tables.items():
        if isinstance(v, dict):
            lines.append(f"\n[{k}]")
            for kk, vv in v.items():
                if kk == "classes":
                    continue
                lines.append(f"{kk} = {json.dumps(vv, ensure_ascii=False)}")
            for c in v.get("classes", []):
                lines.append(f"\n[[{k}.classes]]")
                lines.extend(f"{a} = {json.dumps(b, ensure_ascii=False)}" for a, b in c.items())
        else:
            for c in v:
                lines.append(f"\n[[{k}]]")
                lines.extend(f"{a} = {json.dumps(b, ensure_ascii=False)}" for a, b in c.items())
    return "\n".join(lines) + "\n"


def _common(id_: str, vi: str, en: str, group: str, kind: str, source: str, crs: str, order: int) -> dict:
    return dict(
        id=id_, title_vi=vi, title_en=en, group=group, kind=kind, source=source, crs=crs, order=order,
        citation="Điều 1, III.4", provenance_vi=f"Dữ liệu thử nghiệm «{vi}»", provenance_en=f"Test data “{en}”",
        accuracy_vi="±0 m (tổng hợp)", accuracy_en="±0 m (synthetic)",
    )


def build_fake_project(root: Path) -> Path:
    """Write data/ and layers/ of a tiny synthetic catalog under ``root``; returns root."""
    data, layers = root / "data", root / "layers"
    data.mkdir(parents=True, exist_ok=True)
    layers.mkdir(parents=True, exist_ok=True)
    feats = []
    for i, (gso, vi, ascii_, ut) in enumerate(DISTRICTS):
        feats.append(_feature(
            {"gso_code": gso, "name_vi": vi, "name_ascii": ascii_, "unit_type": ut, "area_km2": DX * DY / 1e6,
             "seat_name": vi, "seat_lat": 20.5, "seat_lon": 106.3},
            {"type": "Polygon", "coordinates": [_ll(_rect(cell(i)))]},
        ))
    (data / "districts.geojson").write_text(json.dumps(_fc(feats), ensure_ascii=False), encoding="utf-8")
    feats = []
    for name, status, di, (fx, fy), size in PARKS:
        b = cell(di)
        cx, cy = b[0] + fx * DX, b[1] + fy * DY
        h = size * 500
        feats.append(_feature(
            {"name": name, "status": status, "area_ha": size * size * 100, "district": DISTRICTS[di][1],
             "in_economic_zone": False, "note": ""},
            {"type": "Polygon", "coordinates": [_ll(_rect((cx - h, cy - h, cx + h, cy + h), 2))]},
        ))
    (data / "industrial_parks.geojson").write_text(json.dumps(_fc(feats), ensure_ascii=False), encoding="utf-8")
    pipes = [
        ("Đường ống khí thấp áp Tiền Hải", "lp_network", "existing", [(598_000, 2_250_000), (575_000, 2_262_000)]),
        ("Đường ống khí cao áp dự kiến", "hp_onshore", "planned", [(618_000, 2_255_000), (600_000, 2_280_000)]),
    ]
    feats = [_feature({"name": n, "kind": k, "pressure": "low", "status": s, "length_km": 1.0, "citation": "x"},
                      {"type": "LineString", "coordinates": _ll(c)}) for n, k, s, c in pipes]
    (data / "gas_pipelines.geojson").write_text(json.dumps(_fc(feats), ensure_ascii=False), encoding="utf-8")
    sites = [("Trung tâm khí Tiền Hải", "gas_centre", 606_000, 2_252_000),
             ("Trạm tiếp bờ Thái Thụy", "landfall_station", 616_000, 2_280_000)]
    feats = [_feature({"name": n, "kind": k, "status": "existing", "capacity_mw": 0.0},
                      {"type": "Point", "coordinates": _ll([(x, y)])[0]}) for n, k, x, y in sites]
    (data / "energy_sites.geojson").write_text(json.dumps(_fc(feats), ensure_ascii=False), encoding="utf-8")
    # landuse raster: 200 m cells, class = 1 (LUC) west half, 2 (LUK) east half, 3 (industrial) block, 255 outside
    import rasterio
    from rasterio.transform import from_origin

    w, h = 290, 255
    arr = np.full((h, w), 1, dtype=np.uint8)
    arr[:, w // 2:] = 2
    arr[100:120, 200:230] = 3
    arr[:5, :] = 255
    with rasterio.open(data / "landuse.tif", "w", driver="GTiff", width=w, height=h, count=1, dtype="uint8",
                       crs="EPSG:9209", transform=from_origin(X0, Y0 + 2 * DY, 200, 200), nodata=255) as ds:
        ds.write(arr, 1)

    (layers / "districts.toml").write_text(_layer_toml(
        **_common("districts", "Ranh giới huyện", "District boundaries", "administrative", "vector",
                  "data/districts.geojson", "EPSG:4326", 10),
        geometry_type="Polygon", label_field="name_vi",
        style={"color": "#6d4c41", "weight": 1.5, "fill_color": "#ffffff", "fill_opacity": 0.0},
    ), encoding="utf-8")
    (layers / "industrial_parks.toml").write_text(_layer_toml(
        **_common("industrial_parks", "Khu công nghiệp", "Industrial parks", "industry", "vector",
                  "data/industrial_parks.geojson", "EPSG:4326", 40),
        geometry_type="Polygon", label_field="name",
        style={"color": "#7b1fa2", "weight": 2, "fill_color": "#ab47bc", "fill_opacity": 0.6, "class_field": "status",
               "classes": [
                   {"value": "operating", "label_vi": "Khu công nghiệp đang hoạt động",
                    "label_en": "Industrial park, operating", "fill_color": "#8e24aa"},
                   {"value": "building", "label_vi": "Khu công nghiệp đang xây dựng",
                    "label_en": "Industrial park, under construction", "fill_color": "#ce93d8"},
                   {"value": "planned", "label_vi": "Khu công nghiệp quy hoạch mới",
                    "label_en": "Industrial park, planned", "fill_color": "#f3e5f5", "dash_array": "6,4"},
               ]},
    ), encoding="utf-8")
    (layers / "gas_pipelines.toml").write_text(_layer_toml(
        **_common("gas_pipelines", "Đường ống dẫn khí", "Gas pipelines", "energy", "vector",
                  "data/gas_pipelines.geojson", "EPSG:4326", 60),
        geometry_type="LineString", label_field="name",
        style={"color": "#e65100", "weight": 3, "class_field": "status", "classes": [
            {"value": "existing", "label_vi": "Đường ống khí hiện có", "label_en": "Existing gas pipeline"},
            {"value": "planned", "label_vi": "Đường ống khí quy hoạch", "label_en": "Planned gas pipeline",
             "dash_array": "8,6"},
            {"value": "cancelled", "label_vi": "Đường ống khí đã hủy", "label_en": "Cancelled pipeline"},
        ]},
    ), encoding="utf-8")
    (layers / "energy_sites.toml").write_text(_layer_toml(
        **_common("energy_sites", "Công trình năng lượng", "Energy sites", "energy", "vector",
                  "data/energy_sites.geojson", "EPSG:4326", 70),
        geometry_type="Point", label_field="name",
        style={"color": "#b71c1c", "fill_color": "#ff5252", "fill_opacity": 0.9, "radius": 5, "weight": 1},
    ), encoding="utf-8")
    (layers / "landuse.toml").write_text(_layer_toml(
        **_common("landuse", "Hiện trạng sử dụng đất", "Land use", "landuse", "raster", "data/landuse.tif",
                  "EPSG:9209", 5),
        default_visible=False,
        raster_classes=[
            {"value": 0, "code": "KHAC", "label_vi": "Đất khác", "label_en": "Other land", "color": "#eeeeee"},
            {"value": 1, "code": "LUC", "label_vi": "Đất chuyên trồng lúa nước", "label_en": "Specialised wet-rice land",
             "color": "#f7e463", "rice": True},
            {"value": 2, "code": "LUK", "label_vi": "Đất trồng lúa nước còn lại", "label_en": "Other wet-rice land",
             "color": "#fbf3a5", "rice": True},
            {"value": 3, "code": "SKK", "label_vi": "Đất khu công nghiệp", "label_en": "Industrial land",
             "color": "#c98fd6"},
            {"value": 5, "code": "SON", "label_vi": "Sông, mặt nước", "label_en": "Rivers, water", "color": "#9fd3ff"},
        ],
    ), encoding="utf-8")
    return root


@pytest.fixture(scope="session")
def fake_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_fake_project(tmp_path_factory.mktemp("fakeproj"))


@pytest.fixture
def fake_project(fake_root: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """Point tbgeo.settings at the synthetic project and an empty workspace path."""
    from tbgeo import settings

    monkeypatch.setattr(settings, "PROJECT_DIR", fake_root)
    monkeypatch.setattr(settings, "DATA_DIR", fake_root / "data")
    monkeypatch.setattr(settings, "LAYERS_DIR", fake_root / "layers")
    monkeypatch.setenv("TBGEO_WORKSPACE", str(tmp_path / "ws" / "tbgeo.gpkg"))
    return fake_root


@pytest.fixture
def fake_data(fake_project: Path):
    from tbgeo.catalog import load_catalog
    from tbgeo.printing import MapData

    return MapData(load_catalog(fake_project / "layers"))
