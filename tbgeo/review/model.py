"""The review's rule model: the SiteFinding a rule returns, the site's attributes and measured facts,
severities and citations of the law."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from tbgeo.findings import REVIEW_SEVERITIES, Finding
from tbgeo.i18n import fmt_number, t
from tbgeo.i18n.params import Num, dump_param, fmt_param as _fmt, load_param

if TYPE_CHECKING:
    from shapely.geometry.base import BaseGeometry

    from tbgeo.review.zonal import LandUseAreas

__all__ = ["SEVERITIES", "TECHNOLOGY_LEVELS", "worst", "law_text", "pct", "SiteFinding", "SiteAttrs",
           "DistrictShare", "Facts"]


#: From least to most severe; the verdict of a report is the worst severity of its findings.
SEVERITIES = REVIEW_SEVERITIES


#: Technology level of a project (attribute ``technology``), best first.
TECHNOLOGY_LEVELS = ("high", "advanced", "medium", "outdated")


def worst(severities: Sequence[str]) -> str:
    """The most severe of ``severities`` (``ok`` for none)."""
    return SEVERITIES.worst(severities)


def law_text(key: str, lang: str) -> str:
    """The citation of a law article in ``lang`` (``land_law_122`` → ``Luật Đất đai 2024, Điều 122``)."""
    return t(f"review.law.{key}", lang)


def pct(share_pct: float) -> Num:
    """A percentage (already × 100) for a message: one decimal."""
    return Num(float(share_pct), 1)


@dataclass(frozen=True, kw_only=True)
class SiteFinding(Finding):
    """One line of a review: a rule's verdict on a site, with the measured value and the citation.

    ``value`` is the measured quantity in ``unit`` (a unit code: ``ha``, ``pct``, ``m``, ``vnd``,
    ``count``, ``bvnd_per_ha``, ``text``, or ``""`` when nothing is measured). ``message`` is the key
    of the message under ``review.rule.<rule>.``; ``params`` fill it (numbers are formatted in the
    reader's language). ``plan_ref`` cites the plan, ``law_refs`` name law citations by key.
    """

    SCALE = SEVERITIES

    rule: str
    value: float | int | str | None
    law_refs: tuple[str, ...] = ()
    details: Mapping[str, Any] = field(default_factory=dict)
    #: A qualifier printed with the value (panel, sheet, CSV-free): e.g. that a figure is a minimum
    #: because part of the site has no land-use data. A ``Template``/``Text`` message parameter.
    value_note: Any = None

    def message_key(self) -> str:
        return f"review.rule.{self.rule}.{self.message}"

    def title(self, lang: str) -> str:
        return t(f"review.rule.{self.rule}.title", lang)

    def citation(self, lang: str) -> str:
        """Plan reference first, then the law articles: ``Điều 1, III.4; Luật Đất đai 2024, Điều 122``."""
        parts = [self.plan_ref] if self.plan_ref else []
        parts += [law_text(k, lang) for k in self.law_refs]
        return "; ".join(parts)

    def unit_text(self, lang: str) -> str:
        return t(f"review.unit.{self.unit}", lang) if self.unit else ""

    def value_text(self, lang: str) -> str:
        """The value with its unit, as shown in the review panel (``12,35 ha``, ``—`` when none)."""
        note = f" ({_fmt(self.value_note, lang)})" if self.value_note is not None else ""
        if self.value is None:
            return "—" + note
        if isinstance(self.value, str):
            if self.unit != "text":
                return self.value + note
            # a catalog word (a technology level), else a name as written (a park's), never the key
            word = t(f"review.value.{self.value}", lang)
            return (self.value if word == f"review.value.{self.value}" else word) + note
        digits = 0 if self.unit in ("vnd", "count", "m") else (1 if self.unit == "pct" else 2)
        number = fmt_number(float(self.value), lang, digits)
        unit = self.unit_text(lang)
        return (f"{number} {unit}".strip() if self.unit != "pct" else f"{number} %") + note

    def to_dict(self, lang: str) -> dict[str, Any]:
        return {
            "rule": self.rule,
            "severity": self.severity,
            "title": self.title(lang),
            "title_vi": self.title("vi"),
            "title_en": self.title("en"),
            "value": self.value,
            "unit": self.unit_text(lang) if self.unit != "text" else "",
            "unit_code": self.unit,
            "citation": self.citation(lang),
            "citation_plan": self.plan_ref,
            "citation_law": [law_text(k, lang) for k in self.law_refs],
            "message": self.text(lang),
            "value_text": self.value_text(lang),
            "details": dict(self.details),
        }

    def to_record(self) -> dict[str, Any]:
        """The finding as stored, in no language: rule, severity, value and unit code, citations by
        reference, the message key with its parameters (typed, ``dump_param``), details."""
        return {
            "rule": self.rule,
            "severity": self.severity,
            "value": self.value,
            "unit": self.unit,
            "plan_ref": self.plan_ref,
            "law_refs": list(self.law_refs),
            "message": self.message,
            "params": {k: dump_param(v) for k, v in self.params.items()},
            "details": dict(self.details),
            "value_note": dump_param(self.value_note),
        }

    @classmethod
    def from_record(cls, record: Mapping[str, Any]) -> SiteFinding:
        """The finding ``to_record`` stored (read back from JSON: ready to be said in any language)."""
        return cls(
            rule=record["rule"],
            severity=record["severity"],
            value=record.get("value"),
            unit=record.get("unit", ""),
            plan_ref=record.get("plan_ref", ""),
            message=record["message"],
            params={k: load_param(v) for k, v in (record.get("params") or {}).items()},
            law_refs=tuple(record.get("law_refs") or ()),
            details=dict(record.get("details") or {}),
            value_note=load_param(record.get("value_note")),
        )


@dataclass(frozen=True)
class SiteAttrs:
    """What the proposer says about the project (none of it is required except the geometry)."""

    name: str = ""
    investor: str = ""
    sector: str | None = None
    workforce: int | None = None
    #: Registered investment, billion VND (tỷ đồng).
    investment_bvnd: float | None = None
    #: Natural gas the project would use, m³ per day (0 or None: none).
    gas_use_m3_day: float | None = None
    #: One of TECHNOLOGY_LEVELS, or None when not stated.
    technology: str | None = None
    #: The stored proposal being re-reviewed (excluded from the overlap check).
    proposal_id: int | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "investor": self.investor,
            "sector": self.sector,
            "workforce": self.workforce,
            "investment_bvnd": self.investment_bvnd,
            "gas_use_m3_day": self.gas_use_m3_day,
            "technology": self.technology,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> SiteAttrs:
        keys = cls.__dataclass_fields__.keys()
        return cls(**{k: v for k, v in data.items() if k in keys})


@dataclass(frozen=True)
class DistrictShare:
    """The part of a site inside one district (``name`` is ``""`` for the part outside every district)."""

    name: str
    gso_code: str
    area_m2: float
    share: float


@dataclass(frozen=True)
class Facts:
    """What the rules read about one site; computed once per review by ``tbgeo.review``.

    ``geometry`` is in EPSG:9209. ``sector`` is a ``tbgeo.plan.sectors.Sector`` (or None when not given).
    ``landuse`` is None when no land-use source was available.
    """

    geometry: BaseGeometry
    attrs: SiteAttrs
    sector: Any | None
    districts: tuple[DistrictShare, ...]
    landuse: LandUseAreas | None
    landuse_by_district: Mapping[str, LandUseAreas] = field(default_factory=dict)

    @property
    def area_m2(self) -> float:
        return float(self.geometry.area)

    @property
    def area_ha(self) -> float:
        return self.area_m2 / 10_000.0

    @property
    def uses_gas(self) -> bool:
        own = bool(self.attrs.gas_use_m3_day and self.attrs.gas_use_m3_day > 0)
        return own or bool(getattr(self.sector, "uses_gas", False))
