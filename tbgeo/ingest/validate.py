"""Geometry checks and repairs for an upload (empties, Z, mixed types, invalid, duplicates, outside the
province) and the mapping of the file's columns onto the target layer's fields."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import shapely

from tbgeo.catalog import layer_name
from tbgeo.errors import InputError

if TYPE_CHECKING:
    from shapely.geometry.base import BaseGeometry

    from tbgeo.catalog import Layer

__all__ = [
    "FID",
    "GeometryReport",
    "TargetField",
    "FIELD_HINTS",
    "clean_geometries",
    "flag_outside",
    "target_fields",
    "suggest_mapping",
    "apply_mapping",
]

#: The column that carries each feature's position in the source file (GDAL FID order, from 0).
FID = "_src_fid"
_LIST_MAX = 50

_BASE = {
    "Point": "Point",
    "MultiPoint": "Point",
    "LineString": "LineString",
    "LinearRing": "LineString",
    "MultiLineString": "LineString",
    "Polygon": "Polygon",
    "MultiPolygon": "Polygon",
    "GeometryCollection": "GeometryCollection",
}
_TYPE_IDS = {"Point": (0, 4), "LineString": (1, 2, 5), "Polygon": (3, 6)}


@dataclass
class GeometryReport:
    """What was done to the geometries, with the source FIDs concerned (lists capped at 50)."""

    features_in: int = 0
    features_out: int = 0
    dropped_empty: list[int] = field(default_factory=list)
    dropped_type: dict[str, int] = field(default_factory=dict)
    dropped_type_fids: list[int] = field(default_factory=list)
    dropped_unrepairable: list[int] = field(default_factory=list)
    repaired: list[dict[str, Any]] = field(default_factory=list)
    z_dropped: int = 0
    closed_lines: int = 0
    collections_split: int = 0
    duplicates: list[dict[str, int]] = field(default_factory=list)

    @property
    def dropped(self) -> int:
        return len(self.dropped_empty) + len(self.dropped_type_fids) + len(self.dropped_unrepairable)

    def to_dict(self) -> dict[str, Any]:
        return {
            "features_in": self.features_in,
            "features_out": self.features_out,
            "repaired": len(self.repaired),
            "repaired_features": self.repaired[:_LIST_MAX],
            "dropped": self.dropped,
            "dropped_empty": len(self.dropped_empty),
            "dropped_empty_fids": self.dropped_empty[:_LIST_MAX],
            "dropped_other_type": len(self.dropped_type_fids),
            "dropped_types": self.dropped_type,
            "dropped_unrepairable": len(self.dropped_unrepairable),
            "z_dropped": self.z_dropped,
            "closed_lines_to_polygons": self.closed_lines,
            "collections_split": self.collections_split,
            "duplicates": len(self.duplicates),
            "duplicate_pairs": self.duplicates[:_LIST_MAX],
        }


def _parts_of(geom: BaseGeometry, target: str) -> BaseGeometry | None:
    """The parts of ``geom`` of the target base type (as a single or multi geometry), or None."""
    ids = _TYPE_IDS[target]
    parts = [g for g in shapely.get_parts(geom) if shapely.get_type_id(g) in ids and not g.is_empty]
    # nested collections
    if not parts and shapely.get_type_id(geom) == 7:
        for sub in shapely.get_parts(geom):
            p = _parts_of(sub, target)
            if p is not None:
                parts.extend(shapely.get_parts(p))
    if not parts:
        return None
    if len(parts) == 1:
        return parts[0]
    if target == "Polygon":
        polys = [q for p in parts for q in shapely.get_parts(p)]
        return shapely.MultiPolygon(polys)
    if target == "LineString":
        return shapely.MultiLineString([q for p in parts for q in shapely.get_parts(p)])
    return shapely.MultiPoint([q for p in parts for q in shapely.get_parts(p)])


def clean_geometries(
    gdf: gpd.GeoDataFrame, *, target_type: str, layer_id: str = "", lines_to_polygons: bool = False
) -> tuple[gpd.GeoDataFrame, GeometryReport]:
    """Drop empty geometries, drop Z, keep the target type (splitting collections), repair invalid ones,
    flag duplicates. ``gdf`` must carry the source FID in column ``FID``.

    Raises InputError when no feature has the target layer's geometry type.
    """
    rep = GeometryReport(features_in=len(gdf))
    geoms = gdf.geometry.values.copy()
    fids = gdf[FID].to_numpy()

    empty = shapely.is_missing(np.asarray(geoms)) | shapely.is_empty(np.asarray(geoms))
    rep.dropped_empty = [int(f) for f in fids[empty]]
    keep = ~empty
    arr = np.asarray(geoms)
    has_z = np.zeros(len(arr), dtype=bool)
    has_z[keep] = shapely.has_z(arr[keep])
    rep.z_dropped = int(has_z.sum())
    if rep.z_dropped:
        arr = arr.copy()
        arr[has_z] = shapely.force_2d(arr[has_z])

    if lines_to_polygons and target_type == "Polygon":
        for i in np.flatnonzero(keep):
            g = arr[i]
            if shapely.get_type_id(g) in (1, 2) and g.is_closed and len(g.coords) >= 4:
                arr[i] = shapely.Polygon(g.coords)
                rep.closed_lines += 1

    types = np.array([_BASE.get(g.geom_type, g.geom_type) if g is not None else "" for g in arr])
    for i in np.flatnonzero(keep & (types == "GeometryCollection")):
        part = _parts_of(arr[i], target_type)
        if part is not None:
            arr[i] = part
            types[i] = target_type
            rep.collections_split += 1
    wrong = keep & (types != target_type)
    for t in types[wrong]:
        rep.dropped_type[t] = rep.dropped_type.get(t, 0) + 1
    rep.dropped_type_fids = [int(f) for f in fids[wrong]]
    keep &= ~wrong
    if not keep.any():
        if len(gdf) and not empty.all():
            found = ", ".join(sorted(set(types[~empty]))) or "—"
            raise InputError("ingest.wrong_geometry", found=found, layer=layer_name(layer_id), expected=target_type)
        raise InputError("ingest.empty")

    idx = np.flatnonzero(keep)
    valid = shapely.is_valid(arr[idx])
    for i in idx[~valid]:
        reason = shapely.is_valid_reason(arr[i])
        fixed = shapely.make_valid(arr[i])
        part = _parts_of(fixed, target_type)
        if part is None or part.is_empty:
            rep.dropped_unrepairable.append(int(fids[i]))
            keep[i] = False
            continue
        arr[i] = part
        rep.repaired.append({"fid": int(fids[i]), "reason": reason})

    out = gdf.loc[keep].copy()
    out[gdf.geometry.name] = gpd.GeoSeries(arr[keep], index=out.index, crs=gdf.crs)
    norm = shapely.normalize(np.asarray(out.geometry.values))
    wkb = pd.Series(shapely.to_wkb(norm), index=out.index)
    first: dict[bytes, int] = {}
    for fid, key in zip(out[FID].to_numpy(), wkb.to_numpy()):
        if key in first:
            rep.duplicates.append({"fid": int(fid), "duplicate_of": first[key]})
        else:
            first[key] = int(fid)
    rep.features_out = len(out)
    return out, rep


def flag_outside(geoms: Any, province: BaseGeometry, *, tolerance_m: float) -> np.ndarray:
    """True for each geometry (EPSG:9209) farther than ``tolerance_m`` from the province outline."""
    area = province.buffer(tolerance_m) if tolerance_m else province
    shapely.prepare(area)
    outside: np.ndarray = ~shapely.intersects(area, np.asarray(geoms))
    return outside


# --------------------------------------------------------------------------------------------
# Column mapping
# --------------------------------------------------------------------------------------------

#: The attribute names each catalog layer is coded against (used when the shipped data is absent).
FIELD_HINTS: dict[str, tuple[str, ...]] = {
    "districts": ("gso_code", "name_vi", "name_ascii", "unit_type", "area_km2", "seat_name", "seat_lat", "seat_lon"),
    "industrial_parks": ("name", "status", "area_ha", "district", "in_economic_zone", "note"),
    "industrial_clusters": ("name", "status", "area_ha", "district", "in_economic_zone", "note"),
    "agri_park": ("name", "status", "area_ha", "district", "in_economic_zone", "note"),
    "economic_zone": ("name", "area_ha"),
    "raw_material_zones": ("name", "district", "crop", "area_ha"),
    "gas_pipelines": ("name", "kind", "pressure", "status", "length_km", "citation"),
    "energy_sites": ("name", "kind", "status", "capacity_mw"),
    "rivers": ("name", "width_m"),
    "coastline": ("name", "length_km"),
}
_NUMERIC_SUFFIX = ("_ha", "_km", "_km2", "_m", "_mw", "_lat", "_lon")
_SYNONYMS: dict[str, tuple[str, ...]] = {
    "name": ("ten", "name", "tenkcn", "tenccn", "tenkhu", "tencum", "tenduan", "ten_dv", "tendoituong", "label"),
    "name_vi": ("ten", "tenhuyen", "tendv", "name", "namevi"),
    "name_ascii": ("tenkd", "tenkhongdau", "nameascii", "ascii"),
    "status": ("trangthai", "tinhtrang", "hientrang", "tt", "status"),
    "area_ha": ("dientich", "dt", "dtich", "dtha", "dientichha", "area", "areaha"),
    "area_km2": ("dientich", "dtkm2", "area", "areakm2"),
    "district": ("huyen", "quanhuyen", "tenhuyen", "huyentp", "district"),
    "in_economic_zone": ("kkt", "trongkkt", "thuockkt", "ineconomiczone"),
    "note": ("ghichu", "note", "mota", "notes", "ghi_chu"),
    "crop": ("caytrong", "loaicay", "crop"),
    "kind": ("loai", "phanloai", "kind", "type"),
    "pressure": ("apsuat", "pressure"),
    "length_km": ("chieudai", "dai", "daikm", "length", "lengthkm"),
    "capacity_mw": ("congsuat", "capacity", "mw", "capacitymw"),
    "width_m": ("rong", "berong", "chieurong", "width", "widthm"),
    "gso_code": ("ma", "magso", "mahuyen", "gso", "code", "gsocode"),
    "unit_type": ("loai", "cap", "loaidv", "unittype"),
    "seat_name": ("huyenly", "trungtam", "seat", "seatname"),
    "seat_lat": ("vido", "lat", "seatlat"),
    "seat_lon": ("kinhdo", "lon", "seatlon"),
    "citation": ("trichdan", "cancu", "nguon", "citation"),
}
_ALLOWED_VALUES: dict[str, set[str]] = {
    "status": {"operating", "building", "planned", "existing"},
    "kind": {"offshore", "lp_network", "hp_onshore", "gas_centre", "landfall_station", "power_centre"},
    "pressure": {"high", "low"},
}


@dataclass(frozen=True)
class TargetField:
    """A field of the target layer: its name and whether it holds numbers."""

    name: str
    numeric: bool


def _key(name: str) -> str:
    ascii_name = unicodedata.normalize("NFD", str(name).replace("đ", "d").replace("Đ", "D"))
    ascii_name = "".join(c for c in ascii_name if not unicodedata.combining(c))
    return re.sub(r"[^a-z0-9]", "", ascii_name.lower())


def target_fields(layer: Layer) -> list[TargetField]:
    """The layer's fields: those of its shipped data (when present), its popup fields and FIELD_HINTS."""
    names: list[str] = []
    numeric: dict[str, bool] = {}
    try:
        if layer.path.exists():
            info = pyogrio.read_info(layer.path)
            for n, dt in zip(info["fields"], info["dtypes"]):
                names.append(str(n))
                numeric[str(n)] = str(dt).startswith(("int", "float"))
    except Exception:
        pass
    for item in layer.popup:
        names.append(item["field"])
    names.extend(FIELD_HINTS.get(layer.id, ()))
    out: list[TargetField] = []
    seen: set[str] = set()
    for n in names:
        if n in seen:
            continue
        seen.add(n)
        out.append(TargetField(n, numeric.get(n, n.endswith(_NUMERIC_SUFFIX))))
    return out


def _numeric(series: pd.Series) -> pd.Series:
    if pd.api.types.is_numeric_dtype(series):
        return series.astype(float)
    text = series.astype("string").str.strip().str.replace(r"\s", "", regex=True)
    # Vietnamese decimal comma: "12,5" → 12.5 (only when there is no dot as well)
    text = text.where(text.str.contains(r"\.", na=False), text.str.replace(",", ".", regex=False))
    return pd.to_numeric(text, errors="coerce")


def _content_score(target: str, col: pd.Series, measures: dict[str, pd.Series]) -> float:
    values = col.dropna().head(2000)
    if values.empty:
        return 0.0
    if target in _ALLOWED_VALUES:
        share = values.astype(str).str.strip().str.lower().isin(_ALLOWED_VALUES[target]).mean()
        return 0.9 if share >= 0.8 else 0.0
    if target in measures:
        nums = _numeric(values)
        ref = measures[target].loc[values.index]
        ratio = (nums / ref.replace(0, np.nan)).dropna()
        if len(ratio) and 0.8 <= float(ratio.median()) <= 1.25:
            return 0.95
    return 0.0


def suggest_mapping(
    frame: pd.DataFrame, fields: list[TargetField], *, measures: dict[str, pd.Series] | None = None
) -> dict[str, str | None]:
    """For each target field, the source column that most likely holds it (or None).

    By name (exact, then Vietnamese/English synonyms) and by content (status values; an area or length
    column that matches the geometry's own measure). Each source column is used at most once.
    """
    measures = measures or {}
    columns = [c for c in frame.columns if c not in (FID, frame.geometry.name if hasattr(frame, "geometry") else None)]
    scored: list[tuple[float, str, str]] = []
    for tf in fields:
        syn = {_key(s) for s in _SYNONYMS.get(tf.name, ())}
        for col in columns:
            k = _key(col)
            score = 0.0
            if k == _key(tf.name):
                score = 1.0
            elif k in syn:
                score = 0.9
            elif any(len(s) >= 3 and k.startswith(s) for s in syn):
                score = 0.6
            score = max(score, _content_score(tf.name, frame[col], measures))
            if tf.numeric and score and not pd.api.types.is_numeric_dtype(frame[col]):
                sample = frame[col].dropna().head(1000)
                parsed = _numeric(sample).notna().mean() if len(sample) else 0
                if parsed < 0.8:
                    score = 0.0
            if score >= 0.5:
                scored.append((score, tf.name, col))
    mapping: dict[str, str | None] = {tf.name: None for tf in fields}
    used: set[str] = set()
    for _score, target, col in sorted(scored, key=lambda s: -s[0]):
        if mapping[target] is None and col not in used:
            mapping[target] = col
            used.add(col)
    return mapping


def apply_mapping(
    gdf: gpd.GeoDataFrame, mapping: dict[str, str | None], fields: list[TargetField]
) -> gpd.GeoDataFrame:
    """The frame with mapped columns under the target names (numbers parsed for numeric fields); the
    other source columns are kept (renamed with a suffix if their name is taken)."""
    numeric = {f.name: f.numeric for f in fields}
    geom = gdf.geometry.name
    for col in mapping.values():
        if col is not None and col not in gdf.columns:
            raise InputError("ingest.unknown_column", column=col, columns=", ".join(map(str, gdf.columns)))
    data: dict[str, Any] = {}
    used = {c for c in mapping.values() if c}
    for target, col in mapping.items():
        if col is None:
            continue
        data[target] = _numeric(gdf[col]) if numeric.get(target) else gdf[col]
    taken = {str(k).casefold() for k in data}
    for col in gdf.columns:
        if col in used or col in (geom, FID):
            continue
        name, n = col, 1
        while str(name).casefold() in taken:  # the store (SQLite) does not tell "Name" from "name"
            name = f"{col}_{n}"
            n += 1
        taken.add(str(name).casefold())
        data[name] = gdf[col]
    return gpd.GeoDataFrame(data, geometry=gdf.geometry.values, crs=gdf.crs, index=gdf.index)
