"""Site review page: propose a site (draw, upload, type corners), review it, save it, decide on it."""

from __future__ import annotations

import streamlit as st

from tbgeo.errors import StoreBusyError, TbgeoError
from tbgeo.i18n import t
from tbgeo.ui import address
from tbgeo.ui.pages.review.context import context
from tbgeo.ui.pages.review.ledger import ledger_part
from tbgeo.ui.pages.review.proposals import proposals_part
from tbgeo.ui.pages.review.report import attributes_form, panel, run_review
from tbgeo.ui.pages.review.site_input import site_map, site_summary, site_tabs
from tbgeo.ui.text import error_text

__all__ = ["render"]


def render(lang: str) -> None:
    """The page: the map with the report under it and the site input and project form beside them;
    then proposals and the ledger."""
    st.title(t("review.page.title", lang))
    st.caption(t("review.page.intro", lang))
    try:
        ctx = context()
    except TbgeoError as exc:  # a bad layer file, or the store busy (another program writing to it)
        st.error(error_text(exc, lang))
        return
    # the map with the report directly under it; beside them, the site's other inputs and the project
    map_side, form_side = st.columns([3, 2], gap="medium")
    with map_side:
        site_map(lang, ctx.proposals)
    with form_side:
        site_tabs(lang)
        site_summary(lang)
        address.write_site(lang)
        result = attributes_form(lang)
    with map_side:
        if result is not None:
            run_review(lang, *result)
        panel(lang)
    for part in (proposals_part, ledger_part):
        try:
            part(lang)
        except StoreBusyError as exc:  # the site tools above stay usable while the store is busy
            st.error(error_text(exc, lang))
