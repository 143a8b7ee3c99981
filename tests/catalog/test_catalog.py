"""The layer catalog: loading, validation errors naming file and key, and the JSON listing."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import geopandas as gpd
import pytest
import shapely

from tbgeo import settings
from tbgeo.catalog import load_catalog, parse_layer_file
from tbgeo.cli import main
from tbgeo.errors import CatalogError

ROOT = Path(__file__).resolve().parents[2]
EXPECTED_IDS = {
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

BASE = """
id = "{id}"
title_vi = "Khu công nghiệp thử"
title_en = "Test parks"
group = "industry"
kind = "vector"
source = "{source}"
geometry_type = "{gtype}"
crs = "{crs}"
citation = "Điều 1, III.4"
provenance_vi = "Dữ liệu thử."
provenance_en = "Test data."
accuracy_vi = "±1 m"
accuracy_en = "±1 m"
"""


@pytest.fixture()
def layer_dir(tmp_path: Path) -> Path:
    gdf = gpd.GeoDataFrame(
        {"name": ["KCN A", "KCN B"]},
        geometry=[shapely.box(106.30, 20.40, 106.31, 20.41), shapely.box(106.40, 20.50, 106.42, 20.51)],
        crs="EPSG:4326",
    )
    gdf.to_file(tmp_path / "parks.geojson", driver="GeoJSON")
    (tmp_path / "layers").mkdir()
    return tmp_path


def _write(folder: Path, name: str, text: str) -> Path:
    path = folder / "layers" / f"{name}.toml"
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def test_valid_layer_loads(layer_dir: Path) -> None:
    path = _write(layer_dir, "parks", BASE.format(id="parks", source=str(layer_dir / "parks.geojson"), gtype="Polygon", crs="EPSG:4326"))
    layer = parse_layer_file(path)
    assert layer.title("vi") == "Khu công nghiệp thử"
    assert layer.feature_count() == 2
    assert layer.read(crs="EPSG:9209").crs.to_epsg() == 9209


@pytest.mark.parametrize(
    ("extra", "key", "message_en"),
    [
        ('colour = "#fff"\n', "colour", "unknown key “colour”"),
        ("", "source", "data file"),
    ],
)
def test_errors_name_file_and_key(layer_dir: Path, extra: str, key: str, message_en: str) -> None:
    source = str(layer_dir / "parks.geojson") if key != "source" else "data/nowhere.geojson"
    path = _write(layer_dir, "parks", BASE.format(id="parks", source=source, gtype="Polygon", crs="EPSG:4326") + extra)
    with pytest.raises(CatalogError) as err:
        parse_layer_file(path)
    assert "parks.toml" in err.value.message("en")
    assert message_en in err.value.message("en")
    assert "parks.toml" in err.value.message("vi")


def test_missing_required_key(layer_dir: Path) -> None:
    text = BASE.format(id="parks", source=str(layer_dir / "parks.geojson"), gtype="Polygon", crs="EPSG:4326")
    text = "\n".join(line for line in text.splitlines() if not line.startswith("citation"))
    path = _write(layer_dir, "parks", text)
    with pytest.raises(CatalogError) as err:
        parse_layer_file(path)
    assert err.value.message("vi") == "Tệp lớp parks.toml: thiếu khóa bắt buộc «citation»."


def test_wrong_crs(layer_dir: Path) -> None:
    path = _write(layer_dir, "parks", BASE.format(id="parks", source=str(layer_dir / "parks.geojson"), gtype="Polygon", crs="EPSG:9209"))
    with pytest.raises(CatalogError) as err:
        parse_layer_file(path)
    assert err.value.key == "catalog.wrong_crs"
    assert "EPSG:4326" in err.value.message("en") and "EPSG:9209" in err.value.message("en")


def test_wrong_geometry_type(layer_dir: Path) -> None:
    path = _write(layer_dir, "parks", BASE.format(id="parks", source=str(layer_dir / "parks.geojson"), gtype="Point", crs="EPSG:4326"))
    with pytest.raises(CatalogError) as err:
        parse_layer_file(path)
    assert err.value.key == "catalog.wrong_geometry"
    assert "Polygon" in err.value.message("en")


@pytest.mark.parametrize(
    ("extra", "key"),
    [
        ('[[popup]]\nfield = "widthh"\nlabel_vi = "Rộng"\nlabel_en = "Width"\n', "popup.field"),
        ('[style]\nclass_field = "trang_thai"\n', "style.class_field"),
        ('label_field = "ten"\n', "label_field"),
    ],
)
def test_fields_must_exist_in_the_data(layer_dir: Path, extra: str, key: str) -> None:
    text = BASE.format(id="parks", source=str(layer_dir / "parks.geojson"), gtype="Polygon", crs="EPSG:4326")
    text = extra + text if extra.startswith("label_field") else text + extra
    path = _write(layer_dir, "parks", text)
    with pytest.raises(CatalogError) as err:
        parse_layer_file(path)
    assert err.value.key == "catalog.unknown_field"
    message = err.value.message("vi")
    assert message.startswith("Tệp lớp parks.toml: trường «") and f"(khóa «{key}»)" in message
    assert message.endswith("Các trường hiện có: name.")


def test_bad_group_and_id_mismatch(layer_dir: Path) -> None:
    text = BASE.format(id="parks", source=str(layer_dir / "parks.geojson"), gtype="Polygon", crs="EPSG:4326")
    path = _write(layer_dir, "parks", text.replace('group = "industry"', 'group = "factories"'))
    with pytest.raises(CatalogError) as err:
        parse_layer_file(path)
    assert "factories" in err.value.message("en") and "administrative" in err.value.message("en")
    path = _write(layer_dir, "other", text)
    with pytest.raises(CatalogError) as err:
        parse_layer_file(path)
    assert err.value.key == "catalog.id_mismatch"


def test_shipped_catalog_has_every_layer() -> None:
    cat = load_catalog()
    assert set(cat.ids) == EXPECTED_IDS
    assert cat.get("landuse").kind == "raster"
    assert {c.code for c in cat.get("landuse").raster_classes if c.rice} == {"LUC", "LUK"}
    for layer in cat:
        assert "minh họa" in layer.provenance("vi").lower()
        assert "illustrative" in layer.provenance("en").lower()
        assert layer.citation.startswith("Điều 1")


def test_unknown_layer_message() -> None:
    with pytest.raises(CatalogError) as err:
        load_catalog().get("nope")
    assert "districts" in err.value.message("vi")


def test_layers_json_listing(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["layers", "--format", "json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    by_id = {r["id"]: r for r in rows}
    assert set(by_id) == EXPECTED_IDS | {"communes_2025"}  # the optional layer is listed, not imported
    assert {k: by_id["communes_2025"][k] for k in ("optional", "imported", "features", "source")} == {
        "optional": True, "imported": False, "features": None, "source": "—"}
    assert not any(by_id[i]["optional"] for i in EXPECTED_IDS)
    for row in rows:
        for key in ("id", "title_vi", "title_en", "group", "kind", "features", "crs", "source", "provenance", "citation"):
            assert key in row
    assert by_id["districts"]["features"] == 8
    assert by_id["landuse"]["features"] is None
    assert by_id["landuse"]["crs"] == "EPSG:9209"
    assert by_id["districts"]["source"] == "data/districts.geojson"
    assert (settings.PROJECT_DIR / by_id["districts"]["source"]).exists()


def test_active_version_replaces_shipped_data(capsys: pytest.CaptureFixture[str]) -> None:
    from tbgeo.store.gpkg import GpkgStore

    layer = load_catalog().get("industrial_parks")
    shipped = layer.feature_count()
    gdf = layer.read().iloc[:2]
    GpkgStore.open().add_layer_version("industrial_parks", gdf, source_name="kcn.zip", sha256="0" * 64)
    assert layer.feature_count() == 2
    assert len(layer.read()) == 2
    assert main(["layers", "--format", "json"]) == 0
    row = next(r for r in json.loads(capsys.readouterr().out) if r["id"] == "industrial_parks")
    assert row["features"] == 2 and row["source"] == "workspace:industrial_parks@v1"
    assert len(layer.read(shipped=True)) == shipped


def test_a_data_file_changed_after_a_good_check_is_checked_again(layer_dir: Path) -> None:
    """The checks are remembered between starts (tbgeo.diskcache), but only for unchanged files."""
    path = _write(layer_dir, "parks", BASE.format(id="parks", source=str(layer_dir / "parks.geojson"), gtype="Polygon", crs="EPSG:4326"))
    assert parse_layer_file(path).id == "parks"
    assert parse_layer_file(path).id == "parks"  # from the remembered check
    gpd.GeoDataFrame({"name": ["P"]}, geometry=[shapely.Point(106.3, 20.4)], crs="EPSG:4326").to_file(
        layer_dir / "parks.geojson", driver="GeoJSON"
    )
    with pytest.raises(CatalogError) as err:
        parse_layer_file(path)
    assert err.value.key == "catalog.wrong_geometry"


def test_the_catalog_reads_versions_from_the_store_it_is_given(tmp_path: Path) -> None:
    # issue 11: the catalog's store is explicit (Catalog(layers, store=...)), not opened behind its back
    from tbgeo.review.landuse import raster_path
    from tbgeo.store.gpkg import GpkgStore

    other = GpkgStore.open(tmp_path / "other.gpkg")
    configured = load_catalog()
    given = load_catalog(store=other)
    parks = given.get("industrial_parks")
    gdf = parks.read().iloc[:3]
    other.add_layer_version("industrial_parks", gdf, source_name="kcn.zip", sha256="1" * 64)
    assert parks.store() is other
    assert parks.active_version() is not None and parks.active_version().version == 1
    assert parks.feature_count() == 3 and len(parks.read()) == 3
    # the configured store knows nothing of it
    assert configured.get("industrial_parks").active_version() is None
    assert configured.get("industrial_parks").feature_count() == len(parks.read(shipped=True))
    # what is derived from a layer follows its catalog's store too
    assert raster_path(given.get("landuse")) == raster_path(configured.get("landuse")) == given.get("landuse").path
    # a function giving the store is asked each time
    calls: list[int] = []
    lazy = load_catalog(store=lambda: calls.append(1) or other)
    assert lazy.get("industrial_parks").feature_count() == 3 and calls
