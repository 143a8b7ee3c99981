"""The search grid (EPSG:9209, square cells) and the IO-aware wrappers around the pure array work:
rasterizing layers, land use on the grid, distance rasters cached per layer version."""

from __future__ import annotations

import contextlib
import hashlib
import math
import os
import tempfile
import time
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import shapely
from affine import Affine
from rasterio.features import rasterize as _rasterize
from rasterio.warp import Resampling, reproject
from scipy.ndimage import distance_transform_edt

from tbgeo import diskcache

if TYPE_CHECKING:
    from shapely.geometry.base import BaseGeometry

__all__ = ["Grid", "rasterize", "distance_m", "landuse_masks", "DistanceCache"]


@dataclass(frozen=True)
class Grid:
    """``rows × cols`` square cells of ``cell`` metres, top-left corner at (``x0``, ``y0``), EPSG:9209."""

    x0: float
    y0: float
    cell: float
    rows: int
    cols: int

    @classmethod
    def covering(cls, bounds: Sequence[float], cell: float, *, snap: float | None = None) -> Grid:
        """The grid of whole cells covering ``bounds``, its origin on multiples of ``snap`` (default
        ``cell``; the land-use raster's 20 m when ``cell`` divides it, so its cells nest in the grid's)."""
        xmin, ymin, xmax, ymax = (float(b) for b in bounds)
        step = snap or cell
        x0 = math.floor(xmin / step) * step
        y0 = math.ceil(ymax / step) * step
        cols = int(math.ceil((xmax - x0) / cell))
        rows = int(math.ceil((y0 - ymin) / cell))
        return cls(x0, y0, float(cell), max(rows, 1), max(cols, 1))

    @property
    def shape(self) -> tuple[int, int]:
        return (self.rows, self.cols)

    @property
    def transform(self) -> Affine:
        return Affine(self.cell, 0.0, self.x0, 0.0, -self.cell, self.y0)

    @property
    def bounds(self) -> tuple[float, float, float, float]:
        return (self.x0, self.y0 - self.rows * self.cell, self.x0 + self.cols * self.cell, self.y0)

    def box(self, row: int, col: int, rows: int, cols: int) -> BaseGeometry:
        """The polygon of the cells ``[row, row+rows) × [col, col+cols)``."""
        x = self.x0 + col * self.cell
        y = self.y0 - row * self.cell
        return shapely.box(x, y - rows * self.cell, x + cols * self.cell, y)

    def key(self) -> list[float]:
        return [self.x0, self.y0, self.cell, self.rows, self.cols]


def rasterize(geoms: Iterable[BaseGeometry], grid: Grid, *, all_touched: bool = False) -> np.ndarray:
    """Boolean mask of the cells the geometries cover (centre inside, or touched)."""
    shapes = [(g, 1) for g in geoms if g is not None and not g.is_empty]
    if not shapes:
        return np.zeros(grid.shape, dtype=bool)
    out: np.ndarray = _rasterize(shapes, out_shape=grid.shape, transform=grid.transform, fill=0, dtype="uint8",
                                 all_touched=all_touched)
    return out.astype(bool)


def distance_m(mask: np.ndarray, cell: float) -> np.ndarray:
    """Distance in metres from every cell centre to the nearest ``True`` cell (pure; float32).
    With no ``True`` cell every distance is infinite."""

    if not mask.any():
        return np.full(mask.shape, np.inf, dtype=np.float32)
    dist: np.ndarray = distance_transform_edt(~mask, sampling=(cell, cell))
    return dist.astype(np.float32)


def landuse_masks(
    source: Any, grid: Grid, code_sets: Mapping[str, Sequence[str]], *, shares: Sequence[str] = ()
) -> dict[str, np.ndarray]:
    """One boolean mask per named set of land-use codes (True where any of the cell is in the set),
    plus ``known`` (cells with land-use data); sets named in ``shares`` give the share of each cell
    (0–1) instead. From a review land-use source (``RasterLanduse``; ``VectorLanduse``: a set's mask
    holds every cell its polygons touch, shares and ``known`` go by cell centre). ``None`` gives
    all-False masks with nothing known."""
    out: dict[str, np.ndarray] = {}
    if source is None:
        empty = np.zeros(grid.shape, dtype=bool)
        return {name: empty.copy() for name in [*code_sets, "known"]}
    if hasattr(source, "classes") and hasattr(source, "data"):
        nodata = 255 if source.nodata is None else int(source.nodata)
        band = np.ma.getdata(source.data)  # the raster's band as read (tbgeo.review.landuse_files)
        src_transform, src_crs = source.transform, source.crs.to_wkt()

        offset = _aligned(src_transform, grid)

        def warp(arr: np.ndarray, how: Any, fill: float) -> np.ndarray:
            if offset is not None:  # same cells: a window of the source, no resampling
                return _window(arr, offset, grid).astype(np.float32)
            dst = np.full(grid.shape, fill, dtype=np.float32)
            reproject(arr.astype(np.float32), dst, src_transform=src_transform, src_crs=src_crs,
                      dst_transform=grid.transform, dst_crs="EPSG:9209", resampling=how, src_nodata=None,
                      dst_nodata=None)
            return dst

        known = band != nodata
        out["known"] = warp(known, Resampling.nearest, 0.0) > 0.5
        for name, codes in code_sets.items():
            wanted = {c.upper() for c in codes}
            values = [v for v, code in source.classes.items() if wanted & {p.strip() for p in code.split("/")}]
            member = np.isin(band, values) if values else np.zeros(band.shape, dtype=bool)
            if name in shares:  # the share of the cell in the class (1/0 on the source's own grid)
                out[name] = np.clip(warp(member, Resampling.average, 0.0), 0.0, 1.0)
            else:  # any of the cell in the class: a coarser grid never hides excluded land
                out[name] = warp(member, Resampling.max, 0.0) > 0.5
        return out
    # VectorLanduse: geometries in EPSG:9209 with one normalised code each
    codes = [str(c) for c in source.codes]
    unique = sorted(set(codes))
    index = {c: i + 1 for i, c in enumerate(unique)}
    shapes = [(g, index[c]) for g, c in zip(source.geoms, codes, strict=True) if g is not None and not g.is_empty]
    arr = (_rasterize(shapes, out_shape=grid.shape, transform=grid.transform, fill=0, dtype="int32")
           if shapes else np.zeros(grid.shape, dtype=np.int32))
    out["known"] = arr > 0
    for name, listed in code_sets.items():
        upper = {w.upper() for w in listed}
        ids = [index[c] for c in unique if c.upper() in upper]
        mask = np.isin(arr, ids) if ids else np.zeros(grid.shape, dtype=bool)
        if name in shares:
            out[name] = mask.astype(np.float32)
            continue
        # any of the cell in the class, as on the raster: every cell a polygon of the set touches
        touched = [g for g, c in zip(source.geoms, codes, strict=True)
                   if c.upper() in upper and g is not None and not g.is_empty]
        if touched:
            mask |= _rasterize([(g, 1) for g in touched], out_shape=grid.shape, transform=grid.transform, fill=0,
                               dtype="uint8", all_touched=True).astype(bool)
        out[name] = mask
    return out


def _aligned(transform: Any, grid: Grid) -> tuple[int, int, int] | None:
    """(row, col, k) when every source cell holds exactly k × k grid cells (same north-up lines, k a
    whole number ≥ 1), the grid's first cell at (row, col) of the source upsampled by k; else None."""
    if not (transform.b == 0 and transform.d == 0 and transform.a == -transform.e):
        return None
    k = transform.a / grid.cell
    if k < 1 or abs(k - round(k)) > 1e-9:
        return None
    col = (grid.x0 - transform.c) / grid.cell
    row = (transform.f - grid.y0) / grid.cell
    if abs(col - round(col)) > 1e-6 or abs(row - round(row)) > 1e-6:
        return None
    return int(round(row)), int(round(col)), int(round(k))


def _window(arr: np.ndarray, offset: tuple[int, int, int], grid: Grid) -> np.ndarray:
    """``arr`` upsampled by k, cut (and padded with 0 where the grid runs past it) to the grid's cells."""
    r0, c0, k = offset
    out = np.zeros(grid.shape, dtype=arr.dtype)
    rs, cs = max(r0, 0), max(c0, 0)
    re, ce = min(r0 + grid.rows, arr.shape[0] * k), min(c0 + grid.cols, arr.shape[1] * k)
    if rs < re and cs < ce:
        src = arr[rs // k:(re - 1) // k + 1, cs // k:(ce - 1) // k + 1]
        if k > 1:
            src = np.repeat(np.repeat(src, k, axis=0), k, axis=1)
        sr, sc = rs - (rs // k) * k, cs - (cs // k) * k
        out[rs - r0:re - r0, cs - c0:ce - c0] = src[sr:sr + re - rs, sc:sc + ce - cs]
    return out


class DistanceCache:
    """Distance rasters on disk (``<cache>/search-distance/``), keyed by the grid, tbgeo's code and
    the stamps of the layers they are made from (shipped file, or workspace version): an import or a
    rollback gives a new key. Entries carry a checksum; a torn one is rebuilt, never served."""

    KIND = "search-distance"
    MAX_ENTRIES = 24

    def __init__(self) -> None:
        self.hits = 0
        self.misses = 0

    def get(self, digest: str) -> np.ndarray | None:
        path = diskcache.cache_dir() / self.KIND / digest
        try:
            raw = path.read_bytes()
        except OSError:
            return None
        end = raw.find(b"\n", 0, 200)
        try:
            checksum, rows, cols = raw[:end].decode("ascii").split()
            body = memoryview(raw)[end + 1:]
            ok = end > 0 and hashlib.sha256(body).hexdigest() == checksum and len(body) == int(rows) * int(cols) * 4
        except (UnicodeDecodeError, ValueError):
            ok = False
        if not ok:
            with contextlib.suppress(OSError):
                path.unlink()
            return None
        self.hits += 1
        return np.frombuffer(body, dtype="<f4").reshape(int(rows), int(cols))

    def put(self, digest: str, arr: np.ndarray) -> None:
        """Store atomically; a cache that cannot be written is skipped (it only costs time)."""
        body = np.ascontiguousarray(arr, dtype="<f4").tobytes()
        head = f"{hashlib.sha256(body).hexdigest()} {arr.shape[0]} {arr.shape[1]}\n".encode("ascii")
        folder = diskcache.cache_dir() / self.KIND
        try:
            folder.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=folder, prefix=".tmp-")
            try:
                os.fchmod(fd, 0o644)
                with os.fdopen(fd, "wb") as fh:
                    fh.write(head)
                    fh.write(body)
                os.replace(tmp, folder / digest)
            except BaseException:
                with contextlib.suppress(OSError):
                    os.unlink(tmp)
                raise
            self._prune(folder)
        except OSError:
            return

    def _prune(self, folder: Any) -> None:
        now = time.time()
        entries = []
        for p in folder.iterdir():
            with contextlib.suppress(OSError):
                if p.name.startswith(".tmp-"):
                    if now - p.stat().st_mtime > 3600:
                        p.unlink()
                else:
                    entries.append((p.stat().st_mtime_ns, p))
        entries.sort()
        for _, old in entries[: max(0, len(entries) - self.MAX_ENTRIES)]:
            with contextlib.suppress(OSError):
                old.unlink()

    def distance(self, stamp: Any, grid: Grid, build_mask: Any) -> np.ndarray:
        """The distance raster of ``build_mask()`` (called only on a miss); ``stamp`` None: no cache."""
        if stamp is None:
            self.misses += 1
            return distance_m(build_mask(), grid.cell)
        digest = diskcache.key(self.KIND, diskcache.code_version(), grid.key(), stamp)
        arr = self.get(digest)
        if arr is not None and arr.shape == grid.shape:
            return arr
        self.misses += 1
        arr = distance_m(build_mask(), grid.cell)
        self.put(digest, arr)
        return arr
