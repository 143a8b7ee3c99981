"""The project profile of a search (sector, area, shape, gas, workforce, technology, zone) and the
part of the plan it selects: refused, or the sector kind whose constraints and weights apply."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from tbgeo.errors import InputError, Num
from tbgeo.review.model import TECHNOLOGY_LEVELS

__all__ = ["SHAPES", "ZONE_MODES", "Profile", "SectorPlan", "plan_for", "window_shapes", "LABOUR_HEAVY_WORKERS"]

SHAPES = ("square", "ratio", "free")
#: ``inside``: the project must go into a park or cluster (III.4); ``any``: it may go outside.
ZONE_MODES = ("any", "inside")
#: Default of the review's ``zoning.labour_heavy_workers`` (config/review.toml), which the search passes.
LABOUR_HEAVY_WORKERS = 500
#: Ratios (long side / short side) tried for a "free" shape, both ways round.
FREE_RATIOS = (1.0, 2.0)
_MAX_AREA_HA = 5000.0


@dataclass(frozen=True)
class Profile:
    """What the investor asks for."""

    sector: str
    area_ha: float
    shape: str = "square"
    #: Width / height (east–west / north–south) for ``shape="ratio"``.
    ratio: float = 1.0
    gas: bool = False
    workforce: int | None = None
    technology: str | None = None
    zone: str = "any"
    #: Allow specialised rice land (LUC) — normally out.
    allow_luc: bool = False
    name: str = ""

    def check(self) -> None:
        """InputError saying what is wrong (area, shape, ratio, workforce, technology, zone)."""
        if not isinstance(self.area_ha, int | float) or not math.isfinite(self.area_ha) or self.area_ha <= 0:
            raise InputError("search.input.area", value=str(self.area_ha))
        if self.area_ha > _MAX_AREA_HA:
            big = float(self.area_ha)  # a typo of many digits is shown short, not as a 300-digit number
            raise InputError("search.input.area_large", value=Num(big, 1) if big < 1e9 else f"{big:.3g}",
                             max=Num(_MAX_AREA_HA, 0))
        if self.shape not in SHAPES:
            raise InputError("search.input.shape", value=self.shape, allowed=", ".join(SHAPES))
        if self.shape == "ratio" and (not math.isfinite(self.ratio) or not 0.1 <= self.ratio <= 10):
            raise InputError("search.input.ratio", value=str(self.ratio))
        if self.workforce is not None and self.workforce < 0:
            raise InputError("search.input.workforce", value=str(self.workforce))
        if self.technology is not None and self.technology not in TECHNOLOGY_LEVELS:
            raise InputError("search.input.technology", value=self.technology, allowed=", ".join(TECHNOLOGY_LEVELS))
        if self.zone not in ZONE_MODES:
            raise InputError("search.input.zone", value=self.zone, allowed=", ".join(ZONE_MODES))

    def to_dict(self) -> dict[str, Any]:
        return {
            "sector": self.sector, "area_ha": self.area_ha, "shape": self.shape, "ratio": self.ratio,
            "gas": self.gas, "workforce": self.workforce, "technology": self.technology, "zone": self.zone,
            "allow_luc": self.allow_luc, "name": self.name,
        }


@dataclass(frozen=True)
class SectorPlan:
    """What the plan says for this profile: refused (with its citation) or a kind of sector."""

    sector: Any
    kind: str | None
    #: Why this kind, as a message key under ``search.kind_why.`` and the plan's citation.
    reason: str
    citation: str
    uses_gas: bool

    @property
    def refused(self) -> bool:
        return self.kind is None

    #: Zone layers that the zone factor measures the distance to, per kind.
    ZONE_LAYERS = {
        "coastal": ("economic_zone",),
        "high_tech": ("industrial_parks",),
        "labour": ("industrial_clusters",),
        "agro": ("agri_park", "raw_material_zones"),
        "general": ("industrial_parks", "industrial_clusters"),
    }

    @property
    def zone_layers(self) -> tuple[str, ...]:
        return self.ZONE_LAYERS.get(self.kind or "", ())


def plan_for(profile: Profile, sector: Any, *, refused_codes: tuple[str, ...] = (),
             labour_heavy_workers: int = LABOUR_HEAVY_WORKERS) -> SectorPlan:
    """The sector's kind (pure). Refused sectors (status ``refused`` or a local refusal in the review's
    ``sector.refused_codes``) get no kind; then, in this order: polluting or energy → ``coastal``
    (III.3, III.4: toward the sea); agro-food → ``agro`` (IV.6.a, IV.6.c); labour-heavy (stated workforce ≥
    ``labour_heavy_workers``, the review's ``zoning.labour_heavy_workers``, else the sector's flag) and not high-tech → ``labour`` (III.3: rural clusters); high-tech → ``high_tech``
    (III.3 city parks, III.4 inner fields); otherwise ``general`` (III.4)."""
    uses_gas = bool(profile.gas or sector.uses_gas)
    if sector.status == "refused" or sector.code in refused_codes:
        cite = sector.citation if sector.status == "refused" else "Điều 1, III.4"
        return SectorPlan(sector, None, "refused", cite, uses_gas)
    labour = profile.workforce >= labour_heavy_workers if profile.workforce is not None else sector.labour_intensive
    high_tech = profile.technology == "high" or (sector.high_tech and profile.technology in (None, "high", "advanced"))
    if sector.polluting or sector.plan_sector == "energy":
        return SectorPlan(sector, "coastal", "coastal", "Điều 1, III.3; III.4", uses_gas)
    if sector.plan_sector == "agro_food":
        return SectorPlan(sector, "agro", "agro", "Điều 1, IV.6.a; IV.6.c", uses_gas)
    if labour and not high_tech:
        return SectorPlan(sector, "labour", "labour", "Điều 1, III.3", uses_gas)
    if high_tech:
        return SectorPlan(sector, "high_tech", "high_tech", "Điều 1, III.3; III.4", uses_gas)
    return SectorPlan(sector, "general", "general", "Điều 1, III.4", uses_gas)


def window_shapes(profile: Profile, cell_m: float) -> list[tuple[int, int]]:
    """(rows, cols) of the footprint(s) tried: at least the requested area, whole cells."""
    area_m2 = float(profile.area_ha) * 1e4
    if profile.shape == "square":
        ratios = [1.0]
    elif profile.shape == "ratio":
        ratios = [float(profile.ratio)]
    else:
        ratios = sorted({r for q in FREE_RATIOS for r in (q, 1.0 / q)})
    out: list[tuple[int, int]] = []
    for r in ratios:  # r = width / height
        h = math.sqrt(area_m2 / r)
        rows = max(1, math.ceil(h / cell_m - 1e-9))
        cols = max(1, math.ceil(area_m2 / (rows * cell_m) / cell_m - 1e-9))
        if (rows, cols) not in out:
            out.append((rows, cols))
    return out
