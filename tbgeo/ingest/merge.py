"""How an upload combines with a layer's current features, and the difference it makes.

Three modes (``MODES``):

- ``replace``: the file becomes the whole layer;
- ``append``: the file's features are added after the layer's;
- ``update``: each feature of the layer whose key (a column such as ``name``) matches a feature of the
  file takes that feature's geometry and the attributes the file has (the attributes the file lacks are
  kept); the file's features whose key matches none are added, and named.

The layer's current features are those of its active version in the store, else its shipped data (none
for an optional layer not imported yet). Whatever the mode, the result is stored as a new version:
versions are never changed, so a rollback returns the layer as it was. The difference (``ImportDiff``:
before → after, added, removed, changed, unchanged, the key used, the file's keys that matched nothing)
is computed here, before anything is written: the upload page shows it, ``tbgeo import`` prints it, the
version keeps it, and a replace that removes features needs an explicit confirmation (``commit_import``).
"""

from __future__ import annotations

import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from tbgeo.catalog import Layer, layer_name
from tbgeo.crs import WORK_CRS
from tbgeo.errors import InputError
from tbgeo.i18n.params import Joined
from tbgeo.ingest.steps import Note
from tbgeo.store import Store

__all__ = ["MODES", "Base", "ImportDiff", "Merged", "check_mode", "current_features", "combine"]

MODES = ("replace", "append", "update")
#: Names listed in a message or kept in a version's details (the counts are always whole).
_LIST_MAX = 10
_DETAIL_MAX = 200
#: Geometries closer than this (metres, EPSG:9209) count as the same (a shipped file read through WGS 84).
_SAME_M = 0.01


def check_mode(mode: str) -> str:
    """``mode`` if it is one of MODES; otherwise a refusal naming them."""
    if mode not in MODES:
        raise InputError("ingest.bad_mode", value=mode, allowed=", ".join(MODES))
    return mode


@dataclass(frozen=True)
class Base:
    """A layer's features as they are before an import (EPSG:9209) and where they come from:
    ``version`` (the active store version ``version``), ``shipped`` (the shipped file), ``empty`` (no
    data yet) or ``raster`` (the shipped land-use raster, which only a replace can take over)."""

    frame: gpd.GeoDataFrame
    source: str
    version: int | None = None


def _empty() -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame({"geometry": gpd.GeoSeries([], crs=WORK_CRS)}, geometry="geometry", crs=WORK_CRS)


def current_features(layer: Layer, store: Store) -> Base:
    """The layer's current features: its active version in ``store``, else its shipped data."""
    active = store.active_version(layer.id)
    if active is not None:
        return Base(_geometry_named(store.read_version(layer.id, active.version).to_crs(WORK_CRS)), "version", active.version)
    if not layer.path.is_file():
        return Base(_empty(), "empty")
    if layer.kind != "vector":
        return Base(_empty(), "raster")
    return Base(_geometry_named(layer.read(shipped=True, crs=WORK_CRS)), "shipped")


def _geometry_named(frame: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    return frame if frame.geometry.name == "geometry" else frame.rename_geometry("geometry")


# --------------------------------------------------------------------------------------------
# The difference
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ImportDiff:
    """What an import does to a layer, counted before anything is written."""

    mode: str
    layer: str
    #: where the features before come from (Base.source) and, for "version", which version
    base: str
    base_version: int | None
    #: the column features were matched by, and how: "key", "geometry" (no usable key) or "none" (append)
    key: str | None
    matched_by: str
    before: int
    after: int
    added: int
    removed: int
    changed: int
    unchanged: int
    #: update: the file's keys that match no feature of the layer (those features are added)
    unmatched: tuple[str, ...] = ()
    removed_labels: tuple[str, ...] = ()
    changed_labels: tuple[str, ...] = ()
    added_labels: tuple[str, ...] = ()

    @property
    def needs_confirmation(self) -> bool:
        """A replace that removes features is written only when the user confirms it."""
        return self.mode == "replace" and self.removed > 0

    def unconfirmed(self) -> InputError:
        """The refusal of this replace while the user has not confirmed the features it removes."""
        return InputError("ingest.replace_unconfirmed", layer=layer_name(self.layer), before=self.before, after=self.after,
                          removed=self.removed, names=_names(self.removed_labels) if self.removed_labels else "—")

    def same_as(self, other: ImportDiff) -> bool:
        """Whether ``other`` describes the same change of the same layer state (the one a user confirmed)."""
        return self.to_dict() == other.to_dict()

    def to_dict(self) -> dict[str, Any]:
        return {
            "mode": self.mode,
            "layer": self.layer,
            "base": self.base,
            "base_version": self.base_version,
            "key": self.key,
            "matched_by": self.matched_by,
            "before": self.before,
            "after": self.after,
            "added": self.added,
            "removed": self.removed,
            "changed": self.changed,
            "unchanged": self.unchanged,
            "unmatched": list(self.unmatched[:_DETAIL_MAX]),
            "removed_labels": list(self.removed_labels[:_DETAIL_MAX]),
            "changed_labels": list(self.changed_labels[:_DETAIL_MAX]),
            "added_labels": list(self.added_labels[:_DETAIL_MAX]),
            "needs_confirmation": self.needs_confirmation,
        }

    def notes(self) -> list[Note]:
        """The difference in plain words, one message per line (said in the reader's language)."""
        counts = {"before": self.before, "after": self.after, "added": self.added, "removed": self.removed,
                  "changed": self.changed, "unchanged": self.unchanged}
        out: list[Note] = [(f"ingest.diff_summary_{self.mode}", {"layer": layer_name(self.layer), **counts})]
        out.append((f"ingest.diff_base_{self.base}", {"version": self.base_version or 0}))
        if self.matched_by == "key":
            out.append(("ingest.diff_matched_key", {"key": self.key}))
        elif self.matched_by == "geometry" and self.before:
            out.append(("ingest.diff_matched_geometry", {}))
        for kind, labels, n in (("removed", self.removed_labels, self.removed), ("changed", self.changed_labels, self.changed),
                                ("added", self.added_labels, self.added)):
            if labels:
                out.append((f"ingest.diff_{kind}_names", {"n": n, "names": _names(labels)}))
        if self.unmatched:
            out.append(("ingest.diff_unmatched", {"n": len(self.unmatched), "key": self.key, "keys": _names(self.unmatched)}))
        return out


def _names(labels: tuple[str, ...]) -> Any:
    shown = Joined(tuple(labels[:_LIST_MAX]), "ingest.list_sep")
    return shown if len(labels) <= _LIST_MAX else Joined((shown, f"… (+{len(labels) - _LIST_MAX})"), None)


@dataclass
class Merged:
    """The features to store (EPSG:9209), the difference, and what the user should know (warnings)."""

    frame: gpd.GeoDataFrame
    diff: ImportDiff
    warnings: list[Note] = field(default_factory=list)


# --------------------------------------------------------------------------------------------
# Comparing features
# --------------------------------------------------------------------------------------------


def _cell(value: Any) -> Any:
    """A value as compared: missing values alike, numbers by value (``12`` = ``12.0``), text in NFC."""
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, bool | np.bool_):
        return bool(value)
    if isinstance(value, int | float | np.integer | np.floating):
        number = float(value)
        return None if number != number else round(number, 9)
    if isinstance(value, str):
        text = unicodedata.normalize("NFC", value).strip()
        return text or None
    return str(value)


def key_text(value: Any) -> str | None:
    """A key as matched: NFC, case and spacing ignored; ``13003``, ``13003.0`` and ``"13003"`` alike."""
    cell = _cell(value)
    if cell is None:
        return None
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    return " ".join(str(cell).split()).casefold() or None


def _geometry_keys(geoms: gpd.GeoSeries) -> list[bytes]:
    """One key per geometry, equal for geometries equal to 1 cm (single or multi, any vertex order)."""
    arr = np.asarray(geoms.values)
    parts, index = shapely.get_parts(arr, return_index=True)
    parts = shapely.normalize(shapely.transform(parts, lambda xy: np.round(xy / _SAME_M) * _SAME_M))
    wkb = shapely.to_wkb(parts)
    grouped: list[list[bytes]] = [[] for _ in range(len(arr))]
    for i, w in zip(index.tolist(), wkb.tolist()):
        grouped[i].append(w)
    return [b"|".join(sorted(g)) for g in grouped]


def _records(frame: gpd.GeoDataFrame) -> list[dict[str, Any]]:
    data = pd.DataFrame(frame.drop(columns=frame.geometry.name))
    records: list[dict[str, Any]] = data.to_dict("records")
    return records


def _label_of(record: dict[str, Any], label: str | None, fallback: str) -> str:
    value = record.get(label) if label else None
    return str(value) if _cell(value) is not None else fallback


@dataclass
class _Side:
    """One side of the comparison: its records, geometries and (when matched by key) keys; the geometry
    keys are made when asked for, of the features asked for (a key match compares only matched pairs)."""

    frame: gpd.GeoDataFrame
    records: list[dict[str, Any]]
    geoms: list[Any]
    keys: list[str | None]
    _geokeys: dict[int, bytes] = field(default_factory=dict)

    @classmethod
    def of(cls, frame: gpd.GeoDataFrame, key: str | None) -> _Side:
        records = _records(frame)
        return cls(frame, records, list(frame.geometry.values), [key_text(r.get(key)) for r in records] if key else [])

    def geokeys(self, positions: list[int] | None = None) -> dict[int, bytes]:
        """position → geometry key, for ``positions`` (all features by default)."""
        wanted = list(range(len(self.geoms))) if positions is None else positions
        missing = [i for i in wanted if i not in self._geokeys]
        if missing:
            self._geokeys.update(zip(missing, _geometry_keys(self.frame.geometry.iloc[missing])))
        return {i: self._geokeys[i] for i in wanted}


def _find_column(frame: gpd.GeoDataFrame, name: str, mapping: dict[str, str | None]) -> str | None:
    """The column of ``frame`` the user means by ``name``: itself, the same but for case, or the field a
    source column of that name was mapped to."""
    columns = [str(c) for c in frame.columns if c != frame.geometry.name]
    if name in columns:
        return name
    folded = [c for c in columns if c.casefold() == name.casefold()]
    if folded:
        return folded[0]
    mapped = [target for target, source in mapping.items() if source is not None and source.casefold() == name.casefold()]
    return mapped[0] if mapped and mapped[0] in columns else None


def _repeated(keys: list[str | None], raw: list[Any]) -> list[str]:
    counts = Counter(k for k in keys if k is not None)
    shown: dict[str, str] = {}
    for k, r in zip(keys, raw):
        if k is not None and counts[k] > 1:
            shown.setdefault(k, f"{r} ×{counts[k]}")
    return list(shown.values())


def _check_keys(side: _Side, key: str, *, where: str) -> None:
    """Refuse keys a match could not rely on: empty ones (in the file) and repeated ones."""
    raw = [r.get(key) for r in side.records]
    if where == "file":  # a feature of the layer without a key is only never matched
        empty = sum(1 for k in side.keys if k is None)
        if empty:
            raise InputError("ingest.key_empty", key=key, n=empty, total=len(side.keys))
    repeated = _repeated(side.keys, raw)
    if repeated:
        raise InputError(f"ingest.key_repeated_{where}", key=key, n=len(repeated),
                         values=Joined(tuple(repeated[:_LIST_MAX]), "ingest.list_sep"))


def _resolve_key(base: Base, upload: gpd.GeoDataFrame, *, mode: str, key: str | None, label: str | None,
                 mapping: dict[str, str | None]) -> tuple[str | None, bool]:
    """The key column to match by, and whether the user named it (a named key must be usable: refusals
    otherwise). Without one, an update uses the layer's label field, a replace or append the label field
    when it is a usable key on both sides (else features are matched by geometry)."""
    if key:
        found = _find_column(upload, key, mapping)
        if found is None:
            raise InputError("ingest.key_not_in_file", key=key, columns=_columns(upload))
        if len(base.frame) and found not in base.frame.columns:
            raise InputError("ingest.key_not_in_layer", key=found, columns=_columns(base.frame))
        return found, True
    if mode == "update":
        if not label:
            raise InputError("ingest.update_needs_key", columns=_columns(upload))
        return _resolve_key(base, upload, mode=mode, key=label, label=label, mapping=mapping)
    if label and label in upload.columns and (not len(base.frame) or label in base.frame.columns):
        return label, False
    return None, False


def _columns(frame: gpd.GeoDataFrame) -> str:
    return ", ".join(str(c) for c in frame.columns if c != frame.geometry.name) or "—"


def _usable(side: _Side) -> bool:
    known = [k for k in side.keys if k is not None]
    return len(known) == len(side.keys) and len(set(known)) == len(known)


def _differs(old: dict[str, Any], new: dict[str, Any], columns: list[str]) -> bool:
    return any(_cell(old.get(c)) != _cell(new.get(c)) for c in columns)


def _stack(records: list[dict[str, Any]], geoms: list[Any], columns: list[str]) -> gpd.GeoDataFrame:
    """Records (some without some columns) as one frame in EPSG:9209, columns in ``columns`` order."""
    data = pd.DataFrame.from_records(records, columns=columns) if records else pd.DataFrame(columns=columns)
    data = data.infer_objects()
    return gpd.GeoDataFrame(data, geometry=gpd.GeoSeries(geoms, crs=WORK_CRS, index=data.index), crs=WORK_CRS)


def _union(*frames: gpd.GeoDataFrame) -> list[str]:
    out: list[str] = []
    for frame in frames:
        out += [str(c) for c in frame.columns if c != frame.geometry.name and str(c) not in out]
    return out


# --------------------------------------------------------------------------------------------
# Combining
# --------------------------------------------------------------------------------------------


def combine(
    base: Base,
    upload: gpd.GeoDataFrame,
    *,
    layer_id: str,
    mode: str,
    key: str | None = None,
    label: str | None = None,
    mapping: dict[str, str | None] | None = None,
) -> Merged:
    """The features ``mode`` makes of the layer's ``base`` and the ``upload`` (both EPSG:9209, the upload
    under the layer's field names), with the difference.

    ``key``: the column to match features by (a source column name is read as the field it was mapped
    to by ``mapping``). ``label``: the layer's label field (the default key of an update, and the names in
    messages). Refuses (InputError) an update without a usable key: a key column missing from the file or
    the layer, a feature of the file without a key, a key repeated in the file, or a key of the file that
    names several features of the layer.
    """
    check_mode(mode)
    if base.source == "raster" and mode != "replace":
        raise InputError("ingest.mode_raster_base", layer=layer_name(layer_id), mode=mode)
    upload = _geometry_named(upload.to_crs(WORK_CRS))
    column, named = _resolve_key(base, upload, mode=mode, key=key, label=label, mapping=mapping or {})
    old, new = _Side.of(base.frame, column), _Side.of(upload, column)
    if column and (mode == "update" or (named and mode == "replace")):
        _check_keys(new, column, where="file")  # a key the user names, or an update's, must be one
        if mode == "replace":
            _check_keys(old, column, where="layer")
    elif column and not named and not (_usable(old) and _usable(new)):
        column = None  # the label field is no key here (repeated or empty names): match by geometry
        old, new = _Side.of(base.frame, None), _Side.of(upload, None)
    names = _union(base.frame, upload)
    label = label if label in names else (column or ("name" if "name" in names else None))
    if mode == "replace":
        return _replace(base, upload, old, new, layer_id=layer_id, column=column, label=label)
    if mode == "append":
        return _append(base, upload, old, new, layer_id=layer_id, column=column, label=label)
    return _update(base, upload, old, new, layer_id=layer_id, column=column or "", label=label)


def _pairs(old: _Side, new: _Side, column: str | None) -> dict[int, int]:
    """new position → old position of the features that match (by key, or by geometry without one)."""
    if column:
        where = {k: i for i, k in enumerate(old.keys) if k is not None}
        return {j: where[k] for j, k in enumerate(new.keys) if k is not None and k in where}
    free: dict[bytes, list[int]] = {}
    for i, g in old.geokeys().items():
        free.setdefault(g, []).append(i)
    out: dict[int, int] = {}
    for j, g in new.geokeys().items():
        if free.get(g):
            out[j] = free[g].pop(0)
    return out


def _moved(old: _Side, new: _Side, pairs: dict[int, int]) -> set[int]:
    """The new positions of the matched features whose geometry is not the same (to 1 cm)."""
    before, after = old.geokeys(list(pairs.values())), new.geokeys(list(pairs))
    return {j for j, i in pairs.items() if after[j] != before[i]}


def _diff(base: Base, *, mode: str, layer_id: str, column: str | None, before: int, after: int,
          added: list[str], removed: list[str], changed: list[str], unchanged: int,
          unmatched: tuple[str, ...] = (), matched_by: str | None = None) -> ImportDiff:
    return ImportDiff(
        mode=mode, layer=layer_id, base=base.source, base_version=base.version, key=column,
        matched_by=matched_by or ("key" if column else "geometry"), before=before, after=after,
        added=len(added), removed=len(removed), changed=len(changed), unchanged=unchanged, unmatched=unmatched,
        removed_labels=tuple(removed), changed_labels=tuple(changed), added_labels=tuple(added),
    )  # fmt: skip


def _replace(base: Base, upload: gpd.GeoDataFrame, old: _Side, new: _Side, *, layer_id: str,
             column: str | None, label: str | None) -> Merged:
    pairs = _pairs(old, new, column)
    columns = _union(base.frame, upload)
    moved = _moved(old, new, pairs)
    changed = [_label_of(new.records[j], label, f"#{j + 1}") for j, i in pairs.items()
               if j in moved or _differs(old.records[i], new.records[j], columns)]
    kept = set(pairs.values())
    removed = [_label_of(r, label, f"#{i + 1}") for i, r in enumerate(old.records) if i not in kept]
    added = [_label_of(r, label, f"#{j + 1}") for j, r in enumerate(new.records) if j not in pairs]
    diff = _diff(base, mode="replace", layer_id=layer_id, column=column, before=len(old.records), after=len(new.records),
                 added=added, removed=removed, changed=changed, unchanged=len(pairs) - len(changed))
    return Merged(upload, diff)


def _append(base: Base, upload: gpd.GeoDataFrame, old: _Side, new: _Side, *, layer_id: str,
            column: str | None, label: str | None) -> Merged:
    added = [_label_of(r, label, f"#{j + 1}") for j, r in enumerate(new.records)]
    diff = _diff(base, mode="append", layer_id=layer_id, column=column, before=len(old.records),
                 after=len(old.records) + len(new.records), added=added, removed=[], changed=[],
                 unchanged=len(old.records), matched_by="none")
    frame = _stack(old.records + new.records, old.geoms + new.geoms, _union(base.frame, upload))
    warnings: list[Note] = []
    if column:
        present = set(k for k in old.keys if k is not None)
        twice = [str(r.get(column)) for r, k in zip(new.records, new.keys) if k in present]
        if twice:
            warnings.append(("ingest.w_append_existing", {
                "n": len(twice), "key": column, "keys": _names(tuple(twice)),
            }))  # fmt: skip
    return Merged(frame, diff, warnings)


def _update(base: Base, upload: gpd.GeoDataFrame, old: _Side, new: _Side, *, layer_id: str,
            column: str, label: str | None) -> Merged:
    pairs = _pairs(old, new, column)
    wanted = {new.keys[j] for j in pairs}
    repeated = _repeated([k if k in wanted else None for k in old.keys], [r.get(column) for r in old.records])
    if repeated:
        raise InputError("ingest.key_repeated_layer", key=column, n=len(repeated),
                         values=Joined(tuple(repeated[:_LIST_MAX]), "ingest.list_sep"))
    # the key matched as it is written in the layer, which keeps its spelling of it
    columns = [str(c) for c in upload.columns if c not in (upload.geometry.name, column)]
    records = [dict(r) for r in old.records]
    geoms = list(old.geoms)
    changed: list[str] = []
    moved = _moved(old, new, pairs)
    for j, i in pairs.items():
        if j in moved or _differs(old.records[i], new.records[j], columns):
            changed.append(_label_of(old.records[i], label, f"#{i + 1}"))
        records[i].update({c: new.records[j].get(c) for c in columns})
        geoms[i] = new.geoms[j]
    extra = [j for j in range(len(new.records)) if j not in pairs]
    unmatched = tuple(str(new.records[j].get(column)) for j in extra)
    added = [_label_of(new.records[j], label, f"#{j + 1}") for j in extra]
    diff = _diff(base, mode="update", layer_id=layer_id, column=column, before=len(records),
                 after=len(records) + len(extra), added=added, removed=[], changed=changed,
                 unchanged=len(records) - len(changed), unmatched=unmatched)
    frame = _stack(records + [new.records[j] for j in extra], geoms + [new.geoms[j] for j in extra],
                   _union(base.frame, upload))
    return Merged(frame, diff)
