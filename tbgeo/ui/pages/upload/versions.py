"""Upload page, below the form: the layer's versions (how each was made, what it changed), making an
earlier one active again (the one before the active one offered first), and export downloads."""

from __future__ import annotations

import streamlit as st

from tbgeo.catalog import load_catalog
from tbgeo.errors import TbgeoError
from tbgeo.i18n import t
from tbgeo.ingest.export import FORMATS, export_bytes
from tbgeo.ingest.versions import rollback
from tbgeo.store import LayerVersion, open_store
from tbgeo.ui import tables
from tbgeo.ui.signin import actor
from tbgeo.ui.state import Key
from tbgeo.ui.text import error_text, say

__all__ = ["versions_part", "rollback_default"]

#: The rollback choice that stands for the shipped data.
SHIPPED = 0


def rollback_default(versions: list[LayerVersion]) -> int:
    """The version a rollback offers first: the one before the active version (the shipped data only
    when the active one is the first); the latest when the shipped data is in use."""
    active = next((v.version for v in versions if v.active), None)
    if active is None:
        return versions[-1].version if versions else SHIPPED
    earlier = [v.version for v in versions if v.version < active]
    return max(earlier) if earlier else SHIPPED


def _change(v: LayerVersion, lang: str) -> str:
    diff = v.details.get("diff") or {}
    if "before" not in diff:
        return ""
    return t("ingest.ui_change_cell", lang, before=diff["before"], after=diff["after"])


def _table(versions: list[LayerVersion], lang: str) -> None:
    rows = [
        {
            t("ingest.ui_col_version", lang): v.version,
            t("ingest.ui_col_active", lang): "✓" if v.active else "",
            t("ingest.ui_col_created", lang): v.created_at,
            t("ingest.ui_col_by", lang): v.created_by,
            t("ingest.ui_col_file", lang): v.source_name,
            t("ingest.ui_col_mode", lang): t(f"ingest.mode_{v.details.get('mode', 'replace')}", lang),
            t("ingest.ui_col_change", lang): _change(v, lang),
            t("ingest.ui_col_features", lang): v.features,
            t("ingest.ui_col_crs", lang): f"EPSG:{v.details.get('crs', {}).get('epsg')}",
            t("ingest.ui_col_encoding", lang): v.details.get("encoding", {}).get("detected", ""),
            t("ingest.ui_col_sha", lang): v.sha256[:16] + "…",
        }
        for v in versions
    ]
    tables.show(rows, lang, times=[t("ingest.ui_col_created", lang)], hide_index=True, width="stretch")


def _rollback(layer_id: str, title: str, versions: list[LayerVersion], lang: str) -> None:
    options = [SHIPPED] + [v.version for v in versions]
    in_use = next((v.version for v in versions if v.active), SHIPPED)
    # a new widget for each state of the layer (its versions, the one in use): the browser remembers a
    # keyed widget's last choice, so only a new key shows the new default (the one before the active)
    chosen = st.selectbox(
        t("ingest.ui_rollback_select", lang),
        options,
        index=options.index(rollback_default(versions)),
        format_func=lambda v: t("ingest.ui_shipped", lang) if v == SHIPPED else f"v{v}",
        key=f"{Key.INGEST_ROLLBACK}_{layer_id}_{len(versions)}_{in_use}",
    )
    if st.button(t("ingest.ui_rollback_button", lang)):
        active = rollback(open_store(create=False), layer_id, chosen or None, actor=actor())
        shown = active.version if active else t("ingest.ui_shipped", lang)
        st.session_state[Key.INGEST_FLASH] = say("ingest.ui_rollback_done", lang, version=shown, layer=title)
        st.rerun()  # the table above shows the version now in use


def _export(layer_id: str, lang: str) -> None:
    st.subheader(t("ingest.ui_export_title", lang))
    fmt = st.selectbox(t("ingest.ui_export_format", lang), FORMATS, key=Key.INGEST_EXPORT_FORMAT)
    if st.button(t("ingest.ui_export_prepare", lang)):
        try:
            st.session_state[Key.INGEST_EXPORT] = (layer_id, fmt, *export_bytes(layer_id, fmt=fmt, actor=actor()))
        except TbgeoError as exc:
            st.session_state.pop(Key.INGEST_EXPORT, None)
            st.error(error_text(exc, lang))
    ready = st.session_state.get(Key.INGEST_EXPORT)
    if ready and ready[0] == layer_id and ready[1] == fmt:
        st.download_button(t("ingest.ui_export_button", lang, name=ready[2]), ready[3], file_name=ready[2])


def versions_part(layer_id: str, lang: str, *, rollback: bool = True, export: bool = True) -> None:
    """The versions table of ``layer_id``; its rollback and export controls when ``rollback`` and
    ``export`` (the user's rights) allow them."""
    title = load_catalog(check_data=False).get(layer_id).title(lang)
    st.subheader(t("ingest.ui_versions_title", lang, layer=title))
    flash = st.session_state.pop(Key.INGEST_FLASH, None)
    if flash:
        st.success(flash)
    versions = open_store(create=False).versions(layer_id)
    if not versions:
        st.info(t("ingest.ui_versions_none", lang))
    else:
        _table(versions, lang)
        if rollback:
            _rollback(layer_id, title, versions, lang)
    if export:
        _export(layer_id, lang)
