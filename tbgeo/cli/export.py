"""``tbgeo export LAYER --out FILE``: write a layer (its active version) as GeoPackage, shapefile, GeoJSON or KML."""

from __future__ import annotations

import argparse

from tbgeo.auth import acting
from tbgeo.cli import emit_json, layer_label
from tbgeo.i18n import t
from tbgeo.ingest.export import FORMATS, export_layer, format_for
from tbgeo.store import open_store

NAME = "export"
HELP_KEY = "ingest.cli_export_help"


def add_arguments(parser: argparse.ArgumentParser, lang: str) -> None:
    parser.add_argument("layer", help=t("ingest.cli_opt_layer", lang))
    parser.add_argument("--out", required=True, help=t("ingest.cli_opt_out", lang))
    parser.add_argument("--format", dest="fmt", choices=FORMATS, default=None, help=t("ingest.cli_opt_export_format", lang))
    parser.add_argument("--version", type=int, default=None, help=t("ingest.cli_opt_export_version", lang))
    parser.add_argument("--json", action="store_true", help=t("ingest.cli_opt_json", lang))
    parser.add_argument("--user", default=None, help=t("ingest.cli_opt_user", lang))


def run(args: argparse.Namespace) -> int:
    fmt = args.fmt or format_for(args.out)
    info = export_layer(args.layer, args.out, fmt=fmt, version=args.version,
                        actor=acting(open_store(create=False), args.user))
    if args.json:
        emit_json(info)
    else:
        print(t("ingest.out_export_done", args.lang, layer=layer_label(args.layer, args.lang), n=info["features"], path=info["path"], fmt=fmt))
        for w in info.get("warnings", []):
            print(t("ingest.out_warning", args.lang, message=t(w["code"], args.lang, **w["params"])))
    return 0
