"""The catalog's layers read once in EPSG:9209 for printing, the province outline and district look-up."""

from __future__ import annotations

import re
import unicodedata
from functools import cached_property
from typing import TYPE_CHECKING, Any

import numpy as np
import rasterio
import shapely

from tbgeo.catalog import load_catalog
from tbgeo.crs import WORK_CRS
from tbgeo.errors import InputError
from tbgeo.i18n import t
from tbgeo.printing._text import nfc
from tbgeo.review.landuse import raster_path

if TYPE_CHECKING:
    import geopandas as gpd

    from tbgeo.catalog import Catalog, Layer

__all__ = ["MapData", "fold", "DISTRICTS_LAYER"]

DISTRICTS_LAYER = "districts"
_PREFIXES = ("thanh pho ", "tp. ", "tp ", "huyen ", "thi xa ", "quan ", "city of ")
_SUFFIXES = (" district", " city", " town")


def fold(text: str) -> str:
    """Lower case without diacritics or unit words: ``Huyện Quỳnh Phụ`` → ``quynh phu``."""
    s = unicodedata.normalize("NFD", nfc(text).replace("Đ", "D").replace("đ", "d"))
    s = "".join(ch for ch in s if unicodedata.category(ch) != "Mn").lower()
    s = re.sub(r"[\s_\-]+", " ", s).strip()
    for p in _PREFIXES:
        if s.startswith(p):
            s = s[len(p):]
    for suf in _SUFFIXES:
        if s.endswith(suf):
            s = s[: -len(suf)]
    return s.strip()


class MapData:
    """Read-only access to what the printer draws; each layer is read and reprojected once."""

    def __init__(self, catalog: Catalog | None = None) -> None:
        if catalog is None:

            catalog = load_catalog()
        self.catalog = catalog
        self._frames: dict[str, gpd.GeoDataFrame] = {}
        self._versions: dict[str, Any] = {}

    def layer(self, layer_id: str) -> Layer:
        if layer_id not in self.catalog:
            raise InputError("print.error.unknown_layer", value=layer_id, allowed=", ".join(self.catalog.ids))
        return self.catalog.get(layer_id)

    def frame(self, layer_id: str) -> gpd.GeoDataFrame:
        """The vector layer in EPSG:9209 with valid, non-empty geometries (cached)."""
        if layer_id not in self._frames:
            layer = self.layer(layer_id)
            gdf = layer.read(crs=WORK_CRS)
            gdf = gdf[~(gdf.geometry.isna() | gdf.geometry.is_empty)].copy()
            bad = ~gdf.geometry.is_valid
            if bad.any():
                gdf.loc[bad, "geometry"] = shapely.make_valid(gdf.geometry[bad].values)
            gdf = gdf.reset_index(drop=True)
            _ = gdf.sindex  # build the spatial index once
            self._frames[layer_id] = gdf
        return self._frames[layer_id]

    def version(self, layer_id: str) -> Any:
        """The active workspace version of the layer, or None when the shipped data is drawn."""
        if layer_id not in self._versions:
            try:
                self._versions[layer_id] = self.layer(layer_id).active_version()
            except Exception:  # a broken workspace must not stop a print of shipped data
                self._versions[layer_id] = None
        return self._versions[layer_id]

    # -- districts and province ------------------------------------------------------------------
    @property
    def has_districts(self) -> bool:
        return DISTRICTS_LAYER in self.catalog

    @cached_property
    def districts(self) -> gpd.GeoDataFrame:
        if not self.has_districts:
            raise InputError("print.error.no_districts")
        gdf = self.frame(DISTRICTS_LAYER)
        if "gso_code" in gdf.columns:
            gdf = gdf.sort_values("gso_code", key=lambda s: s.astype(str)).reset_index(drop=True)
        return gdf

    @cached_property
    def province(self) -> shapely.Geometry | None:
        """The province outline: the districts dissolved (None without a districts layer)."""
        if not self.has_districts:
            return None
        geom = shapely.union_all(self.districts.geometry.values, grid_size=0.01)
        return shapely.make_valid(geom)

    def province_bounds(self, layer_ids: list[str]) -> tuple[float, float, float, float]:
        """The province's box; without districts, the box of the layers to draw."""
        if self.province is not None:
            return tuple(float(v) for v in self.province.bounds)  # type: ignore[return-value]
        boxes = []
        for lid in layer_ids:
            layer = self.layer(lid)
            if layer.kind == "vector":
                boxes.append(self.frame(lid).total_bounds)
            else:


                with rasterio.open(raster_path(layer)) as ds:
                    boxes.append(np.array(ds.bounds))
        arr = np.array(boxes)
        return (float(arr[:, 0].min()), float(arr[:, 1].min()), float(arr[:, 2].max()), float(arr[:, 3].max()))

    def district_names(self) -> list[str]:
        return [nfc(v) for v in self.districts["name_vi"]]

    def find_district(self, name: str) -> dict[str, Any]:
        """The district row matching ``name`` (name_vi or name_ascii, any case, with or without diacritics)."""
        gdf = self.districts
        key = fold(name)
        for i, row in gdf.iterrows():
            names = {fold(str(row.get("name_vi", ""))), fold(str(row.get("name_ascii", "")))}
            unit_type = str(row.get("unit_type", ""))
            names.add(fold(f"{unit_type} {row.get('name_vi', '')}"))
            if key and key in names:
                return {**row.to_dict(), "_index": i}
        raise InputError("print.error.unknown_district", value=name, allowed=", ".join(self.district_names()))

    def unit_text(self, row: dict[str, Any] | None, lang: str, *, today: bool = False) -> str:
        """``Huyện Quỳnh Phụ, tỉnh Thái Bình`` for a district row; the province's name for None.
        ``today``: as since 1 July 2025 (``Huyện Quỳnh Phụ cũ, tỉnh Hưng Yên``)."""
        suffix = "_today" if today else ""
        if row is None:
            return t("print.province_unit" + suffix, lang)
        unit_type = str(row.get("unit_type") or "")
        slug = fold(unit_type).replace(" ", "_")
        key = f"print.unit_type.{slug}"
        label = t(key, lang)
        if label == key:
            label = unit_type
        return t("print.district_unit" + suffix, lang, unit_type=label, name=nfc(row.get("name_vi", "")))
