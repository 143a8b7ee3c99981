"""Upload page, steps 3–4: which column fills each field; how the file changes the layer (replace it,
append to it, update it by a key column) with the difference that makes, said before anything is
written; and the import itself, which a replace that removes features waits to be confirmed for."""

from __future__ import annotations

import dataclasses

import streamlit as st

from tbgeo.catalog import load_catalog
from tbgeo.errors import TbgeoError
from tbgeo.i18n import t
from tbgeo.ingest.merge import MODES, ImportDiff
from tbgeo.ingest.messages import render_messages
from tbgeo.ingest.pipeline import ImportPlan, commit_import, compose
from tbgeo.ingest.steps import Note
from tbgeo.ingest.steps.classes import PREFIX as CLASS_NOTES
from tbgeo.store import open_store
from tbgeo.ui import ingest_state as state_fns
from tbgeo.ui.signin import actor
from tbgeo.ui.state import Key
from tbgeo.ui.text import bold, plain, say

__all__ = ["column_mapping", "confirm"]


def column_mapping(plan: ImportPlan, lang: str) -> dict[str, str | None]:
    """Step 3: the source column of each field of the layer (suggested from names and content)."""
    st.subheader(t("ingest.ui_step_mapping", lang))
    st.caption(t("ingest.ui_mapping_help", lang))
    source_columns = [c for c in plan.frame.columns if c not in (plan.frame.geometry.name, "_src_fid")]
    none = t("ingest.ui_mapping_none", lang)
    opts = [none, *source_columns]
    grid = st.columns(3)
    mapping: dict[str, str | None] = {}
    for i, f in enumerate(plan.fields):
        suggested = plan.mapping.get(f.name)
        choice = grid[i % 3].selectbox(
            f.name, opts, index=opts.index(suggested) if suggested in opts else 0, key=f"{Key.INGEST_MAP}_{f.name}"
        )
        mapping[f.name] = None if choice == none else choice
    return mapping


def _key_options(plan: ImportPlan, mapping: dict[str, str | None]) -> list[str]:
    """The columns an update can match by: the fields filled from the file, then its other columns."""
    used = {c for c in mapping.values() if c}
    others = [str(c) for c in plan.frame.columns if c not in (plan.frame.geometry.name, "_src_fid") and c not in used]
    return [f for f, c in mapping.items() if c] + others


def _mode(plan: ImportPlan, mapping: dict[str, str | None], lang: str) -> ImportPlan:
    """The plan with the mode (and, for an update, the key column) the user chose."""
    mode = st.radio(t("ingest.ui_mode", lang), MODES, format_func=lambda m: t(f"ingest.ui_mode_{m}", lang),
                    key=Key.INGEST_MODE)
    key: str | None = None
    if mode == "update":
        options = _key_options(plan, mapping)
        label = load_catalog(check_data=False).get(plan.layer_id).label_field
        key = st.selectbox(t("ingest.ui_key", lang), options, index=options.index(label) if label in options else 0,
                           format_func=plain, key=Key.INGEST_KEY) if options else None
    return dataclasses.replace(plan, mode=str(mode), key=key)


def _difference(plan: ImportPlan, mapping: dict[str, str | None], lang: str) -> ImportDiff | None:
    """Show what the import changes (counted against the layer as it is in the store now); None when
    the choices cannot be imported (the refusal is shown)."""
    def build() -> tuple[ImportDiff, list[Note]]:
        composed = compose(plan, column_map=mapping)
        said = [n for n in composed.warnings if n[0].startswith(CLASS_NOTES) or n not in plan.warnings]
        return composed.diff, said

    st.markdown(bold("ingest.ui_diff_title", lang))
    key = (id(st.session_state.get(Key.INGEST_PLAN)), plan.mode, plan.key, tuple(mapping.items()),
           open_store(create=False).revision())
    try:
        with st.spinner(t("ingest.progress.comparing", lang)):  # the layer's data read and compared, once
            diff, notes = state_fns.cached_diff(st.session_state, key, build)
    except TbgeoError as exc:
        st.error(say("ingest.ui_refused", lang, message=exc.message(lang)))
        return None
    summary, *details = render_messages(diff.notes(), lang)
    st.info(plain(summary))
    for line in details:
        st.markdown(plain(line))
    for line in render_messages(notes, lang):
        st.warning(plain(line))
    return diff


def _removal_confirmed(diff: ImportDiff | None, lang: str) -> bool:
    """A replace that removes features is imported only once the user ticks that they mean it."""
    if diff is None or not diff.needs_confirmation:
        return True
    ok = st.checkbox(t("ingest.ui_confirm_removal", lang, removed=diff.removed, before=diff.before, after=diff.after),
                     key=Key.INGEST_CONFIRM_REMOVAL)
    if not ok:
        st.info(t("ingest.ui_confirm_removal_needed", lang))
    return bool(ok)


def confirm(plan: ImportPlan, mapping: dict[str, str | None], crs_confirmed: bool, lang: str) -> None:
    """Step 4: the mode, the difference, what still needs a decision, and the import button."""
    st.subheader(t("ingest.ui_step_confirm", lang))
    plan = _mode(plan, mapping, lang)
    insist = False
    if plan.landing.where == "outside":
        insist = st.checkbox(t("ingest.ui_insist", lang), key=Key.INGEST_INSIST)
    ready = crs_confirmed and not plan.blocking(insist=insist)
    if not (plan.crs_settled and crs_confirmed):
        st.info(t("ingest.ui_crs_must_confirm", lang))
    diff = _difference(plan, mapping, lang) if ready else None
    removal_ok = _removal_confirmed(diff, lang)
    if st.button(t("ingest.ui_import_button", lang), type="primary", disabled=diff is None or not removal_ok):
        _commit(plan, mapping, lang, insist=insist, diff=diff, confirm_removal=removal_ok)


def _commit(plan: ImportPlan, mapping: dict[str, str | None], lang: str, *, insist: bool, diff: ImportDiff | None,
            confirm_removal: bool) -> None:
    """Import (refused if the layer changed since ``diff`` was shown), keep the report, show it."""
    with st.spinner(t("ingest.progress.importing", lang)):
        result = commit_import(plan, actor=actor(), column_map=mapping, insist=insist, confirm_removal=confirm_removal,
                               expected=diff)
    report = result.to_dict(lang)
    del plan, result
    # the report stays; the copy, the read frame and the plan go (and the uploader starts afresh)
    state_fns.after_commit(st.session_state, report)
    st.rerun()
