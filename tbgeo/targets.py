"""The plan's numeric targets (Điều 1, II.2 and IV.1–7 b): load them, recompute them, report disagreements."""

from __future__ import annotations

import csv
import math
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Mapping, Sequence

from tbgeo import settings
from tbgeo.errors import InputError
from tbgeo.i18n import fmt_number, t
from tbgeo.plan.sectors import CITATION_RE, PLAN_SECTOR_CODES, load_plan_sectors

__all__ = [
    "INDUSTRY",
    "ALL_SECTORS",
    "CSV_COLUMNS",
    "NUMERIC_FIELDS",
    "ROUNDING_HALF_UNIT",
    "FLOAT_SLACK",
    "TargetRow",
    "Check",
    "Finding",
    "TargetReport",
    "targets_path",
    "load_targets",
    "parse_targets",
    "share_pct",
    "cagr_pct",
    "implied_start",
    "half_unit",
    "evaluate_targets",
    "check_targets",
    "sector_label",
    "report_to_dict",
    "table_records",
    "chart_records",
    "findings_records",
    "checks_records",
]

#: The whole industry (Điều 1, II.2) in the ``sector`` column.
INDUSTRY = "industry"
#: Aggregate findings over the seven plan sectors use this in their ``sector`` field.
ALL_SECTORS = "sectors"

CSV_COLUMNS = (
    "sector",
    "year",
    "value_bn_vnd",
    "share_pct",
    "growth_pct",
    "growth_period",
    "growth_min_pct",
    "growth_max_pct",
    "multiple",
    "multiple_base_year",
    "approx",
    "citation",
    "quote",
)
#: Columns holding figures stated by the plan (their written precision sets their tolerance).
NUMERIC_FIELDS = (
    "value_bn_vnd",
    "share_pct",
    "growth_pct",
    "growth_min_pct",
    "growth_max_pct",
    "multiple",
)

# --- Tolerances ---------------------------------------------------------------------------------------
#: A figure written with d decimals stands for any number within ROUNDING_HALF_UNIT × 10^-d of it:
#: "21.788 tỷ đồng" for 21,787.5–21,788.5, "28,69%" for 28.685–28.695, "1,0%/năm" for 0.95–1.05,
#: "gấp 2,01 lần" for 2.005–2.015, "14% - 15%" for 13.5–15.5. Recomputed shares, growth rates and
#: multiples are carried as intervals over the bounds of their inputs, and a stated figure agrees
#: when its own interval meets the recomputed one. So the tolerance is exactly what rounding allows,
#: row by row, and a wrong digit in the last written place is still caught.
ROUNDING_HALF_UNIT = 0.5
#: Binary floating-point noise only (not a judgement call).
FLOAT_SLACK = 1e-9

_PERIOD_RE = re.compile(r"^(\d{4})-(\d{4})$")
_THOUSANDS_RE = re.compile(r"^\d{1,3}(\.\d{3})+$")
_NUMBER_TOKEN_RE = re.compile(r"\d{1,3}(?:\.\d{3})+(?:,\d+)?|\d+(?:,\d+)?")


def targets_path() -> Path:
    return settings.DATA_DIR / "plan_targets.csv"


def half_unit(decimals: int) -> float:
    """Half a unit in the last written digit: 0 decimals → 0.5, 2 decimals → 0.005."""
    return ROUNDING_HALF_UNIT * 10.0 ** (-decimals)


def _decimals_of(text: str) -> int:
    return len(text.split(".", 1)[1]) if "." in text else 0


def _float_decimals(value: float) -> int:
    text = repr(float(value))
    if "e" in text or "E" in text:
        return 6
    return 0 if text.endswith(".0") else _decimals_of(text)


# --- rows ----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class TargetRow:
    """One target of the plan: a sector (or the whole industry) in one year, as the plan writes it."""

    sector: str
    year: int
    value_bn_vnd: float
    share_pct: float | None = None
    growth_pct: float | None = None
    growth_period: str | None = None
    growth_min_pct: float | None = None
    growth_max_pct: float | None = None
    multiple: float | None = None
    multiple_base_year: int | None = None
    approx: bool = False
    citation: str = ""
    quote: str = ""
    #: Decimals each figure was written with (from the CSV text); missing ones are read off the float.
    decimals: Mapping[str, int] = field(default_factory=dict, compare=False, repr=False)

    def written_decimals(self, name: str) -> int:
        if name in self.decimals:
            return self.decimals[name]
        value = getattr(self, name)
        return 0 if value is None else _float_decimals(value)

    def half_unit(self, name: str) -> float:
        """The rounding half-unit of figure ``name`` as written."""
        return half_unit(self.written_decimals(name))

    def period(self) -> tuple[int, int] | None:
        """``(base_year, end_year)`` of the growth period: "2021-2025" → (2020, 2025)."""
        if not self.growth_period:
            return None
        match = _PERIOD_RE.match(self.growth_period)
        if not match:
            return None
        return int(match.group(1)) - 1, int(match.group(2))

    def to_dict(self) -> dict[str, Any]:
        """The CSV columns with typed values (integers where the plan writes whole numbers)."""
        out: dict[str, Any] = {}
        for name in CSV_COLUMNS:
            value = getattr(self, name)
            if name in NUMERIC_FIELDS and value is not None and self.written_decimals(name) == 0:
                value = int(round(value))
            out[name] = value
        return out


def _bad_number(path: str, line: int, column: str, value: str) -> InputError:
    return InputError("targets.errors.bad_number", file=path, line=line, column=column, value=value)


def _parse_float(text: str, *, path: str, line: int, column: str) -> tuple[float | None, int]:
    text = text.strip()
    if not text:
        return None, 0
    if "," in text or (column == "value_bn_vnd" and _THOUSANDS_RE.match(text)):
        raise _bad_number(path, line, column, text)
    try:
        value = float(text)
    except ValueError:
        raise _bad_number(path, line, column, text) from None
    if not math.isfinite(value) or value < 0:
        raise _bad_number(path, line, column, text)
    return value, _decimals_of(text)


def _parse_int(text: str, *, path: str, line: int, column: str) -> int | None:
    text = text.strip()
    if not text:
        return None
    if not text.isdigit():
        raise _bad_number(path, line, column, text)
    return int(text)


def parse_targets(records: Iterable[Mapping[str, str]], *, source: str = "plan_targets.csv") -> list[TargetRow]:
    """Validate CSV records (dicts of strings) and build TargetRows; pure, no IO."""
    valid_sectors = (INDUSTRY, *PLAN_SECTOR_CODES)
    rows: list[TargetRow] = []
    seen: dict[tuple[str, int], int] = {}
    for line, rec in enumerate(records, start=2):
        text = {k: unicodedata.normalize("NFC", (v or "")).strip() for k, v in rec.items() if k is not None}
        sector = text.get("sector", "")
        if sector not in valid_sectors:
            raise InputError(
                "targets.errors.unknown_sector", file=source, line=line, value=sector, allowed=", ".join(valid_sectors)
            )
        year = _parse_int(text.get("year", ""), path=source, line=line, column="year")
        if year is None:
            raise _bad_number(source, line, "year", "")
        numbers: dict[str, float | None] = {}
        decimals: dict[str, int] = {}
        for name in NUMERIC_FIELDS:
            numbers[name], decimals[name] = _parse_float(text.get(name, ""), path=source, line=line, column=name)
        if not numbers["value_bn_vnd"]:
            raise _bad_number(source, line, "value_bn_vnd", text.get("value_bn_vnd", ""))
        share = numbers["share_pct"]
        if share is not None and not 0 < share <= 100:
            raise _bad_number(source, line, "share_pct", text["share_pct"])
        period = text.get("growth_period") or None
        if period is not None:
            match = _PERIOD_RE.match(period)
            if not match or int(match.group(2)) != year or int(match.group(1)) >= year:
                raise InputError("targets.errors.bad_period", file=source, line=line, value=period, year=year)
        gmin, gmax = numbers["growth_min_pct"], numbers["growth_max_pct"]
        if (gmin is None) != (gmax is None) or (gmin is not None and gmax is not None and gmin > gmax):
            raise InputError("targets.errors.bad_range", file=source, line=line)
        base_year = _parse_int(text.get("multiple_base_year", ""), path=source, line=line, column="multiple_base_year")
        if (numbers["multiple"] is None) != (base_year is None) or (base_year is not None and base_year >= year):
            raise InputError("targets.errors.bad_multiple", file=source, line=line)
        approx_text = text.get("approx", "").lower()
        if approx_text not in ("", "true", "false"):
            raise InputError("targets.errors.bad_flag", file=source, line=line, column="approx", value=approx_text)
        citation = text.get("citation", "")
        if not CITATION_RE.match(citation):
            raise InputError("targets.errors.bad_citation", file=source, line=line, value=citation)
        key = (sector, year)
        if key in seen:
            raise InputError("targets.errors.duplicate_row", file=source, line=line, sector=sector, year=year, first=seen[key])
        seen[key] = line
        rows.append(
            TargetRow(
                sector=sector,
                year=year,
                value_bn_vnd=numbers["value_bn_vnd"],  # type: ignore[arg-type]
                share_pct=share,
                growth_pct=numbers["growth_pct"],
                growth_period=period,
                growth_min_pct=gmin,
                growth_max_pct=gmax,
                multiple=numbers["multiple"],
                multiple_base_year=base_year,
                approx=approx_text == "true",
                citation=citation,
                quote=text.get("quote", ""),
                decimals=decimals,
            )
        )
    if not rows:
        raise InputError("targets.errors.empty", file=source)
    return rows


def load_targets(path: Path | str | None = None) -> list[TargetRow]:
    """The plan's targets from ``data/plan_targets.csv`` (or ``path``): UTF-8 CSV, one row per sector and year."""
    path = Path(path) if path is not None else targets_path()
    try:
        with path.open(encoding="utf-8-sig", newline="") as fh:
            reader = csv.DictReader(fh)
            columns = list(reader.fieldnames or [])
            missing = [c for c in CSV_COLUMNS if c not in columns]
            unknown = [c for c in columns if c not in CSV_COLUMNS]
            if missing or unknown:
                raise InputError(
                    "targets.errors.bad_columns",
                    file=str(path),
                    missing=", ".join(missing) or "—",
                    unknown=", ".join(unknown) or "—",
                    expected=", ".join(CSV_COLUMNS),
                )
            records = list(reader)
    except FileNotFoundError:
        raise InputError("targets.errors.not_found", file=str(path)) from None
    except UnicodeDecodeError:
        raise InputError("targets.errors.bad_encoding", file=str(path)) from None
    except csv.Error as exc:
        raise InputError("targets.errors.bad_csv", file=str(path), detail=str(exc)) from None
    return parse_targets(records, source=str(path))


# --- pure computations -------------------------------------------------------------------------------


def share_pct(value: float, whole: float) -> float:
    """``value`` as a percentage of ``whole``."""
    return 100.0 * value / whole


def cagr_pct(start: float, end: float, years: int) -> float:
    """Average yearly growth (compound) from ``start`` to ``end`` over ``years`` years, in %/year."""
    return 100.0 * ((end / start) ** (1.0 / years) - 1.0)


def implied_start(end: float, growth_pct: float, years: int) -> float:
    """The starting value that ``growth_pct`` %/year over ``years`` years turns into ``end``."""
    return end / (1.0 + growth_pct / 100.0) ** years


def _interval(value: float, half: float) -> tuple[float, float]:
    return value - half, value + half


def _meets(a: tuple[float, float], b: tuple[float, float]) -> bool:
    return a[0] <= b[1] + FLOAT_SLACK and b[0] <= a[1] + FLOAT_SLACK


# --- results -----------------------------------------------------------------------------------------


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


#: Finding kinds: a stated figure disagrees with the recomputed one; a figure differs from the quoted
#: words of the plan; a figure cannot be checked; the seven sectors do not make up the whole; a partial
#: (indirect) check of figures that cannot be checked one by one.
KINDS = ("mismatch", "transcription", "not_checkable", "remainder", "indirect")
SEVERITIES = ("error", "warning", "info")


@dataclass(frozen=True)
class Finding:
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
    params: Mapping[str, Any] = field(default_factory=dict, compare=False)
    #: Decimals used when a float parameter is written into the message.
    digits: Mapping[str, int] = field(default_factory=dict, compare=False)

    def message(self, lang: str = "vi") -> str:
        """The finding in ``lang``, numbers written the way that language writes them."""
        values: dict[str, Any] = {
            "sector": sector_label(self.sector, lang),
            "year": self.year if self.year is not None else "",
            "field": t(f"targets.fields.{self.field}", lang),
            "citation": self.citation,
        }
        base_digits = _UNIT_DIGITS.get(self.unit, 2)
        for name in ("stated", "computed", "difference"):
            value = getattr(self, name)
            if value is None:
                continue
            if self.field in _YEAR_FIELDS:
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


_YEAR_FIELDS = ("year", "multiple_base_year")
_UNIT_DIGITS = {"pct": 2, "pp": 2, "pct_per_year": 2, "ratio": 3, "bn_vnd": 0}


@dataclass(frozen=True)
class TargetReport:
    """Everything the checks found: every comparison made, the findings, and figures derived on the way."""

    rows: tuple[TargetRow, ...]
    checks: tuple[Check, ...]
    findings: tuple[Finding, ...]
    derived: Mapping[str, Any]

    @property
    def disagreements(self) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings if f.kind in ("mismatch", "transcription") or f.severity != "info")

    @property
    def not_checkable(self) -> tuple[Finding, ...]:
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


# --- the checks --------------------------------------------------------------------------------------


class _Collector:
    def __init__(self) -> None:
        self.checks: list[Check] = []
        self.findings: list[Finding] = []

    def compare(
        self,
        row: TargetRow,
        name: str,
        computed: float,
        bounds: tuple[float, float],
        *,
        unit: str,
        key: str,
        params: Mapping[str, Any],
        digits: Mapping[str, int] | None = None,
        stated_bounds: tuple[float, float] | None = None,
        stated: float | None = None,
        field_name: str | None = None,
        written_range: tuple[float, float] | None = None,
    ) -> bool:
        stated = getattr(row, name) if stated is None else stated
        stated_bounds = stated_bounds or _interval(stated, row.half_unit(name))
        agrees = _meets(stated_bounds, bounds)
        field_name = field_name or name
        self.checks.append(
            Check(
                sector=row.sector,
                year=row.year,
                field=field_name,
                stated=stated,
                computed=computed,
                low=bounds[0],
                high=bounds[1],
                stated_low=stated_bounds[0],
                stated_high=stated_bounds[1],
                agrees=agrees,
                citation=row.citation,
                unit=unit,
                written_range=written_range,
            )
        )
        if not agrees:
            digits = dict(digits or {})
            if field_name in NUMERIC_FIELDS:
                digits.setdefault("stated", row.written_decimals(name))
            self.findings.append(
                Finding(
                    sector=row.sector,
                    year=row.year,
                    field=field_name,
                    stated=stated,
                    computed=computed,
                    difference=stated - computed,
                    citation=row.citation,
                    kind="mismatch",
                    severity="error",
                    unit=unit,
                    key=key,
                    params=dict(params),
                    digits=digits,
                )
            )
        return agrees

    def note(self, **kwargs: Any) -> None:
        self.findings.append(Finding(**kwargs))


def _dash(period: str | None) -> str:
    """"2016-2020" as text shows it: "2016–2020"."""
    return (period or "").replace("-", "–")


def _vi_written(value: float, decimals: int) -> str:
    return fmt_number(value, "vi", decimals)


def _check_transcription(row: TargetRow, out: _Collector) -> None:
    """Every figure of the row must appear, written as the plan writes it, in the row's quote."""
    if not row.quote:
        return
    tokens = set(_NUMBER_TOKEN_RE.findall(row.quote))
    figures: list[tuple[str, float, int]] = [("year", float(row.year), 0)]
    for name in NUMERIC_FIELDS:
        value = getattr(row, name)
        if value is not None:
            figures.append((name, value, row.written_decimals(name)))
    if row.multiple_base_year is not None:
        figures.append(("multiple_base_year", float(row.multiple_base_year), 0))
    for name, value, decimals in figures:
        written = str(int(value)) if name in _YEAR_FIELDS else _vi_written(value, decimals)
        if written not in tokens:
            out.note(
                sector=row.sector,
                year=row.year,
                field=name,
                stated=value,
                computed=None,
                difference=None,
                citation=row.citation,
                kind="transcription",
                severity="error",
                unit="",
                key="targets.msg.transcription",
                params={"written": written, "quote": row.quote},
                digits={"stated": decimals},
            )


def _value_bounds(row: TargetRow) -> tuple[float, float]:
    return _interval(row.value_bn_vnd, row.half_unit("value_bn_vnd"))


def _check_share(row: TargetRow, whole: TargetRow | None, out: _Collector) -> None:
    if row.share_pct is None:
        return
    if whole is None:
        out.note(
            sector=row.sector, year=row.year, field="share_pct", stated=row.share_pct, computed=None,
            difference=None, citation=row.citation, kind="not_checkable", severity="info", unit="pct",
            key="targets.msg.share_no_whole", params={},
        )
        return
    v_lo, v_hi = _value_bounds(row)
    w_lo, w_hi = _value_bounds(whole)
    out.compare(
        row,
        "share_pct",
        share_pct(row.value_bn_vnd, whole.value_bn_vnd),
        (share_pct(v_lo, w_hi), share_pct(v_hi, w_lo)),
        unit="pct",
        key="targets.msg.share_mismatch",
        params={"value_bn": row.value_bn_vnd, "whole_bn": whole.value_bn_vnd},
        digits={"value_bn": row.written_decimals("value_bn_vnd"), "whole_bn": whole.written_decimals("value_bn_vnd")},
    )


def _check_sector_growth(row: TargetRow, by_key: Mapping[tuple[str, int], TargetRow], out: _Collector) -> None:
    if row.growth_pct is None:
        return
    period = row.period()
    if period is None:
        return
    base_year, end_year = period
    years = end_year - base_year
    base = by_key.get((row.sector, base_year))
    if base is None:
        out.note(
            sector=row.sector, year=row.year, field="growth_pct", stated=row.growth_pct, computed=None,
            difference=None, citation=row.citation, kind="not_checkable", severity="info", unit="pct_per_year",
            key="targets.msg.growth_not_checkable",
            params={
                "period": _dash(row.growth_period),
                "base_year": base_year,
                "implied_base_bn": implied_start(row.value_bn_vnd, row.growth_pct, years),
            },
            digits={"implied_base_bn": 0, "stated": row.written_decimals("growth_pct")},
        )
        return
    s_lo, s_hi = _value_bounds(base)
    e_lo, e_hi = _value_bounds(row)
    out.compare(
        row,
        "growth_pct",
        cagr_pct(base.value_bn_vnd, row.value_bn_vnd, years),
        (cagr_pct(s_hi, e_lo, years), cagr_pct(s_lo, e_hi, years)),
        unit="pct_per_year",
        key="targets.msg.growth_mismatch",
        params={
            "period": _dash(row.growth_period),
            "base_year": base_year,
            "start_bn": base.value_bn_vnd,
            "end_bn": row.value_bn_vnd,
            "implied_end_bn": base.value_bn_vnd * (1 + row.growth_pct / 100.0) ** years,
        },
        digits={"start_bn": 0, "end_bn": 0, "implied_end_bn": 0},
    )


def _check_industry(row: TargetRow, by_key: Mapping[tuple[str, int], TargetRow], out: _Collector,
                    derived: dict[str, Any]) -> None:
    period = row.period()
    # The multiple "gấp khoảng m lần so với năm b"
    multiple_bounds: tuple[float, float] | None = None
    if row.multiple is not None and row.multiple_base_year is not None:
        m_lo, m_hi = _interval(row.multiple, row.half_unit("multiple"))
        base = by_key.get((INDUSTRY, row.multiple_base_year))
        v_lo, v_hi = _value_bounds(row)
        if base is not None:
            b_lo, b_hi = _value_bounds(base)
            out.compare(
                row,
                "multiple",
                row.value_bn_vnd / base.value_bn_vnd,
                (v_lo / b_hi, v_hi / b_lo),
                unit="ratio",
                key="targets.msg.multiple_mismatch",
                params={"base_year": base.year, "start_bn": base.value_bn_vnd, "end_bn": row.value_bn_vnd},
                digits={"start_bn": 0, "end_bn": 0, "stated": row.written_decimals("multiple"),
                        "computed": 4, "difference": 4},
            )
        else:
            # No row for the base year: the base value is derived from this row and its multiple.
            derived[f"industry_{row.multiple_base_year}_value_bn_vnd"] = {
                "year": row.multiple_base_year,
                "multiple": row.multiple,
                "value": round(row.value_bn_vnd / row.multiple, 2),
                "low": round(v_lo / m_hi, 2),
                "high": round(v_hi / m_lo, 2),
                "from": f"{row.value_bn_vnd:g} / {row.multiple:g}",
                "citation": row.citation,
            }
            multiple_bounds = (m_lo, m_hi)
    # The growth range "khoảng a% - b%/năm" against the values (or the multiple when the base year is absent)
    if row.growth_min_pct is None or row.growth_max_pct is None or period is None:
        return
    base_year, end_year = period
    years = end_year - base_year
    stated_bounds = (
        row.growth_min_pct - row.half_unit("growth_min_pct"),
        row.growth_max_pct + row.half_unit("growth_max_pct"),
    )
    base = by_key.get((INDUSTRY, base_year))
    params: dict[str, Any] = {"period": _dash(row.growth_period), "min": row.growth_min_pct, "max": row.growth_max_pct,
                              "base_year": base_year}
    digits = {"min": row.written_decimals("growth_min_pct"), "max": row.written_decimals("growth_max_pct")}
    if base is not None:
        s_lo, s_hi = _value_bounds(base)
        e_lo, e_hi = _value_bounds(row)
        computed = cagr_pct(base.value_bn_vnd, row.value_bn_vnd, years)
        bounds = (cagr_pct(s_hi, e_lo, years), cagr_pct(s_lo, e_hi, years))
        key = "targets.msg.range_mismatch_values"
        params.update(start_bn=base.value_bn_vnd, end_bn=row.value_bn_vnd)
        digits.update(start_bn=0, end_bn=0)
    elif multiple_bounds is not None and row.multiple_base_year == base_year:
        computed = 100.0 * (row.multiple ** (1.0 / years) - 1.0)  # type: ignore[operator]
        bounds = (100.0 * (multiple_bounds[0] ** (1.0 / years) - 1.0),
                  100.0 * (multiple_bounds[1] ** (1.0 / years) - 1.0))
        key = "targets.msg.range_mismatch_multiple"
        params.update(multiple=row.multiple, years=years)
        digits.update(multiple=row.written_decimals("multiple"))
    else:
        out.note(
            sector=row.sector, year=row.year, field="growth_range", stated=None, computed=None, difference=None,
            citation=row.citation, kind="not_checkable", severity="info", unit="pct_per_year",
            key="targets.msg.range_not_checkable", params=params, digits=digits,
        )
        return
    derived[f"industry_growth_{row.growth_period}_pct"] = round(computed, 4)
    # "stated" is the figure of the range nearest to the computed rate (the rate itself when inside it),
    # so a disagreement's difference says how far outside the range the values put the rate.
    nearest = min(max(computed, row.growth_min_pct), row.growth_max_pct)
    out.compare(
        row, "growth_min_pct", computed, bounds, unit="pct_per_year", key=key, params=params, digits=digits,
        stated_bounds=stated_bounds, stated=nearest, field_name="growth_range",
        written_range=(row.growth_min_pct, row.growth_max_pct),
    )


def _check_sum(year: int, sectors: Sequence[TargetRow], whole: TargetRow, out: _Collector,
               derived: dict[str, Any]) -> None:
    total = sum(r.value_bn_vnd for r in sectors)
    total_lo = sum(_value_bounds(r)[0] for r in sectors)
    w_hi = _value_bounds(whole)[1]
    derived[f"sectors_sum_{year}_bn_vnd"] = total
    common = dict(sector=ALL_SECTORS, year=year, field="value_bn_vnd", stated=whole.value_bn_vnd,
                  computed=total, difference=whole.value_bn_vnd - total, unit="bn_vnd")
    citation = f"{whole.citation}; Điều 1, IV.1–7.b"
    if total_lo > w_hi + FLOAT_SLACK:
        out.note(**common, citation=citation, kind="mismatch", severity="error", key="targets.msg.sum_exceeds",
                 params={"n": len(sectors), "excess_bn": total - whole.value_bn_vnd}, digits={"excess_bn": 0})
        return
    remainder = whole.value_bn_vnd - total
    out.note(
        **common, citation=citation, kind="remainder", severity="info", key="targets.msg.sum_remainder",
        params={
            "n": len(sectors),
            "coverage": share_pct(total, whole.value_bn_vnd),
            "remainder_bn": remainder,
            "remainder_pct": share_pct(remainder, whole.value_bn_vnd),
        },
        digits={"remainder_bn": 0},
    )


def _check_indirect(rows: Sequence[TargetRow], whole: TargetRow, out: _Collector, derived: dict[str, Any]) -> None:
    """The 2016–2020 sector rates cannot be checked one by one; their sum can be held against the whole."""
    if whole.multiple is None or whole.multiple_base_year is None or whole.period() is None:
        return
    base_year, end_year = whole.period()  # type: ignore[misc]
    if whole.multiple_base_year != base_year:
        return
    years = end_year - base_year
    if any(r.sector != INDUSTRY and r.year == base_year for r in rows):
        return  # the base-year sector values are given: each rate is checked directly instead
    sectors = [r for r in rows if r.sector != INDUSTRY and r.year == whole.year and r.growth_pct is not None
               and r.period() == (base_year, end_year)]
    if len(sectors) != len(PLAN_SECTOR_CODES):
        return
    lo = point = 0.0
    for r in sectors:
        v_lo = _value_bounds(r)[0]
        hu = r.half_unit("growth_pct")
        point += implied_start(r.value_bn_vnd, r.growth_pct, years)  # type: ignore[arg-type]
        lo += implied_start(v_lo, r.growth_pct + hu, years)  # type: ignore[operator]
    w_hi = _value_bounds(whole)[1]
    m_lo = whole.multiple - whole.half_unit("multiple")
    whole_base = whole.value_bn_vnd / whole.multiple
    whole_base_hi = w_hi / m_lo
    derived[f"sectors_implied_{base_year}_bn_vnd"] = round(point, 2)
    citation = f"{whole.citation}; Điều 1, IV.1–7.b"
    common = dict(sector=ALL_SECTORS, year=whole.year, field="growth_pct", stated=whole_base, computed=point,
                  difference=whole_base - point, citation=citation, unit="bn_vnd")
    params: dict[str, Any] = {"base_year": base_year, "period": _dash(whole.growth_period),
                              "multiple": whole.multiple}
    digits = {"multiple": whole.written_decimals("multiple")}
    if lo > whole_base_hi + FLOAT_SLACK:
        out.note(**common, kind="indirect", severity="warning", key="targets.msg.indirect_exceeds",
                 params=params, digits=digits)
        return
    rest_base = whole_base - point
    rest_end = whole.value_bn_vnd - sum(r.value_bn_vnd for r in sectors)
    params.update(rest_base_bn=rest_base, rest_end_bn=rest_end)
    digits.update(rest_base_bn=0, rest_end_bn=0)
    if rest_base > 0 and rest_end > 0:
        params["rest_growth"] = cagr_pct(rest_base, rest_end, years)
        key = "targets.msg.indirect_ok"
    else:
        key = "targets.msg.indirect_ok_short"
    out.note(**common, kind="indirect", severity="info", key=key, params=params, digits=digits)


def evaluate_targets(rows: Sequence[TargetRow]) -> TargetReport:
    """Recompute every figure that can be recomputed from the others and compare it with the stated one."""
    by_key = {(r.sector, r.year): r for r in rows}
    out = _Collector()
    derived: dict[str, Any] = {}
    for row in rows:
        _check_transcription(row, out)
    for row in rows:
        if row.sector == INDUSTRY:
            _check_industry(row, by_key, out, derived)
    for row in rows:
        if row.sector == INDUSTRY:
            continue
        _check_share(row, by_key.get((INDUSTRY, row.year)), out)
        _check_sector_growth(row, by_key, out)
    years = sorted({r.year for r in rows if r.sector != INDUSTRY})
    for year in years:
        whole = by_key.get((INDUSTRY, year))
        sectors = [r for r in rows if r.sector != INDUSTRY and r.year == year]
        if whole is not None and sectors:
            _check_sum(year, sectors, whole, out, derived)
    for row in rows:
        if row.sector == INDUSTRY:
            _check_indirect(rows, row, out, derived)
    order = {code: i for i, code in enumerate((INDUSTRY, *PLAN_SECTOR_CODES, ALL_SECTORS))}
    severity = {s: i for i, s in enumerate(SEVERITIES)}
    findings = sorted(
        out.findings,
        key=lambda f: (severity[f.severity], KINDS.index(f.kind), order.get(f.sector, 99), f.year or 0),
    )
    return TargetReport(rows=tuple(rows), checks=tuple(out.checks), findings=tuple(findings), derived=derived)


def check_targets(rows: Sequence[TargetRow]) -> list[Finding]:
    """The findings of :func:`evaluate_targets`: disagreements first, then what cannot be checked, then notes."""
    return list(evaluate_targets(rows).findings)


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


# --- tables and chart data for the page (pure; text in the user's language) ---------------------------


def _fmt(value: float | None, lang: str, digits: int) -> str:
    return "" if value is None else fmt_number(value, lang, digits)


def table_records(report: TargetReport, lang: str = "vi") -> list[dict[str, str]]:
    """The targets table: one dict per row, column titles and numbers written for ``lang``."""
    col = {k: t(f"targets.col.{k}", lang) for k in ("sector", "year", "value", "share", "growth", "period",
                                                      "multiple", "citation")}
    out = []
    for row in report.rows:
        growth = _fmt(row.growth_pct, lang, row.written_decimals("growth_pct"))
        if row.growth_min_pct is not None and row.growth_max_pct is not None:
            growth = (f"{_fmt(row.growth_min_pct, lang, row.written_decimals('growth_min_pct'))}–"
                      f"{_fmt(row.growth_max_pct, lang, row.written_decimals('growth_max_pct'))}")
        multiple = ""
        if row.multiple is not None:
            multiple = f"{_fmt(row.multiple, lang, row.written_decimals('multiple'))} × {row.multiple_base_year}"
        out.append({
            col["sector"]: sector_label(row.sector, lang),
            col["year"]: str(row.year),
            col["value"]: _fmt(row.value_bn_vnd, lang, row.written_decimals("value_bn_vnd")),
            col["share"]: _fmt(row.share_pct, lang, row.written_decimals("share_pct")),
            col["growth"]: growth,
            col["period"]: _dash(row.growth_period),
            col["multiple"]: multiple,
            col["citation"]: row.citation,
        })
    return out


def chart_records(report: TargetReport, lang: str = "vi") -> list[dict[str, Any]]:
    """Long-format chart data: one record per plan sector (and "other industries") and year.

    ``value`` is the stated output value; ``share`` the stated share (for "other industries", the
    whole-industry value minus the seven sectors, as a share of the whole); ``share_computed`` is
    value ÷ whole-industry value. Text fields are ready for tooltips in ``lang``.
    """
    by_key = {(r.sector, r.year): r for r in report.rows}
    years = sorted({r.year for r in report.rows if r.sector != INDUSTRY})
    out: list[dict[str, Any]] = []
    order = 0
    for code in PLAN_SECTOR_CODES:
        for year in years:
            row = by_key.get((code, year))
            if row is None:
                continue
            whole = by_key.get((INDUSTRY, year))
            computed = share_pct(row.value_bn_vnd, whole.value_bn_vnd) if whole else None
            out.append(_chart_record(code, year, row.value_bn_vnd, row.share_pct, computed, order, lang))
        order += 1
    for year in years:
        whole = by_key.get((INDUSTRY, year))
        sectors = [r for r in report.rows if r.sector != INDUSTRY and r.year == year]
        if whole is None or len(sectors) != len(PLAN_SECTOR_CODES):
            continue
        rest = whole.value_bn_vnd - sum(r.value_bn_vnd for r in sectors)
        share = share_pct(rest, whole.value_bn_vnd)
        out.append(_chart_record("other", year, rest, share, share, order, lang))
    return out


def _chart_record(code: str, year: int, value: float, share: float | None, computed: float | None,
                  order: int, lang: str) -> dict[str, Any]:
    label = t("targets.other_sectors", lang) if code == "other" else sector_label(code, lang)
    return {
        "code": code,
        "sector": label,
        "order": order,
        "year": str(year),
        "value": value,
        "share": share,
        "share_computed": computed,
        "value_text": fmt_number(value, lang, 0),
        "share_text": "" if share is None else fmt_number(share, lang, 2),
    }


def findings_records(findings: Iterable[Finding], lang: str = "vi") -> list[dict[str, str]]:
    """Findings as table rows: sector, year, figure, stated, recomputed, difference, citation, severity."""
    col = {k: t(f"targets.col.{k}", lang) for k in ("severity", "sector", "year", "field", "stated", "computed",
                                                      "difference", "citation")}
    out = []
    for f in findings:
        digits = f.digits.get("stated", _UNIT_DIGITS.get(f.unit, 2))
        out.append({
            col["severity"]: t(f"targets.severity.{f.severity}", lang),
            col["sector"]: sector_label(f.sector, lang),
            col["year"]: "" if f.year is None else str(f.year),
            col["field"]: t(f"targets.fields.{f.field}", lang),
            col["stated"]: _fmt(f.stated, lang, digits),
            col["computed"]: _fmt(f.computed, lang, f.digits.get("computed", _UNIT_DIGITS.get(f.unit, 2))),
            col["difference"]: _fmt(f.difference, lang, f.digits.get("difference", _UNIT_DIGITS.get(f.unit, 2))),
            col["citation"]: f.citation,
        })
    return out


def checks_records(checks: Iterable[Check], lang: str = "vi") -> list[dict[str, str]]:
    """Every comparison made, agreeing or not, as table rows."""
    col = {k: t(f"targets.col.{k}", lang) for k in ("sector", "year", "field", "stated", "computed",
                                                      "computed_range", "agrees", "citation")}
    out = []
    for c in checks:
        digits = 4 if c.unit == "ratio" else 2
        out.append({
            col["sector"]: sector_label(c.sector, lang),
            col["year"]: str(c.year),
            col["field"]: t(f"targets.fields.{c.field}", lang),
            col["stated"]: (
                _fmt(c.stated, lang, 2) if c.written_range is None
                else f"{_fmt(c.written_range[0], lang, 0)}–{_fmt(c.written_range[1], lang, 0)}"
            ),
            col["computed"]: _fmt(c.computed, lang, digits),
            col["computed_range"]: f"{_fmt(c.low, lang, digits + 2)} – {_fmt(c.high, lang, digits + 2)}",
            col["agrees"]: t("targets.yes_no.yes" if c.agrees else "targets.yes_no.no", lang),
            col["citation"]: c.citation,
        })
    return out
