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
import zipfile
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import shapely
from pyproj import CRS
from shapely.geometry import Polygon, shape
from shapely.geometry.base import BaseGeometry

from tbgeo.crs import WORK_CRS, transformer
from tbgeo.rules import Num, Template
from tbgeo.errors import CRSError, InputError
from tbgeo.i18n import t
from tbgeo.safetext import library_detail

__all__ = [
    "SiteInput",
    "site_from_file",
    "site_from_coordinates",
    "site_from_draw_event",
    "site_from_geojson",
    "parse_points",
    "guess_crs",
    "unpacked",
    "note_text",
    "find_crossing",
    "SUFFIXES",
]

SUFFIXES = (".geojson", ".json", ".kml", ".kmz", ".zip", ".shp", ".gpkg")
#: Largest zip we unpack, and the largest total it may expand to (bytes).
_MAX_ZIP = 200 * 1024 * 1024
#: Plausible ranges around Thái Bình (vn-gis-practice §1.6, widened by ~30 km).
_LAT = (19.9, 21.1)
_LON = (105.7, 107.0)
_E_9209 = (530_000.0, 650_000.0)
_N_9209 = (2_200_000.0, 2_330_000.0)


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
        for key in ("name", "ten", "Name", "TEN", "Ten", "ten_du_an", "title"):
            value = self.properties.get(key)
            if isinstance(value, str) and value.strip():
                return value.strip()
        return ""


# -- helpers ---------------------------------------------------------------------------------------
def note_text(note: Any, lang: str) -> str:
    """A note of ``SiteInput.notes`` in ``lang``: a catalog key, or a Template with numbers."""
    from tbgeo.rules import fmt_param

    return t(note, lang) if isinstance(note, str) else str(fmt_param(note, lang))


def find_crossing(coords: Any) -> tuple[int, int, tuple[float, float]] | None:
    """Where a closed ring crosses (or touches) itself: (edge i, edge j, point), edges numbered from 0
    (edge k joins corner k and corner k+1), or None when the ring is simple."""
    import numpy as np

    pts = np.asarray(coords, dtype=float)[:, :2]
    if len(pts) >= 2 and np.array_equal(pts[0], pts[-1]):
        pts = pts[:-1]
    n = len(pts)
    if n < 4:
        return None
    segs = shapely.linestrings(np.stack([pts, np.roll(pts, -1, axis=0)], axis=1))
    tree = shapely.STRtree(segs)
    left, right = tree.query(segs, predicate="intersects")
    for i, j in sorted(zip(left.tolist(), right.tolist())):
        if j <= i or j == i + 1 or (i == 0 and j == n - 1):
            continue  # each pair once; neighbouring edges share a corner
        hit = shapely.intersection(segs[i], segs[j])
        p = hit.representative_point() if not hit.is_empty else shapely.Point(pts[i])
        return i, j, (float(p.x), float(p.y))
    return None


def _refuse_self_intersection(geom: BaseGeometry, crs: CRS, *, file: str | None) -> None:
    """Refuse an outline that crosses itself, saying between which corners and where (lat/lon).

    Repairing it (``make_valid``) would silently change the site's area — a bow-tie keeps only its
    two triangles — so files, typed corners and drawings are all refused the same way.
    """
    from shapely.validation import explain_validity

    from tbgeo.rules import ReviewInputError, Text

    polys = list(getattr(geom, "geoms", [geom]))
    for poly in polys:
        if poly.is_valid or poly.geom_type != "Polygon":
            continue
        reason = explain_validity(poly)
        if "Self-intersection" not in reason:
            continue
        edges: Any = Text("review.input.edges_unknown")
        point: tuple[float, float] | None = None
        for ring in (poly.exterior, *poly.interiors):
            hit = find_crossing(ring.coords)
            if hit is not None:
                i, j, point = hit
                n = len(ring.coords) - 1
                edges = Template("review.input.edges", {"a": str(i + 1), "b": str(i + 2), "c": str(j + 1),
                                                        "d": str((j + 1) % n + 1)})
                break
        if point is None:
            m = re.search(r"\[([-+\d.eE]+) ([-+\d.eE]+)", reason)
            point = (float(m.group(1)), float(m.group(2))) if m else (poly.centroid.x, poly.centroid.y)
        lon, lat = point
        if not crs.is_geographic:
            lon, lat = transformer(crs.to_wkt(), CRS.from_epsg(4326).to_wkt()).transform(point[0], point[1])
        params = {"edges": edges, "lat": Num(float(lat), 5), "lon": Num(float(lon), 5)}
        if file is None:
            raise ReviewInputError("review.input.self_intersecting", **params)
        raise ReviewInputError("review.input.self_intersecting_file", file=file, **params)


def _finish(geom: BaseGeometry) -> BaseGeometry:
    """Valid polygonal geometry with an area, else InputError."""
    import numpy as np

    from tbgeo.review import check_site_geometry, polygonal

    if geom.is_empty:
        raise InputError("review.input.empty")
    if not np.isfinite(np.asarray(geom.bounds, dtype=float)).all():
        raise CRSError("review.input.not_finite")
    if geom.geom_type not in ("Polygon", "MultiPolygon"):
        geom = polygonal(geom)
        if geom.is_empty:
            raise InputError("review.input.not_polygon", kind="—")
    if not geom.is_valid:
        geom = polygonal(shapely.make_valid(geom))
    return check_site_geometry(geom)


def _to_work(geom: BaseGeometry, crs: CRS) -> BaseGeometry:
    if crs.equals(WORK_CRS):
        return geom
    if crs.is_geographic and not _degrees(geom.bounds):
        # metres read as degrees would give infinite (or absurdly densified) geometry
        from tbgeo.rules import ReviewCRSError

        minx, miny = geom.bounds[:2]
        raise ReviewCRSError("review.input.not_degrees", x=Num(float(minx), 2), y=Num(float(miny), 2), crs=_crs_label(crs))
    tr = transformer(crs.to_wkt(), WORK_CRS.to_wkt())
    if crs.is_geographic:
        geom = shapely.segmentize(geom, 0.0002)  # ≈ 20 m: keep long edges straight on the ground
    return shapely.transform(geom, lambda xy: _stack(tr.transform(xy[:, 0], xy[:, 1])))


def _stack(xy: tuple[Any, Any]) -> Any:
    import numpy as np

    return np.column_stack(xy)


def guess_crs(bounds: tuple[float, float, float, float]) -> tuple[CRS, bool] | None:
    """A CRS for bare coordinates near Thái Bình: (crs, axes_swapped), or None if nothing fits.

    Lon/lat degrees → EPSG:4326; metres in the TM-3 105°30′ band → EPSG:9209 (the provincial
    default; UTM 48N or 105°45′ data also falls near this band, so the page asks to confirm).
    """
    minx, miny, maxx, maxy = bounds
    if _LON[0] <= minx and maxx <= _LON[1] and _LAT[0] <= miny and maxy <= _LAT[1]:
        return CRS.from_epsg(4326), False
    if _LAT[0] <= minx and maxx <= _LAT[1] and _LON[0] <= miny and maxy <= _LON[1]:
        return CRS.from_epsg(4326), True
    if _E_9209[0] <= minx and maxx <= _E_9209[1] and _N_9209[0] <= miny and maxy <= _N_9209[1]:
        return WORK_CRS, False
    if _N_9209[0] <= minx and maxx <= _N_9209[1] and _E_9209[0] <= miny and maxy <= _E_9209[1]:
        return WORK_CRS, True
    return None


def _swap(geom: BaseGeometry) -> BaseGeometry:
    return shapely.transform(geom, lambda xy: xy[:, ::-1])


# -- files -----------------------------------------------------------------------------------------
@contextlib.contextmanager
def unpacked(path: Path) -> Iterator[Path]:
    """The dataset inside a zip (a shapefile, GeoJSON, KML, GeoPackage), unpacked safely to a temp dir."""
    if path.stat().st_size > _MAX_ZIP:
        raise InputError("review.input.too_big", file=path.name)
    try:
        zf = zipfile.ZipFile(path)
    except zipfile.BadZipFile as exc:
        raise InputError("review.input.bad_zip", file=path.name) from exc
    with zf, tempfile.TemporaryDirectory(prefix="tbgeo-site-") as tmp:
        root = Path(tmp).resolve()
        total = 0
        for info in zf.infolist():
            if info.is_dir():
                continue
            target = (root / info.filename).resolve()
            if root not in target.parents:  # no path traversal out of the temp folder
                raise InputError("review.input.bad_zip", file=path.name)
            total += info.file_size
            if total > _MAX_ZIP:
                raise InputError("review.input.too_big", file=path.name)
            target.parent.mkdir(parents=True, exist_ok=True)
            with zf.open(info) as src, open(target, "wb") as dst:
                dst.write(src.read())
        found = [p for p in sorted(root.rglob("*")) if p.suffix.lower() in (".shp", ".geojson", ".json", ".kml", ".gpkg")
                 and not p.name.startswith(".") and "__MACOSX" not in p.parts]
        if not found:
            raise InputError("review.input.zip_empty", file=path.name)
        if len(found) > 1:
            raise InputError("review.input.zip_many", file=path.name, files=", ".join(p.name for p in found))
        yield found[0]


def _read_frame(path: Path) -> Any:
    import geopandas as gpd
    import pyogrio

    suffix = path.suffix.lower()
    if suffix == ".kml":
        layers = pyogrio.list_layers(path)
        frames = [gpd.read_file(path, layer=str(name), engine="pyogrio") for name, _ in layers]
        frames = [f for f in frames if len(f)]
        if not frames:
            raise InputError("review.input.no_polygon", file=path.name)
        import pandas as pd

        return gpd.GeoDataFrame(pd.concat(frames, ignore_index=True), geometry="geometry", crs=frames[0].crs)
    return gpd.read_file(path, engine="pyogrio")


def site_from_file(path: Path | str, *, crs: str | int | None = None, display_name: str | None = None) -> SiteInput:
    """The site in a GeoJSON/KML/KMZ/GeoPackage/shapefile/zipped shapefile (all polygons, as one site)."""
    p = Path(path)
    name = display_name or p.name
    if not p.exists():
        raise InputError("review.input.missing", file=str(p))
    suffix = p.suffix.lower()
    if suffix not in SUFFIXES:
        raise InputError("review.input.bad_suffix", file=name, allowed=", ".join(SUFFIXES))
    if suffix in (".zip", ".kmz"):
        with unpacked(p) as inner:
            site = site_from_file(inner, crs=crs, display_name=name)
        return SiteInput(site.geometry, f"file:{name}", site.crs, site.properties, site.notes)
    try:
        gdf = _read_frame(p)
    except InputError:
        raise
    except Exception as exc:
        raise InputError("review.input.unreadable", file=name, detail=library_detail(exc)) from exc
    import geopandas as gpd

    if not isinstance(gdf, gpd.GeoDataFrame) or gdf.active_geometry_name not in gdf.columns:
        raise InputError("review.input.no_polygon", file=name)
    # boolean Series masks: a list mask on an empty frame (an empty FeatureCollection) selects columns
    gdf = gdf.loc[gdf.geometry.notna() & ~gdf.geometry.is_empty]
    gdf = gdf.loc[gdf.geom_type.isin(["Polygon", "MultiPolygon"])]
    if gdf.empty:
        raise InputError("review.input.no_polygon", file=name)
    geoms = list(gdf.geometry.values)
    minx, miny, maxx, maxy = (float(v) for v in gdf.total_bounds)
    notes: list[Any] = []
    if len(gdf) > 1:
        notes.append("review.input.note_union")
    swapped = False
    declared = CRS.from_user_input(gdf.crs) if gdf.crs is not None else None
    if crs is not None:
        src = _user_crs(crs)
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
                from tbgeo.rules import ReviewCRSError

                raise ReviewCRSError("review.input.crs_unknown_bounds", file=name, x=Num(minx, 2), y=Num(miny, 2))
            src, swapped = guess
            if swapped:
                notes.append("review.input.note_swapped" if not src.is_geographic else "review.input.note_lonlat")
            notes.append(Template("review.input.note_crs_guessed_as", {"crs": _crs_label(src)}))
    if swapped:
        geoms = [_swap(g) for g in geoms]
    for g in geoms:
        _refuse_self_intersection(g, src, file=name)
    repaired = [not g.is_valid for g in geoms]
    geom = shapely.union_all(shapely.make_valid(_as_array(geoms)))
    props = {k: v for k, v in gdf.iloc[0].drop(labels=[gdf.geometry.name]).items() if _plain(v)}
    work = _finish(_to_work(geom, src))
    _check_near(work, name)
    if any(repaired):
        notes.append(Template("review.input.note_repaired", {"ha": Num(work.area / 10_000.0, 2)}))
    return SiteInput(work, f"file:{name}", _crs_label(src), props, tuple(notes))


def _as_array(geoms: list[BaseGeometry]) -> Any:
    import numpy as np

    return np.asarray(geoms, dtype=object)


def _degrees(bounds: tuple[float, float, float, float]) -> bool:
    minx, miny, maxx, maxy = bounds
    return -180.0 <= minx and maxx <= 180.0 and -90.0 <= miny and maxy <= 90.0


def _plain(v: Any) -> bool:
    return isinstance(v, (str, int, float, bool)) and v == v  # drops NaN


def _crs_label(crs: CRS) -> str:
    epsg = crs.to_epsg()
    return f"EPSG:{epsg}" if epsg else crs.name


def _user_crs(value: str | int) -> CRS:
    try:
        text = str(value).strip()
        return CRS.from_epsg(int(text)) if text.isdigit() else CRS.from_user_input(text)
    except Exception as exc:
        raise CRSError("review.input.bad_crs", value=str(value)) from exc


def _check_near(work: BaseGeometry, name: str) -> None:
    """Refuse a site hundreds of km away: almost always a wrong CRS, not a real proposal."""
    minx, miny, maxx, maxy = work.bounds
    if not (_E_9209[0] - 100_000 <= minx and maxx <= _E_9209[1] + 100_000
            and _N_9209[0] - 100_000 <= miny and maxy <= _N_9209[1] + 100_000):
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
        if within(a, _LAT) and within(b, _LON):
            lon, lat = b, a
        elif within(a, _LON) and within(b, _LAT):
            lon, lat = a, b
            notes.append("review.input.note_lonlat")
        else:
            raise InputError("review.input.out_of_area", system="WGS 84")
        crs = CRS.from_epsg(4326)
        geom = Polygon(list(zip(lon, lat)))
    else:
        if within(a, _N_9209) and within(b, _E_9209):
            north, east = a, b
        elif within(a, _E_9209) and within(b, _N_9209):
            east, north = a, b
            notes.append("review.input.note_swapped")
        else:
            raise InputError("review.input.out_of_area", system="VN-2000")
        crs = WORK_CRS
        geom = Polygon(list(zip(east, north)))
    _refuse_self_intersection(geom, crs, file=None)
    work = _finish(_to_work(geom, crs))
    return SiteInput(work, "coordinates", _crs_label(crs), {}, tuple(notes))


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
        return _finish(centre.buffer(float(props["radius"]), quad_segs=32))
    if geom.geom_type not in ("Polygon", "MultiPolygon"):
        raise InputError("review.input.not_polygon", kind=geom.geom_type)
    _refuse_self_intersection(geom, wgs, file=None)
    return _finish(_to_work(geom, wgs))


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
