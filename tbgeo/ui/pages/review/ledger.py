"""The review page's rice-land ledger: approved and pending rice land per district against the quota."""

from __future__ import annotations

from typing import Any

import streamlit as st

from tbgeo.errors import InputError
from tbgeo.i18n import fmt_number, t
from tbgeo.places import communes_frame
from tbgeo.places.crosswalk import crosswalk
from tbgeo.review.config import load_config
from tbgeo.review.ledger import rice_ledger, rice_ledger_by_commune
from tbgeo.store import open_store
from tbgeo.ui import cache, tables
from tbgeo.ui.state import Key

__all__ = ["ledger_part"]


def _new_of(r: Any) -> str:
    """The 2025 communes a former district's land now belongs to (by GSO code)."""
    return ", ".join(u.full_name for u in crosswalk().new_of_district(r.code)) if r.code else ""


def _row(r: Any, label: str, lang: str, *, by: str) -> dict[str, Any]:
    head = {t("places.ui.col_code", lang): r.code or ""} if by == "commune" else {}
    tail = {t("places.ui.col_new_of_district", lang): _new_of(r)} if by == "district" else {}
    col = t("places.ui.col_commune" if by == "commune" else "review.page.col_district", lang)
    return {
        **head,
        col: label,
        **tail,
        t("review.page.col_approved_luc", lang): round(r.approved_luc_ha, 2),
        t("review.page.col_approved_luk", lang): round(r.approved_luk_ha, 2),
        t("review.page.col_pending_luc", lang): round(r.pending_luc_ha, 2),
        t("review.page.col_pending_luk", lang): round(r.pending_luk_ha, 2),
        t("review.page.col_total", lang): round(r.total_ha, 2),
        t("review.page.col_quota", lang): None if r.quota_ha is None else round(r.quota_ha, 2),
        t("review.page.col_remaining", lang): None if r.remaining_ha is None else round(r.remaining_ha, 2),
    }


def ledger_part(lang: str) -> None:
    """The ledger table (by former district or by 2025 commune), its note, the districts over quota,
    merged overlaps and skipped proposals."""
    st.subheader(t("review.page.ledger", lang))
    cfg = load_config().ledger
    by = st.radio(t("places.ui.ledger_by", lang), ["district", "commune"], horizontal=True, key=Key.REVIEW_LEDGER_BY,
                  format_func=lambda b: t(f"places.ui.ledger_by_{b}", lang))
    proposals = open_store(create=False).proposals()
    if by == "commune":
        communes = communes_frame(cache.catalog())
        if communes is None:
            st.info(t("places.ui.ledger_needs_layer", lang))
            return
        try:
            ledger = rice_ledger_by_commune(proposals, communes=communes, config=cfg)
        except InputError as exc:  # no land-use source: say what to do
            st.info(exc.message(lang))
            return
    else:
        ledger = rice_ledger(proposals, config=cfg)
    outside = t("places.ledger_outside" if by == "commune" else "review.page.outside", lang)
    rows = [_row(r, r.district or outside, lang, by=by) for r in ledger.rows]
    rows.append(_row(ledger.total, t("review.page.total", lang), lang, by=by))
    tables.show(rows, lang, hide_index=True, width="stretch", key=Key.REVIEW_LEDGER)
    st.caption(t("review.page.ledger_note", lang, quota=fmt_number(cfg.quota_ha, lang, 0)))
    for r in ledger.over_quota:
        district = r.district if r.district != "__total__" else t("review.page.total", lang)
        st.warning(t("review.page.over_quota", lang, district=district, total=fmt_number(r.total_ha, lang, 2),
                     quota=fmt_number(r.quota_ha or 0.0, lang, 2)))
    if ledger.merged:
        groups = "; ".join(" + ".join(f"#{i}" for i in g) for g in ledger.merged)
        st.caption(t("review.page.ledger_merged", lang, groups=groups))
    if ledger.skipped:
        st.caption(t("review.page.ledger_skipped", lang, ids=", ".join(f"#{i}" for i in ledger.skipped)))
