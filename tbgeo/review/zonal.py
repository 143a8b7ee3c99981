"""Exact land-use (rice) areas of sites, from a land-use raster of any CRS or a vector land-use layer.

Rasters: each site is reprojected into the raster's CRS and exactextract gives every touched cell's
exact coverage fraction (no centroid rule). Areas are true ground areas in EPSG:9209: a cell of a
raster in 9209 has the grid's cell area; a cell of a raster in any other CRS (EPSG:4326 included) is
weighted by the area of its own outline transformed into 9209, so a geographic raster is never
measured in square degrees. Vectors: the layer's land-use code column is found by its values
(LUA, LUC, LUK, LUN), and the sites are intersected with it in 9209.

Rice classes: LUC (specialised wet rice, ≥ 2 crops) and LUK (other rice). Since Decree 112/2024/NĐ-CP
upland rice (LUN) belongs to "other rice", so it is added to LUK; LUA (rice, class not stated) counts
in the rice total but in neither class.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import geopandas as gpd
import numpy as np
import shapely
from exactextract import exact_extract
from exactextract.raster import NumPyRasterSource
from pyproj import CRS

from tbgeo.crs import WORK_CRS, transformer
from tbgeo.errors import InputError
from tbgeo.review.codes import DEFAULT_RASTER_CLASSES, find_code_column, norm_code

if TYPE_CHECKING:
    from shapely.geometry.base import BaseGeometry

__all__ = ["LandUseAreas", "LanduseSource", "RasterLanduse", "VectorLanduse", "cell_areas_9209"]

_OTHER = "OTHER"


@dataclass(frozen=True)
class LandUseAreas:
    """Land-use areas of one site in m² (EPSG:9209 ground areas).

    ``site_m2`` is the site's area; ``known_m2`` the part with land-use data (the rest lies outside
    the raster or on nodata cells, or outside every polygon of a vector layer — not rice as far as
    the data knows, and reported as unknown). ``by_code_m2`` holds the area of each code.
    """

    site_m2: float
    known_m2: float
    by_code_m2: Mapping[str, float] = field(default_factory=dict)

    @property
    def luc_m2(self) -> float:
        return float(self.by_code_m2.get("LUC", 0.0))

    @property
    def luk_m2(self) -> float:
        return float(self.by_code_m2.get("LUK", 0.0) + self.by_code_m2.get("LUN", 0.0))

    @property
    def lua_m2(self) -> float:
        return float(self.by_code_m2.get("LUA", 0.0))

    @property
    def rice_m2(self) -> float:
        return self.luc_m2 + self.luk_m2 + self.lua_m2

    @property
    def luc_ha(self) -> float:
        return self.luc_m2 / 10_000.0

    @property
    def luk_ha(self) -> float:
        return self.luk_m2 / 10_000.0

    @property
    def lua_ha(self) -> float:
        return self.lua_m2 / 10_000.0

    @property
    def rice_ha(self) -> float:
        return self.rice_m2 / 10_000.0

    @property
    def unknown_ha(self) -> float:
        return max(self.site_m2 - self.known_m2, 0.0) / 10_000.0

    @property
    def share(self) -> float:
        """Rice land as a share (0–1) of the whole site."""
        return self.rice_m2 / self.site_m2 if self.site_m2 > 0 else 0.0

    def __add__(self, other: LandUseAreas) -> LandUseAreas:
        codes = set(self.by_code_m2) | set(other.by_code_m2)
        return LandUseAreas(
            self.site_m2 + other.site_m2,
            self.known_m2 + other.known_m2,
            {c: self.by_code_m2.get(c, 0.0) + other.by_code_m2.get(c, 0.0) for c in sorted(codes)},
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "total_ha": round(self.rice_ha, 4),
            "luc_ha": round(self.luc_ha, 4),
            "luk_ha": round(self.luk_ha, 4),
            "lua_ha": round(self.lua_ha, 4),
            "share": round(self.share, 6),
            "unknown_ha": round(self.unknown_ha, 4),
            "unknown_share": round(self.unknown_ha * 10_000.0 / self.site_m2, 6) if self.site_m2 > 0 else 0.0,
            "by_code_ha": {c: round(v / 10_000.0, 4) for c, v in self.by_code_m2.items() if v > 0},
        }


class LanduseSource(ABC):
    """Where land use comes from; ``areas`` gives LandUseAreas for geometries in EPSG:9209."""

    label: str = ""

    @abstractmethod
    def areas(self, geoms: Sequence[BaseGeometry]) -> list[LandUseAreas]:
        """Land-use areas of each geometry (EPSG:9209)."""
    @abstractmethod
    def describe(self) -> dict[str, Any]:
        """What the source is (kind, path, CRS, class table), for the report."""


# -- rasters -----------------------------------------------------------------------------------
def cell_areas_9209(transform: Any, crs: CRS, rows: np.ndarray, cols: np.ndarray) -> np.ndarray:
    """True ground area (m², EPSG:9209) of raster cells ``(rows, cols)`` of a grid in ``crs``.

    Each cell's four corners are transformed into 9209 and the quadrilateral's area taken
    (shoelace). Corners shared by neighbouring cells are transformed once.
    """
    rows = np.asarray(rows, dtype=np.int64)
    cols = np.asarray(cols, dtype=np.int64)
    if rows.size == 0:
        return np.zeros(0)
    r0, c0 = int(rows.min()), int(cols.min())
    width = int(cols.max()) - c0 + 2  # corner columns in the window
    # corner (r, c) of the window → flat id; each cell uses (r,c) (r,c+1) (r+1,c+1) (r+1,c)
    lr, lc = rows - r0, cols - c0
    corner_ids = np.stack(
        [lr * width + lc, lr * width + lc + 1, (lr + 1) * width + lc + 1, (lr + 1) * width + lc], axis=1
    )
    uniq, inverse = np.unique(corner_ids, return_inverse=True)
    cr = uniq // width + r0
    cc = uniq % width + c0
    a, b, xoff, d, e, yoff = transform.a, transform.b, transform.c, transform.d, transform.e, transform.f
    xs = xoff + cc * a + cr * b
    ys = yoff + cc * d + cr * e
    tr = transformer(crs.to_wkt(), WORK_CRS.to_wkt())
    px, py = tr.transform(xs, ys)
    px = np.asarray(px)[inverse.reshape(-1, 4)]
    py = np.asarray(py)[inverse.reshape(-1, 4)]
    x_next = np.roll(px, -1, axis=1)
    y_next = np.roll(py, -1, axis=1)
    areas: np.ndarray = np.abs((px * y_next - x_next * py).sum(axis=1)) / 2.0
    return areas


class RasterLanduse(LanduseSource):
    """A classified land-use raster, given as its band (``data``, rows × columns, a masked array or one
    with a ``nodata`` value), its affine ``transform`` and its ``crs``; ``classes`` maps pixel values to
    land-use codes. Reading the file is the caller's (``tbgeo.review.landuse_files.read_raster``).

    Values not in ``classes`` count as other (not rice) land; nodata cells as unknown.
    """

    def __init__(
        self, data: np.ndarray, transform: Any, crs: CRS | str, *, nodata: float | None = None,
        classes: Mapping[int, str] | None = None, label: str = "raster",
    ) -> None:
        if transform.e > 0 and transform.b == 0 and transform.d == 0:  # south-up: store it north-up
            data = data[::-1]
            transform = type(transform)(transform.a, 0.0, transform.c, 0.0, -transform.e,
                                        transform.f + data.shape[0] * transform.e)
        self.data = data
        self.height, self.width = int(data.shape[0]), int(data.shape[1])
        self.crs = crs if isinstance(crs, CRS) else CRS.from_user_input(crs)
        self.transform = transform
        self.nodata = nodata
        self.classes = {int(k): str(v).upper() for k, v in (classes or DEFAULT_RASTER_CLASSES).items()}
        self.label = label
        self.is_work_crs = self.crs.equals(WORK_CRS)

    def _source(self) -> Any:
        """The band as exactextract reads it (north-up grids only, as exactextract's own readers)."""
        t = self.transform
        if t.b != 0 or t.d != 0:
            raise ValueError("Rotated rasters are not supported.")
        nodata = self.nodata
        if nodata is not None and not np.issubdtype(self.data.dtype, np.floating):
            nodata = int(nodata)
        return NumPyRasterSource(self.data, t.c, t.f + self.height * t.e, t.c + self.width * t.a, t.f,
                                 nodata=nodata, srs_wkt=self.crs.to_wkt())

    def describe(self) -> dict[str, Any]:
        epsg = self.crs.to_epsg()
        return {
            "kind": "raster",
            "source": self.label,
            "crs": f"EPSG:{epsg}" if epsg else self.crs.name,
            "cell_size": [abs(self.transform.a), abs(self.transform.e)],
            "classes": {str(k): v for k, v in sorted(self.classes.items())},
        }

    def _frame(self, geoms: Sequence[BaseGeometry]) -> gpd.GeoDataFrame:
        arr = np.asarray(list(geoms), dtype=object)
        if not self.is_work_crs:
            # densify in metres first so straight 9209 edges stay straight on the ground (a 2 km edge
            # bends ~3 cm in lon/lat; 100 m pieces bend well under a millimetre)
            arr = shapely.segmentize(arr, 100.0)
        frame = gpd.GeoDataFrame({"i": np.arange(len(arr))}, geometry=gpd.GeoSeries(arr, crs=WORK_CRS))
        return frame if self.is_work_crs else frame.to_crs(self.crs)

    def areas(self, geoms: Sequence[BaseGeometry]) -> list[LandUseAreas]:
        geoms = list(geoms)
        if not geoms:
            return []
        site_m2 = [float(g.area) for g in geoms]
        frame = self._frame(geoms)
        out: list[LandUseAreas] = []
        if self.is_work_crs:
            cell = abs(self.transform.a * self.transform.e - self.transform.b * self.transform.d)
            res = exact_extract(self._source(), frame, ["unique", "frac", "count"], output="pandas")
            for i, (uniq, frac, count) in enumerate(zip(res["unique"], res["frac"], res["count"])):
                known = float(count) * cell
                by_code: dict[str, float] = {}
                for value, f in zip(np.asarray(uniq).tolist(), np.asarray(frac).tolist()):
                    code = self.classes.get(int(value), _OTHER)
                    by_code[code] = by_code.get(code, 0.0) + f * known
                out.append(LandUseAreas(site_m2[i], known, by_code))
            return out
        if self._north_up:
            return self._areas_weighted(frame, site_m2)
        return self._areas_per_cell(frame, site_m2, list(range(len(geoms))))

    # -- rasters in another CRS ------------------------------------------------------------------
    #: Columns per cell of the weights grid; rows of exact areas between interpolated ones.
    _BLOCK = 16
    _ROW_STEP = 32

    @property
    def _north_up(self) -> bool:
        t = self.transform
        north_up: bool = t.b == 0 and t.d == 0 and t.a > 0 and t.e < 0
        return north_up

    def _weights(self, bounds: tuple[float, float, float, float]) -> Any:
        """A weights raster of true 9209 cell areas over the window ``bounds`` (raster CRS).

        One weight per row and per block of ``_BLOCK`` columns: the exact area of the block's middle
        cell (its four corners transformed into 9209), computed on every ``_ROW_STEP``-th row and
        interpolated linearly in between. Cell areas change by about 1e-7 across a block, and the
        linear interpolation over 32 rows (≈ 300 m) errs by about 1e-10, so the weights are exact
        for any practical purpose (tests compare them with the cell-by-cell path). The grid is a
        whole multiple of the raster's, so exactextract applies it cell by cell.
        """

        t, H, W, B = self.transform, self.height, self.width, self._BLOCK
        minx, miny, maxx, maxy = bounds
        c0 = max(int(np.floor((minx - t.c) / t.a)) - 1, 0) // B * B
        c1 = min(int(np.ceil((maxx - t.c) / t.a)) + 1, W)
        r0 = max(int(np.floor((maxy - t.f) / t.e)) - 1, 0)
        r1 = min(int(np.ceil((miny - t.f) / t.e)) + 1, H)
        if c1 <= c0 or r1 <= r0:
            return None
        nb = -(-(c1 - c0) // B)
        rows = np.unique(np.r_[np.arange(r0, r1, self._ROW_STEP), r1 - 1])
        mids = np.minimum(c0 + np.arange(nb) * B + B // 2, W - 1)
        rr, cc = np.meshgrid(rows, mids, indexing="ij")
        sampled = cell_areas_9209(t, self.crs, rr.ravel(), cc.ravel()).reshape(rr.shape)
        every = np.arange(r0, r1)
        grid = np.empty((r1 - r0, nb))
        for j in range(nb):
            grid[:, j] = np.interp(every, rows, sampled[:, j])
        xmin, ymax = t.c + c0 * t.a, t.f + r0 * t.e
        return NumPyRasterSource(grid, xmin, ymax + (r1 - r0) * t.e, xmin + nb * B * t.a, ymax, srs_wkt=self.crs.to_wkt())

    def _areas_weighted(self, frame: gpd.GeoDataFrame, site_m2: list[float]) -> list[LandUseAreas]:
        weights = self._weights(tuple(frame.total_bounds))
        if weights is None:
            return [LandUseAreas(a, 0.0, {}) for a in site_m2]
        ops = ["unique", "weighted_frac", "weighted_sum", "weighted_mean"]
        res = exact_extract(self._source(), frame, ops, weights=weights, output="pandas")
        out: list[LandUseAreas | None] = []
        redo = []
        for i, (uniq, wfrac, wsum, wmean) in enumerate(
            zip(res["unique"], res["weighted_frac"], res["weighted_sum"], res["weighted_mean"])
        ):
            if len(uniq) == 0:  # no cell with data under the site
                out.append(LandUseAreas(site_m2[i], 0.0, {}))
                continue
            if not (wmean and wmean > 0):  # only value-0 cells: weighted sums cannot give the total
                out.append(None)
                redo.append(i)
                continue
            known = float(wsum) / float(wmean)  # Σ coverage × cell area over cells with data
            by_code: dict[str, float] = {}
            for value, f in zip(np.asarray(uniq).tolist(), np.asarray(wfrac).tolist()):
                code = self.classes.get(int(value), _OTHER)
                by_code[code] = by_code.get(code, 0.0) + f * known
            out.append(LandUseAreas(site_m2[i], known, by_code))
        if redo:
            for i, a in zip(redo, self._areas_per_cell(frame.iloc[redo], site_m2, redo)):
                out[i] = a
        return [a for a in out if a is not None]

    def _areas_per_cell(self, frame: gpd.GeoDataFrame, site_m2: list[float], index: list[int]) -> list[LandUseAreas]:
        """Cell by cell: coverage × the cell's own 9209 area (any raster, rotated ones included)."""
        out = []
        res = exact_extract(self._source(), frame, ["cell_id", "coverage", "values"], output="pandas")
        ncols = self.width
        for i, ids, cov, vals in zip(index, res["cell_id"], res["coverage"], res["values"]):
            ids = np.asarray(ids, dtype=np.int64)
            if ids.size == 0:
                out.append(LandUseAreas(site_m2[i], 0.0, {}))
                continue
            weights = np.asarray(cov, dtype=float) * cell_areas_9209(self.transform, self.crs, ids // ncols, ids % ncols)
            vals = np.asarray(vals)
            by_code: dict[str, float] = {}
            for value in np.unique(vals):
                code = self.classes.get(int(value), _OTHER)
                by_code[code] = by_code.get(code, 0.0) + float(weights[vals == value].sum())
            out.append(LandUseAreas(site_m2[i], float(weights.sum()), by_code))
        return out


class VectorLanduse(LanduseSource):
    """A land-use polygon layer with a code column (found by its values if not named)."""

    def __init__(self, gdf: gpd.GeoDataFrame, *, code_column: str | None = None, label: str = "") -> None:
        if gdf.crs is None:
            raise InputError("review.landuse.no_crs", file=label or "landuse")
        col = code_column or find_code_column(gdf)
        work = gdf[[col, gdf.geometry.name]].to_crs(WORK_CRS)
        # boolean Series masks (a list mask on an empty frame would select columns, not rows)
        work = work.loc[work.geometry.notna() & ~work.geometry.is_empty]
        work = work.loc[work.geom_type.isin(["Polygon", "MultiPolygon"])]

        if len(work):
            work = work.set_geometry(shapely.make_valid(work.geometry.values))
        self.code_column = col
        self.codes = np.array([norm_code(v) or _OTHER for v in work[col].tolist()], dtype=object)
        self.geoms = np.asarray(work.geometry.values, dtype=object)
        self.tree = shapely.STRtree(self.geoms)
        self.label = label or "vector"
        epsg = gdf.crs.to_epsg()
        self.source_crs = f"EPSG:{epsg}" if epsg else gdf.crs.name

    def describe(self) -> dict[str, Any]:
        return {"kind": "vector", "source": self.label, "crs": self.source_crs, "code_column": self.code_column}

    def areas(self, geoms: Sequence[BaseGeometry]) -> list[LandUseAreas]:
        out = []
        for geom in geoms:
            idx = self.tree.query(geom, predicate="intersects")
            by_code: dict[str, float] = {}
            known = 0.0
            if idx.size:
                parts = shapely.intersection(self.geoms[idx], geom)
                areas = shapely.area(parts)
                for code, a in zip(self.codes[idx], areas):
                    by_code[code] = by_code.get(code, 0.0) + float(a)
                # overlapping land-use polygons are not double-counted in the known area
                known = float(shapely.union_all(parts).area) if idx.size > 1 else float(areas.sum())
            out.append(LandUseAreas(float(geom.area), known, by_code))
        return out


