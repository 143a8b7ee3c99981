"""Rice-land rules: how much rice land (LUC, LUK) a site converts and what the law then requires."""

from __future__ import annotations

from typing import TYPE_CHECKING

from tbgeo.rules import Facts, Finding, pct, rule

if TYPE_CHECKING:
    from tbgeo.rules.config import ReviewConfig
    from tbgeo.rules.context import ReviewContext

__all__ = ["rice_land", "rice_resolution", "rice_topsoil_eia", "rice_luc_payment", "indicative_payment_vnd"]

_PLAN = "Điều 1, III.4; V.1.h"


def _has_rice(facts: Facts, cfg: ReviewConfig) -> bool:
    return facts.landuse is not None and facts.landuse.rice_ha > max(cfg.rice.negligible_ha, 0.0)


@rule("rice_land", plan_ref=_PLAN)
def rice_land(facts: Facts, ctx: ReviewContext, cfg: ReviewConfig) -> Finding:
    """Rice land the site would convert: LUC, LUK and the total, in ha and as a share of the site.

    The plan builds toward the sea "to limit the use of rice land" (III.4) and forms coastal parks
    "limiting rice-land use to the minimum" (V.1.h): any rice land is a warning.
    """
    lu = facts.landuse
    if lu is None:
        return Finding("rice_land", "info", None, "ha", _PLAN, "no_data")
    params = {
        "total": round(lu.rice_ha, 2),
        "luc": round(lu.luc_ha, 2),
        "luk": round(lu.luk_ha, 2),
        "lua": round(lu.lua_ha, 2),
        "pct": pct(lu.share * 100.0),
        "unknown": round(lu.unknown_ha, 2),
    }
    details = {**lu.to_dict()}
    value = round(lu.rice_ha, 4)
    if _has_rice(facts, cfg):
        key = "rice_lua" if lu.lua_ha > 0 else "rice"
        return Finding("rice_land", "warn", value, "ha", _PLAN, key, params, details=details)
    key = "none_partial" if lu.unknown_ha > 0.005 else "none"
    return Finding("rice_land", "ok", value, "ha", _PLAN, key, params, details=details)


@rule("rice_resolution", plan_ref="Điều 1, III.4", law_refs=("land_law_122",))
def rice_resolution(facts: Facts, ctx: ReviewContext, cfg: ReviewConfig) -> Finding:
    """Any rice land → the provincial People's Council must pass a resolution (Land Law 2024, Art. 122)."""
    lu = facts.landuse
    if lu is None:
        return Finding("rice_resolution", "info", None, "ha", "Điều 1, III.4", "no_data", law_refs=("land_law_122",))
    value = round(lu.rice_ha, 4)
    if _has_rice(facts, cfg) and lu.rice_ha > cfg.rice.resolution_min_ha:
        return Finding(
            "rice_resolution", "warn", value, "ha", "Điều 1, III.4", "needed", {"total": round(lu.rice_ha, 2)},
            law_refs=("land_law_122",),
        )
    return Finding("rice_resolution", "ok", value, "ha", "Điều 1, III.4", "not_needed", law_refs=("land_law_122",))


@rule("rice_topsoil_eia", plan_ref="Điều 1, III.4", law_refs=("decree_102_2024",))
def rice_topsoil_eia(facts: Facts, ctx: ReviewContext, cfg: ReviewConfig) -> Finding:
    """From 2 ha of rice land: a topsoil-use plan and the EIA criteria apply (Decree 102/2024)."""
    lu = facts.landuse
    law = ("decree_102_2024",)
    limit = cfg.rice.topsoil_eia_min_ha
    if lu is None:
        return Finding("rice_topsoil_eia", "info", None, "ha", "Điều 1, III.4", "no_data", law_refs=law)
    value = round(lu.rice_ha, 4)
    params = {"total": round(lu.rice_ha, 2), "limit": float(limit)}
    if lu.rice_ha >= limit and _has_rice(facts, cfg):
        return Finding("rice_topsoil_eia", "warn", value, "ha", "Điều 1, III.4", "needed", params, law_refs=law)
    return Finding("rice_topsoil_eia", "ok", value, "ha", "Điều 1, III.4", "not_needed", params, law_refs=law)


def indicative_payment_vnd(luc_m2: float, rate_pct: float, price_vnd_m2: float) -> float:
    """Decree 112/2024 payment for converting LUC: rate × LUC area × rice-land price (VND)."""
    return rate_pct / 100.0 * luc_m2 * price_vnd_m2


@rule("rice_luc_payment", plan_ref="Điều 1, V.1.h", law_refs=("decree_112_2024",))
def rice_luc_payment(facts: Facts, ctx: ReviewContext, cfg: ReviewConfig) -> Finding:
    """LUC converted to non-agricultural use → an indicative payment from the user's rate and price."""
    lu = facts.landuse
    law = ("decree_112_2024",)
    rate, price = cfg.rice.levy_rate_pct, cfg.rice.land_price_vnd_m2
    details = {"levy_rate_pct": rate, "land_price_vnd_m2": price}
    if lu is None:
        return Finding("rice_luc_payment", "info", None, "vnd", "Điều 1, V.1.h", "no_data", law_refs=law, details=details)
    if lu.luc_ha <= max(cfg.rice.negligible_ha, 0.0):
        return Finding("rice_luc_payment", "ok", 0, "vnd", "Điều 1, V.1.h", "no_luc", law_refs=law, details=details)
    params = {"luc": round(lu.luc_ha, 2), "rate": pct(rate), "price": int(round(price))}
    if price <= 0:
        return Finding(
            "rice_luc_payment", "info", None, "vnd", "Điều 1, V.1.h", "no_price", params, law_refs=law, details=details
        )
    amount = indicative_payment_vnd(lu.luc_m2, rate, price)
    params["amount"] = int(round(amount))
    details = {**details, "amount_vnd": int(round(amount)), "luc_m2": round(lu.luc_m2, 2)}
    return Finding(
        "rice_luc_payment", "info", int(round(amount)), "vnd", "Điều 1, V.1.h", "amount", params, law_refs=law,
        details=details,
    )
