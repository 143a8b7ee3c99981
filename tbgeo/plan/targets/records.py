"""The targets page's tables and chart data (pure; text and numbers written in the reader's language)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from tbgeo.i18n import fmt_number, t
from tbgeo.plan.sectors import PLAN_SECTOR_CODES
from tbgeo.plan.targets.report import Check, TargetFinding, TargetReport, sector_label
from tbgeo.plan.targets.table import INDUSTRY, period_text, share_pct

__all__ = ["chart_records", "checks_records", "findings_records", "table_records"]


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
            col["period"]: period_text(row.growth_period),
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


def findings_records(findings: Iterable[TargetFinding], lang: str = "vi") -> list[dict[str, str]]:
    """Findings as table rows: sector, year, figure, stated, recomputed, difference, citation, severity."""
    col = {k: t(f"targets.col.{k}", lang) for k in ("severity", "sector", "year", "field", "stated", "computed",
                                                      "difference", "citation")}
    out = []
    for f in findings:
        out.append({
            col["severity"]: t(f"targets.severity.{f.severity}", lang),
            col["sector"]: sector_label(f.sector, lang),
            col["year"]: "" if f.year is None else str(f.year),
            col["field"]: t(f"targets.fields.{f.field}", lang),
            col["stated"]: _fmt(f.stated, lang, f.figure_digits("stated")),
            col["computed"]: _fmt(f.computed, lang, f.figure_digits("computed")),
            col["difference"]: _fmt(f.difference, lang, f.figure_digits("difference")),
            col["citation"]: f.plan_ref,
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
