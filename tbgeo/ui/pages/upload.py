"""Upload page: file → detected CRS and encoding with a preview → column mapping → confirm → report;
plus the layer's versions with rollback, and export downloads."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

import pandas as pd
import streamlit as st

from tbgeo.catalog import load_catalog
from tbgeo.errors import CRSError, TbgeoError
from tbgeo.i18n import t
from tbgeo.i18n.params import fmt_value
from tbgeo.ingest import encoding as enc
from tbgeo.ingest.export import FORMATS, export_bytes
from tbgeo.ingest.pipeline import (
    ImportPlan,
    build_plan,
    commit_import,
    read_source,
    source_layers,
)
from tbgeo.ingest.steps.crs import KEEP_DECLARED
from tbgeo.ingest.versions import rollback
from tbgeo.mapping.maps import preview_map
from tbgeo.store import open_store
from tbgeo.ui import ingest_state as state_fns
from tbgeo.ui.signin import actor
from tbgeo.ui.state import Key
from tbgeo.ui.text import error_text, plain, say

log = logging.getLogger(__name__)

__all__ = ["render"]


_UPLOAD_TYPES = ["zip", "gpkg", "geojson", "json", "kml", "kmz", "dxf"]
_SWAPPED = ("ingest.crs_axes_swapped", "ingest.crs_axes_swapped_deg")


def _plan(src: Any, layer_id: str, crs: str | None, encoding: str | dict[str, str] | None) -> ImportPlan:
    """The session's one plan (another choice replaces it: no cache of reprojected frames)."""
    skip = bool(st.session_state.get(Key.INGEST_SKIP_OTHER_TYPES, False))
    swap = bool(st.session_state.get(Key.INGEST_SWAP_AXES, False))
    enc_key = tuple(sorted(encoding.items())) if isinstance(encoding, dict) else encoding
    key = (src.sha256, src.chosen, layer_id, crs, enc_key, skip, swap)
    return state_fns.cached_plan(
        st.session_state,
        key,
        lambda: build_plan(src, layer_id=layer_id, crs=crs, encoding=encoding, skip_other_types=skip, swap_axes=swap),
    )


def _detected(src: Any, layer_id: str, encoding: str | dict[str, str] | None) -> tuple[Any, dict[str, str]]:
    """The CRS detection and the text columns' detected encodings of the plan as detected (no choice
    made), kept as a small summary so that choosing another CRS does not keep a second plan."""
    skip = bool(st.session_state.get(Key.INGEST_SKIP_OTHER_TYPES, False))
    swap = bool(st.session_state.get(Key.INGEST_SWAP_AXES, False))
    enc_key = tuple(sorted(encoding.items())) if isinstance(encoding, dict) else encoding
    key = (src.sha256, src.chosen, layer_id, enc_key, skip, swap)
    cached = st.session_state.get(Key.INGEST_BASE)
    if cached and cached[0] == key:
        return cached[1]
    base = _plan(src, layer_id, None, encoding)
    summary = (base.crs, dict(base.encoding_dict()["columns"]))
    st.session_state[Key.INGEST_BASE] = (key, summary)
    return summary


def _crs_step(det: Any, src: Any, lang: str) -> tuple[str | None, bool]:
    """Show the detected CRS and, when there is a choice, the candidates.

    Returns (the ``crs`` value to plan with, or None for the detection as is; whether it is confirmed).
    """
    source = t(f"ingest.ui_crs_source_{det.source}", lang)
    st.markdown(say("ingest.ui_crs_detected", lang, detected=det.detected, epsg=det.epsg or "—", source=source))
    labels: dict[str, str] = {}
    for c in det.candidates[:6]:
        extra = f" — {fmt_value(c.distance_km, lang, digits=1)} km" if c.distance_km else ""
        labels[str(c.epsg)] = f"EPSG:{c.epsg} ({c.name}){extra}"
    if det.status in ("mislabelled", "datum_unknown") and src.declared_crs:
        labels[KEEP_DECLARED[0]] = t("ingest.ui_crs_keep", lang)
    if not labels:
        return None, True
    options = list(labels)
    choice = st.radio(t("ingest.ui_crs_choose", lang), options, format_func=labels.__getitem__, key=Key.INGEST_CRS)
    if det.needs_confirmation:
        confirmed = st.checkbox(t("ingest.ui_crs_confirm", lang), key=Key.INGEST_CRS_OK)
        return choice, bool(confirmed)
    return (None if choice == options[0] else choice), True


def _report(result: dict[str, Any], lang: str) -> None:
    st.subheader(t("ingest.ui_step_report", lang))
    st.success(t("ingest.ui_report_done", lang, version=result["version"], layer=result["layer"]))
    _counts(result, lang)
    if result["warnings"]:
        st.markdown(f"**{t('ingest.ui_warnings', lang)}**")
        for w in result["warnings"]:
            st.warning(plain(w))


def _counts(data: dict[str, Any], lang: str) -> None:
    cols = st.columns(6)
    for col, (key, value) in zip(
        cols,
        (
            ("ingest.ui_count_in", data["features_in"]),
            ("ingest.ui_count_out", data["features_out"]),
            ("ingest.ui_count_repaired", data["repaired"]),
            ("ingest.ui_count_dropped", data["dropped"]),
            ("ingest.ui_count_outside", data["outside_province"]),
            ("ingest.ui_count_duplicates", data["duplicates"]),
        ),
    ):
        col.metric(t(key, lang), value)


def _versions(layer_id: str, lang: str) -> None:
    st.subheader(t("ingest.ui_versions_title", lang, layer=layer_id))
    versions = open_store(create=False).versions(layer_id)
    if not versions:
        st.info(t("ingest.ui_versions_none", lang))
    else:
        rows = [
            {
                t("ingest.ui_col_version", lang): v.version,
                t("ingest.ui_col_active", lang): "✓" if v.active else "",
                t("ingest.ui_col_created", lang): v.created_at,
                t("ingest.ui_col_by", lang): v.created_by,
                t("ingest.ui_col_file", lang): v.source_name,
                t("ingest.ui_col_features", lang): v.features,
                t("ingest.ui_col_crs", lang): f"EPSG:{v.details.get('crs', {}).get('epsg')}",
                t("ingest.ui_col_encoding", lang): v.details.get("encoding", {}).get("detected", ""),
                t("ingest.ui_col_sha", lang): v.sha256[:16] + "…",
            }
            for v in versions
        ]
        st.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch")
        options = [0] + [v.version for v in versions]
        chosen = st.selectbox(
            t("ingest.ui_rollback_select", lang),
            options,
            format_func=lambda v: t("ingest.ui_shipped", lang) if v == 0 else f"v{v}",
            key=Key.INGEST_ROLLBACK,
        )
        if st.button(t("ingest.ui_rollback_button", lang)):
            active = rollback(open_store(create=False), layer_id, chosen or None, actor=actor())
            st.success(t("ingest.ui_rollback_done", lang, version=active.version if active else t("ingest.ui_shipped", lang), layer=layer_id))
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


def render(lang: str) -> None:
    st.title(t("ingest.page_title", lang))
    st.caption(t("ingest.ui_intro", lang))
    catalog = load_catalog(check_data=False)
    # vector layers, and the land-use raster (an import replaces it with polygons carrying land-use codes)
    layers = [lyr for lyr in catalog if lyr.kind == "vector" or lyr.raster_classes]
    layers += list(catalog.optional)  # layers shipped without data (communes_2025): imported here first
    if not layers:
        st.info(t("ingest.ui_no_layers", lang))
        return
    st.subheader(t("ingest.ui_step_file", lang))
    ids = [lyr.id for lyr in layers]
    layer_id = st.selectbox(
        t("ingest.ui_target_layer", lang),
        ids,
        index=ids.index("industrial_parks") if "industrial_parks" in ids else 0,  # what staff update most
        format_func=lambda i: f"{catalog.get(i).title(lang)} ({i})",
        key=Key.INGEST_LAYER,
    )
    # a new widget after each import, so Streamlit lets go of the uploaded bytes too
    generation = int(st.session_state.get(Key.INGEST_UPLOADER, 0))
    uploaded = st.file_uploader(t("ingest.ui_uploader", lang), type=_UPLOAD_TYPES, key=f"{Key.INGEST_UPLOADER}_{generation}")
    data: Callable[[], bytes] | None = None
    if uploaded is not None:
        data = uploaded.getvalue
        state_fns.save_upload(st.session_state, uploaded.name, data, file_id=getattr(uploaded, "file_id", None))
    elif (st.session_state.get(Key.INGEST_FILE) or {}).get("file_id"):  # the user removed the file from the widget
        state_fns.forget_upload(st.session_state)
    file = st.session_state.get(Key.INGEST_FILE)
    if st.session_state.get(Key.INGEST_RESULT):
        _report(st.session_state[Key.INGEST_RESULT], lang)
    if file:
        try:
            _workflow(file, layer_id, lang, data)
        except TbgeoError as exc:
            st.error(say("ingest.ui_refused", lang, message=exc.message(lang)))
    _versions(layer_id, lang)


def _column_encodings(detected: dict[str, str], options: list[str], lang: str) -> dict[str, str]:
    """One encoding choice per text column (default: what was detected); only the changed ones are returned."""
    if not detected:
        return {}
    chosen: dict[str, str] = {}
    with st.expander(t("ingest.ui_encoding_per_column", lang)):
        for column, found in detected.items():
            def shown(e: str, found: str = found) -> str:
                return t("ingest.ui_encoding_detected_short", lang, detected=found) if e == "auto" else e

            choice = st.selectbox(
                plain(column),  # a column name from the file: a widget label reads Markdown
                options,
                format_func=shown,
                key=f"{Key.INGEST_ENCODING}_{column}",
            )
            if choice != "auto":
                chosen[column] = choice
    return chosen


def _workflow(file: dict[str, str], layer_id: str, lang: str, data: Callable[[], bytes] | None) -> None:
    options = state_fns.cached_options(st.session_state, source_layers, data)
    source_layer: str | None = None
    if len(options) > 1:
        source_layer = st.selectbox(t("ingest.ui_source_layer", lang), options, key=Key.INGEST_SOURCE_LAYER)
    src = state_fns.cached_source(st.session_state, source_layer, read_source, data)

    st.subheader(t("ingest.ui_step_detect", lang))
    enc_options = ["auto", *enc.ENCODINGS]
    encoding = st.selectbox(
        t("ingest.ui_encoding_override", lang),
        enc_options,
        format_func=lambda e: t("ingest.ui_encoding_auto", lang) if e == "auto" else e,
        key=Key.INGEST_ENCODING,
    )
    forced: str | dict[str, str] | None = None if encoding == "auto" else encoding
    if st.session_state.get(Key.INGEST_SWAP_AXES):
        st.checkbox(t("ingest.ui_swap_axes", lang), key=Key.INGEST_SWAP_AXES)
    try:
        det, columns = _detected(src, layer_id, forced)
    except CRSError as exc:
        if exc.key not in _SWAPPED or st.session_state.get(Key.INGEST_SWAP_AXES):
            raise
        st.error(say("ingest.ui_refused", lang, message=exc.message(lang)))
        st.checkbox(t("ingest.ui_swap_axes", lang), key=Key.INGEST_SWAP_AXES)
        return
    per_column = _column_encodings(columns, enc_options, lang)
    if per_column:
        forced = {"*": encoding, **per_column}
        det, columns = _detected(src, layer_id, forced)
    crs_value, confirmed = _crs_step(det, src, lang)
    plan = _plan(src, layer_id, crs_value, forced)
    e = plan.encoding_dict()
    st.markdown(
        say("ingest.ui_encoding_detected", lang, detected=e["detected"], columns=", ".join(e["converted_columns"]) or "—")
    )
    if plan.preview:
        st.markdown(f"**{t('ingest.ui_preview_text', lang)}**")
        st.dataframe(
            pd.DataFrame(
                [
                    {
                        t("ingest.ui_col_column", lang): p["column"],
                        t("ingest.ui_col_text_encoding", lang): p["encoding"],
                        t("ingest.ui_col_before", lang): p["before"],
                        t("ingest.ui_col_after", lang): p["after"],
                    }
                    for p in plan.preview
                ]
            ),
            hide_index=True,
            width="stretch",
        )
    st.markdown(f"**{t('ingest.ui_preview_map', lang)}**")
    if plan.landing.where == "province":
        st.caption(t("ingest.ui_landing_province", lang))
    try:
        # display only (nothing sent back), so a plain iframe, as on the map page
        st.iframe(preview_map(plan.frame, lang).get_root().render(), height=360, alt=t("ingest.ui_preview_map", lang))
    except Exception:  # pragma: no cover - the preview is optional; the import does not depend on it
        log.warning("preview map failed", exc_info=True)
    summary = plan.to_dict(lang)
    _counts(summary, lang)
    for w in summary["warnings"]:
        st.warning(plain(w))
    for b in summary["blocking"]:
        st.error(plain(b))
    other_types = summary["other_types"]
    if other_types:
        st.checkbox(
            say("ingest.ui_skip_other_types", lang, n=sum(other_types.values()), others=", ".join(other_types)),
            key=Key.INGEST_SKIP_OTHER_TYPES,
        )

    st.subheader(t("ingest.ui_step_mapping", lang))
    st.caption(t("ingest.ui_mapping_help", lang))
    source_columns = [c for c in plan.frame.columns if c not in (plan.frame.geometry.name, "_src_fid")]
    none = t("ingest.ui_mapping_none", lang)
    mapping: dict[str, str | None] = {}
    grid = st.columns(3)
    for i, f in enumerate(plan.fields):
        suggested = plan.mapping.get(f.name)
        opts = [none, *source_columns]
        mapping[f.name] = (
            grid[i % 3].selectbox(
                f.name, opts, index=opts.index(suggested) if suggested in opts else 0, key=f"{Key.INGEST_MAP}_{f.name}"
            )
        )
    mapping = {k: (None if v == none else v) for k, v in mapping.items()}

    st.subheader(t("ingest.ui_step_confirm", lang))
    insist = False
    if plan.landing.where == "outside":
        insist = st.checkbox(t("ingest.ui_insist", lang), key=Key.INGEST_INSIST)
    ready = confirmed and not plan.blocking(insist=insist)
    if not (plan.crs_settled and confirmed):
        st.info(t("ingest.ui_crs_must_confirm", lang))
    if st.button(t("ingest.ui_import_button", lang), type="primary", disabled=not ready):
        result = commit_import(plan, actor=actor(), column_map=mapping, insist=insist)
        report = result.to_dict(lang)
        del plan, result
        # the report stays; the copy, the read frame and the plan go (and the uploader starts afresh)
        state_fns.after_commit(st.session_state, report)
        st.rerun()
