"""The review page's stored proposals: the list (archived and deleted ones on request), one proposal's
findings, history and changes, opening it into the review form, re-check, tidying a draft, decisions."""

from __future__ import annotations

from typing import Any

import streamlit as st

from tbgeo import proposals as lifecycle
from tbgeo.auth import allowed
from tbgeo.errors import TbgeoError
from tbgeo.i18n import t
from tbgeo.places.locate import locate
from tbgeo.review.record import render_record
from tbgeo.store import open_store
from tbgeo.ui import tables
from tbgeo.ui.pages.review.changes import field_label, field_value
from tbgeo.ui.pages.review.context import base_context, context
from tbgeo.ui.pages.review.report import findings_columns, severity_table
from tbgeo.ui.signin import actor
from tbgeo.ui.state import Key
from tbgeo.ui.text import bold, error_text

__all__ = ["proposals_part"]


def _status(status: str | None, lang: str) -> str:
    return t(f"review.page.st_{status}", lang) if status else ""


def _table(items: list[Any], lang: str) -> None:
    rows = []
    for p in items:
        report = p.report or {}
        rows.append({
            "#": p.id,
            t("review.page.col_name", lang): lifecycle.display_name(p.name, lang),
            t("review.page.col_status", lang): _status(p.status, lang),
            t("review.page.area", lang): round(p.area_ha, 2),
            t("review.page.rice", lang): (report.get("rice") or {}).get("total_ha"),
            t("review.page.col_verdict", lang): t(f"review.severity.{report.get('verdict', 'info')}", lang),
        })
    tables.show(rows, lang, hide_index=True, width="stretch", key=Key.REVIEW_PROPOSALS_TABLE)


def _findings(chosen: Any, lang: str) -> None:
    """The stored review's findings in the reader's language (``render_record``), as the review panel shows them."""
    findings = render_record(chosen.report or {}, lang).get("findings") or []
    if not findings:
        return
    rows = [
        {
            t("review.page.col_light", lang): t(f"review.severity.{f.get('severity', 'info')}", lang),
            t("review.page.col_rule", lang): f.get("title", f.get("rule", "")),
            t("review.page.col_value", lang): f.get("value_text", "—"),
            t("review.page.col_citation", lang): f.get("citation", ""),
            t("review.page.col_finding", lang): f.get("message", ""),
        }
        for f in findings
    ]
    st.dataframe(severity_table(rows, [str(f.get("severity", "info")) for f in findings], lang), hide_index=True,
                 width="stretch", column_config=findings_columns(lang))


def _history(chosen: Any, lang: str) -> None:
    """Its decisions and comments, what it is a revision of, and every field a review changed."""
    tables.show(
        [
            {
                t("review.page.col_when", lang): d.at,
                t("review.page.col_who", lang): d.by,
                t("review.page.col_from", lang): _status(d.status_from, lang),
                t("review.page.col_to", lang): _status(d.status_to, lang),
                t("review.page.col_comment", lang): lifecycle.decision_text(d, lang),
            }
            for d in chosen.history
        ],
        lang, times=[t("review.page.col_when", lang)], hide_index=True, width="stretch", key=Key.REVIEW_HISTORY,
    )
    if chosen.revision_of is not None:
        st.caption(t("review.page.revision_of", lang, id=chosen.revision_of))
    if chosen.changes:
        st.markdown("**" + t("review.page.changes", lang) + "**")
        tables.show(
            [
                {
                    t("review.page.col_when", lang): c.at,
                    t("review.page.col_who", lang): c.by,
                    t("review.page.col_field", lang): field_label(c.field, lang),
                    t("review.page.col_from", lang): field_value(c.field, c.old, lang),
                    t("review.page.col_to", lang): field_value(c.field, c.new, lang),
                }
                for c in chosen.changes
            ],
            lang, times=[t("review.page.col_when", lang)], hide_index=True, width="stretch", key=Key.REVIEW_CHANGES,
        )


def _recheck(ws: Any, chosen: Any, lang: str) -> None:
    """Review the proposal again on today's layers and save it (a revision when it has been decided)."""
    from tbgeo.review.config import load_config
    from tbgeo.review.model import SiteAttrs
    from tbgeo.review.run import review_site

    try:
        attrs = SiteAttrs.from_dict({**chosen.attributes, "proposal_id": chosen.id})
        report = review_site(chosen.geometry, attrs=attrs, context=context(), config=load_config())
        saved = lifecycle.save_review(ws, report, lang, actor=actor(), proposal_id=chosen.id,
                                      expected=chosen.row_version)
    except TbgeoError as exc:
        st.error(error_text(exc, lang))
        return
    if saved.how == "revised":
        st.success(saved.message(lang, page=True))
    else:
        st.success(t("review.page.rechecked", lang, id=chosen.id, verdict=t(f"review.severity.{report.verdict}", lang)))


def _blocking_titles(chosen: Any, lang: str) -> list[str]:
    """The findings that block in the proposal's stored review, in the reader's language (none unless it blocks)."""
    report = render_record(chosen.report or {}, lang)
    if report.get("verdict") != "block":
        return []
    return [f"{f.get('title', f.get('rule', ''))} ({f.get('citation', '')})"
            for f in report.get("findings") or [] if f.get("severity") == "block"] or [t("review.severity.block", lang)]


def _decision(ws: Any, chosen: Any, lang: str) -> None:
    """The decision form: a new status (as the life cycle and the user's roles allow) or a comment,
    recorded under the signed-in name; made on the proposal as shown (a change meanwhile is refused).
    For a proposal whose review blocks, the reason an approval needs (the domain refuses one without it)."""
    who = actor()
    # the proposal as this person last saw it: a decision is made on that view, and refused when the
    # stored proposal has moved on since (the form is submitted on a rerun that reads it anew)
    seen = st.session_state.get(Key.REVIEW_SEEN)
    shown: Any = seen if seen is not None and getattr(seen, "id", None) == chosen.id else chosen
    st.session_state[Key.REVIEW_SEEN] = chosen
    allowed_now = lifecycle.statuses_for(who, shown)
    if not allowed_now and not allowed(who, "proposal.comment"):  # an admin tidying: no decision, no comment
        return
    blocking = _blocking_titles(chosen, lang) if "approved" in allowed_now else []
    with st.form(Key.REVIEW_DECISION):
        options = ["", *allowed_now]
        new = st.selectbox(t("review.page.new_status", lang), options,
                           format_func=lambda s: _status(s, lang) or t("review.page.comment_only", lang),
                           key=Key.REVIEW_NEW_STATUS)
        reason = ""
        if blocking:
            st.warning(t("review.page.override_warning", lang, findings="; ".join(blocking)))  # plain: titles are ours
            reason = st.text_area(t("review.page.override_reason", lang), key=Key.REVIEW_OVERRIDE_REASON)
        comment = st.text_area(t("review.page.comment", lang), key=Key.REVIEW_COMMENT)
        go = st.form_submit_button(t("review.page.record", lang))
    if not go:
        return
    try:
        if new:
            lifecycle.set_status(ws, chosen.id, new, actor=who, comment=comment, expected=shown.row_version,
                                 override_reason=reason if new == "approved" and reason.strip() else None)
        elif comment.strip():
            lifecycle.comment(ws, chosen.id, comment, actor=who)
        else:
            st.warning(t("review.page.nothing", lang))
            return
    except TbgeoError as exc:  # bad decision, or the store is busy (another program writing)
        st.error(error_text(exc, lang))
        return
    st.success(t("review.page.recorded", lang, id=chosen.id))
    st.session_state.pop(Key.REVIEW_SEEN, None)  # the next view is the proposal as decided
    st.rerun()


def _reopen(chosen: Any, lang: str) -> None:
    """Fill the review form with a stored proposal (a button's callback: before the form is drawn):
    its site, name, project details and payment inputs; saving the next review updates this proposal (the page's
    memory of which site went where, ``Key.REVIEW_STORED_SITES``), a decided one gets a revision."""
    from tbgeo.review.model import TECHNOLOGY_LEVELS, SiteAttrs
    from tbgeo.ui.pages.review.context import sectors

    attrs = SiteAttrs.from_dict(chosen.attributes)
    state = st.session_state
    state[Key.REVIEW_SITE] = chosen.geometry
    state[Key.REVIEW_SITE_SOURCE] = t("review.page.from_proposal", lang, id=chosen.id)
    state[Key.REVIEW_SITE_NOTES] = []
    state[Key.REVIEW_SITE_NAME] = state[Key.REVIEW_NAME] = chosen.name
    state[Key.REVIEW_INVESTOR] = attrs.investor or ""
    state[Key.REVIEW_SECTOR] = attrs.sector if attrs.sector in {s.code for s in sectors()} else ""
    state[Key.REVIEW_WORKFORCE] = int(attrs.workforce or 0)
    state[Key.REVIEW_INVESTMENT] = float(attrs.investment_bvnd or 0.0)
    state[Key.REVIEW_GAS] = float(attrs.gas_use_m3_day or 0.0)
    state[Key.REVIEW_TECHNOLOGY] = attrs.technology if attrs.technology in TECHNOLOGY_LEVELS else ""
    inputs = (chosen.report or {}).get("inputs") or {}  # the payment inputs it was reviewed with
    for key, name in ((Key.REVIEW_RATE, "levy_rate_pct"), (Key.REVIEW_PRICE, "land_price_vnd_m2")):
        if isinstance(inputs.get(name), (int, float)) and inputs[name] >= 0:
            state[key] = float(inputs[name])
    state.setdefault(Key.REVIEW_STORED_SITES, {})[lifecycle.site_key(chosen.geometry)] = chosen.id
    state[Key.REVIEW_REOPENED] = chosen.id
    state[Key.REVIEW_EDITING] = (chosen.id, chosen.row_version)
    for key in (Key.REVIEW_REPORT, Key.REVIEW_SAVED, Key.REVIEW_SHEET_PDF):
        state.pop(key, None)


_TIDY = {"archived": (lifecycle.archive_draft, "review.page.archive", Key.REVIEW_ARCHIVE, "review.page.archived"),
         "deleted": (lifecycle.delete_draft, "review.page.delete", Key.REVIEW_DELETE, "review.page.deleted"),
         "draft": (lifecycle.restore_draft, "review.page.restore", Key.REVIEW_RESTORE, "review.page.restored")}


def _tidy(ws: Any, chosen: Any, lang: str) -> None:
    """Archive, delete or restore a draft, as the user's rights allow (``tbgeo.proposals``), on the
    proposal as shown (a change meanwhile is refused)."""
    seen = st.session_state.get(Key.REVIEW_SEEN)
    shown: Any = seen if seen is not None and getattr(seen, "id", None) == chosen.id else chosen
    actions = lifecycle.tidy_actions_for(actor(), shown)
    if not actions:
        return
    st.markdown(bold("review.page.tidy_title", lang))
    columns = st.columns(len(actions))
    for column, status in zip(columns, actions, strict=True):
        call, label, key, done = _TIDY[status]
        if not column.button(t(label, lang), key=key):
            continue
        try:
            call(ws, chosen.id, actor=actor(), expected=shown.row_version)
        except TbgeoError as exc:
            st.error(error_text(exc, lang))
            return
        st.session_state[Key.REVIEW_TIDIED] = (done, chosen.id)
        st.session_state.pop(Key.REVIEW_SEEN, None)
        st.rerun()


def proposals_part(lang: str) -> None:
    """The stored proposals (archived and deleted ones when asked); one chosen, with its history,
    opening it into the form, a re-check, tidying a draft and the decision form."""
    st.subheader(t("review.page.proposals", lang))
    tidied = st.session_state.pop(Key.REVIEW_TIDIED, None)
    if tidied is not None:
        st.success(t(tidied[0], lang, id=tidied[1]))
    reopened = st.session_state.pop(Key.REVIEW_REOPENED, None)
    if reopened is not None:
        st.info(t("review.page.reopened", lang, id=reopened))
    ws = open_store(create=False)
    everything = ws.proposals()
    show_hidden = st.checkbox(t("review.page.show_hidden", lang), key=Key.REVIEW_SHOW_HIDDEN) if any(
        p.status not in lifecycle.LISTED_STATUSES for p in everything) else False
    items = [p for p in everything if show_hidden or p.status in lifecycle.LISTED_STATUSES]
    if len(items) < len(everything):
        st.caption(t("review.page.hidden_count", lang, n=len(everything) - len(items)))
    if not items:
        st.info(t("review.page.no_proposals", lang))
        return
    _table(items, lang)
    names = {p.id: lifecycle.display_name(p.name, lang) for p in items}
    pid = st.selectbox(t("review.page.pick", lang), list(names), format_func=lambda i: f"#{i} {names[i]}",
                       key=Key.REVIEW_PICK)
    chosen = ws.proposal(pid)
    if chosen.geometry is not None and not chosen.geometry.is_empty:
        # where it is in both systems, measured now (a commune layer imported since the review counts)
        base = base_context()
        where = locate(chosen.geometry, districts=base.districts, communes=base.communes)
        st.text(t("places.report_line", lang, where=where.text(lang)))  # plain text: names come from layers
    _findings(chosen, lang)
    _history(chosen, lang)
    if allowed(actor(), "review") and chosen.status in lifecycle.LISTED_STATUSES:
        left, right = st.columns(2)
        left.button(t("review.page.reopen", lang), key=Key.REVIEW_REOPEN, on_click=_reopen, args=(chosen, lang))
        if right.button(t("review.page.recheck", lang), key=Key.REVIEW_RECHECK):
            _recheck(ws, chosen, lang)
    _tidy(ws, chosen, lang)
    if chosen.status in lifecycle.LISTED_STATUSES:  # an archived or deleted draft takes no decision
        _decision(ws, chosen, lang)
    else:
        st.session_state[Key.REVIEW_SEEN] = chosen  # the view a restore is made on
