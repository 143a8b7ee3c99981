"""Target step: the layer an upload goes into, the code columns that layer needs, and the suggested column mapping.

Land-use polygons (for the classified land-use raster) need a land-use code column; 2025 commune
boundaries need a GSO code column naming communes of the former Thái Bình area. Without them the
import is refused.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import geopandas as gpd
import pandas as pd

from tbgeo.catalog import Layer, load_catalog
from tbgeo.errors import InputError
from tbgeo.ingest.steps import Note, StepNotes
from tbgeo.ingest.validate import FID, TargetField, suggest_mapping, target_fields
from tbgeo.places.crosswalk import crosswalk
from tbgeo.places.locate import COMMUNES_LAYER, commune_code_column, normalise_code
from tbgeo.review.codes import CODE_COLUMN, RICE_CODES, find_code_column, normalise_codes

__all__ = ["TargetStep", "target_layer", "fit"]


@dataclass(kw_only=True)
class TargetStep(StepNotes):
    """The layer's fields and the suggested mapping (target field → source column or None)."""

    fields: list[TargetField]
    mapping: dict[str, str | None] = field(default_factory=dict)


def target_layer(layer_id: str) -> Layer:
    """The catalog layer ``layer_id``, refused when it cannot take an upload (a raster without classes)."""
    layer = load_catalog(check_data=False).get(layer_id)
    if layer.kind == "raster" and layer.raster_classes:
        return layer  # a classified raster (land use) takes polygons with a land-use code column
    if layer.kind != "vector" or not layer.geometry_type:
        raise InputError("ingest.raster_layer", layer=layer.named())
    return layer


def _landuse_codes(work: gpd.GeoDataFrame) -> list[Note]:
    """Land-use polygons need a code column (LUC, LUK, …, found by its values): it is copied, normalised,
    into ``code``, the column the map, the printer and the rice check read."""
    data = work.drop(columns=[c for c in (FID, CODE_COLUMN) if c in work.columns])
    try:
        column = find_code_column(data)
    except InputError:
        return [("ingest.landuse_no_code", {"codes": ", ".join(RICE_CODES)})]
    work[CODE_COLUMN] = normalise_codes(work[column])
    return []


def _commune_codes(work: gpd.GeoDataFrame) -> list[Note]:
    """2025 commune boundaries need a GSO code column (found by its values, whatever its name) that
    names at least one commune or ward of the former Thái Bình area: without it tbgeo could not use
    the layer, and every report would go on asking for it."""
    cw = crosswalk()
    column = commune_code_column(work, cw)
    if column is None:
        return [("ingest.communes_no_code", {"example": "13003"})]
    codes = {normalise_code(v) for v in work[column].tolist()}
    if not codes & set(cw.new_units):
        return [("ingest.communes_none_in_area", {"column": column})]
    return []


def fit(layer: Layer, work: gpd.GeoDataFrame, *, layer_id: str, target_type: str, usable: bool) -> TargetStep:
    """Check the code columns ``layer`` (``layer_id``) needs (a land-use ``code`` column is added to ``work``) and
    suggest how the columns of ``work`` map onto the layer's fields (measures only when ``usable``)."""
    blockers: list[Note] = []
    if layer.kind == "raster":
        blockers.extend(_landuse_codes(work))
    if layer_id == COMMUNES_LAYER and usable:
        blockers.extend(_commune_codes(work))
    fields = target_fields(layer)
    geoms = work.geometry
    measures: dict[str, pd.Series] = {}
    if usable and target_type == "Polygon":
        measures = {"area_ha": geoms.area / 1e4, "area_km2": geoms.area / 1e6}
    elif usable and target_type == "LineString":
        measures = {"length_km": geoms.length / 1000}
    mapping = suggest_mapping(work.drop(columns=[FID]), fields, measures=measures)
    return TargetStep(fields=fields, mapping=mapping, blockers=blockers)
