"""Site search page: the project profile, the weights (direct or AHP), the map of the surface,
constraints and candidates, the ranked table, saving a candidate as a draft, exports."""

from __future__ import annotations

import itertools
import json
from typing import Any

import streamlit as st

from tbgeo.errors import InputError, TbgeoError
from tbgeo.i18n import fmt_number, t
from tbgeo.review.model import TECHNOLOGY_LEVELS
from tbgeo.ui import tables
from tbgeo.ui.decimal import decimal_input
from tbgeo.ui.signin import actor
from tbgeo.ui.state import Key
from tbgeo.ui.text import error_text, plain

#: Catalog layers drawn under the surface.
#: Saaty's scale as offered for one pair: "how much more important is the first factor".
SAATY = (1 / 9, 1 / 7, 1 / 5, 1 / 3, 1.0, 3.0, 5.0, 7.0, 9.0)
CELLS = (20.0, 50.0, 100.0)


def _saaty_label(v: float) -> str:
    return str(int(round(v))) if v >= 1 else f"1/{int(round(1 / v))}"


@st.cache_resource(show_spinner=False)
def _sectors() -> list[Any]:
    from tbgeo.plan.sectors import load_sectors

    return load_sectors()


def _layers() -> Any:
    """The search's layers: the review page's context (cached per layer version, proposals as now)."""
    from tbgeo.search import SearchLayers
    from tbgeo.ui import cache
    from tbgeo.ui.pages.review.context import context

    return SearchLayers.from_catalog(cache.catalog(), context=context())


def _profile_form(lang: str) -> Any:
    from tbgeo.search import Profile

    sectors = {s.code: s for s in _sectors()}
    c1, c2, c3 = st.columns(3)
    with c1:
        code = st.selectbox(t("search.page.sector", lang), list(sectors), key=Key.SEARCH_SECTOR,
                            index=list(sectors).index("electronics") if "electronics" in sectors else 0,
                            format_func=lambda c: f"{sectors[c].name(lang)} ({c})")
        area = decimal_input(t("search.page.area", lang), 50.0, lang, min_value=0.5, max_value=5000.0,
                             key=Key.SEARCH_AREA)
        name = st.text_input(t("search.page.name", lang), key=Key.SEARCH_NAME)
    with c2:
        shape = st.radio(t("search.page.shape", lang), ("square", "ratio", "free"), horizontal=True, key=Key.SEARCH_SHAPE,
                         format_func=lambda s: t(f"search.page.shape_{s}", lang))
        ratio = decimal_input(t("search.page.ratio", lang), 2.0, lang, min_value=0.1, max_value=10.0,
                              key=Key.SEARCH_RATIO, disabled=shape != "ratio")
        workforce = st.number_input(t("search.page.workforce", lang), min_value=0, value=0, step=100, key=Key.SEARCH_WORKFORCE)
    with c3:
        tech = st.selectbox(t("search.page.technology", lang), ["", *TECHNOLOGY_LEVELS], key=Key.SEARCH_TECHNOLOGY,
                            format_func=lambda v: t(f"review.value.{v}", lang) if v else "—")
        gas = st.checkbox(t("search.page.gas", lang), key=Key.SEARCH_GAS)
        inside = st.checkbox(t("search.page.inside", lang), key=Key.SEARCH_INSIDE)
        allow_luc = st.checkbox(t("search.page.allow_luc", lang), key=Key.SEARCH_ALLOW_LUC)
    if area is None or ratio is None:  # the box says why
        return None
    return Profile(sector=code, area_ha=float(area), shape=shape, ratio=float(ratio), gas=gas,
                   workforce=int(workforce) or None, technology=tech or None, zone="inside" if inside else "any",
                   allow_luc=allow_luc, name=name)


def _weights_form(lang: str, profile: Any) -> tuple[dict[str, float] | None, str] | None:
    """(weights or None for the defaults, source); None when the weights are refused (message shown)."""
    from tbgeo.plan.sectors import get_sector
    from tbgeo.review.config import load_config
    from tbgeo.search import FACTORS, load_search_config, plan_for
    from tbgeo.search.weights import ahp_weights, check_weights

    mode = st.radio(t("search.page.weights_mode", lang), ("default", "direct", "ahp"), horizontal=True,
                    key=Key.SEARCH_WEIGHTS_MODE, format_func=lambda m: t(f"search.page.mode_{m}", lang))
    rcfg = load_config()
    plan = plan_for(profile, get_sector(profile.sector), refused_codes=tuple(rcfg.sector.refused_codes),
                    labour_heavy_workers=rcfg.zoning.labour_heavy_workers)
    defaults = load_search_config().weights[plan.kind or "general"]
    if mode == "default":
        st.caption(t("search.page.default_weights", lang, kind=t(f"search.kind.{plan.kind or 'refused'}", lang),
                     list=", ".join(f"{t(f'search.factor.{k}', lang)} {fmt_number(v, lang, 2)}" for k, v in defaults.items())))
        return None, "default"
    if mode == "direct":
        cols = st.columns(len(FACTORS))
        values: dict[str, float | None] = {}
        for col, f in zip(cols, FACTORS, strict=True):
            with col:
                values[f] = decimal_input(t(f"search.factor.{f}", lang), float(defaults[f]), lang, min_value=0.0,
                                          max_value=1.0, digits=3, key=f"{Key.SEARCH_WEIGHT}_{f}")
        chosen = {f: v for f, v in values.items() if v is not None}
        if len(chosen) < len(values):  # the box says why
            return None
        try:
            return check_weights(chosen, FACTORS), "direct"
        except InputError as exc:
            st.error(error_text(exc, lang))
            return None
    st.caption(t("search.page.ahp_hint", lang))
    names = list(FACTORS)
    matrix = [[1.0] * len(names) for _ in names]
    for i, j in itertools.combinations(range(len(names)), 2):
        v = st.select_slider(t("search.page.pair", lang, a=t(f"search.factor.{names[i]}", lang),
                                b=t(f"search.factor.{names[j]}", lang)),
                             options=SAATY, value=1.0, format_func=_saaty_label, key=f"{Key.SEARCH_AHP}_{names[i]}_{names[j]}")
        matrix[i][j], matrix[j][i] = v, 1.0 / v
    try:
        result = ahp_weights(matrix, names)
    except InputError as exc:
        st.error(error_text(exc, lang))
        return None
    st.metric(t("search.page.cr", lang), fmt_number(result.cr, lang, 3))
    st.caption(", ".join(f"{t(f'search.factor.{k}', lang)} {fmt_number(v, lang, 3)}" for k, v in result.as_dict().items()))
    return result.as_dict(), "ahp"


def _map(lang: str, result: Any) -> None:
    from streamlit_folium import st_folium

    from tbgeo.mapping import assets
    from tbgeo.mapping.maps import SEARCH_LAYERS, search_map
    from tbgeo.ui import cache

    if assets.missing():
        st.warning(t("review.page.map_missing", lang))
        return
    cat = cache.catalog()
    m = search_map(cat, cache.frames(tuple(lid for lid in SEARCH_LAYERS if lid in cat)), lang, result)
    st.caption(t("search.page.map_legend", lang))
    st_folium(m, height=560, use_container_width=True, key=Key.SEARCH_MAP, returned_objects=[])


def _model(lang: str, result: Any) -> None:
    m = result.model(lang)
    with st.expander(t("search.page.model", lang)):
        st.markdown(t("search.page.kind_line", lang))
        st.text(f"{m['kind_text']} [{m['kind_citation']}]")
        tables.show([{t("search.page.m_constraint", lang): c["title"], t("search.page.m_excluded", lang): c["excluded_ha"],
                       t("search.page.m_active", lang): "✓" if c["active"] else "—", t("search.page.m_citation", lang): c["citation"]}
                      for c in m["constraints"]], lang, hide_index=True, width="stretch")
        st.dataframe([{t("search.page.m_factor", lang): f["title"], t("search.page.m_function", lang): f["function"],
                       t("search.page.m_weight", lang): fmt_number(f["weight"], lang, 3) if f["dropped"] is None else f["dropped_text"],
                       t("search.page.m_citation", lang): f["citation"]}
                      for f in m["factors"]], hide_index=True, width="stretch")


def _save(lang: str, result: Any) -> None:
    from tbgeo.proposals import save_review
    from tbgeo.store import open_store

    ranks = [c.rank for c in result.candidates if c.report is not None]
    if not ranks:
        return
    c1, c2, c3 = st.columns([2, 1, 1])
    with c1:
        rank = st.selectbox(t("search.page.pick", lang), ranks, key=Key.SEARCH_PICK)
    cand = next(c for c in result.candidates if c.rank == rank)
    with c2:
        if st.button(t("search.page.save", lang), key=Key.SEARCH_SAVE):
            stored = st.session_state.setdefault(Key.SEARCH_SAVED, {})
            try:
                saved = save_review(open_store(), cand.report, lang, actor=actor(),
                                    remember=stored)
            except TbgeoError as exc:  # e.g. the store is busy (another program writing to it)
                st.error(error_text(exc, lang))
            else:
                st.success(t("search.page.saved", lang, id=saved.id, rank=rank))
    with c3:
        if st.button(t("search.page.sheet", lang), key=Key.SEARCH_SHEET_MAKE):
            st.session_state[Key.SEARCH_SHEET] = (rank, cand.report.to_sheet(lang))
        sheet = st.session_state.get(Key.SEARCH_SHEET)
        if sheet is not None and sheet[0] == rank:
            st.download_button(t("search.page.sheet_download", lang), sheet[1], file_name=f"ung-vien-{rank}.pdf",
                               mime="application/pdf", key=Key.SEARCH_SHEET_DL)


def _sensitivity(lang: str, result: Any) -> None:
    from tbgeo.search.sensitivity import sensitivity

    with st.expander(t("search.sens.title", lang)):
        if st.button(t("search.sens.run", lang), key=Key.SEARCH_SENS_RUN):
            st.session_state[Key.SEARCH_SENSITIVITY] = (id(result), sensitivity(result))
        stored = st.session_state.get(Key.SEARCH_SENSITIVITY)
        if stored is not None and stored[0] == id(result):
            rows = stored[1]
            st.write(t("search.sens.summary", lang, stable=sum(v.stable for v in rows), total=len(rows)))
            for v in rows:
                st.text(("✓ " if v.stable else "≠ ") + v.text(lang))


def _exports(lang: str, result: Any) -> None:
    from tbgeo.search.sheet import render_search_sheet

    c1, c2, c3, c4 = st.columns(4)
    c1.download_button(t("search.page.dl_gpkg", lang), result.to_gpkg(lang), file_name="tim-kiem.gpkg",
                       mime="application/geopackage+sqlite3", key=Key.SEARCH_DL_GPKG)
    c2.download_button(t("search.page.dl_geojson", lang), json.dumps(result.to_geojson(lang), ensure_ascii=False),
                       file_name="tim-kiem.geojson", mime="application/geo+json", key=Key.SEARCH_DL_GEOJSON)
    c3.download_button(t("search.page.dl_csv", lang), result.to_csv(lang).encode("utf-8-sig"), file_name="tim-kiem.csv",
                       mime="text/csv", key=Key.SEARCH_DL_CSV)
    with c4:
        if st.button(t("search.page.print", lang), key=Key.SEARCH_PRINT):
            st.session_state[Key.SEARCH_PRINT_SHEET] = (id(result), render_search_sheet(result, lang))
        printed = st.session_state.get(Key.SEARCH_PRINT_SHEET)
        if printed is not None and printed[0] == id(result):
            st.download_button(t("search.page.print_download", lang), printed[1], file_name="tim-kiem-A3.pdf",
                               mime="application/pdf", key=Key.SEARCH_PRINT_DL)


def render(lang: str) -> None:
    from tbgeo.search import search_sites

    st.title(t("search.page.title", lang))
    st.caption(t("search.page.intro", lang))
    profile = _profile_form(lang)
    weights = _weights_form(lang, profile) if profile is not None else None
    c1, c2 = st.columns(2)
    cell = c1.selectbox(t("search.page.cell", lang), CELLS, key=Key.SEARCH_CELL, format_func=lambda v: f"{v:.0f} m")
    top = c2.number_input(t("search.page.top", lang), min_value=1, max_value=30, value=10, key=Key.SEARCH_TOP)
    if st.button(t("search.page.run", lang), type="primary", key=Key.SEARCH_RUN, disabled=weights is None):
        assert weights is not None and profile is not None
        try:
            with st.spinner(t("search.page.running", lang)):
                found = search_sites(profile, layers=_layers(), weights=weights[0], weights_source=weights[1],
                                     cell=float(cell), top=int(top))
        except InputError as exc:
            st.error(error_text(exc, lang))
            st.session_state.pop(Key.SEARCH_RESULT, None)
        else:
            st.session_state[Key.SEARCH_RESULT] = found
            st.session_state.pop(Key.SEARCH_SHEET, None)
    result = st.session_state.get(Key.SEARCH_RESULT)
    if result is None:
        st.info(t("search.page.no_result", lang))
        return
    if result.refused:
        st.error(plain(result.refusal_text(lang)))
        return
    if not result.candidates:
        st.warning(t("search.text.none", lang))
    else:
        st.success(t("search.page.found", lang, n=len(result.candidates), area=fmt_number(result.profile.area_ha, lang, 1)))
    _map(lang, result)
    tables.show(result.table(lang), lang, digits={t("search.col.score", lang): 3}, hide_index=True, width="stretch")
    _model(lang, result)
    _save(lang, result)
    _sensitivity(lang, result)
    _exports(lang, result)
