"""Source step: recognise, unpack and read an upload into a raw frame with its declared CRS and code page.

Shapefile text is always read with ``encoding="latin1"`` (one character per byte, lossless), so
GDAL's code-page handling cannot get in the way: a ``.cpg`` of UTF-8 over TCVN3 bytes would raise
UnicodeDecodeError, a ``.cpg`` of CP1258 would drop the last character of every value and field
name, and a missing ``.cpg`` yields Latin-1 mojibake. The real encoding is then decided per column
by the encoding step (:mod:`tbgeo.ingest.steps.encoding`); the ``.cpg`` only breaks ties and is
reported when it is wrong.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path

import geopandas as gpd
import numpy as np
import pyogrio

from tbgeo._io import Dataset, open_upload, sidecar_text, workdir
from tbgeo.errors import InputError
from tbgeo.ingest.config import IngestConfig
from tbgeo.ingest.steps import Note
from tbgeo.ingest.validate import FID
from tbgeo.safetext import library_detail

__all__ = ["SourceData", "RESERVED_COLUMNS", "read", "labels", "sha256_file", "unique_name"]

_GEOJSON_CRS = re.compile(rb'"crs"\s*:\s*\{\s*"(?:type|properties)"')
#: Column names tbgeo uses itself (compared without case: SQLite and GDAL ignore it).
RESERVED_COLUMNS = (FID, "geom", "geometry", "fid", "ogc_fid")


@dataclass
class SourceData:
    """An upload as read: the raw frame (text as read, FID column, no CRS decision yet) and its metadata."""

    name: str
    sha256: str
    size: int
    container: str  # zip, kmz, gpkg, geojson, kml, dxf
    kind: str  # shapefile, gpkg, geojson, kml, dxf, mapinfo
    options: list[str]  # every dataset/layer in the upload
    chosen: str
    frame: gpd.GeoDataFrame
    text_source: str  # "bytes" (read as latin1) or "unicode"
    declared_crs: str | None
    cpg: str | None = None
    #: where ``declared_crs`` comes from: prj (.prj), mapinfo (CoordSys), file (GeoPackage SRS, GeoJSON
    #: ``crs`` member), default (GeoJSON without ``crs`` and KML: WGS 84 by the format's definition)
    crs_origin: str = "prj"
    #: the address of a GeoJSON link CRS, never fetched (the CRS then counts as missing)
    link_crs: str | None = None
    #: columns renamed on reading because their name clashes with an internal one or another column
    column_warnings: list[Note] = field(default_factory=list)

    @property
    def warnings(self) -> list[Note]:
        """What reading found for the plan: renamed columns, then an ignored link CRS."""
        notes = list(self.column_warnings)
        if self.link_crs is not None:
            notes.append(("ingest.w_crs_link_ignored", {"href": self.link_crs}))
        return notes


def sha256_file(path: Path) -> str:
    """The SHA-256 of a file, read in 1 MB chunks."""
    h = hashlib.sha256()
    with Path(path).open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def unique_name(name: str, taken: set[str]) -> str:
    """``name``, or ``name_1``, ``name_2`` … : the first not in ``taken`` (lower-case names)."""
    new, n = name, 1
    while new.casefold() in taken:
        new = f"{name}_{n}"
        n += 1
    return new


def _safe_columns(columns: list[str], reserved: set[str]) -> tuple[dict[str, str], list[Note]]:
    """New names for columns that clash (without case) with a reserved name or an earlier column,
    and a warning for each (``ingest.w_column_renamed``)."""
    taken = set(reserved)
    first: dict[str, str] = {}
    renames: dict[str, str] = {}
    notes: list[Note] = []
    for col in columns:
        key = str(col).casefold()
        if key in taken:
            new = unique_name(str(col), taken | {c.casefold() for c in columns})
            clash = ("ingest.clash_internal", {}) if key in reserved else ("ingest.clash_column", {"other": first[key]})
            notes.append(("ingest.w_column_renamed", {"column": str(col), "new": new, "clash": clash}))
            renames[col] = new
            key = new.casefold()
        taken.add(key)
        first.setdefault(key, str(col))
    return renames, notes


def _check_columns(ds: Dataset, layer: str | None, name: str, config: IngestConfig) -> None:
    """Refuse a table with more attribute columns than ``max_columns``, before reading its features."""
    try:
        n = len(pyogrio.read_info(ds.path, layer=layer, encoding="latin1" if ds.kind == "shapefile" else None)["fields"])
    except Exception as exc:
        raise InputError("ingest.unreadable", name=name, detail=library_detail(exc)) from exc
    if n > config.max_columns:
        raise InputError("ingest.too_many_columns", name=name, n=n, limit=config.max_columns)


def _layer_options(ds: Dataset) -> list[tuple[str, str | None]]:
    if ds.kind in ("gpkg", "kml", "dxf", "geojson", "mapinfo"):
        try:
            layers = [str(n) for n in pyogrio.list_layers(ds.path)[:, 0]]
        except Exception as exc:
            raise InputError("ingest.unreadable", name=ds.name, detail=library_detail(exc)) from exc
        if ds.kind == "gpkg":
            layers = [n for n in layers if not n.startswith(("gpkg_", "rtree_"))]
        if len(layers) > 1:
            return [(f"{ds.name}:{n}", n) for n in layers]
        return [(ds.name, layers[0] if layers else None)]
    return [(ds.name, None)]


_Option = tuple[str, Dataset, str | None]


def _choose(options: list[_Option], source_layer: str | None, name: str) -> _Option:
    """The dataset/layer to read: the only one, or the one ``source_layer`` names (label, layer or file)."""
    labels = [o[0] for o in options]
    if source_layer is None:
        if len(options) > 1:
            raise InputError("ingest.choose_layer", name=name, layers=", ".join(labels))
        return options[0]
    match = [o for o in options if o[0] == source_layer or o[2] == source_layer]
    if not match:
        match = [o for o in options if o[1].path.stem == source_layer or o[1].name == source_layer]
    if len(match) != 1:
        raise InputError("ingest.unknown_source_layer", value=source_layer, layers=", ".join(labels))
    return match[0]


@dataclass
class _Read:
    frame: gpd.GeoDataFrame
    text_source: str
    declared: str | None = None
    cpg: str | None = None
    origin: str = "prj"


def _read_frame(ds: Dataset, layer: str | None) -> _Read:
    """The dataset's features, with its declared CRS (``.prj`` or the file's own) and ``.cpg``."""
    if ds.kind == "shapefile":
        declared, cpg = sidecar_text(ds.path, ".prj"), sidecar_text(ds.path, ".cpg")
        with np.errstate(invalid="ignore"):  # shapely's from_wkb flags a NaN vertex: refused as ingest.non_finite
            frame = pyogrio.read_dataframe(ds.path, encoding="latin1", fid_as_index=True)
        return _Read(frame, "bytes", declared=declared, cpg=cpg)
    with np.errstate(invalid="ignore"):  # as above
        read = _Read(pyogrio.read_dataframe(ds.path, layer=layer, fid_as_index=True), "unicode")
    if ds.link_crs is not None:  # never fetched: the file declares no usable CRS
        read.origin = "guess"
    elif ds.kind != "dxf" and read.frame.crs is not None:
        read.declared = read.frame.crs.to_wkt()
        read.origin = _crs_origin(ds)
    return read


def _crs_origin(ds: Dataset) -> str:
    """Where GDAL's CRS for a non-shapefile dataset comes from (see ``SourceData.crs_origin``)."""
    if ds.kind == "mapinfo":
        return "mapinfo"
    if ds.kind == "kml":
        return "default"
    if ds.kind == "geojson":
        with ds.path.open("rb") as fh:
            head = fh.read(1 << 20)
        return "file" if _GEOJSON_CRS.search(head) else "default"
    return "file"


def read(path: Path, *, source_layer: str | None, display_name: str | None, config: IngestConfig) -> SourceData:
    """Recognise, unpack and read one upload (the dataset/layer ``source_layer`` names when it holds
    several); writes nothing outside a temporary folder that is removed before returning."""
    name = display_name or path.name
    with workdir() as tmp:
        container, datasets = open_upload(path, Path(tmp), config)
        sha = sha256_file(path)
        options = [(label, ds, layer) for ds in datasets for label, layer in _layer_options(ds)]
        label, ds, layer = _choose(options, source_layer, name)
        _check_columns(ds, layer, name, config)
        try:
            got = _read_frame(ds, layer)
        except InputError:
            raise
        except Exception as exc:
            raise InputError("ingest.unreadable", name=name, detail=library_detail(exc)) from exc
    frame = got.frame
    geom_name = frame.geometry.name
    renames, notes = _safe_columns([c for c in frame.columns if c != geom_name], {c.casefold() for c in RESERVED_COLUMNS})
    if renames:
        frame = frame.rename(columns=renames)
    frame = frame.reset_index(names=FID)
    frame = frame.set_crs(None, allow_override=True) if frame.crs is not None else frame
    return SourceData(
        name=name,
        sha256=sha,
        size=path.stat().st_size,
        container=container,
        kind=ds.kind,
        options=[o[0] for o in options],
        chosen=label,
        frame=frame,
        text_source=got.text_source,
        declared_crs=got.declared,
        cpg=got.cpg,
        crs_origin=got.origin,
        link_crs=ds.link_crs,
        column_warnings=notes,
    )


def labels(path: Path, *, config: IngestConfig) -> list[str]:
    """The datasets/layers an upload holds (to let the user pick one); refuses unsafe files like ``read``."""
    with workdir() as tmp:
        _, datasets = open_upload(path, Path(tmp), config)
        return [label for ds in datasets for label, _ in _layer_options(ds)]
