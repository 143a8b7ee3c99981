"""The maps of the review, search and upload pages, built from domain objects (the pages only show
them): context layers with the site and a draw tool, candidates over the suitability surface, and the
preview of an upload (geometry only: nothing from the file is rendered as HTML)."""

from __future__ import annotations

import base64
import math
from collections.abc import Mapping, Sequence
from typing import Any

import folium
import geopandas as gpd
from folium.plugins import Draw
from shapely.geometry.base import BaseGeometry

from tbgeo.catalog import Catalog
from tbgeo.crs import DISPLAY_CRS, WORK_CRS
from tbgeo.i18n import fmt_number, t
from tbgeo.mapping.assets import localize
from tbgeo.mapping.drawlocal import add_draw_texts
from tbgeo.mapping.legend import script_element
from tbgeo.mapping.webmap import WITH_DRAFTS, Overlay, add_controls, build_map, proposals_overlay
from tbgeo.search.image import surface_png

__all__ = ["REVIEW_LAYERS", "SEARCH_LAYERS", "SITE_STYLE", "CANDIDATE_STYLE", "add_landuse_toggle", "site_view", "review_map", "search_map",
           "preview_map"]

#: Layers shown under a site being reviewed (the land-use raster first: rice land is what the review
#: weighs most), and under search candidates.
REVIEW_LAYERS = ("landuse", "districts", "industrial_parks", "industrial_clusters", "agri_park", "economic_zone",
                 "raw_material_zones", "gas_pipelines", "energy_sites")  # fmt: skip
SEARCH_LAYERS = ("districts", "industrial_parks", "industrial_clusters", "agri_park", "economic_zone", "gas_pipelines")
SITE_STYLE = {"color": "#0050ff", "weight": 3, "fill_color": "#3d7dff", "fill_opacity": 0.25}
CANDIDATE_STYLE = {"color": "#c00000", "weight": 3, "fill_color": "#ff4040", "fill_opacity": 0.15}
_PREVIEW_FEATURES = 2000


_LANDUSE_TOGGLE_JS = """
(function() {
  var map = {{ this._parent.get_name() }};
  var P = {{ this.params.toggle|tojson }};
  var sheet = document.createElement('style');
  document.head.appendChild(sheet);
  var control = L.control({position: 'topright'});
  control.onAdd = function () {
    var label = L.DomUtil.create('label', 'tbgeo-landuse-toggle');
    label.style.cssText = 'display:block;background:rgba(255,255,255,0.92);padding:3px 7px;font:12px/1.4 sans-serif;'
      + 'border-radius:4px;box-shadow:0 1px 4px rgba(0,0,0,.3);cursor:pointer';
    var box = document.createElement('input');
    box.type = 'checkbox';
    box.checked = true;
    box.style.verticalAlign = 'middle';
    label.appendChild(box);
    label.appendChild(document.createTextNode(' ' + P.label));
    L.DomEvent.disableClickPropagation(label);
    box.addEventListener('change', function () {
      sheet.textContent = box.checked ? '' : '.' + P.css_class + '{display:none !important}';
    });
    return label;
  };
  control.addTo(map);
})();
"""


def add_landuse_toggle(m: folium.Map, layer_id: str, lang: str) -> None:
    """A check box on the map (top right) that shows or hides the land-use image at once, in the
    browser: the drawing on the map and the page stay as they are."""
    script_element(m, "TbgeoLanduseToggle", _LANDUSE_TOGGLE_JS,
                   toggle={"label": t("review.map.landuse_toggle", lang), "css_class": f"tbgeo-layer-{layer_id}"})


def site_view(site: BaseGeometry, *, width_px: int = 400, height_px: int = 400, pad_m: float = 300.0) -> tuple[
        tuple[float, float], float]:
    """Where a map of ``width_px`` × ``height_px`` shows all of ``site`` (EPSG:9209) with ``pad_m``
    around it: the centre (lat, lon) and the Leaflet zoom (in steps of 0.25, 8 to 17). The review
    page hands these to the map, which moves there at once, also when it is already showing."""
    west, south, east, north = gpd.GeoSeries([site.buffer(pad_m)], crs=WORK_CRS).to_crs(DISPLAY_CRS).total_bounds

    def merc(lat: float) -> float:
        return math.log(math.tan(math.pi / 4 + math.radians(lat) / 2))

    # pixels of the whole world at zoom z: 256 · 2^z
    zoom_x = math.log2(width_px * 360.0 / (256.0 * max(east - west, 1e-9)))
    zoom_y = math.log2(height_px * 2 * math.pi / (256.0 * max(merc(north) - merc(south), 1e-12)))
    zoom = max(8.0, min(17.0, math.floor(min(zoom_x, zoom_y) * 4) / 4))
    return ((south + north) / 2, (west + east) / 2), zoom


def review_map(
    catalog: Catalog, frames: Mapping[str, Any], lang: str, *, site: BaseGeometry | None, proposals: Any | None,
    visible: Sequence[str] = REVIEW_LAYERS, landuse_png: tuple[bytes, list[list[float]]] | None = None,
) -> folium.Map:
    """Context layers over the land-use image (rice land; a check box hides it), stored proposals (by
    status, drafts dashed grey), the current site (zoomed to), and a draw tool for a new one.
    ``landuse_png`` is ``landuse_image`` of the active land-use layer (made here when not given)."""
    shown = [lid for lid in visible if lid in catalog]
    raster = next((lid for lid in shown if catalog.get(lid).kind == "raster"), None)
    overlays = []
    stored = proposals_overlay(proposals, lang, statuses=WITH_DRAFTS) if proposals is not None else None
    if stored is not None:
        overlays.append(stored)
    if site is not None:
        label = t("review.page.site_layer", lang)
        overlays.append(Overlay("site", label, gpd.GeoDataFrame({"name": [label]}, geometry=[site], crs=WORK_CRS), SITE_STYLE))
    m = build_map(catalog, lang=lang, visible=shown, frames=dict(frames), overlays=overlays, labels=True, height=520,
                  landuse_png=landuse_png)
    if raster is not None:
        add_landuse_toggle(m, raster, lang)
    draw = Draw(export=False, draw_options={"polyline": False, "marker": False, "circlemarker": False,  # type: ignore[no-untyped-call]  # folium's Draw.__init__ has no annotations
                                            "polygon": True, "rectangle": True, "circle": True})
    localize(draw)
    add_draw_texts(m, lang)  # before the draw control: it reads L.drawLocal when it is made
    draw.add_to(m)
    if site is not None:
        minx, miny, maxx, maxy = gpd.GeoSeries([site.buffer(300)], crs=WORK_CRS).to_crs(DISPLAY_CRS).total_bounds
        m.fit_bounds([[miny, minx], [maxy, maxx]])
    return m


def search_map(
    catalog: Catalog, frames: Mapping[str, Any], lang: str, result: Any, *, visible: Sequence[str] = SEARCH_LAYERS
) -> folium.Map:
    """A search result: the candidates (with rank, score and the review's verdict) over the suitability surface."""
    shown = [lid for lid in visible if lid in catalog]
    frame = gpd.GeoDataFrame(
        {"label": [t("search.page.candidate_label", lang, rank=c.rank, score=fmt_number(c.score, lang, 3),
                     verdict=t(f"review.severity.{c.verdict}", lang) if c.verdict else "—") for c in result.candidates]},
        geometry=[c.geometry for c in result.candidates], crs=WORK_CRS)
    overlays = [Overlay("candidates", t("search.page.candidates_layer", lang), frame, CANDIDATE_STYLE,
                        popup=[("label", t("search.page.candidate", lang))])] if len(frame) else []
    m = build_map(catalog, lang=lang, visible=shown, frames=dict(frames), overlays=overlays, height=560)
    png, bounds = surface_png(result.surface, result.constrained, result.grid)
    folium.raster_layers.ImageOverlay(image="data:image/png;base64," + base64.b64encode(png).decode("ascii"),
                                      bounds=bounds, opacity=0.7, name=t("search.page.surface_layer", lang),
                                      interactive=False).add_to(m)
    return m


def preview_map(frame: gpd.GeoDataFrame, lang: str = "vi") -> folium.Map:
    """A small map of planned features (geometry only: nothing from the file is rendered as HTML)."""
    gdf = frame[[frame.geometry.name]].head(_PREVIEW_FEATURES).to_crs(DISPLAY_CRS)
    gdf = gdf.set_geometry(gdf.geometry.simplify(0.00001))
    w, s, e, n = gdf.total_bounds
    center = [(s + n) / 2, (w + e) / 2]
    m: folium.Map = localize(folium.Map(location=center, zoom_start=11, tiles=None, control_scale=False, zoom_control=False))
    add_controls(m, lang)
    folium.GeoJson(
        gdf.to_json(),
        style_function=lambda _: {"color": "#d62728", "weight": 2, "fillOpacity": 0.2},
        marker=folium.CircleMarker(radius=4, color="#d62728"),
    ).add_to(m)
    m.fit_bounds([[s, w], [n, e]])
    return m
