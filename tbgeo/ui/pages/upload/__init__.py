"""Upload page: file → detected CRS and encoding with a preview → column mapping → how the file changes
the layer, with the difference, and the confirmation → result; plus the layer's versions with rollback,
and export downloads.

The steps live beside this module (``detect``: steps 1–2, ``confirm``: 3–4, ``result``: 5, ``versions``);
this one only lays them out: after an import the result stands in place of the form until the user
asks for another file.
"""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st

from tbgeo.auth import allowed
from tbgeo.catalog import Catalog, Layer, load_catalog
from tbgeo.errors import TbgeoError
from tbgeo.i18n import t
from tbgeo.ui import ingest_state as state_fns
from tbgeo.ui.pages.upload.confirm import column_mapping, confirm
from tbgeo.ui.pages.upload.detect import planned, show_plan, source
from tbgeo.ui.pages.upload.result import result_panel
from tbgeo.ui.pages.upload.versions import versions_part
from tbgeo.ui.signin import actor, roles_text
from tbgeo.ui.state import Key
from tbgeo.ui.text import say

__all__ = ["render"]

def _importable(catalog: Catalog) -> list[Layer]:
    """The vector layers, the land-use raster (an import replaces it with polygons carrying land-use
    codes), and the layers shipped without data (communes_2025: imported here first)."""
    return [lyr for lyr in catalog if lyr.kind == "vector" or lyr.raster_classes] + list(catalog.optional)


def _layer(catalog: Catalog, layers: list[Layer], lang: str) -> str:
    ids = [lyr.id for lyr in layers]
    return str(st.selectbox(
        t("ingest.ui_target_layer", lang),
        ids,
        index=ids.index("industrial_parks") if "industrial_parks" in ids else 0,  # what staff update most
        format_func=lambda i: catalog.get(i).title(lang),
        key=Key.INGEST_LAYER,
    ))


def _uploaded_file(catalog: Catalog, layers: list[Layer], lang: str) -> tuple[str, Callable[[], bytes] | None]:
    """Step 1: the target layer and the file (kept as the session's one temporary copy)."""
    st.subheader(t("ingest.ui_step_file", lang))
    layer_id = _layer(catalog, layers, lang)
    # a new widget after each import, so Streamlit lets go of the uploaded bytes too
    generation = int(st.session_state.get(Key.INGEST_UPLOADER, 0))
    # no type= filter: Streamlit would refuse another file in English ("… files are not allowed");
    # the upload's reading names the formats it takes, in the user's language
    uploaded = st.file_uploader(t("ingest.ui_uploader", lang), key=f"{Key.INGEST_UPLOADER}_{generation}")
    data: Callable[[], bytes] | None = None
    if uploaded is not None:
        data = uploaded.getvalue
        state_fns.save_upload(st.session_state, uploaded.name, data, file_id=getattr(uploaded, "file_id", None))
    elif (st.session_state.get(Key.INGEST_FILE) or {}).get("file_id"):  # the user removed the file from the widget
        state_fns.forget_upload(st.session_state)
    return layer_id, data


def _workflow(layer_id: str, lang: str, data: Callable[[], bytes] | None) -> None:
    """Steps 2–4 for the session's upload."""
    src = source(lang, data)
    made = planned(src, layer_id, lang)
    if made is None:
        return
    plan, crs_confirmed = made
    show_plan(plan, lang)
    mapping = column_mapping(plan, lang)
    confirm(plan, mapping, crs_confirmed, lang)


def render(lang: str) -> None:
    st.title(t("ingest.page_title", lang))
    st.caption(t("ingest.ui_intro", lang))
    catalog = load_catalog(check_data=False)
    layers = _importable(catalog)
    if not layers:
        st.info(t("ingest.ui_no_layers", lang))
        return
    who = actor()  # each part shown only to whom its right allows (the domain refuses the rest anyway)
    result = st.session_state.get(Key.INGEST_RESULT)
    if not allowed(who, "layer.import"):
        st.info(t("ingest.ui_view_only", lang, roles=roles_text(who, lang)))
        layer_id = _layer(catalog, layers, lang)
    elif result:
        result_panel(result, lang)
        layer_id = str(result["layer"])
    else:
        layer_id, data = _uploaded_file(catalog, layers, lang)
        if st.session_state.get(Key.INGEST_FILE):
            try:
                _workflow(layer_id, lang, data)
            except TbgeoError as exc:
                st.error(say("ingest.ui_refused", lang, message=exc.message(lang)))
    versions_part(layer_id, lang, rollback=allowed(who, "layer.rollback"), export=allowed(who, "layer.export"))
