"""Review a proposed site against the plan's rules and the land law.

``review_site(site, attrs=..., context=..., config=...)`` measures the site once (districts, rice
land per district) and runs every registered rule on it; the Report (``tbgeo.review.report``)
renders in Vietnamese or English.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import shapely

from tbgeo.errors import InputError
from tbgeo.geometry import check_site_geometry, polygonal
from tbgeo.i18n.params import Num, Text
from tbgeo.places.locate import locate
from tbgeo.plan.sectors import get_sector
from tbgeo.review.config import ReviewConfig, load_config
from tbgeo.review.context import ReviewContext
from tbgeo.review.model import TECHNOLOGY_LEVELS, DistrictShare, Facts, SiteAttrs
from tbgeo.review.report import Report
from tbgeo.review.rules import Rule, all_rules
from tbgeo.review.zonal import LandUseAreas as _LA

if TYPE_CHECKING:
    from shapely.geometry.base import BaseGeometry

    from tbgeo.review.zonal import LandUseAreas

__all__ = ["review_site", "measure_districts", "resolve_sector"]


def resolve_sector(code: str | None) -> Any | None:
    """The Sector for ``code`` (None when no sector is given); unknown codes raise InputError."""
    if code in (None, ""):
        return None
    return get_sector(code)


def measure_districts(site: BaseGeometry, ctx: ReviewContext) -> list[tuple[DistrictShare, BaseGeometry]]:
    """The site cut by district: (share, piece) per district touched, plus the part outside them all."""
    area = float(site.area)
    out: list[tuple[DistrictShare, BaseGeometry]] = []
    frame = ctx.districts
    if frame.empty:
        return [(DistrictShare("", "", area, 1.0), site)]
    idx = frame.sindex.query(site, predicate="intersects")
    covered = 0.0
    for i in sorted(int(j) for j in idx):
        piece = polygonal(shapely.intersection(frame.geometry.values[i], site))
        a = float(piece.area)
        if a <= 0:
            continue
        covered += a
        row = frame.iloc[i]
        out.append((DistrictShare(str(row["name_vi"]), str(row["gso_code"] or ""), a, a / area), piece))
    rest = area - covered
    if rest > max(1e-6 * area, 0.01):
        piece = polygonal(shapely.difference(site, ctx.province)) if ctx.province is not None else site
        out.append((DistrictShare("", "", float(piece.area), float(piece.area) / area), piece))
    out.sort(key=lambda p: (p[0].name == "", -p[0].area_m2))
    return out


def _check_attrs(attrs: SiteAttrs) -> None:
    if attrs.technology is not None and attrs.technology not in TECHNOLOGY_LEVELS:
        raise InputError("review.input.bad_technology", value=attrs.technology, allowed=", ".join(TECHNOLOGY_LEVELS))
    for key, value in (("workforce", attrs.workforce), ("investment", attrs.investment_bvnd), ("gas_use", attrs.gas_use_m3_day)):
        if value is not None and value < 0:
            raise InputError("review.input.negative", field=Text(f"review.field.{key}", key), value=Num(float(value), 2))


def review_site(
    site: BaseGeometry,
    *,
    attrs: SiteAttrs | None = None,
    context: ReviewContext,
    config: ReviewConfig | None = None,
    sector: Any | None = None,
    rules: Sequence[Rule] | None = None,
) -> Report:
    """Review a site (a polygon in EPSG:9209) against every rule.

    ``sector`` may be given as a Sector object (tests); otherwise ``attrs.sector`` is looked up in
    the sector list. Raises InputError for bad input (not a polygon, unknown sector, ...).
    """
    attrs = attrs or SiteAttrs()
    cfg = config or load_config()
    site = check_site_geometry(site)
    _check_attrs(attrs)
    if sector is None:
        sector = resolve_sector(attrs.sector)
    parts = measure_districts(site, context)
    landuse: LandUseAreas | None = None
    by_district: dict[str, LandUseAreas] = {}
    if context.landuse is not None:
        pieces = [p for _, p in parts]
        areas = context.landuse.areas(pieces) if len(pieces) > 1 else context.landuse.areas([site])
        for (share, _), a in zip(parts, areas):
            by_district[share.name] = by_district[share.name] + a if share.name in by_district else a
        landuse = areas[0]
        for a in areas[1:]:
            landuse = landuse + a
        if len(pieces) > 1:  # the pieces partition the site: report the site's own area

            landuse = _LA(float(site.area), landuse.known_m2, landuse.by_code_m2)
    facts = Facts(
        geometry=site,
        attrs=attrs,
        sector=sector,
        districts=tuple(d for d, _ in parts),
        landuse=landuse,
        landuse_by_district=by_district,
    )
    findings = [r(facts, context, cfg) for r in (rules if rules is not None else all_rules())]

    location = locate(site, districts=context.districts, communes=context.communes)
    return Report(
        location=location,
        facts=facts,
        findings=findings,
        inputs=cfg.inputs(),
        landuse_source=context.landuse.describe() if context.landuse is not None else None,
        context=context.describe(),
    )
