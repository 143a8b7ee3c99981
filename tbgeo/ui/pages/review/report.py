"""The review page's review: the project's attributes, running the review, the report, and saving it
as a draft — only when the planner presses "save" (a review tried again and again stores nothing)."""

from __future__ import annotations

import json
from typing import Any

import streamlit as st

from tbgeo.auth import allowed
from tbgeo.errors import TbgeoError, report_internal_error
from tbgeo.findings import most_severe_first
from tbgeo.i18n import fmt_number, t
from tbgeo.printing.sheets import SIZES
from tbgeo.review.model import TECHNOLOGY_LEVELS
from tbgeo.ui.pages.review.context import context, sectors
from tbgeo.ui.signin import actor
from tbgeo.ui.state import Key
from tbgeo.ui.text import error_text

__all__ = ["attributes_form", "panel", "panel_rows", "run_review", "save_panel", "severity_table", "findings_columns",
           "SEVERITY_BACKGROUNDS"]

#: The background of a finding's level cell (pale, so the word on it stays readable): the level is
#: said by a word and a colour, never by an emoji (which is a box where there is no emoji font).
SEVERITY_BACKGROUNDS = {"block": "#f8d0d0", "warn": "#fde2b8", "info": "#d3e5f7", "ok": "#d2efd9"}


def _whole_number(container: Any, label: str, value: float, *, step: int, key: str, max_value: int | None = None,
                  help: str | None = None) -> float:
    """A number box for a whole amount, shown without a decimal point ("50", not "50.00"); a value
    that is not whole (from a configuration file) keeps two decimals, its unit said in ``help``."""
    if float(value).is_integer():
        whole: float = container.number_input(label, min_value=0, max_value=max_value, value=int(value), step=step,
                                              format="%d", key=key, help=help)
        return whole
    decimal: float = container.number_input(label, min_value=0.0, max_value=None if max_value is None else float(max_value),
                                            value=float(value), step=float(step), format="%.2f", key=key, help=help)
    return decimal



def attributes_form(lang: str) -> tuple[Any, dict[str, float]] | None:
    """The project form: (SiteAttrs, the payment inputs) when it was submitted, else None."""
    from tbgeo.review.config import load_config
    from tbgeo.review.model import SiteAttrs

    cfg = load_config()
    codes = [""] + [s.code for s in sectors()]
    by_code = {s.code: s for s in sectors()}

    def sector_label(code: str) -> str:
        if not code:
            return t("review.page.no_sector", lang)
        s = by_code[code]
        return f"{s.name(lang)} — {t(f'review.page.status_{s.status}', lang)}"

    with st.form(Key.REVIEW_FORM):
        c1, c2 = st.columns(2)
        name = c1.text_input(t("review.page.name", lang), value=st.session_state.get(Key.REVIEW_SITE_NAME, ""),
                             key=Key.REVIEW_NAME)
        investor = c2.text_input(t("review.page.investor", lang), key=Key.REVIEW_INVESTOR)
        sector = st.selectbox(t("review.page.sector", lang), codes, format_func=sector_label, key=Key.REVIEW_SECTOR)
        c3, c4, c5 = st.columns(3)
        workforce = _whole_number(c3, t("review.page.workforce", lang), 0, step=50, key=Key.REVIEW_WORKFORCE)
        investment = _whole_number(c4, t("review.page.investment", lang), 0, step=10, key=Key.REVIEW_INVESTMENT)
        gas = _whole_number(c5, t("review.page.gas_use", lang), 0, step=100, key=Key.REVIEW_GAS)
        tech = st.selectbox(t("review.page.technology", lang), [""] + list(TECHNOLOGY_LEVELS),
                            format_func=lambda v: t(f"review.value.{v}", lang) if v else t("review.page.not_stated", lang),
                            key=Key.REVIEW_TECHNOLOGY)
        st.markdown(t("review.page.payment_inputs", lang))
        c6, c7 = st.columns(2)
        rate = _whole_number(c6, t("review.page.levy_rate", lang), cfg.rice.levy_rate_pct, step=5, max_value=100,
                             key=Key.REVIEW_RATE, help=t("review.page.levy_rate_help", lang))
        price = _whole_number(c7, t("review.page.land_price", lang), cfg.rice.land_price_vnd_m2, step=10_000,
                              key=Key.REVIEW_PRICE, help=t("review.page.land_price_help", lang))
        submitted = st.form_submit_button(t("review.page.run", lang), type="primary")
    if not submitted:
        return None
    attrs = SiteAttrs(
        name=name.strip(), investor=investor.strip(), sector=sector or None, workforce=int(workforce) or None,
        investment_bvnd=float(investment) or None, gas_use_m3_day=float(gas) or None, technology=tech or None,
    )
    return attrs, {"levy_rate_pct": float(rate), "land_price_vnd_m2": float(price)}


def run_review(lang: str, attrs: Any, inputs: dict[str, float]) -> None:
    """Review the site under review; nothing is stored (``save_panel`` keeps it when asked)."""
    import dataclasses

    from tbgeo.proposals import site_key
    from tbgeo.review.config import load_config
    from tbgeo.review.run import review_site

    site = st.session_state.get(Key.REVIEW_SITE)
    if site is None:
        st.warning(t("review.page.no_site", lang))
        return
    stored = st.session_state.setdefault(Key.REVIEW_STORED_SITES, {})
    pid = stored.get(site_key(site))
    if pid is not None:  # its own stored proposal is no overlap
        attrs = dataclasses.replace(attrs, proposal_id=pid)
    status = st.status(t("review.progress.reviewing", lang))  # said at once: the page is not frozen
    try:
        cfg = load_config().with_inputs(**inputs)
        report = review_site(site, attrs=attrs, context=context(), config=cfg)
    except TbgeoError as exc:
        status.update(label=t("review.progress.failed", lang), state="error")
        st.error(error_text(exc, lang))
        return
    except Exception as exc:  # a fault, not the user's input: said in the user's language, logged
        status.update(label=t("review.progress.failed", lang), state="error")
        st.error(report_internal_error(exc, lang))
        return
    status.update(label=t("review.progress.reviewed", lang), state="complete")
    st.session_state[Key.REVIEW_REPORT] = report
    st.session_state.pop(Key.REVIEW_SAVED, None)  # this result is not saved until "save" is pressed
    st.session_state.pop(Key.REVIEW_SHEET_PDF, None)


def save_panel(lang: str, report: Any) -> None:
    """Where the report is kept: the "save" button for those who may propose (a new draft, or the
    proposal this site was saved as or opened from: ``tbgeo.proposals.save_review``), and what was saved."""
    from tbgeo.proposals import save_review, site_key
    from tbgeo.store import open_store

    saved = st.session_state.get(Key.REVIEW_SAVED)
    if saved is not None:
        st.success(saved.message(lang, page=True))
        return
    who = actor()
    if not allowed(who, "review"):  # an approver's or a viewer's look is not stored
        return
    stored = st.session_state.setdefault(Key.REVIEW_STORED_SITES, {})
    editing = st.session_state.get(Key.REVIEW_EDITING)  # (number, row_version) of a reopened draft
    pid = stored.get(site_key(report.geometry))
    expected = None
    if pid is None and editing is not None:  # the reopened draft, its outline drawn anew
        pid, expected = editing
    earlier = open_store(create=False).find_proposal(pid) if pid is not None else None
    updates = earlier is not None and earlier.status in ("draft", "submitted")  # else a new draft (or a revision)
    label = t("review.page.save_update", lang, id=pid) if updates else t("review.page.save_draft", lang)
    left, right = st.columns(2)
    go = left.button(label, key=Key.REVIEW_SAVE, type="primary")
    anew = updates and right.button(t("review.page.save_new", lang), key=Key.REVIEW_SAVE_NEW)
    if not go and not anew:
        st.info(t("review.page.not_saved", lang, button=label))
        return
    try:
        if anew:  # a new draft: the reopened one stays as it is
            saved = save_review(open_store(), report, lang, actor=who)
            stored[site_key(report.geometry)] = saved.id
            st.session_state.pop(Key.REVIEW_EDITING, None)
        else:
            saved = save_review(open_store(), report, lang, actor=who, remember=stored,
                                proposal_id=pid if updates else None, expected=expected)
            if editing is not None and saved.id == editing[0]:
                st.session_state[Key.REVIEW_EDITING] = (saved.id, None)  # our own save: the next one goes on from it
    except TbgeoError as exc:  # refused (another's proposal), or the store is busy
        st.error(error_text(exc, lang))
        return
    except Exception as exc:  # a fault, not the user's input: said in the user's language, logged
        st.error(report_internal_error(exc, lang))
        return
    st.session_state[Key.REVIEW_SAVED] = saved
    st.rerun()  # the proposals list below and the map show the saved draft


def verdict_text(report: Any, lang: str) -> str:
    """The verdict banner: the verdict, and for a block or a warning the findings that make it, with
    their citations ("Chặn — Danh mục ngành không chấp thuận (Điều 1, III.4)")."""
    verdict = t(f"review.severity.{report.verdict}", lang)
    why = [f for f in report.findings if f.severity == report.verdict] if report.verdict in ("block", "warn") else []
    if not why:
        return t("review.page.verdict", lang, verdict=verdict)
    because = "; ".join(t("review.page.verdict_item", lang, title=f.title(lang), citation=f.citation(lang)) for f in why)
    return t("review.page.verdict_because", lang, verdict=verdict, because=because)


def panel_rows(report: Any, lang: str) -> list[dict[str, str]]:
    """The review panel's rows, most severe first: level (a word; ``severity_table`` adds its colour),
    rule, value, citation, finding."""
    return [
        {
            t("review.page.col_light", lang): t(f"review.severity.{f.severity}", lang),
            t("review.page.col_rule", lang): f.title(lang),
            t("review.page.col_value", lang): f.value_text(lang),
            t("review.page.col_citation", lang): f.citation(lang),
            t("review.page.col_finding", lang): f.text(lang),
        }
        for f in most_severe_first(report.findings)
    ]


def severity_table(rows: list[dict[str, Any]], severities: list[str], lang: str) -> Any:
    """The findings ``rows`` as a table whose level column ("Mức") is coloured by each row's severity."""
    import pandas as pd

    frame = pd.DataFrame(rows)
    column = t("review.page.col_light", lang)
    if frame.empty or column not in frame.columns:
        return frame
    styles = [f"background-color: {SEVERITY_BACKGROUNDS.get(s, '#eeeeee')}; color: #1a1a1a" for s in severities]
    return frame.style.apply(lambda _col: styles, subset=[column])


def findings_columns(lang: str) -> dict[str, Any]:
    """Widths of a findings table's level and value columns, wide enough for "Cảnh báo" and "1.234,50 ha"
    (left to themselves beside the long text columns they are cut to "47,15 h")."""
    return {t("review.page.col_light", lang): st.column_config.TextColumn(width=90),
            t("review.page.col_value", lang): st.column_config.TextColumn(width=110)}


def _figures(report: Any, lang: str) -> None:
    """Area and rice land of the site, and where it is: two figures a row, so that each shows whole in
    the report's column beside the form (a 1366-pixel screen)."""
    facts = report.facts
    c1, c2 = st.columns(2)
    c1.metric(t("review.page.area", lang), f"{fmt_number(facts.area_ha, lang, 2)} ha")
    lu = facts.landuse
    if lu is not None:
        c2.metric(t("review.page.rice", lang), f"{fmt_number(lu.rice_ha, lang, 2)} ha",
                  help=f"{fmt_number(lu.share * 100, lang, 1)} %")
        c3, c4 = st.columns(2)
        c3.metric("LUC", f"{fmt_number(lu.luc_ha, lang, 2)} ha")
        c4.metric("LUK", f"{fmt_number(lu.luk_ha, lang, 2)} ha")
        if lu.unknown_ha > 0.005:
            st.warning(t("review.text.unknown", lang, unknown=fmt_number(lu.unknown_ha, lang, 2),
                         pct=fmt_number(lu.unknown_ha * 1e4 / lu.site_m2 * 100 if lu.site_m2 > 0 else 0.0, lang, 1)))
    if report.location is not None:  # former district and new commune(s); plain text (names come from layers)
        st.text(t("places.report_line", lang, where=report.location.text(lang)))


def _downloads(report: Any, lang: str) -> None:
    """The report as JSON, CSV, GeoJSON and the printable sheet."""
    name = (report.facts.attrs.name or "site").replace(" ", "_")
    d1, d2, d3 = st.columns(3)
    d1.download_button(t("review.page.dl_json", lang), report.to_json(lang).encode("utf-8"), f"{name}.json",
                       "application/json", key=Key.REVIEW_DL_JSON)
    d2.download_button(t("review.page.dl_csv", lang), report.to_csv(lang).encode("utf-8-sig"), f"{name}.csv", "text/csv",
                       key=Key.REVIEW_DL_CSV)
    d3.download_button(t("review.page.dl_geojson", lang),
                       json.dumps(report.to_geojson(lang), ensure_ascii=False).encode("utf-8"), f"{name}.geojson",
                       "application/geo+json", key=Key.REVIEW_DL_GEOJSON)
    sizes = list(SIZES)  # the print page's paper sizes (A4 … A0)
    size_box, make_box = st.columns([1, 2], vertical_alignment="bottom")
    size = size_box.selectbox(t("print.ui.sheet", lang), sizes, index=sizes.index("A3"), key=Key.REVIEW_SHEET_SIZE)
    if st.session_state.get(Key.REVIEW_SHEET_MADE_SIZE) not in (None, size):
        st.session_state.pop(Key.REVIEW_SHEET_PDF, None)  # the sheet made is of another size: made anew
    if make_box.button(t("review.sheet.make", lang), key=Key.REVIEW_SHEET_MAKE):
        saved = st.session_state.get(Key.REVIEW_SAVED)  # a saved review: its proposal number on the sheet
        status = st.status(t("review.progress.sheet_making", lang))
        try:
            st.session_state[Key.REVIEW_SHEET_PDF] = report.to_sheet(lang, size=size,
                                                                     proposal_id=None if saved is None else saved.id)
            st.session_state[Key.REVIEW_SHEET_MADE_SIZE] = size
        except TbgeoError as exc:
            status.update(label=t("review.progress.sheet_failed", lang), state="error")
            st.error(error_text(exc, lang))
            return
        status.update(label=t("review.progress.sheet_made", lang), state="complete")
    if st.session_state.get(Key.REVIEW_SHEET_PDF):
        st.download_button(t("review.sheet.download", lang), st.session_state[Key.REVIEW_SHEET_PDF], f"{name}_{size}.pdf",
                           "application/pdf", key=Key.REVIEW_DL_SHEET)


def panel(lang: str) -> None:
    """The last report: verdict, figures, one row per rule, downloads, and where it was saved."""
    report = st.session_state.get(Key.REVIEW_REPORT)
    if report is None:
        return
    st.subheader(t("review.page.report", lang))
    banner = {"block": st.error, "warn": st.warning, "info": st.info, "ok": st.success}[report.verdict]
    banner(verdict_text(report, lang))  # rule titles and citations come from the catalog, not from a file
    _figures(report, lang)
    st.dataframe(severity_table(panel_rows(report, lang), [f.severity for f in most_severe_first(report.findings)], lang),
                 hide_index=True, width="stretch", column_config=findings_columns(lang), key=Key.REVIEW_PANEL)
    _downloads(report, lang)
    save_panel(lang, report)
