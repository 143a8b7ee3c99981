"""The upload pipeline: ``plan_import`` reads and checks a file without writing anything;
``commit_import`` stores the result as a new version of a workspace layer.

Shapefile text is always read with ``encoding="latin1"`` (one character per byte, lossless), so
GDAL's code-page handling cannot get in the way: a ``.cpg`` of UTF-8 over TCVN3 bytes would raise
UnicodeDecodeError, a ``.cpg`` of CP1258 would drop the last character of every value and field
name, and a missing ``.cpg`` yields Latin-1 mojibake. The real encoding is then decided per column
by :mod:`tbgeo.ingest.encoding`; the ``.cpg`` only breaks ties and is reported when it is wrong.
"""

from __future__ import annotations

import contextlib
import hashlib
import re
import unicodedata
from collections import Counter
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from tbgeo._io import Dataset, open_upload, workdir
from tbgeo.crs import WORK_CRS, detect as crsdetect, guess as crsguess
from tbgeo.errors import CRSError, InputError, TbgeoError
from tbgeo.i18n.params import Joined, Num, Template, Text
from tbgeo.ingest import encoding as enc
from tbgeo.ingest.config import IngestConfig, load_config
from tbgeo.ingest.messages import message, render_messages, tech
from tbgeo.ingest.validate import (
    FID,
    GeometryReport,
    TargetField,
    apply_mapping,
    clean_geometries,
    flag_outside,
    suggest_mapping,
    target_fields,
)

if TYPE_CHECKING:
    import geopandas as gpd

    from tbgeo.workspace import LayerVersion

__all__ = [
    "SourceData",
    "ImportPlan",
    "ImportResult",
    "read_source",
    "build_plan",
    "plan_import",
    "commit_import",
    "sha256_file",
    "KEEP_DECLARED",
    "message",
    "render_messages",
    "source_layers",
    "OVERRIDABLE",
    "swap_xy",
    "non_finite_fids",
]

#: ``--crs prj``: take the file's declared CRS at face value (e.g. a TM-3 on WGS 84 that really is WGS 84).
KEEP_DECLARED = ("prj", "asis", "declared")
_PREVIEW_ROWS = 5
#: Refusals that ``insist`` overrides (everything else must be resolved: CRS, mixed types, bad coordinates).
OVERRIDABLE = ("ingest.landed_outside",)
_GEOJSON_CRS = re.compile(rb'"crs"\s*:\s*\{\s*"(?:type|properties)"')


def sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with Path(path).open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def _cpg_encoding(text: str | None) -> str | None:
    if not text:
        return None
    key = text.strip().upper().replace("-", "").replace(" ", "").replace("_", "")
    if key in ("UTF8", "65001"):
        return "utf-8"
    if key in ("1258", "CP1258", "ANSI1258", "WINDOWS1258"):
        return "cp1258"
    if key in ("1252", "CP1252", "ANSI1252", "88591", "ISO88591", "LATIN1"):
        return "latin1"
    return None


def _read_text(path: Path) -> str:
    raw = path.read_bytes()
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        return raw.decode("latin1")


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
    column_warnings: list[tuple[str, dict[str, Any]]] = field(default_factory=list)


#: Column names tbgeo uses itself (compared without case: SQLite and GDAL ignore it).
RESERVED_COLUMNS = (FID, "geom", "geometry", "fid", "ogc_fid")


def _unique_name(name: str, taken: set[str]) -> str:
    """``name``, or ``name_1``, ``name_2`` … : the first not in ``taken`` (lower-case names)."""
    new, n = name, 1
    while new.casefold() in taken:
        new = f"{name}_{n}"
        n += 1
    return new


def _safe_columns(columns: list[str], reserved: set[str]) -> tuple[dict[str, str], list[tuple[str, dict[str, Any]]]]:
    """New names for columns that clash (without case) with a reserved name or an earlier column,
    and a warning for each (``ingest.w_column_renamed``)."""
    taken = set(reserved)
    first: dict[str, str] = {}
    renames: dict[str, str] = {}
    notes: list[tuple[str, dict[str, Any]]] = []
    for col in columns:
        key = str(col).casefold()
        if key in taken:
            new = _unique_name(str(col), taken | {c.casefold() for c in columns})
            clash = ("ingest.clash_internal", {}) if key in reserved else ("ingest.clash_column", {"other": first[key]})
            notes.append(("ingest.w_column_renamed", {"column": str(col), "new": new, "clash": clash}))
            renames[col] = new
            key = new.casefold()
        taken.add(key)
        first.setdefault(key, str(col))
    return renames, notes


def _check_columns(ds: Dataset, layer: str | None, name: str, config: IngestConfig) -> None:
    """Refuse a table with more attribute columns than ``max_columns``, before reading its features."""
    import pyogrio

    try:
        n = len(pyogrio.read_info(ds.path, layer=layer, encoding="latin1" if ds.kind == "shapefile" else None)["fields"])
    except Exception as exc:
        raise InputError("ingest.unreadable", name=name, detail=tech(exc)) from exc
    if n > config.max_columns:
        raise InputError("ingest.too_many_columns", name=name, n=n, limit=config.max_columns)


def _layer_options(ds: Dataset) -> list[tuple[str, str | None]]:
    import pyogrio

    if ds.kind in ("gpkg", "kml", "dxf", "geojson", "mapinfo"):
        try:
            layers = [str(n) for n in pyogrio.list_layers(ds.path)[:, 0]]
        except Exception as exc:
            raise InputError("ingest.unreadable", name=ds.name, detail=tech(exc)) from exc
        if ds.kind == "gpkg":
            layers = [n for n in layers if not n.startswith(("gpkg_", "rtree_"))]
        if len(layers) > 1:
            return [(f"{ds.name}:{n}", n) for n in layers]
        return [(ds.name, layers[0] if layers else None)]
    return [(ds.name, None)]


@contextlib.contextmanager
def _no_traceback(name: str) -> Iterator[None]:
    """A failure no check foresaw, while reading or planning a user's file, as a message (never a traceback)."""
    try:
        yield
    except TbgeoError:
        raise
    except Exception as exc:
        raise InputError("ingest.plan_failed", name=name, detail=tech(exc)) from exc


def read_source(
    path: Path | str,
    *,
    source_layer: str | None = None,
    display_name: str | None = None,
    config: IngestConfig | None = None,
) -> SourceData:
    """Recognise, unpack and read one upload. Refuses unsafe or unsupported files; writes nothing
    outside a temporary folder that is removed before returning."""
    with _no_traceback(display_name or Path(path).name):
        return _read_source(path, source_layer=source_layer, display_name=display_name, config=config)


def _read_source(
    path: Path | str,
    *,
    source_layer: str | None,
    display_name: str | None,
    config: IngestConfig | None,
) -> SourceData:
    import pyogrio

    config = config or load_config()
    path = Path(path)
    name = display_name or path.name
    with workdir() as tmp:
        container, datasets = open_upload(path, Path(tmp), config)
        sha = sha256_file(path)
        options: list[tuple[str, Dataset, str | None]] = []
        for ds in datasets:
            for label, layer in _layer_options(ds):
                options.append((label, ds, layer))
        labels = [o[0] for o in options]
        if source_layer is None:
            if len(options) > 1:
                raise InputError("ingest.choose_layer", name=name, layers=", ".join(labels))
            label, ds, layer = options[0]
        else:
            match = [o for o in options if o[0] == source_layer or o[2] == source_layer]
            if not match:
                match = [o for o in options if o[1].path.stem == source_layer or o[1].name == source_layer]
            if len(match) != 1:
                raise InputError("ingest.unknown_source_layer", value=source_layer, layers=", ".join(labels))
            label, ds, layer = match[0]
        cpg = None
        declared: str | None = None
        origin = "prj"
        _check_columns(ds, layer, name, config)
        try:
            if ds.kind == "shapefile":
                parts = {p.suffix.lower(): p for p in ds.path.parent.iterdir() if p.stem.lower() == ds.path.stem.lower()}
                if ".prj" in parts:
                    declared = _read_text(parts[".prj"]).strip() or None
                if ".cpg" in parts:
                    cpg = _read_text(parts[".cpg"]).strip() or None
                frame = pyogrio.read_dataframe(ds.path, encoding="latin1", fid_as_index=True)
                text_source = "bytes"
            else:
                frame = pyogrio.read_dataframe(ds.path, layer=layer, fid_as_index=True)
                text_source = "unicode"
                if ds.link_crs is not None:  # never fetched: the file declares no usable CRS
                    origin = "guess"
                elif ds.kind != "dxf" and frame.crs is not None:
                    declared = frame.crs.to_wkt()
                    origin = _crs_origin(ds)
        except InputError:
            raise
        except Exception as exc:
            raise InputError("ingest.unreadable", name=name, detail=tech(exc)) from exc
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
        options=labels,
        chosen=label,
        frame=frame,
        text_source=text_source,
        declared_crs=declared,
        cpg=cpg,
        crs_origin=origin,
        link_crs=ds.link_crs,
        column_warnings=notes,
    )


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


def swap_xy(geoms: Any) -> Any:
    """The geometries with x and y exchanged (latitude/longitude or northing/easting in the wrong order)."""
    import shapely

    return shapely.transform(np.asarray(geoms), lambda xy: xy[:, ::-1])


def non_finite_fids(frame: gpd.GeoDataFrame) -> list[int]:
    """Source FIDs of features with a non-finite (NaN, ±inf) coordinate."""
    import shapely

    coords, index = shapely.get_coordinates(np.asarray(frame.geometry.values), return_index=True)
    bad = ~np.isfinite(coords).all(axis=1)
    if not bad.any():
        return []
    rows = np.unique(index[bad])
    return [int(f) for f in frame[FID].to_numpy()[rows]]


@dataclass
class ImportPlan:
    """Everything decided about an upload before anything is written."""

    source: SourceData
    layer_id: str
    target_type: str
    fields: list[TargetField]
    crs: crsdetect.CRSDetection
    columns: dict[str, enc.ColumnEncoding]  # by final column name
    names: enc.ColumnEncoding
    renamed: dict[str, str]
    preview: list[dict[str, str]]
    geometry: GeometryReport
    frame: gpd.GeoDataFrame  # EPSG:9209, converted text, clean geometries, FID column
    outside: list[int]
    landing: crsguess.FeatureLanding
    bounds_wgs84: list[float]
    mapping: dict[str, str | None]
    warnings: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    blockers: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    encoding_user: bool = False
    skip_other_types: bool = False
    swap_axes: bool = False

    # -- summaries --------------------------------------------------------------------------
    @property
    def converted_columns(self) -> list[str]:
        return [c for c, d in self.columns.items() if d.converted]

    @property
    def encoding_detected(self) -> str:
        conv = [d.encoding for d in self.columns.values() if d.converted]
        if self.names.converted:
            conv.append(self.names.encoding)
        if conv:
            return Counter(conv).most_common(1)[0][0]
        encs = {d.encoding for d in self.columns.values()} | {self.names.encoding}
        if encs <= {"ascii"}:
            return "ascii"
        return "latin1" if "latin1" in encs else "utf-8"

    @property
    def ready(self) -> bool:
        """True when nothing stands in the way of writing (no refusal at all)."""
        return not self.blockers

    @property
    def crs_settled(self) -> bool:
        """True when the CRS needs no confirmation and gives usable coordinates."""
        return not any(k.startswith("ingest.crs") for k, _ in self.blockers)

    def blocking(self, *, insist: bool = False) -> list[tuple[str, dict[str, Any]]]:
        """The refusals still standing (``insist`` overrides those in OVERRIDABLE)."""
        return [(k, p) for k, p in self.blockers if not (insist and k in OVERRIDABLE)]

    def overridden(self, *, insist: bool = False) -> list[tuple[str, dict[str, Any]]]:
        """The refusals that ``insist`` overrides."""
        return [(k, p) for k, p in self.blockers if insist and k in OVERRIDABLE]

    @property
    def dropped_other_type(self) -> dict[str, int]:
        """Features skipped for their geometry type, by type (only when ``skip_other_types`` was chosen)."""
        return dict(self.geometry.dropped_type) if self.skip_other_types else {}

    def crs_dict(self) -> dict[str, Any]:
        return self.crs.to_dict()

    def encoding_dict(self) -> dict[str, Any]:
        return {
            "detected": self.encoding_detected,
            "converted_columns": self.converted_columns,
            "columns": {c: d.encoding for c, d in self.columns.items()},
            "column_names": self.names.encoding,
            "renamed_columns": self.renamed,
            "cpg": self.source.cpg,
            "user": self.encoding_user,
        }

    def details(self) -> dict[str, Any]:
        """Provenance stored with the version (language-neutral)."""
        g = self.geometry.to_dict()
        return {
            "format": self.source.container,
            "dataset": self.source.chosen,
            "crs": self.crs_dict(),
            "encoding": self.encoding_dict(),
            "features_in": g["features_in"],
            "features_out": g["features_out"],
            "repaired": g["repaired"],
            "dropped": g["dropped"],
            "outside_province": len(self.outside),
            "outside_fids": self.outside[:200],
            "duplicates": g["duplicates"],
            "skip_other_types": self.skip_other_types,
            "dropped_other_type": self.dropped_other_type,
            "swap_axes": self.swap_axes,
            "geometry": g,
            "bounds_wgs84": self.bounds_wgs84,
            "landing": self.landing.to_dict(),
            "warnings": [{"code": k, "params": p} for k, p in self.warnings],
        }

    def to_dict(self, lang: str = "vi", *, version: int | None = None, insist: bool = False) -> dict[str, Any]:
        g = self.geometry.to_dict()
        blocking = self.blocking(insist=insist)
        overridden = self.overridden(insist=insist)
        return {
            "file": self.source.name,
            "sha256": self.source.sha256,
            "format": self.source.container,
            "source_layer": self.source.chosen,
            "source_layers": self.source.options,
            "layer": self.layer_id,
            "version": version,
            "features_in": g["features_in"],
            "features_out": g["features_out"],
            "repaired": g["repaired"],
            "dropped": g["dropped"],
            "outside_province": len(self.outside),
            "duplicates": g["duplicates"],
            "z_dropped": g["z_dropped"],
            "skip_other_types": self.skip_other_types,
            "other_types": dict(self.geometry.dropped_type),
            "dropped_other_type": self.dropped_other_type,
            "swap_axes": self.swap_axes,
            "crs": self.crs_dict(),
            "encoding": self.encoding_dict(),
            "bounds_wgs84": self.bounds_wgs84,
            "landing": self.landing.to_dict(),
            "column_map": self.mapping,
            "geometry": g,
            "preview": [dict(p) for p in self.preview],
            "warnings": render_messages(self.warnings, lang),
            "warning_codes": [k for k, _ in self.warnings],
            "blocking": render_messages(blocking, lang),
            "blocking_codes": [k for k, _ in blocking],
            "overridden": render_messages(overridden, lang),
            "overridden_codes": [k for k, _ in overridden],
            "ready": not blocking,
        }


@dataclass
class ImportResult:
    """A committed import: the plan and the stored version."""

    plan: ImportPlan
    version: LayerVersion
    insisted: bool = False

    def to_dict(self, lang: str = "vi") -> dict[str, Any]:
        out = self.plan.to_dict(lang, version=self.version.version, insist=self.insisted)
        out["column_map"] = self.version.details.get("column_map", self.plan.mapping)
        out["active"] = self.version.active
        return out


# --------------------------------------------------------------------------------------------
# Planning
# --------------------------------------------------------------------------------------------


def _target_layer(layer_id: str) -> Any:
    from tbgeo.catalog import load_catalog

    layer = load_catalog(check_data=False).get(layer_id)
    if layer.kind == "raster" and layer.raster_classes:
        return layer  # a classified raster (land use) takes polygons with a land-use code column
    if layer.kind != "vector" or not layer.geometry_type:
        raise InputError("ingest.raster_layer", layer=layer_id)
    return layer


def _encoding_for(override: str | Mapping[str, str] | None, column: str) -> str | None:
    if override is None:
        return None
    value = override if isinstance(override, str) else override.get(column) or override.get("*")
    if value is None:
        return None
    value = enc.normalize_encoding_name(value)
    return None if value == "auto" else value


def _decide_text(
    src: SourceData, override: str | Mapping[str, str] | None
) -> tuple[gpd.GeoDataFrame, dict[str, enc.ColumnEncoding], enc.ColumnEncoding, dict[str, str], list[dict[str, str]]]:
    frame = src.frame
    declared = _cpg_encoding(src.cpg)
    geom = frame.geometry.name
    raw_cols = [c for c in frame.columns if c not in (geom, FID)]
    # column names
    forced = _encoding_for(override, "")
    names = enc.detect(raw_cols, column="", source=src.text_source, declared=declared)
    if forced:
        names = enc.ColumnEncoding(column="", encoding=forced, scores=names.scores, words=names.words, user=True, source=src.text_source)
    new_names: dict[str, str] = {}
    taken = {c.casefold() for c in (geom, *RESERVED_COLUMNS)}
    for c in raw_cols:
        new = enc.convert_value(c, names.encoding, source=src.text_source) if names.encoding != "ascii" else c
        new = _unique_name(new, taken)  # two legacy names may convert to one, or differ only in case
        taken.add(new.casefold())
        new_names[c] = new
    out = frame.rename(columns=new_names)
    columns: dict[str, enc.ColumnEncoding] = {}
    preview: list[dict[str, str]] = []
    for raw, col in new_names.items():
        series = frame[raw]
        if series.dtype != object and str(series.dtype) not in ("string", "str"):
            continue
        values = series.tolist()
        if not any(isinstance(v, str) for v in values):
            continue
        choice = _encoding_for(override, raw) or _encoding_for(override, col)
        det = enc.detect(values, column=col, source=src.text_source, declared=declared)
        if choice:
            det = enc.ColumnEncoding(column=col, encoding=choice, scores=det.scores, words=det.words, user=True, source=src.text_source)
        columns[col] = det
        if det.encoding == "ascii":
            continue
        if det.encoding == "unicode" and src.text_source == "unicode":
            # good Unicode keeps its text; only a decomposed (NFD) spelling is composed to NFC
            if any(isinstance(v, str) and not unicodedata.is_normalized("NFC", v) for v in values):
                out[col] = [unicodedata.normalize("NFC", v) if isinstance(v, str) else v for v in values]
            continue
        converted = enc.convert_values(values, det.encoding, source=src.text_source)
        out[col] = converted
        shown = 0
        for before, after in zip(values, converted):
            if isinstance(before, str) and not before.isascii():
                preview.append({"column": col, "encoding": det.encoding, "before": before, "after": after})
                shown += 1
                if shown >= _PREVIEW_ROWS:
                    break
    renamed = {k: v for k, v in new_names.items() if k != v}
    return out, columns, names, renamed, preview


def _resolve_crs(src: SourceData, crs: str | int | None, bounds: tuple[float, ...], province: Any, near_km: float) -> crsdetect.CRSDetection:
    origin = src.crs_origin
    if crs is not None and str(crs).strip().lower() in KEEP_DECLARED:
        if not src.declared_crs:
            raise CRSError("ingest.crs_nothing_declared")
        det = crsdetect.identify(src.declared_crs, origin=origin)
        if det.needs_confirmation:  # keep the declared definition literally, without the offered fix
            from pyproj import CRS

            det.epsg = CRS.from_user_input(src.declared_crs).to_epsg(min_confidence=100)
            det.wkt = None if det.epsg else CRS.from_user_input(src.declared_crs).to_wkt()
            det.needs_confirmation = False
            det.problem = None
            det.warnings.append(("ingest.w_kept_declared", {"name": det.declared_name or "—"}))
        det.source = "user"
        return det
    if crs is not None:
        det = crsdetect.user_crs(crs)
        if src.declared_crs:
            declared = crsdetect.identify(src.declared_crs, origin=origin)
            det.declared_name = declared.declared_name
            if declared.epsg != det.epsg:
                det.warnings.append(
                    ("ingest.w_crs_overridden", {"declared": declared.detected, "chosen": crsdetect.crs_label(det.epsg)})
                )
        return det
    if src.declared_crs:
        det = crsdetect.identify(src.declared_crs, origin=origin)
        if det.crs.is_geographic and not crsguess.is_degrees(bounds):
            # Degrees declared (or assumed: GeoJSON, KML) but the numbers are not degrees: the declaration
            # is wrong, so the CRS is unknown and is guessed from the ranges like a file without .prj.
            # ignore[arg-type]: bounds (tuple[float, ...]) are a frame's total_bounds, always four numbers
            guessed = crsguess.guess(tuple(bounds), province=province, near_km=near_km)  # type: ignore[arg-type]
            guessed.declared_name = det.declared_name
            stated = {
                "origin": crsdetect.origin_text(origin, det.declared_name),
                "name": det.declared_name or "—",
                "declared": det.detected,
                **_bounds_params(bounds),
            }
            if guessed.problem is not None:
                key, params = guessed.problem
                guessed.problem = ("ingest.crs_confirm_not_degrees", {**params, **stated})
            else:
                guessed.warnings.append(("ingest.w_declared_not_degrees", stated))
            return guessed
        return det
    return crsguess.guess(tuple(bounds), province=province, near_km=near_km)  # type: ignore[arg-type]  # (as above)


def _bounds_params(bounds: tuple[float, ...]) -> dict[str, float]:
    return {k: float(v) for k, v in zip(("xmin", "ymin", "xmax", "ymax"), bounds)}


def _no_landing() -> crsguess.FeatureLanding:
    nan = float("nan")
    centre = crsguess.Landing("unknown", nan, "", nan, nan)
    return crsguess.FeatureLanding("unknown", centre, {"province": 0, "vietnam": 0, "outside": 0}, [], {})


def _stray_places(strays: list[dict[str, Any]], *, more: bool) -> Joined | Template:
    """Stray features (fid, where, distance_km, direction, lon, lat) for a message, ``…`` when there are more."""
    items: tuple[Any, ...] = tuple(
        Template(
            "ingest.stray_place",
            {
                "fid": p["fid"], "where": Text(f"ingest.where_{p['where']}"), "km": Num(float(p["distance_km"]), 0),
                "dir": Text(f"ingest.dir_{p['direction']}"), "lat": Num(float(p["lat"]), 4), "lon": Num(float(p["lon"]), 4),
            },
        )
        for p in strays
    )  # fmt: skip
    places = Joined(items, sep_key="ingest.places_sep")
    return Template("ingest.places_more", {"places": places}) if more else places


def _landing_params(land: crsguess.FeatureLanding, det: crsdetect.CRSDetection, total: int) -> dict[str, Any]:
    return {
        "km": float(land.distance_km),
        "lat": float(land.lat),
        "lon": float(land.lon),
        "dir": Text(f"ingest.dir_{land.direction}"),
        "crs": crsdetect.crs_label(det.epsg) if det.epsg else det.detected,
        "total": total,
        "n": land.counts.get(land.where, 0),
        "in_province": land.counts["province"],
        "in_vietnam": land.counts["vietnam"],
        "abroad": land.counts["outside"],
    }


def build_plan(
    src: SourceData,
    *,
    layer_id: str,
    crs: str | int | None = None,
    encoding: str | Mapping[str, str] | None = None,
    skip_other_types: bool = False,
    swap_axes: bool = False,
    config: IngestConfig | None = None,
) -> ImportPlan:
    """Decide encoding, geometry repairs, CRS, landing and column mapping for a read upload.

    ``skip_other_types``: import only the features of the layer's geometry type (otherwise a file with
    other types is refused). ``swap_axes``: exchange x and y first (latitude/longitude written in the
    wrong order, or X = northing as in Vietnamese survey practice).
    """
    with _no_traceback(src.name):
        return _build_plan(
            src, layer_id=layer_id, crs=crs, encoding=encoding, skip_other_types=skip_other_types,
            swap_axes=swap_axes, config=config,
        )  # fmt: skip


def _build_plan(
    src: SourceData,
    *,
    layer_id: str,
    crs: str | int | None,
    encoding: str | Mapping[str, str] | None,
    skip_other_types: bool,
    swap_axes: bool,
    config: IngestConfig | None,
) -> ImportPlan:
    import geopandas as gpd

    config = config or load_config()
    layer = _target_layer(layer_id)
    target_type = layer.geometry_type or "Polygon"
    frame, columns, names, renamed, preview = _decide_text(src, encoding)
    if swap_axes:
        frame = frame.set_geometry(gpd.GeoSeries(swap_xy(frame.geometry.values), index=frame.index))
    warnings: list[tuple[str, dict[str, Any]]] = list(src.column_warnings)
    blockers: list[tuple[str, dict[str, Any]]] = []
    if src.link_crs is not None:
        warnings.append(("ingest.w_crs_link_ignored", {"href": src.link_crs}))
    _check_coordinates(frame, config)

    clean, rep = clean_geometries(
        frame, target_type=target_type, layer_id=layer_id, lines_to_polygons=src.kind == "dxf"
    )
    if swap_axes:
        warnings.append(("ingest.w_axes_swapped", {}))
    if rep.dropped_type_fids:
        kept = rep.features_in - len(rep.dropped_empty) - len(rep.dropped_type_fids)
        found = ", ".join(f"{k} ×{v}" for k, v in [(target_type, kept), *rep.dropped_type.items()])
        other = ", ".join(rep.dropped_type)
        params = {
            "total": rep.features_in - len(rep.dropped_empty),
            "found": found,
            "n": len(rep.dropped_type_fids),
            "others": other,
            "layer": layer_id,
            "expected": target_type,
            "kept": kept,
        }
        if skip_other_types:
            warnings.append(("ingest.w_dropped_type", params))
        else:
            blockers.append(("ingest.mixed_types", params))
    province = crsguess.province_outline()
    bounds = tuple(float(v) for v in clean.total_bounds)
    det = _resolve_crs(src, crs, bounds, province, config.near_km)
    warnings.extend(det.warnings)
    if det.needs_confirmation and det.problem:
        blockers.append(det.problem)
    crs_label = crsdetect.crs_label(det.epsg) if det.epsg else det.detected
    usable = True
    if det.crs.is_geographic and not crsguess.is_degrees(bounds):
        # the user chose (or kept) a CRS in degrees for numbers that are not degrees
        blockers.append(("ingest.crs_not_degrees", {"crs": crs_label, **_bounds_params(bounds)}))
        usable = False
    try:
        work = gpd.GeoDataFrame(clean, geometry=clean.geometry.name, crs=det.crs).to_crs(WORK_CRS)
    except Exception as exc:
        raise CRSError("ingest.crs_transform_failed", crs=crs_label, detail=tech(exc)) from exc
    bad = non_finite_fids(work)
    if bad and usable:
        blockers.append(("ingest.crs_non_finite", {"n": len(bad), "total": len(work), "fids": _fids(bad), "crs": crs_label}))
    usable = usable and not bad
    if usable:
        land = crsguess.landing_features(work.geometry.values, work[FID].to_numpy(), province=province, near_km=config.near_km)
        lkw = _landing_params(land, det, len(work))
        if land.where == "vietnam":
            warnings.append(("ingest.w_landed_elsewhere", lkw))
        elif land.where == "outside":
            blockers.append(("ingest.landed_outside", lkw))
        outside_mask = flag_outside(work.geometry.values, province, tolerance_m=config.outside_tolerance_m)
    else:
        land = _no_landing()
        outside_mask = np.ones(len(work), bool)
    outside = [int(f) for f in work[FID].to_numpy()[outside_mask]]
    if outside and land.where == "province":
        warnings.append(("ingest.w_outside_features", {"n": len(outside), "fids": _fids(outside)}))
        if land.strays:
            warnings.append(
                (
                    "ingest.w_stray_features",
                    {
                        "n": len(land.stray_fids.get("vietnam", [])) + len(land.stray_fids.get("outside", [])),
                        "total": len(work),
                        "in_vietnam": len(land.stray_fids.get("vietnam", [])),
                        "abroad": len(land.stray_fids.get("outside", [])),
                        "near": float(config.near_km),
                        "places": _stray_places(land.strays[:5], more=len(land.strays) > 5),
                    },
                )
            )
    if usable:
        from tbgeo.crs import transformer

        xmin, ymin, xmax, ymax = work.total_bounds
        to_wgs = transformer("EPSG:9209", "EPSG:4326")
        if len(work) <= 5000:
            b = work.to_crs(4326).total_bounds
        else:  # the frame's extent, densified, is enough for a large file
            b = to_wgs.transform_bounds(xmin, ymin, xmax, ymax, densify_pts=50)
        bounds_wgs84 = [round(float(v), 7) for v in b]
    else:
        bounds_wgs84 = []

    if rep.dropped_empty:
        warnings.append(("ingest.w_dropped_empty", {"n": len(rep.dropped_empty), "fids": _fids(rep.dropped_empty)}))
    if rep.dropped_unrepairable:
        warnings.append(
            ("ingest.w_unrepairable", {"n": len(rep.dropped_unrepairable), "fids": _fids(rep.dropped_unrepairable)})
        )
    if rep.repaired:
        warnings.append(("ingest.w_repaired", {"n": len(rep.repaired), "fids": _fids([r["fid"] for r in rep.repaired])}))
    if rep.z_dropped:
        warnings.append(("ingest.w_z_dropped", {"n": rep.z_dropped}))
    if rep.closed_lines:
        warnings.append(("ingest.w_closed_lines", {"n": rep.closed_lines}))
    if rep.duplicates:
        warnings.append(
            ("ingest.w_duplicates", {"n": len(rep.duplicates), "fids": _fids([d["fid"] for d in rep.duplicates])})
        )
    cpg_enc = _cpg_encoding(src.cpg)
    legacy = sorted({d.encoding for d in columns.values() if d.converted and not d.user})
    if src.cpg and legacy and cpg_enc not in legacy:
        warnings.append(("ingest.w_cpg_wrong", {"cpg": src.cpg, "detected": ", ".join(legacy)}))
    for col, d in columns.items():
        if d.uncertain:
            warnings.append(("ingest.w_encoding_uncertain", {"column": col, "encoding": d.encoding}))
    tcvn3 = [c for c, d in columns.items() if d.encoding == "tcvn3"]
    raw_names = {v: k for k, v in renamed.items()}
    if any(
        isinstance(v, str) and enc.looks_like_caps(v)
        for c in tcvn3
        for v in src.frame[raw_names.get(c, c)].head(5000)
    ):
        warnings.append(("ingest.w_tcvn3_caps", {}))

    if layer.kind == "raster":
        _landuse_codes(work, blockers)
    from tbgeo.places.locate import COMMUNES_LAYER

    if layer_id == COMMUNES_LAYER and usable:
        _commune_codes(work, blockers)
    fields = target_fields(layer)
    geoms = work.geometry
    measures = {}
    if usable and target_type == "Polygon":
        measures = {"area_ha": geoms.area / 1e4, "area_km2": geoms.area / 1e6}
    elif usable and target_type == "LineString":
        measures = {"length_km": geoms.length / 1000}
    mapping = suggest_mapping(work.drop(columns=[FID]), fields, measures=measures)

    return ImportPlan(
        source=src,
        layer_id=layer_id,
        target_type=target_type,
        fields=fields,
        crs=det,
        columns=columns,
        names=names,
        renamed=renamed,
        preview=preview,
        geometry=rep,
        frame=work,
        outside=outside,
        landing=land,
        bounds_wgs84=bounds_wgs84,
        mapping=mapping,
        warnings=warnings,
        blockers=blockers,
        encoding_user=encoding is not None,
        skip_other_types=skip_other_types,
        swap_axes=swap_axes,
    )



def _check_coordinates(frame: gpd.GeoDataFrame, config: IngestConfig) -> None:
    """Refuse vertices that are NaN or infinite, or ``max_coordinate`` or more away from 0, as read
    from the file (before any repair: GEOS and PROJ fail or give NaN on them)."""
    import shapely

    coords, index = shapely.get_coordinates(np.asarray(frame.geometry.values), return_index=True)
    total = len(frame)
    fids = frame[FID].to_numpy()
    with np.errstate(invalid="ignore"):
        finite = np.isfinite(coords)
        bad = ~finite.all(axis=1)
        if bad.any():
            rows = [int(f) for f in fids[np.unique(index[bad])]]
            raise InputError("ingest.non_finite", n=len(rows), total=total, fids=_fids(rows))
        huge = (np.abs(coords) >= config.max_coordinate).any(axis=1)
    if huge.any():
        rows = [int(f) for f in fids[np.unique(index[huge])]]
        biggest = float(np.abs(coords[huge]).max())
        raise InputError(
            "ingest.coords_huge", n=len(rows), total=total, fids=_fids(rows), limit=f"{config.max_coordinate:g}", max=f"{biggest:.3g}"
        )


def _landuse_codes(work: Any, blockers: list[tuple[str, dict[str, Any]]]) -> None:
    """Land-use polygons need a code column (LUC, LUK, …, found by its values): it is copied, normalised,
    into ``code``, the column the map, the printer and the rice check read."""
    from tbgeo.review.codes import CODE_COLUMN, RICE_CODES, find_code_column, normalise_codes

    data = work.drop(columns=[c for c in (FID, CODE_COLUMN) if c in work.columns])
    try:
        column = find_code_column(data)
    except InputError:
        blockers.append(("ingest.landuse_no_code", {"codes": ", ".join(RICE_CODES)}))
        return
    work[CODE_COLUMN] = normalise_codes(work[column])


def _commune_codes(work: Any, blockers: list[tuple[str, dict[str, Any]]]) -> None:
    """2025 commune boundaries need a GSO code column (found by its values, whatever its name) that
    names at least one commune or ward of the former Thái Bình area: without it tbgeo could not use
    the layer, and every report would go on asking for it."""
    from tbgeo.places.crosswalk import crosswalk
    from tbgeo.places.locate import commune_code_column, normalise_code

    cw = crosswalk()
    column = commune_code_column(work, cw)
    if column is None:
        blockers.append(("ingest.communes_no_code", {"example": "13003"}))
        return
    codes = {normalise_code(v) for v in work[column].tolist()}
    if not codes & set(cw.new_units):
        blockers.append(("ingest.communes_none_in_area", {"column": column}))


def _fids(fids: list[int], limit: int = 10) -> str:
    shown = ", ".join(str(f) for f in fids[:limit])
    return shown + (" …" if len(fids) > limit else "")


def plan_import(
    path: Path | str,
    *,
    layer_id: str,
    crs: str | int | None = None,
    encoding: str | Mapping[str, str] | None = None,
    source_layer: str | None = None,
    display_name: str | None = None,
    skip_other_types: bool = False,
    swap_axes: bool = False,
    config: IngestConfig | None = None,
) -> ImportPlan:
    """Read ``path`` and decide everything about importing it into ``layer_id``; writes nothing."""
    config = config or load_config()
    src = read_source(path, source_layer=source_layer, display_name=display_name, config=config)
    return build_plan(
        src,
        layer_id=layer_id,
        crs=crs,
        encoding=encoding,
        skip_other_types=skip_other_types,
        swap_axes=swap_axes,
        config=config,
    )


# --------------------------------------------------------------------------------------------
# Committing
# --------------------------------------------------------------------------------------------


def commit_import(
    plan: ImportPlan,
    *,
    user: str | None = None,
    column_map: Mapping[str, str | None] | None = None,
    insist: bool = False,
    activate: bool = True,
    workspace: Any | None = None,
) -> ImportResult:
    """Store the plan's features as a new version of its layer (active by default).

    Refuses (InputError, nothing written) while the CRS awaits confirmation or gives unusable (non-finite)
    coordinates, while the file holds other geometry types and ``skip_other_types`` was not chosen, or
    when the data landed outside Vietnam and ``insist`` is False (``insist`` overrides nothing else).
    ``column_map`` (target field → source column or None) overrides the suggested mapping.
    """
    from tbgeo.workspace import Workspace, current_user

    for key, params in plan.blocking(insist=insist):
        if key.startswith("ingest.crs"):
            raise CRSError(key, **params)
        raise InputError(key, **params)
    bad = non_finite_fids(plan.frame)
    if bad:  # never store NaN/inf coordinates, whatever the plan says
        label = crsdetect.crs_label(plan.crs.epsg) if plan.crs.epsg else plan.crs.detected
        raise CRSError("ingest.crs_non_finite", n=len(bad), total=len(plan.frame), fids=_fids(bad), crs=label)
    mapping = dict(plan.mapping)
    if column_map:
        known = {f.name for f in plan.fields}
        for target, col in column_map.items():
            if target not in known:
                raise InputError("ingest.bad_target_field", field=target, fields=", ".join(sorted(known)))
            mapping[target] = col or None
    frame = plan.frame.drop(columns=[FID])
    out = apply_mapping(frame, mapping, plan.fields)
    out = out.rename(columns={c: f"{c}_src" for c in out.columns if str(c).lower() == "fid"})
    user = user or current_user()
    details = plan.details()
    details["column_map"] = mapping
    overridden = plan.overridden(insist=insist)
    details["insisted"] = bool(overridden)
    details["overridden"] = [{"code": k, "params": p} for k, p in overridden]
    ws = workspace or Workspace.open()
    version = ws.add_layer_version(
        plan.layer_id,
        out,
        source_name=plan.source.name,
        sha256=plan.source.sha256,
        user=user,
        details=details,
        activate=activate,
    )
    return ImportResult(plan=plan, version=version, insisted=details["insisted"])


def source_layers(path: Path | str, *, config: IngestConfig | None = None) -> list[str]:
    """The datasets/layers an upload holds (to let the user pick one); refuses unsafe files like read_source."""
    config = config or load_config()
    with workdir() as tmp:
        _, datasets = open_upload(Path(path), Path(tmp), config)
        return [label for ds in datasets for label, _ in _layer_options(ds)]
