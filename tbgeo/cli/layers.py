"""``tbgeo layers``: list the catalog's layers with counts, CRS, source, provenance and citation."""

from __future__ import annotations

import argparse

from tbgeo.catalog import load_catalog
from tbgeo.cli import emit_json
from tbgeo.i18n import t

NAME = "layers"
HELP_KEY = "cli.layers_help"


def add_arguments(parser: argparse.ArgumentParser, lang: str) -> None:
    parser.add_argument("--format", choices=("text", "json"), default="text", help=t("cli.format_help", lang))


def run(args: argparse.Namespace) -> int:
    catalog = load_catalog()
    rows = [layer.to_dict(args.lang) for layer in [*catalog, *catalog.optional]]
    if args.format == "json":
        emit_json(rows)
        return 0
    print(t("layers_cli.header", args.lang, n=len(rows)))
    for row in rows:
        if row["optional"] and not row["imported"]:
            count = t("layers_cli.not_imported", args.lang)
        elif row["features"] is not None:
            count = t("layers_cli.features", args.lang, n=row["features"])
        else:
            count = t("layers_cli.raster", args.lang)
        print(f"  {row['id']:<22} {row['title']:<44} {count:<18} {row['crs']:<10} [{row['citation']}]")
    return 0
