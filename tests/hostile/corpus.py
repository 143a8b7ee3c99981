"""Builders of hostile and broken upload files, written on the fly (no committed binaries).

Each builder takes a folder and returns the path of one file there. ``CASES`` names every case with
its builder, the layer it is offered to and what tbgeo must answer: the refusal's message key
(``refuse``) or, for a file that is imported with a warning, the warning's key (``warn``). Other
test modules (site files of ``tbgeo check``, the upload page) reuse the builders.
"""

from __future__ import annotations

import json
import struct
import zipfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import geopandas as gpd
from shapely.geometry import Polygon

__all__ = [
    "Case",
    "CASES",
    "E0",
    "N0",
    "square",
    "parks",
    "geojson",
    "shapefile_zip",
    "overlap_zip",
]

E0, N0 = 587_644.682, 2_262_182.72  # EPSG:9209, Thái Bình city
LON0, LAT0 = 106.34, 20.45  # WGS 84, inside the province


def square(x: float, y: float, size: float) -> Polygon:
    return Polygon([(x, y), (x + size, y), (x + size, y + size), (x, y + size)])


def parks(n: int = 3) -> list[Polygon]:
    """``n`` 200 m squares near Thái Bình city in EPSG:9209 (4 ha each)."""
    return [square(E0 + 1000 * i, N0, 200.0) for i in range(n)]


def _ll_square(i: int = 0) -> list[list[float]]:
    x, y, d = LON0 + 0.01 * i, LAT0, 0.002
    return [[x, y], [x + d, y], [x + d, y + d], [x, y + d], [x, y]]


def geojson(folder: Path, name: str = "site.geojson", *, crs: dict | None = None, properties: list[dict] | None = None,
            rings: list[list[list[float]]] | None = None, raw: str | None = None) -> Path:
    """A GeoJSON FeatureCollection of polygons in degrees (inside the province unless ``rings``)."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    if raw is not None:
        path.write_text(raw, "utf-8")
        return path
    rings = rings or [_ll_square(i) for i in range(len(properties or [{}]))]
    props = properties or [{"name": f"KCN {i}"} for i in range(len(rings))]
    doc: dict = {"type": "FeatureCollection"}
    if crs is not None:
        doc["crs"] = crs
    doc["features"] = [
        {"type": "Feature", "properties": p, "geometry": {"type": "Polygon", "coordinates": [r]}}
        for p, r in zip(props, rings)
    ]
    path.write_text(json.dumps(doc, ensure_ascii=False, allow_nan=True), "utf-8")
    return path


def link_crs(url: str) -> dict:
    """A GeoJSON 2008 ``crs`` member of type ``link`` (GDAL would fetch ``url``)."""
    return {"type": "link", "properties": {"href": url, "type": "ogcwkt"}}


def url_crs(url: str) -> dict:
    return {"type": "url", "properties": {"url": url}}


def _esri_9209() -> str:
    from pyproj import CRS

    return CRS.from_epsg(9209).to_wkt("WKT1_ESRI")


def _shapefile_parts(folder: Path, name: str, geoms: list, *, columns: dict | None = None, prj: bool = True) -> dict[str, bytes]:
    work = folder / f"_{name}"
    work.mkdir(parents=True, exist_ok=True)
    data = columns if columns is not None else {"ten": [f"KCN {i}" for i in range(len(geoms))]}
    gpd.GeoDataFrame(data, geometry=list(geoms), crs=9209).to_file(work / f"{name}.shp", engine="pyogrio")
    parts = {p.suffix.lower(): p.read_bytes() for p in work.iterdir()}
    parts.pop(".prj", None)
    parts.pop(".cpg", None)
    if prj:
        parts[".prj"] = _esri_9209().encode()
    return parts


def _zip(out: Path, files: dict[str, bytes]) -> Path:
    out.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        for member, data in files.items():
            zf.writestr(member, data)
    return out


def shapefile_zip(folder: Path, name: str = "kcn", geoms: list | None = None, *, columns: dict | None = None,
                  prj: bool = True, mutate: Callable[[dict[str, bytes]], None] | None = None,
                  member_stem: str | None = None) -> Path:
    """A zipped shapefile of ``geoms`` (default: three parks in EPSG:9209, with a .prj); ``mutate`` may
    change the parts' bytes (by lower-case extension) before zipping."""
    folder.mkdir(parents=True, exist_ok=True)
    parts = _shapefile_parts(folder, name, geoms if geoms is not None else parks(3), columns=columns, prj=prj)
    if mutate:
        mutate(parts)
    stem = member_stem or name
    return _zip(folder / f"{name}.zip", {f"{stem}{ext}": data for ext, data in sorted(parts.items())})


def _dbf_count(parts: dict[str, bytes], n: int) -> None:
    dbf = bytearray(parts[".dbf"])
    header_len, record_len = struct.unpack("<HH", dbf[8:12])
    dbf[4:8] = struct.pack("<I", n)
    parts[".dbf"] = bytes(dbf[: header_len + record_len * n]) + b"\x1a"


def _dbf_cut(parts: dict[str, bytes], n: int) -> None:
    """The .dbf header still says every record, but only ``n`` are in the file (a cut-off copy)."""
    dbf = parts[".dbf"]
    header_len, record_len = struct.unpack("<HH", dbf[8:12])
    parts[".dbf"] = dbf[: header_len + record_len * n]


def _shx_count(parts: dict[str, bytes], n: int) -> None:
    shx = bytearray(parts[".shx"][: 100 + 8 * n])
    shx[24:28] = struct.pack(">i", len(shx) // 2)
    parts[".shx"] = bytes(shx)


def _shx_same_offset(parts: dict[str, bytes]) -> None:
    """Every .shx entry points at the first record: the counts agree, GDAL would read one shape three times."""
    shx = bytearray(parts[".shx"])
    for i in range(1, (len(shx) - 100) // 8):
        shx[100 + 8 * i : 108 + 8 * i] = shx[100:108]
    parts[".shx"] = bytes(shx)


def _dbf_deleted(parts: dict[str, bytes], record: int) -> None:
    """Mark one .dbf record deleted (``*``): GDAL skips it, the .shp still holds its shape."""
    dbf = bytearray(parts[".dbf"])
    header_len, record_len = struct.unpack("<HH", dbf[8:12])
    dbf[header_len + record * record_len] = ord("*")
    parts[".dbf"] = bytes(dbf)


def _truncate_shp(parts: dict[str, bytes], keep: int) -> None:
    parts[".shp"] = parts[".shp"][:keep]


def overlap_zip(folder: Path, name: str = "overlap.zip", *, members: int = 190, size: int = 1 << 20) -> Path:
    """An overlap zip bomb: one deflated stream of ``size`` zero bytes and ``members`` central-directory
    entries all pointing at its single local header. Each member is 1 MB (below the per-member ratio
    check) and the declared total is below ``max_unpacked_mb``, so only counting what the archive
    really holds (overlapping entries, expanded bytes against the archive's size) catches it."""
    folder.mkdir(parents=True, exist_ok=True)
    payload = zlib.compressobj(9, zlib.DEFLATED, -15)
    data = payload.compress(b"\0" * size) + payload.flush()
    crc = zlib.crc32(b"\0" * size)
    fname = b"a.dbf"
    local = struct.pack("<4s5H3I2H", b"PK\x03\x04", 20, 0, 8, 0, 0, crc, len(data), size, len(fname), 0) + fname
    body = local + data
    central = b""
    for i in range(members):
        member = f"m{i:04d}.dbf".encode()
        central += struct.pack(
            "<4s6H3I5H2I", b"PK\x01\x02", 20, 20, 0, 8, 0, 0, crc, len(data), size, len(member), 0, 0, 0, 0, 0, 0
        ) + member
    end = struct.pack("<4s4H2IH", b"PK\x05\x06", 0, 0, members, members, len(central), len(body), 0)
    path = folder / name
    path.write_bytes(body + central + end)
    return path


def _ring_with(value: float) -> list[list[float]]:
    r = _ll_square(0)
    r[1] = [value, r[1][1]]
    return r


@dataclass(frozen=True)
class Case:
    """A hostile file: how to build it, which layer it is offered to, and tbgeo's answer."""

    id: str
    build: Callable[[Path], Path]
    layer: str = "industrial_parks"
    refuse: str | None = None  # the refusal's message key (exit 2)
    warn: str | None = None  # or: imported, with this warning
    args: tuple[str, ...] = ()


CASES: list[Case] = [
    Case("zip_long_member", lambda d: shapefile_zip(d, "kcn", member_stem="k" * 300), refuse="ingest.zip_long_name"),
    Case("nan_vertex", lambda d: geojson(d, rings=[_ring_with(float("nan"))]), refuse="ingest.non_finite"),
    Case("inf_vertex", lambda d: geojson(d, rings=[_ring_with(float("inf"))]), refuse="ingest.non_finite"),
    Case("huge_coords", lambda d: shapefile_zip(d, "kcn", [square(1e15, 1e15, 200.0)]), refuse="ingest.coords_huge"),
    Case("huge_coords_neg", lambda d: shapefile_zip(d, "kcn", [square(-3e16, N0, 200.0)]), refuse="ingest.coords_huge"),
    Case("too_many_columns", lambda d: geojson(d, properties=[{f"c{i}": i for i in range(3000)}]), refuse="ingest.too_many_columns"),
    Case("col_src_fid", lambda d: geojson(d, properties=[{"_src_fid": 7, "name": "A"}]), warn="ingest.w_column_renamed"),
    Case("col_geom", lambda d: geojson(d, properties=[{"geom": "x", "name": "A"}]), warn="ingest.w_column_renamed"),
    Case("col_name_case", lambda d: geojson(d, properties=[{"name": "A", "NAME": "B"}]), warn="ingest.w_column_renamed"),
    Case("col_fid_case", lambda d: geojson(d, properties=[{"FID": 3, "fid": 9, "name": "A"}]), warn="ingest.w_column_renamed"),
    Case("dbf_fewer_records", lambda d: shapefile_zip(d, mutate=lambda p: _dbf_count(p, 1)), refuse="ingest.shp_mismatch"),
    Case("dbf_truncated", lambda d: shapefile_zip(d, mutate=lambda p: _dbf_cut(p, 1)), refuse="ingest.shp_mismatch"),
    Case("shx_fewer_records", lambda d: shapefile_zip(d, mutate=lambda p: _shx_count(p, 1)), refuse="ingest.shp_mismatch"),
    Case("shp_truncated", lambda d: shapefile_zip(d, mutate=lambda p: _truncate_shp(p, len(p[".shp"]) - 40)), refuse="ingest.shp_mismatch"),
    Case("shx_wrong_offsets", lambda d: shapefile_zip(d, mutate=_shx_same_offset), refuse="ingest.shx_offsets"),
    Case("dbf_deleted_record", lambda d: shapefile_zip(d, mutate=lambda p: _dbf_deleted(p, 1)), refuse="ingest.dbf_deleted"),
    Case("overlap_bomb", overlap_zip, refuse="ingest.zip_overlap"),
    Case("zip_slip", lambda d: _zip(d / "slip.zip", {"../../evil.shp": b"x"}), refuse="ingest.zip_unsafe_path"),
    Case("not_gis", lambda d: geojson(d, "notes.geojson", raw="hello"), refuse="ingest.unsupported_format"),
]
