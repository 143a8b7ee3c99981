"""Constraints: the land a search takes out, each with its citation into the plan (or the law)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import shapely

from tbgeo.i18n import t
from tbgeo.review.rules.infrastructure import corridor_width
from tbgeo.search.grid import Grid, rasterize

if TYPE_CHECKING:
    from tbgeo.review.config import ReviewConfig
    from tbgeo.search.config import SearchConfig
    from tbgeo.search.layers import SearchLayers
    from tbgeo.search.profile import Profile

__all__ = ["CONSTRAINTS", "Constraint", "combine", "build_constraints", "cells_touched", "cells_within"]

#: id → (plan citation, law citation keys). Law keys are ``review.law.*`` or ``search.law.*`` messages.
CONSTRAINTS: dict[str, tuple[str, tuple[str, ...]]] = {
    "outside_province": ("Điều 1", ()),
    "luc": ("Điều 1, III.4; V.1.h", ("review.law.land_law_122",)),
    "water": ("Điều 1, V.1.h", ("search.law.water_2023",)),
    "town_centres": ("Điều 1, III.3", ()),
    "parks_occupied": ("Điều 1, III.4", ()),
    "outside_zones": ("Điều 1, III.4", ()),
    "gas_corridor": ("Điều 1, IV.7.c", ("review.law.decree_13_2011",)),
    "proposals": ("Điều 1, III.4", ()),
}


@dataclass(frozen=True)
class Constraint:
    """One kind of excluded land on the grid; ``active`` False when the user lifted it (LUC allowed)."""

    id: str
    mask: np.ndarray
    cell: float
    active: bool = True

    @property
    def plan_ref(self) -> str:
        return CONSTRAINTS[self.id][0]

    def citation(self, lang: str) -> str:
        return "; ".join([self.plan_ref, *(t(k, lang) for k in CONSTRAINTS[self.id][1])])

    @property
    def excluded_ha(self) -> float:
        return float(self.mask.sum()) * self.cell * self.cell / 1e4

    def to_dict(self, lang: str) -> dict[str, Any]:
        return {
            "id": self.id,
            "title": t(f"search.constraint.{self.id}", lang),
            "active": self.active,
            "excluded_ha": round(self.excluded_ha, 2),
            "citation": self.citation(lang),
            "citation_plan": self.plan_ref,
        }


def combine(constraints: list[Constraint], shape: tuple[int, int]) -> np.ndarray:
    """Cells excluded by any active constraint (pure)."""
    out = np.zeros(shape, dtype=bool)
    for c in constraints:
        if c.active:
            out |= c.mask
    return out


def cells_touched(geoms: Any, grid: Grid) -> np.ndarray:
    """Cells with any part in the geometries: centre inside, or crossed or touched by an edge."""
    return rasterize(geoms, grid, all_touched=True)


def cells_within(geoms: Any, grid: Grid) -> np.ndarray:
    """Cells wholly inside the union of the geometries: centre inside and no edge of the union
    crossing or touching the cell. Excluding the others keeps a footprint made of whole cells
    inside the union, not just its cell centres."""

    geoms = [g for g in geoms if g is not None and not g.is_empty]
    if not geoms:
        return np.zeros(grid.shape, dtype=bool)
    union = shapely.union_all(shapely.make_valid(np.asarray(geoms, dtype=object)))
    within: np.ndarray = rasterize([union], grid) & ~rasterize([union.boundary], grid, all_touched=True)
    return within


def build_constraints(
    layers: SearchLayers,
    grid: Grid,
    profile: Profile,
    landuse: dict[str, np.ndarray],
    cfg: SearchConfig,
    review_cfg: ReviewConfig,
) -> list[Constraint]:
    """Every constraint of the model on ``grid`` (IO-free: the layers are frames already read).

    A cell is excluded when any part of it is excluded land (or outside the land that is required):
    a footprint of whole cells then holds no excluded land, not just no excluded cell centre."""


    ctx = layers.context
    cell = grid.cell
    out: list[Constraint] = []
    province = ctx.province
    inside = cells_within([province], grid) if province is not None else np.zeros(grid.shape, dtype=bool)
    out.append(Constraint("outside_province", ~inside, cell))
    out.append(Constraint("luc", landuse["luc"], cell, active=not profile.allow_luc))
    water = landuse["water"].copy()
    rivers = layers.rivers
    if not rivers.empty:
        widths = rivers.get(cfg.river_width_field)
        halves = [max(float(w) / 2.0, 0.0) if w is not None and w == w else 0.0
                  for w in (widths if widths is not None else [0.0] * len(rivers))]
        water |= cells_touched(shapely.buffer(rivers.geometry.values, halves), grid)
    out.append(Constraint("water", water, cell))
    out.append(Constraint("town_centres", landuse["town"], cell))
    parks = ctx.parks
    occupied = parks[parks["status"].isin(cfg.occupied_park_statuses)] if not parks.empty else parks
    out.append(Constraint("parks_occupied", cells_touched(occupied.geometry.values, grid), cell))
    if profile.zone == "inside":
        zones = parks[parks["kind"].isin(("park", "cluster", "agri_park"))] if not parks.empty else parks
        out.append(Constraint("outside_zones", ~cells_within(zones.geometry.values, grid), cell))
    pipes = ctx.gas_pipelines
    if not pipes.empty:
        pipes = pipes[pipes["status"].isin(review_cfg.gas.corridor_statuses)]
        # widened by half a cell: a footprint's edge on a grid line never touches the corridor itself
        widths = [corridor_width(p, review_cfg) + cell / 2.0 for p in pipes["pressure"]]
        corridor = shapely.buffer(pipes.geometry.values, widths)
        out.append(Constraint("gas_corridor", rasterize(corridor, grid, all_touched=True), cell))
    else:
        out.append(Constraint("gas_corridor", np.zeros(grid.shape, dtype=bool), cell))
    props = ctx.proposals
    taken = props[props["status"].isin(cfg.proposal_statuses)] if not props.empty else props
    taken_geoms = shapely.buffer(taken.geometry.values, cell / 2.0) if len(taken) else taken.geometry.values
    out.append(Constraint("proposals", rasterize(taken_geoms, grid, all_touched=True), cell))
    return out
