"""The Report of one site review, its language-neutral record, and its renderings: JSON, CSV, GeoJSON,
terminal text and a printed sheet.

A stored review is the record (``Report.to_record``: ids, numbers, codes, message keys and typed
parameters, no text in any language); ``tbgeo.review.record.render_record`` says it in the reader's
language, in the shape of ``Report.to_dict`` (which is that rendering of the report's own record).
"""

from __future__ import annotations

import csv
import datetime as _dt
import io
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

import shapely

from tbgeo.geometry import to_display
from tbgeo.i18n import csv_delimiter, csv_value, fmt_number, t
from tbgeo.i18n.params import Bilingual, dump_param, vietnam_today
from tbgeo.printing import PrintSpec, render_sheet
from tbgeo.printing.titleblock import resolve_heading
from tbgeo.review.model import SEVERITIES, Facts, SiteFinding, worst
from tbgeo.review.record import RECORD_KEY, RECORD_VERSION, location_record, render_record
from tbgeo.safetext import csv_row, json_text

if TYPE_CHECKING:
    from shapely.geometry.base import BaseGeometry

__all__ = ["Report"]


@dataclass
class Report:
    """The review of one site: its measured facts, every rule's finding and the verdict."""

    facts: Facts
    findings: list[SiteFinding]
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

    def finding(self, rule_id: str) -> SiteFinding:
        for f in self.findings:
            if f.rule == rule_id:
                return f
        raise KeyError(rule_id)

    def counts(self) -> dict[str, int]:
        return {s: sum(f.severity == s for f in self.findings) for s in SEVERITIES}

    # -- renderings ---------------------------------------------------------------------------
    def _rice(self) -> dict[str, Any] | None:
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

    def to_record(self) -> dict[str, Any]:
        """The report as stored, in no language: the site's, rice land's and places' numbers, names from
        the layers and codes; every finding's rule, severity, value, unit, references, message key and
        typed parameters (``SiteFinding.to_record``). ``render_record`` says it in a reader's language (old reports: as stored)."""
        facts = self.facts
        centroid = to_display(facts.geometry.representative_point())
        sector = facts.sector
        return {
            RECORD_KEY: RECORD_VERSION,
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
                "sector_name": dump_param(Bilingual(sector.name("vi"), sector.name("en"))) if sector is not None else None,
                "sector_status": sector.status if sector is not None else None,
            },
            "rice": self._rice(),
            "places": None if self.location is None else location_record(self.location),
            "findings": [f.to_record() for f in self.findings],
            "verdict": self.verdict,
            "counts": self.counts(),
            "inputs": dict(self.inputs),
            "context": dict(self.context),
            "created_at": self.created_at,
        }

    def to_dict(self, lang: str = "vi") -> dict[str, Any]:
        """The JSON report (the shape ``tbgeo check --format json`` prints): the record in ``lang``."""
        return render_record(self.to_record(), lang)

    def to_json(self, lang: str = "vi") -> str:
        return json_text(self.to_dict(lang))

    def to_csv(self, lang: str = "vi") -> str:
        """One line per rule: site, rule, severity, title, value, unit, citation, message."""
        buf = io.StringIO()
        w = csv.writer(buf, delimiter=csv_delimiter(lang), lineterminator="\n")  # ';' and 50,25 in Vietnamese
        w.writerow([t(f"review.csv.{c}", lang) for c in ("site", "rule", "severity", "title", "value", "unit", "citation", "message")])
        for f in self.findings:
            d = f.to_dict(lang)
            # cells a spreadsheet will not run (a site named "=HYPERLINK(…)"), severity in the reader's language
            w.writerow(csv_row([self.facts.attrs.name, f.rule, t(f"review.severity.{f.severity}", lang), d["title"],
                                "" if f.value is None else csv_value(f.value, lang), d["unit"], d["citation"], d["message"]]))
        return buf.getvalue()

    def to_geojson(self, lang: str = "vi") -> dict[str, Any]:
        """A FeatureCollection (EPSG:4326) with the site and its report as properties."""
        d = self.to_dict(lang)
        geom = to_display(self.facts.geometry)
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
        heading: str | None = None, proposal_id: int | None = None, day: _dt.date | None = None,
    ) -> bytes:
        """The site on a printed map sheet with the findings as a table beside it (PDF, PNG or SVG).

        ``draft`` prints the "DỰ THẢO" mark: a review sheet is a working paper until the proposal is approved.
        ``heading`` ("today" or "plan"; default by the day the sheet is made, as a dossier of that day):
        from 1 July 2025 the sheet is headed UBND tỉnh Hưng Yên, "(địa bàn tỉnh Thái Bình cũ)" in the title.
        The sheet is dated ``day`` (today), names the proposal (``proposal_id``, else the one reviewed
        again), the investor and the sector, and lists the site's corners in VN-2000 (X, Y).
        """
        day = day or vietnam_today()  # looked up when called: the day the sheet is made, in Vietnam
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
            heading=resolve_heading(heading, day.isoformat()),
            date=t("review.sheet.date", lang, day=day.day, month=day.month, year=day.year),
            corner_table=True,
            site_info=self._sheet_info(lang, proposal_id),
        )
        rows = [f.to_dict(lang) for f in self.findings]
        for row, f in zip(rows, self.findings, strict=True):
            row["value"] = f.value_text(lang)
            row["unit"] = ""
        sheet: bytes = render_sheet(spec, site=self.geometry, findings=rows)
        return sheet

    def _sheet_info(self, lang: str, proposal_id: int | None) -> tuple[str, ...]:
        """The sheet's lines under the site's name: proposal number (a saved one), investor, sector."""
        attrs, sector = self.facts.attrs, self.facts.sector
        pid = proposal_id if proposal_id is not None else attrs.proposal_id
        missing = t("review.sheet.not_stated", lang)
        lines = [t("review.sheet.proposal", lang, id=pid)] if pid is not None else []
        lines.append(t("review.sheet.investor", lang, name=attrs.investor.strip() or missing))
        sector_name = sector.name(lang) if sector is not None else attrs.sector or missing
        lines.append(t("review.sheet.sector", lang, name=sector_name))
        return tuple(lines)

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
            lines.append(f"{label:<10} {f.title(lang)}: {f.value_text(lang)}")
            lines.append(f"      {f.text(lang)}")
            lines.append(f"      [{f.citation(lang)}]")
        lines.append("")
        lines.append(t("review.text.verdict", lang, verdict=t(f"review.severity.{self.verdict}", lang)))
        return "\n".join(lines)


