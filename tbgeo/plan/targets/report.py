"""What the target checks find: each comparison, each finding (with its message), the report and its JSON."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from tbgeo.findings import TARGET_SEVERITIES, Finding
from tbgeo.i18n import t
from tbgeo.i18n.params import Bilingual, Num, Text
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
    "FIGURES",
    "KINDS",
    "UNIT_DIGITS",
    "Check",
    "TargetFinding",
    "TargetReport",
    "report_to_dict",
    "sector_label",
    "sector_param",
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

#: ``dataclasses.field`` by a name that ``TargetFinding``'s own ``field`` attribute does not hide from mypy.
_dc_field = field

#: The figures a finding compares, in its message as ``{stated}``, ``{computed}`` and ``{difference}``.
FIGURES = ("stated", "computed", "difference")


@dataclass(frozen=True, kw_only=True)
class TargetFinding(Finding):
    """Something the checks have to say about the plan's figures, with the numbers behind it.

    ``message`` is the key of the message under ``targets.msg.``; ``params`` fill it (typed: a figure
    is a ``Num`` with the decimals it is written with), and so do the finding's own sector, year,
    figure (``field``), citation and its stated, computed and difference figures.
    """

    SCALE = TARGET_SEVERITIES

    sector: str
    year: int | None
    field: str
    stated: float | None
    computed: float | None
    difference: float | None
    kind: str
    #: Decimals the stated, computed and difference figures are written with (else the unit's).
    digits: Mapping[str, int] = _dc_field(default_factory=dict, compare=False)

    def message_key(self) -> str:
        return f"targets.msg.{self.message}"

    def figure_digits(self, name: str) -> int:
        """The decimals the figure ``name`` (one of ``FIGURES``) is written with."""
        return self.digits.get(name, UNIT_DIGITS.get(self.unit, 2))

    def message_params(self) -> Mapping[str, Any]:
        values: dict[str, Any] = {
            "sector": sector_param(self.sector),
            "year": "" if self.year is None else str(self.year),
            "field": Text(f"targets.fields.{self.field}"),
            "citation": self.plan_ref,
        }
        for name in FIGURES:
            value = getattr(self, name)
            if value is None:
                continue
            # a year is written without a thousands separator
            values[name] = str(int(value)) if self.field in YEAR_FIELDS else Num(value, self.figure_digits(name))
        return {**values, **self.params}

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
            "citation": self.plan_ref,
            "message": self.text(lang),
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


def sector_param(code: str) -> Any:
    """A ``sector`` code of the targets as a message parameter: a plan sector's name in both languages,
    the whole industry or all seven (catalog words), else the code as written."""
    if code == INDUSTRY:
        return Text("targets.industry")
    if code == ALL_SECTORS:
        return Text("targets.all_sectors")
    for plan_sector in load_plan_sectors():
        if plan_sector.code == code:
            return Bilingual(plan_sector.name("vi"), plan_sector.name("en"))
    return code


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
