"""Find a place by its old or new name or GSO code: communes before and after 1 July 2025,
former districts, industrial parks and clusters (catalog layers) and proposals (workspace).

``search(query, sources)`` returns Places ordered best first; each Place says where it is in both
systems (``describe``) and what to zoom to: the polygon of a layer when one has it, else the
package's bounding box, marked approximate. Matching ignores case, diacritics and unit-type words
("Dong Co" finds xã Đông Cơ); a name written with its diacritics wins over a folded match, and
"NAME, DISTRICT" narrows old communes to one former district ("An Ninh, Tiền Hải").
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from types import ModuleType
from typing import TYPE_CHECKING, Any, cast

from tbgeo.catalog import load_catalog
from tbgeo.crs import WORK_CRS
from tbgeo.errors import CatalogError, InputError
from tbgeo.i18n import t
from tbgeo.places.crosswalk import Bounds, Crosswalk, crosswalk
from tbgeo.places.locate import Location, communes_frame, locate
from tbgeo.places.names import exact_key, fold, key, type_word
from tbgeo.proposals import LISTED_STATUSES

if TYPE_CHECKING:
    import geopandas as gpd
    from shapely.geometry.base import BaseGeometry

__all__ = [
    "KINDS",
    "SITE_LAYERS",
    "Place",
    "PlaceSources",
    "load_sources",
    "search",
    "describe",
    "label",
    "PlaceNotFound",
    "extent_text",
]

KINDS = ("new_unit", "old_commune", "district", "industrial_park", "industrial_cluster", "agri_park", "proposal")
#: Catalog layers whose features are searchable by name (field ``name``).
SITE_LAYERS = ("industrial_parks", "industrial_clusters", "agri_park")
_LAYER_KIND = {"industrial_parks": "industrial_park", "industrial_clusters": "industrial_cluster", "agri_park": "agri_park"}
_MAX = 10
#: Characters of a query repeated in the "not found" message.
_SHOWN = 80
#: What a leading type word in the query restricts the search to: unit types and site kinds.
_TYPE_FILTER: dict[str, tuple[set[str], set[str]]] = {
    "xa": ({"Xã"}, set()),
    "phuong": ({"Phường"}, set()),
    "thi tran": ({"Thị trấn"}, set()),
    "tt": ({"Thị trấn"}, set()),
    "huyen": ({"Huyện"}, set()),
    "thanh pho": ({"Thành phố"}, set()),
    "tp": ({"Thành phố"}, set()),
    "kcn": (set(), {"industrial_park", "agri_park"}),
    "khu cong nghiep": (set(), {"industrial_park", "agri_park"}),
    "ccn": (set(), {"industrial_cluster"}),
    "cum cong nghiep": (set(), {"industrial_cluster"}),
}


class PlaceNotFound(InputError):
    """Nothing matches the query; ``suggestions`` are close names."""

    def __init__(self, query: str, suggestions: list[str]) -> None:
        self.query = query
        self.suggestions = suggestions
        shown = query if len(query) <= _SHOWN else query[:_SHOWN] + "…"  # a pasted page is not echoed whole
        if suggestions:
            super().__init__("places.not_found_suggest", query=shown, suggestions=", ".join(suggestions))
        else:
            super().__init__("places.not_found", query=shown)


@dataclass
class Site:
    """A searchable feature with a geometry (EPSG:9209): a park, cluster or proposal."""

    kind: str
    ref: str  # layer:fid or proposal id
    name: str
    geometry: BaseGeometry
    layer: str


@dataclass
class PlaceSources:
    """What is searched: the crosswalk, the districts and (optional) 2025 commune polygons, the
    catalog's named sites and the workspace's proposals. Geometries in EPSG:9209."""

    cw: Crosswalk
    districts: gpd.GeoDataFrame | None = None
    communes: gpd.GeoDataFrame | None = None
    sites: list[Site] = field(default_factory=list)


def load_sources(catalog: Any = None, proposals: list[Any] | None = None) -> PlaceSources:
    """The sources of the current catalog (default: ``load_catalog()``) and workspace proposals
    (default: those of the catalog's store, none when there is no store yet)."""

    cat = catalog if catalog is not None else load_catalog()
    cw = crosswalk()
    districts = cat.get("districts").read(crs=WORK_CRS) if "districts" in cat else None
    sites: list[Site] = []
    for lid in SITE_LAYERS:
        if lid not in cat:
            continue
        frame = cat.get(lid).read(crs=WORK_CRS)
        if "name" not in frame.columns:
            continue
        for i, (name, geom) in enumerate(zip(frame["name"].tolist(), frame.geometry.values)):
            if name and geom is not None and not geom.is_empty:
                sites.append(Site(_LAYER_KIND[lid], f"{lid}:{i}", str(name), geom, lid))
    if proposals is None:  # archived and deleted drafts are found by no search
        proposals = cat.store().proposals(LISTED_STATUSES)
    for p in proposals:
        geom = getattr(p, "geometry", None)
        if getattr(p, "name", None) and geom is not None and not geom.is_empty:
            sites.append(Site("proposal", str(p.id), str(p.name), geom, "proposals"))
    return PlaceSources(cw, districts, communes_frame(cat, cw), sites)


@dataclass
class Place:
    """One answer: what it is, its names in both systems and where to zoom."""

    kind: str
    code: str  # GSO code (units) or the site's reference
    name: str  # full name: "xã Đồng Châu", "KCN Tiền Hải"
    bounds: Bounds | None  # WGS 84
    approximate: bool  # True: the package's box, not a polygon
    zoom_layer: str | None = None  # the layer whose polygon gives ``bounds``
    geometry: BaseGeometry | None = None  # WGS 84 polygon, when a layer has it
    location: Location | None = None  # for sites
    score: int = 0

    def to_dict(self, lang: str, cw: Crosswalk | None = None) -> dict[str, Any]:
        cw = cw or crosswalk()
        out: dict[str, Any] = {
            "kind": self.kind,
            "kind_label": t(f"places.kind.{self.kind}", lang),
            "code": self.code,
            "name": self.name,
            "text": describe(self, lang, cw),
            "bounds_wgs84": None if self.bounds is None else [round(v, 6) for v in self.bounds.as_tuple()],
            "approximate": self.approximate,
            "zoom_layer": self.zoom_layer,
        }
        if self.kind == "old_commune":
            c = cw.communes[self.code]
            out["old"] = {"code": c.code, "name": c.full_name, "district_code": c.district_code,
                          "district": cw.districts[c.district_code].full_name}
            out["new"] = [{"code": u.code, "name": u.full_name} for u in cw.new_of_commune(c.code)]
        elif self.kind == "new_unit":
            out["members"] = [
                {"code": c.code, "name": c.full_name, "full": full, "district_code": c.district_code,
                 "district": cw.districts[c.district_code].full_name}
                for c, full in cw.members_of(self.code)
            ]
        elif self.kind == "district":
            out["new"] = [{"code": u.code, "name": u.full_name} for u in cw.new_of_district(self.code)]
        if self.location is not None:
            out.update(self.location.to_dict())
        return out


def _geometry() -> ModuleType:
    # tbgeo's start (CLI options) loads no shapely: it loads when places are searched
    from tbgeo import geometry

    return geometry


def _wgs84(geom: BaseGeometry) -> BaseGeometry:
    out: BaseGeometry = _geometry().to_display(geom)
    return out


def _polygon_place(kind: str, code: str, name: str, geom: BaseGeometry, layer: str, **kw: Any) -> Place:
    g = _wgs84(geom)
    return Place(kind, code, name, Bounds(*g.bounds), False, layer, g, **kw)


def _frame_geom(frame: gpd.GeoDataFrame | None, code: str) -> BaseGeometry | None:
    if frame is None or frame.empty:
        return None
    hit = frame[frame["gso_code"].astype(str) == code]
    return None if hit.empty else cast("BaseGeometry", hit.geometry.union_all())


def _unit_place(kind: str, code: str, src: PlaceSources, score: int) -> Place:
    cw = src.cw
    if kind == "old_commune":
        c = cw.communes[code]
        return Place(kind, code, c.full_name, c.bounds, True, score=score)
    if kind == "district":
        d = cw.districts[code]
        geom = _frame_geom(src.districts, code)
        if geom is not None:
            return _polygon_place(kind, code, d.full_name, geom, "districts", score=score)
        return Place(kind, code, d.full_name, d.bounds, True, score=score)
    u = cw.new_units[code]
    geom = _frame_geom(src.communes, code)
    if geom is not None:
        return _polygon_place(kind, code, u.full_name, geom, "communes_2025", score=score)
    return Place(kind, code, u.full_name, cw.bounds_of_new(code), True, score=score)


def _score(query: str, qexact: str, name: str) -> int:
    k = key(name)
    if exact_key(name) == qexact:
        return 4
    if k == query:
        return 3
    if k.startswith(query + " ") or (" " + query + " ") in (" " + k + " "):
        return 2
    if query in k:
        return 1
    return 0


def _by_code(code: str, src: PlaceSources) -> list[Place]:
    """The units with this GSO code (a new unit, an old commune, a district), or PlaceNotFound."""
    cw = src.cw
    places: list[Place] = []
    if code in cw.new_units:
        places.append(_unit_place("new_unit", code, src, 5))
    if code.zfill(5) in cw.communes:
        places.append(_unit_place("old_commune", code.zfill(5), src, 5))
    if code in cw.districts:
        places.append(_unit_place("district", code, src, 5))
    if not places:
        raise PlaceNotFound(code, [])
    return places


#: One match: (score, rank of its kind, tie-break key, (kind, code or site index)).
_Match = tuple[int, int, str, tuple[str, Any]]


def _unit_matches(
    q: str, qexact: str, src: PlaceSources, *, district: str | None, unit_types: set[str] | None
) -> list[_Match]:
    """Scored administrative units (new units, old communes, and districts when no district is named)."""
    cw = src.cw

    def unit_ok(unit_type: str) -> bool:
        return unit_types is None or unit_type in unit_types

    scored: list[_Match] = []
    for u in cw.new_units.values():
        if not unit_ok(u.unit_type):
            continue
        if district and not any(key(d.name) == district for d in cw.districts_of(u.code)):
            continue
        s = _score(q, qexact, u.name)
        if s:
            scored.append((s, KINDS.index("new_unit"), u.code, ("new_unit", u.code)))
    for c in cw.communes.values():
        if not unit_ok(c.unit_type):
            continue
        if district and key(cw.districts[c.district_code].name) != district:
            continue
        s = _score(q, qexact, c.name)
        if s:
            scored.append((s, KINDS.index("old_commune"), c.code, ("old_commune", c.code)))
    if not district:
        for d in cw.districts.values():
            if not unit_ok(d.unit_type):
                continue
            s = _score(q, qexact, d.name)
            if s:
                scored.append((s, KINDS.index("district"), d.code, ("district", d.code)))
    return scored


def _site_matches(
    q: str, qexact: str, src: PlaceSources, *, name_part: str, site_kinds: set[str] | None
) -> list[_Match]:
    """Scored plan sites and proposals (an exact folded name counts as an exact match)."""
    scored: list[_Match] = []
    for i, site in enumerate(src.sites):
        if site_kinds is not None and site.kind not in site_kinds:
            continue
        s = max(_score(q, qexact, site.name), 3 if fold(site.name) == fold(name_part) else 0)
        if s:
            scored.append((s, KINDS.index(site.kind), f"{i:06d}", ("site", i)))
    return scored


def _place_of(match: _Match, src: PlaceSources) -> Place:
    """The Place of one chosen match (a plan site or proposal is located in both systems)."""
    s, _, _, (kind, ref) = match
    if kind == "site":
        site = src.sites[ref]
        loc = locate(site.geometry, districts=src.districts, communes=src.communes, cw=src.cw)
        return _polygon_place(site.kind, site.ref, site.name, site.geometry, site.layer, location=loc, score=s)
    return _unit_place(kind, ref, src, s)


def search(query: str, src: PlaceSources) -> list[Place]:
    """Places matching ``query`` (a name, "NAME, DISTRICT" or a GSO code), best first.

    Raises InputError for an empty query and PlaceNotFound (with close names) when nothing matches.
    """
    text = (query or "").strip()
    if not text:
        raise InputError("places.empty_query")
    if text.isdigit():
        return _by_code(text, src)
    name_part, _, district_part = text.partition(",")
    q, qexact = key(name_part), exact_key(name_part)
    dq = key(district_part) if district_part.strip() else None
    if not q:
        raise InputError("places.empty_query")
    tw = type_word(name_part)
    unit_types, site_kinds = _TYPE_FILTER.get(tw, (None, None)) if tw else (None, None)
    scored = _unit_matches(q, qexact, src, district=dq, unit_types=unit_types)
    if not dq:
        scored += _site_matches(q, qexact, src, name_part=name_part, site_kinds=site_kinds)
    if not scored:
        raise PlaceNotFound(text, suggestions(text, src))
    best = max(s[0] for s in scored)
    floor = 3 if best >= 3 else best  # exact names first; partial matches only when there is no exact one
    chosen = sorted((s for s in scored if s[0] >= floor), key=lambda s: (-s[0], s[1], s[2]))[:_MAX]
    return [_place_of(m, src) for m in chosen]


def suggestions(query: str, src: PlaceSources, n: int = 5) -> list[str]:
    """Close names (by their folded spelling) for a query that found nothing."""
    names: dict[str, str] = {}
    cw = src.cw
    for u in cw.new_units.values():
        names.setdefault(key(u.name), u.full_name)
    for c in cw.communes.values():
        names.setdefault(key(c.name), c.full_name)
    for d in cw.districts.values():
        names.setdefault(key(d.name), d.full_name)
    for site in src.sites:
        names.setdefault(key(site.name), site.name)
    close = difflib.get_close_matches(key(query.partition(",")[0]), list(names), n=n, cutoff=0.6)
    return [names[c] for c in close]


def _member_list(cw: Crosswalk, code: str, lang: str) -> str:
    """Members of a new unit grouped by former district: "Đông Hoàng, …, huyện Tiền Hải"."""
    groups: dict[str, list[str]] = {}
    for c, full in cw.members_of(code):
        label = c.name if c.unit_type == "Xã" else c.full_name
        if not full:
            label = t("places.part_of", lang, name=label)
        groups.setdefault(c.district_code, []).append(label)
    return "; ".join(f"{', '.join(names)}, {cw.districts[d].full_name}" for d, names in groups.items())


def describe(place: Place, lang: str, cw: Crosswalk | None = None) -> str:
    """The answer in both systems, one line in the reader's language."""
    cw = cw or crosswalk()
    if place.kind == "new_unit":
        return t("places.new_unit", lang, unit=place.name, members=_member_list(cw, place.code, lang))
    if place.kind == "old_commune":
        c = cw.communes[place.code]
        new = ", ".join(u.full_name for u in cw.new_of_commune(c.code))
        return t("places.old_commune", lang, unit=c.full_name, district=cw.districts[c.district_code].full_name, new=new)
    if place.kind == "district":
        units = cw.new_of_district(place.code)
        return t("places.district", lang, unit=place.name, count=len(units), new=", ".join(u.full_name for u in units))
    loc = place.location or Location()
    key_ = "places.site_proposal" if place.kind == "proposal" else "places.site"
    return t(key_, lang, name=place.name, where=loc.text(lang))


def label(place: Place, lang: str, cw: Crosswalk | None = None) -> str:
    """A short name that tells places apart in a list: an old commune with its former district."""
    cw = cw or crosswalk()
    if place.kind == "old_commune":
        c = cw.communes[place.code]
        name = f"{c.full_name}, {cw.districts[c.district_code].full_name}"
    else:
        name = place.name
    return f"{name} — {t(f'places.kind.{place.kind}', lang)}"


def extent_text(place: Place, lang: str, catalog: Any = None) -> str:
    """What the map zooms to, for the reader: the package's box (approximate) or the polygon of a
    layer named by its title in the reader's language, with its id ("Khu công nghiệp (KCN)", industrial_parks)."""
    if place.approximate or not place.zoom_layer:
        return t("places.zoom_approx", lang)
    lid = place.zoom_layer
    if lid == "proposals":
        title = t("places.proposals_layer", lang)
    else:

        try:
            title = (catalog if catalog is not None else load_catalog()).get(lid).title(lang)
        except CatalogError:
            title = lid
    return t("places.zoom_polygon", lang, layer=title, id=lid)
