"""The upload pipeline: plan an import (read and check, nothing written), then commit it as a layer version.

A plan is the sequence of the steps in :mod:`tbgeo.ingest.steps`: the source is read (``read_source``),
then its text is decided (encoding), its geometries checked and repaired, its CRS decided and applied,
where it lands located, and the target layer's needs checked (``build_plan``). Each step returns its
result with its warnings and blockers; this module only sequences them into an ``ImportPlan``.
``compose`` then maps the columns, matches the class field to the layer's classes and combines the
upload with the layer's current features as the plan's mode says (:mod:`tbgeo.ingest.merge`: replace,
append, update), with the difference it makes; ``commit_import`` stores that as a new version.
"""

from __future__ import annotations

import contextlib
from collections import Counter
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import geopandas as gpd

from tbgeo.auth import Identity, acting, require
from tbgeo.catalog import layer_name, titled
from tbgeo.crs import detect as crsdetect, guess as crsguess
from tbgeo.errors import ConflictError, CRSError, InputError, TbgeoError
from tbgeo.i18n.params import dump_param
from tbgeo.ingest import encoding as enc, merge
from tbgeo.ingest.config import IngestConfig, load_config
from tbgeo.ingest.messages import render_messages
from tbgeo.ingest.steps import (
    Note,
    classes as classes_step,
    crs as crs_step,
    encoding as text_step,
    fid_list,
    geometry as geometry_step,
    landing as landing_step,
    source as source_step,
    target as target_step,
)
from tbgeo.ingest.steps.source import SourceData
from tbgeo.ingest.validate import FID, GeometryReport, TargetField, apply_mapping
from tbgeo.safetext import library_detail
from tbgeo.store import LayerVersion, Store, open_store

__all__ = [
    "ImportPlan",
    "ImportResult",
    "Composition",
    "compose",
    "read_source",
    "build_plan",
    "plan_import",
    "commit_import",
    "source_layers",
    "OVERRIDABLE",
]

#: Refusals that ``insist`` overrides (everything else must be resolved: CRS, mixed types, bad coordinates).
OVERRIDABLE = ("ingest.landed_outside",)


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
    warnings: list[Note] = field(default_factory=list)
    blockers: list[Note] = field(default_factory=list)
    encoding_user: bool = False
    skip_other_types: bool = False
    swap_axes: bool = False
    #: how the upload combines with the layer's current features (tbgeo.ingest.merge.MODES) and by which key
    mode: str = "replace"
    key: str | None = None

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

    def blocking(self, *, insist: bool = False) -> list[Note]:
        """The refusals still standing (``insist`` overrides those in OVERRIDABLE)."""
        return [(k, p) for k, p in self.blockers if not (insist and k in OVERRIDABLE)]

    def overridden(self, *, insist: bool = False) -> list[Note]:
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
            "warnings": _stored(self.warnings),
            "mode": self.mode,
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
            "mode": self.mode,
            "key": self.key,
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
class Composition:
    """An upload made ready to store: the layer's features after the import (EPSG:9209), the difference
    it makes, the column map used and the warnings (the plan's, with the class notes of this map)."""

    frame: gpd.GeoDataFrame
    diff: merge.ImportDiff
    mapping: dict[str, str | None]
    warnings: list[Note]
    classes: dict[str, Any]

    def to_dict(self, lang: str = "vi") -> dict[str, Any]:
        """What ``tbgeo import`` adds to the plan's summary: mode, difference, the words for both."""
        return {
            "mode": self.diff.mode,
            "key": self.diff.key,
            "column_map": self.mapping,
            "diff": self.diff.to_dict(),
            "diff_text": render_messages(self.diff.notes(), lang),
            "classes": self.classes,
            "warnings": render_messages(self.warnings, lang),
            "warning_codes": [k for k, _ in self.warnings],
        }


@dataclass
class ImportResult:
    """A committed import: the plan, the stored version and what the import did to the layer."""

    plan: ImportPlan
    version: LayerVersion
    insisted: bool = False
    composition: Composition | None = None

    def to_dict(self, lang: str = "vi") -> dict[str, Any]:
        out = self.plan.to_dict(lang, version=self.version.version, insist=self.insisted)
        if self.composition is not None:
            out.update(self.composition.to_dict(lang))
        out["column_map"] = self.version.details.get("column_map", self.plan.mapping)
        out["active"] = self.version.active
        out["features"] = self.version.features
        return out


def _stored(notes: list[Note]) -> list[dict[str, Any]]:
    """Notes as a version's details keep them: JSON, typed parameters tagged (``dump_param``)."""
    return [{"code": k, "params": {name: dump_param(v) for name, v in p.items()}} for k, p in notes]


@contextlib.contextmanager
def _no_traceback(name: str) -> Iterator[None]:
    """A failure no check foresaw, while reading or planning a user's file, as a message (never a traceback)."""
    try:
        yield
    except TbgeoError:
        raise
    except Exception as exc:
        raise InputError("ingest.plan_failed", name=name, detail=library_detail(exc)) from exc


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
        return source_step.read(
            Path(path), source_layer=source_layer, display_name=display_name, config=config or load_config()
        )


def source_layers(path: Path | str, *, config: IngestConfig | None = None) -> list[str]:
    """The datasets/layers an upload holds (to let the user pick one); refuses unsafe files like read_source."""
    return source_step.labels(Path(path), config=config or load_config())


def build_plan(
    src: SourceData,
    *,
    layer_id: str,
    crs: str | int | None = None,
    encoding: str | Mapping[str, str] | None = None,
    skip_other_types: bool = False,
    swap_axes: bool = False,
    mode: str = "replace",
    key: str | None = None,
    config: IngestConfig | None = None,
) -> ImportPlan:
    """Decide encoding, geometry repairs, CRS, landing and column mapping for a read upload.

    ``skip_other_types``: import only the features of the layer's geometry type (otherwise a file with
    other types is refused). ``swap_axes``: exchange x and y first (latitude/longitude written in the
    wrong order, or X = northing as in Vietnamese survey practice). ``mode`` (replace, append, update)
    and ``key`` (the column an update matches features by): see :mod:`tbgeo.ingest.merge`.
    """
    merge.check_mode(mode)
    with _no_traceback(src.name):
        plan = _build_plan(
            src, layer_id=layer_id, crs=crs, encoding=encoding, skip_other_types=skip_other_types,
            swap_axes=swap_axes, config=config or load_config(),
        )  # fmt: skip
    plan.mode, plan.key = mode, (key or None)
    return plan


def _build_plan(
    src: SourceData,
    *,
    layer_id: str,
    crs: str | int | None,
    encoding: str | Mapping[str, str] | None,
    skip_other_types: bool,
    swap_axes: bool,
    config: IngestConfig,
) -> ImportPlan:
    """The steps in order; each may refuse outright (raise) or leave warnings and blockers."""
    layer = target_step.target_layer(layer_id)
    target_type = layer.geometry_type or "Polygon"
    text = text_step.decide(src, encoding)
    geo = geometry_step.check(
        text.frame, target_type=target_type, layer_id=layer_id, lines_to_polygons=src.kind == "dxf",
        skip_other_types=skip_other_types, swap_axes=swap_axes, config=config,
    )  # fmt: skip
    province = landing_step.province_outline()
    projected = crs_step.apply(src, geo.frame, crs=crs, province=province, near_km=config.near_km)
    work = projected.frame
    place = landing_step.locate(work, projected.detection, usable=projected.usable, province=province, config=config)
    fitted = target_step.fit(layer, work, layer_id=layer_id, target_type=target_type, usable=projected.usable)
    classified = classes_step.preview(layer, work, fitted.mapping)
    # the order in which the messages are shown and stored
    warnings = [*src.warnings, *geo.warnings, *projected.warnings, *place.warnings, *geo.repairs, *text.warnings,
                *classified.warnings]
    blockers = [*geo.blockers, *projected.blockers, *place.blockers, *fitted.blockers]
    return ImportPlan(
        source=src,
        layer_id=layer_id,
        target_type=target_type,
        fields=fitted.fields,
        crs=projected.detection,
        columns=text.columns,
        names=text.names,
        renamed=text.renamed,
        preview=text.preview,
        geometry=geo.report,
        frame=work,
        outside=place.outside,
        landing=place.landing,
        bounds_wgs84=place.bounds_wgs84,
        mapping=fitted.mapping,
        warnings=warnings,
        blockers=blockers,
        encoding_user=encoding is not None,
        skip_other_types=skip_other_types,
        swap_axes=swap_axes,
    )


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
    mode: str = "replace",
    key: str | None = None,
    config: IngestConfig | None = None,
) -> ImportPlan:
    """Read ``path`` and decide everything about importing it into ``layer_id`` by ``mode`` (replace,
    append or update by ``key``); writes nothing."""
    merge.check_mode(mode)
    config = config or load_config()
    src = read_source(path, source_layer=source_layer, display_name=display_name, config=config)
    return build_plan(
        src,
        layer_id=layer_id,
        crs=crs,
        encoding=encoding,
        skip_other_types=skip_other_types,
        swap_axes=swap_axes,
        mode=mode,
        key=key,
        config=config,
    )


# --------------------------------------------------------------------------------------------
# Committing
# --------------------------------------------------------------------------------------------


def _final_mapping(plan: ImportPlan, column_map: Mapping[str, str | None] | None) -> dict[str, str | None]:
    """The plan's suggested column map with the user's choices (target field → source column or None)."""
    mapping = dict(plan.mapping)
    known = {f.name for f in plan.fields}
    for target, col in (column_map or {}).items():
        if target not in known:
            raise InputError("ingest.bad_target_field", field=target, fields=", ".join(sorted(known)))
        mapping[target] = col or None
    return mapping


def compose(
    plan: ImportPlan, *, column_map: Mapping[str, str | None] | None = None, workspace: Store | None = None
) -> Composition:
    """The layer as the import would make it, and the difference, from the plan, the user's column map
    and the layer's current features in ``workspace``; writes nothing.

    Refuses (InputError) what the plan's mode cannot do: an update without a usable key column, a
    feature of the file without a key, a key repeated (see :func:`tbgeo.ingest.merge.combine`)."""
    mapping = _final_mapping(plan, column_map)
    layer = target_step.target_layer(plan.layer_id)
    with _no_traceback(plan.source.name):
        out = apply_mapping(plan.frame.drop(columns=[FID]), mapping, plan.fields)
        out = out.rename(columns={c: f"{c}_src" for c in out.columns if str(c).lower() == "fid"})
        classified = classes_step.apply(layer, out)
        base = merge.current_features(layer, workspace or open_store(create=False))
        merged = merge.combine(base, out, layer_id=plan.layer_id, mode=plan.mode, key=plan.key,
                               label=layer.label_field, mapping=mapping)
    plan_notes = [n for n in plan.warnings if not n[0].startswith(classes_step.PREFIX)]
    return Composition(frame=merged.frame, diff=merged.diff, mapping=mapping,
                       warnings=[*plan_notes, *classified.warnings, *merged.warnings], classes=classified.to_dict())


def commit_import(
    plan: ImportPlan,
    *,
    actor: Identity | None = None,
    column_map: Mapping[str, str | None] | None = None,
    insist: bool = False,
    activate: bool = True,
    workspace: Store | None = None,
    confirm_removal: bool = False,
    expected: merge.ImportDiff | None = None,
) -> ImportResult:
    """Store the layer as the plan's mode makes it (:func:`compose`) as a new version (active by default),
    made by ``actor`` (who acts from the command line by default), whose roles must allow imports.

    Refuses (InputError, nothing written) while the CRS awaits confirmation or gives unusable (non-finite)
    coordinates, while the file holds other geometry types and ``skip_other_types`` was not chosen, or
    when the data landed outside Vietnam and ``insist`` is False (``insist`` overrides nothing else); a
    replace that removes features of the layer unless ``confirm_removal``; and (ConflictError) when the
    difference is no longer ``expected``, the one the user confirmed (the layer changed meanwhile).
    ``column_map`` (target field → source column or None) overrides the suggested mapping.
    """
    actor = actor or acting(workspace or open_store(create=False))
    require(actor, "layer.import")
    for key, params in plan.blocking(insist=insist):
        if key.startswith("ingest.crs"):
            raise CRSError(key, **params)
        raise InputError(key, **params)
    bad = geometry_step.non_finite_fids(plan.frame)
    if bad:  # never store NaN/inf coordinates, whatever the plan says
        label = crsdetect.crs_label(plan.crs.epsg) if plan.crs.epsg else plan.crs.detected
        raise CRSError("ingest.crs_non_finite", n=len(bad), total=len(plan.frame), fids=fid_list(bad), crs=label)
    for attempt in range(_RETRIES):
        composed = compose(plan, column_map=column_map, workspace=workspace)
        _check_confirmed(composed.diff, confirm_removal=confirm_removal, expected=expected)
        try:  # the store is made only now, when there is something to write
            version = _write(plan, composed, workspace or open_store(), actor=actor, insist=insist, activate=activate,
                             check_base=expected is not None or plan.mode != "replace")
            break
        except ConflictError as exc:
            # another import or a rollback landed between reading the layer and writing: a difference
            # the user saw is refused (they confirm the new one); a command's import is composed again
            if expected is not None or exc.key != "store.layer_moved" or attempt == _RETRIES - 1:
                raise titled(exc) from None
    return ImportResult(plan=plan, version=version, insisted=bool(version.details["insisted"]), composition=composed)


#: Times a command's append or update is composed again when another import lands meanwhile.
_RETRIES = 3


def _write(plan: ImportPlan, composed: Composition, ws: Store, *, actor: Identity, insist: bool, activate: bool,
           check_base: bool) -> LayerVersion:
    """The composed layer as a new version, refused by the store (in the same change as the write)
    when ``check_base`` and the layer's active version is no longer the one it was composed on."""
    details = plan.details()
    details["column_map"] = composed.mapping
    overridden = plan.overridden(insist=insist)
    details["insisted"] = bool(overridden)
    details["overridden"] = _stored(overridden)
    details["diff"] = composed.diff.to_dict()
    details["classes"] = composed.classes
    details["warnings"] = _stored(composed.warnings)
    base = composed.diff.base_version if composed.diff.base == "version" else 0  # 0: no stored version active
    return ws.add_layer_version(
        plan.layer_id,
        composed.frame,
        source_name=plan.source.name,
        sha256=plan.source.sha256,
        user=actor.name,
        details=details,
        activate=activate,
        expected_active=base if check_base else None,
    )


def _check_confirmed(diff: merge.ImportDiff, *, confirm_removal: bool, expected: merge.ImportDiff | None) -> None:
    """Refuse a difference the user has not seen (the layer changed meanwhile), or a replace that
    removes features without their explicit confirmation."""
    if expected is not None and not diff.same_as(expected):
        raise ConflictError("ingest.diff_stale", layer=layer_name(diff.layer), before=diff.before, after=diff.after,
                            shown_before=expected.before, shown_after=expected.after)
    if diff.needs_confirmation and not confirm_removal:
        raise diff.unconfirmed()

