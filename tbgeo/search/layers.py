"""What a search reads: the review's context (districts, parks, zones, gas, land use, proposals)
plus the rivers and roads layers, and how to stamp a layer's version for the distance cache."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from tbgeo.catalog import load_catalog
from tbgeo.crs import WORK_CRS
from tbgeo.mapping.view import layer_stamps
from tbgeo.review.context import ReviewContext, empty_frame

if TYPE_CHECKING:
    import geopandas as gpd

    from tbgeo.catalog import Catalog
    from tbgeo.review.context import ReviewContext

__all__ = ["SearchLayers", "ROAD_LAYER"]

#: A road layer counts when the catalog has one under this id (the shipped data has none).
ROAD_LAYER = "roads"
#: Catalog layers behind each context frame (for the cache stamps).
_CONTEXT_LAYERS = {
    "economic_zone": ("economic_zone",),
    "industrial_parks": ("industrial_parks",),
    "industrial_clusters": ("industrial_clusters",),
    "agri_park": ("agri_park",),
    "raw_material_zones": ("raw_material_zones",),
    "gas_pipelines": ("gas_pipelines",),
}


@dataclass
class SearchLayers:
    """Frames in EPSG:9209. ``roads`` is None when there is no road layer; ``stamp(ids)`` says what
    the layers are read from now (None: do not cache)."""

    context: ReviewContext
    rivers: gpd.GeoDataFrame
    roads: gpd.GeoDataFrame | None = None
    stamp: Callable[[tuple[str, ...]], Any] | None = None

    @classmethod
    def from_catalog(cls, catalog: Catalog | None = None, *, context: ReviewContext | None = None) -> SearchLayers:
        """The catalog's layers (active versions) and the workspace's proposals."""

        cat = catalog if catalog is not None else load_catalog()
        ctx = context if context is not None else ReviewContext.from_catalog(cat)
        rivers = cat.get("rivers").read(crs=WORK_CRS) if "rivers" in cat else empty_frame(("name", "width_m"))
        roads = cat.get(ROAD_LAYER).read(crs=WORK_CRS) if ROAD_LAYER in cat else None
        vector = tuple(lid for lid in cat.ids if cat.get(lid).kind == "vector")

        def stamp(ids: tuple[str, ...]) -> Any:
            known = tuple(i for i in ids if i in vector)
            return [layer_stamps(cat, known), sorted(set(ids) - set(known))]

        return cls(ctx, rivers, roads, stamp)

    def frame(self, layer_id: str) -> gpd.GeoDataFrame | None:
        """The features of one zone/infrastructure layer (None when it is missing)."""
        ctx = self.context
        parks = ctx.parks
        kinds = {"industrial_parks": "park", "industrial_clusters": "cluster", "agri_park": "agri_park"}
        if layer_id in kinds:
            return parks[parks["kind"] == kinds[layer_id]] if not parks.empty else parks
        if layer_id == "rivers":
            return self.rivers
        if layer_id == ROAD_LAYER:
            return self.roads
        return getattr(ctx, layer_id, None)
