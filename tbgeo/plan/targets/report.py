"""What the target checks find: each comparison, each finding (with its message), the report and its JSON."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from tbgeo.findings import TARGET_SEVERITIES
from tbgeo.i18n import fmt_number, t
from tbgeo.plan.sectors import load_plan_sectors
from tbgeo.plan.targets.table import (
    ALL_SECTORS,
    FLOAT_SLACK,
    INDUSTRY,
    ROUNDING_HALF_UNIT,
    YEAR_FIELDS,
    TargetRow,
)

__all__ = [
    "KINDS",
    "SEVERITIES",
    "UNIT_DIGITS",
    "Check",
    "TargetFinding",
    "TargetReport",
    "report_to_dict",
    "sector_label",
]


@dataclass(frozen=True)
class Check:
    """One comparison of a stated figure with the figure recomputed from others (agreeing or not)."""

    sector: str
    year: int
    field: str
    stated: float
    computed: float
    low: float
    high: float
    stated_low: float
    stated_high: float
    agrees: bool
    citation: str
    unit: str
    #: For a stated range ("14% - 15%"), its two figures as written; ``stated`` is then the figure of
    #: the range nearest to the computed one.
    written_range: tuple[float, float] | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "sector": self.sector,
            "year": self.year,
            "field": self.field,
            # a range is reported as written ([14, 15]); the figure of it nearest to the computed rate
            # (from which a difference is measured) is "stated_nearest"
            "stated": list(self.written_range) if self.written_range is not None else self.stated,
            "stated_nearest": self.stated if self.written_range is not None else None,
            "computed": round(self.computed, 4),
            "computed_range": [round(self.low, 4), round(self.high, 4)],
            "stated_range": [round(self.stated_low, 4), round(self.stated_high, 4)],
            "agrees": self.agrees,
            "citation": self.citation,
            "unit": self.unit,
            "written_range": None if self.written_range is None else list(self.written_range),
        }


#: TargetFinding kinds: a stated figure disagrees with the recomputed one; a figure differs from the quoted
#: words of the plan; a figure cannot be checked; the seven sectors do not make up the whole; a partial
#: (indirect) check of figures that cannot be checked one by one.
KINDS = ("mismatch", "transcription", "not_checkable", "remainder", "indirect")
#: Most severe first, the order findings are listed in (the scale itself is ``tbgeo.findings``').
SEVERITIES = tuple(reversed(TARGET_SEVERITIES))

#: ``dataclasses.field`` by a name that ``TargetFinding``'s own ``field`` attribute does not hide from mypy.
_dc_field = field


@dataclass(frozen=True)
class TargetFinding:
    """Something the checks have to say about the plan's figures, with the numbers behind it."""

    sector: str
    year: int | None
    field: str
    stated: float | None
    computed: float | None
    difference: float | None
    citation: str
    kind: str
    severity: str
    unit: str
    key: str
    params: Mapping[str, Any] = _dc_field(default_factory=dict, compare=False)
    #: Decimals used when a float parameter is written into the message.
    digits: Mapping[str, int] = _dc_field(default_factory=dict, compare=False)

    def __post_init__(self) -> None:
        TARGET_SEVERITIES.check(self.severity)

    def message(self, lang: str = "vi") -> str:
        """The finding in ``lang``, numbers written the way that language writes them."""
        values: dict[str, Any] = {
            "sector": sector_label(self.sector, lang),
            "year": self.year if self.year is not None else "",
            "field": t(f"targets.fields.{self.field}", lang),
            "citation": self.citation,
        }
        base_digits = UNIT_DIGITS.get(self.unit, 2)
        for name in ("stated", "computed", "difference"):
            value = getattr(self, name)
            if value is None:
                continue
            if self.field in YEAR_FIELDS:
                values[name] = str(int(value))  # a year is written without a thousands separator
            else:
                values[name] = fmt_number(value, lang, self.digits.get(name, base_digits))
        for name, value in self.params.items():
            if isinstance(value, float):
                values[name] = fmt_number(value, lang, self.digits.get(name, 2))
            elif isinstance(value, int) and not isinstance(value, bool) and name.endswith("_bn"):
                values[name] = fmt_number(value, lang, 0)
            else:
                values[name] = value
        return t(self.key, lang, **values)

    def to_dict(self, lang: str = "vi") -> dict[str, Any]:
        def r(x: float | None) -> float | None:
            return None if x is None else round(x, 4)

        return {
            "sector": self.sector,
            "year": self.year,
            "field": self.field,
            "stated": self.stated,
            "computed": r(self.computed),
            "difference": r(self.difference),
            "citation": self.citation,
            "message": self.message(lang),
            "kind": self.kind,
            "severity": self.severity,
            "unit": self.unit,
        }


#: Decimals a figure of each unit is written with, unless the finding says otherwise.
UNIT_DIGITS = {"pct": 2, "pp": 2, "pct_per_year": 2, "ratio": 3, "bn_vnd": 0}


@dataclass(frozen=True)
class TargetReport:
    """Everything the checks found: every comparison made, the findings, and figures derived on the way."""

    rows: tuple[TargetRow, ...]
    checks: tuple[Check, ...]
    findings: tuple[TargetFinding, ...]
    derived: Mapping[str, Any]

    @property
    def disagreements(self) -> tuple[TargetFinding, ...]:
        return tuple(f for f in self.findings if f.kind in ("mismatch", "transcription") or f.severity != "info")

    @property
    def not_checkable(self) -> tuple[TargetFinding, ...]:
        return tuple(f for f in self.findings if f.kind == "not_checkable")

    def summary(self) -> dict[str, int]:
        return {
            "checks": len(self.checks),
            "agree": sum(c.agrees for c in self.checks),
            "disagree": sum(not c.agrees for c in self.checks),
            "not_checkable": len(self.not_checkable),
            "findings": len(self.findings),
            "errors": sum(f.severity == "error" for f in self.findings),
            "warnings": sum(f.severity == "warning" for f in self.findings),
        }


def sector_label(code: str, lang: str = "vi") -> str:
    """The name shown for a ``sector`` code of the targets: a plan sector, the whole industry or all seven."""
    if code == INDUSTRY:
        return t("targets.industry", lang)
    if code == ALL_SECTORS:
        return t("targets.all_sectors", lang)
    for plan_sector in load_plan_sectors():
        if plan_sector.code == code:
            return plan_sector.name(lang)
    return code


def report_to_dict(report: TargetReport, lang: str = "vi") -> dict[str, Any]:
    """The JSON shape shared by ``tbgeo targets --format json`` and the page: rows, findings, checks, summary."""
    return {
        "rows": [r.to_dict() for r in report.rows],
        "findings": [f.to_dict(lang) for f in report.findings],
        "checks": [c.to_dict() for c in report.checks],
        "summary": report.summary(),
        "derived": dict(report.derived),
        "tolerance": {"rounding_half_unit": ROUNDING_HALF_UNIT, "float_slack": FLOAT_SLACK},
    }
