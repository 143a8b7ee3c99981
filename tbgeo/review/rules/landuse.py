"""Rice-land rules: how much rice land (LUC, LUK) a site converts and what the law then requires."""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING, Any

from tbgeo.i18n.params import Num, Template
from tbgeo.review.model import Facts, SiteFinding, pct
from tbgeo.review.rules import rule

if TYPE_CHECKING:
    from tbgeo.review.config import ReviewConfig
    from tbgeo.review.context import ReviewContext
    from tbgeo.review.zonal import LandUseAreas

__all__ = ["coverage", "rice_land", "rice_resolution", "rice_topsoil_eia", "rice_luc_payment", "indicative_payment_vnd"]

_PLAN = "Điều 1, III.4; V.1.h"


def _has_rice(facts: Facts, cfg: ReviewConfig) -> bool:
    return facts.landuse is not None and facts.landuse.rice_ha > max(cfg.rice.negligible_ha, 0.0)


#: Land without land-use data below this (ha, and share of the site) is taken as digitising noise.
_UNKNOWN_TOL_HA = 0.005
_UNKNOWN_TOL_SHARE = 1e-4


def coverage(lu: LandUseAreas | None) -> str:
    """How much of the site the land-use data covers: ``none``, ``partial`` or ``full``.

    Land outside the raster or polygons, or on nodata cells, is unknown: it may be rice land, so
    rice figures of a partly covered site are a minimum, and an uncovered site cannot be assessed.
    """
    if lu is None or lu.site_m2 <= 0:
        return "none"
    if lu.known_m2 <= max(1.0, 1e-6 * lu.site_m2):
        return "none"
    if lu.unknown_ha > _UNKNOWN_TOL_HA and lu.unknown_ha * 1e4 > _UNKNOWN_TOL_SHARE * lu.site_m2:
        return "partial"
    return "full"


def _note(lu: LandUseAreas, cov: str) -> Template | None:
    """The value's qualifier on the panel and the printed sheet: a minimum, and how much is unknown."""
    if cov == "partial":
        return Template("review.value_note.minimum", {"unknown": Num(lu.unknown_ha, 2)})
    if cov == "none":
        return Template("review.value_note.no_coverage", {"unknown": Num(lu.unknown_ha, 2)})
    return None


def _with_note(finding: SiteFinding, facts: Facts) -> SiteFinding:
    lu = facts.landuse
    note = _note(lu, coverage(lu)) if lu is not None else None
    return dataclasses.replace(finding, value_note=note) if note is not None else finding


def _unknown_params(lu: LandUseAreas) -> dict[str, Any]:
    share = lu.unknown_ha * 1e4 / lu.site_m2 if lu.site_m2 > 0 else 0.0
    return {"unknown": Num(lu.unknown_ha, 2), "unknown_pct": pct(share * 100.0), "site": Num(lu.site_m2 / 1e4, 2)}


@rule("rice_land", plan_ref=_PLAN)
def rice_land(facts: Facts, ctx: ReviewContext, cfg: ReviewConfig) -> SiteFinding:
    """Rice land the site would convert: LUC, LUK and the total, in ha and as a share of the site.

    The plan builds toward the sea "to limit the use of rice land" (III.4) and forms coastal parks
    "limiting rice-land use to the minimum" (V.1.h): any rice land is a warning. Land without
    land-use data is reported (ha and share); the rice figures are then a minimum, and a site the
    data does not cover at all cannot be assessed (both warnings, never "ok").
    """
    return _with_note(_rice_land(facts, cfg), facts)


def _rice_land(facts: Facts, cfg: ReviewConfig) -> SiteFinding:
    lu = facts.landuse
    if lu is None:
        return SiteFinding(
            rule="rice_land", severity="info", value=None, unit="ha", plan_ref=_PLAN, message="no_data",
        )
    cov = coverage(lu)
    details = {**lu.to_dict(), "coverage": cov}
    if cov == "none":
        return SiteFinding(
            rule="rice_land", severity="warn", value=None, unit="ha", plan_ref=_PLAN, message="not_covered",
            params=_unknown_params(lu), details=details,
        )
    params = {
        "total": round(lu.rice_ha, 2),
        "luc": round(lu.luc_ha, 2),
        "luk": round(lu.luk_ha, 2),
        "lua": round(lu.lua_ha, 2),
        "pct": pct(lu.share * 100.0),
        **_unknown_params(lu),
    }
    value = round(lu.rice_ha, 4)
    suffix = "_partial" if cov == "partial" else ""
    if _has_rice(facts, cfg):
        key = ("rice_lua" if lu.lua_ha > 0 else "rice") + suffix
        return SiteFinding(
            rule="rice_land", severity="warn", value=value, unit="ha", plan_ref=_PLAN, message=key,
            params=params, details=details,
        )
    if cov == "partial":
        return SiteFinding(
            rule="rice_land", severity="warn", value=value, unit="ha", plan_ref=_PLAN, message="none_partial",
            params=params, details=details,
        )
    return SiteFinding(
        rule="rice_land", severity="ok", value=value, unit="ha", plan_ref=_PLAN, message="none",
        params=params, details=details,
    )


@rule("rice_resolution", plan_ref="Điều 1, III.4", law_refs=("land_law_122",))
def rice_resolution(facts: Facts, ctx: ReviewContext, cfg: ReviewConfig) -> SiteFinding:
    """Any rice land → the provincial People's Council must pass a resolution (Land Law 2024, Art. 122)."""
    return _with_note(_rice_resolution(facts, cfg), facts)


def _rice_resolution(facts: Facts, cfg: ReviewConfig) -> SiteFinding:
    lu = facts.landuse
    plan, law = "Điều 1, III.4", ("land_law_122",)
    if lu is None:
        return SiteFinding(
            rule="rice_resolution", severity="info", value=None, unit="ha", plan_ref=plan, message="no_data",
            law_refs=law,
        )
    cov = coverage(lu)
    if cov == "none":
        return SiteFinding(
            rule="rice_resolution", severity="warn", value=None, unit="ha", plan_ref=plan,
            message="not_covered", params=_unknown_params(lu), law_refs=law,
        )
    value = round(lu.rice_ha, 4)
    params = {"total": round(lu.rice_ha, 2), **_unknown_params(lu)}
    if _has_rice(facts, cfg) and lu.rice_ha > cfg.rice.resolution_min_ha:
        key = "needed_partial" if cov == "partial" else "needed"
        return SiteFinding(
            rule="rice_resolution", severity="warn", value=value, unit="ha", plan_ref=plan, message=key,
            params=params, law_refs=law,
        )
    if cov == "partial":  # unknown land may be rice: a resolution may still be needed
        return SiteFinding(
            rule="rice_resolution", severity="warn", value=value, unit="ha", plan_ref=plan,
            message="unknown_partial", params=params, law_refs=law,
        )
    return SiteFinding(
        rule="rice_resolution", severity="ok", value=value, unit="ha", plan_ref=plan, message="not_needed",
        law_refs=law,
    )


@rule("rice_topsoil_eia", plan_ref="Điều 1, III.4", law_refs=("decree_102_2024",))
def rice_topsoil_eia(facts: Facts, ctx: ReviewContext, cfg: ReviewConfig) -> SiteFinding:
    """From 2 ha of rice land: a topsoil-use plan and the EIA criteria apply (Decree 102/2024)."""
    return _with_note(_rice_topsoil_eia(facts, cfg), facts)


def _rice_topsoil_eia(facts: Facts, cfg: ReviewConfig) -> SiteFinding:
    lu = facts.landuse
    law = ("decree_102_2024",)
    plan = "Điều 1, III.4"
    limit = cfg.rice.topsoil_eia_min_ha
    if lu is None:
        return SiteFinding(
            rule="rice_topsoil_eia", severity="info", value=None, unit="ha", plan_ref=plan, message="no_data",
            law_refs=law,
        )
    cov = coverage(lu)
    params = {"total": round(lu.rice_ha, 2), "limit": float(limit), **_unknown_params(lu)}
    if cov == "none":
        return SiteFinding(
            rule="rice_topsoil_eia", severity="warn", value=None, unit="ha", plan_ref=plan,
            message="not_covered", params=params, law_refs=law,
        )
    value = round(lu.rice_ha, 4)
    if lu.rice_ha >= limit and _has_rice(facts, cfg):
        key = "needed_partial" if cov == "partial" else "needed"
        return SiteFinding(
            rule="rice_topsoil_eia", severity="warn", value=value, unit="ha", plan_ref=plan, message=key,
            params=params, law_refs=law,
        )
    if cov == "partial":  # the known rice land is under the limit, but the unknown land may tip it over
        return SiteFinding(
            rule="rice_topsoil_eia", severity="warn", value=value, unit="ha", plan_ref=plan,
            message="unknown_partial", params=params, law_refs=law,
        )
    return SiteFinding(
        rule="rice_topsoil_eia", severity="ok", value=value, unit="ha", plan_ref=plan, message="not_needed",
        params=params, law_refs=law,
    )


def indicative_payment_vnd(luc_m2: float, rate_pct: float, price_vnd_m2: float) -> float:
    """Decree 112/2024 payment for converting LUC: rate × LUC area × rice-land price (VND)."""
    return rate_pct / 100.0 * luc_m2 * price_vnd_m2


@rule("rice_luc_payment", plan_ref="Điều 1, V.1.h", law_refs=("decree_112_2024",))
def rice_luc_payment(facts: Facts, ctx: ReviewContext, cfg: ReviewConfig) -> SiteFinding:
    """LUC converted to non-agricultural use → an indicative payment from the user's rate and price."""
    return _with_note(_rice_luc_payment(facts, cfg), facts)


def _rice_luc_payment(facts: Facts, cfg: ReviewConfig) -> SiteFinding:
    lu = facts.landuse
    law = ("decree_112_2024",)
    rate, price = cfg.rice.levy_rate_pct, cfg.rice.land_price_vnd_m2
    details: dict[str, Any] = {"levy_rate_pct": rate, "land_price_vnd_m2": price}
    if lu is None:
        return SiteFinding(
            rule="rice_luc_payment", severity="info", value=None, unit="vnd", plan_ref="Điều 1, V.1.h",
            message="no_data", law_refs=law, details=details,
        )
    cov = coverage(lu)
    details["coverage"] = cov
    if cov == "none":
        return SiteFinding(
            rule="rice_luc_payment", severity="warn", value=None, unit="vnd", plan_ref="Điều 1, V.1.h",
            message="not_covered", params=_unknown_params(lu), law_refs=law, details=details,
        )
    suffix = "_partial" if cov == "partial" else ""
    params = {"luc": round(lu.luc_ha, 2), "rate": pct(rate), "price": int(round(price)), **_unknown_params(lu)}
    if lu.luc_ha <= max(cfg.rice.negligible_ha, 0.0):
        if cov == "partial":
            return SiteFinding(
                rule="rice_luc_payment", severity="warn", value=0, unit="vnd", plan_ref="Điều 1, V.1.h",
                message="no_luc_partial", params=params, law_refs=law, details=details,
            )
        return SiteFinding(
            rule="rice_luc_payment", severity="ok", value=0, unit="vnd", plan_ref="Điều 1, V.1.h",
            message="no_luc", law_refs=law, details=details,
        )
    severity = "warn" if cov == "partial" else "info"
    if price <= 0:
        return SiteFinding(
            rule="rice_luc_payment", severity=severity, value=None, unit="vnd", plan_ref="Điều 1, V.1.h",
            message="no_price" + suffix, params=params, law_refs=law, details=details,
        )
    amount = indicative_payment_vnd(lu.luc_m2, rate, price)
    params["amount"] = int(round(amount))
    details = {**details, "amount_vnd": int(round(amount)), "luc_m2": round(lu.luc_m2, 2)}
    return SiteFinding(
        rule="rice_luc_payment", severity=severity, value=int(round(amount)), unit="vnd",
        plan_ref="Điều 1, V.1.h", message="amount" + suffix, params=params, law_refs=law, details=details,
    )
