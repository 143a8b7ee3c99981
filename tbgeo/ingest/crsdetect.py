"""Identify an upload's CRS from its parameters (not its name), catch lost VN-2000 datums, guess from ranges,
and check where reprojected data landed (in the province, elsewhere in Vietnam, or outside)."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from pyproj import CRS, Geod, Transformer

from tbgeo.crs import WORK_CRS, transformer
from tbgeo.errors import CRSError
from tbgeo.i18n.params import Template
from tbgeo.safetext import library_detail

if TYPE_CHECKING:
    from shapely.geometry.base import BaseGeometry

__all__ = [
    "TM3_BY_CM",
    "UTM_BY_CM",
    "GUESS_ORDER",
    "PROVINCE_EXTENT",
    "Candidate",
    "CRSDetection",
    "Landing",
    "FeatureLanding",
    "SOURCES",
    "VN2000_7P",
    "prj_params",
    "helmert",
    "is_vn2000_shift",
    "is_degrees",
    "looks_swapped_degrees",
    "landing_features",
    "identify",
    "guess",
    "user_crs",
    "province_outline",
    "vietnam_outline",
    "landing",
    "fmt_meridian",
    "crs_label",
]

#: VN-2000 TM-3 (k0 0.9999, FE 500 km) by central meridian → EPSG.
TM3_BY_CM: dict[float, int] = {
    102.0: 5896, 105.0: 5897, 108.0: 5898, 107.75: 5899, 103.0: 9205, 104.0: 9206, 104.5: 9207,
    104.75: 9208, 105.5: 9209, 105.75: 9210, 106.0: 9211, 106.25: 9212, 106.5: 9213, 107.0: 9214,
    107.25: 9215, 107.5: 9216, 108.25: 9217, 108.5: 9218,
}  # fmt: skip
#: UTM (k0 0.9996) zones covering Vietnam: CM → (VN-2000 EPSG, WGS 84 EPSG).
UTM_BY_CM: dict[float, tuple[int, int]] = {105.0: (3405, 32648), 111.0: (3406, 32649)}
#: Candidates tried for a file without CRS, in order of preference for Thái Bình provincial data.
GUESS_ORDER: tuple[int, ...] = (
    9209, 3405, 32648, 9210, 5897, 9211, 9213, 9214, 9212, 5898, 5899, 9205, 9206, 9207, 9208,
    9215, 9216, 9217, 9218, 5896, 3406, 32649,
)  # fmt: skip
#: Thái Bình's extent (20°17'–20°44'N, 106°06'–106°39'E): the outline used when no districts layer exists.
PROVINCE_EXTENT = (106.1, 20.2833, 106.65, 20.7333)

# A coarse outline of Vietnam (lon, lat), drawn with a margin of coastal sea, for plausibility checks
# only (is the data in Vietnam at all?); it is not a boundary. Hoàng Sa and Trường Sa are boxes.
_VIETNAM_MAINLAND = [
    (102.14, 22.40), (102.50, 22.77), (103.30, 22.80), (103.97, 22.52), (104.80, 22.85), (105.33, 23.39),
    (105.90, 23.00), (106.70, 22.87), (107.35, 22.05), (108.05, 21.55), (108.30, 21.40), (107.95, 20.20),
    (107.30, 19.00), (107.50, 17.20), (108.40, 16.30), (109.20, 15.20), (109.60, 13.80), (109.70, 12.60),
    (109.50, 11.50), (108.80, 10.50), (107.50, 9.80), (107.00, 8.50), (104.70, 8.20), (103.30, 9.20),
    (103.70, 10.50), (104.45, 10.42), (105.10, 10.95), (105.85, 10.95), (106.10, 11.70), (106.45, 11.95),
    (107.10, 12.25), (107.55, 12.35), (107.50, 13.00), (107.55, 14.70), (107.40, 15.50), (107.20, 16.10),
    (106.60, 16.50), (106.00, 17.30), (105.60, 18.00), (105.10, 18.70), (104.10, 19.20), (104.00, 19.70),
    (104.60, 20.30), (104.10, 20.75), (103.20, 20.80), (102.90, 21.30), (102.15, 22.00),
]  # fmt: skip
_HOANG_SA = (111.0, 15.7, 113.0, 17.2)
_TRUONG_SA = (111.5, 6.5, 117.5, 11.5)
_VIETNAM_MARGIN_M = 30_000.0

_GEOD = Geod(ellps="WGS84")


def fmt_meridian(cm: float) -> str:
    """105.5 → ``105°30′``."""
    deg = int(math.floor(cm))
    minutes = round((cm - deg) * 60)
    return f"{deg}°{minutes:02d}′"


def crs_label(epsg: int | None) -> str:
    """``EPSG:9209 (VN-2000 / TM-3 105-30)``."""
    if epsg is None:
        return "—"
    try:
        return f"EPSG:{epsg} ({CRS.from_epsg(epsg).name})"
    except Exception:
        return f"EPSG:{epsg}"


@dataclass(frozen=True)
class Candidate:
    """A CRS the data may be in, with where the data would land in it."""

    epsg: int
    name: str
    distance_km: float | None = None
    where: str = ""  # "province", "vietnam", "outside", "" (not computed)

    def to_dict(self) -> dict[str, Any]:
        return {"epsg": self.epsg, "name": self.name, "distance_km": self.distance_km, "where": self.where}


#: The values of ``CRSDetection.source``.
SOURCES = ("prj", "file", "default", "guess", "user")


@dataclass
class CRSDetection:
    """What is known about the data's CRS, and what will be used.

    ``source`` (one of :data:`SOURCES`): ``prj`` (a shapefile's .prj), ``file`` (declared inside the file:
    GeoPackage SRS, MapInfo CoordSys, GeoJSON ``crs`` member), ``default`` (not declared; the format's
    own definition: GeoJSON RFC 7946 and KML are WGS 84), ``guess`` (from the coordinate ranges) or
    ``user``. ``status``: ``ok``, ``mislabelled`` (TM-3 with a Vietnamese meridian on a
    WGS 84 datum), ``datum_unknown``, ``guessed``, ``custom`` (a CRS that is not VN-2000/WGS 84, used as
    declared). ``needs_confirmation`` blocks writing until the user confirms (``--crs``).
    """

    source: str
    status: str
    epsg: int | None
    wkt: str | None
    detected: str
    declared_name: str | None = None
    params: dict[str, Any] = field(default_factory=dict)
    candidates: list[Candidate] = field(default_factory=list)
    needs_confirmation: bool = False
    problem: tuple[str, dict[str, Any]] | None = None
    warnings: list[tuple[str, dict[str, Any]]] = field(default_factory=list)

    @property
    def crs(self) -> CRS:
        """The CRS to reproject from (the offered one when confirmation is still pending)."""
        if self.epsg is not None:
            return CRS.from_epsg(self.epsg)
        if self.wkt:
            return CRS.from_wkt(self.wkt)
        raise CRSError("errors.crs_missing")

    def to_dict(self) -> dict[str, Any]:
        return {
            "detected": self.detected,
            "source": self.source,
            "epsg": self.epsg,
            "status": self.status,
            "declared_name": self.declared_name,
            "needs_confirmation": self.needs_confirmation,
            "params": self.params,
            "candidates": [c.to_dict() for c in self.candidates],
        }


# --------------------------------------------------------------------------------------------
# Parameters of a declared CRS
# --------------------------------------------------------------------------------------------

_VN2000_SHIFTS = ((-191.90441429, -39.30318279, -111.45032835), (-192.873, -39.382, -111.202))
#: VN-2000 → WGS 84, Decision 05/2007/QĐ-BTNMT: dX, dY, dZ (m), rX, rY, rZ (″, coordinate frame), dS (ppm).
VN2000_7P = (-191.90441429, -39.30318279, -111.45032835, -0.00928836, 0.01975479, -0.00427372, 0.252906278)
_NUM = r"[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?"


def _norm(name: str | None) -> str:
    return re.sub(r"[^a-z0-9]", "", (name or "").lower())


def _towgs84(text: str) -> list[float] | None:
    m = re.search(r"TOWGS84\s*\[([^\]]*)\]", text, re.I) or re.search(r"\+towgs84=([-0-9.,eE]+)", text)
    if not m:
        return None
    try:
        return [float(v) for v in m.group(1).split(",") if v.strip()]
    except ValueError:
        return None


def helmert(crs: CRS, text: str = "") -> list[float] | None:
    """The datum shift to WGS 84 declared with a CRS (dX, dY, dZ[, rX, rY, rZ, dS]), from a TOWGS84 clause,
    a bound CRS (e.g. GDAL's reading of a MapInfo ``CoordSys … 9999, …``) or a MapInfo datum name
    (``MIF 9999,28,dX,…``). Rotations as written (their sign convention is not normalised)."""
    shift = _towgs84(text)
    if shift:
        return shift
    base = crs.source_crs if crs.is_bound and crs.source_crs is not None else crs
    m = re.match(rf"\s*MIF\s+999+\s*,\s*\d+\s*,((?:\s*{_NUM}\s*,?)+)", base.datum.name if base.datum else "")
    if m:
        values = [float(v) for v in re.findall(_NUM, m.group(1))]
        if len(values) >= 3:
            return values[:7]
    if crs.is_bound:
        try:
            return _towgs84(crs.to_wkt("WKT1_GDAL"))
        except Exception:
            return None
    return None


def is_vn2000_shift(shift: list[float] | None) -> bool:
    """True for the VN-2000 shift: the 3-parameter or the Decision 05/2007 7-parameter set (rotations in
    either sign convention: MapInfo and EPSG write them as coordinate frame, WKT1 TOWGS84 as position vector)."""
    if not shift or len(shift) < 3:
        return False
    if not any(all(abs(a - b) < 2.0 for a, b in zip(shift[:3], ref)) for ref in _VN2000_SHIFTS):
        return False
    rot = list(shift[3:6]) + [0.0] * (3 - len(shift[3:6]))
    if all(abs(r) < 1e-9 for r in rot):
        return True
    ref = VN2000_7P[3:6]
    same = all(abs(a - b) < 1e-6 for a, b in zip(rot, ref))
    flipped = all(abs(a + b) < 1e-6 for a, b in zip(rot, ref))
    scale_ok = len(shift) < 7 or abs(shift[6] - VN2000_7P[6]) < 1e-4
    return (same or flipped) and scale_ok


def _datum_kind(crs: CRS, text: str) -> str:
    """``vn2000``, ``wgs84``, ``unknown`` (unnamed datum on the WGS 84 ellipsoid) or ``other``."""
    shift = helmert(crs, text)
    if is_vn2000_shift(shift):
        return "vn2000"
    base = crs.source_crs if crs.is_bound and crs.source_crs is not None else crs
    datum = _norm(base.datum.name if base.datum else "")
    if "vietnam2000" in datum or "vn2000" in datum:
        return "vn2000"
    ell = base.ellipsoid
    wgs_ellipsoid = ell is not None and abs(ell.semi_major_metre - 6378137.0) < 0.5 and abs(
        (ell.inverse_flattening or 0) - 298.257223563
    ) < 1e-3
    if datum in ("wgs84", "dwgs1984", "wgs1984", "worldgeodeticsystem1984", "worldgeodeticsystem1984ensemble"):
        return "wgs84"
    if not wgs_ellipsoid:
        return "other"
    if shift and any(abs(v) > 1e-9 for v in shift):
        return "other"
    return "unknown" if ("unknown" in datum or datum in ("", "unnamed", "none", "custom") or "wgs84" in datum) else "unknown"


def prj_params(crs: CRS, text: str = "") -> dict[str, Any]:
    """The defining numbers of a CRS: projection method, central meridian, scale, false E/N, datum kind."""
    base = crs.source_crs if crs.is_bound and crs.source_crs is not None else crs
    out: dict[str, Any] = {
        "kind": "geographic" if base.is_geographic else ("projected" if base.is_projected else "other"),
        "datum": base.datum.name if base.datum else None,
        "datum_kind": _datum_kind(crs, text),
        "ellipsoid": base.ellipsoid.name if base.ellipsoid else None,
    }
    if base.is_projected and base.coordinate_operation is not None:
        op = base.coordinate_operation
        params = {p.name.lower(): p.value for p in op.params}
        out["method"] = op.method_name
        out["central_meridian"] = params.get("longitude of natural origin", params.get("longitude of origin"))
        out["scale_factor"] = params.get("scale factor at natural origin")
        out["false_easting"] = params.get("false easting")
        out["false_northing"] = params.get("false northing")
        out["latitude_of_origin"] = params.get("latitude of natural origin")
        unit = base.axis_info[0].unit_conversion_factor if base.axis_info else 1.0
        out["unit_m"] = unit
    return out


def _is_tm(p: dict[str, Any], k: float) -> bool:
    return (
        "transverse mercator" in str(p.get("method", "")).lower()
        and p.get("scale_factor") is not None
        and abs(p["scale_factor"] - k) < 1e-7
        and abs((p.get("false_easting") or 0) - 500000.0) < 0.01
        and abs(p.get("false_northing") or 0) < 0.01
        and abs(p.get("latitude_of_origin") or 0) < 1e-9
        and abs((p.get("unit_m") or 1.0) - 1.0) < 1e-9
    )


def _match_cm(cm: float | None, table: dict[float, Any]) -> float | None:
    if cm is None:
        return None
    for key in table:
        if abs(cm - key) < 1e-6:
            return key
    return None


def _declared_name(text: str) -> str | None:
    m = re.match(r"\s*(?:PROJCS|GEOGCS|PROJCRS|GEOGCRS|GEODCRS)\s*\[\s*\"([^\"]*)\"", text)
    return m.group(1) if m else None


def _declared_authority(text: str) -> int | None:
    m = re.search(r"AUTHORITY\s*\[\s*\"EPSG\"\s*,\s*\"?(\d+)\"?\s*\]\s*\]\s*$", text.strip())
    return int(m.group(1)) if m else None


def _name_mismatch(name: str | None, authority: int | None, epsg: int) -> bool:
    if authority is not None and authority != epsg:
        return True
    if not name:
        return False
    n = _norm(name)
    is_tm3 = epsg in TM3_BY_CM.values()
    is_utm = epsg in (3405, 3406, 32648, 32649)
    if is_tm3 and "utm" in n:
        return True
    if is_utm and ("tm3" in n or "3deg" in n or re.search(r"kt\d", n)):
        return True
    return False


def origin_text(origin: str, name: str | None) -> Template:
    """Where a CRS came from, for a message: ``prj`` (a .prj file), ``mapinfo``, ``file``, ``default``."""
    return Template(f"ingest.origin_{origin}", {"name": name or "—"})


def identify(text: str, *, origin: str = "prj") -> CRSDetection:
    """The CRS declared by a .prj (ESRI WKT), WKT, or PROJ text, identified by its parameters.

    ``origin`` says where the text came from, for the messages and ``source``: ``prj`` (a .prj file),
    ``mapinfo`` (a MapInfo CoordSys), ``file`` (declared inside the file) or ``default`` (assumed by
    the format). Raises CRSError when the text is not a CRS at all.
    """
    try:
        crs = CRS.from_user_input(text)
    except Exception as exc:
        raise CRSError("ingest.crs_unreadable", detail=library_detail(exc)) from exc
    p = prj_params(crs, text)
    name = _declared_name(text) or crs.name
    if origin == "mapinfo" and _norm(name) in ("", "unnamed", "unknown"):
        name = "MapInfo CoordSys"  # GDAL names every MapInfo CRS "unnamed"
    authority = _declared_authority(text)
    datum = p["datum_kind"]
    source = {"prj": "prj", "default": "default"}.get(origin, "file")
    det = CRSDetection(source=source, status="ok", epsg=None, wkt=None, detected="", declared_name=name, params=p)

    def finish(epsg: int | None, status: str = "ok") -> CRSDetection:
        det.status = status
        det.epsg = epsg
        det.detected = CRS.from_epsg(epsg).name if epsg else (name or crs.name)
        det.wkt = None if epsg else crs.to_wkt()
        if epsg and status == "ok" and _name_mismatch(name, authority, epsg):
            det.warnings.append(_name_mismatch_warning(name, epsg, p, origin))
        return det

    if p["kind"] == "projected":
        cm = p.get("central_meridian")
        tm3 = _match_cm(cm, TM3_BY_CM) if _is_tm(p, 0.9999) else None
        utm = _match_cm(cm, UTM_BY_CM) if _is_tm(p, 0.9996) else None
        if tm3 is not None:
            epsg = TM3_BY_CM[tm3]
            if datum == "vn2000":
                if helmert(crs, text) and "vietnam" not in _norm(p.get("datum")):
                    det.warnings.append(("ingest.w_towgs84_vn2000", {"epsg": epsg}))
                return finish(epsg)
            if datum in ("wgs84", "unknown"):
                finish(None, "mislabelled" if datum == "wgs84" else "datum_unknown")
                det.candidates = [Candidate(epsg, CRS.from_epsg(epsg).name)]
                det.needs_confirmation = True
                det.epsg = epsg  # offered; writing waits for the user's confirmation
                det.detected = f"{name} ({p.get('datum') or '—'})"
                det.problem = (
                    "ingest.crs_mislabelled" if datum == "wgs84" else "ingest.crs_datum_unknown",
                    {"origin": origin_text(origin, name), "name": name or "—", "cm": fmt_meridian(tm3), "epsg": epsg, "label": crs_label(epsg)},
                )
                return det
        if utm is not None:
            vn, wgs = UTM_BY_CM[utm]
            if datum == "vn2000":
                return finish(vn)
            if datum == "wgs84":
                return finish(wgs)
            if datum == "unknown":
                finish(None, "datum_unknown")
                det.candidates = [Candidate(vn, CRS.from_epsg(vn).name), Candidate(wgs, CRS.from_epsg(wgs).name)]
                det.needs_confirmation = True
                det.epsg = vn
                det.problem = (
                    "ingest.crs_datum_unknown_utm",
                    {"origin": origin_text(origin, name), "name": name or "—", "vn": vn, "wgs": wgs},
                )
                return det
    elif p["kind"] == "geographic":
        if datum == "vn2000":
            return finish(4756)
        if datum == "wgs84":
            return finish(4326)
        if datum == "unknown":
            det.warnings.append(("ingest.w_geographic_unknown_datum", {"origin": origin_text(origin, name), "name": name or "—"}))
            finish(4326)
            det.status = "datum_unknown"
            det.candidates = [Candidate(4326, "WGS 84"), Candidate(4756, "VN-2000")]
            return det
    epsg = crs.to_epsg(min_confidence=70)
    if epsg is not None:
        if datum == "other" and "hanoi" in _norm(p.get("datum")):
            det.warnings.append(("ingest.w_hanoi72", {"epsg": epsg}))
        return finish(epsg)
    det.warnings.append(("ingest.w_custom_crs", {"origin": origin_text(origin, name), "name": name or "—"}))
    return finish(None, "custom")


def _name_mismatch_warning(name: str | None, epsg: int, p: dict[str, Any], origin: str) -> tuple[str, dict[str, Any]]:
    params: dict[str, Any] = {"origin": origin_text(origin, name), "name": name or "—", "actual": crs_label(epsg), "datum": p.get("datum") or "—"}
    if p.get("central_meridian") is None or p.get("scale_factor") is None:
        return "ingest.w_name_mismatch_datum", params
    params.update(cm=fmt_meridian(p["central_meridian"]), k=float(p["scale_factor"]))
    return "ingest.w_name_mismatch", params


def user_crs(value: str | int) -> CRSDetection:
    """The CRS a user chose (``9209``, ``EPSG:9209`` or WKT)."""
    text = str(value).strip()
    try:
        crs = CRS.from_epsg(int(text)) if text.isdigit() else CRS.from_user_input(text)
    except Exception as exc:
        raise CRSError("ingest.crs_bad", value=text[:80]) from exc
    epsg = crs.to_epsg(min_confidence=90)
    return CRSDetection(
        source="user",
        status="ok",
        epsg=epsg,
        wkt=None if epsg else crs.to_wkt(),
        detected=crs.name,
    )


# --------------------------------------------------------------------------------------------
# Where data lands
# --------------------------------------------------------------------------------------------


def province_outline() -> BaseGeometry:
    """Thái Bình in EPSG:9209: the union of the catalog's districts layer, or its extent box."""
    import shapely
    from shapely.geometry import box

    try:
        from tbgeo.catalog import load_catalog

        gdf = load_catalog(check_data=False).get("districts").read(crs=WORK_CRS)
        if len(gdf):
            return shapely.union_all(shapely.make_valid(gdf.geometry.values))
    except Exception:
        pass
    t = transformer("EPSG:4326", "EPSG:9209")
    return shapely.transform(box(*PROVINCE_EXTENT).segmentize(0.01), t.transform, interleaved=False)


@lru_cache(maxsize=1)
def vietnam_outline() -> BaseGeometry:
    """A coarse outline of Vietnam (with coastal sea, Hoàng Sa and Trường Sa) in EPSG:9209."""
    import shapely
    from shapely.geometry import Polygon, box

    t = Transformer.from_crs(4326, WORK_CRS, always_xy=True)
    parts = [Polygon(_VIETNAM_MAINLAND), box(*_HOANG_SA), box(*_TRUONG_SA)]
    merged = shapely.union_all([shapely.transform(p.segmentize(0.1), t.transform, interleaved=False) for p in parts])
    return merged.buffer(_VIETNAM_MARGIN_M)


_DIRS = ("n", "ne", "e", "se", "s", "sw", "w", "nw")


@dataclass(frozen=True)
class Landing:
    """Where the data's centre fell after reprojection, relative to the province and Vietnam."""

    where: str  # province | vietnam | outside
    distance_km: float
    direction: str  # n, ne, ... (from the province's centre)
    lon: float
    lat: float

    def to_dict(self) -> dict[str, Any]:
        def num(v: float, digits: int) -> float | None:
            return round(v, digits) if math.isfinite(v) else None  # JSON has no NaN/inf

        return {
            "where": self.where,
            "distance_km": num(self.distance_km, 1),
            "direction": self.direction,
            "lon": num(self.lon, 5),
            "lat": num(self.lat, 5),
        }


def landing(x: float, y: float, *, province: BaseGeometry, near_km: float) -> Landing:
    """Classify a point in EPSG:9209 (the data's centre): in/near the province, elsewhere in Vietnam, outside."""
    from shapely.geometry import Point

    if not (math.isfinite(x) and math.isfinite(y)):
        return Landing("outside", float("inf"), "", float("nan"), float("nan"))
    pt = Point(x, y)
    dist = province.distance(pt) / 1000.0
    to_ll = transformer("EPSG:9209", "EPSG:4326")
    lon, lat = to_ll.transform(x, y)
    c = province.centroid
    clon, clat = to_ll.transform(c.x, c.y)
    az, _, _ = _GEOD.inv(clon, clat, lon, lat)
    direction = _DIRS[int(((az % 360) + 22.5) // 45) % 8]
    if dist <= near_km:
        where = "province"
    elif vietnam_outline().contains(pt):
        where = "vietnam"
    else:
        where = "outside"
    return Landing(where, dist, direction, lon, lat)


@dataclass(frozen=True)
class FeatureLanding:
    """Where each feature fell, by class, with the verdict for the whole upload.

    ``where`` is the verdict: ``province`` when most features are in or near the province (any others
    are strays, reported one by one), ``outside`` when most are outside Vietnam, else ``vietnam``.
    ``centre`` is the landing of the centre of the features of the verdict's class.
    """

    where: str
    centre: Landing
    counts: dict[str, int]
    strays: list[dict[str, Any]]  # {fid, where, distance_km, direction, lon, lat}, up to 50
    stray_fids: dict[str, list[int]]  # class → source FIDs (vietnam, outside)

    @property
    def distance_km(self) -> float:
        return self.centre.distance_km

    @property
    def direction(self) -> str:
        return self.centre.direction

    @property
    def lon(self) -> float:
        return self.centre.lon

    @property
    def lat(self) -> float:
        return self.centre.lat

    def to_dict(self) -> dict[str, Any]:
        return {**self.centre.to_dict(), "where": self.where, "features": dict(self.counts), "strays": self.strays}


_MAX_STRAYS = 50


def landing_features(geoms: Any, fids: Any, *, province: BaseGeometry, near_km: float) -> FeatureLanding:
    """Classify each geometry (EPSG:9209, finite) as in or near the province (within ``near_km``),
    elsewhere in Vietnam, or outside Vietnam, and give the verdict (see :class:`FeatureLanding`)."""
    import numpy as np
    import shapely

    arr = np.asarray(geoms)
    fid_arr = np.asarray(fids)
    n = len(arr)
    shapely.prepare(province)
    near = shapely.dwithin(arr, province, near_km * 1000.0) if n else np.zeros(0, bool)
    vn = vietnam_outline()
    shapely.prepare(vn)
    centres = shapely.centroid(arr)
    in_vn = shapely.intersects(vn, arr) if n else np.zeros(0, bool)
    cls = np.where(near, "province", np.where(in_vn, "vietnam", "outside"))
    counts = {k: int((cls == k).sum()) for k in ("province", "vietnam", "outside")}
    if counts["province"] * 2 > n:
        where = "province"
    elif counts["outside"] * 2 > n:
        where = "outside"
    else:
        where = "vietnam"
    pick = cls == where
    bx = shapely.total_bounds(arr[pick])
    centre = landing((bx[0] + bx[2]) / 2, (bx[1] + bx[3]) / 2, province=province, near_km=near_km)
    centre = Landing(where, centre.distance_km, centre.direction, centre.lon, centre.lat)
    strays: list[dict[str, Any]] = []
    stray_fids: dict[str, list[int]] = {}
    if where == "province":
        for kind in ("outside", "vietnam"):
            idx = np.flatnonzero(cls == kind)
            stray_fids[kind] = [int(f) for f in fid_arr[idx]]
            for i in idx[: _MAX_STRAYS - len(strays)]:
                c = centres[i]
                lnd = landing(c.x, c.y, province=province, near_km=near_km)
                strays.append(
                    {"fid": int(fid_arr[i]), "where": kind, "distance_km": round(lnd.distance_km, 1),
                     "direction": lnd.direction, "lon": round(lnd.lon, 5), "lat": round(lnd.lat, 5)}
                )  # fmt: skip
    return FeatureLanding(where, centre, counts, strays, stray_fids)


def _centre_in(epsg: int, x: float, y: float) -> tuple[float, float]:
    return transformer(f"EPSG:{epsg}", "EPSG:9209").transform(x, y)


def is_degrees(bounds: tuple[float, ...]) -> bool:
    """True when every coordinate is a possible longitude/latitude (|x| ≤ 180, |y| ≤ 90)."""
    xmin, ymin, xmax, ymax = bounds
    return -180 <= xmin <= xmax <= 180 and -90 <= ymin <= ymax <= 90


def looks_swapped_degrees(bounds: tuple[float, ...]) -> bool:
    """True when x looks like a Vietnamese latitude (8–24°) and y like a Vietnamese longitude (102–118°):
    latitude and longitude written in the wrong order."""
    xmin, ymin, xmax, ymax = bounds
    return 8 <= xmin <= xmax <= 24 and 102 <= ymin <= ymax <= 118


def guess(bounds: tuple[float, float, float, float], *, province: BaseGeometry, near_km: float) -> CRSDetection:
    """Rank the CRSs the coordinates may be in (a file without .prj), from their ranges.

    Degrees → WGS 84 (a safe default; VN-2000 geographic offered). Metres → every VN-2000 TM-3/UTM
    zone (and WGS 84 UTM) tried; those that put the data in or near the province come first, in
    GUESS_ORDER, then those that put it elsewhere in Vietnam, nearest first. The user must confirm.
    """
    xmin, ymin, xmax, ymax = bounds
    if not all(math.isfinite(v) for v in bounds):
        raise CRSError("ingest.crs_no_guess", xmin="—", xmax="—", ymin="—", ymax="—")
    fmt = {"xmin": float(xmin), "xmax": float(xmax), "ymin": float(ymin), "ymax": float(ymax)}
    cx, cy = (xmin + xmax) / 2, (ymin + ymax) / 2
    if looks_swapped_degrees(bounds):
        raise CRSError("ingest.crs_axes_swapped_deg", **fmt)
    if is_degrees(bounds):
        det = CRSDetection(
            source="guess",
            status="guessed",
            epsg=4326,
            wkt=None,
            detected="WGS 84",
            candidates=[Candidate(4326, "WGS 84"), Candidate(4756, "VN-2000")],
        )
        det.warnings.append(("ingest.w_degrees_default", {}))
        return det

    def rank(px: float, py: float) -> list[Candidate]:
        found: list[tuple[tuple[int, float, int], Candidate]] = []
        for i, epsg in enumerate(GUESS_ORDER):
            try:
                wx, wy = _centre_in(epsg, px, py)
            except Exception:
                continue
            land = landing(wx, wy, province=province, near_km=near_km)
            if land.where == "outside":
                continue
            inside = land.distance_km == 0.0
            key = (0 if inside else 1 if land.where == "province" else 2, land.distance_km, i)
            found.append((key, Candidate(epsg, CRS.from_epsg(epsg).name, round(land.distance_km, 1), land.where)))
        return [c for _, c in sorted(found, key=lambda kv: kv[0])]

    cands = rank(cx, cy)
    if not cands or cands[0].where != "province":
        swapped = rank(cy, cx)
        if swapped and swapped[0].where == "province":
            raise CRSError("ingest.crs_axes_swapped", **fmt)
    if not cands:
        raise CRSError("ingest.crs_no_guess", **fmt)
    top = cands[0]
    others = ", ".join(f"EPSG:{c.epsg}" for c in cands[1:6]) or "—"
    return CRSDetection(
        source="guess",
        status="guessed",
        epsg=top.epsg,
        wkt=None,
        detected=top.name,
        candidates=cands,
        needs_confirmation=True,
        problem=("ingest.crs_confirm", {"label": crs_label(top.epsg), "epsg": top.epsg, "others": others}),
    )
