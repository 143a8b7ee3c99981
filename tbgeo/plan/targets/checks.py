"""The target checks: recompute every figure that can be recomputed from the others and compare (pure)."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

from tbgeo.i18n import fmt_number
from tbgeo.i18n.params import Num
from tbgeo.plan.sectors import PLAN_SECTOR_CODES
from tbgeo.plan.targets.report import FIGURES, KINDS, Check, TargetFinding, TargetReport
from tbgeo.plan.targets.table import (
    ALL_SECTORS,
    FLOAT_SLACK,
    INDUSTRY,
    NUMERIC_FIELDS,
    YEAR_FIELDS,
    TargetRow,
    cagr_pct,
    implied_start,
    period_text,
    share_pct,
)

__all__ = ["check_targets", "evaluate_targets"]

_NUMBER_TOKEN_RE = re.compile(r"\d{1,3}(?:\.\d{3})+(?:,\d+)?|\d+(?:,\d+)?")


def _interval(value: float, half: float) -> tuple[float, float]:
    return value - half, value + half


def _meets(a: tuple[float, float], b: tuple[float, float]) -> bool:
    return a[0] <= b[1] + FLOAT_SLACK and b[0] <= a[1] + FLOAT_SLACK


class _Collector:
    def __init__(self) -> None:
        self.checks: list[Check] = []
        self.findings: list[TargetFinding] = []

    def compare(
        self,
        row: TargetRow,
        name: str,
        computed: float,
        bounds: tuple[float, float],
        *,
        unit: str,
        message: str,
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
            self.note(
                sector=row.sector,
                year=row.year,
                field=field_name,
                stated=stated,
                computed=computed,
                difference=stated - computed,
                plan_ref=row.citation,
                kind="mismatch",
                severity="error",
                unit=unit,
                message=message,
                params=params,
                digits=digits,
            )
        return agrees

    def note(self, *, params: Mapping[str, Any], digits: Mapping[str, int] | None = None, **fields: Any) -> None:
        """A finding: ``digits`` names the decimals its figures (``FIGURES``) and its float parameters are
        written with; the parameters become typed ones (``_typed_params``)."""
        digits = digits or {}
        self.findings.append(TargetFinding(
            params=_typed_params(params, digits), digits={k: v for k, v in digits.items() if k in FIGURES}, **fields,
        ))


def _typed_params(params: Mapping[str, Any], digits: Mapping[str, int]) -> dict[str, Any]:
    """A finding's message parameters, typed (``tbgeo.i18n.params``): a float is a ``Num`` written with
    ``digits[name]`` decimals (2 by default), an amount in billion VND (``*_bn``) a whole ``Num``; other
    integers (years, counts) and text are written as they are."""
    out: dict[str, Any] = {}
    for name, value in params.items():
        if isinstance(value, float):
            out[name] = Num(value, digits.get(name, 2))
        elif isinstance(value, int) and not isinstance(value, bool):
            out[name] = Num(float(value), 0) if name.endswith("_bn") else str(value)
        else:
            out[name] = value
    return out


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
        written = str(int(value)) if name in YEAR_FIELDS else _vi_written(value, decimals)
        if written not in tokens:
            out.note(
                sector=row.sector,
                year=row.year,
                field=name,
                stated=value,
                computed=None,
                difference=None,
                plan_ref=row.citation,
                kind="transcription",
                severity="error",
                unit="",
                message="transcription",
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
            difference=None, plan_ref=row.citation, kind="not_checkable", severity="info", unit="pct",
            message="share_no_whole", params={},
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
        message="share_mismatch",
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
            difference=None, plan_ref=row.citation, kind="not_checkable", severity="info", unit="pct_per_year",
            message="growth_not_checkable",
            params={
                "period": period_text(row.growth_period),
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
        message="growth_mismatch",
        params={
            "period": period_text(row.growth_period),
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
                message="multiple_mismatch",
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
    params: dict[str, Any] = {"period": period_text(row.growth_period), "min": row.growth_min_pct, "max": row.growth_max_pct,
                              "base_year": base_year}
    digits = {"min": row.written_decimals("growth_min_pct"), "max": row.written_decimals("growth_max_pct")}
    if base is not None:
        s_lo, s_hi = _value_bounds(base)
        e_lo, e_hi = _value_bounds(row)
        computed = cagr_pct(base.value_bn_vnd, row.value_bn_vnd, years)
        bounds = (cagr_pct(s_hi, e_lo, years), cagr_pct(s_lo, e_hi, years))
        message = "range_mismatch_values"
        params.update(start_bn=base.value_bn_vnd, end_bn=row.value_bn_vnd)
        digits.update(start_bn=0, end_bn=0)
    elif multiple_bounds is not None and row.multiple_base_year == base_year:
        computed = 100.0 * (row.multiple ** (1.0 / years) - 1.0)  # type: ignore[operator]
        bounds = (100.0 * (multiple_bounds[0] ** (1.0 / years) - 1.0),
                  100.0 * (multiple_bounds[1] ** (1.0 / years) - 1.0))
        message = "range_mismatch_multiple"
        params.update(multiple=row.multiple, years=years)
        digits.update(multiple=row.written_decimals("multiple"))
    else:
        out.note(
            sector=row.sector, year=row.year, field="growth_range", stated=None, computed=None, difference=None,
            plan_ref=row.citation, kind="not_checkable", severity="info", unit="pct_per_year",
            message="range_not_checkable", params=params, digits=digits,
        )
        return
    derived[f"industry_growth_{row.growth_period}_pct"] = round(computed, 4)
    # "stated" is the figure of the range nearest to the computed rate (the rate itself when inside it),
    # so a disagreement's difference says how far outside the range the values put the rate.
    nearest = min(max(computed, row.growth_min_pct), row.growth_max_pct)
    out.compare(
        row, "growth_min_pct", computed, bounds, unit="pct_per_year", message=message, params=params, digits=digits,
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
        out.note(**common, plan_ref=citation, kind="mismatch", severity="error", message="sum_exceeds",
                 params={"n": len(sectors), "excess_bn": total - whole.value_bn_vnd}, digits={"excess_bn": 0})
        return
    remainder = whole.value_bn_vnd - total
    out.note(
        **common, plan_ref=citation, kind="remainder", severity="info", message="sum_remainder",
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
                  difference=whole_base - point, plan_ref=citation, unit="bn_vnd")
    params: dict[str, Any] = {"base_year": base_year, "period": period_text(whole.growth_period),
                              "multiple": whole.multiple}
    digits = {"multiple": whole.written_decimals("multiple")}
    if lo > whole_base_hi + FLOAT_SLACK:
        out.note(**common, kind="indirect", severity="warning", message="indirect_exceeds",
                 params=params, digits=digits)
        return
    rest_base = whole_base - point
    rest_end = whole.value_bn_vnd - sum(r.value_bn_vnd for r in sectors)
    params.update(rest_base_bn=rest_base, rest_end_bn=rest_end)
    digits.update(rest_base_bn=0, rest_end_bn=0)
    if rest_base > 0 and rest_end > 0:
        params["rest_growth"] = cagr_pct(rest_base, rest_end, years)
        message = "indirect_ok"
    else:
        message = "indirect_ok_short"
    out.note(**common, kind="indirect", severity="info", message=message, params=params, digits=digits)


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
    findings = sorted(
        out.findings,
        key=lambda f: (-f.rank, KINDS.index(f.kind), order.get(f.sector, 99), f.year or 0),
    )
    return TargetReport(rows=tuple(rows), checks=tuple(out.checks), findings=tuple(findings), derived=derived)


def check_targets(rows: Sequence[TargetRow]) -> list[TargetFinding]:
    """The findings of :func:`evaluate_targets`: disagreements first, then what cannot be checked, then notes."""
    return list(evaluate_targets(rows).findings)
