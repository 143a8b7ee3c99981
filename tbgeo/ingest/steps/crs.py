"""CRS step: decide the upload's coordinate system (user's, declared or guessed) and project it to EPSG:9209.

Identification and guessing are :mod:`tbgeo.crs`'s; this step chooses between the user's ``--crs``,
the file's declaration (kept as written with ``--crs prj``) and a guess from the coordinate ranges,
and refuses a CRS that needs confirmation or gives unusable (non-degree or non-finite) coordinates.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import geopandas as gpd
from pyproj import CRS

from tbgeo.crs import WORK_CRS, detect as crsdetect, guess as crsguess
from tbgeo.errors import CRSError
from tbgeo.ingest.steps import StepNotes, fid_list
from tbgeo.ingest.steps.geometry import non_finite_fids
from tbgeo.ingest.steps.source import SourceData
from tbgeo.safetext import library_detail

__all__ = ["KEEP_DECLARED", "CRSStep", "apply", "resolve"]

#: ``--crs prj``: take the file's declared CRS at face value (e.g. a TM-3 on WGS 84 that really is WGS 84).
KEEP_DECLARED = ("prj", "asis", "declared")


@dataclass(kw_only=True)
class CRSStep(StepNotes):
    """The CRS decided, the frame projected to EPSG:9209, and whether its coordinates can be used."""

    detection: crsdetect.CRSDetection
    frame: gpd.GeoDataFrame
    usable: bool


def _bounds_params(bounds: tuple[float, ...]) -> dict[str, float]:
    """A frame's bounds as message parameters (xmin, ymin, xmax, ymax)."""
    return {k: float(v) for k, v in zip(("xmin", "ymin", "xmax", "ymax"), bounds)}


def _keep_declared(src: SourceData) -> crsdetect.CRSDetection:
    """``--crs prj``: the declared definition taken literally, without the fix tbgeo would offer."""
    if not src.declared_crs:
        raise CRSError("ingest.crs_nothing_declared")
    det = crsdetect.identify(src.declared_crs, origin=src.crs_origin)
    if det.needs_confirmation:  # keep the declared definition literally, without the offered fix
        det.epsg = CRS.from_user_input(src.declared_crs).to_epsg(min_confidence=100)
        det.wkt = None if det.epsg else CRS.from_user_input(src.declared_crs).to_wkt()
        det.needs_confirmation = False
        det.problem = None
        det.warnings.append(("ingest.w_kept_declared", {"name": det.declared_name or "—"}))
    det.source = "user"
    return det


def _chosen(src: SourceData, crs: str | int) -> crsdetect.CRSDetection:
    """The user's CRS, with a warning when it overrides a different declared one."""
    det = crsdetect.user_crs(crs)
    if src.declared_crs:
        declared = crsdetect.identify(src.declared_crs, origin=src.crs_origin)
        det.declared_name = declared.declared_name
        if declared.epsg != det.epsg:
            det.warnings.append(
                ("ingest.w_crs_overridden", {"declared": declared.detected, "chosen": crsdetect.crs_label(det.epsg)})
            )
    return det


def _declared(src: SourceData, declared_crs: str, bounds: tuple[float, ...], province: Any, near_km: float) -> crsdetect.CRSDetection:
    """The declared CRS, or a guess when it says degrees for numbers that are not degrees."""
    origin = src.crs_origin
    det = crsdetect.identify(declared_crs, origin=origin)
    if not (det.crs.is_geographic and not crsguess.is_degrees(bounds)):
        return det
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


def resolve(src: SourceData, crs: str | int | None, bounds: tuple[float, ...], province: Any, near_km: float) -> crsdetect.CRSDetection:
    """The CRS of the upload: ``crs`` (the user's; ``KEEP_DECLARED`` for the file's as written), else the
    declared one, else a guess from the coordinate ranges ``bounds``."""
    if crs is not None and str(crs).strip().lower() in KEEP_DECLARED:
        return _keep_declared(src)
    if crs is not None:
        return _chosen(src, crs)
    if src.declared_crs:
        return _declared(src, src.declared_crs, bounds, province, near_km)
    return crsguess.guess(tuple(bounds), province=province, near_km=near_km)  # type: ignore[arg-type]  # (as above)


def apply(src: SourceData, clean: gpd.GeoDataFrame, *, crs: str | int | None, province: Any, near_km: float) -> CRSStep:
    """Decide the CRS of ``clean`` (the upload's clean frame) and project it to EPSG:9209.

    Refuses (blocker) a CRS that needs confirmation, one in degrees for numbers that are not degrees,
    and one that gives non-finite coordinates; raises CRSError when the transformation itself fails.
    """
    bounds = tuple(float(v) for v in clean.total_bounds)
    det = resolve(src, crs, bounds, province, near_km)
    step = CRSStep(detection=det, frame=clean, usable=True, warnings=list(det.warnings))
    if det.needs_confirmation and det.problem:
        step.blockers.append(det.problem)
    label = crsdetect.crs_label(det.epsg) if det.epsg else det.detected
    if det.crs.is_geographic and not crsguess.is_degrees(bounds):
        # the user chose (or kept) a CRS in degrees for numbers that are not degrees
        step.blockers.append(("ingest.crs_not_degrees", {"crs": label, **_bounds_params(bounds)}))
        step.usable = False
    try:
        step.frame = gpd.GeoDataFrame(clean, geometry=clean.geometry.name, crs=det.crs).to_crs(WORK_CRS)
    except Exception as exc:
        raise CRSError("ingest.crs_transform_failed", crs=label, detail=library_detail(exc)) from exc
    bad = non_finite_fids(step.frame)
    if bad and step.usable:
        step.blockers.append(
            ("ingest.crs_non_finite", {"n": len(bad), "total": len(step.frame), "fids": fid_list(bad), "crs": label})
        )
    step.usable = step.usable and not bad
    return step
