"""Landing step: where the projected data lands (province, elsewhere in Vietnam, abroad) and its WGS 84 extent.

Data that lands abroad is refused (the CRS is most likely wrong; ``insist`` overrides it), data that
lands elsewhere in Vietnam is a warning, and so are single features outside the province.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import geopandas as gpd
import shapely

from tbgeo.catalog import load_catalog
from tbgeo.crs import WORK_CRS, detect as crsdetect, guess as crsguess, transformer
from tbgeo.errors import TbgeoError
from tbgeo.i18n.params import Joined, Num, Template, Text
from tbgeo.ingest.config import IngestConfig
from tbgeo.ingest.steps import Note, StepNotes, fid_list
from tbgeo.ingest.validate import FID, flag_outside

__all__ = ["LandingStep", "locate", "province_outline"]

#: Up to this many features, the WGS 84 extent is that of the projected features themselves.
_EXACT_BOUNDS_MAX = 5000


@dataclass(kw_only=True)
class LandingStep(StepNotes):
    """Where the data lands, the source FIDs of features outside the province, and the WGS 84 extent."""

    landing: crsguess.FeatureLanding
    outside: list[int] = field(default_factory=list)
    bounds_wgs84: list[float] = field(default_factory=list)


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


def _outside_notes(land: crsguess.FeatureLanding, outside: list[int], total: int, config: IngestConfig) -> list[Note]:
    """Warnings for features outside the province when the data as a whole lands in it."""
    if not (outside and land.where == "province"):
        return []
    notes: list[Note] = [("ingest.w_outside_features", {"n": len(outside), "fids": fid_list(outside)})]
    if land.strays:
        in_vietnam = len(land.stray_fids.get("vietnam", []))
        abroad = len(land.stray_fids.get("outside", []))
        notes.append(
            (
                "ingest.w_stray_features",
                {
                    "n": in_vietnam + abroad,
                    "total": total,
                    "in_vietnam": in_vietnam,
                    "abroad": abroad,
                    "near": float(config.near_km),
                    "places": _stray_places(land.strays[:5], more=len(land.strays) > 5),
                },
            )
        )
    return notes


def _bounds_wgs84(work: gpd.GeoDataFrame) -> list[float]:
    """The extent of ``work`` (EPSG:9209) in WGS 84, rounded to 7 decimals."""
    xmin, ymin, xmax, ymax = work.total_bounds
    to_wgs = transformer("EPSG:9209", "EPSG:4326")
    if len(work) <= _EXACT_BOUNDS_MAX:
        b = work.to_crs(4326).total_bounds
    else:  # the frame's extent, densified, is enough for a large file
        b = to_wgs.transform_bounds(xmin, ymin, xmax, ymax, densify_pts=50)
    return [round(float(v), 7) for v in b]


def locate(
    work: gpd.GeoDataFrame,
    det: crsdetect.CRSDetection,
    *,
    usable: bool,
    province: Any,
    config: IngestConfig,
) -> LandingStep:
    """Where ``work`` (projected to EPSG:9209 with ``det``) lands; nothing is located when its
    coordinates are not ``usable`` (every feature then counts as outside)."""
    if not usable:  # nowhere: no landing, no extent, and every feature counts as outside
        return LandingStep(landing=_no_landing(), outside=[int(f) for f in work[FID].to_numpy()])
    land = crsguess.landing_features(work.geometry.values, work[FID].to_numpy(), province=province, near_km=config.near_km)
    step = LandingStep(landing=land)
    lkw = _landing_params(land, det, len(work))
    if land.where == "vietnam":
        step.warnings.append(("ingest.w_landed_elsewhere", lkw))
    elif land.where == "outside":
        step.blockers.append(("ingest.landed_outside", lkw))
    outside_mask = flag_outside(work.geometry.values, province, tolerance_m=config.outside_tolerance_m)
    step.outside = [int(f) for f in work[FID].to_numpy()[outside_mask]]
    step.warnings.extend(_outside_notes(land, step.outside, len(work), config))
    step.bounds_wgs84 = _bounds_wgs84(work)
    return step


def province_outline() -> Any:
    """Thái Bình in EPSG:9209: the union of the catalog's districts layer (shipped or imported), or the
    province's extent box when that layer cannot be read."""

    try:
        gdf = load_catalog(check_data=False).get("districts").read(crs=WORK_CRS)
    except (TbgeoError, OSError, ValueError):  # a broken districts layer: the box, never a failed import
        return crsguess.province_box()
    if not len(gdf):
        return crsguess.province_box()
    return shapely.union_all(shapely.make_valid(gdf.geometry.values))
