"""Administrative rules: the site must lie in Thái Bình province; which districts it falls in."""

from __future__ import annotations

from typing import TYPE_CHECKING

from tbgeo.i18n.params import Shares
from tbgeo.review.model import Facts, SiteFinding, pct
from tbgeo.review.rules import rule

if TYPE_CHECKING:
    from tbgeo.review.config import ReviewConfig
    from tbgeo.review.context import ReviewContext

__all__ = ["province", "districts"]


@rule("province", plan_ref="Điều 1")
def province(facts: Facts, ctx: ReviewContext, cfg: ReviewConfig) -> SiteFinding:
    """Block a site that lies (more than the tolerance) outside the province the plan covers."""
    if ctx.province is None:
        return SiteFinding(
            rule="province", severity="info", value=None, unit="", plan_ref="Điều 1", message="no_data",
        )
    inside = float(facts.geometry.intersection(ctx.province).area)
    inside_share = min(inside / facts.area_m2, 1.0) if facts.area_m2 > 0 else 0.0
    outside_share = 1.0 - inside_share
    # the value is the share INSIDE the province, matching the title ("in Thái Bình province")
    value = round(inside_share * 100.0, 4)
    params = {"pct": pct(value), "out_pct": pct(outside_share * 100.0)}
    if inside_share <= 1e-9:
        return SiteFinding(
            rule="province", severity="block", value=value, unit="pct", plan_ref="Điều 1", message="outside",
            params=params,
        )
    if outside_share > cfg.admin.outside_tolerance_share:
        return SiteFinding(
            rule="province", severity="block", value=value, unit="pct", plan_ref="Điều 1", message="partly",
            params=params,
        )
    return SiteFinding(
        rule="province", severity="ok", value=value, unit="pct", plan_ref="Điều 1", message="inside",
        params=params,
    )


@rule("districts", plan_ref="Điều 1, III.3")
def districts(facts: Facts, ctx: ReviewContext, cfg: ReviewConfig) -> SiteFinding:
    """List every district the site falls in, with its share (information for the dossier)."""
    if ctx.districts.empty:
        return SiteFinding(
            rule="districts", severity="info", value=None, unit="", plan_ref="Điều 1, III.3",
            message="no_data",
        )
    named = [d for d in facts.districts if d.name]
    listing = Shares(tuple((d.name, d.share) for d in named))
    details = {"districts": [{"name": d.name, "gso_code": d.gso_code, "share": round(d.share, 6)} for d in named]}
    if not named:
        return SiteFinding(
            rule="districts", severity="info", value=0, unit="count", plan_ref="Điều 1, III.3",
            message="none", details=details,
        )
    key = "one" if len(named) == 1 else "many"
    return SiteFinding(
        rule="districts", severity="info", value=len(named), unit="count", plan_ref="Điều 1, III.3",
        message=key, params={"n": len(named), "list": listing}, details=details,
    )
