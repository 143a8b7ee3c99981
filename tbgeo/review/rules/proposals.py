"""Proposal rule: overlap with other proposals that are pending (submitted) or approved."""

from __future__ import annotations

from typing import TYPE_CHECKING, TypedDict

import shapely

from tbgeo.i18n.params import Joined, Num, Template, Text
from tbgeo.review.model import Facts, SiteFinding
from tbgeo.review.rules import rule
from tbgeo.review.rules.zoning import overlaps

if TYPE_CHECKING:
    from tbgeo.review.config import ReviewConfig
    from tbgeo.review.context import ReviewContext

__all__ = ["proposal_overlap"]


class _Overlap(TypedDict):
    """One stored proposal the site overlaps (an item of the finding's ``details["proposals"]``)."""

    proposal_id: int
    name: str
    status: str
    ha: float


@rule("proposal_overlap", plan_ref="Điều 1, III.4")
def proposal_overlap(facts: Facts, ctx: ReviewContext, cfg: ReviewConfig) -> SiteFinding:
    """Block overlap with an approved proposal; warn for a pending one (statuses from the config)."""
    plan = "Điều 1, III.4"
    frame = ctx.proposals
    if frame.empty:
        return SiteFinding(
            rule="proposal_overlap", severity="ok", value=0.0, unit="ha", plan_ref=plan, message="none",
        )
    statuses = set(cfg.proposals.block_statuses) | set(cfg.proposals.warn_statuses)
    keep = frame["status"].isin(statuses)
    if facts.attrs.proposal_id is not None:
        keep &= frame["proposal_id"] != facts.attrs.proposal_id
    frame = frame[keep].reset_index(drop=True)
    hits = [(i, a) for i, a in overlaps(facts.geometry, frame) if a / 1e4 >= cfg.proposals.min_overlap_ha]
    if not hits:
        return SiteFinding(
            rule="proposal_overlap", severity="ok", value=0.0, unit="ha", plan_ref=plan, message="none",
        )
    hits.sort(key=lambda h: (-round(h[1], 2), int(frame.iloc[h[0]]["proposal_id"])))  # largest first, then by number
    items: list[_Overlap] = [
        {
            "proposal_id": int(frame.iloc[i]["proposal_id"]),
            "name": str(frame.iloc[i]["name"]),
            "status": str(frame.iloc[i]["status"]),
            "ha": round(a / 1e4, 4),
        }
        for i, a in hits
    ]
    # the land taken is the union of the overlaps: two approved proposals over the same hectares
    # do not make the overlap twice as large (nor larger than the site)
    rows = [i for i, _ in hits]
    union = shapely.intersection(shapely.union_all(frame.geometry.values[rows]), facts.geometry)
    total = round(float(union.area) / 1e4, 4)
    listing = Joined(tuple(
        Template(
            "review.rule.proposal_overlap.item",
            {"id": str(it["proposal_id"]), "name": it["name"] or Text("review.page.unnamed"),
             "status": Text(f"review.page.st_{it['status']}", it["status"]), "ha": Num(it["ha"], 2)},
        )
        for it in items
    ))
    blocking = any(it["status"] in cfg.proposals.block_statuses for it in items)
    return SiteFinding(
        rule="proposal_overlap", severity="block" if blocking else "warn", value=total, unit="ha",
        plan_ref=plan, message="approved" if blocking else "pending",
        params={"ha": Num(total, 2), "list": listing}, details={"proposals": items},
    )
