"""Turn what a planner gives into a site polygon in EPSG:9209: a file, typed corners, or a map drawing.

Files: GeoJSON, KML/KMZ, GeoPackage, a shapefile or a zipped shapefile. Typed corners: one point a
line, either WGS 84 latitude/longitude (degrees) or VN-2000 X/Y in metres, where Vietnamese survey
tables put the northing in X and the easting in Y; both swaps (lon/lat, Y/X) are detected and said.
Drawings: the dict ``st_folium`` returns (``last_active_drawing`` / ``all_drawings``).
"""

from __future__ import annotations

import contextlib
import re
import tempfile
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import shapely
from pyproj import CRS
from shapely.geometry import Polygon, shape
from shapely.geometry.base import BaseGeometry

from tbgeo._io import open_upload, sidecar_text, sniff
from tbgeo.crs import WORK_CRS, detect as crsdetect, short_label, transformer
from tbgeo.crs.guess import SITE_E_9209, SITE_LAT, SITE_LON, SITE_N_9209, guess_crs
from tbgeo.errors import CRSError, InputError
from tbgeo.geometry import (
    MAX_COORDINATE,
    coordinate_problems,
    finish_site,
    refuse_self_intersection,
    swap_axes,
)
from tbgeo.i18n import t
from tbgeo.i18n.params import Num, Template, fmt_param
from tbgeo.ingest.config import load_config as ingest_config
from tbgeo.review.config import load_config
from tbgeo.review.zonal import LanduseSource
from tbgeo.safetext import library_detail

__all__ = [
    "open_landuse",
    "SiteInput",
    "site_from_file",
    "site_from_coordinates",
    "site_from_coordinates_file",
    "check_site_file_size",
    "site_from_draw_event",
    "site_from_geojson",
    "parse_points",
    "unpacked",
    "note_text",
    "SUFFIXES",
]

SUFFIXES = (".geojson", ".json", ".kml", ".kmz", ".zip", ".shp", ".gpkg")


#: Attributes that name a site, in order of preference.
_NAME_KEYS = ("name", "ten", "Name", "TEN", "Ten", "ten_du_an", "title")


@dataclass(frozen=True)
class SiteInput:
    """A site read from user input: geometry in EPSG:9209, where it came from, and notes.

    ``notes`` are message keys (``review.input.note_*``) the page and the CLI show, e.g. that axes
    were swapped or a CRS was assumed. ``properties`` are the attributes read from a file.
    """

    geometry: BaseGeometry
    source: str
    crs: str
    properties: Mapping[str, Any] = field(default_factory=dict)
    notes: tuple[str, ...] = ()

    @property
    def name(self) -> str:
        for key in _NAME_KEYS:
            value = self.properties.get(key)
            if isinstance(value, str) and value.strip():
                return value.strip()
        return ""


# -- helpers ---------------------------------------------------------------------------------------
def note_text(note: Any, lang: str) -> str:
    """A note of ``SiteInput.notes`` in ``lang``: a catalog key, or a Template with numbers."""
    return t(note, lang) if isinstance(note, str) else str(fmt_param(note, lang))


def _to_work(geom: BaseGeometry, crs: CRS) -> BaseGeometry:
    if crs.equals(WORK_CRS):
        return geom
    if crs.is_geographic and not _degrees(geom.bounds):
        # metres read as degrees would give infinite (or absurdly densified) geometry

        minx, miny = geom.bounds[:2]
        raise CRSError("review.input.not_degrees", x=Num(float(minx), 2), y=Num(float(miny), 2), crs=short_label(crs))
    tr = transformer(crs.to_wkt(), WORK_CRS.to_wkt())
    if crs.is_geographic:
        geom = shapely.segmentize(geom, 0.0002)  # ≈ 20 m: keep long edges straight on the ground
    return shapely.transform(geom, lambda xy: _stack(tr.transform(xy[:, 0], xy[:, 1])))


def _stack(xy: tuple[Any, Any]) -> Any:
    return np.column_stack(xy)


# -- files -----------------------------------------------------------------------------------------
#: What a site file's dataset may be (the kinds ``tbgeo._io`` recognises).
_SITE_KINDS = ("shapefile", "geojson", "kml", "gpkg")


def _limits(limits: Any | None) -> Any:
    if limits is not None:
        return limits

    return load_config().site_file


def check_site_file_size(name: str, size: int, limits: Any | None = None) -> None:
    """Refuse a site file larger than the limit (``[site_file] max_file_mb``), from its size alone."""
    limits = _limits(limits)
    if size > limits.max_file_bytes:
        raise InputError("review.input.too_big", file=name, size=Num(size / 1048576, 1), limit=Num(limits.max_file_mb, 0))


def _check_size(path: Path, name: str, limits: Any) -> None:
    check_site_file_size(name, path.stat().st_size, limits)


@contextlib.contextmanager
def unpacked(path: Path, *, limits: Any | None = None, display_name: str | None = None) -> Iterator[Path]:
    """The one dataset inside a zip or KMZ (a shapefile, GeoJSON, KML, GeoPackage), unpacked to a temp
    dir the way layer uploads are (``tbgeo._io.open_upload``: member count, total and
    per-member expansion, links, encryption, damaged members, unsafe paths). ``limits`` (a site file's,
    ``SiteFileConfig``) tighten the sizes; without them the upload limits of config/ingest.toml apply."""
    name = display_name or path.name
    cfg = ingest_config()
    if limits is not None:
        _check_size(path, name, limits)
        cfg = cfg.with_(max_upload_mb=max(cfg.max_upload_mb, limits.max_file_mb),
                        max_unpacked_mb=min(cfg.max_unpacked_mb, limits.max_unpacked_mb))
    with tempfile.TemporaryDirectory(prefix="tbgeo-site-") as tmp:
        try:
            container, datasets = open_upload(path, Path(tmp), cfg)
        except InputError as exc:
            if exc.key == "ingest.unsupported_format":  # not a zip at all
                raise InputError("review.input.bad_zip", file=name) from exc
            if exc.key == "ingest.zip_no_dataset":
                raise InputError("review.input.zip_empty", file=name) from exc
            raise
        except (OSError, ValueError, EOFError) as exc:  # over-long names are refused by open_upload itself
            raise InputError("review.input.bad_zip", file=name) from exc
        if container not in ("zip", "kmz"):
            raise InputError("review.input.bad_zip", file=name)
        found = [d for d in datasets if d.kind in _SITE_KINDS]
        if not found:
            raise InputError("review.input.zip_empty", file=name)
        if len(found) > 1:
            raise InputError("review.input.zip_many", file=name, files=", ".join(d.name for d in found))
        yield found[0].path


def _layers(path: Path) -> list[str | None]:
    """The layers to read: every folder of a KML, else the first (only) layer."""
    if path.suffix.lower() == ".kml":
        return [str(n) for n, _ in pyogrio.list_layers(path)]
    return [None]


def _read_frame(path: Path, name: str, limits: Any) -> Any:
    """The site's geometries (no attributes), after checking the feature count GDAL reports, then the
    vertex count, against the limits; one first row of attributes is read separately."""
    layers = _layers(path)
    counted = 0
    for layer in layers:
        n = int(pyogrio.read_info(path, layer=layer).get("features") or 0)
        counted += max(n, 0)
        if counted > limits.max_features:
            raise InputError("review.input.too_many_features", file=name, n=counted, limit=limits.max_features)
    frames = []
    for layer in layers:
        # geometry only: thousands of columns, or names that clash, are not read at all
        with np.errstate(invalid="ignore"):  # shapely's from_wkb flags a NaN corner; it is refused below, with a message
            frame = pyogrio.read_dataframe(path, layer=layer, columns=[], max_features=limits.max_features + 1)
        if len(frame):
            frames.append(frame)
    if not frames:
        raise InputError("review.input.no_polygon", file=name)
    if len(frames) > 1:
        gdf = gpd.GeoDataFrame(pd.concat(frames, ignore_index=True), geometry="geometry", crs=frames[0].crs)
    else:
        gdf = frames[0]
    if len(gdf) > limits.max_features:
        raise InputError("review.input.too_many_features", file=name, n=len(gdf), limit=limits.max_features)
    vertices = int(shapely.get_num_coordinates(gdf.geometry.values).sum())
    if vertices > limits.max_vertices:
        raise InputError("review.input.too_many_vertices", file=name, n=vertices, limit=limits.max_vertices)
    return gdf


def _first_properties(path: Path) -> dict[str, Any]:
    """The first feature's plain attributes (name, ...): at most 200 columns, text as text; none when
    the attributes cannot be read (they are not needed for the review)."""
    try:
        table = pyogrio.read_dataframe(path, layer=_layers(path)[0], max_features=1, read_geometry=False)
    except Exception:
        return {}
    if not len(table):
        return {}
    row = dict(zip(table.columns, table.iloc[0].tolist()))  # a name twice (name/NAME, duplicates): the first
    wanted = [k for k in _NAME_KEYS if k in row] + [k for k in list(row)[:200] if k not in _NAME_KEYS]
    out: dict[str, Any] = {}
    for key in wanted:
        value = row[key]
        if isinstance(key, str) and key not in out and _plain(value):
            out[key] = value
    return out


def _declared_crs(path: Path, gdf: Any, name: str) -> CRS | None:
    """The CRS the file declares, identified as uploads identify it (``tbgeo.crs.detect``); a
    mislabelled VN-2000 definition is refused until the user says which CRS it is."""
    if path.suffix.lower() == ".shp":
        text = sidecar_text(path, ".prj")  # read as uploads read it
        origin = "prj"
    else:
        if gdf.crs is None:
            return None
        text = gdf.crs.to_wkt()
        origin = "default" if path.suffix.lower() == ".kml" else "file"
    if not text:
        return None
    det = crsdetect.identify(text, origin=origin)
    if det.needs_confirmation and det.problem is not None:
        # the upload's own reason, a (key, params) message said as the upload page says it
        raise CRSError("review.input.crs_confirm", file=name, problem=det.problem)
    return det.crs


def _refuse_bad_coordinates(gdf: Any, name: str) -> None:
    """NaN or infinite vertices, and coordinates of ``MAX_COORDINATE`` or more, are refused before any transform."""
    bad = coordinate_problems(gdf.geometry.values, MAX_COORDINATE)
    if bad.non_finite:
        raise CRSError("review.input.coords_not_finite", file=name)
    if bad.huge:
        raise CRSError("review.input.coords_huge", file=name, value=Num(bad.biggest, 0))


def site_from_file(
    path: Path | str, *, crs: str | int | None = None, display_name: str | None = None, limits: Any | None = None
) -> SiteInput:
    """The site in a GeoJSON/KML/KMZ/GeoPackage/shapefile/zipped shapefile (all polygons, as one site).

    Read the way layer uploads are read (``tbgeo._io``: content sniffed, zips unpacked
    safely; ``tbgeo.crs.detect``: the declared CRS identified), within ``limits`` (the review
    config's ``site_file``: file and unpacked bytes, features, vertices), checked before the file is
    read whole. Every bad file is an InputError with a message in the user's language.
    """
    p = Path(path)
    name = display_name or p.name
    limits = _limits(limits)
    if not p.is_file():
        raise InputError("review.input.missing", file=str(p))
    suffix = p.suffix.lower()
    if suffix not in SUFFIXES:
        raise InputError("review.input.bad_suffix", file=name, allowed=", ".join(SUFFIXES))
    _check_size(p, name, limits)
    if suffix in (".zip", ".kmz"):
        with unpacked(p, limits=limits, display_name=name) as inner:
            return _site_from_dataset(inner, crs=crs, name=name, limits=limits)
    return _site_from_dataset(p, crs=crs, name=name, limits=limits)


def _site_from_dataset(path: Path, *, crs: str | int | None, name: str, limits: Any) -> SiteInput:
    """The site in one dataset on disk (a file given, or the one inside a zip), its size checked."""
    with _readable(path, name) as p:
        return _site_from_readable(p, crs=crs, name=name, limits=limits)


def _site_from_readable(p: Path, *, crs: str | int | None, name: str, limits: Any) -> SiteInput:
    try:
        gdf = _read_frame(p, name, limits)
        props = _first_properties(p)
    except InputError:
        raise
    except Exception as exc:
        raise InputError("review.input.unreadable", file=name, detail=library_detail(exc)) from exc
    if not isinstance(gdf, gpd.GeoDataFrame) or gdf.active_geometry_name not in gdf.columns:
        raise InputError("review.input.no_polygon", file=name)
    # boolean Series masks: a list mask on an empty frame (an empty FeatureCollection) selects columns
    gdf = gdf.loc[gdf.geometry.notna() & ~gdf.geometry.is_empty]
    gdf = gdf.loc[gdf.geom_type.isin(["Polygon", "MultiPolygon"])]
    if gdf.empty:
        raise InputError("review.input.no_polygon", file=name)
    _refuse_bad_coordinates(gdf, name)
    geoms = list(gdf.geometry.values)
    minx, miny, maxx, maxy = (float(v) for v in gdf.total_bounds)
    notes: list[Any] = []
    if len(gdf) > 1:
        notes.append("review.input.note_union")
    swapped = False
    declared = _declared_crs(p, gdf, name) if crs is None else (CRS.from_user_input(gdf.crs) if gdf.crs is not None else None)
    if crs is not None:
        src = crsdetect.user_crs(crs, refusal="review.input.bad_crs").crs
        if declared is not None and not declared.equals(src):
            notes.append("review.input.note_crs_override")
    else:
        bounds = (minx, miny, maxx, maxy)
        guess = guess_crs(bounds)
        if declared is not None and declared.is_geographic:
            if guess is not None and guess[0].is_geographic and guess[1]:
                swapped = True  # latitude written first in a lon/lat file
                notes.append("review.input.note_lonlat")
            elif not _degrees(bounds):
                # GeoJSON has no CRS member, so GDAL reports EPSG:4326 for metres too: coordinates
                # outside degree ranges cannot be degrees, so the declared CRS is not trusted
                declared = None
                notes.append("review.input.note_not_degrees")
        if declared is not None:
            src = declared
        else:
            if guess is None:

                raise CRSError("review.input.crs_unknown_bounds", file=name, x=Num(minx, 2), y=Num(miny, 2))
            src, swapped = guess
            if swapped:
                notes.append("review.input.note_swapped" if not src.is_geographic else "review.input.note_lonlat")
            notes.append(Template("review.input.note_crs_guessed_as", {"crs": short_label(src)}))
    if swapped:
        geoms = [swap_axes(g) for g in geoms]
    for g in geoms:
        refuse_self_intersection(g, src, file=name)
    repaired = [not g.is_valid for g in geoms]
    geom = shapely.union_all(shapely.make_valid(_as_array(geoms)))
    work = finish_site(_to_work(geom, src))
    _check_near(work, name)
    if any(repaired):
        notes.append(Template("review.input.note_repaired", {"ha": Num(work.area / 10_000.0, 2)}))
    return SiteInput(work, f"file:{name}", short_label(src), props, tuple(notes))


@contextlib.contextmanager
def _readable(path: Path, name: str) -> Iterator[Path]:
    """The file GDAL may read for the dataset at ``path``, recognised as uploads are (``open_upload``:
    content sniffed, KML with entity declarations refused, a GeoJSON link CRS removed so GDAL never
    fetches it); a shapefile's .shp is read in place."""
    if path.stat().st_size == 0:
        raise InputError("review.input.empty_file", file=name)
    suffix = path.suffix.lower()
    expected = {".geojson": "geojson", ".json": "geojson", ".kml": "kml", ".gpkg": "gpkg", ".shp": "shp"}[suffix]
    if sniff(path) != expected:
        raise InputError("review.input.wrong_format", file=name, kind=suffix)
    if suffix == ".shp":
        yield path
        return
    with tempfile.TemporaryDirectory(prefix="tbgeo-site-") as tmp:
        _, datasets = open_upload(path, Path(tmp), ingest_config())
        yield datasets[0].path


def _as_array(geoms: list[BaseGeometry]) -> Any:
    return np.asarray(geoms, dtype=object)


def _degrees(bounds: tuple[float, float, float, float]) -> bool:
    minx, miny, maxx, maxy = bounds
    return minx >= -180.0 and maxx <= 180.0 and miny >= -90.0 and maxy <= 90.0


def _plain(v: Any) -> bool:
    return isinstance(v, (str, int, float, bool)) and v == v  # drops NaN


def _check_near(work: BaseGeometry, name: str) -> None:
    """Refuse a site hundreds of km away: almost always a wrong CRS, not a real proposal."""
    minx, miny, maxx, maxy = work.bounds
    if not (SITE_E_9209[0] - 100_000 <= minx and maxx <= SITE_E_9209[1] + 100_000
            and SITE_N_9209[0] - 100_000 <= miny and maxy <= SITE_N_9209[1] + 100_000):
        raise CRSError("review.input.far_away", file=name)


# -- typed coordinates -----------------------------------------------------------------------------
_NUM = r"[-+]?\d+(?:[.,]\d+)?"


def _split_line(line: str) -> list[float]:
    """Numbers of one typed line; a comma is a decimal mark unless it separates the two values."""
    line = line.strip().strip("()[]")
    if not line:
        return []
    # separators: tab, semicolon, whitespace; if none gives ≥ 2 tokens, a comma separates values
    tokens = [tok for tok in re.split(r"[;\t ]+", line) if tok]
    if len(tokens) < 2:
        tokens = [tok for tok in line.split(",") if tok.strip()]
    else:
        tokens = [tok.strip(",") for tok in tokens if tok.strip(",")]
    out = []
    for tok in tokens:
        tok = tok.strip()
        if not re.fullmatch(_NUM, tok):
            raise InputError("review.input.bad_number", value=tok, line=line)
        out.append(float(tok.replace(",", ".")))
    return out


def parse_points(text: str) -> list[tuple[float, float]]:
    """The (first, second) value pairs of typed corners, one per line.

    A leading point number is dropped; comment lines (``#``) and header lines without digits are skipped.
    """
    pts: list[tuple[float, float]] = []
    for raw in text.replace("\r", "\n").split("\n"):
        if raw.strip().startswith("#") or not re.search(r"\d", raw):
            continue  # comments and header lines ("Điểm  X (m)  Y (m)")
        nums = _split_line(raw)
        if not nums:
            continue
        if len(nums) == 3 and float(nums[0]).is_integer() and abs(nums[0]) < 10_000:
            nums = nums[1:]  # "1  2262182.72  587644.68": point number, X, Y
        if len(nums) != 2:
            raise InputError("review.input.bad_line", line=raw.strip())
        pts.append((nums[0], nums[1]))
    return pts


def site_from_coordinates_file(path: Path | str, *, system: str = "auto", limits: Any | None = None) -> SiteInput:
    """A site from a .txt/.csv file of typed corners (UTF-8, or UTF-8 with BOM), within the site-file
    size limit; a file that is not text is refused with a message."""
    p = Path(path)
    if not p.is_file():
        raise InputError("review.input.missing", file=str(p))
    _check_size(p, p.name, _limits(limits))
    try:
        text = p.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError("review.input.not_text", file=p.name) from exc
    if "\x00" in text:
        raise InputError("review.input.not_text", file=p.name)
    return site_from_coordinates(text, system=system)


def site_from_coordinates(text: str, *, system: str = "auto") -> SiteInput:
    """A site from typed corners. ``system``: ``auto``, ``wgs84`` (lat, lon) or ``vn2000`` (X north, Y east).

    WGS 84 is read as latitude then longitude; VN-2000 as X (northing) then Y (easting), the
    Vietnamese survey convention. Reversed order in either system is detected and noted.
    """
    if system not in ("auto", "wgs84", "vn2000"):
        raise InputError("review.input.bad_system", value=system)
    pts = parse_points(text)
    if len(pts) < 3:
        raise InputError("review.input.few_points", n=len(pts))
    if pts[0] == pts[-1]:
        pts = pts[:-1]
    if len(set(pts)) < 3:
        raise InputError("review.input.few_points", n=len(set(pts)))
    a = [p[0] for p in pts]
    b = [p[1] for p in pts]
    notes: list[str] = []

    def within(vals: list[float], lo_hi: tuple[float, float]) -> bool:
        return all(lo_hi[0] <= v <= lo_hi[1] for v in vals)

    degrees = all(abs(v) <= 180 for v in a + b)
    if system == "wgs84" or (system == "auto" and degrees):
        if within(a, SITE_LAT) and within(b, SITE_LON):
            lon, lat = b, a
        elif within(a, SITE_LON) and within(b, SITE_LAT):
            lon, lat = a, b
            notes.append("review.input.note_lonlat")
        else:
            raise InputError("review.input.out_of_area", system="WGS 84")
        crs = CRS.from_epsg(4326)
        geom = Polygon(list(zip(lon, lat)))
    else:
        if within(a, SITE_N_9209) and within(b, SITE_E_9209):
            north, east = a, b
        elif within(a, SITE_E_9209) and within(b, SITE_N_9209):
            east, north = a, b
            notes.append("review.input.note_swapped")
        else:
            raise InputError("review.input.out_of_area", system="VN-2000")
        crs = WORK_CRS
        geom = Polygon(list(zip(east, north)))
    refuse_self_intersection(geom, crs, file=None)
    work = finish_site(_to_work(geom, crs))
    return SiteInput(work, "coordinates", short_label(crs), {}, tuple(notes))


# -- drawings --------------------------------------------------------------------------------------
def site_from_geojson(obj: Mapping[str, Any]) -> BaseGeometry:
    """A polygon (EPSG:9209) from a GeoJSON Feature/geometry in EPSG:4326 (a drawn circle is buffered)."""
    geometry = obj.get("geometry", obj) if obj.get("type") == "Feature" else obj
    if not isinstance(geometry, Mapping) or "type" not in geometry:
        raise InputError("review.input.no_drawing")
    props = obj.get("properties") or {}
    geom = shape(geometry)
    wgs = CRS.from_epsg(4326)
    if geom.geom_type == "Point" and props.get("radius"):
        centre = _to_work(geom, wgs)
        return finish_site(centre.buffer(float(props["radius"]), quad_segs=32))
    if geom.geom_type not in ("Polygon", "MultiPolygon"):
        raise InputError("review.input.not_polygon", kind=geom.geom_type)
    refuse_self_intersection(geom, wgs, file=None)
    return finish_site(_to_work(geom, wgs))


def site_from_draw_event(event: Mapping[str, Any] | None) -> Polygon | BaseGeometry:
    """The site drawn on the map, from the dict ``st_folium`` returns, as a polygon in EPSG:9209.

    Takes ``last_active_drawing`` when set, else the last of ``all_drawings``. Raises InputError
    ``review.input.no_drawing`` when nothing polygonal was drawn.
    """
    if not event:
        raise InputError("review.input.no_drawing")
    feature = event.get("last_active_drawing")
    if not feature:
        drawings = event.get("all_drawings") or []
        feature = drawings[-1] if drawings else None
    if not feature:
        raise InputError("review.input.no_drawing")
    return site_from_geojson(feature)


# -- land-use files ---------------------------------------------------------------------------------
def open_landuse(path: Path | str, *, classes: Mapping[int, str] | None = None) -> LanduseSource:
    """A land-use source from a file: a raster (pixel table ``classes``) or a vector layer."""
    # rasterio loads only for a land-use file (the review of a drawn site never needs it)
    from tbgeo.review import landuse_files

    p = Path(path)
    if not p.exists():
        raise InputError("review.landuse.missing", file=str(p))
    if landuse_files.is_raster(p):
        return landuse_files.read_raster(p, classes=classes)
    if p.suffix.lower() == ".zip":
        with unpacked(p) as inner:
            return landuse_files.read_vector(inner)
    return landuse_files.read_vector(p)
