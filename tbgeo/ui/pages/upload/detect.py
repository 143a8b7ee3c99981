"""Upload page, steps 1–2: the file's dataset, its coordinate system and text encoding, with the preview
of the converted text, of where the data lands and of what the checks found."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

import pandas as pd
import streamlit as st

from tbgeo.errors import CRSError
from tbgeo.i18n import t
from tbgeo.i18n.params import fmt_value
from tbgeo.ingest import encoding as enc
from tbgeo.ingest.pipeline import ImportPlan, build_plan, read_source, source_layers
from tbgeo.ingest.steps.classes import PREFIX as CLASS_NOTES
from tbgeo.ingest.steps.crs import KEEP_DECLARED
from tbgeo.mapping.maps import preview_map
from tbgeo.ui import ingest_state as state_fns
from tbgeo.ui.state import Key
from tbgeo.ui.text import bold, plain, say

log = logging.getLogger(__name__)

__all__ = ["source", "planned", "show_plan", "counts"]

_SWAPPED = ("ingest.crs_axes_swapped", "ingest.crs_axes_swapped_deg")
#: What an encoding choice is: one for the whole file, or one per column ("*" for the others).
Encoding = str | dict[str, str] | None


def _with_spinner(key: str, build: Callable[[], Any], lang: str) -> Any:
    """``build()`` under a spinner saying ``key`` (reading, planning: the slow steps, run only when
    not cached), so a large file shows what is happening instead of nothing."""
    with st.spinner(t(key, lang)):
        return build()


def _choices() -> tuple[bool, bool]:
    return bool(st.session_state.get(Key.INGEST_SKIP_OTHER_TYPES, False)), bool(st.session_state.get(Key.INGEST_SWAP_AXES, False))


def _enc_key(encoding: Encoding) -> Any:
    return tuple(sorted(encoding.items())) if isinstance(encoding, dict) else encoding


def _plan(src: Any, layer_id: str, crs: str | None, encoding: Encoding, lang: str) -> ImportPlan:
    """The session's one plan (another choice replaces it: no cache of reprojected frames)."""
    skip, swap = _choices()
    key = (src.sha256, src.chosen, layer_id, crs, _enc_key(encoding), skip, swap)
    return state_fns.cached_plan(
        st.session_state,
        key,
        lambda: _with_spinner("ingest.progress.analysing", lambda: build_plan(
            src, layer_id=layer_id, crs=crs, encoding=encoding, skip_other_types=skip, swap_axes=swap), lang),
    )


def _detected(src: Any, layer_id: str, encoding: Encoding, lang: str) -> tuple[Any, dict[str, str]]:
    """The CRS detection and the text columns' detected encodings of the plan as detected (no choice
    made), kept as a small summary so that choosing another CRS does not keep a second plan."""
    skip, swap = _choices()
    key = (src.sha256, src.chosen, layer_id, _enc_key(encoding), skip, swap)
    cached = st.session_state.get(Key.INGEST_BASE)
    if cached and cached[0] == key:
        return cached[1]
    base = _plan(src, layer_id, None, encoding, lang)
    summary = (base.crs, dict(base.encoding_dict()["columns"]))
    st.session_state[Key.INGEST_BASE] = (key, summary)
    return summary


def source(lang: str, data: Callable[[], bytes] | None) -> Any:
    """The upload as read (the user picks the dataset when the file holds several)."""
    options = state_fns.cached_options(st.session_state, source_layers, data)
    source_layer: str | None = None
    if len(options) > 1:
        source_layer = st.selectbox(t("ingest.ui_source_layer", lang), options, key=Key.INGEST_SOURCE_LAYER)
    def read(*args: Any, **kwargs: Any) -> Any:
        return _with_spinner("ingest.progress.reading", lambda: read_source(*args, **kwargs), lang)

    return state_fns.cached_source(st.session_state, source_layer, read, data)


def _crs_step(det: Any, src: Any, lang: str) -> tuple[str | None, bool]:
    """Show the detected CRS and, when there is a choice, the candidates.

    Returns (the ``crs`` value to plan with, or None for the detection as is; whether it is confirmed).
    """
    origin = t(f"ingest.ui_crs_source_{det.source}", lang)
    st.markdown(say("ingest.ui_crs_detected", lang, detected=det.detected, epsg=det.epsg or "—", source=origin))
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


def planned(src: Any, layer_id: str, lang: str) -> tuple[ImportPlan, bool] | None:
    """Step 2: the text encoding and CRS choices, and the plan they make (with whether the CRS is
    confirmed); None while the axes look swapped and the user has not said to swap them."""
    st.subheader(t("ingest.ui_step_detect", lang))
    enc_options = ["auto", *enc.ENCODINGS]
    encoding = st.selectbox(
        t("ingest.ui_encoding_override", lang),
        enc_options,
        format_func=lambda e: t("ingest.ui_encoding_auto", lang) if e == "auto" else e,
        key=Key.INGEST_ENCODING,
    )
    forced: Encoding = None if encoding == "auto" else encoding
    if st.session_state.get(Key.INGEST_SWAP_AXES):
        st.checkbox(t("ingest.ui_swap_axes", lang), key=Key.INGEST_SWAP_AXES)
    try:
        det, columns = _detected(src, layer_id, forced, lang)
    except CRSError as exc:
        if exc.key not in _SWAPPED or st.session_state.get(Key.INGEST_SWAP_AXES):
            raise
        st.error(say("ingest.ui_refused", lang, message=exc.message(lang)))
        st.checkbox(t("ingest.ui_swap_axes", lang), key=Key.INGEST_SWAP_AXES)
        return None
    per_column = _column_encodings(columns, enc_options, lang)
    if per_column:
        forced = {"*": encoding, **per_column}
        det, columns = _detected(src, layer_id, forced, lang)
    crs_value, confirmed = _crs_step(det, src, lang)
    return _plan(src, layer_id, crs_value, forced, lang), confirmed


def _text_preview(plan: ImportPlan, lang: str) -> None:
    e = plan.encoding_dict()
    st.markdown(
        say("ingest.ui_encoding_detected", lang, detected=e["detected"], columns=", ".join(e["converted_columns"]) or "—")
    )
    if not plan.preview:
        return
    st.markdown(bold("ingest.ui_preview_text", lang))
    rows = [
        {
            t("ingest.ui_col_column", lang): p["column"],
            t("ingest.ui_col_text_encoding", lang): p["encoding"],
            t("ingest.ui_col_before", lang): p["before"],
            t("ingest.ui_col_after", lang): p["after"],
        }
        for p in plan.preview
    ]
    st.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch")


def _landing_preview(plan: ImportPlan, lang: str) -> None:
    st.markdown(bold("ingest.ui_preview_map", lang))
    if plan.landing.where == "province":
        st.caption(t("ingest.ui_landing_province", lang))
    try:
        # display only (nothing sent back), so a plain iframe, as on the map page
        st.iframe(preview_map(plan.frame, lang).get_root().render(), height=360, alt=t("ingest.ui_preview_map", lang))
    except Exception:  # pragma: no cover - the preview is optional; the import does not depend on it
        log.warning("preview map failed", exc_info=True)


def counts(data: dict[str, Any], lang: str) -> None:
    """The plan's (or the import's) counts, as metrics."""
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


def show_plan(plan: ImportPlan, lang: str) -> None:
    """The converted text, where the data lands, the counts, warnings and refusals of the plan."""
    _text_preview(plan, lang)
    _landing_preview(plan, lang)
    summary = plan.to_dict(lang)
    counts(summary, lang)
    for code, w in zip(summary["warning_codes"], summary["warnings"]):
        if not code.startswith(CLASS_NOTES):  # said under "What the import changes", with the columns chosen
            st.warning(plain(w))
    for b in summary["blocking"]:
        st.error(plain(b))
    other_types = summary["other_types"]
    if other_types:
        st.checkbox(
            say("ingest.ui_skip_other_types", lang, n=sum(other_types.values()), others=", ".join(other_types)),
            key=Key.INGEST_SKIP_OTHER_TYPES,
        )
