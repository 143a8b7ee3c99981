"""Where a site is in both systems: its former district(s) and its new commune(s).

The former districts come from the catalog's ``districts`` layer (as the review measures them).
The new commune is exact only when the optional ``communes_2025`` layer has data (polygons whose
GSO code column is recognised by its values); otherwise the location lists the new units the
former district(s) now belong to, marked as candidates — never one of them presented as the answer.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from tbgeo.crs import WORK_CRS
from tbgeo.i18n import fmt_number, t
from tbgeo.places.crosswalk import Crosswalk, crosswalk

if TYPE_CHECKING:
    import geopandas as gpd
    from shapely.geometry.base import BaseGeometry

__all__ = [
    "Share", "Location", "locate", "find_code_column", "commune_code_column", "normalise_code", "communes_frame",
    "COMMUNES_LAYER",
]

#: The optional catalog layer of the 2025 commune boundaries.
COMMUNES_LAYER = "communes_2025"
#: Share of a column's values that must be known GSO codes for it to be taken as the code column.
_CODE_SHARE = 0.8
#: A part of a site outside the commune layer's polygons is reported from this share of its area
#: on (smaller gaps are slivers between neighbouring polygons).
UNCOVERED_SHARE = 0.005


@dataclass(frozen=True)
class Share:
    """A unit touched by a site: GSO code, name and the share of the site's area in it (0–1)."""

    code: str
    name: str
    share: float | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"code": self.code, "name": self.name, "share": None if self.share is None else round(self.share, 6)}


@dataclass(frozen=True)
class Location:
    """Former district(s) and new commune(s) of a site."""

    districts: tuple[Share, ...] = ()
    #: The new communes the site lies in, measured on the communes_2025 layer (exact).
    new_communes: tuple[Share, ...] = ()
    exact: bool = False
    #: The new units the former district(s) now belong to: without the commune layer those of the
    #: whole site; with it, those of the part of the site the layer does not cover (if any).
    candidates: tuple[Share, ...] = field(default_factory=tuple)
    #: With the commune layer: the share of the site outside all of its polygons (0–1).
    uncovered: float = 0.0

    def to_dict(self) -> dict[str, Any]:
        return {
            "former_districts": [d.to_dict() for d in self.districts],
            "new_communes": [c.to_dict() for c in self.new_communes] if self.exact else None,
            "new_communes_exact": self.exact,
            "new_communes_uncovered_share": round(self.uncovered, 6) if self.exact else None,
            "new_communes_candidates": [c.to_dict() for c in self.candidates],
        }

    def district_text(self, lang: str) -> str:
        return ", ".join(d.name for d in self.districts) or t("places.outside", lang)

    def commune_text(self, lang: str) -> str:
        """What the reader may take as fact about the new commune(s): the measured ones, and for
        any part of the site the commune layer does not cover, only the candidates."""
        if self.exact:
            partial = self.uncovered >= UNCOVERED_SHARE
            parts = []
            if self.new_communes:
                if len(self.new_communes) > 1 or partial:
                    names = ", ".join(f"{c.name} ({fmt_number((c.share or 0.0) * 100, lang, 1)} %)" for c in self.new_communes)
                else:
                    names = self.new_communes[0].name
                parts.append(t("places.site_exact", lang, new=names))
            if partial or not self.new_communes:
                pct = fmt_number(self.uncovered * 100, lang, 1)
                if self.candidates:
                    new = ", ".join(c.name for c in self.candidates)
                    parts.append(t("places.site_rest_candidates", lang, pct=pct, new=new))
                else:
                    parts.append(t("places.site_rest_none", lang, pct=pct))
            return "; ".join(parts)
        if not self.candidates:
            return t("places.site_no_candidates", lang)
        return t("places.site_candidates", lang, new=", ".join(c.name for c in self.candidates))

    def text(self, lang: str) -> str:
        return t("places.site_line", lang, districts=self.district_text(lang), communes=self.commune_text(lang))


def normalise_code(value: Any) -> str | None:
    """A GSO code as text without decimals ("13003", "13003.0", 13003 → "13003"); None if not a code."""
    if value is None:
        return None
    text = str(value).strip()
    if text.endswith(".0"):
        text = text[:-2]
    if not text.isdigit():
        return None
    return text.zfill(5) if len(text) <= 5 else text


def find_code_column(frame: Any, codes: set[str]) -> str | None:
    """The column whose values are GSO codes of ``codes`` (at least 80 % of the non-empty ones)."""
    best, best_share = None, 0.0
    for col in frame.columns:
        if hasattr(frame, "geometry") and col == frame.geometry.name:
            continue
        values = [normalise_code(v) for v in frame[col].tolist() if v is not None and str(v).strip() not in ("", "nan")]
        if not values:
            continue
        share = sum(1 for v in values if v in codes) / len(values)
        if share > best_share:
            best, best_share = col, share
    return best if best_share >= _CODE_SHARE else None


def commune_code_column(frame: Any, cw: Crosswalk | None = None) -> str | None:
    """The column of a 2025 commune boundary layer that holds the units' GSO codes, found by its
    values: at least 80 % of them are codes of communes and wards of the new Hưng Yên province (all
    104, so that a province-wide layer is recognised, not only the 65 of the former Thái Bình)."""
    cw = cw or crosswalk()
    geometry = frame.geometry.name if hasattr(frame, "geometry") else None
    data = frame[[c for c in frame.columns if c not in (geometry, "_src_fid")]]
    return find_code_column(data, set(cw.province_codes))


def communes_frame(catalog: Any, cw: Crosswalk | None = None) -> gpd.GeoDataFrame | None:
    """The communes_2025 layer in EPSG:9209 with a ``gso_code`` column of new-unit codes, or None
    when the layer is not declared, has no data, or no column holds the new units' codes. Units of
    the new province outside the former Thái Bình (the former Hưng Yên's) are left out."""

    if catalog is None or not catalog.has_data(COMMUNES_LAYER):
        return None
    cw = cw or crosswalk()
    frame = catalog.get(COMMUNES_LAYER).read(crs=WORK_CRS)
    col = commune_code_column(frame, cw)
    if col is None:
        return None
    out = frame[[col, frame.geometry.name]].copy()
    out["gso_code"] = [normalise_code(v) for v in frame[col].tolist()]
    out = out[out["gso_code"].isin(set(cw.new_units))][["gso_code", frame.geometry.name]]
    return out if not out.empty else None


def locate(
    geom: BaseGeometry,
    *,
    districts: gpd.GeoDataFrame | None,
    communes: gpd.GeoDataFrame | None = None,
    cw: Crosswalk | None = None,
) -> Location:
    """The site ``geom`` (EPSG:9209) in both systems. ``districts`` has ``gso_code`` and ``name_vi``;
    ``communes`` (from ``communes_frame``) has ``gso_code`` of new units, or None."""
    import shapely  # shapely loads when a site is located, not when the command line starts

    cw = cw or crosswalk()
    area = float(geom.area)
    probe = geom if area > 0 else geom.buffer(0.5)
    total = float(probe.area) or 1.0

    def shares(frame: gpd.GeoDataFrame, name_of: Any, geom: BaseGeometry) -> list[Share]:
        by_code: dict[str, float] = {}
        names: dict[str, str] = {}
        for i in sorted(int(j) for j in frame.sindex.query(geom, predicate="intersects")):
            a = float(shapely.intersection(frame.geometry.values[i], geom).area)
            if a > 0:
                code = str(frame["gso_code"].iloc[i])
                by_code[code] = by_code.get(code, 0.0) + a / total
                names.setdefault(code, name_of(code, i))
        return sorted((Share(c, names[c], v) for c, v in by_code.items()), key=lambda s: -(s.share or 0.0))

    def candidates(dshares: list[Share]) -> tuple[Share, ...]:
        cand: dict[str, Share] = {}
        for d in dshares:
            for u in cw.new_of_district(d.code):
                cand.setdefault(u.code, Share(u.code, u.full_name))
        return tuple(sorted(cand.values(), key=lambda s: s.code))

    def district_shares(geom: BaseGeometry) -> list[Share]:
        if districts is None or districts.empty or geom.is_empty:
            return []
        return shares(districts, lambda code, i: str(districts["name_vi"].iloc[i]), geom)

    dshares = district_shares(probe)
    if communes is not None and not communes.empty:
        new = shares(communes, lambda code, i: cw.new_units[code].full_name, probe)
        covered = sum(s.share or 0.0 for s in new)
        uncovered = max(0.0, 1.0 - covered)
        rest: tuple[Share, ...] = ()
        if uncovered >= UNCOVERED_SHARE:
            hits = [communes.geometry.values[int(j)] for j in communes.sindex.query(probe, predicate="intersects")]
            outside = shapely.difference(probe, shapely.union_all(hits)) if hits else probe
            rest = candidates(district_shares(outside))
        return Location(tuple(dshares), tuple(new), True, rest, uncovered)
    return Location(tuple(dshares), (), False, candidates(dshares))
