"""``tbgeo sectors``: the sector list with each sector's status under the plan and its citation."""

from __future__ import annotations

import argparse

from tbgeo.cli import emit_json
from tbgeo.i18n import t
from tbgeo.plan.sectors import STATUSES, get_sector, load_sectors

NAME = "sectors"
HELP_KEY = "sectors.cli.help"


def add_arguments(parser: argparse.ArgumentParser, lang: str) -> None:
    parser.add_argument("--format", choices=("text", "json"), default="text", help=t("cli.format_help", lang))
    parser.add_argument("--code", default=None, help=t("sectors.cli.code_help", lang))
    parser.add_argument("--status", choices=STATUSES, default=None, help=t("sectors.cli.status_help", lang))


def run(args: argparse.Namespace) -> int:
    lang = args.lang
    sectors = [get_sector(args.code)] if args.code else load_sectors()
    if args.status:
        sectors = [s for s in sectors if s.status == args.status]
    if args.format == "json":
        rows = []
        for sector in sectors:
            row = sector.to_dict(lang)
            row["status_label"] = t(f"sectors.status.{sector.status}", lang)
            rows.append(row)
        emit_json(rows)
        return 0
    print(t("sectors.cli.header", lang, n=len(sectors)))
    for sector in sectors:
        status = t(f"sectors.status.{sector.status}", lang)
        print(f"  {sector.code:<24} {sector.name(lang)[:48]:<48} {status:<20} [{sector.citation}]")
    return 0
