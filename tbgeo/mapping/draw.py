"""The web map's calls into folium, shapely, rasterio and PIL. ``tbgeo.mapping.webmap`` imports
this module only when it draws a map, so the app's warm start, which reads the first map from the
disk cache, loads none of them (tests/app/test_startup.py)."""

from __future__ import annotations

import base64
import html
import io
import json
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any

import folium
import geopandas as gpd
import numpy as np
import rasterio
import shapely
from PIL import Image, ImageColor
from rasterio.warp import Resampling, calculate_default_transform, reproject, transform_bounds

__all__ = ["rounded", "warped_png", "new_map", "tile_layer", "image_overlay", "popup", "geojson"]


def rounded(gdf: gpd.GeoDataFrame, decimals: int) -> gpd.GeoDataFrame:
    """``gdf`` with its coordinates on a grid of ``10**-decimals``."""
    return gdf.set_geometry(shapely.set_precision(gdf.geometry.values, 10**-decimals))


def warped_png(path: Path, classes: Iterable[tuple[int, str]], *, resolution_m: float) -> tuple[bytes, list[list[float]]]:
    """A classified raster as a PNG in Web Mercator (~resolution_m pixels), each ``(value, colour)``
    painted, the rest transparent, and its lat/lon bounds (Leaflet stretches an image overlay
    linearly in Web Mercator, so the raster is warped there)."""
    with rasterio.open(path) as src:
        dst_crs = "EPSG:3857"
        transform, width, height = calculate_default_transform(
            src.crs, dst_crs, src.width, src.height, *src.bounds, resolution=resolution_m
        )
        data = np.full((height, width), 255, dtype=np.uint8)
        reproject(
            rasterio.band(src, 1),
            data,
            src_transform=src.transform,
            src_crs=src.crs,
            src_nodata=src.nodata,
            dst_transform=transform,
            dst_crs=dst_crs,
            dst_nodata=255,
            resampling=Resampling.nearest,
        )
        west, south, east, north = transform_bounds(
            dst_crs, "EPSG:4326", transform.c, transform.f + transform.e * height, transform.c + transform.a * width, transform.f
        )
    rgba = np.zeros((height, width, 4), dtype=np.uint8)
    for value, color in classes:
        r, g, b = ImageColor.getrgb(color)[:3]
        rgba[data == value] = (r, g, b, 255)
    buf = io.BytesIO()
    Image.fromarray(rgba, "RGBA").save(buf, format="PNG", compress_level=6)
    return buf.getvalue(), [[south, west], [north, east]]


def new_map(location: tuple[float, float], *, height: int | str) -> folium.Map:
    """An empty map without tiles, Leaflet's zoom buttons or its scale (tbgeo adds its own)."""
    return folium.Map(location=location, zoom_start=10, tiles=None, control_scale=False, zoom_control=False,
                      prefer_canvas=False, height=height, zoom_snap=0.25)


def tile_layer(tiles: str, *, attr: str, name: str) -> Any:
    return folium.TileLayer(tiles=tiles, attr=attr, name=name)


def image_overlay(png: bytes, bounds: list[list[float]], *, name: str, class_name: str) -> Any:
    """A PNG laid over the map at ``bounds``, see-through (65 %), not clickable."""
    return folium.raster_layers.ImageOverlay(
        image="data:image/png;base64," + base64.b64encode(png).decode("ascii"),
        bounds=bounds,
        opacity=0.65,
        name=name,
        interactive=False,
        className=class_name,
    )


def popup(fields: Sequence[str], aliases: Sequence[str]) -> Any:
    """A popup of text columns (formatted and HTML-escaped on the server, not by the browser)."""
    return folium.GeoJsonPopup(fields=list(fields), aliases=[html.escape(a) for a in aliases], localize=False, labels=True)


def geojson(gdf: gpd.GeoDataFrame, style_fn: Callable[[Any], dict[str, Any]], title: str, popup: Any, *,
            radius: float | None = None) -> Any:
    """A GeoJSON layer; points become circle markers of ``radius`` px (no jQuery, no icon images)."""
    data = json.loads(gdf.to_json(na="null", drop_id=True))
    return folium.GeoJson(
        data,
        name=title,
        style_function=lambda feat: style_fn(feat["properties"]),
        popup=popup,
        smooth_factor=1.0,
        marker=folium.CircleMarker(radius=radius, fill=True) if radius is not None else None,
    )
