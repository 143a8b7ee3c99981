"""The layers a review reads (districts, parks, zones, gas, land use, other proposals), in EPSG:9209.

``ReviewContext.from_catalog()`` builds it from the catalog (the active workspace version of each
layer, else the shipped data) and the workspace's proposals; tests build it from small frames with
``ReviewContext.from_frames``. A layer missing from the catalog becomes an empty frame and its id is
listed in ``missing``, so rules can say "no data" instead of failing.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING, Any

import geopandas as gpd
import pandas as pd
import shapely

from tbgeo.catalog import load_catalog
from tbgeo.crs import WORK_CRS
from tbgeo.errors import CRSError
from tbgeo.places.locate import communes_frame
from tbgeo.review.landuse_files import landuse_source
from tbgeo.store import proposals_frame

if TYPE_CHECKING:
    from shapely.geometry.base import BaseGeometry

    from tbgeo.catalog import Catalog
    from tbgeo.review.zonal import LanduseSource
    from tbgeo.store import Store

__all__ = ["ReviewContext", "empty_frame", "landuse_from_layer", "LAYER_COLUMNS"]

#: Columns each context frame is guaranteed to have (filled with None when the data lacks them).
LAYER_COLUMNS: dict[str, tuple[str, ...]] = {
    "districts": ("gso_code", "name_vi", "name_ascii"),
    "parks": ("name", "kind", "status", "district", "in_economic_zone"),
    "economic_zone": ("name",),
    "raw_material_zones": ("name", "district", "crop"),
    "gas_pipelines": ("name", "kind", "pressure", "status"),
    "energy_sites": ("name", "kind", "status"),
    "proposals": ("proposal_id", "name", "status"),
}
_PARK_LAYERS = {"industrial_parks": "park", "industrial_clusters": "cluster", "agri_park": "agri_park"}


def empty_frame(columns: tuple[str, ...] = ()) -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame({c: [] for c in columns}, geometry=gpd.GeoSeries([], crs=WORK_CRS))


def _prepare(gdf: gpd.GeoDataFrame | None, columns: tuple[str, ...]) -> gpd.GeoDataFrame:
    if gdf is None:
        return empty_frame(columns)
    if gdf.crs is None:

        raise CRSError("errors.crs_missing")
    out = gdf.to_crs(WORK_CRS) if not gdf.crs.equals(WORK_CRS) else gdf.copy()
    # a boolean Series, never a list: on an empty frame ``out[[]]`` would select no COLUMNS and
    # return a plain DataFrame without its geometry
    keep = out.geometry.notna() & ~out.geometry.is_empty
    out = out.loc[keep].copy()
    for col in columns:
        if col not in out.columns:
            out[col] = None
    bad = ~out.geometry.is_valid
    if bad.any():
        out.loc[bad, out.geometry.name] = shapely.make_valid(out.geometry[bad].values)
    return out.reset_index(drop=True)


@dataclass
class ReviewContext:
    """Everything a rule may look at besides the site itself. All frames are in EPSG:9209."""

    districts: gpd.GeoDataFrame
    parks: gpd.GeoDataFrame
    economic_zone: gpd.GeoDataFrame
    raw_material_zones: gpd.GeoDataFrame
    gas_pipelines: gpd.GeoDataFrame
    energy_sites: gpd.GeoDataFrame
    proposals: gpd.GeoDataFrame
    landuse: LanduseSource | None = None
    missing: tuple[str, ...] = ()
    sources: dict[str, str] = field(default_factory=dict)
    #: The optional 2025 commune polygons (``gso_code`` of new units), None without that layer:
    #: the report names the exact new commune with it and the former district's new communes without.
    communes: gpd.GeoDataFrame | None = None
    #: The stored proposals with their reviews (``tbgeo.store.Proposal``), which the rice-land
    #: ledger books; None when they were not read (``include_proposals=False``, ``--no-proposals``).
    stored: tuple[Any, ...] | None = None
    #: Values rules derive from the stored proposals and keep between reviews on this context (the
    #: ledger's sums, the same for every candidate of a search); emptied when the proposals change.
    memo: dict[Any, Any] = field(default_factory=dict, repr=False, compare=False)

    @classmethod
    def from_frames(
        cls,
        *,
        districts: gpd.GeoDataFrame | None = None,
        parks: gpd.GeoDataFrame | None = None,
        economic_zone: gpd.GeoDataFrame | None = None,
        raw_material_zones: gpd.GeoDataFrame | None = None,
        gas_pipelines: gpd.GeoDataFrame | None = None,
        energy_sites: gpd.GeoDataFrame | None = None,
        proposals: gpd.GeoDataFrame | None = None,
        landuse: LanduseSource | None = None,
        missing: tuple[str, ...] = (),
    ) -> ReviewContext:
        """A context from frames in any CRS (reprojected to 9209); None means an empty layer."""
        return cls(
            districts=_prepare(districts, LAYER_COLUMNS["districts"]),
            parks=_prepare(parks, LAYER_COLUMNS["parks"]),
            economic_zone=_prepare(economic_zone, LAYER_COLUMNS["economic_zone"]),
            raw_material_zones=_prepare(raw_material_zones, LAYER_COLUMNS["raw_material_zones"]),
            gas_pipelines=_prepare(gas_pipelines, LAYER_COLUMNS["gas_pipelines"]),
            energy_sites=_prepare(energy_sites, LAYER_COLUMNS["energy_sites"]),
            proposals=_prepare(proposals, LAYER_COLUMNS["proposals"]),
            landuse=landuse,
            missing=tuple(missing),
        )

    @classmethod
    def from_catalog(
        cls,
        catalog: Catalog | None = None,
        *,
        workspace: Store | None = None,
        landuse: LanduseSource | None = None,
        include_proposals: bool = True,
    ) -> ReviewContext:
        """The context from the catalog's layers and the workspace's proposals.

        ``landuse`` replaces the catalog's land-use raster (``--landuse PATH``).
        """


        cat = catalog if catalog is not None else load_catalog()
        missing: list[str] = []
        sources: dict[str, str] = {}

        def read(layer_id: str) -> gpd.GeoDataFrame | None:
            if layer_id not in cat:
                missing.append(layer_id)
                return None
            layer = cat.get(layer_id)
            version = layer.active_version()
            sources[layer_id] = f"workspace:{layer_id}@v{version.version}" if version is not None else layer.source
            return layer.read(crs=WORK_CRS)

        park_frames = []
        for lid, kind in _PARK_LAYERS.items():
            gdf = read(lid)
            if gdf is not None:
                gdf = gdf.copy()
                gdf["kind"] = kind
                park_frames.append(gdf)
        parks = (
            gpd.GeoDataFrame(pd.concat(park_frames, ignore_index=True), geometry="geometry", crs=WORK_CRS)
            if park_frames
            else None
        )
        if landuse is not None:
            sources["landuse"] = landuse.label
        elif "landuse" in cat:
            landuse = landuse_from_layer(cat.get("landuse"))
            sources["landuse"] = cat.get("landuse").to_dict()["source"]  # "workspace:landuse@vN" when imported
        else:
            missing.append("landuse")
        stored = None
        if include_proposals:
            stored = tuple((workspace or cat.store()).proposals())
        ctx = cls.from_frames(
            districts=read("districts"),
            parks=parks,
            economic_zone=read("economic_zone"),
            raw_material_zones=read("raw_material_zones"),
            gas_pipelines=read("gas_pipelines"),
            energy_sites=read("energy_sites"),
            proposals=None if stored is None else proposals_frame(stored),
            landuse=landuse,
            missing=tuple(missing),
        )
        ctx.sources = sources
        ctx.stored = stored

        ctx.communes = communes_frame(cat)
        return ctx

    def with_proposals(self, proposals: gpd.GeoDataFrame | Sequence[Any] | None) -> ReviewContext:
        """The same layers with another set of stored proposals (after a save or a decision): the
        store's ``proposals()`` (their outlines, and their reviews for the ledger), or only a frame of
        outlines (``proposal_id``, ``name``, ``status``; the ledger then has not read them)."""


        stored = None if proposals is None or isinstance(proposals, gpd.GeoDataFrame) else tuple(proposals)
        frame = proposals_frame(stored) if stored is not None else proposals
        return dataclasses.replace(self, proposals=_prepare(frame, LAYER_COLUMNS["proposals"]), stored=stored, memo={})

    @cached_property
    def province(self) -> BaseGeometry | None:
        """The province outline: the union of the districts (None when there is no district layer)."""
        if self.districts.empty:
            return None
        return shapely.union_all(self.districts.geometry.values)

    @cached_property
    def economic_zone_union(self) -> BaseGeometry | None:
        if self.economic_zone.empty:
            return None
        return shapely.union_all(self.economic_zone.geometry.values)

    def has(self, layer: str) -> bool:
        """Whether the context has data for ``layer`` (a catalog id or ``parks``)."""
        if layer == "parks":
            return not all(lid in self.missing for lid in _PARK_LAYERS)
        if layer == "landuse":
            return self.landuse is not None
        return layer not in self.missing

    def describe(self) -> dict[str, Any]:
        return {"sources": dict(self.sources), "missing": list(self.missing)}


def landuse_from_layer(layer: Any) -> LanduseSource:
    """The catalog's land use: its active imported polygons, or the shipped raster with its class table."""
    source: LanduseSource = landuse_source(layer)
    return source
