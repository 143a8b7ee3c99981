"""The review page's rice-land ledger: approved and pending rice land per district against the quota."""

from __future__ import annotations

from typing import Any

import streamlit as st

from tbgeo.i18n import fmt_number, t
from tbgeo.ui.state import Key

__all__ = ["ledger_part"]


def _row(r: Any, label: str, lang: str) -> dict[str, Any]:
    return {
        t("review.page.col_district", lang): label,
        t("review.page.col_approved_luc", lang): round(r.approved_luc_ha, 2),
        t("review.page.col_approved_luk", lang): round(r.approved_luk_ha, 2),
        t("review.page.col_pending_luc", lang): round(r.pending_luc_ha, 2),
        t("review.page.col_pending_luk", lang): round(r.pending_luk_ha, 2),
        t("review.page.col_total", lang): round(r.total_ha, 2),
        t("review.page.col_quota", lang): None if r.quota_ha is None else round(r.quota_ha, 2),
        t("review.page.col_remaining", lang): None if r.remaining_ha is None else round(r.remaining_ha, 2),
    }


def ledger_part(lang: str) -> None:
    """The ledger table, its note, the districts over quota, merged overlaps and skipped proposals."""
    from tbgeo.review.config import load_config
    from tbgeo.review.ledger import rice_ledger
    from tbgeo.workspace import Workspace

    st.subheader(t("review.page.ledger", lang))
    cfg = load_config().ledger
    ledger = rice_ledger(Workspace.open_existing().proposals() if Workspace.exists() else [], config=cfg)
    rows = [_row(r, r.district or t("review.page.outside", lang), lang) for r in ledger.rows]
    rows.append(_row(ledger.total, t("review.page.total", lang), lang))
    st.dataframe(rows, hide_index=True, width="stretch", key=Key.REVIEW_LEDGER)
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
