"""The rice-land ledger: rice land (LUC, LUK) that approved and pending proposals would convert,
per district and in total, against a configurable quota (config/review.toml ``[ledger]``).

Overlapping proposals are not counted twice. The choice: a proposal that overlaps no other counted
proposal is booked with the figures of its stored review report (what the reviewer saw). Counted
proposals that overlap each other are grouped (connected by overlaps), and each group is measured
again as land, not summed as reports: the union of its approved geometries, and separately the
union of its pending geometries minus the approved union (pending land already approved is not
converted twice), each cut by district and measured with the zonal functions against the land-use
source — by default the catalog's current land-use layer and districts (``rice_ledger`` loads them
only when a group exists). A proposal whose report has no rice figures (reviewed without land-use
data) is listed in ``skipped`` and counted nowhere.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import shapely

from tbgeo.catalog import load_catalog
from tbgeo.crs import WORK_CRS
from tbgeo.errors import InputError, TbgeoError
from tbgeo.places.crosswalk import crosswalk
from tbgeo.review.config import LedgerConfig
from tbgeo.review.context import landuse_from_layer

if TYPE_CHECKING:
    import geopandas as gpd
    from shapely.geometry.base import BaseGeometry

    from tbgeo.review.zonal import LanduseSource

__all__ = [
    "LedgerRow",
    "Ledger",
    "rice_ledger",
    "rice_ledger_by_commune",
    "overlap_groups",
    "measure_rice_by_district",
    "counted_proposals",
    "added_rice",
    "CURRENT",
    "TOTAL",
]

#: The name of the province-total row.
TOTAL = "__total__"
#: Default of ``rice_ledger``'s ``landuse`` and ``districts``: the catalog's current layers.
CURRENT = "current"


@dataclass
class LedgerRow:
    """Rice land of one district (or the total): approved and pending, LUC and LUK, in ha."""

    district: str
    approved_luc_ha: float = 0.0
    approved_luk_ha: float = 0.0
    pending_luc_ha: float = 0.0
    pending_luk_ha: float = 0.0
    proposals: int = 0
    quota_ha: float | None = None
    #: GSO code of the row's unit: the former district's (``rice_ledger``) or the 2025 commune's
    #: (``rice_ledger_by_commune``); None for land outside every unit and the total
    code: str | None = None

    def book(self, luc: float, luk: float, *, approved: bool) -> None:
        """Add rice land (ha of LUC and LUK) to the approved or the pending columns."""
        if approved:
            self.approved_luc_ha += luc
            self.approved_luk_ha += luk
        else:
            self.pending_luc_ha += luc
            self.pending_luk_ha += luk

    @property
    def approved_ha(self) -> float:
        return self.approved_luc_ha + self.approved_luk_ha

    @property
    def pending_ha(self) -> float:
        return self.pending_luc_ha + self.pending_luk_ha

    @property
    def total_ha(self) -> float:
        return self.approved_ha + self.pending_ha

    @property
    def remaining_ha(self) -> float | None:
        return None if self.quota_ha is None else self.quota_ha - self.total_ha

    @property
    def used_share(self) -> float | None:
        return None if not self.quota_ha else self.total_ha / self.quota_ha

    def to_dict(self) -> dict[str, Any]:
        def r(v: float | None) -> float | None:
            return None if v is None else round(v, 4)

        return {
            "district": None if self.district == TOTAL else self.district,
            "approved_luc_ha": r(self.approved_luc_ha),
            "approved_luk_ha": r(self.approved_luk_ha),
            "pending_luc_ha": r(self.pending_luc_ha),
            "pending_luk_ha": r(self.pending_luk_ha),
            "approved_ha": r(self.approved_ha),
            "pending_ha": r(self.pending_ha),
            "total_ha": r(self.total_ha),
            "quota_ha": r(self.quota_ha),
            "remaining_ha": r(self.remaining_ha),
            "used_share": None if self.used_share is None else round(self.used_share, 6),
            "proposals": self.proposals,
        }


@dataclass
class Ledger:
    rows: list[LedgerRow]
    total: LedgerRow
    skipped: list[int] = field(default_factory=list)
    #: Groups of overlapping proposals (ids) measured as the union of their land.
    merged: list[list[int]] = field(default_factory=list)
    #: What the rows are: former districts (the plan's unit) or the 2025 communes.
    by: str = "district"

    @property
    def over_quota(self) -> list[LedgerRow]:
        """Rows whose approved + pending rice land exceeds their quota."""
        return [r for r in [*self.rows, self.total] if r.quota_ha is not None and r.total_ha > r.quota_ha + 1e-9]

    def to_dict(self) -> dict[str, Any]:
        if self.by == "commune":
            rows = []
            for r in self.rows:
                d = r.to_dict()
                d["commune"] = d.pop("district")
                rows.append({"code": r.code, **d})
            return {"by": "commune", "communes": rows, "total": self.total.to_dict(), "skipped": list(self.skipped),
                    "merged": [list(g) for g in self.merged]}

        cw = crosswalk()
        rows = []
        for r in self.rows:
            new = cw.new_of_district(r.code) if r.code else []
            rows.append({**r.to_dict(), "code": r.code,
                         "new_communes": [{"code": u.code, "name": u.full_name} for u in new]})
        return {
            "districts": rows,
            "total": self.total.to_dict(),
            "skipped": list(self.skipped),
            "merged": [list(g) for g in self.merged],
        }


def _items(report: Mapping[str, Any]) -> list[tuple[str, float, float]]:
    rice = report.get("rice") or {}
    by = rice.get("by_district")
    if by:
        return [(d.get("name") or "", float(d.get("luc_ha") or 0.0), float(d.get("luk_ha") or 0.0)) for d in by]
    return [("", float(rice.get("luc_ha") or 0.0), float(rice.get("luk_ha") or 0.0))]


def counted_proposals(proposals: Iterable[Any], cfg: LedgerConfig) -> tuple[list[tuple[Any, bool]], list[int]]:
    """The proposals the ledger books, each with whether it counts as approved (else pending), and the
    ids of those it cannot book (approved or pending, but reviewed without land-use data)."""
    counted: list[tuple[Any, bool]] = []
    skipped: list[int] = []
    for p in proposals:
        approved = p.status in cfg.approved_statuses
        if not (approved or p.status in cfg.pending_statuses):
            continue
        if not (p.report or {}).get("rice"):
            skipped.append(int(p.id))
            continue
        counted.append((p, approved))
    return counted, skipped


def added_rice(
    site: BaseGeometry,
    own: Sequence[tuple[str, float, float]],
    counted: Sequence[tuple[Any, bool]],
    landuse: LanduseSource | None,
    districts: gpd.GeoDataFrame | None,
    *,
    min_area_m2: float = 1.0,
) -> tuple[list[tuple[str, float, float]], list[int]]:
    """What a site would add to the ledger as a pending proposal: (district, LUC ha, LUK ha) of its
    land that no counted proposal holds yet, and the ids of the counted proposals it overlaps.

    The ledger measures the pending land of overlapping proposals as the union of their land minus
    the approved land, so the site adds only its land outside every counted proposal. A site that
    overlaps none adds its own figures ``own`` (its review's, per district); otherwise the rest is
    measured with ``landuse`` and cut by ``districts`` (``measure_rice_by_district``).
    """
    hits = [p for p, _ in counted
            if p.geometry is not None and shapely.intersection(site, p.geometry).area >= min_area_m2]
    if not hits or landuse is None:
        return list(own), sorted(int(p.id) for p in hits)
    rest = shapely.difference(site, shapely.union_all([p.geometry for p in hits]))
    return measure_rice_by_district(rest, landuse, districts), sorted(int(p.id) for p in hits)


def overlap_groups(geoms: Sequence[BaseGeometry], *, min_area_m2: float = 1.0) -> list[list[int]]:
    """Positions of ``geoms`` grouped by overlap (connected components; touching is not overlap)."""
    n = len(geoms)
    parent = list(range(n))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    if n > 1:
        tree = shapely.STRtree(list(geoms))
        left, right = tree.query(list(geoms), predicate="intersects")
        for i, j in zip(left.tolist(), right.tolist()):
            if i < j and shapely.intersection(geoms[i], geoms[j]).area >= min_area_m2:
                parent[find(i)] = find(j)
    groups: dict[int, list[int]] = {}
    for i in range(n):
        groups.setdefault(find(i), []).append(i)
    return sorted(groups.values())


def measure_rice_by_district(
    geom: BaseGeometry, landuse: LanduseSource, districts: gpd.GeoDataFrame | None
) -> list[tuple[str, float, float]]:
    """(district name, LUC ha, LUK ha) of the land ``geom`` (EPSG:9209), cut by the districts
    (``name_vi``); land outside every district is booked under ``""``."""
    if geom.is_empty or geom.area <= 0:
        return []
    pieces: list[tuple[str, BaseGeometry]] = []
    rest = geom
    if districts is not None and not districts.empty:
        for name, dgeom in zip(districts["name_vi"].astype(str), districts.geometry.values):
            piece = shapely.intersection(geom, dgeom)
            if piece.area > 0:
                pieces.append((name, piece))
        rest = shapely.difference(geom, shapely.union_all(districts.geometry.values))
    if rest.area > 0.01:
        pieces.append(("", rest))
    areas = landuse.areas([p for _, p in pieces])
    return [(name, a.luc_ha, a.luk_ha) for (name, _), a in zip(pieces, areas)]


def _current_sources() -> tuple[LanduseSource | None, gpd.GeoDataFrame | None]:
    """The catalog's current land-use source and districts (9209), or None for what is missing."""

    cat = load_catalog()
    landuse = landuse_from_layer(cat.get("landuse")) if "landuse" in cat else None
    districts = cat.get("districts").read(crs=WORK_CRS) if "districts" in cat else None
    return landuse, districts


def _measure_group(
    members: list[tuple[Any, bool]], landuse: LanduseSource, districts: gpd.GeoDataFrame | None
) -> list[tuple[str, float, float, bool]]:
    """Rice land of overlapping proposals measured as land: (district, LUC ha, LUK ha, approved). Land
    under an approved proposal counts as approved; pending land only where no approved one covers it."""
    appr = [p.geometry for p, a in members if a]
    pend = [p.geometry for p, a in members if not a]
    appr_union = shapely.union_all(appr) if appr else None
    out: list[tuple[str, float, float, bool]] = []
    if appr_union is not None:
        out += [(name, luc, luk, True) for name, luc, luk in measure_rice_by_district(appr_union, landuse, districts)]
    if pend:
        pend_land = shapely.union_all(pend)
        if appr_union is not None:
            pend_land = shapely.difference(pend_land, appr_union)
        out += [(name, luc, luk, False) for name, luc, luk in measure_rice_by_district(pend_land, landuse, districts)]
    return out


def rice_ledger(
    proposals: Iterable[Any],
    *,
    config: LedgerConfig | None = None,
    landuse: LanduseSource | str | None = CURRENT,
    districts: gpd.GeoDataFrame | str | None = CURRENT,
) -> Ledger:
    """Rice land of approved and pending proposals, without counting overlapping land twice.

    ``proposals`` are ``tbgeo.store.Proposal`` objects (or anything with ``id``, ``status``,
    ``report``: the record of ``Report.to_record``, or an older report's ``Report.to_dict``, with the
    same numbers; and ``geometry`` in EPSG:9209). Isolated proposals are booked from their reports;
    groups of overlapping ones are measured as land (module docstring) with ``landuse`` and
    ``districts`` (default: the catalog's current layers, loaded only when needed). Without a
    land-use source, overlapping groups fall back to their reports and are not listed in ``merged``. Rice land outside every district is booked under ``""``.
    """
    cfg = config or LedgerConfig()
    rows: dict[str, LedgerRow] = {}
    total = LedgerRow(TOTAL, quota_ha=cfg.quota_ha)
    counted, skipped = counted_proposals(proposals, cfg)

    def row_for(name: str) -> LedgerRow:
        return rows.setdefault(name, LedgerRow(name, quota_ha=cfg.district_quota_ha.get(name)))

    def book(name: str, luc: float, luk: float, approved: bool) -> None:
        for target in (row_for(name), total):
            target.book(luc, luk, approved=approved)

    geoms = [getattr(p, "geometry", None) for p, _ in counted]
    has_geoms = all(g is not None and not g.is_empty for g in geoms)
    groups = overlap_groups(geoms) if has_geoms else [[i] for i in range(len(counted))]
    merged: list[list[int]] = []
    if any(len(g) > 1 for g in groups) and (isinstance(landuse, str) or isinstance(districts, str)):
        cur_landuse, cur_districts = _current_sources()
        landuse = cur_landuse if isinstance(landuse, str) else landuse
        districts = cur_districts if isinstance(districts, str) else districts
    for group in groups:
        members = [counted[i] for i in group]
        total.proposals += len(members)
        names: set[str] = set()
        if len(group) > 1 and landuse is not None and not isinstance(landuse, str):
            for name, luc, luk, approved in _measure_group(members, landuse, districts):
                book(name, luc, luk, approved)
            merged.append(sorted(int(p.id) for p, _ in members))
            for p, _ in members:
                names |= {name for name, _, _ in _items(p.report)}
            for name in names:
                row_for(name).proposals += sum(
                    1 for p, _ in members if name in {n for n, _, _ in _items(p.report)}
                )
            continue
        for p, approved in members:
            seen: set[str] = set()
            for name, luc, luk in _items(p.report):
                if name not in seen:
                    row_for(name).proposals += 1
                    seen.add(name)
                book(name, luc, luk, approved)
    for name, quota in cfg.district_quota_ha.items():
        rows.setdefault(name, LedgerRow(name, quota_ha=quota))
    codes = _district_codes(districts)
    for p, _ in counted:  # the code each report measured the district with wins
        for d in ((p.report or {}).get("site") or {}).get("districts") or []:
            if d.get("name") and d.get("gso_code"):
                codes[str(d["name"])] = str(d["gso_code"])
    for row in rows.values():
        row.code = codes.get(row.district)
    ordered = sorted(rows.values(), key=lambda r: (r.district == "", r.district))
    return Ledger(ordered, total, skipped, merged)


def _district_codes(districts: gpd.GeoDataFrame | str | None) -> dict[str, str]:
    """Name (``name_vi``) → GSO code of the districts layer (default: the catalog's current one)."""
    if isinstance(districts, str):

        try:
            cat = load_catalog()
            districts = cat.get("districts").read() if "districts" in cat else None
        except TbgeoError:  # the codes are an addition: the ledger stands without them
            districts = None
    if districts is None or "gso_code" not in districts.columns or "name_vi" not in districts.columns:
        return {}
    return {str(n): str(c) for n, c in zip(districts["name_vi"], districts["gso_code"]) if n and c}


def rice_ledger_by_commune(
    proposals: Iterable[Any],
    *,
    communes: gpd.GeoDataFrame | None,
    config: LedgerConfig | None = None,
    landuse: LanduseSource | str | None = CURRENT,
) -> Ledger:
    """The ledger grouped by the 2025 communes: every counted proposal's land measured again.

    Reports book rice land by former district only, so here the land itself is measured (as for
    overlapping groups in ``rice_ledger``): the union of the approved proposals, and the union of
    the pending ones minus the approved land, cut by the ``communes`` polygons (``gso_code`` of new
    units, from ``tbgeo.places.communes_frame``) and measured with ``landuse`` (default: the
    catalog's current land use). Land outside every commune polygon is booked under ``""``. The
    plan's quotas are per district, so commune rows have none; the total keeps the province quota.
    Raises InputError when there are no commune polygons or no land-use source.
    """

    if communes is None or communes.empty:
        raise InputError("places.ledger_needs_layer")
    cfg = config or LedgerConfig()
    if isinstance(landuse, str):
        landuse, _ = _current_sources()
    if landuse is None:
        raise InputError("places.ledger_needs_landuse")
    cw = crosswalk()
    names = communes.copy()
    names["name_vi"] = [cw.new_units[c].full_name for c in names["gso_code"]]
    code_of = dict(zip(names["name_vi"], names["gso_code"]))
    rows: dict[str, LedgerRow] = {}
    total = LedgerRow(TOTAL, quota_ha=cfg.quota_ha)
    skipped: list[int] = []
    members: list[tuple[Any, bool]] = []
    for p in proposals:
        approved = p.status in cfg.approved_statuses
        if not (approved or p.status in cfg.pending_statuses):
            continue
        geom = getattr(p, "geometry", None)
        if not (p.report or {}).get("rice") or geom is None or geom.is_empty:
            skipped.append(int(p.id))
            continue
        members.append((p, approved))
    total.proposals = len(members)

    def row_for(name: str) -> LedgerRow:
        return rows.setdefault(name, LedgerRow(name, code=code_of.get(name)))

    for name, luc, luk, approved in _measure_group(members, landuse, names):  # all of them measured as land
        for target in (row_for(name), total):
            target.book(luc, luk, approved=approved)
    for p, _ in members:
        for name, piece_geom in zip(names["name_vi"], names.geometry.values):
            if shapely.intersection(p.geometry, piece_geom).area > 0:
                row_for(name).proposals += 1
    ordered = sorted(rows.values(), key=lambda r: (r.district == "", r.code or "", r.district))
    return Ledger(ordered, total, skipped, [], by="commune")
