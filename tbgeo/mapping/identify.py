"""What the map shows at a point (Identify), and a layer's attributes as a table to filter and zoom to.

Both read the layers' own data (not the simplified display geometry): a click on a park's edge gives
that park as the data draws it. Points and lines are found within a tolerance in metres (a few
screen pixels at the map's zoom, ``tolerance_for_zoom``); polygons where they contain the point. The
land-use class is read from the classified raster (the shipped one, or the active imported version
rasterized, ``tbgeo.review.landuse.raster_path``). Results hold raw values; ``identify_text`` and
``attribute_table`` write them for a reader, as plain text.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import geopandas as gpd
import pandas as pd
import rasterio
import shapely

from tbgeo.catalog import Catalog, Layer, RasterClass
from tbgeo.crs import WORK_CRS, transformer
from tbgeo.i18n import fmt_number, t
from tbgeo.mapping.webmap import popup_text
from tbgeo.places.names import fold
from tbgeo.proposals import display_name
from tbgeo.review.landuse import raster_path
from tbgeo.safetext import terminal_text

if TYPE_CHECKING:
    from shapely.geometry.base import BaseGeometry

__all__ = [
    "Click",
    "FeatureHit",
    "ProposalHit",
    "Identified",
    "click_point",
    "tolerance_for_zoom",
    "identify",
    "identify_text",
    "attribute_table",
    "feature_geometry",
    "layer_extent",
]

#: Screen pixels around a click within which a point or a line counts as clicked.
CLICK_PIXELS = 6
#: Web Mercator metres per pixel at zoom 0 on the equator.
_M_PER_PX_Z0 = 156543.03392804097
#: Where a click may land: around the province, with room (lon/lat, EPSG:4326).
_LON, _LAT = (104.0, 109.0), (18.0, 23.0)


@dataclass(frozen=True)
class Click:
    """A click on the map: where (WGS 84) and at which zoom."""

    lon: float
    lat: float
    zoom: float


@dataclass(frozen=True)
class FeatureHit:
    """One feature at the point: its layer, its row in the layer's data, its popup fields' raw values."""

    layer: str
    row: Any
    values: tuple[tuple[str, Any], ...]
    distance_m: float = 0.0


@dataclass(frozen=True)
class ProposalHit:
    """A stored proposal at the point: its number, name, status (as stored) and area."""

    id: int
    name: str
    status: str
    area_ha: float


@dataclass(frozen=True)
class Identified:
    """Everything shown at a point: the point in both systems, the features (top layer first) and the
    land-use class under it (None outside the raster or when land use is not shown)."""

    lon: float
    lat: float
    easting: float
    northing: float
    features: tuple[FeatureHit, ...]
    landuse: RasterClass | None = None
    landuse_layer: str | None = None
    #: The stored proposals whose site holds the point (those the map draws), newest first.
    proposals: tuple[ProposalHit, ...] = ()


def click_point(value: Any) -> Click | None:
    """The click the map posted (``{"lat", "lng", "zoom"}``), checked; None for anything else (an
    old message, a value that is not a place near the province)."""
    if not isinstance(value, Mapping):
        return None
    try:
        lat, lon, zoom = float(value["lat"]), float(value["lng"]), float(value.get("zoom", 12))
    except (KeyError, TypeError, ValueError):
        return None
    if not all(math.isfinite(v) for v in (lat, lon, zoom)):
        return None
    if not (_LON[0] <= lon <= _LON[1] and _LAT[0] <= lat <= _LAT[1]):
        return None
    return Click(lon=lon, lat=lat, zoom=min(max(zoom, 0.0), 22.0))


def tolerance_for_zoom(lat: float, zoom: float, pixels: float = CLICK_PIXELS) -> float:
    """Metres on the ground covered by ``pixels`` screen pixels at ``zoom`` (Web Mercator, at ``lat``)."""
    return pixels * _M_PER_PX_Z0 * math.cos(math.radians(lat)) / 2**zoom


def _landuse_class(layer: Layer, lon: float, lat: float) -> RasterClass | None:
    with rasterio.open(raster_path(layer)) as src:
        x, y = transformer("EPSG:4326", src.crs.to_string()).transform(lon, lat)
        row, col = src.index(x, y)
        if not (0 <= row < src.height and 0 <= col < src.width):
            return None
        value = int(next(src.sample([(x, y)]))[0])
        if src.nodata is not None and value == src.nodata:
            return None
    return next((cls for cls in layer.raster_classes if cls.value == value), None)


def identify(
    catalog: Catalog,
    lon: float,
    lat: float,
    *,
    visible: Iterable[str],
    frames: Mapping[str, gpd.GeoDataFrame] | None = None,
    tolerance_m: float = 25.0,
    proposals: gpd.GeoDataFrame | None = None,
) -> Identified:
    """Every shown layer's features at (``lon``, ``lat``) WGS 84, top layer first, the land-use class,
    and the stored proposals holding the point.

    ``frames`` are the layers' data by id (any CRS; read from the layers when missing): the page passes
    its cached copies. Polygons count where they contain the point; points and lines within
    ``tolerance_m`` metres, nearest first. ``proposals``: the proposals drawn on the map
    (``Store.proposals_frame(statuses)``), or None.
    """

    easting, northing = transformer("EPSG:4326", WORK_CRS.to_string()).transform(lon, lat)
    point = shapely.Point(easting, northing)
    shown = set(visible)
    layers = [lyr for lyr in catalog.shown() if lyr.id in shown]
    hits: list[FeatureHit] = []
    landuse: tuple[RasterClass | None, str] | None = None
    for layer in reversed(layers):  # the top of the map first
        if layer.kind == "raster":
            if landuse is None:
                landuse = (_landuse_class(layer, lon, lat), layer.id)
            continue
        frame = (frames or {}).get(layer.id)
        if frame is None:
            frame = layer.read()
        work = frame if frame.crs == WORK_CRS else frame.to_crs(WORK_CRS)
        geoms = gpd.GeoSeries(work.geometry.values, index=work.index, crs=WORK_CRS)
        if layer.geometry_type == "Polygon":
            distance = geoms.distance(point)
            found = distance[geoms.intersects(point)]
        else:
            distance = geoms.distance(point)
            found = distance[distance <= tolerance_m].sort_values()
        fields = [item["field"] for item in layer.popup if item["field"] in work.columns]
        for row, dist in found.items():
            values = tuple((f, work.at[row, f]) for f in fields)
            hits.append(FeatureHit(layer=layer.id, row=row, values=values, distance_m=float(dist)))
    return Identified(
        lon=lon, lat=lat, easting=float(easting), northing=float(northing), features=tuple(hits),
        landuse=landuse[0] if landuse else None, landuse_layer=landuse[1] if landuse else None,
        proposals=_proposals_at(proposals, point),
    )


def _proposals_at(frame: gpd.GeoDataFrame | None, point: Any) -> tuple[ProposalHit, ...]:
    if frame is None or frame.empty:
        return ()
    work = frame if frame.crs == WORK_CRS else frame.to_crs(WORK_CRS)
    inside = work[work.geometry.intersects(point)]
    return tuple(ProposalHit(int(r["proposal_id"]), str(r["name"]), str(r["status"]), float(r["area_ha"]))
                 for _, r in inside.iterrows())


def _classes(layer: Layer, lang: str) -> dict[str, str]:
    return {
        str(c.get("value")): c.get("label_en" if lang == "en" else "label_vi", str(c.get("value")))
        for c in layer.style.get("classes", [])
    }


def _value_text(layer: Layer, field: str, value: Any, lang: str, classes: dict[str, str]) -> str:
    class_field = layer.style.get("class_field")
    return popup_text(value, field=field, lang=lang, classes=classes if field == class_field else None)


def _label(item: Mapping[str, str], lang: str) -> str:
    return item.get("label_en" if lang == "en" else "label_vi", item["field"])


def identify_text(result: Identified, catalog: Catalog, lang: str) -> str:
    """The result as lines of plain text (to show as text, never as Markdown or HTML)."""
    lines = [
        t("maptools.identify_point", lang, lat=fmt_number(result.lat, lang, 5), lon=fmt_number(result.lon, lang, 5),
          x=fmt_number(result.northing, lang, 1), y=fmt_number(result.easting, lang, 1)),
    ]
    if result.landuse_layer is not None:
        title = catalog.get(result.landuse_layer).title(lang)
        if result.landuse is None:
            lines.append(t("maptools.identify_no_landuse", lang, layer=title))
        else:
            lines.append(t("maptools.identify_landuse", lang, layer=title, code=result.landuse.code,
                           label=result.landuse.label(lang)))
    if not result.features and not result.proposals:
        lines.append(t("maptools.identify_nothing", lang))
    current = None
    for hit in result.features:
        layer = catalog.get(hit.layer)
        if hit.layer != current:
            lines.append(f"{layer.title(lang)}:")
            current = hit.layer
        labels = {item["field"]: _label(item, lang) for item in layer.popup}
        classes = _classes(layer, lang)
        parts = [f"{labels[f]}: {_value_text(layer, f, v, lang, classes)}" for f, v in hit.values]
        lines.append("  • " + " · ".join(parts))
    if result.proposals:
        lines.append(f"{t('map.proposals', lang)}:")
    for p in result.proposals:  # a stored name on one line, without control characters
        lines.append("  • " + t("maptools.identify_proposal", lang, id=p.id, name=" ".join(terminal_text(display_name(p.name, lang)).split()),
                                status=t(f"map.status_{p.status}", lang), area=fmt_number(p.area_ha, lang, 2)))
    return "\n".join(lines)


def attribute_table(layer: Layer, frame: gpd.GeoDataFrame, lang: str, query: str = "") -> pd.DataFrame:
    """The layer's popup fields as a reader sees them (one column per field, headed by its label),
    indexed like ``frame``; only the rows where some value contains ``query`` (case and diacritics
    ignored: "tien hai" finds "Tiền Hải")."""

    items = [item for item in layer.popup if item["field"] in frame.columns]
    classes = _classes(layer, lang)
    table = pd.DataFrame(
        {_label(item, lang): [_value_text(layer, item["field"], v, lang, classes) for v in frame[item["field"]]]
         for item in items},
        index=frame.index,
    )
    wanted = fold(query)
    if wanted:
        keep = table.apply(lambda row: any(wanted in fold(str(v)) for v in row), axis=1)
        table = table[keep.astype(bool)] if len(table) else table
    return table


def feature_geometry(frame: gpd.GeoDataFrame, row: Any) -> BaseGeometry | None:
    """The geometry of ``frame``'s row ``row`` in WGS 84 (None when the row is gone)."""
    if row not in frame.index:
        return None
    one = frame.loc[[row]]
    return one.to_crs("EPSG:4326").geometry.iloc[0] if one.crs is not None else one.geometry.iloc[0]


def layer_extent(frame: gpd.GeoDataFrame) -> BaseGeometry | None:
    """The box around a layer's features in WGS 84 (None for a layer with no features)."""
    if frame.empty:
        return None
    bounds: Sequence[float] = frame.to_crs("EPSG:4326").total_bounds
    return shapely.box(*bounds)
