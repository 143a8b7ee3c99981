"""Identify a file's CRS from its parameters (not its name) and catch lost VN-2000 datums; guessing from
coordinate ranges is in ``tbgeo.crs.guess``."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from pyproj import CRS

from tbgeo.errors import CRSError
from tbgeo.i18n.params import Template
from tbgeo.safetext import library_detail

if TYPE_CHECKING:
    pass

__all__ = [
    "TM3_BY_CM",
    "UTM_BY_CM",
    "Candidate",
    "CRSDetection",
    "SOURCES",
    "VN2000_7P",
    "prj_params",
    "helmert",
    "is_vn2000_shift",
    "identify",
    "user_crs",
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
    return bool(is_utm and ("tm3" in n or "3deg" in n or re.search(r"kt\d", n)))


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
    found = crs.to_epsg(min_confidence=70)
    if found is not None:
        if datum == "other" and "hanoi" in _norm(p.get("datum")):
            det.warnings.append(("ingest.w_hanoi72", {"epsg": found}))
        return finish(found)
    det.warnings.append(("ingest.w_custom_crs", {"origin": origin_text(origin, name), "name": name or "—"}))
    return finish(None, "custom")


def _name_mismatch_warning(name: str | None, epsg: int, p: dict[str, Any], origin: str) -> tuple[str, dict[str, Any]]:
    params: dict[str, Any] = {"origin": origin_text(origin, name), "name": name or "—", "actual": crs_label(epsg), "datum": p.get("datum") or "—"}
    if p.get("central_meridian") is None or p.get("scale_factor") is None:
        return "ingest.w_name_mismatch_datum", params
    params.update(cm=fmt_meridian(p["central_meridian"]), k=float(p["scale_factor"]))
    return "ingest.w_name_mismatch", params


def user_crs(value: str | int, *, refusal: str = "ingest.crs_bad") -> CRSDetection:
    """The CRS a user chose (``9209``, ``EPSG:9209`` or WKT); one that is none is refused with the
    message ``refusal`` (the upload's, or the review's ``review.input.bad_crs``)."""
    text = str(value).strip()
    try:
        crs = CRS.from_epsg(int(text)) if text.isdigit() else CRS.from_user_input(text)
    except Exception as exc:
        raise CRSError(refusal, value=text[:80]) from exc
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


