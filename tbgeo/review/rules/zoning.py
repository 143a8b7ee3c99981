"""Zoning rules: inside an industrial park or cluster, coastal economic zone versus inner field,
maize/soybean raw-material zones, and the agricultural-specialised park."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import shapely

from tbgeo.i18n.params import Bilingual, Joined, Template, Text
from tbgeo.review.model import Facts, SiteFinding, pct
from tbgeo.review.rules import rule
from tbgeo.review.rules.sector import is_low_tech

if TYPE_CHECKING:
    import geopandas as gpd

    from tbgeo.review.config import ReviewConfig
    from tbgeo.review.context import ReviewContext

__all__ = ["industrial_zone", "zone_profile", "coastal_inner_field", "raw_material_zone", "agri_park_fit", "overlaps"]


def overlaps(geom: Any, frame: gpd.GeoDataFrame) -> list[tuple[int, float]]:
    """(row position, overlap area m²) of every feature of ``frame`` that overlaps ``geom``."""
    if frame.empty:
        return []
    idx = frame.sindex.query(geom, predicate="intersects")
    if len(idx) == 0:
        return []
    areas = shapely.area(shapely.intersection(frame.geometry.values[idx], geom))
    return [(int(i), float(a)) for i, a in zip(idx, areas) if a > 0]


def _union_share(geom: Any, frame: gpd.GeoDataFrame, rows: list[int]) -> float:
    if not rows or geom.area <= 0:
        return 0.0
    inter = shapely.intersection(shapely.union_all(frame.geometry.values[rows]), geom)
    return float(inter.area) / float(geom.area)


@rule("industrial_zone", plan_ref="Điều 1, III.4")
def industrial_zone(facts: Facts, ctx: ReviewContext, cfg: ReviewConfig) -> SiteFinding:
    """Inside an industrial park or cluster, partly, or outside (III.4: develop inside parks/clusters)."""
    plan = "Điều 1, III.4"
    if not ctx.has("parks"):
        return SiteFinding(
            rule="industrial_zone", severity="info", value=None, unit="pct", plan_ref=plan, message="no_data",
        )
    hits = overlaps(facts.geometry, ctx.parks)
    share = _union_share(facts.geometry, ctx.parks, [i for i, _ in hits])
    value = round(share * 100.0, 2)
    listed = sorted(hits, key=lambda h: -h[1])
    names = ", ".join(str(ctx.parks.iloc[i]["name"]) for i, _ in listed)
    details = {
        "zones": [
            {
                "name": ctx.parks.iloc[i]["name"],
                "kind": ctx.parks.iloc[i]["kind"],
                "status": ctx.parks.iloc[i]["status"],
                "share": round(a / facts.area_m2, 6),
            }
            for i, a in listed
        ]
    }
    if share >= cfg.zoning.inside_min_share:
        return SiteFinding(
            rule="industrial_zone", severity="ok", value=value, unit="pct", plan_ref=plan, message="inside",
            params={"names": names, "pct": pct(value)}, details=details,
        )
    if share > 0:
        return SiteFinding(
            rule="industrial_zone", severity="warn", value=value, unit="pct", plan_ref=plan, message="partly",
            params={"names": names, "pct": pct(value)}, details=details,
        )
    return SiteFinding(
        rule="industrial_zone", severity="warn", value=value, unit="pct", plan_ref=plan, message="outside",
        details=details,
    )


@rule("zone_profile", plan_ref="Điều 1, III.3")
def zone_profile(facts: Facts, ctx: ReviewContext, cfg: ReviewConfig) -> SiteFinding:
    """The project fits its kind of zone (III.3): city parks take high-tech, low-labour projects; rural
    clusters labour-heavy, low-pollution ones; parks large, environment-friendly ones."""
    plan = "Điều 1, III.3"
    if not ctx.has("parks"):
        return SiteFinding(
            rule="zone_profile", severity="info", value=None, unit="text", plan_ref=plan, message="no_data",
        )
    hits = overlaps(facts.geometry, ctx.parks)
    if not hits:
        return SiteFinding(
            rule="zone_profile", severity="info", value=None, unit="text", plan_ref=plan, message="not_in",
        )
    row, area = max(hits, key=lambda h: h[1])
    zone = ctx.parks.iloc[row]
    kind = str(zone["kind"])
    if kind == "agri_park":  # judged by agri_park_fit (IV.6.a)
        return SiteFinding(
            rule="zone_profile", severity="info", value=str(zone["name"]), unit="text", plan_ref=plan,
            message="agri_park", params={"name": zone["name"]},
        )
    city = ctx.districts[ctx.districts["gso_code"].astype(str) == cfg.zoning.city_gso_code] if ctx.has("districts") else None
    in_city = bool(
        city is not None and not city.empty and city.geometry.values[0].contains(zone.geometry.representative_point())
    )
    profile = "city_park" if kind == "park" and in_city else kind
    params = {"name": zone["name"]}
    value = str(zone["name"])
    details = {"zone": zone["name"], "zone_kind": kind, "profile": profile, "in_city": in_city, "share": round(area / facts.area_m2, 6)}
    if facts.sector is None and facts.attrs.technology is None and not facts.attrs.workforce:
        return SiteFinding(
            rule="zone_profile", severity="info", value=value, unit="text", plan_ref=plan, message="unknown",
            params=params, details=details,
        )
    polluting = bool(getattr(facts.sector, "polluting", False))
    if profile == "city_park":
        reasons = _city_mismatch_reasons(facts, cfg)
        if reasons:
            details["reasons"] = [r.key.rsplit(".", 1)[-1] for r in reasons]
            return SiteFinding(
                rule="zone_profile", severity="warn", value=value, unit="text", plan_ref=plan,
                message="city_mismatch",
                params={**params, "reasons": Joined(tuple(reasons), "review.join.and")}, details=details,
            )
        return SiteFinding(
            rule="zone_profile", severity="ok", value=value, unit="text", plan_ref=plan, message="city_fit",
            params=params, details=details,
        )
    if polluting:
        key = "cluster_polluting" if kind == "cluster" else "park_polluting"
        return SiteFinding(
            rule="zone_profile", severity="warn", value=value, unit="text", plan_ref=plan, message=key,
            params=params, details=details,
        )
    return SiteFinding(
        rule="zone_profile", severity="ok", value=value, unit="text", plan_ref=plan, message=f"{kind}_fit",
        params=params, details=details,
    )


def _labour_heavy(facts: Facts, cfg: ReviewConfig) -> bool:
    """Labour-heavy: a stated workforce decides (≥ ``zoning.labour_heavy_workers``); the sector's
    default ``labour_intensive`` flag counts only when no workforce is given."""
    if facts.attrs.workforce is not None:
        return facts.attrs.workforce >= cfg.zoning.labour_heavy_workers
    return bool(getattr(facts.sector, "labour_intensive", False))


def _city_mismatch_reasons(facts: Facts, cfg: ReviewConfig) -> list[Template]:
    """Why a project does not fit a city park (III.3: high-tech, few workers), one item per failed condition."""
    out: list[Template] = []
    if _labour_heavy(facts, cfg):
        if facts.attrs.workforce is not None:
            out.append(Template("review.rule.zone_profile.why_workers",
                                {"n": int(facts.attrs.workforce), "limit": int(cfg.zoning.labour_heavy_workers)}))
        elif facts.sector is not None:  # labour-heavy with no workforce given: the sector's own flag
            out.append(Template("review.rule.zone_profile.why_labour_sector",
                                {"sector": Bilingual(facts.sector.name_vi, facts.sector.name_en)}))
    if is_low_tech(facts):
        if facts.attrs.technology is not None:
            out.append(Template("review.rule.zone_profile.why_tech_level",
                                {"level": Text(f"review.value.{facts.attrs.technology}", facts.attrs.technology)}))
        else:
            out.append(Template("review.rule.zone_profile.why_tech_sector", {}))
    return out


@rule("coastal_inner_field", plan_ref="Điều 1, III.3; III.4")
def coastal_inner_field(facts: Facts, ctx: ReviewContext, cfg: ReviewConfig) -> SiteFinding:
    """Coastal economic zone (favoured) versus inner-field land (high-tech, non-polluting only)."""
    plan = "Điều 1, III.3; III.4"
    ez = ctx.economic_zone_union
    if ez is None:
        return SiteFinding(
            rule="coastal_inner_field", severity="info", value=None, unit="pct", plan_ref=plan,
            message="no_data",
        )
    share = float(facts.geometry.intersection(ez).area) / facts.area_m2 if facts.area_m2 > 0 else 0.0
    value = round(share * 100.0, 2)
    if share >= cfg.zoning.economic_zone_min_share:
        return SiteFinding(
            rule="coastal_inner_field", severity="ok", value=value, unit="pct", plan_ref=plan,
            message="coastal", params={"pct": pct(value)},
        )
    polluting = bool(getattr(facts.sector, "polluting", False))
    labour_low_tech = _labour_heavy(facts, cfg) and is_low_tech(facts)
    reasons = []
    if polluting:
        reasons.append("polluting")
    if labour_low_tech:
        reasons.append("labour_low_tech")
    details = {"reasons": reasons, "economic_zone_share": round(share, 6)}
    if reasons:
        key = "inner_polluting" if polluting else "inner_labour"
        return SiteFinding(
            rule="coastal_inner_field", severity="warn", value=value, unit="pct", plan_ref=plan, message=key,
            params={"pct": pct(value)}, details=details,
        )
    if facts.sector is None and facts.attrs.technology is None:
        return SiteFinding(
            rule="coastal_inner_field", severity="info", value=value, unit="pct", plan_ref=plan,
            message="inner_unknown", params={"pct": pct(value)}, details=details,
        )
    if not is_low_tech(facts):
        return SiteFinding(
            rule="coastal_inner_field", severity="ok", value=value, unit="pct", plan_ref=plan,
            message="inner_high_tech", params={"pct": pct(value)}, details=details,
        )
    return SiteFinding(
        rule="coastal_inner_field", severity="info", value=value, unit="pct", plan_ref=plan,
        message="inner_not_high_tech", params={"pct": pct(value)}, details=details,
    )


@rule("raw_material_zone", plan_ref="Điều 1, IV.6.c")
def raw_material_zone(facts: Facts, ctx: ReviewContext, cfg: ReviewConfig) -> SiteFinding:
    """Warn when the site takes land of a maize/soybean raw-material zone (IV.6.c), with hectares."""
    plan = "Điều 1, IV.6.c"
    if not ctx.has("raw_material_zones"):
        return SiteFinding(
            rule="raw_material_zone", severity="info", value=None, unit="ha", plan_ref=plan,
            message="no_data",
        )
    hits = overlaps(facts.geometry, ctx.raw_material_zones)
    share = _union_share(facts.geometry, ctx.raw_material_zones, [i for i, _ in hits])
    ha = share * facts.area_ha
    names = ", ".join(str(ctx.raw_material_zones.iloc[i]["name"]) for i, _ in sorted(hits, key=lambda h: -h[1]))
    details = {
        "zones": [
            {"name": ctx.raw_material_zones.iloc[i]["name"], "crop": ctx.raw_material_zones.iloc[i]["crop"], "ha": round(a / 1e4, 4)}
            for i, a in hits
        ]
    }
    if hits and ha > cfg.zoning.raw_material_min_ha:
        return SiteFinding(
            rule="raw_material_zone", severity="warn", value=round(ha, 4), unit="ha", plan_ref=plan,
            message="overlap", params={"ha": round(ha, 2), "names": names}, details=details,
        )
    return SiteFinding(
        rule="raw_material_zone", severity="ok", value=round(ha, 4), unit="ha", plan_ref=plan,
        message="clear", details=details,
    )


@rule("agri_park_fit", plan_ref="Điều 1, IV.6.a")
def agri_park_fit(facts: Facts, ctx: ReviewContext, cfg: ReviewConfig) -> SiteFinding:
    """A site in the agricultural-specialised park (Quỳnh Phụ, IV.6.a) should serve agriculture."""
    plan = "Điều 1, IV.6.a"
    agri = ctx.parks[ctx.parks["kind"] == "agri_park"] if not ctx.parks.empty else ctx.parks
    if agri.empty:
        return SiteFinding(
            rule="agri_park_fit", severity="ok" if ctx.has("parks") else "info", value=0.0, unit="pct",
            plan_ref=plan, message="not_in" if ctx.has("parks") else "no_data",
        )
    agri = agri.reset_index(drop=True)
    hits = overlaps(facts.geometry, agri)
    share = _union_share(facts.geometry, agri, [i for i, _ in hits])
    value = round(share * 100.0, 2)
    if share <= 0:
        return SiteFinding(
            rule="agri_park_fit", severity="ok", value=value, unit="pct", plan_ref=plan, message="not_in",
        )
    name = str(agri.iloc[max(hits, key=lambda h: h[1])[0]]["name"])
    if facts.sector is None:
        return SiteFinding(
            rule="agri_park_fit", severity="info", value=value, unit="pct", plan_ref=plan,
            message="in_unknown", params={"name": name, "pct": pct(value)},
        )
    agro = getattr(facts.sector, "plan_sector", None) == "agro_food" or "IV.6" in str(facts.sector.citation)
    if agro:
        return SiteFinding(
            rule="agri_park_fit", severity="ok", value=value, unit="pct", plan_ref=plan, message="in_agro",
            params={"name": name, "pct": pct(value)},
        )
    return SiteFinding(
        rule="agri_park_fit", severity="warn", value=value, unit="pct", plan_ref=plan, message="in_other",
        params={"name": name, "pct": pct(value)},
    )
