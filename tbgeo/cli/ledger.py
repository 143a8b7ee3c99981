"""``tbgeo ledger``: rice land that approved and pending proposals would convert, per district, vs the quota."""

from __future__ import annotations

import argparse

from tbgeo.catalog import load_catalog
from tbgeo.cli import emit_json
from tbgeo.i18n import fmt_number, t
from tbgeo.places import communes_frame
from tbgeo.places.crosswalk import crosswalk
from tbgeo.review.config import load_config
from tbgeo.store import open_store

NAME = "ledger"
HELP_KEY = "review.cli.ledger_help"


def add_arguments(parser: argparse.ArgumentParser, lang: str) -> None:
    parser.add_argument("--config", metavar="PATH", help=t("review.cli.config_help", lang))
    parser.add_argument("--format", choices=("text", "json"), default="text", help=t("cli.format_help", lang))
    parser.add_argument("--by", choices=("district", "commune"), default="district", help=t("places.cli.ledger_by_help", lang))


def run(args: argparse.Namespace) -> int:
    # the ledger's GIS (geopandas, rasterio) loads only when the command runs, not at every start
    from tbgeo.review.ledger import rice_ledger, rice_ledger_by_commune

    lang = args.lang
    cfg = load_config(args.config).ledger
    proposals = open_store(create=False).proposals()
    if args.by == "commune":
        ledger = rice_ledger_by_commune(proposals, communes=communes_frame(load_catalog()), config=cfg)
    else:
        ledger = rice_ledger(proposals, config=cfg)
    if args.format == "json":
        emit_json(ledger.to_dict())
        return 0
    print(t("places.ledger_header_commune" if args.by == "commune" else "review.cli.ledger_header", lang))
    for row in [*ledger.rows, ledger.total]:
        outside = t("places.ledger_outside", lang) if ledger.by == "commune" else t("review.page.outside", lang)
        name = t("review.page.total", lang) if row is ledger.total else (row.district or outside)
        quota = "—" if row.quota_ha is None else fmt_number(row.quota_ha, lang, 2)
        print(
            t(
                "review.cli.ledger_row",
                lang,
                district=name,
                approved=fmt_number(row.approved_ha, lang, 2),
                pending=fmt_number(row.pending_ha, lang, 2),
                total=fmt_number(row.total_ha, lang, 2),
                quota=quota,
            )
        )
        if ledger.by == "district" and row.code:

            new = crosswalk().new_of_district(row.code)
            if new:
                print(t("places.ledger_district_new", lang, new=", ".join(u.full_name for u in new)))
    for row in ledger.over_quota:
        name = t("review.page.total", lang) if row is ledger.total else row.district
        print(t("review.page.over_quota", lang, district=name, total=fmt_number(row.total_ha, lang, 2),
                quota=fmt_number(row.quota_ha or 0.0, lang, 2)))
    return 0
