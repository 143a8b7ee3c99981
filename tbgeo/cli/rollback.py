"""``tbgeo rollback LAYER VERSION``: make an earlier version of a layer the active one again."""

from __future__ import annotations

import argparse

from tbgeo.auth import acting
from tbgeo.catalog import load_catalog
from tbgeo.cli import emit_json, layer_label
from tbgeo.errors import InputError
from tbgeo.i18n import t
from tbgeo.ingest.versions import rollback
from tbgeo.store import open_store

NAME = "rollback"
HELP_KEY = "ingest.cli_rollback_help"


def add_arguments(parser: argparse.ArgumentParser, lang: str) -> None:
    parser.add_argument("layer", help=t("ingest.cli_opt_layer", lang))
    parser.add_argument("version", help=t("ingest.cli_opt_version", lang))
    parser.add_argument("--user", default=None, help=t("ingest.cli_opt_user", lang))
    parser.add_argument("--format", choices=("text", "json"), default="text", help=t("cli.format_help", lang))


def run(args: argparse.Namespace) -> int:
    lang = args.lang
    load_catalog(check_data=False).get(args.layer)
    value = str(args.version).strip().lower()
    if value in ("shipped", "0", "none"):
        version = None
    elif value.isdigit():
        version = int(value)
    else:
        raise InputError("ingest.bad_version", value=args.version)
    store = open_store(create=False)
    active = rollback(store, args.layer, version, actor=acting(store, args.user))
    if args.format == "json":
        emit_json({"layer": args.layer, "active": active.to_dict() if active else None})
    elif active is None:
        print(t("ingest.out_rollback_shipped", lang, layer=layer_label(args.layer, lang)))
    else:
        print(t("ingest.out_rollback_done", lang, layer=layer_label(args.layer, lang), version=active.version, n=active.features))
    return 0
