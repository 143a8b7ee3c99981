"""``tbgeo targets``: the plan's output targets and what recomputing them finds."""

from __future__ import annotations

import argparse

from tbgeo.cli import emit_json
from tbgeo.i18n import fmt_number, t
from tbgeo.plan.targets import TargetRow, evaluate_targets, load_targets, report_to_dict, sector_label

NAME = "targets"
HELP_KEY = "targets.cli.help"


def add_arguments(parser: argparse.ArgumentParser, lang: str) -> None:
    parser.add_argument("--format", choices=("text", "json"), default="text", help=t("cli.format_help", lang))
    parser.add_argument("--file", default=None, help=t("targets.cli.file_help", lang))
    parser.add_argument("--strict", action="store_true", help=t("targets.cli.strict_help", lang))


def _cell(row: TargetRow, name: str, lang: str) -> str:
    value = getattr(row, name)
    return "" if value is None else fmt_number(value, lang, row.written_decimals(name))


def _row_line(row: TargetRow, lang: str) -> str:
    growth = _cell(row, "growth_pct", lang)
    if row.growth_min_pct is not None:
        growth = f"{_cell(row, 'growth_min_pct', lang)}–{_cell(row, 'growth_max_pct', lang)}"
    name = sector_label(row.sector, lang)
    return (
        f"  {name[:42]:<42} {row.year}  {_cell(row, 'value_bn_vnd', lang):>9}  "
        f"{_cell(row, 'share_pct', lang):>6}  {growth:>7}  [{row.citation}]"
    )


def run(args: argparse.Namespace) -> int:
    lang = args.lang
    report = evaluate_targets(load_targets(args.file))
    if args.format == "json":
        emit_json(report_to_dict(report, lang))
    else:
        print(t("targets.cli.rows_header", lang))
        print(
            f"  {t('targets.col.sector', lang):<42} {t('targets.col.year', lang):<4}  "
            f"{t('targets.unit_bn', lang):>9}  {'%':>6}  {t('targets.cli.growth_unit', lang):>7}"
        )
        for row in report.rows:
            print(_row_line(row, lang))
        print()
        print(t("targets.summary", lang, **report.summary()))
        print(t("targets.cli.findings_header", lang, n=len(report.findings)))
        for finding in report.findings:
            print(f"  [{t(f'targets.severity.{finding.severity}', lang)}] {finding.text(lang)}")
    if args.strict and report.disagreements:
        return 1
    return 0
