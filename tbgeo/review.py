"""Review a proposed site against the plan's rules and the land law; the Report and its exports.

``review_site(site, attrs=..., context=..., config=...)`` measures the site once (districts, rice
land per district) and runs every registered rule on it. The Report renders in Vietnamese or
English as JSON (``to_dict``), CSV (one line per rule) and GeoJSON (the site with its findings).
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

import shapely

from tbgeo.crs import DISPLAY_CRS, WORK_CRS
from tbgeo.errors import InputError
from tbgeo.i18n import fmt_number, t
from tbgeo.rules import (
    SEVERITIES,
    SEVERITY_ICONS,
    TECHNOLOGY_LEVELS,
    DistrictShare,
    Facts,
    Finding,
    Num,
    ReviewInputError,
    Rule,
    SiteAttrs,
    Text,
    all_rules,
    worst,
)
from tbgeo.rules.config import ReviewConfig, load_config
from tbgeo.rules.context import ReviewContext
from tbgeo.safetext import csv_row

if TYPE_CHECKING:
    from shapely.geometry.base import BaseGeometry

    from tbgeo.zonal import LandUseAreas

__all__ = [
    "Report",
    "review_site",
    "measure_districts",
    "resolve_sector",
    "polygonal",
    "check_site_geometry",
    "ReviewContext",
    "ReviewConfig",
    "SiteAttrs",
    "load_config",
]


def polygonal(geom: BaseGeometry) -> BaseGeometry:
    """The polygonal part of ``geom`` (Polygon or MultiPolygon), empty if there is none."""
    if geom.is_empty:
        return geom
    if geom.geom_type in ("Polygon", "MultiPolygon"):
        return geom
    parts = [g for g in getattr(geom, "geoms", []) if g.geom_type in ("Polygon", "MultiPolygon") and not g.is_empty]
    if not parts:
        return shapely.Polygon()
    return shapely.union_all(parts)


def resolve_sector(code: str | None) -> Any | None:
    """The Sector for ``code`` (None when no sector is given); unknown codes raise InputError."""
    if code in (None, ""):
        return None
    try:
        from tbgeo.sectors import get_sector
    except ImportError as exc:  # the sector list ships with tbgeo; this guards a broken install
        raise InputError("review.input.sectors_unavailable") from exc
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


@dataclass
class Report:
    """The review of one site: its measured facts, every rule's finding and the verdict."""

    facts: Facts
    findings: list[Finding]
    inputs: dict[str, Any] = field(default_factory=dict)
    landuse_source: dict[str, Any] | None = None
    context: dict[str, Any] = field(default_factory=dict)
    #: Where the site is in both systems (tbgeo.places.Location): former districts, new communes.
    location: Any = None
    created_at: str = field(default_factory=lambda: datetime.now(UTC).isoformat(timespec="seconds"))

    @property
    def verdict(self) -> str:
        """The worst severity of the findings: ``block``, ``warn``, ``info`` or ``ok``."""
        return worst([f.severity for f in self.findings])

    @property
    def geometry(self) -> BaseGeometry:
        return self.facts.geometry

    def finding(self, rule_id: str) -> Finding:
        for f in self.findings:
            if f.rule == rule_id:
                return f
        raise KeyError(rule_id)

    def counts(self) -> dict[str, int]:
        return {s: sum(f.severity == s for f in self.findings) for s in SEVERITIES}

    # -- renderings ---------------------------------------------------------------------------
    def _rice(self, lang: str) -> dict[str, Any] | None:
        lu = self.facts.landuse
        if lu is None:
            return None
        out = lu.to_dict()
        out["by_district"] = [
            {
                "name": name or None,
                "luc_ha": round(a.luc_ha, 4),
                "luk_ha": round(a.luk_ha, 4),
                "lua_ha": round(a.lua_ha, 4),
                "total_ha": round(a.rice_ha, 4),
                "unknown_ha": round(a.unknown_ha, 4),
            }
            for name, a in self.facts.landuse_by_district.items()
        ]
        out["source"] = self.landuse_source
        return out

    def to_dict(self, lang: str = "vi") -> dict[str, Any]:
        """The JSON report (the shape ``tbgeo check --format json`` prints)."""
        facts = self.facts
        centroid = _to_display(facts.geometry.representative_point())
        sector = facts.sector
        return {
            "site": {
                "name": facts.attrs.name,
                "area_ha": round(facts.area_ha, 4),
                "districts": [
                    {"name": d.name, "gso_code": d.gso_code, "share": round(d.share, 6), "area_ha": round(d.area_m2 / 1e4, 4)}
                    for d in facts.districts
                    if d.name
                ],
                "outside_districts_ha": round(sum(d.area_m2 for d in facts.districts if not d.name) / 1e4, 4),
                "point": {"lat": round(centroid.y, 6), "lon": round(centroid.x, 6)},
            },
            "attributes": {
                **facts.attrs.to_dict(),
                "sector_name": sector.name(lang) if sector is not None else None,
                "sector_status": sector.status if sector is not None else None,
            },
            "rice": self._rice(lang),
            "places": None if self.location is None else {**self.location.to_dict(), "text": self.location.text(lang)},
            "findings": [f.to_dict(lang) for f in self.findings],
            "verdict": self.verdict,
            "verdict_text": t(f"review.severity.{self.verdict}", lang),
            "counts": self.counts(),
            "inputs": dict(self.inputs),
            "context": dict(self.context),
            "lang": lang,
            "created_at": self.created_at,
        }

    def to_json(self, lang: str = "vi") -> str:
        return json.dumps(self.to_dict(lang), ensure_ascii=False, indent=2, default=str)

    def to_csv(self, lang: str = "vi") -> str:
        """One line per rule: site, rule, severity, title, value, unit, citation, message."""
        buf = io.StringIO()
        w = csv.writer(buf, lineterminator="\n")
        w.writerow([t(f"review.csv.{c}", lang) for c in ("site", "rule", "severity", "title", "value", "unit", "citation", "message")])
        for f in self.findings:
            d = f.to_dict(lang)
            # cells a spreadsheet will not run (a site named "=HYPERLINK(…)"), severity in the reader's language
            w.writerow(csv_row([self.facts.attrs.name, f.rule, t(f"review.severity.{f.severity}", lang), d["title"],
                                "" if f.value is None else f.value, d["unit"], d["citation"], d["message"]]))
        return buf.getvalue()

    def to_geojson(self, lang: str = "vi") -> dict[str, Any]:
        """A FeatureCollection (EPSG:4326) with the site and its report as properties."""
        d = self.to_dict(lang)
        geom = _to_display(self.facts.geometry)
        props = {
            "name": d["site"]["name"],
            "area_ha": d["site"]["area_ha"],
            "verdict": d["verdict"],
            "districts": "; ".join(f"{x['name']} {fmt_number(x['share'] * 100, lang, 1)} %" for x in d["site"]["districts"]),
            "rice_ha": d["rice"]["total_ha"] if d["rice"] else None,
            "luc_ha": d["rice"]["luc_ha"] if d["rice"] else None,
            "luk_ha": d["rice"]["luk_ha"] if d["rice"] else None,
            "landuse_unknown_ha": d["rice"]["unknown_ha"] if d["rice"] else None,
            "sector": d["attributes"]["sector"],
            "findings": d["findings"],
        }
        return {
            "type": "FeatureCollection",
            "features": [{"type": "Feature", "properties": props, "geometry": shapely.geometry.mapping(geom)}],
        }

    def to_sheet(
        self, lang: str = "vi", *, size: str = "A3", orientation: str = "landscape", fmt: str = "pdf", draft: bool = True,
        heading: str | None = None,
    ) -> bytes:
        """The site on a printed map sheet with the findings as a table beside it (PDF, PNG or SVG).

        ``draft`` prints the "DỰ THẢO" mark: a review sheet is a working paper until the proposal is approved.
        ``heading`` ("today" or "plan"; default by the day the sheet is made, as a dossier of that day):
        from 1 July 2025 the sheet is headed UBND tỉnh Hưng Yên, "(địa bàn tỉnh Thái Bình cũ)" in the title.
        """
        from datetime import date

        from tbgeo.printing import PrintSpec, render_sheet
        from tbgeo.printing.titleblock import resolve_heading

        name = self.facts.attrs.name or t("review.page.unnamed", lang)
        spec = PrintSpec(
            size=size,
            orientation=orientation,
            fmt=fmt,
            lang=lang,
            title=t("review.sheet.title", lang),
            site_name=name,
            draft=draft,
            verdict=self.verdict,
            verdict_text=t(f"review.severity.{self.verdict}", lang),
            place_note=None if self.location is None else t("places.report_line", lang, where=self.location.text(lang)),
            heading=resolve_heading(heading, date.today().isoformat()),
        )
        rows = [f.to_dict(lang) for f in self.findings]
        for row, f in zip(rows, self.findings, strict=True):
            row["value"] = f.value_text(lang)
            row["unit"] = ""
        return render_sheet(spec, site=self.geometry, findings=rows)

    def text(self, lang: str = "vi") -> str:
        """The report as plain text for the terminal."""
        facts = self.facts
        lines = [
            t("review.text.site", lang, name=facts.attrs.name or "—", area=fmt_number(facts.area_ha, lang, 2)),
        ]
        named = [d for d in facts.districts if d.name]
        if named:
            lines.append(
                t("review.text.districts", lang, list=", ".join(f"{d.name} ({fmt_number(d.share * 100, lang, 1)} %)" for d in named))
            )
        if self.location is not None:
            lines.append(t("places.report_line", lang, where=self.location.text(lang)))
        lu = facts.landuse
        if lu is not None:
            lines.append(
                t(
                    "review.text.rice",
                    lang,
                    total=fmt_number(lu.rice_ha, lang, 2),
                    luc=fmt_number(lu.luc_ha, lang, 2),
                    luk=fmt_number(lu.luk_ha, lang, 2),
                    pct=fmt_number(lu.share * 100, lang, 1),
                )
            )
            if lu.unknown_ha > 0.005:
                lines.append(
                    t(
                        "review.text.unknown",
                        lang,
                        unknown=fmt_number(lu.unknown_ha, lang, 2),
                        pct=fmt_number(lu.unknown_ha * 1e4 / lu.site_m2 * 100 if lu.site_m2 > 0 else 0.0, lang, 1),
                    )
                )
        lines.append("")
        for f in self.findings:
            label = t(f"review.severity.{f.severity}", lang)
            lines.append(f"{SEVERITY_ICONS[f.severity]} {label:<10} {f.title(lang)}: {f.value_text(lang)}")
            lines.append(f"      {f.text(lang)}")
            lines.append(f"      [{f.citation(lang)}]")
        lines.append("")
        lines.append(t("review.text.verdict", lang, verdict=t(f"review.severity.{self.verdict}", lang)))
        return "\n".join(lines)


def _to_display(geom: BaseGeometry) -> BaseGeometry:
    import geopandas as gpd

    return gpd.GeoSeries([geom], crs=WORK_CRS).to_crs(DISPLAY_CRS).iloc[0]


def _check_attrs(attrs: SiteAttrs) -> None:
    if attrs.technology is not None and attrs.technology not in TECHNOLOGY_LEVELS:
        raise InputError("review.input.bad_technology", value=attrs.technology, allowed=", ".join(TECHNOLOGY_LEVELS))
    for key, value in (("workforce", attrs.workforce), ("investment", attrs.investment_bvnd), ("gas_use", attrs.gas_use_m3_day)):
        if value is not None and value < 0:
            raise ReviewInputError("review.input.negative", field=Text(f"review.field.{key}", key), value=value)


def check_site_geometry(site: BaseGeometry) -> BaseGeometry:
    """A valid Polygon/MultiPolygon with an area, or InputError saying what is wrong."""
    if site is None or site.is_empty:
        raise InputError("review.input.empty")
    if site.geom_type not in ("Polygon", "MultiPolygon"):
        raise InputError("review.input.not_polygon", kind=site.geom_type)
    if not site.is_valid:
        site = polygonal(shapely.make_valid(site))
    if site.area < 1.0:
        raise ReviewInputError("review.input.too_small", area=Num(float(site.area), 2))
    return site


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
            from tbgeo.zonal import LandUseAreas as _LA

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
    from tbgeo.places.locate import locate

    location = locate(site, districts=context.districts, communes=context.communes)
    return Report(
        location=location,
        facts=facts,
        findings=findings,
        inputs=cfg.inputs(),
        landuse_source=context.landuse.describe() if context.landuse is not None else None,
        context=context.describe(),
    )
