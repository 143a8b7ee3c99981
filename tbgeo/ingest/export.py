"""Write a layer (active version, a given version, or the shipped data) as GeoPackage, zipped shapefile
(VN-2000 .prj, UTF-8 .cpg), GeoJSON or KML."""

from __future__ import annotations

import os
import tempfile
import zipfile
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tbgeo.auth import Identity, acting, require
from tbgeo.catalog import load_catalog
from tbgeo.crs import DISPLAY_CRS, WORK_CRS
from tbgeo.errors import InputError
from tbgeo.store import open_store

if TYPE_CHECKING:
    import geopandas as gpd

__all__ = ["FORMATS", "EXTENSIONS", "format_for", "layer_frame", "write_frame", "export_layer", "export_bytes", "check_folder"]

FORMATS = ("gpkg", "shp", "geojson", "kml")
EXTENSIONS = {"gpkg": ".gpkg", "shp": ".zip", "geojson": ".geojson", "kml": ".kml"}
_BY_EXT = {".gpkg": "gpkg", ".zip": "shp", ".shp": "shp", ".geojson": "geojson", ".json": "geojson", ".kml": "kml"}


def format_for(path: str | Path) -> str:
    """The export format named by a file's extension."""
    ext = Path(path).suffix.lower()
    if ext not in _BY_EXT:
        raise InputError("ingest.export_format", value=ext or str(path), allowed=", ".join(FORMATS))
    return _BY_EXT[ext]


def layer_frame(layer_id: str, *, version: int | None = None) -> gpd.GeoDataFrame:
    """The features of ``layer_id``: a given workspace version, else the active one, else the shipped data."""
    layer = load_catalog(check_data=False).get(layer_id)
    if layer.kind != "vector":
        raise InputError("ingest.raster_layer", layer=layer.named())
    if version is not None:
        return open_store(create=False).read_version(layer_id, version)
    if layer.active_version() is None and not layer.path.exists():
        raise InputError("ingest.export_no_data", layer=layer.named())
    return layer.read(crs=WORK_CRS)


def _clean_for_write(gdf: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    drop = [c for c in gdf.columns if str(c).lower() == "fid"]
    return gdf.drop(columns=drop) if drop else gdf


def check_folder(out: Path) -> None:
    """Refuse an output path whose folder does not exist (folders are never created silently)."""
    folder = Path(out).parent
    if not folder.is_dir():
        raise InputError("ingest.export_no_folder", folder=str(folder))


def write_frame(gdf: gpd.GeoDataFrame, out: Path, *, fmt: str, layer_name: str) -> list[dict[str, Any]]:
    """Write ``gdf`` to ``out`` in ``fmt``, atomically (a temporary file renamed into place).

    Returns warnings (e.g. shapefile field names shortened to 10 characters).
    """
    # GDAL loads only when a file is written: `tbgeo` imports this module for its options at start
    import pyogrio

    if fmt not in FORMATS:
        raise InputError("ingest.export_format", value=fmt, allowed=", ".join(FORMATS))
    out = Path(out)
    check_folder(out)
    gdf = _clean_for_write(gdf)
    warnings: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory(prefix="tbgeo-export-", dir=out.parent) as tmp:
        tmpdir = Path(tmp)
        if fmt == "gpkg":
            target = tmpdir / "out.gpkg"
            pyogrio.write_dataframe(gdf.to_crs(WORK_CRS), target, layer=layer_name, driver="GPKG", promote_to_multi=True)
        elif fmt == "geojson":
            target = tmpdir / "out.geojson"
            pyogrio.write_dataframe(
                gdf.to_crs(DISPLAY_CRS), target, driver="GeoJSON", layer_options={"RFC7946": "YES"}
            )
        elif fmt == "kml":
            target = tmpdir / "out.kml"
            kml = gdf.to_crs(DISPLAY_CRS)
            name_field = "name" if "name" in kml.columns else ("name_vi" if "name_vi" in kml.columns else None)
            opts = {"NameField": name_field} if name_field else {}
            pyogrio.write_dataframe(kml, target, driver="KML", layer=layer_name, dataset_options=opts)
        else:
            shp_dir = tmpdir / "shp"
            shp_dir.mkdir()
            long = [str(c) for c in gdf.columns if c != gdf.geometry.name and len(str(c).encode("utf-8")) > 10]
            if long:
                warnings.append({"code": "ingest.w_field_names_truncated", "params": {"fields": ", ".join(long)}})
            pyogrio.write_dataframe(
                gdf.to_crs(WORK_CRS),
                shp_dir / f"{layer_name}.shp",
                driver="ESRI Shapefile",
                encoding="UTF-8",
                promote_to_multi=True,
            )
            cpg = shp_dir / f"{layer_name}.cpg"
            if not cpg.exists():
                cpg.write_text("UTF-8", encoding="ascii")
            target = tmpdir / "out.zip"
            with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as zf:
                for part in sorted(shp_dir.iterdir()):
                    zf.write(part, part.name)
        os.replace(target, out)
    return warnings


def export_layer(layer_id: str, out: str | Path, *, fmt: str | None = None, version: int | None = None,
                 actor: Identity | None = None) -> dict[str, Any]:
    """Export ``layer_id`` to ``out``, if the actor's roles allow exports; returns what was written
    (path, format, features, warnings)."""
    require(actor or acting(open_store(create=False)), "layer.export")
    fmt = fmt or format_for(out)
    check_folder(Path(out))
    gdf = layer_frame(layer_id, version=version)
    warnings = write_frame(gdf, Path(out), fmt=fmt, layer_name=layer_id)
    return {"layer": layer_id, "version": version, "format": fmt, "path": str(out), "features": len(gdf), "warnings": warnings}


def export_bytes(layer_id: str, *, fmt: str, version: int | None = None,
                 actor: Identity | None = None) -> tuple[str, bytes]:
    """The export as (file name, bytes), for download buttons."""
    with tempfile.TemporaryDirectory(prefix="tbgeo-export-") as tmp:
        name = f"{layer_id}{EXTENSIONS[fmt]}"
        path = Path(tmp) / name
        export_layer(layer_id, path, fmt=fmt, version=version, actor=actor)
        return name, path.read_bytes()
