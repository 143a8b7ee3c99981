"""The maps of the review, search and upload pages, built from domain objects (the pages only show
them): context layers with the site and a draw tool, candidates over the suitability surface, and the
preview of an upload (geometry only: nothing from the file is rendered as HTML)."""

from __future__ import annotations

import base64
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
from tbgeo.mapping.webmap import Overlay, add_controls, build_map, proposals_overlay
from tbgeo.search.image import surface_png

__all__ = ["REVIEW_LAYERS", "SEARCH_LAYERS", "SITE_STYLE", "CANDIDATE_STYLE", "review_map", "search_map", "preview_map"]

#: Layers shown under a site being reviewed, and under search candidates.
REVIEW_LAYERS = ("districts", "industrial_parks", "industrial_clusters", "agri_park", "economic_zone",
                 "raw_material_zones", "gas_pipelines", "energy_sites")  # fmt: skip
SEARCH_LAYERS = ("districts", "industrial_parks", "industrial_clusters", "agri_park", "economic_zone", "gas_pipelines")
SITE_STYLE = {"color": "#0050ff", "weight": 3, "fill_color": "#3d7dff", "fill_opacity": 0.25}
CANDIDATE_STYLE = {"color": "#c00000", "weight": 3, "fill_color": "#ff4040", "fill_opacity": 0.15}
_PREVIEW_FEATURES = 2000


def review_map(
    catalog: Catalog, frames: Mapping[str, Any], lang: str, *, site: BaseGeometry | None, proposals: Any | None,
    visible: Sequence[str] = REVIEW_LAYERS,
) -> folium.Map:
    """Context layers, stored proposals, the current site (zoomed to), and a draw tool for a new one."""
    shown = [lid for lid in visible if lid in catalog]
    overlays = []
    stored = proposals_overlay(proposals, lang) if proposals is not None else None
    if stored is not None:
        overlays.append(stored)
    if site is not None:
        label = t("review.page.site_layer", lang)
        overlays.append(Overlay("site", label, gpd.GeoDataFrame({"name": [label]}, geometry=[site], crs=WORK_CRS), SITE_STYLE))
    m = build_map(catalog, lang=lang, visible=shown, frames=dict(frames), overlays=overlays, labels=True, height=520)
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
