"""Project rules: refused and discouraged sectors, outdated technology, land-saving investment."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from tbgeo.i18n.params import Bilingual
from tbgeo.review.model import TECHNOLOGY_LEVELS, Facts, Finding
from tbgeo.review.rules import rule

if TYPE_CHECKING:
    from tbgeo.review.config import ReviewConfig
    from tbgeo.review.context import ReviewContext

__all__ = ["sector_refused", "sector_discouraged", "technology", "land_efficiency", "is_low_tech"]


def _sector_details(sector: Any) -> dict[str, Any]:
    return {
        "code": sector.code,
        "status": sector.status,
        "plan_sector": getattr(sector, "plan_sector", ""),
        "citation": sector.citation,
    }


@rule("sector_refused", plan_ref="Điều 1, III.4; IV.2.a")
def sector_refused(facts: Facts, ctx: ReviewContext, cfg: ReviewConfig) -> Finding:
    """Block sectors the plan refuses: dyeing, chemicals, steel smelting or rolling, tanning."""
    plan = "Điều 1, III.4; IV.2.a"
    sector = facts.sector
    if sector is None:
        return Finding("sector_refused", "info", None, "", plan, "no_sector")
    params = {"sector": Bilingual(sector.name_vi, sector.name_en)}
    details = _sector_details(sector)
    if sector.status == "refused" or sector.code in cfg.sector.refused_codes:
        cite = sector.citation if sector.status == "refused" else plan
        return Finding("sector_refused", "block", sector.code, "", cite or plan, "refused", params, details=details)
    key = "priority" if sector.status == "priority" else "allowed"
    return Finding("sector_refused", "ok", sector.code, "", sector.citation or plan, key, params, details=details)


@rule("sector_discouraged", plan_ref="Điều 1, IV.5.a")
def sector_discouraged(facts: Facts, ctx: ReviewContext, cfg: ReviewConfig) -> Finding:
    """Warn for sectors the plan discourages (expansion of white-cement plants, IV.5.a)."""
    plan = "Điều 1, IV.5.a"
    sector = facts.sector
    if sector is None:
        return Finding("sector_discouraged", "info", None, "", plan, "no_sector")
    params = {"sector": Bilingual(sector.name_vi, sector.name_en), "cite": sector.citation}
    if sector.status == "discouraged" and sector.code not in cfg.sector.refused_codes:
        return Finding(
            "sector_discouraged", "warn", sector.code, "", sector.citation or plan, "discouraged", params,
            details=_sector_details(sector),
        )
    return Finding("sector_discouraged", "ok", sector.code, "", plan, "not_discouraged", params)


@rule("technology", plan_ref="Điều 1, I; III.4")
def technology(facts: Facts, ctx: ReviewContext, cfg: ReviewConfig) -> Finding:
    """Block old or outdated technology: the plan accepts no old or outdated equipment (III.4)."""
    plan = "Điều 1, I; III.4"
    level = facts.attrs.technology
    if level is None:
        return Finding("technology", "info", None, "text", plan, "not_given")
    if level not in TECHNOLOGY_LEVELS:
        return Finding("technology", "info", None, "text", plan, "not_given")
    if level == "outdated":
        return Finding("technology", "block", level, "text", plan, "outdated")
    if level == "high":
        return Finding("technology", "ok", level, "text", plan, "high")
    return Finding("technology", "ok", level, "text", plan, "acceptable")


@rule("land_efficiency", plan_ref="Điều 1, III.4")
def land_efficiency(facts: Facts, ctx: ReviewContext, cfg: ReviewConfig) -> Finding:
    """Investment per hectare, for the plan's call for land-saving projects (information only)."""
    plan = "Điều 1, III.4"
    inv = facts.attrs.investment_bvnd
    if inv is None or inv <= 0 or facts.area_ha <= 0:
        return Finding("land_efficiency", "info", None, "bvnd_per_ha", plan, "not_given")
    per_ha = inv / facts.area_ha
    return Finding(
        "land_efficiency", "info", round(per_ha, 4), "bvnd_per_ha", plan, "value",
        {"value": round(per_ha, 2), "investment": float(inv), "area": round(facts.area_ha, 2)},
    )


def is_low_tech(facts: Facts) -> bool:
    """Neither stated as high technology nor of a high-tech sector."""
    if facts.attrs.technology == "high":
        return False
    if facts.attrs.technology in ("medium", "outdated"):
        return True
    return not bool(getattr(facts.sector, "high_tech", False))
