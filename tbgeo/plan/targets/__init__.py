"""The plan's numeric targets (Điều 1, II.2 and IV.1–7 b): load them, recompute them, report disagreements."""

from __future__ import annotations

from tbgeo.plan.targets.checks import check_targets, evaluate_targets
from tbgeo.plan.targets.records import chart_records, checks_records, findings_records, table_records
from tbgeo.plan.targets.report import Check, TargetFinding, TargetReport, report_to_dict, sector_label
from tbgeo.plan.targets.table import (
    ALL_SECTORS,
    CSV_COLUMNS,
    FLOAT_SLACK,
    INDUSTRY,
    NUMERIC_FIELDS,
    ROUNDING_HALF_UNIT,
    TargetRow,
    cagr_pct,
    half_unit,
    implied_start,
    load_targets,
    parse_targets,
    share_pct,
    targets_path,
)

__all__ = [
    "ALL_SECTORS",
    "CSV_COLUMNS",
    "FLOAT_SLACK",
    "INDUSTRY",
    "NUMERIC_FIELDS",
    "ROUNDING_HALF_UNIT",
    "Check",
    "TargetFinding",
    "TargetReport",
    "TargetRow",
    "cagr_pct",
    "chart_records",
    "check_targets",
    "checks_records",
    "evaluate_targets",
    "findings_records",
    "half_unit",
    "implied_start",
    "load_targets",
    "parse_targets",
    "report_to_dict",
    "sector_label",
    "share_pct",
    "table_records",
    "targets_path",
]
