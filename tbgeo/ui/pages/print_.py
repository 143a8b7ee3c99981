"""The print page: choose layers, extent, sheet and options; preview the sheet; download the PDF or PNG."""

from __future__ import annotations

from typing import Any

import streamlit as st

from tbgeo.errors import InputError
from tbgeo.i18n import t
from tbgeo.printing import (
    ORIENTATIONS,
    SIZES,
    MapData,
    PrintSpec,
    render as render_print,
    render_atlas_result,
)
from tbgeo.printing.scale import format_scale
from tbgeo.ui import cache
from tbgeo.ui.decimal import decimal_input
from tbgeo.ui.state import Key
from tbgeo.ui.text import bold, error_text

PREVIEW_DPI = 60


@st.cache_resource(show_spinner=False, max_entries=4)
def _map_data(versions: tuple[tuple[str, str], ...]) -> MapData:
    """Layers read once in EPSG:9209; a new workspace version of any layer makes a new entry."""
    return MapData(cache.catalog())


def map_data() -> MapData:
    cat = cache.catalog()
    ids = tuple(lyr.id for lyr in cat if lyr.kind == "vector")
    return _map_data(tuple(zip(ids, cache.version_keys(ids), strict=True)))


def lonlat_to_bbox(lon_min: float, lat_min: float, lon_max: float, lat_max: float) -> tuple[float, float, float, float]:
    """The EPSG:9209 box enclosing a longitude/latitude box (its four corners transformed)."""
    from tbgeo.crs import transformer

    tr = transformer("EPSG:4326", "EPSG:9209")
    xs, ys = tr.transform([lon_min, lon_max, lon_max, lon_min], [lat_min, lat_min, lat_max, lat_max])
    return (min(xs), min(ys), max(xs), max(ys))


def _options(lang: str, data: MapData) -> dict[str, Any] | None:
    """The options (no form: the extent's fields appear as the extent is chosen); the options on the button press."""
    cat = data.catalog
    layer_ids = st.multiselect(
        t("print.ui.layers", lang), options=cat.ids, default=[lyr.id for lyr in cat if lyr.default_visible],
        format_func=lambda lid: cat.get(lid).title(lang), placeholder=t("frontend.choose_options", lang),
    )
    c1, c2, c3 = st.columns(3)
    size = c1.selectbox(t("print.ui.sheet", lang), list(SIZES), index=list(SIZES).index("A3"))
    orientation = c2.radio(t("print.ui.orientation", lang), list(ORIENTATIONS), index=1,
                           format_func=lambda o: t(f"print.ui.{o}", lang), horizontal=True)
    fmt = c3.radio(t("print.ui.format", lang), ["pdf", "png"], format_func=str.upper, horizontal=True)
    kinds = ["province", "district", "box"]
    extent = st.radio(t("print.ui.extent", lang), kinds, format_func=lambda k: t(f"print.ui.extent_{k}", lang),
                      horizontal=True)
    district = None
    crs = "9209"
    box: tuple[float, float, float, float] | None = (575_000.0, 2_250_000.0, 600_000.0, 2_270_000.0)
    if extent == "district":
        names = data.district_names() if data.has_districts else []
        district = st.selectbox(t("print.ui.district", lang), names) if names else None
    elif extent == "box":
        crs = st.radio(t("print.ui.box_crs", lang), ["9209", "4326"],
                       format_func=lambda c: t(f"print.ui.box_crs_{c}", lang), horizontal=True)
        b1, b2 = st.columns(2)
        if crs == "9209":
            st.caption(t("print.ui.box_hint", lang))
            fields = (("xmin", 575_000.0), ("ymin", 2_250_000.0), ("xmax", 600_000.0), ("ymax", 2_270_000.0))
        else:
            fields = (("lonmin", 106.30), ("latmin", 20.40), ("lonmax", 106.50), ("latmax", 20.55))
        read = [decimal_input(t(f"print.ui.{name}", lang), value, lang, key=f"{Key.PRINT_BOX}_{name}", digits=4,
                              container=(b1, b2)[i % 2]) for i, (name, value) in enumerate(fields)]
        corners = [v for v in read if v is not None]
        box = (corners[0], corners[1], corners[2], corners[3]) if len(corners) == 4 else None  # a box says why
    st.markdown(bold("print.ui.options", lang))
    title = st.text_input(t("print.ui.map_title", lang), value=t("print.default_title", lang))
    period = st.text_input(t("print.ui.period", lang), value=t("print.period_default", lang))
    date = st.text_input(t("print.ui.date", lang), value="")
    issuer = st.text_input(t("print.ui.issuer", lang), value=t("print.issuer_default", lang))
    from tbgeo.printing.titleblock import resolve_heading

    by_date = t(f"print.ui.heading_{resolve_heading(None, date)}", lang)
    admin_heading = st.radio(t("print.ui.heading", lang), ["auto", "today", "plan"], key=Key.PRINT_ADMIN_HEADING,
                             format_func=lambda h: t("print.ui.heading_auto", lang, chosen=by_date) if h == "auto"
                             else t(f"print.ui.heading_{h}", lang))
    s1, s2 = st.columns(2)
    auto = s1.checkbox(t("print.ui.scale_auto", lang), value=True)
    scale = s2.number_input(t("print.ui.scale", lang), min_value=500, max_value=5_000_000, value=100_000,
                            step=5_000, disabled=auto)
    st.markdown(bold("print.ui.print_options", lang))
    # one option per line: the labels are long and must not be cut off
    draft = st.checkbox(t("print.ui.draft", lang), value=False)  # off by default, as in `tbgeo print`
    heading = st.checkbox(t("print.ui.national_heading", lang), value=False)
    signatures = st.checkbox(t("print.ui.signatures", lang), value=False)
    atlas = st.checkbox(t("print.ui.atlas", lang), value=False)
    pressed = st.button(t("print.ui.render", lang), type="primary")
    if not pressed or box is None:
        return None
    return dict(layer_ids=layer_ids, size=size, orientation=orientation, fmt=fmt, extent=extent, district=district,
                crs=crs, box=box, title=title, period=period, date=date, issuer=issuer, auto=auto, scale=scale,
                draft=draft, heading=heading, signatures=signatures, atlas=atlas, admin_heading=admin_heading)


def spec_from_options(opts: dict[str, Any], lang: str) -> PrintSpec:
    """The PrintSpec of the form's options (pure: unit-tested without Streamlit)."""
    bbox = None
    if opts["extent"] == "box":
        box = tuple(float(v) for v in opts["box"])
        bbox = lonlat_to_bbox(*box) if opts["crs"] == "4326" and box[0] < box[2] and box[1] < box[3] else box
    if not opts["layer_ids"]:
        raise InputError("print.error.no_layers")
    from tbgeo.printing.titleblock import resolve_heading

    choice = opts.get("admin_heading") or "auto"
    heading = None if choice == "auto" else choice
    issuer = opts["issuer"]
    if issuer == t("print.issuer_default", lang) and resolve_heading(heading, opts.get("date")) == "today":
        issuer = None  # the untouched default: today's issuing body (of Hưng Yên) instead
    return PrintSpec(
        layers=tuple(opts["layer_ids"]), size=opts["size"], orientation=opts["orientation"],
        fmt="pdf" if opts["atlas"] else opts["fmt"], dpi=200,
        district=opts["district"] if opts["extent"] == "district" and not opts["atlas"] else None,
        bbox=bbox if not opts["atlas"] else None, scale=None if opts["auto"] else int(opts["scale"]),
        title=opts["title"] or None, period=opts["period"], date=(opts.get("date") or "").strip() or None,
        issuer=issuer, draft=opts["draft"],
        national_heading=opts["heading"], signatures=opts["signatures"], lang=lang, heading=heading,
    ).validate()


def make_print(spec: PrintSpec, data: MapData, *, atlas: bool) -> dict[str, Any]:
    """The file to download, its low-resolution preview and a one-line summary."""
    from dataclasses import replace

    if atlas:
        result = render_atlas_result(spec, data=data)
        first = result.layouts[0]
        preview = render_print(replace(spec, fmt="png", dpi=PREVIEW_DPI, district=first["district"]), data=data).data
        name = "tbgeo-atlas.pdf"
    else:
        result = render_print(spec, data=data)
        preview = render_print(replace(spec, fmt="png", dpi=PREVIEW_DPI), data=data).data
        stem = "tbgeo-" + (result.layout["district"] or "province").lower().replace(" ", "-")
        name = f"{stem}.{spec.fmt}"
    layout = result.layouts[0]
    summary = t("print.ui.summary", spec.lang, size=spec.size, orientation=t(f"print.ui.{spec.orientation}", spec.lang).lower(),
                scale=format_scale(layout["scale"], spec.lang), layers=len(layout["layers"]), n=len(layout["legend"]),
                pages=result.pages)
    return {"name": name, "data": result.data, "mime": result.mime, "preview": preview, "summary": summary,
            "clipped": layout.get("clipped", False), "scale": layout["scale"]}


def render(lang: str) -> None:
    st.title(t("print.title", lang))
    st.caption(t("print.ui.intro", lang))
    data = map_data()
    left, right = st.columns([5, 6])
    with left:
        opts = _options(lang, data)
    if opts is not None:
        try:
            spec = spec_from_options(opts, lang)
            with st.spinner(t("print.ui.rendering", lang)):
                st.session_state[Key.PRINT_RESULT] = make_print(spec, data, atlas=opts["atlas"])
        except InputError as exc:
            st.session_state.pop(Key.PRINT_RESULT, None)
            left.error(error_text(exc, lang))
    result = st.session_state.get(Key.PRINT_RESULT)
    with right:
        if result:
            st.subheader(t("print.ui.preview", lang))
            st.markdown(result["summary"])
            if result["clipped"]:
                st.warning(t("print.cli.clipped", lang, scale=format_scale(result["scale"], lang)))
            st.image(result["preview"], width="stretch")
            st.download_button(t("print.ui.download", lang, name=result["name"]), data=result["data"],
                               file_name=result["name"], mime=result["mime"], type="primary")
