"""The data page: every layer's provenance, accuracy and citation, and the land-use code table."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from tbgeo.catalog import Layer
from tbgeo.i18n import fmt_number, t
from tbgeo.ui import cache
from tbgeo.ui.state import Key
from tbgeo.ui.text import plain, say


def _source(layer: Layer, lang: str) -> str:
    """Where the layer's data comes from, in words (not the project's file path)."""
    version = layer.active_version()
    if version is not None:
        return t("data.source_imported", lang, version=version.version, file=version.source_name, by=version.created_by)
    if layer.optional and not layer.has_data():
        return t("data.not_imported", lang)
    return t("data.source_shipped", lang)


def render(lang: str) -> None:
    st.title(t("data.title", lang))
    st.write(t("data.intro", lang))
    cat = cache.catalog()
    infos = [layer.to_dict(lang) | {"source": _source(layer, lang)} for layer in [*cat, *cat.optional]]
    rows = [
        {
            t("data.col_title", lang): info["title"],
            t("data.col_group", lang): t(f"groups.{info['group']}", lang),
            t("data.col_kind", lang): t(f"data.kind_{info['kind']}", lang),
            t("data.col_features", lang): (t("data.not_imported", lang) if info["optional"] and not info["imported"]
                                           else "—" if info["features"] is None else fmt_number(info["features"], lang, 0)),
            t("data.col_crs", lang): info["crs"],
            t("data.col_citation", lang): info["citation"],
        }
        for info in infos
    ]
    st.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch", key=Key.DATA_LAYERS)
    st.subheader(t("data.details", lang))
    for info in infos:
        with st.expander(f"{plain(info['title'])} — {plain(info['citation'])}"):
            st.markdown(f"**{t('data.col_provenance', lang)}:** {plain(info['provenance'])}")
            st.markdown(f"**{t('data.col_accuracy', lang)}:** {plain(info['accuracy'])}")
            st.markdown(f"**{t('data.col_source', lang)}:** {plain(info['source'])}")
    for layer in cat:
        if not layer.raster_classes:
            continue
        st.subheader(say("data.landuse_classes", lang, layer=layer.title(lang)))
        st.dataframe(
            pd.DataFrame(
                [
                    {
                        t("data.col_value", lang): cls.value,
                        t("data.col_code", lang): cls.code,
                        t("data.col_label", lang): cls.label(lang),
                        t("data.col_rice", lang): t("data.yes" if cls.rice else "data.no", lang),
                    }
                    for cls in layer.raster_classes
                ]
            ),
            hide_index=True,
            key=f"{Key.DATA_CLASSES}_{layer.id}",
        )
