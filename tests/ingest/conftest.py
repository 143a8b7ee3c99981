"""Fixtures for the ingest tests: a small layer catalog, a temporary workspace, and builders for
shapefiles whose DBF bytes are written by hand (to get TCVN3, VNI and CP1258 text exactly)."""

from __future__ import annotations

import shutil
import struct
import warnings
import zipfile
from collections.abc import Sequence
from pathlib import Path
from types import SimpleNamespace

import geopandas as gpd
import pytest
from pyproj import CRS
from shapely.geometry import Point, Polygon, box

from tbgeo import settings

E0, N0 = 587_644.682, 2_262_182.72  # EPSG:9209, Thái Bình city (facts §1.4)
ROOT = Path(__file__).resolve().parents[2]

_LAYER = """id = "{id}"
title_vi = "{id} (vi)"
title_en = "{id} (en)"
group = "{group}"
kind = "vector"
source = "data/{id}.geojson"
crs = "EPSG:4326"
citation = "Điều 1, III.4"
provenance_vi = "thử"
provenance_en = "test"
accuracy_vi = "thử"
accuracy_en = "test"
geometry_type = "{gtype}"
{popup}
"""


@pytest.fixture(autouse=True)
def env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A project folder with layers/ for industrial_parks (Polygon), energy_sites (Point) and
    gas_pipelines (LineString), no districts (so the province outline is its extent box), and a
    workspace path that does not exist yet."""
    project = tmp_path / "project"
    layers = project / "layers"
    layers.mkdir(parents=True)
    specs = {
        "industrial_parks": ("industry", "Polygon", ("name", "status", "area_ha", "district", "note")),
        "energy_sites": ("energy", "Point", ("name", "kind", "capacity_mw")),
        "gas_pipelines": ("energy", "LineString", ("name", "kind", "length_km")),
    }
    for lid, (group, gtype, fields) in specs.items():
        popup = "\n".join(f'[[popup]]\nfield = "{f}"\nlabel_vi = "{f}"\nlabel_en = "{f}"\n' for f in fields)
        (layers / f"{lid}.toml").write_text(_LAYER.format(id=lid, group=group, gtype=gtype, popup=popup), "utf-8")
    monkeypatch.setattr(settings, "PROJECT_DIR", project)
    monkeypatch.setattr(settings, "LAYERS_DIR", layers)
    monkeypatch.setattr(settings, "DATA_DIR", project / "data")  # no shipped data: layers start empty
    monkeypatch.setattr(settings, "CONFIG_DIR", project / "config")
    ws = tmp_path / "ws" / "tbgeo.gpkg"
    monkeypatch.setenv("TBGEO_WORKSPACE", str(ws))
    monkeypatch.setenv("TBGEO_USER", "tester")
    return ws


@pytest.fixture
def parks12(env: Path) -> gpd.GeoDataFrame:
    """The project's own industrial-parks layer (style classes with aliases, label field ``name``) and its
    12 shipped parks, in the test project (a layer an upload could wipe)."""
    shutil.copy(ROOT / "layers" / "industrial_parks.toml", settings.LAYERS_DIR / "industrial_parks.toml")
    (settings.PROJECT_DIR / "data").mkdir(exist_ok=True)
    shutil.copy(ROOT / "data" / "industrial_parks.geojson", settings.PROJECT_DIR / "data" / "industrial_parks.geojson")
    shipped = gpd.read_file(ROOT / "data" / "industrial_parks.geojson")
    assert len(shipped) == 12
    return shipped


# --------------------------------------------------------------------------------------------
# Raw DBF and shapefiles
# --------------------------------------------------------------------------------------------


def write_dbf(path: Path, fields: Sequence[tuple[bytes, str, int]], rows: Sequence[Sequence[bytes]], *, ldid: int = 0) -> None:
    """A dBASE III table with the given raw bytes (field name, type C or N, width)."""
    header_len = 32 + 32 * len(fields) + 1
    record_len = 1 + sum(f[2] for f in fields)
    with path.open("wb") as fh:
        fh.write(struct.pack("<B3BIHH", 3, 125, 1, 1, len(rows), header_len, record_len))
        fh.write(bytes(17) + bytes([ldid]) + bytes(2))
        for name, typ, width in fields:
            fh.write(name.ljust(11, b"\0")[:11] + typ.encode() + bytes(4) + bytes([width, 2 if typ == "N" else 0]) + bytes(14))
        fh.write(b"\r")
        for row in rows:
            fh.write(b" ")
            for (_name, typ, width), value in zip(fields, row):
                fh.write(value.ljust(width, b" ")[:width] if typ == "C" else value.rjust(width, b" ")[:width])
        fh.write(b"\x1a")


def make_shapefile(
    folder: Path,
    name: str,
    geoms: Sequence,
    *,
    fields: Sequence[tuple[bytes, str, int]] = (),
    rows: Sequence[Sequence[bytes]] | None = None,
    prj: str | None = None,
    cpg: str | None = None,
    ldid: int = 0,
    zip_name: str | None = None,
) -> Path:
    """A zipped shapefile: geometry written by GDAL, the .dbf by hand, .prj/.cpg as given (or absent)."""
    folder.mkdir(parents=True, exist_ok=True)
    work = folder / f"_{name}"
    work.mkdir()
    gdf = gpd.GeoDataFrame({"dummy": list(range(len(geoms)))}, geometry=list(geoms))
    with warnings.catch_warnings():  # no CRS on purpose: the .prj is written (or left out) below
        warnings.filterwarnings("ignore", "'crs' was not provided", UserWarning)
        gdf.to_file(work / f"{name}.shp", engine="pyogrio")
    for ext in (".prj", ".cpg"):
        (work / f"{name}{ext}").unlink(missing_ok=True)
    if rows is None:
        rows = [[] for _ in geoms]
        fields = ()
    if fields:
        write_dbf(work / f"{name}.dbf", fields, rows, ldid=ldid)
    if prj is not None:
        (work / f"{name}.prj").write_text(prj, "utf-8")
    if cpg is not None:
        (work / f"{name}.cpg").write_text(cpg, "ascii")
    out = folder / (zip_name or f"{name}.zip")
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        for part in sorted(work.iterdir()):
            zf.write(part, part.name)
    return out


def esri_9209() -> str:
    return CRS.from_epsg(9209).to_wkt("WKT1_ESRI")


def square(e: float, n: float, size: float = 200.0) -> Polygon:
    return box(e, n, e + size, n + size)


def parks(n: int = 3, *, e: float = E0, north: float = N0) -> list[Polygon]:
    """``n`` 200 m squares 500 m apart, starting at (e, north)."""
    return [square(e + 500 * i, north) for i in range(n)]


@pytest.fixture
def mk() -> SimpleNamespace:
    """The builders above, for test modules (conftest is not importable under --import-mode=importlib)."""
    return SimpleNamespace(
        E0=E0, N0=N0, write_dbf=write_dbf, make_shapefile=make_shapefile, esri_9209=esri_9209,
        square=square, parks=parks, Point=Point,
    )
