"""Gas rules: distance to the pipeline and gas centre for gas users; the pipeline safety corridor."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import shapely

from tbgeo.i18n.params import Num, Text
from tbgeo.review.model import Facts, SiteFinding
from tbgeo.review.rules import rule

if TYPE_CHECKING:
    import geopandas as gpd
    from shapely.geometry.base import BaseGeometry

    from tbgeo.review.config import ReviewConfig
    from tbgeo.review.context import ReviewContext

__all__ = ["gas_distance", "gas_corridor", "corridor_width"]


def _nearest(geom: BaseGeometry, frame: gpd.GeoDataFrame) -> tuple[int, float] | None:
    """Row position and distance (m) of the feature of ``frame`` nearest to ``geom``."""
    if frame.empty:
        return None
    dists = shapely.distance(frame.geometry.values, geom)
    i = int(np.argmin(dists))
    return i, float(dists[i])


@rule("gas_distance", plan_ref="Điều 1, IV.7.a; IV.7.c")
def gas_distance(facts: Facts, ctx: ReviewContext, cfg: ReviewConfig) -> SiteFinding:
    """For gas-using projects: distance to the nearest gas pipeline and to the gas centre."""
    plan = "Điều 1, IV.7.a; IV.7.c"
    if not facts.uses_gas:
        return SiteFinding(
            rule="gas_distance", severity="ok", value=None, unit="km", plan_ref=plan,
            message="not_applicable",
        )
    if ctx.gas_pipelines.empty:
        return SiteFinding(
            rule="gas_distance", severity="info", value=None, unit="km", plan_ref=plan, message="no_data",
        )
    pipe = _nearest(facts.geometry, ctx.gas_pipelines)
    assert pipe is not None
    centres = ctx.energy_sites[ctx.energy_sites["kind"].isin(cfg.gas.centre_kinds)].reset_index(drop=True)
    centre = _nearest(facts.geometry, centres)
    prow = ctx.gas_pipelines.iloc[pipe[0]]
    params = {
        "pipe_km": round(pipe[1] / 1000.0, 2),
        "pipe_name": str(prow["name"]),
        "pipe_status": Text(f"review.gas_status.{prow['status']}", str(prow["status"])),
    }
    details = {"pipeline": {"name": prow["name"], "status": prow["status"], "distance_m": round(pipe[1], 1)}}
    key = "distance"
    if centre is not None:
        crow = centres.iloc[centre[0]]
        params |= {"centre_km": round(centre[1] / 1000.0, 2), "centre_name": str(crow["name"])}
        details["centre"] = {"name": crow["name"], "kind": crow["kind"], "distance_m": round(centre[1], 1)}
        key = "distance_centre"
    return SiteFinding(
        rule="gas_distance", severity="info", value=round(pipe[1] / 1000.0, 3), unit="km", plan_ref=plan,
        message=key, params=params, details=details,
    )


def corridor_width(pressure: object, cfg: ReviewConfig) -> float:
    """Half-width (m) of the safety corridor of a pipeline of this pressure."""
    return cfg.gas.corridor_low_m if str(pressure).lower() == "low" else cfg.gas.corridor_high_m


@rule("gas_corridor", plan_ref="Điều 1, IV.7.c", law_refs=("decree_13_2011",))
def gas_corridor(facts: Facts, ctx: ReviewContext, cfg: ReviewConfig) -> SiteFinding:
    """Block a site that reaches into a gas pipeline's safety corridor (width from the config)."""
    plan, law = "Điều 1, IV.7.c", ("decree_13_2011",)
    pipes = ctx.gas_pipelines
    if not ctx.has("gas_pipelines") or pipes.empty:
        return SiteFinding(
            rule="gas_corridor", severity="info", value=None, unit="m", plan_ref=plan, message="no_data",
            law_refs=law,
        )
    pipes = pipes[pipes["status"].isin(cfg.gas.corridor_statuses)].reset_index(drop=True)
    if pipes.empty:
        return SiteFinding(
            rule="gas_corridor", severity="ok", value=None, unit="m", plan_ref=plan, message="clear_none",
            law_refs=law,
        )
    dists = shapely.distance(pipes.geometry.values, facts.geometry)
    widths = np.array([corridor_width(p, cfg) for p in pipes["pressure"]])
    inside = np.flatnonzero(dists < widths)
    i_min = int(np.argmin(dists))
    if inside.size:
        j = int(inside[np.argmin(dists[inside])])
        row = pipes.iloc[j]
        params = {"name": str(row["name"]), "dist": Num(float(dists[j]), 0), "width": Num(float(widths[j]), 0)}
        details = {
            "pipelines": [
                {"name": pipes.iloc[k]["name"], "distance_m": round(float(dists[k]), 1), "corridor_m": float(widths[k])}
                for k in inside
            ]
        }
        return SiteFinding(
            rule="gas_corridor", severity="block", value=round(float(dists[j]), 1), unit="m", plan_ref=plan,
            message="inside", params=params, law_refs=law, details=details,
        )
    row = pipes.iloc[i_min]
    params = {"name": str(row["name"]), "dist": Num(float(dists[i_min]), 0), "width": Num(float(widths[i_min]), 0)}
    return SiteFinding(
        rule="gas_corridor", severity="ok", value=round(float(dists[i_min]), 1), unit="m", plan_ref=plan,
        message="clear", params=params, law_refs=law,
    )
