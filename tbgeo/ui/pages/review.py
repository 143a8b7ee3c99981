"""Site review page: propose a site (draw, upload, type corners), review it, save it, decide on it."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path
from typing import Any

import streamlit as st

from tbgeo.errors import InputError, StoreBusyError, TbgeoError, report_internal_error
from tbgeo.i18n import fmt_number, t
from tbgeo.review.model import SEVERITY_ICONS, TECHNOLOGY_LEVELS
from tbgeo.ui.state import Key
from tbgeo.ui.text import error_text, plain, say


# -- cached resources ----------------------------------------------------------------------------
@st.cache_resource(show_spinner=False, max_entries=8)
def _context(versions: tuple[str, ...]) -> Any:
    from tbgeo.review.context import ReviewContext
    from tbgeo.ui import cache

    return ReviewContext.from_catalog(cache.catalog(), include_proposals=False)


def context() -> Any:
    """The review context: catalog layers (cached per active version) plus the stored proposals now."""
    from tbgeo.ui import cache
    from tbgeo.workspace import Workspace

    cat = cache.catalog()
    versions = cache.version_keys(tuple(lid for lid in cat.ids if cat.get(lid).kind == "vector"))
    ctx = _context(versions)
    frame = Workspace.open_existing().proposals_frame() if Workspace.exists() else None
    return ctx.with_proposals(frame)


@st.cache_resource(show_spinner=False)
def _sectors() -> list[Any]:
    from tbgeo.plan.sectors import load_sectors

    return load_sectors()


# -- site input ----------------------------------------------------------------------------------
def _set_site(site: Any) -> None:
    st.session_state[Key.REVIEW_SITE] = site.geometry if hasattr(site, "geometry") else site
    st.session_state[Key.REVIEW_SITE_SOURCE] = getattr(site, "source", "draw")
    st.session_state[Key.REVIEW_SITE_NOTES] = list(getattr(site, "notes", ()))
    if getattr(site, "name", ""):
        st.session_state[Key.REVIEW_SITE_NAME] = site.name
    st.session_state.pop(Key.REVIEW_REPORT, None)
    st.session_state.pop(Key.REVIEW_SAVED, None)
    st.session_state.pop(Key.REVIEW_SHEET_PDF, None)


def read_uploaded_site(name: str, data: bytes, crs: str, lang: str) -> tuple[Any | None, str | None]:
    """An uploaded site file read the one way site files are read (``site_from_file``: safe unpacking,
    CRS detection and limits as for uploads): (site, None), or (None, the message in ``lang``) for a
    bad file — and for a fault in tbgeo, the localized "internal error" with the details logged."""
    from tbgeo.review.site_input import check_site_file_size, site_from_file

    with tempfile.TemporaryDirectory(prefix="tbgeo-site-upload-") as tmp:
        path = Path(tmp) / (Path(name).name[-120:] or "site")  # a very long upload name still fits the disk
        try:
            check_site_file_size(name, len(data))  # before anything is written to disk
            path.write_bytes(data)
            return site_from_file(path, crs=crs or None, display_name=name), None
        except TbgeoError as exc:
            return None, error_text(exc, lang)
        except Exception as exc:  # a fault, not the file: said in the user's language, logged
            return None, report_internal_error(exc, lang)


def _site_tabs(lang: str) -> None:
    from tbgeo.review.site_input import SUFFIXES, site_from_coordinates

    tab_upload, tab_coords = st.tabs([t("review.page.tab_upload", lang), t("review.page.tab_coords", lang)])
    with tab_upload:
        up = st.file_uploader(t("review.page.upload", lang), type=[s.lstrip(".") for s in SUFFIXES], key=Key.REVIEW_UPLOAD)
        crs = st.text_input(t("review.page.upload_crs", lang), value="", key=Key.REVIEW_UPLOAD_CRS)
        if up is not None and st.button(t("review.page.use_file", lang), key=Key.REVIEW_USE_FILE):
            site, error = read_uploaded_site(up.name, up.getvalue(), crs, lang)
            if error is not None:
                st.error(error)
            else:
                _set_site(site)
                st.rerun()
    with tab_coords:
        system = st.radio(
            t("review.page.coords_system", lang), ["auto", "wgs84", "vn2000"],
            format_func=lambda k: t(f"review.page.system_{k}", lang), horizontal=True, key=Key.REVIEW_COORDS_SYSTEM,
        )
        text = st.text_area(t("review.page.coords", lang), placeholder=t("review.page.coords_hint", lang),
                            key=Key.REVIEW_COORDS, height=140)
        if st.button(t("review.page.use_coords", lang), key=Key.REVIEW_USE_COORDS):
            try:
                _set_site(site_from_coordinates(text, system=system))
            except InputError as exc:
                st.error(error_text(exc, lang))
            else:
                st.rerun()


def build_review_map(lang: str, *, site: Any | None, proposals: Any | None) -> Any:
    """The review map of ``tbgeo.mapping.maps`` on this session's cached layers."""
    from tbgeo.mapping.maps import REVIEW_LAYERS, review_map
    from tbgeo.ui import cache

    cat = cache.catalog()
    frames = cache.frames(tuple(lid for lid in REVIEW_LAYERS if lid in cat))
    return review_map(cat, frames, lang, site=site, proposals=proposals)


def _map(lang: str, proposals: Any) -> None:
    from streamlit_folium import st_folium

    from tbgeo.mapping import assets as webassets
    from tbgeo.review.site_input import site_from_draw_event

    if webassets.missing():
        st.warning(t("review.page.map_missing", lang))
        return
    st.caption(t("review.page.draw_hint", lang))
    m = build_review_map(lang, site=st.session_state.get(Key.REVIEW_SITE), proposals=proposals)
    event = st_folium(m, height=520, use_container_width=True, key=Key.REVIEW_MAP,
                      returned_objects=["last_active_drawing", "all_drawings"])
    if event and (event.get("last_active_drawing") or event.get("all_drawings")):
        marker = json.dumps(event.get("last_active_drawing"), sort_keys=True)
        if st.session_state.get(Key.REVIEW_LAST_DRAW) != marker:
            st.session_state[Key.REVIEW_LAST_DRAW] = marker
            try:
                _set_site(site_from_draw_event(event))
            except InputError as exc:
                st.error(error_text(exc, lang))
            else:
                st.rerun()


# -- attributes and review -----------------------------------------------------------------------
def _attributes_form(lang: str) -> tuple[Any, dict[str, float]] | None:
    from tbgeo.review.model import SiteAttrs
    from tbgeo.review.config import load_config

    cfg = load_config()
    sectors = _sectors()
    codes = [""] + [s.code for s in sectors]
    by_code = {s.code: s for s in sectors}

    def sector_label(code: str) -> str:
        if not code:
            return t("review.page.no_sector", lang)
        s = by_code[code]
        return f"{s.name(lang)} — {t(f'review.page.status_{s.status}', lang)}"

    with st.form(Key.REVIEW_FORM):
        c1, c2 = st.columns(2)
        name = c1.text_input(t("review.page.name", lang), value=st.session_state.get(Key.REVIEW_SITE_NAME, ""), key=Key.REVIEW_NAME)
        investor = c2.text_input(t("review.page.investor", lang), key=Key.REVIEW_INVESTOR)
        sector = st.selectbox(t("review.page.sector", lang), codes, format_func=sector_label, key=Key.REVIEW_SECTOR)
        c3, c4, c5 = st.columns(3)
        workforce = c3.number_input(t("review.page.workforce", lang), min_value=0, step=50, value=0, key=Key.REVIEW_WORKFORCE)
        investment = c4.number_input(t("review.page.investment", lang), min_value=0.0, step=10.0, value=0.0,
                                     key=Key.REVIEW_INVESTMENT)
        gas = c5.number_input(t("review.page.gas_use", lang), min_value=0.0, step=100.0, value=0.0, key=Key.REVIEW_GAS)
        tech = st.selectbox(t("review.page.technology", lang), [""] + list(TECHNOLOGY_LEVELS),
                            format_func=lambda v: t(f"review.value.{v}", lang) if v else t("review.page.not_stated", lang),
                            key=Key.REVIEW_TECHNOLOGY)
        st.markdown(t("review.page.payment_inputs", lang))
        c6, c7 = st.columns(2)
        rate = c6.number_input(t("review.page.levy_rate", lang), min_value=0.0, max_value=100.0,
                               value=float(cfg.rice.levy_rate_pct), step=5.0, key=Key.REVIEW_RATE)
        price = c7.number_input(t("review.page.land_price", lang), min_value=0.0,
                                value=float(cfg.rice.land_price_vnd_m2), step=10_000.0, key=Key.REVIEW_PRICE)
        submitted = st.form_submit_button(t("review.page.run", lang), type="primary")
    if not submitted:
        return None
    attrs = SiteAttrs(
        name=name.strip(), investor=investor.strip(), sector=sector or None, workforce=int(workforce) or None,
        investment_bvnd=float(investment) or None, gas_use_m3_day=float(gas) or None, technology=tech or None,
    )
    return attrs, {"levy_rate_pct": float(rate), "land_price_vnd_m2": float(price)}


def _run_review(lang: str, attrs: Any, inputs: dict[str, float]) -> None:
    import dataclasses

    from tbgeo.proposals import save_review, site_key
    from tbgeo.review.run import review_site
    from tbgeo.review.config import load_config
    from tbgeo.workspace import Workspace

    site = st.session_state.get(Key.REVIEW_SITE)
    if site is None:
        st.warning(t("review.page.no_site", lang))
        return
    stored = st.session_state.setdefault(Key.REVIEW_STORED_SITES, {})
    pid = stored.get(site_key(site))
    if pid is not None:  # its own stored proposal is no overlap
        attrs = dataclasses.replace(attrs, proposal_id=pid)
    try:
        cfg = load_config().with_inputs(**inputs)
        report = review_site(site, attrs=attrs, context=context(), config=cfg)
        saved = save_review(Workspace.open(), report, lang, user=st.session_state.get(Key.USER) or None, remember=stored)
    except TbgeoError as exc:
        st.error(error_text(exc, lang))
        return
    except Exception as exc:  # a fault, not the user's input: said in the user's language, logged
        st.error(report_internal_error(exc, lang))
        return
    st.session_state[Key.REVIEW_REPORT] = report
    st.session_state[Key.REVIEW_SAVED] = saved
    st.session_state.pop(Key.REVIEW_SHEET_PDF, None)


def panel_rows(report: Any, lang: str) -> list[dict[str, str]]:
    """The review panel's rows: traffic light, rule, value, citation, finding."""
    return [
        {
            t("review.page.col_light", lang): SEVERITY_ICONS[f.severity],
            t("review.page.col_rule", lang): f.title(lang),
            t("review.page.col_value", lang): f.value_text(lang),
            t("review.page.col_citation", lang): f.citation(lang),
            t("review.page.col_finding", lang): f.text(lang),
        }
        for f in report.findings
    ]


def _panel(lang: str) -> None:
    report = st.session_state.get(Key.REVIEW_REPORT)
    if report is None:
        return
    st.subheader(t("review.page.report", lang))
    verdict = t(f"review.severity.{report.verdict}", lang)
    banner = {"block": st.error, "warn": st.warning, "info": st.info, "ok": st.success}[report.verdict]
    banner(t("review.page.verdict", lang, verdict=verdict, icon=SEVERITY_ICONS[report.verdict]))
    facts = report.facts
    c1, c2, c3, c4 = st.columns(4)
    c1.metric(t("review.page.area", lang), f"{fmt_number(facts.area_ha, lang, 2)} ha")
    if facts.landuse is not None:
        c2.metric(t("review.page.rice", lang), f"{fmt_number(facts.landuse.rice_ha, lang, 2)} ha",
                  help=f"{fmt_number(facts.landuse.share * 100, lang, 1)} %")
        c3.metric("LUC", f"{fmt_number(facts.landuse.luc_ha, lang, 2)} ha")
        c4.metric("LUK", f"{fmt_number(facts.landuse.luk_ha, lang, 2)} ha")
        lu = facts.landuse
        if lu.unknown_ha > 0.005:
            st.warning(t("review.text.unknown", lang, unknown=fmt_number(lu.unknown_ha, lang, 2),
                         pct=fmt_number(lu.unknown_ha * 1e4 / lu.site_m2 * 100 if lu.site_m2 > 0 else 0.0, lang, 1)))
    if report.location is not None:  # former district and new commune(s); plain text (names come from layers)
        st.text(t("places.report_line", lang, where=report.location.text(lang)))
    st.dataframe(panel_rows(report, lang), hide_index=True, width="stretch", key=Key.REVIEW_PANEL)
    name = (facts.attrs.name or "site").replace(" ", "_")
    d1, d2, d3 = st.columns(3)
    d1.download_button(t("review.page.dl_json", lang), report.to_json(lang).encode("utf-8"), f"{name}.json",
                       "application/json", key=Key.REVIEW_DL_JSON)
    d2.download_button(t("review.page.dl_csv", lang), report.to_csv(lang).encode("utf-8-sig"), f"{name}.csv", "text/csv",
                       key=Key.REVIEW_DL_CSV)
    d3.download_button(t("review.page.dl_geojson", lang),
                       json.dumps(report.to_geojson(lang), ensure_ascii=False).encode("utf-8"), f"{name}.geojson",
                       "application/geo+json", key=Key.REVIEW_DL_GEOJSON)
    if st.button(t("review.sheet.make", lang), key=Key.REVIEW_SHEET_MAKE):
        st.session_state[Key.REVIEW_SHEET_PDF] = report.to_sheet(lang)
    if st.session_state.get(Key.REVIEW_SHEET_PDF):
        st.download_button(t("review.sheet.download", lang), st.session_state[Key.REVIEW_SHEET_PDF], f"{name}.pdf",
                           "application/pdf", key=Key.REVIEW_DL_SHEET)
    saved = st.session_state.get(Key.REVIEW_SAVED)
    if saved is not None:
        st.success(saved.message(lang, page=True))


# -- stored proposals, decisions, ledger ---------------------------------------------------------
def _proposals(lang: str) -> None:
    from tbgeo import proposals
    from tbgeo.workspace import Workspace

    st.subheader(t("review.page.proposals", lang))
    if not Workspace.exists():
        st.info(t("review.page.no_proposals", lang))
        return
    ws = Workspace.open_existing()
    items = ws.proposals()
    if not items:
        st.info(t("review.page.no_proposals", lang))
        return
    rows = []
    for p in items:
        rice = (p.report or {}).get("rice") or {}
        rows.append({
            "#": p.id,
            t("review.page.col_name", lang): p.name,
            t("review.page.col_status", lang): t(f"review.page.st_{p.status}", lang),
            t("review.page.area", lang): round(p.area_ha, 2),
            t("review.page.rice", lang): rice.get("total_ha"),
            t("review.page.col_verdict", lang): t(f"review.severity.{(p.report or {}).get('verdict', 'info')}", lang),
        })
    st.dataframe(rows, hide_index=True, width="stretch", key=Key.REVIEW_PROPOSALS_TABLE)
    pid = st.selectbox(t("review.page.pick", lang), [p.id for p in items],
                       format_func=lambda i: f"#{i} {next(p.name for p in items if p.id == i)}", key=Key.REVIEW_PICK)
    chosen = ws.proposal(pid)
    st.dataframe(
        [
            {
                t("review.page.col_when", lang): d.at,
                t("review.page.col_who", lang): d.by,
                t("review.page.col_from", lang): t(f"review.page.st_{d.status_from}", lang) if d.status_from else "",
                t("review.page.col_to", lang): t(f"review.page.st_{d.status_to}", lang) if d.status_to else "",
                t("review.page.col_comment", lang): d.comment,
            }
            for d in chosen.history
        ],
        hide_index=True, width="stretch", key=Key.REVIEW_HISTORY,
    )
    if chosen.revision_of is not None:
        st.caption(t("review.page.revision_of", lang, id=chosen.revision_of))
    if chosen.changes:
        st.markdown("**" + t("review.page.changes", lang) + "**")
        st.dataframe(
            [
                {
                    t("review.page.col_when", lang): c.at,
                    t("review.page.col_who", lang): c.by,
                    t("review.page.col_field", lang): c.field,
                    t("review.page.col_from", lang): c.old or "",
                    t("review.page.col_to", lang): c.new or "",
                }
                for c in chosen.changes
            ],
            hide_index=True, width="stretch", key=Key.REVIEW_CHANGES,
        )
    if st.button(t("review.page.recheck", lang), key=Key.REVIEW_RECHECK):
        from tbgeo.review.run import review_site
        from tbgeo.review.model import SiteAttrs
        from tbgeo.review.config import load_config

        try:
            attrs = SiteAttrs.from_dict({**chosen.attributes, "proposal_id": chosen.id})
            report = review_site(chosen.geometry, attrs=attrs, context=context(), config=load_config())
            saved = proposals.save_review(ws, report, lang, user=st.session_state.get(Key.USER) or None, proposal_id=pid)
        except TbgeoError as exc:
            st.error(error_text(exc, lang))
        else:
            if saved.how == "revised":
                st.success(saved.message(lang, page=True))
            else:
                st.success(t("review.page.rechecked", lang, id=pid, verdict=t(f"review.severity.{report.verdict}", lang)))
    with st.form(Key.REVIEW_DECISION):
        options = ["", *proposals.TRANSITIONS[chosen.status]]
        new = st.selectbox(t("review.page.new_status", lang), options,
                           format_func=lambda s: t(f"review.page.st_{s}", lang) if s else t("review.page.comment_only", lang),
                           key=Key.REVIEW_NEW_STATUS)
        comment = st.text_area(t("review.page.comment", lang), key=Key.REVIEW_COMMENT)
        user = st.text_input(t("review.page.user", lang), value=st.session_state.get(Key.USER, ""), key=Key.REVIEW_USER)
        go = st.form_submit_button(t("review.page.record", lang))
    if go:
        try:
            if new:
                proposals.set_status(ws, pid, new, user=user or None, comment=comment)
            elif comment.strip():
                ws.add_comment(pid, comment.strip(), user=user or None)
            else:
                st.warning(t("review.page.nothing", lang))
                return
        except TbgeoError as exc:  # bad decision, or the store is busy (another program writing)
            st.error(error_text(exc, lang))
            return
        st.success(t("review.page.recorded", lang, id=pid))
        st.rerun()


def _ledger(lang: str) -> None:
    from tbgeo.review.ledger import rice_ledger
    from tbgeo.review.config import load_config
    from tbgeo.workspace import Workspace

    st.subheader(t("review.page.ledger", lang))
    cfg = load_config().ledger
    ledger = rice_ledger(Workspace.open_existing().proposals() if Workspace.exists() else [], config=cfg)

    def row(r: Any, label: str) -> dict[str, Any]:
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

    rows = [row(r, r.district or t("review.page.outside", lang)) for r in ledger.rows]
    rows.append(row(ledger.total, t("review.page.total", lang)))
    st.dataframe(rows, hide_index=True, width="stretch", key=Key.REVIEW_LEDGER)
    st.caption(t("review.page.ledger_note", lang, quota=fmt_number(cfg.quota_ha, lang, 0)))
    for r in ledger.over_quota:
        st.warning(t("review.page.over_quota", lang, district=r.district if r.district != "__total__" else t("review.page.total", lang),
                     total=fmt_number(r.total_ha, lang, 2), quota=fmt_number(r.quota_ha or 0.0, lang, 2)))
    if ledger.merged:
        groups = "; ".join(" + ".join(f"#{i}" for i in g) for g in ledger.merged)
        st.caption(t("review.page.ledger_merged", lang, groups=groups))
    if ledger.skipped:
        st.caption(t("review.page.ledger_skipped", lang, ids=", ".join(f"#{i}" for i in ledger.skipped)))


def render(lang: str) -> None:
    st.title(t("review.page.title", lang))
    st.caption(t("review.page.intro", lang))
    try:
        ctx = context()
    except TbgeoError as exc:  # a bad layer file, or the store busy (another program writing to it)
        st.error(error_text(exc, lang))
        return
    _map(lang, ctx.proposals)
    _site_tabs(lang)
    site = st.session_state.get(Key.REVIEW_SITE)
    if site is not None:
        st.info(say("review.page.site_ready", lang, area=fmt_number(site.area / 1e4, lang, 2),
                  source=st.session_state.get(Key.REVIEW_SITE_SOURCE, "")))
        from tbgeo.review.site_input import note_text

        for note in st.session_state.get(Key.REVIEW_SITE_NOTES, []):
            st.caption(plain(note_text(note, lang)))
    else:
        st.info(t("review.page.no_site", lang))
    result = _attributes_form(lang)
    if result is not None:
        _run_review(lang, *result)
    _panel(lang)
    for part in (_proposals, _ledger):
        try:
            part(lang)
        except StoreBusyError as exc:  # the site tools above stay usable while the store is busy
            st.error(error_text(exc, lang))
