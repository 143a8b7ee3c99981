"""Who may approve the site's rice land: what is left of the rice-land quota after the approved and
pending proposals the ledger books (``tbgeo.review.ledger``), and whether the land growing two rice
crops it converts moves its investment policy to the Prime Minister or the National Assembly."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from tbgeo.i18n.params import Joined, Num, Template, Text
from tbgeo.review.ledger import Ledger, added_rice, counted_proposals, rice_ledger
from tbgeo.review.model import Facts, SiteFinding
from tbgeo.review.rules import rule
from tbgeo.review.rules.landuse import coverage

if TYPE_CHECKING:
    from tbgeo.review.config import ReviewConfig
    from tbgeo.review.context import ReviewContext

__all__ = ["rice_quota", "investment_authority"]

_PLAN = "Điều 1, III.4"
_QUOTA_LAW = ("decision_326_2022",)
#: ha: less than this is digitising noise, not rice land added or a quota exceeded.
_EPS_HA = 0.005


def _booked(ctx: ReviewContext, cfg: ReviewConfig, exclude: int | None) -> tuple[Ledger, list[tuple[Any, bool]]]:
    """The ledger of the stored proposals without the site's own (a re-check of a stored proposal),
    and the proposals it counts; kept in the context's memo, so a search's candidates share it."""
    led = cfg.ledger
    key = ("rice_quota", exclude, led.approved_statuses, led.pending_statuses)
    if key not in ctx.memo:
        others = [p for p in (ctx.stored or ()) if exclude is None or int(p.id) != exclude]
        counted, _ = counted_proposals(others, led)
        ledger = rice_ledger([p for p, _ in counted], config=led, landuse=ctx.landuse, districts=ctx.districts)
        ctx.memo[key] = (ledger, counted)
    booked: tuple[Ledger, list[tuple[Any, bool]]] = ctx.memo[key]
    return booked


@rule("rice_quota", plan_ref=_PLAN, law_refs=_QUOTA_LAW)
def rice_quota(facts: Facts, ctx: ReviewContext, cfg: ReviewConfig) -> SiteFinding:
    """Block a site whose rice land (LUC + LUK, as the ledger counts it) exceeds what is left of the
    province's quota (config ``[ledger] quota_ha``) or of its district's (``district_quota_ha``)
    after the approved and pending proposals the ledger books.

    The site adds to the ledger only its land that no counted proposal holds yet (``added_rice``),
    so the numbers are those ``tbgeo ledger`` shows once the site is submitted. The value is the
    quota left after the site (negative: by how much it is exceeded). Rice land of unknown class
    (LUA) and land without land-use data may be rice too: a site they could tip over is a warning.
    """
    lu = facts.landuse
    if lu is None:
        return SiteFinding(
            rule="rice_quota", severity="info", value=None, unit="ha", plan_ref=_PLAN, message="no_data",
            law_refs=_QUOTA_LAW,
        )
    cov = coverage(lu)
    if cov == "none":
        return SiteFinding(
            rule="rice_quota", severity="warn", value=None, unit="ha", plan_ref=_PLAN, message="not_covered",
            params={"unknown": Num(lu.unknown_ha, 2)}, law_refs=_QUOTA_LAW,
        )
    ledger, counted = _booked(ctx, cfg, facts.attrs.proposal_id)
    own = [(name, a.luc_ha, a.luk_ha) for name, a in facts.landuse_by_district.items()] or [("", lu.luc_ha, lu.luk_ha)]
    added, overlapped = added_rice(facts.geometry, own, counted, ctx.landuse, ctx.districts)
    add_luc, add_luk = sum(a[1] for a in added), sum(a[2] for a in added)
    add = add_luc + add_luk
    shared = max(lu.luc_ha + lu.luk_ha - add, 0.0)
    quota, booked = cfg.ledger.quota_ha, ledger.total
    remaining = quota - booked.total_ha
    after = remaining - add
    uncertain = lu.lua_ha + (lu.unknown_ha if cov == "partial" else 0.0)
    ids = ", ".join(str(i) for i in overlapped)
    read = ctx.stored is not None
    if not read:
        basis: Any = Template("review.rule.rice_quota.basis_alone", {"quota": Num(quota, 2)})
    elif remaining < -_EPS_HA:
        basis = Template("review.rule.rice_quota.basis_over", {
            "booked": Num(booked.total_ha, 2), "approved": Num(booked.approved_ha, 2),
            "pending": Num(booked.pending_ha, 2), "quota": Num(quota, 2), "over": Num(-remaining, 2)})
    else:
        basis = Template("review.rule.rice_quota.basis", {
            "booked": Num(booked.total_ha, 2), "approved": Num(booked.approved_ha, 2),
            "pending": Num(booked.pending_ha, 2), "quota": Num(quota, 2), "remaining": Num(remaining, 2)})
    params: dict[str, Any] = {
        "add": Num(add, 2), "luc": Num(add_luc, 2), "luk": Num(add_luk, 2), "basis": basis,
        "excess": Num(max(add - max(remaining, 0.0), 0.0), 2), "after": Num(after, 2),
        "uncertain": Num(uncertain, 2), "ids": ids, "shared_ha": Num(shared, 2),
        "shared": Template("review.rule.rice_quota.shared", {"shared": Num(shared, 2), "ids": ids})
        if shared > _EPS_HA and overlapped else "",
    }
    districts = _district_checks(added, ledger, cfg)
    over_districts = [d for d in districts if d["excess_ha"] > _EPS_HA]
    details = {
        "ledger_read": read, "quota_ha": quota, "booked_ha": round(booked.total_ha, 4),
        "approved_ha": round(booked.approved_ha, 4), "pending_ha": round(booked.pending_ha, 4),
        "remaining_ha": round(remaining, 4), "site_rice_ha": round(lu.luc_ha + lu.luk_ha, 4),
        "add_ha": round(add, 4), "add_luc_ha": round(add_luc, 4), "add_luk_ha": round(add_luk, 4),
        "after_ha": round(after, 4), "overlaps": overlapped, "skipped": list(ledger.skipped), "districts": districts,
    }
    value = round(after, 4)

    def finding(severity: str, message: str) -> SiteFinding:
        return SiteFinding(
            rule="rice_quota", severity=severity, value=value, unit="ha", plan_ref=_PLAN, message=message,
            params=params, law_refs=_QUOTA_LAW, details=details,
        )

    if add > _EPS_HA and add > remaining + _EPS_HA:
        return finding("block", "used_up" if remaining <= _EPS_HA else "over")
    if over_districts:
        params["list"] = Joined(tuple(Template("review.rule.rice_quota.district_item", {
            "district": d["district"], "add": Num(d["add_ha"], 2), "excess": Num(d["excess_ha"], 2),
            "booked": Num(d["booked_ha"], 2), "quota": Num(d["quota_ha"], 2),
            "remaining": Num(d["remaining_ha"], 2)}) for d in over_districts), "review.join.semicolon")
        return finding("block", "over_district")
    if uncertain > _EPS_HA and add + uncertain > remaining + _EPS_HA:
        return finding("warn", "may_exceed")
    if add <= _EPS_HA:
        return finding("ok" if read else "info", "counted" if shared > _EPS_HA and overlapped else "none")
    return finding("ok" if read else "info", "within")


def _district_checks(added: list[tuple[str, float, float]], ledger: Ledger, cfg: ReviewConfig) -> list[dict[str, Any]]:
    """The site's rice land in each district that has its own quota, against what is left of it."""
    rows = {r.district: r for r in ledger.rows}
    out: list[dict[str, Any]] = []
    for name, quota in sorted(cfg.ledger.district_quota_ha.items()):
        add = sum(luc + luk for d, luc, luk in added if d == name)
        if add <= _EPS_HA:
            continue
        booked = rows[name].total_ha if name in rows else 0.0
        remaining = quota - booked
        out.append({"district": name, "quota_ha": quota, "booked_ha": round(booked, 4), "add_ha": round(add, 4),
                    "remaining_ha": round(remaining, 4), "excess_ha": round(max(add - max(remaining, 0.0), 0.0), 4)})
    return out


@rule("investment_authority", plan_ref=_PLAN, law_refs=("investment_law_2025",))
def investment_authority(facts: Facts, ctx: ReviewContext, cfg: ReviewConfig) -> SiteFinding:
    """Land growing two or more rice crops (LUC) from ``[investment_policy] luc_min_ha``: the project's
    investment policy is approved by ``authority`` (Law on Investment 2025, Art. 24–25: the Prime
    Minister from 500 ha), not by the province — a warning, with the figures and the article.

    Unclassified rice land (LUA) and land without land-use data may be LUC: a site they could bring
    to the threshold is a warning too.
    """
    ip = cfg.investment_policy
    law = (ip.law_ref,)
    lu = facts.landuse
    if lu is None:
        return SiteFinding(
            rule="investment_authority", severity="info", value=None, unit="ha", plan_ref=_PLAN,
            message="no_data", law_refs=law,
        )
    cov = coverage(lu)
    who = Text(f"review.authority.{ip.authority}", ip.authority)
    if cov == "none":
        return SiteFinding(
            rule="investment_authority", severity="warn", value=None, unit="ha", plan_ref=_PLAN,
            message="not_covered",
            params={"unknown": Num(lu.unknown_ha, 2), "authority": who, "limit": Num(ip.luc_min_ha, 0)},
            law_refs=law,
        )
    uncertain = lu.lua_ha + (lu.unknown_ha if cov == "partial" else 0.0)
    params = {"luc": Num(lu.luc_ha, 2), "limit": Num(ip.luc_min_ha, 0), "authority": who, "uncertain": Num(uncertain, 2)}
    details = {"luc_ha": round(lu.luc_ha, 4), "luc_min_ha": ip.luc_min_ha, "authority": ip.authority,
               "uncertain_ha": round(uncertain, 4)}
    value = round(lu.luc_ha, 4)
    if lu.luc_ha >= ip.luc_min_ha:
        return SiteFinding(
            rule="investment_authority", severity="warn", value=value, unit="ha", plan_ref=_PLAN,
            message="needed", params=params, law_refs=law, details=details,
        )
    if uncertain > _EPS_HA and lu.luc_ha + uncertain >= ip.luc_min_ha:
        return SiteFinding(
            rule="investment_authority", severity="warn", value=value, unit="ha", plan_ref=_PLAN,
            message="may_need", params=params, law_refs=law, details=details,
        )
    return SiteFinding(
        rule="investment_authority", severity="ok", value=value, unit="ha", plan_ref=_PLAN, message="below",
        params=params, law_refs=law, details=details,
    )
