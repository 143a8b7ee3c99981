"""Geometry step: refuse unusable coordinates, swap axes on request, keep the layer's geometry type and repair.

The checks and repairs themselves are :mod:`tbgeo.ingest.validate`'s; this step runs them on an
upload's frame and words what they did as warnings (axes swapped, other types skipped, repairs) or
refusals (other geometry types, unless the user chose to skip them).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import geopandas as gpd
import numpy as np

from tbgeo.catalog import layer_name
from tbgeo.errors import InputError
from tbgeo.geometry import (
    coordinate_problems,
    swap_axes as swapped_axes,  # the parameter below is named swap_axes
)
from tbgeo.ingest.config import IngestConfig
from tbgeo.ingest.steps import Note, StepNotes, fid_list
from tbgeo.ingest.validate import FID, GeometryReport, clean_geometries

__all__ = ["GeometryStep", "check", "check_coordinates", "non_finite_fids"]


@dataclass(kw_only=True)
class GeometryStep(StepNotes):
    """The clean frame (source CRS, target type only) and the report of what was done to it.

    ``warnings`` and ``blockers`` are about the geometry types (and swapped axes); ``repairs`` words the
    repairs and drops, which the plan lists after what the CRS and landing steps found.
    """

    frame: gpd.GeoDataFrame
    report: GeometryReport
    repairs: list[Note] = field(default_factory=list)


def non_finite_fids(frame: gpd.GeoDataFrame) -> list[int]:
    """Source FIDs of features with a non-finite (NaN, ±inf) coordinate."""
    rows = coordinate_problems(frame.geometry.values, np.inf).non_finite
    return [int(f) for f in frame[FID].to_numpy()[rows]]


def check_coordinates(frame: gpd.GeoDataFrame, config: IngestConfig) -> None:
    """Refuse vertices that are NaN or infinite, or ``max_coordinate`` or more away from 0, as read
    from the file (before any repair: GEOS and PROJ fail or give NaN on them)."""
    bad = coordinate_problems(frame.geometry.values, config.max_coordinate)
    total = len(frame)
    fids = frame[FID].to_numpy()
    if bad.non_finite:
        rows = [int(f) for f in fids[bad.non_finite]]
        raise InputError("ingest.non_finite", n=len(rows), total=total, fids=fid_list(rows))
    if bad.huge:
        rows = [int(f) for f in fids[bad.huge]]
        raise InputError(
            "ingest.coords_huge", n=len(rows), total=total, fids=fid_list(rows), limit=f"{config.max_coordinate:g}", max=f"{bad.biggest:.3g}"
        )


def _other_types(rep: GeometryReport, *, target_type: str, layer_id: str) -> dict[str, Any]:
    """Message parameters for features of another geometry type than the layer's."""
    kept = rep.features_in - len(rep.dropped_empty) - len(rep.dropped_type_fids)
    found = ", ".join(f"{k} ×{v}" for k, v in [(target_type, kept), *rep.dropped_type.items()])
    return {
        "total": rep.features_in - len(rep.dropped_empty),
        "found": found,
        "n": len(rep.dropped_type_fids),
        "others": ", ".join(rep.dropped_type),
        "layer": layer_name(layer_id),
        "expected": target_type,
        "kept": kept,
    }


def _repairs(rep: GeometryReport) -> list[Note]:
    """What the repairs did: empty and unrepairable features dropped, repaired, Z dropped, closed lines, duplicates."""
    notes: list[Note] = []
    if rep.dropped_empty:
        notes.append(("ingest.w_dropped_empty", {"n": len(rep.dropped_empty), "fids": fid_list(rep.dropped_empty)}))
    if rep.dropped_unrepairable:
        notes.append(
            ("ingest.w_unrepairable", {"n": len(rep.dropped_unrepairable), "fids": fid_list(rep.dropped_unrepairable)})
        )
    if rep.repaired:
        notes.append(("ingest.w_repaired", {"n": len(rep.repaired), "fids": fid_list([r["fid"] for r in rep.repaired])}))
    if rep.z_dropped:
        notes.append(("ingest.w_z_dropped", {"n": rep.z_dropped}))
    if rep.closed_lines:
        notes.append(("ingest.w_closed_lines", {"n": rep.closed_lines}))
    if rep.duplicates:
        notes.append(
            ("ingest.w_duplicates", {"n": len(rep.duplicates), "fids": fid_list([d["fid"] for d in rep.duplicates])})
        )
    return notes


def check(
    frame: gpd.GeoDataFrame,
    *,
    target_type: str,
    layer_id: str,
    lines_to_polygons: bool,
    skip_other_types: bool,
    swap_axes: bool,
    config: IngestConfig,
) -> GeometryStep:
    """Swap the axes (when asked), refuse unusable coordinates, then clean the geometries.

    ``skip_other_types``: features of another type than ``target_type`` are dropped with a warning
    (otherwise they block the import). ``lines_to_polygons``: closed lines become polygons (DXF).
    """
    if swap_axes:
        frame = frame.set_geometry(gpd.GeoSeries(swapped_axes(np.asarray(frame.geometry.values)), index=frame.index))
    check_coordinates(frame, config)
    clean, rep = clean_geometries(frame, target_type=target_type, layer_id=layer_id, lines_to_polygons=lines_to_polygons)
    step = GeometryStep(frame=clean, report=rep, repairs=_repairs(rep))
    if swap_axes:
        step.warnings.append(("ingest.w_axes_swapped", {}))
    if rep.dropped_type_fids:
        params = _other_types(rep, target_type=target_type, layer_id=layer_id)
        if skip_other_types:
            step.warnings.append(("ingest.w_dropped_type", params))
        else:
            step.blockers.append(("ingest.mixed_types", params))
    return step
