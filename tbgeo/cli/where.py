"""``tbgeo where NAME_OR_CODE``: a place by its old or new name or GSO code, in both administrative systems."""

from __future__ import annotations

import argparse

from tbgeo.catalog import load_catalog
from tbgeo.cli import emit_json
from tbgeo.i18n import t
from tbgeo.places import crosswalk, describe, load_sources, search
from tbgeo.places.search import extent_text

NAME = "where"
HELP_KEY = "places.cli.where_help"


def add_arguments(parser: argparse.ArgumentParser, lang: str) -> None:
    parser.add_argument("query", metavar="NAME_OR_CODE", help=t("places.cli.query_help", lang))
    parser.add_argument("--format", choices=("text", "json"), default="text", help=t("cli.format_help", lang))


def run(args: argparse.Namespace) -> int:

    lang = args.lang
    catalog = load_catalog()
    places = search(args.query, load_sources(catalog))  # nothing found: PlaceNotFound → exit 2 with close names
    cw = crosswalk()
    if args.format == "json":
        emit_json([p.to_dict(lang, cw) for p in places])
        return 0
    if len(places) > 1:
        print(t("places.result_count", lang, count=len(places), query=args.query.strip()))
    for p in places:
        print(f"- [{t(f'places.kind.{p.kind}', lang)}] {describe(p, lang, cw)}")
        extent = extent_text(p, lang, catalog)
        code = t("places.codes", lang, code=p.code) + " · " if p.kind in ("new_unit", "old_commune", "district") else ""
        print(f"  {code}{extent}")
    return 0
