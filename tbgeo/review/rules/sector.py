"""Project rules: refused and discouraged sectors, outdated technology, land-saving investment."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from tbgeo.i18n.params import Bilingual
from tbgeo.review.model import TECHNOLOGY_LEVELS, Facts, SiteFinding
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
def sector_refused(facts: Facts, ctx: ReviewContext, cfg: ReviewConfig) -> SiteFinding:
    """Block sectors the plan refuses: dyeing, chemicals, steel smelting or rolling, tanning."""
    plan = "Điều 1, III.4; IV.2.a"
    sector = facts.sector
    if sector is None:
        return SiteFinding(
            rule="sector_refused", severity="info", value=None, unit="", plan_ref=plan, message="no_sector",
        )
    params = {"sector": Bilingual(sector.name_vi, sector.name_en)}
    details = _sector_details(sector)
    if sector.status == "refused" or sector.code in cfg.sector.refused_codes:
        cite = sector.citation if sector.status == "refused" else plan
        return SiteFinding(
            rule="sector_refused", severity="block", value=sector.code, unit="", plan_ref=cite or plan,
            message="refused", params=params, details=details,
        )
    key = "priority" if sector.status == "priority" else "allowed"
    return SiteFinding(
        rule="sector_refused", severity="ok", value=sector.code, unit="", plan_ref=sector.citation or plan,
        message=key, params=params, details=details,
    )


@rule("sector_discouraged", plan_ref="Điều 1, IV.5.a")
def sector_discouraged(facts: Facts, ctx: ReviewContext, cfg: ReviewConfig) -> SiteFinding:
    """Warn for sectors the plan discourages (expansion of white-cement plants, IV.5.a)."""
    plan = "Điều 1, IV.5.a"
    sector = facts.sector
    if sector is None:
        return SiteFinding(
            rule="sector_discouraged", severity="info", value=None, unit="", plan_ref=plan,
            message="no_sector",
        )
    params = {"sector": Bilingual(sector.name_vi, sector.name_en), "cite": sector.citation}
    if sector.status == "discouraged" and sector.code not in cfg.sector.refused_codes:
        return SiteFinding(
            rule="sector_discouraged", severity="warn", value=sector.code, unit="",
            plan_ref=sector.citation or plan, message="discouraged", params=params,
            details=_sector_details(sector),
        )
    return SiteFinding(
        rule="sector_discouraged", severity="ok", value=sector.code, unit="", plan_ref=plan,
        message="not_discouraged", params=params,
    )


@rule("technology", plan_ref="Điều 1, I; III.4")
def technology(facts: Facts, ctx: ReviewContext, cfg: ReviewConfig) -> SiteFinding:
    """Block old or outdated technology: the plan accepts no old or outdated equipment (III.4)."""
    plan = "Điều 1, I; III.4"
    level = facts.attrs.technology
    if level is None:
        return SiteFinding(
            rule="technology", severity="info", value=None, unit="text", plan_ref=plan, message="not_given",
        )
    if level not in TECHNOLOGY_LEVELS:
        return SiteFinding(
            rule="technology", severity="info", value=None, unit="text", plan_ref=plan, message="not_given",
        )
    if level == "outdated":
        return SiteFinding(
            rule="technology", severity="block", value=level, unit="text", plan_ref=plan, message="outdated",
        )
    if level == "high":
        return SiteFinding(
            rule="technology", severity="ok", value=level, unit="text", plan_ref=plan, message="high",
        )
    return SiteFinding(
        rule="technology", severity="ok", value=level, unit="text", plan_ref=plan, message="acceptable",
    )


@rule("land_efficiency", plan_ref="Điều 1, III.4")
def land_efficiency(facts: Facts, ctx: ReviewContext, cfg: ReviewConfig) -> SiteFinding:
    """Investment per hectare, for the plan's call for land-saving projects (information only)."""
    plan = "Điều 1, III.4"
    inv = facts.attrs.investment_bvnd
    if inv is None or inv <= 0 or facts.area_ha <= 0:
        return SiteFinding(
            rule="land_efficiency", severity="info", value=None, unit="bvnd_per_ha", plan_ref=plan,
            message="not_given",
        )
    per_ha = inv / facts.area_ha
    return SiteFinding(
        rule="land_efficiency", severity="info", value=round(per_ha, 4), unit="bvnd_per_ha", plan_ref=plan,
        message="value",
        params={"value": round(per_ha, 2), "investment": float(inv), "area": round(facts.area_ha, 2)},
    )


def is_low_tech(facts: Facts) -> bool:
    """Neither stated as high technology nor of a high-tech sector."""
    if facts.attrs.technology == "high":
        return False
    if facts.attrs.technology in ("medium", "outdated"):
        return True
    return not bool(getattr(facts.sector, "high_tech", False))
