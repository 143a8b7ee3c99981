"""Upload page, step 5: the result of an import — the version made, what it did to the layer, what was
repaired and what to check, and the way on (the map, or another file) — shown instead of the form."""

from __future__ import annotations

from typing import Any

import streamlit as st

from tbgeo.catalog import load_catalog
from tbgeo.i18n import t
from tbgeo.ui import chrome
from tbgeo.ui.pages.upload.detect import counts
from tbgeo.ui.state import Key
from tbgeo.ui.text import bold, plain, say

__all__ = ["result_panel"]


def _repaired(result: dict[str, Any], lang: str) -> None:
    rows = result.get("geometry", {}).get("repaired_features", [])
    if not rows:
        return
    with st.expander(f"{t('ingest.ui_result_repaired', lang)} ({result['repaired']})"):
        for row in rows:
            st.markdown(say("ingest.ui_result_repaired_row", lang, fid=row["fid"], reason=row["reason"]))


def _again(layer_id: str) -> None:
    """Back to the form, for the same layer."""
    st.session_state.pop(Key.INGEST_RESULT, None)
    st.session_state[Key.INGEST_LAYER] = layer_id


def result_panel(result: dict[str, Any], lang: str) -> None:
    """What the last import did, until the user asks for another one."""
    st.subheader(t("ingest.ui_step_report", lang))
    st.success(t("ingest.ui_report_done", lang, version=result["version"], layer=load_catalog(check_data=False).get(result["layer"]).title(lang)))
    st.markdown(t("ingest.ui_result_features", lang, n=result["features"]))
    for line in result.get("diff_text", []):
        st.markdown(plain(line))
    counts(result, lang)
    _repaired(result, lang)
    if result["warnings"]:
        st.markdown(bold("ingest.ui_warnings", lang))
        for w in result["warnings"]:
            st.warning(plain(w))
    left, right = st.columns(2)
    with left:
        if not chrome.page_link("map", t("ingest.ui_result_open_map", lang), icon=":material/map:"):
            st.caption(t("ingest.ui_result_map_hint", lang))
    with right:
        st.button(t("ingest.ui_result_again", lang), key=Key.INGEST_AGAIN, on_click=_again, args=(result["layer"],))
