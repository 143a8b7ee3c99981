"""Build the interactive folium map of the catalog's layers: offline, styled, with legend and labels.

Geometry is simplified for display only (in EPSG:9209 metres, then rounded in EPSG:4326); the data
itself is never changed. The land-use raster is shown as one image overlay, not as vectors.
"""

from __future__ import annotations

import html
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from types import ModuleType
from typing import TYPE_CHECKING, Any

import numpy as np

from tbgeo.catalog import Catalog, Layer
from tbgeo.crs import DISPLAY_CRS, WORK_CRS
from tbgeo.i18n import fmt_number, t
from tbgeo.mapping.assets import localize
from tbgeo.mapping.legend import LegendEntry, add_legend, legend_entries, script_element
from tbgeo.mapping.tools import LABELLED_LAYERS, add_feature_labels, add_tools, feature_labels
from tbgeo.proposals import display_name
from tbgeo.review.landuse import raster_path

if TYPE_CHECKING:
    import folium
    import geopandas as gpd

__all__ = [
    "BASEMAPS",
    "Overlay",
    "LegendEntry",
    "display_frame",
    "landuse_image",
    "legend_entries",
    "build_map",
    "PROVINCE_CENTER",
    "PROVINCE_BOUNDS",
    "popup_text",
    "add_controls",
    "PROPOSAL_STYLE",
    "PROPOSAL_STATUS_STYLES",
    "MAP_PROPOSAL_STATUSES",
    "WITH_DRAFTS",
    "proposals_overlay",
]

#: Centre of the province (computed from the facts' bounding box), lat, lon.
def _draw() -> ModuleType:
    # warm start: folium, shapely, rasterio and PIL load only when a map is drawn, not when it is read
    from tbgeo.mapping import draw

    return draw


PROVINCE_CENTER = (20.49, 106.37)
PROVINCE_BOUNDS = ((20.240, 106.103), (20.729, 106.657))

#: Base maps: none (offline default) or an online tile layer, optional.
BASEMAPS: dict[str, dict[str, str] | None] = {
    "none": None,
    "osm": {
        "tiles": "https://tile.openstreetmap.org/{z}/{x}/{y}.png",
        "attr": "© OpenStreetMap contributors",
    },
    "imagery": {
        "tiles": "https://server.arcgisonline.com/ArcGIS/rest/services/World_Imagery/MapServer/tile/{z}/{y}/{x}",
        "attr": "Tiles © Esri — Source: Esri, Maxar, Earthstar Geographics",
    },
}

#: Display simplification tolerance (m) and coordinate precision (decimal places ≈ 1.1 m at 5).
SIMPLIFY_M = 20.0
PRECISION = 5


@dataclass
class Overlay:
    """An extra vector layer on the map (a proposed site, stored proposals, an upload preview)."""

    key: str
    title: str
    gdf: gpd.GeoDataFrame
    style: dict[str, Any]
    popup: Sequence[tuple[str, str]] = ()
    #: Styled by a column's value: (value, legend label, style) per class, in legend order; a
    #: feature of no class is drawn with ``style``.
    class_field: str | None = None
    classes: Sequence[tuple[str, str, dict[str, Any]]] = ()

    def style_of(self, value: Any) -> dict[str, Any]:
        return next((style for v, _label, style in self.classes if v == value), self.style)


#: How a stored proposal of no known status is drawn.
PROPOSAL_STYLE = {"color": "#d6006f", "weight": 2.5, "fill_color": "#ff5fa2", "fill_opacity": 0.25, "dash_array": "5 3"}
#: How stored proposals are drawn, by status, in legend order: decisions in solid colours (approved
#: green, submitted orange, rejected red with a thin fill), a draft dashed grey with hardly any fill,
#: so it never reads as a decision. Archived and deleted drafts are not drawn at all.
PROPOSAL_STATUS_STYLES: dict[str, dict[str, Any]] = {
    "approved": {"color": "#1b7a2f", "weight": 2.5, "fill_color": "#3fae55", "fill_opacity": 0.35},
    "submitted": {"color": "#d46a00", "weight": 2.5, "fill_color": "#ffa640", "fill_opacity": 0.3},
    "rejected": {"color": "#b0182a", "weight": 2.0, "fill_color": "#e8606e", "fill_opacity": 0.12},
    "draft": {"color": "#7a7a7a", "weight": 1.5, "fill_color": "#bdbdbd", "fill_opacity": 0.08, "dash_array": "6 5"},
}
#: The statuses the maps draw unless drafts are asked for (``WITH_DRAFTS``).
MAP_PROPOSAL_STATUSES = ("approved", "submitted", "rejected")
WITH_DRAFTS = (*MAP_PROPOSAL_STATUSES, "draft")


def proposals_overlay(frame: gpd.GeoDataFrame | None, lang: str, *,
                      statuses: Sequence[str] = MAP_PROPOSAL_STATUSES) -> Overlay | None:
    """Stored proposals (``Store.proposals_frame()``) of ``statuses`` as an overlay styled by status
    (``PROPOSAL_STATUS_STYLES``; drafts drawn under the decisions): number, name, status in words,
    area. None when no proposal of those statuses is stored."""
    if frame is None or frame.empty:
        return None
    wanted = [s for s in PROPOSAL_STATUS_STYLES if s in statuses]
    frame = frame[frame["status"].isin(wanted)]
    if frame.empty:
        return None
    order = {s: i for i, s in enumerate(reversed(wanted))}  # drafts first: the decisions are drawn on top
    frame = frame.assign(_order=frame["status"].map(order)).sort_values("_order", kind="stable").drop(columns="_order")
    frame = frame.assign(
        number_text=[f"#{int(i)}" for i in frame["proposal_id"]],
        name=[display_name(n, lang) for n in frame["name"]],
        status_text=[t(f"map.status_{s}", lang) for s in frame["status"]],
        area_text=[fmt_number(a, lang, 2) + " ha" for a in frame["area_ha"]],
    )
    present = set(frame["status"])
    return Overlay(
        key="proposals",
        title=t("map.proposals", lang),
        gdf=frame,
        style=PROPOSAL_STYLE,
        popup=[
            ("number_text", t("map.proposal_number", lang)),
            ("name", t("map.proposal_name", lang)),
            ("status_text", t("map.proposal_status", lang)),
            ("area_text", t("map.proposal_area", lang)),
        ],
        class_field="status",
        classes=[(s, t(f"map.status_{s}", lang), PROPOSAL_STATUS_STYLES[s]) for s in wanted if s in present],
    )


def display_frame(layer: Layer, *, gdf: gpd.GeoDataFrame | None = None) -> gpd.GeoDataFrame:
    """The layer's features ready for Leaflet: simplified at SIMPLIFY_M in EPSG:9209, EPSG:4326, rounded."""
    frame = layer.read() if gdf is None else gdf
    work = frame.to_crs(WORK_CRS)
    geoms = work.geometry
    if layer.geometry_type in ("Polygon", "LineString"):
        geoms = geoms.simplify(SIMPLIFY_M, preserve_topology=True)
    out: gpd.GeoDataFrame = _draw().rounded(work.set_geometry(geoms).to_crs(DISPLAY_CRS), PRECISION)
    return out


def landuse_image(layer: Layer, *, resolution_m: float = 80.0) -> tuple[bytes, list[list[float]]]:
    """The classified raster as a PNG (Web Mercator, ~resolution_m pixels) and its lat/lon bounds.

    Leaflet stretches an image overlay linearly in Web Mercator, so the raster is warped there.
    """
    png: tuple[bytes, list[list[float]]] = _draw().warped_png(
        raster_path(layer), [(cls.value, cls.color) for cls in layer.raster_classes], resolution_m=resolution_m
    )
    return png


def _leaflet_style(style: dict[str, Any], layer_id: str) -> dict[str, Any]:
    out: dict[str, Any] = {
        "color": style.get("color", "#333333"),
        "weight": style.get("weight", 1.5),
        "opacity": style.get("opacity", 1.0),
        "fillColor": style.get("fill_color", style.get("color", "#888888")),
        "fillOpacity": style.get("fill_opacity", 0.4),
        "className": f"tbgeo-layer-{layer_id}",
    }
    if style.get("dash_array"):
        out["dashArray"] = style["dash_array"]
    return out


_SCALE_JS = """
L.control.scale({metric: true, imperial: false}).addTo({{ this._parent.get_name() }});
// Leaflet's own credit, by name only: its default link carries an English title
if ({{ this._parent.get_name() }}.attributionControl) { {{ this._parent.get_name() }}.attributionControl.setPrefix('Leaflet'); }
"""

_LABELS_JS = """
(function() {
  var labels = {{ this.params.labels|tojson }};
  labels.forEach(function (item) {
    var div = document.createElement('div');
    div.className = 'tbgeo-label';
    div.textContent = item[2];
    div.style.cssText = 'font:600 12px sans-serif;color:#222;text-shadow:0 0 3px #fff,0 0 3px #fff;'
      + 'white-space:nowrap;transform:translate(-50%,-50%)';
    L.marker([item[0], item[1]], {
      icon: L.divIcon({html: div.outerHTML, className: '', iconSize: [0, 0]}),
      interactive: false, keyboard: false
    }).addTo({{ this._parent.get_name() }});
  });
})();
"""


_ZOOM_JS = """
L.control.zoom({
  zoomInTitle: {{ this.params.zoom_in|tojson }},
  zoomOutTitle: {{ this.params.zoom_out|tojson }}
}).addTo({{ this._parent.get_name() }});
"""


def add_controls(m: folium.Map, lang: str) -> None:
    """Zoom buttons titled in the reader's language (the map must be made with ``zoom_control=False``)
    and a scale bar in metres and kilometres only (Leaflet's default adds feet and miles); Leaflet
    credited by name."""
    script_element(m, "TbgeoZoom", _ZOOM_JS, zoom_in=t("map.zoom_in", lang), zoom_out=t("map.zoom_out", lang))
    script_element(m, "TbgeoScale", _SCALE_JS)


#: Suffix of the popup columns that hold each value as the reader sees it.
_TXT = "__txt"


def popup_text(value: Any, *, field: str, lang: str, classes: dict[str, str] | None = None) -> str:
    """One attribute value as a reader sees it: class labels and coded values in words, numbers
    in the language's format, yes/no for flags, "not stated" for missing values."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return t("values.not_stated", lang)
    if classes and str(value) in classes:
        return classes[str(value)]
    if isinstance(value, (bool, np.bool_)):
        return t("values.yes" if value else "values.no", lang)
    if isinstance(value, (int, np.integer)):
        return fmt_number(float(value), lang, 0)
    if isinstance(value, (float, np.floating)):
        return fmt_number(float(value), lang, 0 if float(value).is_integer() else 2)
    key = f"values.{field}.{value}"
    text = t(key, lang)
    return str(value) if text == key else text


def _with_popup_text(layer: Layer, gdf: gpd.GeoDataFrame, lang: str) -> gpd.GeoDataFrame:
    """A copy of ``gdf`` with one text column per popup field (``<field>__txt``).

    The text is HTML-escaped: folium's popup puts it in the page as HTML, and attribute values come
    from uploaded files and typed names, so ``<b>`` in a name must show as text, never run.
    """
    class_field = layer.style.get("class_field")
    classes = {
        str(c.get("value")): c.get("label_en" if lang == "en" else "label_vi", str(c.get("value")))
        for c in layer.style.get("classes", [])
    }
    out = gdf.copy()
    for item in layer.popup:
        field = item["field"]
        if field in out.columns:
            out[field + _TXT] = [
                html.escape(popup_text(v, field=field, lang=lang, classes=classes if field == class_field else None))
                for v in out[field]
            ]
    return out


def _popup(layer_popup: Sequence[dict[str, str]], columns: Iterable[str], lang: str) -> Any:
    """A popup of the text columns made by ``_with_popup_text`` (formatted on the server, not by the browser)."""
    cols = set(columns)
    items = [p for p in layer_popup if p["field"] + _TXT in cols]
    if not items:
        return None
    return _draw().popup([p["field"] + _TXT for p in items], [p.get("label_en" if lang == "en" else "label_vi", p["field"]) for p in items])


def build_map(
    catalog: Catalog,
    *,
    lang: str,
    visible: Iterable[str],
    basemap: str = "none",
    frames: dict[str, gpd.GeoDataFrame] | None = None,
    landuse_png: tuple[bytes, list[list[float]]] | None = None,
    overlays: Sequence[Overlay] = (),
    labels: bool = True,
    offline: bool = True,
    height: int | str = 640,
    clicks: bool = False,
) -> folium.Map:
    """The map: visible catalog layers in draw order, optional overlays, district, park and cluster
    labels, a legend with opacity sliders, coordinates, measuring and a button back to the province.

    ``frames`` are display frames by layer id (``display_frame``); missing ones are computed here.
    ``height`` in pixels, or ``"100%"`` to fill the page it is in; with ``clicks`` a click is posted
    to the page around the map (``tbgeo.mapping.tools``).
    """
    draw = _draw()
    visible = [lyr.id for lyr in catalog.shown() if lyr.id in set(visible)]
    m: folium.Map = draw.new_map(PROVINCE_CENTER, height=height)
    if offline:
        localize(m)
    add_controls(m, lang)
    tiles = BASEMAPS.get(basemap)
    if tiles:
        draw.tile_layer(tiles["tiles"], attr=tiles["attr"], name=t(f"map.basemap_{basemap}", lang)).add_to(m)
    frames = dict(frames or {})
    for layer_id in visible:
        layer = catalog.get(layer_id)
        if layer.kind == "raster":
            png, bounds = landuse_png if landuse_png is not None else landuse_image(layer)
            draw.image_overlay(png, bounds, name=layer.title(lang), class_name=f"tbgeo-layer-{layer.id}").add_to(m)
            continue
        gdf = frames.get(layer_id)
        if gdf is None:
            gdf = frames[layer_id] = display_frame(layer)
        class_field = layer.style.get("class_field")

        def style_fn(props: dict[str, Any], layer: Layer = layer, class_field: str | None = class_field) -> dict[str, Any]:
            value = props.get(class_field) if class_field else None
            return _leaflet_style(layer.style_for(value), layer.id)

        radius = float(layer.style.get("radius", 6)) if layer.geometry_type == "Point" else None
        shown = _with_popup_text(layer, gdf, lang)
        draw.geojson(shown, style_fn, layer.title(lang), _popup(layer.popup, shown.columns, lang), radius=radius).add_to(m)
    for ov in overlays:
        gdf = ov.gdf.to_crs(DISPLAY_CRS)
        items = [{"field": f, "label_vi": lbl, "label_en": lbl} for f, lbl in ov.popup]
        gdf = gdf.assign(
            **{f + _TXT: [html.escape(popup_text(v, field=f, lang=lang)) for v in gdf[f]] for f, _ in ov.popup if f in gdf}
        )
        popup = _popup(items, gdf.columns, lang)
        def overlay_style(props: dict[str, Any], ov: Overlay = ov) -> dict[str, Any]:
            return _leaflet_style(ov.style_of(props.get(ov.class_field)) if ov.class_field else ov.style, ov.key)

        draw.geojson(gdf, overlay_style, ov.title, popup).add_to(m)
    if labels and "districts" in visible:
        points = [
            (round(pt.y, PRECISION), round(pt.x, PRECISION), str(name))
            for pt, name in zip(
                frames["districts"].geometry.representative_point(), frames["districts"]["name_vi"], strict=True
            )
        ]
        script_element(m, "TbgeoLabels", _LABELS_JS, labels=points)
    if labels:
        named = {lid: catalog.get(lid).label_field or "name" for lid in LABELLED_LAYERS if lid in visible}
        add_feature_labels(m, feature_labels(frames, named, precision=PRECISION))
    add_legend(m, legend_entries(catalog, visible, lang, overlays=overlays, frames=frames), lang)
    add_tools(m, lang, bounds=PROVINCE_BOUNDS, clicks=clicks)
    m.fit_bounds([list(PROVINCE_BOUNDS[0]), list(PROVINCE_BOUNDS[1])])
    return m
